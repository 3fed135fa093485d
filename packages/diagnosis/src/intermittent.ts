import { codesStatus, type SessionFacts } from './facts.js';
import type { FaultTreeEntry } from './kb/types.js';
import type { Localized } from './text.js';

/**
 * What an intermittent fault calls for, when a session ends "no cause confirmed" and the car or the
 * customer says the fault comes and goes: the code is there but nothing fails now, or the complaint
 * names the conditions it appears in. A fault that is not present in the workshop cannot be found
 * by the workshop's tests; the way to it is the conditions it appeared in (the freeze frame), a road
 * test that reproduces them with live data recorded, and a wiggle test of the circuit (heat or cold
 * on the suspect part when it comes hot or cold). Empty when nothing points to an intermittent fault.
 */
export function intermittentAdvice(
  tree: FaultTreeEntry,
  facts: SessionFacts,
  causesTestedGood: boolean,
): Localized[] {
  const why = reasons(tree, facts, causesTestedGood);
  if (!why.length) return [];
  const frame = facts.freezeFrame;
  const conditions = drivingConditions(facts);
  const frameText = frame ? frameConditions(frame.values) : undefined;
  const advice: Localized[] = [
    {
      fr: `Défaut probablement intermittent (${why.map((w) => w.fr).join(' ; ')}) : absent en ce moment, les tests d’atelier ne peuvent pas le voir.`,
      en: `Probably an intermittent fault (${why.map((w) => w.en).join('; ')}): not present right now, so the workshop's tests cannot see it.`,
    },
  ];
  const emissionCode = facts.dtcs.some((c) => c.startsWith('P'));
  return advice.concat(more(frame?.dtc, frameText, conditions, emissionCode));
}

function more(
  dtc: string | undefined,
  frameText: Localized | undefined,
  conditions: Localized[],
  emissionCode: boolean,
): Localized[] {
  const out: Localized[] = [];
  if (dtc && frameText)
    out.push({
      fr: `Données figées du code ${dtc} : ${frameText.fr} — les conditions dans lesquelles il est apparu.`,
      en: `Freeze frame of ${dtc}: ${frameText.en} — the conditions it appeared in.`,
    });
  else if (emissionCode)
    out.push({
      fr: 'Lire les données figées (mode 02) du code mémorisé : régime, charge, température et vitesse disent dans quelles conditions il est apparu.',
      en: 'Read the stored code’s freeze frame (mode 02): rpm, load, temperature and speed say in which conditions it appeared.',
    });
  // A code of an ECU OBD-II does not reach keeps its conditions in its UDS snapshot (ISO 14229 0x19 0x04).
  else
    out.push({
      fr: 'Lire à l’outil constructeur l’environnement du défaut (snapshot du code : vitesse, tension, température, kilométrage) : il dit dans quelles conditions il est apparu.',
      en: 'Read the code’s environment data with the maker’s tool (its snapshot: speed, voltage, temperature, mileage): it says in which conditions it appeared.',
    });
  const when = conditions.length
    ? {
        fr: `dans ces conditions (${conditions.map((c) => c.fr).join(', ')})`,
        en: `in those conditions (${conditions.map((c) => c.en).join(', ')})`,
      }
    : dtc && frameText
      ? { fr: 'dans ces conditions', en: 'in those conditions' }
      : { fr: 'dans les conditions décrites par le client', en: 'in the conditions the customer describes' };
  out.push({
    fr: `Essai routier prolongé ${when.fr}, données en direct enregistrées à l’outil de diagnostic (et résultats du mode 06), puis relire les codes en attente.`,
    en: `Road-test longer ${when.en}, recording live data with the scan tool (and the mode 06 results), then read the pending codes.`,
  });
  out.push({
    fr: 'Test de secouage : moteur tournant, bouger connecteurs et faisceau du circuit suspect en surveillant les données en direct ; chauffer (décapeur) ou refroidir (bombe de froid) le composant si le défaut vient à chaud ou à froid.',
    en: 'Wiggle test: engine running, move the suspect circuit’s connectors and harness while watching live data; heat (heat gun) or cool (freeze spray) the part when the fault comes hot or cold.',
  });
  return out;
}

/** Why the fault looks intermittent, from what was read and what the customer said. */
function reasons(tree: FaultTreeEntry, facts: SessionFacts, causesTestedGood: boolean): Localized[] {
  const out: Localized[] = [];
  const symptomCodes = facts.dtcs.filter((c) => tree.applies.dtcs.includes(c));
  const notFailingNow = (facts.udsDtcs ?? []).filter(
    (d) => (d.status & 0x08) !== 0 && (d.status & 0x01) === 0,
  );
  if (notFailingNow.length) {
    const codes = [...new Set(notFailingNow.map((d) => d.code))].join(', ');
    out.push({
      fr: `${codes} confirmé mais pas en échec en ce moment`,
      en: `${codes} confirmed but not failing right now`,
    });
  } else if (causesTestedGood && symptomCodes.length && codesStatus(facts, 'stored') === 'read') {
    const codes = symptomCodes.join(', ');
    const many = symptomCodes.length > 1;
    out.push({
      fr: `${codes} ${many ? 'mémorisés' : 'mémorisé'} alors que les causes testées sont bonnes`,
      en: `${codes} stored while the causes tested are good`,
    });
  }
  if (facts.complaint && COMES_AND_GOES.test(facts.complaint))
    out.push({
      fr: 'le client le décrit par moments ou dans certaines conditions',
      en: 'the customer describes it now and then or in some conditions',
    });
  return out;
}

/** Words of a fault that comes and goes, or that needs a condition to appear (French and English). */
const COMES_AND_GOES =
  /\b(?:parfois|par moments|de temps en temps|intermittent|une fois (?:bien )?chaud|à chaud|à froid|après \S+ minutes|sometimes|now and then|on and off|once (?:fully )?warm|when hot|when cold|after \S+ minutes)/i;

/** The conditions to reproduce, from the complaint's words. */
function drivingConditions(facts: SessionFacts): Localized[] {
  const c = facts.complaint ?? '';
  const out: Localized[] = [];
  if (/chaud|warm|\bhot\b|minutes/i.test(c))
    out.push({
      fr: 'moteur bien chaud, plus de 20 min de route',
      en: 'engine fully warm, over 20 min of driving',
    });
  if (/froid|le matin|\bcold\b|morning/i.test(c))
    out.push({ fr: 'démarrage à froid, après une nuit', en: 'cold start, after a night' });
  if (/pluie|humide|\brain|damp|wet/i.test(c)) out.push({ fr: 'par temps humide', en: 'in damp weather' });
  if (/charge|accélér|côte|load|accelerat|uphill/i.test(c))
    out.push({ fr: 'en charge, en côte', en: 'under load, uphill' });
  return out;
}

/** The freeze frame's driving conditions in words (the PIDs a technician reads first). */
function frameConditions(values: Record<string, number>): Localized | undefined {
  const parts: Localized[] = [];
  const n = (v: number, lang: 'fr' | 'en') =>
    new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: 0 }).format(v);
  const add = (key: string, fr: string, en: string) => {
    const v = values[key];
    if (v !== undefined && Number.isFinite(v))
      parts.push({ fr: `${fr} ${n(v, 'fr')}`, en: `${en} ${n(v, 'en')}` });
  };
  const unit = (key: string, fr: string, en: string, u: string) => {
    const v = values[key];
    if (v !== undefined && Number.isFinite(v))
      parts.push({ fr: `${fr} ${n(v, 'fr')} ${u}`, en: `${en} ${n(v, 'en')} ${u}` });
  };
  add('ENGINE_RPM', 'régime (tr/min)', 'engine speed (rpm)');
  unit('ENGINE_LOAD', 'charge', 'load', '%');
  unit('COOLANT_TEMP', 'liquide de refroidissement', 'coolant', '°C');
  unit('VEHICLE_SPEED', 'vitesse', 'speed', 'km/h');
  if (!parts.length) return undefined;
  return { fr: parts.map((p) => p.fr).join(', '), en: parts.map((p) => p.en).join(', ') };
}
