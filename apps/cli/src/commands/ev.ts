import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type Frame, readLog, readLogOrigin } from '@atelier/can';
import { type CliContext, commandGroup, UsageError, writeOut } from '@atelier/command';
import {
  adapterSource,
  type BatteryDefinition,
  type BatteryReport,
  batteryDefinition,
  batteryDefinitions,
  batteryReportFromFrames,
  formatBatteryReport,
  NoBatteryDataError,
  readDefinitionFile,
  readKnownBattery,
} from '@atelier/ev';
import { openCliAdapter } from '../open-adapter.js';
import type { Subcommand } from './can/index.js';
import { ADAPTER_HELP } from './obd/common.js';

const vehicles = () => batteryDefinitions().map((d) => d.id);

const USAGE = {
  fr: `Usage : atelier ev report JOURNAL|--adapter A [--vehicle V] [--json]

Rapport de la batterie de traction : tension et courant du pack, état de charge (SoC), état de santé
(SoH), tensions des cellules (min, max, écart, la liste complète), températures ; ce que la source ne
donne pas est dit, avec la raison ; contrôles de vraisemblance ; rappel de l'habilitation NF C18-550.

  JOURNAL          un enregistrement (candump, ASC, TRC, CSV, MF4, BLF) des lectures du calculateur
                   batterie ; le véhicule est reconnu à ses requêtes
${ADAPTER_HELP.fr}
  --vehicle V      la définition à lire en direct : ${vehicles().join(', ')} (défaut : la première
                   qui répond), ou un fichier de définition écrit pour un autre véhicule (.yaml)
  --json           le rapport en un objet JSON`,
  en: `Usage: atelier ev report LOG|--adapter A [--vehicle V] [--json]

Traction-battery report: pack voltage and current, state of charge (SoC), state of health (SoH),
cell voltages (min, max, spread, the whole list), temperatures; what the source does not give is
said, with the reason; plausibility checks; the NF C18-550 habilitation note.

  LOG              a recording (candump, ASC, TRC, CSV, MF4, BLF) of the battery ECU being read;
                   the vehicle is recognised from its requests
${ADAPTER_HELP.en}
  --vehicle V      the definition to read live: ${vehicles().join(', ')} (default: the first that
                   answers), or a definition file written for another vehicle (.yaml)
  --json           the report as one JSON object`,
};

async function live(
  spec: string,
  vehicle: BatteryDefinition | undefined,
  transcript: string | undefined,
  ctx: CliContext,
  usage: string,
) {
  const adapter = await openCliAdapter(spec, ctx, { transcriptPath: transcript, usage, announce: true });
  try {
    // One definition named: read it whatever it answers; none: the first known BMS that answers.
    return await readKnownBattery(adapter.link, {
      definitions: vehicle ? [vehicle] : undefined,
      name: spec,
      source: adapterSource(adapter.info),
    });
  } finally {
    await adapter.close();
  }
}

async function run(args: string[], ctx: CliContext): Promise<number> {
  const usage = USAGE[ctx.lang];
  const fr = ctx.lang === 'fr';
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (err) {
    throw new UsageError((err as Error).message, usage);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    ctx.stdout.write(`${usage}\n`);
    return 0;
  }
  const spec = values.adapter ?? (positionals.length === 0 ? process.env.ATELIER_ADAPTER : undefined);
  if (
    (positionals.length !== 1 && !spec) ||
    (positionals.length > 0 && values.adapter) ||
    positionals.length > 1
  )
    throw new UsageError(fr ? 'un JOURNAL ou --adapter A attendu' : 'a LOG or --adapter A expected', usage);
  // A definition file the user wrote (a new car), or one that ships with Atelier by its id.
  const vehicle =
    values.vehicle === undefined
      ? undefined
      : isDefinitionFile(values.vehicle)
        ? readDefinitionFile(resolve(ctx.cwd, values.vehicle), values.vehicle)
        : batteryDefinition(values.vehicle);
  if (values.vehicle !== undefined && !vehicle)
    throw new UsageError(
      fr ? `--vehicle : ${vehicles().join(' ou ')}` : `--vehicle: ${vehicles().join(' or ')}`,
      usage,
    );
  let report: BatteryReport;
  try {
    if (positionals.length === 1) {
      const file = resolve(ctx.cwd, positionals[0]);
      const frames: Frame[] = [];
      for await (const f of readLog(file)) frames.push(f);
      report = batteryReportFromFrames(frames, {
        name: positionals[0],
        definitions: vehicle ? [vehicle] : undefined,
        // What the file says of where it comes from (Atelier's simulator marks its recordings).
        origin: readLogOrigin(file),
      });
    } else report = await live(spec as string, vehicle, values.transcript, ctx, usage);
  } catch (err) {
    if (!(err instanceof NoBatteryDataError)) throw err;
    ctx.stderr.write(`atelier ev report: ${err.source}: ${err.text[ctx.lang]}\n`);
    return 1;
  }
  await writeOut(
    ctx.stdout,
    values.json ? `${JSON.stringify(report)}\n` : formatBatteryReport(report, ctx.lang),
  );
  return 0;
}

/** A `--vehicle` value that names a file rather than a definition id (ids have no dot nor slash). */
const isDefinitionFile = (v: string) => /\.ya?ml$/i.test(v) || v.includes('/');

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      adapter: { type: 'string' },
      transcript: { type: 'string' },
      vehicle: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

const reportSubcommand: Subcommand = {
  name: 'report',
  summary: { fr: 'rapport de la batterie de traction', en: 'traction-battery report' },
  run,
};

export const evCommand = commandGroup('ev', [reportSubcommand]);
