/**
 * Workshop instruments on a simulated car. A measurement is an instrument applied to a component
 * under stated conditions; the value comes from the component's physical state (`FaultEffects`,
 * the model's temperatures and charge, `parts.ts`), with the instrument's noise drawn from the
 * car's own seeded stream. Nothing here knows of any diagnosis: how a reading is interpreted is the
 * knowledge base's business.
 */

import type { Wheel } from './faults.js';
import type { EcuRole, Text, VehicleProfile } from './profiles.js';

/** The instruments a technician applies to the car. */
export const INSTRUMENTS = [
  'multimeter',
  'clamp_meter',
  'oscilloscope',
  'spark_tester',
  'feeler_gauge',
  'compression_gauge',
  'leakdown_tester',
  'fuel_pressure_gauge',
  'injector_balance',
  'leakoff_kit',
  'smoke_machine',
  'ir_thermometer',
  'cooling_pressure_tester',
  'evap_cap_tester',
  'vacuum_pump',
  'manometer',
  'battery_tester',
  'belt_tension_gauge',
  'propane_enrichment',
  'scan_tool',
  'scan_tool_actuation',
  'known_good_module',
  'insulation_tester',
  'cell_capacity_tester',
  'visual',
] as const;
export type Instrument = (typeof INSTRUMENTS)[number];

/** The components an instrument can reach. */
export const COMPONENTS = [
  'ignition_coil',
  'spark_plug',
  'cylinder',
  'injector',
  'fuel_rail',
  'fuel_pump',
  'intake',
  'maf_sensor',
  'exhaust',
  'o2_sensor',
  'catalyst',
  'coolant_temp_sensor',
  'engine',
  'radiator_hose_upper',
  'cooling_system',
  'coolant_reservoir',
  'evap_system',
  'fuel_cap',
  'purge_valve',
  'canister',
  'egr_valve',
  'egr_circuit',
  'egr_passage',
  'dpf',
  'dp_sensor',
  'battery',
  'alternator',
  'charging_circuit',
  'accessory_belt',
  'starter',
  'dcdc_converter',
  'immobilizer',
  'can_bus',
  'can_branch',
  'ecu',
  'hv_battery',
  'ac_compressor',
  'inverter',
  'hv_bus',
  'wheel_speed_sensor',
  'wss_harness',
  'tone_ring',
] as const;
export type ComponentId = (typeof COMPONENTS)[number];

/** Which one of a component: a cylinder, a wheel, an ECU, an O2 sensor's position and bank. */
export interface ComponentRef {
  id: ComponentId;
  cylinder?: number;
  wheel?: Wheel;
  ecu?: EcuRole;
  position?: 'upstream' | 'downstream';
  bank?: 1 | 2;
}

/**
 * The operating point a measurement is made at. `off`: key out; `key_on`: ignition on, engine
 * stopped; `cranking`: on the starter (injection cut for a compression test); `idle`, `rpm_2500`:
 * engine running, stationary, warm unless `coolantC` says otherwise (a hybrid in its maintenance
 * mode); `ready`: a hybrid or EV with its high-voltage system on.
 */
export const ENGINE_STATES = ['off', 'key_on', 'cranking', 'idle', 'rpm_2500', 'ready'] as const;
export type EngineState = (typeof ENGINE_STATES)[number];

/** Conditions the technician sets up for a measurement; anything left out takes a stated default. */
export interface MeasureConditions {
  /** Default: the first state the catalogue entry lists. */
  engine?: EngineState;
  /** Coolant (engine) temperature to measure at, °C; default: the car's temperature now. */
  coolantC?: number;
  /** Electrical consumers on (headlights, blower, rear demister: `TEST_LOAD_A`); default off. */
  loads?: 'off' | 'on';
  /** Actuator command for `scan_tool_actuation`, %; default 50. */
  commandPct?: number;
  /** The harness flexed by hand while measuring (finds intermittent contacts); default false. */
  wiggle?: boolean;
}

/** Conditions as they were for a measurement: every field filled in. */
export interface ResolvedConditions {
  engine: EngineState;
  coolantC: number;
  ambientC: number;
  loads: 'off' | 'on';
  commandPct?: number;
  wiggle?: boolean;
}

export interface MeasureRequest {
  instrument: Instrument;
  component: ComponentRef;
  quantity: string;
  conditions?: MeasureConditions;
}

/** Where an instrument found something (smoke escaping, air hissing, a cracked part). */
export interface Location {
  id: string;
  fr: string;
  en: string;
}

export interface Measurement {
  instrument: Instrument;
  component: ComponentRef;
  quantity: string;
  /** A number in `unit`, or a word from the entry's `values` (`OL`: over range, an open circuit). */
  value: number | string;
  unit: string;
  /** Standard deviation of the instrument's noise in `unit` (numbers only). */
  noiseSd?: number;
  conditions: ResolvedConditions;
  /** Temperature of the measured part, °C, where the reading depends on it (resistances). */
  temperatureC?: number;
  location?: Location;
  /** The reading in words, French and English ("résistance secondaire … : 8,42 kΩ à 20 °C"). */
  text: Text;
}

/** One thing the car can be measured for: an instrument, a component, a quantity. */
export interface CatalogueEntry {
  instrument: Instrument;
  component: ComponentId;
  quantity: string;
  /** `''` for a reading in words. */
  unit: string;
  kind: 'number' | 'text';
  /** The words a text reading takes (a number reading may also read `OL` when `overRange`). */
  values?: readonly string[];
  /** A number reading that shows `OL` beyond the instrument's range (an open circuit). */
  overRange?: boolean;
  /** Which one of the component must be named. */
  index?: 'cylinder' | 'wheel' | 'ecu' | 'o2_position';
  /** Operating points it can be measured at; the first is the default. */
  engine: readonly EngineState[];
  /** Work on the high-voltage system: habilitation and lockout first. */
  hv?: boolean;
  /** Conditions beyond `engine` and `coolantC` the reading takes into account. */
  uses?: readonly ('loads' | 'commandPct' | 'wiggle')[];
  label: Text;
}

export type MeasurementRefusal =
  /** The instrument, component or quantity is not in the catalogue. */
  | 'unknown'
  /** The instrument does not measure that quantity on that component. */
  | 'not-applicable'
  /** This vehicle has no such component (no spark plug on a diesel or an EV). */
  | 'not-on-this-vehicle'
  /** The component's cylinder, wheel, ECU or O2 sensor position is missing or out of range. */
  | 'bad-index'
  /** The measurement is not made in that operating state (a resistance with the engine running). */
  | 'condition-not-allowed'
  /** The car cannot be brought to that state (an engine that does not start, a coolant temperature it cannot reach). */
  | 'condition-unreachable';

export class MeasurementError extends Error {
  override name = 'MeasurementError';
  constructor(
    readonly code: MeasurementRefusal,
    readonly request: MeasureRequest,
    message: string,
  ) {
    super(message);
  }
}

export const COMPONENT_LABELS: Record<ComponentId, Text> = {
  ignition_coil: { fr: "bobine d'allumage", en: 'ignition coil' },
  spark_plug: { fr: 'bougie', en: 'spark plug' },
  cylinder: { fr: 'cylindre', en: 'cylinder' },
  injector: { fr: 'injecteur', en: 'injector' },
  fuel_rail: { fr: "rampe d'injection", en: 'fuel rail' },
  fuel_pump: { fr: 'pompe à essence', en: 'fuel pump' },
  intake: { fr: "circuit d'admission", en: 'intake' },
  maf_sensor: { fr: "débitmètre d'air", en: 'mass air flow sensor' },
  exhaust: { fr: "ligne d'échappement", en: 'exhaust' },
  o2_sensor: { fr: 'sonde lambda', en: 'O2 sensor' },
  catalyst: { fr: 'catalyseur', en: 'catalytic converter' },
  coolant_temp_sensor: { fr: "sonde de température d'eau", en: 'coolant temperature sensor' },
  engine: { fr: 'moteur (boîtier de thermostat)', en: 'engine (thermostat housing)' },
  radiator_hose_upper: { fr: 'durite supérieure de radiateur', en: 'upper radiator hose' },
  cooling_system: { fr: 'circuit de refroidissement', en: 'cooling system' },
  coolant_reservoir: { fr: "vase d'expansion", en: 'coolant reservoir' },
  evap_system: { fr: 'circuit EVAP', en: 'EVAP system' },
  fuel_cap: { fr: 'bouchon de réservoir', en: 'fuel cap' },
  purge_valve: { fr: 'électrovanne de purge canister', en: 'canister purge valve' },
  canister: { fr: 'canister', en: 'charcoal canister' },
  egr_valve: { fr: 'vanne EGR', en: 'EGR valve' },
  egr_circuit: {
    fr: 'circuit de la vanne EGR (depuis le calculateur)',
    en: 'EGR valve circuit (from the ECU)',
  },
  egr_passage: { fr: 'conduits EGR', en: 'EGR passages' },
  dpf: { fr: 'filtre à particules', en: 'diesel particulate filter' },
  dp_sensor: { fr: 'capteur de pression différentielle', en: 'differential pressure sensor' },
  battery: { fr: 'batterie 12 V', en: '12 V battery' },
  alternator: { fr: 'alternateur', en: 'alternator' },
  charging_circuit: { fr: 'circuit de charge', en: 'charging circuit' },
  accessory_belt: { fr: "courroie d'accessoires", en: 'accessory belt' },
  starter: { fr: 'démarreur', en: 'starter motor' },
  dcdc_converter: { fr: 'convertisseur DC-DC', en: 'DC-DC converter' },
  immobilizer: { fr: 'antidémarrage', en: 'immobiliser' },
  can_bus: { fr: 'bus CAN (prise OBD, broches 6 et 14)', en: 'CAN bus (OBD socket, pins 6 and 14)' },
  can_branch: { fr: 'branche CAN vers le calculateur', en: 'CAN branch to the ECU' },
  ecu: { fr: 'calculateur', en: 'control unit' },
  hv_battery: { fr: 'batterie de traction', en: 'traction battery' },
  ac_compressor: { fr: 'compresseur de climatisation électrique', en: 'electric A/C compressor' },
  inverter: { fr: 'onduleur et moteur de traction', en: 'inverter and traction motor' },
  hv_bus: { fr: 'réseau haute tension', en: 'high-voltage bus' },
  wheel_speed_sensor: { fr: 'capteur de vitesse de roue', en: 'wheel-speed sensor' },
  wss_harness: { fr: 'faisceau du capteur de roue', en: 'wheel-speed sensor harness' },
  tone_ring: { fr: 'cible / codeur magnétique', en: 'tone ring / magnetic encoder' },
};

const T = (fr: string, en: string): Text => ({ fr, en });
const OFF = ['off'] as const;
/** Current at which the BMS's cells are read under load: a firm acceleration of a compact EV, A. */
export const TEST_DISCHARGE_A = 150;

type Spec = Omit<CatalogueEntry, 'kind'> & { kind?: 'number' | 'text' };
const e = (x: Spec): CatalogueEntry => ({ ...x, kind: x.kind ?? (x.values ? 'text' : 'number') });

/**
 * Every measurement the simulator answers, on some vehicle (`instrumentsFor` narrows it to one).
 * Figures and their sources are in `parts.ts` and the README's instrument table.
 */
export const CATALOGUE: readonly CatalogueEntry[] = [
  // Ignition
  e({
    instrument: 'multimeter',
    component: 'ignition_coil',
    quantity: 'resistance_primary',
    unit: 'Ω',
    index: 'cylinder',
    engine: OFF,
    label: T('résistance du primaire', 'primary resistance'),
  }),
  e({
    instrument: 'multimeter',
    component: 'ignition_coil',
    quantity: 'resistance_secondary',
    unit: 'kΩ',
    overRange: true,
    index: 'cylinder',
    engine: OFF,
    label: T('résistance du secondaire', 'secondary resistance'),
  }),
  e({
    instrument: 'spark_tester',
    component: 'ignition_coil',
    quantity: 'spark',
    unit: '',
    values: ['strong', 'intermittent', 'weak', 'none'],
    index: 'cylinder',
    engine: ['cranking', 'idle'],
    label: T("étincelle au testeur d'étincelle", 'spark at the spark tester'),
  }),
  e({
    instrument: 'visual',
    component: 'spark_plug',
    quantity: 'condition',
    unit: '',
    values: ['good', 'worn', 'wet', 'sooty', 'white'],
    index: 'cylinder',
    engine: OFF,
    label: T('aspect de la bougie', 'spark plug condition'),
  }),
  e({
    instrument: 'feeler_gauge',
    component: 'spark_plug',
    quantity: 'gap',
    unit: 'mm',
    index: 'cylinder',
    engine: OFF,
    label: T('écartement des électrodes', 'electrode gap'),
  }),
  // Cylinders
  e({
    instrument: 'compression_gauge',
    component: 'cylinder',
    quantity: 'pressure',
    unit: 'bar',
    index: 'cylinder',
    engine: ['cranking'],
    label: T('compression', 'compression'),
  }),
  e({
    instrument: 'leakdown_tester',
    component: 'cylinder',
    quantity: 'leak_rate',
    unit: '%',
    index: 'cylinder',
    engine: OFF,
    label: T('fuite au test d’étanchéité', 'leak-down'),
  }),
  e({
    instrument: 'leakdown_tester',
    component: 'cylinder',
    quantity: 'leak_path',
    unit: '',
    values: ['none', 'intake', 'exhaust', 'crankcase', 'coolant'],
    index: 'cylinder',
    engine: OFF,
    label: T("où l'air s'échappe", 'where the air escapes'),
  }),
  // Fuel
  e({
    instrument: 'fuel_pressure_gauge',
    component: 'fuel_rail',
    quantity: 'pressure',
    unit: 'bar',
    engine: ['idle', 'key_on', 'cranking', 'rpm_2500'],
    label: T("pression d'essence", 'fuel pressure'),
  }),
  e({
    instrument: 'fuel_pressure_gauge',
    component: 'fuel_rail',
    quantity: 'hold_pressure',
    unit: 'bar',
    engine: OFF,
    label: T('pression résiduelle 5 min après arrêt', 'residual pressure 5 min after switch-off'),
  }),
  e({
    instrument: 'fuel_pressure_gauge',
    component: 'fuel_pump',
    quantity: 'delivery',
    unit: 'l/min',
    engine: ['key_on'],
    label: T('débit de la pompe (pompe shuntée)', 'pump delivery (pump bridged)'),
  }),
  e({
    instrument: 'injector_balance',
    component: 'injector',
    quantity: 'pressure_drop',
    unit: 'kPa',
    index: 'cylinder',
    engine: ['key_on'],
    label: T('chute de pression à l’impulsion', 'pressure drop when pulsed'),
  }),
  e({
    instrument: 'injector_balance',
    component: 'injector',
    quantity: 'balance_correction',
    unit: 'mm³/st',
    index: 'cylinder',
    engine: ['idle'],
    label: T("correction d'équilibrage au ralenti", 'idle balance correction'),
  }),
  e({
    instrument: 'leakoff_kit',
    component: 'injector',
    quantity: 'return_flow',
    unit: 'ml/min',
    index: 'cylinder',
    engine: ['idle'],
    label: T('débit de retour (fuite interne)', 'leak-off return flow'),
  }),
  e({
    instrument: 'multimeter',
    component: 'injector',
    quantity: 'resistance',
    unit: 'Ω',
    index: 'cylinder',
    engine: OFF,
    label: T("résistance de l'injecteur", 'injector resistance'),
  }),
  e({
    instrument: 'scan_tool_actuation',
    component: 'injector',
    quantity: 'rpm_drop',
    unit: 'rpm',
    index: 'cylinder',
    engine: ['idle'],
    label: T("chute de régime à la coupure de l'injecteur", 'engine speed drop with the injector cut'),
  }),
  // Air and exhaust
  e({
    instrument: 'smoke_machine',
    component: 'intake',
    quantity: 'leak',
    unit: '',
    values: ['none', 'smoke'],
    engine: OFF,
    label: T('fumée à l’admission', 'smoke from the intake'),
  }),
  e({
    instrument: 'visual',
    component: 'maf_sensor',
    quantity: 'condition',
    unit: '',
    values: ['clean', 'dusty', 'oily'],
    engine: OFF,
    label: T('état du film chaud', 'hot-film condition'),
  }),
  e({
    instrument: 'smoke_machine',
    component: 'exhaust',
    quantity: 'leak',
    unit: '',
    values: ['none', 'smoke'],
    engine: OFF,
    label: T("fumée à l'échappement", 'smoke from the exhaust'),
  }),
  e({
    instrument: 'oscilloscope',
    component: 'o2_sensor',
    quantity: 'response_time',
    unit: 'ms',
    index: 'o2_position',
    engine: ['rpm_2500', 'idle'],
    label: T('temps de réponse pauvre → riche (300 → 600 mV)', 'lean-to-rich response time (300 → 600 mV)'),
  }),
  e({
    instrument: 'multimeter',
    component: 'o2_sensor',
    quantity: 'heater_resistance',
    unit: 'Ω',
    overRange: true,
    index: 'o2_position',
    engine: OFF,
    label: T('résistance du chauffage', 'heater resistance'),
  }),
  e({
    instrument: 'propane_enrichment',
    component: 'o2_sensor',
    quantity: 'voltage_forced_rich',
    unit: 'V',
    index: 'o2_position',
    engine: ['rpm_2500'],
    label: T('tension en enrichissement forcé', 'voltage when forced rich'),
  }),
  e({
    instrument: 'ir_thermometer',
    component: 'catalyst',
    quantity: 'temperature_inlet',
    unit: '°C',
    engine: ['rpm_2500', 'idle'],
    label: T("température à l'entrée", 'inlet temperature'),
  }),
  e({
    instrument: 'ir_thermometer',
    component: 'catalyst',
    quantity: 'temperature_outlet',
    unit: '°C',
    engine: ['rpm_2500', 'idle'],
    label: T('température à la sortie', 'outlet temperature'),
  }),
  // Cooling
  e({
    instrument: 'multimeter',
    component: 'coolant_temp_sensor',
    quantity: 'resistance',
    unit: 'Ω',
    overRange: true,
    engine: OFF,
    label: T('résistance de la sonde', 'sensor resistance'),
  }),
  e({
    instrument: 'multimeter',
    component: 'coolant_temp_sensor',
    quantity: 'signal_voltage',
    unit: 'V',
    engine: ['key_on', 'idle'],
    uses: ['wiggle'],
    label: T('tension du signal au calculateur', 'signal voltage at the ECU'),
  }),
  e({
    instrument: 'ir_thermometer',
    component: 'engine',
    quantity: 'temperature',
    unit: '°C',
    engine: ['idle', 'off'],
    label: T('température du boîtier de thermostat', 'thermostat housing temperature'),
  }),
  e({
    instrument: 'ir_thermometer',
    component: 'radiator_hose_upper',
    quantity: 'temperature',
    unit: '°C',
    engine: ['idle'],
    label: T('température de la durite supérieure', 'upper hose temperature'),
  }),
  e({
    instrument: 'cooling_pressure_tester',
    component: 'cooling_system',
    quantity: 'pressure_hold',
    unit: 'bar',
    engine: OFF,
    label: T('pression après 10 min (gonflé à 1,2 bar)', 'pressure after 10 min (pumped to 1.2 bar)'),
  }),
  e({
    instrument: 'visual',
    component: 'coolant_reservoir',
    quantity: 'level',
    unit: '%',
    engine: OFF,
    label: T('niveau (0 = MINI, 100 = MAXI)', 'level (0 = MIN, 100 = MAX)'),
  }),
  // EVAP
  e({
    instrument: 'smoke_machine',
    component: 'evap_system',
    quantity: 'leak',
    unit: '',
    values: ['none', 'smoke'],
    engine: OFF,
    label: T('fumée du circuit EVAP', 'smoke from the EVAP system'),
  }),
  e({
    instrument: 'evap_cap_tester',
    component: 'fuel_cap',
    quantity: 'pressure_decay',
    unit: 'kPa/min',
    engine: OFF,
    label: T('perte de pression du bouchon', 'cap pressure decay'),
  }),
  e({
    instrument: 'vacuum_pump',
    component: 'purge_valve',
    quantity: 'vacuum_hold',
    unit: 'kPa',
    engine: OFF,
    label: T(
      'dépression tenue après 30 s (vanne non alimentée, tirée à 50 kPa)',
      'vacuum held after 30 s (valve unpowered, pulled to 50 kPa)',
    ),
  }),
  e({
    instrument: 'multimeter',
    component: 'purge_valve',
    quantity: 'resistance',
    unit: 'Ω',
    engine: OFF,
    label: T("résistance de l'électrovanne", 'solenoid resistance'),
  }),
  e({
    instrument: 'visual',
    component: 'canister',
    quantity: 'condition',
    unit: '',
    values: ['intact', 'cracked'],
    engine: OFF,
    label: T('état du canister', 'canister condition'),
  }),
  // EGR
  e({
    instrument: 'scan_tool_actuation',
    component: 'egr_valve',
    quantity: 'position_feedback',
    unit: '%',
    engine: ['key_on', 'idle'],
    uses: ['commandPct'],
    label: T('recopie de position à la commande', 'position feedback for the command'),
  }),
  e({
    instrument: 'multimeter',
    component: 'egr_valve',
    quantity: 'resistance',
    unit: 'Ω',
    engine: OFF,
    label: T('résistance du moteur de vanne', 'valve motor resistance'),
  }),
  e({
    instrument: 'multimeter',
    component: 'egr_circuit',
    quantity: 'resistance',
    unit: 'Ω',
    overRange: true,
    engine: OFF,
    uses: ['wiggle'],
    label: T('résistance depuis le connecteur calculateur', 'resistance from the ECU connector'),
  }),
  e({
    instrument: 'visual',
    component: 'egr_passage',
    quantity: 'restriction',
    unit: '%',
    engine: OFF,
    label: T('section obstruée par la calamine', 'section blocked by carbon'),
  }),
  // DPF
  e({
    instrument: 'manometer',
    component: 'dpf',
    quantity: 'differential_pressure',
    unit: 'kPa',
    engine: ['idle', 'rpm_2500'],
    label: T('pression différentielle (manomètre)', 'differential pressure (gauge)'),
  }),
  e({
    instrument: 'multimeter',
    component: 'dp_sensor',
    quantity: 'signal_voltage',
    unit: 'V',
    engine: ['key_on', 'idle', 'rpm_2500'],
    label: T('tension de sortie du capteur', 'sensor output voltage'),
  }),
  // 12 V
  e({
    instrument: 'battery_tester',
    component: 'battery',
    quantity: 'open_circuit_voltage',
    unit: 'V',
    engine: OFF,
    label: T('tension à vide', 'open-circuit voltage'),
  }),
  e({
    instrument: 'battery_tester',
    component: 'battery',
    quantity: 'cold_cranking_amps',
    unit: 'A',
    engine: OFF,
    label: T('courant de démarrage à froid mesuré', 'measured cold cranking amps'),
  }),
  e({
    instrument: 'battery_tester',
    component: 'battery',
    quantity: 'load_voltage',
    unit: 'V',
    engine: OFF,
    label: T('tension après 15 s à la moitié du CCA', 'voltage after 15 s at half the CCA'),
  }),
  e({
    instrument: 'battery_tester',
    component: 'battery',
    quantity: 'state_of_health',
    unit: '%',
    engine: OFF,
    label: T('état de santé', 'state of health'),
  }),
  e({
    instrument: 'multimeter',
    component: 'battery',
    quantity: 'voltage',
    unit: 'V',
    engine: ['off', 'key_on', 'cranking', 'idle', 'rpm_2500', 'ready'],
    uses: ['loads'],
    label: T('tension aux bornes', 'terminal voltage'),
  }),
  e({
    instrument: 'clamp_meter',
    component: 'alternator',
    quantity: 'output_current',
    unit: 'A',
    engine: ['rpm_2500'],
    label: T('débit maximal (batterie chargée au testeur)', 'maximum output (tester load)'),
  }),
  e({
    instrument: 'multimeter',
    component: 'charging_circuit',
    quantity: 'voltage_drop_positive',
    unit: 'V',
    engine: ['rpm_2500'],
    uses: ['loads'],
    label: T('chute de tension B+ alternateur → + batterie', 'voltage drop alternator B+ → battery +'),
  }),
  e({
    instrument: 'multimeter',
    component: 'charging_circuit',
    quantity: 'voltage_drop_ground',
    unit: 'V',
    engine: ['rpm_2500'],
    uses: ['loads'],
    label: T('chute de tension masse alternateur → − batterie', 'voltage drop alternator case → battery −'),
  }),
  e({
    instrument: 'visual',
    component: 'accessory_belt',
    quantity: 'condition',
    unit: '',
    values: ['good', 'glazed'],
    engine: OFF,
    label: T('état de la courroie', 'belt condition'),
  }),
  e({
    instrument: 'belt_tension_gauge',
    component: 'accessory_belt',
    quantity: 'tension',
    unit: 'N',
    engine: OFF,
    label: T('tension de la courroie', 'belt tension'),
  }),
  e({
    instrument: 'multimeter',
    component: 'starter',
    quantity: 'voltage_cranking',
    unit: 'V',
    engine: ['cranking'],
    label: T(
      'tension au démarreur (borne 30) en action',
      'voltage at the starter (terminal 30) when operated',
    ),
  }),
  e({
    instrument: 'clamp_meter',
    component: 'starter',
    quantity: 'cranking_current',
    unit: 'A',
    engine: ['cranking'],
    label: T('courant du démarreur', 'starter current'),
  }),
  e({
    instrument: 'clamp_meter',
    component: 'dcdc_converter',
    quantity: 'output_current',
    unit: 'A',
    engine: ['ready'],
    uses: ['loads'],
    label: T('courant de sortie', 'output current'),
  }),
  e({
    instrument: 'scan_tool',
    component: 'immobilizer',
    quantity: 'key_status',
    unit: '',
    values: ['recognised', 'not recognised'],
    engine: ['key_on'],
    label: T('état de la clé', 'key status'),
  }),
  // Network
  e({
    instrument: 'multimeter',
    component: 'can_bus',
    quantity: 'resistance',
    unit: 'Ω',
    engine: OFF,
    label: T(
      'résistance entre CAN-H et CAN-L (batterie débranchée)',
      'resistance CAN-H to CAN-L (battery disconnected)',
    ),
  }),
  e({
    instrument: 'multimeter',
    component: 'can_branch',
    quantity: 'resistance',
    unit: 'Ω',
    overRange: true,
    index: 'ecu',
    engine: OFF,
    uses: ['wiggle'],
    label: T('continuité CAN-H prise OBD → calculateur', 'CAN-H continuity OBD socket → ECU'),
  }),
  e({
    instrument: 'multimeter',
    component: 'ecu',
    quantity: 'supply_voltage',
    unit: 'V',
    index: 'ecu',
    engine: ['key_on'],
    label: T('tension entre + et masse au connecteur', 'voltage between supply and ground at the connector'),
  }),
  e({
    instrument: 'multimeter',
    component: 'ecu',
    quantity: 'ground_drop',
    unit: 'V',
    index: 'ecu',
    engine: ['key_on'],
    label: T('chute de tension masse calculateur → − batterie', 'voltage drop ECU ground → battery −'),
  }),
  e({
    instrument: 'known_good_module',
    component: 'ecu',
    quantity: 'communicates',
    unit: '',
    values: ['yes', 'no'],
    index: 'ecu',
    engine: ['key_on'],
    label: T('un calculateur sain substitué communique', 'a known-good module fitted communicates'),
  }),
  // High voltage
  e({
    instrument: 'insulation_tester',
    component: 'hv_battery',
    quantity: 'insulation_resistance',
    unit: 'MΩ',
    engine: OFF,
    hv: true,
    label: T("résistance d'isolement sous 500 V", 'insulation resistance at 500 V'),
  }),
  e({
    instrument: 'insulation_tester',
    component: 'ac_compressor',
    quantity: 'insulation_resistance',
    unit: 'MΩ',
    engine: OFF,
    hv: true,
    label: T("résistance d'isolement sous 500 V", 'insulation resistance at 500 V'),
  }),
  e({
    instrument: 'insulation_tester',
    component: 'inverter',
    quantity: 'insulation_resistance',
    unit: 'MΩ',
    engine: OFF,
    hv: true,
    label: T("résistance d'isolement sous 500 V", 'insulation resistance at 500 V'),
  }),
  // The traction pack's cells as the BMS reads them (a scan tool, no work on the HV system)…
  e({
    instrument: 'scan_tool',
    component: 'hv_battery',
    quantity: 'cell_spread_rest',
    unit: 'V',
    engine: ['ready'],
    label: T(
      'écart entre cellule la plus haute et la plus basse, au repos',
      'highest to lowest cell, at rest',
    ),
  }),
  e({
    instrument: 'scan_tool',
    component: 'hv_battery',
    quantity: 'cell_spread_load',
    unit: 'V',
    engine: ['ready'],
    label: T(
      `écart entre cellule la plus haute et la plus basse sous ${TEST_DISCHARGE_A} A (accélération franche)`,
      `highest to lowest cell at ${TEST_DISCHARGE_A} A (firm acceleration)`,
    ),
  }),
  e({
    instrument: 'scan_tool',
    component: 'hv_battery',
    quantity: 'min_cell_below_mean',
    unit: 'V',
    engine: ['ready'],
    label: T('cellule la plus basse sous la moyenne, au repos', 'lowest cell below the mean, at rest'),
  }),
  e({
    instrument: 'scan_tool',
    component: 'hv_battery',
    quantity: 'module_spread_rest',
    unit: 'V',
    engine: ['ready'],
    label: T(
      'écart entre moyennes de cellules des modules, au repos',
      "spread of the modules' mean cell voltage, at rest",
    ),
  }),
  e({
    instrument: 'scan_tool',
    component: 'hv_battery',
    quantity: 'soh',
    unit: '%',
    engine: ['ready'],
    label: T('état de santé (SoH) donné par le BMS', 'state of health (SoH) from the BMS'),
  }),
  e({
    instrument: 'scan_tool',
    component: 'hv_battery',
    quantity: 'module_temp_min',
    unit: '°C',
    engine: ['ready'],
    label: T('température du module le plus froid', 'coldest module temperature'),
  }),
  // … and on the bench, pack out and opened (HV work: habilitation and lock-out first).
  e({
    instrument: 'cell_capacity_tester',
    component: 'hv_battery',
    quantity: 'weakest_cell_capacity',
    unit: '%',
    engine: OFF,
    hv: true,
    label: T(
      'capacité de la cellule la plus faible rapportée à la médiane des cellules',
      "weakest cell's capacity against the cells' median",
    ),
  }),
  e({
    instrument: 'cell_capacity_tester',
    component: 'hv_battery',
    quantity: 'pack_capacity',
    unit: '%',
    engine: OFF,
    hv: true,
    label: T(
      'capacité moyenne des cellules rapportée à la capacité nominale',
      "cells' mean capacity against the nominal",
    ),
  }),
  e({
    instrument: 'multimeter',
    component: 'hv_bus',
    quantity: 'voltage',
    unit: 'V',
    engine: ['off', 'ready'],
    hv: true,
    label: T(
      'tension du réseau HT (vérification d’absence de tension)',
      'HV bus voltage (verify absence of voltage)',
    ),
  }),
  // Wheel speed
  e({
    instrument: 'oscilloscope',
    component: 'wheel_speed_sensor',
    quantity: 'signal',
    unit: '',
    values: ['regular', 'missing pulses', 'none'],
    index: 'wheel',
    engine: ['key_on'],
    uses: ['wiggle'],
    label: T('signal, roue tournée à la main', 'signal, wheel turned by hand'),
  }),
  e({
    instrument: 'oscilloscope',
    component: 'wheel_speed_sensor',
    quantity: 'pulses_per_turn',
    unit: '',
    index: 'wheel',
    engine: ['key_on'],
    label: T('impulsions par tour de roue', 'pulses per wheel turn'),
  }),
  e({
    instrument: 'multimeter',
    component: 'wheel_speed_sensor',
    quantity: 'supply_voltage',
    unit: 'V',
    index: 'wheel',
    engine: ['key_on'],
    uses: ['wiggle'],
    label: T('alimentation au connecteur du capteur', 'supply at the sensor connector'),
  }),
  e({
    instrument: 'multimeter',
    component: 'wss_harness',
    quantity: 'resistance',
    unit: 'Ω',
    overRange: true,
    index: 'wheel',
    engine: OFF,
    uses: ['wiggle'],
    label: T('continuité calculateur → capteur', 'continuity ECU → sensor'),
  }),
  e({
    instrument: 'visual',
    component: 'tone_ring',
    quantity: 'damaged_teeth',
    unit: '',
    index: 'wheel',
    engine: OFF,
    label: T('dents ou pôles endommagés', 'damaged teeth or poles'),
  }),
];

/** Which components a vehicle has: why not, or undefined when it has it. */
export function componentMissing(p: VehicleProfile, id: ComponentId): string | undefined {
  const e = p.engine;
  const spark = e.kind === 'spark';
  const ice = e.kind !== 'none';
  const has: Partial<Record<ComponentId, [boolean, string]>> = {
    ignition_coil: [spark, 'only a petrol engine has ignition coils'],
    spark_plug: [spark, 'only a petrol engine has spark plugs'],
    cylinder: [ice, 'an EV has no cylinders'],
    injector: [ice, 'an EV has no injectors'],
    fuel_rail: [
      spark,
      'the gauge fits the low-pressure rail of a petrol engine (a diesel common rail runs at up to 2,000 bar)',
    ],
    fuel_pump: [spark, 'the delivery test is for the petrol in-tank pump'],
    intake: [spark, 'a vacuum leak test needs a throttled (petrol) engine'],
    maf_sensor: [ice, 'an EV has no air flow sensor'],
    exhaust: [spark, 'the exhaust smoke test is for the O2 sensors of a petrol engine'],
    o2_sensor: [spark, 'this vehicle has no narrow-band O2 sensors'],
    catalyst: [spark, 'this vehicle has no three-way catalyst'],
    coolant_temp_sensor: [ice, 'an EV has no engine coolant sensor'],
    engine: [ice, 'an EV has no engine'],
    radiator_hose_upper: [ice, 'an EV has no engine radiator'],
    cooling_system: [ice, 'an EV has no engine cooling system'],
    coolant_reservoir: [ice, 'an EV has no engine cooling system'],
    evap_system: [e.evap, 'this vehicle has no EVAP system'],
    fuel_cap: [e.evap, 'this vehicle has no EVAP system'],
    purge_valve: [e.evap, 'this vehicle has no EVAP system'],
    canister: [e.evap, 'this vehicle has no EVAP system'],
    egr_valve: [e.egr, 'this engine has no EGR valve'],
    egr_circuit: [e.egr, 'this engine has no EGR valve'],
    egr_passage: [e.egr, 'this engine has no EGR valve'],
    dpf: [e.dpf, 'this vehicle has no DPF'],
    dp_sensor: [e.dpf, 'this vehicle has no DPF'],
    alternator: [ice && !p.traction, 'this vehicle has no alternator: its 12 V comes from a DC-DC converter'],
    charging_circuit: [
      ice && !p.traction,
      'this vehicle has no alternator: its 12 V comes from a DC-DC converter',
    ],
    accessory_belt: [ice && !p.traction, 'this vehicle has no belt-driven alternator'],
    starter: [ice && !p.traction, 'this vehicle has no 12 V starter'],
    dcdc_converter: [!!p.traction, 'only a hybrid or an EV has a DC-DC converter'],
    hv_battery: [!!p.traction, 'this vehicle has no high-voltage system'],
    ac_compressor: [!!p.traction, 'this vehicle has no electric A/C compressor'],
    inverter: [!!p.traction, 'this vehicle has no high-voltage system'],
    hv_bus: [!!p.traction, 'this vehicle has no high-voltage system'],
    wheel_speed_sensor: [p.ecus.some((x) => x.role === 'abs'), 'no ABS'],
    wss_harness: [p.ecus.some((x) => x.role === 'abs'), 'no ABS'],
    tone_ring: [p.ecus.some((x) => x.role === 'abs'), 'no ABS'],
  };
  const h = has[id];
  return h && !h[0] ? h[1] : undefined;
}

/** Entries whose quantity only a given engine kind gives (a diesel's balance correction). */
function entryMissing(p: VehicleProfile, x: CatalogueEntry): string | undefined {
  const diesel = p.engine.kind === 'compression';
  if (
    x.component === 'injector' &&
    (x.quantity === 'balance_correction' || x.quantity === 'return_flow') &&
    !diesel
  )
    return 'measured on diesel injectors (a petrol engine: injector_balance pressure_drop)';
  if (x.component === 'injector' && x.quantity === 'pressure_drop' && diesel)
    return 'a diesel common rail is balanced by its correction quantities (balance_correction, leakoff_kit)';
  if (x.engine.every((s) => !stateExists(p, s)))
    return 'this vehicle has no operating state to measure it in';
  return componentMissing(p, x.component);
}

/** Whether a vehicle has an operating state at all (no cranking on an EV, no READY on a petrol car). */
export function stateExists(p: VehicleProfile, s: EngineState): boolean {
  if (s === 'ready') return !!p.traction;
  if (s === 'cranking') return p.engine.kind !== 'none' && !p.traction;
  if (s === 'idle' || s === 'rpm_2500') return p.engine.kind !== 'none';
  return true;
}

/** The measurements a vehicle of this profile answers: the catalogue narrowed to its parts. */
export function instrumentsFor(p: VehicleProfile): CatalogueEntry[] {
  return CATALOGUE.filter((x) => !entryMissing(p, x)).map((x) => ({
    ...x,
    engine: x.engine.filter((s) => stateExists(p, s)),
  }));
}

/** Finds the entry for a request on a profile, or throws the MeasurementError that says why not. */
export function catalogueEntry(p: VehicleProfile, req: MeasureRequest): CatalogueEntry {
  const refuse = (code: MeasurementRefusal, msg: string) => new MeasurementError(code, req, msg);
  if (!(INSTRUMENTS as readonly string[]).includes(req.instrument))
    throw refuse(
      'unknown',
      `unknown instrument ${JSON.stringify(req.instrument)} (known: ${INSTRUMENTS.join(', ')})`,
    );
  const c = req.component?.id;
  if (!(COMPONENTS as readonly string[]).includes(c))
    throw refuse('unknown', `unknown component ${JSON.stringify(c)} (known: ${COMPONENTS.join(', ')})`);
  const forComponent = CATALOGUE.filter((x) => x.component === c);
  const entry = forComponent.find((x) => x.instrument === req.instrument && x.quantity === req.quantity);
  if (!entry) {
    const offers = forComponent.map((x) => `${x.instrument} ${x.quantity}`).join(', ');
    throw refuse(
      forComponent.some((x) => x.quantity === req.quantity) ||
        forComponent.some((x) => x.instrument === req.instrument)
        ? 'not-applicable'
        : 'unknown',
      `${req.instrument} does not measure ${JSON.stringify(req.quantity)} on the ${c} (it takes: ${offers})`,
    );
  }
  const missing = entryMissing(p, entry);
  if (missing) throw refuse('not-on-this-vehicle', `${c} on the ${p.name} profile: ${missing}`);
  const ref = req.component;
  if (entry.index === 'cylinder') {
    const n = p.engine.cylinders;
    if (!Number.isInteger(ref.cylinder) || ref.cylinder! < 1 || ref.cylinder! > n)
      throw refuse('bad-index', `${c} needs cylinder 1..${n} (got ${JSON.stringify(ref.cylinder)})`);
  } else if (entry.index === 'wheel') {
    if (!['fl', 'fr', 'rl', 'rr'].includes(ref.wheel as string))
      throw refuse('bad-index', `${c} needs wheel fl, fr, rl or rr (got ${JSON.stringify(ref.wheel)})`);
  } else if (entry.index === 'ecu') {
    if (!p.ecus.some((x) => x.role === ref.ecu))
      throw refuse(
        'bad-index',
        `${c} needs the ecu of this vehicle (${p.ecus.map((x) => x.role).join(', ')}; got ${JSON.stringify(ref.ecu)})`,
      );
  } else if (entry.index === 'o2_position') {
    if (ref.position !== 'upstream' && ref.position !== 'downstream')
      throw refuse(
        'bad-index',
        `${c} needs position upstream or downstream (got ${JSON.stringify(ref.position)})`,
      );
    const bank = ref.bank ?? 1;
    if (bank !== 1 && !(bank === 2 && p.engine.banks === 2))
      throw refuse(
        'bad-index',
        `this engine has ${p.engine.banks} bank${p.engine.banks > 1 ? 's' : ''} (got bank ${bank})`,
      );
  }
  return entry;
}

/** A reading in words, with the number formatted for the language. */
export function measurementText(
  entry: Pick<CatalogueEntry, 'label' | 'component' | 'unit'>,
  ref: ComponentRef,
  value: number | string,
  temperatureC: number | undefined,
  location: Location | undefined,
): Text {
  const part = (lang: 'fr' | 'en') => {
    const name = COMPONENT_LABELS[entry.component][lang];
    if (ref.cylinder !== undefined)
      return entry.component === 'cylinder'
        ? `${name} ${ref.cylinder}`
        : `${name} ${lang === 'fr' ? 'du cylindre' : 'of cylinder'} ${ref.cylinder}`;
    if (ref.wheel) return `${name} ${lang === 'fr' ? 'roue' : 'wheel'} ${ref.wheel.toUpperCase()}`;
    if (ref.ecu) return `${name} ${ref.ecu}`;
    if (ref.position)
      return `${name} ${lang === 'fr' ? (ref.position === 'upstream' ? 'amont' : 'aval') : ref.position}${ref.bank === 2 ? (lang === 'fr' ? ' banc 2' : ' bank 2') : ''}`;
    return name;
  };
  const num = (lang: 'fr' | 'en', x: number) => {
    const digits = Math.abs(x) >= 100 ? 0 : Math.abs(x) >= 10 ? 1 : 2;
    return new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
      maximumFractionDigits: digits,
      minimumFractionDigits: 0,
    }).format(x);
  };
  const out = (lang: 'fr' | 'en') => {
    const v = typeof value === 'number' ? `${num(lang, value)}${entry.unit ? ` ${entry.unit}` : ''}` : value;
    const at =
      temperatureC !== undefined
        ? ` ${lang === 'fr' ? 'à' : 'at'} ${num(lang, Math.round(temperatureC))} °C`
        : '';
    const where = location ? ` (${location[lang]})` : '';
    return `${entry.label[lang]} — ${part(lang)} : ${v}${at}${where}`.replace(
      ' : ',
      lang === 'fr' ? ' : ' : ': ',
    );
  };
  return { fr: out('fr'), en: out('en') };
}
