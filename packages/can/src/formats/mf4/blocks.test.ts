import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BinaryLogError } from '../../log.js';
import { fileRandomSource, memoryRandomSource, type RandomSource } from '../binary-source.js';
import { all, LEAF_LOG, LEAF_MF4 } from '../formats.test-support.js';
import { readLog } from '../index.js';
import { BlockReader } from './blocks.js';
import { mf4Reader } from './reader.js';

/** A source that counts the reads that reach it. */
function counting(inner: RandomSource): RandomSource & { reads: number } {
  const s = {
    reads: 0,
    file: inner.file,
    size: () => inner.size(),
    read(position: number, length: number, into?: Buffer) {
      s.reads++;
      return inner.read(position, length, into);
    },
    close: () => inner.close(),
  };
  return s;
}

describe('MF4 metadata reads', () => {
  it('the real CANedge recording opens in a handful of reads, not one per block, and reads the same frames', async () => {
    const source = counting(fileRandomSource(LEAF_MF4));
    const frames = await all(mf4Reader(LEAF_MF4, () => source, {}));
    expect(frames.length).toBe((await all(readLog(LEAF_LOG))).length);
    // Read block by block (every header, then every block) this 210 KiB file took 292 reads,
    // each a trip to the thread pool; through 64 KiB windows it takes 2 (its metadata, then its
    // one data block). The bound leaves room for a change of window, not for a read per block.
    expect(source.reads).toBeLessThan(12);
  });

  it('any range of the file comes back as the file holds it; past the end is a truncation naming the place', async () => {
    const bytes = readFileSync(LEAF_MF4);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(bytes.length + 100), fc.integer({ min: 1, max: 70_000 })), {
          minLength: 1,
          maxLength: 30,
        }),
        async (asks) => {
          const blocks = new BlockReader(memoryRandomSource(bytes, 'x.mf4'), bytes.length);
          for (const [at, length] of asks) {
            if (at + length <= bytes.length) {
              expect(
                Buffer.compare(await blocks.bytes(at, length, 'a block'), bytes.subarray(at, at + length)),
              ).toBe(0);
            } else {
              const err = await blocks.bytes(at, length, 'a block').catch((e) => e);
              expect(err).toBeInstanceOf(BinaryLogError);
              expect(err.offset).toBe(at);
              expect(err.message).toMatch(/truncated file: a block needs/);
            }
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
