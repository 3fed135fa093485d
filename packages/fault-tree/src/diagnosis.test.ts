import { describe, expect, it } from 'vitest';
import { compile } from './compile.js';
import { Diagnosis, expectedSequenceCost, planFrom } from './diagnosis.js';
import { EvidenceError } from './errors.js';
import { constant } from './expression.js';
import { and, emptyModel, or, ref } from './model.js';
import { Random } from './random.js';
import { assignments, randomTree } from './testing/random-trees.js';
import { evaluateGate } from './truth.js';

describe('posteriors against brute-force enumeration', () => {
  for (let seed = 1; seed <= 60; seed++) {
    it(`random tree #${seed}: evidence on gates, basic events and a noisy test`, () => {
      const t = randomTree(seed, { events: 2 + (seed % 11) });
      const r = new Random(seed * 7919);
      const c = compile(t.model, { top: t.top, all: true });
      const d = new Diagnosis(c);
      // evidence: top or a gate, maybe a basic event, maybe a noisy test on a gate
      const gateObs: [string, boolean][] = [
        [r.next() < 0.5 ? t.top : t.gates[Math.floor(r.next() * t.gates.length)], r.next() < 0.7],
      ];
      const eventObs: [string, boolean][] =
        r.next() < 0.6 ? [[t.events[Math.floor(r.next() * t.events.length)], r.next() < 0.5]] : [];
      const noisy =
        r.next() < 0.5
          ? { target: t.gates[0], sensitivity: 0.9, specificity: 0.8, positive: r.next() < 0.5 }
          : undefined;
      for (const [k, v] of [...gateObs, ...eventObs]) d.observe(k, v);
      if (noisy) {
        d.addTest({
          name: 'T',
          target: noisy.target,
          sensitivity: noisy.sensitivity,
          specificity: noisy.specificity,
        });
        d.observe('T', noisy.positive);
      }
      // reference by enumeration, with the noisy test as a likelihood weight
      const used = c.variables;
      let pe = 0;
      const joint = new Map<string, number>(used.map((e) => [e, 0]));
      for (const { values, weight } of assignments(t.model, used)) {
        const memo = new Map<string, boolean>();
        let ok = [...gateObs, ...eventObs].every(
          ([k, v]) => (t.model.gates.has(k) ? evaluateGate(t.model, k, values, memo) : values.get(k)) === v,
        );
        if (!ok) continue;
        let w = weight;
        if (noisy) {
          const target = evaluateGate(t.model, noisy.target, values, memo);
          const pPos = target ? noisy.sensitivity : 1 - noisy.specificity;
          w *= noisy.positive ? pPos : 1 - pPos;
        }
        ok = w > 0;
        pe += w;
        for (const e of used) if (values.get(e)) joint.set(e, joint.get(e)! + w);
      }
      if (pe === 0) {
        expect(() => d.posteriors()).toThrow(EvidenceError);
        return;
      }
      expect(d.evidenceProbability()).toBeCloseTo(pe, 12);
      for (const p of d.posteriors()) expect(p.posterior, p.event).toBeCloseTo(joint.get(p.event)! / pe, 10);
    });
  }

  it('noisy-OR finding: posterior matches enumeration with strengths and leak', () => {
    const m = emptyModel();
    for (const [n, p] of [
      ['A', 0.1],
      ['B', 0.2],
      ['C', 0.3],
    ] as const)
      m.basicEvents.set(n, { name: n, expression: constant(p) });
    m.gates.set('TOP', { name: 'TOP', formula: or(ref('A'), and(ref('B'), ref('C'))) });
    const d = new Diagnosis(m);
    d.addFinding({
      name: 'noise',
      causes: [
        { event: 'A', strength: 0.8 },
        { event: 'B', strength: 0.4 },
      ],
      leak: 0.05,
    });
    d.observe('noise', true);
    let pe = 0;
    const joint = { A: 0, B: 0, C: 0 };
    for (const { values, weight } of assignments(m, ['A', 'B', 'C'])) {
      const miss = (1 - 0.05) * (values.get('A') ? 0.2 : 1) * (values.get('B') ? 0.6 : 1);
      const w = weight * (1 - miss);
      pe += w;
      for (const k of ['A', 'B', 'C'] as const) if (values.get(k)) joint[k] += w;
    }
    for (const p of d.posteriors()) expect(p.posterior).toBeCloseTo(joint[p.event as 'A'] / pe, 12);
  });

  it('unknown names and impossible evidence are typed errors', () => {
    const m = emptyModel();
    m.basicEvents.set('A', { name: 'A', expression: constant(0.5) });
    m.basicEvents.set('B', { name: 'B', expression: constant(0.5) });
    m.gates.set('TOP', { name: 'TOP', formula: and(ref('A'), ref('B')) });
    const d = new Diagnosis(m);
    expect(() => d.observe('Nope', true)).toThrow(/unknown event 'Nope'/);
    d.observe('TOP', true).observe('A', false);
    expect(() => d.posteriors()).toThrow(EvidenceError);
  });
});

function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

describe('P-over-C ordering', () => {
  for (let seed = 1; seed <= 40; seed++) {
    it(`is optimal among all orders (random instance #${seed})`, () => {
      const r = new Random(seed);
      const n = 2 + (seed % 6);
      const posteriors = new Map<string, number>();
      const costs: Record<string, number> = {};
      for (let i = 0; i < n; i++) {
        posteriors.set(`C${i}`, r.next());
        costs[`C${i}`] = 1 + Math.floor(r.next() * 100);
      }
      const plan = planFrom(posteriors, costs);
      const steps = plan.steps.map((s) => ({ probability: s.probability, cost: s.cost }));
      expect(expectedSequenceCost(steps)).toBeCloseTo(plan.expectedCost, 9);
      let best = Infinity;
      for (const order of permutations(steps)) best = Math.min(best, expectedSequenceCost(order));
      expect(plan.expectedCost).toBeLessThanOrEqual(best + 1e-9);
      // and the ratios are non-increasing, each with its numbers
      for (let i = 1; i < plan.steps.length; i++)
        expect(plan.steps[i].ratio).toBeLessThanOrEqual(plan.steps[i - 1].ratio);
    });
  }
});

describe('next best observation', () => {
  const m = emptyModel();
  for (const [n, p] of [
    ['Pump', 0.3],
    ['Valve', 0.2],
    ['Sensor', 0.1],
  ] as const)
    m.basicEvents.set(n, { name: n, expression: constant(p) });
  m.gates.set('Flow', { name: 'Flow', formula: or(ref('Pump'), ref('Valve')) });
  m.gates.set('TOP', { name: 'TOP', formula: or(ref('Flow'), ref('Sensor')) });
  const repair = { Pump: 50, Valve: 20, Sensor: 10 };

  it('ranks by value of information with the numbers that explain it', () => {
    const d = new Diagnosis(m, { top: 'TOP' }).observe('TOP', true);
    const ranked = d.rankObservations(
      [
        { name: 'Flow', cost: 1 },
        { name: 'Sensor', cost: 30 },
      ],
      repair,
    );
    expect(ranked.map((x) => x.name)).toEqual(['Flow', 'Sensor']);
    const flow = ranked[0];
    // the outcome probabilities are P(Flow | TOP) and its complement
    expect(flow.outcomes[0].probability).toBeCloseTo(d.probabilityOf('Flow'), 12);
    expect(flow.outcomes[0].probability + flow.outcomes[1].probability).toBeCloseTo(1, 12);
    expect(flow.value).toBeCloseTo(flow.expectedRepairCostNow - flow.expectedRepairCostAfter - 1, 12);
    // a free perfect test never increases the expected repair cost
    for (const x of ranked)
      expect(x.expectedRepairCostAfter).toBeLessThanOrEqual(x.expectedRepairCostNow + 1e-9);
  });

  it('ranks by entropy reduction per cost', () => {
    const d = new Diagnosis(m, { top: 'TOP' }).observe('TOP', true);
    const ranked = d.rankObservations(
      [
        { name: 'Flow', cost: 100 },
        { name: 'Sensor', cost: 1 },
      ],
      repair,
      'entropy',
    );
    expect(ranked[0].name).toBe('Sensor');
    for (const x of ranked)
      expect(x.entropyGainPerCost).toBeCloseTo((x.entropyNow - x.entropyAfter) / x.cost, 12);
  });
});
