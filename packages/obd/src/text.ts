/** A text in both languages the workshop uses; French first. */
export interface Text {
  fr: string;
  en: string;
}

export type Lang = 'fr' | 'en';

/** Two hex digits, upper case: the way ELM327 output and workshop manuals print bytes. */
export const hex2 = (n: number): string => n.toString(16).toUpperCase().padStart(2, '0');

/** Bytes as spaced hex, for error messages that must show what arrived. */
export const hexBytes = (bytes: ArrayLike<number>): string => Array.from(bytes, hex2).join(' ');

/**
 * Bytes quoted in an error message: at most `max` of them, then the length, so that a flooding or
 * garbled answer does not turn into a message of hundreds of kilobytes.
 */
export function hexQuote(bytes: ArrayLike<number>, max = 32): string {
  if (bytes.length <= max) return hexBytes(bytes);
  return `${hexBytes(Array.prototype.slice.call(bytes, 0, max) as number[])} … (${bytes.length} bytes)`;
}
