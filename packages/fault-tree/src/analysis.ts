import { type Compiled, type CompileOptions, compile, compilePrepared, prepare } from './compile.js';
import type { Model } from './model.js';
import {
  compileModularPrepared,
  decomposePrepared,
  hasModules,
  isModular,
  type ModularCompiled,
  modularDerivatives,
  modularProbability,
} from './modular.js';
import {
  expandModularProducts,
  modularCutSets,
  modularDistribution,
  modularEventsInProducts,
} from './modular-products.js';
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
  /**
   * Analyse each independent module on its own BDD and cut-set family, standing as one variable
   * in its parent (default true); false builds one BDD for the whole tree. Results are the same.
   */
  modules?: boolean;
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
  const c = compileForAnalysis(model, options);
  return analyzeCompiled(c, options, start, now);
}

/**
 * The compilation `analyze` uses: module by module unless `modules: false`, or `all` (which asks
 * for every gate's node in one BDD), or prime implicants of a non-coherent tree (computed on one
 * BDD: a module's prime implicants would need its complement's as well), or a tree with no module
 * below its top (nothing to split: one BDD, without the bookkeeping).
 */
export function compileForAnalysis(model: Model, options: AnalysisOptions = {}): Compiled | ModularCompiled {
  const prepared = prepare(model, options);
  if (options.modules === false || options.all || (options.primeImplicants && !prepared.coherent))
    return compilePrepared(prepared, options);
  const dec = decomposePrepared(prepared);
  return hasModules(dec)
    ? compileModularPrepared(prepared, options, dec)
    : compilePrepared(prepared, options);
}

export interface Products {
  zbdd: Zbdd;
  root: number;
  /** literal probability: for prime implicants, literal(v) + 1 is v working */
  p: (literal: number) => number;
  name: (literal: number) => string;
  prime: boolean;
  /** literal codes are below this (sizes per-literal tables) */
  literals: number;
  /** the literal of event v failed */
  literal: (v: number) => number;
  /** the event of a literal */
  event: (literal: number) => number;
}

export function productsOf(
  c: Compiled | ModularCompiled,
  options: { limitOrder?: number; primeImplicants?: boolean } = {},
): Products {
  const limit = options.limitOrder ?? 20;
  const prime = !!options.primeImplicants && !c.coherent;
  if (isModular(c)) {
    if (!prime) {
      const m = modularCutSets(c, limit);
      // with the top as the only module, there is no module variable to substitute
      return modularProducts(c, m.zbdd, c.parts.length > 1 ? expandModularProducts(m) : m.roots[0]);
    }
    c = monolithicOf(c);
  }
  const zbdd = new Zbdd();
  const root = prime ? zbdd.primeImplicants(c.bdd, c.root, limit) : zbdd.minimalCutSets(c.bdd, c.root, limit);
  const pr = c.probabilities;
  const names = c.variables;
  return {
    zbdd,
    root,
    prime,
    literals: prime ? 2 * names.length : names.length,
    p: prime ? (l) => (l & 1 ? 1 - pr[l >> 1] : pr[l >> 1]) : (l) => pr[l],
    name: prime ? (l) => (l & 1 ? `not ${names[l >> 1]}` : names[l >> 1]) : (l) => names[l],
    literal: prime ? (v) => 2 * v : (v) => v,
    event: prime ? (l) => l >> 1 : (l) => l,
  };
}

/** Products of a modular compilation, once expanded: literals are levels of event variables. */
function modularProducts(c: ModularCompiled, zbdd: Zbdd, root: number): Products {
  const pr = c.probabilities;
  return {
    zbdd,
    root,
    prime: false,
    literals: c.levelCount,
    p: (l) => pr[c.levelEvent[l]],
    name: (l) => c.variables[c.levelEvent[l]],
    literal: (v) => c.eventLevel[v],
    event: (l) => c.levelEvent[l],
  };
}

/** The same tree on one BDD, in the same event order (prime implicants fall back to it). */
function monolithicOf(c: ModularCompiled): Compiled {
  return compile(c.model, { top: c.top, ccf: false, variableOrder: c.variables });
}

/** What the report needs from the products: counted, distributed, their events, and the family. */
interface Family {
  count: number;
  /** index = order */
  distribution: number[];
  /** events in some product, by index */
  events: number[];
  /** the family itself (for sums over products, listing, top-N); built on first use */
  products: () => Products;
  /** nodes in the ZBDD manager so far */
  zbddNodes: () => number;
}

function familyOf(c: Compiled | ModularCompiled, options: AnalysisOptions): Family {
  const prime = !!options.primeImplicants && !c.coherent;
  if (isModular(c) && !prime && c.parts.length > 1) {
    // count and distribute by composing the modules' families; expand only if products are needed
    const m = modularCutSets(c, options.limitOrder ?? 20);
    const dist = Array.from(modularDistribution(m));
    while (dist.length && !dist[dist.length - 1]) dist.pop();
    let expanded: Products | undefined;
    return {
      count: dist.reduce((a, b) => a + b, 0),
      distribution: dist,
      events: [...modularEventsInProducts(m)].sort((a, b) => a - b),
      products: () => {
        expanded ??= modularProducts(c, m.zbdd, expandModularProducts(m));
        return expanded;
      },
      zbddNodes: () => m.zbdd.nodes.size,
    };
  }
  const prods = productsOf(c, options);
  const { zbdd, root } = prods;
  return {
    count: zbdd.count(root),
    distribution: root === EMPTY ? [] : zbdd.distribution(root),
    events: [...new Set(zbdd.literals(root).map(prods.event))].sort((a, b) => a - b),
    products: () => prods,
    zbddNodes: () => zbdd.nodes.size,
  };
}

/** P(top), and ∂P(top)/∂p for every event when asked. */
function exactProbability(
  c: Compiled | ModularCompiled,
  derivatives: boolean,
): { probability: number; derivative?: Float64Array } {
  if (isModular(c)) return derivatives ? modularDerivatives(c) : { probability: modularProbability(c) };
  if (derivatives) return c.bdd.derivatives(c.root, c.probabilities, c.variables.length);
  return { probability: c.bdd.probability(c.root, c.probabilities) };
}

export function analyzeCompiled(
  c: Compiled | ModularCompiled,
  options: AnalysisOptions,
  start: number,
  now: () => number = defaultNow,
): AnalysisReport {
  const approximation = options.approximation ?? 'exact';
  const family = familyOf(c, options);
  // SCRAM reports orders 1..max
  const dist = family.distribution.slice(1);
  if (family.distribution[0]) dist.unshift(family.distribution[0]);

  let probability: number;
  let mifOf: ((v: number) => number) | undefined;
  if (approximation === 'exact') {
    const exact = exactProbability(c, !!options.importance);
    probability = exact.probability;
    const d = exact.derivative;
    if (d) mifOf = (v) => d[v];
  } else if (approximation === 'rare-event') {
    const prods = family.products();
    const { sum, derivative } = prods.zbdd.sumDerivatives(prods.root, prods.p, prods.literals);
    probability = Math.min(1, sum);
    // SCRAM's MIF is P(top | e) − P(top | ¬e) of the capped sum, not the derivative
    mifOf = prods.prime
      ? (v) => derivative[prods.literal(v)] - derivative[prods.literal(v) + 1]
      : (v) => {
          const d = derivative[prods.literal(v)];
          const without = Math.max(0, sum - c.probabilities[v] * d);
          return Math.min(1, without + d) - Math.min(1, without);
        };
  } else {
    const m = mcub(family.products(), c.variables.length);
    probability = m.probability;
    mifOf = m.mif;
  }

  let importance: Record<string, Importance> | undefined;
  if (options.importance && mifOf) {
    importance = {};
    const prods = family.products();
    const fvs = prods.zbdd.sumDerivatives(prods.root, prods.p, prods.literals);
    for (const v of family.events) {
      const q = c.probabilities[v];
      const fvNum = q * fvs.derivative[prods.literal(v)];
      importance[c.variables[v]] = importanceFactors(q, mifOf(v), probability, fvs.sum ? fvNum / fvs.sum : 0);
    }
  }

  const report: AnalysisReport = {
    top: c.top,
    basic_events: family.events.length,
    gates: c.gateCount,
    products: family.count,
    distribution: dist,
    probability,
    approximation,
    bdd_nodes: c.bdd.size,
    zbdd_nodes: 0,
    modules: c.modules.length,
    coherent: c.coherent,
    seconds: 0,
  };
  if (importance) report.importance = importance;
  if (options.topProducts) {
    const { zbdd, root, p, name } = family.products();
    report.top_products = zbdd
      .topProducts(root, options.topProducts, p)
      .map((x) => ({ events: x.literals.map(name), probability: x.probability }));
  }
  if (options.listProducts) {
    const { zbdd, root, p, name } = family.products();
    report.product_list = [];
    for (const ls of zbdd.products(root))
      report.product_list.push({
        events: ls.map(name),
        probability: ls.reduce((a, l) => a * p(l), 1),
      });
  }
  report.zbdd_nodes = family.zbddNodes();
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
      const v = prods.event(l);
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
