import type { Command } from '../context.js';
import { canCommand } from './can/index.js';
import { dbCommand } from './db.js';
import { diagnoseCommand } from './diagnose.js';
import { dtcCommand } from './dtc.js';
import { emulateCommand } from './emulate.js';
import { ftaCommand } from './fta.js';
import { kbCommand } from './kb.js';
import { obdCommand } from './obd/index.js';
import { serveCommand } from './serve.js';
import { simCommand } from './sim.js';
import { vinCommand } from './vin.js';

/** Every command group, in the order the help lists them. Each area adds its own module here. */
export const commands: Command[] = [
  canCommand,
  obdCommand,
  dtcCommand,
  vinCommand,
  emulateCommand,
  simCommand,
  kbCommand,
  diagnoseCommand,
  ftaCommand,
  serveCommand,
  dbCommand,
];
