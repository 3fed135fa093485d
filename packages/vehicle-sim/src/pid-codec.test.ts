import { decodeDtc, decodePid, encodeDtc, PIDS } from '@atelier/obd';
import { describe, expect, it } from 'vitest';
import { dpfBytes, dtcBytes, dtcText, o2Bytes, SCALAR_PIDS } from './pid-codec.js';
import { PROFILE_NAMES, PROFILES } from './profiles.js';
import { Vehicle } from './vehicle.js';

/** A physical value comfortably inside the range of a single-value PID of the obd table. */
function sample(pid: number): number[] {
  const def = PIDS.get(pid)!;
  const f = def.fields[0];
  return [f.min, f.min + (f.max - f.min) * 0.37, f.max].map((v) => Math.round(v / f.scale) * f.scale + 0);
}

describe('the simulator encodes PIDs the way @atelier/obd decodes them (SAE J1979 scaling)', () => {
  it.each(Object.keys(SCALAR_PIDS).map(Number))('PID 0x%s', (pid) => {
    const def = PIDS.get(pid);
    expect(def, `PID ${pid.toString(16)} in the obd table`).toBeDefined();
    const f = def!.fields[0];
    for (const v of sample(pid)) {
      const bytes = SCALAR_PIDS[pid](v);
      expect(bytes.length).toBe(def!.bytes);
      const back = decodePid(pid, bytes);
      const value = typeof back === 'number' ? back : Object.values(back)[0];
      expect(Math.abs(value - v)).toBeLessThanOrEqual(f.scale * 0.51 + 1e-9);
    }
  });

  it('structured PIDs: O2 sensor voltage and trim, DPF delta pressure', () => {
    const o2 = decodePid(0x14, o2Bytes(0.455, 3.1)) as Record<string, number>;
    expect(Object.values(o2)[0]).toBeCloseTo(0.455, 2);
    expect(Object.values(o2)[1]).toBeCloseTo(3.1, 0);
    const dpf = decodePid(0x7a, dpfBytes(-12.34)) as Record<string, number>;
    expect(dpf.deltaPressure).toBeCloseTo(-12.34, 2);
  });

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

  it('DTC codec agrees with the obd package', () => {
    for (const code of ['P0171', 'P0AA6', 'C0035', 'U0101', 'B1318', 'P2463']) {
      expect(dtcBytes(code)).toEqual(encodeDtc(code));
      const [a, b] = dtcBytes(code);
      expect(dtcText(a, b)).toBe(decodeDtc(a, b));
    }
  });
});
