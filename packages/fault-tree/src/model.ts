import type { Where } from './errors.js';
import type { Expression } from './expression.js';

export type Operator =
  | 'and'
  | 'or'
  | 'atleast'
  | 'not'
  | 'xor'
  | 'iff'
  | 'imply'
  | 'nand'
  | 'nor'
  | 'cardinality'
  | 'null';
export const OPERATORS: readonly Operator[] = [
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

/** What a reference points to; `event` is resolved by name at validation. */
export type RefKind = 'gate' | 'basic-event' | 'house-event' | 'event';

export interface Ref {
  type: 'ref';
  kind: RefKind;
  name: string;
  where?: Where;
}
export interface Constant {
  type: 'constant';
  value: boolean;
  where?: Where;
}
export interface Formula {
  type: 'formula';
  op: Operator;
  args: Arg[];
  /** k of `atleast` (k-out-of-n), lower bound of `cardinality` */
  min?: number;
  /** upper bound of `cardinality` */
  max?: number;
  where?: Where;
}
export type Arg = Ref | Constant | Formula;

export interface Gate {
  name: string;
  formula: Formula;
  where?: Where;
}
export interface BasicEvent {
  name: string;
  /** absent is allowed by the MEF; quantification then says which event has no probability */
  expression?: Expression;
  label?: string;
  where?: Where;
}
export interface HouseEvent {
  name: string;
  state: boolean;
  where?: Where;
}
export interface Parameter {
  name: string;
  expression: Expression;
  where?: Where;
}
export type CcfModel = 'beta-factor' | 'MGL' | 'alpha-factor' | 'phi-factor';
export interface CcfGroup {
  name: string;
  model: CcfModel;
  members: string[];
  /** total failure probability of one member */
  distribution: Expression;
  /** factors by level (beta-factor: one factor at level = group size; MGL: levels 2..n) */
  factors: { level: number; expression: Expression }[];
  where?: Where;
}

/**
 * A fault-tree model: named gates over basic and house events, parameters and common-cause groups.
 * Plain data so it can be built in code, read from MEF XML or YAML, and written back.
 */
export interface Model {
  name?: string;
  gates: Map<string, Gate>;
  basicEvents: Map<string, BasicEvent>;
  houseEvents: Map<string, HouseEvent>;
  parameters: Map<string, Parameter>;
  ccfGroups: CcfGroup[];
  /** hours, for exponential and other time-dependent expressions (SCRAM default 8760) */
  missionTime: number;
}

export const DEFAULT_MISSION_TIME = 8760;

export function emptyModel(name?: string): Model {
  return {
    name,
    gates: new Map(),
    basicEvents: new Map(),
    houseEvents: new Map(),
    parameters: new Map(),
    ccfGroups: [],
    missionTime: DEFAULT_MISSION_TIME,
  };
}

// Small helpers to build models in code: `gate('TOP', and(ref('A'), or(ref('B'), ref('C'))))`.
export const ref = (name: string, kind: RefKind = 'event'): Ref => ({ type: 'ref', kind, name });
const f =
  (op: Operator) =>
  (...args: Arg[]): Formula => ({ type: 'formula', op, args });
export const and = f('and');
export const or = f('or');
export const not = (a: Arg): Formula => ({ type: 'formula', op: 'not', args: [a] });
export const xor = f('xor');
export const iff = f('iff');
export const imply = f('imply');
export const nand = f('nand');
export const nor = f('nor');
export const atleast = (min: number, ...args: Arg[]): Formula => ({
  type: 'formula',
  op: 'atleast',
  args,
  min,
});
export const cardinality = (min: number, max: number, ...args: Arg[]): Formula => ({
  type: 'formula',
  op: 'cardinality',
  args,
  min,
  max,
});

/** Gates no other gate references: the candidate top events. */
export function topGates(model: Model): string[] {
  const used = new Set<string>();
  const visit = (a: Arg) => {
    if (a.type === 'ref') used.add(a.name);
    else if (a.type === 'formula') a.args.forEach(visit);
  };
  for (const g of model.gates.values()) visit(g.formula);
  return [...model.gates.keys()].filter((n) => !used.has(n));
}

/** Merges models read from several files (MEF allows a model spread over files); duplicates are kept for validation to report. */
export function mergeModels(models: Model[]): {
  model: Model;
  duplicates: { name: string; where?: Where }[];
} {
  const out = emptyModel(models.find((m) => m.name)?.name);
  const duplicates: { name: string; where?: Where }[] = [];
  for (const m of models) {
    for (const [k, v] of m.gates)
      out.gates.has(k) ? duplicates.push({ name: k, where: v.where }) : out.gates.set(k, v);
    for (const [k, v] of m.basicEvents)
      out.basicEvents.has(k) ? duplicates.push({ name: k, where: v.where }) : out.basicEvents.set(k, v);
    for (const [k, v] of m.houseEvents)
      out.houseEvents.has(k) ? duplicates.push({ name: k, where: v.where }) : out.houseEvents.set(k, v);
    for (const [k, v] of m.parameters)
      out.parameters.has(k) ? duplicates.push({ name: k, where: v.where }) : out.parameters.set(k, v);
    out.ccfGroups.push(...m.ccfGroups);
    if (m.missionTime !== DEFAULT_MISSION_TIME) out.missionTime = m.missionTime;
  }
  return { model: out, duplicates };
}
