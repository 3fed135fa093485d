import { type KnowledgeBase, loadKnowledgeBase } from '@atelier/diagnosis';
import { runSimulatedApprentice } from '@atelier/training';
import { listScenarios } from '@atelier/vehicle-sim';
import { describe, expect, it } from 'vitest';

// What the signs (codes per memory, freeze frame, readiness, live data, complaint) are worth: the
// simulated apprentice on every faulted scenario with the knowledge base as shipped, and with the
// same knowledge base stripped of its signs (tree from the codes and complaint, tests the only evidence).
const kb = loadKnowledgeBase();
const bare: KnowledgeBase = { ...kb, trees: kb.trees.map((t) => ({ ...t, signs: [] })) };
const faulted = listScenarios().filter((s) => !s.recording && s.faults.length > 0);

describe('signs read from the car', () => {
  it('make the simulated apprentice no worse on any run and cheaper on average', async () => {
    let withSigns = 0;
    let without = 0;
    let testsWith = 0;
    let testsWithout = 0;
    const changed: string[] = [];
    let n = 0;
    for (const scenario of faulted) {
      for (const seed of [1, 2, 3]) {
        const a = (await runSimulatedApprentice(kb, scenario, { seed })).result;
        const b = (await runSimulatedApprentice(bare, scenario, { seed })).result;
        expect(a.conclusion, `${scenario.name}/${seed}`).toBe(a.true_cause);
        expect(b.conclusion, `${scenario.name}/${seed}`).toBe(b.true_cause);
        expect(a.cost, `${scenario.name}/${seed}`).toBeLessThanOrEqual(b.cost);
        withSigns += a.cost;
        without += b.cost;
        testsWith += a.steps.filter((s) => s.kind === 'test').length;
        testsWithout += b.steps.filter((s) => s.kind === 'test').length;
        if (a.cost !== b.cost && seed === 1) changed.push(`${scenario.name}: ${b.cost} € → ${a.cost} €`);
        n++;
      }
    }
    console.log(
      `signs: mean path ${(without / n).toFixed(2)} € → ${(withSigns / n).toFixed(2)} €, ` +
        `tests per run ${(testsWithout / n).toFixed(2)} → ${(testsWith / n).toFixed(2)} (${n} runs)\n` +
        changed.join('\n'),
    );
    expect(withSigns).toBeLessThan(without);
    expect(testsWith).toBeLessThan(testsWithout);
  }, 600_000);
});
