import { type FrameBatch, FrameFlag } from '../../batch.js';
import { FD_LENGTHS } from '../../frame.js';
import { EMPTY } from '../bytes.js';
import type { FrameRow } from '../frame-row.js';
import {
  convert,
  type GroupLayout,
  K_FLOAT,
  K_INT64,
  K_SMALL,
  K_VIRTUAL,
  K_WIDE,
  type NumericField,
} from './bus.js';

/**
 * Decoders specialised to one channel group's record layout, for the layouts bus loggers write
 * (CANedge, Vector, asammdf, Atelier): every field an unsigned bit field of at most 32 bits (raw,
 * or through a conversion when it has at most 8 bits: then a table of its 256 values, computed
 * by the general `convert`), or a virtual channel whose conversion makes it a constant (CANedge's
 * newer firmware: bus, direction, id type per group); the data bytes a fixed array in the record;
 * the time an integer of whole bytes or a float, through a power of ten. The general reader (`decodeFields`, `recordTime`) looks each field's
 * description up for every record; these functions are generated once per layout with the
 * offsets, shifts and masks written in as constants, the way Fastify compiles a serialiser per
 * schema, so V8 compiles each to a few loads and shifts.
 *
 * They decode only records that are plainly valid. Anything else — a field marked invalid where
 * that makes the record bad, an id out of range, a length the data bytes cannot hold — makes the
 * decoder return false, and the caller decodes that record again through the general path, which
 * gives the exact error (or the lenient skip). So the fast path never decides an error: it cannot
 * disagree with the general one on a bad record, only be faster on a good one.
 *
 * Only integers read from the file's metadata (and checked to be integers here) are written into
 * the generated source.
 */

/** Decodes the record at `rec` into `out`; false when the general path must decide. */
export type FastDecoder = (buf: Uint8Array, rec: number, channels: string[], out: FrameRow) => boolean;
/**
 * Writes the record's time in µs from the start of measurement (rounded), as `recordTime` gives
 * it, to `times[at]`: written, not returned, because a number that is not a small integer crosses
 * a call as a heap object, one per record.
 */
export type FastTime = (buf: Buffer, rec: number, times: Float64Array, at: number) => void;

function int(n: number, what: string): number {
  if (!Number.isSafeInteger(n)) throw new TypeError(`fast decoder: ${what} ${n} is not an integer`);
  return n;
}

/** True for an unsigned bit field of ≤ 32 bits within 4 bytes, raw value used as is. */
function plain(f: NumericField): boolean {
  return f.conversion === undefined && bitField(f);
}

function bitField(f: NumericField): boolean {
  return (
    f.kind === K_SMALL &&
    !f.signed &&
    !f.allInvalid &&
    f.span >= 1 &&
    f.span <= 4 &&
    f.bits >= 1 &&
    f.bits <= 32
  );
}

/**
 * How the generated code reads a field: the expression of its value (a non-negative integer, as
 * the general path computes it) and of its invalidation; undefined when the fast path cannot.
 */
interface Reading {
  value: string;
  invalid: string;
}

/** Builds the readings of one layout; tables of converted values are passed to the generated code. */
class Readings {
  readonly tables: Float64Array[] = [];

  of(f: NumericField): Reading | undefined {
    if (plain(f)) return { value: rawOf(f), invalid: invalidOf(f) };
    const cc = f.conversion;
    if (cc === undefined) return undefined;
    if (f.kind === K_VIRTUAL && !f.allInvalid && f.invalByte < 0 && cc.type === 1 && cc.values[1] === 0) {
      // A virtual channel through a constant: the value of the whole group.
      const c = cc.values[0];
      return Number.isSafeInteger(c) && c >= 0 ? { value: String(c), invalid: 'false' } : undefined;
    }
    // (Not with an invalidation bit: the general path converts the NaN of an invalid value.)
    if (bitField(f) && f.bits <= 8 && f.invalByte < 0) {
      // A small field through a conversion (CANedge: DLC to data length): its every value, once.
      const table = new Float64Array(2 ** f.bits);
      for (let raw = 0; raw < table.length; raw++) {
        const v = convert(cc, raw);
        if (!Number.isSafeInteger(v) || v < 0) return undefined;
        table[raw] = v;
      }
      this.tables.push(table);
      return { value: `TABLES[${this.tables.length - 1}][${rawOf(f)}]`, invalid: invalidOf(f) };
    }
    return undefined;
  }
}

/** The expression of a plain field's raw value (a non-negative integer). */
function rawOf(f: NumericField): string {
  const at = int(f.byte, 'byte offset');
  let e = `buf[rec + ${at}]`;
  for (let i = 1; i < f.span; i++) e += ` | (buf[rec + ${at + i}] << ${8 * i})`;
  const bit = int(f.bit, 'bit offset');
  if (f.bits === 32) return `((${e}) >>> 0)`;
  const shifted = bit === 0 ? `(${e})` : `((${e}) >>> ${bit})`;
  return `(${shifted} & ${int(f.mask, 'mask')})`;
}

/** The expression that is true when the record marks the field invalid ('false' when it cannot). */
function invalidOf(f: NumericField): string {
  if (f.invalByte < 0) return 'false';
  return `(buf[rec + ${int(f.invalByte, 'invalidation byte')}] & ${int(f.invalMask, 'invalidation mask')}) !== 0`;
}

/** `name = value, or -1 when invalid` (values are never negative). */
function read(name: string, r: Reading): string {
  return r.invalid === 'false'
    ? `const ${name} = ${r.value};`
    : `const ${name} = ${r.invalid} ? -1 : ${r.value};`;
}

/**
 * The decoder of a layout, or undefined when the layout is not one the fast path reads (then the
 * general path reads every record of that group).
 */
const FIELDS = ['id', 'ide', 'dlc', 'dataLength', 'dir', 'busChannel', 'edl', 'brs', 'esi'] as const;
type Field = (typeof FIELDS)[number];

export function fastDecoder(layout: GroupLayout): FastDecoder | undefined {
  const code = decoderCode(layout);
  if (code === undefined) return undefined;
  const write = [
    'out.id = id;',
    'out.flags = flags;',
    'out.dlc = dlcOut;',
    'out.channel = channel;',
    'out.src = length > 0 ? buf : EMPTY;',
    'out.at = first;',
    'out.length = length;',
    'return true;',
  ];
  const body = `return function decodeRecord(buf, rec, channels, out) {\n${[...code.lines, ...write].join('\n')}\n};`;
  return new Function('EMPTY', 'FD_LENGTHS', 'FD_LENGTH', 'TABLES', 'ID_LIMIT', body)(
    EMPTY,
    FD_LENGTHS,
    FD_LENGTH,
    code.tables,
    ID_LIMIT,
  ) as FastDecoder;
}

/**
 * Decodes the record at `rec` straight into row `batch.length` of the batch's columns, with the
 * time `timestamp` (s); false when the general path must decide (nothing written then). The caller
 * checked `!batch.full`.
 */
export type FastColumns = (
  buf: Uint8Array,
  rec: number,
  channels: string[],
  batch: FrameBatch,
  times: Float64Array,
  slot: number,
  startUs: number,
) => boolean;

/**
 * The same decoder writing into a batch's columns instead of a row: the columnar read (`atelier
 * can stats`, plots) copies each record's fields once, not twice. The time is read from
 * `times[slot]` (µs from `startUs`) so no double crosses a call.
 */
export function fastColumns(layout: GroupLayout): FastColumns | undefined {
  const code = decoderCode(layout);
  if (code === undefined) return undefined;
  const write = [
    'const k = batch.length;',
    'batch.id[k] = id;',
    'batch.timestamp[k] = (startUs + times[slot]) / 1e6;',
    'batch.flags[k] = flags;',
    'batch.dlc[k] = dlcOut;',
    'batch.channel[k] = channel;',
    'const start = batch.start;',
    'const s = start[k];',
    'if (length > 0) {',
    '  const data = batch.data;',
    '  for (let j = 0; j < length; j++) data[s + j] = buf[first + j];',
    '}',
    'start[k + 1] = s + length;',
    'batch.length = k + 1;',
    'return true;',
  ];
  const body = `return function decodeColumns(buf, rec, channels, batch, times, slot, startUs) {\n${[...code.lines, ...write].join('\n')}\n};`;
  return new Function('EMPTY', 'FD_LENGTHS', 'FD_LENGTH', 'TABLES', 'ID_LIMIT', body)(
    EMPTY,
    FD_LENGTHS,
    FD_LENGTH,
    code.tables,
    ID_LIMIT,
  ) as FastColumns;
}

/**
 * Decodes up to `n` consecutive records (`size` bytes apart from `pos`) into the batch's columns,
 * their times from `times[at]`, `times[at + 1]`, … (a ring of `cap`); stops at the first record the
 * general path must decide, or when the batch's data may not hold one more frame. Returns how many
 * it decoded; the latest time among them (µs) is left in `latest[0]` (from its value on entry).
 */
export type FastRun = (
  buf: Uint8Array,
  pos: number,
  size: number,
  n: number,
  channels: string[],
  batch: FrameBatch,
  times: Float64Array,
  at: number,
  cap: number,
  startUs: number,
  latest: Float64Array,
) => number;

/**
 * The columns decoder as a loop over a run of records: one call per run instead of one per record
 * (a decoder of this size is not inlined into its caller, so a call per record costs as much as a
 * good part of the decoding).
 */
export function fastRun(layout: GroupLayout): FastRun | undefined {
  const code = decoderCode(layout);
  if (code === undefined) return undefined;
  const lines = code.lines.map((l) => l.replaceAll('return false;', 'break records;'));
  const body = [
    'const ids = batch.id, stamps = batch.timestamp, flagsOut = batch.flags, dlcs = batch.dlc;',
    'const names = batch.channel, start = batch.start, data = batch.data;',
    'const room = data.length - 64;',
    'let k = batch.length;',
    'let s = start[k];',
    'let last = latest[0];',
    'let j = 0;',
    'records: for (; j < n; j++, pos += size) {',
    '  if (s > room) break;',
    '  const rec = pos;',
    ...lines.map((l) => `  ${l}`),
    '  ids[k] = id;',
    '  const t = times[at];',
    '  if (t > last) last = t;',
    '  stamps[k] = (startUs + t) / 1e6;',
    '  flagsOut[k] = flags;',
    '  dlcs[k] = dlcOut;',
    '  names[k] = channel;',
    ...(code.eightStored
      ? [
          // Eight bytes copied whatever the length (the record stores eight, the batch has 64 to
          // spare): no loop on the length, which changes frame to frame. Longer payloads loop.
          '  if (length <= 8) {',
          ...Array.from({ length: 8 }, (_, b) => `    data[s + ${b}] = buf[first + ${b}];`),
          '  } else for (let b = 0; b < length; b++) data[s + b] = buf[first + b];',
        ]
      : ['  for (let b = 0; b < length; b++) data[s + b] = buf[first + b];']),
    '  s += length;',
    '  start[k + 1] = s;',
    '  k++;',
    '  if (++at === cap) at = 0;',
    '}',
    'batch.length = k;',
    'latest[0] = last;',
    'return j;',
  ];
  const src = body.join('\n');
  const fn = `return function decodeRun(buf, pos, size, n, channels, batch, times, at, cap, startUs, latest) {\n${src}\n};`;
  return new Function('EMPTY', 'FD_LENGTHS', 'FD_LENGTH', 'TABLES', 'ID_LIMIT', fn)(
    EMPTY,
    FD_LENGTHS,
    FD_LENGTH,
    code.tables,
    ID_LIMIT,
  ) as FastRun;
}

// The generated code takes the extended-id flag (0 or 1) as FrameFlag.EXTENDED and makes TX by
// shifting RX once: true of the flags as batch.ts numbers them.
if (FrameFlag.EXTENDED !== 1 || FrameFlag.RX << 1 !== FrameFlag.TX)
  throw new Error('fast decoder: FrameFlag.EXTENDED must be 1 and FrameFlag.TX be RX << 1');

/** The largest id of an 11-bit frame and of a 29-bit one, by the extended flag (0 or 1). */
const ID_LIMIT = new Uint32Array([0x7ff, 0x1fffffff]);

/** Payload lengths a CAN FD frame can have, as a lookup table. */
const FD_LENGTH = new Uint8Array(65);
for (const n of FD_LENGTHS) FD_LENGTH[n] = 1;

/**
 * The statements shared by both decoders: they check the record and leave its fields in locals
 * (`id`, `flags`, `dlcOut`, `channel`, and the payload as `length` bytes of `buf` from `first`), or
 * `return false` before anything is written.
 */
function decoderCode(
  layout: GroupLayout,
): { lines: string[]; tables: Float64Array[]; eightStored: boolean } | undefined {
  const { kind } = layout;
  if (kind !== 'data' && kind !== 'remote') return undefined;
  const readings = new Readings();
  const r: Partial<Record<Field, Reading>> = {};
  for (const name of FIELDS) {
    const f = layout[name];
    if (f === undefined) continue;
    const reading = readings.of(f);
    if (reading === undefined) return undefined;
    r[name] = reading;
  }
  // The id raw, as a bit field (an id through a conversion is not a bus logger's).
  if (layout.id === undefined || !plain(layout.id) || r.id === undefined) return undefined;
  const db = layout.dataBytes;
  if (db !== undefined && db.kind !== 'fixed') return undefined;
  const lines: string[] = [];
  const push = (...l: string[]) => lines.push(...l);
  // The id: -1 when invalid, which makes a data or remote frame bad (the general path says why).
  // The id's width and the direction change frame to frame in a log (and the payload length): a
  // branch on them is mispredicted often, so they are computed as integers (0 or 1) and used as
  // shifts and indices. `(x | -x) >>> 31` is 1 for any x ≠ 0 up to 2^32 - 1, 0 for 0.
  push(read('raw', r.id), 'if (raw < 0) return false;', 'let id = raw;', 'let ext = 0;');
  // Some writers keep the extended-id flag in bit 31 of the id.
  if (layout.id.bits > 29)
    push('if (id > 0x1fffffff) { ext = id >= 0x80000000 ? 1 : 0; id = id % 0x20000000; }');
  if (r.ide) push(read('ide', r.ide), 'if (ide >= 0) ext = (ide | -ide) >>> 31;');
  else push('if (id > 0x7ff) ext = 1;');
  // The largest id of each width: an 11-bit id above 0x7FF is for the general path to refuse.
  push('if (id > ID_LIMIT[ext]) return false;');
  push('let flags = ext;');
  if (r.busChannel) {
    push(
      read('ch', r.busChannel),
      'let channel = undefined;',
      'if (ch >= 0) {',
      '  channel = channels[ch];',
      '  if (channel === undefined) { channel = String(ch); if (ch < 256) channels[ch] = channel; }',
      '}',
    );
  } else push('const channel = undefined;');
  if (r.dir)
    // RX shifted once is TX: received for 0, transmitted for anything else.
    push(read('dir', r.dir), `if (dir >= 0) flags |= ${FrameFlag.RX} << ((dir | -dir) >>> 31);`);
  push(r.dlc ? read('dlc', r.dlc) : 'const dlc = -1;');
  push('let first = 0;', 'let length = 0;', 'let dlcOut = -1;');
  if (kind === 'remote') {
    // The declared length: the DLC, or the data length when there is no valid DLC.
    if (r.dataLength) push(read('dataLength', r.dataLength), 'const declared = dlc < 0 ? dataLength : dlc;');
    else push('const declared = dlc;');
    push('if (declared > 0 && declared <= 15) dlcOut = declared;', `flags |= ${FrameFlag.REMOTE};`);
  } else {
    push(r.edl ? `${read('edl', r.edl)} const fd = edl === 1;` : 'const fd = false;');
    push(r.dataLength ? read('given', r.dataLength) : 'const given = -1;');
    // -1: the length is not known, the stored data bytes say it.
    push('const want = given >= 0 ? given : dlc >= 0 ? (fd ? FD_LENGTHS[dlc & 15] : Math.min(dlc, 8)) : -1;');
    if (db !== undefined) {
      const stored = int(db.length, 'data bytes length');
      const dbInvalid =
        db.invalByte < 0
          ? 'false'
          : `(buf[rec + ${int(db.invalByte, 'invalidation byte')}] & ${int(db.invalMask, 'invalidation mask')}) !== 0`;
      push(
        `if (want !== 0 && !(${dbInvalid})) {`,
        `  const n = want < 0 ? ${stored} : want;`,
        `  if (n > ${stored}) return false;`,
        `  first = rec + ${int(db.byte, 'data bytes offset')};`,
        '  length = n;',
        '}',
      );
    }
    push('if (want > 0 && length === 0) return false;');
    push('if (fd) {', '  if (!FD_LENGTH[length]) return false;', `  flags |= ${FrameFlag.FD};`);
    if (r.brs) push(`  ${read('brs', r.brs)}`, `  if (brs === 1) flags |= ${FrameFlag.BRS};`);
    if (r.esi) push(`  ${read('esi', r.esi)}`, `  if (esi === 1) flags |= ${FrameFlag.ESI};`);
    push('} else {', '  if (length > 8) return false;', '  if (dlc > 8 && dlc <= 15) dlcOut = dlc;', '}');
  }
  // A data frame's record stores at least 8 payload bytes: `first` then points at 8 bytes of the
  // record (or is 0 with nothing to copy, and the buffer holds a whole record), so 8 can be read.
  const eightStored = kind === 'data' && db !== undefined && db.length >= 8;
  return { lines, tables: readings.tables, eightStored };
}

/**
 * The time reader of a layout, or undefined when the time is not a plain 64-bit integer or bit
 * field through a power of ten (then `recordTime` reads it).
 */
export function fastTime(layout: GroupLayout): FastTime | undefined {
  const { field: f, mul, div } = layout.time;
  if (mul === 0 || f.conversion !== undefined || f.allInvalid || f.invalByte >= 0) return undefined;
  let raw: string;
  if (f.kind === K_INT64) {
    const at = int(f.byte, 'byte offset');
    const b = (i: number) => `buf[rec + ${at + i}]`;
    const lo = `((${b(0)} | (${b(1)} << 8) | (${b(2)} << 16)) + ${b(3)} * 0x1000000)`;
    const hi = `(${b(4)} | (${b(5)} << 8) | (${b(6)} << 16) | (${b(7)} << 24))`;
    raw = `(${f.signed ? hi : `(${hi} >>> 0)`} * 0x100000000 + ${lo})`;
  } else if (f.kind === K_WIDE && !f.signed && f.bit === 0 && f.bits % 8 === 0 && f.bits <= 48) {
    // Whole bytes (CANedge's newer firmware: 48-bit µs): exact in a double.
    const at = int(f.byte, 'byte offset');
    const terms = [`(buf[rec + ${at}] | (buf[rec + ${at + 1}] << 8) | (buf[rec + ${at + 2}] << 16))`];
    for (let i = 3; i < f.bits / 8; i++) terms.push(`buf[rec + ${at + i}] * ${2 ** (8 * i)}`);
    raw = `(${terms.join(' + ')})`;
  } else if (f.kind === K_FLOAT && f.little && (f.bits === 64 || f.bits === 32)) {
    // A float (CANedge's older firmware: 64-bit), read as the general path reads it.
    raw = `buf.read${f.bits === 64 ? 'Double' : 'Float'}LE(rec + ${int(f.byte, 'byte offset')})`;
  } else if (plain(f)) {
    raw = rawOf(f);
  } else return undefined;
  const us =
    div === 1
      ? `Math.round(${raw} * ${int(mul, 'time factor')})`
      : `Math.round(${raw} / ${int(div, 'time divisor')})`;
  return new Function(
    `return function recordTime(buf, rec, times, at) { times[at] = ${us}; };`,
  )() as FastTime;
}
