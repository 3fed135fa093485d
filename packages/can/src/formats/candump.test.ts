import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../../../tests/support/index.js';
import { type Frame, makeFrame, sameFrame, toHex } from '../frame.js';
import { LogParseError } from '../log.js';
import { candumpLine, openLogWriter, readLog, readLogText, writeLog } from './index.js';

const LEAF = fixturePath('can/nissan_leaf_uds_2022-01-06.log');
const SAVVY = fixturePath('can/savvycan_example_candump.log');

async function all(it: AsyncIterable<Frame>): Promise<Frame[]> {
  const out: Frame[] = [];
  for await (const f of it) out.push(f);
  return out;
}

async function errorOf(text: string, name = 'bad.log'): Promise<LogParseError> {
  try {
    await all(readLogText(text, name, { format: 'candump' }));
  } catch (err) {
    if (err instanceof LogParseError) return err;
    throw err;
  }
  throw new Error(`no error for ${JSON.stringify(text)}`);
}

const tmp = () => mkdtempSync(join(tmpdir(), 'atelier-candump-'));

describe('candump -l reader', () => {
  it('reads the Nissan Leaf recording completely: 5588 frames, two buses, directions', async () => {
    const reader = readLog(LEAF);
    const frames = await all(reader);
    expect(reader.format).toBe('candump');
    expect(frames).toHaveLength(5588);
    const first = frames[0];
    expect(first.timestamp).toBe(1641469561.9497);
    expect(first.channel).toBe('can0');
    expect(first.id).toBe(0x79b);
    expect(first.extended).toBe(false);
    expect(toHex(first.data)).toBe('022101ffffffffff');
    expect(first.direction).toBe('tx');
    expect(frames[1].direction).toBe('rx');
    expect(toHex(frames[1].data)).toBe('10356101fffff3cc');
    expect(new Set(frames.map((f) => f.channel))).toEqual(new Set(['can0', 'can1']));
    const requests = frames.filter((f) => f.id === 0x79b);
    expect(requests.every((f) => f.direction === 'tx')).toBe(true);
    expect(frames.filter((f) => f.id === 0x7bb).every((f) => f.direction === 'rx')).toBe(true);
    // Timestamps never go backwards in a single recording.
    for (let i = 1; i < frames.length; i++)
      expect(frames[i].timestamp).toBeGreaterThanOrEqual(frames[i - 1].timestamp);
    expect(frames.at(-1)!.timestamp - first.timestamp).toBeGreaterThan(60);
  });

  it('reads the SavvyCAN recording completely: 12974 frames, 180 ids, 11-bit only', async () => {
    const frames = await all(readLog(SAVVY));
    expect(frames).toHaveLength(12974);
    expect(new Set(frames.map((f) => f.id)).size).toBe(180);
    expect(frames.every((f) => !f.extended && f.channel === 'vcan0')).toBe(true);
    expect(frames[0]).toMatchObject({ id: 0x21a, timestamp: 166 });
    expect(toHex(frames[0].data)).toBe('fe3612fe690507ad');
  });

  it('reads 29-bit ids, remote frames with and without DLC, CAN FD flags, error frames, long DLC', async () => {
    const text = [
      '(0000000001.000001) can0 12345678#DEADBEEF',
      '(0000000001.000002) can0 123#R',
      '(0000000001.000003) can0 123#R4',
      '(0000000001.000004) can1 7FF##3' + '11'.repeat(12),
      '(0000000001.000005) can1 1FFFFFFF##0',
      '(0000000001.000006) can0 20000080#0000000000000000',
      '(0000000001.000007) can0 321#1122334455667788_C',
      '(0000000001.000008) can0 000#',
    ].join('\n');
    const f = await all(readLogText(text, 'mixed.log'));
    expect(f).toHaveLength(8);
    expect(f[0]).toMatchObject({ id: 0x12345678, extended: true, timestamp: 1.000001 });
    expect(f[1]).toMatchObject({ id: 0x123, remote: true });
    expect(f[1].dlc).toBeUndefined();
    expect(f[2]).toMatchObject({ remote: true, dlc: 4 });
    expect(f[2].data).toHaveLength(0);
    expect(f[3]).toMatchObject({ id: 0x7ff, fd: true, brs: true, esi: true, channel: 'can1' });
    expect(f[3].data).toHaveLength(12);
    expect(f[4]).toMatchObject({ id: 0x1fffffff, extended: true, fd: true });
    expect(f[4].brs).toBeUndefined();
    expect(f[5]).toMatchObject({ id: 0x80, error: true, extended: false });
    expect(f[6]).toMatchObject({ dlc: 12 });
    expect(f[7].data).toHaveLength(0);
  });

  it('accepts CRLF line endings and a last line without newline', async () => {
    const lf = await all(readLogText('(1.5) can0 123#01\n(2.25) can0 124#02\n', 'a.log'));
    const crlf = await all(readLogText('(1.5) can0 123#01\r\n(2.25) can0 124#02', 'b.log'));
    expect(crlf).toHaveLength(2);
    expect(crlf.every((f, i) => sameFrame(f, lf[i]))).toBe(true);
  });

  it('reads a timestamp past 2^53 microseconds as its decimal text says, in candump width or not', async () => {
    // Found by the property test "takes a damaged line only when the full parser reads it as the
    // same frame" (roundtrip.property.test.ts, seed 1671569589, after 124,339 runs): a damaged
    // digit made the seconds 9100000001 (from 9007199255 s on, year 2255, seconds × 10⁶ plus the
    // microseconds pass 2^53). The one-pass path built that integer in candump's 10.6 width without
    // checking it stayed exact and read 9100000001, where the text's nearest double is
    // 9100000001.000002 (what Number() and the full parser give).
    const lines = [
      '(1641469561.949700) can0 79B#022101FFFFFFFFFF T',
      '(9100000001.000001) vcan0 18DAF110#0102 R',
      '(9999999999.999999) can0 123#',
      '(9100000001.000001) can0 123#',
      '(9007199254.740993) can0 123#',
    ];
    const frames = await all(readLogText(`${lines.join('\n')}\n`, 'far.log'));
    expect(frames.map((f) => f.timestamp)).toEqual(lines.map((l) => Number(l.slice(1, l.indexOf(')')))));
    expect(frames[1]!.timestamp).toBe(9100000001.000002);
  });

  it('reads lines across chunk boundaries, at every offset', async () => {
    // 256 KiB chunks: ~40,000 lines of varying length put line ends at every position around them.
    const lines: string[] = [];
    for (let i = 0; i < 40_000; i++) {
      const data = (i % 9 === 0 ? '' : 'A5').repeat(i % 9);
      lines.push(
        `(${1000 + i}.${String(i % 1_000_000).padStart(6, '0')}) can${i % 3} ${(i % 0x800).toString(16).toUpperCase().padStart(3, '0')}#${data}`,
      );
    }
    const frames = await all(readLogText(`${lines.join('\n')}\n`, 'chunks.log'));
    expect(frames).toHaveLength(40_000);
    frames.forEach((f, i) => {
      if (f.id !== i % 0x800 || f.data.length !== (i % 9 === 0 ? 0 : i % 9) || f.channel !== `can${i % 3}`) {
        throw new Error(`frame ${i} differs: ${JSON.stringify(f)}`);
      }
    });
  });

  it('names the right line for a bad line longer than a chunk, and refuses a line over 1 MiB', async () => {
    const long = `(1.0) can0 123#${'00'.repeat(200_000)}`;
    const err = await errorOf(`(1.0) can0 123#00\n${long}\n(2.0) can0 123#00\n`);
    expect(err.line).toBe(2);
    expect(err.reason).toMatch(/payload of 200000 bytes exceeds 8/);
    const huge = await errorOf(`(1.0) can0 123#00\n(1.0) can0 123#${'0'.repeat(1_100_000)}\n`);
    expect(huge.line).toBe(2);
    expect(huge.reason).toMatch(/line longer than/);
  });

  it('gives every frame its own bytes', async () => {
    const frames = await all(readLogText('(1.0) can0 123#0102\n(2.0) can0 123#0304\n', 'own.log'));
    frames[0].data[0] = 0xff;
    expect(toHex(frames[1].data)).toBe('0304');
    expect(toHex(frames[0].data)).toBe('ff02');
  });

  it.each([
    ['truncated line', '(1.0) can0 123#00\n(1.0) can0 12', 2, /truncated/],
    ['truncated before the interface', '(1.0)', 1, /space before the interface/],
    ['odd-length hex', '(1.0) can0 123#001', 1, /odd number of hex digits/],
    ['classic payload over 8 bytes', '(1.0) can0 123#001122334455667788', 1, /exceeds 8/],
    ['invalid FD length', '(1.0) can0 123##0001122334455667788AA', 1, /valid FD length/],
    ['11-bit id out of range', '(1.0) can0 800#00', 1, /out of range for an 11-bit/],
    ['29-bit id out of range', '(1.0) can0 FFFFFFFF#00', 1, /out of range for a 29-bit/],
    ['id of 4 digits', '(1.0) can0 1234#00', 1, /3 \(11-bit\) or 8 \(29-bit\)/],
    ['non-hex data', '(1.0) can0 123#0G', 1, /not a hex digit: 'G'/],
    ['garbage bytes', '(1.0) can0 123#00\n\u00ff\u00fe garbage', 2, /expected '\('/],
    ['missing timestamp', '() can0 123#00', 1, /expected a timestamp/],
    ['bad direction', '(1.0) can0 123#00 X', 1, /direction R or T/],
    // Found by fuzzing (issue 15): 400 digits read as an Infinity timestamp, 300,000 overflowed a spread.
    ['timestamp of 400 digits', `(${'1'.repeat(400)}.0) can0 123#00`, 1, /timestamp of 400 digits/],
    ['timestamp of 300,000 decimals', `(1.${'1'.repeat(300_000)}) can0 123#00`, 1, /300000 decimals/],
  ])('%s → LogParseError with the line number', async (_name, text, line, reason) => {
    const err = await errorOf(text);
    expect(err).toBeInstanceOf(LogParseError);
    expect(err.file).toBe('bad.log');
    expect(err.line).toBe(line);
    expect(err.reason).toMatch(reason);
    expect(err.message).toMatch(new RegExp(`^bad\\.log:${line}`));
  });

  it('empty file and binary file give typed errors', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'empty.log'), '');
    writeFileSync(join(dir, 'bin.log'), Buffer.from([0x28, 0x31, 0x29, 0x0a, 0x00, 0x01, 0x02, 0xff]));
    for (const [name, reason, line] of [
      ['empty.log', /empty file/, 1],
      ['bin.log', /binary content/, 2],
    ] as const) {
      const err = await all(readLog(join(dir, name))).catch((e) => e);
      expect(err).toBeInstanceOf(LogParseError);
      expect(err.line).toBe(line);
      expect(err.reason).toMatch(reason);
    }
  });

  it('lenient mode skips bad lines, counts them and keeps the good ones', async () => {
    const reader = readLogText(
      '(1.0) can0 123#00\nnonsense\n(2.0) can0 124#0\n(3.0) can0 125#01\n',
      'l.log',
      {
        lenient: true,
      },
    );
    const frames = await all(reader);
    expect(frames.map((f) => f.id)).toEqual([0x123, 0x125]);
    expect(reader.skipped.map((e) => e.line)).toEqual([2, 3]);
  });
});

describe('candump -l writer', () => {
  it('reports an output that cannot be created as an error, not a crash', async () => {
    const err = await writeLog(join(tmp(), 'no/such/dir/out.log'), [makeFrame({ id: 1 })], 'candump').catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe('ENOENT');
  });

  it('writes lines the way candump does', () => {
    expect(
      candumpLine(makeFrame({ id: 0x79b, data: [2, 0x21, 1], timestamp: 1641469561.9497, direction: 'tx' })),
    ).toBe('(1641469561.949700) can0 79B#022101 T');
    expect(
      candumpLine(makeFrame({ id: 0x1abc, extended: true, data: [], timestamp: 1, channel: 'vcan1' })),
    ).toBe('(0000000001.000000) vcan1 00001ABC#');
    expect(candumpLine(makeFrame({ id: 0x12, remote: true, dlc: 3, timestamp: 0.5 }))).toBe(
      '(0000000000.500000) can0 012#R3',
    );
    expect(
      candumpLine(makeFrame({ id: 0x12, fd: true, brs: true, data: new Uint8Array(12), timestamp: 0 })),
    ).toMatch(/012##1(00){12}$/);
    expect(candumpLine(makeFrame({ id: 0x4, error: true, data: new Uint8Array(8), timestamp: 0 }))).toMatch(
      / 20000004#0000000000000000$/,
    );
  });

  it('round-trips the Leaf recording and synthetic FD/remote/error/extended frames', async () => {
    const dir = tmp();
    const leaf = await all(readLog(LEAF));
    const out = join(dir, 'leaf.log');
    expect(await writeLog(out, leaf, 'candump')).toBe(5588);
    const again = await all(readLog(out));
    expect(again).toHaveLength(leaf.length);
    expect(
      again.every(
        (f, i) => sameFrame(f, leaf[i]) && f.channel === leaf[i].channel && f.direction === leaf[i].direction,
      ),
    ).toBe(true);

    const synthetic = [
      makeFrame({ id: 0x1fffffff, extended: true, data: [1, 2, 3], timestamp: 1700000000.000001 }),
      makeFrame({ id: 0x100, remote: true, dlc: 8, timestamp: 1700000000.5 }),
      makeFrame({ id: 0x101, remote: true, timestamp: 1700000000.6 }),
      makeFrame({
        id: 0x7ff,
        fd: true,
        brs: true,
        esi: true,
        data: new Uint8Array(64).fill(0xa5),
        timestamp: 1700000001,
      }),
      makeFrame({ id: 0x10, fd: true, data: [], timestamp: 1700000001.25 }),
      makeFrame({ id: 0x40, error: true, data: [0, 4, 0, 0, 0, 0, 0, 0], timestamp: 1700000002 }),
      makeFrame({
        id: 0x5,
        data: new Uint8Array(8),
        dlc: 15,
        timestamp: 1700000003,
        channel: 'vcan0',
        direction: 'rx',
      }),
    ];
    const w = openLogWriter(join(dir, 's.log'), 'candump');
    for (const f of synthetic) await w.write(f);
    await w.close();
    const back = await all(readLog(join(dir, 's.log')));
    expect(back).toHaveLength(synthetic.length);
    back.forEach((f, i) => {
      expect(sameFrame(f, synthetic[i])).toBe(true);
      expect(f.dlc).toBe(synthetic[i].dlc);
    });
  });
});
