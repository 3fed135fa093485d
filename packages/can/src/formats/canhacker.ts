import type { Frame } from '../frame.js';
import { clip } from '../quote.js';
import { type Reason, reason, term } from '../reason.js';
import { TIMESTAMP_WRAP_MS } from '../slcan/protocol.js';
import { EMPTY, HEX_UPPER, LineError, latin1 } from './bytes.js';
import type { LineParser } from './line-reader.js';
import { decValue, hexValue, isWord, skipBlanks, tokenEnd } from './tokens.js';
import type { LineFormatter } from './writer.js';

/**
 * CANHacker trace files (`.trc`): what the CANHacker Windows tool sold with Lawicel-protocol (SLCAN)
 * adapters, and the arduino-canhacker firmware's users, save. Not PEAK's TRC, although it shares the
 * extension. A header line (`Time   ID     DLC Data                    Comment`), then one frame a
 * line:
 *
 *     11.201 0F1      4 34 01 00 40             a comment
 *     00.000 18EA0003 8 BE FE 00 00 FF FF FF FF
 *
 * time in seconds with the Windows locale's decimal separator (`11,201` on a French or German
 * Windows), the adapter's millisecond clock that wraps at 60 s (Lawicel's time stamps count
 * 0–59,999 ms); the id in hex, 3 digits for 11-bit ids, 8 for 29-bit ones; the DLC (0–8); the data
 * bytes; then a free comment column, often empty. One bus, no direction.
 */

/** The adapter's clock wraps after a minute: Lawicel (Z1) time stamps run from 0 to 59,999 ms. */
const WRAP_US = TIMESTAMP_WRAP_MS * 1000;
const MAX_TOKENS = 32;

/** Whether the bytes hold a remote-request marker where the data would start. */
function isRemoteMarker(buf: Uint8Array, s: number, t: number): boolean {
  return isWord(buf, s, t, 'R') || isWord(buf, s, t, 'RTR') || isWord(buf, s, t, 'Remote');
}

/**
 * The time column in µs: digits, then `.` or `,` and 1–6 fraction digits (CANHacker writes three),
 * or whole seconds. -1 when malformed.
 */
function timeValue(buf: Uint8Array, s: number, t: number): number {
  let i = s;
  let whole = 0;
  while (i < t && buf[i] >= 0x30 && buf[i] <= 0x39 && i - s < 10) whole = whole * 10 + buf[i++] - 0x30;
  // Up to 10 digits of seconds (a clock that does not wrap may count from the epoch), exact in µs.
  if (i === s || whole > 9e9) return -1;
  let us = whole * 1e6;
  if (i === t) return us;
  if (buf[i] !== 0x2e && buf[i] !== 0x2c) return -1;
  i++;
  if (i === t || t - i > 6) return -1;
  let scale = 100_000;
  for (; i < t; i++, scale /= 10) {
    const c = buf[i] - 0x30;
    if (c < 0 || c > 9) return -1;
    us += c * scale;
  }
  return us;
}

export class CanHackerParser implements LineParser {
  /** µs added to the adapter's clock for each wrap seen so far. */
  private base = 0;
  /** The previous frame's clock reading (µs), -1 before the first frame. */
  private last = -1;
  private readonly starts = new Int32Array(MAX_TOKENS);
  private readonly ends = new Int32Array(MAX_TOKENS);
  /** The line being parsed, for error columns: its bounds and its token count. */
  private lineStart = 0;
  private lineEnd = 0;
  private count = 0;

  parse(buf: Uint8Array, s: number, e: number): Frame | undefined {
    let first = skipBlanks(buf, s, e);
    if (first === e) return undefined;
    // A UTF-8 byte order mark before the header (a trace saved again by a Windows editor).
    if (this.last < 0 && buf[first] === 0xef && buf[first + 1] === 0xbb && buf[first + 2] === 0xbf)
      first += 3;
    // Every frame line starts with its time; before the first frame, a line that starts with a
    // letter is the header (`Time   ID     DLC Data …`, or a title naming CANHacker).
    if (this.last < 0 && (buf[first] | 0x20) >= 0x61 && (buf[first] | 0x20) <= 0x7a) {
      const text = latin1(buf, first, Math.min(e, first + 200)).toLowerCase();
      if (/^time\s/.test(text) || text.includes('canhacker')) return undefined;
    }
    let n = 0;
    let i = first;
    while (i < e && n < MAX_TOKENS) {
      i = skipBlanks(buf, i, e);
      if (i === e) break;
      this.starts[n] = i;
      i = tokenEnd(buf, i, e);
      this.ends[n++] = i;
    }
    // Columns as 1-based positions in the line (the end of the line for a missing one).
    const { starts, ends } = this;
    this.lineStart = s;
    this.lineEnd = e;
    this.count = n;

    const clock = timeValue(buf, starts[0], ends[0]);
    if (clock < 0) this.fail(buf, 0, this.col(0), (text) => reason('canhacker.expected-time', { text }));
    if (n < 2) throw new LineError(reason('missing-field', { what: term('id') }), this.col(1));
    const id = hexValue(buf, starts[1], ends[1]);
    if (id < 0) this.fail(buf, 1, this.col(1), (text) => reason('bad-id', { text }));
    // CANHacker writes 3 digits for an 11-bit id and 8 for a 29-bit one.
    const extended = ends[1] - starts[1] > 3;
    if (id > (extended ? 0x1fffffff : 0x7ff)) {
      throw new LineError(
        reason(extended ? 'id-over-29-bit' : 'id-over-11-bit', { id: id.toString(16).toUpperCase() }),
        this.col(1),
      );
    }
    if (n < 3) throw new LineError(reason('missing-field', { what: term('DLC') }), this.col(2));
    const dlc = decValue(buf, starts[2], ends[2]);
    if (dlc < 0 || dlc > 8) this.fail(buf, 2, this.col(2), (text) => reason('bad-dlc-classic', { text }));

    const remote = n > 3 && isRemoteMarker(buf, starts[3], ends[3]);
    let data = EMPTY;
    if (!remote && dlc > 0) {
      data = new Uint8Array(dlc);
      for (let b = 0; b < dlc; b++) {
        const k = 3 + b;
        const v = k < n && ends[k] - starts[k] === 2 ? hexValue(buf, starts[k], ends[k]) : -1;
        if (v < 0) {
          if (k >= n)
            throw new LineError(
              reason('announces-bytes', { what: `DLC ${dlc}`, n: dlc, found: b }),
              this.col(k),
            );
          this.fail(buf, k, this.col(k), (text) => reason('canhacker.bad-data-byte', { text, dlc }));
        }
        data[b] = v;
      }
    }
    // Whatever follows the data bytes is the comment column: free text, not kept in a Frame.
    // The adapter's clock wraps at 60 s: a reading below the previous one is the next minute. Only
    // readings under a minute can wrap; larger ones (a clock that does not wrap) are taken as they are.
    if (this.last >= 0 && clock < this.last && this.last < WRAP_US) this.base += WRAP_US;
    this.last = clock;
    const timestamp = (this.base + clock) / 1e6;
    return remote
      ? { id, extended, data, timestamp, channel: 'can0', remote: true, dlc }
      : { id, extended, data, timestamp, channel: 'can0' };
  }

  /** The 1-based column of token `k` in the line being parsed (the line's end for a missing one). */
  private col(k: number): number {
    return (k < this.count ? this.starts[k] : this.lineEnd) - this.lineStart + 1;
  }

  /** Throws a LineError quoting token `k` (clipped). */
  private fail(buf: Uint8Array, k: number, column: number, why: (token: string) => Reason): never {
    throw new LineError(why(clip(latin1(buf, this.starts[k], this.ends[k]))), column);
  }
}

/**
 * Writes a CANHacker trace as CANHacker lays it out: the header line, times as the adapter's clock
 * (seconds within the minute, to the millisecond, with a `.`), ids padded to 8 columns, data bytes
 * padded to 8, an empty comment column. One bus, classic CAN only; a remote frame's data column
 * says `RTR`.
 */
export function canHackerFormatter(): LineFormatter {
  let channel: string | undefined;
  let first = true;
  return {
    header: () => 'Time   ID     DLC Data                    Comment\n',
    line(f) {
      if (f.error) throw 'a CANHacker trace cannot express error frames';
      if (f.fd) throw 'a CANHacker trace cannot express CAN FD frames';
      // Lawicel adapters carry DLC 0–8 only (data or remote).
      if (f.dlc !== undefined && f.dlc > 8) throw `a CANHacker trace cannot express DLC ${f.dlc}`;
      const ch = f.channel ?? 'can0';
      if (first) channel = ch;
      else if (ch !== channel)
        throw `a CANHacker trace holds one bus: frame on ${ch} after frames on ${channel} (convert one channel at a time)`;
      first = false;
      const us = Math.round(f.timestamp * 1e6);
      if (us < 0) throw 'CANHacker times cannot be negative';
      const ms = Math.round(us / 1000) % TIMESTAMP_WRAP_MS;
      const time = `${String(Math.floor(ms / 1000)).padStart(2, '0')}.${String(ms % 1000).padStart(3, '0')}`;
      const id = f.extended
        ? f.id.toString(16).toUpperCase().padStart(8, '0')
        : f.id.toString(16).toUpperCase().padStart(3, '0').padEnd(8, ' ');
      if (f.remote) return `${time} ${id} ${f.dlc ?? 0} RTR\n`;
      let data = '';
      for (let i = 0; i < 8; i++) data += i < f.data.length ? `${HEX_UPPER[f.data[i]]} ` : '   ';
      return `${time} ${id} ${f.data.length} ${data}\n`;
    },
  };
}
