import { loadKnowledgeBase } from '@atelier/diagnosis';
import { runSimulatedApprentice, type SimRunResult } from '@atelier/training';
import { listScenarios, type Scenario } from '@atelier/vehicle-sim';
import { describe, expect, it } from 'vitest';

// The simulated apprentice on every injectable fault, through the real client stack: DTCs read by
// ObdClient from the simulated car, outcomes from the car, repair in the car, verification by
// clearing and re-reading. Several seeds and two severities per fault.
const kb = loadKnowledgeBase();
// The closed-loop apprentice answers tests from the knowledge base's own `sim_faults`, so it can
// only be run on scenarios whose one fault the knowledge base names that way (the scenarios of a
// part, of two faults or of an intermittent fault are measured on the car in
// tests/kb-causes-on-the-car.test.ts). `egr-stuck-open-diesel` is left out too: its complaint leads
// to the DPF tree, whose EGR cause carries no `sim_faults`, so the closed loop has no oracle for it.
const named = new Set(kb.trees.flatMap((t) => t.causes.flatMap((c) => c.simFaults)));
const faulted = listScenarios().filter(
  (s) =>
    !s.recording &&
    s.name !== 'egr-stuck-open-diesel' &&
    s.faults.length === 1 &&
    s.faults.every((f) => named.has(f.type) && f.part === undefined && f.intermittent === undefined),
);
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
        kb.trees.some((tree) => tree.causes.some((c) => c.simFaults.includes(t))),
        `no cause stands for ${t}`,
      ).toBe(true);
    }
    expect(types.size).toBeGreaterThanOrEqual(14);
  });

  it('concludes on the true cause in at least 95 % of runs, at a cost reported against the best order', async () => {
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
    expect(runs.length).toBe(faulted.length * 2 * SEEDS.length);
    expect(rate).toBeGreaterThanOrEqual(0.95);
  }, 600_000);
});
