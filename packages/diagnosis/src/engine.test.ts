import { describe, expect, it } from 'vitest';
import { analyse, exhaustiveBestOrder, jointPosterior } from './engine.js';
import { loadKnowledgeBase } from './kb/load.js';
import { DEFAULT_COST_MODEL } from './session.js';

const kb = loadKnowledgeBase();
const repairCost = (c: { repair: { hours: number; parts: number } }) =>
  c.repair.hours * DEFAULT_COST_MODEL.labourRate + c.repair.parts;

describe('diagnosis engine', () => {
  it('conditions on the symptom: the posterior of an OR tree is the prior over 1 − P(no cause)', () => {
    const tree = kb.trees.find((t) => t.id === 'catalyst')!;
    const { causes, joint } = jointPosterior(kb, tree, { symptom: true, findings: [], cleared: [] });
    const pNone = tree.causes.reduce((a, c) => a * (1 - c.prior), 1);
    causes.forEach((c, i) => {
      let m = 0;
      joint.forEach((w, mask) => {
        if (mask & (1 << i)) m += w;
      });
      expect(m).toBeCloseTo(tree.causes[i].prior / (1 - pNone), 12);
    });
  });

  it("the fault-tree engine's posteriors equal exact enumeration on every tree, with test evidence", () => {
    for (const tree of kb.trees) {
      const tests = [...new Set([...tree.causes.map((c) => c.inspect), ...tree.observations])];
      // A deterministic mix of outcomes: every other test bad.
      const findings = tests
        .slice(0, 3)
        .map((test, i) => ({ test, outcome: (i % 2 ? 'good' : 'bad') as 'good' | 'bad' }));
      const evidence = { symptom: true, findings, cleared: [tree.causes.at(-1)!.id] };
      const { causes, joint } = jointPosterior(kb, tree, evidence);
      const a = analyse(kb, tree, evidence, { repairCost });
      causes.forEach((c, i) => {
        let m = 0;
        joint.forEach((w, mask) => {
          if (mask & (1 << i)) m += w;
        });
        expect(a.posteriors.find((p) => p.cause === c)!.probability, `${tree.id}/${c}`).toBeCloseTo(m, 10);
      });
    }
  });

  it('a bad inspection with high specificity makes its cause dominant', () => {
    const tree = kb.trees.find((t) => t.id === 'lean')!;
    const a = analyse(
      kb,
      tree,
      { symptom: true, findings: [{ test: 'maf_reading_check', outcome: 'bad' }], cleared: [] },
      { repairCost },
    );
    expect(a.posteriors[0].cause).toBe('maf_contaminated');
    expect(a.posteriors[0].probability).toBeGreaterThan(0.8);
  });

  it('P-over-C is no worse than 2 % above the best order found by exhaustive search on every tree', () => {
    const rows: string[] = [];
    for (const tree of kb.trees) {
      const r = exhaustiveBestOrder(kb, tree, { symptom: true, findings: [], cleared: [] }, repairCost);
      rows.push(`${tree.id}: P/C ${r.pOverCCost.toFixed(2)} € vs best ${r.bestCost.toFixed(2)} €`);
      expect(r.pOverCCost, tree.id).toBeLessThanOrEqual(r.bestCost * 1.02 + 1e-9);
      expect(r.pOverCCost, tree.id).toBeGreaterThanOrEqual(r.bestCost - 1e-9);
    }
    console.log(rows.join('\n'));
  });
});
