import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Text } from '@atelier/obd';
import { parse } from 'yaml';

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

export class DefinitionError extends Error {
  override name = 'DefinitionError';
  constructor(
    readonly file: string,
    readonly where: string,
    readonly reason: string,
  ) {
    super(`${file}: ${where}: ${reason}`);
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function text(file: string, where: string, v: unknown): Text {
  if (!isObj(v) || typeof v.fr !== 'string' || typeof v.en !== 'string')
    throw new DefinitionError(file, where, 'expected { fr, en } texts');
  return { fr: v.fr, en: v.en };
}

function int(file: string, where: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw new DefinitionError(file, where, `expected an integer ${min}–${max}, got ${JSON.stringify(v)}`);
  return v;
}

function num(file: string, where: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new DefinitionError(file, where, `expected a number, got ${JSON.stringify(v)}`);
  return v;
}

function field(file: string, where: string, v: unknown, length: number): FieldDefinition {
  if (!isObj(v)) throw new DefinitionError(file, where, 'expected a field');
  if (typeof v.quantity !== 'string' || !/^[a-zA-Z]\w*$/.test(v.quantity))
    throw new DefinitionError(file, `${where}.quantity`, 'expected a name');
  const bytes = int(file, `${where}.bytes`, v.bytes, 1, 4);
  const at = int(file, `${where}.at`, v.at, 1, length);
  if (typeof v.unit !== 'string') throw new DefinitionError(file, `${where}.unit`, 'expected a unit');
  const out: FieldDefinition = {
    quantity: v.quantity,
    at,
    bytes,
    signed: v.signed === true,
    scale: num(file, `${where}.scale`, v.scale),
    unit: v.unit,
  };
  if (v.group !== undefined) {
    if (v.group !== 'drive') throw new DefinitionError(file, `${where}.group`, 'expected drive');
    out.group = 'drive';
  }
  if (v.label !== undefined) out.label = text(file, `${where}.label`, v.label);
  else if (!(QUANTITIES as readonly string[]).includes(v.quantity))
    throw new DefinitionError(file, `${where}.label`, `an extra quantity (${v.quantity}) needs a label`);
  return out;
}

function hexBytes(file: string, where: string, v: unknown): Uint8Array {
  if (typeof v !== 'string' || !/^[0-9A-Fa-f]{2}( [0-9A-Fa-f]{2})*$/.test(v))
    throw new DefinitionError(file, where, 'expected spaced hex bytes ("21 01")');
  return Uint8Array.from(v.split(' '), (b) => Number.parseInt(b, 16));
}

/** Checks a definition given as parsed YAML. */
export function checkDefinition(raw: unknown, file: string): BatteryDefinition {
  if (!isObj(raw)) throw new DefinitionError(file, '(top)', 'expected a mapping');
  if (typeof raw.id !== 'string' || !/^[a-z0-9-]+$/.test(raw.id))
    throw new DefinitionError(file, 'id', 'expected a lower-case id');
  if (raw.protocol !== 'kwp2000' && raw.protocol !== 'uds')
    throw new DefinitionError(file, 'protocol', 'expected kwp2000 or uds');
  if (!isObj(raw.ecu)) throw new DefinitionError(file, 'ecu', 'expected { request, response }');
  const extended = raw.ecu.extended === true;
  const maxId = extended ? 0x1fffffff : 0x7ff;
  const cv = isObj(raw.cellVoltage) ? raw.cellVoltage : {};
  if (!Array.isArray(raw.requests) || raw.requests.length === 0)
    throw new DefinitionError(file, 'requests', 'expected a list of requests');
  const requests = raw.requests.map((r, i): RequestDefinition => {
    const where = `requests[${i}]`;
    if (!isObj(r)) throw new DefinitionError(file, where, 'expected a request');
    const request = hexBytes(file, `${where}.request`, r.request);
    const fields = Array.isArray(r.fields)
      ? r.fields.map((f, j) => field(file, `${where}.fields[${j}]`, f, 4095))
      : [];
    let list: ListDefinition | undefined;
    if (r.list !== undefined) {
      const l = r.list as Obj;
      if (l.quantity !== 'cellVoltages' && l.quantity !== 'temperatures')
        throw new DefinitionError(file, `${where}.list.quantity`, 'expected cellVoltages or temperatures');
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
    if (!fields.length && !list) throw new DefinitionError(file, where, 'a request with nothing to read');
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
    throw new DefinitionError(file, '(yaml)', (err as Error).message);
  }
  return checkDefinition(raw, file);
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
