import { describe, expect, it } from 'vitest';
import { transpose, untranspose } from './data.js';

/**
 * Transposed deflate (MDF 4.2, DZ block with zip type 1) as the standard states it: of `rows`
 * whole records, byte c of record r is stored at c × rows + r; the bytes that do not make a whole
 * record follow unchanged. Written here plainly, as the oracle of the optimised inverse.
 */
function reference(stored: Uint8Array, columns: number): Uint8Array {
  const rows = Math.floor(stored.length / columns);
  const out = new Uint8Array(stored.length);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < columns; c++) out[r * columns + c] = stored[c * rows + r];
  out.set(stored.subarray(rows * columns), rows * columns);
  return out;
}

describe('untranspose (DZ blocks stored column by column)', () => {
  it('puts records back as the standard defines it, for every shape: word-sized records or not, rows a multiple of 4 or not, leftovers, unaligned bytes', () => {
    let seed = 7;
    const byte = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed >>> 24;
    };
    for (const columns of [1, 3, 4, 8, 12, 24, 25, 28, 76]) {
      for (const rows of [0, 1, 3, 4, 5, 7, 8, 13, 64, 1001, 4096]) {
        for (const extra of [0, 1, columns - 1]) {
          const n = rows * columns + Math.max(0, Math.min(extra, columns - 1));
          // At offset 1 of a larger buffer too: the word path must not assume alignment.
          for (const offset of [0, 1]) {
            const backing = Buffer.alloc(n + offset);
            const stored = backing.subarray(offset);
            for (let i = 0; i < n; i++) stored[i] = byte();
            const got = untranspose(stored, columns);
            expect(
              Buffer.compare(got, Buffer.from(reference(stored, columns))),
              `${columns}×${rows}+${extra}@${offset}`,
            ).toBe(0);
            // And it inverts the writer's transpose.
            expect(Buffer.compare(untranspose(transpose(got, columns), columns), got)).toBe(0);
          }
        }
      }
    }
  });
});
