import {
  FALSE as BDD_FALSE,
  TRUE as BDD_TRUE,
  type Bdd,
  ComputedTable,
  type Node,
  NodeTable,
} from './bdd.js';

/** Most high edges on any path of a BDD from each node: a bound on the order of its minimal solutions. */
function maxPositive(bdd: Bdd, roots: Node[]): Int32Array {
  const t = bdd.nodes;
  const depth = new Int32Array(t.size);
  const scratch = new Uint8Array(t.size);
  for (const f of roots)
    for (const n of bdd.reachable(f, scratch))
      if (n > 1) depth[n] = Math.max(1 + depth[t.high[n]], depth[t.low[n]]);
  return depth;
}

/** The empty family (no product) and the family holding only the empty product. */
export const EMPTY = 0;
export const BASE = 1;

const OP_WITHOUT = 1;
const OP_UNION = 2;
const OP_DIFF = 3;
const OP_JOIN = 4;

/**
 * Zero-suppressed decision diagrams: families of products (sets of literals). A node with a
 * high child EMPTY is never made. Variables are literal numbers; for cut sets the literal of
 * basic event v is v, for prime implicants 2v (failed) and 2v+1 (working).
 */
export class Zbdd {
  readonly nodes = new NodeTable(1 << 12);
  private cache = new ComputedTable(12);
  private cacheBits = 12;
  private ops = new Map<number, ComputedTable>();

  node(v: number, hi: Node, lo: Node): Node {
    if (hi === EMPTY) return lo;
    const n = this.nodes.make(v, hi, lo);
    // the computed tables grow with the diagram, or large problems thrash them
    if (this.nodes.size >> 1 > 1 << this.cacheBits && this.cacheBits < 23) {
      this.cacheBits++;
      this.cache.resize(this.cacheBits);
      for (const t of this.ops.values()) t.resize(this.cacheBits);
    }
    return n;
  }

  private table(op: number): ComputedTable {
    let t = this.ops.get(op);
    if (!t) {
      t = new ComputedTable(this.cacheBits);
      this.ops.set(op, t);
    }
    return t;
  }

  /** Products of F that contain no product of G (Rauzy's subsumption operator). */
  without(f: Node, g: Node): Node {
    if (f === EMPTY || g === EMPTY) return f;
    if (g === BASE || f === g) return EMPTY;
    if (f === BASE) return BASE; // G has no empty product here, so nothing in G is a subset of ∅
    const t = this.nodes;
    const c = this.cache;
    const hit = c.get(OP_WITHOUT, f, g);
    if (hit >= 0) return hit;
    const vf = t.variable[f];
    const vg = t.variable[g];
    let r: Node;
    if (vf < vg) r = this.node(vf, this.without(t.high[f], g), this.without(t.low[f], g));
    else if (vf > vg) r = this.without(f, t.low[g]);
    else
      r = this.node(
        vf,
        this.without(this.without(t.high[f], t.low[g]), t.high[g]),
        this.without(t.low[f], t.low[g]),
      );
    c.set(OP_WITHOUT, f, g, r);
    return r;
  }

  union(f: Node, g: Node): Node {
    if (f === EMPTY) return g;
    if (g === EMPTY || f === g) return f;
    if (f > g) [f, g] = [g, f];
    const c = this.table(OP_UNION);
    const hit = c.get(OP_UNION, f, g);
    if (hit >= 0) return hit;
    const t = this.nodes;
    const vf = t.variable[f];
    const vg = t.variable[g];
    let r: Node;
    if (vf < vg) r = this.node(vf, t.high[f], this.union(t.low[f], g));
    else if (vf > vg) r = this.node(vg, t.high[g], this.union(f, t.low[g]));
    else r = this.node(vf, this.union(t.high[f], t.high[g]), this.union(t.low[f], t.low[g]));
    c.set(OP_UNION, f, g, r);
    return r;
  }

  /**
   * Every union of a product of F with a product of G, for families over disjoint literals (the
   * cut sets of independent modules combine this way). Overlapping literals are an internal error.
   */
  join(f: Node, g: Node): Node {
    if (f === EMPTY || g === EMPTY) return EMPTY;
    if (f === BASE) return g;
    if (g === BASE) return f;
    const c = this.table(OP_JOIN);
    const hit = c.get(OP_JOIN, f, g);
    if (hit >= 0) return hit;
    const t = this.nodes;
    const vf = t.variable[f];
    const vg = t.variable[g];
    if (vf === vg) throw new RangeError(`join of families sharing literal ${vf}`);
    const r =
      vf < vg
        ? this.node(vf, this.join(t.high[f], g), this.join(t.low[f], g))
        : this.node(vg, this.join(f, t.high[g]), this.join(f, t.low[g]));
    c.set(OP_JOIN, f, g, r);
    return r;
  }

  /** Set difference of families (exact products, not subsumption). */
  difference(f: Node, g: Node): Node {
    if (f === EMPTY || f === g) return EMPTY;
    if (g === EMPTY) return f;
    const c = this.table(OP_DIFF);
    const hit = c.get(OP_DIFF, f, g);
    if (hit >= 0) return hit;
    const t = this.nodes;
    const vf = t.variable[f];
    const vg = t.variable[g];
    let r: Node;
    if (vf < vg) r = this.node(vf, t.high[f], this.difference(t.low[f], g));
    else if (vf > vg) r = this.difference(f, t.low[g]);
    else r = this.node(vf, this.difference(t.high[f], t.high[g]), this.difference(t.low[f], t.low[g]));
    c.set(OP_DIFF, f, g, r);
    return r;
  }

  /**
   * Minimal cut sets of a BDD (Rauzy 1993): MCS(ite(x, f1, f0)) = x·(MCS(f1) ∖ MCS(f0)) ∪ MCS(f0).
   * Products longer than `limit` are dropped on the way, which is safe: a superset of a dropped
   * product is longer still. Negated variables are dropped (the monotone closure), as SCRAM does
   * when prime implicants are not asked for.
   */
  minimalCutSets(bdd: Bdd, f: Node, limit = Infinity): Node {
    return this.minimalCutSetsOf(bdd, [f], limit)[0];
  }

  /**
   * The minimal cut sets of several functions of one BDD manager (the modules of a tree), sharing
   * the work tables: one pass of the size of the manager, not one per function.
   */
  minimalCutSetsOf(bdd: Bdd, roots: Node[], limit = Infinity): Node[] {
    // A small limit prunes the work on the way down; a large one is cheaper applied to the result,
    // where only the products that are too long need rebuilding.
    if (limit > 10) {
      const all = this.minimalCutSetsBounded(bdd, roots, Infinity);
      return Number.isFinite(limit) ? this.truncateAll(all, limit) : all;
    }
    return this.minimalCutSetsBounded(bdd, roots, limit);
  }

  /** The products of order ≤ k. */
  truncate(f: Node, k: number): Node {
    return this.truncateAll([f], k)[0];
  }

  /** The products of order ≤ k of each family, sharing one table of longest products. */
  truncateAll(roots: Node[], k: number): Node[] {
    const t = this.nodes;
    const longest = new Int32Array(t.size);
    const scratch = new Uint8Array(t.size);
    for (const f of roots)
      for (const n of this.reachable(f, scratch))
        if (n > 1) longest[n] = Math.max(1 + longest[t.high[n]], longest[t.low[n]]);
    const memo = new Map<number, Node>();
    const stride = k + 1;
    const rec = (n: Node, b: number): Node => {
      if (b < 0) return EMPTY;
      if (n < 2 || longest[n] <= b) return n;
      const key = n * stride + b;
      const m = memo.get(key);
      if (m !== undefined) return m;
      const r = this.node(t.variable[n], rec(t.high[n], b - 1), rec(t.low[n], b));
      memo.set(key, r);
      return r;
    };
    return roots.map((f) => rec(f, k));
  }

  private minimalCutSetsBounded(bdd: Bdd, roots: Node[], limit: number): Node[] {
    const t = bdd.nodes;
    // Below a node whose paths hold at most `limit` positive variables the limit cannot bite, so
    // the result depends on the node alone: a flat array memo. Elsewhere the remaining order is
    // part of the key: one map per remaining order (a single Map would overflow its 2^24 entries).
    const maxPos = maxPositive(bdd, roots);
    const exact = new Int32Array(t.size).fill(-1);
    const byBudget: Map<number, Node>[] = [];
    const bounded = {
      get: (_: number, n: number, b: number) => byBudget[b]?.get(n) ?? -1,
      set: (_: number, n: number, b: number, r: Node) => {
        let m = byBudget[b];
        if (!m) {
          m = new Map();
          byBudget[b] = m;
        }
        m.set(n, r);
      },
    };
    const rec = (n: Node, budget: number): Node => {
      if (n < 2) return n === BDD_TRUE ? BASE : EMPTY;
      const free = budget >= maxPos[n];
      if (free) {
        const m = exact[n];
        if (m >= 0) return m;
      } else {
        const m = bounded.get(-1, n, budget);
        if (m >= 0) return m;
      }
      const lo = rec(t.low[n], budget);
      const hi = budget > 0 ? this.without(rec(t.high[n], budget - 1), lo) : EMPTY;
      const r = this.node(t.variable[n], hi, lo);
      if (free) exact[n] = r;
      else bounded.set(-1, n, budget, r);
      return r;
    };
    const budget = Number.isFinite(limit) ? limit : 0x3fffffff;
    return roots.map((f) => rec(f, budget));
  }

  /**
   * Prime implicants of a (non-coherent) BDD, over literals 2v (v failed) and 2v+1 (v working):
   * PI(f) = PI(f0∧f1) ∪ x·(PI(f1) − PI(f0∧f1)) ∪ x̄·(PI(f0) − PI(f0∧f1)).
   */
  primeImplicants(bdd: Bdd, f: Node, limit = Infinity): Node {
    const t = bdd.nodes;
    const byBudget: Map<number, Node>[] = [];
    const memo = {
      get: (_: number, n: number, b: number) => byBudget[b]?.get(n) ?? -1,
      set: (_: number, n: number, b: number, r: Node) => {
        let m = byBudget[b];
        if (!m) {
          m = new Map();
          byBudget[b] = m;
        }
        m.set(n, r);
      },
    };
    const rec = (n: Node, budget: number): Node => {
      if (n === BDD_FALSE) return EMPTY;
      if (n === BDD_TRUE) return BASE;
      if (budget < 0) return EMPTY;
      const m = memo.get(-2, n, budget);
      if (m >= 0) return m;
      const v = t.variable[n];
      const f1 = t.high[n];
      const f0 = t.low[n];
      const both = rec(bdd.and(f1, f0), budget);
      let hi = EMPTY;
      let lo = EMPTY;
      if (budget > 0) {
        hi = this.difference(rec(f1, budget - 1), both);
        lo = this.difference(rec(f0, budget - 1), both);
      }
      // literal 2v above 2v+1 above the rest
      const r = this.node(2 * v, hi, this.node(2 * v + 1, lo, both));
      memo.set(-2, n, budget, r);
      return r;
    };
    return rec(f, Number.isFinite(limit) ? limit : 0x3fffffff);
  }

  /** Nodes reachable from f, children first; `scratch` as in `Bdd.reachable`. */
  reachable(f: Node, scratch?: Uint8Array): Int32Array {
    const t = this.nodes;
    const seen = scratch ?? new Uint8Array(t.size);
    const out: number[] = [];
    const stack: number[] = [f];
    while (stack.length) {
      const n = stack.pop()!;
      if (n < 0) {
        out.push(~n);
        continue;
      }
      if (seen[n]) continue;
      seen[n] = 1;
      if (n < 2) {
        out.push(n);
        continue;
      }
      stack.push(~n);
      if (!seen[t.low[n]]) stack.push(t.low[n]);
      if (!seen[t.high[n]]) stack.push(t.high[n]);
    }
    if (scratch) for (const n of out) scratch[n] = 0;
    return Int32Array.from(out);
  }

  /** Number of products, without enumerating them. */
  count(f: Node): number {
    const t = this.nodes;
    const c = new Float64Array(t.size);
    c[BASE] = 1;
    for (const n of this.reachable(f)) if (n > 1) c[n] = c[t.high[n]] + c[t.low[n]];
    return c[f];
  }

  /** distribution[k] = number of products of order k, without enumerating them. */
  distribution(f: Node): number[] {
    const t = this.nodes;
    const order = this.reachable(f);
    const dist: (Float64Array | undefined)[] = new Array(t.size);
    dist[EMPTY] = new Float64Array(0);
    dist[BASE] = Float64Array.of(1);
    for (const n of order) {
      if (n < 2) continue;
      const h = dist[t.high[n]]!;
      const l = dist[t.low[n]]!;
      const d = new Float64Array(Math.max(h.length + 1, l.length));
      d.set(l);
      for (let k = 0; k < h.length; k++) d[k + 1] += h[k];
      dist[n] = d;
    }
    return Array.from(dist[f]!);
  }

  /** Literals that occur in some product. */
  literals(f: Node): number[] {
    const t = this.nodes;
    const s = new Set<number>();
    for (const n of this.reachable(f)) if (n > 1) s.add(t.variable[n]);
    return [...s].sort((a, b) => a - b);
  }

  /** Σ over products of Π of literal probabilities (the rare-event sum). */
  sum(f: Node, p: (literal: number) => number): number {
    const t = this.nodes;
    const val = new Float64Array(t.size);
    val[BASE] = 1;
    for (const n of this.reachable(f)) if (n > 1) val[n] = p(t.variable[n]) * val[t.high[n]] + val[t.low[n]];
    return val[f];
  }

  /**
   * For each literal l: Σ over products containing l of Π of the other literals' probabilities
   * (the derivative of the rare-event sum), in one bottom-up and one top-down pass.
   */
  sumDerivatives(
    f: Node,
    p: (literal: number) => number,
    literals: number,
  ): { sum: number; derivative: Float64Array } {
    const t = this.nodes;
    const order = this.reachable(f);
    const val = new Float64Array(t.size);
    val[BASE] = 1;
    for (const n of order) if (n > 1) val[n] = p(t.variable[n]) * val[t.high[n]] + val[t.low[n]];
    const reach = new Float64Array(t.size);
    reach[f] = 1;
    const derivative = new Float64Array(literals);
    for (let i = order.length - 1; i >= 0; i--) {
      const n = order[i];
      if (n < 2) continue;
      const v = t.variable[n];
      const r = reach[n];
      derivative[v] += r * val[t.high[n]];
      reach[t.high[n]] += r * p(v);
      reach[t.low[n]] += r;
    }
    return { sum: val[f], derivative };
  }

  /** Every product as a list of literals, depth first (callers bound the count). */
  *products(f: Node): Generator<number[]> {
    yield* this.productsFrom(f, 0, []);
  }

  private *productsFrom(n: Node, depth: number, path: number[]): Generator<number[]> {
    const t = this.nodes;
    while (n > 1) {
      path.length = depth;
      yield* this.productsFrom(t.low[n], depth, path);
      path.length = depth;
      path[depth] = t.variable[n];
      depth++;
      n = t.high[n];
    }
    if (n === BASE) yield path.slice(0, depth);
  }

  /**
   * The `n` most probable products, by branch and bound: a subtree is explored only if the best
   * product it can hold beats the n-th best found so far.
   */
  topProducts(
    f: Node,
    n: number,
    p: (literal: number) => number,
  ): { literals: number[]; probability: number }[] {
    const t = this.nodes;
    const order = this.reachable(f);
    const best = new Float64Array(t.size);
    best[BASE] = 1;
    for (const x of order) if (x > 1) best[x] = Math.max(p(t.variable[x]) * best[t.high[x]], best[t.low[x]]);
    const found: { literals: number[]; probability: number }[] = [];
    const threshold = () => (found.length < n ? -1 : found[found.length - 1].probability);
    const path: number[] = [];
    const rec = (x: Node, prob: number) => {
      if (x === EMPTY || prob * best[x] <= threshold()) return;
      if (x === BASE) {
        found.push({ literals: path.slice(), probability: prob });
        found.sort((a, b) => b.probability - a.probability);
        if (found.length > n) found.pop();
        return;
      }
      const v = t.variable[x];
      path.push(v);
      rec(t.high[x], prob * p(v));
      path.pop();
      rec(t.low[x], prob);
    };
    rec(f, 1);
    return found;
  }
}
