import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeFrame } from '../frame.js';
import { type LogFormat, LogParseError } from '../log.js';
import { ascFormatter } from './asc.js';
import { candumpLine } from './candump.js';
import { savvyCsvFormatter } from './csv.js';
import { readLogText } from './index.js';
import { trcFormatter } from './trc.js';
import type { LineFormatter } from './writer.js';

/**
 * Damaged logs never crash a reader: a mutated file either reads, or fails with a LogParseError
 * naming a line; in lenient mode it reads what it can (file-level problems aside).
 */
const frames = [
  makeFrame({ id: 0x7df, data: [2, 1, 0x0c], timestamp: 1641469561.9497, channel: 'can0', direction: 'tx' }),
  makeFrame({
    id: 0x18daf110,
    extended: true,
    data: [1, 2, 3, 4, 5, 6, 7, 8],
    timestamp: 1641469562,
    direction: 'rx',
  }),
  makeFrame({ id: 0x123, remote: true, dlc: 2, timestamp: 1641469563 }),
  makeFrame({ id: 0x100, fd: true, brs: true, data: new Uint8Array(12), timestamp: 1641469564 }),
  makeFrame({ id: 0, error: true, timestamp: 1641469565 }),
];

function sample(format: LogFormat): string {
  if (format === 'canhacker') {
    // A French Windows trace: decimal commas, the clock wrapping, a remote frame, a comment.
    return 'Time   ID     DLC Data                    Comment\r\n59,990 7DF      3 02 01 0C                démarrage\r\n00,004 18DAF110 8 01 02 03 04 05 06 07 08 \r\n00,100 123      2 RTR\r\n';
  }
  if (format === 'candump-screen') {
    return ' (1641469561.949700)  can0  7DF   [3]  02 01 0C\n  can1  18DAF110   [2]  01 02\n  can0  123   [2]  remote request\n  can0  100  [12]  00 01 02 03 04 05 06 07 08 09 0A 0B\n';
  }
  const f: LineFormatter =
    format === 'candump'
      ? { line: (x) => `${candumpLine(x)}\n` }
      : format === 'asc'
        ? ascFormatter()
        : format === 'trc'
          ? trcFormatter()
          : savvyCsvFormatter();
  const usable = format === 'csv' ? frames.slice(0, 2) : frames;
  let text = f.header ? f.header(usable[0]) : '';
  for (const x of usable) text += f.line(x);
  return text + (f.trailer ? f.trailer() : '');
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    byte: fc.constantFrom(0x20, 0x23, 0x0a, 0x0d, 0x2e, 0x41, 0x78, 0x30),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), byte: fc.constant(0) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(), byte: fc.constant(0) }),
);

function mutate(text: string, edits: { kind: string; at: number; byte: number }[]): Uint8Array {
  let bytes = Array.from(Buffer.from(text, 'latin1'));
  for (const m of edits) {
    if (bytes.length === 0) break;
    const at = m.at % bytes.length;
    if (m.kind === 'replace') bytes[at] = m.byte;
    else if (m.kind === 'insert') bytes.splice(at, 0, m.byte);
    else if (m.kind === 'delete') bytes.splice(at, 1);
    else bytes = bytes.slice(0, at);
  }
  return Uint8Array.from(bytes);
}

describe('property: damaged logs give frames or a LogParseError, never a crash', () => {
  it.each([
    ['candump', 'f.log'],
    ['asc', 'f.asc'],
    ['trc', 'f.trc'],
    ['csv', 'f.csv'],
    ['candump-screen', 'f.txt'],
    ['canhacker', 'f.trc'],
  ] as const)('%s', async (format, name) => {
    const text = sample(format);
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (edits) => {
        const bytes = mutate(text, edits);
        for (const lenient of [false, true]) {
          try {
            const reader = readLogText(bytes, name, { lenient, format });
            for await (const f of reader) {
              expect(Number.isFinite(f.timestamp)).toBe(true);
              expect(f.data).toBeInstanceOf(Uint8Array);
            }
            if (lenient) for (const e of reader.skipped) expect(e).toBeInstanceOf(LogParseError);
          } catch (err) {
            if (!(err instanceof LogParseError)) throw err;
            expect(err.line).toBeGreaterThanOrEqual(1);
            // Lenient mode only stops on file-level problems.
            if (lenient) expect(err.reason).toMatch(/empty file|binary content|line longer/);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
