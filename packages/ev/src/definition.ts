import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Text } from '@atelier/obd';
import { LineCounter, parse, parseDocument } from 'yaml';
import { type DefinitionReason, definitionReason, sayDefinitionReason } from './definition-texts.js';

/**
 * Battery definitions are data (`packages/ev/definitions/*.yaml`): which ECU to ask, what to ask it
 * and where each quantity sits in its answer. They are checked fully at load; a bad file is a
 * DefinitionError naming the file and the field.
 */

/** What the report knows how to show; anything else is an extra reading under its own label. */
export const QUANTITIES = ['packVoltage', 'packCurrent', 'soc', 'soh'] as const;
export type Quantity = (typeof QUANTITIES)[number];

export interface FieldDefinition {
  /** `packVoltage`, `packCurrent`, `soc`, `soh`, or an extra's own name (`hx`, `capacity`). */
  quantity: string;
  label?: Text;
  /** Byte index in the positive response (byte 0 is the response service id). */
  at: number;
  /** Big-endian width, 1–4 bytes. */
  bytes: number;
  signed: boolean;
  scale: number;
  unit: string;
  /**
   * `drive`: a reading of the drive (motor speed, inverter DC link) the battery ECU also reports,
   * shown apart from the battery's own.
   */
  group?: 'drive';
}

export interface ListDefinition extends Omit<FieldDefinition, 'quantity' | 'label'> {
  quantity: 'cellVoltages' | 'temperatures';
  count: number;
  /** Bytes from one value to the next. */
  stride: number;
  /** Number (1-based) of the first value this answer holds: cells 33… of a second request. */
  first: number;
  /** Raw value meaning "no such sensor" (read before any sign). */
  absent?: number;
}

export interface RequestDefinition {
  /** The request's bytes, service id first. */
  request: Uint8Array;
  hex: string;
  label: Text;
  /**
   * The positive answer's length, bytes, when the layout fixes it: an answer of another length is
   * another ECU's layout (the same identifier means something else there), not this vehicle's.
   */
  length?: number;
  fields: FieldDefinition[];
  list?: ListDefinition;
}

export interface BatteryDefinition {
  id: string;
  name: Text;
  protocol: 'kwp2000' | 'uds';
  ecu: { request: number; response: number; extended: boolean };
  cells: number;
  cellVoltage: { min: number; max: number };
  requests: RequestDefinition[];
  /** Why the definition has no SoH reading, when it has none. */
  soh?: Text;
  file: string;
}

/**
 * A bad definition file: the file, the field (`requests[0].fields[1].at`, or `(top)`, `(yaml)`),
 * the line when the file's text is known, and why. `reason` and `message` are English as they always
 * were (the line is not in them: scripts read them); `messageIn('fr')` spells the place out in French.
 */
export class DefinitionError extends Error {
  override name = 'DefinitionError';
  readonly reason: string;
  constructor(
    readonly file: string,
    readonly where: string,
    readonly detail: DefinitionReason,
    readonly line?: number,
  ) {
    const reason = sayDefinitionReason(detail, 'en');
    super(`${file}: ${where}: ${reason}`);
    this.reason = reason;
  }

  messageIn(lang: 'fr' | 'en'): string {
    if (lang === 'en') return this.message;
    const field = this.where.startsWith('(') ? '' : `, champ ${this.where}`;
    return `${this.file}${this.line ? `, ligne ${this.line}` : ''}${field} : ${sayDefinitionReason(this.detail, 'fr')}`;
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function text(file: string, where: string, v: unknown): Text {
  if (!isObj(v) || typeof v.fr !== 'string' || typeof v.en !== 'string')
    throw new DefinitionError(file, where, definitionReason('texts'));
  return { fr: v.fr, en: v.en };
}

function int(file: string, where: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw new DefinitionError(
      file,
      where,
      definitionReason('integer', { min, max, got: String(JSON.stringify(v)) }),
    );
  return v;
}

function num(file: string, where: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new DefinitionError(file, where, definitionReason('number', { got: String(JSON.stringify(v)) }));
  return v;
}

function field(file: string, where: string, v: unknown, length: number): FieldDefinition {
  if (!isObj(v)) throw new DefinitionError(file, where, definitionReason('field'));
  if (typeof v.quantity !== 'string' || !/^[a-zA-Z]\w*$/.test(v.quantity))
    throw new DefinitionError(file, `${where}.quantity`, definitionReason('name'));
  const bytes = int(file, `${where}.bytes`, v.bytes, 1, 4);
  const at = int(file, `${where}.at`, v.at, 1, length);
  if (typeof v.unit !== 'string') throw new DefinitionError(file, `${where}.unit`, definitionReason('unit'));
  const out: FieldDefinition = {
    quantity: v.quantity,
    at,
    bytes,
    signed: v.signed === true,
    scale: num(file, `${where}.scale`, v.scale),
    unit: v.unit,
  };
  if (v.group !== undefined) {
    if (v.group !== 'drive') throw new DefinitionError(file, `${where}.group`, definitionReason('group'));
    out.group = 'drive';
  }
  if (v.label !== undefined) out.label = text(file, `${where}.label`, v.label);
  else if (!(QUANTITIES as readonly string[]).includes(v.quantity))
    throw new DefinitionError(
      file,
      `${where}.label`,
      definitionReason('extra-label', { quantity: v.quantity }),
    );
  return out;
}

function hexBytes(file: string, where: string, v: unknown): Uint8Array {
  if (typeof v !== 'string' || !/^[0-9A-Fa-f]{2}( [0-9A-Fa-f]{2})*$/.test(v))
    throw new DefinitionError(file, where, definitionReason('hex'));
  return Uint8Array.from(v.split(' '), (b) => Number.parseInt(b, 16));
}

/** Checks a definition given as parsed YAML. */
export function checkDefinition(raw: unknown, file: string): BatteryDefinition {
  if (!isObj(raw)) throw new DefinitionError(file, '(top)', definitionReason('mapping'));
  if (typeof raw.id !== 'string' || !/^[a-z0-9-]+$/.test(raw.id))
    throw new DefinitionError(file, 'id', definitionReason('id'));
  if (raw.protocol !== 'kwp2000' && raw.protocol !== 'uds')
    throw new DefinitionError(file, 'protocol', definitionReason('protocol'));
  if (!isObj(raw.ecu)) throw new DefinitionError(file, 'ecu', definitionReason('ecu'));
  const extended = raw.ecu.extended === true;
  const maxId = extended ? 0x1fffffff : 0x7ff;
  const cv = isObj(raw.cellVoltage) ? raw.cellVoltage : {};
  if (!Array.isArray(raw.requests) || raw.requests.length === 0)
    throw new DefinitionError(file, 'requests', definitionReason('requests'));
  const requests = raw.requests.map((r, i): RequestDefinition => {
    const where = `requests[${i}]`;
    if (!isObj(r)) throw new DefinitionError(file, where, definitionReason('request'));
    const request = hexBytes(file, `${where}.request`, r.request);
    const fields = Array.isArray(r.fields)
      ? r.fields.map((f, j) => field(file, `${where}.fields[${j}]`, f, 4095))
      : [];
    let list: ListDefinition | undefined;
    if (r.list !== undefined) {
      const l = r.list as Obj;
      if (l.quantity !== 'cellVoltages' && l.quantity !== 'temperatures')
        throw new DefinitionError(file, `${where}.list.quantity`, definitionReason('list-quantity'));
      const base = field(file, `${where}.list`, { ...l, label: { fr: '', en: '' } }, 4095);
      list = {
        quantity: l.quantity,
        at: base.at,
        bytes: base.bytes,
        signed: base.signed,
        scale: base.scale,
        unit: base.unit,
        count: int(file, `${where}.list.count`, l.count, 1, 1024),
        stride: int(file, `${where}.list.stride`, l.stride, 1, 64),
        first: l.first === undefined ? 1 : int(file, `${where}.list.first`, l.first, 1, 1024),
      };
      if (l.absent !== undefined) list.absent = int(file, `${where}.list.absent`, l.absent, 0, 0xffffffff);
    }
    if (!fields.length && !list) throw new DefinitionError(file, where, definitionReason('nothing-to-read'));
    const out: RequestDefinition = {
      request,
      hex: r.request as string,
      label: text(file, `${where}.label`, r.label),
      fields,
      list,
    };
    if (r.length !== undefined) out.length = int(file, `${where}.length`, r.length, request.length, 4095);
    return out;
  });
  const def: BatteryDefinition = {
    id: raw.id,
    name: text(file, 'name', raw.name),
    protocol: raw.protocol,
    ecu: {
      request: int(file, 'ecu.request', raw.ecu.request, 0, maxId),
      response: int(file, 'ecu.response', raw.ecu.response, 0, maxId),
      extended,
    },
    cells: int(file, 'cells', raw.cells, 1, 1024),
    cellVoltage: { min: num(file, 'cellVoltage.min', cv.min), max: num(file, 'cellVoltage.max', cv.max) },
    requests,
    file,
  };
  if (raw.soh !== undefined) def.soh = text(file, 'soh', raw.soh);
  return def;
}

export function parseDefinition(yamlText: string, file: string): BatteryDefinition {
  let raw: unknown;
  try {
    raw = parse(yamlText);
  } catch (err) {
    const e = err as Error & { code?: string; linePos?: { line: number; col: number }[] };
    throw new DefinitionError(
      file,
      '(yaml)',
      definitionReason('yaml', { message: e.message, code: e.code ?? '', column: e.linePos?.[0]?.col ?? 0 }),
      e.linePos?.[0]?.line,
    );
  }
  try {
    return checkDefinition(raw, file);
  } catch (err) {
    if (!(err instanceof DefinitionError) || err.where.startsWith('(')) throw err;
    throw new DefinitionError(err.file, err.where, err.detail, lineOf(yamlText, err.where));
  }
}

/**
 * The line of a field (`requests[0].fields[1].at`) in the file's text: the value's, or, for a field
 * that is missing, the line of the mapping that should hold it. Read again only when the file is
 * refused, so a good file is parsed once.
 */
function lineOf(yamlText: string, where: string): number | undefined {
  const lc = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter: lc });
  const path = where
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  for (let n = path.length; n >= 0; n--) {
    const node = (n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true)) as
      | { range?: [number, number, number] }
      | undefined;
    if (node?.range) return lc.linePos(node.range[0]).line;
  }
  return undefined;
}

/** Reads a definition file a user wrote (`atelier ev report --vehicle my-car.yaml`). */
export function readDefinitionFile(path: string, name = path): BatteryDefinition {
  return parseDefinition(readFileSync(path, 'utf8'), name);
}

const DIR = fileURLToPath(new URL('../definitions/', import.meta.url));
let builtIn: BatteryDefinition[] | undefined;

/** The definitions that ship with Atelier (Nissan Leaf, Hyundai Kona/Ioniq). */
export function batteryDefinitions(): BatteryDefinition[] {
  builtIn ??= readdirSync(DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => parseDefinition(readFileSync(DIR + f, 'utf8'), `packages/ev/definitions/${f}`));
  return builtIn;
}

export function batteryDefinition(id: string): BatteryDefinition | undefined {
  return batteryDefinitions().find((d) => d.id === id);
}
