/**
 * How the knowledge base reads a measurement: a value taken on the car (by an instrument, or through
 * the diagnostic link) against the test's stated healthy range, spread between parts, or words.
 * Values near a bound count with less certainty, as signs do: the test's outcome then enters the
 * diagnosis as soft evidence. The car gives the value; this only interprets it.
 */
import type { MeasurementSpec, VehicleType, WorkshopTest } from './kb/types.js';
import type { MeasuredValue } from './path.js';
import type { Localized } from './text.js';

/** One value measured for one of a test's measurements (on one cylinder, wheel or ECU with `each`). */
export interface MeasuredReading {
  /** Index of the measurement in the test's `measure` list. */
  spec: number;
  /** Which part it was measured on, with `each` (cylinder 2, wheel `fl`, ECU `transmission`). */
  index?: string | number;
  /** A number in `unit`, or a word (`OL` and `>2000` read as beyond the instrument's range). */
  value: number | string;
  unit: string;
  /** The instrument's noise, in `unit`: a value within twice it of a bound is doubtful. */
  noiseSd?: number;
  /** The conditions the value was taken in, and the part's temperature when it matters. */
  conditions?: Record<string, number | string | boolean>;
  temperatureC?: number;
  /** Where a simulated car's instrument found something, in words. */
  location?: Localized;
  source: 'simulated' | 'typed';
}

/** What a test's measurements say: the outcome, how sure, and the reading that decided. */
export interface MeasurementVerdict {
  outcome: 'good' | 'bad';
  /** 0.5 (at a bound: no information) to 1. */
  certainty: number;
  /** The reading that decided (the worst part's), as the path keeps it. */
  decisive: MeasuredReading;
  /** The reading in words, for the page and the audit. */
  detail: Localized;
}

/** The measurements of a test that apply to a vehicle type. */
export function measurementsFor(
  test: WorkshopTest,
  vehicle: VehicleType,
): { spec: MeasurementSpec; index: number }[] {
  return test.measure
    .map((spec, index) => ({ spec, index }))
    .filter(({ spec }) => !spec.vehicles || spec.vehicles.includes(vehicle));
}

/** A number as read: `OL` (open circuit) and `>N` (beyond range) read as infinitely large. */
export function readNumber(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  const v = value.trim();
  if (v.toUpperCase() === 'OL' || v.startsWith('>')) return Number.POSITIVE_INFINITY;
  const n = Number(v.replace(',', '.'));
  return Number.isFinite(n) ? n : undefined;
}

/**
 * The words an instrument reads (the simulator's catalogue, the tests' `good_words`/`bad_words`) as
 * a French mechanic says them; a word not listed is shown as it is.
 */
const READING_WORDS: Record<string, Localized> = {
  none: { fr: 'aucune', en: 'none' },
  smoke: { fr: 'fumée', en: 'smoke' },
  good: { fr: 'bon état', en: 'good' },
  worn: { fr: 'usée', en: 'worn' },
  wet: { fr: 'humide', en: 'wet' },
  sooty: { fr: 'encrassée (suie)', en: 'sooty' },
  white: { fr: 'blanche', en: 'white' },
  glazed: { fr: 'glacée', en: 'glazed' },
  clean: { fr: 'propre', en: 'clean' },
  dusty: { fr: 'poussiéreux', en: 'dusty' },
  oily: { fr: 'huileux', en: 'oily' },
  intact: { fr: 'intact', en: 'intact' },
  cracked: { fr: 'fissuré', en: 'cracked' },
  intake: { fr: 'à l’admission', en: 'intake' },
  exhaust: { fr: 'à l’échappement', en: 'exhaust' },
  crankcase: { fr: 'au carter', en: 'crankcase' },
  coolant: { fr: 'au circuit de refroidissement', en: 'coolant' },
  recognised: { fr: 'reconnue', en: 'recognised' },
  'not recognised': { fr: 'non reconnue', en: 'not recognised' },
  regular: { fr: 'régulier', en: 'regular' },
  'missing pulses': { fr: 'impulsions manquantes', en: 'missing pulses' },
  strong: { fr: 'forte', en: 'strong' },
  intermittent: { fr: 'intermittente', en: 'intermittent' },
  weak: { fr: 'faible', en: 'weak' },
  yes: { fr: 'oui', en: 'yes' },
  no: { fr: 'non', en: 'no' },
  OL: { fr: 'OL (hors calibre)', en: 'OL (over range)' },
};

/** A word read by an instrument, in the page's language. */
export function wordText(word: string, lang: 'fr' | 'en'): string {
  return READING_WORDS[word]?.[lang] ?? word;
}

/** A value in words as the page shows it, numbers in the language's form. */
export function valueText(r: { value: number | string; unit: string }, lang: 'fr' | 'en'): string {
  const n =
    typeof r.value === 'number'
      ? r.value.toLocaleString(lang === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: 2 })
      : wordText(r.value, lang);
  return r.unit && typeof r.value === 'number' ? `${n} ${r.unit}` : n;
}

/** Certainty from the distance to the nearest bound, 0.5 at the bound, 1 `soft` away. */
const sure = (distance: number, soft: number) =>
  soft > 0 ? 0.5 + 0.5 * Math.min(1, Math.abs(distance) / soft) : 1;

/** One reading against its measurement's healthy range or words. */
function judgeOne(
  spec: MeasurementSpec,
  r: MeasuredReading,
): { outcome: 'good' | 'bad'; certainty: number } | undefined {
  if (spec.goodWords || spec.badWords) {
    if (typeof r.value !== 'string') return undefined;
    const w = r.value.trim().toLowerCase();
    if (spec.badWords?.some((x) => x.toLowerCase() === w)) return { outcome: 'bad', certainty: 1 };
    if (spec.goodWords?.some((x) => x.toLowerCase() === w)) return { outcome: 'good', certainty: 1 };
    return undefined;
  }
  const x = readNumber(r.value);
  if (x === undefined) return undefined;
  const g = spec.good;
  if (!g) return { outcome: 'good', certainty: 1 };
  // The doubt around a bound: the stated margin, or twice the instrument's noise when larger.
  const soft = Math.max(g.margin ?? 0, 2 * (r.noiseSd ?? 0));
  const distances: number[] = [];
  let inside = true;
  if (g.above !== undefined) {
    if (!(x > g.above)) inside = false;
    distances.push(x - g.above);
  }
  if (g.below !== undefined) {
    if (!(x < g.below)) inside = false;
    distances.push(g.below - x);
  }
  const d = inside ? Math.min(...distances) : -Math.min(...distances);
  return { outcome: inside ? 'good' : 'bad', certainty: Number.isFinite(d) ? sure(d, soft) : 1 };
}

/**
 * Reads a test's measurements: each value against its healthy range or words, and with `each` the
 * parts against their median (`spread`). The test is bad when one reading is — as sure as the surest
 * bad one; good when every reading is — as sure as the least sure. Undefined when no reading can be
 * read (a word where a number was expected, nothing measured).
 */
export function interpretMeasurements(
  test: WorkshopTest,
  readings: readonly MeasuredReading[],
): MeasurementVerdict | undefined {
  const judged: { r: MeasuredReading; outcome: 'good' | 'bad'; certainty: number; why: Localized }[] = [];
  for (const r of readings) {
    const spec = test.measure[r.spec];
    if (!spec) continue;
    const j = judgeOne(spec, r);
    if (!j) continue;
    judged.push({ r, ...j, why: rangeText(spec) });
  }
  // Parts compared with each other: one far from the median of its measurement is bad.
  const bySpec = new Map<number, MeasuredReading[]>();
  for (const r of readings) bySpec.set(r.spec, [...(bySpec.get(r.spec) ?? []), r]);
  for (const [i, rs] of bySpec) {
    const spec = test.measure[i];
    if (spec?.spread === undefined || rs.length < 3) continue;
    const xs = rs
      .map((r) => readNumber(r.value))
      .filter((x): x is number => x !== undefined && Number.isFinite(x));
    if (xs.length < 3) continue;
    const sorted = [...xs].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    if (median === 0) continue;
    for (const r of rs) {
      const x = readNumber(r.value);
      if (x === undefined || !Number.isFinite(x)) continue;
      const dev = (100 * Math.abs(x - median)) / Math.abs(median);
      const soft = spec.spread / 4;
      const outcome = dev > spec.spread ? 'bad' : 'good';
      judged.push({
        r,
        outcome,
        certainty: sure(dev - spec.spread, soft),
        why: {
          fr: `écart à la médiane des autres ${Math.round(dev)} % (bon jusqu’à ${spec.spread} %)`,
          en: `${Math.round(dev)} % off the median of the others (good up to ${spec.spread} %)`,
        },
      });
    }
  }
  if (!judged.length) return undefined;
  const bad = judged.filter((j) => j.outcome === 'bad');
  const decisive = bad.length
    ? bad.reduce((a, b) => (b.certainty > a.certainty ? b : a))
    : judged.reduce((a, b) => (b.certainty < a.certainty ? b : a));
  const spec = test.measure[decisive.r.spec]!;
  const where = (lang: 'fr' | 'en') =>
    decisive.r.index !== undefined ? ` (${indexText(spec, decisive.r.index, lang)})` : '';
  return {
    outcome: bad.length ? 'bad' : 'good',
    certainty: decisive.certainty,
    decisive: decisive.r,
    detail: {
      fr: `${spec.label.fr}${where('fr')} : ${valueText(decisive.r, 'fr')} — ${decisive.why.fr}`,
      en: `${spec.label.en}${where('en')}: ${valueText(decisive.r, 'en')} — ${decisive.why.en}`,
    },
  };
}

/** Which part a reading was taken on, in words. */
export function indexText(spec: MeasurementSpec, index: string | number, lang: 'fr' | 'en'): string {
  if (spec.each === 'cylinder') return `${lang === 'fr' ? 'cylindre' : 'cylinder'} ${index}`;
  if (spec.each === 'wheel') {
    const wheels: Record<string, Localized> = {
      fl: { fr: 'avant gauche', en: 'front left' },
      fr: { fr: 'avant droite', en: 'front right' },
      rl: { fr: 'arrière gauche', en: 'rear left' },
      rr: { fr: 'arrière droite', en: 'rear right' },
    };
    return wheels[String(index)]?.[lang] ?? String(index);
  }
  return String(index);
}

/** The healthy range of a measurement, in words. */
export function rangeText(spec: MeasurementSpec): Localized {
  if (spec.goodWords)
    return {
      fr: `bon : ${spec.goodWords.map((w) => wordText(w, 'fr')).join(', ')}`,
      en: `good: ${spec.goodWords.join(', ')}`,
    };
  const g = spec.good;
  if (!g) return { fr: '', en: '' };
  const u = spec.unit ? ` ${spec.unit}` : '';
  const n = (x: number, lang: 'fr' | 'en') => x.toLocaleString(lang === 'fr' ? 'fr-FR' : 'en-GB');
  if (g.above !== undefined && g.below !== undefined)
    return {
      fr: `bon entre ${n(g.above, 'fr')} et ${n(g.below, 'fr')}${u}`,
      en: `good between ${n(g.above, 'en')} and ${n(g.below, 'en')}${u}`,
    };
  if (g.above !== undefined)
    return { fr: `bon au-dessus de ${n(g.above, 'fr')}${u}`, en: `good above ${n(g.above, 'en')}${u}` };
  return { fr: `bon au-dessous de ${n(g.below!, 'fr')}${u}`, en: `good below ${n(g.below!, 'en')}${u}` };
}

/** The decisive reading as the path keeps it. */
export function measuredValueOf(r: MeasuredReading): MeasuredValue {
  return {
    spec: r.spec,
    value: r.value,
    unit: r.unit,
    ...(r.noiseSd !== undefined ? { noiseSd: r.noiseSd } : {}),
    source: r.source,
    ...(r.conditions || r.temperatureC !== undefined
      ? {
          conditions: {
            ...r.conditions,
            ...(r.temperatureC !== undefined ? { temperatureC: r.temperatureC } : {}),
          },
        }
      : {}),
    ...(r.index !== undefined ? { index: r.index } : {}),
  };
}
