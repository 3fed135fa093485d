import { loadKnowledgeBase } from '@atelier/diagnosis';
import { loadScenario } from '@atelier/vehicle-sim';
import { describe, expect, it } from 'vitest';
import { runSimulatedApprentice } from './sim-apprentice.js';

const kb = loadKnowledgeBase();

describe('causes that name the part of a fault (`hv_isolation:inverter`)', () => {
  it('the inverter’s insulation fault is the inverter cause, found, repaired and verified on the car', async () => {
    const { result } = await runSimulatedApprentice(kb, loadScenario('hv-isolation-inverter'), { seed: 1 });
    expect(result.true_cause).toBe('inverter_isolation');
    expect(result.conclusion).toBe('inverter_isolation');
    expect(result.outcome).toBe('cause');
    // A whole simulated session (≈ 10 s alone): generous for a shared, loaded machine.
  }, 120_000);

  it('the AC compressor’s is the compressor cause, and so is a fault written without its part', async () => {
    for (const name of ['hv-isolation-ac', 'hv-isolation']) {
      const { result } = await runSimulatedApprentice(kb, loadScenario(name), { seed: 1 });
      expect(result.true_cause, name).toBe('ac_compressor_isolation');
      expect(result.conclusion, name).toBe('ac_compressor_isolation');
    }
  }, 120_000);
});
