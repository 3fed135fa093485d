import { describe, expect, it } from 'vitest';
import { systemClock, VirtualClock } from './clock.js';

describe('VirtualClock', () => {
  it('fires timers in time order (ties in the order set) and only when advanced to them', async () => {
    const clock = new VirtualClock(100);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b@50'), 50);
    clock.setTimeout(() => fired.push('a@10'), 10);
    clock.setTimeout(() => fired.push('c@50'), 50);
    const cancelled = clock.setTimeout(() => fired.push('never'), 20);
    clock.clearTimeout(cancelled);
    await clock.advance(10);
    expect(fired).toEqual(['a@10']);
    expect(clock.now()).toBe(110);
    await clock.advance(100);
    expect(fired).toEqual(['a@10', 'b@50', 'c@50']);
    expect(clock.now()).toBe(210);
    expect(clock.pending).toBe(0);
  });

  it('lets async code set its next timer between two timers (a loop of sleeps runs to its end)', async () => {
    const clock = new VirtualClock();
    const seen: number[] = [];
    const loop = async () => {
      for (let i = 0; i < 4; i++) {
        seen.push(clock.now());
        await clock.sleep(250);
      }
      return 'done';
    };
    expect(await clock.run(loop())).toBe('done');
    expect(seen).toEqual([0, 250, 500, 750]);
    expect(clock.now()).toBe(1000);
  });

  it('runAll stops at its limit; run gives back a rejection', async () => {
    const clock = new VirtualClock();
    const fired: number[] = [];
    for (const at of [10, 500, 5000]) clock.setTimeout(() => fired.push(at), at);
    await clock.runAll(1000);
    expect(fired).toEqual([10, 500]);
    await expect(
      clock.run(
        clock.sleep(30).then(() => {
          throw new Error('late');
        }),
      ),
    ).rejects.toThrow('late');
  });
});

describe('systemClock', () => {
  it('sleeps in real time and never goes back', async () => {
    const t0 = systemClock.now();
    await systemClock.sleep(5);
    expect(systemClock.now()).toBeGreaterThanOrEqual(t0 + 4);
  });
});
