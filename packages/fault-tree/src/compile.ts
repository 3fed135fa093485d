import { Bdd, FALSE, type Node, TRUE } from './bdd.js';
import { type CcfEvent, expandCcf } from './ccf.js';
import { ftReason } from './error-texts.js';
import { ModelError, ValidationError } from './errors.js';
import { evaluate } from './expression.js';
import type { CcfGroup } from './model.js';
import { type Arg, type Formula, type Model, type Operator, topGates } from './model.js';
import { evalContext, validateModel } from './validate.js';

export interface CompileOptions {
  /** the top gate; by default the only gate no other gate references */
  top?: string;
  /** expand common-cause groups (default true) */
  ccf?: boolean;
  /** cap on BDD nodes before giving up with a LimitError */
  maxNodes?: number;
  /** also build gates and events not under the top (diagnosis observes them too) */
  all?: boolean;
  /**
   * Variable-ordering heuristic: `depth-first` numbers events as a depth-first walk meets them;
   * `events-first` numbers a gate's own events before descending into its sub-gates; or an
   * explicit list of basic-event names (the rest follow depth-first).
   */
  variableOrder?: 'depth-first' | 'events-first' | string[];
}

/**
 * A model turned into one shared BDD: every gate reachable from the top has its node, every
 * basic event is a variable numbered by the ordering heuristic (index = level).
 */
export interface Compiled {
  top: string;
  model: Model;
  bdd: Bdd;
  root: Node;
  /** basic event names by variable index */
  variables: string[];
  index: Map<string, number>;
  /** point-estimate probability by variable index */
  probabilities: Float64Array;
  /** BDD node of every reachable gate */
  gates: Map<string, Node>;
  /** gates of the original model reachable from the top (CCF member gates excluded) */
  gateCount: number;
  /** gates that are modules: no event below them is shared with the rest of the tree */
  modules: string[];
  ccfEvents: CcfEvent[];
  /** the common-cause groups before expansion (uncertainty analysis re-samples their factors) */
  ccfGroups: CcfGroup[];
  /** whether any negation appears under the top (non-coherent tree) */
  coherent: boolean;
}

export function chooseTop(model: Model, top?: string): string {
  if (top !== undefined) {
    if (!model.gates.has(top)) throw new ModelError(ftReason('top-not-gate', { name: top }), { name: top });
    return top;
  }
  const tops = topGates(model);
  if (tops.length !== 1)
    throw new ModelError(
      tops.length
        ? ftReason('several-tops', { tops: tops.slice(0, 5).join(', '), more: Math.max(0, tops.length - 5) })
        : ftReason('no-gate'),
    );
  return tops[0];
}

/**
 * What the monolithic and the modular compilations share: the validated model with common-cause
 * groups expanded, the top, the variable order and each event's point probability.
 */
export interface Prepared {
  top: string;
  model: Model;
  variables: string[];
  index: Map<string, number>;
  probabilities: Float64Array;
  /** gates met by the ordering walk, the top's first (`fromTop` of them are under the top) */
  reachableGates: string[];
  gateCount: number;
  coherent: boolean;
  ccfEvents: CcfEvent[];
  ccfGroups: CcfGroup[];
}

export function prepare(source: Model, options: CompileOptions = {}): Prepared {
  validateModel(source);
  const originalGates = source.gates;
  const ctx0 = evalContext(source);
  const { model, events: ccfEvents } =
    options.ccf === false ? { model: source, events: [] } : expandCcf(source, ctx0);
  const top = chooseTop(model, options.top);
  const ctx = evalContext(model);

  // Variable ordering: depth-first from the top, children in their written order, so that the
  // events of one subtree (and so of one module) get neighbouring levels.
  const index = new Map<string, number>();
  const variables: string[] = [];
  const reachableGates: string[] = [];
  const seenGate = new Set<string>();
  let coherent = true;
  let scanningTop = true;
  const visitArg = (a: Arg, stack: string[]) => {
    if (a.type === 'formula') {
      if (
        a.op === 'not' ||
        a.op === 'xor' ||
        a.op === 'iff' ||
        a.op === 'imply' ||
        a.op === 'nand' ||
        a.op === 'nor' ||
        a.op === 'cardinality'
      )
        coherent = coherent && !scanningTop;
      for (let i = a.args.length - 1; i >= 0; i--) visitArg(a.args[i], stack);
    } else if (a.type === 'ref') stack.push(a.name);
  };
  const eventsFirst = options.variableOrder === 'events-first';
  if (Array.isArray(options.variableOrder))
    for (const name of options.variableOrder) {
      if (!model.basicEvents.has(name)) throw new ModelError(ftReason('order-not-basic', { name }), { name });
      if (!index.has(name)) {
        index.set(name, variables.length);
        variables.push(name);
      }
    }
  const starts = [top];
  if (options.all) starts.push(...[...model.gates.keys()].filter((g) => g !== top));
  let fromTop = 0;
  for (const start of starts) {
    const stack = [start];
    while (stack.length) {
      const name = stack.pop()!;
      const g = model.gates.get(name);
      if (g) {
        if (seenGate.has(name)) continue;
        seenGate.add(name);
        reachableGates.push(name);
        const before = stack.length;
        visitArg(g.formula, stack);
        if (eventsFirst)
          for (let i = stack.length - 1; i >= before; i--) {
            const e = stack[i];
            if (model.basicEvents.has(e) && !index.has(e)) {
              index.set(e, variables.length);
              variables.push(e);
            }
          }
      } else if (model.basicEvents.has(name) && !index.has(name)) {
        index.set(name, variables.length);
        variables.push(name);
      }
    }
    if (start === top) fromTop = reachableGates.length;
    scanningTop = false;
  }
  if (options.all)
    for (const name of model.basicEvents.keys())
      if (!index.has(name)) {
        index.set(name, variables.length);
        variables.push(name);
      }
  const probabilities = new Float64Array(variables.length);
  variables.forEach((name, i) => {
    const be = model.basicEvents.get(name)!;
    if (!be.expression)
      throw new ValidationError(
        ftReason('no-probability'),
        be.where ?? { element: 'define-basic-event', name },
      );
    probabilities[i] = evaluate(be.expression, ctx);
  });

  return {
    top,
    model,
    variables,
    index,
    probabilities,
    reachableGates,
    gateCount: reachableGates.slice(0, fromTop).filter((n) => originalGates.has(n)).length,
    coherent,
    ccfEvents,
    ccfGroups: options.ccf === false ? [] : source.ccfGroups,
  };
}

/** One shared BDD for the whole tree (and, with `all`, for every gate of the model). */
export function compile(source: Model, options: CompileOptions = {}): Compiled {
  return compilePrepared(prepare(source, options), options);
}

export function compilePrepared(prepared: Prepared, options: CompileOptions = {}): Compiled {
  const { top, model, variables, index, probabilities, reachableGates, ...rest } = prepared;
  const bdd = new Bdd(options.maxNodes);
  const gates = new Map<string, Node>();
  const build = (a: Arg): Node => {
    if (a.type === 'constant') return a.value ? TRUE : FALSE;
    if (a.type === 'ref') {
      const g = gates.get(a.name);
      if (g !== undefined) return g;
      const v = index.get(a.name);
      if (v !== undefined) return bdd.variable(v);
      const h = model.houseEvents.get(a.name);
      if (h) return h.state ? TRUE : FALSE; // constant propagation: house events are constants
      throw new ModelError(ftReason('internal-not-built', { name: a.name }), a.where);
    }
    return formula(a);
  };
  const formula = (f: Formula): Node => applyOperator(bdd, f, f.args.map(build));
  // children before parents, without recursion (gate chains can be long)
  for (let i = reachableGates.length - 1; i >= 0; i--) postOrder(reachableGates[i]);
  function postOrder(start: string) {
    const stack: [string, boolean][] = [[start, false]];
    while (stack.length) {
      const [name, expanded] = stack.pop()!;
      if (gates.has(name)) continue;
      const g = model.gates.get(name)!;
      if (expanded) {
        gates.set(name, formula(g.formula));
        continue;
      }
      stack.push([name, true]);
      const refs: string[] = [];
      const collect = (a: Arg) => {
        if (a.type === 'ref') {
          if (model.gates.has(a.name) && !gates.has(a.name)) refs.push(a.name);
        } else if (a.type === 'formula') a.args.forEach(collect);
      };
      collect(g.formula);
      for (const r of refs) stack.push([r, false]);
    }
  }
  return {
    ...rest,
    top,
    model,
    bdd,
    root: gates.get(top)!,
    variables,
    index,
    probabilities,
    gates,
    modules: findModules(model, top),
  };
}

/** The BDD of a connective applied to its arguments' BDDs. */
export function applyOperator(bdd: Bdd, f: { op: Operator; min?: number; max?: number }, xs: Node[]): Node {
  switch (f.op) {
    case 'null':
      return xs[0];
    case 'not':
      return bdd.not(xs[0]);
    case 'and':
      return balanced(xs, (x, y) => bdd.and(x, y), TRUE);
    case 'or':
      return balanced(xs, (x, y) => bdd.or(x, y), FALSE);
    case 'nand':
      return bdd.not(balanced(xs, (x, y) => bdd.and(x, y), TRUE));
    case 'nor':
      return bdd.not(balanced(xs, (x, y) => bdd.or(x, y), FALSE));
    case 'xor':
      return bdd.xor(xs[0], xs[1]);
    case 'iff':
      return bdd.iff(xs[0], xs[1]);
    case 'imply':
      return bdd.or(bdd.not(xs[0]), xs[1]);
    case 'atleast':
      return atLeast(bdd, xs, f.min ?? 1);
    case 'cardinality': {
      const lo = atLeast(bdd, xs, f.min ?? 0);
      return bdd.and(lo, bdd.not(atLeast(bdd, xs, (f.max ?? xs.length) + 1)));
    }
  }
}

/** Combines in a balanced tree: BDDs of similar size meet, which keeps intermediate results small. */
function balanced(xs: Node[], op: (a: Node, b: Node) => Node, unit: Node): Node {
  if (!xs.length) return unit;
  let layer = xs;
  while (layer.length > 1) {
    const next: Node[] = [];
    for (let i = 0; i < layer.length; i += 2)
      next.push(i + 1 < layer.length ? op(layer[i], layer[i + 1]) : layer[i]);
    layer = next;
  }
  return layer[0];
}

/** k-out-of-n by the recurrence T(i, j) = ite(x_i, T(i+1, j−1), T(i+1, j)). */
export function atLeast(bdd: Bdd, xs: Node[], k: number): Node {
  if (k <= 0) return TRUE;
  if (k > xs.length) return FALSE;
  // row[j] = at least j among xs[i..]
  let row: Node[] = new Array(k + 1).fill(FALSE);
  row[0] = TRUE;
  for (let i = xs.length - 1; i >= 0; i--) {
    const next: Node[] = [TRUE];
    for (let j = 1; j <= k; j++) next.push(bdd.ite(xs[i], row[j - 1], row[j]));
    row = next;
  }
  return row[k];
}

/**
 * Module detection (Dutuit & Rauzy): in one depth-first traversal, a gate is a module when every
 * node below it is first and last reached between the gate's entry and exit dates.
 */
export function findModules(model: Model, top: string): string[] {
  let clock = 0;
  const enter = new Map<string, number>();
  const exit = new Map<string, number>();
  const last = new Map<string, number>();
  const kids = new Map<string, string[]>();
  const childrenOf = (name: string): string[] => {
    let k = kids.get(name);
    if (k) return k;
    k = [];
    const collect = (a: Arg) => {
      if (a.type === 'ref') k!.push(a.name);
      else if (a.type === 'formula') a.args.forEach(collect);
    };
    const g = model.gates.get(name);
    if (g) collect(g.formula);
    kids.set(name, k);
    return k;
  };
  const stack: [string, number][] = [[top, 0]];
  enter.set(top, ++clock);
  last.set(top, clock);
  while (stack.length) {
    const frame = stack[stack.length - 1];
    const k = childrenOf(frame[0]);
    if (frame[1] < k.length) {
      const c = k[frame[1]++];
      last.set(c, ++clock);
      if (!enter.has(c)) {
        enter.set(c, clock);
        if (model.gates.has(c)) stack.push([c, 0]);
        else exit.set(c, clock);
      }
    } else {
      exit.set(frame[0], ++clock);
      last.set(frame[0], Math.max(last.get(frame[0])!, clock));
      stack.pop();
    }
  }
  // min first-visit and max last-visit over each gate's descendants, children before parents
  const lo = new Map<string, number>();
  const hi = new Map<string, number>();
  const order = [...exit.keys()].filter((n) => model.gates.has(n));
  for (const g of order) {
    let a = Infinity;
    let b = -Infinity;
    for (const c of childrenOf(g)) {
      a = Math.min(a, enter.get(c)!, lo.get(c) ?? Infinity);
      b = Math.max(b, last.get(c)!, hi.get(c) ?? -Infinity);
    }
    lo.set(g, a);
    hi.set(g, b);
  }
  return order.filter((g) => lo.get(g)! > enter.get(g)! && hi.get(g)! < exit.get(g)!);
}
