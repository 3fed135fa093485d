import { VirtualClock } from '@atelier/clock';
import { ObdClient, physical, UdsClient } from '@atelier/obd';
import { describe, expect, it } from 'vitest';
import { FAULT_TYPES, type FaultType } from './faults.js';
import type { ComponentRef, MeasureRequest } from './instruments.js';
import { ResponderLink } from './responder-link.js';
import { parseScenario } from './scenario.js';
import { Vehicle } from './vehicle.js';

/**
 * Severity changes what the car shows, for every fault: each fault at a low and a high severity,
 * judged on what a scan tool or a workshop instrument reads (never on the simulator's fields).
 */

const HISTORY = `
  - { phase: idle, duration: 2min }
  - { phase: urban, duration: 12min }
  - { phase: motorway, duration: 10min }
  - { phase: off, duration: 40min }
  - { phase: urban, duration: 15min }
  - { phase: motorway, duration: 10min }
  - { phase: off, duration: 20min }`;

type Car = { vehicle: Vehicle; clock: VirtualClock; obd: ObdClient };

/** A car with `fault` at `severity`: two drives then the session phase (idle by default), or a short warm idle. */
function car(
  profile: string,
  fault: string,
  severity: number,
  opts: { history?: boolean; session?: string } = {},
): Car {
  const drive = opts.history
    ? `${HISTORY}\n  - { phase: ${opts.session ?? 'idle'} }\nsession_start: 110min`
    : '\n  - { phase: idle, duration: 10min }\n  - { phase: idle }';
  const s = parseScenario(
    `name: t\nvehicle: ${profile}\nseed: 7\ncomplaint: { fr: x, en: x }\ntrue_cause: x\nfaults: [{ ${fault}, severity: ${severity} }]\ndrive:${drive}`,
  );
  const clock = new VirtualClock();
  const vehicle = Vehicle.fromScenario(s, { startMs: 0 });
  return { vehicle, clock, obd: new ObdClient(new ResponderLink(vehicle, { clock })) };
}

const measure = (c: Car, instrument: string, component: ComponentRef, quantity: string, conditions = {}) =>
  c.vehicle.measure(c.clock.now(), { instrument, component, quantity, conditions } as MeasureRequest).value;

/** Stored and pending codes of every ECU, OBD-II and UDS, as a scan tool reads them. */
async function codes(c: Car): Promise<string[]> {
  const out = new Set<string>();
  for (const mode of ['stored', 'pending'] as const)
    for (const r of await c.clock.run(c.obd.readDtcs(mode))) for (const d of r.dtcs) out.add(d);
  for (const e of c.vehicle.ecus()) {
    const uds = new UdsClient(c.obd.link, physical(e.request), { clock: c.clock });
    const read = await c.clock.run(uds.readDtcsByStatus(0xff)).catch(() => ({ dtcs: [] }));
    for (const d of read.dtcs) out.add(d.code);
  }
  return [...out].sort();
}
const pid = async (c: Car, p: number, ecu = 0x7e0) =>
  (await c.clock.run(c.obd.readPid(p, physical(ecu))))[0]?.value as number;

type Reading = number | string | string[];
interface Case {
  profile: string;
  fault: string;
  low: number;
  high: number;
  history?: boolean;
  session?: string;
  read(c: Car): Reading | Promise<Reading>;
  /** How the high-severity reading compares with the low one. */
  expect: 'higher' | 'lower' | 'differs';
}

const C = (x: Case) => x;
const CASES: Record<FaultType, Case> = {
  misfire: C({
    profile: 'petrol',
    fault: 'type: misfire, cylinder: 2',
    low: 0.2,
    high: 0.9,
    read: (c) => measure(c, 'feeler_gauge', { id: 'spark_plug', cylinder: 2 }, 'gap'),
    expect: 'higher',
  }),
  ignition_coil: C({
    profile: 'petrol',
    fault: 'type: ignition_coil, cylinder: 3',
    low: 0.3,
    high: 0.9,
    read: (c) => measure(c, 'spark_tester', { id: 'ignition_coil', cylinder: 3 }, 'spark'),
    expect: 'differs',
  }),
  low_compression: C({
    profile: 'petrol',
    fault: 'type: low_compression, cylinder: 1',
    low: 0.2,
    high: 0.8,
    read: (c) => measure(c, 'compression_gauge', { id: 'cylinder', cylinder: 1 }, 'pressure'),
    expect: 'lower',
  }),
  vacuum_leak: C({
    profile: 'petrol',
    fault: 'type: vacuum_leak',
    low: 0.2,
    high: 0.9,
    history: true,
    read: (c) => pid(c, 0x07),
    expect: 'higher',
  }),
  maf_contaminated: C({
    profile: 'petrol',
    fault: 'type: maf_contaminated',
    low: 0.2,
    high: 0.9,
    read: (c) => measure(c, 'visual', { id: 'maf_sensor' }, 'condition'),
    expect: 'differs',
  }),
  fuel_pressure_low: C({
    profile: 'petrol',
    fault: 'type: fuel_pressure_low',
    low: 0.3,
    high: 0.8,
    read: (c) => measure(c, 'fuel_pressure_gauge', { id: 'fuel_rail' }, 'pressure', { engine: 'rpm_2500' }),
    expect: 'lower',
  }),
  fuel_pressure_high: C({
    profile: 'petrol',
    fault: 'type: fuel_pressure_high',
    low: 0.2,
    high: 0.9,
    read: (c) => measure(c, 'fuel_pressure_gauge', { id: 'fuel_rail' }, 'pressure'),
    expect: 'higher',
  }),
  injector_clogged: C({
    profile: 'petrol',
    fault: 'type: injector_clogged, cylinder: 3',
    low: 0.2,
    high: 0.9,
    read: (c) => measure(c, 'injector_balance', { id: 'injector', cylinder: 3 }, 'pressure_drop'),
    expect: 'lower',
  }),
  injector_leaking: C({
    profile: 'petrol',
    fault: 'type: injector_leaking, cylinder: 2',
    low: 0.2,
    high: 0.9,
    read: (c) => measure(c, 'fuel_pressure_gauge', { id: 'fuel_rail' }, 'hold_pressure'),
    expect: 'lower',
  }),
  thermostat_stuck_open: C({
    profile: 'petrol',
    fault: 'type: thermostat_stuck_open',
    low: 0.2,
    high: 0.9,
    read: (c) => measure(c, 'ir_thermometer', { id: 'radiator_hose_upper' }, 'temperature', { coolantC: 50 }),
    expect: 'higher',
  }),
  coolant_sensor_open: C({
    profile: 'petrol',
    fault: 'type: coolant_sensor_open',
    low: 0.3,
    high: 1,
    history: true,
    read: codes,
    expect: 'differs',
  }),
  coolant_sensor_skewed: C({
    profile: 'petrol',
    fault: 'type: coolant_sensor_skewed',
    low: 0.2,
    high: 0.9,
    read: (c) => pid(c, 0x05),
    expect: 'lower',
  }),
  coolant_low: C({
    profile: 'petrol',
    fault: 'type: coolant_low',
    low: 0.2,
    high: 0.9,
    read: (c) => measure(c, 'visual', { id: 'coolant_reservoir' }, 'level'),
    expect: 'lower',
  }),
  o2_sensor_slow: C({
    profile: 'petrol',
    fault: 'type: o2_sensor_slow',
    low: 0.2,
    high: 0.9,
    read: (c) => measure(c, 'oscilloscope', { id: 'o2_sensor', position: 'upstream' }, 'response_time'),
    expect: 'higher',
  }),
  o2_heater_circuit: C({
    profile: 'petrol',
    fault: 'type: o2_heater_circuit',
    low: 0.1,
    high: 0.8,
    history: true,
    read: codes,
    expect: 'differs',
  }),
  o2_sensor_downstream: C({
    profile: 'petrol',
    fault: 'type: o2_sensor_downstream',
    low: 0.2,
    high: 0.9,
    read: (c) =>
      measure(c, 'propane_enrichment', { id: 'o2_sensor', position: 'downstream' }, 'voltage_forced_rich'),
    expect: 'lower',
  }),
  exhaust_leak: C({
    profile: 'petrol',
    fault: 'type: exhaust_leak',
    low: 0.2,
    high: 0.9,
    history: true,
    read: (c) => pid(c, 0x07),
    expect: 'higher',
  }),
  catalyst_degraded: C({
    profile: 'petrol',
    fault: 'type: catalyst_degraded',
    low: 0.2,
    high: 0.9,
    read: (c) => measure(c, 'ir_thermometer', { id: 'catalyst' }, 'temperature_outlet'),
    expect: 'lower',
  }),
  evap_large_leak: C({
    profile: 'petrol',
    fault: 'type: evap_large_leak',
    low: 0.1,
    high: 0.9,
    read: (c) => measure(c, 'evap_cap_tester', { id: 'fuel_cap' }, 'pressure_decay'),
    expect: 'higher',
  }),
  evap_small_leak: C({
    profile: 'petrol',
    fault: 'type: evap_small_leak',
    low: 0.1,
    high: 0.9,
    history: true,
    read: codes,
    expect: 'differs',
  }),
  canister_cracked: C({
    profile: 'petrol',
    fault: 'type: canister_cracked',
    low: 0.2,
    high: 0.9,
    history: true,
    read: codes,
    expect: 'differs',
  }),
  purge_valve_stuck_open: C({
    profile: 'petrol',
    fault: 'type: purge_valve_stuck_open',
    low: 0.2,
    high: 0.9,
    read: (c) => measure(c, 'vacuum_pump', { id: 'purge_valve' }, 'vacuum_hold'),
    expect: 'lower',
  }),
  egr_stuck: C({
    profile: 'diesel',
    fault: 'type: egr_stuck, position: closed',
    low: 0.2,
    high: 0.9,
    read: (c) => measure(c, 'scan_tool_actuation', { id: 'egr_valve' }, 'position_feedback'),
    expect: 'lower',
  }),
  egr_passage_clogged: C({
    profile: 'diesel',
    fault: 'type: egr_passage_clogged',
    low: 0.2,
    high: 0.9,
    read: (c) => measure(c, 'visual', { id: 'egr_passage' }, 'restriction'),
    expect: 'higher',
  }),
  egr_circuit: C({
    profile: 'diesel',
    fault: 'type: egr_circuit',
    low: 0.2,
    high: 0.9,
    read: (c) => measure(c, 'multimeter', { id: 'egr_circuit' }, 'resistance'),
    expect: 'differs',
  }),
  dpf_clogged: C({
    profile: 'diesel',
    fault: 'type: dpf_clogged',
    low: 0.2,
    high: 0.9,
    read: (c) => measure(c, 'manometer', { id: 'dpf' }, 'differential_pressure', { engine: 'rpm_2500' }),
    expect: 'higher',
  }),
  dp_sensor_drift: C({
    profile: 'diesel',
    fault: 'type: dp_sensor_drift',
    low: 0.2,
    high: 0.9,
    read: (c) => measure(c, 'multimeter', { id: 'dp_sensor' }, 'signal_voltage'),
    expect: 'higher',
  }),
  charging_fault: C({
    profile: 'petrol',
    fault: 'type: charging_fault',
    low: 0.2,
    high: 0.9,
    read: (c) => measure(c, 'clamp_meter', { id: 'alternator' }, 'output_current'),
    expect: 'lower',
  }),
  charging_wiring: C({
    profile: 'petrol',
    fault: 'type: charging_wiring',
    low: 0.2,
    high: 0.9,
    read: (c) =>
      measure(c, 'multimeter', { id: 'charging_circuit' }, 'voltage_drop_positive', { loads: 'on' }),
    expect: 'higher',
  }),
  belt_slipping: C({
    profile: 'petrol',
    fault: 'type: belt_slipping',
    low: 0.2,
    high: 0.9,
    read: (c) => measure(c, 'belt_tension_gauge', { id: 'accessory_belt' }, 'tension'),
    expect: 'lower',
  }),
  dcdc_converter: C({
    profile: 'hybrid',
    fault: 'type: dcdc_converter',
    low: 0.2,
    high: 0.9,
    read: (c) => measure(c, 'multimeter', { id: 'battery' }, 'voltage', { engine: 'ready', loads: 'on' }),
    expect: 'lower',
  }),
  weak_battery: C({
    profile: 'petrol',
    fault: 'type: weak_battery',
    low: 0.2,
    high: 0.9,
    read: (c) => measure(c, 'battery_tester', { id: 'battery' }, 'load_voltage'),
    expect: 'lower',
  }),
  starter_fault: C({
    profile: 'petrol',
    fault: 'type: starter_fault',
    low: 0.3,
    high: 0.9,
    read: (c) => measure(c, 'clamp_meter', { id: 'starter' }, 'cranking_current'),
    expect: 'lower',
  }),
  immobilizer_key: C({
    profile: 'petrol',
    fault: 'type: immobilizer_key',
    low: 0.2,
    high: 1,
    read: (c) =>
      Array.from({ length: 12 }, () => measure(c, 'scan_tool', { id: 'immobilizer' }, 'key_status')).filter(
        (x) => x === 'not recognised',
      ).length,
    expect: 'higher',
  }),
  lost_communication: C({
    profile: 'petrol',
    fault: 'type: lost_communication, ecu: transmission',
    low: 0.3,
    high: 0.9,
    read: (c) => measure(c, 'multimeter', { id: 'ecu', ecu: 'transmission' }, 'supply_voltage'),
    expect: 'lower',
  }),
  can_wiring: C({
    profile: 'petrol',
    fault: 'type: can_wiring, ecu: transmission',
    low: 0.2,
    high: 0.8,
    read: (c) => measure(c, 'multimeter', { id: 'can_branch', ecu: 'transmission' }, 'resistance'),
    expect: 'differs',
  }),
  ecu_internal: C({
    profile: 'petrol',
    fault: 'type: ecu_internal, ecu: transmission',
    low: 0.2,
    high: 0.9,
    read: async (c) => (await c.clock.run(c.obd.readPid(0x0d, physical(0x7e1)).catch(() => []))).length,
    expect: 'lower',
  }),
  hv_isolation: C({
    profile: 'ev',
    fault: 'type: hv_isolation',
    low: 0.2,
    high: 0.9,
    read: (c) => measure(c, 'insulation_tester', { id: 'ac_compressor' }, 'insulation_resistance'),
    expect: 'lower',
  }),
  weak_cell: C({
    profile: 'ev-kona',
    fault: 'type: weak_cell, cell: 37',
    low: 0.2,
    high: 0.9,
    history: true,
    // The BMS's lowest cell (22 01 01, bytes 28–29 of the answer: volts / 0.02, then its number),
    // read as a scan tool reads it after two drives.
    read: async (c) => {
      const bms = new UdsClient(c.obd.link, physical(0x7e4), { clock: c.clock });
      const d = await c.clock.run(bms.request([0x22, 0x01, 0x01]));
      return d[28] * 0.02;
    },
    expect: 'lower',
  }),
  cell_imbalance: C({
    profile: 'ev-kona',
    fault: 'type: cell_imbalance, module: 2',
    low: 0.2,
    high: 0.9,
    history: true,
    // The modules' mean cell voltages apart at rest, as a scan tool reads the BMS's cell list.
    read: (c) => measure(c, 'scan_tool', { id: 'hv_battery' }, 'module_spread_rest', { engine: 'ready' }),
    expect: 'higher',
  }),
  pack_aged: C({
    profile: 'ev-kona',
    fault: 'type: pack_aged',
    low: 0.2,
    high: 0.9,
    history: true,
    read: (c) => measure(c, 'scan_tool', { id: 'hv_battery' }, 'soh', { engine: 'ready' }),
    expect: 'lower',
  }),
  wheel_speed_sensor: C({
    profile: 'petrol',
    fault: 'type: wheel_speed_sensor, wheel: fl',
    low: 0.1,
    high: 1,
    history: true,
    session: 'urban',
    read: async (c) => {
      // Front-left against front-right wheel speed over a minute of town driving (UDS DID 0x0301).
      let gap = 0;
      for (let i = 0; i < 60; i++) {
        await c.clock.advance(1000);
        const abs = new UdsClient(c.obd.link, physical(0x760), { clock: c.clock });
        const d = await c.clock.run(abs.request([0x22, 0x03, 0x01]));
        gap += ((d[5] << 8) | d[6]) / 100 - ((d[3] << 8) | d[4]) / 100;
      }
      return gap;
    },
    expect: 'higher',
  }),
  wheel_speed_harness: C({
    profile: 'petrol',
    fault: 'type: wheel_speed_harness, wheel: fr',
    low: 0.3,
    high: 0.9,
    read: (c) => measure(c, 'multimeter', { id: 'wss_harness', wheel: 'fr' }, 'resistance'),
    expect: 'differs',
  }),
  tone_ring_damaged: C({
    profile: 'petrol',
    fault: 'type: tone_ring_damaged, wheel: rr',
    low: 0.2,
    high: 0.9,
    read: (c) => measure(c, 'visual', { id: 'tone_ring', wheel: 'rr' }, 'damaged_teeth'),
    expect: 'higher',
  }),
};

describe('severity changes what the car shows', () => {
  it('every fault type has a case', () => {
    expect(Object.keys(CASES).sort()).toEqual([...FAULT_TYPES].sort());
  });

  it.each(Object.entries(CASES))(
    '%s',
    async (_type, c) => {
      const read = async (severity: number) => {
        const x = car(c.profile, c.fault, severity, { history: c.history, session: c.session });
        return c.read(x);
      };
      const low = await read(c.low);
      const high = await read(c.high);
      const msg = `${c.fault}: ${JSON.stringify(low)} at ${c.low} → ${JSON.stringify(high)} at ${c.high}`;
      if (c.expect === 'differs') expect(JSON.stringify(high), msg).not.toBe(JSON.stringify(low));
      else {
        expect(typeof low, msg).toBe('number');
        expect(typeof high, msg).toBe('number');
        if (c.expect === 'higher') expect(high as number, msg).toBeGreaterThan(low as number);
        else expect(high as number, msg).toBeLessThan(low as number);
      }
    },
    30_000,
  );
});
