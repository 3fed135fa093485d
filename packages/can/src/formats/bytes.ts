/**
 * Byte-level helpers shared by the format parsers. Parsers work on the raw bytes of a chunk rather
 * than on strings: decoding every line to a string and splitting it costs more than the parse itself.
 */

import { type Reason, reason, sayReason } from '../reason.js';

/** Hex digit value of each byte, or -1. */
export const HEX_VALUE: Int8Array = (() => {
  const t = new Int8Array(256).fill(-1);
  for (let i = 0; i < 10; i++) t[0x30 + i] = i;
  for (let i = 0; i < 6; i++) {
    t[0x41 + i] = 10 + i;
    t[0x61 + i] = 10 + i;
  }
  return t;
})();

export const SPACE = 0x20;
export const TAB = 0x09;
export const CR = 0x0d;
export const LF = 0x0a;

export const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

/** Upper-case two-digit hex of each byte value. */
export const HEX_UPPER = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'));

/**
 * A problem on one line, thrown by a line parser and turned into a LogParseError (with file and
 * line number) by the reader that knows them. `column` is 1-based within the line.
 */
export class LineError extends Error {
  override name = 'LineError';
  constructor(
    readonly detail: Reason,
    readonly column?: number,
  ) {
    super(sayReason(detail, 'en'));
  }
}

/** Printable description of the byte at `i` for error messages. */
export function describeByte(buf: Uint8Array, i: number, end: number): Reason {
  if (i >= end) return reason('end-of-line');
  const c = buf[i];
  return c >= 0x21 && c < 0x7f
    ? reason('found-text', { text: String.fromCharCode(c) })
    : reason('found-byte', { hex: c.toString(16).padStart(2, '0') });
}

export function latin1(buf: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]);
  return s;
}

/**
 * Interns short names (channels) read from bytes: a log repeats a handful of them, so comparing
 * bytes against the previous hits is cheaper than decoding a string per line.
 */
export class NameCache {
  private names: string[] = [];
  private bytes: Uint8Array[] = [];
  private last = -1;

  get(buf: Uint8Array, start: number, end: number): string {
    const n = end - start;
    if (this.last >= 0 && this.matches(this.last, buf, start, n)) return this.names[this.last];
    for (let k = 0; k < this.bytes.length; k++) {
      if (this.matches(k, buf, start, n)) {
        this.last = k;
        return this.names[k];
      }
    }
    const name = latin1(buf, start, end);
    // A log with thousands of distinct names is not a log of channels: stop caching then.
    if (this.names.length < 64) {
      this.names.push(name);
      this.bytes.push(buf.slice(start, end));
      this.last = this.names.length - 1;
    }
    return name;
  }

  private matches(k: number, buf: Uint8Array, start: number, n: number): boolean {
    const b = this.bytes[k];
    if (b.length !== n) return false;
    for (let i = 0; i < n; i++) if (b[i] !== buf[start + i]) return false;
    return true;
  }
}

/** Shared by frames without payload: a zero-length view cannot be written through. */
export const EMPTY = new Uint8Array(0);
