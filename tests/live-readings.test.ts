import { VirtualClock } from '@atelier/clock';
import { liveReading } from '@atelier/diagnosis';
import { ObdClient } from '@atelier/obd';
import { simulatedEngineControls } from '@atelier/training';
import { loadScenario, ResponderLink, Vehicle } from '@atelier/vehicle-sim';
import { describe, expect, it } from 'vitest';

// The live-data readings the knowledge base's tests name, measured through the client on simulated
// cars: each must separate the faulty car from a healthy one on the side the test's threshold says.
async function read(scenario: string, reading: string, { hands = false } = {}): Promise<number | undefined> {
  const clock = new VirtualClock();
  const vehicle = Vehicle.fromScenario(loadScenario(scenario), { startMs: 0 });
  const link = new ResponderLink(vehicle, { clock });
  const controls = hands ? simulatedEngineControls(vehicle, clock) : undefined;
  try {
    return await clock.run(liveReading(new ObdClient(link), clock, reading, controls));
  } finally {
    await link.close();
  }
}

describe('live readings through the client', () => {
  it('running voltage: low with a charging fault, normal on a healthy car', async () => {
    expect(await read('charging-fault', 'running_voltage')).toBeLessThan(13.2);
    expect(await read('healthy-petrol', 'running_voltage')).toBeGreaterThan(13.5);
  });

  it('coolant after warm-up: below 75 °C with the thermostat stuck open, above on a healthy car', async () => {
    expect(await read('thermostat-stuck-open', 'coolant_after_warmup')).toBeLessThan(75);
    expect(await read('healthy-petrol', 'coolant_after_warmup')).toBeGreaterThan(80);
  });

  it('downstream O2 switching ratio: high with a worn catalyst, low with a good one', async () => {
    expect(await read('catalyst-degraded', 'downstream_switch_ratio')).toBeGreaterThan(0.5);
    expect(await read('healthy-petrol', 'downstream_switch_ratio')).toBeLessThan(0.5);
  });

  it('fuel trims at idle minus at 2,500 rpm: high with a vacuum leak, low on a healthy car', async () => {
    expect(await read('vacuum-leak', 'trim_idle_minus_load', { hands: true })).toBeGreaterThan(8);
    expect(await read('healthy-petrol', 'trim_idle_minus_load', { hands: true })).toBeLessThan(8);
  });

  it('gives nothing for a reading that needs hands on the car when nobody holds the engine', async () => {
    expect(await read('vacuum-leak', 'trim_idle_minus_load')).toBeUndefined();
  });
});
