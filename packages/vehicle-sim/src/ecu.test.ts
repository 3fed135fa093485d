import { decodePid, decodeReadiness } from '@atelier/obd';
import { describe, expect, it } from 'vitest';
import { PROFILE_NAMES, PROFILES } from './profiles.js';
import { Vehicle } from './vehicle.js';

describe('the simulated ECUs answer in the SAE J1979 layout', () => {
  it.each(PROFILE_NAMES)(
    'every PID every ECU of the %s profile serves has the length the table gives',
    async (name) => {
      const v = new Vehicle(PROFILES[name], { drive: [{ phase: 'idle' }], startMs: 0 });
      v.advance(60_000);
      for (const ecu of v.ecuList) {
        for (const pid of ecu.supportedPids) {
          const bytes = ecu.pid(pid)!;
          expect(() => decodePid(pid, bytes), `${ecu.role} PID ${pid.toString(16)}`).not.toThrow();
        }
      }
    },
  );

  it('readiness: the engine of a diesel says compression ignition, the gearbox only its components', () => {
    const v = new Vehicle(PROFILES[PROFILE_NAMES.find((n) => PROFILES[n].engine.kind === 'compression')!], {
      drive: [{ phase: 'idle' }],
      startMs: 0,
    });
    v.advance(1_000);
    const engine = decodeReadiness(v.ecu('engine')!.pid(0x01)!);
    expect(engine.ignition).toBe('compression');
    expect(engine.monitors.filter((m) => m.supported).map((m) => m.key)).toEqual(
      expect.arrayContaining(['misfire', 'fuelSystem', 'components', 'pmFilter', 'egrVvt']),
    );
    const gearbox = v.ecu('transmission');
    if (gearbox) {
      const r = decodeReadiness(gearbox.pid(0x01)!);
      expect(r.monitors.filter((m) => m.supported).map((m) => m.key)).toEqual(['components']);
    }
  });
});
