import { loadKnowledgeBase } from '@atelier/diagnosis';
import { loadScenario, type Scenario } from '@atelier/vehicle-sim';
import { describe, expect, it } from 'vitest';
import { runSimulatedApprentice } from './sim-apprentice.js';
import { outcomeOnCar } from './test-support.js';

const kb = loadKnowledgeBase();
const HOLD = kb.tests.get('rail_pressure_hold_test')!;

const at = (name: string, severity: number): Scenario => {
  const s = loadScenario(name);
  return { ...s, faults: s.faults.map((f) => ({ ...f, severity })) };
};

/** The rail hold test measured on the car and read by the knowledge base. */
const holdOutcome = (scenario: Scenario) => outcomeOnCar(scenario, HOLD, 'petrol');

describe('a dripping petrol injector in the misfire tree', () => {
  it('the rail hold after key-off reads bad on the leak, good on a weak pump and a healthy car', async () => {
    for (const severity of [0.4, 0.7, 1.0])
      expect(await holdOutcome(at('injector-leaking-cyl2', severity))).toBe('bad');
    // A weak pump delivers too little but still holds what it made: the test tells the two apart.
    for (const severity of [0.4, 0.7]) expect(await holdOutcome(at('fuel-pump-weak', severity))).toBe('good');
    expect(await holdOutcome(loadScenario('healthy-petrol'))).toBe('good');
  });

  it('is found and verified on the car, where the misfire tree had no cause for it (a pump replaced in vain)', async () => {
    const { result } = await runSimulatedApprentice(kb, at('injector-leaking-cyl2', 1.0), { seed: 1 });
    expect(result.tree).toBe('misfire');
    expect(result.conclusion).toBe('injector_leaking');
    expect(result.outcome).toBe('cause');
    expect(result.steps.filter((s) => s.kind === 'repair').map((s) => s.id)).toEqual(['injector_leaking']);
  });
});
