import { closeSync, createWriteStream, openSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { AdapterSpecError, adapterExamples, type OpenedAdapter, openAdapter } from '@atelier/adapters';
import { type CliContext, UsageError } from './context.js';

/**
 * How a command opens `--adapter`: the shared registry (@atelier/adapters) with the command's
 * folder for scenario files, Ctrl-C to give up a slow opening, and `--transcript FILE` as the
 * traffic sink (appended; closed with the adapter). A bad name is a usage error.
 */
export async function openCliAdapter(
  spec: string,
  ctx: CliContext,
  options: { transcriptPath?: string; usage?: string } = {},
): Promise<OpenedAdapter> {
  let file: ReturnType<typeof createWriteStream> | undefined;
  if (options.transcriptPath) {
    let fd: number;
    try {
      fd = openSync(options.transcriptPath, 'a');
    } catch (err) {
      throw new UsageError(`--transcript: ${(err as Error).message}`, options.usage);
    }
    file = createWriteStream('', { fd });
    file.on('error', () => closeSync(fd));
  }
  const endFile = async () => {
    if (!file) return;
    file.end();
    await finished(file).catch(() => {});
  };
  try {
    const adapter = await openAdapter(spec, { cwd: ctx.cwd, signal: ctx.signal, traffic: file });
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
    if (!(err instanceof AdapterSpecError)) throw err;
    if (err.reason === 'unknown-scheme' && ctx.lang === 'fr')
      throw new UsageError(
        `adaptateur « ${spec} » : type d'adaptateur inconnu (connus : ${adapterExamples().join(', ')})`,
        options.usage,
      );
    throw new UsageError(err.message, options.usage);
  }
}
