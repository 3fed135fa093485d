import { type KnowledgeBase, loadKnowledgeBase } from '@atelier/diagnosis';
import { loadScenario, type Scenario } from '@atelier/vehicle-sim';
import { describe, expect, it } from 'vitest';
import { runSimulatedApprentice } from './sim-apprentice.js';
import { outcomeOnCar } from './test-support.js';

const TRIMS = 'read_fuel_trims_idle_2500';

/**
 * At its real price (8 €) the trim comparison saves less than it costs on the lean tree, and the
 * signs read at the start (the idle trim, the freeze frame) already say most of what it would, so
 * the engine goes straight to the inspections. Made nearly free and without the signs, it is the
 * first thing worth doing, and the apprentice has to read it from the car.
 */
function withCheapTrims(kb: KnowledgeBase): KnowledgeBase {
  const tests = new Map(kb.tests);
  tests.set(TRIMS, { ...kb.tests.get(TRIMS)!, cost: 0.5 });
  return { trees: kb.trees.map((t) => ({ ...t, signs: [] })), tests };
}

const kb = withCheapTrims(loadKnowledgeBase());

/**
 * The trim comparison as the apprentice records it: from the run when the session asked for it,
 * otherwise measured on the same car by the apprentice's hands and read by the knowledge base.
 */
async function trimOutcome(scenario: Scenario): Promise<string | undefined> {
  const { result } = await runSimulatedApprentice(kb, scenario, { treeId: 'lean' });
  const asked = result.steps.find((s) => s.id === TRIMS)?.outcome;
  if (asked) return asked;
  return outcomeOnCar(scenario, kb.tests.get(TRIMS)!, 'petrol');
}

describe('the simulated apprentice reads the trim comparison from the car', () => {
  it('finds the vacuum leak in the trims, and not the contaminated MAF', async () => {
    expect(await trimOutcome(loadScenario('vacuum-leak'))).toBe('bad');
    expect(await trimOutcome(loadScenario('maf-contaminated'))).toBe('good');
  });

  it('reads what the car does, not what the scenario injects: a leak that has not opened yet reads good', async () => {
    const s = loadScenario('vacuum-leak');
    // The hose splits ten hours after the session starts: the fault is injected, the car is sound.
    const notYet: Scenario = {
      ...s,
      faults: s.faults.map((f) => ({ ...f, onset: s.sessionStart + 36_000 })),
    };
    // Nothing on the car backs the complaint now: the trims are not worth asking, the smoke finds
    // nothing, and the session ends without a cause — no part replaced.
    const { result } = await runSimulatedApprentice(kb, notYet, { treeId: 'lean' });
    expect(result.steps.find((x) => x.id === 'smoke_test_intake')?.outcome).toBe('good');
    expect(result.outcome).toBe('no-cause');
    expect(result.steps.some((x) => x.kind === 'repair')).toBe(false);
    // Asked all the same, the trim comparison is measured on the car and reads good.
    expect(await trimOutcome(notYet)).toBe('good');
  });
});
