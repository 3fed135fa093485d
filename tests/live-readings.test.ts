import { VirtualClock } from '@atelier/can';
import { liveReading } from '@atelier/diagnosis';
import { ObdClient } from '@atelier/obd';
import { loadScenario, ResponderLink, Vehicle } from '@atelier/vehicle-sim';
import { describe, expect, it } from 'vitest';

// The live-data readings the knowledge base's tests name, measured through the client on simulated
// cars: each must separate the faulty car from a healthy one on the side the test's threshold says.
async function read(scenario: string, reading: string): Promise<number | undefined> {
  const clock = new VirtualClock();
  const link = new ResponderLink(Vehicle.fromScenario(loadScenario(scenario), { startMs: 0 }), { clock });
  try {
    return await clock.run(liveReading(new ObdClient(link), clock, reading));
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

  it('gives nothing for a reading the simulator cannot produce', async () => {
    expect(await read('vacuum-leak', 'trim_idle_minus_load')).toBeUndefined();
  });
});
