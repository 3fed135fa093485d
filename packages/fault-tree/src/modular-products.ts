// Minimal cut sets module by module: each module's family over its events and its sub-modules'
// variables, counted and distributed by composing, expanded into one family only when needed.
import type { Node } from './bdd.js';
import type { ModularCompiled } from './modular.js';
import { BASE, EMPTY, Zbdd } from './zbdd.js';

/**
 * Why substitution is exact: let the top be g(z, R) with z = h(S) a module over events S disjoint
 * from R, and h false when all of S is false (`ModulePart.negated` arranges it). A minimal cut
 * set of the composition is then either a minimal cut set of g without z, or R ∪ S with R ∪ {z}
 * a minimal cut set of g and S one of h — exactly what replacing z by h's family gives. Products
 * only grow in the substitution, so each module's family can be cut at the order limit first.
 */
export interface ModularProducts {
  c: ModularCompiled;
  zbdd: Zbdd;
  /** by part: its minimal cut sets, a module's variable standing for any of the module's products */
  roots: Node[];
  limit: number;
}

export function modularCutSets(c: ModularCompiled, limit: number): ModularProducts {
  const zbdd = new Zbdd();
  const roots = zbdd.minimalCutSetsOf(
    c.bdd,
    c.parts.map((p) => p.root),
    limit,
  );
  return { c, zbdd, roots, limit };
}

/**
 * A bottom-up pass over every part's family, children first, so that a module variable's value
 * is its module's result: `leaf` gives the terminals, `combine` a node from its literal's value
 * and its children's results. One table of the size of the manager serves every part (parts share
 * no node but the terminals).
 */
function composeUp<T>(
  m: ModularProducts,
  leaf: (terminal: Node) => T,
  literal: (level: number, module: T | undefined) => T,
  combine: (lit: T, high: T, low: T) => T,
): T[] {
  const t = m.zbdd.nodes;
  const value: T[] = new Array(t.size);
  value[EMPTY] = leaf(EMPTY);
  value[BASE] = leaf(BASE);
  const scratch = new Uint8Array(t.size);
  const partValue: T[] = [];
  m.c.parts.forEach((_, k) => {
    for (const x of m.zbdd.reachable(m.roots[k], scratch)) {
      if (x <= BASE) continue;
      const level = t.variable[x];
      const j = m.c.levelPart[level];
      value[x] = combine(
        literal(level, j >= 0 ? partValue[j] : undefined),
        value[t.high[x]],
        value[t.low[x]],
      );
    }
    partValue[k] = value[m.roots[k]];
  });
  return partValue;
}

/** Number of products by order (index = order, 0 … limit) after substituting every module. */
export function modularDistribution(m: ModularProducts): Float64Array {
  const cap = m.limit + 1;
  const unit = Float64Array.of(0, 1);
  const byPart = composeUp<Float64Array>(
    m,
    (x) => (x === BASE ? Float64Array.of(1) : new Float64Array(0)),
    (_, module) => module ?? unit,
    (lit, high, low) => {
      const d = new Float64Array(Math.min(cap, Math.max(low.length, high.length + lit.length - 1)));
      d.set(low.subarray(0, d.length));
      for (let a = 0; a < lit.length; a++)
        if (lit[a]) for (let b = 0; b < high.length && a + b < d.length; b++) d[a + b] += lit[a] * high[b];
      return d;
    },
  );
  return byPart[byPart.length - 1];
}

/**
 * The basic events present in some product of order ≤ limit, without substituting: an event of
 * module M is present when its shortest product in M, plus the shortest context M can have in
 * the products above it, fits in the limit. Shortest lengths count a module variable as its
 * module's shortest product.
 */
export function modularEventsInProducts(m: ModularProducts): Set<number> {
  const { c, zbdd } = m;
  const t = zbdd.nodes;
  const INF = Number.POSITIVE_INFINITY;
  // shortest product below each node, a module variable weighing its module's shortest product
  const shortest = composeUp<number>(
    m,
    (x) => (x === BASE ? 0 : INF),
    (_, module) => module ?? 1,
    (lit, high, low) => Math.min(low, lit + high),
  );
  const weight = (level: number) => {
    const j = c.levelPart[level];
    return j >= 0 ? shortest[j] : 1;
  };
  const below = new Float64Array(t.size).fill(INF);
  const above = new Float64Array(t.size);
  const scratch = new Uint8Array(t.size);
  // shortest product of the current part holding each level (a level belongs to one part)
  const through = new Float64Array(c.levelCount).fill(INF);
  // ctx[k]: shortest rest of a top product holding module k's variable, besides the module
  const ctx = new Float64Array(c.parts.length).fill(INF);
  ctx[c.parts.length - 1] = 0;
  const present = new Set<number>();
  for (let k = c.parts.length - 1; k >= 0; k--) {
    if (ctx[k] >= INF) continue;
    const order = zbdd.reachable(m.roots[k], scratch);
    below[EMPTY] = INF;
    below[BASE] = 0;
    for (const x of order)
      if (x > BASE) below[x] = Math.min(below[t.low[x]], weight(t.variable[x]) + below[t.high[x]]);
    for (const x of order) above[x] = INF;
    above[m.roots[k]] = 0;
    const levels: number[] = [];
    for (let i = order.length - 1; i >= 0; i--) {
      const x = order[i];
      if (x <= BASE) continue;
      const level = t.variable[x];
      const w = weight(level);
      const len = above[x] + w + below[t.high[x]];
      if (through[level] === INF) levels.push(level);
      if (len < through[level]) through[level] = len;
      if (above[x] < above[t.low[x]]) above[t.low[x]] = above[x];
      if (above[x] + w < above[t.high[x]]) above[t.high[x]] = above[x] + w;
    }
    for (const level of levels) {
      const len = through[level];
      if (ctx[k] + len > m.limit) continue;
      const j = c.levelPart[level];
      if (j >= 0) ctx[j] = Math.min(ctx[j], ctx[k] + len - shortest[j]);
      else present.add(c.levelEvent[level]);
    }
  }
  return present;
}

/**
 * The top's products as one family over event levels, every module variable replaced by its
 * module's products (the family the monolithic analysis computes, node for node, since events keep
 * their relative order), cut at the limit.
 */
export function expandModularProducts(m: ModularProducts): Node {
  const { c, zbdd, limit } = m;
  const t = zbdd.nodes;
  const memo = new Int32Array(t.size).fill(-1);
  const expanded: Node[] = [];
  const single = (level: number) => zbdd.node(level, BASE, EMPTY);
  // `node` needs its literal above both children; a substituted module's events may not be
  const place = (level: number, high: Node, low: Node): Node =>
    level < t.variable[high] && level < t.variable[low]
      ? zbdd.node(level, high, low)
      : zbdd.union(zbdd.join(single(level), high), low);
  const rec = (x: Node): Node => {
    if (x <= BASE) return x;
    if (memo[x] >= 0) return memo[x];
    const level = t.variable[x];
    const high = rec(t.high[x]);
    const low = rec(t.low[x]);
    const j = c.levelPart[level];
    const r = j >= 0 ? zbdd.union(zbdd.join(expanded[j], high), low) : place(level, high, low);
    memo[x] = r;
    return r;
  };
  // cutting once at the end is enough: each part's family was already cut while it was built
  c.parts.forEach((_, k) => {
    expanded[k] = rec(m.roots[k]);
  });
  const top = expanded[expanded.length - 1];
  return Number.isFinite(limit) ? zbdd.truncate(top, limit) : top;
}
