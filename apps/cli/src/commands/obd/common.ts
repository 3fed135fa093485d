import { parseArgs } from 'node:util';
import { adapterExamples, type OpenedAdapter } from '@atelier/adapters';
import { type CliContext, UsageError } from '@atelier/command';
import { openCliAdapter } from '../../open-adapter.js';

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
): Promise<OpenedAdapter> {
  const spec = (values.adapter as string | undefined) ?? process.env.ATELIER_ADAPTER;
  if (!spec) {
    throw new UsageError(
      ctx.lang === 'fr'
        ? `--adapter manque (par exemple ${adapterExamples('fr').join(', ')})`
        : `--adapter is missing (e.g. ${adapterExamples().join(', ')})`,
      usage,
    );
  }
  return openCliAdapter(spec, ctx, {
    transcriptPath: values.transcript as string | undefined,
    usage,
    announce: true,
  });
}

export const ADAPTER_HELP = {
  fr: `  --adapter A      adaptateur : elm327:/dev/ttyUSB0[?baud=38400&profile=NOM], elm327:/dev/rfcomm0,
                   elm327:tcp://HÔTE:PORT, socketcan:can0, sim:SCÉNARIO[?via=elm327]
                   (ou la variable ATELIER_ADAPTER)
  --transcript F   enregistre tout le trafic de l'adaptateur dans F, horodaté et rejouable
                   (dialogue ELM327, ou trames CAN au format candump)`,
  en: `  --adapter A      adapter: elm327:/dev/ttyUSB0[?baud=38400&profile=NAME], elm327:/dev/rfcomm0,
                   elm327:tcp://HOST:PORT, socketcan:can0, sim:SCENARIO[?via=elm327]
                   (or the ATELIER_ADAPTER variable)
  --transcript F   records all the adapter's traffic to F, timestamped and replayable
                   (the ELM327 dialogue, or CAN frames as a candump log)`,
};
