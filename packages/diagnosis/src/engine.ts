import { Diagnosis } from '@atelier/fault-tree';
import type { AnalyseOptions, Analysis, Evidence, InspectionOption, ObservationOption } from './infer.js';
import { findingOf, testsOf } from './infer.js';
import type { FaultTreeEntry, KnowledgeBase } from './kb/types.js';
import { topName, treeToModel } from './model.js';

interface Finding {
  links: Record<string, number>;
  leak: number;
}

/** A joint distribution over which causes are present, as weights over bit masks. */
type Joint = Float64Array;

function pBad(mask: number, causes: string[], f: Finding): number {
  let good = 1 - f.leak;
  for (let i = 0; i < causes.length; i++) if (mask & (1 << i)) good *= 1 - (f.links[causes[i]] ?? 0);
  return 1 - good;
}

function normalise(w: Joint): number {
  let z = 0;
  for (const x of w) z += x;
  if (z > 0) for (let i = 0; i < w.length; i++) w[i] /= z;
  return z;
}

function condition(w: Joint, causes: string[], f: Finding, outcome: 'good' | 'bad'): Joint {
  const out = new Float64Array(w.length);
  for (let m = 0; m < w.length; m++) {
    if (w[m] === 0) continue;
    const pb = pBad(m, causes, f);
    out[m] = w[m] * (outcome === 'bad' ? pb : 1 - pb);
  }
  return out;
}

function marginals(w: Joint, n: number): number[] {
  const p = new Array(n).fill(0);
  for (let m = 0; m < w.length; m++) if (w[m]) for (let i = 0; i < n; i++) if (m & (1 << i)) p[i] += w[m];
  return p;
}

/**
 * Expected cost of inspecting causes in P-over-C order and repairing the first one found, under the
 * joint distribution `w` (normalised). Inspections are taken as conclusive for planning, as in the
 * classic troubleshooting model; their real sensitivity enters through the posterior.
 */
function sequenceCost(w: Joint, order: number[], inspectCost: number[], repairCost: number[]): number {
  let total = 0;
  for (let m = 0; m < w.length; m++) {
    if (w[m] === 0) continue;
    let c = 0;
    for (const i of order) {
      c += inspectCost[i];
      if (m & (1 << i)) {
        c += repairCost[i];
        break;
      }
    }
    total += w[m] * c;
  }
  return total;
}

function pOverCOrder(p: number[], inspectCost: number[], available: boolean[]): number[] {
  return p
    .map((_, i) => i)
    .filter((i) => available[i])
    .sort((a, b) => p[b] / inspectCost[b] - p[a] / inspectCost[a] || a - b);
}

/** Posterior over cause sets given the evidence, by exact enumeration (trees hold a handful of causes). */
export function jointPosterior(
  kb: KnowledgeBase,
  tree: FaultTreeEntry,
  evidence: Evidence,
): { causes: string[]; joint: Joint } {
  const causes = tree.causes.map((c) => c.id);
  const n = causes.length;
  if (n > 20) throw new Error(`tree ${tree.id} has ${n} causes: too many to enumerate`);
  const cleared = new Set(evidence.cleared);
  let w: Joint = new Float64Array(1 << n);
  for (let m = 0; m < w.length; m++) {
    let p = 1;
    for (let i = 0; i < n; i++) {
      const present = (m & (1 << i)) !== 0;
      if (present && cleared.has(causes[i])) {
        p = 0;
        break;
      }
      const prior = tree.causes[i].prior;
      p *= present ? prior : 1 - prior;
    }
    // The symptom is the top event OR(causes): present means at least one cause is.
    if (evidence.symptom && m === 0) p = 0;
    w[m] = p;
  }
  for (const f of evidence.findings) {
    const test = kb.tests.get(f.test);
    if (!test) throw new Error(`unknown test "${f.test}"`);
    w = condition(w, causes, findingOf(test, causes), f.outcome);
  }
  if (normalise(w) === 0) throw new Error(`evidence on tree ${tree.id} is contradictory`);
  return { causes, joint: w };
}

/**
 * Ranks causes and next steps through the fault-tree engine: the tree becomes a model (causes as
 * basic events, the symptom as their OR), every test a noisy-OR finding, and the engine gives exact
 * posteriors through its BDD, the P-over-C inspection plan and the value of each observation.
 */
export function analyse(
  kb: KnowledgeBase,
  tree: FaultTreeEntry,
  evidence: Evidence,
  options: AnalyseOptions,
): Analysis {
  const causes = tree.causes.map((c) => c.id);
  const exclude = options.exclude ?? new Set<string>();
  const d = new Diagnosis(treeToModel(tree));
  const findingName = (testId: string) => `test:${testId}`;
  const defined = new Set<string>();
  const define = (testId: string) => {
    if (defined.has(testId)) return;
    const test = kb.tests.get(testId);
    if (!test) throw new Error(`unknown test "${testId}"`);
    const f = findingOf(test, causes);
    d.addFinding({
      name: findingName(testId),
      causes: Object.entries(f.links).map(([event, strength]) => ({ event, strength })),
      leak: f.leak,
    });
    defined.add(testId);
  };
  if (evidence.symptom) d.observe(topName(tree), true);
  for (const c of evidence.cleared) d.observe(c, false);
  for (const f of evidence.findings) {
    define(f.test);
    d.observe(findingName(f.test), f.outcome === 'bad');
  }
  const post = new Map(d.posteriors().map((p) => [p.event, p.posterior]));
  const cleared = new Set(evidence.cleared);
  const inspectCost: Record<string, number> = {};
  for (const c of tree.causes)
    if (!exclude.has(c.inspect) && !cleared.has(c.id)) inspectCost[c.id] = kb.tests.get(c.inspect)!.cost;
  const plan = Object.keys(inspectCost).length ? d.repairPlan(inspectCost) : { steps: [], expectedCost: 0 };
  const inspections: InspectionOption[] = plan.steps.map((s) => ({
    cause: s.event,
    test: tree.causes.find((c) => c.id === s.event)!.inspect,
    probability: post.get(s.event) ?? 0,
    cost: s.cost,
    ratio: s.ratio,
  }));
  const candidates = testsOf(kb, tree).filter((t) => t.kind === 'observation' && !exclude.has(t.id));
  for (const t of candidates) define(t.id);
  const ranked = Object.keys(inspectCost).length
    ? d.rankObservations(
        candidates.map((t) => ({ name: findingName(t.id), cost: t.cost })),
        inspectCost,
      )
    : [];
  const observations: ObservationOption[] = ranked.map((o) => {
    const test = kb.tests.get(o.name.slice('test:'.length))!;
    let covered = 0;
    for (const c of causes) if (test.checks[c]) covered += post.get(c) ?? 0;
    return {
      test: test.id,
      cost: o.cost,
      pBad: o.outcomes.find((x) => x.value)?.probability ?? 0,
      valueOfInformation: o.value,
      coveredProbability: Math.min(1, covered),
      entropyGainPerCost: o.entropyGainPerCost,
    };
  });
  let expectedRepair = 0;
  for (const s of plan.steps)
    expectedRepair += s.probability * options.repairCost(tree.causes.find((c) => c.id === s.event)!);
  return {
    posteriors: causes
      .map((c) => ({ cause: c, probability: post.get(c) ?? 0 }))
      .sort((a, b) => b.probability - a.probability),
    inspections,
    observations,
    expectedCost: plan.expectedCost + expectedRepair,
  };
}

function permutations(items: number[]): number[][] {
  if (items.length <= 1) return [items];
  const out: number[][] = [];
  items.forEach((x, i) => {
    for (const rest of permutations([...items.slice(0, i), ...items.slice(i + 1)])) out.push([x, ...rest]);
  });
  return out;
}

/**
 * The inspection order with the lowest expected cost, found by trying every order (trees hold a
 * handful of causes), beside the cost of the P-over-C order: the yardstick for the engine's choices.
 */
export function exhaustiveBestOrder(
  kb: KnowledgeBase,
  tree: FaultTreeEntry,
  evidence: Evidence,
  repairCostOf: AnalyseOptions['repairCost'],
): { best: string[]; bestCost: number; pOverC: string[]; pOverCCost: number } {
  const { causes, joint } = jointPosterior(kb, tree, evidence);
  const inspectCost = tree.causes.map((c) => kb.tests.get(c.inspect)!.cost);
  const repairCost = tree.causes.map((c) => repairCostOf(c));
  const cleared = new Set(evidence.cleared);
  const available = tree.causes.map((c) => !cleared.has(c.id));
  const idx = causes.map((_, i) => i).filter((i) => available[i]);
  let best = idx;
  let bestCost = Number.POSITIVE_INFINITY;
  for (const order of permutations(idx)) {
    const c = sequenceCost(joint, order, inspectCost, repairCost);
    if (c < bestCost - 1e-12) {
      bestCost = c;
      best = order;
    }
  }
  const pc = pOverCOrder(marginals(joint, causes.length), inspectCost, available);
  return {
    best: best.map((i) => causes[i]),
    bestCost,
    pOverC: pc.map((i) => causes[i]),
    pOverCCost: sequenceCost(joint, pc, inspectCost, repairCost),
  };
}
