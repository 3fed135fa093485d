import { parseArgs } from 'node:util';
import { type CliContext, UsageError } from '@atelier/command';
import type { DiagnosticLink } from '@atelier/obd';
import { adapterExamples, openAdapter } from '../../adapters.js';

type Spec = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

/** Parses a subcommand's arguments; any mistake is a UsageError carrying the usage text. */
export function parseOptions(
  args: string[],
  options: Spec,
  usage: string,
  allowPositionals = false,
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    return parseArgs({
      args,
      options: {
        ...options,
        adapter: { type: 'string' },
        transcript: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals,
      strict: true,
    });
  } catch (err) {
    throw new UsageError((err as Error).message, usage);
  }
}

/** Opens the `--adapter` link (or ATELIER_ADAPTER), telling the user what is happening on stderr. */
export async function openFromOptions(
  values: Record<string, unknown>,
  ctx: CliContext,
  usage: string,
): Promise<DiagnosticLink> {
  const spec = (values.adapter as string | undefined) ?? process.env.ATELIER_ADAPTER;
  if (!spec) {
    throw new UsageError(
      ctx.lang === 'fr'
        ? `--adapter manque (par exemple ${adapterExamples().join(', ')})`
        : `--adapter is missing (e.g. ${adapterExamples().join(', ')})`,
      usage,
    );
  }
  ctx.stderr.write(ctx.lang === 'fr' ? `connexion à ${spec}…\n` : `connecting to ${spec}…\n`);
  return openAdapter(spec, ctx, { transcriptPath: values.transcript as string | undefined });
}

export const ADAPTER_HELP = {
  fr: `  --adapter A      adaptateur : elm327:/dev/ttyUSB0[?baud=38400], elm327:tcp://HÔTE:PORT,
                   socketcan:can0 (ou la variable ATELIER_ADAPTER)
  --transcript F   enregistre tout le dialogue avec l'adaptateur dans F (horodaté, rejouable)`,
  en: `  --adapter A      adapter: elm327:/dev/ttyUSB0[?baud=38400], elm327:tcp://HOST:PORT,
                   socketcan:can0 (or the ATELIER_ADAPTER variable)
  --transcript F   records the whole adapter dialogue to F (timestamped, replayable)`,
};
