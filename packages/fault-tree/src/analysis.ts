import { type Compiled, type CompileOptions, compile } from './compile.js';
import type { Model } from './model.js';
import { EMPTY, Zbdd } from './zbdd.js';

export type Approximation = 'exact' | 'rare-event' | 'mcub';

export interface AnalysisOptions extends CompileOptions {
  /** longest product kept (SCRAM default 20) */
  limitOrder?: number;
  approximation?: Approximation;
  importance?: boolean;
  /** prime implicants instead of minimal cut sets (meaningful for non-coherent trees) */
  primeImplicants?: boolean;
  /** list the n most probable products */
  topProducts?: number;
  /** list every product (bounded by limitOrder); beware of large trees */
  listProducts?: boolean;
  /** clock in seconds, injected so tests can pin it */
  now?: () => number;
}

/** Importance factors as SCRAM defines them (from P(top) and MIF), plus classic Fussell–Vesely. */
export interface Importance {
  probability: number;
  /** Birnbaum: P(top | e) − P(top | ¬e) */
  mif: number;
  /** criticality: p·MIF / P(top) */
  cif: number;
  /** diagnosis importance: P(e | top) = p·RAW */
  dif: number;
  /** risk achievement worth: P(top | e) / P(top) */
  raw: number;
  /** risk reduction worth: P(top) / P(top | ¬e); 0 when infinite (P(top | ¬e) = 0) */
  rrw: number;
  /** Fussell–Vesely: Σ P(products containing e) / Σ P(products) */
  fv: number;
}

export interface Product {
  /** basic event names; negated literals are prefixed with `not ` */
  events: string[];
  probability: number;
}

export interface AnalysisReport {
  top: string;
  basic_events: number;
  gates: number;
  products: number;
  distribution: number[];
  probability: number;
  approximation: Approximation;
  importance?: Record<string, Importance>;
  top_products?: Product[];
  product_list?: Product[];
  bdd_nodes: number;
  zbdd_nodes: number;
  modules: number;
  coherent: boolean;
  seconds: number;
}

const defaultNow = () => performance.now() / 1000;

/**
 * Full analysis of one top event: BDD, exact (or approximate) probability, minimal cut sets or
 * prime implicants through a ZBDD (counted and distributed by order without enumeration),
 * importance factors, optionally the most probable products.
 */
export function analyze(model: Model, options: AnalysisOptions = {}): AnalysisReport {
  const now = options.now ?? defaultNow;
  const start = now();
  const c = compile(model, options);
  return analyzeCompiled(c, options, start, now);
}

export interface Products {
  zbdd: Zbdd;
  root: number;
  /** literal probability: for prime implicants, literal 2v+1 is v working */
  p: (literal: number) => number;
  name: (literal: number) => string;
  prime: boolean;
}

export function productsOf(
  c: Compiled,
  options: { limitOrder?: number; primeImplicants?: boolean } = {},
): Products {
  const zbdd = new Zbdd();
  const limit = options.limitOrder ?? 20;
  const prime = !!options.primeImplicants && !c.coherent;
  const root = prime ? zbdd.primeImplicants(c.bdd, c.root, limit) : zbdd.minimalCutSets(c.bdd, c.root, limit);
  const pr = c.probabilities;
  return {
    zbdd,
    root,
    prime,
    p: prime ? (l) => (l & 1 ? 1 - pr[l >> 1] : pr[l >> 1]) : (l) => pr[l],
    name: prime ? (l) => (l & 1 ? `not ${c.variables[l >> 1]}` : c.variables[l >> 1]) : (l) => c.variables[l],
  };
}

export function analyzeCompiled(
  c: Compiled,
  options: AnalysisOptions,
  start: number,
  now: () => number = defaultNow,
): AnalysisReport {
  const approximation = options.approximation ?? 'exact';
  const prods = productsOf(c, options);
  const { zbdd, root, p } = prods;
  const literals = zbdd.literals(root);
  const eventsInProducts = new Set(literals.map((l) => (prods.prime ? l >> 1 : l)));
  const count = zbdd.count(root);
  const distribution = root === EMPTY ? [] : zbdd.distribution(root);
  // SCRAM reports orders 1..max
  const dist = distribution.slice(1);
  if (distribution[0]) dist.unshift(distribution[0]);

  let probability: number;
  let mifOf: ((v: number) => number) | undefined;
  if (approximation === 'exact') {
    if (options.importance) {
      const { probability: pt, derivative } = c.bdd.derivatives(c.root, c.probabilities, c.variables.length);
      probability = pt;
      mifOf = (v) => derivative[v];
    } else probability = c.bdd.probability(c.root, c.probabilities);
  } else if (approximation === 'rare-event') {
    const lits = prods.prime ? 2 * c.variables.length : c.variables.length;
    const { sum, derivative } = zbdd.sumDerivatives(root, p, lits);
    probability = Math.min(1, sum);
    // SCRAM's MIF is P(top | e) − P(top | ¬e) of the capped sum, not the derivative
    mifOf = prods.prime
      ? (v) => derivative[2 * v] - derivative[2 * v + 1]
      : (v) => {
          const d = derivative[v];
          const without = Math.max(0, sum - c.probabilities[v] * d);
          return Math.min(1, without + d) - Math.min(1, without);
        };
  } else {
    const m = mcub(prods, c.variables.length);
    probability = m.probability;
    mifOf = m.mif;
  }

  let importance: Record<string, Importance> | undefined;
  if (options.importance && mifOf) {
    importance = {};
    const lits = prods.prime ? 2 * c.variables.length : c.variables.length;
    const fvs = zbdd.sumDerivatives(root, p, lits);
    for (const v of [...eventsInProducts].sort((a, b) => a - b)) {
      const q = c.probabilities[v];
      const mif = mifOf(v);
      const fvNum = prods.prime ? q * fvs.derivative[2 * v] : q * fvs.derivative[v];
      importance[c.variables[v]] = importanceFactors(q, mif, probability, fvs.sum ? fvNum / fvs.sum : 0);
    }
  }

  const named = (ls: number[], probability: number): Product => ({ events: ls.map(prods.name), probability });
  const report: AnalysisReport = {
    top: c.top,
    basic_events: eventsInProducts.size,
    gates: c.gateCount,
    products: count,
    distribution: dist,
    probability,
    approximation,
    bdd_nodes: c.bdd.size,
    zbdd_nodes: zbdd.nodes.size,
    modules: c.modules.length,
    coherent: c.coherent,
    seconds: 0,
  };
  if (importance) report.importance = importance;
  if (options.topProducts)
    report.top_products = zbdd
      .topProducts(root, options.topProducts, p)
      .map((x) => named(x.literals, x.probability));
  if (options.listProducts) {
    report.product_list = [];
    for (const ls of zbdd.products(root))
      report.product_list.push(
        named(
          ls,
          ls.reduce((a, l) => a * p(l), 1),
        ),
      );
  }
  report.seconds = now() - start;
  return report;
}

/** SCRAM's definitions: every factor follows from p, MIF and P(top). */
export function importanceFactors(p: number, mif: number, top: number, fv: number): Importance {
  const raw = top > 0 ? 1 + ((1 - p) * mif) / top : 0;
  const down = top - p * mif;
  return {
    probability: p,
    mif,
    cif: top > 0 ? (p * mif) / top : 0,
    dif: p * raw,
    raw,
    // P(top | ¬e) = 0 makes RRW infinite; reported as 0, as SCRAM prints it (JSON has no infinity)
    rrw: down > top * 1e-12 ? top / down : 0,
    fv,
  };
}

/**
 * Min-cut upper bound 1 − Π(1 − P(product)), and each event's MIF as P|p=1 − P|p=0 of that bound,
 * all from one enumeration of the products (sums of logarithms per event).
 */
function mcub(prods: Products, variables: number): { probability: number; mif: (v: number) => number } {
  const { zbdd, root, p, prime } = prods;
  let logAll = 0;
  let certain = 0;
  const logWith = new Float64Array(variables); // Σ log(1 − P(S)) over S ∋ v
  const logIfOne = new Float64Array(variables); // Σ log(1 − P(S)/p_v) over S ∋ v
  const certainIfOne = new Int32Array(variables);
  const certainWith = new Int32Array(variables);
  for (const ls of zbdd.products(root)) {
    let ps = 1;
    for (const l of ls) ps *= p(l);
    const lg = Math.log1p(-ps);
    if (ps >= 1) certain++;
    else logAll += lg;
    for (const l of ls) {
      if (prime && l & 1) continue;
      const v = prime ? l >> 1 : l;
      if (ps >= 1) certainWith[v]++;
      else logWith[v] += lg;
      const q = p(l);
      const rest = q > 0 ? ps / q : ls.reduce((a, x) => (x === l ? a : a * p(x)), 1);
      if (rest >= 1) certainIfOne[v]++;
      else logIfOne[v] += Math.log1p(-rest);
    }
  }
  const probability = certain ? 1 : -Math.expm1(logAll);
  return {
    probability,
    mif(v) {
      const base = logAll - logWith[v];
      const c0 = certain - certainWith[v];
      const p0 = c0 ? 1 : -Math.expm1(base);
      const p1 = c0 + certainIfOne[v] ? 1 : -Math.expm1(base + logIfOne[v]);
      return p1 - p0;
    },
  };
}
