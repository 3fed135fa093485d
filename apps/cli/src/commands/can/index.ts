import { commandGroup, type Subcommand } from '@atelier/command';
import { catSubcommand } from './cat.js';
import { convertSubcommand } from './convert.js';
import { decodeSubcommand } from './decode.js';
import { isotpSubcommand } from './isotp.js';
import { replaySubcommand } from './replay.js';
import { statsSubcommand } from './stats.js';

export type { Subcommand };

/** `atelier can <sub>`: each subcommand lives in its own module beside this one. */
export const canSubcommands: Subcommand[] = [
  catSubcommand,
  convertSubcommand,
  statsSubcommand,
  replaySubcommand,
  isotpSubcommand,
  decodeSubcommand,
];

export const canCommand = commandGroup('can', canSubcommands);
