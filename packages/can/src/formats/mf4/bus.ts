import { FrameFlag } from '../../batch.js';
import { FD_LENGTHS } from '../../frame.js';
import { type Reason, reason, sayReason } from '../../reason.js';
import { EMPTY } from '../bytes.js';
import type { FrameRow } from '../frame-row.js';
import {
  type BlockReader,
  type Channel,
  type ChannelGroup,
  CN_ALL_INVALID,
  CN_INVAL_VALID,
  type Conversion,
} from './blocks.js';

/**
 * The ASAM MDF bus-logging layout for CAN: a channel group holds one kind of bus event, named by
 * its composed channel — `CAN_DataFrame`, `CAN_RemoteFrame` or `CAN_ErrorFrame` — whose member
 * channels (`.BusChannel`, `.ID`, `.IDE`, `.DLC`, `.DataLength`, `.DataBytes`, `.Dir`, `.EDL`,
 * `.BRS`, `.ESI`, …) are bit fields of the record, virtual channels (a constant through their
 * conversion: how CANedge's newer firmware writes the bus, the direction and the id type of a
 * whole group), or for `.DataBytes` a fixed byte array or a VLSD reference to variable-length
 * signal data. The master channel holds the time from the start of measurement.
 */

export type FrameKind = 'data' | 'remote' | 'error';

const KINDS: Record<string, FrameKind> = {
  can_dataframe: 'data',
  can_remoteframe: 'remote',
  can_errorframe: 'error',
};

/**
 * How a numeric field is read, decided once per channel: the common bit fields (at most 32 bits
 * from their first byte) by bytes, shift and mask; 64-bit byte-aligned integers and floats by
 * Buffer reads; anything else by the general path.
 */
export const K_SMALL = 0;
export const K_INT64 = 1;
export const K_WIDE = 2;
const K_BE = 3;
export const K_FLOAT = 4;
export const K_VIRTUAL = 5;
const K_TEXT = 6;

export interface NumericField {
  kind: number;
  signed: boolean;
  /** Little-endian (floats). */
  little: boolean;
  /** Bytes the field spans from `byte` (K_SMALL: 1–4), and the mask of its bits. */
  span: number;
  mask: number;
  /** Byte and bit offset in the record (after the record id), bit count. */
  byte: number;
  bit: number;
  bits: number;
  /** Invalidation bit: byte offset from the record start (past the data bytes) and mask; -1 when none. */
  invalByte: number;
  invalMask: number;
  allInvalid: boolean;
  conversion: Conversion | undefined;
}

export type DataBytes =
  | { kind: 'fixed'; byte: number; length: number; invalByte: number; invalMask: number }
  | { kind: 'vlsd'; offset: NumericField; target: number };

export interface TimeField {
  field: NumericField;
  /** µs = raw × mul (or raw / div) when the conversion is a power of ten; else through the conversion. */
  mul: number;
  div: number;
}

/** Everything needed to turn one record of a CAN channel group into a Frame. */
export interface GroupLayout {
  kind: FrameKind;
  /** Record data bytes + invalidation bytes (the record id not included). */
  size: number;
  time: TimeField;
  busChannel?: NumericField;
  id?: NumericField;
  ide?: NumericField;
  dlc?: NumericField;
  dataLength?: NumericField;
  dir?: NumericField;
  edl?: NumericField;
  brs?: NumericField;
  esi?: NumericField;
  dataBytes?: DataBytes;
}

/** A channel of the group, with its name (composed channels walked depth first). */
interface NamedChannel {
  name: string;
  channel: Channel;
}

/** A channel group whose channels cannot be read as CAN frames; the reason says which channel and why. */
export class LayoutError extends Error {
  constructor(readonly detail: Reason) {
    super(sayReason(detail, 'en'));
  }
}

/**
 * The layout of a channel group, or undefined when it is not CAN bus logging (LIN, plain signals).
 * Throws a LayoutError naming the channel when a CAN group has a layout this reader cannot decode.
 */
export async function groupLayout(blocks: BlockReader, cg: ChannelGroup): Promise<GroupLayout | undefined> {
  const channels: NamedChannel[] = [];
  await collect(blocks, cg.firstChannel, cg.at, channels, new Set());
  let kind: FrameKind | undefined;
  const fields = new Map<string, Channel>();
  let master: Channel | undefined;
  for (const { name, channel } of channels) {
    if (channel.type === 2 || channel.type === 3) {
      if (channel.syncType === 1) master ??= channel;
      continue;
    }
    const dot = name.indexOf('.');
    const prefix = (dot < 0 ? name : name.slice(0, dot)).toLowerCase();
    const k = KINDS[prefix];
    if (!k) continue;
    kind ??= k;
    if (k !== kind) continue;
    if (dot >= 0) fields.set(name.slice(dot + 1).toLowerCase(), channel);
  }
  if (kind === undefined) return undefined;
  const where = (inner: Reason) => reason('mf4.in-channel-group', { at: cg.at, inner });
  if (!master) throw new LayoutError(where(reason('mf4.no-time-channel', { kind })));
  const size = cg.dataBytes + cg.invalBytes;
  const layout: GroupLayout = { kind, size, time: await timeField(blocks, master, cg) };
  const numeric = async (name: string) => {
    const c = fields.get(name);
    return c ? numericField(blocks, c, cg) : undefined;
  };
  layout.busChannel = await numeric('buschannel');
  layout.id = await numeric('id');
  layout.ide = await numeric('ide');
  layout.dlc = await numeric('dlc');
  layout.dataLength = await numeric('datalength');
  layout.dir = await numeric('dir');
  layout.edl = await numeric('edl');
  layout.brs = await numeric('brs');
  layout.esi = await numeric('esi');
  const bytes = fields.get('databytes');
  if (bytes) layout.dataBytes = await dataBytesField(blocks, bytes, cg);
  if (kind !== 'error' && !layout.id) throw new LayoutError(where(reason('mf4.no-id-channel', { kind })));
  return layout;
}

async function collect(
  blocks: BlockReader,
  first: number,
  from: number,
  out: NamedChannel[],
  seen: Set<number>,
): Promise<void> {
  let at = first;
  let prev = from;
  while (at !== 0) {
    if (seen.has(at)) throw blocks.error(prev, reason('mf4.cn-loop', { at }));
    seen.add(at);
    const channel = await blocks.channel(at, prev);
    if (channel === undefined) return;
    out.push({ name: await blocks.text(channel.name, at), channel });
    if (channel.composition !== 0) await collect(blocks, channel.composition, at, out, seen);
    prev = at;
    at = channel.next;
  }
}

async function conversionOf(blocks: BlockReader, c: Channel): Promise<Conversion | undefined> {
  if (c.conversion === 0) return undefined;
  const cc = await blocks.conversion(c.conversion, c.at);
  // Text conversions (value to text, bit field text) name raw values: the raw value is what counts.
  if (cc.type === 0 || cc.type === 3 || cc.type >= 7) return undefined;
  return cc;
}

async function numericField(blocks: BlockReader, c: Channel, cg: ChannelGroup): Promise<NumericField> {
  const conversion = await conversionOf(blocks, c);
  const field: NumericField = {
    kind: K_SMALL,
    signed: false,
    little: true,
    span: Math.ceil((c.bitOffset + c.bitCount) / 8),
    mask: c.bitCount >= 32 ? 0xffffffff : 2 ** c.bitCount - 1,
    byte: c.byteOffset,
    bit: c.bitOffset,
    bits: c.bitCount,
    invalByte: -1,
    invalMask: 0,
    allInvalid: (c.flags & CN_ALL_INVALID) !== 0,
    conversion,
  };
  if ((c.flags & CN_INVAL_VALID) !== 0) {
    field.invalByte = cg.dataBytes + (c.invalBitPos >> 3);
    field.invalMask = 1 << (c.invalBitPos & 7);
  }
  const where = (inner: Reason) => reason('mf4.in-channel', { at: c.at, inner });
  if (c.type === 3 || c.type === 6) {
    field.kind = K_VIRTUAL;
    return field;
  }
  if (c.type !== 0 && c.type !== 2)
    throw new LayoutError(where(reason('mf4.not-bus-field', { type: c.type })));
  switch (c.dataType) {
    case 0:
    case 2:
      field.signed = c.dataType === 2;
      field.kind =
        field.span <= 4 && c.bitCount <= 32
          ? K_SMALL
          : c.bitOffset === 0 && c.bitCount === 64
            ? K_INT64
            : K_WIDE;
      break;
    case 1:
    case 3:
      field.kind = K_BE;
      if (c.bitOffset !== 0 || c.bitCount % 8 !== 0 || c.bitCount > 48) {
        throw new LayoutError(where(reason('mf4.big-endian-unaligned')));
      }
      break;
    case 4:
    case 5:
      field.kind = K_FLOAT;
      field.little = c.dataType === 4;
      if (c.bitOffset !== 0 || (c.bitCount !== 32 && c.bitCount !== 64)) {
        throw new LayoutError(where(reason('mf4.float-bits', { bits: c.bitCount })));
      }
      break;
    case 6:
    case 7:
      field.kind = K_TEXT;
      break;
    default:
      throw new LayoutError(where(reason('mf4.not-a-number', { type: c.dataType })));
  }
  if (field.bits > 64) throw new LayoutError(where(reason('mf4.field-bits', { bits: field.bits })));
  if (field.kind !== K_TEXT && cg.dataBytes > 0 && c.byteOffset + field.span > cg.dataBytes) {
    throw new LayoutError(where(reason('mf4.field-past-record', { bytes: cg.dataBytes })));
  }
  return field;
}

async function timeField(blocks: BlockReader, c: Channel, cg: ChannelGroup): Promise<TimeField> {
  const field = await numericField(blocks, c, cg);
  const cc = field.conversion;
  const time: TimeField = { field, mul: 1e6, div: 1 };
  if (cc === undefined) return time;
  if (cc.type === 1 && cc.values[0] === 0) {
    // A factor 10^-k: exact integer arithmetic to the microsecond.
    const k = Math.round(-Math.log10(cc.values[1]));
    if (k >= 0 && k <= 12 && Math.abs(cc.values[1] * 10 ** k - 1) < 1e-9) {
      if (k >= 6) {
        time.mul = 1;
        time.div = 10 ** (k - 6);
      } else {
        time.mul = 10 ** (6 - k);
      }
      field.conversion = undefined;
      return time;
    }
  }
  time.mul = 0;
  return time;
}

async function dataBytesField(blocks: BlockReader, c: Channel, cg: ChannelGroup): Promise<DataBytes> {
  const where = (inner: Reason) => reason('mf4.in-channel', { at: c.at, inner });
  if (c.type === 1) {
    if (c.data === 0) throw new LayoutError(where(reason('mf4.vlsd-without-sd')));
    const offset = await numericField(blocks, { ...c, type: 0, dataType: 0 }, cg);
    return { kind: 'vlsd', offset, target: c.data };
  }
  if (c.type !== 0 || c.bitOffset !== 0 || c.bitCount % 8 !== 0) {
    throw new LayoutError(where(reason('mf4.data-bytes-unaligned')));
  }
  const length = c.bitCount / 8;
  if (cg.dataBytes > 0 && c.byteOffset + length > cg.dataBytes) {
    throw new LayoutError(where(reason('mf4.data-bytes-past-record', { bytes: cg.dataBytes })));
  }
  let invalByte = -1;
  let invalMask = 0;
  if ((c.flags & CN_INVAL_VALID) !== 0) {
    invalByte = cg.dataBytes + (c.invalBitPos >> 3);
    invalMask = 1 << (c.invalBitPos & 7);
  }
  return { kind: 'fixed', byte: c.byteOffset, length, invalByte, invalMask };
}

/** A conversion applied to a raw value (only the numeric kinds reach here). */
export function convert(cc: Conversion, x: number): number {
  const v = cc.values;
  switch (cc.type) {
    case 1:
      return v[0] + v[1] * x;
    case 2:
      return (v[0] * x * x + v[1] * x + v[2]) / (v[3] * x * x + v[4] * x + v[5]);
    case 4:
    case 5: {
      // Pairs (key, value) in increasing key order; 4 interpolates, 5 takes the nearest key.
      const n = v.length >> 1;
      if (n === 0) return x;
      if (x <= v[0]) return v[1];
      if (x >= v[2 * (n - 1)]) return v[2 * n - 1];
      for (let i = 1; i < n; i++) {
        const k1 = v[2 * i];
        if (x <= k1) {
          const k0 = v[2 * i - 2];
          if (cc.type === 4) return v[2 * i - 1] + ((v[2 * i + 1] - v[2 * i - 1]) * (x - k0)) / (k1 - k0);
          return x - k0 <= k1 - x ? v[2 * i - 1] : v[2 * i + 1];
        }
      }
      return v[2 * n - 1];
    }
    case 6: {
      // Triples (min, max, value) and a default value last.
      const n = Math.floor((v.length - 1) / 3);
      for (let i = 0; i < n; i++) if (x >= v[3 * i] && x <= v[3 * i + 1]) return v[3 * i + 2];
      return v[v.length - 1];
    }
    default:
      return x;
  }
}

/** A bit field of at most 32 bits within 4 bytes (most bus fields): small enough to be inlined. */
function small(f: NumericField, buf: Buffer, rec: number): number {
  if (f.invalByte >= 0 && (buf[rec + f.invalByte] & f.invalMask) !== 0) return Number.NaN;
  const at = rec + f.byte;
  const n = f.span;
  let v = buf[at];
  if (n > 1) v |= buf[at + 1] << 8;
  if (n > 2) v |= buf[at + 2] << 16;
  if (n > 3) v |= buf[at + 3] << 24;
  v = ((v >>> f.bit) & f.mask) >>> 0;
  if (f.signed && v >= 2 ** (f.bits - 1)) v -= 2 ** f.bits;
  return f.allInvalid ? Number.NaN : v;
}

/** The value of a field: its raw value through its conversion, if any. */
function field(f: NumericField, buf: Buffer, rec: number, index: number): number {
  if (f.kind === K_SMALL && f.conversion === undefined) return small(f, buf, rec);
  return value(f, buf, rec, index);
}

/** The raw value of a field in the record at `rec`, or NaN when invalid. `index` is the record's number. */
export function rawValue(f: NumericField, buf: Buffer, rec: number, index: number): number {
  if (f.kind === K_SMALL) return small(f, buf, rec);
  if (f.allInvalid || (f.invalByte >= 0 && (buf[rec + f.invalByte] & f.invalMask) !== 0)) return Number.NaN;
  const at = rec + f.byte;
  switch (f.kind) {
    case K_INT64: {
      const lo = (buf[at] | (buf[at + 1] << 8) | (buf[at + 2] << 16)) + buf[at + 3] * 0x1000000;
      const hi = buf[at + 4] | (buf[at + 5] << 8) | (buf[at + 6] << 16) | (buf[at + 7] << 24);
      return (f.signed ? hi : hi >>> 0) * 0x100000000 + lo;
    }

    case K_WIDE: {
      // A field over 32 bits not on byte boundaries: byte by byte, exact below 2^53.
      let v = 0;
      for (let i = f.span - 1; i >= 0; i--) v = v * 256 + buf[at + i];
      v = Math.floor(v / 2 ** f.bit);
      if (f.bits < 53) v %= 2 ** f.bits;
      if (f.signed && f.bits <= 53 && v >= 2 ** (f.bits - 1)) v -= 2 ** f.bits;
      return v;
    }
    case K_BE: {
      let v = 0;
      for (let i = 0; i < f.bits / 8; i++) v = v * 256 + buf[at + i];
      return v;
    }
    case K_FLOAT:
      if (f.bits === 64) return f.little ? buf.readDoubleLE(at) : buf.readDoubleBE(at);
      return f.little ? buf.readFloatLE(at) : buf.readFloatBE(at);
    case K_VIRTUAL:
      return index;
    case K_TEXT: {
      // A direction written as text: Tx / Rx.
      const c = buf[at] | 0x20;
      return c === 0x74 ? 1 : c === 0x72 ? 0 : Number.NaN;
    }
  }
  return Number.NaN;
}

export function value(f: NumericField, buf: Buffer, rec: number, index: number): number {
  const raw = rawValue(f, buf, rec, index);
  return f.conversion === undefined ? raw : convert(f.conversion, raw);
}

/** Time of the record in µs from the start of measurement (rounded to the µs). */
export function recordTime(t: TimeField, buf: Buffer, rec: number, index: number): number {
  const raw = rawValue(t.field, buf, rec, index);
  if (t.mul === 0) return Math.round(convert(t.field.conversion!, raw) * 1e6);
  return t.div === 1 ? Math.round(raw * t.mul) : Math.round(raw / t.div);
}

/** A record that cannot be read as a frame; the reader adds where it is. */
export class RecordError extends Error {
  constructor(readonly detail: Reason) {
    super(sayReason(detail, 'en'));
  }
}

/**
 * Decodes one record of a CAN channel group into `out`. `payload` is the VLSD value for groups
 * whose data bytes are stored apart. Throws a RecordError for a record that cannot be a frame (bad
 * lengths, no id).
 */
export function decodeFields(
  layout: GroupLayout,
  buf: Buffer,
  rec: number,
  index: number,
  channels: string[],
  payload: Uint8Array | undefined,
  out: FrameRow,
): void {
  const kind = layout.kind;
  let id = 0;
  let extended = false;
  if (layout.id) {
    const raw = field(layout.id, buf, rec, index);
    if (Number.isNaN(raw)) {
      if (kind !== 'error') throw new RecordError(reason('mf4.id-invalid'));
    } else {
      // Some writers keep the extended-id flag in bit 31 of the id.
      if (raw > 0x1fffffff) extended = raw >= 0x80000000;
      id = raw % 0x20000000;
    }
  }
  if (layout.ide) {
    const ide = field(layout.ide, buf, rec, index);
    if (!Number.isNaN(ide)) extended = ide !== 0;
  } else if (id > 0x7ff) extended = true;
  if (!extended && id > 0x7ff && kind !== 'error') {
    throw new RecordError(reason('id-over-11-bit', { id: id.toString(16) }));
  }
  let flags = extended ? FrameFlag.EXTENDED : 0;
  out.id = id;
  out.channel = undefined;
  out.dlc = -1;
  out.src = EMPTY;
  out.at = 0;
  out.length = 0;
  if (layout.busChannel) {
    const ch = field(layout.busChannel, buf, rec, index);
    if (!Number.isNaN(ch)) {
      let name = channels[ch];
      if (name === undefined) {
        name = String(ch);
        if (ch >= 0 && ch < 256) channels[ch] = name;
      }
      out.channel = name;
    }
  }
  if (layout.dir) {
    const dir = field(layout.dir, buf, rec, index);
    if (!Number.isNaN(dir)) flags |= dir === 0 ? FrameFlag.RX : FrameFlag.TX;
  }
  const dlc = layout.dlc ? field(layout.dlc, buf, rec, index) : Number.NaN;
  const fd = kind !== 'remote' && layout.edl !== undefined && field(layout.edl, buf, rec, index) === 1;
  if (kind === 'remote') {
    const declared = Number.isNaN(dlc) && layout.dataLength ? field(layout.dataLength, buf, rec, index) : dlc;
    if (declared > 0 && declared <= 15) out.dlc = declared;
    out.flags = flags | FrameFlag.REMOTE;
    return;
  }
  if (kind === 'error') flags |= FrameFlag.ERROR;
  let length = layout.dataLength ? field(layout.dataLength, buf, rec, index) : Number.NaN;
  if (Number.isNaN(length)) {
    if (!Number.isNaN(dlc)) length = fd ? FD_LENGTHS[dlc & 15] : Math.min(dlc, 8);
    else length = kind === 'error' ? 0 : -1;
  }
  const db = layout.dataBytes;
  if (db && length !== 0) {
    if (db.kind === 'fixed') {
      if (db.invalByte < 0 || (buf[rec + db.invalByte] & db.invalMask) === 0) {
        const n = length < 0 ? db.length : length;
        if (n > db.length) throw new RecordError(reason('mf4.length-vs-stored', { n, stored: db.length }));
        out.src = buf;
        out.at = rec + db.byte;
        out.length = n;
      }
    } else if (payload !== undefined) {
      const n = length < 0 ? payload.length : length;
      if (n > payload.length)
        throw new RecordError(reason('mf4.length-vs-sd', { n, stored: payload.length }));
      out.src = payload;
      out.length = n;
    }
  }
  if (length > 0 && out.length === 0 && kind === 'data')
    throw new RecordError(reason('mf4.length-no-data', { length }));
  if (kind === 'error') {
    if (out.length > 8) out.length = 8;
    out.flags = flags | (fd ? FrameFlag.FD : 0);
    return;
  }
  if (fd) {
    if (!(FD_LENGTHS as readonly number[]).includes(out.length)) {
      throw new RecordError(reason('fd-bad-length', { n: out.length }));
    }
    flags |= FrameFlag.FD;
    if (layout.brs && field(layout.brs, buf, rec, index) === 1) flags |= FrameFlag.BRS;
    if (layout.esi && field(layout.esi, buf, rec, index) === 1) flags |= FrameFlag.ESI;
  } else {
    if (out.length > 8) throw new RecordError(reason('classic-too-long', { n: out.length }));
    if (dlc > 8 && dlc <= 15) out.dlc = dlc;
  }
  out.flags = flags;
}
