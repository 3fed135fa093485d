import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '@atelier/clock';
import { afterAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../../../tests/support/index.js';
import { openLogWriter, readLog } from './formats/index.js';
import { type Frame, makeFrame, sameFrame } from './frame.js';
import type { LogWriter } from './log.js';
import { Recorder, RecorderError, record } from './recorder.js';
import { Player } from './replay/player.js';
import { VirtualBus } from './virtual-bus.js';

/** Keeps frames in memory; optionally slow (each write takes a few event-loop turns) or failing. */
class MemoryWriter implements LogWriter {
  readonly format = 'candump' as const;
  frames: Frame[] = [];
  closed = false;
  inFlight = 0;
  maxInFlight = 0;
  constructor(
    private readonly mode: 'sync' | 'slow' = 'sync',
    private readonly failAt = -1,
  ) {}
  write(frame: Frame): void | Promise<void> {
    if (this.closed) throw new Error('write after close');
    if (this.frames.length === this.failAt) throw new Error('disk full');
    if (this.mode === 'sync') {
      this.frames.push(frame);
      return;
    }
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    return new Promise((resolve) =>
      setImmediate(() =>
        setImmediate(() => {
          this.inFlight--;
          this.frames.push(frame);
          resolve();
        }),
      ),
    );
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

function sampleFrames(n: number): Frame[] {
  return Array.from({ length: n }, (_, i) =>
    makeFrame({
      id: i % 3 === 0 ? 0x18daf110 + (i % 5) : 0x100 + (i % 7),
      extended: i % 3 === 0,
      data: Array.from({ length: i % 9 }, (_, j) => (i * 31 + j) & 0xff),
      remote: false,
      timestamp: 1000 + i * 0.001,
    }),
  );
}

describe('Recorder', () => {
  it('writes every frame crossing the bus, in order, keeping source timestamps when asked', async () => {
    const sender = new VirtualBus('rec-1');
    const tap = new VirtualBus('rec-1');
    const writer = new MemoryWriter();
    const recorder = record(tap, writer, { timestamps: 'source' });
    const frames = sampleFrames(50);
    for (const f of frames) await sender.send(f);
    await recorder.stop();
    expect(writer.closed).toBe(true);
    expect(writer.frames).toHaveLength(50);
    for (const [i, f] of writer.frames.entries()) expect(sameFrame(f, frames[i])).toBe(true);
    expect(recorder.frames).toBe(50);
    expect(recorder.framesWritten).toBe(50);
  });

  it('stamps frames with the clock on arrival by default', async () => {
    const clock = new VirtualClock(5_000);
    const sender = new VirtualBus('rec-2');
    const tap = new VirtualBus('rec-2');
    const writer = new MemoryWriter();
    const recorder = new Recorder(tap, writer, { clock, epoch: 1_700_000_000 });
    await sender.send(makeFrame({ id: 1, data: [1], timestamp: 3 }));
    await clock.advance(250);
    await sender.send(makeFrame({ id: 2, data: [2], timestamp: 3 }));
    await recorder.stop();
    expect(writer.frames.map((f) => f.timestamp)).toEqual([1_700_000_005, 1_700_000_005.25]);
    // The sender's frame is not modified.
    expect(writer.frames[0].id).toBe(1);
  });

  it('loses nothing with a slow asynchronous writer: stop() waits for the queue, one write at a time', async () => {
    const sender = new VirtualBus('rec-3');
    const tap = new VirtualBus('rec-3');
    const writer = new MemoryWriter('slow');
    const recorder = record(tap, writer, { timestamps: 'source' });
    const frames = sampleFrames(300);
    // A burst faster than the writer: frames queue up.
    for (const f of frames) sender.sendSync(f);
    expect(writer.frames.length).toBeLessThan(300);
    await recorder.stop();
    expect(writer.maxInFlight).toBe(1);
    expect(writer.frames).toHaveLength(300);
    for (const [i, f] of writer.frames.entries()) expect(sameFrame(f, frames[i])).toBe(true);
    // After stop, nothing more is taken.
    sender.sendSync(frames[0]);
    expect(recorder.frames).toBe(300);
  });

  it('records only frames passing its filters', async () => {
    const sender = new VirtualBus('rec-4');
    const tap = new VirtualBus('rec-4');
    const writer = new MemoryWriter();
    const recorder = record(tap, writer, { filters: [{ id: 0x7e8, mask: 0x7f8 }] });
    for (const id of [0x7df, 0x7e8, 0x7e9, 0x100]) await sender.send(makeFrame({ id, data: [] }));
    await recorder.stop();
    expect(writer.frames.map((f) => f.id)).toEqual([0x7e8, 0x7e9]);
  });

  it('stops at the first write error and reports it from stop(), naming the frame', async () => {
    const sender = new VirtualBus('rec-5');
    const tap = new VirtualBus('rec-5');
    const writer = new MemoryWriter('sync', 3);
    const recorder = record(tap, writer);
    for (const f of sampleFrames(10)) await sender.send(f);
    const err = await recorder.stop().catch((e) => e);
    expect(err).toBeInstanceOf(RecorderError);
    expect(err.frameIndex).toBe(3);
    expect(err.message).toMatch(/virtual:rec-5.*#3.*disk full/);
    expect(writer.frames).toHaveLength(3);
    expect(writer.closed).toBe(true);
  });

  it('can leave the writer open for the caller', async () => {
    const tap = new VirtualBus('rec-6');
    const writer = new MemoryWriter();
    const recorder = record(tap, writer, { closeWriter: false });
    await recorder.stop();
    await recorder.stop();
    expect(writer.closed).toBe(false);
    expect(recorder.stopped).toBe(true);
  });

  it('flushes frames already received even when the bus is closed first', async () => {
    const sender = new VirtualBus('rec-7');
    const tap = new VirtualBus('rec-7');
    const writer = new MemoryWriter('slow');
    const recorder = record(tap, writer);
    for (const f of sampleFrames(20)) sender.sendSync(f);
    await tap.close();
    await recorder.stop();
    expect(writer.frames).toHaveLength(20);
  });
});

const NISSAN = fixturePath('can/nissan_leaf_uds_2022-01-06.log');
const tmp = mkdtempSync(join(tmpdir(), 'atelier-recorder-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('Recorder round trip through a log file', () => {
  it('records frames sent on a bus to candump and reads the same frames back', async () => {
    const file = join(tmp, 'roundtrip.log');
    const sender = new VirtualBus('rec-file-1');
    const tap = new VirtualBus('rec-file-1');
    const recorder = record(tap, openLogWriter(file, 'candump'), { timestamps: 'source' });
    const frames = [
      ...sampleFrames(40).map((f) => ({ ...f, channel: 'can0' })),
      makeFrame({ id: 0x123, remote: true, dlc: 3, timestamp: 2000, channel: 'can0' }),
      makeFrame({
        id: 0x456,
        fd: true,
        brs: true,
        data: new Uint8Array(12).fill(7),
        timestamp: 2001,
        channel: 'can1',
      }),
    ];
    for (const f of frames) await sender.send(f);
    await recorder.stop();
    const back: Frame[] = [];
    for await (const f of readLog(file)) back.push(f);
    expect(back).toHaveLength(frames.length);
    for (const [i, f] of back.entries()) {
      expect(sameFrame(f, frames[i]), `frame ${i}`).toBe(true);
      expect(f.channel).toBe(frames[i].channel);
    }
  });

  it('replays the real Nissan Leaf log at full speed into a recorder: the copy equals the original', async () => {
    const copy = join(tmp, 'nissan-copy.log');
    const out = new VirtualBus('rec-file-2');
    const tap = new VirtualBus('rec-file-2');
    const recorder = record(tap, openLogWriter(copy, 'candump'), { timestamps: 'source' });
    const report = await new Player(out, () => readLog(NISSAN), { maxSpeed: true }).play();
    await recorder.stop();
    expect(report.sent).toBe(5588);
    expect(recorder.framesWritten).toBe(5588);
    const original = readLog(NISSAN)[Symbol.asyncIterator]();
    let n = 0;
    for await (const f of readLog(copy)) {
      const o = await original.next();
      expect(o.done).toBe(false);
      const g = o.value as Frame;
      if (!sameFrame(f, g) || f.channel !== g.channel || f.direction !== g.direction) {
        throw new Error(`frame ${n} differs: ${JSON.stringify([f, g])}`);
      }
      n++;
    }
    expect(n).toBe(5588);
    expect((await original.next()).done).toBe(true);
  });
});
