import { describe, expect, it } from 'vitest';
import { analyze, productsOf } from './analysis.js';
import { Bdd, FALSE, TRUE } from './bdd.js';
import { compile, findModules } from './compile.js';
import { constant } from './expression.js';
import { and, atleast, emptyModel, or, ref } from './model.js';
import { assignments, randomTree } from './testing/random-trees.js';
import { evaluateGate } from './truth.js';

describe('BDD', () => {
  it('is canonical: equivalent formulas give the same node', () => {
    const b = new Bdd();
    const [x, y, z] = [0, 1, 2].map((v) => b.variable(v));
    const lhs = b.and(x, b.or(y, z));
    const rhs = b.or(b.and(x, y), b.and(x, z));
    expect(lhs).toBe(rhs);
    expect(b.and(x, b.not(x))).toBe(FALSE);
    expect(b.or(x, b.not(x))).toBe(TRUE);
    expect(b.xor(x, y)).toBe(b.not(b.iff(x, y)));
  });

  it('computes derivatives equal to finite conditioning', () => {
    const b = new Bdd();
    const [x, y, z] = [0, 1, 2].map((v) => b.variable(v));
    const f = b.or(b.and(x, y), b.and(b.not(x), z));
    const p = [0.3, 0.6, 0.8];
    const { probability, derivative } = b.derivatives(f, p, 3);
    expect(probability).toBeCloseTo(0.3 * 0.6 + 0.7 * 0.8, 14);
    expect(derivative[0]).toBeCloseTo(0.6 - 0.8, 14);
    expect(derivative[1]).toBeCloseTo(0.3, 14);
    expect(derivative[2]).toBeCloseTo(0.7, 14);
  });
});

function bruteProbability(t: ReturnType<typeof randomTree>, events: string[]): number {
  let p = 0;
  for (const { values, weight } of assignments(t.model, events))
    if (evaluateGate(t.model, t.top, values)) p += weight;
  return p;
}

describe('analysis against enumeration on random trees', () => {
  for (let seed = 100; seed < 140; seed++) {
    it(`exact probability (tree #${seed}, all connectives)`, () => {
      const t = randomTree(seed, { events: 2 + (seed % 12) });
      const c = compile(t.model, { top: t.top });
      expect(c.bdd.probability(c.root, c.probabilities)).toBeCloseTo(bruteProbability(t, c.variables), 12);
    });
  }

  for (let seed = 200; seed < 230; seed++) {
    it(`minimal cut sets of a coherent tree (#${seed})`, () => {
      const t = randomTree(seed, { events: 3 + (seed % 8), coherent: true });
      const c = compile(t.model, { top: t.top });
      const prods = productsOf(c);
      const ours = [...prods.zbdd.products(prods.root)]
        .map((s) =>
          s
            .map((v) => c.variables[v])
            .sort()
            .join(' '),
        )
        .sort();
      // reference: the minimal sets of events that alone make the top true
      const cuts: Set<string>[] = [];
      for (const { values } of assignments(t.model, c.variables)) {
        if (!evaluateGate(t.model, t.top, values)) continue;
        cuts.push(new Set(c.variables.filter((e) => values.get(e))));
      }
      const minimal = cuts.filter(
        (s) => !cuts.some((o) => o !== s && o.size < s.size && [...o].every((x) => s.has(x))),
      );
      const expected = minimal.map((s) => [...s].sort().join(' ')).sort();
      expect(ours).toEqual(expected);
      const r = analyze(t.model, { top: t.top });
      expect(r.products).toBe(expected.length);
      expect(r.distribution.reduce((a, b) => a + b, 0)).toBe(expected.length);
    });
  }

  for (let seed = 300; seed < 320; seed++) {
    it(`prime implicants of a non-coherent tree (#${seed})`, () => {
      const t = randomTree(seed, { events: 2 + (seed % 5) });
      const c = compile(t.model, { top: t.top });
      const n = c.variables.length;
      // every partial assignment (literal set) that implies the top, then keep the minimal ones
      const implicants: Map<string, boolean>[] = [];
      for (let code = 0; code < 3 ** n; code++) {
        const lit = new Map<string, boolean>();
        let x = code;
        for (let i = 0; i < n; i++, x = Math.floor(x / 3)) if (x % 3) lit.set(c.variables[i], x % 3 === 1);
        const free = c.variables.filter((v) => !lit.has(v));
        let implies = true;
        for (let m = 0; m < 1 << free.length && implies; m++) {
          const values = new Map(lit);
          for (const [i, v] of free.entries()) values.set(v, !!(m & (1 << i)));
          implies = evaluateGate(t.model, t.top, values);
        }
        if (implies) implicants.push(lit);
      }
      const sub = (a: Map<string, boolean>, b: Map<string, boolean>) =>
        a.size < b.size && [...a].every(([k, v]) => b.get(k) === v);
      const primes = implicants.filter((s) => !implicants.some((o) => sub(o, s)));
      const show = (m: Map<string, boolean>) =>
        [...m]
          .map(([k, v]) => (v ? k : `not ${k}`))
          .sort()
          .join(' ');
      const prods = productsOf(c, { primeImplicants: true });
      const ours = c.coherent
        ? [...prods.zbdd.products(prods.root)].map((s) =>
            s
              .map((v) => c.variables[v])
              .sort()
              .join(' '),
          )
        : [...prods.zbdd.products(prods.root)].map((s) => s.map(prods.name).sort().join(' '));
      // a coherent tree's prime implicants are its minimal cut sets
      expect(ours.sort()).toEqual(primes.map(show).sort());
    });
  }
});

describe('importance and approximations', () => {
  const m = emptyModel();
  for (const [n, p] of [
    ['A', 0.01],
    ['B', 0.02],
    ['C', 0.03],
  ] as const)
    m.basicEvents.set(n, { name: n, expression: constant(p) });
  m.gates.set('TOP', {
    name: 'TOP',
    formula: or(and(ref('A'), ref('B')), and(ref('A'), ref('C')), atleast(2, ref('A'), ref('B'), ref('C'))),
  });

  it('MIF is P(top | e) − P(top | ¬e) and the other factors follow', () => {
    const r = analyze(m, { importance: true });
    const pTop = (a: number) => {
      const mm = { ...m, basicEvents: new Map(m.basicEvents) };
      mm.basicEvents.set('A', { name: 'A', expression: constant(a) });
      return analyze(mm).probability;
    };
    const i = r.importance!.A;
    expect(i.mif).toBeCloseTo(pTop(1) - pTop(0), 14);
    expect(i.raw).toBeCloseTo(pTop(1) / r.probability, 12);
    expect(i.rrw).toBeCloseTo(r.probability / pTop(0), 12);
    expect(i.dif).toBeCloseTo((0.01 * pTop(1)) / r.probability, 12);
  });

  it('rare-event sums the products, MCUB bounds from above', () => {
    const exact = analyze(m).probability;
    const rare = analyze(m, { approximation: 'rare-event' }).probability;
    const mcub = analyze(m, { approximation: 'mcub' }).probability;
    // products: AB, AC, BC
    expect(rare).toBeCloseTo(0.01 * 0.02 + 0.01 * 0.03 + 0.02 * 0.03, 15);
    expect(mcub).toBeCloseTo(1 - (1 - 0.0002) * (1 - 0.0003) * (1 - 0.0006), 15);
    expect(mcub).toBeGreaterThanOrEqual(exact);
  });

  it('top N products by probability without listing them all', () => {
    const r = analyze(m, { topProducts: 2, listProducts: true });
    expect(r.top_products!.map((p) => p.events.join(' '))).toEqual(['B C', 'A C']);
    const sorted = [...r.product_list!].sort((a, b) => b.probability - a.probability).slice(0, 2);
    expect(r.top_products!.map((p) => p.probability)).toEqual(sorted.map((p) => p.probability));
  });

  it('limit-order drops longer products', () => {
    const r = analyze(m, { limitOrder: 1 });
    expect(r.products).toBe(0);
  });
});

describe('module detection', () => {
  it('finds gates whose events are not shared', () => {
    const m = emptyModel();
    for (const n of ['a', 'b', 'c', 'd']) m.basicEvents.set(n, { name: n, expression: constant(0.1) });
    m.gates.set('TOP', { name: 'TOP', formula: and(ref('G1'), ref('G2'), ref('G3')) });
    m.gates.set('G1', { name: 'G1', formula: or(ref('a'), ref('b')) });
    m.gates.set('G2', { name: 'G2', formula: or(ref('c'), ref('d')) });
    m.gates.set('G3', { name: 'G3', formula: or(ref('c'), ref('a')) });
    expect(findModules(m, 'TOP').sort()).toEqual(['TOP']);
    m.gates.set('G3', { name: 'G3', formula: or(ref('G2'), ref('d')) });
    expect(findModules(m, 'TOP').sort()).toEqual(['G1', 'TOP']);
  });
});
