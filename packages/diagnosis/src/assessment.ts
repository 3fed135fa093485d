import { MONITORS } from '@atelier/obd';
import type { KnowledgeBase } from './kb/types.js';
import { type DiagnosticPath, pathCost, pathMinutes } from './path.js';
import { energisingText, LOCKOUT_STEP, safetyText, UNLOCK_STEP } from './safety.js';
import type { Localized } from './text.js';

/** French apprenticeship grading of a skill: acquired, being acquired, not acquired. */
export type SkillLevel = 'acquis' | 'en_cours' | 'non_acquis';

export type SkillId = 'confirm_complaint' | 'form_hypotheses' | 'identify_faulty_part' | 'validate_repair';

export const SKILLS: Record<SkillId, Localized> = {
  confirm_complaint: { fr: 'Confirmer la plainte du client', en: "Confirm the customer's complaint" },
  form_hypotheses: { fr: 'Émettre et hiérarchiser des hypothèses', en: 'Form and rank hypotheses' },
  identify_faulty_part: { fr: "Identifier l'élément défaillant", en: 'Identify the faulty part' },
  validate_repair: { fr: 'Valider la réparation', en: 'Validate the repair' },
};

export interface Assessment {
  /**
   * The conclusion is right and was earned: the true cause, confirmed by a bad test before its
   * repair and never tested good; or, on a car with no fault, no cause concluded and no part replaced.
   */
  rightCause: boolean;
  /** The true cause concluded without a test confirming it first (or after its own test came out good). */
  premature: boolean;
  /** The fault in the car, or null for a car with none. */
  trueCause: string | null;
  conclusion?: string;
  tests: { apprentice: number; expert: number };
  cost: { apprentice: number; expert: number; ratio: number };
  minutes: { apprentice: number; expert: number; ratio: number };
  /** Repairs of causes that were not the fault: parts the customer should not pay for. */
  needlessRepairs: string[];
  /** Tests run without their safety prerequisites (e.g. HV work before lock-out). */
  skippedSafety: { test: string; missing: string[] }[];
  skills: Record<SkillId, SkillLevel>;
  /** Mark out of 20, as French assessment grids give it. */
  mark: number;
  remarks: Localized[];
}

const LEVEL_POINTS: Record<SkillLevel, number> = { acquis: 1, en_cours: 0.5, non_acquis: 0 };

/**
 * Scores an apprentice's path against the expert path on the same evidence. The weights favour what
 * a workshop cares about most: the right part, found safely, without replacing good parts. A
 * conclusion counts only when it is right and earned: a wrong cause, or the right one repaired
 * before a test confirmed it (or after its own test came out good), is not "the right cause found".
 * `trueCause` null is a car with no fault: the right conclusion is none, with no part replaced.
 */
export function assessPath(
  kb: KnowledgeBase,
  apprentice: DiagnosticPath,
  expert: DiagnosticPath,
  trueCause: string | null,
): Assessment {
  const remarks: Localized[] = [];
  const testsA = apprentice.steps.filter((s) => s.kind === 'test').length;
  const testsE = expert.steps.filter((s) => s.kind === 'test').length;
  const costA = pathCost(apprentice);
  const costE = pathCost(expert);
  const minA = pathMinutes(apprentice);
  const minE = pathMinutes(expert);
  const needlessRepairs = apprentice.steps.flatMap((s) =>
    s.kind === 'repair' && s.cause !== trueCause ? [s.cause] : [],
  );
  const inspectionOf = (cause: string) =>
    kb.trees.find((t) => t.id === apprentice.treeId)?.causes.find((c) => c.id === cause)?.inspect;

  // Safety: every prerequisite of a test must appear as a safety step before it — the lock-out since
  // the last time it was lifted. And the lock-out is lifted (hv_unlock) before anything powers the
  // car again: the first clear, routine, road test or verification while locked out counts as a
  // skipped unlock, as a test without its lock-out counts as a skipped lock-out; so does each test
  // made energised (the car READY) while locked out.
  const done = new Set<string>();
  const skippedSafety: { test: string; missing: string[] }[] = [];
  let lockedOut = false;
  let unlockSkipped = false;
  for (const s of apprentice.steps) {
    if (s.kind === 'safety') {
      done.add(s.id);
      if (s.id === LOCKOUT_STEP) [lockedOut, unlockSkipped] = [true, false];
      if (s.id === UNLOCK_STEP) {
        lockedOut = false;
        done.delete(LOCKOUT_STEP);
      }
    }
    if (
      lockedOut &&
      !unlockSkipped &&
      (s.kind === 'clear' || s.kind === 'follow_up' || s.kind === 'road_test' || s.kind === 'verify')
    ) {
      skippedSafety.push({ test: s.kind, missing: [UNLOCK_STEP] });
      unlockSkipped = true;
    }
    if (s.kind === 'test' || s.kind === 'repair') {
      const required = s.kind === 'test' ? (kb.tests.get(s.id)?.safety ?? []) : repairSafety(kb, s.cause);
      const missing = required.filter((r) => !done.has(r));
      if (s.kind === 'test' && lockedOut && kb.tests.get(s.id)?.energised && !missing.includes(UNLOCK_STEP))
        missing.unshift(UNLOCK_STEP);
      if (missing.length)
        skippedSafety.push({ test: s.kind === 'test' ? s.id : `repair:${s.cause}`, missing });
    }
  }

  const firstRepair = apprentice.steps.findIndex((s) => s.kind === 'repair');
  const before = firstRepair < 0 ? apprentice.steps : apprentice.steps.slice(0, firstRepair);
  const readFirst = before.some((s) => s.kind === 'read');
  const testedFirst = before.some((s) => s.kind === 'test');
  // The true cause counts as identified when a test pointing at it came out bad before it was
  // repaired, and its own inspection did not come out good.
  const trueRepair = apprentice.steps.findIndex((s) => s.kind === 'repair' && s.cause === trueCause);
  const beforeTrueRepair = trueRepair < 0 ? apprentice.steps : apprentice.steps.slice(0, trueRepair);
  const confirmedCause =
    trueCause !== null &&
    beforeTrueRepair.some(
      (s) => s.kind === 'test' && s.outcome === 'bad' && kb.tests.get(s.id)?.checks[trueCause] !== undefined,
    ) &&
    !beforeTrueRepair.some(
      (s) => s.kind === 'test' && s.outcome === 'good' && s.id === inspectionOf(trueCause),
    );
  const premature = trueCause !== null && apprentice.conclusion === trueCause && !confirmedCause;
  const rightCause =
    trueCause === null
      ? apprentice.conclusion === undefined && !apprentice.steps.some((s) => s.kind === 'repair')
      : apprentice.conclusion === trueCause && confirmedCause;
  // The last verification decides (an incomplete one may be followed by a road test and another read).
  const verify = apprentice.steps.findLast((s) => s.kind === 'verify');
  // A repair is proven when the codes were cleared, none came back on the road test, the symptom is
  // gone, and the tree's readiness monitors have run again since the clear (SAE J1979 readiness).
  const monitorsNeeded = kb.trees.find((t) => t.id === apprentice.treeId)?.monitors ?? [];
  const monitorsRead = verify?.kind === 'verify' ? verify.monitors : undefined;
  const monitorsLeft = monitorsNeeded.filter((m) => monitorsRead?.[m] === 'incomplete');
  const readinessOk =
    monitorsNeeded.length === 0 || (monitorsRead !== undefined && monitorsLeft.length === 0);

  const skills: Record<SkillId, SkillLevel> = {
    confirm_complaint: readFirst
      ? 'acquis'
      : apprentice.steps.some((s) => s.kind === 'read')
        ? 'en_cours'
        : 'non_acquis',
    form_hypotheses:
      testedFirst && needlessRepairs.length === 0 ? 'acquis' : testedFirst ? 'en_cours' : 'non_acquis',
    identify_faulty_part: rightCause ? 'acquis' : 'non_acquis',
    validate_repair:
      verify?.kind === 'verify' &&
      (verify.result === undefined || verify.result === 'cured') &&
      verify.cleared &&
      verify.symptomGone &&
      verify.dtcsAfter.length === 0 &&
      readinessOk
        ? 'acquis'
        : verify
          ? 'en_cours'
          : 'non_acquis',
  };

  // 20 points: 12 for the skills (3 each), 4 for efficiency against the expert, 4 for safety and
  // no needless parts. Unsafe work caps the mark at 8: a workshop cannot accept it whatever else.
  let mark = 0;
  for (const level of Object.values(skills)) mark += 3 * LEVEL_POINTS[level];
  const costRatio = costE > 0 ? costA / costE : costA > 0 ? Number.POSITIVE_INFINITY : 1;
  // Efficiency only counts when the job got done: a cheap path to the wrong part is not efficient.
  if (rightCause) mark += costRatio <= 1.25 ? 4 : costRatio <= 2 ? 2 : costRatio <= 3 ? 1 : 0;
  mark += needlessRepairs.length === 0 ? 2 : needlessRepairs.length === 1 ? 1 : 0;
  mark += skippedSafety.length === 0 ? 2 : 0;
  if (skippedSafety.length) mark = Math.min(mark, 8);
  mark = Math.round(mark * 2) / 2;

  if (premature)
    remarks.push({
      fr: 'Conclusion prématurée : la cause n’a pas été confirmée par un test avant la réparation (ou son test était bon) ; elle compte comme non trouvée.',
      en: 'Premature conclusion: the cause was not confirmed by a test before the repair (or its test was good); it counts as not found.',
    });
  else if (!rightCause && trueCause === null)
    remarks.push({
      fr: 'Le véhicule n’avait pas de défaut : il fallait conclure « aucune cause confirmée » sans remplacer de pièce.',
      en: 'The car had no fault: the right ending was "no cause confirmed", with no part replaced.',
    });
  else if (!rightCause)
    remarks.push({ fr: 'La cause retenue n\u2019est pas la bonne.', en: 'The cause concluded on is wrong.' });
  if (needlessRepairs.length) {
    remarks.push({
      fr: `Pièces remplacées sans nécessité : ${needlessRepairs.join(', ')}.`,
      en: `Parts replaced needlessly: ${needlessRepairs.join(', ')}.`,
    });
  }
  for (const s of skippedSafety) {
    const t = skippedSafetyText(kb, s);
    remarks.push({
      fr: `Prérequis de sécurité manquants avant ${t.fr}.`,
      en: `Safety prerequisites missing before ${t.en}.`,
    });
  }
  if (verify?.kind === 'verify' && verify.missing?.roadTest)
    remarks.push({
      fr: 'Vérification incomplète : pas d’essai routier après la réparation.',
      en: 'Incomplete verification: no road test after the repair.',
    });
  if (verify && monitorsNeeded.length && monitorsRead === undefined)
    remarks.push({
      fr: `État des moniteurs non contrôlé après la réparation (${monitorNames(monitorsNeeded, 'fr')}).`,
      en: `Readiness not checked after the repair (${monitorNames(monitorsNeeded, 'en')}).`,
    });
  if (monitorsLeft.length)
    remarks.push({
      fr: `Moniteurs non terminés après l'essai (${monitorNames(monitorsLeft, 'fr')}) : un cycle de conduite complet est nécessaire avant de restituer le véhicule.`,
      en: `Monitors not complete after the road test (${monitorNames(monitorsLeft, 'en')}): a full drive cycle is needed before handing the car back.`,
    });
  if (costRatio > 1.25 && Number.isFinite(costRatio)) {
    remarks.push({
      fr: `Démarche ${costRatio.toFixed(1)} fois plus coûteuse que celle de l'expert.`,
      en: `Path ${costRatio.toFixed(1)} times as costly as the expert's.`,
    });
  }
  return {
    rightCause,
    premature,
    trueCause,
    conclusion: apprentice.conclusion,
    tests: { apprentice: testsA, expert: testsE },
    cost: { apprentice: costA, expert: costE, ratio: costRatio },
    minutes: { apprentice: minA, expert: minE, ratio: minE > 0 ? minA / minE : 1 },
    needlessRepairs,
    skippedSafety,
    skills,
    mark,
    remarks,
  };
}

/**
 * A skipped safety step in the words the apprentice and the instructor read: what it was skipped
 * before — the test by its name, the repair by its words, the step that powered the car — then the
 * steps missing (`safetyText`), e.g. « le test « Isolement du compresseur… » : Consignation haute
 * tension… ». The assessment's JSON keeps the ids (`skippedSafety`); an id the knowledge base no
 * longer knows is said as it is.
 */
export function skippedSafetyText(kb: KnowledgeBase, s: Assessment['skippedSafety'][number]): Localized {
  let what: Localized;
  const test = kb.tests.get(s.test);
  if (test) what = { fr: `le test « ${test.name.fr} »`, en: `the test "${test.name.en}"` };
  else if (s.test.startsWith('repair:')) {
    const id = s.test.slice('repair:'.length);
    const cause = kb.trees.flatMap((t) => t.causes).find((c) => c.id === id);
    what = cause
      ? { fr: `la réparation « ${cause.repair.fr} »`, en: `the repair "${cause.repair.en}"` }
      : { fr: `la réparation ${id}`, en: `the repair ${id}` };
  } else what = energisingText(s.test);
  const missing = s.missing.map(safetyText);
  return {
    fr: `${what.fr} : ${missing.map((m) => m.fr).join(' ; ')}`,
    en: `${what.en}: ${missing.map((m) => m.en).join('; ')}`,
  };
}

/** A repair inherits the safety prerequisites of the cause's inspection (HV parts need lock-out). */
function repairSafety(kb: KnowledgeBase, cause: string): string[] {
  for (const tree of kb.trees) {
    const c = tree.causes.find((x) => x.id === cause);
    if (c) return kb.tests.get(c.inspect)?.safety ?? [];
  }
  return [];
}

/** Readiness monitors by their names in the reader's language (J1979's names from @atelier/obd). */
function monitorNames(keys: string[], lang: 'fr' | 'en'): string {
  return keys.map((k) => MONITORS.get(k)?.[lang] ?? k).join(', ');
}
