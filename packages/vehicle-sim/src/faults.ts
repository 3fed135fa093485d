import { hashUnit } from './parts.js';
import type { EcuRole, Text, VehicleProfile } from './profiles.js';
import { type ScenarioReason, scenarioReason } from './scenario-reasons.js';

/** Every fault the simulator knows. */
export type FaultType =
  | 'misfire'
  | 'ignition_coil'
  | 'low_compression'
  | 'vacuum_leak'
  | 'maf_contaminated'
  | 'fuel_pressure_low'
  | 'fuel_pressure_high'
  | 'injector_clogged'
  | 'injector_leaking'
  | 'thermostat_stuck_open'
  | 'coolant_sensor_open'
  | 'coolant_sensor_skewed'
  | 'coolant_low'
  | 'o2_sensor_slow'
  | 'o2_heater_circuit'
  | 'o2_sensor_downstream'
  | 'exhaust_leak'
  | 'catalyst_degraded'
  | 'evap_large_leak'
  | 'evap_small_leak'
  | 'canister_cracked'
  | 'purge_valve_stuck_open'
  | 'egr_stuck'
  | 'egr_passage_clogged'
  | 'egr_circuit'
  | 'dpf_clogged'
  | 'dp_sensor_drift'
  | 'charging_fault'
  | 'charging_wiring'
  | 'belt_slipping'
  | 'dcdc_converter'
  | 'weak_battery'
  | 'starter_fault'
  | 'immobilizer_key'
  | 'lost_communication'
  | 'can_wiring'
  | 'ecu_internal'
  | 'hv_isolation'
  | 'weak_cell'
  | 'cell_imbalance'
  | 'pack_aged'
  | 'wheel_speed_sensor'
  | 'wheel_speed_harness'
  | 'tone_ring_damaged';

export type Wheel = 'fl' | 'fr' | 'rl' | 'rr';
export const WHEELS: Wheel[] = ['fl', 'fr', 'rl', 'rr'];

/** Operating conditions under which an intermittent fault shows (see `Intermittent`). */
export const INTERMITTENT_WHEN = ['hot', 'cold', 'load', 'moving', 'idle'] as const;
export type IntermittentWhen = (typeof INTERMITTENT_WHEN)[number];

/**
 * An intermittent fault: present only under an operating condition (`when`: engine hot — coolant
 * above 80 °C —, cold — below 40 °C —, under load — above 60 % —, moving — above 30 km/h, vibration —,
 * or at idle), and/or a fraction `duty` of the time in episodes of about `episodeS` seconds drawn
 * from the scenario's seed. Both given: random episodes within the condition.
 */
export interface Intermittent {
  when?: IntermittentWhen;
  duty?: number;
  episodeS?: number;
}

/** A fault as a scenario states it. `onset` is seconds of simulated time from the start of the scenario. */
export interface FaultSpec {
  type: FaultType;
  severity: number;
  onset: number;
  cylinder?: number;
  /** Traction battery cell, 1-based (`weak_cell`). */
  cell?: number;
  /** Traction battery module, 1-based (`cell_imbalance`). */
  module?: number;
  wheel?: Wheel;
  ecu?: EcuRole;
  position?: 'open' | 'closed';
  /** Which part of a system (`FAULTS[type].parts`): where a leak is, which HV component, … */
  part?: string;
  intermittent?: Intermittent;
}

export type LeakPath = 'exhaust_valve' | 'intake_valve' | 'piston_rings' | 'head_gasket';
export type HvPart = 'ac_compressor' | 'hv_battery' | 'inverter';
export type WheelFaultMode = 'sensor' | 'harness' | 'tone_ring';

/**
 * What the active faults do to the car's parts, gathered in one place so the model and the
 * instruments read one object. Healthy values are those of `noEffects`.
 */
export interface FaultEffects {
  /** Unmetered air through the leak when the manifold is under strong vacuum, g/s. */
  vacuumLeakGs: number;
  vacuumLeakAt?: string;
  /** Fraction the MAF under-reads at high flow (contamination insulates the hot film). */
  mafUnderRead: number;
  /** Misfire from the ignition (plug, coil), fraction of firings, per cylinder. */
  misfireRate: number[];
  /** Spark plug electrode wear per cylinder, 0..1. */
  plugWear: number[];
  /** Ignition coil secondary damage per cylinder, 0..1 (insulation breakdown, then an open winding). */
  coilDamage: number[];
  /** Compression lost per cylinder, 0..1, and where the leak goes. */
  compressionLoss: number[];
  leakPath: (LeakPath | undefined)[];
  injectorFlow: number[];
  /** Fuel dripping from a leaking injector with the rail under pressure, fraction of idle fuel per cylinder. */
  injectorLeak: number[];
  /** Fuel pump wear (or filter restriction), 0..1: 1 is no pressure at all. */
  fuelPumpWear: number;
  fuelFilter: boolean;
  /** Pressure regulator stuck shut, 0..1: regulated pressure up to +60 %. */
  regulatorHigh: number;
  /** Thermostat stuck open, 0..1. */
  thermostatOpen: number;
  /** ECT sensor element open right now. */
  ectOpen: boolean;
  /** ECT sensor drifted: reads this many °C colder than the coolant. */
  ectColdC: number;
  /** Coolant lost, 0..1 of the system's volume above the minimum. */
  coolantLoss: number;
  /** Extra time constant of the upstream O2 sensor (bank 1), s. */
  o2ExtraLagS: number;
  /** O2 heater circuit damage, 0..1 (≥ 0.6 open), by sensor. */
  o2Heater: { upstream: number; downstream: number };
  /** Downstream O2 sensor contamination, 0..1: lazy and biased lean, stuck low when severe. */
  o2DownDamage: number;
  /** Exhaust leak (outside air drawn in), 0..1, before the upstream or the downstream sensor. */
  exhaustLeakUp: number;
  exhaustLeakDown: number;
  /** Catalyst oxygen storage capacity, fraction of a new one. */
  catCapacity: number;
  /** EVAP leak equivalent hole diameter, mm, and where it is. */
  evapLeakMm: number;
  evapLeakAt?: 'fuel_cap' | 'hose' | 'canister';
  /** Purge valve opening when it should be shut, 0..1. */
  purgeStuck: number;
  egrStuck?: { position: 'open' | 'closed'; severity: number };
  /** EGR passage section left by carbon, fraction of new (1 clean). */
  egrPassage: number;
  /** EGR valve circuit damage, 0..1 (≥ 0.7 open). */
  egrCircuit: number;
  /** DPF blockage (ash, melted substrate), 0..1. */
  dpfBlock: number;
  /** DPF differential pressure sensor offset, kPa. */
  dpOffsetKpa: number;
  /** Alternator output as a fraction of nominal. */
  alternator: number;
  /** Alternator field circuit fault (the ECU sees no response to its command). */
  alternatorCircuit: boolean;
  /** Extra resistance in the charging circuit, Ω, and on which side. */
  chargingWireOhm: number;
  chargingWireAt?: 'positive' | 'ground';
  /** Accessory belt slip tendency, 0..1. */
  beltSlip: number;
  /** DC-DC converter output as a fraction of nominal (hybrid, EV). */
  dcdc: number;
  /** 12 V battery health: 1 is new. */
  batteryHealth: number;
  /** Starter wear, 0..1: worn bushings and brushes draw more; ≥ 0.7 the solenoid no longer engages. */
  starterWear: number;
  /** Immobiliser transponder not recognised, 0..1 (below 0.6: some attempts fail). */
  immobilizer: number;
  /** ECUs that do not answer right now. */
  lostEcus: Set<EcuRole>;
  /** Power or ground fault severity per ECU (a drop at its supply pins). */
  ecuSupply: Map<EcuRole, number>;
  /** CAN harness damage on the way to an ECU from the OBD socket, 0..1 (≥ 0.5 open). */
  canBranch: Map<EcuRole, number>;
  /** ECUs that failed inside. */
  ecuInternal: Set<EcuRole>;
  /** HV isolation resistance, kΩ (undefined: healthy), and the component at fault. */
  isolationKohm?: number;
  isolationAt?: HvPart;
  /** Weak traction-battery cells: severity by cell index (0-based). */
  weakCells: Map<number, number>;
  /** Modules whose cells the balancing left behind: SoC deficit (0..1) by module index (0-based). */
  moduleSocDeficit: Map<number, number>;
  /** Whole-pack ageing, 0..1 (capacity fade and resistance growth of every cell beyond the distance's). */
  packAgeing: number;
  /** Wheel-speed chain faults per wheel (index into WHEELS). */
  wheelFaults: ({ mode: WheelFaultMode; severity: number } | undefined)[];
}

export function noEffects(cylinders: number): FaultEffects {
  return {
    vacuumLeakGs: 0,
    mafUnderRead: 0,
    misfireRate: new Array(cylinders).fill(0),
    plugWear: new Array(cylinders).fill(0),
    coilDamage: new Array(cylinders).fill(0),
    compressionLoss: new Array(cylinders).fill(0),
    leakPath: new Array(cylinders).fill(undefined),
    injectorFlow: new Array(cylinders).fill(1),
    injectorLeak: new Array(cylinders).fill(0),
    fuelPumpWear: 0,
    fuelFilter: false,
    regulatorHigh: 0,
    thermostatOpen: 0,
    ectOpen: false,
    ectColdC: 0,
    coolantLoss: 0,
    o2ExtraLagS: 0,
    o2Heater: { upstream: 0, downstream: 0 },
    o2DownDamage: 0,
    exhaustLeakUp: 0,
    exhaustLeakDown: 0,
    catCapacity: 1,
    evapLeakMm: 0,
    purgeStuck: 0,
    egrPassage: 1,
    egrCircuit: 0,
    dpfBlock: 0,
    dpOffsetKpa: 0,
    alternator: 1,
    alternatorCircuit: false,
    chargingWireOhm: 0,
    beltSlip: 0,
    dcdc: 1,
    batteryHealth: 1,
    starterWear: 0,
    immobilizer: 0,
    lostEcus: new Set(),
    ecuSupply: new Map(),
    canBranch: new Map(),
    ecuInternal: new Set(),
    weakCells: new Map(),
    moduleSocDeficit: new Map(),
    packAgeing: 0,
    wheelFaults: [undefined, undefined, undefined, undefined],
  };
}

/** The car's state an intermittent fault or a fault's own chatter depends on. */
export interface FaultContext {
  /** Simulated time, s. */
  t: number;
  seed: number;
  /** Position of the fault in the scenario's list (its own random stream). */
  index: number;
  coolantC: number;
  loadPct: number;
  speedKmh: number;
  engineOn: boolean;
}

interface FaultDef {
  label: Text;
  /** Codes the fault leads to (documentation and `sim list`); `N` stands for the cylinder. */
  codes: string[];
  /** The values `part` takes, the first being the default. */
  parts?: readonly string[];
  /** Why the fault cannot exist on this vehicle (a reason the scenario file is refused), or undefined. */
  notOn?(p: VehicleProfile, f: FaultSpec): ScenarioReason | undefined;
  apply(e: FaultEffects, f: FaultSpec, p: VehicleProfile, c: FaultContext): void;
}

/** A lithium-ion traction pack (its cells and modules), or why not. */
const needsLiIonPack = (p: VehicleProfile) =>
  !p.traction || p.traction.chemistry === 'NiMH' ? scenarioReason('needs-li-ion') : undefined;
/** A 1-based index within `count` (a cell, a module), or why not. */
const indexProblem = (what: 'cell' | 'module', n: number | undefined, count: number) =>
  n === undefined
    ? scenarioReason('needs-index', { what })
    : n > count
      ? scenarioReason('index-too-high', { what, count, n })
      : undefined;
const needsEngine = (p: VehicleProfile) =>
  p.engine.kind === 'none' ? scenarioReason('ev-no-engine') : undefined;
const needsSpark = (p: VehicleProfile) =>
  p.engine.kind !== 'spark' ? scenarioReason('needs-spark') : undefined;
const needsAlternator = (p: VehicleProfile) =>
  p.engine.kind === 'none'
    ? scenarioReason('ev-no-alternator')
    : p.traction
      ? scenarioReason('hybrid-no-alternator')
      : undefined;
const needsEcu = (p: VehicleProfile, f: FaultSpec) =>
  !f.ecu
    ? scenarioReason('needs-field', { field: 'ecu' })
    : p.ecus.some((x) => x.role === f.ecu)
      ? undefined
      : scenarioReason('no-such-ecu', { ecu: f.ecu, has: p.ecus.map((x) => x.role).join(', ') });
const needsWheel = (p: VehicleProfile, f: FaultSpec) =>
  !f.wheel
    ? scenarioReason('needs-wheel')
    : p.ecus.some((x) => x.role === 'abs')
      ? undefined
      : scenarioReason('no-abs');

/**
 * The order of the ECUs along the high-speed CAN bus: the OBD socket and the engine ECU at one end,
 * the ABS module at the other; the terminating resistors sit in those two.
 */
export const CAN_TRUNK: EcuRole[] = ['engine', 'transmission', 'battery', 'body', 'abs'];

/** Whether a fault that chatters on its own (a loose contact) is open at `c.t`: 0.5 s slots, open with probability `p`. */
const chatter = (c: FaultContext, p: number) => hashUnit(c.seed, 1000 + c.index, Math.floor(c.t * 2)) < p;

const max = (a: number, b: number) => Math.max(a, b);

export const FAULTS: Record<FaultType, FaultDef> = {
  misfire: {
    label: { fr: 'bougie usée (raté de combustion)', en: 'worn spark plug (misfire)' },
    codes: ['P030N', 'P0300'],
    notOn: (p, f) => needsSpark(p) ?? cylinderProblem(p, f),
    apply(e, f) {
      const c = f.cylinder! - 1;
      e.plugWear[c] = max(e.plugWear[c], f.severity);
      e.misfireRate[c] = max(e.misfireRate[c], 0.04 + 0.36 * f.severity);
    },
  },
  ignition_coil: {
    label: { fr: "bobine d'allumage défaillante", en: 'failing ignition coil' },
    codes: ['P030N', 'P0300'],
    notOn: (p, f) => needsSpark(p) ?? cylinderProblem(p, f),
    apply(e, f, _p, c) {
      const i = f.cylinder! - 1;
      e.coilDamage[i] = max(e.coilDamage[i], f.severity);
      // Cracked insulation tracks to ground when the spark needs more voltage (under load); an open
      // secondary gives no spark at all.
      const base = f.severity >= 0.85 ? 1 : 0.01 + 0.25 * f.severity;
      const underLoad = f.severity >= 0.85 ? 0 : (0.4 * f.severity * Math.min(100, c.loadPct)) / 100;
      e.misfireRate[i] = max(e.misfireRate[i], Math.min(1, base + underLoad));
    },
  },
  low_compression: {
    label: { fr: 'compression faible sur un cylindre', en: 'low compression on one cylinder' },
    codes: ['P030N', 'P0300'],
    parts: ['exhaust_valve', 'intake_valve', 'piston_rings', 'head_gasket'],
    notOn: (p, f) => needsEngine(p) ?? cylinderProblem(p, f),
    apply(e, f) {
      const i = f.cylinder! - 1;
      e.compressionLoss[i] = max(e.compressionLoss[i], f.severity);
      e.leakPath[i] = (f.part ?? 'exhaust_valve') as LeakPath;
    },
  },
  vacuum_leak: {
    label: { fr: "prise d'air à l'admission", en: 'intake vacuum leak' },
    codes: ['P0171', 'P0174', 'P0300'],
    parts: ['brake_servo_hose', 'pcv_hose', 'intake_manifold_gasket', 'throttle_body_gasket'],
    notOn: needsSpark,
    apply(e, f, p) {
      // Sized against the engine's idle air: severity 1 leaks 30 % of it (a split PCV or brake-servo hose).
      const idleAir = (p.engine.idleRpm / 120) * p.engine.displacementL * 1.184 * 0.85 * 0.32;
      e.vacuumLeakGs += 0.3 * f.severity * idleAir;
      e.vacuumLeakAt ??= f.part ?? 'brake_servo_hose';
    },
  },
  maf_contaminated: {
    label: { fr: 'débitmètre d’air encrassé', en: 'contaminated mass air flow sensor' },
    codes: ['P0101', 'P0171'],
    notOn: needsSpark,
    apply(e, f) {
      e.mafUnderRead = max(e.mafUnderRead, 0.35 * f.severity);
    },
  },
  fuel_pressure_low: {
    label: {
      fr: "pression d'essence insuffisante (pompe usée, filtre colmaté)",
      en: 'low fuel pressure (worn pump, clogged filter)',
    },
    codes: ['P0171', 'P0174', 'P0300'],
    parts: ['pump', 'filter'],
    notOn: needsSpark,
    apply(e, f) {
      e.fuelPumpWear = max(e.fuelPumpWear, f.severity);
      if (f.part === 'filter') e.fuelFilter = true;
    },
  },
  fuel_pressure_high: {
    label: {
      fr: "régulateur de pression d'essence bloqué (pression trop haute)",
      en: 'fuel pressure regulator stuck (pressure too high)',
    },
    codes: ['P0172', 'P0175'],
    notOn: needsSpark,
    apply(e, f) {
      e.regulatorHigh = max(e.regulatorHigh, f.severity);
    },
  },
  injector_clogged: {
    label: { fr: 'injecteur encrassé', en: 'clogged injector' },
    codes: ['P030N'],
    notOn: (p, f) => needsEngine(p) ?? cylinderProblem(p, f),
    apply(e, f) {
      e.injectorFlow[f.cylinder! - 1] *= 1 - 0.45 * f.severity;
    },
  },
  injector_leaking: {
    label: { fr: 'injecteur qui fuit', en: 'leaking injector' },
    codes: ['P0172', 'P2463'],
    notOn: (p, f) => needsEngine(p) ?? cylinderProblem(p, f),
    apply(e, f) {
      const i = f.cylinder! - 1;
      e.injectorLeak[i] = max(e.injectorLeak[i], f.severity);
    },
  },
  thermostat_stuck_open: {
    label: { fr: 'calorstat bloqué ouvert', en: 'thermostat stuck open' },
    codes: ['P0128'],
    notOn: needsEngine,
    apply(e, f) {
      e.thermostatOpen = max(e.thermostatOpen, f.severity);
    },
  },
  coolant_sensor_open: {
    label: {
      fr: 'sonde de température d’eau en circuit ouvert',
      en: 'coolant temperature sensor open circuit',
    },
    codes: ['P0118', 'P0119'],
    notOn: needsEngine,
    apply(e, f, _p, c) {
      // Severity 1: open for good. Below, a cracked element or contact opens when the engine
      // shakes it, for a share of the time that grows with severity: short drop-outs (erratic,
      // P0119) at first, long enough for P0118 when severe.
      if (f.severity >= 1 || (c.engineOn && chatter(c, f.severity ** 1.5))) e.ectOpen = true;
    },
  },
  coolant_sensor_skewed: {
    label: {
      fr: 'sonde de température d’eau déréglée (indique froid)',
      en: 'coolant temperature sensor skewed (reads cold)',
    },
    codes: ['P0128', 'P0172', 'P0125'],
    notOn: needsEngine,
    apply(e, f) {
      e.ectColdC = max(e.ectColdC, 10 + 50 * f.severity);
    },
  },
  coolant_low: {
    label: { fr: 'niveau de liquide de refroidissement bas (fuite)', en: 'low coolant level (leak)' },
    codes: ['P0128', 'P0217'],
    notOn: needsEngine,
    apply(e, f) {
      e.coolantLoss = max(e.coolantLoss, f.severity);
    },
  },
  o2_sensor_slow: {
    label: { fr: 'sonde lambda amont paresseuse', en: 'slow upstream O2 sensor' },
    codes: ['P0133'],
    notOn: needsSpark,
    apply(e, f) {
      e.o2ExtraLagS = max(e.o2ExtraLagS, 0.25 + 0.75 * f.severity);
    },
  },
  o2_heater_circuit: {
    label: { fr: 'circuit de chauffage de sonde lambda', en: 'O2 sensor heater circuit' },
    codes: ['P0135', 'P0141'],
    parts: ['upstream', 'downstream'],
    notOn: needsSpark,
    apply(e, f) {
      const at = (f.part ?? 'upstream') as 'upstream' | 'downstream';
      e.o2Heater[at] = max(e.o2Heater[at], f.severity);
    },
  },
  o2_sensor_downstream: {
    label: { fr: 'sonde lambda aval défaillante', en: 'faulty downstream O2 sensor' },
    codes: ['P0137'],
    notOn: needsSpark,
    apply(e, f) {
      e.o2DownDamage = max(e.o2DownDamage, f.severity);
    },
  },
  exhaust_leak: {
    label: { fr: "fuite à l'échappement", en: 'exhaust leak' },
    codes: ['P0171', 'P0420'],
    parts: ['before_upstream_o2', 'before_downstream_o2'],
    notOn: needsSpark,
    apply(e, f) {
      if ((f.part ?? 'before_upstream_o2') === 'before_upstream_o2')
        e.exhaustLeakUp = max(e.exhaustLeakUp, f.severity);
      else e.exhaustLeakDown = max(e.exhaustLeakDown, f.severity);
    },
  },
  catalyst_degraded: {
    label: { fr: 'catalyseur dégradé', en: 'degraded catalytic converter' },
    codes: ['P0420'],
    notOn: needsSpark,
    apply(e, f) {
      e.catCapacity = Math.min(e.catCapacity, 1 - 0.97 * f.severity);
    },
  },
  evap_large_leak: {
    label: { fr: 'grosse fuite EVAP (bouchon de réservoir)', en: 'large EVAP leak (fuel cap)' },
    codes: ['P0455'],
    notOn: (p) => (p.engine.evap ? undefined : scenarioReason('no-evap')),
    apply(e, f) {
      evapLeak(e, 3 + 7 * f.severity, 'fuel_cap');
    },
  },
  evap_small_leak: {
    label: { fr: 'petite fuite EVAP (durite)', en: 'small EVAP leak (hose)' },
    codes: ['P0442', 'P0456'],
    notOn: (p) => (p.engine.evap ? undefined : scenarioReason('no-evap')),
    apply(e, f) {
      evapLeak(e, 0.6 + 0.6 * f.severity, 'hose');
    },
  },
  canister_cracked: {
    label: { fr: 'canister fissuré', en: 'cracked charcoal canister' },
    codes: ['P0456', 'P0442', 'P0455'],
    notOn: (p) => (p.engine.evap ? undefined : scenarioReason('no-evap')),
    apply(e, f) {
      evapLeak(e, 0.5 + 2.5 * f.severity, 'canister');
    },
  },
  purge_valve_stuck_open: {
    label: { fr: 'électrovanne de purge canister bloquée ouverte', en: 'canister purge valve stuck open' },
    codes: ['P0496', 'P0172'],
    notOn: (p) => (p.engine.evap ? undefined : scenarioReason('no-evap')),
    apply(e, f) {
      e.purgeStuck = max(e.purgeStuck, f.severity);
    },
  },
  egr_stuck: {
    label: { fr: 'vanne EGR bloquée', en: 'EGR valve stuck' },
    codes: ['P0401', 'P0404'],
    notOn: (p) => (p.engine.egr ? undefined : scenarioReason('no-egr')),
    apply(e, f) {
      e.egrStuck = { position: f.position ?? 'closed', severity: f.severity };
    },
  },
  egr_passage_clogged: {
    label: { fr: 'conduits EGR encrassés', en: 'clogged EGR passages' },
    codes: ['P0401'],
    notOn: (p) => (p.engine.egr ? undefined : scenarioReason('no-egr')),
    apply(e, f) {
      e.egrPassage = Math.min(e.egrPassage, 1 - 0.95 * f.severity);
    },
  },
  egr_circuit: {
    label: { fr: 'circuit électrique de la vanne EGR', en: 'EGR valve electrical circuit' },
    codes: ['P0403', 'P0401'],
    notOn: (p) => (p.engine.egr ? undefined : scenarioReason('no-egr')),
    apply(e, f) {
      e.egrCircuit = max(e.egrCircuit, f.severity);
    },
  },
  dpf_clogged: {
    label: { fr: 'filtre à particules colmaté', en: 'clogged diesel particulate filter' },
    codes: ['P2463', 'P2002'],
    notOn: (p) => (p.engine.dpf ? undefined : scenarioReason('dpf-fault-only')),
    apply(e, f) {
      e.dpfBlock = max(e.dpfBlock, f.severity);
    },
  },
  dp_sensor_drift: {
    label: {
      fr: 'capteur de pression différentielle du FAP dérivé',
      en: 'DPF differential pressure sensor drifted',
    },
    codes: ['P2453', 'P2463'],
    notOn: (p) => (p.engine.dpf ? undefined : scenarioReason('dpf-sensor-only')),
    apply(e, f) {
      e.dpOffsetKpa = max(e.dpOffsetKpa, 0.6 + 4.4 * f.severity);
    },
  },
  charging_fault: {
    label: { fr: 'défaut de charge (alternateur)', en: 'charging fault (alternator)' },
    codes: ['P0562', 'P0620'],
    notOn: needsAlternator,
    apply(e, f) {
      e.alternator = Math.min(e.alternator, 1 - f.severity);
      if (f.severity >= 0.8) e.alternatorCircuit = true;
    },
  },
  charging_wiring: {
    label: {
      fr: 'câblage de charge résistant (cosse oxydée, masse)',
      en: 'resistive charging wiring (corroded terminal, ground)',
    },
    codes: ['P0562'],
    parts: ['positive', 'ground'],
    notOn: needsAlternator,
    apply(e, f) {
      e.chargingWireOhm += 0.005 + 0.075 * f.severity;
      e.chargingWireAt ??= (f.part ?? 'positive') as 'positive' | 'ground';
    },
  },
  belt_slipping: {
    label: { fr: "courroie d'accessoires qui patine", en: 'slipping accessory belt' },
    codes: ['P0562'],
    notOn: needsAlternator,
    apply(e, f) {
      e.beltSlip = max(e.beltSlip, f.severity);
    },
  },
  dcdc_converter: {
    label: { fr: 'convertisseur DC-DC défaillant', en: 'failing DC-DC converter' },
    codes: ['P0A94', 'P0562'],
    notOn: (p) => (p.traction ? undefined : scenarioReason('dcdc-only')),
    apply(e, f) {
      e.dcdc = Math.min(e.dcdc, 1 - f.severity);
    },
  },
  weak_battery: {
    label: { fr: 'batterie 12 V faible', en: 'weak 12 V battery' },
    codes: [],
    apply(e, f) {
      e.batteryHealth = Math.min(e.batteryHealth, 1 - 0.75 * f.severity);
    },
  },
  starter_fault: {
    label: { fr: 'démarreur ou son solénoïde', en: 'starter motor or its solenoid' },
    codes: [],
    notOn: (p) =>
      p.engine.kind === 'none'
        ? scenarioReason('ev-no-starter')
        : p.traction
          ? scenarioReason('hybrid-no-starter')
          : undefined,
    apply(e, f) {
      e.starterWear = max(e.starterWear, f.severity);
    },
  },
  immobilizer_key: {
    label: { fr: 'antidémarrage (clé non reconnue)', en: 'immobiliser (key not recognised)' },
    codes: ['P0513'],
    apply(e, f) {
      e.immobilizer = max(e.immobilizer, f.severity);
    },
  },
  lost_communication: {
    label: {
      fr: 'perte de communication avec un calculateur (alimentation ou masse)',
      en: 'lost communication with an ECU (power supply or ground)',
    },
    codes: ['U0100', 'U0101', 'U0111', 'U0121', 'U0140'],
    notOn: needsEcu,
    apply(e, f, _p, c) {
      e.ecuSupply.set(f.ecu!, max(e.ecuSupply.get(f.ecu!) ?? 0, f.severity));
      // Severity 0.8 and above: fuse or ground open. Below, a corroded ground that lets go when the
      // car shakes (moving), for a share of the time that grows with severity.
      if (f.severity >= 0.8 || (c.speedKmh > 5 && chatter(c, f.severity))) e.lostEcus.add(f.ecu!);
    },
  },
  can_wiring: {
    label: {
      fr: 'faisceau CAN coupé (le calculateur nommé et ceux au-delà sur le bus)',
      en: 'CAN harness open (the ECU named and those beyond it on the bus)',
    },
    codes: ['U0100', 'U0101', 'U0111', 'U0121', 'U0140'],
    notOn: needsEcu,
    apply(e, f, p, c) {
      // The bus runs from the OBD socket and engine ECU to the ABS module (`CAN_TRUNK`): an open
      // just before the ECU named cuts it and every ECU further along. Severity 0.5 and above: open
      // for good; below, fretted strands that open when the car shakes.
      const from = CAN_TRUNK.indexOf(f.ecu!);
      const open = f.severity >= 0.5 || (c.speedKmh > 5 && chatter(c, 2 * f.severity));
      for (const role of CAN_TRUNK.slice(from)) {
        if (!p.ecus.some((x) => x.role === role)) continue;
        e.canBranch.set(role, max(e.canBranch.get(role) ?? 0, f.severity));
        if (open) e.lostEcus.add(role);
      }
    },
  },
  ecu_internal: {
    label: { fr: 'calculateur défaillant', en: 'failed control unit' },
    codes: ['U0100', 'U0101', 'U0111', 'U0121', 'U0140'],
    notOn: needsEcu,
    apply(e, f, _p, c) {
      e.ecuInternal.add(f.ecu!);
      // From severity 0.5 it is dead; below, its watchdog resets it when it runs warm (engine on),
      // for a share of the time that grows with severity.
      if (f.severity >= 0.5 || (c.engineOn && chatter(c, f.severity))) e.lostEcus.add(f.ecu!);
    },
  },
  hv_isolation: {
    label: { fr: "défaut d'isolement haute tension", en: 'high-voltage isolation fault' },
    codes: ['P0AA6'],
    parts: ['ac_compressor', 'hv_battery', 'inverter'],
    notOn: (p) => (p.traction ? undefined : scenarioReason('needs-traction')),
    apply(e, f) {
      const k = 150 * (1 - f.severity) + 12;
      if (e.isolationKohm === undefined || k < e.isolationKohm) {
        e.isolationKohm = k;
        e.isolationAt = (f.part ?? 'ac_compressor') as HvPart;
      }
    },
  },
  weak_cell: {
    label: { fr: 'cellule faible de la batterie de traction', en: 'weak traction-battery cell' },
    codes: ['P0A7F'],
    notOn: (p, f) => needsLiIonPack(p) ?? indexProblem('cell', f.cell, p.traction!.cells),
    apply(e, f) {
      const i = f.cell! - 1;
      e.weakCells.set(i, max(e.weakCells.get(i) ?? 0, f.severity));
    },
  },
  cell_imbalance: {
    label: {
      fr: 'cellules déséquilibrées (un module en retard de charge)',
      en: 'unbalanced cells (one module behind in charge)',
    },
    codes: ['P0A7F'],
    notOn: (p, f) => needsLiIonPack(p) ?? indexProblem('module', f.module, p.traction!.modules ?? 4),
    apply(e, f) {
      // A module whose balancing was lost (a balancing circuit, a module fitted at another charge)
      // holds up to 30 % less charge than the others: its cells are healthy, only behind.
      const i = f.module! - 1;
      e.moduleSocDeficit.set(i, max(e.moduleSocDeficit.get(i) ?? 0, 0.3 * f.severity));
    },
  },
  pack_aged: {
    label: { fr: 'batterie de traction usée (vieillissement)', en: 'aged traction battery' },
    codes: [],
    notOn: needsLiIonPack,
    apply(e, f) {
      e.packAgeing = max(e.packAgeing, f.severity);
    },
  },
  wheel_speed_sensor: {
    label: { fr: 'capteur de vitesse de roue', en: 'wheel speed sensor' },
    codes: ['C0035', 'C0040', 'C0045', 'C0050'],
    notOn: needsWheel,
    apply(e, f) {
      e.wheelFaults[WHEELS.indexOf(f.wheel!)] = { mode: 'sensor', severity: f.severity };
    },
  },
  wheel_speed_harness: {
    label: { fr: 'faisceau du capteur de vitesse de roue', en: 'wheel-speed sensor harness' },
    codes: ['C0035', 'C0040', 'C0045', 'C0050'],
    notOn: needsWheel,
    apply(e, f) {
      e.wheelFaults[WHEELS.indexOf(f.wheel!)] = { mode: 'harness', severity: f.severity };
    },
  },
  tone_ring_damaged: {
    label: { fr: 'cible ou codeur magnétique endommagé', en: 'damaged tone ring or magnetic encoder' },
    codes: ['C0035', 'C0040', 'C0045', 'C0050'],
    notOn: needsWheel,
    apply(e, f) {
      e.wheelFaults[WHEELS.indexOf(f.wheel!)] = { mode: 'tone_ring', severity: f.severity };
    },
  },
};

function evapLeak(e: FaultEffects, mm: number, at: 'fuel_cap' | 'hose' | 'canister'): void {
  // Two holes leak as one of the combined area.
  const combined = Math.sqrt(e.evapLeakMm ** 2 + mm ** 2);
  if (mm > e.evapLeakMm) e.evapLeakAt = at;
  e.evapLeakMm = combined;
}

function cylinderProblem(p: VehicleProfile, f: FaultSpec): ScenarioReason | undefined {
  const n = p.engine.cylinders;
  if (f.cylinder === undefined) return scenarioReason('needs-field', { field: 'cylinder' });
  if (!Number.isInteger(f.cylinder) || f.cylinder < 1 || f.cylinder > n)
    return scenarioReason('cylinder-range', { n });
  return undefined;
}

/** Whether an intermittent fault shows now; a permanent one always does. */
export function intermittentActive(f: FaultSpec, c: FaultContext): boolean {
  const i = f.intermittent;
  if (!i) return true;
  if (i.when) {
    const on =
      i.when === 'hot'
        ? c.coolantC > 80
        : i.when === 'cold'
          ? c.coolantC < 40
          : i.when === 'load'
            ? c.loadPct > 60
            : i.when === 'moving'
              ? c.speedKmh > 30
              : c.engineOn && c.speedKmh < 4;
    if (!on) return false;
  }
  if (i.duty !== undefined) {
    const episode = i.episodeS ?? 30;
    return hashUnit(c.seed, c.index, Math.floor(c.t / episode)) < i.duty;
  }
  return true;
}

/** The car's state as the faults see it, for a car at rest (tools, tests). */
export const RESTING: Omit<FaultContext, 't' | 'seed' | 'index'> = {
  coolantC: 20,
  loadPct: 0,
  speedKmh: 0,
  engineOn: false,
};

/** Effects of the faults active at simulated time `t` (s) in the car's state `state`. */
export function effectsAt(
  faults: readonly FaultSpec[],
  t: number,
  profile: VehicleProfile,
  state: Omit<FaultContext, 't' | 'index'> = { seed: 1, ...RESTING },
): FaultEffects {
  const e = noEffects(profile.engine.cylinders);
  faults.forEach((f, index) => {
    if (t < f.onset) return;
    const c = { ...state, t, index };
    if (intermittentActive(f, c)) FAULTS[f.type].apply(e, f, profile, c);
  });
  return e;
}

/** The faults a scenario can inject, in the order of `FAULTS`. */
export const FAULT_TYPES: readonly FaultType[] = Object.keys(FAULTS) as FaultType[];
