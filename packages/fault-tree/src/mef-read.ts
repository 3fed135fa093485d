import { type FtReason, ftReason } from './error-texts.js';
import { MefParseError, ValidationError, type Where } from './errors.js';
import { type Expression, FUNCTIONS, isFunctionName } from './expression.js';
import {
  type Arg,
  type CcfModel,
  emptyModel,
  type Formula,
  type Model,
  OPERATORS,
  type Operator,
  type Ref,
  type RefKind,
} from './model.js';
import { parseXml, type XmlElement, type XmlLimits } from './xml.js';

const REF_KINDS: Record<string, RefKind> = {
  event: 'event',
  gate: 'gate',
  'basic-event': 'basic-event',
  'house-event': 'house-event',
};
const CCF_MODELS: CcfModel[] = ['beta-factor', 'MGL', 'alpha-factor', 'phi-factor'];
const IGNORED = new Set(['label', 'attributes']);
const EVENT_TREE = new Set([
  'define-event-tree',
  'define-initiating-event',
  'define-sequence',
  'define-rule',
  'define-alignment',
  'define-substitution',
  'define-extern-library',
  'define-extern-function',
]);

/** Reads one Open-PSA MEF document. Every error names the file, line and element. */
export function readMef(text: string, file?: string, limits?: XmlLimits): Model {
  const root = parseXml(text, file, limits);
  return new MefReader(file).read(root);
}

class MefReader {
  private model = emptyModel();
  /** container names from the fault tree down, and whether definitions there are private */
  private scope: string[] = [];
  private privateScope = false;
  private refs: { ref: Ref; scope: string[] }[] = [];
  constructor(private file?: string) {}

  /** MEF scoping: a private definition is known by its path (`Tree.component.name`). */
  private id(el: XmlElement): string {
    const name = this.name(el);
    const role = el.attrs.role;
    const isPrivate = role === 'private' || (role !== 'public' && this.privateScope);
    return isPrivate && this.scope.length ? `${this.scope.join('.')}.${name}` : name;
  }

  private where(el: XmlElement): Where {
    return { file: this.file, line: el.line, element: el.name, name: el.attrs.name };
  }
  private fail(el: XmlElement, message: FtReason): never {
    throw new MefParseError(message, this.where(el));
  }
  private name(el: XmlElement): string {
    const n = el.attrs.name?.trim();
    if (!n) this.fail(el, ftReason('missing-name'));
    return n;
  }

  read(root: XmlElement): Model {
    if (root.name !== 'opsa-mef') this.fail(root, ftReason('root-element'));
    if (root.attrs.name) this.model.name = root.attrs.name;
    for (const el of root.children) {
      if (IGNORED.has(el.name)) continue;
      if (el.name === 'define-fault-tree') {
        if (!this.model.name) this.model.name = el.attrs.name;
        this.scoped(el, () => this.container(el));
      } else if (el.name === 'model-data') this.container(el, false);
      else if (EVENT_TREE.has(el.name)) this.fail(el, ftReason('unsupported'));
      else this.definition(el, true);
    }
    this.resolveScopedRefs();
    return this.model;
  }

  private scoped(el: XmlElement, body: () => void): void {
    const saved = this.privateScope;
    this.scope.push(this.name(el));
    if (el.attrs.role === 'private') this.privateScope = true;
    else if (el.attrs.role === 'public') this.privateScope = false;
    body();
    this.scope.pop();
    this.privateScope = saved;
  }

  /** A reference means the innermost definition visible from where it is written. */
  private resolveScopedRefs(): void {
    const m = this.model;
    const defined = (id: string) => m.gates.has(id) || m.basicEvents.has(id) || m.houseEvents.has(id);
    for (const { ref, scope } of this.refs) {
      for (let i = scope.length; i > 0; i--) {
        const id = `${scope.slice(0, i).join('.')}.${ref.name}`;
        if (defined(id)) {
          ref.name = id;
          break;
        }
      }
    }
  }

  private container(el: XmlElement, gates = true): void {
    for (const c of el.children) {
      if (IGNORED.has(c.name)) continue;
      if (c.name === 'define-component') this.scoped(c, () => this.container(c, gates));
      else if (!gates && c.name === 'define-gate') this.fail(c, ftReason('gates-in-model-data'));
      else this.definition(c, gates);
    }
  }

  private definition(el: XmlElement, gates: boolean): void {
    switch (el.name) {
      case 'define-gate':
        if (!gates) this.fail(el, ftReason('gates-outside-tree'));
        this.gate(el);
        return;
      case 'define-basic-event':
        this.basicEvent(el);
        return;
      case 'define-house-event':
        this.houseEvent(el);
        return;
      case 'define-parameter':
        this.parameter(el);
        return;
      case 'define-CCF-group':
        this.ccfGroup(el);
        return;
      default:
        this.fail(el, ftReason('unknown-element'));
    }
  }

  private duplicate(map: Map<string, unknown>, name: string, el: XmlElement): void {
    if (map.has(name)) throw new ValidationError(ftReason('duplicate', { name }), this.where(el));
  }

  private content(el: XmlElement): XmlElement[] {
    return el.children.filter((c) => !IGNORED.has(c.name));
  }

  private gate(el: XmlElement): void {
    const name = this.id(el);
    this.duplicate(this.model.gates, name, el);
    const body = this.content(el);
    if (body.length !== 1) this.fail(el, ftReason('gate-one-formula', { found: body.length }));
    const arg = this.arg(body[0], 0);
    const formula: Formula =
      arg.type === 'formula' ? arg : { type: 'formula', op: 'null', args: [arg], where: arg.where };
    this.model.gates.set(name, { name, formula, where: this.where(el) });
  }

  private arg(el: XmlElement, depth: number): Arg {
    const kind = REF_KINDS[el.name];
    if (kind) {
      if (el.children.length) this.fail(el, ftReason('reference-content'));
      const ref: Ref = { type: 'ref', kind, name: this.name(el), where: this.where(el) };
      if (this.scope.length) this.refs.push({ ref, scope: [...this.scope] });
      return ref;
    }
    if (el.name === 'constant') {
      const v = el.attrs.value;
      if (v !== 'true' && v !== 'false') this.fail(el, ftReason('true-or-false', { value: v ?? '' }));
      return { type: 'constant', value: v === 'true', where: this.where(el) };
    }
    if (!(OPERATORS as readonly string[]).includes(el.name))
      this.fail(el, ftReason('unknown-formula-element'));
    const op = el.name as Operator;
    const f: Formula = {
      type: 'formula',
      op,
      args: this.content(el).map((c) => this.arg(c, depth + 1)),
      where: this.where(el),
    };
    if (op === 'atleast' || op === 'cardinality') f.min = this.int(el, 'min');
    if (op === 'cardinality') f.max = this.int(el, 'max');
    return f;
  }

  private int(el: XmlElement, attr: string): number {
    const s = el.attrs[attr];
    if (s === undefined || !/^\s*\d+\s*$/.test(s))
      this.fail(el, ftReason('attribute-integer', { attr, value: s ?? '' }));
    return Number(s);
  }

  private basicEvent(el: XmlElement): void {
    const name = this.id(el);
    this.duplicate(this.model.basicEvents, name, el);
    const body = this.content(el);
    if (body.length > 1) this.fail(el, ftReason('basic-event-expression'));
    const label = el.children.find((c) => c.name === 'label')?.text.trim();
    this.model.basicEvents.set(name, {
      name,
      expression: body[0] ? this.expression(body[0]) : undefined,
      label: label || undefined,
      where: this.where(el),
    });
  }

  private houseEvent(el: XmlElement): void {
    const name = this.id(el);
    this.duplicate(this.model.houseEvents, name, el);
    const body = this.content(el);
    let state = false;
    if (body.length > 1) this.fail(el, ftReason('house-event-constant'));
    if (body[0]) {
      const v = body[0].attrs.value;
      if (body[0].name !== 'constant' || (v !== 'true' && v !== 'false'))
        this.fail(body[0], ftReason('house-event-state'));
      state = v === 'true';
    }
    this.model.houseEvents.set(name, { name, state, where: this.where(el) });
  }

  private parameter(el: XmlElement): void {
    const name = this.id(el);
    this.duplicate(this.model.parameters, name, el);
    const body = this.content(el);
    if (body.length !== 1) this.fail(el, ftReason('parameter-expression', { found: body.length }));
    this.model.parameters.set(name, { name, expression: this.expression(body[0]), where: this.where(el) });
  }

  private expression(el: XmlElement): Expression {
    const where = this.where(el);
    switch (el.name) {
      case 'float':
      case 'int': {
        const v = Number(el.attrs.value);
        if (el.attrs.value === undefined || el.attrs.value.trim() === '' || !Number.isFinite(v))
          this.fail(el, ftReason('number-value', { value: el.attrs.value ?? '' }));
        return { kind: 'const', value: v, where };
      }
      case 'bool': {
        const v = el.attrs.value;
        if (v !== 'true' && v !== 'false') this.fail(el, ftReason('true-or-false', { value: v ?? '' }));
        return { kind: 'const', value: v === 'true' ? 1 : 0, where };
      }
      case 'parameter':
        return { kind: 'param', name: this.name(el), where };
      case 'system-mission-time':
        return { kind: 'mission-time', where };
      default: {
        if (!isFunctionName(el.name)) this.fail(el, ftReason('unknown-expression-element'));
        const [lo, hi] = FUNCTIONS[el.name];
        const args = this.content(el).map((c) => this.expression(c));
        if (args.length < lo || args.length > hi)
          this.fail(
            el,
            ftReason('element-arity', {
              expects: lo === hi ? `${lo}` : `${lo} to ${hi === Infinity ? 'any' : hi}`,
              found: args.length,
            }),
          );
        return { kind: 'fn', fn: el.name, args, where };
      }
    }
  }

  private ccfGroup(el: XmlElement): void {
    const name = this.name(el);
    const model = el.attrs.model as CcfModel;
    if (!CCF_MODELS.includes(model))
      this.fail(
        el,
        ftReason('ccf-model-attribute', { models: CCF_MODELS.join(', '), value: el.attrs.model ?? '' }),
      );
    let members: string[] | undefined;
    let distribution: Expression | undefined;
    const factors: { level: number; expression: Expression }[] = [];
    const factor = (f: XmlElement) => {
      if (f.name !== 'factor') this.fail(f, ftReason('expected-factor'));
      const body = this.content(f);
      if (body.length !== 1) this.fail(f, ftReason('factor-expression'));
      const level = f.attrs.level === undefined ? factors.length + 2 : this.int(f, 'level');
      factors.push({ level, expression: this.expression(body[0]) });
    };
    for (const c of this.content(el)) {
      if (c.name === 'members') {
        members = c.children.map((m) => {
          if (m.name !== 'basic-event') this.fail(m, ftReason('ccf-member-element'));
          return this.name(m);
        });
      } else if (c.name === 'distribution') {
        const body = this.content(c);
        if (body.length !== 1) this.fail(c, ftReason('distribution-expression'));
        distribution = this.expression(body[0]);
      } else if (c.name === 'factor') factor(c);
      else if (c.name === 'factors') this.content(c).forEach(factor);
      else this.fail(c, ftReason('unknown-ccf-element'));
    }
    if (!members) this.fail(el, ftReason('missing-element', { element: 'members' }));
    if (!distribution) this.fail(el, ftReason('missing-element', { element: 'distribution' }));
    if (!factors.length) this.fail(el, ftReason('missing-element', { element: 'factor' }));
    this.model.ccfGroups.push({ name, model, members, distribution, factors, where: this.where(el) });
  }
}
