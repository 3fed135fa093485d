import { deflateSync, gzipSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { sayZlibError } from './zlib-texts.js';

/** What zlib threw inflating `bytes`, as Node reports it. */
function zlibErrorOf(bytes: Uint8Array): { message: string; code?: string } {
  try {
    inflateSync(bytes);
  } catch (err) {
    return err as NodeJS.ErrnoException;
  }
  throw new Error('inflated without an error');
}

/** Bytes like a log: repeats and noise, so the deflate stream has Huffman blocks to damage. */
const LOG_LIKE = Buffer.from(
  Array.from({ length: 20_000 }, (_, i) => (i % 32 < 16 ? i % 7 : (i * 131) & 0xff)),
);

describe("zlib's reasons in French", () => {
  const z = deflateSync(LOG_LIKE);

  it.each([
    [
      'not a zlib stream at all',
      () => gzipSync(LOG_LIKE),
      'en-tête zlib incorrect : ce ne sont pas des données compressées zlib',
    ],
    [
      'a stream cut in half',
      () => z.subarray(0, z.length >> 1),
      'les données compressées s’arrêtent avant leur fin (fichier coupé)',
    ],
    [
      'a block type of 3 (reserved)',
      () => Buffer.concat([z.subarray(0, 2), Buffer.from([0x07]), z.subarray(3)]),
      'type de bloc deflate invalide',
    ],
    [
      'the last byte of the checksum changed',
      () => Buffer.concat([z.subarray(0, -1), Buffer.from([z.at(-1)! ^ 0xff])]),
      'somme de contrôle fausse : les données ont été altérées',
    ],
  ])('%s', (_what, bytes, fr) => {
    const err = zlibErrorOf(bytes());
    expect(sayZlibError(err, 'fr')).toBe(fr);
    // English is zlib's own words, as the errors always quoted them.
    expect(sayZlibError(err, 'en')).toBe(err.message);
  });

  it('a message it does not know is quoted as it is, after what its code says', () => {
    expect(sayZlibError({ message: 'some new words', code: 'Z_DATA_ERROR' }, 'fr')).toBe(
      'données compressées corrompues (« some new words »)',
    );
    expect(sayZlibError({ message: 'some new words' }, 'fr')).toBe('« some new words »');
  });
});
