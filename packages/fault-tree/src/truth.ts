import { ftReason } from './error-texts.js';
import { ModelError } from './errors.js';
import type { Arg, Formula, Model } from './model.js';

/**
 * Direct evaluation of a gate under one assignment of the basic events (house events take their
 * state). Independent of the BDD engine, so tests use it as the reference by enumeration.
 */
export function evaluateGate(
  model: Model,
  gate: string,
  assignment: ReadonlyMap<string, boolean>,
  memo = new Map<string, boolean>(),
): boolean {
  const value = (a: Arg): boolean => {
    if (a.type === 'constant') return a.value;
    if (a.type === 'formula') return formula(a);
    const g = model.gates.get(a.name);
    if (g) {
      let v = memo.get(a.name);
      if (v === undefined) {
        v = formula(g.formula);
        memo.set(a.name, v);
      }
      return v;
    }
    const h = model.houseEvents.get(a.name);
    if (h) return h.state;
    const b = assignment.get(a.name);
    if (b === undefined)
      throw new ModelError(ftReason('no-value', { name: a.name }), a.where ?? { name: a.name });
    return b;
  };
  const formula = (f: Formula): boolean => {
    const xs = f.args.map(value);
    const n = xs.filter(Boolean).length;
    switch (f.op) {
      case 'null':
        return xs[0];
      case 'not':
        return !xs[0];
      case 'and':
        return n === xs.length;
      case 'or':
        return n > 0;
      case 'nand':
        return n < xs.length;
      case 'nor':
        return n === 0;
      case 'xor':
        return xs[0] !== xs[1];
      case 'iff':
        return xs[0] === xs[1];
      case 'imply':
        return !xs[0] || xs[1];
      case 'atleast':
        return n >= (f.min ?? 1);
      case 'cardinality':
        return n >= (f.min ?? 0) && n <= (f.max ?? xs.length);
    }
  };
  return value({ type: 'ref', kind: 'gate', name: gate });
}
