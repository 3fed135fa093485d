import { Document, LineCounter, parseDocument } from 'yaml';
import { type FtReason, ftReason } from './error-texts.js';
import { MefParseError, type Where } from './errors.js';
import { type Expression, FUNCTIONS, isFunctionName } from './expression.js';
import {
  type Arg,
  type CcfModel,
  DEFAULT_MISSION_TIME,
  emptyModel,
  type Formula,
  type Model,
  OPERATORS,
  type Operator,
} from './model.js';

/**
 * The YAML authoring form, with the same meaning as MEF:
 *
 * ```yaml
 * model: TwoTrains
 * gates:
 *   TOP: { and: [TrainOne, TrainTwo] }
 *   TrainOne: { or: [ValveOne, { and: [PumpOne, { not: Spare }] }] }
 *   Vote: { atleast: 2, of: [A, B, C] }
 *   Some: { cardinality: [1, 2], of: [A, B, C] }
 * basic-events:
 *   ValveOne: 0.5
 *   PumpOne: { exponential: [1.0e-4, mission-time] }
 *   Spare: { probability: 0.1, label: Spare pump }
 * house-events: { Maintenance: false }
 * parameters: { lambda: 1.0e-4 }
 * ccf-groups:
 *   Pumps: { model: beta-factor, members: [PumpOne, PumpTwo], distribution: 0.1, factors: { 2: 0.2 } }
 * ```
 * A reference is an event name; `true`/`false` are constants; an expression is a number, a
 * parameter name, `mission-time`, or `{ function: [arguments] }`.
 */
export function readYamlModel(text: string, file?: string): Model {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  if (doc.errors.length) {
    const e = doc.errors[0];
    throw new MefParseError(
      ftReason('malformed-yaml', { message: e.message.split('\n')[0]!, code: e.code }),
      {
        file,
        line: e.linePos?.[0].line,
      },
    );
  }
  const at = (path: (string | number)[], element?: string, name?: string): Where => {
    const node = doc.getIn(path, true) as { range?: [number, number] } | undefined;
    const line = node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
    return { file, line, element: element ?? path.join('.'), name };
  };
  const fail = (path: (string | number)[], msg: FtReason, name?: string): never => {
    throw new MefParseError(msg, at(path, undefined, name));
  };
  // An alias without its anchor (`*a`) parses without error and throws here: bad input, typed.
  let root: Record<string, unknown> | null = null;
  try {
    root = doc.toJS() as Record<string, unknown> | null;
  } catch (err) {
    if (!(err instanceof ReferenceError || err instanceof TypeError)) throw err;
    fail([], ftReason('yaml-unreadable', { message: err.message.split('\n')[0]!.trim() }));
  }
  if (!root || typeof root !== 'object' || Array.isArray(root)) fail([], ftReason('yaml-not-mapping'));
  const model = emptyModel(typeof root!.model === 'string' ? root!.model : undefined);
  const known = new Set([
    'model',
    'mission-time',
    'gates',
    'basic-events',
    'house-events',
    'parameters',
    'ccf-groups',
  ]);
  for (const k of Object.keys(root!))
    if (!known.has(k)) fail([k], ftReason('unknown-key', { key: k, expected: [...known].join(', ') }));
  if (root!['mission-time'] !== undefined) {
    const t = Number(root!['mission-time']);
    if (!(t >= 0)) fail(['mission-time'], ftReason('mission-time'));
    model.missionTime = t;
  } else model.missionTime = DEFAULT_MISSION_TIME;

  const section = (key: string): Record<string, unknown> => {
    const v = root![key];
    if (v === undefined || v === null) return {};
    if (typeof v !== 'object' || Array.isArray(v)) fail([key], ftReason('section-mapping', { key }));
    return v as Record<string, unknown>;
  };

  const expression = (v: unknown, path: (string | number)[]): Expression => {
    const where = at(path);
    if (typeof v === 'number') return { kind: 'const', value: v, where };
    if (typeof v === 'boolean') return { kind: 'const', value: v ? 1 : 0, where };
    if (typeof v === 'string')
      return v === 'mission-time' ? { kind: 'mission-time', where } : { kind: 'param', name: v, where };
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const keys = Object.keys(v);
      if (keys.length !== 1) fail(path, ftReason('expression-keys', { keys: keys.join(', ') }));
      const fn = keys[0];
      if (!isFunctionName(fn)) return fail(path, ftReason('unknown-function', { fn }));
      const raw = (v as Record<string, unknown>)[fn];
      const list = Array.isArray(raw) ? raw : [raw];
      const [lo, hi] = FUNCTIONS[fn];
      if (list.length < lo || list.length > hi)
        fail(
          path,
          ftReason('function-arity', {
            fn,
            expects: lo === hi ? `${lo}` : `${lo}..${hi}`,
            found: list.length,
          }),
        );
      return { kind: 'fn', fn, args: list.map((x, i) => expression(x, [...path, fn, i])), where };
    }
    return fail(path, ftReason('expected-expression'));
  };

  const formula = (v: unknown, path: (string | number)[], depth: number): Arg => {
    if (depth > 256) fail(path, ftReason('formula-too-deep', { max: 256 }));
    if (typeof v === 'boolean') return { type: 'constant', value: v, where: at(path) };
    if (typeof v === 'string') return { type: 'ref', kind: 'event', name: v, where: at(path, undefined, v) };
    if (!v || typeof v !== 'object' || Array.isArray(v)) return fail(path, ftReason('expected-formula'));
    const o = v as Record<string, unknown>;
    const op = Object.keys(o).find((k) => (OPERATORS as readonly string[]).includes(k)) as
      | Operator
      | undefined;
    if (!op)
      return fail(
        path,
        ftReason('no-connective', { keys: Object.keys(o).join(', '), expected: OPERATORS.join(', ') }),
      );
    const f: Formula = { type: 'formula', op, args: [], where: at(path, op) };
    let list: unknown;
    if (op === 'atleast' || op === 'cardinality') {
      const bounds = o[op];
      if (op === 'atleast') {
        if (!Number.isInteger(bounds)) fail([...path, op], ftReason('atleast-integer'));
        f.min = bounds as number;
      } else {
        if (!Array.isArray(bounds) || bounds.length !== 2 || !bounds.every(Number.isInteger))
          fail([...path, op], ftReason('cardinality-bounds'));
        [f.min, f.max] = bounds as [number, number];
      }
      list = o.of;
      for (const k of Object.keys(o))
        if (k !== op && k !== 'of') fail([...path, k], ftReason('unexpected-key-in', { key: k, op }));
    } else {
      list = o[op];
      for (const k of Object.keys(o))
        if (k !== op) fail([...path, k], ftReason('unexpected-key-beside', { key: k, op }));
    }
    const items = op === 'not' || op === 'null' ? (Array.isArray(list) ? list : [list]) : list;
    if (!Array.isArray(items)) return fail([...path, op], ftReason('takes-list', { op }));
    const argPath = op === 'atleast' || op === 'cardinality' ? [...path, 'of'] : [...path, op];
    f.args = items.map((x, i) => formula(x, Array.isArray(list) ? [...argPath, i] : argPath, depth + 1));
    return f;
  };

  for (const [name, v] of Object.entries(section('gates'))) {
    const a = formula(v, ['gates', name], 0);
    const f: Formula = a.type === 'formula' ? a : { type: 'formula', op: 'null', args: [a] };
    model.gates.set(name, { name, formula: f, where: at(['gates', name], 'gate', name) });
  }
  for (const [name, v] of Object.entries(section('basic-events'))) {
    const where = at(['basic-events', name], 'basic-event', name);
    if (v && typeof v === 'object' && !Array.isArray(v) && ('probability' in v || 'label' in v)) {
      const o = v as Record<string, unknown>;
      for (const k of Object.keys(o))
        if (k !== 'probability' && k !== 'label')
          fail(['basic-events', name, k], ftReason('unexpected-key', { key: k }));
      model.basicEvents.set(name, {
        name,
        expression:
          o.probability === undefined
            ? undefined
            : expression(o.probability, ['basic-events', name, 'probability']),
        label: typeof o.label === 'string' ? o.label : undefined,
        where,
      });
    } else model.basicEvents.set(name, { name, expression: expression(v, ['basic-events', name]), where });
  }
  for (const [name, v] of Object.entries(section('house-events'))) {
    if (typeof v !== 'boolean') fail(['house-events', name], ftReason('house-event-boolean'), name);
    model.houseEvents.set(name, {
      name,
      state: v as boolean,
      where: at(['house-events', name], 'house-event', name),
    });
  }
  for (const [name, v] of Object.entries(section('parameters')))
    model.parameters.set(name, {
      name,
      expression: expression(v, ['parameters', name]),
      where: at(['parameters', name], 'parameter', name),
    });
  for (const [name, v] of Object.entries(section('ccf-groups'))) {
    const path = ['ccf-groups', name];
    if (!v || typeof v !== 'object') fail(path, ftReason('ccf-shape'), name);
    const o = v as Record<string, unknown>;
    const models: CcfModel[] = ['beta-factor', 'MGL', 'alpha-factor', 'phi-factor'];
    if (!models.includes(o.model as CcfModel))
      fail([...path, 'model'], ftReason('ccf-model', { models: models.join(', ') }));
    if (!Array.isArray(o.members) || !o.members.every((m) => typeof m === 'string'))
      fail([...path, 'members'], ftReason('ccf-members'));
    if (!o.factors || typeof o.factors !== 'object' || Array.isArray(o.factors))
      fail([...path, 'factors'], ftReason('ccf-factors'));
    model.ccfGroups.push({
      name,
      model: o.model as CcfModel,
      members: o.members as string[],
      distribution: expression(o.distribution, [...path, 'distribution']),
      factors: Object.entries(o.factors as Record<string, unknown>).map(([level, x]) => ({
        level: Number(level),
        expression: expression(x, [...path, 'factors', level]),
      })),
      where: at(path, 'ccf-group', name),
    });
  }
  return model;
}

/** Writes a model in the YAML form (reads back to the same model). */
export function writeYamlModel(model: Model): string {
  const expr = (e: Expression): unknown => {
    switch (e.kind) {
      case 'const':
        return e.value;
      case 'param':
        return e.name;
      case 'mission-time':
        return 'mission-time';
      case 'fn':
        return { [e.fn]: e.args.map(expr) };
    }
  };
  const arg = (a: Arg): unknown => {
    if (a.type === 'constant') return a.value;
    if (a.type === 'ref') return a.name;
    if (a.op === 'atleast') return { atleast: a.min, of: a.args.map(arg) };
    if (a.op === 'cardinality') return { cardinality: [a.min, a.max], of: a.args.map(arg) };
    if (a.op === 'null' && a.args[0].type !== 'formula') return arg(a.args[0]);
    return { [a.op]: a.args.map(arg) };
  };
  const doc: Record<string, unknown> = {};
  if (model.name) doc.model = model.name;
  if (model.missionTime !== DEFAULT_MISSION_TIME) doc['mission-time'] = model.missionTime;
  doc.gates = Object.fromEntries([...model.gates.values()].map((g) => [g.name, arg(g.formula)]));
  doc['basic-events'] = Object.fromEntries(
    [...model.basicEvents.values()].map((b) => [
      b.name,
      b.label || !b.expression
        ? {
            ...(b.expression ? { probability: expr(b.expression) } : {}),
            ...(b.label ? { label: b.label } : {}),
          }
        : expr(b.expression),
    ]),
  );
  if (model.houseEvents.size)
    doc['house-events'] = Object.fromEntries([...model.houseEvents.values()].map((h) => [h.name, h.state]));
  if (model.parameters.size)
    doc.parameters = Object.fromEntries(
      [...model.parameters.values()].map((p) => [p.name, expr(p.expression)]),
    );
  if (model.ccfGroups.length)
    doc['ccf-groups'] = Object.fromEntries(
      model.ccfGroups.map((g) => [
        g.name,
        {
          model: g.model,
          members: g.members,
          distribution: expr(g.distribution),
          factors: Object.fromEntries(g.factors.map((f) => [f.level, expr(f.expression)])),
        },
      ]),
    );
  // one line per gate, event and group: `TOP: { and: [A, B] }` reads like the formula
  const out = new Document(doc);
  for (const key of ['gates', 'basic-events', 'ccf-groups']) {
    const section = out.get(key, true) as { items?: { value?: { flow?: boolean } }[] } | undefined;
    for (const item of section?.items ?? [])
      if (item.value && typeof item.value === 'object') item.value.flow = true;
  }
  return out.toString({ lineWidth: 0, flowCollectionPadding: true });
}
