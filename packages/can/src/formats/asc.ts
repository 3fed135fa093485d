import { FD_LENGTHS, type Frame } from '../frame.js';
import type { ReadOptions } from '../log.js';
import { clip } from '../quote.js';
import { type Reason, reason, term } from '../reason.js';
import { EMPTY, HEX_UPPER, HEX_VALUE, LineError, latin1, NameCache } from './bytes.js';
import { channelNumber } from './channels.js';
import type { LineParser } from './line-reader.js';
import { decValue, fixedValue, hexValue, isWord, skipBlanks, tokenEnd } from './tokens.js';
import type { LineFormatter } from './writer.js';

/**
 * Vector ASC (ASCII log of CANalyzer/CANoe). Times in the file are seconds since the start of
 * measurement, either absolute (since the start) or relative (since the previous event); the
 * `date` header gives the start as local wall-clock time without a zone, which Atelier reads and
 * writes as UTC so a round trip is exact. ASC channels are numbers from 1.
 */

/**
 * Month names as the `date` line has them: CANoe/CANalyzer write English or, in German, `Mär`,
 * `Mai`, `Okt`, `Dez`; a tool formatting the date with a French locale writes `janv.`, `févr.`,
 * `juil.`, `déc.`. Keys are lower case without accents or the final dot; a name is looked up
 * whole, then by its first three letters.
 */
const MONTHS: Record<string, number> = {
  jan: 0,
  feb: 1,
  fev: 1,
  mar: 2,
  apr: 3,
  avr: 3,
  may: 4,
  mai: 4,
  jun: 5,
  juin: 5,
  jul: 6,
  juil: 6,
  juillet: 6,
  aug: 7,
  aou: 7,
  sep: 8,
  oct: 9,
  okt: 9,
  nov: 10,
  dec: 11,
  dez: 11,
};

function monthOf(name: string): number | undefined {
  const key = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\.$/, '');
  return MONTHS[key] ?? MONTHS[key.slice(0, 3)];
}

const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A time zone written in a date: `UTC`/`GMT`/`Z`, or an offset (`+0100`, `-05:00`). Named zones
 * other than these (`CET`, `EST`…) are ambiguous abbreviations and stay unread.
 */
const ZONE = '(utc|gmt|z|[+-]\\d{2}:?\\d{2})';
const ASC_DATE = new RegExp(
  `^\\s*\\S+\\s+(\\S+)\\s+(\\d{1,2})\\s+(\\d{1,2}):(\\d{1,2}):(\\d{1,2})(?:[.:](\\d{1,9}))?\\s*(am|pm|vorm\\.|nachm\\.)?\\s*${ZONE}?\\s+(\\d{4})\\s*${ZONE}?\\s*$`,
  'i',
);

/** Minutes east of UTC of a zone matched by ZONE (0 for UTC, GMT, Z). */
function zoneMinutes(zone: string | undefined): number {
  const m = zone === undefined ? null : /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (m === null) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

/**
 * Milliseconds since the epoch (as UTC) of an ASC date such as `Thu Jan 6 11:46:01.949 am 2022`.
 * Besides what Vector's tools write, it takes what scripts write in its place: a fraction of up to
 * nine digits (`00:00:00.000000`, strftime's `%f`; kept to the microsecond) and a time zone before
 * or after the year (`Sun May 26 19:15:02 UTC 2019`, the Unix `date` command's own output). A date
 * without a zone is read as UTC, as written; one with an offset is moved to UTC by it.
 */
export function parseAscDate(text: string): number | undefined {
  const m = ASC_DATE.exec(text);
  if (!m) return undefined;
  const month = monthOf(m[1]);
  if (month === undefined) return undefined;
  if (m[8] !== undefined && m[10] !== undefined) return undefined;
  let hour = Number(m[3]);
  const half = m[7]?.toLowerCase();
  // CANalyzer writes a 24-hour time and still adds "am" (`Tue Jan 07 13:14:48.626 am 2020` at
  // 13:14): past 12, the hour is already on the 24-hour clock.
  if (hour > 12) {
    // as written
  } else if (half === 'pm' || half === 'nachm.') hour = (hour % 12) + 12;
  else if (half === 'am' || half === 'vorm.') hour %= 12;
  // To the microsecond: the digits past it are below any CAN timestamp's resolution.
  const micros = m[6] ? Number(m[6].slice(0, 6).padEnd(6, '0')) : 0;
  const whole = Date.UTC(Number(m[9]), month, Number(m[2]), hour, Number(m[4]), Number(m[5]));
  return whole + micros / 1000 - zoneMinutes(m[8] ?? m[10]) * 60_000;
}

/** `Thu Jan 06 11:46:01.949 am 2022` for epoch milliseconds (as UTC). */
export function formatAscDate(ms: number): string {
  const d = new Date(ms);
  const h = d.getUTCHours();
  const p2 = (n: number) => String(n).padStart(2, '0');
  return `${DAY_NAMES[d.getUTCDay()]} ${MONTH_NAMES[d.getUTCMonth()]} ${p2(d.getUTCDate())} ${p2(h % 12 || 12)}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${String(d.getUTCMilliseconds()).padStart(3, '0')} ${h < 12 ? 'am' : 'pm'} ${d.getUTCFullYear()}`;
}

const HEADER_WORDS = ['begin', 'end', 'internal', 'no'];

const UTF8 = new TextDecoder('utf-8', { fatal: true });
function utf8OrLatin1(bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    return latin1(bytes, 0, bytes.length);
  }
}
/** FD flags of the CANFD line (Vector): extended data length (an FD frame), bit rate switch, error state. */
const FD_EDL = 0x1000;
const FD_BRS = 0x2000;
const FD_ESI = 0x4000;
const FD_RTR = 0x10;

export type AscReadOptions = Pick<ReadOptions, 'relativeTime'>;

export class AscParser implements LineParser {
  private hex = true;
  private relative = false;
  /**
   * Start of measurement in epoch µs, from the `date` line (0 when absent or when times stay
   * relative); whole, so that adding a frame's offset stays exact.
   */
  private startUs = 0;
  private lastUs = 0;
  private readonly channels = new NameCache();

  constructor(private readonly options: AscReadOptions = {}) {}

  parse(buf: Uint8Array, s: number, e: number): Frame | undefined {
    const i = skipBlanks(buf, s, e);
    if (i === e) return undefined;
    const c = buf[i];
    if (c >= 0x30 && c <= 0x39) {
      const frame = this.hex ? this.dataFrame(buf, i, e) : undefined;
      return frame !== undefined ? frame : this.event(buf, s, i, e);
    }
    if (c === 0x2f && buf[i + 1] === 0x2f) return undefined;
    this.header(buf, s, i, e);
    return undefined;
  }

  private header(buf: Uint8Array, s: number, i: number, e: number): void {
    const t = tokenEnd(buf, i, e);
    const word = latin1(buf, i, t).toLowerCase();
    if (word === 'date') {
      // A German `Mär` is one byte in a file written as Windows-1252, two in one written as UTF-8.
      const text = utf8OrLatin1(buf.subarray(t, e));
      const ms = parseAscDate(text);
      if (ms === undefined)
        throw new LineError(reason('asc.bad-date', { text: clip(text.trim()) }), t - s + 1);
      if (!this.options.relativeTime) this.startUs = Math.round(ms * 1000);
      return;
    }
    if (word === 'base') {
      const rest = latin1(buf, t, e).toLowerCase();
      const m = /^\s*(hex|dec)(?:\s+timestamps\s+(absolute|relative))?/.exec(rest);
      if (!m) throw new LineError(reason('asc.expected-base'), t - s + 1);
      this.hex = m[1] === 'hex';
      this.relative = m[2] === 'relative';
      return;
    }
    if (HEADER_WORDS.includes(word)) return;
    throw new LineError(
      reason('asc.unknown-line', { text: clip(latin1(buf, i, Math.min(t, i + 20))) }),
      i - s + 1,
    );
  }

  /**
   * The common line, `<time> <ch> <id>[x] Rx|Tx d <dlc> <bytes…> [trailing fields]` in base hex,
   * parsed in one pass without helper calls; undefined on anything else, which `event` then
   * parses in full (and reports precisely when it is wrong).
   */
  private dataFrame(buf: Uint8Array, i: number, e: number): Frame | undefined {
    let us = 0;
    let c = 0;
    while (i < e) {
      c = buf[i] - 0x30;
      if (c < 0 || c > 9) break;
      us = us * 10 + c;
      i++;
    }
    if (buf[i] !== 0x2e) return undefined;
    i++;
    let digits = 0;
    while (i < e && digits < 6) {
      c = buf[i] - 0x30;
      if (c < 0 || c > 9) break;
      us = us * 10 + c;
      i++;
      digits++;
    }
    if (buf[i] !== 0x20 || digits === 0) return undefined;
    while (digits < 6) {
      us *= 10;
      digits++;
    }
    while (i < e && buf[i] === 0x20) i++;
    const c0 = i;
    while (i < e) {
      c = buf[i] - 0x30;
      if (c < 0 || c > 9) break;
      i++;
    }
    if (i === c0 || buf[i] !== 0x20) return undefined;
    const channel = this.channels.get(buf, c0, i);
    while (i < e && buf[i] === 0x20) i++;
    let id = 0;
    const i0 = i;
    let h = 0;
    while (i < e) {
      h = HEX_VALUE[buf[i]];
      if (h < 0) break;
      id = id * 16 + h;
      i++;
    }
    if (i === i0 || i - i0 > 8) return undefined;
    let extended = false;
    if (buf[i] === 0x78) {
      extended = true;
      i++;
    }
    if (buf[i] !== 0x20 || id > (extended ? 0x1fffffff : 0x7ff)) return undefined;
    while (i < e && buf[i] === 0x20) i++;
    let direction: 'rx' | 'tx';
    if (buf[i] === 0x52 && buf[i + 1] === 0x78) direction = 'rx';
    else if (buf[i] === 0x54 && buf[i + 1] === 0x78) direction = 'tx';
    else return undefined;
    i += 2;
    if (buf[i] !== 0x20) return undefined;
    while (i < e && buf[i] === 0x20) i++;
    if (buf[i] !== 0x64 || buf[i + 1] !== 0x20) return undefined;
    i += 2;
    const dlc = buf[i] - 0x30;
    if (dlc < 0 || dlc > 8 || (i + 1 < e && buf[i + 1] !== 0x20)) return undefined;
    i++;
    const data = dlc === 0 ? EMPTY : new Uint8Array(dlc);
    for (let k = 0; k < dlc; k++) {
      if (buf[i] !== 0x20) return undefined;
      i++;
      const hi = HEX_VALUE[buf[i]];
      const lo = HEX_VALUE[buf[i + 1]];
      if ((hi | lo) < 0 || i + 2 > e || (i + 2 < e && buf[i + 2] !== 0x20)) return undefined;
      data[k] = (hi << 4) | lo;
      i += 2;
    }
    const at = this.relative ? this.lastUs + us : us;
    this.lastUs = at;
    return { id, extended, data, timestamp: (this.startUs + at) / 1e6, channel, direction };
  }

  /** A line starting with a time: a frame, an error frame, or another event (skipped). */
  private event(buf: Uint8Array, s: number, i: number, e: number): Frame | undefined {
    let t = tokenEnd(buf, i, e);
    const us = fixedValue(buf, i, t, 6);
    if (us < 0) throw new LineError(reason('bad-timestamp', { text: clip(latin1(buf, i, t)) }), i - s + 1);
    const at = this.relative ? this.lastUs + us : us;
    this.lastUs = at;
    const timestamp = (this.startUs + at) / 1e6;
    i = skipBlanks(buf, t, e);
    t = tokenEnd(buf, i, e);
    if (i === e) return undefined;
    if (isWord(buf, i, t, 'CANFD')) return this.fdLine(buf, s, t, e, timestamp);
    if (isWord(buf, i, t, 'ErrorFrame'))
      return { id: 0, extended: false, data: EMPTY, timestamp, error: true };
    const ch = decValue(buf, i, t);
    // Other events (Start of measurement, SV:, J1939, …) carry no frame.
    if (ch < 0) return undefined;
    const channel = this.channels.get(buf, i, t);
    i = skipBlanks(buf, t, e);
    t = tokenEnd(buf, i, e);
    if (isWord(buf, i, t, 'ErrorFrame'))
      return { id: 0, extended: false, data: EMPTY, timestamp, error: true, channel };
    let idEnd = t;
    let extended = false;
    if (t > i && (buf[t - 1] | 0x20) === 0x78) {
      extended = true;
      idEnd = t - 1;
    }
    const id = this.hex ? hexValue(buf, i, idEnd) : decValue(buf, i, idEnd);
    const idAt = i;
    i = skipBlanks(buf, t, e);
    t = tokenEnd(buf, i, e);
    const dirChar = t - i === 2 ? buf[i] | 0x20 : 0;
    const direction =
      dirChar === 0x72 && (buf[i + 1] | 0x20) === 0x78
        ? 'rx'
        : dirChar === 0x74 && (buf[i + 1] | 0x20) === 0x78
          ? 'tx'
          : undefined;
    // Statistics, status and other channel events: a word that is no id, or no Rx/Tx after it.
    if (id < 0 || direction === undefined) {
      if (id >= 0 && t === i) throw new LineError(reason('asc.missing-direction'), i - s + 1);
      return undefined;
    }
    if (id > (extended ? 0x1fffffff : 0x7ff)) {
      throw new LineError(
        reason(extended ? 'id-over-29-bit' : 'id-over-11-bit', { id: id.toString(16).toUpperCase() }),
        idAt - s + 1,
      );
    }
    i = skipBlanks(buf, t, e);
    t = tokenEnd(buf, i, e);
    if (t - i !== 1)
      throw new LineError(
        t === i ? reason('asc.missing-kind') : reason('asc.expected-kind', { text: clip(latin1(buf, i, t)) }),
        i - s + 1,
      );
    const kind = buf[i] | 0x20;
    i = skipBlanks(buf, t, e);
    t = tokenEnd(buf, i, e);
    if (kind === 0x72) {
      const frame: Frame = { id, extended, data: EMPTY, timestamp, channel, direction, remote: true };
      // `r [dlc]`, then maybe the fields Vector appends (`Length = 1704000 BitCount = 145 ID = …`).
      if (t > i && !isField(buf, t, e)) {
        const dlc = hexValue(buf, i, t);
        if (dlc < 0 || dlc > 15)
          throw new LineError(reason('asc.bad-remote-dlc', { text: clip(latin1(buf, i, t)) }), i - s + 1);
        frame.dlc = dlc;
        i = skipBlanks(buf, t, e);
        t = tokenEnd(buf, i, e);
      }
      if (t > i && !isField(buf, t, e)) {
        throw new LineError(reason('asc.after-remote', { text: clip(latin1(buf, i, t)) }), i - s + 1);
      }
      return frame;
    }
    if (kind !== 0x64)
      throw new LineError(reason('asc.expected-kind', { text: clip(latin1(buf, i, t)) }), i - s + 1);
    const dlc = t - i === 1 ? HEX_VALUE[buf[i]] : -1;
    // python-can's ASC writer (before it wrote `CANFD` lines) put a CAN FD frame on a classic line
    // with its payload length in place of the DLC (`d 40`: 64 bytes in base hex); python-can reads
    // such lines back, so they are read here too, as the CAN FD frames they can only be.
    const length =
      dlc < 0 && t - i > 1 ? fdLengthOver8(this.hex ? hexValue(buf, i, t) : decValue(buf, i, t)) : -1;
    if (dlc < 0 && length < 0)
      throw new LineError(
        t === i
          ? reason('missing-field', { what: term('DLC') })
          : reason('bad-dlc', { text: clip(latin1(buf, i, t)) }),
        i - s + 1,
      );
    const n = length > 0 ? length : Math.min(dlc, 8);
    const data = n === 0 ? EMPTY : new Uint8Array(n);
    for (let k = 0; k < n; k++) {
      i = t;
      while (i < e && buf[i] === 0x20) i++;
      // Fast path: Vector writes each byte as two hex digits and one space.
      if (this.hex && i + 2 <= e && (i + 2 === e || buf[i + 2] === 0x20)) {
        const hi = HEX_VALUE[buf[i]];
        const lo = HEX_VALUE[buf[i + 1]];
        if ((hi | lo) >= 0) {
          data[k] = (hi << 4) | lo;
          t = i + 2;
          continue;
        }
      }
      i = skipBlanks(buf, i, e);
      t = tokenEnd(buf, i, e);
      const v = this.hex ? hexValue(buf, i, t) : decValue(buf, i, t);
      if (v < 0 || v > 255) {
        throw new LineError(
          t === i
            ? reason('announces-bytes', { what: length > 0 ? `length ${length}` : `DLC ${dlc}`, n, found: k })
            : reason('bad-data-byte', { text: clip(latin1(buf, i, t)) }),
          i - s + 1,
        );
      }
      data[k] = v;
    }
    const frame: Frame = { id, extended, data, timestamp, channel, direction };
    if (length > 0) frame.fd = true;
    else if (dlc > 8) frame.dlc = dlc;
    return frame;
  }

  /** `CANFD <ch> <Rx|Tx> <id>[x] [name] <brs> <esi> <dlc> <length> <data…> [duration length flags …]`. */
  private fdLine(buf: Uint8Array, s: number, i: number, e: number, timestamp: number): Frame {
    const tokens: [number, number][] = [];
    for (;;) {
      i = skipBlanks(buf, i, e);
      if (i === e) break;
      const t = tokenEnd(buf, i, e);
      tokens.push([i, t]);
      i = t;
    }
    const text = (k: number) => (k < tokens.length ? latin1(buf, tokens[k][0], tokens[k][1]) : '');
    const bad = (k: number, why: Reason): never => {
      throw new LineError(why, (k < tokens.length ? tokens[k][0] : e) - s + 1);
    };
    if (tokens.length < 3) bad(tokens.length, reason('asc.fd-truncated'));
    const channel = text(0);
    if (decValue(buf, tokens[0][0], tokens[0][1]) < 0) bad(0, reason('bad-channel', { text: clip(channel) }));
    const dirText = text(1).toLowerCase();
    if (dirText !== 'rx' && dirText !== 'tx') bad(1, reason('expected-rx-tx', { text: clip(text(1)) }));
    const direction = dirText === 'rx' ? 'rx' : 'tx';
    if (isWord(buf, tokens[2][0], tokens[2][1], 'ErrorFrame')) {
      return { id: 0, extended: false, data: EMPTY, timestamp, error: true, fd: true, channel, direction };
    }
    let idText = text(2);
    const extended = /x$/i.test(idText);
    if (extended) idText = idText.slice(0, -1);
    const id = this.hex
      ? hexValue(buf, tokens[2][0], tokens[2][0] + idText.length)
      : decValue(buf, tokens[2][0], tokens[2][0] + idText.length);
    if (id < 0) bad(2, reason('bad-id', { text: clip(text(2)) }));
    if (id > (extended ? 0x1fffffff : 0x7ff))
      bad(2, reason(extended ? 'id-over-29-bit' : 'id-over-11-bit', { id: id.toString(16).toUpperCase() }));
    let k = 3;
    // A symbolic name may sit between the id and the BRS flag.
    if (!/^[01]$/.test(text(k)) || !/^[01]$/.test(text(k + 1))) k++;
    if (tokens.length < k + 4) bad(tokens.length, reason('asc.fd-truncated-fields'));
    const brs = text(k) === '1';
    const esi = text(k + 1) === '1';
    if (!/^[01]$/.test(text(k)) || !/^[01]$/.test(text(k + 1))) bad(k, reason('asc.fd-flags'));
    const dlc = hexValue(buf, tokens[k + 2][0], tokens[k + 2][1]);
    if (dlc < 0 || dlc > 15) bad(k + 2, reason('bad-dlc', { text: clip(text(k + 2)) }));
    const n = decValue(buf, tokens[k + 3][0], tokens[k + 3][1]);
    if (n < 0 || n > 64) bad(k + 3, reason('bad-data-length', { text: clip(text(k + 3)) }));
    k += 4;
    if (tokens.length < k + n)
      bad(tokens.length, reason('asc.fd-announced', { n, found: tokens.length - k }));
    const data = n === 0 ? EMPTY : new Uint8Array(n);
    for (let b = 0; b < n; b++) {
      const [ts, te] = tokens[k + b];
      const v = this.hex ? hexValue(buf, ts, te) : decValue(buf, ts, te);
      if (v < 0 || v > 255) bad(k + b, reason('bad-data-byte', { text: clip(text(k + b)) }));
      data[b] = v;
    }
    // The flags column (third after the data) says whether this is really an FD frame.
    const flagsToken = k + n + 2;
    const flags =
      flagsToken < tokens.length ? hexValue(buf, tokens[flagsToken][0], tokens[flagsToken][1]) : -1;
    // More than 8 data bytes can only be CAN FD, whatever the flags column says (python-can reads
    // such lines as FD frames too).
    const fd = flags < 0 || (flags & FD_EDL) !== 0 || n > 8;
    const frame: Frame = { id, extended, data, timestamp, channel, direction };
    if (fd) {
      frame.fd = true;
      if (brs) frame.brs = true;
      if (esi) frame.esi = true;
      const want = [0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 20, 24, 32, 48, 64][dlc];
      if (want !== n) bad(k - 1, reason('asc.fd-dlc-mismatch', { dlc, want, n }));
    } else {
      if (flags & FD_RTR) {
        frame.remote = true;
        frame.data = EMPTY;
        frame.dlc = dlc;
      } else if (n !== Math.min(dlc, 8)) {
        bad(k - 1, reason('asc.dlc-disagree', { dlc, n }));
      } else if (dlc > 8) {
        frame.dlc = dlc;
      }
    }
    return frame;
  }
}

/** The token ending at `t` names a field: an `=` follows (`Length = 1704000`). */
function isField(buf: Uint8Array, t: number, e: number): boolean {
  const k = skipBlanks(buf, t, e);
  return k < e && buf[k] === 0x3d;
}

function ascTime(us: number): string {
  const sec = Math.floor(us / 1e6);
  return `${String(sec).padStart(4, ' ')}.${String(us - sec * 1e6).padStart(6, '0')}`;
}

function hexBytes(data: Uint8Array): string {
  let s = '';
  for (let i = 0; i < data.length; i++) s += (i ? ' ' : '') + HEX_UPPER[data[i]];
  return s;
}

/** Writes `base hex  timestamps absolute` ASC with the `date` of the first frame (to the millisecond). */
export function ascFormatter(): LineFormatter {
  let startUs = 0;
  const seen = new Map<string, number>();
  return {
    header(first) {
      const startMs = first ? Math.floor(Math.round(first.timestamp * 1e6) / 1000) : 0;
      startUs = startMs * 1000;
      const date = formatAscDate(startMs);
      return `date ${date}\nbase hex  timestamps absolute\ninternal events logged\n// version 9.0.0\nBegin Triggerblock ${date}\n${ascTime(0)} Start of measurement\n`;
    },
    line(f) {
      const us = Math.round(f.timestamp * 1e6) - startUs;
      if (us < 0) throw 'timestamp before the first frame: ASC times cannot be negative';
      const time = ascTime(us);
      const ch = channelNumber(f.channel, seen);
      const dir = f.direction === 'tx' ? 'Tx' : 'Rx';
      if (f.error) return `${time} ${ch}  ErrorFrame\n`;
      const id = f.id.toString(16).toUpperCase() + (f.extended ? 'x' : '');
      if (f.fd) {
        const flags = FD_EDL | (f.brs ? FD_BRS : 0) | (f.esi ? FD_ESI : 0);
        const dlc = [0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 20, 24, 32, 48, 64].indexOf(f.data.length);
        return `${time} CANFD ${String(ch).padStart(3)} ${dir}   ${id.padStart(8)}  ${' '.repeat(32)} ${f.brs ? 1 : 0} ${f.esi ? 1 : 0} ${dlc.toString(16)} ${String(f.data.length).padStart(2)} ${hexBytes(f.data)} ${'0'.padStart(8)} ${'0'.padStart(4)} ${flags.toString(16).toUpperCase().padStart(8)} ${'0'.padStart(8)} ${'0'.padStart(8)} ${'0'.padStart(8)} ${'0'.padStart(8)} ${'0'.padStart(8)}\n`;
      }
      if (f.remote)
        return `${time} ${ch}  ${id.padEnd(15)} ${dir}   r${f.dlc !== undefined ? ` ${f.dlc.toString(16)}` : ''}\n`;
      const dlc = f.dlc !== undefined && f.dlc > 8 ? f.dlc : f.data.length;
      return `${time} ${ch}  ${id.padEnd(15)} ${dir}   d ${dlc.toString(16)}${f.data.length ? ' ' : ''}${hexBytes(f.data)}\n`;
    },
    trailer() {
      return 'End TriggerBlock\n';
    },
  };
}

/** `n` when it is a CAN FD payload length above 8 (12, 16, 20, 24, 32, 48, 64), else -1. */
function fdLengthOver8(n: number): number {
  return n > 8 && (FD_LENGTHS as readonly number[]).includes(n) ? n : -1;
}
