import { VirtualClock } from '@atelier/clock';
import { NoResponseError, ObdClient } from '@atelier/obd';
import { describe, expect, it } from 'vitest';
import { type Operation, OperationError, type OperationRefusal } from './operate.js';
import { ResponderLink } from './responder-link.js';
import { loadScenario, parseScenario, type Scenario } from './scenario.js';
import { Vehicle } from './vehicle.js';

/**
 * A car in a workshop bay: a scan tool on ObdClient over a ResponderLink in virtual time, and the
 * technician acting on the car at the clock's time.
 */
class Bay {
  readonly clock = new VirtualClock();
  readonly vehicle: Vehicle;
  readonly obd: ObdClient;

  constructor(scenario: Scenario) {
    this.vehicle = Vehicle.fromScenario(scenario, { startMs: 0 });
    this.obd = new ObdClient(new ResponderLink(this.vehicle, { clock: this.clock }));
  }

  operate(op: Operation): void {
    this.vehicle.operate(this.clock.now(), op);
  }

  async wait(seconds: number): Promise<void> {
    await this.clock.advance(seconds * 1000);
  }

  async pid(pid: number): Promise<number> {
    const [r] = await this.clock.run(this.obd.readPid(pid));
    if (typeof r?.value !== 'number') throw new Error(`no numeric reading of PID ${pid.toString(16)}`);
    return r.value;
  }

  rpm(): Promise<number> {
    return this.pid(0x0c);
  }

  /** Engine speed every `periodS` for `seconds`. */
  async rpmSamples(seconds: number, periodS = 0.5): Promise<number[]> {
    const out: number[] = [];
    for (let i = 0; i < seconds / periodS; i++) {
      out.push(await this.rpm());
      await this.wait(periodS);
    }
    return out;
  }
}

const IDLE_PETROL = 780;

function refusal(bay: Bay, op: Operation): OperationRefusal {
  try {
    bay.operate(op);
  } catch (err) {
    if (err instanceof OperationError) return err.code;
    throw err;
  }
  throw new Error(`expected ${op.action} to be refused`);
}

describe('operating the car during a session', () => {
  it('holds the engine at the asked speed, climbing to it, then falls back to idle', async () => {
    const bay = new Bay(loadScenario('healthy-petrol'));
    expect(Math.abs((await bay.rpm()) - IDLE_PETROL)).toBeLessThan(60);
    bay.operate({ action: 'hold', rpm: 2500 });
    await bay.wait(0.3);
    const climbing = await bay.rpm();
    expect(climbing).toBeGreaterThan(1000);
    expect(climbing).toBeLessThan(2300);
    await bay.wait(3);
    for (const r of await bay.rpmSamples(60)) expect(Math.abs(r - 2500)).toBeLessThan(100);

    bay.operate({ action: 'idle' });
    await bay.wait(0.3);
    expect(await bay.rpm()).toBeGreaterThan(1200);
    await bay.wait(3);
    for (const r of await bay.rpmSamples(20)) expect(Math.abs(r - IDLE_PETROL)).toBeLessThan(60);
  });

  it('holds a diesel too', async () => {
    const bay = new Bay(loadScenario('dpf-clogged'));
    bay.operate({ action: 'hold', rpm: 2000 });
    await bay.wait(4);
    for (const r of await bay.rpmSamples(10)) expect(Math.abs(r - 2000)).toBeLessThan(100);
  });

  it('key off silences every ECU; key on wakes them with the engine stopped; start brings it to idle', async () => {
    const bay = new Bay(loadScenario('healthy-petrol'));
    bay.operate({ action: 'key_off' });
    await bay.wait(1);
    await expect(bay.clock.run(bay.obd.readPid(0x0c))).rejects.toBeInstanceOf(NoResponseError);
    await expect(bay.clock.run(bay.obd.readDtcs('stored'))).rejects.toBeInstanceOf(NoResponseError);

    bay.operate({ action: 'key_on' });
    await bay.wait(1);
    expect(await bay.rpm()).toBe(0);
    const vins = await bay.clock.run(bay.obd.readVin());
    expect(vins.map((v) => v.vin)).toContain(bay.vehicle.vin);

    bay.operate({ action: 'start' });
    await bay.wait(4);
    for (const r of await bay.rpmSamples(5)) expect(Math.abs(r - IDLE_PETROL)).toBeLessThan(60);
  });

  it('stops a running engine with the key left on', async () => {
    const bay = new Bay(loadScenario('healthy-petrol'));
    bay.operate({ action: 'key_on' });
    await bay.wait(1);
    expect(await bay.rpm()).toBe(0);
  });

  it('gives the same answers for the same scenario, seed and operations at the same times', async () => {
    async function session(holdAtS: number): Promise<number[]> {
      const bay = new Bay(loadScenario('vacuum-leak'));
      const out: number[] = [];
      const read = async () => {
        for (const pid of [0x0c, 0x06, 0x07, 0x0b, 0x10]) out.push(await bay.pid(pid));
      };
      await read();
      await bay.wait(holdAtS);
      bay.operate({ action: 'hold', rpm: 2500 });
      for (let i = 0; i < 20; i++) {
        await bay.wait(0.5);
        await read();
      }
      bay.operate({ action: 'idle' });
      await bay.wait(5);
      await read();
      return out;
    }
    const first = await session(5);
    expect(await session(5)).toEqual(first);
    // The operations do move the car: the same hold half a second later gives other readings.
    expect(await session(5.5)).not.toEqual(first);
  });

  it('refuses what the car cannot do, and leaves it as it was', async () => {
    const petrol = new Bay(loadScenario('healthy-petrol'));
    expect(refusal(petrol, { action: 'hold', rpm: 9000 })).toBe('rpm-out-of-range');
    expect(refusal(petrol, { action: 'hold', rpm: 500 })).toBe('rpm-out-of-range');
    expect(refusal(petrol, { action: 'hold', rpm: Number.NaN })).toBe('rpm-out-of-range');
    expect(refusal(petrol, { action: 'start' })).toBe('engine-running');
    await petrol.wait(2);
    expect(Math.abs((await petrol.rpm()) - IDLE_PETROL)).toBeLessThan(60);

    // The car's past is fixed once a request has brought it to a later time.
    await petrol.wait(10);
    await petrol.rpm();
    expect(() => petrol.vehicle.operate(petrol.clock.now() - 5000, { action: 'idle' })).toThrow(
      expect.objectContaining({ code: 'in-the-past' }),
    );

    petrol.operate({ action: 'key_on' });
    expect(refusal(petrol, { action: 'hold', rpm: 2500 })).toBe('engine-stopped');
    expect(refusal(petrol, { action: 'idle' })).toBe('engine-stopped');

    const ev = new Bay(loadScenario('hv-isolation'));
    expect(refusal(ev, { action: 'hold', rpm: 2500 })).toBe('no-engine-speed');
    expect(refusal(new Bay(loadScenario('healthy-hybrid')), { action: 'hold', rpm: 2500 })).toBe(
      'no-engine-speed',
    );

    const driving = new Bay(
      parseScenario(
        'name: t\nvehicle: petrol\nseed: 3\ncomplaint: { fr: x, en: x }\ntrue_cause: x\nfaults: []\n' +
          'drive:\n  - { phase: idle, duration: 1min }\n  - { phase: motorway }\nsession_start: 5min',
      ),
    );
    expect(refusal(driving, { action: 'key_off' })).toBe('moving');
  });

  it('a road test after clearing the codes lets the monitors run again, then the car idles', async () => {
    const bay = new Bay(loadScenario('healthy-petrol'));
    const monitors = async () => {
      const [r] = [...(await bay.clock.run(bay.obd.readiness())).values()];
      return Object.fromEntries(r.monitors.filter((m) => m.supported).map((m) => [m.key, m.complete]));
    };
    await bay.clock.run(bay.obd.clearDtcs('CLEAR-DTCS-AND-FREEZE-FRAMES'));
    // Cleared: the non-continuous monitors have not run since.
    const after = await monitors();
    expect(after.catalyst).toBe(false);
    expect(after.evapSystem).toBe(false);
    await bay.wait(10 * 60);
    expect((await monitors()).catalyst).toBe(false); // idling alone does not run them
    bay.operate({ action: 'road_test', minutes: 20 });
    let waitedS = 0;
    while ((await bay.pid(0x0d)) === 0 && waitedS < 120) {
      await bay.wait(5);
      waitedS += 5;
    }
    expect(await bay.pid(0x0d)).toBeGreaterThan(0); // driving off
    expect(refusal(bay, { action: 'key_off' })).toBe('moving');
    await bay.wait(21 * 60 - waitedS);
    expect(await bay.pid(0x0d)).toBe(0); // back at the workshop, idling
    expect(Math.abs((await bay.rpm()) - IDLE_PETROL)).toBeLessThan(80);
    const done = await monitors();
    expect(Object.values(done).every(Boolean)).toBe(true);

    for (const minutes of [0, -5, Number.NaN, 121])
      expect(refusal(bay, { action: 'road_test', minutes })).toBe('duration-out-of-range');
    bay.operate({ action: 'key_on' });
    expect(refusal(bay, { action: 'road_test', minutes: 20 })).toBe('engine-stopped');
  });

  it('fast-forwards simulated time for a car served in real time, the same car as if the time had passed', async () => {
    const waited = new Bay(loadScenario('vacuum-leak'));
    const skipped = new Bay(loadScenario('vacuum-leak'));
    for (const bay of [waited, skipped]) {
      await bay.rpm();
      bay.operate({ action: 'road_test', minutes: 15 });
    }
    await waited.wait(17 * 60);
    skipped.vehicle.fastForward(skipped.clock.now(), 17 * 60);
    // The clocks differ by 17 minutes, the cars do not.
    expect(skipped.clock.now()).toBeLessThan(waited.clock.now());
    for (const pid of [0x05, 0x06, 0x07, 0x0c, 0x0d, 0x31])
      expect(await skipped.pid(pid), `PID ${pid.toString(16)}`).toBe(await waited.pid(pid));
    expect(skipped.vehicle.model.t).toBeCloseTo(waited.vehicle.model.t, 6);
    expect(() => skipped.vehicle.fastForward(skipped.clock.now(), -1)).toThrow(RangeError);
  });
});
