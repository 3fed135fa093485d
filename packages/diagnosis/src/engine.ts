import { Diagnosis } from '@atelier/fault-tree';
import type { AnalyseOptions, Analysis, Evidence, InspectionOption, ObservationOption } from './infer.js';
import {
  COMPLAINT_LIKELIHOOD,
  contradictions,
  findingLikelihood,
  findingOf,
  signEffects,
  testsOf,
} from './infer.js';
import { UNEXPLAINED } from './kb/load.js';
import type { FaultTreeEntry, KnowledgeBase } from './kb/types.js';
import { inTreeName, topName, treeToModel } from './model.js';
import { signLikelihood } from './signs.js';

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

/**
 * Weighs each cause set by the likelihood of what was seen: P(seen | finding) and P(seen | no
 * finding) — (1, 0) for a bad outcome, (0, 1) for a good one, in between for soft evidence.
 */
function condition(w: Joint, causes: string[], f: Finding, ifPresent: number, ifAbsent: number): Joint {
  const out = new Float64Array(w.length);
  for (let m = 0; m < w.length; m++) {
    if (w[m] === 0) continue;
    const pb = pBad(m, causes, f);
    out[m] = w[m] * (pb * ifPresent + (1 - pb) * ifAbsent);
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

/**
 * Posterior over cause sets given the evidence, by exact enumeration (trees hold a handful of causes).
 * `causes` lists the tree's causes and, last, `unexplained` (a cause outside the tree).
 */
export function jointPosterior(
  kb: KnowledgeBase,
  tree: FaultTreeEntry,
  evidence: Evidence,
): { causes: string[]; joint: Joint } {
  const causes = [...tree.causes.map((c) => c.id), UNEXPLAINED];
  const priors = [...tree.causes.map((c) => c.prior), tree.unexplained];
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
      p *= present ? priors[i] : 1 - priors[i];
    }
    // The symptom is the top event OR(causes, unexplained): confirmed means at least one is present;
    // reported weighs the customer's words as a noisy observation of it.
    if (evidence.symptom === 'confirmed' && m === 0) p = 0;
    if (evidence.symptom === 'reported')
      p *= m === 0 ? COMPLAINT_LIKELIHOOD.ifNone : COMPLAINT_LIKELIHOOD.ifSymptom;
    w[m] = p;
  }
  for (const f of evidence.findings) {
    const test = kb.tests.get(f.test);
    if (!test) throw new Error(`unknown test "${f.test}"`);
    const { ifPresent, ifAbsent } = findingLikelihood(f);
    w = condition(w, causes, findingOf(test, causes), ifPresent, ifAbsent);
  }
  for (const r of evidence.signs ?? []) {
    if (!r.counts) continue;
    const { ifPresent, ifAbsent } = signLikelihood(r);
    w = condition(w, causes, findingOf(r.sign, causes), ifPresent, ifAbsent);
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
  if (evidence.symptom === 'confirmed') d.observe(topName(tree), true);
  else if (evidence.symptom === 'reported') {
    d.addTest({
      name: 'complaint',
      target: topName(tree),
      sensitivity: COMPLAINT_LIKELIHOOD.ifSymptom,
      specificity: 1 - COMPLAINT_LIKELIHOOD.ifNone,
    });
    d.observe('complaint', true);
  }
  // A sign is a noisy-OR finding like a test. Read with full certainty it is observed; read with
  // doubt (near a threshold, a code only pending) it is virtual evidence: a noisy reading of the
  // finding whose likelihoods are the reading's, so the posterior stays exact.
  for (const r of evidence.signs ?? []) {
    if (!r.counts) continue;
    const name = `sign:${r.sign.id}`;
    const f = findingOf(r.sign, causes);
    d.addFinding({
      name,
      causes: Object.entries(f.links).map(([event, strength]) => ({ event, strength })),
      leak: f.leak,
    });
    if (r.certainty >= 1) d.observe(name, r.value === true);
    else {
      const { ifPresent, ifAbsent } = signLikelihood(r);
      d.addTest({
        name: `reading:${r.sign.id}`,
        target: name,
        sensitivity: ifPresent,
        specificity: 1 - ifAbsent,
      });
      d.observe(`reading:${r.sign.id}`, true);
    }
  }
  for (const c of evidence.cleared) d.observe(c, false);
  for (const f of evidence.findings) {
    define(f.test);
    // A measurement near its threshold is a noisy reading of the finding, like a doubtful sign.
    if ((f.certainty ?? 1) >= 1) d.observe(findingName(f.test), f.outcome === 'bad');
    else {
      const { ifPresent, ifAbsent } = findingLikelihood(f);
      const name = `measured:${f.test}`;
      d.addTest({ name, target: findingName(f.test), sensitivity: ifPresent, specificity: 1 - ifAbsent });
      d.observe(name, true);
    }
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
  const effects = signEffects(evidence.signs ?? [], causes);
  return {
    posteriors: causes
      .map((c) => ({ cause: c, probability: post.get(c) ?? 0 }))
      .sort((a, b) => b.probability - a.probability),
    unexplained: post.get(UNEXPLAINED) ?? 0,
    inTree: d.probabilityOf(inTreeName(tree)),
    symptom: evidence.symptom === 'confirmed' ? 1 : d.probabilityOf(topName(tree)),
    contradictions: contradictions(kb, effects, evidence.findings, causes),
    signs: effects,
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
