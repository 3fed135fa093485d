import type { Cause, FaultTreeEntry, KnowledgeBase, WorkshopTest } from './kb/types.js';

/** What the session knows, in terms of the tree: the symptom, test outcomes, causes repaired in vain. */
export interface Evidence {
  symptom: boolean;
  findings: { test: string; outcome: 'good' | 'bad' }[];
  /** Causes repaired without curing the symptom: known absent now. */
  cleared: string[];
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

/** The parameters of a test as a noisy-OR finding over the tree's causes. */
export function findingOf(
  test: WorkshopTest,
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
