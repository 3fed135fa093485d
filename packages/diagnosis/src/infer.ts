import type { Cause, FaultTreeEntry, KnowledgeBase, TestCheck, WorkshopTest } from './kb/types.js';
import { type SignReading, signLikelihood } from './signs.js';

/**
 * What the session knows, in terms of the tree: the symptom, the signs read from the car and the
 * complaint, test outcomes, causes repaired in vain.
 */
export interface Evidence {
  symptom: boolean;
  findings: { test: string; outcome: 'good' | 'bad' }[];
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

export interface Analysis {
  posteriors: CausePosterior[];
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

export function testsOf(kb: KnowledgeBase, tree: FaultTreeEntry): WorkshopTest[] {
  const ids = new Set([...tree.causes.map((c) => c.inspect), ...tree.observations]);
  return [...ids].map((id) => kb.tests.get(id)!).filter(Boolean);
}

/** The effect of each counting sign on the causes it checks, as likelihood ratios. */
export function signEffects(signs: SignReading[], causes: string[]): SignEffect[] {
  return signs
    .filter((r) => r.counts)
    .map((reading) => {
      const f = findingOf(reading.sign, causes);
      const { ifPresent, ifAbsent } = signLikelihood(reading);
      const given = (p: number) => p * ifPresent + (1 - p) * ifAbsent;
      const none = given(f.leak);
      const ratios: Record<string, number> = {};
      for (const [c, link] of Object.entries(f.links)) {
        const alone = 1 - (1 - f.leak) * (1 - link);
        ratios[c] = none > 0 ? given(alone) / none : Number.POSITIVE_INFINITY;
      }
      return { reading, ratios };
    });
}

/** The cause a sign moves most (furthest from a ratio of 1, either way), for showing beside the sign. */
export function strongestEffect(effect: SignEffect): { cause: string; ratio: number } | undefined {
  let best: { cause: string; ratio: number } | undefined;
  for (const [cause, ratio] of Object.entries(effect.ratios))
    if (!best || Math.abs(Math.log(ratio)) > Math.abs(Math.log(best.ratio))) best = { cause, ratio };
  return best;
}
