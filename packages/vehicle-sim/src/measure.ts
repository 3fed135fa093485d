/**
 * What each instrument reads on a simulated car: one law per catalogue entry, from the part's
 * state (`FaultEffects` in the conditions of the measurement), the car's temperatures and charge,
 * and the figures of `parts.ts`. The instrument's noise comes from the car's own seeded stream, so
 * the same car, seed and measurements give the same readings.
 */
import { effectsAt, type FaultEffects, type FaultSpec, WHEELS } from './faults.js';
import {
  type CatalogueEntry,
  catalogueEntry,
  type EngineState,
  type Location,
  type Measurement,
  MeasurementError,
  type MeasureRequest,
  measurementText,
  type ResolvedConditions,
  TEST_DISCHARGE_A,
} from './instruments.js';
import {
  chargingSourceA,
  crankingA,
  crankingVoltage,
  dpfDeltaKpa,
  egrValveTarget,
  engineAirflow,
  exhaustGasTempC,
  MIN_START_RAIL_BAR,
  O2_RESPONSE_FRACTIONS,
  type StartBlock,
  startProblem,
  stationaryThrottlePct,
  toneRingDamagedTeeth,
  type VehicleModel,
} from './model.js';
import type { TractionPack } from './pack.js';
import {
  alternatorCapacityA,
  BELT_TENSION_N,
  battery12,
  batteryOcv,
  batteryRint,
  CAN_TERMINATOR_OHM,
  CHARGING_WIRE_OHM,
  COIL,
  COOLING_TEST_BAR,
  chargingPoint,
  copperOhm,
  DCDC_RATED_A,
  DIESEL_LEAKOFF_ML_MIN,
  DP_SENSOR,
  ECT_PULLUP_OHM,
  EGR_MOTOR_OHM,
  FUEL_RAIL,
  fuelFlowLh,
  HARNESS_OHM,
  HEALTHY_LEAKDOWN_PCT,
  HV_INSULATION_MOHM,
  INJECTOR_BALANCE_DROP_KPA,
  INSULATION_TESTER_MAX_MOHM,
  injectorOhm,
  nominalCompressionBar,
  ntcOhm,
  O2_HEATER_OHM,
  O2_TAU_S,
  PLUG_GAP_MM,
  PUMP_DELIVERY_LPM,
  PURGE_VALVE_OHM,
  partSpread,
  RUNNING_LOAD_A,
  railPressureBar,
  SENSOR_REF_V,
  TEST_LOAD_A,
  TONE_RING_TEETH,
} from './parts.js';
import type { Prng } from './prng.js';

/** What a measurement needs from the car. */
export interface MeasureHost {
  model: VehicleModel;
  faults: readonly FaultSpec[];
  seed: number;
  /** The instruments' noise stream (its own, so that measuring never changes the car's signals). */
  noise: Prng;
}

interface Reading {
  value: number | string;
  /** Instrument noise, in the unit. */
  sd?: number;
  /** Display resolution, in the unit. */
  res?: number;
  temperatureC?: number;
  location?: Location;
  /** Beyond the instrument's range: shown as `OL` (or `>max`). */
  over?: boolean;
}

interface Ctx {
  host: MeasureHost;
  m: VehicleModel;
  e: FaultEffects;
  entry: CatalogueEntry;
  req: MeasureRequest;
  cond: ResolvedConditions;
  /** Index into the cylinder arrays, or wheel index. */
  i: number;
  /** Part-to-part spread of this car's part, seeded. */
  spread(sd: number, key?: string): number;
  refuse(code: 'condition-unreachable', msg: string): never;
}

const LEAK_LOCATIONS: Record<string, Location> = {
  brake_servo_hose: { id: 'brake_servo_hose', fr: 'durite de servofrein', en: 'brake servo hose' },
  pcv_hose: { id: 'pcv_hose', fr: 'durite de réaspiration des vapeurs d’huile', en: 'PCV hose' },
  intake_manifold_gasket: {
    id: 'intake_manifold_gasket',
    fr: "joint de collecteur d'admission",
    en: 'intake manifold gasket',
  },
  throttle_body_gasket: {
    id: 'throttle_body_gasket',
    fr: 'joint du boîtier papillon',
    en: 'throttle body gasket',
  },
  exhaust_manifold_gasket: {
    id: 'exhaust_manifold_gasket',
    fr: "joint de collecteur d'échappement (avant la sonde amont)",
    en: 'exhaust manifold gasket (before the upstream sensor)',
  },
  flex_pipe: {
    id: 'flex_pipe',
    fr: 'tresse entre catalyseur et sonde aval',
    en: 'flex pipe between catalyst and downstream sensor',
  },
  fuel_cap: { id: 'fuel_cap', fr: 'joint du bouchon de réservoir', en: 'fuel cap seal' },
  hose: { id: 'evap_hose', fr: 'durite EVAP au canister', en: 'EVAP hose at the canister' },
  canister: { id: 'canister', fr: 'corps du canister', en: 'canister body' },
  intake: {
    id: 'intake',
    fr: "par l'admission (boîtier papillon)",
    en: 'through the intake (throttle body)',
  },
  exhaust: { id: 'exhaust', fr: "par l'échappement", en: 'through the exhaust' },
  crankcase: { id: 'crankcase', fr: "par le bouchon de remplissage d'huile", en: 'through the oil filler' },
  coolant: { id: 'coolant', fr: 'bulles dans le vase d’expansion', en: 'bubbles in the coolant reservoir' },
};

const LEAK_PATH_READING = {
  exhaust_valve: 'exhaust',
  intake_valve: 'intake',
  piston_rings: 'crankcase',
  head_gasket: 'coolant',
} as const;

/** Measures one quantity on the car, or throws a MeasurementError saying why it cannot be measured. */
export function measure(host: MeasureHost, req: MeasureRequest): Measurement {
  const m = host.model;
  const p = m.profile;
  const entry = catalogueEntry(p, req);
  const refuse = (code: 'condition-not-allowed' | 'condition-unreachable', msg: string): never => {
    throw new MeasurementError(code, req, msg);
  };
  const c = req.conditions ?? {};
  const allowed = entry.engine.filter((s) => stateAllowed(m, s));
  const engine = c.engine ?? allowed[0];
  if (!allowed.includes(engine))
    refuse(
      'condition-not-allowed',
      `${req.instrument} ${req.quantity} on the ${entry.component} is measured with the engine ${allowed.join(' or ')}, not ${engine}`,
    );
  // Temperatures: the car's now, or what the technician waits for.
  const maxC = warmLimitC(m, host.faults);
  let coolantC = m.coolantC;
  if (c.coolantC !== undefined) {
    if (!Number.isFinite(c.coolantC)) refuse('condition-not-allowed', 'coolantC must be a number of °C');
    if (c.coolantC < m.ambientC - 1)
      refuse(
        'condition-unreachable',
        `the engine cannot be cooled below the air around it (${m.ambientC.toFixed(0)} °C)`,
      );
    if (c.coolantC > maxC + 1)
      refuse(
        'condition-unreachable',
        `the engine settles at ${maxC.toFixed(0)} °C: it does not reach ${c.coolantC} °C`,
      );
    coolantC = c.coolantC;
  }
  const running = engine === 'idle' || engine === 'rpm_2500' || engine === 'ready';
  const loadPct = engine === 'idle' ? 20 : engine === 'rpm_2500' ? 28 : 0;
  const e = effectsAt(host.faults, m.t, p, {
    seed: host.seed,
    coolantC,
    loadPct,
    speedKmh: 0,
    engineOn: running,
  });
  if (running || engine === 'cranking') {
    const block = startProblem(p, e, m.battery12Soc);
    const needsTurning = engine !== 'cranking' || turnsOnStarter(entry);
    if (block && needsTurning && !(engine === 'cranking' && block !== 'starter' && block !== 'battery'))
      refuse(
        'condition-unreachable',
        `the ${engine === 'ready' ? 'car does not go READY' : 'engine does not start'}: ${START_BLOCK_TEXT[block]}`,
      );
    if (engine === 'cranking' && needsTurning && (block === 'starter' || block === 'battery'))
      refuse('condition-unreachable', `the engine does not turn on the starter: ${START_BLOCK_TEXT[block]}`);
  }
  const cond: ResolvedConditions = {
    engine,
    coolantC: round(coolantC, 1),
    ambientC: m.ambientC,
    loads: c.loads ?? 'off',
    ...(entry.uses?.includes('commandPct') ? { commandPct: c.commandPct ?? 50 } : {}),
    ...(entry.uses?.includes('wiggle') ? { wiggle: c.wiggle ?? false } : {}),
  };
  if (cond.commandPct !== undefined && !(cond.commandPct >= 0 && cond.commandPct <= 100))
    refuse('condition-not-allowed', `commandPct must be 0..100 (got ${cond.commandPct})`);
  const ref = req.component;
  const i =
    ref.cylinder !== undefined ? ref.cylinder - 1 : ref.wheel !== undefined ? WHEELS.indexOf(ref.wheel) : 0;
  const partKey = `${entry.component}/${ref.cylinder ?? ref.wheel ?? ref.ecu ?? ref.position ?? ''}/${ref.bank ?? 1}`;
  const ctx: Ctx = {
    host,
    m,
    e,
    entry,
    req,
    cond,
    i,
    spread: (sd, key = '') => partSpread(host.seed, `${partKey}/${entry.quantity}/${key}`, sd),
    refuse: (code, msg) => refuse(code, msg),
  };
  const law = LAWS[`${entry.instrument}/${entry.component}/${entry.quantity}`];
  if (!law) throw new Error(`no law for ${entry.instrument}/${entry.component}/${entry.quantity}`);
  const r = law(ctx);
  let value: number | string = r.value;
  if (typeof value === 'number') {
    if (r.over) value = entry.overRange ? 'OL' : `>${value}`;
    else {
      const noisy = value + (r.sd ? host.noise.gauss(r.sd) : 0);
      value = round(noisy, r.res ?? 0.01);
    }
  }
  return {
    instrument: entry.instrument,
    component: req.component,
    quantity: entry.quantity,
    value,
    unit: entry.unit,
    ...(typeof value === 'number' && r.sd ? { noiseSd: r.sd } : {}),
    conditions: cond,
    ...(r.temperatureC !== undefined ? { temperatureC: round(r.temperatureC, 1) } : {}),
    ...(r.location ? { location: r.location } : {}),
    text: measurementText(entry, req.component, value, r.temperatureC, r.location),
  };
}

const START_BLOCK_TEXT: Record<StartBlock, string> = {
  starter: 'the starter clicks but does not turn the engine',
  battery: 'the battery voltage collapses when cranking',
  immobilizer: 'the immobiliser does not recognise the key',
  fuel: `the fuel pump does not build the ${MIN_START_RAIL_BAR} bar the injectors need`,
  low_12v: 'the 12 V battery is too low to close the high-voltage contactors',
};

/** Measurements made while cranking that need the engine to turn (not the starter's own voltage and current). */
function turnsOnStarter(entry: CatalogueEntry): boolean {
  return entry.component !== 'starter' && entry.component !== 'battery';
}

function stateAllowed(m: VehicleModel, s: EngineState): boolean {
  const p = m.profile;
  if (s === 'ready') return !!p.traction;
  if (s === 'cranking') return p.engine.kind !== 'none' && !p.traction;
  if (s === 'idle' || s === 'rpm_2500') return p.engine.kind !== 'none';
  return true;
}

/** The warmest the engine gets at idle, °C: its thermostat, less a stuck-open one's cooling; low coolant overheats it. */
function warmLimitC(m: VehicleModel, faults: readonly FaultSpec[]): number {
  const p = m.profile;
  if (p.engine.kind === 'none') return Math.max(m.coolantC, 45);
  const e = effectsAt(faults, m.t, p, {
    seed: m.options.seed,
    coolantC: p.engine.thermostatC,
    loadPct: 20,
    speedKmh: 0,
    engineOn: true,
  });
  const warm = p.engine.thermostatC - 20 * e.thermostatOpen + (e.coolantLoss > 0.8 ? 40 : 0);
  return Math.max(m.coolantC, warm);
}

function round(x: number, step: number): number {
  const r = Math.round(x / step) * step;
  return Number(r.toFixed(Math.max(0, Math.ceil(-Math.log10(step)))));
}

/** Temperature of parts bolted to the engine, °C: between the air and the coolant. */
function engineBayC(c: Ctx): number {
  return c.cond.ambientC + 0.7 * (c.cond.coolantC - c.cond.ambientC);
}

/** Engine speed of the operating point. */
function rpmOf(c: Ctx): number {
  return c.cond.engine === 'rpm_2500' ? 2500 : c.m.profile.engine.idleRpm;
}

/** Air through the engine at the operating point, g/s (stationary, warm). */
function airAt(c: Ctx): number {
  const p = c.m.profile;
  const held = c.cond.engine === 'rpm_2500';
  const rpm = rpmOf(c);
  return engineAirflow(p, {
    rpm,
    throttlePct: stationaryThrottlePct(rpm, held),
    idleControl: !held,
    egrFlowPct: 0,
    vacuumLeakGs: c.e.vacuumLeakGs,
    mafUnderRead: c.e.mafUnderRead,
    baroKpa: c.m.baroKpa,
  }).airGs;
}

/** Fuel flow the rail feeds at the operating point, l/h. */
function fuelDemandLh(c: Ctx): number {
  if (c.cond.engine === 'key_on' || c.cond.engine === 'off') return 0;
  if (c.cond.engine === 'cranking') return 0.5;
  return fuelFlowLh(airAt(c));
}

/** The 12 V battery's open-circuit voltage now. */
function ocvNow(c: Ctx): number {
  return batteryOcv(c.m.battery12Soc, c.e.batteryHealth);
}

/** The 12 V system at a running operating point: battery terminals, source current. */
function chargingAt(c: Ctx, loadA: number): { batteryV: number; sourceA: number } {
  const p = c.m.profile;
  const rpm = c.cond.engine === 'ready' ? 0 : rpmOf(c);
  const availableA = chargingSourceA(p, c.e, rpm, loadA) ?? 0;
  return chargingPoint({
    availableA,
    loadA,
    soc: c.m.battery12Soc,
    ocv: ocvNow(c),
    wireOhm: CHARGING_WIRE_OHM + c.e.chargingWireOhm,
  });
}

function loadsA(c: Ctx): number {
  return RUNNING_LOAD_A + (c.cond.loads === 'on' ? TEST_LOAD_A : 0);
}

/** How much a cylinder contributes to the engine's work, 0..1: spark, fuel and compression. */
function cylinderContribution(c: Ctx, i: number): number {
  const e = c.e;
  const misfire = Math.min(1, e.misfireRate[i] + Math.max(0, e.compressionLoss[i] - 0.3) * 1.4);
  return (
    (1 - misfire) *
    Math.min(1.05, e.injectorFlow[i] + 0.5 * e.injectorLeak[i] * 0.2) *
    (1 - 0.5 * e.compressionLoss[i])
  );
}

type Law = (c: Ctx) => Reading;

const LAWS: Record<string, Law> = {
  // ——— Ignition ———
  'multimeter/ignition_coil/resistance_primary': (c) => {
    const t = engineBayC(c);
    return { value: copperOhm(COIL.primaryOhm + c.spread(0.03), t), sd: 0.01, res: 0.01, temperatureC: t };
  },
  'multimeter/ignition_coil/resistance_secondary': (c) => {
    // Insulation breakdown leaves the winding's resistance as it was; a partly burnt winding reads
    // high; an open one, OL.
    const d = c.e.coilDamage[c.i];
    const t = engineBayC(c);
    if (d >= 0.85) return { value: 0, over: true, temperatureC: t };
    const burnt = d > 0.5 ? 1 + (6 * (d - 0.5)) / 0.35 : 1;
    return {
      value: copperOhm((COIL.secondaryKohm + c.spread(0.4)) * burnt, t),
      sd: 0.03,
      res: 0.01,
      temperatureC: t,
    };
  },
  'spark_tester/ignition_coil/spark': (c) => {
    const d = c.e.coilDamage[c.i];
    return { value: d < 0.25 ? 'strong' : d < 0.5 ? 'intermittent' : d < 0.85 ? 'weak' : 'none' };
  },
  'visual/spark_plug/condition': (c) => {
    const e = c.e;
    const i = c.i;
    // What a plug shows: its own wear; raw fuel where it does not fire; soot from a rich cylinder;
    // white from a lean one.
    if (e.plugWear[i] >= 0.25) return { value: 'worn' };
    if (e.coilDamage[i] >= 0.5 || e.compressionLoss[i] >= 0.5) return { value: 'wet' };
    if (e.injectorLeak[i] >= 0.2 || e.regulatorHigh >= 0.3 || e.ectColdC >= 25) return { value: 'sooty' };
    if (e.injectorFlow[i] < 0.8 || e.fuelPumpWear >= 0.6) return { value: 'white' };
    return { value: 'good' };
  },
  'feeler_gauge/spark_plug/gap': (c) => ({
    value: PLUG_GAP_MM + c.spread(0.02) + 0.8 * c.e.plugWear[c.i],
    sd: 0.01,
    res: 0.01,
  }),
  // ——— Cylinders ———
  'compression_gauge/cylinder/pressure': (c) => {
    const p = c.m.profile;
    // Slower cranking lets more leak past the rings: a weak battery reads every cylinder a little low.
    const v = crankingVoltage(p, c.e, c.m.battery12Soc);
    const crank = 0.85 + 0.15 * Math.min(1, (v - 4) / 6.5);
    const bar =
      nominalCompressionBar(p) * (1 + c.spread(0.02)) * (1 - 0.7 * c.e.compressionLoss[c.i]) * crank;
    return { value: bar, sd: 0.15, res: 0.1 };
  },
  'leakdown_tester/cylinder/leak_rate': (c) => ({
    value: Math.max(1, HEALTHY_LEAKDOWN_PCT + c.spread(1.2) + 65 * c.e.compressionLoss[c.i]),
    sd: 0.5,
    res: 1,
  }),
  'leakdown_tester/cylinder/leak_path': (c) => {
    const path = c.e.leakPath[c.i];
    if (!path || c.e.compressionLoss[c.i] < 0.15) return { value: 'none' };
    const at = LEAK_PATH_READING[path];
    return { value: at, location: LEAK_LOCATIONS[at] };
  },
  // ——— Fuel ———
  'fuel_pressure_gauge/fuel_rail/pressure': (c) => ({
    value: Math.max(
      0,
      railPressureBar(fuelDemandLh(c), c.e.fuelPumpWear, c.e.regulatorHigh) + c.spread(0.04),
    ),
    sd: 0.03,
    res: 0.05,
  }),
  'fuel_pressure_gauge/fuel_rail/hold_pressure': (c) => {
    // From the running pressure, the rail bleeds through the check valve slowly and through a
    // leaking injector fast.
    const start = railPressureBar(0.8, c.e.fuelPumpWear, c.e.regulatorHigh);
    const leak = c.e.injectorLeak.reduce((a, b) => a + b, 0);
    const healthy = FUEL_RAIL.holdAfter5MinBar / FUEL_RAIL.regulatedBar;
    return {
      value: Math.max(0, start * (healthy + c.spread(0.01)) * Math.exp(-3 * leak)),
      sd: 0.03,
      res: 0.05,
    };
  },
  'fuel_pressure_gauge/fuel_pump/delivery': (c) => ({
    value: Math.max(0, PUMP_DELIVERY_LPM * (1 + c.spread(0.03)) * (1 - c.e.fuelPumpWear ** 1.2)),
    sd: 0.02,
    res: 0.05,
  }),
  'injector_balance/injector/pressure_drop': (c) => {
    // Each injector pulsed 500 ms with the pump stopped: the rail drops by what it lets through.
    const rail = railPressureBar(0, c.e.fuelPumpWear, c.e.regulatorHigh);
    if (rail < MIN_START_RAIL_BAR)
      c.refuse(
        'condition-unreachable',
        `the pump builds only ${rail.toFixed(1)} bar: too little to balance injectors`,
      );
    const flow = c.e.injectorFlow[c.i] * Math.sqrt(rail / FUEL_RAIL.regulatedBar);
    return {
      value: (INJECTOR_BALANCE_DROP_KPA + c.spread(1.5)) * flow + 3 * c.e.injectorLeak[c.i],
      sd: 0.8,
      res: 0.5,
    };
  },
  'injector_balance/injector/balance_correction': (c) => {
    // The diesel ECU's smooth-running correction: it takes fuel from a cylinder that gives too much
    // (a dribbling injector) and adds to one that gives too little (clogged, low compression).
    const e = c.e;
    const i = c.i;
    const corr =
      -(1.5 + 5 * e.injectorLeak[i]) * (e.injectorLeak[i] > 0 ? 1 : 0) +
      8 * (1 - e.injectorFlow[i]) +
      4 * e.compressionLoss[i];
    return { value: corr + c.spread(0.5), sd: 0.2, res: 0.1 };
  },
  'leakoff_kit/injector/return_flow': (c) => ({
    value: DIESEL_LEAKOFF_ML_MIN + c.spread(0.2) + 12 * c.e.injectorLeak[c.i],
    sd: 0.2,
    res: 0.1,
  }),
  'multimeter/injector/resistance': (c) => {
    const t = engineBayC(c);
    const r = injectorOhm(c.m.profile);
    return {
      value: copperOhm(r * (1 + c.spread(0.02)), t),
      sd: r * 0.002,
      res: r < 1 ? 0.01 : 0.1,
      temperatureC: t,
    };
  },
  'scan_tool_actuation/injector/rpm_drop': (c) => ({
    value: Math.max(0, 110 * (1 + c.spread(0.05)) * cylinderContribution(c, c.i)),
    sd: 4,
    res: 1,
  }),
  // ——— Air and exhaust ———
  'smoke_machine/intake/leak': (c) =>
    c.e.vacuumLeakGs > 0
      ? { value: 'smoke', location: LEAK_LOCATIONS[c.e.vacuumLeakAt ?? 'brake_servo_hose'] }
      : { value: 'none' },
  'visual/maf_sensor/condition': (c) => ({
    value: c.e.mafUnderRead <= 0 ? 'clean' : c.e.mafUnderRead < 0.15 ? 'dusty' : 'oily',
  }),
  'smoke_machine/exhaust/leak': (c) =>
    c.e.exhaustLeakUp > 0
      ? { value: 'smoke', location: LEAK_LOCATIONS.exhaust_manifold_gasket }
      : c.e.exhaustLeakDown > 0
        ? { value: 'smoke', location: LEAK_LOCATIONS.flex_pipe }
        : { value: 'none' },
  'oscilloscope/o2_sensor/response_time': (c) => {
    const e = c.e;
    const up = c.req.component.position === 'upstream';
    const bank1 = (c.req.component.bank ?? 1) === 1;
    let tau = O2_TAU_S + (up && bank1 ? e.o2ExtraLagS : 0);
    // A sensor without its heater is too cool to respond well, much worse at idle's cooler exhaust.
    if ((up ? e.o2Heater.upstream : e.o2Heater.downstream) >= 0.6) tau *= c.cond.engine === 'idle' ? 8 : 1.5;
    if (!up) tau = tau * 4 + 0.4 * e.o2DownDamage; // behind the catalyst it sees smoothed gas
    const [a, b] = O2_RESPONSE_FRACTIONS;
    return { value: tau * Math.log((1 - a) / (1 - b)) * 1000 * (1 + c.spread(0.05)), sd: 3, res: 1 };
  },
  'multimeter/o2_sensor/heater_resistance': (c) => {
    const h = c.req.component.position === 'upstream' ? c.e.o2Heater.upstream : c.e.o2Heater.downstream;
    const t = engineBayC(c);
    if (h >= 0.6) return { value: 0, over: true, temperatureC: t };
    return {
      value: (O2_HEATER_OHM + c.spread(0.4)) * (1 + 8 * h) * (1 + 0.003 * (t - 20)),
      sd: 0.05,
      res: 0.1,
      temperatureC: t,
    };
  },
  'propane_enrichment/o2_sensor/voltage_forced_rich': (c) => {
    const e = c.e;
    const up = c.req.component.position === 'upstream';
    // A good sensor forced rich reads above 0.8 V; contamination and outside air drawn in before
    // it pull the reading down.
    const down = up ? 0 : 0.7 * e.o2DownDamage + 0.4 * e.exhaustLeakDown;
    const upLoss = up ? 0.35 * e.exhaustLeakUp : 0;
    return { value: Math.max(0.05, 0.86 + c.spread(0.015) - down - upLoss), sd: 0.01, res: 0.01 };
  },
  'ir_thermometer/catalyst/temperature_inlet': (c) => ({ value: catalystInletC(c), sd: 2, res: 1 }),
  'ir_thermometer/catalyst/temperature_outlet': (c) => {
    // The converter burns what the engine leaves (more after a misfire): the outlet runs hotter by
    // the heat of that reaction, in proportion to what is left of its active surface.
    const e = c.e;
    const n = e.misfireRate.length;
    const misfire = n ? e.misfireRate.reduce((a, b) => a + b, 0) / n : 0;
    const exotherm = 45 * e.catCapacity * (1 + 4 * misfire);
    return { value: catalystInletC(c) + exotherm + c.spread(2, 'outlet'), sd: 2, res: 1 };
  },
  // ——— Cooling ———
  'multimeter/coolant_temp_sensor/resistance': (c) => {
    const t = c.cond.coolantC;
    // Engine stopped, nothing shakes a cracked element: only a sensor open for good reads OL.
    const open = c.host.faults.some(
      (f) => f.type === 'coolant_sensor_open' && f.severity >= 1 && c.m.t >= f.onset,
    );
    if (open) return { value: 0, over: true, temperatureC: t };
    const r = ntcOhm(t - c.e.ectColdC) * (1 + c.spread(0.02));
    return { value: r, sd: r * 0.003, res: r >= 1000 ? 10 : 1, temperatureC: t };
  },
  'multimeter/coolant_temp_sensor/signal_voltage': (c) => {
    const t = c.cond.coolantC;
    const wiggled =
      c.cond.wiggle && c.host.faults.some((f) => f.type === 'coolant_sensor_open' && c.m.t >= f.onset);
    if (c.e.ectOpen || wiggled) return { value: SENSOR_REF_V * 0.995, sd: 0.003, res: 0.01 };
    const r = ntcOhm(t - c.e.ectColdC) * (1 + c.spread(0.02, 'r'));
    return { value: (SENSOR_REF_V * r) / (r + ECT_PULLUP_OHM), sd: 0.004, res: 0.01 };
  },
  'ir_thermometer/engine/temperature': (c) => ({ value: c.cond.coolantC + c.spread(1), sd: 0.8, res: 0.5 }),
  'ir_thermometer/radiator_hose_upper/temperature': (c) => {
    const p = c.m.profile;
    const { coolantC, ambientC } = c.cond;
    const opening = p.engine.thermostatC - 5;
    const open = c.e.thermostatOpen;
    // A closed thermostat keeps the radiator out of circuit: the upper hose stays near the air
    // around it until the engine reaches its opening temperature; a stuck-open one lets coolant
    // through from cold.
    const share = coolantC >= opening ? 0.95 : Math.max(0.12, 0.2 + 0.75 * open);
    const t = ambientC + share * (coolantC - ambientC);
    return { value: t + c.spread(1), sd: 0.8, res: 0.5 };
  },
  'cooling_pressure_tester/cooling_system/pressure_hold': (c) => ({
    value: Math.max(0, COOLING_TEST_BAR - 0.01 + c.spread(0.005) - 0.9 * c.e.coolantLoss ** 0.8),
    sd: 0.01,
    res: 0.02,
  }),
  'visual/coolant_reservoir/level': (c) => ({
    value: 70 + c.spread(6) - 160 * c.e.coolantLoss,
    sd: 2,
    res: 5,
  }),
  // ——— EVAP ———
  'smoke_machine/evap_system/leak': (c) =>
    c.e.evapLeakMm > 0 && c.e.evapLeakAt
      ? { value: 'smoke', location: LEAK_LOCATIONS[c.e.evapLeakAt] }
      : { value: 'none' },
  'evap_cap_tester/fuel_cap/pressure_decay': (c) => {
    const cap = c.e.evapLeakAt === 'fuel_cap' ? c.e.evapLeakMm : 0;
    return { value: Math.max(0, 0.15 + c.spread(0.04) + 0.12 * cap * cap), sd: 0.02, res: 0.05 };
  },
  'vacuum_pump/purge_valve/vacuum_hold': (c) => ({
    value: Math.max(0, 50 * (1 - c.e.purgeStuck) ** 2 - 0.3 + c.spread(0.3)),
    sd: 0.3,
    res: 0.5,
  }),
  'multimeter/purge_valve/resistance': (c) => {
    const t = engineBayC(c);
    return { value: copperOhm(PURGE_VALVE_OHM + c.spread(1), t), sd: 0.05, res: 0.1, temperatureC: t };
  },
  'visual/canister/condition': (c) => ({ value: c.e.evapLeakAt === 'canister' ? 'cracked' : 'intact' }),
  // ——— EGR ———
  'scan_tool_actuation/egr_valve/position_feedback': (c) => ({
    value: Math.max(0, egrValveTarget(c.e, c.cond.commandPct ?? 50) + c.spread(0.8)),
    sd: 0.5,
    res: 1,
  }),
  'multimeter/egr_valve/resistance': (c) => {
    const t = engineBayC(c);
    return { value: copperOhm(EGR_MOTOR_OHM + c.spread(0.3), t), sd: 0.03, res: 0.1, temperatureC: t };
  },
  'multimeter/egr_circuit/resistance': (c) => {
    const t = engineBayC(c);
    const d = c.e.egrCircuit;
    if (d >= 0.7) return { value: 0, over: true, temperatureC: t };
    const base = copperOhm(EGR_MOTOR_OHM + c.spread(0.3, 'motor'), t) + HARNESS_OHM;
    // A resistive connection; flexing it makes a poor contact worse.
    const extra = d > 0 ? 150 * d * (c.cond.wiggle ? 3 : 1) : 0;
    return { value: base + extra, sd: 0.03, res: 0.1, temperatureC: t };
  },
  'visual/egr_passage/restriction': (c) => ({
    value: Math.max(0, 5 + c.spread(2) + 100 * (1 - c.e.egrPassage)),
    sd: 2,
    res: 5,
  }),
  // ——— DPF ———
  'manometer/dpf/differential_pressure': (c) => ({ value: dpfTrueKpa(c), sd: 0.08, res: 0.1 }),
  'multimeter/dp_sensor/signal_voltage': (c) => {
    const kpa = c.cond.engine === 'key_on' ? 0 : dpfTrueKpa(c);
    return {
      value: DP_SENSOR.zeroV + DP_SENSOR.vPerKpa * (kpa + c.e.dpOffsetKpa) + c.spread(0.005),
      sd: 0.004,
      res: 0.01,
    };
  },
  // ——— 12 V ———
  'battery_tester/battery/open_circuit_voltage': (c) => ({ value: ocvNow(c), sd: 0.005, res: 0.01 }),
  'battery_tester/battery/cold_cranking_amps': (c) => {
    // A conductance tester: CCA in proportion to the plates' conductance (1 / internal resistance)
    // and, less, to the charge.
    const rated = battery12(c.m.profile).cca;
    const cca =
      rated *
      (batteryRint(c.m.profile, 1) / batteryRint(c.m.profile, c.e.batteryHealth)) *
      (0.75 + 0.25 * Math.min(1, c.m.battery12Soc / 0.9));
    return { value: cca, sd: 4, res: 5 };
  },
  'battery_tester/battery/load_voltage': (c) => {
    const rated = battery12(c.m.profile).cca;
    return {
      value: ocvNow(c) - (rated / 2) * batteryRint(c.m.profile, c.e.batteryHealth),
      sd: 0.03,
      res: 0.01,
    };
  },
  'battery_tester/battery/state_of_health': (c) => ({
    // The tester's own estimate from conductance: it repeats, so no noise beyond the part's.
    value: Math.max(0, Math.min(100, 100 * c.e.batteryHealth + c.spread(2))),
    res: 1,
  }),
  'multimeter/battery/voltage': (c) => {
    const ocv = ocvNow(c);
    const r = batteryRint(c.m.profile, c.e.batteryHealth);
    switch (c.cond.engine) {
      case 'off':
        return { value: ocv - 0.03 * r, sd: 0.005, res: 0.01 };
      case 'key_on':
        return { value: ocv - (6 + (c.cond.loads === 'on' ? TEST_LOAD_A : 0)) * r, sd: 0.005, res: 0.01 };
      case 'cranking':
        return { value: crankingVoltage(c.m.profile, c.e, c.m.battery12Soc), sd: 0.03, res: 0.01 };
      default:
        return { value: chargingAt(c, loadsA(c)).batteryV, sd: 0.01, res: 0.01 };
    }
  },
  'clamp_meter/alternator/output_current': (c) => {
    // The tester's carbon pile asks for all the alternator can give at 2,500 rpm.
    const p = c.m.profile;
    const demand = 200;
    const available = chargingSourceA(p, c.e, 2500, demand) ?? 0;
    return { value: Math.min(available, alternatorCapacityA(p, 2500)), sd: 1, res: 1 };
  },
  'multimeter/charging_circuit/voltage_drop_positive': (c) => chargingDrop(c, 'positive'),
  'multimeter/charging_circuit/voltage_drop_ground': (c) => chargingDrop(c, 'ground'),
  'visual/accessory_belt/condition': (c) => ({ value: c.e.beltSlip >= 0.3 ? 'glazed' : 'good' }),
  'belt_tension_gauge/accessory_belt/tension': (c) => ({
    value: BELT_TENSION_N + c.spread(15) - 250 * c.e.beltSlip,
    sd: 4,
    res: 5,
  }),
  'multimeter/starter/voltage_cranking': (c) => ({
    // The cable from the battery drops a few tenths at full starter current.
    value: crankingVoltage(c.m.profile, c.e, c.m.battery12Soc) - crankingA(c.m.profile, c.e) * 0.0015,
    sd: 0.03,
    res: 0.01,
  }),
  'clamp_meter/starter/cranking_current': (c) => {
    const v = crankingVoltage(c.m.profile, c.e, c.m.battery12Soc);
    return { value: crankingA(c.m.profile, c.e) * Math.min(1, v / 10) * (1 + c.spread(0.03)), sd: 3, res: 1 };
  },
  'clamp_meter/dcdc_converter/output_current': (c) => ({
    value: Math.min(DCDC_RATED_A * c.e.dcdc, chargingAt(c, loadsA(c)).sourceA),
    sd: 0.5,
    res: 0.5,
  }),
  'scan_tool/immobilizer/key_status': (c) => {
    const d = c.e.immobilizer;
    const refused = d >= 0.6 || (d > 0 && c.host.noise.next() < d / 0.6);
    return { value: refused ? 'not recognised' : 'recognised' };
  },
  // ——— Network ———
  'multimeter/can_bus/resistance': (c) => {
    // Terminators sit in the engine ECU and the ABS module at the ends of the bus (`CAN_TRUNK`): an
    // open between the socket and the ABS leaves only the engine ECU's 120 Ω.
    const open = (role: 'engine' | 'abs') => (c.e.canBranch.get(role) ?? 0) >= 0.5;
    const terminators = (['engine', 'abs'] as const).filter((r) => !open(r)).length;
    const r = terminators === 0 ? 0 : CAN_TERMINATOR_OHM / terminators;
    if (terminators === 0) return { value: 0, over: true };
    return { value: r + c.spread(0.6), sd: 0.1, res: 0.1 };
  },
  'multimeter/can_branch/resistance': (c) => {
    const d = c.e.canBranch.get(c.req.component.ecu!) ?? 0;
    if (d >= 0.5) return { value: 0, over: true };
    // Fretted strands read fine at rest and open when the harness is flexed.
    if (d > 0 && c.cond.wiggle && c.host.noise.next() < 2 * d) return { value: 0, over: true };
    return { value: 0.4 + c.spread(0.05), sd: 0.02, res: 0.01 };
  },
  'multimeter/ecu/supply_voltage': (c) => {
    const s = c.e.ecuSupply.get(c.req.component.ecu!) ?? 0;
    const battery = ocvNow(c) - 6 * batteryRint(c.m.profile, c.e.batteryHealth);
    if (s >= 0.8) return { value: 0, sd: 0.002, res: 0.01 };
    return { value: battery - 0.05 - 0.6 * s + c.spread(0.01), sd: 0.005, res: 0.01 };
  },
  'multimeter/ecu/ground_drop': (c) => {
    const s = c.e.ecuSupply.get(c.req.component.ecu!) ?? 0;
    if (s >= 0.8) return { value: 0, sd: 0.002, res: 0.01 };
    return { value: 0.02 + 0.6 * s + c.spread(0.005), sd: 0.003, res: 0.01 };
  },
  'known_good_module/ecu/communicates': (c) => {
    const role = c.req.component.ecu!;
    // A substitute module has its own electronics but the car's supply and wiring.
    const wiring = (c.e.ecuSupply.get(role) ?? 0) >= 0.8 || (c.e.canBranch.get(role) ?? 0) >= 0.5;
    return { value: wiring ? 'no' : 'yes' };
  },
  // ——— High voltage ———
  'insulation_tester/hv_battery/insulation_resistance': (c) => insulation(c, 'hv_battery'),
  'insulation_tester/ac_compressor/insulation_resistance': (c) => insulation(c, 'ac_compressor'),
  'insulation_tester/inverter/insulation_resistance': (c) => insulation(c, 'inverter'),
  'scan_tool/hv_battery/cell_spread_rest': (c) => ({
    value: maxMinusMin(cellsAt(c, 0)),
    sd: 0.002,
    res: 0.001,
  }),
  'scan_tool/hv_battery/cell_spread_load': (c) => ({
    value: maxMinusMin(cellsAt(c, TEST_DISCHARGE_A)),
    sd: 0.004,
    res: 0.001,
  }),
  'scan_tool/hv_battery/min_cell_below_mean': (c) => {
    const v = cellsAt(c, 0);
    return { value: v.reduce((a, b) => a + b, 0) / v.length - Math.min(...v), sd: 0.002, res: 0.001 };
  },
  'scan_tool/hv_battery/module_spread_rest': (c) => {
    const pack = packOf(c);
    const v = cellsAt(c, 0);
    const sums = new Array(pack.modules).fill(0);
    const counts = new Array(pack.modules).fill(0);
    v.forEach((x, i) => {
      sums[pack.moduleOf(i)] += x;
      counts[pack.moduleOf(i)]++;
    });
    return { value: maxMinusMin(sums.map((x, m) => x / counts[m])), sd: 0.001, res: 0.001 };
  },
  'scan_tool/hv_battery/soh': (c) => ({ value: packOf(c).sohPct, sd: 0.2, res: 0.1 }),
  'scan_tool/hv_battery/module_temp_min': (c) => ({ value: Math.min(...packOf(c).moduleC), sd: 0.3, res: 1 }),
  'cell_capacity_tester/hv_battery/weakest_cell_capacity': (c) => {
    const caps = capacities(c);
    const median = [...caps].sort((a, b) => a - b)[Math.floor(caps.length / 2)];
    return { value: (100 * Math.min(...caps)) / median, sd: 0.5, res: 0.1 };
  },
  'cell_capacity_tester/hv_battery/pack_capacity': (c) => {
    const caps = capacities(c);
    return {
      value: (100 * caps.reduce((a, b) => a + b, 0)) / caps.length / packOf(c).nominalAh,
      sd: 0.5,
      res: 0.1,
    };
  },
  'multimeter/hv_bus/voltage': (c) => {
    if (c.cond.engine === 'off') return { value: 0, sd: 0.05, res: 0.1 };
    return { value: c.m.hvV > 0 ? c.m.hvV : (c.m.profile.traction?.nominalV ?? 0), sd: 0.3, res: 0.1 };
  },
  // ——— Wheel speed ———
  'oscilloscope/wheel_speed_sensor/signal': (c) => ({ value: wheelSignal(c) }),
  'oscilloscope/wheel_speed_sensor/pulses_per_turn': (c) => {
    const s = wheelSignal(c);
    if (s === 'none') return { value: 0, res: 1 };
    const f = c.e.wheelFaults[c.i];
    const missing = f?.mode === 'tone_ring' ? toneRingDamagedTeeth(f.severity) : 0;
    return { value: TONE_RING_TEETH - missing, res: 1 };
  },
  'multimeter/wheel_speed_sensor/supply_voltage': (c) => {
    const f = c.e.wheelFaults[c.i];
    if (f?.mode === 'harness' && harnessOpen(c, f.severity)) return { value: 0, sd: 0.002, res: 0.01 };
    return {
      value: ocvNow(c) - 6 * batteryRint(c.m.profile, c.e.batteryHealth) - 0.3 + c.spread(0.02),
      sd: 0.005,
      res: 0.01,
    };
  },
  'multimeter/wss_harness/resistance': (c) => {
    const f = c.e.wheelFaults[c.i];
    if (f?.mode === 'harness' && harnessOpen(c, f.severity)) return { value: 0, over: true };
    return { value: 0.5 + c.spread(0.05), sd: 0.02, res: 0.01 };
  },
  'visual/tone_ring/damaged_teeth': (c) => {
    const f = c.e.wheelFaults[c.i];
    return { value: f?.mode === 'tone_ring' ? toneRingDamagedTeeth(f.severity) : 0, res: 1 };
  },
};

function catalystInletC(c: Ctx): number {
  // An IR thermometer reads the shell, cooler than the gas inside.
  const load = c.cond.engine === 'rpm_2500' ? 28 : 20;
  // The same car's catalyst has the same shell: one spread for both readings of it.
  return 0.8 * exhaustGasTempC(load, rpmOf(c)) + partSpread(c.host.seed, 'catalyst/inlet', 4);
}

function dpfTrueKpa(c: Ctx): number {
  const rpm = rpmOf(c);
  const load = c.cond.engine === 'rpm_2500' ? 25 : 15;
  return (
    dpfDeltaKpa(airAt(c) * 1.03, c.m.dpfSootG, c.e.dpfBlock, exhaustGasTempC(load, rpm)) + c.spread(0.05)
  );
}

function chargingDrop(c: Ctx, side: 'positive' | 'ground'): Reading {
  const { sourceA } = chargingAt(c, loadsA(c));
  const extra = (c.e.chargingWireAt ?? 'positive') === side ? c.e.chargingWireOhm : 0;
  return { value: sourceA * (CHARGING_WIRE_OHM / 2 + extra) + c.spread(0.005), sd: 0.004, res: 0.01 };
}

function insulation(c: Ctx, part: 'hv_battery' | 'ac_compressor' | 'inverter'): Reading {
  if (c.e.isolationAt === part && c.e.isolationKohm !== undefined)
    return { value: (c.e.isolationKohm / 1000) * (1 + c.spread(0.03)), sd: 0.001, res: 0.001 };
  const healthy = HV_INSULATION_MOHM * Math.exp(c.spread(0.25));
  if (healthy > INSULATION_TESTER_MAX_MOHM) return { value: INSULATION_TESTER_MAX_MOHM, over: true };
  return { value: healthy, sd: healthy * 0.01, res: 1 };
}

function packOf(c: Ctx): TractionPack {
  const pack = c.m.pack;
  if (!pack) throw new Error(`${c.m.profile.name}: no traction pack`);
  return pack;
}

/** The BMS's cell voltages as the pack's cells make them now, at rest or under `amps`. */
function cellsAt(c: Ctx, amps: number): number[] {
  return packOf(c).cellVoltagesAt(amps);
}

const maxMinusMin = (v: number[]) => Math.max(...v) - Math.min(...v);

function capacities(c: Ctx): number[] {
  const pack = packOf(c);
  return Array.from({ length: pack.cells }, (_, i) => pack.capacity(i));
}

function harnessOpen(c: Ctx, severity: number): boolean {
  if (severity >= 0.7) return true;
  return !!c.cond.wiggle && c.host.noise.next() < severity / 0.7;
}

function wheelSignal(c: Ctx): 'regular' | 'missing pulses' | 'none' {
  const f = c.e.wheelFaults[c.i];
  if (!f) return 'regular';
  // Turned by hand the wheel makes a few km/h: below what a failing sensor still sees.
  if (f.mode === 'sensor') return 'none';
  if (f.mode === 'harness') return harnessOpen(c, f.severity) ? 'none' : 'regular';
  return 'missing pulses';
}
