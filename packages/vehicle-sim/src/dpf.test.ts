import { describe, expect, it } from 'vitest';
import { sootBurnGs } from './dpf.js';
import { loadScenario } from './scenario.js';
import { Tester } from './test-support.js';
import { Vehicle } from './vehicle.js';

const ENGINE = 0x7e0;
const START = [0x31, 0x01, 0xf0, 0x01];
const RESULTS = [0x31, 0x03, 0xf0, 0x01];

/** The diesel whose leaking injector loaded its DPF, the injector replaced: the filter still holds the soot. */
function loadedDiesel() {
  const v = Vehicle.fromScenario(loadScenario('diesel-injector-leak'), { startMs: 0 });
  v.repair(['injector_leaking']);
  const t = new Tester(v);
  t.wait(5);
  return { v, t };
}

/** The results record of routine F001, decoded as a scan tool would (status, reason, soot g, exhaust °C, minutes). */
function decode(r: number[]) {
  expect(r.slice(0, 4)).toEqual([0x71, 0x03, 0xf0, 0x01]);
  return { status: r[4], reason: r[5], sootG: r[6], exhaustC: (r[7] << 8) | r[8], minutes: r[9] };
}

describe('DPF soot burn (physics)', () => {
  it('burns nothing to speak of at town temperatures, slowly on a fast road, fast at a regeneration’s 600 °C', () => {
    const town = sootBurnGs(60, 300, 0);
    const road = sootBurnGs(60, 480, 0);
    const regen = sootBurnGs(60, 600, 0);
    expect(town).toBeLessThan(1e-4);
    expect(road).toBeGreaterThan(20 * town);
    expect(regen).toBeGreaterThan(10 * road);
    // First order: twice the soot burns twice as fast; ash shields it.
    expect(sootBurnGs(120, 600, 0)).toBeCloseTo(2 * regen, 9);
    expect(sootBurnGs(60, 600, 0.5)).toBeCloseTo(regen / 2, 9);
  });
});

describe('forced DPF regeneration (UDS routine 0x31 F001)', () => {
  it('runs at a raised idle and about 600 °C until the filter is clean, then reports done', async () => {
    const { v, t } = loadedDiesel();
    const sootBefore = v.model.dpfSootG;
    expect(sootBefore).toBeGreaterThan(45); // what set P2463
    expect(await t.one([0x10, 0x03], ENGINE)).toEqual([0x50, 0x03, 0x00, 0x32, 0x01, 0xf4]);
    expect(await t.one(START, ENGINE)).toEqual([0x71, 0x01, 0xf0, 0x01, 0x00]);
    let r = { status: 0, reason: 0, sootG: 0, exhaustC: 0, minutes: 0 };
    const rpm: number[] = [];
    for (let minute = 1; minute <= 40 && r.status !== 0x02; minute++) {
      for (let s = 0; s < 15; s++) {
        t.wait(4);
        await t.one([0x3e, 0x00], ENGINE); // tester present keeps the extended session
      }
      r = decode((await t.one(RESULTS, ENGINE))!);
      if (r.status === 0x01 && minute > 3) {
        expect(r.exhaustC).toBeGreaterThan(550);
        rpm.push(await t.pid(0x0c));
      }
    }
    expect(r.status).toBe(0x02); // done
    expect(r.minutes).toBeGreaterThan(8);
    expect(r.minutes).toBeLessThanOrEqual(35);
    expect(r.sootG).toBeLessThanOrEqual(13);
    expect(v.model.dpfSootG).toBeLessThan(sootBefore / 3);
    const meanRpm = rpm.reduce((a, b) => a + b, 0) / rpm.length;
    expect(meanRpm).toBeGreaterThan(1150);
    // Back to a normal idle once done.
    t.wait(60);
    expect(await t.pid(0x0c)).toBeLessThan(1000);
  });

  it('is refused with the engine off, and the results say why', async () => {
    const { v, t } = loadedDiesel();
    v.operate(t.nowMs, { action: 'key_on' });
    t.wait(3);
    await t.one([0x10, 0x03], ENGINE);
    expect(await t.one(START, ENGINE)).toEqual([0x7f, 0x31, 0x22]); // conditions not correct
    const r = decode((await t.one(RESULTS, ENGINE))!);
    expect(r.status).toBe(0x03); // aborted
    expect(r.reason).toBe(0x01); // engine off
  });

  it('is refused on a cold engine, and aborts when the engine stops during it', async () => {
    const { v, t } = loadedDiesel();
    // A night parked: the coolant at ambient, then started.
    v.operate(t.nowMs, { action: 'key_off' });
    t.wait(8 * 3600);
    v.operate(t.nowMs, { action: 'start' });
    t.wait(10);
    await t.one([0x10, 0x03], ENGINE);
    expect(await t.one(START, ENGINE)).toEqual([0x7f, 0x31, 0x22]);
    expect(decode((await t.one(RESULTS, ENGINE))!).reason).toBe(0x02); // coolant cold

    const warm = loadedDiesel();
    await warm.t.one([0x10, 0x03], ENGINE);
    expect(await warm.t.one(START, ENGINE)).toEqual([0x71, 0x01, 0xf0, 0x01, 0x00]);
    warm.t.wait(2);
    expect(decode((await warm.t.one(RESULTS, ENGINE))!).status).toBe(0x01); // running
    warm.v.operate(warm.t.nowMs, { action: 'key_on' });
    warm.t.wait(2);
    await warm.t.one([0x10, 0x03], ENGINE);
    const r = decode((await warm.t.one(RESULTS, ENGINE))!);
    expect([r.status, r.reason]).toEqual([0x03, 0x01]); // aborted, engine off
  });

  it('stops on the tester’s request', async () => {
    const { t } = loadedDiesel();
    await t.one([0x10, 0x03], ENGINE);
    await t.one(START, ENGINE);
    t.wait(2);
    expect(await t.one([0x31, 0x02, 0xf0, 0x01], ENGINE)).toEqual([0x71, 0x02, 0xf0, 0x01]);
    const r = decode((await t.one(RESULTS, ENGINE))!);
    expect([r.status, r.reason]).toEqual([0x03, 0x05]);
  });
});

describe('passive regeneration on a fast road', () => {
  it('a motorway drive burns soot that the same time in town only adds to', () => {
    const soot = (road: 'urban' | 'motorway') => {
      const { v, t } = loadedDiesel();
      const before = v.model.dpfSootG;
      v.roadTest(t.nowMs, { minutes: 40, road });
      v.advance(t.nowMs + 40 * 60_000);
      return v.model.dpfSootG - before;
    };
    expect(soot('urban')).toBeGreaterThan(0);
    expect(soot('motorway')).toBeLessThan(-5);
  });
});
