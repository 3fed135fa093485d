import { VirtualClock } from '@atelier/clock';
import { loadKnowledgeBase } from '@atelier/diagnosis';
import { loadScenario, ResponderLink, type Scenario, Vehicle } from '@atelier/vehicle-sim';
import { describe, expect, it } from 'vitest';
import { readBatteryFacts } from './battery-read.js';
import { runSimulatedApprentice } from './sim-apprentice.js';

/**
 * The traction-battery tree on the simulated Kona: the apprentice reads the BMS (the battery report)
 * and the codes, measures what the tree asks on the car (the BMS's figures, the cells' capacities
 * with the pack opened) and concludes. The car answers from its cells' physics; the judge is the
 * fault the scenario put in it.
 */
const kb = loadKnowledgeBase();
const at = (s: Scenario, severity: number): Scenario => ({
  ...s,
  faults: s.faults.map((f) => ({ ...f, severity })),
});

describe('range loss on a traction battery', () => {
  it('reads the battery report through the BMS as the pack’s cells make it', async () => {
    const clock = new VirtualClock();
    const vehicle = Vehicle.fromScenario(loadScenario('kona-weak-cell'), { startMs: 0 });
    const facts = await readBatteryFacts(new ResponderLink(vehicle, { clock }), clock);
    const pack = vehicle.model.pack!;
    const [min] = pack.extreme('min');
    const [max] = pack.extreme('max');
    const mean = pack.cellV.reduce((a, b) => a + b, 0) / pack.cells;
    // The Kona's BMS sends each cell in 0.02 V steps.
    expect(facts?.cell_spread).toBeCloseTo(max - min, 1);
    expect(Math.abs(facts!.cell_spread! - (max - min))).toBeLessThanOrEqual(0.021);
    expect(Math.abs(facts!.lowest_cell_below_mean! - (mean - min))).toBeLessThanOrEqual(0.021);
    expect(Math.abs(facts!.soh! - pack.sohPct)).toBeLessThan(0.6);
  }, 60_000);

  it.each([
    ['kona-weak-cell', 0.4, 'weak_cell'],
    ['kona-weak-cell', 1, 'weak_cell'],
    ['kona-cell-imbalance', 0.4, 'cell_imbalance'],
    ['kona-cell-imbalance', 0.7, 'cell_imbalance'],
    ['kona-aged-pack', 0.4, 'pack_aged'],
  ])(
    '%s at severity %s ends on %s, verified on the car',
    async (name, severity, cause) => {
      const { result } = await runSimulatedApprentice(kb, at(loadScenario(name), severity));
      expect(result.tree).toBe('traction_battery');
      expect(result.conclusion).toBe(cause);
      expect(result.outcome).toBe('cause');
      // The pack-opened tests were done with their lock-out (the apprentice records it first).
      const opened = result.steps.filter(
        (x) => x.id === 'hv_cell_capacity_test' || x.id === 'hv_pack_capacity_test',
      );
      for (const x of opened) expect(['good', 'bad']).toContain(x.outcome);
    },
    120_000,
  );

  it('a pack with a normal spread and SoH ends “aucune cause confirmée”, never a weak cell', async () => {
    for (const complaint of [
      "Perte d'autonomie depuis cet hiver.",
      'Autonomie réduite, la jauge baisse vite.',
    ]) {
      const { result } = await runSimulatedApprentice(kb, loadScenario('healthy-kona'), { complaint });
      expect(result.tree).toBe('traction_battery');
      expect(result.conclusion).toBeNull();
      expect(result.outcome).toBe('no-cause');
      expect(result.steps.filter((x) => x.outcome === 'bad')).toEqual([]);
    }
  }, 120_000);
});
