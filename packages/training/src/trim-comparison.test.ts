import { VirtualClock } from '@atelier/clock';
import {
  compareTrimsAtIdleAndLoad,
  EngineControlError,
  type EngineControls,
  liveReading,
  loadKnowledgeBase,
  type TrimComparison,
} from '@atelier/diagnosis';
import { ObdClient } from '@atelier/obd';
import { loadScenario, ResponderLink, type Scenario, Vehicle } from '@atelier/vehicle-sim';
import { describe, expect, it } from 'vitest';
import { simulatedEngineControls } from './sim-apprentice.js';

/** A simulated car from the start of its session, a scan tool on it, and the technician's hands. */
function bay(scenario: Scenario) {
  const clock = new VirtualClock();
  const vehicle = Vehicle.fromScenario(scenario, { startMs: 0 });
  const obd = new ObdClient(new ResponderLink(vehicle, { clock }));
  return { clock, vehicle, obd, controls: simulatedEngineControls(vehicle, clock) };
}

function variant(name: string, seed: number, severity: 'as-written' | 'full'): Scenario {
  const s = loadScenario(name);
  return {
    ...s,
    seed,
    faults: s.faults.map((f) => ({ ...f, severity: severity === 'full' ? 1 : f.severity })),
  };
}

const test = loadKnowledgeBase().tests.get('read_fuel_trims_idle_2500')!;
const BAD_ABOVE = test.measure[0]?.good?.below ?? Number.NaN;

describe('fuel trims at idle and at 2,500 rpm on the simulated car', () => {
  it('the knowledge base judges the reading by a threshold', () => {
    expect(test.measure[0]).toMatchObject({ live: 'trim_idle_minus_load', good: { below: 8 } });
    expect(BAD_ABOVE).toBe(8);
  });

  it('separates unmetered air from a flow shortfall and a healthy engine, on every seed and severity', async () => {
    // A vacuum leak is a fixed mass of air: large beside the idle airflow, diluted at 2,500 rpm.
    // A contaminated MAF under-reads more as the flow grows, a clogged injector starves a cylinder
    // by the same fraction at every load: neither trims less at load than at idle.
    const cases = [
      { scenario: 'vacuum-leak', bad: true },
      { scenario: 'vacuum-leak-v6', bad: true },
      { scenario: 'maf-contaminated', bad: false },
      { scenario: 'injector-clogged', bad: false },
      { scenario: 'healthy-petrol', bad: false },
    ];
    const rows: (TrimComparison & { scenario: string; seed: number; severity: string })[] = [];
    for (const c of cases) {
      for (const severity of ['as-written', 'full'] as const) {
        for (const seed of [1, 2, 3]) {
          const { clock, obd, controls } = bay(variant(c.scenario, seed, severity));
          const r = await clock.run(compareTrimsAtIdleAndLoad(obd, clock, controls));
          expect(r, `${c.scenario} seed ${seed} ${severity}`).toBeDefined();
          rows.push({ ...r!, scenario: c.scenario, seed, severity });
          expect(r!.differencePct > BAD_ABOVE, `${c.scenario} seed ${seed} ${severity}`).toBe(c.bad);
        }
      }
    }
    const fmt = (x: number) => x.toFixed(1).padStart(6);
    console.log(
      `total trim (STFT+LTFT bank 1, %), bad above ${BAD_ABOVE}:\n` +
        'scenario          severity   seed   idle   load   diff\n' +
        rows
          .map(
            (r) =>
              `${r.scenario.padEnd(17)} ${r.severity.padEnd(10)} ${String(r.seed).padStart(4)} ` +
              `${fmt(r.idlePct)} ${fmt(r.loadPct)} ${fmt(r.differencePct)}`,
          )
          .join('\n'),
    );
    const bad = rows.filter((r) => r.scenario.startsWith('vacuum-leak'));
    const good = rows.filter((r) => !r.scenario.startsWith('vacuum-leak'));
    console.log(
      `margins: lowest vacuum-leak difference ${Math.min(...bad.map((r) => r.differencePct)).toFixed(1)}, ` +
        `highest other ${Math.max(...good.map((r) => r.differencePct)).toFixed(1)}`,
    );
  }, 120_000);

  it('leaves the engine at idle afterwards', async () => {
    const { clock, obd, controls } = bay(loadScenario('vacuum-leak'));
    await clock.run(compareTrimsAtIdleAndLoad(obd, clock, controls));
    await clock.advance(3000);
    const [rpm] = await clock.run(obd.readPid(0x0c));
    expect(Math.abs((rpm.value as number) - 780)).toBeLessThan(60);
  });

  it('says nothing without hands on the car', async () => {
    const { clock, obd } = bay(loadScenario('vacuum-leak'));
    expect(await clock.run(liveReading(obd, clock, 'trim_idle_minus_load'))).toBeUndefined();
  });

  it('says nothing when the engine speed never reaches the hold, and still releases the throttle', async () => {
    const { clock, obd } = bay(loadScenario('vacuum-leak'));
    const calls: string[] = [];
    const deadPedal: EngineControls = {
      holdRpm: async (rpm) => {
        calls.push(`hold ${rpm}`);
      },
      idle: async () => {
        calls.push('idle');
      },
    };
    const started = clock.now();
    expect(await clock.run(compareTrimsAtIdleAndLoad(obd, clock, deadPedal))).toBeUndefined();
    expect(calls).toEqual(['hold 2500', 'idle']);
    // Ten seconds at idle, then the fifteen-second wait for the speed.
    expect(clock.now() - started).toBeGreaterThanOrEqual(25_000);
  });

  it('says nothing on a car whose engine speed cannot be held (hybrid), leaving it as it was', async () => {
    const { clock, obd, controls, vehicle } = bay(loadScenario('healthy-hybrid'));
    await expect(controls.holdRpm(2500)).rejects.toBeInstanceOf(EngineControlError);
    expect(await clock.run(liveReading(obd, clock, 'trim_idle_minus_load', controls))).toBeUndefined();
    expect(vehicle.model.schedule.at(vehicle.simTime(clock.now())).phase.phase).toBe('idle');
  });
});
