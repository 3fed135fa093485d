import type { Command, Text } from './context.js';
import { UsageError } from './context.js';

/** A subcommand of a group (`atelier can stats`): a command with its one-line summary. */
export interface Subcommand extends Command {
  summary: Text;
}

/**
 * `atelier NAME <sub> …`: runs the named subcommand; without one, or with `--help`, lists them
 * (exit 2 without, 0 with `--help`); an unknown one is a usage error that shows the list.
 */
export function commandGroup(name: string, subcommands: Subcommand[]): Command {
  return {
    name,
    async run(args, ctx) {
      const [sub, ...rest] = args;
      const usage = [
        ctx.lang === 'fr'
          ? `Usage : atelier ${name} <sous-commande> …`
          : `Usage: atelier ${name} <subcommand> …`,
        ...subcommands.map((s) => `  ${s.name.padEnd(8)}  ${s.summary[ctx.lang]}`),
      ].join('\n');
      if (!sub || sub === '--help' || sub === '-h') {
        ctx.stdout.write(`${usage}\n`);
        return sub ? 0 : 2;
      }
      const found = subcommands.find((s) => s.name === sub);
      if (!found)
        throw new UsageError(
          ctx.lang === 'fr' ? `sous-commande inconnue « ${sub} »` : `unknown subcommand '${sub}'`,
          usage,
        );
      return found.run(rest, ctx);
    },
  };
}
