import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type CliContext, type Command, UsageError, writeOut } from '@atelier/command';
import { batteryDefinition, batteryDefinitions } from '@atelier/ev';
import { RecordedResponder } from '@atelier/obd';
import {
  listScenarios,
  loadScenario,
  openScenarioResponder,
  type PeriodicReads,
  PROFILE_NAMES,
  type ProfileName,
  parseScenario,
  recordedScenarioYaml,
  type Scenario,
  ScenarioError,
  type SessionReport,
  scenarioSummary,
  simulateSession,
} from '@atelier/vehicle-sim';

const USAGE = {
  fr: `Usage : atelier sim list [--json]
        atelier sim run --scenario NOM|FICHIER [--duration S] [--record SORTIE.log]
                        [--battery VÉHICULE [--battery-every S]] [--json]
        atelier sim import ENREGISTREMENT --name NOM --vehicle PROFIL --complaint-fr T
                          --complaint-en T --cause T [--out FICHIER.yaml]

Véhicules simulés avec défauts injectés (scénarios de formation).

  list              les scénarios fournis : véhicule, défauts, plainte du client, vraie cause
  run               session d'atelier scriptée (VIN, codes défaut, image figée, préparation,
                    PID en direct) contre le véhicule simulé sur un bus CAN virtuel, en temps
                    virtuel ; --record écrit chaque trame au format candump
  import            fait d'un enregistrement (journal CAN avec trafic de diagnostic, ou
                    transcription ELM327) un scénario : le véhicule répond comme la voiture
                    enregistrée, ses trames de fond rejouées à côté
  --scenario S      nom d'un scénario fourni ou chemin d'un fichier YAML
  --duration S      durée de la session, secondes (60 par défaut)
  --battery V       lit aussi la batterie de traction comme \`atelier ev report\` (définition V :
                    hyundai-kona-ioniq, nissan-leaf) toutes les --battery-every secondes (10 par
                    défaut) : un enregistrement qui donne un rapport batterie
  --json            sortie JSON`,
  en: `Usage: atelier sim list [--json]
       atelier sim run --scenario NAME|FILE [--duration S] [--record OUT.log]
                       [--battery VEHICLE [--battery-every S]] [--json]
       atelier sim import RECORDING --name NAME --vehicle PROFILE --complaint-fr T
                         --complaint-en T --cause T [--out FILE.yaml]

Simulated vehicles with injected faults (training scenarios).

  list              the built-in scenarios: vehicle, faults, customer complaint, true cause
  run               scripted workshop session (VIN, DTCs, freeze frame, readiness, live PIDs)
                    against the simulated vehicle on a virtual CAN bus, in virtual time;
                    --record writes every frame as a candump log
  import            turns a recording (CAN log with diagnostic traffic, or ELM327 transcript)
                    into a scenario: the vehicle answers as the recorded car did, its other
                    frames played alongside
  --scenario S      a built-in scenario name or a YAML file path
  --duration S      session length, seconds (default 60)
  --battery V       also reads the traction battery as \`atelier ev report\` does (definition V:
                    hyundai-kona-ioniq, nissan-leaf) every --battery-every seconds (default 10): a recording
                    that gives a battery report
  --json            JSON output`,
};

function parse(
  args: string[],
  ctx: CliContext,
  options: NonNullable<Parameters<typeof parseArgs>[0]>['options'],
) {
  try {
    return parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true })
      .values as Record<string, string | boolean | undefined>;
  } catch (err) {
    throw new UsageError((err as Error).message, USAGE[ctx.lang]);
  }
}

async function list(args: string[], ctx: CliContext): Promise<number> {
  const v = parse(args, ctx, { json: { type: 'boolean' } });
  if (v.help) return help(ctx);
  const all = listScenarios();
  if (v.json) {
    await writeOut(ctx.stdout, `${JSON.stringify(all.map(scenarioSummary), null, 2)}\n`);
    return 0;
  }
  const width = Math.max(...all.map((s) => s.name.length));
  const lines = all.map((s) => {
    const faults = s.faults.length
      ? s.faults.map((f) => f.type).join(', ')
      : ctx.lang === 'fr'
        ? 'aucun défaut'
        : 'no fault';
    return `${s.name.padEnd(width)}  ${s.vehicle.padEnd(9)}  ${faults}\n${' '.repeat(width + 2)}« ${s.complaint[ctx.lang]} »`;
  });
  await writeOut(ctx.stdout, `${lines.join('\n')}\n`);
  return 0;
}

function resolveScenario(spec: string, ctx: CliContext): Scenario {
  const looksLikeFile = /[/\\]|\.ya?ml$/.test(spec);
  try {
    return loadScenario(looksLikeFile && !isAbsolute(spec) ? resolve(ctx.cwd, spec) : spec);
  } catch (err) {
    if (err instanceof ScenarioError && !looksLikeFile && err.path === '')
      throw new UsageError(err.messageIn(ctx.lang), USAGE[ctx.lang]);
    throw err;
  }
}

const BATTERY_IDS = () =>
  batteryDefinitions()
    .map((d) => d.id)
    .join(', ');

/** `--battery V [--battery-every S]`: the definition's requests, sent as `atelier ev report` sends them. */
function batteryReads(
  v: Record<string, string | boolean | undefined>,
  ctx: CliContext,
): PeriodicReads | undefined {
  const fr = ctx.lang === 'fr';
  if (v.battery === undefined) {
    if (v['battery-every'] !== undefined)
      throw new UsageError(
        fr ? '--battery-every va avec --battery' : '--battery-every goes with --battery',
        USAGE[ctx.lang],
      );
    return undefined;
  }
  const d = batteryDefinition(v.battery as string);
  if (!d) throw new UsageError(`--battery: ${BATTERY_IDS()}`, USAGE[ctx.lang]);
  const everyS = v['battery-every'] === undefined ? 10 : Number(v['battery-every']);
  if (!Number.isFinite(everyS) || everyS < 1 || everyS > 3600)
    throw new UsageError(
      fr
        ? `--battery-every : « ${v['battery-every']} » doit être 1 à 3600 s`
        : `--battery-every: '${v['battery-every']}' must be 1 to 3600 s`,
      USAGE[ctx.lang],
    );
  return { everyS, requests: d.requests.map((r) => ({ target: d.ecu.request, data: r.request })) };
}

async function run(args: string[], ctx: CliContext): Promise<number> {
  const v = parse(args, ctx, {
    scenario: { type: 'string', short: 's' },
    duration: { type: 'string' },
    record: { type: 'string' },
    battery: { type: 'string' },
    'battery-every': { type: 'string' },
    json: { type: 'boolean' },
  });
  if (v.help) return help(ctx);
  const fr = ctx.lang === 'fr';
  if (!v.scenario)
    throw new UsageError(fr ? '--scenario est obligatoire' : '--scenario is required', USAGE[ctx.lang]);
  const duration = v.duration === undefined ? 60 : Number(v.duration);
  if (!Number.isFinite(duration) || duration < 0 || duration > 86_400)
    throw new UsageError(
      fr
        ? `--duration : « ${v.duration} » doit être un nombre de secondes (0 à 86400)`
        : `--duration: '${v.duration}' must be seconds (0 to 86400)`,
      USAGE[ctx.lang],
    );
  const reads = batteryReads(v, ctx);
  const scenario = resolveScenario(v.scenario as string, ctx);
  const record = v.record ? resolve(ctx.cwd, v.record as string) : undefined;
  const { report, frames } = await simulateSession(scenario, { durationS: duration, record, reads });
  if (v.json) {
    await writeOut(
      ctx.stdout,
      `${JSON.stringify({ scenario: scenario.name, frames, record, report }, null, 2)}\n`,
    );
    return 0;
  }
  await writeOut(ctx.stdout, describe(scenario, report, frames, record, ctx));
  return 0;
}

function describe(
  s: Scenario,
  r: SessionReport,
  frames: number,
  record: string | undefined,
  ctx: CliContext,
): string {
  const fr = ctx.lang === 'fr';
  const none = fr ? 'aucun' : 'none';
  const hexes = (xs: { address: number }[]) => xs.map((e) => e.address.toString(16).toUpperCase()).join(', ');
  const lines = [
    `${fr ? 'Scénario' : 'Scenario'} ${s.name} — ${s.profile.label[ctx.lang]}`,
    `  VIN : ${r.vin ?? '?'}`,
    `  ${fr ? 'Calculateurs OBD' : 'OBD ECUs'} : ${hexes(r.ecus) || none}`,
    `  MIL : ${r.mil ? (fr ? 'allumé' : 'on') : fr ? 'éteint' : 'off'}`,
    `  ${fr ? 'Codes confirmés' : 'Confirmed DTCs'} : ${r.confirmed.join(', ') || none}`,
    `  ${fr ? 'Codes en attente' : 'Pending DTCs'} : ${r.pending.join(', ') || none}`,
    `  ${fr ? 'Codes permanents' : 'Permanent DTCs'} : ${r.permanent.join(', ') || none}`,
  ];
  if (r.freezeFrame) {
    const f = r.freezeFrame;
    lines.push(
      `  ${fr ? 'Image figée' : 'Freeze frame'} : ${f.dtc}, ${f.rpm ?? '?'} ${fr ? 'tr/min' : 'rpm'}, ${f.speedKmh ?? '?'} km/h, ${f.coolantC ?? '?'} °C`,
    );
  }
  lines.push(
    `  ${fr ? 'Moniteurs prêts' : 'Monitors complete'} : ${r.readiness.complete}/${r.readiness.supported}`,
    ...Object.entries(r.uds).map(
      ([ecu, list]) =>
        `  UDS 0x${ecu.toUpperCase()} : ${list.map((d) => `${d.code} (0x${d.status.toString(16).padStart(2, '0')})`).join(', ') || none}`,
    ),
    `  ${fr ? 'Données en direct' : 'Live data'} : ${r.live.samples} ${fr ? 'lectures' : 'samples'}, ${r.live.rpm ?? '?'} ${fr ? 'tr/min' : 'rpm'}, ${r.live.speedKmh ?? '?'} km/h, ${r.live.coolantC ?? '?'} °C`,
    `  ${fr ? 'Trames' : 'Frames'} : ${frames}${record ? ` → ${record}` : ''}`,
  );
  // French puts a space before the colon; English does not.
  const text = lines.join('\n');
  return `${fr ? text : text.replace(/ : /g, ': ')}\n`;
}

async function importRecording(args: string[], ctx: CliContext): Promise<number> {
  const fr = ctx.lang === 'fr';
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        name: { type: 'string' },
        vehicle: { type: 'string' },
        'complaint-fr': { type: 'string' },
        'complaint-en': { type: 'string' },
        cause: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }) as typeof parsed;
  } catch (err) {
    throw new UsageError((err as Error).message, USAGE[ctx.lang]);
  }
  const v = parsed.values;
  if (v.help) return help(ctx);
  const [recordingArg] = parsed.positionals;
  const missing = ['name', 'vehicle', 'complaint-fr', 'complaint-en', 'cause'].filter((k) => !v[k]);
  if (!recordingArg || missing.length || parsed.positionals.length > 1)
    throw new UsageError(
      fr
        ? `il faut un enregistrement et ${missing.map((k) => `--${k}`).join(', ') || 'un seul enregistrement'}`
        : `needs one recording and ${missing.map((k) => `--${k}`).join(', ') || 'only one recording'}`,
      USAGE[ctx.lang],
    );
  const vehicle = v.vehicle as string;
  if (!(PROFILE_NAMES as string[]).includes(vehicle))
    throw new UsageError(
      `--vehicle: ${fr ? 'profils' : 'profiles'} ${PROFILE_NAMES.join(', ')}`,
      USAGE[ctx.lang],
    );
  const recording = resolve(ctx.cwd, recordingArg);
  const out = resolve(ctx.cwd, (v.out as string | undefined) ?? `${v.name as string}.yaml`);
  const yaml = recordedScenarioYaml({
    name: v.name as string,
    vehicle: vehicle as ProfileName,
    complaint: { fr: v['complaint-fr'] as string, en: v['complaint-en'] as string },
    trueCause: v.cause as string,
    recording: relative(dirname(out), recording) || basename(recording),
  });
  // Validate before writing: the file must parse, and the recording must hold diagnostic traffic.
  const scenario = parseScenario(yaml, out);
  const responder = await openScenarioResponder(scenario);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, yaml);
  const ecus = responder.ecus().map((e) => e.response.toString(16).toUpperCase());
  const broadcast = responder instanceof RecordedResponder ? responder.broadcast.length : 0;
  const exchanges = responder instanceof RecordedResponder ? responder.exchanges.length : 0;
  // Messages of diagnostic ids that could not be reassembled: said, never dropped silently.
  const problems = responder instanceof RecordedResponder ? responder.problems : [];
  if (problems.length)
    ctx.stderr.write(
      fr
        ? `${problems.length} message(s) ISO-TP non réassemblé(s), premier : ${problems[0].error} à ${problems[0].t.toFixed(3)} s sur ${problems[0].id.toString(16).toUpperCase()} (${problems[0].detail})\n`
        : `${problems.length} ISO-TP message(s) not reassembled, first: ${problems[0].error} at ${problems[0].t.toFixed(3)} s on ${problems[0].id.toString(16).toUpperCase()} (${problems[0].detail})\n`,
    );
  await writeOut(
    ctx.stdout,
    fr
      ? `${out} : ${exchanges} échanges de diagnostic, calculateurs ${ecus.join(', ')}, ${broadcast} trames de fond\n`
      : `${out}: ${exchanges} diagnostic exchanges, ECUs ${ecus.join(', ')}, ${broadcast} broadcast frames\n`,
  );
  return 0;
}

function help(ctx: CliContext): number {
  ctx.stdout.write(`${USAGE[ctx.lang]}\n`);
  return 0;
}

export const simCommand: Command = {
  name: 'sim',
  async run(args, ctx) {
    const [sub, ...rest] = args;
    if (sub === 'list') return list(rest, ctx);
    if (sub === 'run') return run(rest, ctx);
    if (sub === 'import') return importRecording(rest, ctx);
    if (!sub || sub === '--help' || sub === '-h') {
      ctx.stdout.write(`${USAGE[ctx.lang]}\n`);
      return sub ? 0 : 2;
    }
    throw new UsageError(
      ctx.lang === 'fr' ? `sous-commande inconnue « ${sub} »` : `unknown subcommand '${sub}'`,
      USAGE[ctx.lang],
    );
  },
};
