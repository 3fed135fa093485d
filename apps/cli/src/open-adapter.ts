import { createWriteStream, openSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import {
  AdapterSpecError,
  checkAdapterName,
  type OpenedAdapter,
  openAdapter,
  openingVerdict,
  type VerdictText,
} from '@atelier/adapters';
import { type CliContext, UsageError } from '@atelier/command';

/**
 * How a command opens `--adapter`: the shared registry (@atelier/adapters) with the command's
 * folder for scenario files, Ctrl-C to give up a slow opening, and `--transcript FILE` as the
 * traffic sink (appended; closed with the adapter). A bad name is a usage error, found before
 * `announce` says on stderr that the connection is being made.
 */
export async function openCliAdapter(
  spec: string,
  ctx: CliContext,
  options: { transcriptPath?: string; usage?: string; announce?: boolean; identify?: readonly string[] } = {},
): Promise<OpenedAdapter> {
  try {
    checkAdapterName(spec);
  } catch (err) {
    throw usageError(err, ctx, options.usage);
  }
  if (options.announce)
    ctx.stderr.write(ctx.lang === 'fr' ? `connexion à ${spec}…\n` : `connecting to ${spec}…\n`);
  let file: ReturnType<typeof createWriteStream> | undefined;
  if (options.transcriptPath) {
    let fd: number;
    try {
      fd = openSync(options.transcriptPath, 'a');
    } catch (err) {
      throw new UsageError(`--transcript: ${(err as Error).message}`, options.usage);
    }
    file = createWriteStream('', { fd });
    // A full disk stops the recording, not the session: said once, on stderr.
    file.once('error', (err) => ctx.stderr.write(`--transcript: ${err.message}\n`));
  }
  const endFile = async () => {
    if (!file) return;
    file.end();
    await finished(file).catch(() => {});
  };
  try {
    const adapter = await openAdapter(spec, {
      cwd: ctx.cwd,
      signal: ctx.signal,
      traffic: file,
      ...(options.identify ? { identify: options.identify } : {}),
    });
    return {
      ...adapter,
      close: async () => {
        try {
          await adapter.close();
        } finally {
          await endFile();
        }
      },
    };
  } catch (err) {
    await endFile();
    throw usageError(err, ctx, options.usage);
  }
}

/**
 * A bad adapter name as a usage error, in the user's language: the error says itself (an unknown
 * kind, a bad option, a `sim:` scenario that does not exist, or the scenario file's own error);
 * anything else as it is.
 */
function usageError(err: unknown, ctx: CliContext, usage?: string): unknown {
  if (!(err instanceof AdapterSpecError)) return err;
  return new UsageError(err.messageIn(ctx.lang), usage);
}

/**
 * The verdict of an opening that failed for a reason the user must read (a typed link error: nothing
 * answering, not an ELM327, no car); anything else (a usage error, a bug) is rethrown.
 */
export function openingFailure(err: unknown): VerdictText {
  if (err instanceof UsageError || !(err instanceof Error) || (err as { code?: unknown }).code === undefined)
    throw err;
  return openingVerdict(err);
}
