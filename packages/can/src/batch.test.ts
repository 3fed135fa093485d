import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../../tests/support/index.js';
import { FrameBatch, FrameFlag, frameBatches } from './batch.js';
import { readLog, readLogText } from './formats/index.js';
import { type Frame, makeFrame } from './frame.js';
import { LogParseError } from './log.js';

const LEAF = fixturePath('can/nissan_leaf_uds_2022-01-06.log');
const SAVVY = fixturePath('can/savvycan_example_candump.log');

const FRAMES: Frame[] = [
  makeFrame({
    id: 0x7e8,
    data: [4, 0x41, 0x0c, 0x1a, 0xf8],
    timestamp: 1.5,
    channel: 'can0',
    direction: 'rx',
  }),
  makeFrame({ id: 0x18daf110, extended: true, data: [], timestamp: 2, channel: 'can1', direction: 'tx' }),
  makeFrame({ id: 0x123, remote: true, dlc: 8, timestamp: 3 }),
  makeFrame({ id: 0x40, error: true, data: new Uint8Array(8), timestamp: 4, channel: 'can0' }),
  makeFrame({
    id: 0x1abc,
    extended: true,
    fd: true,
    brs: true,
    esi: true,
    data: new Uint8Array(64).fill(7),
    timestamp: 5,
  }),
  makeFrame({ id: 0x100, data: [1, 2, 3, 4, 5, 6, 7, 8], dlc: 12, timestamp: 6, channel: 'vcan0' }),
];

/** A frame as plain comparable data, every optional field spelled out. */
const plain = (f: Frame) => ({
  id: f.id,
  extended: f.extended,
  data: [...f.data],
  timestamp: f.timestamp,
  remote: !!f.remote,
  dlc: f.dlc,
  error: !!f.error,
  fd: !!f.fd,
  brs: !!f.brs,
  esi: !!f.esi,
  channel: f.channel,
  direction: f.direction,
});

async function framesOf(reader: AsyncIterable<Frame>): Promise<Frame[]> {
  const out: Frame[] = [];
  for await (const f of reader) out.push(f);
  return out;
}

async function batchedFramesOf(reader: ReturnType<typeof readLog>, capacity?: number): Promise<Frame[]> {
  const out: Frame[] = [];
  for await (const b of reader.batches!(capacity)) for (let k = 0; k < b.length; k++) out.push(b.frame(k));
  return out;
}

describe('FrameBatch', () => {
  it('holds frames in columns and gives each back with every field', () => {
    const b = new FrameBatch(8);
    for (const f of FRAMES) b.push(f);
    expect(b.length).toBe(FRAMES.length);
    expect(Array.from(b.id.subarray(0, 6))).toEqual(FRAMES.map((f) => f.id));
    expect(b.flags[0]).toBe(FrameFlag.RX);
    expect(b.flags[1]).toBe(FrameFlag.EXTENDED | FrameFlag.TX);
    expect(b.flags[4]).toBe(FrameFlag.EXTENDED | FrameFlag.FD | FrameFlag.BRS | FrameFlag.ESI);
    expect([b.dlc[2], b.dlc[5], b.dlc[0]]).toEqual([8, 12, -1]);
    expect(FRAMES.map((_, k) => b.size(k))).toEqual([5, 0, 0, 8, 64, 8]);
    expect([...b.data.subarray(b.start[0], b.start[1])]).toEqual([4, 0x41, 0x0c, 0x1a, 0xf8]);
    for (const [k, f] of FRAMES.entries()) expect(plain(b.frame(k))).toEqual(plain(f));
  });

  it('is full when the next frame might not fit, and starts again empty after clear', () => {
    const b = new FrameBatch(2);
    b.push(FRAMES[0]);
    expect(b.full).toBe(false);
    b.push(FRAMES[4]);
    expect(b.full).toBe(true);
    expect(() => b.push(FRAMES[1])).toThrow(RangeError);
    b.clear();
    expect(b.length).toBe(0);
    b.push(FRAMES[1]);
    expect(plain(b.frame(0))).toEqual(plain(FRAMES[1]));
  });

  it('batches any iterable of frames', async () => {
    const got: Frame[] = [];
    const sizes: number[] = [];
    for await (const b of frameBatches(FRAMES, 4)) {
      sizes.push(b.length);
      got.push(...b.frames());
    }
    // The 64-byte frame leaves no room for another of its size in a batch of 4 (4 × 8 + 64 bytes).
    expect(sizes).toEqual([4, 1, 1]);
    expect(got.map(plain)).toEqual(FRAMES.map(plain));
  });
});

describe('reading in batches', () => {
  it.each([
    [LEAF, 5588],
    [SAVVY, 12974],
  ])('%s: the same frames as reading frame by frame, whatever the batch size', async (file, count) => {
    const one = await framesOf(readLog(file));
    expect(one).toHaveLength(count);
    for (const capacity of [1, 7, 4096]) {
      const batched = await batchedFramesOf(readLog(file), capacity);
      expect(batched.map(plain)).toEqual(one.map(plain));
    }
  });

  it('every candump shape, in a file whose lines cross chunk ends, through the fast and the full parser', async () => {
    const shapes = [
      '(1641469561.949700) can0 79B#022101FFFFFFFFFF T',
      '(1641469561.95) can1 7BB#10 R',
      '(0000000001.000001) vcan0 18DAF110#',
      '(2.000000) can0 123#R',
      '(2.100000) can0 123#R8',
      '(2.200000) can0 20000080#0000000000000000',
      '(2.300000) can0 12345678##1000102030405060708090A0B',
      '(2.400000) can0 7E8#0102030405060708_C',
      '(2.600000) can0 7e8#0a0b\r',
      '',
    ];
    const lines = Array.from({ length: 30_000 }, (_, i) => shapes[i % shapes.length]);
    const text = `${lines.join('\n')}\n(3.0) can0 100#01`;
    const one = await framesOf(readLogText(text, 'shapes.log'));
    expect(one).toHaveLength(30_000 - 30_000 / 10 + 1);
    for (const capacity of [1, 64, 4096]) {
      const batched: Frame[] = [];
      for await (const b of readLogText(text, 'shapes.log').batches!(capacity)) batched.push(...b.frames());
      expect(batched.map(plain)).toEqual(one.map(plain));
    }
  });

  it('hands out the frames before a bad line, then its error with the line; lenient skips it', async () => {
    const good = (i: number) => `(${i}.000000) can0 100#${(i % 256).toString(16).padStart(2, '0')}`;
    const lines = Array.from({ length: 9000 }, (_, i) => good(i));
    lines[7000] = '(7000.000000) can0 100#0G';
    const text = `${lines.join('\n')}\n`;
    const seen: number[] = [];
    let error: unknown;
    try {
      for await (const b of readLogText(text, 'bad.log').batches!(4096)) seen.push(b.length);
    } catch (err) {
      error = err;
    }
    expect(seen.reduce((a, n) => a + n, 0)).toBe(7000);
    expect(error).toBeInstanceOf(LogParseError);
    expect((error as LogParseError).line).toBe(7001);
    const lenient = readLogText(text, 'bad.log', { lenient: true });
    let n = 0;
    for await (const b of lenient.batches!()) n += b.length;
    expect(n).toBe(8999);
    expect(lenient.skipped.map((e) => e.line)).toEqual([7001]);
  });
});
