import type { CliContext, Command, Text } from '../../context.js';
import { UsageError } from '../../context.js';
import { decodeSubcommand } from './decode.js';
import { dtcSubcommand } from './dtc.js';
import { liveSubcommand } from './live.js';
import { readSubcommand } from './read.js';

export interface Subcommand {
  name: string;
  summary: Text;
  run(args: string[], ctx: CliContext): Promise<number>;
}

/** `atelier obd <sub>`: each subcommand lives in its own module beside this one. */
export const obdSubcommands: Subcommand[] = [readSubcommand, liveSubcommand, dtcSubcommand, decodeSubcommand];

export const obdCommand: Command = {
  name: 'obd',
  summary: {
    fr: 'lecture OBD-II : VIN, codes défaut, données en direct',
    en: 'OBD-II reading: VIN, DTCs, live data',
  },
  async run(args, ctx) {
    const [sub, ...rest] = args;
    const usage = [
      ctx.lang === 'fr' ? 'Usage : atelier obd <sous-commande> …' : 'Usage: atelier obd <subcommand> …',
      ...obdSubcommands.map((s) => `  ${s.name.padEnd(8)}  ${s.summary[ctx.lang]}`),
    ].join('\n');
    if (!sub || sub === '--help' || sub === '-h') {
      ctx.stdout.write(`${usage}\n`);
      return sub ? 0 : 2;
    }
    const found = obdSubcommands.find((s) => s.name === sub);
    if (!found)
      throw new UsageError(
        ctx.lang === 'fr' ? `sous-commande inconnue « ${sub} »` : `unknown subcommand '${sub}'`,
        usage,
      );
    return found.run(rest, ctx);
  },
};
