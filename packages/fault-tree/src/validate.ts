import { ftReason } from './error-texts.js';
import { ValidationError, type Where } from './errors.js';
import { type EvalContext, evaluate } from './expression.js';
import type { Arg, Formula, Model } from './model.js';
import type { Random } from './random.js';

/** Evaluation context over a model's parameters; parameter cycles and unknown names are errors naming them. */
export function evalContext(model: Model, random?: Random): EvalContext {
  const cache = new Map<string, number>();
  const visiting = new Set<string>();
  const ctx: EvalContext = {
    missionTime: model.missionTime,
    random,
    parameter(name, where) {
      const hit = cache.get(name);
      if (hit !== undefined) return hit;
      const p = model.parameters.get(name);
      if (!p) throw new ValidationError(ftReason('undefined-parameter', { name }), where ?? { name });
      if (visiting.has(name))
        throw new ValidationError(ftReason('parameter-cycle', { name }), p.where ?? { name });
      visiting.add(name);
      const v = evaluate(p.expression, ctx);
      visiting.delete(name);
      cache.set(name, v);
      return v;
    },
  };
  return ctx;
}

function checkArity(f: Formula): void {
  const n = f.args.length;
  const where: Where = f.where ?? { element: f.op };
  const need = (ok: boolean, what: string) => {
    if (!ok) throw new ValidationError(ftReason('arity', { op: f.op, what, found: n }), where);
  };
  switch (f.op) {
    case 'not':
    case 'null':
      need(n === 1, 'exactly one argument');
      return;
    case 'and':
    case 'or':
    case 'nand':
    case 'nor':
      need(n >= 2, 'at least two arguments');
      return;
    case 'xor':
    case 'iff':
    case 'imply':
      need(n === 2, 'exactly two arguments');
      return;
    case 'atleast': {
      const k = f.min ?? -1;
      need(n >= 2, 'at least two arguments');
      if (!(k >= 1 && k <= n))
        throw new ValidationError(ftReason('atleast-min', { min: String(f.min), n }), where);
      return;
    }
    case 'cardinality': {
      need(n >= 1, 'at least one argument');
      const lo = f.min ?? -1;
      const hi = f.max ?? -1;
      if (!(lo >= 0 && lo <= hi && hi <= n))
        throw new ValidationError(
          ftReason('cardinality-min-max', { min: String(f.min), max: String(f.max), n }),
          where,
        );
      return;
    }
  }
}

/**
 * Checks a model: every reference defined and of the right kind, no name defined twice across
 * kinds, arity of every connective, no cycle through gates, every probability in [0, 1].
 * Throws a ValidationError naming the element.
 */
export function validateModel(model: Model, options: { probabilities?: boolean } = {}): void {
  for (const [name, be] of model.basicEvents) {
    const other = model.gates.get(name) ?? model.houseEvents.get(name);
    if (other)
      throw new ValidationError(ftReason('basic-and-other', { name }), other.where ?? be.where ?? { name });
  }
  for (const [name, he] of model.houseEvents)
    if (model.gates.has(name))
      throw new ValidationError(ftReason('house-and-gate', { name }), he.where ?? { name });
  const ccfMembers = new Set(model.ccfGroups.flatMap((g) => g.members));

  const checkArg = (a: Arg): void => {
    if (a.type === 'formula') {
      checkArity(a);
      for (const x of a.args) checkArg(x);
      return;
    }
    if (a.type === 'constant') return;
    const where = a.where ?? { name: a.name };
    const isGate = model.gates.has(a.name);
    const isBasic = model.basicEvents.has(a.name) || ccfMembers.has(a.name);
    const isHouse = model.houseEvents.has(a.name);
    if (!isGate && !isBasic && !isHouse)
      throw new ValidationError(ftReason('undefined-reference', { kind: a.kind, name: a.name }), where);
    if (
      (a.kind === 'gate' && !isGate) ||
      (a.kind === 'basic-event' && !isBasic) ||
      (a.kind === 'house-event' && !isHouse)
    )
      throw new ValidationError(ftReason('wrong-kind', { kind: a.kind, name: a.name }), where);
  };
  for (const g of model.gates.values()) checkArg(g.formula);
  findCycle(model);

  if (options.probabilities !== false) {
    const ctx = evalContext(model);
    for (const be of model.basicEvents.values()) {
      if (!be.expression) continue;
      const p = evaluate(be.expression, ctx);
      if (!(p >= 0 && p <= 1))
        throw new ValidationError(
          ftReason('probability-range', { p }),
          be.where ?? { element: 'define-basic-event', name: be.name },
        );
    }
    for (const g of model.ccfGroups) {
      const q = evaluate(g.distribution, ctx);
      if (!(q >= 0 && q <= 1))
        throw new ValidationError(ftReason('distribution-range', { q }), g.where ?? { name: g.name });
    }
  }
}

/** Depth-first search with an explicit stack (deep trees must not overflow the call stack). */
function findCycle(model: Model): void {
  const state = new Map<string, 1 | 2>(); // 1 on the path, 2 done
  const children = (f: Arg, out: string[]) => {
    if (f.type === 'ref') {
      if (model.gates.has(f.name)) out.push(f.name);
    } else if (f.type === 'formula') for (const a of f.args) children(a, out);
  };
  for (const start of model.gates.keys()) {
    if (state.has(start)) continue;
    const stack: { name: string; next: string[]; i: number }[] = [];
    const push = (name: string) => {
      const next: string[] = [];
      children(model.gates.get(name)!.formula, next);
      state.set(name, 1);
      stack.push({ name, next, i: 0 });
    };
    push(start);
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (top.i === top.next.length) {
        state.set(top.name, 2);
        stack.pop();
        continue;
      }
      const c = top.next[top.i++];
      const s = state.get(c);
      if (s === 1) {
        const path = stack.map((x) => x.name);
        const cycle = [...path.slice(path.indexOf(c)), c];
        throw new ValidationError(
          ftReason('cycle', { path: cycle.join(' → ') }),
          model.gates.get(c)!.where ?? { element: 'define-gate', name: c },
        );
      }
      if (s === undefined) push(c);
    }
  }
}
