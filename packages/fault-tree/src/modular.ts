// Modular compilation: one BDD per independent module, each standing as one variable in its parent.
import { Bdd, FALSE, type Node, TRUE } from './bdd.js';
import type { CcfEvent } from './ccf.js';
import { applyOperator, type CompileOptions, findModules, type Prepared, prepare } from './compile.js';
import { ftReason } from './error-texts.js';
import { ModelError } from './errors.js';
import type { CcfGroup, Model } from './model.js';
import {
  argEvent,
  buildOrder,
  buildTree,
  type Decomposition,
  decompose,
  FALSE_ARG,
  TRUE_ARG,
} from './modules.js';

/** One module: its BDD over its own events and the variables of the modules directly below it. */
export interface ModulePart {
  /** the module's gate; absent for a nested formula or a group of arguments */
  gate?: string;
  /** the BDD variable standing for this module in its parent; −1 for the top */
  level: number;
  /** the function the variable stands for (the module, or its complement when `negated`) */
  root: Node;
  /**
   * The module is true when all its events are false: then `root` is its complement and the
   * parent uses the negated variable, so that every module's cut sets can replace its variable
   * (a substitution that needs the module false at the empty assignment).
   */
  negated: boolean;
  /** part index of the module this one is a variable of; −1 for the top */
  parent: number;
  children: number[];
  /** the nodes of `root`, children before parents */
  order: Int32Array;
}

/**
 * A model compiled module by module (`compileModular`). Every BDD lives in one manager, each over
 * its own variables: a level is either a basic event or a module's variable, placed just before
 * the first event of the module, where the module's events would be in the monolithic order.
 * `variables`, `index` and `probabilities` are by event index, as in `Compiled`.
 */
export interface ModularCompiled {
  kind: 'modular';
  top: string;
  model: Model;
  bdd: Bdd;
  variables: string[];
  index: Map<string, number>;
  probabilities: Float64Array;
  gateCount: number;
  /** gates that are modules (reported as by `compile`) */
  modules: string[];
  ccfEvents: CcfEvent[];
  ccfGroups: CcfGroup[];
  coherent: boolean;
  /** children before parents; the top's part last */
  parts: ModulePart[];
  levelCount: number;
  /** level of each basic event */
  eventLevel: Int32Array;
  /** by level: the basic event, or −1 */
  levelEvent: Int32Array;
  /** by level: the part whose variable it is, or −1 */
  levelPart: Int32Array;
}

export function isModular(c: object): c is ModularCompiled {
  return (c as { kind?: string }).kind === 'modular';
}

/**
 * Compiles each module of the tree under the top into its own BDD (Dutuit–Rauzy modules plus
 * groups of independent gate arguments, see `decompose`). The top's probability is exact by
 * independence: each module's variable gets the module's probability.
 */
export function compileModular(source: Model, options: CompileOptions = {}): ModularCompiled {
  if (options.all) throw new ModelError(ftReason('modular-all'));
  return compileModularPrepared(prepare(source, options), options);
}

/** The modules of the tree under the top (`decompose` on `buildTree`). */
export function decomposePrepared(prepared: Prepared): Decomposition {
  return decompose(buildTree(prepared), prepared.variables.length);
}

/** Whether anything below the top is a module (else the modular machinery has nothing to split). */
export function hasModules(dec: Decomposition): boolean {
  return dec.isModule.some((m, node) => m === 1 && node !== dec.tree.root);
}

export function compileModularPrepared(
  prepared: Prepared,
  options: CompileOptions = {},
  dec: Decomposition = decomposePrepared(prepared),
): ModularCompiled {
  const n = prepared.variables.length;
  const levels = assignLevels(dec, n);
  const bdd = new Bdd(options.maxNodes);
  const built = buildParts(bdd, dec, buildOrder(dec.tree, prepared.reachableGates), levels);
  const parts = linkParts(bdd, built, levels.levelCount);
  const levelPart = new Int32Array(levels.levelCount).fill(-1);
  parts.forEach((p, i) => {
    if (p.level >= 0) levelPart[p.level] = i;
  });
  return {
    kind: 'modular',
    top: prepared.top,
    model: prepared.model,
    bdd,
    variables: prepared.variables,
    index: prepared.index,
    probabilities: prepared.probabilities,
    gateCount: prepared.gateCount,
    modules: findModules(prepared.model, prepared.top),
    ccfEvents: prepared.ccfEvents,
    ccfGroups: prepared.ccfGroups,
    coherent: prepared.coherent,
    parts,
    levelCount: levels.levelCount,
    eventLevel: levels.eventLevel,
    levelEvent: levels.levelEvent,
    levelPart,
  };
}

interface Levels {
  levelCount: number;
  eventLevel: Int32Array;
  levelEvent: Int32Array;
  /** by tree node: its module variable's level, or −1 */
  nodeLevel: Int32Array;
}

/**
 * Events keep their order; a module's variable goes just before its first event. Module
 * variables sharing a first event are nested modules, never in the same BDD, so their relative
 * order does not matter.
 */
function assignLevels(dec: Decomposition, events: number): Levels {
  const nodes = dec.tree.nodes.length;
  const before: number[][] = Array.from({ length: events + 1 }, () => []);
  for (const node of dec.postOrder)
    if (dec.isModule[node] && node !== dec.tree.root) {
      const f = dec.firstEvent[node];
      before[f < 0 ? events : f].push(node);
    }
  const levelCount = events + before.reduce((k, b) => k + b.length, 0);
  const l: Levels = {
    levelCount,
    eventLevel: new Int32Array(events),
    levelEvent: new Int32Array(levelCount).fill(-1),
    nodeLevel: new Int32Array(nodes).fill(-1),
  };
  let level = 0;
  for (let v = 0; v <= events; v++) {
    for (const node of before[v]) {
      l.nodeLevel[node] = level++;
    }
    if (v < events) {
      l.eventLevel[v] = level;
      l.levelEvent[level++] = v;
    }
  }
  return l;
}

interface BuiltPart {
  gate?: string;
  level: number;
  root: Node;
  negated: boolean;
}

/**
 * Builds every node's BDD children first; a module's parents see its variable instead of its BDD.
 * A module whose BDD is a constant or a single literal stays inline: a variable would gain nothing.
 */
function buildParts(bdd: Bdd, dec: Decomposition, order: number[], levels: Levels): BuiltPart[] {
  const { nodes, root } = dec.tree;
  const { eventLevel, nodeLevel } = levels;
  // what a parent sees of each node: its BDD, or its module's variable
  const seen = new Int32Array(nodes.length);
  const t = bdd.nodes;
  const parts: BuiltPart[] = [];
  const argNode = (a: number): Node => {
    if (a >= 0) return seen[a];
    if (a === TRUE_ARG) return TRUE;
    if (a === FALSE_ARG) return FALSE;
    return bdd.variable(eventLevel[argEvent(a)]);
  };
  for (const n of order) {
    const node = nodes[n];
    const f = applyOperator(bdd, node, node.args.map(argNode));
    seen[n] = f;
    if (n === root) parts.push({ gate: node.gate, level: -1, root: f, negated: false });
    else if (dec.isModule[n] && f > TRUE && !(t.high[f] <= TRUE && t.low[f] <= TRUE)) {
      const negated = trueWhenAllFalse(bdd, f);
      const level = nodeLevel[n];
      parts.push({ gate: node.gate, level, root: negated ? bdd.not(f) : f, negated });
      const z = bdd.variable(level);
      seen[n] = negated ? bdd.not(z) : z;
    }
  }
  return parts;
}

/** The value at the assignment with every variable false: the all-low path. */
function trueWhenAllFalse(bdd: Bdd, f: Node): boolean {
  const low = bdd.nodes.low;
  while (f > TRUE) f = low[f];
  return f === TRUE;
}

/**
 * Finds each module's parent from the variables its parent's BDD actually holds (simplification
 * can remove one: that module then does not matter), and keeps the modules reachable from the top.
 */
function linkParts(bdd: Bdd, built: BuiltPart[], levelCount: number): ModulePart[] {
  const t = bdd.nodes;
  const partAt = new Int32Array(levelCount).fill(-1);
  for (let i = 0; i < built.length; i++) if (built[i].level >= 0) partAt[built[i].level] = i;
  const parent = new Int32Array(built.length).fill(-2);
  const orders: Int32Array[] = [];
  const scratch = new Uint8Array(bdd.size);
  // the root is built last: every node is below it
  const top = built.length - 1;
  parent[top] = -1;
  const stack = [top];
  while (stack.length) {
    const k = stack.pop()!;
    orders[k] = bdd.reachable(built[k].root, scratch);
    for (const x of orders[k]) {
      const j = x > TRUE ? partAt[t.variable[x]] : -1;
      if (j < 0 || parent[j] === k) continue;
      if (parent[j] !== -2)
        throw new ModelError(ftReason('internal-module-twice', { variable: t.variable[x] }));
      parent[j] = k;
      stack.push(j);
    }
  }
  // live parts, children before parents as built
  const index = new Int32Array(built.length).fill(-1);
  const parts: ModulePart[] = [];
  built.forEach((p, i) => {
    if (parent[i] === -2) return;
    index[i] = parts.length;
    parts.push({
      gate: p.gate,
      level: p.level,
      root: p.root,
      negated: p.negated,
      parent: parent[i],
      children: [],
      order: orders[i],
    });
  });
  for (const p of parts) {
    if (p.parent >= 0) p.parent = index[p.parent];
  }
  parts.forEach((p, i) => {
    if (p.parent >= 0) parts[p.parent].children.push(i);
  });
  return parts;
}

/** Probability of each level's variable: events from `p`, module variables bottom-up. */
function levelProbabilities(c: ModularCompiled, p: ArrayLike<number>, val: Float64Array): Float64Array {
  const pl = new Float64Array(c.levelCount);
  for (let v = 0; v < c.eventLevel.length; v++) pl[c.eventLevel[v]] = p[v];
  const t = c.bdd.nodes;
  val[TRUE] = 1;
  val[FALSE] = 0;
  for (const part of c.parts) {
    for (const x of part.order) {
      if (x <= TRUE) continue;
      const q = pl[t.variable[x]];
      val[x] = q * val[t.high[x]] + (1 - q) * val[t.low[x]];
    }
    if (part.level >= 0) pl[part.level] = val[part.root];
  }
  return pl;
}

/** Exact probability of the top, given event probabilities by event index. */
export function modularProbability(c: ModularCompiled, p: ArrayLike<number> = c.probabilities): number {
  const val = new Float64Array(c.bdd.size);
  levelProbabilities(c, p, val);
  return val[c.parts[c.parts.length - 1].root];
}

/**
 * P(top) and ∂P(top)/∂p_e for every event. By independence the chain rule holds through module
 * variables: ∂P(top)/∂p_e = ∂P(top)/∂P(M) · ∂P(M)/∂p_e, with e in module M, nested modules
 * composing; each factor is one derivative pass over one module's BDD, parents first.
 */
export function modularDerivatives(
  c: ModularCompiled,
  p: ArrayLike<number> = c.probabilities,
): { probability: number; derivative: Float64Array } {
  const t = c.bdd.nodes;
  const val = new Float64Array(c.bdd.size);
  const reach = new Float64Array(c.bdd.size);
  const pl = levelProbabilities(c, p, val);
  const local = new Float64Array(c.levelCount); // ∂P(module)/∂(its variable at this level)
  const weight = new Float64Array(c.parts.length); // ∂P(top)/∂P(module)
  weight[c.parts.length - 1] = 1;
  const scale = new Float64Array(c.levelCount);
  for (let k = c.parts.length - 1; k >= 0; k--) {
    const part = c.parts[k];
    const order = part.order;
    reach[part.root] = 1;
    for (let i = order.length - 1; i >= 0; i--) {
      const x = order[i];
      if (x <= TRUE) continue;
      const v = t.variable[x];
      const r = reach[x];
      const q = pl[v];
      local[v] += r * (val[t.high[x]] - val[t.low[x]]);
      scale[v] = weight[k];
      reach[t.high[x]] += r * q;
      reach[t.low[x]] += r * (1 - q);
    }
    for (const j of part.children) weight[j] = weight[k] * local[c.parts[j].level];
  }
  const derivative = new Float64Array(c.eventLevel.length);
  for (let v = 0; v < derivative.length; v++) {
    const l = c.eventLevel[v];
    derivative[v] = scale[l] * local[l];
  }
  return { probability: val[c.parts[c.parts.length - 1].root], derivative };
}
