import { type CliContext, UsageError } from '@atelier/command';

/**
 * The common start of every `atelier can <sub> LOG …` command: parse the options (a parse error is a
 * usage error), answer `--help`, and insist on exactly one log file. Returns the exit code instead
 * when it printed the usage.
 */
export function logCommandArgs<V extends { help?: boolean }>(
  args: string[],
  ctx: CliContext,
  usage: string,
  parse: (args: string[]) => { values: V; positionals: string[] },
): { values: V; positionals: string[] } | number {
  let parsed: { values: V; positionals: string[] };
  try {
    parsed = parse(args);
  } catch (err) {
    throw new UsageError((err as Error).message, usage);
  }
  if (parsed.values.help) {
    ctx.stdout.write(`${usage}\n`);
    return 0;
  }
  if (parsed.positionals.length !== 1)
    throw new UsageError(ctx.lang === 'fr' ? 'un journal attendu' : 'expected one log file', usage);
  return parsed;
}
