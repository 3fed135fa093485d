import { ftReason } from './error-texts.js';
import { LimitError } from './errors.js';

/** A node reference in a BDD manager; 0 and 1 are the terminals. */
export type Node = number;
export const FALSE: Node = 0;
export const TRUE: Node = 1;
const TERMINAL_LEVEL = 0x7fffffff;

/**
 * Hash-consed decision-diagram nodes (variable, high, low) in flat typed arrays with an
 * open-addressing unique table: the shared core of the BDD and the ZBDD managers.
 * Variable numbers are levels: a smaller number is closer to the root.
 */
export class NodeTable {
  variable: Int32Array;
  high: Int32Array;
  low: Int32Array;
  size = 2;
  private buckets: Int32Array;
  private mask: number;

  constructor(
    capacity = 1 << 12,
    readonly maxNodes = 50_000_000,
  ) {
    this.variable = new Int32Array(capacity);
    this.high = new Int32Array(capacity);
    this.low = new Int32Array(capacity);
    this.variable[0] = this.variable[1] = TERMINAL_LEVEL;
    this.buckets = new Int32Array(capacity * 2).fill(-1);
    this.mask = capacity * 2 - 1;
  }

  level(n: Node): number {
    return this.variable[n];
  }

  /** Finds or creates the node; reduction rules are the caller's job. */
  make(v: number, hi: Node, lo: Node): Node {
    let h = hash3(v, hi, lo) & this.mask;
    const b = this.buckets;
    for (;;) {
      const n = b[h];
      if (n < 0) break;
      if (this.variable[n] === v && this.high[n] === hi && this.low[n] === lo) return n;
      h = (h + 1) & this.mask;
    }
    if (this.size === this.variable.length) {
      this.grow();
      return this.make(v, hi, lo);
    }
    const n = this.size++;
    this.variable[n] = v;
    this.high[n] = hi;
    this.low[n] = lo;
    b[h] = n;
    return n;
  }

  private grow(): void {
    const cap = this.variable.length * 2;
    if (this.variable.length >= this.maxNodes)
      throw new LimitError(ftReason('bdd-limit', { max: this.maxNodes }));
    const grow = (a: Int32Array) => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.variable = grow(this.variable);
    this.high = grow(this.high);
    this.low = grow(this.low);
    this.buckets = new Int32Array(cap * 2).fill(-1);
    this.mask = cap * 2 - 1;
    for (let n = 2; n < this.size; n++) {
      let h = hash3(this.variable[n], this.high[n], this.low[n]) & this.mask;
      while (this.buckets[h] >= 0) h = (h + 1) & this.mask;
      this.buckets[h] = n;
    }
  }
}

function hash3(a: number, b: number, c: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca77) ^ Math.imul(c, 0xc2b2ae3d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return (h ^ (h >>> 12)) >>> 0;
}

/** A lossy direct-mapped cache of (a, b, c) → result: the computed table. */
export class ComputedTable {
  private keys: Int32Array;
  private values: Int32Array;
  private mask: number;
  constructor(bits = 18) {
    this.keys = new Int32Array(3 << bits).fill(-1);
    this.values = new Int32Array(1 << bits);
    this.mask = (1 << bits) - 1;
  }
  get(a: number, b: number, c: number): number {
    const i = hash3(a, b, c) & this.mask;
    const k = i * 3;
    return this.keys[k] === a && this.keys[k + 1] === b && this.keys[k + 2] === c ? this.values[i] : -1;
  }
  set(a: number, b: number, c: number, r: number): void {
    const i = hash3(a, b, c) & this.mask;
    const k = i * 3;
    this.keys[k] = a;
    this.keys[k + 1] = b;
    this.keys[k + 2] = c;
    this.values[i] = r;
  }
  /** Bigger tables for bigger problems: the cache grows with the node count. */
  resize(bits: number): void {
    if ((1 << bits) - 1 <= this.mask) return;
    this.keys = new Int32Array(3 << bits).fill(-1);
    this.values = new Int32Array(1 << bits);
    this.mask = (1 << bits) - 1;
  }
}

/**
 * Reduced ordered binary decision diagrams over the if-then-else operator, with a unique table
 * (hash consing) and a computed table (memoised ITE). No complement edges: negation is an ITE
 * too, which keeps probability and derivative passes simple.
 */
export class Bdd {
  readonly nodes: NodeTable;
  // small at first (a tiny tree should not pay for filling megabytes), grown with the node count
  private cache = new ComputedTable(12);
  private cacheBits = 12;

  constructor(maxNodes?: number) {
    this.nodes = new NodeTable(1 << 12, maxNodes);
  }

  get size(): number {
    return this.nodes.size;
  }

  /** The function "variable v is true". */
  variable(v: number): Node {
    return this.node(v, TRUE, FALSE);
  }

  node(v: number, hi: Node, lo: Node): Node {
    return hi === lo ? hi : this.nodes.make(v, hi, lo);
  }

  ite(f: Node, g: Node, h: Node): Node {
    // terminal cases
    if (f === TRUE) return g;
    if (f === FALSE) return h;
    if (g === h) return g;
    if (g === TRUE && h === FALSE) return f;
    if (g === f) g = TRUE;
    if (h === f) h = FALSE;
    if (g === TRUE && h === FALSE) return f;
    if (g === h) return g;
    const hit = this.cache.get(f, g, h);
    if (hit >= 0) return hit;
    const t = this.nodes;
    const vf = t.variable[f];
    const vg = t.variable[g];
    const vh = t.variable[h];
    const v = Math.min(vf, vg, vh);
    const f1 = vf === v ? t.high[f] : f;
    const f0 = vf === v ? t.low[f] : f;
    const g1 = vg === v ? t.high[g] : g;
    const g0 = vg === v ? t.low[g] : g;
    const h1 = vh === v ? t.high[h] : h;
    const h0 = vh === v ? t.low[h] : h;
    const hi = this.ite(f1, g1, h1);
    const lo = this.ite(f0, g0, h0);
    const r = this.node(v, hi, lo);
    this.cache.set(f, g, h, r);
    if (t.size >> 2 > 1 << this.cacheBits && this.cacheBits < 23) this.cache.resize(++this.cacheBits);
    return r;
  }

  and(f: Node, g: Node): Node {
    return this.ite(f, g, FALSE);
  }
  or(f: Node, g: Node): Node {
    return this.ite(f, TRUE, g);
  }
  not(f: Node): Node {
    return this.ite(f, FALSE, TRUE);
  }
  xor(f: Node, g: Node): Node {
    return this.ite(f, this.not(g), g);
  }
  iff(f: Node, g: Node): Node {
    return this.ite(f, g, this.not(g));
  }

  /** f with variable v fixed to a value (cofactor). */
  restrict(f: Node, v: number, value: boolean): Node {
    const memo = new Map<Node, Node>();
    const t = this.nodes;
    const rec = (n: Node): Node => {
      const lv = t.variable[n];
      if (lv > v) return n;
      if (lv === v) return value ? t.high[n] : t.low[n];
      const m = memo.get(n);
      if (m !== undefined) return m;
      const r = this.node(lv, rec(t.high[n]), rec(t.low[n]));
      memo.set(n, r);
      return r;
    };
    return rec(f);
  }

  /**
   * Nodes reachable from f, children before parents (a topological order for bottom-up passes).
   * Callers walking many small diagrams of one big manager pass a zeroed `scratch` (of at least
   * `size` bytes), left zeroed on return, instead of paying a fresh array the size of the manager.
   */
  reachable(f: Node, scratch?: Uint8Array): Int32Array {
    const t = this.nodes;
    const seen = scratch ?? new Uint8Array(t.size);
    const out: number[] = [];
    const stack: number[] = [f];
    // iterative post-order: push a node twice, emit on the second pop
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

  /** Exact probability of f given independent variable probabilities (Shannon expansion, one pass). */
  probability(f: Node, p: ArrayLike<number>): number {
    const order = this.reachable(f);
    const t = this.nodes;
    const val = new Float64Array(t.size);
    val[TRUE] = 1;
    for (const n of order) {
      if (n < 2) continue;
      const q = p[t.variable[n]];
      val[n] = q * val[t.high[n]] + (1 - q) * val[t.low[n]];
    }
    return val[f];
  }

  /**
   * ∂P(f)/∂p_v for every variable v (the Birnbaum importance), in one bottom-up and one top-down
   * pass: a path through a node labelled v contributes reach(node)·(P(high) − P(low)).
   */
  derivatives(
    f: Node,
    p: ArrayLike<number>,
    variables: number,
  ): { probability: number; derivative: Float64Array } {
    const order = this.reachable(f);
    const t = this.nodes;
    const val = new Float64Array(t.size);
    val[TRUE] = 1;
    for (const n of order) {
      if (n < 2) continue;
      const q = p[t.variable[n]];
      val[n] = q * val[t.high[n]] + (1 - q) * val[t.low[n]];
    }
    const reach = new Float64Array(t.size);
    reach[f] = 1;
    const derivative = new Float64Array(variables);
    for (let i = order.length - 1; i >= 0; i--) {
      const n = order[i];
      if (n < 2) continue;
      const v = t.variable[n];
      const q = p[v];
      const r = reach[n];
      derivative[v] += r * (val[t.high[n]] - val[t.low[n]]);
      reach[t.high[n]] += r * q;
      reach[t.low[n]] += r * (1 - q);
    }
    return { probability: val[f], derivative };
  }
}
