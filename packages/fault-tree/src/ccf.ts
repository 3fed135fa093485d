import { ftReason } from './error-texts.js';
import { ValidationError } from './errors.js';
import { type EvalContext, type Expression, evaluate } from './expression.js';
import type { CcfGroup, Model } from './model.js';

/** One basic event produced by a common-cause group: the members it fails together. */
export interface CcfEvent {
  name: string;
  group: string;
  members: string[];
  probability: number;
}

/** SCRAM names a common-cause event after its members in brackets: `[PumpOne PumpTwo]`. */
export const ccfEventName = (members: string[]): string => `[${members.join(' ')}]`;

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

function combinations<T>(items: T[], k: number): T[][] {
  const out: T[][] = [];
  const pick: T[] = [];
  const rec = (start: number) => {
    if (pick.length === k) {
      out.push([...pick]);
      return;
    }
    for (let i = start; i <= items.length - (k - pick.length); i++) {
      pick.push(items[i]);
      rec(i + 1);
      pick.pop();
    }
  };
  rec(0);
  return out;
}

/**
 * Probability of one specific common-cause event failing exactly k members out of n, for each k.
 * Index k-1 in the result; 0 where the model defines no event of that order.
 */
export function ccfProbabilities(group: CcfGroup, ctx: EvalContext): number[] {
  const n = group.members.length;
  const q = evaluate(group.distribution, ctx);
  const byLevel = new Map<number, number>();
  for (const f of group.factors) {
    const v = evaluate(f.expression, ctx);
    if (!(v >= 0 && v <= 1))
      throw new ValidationError(
        ftReason('factor-range', { level: f.level, value: v }),
        group.where ?? { name: group.name },
      );
    if (f.level < 1 || f.level > n)
      throw new ValidationError(
        ftReason('factor-level', { level: f.level, n }),
        group.where ?? { name: group.name },
      );
    byLevel.set(f.level, v);
  }
  const out = new Array<number>(n).fill(0);
  switch (group.model) {
    case 'beta-factor': {
      // one event failing all members (β·Q), the rest independent ((1-β)·Q)
      const beta =
        group.factors.length === 1 ? evaluate(group.factors[0].expression, ctx) : (byLevel.get(n) ?? 0);
      out[0] = (1 - beta) * q;
      out[n - 1] += beta * q;
      return out;
    }
    case 'MGL': {
      // multiple Greek letters: ρ1 = 1, ρ2 = β, ρ3 = γ, …, ρ(n+1) = 0;
      // Q_k = (∏_{i≤k} ρ_i)(1 − ρ_{k+1}) Q / C(n−1, k−1)
      const rho = (i: number) => (i === 1 ? 1 : i > n ? 0 : (byLevel.get(i) ?? 0));
      let prod = 1;
      for (let k = 1; k <= n; k++) {
        prod *= rho(k);
        out[k - 1] = (prod * (1 - rho(k + 1)) * q) / binomial(n - 1, k - 1);
      }
      return out;
    }
    case 'alpha-factor': {
      // non-staggered testing: Q_k = k/C(n−1,k−1) · α_k/α_t · Q with α_t = Σ k α_k
      let at = 0;
      for (let k = 1; k <= n; k++) at += k * (byLevel.get(k) ?? 0);
      if (at === 0) throw new ValidationError(ftReason('alpha-zero'), group.where ?? { name: group.name });
      for (let k = 1; k <= n; k++)
        out[k - 1] = ((k / binomial(n - 1, k - 1)) * (byLevel.get(k) ?? 0) * q) / at;
      return out;
    }
    case 'phi-factor': {
      // φ_k is the fraction of failures of order k: Q_k = φ_k Q / C(n−1,k−1)
      for (let k = 1; k <= n; k++) out[k - 1] = ((byLevel.get(k) ?? 0) * q) / binomial(n - 1, k - 1);
      return out;
    }
  }
}

/**
 * Expands every common-cause group: each member becomes an OR gate of the common-cause events
 * that contain it (its independent failure `[A]`, and `[A B]`, … for each combination with a
 * nonzero order), as SCRAM does. Returns the new model and the events created.
 */
export function expandCcf(model: Model, ctx: EvalContext): { model: Model; events: CcfEvent[] } {
  if (!model.ccfGroups.length) return { model, events: [] };
  const gates = new Map(model.gates);
  const basicEvents = new Map(model.basicEvents);
  const events: CcfEvent[] = [];
  for (const group of model.ccfGroups) {
    const where = group.where ?? { name: group.name };
    if (group.members.length < 2) throw new ValidationError(ftReason('ccf-two-members'), where);
    if (new Set(group.members).size !== group.members.length)
      throw new ValidationError(ftReason('ccf-member-twice'), where);
    const probs = ccfProbabilities(group, ctx);
    const byMember = new Map<string, string[]>(group.members.map((m) => [m, []]));
    for (let k = 1; k <= group.members.length; k++) {
      // beta-factor and friends only define some orders; SCRAM creates events for those only
      if (group.model === 'beta-factor' && k !== 1 && k !== group.members.length) continue;
      for (const combo of combinations(group.members, k)) {
        const name = ccfEventName(combo);
        events.push({ name, group: group.name, members: combo, probability: probs[k - 1] });
        basicEvents.set(name, { name, expression: { kind: 'const', value: probs[k - 1] }, where });
        for (const m of combo) byMember.get(m)?.push(name);
      }
    }
    for (const m of group.members) {
      if (gates.has(m) || model.basicEvents.has(m) || model.houseEvents.has(m))
        throw new ValidationError(ftReason('ccf-member-elsewhere', { name: m }), where);
      gates.set(m, {
        name: m,
        formula: {
          type: 'formula',
          op: 'or',
          args: (byMember.get(m) ?? []).map((n) => ({ type: 'ref', kind: 'basic-event', name: n })),
        },
        where,
      });
    }
  }
  return { model: { ...model, gates, basicEvents, ccfGroups: [] }, events };
}

export type { Expression };
