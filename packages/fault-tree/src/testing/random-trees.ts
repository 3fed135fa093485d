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
