import { HEX_VALUE, SPACE, TAB } from './bytes.js';

/**
 * Small scanners over one line's bytes for the column formats (ASC, TRC, CSV): they return
 * positions, so a line is never split into strings.
 */

export function skipBlanks(buf: Uint8Array, i: number, e: number): number {
  while (i < e && (buf[i] === SPACE || buf[i] === TAB)) i++;
  return i;
}

export function tokenEnd(buf: Uint8Array, i: number, e: number): number {
  while (i < e && buf[i] !== SPACE && buf[i] !== TAB) i++;
  return i;
}

/** Value of the hex digits in [s, t), or -1 when one is not a hex digit (or there are none / too many). */
export function hexValue(buf: Uint8Array, s: number, t: number): number {
  if (t <= s || t - s > 8) return -1;
  let v = 0;
  for (let i = s; i < t; i++) {
    const h = HEX_VALUE[buf[i]];
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

/** Value of the decimal digits in [s, t), or -1. */
export function decValue(buf: Uint8Array, s: number, t: number): number {
  if (t <= s || t - s > 16) return -1;
  let v = 0;
  for (let i = s; i < t; i++) {
    const c = buf[i] - 0x30;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v <= Number.MAX_SAFE_INTEGER ? v : -1;
}

/** Whether [s, t) holds exactly the ASCII `word`, ignoring case. */
export function isWord(buf: Uint8Array, s: number, t: number, word: string): boolean {
  if (t - s !== word.length) return false;
  for (let k = 0; k < word.length; k++) {
    if ((buf[s + k] | 0x20) !== (word.charCodeAt(k) | 0x20)) return false;
  }
  return true;
}

/**
 * A decimal number with an optional fraction in [s, t), as integer units of 10^-`scale` (µs for
 * scale 6): exact, so a time read and written back is the same digits. -1 when malformed; extra
 * fraction digits are rounded.
 */
export function fixedValue(buf: Uint8Array, s: number, t: number, scale: number): number {
  let v = 0;
  let i = s;
  while (i < t) {
    const c = buf[i] - 0x30;
    if (c < 0 || c > 9) break;
    v = v * 10 + c;
    i++;
  }
  if (i === s) return -1;
  let digits = 0;
  if (i < t && buf[i] === 0x2e) {
    i++;
    while (i < t) {
      const c = buf[i] - 0x30;
      if (c < 0 || c > 9) return -1;
      if (digits < scale) {
        v = v * 10 + c;
        digits++;
      } else if (digits === scale) {
        if (c >= 5) v++;
        digits++;
      }
      i++;
    }
  }
  if (i !== t) return -1;
  for (; digits < scale; digits++) v *= 10;
  return v;
}
