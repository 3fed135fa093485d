import { analyse } from './engine.js';
import type { SessionFacts } from './facts.js';
import type { Analysis, Evidence, InspectionOption, ObservationOption } from './infer.js';
import type { Cause, FaultTreeEntry, KnowledgeBase, WorkshopTest } from './kb/types.js';
import type { DiagnosticPath, PathStep, VerifyResult } from './path.js';
import { selectTrees } from './select.js';
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

export interface SessionData {
  version: 1;
  treeId: string;
  facts: SessionFacts;
  steps: PathStep[];
  state: SessionState;
  /** The cause found by an inspection and awaiting its repair. */
  pendingRepair?: string;
  conclusion?: string;
  costModel: CostModel;
}

export class SessionError extends Error {
  override name = 'SessionError';
}

/** A test was asked for before its safety prerequisites were recorded. */
export class SafetyPrerequisiteError extends SessionError {
  override name = 'SafetyPrerequisiteError';
  constructor(
    readonly test: string,
    readonly missing: string[],
  ) {
    super(`test ${test} needs ${missing.join(', ')} first`);
  }
}

/** Below this posterior a cause is not worth an inspection: the tree is exhausted. */
const NEGLIGIBLE = 1e-3;
/** A cause a bad test points at and that holds this much of the probability is taken as found. */
const CONFIDENT = 0.75;

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
      if (!tree) throw new SessionError(`unknown fault tree "${options.treeId}"`);
    } else {
      tree = selectTrees(kb, facts)[0]?.tree;
      if (!tree)
        throw new SessionError(
          `no fault tree applies to ${facts.dtcs.join(', ') || 'this complaint'} on a ${facts.vehicle} vehicle`,
        );
    }
    const steps: PathStep[] = [];
    // What was read before the first test belongs to the path: confirming the complaint.
    if (facts.dtcs.length || facts.dtcMemories) steps.push({ kind: 'read', what: 'dtc' });
    if (facts.freezeFrame) steps.push({ kind: 'read', what: 'freeze_frame' });
    if (facts.readiness) steps.push({ kind: 'read', what: 'readiness' });
    if (facts.live) steps.push({ kind: 'read', what: 'live' });
    if (facts.complaint) steps.push({ kind: 'read', what: 'complaint' });
    return new GuidedSession(kb, tree, {
      version: 1,
      treeId: tree.id,
      facts,
      steps,
      state: 'diagnose',
      costModel: options.costModel ?? DEFAULT_COST_MODEL,
    });
  }

  static fromJSON(kb: KnowledgeBase, data: SessionData): GuidedSession {
    if (data?.version !== 1) throw new SessionError('unsupported session data version');
    const tree = kb.trees.find((t) => t.id === data.treeId);
    if (!tree) throw new SessionError(`unknown fault tree "${data.treeId}"`);
    return new GuidedSession(kb, tree, structuredClone(data));
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
      if (s.kind === 'test') findings.push({ test: s.id, outcome: s.outcome });
      if (s.kind === 'repair') lastRepair = s.cause;
      if (s.kind === 'verify' && !s.symptomGone && lastRepair) cleared.push(lastRepair);
    }
    return { symptom: true, findings, cleared, signs: this.signs() };
  }

  analysis(): Analysis {
    const done = new Set(this.data.steps.flatMap((s) => (s.kind === 'test' ? [s.id] : [])));
    return analyse(this.kb, this.tree, this.evidence(), {
      exclude: done,
      repairCost: (c) => this.repairCost(c),
    });
  }

  repairCost(cause: Cause): number {
    return Math.round((cause.repair.hours * this.data.costModel.labourRate + cause.repair.parts) * 100) / 100;
  }

  private safetyDone(): Set<string> {
    return new Set(this.data.steps.flatMap((s) => (s.kind === 'safety' ? [s.id] : [])));
  }

  /** The next step worth doing, or undefined when the session is not diagnosing or nothing is left. */
  next(): Recommendation | undefined {
    if (this.data.state !== 'diagnose') return undefined;
    const a = this.analysis();
    const safetyDone = this.safetyDone();
    const bestInspection = a.inspections.find((i) => i.probability > NEGLIGIBLE);
    const bestObservation = a.observations.find((o) => o.valueOfInformation > 0);
    if (bestObservation) {
      const test = this.kb.tests.get(bestObservation.test)!;
      return {
        kind: 'observation',
        test,
        valueOfInformation: bestObservation.valueOfInformation,
        cost: test.cost,
        safety: test.safety.filter((s) => !safetyDone.has(s)),
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
      safety: test.safety.filter((s) => !safetyDone.has(s)),
      reason: inspectionReason(test, cause, bestInspection),
      ranking: a.inspections,
    };
  }

  recordSafety(id: string): void {
    this.data.steps.push({ kind: 'safety', id });
  }

  /** Records a test's outcome. An inspection that finds its cause moves the session to the repair. */
  record(testId: string, outcome: 'good' | 'bad', options: { allowUnsafe?: boolean } = {}): void {
    if (this.data.state !== 'diagnose')
      throw new SessionError(`cannot record a test while in state ${this.data.state}`);
    const test = this.kb.tests.get(testId);
    if (!test) throw new SessionError(`unknown test "${testId}"`);
    const missing = test.safety.filter((s) => !this.safetyDone().has(s));
    if (missing.length && !options.allowUnsafe) throw new SafetyPrerequisiteError(testId, missing);
    this.data.steps.push({ kind: 'test', id: testId, outcome, cost: test.cost, minutes: test.minutes });
    this.settle();
  }

  /**
   * Moves on once the evidence is strong enough: a cause that a bad test points at and that now
   * holds most of the probability goes to repair; when no test is left, the most probable cause is
   * repaired (the best a workshop can do); when nothing is plausible any more, the session closes.
   */
  private settle(): void {
    // Every cause repaired in vain: the tree has nothing left to explain the symptom. The session
    // closes without a conclusion (escalate: another tree, the maker's documentation).
    const cleared = new Set(this.evidence().cleared);
    if (this.tree.causes.every((c) => cleared.has(c.id))) {
      this.data.state = 'done';
      return;
    }
    const post = this.analysis().posteriors;
    const top = post[0];
    const pointedAt = (cause: string) =>
      this.data.steps.some(
        (s) => s.kind === 'test' && s.outcome === 'bad' && this.kb.tests.get(s.id)?.checks[cause],
      );
    if (top && top.probability >= CONFIDENT && pointedAt(top.cause)) {
      this.data.pendingRepair = top.cause;
      this.data.state = 'repair';
    } else if (!this.next()) {
      if (top && top.probability > NEGLIGIBLE) {
        this.data.pendingRepair = top.cause;
        this.data.state = 'repair';
      } else this.data.state = 'done';
    }
  }

  /** Records the repair of a cause (the pending one by default). */
  repair(causeId = this.data.pendingRepair): void {
    const cause = this.tree.causes.find((c) => c.id === causeId);
    if (!cause) throw new SessionError(`unknown cause "${causeId}" in tree ${this.tree.id}`);
    if (this.data.state === 'done') throw new SessionError('the session is closed');
    this.data.steps.push({
      kind: 'repair',
      cause: cause.id,
      cost: this.repairCost(cause),
      minutes: Math.round(cause.repair.hours * 60),
    });
    this.data.pendingRepair = undefined;
    this.data.state = 'verify';
  }

  /**
   * Records that the codes were cleared after the repair (or that the car refused), before the road
   * test: the verification read that follows counts them as cleared.
   */
  recordClear(ok: boolean): void {
    if (this.data.state !== 'verify')
      throw new SessionError(`codes are cleared after a repair, not in state ${this.data.state}`);
    this.data.steps.push({ kind: 'clear', ok });
  }

  /** Whether a clear since the last repair went through. */
  private clearedSinceRepair(): boolean {
    for (let i = this.data.steps.length - 1; i >= 0; i--) {
      const s = this.data.steps[i];
      if (s.kind === 'repair') return false;
      if (s.kind === 'clear' && s.ok) return true;
    }
    return false;
  }

  /** Records the verification read after a repair: cured → conclusion; not cured → back to diagnosis. */
  verify(result: VerifyResult): void {
    if (this.data.state !== 'verify') throw new SessionError(`nothing to verify in state ${this.data.state}`);
    const step: PathStep = {
      kind: 'verify',
      cleared: result.cleared || this.clearedSinceRepair(),
      dtcsAfter: result.dtcsAfter,
      symptomGone: result.symptomGone,
    };
    // Only the tree's own monitors say whether this repair has been proven.
    if (result.monitors) step.monitors = monitorsOfTree(this.tree, result.monitors);
    this.data.steps.push(step);
    const last = [...this.data.steps].reverse().find((s) => s.kind === 'repair');
    if (result.symptomGone && last?.kind === 'repair') {
      this.data.conclusion = last.cause;
      this.data.state = 'done';
      return;
    }
    this.data.state = 'diagnose';
    this.settle();
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
