import type { Cause, FaultTreeEntry, KnowledgeBase, TestCheck, WorkshopTest } from './kb/types.js';
import { type SignReading, signLikelihood } from './signs.js';

/**
 * How the tree's symptom is known: `confirmed` when a code the tree explains was read from the car;
 * `reported` when only the customer's words name it (a noisy observation: customers describe a
 * symptom the car may not have, and a word may belong to another story); `unconfirmed` when neither
 * (the tree was chosen from what the live data or the freeze frame show, or by hand): the signs
 * alone speak, and "nothing wrong in this tree" keeps its prior.
 */
export type SymptomEvidence = 'confirmed' | 'reported' | 'unconfirmed';

/**
 * The complaint as evidence of the symptom: P(the customer's words name it | symptom present) and
 * P(… | symptom absent). A word is a report, not a finding: it multiplies the odds of the symptom by
 * 4.5, which a clean reading of the car can outweigh.
 */
export const COMPLAINT_LIKELIHOOD = { ifSymptom: 0.9, ifNone: 0.2 } as const;

/** A test outcome: good or bad, read with full certainty unless a measurement near its threshold says otherwise. */
export interface TestFinding {
  test: string;
  outcome: 'good' | 'bad';
  /** From 0.5 (no better than a coin) to 1 (default): a measurement close to a threshold counts less. */
  certainty?: number;
}

/**
 * What the session knows, in terms of the tree: the symptom, the signs read from the car and the
 * complaint, test outcomes, causes repaired in vain.
 */
export interface Evidence {
  symptom: SymptomEvidence;
  findings: TestFinding[];
  /** Causes repaired without curing the symptom: known absent now. */
  cleared: string[];
  /** Signs read on the session's facts; those that count are evidence. */
  signs?: SignReading[];
}

/** How a sign moves each cause: P(reading | that cause alone) / P(reading | none of them). */
export interface SignEffect {
  reading: SignReading;
  /** Likelihood ratio per cause the sign checks; above 1 the cause gains, below 1 it loses. */
  ratios: Record<string, number>;
}

export interface CausePosterior {
  cause: string;
  probability: number;
}

/** An inspect-then-repair action: inspect the part, repair it if found faulty. */
export interface InspectionOption {
  cause: string;
  test: string;
  probability: number;
  /** Inspection cost, euros. */
  cost: number;
  /** probability ÷ cost: the P-over-C rule orders inspections by it, best first. */
  ratio: number;
}

export interface ObservationOption {
  test: string;
  cost: number;
  /** Probability the observation comes out bad. */
  pBad: number;
  /** Expected cost of the inspect-then-repair sequence saved by observing first, minus the observation's cost. */
  valueOfInformation: number;
  /** Share of the remaining probability held by the causes it checks. */
  coveredProbability: number;
  /** Expected entropy reduction of the cause distribution (bits) per euro. */
  entropyGainPerCost: number;
}

/** Evidence that pulls one cause both ways: reported, not averaged away. */
export interface Contradiction {
  cause: string;
  /** Signs (`sign:ID`) and tests (`test:ID`) that make the cause more likely, with their ratio. */
  for: { source: string; ratio: number }[];
  /** Those that make it less likely. */
  against: { source: string; ratio: number }[];
}

export interface Analysis {
  /** The tree's causes, most probable first. */
  posteriors: CausePosterior[];
  /** Probability of a cause outside this tree (the `unexplained` event). */
  unexplained: number;
  /** Probability that some cause of this tree is present. */
  inTree: number;
  /** Probability that the tree's symptom is present at all (1 when a code confirmed it). */
  symptom: number;
  /** Causes that strong evidence pulls both ways (ratio ≥ 3 one way and ≤ 1/3 the other). */
  contradictions: Contradiction[];
  /** The signs that count as evidence, with how they move each cause. */
  signs: SignEffect[];
  inspections: InspectionOption[];
  observations: ObservationOption[];
  /** Expected cost of finishing by inspections in P-over-C order, repairs included. */
  expectedCost: number;
}

export interface AnalyseOptions {
  /** Tests already done: not proposed again. */
  exclude?: Set<string>;
  repairCost: (cause: Cause) => number;
}

/** The parameters of a test (or a sign) as a noisy-OR finding over the tree's causes. */
export function findingOf(
  test: { checks: Record<string, TestCheck> },
  causes: string[],
): { links: Record<string, number>; leak: number } {
  const relevant = causes.filter((c) => test.checks[c]);
  // The false-alarm rate is the one the least specific check admits; each cause then adds its own
  // strength so that P(bad | only that cause) equals its sensitivity.
  const leak = relevant.length ? 1 - Math.min(...relevant.map((c) => test.checks[c].specificity)) : 0;
  const links: Record<string, number> = {};
  for (const c of relevant) {
    const sens = test.checks[c].sensitivity;
    links[c] = Math.min(1, Math.max(0, 1 - (1 - sens) / (1 - leak)));
  }
  return { links, leak };
}

export function treeCauseIds(tree: FaultTreeEntry): string[] {
  return tree.causes.map((c) => c.id);
}

/** The tests a tree proposes: each cause's inspection and the observations that check one of its causes. */
export function testsOf(kb: KnowledgeBase, tree: FaultTreeEntry): WorkshopTest[] {
  const ids = new Set([...tree.causes.map((c) => c.inspect), ...tree.observations]);
  return [...ids].map((id) => kb.tests.get(id)!).filter((t) => t && tree.causes.some((c) => t.checks[c.id]));
}

/** The likelihoods of a test outcome as virtual evidence on its finding, as a sign's are. */
export function findingLikelihood(f: TestFinding): { ifPresent: number; ifAbsent: number } {
  const c = f.certainty ?? 1;
  return f.outcome === 'bad' ? { ifPresent: c, ifAbsent: 1 - c } : { ifPresent: 1 - c, ifAbsent: c };
}

/** P(outcome | that cause alone) / P(outcome | no cause) for each cause a finding checks. */
export function likelihoodRatios(
  f: { links: Record<string, number>; leak: number },
  l: { ifPresent: number; ifAbsent: number },
): Record<string, number> {
  const given = (p: number) => p * l.ifPresent + (1 - p) * l.ifAbsent;
  const none = given(f.leak);
  const ratios: Record<string, number> = {};
  for (const [c, link] of Object.entries(f.links)) {
    const alone = 1 - (1 - f.leak) * (1 - link);
    ratios[c] = none > 0 ? given(alone) / none : Number.POSITIVE_INFINITY;
  }
  return ratios;
}

/** How far apart two pieces of evidence must pull a cause to be reported as contradicting each other. */
export const CONTRADICTION_RATIO = 3;

/**
 * Causes pulled both ways by strong evidence: a sign or a test that makes a cause three times more
 * likely, and another that makes it three times less likely. The posterior weighs them, and the
 * apprentice is told: a contradiction often means a reading to redo or a second fault.
 */
export function contradictions(
  kb: KnowledgeBase,
  effects: SignEffect[],
  findings: readonly TestFinding[],
  causes: string[],
): Contradiction[] {
  const pulls: { source: string; ratios: Record<string, number> }[] = effects.map((e) => ({
    source: `sign:${e.reading.sign.id}`,
    ratios: e.ratios,
  }));
  for (const f of findings) {
    const test = kb.tests.get(f.test);
    if (test)
      pulls.push({
        source: `test:${f.test}`,
        ratios: likelihoodRatios(findingOf(test, causes), findingLikelihood(f)),
      });
  }
  const out: Contradiction[] = [];
  for (const cause of causes) {
    const pro = pulls.flatMap((p) =>
      (p.ratios[cause] ?? 1) >= CONTRADICTION_RATIO ? [{ source: p.source, ratio: p.ratios[cause]! }] : [],
    );
    const con = pulls.flatMap((p) =>
      (p.ratios[cause] ?? 1) <= 1 / CONTRADICTION_RATIO
        ? [{ source: p.source, ratio: p.ratios[cause]! }]
        : [],
    );
    if (pro.length && con.length) out.push({ cause, for: pro, against: con });
  }
  return out;
}

/** The effect of each counting sign on the causes it checks, as likelihood ratios. */
export function signEffects(signs: SignReading[], causes: string[]): SignEffect[] {
  return signs
    .filter((r) => r.counts)
    .map((reading) => ({
      reading,
      ratios: likelihoodRatios(findingOf(reading.sign, causes), signLikelihood(reading)),
    }));
}

/** The cause a sign moves most (furthest from a ratio of 1, either way), for showing beside the sign. */
export function strongestEffect(effect: SignEffect): { cause: string; ratio: number } | undefined {
  let best: { cause: string; ratio: number } | undefined;
  for (const [cause, ratio] of Object.entries(effect.ratios))
    if (!best || Math.abs(Math.log(ratio)) > Math.abs(Math.log(best.ratio))) best = { cause, ratio };
  return best;
}
