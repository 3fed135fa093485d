import { describe, expect, it } from 'vitest';
import { analyse, exhaustiveBestOrder, jointPosterior } from './engine.js';
import { loadKnowledgeBase, UNEXPLAINED } from './kb/load.js';
import { DEFAULT_COST_MODEL } from './session.js';

const kb = loadKnowledgeBase();
const repairCost = (c: { repair: { hours: number; parts: number } }) =>
  c.repair.hours * DEFAULT_COST_MODEL.labourRate + c.repair.parts;

/** P(cause i present) from a joint distribution over cause sets. */
function marginal(joint: Float64Array, i: number): number {
  let m = 0;
  joint.forEach((w, mask) => {
    if (mask & (1 << i)) m += w;
  });
  return m;
}

describe('diagnosis engine', () => {
  it('conditions on the symptom: the posterior of an OR tree is the prior over 1 − P(no cause)', () => {
    const tree = kb.trees.find((t) => t.id === 'catalyst')!;
    const { causes, joint } = jointPosterior(kb, tree, {
      symptom: 'confirmed' as const,
      findings: [],
      cleared: [],
    });
    // The causes and, last, a cause outside the tree.
    const priors = [...tree.causes.map((c) => c.prior), tree.unexplained];
    expect(causes).toHaveLength(priors.length);
    const pNone = priors.reduce((a, p) => a * (1 - p), 1);
    causes.forEach((_, i) => {
      expect(marginal(joint, i)).toBeCloseTo(priors[i] / (1 - pNone), 12);
    });
  });

  it("the fault-tree engine's posteriors equal exact enumeration on every tree, with test evidence", () => {
    for (const tree of kb.trees) {
      const tests = [...new Set([...tree.causes.map((c) => c.inspect), ...tree.observations])];
      // A deterministic mix of outcomes: every other test bad.
      const findings = tests
        .slice(0, 3)
        .map((test, i) => ({ test, outcome: (i % 2 ? 'good' : 'bad') as 'good' | 'bad' }));
      const evidence = { symptom: 'confirmed' as const, findings, cleared: [tree.causes.at(-1)!.id] };
      const { causes, joint } = jointPosterior(kb, tree, evidence);
      const a = analyse(kb, tree, evidence, { repairCost });
      causes.forEach((c, i) => {
        const engine =
          c === UNEXPLAINED ? a.unexplained : a.posteriors.find((p) => p.cause === c)!.probability;
        expect(engine, `${tree.id}/${c}`).toBeCloseTo(marginal(joint, i), 10);
      });
    }
  });

  it('with signs read hard and soft, the posteriors still equal exact enumeration on every tree', () => {
    for (const tree of kb.trees) {
      // Every sign read, alternately present and absent, every third one with doubt.
      const signs = tree.signs.map((sign, i) => ({
        sign,
        value: i % 2 === 0,
        certainty: i % 3 === 1 ? 0.7 : 1,
        counts: true,
        detail: { fr: '', en: '' },
      }));
      const findings = [{ test: tree.causes[0].inspect, outcome: 'good' as const }];
      const evidence = { symptom: 'confirmed' as const, findings, cleared: [], signs };
      const { causes, joint } = jointPosterior(kb, tree, evidence);
      const a = analyse(kb, tree, evidence, { repairCost });
      expect(a.signs).toHaveLength(signs.length);
      causes.forEach((c, i) => {
        const engine =
          c === UNEXPLAINED ? a.unexplained : a.posteriors.find((p) => p.cause === c)!.probability;
        expect(engine, `${tree.id}/${c}`).toBeCloseTo(marginal(joint, i), 10);
      });
    }
  });

  it('a sign moves the causes it checks, and less when read with doubt', () => {
    const tree = kb.trees.find((t) => t.id === 'lean')!;
    const sign = tree.signs.find((s) => s.id === 'maf_code')!;
    const reading = (certainty: number) => ({
      sign,
      value: true,
      certainty,
      counts: true,
      detail: { fr: '', en: '' },
    });
    const maf = (signs: ReturnType<typeof reading>[]) =>
      analyse(
        kb,
        tree,
        { symptom: 'confirmed' as const, findings: [], cleared: [], signs },
        { repairCost },
      ).posteriors.find((p) => p.cause === 'maf_contaminated')!.probability;
    const none = maf([]);
    const soft = maf([reading(0.8)]);
    const hard = maf([reading(1)]);
    expect(none).toBeLessThan(soft);
    expect(soft).toBeLessThan(hard);
    expect(maf([reading(0.5)])).toBeCloseTo(none, 12); // a coin toss says nothing
    const effect = analyse(
      kb,
      tree,
      { symptom: 'confirmed' as const, findings: [], cleared: [], signs: [reading(1)] },
      { repairCost },
    ).signs[0];
    // P(code | MAF alone) / P(code | no cause) = 0.6 / 0.03
    expect(effect.ratios.maf_contaminated).toBeCloseTo(20, 10);
  });

  it('a bad inspection with high specificity makes its cause dominant', () => {
    const tree = kb.trees.find((t) => t.id === 'lean')!;
    const a = analyse(
      kb,
      tree,
      {
        symptom: 'confirmed' as const,
        findings: [{ test: 'maf_reading_check', outcome: 'bad' }],
        cleared: [],
      },
      { repairCost },
    );
    expect(a.posteriors[0].cause).toBe('maf_contaminated');
    expect(a.posteriors[0].probability).toBeGreaterThan(0.8);
  });

  it('P-over-C is no worse than 2 % above the best order found by exhaustive search on every tree', () => {
    const rows: string[] = [];
    for (const tree of kb.trees) {
      const r = exhaustiveBestOrder(
        kb,
        tree,
        { symptom: 'confirmed' as const, findings: [], cleared: [] },
        repairCost,
      );
      rows.push(`${tree.id}: P/C ${r.pOverCCost.toFixed(2)} € vs best ${r.bestCost.toFixed(2)} €`);
      expect(r.pOverCCost, tree.id).toBeLessThanOrEqual(r.bestCost * 1.02 + 1e-9);
      expect(r.pOverCCost, tree.id).toBeGreaterThanOrEqual(r.bestCost - 1e-9);
    }
    console.log(rows.join('\n'));
  });
});
