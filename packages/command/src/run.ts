import process from 'node:process';
import { type CliContext, type Command, pickLang, UsageError } from './context.js';
import { speaksLang, systemErrorMessage } from './system-error.js';
import { usageText } from './usage-text.js';

/**
 * The process side of the command line: language, abort on SIGINT/SIGTERM, quiet end on a closed
 * pipe. Returns the context and the arguments without `--lang`.
 */
export function processContext(argv: string[]): { ctx: CliContext; args: string[]; dispose: () => void } {
  const lang = pickLang(argv, process.env);
  const args = argv.filter((a, i) => a !== '--lang' && argv[i - 1] !== '--lang' && !a.startsWith('--lang='));
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // A closed pipe (`| head`) ends the output quietly rather than crashing.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
  });
  const ctx: CliContext = {
    stdout: process.stdout,
    stderr: process.stderr,
    lang,
    cwd: process.cwd(),
    signal: controller.signal,
    stderrIsTTY: !!process.stderr.isTTY,
  };
  const dispose = () => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  };
  return { ctx, args, dispose };
}

/** Runs one command: a wrong invocation prints the usage (exit 2), any other error its name and message (exit 1). */
export async function runCommand(command: Command, args: string[], ctx: CliContext): Promise<number> {
  try {
    return await command.run(args, ctx);
  } catch (err) {
    if (err instanceof UsageError) {
      ctx.stderr.write(
        `atelier ${command.name}: ${usageText(err.message, ctx.lang)}\n${err.usage ? `\n${err.usage}\n` : ''}`,
      );
      return 2;
    }
    const e = err as Error;
    const system = systemErrorMessage(err, ctx.lang);
    if (system !== undefined) {
      ctx.stderr.write(`atelier ${command.name}: ${system}\n`);
      if (process.env.ATELIER_DEBUG) ctx.stderr.write(`${e.stack}\n`);
      return 1;
    }
    // An error that can say itself in the user's language (a bad log or DBC) does, naming the place;
    // in English the class name stays in front, as it always was, for whoever greps for it.
    if (ctx.lang !== 'en' && speaksLang(err)) {
      ctx.stderr.write(`atelier ${command.name}: ${err.messageIn(ctx.lang)}\n`);
      if (process.env.ATELIER_DEBUG) ctx.stderr.write(`${e.stack}\n`);
      return 1;
    }
    ctx.stderr.write(
      `atelier ${command.name}: ${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message}\n`,
    );
    if (process.env.ATELIER_DEBUG) ctx.stderr.write(`${e.stack}\n`);
    return 1;
  }
}

/** Exits once stdout has drained: large outputs piped to another program must arrive whole. */
export function exitAfterOutput(code: number): void {
  process.stdout.write('', () => process.exit(code));
}
