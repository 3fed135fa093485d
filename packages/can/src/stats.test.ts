import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../../tests/support/index.js';
import { readLog } from './formats/index.js';
import { fromHex, makeFrame } from './frame.js';
import { collectStats, StatsCollector } from './stats.js';

const SAVVY = fixturePath('can/savvycan_example_candump.log');

describe('StatsCollector', () => {
  it('counts, times and compares payloads per id', () => {
    const c = new StatsCollector();
    const add = (t: number, id: number, hex: string, extended = false) =>
      c.add(makeFrame({ id, extended, data: fromHex(hex), timestamp: t }));
    add(10.0, 0x7e8, '0441 0c1a f8');
    add(10.1, 0x100, '00');
    add(10.2, 0x7e8, '0441 0c1b f8');
    add(10.25, 0x7e8, '0441 0d1c');
    add(10.65, 0x7e8, '0441 0d1c f8 00');
    add(11.0, 0x7e8, '11', true);
    const s = c.result();
    expect(s.frames).toBe(6);
    expect(s.duration).toBeCloseTo(1, 12);
    expect(s.ids.map((i) => [i.id, i.extended, i.count])).toEqual([
      [0x100, false, 1],
      [0x7e8, false, 4],
      [0x7e8, true, 1],
    ]);
    const e8 = s.ids[1];
    expect(e8.dlcs).toEqual([4, 5, 6]);
    // 1a→1b, then 0c→0d and 1b→1c; byte 4 compared only where both frames have it (f8→f8).
    expect(e8.byteChanges).toEqual([0, 0, 1, 2, 0, 0]);
    expect(e8.changingBytes).toEqual([2, 3]);
    expect(e8.period!.mean).toBeCloseTo(0.65 / 3, 12);
    expect(e8.period!.min).toBeCloseTo(0.05, 12);
    expect(e8.period!.max).toBeCloseTo(0.4, 12);
    expect(e8.lastData).toBe('04410d1cf800');
    expect(s.ids[0].period).toBeUndefined();
  });

  it('keeps error frames out of the id table and counts remote frames with their DLC', () => {
    const c = new StatsCollector();
    c.add(makeFrame({ id: 0x40, error: true, data: new Uint8Array(8), timestamp: 1 }));
    c.add(makeFrame({ id: 0x123, remote: true, dlc: 8, timestamp: 2 }));
    c.add(makeFrame({ id: 0x123, data: [1, 2], timestamp: 3 }));
    const s = c.result();
    expect(s.errorFrames).toBe(1);
    expect(s.frames).toBe(3);
    expect(s.ids).toHaveLength(1);
    expect(s.ids[0]).toMatchObject({ id: 0x123, count: 2, remote: 1, dlcs: [2, 8], byteChanges: [0, 0] });
  });

  it('does not keep a reference to a reused buffer', () => {
    const c = new StatsCollector();
    const buf = new Uint8Array([1, 2]);
    c.add({ id: 5, extended: false, data: buf, timestamp: 0 });
    buf[0] = 9;
    c.add({ id: 5, extended: false, data: buf, timestamp: 1 });
    expect(c.result().ids[0].byteChanges).toEqual([1, 0]);
  });

  it('gives an empty result for no frames', async () => {
    const s = await collectStats([]);
    expect(s).toEqual({
      frames: 0,
      errorFrames: 0,
      firstTimestamp: undefined,
      lastTimestamp: undefined,
      duration: 0,
      ids: [],
    });
  });
});

describe('stats of the real SavvyCAN recording', () => {
  it(
    'reads savvycan_example_candump.log completely',
    async () => {
      const s = await collectStats(readLog(SAVVY));
      // Figures from the data README and from awk over the file (independent of this code).
      expect(s.frames).toBe(12974);
      expect(s.ids).toHaveLength(180);
      expect(s.ids.every((i) => !i.extended)).toBe(true);
      expect(s.ids.reduce((n, i) => n + i.count, 0)).toBe(12974);
      expect(s.firstTimestamp).toBe(166);
      expect(s.lastTimestamp).toBe(174);
      const id102 = s.ids.find((i) => i.id === 0x102)!;
      expect(id102).toMatchObject({
        count: 936,
        dlcs: [6],
        byteChanges: [636, 158, 782, 10, 779, 20],
        changingBytes: [0, 1, 2, 3, 4, 5],
        lastData: '0c96d0ffc1ff',
      });
      // Whole-second timestamps: many frames share a second, so the shortest gap is 0.
      expect(id102.period).toEqual({ mean: 8 / 935, min: 0, max: 1 });
      const busiest = [...s.ids].sort((a, b) => b.count - a.count).slice(0, 3);
      expect(busiest.map((i) => [i.id, i.count])).toEqual([
        [0x102, 936],
        [0x116, 934],
        [0x106, 890],
      ]);
    },
  );
});
