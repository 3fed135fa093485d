import type { CliContext, Command, Text } from '../../context.js';
import { UsageError } from '../../context.js';
import { catSubcommand } from './cat.js';
import { convertSubcommand } from './convert.js';
import { decodeSubcommand } from './decode.js';
import { isotpSubcommand } from './isotp.js';
import { replaySubcommand } from './replay.js';
import { statsSubcommand } from './stats.js';

export interface Subcommand {
  name: string;
  summary: Text;
  run(args: string[], ctx: CliContext): Promise<number>;
}

/** `atelier can <sub>`: each subcommand lives in its own module beside this one. */
export const canSubcommands: Subcommand[] = [
  catSubcommand,
  convertSubcommand,
  statsSubcommand,
  replaySubcommand,
  isotpSubcommand,
  decodeSubcommand,
];

export const canCommand: Command = {
  name: 'can',
  summary: { fr: 'journaux CAN, bus, relecture, ISO-TP, DBC', en: 'CAN logs, buses, replay, ISO-TP, DBC' },
  async run(args, ctx) {
    const [sub, ...rest] = args;
    const usage = [
      ctx.lang === 'fr' ? 'Usage : atelier can <sous-commande> …' : 'Usage: atelier can <subcommand> …',
      ...canSubcommands.map((s) => `  ${s.name.padEnd(8)}  ${s.summary[ctx.lang]}`),
    ].join('\n');
    if (!sub || sub === '--help' || sub === '-h') {
      ctx.stdout.write(`${usage}\n`);
      return sub ? 0 : 2;
    }
    const found = canSubcommands.find((s) => s.name === sub);
    if (!found)
      throw new UsageError(
        ctx.lang === 'fr' ? `sous-commande inconnue « ${sub} »` : `unknown subcommand '${sub}'`,
        usage,
      );
    return found.run(rest, ctx);
  },
};
