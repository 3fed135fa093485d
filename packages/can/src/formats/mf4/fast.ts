import { FrameFlag } from '../../batch.js';
import { FD_LENGTHS } from '../../frame.js';
import { EMPTY } from '../bytes.js';
import type { FrameRow } from '../frame-row.js';
import { type GroupLayout, K_INT64, K_SMALL, type NumericField } from './bus.js';

/**
 * Decoders specialised to one channel group's record layout, for the layouts bus loggers write
 * (CANedge, Vector, asammdf, Atelier): every field an unsigned bit field of at most 32 bits with
 * no conversion, the data bytes a fixed array in the record, the time a 64-bit integer or a bit
 * field through a power of ten. The general reader (`decodeFields`, `recordTime`) looks each field's
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
export type FastTime = (buf: Uint8Array, rec: number, times: Float64Array, at: number) => void;

function int(n: number, what: string): number {
  if (!Number.isSafeInteger(n)) throw new TypeError(`fast decoder: ${what} ${n} is not an integer`);
  return n;
}

/** True for a field the generated code reads: an unsigned bit field of ≤ 32 bits, raw value used as is. */
function plain(f: NumericField | undefined): f is NumericField {
  return (
    f !== undefined &&
    f.kind === K_SMALL &&
    !f.signed &&
    !f.allInvalid &&
    f.conversion === undefined &&
    f.span >= 1 &&
    f.span <= 4 &&
    f.bits >= 1 &&
    f.bits <= 32
  );
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
function read(name: string, f: NumericField): string {
  const inv = invalidOf(f);
  return inv === 'false' ? `const ${name} = ${rawOf(f)};` : `const ${name} = ${inv} ? -1 : ${rawOf(f)};`;
}

/**
 * The decoder of a layout, or undefined when the layout is not one the fast path reads (then the
 * general path reads every record of that group).
 */
export function fastDecoder(layout: GroupLayout): FastDecoder | undefined {
  const { kind } = layout;
  if (kind !== 'data' && kind !== 'remote') return undefined;
  const numeric = [
    layout.id,
    layout.ide,
    layout.dlc,
    layout.dataLength,
    layout.dir,
    layout.busChannel,
    layout.edl,
    layout.brs,
    layout.esi,
  ];
  if (!plain(layout.id)) return undefined;
  for (const f of numeric) if (f !== undefined && !plain(f)) return undefined;
  const db = layout.dataBytes;
  if (db !== undefined && db.kind !== 'fixed') return undefined;
  const lines: string[] = [];
  const push = (...l: string[]) => lines.push(...l);
  // The id: -1 when invalid, which makes a data or remote frame bad (the general path says why).
  push(read('raw', layout.id), 'if (raw < 0) return false;', 'let id = raw;', 'let extended = false;');
  // Some writers keep the extended-id flag in bit 31 of the id.
  if (layout.id.bits > 29)
    push('if (id > 0x1fffffff) { extended = id >= 0x80000000; id = id % 0x20000000; }');
  if (layout.ide) push(read('ide', layout.ide), 'if (ide >= 0) extended = ide !== 0;');
  else push('if (id > 0x7ff) extended = true;');
  push('if (!extended && id > 0x7ff) return false;');
  push(`let flags = extended ? ${FrameFlag.EXTENDED} : 0;`, 'out.id = id;');
  if (layout.busChannel) {
    push(
      read('ch', layout.busChannel),
      'if (ch >= 0) {',
      '  let name = channels[ch];',
      '  if (name === undefined) { name = String(ch); if (ch < 256) channels[ch] = name; }',
      '  out.channel = name;',
      '} else out.channel = undefined;',
    );
  } else push('out.channel = undefined;');
  if (layout.dir)
    push(read('dir', layout.dir), `if (dir >= 0) flags |= dir === 0 ? ${FrameFlag.RX} : ${FrameFlag.TX};`);
  push(layout.dlc ? read('dlc', layout.dlc) : 'const dlc = -1;');
  push('out.src = EMPTY;', 'out.at = 0;', 'out.length = 0;', 'out.dlc = -1;');
  if (kind === 'remote') {
    // The declared length: the DLC, or the data length when there is no valid DLC.
    if (layout.dataLength)
      push(read('dataLength', layout.dataLength), 'const declared = dlc < 0 ? dataLength : dlc;');
    else push('const declared = dlc;');
    push(
      'if (declared > 0 && declared <= 15) out.dlc = declared;',
      `out.flags = flags | ${FrameFlag.REMOTE};`,
      'return true;',
    );
  } else {
    push(layout.edl ? `${read('edl', layout.edl)} const fd = edl === 1;` : 'const fd = false;');
    push(layout.dataLength ? read('given', layout.dataLength) : 'const given = -1;');
    // -1: the length is not known, the stored data bytes say it.
    push(
      'const length = given >= 0 ? given : dlc >= 0 ? (fd ? FD_LENGTHS[dlc & 15] : Math.min(dlc, 8)) : -1;',
    );
    if (db !== undefined) {
      const stored = int(db.length, 'data bytes length');
      const dbInvalid =
        db.invalByte < 0
          ? 'false'
          : `(buf[rec + ${int(db.invalByte, 'invalidation byte')}] & ${int(db.invalMask, 'invalidation mask')}) !== 0`;
      push(
        `if (length !== 0 && !(${dbInvalid})) {`,
        `  const n = length < 0 ? ${stored} : length;`,
        `  if (n > ${stored}) return false;`,
        '  out.src = buf;',
        `  out.at = rec + ${int(db.byte, 'data bytes offset')};`,
        '  out.length = n;',
        '}',
      );
    }
    push('if (length > 0 && out.length === 0) return false;');
    push('if (fd) {', '  if (!FD_LENGTH[out.length]) return false;', `  flags |= ${FrameFlag.FD};`);
    if (layout.brs) push(`  ${read('brs', layout.brs)}`, `  if (brs === 1) flags |= ${FrameFlag.BRS};`);
    if (layout.esi) push(`  ${read('esi', layout.esi)}`, `  if (esi === 1) flags |= ${FrameFlag.ESI};`);
    push(
      '} else {',
      '  if (out.length > 8) return false;',
      '  if (dlc > 8 && dlc <= 15) out.dlc = dlc;',
      '}',
    );
    push('out.flags = flags;', 'return true;');
  }
  const fdLength = new Uint8Array(65);
  for (const n of FD_LENGTHS) fdLength[n] = 1;
  const body = `return function decodeRecord(buf, rec, channels, out) {\n${lines.join('\n')}\n};`;
  return new Function('EMPTY', 'FD_LENGTHS', 'FD_LENGTH', body)(EMPTY, FD_LENGTHS, fdLength) as FastDecoder;
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
