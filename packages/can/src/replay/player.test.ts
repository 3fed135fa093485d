import { type Clock, flushMicrotasks, type TimerHandle, VirtualClock } from '@atelier/clock';
import { describe, expect, it } from 'vitest';
import { type Frame, makeFrame } from '../frame.js';
import { VirtualBus } from '../virtual-bus.js';
import { Player, ReplayOptionError, ReplaySourceError } from './player.js';

let channelSeq = 0;

/** A bus pair on a fresh virtual channel; `sent` lists (clock ms, id, data[0]) as the far end saw them. */
function harness(clock: Clock) {
  const name = `replay-${++channelSeq}`;
  const bus = new VirtualBus(name);
  const far = new VirtualBus(name);
  const sent: { t: number; id: number; b0: number | undefined }[] = [];
  far.subscribe((f) => sent.push({ t: clock.now(), id: f.id, b0: f.data[0] }));
  return { bus, sent };
}

/** Frames at the given offsets (s) from 1641469561.5, data[0] = index. */
function framesAt(offsets: number[], id = 0x100): Frame[] {
  return offsets.map((o, i) => makeFrame({ id, data: [i], timestamp: 1641469561.5 + o }));
}

/** Clock times compared to a nanosecond: schedules are computed in floating-point ms. */
function expectTimes(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  for (const [i, t] of actual.entries()) expect(t, `frame ${i}`).toBeCloseTo(expected[i], 6);
}

const tenthSeconds = Array.from({ length: 10 }, (_, i) => i / 10);

describe('Player timing', () => {
  it('sends frames with their recorded spacing, measured from the first frame', async () => {
    const clock = new VirtualClock(1000);
    const { bus, sent } = harness(clock);
    const player = new Player(bus, framesAt([0, 0.01, 0.05, 1, 1.000001]), { clock });
    const report = await clock.run(player.play());
    expectTimes(
      sent.map((s) => s.t - 1000),
      [0, 10, 50, 1000, 1000.001],
    );
    expect(report).toMatchObject({ state: 'finished', sent: 5, passes: 1 });
    expect(report.timing.count).toBe(5);
    expect(report.timing.maxMs).toBeLessThan(1e-6);
    expect(report.elapsedMs).toBeCloseTo(1000.001, 6);
    expect(report.position).toBeCloseTo(1.000001, 6);
  });

  it.each([
    [2, [0, 5, 25, 500]],
    [0.5, [0, 20, 100, 2000]],
    [0.1, [0, 100, 500, 10000]],
    [1000, [0, 0.01, 0.05, 1]],
  ])('scales time by the speed factor %s', async (speed, expected) => {
    const clock = new VirtualClock();
    const { bus, sent } = harness(clock);
    await clock.run(new Player(bus, framesAt([0, 0.01, 0.05, 1]), { clock, speed }).play());
    expectTimes(
      sent.map((s) => s.t),
      expected,
    );
  });

  it.each([0.05, 1001, Number.NaN, 0])('refuses speed %s with ReplayOptionError', (speed) => {
    const clock = new VirtualClock();
    expect(() => new Player(harness(clock).bus, [], { clock, speed })).toThrow(ReplayOptionError);
  });

  it('refuses a negative start, an end before start and a fractional loop count', () => {
    const bus = new VirtualBus('replay-options');
    expect(() => new Player(bus, [], { start: -1 })).toThrow(/'start'/);
    expect(() => new Player(bus, [], { start: 2, end: 1 })).toThrow(/'end'/);
    expect(() => new Player(bus, [], { loop: 1.5 })).toThrow(/'loop'/);
  });

  it('sends everything at once at maximum speed, without timing measurements', async () => {
    const clock = new VirtualClock();
    const { bus, sent } = harness(clock);
    const frames = framesAt(Array.from({ length: 1000 }, (_, i) => i * 0.5));
    const report = await new Player(bus, frames, { clock, maxSpeed: true, yieldEvery: 100 }).play();
    expect(sent).toHaveLength(1000);
    expect(sent.every((s) => s.t === 0)).toBe(true);
    expect(report.timing.count).toBe(0);
  });

  it('waits the last spinMs before a frame by polling the clock rather than with a timer', async () => {
    const clock = new VirtualClock();
    const { bus, sent } = harness(clock);
    const done = new Player(bus, framesAt([0, 0.1]), { clock, spinMs: 5 }).play();
    await clock.advance(94);
    expect(clock.pending).toBe(1);
    await clock.advance(1);
    // The timer fired 5 ms early; the player now polls, with no timer left.
    expect(clock.pending).toBe(0);
    expect(sent).toHaveLength(1);
    await clock.advance(4.5);
    await flushMicrotasks();
    expect(sent).toHaveLength(1);
    await clock.advance(0.5);
    await flushMicrotasks();
    expect(sent).toHaveLength(2);
    expect(sent[1].t).toBe(100);
    await done;
  });

  it('reports lateness against the schedule when the clock fires late', async () => {
    // A clock whose timers fire 3 ms late, like a loaded machine.
    const inner = new VirtualClock();
    const lagging: Clock = {
      now: () => inner.now(),
      setTimeout: (fn, ms): TimerHandle => inner.setTimeout(fn, ms + 3),
      clearTimeout: (h) => inner.clearTimeout(h),
      sleep: (ms) => inner.sleep(ms + 3),
    };
    const { bus, sent } = harness(inner);
    const report = await inner.run(
      new Player(bus, framesAt([0, 0.1, 0.2, 0.3, 0.4]), { clock: lagging }).play(),
    );
    // Lateness does not accumulate: each frame is scheduled from the anchor, not from the previous one.
    expectTimes(
      sent.map((s) => s.t),
      [0, 103, 203, 303, 403],
    );
    expect(report.timing.count).toBe(5);
    expect(report.timing.meanMs).toBeCloseTo(12 / 5, 9);
    expect(report.timing.maxMs).toBe(3);
    expect(report.timing.lateOver1ms).toBe(4);
  });
});

describe('Player selection', () => {
  it('plays only between the start and end offsets, starting at once', async () => {
    const clock = new VirtualClock();
    const { bus, sent } = harness(clock);
    await clock.run(new Player(bus, framesAt(tenthSeconds), { clock, start: 0.25, end: 0.6 }).play());
    expect(sent.map((s) => s.b0)).toEqual([3, 4, 5, 6]);
    expectTimes(
      sent.map((s) => s.t),
      [0, 100, 200, 300],
    );
  });

  it('sends only frames passing the id filters, keeping the others’ time', async () => {
    const clock = new VirtualClock();
    const { bus, sent } = harness(clock);
    const frames = [
      makeFrame({ id: 0x7df, data: [0], timestamp: 10 }),
      makeFrame({ id: 0x100, data: [1], timestamp: 10.1 }),
      makeFrame({ id: 0x7e8, data: [2], timestamp: 10.2 }),
      makeFrame({ id: 0x7e8, extended: true, data: [3], timestamp: 10.3 }),
    ];
    const filters = [
      { id: 0x7df, mask: 0x7ff, extended: false },
      { id: 0x7e8, mask: 0x7ff, extended: false },
    ];
    const report = await clock.run(new Player(bus, frames, { clock, filters }).play());
    expect(sent.map((s) => [s.id, s.t])).toEqual([
      [0x7df, 0],
      [0x7e8, 200],
    ]);
    expect(report.filtered).toBe(2);
  });

  it('skips error frames by default and sends them when asked', async () => {
    const clock = new VirtualClock();
    const frames = [
      makeFrame({ id: 0x100, data: [0], timestamp: 1 }),
      makeFrame({ id: 0x40, error: true, data: new Uint8Array(8), timestamp: 1.1 }),
      makeFrame({ id: 0x101, data: [2], timestamp: 1.2 }),
    ];
    const a = harness(clock);
    const skipped = await clock.run(new Player(a.bus, frames, { clock }).play());
    expect(a.sent.map((s) => s.id)).toEqual([0x100, 0x101]);
    expect(skipped.skippedErrorFrames).toBe(1);
    const b = harness(clock);
    await clock.run(new Player(b.bus, frames, { clock, errorFrames: 'send' }).play());
    expect(b.sent.map((s) => s.id)).toEqual([0x100, 0x40, 0x101]);
  });
});

describe('Player loop', () => {
  it('plays a given number of passes back to back', async () => {
    const clock = new VirtualClock();
    const { bus, sent } = harness(clock);
    const report = await clock.run(new Player(bus, framesAt([0, 0.1, 0.2]), { clock, loop: 3 }).play());
    expect(sent.map((s) => s.b0)).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2]);
    expectTimes(
      sent.map((s) => s.t),
      [0, 100, 200, 200, 300, 400, 400, 500, 600],
    );
    expect(report.passes).toBe(3);
  });

  it('loops forever until stopped, reopening a factory each pass', async () => {
    const clock = new VirtualClock();
    const { bus, sent } = harness(clock);
    let opened = 0;
    const player = new Player(
      bus,
      () => {
        opened++;
        return framesAt([0, 0.1, 0.2]);
      },
      { clock, loop: true },
    );
    const done = player.play();
    await clock.advance(1000);
    player.stop();
    const report = await done;
    expect(report.state).toBe('stopped');
    // Passes of 200 ms: frames at 0,100,200 | 200,300,400 | … up to 1000.
    expect(sent.length).toBe(3 * 5 + 1);
    expect(opened).toBe(6);
  });

  it('refuses to loop over a one-shot generator with ReplaySourceError', async () => {
    const clock = new VirtualClock();
    const { bus } = harness(clock);
    function* once() {
      yield* framesAt([0, 0.1]);
    }
    const player = new Player(bus, once(), { clock, loop: 2 });
    await expect(clock.run(player.play())).rejects.toBeInstanceOf(ReplaySourceError);
  });

  it('stops instead of spinning when a looped source yields nothing playable', async () => {
    const clock = new VirtualClock();
    const { bus } = harness(clock);
    const report = await clock.run(
      new Player(bus, framesAt([0, 0.1]), { clock, loop: true, start: 5 }).play(),
    );
    expect(report.sent).toBe(0);
    expect(report.state).toBe('finished');
  });
});

describe('Player pause, resume, seek, stop', () => {
  it('pauses between frames and resumes keeping the remaining gap', async () => {
    const clock = new VirtualClock();
    const { bus, sent } = harness(clock);
    const player = new Player(bus, framesAt(tenthSeconds), { clock });
    const done = player.play();
    await clock.advance(250);
    expect(sent.map((s) => s.b0)).toEqual([0, 1, 2]);
    player.pause();
    expect(player.state).toBe('paused');
    await clock.advance(1000);
    expect(sent).toHaveLength(3);
    player.resume();
    await clock.run(done);
    // Frame 3 was due 50 ms after the pause began; it goes 50 ms after the resume (t = 1250).
    expectTimes(
      sent.slice(3).map((s) => s.t),
      [1300, 1400, 1500, 1600, 1700, 1800, 1900],
    );
    const report = await done;
    expect(report.sent).toBe(10);
    expect(report.timing.maxMs).toBe(0);
  });

  it('seeks forward within the stream and continues at once from there', async () => {
    const clock = new VirtualClock();
    const { bus, sent } = harness(clock);
    let opened = 0;
    const player = new Player(
      bus,
      () => {
        opened++;
        return framesAt(tenthSeconds);
      },
      { clock },
    );
    const done = player.play();
    await clock.advance(150);
    player.seek(0.55);
    await clock.run(done);
    expect(sent.map((s) => s.b0)).toEqual([0, 1, 6, 7, 8, 9]);
    expectTimes(
      sent.map((s) => s.t),
      [0, 100, 150, 250, 350, 450],
    );
    expect(opened).toBe(1);
  });

  it('seeks backwards by reopening the source', async () => {
    const clock = new VirtualClock();
    const { bus, sent } = harness(clock);
    const player = new Player(bus, framesAt(tenthSeconds), { clock });
    const done = player.play();
    await clock.advance(450);
    player.seek(0.1);
    await clock.run(done);
    expect(sent.map((s) => s.b0)).toEqual([0, 1, 2, 3, 4, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(sent[5].t).toBe(450);
    expect(sent.at(-1)!.t).toBe(450 + 800);
  });

  it('seeks while paused and stays paused', async () => {
    const clock = new VirtualClock();
    const { bus, sent } = harness(clock);
    const player = new Player(bus, framesAt(tenthSeconds), { clock });
    const done = player.play();
    await clock.advance(50);
    player.pause();
    player.seek(0.8);
    await clock.advance(500);
    expect(sent.map((s) => s.b0)).toEqual([0]);
    player.resume();
    await clock.run(done);
    expect(sent.map((s) => [s.b0, s.t])).toEqual([
      [0, 0],
      [8, 550],
      [9, 650],
    ]);
  });

  it('cannot seek back over a one-shot generator', async () => {
    const clock = new VirtualClock();
    const { bus } = harness(clock);
    const gen = (function* () {
      yield* framesAt(tenthSeconds);
    })();
    const player = new Player(bus, gen, { clock });
    const done = player.play();
    await clock.advance(350);
    player.seek(0);
    await expect(clock.run(done)).rejects.toThrow(/read only once/);
  });

  it('changes speed mid-play from the current position', async () => {
    const clock = new VirtualClock();
    const { bus, sent } = harness(clock);
    const player = new Player(bus, framesAt(tenthSeconds), { clock });
    const done = player.play();
    await clock.advance(250);
    player.setSpeed(10);
    await clock.run(done);
    // At 250 ms the log is at 0.25 s; frame 3 (0.3 s) is 50 ms of log away, 5 ms at 10×.
    expectTimes(
      sent.slice(3).map((s) => s.t),
      [255, 265, 275, 285, 295, 305, 315],
    );
  });

  it('stops on an abort signal', async () => {
    const clock = new VirtualClock();
    const { bus, sent } = harness(clock);
    const controller = new AbortController();
    const done = new Player(bus, framesAt(tenthSeconds), { clock, signal: controller.signal }).play();
    await clock.advance(320);
    controller.abort();
    const report = await done;
    expect(report.state).toBe('stopped');
    expect(sent).toHaveLength(4);
    await clock.advance(10_000);
    expect(sent).toHaveLength(4);
  });

  it('streams: reads only one frame ahead of what it sent', async () => {
    const clock = new VirtualClock();
    const { bus, sent } = harness(clock);
    let pulled = 0;
    let closed = false;
    async function* endless() {
      try {
        for (let i = 0; ; i++) {
          pulled++;
          yield makeFrame({ id: 0x200, data: [i & 0xff], timestamp: i * 0.01 });
        }
      } finally {
        closed = true;
      }
    }
    const player = new Player(bus, endless(), { clock });
    const done = player.play();
    await clock.advance(5_000);
    expect(sent).toHaveLength(501);
    expect(pulled).toBe(502);
    player.stop();
    await done;
    // The source is closed (file handles released) when the replay ends.
    expect(closed).toBe(true);
  });

  it('propagates a bus error (closed bus) from play()', async () => {
    const clock = new VirtualClock();
    const { bus } = harness(clock);
    const player = new Player(bus, framesAt(tenthSeconds), { clock });
    const done = player.play();
    await clock.advance(150);
    await bus.close();
    await expect(clock.run(done)).rejects.toThrow(/closed/);
    expect(player.state).toBe('stopped');
  });
});
