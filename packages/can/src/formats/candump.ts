import { type FrameBatch, FrameFlag } from '../batch.js';
import { FD_LENGTHS, type Frame } from '../frame.js';
import { type Reason, reason } from '../reason.js';
import {
  CR,
  describeByte,
  EMPTY,
  HEX_UPPER,
  HEX_VALUE,
  LF,
  LineError,
  NameCache,
  POW10,
  SPACE,
  TAB,
} from './bytes.js';
import type { LineParser } from './line-reader.js';

/** Linux can.h: the error-frame flag in a can_id, and the mask of the error class bits. */
export const CAN_ERR_FLAG = 0x20000000;
const CAN_ERR_MASK = 0x1fffffff;
const CANFD_BRS = 0x01;
const CANFD_ESI = 0x02;
const HASH = 0x23;
/**
 * The byte two hex digits spell, indexed by (first << 8 | second); -1 when either is not hex. Built
 * on first use: filling its 65,536 entries costs about a millisecond and a half, which every
 * process loading the package would pay at start-up, reading candump or not.
 */
let hexPairs: Int16Array | undefined;
function hexPairTable(): Int16Array {
  if (hexPairs !== undefined) return hexPairs;
  const t = new Int16Array(1 << 16).fill(-1);
  for (let a = 0; a < 256; a++)
    for (let b = 0; b < 256; b++)
      if (HEX_VALUE[a] >= 0 && HEX_VALUE[b] >= 0) t[(a << 8) | b] = (HEX_VALUE[a] << 4) | HEX_VALUE[b];
  hexPairs = t;
  return t;
}
/** Decimal value of each byte; 1e6 for a non-digit (see the fixed-width timestamp). */
const DIGIT = (() => {
  const t = new Float64Array(256).fill(1e6);
  for (let i = 0; i < 10; i++) t[0x30 + i] = i;
  return t;
})();

function fail(why: Reason, s: number, i: number): never {
  throw new LineError(why, i - s + 1);
}

/** True when the FD payload length is one the DLC can express. */
const FD_LENGTH_OK = (() => {
  const ok = new Uint8Array(65);
  for (const n of FD_LENGTHS) ok[n] = 1;
  return ok;
})();

/** Digits allowed on each side of a timestamp's point (candump writes 10 and 6). */
const MAX_TIMESTAMP_DIGITS = 30;

/**
 * Reads a decimal timestamp `S.F` from `i`; returns the index after it and leaves the seconds in
 * `out[0]`. The value is (S·10ⁿ + F) / 10ⁿ in one division, so it is the double nearest to the
 * decimal text (what Number() of the text gives) and prints back in its shortest form.
 */
export function readTimestamp(buf: Uint8Array, s: number, i: number, end: number, out: Float64Array): number {
  let sec = 0;
  const start = i;
  while (i < end) {
    const c = buf[i] - 0x30;
    if (c < 0 || c > 9) break;
    sec = sec * 10 + c;
    i++;
  }
  if (i === start) fail(reason('candump.expected-timestamp', { found: describeByte(buf, i, end) }), s, i);
  // A run of digits no clock writes would read as Infinity (and be spread into a call below).
  if (i - start > MAX_TIMESTAMP_DIGITS)
    fail(reason('candump.timestamp-digits', { digits: i - start }), s, start);
  if (i < end && buf[i] === 0x2e) {
    i++;
    const f0 = i;
    let frac = 0;
    while (i < end) {
      const c = buf[i] - 0x30;
      if (c < 0 || c > 9) break;
      frac = frac * 10 + c;
      i++;
    }
    const digits = i - f0;
    if (digits > MAX_TIMESTAMP_DIGITS) fail(reason('candump.timestamp-decimals', { digits }), s, f0);
    const p = POW10[digits];
    const scaled = sec * p + frac;
    if (digits > 0 && digits <= 6 && scaled <= Number.MAX_SAFE_INTEGER) {
      out[0] = scaled / p;
    } else {
      out[0] = Number(String.fromCharCode(...buf.subarray(start, i)));
    }
  } else {
    out[0] = sec;
  }
  return i;
}

/** Parser for candump `-l` lines: `(1641469561.949700) can0 79B#022101FFFFFFFFFF T`. */
export class CandumpParser implements LineParser {
  private readonly channels = new NameCache();
  private readonly time = new Float64Array(1);

  /** Any candump line, with a precise error for a bad one. */
  parse(buf: Uint8Array, s: number, e: number): Frame | undefined {
    // A `#` comment line (can-utils' canplayer skips lines that do not start with '('): Atelier's
    // simulator says there that the recording is simulated (see ../origin.ts).
    if (buf[s] === 0x23) return undefined;
    return this.fullParse(buf, s, e);
  }

  /**
   * The common line, `(S.F) <if> <id>#<data>[ R|T]` with an 11- or 29-bit id and 0–8 bytes, ended
   * by LF or CR LF, in one pass and straight into the batch's columns. Stops at anything else
   * (remote, FD, error frames, DLC suffix, blanks, or a mistake), which `parse` then handles or
   * reports precisely.
   */
  parseLinesInto(buf: Uint8Array, pos: number, limit: number, batch: FrameBatch): number {
    const ids = batch.id;
    const times = batch.timestamp;
    const flags = batch.flags;
    const dlcs = batch.dlc;
    const channels = batch.channel;
    const data = batch.data;
    const starts = batch.start;
    const capacity = batch.capacity;
    const hexPair = hexPairTable();
    // A line writes at most 9 bytes before it is refused (the ninth says it is too long).
    const dataLimit = data.length - 9;
    let k = batch.length;
    let p = pos;
    while (p < limit && k < capacity) {
      let at = starts[k];
      if (at > dataLimit || buf[p] !== 0x28) break;
      // Every loop below stops at the line's LF at the latest: it is neither a digit nor hex.
      let i = p + 1;
      let sec = 0;
      let digits = 6;
      if (buf[p + 11] === 0x2e && buf[p + 18] === 0x29) {
        // candump's own `(%010lu.%06lu)`: sixteen digits at known places, no search.
        const hi =
          ((((DIGIT[buf[p + 1]] * 10 + DIGIT[buf[p + 2]]) * 10 + DIGIT[buf[p + 3]]) * 10 +
            DIGIT[buf[p + 4]]) *
            10 +
            DIGIT[buf[p + 5]]) *
          100000;
        const mid =
          (((DIGIT[buf[p + 6]] * 10 + DIGIT[buf[p + 7]]) * 10 + DIGIT[buf[p + 8]]) * 10 + DIGIT[buf[p + 9]]) *
            10 +
          DIGIT[buf[p + 10]];
        const frac =
          ((((DIGIT[buf[p + 12]] * 10 + DIGIT[buf[p + 13]]) * 10 + DIGIT[buf[p + 14]]) * 10 +
            DIGIT[buf[p + 15]]) *
            10 +
            DIGIT[buf[p + 16]]) *
            10 +
          DIGIT[buf[p + 17]];
        // A non-digit maps to 1e6, which no sum of digits reaches: one test for all sixteen.
        if (hi >= 1e10 || mid >= 1e5 || frac >= 1e6) break;
        sec = (hi + mid) * 1e6 + frac;
        // From 9007199255 s on (year 2255, or a damaged digit) the microseconds pass 2^53 and the
        // sum above is rounded: the full parser reads those exactly (a property test found it).
        if (sec > Number.MAX_SAFE_INTEGER) break;
        i = p + 18;
      } else {
        let c = buf[i] - 0x30;
        while (c >= 0 && c <= 9) {
          sec = sec * 10 + c;
          c = buf[++i] - 0x30;
        }
        if (i === p + 1 || buf[i] !== 0x2e) break;
        const f0 = ++i;
        c = buf[i] - 0x30;
        while (c >= 0 && c <= 9) {
          sec = sec * 10 + c;
          c = buf[++i] - 0x30;
        }
        digits = i - f0;
        if (digits === 0 || digits > 6 || sec > Number.MAX_SAFE_INTEGER || buf[i] !== 0x29) break;
      }
      if (buf[i + 1] !== SPACE) break;
      i += 2;
      const c0 = i;
      while (buf[i] > SPACE) i++;
      if (i === c0 || buf[i] !== SPACE) break;
      const channel = this.channels.get(buf, c0, i);
      i++;
      // The id: 3 hex digits then '#' (11-bit), or 8 (29-bit), at known places.
      let id: number;
      let f: number;
      if (buf[i + 3] === HASH) {
        const h0 = HEX_VALUE[buf[i]];
        const h1 = HEX_VALUE[buf[i + 1]];
        const h2 = HEX_VALUE[buf[i + 2]];
        if ((h0 | h1 | h2) < 0 || h0 > 7) break;
        id = (h0 << 8) | (h1 << 4) | h2;
        f = 0;
        i += 4;
      } else if (buf[i + 8] === HASH) {
        const h0 = HEX_VALUE[buf[i]];
        const h1 = HEX_VALUE[buf[i + 1]];
        const h2 = HEX_VALUE[buf[i + 2]];
        const h3 = HEX_VALUE[buf[i + 3]];
        const h4 = HEX_VALUE[buf[i + 4]];
        const h5 = HEX_VALUE[buf[i + 5]];
        const h6 = HEX_VALUE[buf[i + 6]];
        const h7 = HEX_VALUE[buf[i + 7]];
        // Above 0x1FFFFFFF is an error frame's flag, or no id: the full parser says which.
        if ((h0 | h1 | h2 | h3 | h4 | h5 | h6 | h7) < 0 || h0 > 1) break;
        id = (h0 << 28) | (h1 << 24) | (h2 << 20) | (h3 << 16) | (h4 << 12) | (h5 << 8) | (h6 << 4) | h7;
        f = FrameFlag.EXTENDED;
        i += 9;
      } else break;
      // The payload: pairs of hex digits, each pair one lookup.
      const d0 = at;
      let v = hexPair[(buf[i] << 8) | buf[i + 1]];
      while (v >= 0 && at - d0 < 8) {
        data[at++] = v;
        i += 2;
        v = hexPair[(buf[i] << 8) | buf[i + 1]];
      }
      // Stopped on a 9th byte, or on an odd digit: the full parser says which.
      if (v >= 0 || HEX_VALUE[buf[i]] >= 0) break;
      let b = buf[i];
      if (b === SPACE) {
        const d = buf[i + 1];
        if (d === 0x52) f |= FrameFlag.RX;
        else if (d === 0x54) f |= FrameFlag.TX;
        else break;
        i += 2;
        b = buf[i];
      }
      if (b === CR) b = buf[++i];
      if (b !== LF) break;
      ids[k] = id;
      times[k] = sec / POW10[digits];
      flags[k] = f;
      dlcs[k] = -1;
      channels[k] = channel;
      starts[++k] = at;
      p = i + 1;
      // Stored per line, not once after the loop: code after a hot loop has not run when V8
      // optimizes the loop, and a store there without type feedback undid the optimized code at
      // every call (hundreds of deoptimizations over a large log).
      batch.length = k;
    }
    return p;
  }

  private fullParse(buf: Uint8Array, s: number, e: number): Frame | undefined {
    let i = s;
    if (buf[i] !== 0x28) fail(reason('candump.expected-paren', { found: describeByte(buf, i, e) }), s, i);
    i = readTimestamp(buf, s, i + 1, e, this.time);
    const timestamp = this.time[0];
    if (buf[i] !== 0x29)
      fail(reason('candump.expected-close-paren', { found: describeByte(buf, i, e) }), s, i);
    i++;
    if (buf[i] !== SPACE) fail(reason('candump.expected-space', { found: describeByte(buf, i, e) }), s, i);
    i++;
    const c0 = i;
    while (i < e && buf[i] !== SPACE) i++;
    if (i === c0) fail(reason('candump.missing-interface'), s, i);
    if (i === e) fail(reason('candump.missing-frame'), s, i);
    const channel = this.channels.get(buf, c0, i);
    i++;

    const i0 = i;
    let id = 0;
    while (i < e) {
      const h = HEX_VALUE[buf[i]];
      if (h < 0) break;
      id = id * 16 + h;
      i++;
    }
    if (i === e) fail(reason('candump.missing-hash'), s, i);
    if (buf[i] !== HASH) fail(reason('candump.unexpected-in-id', { found: describeByte(buf, i, e) }), s, i);
    const idDigits = i - i0;
    let extended: boolean;
    let error = false;
    if (idDigits === 3) {
      extended = false;
      if (id > 0x7ff) fail(reason('id-over-11-bit', { id: id.toString(16).toUpperCase() }), s, i0);
    } else if (idDigits === 8) {
      extended = true;
      if (id >= CAN_ERR_FLAG && id < CAN_ERR_FLAG * 2) {
        error = true;
        extended = false;
        id = id & CAN_ERR_MASK;
      } else if (id > CAN_ERR_MASK) {
        fail(reason('id-over-29-bit', { id: id.toString(16).toUpperCase() }), s, i0);
      }
    } else {
      fail(reason('candump.id-digits', { digits: idDigits }), s, i0);
    }
    i++;

    let fd = false;
    let flags = 0;
    if (buf[i] === HASH) {
      fd = true;
      i++;
      flags = HEX_VALUE[buf[i]];
      if (i >= e || flags < 0)
        fail(reason('candump.expected-fd-flags', { found: describeByte(buf, i, e) }), s, i);
      i++;
    }

    let data: Uint8Array;
    let remote = false;
    let dlc = -1;
    if (buf[i] === 0x52 && !fd) {
      // `R` remote request, optionally followed by its DLC digit.
      remote = true;
      data = EMPTY;
      i++;
      if (i < e && buf[i] !== SPACE) {
        dlc = HEX_VALUE[buf[i]];
        if (dlc < 0 || dlc > 8) fail(reason('candump.remote-dlc', { found: describeByte(buf, i, e) }), s, i);
        i++;
      }
    } else {
      const d0 = i;
      // The data runs to the end of the line but for a ` R`/` T` direction or a `_X` DLC suffix:
      // look at the end instead of scanning every digit twice.
      let dEnd = e;
      while (dEnd > d0 && (buf[dEnd - 1] === SPACE || buf[dEnd - 1] === TAB)) dEnd--;
      if (dEnd - 2 >= d0 && (buf[dEnd - 2] === SPACE || buf[dEnd - 2] === TAB)) dEnd -= 2;
      while (dEnd > d0 && (buf[dEnd - 1] === SPACE || buf[dEnd - 1] === TAB)) dEnd--;
      if (dEnd - 2 >= d0 && buf[dEnd - 2] === 0x5f) dEnd -= 2;
      const digits = dEnd - d0;
      if (digits & 1) fail(reason('candump.odd-digits', { digits }), s, dEnd);
      const n = digits >> 1;
      if (fd ? n > 64 || FD_LENGTH_OK[n] === 0 : n > 8) {
        fail(fd ? reason('candump.fd-payload', { n }) : reason('candump.classic-payload', { n }), s, d0);
      }
      data = n === 0 ? EMPTY : new Uint8Array(n);
      for (let k = 0; k < n; k++) {
        const hi = HEX_VALUE[buf[i]];
        const lo = HEX_VALUE[buf[i + 1]];
        if ((hi | lo) < 0)
          fail(
            reason('not-hex-digit', { found: describeByte(buf, hi < 0 ? i : i + 1, e) }),
            s,
            hi < 0 ? i : i + 1,
          );
        data[k] = (hi << 4) | lo;
        i += 2;
      }
      if (i < e && buf[i] === 0x5f) {
        // `_X`: a classic 8-byte frame sent with DLC 9–15.
        dlc = HEX_VALUE[buf[i + 1]];
        if (fd || n !== 8 || dlc < 9) fail(reason('candump.dlc-suffix'), s, i);
        i += 2;
      }
    }

    let direction: 'rx' | 'tx' | undefined;
    if (i < e) {
      if (buf[i] !== SPACE && buf[i] !== TAB)
        fail(reason('unexpected-after-data', { found: describeByte(buf, i, e) }), s, i);
      while (i < e && (buf[i] === SPACE || buf[i] === TAB)) i++;
      if (i < e) {
        const d = buf[i];
        if (d === 0x52) direction = 'rx';
        else if (d === 0x54) direction = 'tx';
        else fail(reason('candump.expected-direction', { found: describeByte(buf, i, e) }), s, i);
        i++;
        while (i < e && (buf[i] === SPACE || buf[i] === TAB)) i++;
        if (i < e)
          fail(reason('candump.unexpected-after-direction', { found: describeByte(buf, i, e) }), s, i);
      }
    }

    // One literal per common shape keeps consumers' property accesses monomorphic.
    const frame: Frame =
      direction === undefined
        ? { id, extended, data, timestamp, channel }
        : { id, extended, data, timestamp, channel, direction };
    if (remote) frame.remote = true;
    if (dlc >= 0) frame.dlc = dlc;
    if (error) frame.error = true;
    if (fd) {
      frame.fd = true;
      if (flags & CANFD_BRS) frame.brs = true;
      if (flags & CANFD_ESI) frame.esi = true;
    }
    return frame;
  }
}

/** `(sec.usec)` with the seconds zero-padded to 10 digits, as candump writes them. */
export function candumpTime(t: number): string {
  const us = Math.round(t * 1e6);
  const sec = Math.floor(us / 1e6);
  const frac = us - sec * 1e6;
  return `(${String(sec).padStart(10, '0')}.${String(frac).padStart(6, '0')})`;
}

function hexUpper(data: Uint8Array): string {
  let s = '';
  for (let i = 0; i < data.length; i++) s += HEX_UPPER[data[i]];
  return s;
}

/** `<id>#<data>` in candump's notation (what `cansend` takes). */
export function candumpBody(f: Frame): string {
  let id: string;
  if (f.error) id = ((f.id | CAN_ERR_FLAG) >>> 0).toString(16).toUpperCase().padStart(8, '0');
  else if (f.extended) id = f.id.toString(16).toUpperCase().padStart(8, '0');
  else id = HEX_UPPER[f.id >> 8][1] + HEX_UPPER[f.id & 0xff];
  if (f.remote) return `${id}#R${f.dlc !== undefined && f.dlc > 0 ? f.dlc.toString(16).toUpperCase() : ''}`;
  if (f.fd) return `${id}##${(f.brs ? CANFD_BRS : 0) | (f.esi ? CANFD_ESI : 0)}${hexUpper(f.data)}`;
  const long =
    f.dlc !== undefined && f.dlc > 8 && f.data.length === 8 ? `_${f.dlc.toString(16).toUpperCase()}` : '';
  return `${id}#${hexUpper(f.data)}${long}`;
}

/** One candump `-l` line (without the newline); `can0` when the frame names no channel. */
export function candumpLine(f: Frame): string {
  const dir = f.direction === 'rx' ? ' R' : f.direction === 'tx' ? ' T' : '';
  return `${candumpTime(f.timestamp)} ${f.channel ?? 'can0'} ${candumpBody(f)}${dir}`;
}
