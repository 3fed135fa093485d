// Random small fault trees for property tests (every connective, nested formulas, house events).
import { constant } from '../expression.js';
import { type Arg, emptyModel, type Formula, type Model, type Operator } from '../model.js';
import { Random } from '../random.js';

const OPS: Operator[] = [
  'and',
  'or',
  'atleast',
  'not',
  'xor',
  'iff',
  'imply',
  'nand',
  'nor',
  'cardinality',
  'null',
];

export interface RandomTree {
  model: Model;
  top: string;
  events: string[];
  gates: string[];
}

export function randomTree(
  seed: number,
  options: {
    events?: number;
    gates?: number;
    coherent?: boolean;
    nested?: boolean;
    operators?: Operator[];
    distinct?: boolean;
  } = {},
): RandomTree {
  const r = new Random(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r.next() * (hi - lo + 1));
  const nEvents = options.events ?? int(2, 10);
  const nGates = options.gates ?? int(2, 7);
  const model = emptyModel(`random-${seed}`);
  const events: string[] = [];
  for (let i = 0; i < nEvents; i++) {
    const name = `E${i}`;
    events.push(name);
    model.basicEvents.set(name, { name, expression: constant(0.05 + 0.9 * r.next()) });
  }
  if (!options.coherent && r.next() < 0.3) model.houseEvents.set('H', { name: 'H', state: r.next() < 0.5 });
  const gates: string[] = [];
  const ops =
    options.operators ?? (options.coherent ? (['and', 'or', 'atleast', 'null'] as Operator[]) : OPS);
  const leaf = (): Arg => {
    const x = r.next();
    if (gates.length && x < 0.35) return { type: 'ref', kind: 'gate', name: gates[int(0, gates.length - 1)] };
    if (model.houseEvents.size && x < 0.4) return { type: 'ref', kind: 'house-event', name: 'H' };
    return { type: 'ref', kind: 'event', name: events[int(0, events.length - 1)] };
  };
  const formula = (depth: number): Formula => {
    const op = ops[int(0, ops.length - 1)];
    const arity =
      op === 'not' || op === 'null'
        ? 1
        : op === 'xor' || op === 'iff' || op === 'imply'
          ? 2
          : int(options.distinct && op === 'atleast' ? 3 : 2, 4);
    const args: Arg[] = [];
    for (let i = 0, tries = 0; i < arity; i++) {
      const a = options.nested !== false && depth < 2 && r.next() < 0.2 ? formula(depth + 1) : leaf();
      // SCRAM refuses a gate naming the same argument twice
      if (options.distinct && a.type === 'ref' && args.some((b) => b.type === 'ref' && b.name === a.name)) {
        if (tries++ > 20) break;
        i--;
        continue;
      }
      args.push(a);
    }
    if (options.distinct && args.length < arity) return { type: 'formula', op: 'null', args: [args[0]] };
    const f: Formula = { type: 'formula', op, args };
    if (op === 'atleast') f.min = options.distinct ? int(2, arity - 1) : int(1, arity);
    if (op === 'cardinality') {
      f.min = int(0, arity);
      f.max = int(f.min, arity);
    }
    return f;
  };
  for (let i = 0; i < nGates; i++) {
    const name = `G${i}`;
    model.gates.set(name, { name, formula: formula(0) });
    gates.push(name);
  }
  // the top sees every gate so all of them matter
  const top = 'TOP';
  model.gates.set(top, {
    name: top,
    formula: {
      type: 'formula',
      op: 'or',
      args: [
        options.nested === false ? leaf() : formula(1),
        ...gates.slice(-2).map((g): Arg => ({ type: 'ref', kind: 'gate', name: g })),
      ].filter(
        (a, i, all) =>
          !options.distinct ||
          a.type !== 'ref' ||
          all.findIndex((b) => b.type === 'ref' && b.name === a.name) === i,
      ),
    },
  });
  return { model, top, events, gates };
}

/** Every assignment of the events with its probability weight. */
export function* assignments(
  model: Model,
  events: string[],
): Generator<{ values: Map<string, boolean>; weight: number }> {
  const p = events.map((e) => {
    const x = model.basicEvents.get(e)!.expression!;
    return x.kind === 'const' ? x.value : Number.NaN;
  });
  for (let mask = 0; mask < 1 << events.length; mask++) {
    const values = new Map<string, boolean>();
    let weight = 1;
    events.forEach((e, i) => {
      const on = !!(mask & (1 << i));
      values.set(e, on);
      weight *= on ? p[i] : 1 - p[i];
    });
    yield { values, weight };
  }
}

/**
 * A random tree that certainly has modules: blocks of gates over their own events, each block
 * also using whole sub-blocks (nested modules, some referenced twice) and now and then one of a
 * few events shared across blocks (which takes the blocks using it out of the modules). Every
 * event, gate and sub-block is used. `nested: false` keeps to what SCRAM reads (no nested
 * formulas, no argument twice in a gate).
 */
export function modularTree(
  seed: number,
  options: {
    coherent?: boolean;
    depth?: number;
    nested?: boolean;
    operators?: Operator[];
    shared?: number;
  } = {},
): RandomTree {
  const r = new Random(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r.next() * (hi - lo + 1));
  const pick = <T>(xs: T[]): T => xs[int(0, xs.length - 1)];
  const model = emptyModel(`modular-${seed}`);
  const events: string[] = [];
  const gates: string[] = [];
  const newEvent = (name: string) => {
    model.basicEvents.set(name, { name, expression: constant(0.05 + 0.9 * r.next()) });
    events.push(name);
    return name;
  };
  const shared = Array.from({ length: options.shared ?? 2 }, (_, i) => newEvent(`S${i}`));
  const ops: Operator[] =
    options.operators ??
    (options.coherent
      ? ['and', 'or', 'atleast']
      : ['and', 'or', 'atleast', 'not', 'xor', 'iff', 'imply', 'nand', 'nor', 'cardinality']);
  const refArg = (name: string): Arg => ({
    type: 'ref',
    kind: model.gates.has(name) ? 'gate' : 'event',
    name,
  });
  /** an operator that takes n arguments (n-ary ones, or the unary and binary ones when n fits) */
  const opFor = (n: number): Operator => {
    const fits = ops.filter((op) =>
      op === 'not' ? n === 1 : op === 'xor' || op === 'iff' || op === 'imply' ? n === 2 : n >= 2,
    );
    const op = fits.length ? pick(fits) : n === 1 ? 'null' : 'or';
    return op === 'atleast' && n < 3 ? 'and' : op;
  };
  const gate = (name: string, args: string[], own: string[]) => {
    const op = opFor(args.length);
    const f: Formula = {
      type: 'formula',
      op,
      args: args.map((n): Arg => {
        // a nested formula with one of the block's own events keeps the block a module
        if (options.nested !== false && r.next() < 0.15 && n !== own[0])
          return {
            type: 'formula',
            op: pick(['and', 'or'] as Operator[]),
            args: [refArg(n), refArg(own[0])],
          };
        return refArg(n);
      }),
    };
    if (op === 'atleast') f.min = int(2, args.length - 1);
    if (op === 'cardinality') {
      f.min = int(0, args.length);
      f.max = int(f.min, args.length);
    }
    model.gates.set(name, { name, formula: f });
    gates.push(name);
  };
  let blocks = 0;
  const block = (depth: number, name?: string): string => {
    const id = blocks++;
    const own = Array.from({ length: int(2, 4) }, (_, i) => newEvent(`B${id}_e${i}`));
    const kids = depth > 0 ? Array.from({ length: int(1, 3) }, () => block(depth - 1)) : [];
    // everything in `unused` must be an argument of some gate of the block
    const unused = [...own, ...kids];
    if (shared.length && r.next() < 0.3) unused.push(pick(shared));
    const pool = [...unused];
    const inner = int(1, 3);
    for (let g = 0; g < inner; g++) {
      const want = int(1, 4);
      const args: string[] = [];
      while (args.length < Math.min(want, 2) && unused.length)
        args.push(unused.splice(int(0, unused.length - 1), 1)[0]);
      for (let tries = 0; args.length < want && tries < 20; tries++) {
        const x = pick(pool);
        if (!args.includes(x)) args.push(x);
      }
      const gateName = `B${id}_g${g}`;
      gate(gateName, args, own);
      pool.push(gateName);
      unused.push(gateName);
    }
    const top = name ?? `B${id}_top`;
    gate(top, unused, own);
    return top;
  };
  const top = block(options.depth ?? 2, 'TOP');
  return { model, top, events, gates };
}
