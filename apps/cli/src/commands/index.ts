import type { Command } from '../context.js';

/**
 * Every command group, in the order the help lists them, loaded on demand: a command pays only for
 * its own dependencies at start-up (the dashboard's, the simulator's … are not loaded to analyse a
 * fault tree). Each area adds one line here.
 */
export const commandLoaders: Record<string, () => Promise<Command>> = {
  can: () => import('./can/index.js').then((m) => m.canCommand),
  obd: () => import('./obd/index.js').then((m) => m.obdCommand),
  adapter: () => import('./adapter.js').then((m) => m.adapterCommand),
  dtc: () => import('./dtc.js').then((m) => m.dtcCommand),
  vin: () => import('./vin.js').then((m) => m.vinCommand),
  emulate: () => import('./emulate.js').then((m) => m.emulateCommand),
  sim: () => import('./sim.js').then((m) => m.simCommand),
  kb: () => import('./kb.js').then((m) => m.kbCommand),
  diagnose: () => import('./diagnose.js').then((m) => m.diagnoseCommand),
  fta: () => import('./fta.js').then((m) => m.ftaCommand),
  serve: () => import('./serve.js').then((m) => m.serveCommand),
  db: () => import('./db.js').then((m) => m.dbCommand),
};

/** All commands, for the help listing. */
export async function allCommands(): Promise<Command[]> {
  return Promise.all(Object.values(commandLoaders).map((load) => load()));
}
