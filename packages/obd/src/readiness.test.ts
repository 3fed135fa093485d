import { describe, expect, it } from 'vitest';
import { decodeMonitorTests, UASIDS } from './mode06.js';
import { decodeReadiness, encodeReadiness, ReadinessError } from './readiness.js';

describe('readiness (PID 01 / 41)', () => {
  it('decodes a spark-ignition car with the catalyst monitor incomplete (bytes worked by hand)', () => {
    // A = 0x81: MIL on, 1 DTC. B = 0x07: three continuous monitors supported, all complete, spark.
    // C = 0x65: catalyst, EVAP, O2 sensor, O2 heater supported. D = 0x01: catalyst incomplete.
    const r = decodeReadiness([0x81, 0x07, 0x65, 0x01]);
    expect(r.mil).toBe(true);
    expect(r.dtcCount).toBe(1);
    expect(r.ignition).toBe('spark');
    const by = Object.fromEntries(r.monitors.map((m) => [m.key, m]));
    expect(by.misfire).toMatchObject({ continuous: true, supported: true, complete: true });
    expect(by.catalyst).toMatchObject({ supported: true, complete: false });
    expect(by.evapSystem).toMatchObject({ supported: true, complete: true });
    expect(by.oxygenSensor.supported && by.oxygenSensorHeater.supported).toBe(true);
    expect(by.egrVvt.supported).toBe(false);
    expect(by.catalyst.name).toEqual({ fr: 'catalyseur', en: 'catalyst' });
    expect(r.ready).toBe(false);
  });

  it('decodes compression-ignition monitors from bit B3', () => {
    // B = 0x0F: continuous monitors supported + diesel. C = 0xC3: NMHC, NOx/SCR, PM filter, EGR. D = 0x40: PM filter incomplete.
    const r = decodeReadiness([0x00, 0x0f, 0xc3, 0x40]);
    expect(r.ignition).toBe('compression');
    const keys = r.monitors.filter((m) => m.supported).map((m) => m.key);
    expect(keys).toEqual([
      'misfire',
      'fuelSystem',
      'components',
      'nmhcCatalyst',
      'noxScr',
      'pmFilter',
      'egrVvt',
    ]);
    expect(r.monitors.find((m) => m.key === 'pmFilter')?.complete).toBe(false);
  });

  it('round-trips through the encoder and refuses a wrong length', () => {
    for (const bytes of [
      [0x81, 0x07, 0x65, 0x01],
      [0x00, 0x0f, 0xc3, 0x40],
      [0x7f, 0x77, 0xff, 0xff],
    ]) {
      const r = decodeReadiness(bytes);
      const again = decodeReadiness(encodeReadiness(r));
      expect(again).toEqual(r);
    }
    expect(() => decodeReadiness([1, 2, 3])).toThrow(ReadinessError);
  });
});

describe('service 06 records', () => {
  it('scales by UASID, signed ones included, and judges pass/fail', () => {
    // UASID 0x16: 0.1 °C offset −40. Raw 0x0640 = 1600 → 120 °C; limits 0 → −40 °C, 0x0FA0 = 4000 → 360 °C.
    // UASID 0x81: signed raw. 0xFFFE = −2 against −1…1: fails.
    const t = decodeMonitorTests([
      0x21, 0x80, 0x16, 0x06, 0x40, 0x00, 0x00, 0x0f, 0xa0, 0x21, 0x81, 0x81, 0xff, 0xfe, 0xff, 0xff, 0x00,
      0x01,
    ]);
    expect(t[0]).toMatchObject({
      mid: 0x21,
      tid: 0x80,
      unit: '°C',
      value: 120,
      min: -40,
      max: 360,
      passed: true,
    });
    expect(t[0].midName?.en).toBe('catalyst monitor bank 1');
    expect(t[1]).toMatchObject({ value: -2, min: -1, max: 1, passed: false });
    expect(UASIDS.get(0x07)?.unit).toBe('rpm');
    expect(() => decodeMonitorTests([0x21, 0x80])).toThrow(/9 bytes each/);
  });
});
