import type { EcuRole, Text, VehicleProfile } from './profiles.js';

/** Every fault the simulator can inject. */
export const FAULT_TYPES = [
  'misfire',
  'vacuum_leak',
  'maf_contaminated',
  'thermostat_stuck_open',
  'coolant_sensor_open',
  'o2_sensor_slow',
  'catalyst_degraded',
  'evap_large_leak',
  'evap_small_leak',
  'injector_clogged',
  'egr_stuck',
  'dpf_clogged',
  'charging_fault',
  'weak_battery',
  'lost_communication',
  'hv_isolation',
  'wheel_speed_sensor',
] as const;

export type FaultType = (typeof FAULT_TYPES)[number];
export type Wheel = 'fl' | 'fr' | 'rl' | 'rr';
export const WHEELS: Wheel[] = ['fl', 'fr', 'rl', 'rr'];

/** A fault as a scenario states it. `onset` is seconds of simulated time from the start of the scenario. */
export interface FaultSpec {
  type: FaultType;
  severity: number;
  onset: number;
  cylinder?: number;
  wheel?: Wheel;
  ecu?: EcuRole;
  position?: 'open' | 'closed';
}

/** What the active faults do to the physics, gathered in one place so the model reads one object. */
export interface FaultEffects {
  /** Unmetered air through the leak when the manifold is under strong vacuum, g/s. */
  vacuumLeakGs: number;
  /** Fraction the MAF under-reads at high flow (contamination insulates the hot film). */
  mafUnderRead: number;
  misfireRate: number[];
  injectorFlow: number[];
  /** Thermostat stuck open, 0..1. */
  thermostatOpen: number;
  ectOpen: boolean;
  /** Extra time constant of the upstream O2 sensor (bank 1), s. */
  o2ExtraLagS: number;
  /** Catalyst oxygen storage capacity, fraction of a new one. */
  catCapacity: number;
  /** EVAP leak equivalent hole diameter, mm. */
  evapLeakMm: number;
  egrStuck?: { position: 'open' | 'closed'; severity: number };
  /** DPF blockage (ash, melted substrate), 0..1. */
  dpfBlock: number;
  /** Alternator output as a fraction of nominal. */
  alternator: number;
  /** Alternator field circuit fault (the ECU sees no response to its command). */
  alternatorCircuit: boolean;
  /** 12 V battery health: 1 is new. */
  batteryHealth: number;
  lostEcus: Set<EcuRole>;
  /** HV isolation resistance, kΩ (undefined: healthy). */
  isolationKohm?: number;
  deadWheel?: number;
}

export function noEffects(cylinders: number): FaultEffects {
  return {
    vacuumLeakGs: 0,
    mafUnderRead: 0,
    misfireRate: new Array(cylinders).fill(0),
    injectorFlow: new Array(cylinders).fill(1),
    thermostatOpen: 0,
    ectOpen: false,
    o2ExtraLagS: 0,
    catCapacity: 1,
    evapLeakMm: 0,
    dpfBlock: 0,
    alternator: 1,
    alternatorCircuit: false,
    batteryHealth: 1,
    lostEcus: new Set(),
  };
}

interface FaultDef {
  label: Text;
  /** Codes the fault leads to (documentation and `sim list`); `N` stands for the cylinder. */
  codes: string[];
  /** Why the fault cannot exist on this vehicle, or undefined. */
  notOn?(p: VehicleProfile, f: FaultSpec): string | undefined;
  apply(e: FaultEffects, f: FaultSpec, p: VehicleProfile): void;
}

const needsEngine = (p: VehicleProfile) =>
  p.engine.kind === 'none' ? 'a battery EV has no engine' : undefined;
const needsSpark = (p: VehicleProfile) =>
  p.engine.kind !== 'spark' ? 'needs a petrol (spark ignition) engine' : undefined;

export const FAULTS: Record<FaultType, FaultDef> = {
  misfire: {
    label: { fr: 'raté de combustion sur un cylindre', en: 'misfire on one cylinder' },
    codes: ['P030N', 'P0300'],
    notOn: (p, f) => needsEngine(p) ?? cylinderProblem(p, f),
    apply(e, f) {
      e.misfireRate[f.cylinder! - 1] = Math.max(e.misfireRate[f.cylinder! - 1], 0.04 + 0.36 * f.severity);
    },
  },
  vacuum_leak: {
    label: { fr: "prise d'air à l'admission", en: 'intake vacuum leak' },
    codes: ['P0171', 'P0174'],
    notOn: needsSpark,
    apply(e, f, p) {
      // Sized against the engine's idle air: severity 1 leaks 30 % of it (a split PCV or brake-servo hose).
      const idleAir = (p.engine.idleRpm / 120) * p.engine.displacementL * 1.184 * 0.85 * 0.32;
      e.vacuumLeakGs += 0.3 * f.severity * idleAir;
    },
  },
  maf_contaminated: {
    label: { fr: 'débitmètre d’air encrassé', en: 'contaminated mass air flow sensor' },
    codes: ['P0101', 'P0171'],
    notOn: needsSpark,
    apply(e, f) {
      e.mafUnderRead = Math.max(e.mafUnderRead, 0.35 * f.severity);
    },
  },
  thermostat_stuck_open: {
    label: { fr: 'calorstat bloqué ouvert', en: 'thermostat stuck open' },
    codes: ['P0128'],
    notOn: needsEngine,
    apply(e, f) {
      e.thermostatOpen = Math.max(e.thermostatOpen, f.severity);
    },
  },
  coolant_sensor_open: {
    label: {
      fr: 'sonde de température d’eau en circuit ouvert',
      en: 'coolant temperature sensor open circuit',
    },
    codes: ['P0118'],
    notOn: needsEngine,
    apply(e) {
      e.ectOpen = true;
    },
  },
  o2_sensor_slow: {
    label: { fr: 'sonde lambda amont paresseuse', en: 'slow upstream O2 sensor' },
    codes: ['P0133'],
    notOn: needsSpark,
    apply(e, f) {
      e.o2ExtraLagS = Math.max(e.o2ExtraLagS, 0.25 + 0.75 * f.severity);
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
    notOn: (p) => (p.engine.evap ? undefined : 'this vehicle has no EVAP system'),
    apply(e, f) {
      e.evapLeakMm = Math.max(e.evapLeakMm, 3 + 7 * f.severity);
    },
  },
  evap_small_leak: {
    label: { fr: 'petite fuite EVAP', en: 'small EVAP leak' },
    codes: ['P0442', 'P0456'],
    notOn: (p) => (p.engine.evap ? undefined : 'this vehicle has no EVAP system'),
    apply(e, f) {
      e.evapLeakMm = Math.max(e.evapLeakMm, 0.6 + 0.6 * f.severity);
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
  egr_stuck: {
    label: { fr: 'vanne EGR bloquée', en: 'EGR valve stuck' },
    codes: ['P0401', 'P0404'],
    notOn: (p) => (p.engine.egr ? undefined : 'this engine has no EGR valve'),
    apply(e, f) {
      e.egrStuck = { position: f.position ?? 'closed', severity: f.severity };
    },
  },
  dpf_clogged: {
    label: { fr: 'filtre à particules colmaté', en: 'clogged diesel particulate filter' },
    codes: ['P2463', 'P2002'],
    notOn: (p) => (p.engine.dpf ? undefined : 'only a diesel with a DPF has this fault'),
    apply(e, f) {
      e.dpfBlock = Math.max(e.dpfBlock, f.severity);
    },
  },
  charging_fault: {
    label: { fr: 'défaut de charge (alternateur)', en: 'charging fault (alternator)' },
    codes: ['P0562', 'P0620'],
    notOn: needsEngine,
    apply(e, f) {
      e.alternator = Math.min(e.alternator, 1 - f.severity);
      if (f.severity >= 0.8) e.alternatorCircuit = true;
    },
  },
  weak_battery: {
    label: { fr: 'batterie 12 V faible', en: 'weak 12 V battery' },
    codes: [],
    apply(e, f) {
      e.batteryHealth = Math.min(e.batteryHealth, 1 - 0.75 * f.severity);
    },
  },
  lost_communication: {
    label: { fr: 'perte de communication avec un calculateur', en: 'lost communication with an ECU' },
    codes: ['U0100', 'U0101', 'U0111', 'U0121', 'U0140'],
    notOn: (p, f) =>
      !f.ecu
        ? 'needs `ecu`'
        : p.ecus.some((x) => x.role === f.ecu)
          ? undefined
          : `this vehicle has no ${f.ecu} ECU (it has ${p.ecus.map((x) => x.role).join(', ')})`,
    apply(e, f) {
      e.lostEcus.add(f.ecu!);
    },
  },
  hv_isolation: {
    label: { fr: "défaut d'isolement haute tension", en: 'high-voltage isolation fault' },
    codes: ['P0AA6'],
    notOn: (p) => (p.traction ? undefined : 'needs a hybrid or electric vehicle'),
    apply(e, f) {
      e.isolationKohm = Math.min(e.isolationKohm ?? Number.POSITIVE_INFINITY, 150 * (1 - f.severity) + 12);
    },
  },
  wheel_speed_sensor: {
    label: { fr: 'capteur de vitesse de roue', en: 'wheel speed sensor' },
    codes: ['C0035', 'C0040', 'C0045', 'C0050'],
    notOn: (p, f) =>
      !f.wheel
        ? 'needs `wheel` (fl, fr, rl, rr)'
        : p.ecus.some((x) => x.role === 'abs')
          ? undefined
          : 'no ABS ECU',
    apply(e, f) {
      e.deadWheel = WHEELS.indexOf(f.wheel!);
    },
  },
};

function cylinderProblem(p: VehicleProfile, f: FaultSpec): string | undefined {
  const n = p.engine.cylinders;
  if (f.cylinder === undefined) return 'needs `cylinder`';
  if (!Number.isInteger(f.cylinder) || f.cylinder < 1 || f.cylinder > n) return `cylinder must be 1..${n}`;
  return undefined;
}

/** Effects of the faults active at simulated time `t` (s). */
export function effectsAt(faults: FaultSpec[], t: number, profile: VehicleProfile): FaultEffects {
  const e = noEffects(profile.engine.cylinders);
  for (const f of faults) if (t >= f.onset) FAULTS[f.type].apply(e, f, profile);
  return e;
}
