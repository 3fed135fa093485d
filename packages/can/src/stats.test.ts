import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../../tests/support/index.js';
import { frameBatches } from './batch.js';
import { readLog } from './formats/index.js';
import { type Frame, fromHex, makeFrame, toHex } from './frame.js';
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
  it('reads savvycan_example_candump.log completely', async () => {
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
  });
});

/**
 * The definitions, written out the plain way (a map per id, the previous payload kept as a copy):
 * the collector's columns, slots and batches must give the same figures on any frames.
 */
function reference(frames: Frame[]) {
  const byId = new Map<string, { f: Frame[]; previous?: Uint8Array; changes: number[] }>();
  for (const f of frames) {
    if (f.error) continue;
    const key = `${f.extended}:${f.id}`;
    const e = byId.get(key) ?? { f: [], changes: [] };
    byId.set(key, e);
    e.f.push(f);
    if (f.remote) continue;
    while (e.changes.length < f.data.length) e.changes.push(0);
    if (e.previous)
      for (let i = 0; i < Math.min(e.previous.length, f.data.length); i++)
        if (e.previous[i] !== f.data[i]) e.changes[i]++;
    e.previous = f.data;
  }
  return [...byId.values()]
    .sort((a, b) => Number(a.f[0].extended) - Number(b.f[0].extended) || a.f[0].id - b.f[0].id)
    .map(({ f, previous, changes }) => {
      const gaps = f.slice(1).map((x, i) => x.timestamp - f[i].timestamp);
      return {
        id: f[0].id,
        count: f.length,
        remote: f.filter((x) => x.remote).length,
        dlcs: [...new Set(f.map((x) => (x.remote ? (x.dlc ?? 0) : x.data.length)))].sort((a, b) => a - b),
        min: gaps.length ? Math.min(...gaps) : undefined,
        max: gaps.length ? Math.max(...gaps) : undefined,
        byteChanges: changes,
        lastData: previous ? toHex(previous) : '',
      };
    });
}

describe('property: the collector computes the definitions', () => {
  it('on any frames (11/29-bit ids that collide, remote, error and CAN FD frames), one by one or in batches', async () => {
    const frame = fc
      .record({
        id: fc.integer({ min: 0, max: 0x7ff }),
        extended: fc.boolean(),
        kind: fc.constantFrom('data', 'data', 'data', 'remote', 'error', 'fd'),
        bytes: fc.uint8Array({ maxLength: 8 }),
        fdLength: fc.constantFrom(12, 16, 32, 64),
        dlc: fc.integer({ min: 0, max: 8 }),
        dt: fc.integer({ min: 0, max: 5000 }),
      })
      .map((r) => ({ ...r, bytes: r.bytes.map((b) => b & 3) }));
    await fc.assert(
      fc.asyncProperty(
        fc.array(frame, { maxLength: 120 }),
        fc.integer({ min: 1, max: 9 }),
        async (rs, cap) => {
          let t = 100;
          const frames = rs.map((r) => {
            t += r.dt / 1000;
            if (r.kind === 'remote')
              return makeFrame({ id: r.id, extended: r.extended, remote: true, dlc: r.dlc, timestamp: t });
            if (r.kind === 'error') return makeFrame({ id: r.id, error: true, data: r.bytes, timestamp: t });
            if (r.kind === 'fd')
              return makeFrame({
                id: r.id,
                extended: r.extended,
                fd: true,
                data: new Uint8Array(r.fdLength).fill(r.dlc),
                timestamp: t,
              });
            return makeFrame({ id: r.id, extended: r.extended, data: r.bytes, timestamp: t });
          });
          const oneByOne = new StatsCollector();
          for (const f of frames) oneByOne.add(f);
          const batched = new StatsCollector();
          for await (const b of frameBatches(frames, cap)) batched.addBatch(b);
          const want = reference(frames);
          for (const s of [oneByOne.result(), batched.result()]) {
            expect(s.frames).toBe(frames.length);
            expect(s.errorFrames).toBe(frames.filter((f) => f.error).length);
            expect(
              s.ids.map((i) => ({
                id: i.id,
                count: i.count,
                remote: i.remote,
                dlcs: i.dlcs,
                min: i.period?.min,
                max: i.period?.max,
                byteChanges: i.byteChanges,
                lastData: i.lastData,
              })),
            ).toEqual(want);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps thousands of 29-bit ids apart (the id index grows)', () => {
    const c = new StatsCollector();
    for (let i = 0; i < 5000; i++)
      c.add(makeFrame({ id: i * 104729, extended: true, data: [i & 0xff], timestamp: i }));
    c.add(makeFrame({ id: 104729 * 7, extended: true, data: [0xaa], timestamp: 6000 }));
    const s = c.result();
    expect(s.ids).toHaveLength(5000);
    expect(s.ids.find((x) => x.id === 104729 * 7)).toMatchObject({
      count: 2,
      byteChanges: [1],
      lastData: 'aa',
    });
  });
});
