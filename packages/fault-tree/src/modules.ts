// The tree under the top as numbered nodes, and its decomposition into independent modules.
import type { Prepared } from './compile.js';
import { ftReason } from './error-texts.js';
import { ModelError } from './errors.js';
import type { Arg, Formula, Operator } from './model.js';

/** Argument codes in a `TreeNode`: ≥ 0 another node, then the two constants, then basic events. */
export const FALSE_ARG = -1;
export const TRUE_ARG = -2;
/** The argument code of basic event v (its index in the variable order), and back. */
export const eventArg = (v: number): number => -3 - v;
export const argEvent = (a: number): number => -3 - a;
export const isEventArg = (a: number): boolean => a <= -3;

/** A gate, a nested formula or a group of arguments, with its arguments resolved to codes. */
export interface TreeNode {
  op: Operator;
  min?: number;
  max?: number;
  args: number[];
  /** the gate's name; absent for a nested formula or a group */
  gate?: string;
}

export interface Tree {
  nodes: TreeNode[];
  root: number;
}

/**
 * Numbers the gates and nested formulas under the top. House events become constants here, so
 * they never count as shared variables. Gates are resolved without recursion (chains can be
 * long); nested formulas recurse, bounded by the reader's nesting limit.
 */
export function buildTree(p: Prepared): Tree {
  const nodes: TreeNode[] = [];
  const gateId = new Map<string, number>();
  const pending: string[] = [];
  const idOf = (name: string): number => {
    let id = gateId.get(name);
    if (id === undefined) {
      id = nodes.length;
      nodes.push({ op: 'null', args: [], gate: name });
      gateId.set(name, id);
      pending.push(name);
    }
    return id;
  };
  const argCode = (a: Arg): number => {
    if (a.type === 'constant') return a.value ? TRUE_ARG : FALSE_ARG;
    if (a.type === 'formula') {
      const id = nodes.length;
      nodes.push({ op: a.op, args: [] });
      fill(nodes[id], a);
      return id;
    }
    if (p.model.gates.has(a.name)) return idOf(a.name);
    const v = p.index.get(a.name);
    if (v !== undefined) return eventArg(v);
    const h = p.model.houseEvents.get(a.name);
    if (h) return h.state ? TRUE_ARG : FALSE_ARG;
    throw new ModelError(ftReason('internal-neither', { name: a.name }), a.where);
  };
  const fill = (node: TreeNode, f: Formula) => {
    node.op = f.op;
    if (f.min !== undefined) node.min = f.min;
    if (f.max !== undefined) node.max = f.max;
    node.args = f.args.map(argCode);
  };
  const root = idOf(p.top);
  for (let name = pending.pop(); name !== undefined; name = pending.pop())
    fill(nodes[gateId.get(name)!], p.model.gates.get(name)!.formula);
  return { nodes, root };
}

/** Visit dates of a depth-first walk: entry, exit and last arrival of every node and event. */
interface Dates {
  enter: Int32Array;
  exit: Int32Array;
  last: Int32Array;
  eventEnter: Int32Array;
  eventLast: Int32Array;
  /** nodes in the order the walk leaves them: children before parents */
  postOrder: number[];
}

function visitDates(tree: Tree, events: number): Dates {
  const n = tree.nodes.length;
  const d: Dates = {
    enter: new Int32Array(n),
    exit: new Int32Array(n),
    last: new Int32Array(n),
    eventEnter: new Int32Array(events),
    eventLast: new Int32Array(events),
    postOrder: [],
  };
  let clock = 0;
  d.enter[tree.root] = d.last[tree.root] = ++clock;
  const stack: [number, number][] = [[tree.root, 0]];
  while (stack.length) {
    const frame = stack[stack.length - 1];
    const node = frame[0];
    const args = tree.nodes[node].args;
    if (frame[1] === args.length) {
      d.exit[node] = ++clock;
      d.postOrder.push(node);
      stack.pop();
      continue;
    }
    const a = args[frame[1]++];
    if (a >= 0) {
      d.last[a] = ++clock;
      if (!d.enter[a]) {
        d.enter[a] = clock;
        stack.push([a, 0]);
      }
    } else if (isEventArg(a)) {
      const v = argEvent(a);
      d.eventLast[v] = ++clock;
      if (!d.eventEnter[v]) d.eventEnter[v] = clock;
    }
  }
  return d;
}

/** The modules of a tree: which nodes are independent of the rest, after grouping arguments. */
export interface Decomposition {
  /** the tree, with group nodes appended and their parents' arguments rewritten */
  tree: Tree;
  /** by node: whether nothing below it is shared with the rest of the tree */
  isModule: Uint8Array;
  /** every node under the root, children before parents (groups included) */
  postOrder: number[];
  /** by node: the smallest event index below it (−1 when only constants are) */
  firstEvent: Int32Array;
}

/**
 * Dutuit–Rauzy module detection, then grouping of independent arguments: in an and/or gate that
 * is not itself a module, the arguments whose events are used nowhere else (their visit dates lie
 * inside the gate's) and that share nothing with the other arguments become one new module, and
 * arguments that only share among themselves become one module per cluster. Both preserve the
 * function; they only give the analysis more, smaller independent pieces.
 */
export function decompose(tree: Tree, events: number): Decomposition {
  const d = visitDates(tree, events);
  const { enter, exit, last } = d;
  const count = tree.nodes.length;
  // earliest and latest visit of anything strictly below each node, and latest first visit
  const lo = new Int32Array(count).fill(0x7fffffff);
  const hi = new Int32Array(count).fill(-1);
  const firstHi = new Int32Array(count).fill(-1);
  /** every visit of the argument or below it: outside the gate's dates, something else uses it */
  const span = (a: number): [number, number] => {
    if (a >= 0) return [Math.min(enter[a], lo[a]), Math.max(last[a], hi[a])];
    if (isEventArg(a)) return [d.eventEnter[argEvent(a)], d.eventLast[argEvent(a)]];
    return [0x7fffffff, -1]; // constants share nothing
  };
  /**
   * First visits only, of the argument and below: two arguments sharing a node both hold its first
   * visit. (Last visits would also make an event shared with a sibling gate cover every argument
   * visited in between.)
   */
  const firstSpan = (a: number): [number, number] => {
    if (a >= 0) return [Math.min(enter[a], lo[a]), Math.max(enter[a], firstHi[a])];
    if (isEventArg(a)) return [d.eventEnter[argEvent(a)], d.eventEnter[argEvent(a)]];
    return [0x7fffffff, -1];
  };
  for (const n of d.postOrder)
    for (const a of tree.nodes[n].args) {
      const [l, h] = span(a);
      if (l < lo[n]) lo[n] = l;
      if (h > hi[n]) hi[n] = h;
      const f = firstSpan(a)[1];
      if (f > firstHi[n]) firstHi[n] = f;
    }
  const modules: number[] = [];
  for (const n of d.postOrder) if (lo[n] > enter[n] && hi[n] < exit[n]) modules.push(n);

  const nodes = tree.nodes.slice();
  const postOrder: number[] = [];
  const addGroup = (op: Operator, args: number[]): number => {
    nodes.push({ op, args });
    postOrder.push(nodes.length - 1);
    return nodes.length - 1;
  };
  for (const n of d.postOrder) {
    const node = nodes[n];
    if (node.op === 'and' || node.op === 'or' || node.op === 'nand' || node.op === 'nor') {
      const inside = (a: number) => {
        const [l, h] = span(a);
        return l > enter[n] && h < exit[n];
      };
      const args = groupArguments(
        node.args,
        firstSpan,
        inside,
        node.op === 'and' || node.op === 'nand' ? 'and' : 'or',
        addGroup,
      );
      if (args !== node.args) nodes[n] = { ...node, args };
    }
    postOrder.push(n);
  }

  const isModule = new Uint8Array(nodes.length);
  for (const n of modules) isModule[n] = 1;
  for (let g = tree.nodes.length; g < nodes.length; g++) isModule[g] = 1;
  return { tree: { nodes, root: tree.root }, isModule, postOrder, firstEvent: firstEvents(nodes, postOrder) };
}

/**
 * Clusters a gate's arguments by overlapping first-visit spans (arguments sharing a node overlap).
 * A cluster of arguments used only inside the gate shares nothing with the rest of the tree: the
 * independent clusters are merged into one group when other arguments remain, and each cluster of
 * several arguments gets its own group inside.
 */
function groupArguments(
  args: number[],
  span: (a: number) => [number, number],
  inside: (a: number) => boolean,
  op: Operator,
  addGroup: (op: Operator, args: number[]) => number,
): number[] {
  if (args.length < 3) return args;
  const positions = args
    .map((a, i) => ({ a, i, s: span(a) }))
    .filter((x) => x.s[1] >= 0)
    .sort((x, y) => x.s[0] - y.s[0]);
  const clusters: { members: number[]; local: boolean }[] = [];
  let end = -1;
  for (const x of positions) {
    if (!clusters.length || x.s[0] > end) clusters.push({ members: [], local: true });
    const c = clusters[clusters.length - 1];
    c.members.push(x.i);
    c.local &&= inside(x.a);
    end = Math.max(end, x.s[1]);
  }
  const local = clusters.filter((c) => c.local);
  const localCount = local.reduce((k, c) => k + c.members.length, 0);
  const tied = positions.length - localCount;
  if (localCount < 2) return args;
  // units: a multi-argument cluster becomes a group (unless it holds every argument: that is the
  // gate itself); the other local arguments stay single
  const units: { first: number; code: number }[] = [];
  for (const c of local) {
    const members = c.members.sort((x, y) => x - y);
    if (members.length > 1 && members.length < positions.length)
      units.push({
        first: members[0],
        code: addGroup(
          op,
          members.map((i) => args[i]),
        ),
      });
    else for (const i of members) units.push({ first: i, code: args[i] });
  }
  units.sort((x, y) => x.first - y.first);
  // beside arguments shared with the rest, all the independent ones together are one module
  const placed =
    tied > 0 && units.length > 1
      ? [
          {
            first: units[0].first,
            code: addGroup(
              op,
              units.map((u) => u.code),
            ),
          },
        ]
      : units;
  if (placed.length === localCount) return args;
  const at = new Map(placed.map((u) => [u.first, u.code]));
  const localIndex = new Set(local.flatMap((c) => c.members));
  const out: number[] = [];
  args.forEach((a, i) => {
    if (!localIndex.has(i)) out.push(a);
    else if (at.has(i)) out.push(at.get(i)!);
  });
  return out;
}

function firstEvents(nodes: TreeNode[], postOrder: number[]): Int32Array {
  const first = new Int32Array(nodes.length).fill(-1);
  for (const n of postOrder) {
    let m = 0x7fffffff;
    for (const a of nodes[n].args) {
      const f = a >= 0 ? first[a] : isEventArg(a) ? argEvent(a) : -1;
      if (f >= 0 && f < m) m = f;
    }
    first[n] = m === 0x7fffffff ? -1 : m;
  }
  return first;
}

/**
 * The nodes, children first, in the order `compile` builds gates: the ordering walk's gates from
 * last to first, each after its sub-gates, with its nested formulas and groups just before it.
 * Both compilations then make the same operations in the same order, apart from the modules; on
 * CEA9601 a plain depth-first post-order costs about 30 % more time for the same nodes (the
 * computed table is lossy, so which results are still cached depends on the order).
 */
export function buildOrder(tree: Tree, gateOrder: string[]): number[] {
  const { nodes } = tree;
  const idOf = new Map<string, number>();
  nodes.forEach((n, i) => {
    if (n.gate !== undefined) idOf.set(n.gate, i);
  });
  const done = new Uint8Array(nodes.length);
  const out: number[] = [];
  const emit = (n: number) => {
    for (const a of nodes[n].args) if (a >= 0 && nodes[a].gate === undefined && !done[a]) emit(a);
    done[n] = 1;
    out.push(n);
  };
  const subGates = (n: number, into: number[]) => {
    for (const a of nodes[n].args)
      if (a >= 0) {
        if (nodes[a].gate !== undefined) into.push(a);
        else subGates(a, into);
      }
    return into;
  };
  for (let i = gateOrder.length - 1; i >= 0; i--) {
    const start = idOf.get(gateOrder[i]);
    if (start === undefined) continue;
    const stack: [number, boolean][] = [[start, false]];
    while (stack.length) {
      const [n, expanded] = stack.pop()!;
      if (done[n]) continue;
      if (expanded) {
        emit(n);
        continue;
      }
      stack.push([n, true]);
      for (const g of subGates(n, [])) if (!done[g]) stack.push([g, false]);
    }
  }
  return out;
}
