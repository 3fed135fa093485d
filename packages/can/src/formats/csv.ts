import type { Frame } from '../frame.js';
import { clip } from '../quote.js';
import { type Reason, reason } from '../reason.js';
import { EMPTY, HEX_UPPER, LineError, latin1, NameCache } from './bytes.js';
import { channelNumber } from './channels.js';
import type { LineParser } from './line-reader.js';
import { decValue, hexValue } from './tokens.js';
import type { LineFormatter } from './writer.js';

/**
 * SavvyCAN's native CSV (GVRET): a header `Time Stamp,ID,Extended,Dir,Bus,LEN,D1,…,D8`, then one
 * frame a line: microseconds, hex id, true/false, Rx/Tx, bus number, length, hex bytes, and a
 * trailing comma. Older SavvyCAN versions omit `Dir`; the columns are found by name. The format
 * has no remote, error or CAN FD frames.
 */

const COMMA = 0x2c;
const MAX_FIELDS = 80;

export class SavvyCsvParser implements LineParser {
  private cols:
    | { time: number; id: number; ext: number; dir: number; bus: number; len: number; data: number }
    | undefined;
  private readonly starts = new Int32Array(MAX_FIELDS);
  private readonly ends = new Int32Array(MAX_FIELDS);
  private readonly buses = new NameCache();

  parse(buf: Uint8Array, s: number, e: number): Frame | undefined {
    if (!this.cols) {
      this.header(latin1(buf, s, e));
      return undefined;
    }
    let n = 0;
    let i = s;
    for (;;) {
      if (n === MAX_FIELDS)
        throw new LineError(reason('csv.too-many-fields', { max: MAX_FIELDS }), i - s + 1);
      this.starts[n] = i;
      while (i < e && buf[i] !== COMMA) i++;
      this.ends[n++] = i;
      if (i === e) break;
      i++;
    }
    // The trailing comma leaves an empty last field.
    if (n > 0 && this.ends[n - 1] === this.starts[n - 1]) n--;
    const c = this.cols;
    const field = (k: number) => (k < n ? latin1(buf, this.starts[k], this.ends[k]) : '');
    const fail = (k: number, why: Reason): never => {
      throw new LineError(why, (k < n ? this.starts[k] : e) - s + 1);
    };
    if (n <= c.len) fail(n, reason('csv.few-fields', { n, min: c.len + 1 }));
    const us = decValue(buf, this.starts[c.time], this.ends[c.time]);
    if (us < 0) fail(c.time, reason('csv.bad-time', { text: clip(field(c.time)) }));
    const idDigits = this.ends[c.id] - this.starts[c.id];
    const id = hexValue(buf, this.starts[c.id], this.ends[c.id]);
    if (id < 0 || idDigits > 8) fail(c.id, reason('bad-id', { text: clip(field(c.id)) }));
    const extText = field(c.ext).toLowerCase();
    if (extText !== 'true' && extText !== 'false')
      fail(c.ext, reason('csv.bad-extended', { text: clip(field(c.ext)) }));
    const extended = extText === 'true';
    if (id > (extended ? 0x1fffffff : 0x7ff)) {
      fail(
        c.id,
        reason(extended ? 'id-over-29-bit' : 'id-over-11-bit', { id: id.toString(16).toUpperCase() }),
      );
    }
    const len = decValue(buf, this.starts[c.len], this.ends[c.len]);
    if (len < 0 || len > 8) fail(c.len, reason('csv.bad-length', { text: clip(field(c.len)) }));
    if (n - c.data < len)
      fail(n, reason('announces-bytes', { what: `LEN ${len}`, n: len, found: Math.max(0, n - c.data) }));
    if (n - c.data > len) fail(c.data + len, reason('csv.more-bytes', { len }));
    const data = len === 0 ? EMPTY : new Uint8Array(len);
    for (let b = 0; b < len; b++) {
      const k = c.data + b;
      const v = hexValue(buf, this.starts[k], this.ends[k]);
      if (v < 0 || v > 255) fail(k, reason('bad-data-byte', { text: clip(field(k)) }));
      data[b] = v;
    }
    const frame: Frame = { id, extended, data, timestamp: us / 1e6 };
    if (c.bus >= 0) {
      if (decValue(buf, this.starts[c.bus], this.ends[c.bus]) < 0)
        fail(c.bus, reason('csv.bad-bus', { text: clip(field(c.bus)) }));
      frame.channel = this.buses.get(buf, this.starts[c.bus], this.ends[c.bus]);
    }
    if (c.dir >= 0) {
      const d = field(c.dir).toLowerCase();
      if (d !== 'rx' && d !== 'tx') fail(c.dir, reason('csv.bad-dir', { text: clip(field(c.dir)) }));
      frame.direction = d === 'rx' ? 'rx' : 'tx';
    }
    return frame;
  }

  private header(line: string): void {
    const names = line.split(',').map((x) => x.trim().toLowerCase());
    const at = (name: string) => names.indexOf(name);
    const cols = {
      time: at('time stamp'),
      id: at('id'),
      ext: at('extended'),
      dir: at('dir'),
      bus: at('bus'),
      len: at('len'),
      data: at('d1'),
    };
    if (cols.time < 0 || cols.id < 0 || cols.ext < 0 || cols.len < 0) {
      throw new LineError(reason('csv.expected-header'), 1);
    }
    if (cols.data < 0) cols.data = cols.len + 1;
    this.cols = cols;
  }
}

export function savvyCsvFormatter(): LineFormatter {
  const seen = new Map<string, number>();
  return {
    header: () => 'Time Stamp,ID,Extended,Dir,Bus,LEN,D1,D2,D3,D4,D5,D6,D7,D8\n',
    line(f) {
      if (f.remote) throw 'SavvyCAN CSV cannot express remote frames';
      if (f.error) throw 'SavvyCAN CSV cannot express error frames';
      if (f.fd) throw 'SavvyCAN CSV cannot express CAN FD frames';
      let data = '';
      for (let i = 0; i < f.data.length; i++) data += `${HEX_UPPER[f.data[i]]},`;
      const us = Math.round(f.timestamp * 1e6);
      if (us < 0) throw 'SavvyCAN CSV time stamps cannot be negative';
      return `${us},${f.id.toString(16).toUpperCase().padStart(8, '0')},${f.extended},${f.direction === 'tx' ? 'Tx' : 'Rx'},${channelNumber(f.channel, seen, 0)},${f.data.length},${data}\n`;
    },
  };
}
