import type { CommandEntry } from '@atelier/command';

/**
 * Every command, in the order the help lists them: its summary, and its module loaded only when it
 * runs. A command pays only for its own dependencies at start-up (the dashboard's, the simulator's,
 * the fault-tree engine's are not loaded to decode one OBD line), and `atelier --help` loads none.
 * The workshop app owns its commands (`serve`, `db`): they are loaded from it the same way.
 */
export const COMMANDS: Record<string, CommandEntry> = {
  can: {
    summary: { fr: 'journaux CAN, bus, relecture, ISO-TP, DBC', en: 'CAN logs, buses, replay, ISO-TP, DBC' },
    load: () => import('./can/index.js').then((m) => m.canCommand),
  },
  obd: {
    summary: {
      fr: 'lecture OBD-II : VIN, codes défaut, données en direct',
      en: 'OBD-II reading: VIN, DTCs, live data',
    },
    load: () => import('./obd/index.js').then((m) => m.obdCommand),
  },
  adapter: {
    summary: {
      fr: "adaptateurs ELM327 : examen de la puce et de ce qu'elle sait faire",
      en: 'ELM327 adapters: what the chip is and what it can do',
    },
    load: () => import('./adapter.js').then((m) => m.adapterCommand),
  },
  ev: {
    summary: {
      fr: 'batterie de traction : SoC, SoH, cellules, températures',
      en: 'traction battery: SoC, SoH, cells, temperatures',
    },
    load: () => import('./ev.js').then((m) => m.evCommand),
  },
  dtc: {
    summary: { fr: 'explique un code défaut (P0301 …)', en: 'explains a trouble code (P0301 …)' },
    load: () => import('./dtc.js').then((m) => m.dtcCommand),
  },
  vin: {
    summary: {
      fr: "décode un numéro d'identification (VIN)",
      en: 'decodes a vehicle identification number (VIN)',
    },
    load: () => import('./vin.js').then((m) => m.vinCommand),
  },
  emulate: {
    summary: { fr: 'émulateur ELM327 (TCP, pseudo-terminal)', en: 'ELM327 emulator (TCP, pseudo-terminal)' },
    load: () => import('./emulate.js').then((m) => m.emulateCommand),
  },
  sim: {
    summary: {
      fr: 'véhicules simulés, défauts injectés, scénarios',
      en: 'simulated vehicles, injected faults, scenarios',
    },
    load: () => import('./sim.js').then((m) => m.simCommand),
  },
  kb: {
    summary: { fr: 'base de connaissances du diagnostic (lint)', en: 'diagnosis knowledge base (lint)' },
    load: () => import('./kb.js').then((m) => m.kbCommand),
  },
  diagnose: {
    summary: {
      fr: 'diagnostic guidé (arbres de défaillance, prochain test)',
      en: 'guided diagnosis (fault trees, next best test)',
    },
    load: () => import('./diagnose.js').then((m) => m.diagnoseCommand),
  },
  fta: {
    summary: {
      fr: 'arbres de défaillance : analyse, a posteriori, conversion MEF ⇄ YAML',
      en: 'fault trees: analysis, posteriors, MEF ⇄ YAML conversion',
    },
    load: () => import('./fta.js').then((m) => m.ftaCommand),
  },
  serve: {
    summary: { fr: "tableau de bord de l'atelier (web)", en: 'workshop dashboard (web)' },
    load: () => import('@atelier/workshop/commands').then((m) => m.serveCommand),
  },
  db: {
    summary: { fr: "base de l'atelier : sauvegarde, vérification", en: 'workshop database: backup, check' },
    load: () => import('@atelier/workshop/commands').then((m) => m.dbCommand),
  },
};
