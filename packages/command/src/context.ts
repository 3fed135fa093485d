import type { Writable } from 'node:stream';
import { parseArgs } from 'node:util';

export type Lang = 'fr' | 'en';
export type Text = { fr: string; en: string };

export interface CliContext {
  stdout: Writable;
  stderr: Writable;
  lang: Lang;
  cwd: string;
  /** Aborted on SIGINT/SIGTERM: long-running commands stop cleanly on it. */
  signal: AbortSignal;
  /** Whether stderr is a terminal (progress bars go there, never to stdout). */
  stderrIsTTY: boolean;
}

/**
 * One command of `atelier` (`atelier NAME args…`). Its one-line summary lives with its entry in the
 * command list, so that `atelier --help` lists every command without loading any.
 */
export interface Command {
  name: string;
  /** Returns the process exit code. */
  run(args: string[], ctx: CliContext): Promise<number>;
}

/** A wrong invocation: the message is shown with the usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super(message);
  }
}

export function pickLang(argv: string[], env: NodeJS.ProcessEnv): Lang {
  const i = argv.indexOf('--lang');
  const flag = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--lang='))?.slice(7);
  const wanted = flag ?? env.ATELIER_LANG ?? env.LC_ALL ?? env.LC_MESSAGES ?? env.LANG ?? '';
  // French first: only an explicit English preference switches.
  return /^en/i.test(wanted) ? 'en' : 'fr';
}

export const t = (lang: Lang, text: Text): string => text[lang];

/** Writes to a stream and waits for it to drain, so large outputs keep memory flat. */
export function writeOut(stream: Writable, chunk: string): Promise<void> | void {
  if (!stream.write(chunk)) return new Promise((resolve) => stream.once('drain', resolve));
}

/**
 * Arguments of a one-verb command (`dtc explain CODE…`, `vin decode VIN…`): checks the verb, reads
 * `--json` and the positionals. Returns the exit code instead when it printed the usage.
 */
export function verbArgs(
  args: string[],
  ctx: CliContext,
  verb: string,
  usage: string,
): { json: boolean; positionals: string[] } | number {
  const [sub, ...rest] = args;
  if (!sub || sub === '--help' || sub === '-h') {
    ctx.stdout.write(`${usage}\n`);
    return sub ? 0 : 2;
  }
  if (sub !== verb)
    throw new UsageError(
      ctx.lang === 'fr' ? `sous-commande inconnue « ${sub} »` : `unknown subcommand '${sub}'`,
      usage,
    );
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      options: { json: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
    return { json: !!values.json, positionals };
  } catch (err) {
    throw new UsageError((err as Error).message, usage);
  }
}

/** A command as a list shows it: its summary, and its module loaded only when it runs. */
export interface CommandEntry {
  summary: Text;
  load(): Promise<Command>;
}
