import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument } from 'yaml';
import { type ProfileReason, profileReason, sayProfileReason } from './profile-texts.js';

/**
 * What sets one ELM327-compatible adapter apart from the datasheet, as data. The client reads a
 * profile to know what to avoid; the emulator reads the same profile to misbehave the same way, so a
 * quirk is described once and tested from both sides.
 */
export interface AdapterQuirks {
  /** ATE0 answers OK but the adapter keeps echoing. */
  echoOffIgnored: boolean;
  /** ATH1 answers OK but the adapter never prints headers (nor checksums): answers as with ATH0. */
  headersIgnored: boolean;
  /** Answers STI / STDI (an STN chip, OBDLink); otherwise `?` to every ST command. */
  stn: boolean;
  /** Honours the response-count digit after a request (`010C1`); without it the digit breaks the request. */
  responseCount: boolean;
  /** Largest number of mode 01 PIDs the adapter passes in one request (J1979 allows six on CAN). */
  maxPids: number;
  /** Understands ATAT1/ATAT2 (adaptive timing). */
  adaptiveTiming: boolean;
  /** How long a protocol search takes, ms (clones print SEARCHING... for seconds). */
  searchMs: number;
  /** How long ATZ takes before the banner, ms. */
  resetMs: number;
  /** Every n-th answer ends without its `>` prompt (0: never). */
  promptLossEvery: number;
  /** Output buffer in bytes: a longer answer ends with BUFFER FULL (0: unlimited). */
  bufferBytes: number;
  /**
   * The datasheet version whose AT command set the firmware really has (clones claim more than they
   * have): commands introduced later are answered `?` (see `IDENTIFY_COMMANDS`).
   */
  atLevel: number;
  /** AT FC SH / SD / SM are known (some clones answer `?`: no flow control to non-OBD ids). */
  flowControl: boolean;
}

export interface AdapterProfile {
  /** Short name: `genuine`, `clone-v1.5`, `fake-v2.1`, `obdlink`. */
  name: string;
  /** One line of description, for `--help` and logs. */
  description: string;
  /** What ATI prints. */
  version: string;
  /** Regular expression tried against the ATI (and STI) answer to recognise the adapter. */
  match: string;
  /** What STI prints, when `quirks.stn`. */
  stnVersion?: string;
  quirks: AdapterQuirks;
}

/**
 * A profile that cannot be used: a bad file (its name, the field and the line when known) or an
 * unknown profile name. `message` is English as it always was (`FILE: field 'match' must be …`, no
 * line in it); `messageIn('fr')` spells the place out in French.
 */
export class ProfileError extends Error {
  override name = 'ProfileError';
  constructor(
    readonly detail: ProfileReason,
    readonly file?: string,
    readonly field?: string,
    readonly line?: number,
  ) {
    const en = sayProfileReason(detail, 'en');
    super(file === undefined ? en : `${file}: ${en}`);
  }

  messageIn(lang: 'fr' | 'en'): string {
    if (lang === 'en') return this.message;
    const fr = sayProfileReason(this.detail, 'fr');
    if (this.file === undefined) return fr;
    return `${this.file}${this.line ? `, ligne ${this.line}` : ''}${this.field ? `, champ ${this.field}` : ''} : ${fr}`;
  }
}

export const DEFAULT_QUIRKS: AdapterQuirks = {
  echoOffIgnored: false,
  headersIgnored: false,
  stn: false,
  responseCount: true,
  maxPids: 6,
  adaptiveTiming: true,
  searchMs: 300,
  resetMs: 500,
  promptLossEvery: 0,
  bufferBytes: 0,
  atLevel: 2.3,
  flowControl: true,
};

/** The datasheet adapter, used when nothing better matches. */
export const GENUINE: AdapterProfile = {
  name: 'genuine',
  description: 'ELM327 v2.3 by Elm Electronics, as its datasheet describes it',
  version: 'ELM327 v2.3',
  match: '^ELM327 v2\\.[23]',
  quirks: DEFAULT_QUIRKS,
};

const QUIRK_TYPES: Record<keyof AdapterQuirks, 'boolean' | 'number'> = {
  echoOffIgnored: 'boolean',
  headersIgnored: 'boolean',
  stn: 'boolean',
  responseCount: 'boolean',
  maxPids: 'number',
  adaptiveTiming: 'boolean',
  searchMs: 'number',
  resetMs: 'number',
  promptLossEvery: 'number',
  bufferBytes: 'number',
  atLevel: 'number',
  flowControl: 'boolean',
};

/**
 * Checks a parsed profile document field by field; `where` names the file in errors, `lineOf` (when
 * the file's text is known) the line of a field (`['quirks', 'maxPids']`).
 */
export function validateProfile(
  doc: unknown,
  where: string,
  lineOf: (path: string[]) => number | undefined = () => undefined,
): AdapterProfile {
  const fail = (path: string[], reason: ProfileReason): never => {
    throw new ProfileError(reason, where, path.join('.') || undefined, lineOf(path));
  };
  if (!doc || typeof doc !== 'object') return fail([], profileReason('mapping'));
  const d = doc as Record<string, unknown>;
  for (const key of ['name', 'description', 'version', 'match'] as const) {
    if (typeof d[key] !== 'string' || d[key] === '')
      fail([key], profileReason('string-field', { field: key }));
  }
  try {
    new RegExp(d.match as string);
  } catch (err) {
    fail(['match'], profileReason('bad-match', { why: (err as Error).message }));
  }
  const raw = (d.quirks ?? {}) as Record<string, unknown>;
  if (typeof raw !== 'object') fail(['quirks'], profileReason('quirks-mapping'));
  const quirks = { ...DEFAULT_QUIRKS };
  for (const [key, value] of Object.entries(raw)) {
    const type = QUIRK_TYPES[key as keyof AdapterQuirks];
    if (!type)
      fail(
        ['quirks', key],
        profileReason('unknown-quirk', { quirk: key, known: Object.keys(QUIRK_TYPES).join(', ') }),
      );
    if (typeof value !== type || (type === 'number' && (!Number.isFinite(value) || (value as number) < 0))) {
      fail(['quirks', key], profileReason('quirk-type', { quirk: key, type }));
    }
    (quirks as Record<string, unknown>)[key] = value;
  }
  if (quirks.maxPids < 1 || quirks.maxPids > 6) fail(['quirks', 'maxPids'], profileReason('max-pids'));
  const profile: AdapterProfile = {
    name: d.name as string,
    description: d.description as string,
    version: d.version as string,
    match: d.match as string,
    quirks,
  };
  if (d.stnVersion !== undefined) {
    if (typeof d.stnVersion !== 'string') fail(['stnVersion'], profileReason('stn-version'));
    profile.stnVersion = d.stnVersion as string;
  }
  return profile;
}

/** The repository's profile directory, hardware/elm327/profiles. */
export const PROFILE_DIR = fileURLToPath(new URL('../../../hardware/elm327/profiles/', import.meta.url));

/** Reads every `*.yaml` profile of a directory, sorted by name. */
export function loadProfiles(dir = PROFILE_DIR): AdapterProfile[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort();
  return files.map((f) => readProfile(join(dir, f)));
}

/**
 * Reads one profile file (`name` is how errors name it: the path as the user typed it). A field
 * that is wrong is reported with its line.
 */
export function readProfile(path: string, name = path): AdapterProfile {
  const lc = new LineCounter();
  const doc = parseDocument(readFileSync(path, 'utf8'), { lineCounter: lc });
  const e = doc.errors[0];
  if (e)
    throw new ProfileError(
      profileReason('yaml', { message: e.message, code: e.code, column: e.linePos?.[0]?.col ?? 0 }),
      name,
      undefined,
      e.linePos?.[0]?.line,
    );
  const lineOf = (path: string[]): number | undefined => {
    // The field's value, or, for a field left out, the mapping that should hold it.
    for (let n = path.length; n >= 0; n--) {
      const node = (n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true)) as
        | { range?: [number, number, number] }
        | undefined;
      if (node?.range) return lc.linePos(node.range[0]).line;
    }
    return undefined;
  };
  return validateProfile(doc.toJS(), name, lineOf);
}

/** The first profile whose `match` fits the adapter's ATI (or STI) answer; GENUINE when none does. */
export function matchProfile(identification: string, profiles: AdapterProfile[]): AdapterProfile {
  return profiles.find((p) => new RegExp(p.match, 'i').test(identification)) ?? GENUINE;
}

/** Looks a profile up by name, with a clear error listing the known names. */
export function profileByName(name: string, profiles: AdapterProfile[] = loadProfiles()): AdapterProfile {
  const found = profiles.find((p) => p.name === name);
  if (!found)
    throw new ProfileError(
      profileReason('unknown-profile', { name, known: profiles.map((p) => p.name).join(', ') }),
    );
  return found;
}
