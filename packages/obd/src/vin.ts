import { clip } from '@atelier/can';
import type { Lang } from './text.js';
import { manufacturerOf } from './wmi.js';

/**
 * Vehicle identification numbers, ISO 3779 and 49 CFR 565. A VIN is 17 characters from A–Z and
 * 0–9 without I, O and Q. Position 9 is a check digit that North America requires and Europe does
 * not (European makers often put a letter or 0 there), so the check is always reported but only
 * counts as an error where it is required.
 */

export type VinRegion =
  | 'Africa'
  | 'Asia'
  | 'Europe'
  | 'North America'
  | 'Oceania'
  | 'South America'
  | 'unknown';

export interface VinInfo {
  vin: string;
  /** World manufacturer identifier (positions 1–3; six characters with 12–14 for small makers). */
  wmi: string;
  /** Vehicle descriptor section, positions 4–9. */
  vds: string;
  /** Vehicle indicator section, positions 10–17. */
  vis: string;
  manufacturer?: string;
  country?: string;
  region: VinRegion;
  modelYear: {
    /** The code at position 10. */
    code: string;
    /** Every year the code may mean (30-year cycle), oldest first. */
    candidates: number[];
    /** The year when the ambiguity can be settled, otherwise absent. */
    resolved?: number;
    /** How it was settled. */
    rule?: string;
  };
  checkDigit: {
    expected: string;
    actual: string;
    valid: boolean;
    /** Whether the region requires a valid check digit (North America). */
    required: boolean;
  };
  /** Assembly plant code, position 11. */
  plant: string;
  /** Production sequence number (positions 12–17, or 15–17 for small makers). */
  serial: string;
  /** What is wrong; empty when the VIN is acceptable for its region. */
  errors: VinProblem[];
}

export interface VinProblem {
  code: 'length' | 'character' | 'check-digit' | 'model-year';
  /** 1-based position in the VIN, when one character is at fault. */
  position?: number;
  /** What is wrong, in English, as it always was. */
  message: string;
  /** The same in French, for the workshop's screens. */
  fr: string;
}

/** A string that cannot be read as a VIN at all (not 17 characters, illegal letters). */
export class VinError extends Error {
  override name = 'VinError';
  constructor(
    message: string,
    readonly vin: string,
    readonly problems: VinProblem[],
  ) {
    super(message);
  }

  /** The message in `lang`: French lists the same problems in French. */
  messageIn(lang: Lang): string {
    if (lang === 'en') return this.message;
    const shown = this.problems.slice(0, MAX_LISTED).map((p) => p.fr);
    if (this.problems.length > MAX_LISTED)
      shown.push(`${this.problems.length - MAX_LISTED} autres problèmes`);
    return `VIN invalide : ${shown.join(' ; ')}`;
  }
}

const TRANSLIT: Record<string, number> = {
  A: 1,
  B: 2,
  C: 3,
  D: 4,
  E: 5,
  F: 6,
  G: 7,
  H: 8,
  J: 1,
  K: 2,
  L: 3,
  M: 4,
  N: 5,
  P: 7,
  R: 9,
  S: 2,
  T: 3,
  U: 4,
  V: 5,
  W: 6,
  X: 7,
  Y: 8,
  Z: 9,
};
const WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

function charValue(c: string): number {
  if (c >= '0' && c <= '9') return c.charCodeAt(0) - 48;
  return TRANSLIT[c] ?? 0;
}

/** The check digit position 9 should hold ('0'–'9' or 'X'). */
export function vinCheckDigit(vin: string): string {
  const v = vin.toUpperCase();
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += charValue(v[i]) * WEIGHTS[i];
  const r = sum % 11;
  return r === 10 ? 'X' : String(r);
}

// Position 10 codes in cycle order: 1980 = A … 2000 = Y, 2001 = 1 … 2009 = 9, then again from A.
const YEAR_CODES = 'ABCDEFGHJKLMNPRSTVWXY123456789';

/** Every year a position-10 code may stand for (1980 up to `untilYear`, the current 1980–2039 cycles by default), oldest first. */
export function modelYearCandidates(code: string, untilYear = 2039): number[] {
  const i = YEAR_CODES.indexOf(code.toUpperCase());
  if (i < 0) return [];
  const out: number[] = [];
  for (let y = 1980 + i; y <= untilYear; y += 30) out.push(y);
  return out;
}

// Character order used by the WMI country ranges (ISO 3780): letters without I, O, Q, then 1–9, 0.
const ORDER = 'ABCDEFGHJKLMNPRSTUVWXYZ1234567890';
const rank = (c: string) => ORDER.indexOf(c);

/** [first letter, from second, to second, country, region] — the ISO 3780 allocation. */
const COUNTRIES: [string, string, string, string, VinRegion][] = [
  ['A', 'A', 'H', 'South Africa', 'Africa'],
  ['A', 'J', 'N', "Côte d'Ivoire", 'Africa'],
  ['B', 'A', 'E', 'Angola', 'Africa'],
  ['B', 'F', 'K', 'Kenya', 'Africa'],
  ['B', 'L', 'R', 'Tanzania', 'Africa'],
  ['C', 'A', 'E', 'Benin', 'Africa'],
  ['C', 'F', 'K', 'Madagascar', 'Africa'],
  ['C', 'L', 'R', 'Tunisia', 'Africa'],
  ['D', 'A', 'E', 'Egypt', 'Africa'],
  ['D', 'F', 'K', 'Morocco', 'Africa'],
  ['D', 'L', 'R', 'Zambia', 'Africa'],
  ['E', 'A', 'E', 'Ethiopia', 'Africa'],
  ['E', 'F', 'K', 'Mozambique', 'Africa'],
  ['F', 'A', 'E', 'Ghana', 'Africa'],
  ['F', 'F', 'K', 'Nigeria', 'Africa'],
  ['J', 'A', '0', 'Japan', 'Asia'],
  ['K', 'A', 'E', 'Sri Lanka', 'Asia'],
  ['K', 'F', 'K', 'Israel', 'Asia'],
  ['K', 'L', 'R', 'South Korea', 'Asia'],
  ['K', 'S', '0', 'Kazakhstan', 'Asia'],
  ['L', 'A', '0', 'China', 'Asia'],
  ['M', 'A', 'E', 'India', 'Asia'],
  ['M', 'F', 'K', 'Indonesia', 'Asia'],
  ['M', 'L', 'R', 'Thailand', 'Asia'],
  ['M', 'S', '0', 'Myanmar', 'Asia'],
  ['N', 'A', 'E', 'Iran', 'Asia'],
  ['N', 'F', 'K', 'Pakistan', 'Asia'],
  ['N', 'L', 'R', 'Turkey', 'Asia'],
  ['P', 'A', 'E', 'Philippines', 'Asia'],
  ['P', 'F', 'K', 'Singapore', 'Asia'],
  ['P', 'L', 'R', 'Malaysia', 'Asia'],
  ['R', 'A', 'E', 'United Arab Emirates', 'Asia'],
  ['R', 'F', 'K', 'Taiwan', 'Asia'],
  ['R', 'L', 'R', 'Vietnam', 'Asia'],
  ['R', 'S', '0', 'Saudi Arabia', 'Asia'],
  ['S', 'A', 'M', 'United Kingdom', 'Europe'],
  ['S', 'N', 'T', 'Germany', 'Europe'],
  ['S', 'U', 'Z', 'Poland', 'Europe'],
  ['S', '1', '4', 'Latvia', 'Europe'],
  ['T', 'A', 'H', 'Switzerland', 'Europe'],
  ['T', 'J', 'P', 'Czech Republic', 'Europe'],
  ['T', 'R', 'V', 'Hungary', 'Europe'],
  ['T', 'W', '1', 'Portugal', 'Europe'],
  ['U', 'H', 'M', 'Denmark', 'Europe'],
  ['U', 'N', 'T', 'Ireland', 'Europe'],
  ['U', 'U', 'Z', 'Romania', 'Europe'],
  ['U', '5', '7', 'Slovakia', 'Europe'],
  ['V', 'A', 'E', 'Austria', 'Europe'],
  ['V', 'F', 'R', 'France', 'Europe'],
  ['V', 'S', 'W', 'Spain', 'Europe'],
  ['V', 'X', '2', 'Serbia', 'Europe'],
  ['V', '3', '5', 'Croatia', 'Europe'],
  ['V', '6', '0', 'Estonia', 'Europe'],
  ['W', 'A', '0', 'Germany', 'Europe'],
  ['X', 'A', 'E', 'Bulgaria', 'Europe'],
  ['X', 'F', 'K', 'Greece', 'Europe'],
  ['X', 'L', 'R', 'Netherlands', 'Europe'],
  ['X', 'S', 'W', 'Russia', 'Europe'],
  ['X', 'X', '2', 'Luxembourg', 'Europe'],
  ['X', '3', '0', 'Russia', 'Europe'],
  ['Y', 'A', 'E', 'Belgium', 'Europe'],
  ['Y', 'F', 'K', 'Finland', 'Europe'],
  ['Y', 'L', 'R', 'Malta', 'Europe'],
  ['Y', 'S', 'W', 'Sweden', 'Europe'],
  ['Y', 'X', '2', 'Norway', 'Europe'],
  ['Y', '3', '5', 'Belarus', 'Europe'],
  ['Y', '6', '0', 'Ukraine', 'Europe'],
  ['Z', 'A', 'R', 'Italy', 'Europe'],
  ['Z', 'X', '2', 'Slovenia', 'Europe'],
  ['Z', '3', '5', 'Lithuania', 'Europe'],
  ['Z', '6', '0', 'Russia', 'Europe'],
  ['1', 'A', '0', 'United States', 'North America'],
  ['2', 'A', '0', 'Canada', 'North America'],
  ['3', 'A', 'W', 'Mexico', 'North America'],
  ['3', 'X', '7', 'Costa Rica', 'North America'],
  ['3', '8', '9', 'Cayman Islands', 'North America'],
  ['4', 'A', '0', 'United States', 'North America'],
  ['5', 'A', '0', 'United States', 'North America'],
  ['6', 'A', 'W', 'Australia', 'Oceania'],
  ['7', 'A', 'E', 'New Zealand', 'Oceania'],
  ['7', 'F', '0', 'United States', 'North America'],
  ['8', 'A', 'E', 'Argentina', 'South America'],
  ['8', 'F', 'K', 'Chile', 'South America'],
  ['8', 'L', 'R', 'Ecuador', 'South America'],
  ['8', 'S', 'W', 'Peru', 'South America'],
  ['8', 'X', '2', 'Venezuela', 'South America'],
  ['9', 'A', 'E', 'Brazil', 'South America'],
  ['9', 'F', 'K', 'Colombia', 'South America'],
  ['9', 'L', 'R', 'Paraguay', 'South America'],
  ['9', 'S', 'W', 'Uruguay', 'South America'],
  ['9', 'X', '2', 'Trinidad and Tobago', 'South America'],
  ['9', '3', '9', 'Brazil', 'South America'],
];

export function countryOf(vin: string): { country?: string; region: VinRegion } {
  const a = vin[0]?.toUpperCase();
  const b = vin[1]?.toUpperCase();
  if (!a || !b) return { region: 'unknown' };
  for (const [first, from, to, country, region] of COUNTRIES) {
    if (first === a && rank(b) >= rank(from) && rank(b) <= rank(to)) return { country, region };
  }
  return { region: 'unknown' };
}

/** Problems of a bad VIN listed in its error message (all are in `VinError.problems`). */
const MAX_LISTED = 5;

/**
 * Reads a VIN. Structural problems (length, I/O/Q, other characters) throw VinError with every
 * problem and its position; a wrong check digit is reported in `checkDigit` and, where the region
 * requires it, in `errors`.
 */
export function decodeVin(input: string): VinInfo {
  const vin = input.trim().toUpperCase();
  const problems: VinProblem[] = [];
  if (vin.length !== 17)
    problems.push({
      code: 'length',
      message: `a VIN has 17 characters, '${clip(input)}' has ${vin.length}`,
      fr: `un VIN a 17 caractères, « ${clip(input)} » en a ${vin.length}`,
    });
  for (let i = 0; i < vin.length; i++) {
    const c = vin[i];
    if (c === 'I' || c === 'O' || c === 'Q') {
      problems.push({
        code: 'character',
        position: i + 1,
        message: `position ${i + 1}: '${c}' is not allowed in a VIN (I, O and Q are never used)`,
        fr: `position ${i + 1} : « ${c} » est interdit dans un VIN (I, O et Q n'y figurent jamais)`,
      });
    } else if (!/[A-Z0-9]/.test(c)) {
      problems.push({
        code: 'character',
        position: i + 1,
        message: `position ${i + 1}: '${c}' is not a letter or digit`,
        fr: `position ${i + 1} : « ${c} » n'est ni une lettre ni un chiffre`,
      });
    }
  }
  if (problems.length) {
    // Every problem is kept in `problems`; the message lists the first few (a pasted page is not a VIN).
    const shown = problems.slice(0, MAX_LISTED).map((p) => p.message);
    if (problems.length > MAX_LISTED) shown.push(`${problems.length - MAX_LISTED} more problems`);
    throw new VinError(`not a valid VIN: ${shown.join('; ')}`, input, problems);
  }

  const errors: VinProblem[] = [];
  const { country, region } = countryOf(vin);
  const smallMaker = vin[2] === '9';
  const wmi = smallMaker ? vin.slice(0, 3) + vin.slice(11, 14) : vin.slice(0, 3);
  const manufacturer = manufacturerOf(vin.slice(0, 3));
  const northAmerica = region === 'North America';

  const expected = vinCheckDigit(vin);
  const actual = vin[8];
  const valid = expected === actual;
  if (!valid && northAmerica) {
    errors.push({
      code: 'check-digit',
      position: 9,
      message: `check digit is '${actual}', the VIN's characters give '${expected}'`,
      fr: `chiffre de contrôle « ${actual} », les caractères du VIN donnent « ${expected} »`,
    });
  }

  const code = vin[9];
  const candidates = modelYearCandidates(code);
  const modelYear: VinInfo['modelYear'] = { code, candidates };
  if (candidates.length === 0) {
    // Europe does not require a year code: a 0 or Z there is legal, only unreadable.
    if (northAmerica)
      errors.push({
        code: 'model-year',
        position: 10,
        message: `position 10: '${code}' is not a model-year code`,
        fr: `position 10 : « ${code} » n'est pas un code d'année modèle`,
      });
  } else if (northAmerica) {
    // 49 CFR 565.15: from model year 2010 on, position 7 of a car, MPV or light truck is a letter;
    // before it was a digit. That picks one 30-year cycle.
    const letter = /[A-Z]/.test(vin[6]);
    const pick = candidates.find((y) => (letter ? y >= 2010 && y < 2040 : y >= 1980 && y < 2010));
    if (pick !== undefined) {
      modelYear.resolved = pick;
      modelYear.rule = letter
        ? 'position 7 is a letter: 2010–2039 cycle'
        : 'position 7 is a digit: 1980–2009 cycle';
    }
  }

  return {
    vin,
    wmi,
    vds: vin.slice(3, 9),
    vis: vin.slice(9),
    ...(manufacturer ? { manufacturer } : {}),
    ...(country ? { country } : {}),
    region,
    modelYear,
    checkDigit: { expected, actual, valid, required: northAmerica },
    plant: vin[10],
    serial: smallMaker ? vin.slice(14) : vin.slice(11),
    errors,
  };
}

/**
 * Picks the model year of a VIN whose year is not settled by the position-7 rule, given the year
 * now: the latest candidate that is not more than one year ahead (makers sell next year's models).
 */
export function likelyModelYear(info: VinInfo, currentYear: number): number | undefined {
  if (info.modelYear.resolved !== undefined) return info.modelYear.resolved;
  const ok = info.modelYear.candidates.filter((y) => y <= currentYear + 1);
  return ok.at(-1);
}
