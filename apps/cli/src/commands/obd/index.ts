import { commandGroup, type Subcommand } from '@atelier/command';
import { decodeSubcommand } from './decode.js';
import { dtcSubcommand } from './dtc.js';
import { liveSubcommand } from './live.js';
import { readSubcommand } from './read.js';

export type { Subcommand };

/** `atelier obd <sub>`: each subcommand lives in its own module beside this one. */
export const obdSubcommands: Subcommand[] = [readSubcommand, liveSubcommand, dtcSubcommand, decodeSubcommand];

export const obdCommand = commandGroup('obd', obdSubcommands);
