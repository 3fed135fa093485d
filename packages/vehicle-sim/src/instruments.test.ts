import { describe, expect, it } from 'vitest';
import {
  CATALOGUE,
  type ComponentRef,
  type Measurement,
  MeasurementError,
  type MeasureRequest,
} from './instruments.js';
import { PROFILE_NAMES, type PROFILES } from './profiles.js';
import { parseScenario } from './scenario.js';
import { Vehicle } from './vehicle.js';

/** A car that warmed up at idle for `minutes` and is measured where it stands. */
function car(vehicle: string, faults = '[]', opts: { seed?: number; minutes?: number } = {}): Vehicle {
  const s = parseScenario(
    `name: t\nvehicle: ${vehicle}\nseed: ${opts.seed ?? 5}\ncomplaint: { fr: x, en: x }\ntrue_cause: x\nfaults: ${faults}\ndrive:\n  - { phase: idle, duration: ${opts.minutes ?? 12}min }\n  - { phase: idle }`,
  );
  return Vehicle.fromScenario(s, { startMs: 0 });
}

function read(
  v: Vehicle,
  instrument: string,
  component: ComponentRef,
  quantity: string,
  conditions = {},
): Measurement {
  return v.measure(0, { instrument, component, quantity, conditions } as MeasureRequest);
}
const num = (m: Measurement) => {
  expect(typeof m.value, m.text.en).toBe('number');
  return m.value as number;
};
function refusal(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(MeasurementError);
    return (err as MeasurementError).code;
  }
  throw new Error('expected a MeasurementError');
}

/** A component reference naming the first cylinder, wheel, ECU or sensor of the profile. */
function firstOf(index: string | undefined, id: string, vehicle: Vehicle): ComponentRef {
  const ref = { id } as ComponentRef;
  if (index === 'cylinder') ref.cylinder = 1;
  if (index === 'wheel') ref.wheel = 'fl';
  if (index === 'ecu') ref.ecu = vehicle.profile.ecus[0].role;
  if (index === 'o2_position') ref.position = 'upstream';
  return ref;
}

describe('the instrument catalogue', () => {
  it('every entry of every profile answers a healthy car in each of its operating states', () => {
    let n = 0;
    for (const profile of PROFILE_NAMES) {
      const v = car(profile, '[]', { minutes: 3 });
      for (const entry of v.instruments()) {
        for (const engine of entry.engine) {
          const m = read(v, entry.instrument, firstOf(entry.index, entry.component, v), entry.quantity, {
            engine,
          });
          expect(m.unit).toBe(entry.unit);
          if (entry.kind === 'text')
            expect(entry.values, `${entry.instrument}/${entry.quantity}`).toContain(m.value);
          else
            expect(Number.isFinite(m.value as number) || m.value === 'OL' || /^>/.test(String(m.value))).toBe(
              true,
            );
          expect(m.text.fr).not.toBe(m.text.en);
          n++;
        }
      }
    }
    expect(n).toBeGreaterThan(250);
  });

  it('each profile has only the parts its architecture has', () => {
    const has = (profile: keyof typeof PROFILES, component: string) =>
      car(profile, '[]', { minutes: 1 })
        .instruments()
        .some((e) => e.component === component);
    expect(has('petrol', 'spark_plug')).toBe(true);
    expect(has('diesel', 'spark_plug')).toBe(false);
    expect(has('ev', 'cylinder')).toBe(false);
    expect(has('hybrid', 'alternator')).toBe(false); // 12 V from a DC-DC converter
    expect(has('hybrid', 'dcdc_converter')).toBe(true);
    expect(has('petrol', 'hv_battery')).toBe(false);
    expect(has('diesel', 'dpf')).toBe(true);
    // Every catalogue entry is answered by at least one profile.
    for (const e of CATALOGUE)
      expect(
        PROFILE_NAMES.some((p) =>
          car(p, '[]', { minutes: 1 })
            .instruments()
            .some(
              (x) =>
                x.instrument === e.instrument && x.component === e.component && x.quantity === e.quantity,
            ),
        ),
        `${e.instrument}/${e.component}/${e.quantity}`,
      ).toBe(true);
  });

  it('refuses what cannot be measured with a typed error that says why', () => {
    const petrol = car('petrol', '[]', { minutes: 1 });
    const ev = car('ev', '[]', { minutes: 1 });
    expect(refusal(() => read(ev, 'feeler_gauge', { id: 'spark_plug', cylinder: 1 }, 'gap'))).toBe(
      'not-on-this-vehicle',
    );
    expect(refusal(() => read(petrol, 'multimeter', { id: 'ignition_coil', cylinder: 1 }, 'pressure'))).toBe(
      'not-applicable',
    );
    expect(refusal(() => read(petrol, 'stethoscope', { id: 'intake' }, 'leak'))).toBe('unknown');
    expect(
      refusal(() => read(petrol, 'compression_gauge', { id: 'cylinder', cylinder: 5 }, 'pressure')),
    ).toBe('bad-index');
    expect(
      refusal(() =>
        read(petrol, 'multimeter', { id: 'o2_sensor', position: 'upstream', bank: 2 }, 'heater_resistance'),
      ),
    ).toBe('bad-index');
    expect(
      refusal(() =>
        read(petrol, 'multimeter', { id: 'ignition_coil', cylinder: 1 }, 'resistance_secondary', {
          engine: 'idle',
        }),
      ),
    ).toBe('condition-not-allowed');
    expect(refusal(() => read(ev, 'multimeter', { id: 'battery' }, 'voltage', { engine: 'idle' }))).toBe(
      'condition-not-allowed',
    );
    expect(
      refusal(() => read(petrol, 'ir_thermometer', { id: 'engine' }, 'temperature', { coolantC: -60 })),
    ).toBe('condition-unreachable');
    const err = (() => {
      try {
        read(ev, 'feeler_gauge', { id: 'spark_plug', cylinder: 1 }, 'gap');
      } catch (e) {
        return e as MeasurementError;
      }
    })()!;
    expect(err.message).toMatch(/spark plug/);
    expect(err.request.quantity).toBe('gap');
  });
});

describe('readings', () => {
  it('are reproducible per seed, differ with another seed, and never change what the ECUs report', () => {
    const series = (v: Vehicle) =>
      [1, 2, 3, 4].map(
        (cyl) => read(v, 'compression_gauge', { id: 'cylinder', cylinder: cyl }, 'pressure').value,
      );
    const a = series(car('petrol', '[]', { seed: 9, minutes: 2 }));
    expect(series(car('petrol', '[]', { seed: 9, minutes: 2 }))).toEqual(a);
    expect(series(car('petrol', '[]', { seed: 10, minutes: 2 }))).not.toEqual(a);
    // The same car, measured or not, answers the same PID bytes afterwards.
    const measured = car('petrol', '[]', { seed: 9, minutes: 2 });
    const untouched = car('petrol', '[]', { seed: 9, minutes: 2 });
    for (let k = 0; k < 20; k++)
      read(measured, 'multimeter', { id: 'battery' }, 'voltage', { engine: 'idle' });
    const pid = (v: Vehicle, t: number) =>
      v.respond({
        target: { kind: 'physical', address: 0x7e0 },
        data: Uint8Array.of(0x01, 0x0c, 0x42),
        extended: false,
        nowMs: t,
      });
    expect(pid(measured, 30_000)).toEqual(pid(untouched, 30_000));
  });

  it('state the conditions, the noise and the part temperature with the value', () => {
    const v = car('petrol', '[]', { minutes: 20 });
    const m = read(v, 'multimeter', { id: 'coolant_temp_sensor' }, 'resistance', { coolantC: 20 });
    expect(m.conditions).toMatchObject({ engine: 'off', coolantC: 20, ambientC: 15 });
    expect(m.temperatureC).toBe(20);
    expect(m.noiseSd).toBeGreaterThan(0);
    // Bosch NTC M12: 2.5 kΩ at 20 °C (±5 % part tolerance here).
    expect(num(m)).toBeGreaterThan(2300);
    expect(num(m)).toBeLessThan(2700);
    expect(m.text.fr).toMatch(
      /^résistance de la sonde — sonde de température d'eau : 2[\s\u202f]?\d{3} Ω à 20 °C$/,
    );
    const hot = read(v, 'multimeter', { id: 'coolant_temp_sensor' }, 'resistance', { coolantC: 80 });
    expect(num(hot)).toBeGreaterThan(290);
    expect(num(hot)).toBeLessThan(355);
  });
});

describe('a healthy car reads within the published ranges', () => {
  const petrol = car('petrol');
  const diesel = car('diesel');
  const r = (v: Vehicle, instrument: string, component: ComponentRef, quantity: string, c = {}) =>
    read(v, instrument, component, quantity, c);
  it.each([
    [
      'coil primary (0.4–1 Ω)',
      () => r(petrol, 'multimeter', { id: 'ignition_coil', cylinder: 3 }, 'resistance_primary'),
      0.4,
      1,
    ],
    [
      'coil secondary (6–15 kΩ)',
      () => r(petrol, 'multimeter', { id: 'ignition_coil', cylinder: 3 }, 'resistance_secondary'),
      6,
      15,
    ],
    [
      'petrol compression (10–14 bar)',
      () => r(petrol, 'compression_gauge', { id: 'cylinder', cylinder: 1 }, 'pressure'),
      10,
      14,
    ],
    [
      'diesel compression (25–35 bar)',
      () => r(diesel, 'compression_gauge', { id: 'cylinder', cylinder: 1 }, 'pressure'),
      25,
      35,
    ],
    [
      'leak-down (< 10 %)',
      () => r(petrol, 'leakdown_tester', { id: 'cylinder', cylinder: 4 }, 'leak_rate'),
      0,
      10,
    ],
    [
      'MPI rail pressure at idle (3–4 bar)',
      () => r(petrol, 'fuel_pressure_gauge', { id: 'fuel_rail' }, 'pressure'),
      3,
      4,
    ],
    [
      'rail hold 5 min after switch-off (> 2.5 bar)',
      () => r(petrol, 'fuel_pressure_gauge', { id: 'fuel_rail' }, 'hold_pressure'),
      2.5,
      4,
    ],
    [
      'battery at rest, charged (≥ 12.4 V)',
      () => r(petrol, 'battery_tester', { id: 'battery' }, 'open_circuit_voltage'),
      12.4,
      12.9,
    ],
    [
      'load test at half CCA (≥ 9.6 V)',
      () => r(petrol, 'battery_tester', { id: 'battery' }, 'load_voltage'),
      9.6,
      12,
    ],
    [
      'diesel load test at half CCA (≥ 9.6 V)',
      () => r(diesel, 'battery_tester', { id: 'battery' }, 'load_voltage'),
      9.6,
      12,
    ],
    [
      'charging at 2,500 rpm, loads on (13.8–14.8 V)',
      () => r(petrol, 'multimeter', { id: 'battery' }, 'voltage', { engine: 'rpm_2500', loads: 'on' }),
      13.8,
      14.8,
    ],
    [
      'cranking voltage (≥ 9.6 V)',
      () => r(petrol, 'multimeter', { id: 'battery' }, 'voltage', { engine: 'cranking' }),
      9.6,
      12,
    ],
    [
      'charging circuit drop (< 0.2 V)',
      () => r(petrol, 'multimeter', { id: 'charging_circuit' }, 'voltage_drop_positive', { loads: 'on' }),
      0,
      0.2,
    ],
    [
      'CAN bus at the OBD socket (≈ 60 Ω)',
      () => r(petrol, 'multimeter', { id: 'can_bus' }, 'resistance'),
      57,
      63,
    ],
    [
      'O2 lean-to-rich response (< 100 ms)',
      () => r(petrol, 'oscilloscope', { id: 'o2_sensor', position: 'upstream' }, 'response_time'),
      5,
      100,
    ],
    [
      'O2 forced rich (> 0.8 V)',
      () =>
        r(petrol, 'propane_enrichment', { id: 'o2_sensor', position: 'downstream' }, 'voltage_forced_rich'),
      0.8,
      1,
    ],
  ])('%s', (_name, f, lo, hi) => {
    const v = num(f());
    expect(v).toBeGreaterThanOrEqual(lo);
    expect(v).toBeLessThanOrEqual(hi);
  });

  it('a catalyst burns what the engine leaves: outlet hotter than inlet on a good one, not on a dead one', () => {
    const dead = car('petrol', '[{ type: catalyst_degraded, severity: 1 }]');
    const rise = (v: Vehicle) =>
      num(read(v, 'ir_thermometer', { id: 'catalyst' }, 'temperature_outlet')) -
      num(read(v, 'ir_thermometer', { id: 'catalyst' }, 'temperature_inlet'));
    expect(rise(petrol)).toBeGreaterThan(25);
    expect(rise(dead)).toBeLessThan(15);
  });
});

describe('existing faults, measured on the part', () => {
  const at = (faults: string, vehicle = 'petrol') => car(vehicle, faults);
  it('worn plug: gap widens with severity; the plug reads worn', () => {
    const gap = (s: number) =>
      num(
        read(
          at(`[{ type: misfire, cylinder: 2, severity: ${s} }]`),
          'feeler_gauge',
          { id: 'spark_plug', cylinder: 2 },
          'gap',
        ),
      );
    expect(gap(0.3)).toBeGreaterThan(1.05);
    expect(gap(0.9)).toBeGreaterThan(gap(0.3) + 0.3);
    expect(
      read(
        at('[{ type: misfire, cylinder: 2, severity: 0.5 }]'),
        'visual',
        { id: 'spark_plug', cylinder: 2 },
        'condition',
      ).value,
    ).toBe('worn');
    expect(
      read(
        at('[{ type: misfire, cylinder: 2, severity: 0.5 }]'),
        'visual',
        { id: 'spark_plug', cylinder: 1 },
        'condition',
      ).value,
    ).toBe('good');
  });

  it('vacuum leak: the smoke machine finds it where it is', () => {
    const m = read(
      at('[{ type: vacuum_leak, severity: 0.2, part: pcv_hose }]'),
      'smoke_machine',
      { id: 'intake' },
      'leak',
    );
    expect(m.value).toBe('smoke');
    expect(m.location?.id).toBe('pcv_hose');
    expect(read(at('[]'), 'smoke_machine', { id: 'intake' }, 'leak').value).toBe('none');
  });

  it('stuck-open thermostat: the upper hose is warm long before the opening temperature', () => {
    const hose = (faults: string) =>
      num(
        read(at(faults), 'ir_thermometer', { id: 'radiator_hose_upper' }, 'temperature', {
          engine: 'idle',
          coolantC: 60,
        }),
      );
    expect(hose('[]')).toBeLessThan(30);
    expect(hose('[{ type: thermostat_stuck_open, severity: 0.4 }]')).toBeGreaterThan(35);
    expect(hose('[{ type: thermostat_stuck_open, severity: 1 }]')).toBeGreaterThan(
      hose('[{ type: thermostat_stuck_open, severity: 0.4 }]'),
    );
    // A stuck-open thermostat cannot warm the engine to its regulating temperature at idle.
    expect(
      refusal(() =>
        read(
          at('[{ type: thermostat_stuck_open, severity: 1 }]'),
          'ir_thermometer',
          { id: 'engine' },
          'temperature',
          { coolantC: 88 },
        ),
      ),
    ).toBe('condition-unreachable');
  });

  it('open coolant sensor: OL on the ohmmeter, 5 V at the ECU', () => {
    const v = at('[{ type: coolant_sensor_open, severity: 1 }]');
    expect(read(v, 'multimeter', { id: 'coolant_temp_sensor' }, 'resistance').value).toBe('OL');
    expect(num(read(v, 'multimeter', { id: 'coolant_temp_sensor' }, 'signal_voltage'))).toBeGreaterThan(4.9);
  });

  it('slow O2 sensor: response time grows with severity', () => {
    const rt = (s: number) =>
      num(
        read(
          at(`[{ type: o2_sensor_slow, severity: ${s} }]`),
          'oscilloscope',
          { id: 'o2_sensor', position: 'upstream' },
          'response_time',
        ),
      );
    expect(rt(0.2)).toBeGreaterThan(150);
    expect(rt(0.9)).toBeGreaterThan(rt(0.2) * 2);
  });

  it('clogged injector: a small pressure drop on the balance test, a small rpm drop when cut', () => {
    const v = at('[{ type: injector_clogged, cylinder: 3, severity: 0.8 }]');
    const drop = (c: number) =>
      num(read(v, 'injector_balance', { id: 'injector', cylinder: c }, 'pressure_drop'));
    expect(drop(3)).toBeLessThan(0.8 * drop(1));
    expect(num(read(v, 'multimeter', { id: 'injector', cylinder: 3 }, 'resistance'))).toBeGreaterThan(11);
  });

  it('EVAP leaks: cap tester on the cap, smoke at the hose', () => {
    const cap = at('[{ type: evap_large_leak, severity: 0.5 }]');
    expect(num(read(cap, 'evap_cap_tester', { id: 'fuel_cap' }, 'pressure_decay'))).toBeGreaterThan(2);
    expect(num(read(at('[]'), 'evap_cap_tester', { id: 'fuel_cap' }, 'pressure_decay'))).toBeLessThan(0.5);
    const hose = read(
      at('[{ type: evap_small_leak, severity: 0.5 }]'),
      'smoke_machine',
      { id: 'evap_system' },
      'leak',
    );
    expect(hose.location?.id).toBe('evap_hose');
  });

  it('EGR stuck closed: the valve does not follow the scan tool, by severity', () => {
    const pos = (s: number) =>
      num(
        read(
          at(`[{ type: egr_stuck, position: closed, severity: ${s} }]`, 'diesel'),
          'scan_tool_actuation',
          { id: 'egr_valve' },
          'position_feedback',
          { commandPct: 60 },
        ),
      );
    expect(
      num(
        read(at('[]', 'diesel'), 'scan_tool_actuation', { id: 'egr_valve' }, 'position_feedback', {
          commandPct: 60,
        }),
      ),
    ).toBeGreaterThan(57);
    expect(pos(0.4)).toBeLessThan(45);
    expect(pos(1)).toBeLessThan(3);
  });

  it('clogged DPF: the gauge on the filter reads far above a clean one', () => {
    const dp = (f: string) =>
      num(read(at(f, 'diesel'), 'manometer', { id: 'dpf' }, 'differential_pressure', { engine: 'rpm_2500' }));
    expect(dp('[{ type: dpf_clogged, severity: 0.6 }]')).toBeGreaterThan(2 * dp('[]'));
  });

  it('alternator fault: little output at 2,500 rpm; weak battery: fails its load test', () => {
    const out = (f: string) => num(read(at(f), 'clamp_meter', { id: 'alternator' }, 'output_current'));
    expect(out('[]')).toBeGreaterThan(90);
    expect(out('[{ type: charging_fault, severity: 0.5 }]')).toBeLessThan(60);
    const weak = at('[{ type: weak_battery, severity: 0.8 }]');
    expect(num(read(weak, 'battery_tester', { id: 'battery' }, 'load_voltage'))).toBeLessThan(9.6);
    expect(num(read(weak, 'battery_tester', { id: 'battery' }, 'cold_cranking_amps'))).toBeLessThan(
      0.6 * 450,
    );
  });

  it('lost communication (power): no voltage at the ECU connector; the substitute module stays silent', () => {
    const v = at('[{ type: lost_communication, ecu: transmission, severity: 1 }]');
    expect(num(read(v, 'multimeter', { id: 'ecu', ecu: 'transmission' }, 'supply_voltage'))).toBeLessThan(
      0.5,
    );
    expect(read(v, 'known_good_module', { id: 'ecu', ecu: 'transmission' }, 'communicates').value).toBe('no');
    expect(num(read(v, 'multimeter', { id: 'ecu', ecu: 'engine' }, 'supply_voltage'))).toBeGreaterThan(11.5);
  });

  it('HV isolation: the faulty component reads in kΩ, the others above 500 MΩ; lower with severity', () => {
    const ins = (f: string, id: 'ac_compressor' | 'hv_battery') =>
      read(at(f, 'ev'), 'insulation_tester', { id }, 'insulation_resistance').value;
    expect(ins('[{ type: hv_isolation, severity: 0.5, part: hv_battery }]', 'hv_battery')).toBeLessThan(0.2);
    expect(ins('[{ type: hv_isolation, severity: 0.5, part: hv_battery }]', 'ac_compressor')).toSatisfy(
      (x: unknown) => x === '>2000' || (x as number) > 500,
    );
    expect(ins('[{ type: hv_isolation, severity: 0.9 }]', 'ac_compressor')).toBeLessThan(
      ins('[{ type: hv_isolation, severity: 0.3 }]', 'ac_compressor') as number,
    );
  });

  it('wheel-speed sensor: no signal on the scope, supply present', () => {
    const v = at('[{ type: wheel_speed_sensor, wheel: rl, severity: 0.5 }]');
    expect(read(v, 'oscilloscope', { id: 'wheel_speed_sensor', wheel: 'rl' }, 'signal').value).toBe('none');
    expect(read(v, 'oscilloscope', { id: 'wheel_speed_sensor', wheel: 'fl' }, 'signal').value).toBe(
      'regular',
    );
    expect(
      num(read(v, 'multimeter', { id: 'wheel_speed_sensor', wheel: 'rl' }, 'supply_voltage')),
    ).toBeGreaterThan(11);
  });
});
