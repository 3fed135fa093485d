import { type Bdd, FALSE, type Node, TRUE } from './bdd.js';
import { type Compiled, type CompileOptions, compile } from './compile.js';
import { ftReason } from './error-texts.js';
import { EvidenceError, ModelError } from './errors.js';
import type { Model } from './model.js';
import { isModular } from './modular.js';

/** A test whose result is imperfect: positive with probability `sensitivity` when the target is true. */
export interface NoisyTest {
  name: string;
  /** gate or basic event the test looks at */
  target: string;
  sensitivity: number;
  specificity: number;
  cost?: number;
}

/** A finding caused by several events (noisy-OR): each present cause shows it with its strength; `leak` covers the rest. */
export interface Finding {
  name: string;
  causes: { event: string; strength: number }[];
  leak?: number;
  cost?: number;
}

export interface Posterior {
  event: string;
  prior: number;
  posterior: number;
}

/** One step of an inspect-then-repair plan, with the numbers that place it there. */
export interface RepairStep {
  event: string;
  posterior: number;
  /** probability under the single-fault assumption (posteriors renormalised over candidates) */
  probability: number;
  cost: number;
  /** probability / cost: the P-over-C rule orders by it, highest first */
  ratio: number;
  /** probability that the fault is still unfound when this step starts */
  reached: number;
}

export interface RepairPlan {
  steps: RepairStep[];
  /** Σ cost × P(step reached) */
  expectedCost: number;
}

export interface ObservationValue {
  name: string;
  cost: number;
  outcomes: { value: boolean; probability: number; expectedRepairCost: number; entropy: number }[];
  expectedRepairCostNow: number;
  expectedRepairCostAfter: number;
  /** myopic value of information: cost of repair saved minus the test's cost */
  value: number;
  entropyNow: number;
  entropyAfter: number;
  /** bits of uncertainty removed per unit of cost */
  entropyGainPerCost: number;
}

export type Ranking = 'value' | 'entropy';

/**
 * Probabilistic diagnosis on a fault tree: set evidence on gates, basic events, noisy tests and
 * findings; get exact posteriors of every basic event (one BDD pass), a P-over-C repair plan, and
 * observations ranked by value of information or entropy reduction per cost.
 */
export class Diagnosis {
  readonly compiled: Compiled;
  private bdd: Bdd;
  private probabilities: number[];
  private evidence = new Map<string, boolean>();
  private tests = new Map<string, { node: Node; def: NoisyTest | Finding }>();

  constructor(model: Model | Compiled, options: CompileOptions = {}) {
    // Observing a gate needs its node over the events themselves, and posteriors need every
    // event in one BDD: a modular compilation has neither, so diagnosis compiles monolithically.
    if (isModular(model)) throw new ModelError(ftReason('diagnosis-one-bdd'));
    this.compiled = 'bdd' in model ? model : compile(model, { all: true, ...options });
    this.bdd = this.compiled.bdd;
    this.probabilities = Array.from(this.compiled.probabilities);
  }

  get top(): string {
    return this.compiled.top;
  }

  /** Basic events in the model (the candidate causes). */
  get events(): string[] {
    return this.compiled.variables.slice();
  }

  private auxVariable(p: number, what: string, whatFr: string): number {
    if (!(p >= 0 && p <= 1)) throw new EvidenceError(ftReason('evidence-range', { what, whatFr, p }));
    this.probabilities.push(p);
    return this.probabilities.length - 1;
  }

  /** The BDD of a gate, a basic event, a test or a finding. */
  nodeOf(name: string): Node {
    const t = this.tests.get(name);
    if (t) return t.node;
    const g = this.compiled.gates.get(name);
    if (g !== undefined) return g;
    const v = this.compiled.index.get(name);
    if (v !== undefined) return this.bdd.variable(v);
    throw new EvidenceError(ftReason('unknown-event', { name, top: this.compiled.top }));
  }

  /**
   * Defines a noisy test as an auxiliary node: result = (target ∧ a) ∨ (¬target ∧ b) with
   * P(a) = sensitivity and P(b) = 1 − specificity, so noisy evidence stays exact in the BDD.
   */
  addTest(test: NoisyTest): this {
    if (this.tests.has(test.name) || this.compiled.gates.has(test.name) || this.compiled.index.has(test.name))
      throw new EvidenceError(`'${test.name}' is already defined`);
    const target = this.nodeOf(test.target);
    const a = this.auxVariable(
      test.sensitivity,
      `sensitivity of ${test.name}`,
      `la sensibilité de ${test.name}`,
    );
    const b = this.auxVariable(
      1 - test.specificity,
      `1 − specificity of ${test.name}`,
      `1 − la spécificité de ${test.name}`,
    );
    const node = this.bdd.ite(target, this.bdd.variable(a), this.bdd.variable(b));
    this.tests.set(test.name, { node, def: test });
    return this;
  }

  /** Defines a noisy-OR finding: present = leak ∨ ⋁ (cause_i ∧ s_i) with P(s_i) = strength_i. */
  addFinding(finding: Finding): this {
    if (
      this.tests.has(finding.name) ||
      this.compiled.gates.has(finding.name) ||
      this.compiled.index.has(finding.name)
    )
      throw new EvidenceError(ftReason('already-defined', { name: finding.name }));
    let node = finding.leak
      ? this.bdd.variable(
          this.auxVariable(finding.leak, `leak of ${finding.name}`, `la fuite de ${finding.name}`),
        )
      : FALSE;
    for (const c of finding.causes) {
      const s = this.bdd.variable(
        this.auxVariable(
          c.strength,
          `strength of ${c.event} in ${finding.name}`,
          `la force de ${c.event} dans ${finding.name}`,
        ),
      );
      node = this.bdd.or(node, this.bdd.and(this.nodeOf(c.event), s));
    }
    this.tests.set(finding.name, { node, def: finding });
    return this;
  }

  /** Records an observation: a gate or the top true/false, a basic event faulty (true) or OK (false), a test positive or not. */
  observe(name: string, value: boolean): this {
    this.nodeOf(name);
    this.evidence.set(name, value);
    return this;
  }

  forget(name: string): this {
    this.evidence.delete(name);
    return this;
  }

  get observations(): ReadonlyMap<string, boolean> {
    return this.evidence;
  }

  private evidenceNode(extra?: [string, boolean]): Node {
    const parts: Node[] = [];
    const add = (name: string, value: boolean) => {
      const n = this.nodeOf(name);
      parts.push(value ? n : this.bdd.not(n));
    };
    for (const [k, v] of this.evidence) add(k, v);
    if (extra) add(...extra);
    let e: Node = TRUE;
    for (const p of parts) e = this.bdd.and(e, p);
    return e;
  }

  /** P(evidence). */
  evidenceProbability(): number {
    return this.bdd.probability(this.evidenceNode(), this.probabilities);
  }

  private posteriorArray(e: Node): { pe: number; post: Float64Array } {
    const { probability: pe, derivative } = this.bdd.derivatives(
      e,
      this.probabilities,
      this.probabilities.length,
    );
    const n = this.compiled.variables.length;
    const post = new Float64Array(n);
    if (pe <= 0) return { pe, post };
    for (let v = 0; v < n; v++) {
      const p = this.probabilities[v];
      // P(x | E) = p · P(E | x) / P(E), with P(E | x) = P(E) + (1 − p) · ∂P(E)/∂p
      post[v] = Math.min(1, Math.max(0, (p * (pe + (1 - p) * derivative[v])) / pe));
    }
    return { pe, post };
  }

  /** Posterior of every basic event given the evidence, exactly. */
  posteriors(): Posterior[] {
    const { pe, post } = this.posteriorArray(this.evidenceNode());
    if (pe <= 0) throw new EvidenceError(ftReason('impossible-evidence'));
    return this.compiled.variables.map((event, v) => ({
      event,
      prior: this.probabilities[v],
      posterior: post[v],
    }));
  }

  /** Posterior probability that a gate (or test, or event) is true given the evidence. */
  probabilityOf(name: string): number {
    const e = this.evidenceNode();
    const pe = this.bdd.probability(e, this.probabilities);
    if (pe <= 0) throw new EvidenceError(ftReason('impossible-evidence'));
    return this.bdd.probability(this.bdd.and(e, this.nodeOf(name)), this.probabilities) / pe;
  }

  /**
   * Inspect-then-repair plan by the P-over-C rule. Under the single-fault assumption (the
   * candidates' posteriors renormalised to sum to one), ordering by probability/cost minimises
   * the expected cost of finding the fault.
   */
  repairPlan(costs: Readonly<Record<string, number>>, candidates?: string[]): RepairPlan {
    return planFrom(this.posteriorsOf(this.evidenceNode(), candidates ?? Object.keys(costs)), costs);
  }

  private posteriorsOf(e: Node, candidates: string[]): Map<string, number> {
    const { pe, post } = this.posteriorArray(e);
    if (pe <= 0) throw new EvidenceError(ftReason('impossible-evidence'));
    const out = new Map<string, number>();
    for (const c of candidates) {
      const v = this.compiled.index.get(c);
      if (v === undefined)
        throw new EvidenceError(ftReason('not-a-basic-event-of', { name: c, top: this.compiled.top }));
      out.set(c, post[v]);
    }
    return out;
  }

  /**
   * Ranks observations (gates, basic events, tests, findings, each with a cost) by myopic value of
   * information — expected repair cost now, minus its expectation after seeing the result, minus
   * the observation's cost — or by entropy removed per unit cost. Already observed names are skipped.
   */
  rankObservations(
    observations: { name: string; cost: number }[],
    repairCosts: Readonly<Record<string, number>>,
    by: Ranking = 'value',
  ): ObservationValue[] {
    const candidates = Object.keys(repairCosts);
    const e = this.evidenceNode();
    const pe = this.bdd.probability(e, this.probabilities);
    if (pe <= 0) throw new EvidenceError(ftReason('impossible-evidence'));
    const now = planFrom(this.posteriorsOf(e, candidates), repairCosts);
    const hNow = entropy(now.steps.map((s) => s.probability));
    const out: ObservationValue[] = [];
    for (const o of observations) {
      if (this.evidence.has(o.name)) continue;
      const node = this.nodeOf(o.name);
      const outcomes: ObservationValue['outcomes'] = [];
      for (const value of [true, false]) {
        const eo = this.bdd.and(e, value ? node : this.bdd.not(node));
        const p = this.bdd.probability(eo, this.probabilities) / pe;
        if (p <= 1e-15) {
          outcomes.push({ value, probability: 0, expectedRepairCost: 0, entropy: 0 });
          continue;
        }
        const plan = planFrom(this.posteriorsOf(eo, candidates), repairCosts);
        outcomes.push({
          value,
          probability: p,
          expectedRepairCost: plan.expectedCost,
          entropy: entropy(plan.steps.map((s) => s.probability)),
        });
      }
      const after = outcomes.reduce((a, x) => a + x.probability * x.expectedRepairCost, 0);
      const hAfter = outcomes.reduce((a, x) => a + x.probability * x.entropy, 0);
      out.push({
        name: o.name,
        cost: o.cost,
        outcomes,
        expectedRepairCostNow: now.expectedCost,
        expectedRepairCostAfter: after,
        value: now.expectedCost - after - o.cost,
        entropyNow: hNow,
        entropyAfter: hAfter,
        entropyGainPerCost: o.cost > 0 ? (hNow - hAfter) / o.cost : hNow - hAfter > 0 ? Number.MAX_VALUE : 0,
      });
    }
    const key =
      by === 'value' ? (x: ObservationValue) => x.value : (x: ObservationValue) => x.entropyGainPerCost;
    return out.sort((a, b) => key(b) - key(a) || a.cost - b.cost || a.name.localeCompare(b.name));
  }
}

/** Shannon entropy in bits of a distribution. */
export function entropy(ps: number[]): number {
  let h = 0;
  for (const p of ps) if (p > 0) h -= p * Math.log2(p);
  return h;
}

/** Expected cost of inspecting in this order until the (single) fault is found. */
export function expectedSequenceCost(order: { probability: number; cost: number }[]): number {
  let unfound = 1;
  let total = 0;
  for (const s of order) {
    total += s.cost * Math.max(0, unfound);
    unfound -= s.probability;
  }
  return total;
}

/** The P-over-C plan from posteriors and costs. */
export function planFrom(
  posteriors: ReadonlyMap<string, number>,
  costs: Readonly<Record<string, number>>,
): RepairPlan {
  let sum = 0;
  for (const p of posteriors.values()) sum += p;
  const steps: RepairStep[] = [];
  for (const [event, posterior] of posteriors) {
    const cost = costs[event];
    if (!(cost > 0)) throw new EvidenceError(ftReason('inspection-cost', { event, cost }));
    const probability = sum > 0 ? posterior / sum : 1 / posteriors.size;
    steps.push({ event, posterior, probability, cost, ratio: probability / cost, reached: 0 });
  }
  steps.sort((a, b) => b.ratio - a.ratio || a.cost - b.cost || a.event.localeCompare(b.event));
  let unfound = 1;
  let expectedCost = 0;
  for (const s of steps) {
    s.reached = Math.max(0, unfound);
    expectedCost += s.cost * s.reached;
    unfound -= s.probability;
  }
  return { steps, expectedCost };
}
