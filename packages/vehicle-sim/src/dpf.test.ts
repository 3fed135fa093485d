import { describe, expect, it } from 'vitest';
import { sootBurnGs } from './dpf.js';
import { loadScenario, parseScenario } from './scenario.js';
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

describe('active DPF regeneration (the ECU’s own, while driving)', () => {
  /** A diesel driven from cold: 35 min of town, 12 of motorway, a 5-minute stop, 40 more of motorway. */
  const drive = (faults: string) =>
    parseScenario(
      `name: t\nvehicle: diesel\nseed: 3\ncomplaint: { fr: x, en: x }\ntrue_cause: x\nfaults: [${faults}]\ndrive:\n  - { phase: idle, duration: 2min }\n  - { phase: urban, duration: 35min }\n  - { phase: motorway, duration: 12min }\n  - { phase: idle, duration: 5min }\n  - { phase: motorway, duration: 40min }\n  - { phase: idle }\nsession_start: 0min`,
    );
  interface Sample {
    t: number;
    speed: number;
    exhaustC: number;
    soot: number;
    estimate: number;
    running: boolean;
    requested: boolean;
    completed: number;
    interrupted: number;
  }
  /** The car sampled every 10 s of simulated time for 100 min. */
  function record(faults: string): Sample[] {
    const v = Vehicle.fromScenario(drive(faults), { startMs: 0 });
    const m = v.model;
    const out: Sample[] = [];
    for (let t = 0; t <= 100 * 60; t += 10) {
      v.advance(t * 1000);
      out.push({
        t,
        speed: m.speedKmh,
        exhaustC: m.exhaustTempC,
        soot: m.dpfSootG,
        estimate: m.dpfSootEstimateG,
        running: m.dpfActive.running,
        requested: m.dpfActive.requested,
        completed: m.dpfActive.completed,
        interrupted: m.dpfActive.interrupted,
      });
    }
    return out;
  }
  // A dripping injector loads the filter in town faster than a healthy engine would in hours.
  const LEAK = '{ type: injector_leaking, cylinder: 2, severity: 0.5 }';
  const leaking = record(LEAK);

  it('starts only on a drive that allows it, burns the soot at the regeneration’s temperature, and ends when the estimate is clean', () => {
    const first = leaking.findIndex((s) => s.running);
    expect(first).toBeGreaterThan(0);
    // Asked for in town (the estimate passed its level), started only once the car had been fast
    // for a while: never in town traffic.
    const askedAt = leaking.findIndex((s) => s.requested);
    expect(askedAt).toBeLessThan(first);
    expect(leaking.slice(askedAt, first).some((s) => s.speed < 55)).toBe(true);
    expect(leaking.slice(first - 6, first).every((s) => s.speed >= 55)).toBe(true);
    // The one that completes: from its start to the first sample after it.
    const doneAt = leaking.findIndex((s) => s.completed === 1);
    expect(doneAt).toBeGreaterThan(first);
    let start = doneAt - 1;
    while (leaking[start - 1].running) start--;
    // Post-injection: the exhaust at the regeneration's temperature, far above what the same
    // motorway gives the exhaust without it (below 540 °C a few minutes after).
    const during = leaking.slice(start + 18, doneAt);
    expect(during.length).toBeGreaterThan(30);
    for (const s of during) expect(s.exhaustC).toBeGreaterThan(560);
    expect(leaking[doneAt + 18].speed).toBeGreaterThan(55);
    expect(leaking[doneAt + 18].exhaustC).toBeLessThan(540);
    // The soot burns while it runs, though the leak keeps making it.
    expect(leaking[doneAt].soot).toBeLessThan(0.75 * leaking[start].soot);
    // Over the same minutes the motorway without post-injection loads the filter again.
    expect(leaking[doneAt + 60].soot).toBeGreaterThan(leaking[doneAt].soot + 3);
    // It ended clean in the ECU's eyes: its estimate at the done level.
    expect(leaking[doneAt - 1].estimate).toBeLessThan(leaking[start].estimate / 1.5);
    expect(leaking[doneAt].requested).toBe(false);
  });

  it('a stop interrupts it; the request stays and it starts again on the next fast road', () => {
    const stop = leaking.findIndex((s, i) => i > 0 && s.speed < 3 && leaking[i - 1].running);
    expect(stop).toBeGreaterThan(0);
    const i = leaking.slice(stop).findIndex((s) => !s.running);
    expect(i).toBeLessThanOrEqual(2); // within 10–20 s of standing still
    const stopped = leaking[stop + i];
    expect(stopped.interrupted).toBe(1);
    expect(stopped.completed).toBe(0);
    expect(stopped.requested).toBe(true);
    // Cooling at idle: no post-injection while stood still.
    expect(leaking[stop + 15].speed).toBeLessThan(3);
    expect(leaking[stop + 15].exhaustC).toBeLessThan(320);
    const again = leaking.slice(stop + i).findIndex((s) => s.running);
    expect(again).toBeGreaterThan(0);
    expect(leaking[stop + i + again].speed).toBeGreaterThan(55);
  });

  it('the differential pressure sensor’s offset reads as soot: the estimate runs high and the ECU regenerates a clean filter', () => {
    const healthy = record('');
    const drifted = record('{ type: dp_sensor_drift, severity: 0.5 }');
    // Same car, same drive, same soot: the filter never loads past what a healthy car's does.
    const at25 = 25 * 6;
    expect(Math.abs(drifted[at25].soot - healthy[at25].soot)).toBeLessThan(0.5);
    // With a sensor that reads right, the ECU's estimate follows the filter; with the offset it reads
    // the filter as loaded.
    expect(Math.abs(healthy[at25].estimate - healthy[at25].soot)).toBeLessThan(3);
    expect(drifted[at25].estimate - drifted[at25].soot).toBeGreaterThan(10);
    // So it regenerates although the filter is nearly clean; the healthy car does not.
    expect(healthy.at(-1)!.completed + healthy.at(-1)!.interrupted).toBe(0);
    expect(drifted.at(-1)!.completed).toBeGreaterThanOrEqual(1);
    expect(Math.max(...drifted.map((s) => s.soot))).toBeLessThan(20);
  });
});
