import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MONITORS, pidByKey } from '@atelier/obd';
import { type Document, isNode, LineCounter, parseDocument } from 'yaml';
import { BATTERY_FIGURE_KEYS, isBatteryFigure } from '../battery-figures.js';
import { HV_PARTS } from '../safety.js';
import type { Localized } from '../text.js';
import { type KbLang, type KbReason, kbReason, sayKbReason } from './kb-reasons.js';
import {
  type Cause,
  type DtcMemoryKind,
  type FaultTreeEntry,
  type FollowUpRoutine,
  type KnowledgeBase,
  type MeasureEach,
  type MeasurementSpec,
  type RepairFollowUp,
  type Sign,
  type SignCondition,
  type TestCheck,
  UDS_STATUS_BITS,
  type UdsStatusBit,
  type ValueBound,
  VEHICLE_TYPES,
  type VehicleType,
  type WorkshopTest,
} from './types.js';

/** The event that stands for a cause outside a tree, beside its causes (reserved as a cause id). */
export const UNEXPLAINED = 'unexplained';

/** The knowledge base shipped with the package. */
export const DEFAULT_KB_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'kb');

/**
 * A knowledge-base file that does not say what it must: names the file, the field path and the line.
 * `detail` is why, as a code with its values (`kb-reasons.ts`); `reason` and `message` are the
 * English they always were (tests and programs read them), `messageIn(lang)` says it in the
 * reader's language.
 */
export class KbError extends Error {
  override name = 'KbError';
  /** Why, in English. */
  readonly reason: string;
  constructor(
    readonly file: string,
    readonly path: string,
    readonly detail: KbReason,
    readonly line?: number,
  ) {
    const reason = sayKbReason(detail, 'en');
    super(`${file}${line ? `:${line}` : ''}: ${path ? `${path}: ` : ''}${reason}`);
    this.reason = reason;
  }

  /** Why, in French (the workshop's words; field names and ids as written in the file). */
  get reasonFr(): string {
    return sayKbReason(this.detail, 'fr');
  }

  /** The message in `lang`: English is `message`; French spells the place out, then why. */
  messageIn(lang: KbLang): string {
    if (lang === 'en') return this.message;
    const where = `${this.file}${this.line ? `, ligne ${this.line}` : ''}${this.path ? `, champ ${this.path}` : ''}`;
    return `${where} : ${this.reasonFr}`;
  }
}

type Path = (string | number)[];

/** Reads one YAML file and hands out typed fields, raising KbError with the field path and line. */
class Reader {
  private readonly doc: Document;
  private readonly lines = new LineCounter();
  constructor(
    readonly file: string,
    text: string,
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false });
    const err = this.doc.errors[0];
    if (err) {
      const at = this.lines.linePos(err.pos[0]);
      // Parsed without prettyErrors (the message stays as it always was): the place from the counter.
      const why = kbReason('yaml-syntax', { detail: err.message, code: err.code, column: at.col });
      throw new KbError(file, '', why, at.line);
    }
  }

  fail(path: Path, reason: KbReason): never {
    let line: number | undefined;
    for (let n = path.length; n >= 0 && line === undefined; n--) {
      const node = this.doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) line = this.lines.linePos(node.range[0]).line;
    }
    throw new KbError(this.file, path.join('.'), reason, line);
  }

  get root(): unknown {
    // An alias without its anchor (`*a`) parses without error and throws here: bad input, typed.
    try {
      return this.doc.toJS();
    } catch (err) {
      if (err instanceof ReferenceError || err instanceof TypeError) {
        const detail = err.message.split('\n')[0]!.trim();
        const alias = /^Unresolved alias\b.*: (\S+)$/.exec(detail)?.[1];
        this.fail(
          [],
          alias ? kbReason('yaml-unresolved-alias', { detail, alias }) : kbReason('yaml-build', { detail }),
        );
      }
      throw err;
    }
  }

  obj(value: unknown, path: Path): Record<string, unknown> {
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      this.fail(path, kbReason('expected-mapping'));
    return value as Record<string, unknown>;
  }

  str(value: unknown, path: Path): string {
    if (typeof value !== 'string' || value.trim() === '') this.fail(path, kbReason('expected-string'));
    return value;
  }

  id(value: unknown, path: Path): string {
    const s = this.str(value, path);
    if (!/^[a-z][a-z0-9_]*$/.test(s)) this.fail(path, kbReason('not-an-id', { value: s }));
    return s;
  }

  num(value: unknown, path: Path, min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY): number {
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(path, kbReason('expected-number'));
    if (value < min || value > max) this.fail(path, kbReason('out-of-range', { value, min, max }));
    return value;
  }

  bool(value: unknown, path: Path): boolean {
    if (typeof value !== 'boolean') this.fail(path, kbReason('expected-boolean'));
    return value;
  }

  prob(value: unknown, path: Path): number {
    return this.num(value, path, 0, 1);
  }

  list(value: unknown, path: Path): unknown[] {
    if (!Array.isArray(value)) this.fail(path, kbReason('expected-list'));
    return value;
  }

  strings(value: unknown, path: Path): string[] {
    return this.list(value ?? [], path).map((v, i) =>
      this.str(typeof v === 'number' ? String(v) : v, [...path, i]),
    );
  }

  text(value: unknown, path: Path): Localized {
    const o = this.obj(value, path);
    return { fr: this.str(o.fr, [...path, 'fr']), en: this.str(o.en, [...path, 'en']) };
  }
}

/** Per-cause sensitivity and specificity, shared by tests and signs. */
function readChecks(r: Reader, raw: unknown, path: Path, what: 'test' | 'sign'): Record<string, TestCheck> {
  const checksRaw = r.obj(raw, path);
  const checks: Record<string, TestCheck> = {};
  for (const [cause, c] of Object.entries(checksRaw)) {
    const p = [...path, cause];
    const co = r.obj(c, p);
    checks[r.id(cause, p)] = {
      sensitivity: r.prob(co.sensitivity, [...p, 'sensitivity']),
      specificity: r.prob(co.specificity, [...p, 'specificity']),
    };
    if (checks[cause].sensitivity + checks[cause].specificity <= 1) {
      r.fail(p, kbReason('check-says-nothing', { what }));
    }
  }
  if (Object.keys(checks).length === 0) r.fail(path, kbReason('checks-no-cause', { what }));
  return checks;
}

function readTest(r: Reader, raw: unknown, path: Path): WorkshopTest {
  const o = r.obj(raw, path);
  const kind = o.kind;
  if (kind !== 'observation' && kind !== 'inspection')
    r.fail([...path, 'kind'], kbReason('expected-either', { a: 'observation', b: 'inspection' }));
  const checks = readChecks(r, o.checks, [...path, 'checks'], 'test');
  if (o.sim !== undefined) r.fail([...path, 'sim'], kbReason('test-sim-replaced'));
  const measure = r
    .list(o.measure ?? [], [...path, 'measure'])
    .map((m, i) => readMeasurement(r, m, [...path, 'measure', i]));
  const expected = r.obj(o.expected, [...path, 'expected']);
  return {
    id: r.id(o.id, [...path, 'id']),
    kind,
    name: r.text(o.name, [...path, 'name']),
    instructions: r.text(o.instructions, [...path, 'instructions']),
    tools: r.strings(o.tools, [...path, 'tools']),
    minutes: r.num(o.minutes, [...path, 'minutes'], 0, 24 * 60),
    cost: r.num(o.cost, [...path, 'cost'], 0),
    expected: {
      good: r.text(expected.good, [...path, 'expected', 'good']),
      bad: r.text(expected.bad, [...path, 'expected', 'bad']),
    },
    safety: r.strings(o.safety, [...path, 'safety']),
    energised: o.energised === undefined ? false : r.bool(o.energised, [...path, 'energised']),
    checks,
    measure,
  };
}

const EACH = ['cylinder', 'wheel', 'ecu'] as const;

/** One measurement of a test: what is measured and how its value reads. */
function readMeasurement(r: Reader, raw: unknown, path: Path): MeasurementSpec {
  const o = r.obj(raw, path);
  const known = [
    'live',
    'instrument',
    'component',
    'at',
    'each',
    'quantity',
    'minus',
    'conditions',
    'vehicles',
    'unit',
    'good',
    'spread',
    'good_words',
    'bad_words',
    'label',
  ];
  for (const k of Object.keys(o))
    if (!known.includes(k)) r.fail([...path, k], kbReason('unknown-field', { known }));
  const spec: MeasurementSpec = {
    conditions: {},
    unit: o.unit === undefined ? '' : String(o.unit),
    label: r.text(o.label, [...path, 'label']),
  };
  if (o.live !== undefined) {
    spec.live = r.id(o.live, [...path, 'live']);
    for (const k of ['instrument', 'component', 'quantity', 'each', 'at', 'minus'])
      if (o[k] !== undefined) r.fail([...path, k], kbReason('live-names-no-instrument'));
  } else {
    spec.instrument = r.id(o.instrument, [...path, 'instrument']);
    spec.component = r.id(o.component, [...path, 'component']);
    spec.quantity = r.id(o.quantity, [...path, 'quantity']);
    if (o.minus !== undefined) spec.minus = r.id(o.minus, [...path, 'minus']);
    if (o.each !== undefined) {
      if (!EACH.includes(o.each as MeasureEach))
        r.fail([...path, 'each'], kbReason('expected-one-of', { values: EACH }));
      spec.each = o.each as MeasureEach;
    }
    if (o.at !== undefined) {
      spec.at = {};
      for (const [k, v] of Object.entries(r.obj(o.at, [...path, 'at']))) {
        if (typeof v !== 'string' && typeof v !== 'number')
          r.fail([...path, 'at', k], kbReason('expected-name-or-number'));
        spec.at[k] = v;
      }
    }
  }
  if (o.conditions !== undefined)
    for (const [k, v] of Object.entries(r.obj(o.conditions, [...path, 'conditions']))) {
      if (!['string', 'number', 'boolean'].includes(typeof v))
        r.fail([...path, 'conditions', k], kbReason('expected-value'));
      spec.conditions[k] = v as string | number | boolean;
    }
  if (o.vehicles !== undefined)
    spec.vehicles = r.strings(o.vehicles, [...path, 'vehicles']).map((v, i) => {
      if (!VEHICLE_TYPES.includes(v as VehicleType))
        r.fail([...path, 'vehicles', i], kbReason('unknown-vehicle', { value: v, known: VEHICLE_TYPES }));
      return v as VehicleType;
    });
  if (o.good !== undefined) {
    const g = r.obj(o.good, [...path, 'good']);
    const bound: ValueBound = {};
    if (g.above !== undefined) bound.above = r.num(g.above, [...path, 'good', 'above']);
    if (g.below !== undefined) bound.below = r.num(g.below, [...path, 'good', 'below']);
    if (g.margin !== undefined) bound.margin = r.num(g.margin, [...path, 'good', 'margin'], 0);
    if (bound.above === undefined && bound.below === undefined)
      r.fail([...path, 'good'], kbReason('range-needs-bound'));
    spec.good = bound;
  }
  if (o.spread !== undefined) spec.spread = r.num(o.spread, [...path, 'spread'], 0, 100);
  if (o.good_words !== undefined) spec.goodWords = r.strings(o.good_words, [...path, 'good_words']);
  if (o.bad_words !== undefined) spec.badWords = r.strings(o.bad_words, [...path, 'bad_words']);
  const words = spec.goodWords !== undefined || spec.badWords !== undefined;
  if (!words && !spec.good && spec.spread === undefined) r.fail(path, kbReason('reading-unsaid'));
  if (words && (!spec.goodWords?.length || !spec.badWords?.length)) r.fail(path, kbReason('words-need-both'));
  if (spec.spread !== undefined && !spec.each) r.fail([...path, 'spread'], kbReason('spread-needs-each'));
  return spec;
}

const DTC_RE = /^[PCBU][0-3][0-9A-F]{3}$/;
const MEMORIES: DtcMemoryKind[] = ['stored', 'pending', 'permanent'];
const SOURCES = ['dtc', 'freeze_frame', 'live', 'battery', 'readiness', 'complaint'] as const;

/** A repair's `after`: what is done after it and before the verification drive, and that drive. */
function readFollowUp(r: Reader, raw: unknown, path: Path): RepairFollowUp {
  const o = r.obj(raw, path);
  const known = ['fr', 'en', 'road', 'minutes', 'routine', 'charge_battery'];
  for (const k of Object.keys(o))
    if (!known.includes(k)) r.fail([...path, k], kbReason('unknown-field', { known }));
  const road = o.road === undefined ? 'urban' : String(o.road);
  if (road !== 'urban' && road !== 'motorway')
    r.fail([...path, 'road'], kbReason('unknown-road', { value: road }));
  return {
    fr: r.str(o.fr, [...path, 'fr']),
    en: r.str(o.en, [...path, 'en']),
    road: road as RepairFollowUp['road'],
    minutes: o.minutes === undefined ? 20 : r.num(o.minutes, [...path, 'minutes'], 5, 120),
    ...(o.routine === undefined ? {} : { routine: readRoutine(r, o.routine, [...path, 'routine']) }),
    ...(o.charge_battery === undefined
      ? {}
      : { chargeBattery: r.bool(o.charge_battery, [...path, 'charge_battery']) }),
  };
}

/** A follow-up's routine: `{ ecu: engine, id: F001, record: dpf_regeneration, max_minutes, fr, en }`. */
function readRoutine(r: Reader, raw: unknown, path: Path): FollowUpRoutine {
  const o = r.obj(raw, path);
  const known = ['ecu', 'id', 'record', 'max_minutes', 'fr', 'en'];
  for (const k of Object.keys(o))
    if (!known.includes(k)) r.fail([...path, k], kbReason('unknown-field', { known }));
  if (o.ecu !== 'engine') r.fail([...path, 'ecu'], kbReason('unknown-ecu', { value: String(o.ecu) }));
  const idText = String(o.id ?? '');
  if (!/^[0-9A-F]{4}$/i.test(idText))
    r.fail([...path, 'id'], kbReason('not-a-routine-id', { value: idText }));
  if (o.record !== 'dpf_regeneration')
    r.fail([...path, 'record'], kbReason('unknown-results-record', { value: String(o.record) }));
  return {
    ecu: 'engine',
    id: Number.parseInt(idText, 16),
    record: 'dpf_regeneration',
    maxMinutes: o.max_minutes === undefined ? 40 : r.num(o.max_minutes, [...path, 'max_minutes'], 5, 120),
    name: { fr: r.str(o.fr, [...path, 'fr']), en: r.str(o.en, [...path, 'en']) },
  };
}

/**
 * A cause's simulator faults: a fault type (`hv_isolation`, at any of its parts) or a type at one
 * part (`hv_isolation:inverter`). Whether the simulator has them is `atelier kb lint`'s to check.
 */
function readSimFaults(r: Reader, raw: unknown, path: Path): string[] {
  const refs = r.strings(raw, path);
  refs.forEach((ref, i) => {
    if (!/^[a-z0-9_]+(?::[a-z0-9_]+)?$/.test(ref))
      r.fail([...path, i], kbReason('not-a-sim-fault', { value: ref }));
  });
  return refs;
}

function readCodes(r: Reader, raw: unknown, path: Path): string[] {
  const codes = r.strings(raw, path);
  codes.forEach((d, i) => {
    if (!DTC_RE.test(d)) r.fail([...path, i], kbReason('not-a-dtc', { value: d }));
  });
  return codes;
}

/** `{ KEY: { above, below, margin } }` where KEY is a PID key of SAE J1979 (or `KEY.field`). */
function readBounds(
  r: Reader,
  raw: unknown,
  path: Path,
  keys: 'pid' | 'battery' = 'pid',
): Record<string, ValueBound> {
  const out: Record<string, ValueBound> = {};
  for (const [key, b] of Object.entries(r.obj(raw ?? {}, path))) {
    const p = [...path, key];
    if (keys === 'battery') {
      if (!isBatteryFigure(key))
        r.fail(p, kbReason('not-a-battery-figure', { key, known: BATTERY_FIGURE_KEYS }));
      out[key] = readBound(r, b, p);
      continue;
    }
    const [pidKey, field] = key.split('.');
    const def = pidByKey(pidKey);
    if (!def) r.fail(p, kbReason('not-a-pid-key', { key: pidKey }));
    if (field ? !def.fields.some((f) => f.key === field) : def.fields.length !== 1)
      r.fail(p, kbReason('pid-field-unnamed', { pid: def.key, fields: def.fields.map((f) => f.key) }));
    out[key] = readBound(r, b, p);
  }
  return out;
}

function readBound(r: Reader, b: unknown, p: Path): ValueBound {
  const o = r.obj(b, p);
  const bound: ValueBound = {};
  if (o.above !== undefined) bound.above = r.num(o.above, [...p, 'above']);
  if (o.below !== undefined) bound.below = r.num(o.below, [...p, 'below']);
  if (o.margin !== undefined) bound.margin = r.num(o.margin, [...p, 'margin'], 0);
  if (bound.above === undefined && bound.below === undefined) r.fail(p, kbReason('bound-needs-side'));
  if (bound.above !== undefined && bound.below !== undefined && bound.above >= bound.below)
    r.fail(p, kbReason('bound-order', { above: bound.above, below: bound.below }));
  for (const k of Object.keys(o))
    if (!['above', 'below', 'margin'].includes(k)) r.fail([...p, k], kbReason('bound-field'));
  return bound;
}

function readCondition(r: Reader, o: Record<string, unknown>, path: Path): SignCondition {
  const present = SOURCES.filter((k) => o[k] !== undefined);
  if (present.length !== 1) r.fail(path, kbReason('sign-one-source', { sources: SOURCES, found: present }));
  const source = present[0];
  const p = [...path, source];
  const raw = o[source];
  switch (source) {
    case 'dtc': {
      if (Array.isArray(raw)) return { source, codes: readCodes(r, raw, p), memories: MEMORIES, min: 1 };
      const d = r.obj(raw, p);
      const codes = readCodes(r, d.codes, [...p, 'codes']);
      const memories = (d.memories === undefined ? MEMORIES : r.strings(d.memories, [...p, 'memories'])).map(
        (m, i) => {
          if (!MEMORIES.includes(m as DtcMemoryKind))
            r.fail([...p, 'memories', i], kbReason('expected-one-of', { values: MEMORIES }));
          return m as DtcMemoryKind;
        },
      );
      const min = d.min === undefined ? 1 : r.num(d.min, [...p, 'min'], 1, codes.length);
      if (!codes.length) r.fail([...p, 'codes'], kbReason('name-a-code'));
      const cond: SignCondition = { source, codes, memories, min };
      if (d.status !== undefined) {
        const st = r.obj(d.status, [...p, 'status']);
        cond.status = {};
        for (const [bit, v] of Object.entries(st)) {
          if (!(bit in UDS_STATUS_BITS))
            r.fail(
              [...p, 'status', bit],
              kbReason('not-a-status-bit', { known: Object.keys(UDS_STATUS_BITS) }),
            );
          if (typeof v !== 'boolean') r.fail([...p, 'status', bit], kbReason('expected-boolean'));
          cond.status[bit as UdsStatusBit] = v;
        }
      }
      if (d.failure_types !== undefined)
        cond.failureTypes = r
          .list(d.failure_types, [...p, 'failure_types'])
          .map((x, i) => r.num(x, [...p, 'failure_types', i], 0, 255));
      return cond;
    }
    case 'freeze_frame':
    case 'live': {
      const v = r.obj(raw, p);
      const values = readBounds(r, v.values, [...p, 'values']);
      if (!Object.keys(values).length) r.fail([...p, 'values'], kbReason('name-a-value'));
      const requires = readBounds(r, v.requires, [...p, 'requires']);
      if (source === 'live') return { source, values, requires };
      const frozenBy = v.frozen_by === undefined ? [] : readCodes(r, v.frozen_by, [...p, 'frozen_by']);
      return { source, values, requires, frozenBy };
    }
    case 'battery': {
      const v = r.obj(raw, p);
      const values = readBounds(r, v.values, [...p, 'values'], 'battery');
      if (!Object.keys(values).length) r.fail([...p, 'values'], kbReason('name-a-value'));
      const requires = readBounds(r, v.requires, [...p, 'requires'], 'battery');
      return { source, values, requires };
    }
    case 'readiness': {
      const v = r.obj(raw, p);
      if (v.mil !== undefined) {
        if (typeof v.mil !== 'boolean') r.fail([...p, 'mil'], kbReason('expected-boolean'));
        return { source, mil: v.mil };
      }
      const monitor = r.str(v.monitor, [...p, 'monitor']);
      if (!MONITORS.has(monitor))
        r.fail(
          [...p, 'monitor'],
          kbReason('unknown-monitor', { value: monitor, known: [...MONITORS.keys()] }),
        );
      if (v.status !== 'complete' && v.status !== 'incomplete')
        r.fail([...p, 'status'], kbReason('expected-either', { a: 'complete', b: 'incomplete' }));
      return { source, monitor, status: v.status };
    }
    case 'complaint':
      return { source, keywords: r.strings(raw, p) };
  }
}

function parseSigns(r: Reader, raw: unknown): Sign[] {
  return Object.entries(r.obj(raw ?? {}, ['signs'])).map(([id, v]) => {
    const p = ['signs', id];
    const o = r.obj(v, p);
    const when = readCondition(r, o, p);
    const absent = o.absent ?? (when.source === 'complaint' ? 'ignore' : 'evidence');
    if (absent !== 'evidence' && absent !== 'ignore')
      r.fail([...p, 'absent'], kbReason('expected-either', { a: 'evidence', b: 'ignore' }));
    if (o.describes !== undefined && (o.describes !== 'symptom' || when.source !== 'complaint'))
      r.fail([...p, 'describes'], kbReason('describes-complaint-only'));
    return {
      id: r.id(id, p),
      name: r.text(o.name, [...p, 'name']),
      when,
      checks: readChecks(r, o.checks, [...p, 'checks'], 'sign'),
      absentIsEvidence: absent === 'evidence',
      ...(o.describes === 'symptom' ? { describesSymptom: true } : {}),
    };
  });
}

function readTree(r: Reader): FaultTreeEntry {
  const o = r.obj(r.root, []);
  const applies = r.obj(o.applies, ['applies']);
  const vehicles = r.strings(o.vehicles, ['vehicles']).map((v, i) => {
    if (!VEHICLE_TYPES.includes(v as VehicleType))
      r.fail(['vehicles', i], kbReason('unknown-vehicle', { value: v, known: VEHICLE_TYPES }));
    return v as VehicleType;
  });
  const causesRaw = r.obj(o.causes, ['causes']);
  const causes: Cause[] = Object.entries(causesRaw).map(([id, c]) => {
    const p = ['causes', id];
    const co = r.obj(c, p);
    const rep = r.obj(co.repair, [...p, 'repair']);
    if (id === UNEXPLAINED) r.fail(p, kbReason('reserved-cause', { id: UNEXPLAINED }));
    const causeVehicles =
      co.vehicles === undefined
        ? vehicles
        : r.strings(co.vehicles, [...p, 'vehicles']).map((v, i) => {
            if (!vehicles.includes(v as VehicleType))
              r.fail([...p, 'vehicles', i], kbReason('not-a-tree-vehicle', { value: v, known: vehicles }));
            return v as VehicleType;
          });
    return {
      id: r.id(id, p),
      vehicles: causeVehicles,
      name: r.text(co.name, [...p, 'name']),
      prior: r.prob(co.prior, [...p, 'prior']),
      inspect: r.id(co.inspect, [...p, 'inspect']),
      simFaults: readSimFaults(r, co.sim_faults, [...p, 'sim_faults']),
      repair: {
        fr: r.str(rep.fr, [...p, 'repair', 'fr']),
        en: r.str(rep.en, [...p, 'repair', 'en']),
        hours: r.num(rep.hours, [...p, 'repair', 'hours'], 0, 100),
        parts: r.num(rep.parts, [...p, 'repair', 'parts'], 0),
        hvParts: r.strings(rep.hv_parts, [...p, 'repair', 'hv_parts']).map((part, i) => {
          if (!(part in HV_PARTS))
            r.fail(
              [...p, 'repair', 'hv_parts', i],
              kbReason('unknown-hv-part', { value: part, known: Object.keys(HV_PARTS) }),
            );
          return part;
        }),
        safety: r.strings(rep.safety, [...p, 'repair', 'safety']),
        ...(rep.after === undefined ? {} : { after: readFollowUp(r, rep.after, [...p, 'repair', 'after']) }),
      },
    };
  });
  if (causes.length < 2) r.fail(['causes'], kbReason('too-few-causes'));
  for (const c of causes)
    if (c.prior === 0 || c.prior === 1) r.fail(['causes', c.id, 'prior'], kbReason('prior-certain'));
  for (const v of vehicles)
    if (causes.filter((c) => c.vehicles.includes(v)).length < 2)
      r.fail(['causes'], kbReason('vehicle-too-few-causes', { vehicle: v }));
  const unexplained =
    o.unexplained_prior === undefined
      ? Math.round(0.1 * causes.reduce((a, c) => a + c.prior, 0) * 1e6) / 1e6
      : r.prob(o.unexplained_prior, ['unexplained_prior']);
  if (unexplained <= 0 || unexplained >= 1) r.fail(['unexplained_prior'], kbReason('unexplained-prior'));
  const escalate = r.list(o.escalate ?? [], ['escalate']).map((x, i) => r.text(x, ['escalate', i]));
  const dtcs = readCodes(r, applies.dtcs, ['applies', 'dtcs']);
  const monitors = r.strings(o.monitors, ['monitors']);
  monitors.forEach((m, i) => {
    if (!MONITORS.has(m))
      r.fail(['monitors', i], kbReason('unknown-monitor', { value: m, known: [...MONITORS.keys()] }));
  });
  return {
    id: r.id(o.id, ['id']),
    file: r.file,
    title: r.text(o.title, ['title']),
    symptom: r.text(o.symptom, ['symptom']),
    applies: {
      dtcs,
      complaintKeywords: r.strings(applies.complaint_keywords, ['applies', 'complaint_keywords']),
    },
    vehicles,
    safety: o.safety === undefined ? undefined : r.text(o.safety, ['safety']),
    causes,
    observations: r.strings(o.observations, ['observations']),
    signs: parseSigns(r, o.signs),
    monitors,
    unexplained,
    escalate,
  };
}

/**
 * Runs a parse of `file`, a stack overflow included as a KbError: the YAML parser recurses once per
 * nesting level, and thousands of levels (a damaged or hostile file) overflow the stack.
 */
function guarded<T>(file: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof RangeError && /call stack/i.test(err.message))
      throw new KbError(file, '', kbReason('yaml-too-deep'));
    throw err;
  }
}

/** Parses the workshop-test catalogue. */
export function parseTests(text: string, file = 'tests.yaml'): WorkshopTest[] {
  return guarded(file, () => readTests(text, file));
}

function readTests(text: string, file: string): WorkshopTest[] {
  const r = new Reader(file, text);
  const root = r.obj(r.root, []);
  const tests = r.list(root.tests, ['tests']).map((t, i) => readTest(r, t, ['tests', i]));
  const seen = new Set<string>();
  tests.forEach((t, i) => {
    if (seen.has(t.id)) r.fail(['tests', i, 'id'], kbReason('duplicate-test', { id: t.id }));
    seen.add(t.id);
  });
  return tests;
}

/** Parses one fault-tree file. */
export function parseTree(text: string, file: string): FaultTreeEntry {
  return guarded(file, () => readTree(new Reader(file, text)));
}

/**
 * Loads and cross-checks a knowledge base: every inspection and observation a tree names exists,
 * every cause a test checks exists in some tree, tree ids are unique.
 */
export function loadKnowledgeBase(dir = DEFAULT_KB_DIR): KnowledgeBase {
  const testsFile = join(dir, 'tests.yaml');
  const tests = new Map(
    parseTests(readFileSync(testsFile, 'utf8'), relative(process.cwd(), testsFile)).map((t) => [t.id, t]),
  );
  const treeDir = join(dir, 'trees');
  const trees = readdirSync(treeDir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort()
    .map((f) => parseTree(readFileSync(join(treeDir, f), 'utf8'), relative(process.cwd(), join(treeDir, f))));
  const problems = checkReferences({ trees, tests });
  if (problems.length) throw problems[0];
  return { trees, tests };
}

/** Cross-file checks; returns every problem found. */
export function checkReferences(kb: KnowledgeBase): KbError[] {
  const problems: KbError[] = [];
  const ids = new Set<string>();
  const causeIds = new Set<string>();
  for (const tree of kb.trees) {
    if (ids.has(tree.id))
      problems.push(new KbError(tree.file, 'id', kbReason('duplicate-tree', { id: tree.id })));
    ids.add(tree.id);
    for (const c of tree.causes) {
      causeIds.add(c.id);
      const test = kb.tests.get(c.inspect);
      if (!test)
        problems.push(
          new KbError(tree.file, `causes.${c.id}.inspect`, kbReason('unknown-test', { id: c.inspect })),
        );
      else if (!test.checks[c.id])
        problems.push(
          new KbError(
            tree.file,
            `causes.${c.id}.inspect`,
            kbReason('test-skips-cause', { test: c.inspect, cause: c.id }),
          ),
        );
    }
    for (const sign of tree.signs)
      for (const cause of Object.keys(sign.checks))
        if (!tree.causes.some((c) => c.id === cause))
          problems.push(
            new KbError(
              tree.file,
              `signs.${sign.id}.checks.${cause}`,
              kbReason('not-a-tree-cause', { cause }),
            ),
          );
    tree.observations.forEach((o, i) => {
      const test = kb.tests.get(o);
      if (!test)
        problems.push(new KbError(tree.file, `observations.${i}`, kbReason('unknown-test', { id: o })));
      else if (!tree.causes.some((c) => test.checks[c.id])) {
        problems.push(
          new KbError(tree.file, `observations.${i}`, kbReason('test-checks-no-tree-cause', { test: o })),
        );
      }
    });
  }
  for (const t of kb.tests.values()) {
    for (const cause of Object.keys(t.checks)) {
      if (!causeIds.has(cause))
        problems.push(
          new KbError(
            basename('tests.yaml'),
            `tests.${t.id}.checks.${cause}`,
            kbReason('no-tree-has-cause', { cause }),
          ),
        );
    }
  }
  return problems;
}
