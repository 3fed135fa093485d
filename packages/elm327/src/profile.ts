import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

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

export class ProfileError extends Error {
  override name = 'ProfileError';
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

/** Checks a parsed profile document field by field; `where` names the file in errors. */
export function validateProfile(doc: unknown, where: string): AdapterProfile {
  if (!doc || typeof doc !== 'object') throw new ProfileError(`${where}: a profile is a mapping`);
  const d = doc as Record<string, unknown>;
  for (const key of ['name', 'description', 'version', 'match'] as const) {
    if (typeof d[key] !== 'string' || d[key] === '')
      throw new ProfileError(`${where}: field '${key}' must be a non-empty string`);
  }
  try {
    new RegExp(d.match as string);
  } catch (err) {
    throw new ProfileError(`${where}: field 'match' is not a regular expression (${(err as Error).message})`);
  }
  const raw = (d.quirks ?? {}) as Record<string, unknown>;
  if (typeof raw !== 'object') throw new ProfileError(`${where}: field 'quirks' must be a mapping`);
  const quirks = { ...DEFAULT_QUIRKS };
  for (const [key, value] of Object.entries(raw)) {
    const type = QUIRK_TYPES[key as keyof AdapterQuirks];
    if (!type) throw new ProfileError(`${where}: unknown quirk 'quirks.${key}'`);
    if (typeof value !== type || (type === 'number' && (!Number.isFinite(value) || (value as number) < 0))) {
      throw new ProfileError(
        `${where}: quirk 'quirks.${key}' must be a ${type === 'number' ? 'non-negative number' : 'boolean'}`,
      );
    }
    (quirks as Record<string, unknown>)[key] = value;
  }
  if (quirks.maxPids < 1 || quirks.maxPids > 6)
    throw new ProfileError(`${where}: quirk 'quirks.maxPids' must be 1 to 6`);
  const profile: AdapterProfile = {
    name: d.name as string,
    description: d.description as string,
    version: d.version as string,
    match: d.match as string,
    quirks,
  };
  if (d.stnVersion !== undefined) {
    if (typeof d.stnVersion !== 'string')
      throw new ProfileError(`${where}: field 'stnVersion' must be a string`);
    profile.stnVersion = d.stnVersion;
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
  return files.map((f) => {
    const path = join(dir, f);
    let doc: unknown;
    try {
      doc = parseYaml(readFileSync(path, 'utf8'));
    } catch (err) {
      throw new ProfileError(`${path}: ${(err as Error).message}`);
    }
    return validateProfile(doc, path);
  });
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
      `unknown adapter profile '${name}' (known: ${profiles.map((p) => p.name).join(', ')})`,
    );
  return found;
}
