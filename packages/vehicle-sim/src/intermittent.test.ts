import { VirtualClock } from '@atelier/clock';
import { CLEAR_CONFIRMATION, ObdClient, physical, UdsClient } from '@atelier/obd';
import { describe, expect, it } from 'vitest';
import type { MeasureRequest } from './instruments.js';
import { ResponderLink } from './responder-link.js';
import { loadScenario, parseScenario } from './scenario.js';
import { Vehicle } from './vehicle.js';

/** A car served from simulated time 0 in virtual time, read through the real OBD client. */
function serve(yaml: string) {
  const s = parseScenario(yaml);
  const clock = new VirtualClock();
  const vehicle = Vehicle.fromScenario({ ...s, sessionStart: 0 }, { startMs: 0 });
  const obd = new ObdClient(new ResponderLink(vehicle, { clock }));
  const at = async (minutes: number) => {
    const ms = minutes * 60_000 - clock.now();
    if (ms > 0) await clock.advance(ms);
  };
  const codes = async (kind: 'stored' | 'pending' | 'permanent') =>
    (await clock.run(obd.readDtcs(kind))).flatMap((r) => r.dtcs);
  const mil = async () => {
    const [r] = await clock.run(obd.readPid(0x01, physical(0x7e0)));
    return Boolean((r.value as { mil: boolean | number }).mil);
  };
  return { vehicle, clock, obd, at, codes, mil };
}

describe('intermittent faults', () => {
  it('a coil that fails only when hot: pending, confirmed, then three passing cycles turn the MIL off and the code ages', async () => {
    // Long motorway drives bring the coolant above 80 °C (the coil fails); short town trips after
    // hours parked stay below it (the misfire monitor runs and passes).
    const car = serve(`name: t
vehicle: petrol
seed: 3
complaint: { fr: x, en: x }
true_cause: x
faults: [{ type: ignition_coil, cylinder: 1, severity: 0.3, intermittent: { when: hot } }]
drive:
  - { phase: motorway, duration: 25min }
  - { phase: off, duration: 60min }
  - { phase: motorway, duration: 25min }
  - { phase: off, duration: 4h }
  - { phase: urban, duration: 4min }
  - { phase: off, duration: 4h }
  - { phase: urban, duration: 4min }
  - { phase: off, duration: 4h }
  - { phase: urban, duration: 4min }
  - { phase: key_on }
`);
    // During the first hot drive: pending, not stored, no MIL.
    await car.at(24);
    expect(await car.codes('pending')).toContain('P0301');
    expect(await car.codes('stored')).not.toContain('P0301');
    expect(await car.mil()).toBe(false);
    // Second hot drive: confirmed, MIL, permanent.
    await car.at(25 + 60 + 24);
    expect(await car.codes('stored')).toContain('P0301');
    expect(await car.mil()).toBe(true);
    expect(await car.codes('permanent')).toContain('P0301');
    // The coil measured cold is healthy; hot, it is not (what an apprentice finds on the bench).
    const spark = (coolantC: number) =>
      car.vehicle.measure(car.clock.now(), {
        instrument: 'spark_tester',
        component: { id: 'ignition_coil', cylinder: 1 },
        quantity: 'spark',
        conditions: { engine: 'idle', coolantC },
      } as MeasureRequest).value;
    expect(spark(40)).toBe('strong');
    expect(spark(85)).not.toBe('strong');
    // Three cool town trips: the monitor passes each time; after the third the MIL goes off and the
    // permanent code is erased, while the stored code stays to age (40 warm-ups).
    const trip = (n: number) => 25 + 60 + 25 + n * (240 + 4);
    await car.at(trip(3) - 1); // during the third trip: two passing cycles so far
    expect(await car.mil()).toBe(true);
    await car.at(trip(3) + 1);
    expect(await car.mil()).toBe(false);
    expect(await car.codes('stored')).toContain('P0301');
    expect(await car.codes('permanent')).not.toContain('P0301');
    expect(await car.codes('pending')).not.toContain('P0301');
  });

  it('random episodes (seeded): the ABS code is confirmed from an earlier drive, not failed this cycle', async () => {
    const s = loadScenario('intermittent-wheel-sensor');
    const clock = new VirtualClock();
    const vehicle = Vehicle.fromScenario(s, { startMs: 0 });
    const abs = new UdsClient(new ResponderLink(vehicle, { clock }), physical(0x760), { clock });
    const { dtcs } = await clock.run(abs.readDtcsByStatus(0xff));
    const c = dtcs.find((d) => d.code === 'C0045');
    expect(c).toBeDefined();
    // Confirmed in an earlier drive; not failed in this operation cycle (the car stands in the
    // workshop, the test has not run since it was started).
    expect(c!.status?.confirmedDTC).toBe(true);
    expect(c!.status?.testFailedThisOperationCycle).toBe(false);
    expect(c!.status?.testNotCompletedThisOperationCycle).toBe(true);
    // Same seed, same episodes: the same memory.
    const again = Vehicle.fromScenario(s, { startMs: 0 });
    const abs2 = new UdsClient(new ResponderLink(again, { clock }), physical(0x760), { clock });
    expect((await clock.run(abs2.readDtcsByStatus(0xff))).dtcs).toEqual(dtcs);
  });
});

describe('two faults at once', () => {
  it('each sets its own codes; repairing one leaves the other, which the road test finds again', async () => {
    const s = loadScenario('two-faults-misfire-catalyst');
    const clock = new VirtualClock();
    const vehicle = Vehicle.fromScenario(s, { startMs: 0 });
    const obd = new ObdClient(new ResponderLink(vehicle, { clock }));
    const stored = async () => (await clock.run(obd.readDtcs('stored'))).flatMap((r) => r.dtcs);
    expect(await stored()).toEqual(expect.arrayContaining(['P0304', 'P0420']));
    expect(vehicle.repair(['misfire']).map((f) => f.type)).toEqual(['misfire']);
    await clock.run(obd.clearDtcs(CLEAR_CONFIRMATION));
    vehicle.roadTest(clock.now(), { minutes: 20 });
    await clock.advance(22 * 60_000);
    const after = await stored();
    const pending = (await clock.run(obd.readDtcs('pending'))).flatMap((r) => r.dtcs);
    expect([...after, ...pending]).toContain('P0420');
    expect([...after, ...pending]).not.toContain('P0304');
  });
});
