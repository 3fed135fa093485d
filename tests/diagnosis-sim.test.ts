import { loadKnowledgeBase } from '@atelier/diagnosis';
import { runSimulatedApprentice, type SimRunResult } from '@atelier/training';
import { parseFaultRef, type Scenario } from '@atelier/vehicle-sim';
import { describe, expect, it } from 'vitest';
import { WRITTEN_FOR, writtenForScenarios } from './support/diagnosis-scenarios.js';

// The simulated apprentice on every injectable fault, through the real client stack: DTCs read by
// ObdClient from the simulated car, outcomes from the car, repair in the car, verification by
// clearing and re-reading. Several seeds and two severities per fault.
const kb = loadKnowledgeBase();
// The 18 scenarios the knowledge base was written against: a regression guard on them (every other
// scenario is measured by bench/diagnosis.bench.ts).
const faulted = writtenForScenarios();
const SEEDS = [1, 2, 3];

function withSeverity(s: Scenario, severity: 'as-written' | 'full'): Scenario {
  return severity === 'full' ? { ...s, faults: s.faults.map((f) => ({ ...f, severity: 1 })) } : s;
}

describe('simulated apprentice following the engine', () => {
  const runs: (SimRunResult & { seed: number; severity: string })[] = [];

  it('covers every fault type the simulator can inject', () => {
    const types = new Set(faulted.flatMap((s) => s.faults.map((f) => f.type)));
    for (const t of types) {
      expect(
        kb.trees.some((tree) =>
          tree.causes.some((c) => c.simFaults.some((r) => parseFaultRef(r).type === t)),
        ),
        `no cause stands for ${t}`,
      ).toBe(true);
    }
    expect(types.size).toBeGreaterThanOrEqual(14);
  });

  it('concludes on the true cause in at least 90 % of runs and never on another, at a cost reported against the best order', async () => {
    for (const scenario of faulted) {
      for (const severity of ['as-written', 'full'] as const) {
        for (const seed of SEEDS) {
          const { result } = await runSimulatedApprentice(kb, withSeverity(scenario, severity), { seed });
          runs.push({ ...result, seed, severity });
        }
      }
    }
    const right = runs.filter((r) => r.true_cause !== null && r.conclusion === r.true_cause);
    const wrong = runs.filter((r) => !(r.true_cause !== null && r.conclusion === r.true_cause));
    const rate = right.length / runs.length;
    const meanCost = right.reduce((a, r) => a + r.cost, 0) / right.length;
    const meanBest = right.reduce((a, r) => a + r.best_cost, 0) / right.length;
    // Live-data tests are measured on the car; how often the engine found each worth its price.
    const measured = (id: string) => runs.filter((r) => r.steps.some((x) => x.id === id)).length;
    console.log(
      `simulated apprentice: ${right.length}/${runs.length} runs right (${(rate * 100).toFixed(1)} %), ` +
        `mean path cost ${meanCost.toFixed(2)} € vs best-order expectation ${meanBest.toFixed(2)} €; ` +
        `trims at idle and 2,500 rpm read in ${measured('read_fuel_trims_idle_2500')} runs` +
        (wrong.length
          ? `\nwrong: ${wrong.map((r) => `${r.scenario}/seed ${r.seed}/${r.severity}: ${r.conclusion} ≠ ${r.true_cause}`).join('; ')}`
          : ''),
    );
    expect(faulted.length).toBe(WRITTEN_FOR.size);
    expect(runs.length).toBe(faulted.length * 2 * SEEDS.length);
    // Never a cause the car does not have: right, or "no cause confirmed".
    expect(
      runs.filter((r) => r.conclusion !== null && r.conclusion !== r.true_cause).map((r) => r.scenario),
    ).toEqual([]);
    // Measured 105 of 108 right (97.2 %, 6 December 2026; the 3 others end "no cause confirmed"):
    // the floor leaves room for a few seeds more, not for a tree the knowledge base stops reaching.
    expect(rate).toBeGreaterThanOrEqual(0.9);
  }, 600_000);
});
