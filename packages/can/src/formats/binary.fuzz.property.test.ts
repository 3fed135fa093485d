import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Frame, makeFrame, validateFrame } from '../frame.js';
import { BinaryLogError, type LogFormat, LogParseError } from '../log.js';
import { readLogText, writeLog } from './index.js';
import { pcapFile, socketCan } from './pcap.test-support.js';

/**
 * Damaged binary logs never crash a reader, never hang it, never make it allocate what a length
 * field claims: a mutated MF4, BLF, pcap or pcapng file either reads (every frame valid), or fails with a
 * BinaryLogError naming the file and an offset inside it (or a LogParseError for an empty file).
 */
const FIXTURES = resolve(import.meta.dirname, '../../../../tests/fixtures/can');

const frames: Frame[] = [];
for (let i = 0; i < 300; i++) {
  frames.push(
    makeFrame({
      id: i % 7 === 0 ? 0x18daf110 + i : 0x700 + (i % 0xff),
      extended: i % 7 === 0,
      data: new Uint8Array(i % 9).map((_, k) => (i + k) & 255),
      timestamp: 1641469561.9497 + i / 1000,
      channel: i % 2 ? 'can0' : 'can1',
      direction: i % 3 ? 'rx' : 'tx',
      ...(i % 50 === 5 ? { fd: true, brs: true, data: new Uint8Array(12) } : {}),
    }),
  );
}

async function bytesOf(format: LogFormat, options = {}): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await writeLog(out, frames, format, options);
  return Buffer.concat(chunks);
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('word' as const), at: fc.nat(), byte: fc.constantFrom(0, 0xff, 0x7f, 0x80) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(), byte: fc.constant(0) }),
);

function mutate(source: Buffer, edits: { kind: string; at: number; byte: number }[]): Buffer {
  let b = Buffer.from(source);
  for (const m of edits) {
    if (b.length === 0) break;
    const at = m.at % b.length;
    if (m.kind === 'replace') b[at] = m.byte;
    // A whole length or link field overwritten.
    else if (m.kind === 'word') b.fill(m.byte, at, Math.min(b.length, at + 8));
    else b = b.subarray(0, at);
  }
  return b;
}

const FORMAT_OF: Record<string, LogFormat> = {
  '.blf': 'blf',
  '.mf4': 'mf4',
  '.pcapng': 'pcapng',
  '.pcap': 'pcap',
};

describe('property: damaged MF4, BLF, pcap and pcapng files give frames or a BinaryLogError, never a crash', () => {
  const cases: [string, string, number, () => Promise<Buffer>][] = [
    ['BLF', 'f.blf', 200, () => bytesOf('blf')],
    ['pcapng', 'f.pcapng', 200, () => bytesOf('pcapng')],
    [
      'classic pcap, big-endian, nanoseconds',
      'f.pcap',
      200,
      async () =>
        pcapFile(
          'be',
          true,
          227,
          frames.map((f, i) => ({
            sec: 1641469561 + i,
            frac: i * 1000,
            bytes: socketCan((f.extended ? 0x80000000 : 0) | f.id, Array.from(f.data)),
          })),
        ),
    ],
    ['MF4 as a logger writes it (unfinalised, unsorted)', 'f.mf4', 200, () => bytesOf('mf4')],
    [
      'the real CANedge MF4 (Leaf)',
      'leaf.mf4',
      40,
      async () => readFileSync(join(FIXTURES, 'nissan_leaf_uds_2022-01-06.MF4')),
    ],
    [
      'the real CANedge MF4 (newer firmware)',
      'new.mf4',
      40,
      async () => readFileSync(join(FIXTURES, 'canedge_2F6913DB_00001089_00000001-63BEF5CD.MF4')),
    ],
  ];
  it.each(cases)(
    '%s',
    async (_name, name, runs, make) => {
      const source = await make();
      await fc.assert(
        fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (edits) => {
          const bytes = mutate(source, edits);
          for (const lenient of [false, true]) {
            try {
              const reader = readLogText(bytes, name, {
                lenient,
                format: FORMAT_OF[name.slice(name.lastIndexOf('.'))],
              });
              let n = 0;
              for await (const f of reader) {
                expect(validateFrame(f)).toBeUndefined();
                expect(Number.isFinite(f.timestamp)).toBe(true);
                n++;
                if (n > 100_000) throw new Error('more frames than the file can hold');
              }
              for (const e of reader.skipped) expect(e).toBeInstanceOf(LogParseError);
            } catch (err) {
              if (!(err instanceof LogParseError)) throw err;
              expect(err.file).toBe(name);
              if (err instanceof BinaryLogError) {
                expect(err.offset).toBeGreaterThanOrEqual(0);
                expect(err.offset).toBeLessThanOrEqual(Math.max(source.length, bytes.length));
              }
            }
          }
        }),
        { numRuns: runs },
      );
    },
    120_000,
  );
});
