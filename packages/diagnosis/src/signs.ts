import { MONITORS, pidByKey } from '@atelier/obd';
import { BATTERY_FIGURES, isBatteryFigure } from './battery-figures.js';
import { mentionedIn } from './complaint.js';
import { codesStatus, type ReadStatus, type SessionFacts } from './facts.js';
import {
  type FaultTreeEntry,
  type Sign,
  type SignCondition,
  UDS_STATUS_BITS,
  type UdsStatusBit,
  type ValueBound,
} from './kb/types.js';
import type { Localized } from './text.js';

/**
 * How much a code seen only in the pending memory counts. It failed once; the second trip that
 * confirms it has not happened, and some pending codes never confirm (an intermittent condition,
 * a monitor at its threshold). Soft evidence: the finding is taken as true with this certainty.
 */
export const PENDING_CERTAINTY = 0.8;

/** A sign as read on this session's facts. */
export interface SignReading {
  sign: Sign;
  /** What was read; undefined when the session has not read what the sign needs. */
  value?: boolean;
  /**
   * How sure the reading is, from 0.5 (no better than a coin) to 1: a value close to a threshold
   * or a code only pending counts less. The evidence enters the diagnosis as a virtual observation
   * of the sign with this likelihood.
   */
  certainty: number;
  /** Whether the reading is evidence (a sign that did not show counts only when its absence speaks). */
  counts: boolean;
  /** What was read, in words, for the apprentice and the audit. */
  detail: Localized;
}

// Under 1, to the thousandth: a cell spread of 0.05 V is not "0.1 V" (nor a 0.45 V O2 sensor "0.5 V").
const num = (x: number, lang: 'fr' | 'en') =>
  x.toLocaleString(lang === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: Math.abs(x) < 1 ? 3 : 1 });
const withUnit = (x: number, unit: string, lang: 'fr' | 'en') =>
  unit ? `${num(x, lang)} ${unit}` : num(x, lang);

function valueName(key: string): { name: Localized; unit: string } {
  if (isBatteryFigure(key)) return BATTERY_FIGURES[key];
  const [pidKey, field] = key.split('.');
  const def = pidByKey(pidKey);
  const f = field ? def?.fields.find((x) => x.key === field) : def?.fields[0];
  if (!def || !f) return { name: { fr: key, en: key }, unit: '' };
  const name = field && def.fields.length > 1 ? f.name : def.name;
  return { name: { fr: name.fr, en: name.en }, unit: f.unit };
}

/** Certainty that a value is on the side of a threshold it is on: 0.5 at the threshold, 1 beyond `margin`. */
function boundCheck(x: number, b: ValueBound): { holds: boolean; certainty: number } {
  const distances: number[] = [];
  let holds = true;
  if (b.above !== undefined) {
    if (!(x > b.above)) holds = false;
    distances.push(x - b.above);
  }
  if (b.below !== undefined) {
    if (!(x < b.below)) holds = false;
    distances.push(b.below - x);
  }
  // Holding: as sure as the closest threshold allows; failing: as sure as the one it fails most.
  const d = holds ? Math.min(...distances) : -Math.min(...distances);
  const certainty = b.margin && b.margin > 0 ? 0.5 + 0.5 * Math.min(1, Math.abs(d) / b.margin) : 1;
  return { holds, certainty };
}

function boundText(b: ValueBound, lang: 'fr' | 'en', unit: string): string {
  const u = unit ? ` ${unit}` : '';
  if (b.above !== undefined && b.below !== undefined)
    return lang === 'fr'
      ? `entre ${num(b.above, lang)} et ${num(b.below, lang)}${u}`
      : `between ${num(b.above, lang)} and ${num(b.below, lang)}${u}`;
  if (b.above !== undefined) return `> ${num(b.above, lang)}${u}`;
  return `< ${num(b.below!, lang)}${u}`;
}

/**
 * All value clauses at once: holds when every clause holds. Unknown when a value is missing or the
 * context (`requires`) does not hold: a trim read at 3,000 rpm says nothing about idle.
 */
function readValues(
  source: Record<string, number> | undefined,
  values: Record<string, ValueBound>,
  requires: Record<string, ValueBound>,
): { value?: boolean; certainty: number; detail: Localized } {
  const unread = (why: Localized) => ({ certainty: 1, detail: why });
  if (!source) return unread({ fr: 'non lu', en: 'not read' });
  for (const [key, b] of Object.entries(requires)) {
    const x = source[key];
    const { name, unit } = valueName(key);
    if (x === undefined) return unread({ fr: `${name.fr} non lu`, en: `${name.en} not read` });
    if (!boundCheck(x, b).holds)
      return unread({
        fr: `hors conditions : ${name.fr} = ${withUnit(x, unit, 'fr')} (il faut ${boundText(b, 'fr', unit)})`,
        en: `outside its conditions: ${name.en} = ${withUnit(x, unit, 'en')} (needs ${boundText(b, 'en', unit)})`,
      });
  }
  let holds = true;
  let sureHolding = 1;
  let sureFailing = 0.5;
  const parts: { fr: string[]; en: string[] } = { fr: [], en: [] };
  for (const [key, b] of Object.entries(values)) {
    const x = source[key];
    const { name, unit } = valueName(key);
    if (x === undefined) return unread({ fr: `${name.fr} non lu`, en: `${name.en} not read` });
    const c = boundCheck(x, b);
    if (c.holds) sureHolding = Math.min(sureHolding, c.certainty);
    else {
      holds = false;
      sureFailing = Math.max(sureFailing, c.certainty);
    }
    for (const lang of ['fr', 'en'] as const)
      parts[lang].push(`${name[lang]} = ${withUnit(x, unit, lang)} (${boundText(b, lang, unit)})`);
  }
  return {
    value: holds,
    certainty: holds ? sureHolding : sureFailing,
    detail: { fr: parts.fr.join(' ; '), en: parts.en.join('; ') },
  };
}

const MEMORY_NAME = {
  stored: { fr: 'mémorisé', en: 'stored' },
  pending: { fr: 'en attente', en: 'pending' },
  permanent: { fr: 'permanent', en: 'permanent' },
} as const;

/** Why a reading was not made, in words: "not read" is not "not supported", nor "no answer". */
export const READ_STATUS_TEXT: Record<Exclude<ReadStatus, 'read'>, Localized> = {
  'not-read': { fr: 'non lu', en: 'not read' },
  'not-supported': { fr: 'non pris en charge par le véhicule', en: 'not supported by the car' },
  'no-answer': { fr: 'pas de réponse', en: 'no answer' },
  refused: { fr: 'refusé', en: 'refused' },
  'link-error': { fr: 'erreur de liaison', en: 'link error' },
};

const statusText = (what: Localized, status: Exclude<ReadStatus, 'read'>): Localized => ({
  fr: `${what.fr} : ${READ_STATUS_TEXT[status].fr}`,
  en: `${what.en}: ${READ_STATUS_TEXT[status].en}`,
});

const hex2 = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');

/**
 * A code sign that asks for UDS status bits or failure types: only codes read from a UDS fault
 * memory can answer it; unknown when no UDS memory was read.
 */
function readUdsCodes(
  w: Extract<SignCondition, { source: 'dtc' }>,
  facts: SessionFacts,
): { value?: boolean; certainty: number; detail: Localized } {
  const status = facts.read?.uds ?? (facts.udsDtcs ? 'read' : 'not-read');
  if (status !== 'read' || !facts.udsDtcs)
    return {
      certainty: 1,
      detail: statusText(
        { fr: 'mémoires UDS', en: 'UDS fault memories' },
        status === 'read' ? 'not-read' : status,
      ),
    };
  const matching = facts.udsDtcs.filter(
    (d) =>
      w.codes.includes(d.code) &&
      (!w.failureTypes || w.failureTypes.includes(d.failureType)) &&
      Object.entries(w.status ?? {}).every(
        ([bit, want]) => ((d.status >> UDS_STATUS_BITS[bit as UdsStatusBit]) & 1) === (want ? 1 : 0),
      ),
  );
  const codes = new Set(matching.map((d) => d.code));
  const shown = (lang: 'fr' | 'en') =>
    matching
      .map(
        (d) =>
          `${d.code}-${hex2(d.failureType)} (${lang === 'fr' ? 'état' : 'status'} ${hex2(d.status)}, ${d.ecu})`,
      )
      .join(', ');
  const asked = w.codes.join(', ');
  return {
    value: codes.size >= w.min,
    certainty: 1,
    detail: matching.length
      ? { fr: shown('fr'), en: shown('en') }
      : { fr: `aucun de ${asked} dans cet état`, en: `none of ${asked} in that status` },
  };
}

/** Reads one sign on the session's facts. */
export function readSign(sign: Sign, facts: SessionFacts): SignReading {
  const w = sign.when;
  let r: { value?: boolean; certainty: number; detail: Localized };
  switch (w.source) {
    case 'dtc': {
      if (w.status || w.failureTypes) {
        r = readUdsCodes(w, facts);
        break;
      }
      // Only the memories that were read say anything. A memory the car does not have (service 0A on
      // an older ECU) holds no code; one that was not read, or did not answer, leaves the sign unknown
      // unless a code was found elsewhere.
      const statuses = w.memories.map((m) => ({ memory: m, status: codesStatus(facts, m) }));
      const read = statuses.filter((x) => x.status === 'read').map((x) => x.memory);
      const unread = statuses.filter((x) => x.status !== 'read' && x.status !== 'not-supported');
      const found: { code: string; memories: string[] }[] = [];
      for (const code of w.codes) {
        const inMemories =
          facts.dtcMemories?.[code] ?? (facts.dtcs.includes(code) ? ['stored' as const] : []);
        const memories = inMemories.filter((m) => read.includes(m));
        if (memories.length) found.push({ code, memories });
      }
      const value = found.length >= w.min;
      if (!value && (!read.length || unread.length)) {
        const missing = unread.length ? unread : statuses;
        const why = (lang: 'fr' | 'en') =>
          missing
            .map(
              (x) =>
                `${lang === 'fr' ? 'codes' : 'codes'} ${MEMORY_NAME[x.memory][lang]} ${READ_STATUS_TEXT[x.status as Exclude<ReadStatus, 'read'>][lang]}`,
            )
            .join(', ');
        r = { certainty: 1, detail: { fr: why('fr'), en: why('en') } };
        break;
      }
      // Only pending: not yet confirmed on a second trip, so it counts with less certainty.
      const onlyPending = value && found.every((f) => f.memories.every((m) => m === 'pending'));
      const list = (lang: 'fr' | 'en') =>
        found
          .map((f) => `${f.code} (${f.memories.map((m) => MEMORY_NAME[m as 'stored'][lang]).join(', ')})`)
          .join(', ');
      r = {
        value,
        certainty: onlyPending ? PENDING_CERTAINTY : 1,
        detail: found.length
          ? { fr: list('fr'), en: list('en') }
          : { fr: `aucun de ${w.codes.join(', ')}`, en: `none of ${w.codes.join(', ')}` },
      };
      break;
    }
    case 'freeze_frame': {
      const ff = facts.freezeFrame;
      if (ff && w.frozenBy.length && !w.frozenBy.includes(ff.dtc))
        r = {
          certainty: 1,
          detail: { fr: `données figées stockées par ${ff.dtc}`, en: `freeze frame stored by ${ff.dtc}` },
        };
      else if (!ff && facts.read && facts.read.freezeFrame !== 'read')
        r = {
          certainty: 1,
          detail: statusText(
            { fr: 'données figées', en: 'freeze frame' },
            facts.read.freezeFrame as Exclude<ReadStatus, 'read'>,
          ),
        };
      else if (!ff && facts.read?.freezeFrame === 'read')
        r = { certainty: 1, detail: { fr: 'aucune donnée figée stockée', en: 'no freeze frame stored' } };
      else {
        r = readValues(ff?.values, w.values, w.requires);
        if (ff && r.value !== undefined)
          r.detail = { fr: `${ff.dtc} : ${r.detail.fr}`, en: `${ff.dtc}: ${r.detail.en}` };
      }
      break;
    }
    case 'live':
      if (!facts.live && facts.read && facts.read.live !== 'read')
        r = {
          certainty: 1,
          detail: statusText(
            { fr: 'données en direct', en: 'live data' },
            facts.read.live as Exclude<ReadStatus, 'read'>,
          ),
        };
      else r = readValues(facts.live, w.values, w.requires);
      break;
    case 'battery':
      r = facts.battery
        ? readValues(facts.battery, w.values, w.requires)
        : {
            certainty: 1,
            detail: facts.batteryRead
              ? {
                  fr: `rapport de batterie de traction non lu : ${facts.batteryRead.text.fr}`,
                  en: `traction battery report not read: ${facts.batteryRead.text.en}`,
                }
              : { fr: 'rapport de batterie de traction non lu', en: 'traction battery report not read' },
          };
      break;
    case 'readiness': {
      const rd = facts.readiness;
      if (!rd)
        r = {
          certainty: 1,
          detail: statusText(
            { fr: 'état des moniteurs', en: 'readiness' },
            (facts.read?.readiness === 'read' ? 'not-read' : facts.read?.readiness) ?? 'not-read',
          ),
        };
      else if (w.mil !== undefined)
        r = {
          value: rd.mil === w.mil,
          certainty: 1,
          detail: rd.mil
            ? { fr: 'voyant MIL allumé', en: 'MIL on' }
            : { fr: 'voyant MIL éteint', en: 'MIL off' },
        };
      else {
        const state = rd.monitors[w.monitor!];
        const name = MONITORS.get(w.monitor!) ?? { fr: w.monitor!, en: w.monitor! };
        r =
          state === undefined
            ? {
                certainty: 1,
                detail: {
                  fr: `moniteur ${name.fr} non pris en charge`,
                  en: `${name.en} monitor not supported`,
                },
              }
            : {
                value: state === w.status,
                certainty: 1,
                detail: {
                  fr: `moniteur ${name.fr} : ${state === 'complete' ? 'terminé' : 'non terminé'}`,
                  en: `${name.en} monitor: ${state}`,
                },
              };
      }
      break;
    }
    case 'complaint': {
      if (!facts.complaint)
        r = { certainty: 1, detail: { fr: 'pas de plainte saisie', en: 'no complaint given' } };
      else {
        const said = facts.complaint;
        // Shown in the customer's own words (what they wrote that matched), not the keywords: the
        // person reading it checks it against the complaint. Words already inside another match
        // (two keywords on the same words) are said once.
        const found = [...new Set(w.keywords.flatMap((k) => mentionedIn(said, k) ?? []))];
        const hit = found.filter((x) => !found.some((y) => y !== x && y.includes(x)));
        r = {
          value: hit.length > 0,
          certainty: 1,
          detail: hit.length
            ? { fr: `« ${hit.join(' », « ')} »`, en: `"${hit.join('", "')}"` }
            : { fr: 'la plainte n’en parle pas', en: 'the complaint does not mention it' },
        };
      }
      break;
    }
  }
  const counts = r.value === true || (r.value === false && sign.absentIsEvidence);
  return { sign, value: r.value, certainty: r.certainty, counts, detail: r.detail };
}

/** Every sign of a tree, read on the session's facts. */
export function readSigns(tree: FaultTreeEntry, facts: SessionFacts): SignReading[] {
  return tree.signs.map((s) => readSign(s, facts));
}

/**
 * The likelihoods of a reading as virtual evidence on its finding F:
 * P(reading | F) and P(reading | ¬F). Full certainty makes it a plain observation of F.
 */
export function signLikelihood(r: SignReading): { ifPresent: number; ifAbsent: number } {
  const c = r.certainty;
  return r.value ? { ifPresent: c, ifAbsent: 1 - c } : { ifPresent: 1 - c, ifAbsent: c };
}
