import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeText, systemErrorOf, TextEncodingError } from '@atelier/can';
import { LineCounter, parseDocument, stringify } from 'yaml';
import { type DrivePhase, PHASE_KINDS, type PhaseKind } from './drive.js';
import {
  FAULT_TYPES,
  FAULTS,
  type FaultSpec,
  type FaultType,
  INTERMITTENT_WHEN,
  type IntermittentWhen,
  WHEELS,
  type Wheel,
} from './faults.js';
import {
  type EcuRole,
  PROFILE_NAMES,
  PROFILES,
  type ProfileName,
  type Text,
  type VehicleProfile,
} from './profiles.js';
import {
  type ScenarioLang,
  type ScenarioReason,
  sayScenarioReason,
  scenarioReason,
} from './scenario-reasons.js';
import { isValidVinSyntax } from './vin.js';

/** A training scenario: a vehicle, its faults, how it was driven before it came in, and the story. */
export interface Scenario {
  name: string;
  file?: string;
  vehicle: ProfileName;
  profile: VehicleProfile;
  protocol: 'can11' | 'can29';
  vin: string;
  seed: number;
  ambientC: number;
  odometerKm: number;
  fuelPct: number;
  socPct?: number;
  complaint: Text;
  trueCause: string;
  faults: FaultSpec[];
  drive: DrivePhase[];
  /** Simulated time (s) at which the workshop session starts. */
  sessionStart: number;
  /**
   * A recorded session (CAN log, or ELM327 transcript `.transcript`/`.txt`) that answers instead of
   * a simulated vehicle: an instructor's recording of a real car, turned into a scenario. Absolute,
   * resolved against the scenario file's folder.
   */
  recording?: string;
}

/**
 * A bad scenario file: names the file, the field path (`faults[1].severity`) and the line when known.
 * `detail` is the reason as a code with its values; `reason` and `message` are in English as they
 * always were (programs and logs read them), `messageIn` says it in the reader's language.
 */
export class ScenarioError extends Error {
  override name = 'ScenarioError';
  readonly reason: string;
  constructor(
    readonly file: string,
    readonly path: string,
    readonly detail: ScenarioReason,
    readonly line?: number,
  ) {
    const reason = sayScenarioReason(detail, 'en');
    super(`${file}${line ? `:${line}` : ''}: ${path ? `${path}: ` : ''}${reason}`);
    this.reason = reason;
  }

  /** The message in `lang`: the file, line and field spelled out, then the reason. */
  messageIn(lang: ScenarioLang): string {
    if (lang === 'en') return this.message;
    const where = `${this.file}${this.line ? `, ligne ${this.line}` : ''}${this.path ? `, champ ${this.path}` : ''}`;
    return `${where} : ${sayScenarioReason(this.detail, lang)}`;
  }
}

export const SCENARIO_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'scenarios');

const TOP_KEYS = [
  'name',
  'vehicle',
  'seed',
  'ambient_c',
  'odometer_km',
  'fuel_pct',
  'soc_pct',
  'complaint',
  'true_cause',
  'faults',
  'drive',
  'session_start',
  'recording',
];
const FAULT_KEYS = [
  'type',
  'severity',
  'onset',
  'cylinder',
  'cell',
  'module',
  'wheel',
  'ecu',
  'position',
  'part',
  'intermittent',
];
const ECU_ROLES: EcuRole[] = ['engine', 'transmission', 'battery', 'abs', 'body'];

/** Parses and validates scenario YAML. `file` names the source in errors. */
export function parseScenario(text: string, file = '<scenario>'): Scenario {
  try {
    return readScenarioYaml(text, file);
  } catch (err) {
    // The YAML parser recurses once per nesting level: thousands of levels (a damaged or hostile
    // file) overflow the stack, which is a bad file like any other.
    if (err instanceof RangeError && /call stack/i.test(err.message))
      throw new ScenarioError(file, '', scenarioReason('yaml-too-deep'));
    throw err;
  }
}

function readScenarioYaml(text: string, file: string): Scenario {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    const e = doc.errors[0];
    throw new ScenarioError(
      file,
      '',
      scenarioReason('yaml', { detail: e.message.split('\n')[0]!, code: e.code, column: e.linePos?.[0].col }),
      e.linePos?.[0].line,
    );
  }
  const lineOf = (path: (string | number)[]): number | undefined => {
    const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    const start =
      node?.range?.[0] ??
      (path.length ? (doc.getIn(path.slice(0, -1), true) as { range?: number[] })?.range?.[0] : undefined);
    return start === undefined ? undefined : lc.linePos(start).line;
  };
  const fail = (path: (string | number)[], reason: ScenarioReason): never => {
    const text = path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i ? `.${p}` : p)).join('');
    throw new ScenarioError(file, text, reason, lineOf(path));
  };
  const root = yamlValue(doc, (reason) => fail([], reason));
  if (!isObject(root)) return fail([], scenarioReason('not-a-mapping'));
  for (const k of Object.keys(root))
    if (!TOP_KEYS.includes(k)) fail([k], scenarioReason('unknown-field', { expected: TOP_KEYS.join(', ') }));

  const str = (path: (string | number)[], v: unknown, required = true): string | undefined => {
    if (v === undefined || v === null) return required ? fail(path, scenarioReason('required')) : undefined;
    if (typeof v !== 'string' || v.trim() === '') return fail(path, scenarioReason('non-empty-string'));
    return v;
  };
  /**
   * A number as people write it in YAML: 0.5, or a string "0,5" (the French decimal comma, which
   * YAML reads as text); with `percentOf`, "50 %" too (`percentOf` 100: a fraction field, where
   * 50 % is 0.5; 1: a field already in percent).
   */
  const num = (
    path: (string | number)[],
    v: unknown,
    lo: number,
    hi: number,
    dflt?: number,
    percentOf?: number,
  ): number => {
    if (v === undefined || v === null)
      return dflt !== undefined ? dflt : fail(path, scenarioReason('required'));
    let x = v;
    if (typeof v === 'string') {
      const m = /^\s*([-+]?\d+(?:[.,]\d+)?)\s*(%)?\s*$/.exec(v);
      if (m && (m[2] === undefined || percentOf !== undefined))
        x = Number(m[1]!.replace(',', '.')) / (m[2] ? percentOf! : 1);
    }
    if (typeof x !== 'number' || !Number.isFinite(x))
      return fail(
        path,
        scenarioReason(percentOf !== undefined ? 'not-a-number-or-percent' : 'not-a-number', {
          got: JSON.stringify(v),
        }),
      );
    if (x < lo || x > hi)
      return fail(path, scenarioReason('out-of-range', { lo, hi, got: JSON.stringify(v) }));
    return x;
  };
  /**
   * Seconds, or a duration: "90s", "15min", "2h", and as French speakers write them, "1h30",
   * "1 h 30 min", "45 mn", "20 sec", "1,5 h".
   */
  const duration = (path: (string | number)[], v: unknown): number => {
    if (typeof v === 'number') return num(path, v, 0, 1e7);
    if (typeof v === 'string') {
      const s = parseDurationText(v);
      if (s !== undefined) return num(path, s, 0, 1e7);
    }
    return fail(path, scenarioReason('not-a-duration', { got: JSON.stringify(v) }));
  };

  const name = str(['name'], root.name)!;
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) fail(['name'], scenarioReason('bad-name'));

  // vehicle: a profile name, or { profile, vin, protocol }
  let vehicle: ProfileName;
  let vin: string | undefined;
  let protocol: 'can11' | 'can29' = 'can11';
  const v = root.vehicle;
  const profileName = (path: (string | number)[], x: unknown): ProfileName => {
    const name = oneOf(x, PROFILE_NAMES);
    if (name === undefined)
      return fail(
        path,
        scenarioReason('unknown-profile', { got: JSON.stringify(x), expected: PROFILE_NAMES.join(', ') }),
      );
    return name;
  };
  if (isObject(v)) {
    for (const k of Object.keys(v))
      if (!['profile', 'vin', 'protocol'].includes(k))
        fail(['vehicle', k], scenarioReason('unknown-field-of', { expected: 'profile, vin, protocol' }));
    vehicle = profileName(['vehicle', 'profile'], v.profile);
    if (v.vin !== undefined) {
      vin = str(['vehicle', 'vin'], v.vin)!;
      if (!isValidVinSyntax(vin)) fail(['vehicle', 'vin'], scenarioReason('bad-vin'));
    }
    if (v.protocol !== undefined) {
      if (v.protocol !== 'can11' && v.protocol !== 'can29')
        fail(['vehicle', 'protocol'], scenarioReason('bad-protocol'));
      protocol = v.protocol as 'can11' | 'can29';
    }
  } else vehicle = profileName(['vehicle'], v);
  const profile = PROFILES[vehicle];

  const complaint = root.complaint;
  let complaintText: Text;
  if (typeof complaint === 'string' && complaint.trim() !== '') {
    // A complaint written once (a scenario by someone who wrote it in their language only): shown
    // as written in both languages, and read by the complaint reader in both.
    complaintText = { fr: complaint, en: complaint };
  } else {
    if (!isObject(complaint)) fail(['complaint'], scenarioReason('complaint-required'));
    const c = complaint as Record<string, unknown>;
    for (const k of Object.keys(c))
      if (k !== 'fr' && k !== 'en') fail(['complaint', k], scenarioReason('unknown-language'));
    complaintText = { fr: str(['complaint', 'fr'], c.fr)!, en: str(['complaint', 'en'], c.en)! };
  }
  const trueCause = str(['true_cause'], root.true_cause)!;

  const faults: FaultSpec[] = [];
  const fl = root.faults ?? [];
  if (!Array.isArray(fl)) fail(['faults'], scenarioReason('not-a-list'));
  for (const [i, f] of (fl as unknown[]).entries()) {
    const p = ['faults', i];
    if (!isObject(f)) fail(p, scenarioReason('fault-not-a-mapping'));
    if (!isObject(f)) continue;
    for (const k of Object.keys(f))
      if (!FAULT_KEYS.includes(k))
        fail([...p, k], scenarioReason('unknown-field', { expected: FAULT_KEYS.join(', ') }));
    const type = oneOf(f.type, FAULT_TYPES);
    if (type === undefined)
      fail(
        [...p, 'type'],
        scenarioReason('unknown-fault', { got: JSON.stringify(f.type), expected: FAULT_TYPES.join(', ') }),
      );
    const spec: FaultSpec = {
      type: type as FaultType,
      severity: num([...p, 'severity'], f.severity, 0, 1, undefined, 100),
      onset: f.onset === undefined ? 0 : duration([...p, 'onset'], f.onset),
    };
    if (spec.severity <= 0) fail([...p, 'severity'], scenarioReason('severity-zero'));
    if (f.cylinder !== undefined) spec.cylinder = num([...p, 'cylinder'], f.cylinder, 1, 12);
    if (f.cell !== undefined) {
      spec.cell = num([...p, 'cell'], f.cell, 1, 400);
      if (!Number.isInteger(spec.cell)) fail([...p, 'cell'], scenarioReason('cell-not-whole'));
    }
    if (f.module !== undefined) {
      spec.module = num([...p, 'module'], f.module, 1, 64);
      if (!Number.isInteger(spec.module)) fail([...p, 'module'], scenarioReason('module-not-whole'));
    }
    if (f.wheel !== undefined) {
      if (!(WHEELS as unknown[]).includes(f.wheel))
        fail([...p, 'wheel'], scenarioReason('one-of', { values: WHEELS.join(', ') }));
      spec.wheel = f.wheel as Wheel;
    }
    if (f.ecu !== undefined) {
      if (!(ECU_ROLES as unknown[]).includes(f.ecu))
        fail([...p, 'ecu'], scenarioReason('one-of', { values: ECU_ROLES.join(', ') }));
      spec.ecu = f.ecu as EcuRole;
    }
    if (f.position !== undefined) {
      if (f.position !== 'open' && f.position !== 'closed')
        fail([...p, 'position'], scenarioReason('bad-position'));
      spec.position = f.position as 'open' | 'closed';
    }
    const parts = FAULTS[spec.type].parts;
    if (f.part !== undefined) {
      if (!parts) fail([...p, 'part'], scenarioReason('no-parts', { fault: spec.type }));
      else if (!parts.includes(f.part as string))
        fail(
          [...p, 'part'],
          scenarioReason('bad-part', { values: parts.join(', '), got: JSON.stringify(f.part) }),
        );
      spec.part = f.part as string;
    }
    if (f.intermittent !== undefined) {
      const ip = [...p, 'intermittent'];
      const it = f.intermittent;
      if (!isObject(it)) fail(ip, scenarioReason('intermittent-not-a-mapping'));
      const i = it as Record<string, unknown>;
      for (const k of Object.keys(i))
        if (!['when', 'duty', 'episode'].includes(k))
          fail([...ip, k], scenarioReason('unknown-field-of', { expected: 'when, duty, episode' }));
      if (i.when === undefined && i.duty === undefined) fail(ip, scenarioReason('intermittent-needs'));
      spec.intermittent = {};
      if (i.when !== undefined) {
        if (!(INTERMITTENT_WHEN as readonly unknown[]).includes(i.when))
          fail([...ip, 'when'], scenarioReason('one-of', { values: INTERMITTENT_WHEN.join(', ') }));
        spec.intermittent.when = i.when as IntermittentWhen;
      }
      if (i.duty !== undefined) {
        spec.intermittent.duty = num([...ip, 'duty'], i.duty, 0, 1, undefined, 100);
        if (spec.intermittent.duty <= 0 || spec.intermittent.duty >= 1)
          fail([...ip, 'duty'], scenarioReason('duty-range'));
      }
      if (i.episode !== undefined) {
        if (i.duty === undefined) fail([...ip, 'episode'], scenarioReason('episode-needs-duty'));
        spec.intermittent.episodeS = duration([...ip, 'episode'], i.episode);
        if (spec.intermittent.episodeS < 1) fail([...ip, 'episode'], scenarioReason('episode-too-short'));
      }
    }
    const whyNot = FAULTS[spec.type].notOn?.(profile, spec);
    if (whyNot) {
      // The field to point at is the one the reason names (in its English words).
      const why = sayScenarioReason(whyNot, 'en');
      const field = /cylinder/.test(why)
        ? 'cylinder'
        : /module/.test(why)
          ? 'module'
          : /cell/.test(why)
            ? 'cell'
            : /wheel/.test(why)
              ? 'wheel'
              : /`ecu`|ECU/.test(why)
                ? 'ecu'
                : 'type';
      fail(
        [...p, field in f ? field : 'type'],
        scenarioReason('not-on-vehicle', { fault: spec.type, vehicle, why: whyNot }),
      );
    }
    faults.push(spec);
  }

  let recording: string | undefined;
  if (root.recording !== undefined) {
    recording = str(['recording'], root.recording)!;
    if (!isAbsolute(recording))
      recording = join(file.startsWith('<') ? process.cwd() : dirname(file), recording);
    if (faults.length) fail(['faults'], scenarioReason('recording-with-faults'));
    if (root.drive === undefined) root.drive = [{ phase: 'idle' }];
  }

  const drive: DrivePhase[] = [];
  const dl = root.drive;
  if (!Array.isArray(dl) || dl.length === 0) fail(['drive'], scenarioReason('drive-required'));
  for (const [i, d] of (dl as unknown[]).entries()) {
    const p = ['drive', i];
    if (!isObject(d)) fail(p, scenarioReason('phase-not-a-mapping'));
    if (!isObject(d)) continue;
    for (const k of Object.keys(d))
      if (!['phase', 'duration', 'rpm'].includes(k))
        fail([...p, k], scenarioReason('unknown-field-of', { expected: 'phase, duration, rpm' }));
    const kind = oneOf(d.phase, PHASE_KINDS);
    if (kind === undefined)
      fail(
        [...p, 'phase'],
        scenarioReason('unknown-phase', { got: JSON.stringify(d.phase), expected: PHASE_KINDS.join(', ') }),
      );
    const phase: DrivePhase = { phase: kind as PhaseKind };
    if (d.duration !== undefined) phase.duration = duration([...p, 'duration'], d.duration);
    else if (i !== (dl as unknown[]).length - 1)
      fail([...p, 'duration'], scenarioReason('duration-required'));
    if (d.rpm !== undefined) {
      if (phase.phase !== 'hold') fail([...p, 'rpm'], scenarioReason('rpm-not-hold'));
      phase.rpm = num([...p, 'rpm'], d.rpm, 500, 6000);
    }
    if (profile.engine.kind === 'none' && phase.phase === 'hold')
      fail([...p, 'phase'], scenarioReason('ev-no-hold'));
    drive.push(phase);
  }
  const total = drive.reduce((s, d) => s + (d.duration ?? 0), 0);
  const openEnded = drive[drive.length - 1].duration === undefined;
  const last = drive[drive.length - 1];
  const sessionStart =
    root.session_start === undefined
      ? total + (openEnded && ENGINE_STARTED_PHASES.includes(last.phase) ? SETTLED_S : 0)
      : duration(['session_start'], root.session_start);
  if (!openEnded && sessionStart > total)
    fail(['session_start'], scenarioReason('session-after-end', { total }));

  const seed = num(['seed'], root.seed, 0, 0xffffffff, 1);
  if (!Number.isInteger(seed)) fail(['seed'], scenarioReason('not-an-integer'));
  return {
    name,
    file,
    vehicle,
    profile,
    protocol,
    vin: vin ?? profile.vin,
    seed,
    ambientC: num(['ambient_c'], root.ambient_c, -30, 45, 15),
    odometerKm: num(['odometer_km'], root.odometer_km, 0, 999_999, 84_250),
    fuelPct: num(['fuel_pct'], root.fuel_pct, 0, 100, 55, 1),
    socPct: root.soc_pct === undefined ? undefined : num(['soc_pct'], root.soc_pct, 1, 99, undefined, 1),
    complaint: complaintText,
    trueCause,
    faults,
    drive,
    sessionStart,
    ...(recording ? { recording } : {}),
  };
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

export function readScenarioFile(file: string): Scenario {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    const { code, message } = systemErrorOf(err);
    throw new ScenarioError(file, '', scenarioReason('cannot-read', { detail: message, code: code ?? '' }));
  }
  let text: string;
  try {
    text = decodeText(bytes).text;
  } catch (err) {
    if (err instanceof TextEncodingError)
      throw new ScenarioError(
        file,
        '',
        scenarioReason('not-text', { detail: err.message, offset: err.offset }),
      );
    throw err;
  }
  return parseScenario(text, file);
}

const DURATION_UNITS: Record<string, number> = {
  s: 1,
  sec: 1,
  secs: 1,
  seconde: 1,
  secondes: 1,
  second: 1,
  seconds: 1,
  min: 60,
  mins: 60,
  mn: 60,
  minute: 60,
  minutes: 60,
  h: 3600,
  hr: 3600,
  heure: 3600,
  heures: 3600,
  hour: 3600,
  hours: 3600,
};

/**
 * Open-ended last phases that start the engine (after an `off`, the schedule starts it as the
 * phase begins), and how long after that the apprentice meets the car when the file names no
 * `session_start`: a minute, as the built-in scenarios write it. At the phase's first second the
 * engine is still cranking (a diesel for a few seconds: 160 rpm, the battery at 10.6 V), which no
 * one writing "the car comes in idling" means, and which no live reading of an idling engine
 * survives.
 */
const ENGINE_STARTED_PHASES: PhaseKind[] = ['idle', 'hold'];
const SETTLED_S = 60;

/**
 * The name of `names` that `x` spells, whatever its case and whether words are joined by `_`, `-`
 * or a space (`Urban`, `vacuum leak`, `petrol_v6`): how someone writing a scenario by hand may
 * write it. Undefined when it spells none (the error then lists them).
 */
export function oneOf<T extends string>(x: unknown, names: readonly T[]): T | undefined {
  if (typeof x !== 'string') return undefined;
  const key = (n: string) =>
    n
      .trim()
      .toLowerCase()
      .replace(/[-_\s]+/g, '_');
  const k = key(x);
  return names.find((n) => key(n) === k);
}

/**
 * Seconds from a written duration: one or more "number unit" parts ("2h", "1 h 30 min", "90s",
 * "1,5 h"), and the French "1h30" (minutes after hours without a unit). Undefined when it is not one.
 */
export function parseDurationText(v: string): number | undefined {
  const text = v.trim().toLowerCase();
  const hm = /^(\d+)\s*h\s*(\d{1,2})$/.exec(text);
  if (hm) return Number(hm[1]) * 3600 + Number(hm[2]) * 60;
  const part = /(\d+(?:[.,]\d+)?)\s*([a-z]+)\s*/y;
  let seconds = 0;
  let parts = 0;
  part.lastIndex = 0;
  while (part.lastIndex < text.length) {
    const m = part.exec(text);
    const unit = m ? DURATION_UNITS[m[2]!] : undefined;
    if (!m || unit === undefined) return undefined;
    seconds += Number(m[1]!.replace(',', '.')) * unit;
    parts++;
  }
  return parts ? seconds : undefined;
}

/** Built-in scenario names (files under scenarios/). */
export function scenarioNames(): string[] {
  return readdirSync(SCENARIO_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => basename(f, '.yaml'))
    .sort();
}

/** A built-in scenario by name, or a scenario file by path. */
export function loadScenario(nameOrFile: string): Scenario {
  if (/[/\\]|\.ya?ml$/.test(nameOrFile)) return readScenarioFile(nameOrFile);
  const names = scenarioNames();
  if (!names.includes(nameOrFile))
    throw new ScenarioError(nameOrFile, '', scenarioReason('no-builtin', { known: names.join(', ') }));
  return readScenarioFile(join(SCENARIO_DIR, `${nameOrFile}.yaml`));
}

export function listScenarios(): Scenario[] {
  return scenarioNames().map((n) => readScenarioFile(join(SCENARIO_DIR, `${n}.yaml`)));
}

/** The `sim list --json` entry for a scenario. */
export function scenarioSummary(s: Scenario): {
  name: string;
  vehicle: string;
  faults: string[];
  true_cause: string;
  complaint: Text;
} {
  return {
    name: s.name,
    vehicle: s.vehicle,
    faults: s.faults.map((f) => f.type),
    true_cause: s.trueCause,
    complaint: s.complaint,
  };
}

/**
 * The YAML of a scenario whose vehicle is a recording (`recording:` relative to the scenario file):
 * how an instructor turns a recorded car into a training scenario. Parse it back to validate.
 */
export function recordedScenarioYaml(s: {
  name: string;
  vehicle: ProfileName;
  complaint: Text;
  trueCause: string;
  recording: string;
}): string {
  const doc = {
    name: s.name,
    vehicle: s.vehicle,
    complaint: s.complaint,
    true_cause: s.trueCause,
    recording: s.recording,
  };
  return `# Atelier training scenario recorded from a vehicle (${s.recording})\n${stringify(doc)}`;
}

/**
 * The document's value. The parser reports no error for an alias without its anchor (`*a`, or a
 * lone `*` typed for "any"); building the value then throws a ReferenceError, which is bad input
 * like any other (found by the fuzz test: the bytes `*\0`).
 */
function yamlValue(doc: { toJS(): unknown }, fail: (reason: ScenarioReason) => never): unknown {
  try {
    return doc.toJS();
  } catch (err) {
    if (err instanceof ReferenceError || err instanceof TypeError)
      return fail(scenarioReason('yaml', { detail: err.message.split('\n')[0]!.trim() }));
    throw err;
  }
}
