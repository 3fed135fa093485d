import { describe, expect, it } from 'vitest';
import {
  type AnalysisOptions,
  type AnalysisReport,
  type Approximation,
  analyze,
  analyzeCompiled,
  compileForAnalysis,
} from './analysis.js';
import { compile } from './compile.js';
import { Diagnosis } from './diagnosis.js';
import { ModelError } from './errors.js';
import { constant } from './expression.js';
import { and, atleast, emptyModel, type Model, not, or, ref } from './model.js';
import { compileModular, isModular, modularProbability } from './modular.js';
import { assignments, modularTree, randomTree } from './testing/random-trees.js';
import { evaluateGate } from './truth.js';
import { uncertainty } from './uncertainty.js';
import { readYamlModel } from './yaml-form.js';

/**
 * Equal to 1e-12 relative. The 1e-15 absolute floor is rounding: an importance factor is a sum of
 * differences of probabilities of order one, so when it is tiny its last digits are noise in both
 * computations alike.
 */
function close(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b)) + 1e-15;
}

/**
 * Reports of the modular and the monolithic analyses agree: counts, distributions, product lists
 * and top products exactly (the expanded family is the same ZBDD), probabilities and importance
 * within rounding. RRW = P/(P − p·MIF) is compared through its reciprocal: when P(top | ¬e) is a
 * tiny difference, RRW amplifies rounding that both computations make alike.
 */
function expectSameReport(mono: AnalysisReport, mod: AnalysisReport, what: string) {
  const exact = (r: AnalysisReport) => ({
    top: r.top,
    basic_events: r.basic_events,
    gates: r.gates,
    products: r.products,
    distribution: r.distribution,
    approximation: r.approximation,
    modules: r.modules,
    coherent: r.coherent,
    top_products: r.top_products?.map((p) => p.events),
    product_list: r.product_list?.map((p) => p.events),
  });
  expect(exact(mod), what).toEqual(exact(mono));
  if (!close(mod.probability, mono.probability))
    expect.fail(`${what}: probability ${mod.probability} ≠ ${mono.probability}`);
  for (const [which, a, b] of [
    ['top', mono.top_products, mod.top_products],
    ['list', mono.product_list, mod.product_list],
  ] as const)
    a?.forEach((p, i) => {
      if (!close(p.probability, b![i].probability))
        expect.fail(`${what}: ${which} product ${i} probability ${b![i].probability} ≠ ${p.probability}`);
    });
  expect(Object.keys(mod.importance ?? {}), what).toEqual(Object.keys(mono.importance ?? {}));
  for (const [e, m] of Object.entries(mono.importance ?? {})) {
    const x = mod.importance![e];
    for (const f of ['probability', 'mif', 'cif', 'dif', 'raw', 'fv'] as const)
      if (!close(x[f], m[f])) expect.fail(`${what}: ${e} ${f} ${x[f]} ≠ ${m[f]}`);
    const inv = (r: number) => (r ? 1 / r : 0);
    if (!close(inv(x.rrw), inv(m.rrw))) expect.fail(`${what}: ${e} rrw ${x.rrw} ≠ ${m.rrw}`);
  }
}

const APPROXIMATIONS: Approximation[] = ['exact', 'rare-event', 'mcub'];
const LIMITS = [undefined, 1, 2, 3, 5];

function compareAll(model: Model, top: string, label: string) {
  for (const approximation of APPROXIMATIONS)
    for (const limitOrder of LIMITS) {
      const options: AnalysisOptions = {
        top,
        approximation,
        limitOrder,
        importance: true,
        listProducts: true,
        topProducts: 4,
      };
      expectSameReport(
        analyze(model, { ...options, modules: false }),
        analyze(model, { ...options, modules: true }),
        `${label} ${approximation} limit ${limitOrder ?? 'none'}`,
      );
    }
}

/** Whether the modular analysis really splits the tree (a comparison without modules proves nothing). */
const splits = (model: Model, top: string) => compileModular(model, { top }).parts.length > 1;

/**
 * Candidates: 40 seeds × coherent or not, depth 1 to 3. Random functions can absorb a module
 * entirely (then it is no module of the function), so only the trees that keep one are compared,
 * and their number is checked below.
 */
const MODULAR_CANDIDATES = Array.from({ length: 40 }, (_, i) => i + 1).flatMap((seed) =>
  [true, false].map((coherent) => ({
    seed,
    coherent,
    ...modularTree(seed, { coherent, depth: 1 + (seed % 3) }),
  })),
);
const MODULAR_TREES = MODULAR_CANDIDATES.filter((t) => splits(t.model, t.top));

/** Generic random trees (every connective, house events, repeated arguments) that have a module. */
const RANDOM_CANDIDATES = Array.from({ length: 240 }, (_, i) => 500 + i).map((seed) => ({
  seed,
  ...randomTree(seed, { events: 3 + (seed % 9), gates: 2 + (seed % 7), coherent: seed % 3 === 0 }),
}));
const RANDOM_TREES = RANDOM_CANDIDATES.filter((t) => splits(t.model, t.top)).slice(0, 30);

describe('modular analysis gives the monolithic results', () => {
  it('the random trees compared have modules, nested and negated ones too', () => {
    expect(MODULAR_TREES.length).toBeGreaterThanOrEqual(60);
    expect(RANDOM_TREES).toHaveLength(30);
    const top = (c: ReturnType<typeof compileModular>) => c.parts.length - 1;
    const compiled = MODULAR_TREES.map((t) => compileModular(t.model, { top: t.top }));
    expect(
      compiled.filter((c) => c.parts.some((p) => p.parent >= 0 && p.parent !== top(c))).length,
    ).toBeGreaterThanOrEqual(40);
    expect(compiled.filter((c) => c.parts.some((p) => p.negated)).length).toBeGreaterThanOrEqual(10);
    expect(compiled.filter((c) => !c.coherent).length).toBeGreaterThanOrEqual(20);
  });

  // nested modules, modules used twice, negated modules, shared events, nested formulas
  for (const t of MODULAR_TREES)
    it(`modular tree #${t.seed} (${t.coherent ? 'coherent' : 'every connective'})`, () => {
      compareAll(t.model, t.top, `tree #${t.seed}`);
    });

  for (const t of RANDOM_TREES)
    it(`random tree #${t.seed}`, () => {
      compareAll(t.model, t.top, `random tree #${t.seed}`);
    });

  it('prime implicants of a non-coherent tree use one BDD, whatever the entry point', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const t = modularTree(seed, { coherent: false, depth: 1 });
      if (compile(t.model, { top: t.top }).coherent) continue;
      const options = { top: t.top, primeImplicants: true, listProducts: true, importance: true };
      expect(isModular(compileForAnalysis(t.model, options))).toBe(false);
      const mono = analyze(t.model, { ...options, modules: false });
      const fromModular = analyzeCompiled(compileModular(t.model, { top: t.top }), options, 0, () => 0);
      expectSameReport(mono, fromModular, `prime implicants #${seed}`);
    }
  });
});

describe('modular probability', () => {
  it('is exact against enumeration, nested modules included', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const t = modularTree(seed, { coherent: seed % 2 === 0, depth: 1, shared: 1 });
      const c = compileModular(t.model, { top: t.top });
      let expected = 0;
      for (const { values, weight } of assignments(t.model, c.variables))
        if (evaluateGate(t.model, t.top, values)) expected += weight;
      expect(modularProbability(c)).toBeCloseTo(expected, 12);
    }
  });

  it('Monte Carlo samples the same top probability either way', () => {
    const m = readYamlModel(`
gates:
  TOP: { and: [Left, Right, S] }
  Left: { atleast: 2, of: [A, B, C] }
  Right: { or: [D, { and: [E, S] }, F, G] }
basic-events:
  A: { uniform-deviate: [0.1, 0.3] }
  B: { lognormal-deviate: [0.01, 3, 0.9] }
  C: 0.2
  D: 0.1
  E: { uniform-deviate: [0.3, 0.5] }
  F: 0.05
  G: 0.07
  S: 0.5
`);
    const c = compileModular(m);
    expect(c.parts.length).toBeGreaterThan(1);
    const a = uncertainty(c, { trials: 500, seed: 9 });
    const b = uncertainty(compile(m), { trials: 500, seed: 9 });
    for (const k of ['mean', 'sd', 'p5', 'median', 'p95'] as const) expect(close(a[k], b[k])).toBe(true);
  });
});

describe('module decomposition', () => {
  const m = emptyModel();
  for (const n of ['a', 'b', 'c', 'd', 's']) m.basicEvents.set(n, { name: n, expression: constant(0.1) });
  m.gates.set('TOP', { name: 'TOP', formula: and(ref('X'), ref('Y')) });
  m.gates.set('X', { name: 'X', formula: or(ref('a'), ref('b'), ref('s')) });
  m.gates.set('Y', { name: 'Y', formula: or(ref('c'), not(ref('d')), ref('s')) });

  it('groups the arguments of a gate used nowhere else into a module of their own', () => {
    // X and Y share s, so neither is a module; {a, b} in X and {c, ¬d} in Y are independent
    const c = compileModular(m);
    expect(c.modules).toEqual(['TOP']);
    const groups = c.parts.filter((p) => p.gate === undefined);
    expect(groups).toHaveLength(2);
    // c ∨ ¬d is true when all its events are false: its part is the complement, used negated
    expect(groups.map((p) => p.negated).sort()).toEqual([false, true]);
    expect(modularProbability(c)).toBeCloseTo(analyze(m, { modules: false }).probability, 15);
  });

  it('keeps an argument that shares an event with a shared sibling out of the group', () => {
    // in G, N is used again by H and shares x with A: only {b, c} is independent
    const t = readYamlModel(`
gates:
  TOP: { and: [G, H] }
  G: { or: [N, A, b, c] }
  N: { and: [x, y] }
  A: { or: [x, d] }
  H: { or: [N, z] }
basic-events: { x: 0.3, y: 0.4, b: 0.1, c: 0.2, d: 0.25, z: 0.35 }
`);
    const c = compileModular(t);
    expect(c.parts.filter((p) => p.gate === undefined)).toHaveLength(1);
    expect(close(modularProbability(c), analyze(t, { modules: false }).probability)).toBe(true);
    compareAll(t, 'TOP', 'shared sibling');
  });

  it('the BDD really is split: a model of big modules takes fewer nodes', () => {
    // five independent 4-out-of-10 voters under a 3-out-of-5 vote: in one BDD each voter is
    // copied for every count of failed voters before it; as modules each is built once
    const big = emptyModel();
    const voters = [0, 1, 2, 3, 4].map((k) => {
      const events = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => `V${k}_${i}`);
      for (const e of events) big.basicEvents.set(e, { name: e, expression: constant(0.01 * (k + 1)) });
      big.gates.set(`V${k}`, { name: `V${k}`, formula: atleast(4, ...events.map((e) => ref(e))) });
      return ref(`V${k}`);
    });
    big.gates.set('TOP', { name: 'TOP', formula: atleast(3, ...voters) });
    const on = analyze(big, { importance: true });
    const off = analyze(big, { importance: true, modules: false });
    expect(compileModular(big).parts).toHaveLength(6);
    expect(on.bdd_nodes).toBeLessThan(off.bdd_nodes / 2);
    expectSameReport(off, on, 'voters');
    // counted by composing the voters' families: 92 610 000 products, never listed
    const counted = analyze(big);
    expect(counted.products).toBe(off.products);
    expect(counted.zbdd_nodes).toBeLessThan(analyze(big, { modules: false }).zbdd_nodes);
  });

  it('diagnosis refuses a modular compilation, and modular compilation refuses all: true', () => {
    expect(() => new Diagnosis(compileModular(m) as never)).toThrow(ModelError);
    expect(() => compileModular(m, { all: true })).toThrow(ModelError);
  });
});
