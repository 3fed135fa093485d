import { VirtualClock } from '@atelier/clock';
import {
  type FaultTreeEntry,
  loadKnowledgeBase,
  readSessionFacts,
  readSigns,
  selectTrees,
  type VehicleType,
} from '@atelier/diagnosis';
import { ObdClient } from '@atelier/obd';
import { readBatteryFacts } from '@atelier/training';
import {
  type ComponentRef,
  FAULT_TYPES,
  faultNamedBy,
  loadScenario,
  type Measurement,
  type MeasureRequest,
  parseFaultRef,
  ResponderLink,
  type Scenario,
  Vehicle,
} from '@atelier/vehicle-sim';
import { describe, expect, it } from 'vitest';

/**
 * Every cause of the knowledge base has a simulated car that has it. The mapping cause → scenario
 * lives here, not in the simulator (which knows nothing of the knowledge base) nor in the knowledge
 * base. For each cause the test reads the scenario's car as a technician would — through the real
 * client stack, then with a workshop instrument — and checks that the car shows the cause:
 *
 * - the cause's tree applies to what was read (a code the tree explains, or the complaint);
 * - at least one of the signs the tree links to the cause (sensitivity ≥ 0.5) holds on the car —
 *   a sign read from the car when the tree has one for that cause, else the complaint;
 * - the part itself measures differently from the same car without the fault (same seed), beyond
 *   the instrument's noise.
 */

type Check = { instrument: string; component: ComponentRef; quantity: string; conditions?: object };
interface OnTheCar {
  scenario: string;
  /** The measurement on the faulty part, compared with the same car without its faults. */
  measure: Check;
  /** Signs the knowledge base links to this cause that the simulated car does not show, and why. */
  signNotShown?: string;
  /** The measurement reads as on a healthy car (the fault is elsewhere than what it reaches), and why. */
  sameAsHealthy?: string;
}

/** Simulated faults no cause of the knowledge base reaches yet, each with why (listed, so a new one fails). */
const NO_CAUSE_YET: Record<string, string> = {};

const m = (instrument: string, component: ComponentRef, quantity: string, conditions?: object): Check => ({
  instrument,
  component,
  quantity,
  ...(conditions ? { conditions } : {}),
});

const CAUSES: Record<string, OnTheCar> = {
  'catalyst/catalyst_degraded': {
    scenario: 'catalyst-degraded',
    measure: m('ir_thermometer', { id: 'catalyst' }, 'temperature_outlet'),
  },
  'catalyst/o2_downstream_faulty': {
    scenario: 'o2-downstream-faulty',
    measure: m('propane_enrichment', { id: 'o2_sensor', position: 'downstream' }, 'voltage_forced_rich'),
  },
  'catalyst/exhaust_leak': {
    scenario: 'exhaust-leak-flex',
    measure: m('smoke_machine', { id: 'exhaust' }, 'leak'),
  },
  'charging/alternator_fault': {
    scenario: 'charging-fault',
    measure: m('clamp_meter', { id: 'alternator' }, 'output_current'),
  },
  'charging/charging_wiring': {
    scenario: 'charging-wiring',
    measure: m('multimeter', { id: 'charging_circuit' }, 'voltage_drop_positive', { loads: 'on' }),
  },
  'charging/dcdc_converter_fault': {
    scenario: 'dcdc-converter',
    measure: m('multimeter', { id: 'battery' }, 'voltage', { engine: 'ready', loads: 'on' }),
  },
  'charging/battery_weak': {
    scenario: 'battery-worn',
    measure: m('battery_tester', { id: 'battery' }, 'load_voltage'),
  },
  'charging/belt_slipping': {
    scenario: 'belt-slipping',
    measure: m('belt_tension_gauge', { id: 'accessory_belt' }, 'tension'),
  },
  'coolant/thermostat_stuck_open': {
    scenario: 'thermostat-stuck-open',
    measure: m('ir_thermometer', { id: 'radiator_hose_upper' }, 'temperature', { coolantC: 50 }),
  },
  'coolant/ect_sensor_fault': {
    scenario: 'coolant-sensor-open',
    measure: m('multimeter', { id: 'coolant_temp_sensor' }, 'resistance'),
  },
  'coolant/coolant_low': {
    scenario: 'coolant-low',
    measure: m('cooling_pressure_tester', { id: 'cooling_system' }, 'pressure_hold'),
  },
  'dpf/dpf_clogged': {
    scenario: 'dpf-clogged',
    measure: m('manometer', { id: 'dpf' }, 'differential_pressure', { engine: 'rpm_2500' }),
  },
  'dpf/dp_sensor_fault': {
    scenario: 'dp-sensor-drift',
    measure: m('multimeter', { id: 'dp_sensor' }, 'signal_voltage'),
  },
  'dpf/egr_valve_stuck': {
    scenario: 'egr-stuck-open-diesel',
    measure: m('scan_tool_actuation', { id: 'egr_valve' }, 'position_feedback', { commandPct: 0 }),
  },
  'dpf/injector_fault': {
    scenario: 'diesel-injector-leak',
    measure: m('leakoff_kit', { id: 'injector', cylinder: 2 }, 'return_flow'),
  },
  'egr/egr_valve_stuck': {
    scenario: 'egr-stuck-closed',
    measure: m('scan_tool_actuation', { id: 'egr_valve' }, 'position_feedback', { commandPct: 60 }),
  },
  'egr/egr_passage_clogged': {
    scenario: 'egr-passage-clogged',
    measure: m('visual', { id: 'egr_passage' }, 'restriction'),
  },
  'egr/egr_circuit_fault': {
    scenario: 'egr-circuit-open',
    measure: m('multimeter', { id: 'egr_circuit' }, 'resistance'),
  },
  'evap/fuel_cap_leak': {
    scenario: 'evap-large-leak',
    measure: m('evap_cap_tester', { id: 'fuel_cap' }, 'pressure_decay'),
  },
  'evap/evap_hose_leak': {
    scenario: 'evap-small-leak',
    measure: m('smoke_machine', { id: 'evap_system' }, 'leak'),
  },
  'evap/canister_cracked': {
    scenario: 'canister-cracked',
    measure: m('visual', { id: 'canister' }, 'condition'),
  },
  'evap/purge_valve_fault': {
    scenario: 'purge-valve-stuck',
    measure: m('vacuum_pump', { id: 'purge_valve' }, 'vacuum_hold'),
  },
  'hv_isolation/ac_compressor_isolation': {
    scenario: 'hv-isolation-ac',
    measure: m('insulation_tester', { id: 'ac_compressor' }, 'insulation_resistance'),
  },
  'hv_isolation/hv_battery_isolation': {
    scenario: 'hv-isolation-battery',
    measure: m('insulation_tester', { id: 'hv_battery' }, 'insulation_resistance'),
  },
  'hv_isolation/inverter_isolation': {
    scenario: 'hv-isolation-inverter',
    measure: m('insulation_tester', { id: 'inverter' }, 'insulation_resistance'),
  },
  'lean/vacuum_leak': { scenario: 'vacuum-leak', measure: m('smoke_machine', { id: 'intake' }, 'leak') },
  'lean/maf_contaminated': {
    scenario: 'maf-contaminated',
    measure: m('visual', { id: 'maf_sensor' }, 'condition'),
  },
  'lean/fuel_pressure_low': {
    scenario: 'fuel-pump-weak',
    measure: m('fuel_pressure_gauge', { id: 'fuel_rail' }, 'pressure', { engine: 'rpm_2500' }),
  },
  'lean/injector_clogged': {
    scenario: 'injectors-clogged',
    measure: m('injector_balance', { id: 'injector', cylinder: 3 }, 'pressure_drop'),
  },
  'lean/exhaust_leak': {
    scenario: 'exhaust-leak-manifold',
    measure: m('smoke_machine', { id: 'exhaust' }, 'leak'),
  },
  'lost_communication/ecu_power_ground': {
    scenario: 'lost-comm-tcm',
    measure: m('multimeter', { id: 'ecu', ecu: 'transmission' }, 'supply_voltage'),
  },
  'lost_communication/can_wiring_fault': {
    scenario: 'can-wiring-body',
    measure: m('multimeter', { id: 'can_branch', ecu: 'abs' }, 'resistance'),
  },
  'lost_communication/ecu_internal_fault': {
    scenario: 'ecu-internal-tcm',
    measure: m('multimeter', { id: 'ecu', ecu: 'transmission' }, 'supply_voltage'),
    sameAsHealthy: 'a failed module has its supply and its wiring: only its silence shows it',
  },
  'misfire/ignition_coil': {
    scenario: 'ignition-coil-cyl3',
    measure: m('spark_tester', { id: 'ignition_coil', cylinder: 3 }, 'spark'),
  },
  'misfire/spark_plug': {
    scenario: 'misfire-cyl2',
    measure: m('feeler_gauge', { id: 'spark_plug', cylinder: 2 }, 'gap'),
  },
  'misfire/injector_fault': {
    scenario: 'injector-clogged',
    measure: m('injector_balance', { id: 'injector', cylinder: 3 }, 'pressure_drop'),
  },
  'misfire/low_compression': {
    scenario: 'low-compression-cyl1',
    measure: m('compression_gauge', { id: 'cylinder', cylinder: 1 }, 'pressure'),
  },
  'misfire/vacuum_leak': {
    scenario: 'vacuum-leak-large',
    measure: m('smoke_machine', { id: 'intake' }, 'leak'),
  },
  // A petrol injector that drips floods its cylinder: misfire with a rich mixture; the rail does not
  // hold its pressure once the engine is stopped.
  'misfire/injector_leaking': {
    scenario: 'injector-leaking-cyl2',
    measure: m('fuel_pressure_gauge', { id: 'fuel_rail' }, 'hold_pressure', { engine: 'off' }),
  },
  // A weak pump on a V6 misfires on every cylinder (P0300): the misfire tree is the one it picks.
  'misfire/fuel_pressure_low': {
    scenario: 'fuel-pump-weak',
    measure: m('fuel_pressure_gauge', { id: 'fuel_rail' }, 'pressure', { engine: 'rpm_2500' }),
    signNotShown:
      'this V6 sets no rail-pressure code (P0087 needs a rail sensor) and its misfire froze below 55 % load: the complaint (hesitation on acceleration) and the gauge speak for it',
  },
  'no_start/battery_weak': {
    scenario: 'flat-battery-no-start',
    measure: m('battery_tester', { id: 'battery' }, 'load_voltage'),
  },
  'no_start/starter_fault': {
    scenario: 'starter-fault',
    measure: m('clamp_meter', { id: 'starter' }, 'cranking_current'),
  },
  'no_start/immobilizer_fault': {
    scenario: 'immobilizer-key',
    measure: m('scan_tool', { id: 'immobilizer' }, 'key_status'),
  },
  'no_start/fuel_pressure_low': {
    scenario: 'fuel-pump-dead',
    measure: m('fuel_pressure_gauge', { id: 'fuel_rail' }, 'pressure', { engine: 'key_on' }),
  },
  'o2_sensor/o2_upstream_slow': {
    scenario: 'o2-sensor-slow',
    measure: m('oscilloscope', { id: 'o2_sensor', position: 'upstream' }, 'response_time'),
  },
  'o2_sensor/o2_circuit_fault': {
    scenario: 'o2-heater-open',
    measure: m('multimeter', { id: 'o2_sensor', position: 'upstream' }, 'heater_resistance'),
  },
  'o2_sensor/o2_downstream_faulty': {
    scenario: 'o2-downstream-faulty',
    measure: m('propane_enrichment', { id: 'o2_sensor', position: 'downstream' }, 'voltage_forced_rich'),
  },
  'o2_sensor/exhaust_leak': {
    scenario: 'exhaust-leak-small',
    measure: m('smoke_machine', { id: 'exhaust' }, 'leak'),
  },
  'rich/injector_leaking': {
    scenario: 'injector-leaking-cyl2',
    measure: m('fuel_pressure_gauge', { id: 'fuel_rail' }, 'hold_pressure'),
  },
  'rich/purge_valve_fault': {
    scenario: 'purge-valve-stuck',
    measure: m('vacuum_pump', { id: 'purge_valve' }, 'vacuum_hold'),
  },
  'rich/fuel_pressure_high': {
    scenario: 'fuel-pressure-high',
    measure: m('fuel_pressure_gauge', { id: 'fuel_rail' }, 'pressure'),
  },
  'rich/ect_sensor_fault': {
    scenario: 'coolant-sensor-skewed',
    measure: m('multimeter', { id: 'coolant_temp_sensor' }, 'resistance', { coolantC: 80 }),
  },
  'wheel_speed/wheel_speed_sensor': {
    scenario: 'wheel-speed-sensor',
    measure: m('oscilloscope', { id: 'wheel_speed_sensor', wheel: 'fl' }, 'signal'),
  },
  'wheel_speed/wss_wiring': {
    scenario: 'wheel-harness-fr',
    measure: m('multimeter', { id: 'wss_harness', wheel: 'fr' }, 'resistance', { wiggle: true }),
  },
  'traction_battery/weak_cell': {
    scenario: 'kona-weak-cell',
    measure: m('cell_capacity_tester', { id: 'hv_battery' }, 'weakest_cell_capacity'),
  },
  'traction_battery/cell_imbalance': {
    scenario: 'kona-cell-imbalance',
    measure: m('scan_tool', { id: 'hv_battery' }, 'module_spread_rest', { engine: 'ready' }),
  },
  'traction_battery/pack_aged': {
    scenario: 'kona-aged-pack',
    measure: m('cell_capacity_tester', { id: 'hv_battery' }, 'pack_capacity'),
  },
  'wheel_speed/tone_ring_damaged': {
    scenario: 'tone-ring-rr',
    measure: m('visual', { id: 'tone_ring', wheel: 'rr' }, 'damaged_teeth'),
  },
};

const kb = loadKnowledgeBase();

function vehicleType(s: Scenario): VehicleType {
  if (s.profile.traction) return s.profile.engine.kind === 'none' ? 'ev' : 'hybrid';
  return s.profile.engine.kind === 'compression' ? 'diesel' : 'petrol';
}

async function readCar(s: Scenario) {
  const clock = new VirtualClock();
  const vehicle = Vehicle.fromScenario(s, { startMs: 0 });
  const link = new ResponderLink(vehicle, { clock });
  const obd = new ObdClient(link);
  const read = await clock.run(
    readSessionFacts(
      obd,
      { vehicle: vehicleType(s), complaint: s.complaint.fr },
      { udsEcus: vehicle.ecus(), clock },
    ),
  );
  // A car with a traction battery: its BMS read too, as the technician's scan tool reads it.
  const battery = s.profile.traction ? await readBatteryFacts(link, clock) : undefined;
  const facts = battery ? { ...read, battery } : read;
  return { vehicle, clock, facts };
}

/** A reading taken a few times (some faults show only now and then, e.g. a harness flexed by hand). */
function readings(v: Vehicle, now: number, c: Check, n = 5): Measurement[] {
  return Array.from({ length: n }, () => v.measure(now, c as MeasureRequest));
}

describe('every knowledge-base cause has a simulated car that shows it', () => {
  const all = kb.trees.flatMap((t) => t.causes.map((c) => ({ tree: t, cause: c.id })));

  it('the mapping names every cause, and only causes', () => {
    const keys = all.map((x) => `${x.tree.id}/${x.cause}`);
    expect(
      keys.filter((k) => !CAUSES[k]),
      'causes without a scenario',
    ).toEqual([]);
    expect(
      Object.keys(CAUSES).filter((k) => !keys.includes(k)),
      'mapped causes the knowledge base does not have',
    ).toEqual([]);
  });

  // What a cause stands for on the simulator (`sim_faults`) is what the bench judges a conclusion by
  // and what a simulated repair takes out of the car: a cause without it can be concluded but never
  // counted right, and its repair changes nothing on the car.
  it("each cause stands for its scenario's fault, and every fault the simulator knows has a cause", () => {
    // A cause names a fault by its type, or by its type and part (`hv_isolation:inverter`).
    const missing = all
      .filter((x) => {
        const cause = x.tree.causes.find((c) => c.id === x.cause)!;
        const scenario = loadScenario(CAUSES[`${x.tree.id}/${x.cause}`].scenario);
        return !scenario.faults.every((f) => faultNamedBy(cause.simFaults, f));
      })
      .map((x) => `${x.tree.id}/${x.cause}`);
    expect(missing, 'causes whose sim_faults miss their scenario’s fault').toEqual([]);
    const stood = new Set(
      kb.trees.flatMap((t) => t.causes.flatMap((c) => c.simFaults.map((r) => parseFaultRef(r).type))),
    );
    expect(
      FAULT_TYPES.filter((t) => !stood.has(t) && !NO_CAUSE_YET[t]),
      'simulated faults no cause stands for',
    ).toEqual([]);
    // A fault listed as having no cause yet that has gained one comes off the list.
    expect(Object.keys(NO_CAUSE_YET).filter((t) => stood.has(t))).toEqual([]);
    expect(
      [...stood].filter((t) => !(FAULT_TYPES as readonly string[]).includes(t)),
      'sim_faults the simulator does not know',
    ).toEqual([]);
  });

  it.each(all.map((x) => [`${x.tree.id}/${x.cause}`, x.tree] as [string, FaultTreeEntry]))(
    '%s',
    async (key, tree) => {
      const on = CAUSES[key];
      const cause = key.split('/')[1];
      const scenario = loadScenario(on.scenario);
      const { vehicle, clock, facts } = await readCar(scenario);
      // The tree applies to what the car and the customer say.
      expect(
        selectTrees(kb, facts).map((x) => x.tree.id),
        `${on.scenario}: trees for ${facts.dtcs.join(' ')}`,
      ).toContain(tree.id);
      // A sign the tree links to this cause holds.
      const linked = readSigns(tree, facts).filter((r) => (r.sign.checks[cause]?.sensitivity ?? 0) >= 0.5);
      const onCar = linked.filter((r) => r.sign.when.source !== 'complaint');
      const shown = (onCar.length ? onCar : linked).filter((r) => r.value === true).map((r) => r.sign.id);
      if (on.signNotShown) expect(shown, on.signNotShown).toEqual([]);
      else if (linked.length)
        expect(
          shown.length,
          `${on.scenario}: none of ${linked.map((r) => r.sign.id).join(', ')} holds`,
        ).toBeGreaterThan(0);
      // The part measures differently from the same car without the fault.
      const healthy = Vehicle.fromScenario({ ...scenario, faults: [] }, { startMs: 0 });
      const bad = readings(vehicle, clock.now(), on.measure);
      const good = readings(healthy, clock.now(), on.measure);
      const words = [...bad, ...good].some((x) => typeof x.value === 'string');
      if (on.sameAsHealthy) {
        const mean = (xs: Measurement[]) => xs.reduce((a, x) => a + (x.value as number), 0) / xs.length;
        expect(Math.abs(mean(bad) - mean(good)), on.sameAsHealthy).toBeLessThan(
          5 * (good[0].noiseSd ?? 0.01),
        );
      } else if (words)
        expect(
          bad.map((x) => x.value),
          `${on.scenario}: ${good[0].text.en}`,
        ).not.toEqual(good.map((x) => x.value));
      else {
        const mean = (xs: Measurement[]) => xs.reduce((a, x) => a + (x.value as number), 0) / xs.length;
        const noise = Math.max(good[0].noiseSd ?? 0, bad[0].noiseSd ?? 0);
        expect(
          Math.abs(mean(bad) - mean(good)),
          `${on.scenario}: ${bad[0].text.en} vs ${good[0].text.en}`,
        ).toBeGreaterThan(5 * noise);
      }
    },
    // A whole car read through the client stack (≈ 5–13 s alone): generous for a loaded shared machine.
    120_000,
  );
});
