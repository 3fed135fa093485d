import { mentions } from './complaint.js';
import { analyse } from './engine.js';
import type { SessionFacts } from './facts.js';
import type { RoutineRun } from './follow-up.js';
import type {
  Analysis,
  CausePosterior,
  Evidence,
  InspectionOption,
  ObservationOption,
  SymptomEvidence,
} from './infer.js';
import { intermittentAdvice } from './intermittent.js';
import type { Cause, FaultTreeEntry, KnowledgeBase, RepairFollowUp, WorkshopTest } from './kb/types.js';
import {
  interpretMeasurements,
  type MeasuredReading,
  type MeasurementVerdict,
  measuredValueOf,
} from './measure.js';
import {
  type DiagnosticPath,
  type MeasuredValue,
  type PathStep,
  type VerifyMissing,
  type VerifyOutcome,
  type VerifyResult,
  verifyOutcome,
} from './path.js';
import { type EnergisingStep, energisingText, LOCKOUT_STEP, safetyText, UNLOCK_STEP } from './safety.js';
import { selectTrees, treeForVehicle } from './select.js';
import { readSigns, type SignReading } from './signs.js';
import type { Localized } from './text.js';

export type SessionState = 'diagnose' | 'repair' | 'verify' | 'done';

export interface CostModel {
  /** Workshop labour rate, euros per hour, used to price repairs. */
  labourRate: number;
}

export const DEFAULT_COST_MODEL: CostModel = { labourRate: 70 };

/** What the session proposes next, with the numbers behind it and a reason in plain words. */
export type Recommendation =
  | {
      kind: 'inspection';
      test: WorkshopTest;
      cause: Cause;
      probability: number;
      cost: number;
      ratio: number;
      /** Safety prerequisites still to be done before this test. */
      safety: string[];
      reason: Localized;
      ranking: InspectionOption[];
    }
  | {
      kind: 'observation';
      test: WorkshopTest;
      valueOfInformation: number;
      cost: number;
      safety: string[];
      reason: Localized;
      ranking: ObservationOption[];
    };

/** Why a session ended without a cause. */
export type NoCauseReason =
  /** The causes worth a test were tested good (the probability went outside the tree). */
  | 'tested-good'
  /** No cause of the tree reaches the plausibility threshold on what the car shows. */
  | 'below-threshold'
  /** Every cause of the tree was repaired in vain. */
  | 'all-repaired';

/** How a session ended. */
export type SessionOutcome =
  /**
   * A cause found and repaired; `confidence` is its probability when it went to repair. Verified on
   * the car unless `verified` is false (a recording cannot be re-read after a repair; a car handed
   * back before its monitors ran), with `unverified` saying why.
   */
  | { kind: 'cause'; cause: string; confidence: number; verified?: boolean; unverified?: Localized }
  /**
   * "Aucune cause confirmée": no cause of the tree holds up. `leading` lists the causes still above
   * 1 % (none confirmed), `advice` what to do next (escalation).
   */
  | {
      kind: 'no-cause';
      reason: NoCauseReason;
      leading: CausePosterior[];
      unexplained: number;
      advice: Localized[];
    };

export interface SessionData {
  version: 1;
  treeId: string;
  facts: SessionFacts;
  steps: PathStep[];
  state: SessionState;
  /** The cause found by an inspection and awaiting its repair. */
  pendingRepair?: string;
  /** Its probability when it was found. */
  pendingConfidence?: number;
  conclusion?: string;
  /** How the session ended (absent while it goes on, and in sessions stored before it was kept). */
  outcome?: SessionOutcome;
  costModel: CostModel;
}

/**
 * The thresholds the session decides by, stated. A cause a bad test points at, and whose own
 * inspection did not come out good, is concluded (and goes to repair) once it holds `confirm` of the
 * probability; when no test is left, it still is if it leads and holds at least `probable` (its
 * confidence is shown), or if it leads, holds at least `plausible` and its own inspection found its
 * part faulty (the workshop's confirmation; the verification after the repair judges it). A cause
 * below `plausible` is not worth a test; and when no code confirms the
 * tree's symptom and its causes together hold less than `inTree` (the car most likely does not have
 * this tree's fault: a complaint word that nothing on the car backs up), nothing is — unless the
 * complaint describes the symptom as one of the tree's complaint signs knows it, or a sign read on the
 * car (live data, the battery report) points at one of its causes, when the bar is `described` (a
 * driver who saw the needle in the red is worth a look at the coolant level). Anything else ends "no cause confirmed": never a
 * cause tested good, never the most probable cause for want of a better one.
 */
export const DECISION = {
  confirm: 0.75,
  probable: 0.4,
  plausible: 0.02,
  inTree: 0.15,
  described: 0.03,
} as const;

/** What to do when no cause is confirmed, whatever the tree (each tree adds its own). */
export const GENERAL_ADVICE: Localized[] = [
  {
    fr: 'Ne remplacer aucune pièce sur cette base : aucune cause n’est confirmée.',
    en: 'Replace no part on this basis: no cause is confirmed.',
  },
  {
    fr: 'Refaire un essai routier plus long dans les conditions décrites par le client (à froid, en charge, sur autoroute) et relire les codes et les moniteurs.',
    en: 'Road-test longer in the conditions the customer describes (cold, under load, on the motorway) and read the codes and monitors again.',
  },
  {
    fr: 'Consulter l’outil et la documentation du constructeur (bulletins techniques, mémoires des autres calculateurs).',
    en: "Check the maker's tool and documentation (technical bulletins, the other ECUs' fault memories).",
  },
  {
    fr: 'Faire appel à un spécialiste (chef d’atelier, assistance technique du constructeur).',
    en: "Call a specialist (workshop foreman, the maker's technical hotline).",
  },
];

/**
 * A step the guided session refuses: `message` in English (word for word what scripts and tests
 * read), `messageIn('fr')` in French for the people at the car (the dashboard and the CLI print it
 * in the user's language).
 */
export class SessionError extends Error {
  override name = 'SessionError';
  constructor(
    message: string,
    /** The same refusal in French. */
    readonly fr: string = message,
  ) {
    super(message);
  }

  messageIn(lang: 'fr' | 'en'): string {
    return lang === 'fr' ? this.fr : this.message;
  }
}

/** A session state in French, as the refusals name it. */
const STATE_FR: Record<SessionState, string> = {
  diagnose: 'diagnostic',
  repair: 'réparation',
  verify: 'vérification',
  done: 'terminé',
};

/** A refusal that names the session's state, in both languages. */
const inState = (en: string, fr: string, state: SessionState) =>
  new SessionError(`${en} ${state}`, `${fr} « ${STATE_FR[state]} »`);

/**
 * A step was asked for before its safety prerequisites were recorded: a test, a repair, or a step
 * that re-energises the car while it is locked out (`energise`: `test` is then the `EnergisingStep`,
 * or the id of a test made energised — `WorkshopTest.energised` — with its name in `testName`).
 */
export class SafetyPrerequisiteError extends SessionError {
  override name = 'SafetyPrerequisiteError';
  constructor(
    /** The test's id, the cause's whose repair was asked for, or the energising step. */
    readonly test: string,
    readonly missing: string[],
    readonly step: 'test' | 'repair' | 'energise' = 'test',
    /** The energised test's name, said in the message instead of its id. */
    testName?: Localized,
  ) {
    const energising = testName
      ? { fr: `le test « ${testName.fr} »`, en: `the test "${testName.en}"` }
      : energisingText(test);
    const what =
      step === 'energise'
        ? {
            en: `re-energising the car for ${energising.en}`,
            fr: `la remise sous tension du véhicule pour ${energising.fr}`,
          }
        : step === 'repair'
          ? { en: `the repair of ${test}`, fr: `la réparation de ${test}` }
          : { en: `test ${test}`, fr: `le test ${test}` };
    super(
      `${what.en} needs ${missing.join(', ')} first`,
      `${what.fr} demande d’abord : ${missing.map((m) => safetyText(m).fr).join(' ; ')}`,
    );
  }
}

/**
 * Whether the car, read again after the repair and the road test, still shows the tree's symptom: a
 * code the tree explains in the stored or pending memory (permanent codes stay until their monitor
 * passes again, SAE J1979), or a sign of the car — a code, the live data, the battery report — that points at one of its
 * causes. The knowledge base interprets the reading; the car gives it.
 */
export function symptomShows(tree: FaultTreeEntry, facts: SessionFacts): boolean {
  const current = (code: string) => {
    const memories = facts.dtcMemories?.[code] ?? (facts.dtcs.includes(code) ? ['stored'] : []);
    return memories.some((m) => m === 'stored' || m === 'pending');
  };
  if (tree.applies.dtcs.some(current)) return true;
  return readSigns(tree, { ...facts, freezeFrame: undefined }).some(
    (r) =>
      r.value === true &&
      r.certainty > 0.5 &&
      (r.sign.when.source === 'live' ||
        r.sign.when.source === 'battery' ||
        (r.sign.when.source === 'dtc' && r.sign.when.codes.some(current))),
  );
}

/**
 * How the tree's symptom is known from the facts: a code the tree explains was read (confirmed), the
 * complaint names it in words (reported), or neither (unconfirmed).
 */
export function symptomEvidence(tree: FaultTreeEntry, facts: SessionFacts): SymptomEvidence {
  if (facts.dtcs.some((d) => tree.applies.dtcs.includes(d.toUpperCase()))) return 'confirmed';
  const complaint = facts.complaint ?? '';
  const words = [
    ...tree.applies.complaintKeywords,
    ...tree.signs.flatMap((s) => (s.when.source === 'complaint' ? s.when.keywords : [])),
  ];
  if (complaint && words.some((k) => mentions(complaint, k))) return 'reported';
  return 'unconfirmed';
}

/**
 * A guided diagnosis on one fault tree: ranked causes → next best step → outcome → … → repair →
 * verification. Everything it knows is in `steps`, so `toJSON()`/`fromJSON()` store, resume and
 * audit a session exactly.
 */
export class GuidedSession {
  private constructor(
    readonly kb: KnowledgeBase,
    readonly tree: FaultTreeEntry,
    private data: SessionData,
  ) {}

  /** Starts a session on the best-matching tree for the facts, or on `treeId`. */
  static start(
    kb: KnowledgeBase,
    facts: SessionFacts,
    options: { treeId?: string; costModel?: CostModel } = {},
  ): GuidedSession {
    let tree: FaultTreeEntry | undefined;
    if (options.treeId) {
      tree = kb.trees.find((t) => t.id === options.treeId);
      if (!tree)
        throw new SessionError(
          `unknown fault tree "${options.treeId}"`,
          `arbre de panne inconnu « ${options.treeId} »`,
        );
      if (!tree.vehicles.includes(facts.vehicle))
        throw new SessionError(
          `fault tree "${tree.id}" does not apply to a ${facts.vehicle} vehicle`,
          `l’arbre de panne « ${tree.id} » ne s’applique pas à un véhicule « ${facts.vehicle} »`,
        );
    } else {
      tree = selectTrees(kb, facts)[0]?.tree;
      if (!tree)
        throw new SessionError(
          `no fault tree applies to ${facts.dtcs.join(', ') || 'this complaint'} on a ${facts.vehicle} vehicle`,
          `aucun arbre de panne ne s’applique à ${facts.dtcs.join(', ') || 'cette plainte'} sur un véhicule « ${facts.vehicle} »`,
        );
    }
    const steps: PathStep[] = [];
    // What was read before the first test belongs to the path: confirming the complaint.
    if (facts.dtcs.length || facts.dtcMemories) steps.push({ kind: 'read', what: 'dtc' });
    if (facts.freezeFrame) steps.push({ kind: 'read', what: 'freeze_frame' });
    if (facts.readiness) steps.push({ kind: 'read', what: 'readiness' });
    if (facts.live) steps.push({ kind: 'read', what: 'live' });
    if (facts.complaint) steps.push({ kind: 'read', what: 'complaint' });
    const session = new GuidedSession(kb, treeForVehicle(tree, facts.vehicle), {
      version: 1,
      treeId: tree.id,
      facts,
      steps,
      state: 'diagnose',
      costModel: options.costModel ?? DEFAULT_COST_MODEL,
    });
    // What the car shows may already rule the tree out: nothing is plausible enough to test.
    session.settle();
    return session;
  }

  static fromJSON(kb: KnowledgeBase, data: SessionData): GuidedSession {
    if (data?.version !== 1)
      throw new SessionError(
        'unsupported session data version',
        'version des données de session non prise en charge',
      );
    const tree = kb.trees.find((t) => t.id === data.treeId);
    if (!tree)
      throw new SessionError(
        `unknown fault tree "${data.treeId}"`,
        `arbre de panne inconnu « ${data.treeId} »`,
      );
    return new GuidedSession(kb, treeForVehicle(tree, data.facts.vehicle), structuredClone(data));
  }

  toJSON(): SessionData {
    return structuredClone(this.data);
  }

  get state(): SessionState {
    return this.data.state;
  }

  get steps(): readonly PathStep[] {
    return this.data.steps;
  }

  get conclusion(): string | undefined {
    return this.data.conclusion;
  }

  /** How the session ended; undefined while it goes on. */
  get outcome(): SessionOutcome | undefined {
    return this.data.outcome;
  }

  /** The facts the session started from. */
  get facts(): SessionFacts {
    return this.data.facts;
  }

  /** How the tree's symptom is known: confirmed by a code, reported by the customer, or neither. */
  get symptom(): SymptomEvidence {
    return symptomEvidence(this.tree, this.data.facts);
  }

  get pendingRepair(): Cause | undefined {
    return this.tree.causes.find((c) => c.id === this.data.pendingRepair);
  }

  path(): DiagnosticPath {
    return { treeId: this.tree.id, steps: [...this.data.steps], conclusion: this.data.conclusion };
  }

  /** The tree's signs read on the session's facts (DTC memories, freeze frame, readiness, live data, complaint). */
  signs(): SignReading[] {
    return readSigns(this.tree, this.data.facts);
  }

  /**
   * The evidence the session amounts to: the signs read from the car and the complaint, test
   * outcomes, and causes repaired without curing the symptom.
   */
  evidence(): Evidence {
    const findings: Evidence['findings'] = [];
    const cleared: string[] = [];
    let lastRepair: string | undefined;
    for (const s of this.data.steps) {
      if (s.kind === 'test')
        findings.push({
          test: s.id,
          outcome: s.outcome,
          ...(s.certainty !== undefined && s.certainty < 1 ? { certainty: s.certainty } : {}),
        });
      if (s.kind === 'repair') lastRepair = s.cause;
      // Only a repair proven not to cure clears its cause; an incomplete verification proves nothing.
      if (s.kind === 'verify' && verifyOutcome(s) === 'not-cured' && lastRepair) cleared.push(lastRepair);
    }
    return { symptom: this.symptom, findings, cleared, signs: this.signs() };
  }

  analysis(): Analysis {
    const done = new Set(
      this.data.steps.flatMap((s) => (s.kind === 'test' || s.kind === 'unable' ? [s.id] : [])),
    );
    return analyse(this.kb, this.tree, this.evidence(), {
      exclude: done,
      repairCost: (c) => this.repairCost(c),
    });
  }

  repairCost(cause: Cause): number {
    return Math.round((cause.repair.hours * this.data.costModel.labourRate + cause.repair.parts) * 100) / 100;
  }

  /**
   * The safety steps in force: those recorded, except that the lock-out counts only while the HV
   * system is locked out (the last lock-out after the last unlock: a car re-energised since needs it
   * again), and `hv_unlock` stands for "not locked out now".
   */
  private safetyDone(): Set<string> {
    const done = new Set(this.data.steps.flatMap((s) => (s.kind === 'safety' ? [s.id] : [])));
    if (this.hvLockedOut()) done.delete(UNLOCK_STEP);
    else {
      done.delete(LOCKOUT_STEP);
      done.add(UNLOCK_STEP);
    }
    return done;
  }

  /** Whether the HV system is locked out now in the session's records: a lock-out not lifted since. */
  hvLockedOut(): boolean {
    for (let i = this.data.steps.length - 1; i >= 0; i--) {
      const s = this.data.steps[i];
      if (s.kind !== 'safety') continue;
      if (s.id === UNLOCK_STEP) return false;
      if (s.id === LOCKOUT_STEP) return true;
    }
    return false;
  }

  /**
   * Whether the lock-out must be lifted (`hv_unlock`, by a BCL) before the session can go on: the HV
   * system is locked out and the work on it is over — the repair is done (verification: clearing the
   * codes, the road test and the read power the car), or the session ended (the car leaves the bay).
   * While diagnosing or repairing, the lock-out serves the work still to come.
   */
  unlockDue(): boolean {
    return (this.data.state === 'verify' || this.data.state === 'done') && this.hvLockedOut();
  }

  /**
   * Refuses a step that powers the car (`EnergisingStep`) while the lock-out is not lifted: a
   * `SafetyPrerequisiteError` naming `hv_unlock`. The dashboard asks it before touching the car.
   */
  checkEnergise(step: EnergisingStep): void {
    if (this.hvLockedOut()) throw new SafetyPrerequisiteError(step, [UNLOCK_STEP], 'energise');
  }

  /**
   * The next step worth doing, or undefined when the session is not diagnosing or nothing is left:
   * only causes that reach the plausibility threshold are worth a test.
   */
  next(): Recommendation | undefined {
    if (this.data.state !== 'diagnose') return undefined;
    return this.nextOf(this.analysis());
  }

  /**
   * Whether the customer described the symptom the way one of the tree's complaint signs that
   * describes it knows it ("l'aiguille est montée dans le rouge", "le chauffage reste tiède"), rather
   * than only naming its subject ("température") or when it happens ("au freinage"): such a
   * description is worth a cheap test even with no code.
   */
  private described(): boolean {
    return this.signs().some((r) => r.sign.describesSymptom === true && r.value === true);
  }

  /**
   * Whether the car itself shows the tree's symptom though no code of the tree is stored: a live
   * value or a battery-report figure that points at one of its causes — the same reading
   * `symptomShows` judges a verification by. A measurement on the car backs the symptom up at least
   * as well as a driver's description of it, so it gets the same lower bar (a Kona whose BMS reads
   * its cells 100 mV apart at rest, with no code, was left untested under the complaint-word bar).
   */
  private shownByCar(): boolean {
    return symptomShows(this.tree, this.data.facts);
  }

  private nextOf(a: Analysis): Recommendation | undefined {
    // A symptom only reported (or not shown at all) that the car does not back up: nothing to test.
    const bar = this.described() || this.shownByCar() ? DECISION.described : DECISION.inTree;
    if (this.symptom !== 'confirmed' && a.inTree < bar) return undefined;
    if (!a.posteriors.some((p) => p.probability >= DECISION.plausible)) return undefined;
    const safetyDone = this.safetyDone();
    const bestInspection = a.inspections.find((i) => i.probability >= DECISION.plausible);
    const bestObservation = a.observations.find((o) => o.valueOfInformation > 0);
    if (bestObservation) {
      const test = this.kb.tests.get(bestObservation.test)!;
      return {
        kind: 'observation',
        test,
        valueOfInformation: bestObservation.valueOfInformation,
        cost: test.cost,
        safety: this.testSafety(test, safetyDone),
        reason: observationReason(test, bestObservation),
        ranking: a.observations,
      };
    }
    if (!bestInspection) return undefined;
    const test = this.kb.tests.get(bestInspection.test)!;
    const cause = this.tree.causes.find((c) => c.id === bestInspection.cause)!;
    return {
      kind: 'inspection',
      test,
      cause,
      probability: bestInspection.probability,
      cost: bestInspection.cost,
      ratio: bestInspection.ratio,
      safety: this.testSafety(test, safetyDone),
      reason: inspectionReason(test, cause, bestInspection),
      ranking: a.inspections,
    };
  }

  /**
   * The safety steps a test still needs before it is made: its own (`safety`) not in force, and,
   * first, the lock-out lifted (`hv_unlock`) when the test is made energised
   * (`WorkshopTest.energised`: the car READY, the engine running) while the HV system is locked out —
   * a locked-out car cannot be put READY, and must not be.
   */
  testSafety(test: WorkshopTest, done = this.safetyDone()): string[] {
    const own = test.safety.filter((s) => !done.has(s));
    return this.energisingBlocked(test) && !own.includes(UNLOCK_STEP) ? [UNLOCK_STEP, ...own] : own;
  }

  /** Whether a test waits for the lock-out to be lifted: it is made energised and the HV system is locked out. */
  energisingBlocked(test: WorkshopTest): boolean {
    return test.energised && this.hvLockedOut();
  }

  /**
   * Refuses a test made energised while the HV system is locked out: a `SafetyPrerequisiteError` of
   * the re-energising kind naming `hv_unlock` and the test. The dashboard asks it before an
   * instrument touches the car.
   */
  checkEnergisedTest(test: WorkshopTest): void {
    if (this.energisingBlocked(test))
      throw new SafetyPrerequisiteError(test.id, [UNLOCK_STEP], 'energise', test.name);
  }

  /**
   * Records a safety step done. Lifting the lock-out (`hv_unlock`) is refused when nothing is locked
   * out: there is nothing to lift, and a record saying otherwise would hide a missing lock-out.
   */
  recordSafety(id: string): void {
    if (id === UNLOCK_STEP && !this.hvLockedOut())
      throw new SessionError(
        'nothing is locked out: the high-voltage lock-out is lifted only after one',
        'rien n’est consigné : une déconsignation haute tension ne se fait qu’après une consignation',
      );
    this.data.steps.push({ kind: 'safety', id });
  }

  /**
   * Records a test's outcome (`certainty` below 1 for a measurement near its threshold; `measured`,
   * the value behind it). An inspection that finds its cause moves the session to the repair.
   */
  record(
    testId: string,
    outcome: 'good' | 'bad',
    options: { allowUnsafe?: boolean; certainty?: number; measured?: MeasuredValue } = {},
  ): void {
    if (this.data.state !== 'diagnose')
      throw inState(
        'cannot record a test while in state',
        'impossible d’enregistrer un test dans l’état',
        this.data.state,
      );
    const test = this.kb.tests.get(testId);
    if (!test) throw new SessionError(`unknown test "${testId}"`, `test inconnu « ${testId} »`);
    // A test made with the car READY or its engine running, while the HV system is recorded locked
    // out: the car is re-energised for it, so the lock-out is lifted first (as before clearing codes).
    if (!options.allowUnsafe) this.checkEnergisedTest(test);
    const missing = test.safety.filter((s) => !this.safetyDone().has(s));
    if (missing.length && !options.allowUnsafe) throw new SafetyPrerequisiteError(testId, missing);
    if (options.certainty !== undefined && !(options.certainty >= 0.5 && options.certainty <= 1))
      throw new SessionError(
        `a certainty is between 0.5 and 1, not ${options.certainty}`,
        `une certitude est comprise entre 0,5 et 1, pas ${options.certainty}`,
      );
    this.data.steps.push({
      kind: 'test',
      id: testId,
      outcome,
      cost: test.cost,
      minutes: test.minutes,
      ...(options.certainty !== undefined && options.certainty < 1 ? { certainty: options.certainty } : {}),
      ...(options.measured ? { measured: options.measured } : {}),
    });
    this.settle();
  }

  /**
   * Records a test from what was measured on the car: the knowledge base reads the values (healthy
   * range, spread, words; soft near a bound) and the outcome goes in with its certainty and the
   * decisive value. Returns the verdict; throws when nothing measured can be read.
   */
  recordMeasurement(
    testId: string,
    readings: readonly MeasuredReading[],
    options: { allowUnsafe?: boolean } = {},
  ): MeasurementVerdict {
    const test = this.kb.tests.get(testId);
    if (!test) throw new SessionError(`unknown test "${testId}"`, `test inconnu « ${testId} »`);
    // Refused before the values are read: they could not have been measured on a locked-out car.
    if (!options.allowUnsafe) this.checkEnergisedTest(test);
    const verdict = interpretMeasurements(test, readings);
    if (!verdict)
      throw new SessionError(
        `nothing measured for ${testId} can be read`,
        `aucune mesure du test ${testId} ne peut être lue`,
      );
    this.record(testId, verdict.outcome, {
      ...options,
      certainty: verdict.certainty,
      measured: measuredValueOf(verdict.decisive),
    });
    return verdict;
  }

  /**
   * Records that a test could not be done on this car (no such part, a state it cannot reach): no
   * evidence either way, and it is not proposed again.
   */
  recordUnable(testId: string, why: Localized): void {
    if (this.data.state !== 'diagnose')
      throw inState(
        'cannot record a test while in state',
        'impossible d’enregistrer un test dans l’état',
        this.data.state,
      );
    if (!this.kb.tests.get(testId))
      throw new SessionError(`unknown test "${testId}"`, `test inconnu « ${testId} »`);
    this.data.steps.push({ kind: 'unable', id: testId, why });
    this.settle();
  }

  /** Whether a cause's own inspection came out good: such a cause is never concluded on. */
  testedGood(causeId: string): boolean {
    const inspect = this.tree.causes.find((c) => c.id === causeId)?.inspect;
    return this.data.steps.some((s) => s.kind === 'test' && s.id === inspect && s.outcome === 'good');
  }

  /** Whether a test that checks the cause came out bad. */
  pointedAt(causeId: string): boolean {
    return this.data.steps.some(
      (s) => s.kind === 'test' && s.outcome === 'bad' && this.kb.tests.get(s.id)?.checks[causeId],
    );
  }

  /**
   * Moves on once the evidence is strong enough: a cause that a bad test points at, whose own
   * inspection did not come out good, and that now holds `DECISION.confirm` of the probability goes to
   * repair. When no cause reaches `DECISION.plausible`, or no test is left for those that do, the
   * session ends "no cause confirmed" with what to do next — never on a cause tested good, never on
   * the most probable cause for want of a better one.
   */
  private settle(): void {
    if (this.data.state !== 'diagnose') return;
    const cleared = new Set(this.evidence().cleared);
    if (this.tree.causes.every((c) => cleared.has(c.id))) {
      this.endWithoutCause('all-repaired');
      return;
    }
    const a = this.analysis();
    const top = a.posteriors[0];
    // The leading cause goes to repair when it holds `at least` of the probability, something says
    // its part is faulty, and its own inspection did not come out good.
    const concludes = (atLeast: number, evidence: (cause: string) => boolean): boolean => {
      if (!top || top.probability < atLeast || !evidence(top.cause) || this.testedGood(top.cause))
        return false;
      this.data.pendingRepair = top.cause;
      this.data.pendingConfidence = top.probability;
      this.data.state = 'repair';
      return true;
    };
    const pointedAt = (c: string) => this.pointedAt(c);
    if (concludes(DECISION.confirm, pointedAt)) return;
    if (this.nextOf(a)) return;
    if (concludes(DECISION.probable, pointedAt)) return;
    // The leading cause's own inspection found its part faulty (the gauge read low, the coil gave no
    // spark): the workshop's confirmation, whatever the prior said. It is concluded with its
    // confidence shown, and the verification after the repair judges it.
    if (concludes(DECISION.plausible, (c) => this.inspectedBad(c))) return;
    const tested = this.data.steps.some((s) => s.kind === 'test');
    this.endWithoutCause(tested ? 'tested-good' : 'below-threshold', a);
  }

  /** Whether the cause's own inspection came out bad. */
  inspectedBad(causeId: string): boolean {
    const inspect = this.tree.causes.find((c) => c.id === causeId)?.inspect;
    return this.data.steps.some((s) => s.kind === 'test' && s.id === inspect && s.outcome === 'bad');
  }

  /**
   * What to do next when no cause is confirmed. An intermittent fault first: what it calls for
   * (freeze frame, a road test in its conditions, a wiggle test) is what the technician does next,
   * before escalating; its road test then replaces the general one.
   */
  private noCauseAdvice(reason: NoCauseReason): Localized[] {
    const intermittent = intermittentAdvice(this.tree, this.data.facts, reason === 'tested-good');
    const [noPart, roadTest, ...escalate] = GENERAL_ADVICE;
    // The tree's own next steps before the general escalation (the maker's documentation, a specialist).
    return [noPart, ...(intermittent.length ? intermittent : [roadTest]), ...this.tree.escalate, ...escalate];
  }

  private endWithoutCause(reason: NoCauseReason, a = this.analysis()): void {
    this.data.state = 'done';
    this.data.pendingRepair = undefined;
    this.data.pendingConfidence = undefined;
    this.data.outcome = {
      kind: 'no-cause',
      reason,
      leading: a.posteriors.filter((p) => p.probability >= 0.01),
      unexplained: a.unexplained,
      // An intermittent fault first: what it calls for (freeze frame, road test in its conditions,
      // wiggle test) is what the technician does next, before escalating.
      advice: this.noCauseAdvice(reason),
    };
  }

  /**
   * The safety steps the repair of a cause (the pending one by default) still needs, as a test's:
   * its own (`repair.safety`) not in force in this session. A lock-out recorded for a test before it
   * counts, as it does for the next test, unless it was lifted since (`hv_unlock`).
   */
  repairSafety(causeId = this.data.pendingRepair): string[] {
    const cause = this.tree.causes.find((c) => c.id === causeId);
    if (!cause) return [];
    const done = this.safetyDone();
    return cause.repair.safety.filter((s) => !done.has(s));
  }

  /**
   * Records the repair of a cause (the pending one by default). A cause repaired before a test
   * confirmed it is a premature repair: allowed (the workshop decides), kept with its probability.
   */
  repair(causeId = this.data.pendingRepair, options: { allowUnsafe?: boolean } = {}): void {
    const cause = this.tree.causes.find((c) => c.id === causeId);
    if (!cause)
      throw new SessionError(
        `unknown cause "${causeId}" in tree ${this.tree.id}`,
        `cause inconnue « ${causeId} » dans l’arbre ${this.tree.id}`,
      );
    if (this.data.state === 'done') throw new SessionError('the session is closed', 'la session est close');
    if (this.data.state === 'verify')
      throw new SessionError(
        'verify the repair already made first',
        'vérifiez d’abord la réparation déjà faite',
      );
    const missing = this.repairSafety(cause.id);
    if (missing.length && !options.allowUnsafe)
      throw new SafetyPrerequisiteError(cause.id, missing, 'repair');
    const probability =
      cause.id === this.data.pendingRepair && this.data.pendingConfidence !== undefined
        ? this.data.pendingConfidence
        : (this.analysis().posteriors.find((p) => p.cause === cause.id)?.probability ?? 0);
    this.data.steps.push({
      kind: 'repair',
      cause: cause.id,
      cost: this.repairCost(cause),
      minutes: Math.round(cause.repair.hours * 60),
      probability: Math.round(probability * 1e4) / 1e4,
    });
    this.data.pendingRepair = undefined;
    this.data.pendingConfidence = undefined;
    this.data.state = 'verify';
  }

  /** Records the road test after the repair (a drive cycle: the monitors run again). */
  /**
   * What the repair awaiting verification calls for before the verification drive (a DPF
   * regeneration after an injector), and the drive it calls for; undefined when it needs nothing
   * beyond the ordinary road test, or when no repair awaits verification.
   */
  followUp(): RepairFollowUp | undefined {
    if (this.data.state !== 'verify') return undefined;
    const last = [...this.data.steps].reverse().find((s) => s.kind === 'repair');
    if (last?.kind !== 'repair') return undefined;
    return this.tree.causes.find((c) => c.id === last.cause)?.repair.after;
  }

  /**
   * Records the follow-up routine run after the repair (a forced DPF regeneration), as the car
   * reported it: done, or refused/aborted with its reason.
   */
  recordFollowUp(run: RoutineRun, options: { simulated?: boolean } = {}): void {
    const routine = this.followUp()?.routine;
    if (!routine)
      throw new SessionError(
        'the repair awaiting verification calls for no routine',
        'la réparation à vérifier ne demande aucune routine',
      );
    this.checkEnergise('follow_up');
    this.data.steps.push({
      kind: 'follow_up',
      routine: { fr: routine.name.fr, en: routine.name.en },
      status: run.status,
      ...(run.reason ? { reason: run.reason } : {}),
      ...(run.sootBeforeG !== undefined ? { sootBeforeG: run.sootBeforeG } : {}),
      ...(run.sootAfterG !== undefined ? { sootAfterG: run.sootAfterG } : {}),
      ...(run.minutes !== undefined ? { minutes: run.minutes } : {}),
      ...(options.simulated ? { simulated: true } : {}),
    });
  }

  /**
   * The verification drive the repair calls for now: the ordinary town road test, or the follow-up's
   * drive (a sustained fast road that lets the DPF burn its soot) unless its routine was done since
   * the repair.
   */
  verificationDrive(defaultMinutes = 20): { road: 'urban' | 'motorway'; minutes: number } {
    const f = this.followUp();
    const routineDone = this.sinceRepair((s) => s.kind === 'follow_up' && s.status === 'done');
    if (!f || routineDone) return { road: 'urban', minutes: defaultMinutes };
    return { road: f.road, minutes: f.minutes };
  }

  recordRoadTest(options: { minutes?: number; simulated?: boolean; road?: 'urban' | 'motorway' } = {}): void {
    if (this.data.state !== 'verify')
      throw inState(
        'the road test comes after a repair, not in state',
        'l’essai routier vient après une réparation, pas dans l’état',
        this.data.state,
      );
    this.checkEnergise('road_test');
    this.data.steps.push({ kind: 'road_test', ...options });
  }

  /**
   * Records that the codes were cleared after the repair (or that the car refused), before the road
   * test: the verification read that follows counts them as cleared.
   */
  recordClear(ok: boolean): void {
    if (this.data.state !== 'verify')
      throw inState(
        'codes are cleared after a repair, not in state',
        'les codes s’effacent après une réparation, pas dans l’état',
        this.data.state,
      );
    this.checkEnergise('clear');
    this.data.steps.push({ kind: 'clear', ok });
  }

  /**
   * Records the 12 V battery charged on a workshop charger after the repair, as the charger showed
   * it (the simulated car's charger, or what the technician read on a real one).
   */
  recordBatteryCharge(charge: Omit<Extract<PathStep, { kind: 'battery_charge' }>, 'kind'>): void {
    if (this.data.state !== 'verify')
      throw inState(
        'the battery is charged after a repair, not in state',
        'la batterie se charge après une réparation, pas dans l’état',
        this.data.state,
      );
    this.data.steps.push({ kind: 'battery_charge', ...charge });
  }

  /**
   * Whether the repair awaiting verification calls for the battery to be charged first and no
   * charge the charger ended has been recorded since it.
   */
  batteryChargeDue(): boolean {
    return (
      !!this.followUp()?.chargeBattery && !this.sinceRepair((s) => s.kind === 'battery_charge' && s.done)
    );
  }

  /** Whether a step of this kind (a successful clear, a road test) came since the last repair. */
  private sinceRepair(match: (s: PathStep) => boolean): boolean {
    for (let i = this.data.steps.length - 1; i >= 0; i--) {
      const s = this.data.steps[i];
      if (s.kind === 'repair') return false;
      if (match(s)) return true;
    }
    return false;
  }

  /** What the verification says about the last repair, and what it still lacks. */
  judgeVerification(result: VerifyResult): {
    result: VerifyOutcome;
    missing: VerifyMissing;
    roadTest: boolean;
  } {
    const roadTest = result.roadTest ?? this.sinceRepair((s) => s.kind === 'road_test');
    const monitors = result.monitors ? monitorsOfTree(this.tree, result.monitors) : undefined;
    const missing: VerifyMissing = {
      roadTest: !roadTest,
      readiness: !monitors && this.tree.monitors.length > 0,
      monitors: monitors ? Object.keys(monitors).filter((m) => monitors[m] === 'incomplete') : [],
    };
    // A charging repair verified on the battery the fault drained: the battery takes what the
    // alternator gives, so a low voltage — and the system-voltage codes it sets — proves nothing
    // until the battery is charged. Nothing is judged before.
    if (this.batteryChargeDue())
      return { result: 'incomplete', missing: { ...missing, batteryCharge: true }, roadTest };
    // A code the tree explains came back: not cured, road test or not.
    if (result.dtcsAfter.some((d) => this.tree.applies.dtcs.includes(d.toUpperCase())))
      return { result: 'not-cured', missing, roadTest };
    // Without a road test the car has not been asked to show the symptom: nothing is proven.
    if (!roadTest) return { result: 'incomplete', missing, roadTest };
    if (!result.symptomGone) return { result: 'not-cured', missing, roadTest };
    if (missing.readiness || missing.monitors.length) return { result: 'incomplete', missing, roadTest };
    return { result: 'cured', missing, roadTest };
  }

  /**
   * Ends the session on the cause just repaired without a verification that proves it, and says so:
   * the car cannot be road-tested and re-read (a recording answers what was recorded), or it leaves
   * the workshop before its monitors ran. Not a failed repair, not a validated one. Refused while
   * the HV system is locked out (`unlockDue`): the car cannot leave the bay locked out, and on a
   * recording the real car still was — its lock-out is lifted and recorded first.
   */
  concludeUnverified(why: Localized): void {
    if (this.data.state !== 'verify')
      throw inState('nothing to conclude in state', 'rien à conclure dans l’état', this.data.state);
    const last = this.data.steps.findLast((s) => s.kind === 'repair');
    if (last?.kind !== 'repair')
      throw new SessionError('no repair to conclude on', 'aucune réparation sur laquelle conclure');
    // The car is handed back (or leaves the bay) on this conclusion: never with its HV system still
    // locked out in the record, whoever lifts it — the lock-out is lifted by the BCL first.
    this.checkEnergise('conclude');
    this.data.conclusion = last.cause;
    this.data.outcome = {
      kind: 'cause',
      cause: last.cause,
      confidence: last.probability ?? 1,
      verified: false,
      unverified: why,
    };
    this.data.state = 'done';
  }

  /**
   * Records the verification read after a repair: cured → conclusion; not cured → the cause is
   * cleared and the diagnosis goes on; incomplete (no road test, readiness not read, monitors not
   * run) → the session stays in verification and says what is missing.
   */
  verify(result: VerifyResult): VerifyOutcome {
    if (this.data.state !== 'verify')
      throw inState('nothing to verify in state', 'rien à vérifier dans l’état', this.data.state);
    this.checkEnergise('verify');
    const judged = this.judgeVerification(result);
    const step: PathStep = {
      kind: 'verify',
      cleared: result.cleared || this.sinceRepair((s) => s.kind === 'clear' && s.ok),
      dtcsAfter: result.dtcsAfter,
      symptomGone: result.symptomGone,
      result: judged.result,
      missing: judged.missing,
      roadTest: judged.roadTest,
    };
    // Only the tree's own monitors say whether this repair has been proven.
    if (result.monitors) step.monitors = monitorsOfTree(this.tree, result.monitors);
    this.data.steps.push(step);
    const last = [...this.data.steps].reverse().find((s) => s.kind === 'repair');
    if (judged.result === 'cured' && last?.kind === 'repair') {
      this.data.conclusion = last.cause;
      this.data.outcome = { kind: 'cause', cause: last.cause, confidence: last.probability ?? 1 };
      this.data.state = 'done';
    } else if (judged.result === 'not-cured') {
      this.data.state = 'diagnose';
      this.settle();
    }
    return judged.result;
  }
}

/** The tree's monitors among those read (a monitor the car does not support is left out). */
export function monitorsOfTree(
  tree: FaultTreeEntry,
  read: Record<string, 'complete' | 'incomplete'>,
): Record<string, 'complete' | 'incomplete'> {
  const out: Record<string, 'complete' | 'incomplete'> = {};
  for (const m of tree.monitors) if (read[m]) out[m] = read[m];
  return out;
}

const pct = (p: number) => `${Math.round(p * 100)} %`;
const euros = (n: number) => `${Math.round(n)} €`;

function inspectionReason(test: WorkshopTest, cause: Cause, i: InspectionOption): Localized {
  return {
    fr: `${test.name.fr} : ${test.minutes} min pour ${euros(i.cost)} ; « ${cause.name.fr} » porte ${pct(i.probability)} de la probabilité restante, le meilleur rapport probabilité/coût.`,
    en: `${test.name.en}: ${test.minutes} min for ${euros(i.cost)}; "${cause.name.en}" holds ${pct(i.probability)} of the remaining probability, the best probability-to-cost ratio.`,
  };
}

function observationReason(test: WorkshopTest, o: ObservationOption): Localized {
  return {
    fr: `${test.name.fr} : ${test.minutes} min pour ${euros(test.cost)} ; les causes qu'il vérifie portent ${pct(o.coveredProbability)} de la probabilité restante, et il économise en moyenne ${euros(o.valueOfInformation)} sur la suite.`,
    en: `${test.name.en}: ${test.minutes} min for ${euros(test.cost)}; the causes it checks hold ${pct(o.coveredProbability)} of the remaining probability, and it saves ${euros(o.valueOfInformation)} on average on what follows.`,
  };
}
