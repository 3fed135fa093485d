/**
 * Text files as people save them (scenario YAML, CAN logs, transcripts): an instructor writes in
 * whatever editor the school's PC has — UTF-8 (with or without the BOM Windows editors add),
 * "Unicode" (UTF-16 with its BOM, Notepad's old name for it) or "ANSI": Windows-1252 on a French
 * Windows, where "é" is one byte that is not valid UTF-8. Read as UTF-8 regardless, such a file
 * shows "�" for every accent without a word of warning, or is refused as binary.
 */

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export class TextEncodingError extends Error {
  constructor(
    /** Offset of the first byte that makes it not text. */
    readonly offset: number,
    reason: string,
  ) {
    super(reason);
    this.name = 'TextEncodingError';
  }
}

/** Bytes that never occur in a text file: C0 controls but tab, line feed, carriage return, form feed. */
function firstControl(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) return i;
  }
  return -1;
}

/**
 * Decodes a text file: a BOM says the encoding (and is dropped); else valid UTF-8 is UTF-8,
 * and other bytes are Windows-1252 (every byte is a character there; ISO 8859-1, the other usual
 * guess, differs only in 0x80–0x9F, where 1252 has the € and typographic quotes French text uses).
 * Binary content (a NUL or a control byte outside UTF-16) is a TextEncodingError with its offset.
 */
export function decodeText(bytes: Uint8Array): { text: string; encoding: TextEncoding } {
  for (const [b0, b1, encoding] of [
    [0xff, 0xfe, 'utf-16le'],
    [0xfe, 0xff, 'utf-16be'],
  ] as const) {
    if (bytes[0] === b0 && bytes[1] === b1) {
      if (bytes.length % 2 !== 0)
        throw new TextEncodingError(
          bytes.length - 1,
          `${encoding.toUpperCase()} text with an odd number of bytes`,
        );
      const text = new TextDecoder(encoding).decode(bytes.subarray(2));
      const bad = [...text].findIndex((c) => c === '\uFFFD' || (c < ' ' && !'\t\n\r\f'.includes(c)));
      if (bad >= 0)
        throw new TextEncodingError(
          2,
          `not ${encoding.toUpperCase()} text (character ${bad + 1} is not text)`,
        );
      return { text, encoding };
    }
  }
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const body = bytes.subarray(bom);
  const control = firstControl(body);
  if (control >= 0) {
    const at = bom + control;
    throw new TextEncodingError(
      at,
      `binary content (byte 0x${bytes[at]!.toString(16).padStart(2, '0')} at offset ${at}): not a text file`,
    );
  }
  try {
    return {
      text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body),
      encoding: 'utf-8',
    };
  } catch {
    // Not UTF-8: a file saved as "ANSI". A BOM in front of it would be a file cut and pasted
    // together; its three bytes are dropped all the same.
    return { text: windows1252(body), encoding: 'windows-1252' };
  }
}

/**
 * Windows-1252's characters at 0x80–0x9F (the code page's chart; the five bytes it leaves
 * undefined, 0x81 0x8D 0x8F 0x90 0x9D, are the C1 controls of the same number, as the WHATWG
 * Encoding standard maps them). Node 20's `TextDecoder('windows-1252')` decodes these bytes as
 * ISO 8859-1 would (U+0080…), losing the € and the typographic quotes and dashes.
 */
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/** Bytes as Windows-1252: 0x00–0x7F and 0xA0–0xFF are the same code points, 0x80–0x9F from the chart. */
export function windows1252(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 4096) {
    const chunk = bytes.subarray(i, i + 4096);
    out += String.fromCharCode(
      ...Array.from(chunk, (b) => (b >= 0x80 && b < 0xa0 ? CP1252_HIGH.charCodeAt(b - 0x80) : b)),
    );
  }
  return out;
}
