import { FD_LENGTHS, type Frame } from '../frame.js';
import type { ReadOptions } from '../log.js';
import { clip } from '../quote.js';
import { type Reason, reason, term } from '../reason.js';
import { EMPTY, HEX_UPPER, LineError, latin1, NameCache } from './bytes.js';
import { channelNumber } from './channels.js';
import type { LineParser } from './line-reader.js';
import { decValue, fixedValue, hexValue } from './tokens.js';
import type { LineFormatter } from './writer.js';

/**
 * PEAK-System TRC trace files (PCAN-View, PCAN-Basic), versions 1.0, 1.1, 1.3, 2.0 and 2.1. Each
 * line holds a message number, a time offset in milliseconds from `$STARTTIME` (days since
 * 1899-12-30, local time, read and written here as UTC), and then per version: 1.0 (no
 * `$FILEVERSION` line, no start time, no direction) id DLC data, a remote frame's data written
 * `RTR`, id FFFFFFFF a bus status (BUSHEAVY, BUSOFF…: skipped); 1.1 type (Rx/Tx) id DLC data;
 * 1.3 bus type id reserved DLC data; 2.x the columns named by `$COLUMNS` with a two-letter type
 * (DT data, FD/FB/FE/BI CAN FD with BRS/ESI, RR remote, ER error; ST, EC, EV events).
 */

/** 1899-12-30, day 0 of the OLE automation dates TRC uses, in days before the Unix epoch. */
const OLE_EPOCH_DAYS = 25569;
const MAX_TOKENS = 96;

type Version = '1.0' | '1.1' | '1.3' | '2.0' | '2.1';

export class TrcParser implements LineParser {
  private version: Version = '1.1';
  /** Whether a `$FILEVERSION` line said the version (else 1.1 or 1.0, told by the first line). */
  private versionSaid = false;
  private startMs = 0;
  /** 2.x: index of each column letter in a line's tokens. */
  private col: Record<string, number> = { N: 0, O: 1, T: 2, I: 3, d: 4, l: 5, D: 6 };
  private readonly starts = new Int32Array(MAX_TOKENS);
  private readonly ends = new Int32Array(MAX_TOKENS);
  private readonly buses = new NameCache();

  constructor(private readonly options: Pick<ReadOptions, 'relativeTime'> = {}) {}

  parse(buf: Uint8Array, s: number, e: number): Frame | undefined {
    let i = s;
    while (i < e && (buf[i] === 0x20 || buf[i] === 0x09)) i++;
    if (i === e) return undefined;
    if (buf[i] === 0x3b) {
      this.directive(latin1(buf, i + 1, e), s, i);
      return undefined;
    }
    // Split into tokens (positions only).
    let n = 0;
    while (i < e) {
      while (i < e && (buf[i] === 0x20 || buf[i] === 0x09)) i++;
      if (i === e) break;
      if (n === MAX_TOKENS)
        throw new LineError(reason('trc.too-many-columns', { max: MAX_TOKENS }), i - s + 1);
      this.starts[n] = i;
      while (i < e && buf[i] !== 0x20 && buf[i] !== 0x09) i++;
      this.ends[n++] = i;
    }
    return this.version.startsWith('1') ? this.v1(buf, s, n) : this.v2(buf, s, n);
  }

  private directive(text: string, s: number, i: number): void {
    const m = /^\$(\w+)=(.*)$/.exec(text.trim());
    if (!m) return;
    const [, key, value] = m;
    if (key === 'FILEVERSION') {
      if (!['1.1', '1.3', '2.0', '2.1'].includes(value.trim())) {
        throw new LineError(reason('trc.version', { version: clip(value.trim()) }), i - s + 2);
      }
      this.version = value.trim() as Version;
      this.versionSaid = true;
      if (this.version === '2.1') this.columns('N,O,T,B,I,d,R,L,D', s, i);
    } else if (key === 'STARTTIME') {
      const days = Number(value.trim());
      if (!Number.isFinite(days))
        throw new LineError(reason('trc.bad-start-time', { text: clip(value.trim()) }), i - s + 2);
      // The start has millisecond resolution in PEAK's tools; rounding removes the day fraction's noise.
      if (!this.options.relativeTime) this.startMs = Math.round((days - OLE_EPOCH_DAYS) * 86400000);
    } else if (key === 'COLUMNS') {
      this.columns(value, s, i);
    }
  }

  private columns(value: string, s: number, i: number): void {
    const letters = value.split(',').map((c) => c.trim());
    for (const need of ['N', 'O', 'T', 'I', 'd']) {
      if (!letters.includes(need))
        throw new LineError(reason('trc.lacks-column', { column: need }), i - s + 2);
    }
    this.col = Object.fromEntries(letters.map((c, k) => [c, k]));
  }

  private text(buf: Uint8Array, k: number): string {
    return latin1(buf, this.starts[k], this.ends[k]);
  }

  private fail(s: number, k: number, n: number, why: Reason): never {
    throw new LineError(why, (k < n ? this.starts[k] : this.ends[n - 1]) - s + 1);
  }

  private time(buf: Uint8Array, s: number, k: number, n: number): number {
    if (k >= n) this.fail(s, k, n, reason('missing-field', { what: term('time offset') }));
    const us = fixedValue(buf, this.starts[k], this.ends[k], 3);
    if (us < 0) this.fail(s, k, n, reason('trc.bad-time-offset', { text: clip(this.text(buf, k)) }));
    return (this.startMs * 1000 + us) / 1e6;
  }

  private id(buf: Uint8Array, s: number, k: number, n: number): { id: number; extended: boolean } {
    if (k >= n) this.fail(s, k, n, reason('missing-field', { what: term('id') }));
    const digits = this.ends[k] - this.starts[k];
    const id = hexValue(buf, this.starts[k], this.ends[k]);
    if (id < 0) this.fail(s, k, n, reason('bad-id', { text: clip(this.text(buf, k)) }));
    const extended = digits > 4;
    if (id > (extended ? 0x1fffffff : 0x7ff)) {
      this.fail(
        s,
        k,
        n,
        reason(extended ? 'id-over-29-bit' : 'id-over-11-bit', { id: id.toString(16).toUpperCase() }),
      );
    }
    return { id, extended };
  }

  private bytes(buf: Uint8Array, s: number, k: number, n: number, count: number, dlc: number): Uint8Array {
    if (n - k < count)
      this.fail(
        s,
        n,
        n,
        reason('announces-bytes', { what: `DLC ${dlc}`, n: count, found: Math.max(0, n - k) }),
      );
    const data = count === 0 ? EMPTY : new Uint8Array(count);
    for (let b = 0; b < count; b++) {
      const t = k + b;
      const v = this.ends[t] - this.starts[t] === 2 ? hexValue(buf, this.starts[t], this.ends[t]) : -1;
      if (v < 0) this.fail(s, t, n, reason('bad-data-byte', { text: clip(this.text(buf, t)) }));
      data[b] = v;
    }
    return data;
  }

  private dlc(buf: Uint8Array, s: number, k: number, n: number): number {
    if (k >= n) this.fail(s, k, n, reason('missing-field', { what: term('DLC') }));
    const dlc = decValue(buf, this.starts[k], this.ends[k]);
    if (dlc < 0 || dlc > 15) this.fail(s, k, n, reason('bad-dlc', { text: clip(this.text(buf, k)) }));
    return dlc;
  }

  /** Checks the `N)` message number that starts every 1.x line. */
  private v1(buf: Uint8Array, s: number, n: number): Frame | undefined {
    const nEnd = this.ends[0];
    if (buf[nEnd - 1] !== 0x29 || decValue(buf, this.starts[0], nEnd - 1) < 0) {
      this.fail(s, 0, n, reason('trc.expected-number-paren', { text: clip(this.text(buf, 0)) }));
    }
    const timestamp = this.time(buf, s, 1, n);
    let k = 2;
    let channel: string | undefined;
    if (this.version === '1.3') {
      if (k >= n || decValue(buf, this.starts[k], this.ends[k]) < 0)
        this.fail(s, k, n, reason('trc.expected-bus'));
      channel = this.buses.get(buf, this.starts[k], this.ends[k]);
      k++;
    }
    const type = k < n ? this.text(buf, k) : '';
    if (
      this.version === '1.1' &&
      !this.versionSaid &&
      type !== 'Rx' &&
      type !== 'Tx' &&
      type !== 'Warng' &&
      type !== 'Error' &&
      hexValue(buf, this.starts[k], this.ends[k]) >= 0
    ) {
      // No version line and an id where 1.1 has the type: PCAN-View's first format, 1.0.
      this.version = '1.0';
    }
    if (this.version === '1.0') return this.v10(buf, s, n, timestamp);
    if (type === 'Warng' || type === 'Error') {
      if (type === 'Warng') return undefined;
      const f: Frame = { id: 0, extended: false, data: EMPTY, timestamp, error: true };
      if (channel) f.channel = channel;
      return f;
    }
    if (type !== 'Rx' && type !== 'Tx')
      this.fail(s, k, n, reason('trc.expected-type-v1', { text: clip(type) }));
    const direction = type === 'Rx' ? 'rx' : 'tx';
    const { id, extended } = this.id(buf, s, k + 1, n);
    k += 2;
    if (this.version === '1.3') k++; // reserved column '-'
    const dlc = this.dlc(buf, s, k, n);
    k++;
    const frame: Frame = { id, extended, data: EMPTY, timestamp, direction };
    if (channel) frame.channel = channel;
    if (k < n && this.text(buf, k) === 'RTR') {
      frame.remote = true;
      frame.dlc = dlc;
      return frame;
    }
    frame.data = this.bytes(buf, s, k, n, Math.min(dlc, 8), dlc);
    if (dlc > 8) frame.dlc = dlc;
    if (k + frame.data.length < n) this.fail(s, k + frame.data.length, n, reason('trc.more-data', { dlc }));
    return frame;
  }

  /** A 1.0 line after its number and time: id DLC data (or `RTR…`), no type, no direction. */
  private v10(buf: Uint8Array, s: number, n: number, timestamp: number): Frame | undefined {
    // Id FFFFFFFF is a bus status (its data the status bytes, then a word: BUSHEAVY, BUSOFF…).
    if (this.ends[2] - this.starts[2] === 8 && this.text(buf, 2).toUpperCase() === 'FFFFFFFF')
      return undefined;
    const { id, extended } = this.id(buf, s, 2, n);
    const dlc = this.dlc(buf, s, 3, n);
    const frame: Frame = { id, extended, data: EMPTY, timestamp };
    if (n > 4 && this.text(buf, 4).startsWith('RTR')) {
      frame.remote = true;
      frame.dlc = dlc;
      return frame;
    }
    frame.data = this.bytes(buf, s, 4, n, Math.min(dlc, 8), dlc);
    if (dlc > 8) frame.dlc = dlc;
    if (4 + frame.data.length < n) this.fail(s, 4 + frame.data.length, n, reason('trc.more-data', { dlc }));
    return frame;
  }

  private v2(buf: Uint8Array, s: number, n: number): Frame | undefined {
    const c = this.col;
    if (decValue(buf, this.starts[0], this.ends[0]) < 0) {
      this.fail(s, 0, n, reason('trc.expected-number', { text: clip(this.text(buf, 0)) }));
    }
    const timestamp = this.time(buf, s, c.O, n);
    if (c.T >= n) this.fail(s, c.T, n, reason('missing-field', { what: term('type') }));
    const type = this.text(buf, c.T);
    if (type === 'ST' || type === 'EC' || type === 'EV') return undefined;
    let channel: string | undefined;
    if (c.B !== undefined) {
      if (c.B >= n || decValue(buf, this.starts[c.B], this.ends[c.B]) < 0)
        this.fail(s, c.B, n, reason('trc.expected-bus'));
      channel = this.buses.get(buf, this.starts[c.B], this.ends[c.B]);
    }
    const dirText = c.d < n ? this.text(buf, c.d) : '';
    if (dirText !== 'Rx' && dirText !== 'Tx')
      this.fail(s, c.d, n, reason('expected-rx-tx', { text: clip(dirText) }));
    const direction = dirText === 'Rx' ? 'rx' : 'tx';
    // The data starts at column D; its length from L (DLC) or l (byte count).
    const dataAt = c.D ?? n;
    let count: number;
    let dlc: number;
    const fd = type === 'FD' || type === 'FB' || type === 'FE' || type === 'BI';
    if (c.L !== undefined) {
      dlc = this.dlc(buf, s, c.L, n);
      count = fd ? FD_LENGTHS[dlc] : Math.min(dlc, 8);
    } else if (c.l !== undefined) {
      if (c.l >= n) this.fail(s, c.l, n, reason('missing-field', { what: term('data length') }));
      count = decValue(buf, this.starts[c.l], this.ends[c.l]);
      if (count < 0 || count > 64)
        this.fail(s, c.l, n, reason('bad-data-length', { text: clip(this.text(buf, c.l)) }));
      dlc = count <= 8 ? count : FD_LENGTHS.indexOf(count as (typeof FD_LENGTHS)[number]);
      if (dlc < 0) this.fail(s, c.l, n, reason('fd-length', { n: count }));
    } else {
      this.fail(s, 0, n, reason('trc.no-length-column'));
    }
    if (type === 'ER') {
      const data = this.bytes(buf, s, dataAt, n, Math.min(count, n - dataAt), dlc);
      const f: Frame = { id: 0, extended: false, data, timestamp, error: true, direction };
      if (channel) f.channel = channel;
      return f;
    }
    const { id, extended } = this.id(buf, s, c.I, n);
    const frame: Frame = { id, extended, data: EMPTY, timestamp, direction };
    if (channel) frame.channel = channel;
    if (type === 'RR') {
      frame.remote = true;
      frame.dlc = dlc;
      return frame;
    }
    if (type !== 'DT' && !fd) this.fail(s, c.T, n, reason('trc.unknown-type', { text: clip(type) }));
    frame.data = this.bytes(buf, s, dataAt, n, count, dlc);
    if (dataAt + count < n) this.fail(s, dataAt + count, n, reason('trc.more-data', { dlc }));
    if (fd) {
      frame.fd = true;
      if (type === 'FB' || type === 'BI') frame.brs = true;
      if (type === 'FE' || type === 'BI') frame.esi = true;
    } else if (dlc > 8) {
      frame.dlc = dlc;
    }
    return frame;
  }
}

/** Writes TRC 2.1 (`$COLUMNS=N,O,T,B,I,d,R,L,D`), time offsets from the first frame's millisecond. */
export function trcFormatter(): LineFormatter {
  let startUs = 0;
  let number = 0;
  const seen = new Map<string, number>();
  return {
    header(first) {
      const startMs = first ? Math.floor(Math.round(first.timestamp * 1e6) / 1000) : 0;
      startUs = startMs * 1000;
      const days = startMs / 86400000 + OLE_EPOCH_DAYS;
      const d = new Date(startMs);
      const when = `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${d.toISOString().slice(11, 23)}.0`;
      return [
        ';$FILEVERSION=2.1',
        `;$STARTTIME=${days.toFixed(10)}`,
        ';$COLUMNS=N,O,T,B,I,d,R,L,D',
        ';',
        `;   Start time: ${when}`,
        ';   Generated by Atelier',
        ';-------------------------------------------------------------------------------',
        ';   Message   Time    Type    ID     Rx/Tx',
        ';   Number    Offset  |  Bus  [hex]  |  Reserved',
        ';   |         [ms]    |  |    |      |  |  Data Length Code',
        ';   |         |       |  |    |      |  |  |    Data [hex] ...',
        ';   |         |       |  |    |      |  |  |    |',
        ';---+-- ------+------ +- +- --+----- +- +- +--- +- -- -- -- -- -- -- --',
        '',
      ].join('\n');
    },
    line(f) {
      const us = Math.round(f.timestamp * 1e6) - startUs;
      if (us < 0) throw 'timestamp before the first frame: TRC offsets cannot be negative';
      number++;
      const ms = Math.floor(us / 1000);
      const offset = `${ms}.${String(us - ms * 1000).padStart(3, '0')}`;
      const type = f.error
        ? 'ER'
        : f.remote
          ? 'RR'
          : f.fd
            ? f.brs && f.esi
              ? 'BI'
              : f.brs
                ? 'FB'
                : f.esi
                  ? 'FE'
                  : 'FD'
            : 'DT';
      const id = f.error
        ? '-'
        : f.id
            .toString(16)
            .toUpperCase()
            .padStart(f.extended ? 8 : 4, '0');
      const dlc = f.remote
        ? (f.dlc ?? 0)
        : f.fd || f.error
          ? FD_LENGTHS.indexOf(f.data.length as never)
          : f.dlc !== undefined && f.dlc > 8
            ? f.dlc
            : f.data.length;
      let data = '';
      for (let i = 0; i < f.data.length; i++) data += ` ${HEX_UPPER[f.data[i]]}`;
      return `${String(number).padStart(7)} ${offset.padStart(13)} ${type} ${String(channelNumber(f.channel, seen)).padStart(2)} ${id.padStart(8)} ${f.direction === 'tx' ? 'Tx' : 'Rx'} -  ${String(dlc).padEnd(4)}${data}\n`;
    },
  };
}
