import { hex2, hexQuote, type Lang, type Text } from './text.js';

/**
 * SAE J1979 service 01/02 parameter ids. Every PID is described as data — byte layout, scaling,
 * unit — so one table gives decode, encode (for the simulator) and the value range. A PID with one
 * field decodes to a number; a PID with several (O2 sensors, trims by bank, EGR, boost, DPF, NOx …)
 * decodes to an object of named numbers.
 */

export interface PidField {
  /** Stable key within the PID (camelCase), e.g. `voltage`. */
  key: string;
  name: Text;
  unit: string;
  /** First data byte of the field (0 = byte A). */
  offset: number;
  /** Bytes the field spans (1–4), big-endian. */
  length: number;
  /** A bit slice of those bytes: value = (raw >> shift) & (2^width − 1). */
  bits?: { shift: number; width: number };
  /** Physical = raw × scale + add. */
  scale: number;
  add: number;
  /** Raw value is two's complement over its width. */
  signed?: boolean;
  /** Smallest and largest physical value the encoding can carry. */
  min: number;
  max: number;
  /** Names of enumerated values (fuel type, OBD standard …). */
  labels?: Record<number, Text>;
}

export interface PidDef {
  pid: number;
  /** Stable upper-case key, e.g. `ENGINE_RPM`. */
  key: string;
  name: Text;
  /** Data bytes after the PID byte. */
  bytes: number;
  fields: PidField[];
}

export type PidValue = number | Record<string, number>;

/** A value outside what the PID can carry, or bytes that do not fit the PID. */
export class PidError extends Error {
  override name = 'PidError';
  constructor(
    message: string,
    readonly pid: number,
    readonly field?: string,
    /** The same in French, for what a user meets (a line to decode, an ECU's answer). */
    readonly fr?: string,
  ) {
    super(message);
  }

  /** The message in `lang`; an error without French (encoding a simulated value) keeps its English. */
  messageIn(lang: Lang): string {
    return lang === 'fr' && this.fr !== undefined ? this.fr : this.message;
  }
}

// ---------------------------------------------------------------------------------------------
// Field builders. Names are [fr, en].

type N = [string, string];
const tx = (n: N): Text => ({ fr: n[0], en: n[1] });

interface FieldOpts {
  bits?: { shift: number; width: number };
  signed?: boolean;
  labels?: Record<number, Text>;
}

function field(
  key: string,
  name: N,
  unit: string,
  offset: number,
  length: number,
  scale: number,
  add: number,
  opts: FieldOpts = {},
): PidField {
  const width = opts.bits ? opts.bits.width : length * 8;
  const rawMin = opts.signed ? -(2 ** (width - 1)) : 0;
  const rawMax = opts.signed ? 2 ** (width - 1) - 1 : 2 ** width - 1;
  return {
    key,
    name: tx(name),
    unit,
    offset,
    length,
    ...(opts.bits ? { bits: opts.bits } : {}),
    scale,
    add,
    ...(opts.signed ? { signed: true } : {}),
    min: clean(rawMin * scale + add),
    max: clean(rawMax * scale + add),
    ...(opts.labels ? { labels: opts.labels } : {}),
  };
}

/** Removes binary floating-point noise (0.1 + 0.2) without rounding real resolution away. */
function clean(v: number): number {
  return Number.parseFloat(v.toPrecision(15));
}

const PCT = 100 / 255;
const pct = (key: string, name: N, o: number) => field(key, name, '%', o, 1, PCT, 0);
const temp = (key: string, name: N, o: number) => field(key, name, '°C', o, 1, 1, -40);
const trim = (key: string, name: N, o: number) => field(key, name, '%', o, 1, 100 / 128, -100);
const raw8 = (key: string, name: N, o: number, labels?: Record<number, Text>) =>
  field(key, name, '', o, 1, 1, 0, { labels });
const count16 = (key: string, name: N, unit: string, o: number) => field(key, name, unit, o, 2, 1, 0);
const temp16 = (key: string, name: N, o: number) => field(key, name, '°C', o, 2, 0.1, -40);
const bit = (key: string, name: N, o: number, b: number) =>
  field(key, name, '', o, 1, 1, 0, { bits: { shift: b, width: 1 } });
const support = (o = 0) => raw8('supported', ['capteurs pris en charge', 'sensors supported'], o);
const bitmap = (o = 0) =>
  field('bitmap', ['PID pris en charge (masque)', 'PIDs supported (bitmap)'], '', o, 4, 1, 0);

function single(pid: number, key: string, name: N, f: PidField, bytes = f.offset + f.length): PidDef {
  return { pid, key, name: tx(name), bytes, fields: [f] };
}
function multi(pid: number, key: string, name: N, bytes: number, fields: PidField[]): PidDef {
  return { pid, key, name: tx(name), bytes, fields };
}
/** A single-value PID whose only field takes the PID's name. */
function one(
  pid: number,
  key: string,
  name: N,
  unit: string,
  length: number,
  scale: number,
  add: number,
  opts?: FieldOpts,
): PidDef {
  return single(pid, key, name, field('value', name, unit, 0, length, scale, add, opts));
}

const FUEL_SYSTEM: Record<number, Text> = {
  0: { fr: 'moteur arrêté', en: 'engine off' },
  1: { fr: 'boucle ouverte (température insuffisante)', en: 'open loop (not warm enough)' },
  2: { fr: 'boucle fermée (sonde O2)', en: 'closed loop (O2 sensor)' },
  4: { fr: 'boucle ouverte (charge ou décélération)', en: 'open loop (load or deceleration)' },
  8: { fr: 'boucle ouverte (défaut système)', en: 'open loop (system fault)' },
  16: { fr: 'boucle fermée, défaut de sonde', en: 'closed loop, sensor fault' },
};

const SECONDARY_AIR: Record<number, Text> = {
  1: { fr: 'en amont', en: 'upstream' },
  2: { fr: 'en aval du catalyseur', en: 'downstream of catalyst' },
  4: { fr: "depuis l'extérieur ou coupé", en: 'from outside or off' },
  8: { fr: 'pompe commandée pour diagnostic', en: 'pump commanded on for diagnostics' },
};

const OBD_STANDARDS: Record<number, Text> = {
  1: { fr: 'OBD-II (CARB)', en: 'OBD-II (CARB)' },
  2: { fr: 'OBD (EPA)', en: 'OBD (EPA)' },
  3: { fr: 'OBD et OBD-II', en: 'OBD and OBD-II' },
  4: { fr: 'OBD-I', en: 'OBD-I' },
  5: { fr: 'non conforme OBD', en: 'not OBD compliant' },
  6: { fr: 'EOBD (Europe)', en: 'EOBD (Europe)' },
  7: { fr: 'EOBD et OBD-II', en: 'EOBD and OBD-II' },
  8: { fr: 'EOBD et OBD', en: 'EOBD and OBD' },
  9: { fr: 'EOBD, OBD et OBD-II', en: 'EOBD, OBD and OBD-II' },
  10: { fr: 'JOBD (Japon)', en: 'JOBD (Japan)' },
  11: { fr: 'JOBD et OBD-II', en: 'JOBD and OBD-II' },
  12: { fr: 'JOBD et EOBD', en: 'JOBD and EOBD' },
  13: { fr: 'JOBD, EOBD et OBD-II', en: 'JOBD, EOBD and OBD-II' },
  17: { fr: 'EMD (moteurs diesel)', en: 'Engine Manufacturer Diagnostics (EMD)' },
  18: { fr: 'EMD+', en: 'EMD+' },
  19: { fr: 'HD OBD-C', en: 'Heavy Duty OBD (Child/Partial)' },
  20: { fr: 'HD OBD', en: 'Heavy Duty OBD' },
  21: { fr: 'WWH OBD', en: 'World Wide Harmonized OBD' },
  23: { fr: 'HD EOBD-I', en: 'Heavy Duty Euro OBD Stage I' },
  24: { fr: 'HD EOBD-I N', en: 'Heavy Duty Euro OBD Stage I with NOx control' },
  25: { fr: 'HD EOBD-II', en: 'Heavy Duty Euro OBD Stage II' },
  26: { fr: 'HD EOBD-II N', en: 'Heavy Duty Euro OBD Stage II with NOx control' },
  28: { fr: 'OBDBr-1 (Brésil)', en: 'Brazil OBD Phase 1' },
  29: { fr: 'OBDBr-2 (Brésil)', en: 'Brazil OBD Phase 2' },
  30: { fr: 'KOBD (Corée)', en: 'Korean OBD' },
  31: { fr: 'IOBD I (Inde)', en: 'India OBD I' },
  32: { fr: 'IOBD II (Inde)', en: 'India OBD II' },
  33: { fr: 'HD EOBD-IV', en: 'Heavy Duty Euro OBD Stage VI' },
};

const FUEL_TYPES: Record<number, Text> = {
  0: { fr: 'non disponible', en: 'not available' },
  1: { fr: 'essence', en: 'gasoline' },
  2: { fr: 'méthanol', en: 'methanol' },
  3: { fr: 'éthanol', en: 'ethanol' },
  4: { fr: 'gazole', en: 'diesel' },
  5: { fr: 'GPL', en: 'LPG' },
  6: { fr: 'GNV', en: 'CNG' },
  7: { fr: 'propane', en: 'propane' },
  8: { fr: 'électrique', en: 'electric' },
  9: { fr: 'bicarburation essence', en: 'bifuel running gasoline' },
  10: { fr: 'bicarburation méthanol', en: 'bifuel running methanol' },
  11: { fr: 'bicarburation éthanol', en: 'bifuel running ethanol' },
  12: { fr: 'bicarburation GPL', en: 'bifuel running LPG' },
  13: { fr: 'bicarburation GNV', en: 'bifuel running CNG' },
  14: { fr: 'bicarburation propane', en: 'bifuel running propane' },
  15: { fr: 'bicarburation électrique', en: 'bifuel running electricity' },
  16: { fr: 'bicarburation électrique et thermique', en: 'bifuel running electric and combustion engine' },
  17: { fr: 'hybride essence', en: 'hybrid gasoline' },
  18: { fr: 'hybride éthanol', en: 'hybrid ethanol' },
  19: { fr: 'hybride gazole', en: 'hybrid diesel' },
  20: { fr: 'hybride électrique', en: 'hybrid electric' },
  21: { fr: 'hybride électrique et thermique', en: 'hybrid running electric and combustion engine' },
  22: { fr: 'hybride régénératif', en: 'hybrid regenerative' },
  23: { fr: 'bicarburation gazole', en: 'bifuel running diesel' },
};

// Sensor / bank names reused by the O2 and temperature PIDs.
const o2Name = (i: number): N => {
  const bank = i < 4 ? 1 : 2;
  const sensor = (i % 4) + 1;
  return [`sonde O2 banc ${bank} capteur ${sensor}`, `O2 sensor bank ${bank} sensor ${sensor}`];
};
const keyO2 = (i: number) => `O2_B${i < 4 ? 1 : 2}S${(i % 4) + 1}`;

function o2Narrow(i: number): PidDef {
  const n = o2Name(i);
  return multi(0x14 + i, `${keyO2(i)}_VOLTAGE`, n, 2, [
    field('voltage', [`${n[0]} : tension`, `${n[1]}: voltage`], 'V', 0, 1, 0.005, 0),
    trim('shortTermFuelTrim', ['correction court terme associée', 'associated short-term fuel trim'], 1),
  ]);
}
function o2WideVoltage(i: number): PidDef {
  const n = o2Name(i);
  return multi(
    0x24 + i,
    `${keyO2(i)}_WR_VOLTAGE`,
    [`${n[0]} large bande (tension)`, `${n[1]} wide range (voltage)`],
    4,
    [
      field('lambda', ['richesse (lambda)', 'equivalence ratio (lambda)'], 'ratio', 0, 2, 2 / 65536, 0),
      field('voltage', ['tension', 'voltage'], 'V', 2, 2, 8 / 65536, 0),
    ],
  );
}
function o2WideCurrent(i: number): PidDef {
  const n = o2Name(i);
  return multi(
    0x34 + i,
    `${keyO2(i)}_WR_CURRENT`,
    [`${n[0]} large bande (courant)`, `${n[1]} wide range (current)`],
    4,
    [
      field('lambda', ['richesse (lambda)', 'equivalence ratio (lambda)'], 'ratio', 0, 2, 2 / 65536, 0),
      field('current', ['courant', 'current'], 'mA', 2, 2, 1 / 256, -128),
    ],
  );
}
function catalystTemp(pid: number, bank: number, sensor: number): PidDef {
  return single(
    pid,
    `CATALYST_TEMP_B${bank}S${sensor}`,
    [
      `température catalyseur banc ${bank} capteur ${sensor}`,
      `catalyst temperature bank ${bank} sensor ${sensor}`,
    ],
    temp16('value', ['température', 'temperature'], 0),
  );
}
function secondaryTrim(pid: number, key: string, kind: N, banks: [number, number]): PidDef {
  return multi(
    pid,
    key,
    [
      `correction O2 secondaire ${kind[0]}, bancs ${banks[0]} et ${banks[1]}`,
      `${kind[1]} secondary O2 trim, banks ${banks[0]} and ${banks[1]}`,
    ],
    2,
    [
      trim(`bank${banks[0]}`, [`banc ${banks[0]}`, `bank ${banks[0]}`], 0),
      trim(`bank${banks[1]}`, [`banc ${banks[1]}`, `bank ${banks[1]}`], 1),
    ],
  );
}
function egt(pid: number, bank: number): PidDef {
  const fs = [1, 2, 3, 4].map((s) => temp16(`sensor${s}`, [`capteur ${s}`, `sensor ${s}`], 1 + (s - 1) * 2));
  return multi(
    pid,
    `EGT_BANK${bank}`,
    [`températures des gaz d'échappement banc ${bank}`, `exhaust gas temperature bank ${bank}`],
    9,
    [support(), ...fs],
  );
}
function dpf(pid: number, bank: number): PidDef {
  return multi(
    pid,
    `DPF_BANK${bank}`,
    [`filtre à particules banc ${bank}`, `diesel particulate filter bank ${bank}`],
    7,
    [
      support(),
      field('deltaPressure', ['pression différentielle', 'delta pressure'], 'kPa', 1, 2, 0.01, 0, {
        signed: true,
      }),
      field('inletPressure', ['pression en entrée', 'inlet pressure'], 'kPa', 3, 2, 0.01, 0),
      field('outletPressure', ['pression en sortie', 'outlet pressure'], 'kPa', 5, 2, 0.01, 0),
    ],
  );
}
function turboTemp(pid: number, t: string): PidDef {
  return multi(
    pid,
    `TURBO_${t}_TEMP`,
    [`températures turbocompresseur ${t}`, `turbocharger ${t} temperature`],
    7,
    [
      support(),
      temp('compressorInlet', ['entrée compresseur', 'compressor inlet'], 1),
      temp('compressorOutlet', ['sortie compresseur', 'compressor outlet'], 2),
      temp16('turbineInlet', ['entrée turbine', 'turbine inlet'], 3),
      temp16('turbineOutlet', ['sortie turbine', 'turbine outlet'], 5),
    ],
  );
}
function aecd(pid: number, first: number, timers: 1 | 2): PidDef {
  const fs: PidField[] = [support()];
  for (let i = 0; i < 5; i++) {
    const n = first + i;
    if (timers === 1) {
      fs.push(field(`aecd${n}`, [`durée AECD n°${n}`, `AECD #${n} run time`], 's', 1 + i * 4, 4, 1, 0));
    } else {
      fs.push(
        field(`aecd${n}Timer1`, [`AECD n°${n} compteur 1`, `AECD #${n} timer 1`], 's', 1 + i * 8, 4, 1, 0),
      );
      fs.push(
        field(`aecd${n}Timer2`, [`AECD n°${n} compteur 2`, `AECD #${n} timer 2`], 's', 5 + i * 8, 4, 1, 0),
      );
    }
  }
  return multi(
    pid,
    `AECD_RUN_TIME_${first}_${first + 4}`,
    [`durée de fonctionnement AECD ${first} à ${first + 4}`, `run time for AECD #${first} to #${first + 4}`],
    fs.at(-1)!.offset + 4,
    fs,
  );
}
function supportPid(pid: number): PidDef {
  const from = hex2(pid + 1);
  const to = hex2(pid + 0x20);
  return single(
    pid,
    `PIDS_SUPPORTED_${from}_${to}`,
    [`PID pris en charge ${from} à ${to}`, `PIDs supported ${from}–${to}`],
    bitmap(),
  );
}
function monitorStatus(pid: number, key: string, name: N): PidDef {
  return multi(pid, key, name, 4, [
    bit('mil', ['voyant MIL allumé', 'MIL on'], 0, 7),
    field('dtcCount', ['nombre de codes défaut', 'DTC count'], '', 0, 1, 1, 0, {
      bits: { shift: 0, width: 7 },
    }),
    raw8('byteB', ['octet B (moniteurs continus)', 'byte B (continuous monitors)'], 1),
    raw8('byteC', ['octet C (moniteurs pris en charge)', 'byte C (monitors supported)'], 2),
    raw8('byteD', ['octet D (moniteurs incomplets)', 'byte D (monitors incomplete)'], 3),
  ]);
}

// ---------------------------------------------------------------------------------------------

const defs: PidDef[] = [
  supportPid(0x00),
  monitorStatus(0x01, 'MONITOR_STATUS', [
    'état des moniteurs depuis effacement',
    'monitor status since DTCs cleared',
  ]),
  single(
    0x02,
    'FREEZE_DTC',
    ['code ayant figé les données', 'DTC that caused freeze frame'],
    count16('dtc', ['code défaut (2 octets)', 'DTC (2 bytes)'], '', 0),
  ),
  multi(0x03, 'FUEL_SYSTEM_STATUS', ["état du système d'alimentation", 'fuel system status'], 2, [
    raw8('system1', ['système 1', 'system 1'], 0, FUEL_SYSTEM),
    raw8('system2', ['système 2', 'system 2'], 1, FUEL_SYSTEM),
  ]),
  one(0x04, 'ENGINE_LOAD', ['charge moteur calculée', 'calculated engine load'], '%', 1, PCT, 0),
  one(
    0x05,
    'COOLANT_TEMP',
    ['température liquide de refroidissement', 'engine coolant temperature'],
    '°C',
    1,
    1,
    -40,
  ),
  one(
    0x06,
    'SHORT_FUEL_TRIM_1',
    ['correction carburant court terme banc 1', 'short-term fuel trim bank 1'],
    '%',
    1,
    100 / 128,
    -100,
  ),
  one(
    0x07,
    'LONG_FUEL_TRIM_1',
    ['correction carburant long terme banc 1', 'long-term fuel trim bank 1'],
    '%',
    1,
    100 / 128,
    -100,
  ),
  one(
    0x08,
    'SHORT_FUEL_TRIM_2',
    ['correction carburant court terme banc 2', 'short-term fuel trim bank 2'],
    '%',
    1,
    100 / 128,
    -100,
  ),
  one(
    0x09,
    'LONG_FUEL_TRIM_2',
    ['correction carburant long terme banc 2', 'long-term fuel trim bank 2'],
    '%',
    1,
    100 / 128,
    -100,
  ),
  one(0x0a, 'FUEL_PRESSURE', ['pression carburant (relative)', 'fuel pressure (gauge)'], 'kPa', 1, 3, 0),
  one(
    0x0b,
    'INTAKE_PRESSURE',
    ["pression absolue d'admission", 'intake manifold absolute pressure'],
    'kPa',
    1,
    1,
    0,
  ),
  one(0x0c, 'ENGINE_RPM', ['régime moteur', 'engine speed'], 'rpm', 2, 0.25, 0),
  one(0x0d, 'VEHICLE_SPEED', ['vitesse du véhicule', 'vehicle speed'], 'km/h', 1, 1, 0),
  one(0x0e, 'TIMING_ADVANCE', ["avance à l'allumage", 'timing advance'], '°', 1, 0.5, -64),
  one(0x0f, 'INTAKE_TEMP', ["température d'air d'admission", 'intake air temperature'], '°C', 1, 1, -40),
  one(0x10, 'MAF', ["débit d'air massique", 'mass air flow rate'], 'g/s', 2, 0.01, 0),
  one(0x11, 'THROTTLE_POSITION', ['position papillon', 'throttle position'], '%', 1, PCT, 0),
  one(
    0x12,
    'SECONDARY_AIR_STATUS',
    ['état air secondaire commandé', 'commanded secondary air status'],
    '',
    1,
    1,
    0,
    { labels: SECONDARY_AIR },
  ),
  one(
    0x13,
    'O2_SENSORS_PRESENT',
    ['sondes O2 présentes (2 bancs)', 'O2 sensors present (2 banks)'],
    '',
    1,
    1,
    0,
  ),
  ...[0, 1, 2, 3, 4, 5, 6, 7].map(o2Narrow),
  one(0x1c, 'OBD_STANDARD', ['norme OBD du véhicule', 'OBD standard the vehicle conforms to'], '', 1, 1, 0, {
    labels: OBD_STANDARDS,
  }),
  one(
    0x1d,
    'O2_SENSORS_PRESENT_4',
    ['sondes O2 présentes (4 bancs)', 'O2 sensors present (4 banks)'],
    '',
    1,
    1,
    0,
  ),
  single(
    0x1e,
    'AUX_INPUT_STATUS',
    ['état entrée auxiliaire (prise de force)', 'auxiliary input status (PTO)'],
    bit('pto', ['prise de force active', 'power take-off active'], 0, 0),
  ),
  one(0x1f, 'RUN_TIME', ['temps depuis le démarrage', 'run time since engine start'], 's', 2, 1, 0),
  supportPid(0x20),
  one(
    0x21,
    'DISTANCE_WITH_MIL',
    ['distance parcourue MIL allumé', 'distance travelled with MIL on'],
    'km',
    2,
    1,
    0,
  ),
  one(
    0x22,
    'FUEL_RAIL_PRESSURE_VAC',
    ['pression rampe (relative au vide collecteur)', 'fuel rail pressure (relative to manifold vacuum)'],
    'kPa',
    2,
    0.079,
    0,
  ),
  one(
    0x23,
    'FUEL_RAIL_PRESSURE_DIRECT',
    ['pression rampe (injection directe)', 'fuel rail gauge pressure (diesel or direct injection)'],
    'kPa',
    2,
    10,
    0,
  ),
  ...[0, 1, 2, 3, 4, 5, 6, 7].map(o2WideVoltage),
  one(0x2c, 'COMMANDED_EGR', ['EGR commandée', 'commanded EGR'], '%', 1, PCT, 0),
  one(0x2d, 'EGR_ERROR', ['erreur EGR', 'EGR error'], '%', 1, 100 / 128, -100),
  one(0x2e, 'EVAPORATIVE_PURGE', ['purge canister commandée', 'commanded evaporative purge'], '%', 1, PCT, 0),
  one(0x2f, 'FUEL_LEVEL', ['niveau de carburant', 'fuel tank level input'], '%', 1, PCT, 0),
  one(
    0x30,
    'WARMUPS_SINCE_DTC_CLEAR',
    ['mises en température depuis effacement', 'warm-ups since codes cleared'],
    '',
    1,
    1,
    0,
  ),
  one(
    0x31,
    'DISTANCE_SINCE_DTC_CLEAR',
    ['distance depuis effacement des codes', 'distance travelled since codes cleared'],
    'km',
    2,
    1,
    0,
  ),
  one(
    0x32,
    'EVAP_VAPOR_PRESSURE',
    ['pression vapeur système EVAP', 'evap system vapour pressure'],
    'Pa',
    2,
    0.25,
    0,
    { signed: true },
  ),
  one(
    0x33,
    'BAROMETRIC_PRESSURE',
    ['pression atmosphérique', 'absolute barometric pressure'],
    'kPa',
    1,
    1,
    0,
  ),
  ...[0, 1, 2, 3, 4, 5, 6, 7].map(o2WideCurrent),
  catalystTemp(0x3c, 1, 1),
  catalystTemp(0x3d, 2, 1),
  catalystTemp(0x3e, 1, 2),
  catalystTemp(0x3f, 2, 2),
  supportPid(0x40),
  monitorStatus(0x41, 'MONITOR_STATUS_THIS_CYCLE', [
    'état des moniteurs ce cycle',
    'monitor status this drive cycle',
  ]),
  one(0x42, 'CONTROL_MODULE_VOLTAGE', ['tension du calculateur', 'control module voltage'], 'V', 2, 0.001, 0),
  one(0x43, 'ABSOLUTE_LOAD', ['charge absolue', 'absolute load value'], '%', 2, PCT, 0),
  one(
    0x44,
    'COMMANDED_EQUIV_RATIO',
    ['richesse commandée', 'commanded air-fuel equivalence ratio'],
    'ratio',
    2,
    2 / 65536,
    0,
  ),
  one(
    0x45,
    'RELATIVE_THROTTLE_POSITION',
    ['position papillon relative', 'relative throttle position'],
    '%',
    1,
    PCT,
    0,
  ),
  one(0x46, 'AMBIENT_AIR_TEMP', ['température ambiante', 'ambient air temperature'], '°C', 1, 1, -40),
  one(
    0x47,
    'THROTTLE_POSITION_B',
    ['position papillon absolue B', 'absolute throttle position B'],
    '%',
    1,
    PCT,
    0,
  ),
  one(
    0x48,
    'THROTTLE_POSITION_C',
    ['position papillon absolue C', 'absolute throttle position C'],
    '%',
    1,
    PCT,
    0,
  ),
  one(
    0x49,
    'ACCELERATOR_POSITION_D',
    ["position pédale d'accélérateur D", 'accelerator pedal position D'],
    '%',
    1,
    PCT,
    0,
  ),
  one(
    0x4a,
    'ACCELERATOR_POSITION_E',
    ["position pédale d'accélérateur E", 'accelerator pedal position E'],
    '%',
    1,
    PCT,
    0,
  ),
  one(
    0x4b,
    'ACCELERATOR_POSITION_F',
    ["position pédale d'accélérateur F", 'accelerator pedal position F'],
    '%',
    1,
    PCT,
    0,
  ),
  one(
    0x4c,
    'THROTTLE_ACTUATOR',
    ['commande actionneur papillon', 'commanded throttle actuator'],
    '%',
    1,
    PCT,
    0,
  ),
  one(0x4d, 'RUN_TIME_MIL', ['temps de marche MIL allumé', 'time run with MIL on'], 'min', 2, 1, 0),
  one(
    0x4e,
    'TIME_SINCE_DTC_CLEARED',
    ['temps depuis effacement des codes', 'time since codes cleared'],
    'min',
    2,
    1,
    0,
  ),
  multi(
    0x4f,
    'MAX_VALUES',
    [
      'valeurs maximales (richesse, sonde O2, pression)',
      'maximum values (equivalence ratio, O2 sensor, pressure)',
    ],
    4,
    [
      field('equivRatio', ['richesse maximale', 'maximum equivalence ratio'], 'ratio', 0, 1, 1, 0),
      field('o2Voltage', ['tension sonde O2 maximale', 'maximum O2 sensor voltage'], 'V', 1, 1, 1, 0),
      field('o2Current', ['courant sonde O2 maximal', 'maximum O2 sensor current'], 'mA', 2, 1, 1, 0),
      field(
        'intakePressure',
        ["pression d'admission maximale", 'maximum intake manifold absolute pressure'],
        'kPa',
        3,
        1,
        10,
        0,
      ),
    ],
  ),
  single(
    0x50,
    'MAX_MAF',
    ["débit d'air maximal du débitmètre", 'maximum value for air flow rate from MAF sensor'],
    field('value', ['débit maximal', 'maximum air flow'], 'g/s', 0, 1, 10, 0),
    4,
  ),
  one(0x51, 'FUEL_TYPE', ['type de carburant', 'fuel type'], '', 1, 1, 0, { labels: FUEL_TYPES }),
  one(0x52, 'ETHANOL_PERCENT', ["taux d'éthanol", 'ethanol fuel percentage'], '%', 1, PCT, 0),
  one(
    0x53,
    'EVAP_VAPOR_PRESSURE_ABS',
    ['pression vapeur EVAP absolue', 'absolute evap system vapour pressure'],
    'kPa',
    2,
    1 / 200,
    0,
  ),
  one(
    0x54,
    'EVAP_VAPOR_PRESSURE_ALT',
    ['pression vapeur EVAP (grande plage)', 'evap system vapour pressure (wide range)'],
    'Pa',
    2,
    1,
    0,
    { signed: true },
  ),
  secondaryTrim(0x55, 'SHORT_O2_TRIM_B1_B3', ['court terme', 'short-term'], [1, 3]),
  secondaryTrim(0x56, 'LONG_O2_TRIM_B1_B3', ['long terme', 'long-term'], [1, 3]),
  secondaryTrim(0x57, 'SHORT_O2_TRIM_B2_B4', ['court terme', 'short-term'], [2, 4]),
  secondaryTrim(0x58, 'LONG_O2_TRIM_B2_B4', ['long terme', 'long-term'], [2, 4]),
  one(
    0x59,
    'FUEL_RAIL_PRESSURE_ABS',
    ['pression absolue rampe', 'fuel rail absolute pressure'],
    'kPa',
    2,
    10,
    0,
  ),
  one(
    0x5a,
    'RELATIVE_ACCEL_POSITION',
    ["position relative pédale d'accélérateur", 'relative accelerator pedal position'],
    '%',
    1,
    PCT,
    0,
  ),
  one(
    0x5b,
    'HYBRID_BATTERY_REMAINING',
    ['charge restante batterie hybride', 'hybrid battery pack remaining life'],
    '%',
    1,
    PCT,
    0,
  ),
  one(0x5c, 'OIL_TEMP', ["température d'huile moteur", 'engine oil temperature'], '°C', 1, 1, -40),
  one(
    0x5d,
    'FUEL_INJECTION_TIMING',
    ["calage de l'injection", 'fuel injection timing'],
    '°',
    2,
    1 / 128,
    -210,
  ),
  one(0x5e, 'FUEL_RATE', ['consommation de carburant', 'engine fuel rate'], 'L/h', 2, 0.05, 0),
  one(
    0x5f,
    'EMISSION_REQUIREMENTS',
    ['norme antipollution du véhicule', 'emission requirements the vehicle is designed to'],
    '',
    1,
    1,
    0,
  ),
  supportPid(0x60),
  one(
    0x61,
    'DRIVER_DEMAND_TORQUE',
    ['couple demandé par le conducteur', "driver's demand engine percent torque"],
    '%',
    1,
    1,
    -125,
  ),
  one(0x62, 'ACTUAL_TORQUE', ['couple moteur réel', 'actual engine percent torque'], '%', 1, 1, -125),
  one(0x63, 'REFERENCE_TORQUE', ['couple de référence moteur', 'engine reference torque'], 'N·m', 2, 1, 0),
  multi(0x64, 'ENGINE_TORQUE_DATA', ['points de couple moteur', 'engine percent torque data'], 5, [
    field('idle', ['ralenti', 'idle'], '%', 0, 1, 1, -125),
    field('point1', ['point 1', 'engine point 1'], '%', 1, 1, 1, -125),
    field('point2', ['point 2', 'engine point 2'], '%', 2, 1, 1, -125),
    field('point3', ['point 3', 'engine point 3'], '%', 3, 1, 1, -125),
    field('point4', ['point 4', 'engine point 4'], '%', 4, 1, 1, -125),
  ]),
  multi(0x65, 'AUX_IO_SUPPORTED', ['entrées/sorties auxiliaires', 'auxiliary inputs/outputs'], 2, [
    support(),
    raw8('status', ['état', 'status'], 1),
  ]),
  multi(0x66, 'MAF_SENSOR', ["débitmètres d'air A et B", 'mass air flow sensors A and B'], 5, [
    support(),
    field('sensorA', ['capteur A', 'sensor A'], 'g/s', 1, 2, 1 / 32, 0),
    field('sensorB', ['capteur B', 'sensor B'], 'g/s', 3, 2, 1 / 32, 0),
  ]),
  multi(
    0x67,
    'COOLANT_TEMP_SENSORS',
    ['capteurs de température de liquide', 'engine coolant temperature sensors'],
    3,
    [support(), temp('sensor1', ['capteur 1', 'sensor 1'], 1), temp('sensor2', ['capteur 2', 'sensor 2'], 2)],
  ),
  multi(
    0x68,
    'INTAKE_TEMP_SENSORS',
    ["capteurs de température d'air d'admission", 'intake air temperature sensors'],
    7,
    [
      support(),
      temp('bank1Sensor1', ['banc 1 capteur 1', 'bank 1 sensor 1'], 1),
      temp('bank1Sensor2', ['banc 1 capteur 2', 'bank 1 sensor 2'], 2),
      temp('bank1Sensor3', ['banc 1 capteur 3', 'bank 1 sensor 3'], 3),
      temp('bank2Sensor1', ['banc 2 capteur 1', 'bank 2 sensor 1'], 4),
      temp('bank2Sensor2', ['banc 2 capteur 2', 'bank 2 sensor 2'], 5),
      temp('bank2Sensor3', ['banc 2 capteur 3', 'bank 2 sensor 3'], 6),
    ],
  ),
  multi(0x69, 'EGR_DATA', ['EGR commandée, réelle et erreur', 'commanded EGR, actual EGR and EGR error'], 7, [
    support(),
    pct('commandedA', ['EGR A commandée', 'commanded EGR A duty cycle'], 1),
    pct('actualA', ['EGR A réelle', 'actual EGR A duty cycle'], 2),
    trim('errorA', ['erreur EGR A', 'EGR A error'], 3),
    pct('commandedB', ['EGR B commandée', 'commanded EGR B duty cycle'], 4),
    pct('actualB', ['EGR B réelle', 'actual EGR B duty cycle'], 5),
    trim('errorB', ['erreur EGR B', 'EGR B error'], 6),
  ]),
  multi(
    0x6a,
    'DIESEL_INTAKE_AIR_FLOW',
    ["volet d'air d'admission diesel", 'commanded diesel intake air flow control'],
    5,
    [
      support(),
      pct('commandedA', ['commande A', 'commanded A'], 1),
      pct('positionA', ['position relative A', 'relative position A'], 2),
      pct('commandedB', ['commande B', 'commanded B'], 3),
      pct('positionB', ['position relative B', 'relative position B'], 4),
    ],
  ),
  multi(0x6b, 'EGR_TEMP', ['températures EGR', 'exhaust gas recirculation temperature'], 5, [
    support(),
    temp('bank1Sensor1', ['banc 1 capteur 1', 'bank 1 sensor 1'], 1),
    temp('bank1Sensor2', ['banc 1 capteur 2', 'bank 1 sensor 2'], 2),
    temp('bank2Sensor1', ['banc 2 capteur 1', 'bank 2 sensor 1'], 3),
    temp('bank2Sensor2', ['banc 2 capteur 2', 'bank 2 sensor 2'], 4),
  ]),
  multi(
    0x6c,
    'THROTTLE_ACTUATOR_DATA',
    [
      'actionneur papillon commandé et position relative',
      'commanded throttle actuator and relative throttle position',
    ],
    5,
    [
      support(),
      pct('commandedA', ['commande A', 'commanded A'], 1),
      pct('positionA', ['position relative A', 'relative position A'], 2),
      pct('commandedB', ['commande B', 'commanded B'], 3),
      pct('positionB', ['position relative B', 'relative position B'], 4),
    ],
  ),
  multi(
    0x6d,
    'FUEL_PRESSURE_CONTROL',
    ['régulation de pression carburant', 'fuel pressure control system'],
    11,
    [
      support(),
      field(
        'commandedRailPressureA',
        ['pression rampe A commandée', 'commanded rail pressure A'],
        'kPa',
        1,
        2,
        10,
        0,
      ),
      field('railPressureA', ['pression rampe A', 'rail pressure A'], 'kPa', 3, 2, 10, 0),
      temp('railTempA', ['température rampe A', 'rail temperature A'], 5),
      field(
        'commandedRailPressureB',
        ['pression rampe B commandée', 'commanded rail pressure B'],
        'kPa',
        6,
        2,
        10,
        0,
      ),
      field('railPressureB', ['pression rampe B', 'rail pressure B'], 'kPa', 8, 2, 10, 0),
      temp('railTempB', ['température rampe B', 'rail temperature B'], 10),
    ],
  ),
  multi(
    0x6e,
    'INJECTION_PRESSURE_CONTROL',
    ["régulation de pression d'injection", 'injection pressure control system'],
    9,
    [
      support(),
      field(
        'commandedA',
        ['pression A commandée', 'commanded injection control pressure A'],
        'kPa',
        1,
        2,
        10,
        0,
      ),
      field('actualA', ['pression A', 'injection control pressure A'], 'kPa', 3, 2, 10, 0),
      field(
        'commandedB',
        ['pression B commandée', 'commanded injection control pressure B'],
        'kPa',
        5,
        2,
        10,
        0,
      ),
      field('actualB', ['pression B', 'injection control pressure B'], 'kPa', 7, 2, 10, 0),
    ],
  ),
  multi(
    0x6f,
    'TURBO_INLET_PRESSURE',
    ['pression entrée compresseur turbo', 'turbocharger compressor inlet pressure'],
    3,
    [
      support(),
      field('sensorA', ['capteur A', 'sensor A'], 'kPa', 1, 1, 1, 0),
      field('sensorB', ['capteur B', 'sensor B'], 'kPa', 2, 1, 1, 0),
    ],
  ),
  multi(
    0x70,
    'BOOST_PRESSURE_CONTROL',
    ['régulation de pression de suralimentation', 'boost pressure control'],
    10,
    [
      support(),
      field('commandedA', ['pression commandée A', 'commanded boost pressure A'], 'kPa', 1, 2, 1 / 32, 0),
      field('actualA', ['pression mesurée A', 'boost pressure sensor A'], 'kPa', 3, 2, 1 / 32, 0),
      field('commandedB', ['pression commandée B', 'commanded boost pressure B'], 'kPa', 5, 2, 1 / 32, 0),
      field('actualB', ['pression mesurée B', 'boost pressure sensor B'], 'kPa', 7, 2, 1 / 32, 0),
      raw8('status', ['état de la régulation', 'boost control status'], 9),
    ],
  ),
  multi(0x71, 'VGT_CONTROL', ['turbo à géométrie variable', 'variable geometry turbo control'], 6, [
    support(),
    pct('commandedA', ['position commandée A', 'commanded VGT A position'], 1),
    pct('positionA', ['position A', 'VGT A position'], 2),
    pct('commandedB', ['position commandée B', 'commanded VGT B position'], 3),
    pct('positionB', ['position B', 'VGT B position'], 4),
    raw8('status', ['état de la régulation', 'VGT control status'], 5),
  ]),
  multi(0x72, 'WASTEGATE_CONTROL', ['commande de wastegate', 'wastegate control'], 5, [
    support(),
    pct('commandedA', ['commande A', 'commanded wastegate A'], 1),
    pct('positionA', ['position A', 'wastegate A position'], 2),
    pct('commandedB', ['commande B', 'commanded wastegate B'], 3),
    pct('positionB', ['position B', 'wastegate B position'], 4),
  ]),
  multi(0x73, 'EXHAUST_PRESSURE', ["pression à l'échappement", 'exhaust pressure'], 5, [
    support(),
    field('bank1', ['banc 1', 'bank 1'], 'kPa', 1, 2, 0.01, 0),
    field('bank2', ['banc 2', 'bank 2'], 'kPa', 3, 2, 0.01, 0),
  ]),
  multi(0x74, 'TURBO_RPM', ['régime turbocompresseur', 'turbocharger speed'], 5, [
    support(),
    field('turboA', ['turbo A', 'turbo A'], 'rpm', 1, 2, 10, 0),
    field('turboB', ['turbo B', 'turbo B'], 'rpm', 3, 2, 10, 0),
  ]),
  turboTemp(0x75, 'A'),
  turboTemp(0x76, 'B'),
  multi(
    0x77,
    'CHARGE_AIR_COOLER_TEMP',
    ["température d'air après échangeur", 'charge air cooler temperature'],
    5,
    [
      support(),
      temp('bank1Sensor1', ['banc 1 capteur 1', 'bank 1 sensor 1'], 1),
      temp('bank1Sensor2', ['banc 1 capteur 2', 'bank 1 sensor 2'], 2),
      temp('bank2Sensor1', ['banc 2 capteur 1', 'bank 2 sensor 1'], 3),
      temp('bank2Sensor2', ['banc 2 capteur 2', 'bank 2 sensor 2'], 4),
    ],
  ),
  egt(0x78, 1),
  egt(0x79, 2),
  dpf(0x7a, 1),
  dpf(0x7b, 2),
  multi(
    0x7c,
    'DPF_TEMP',
    ['températures du filtre à particules', 'diesel particulate filter temperature'],
    9,
    [
      support(),
      temp16('bank1Inlet', ['banc 1 entrée', 'bank 1 inlet'], 1),
      temp16('bank1Outlet', ['banc 1 sortie', 'bank 1 outlet'], 3),
      temp16('bank2Inlet', ['banc 2 entrée', 'bank 2 inlet'], 5),
      temp16('bank2Outlet', ['banc 2 sortie', 'bank 2 outlet'], 7),
    ],
  ),
  one(0x7d, 'NOX_NTE_STATUS', ['état zone NTE NOx', 'NOx NTE control area status'], '', 1, 1, 0),
  one(0x7e, 'PM_NTE_STATUS', ['état zone NTE particules', 'PM NTE control area status'], '', 1, 1, 0),
  multi(0x7f, 'ENGINE_RUN_TIME', ['temps de fonctionnement moteur', 'engine run time'], 13, [
    support(),
    field('total', ['temps total', 'total run time'], 's', 1, 4, 1, 0),
    field('idle', ['temps au ralenti', 'total idle run time'], 's', 5, 4, 1, 0),
    field('pto', ['temps prise de force active', 'total run time with PTO active'], 's', 9, 4, 1, 0),
  ]),
  supportPid(0x80),
  aecd(0x81, 1, 1),
  aecd(0x82, 6, 1),
  multi(0x83, 'NOX_SENSOR', ['capteurs NOx', 'NOx sensor'], 5, [
    support(),
    field('bank1Sensor1', ['banc 1 capteur 1', 'bank 1 sensor 1'], 'ppm', 1, 2, 1, 0),
    field('bank2Sensor1', ['banc 2 capteur 1', 'bank 2 sensor 1'], 'ppm', 3, 2, 1, 0),
  ]),
  one(
    0x84,
    'MANIFOLD_SURFACE_TEMP',
    ['température de surface du collecteur', 'manifold surface temperature'],
    '°C',
    1,
    1,
    -40,
  ),
  multi(0x85, 'NOX_REAGENT_SYSTEM', ['système de réactif NOx (AdBlue)', 'NOx reagent system'], 10, [
    support(),
    field(
      'averageConsumption',
      ['consommation moyenne de réactif', 'average reagent consumption'],
      'L/h',
      1,
      2,
      0.005,
      0,
    ),
    field(
      'demandedConsumption',
      ['consommation moyenne demandée', 'average demanded reagent consumption'],
      'L/h',
      3,
      2,
      0.005,
      0,
    ),
    pct('tankLevel', ['niveau du réservoir de réactif', 'reagent tank level'], 5),
    field('nwiTime', ["durée d'avertissement NOx", 'NOx warning indicator time'], 's', 6, 4, 1, 0),
  ]),
  multi(0x86, 'PM_SENSOR', ['capteurs de particules', 'particulate matter sensor'], 5, [
    support(),
    field('bank1Sensor1', ['banc 1 capteur 1', 'bank 1 sensor 1'], 'mg/m³', 1, 2, 0.0125, 0),
    field('bank2Sensor1', ['banc 2 capteur 1', 'bank 2 sensor 1'], 'mg/m³', 3, 2, 0.0125, 0),
  ]),
  multi(
    0x87,
    'INTAKE_PRESSURE_SENSORS',
    ["pressions absolues d'admission", 'intake manifold absolute pressure sensors'],
    5,
    [
      support(),
      field('sensorA', ['capteur A', 'sensor A'], 'kPa', 1, 2, 1 / 32, 0),
      field('sensorB', ['capteur B', 'sensor B'], 'kPa', 3, 2, 1 / 32, 0),
    ],
  ),
  multi(0x88, 'SCR_INDUCE_SYSTEM', ["système d'incitation SCR", 'SCR induce system'], 13, [
    raw8('status', ["état de l'incitation", 'inducement status'], 0),
    ...[1, 2, 3, 4, 5, 6].map((i) =>
      count16(`counter${i}`, [`compteur ${i}`, `counter ${i}`], 'h', 1 + (i - 1) * 2),
    ),
  ]),
  aecd(0x89, 11, 2),
  aecd(0x8a, 16, 2),
  multi(0x8b, 'DIESEL_AFTERTREATMENT', ['post-traitement diesel', 'diesel aftertreatment'], 7, [
    support(),
    raw8('status', ['état de la régénération', 'regeneration status'], 1),
    pct('regenTrigger', ['déclencheur de régénération normalisé', 'normalised regeneration trigger'], 2),
    count16(
      'averageTimeBetweenRegens',
      ['temps moyen entre régénérations', 'average time between regenerations'],
      'min',
      3,
    ),
    count16(
      'averageDistanceBetweenRegens',
      ['distance moyenne entre régénérations', 'average distance between regenerations'],
      'km',
      5,
    ),
  ]),
  multi(0x8c, 'O2_SENSOR_WIDE_RANGE', ['sondes O2 large bande', 'O2 sensors (wide range)'], 17, [
    support(),
    ...[0, 1, 2, 3, 4, 5, 6, 7].map((i) =>
      field(
        `b${i < 4 ? 1 : 2}s${(i % 4) + 1}`,
        [`banc ${i < 4 ? 1 : 2} capteur ${(i % 4) + 1}`, `bank ${i < 4 ? 1 : 2} sensor ${(i % 4) + 1}`],
        'ratio',
        1 + i * 2,
        2,
        2 / 65536,
        0,
      ),
    ),
  ]),
  one(0x8d, 'THROTTLE_POSITION_G', ['position papillon G', 'throttle position G'], '%', 1, PCT, 0),
  one(
    0x8e,
    'FRICTION_TORQUE',
    ['couple de frottement moteur', 'engine friction percent torque'],
    '%',
    1,
    1,
    -125,
  ),
  multi(0x8f, 'PM_SENSOR_BANKS', ['capteurs de particules bancs 1 et 2', 'PM sensor bank 1 and 2'], 7, [
    support(),
    raw8('status', ['état', 'status'], 1),
    field('bank1', ['banc 1', 'bank 1'], 'mg/m³', 2, 2, 0.0125, 0),
    field('bank2', ['banc 2', 'bank 2'], 'mg/m³', 4, 2, 0.0125, 0),
    raw8('reserved', ['réservé', 'reserved'], 6),
  ]),
  multi(0x90, 'WWH_OBD_INFO', ['informations OBD WWH', 'WWH-OBD vehicle OBD system information'], 3, [
    raw8('byteA', ['octet A', 'byte A'], 0),
    raw8('byteB', ['octet B', 'byte B'], 1),
    raw8('byteC', ['octet C', 'byte C'], 2),
  ]),
  multi(
    0x91,
    'WWH_OBD_ECU_INFO',
    ['informations OBD WWH du calculateur', 'WWH-OBD ECU OBD system information'],
    5,
    [
      raw8('byteA', ['octet A', 'byte A'], 0),
      count16('activatedTime', ['durée MIL activée', 'MIL activated time'], 'h', 1),
      count16('counter', ['compteur', 'counter'], 'h', 3),
    ],
  ),
  multi(0x92, 'FUEL_SYSTEM_CONTROL', ["commande du système d'alimentation", 'fuel system control'], 2, [
    support(),
    raw8('status', ['état', 'status'], 1),
  ]),
  multi(0x93, 'WWH_OBD_COUNTERS', ['compteurs OBD WWH', 'WWH-OBD vehicle OBD counters'], 3, [
    support(),
    count16('milActivatedTime', ['durée cumulée MIL activé', 'cumulative MIL activated time'], 'h', 1),
  ]),
  multi(
    0x94,
    'NOX_WARNING_INDUCEMENT',
    ['avertissement et incitation NOx', 'NOx warning and inducement system'],
    12,
    [
      raw8('status', ['état', 'status'], 0),
      ...[1, 2, 3, 4, 5].map((i) =>
        count16(`counter${i}`, [`compteur ${i}`, `counter ${i}`], 'h', 1 + (i - 1) * 2),
      ),
      raw8('reserved', ['réservé', 'reserved'], 11),
    ],
  ),
  egt(0x98, 3),
  egt(0x99, 4),
  multi(0x9a, 'HYBRID_BATTERY_SYSTEM', ['système batterie hybride/VE', 'hybrid/EV battery system data'], 6, [
    support(),
    raw8('chargingState', ['état de charge (mode)', 'charging state'], 1),
    field('voltage', ['tension batterie', 'battery voltage'], 'V', 2, 2, 1 / 64, 0),
    field('current', ['courant batterie', 'battery current'], 'A', 4, 2, 0.1, 0, { signed: true }),
  ]),
  multi(0x9b, 'DEF_SENSOR', ['capteur de réactif (AdBlue)', 'diesel exhaust fluid sensor'], 4, [
    support(),
    field('concentration', ['concentration', 'concentration'], '%', 1, 1, 0.25, 0),
    temp('tankTemp', ['température du réservoir', 'tank temperature'], 2),
    pct('tankLevel', ['niveau du réservoir', 'tank level'], 3),
  ]),
  multi(0x9c, 'O2_SENSOR_DATA', ['données sondes O2', 'O2 sensor data'], 17, [
    support(),
    ...[0, 1, 2, 3, 4, 5, 6, 7].map((i) =>
      field(
        `b${i < 4 ? 1 : 2}s${(i % 4) + 1}`,
        [`banc ${i < 4 ? 1 : 2} capteur ${(i % 4) + 1}`, `bank ${i < 4 ? 1 : 2} sensor ${(i % 4) + 1}`],
        'ratio',
        1 + i * 2,
        2,
        2 / 65536,
        0,
      ),
    ),
  ]),
  multi(0x9d, 'FUEL_RATE_MASS', ['débit massique de carburant', 'engine fuel rate (mass)'], 4, [
    field('engine', ['moteur', 'engine'], 'g/s', 0, 2, 0.02, 0),
    field('vehicle', ['véhicule', 'vehicle'], 'g/s', 2, 2, 0.02, 0),
  ]),
  one(
    0x9e,
    'EXHAUST_FLOW_RATE',
    ["débit des gaz d'échappement", 'engine exhaust flow rate'],
    'kg/h',
    2,
    0.2,
    0,
  ),
  multi(
    0x9f,
    'FUEL_SYSTEM_USE',
    ["utilisation des systèmes d'alimentation", 'fuel system percentage use'],
    9,
    [
      support(),
      ...[1, 2, 3, 4].flatMap((s) => [
        pct(`fuel${s}Bank1`, [`carburant ${s} banc 1`, `fuel ${s} bank 1`], 1 + (s - 1) * 2),
        pct(`fuel${s}Bank2`, [`carburant ${s} banc 2`, `fuel ${s} bank 2`], 2 + (s - 1) * 2),
      ]),
    ],
  ),
  supportPid(0xa0),
  multi(0xa1, 'NOX_SENSOR_CORRECTED', ['capteurs NOx (valeur corrigée)', 'NOx sensor corrected data'], 9, [
    support(),
    field('bank1Sensor1', ['banc 1 capteur 1', 'bank 1 sensor 1'], 'ppm', 1, 2, 1, 0),
    field('bank1Sensor2', ['banc 1 capteur 2', 'bank 1 sensor 2'], 'ppm', 3, 2, 1, 0),
    field('bank2Sensor1', ['banc 2 capteur 1', 'bank 2 sensor 1'], 'ppm', 5, 2, 1, 0),
    field('bank2Sensor2', ['banc 2 capteur 2', 'bank 2 sensor 2'], 'ppm', 7, 2, 1, 0),
  ]),
  one(
    0xa2,
    'CYLINDER_FUEL_RATE',
    ['débit de carburant par cylindre', 'cylinder fuel rate'],
    'mg/stroke',
    2,
    1 / 32,
    0,
  ),
  multi(
    0xa3,
    'EVAP_VAPOR_PRESSURE_AB',
    ['pression vapeur EVAP A et B', 'evap system vapour pressure A and B'],
    9,
    [
      support(),
      field('pressureA', ['pression A', 'pressure A'], 'Pa', 1, 2, 0.25, 0, { signed: true }),
      field('pressureAWide', ['pression A grande plage', 'pressure A wide range'], 'Pa', 3, 2, 2, 0, {
        signed: true,
      }),
      field('pressureB', ['pression B', 'pressure B'], 'Pa', 5, 2, 0.25, 0, { signed: true }),
      field('pressureBWide', ['pression B grande plage', 'pressure B wide range'], 'Pa', 7, 2, 2, 0, {
        signed: true,
      }),
    ],
  ),
  multi(0xa4, 'TRANSMISSION_GEAR', ['rapport de boîte engagé', 'transmission actual gear'], 4, [
    support(),
    field('gear', ['rapport engagé', 'actual gear'], '', 1, 1, 1, 0, { bits: { shift: 4, width: 4 } }),
    field('ratio', ['démultiplication', 'actual gear ratio'], 'ratio', 2, 2, 0.001, 0),
  ]),
  multi(0xa5, 'DEF_DOSING', ['dosage de réactif commandé', 'commanded diesel exhaust fluid dosing'], 4, [
    support(),
    field('dosing', ['dosage commandé', 'commanded dosing'], '%', 1, 1, 0.5, 0),
    field('usage', ['consommation de réactif', 'DEF usage'], 'L', 2, 2, 0.0005, 0),
  ]),
  one(0xa6, 'ODOMETER', ['kilométrage', 'odometer'], 'km', 4, 0.1, 0),
  multi(0xa7, 'NOX_SENSOR_3_4', ['capteurs NOx 3 et 4', 'NOx sensor concentration sensors 3 and 4'], 5, [
    support(),
    field('sensor3', ['capteur 3', 'sensor 3'], 'ppm', 1, 2, 1, 0),
    field('sensor4', ['capteur 4', 'sensor 4'], 'ppm', 3, 2, 1, 0),
  ]),
  multi(
    0xa8,
    'NOX_SENSOR_3_4_CORRECTED',
    ['capteurs NOx 3 et 4 (corrigés)', 'NOx sensor corrected concentration sensors 3 and 4'],
    5,
    [
      support(),
      field('sensor3', ['capteur 3', 'sensor 3'], 'ppm', 1, 2, 1, 0),
      field('sensor4', ['capteur 4', 'sensor 4'], 'ppm', 3, 2, 1, 0),
    ],
  ),
  multi(
    0xa9,
    'ABS_DISABLE_SWITCH',
    ["interrupteur de désactivation de l'ABS", 'ABS disable switch state'],
    2,
    [support(), bit('disabled', ['ABS désactivé', 'ABS disabled'], 1, 0)],
  ),
  supportPid(0xc0),
];

/** Every service 01 PID this package knows, by PID number. */
export const PIDS: ReadonlyMap<number, PidDef> = new Map(defs.map((d) => [d.pid, d]));

const byKey = new Map(defs.map((d) => [d.key, d]));

/** The PID with a stable key (`ENGINE_RPM`), or undefined. */
export function pidByKey(key: string): PidDef | undefined {
  return byKey.get(key);
}

function pidDef(pid: number | PidDef): PidDef {
  if (typeof pid !== 'number') return pid;
  const def = PIDS.get(pid);
  if (!def)
    throw new PidError(
      `PID ${hex2(pid)} is not in the SAE J1979 table`,
      pid,
      undefined,
      `le PID ${hex2(pid)} n'est pas dans la table SAE J1979`,
    );
  return def;
}

function readUint(bytes: ArrayLike<number>, offset: number, length: number): number {
  let v = 0;
  for (let i = 0; i < length; i++) v = v * 256 + bytes[offset + i];
  return v;
}

function decodeField(f: PidField, bytes: ArrayLike<number>): number {
  let raw = readUint(bytes, f.offset, f.length);
  let width = f.length * 8;
  if (f.bits) {
    raw = Math.floor(raw / 2 ** f.bits.shift) % 2 ** f.bits.width;
    width = f.bits.width;
  }
  if (f.signed && raw >= 2 ** (width - 1)) raw -= 2 ** width;
  return clean(raw * f.scale + f.add);
}

/**
 * Decodes the data bytes of one PID (the bytes after the PID number). Extra trailing bytes are an
 * error: ECUs pad CAN frames, but the caller must have split the response per PID already.
 */
export function decodePid(pid: number | PidDef, bytes: ArrayLike<number>): PidValue {
  const def = pidDef(pid);
  if (bytes.length !== def.bytes) {
    throw new PidError(
      `PID ${hex2(def.pid)} (${def.key}) carries ${def.bytes} byte(s), got ${bytes.length}: ${hexQuote(bytes)}`,
      def.pid,
      undefined,
      `le PID ${hex2(def.pid)} (${def.key}) porte ${def.bytes} octet(s), reçu ${bytes.length} : ${hexQuote(bytes)}`,
    );
  }
  if (def.fields.length === 1) return decodeField(def.fields[0], bytes);
  const out: Record<string, number> = {};
  for (const f of def.fields) out[f.key] = decodeField(f, bytes);
  return out;
}

function encodeField(def: PidDef, f: PidField, value: number, out: Uint8Array, saturate: boolean): void {
  if (!Number.isFinite(value))
    throw new PidError(`${def.key}.${f.key}: ${value} is not a number`, def.pid, f.key);
  // An ECU's sensor beyond what the PID carries reads at the end of the range.
  if (saturate) value = Math.min(f.max, Math.max(f.min, value));
  // Half a step of tolerance: a physical value rounds to the nearest raw step.
  const step = f.scale / 2;
  if (value < f.min - step || value > f.max + step) {
    throw new PidError(
      `${def.key}.${f.key}: ${value} ${f.unit} is outside ${f.min}…${f.max} ${f.unit}`,
      def.pid,
      f.key,
    );
  }
  let raw = Math.round((value - f.add) / f.scale);
  const width = f.bits ? f.bits.width : f.length * 8;
  const rawMax = f.signed ? 2 ** (width - 1) - 1 : 2 ** width - 1;
  const rawMin = f.signed ? -(2 ** (width - 1)) : 0;
  raw = Math.min(rawMax, Math.max(rawMin, raw));
  if (raw < 0) raw += 2 ** width;
  if (f.bits) {
    const current = readUint(out, f.offset, f.length);
    const unit = 2 ** f.bits.shift;
    const cleared = current - (Math.floor(current / unit) % 2 ** f.bits.width) * unit;
    raw = cleared + raw * unit;
  }
  for (let i = f.length - 1; i >= 0; i--) {
    out[f.offset + i] = raw % 256;
    raw = Math.floor(raw / 256);
  }
}

export interface EncodeOptions {
  /**
   * Clamp a value outside the PID's range to the range's end, as an ECU's sensor reading saturates
   * (the simulator's side). Without it, such a value is a PidError.
   */
  saturate?: boolean;
}

/**
 * Encodes a physical value into the PID's data bytes (the simulator's side). A multi-value PID
 * takes an object; fields left out are encoded as raw zero.
 */
export function encodePid(pid: number | PidDef, value: PidValue, options: EncodeOptions = {}): Uint8Array {
  const saturate = options.saturate ?? false;
  const def = pidDef(pid);
  const out = new Uint8Array(def.bytes);
  if (typeof value === 'number') {
    if (def.fields.length !== 1) {
      throw new PidError(
        `${def.key} has ${def.fields.length} values (${def.fields.map((f) => f.key).join(', ')}): pass an object`,
        def.pid,
      );
    }
    encodeField(def, def.fields[0], value, out, saturate);
    return out;
  }
  for (const k of Object.keys(value)) {
    if (!def.fields.some((f) => f.key === k))
      throw new PidError(`${def.key} has no value named '${k}'`, def.pid, k);
  }
  for (const f of def.fields) {
    const v = value[f.key];
    if (v !== undefined) encodeField(def, f, v, out, saturate);
  }
  return out;
}

/** Unit of a PID: a string for a single-value PID, an object per value otherwise. */
export function pidUnit(pid: number | PidDef): string | Record<string, string> {
  const def = pidDef(pid);
  if (def.fields.length === 1) return def.fields[0].unit;
  return Object.fromEntries(def.fields.map((f) => [f.key, f.unit]));
}

export interface PidSlice {
  pid: number;
  data: Uint8Array;
}

export interface SplitOptions {
  /** Bytes between each PID and its data: 1 for service 02 (the frame number), 0 for service 01. */
  perPidPrefix?: number;
  /** Data bytes of a PID; the SAE J1979 table by default (undefined: a PID it does not know). */
  pidLength?: (pid: number) => number | undefined;
}

/** Bytes CAN frames and adapters pad with after the last PID. */
const isPadding = (b: number) => b === 0 || b === 0xaa || b === 0x55 || b === 0xcc;

/** Where one PID stands in an answer body: its number, where its data starts, its length from the table. */
interface PidPlace {
  pid: number;
  /** Index of the PID's byte. */
  at: number;
  /** Index of its first data byte (after the frame number in service 02). */
  start: number;
  /** Its data length; undefined when the table does not know the PID. */
  length: number | undefined;
}

/**
 * The places of the PIDs in an answer body, in order, each found from the lengths of those before it.
 * It ends after a PID of unknown length (nothing after it can be placed), and at the trailing padding
 * after at least one PID. A place whose data runs past the body is given: the caller decides.
 */
function* pidPlaces(
  body: ArrayLike<number>,
  prefix: number,
  lengthOf: (pid: number) => number | undefined,
): Generator<PidPlace> {
  // Where the trailing run of padding bytes starts (body.length when there is none).
  let paddingFrom = body.length;
  while (paddingFrom > 0 && isPadding(body[paddingFrom - 1])) paddingFrom--;
  let placed = 0;
  let i = 0;
  while (i < body.length) {
    const pid = body[i];
    const length = lengthOf(pid);
    // Padding bytes after at least one PID (when the frame length was not trusted) end the list.
    const padding = placed > 0 && i >= paddingFrom;
    if (padding && (length === undefined || i + 1 + prefix + length > body.length)) return;
    yield { pid, at: i, start: i + 1 + prefix, length };
    if (length === undefined) return;
    placed++;
    i += 1 + prefix + length;
  }
}

/**
 * Splits the body of a service 01 response (after 0x41) holding one or several PIDs back into one
 * slice per PID, using each PID's length from the table. Trailing padding is tolerated; an unknown PID
 * or a truncated value is a PidError (its length is needed to find the next one). Linear in the
 * body's length, whatever an adapter sends.
 */
export function splitPids(body: ArrayLike<number>, opts: SplitOptions = {}): PidSlice[] {
  const prefix = opts.perPidPrefix ?? 0;
  const lengthOf = opts.pidLength ?? ((pid: number) => PIDS.get(pid)?.bytes);
  const out: PidSlice[] = [];
  for (const { pid, at, start, length } of pidPlaces(body, prefix, lengthOf)) {
    if (length === undefined) {
      throw new PidError(
        `unknown PID ${hex2(pid)} at byte ${at} of ${hexQuote(body)}: cannot split the rest`,
        pid,
        undefined,
        `PID ${hex2(pid)} inconnu à l'octet ${at} de ${hexQuote(body)} : impossible de découper la suite`,
      );
    }
    const end = start + length;
    if (end > body.length) {
      const key = PIDS.get(pid)?.key;
      throw new PidError(
        `PID ${hex2(pid)}${key ? ` (${key})` : ''} needs ${length} byte(s) at byte ${start}, only ${Math.max(0, body.length - start)} left in ${hexQuote(body)}`,
        pid,
        undefined,
        `le PID ${hex2(pid)}${key ? ` (${key})` : ''} demande ${length} octet(s) à l'octet ${start}, il en reste ${Math.max(0, body.length - start)} dans ${hexQuote(body)}`,
      );
    }
    const data = new Uint8Array(length);
    for (let k = 0; k < length; k++) data[k] = body[start + k];
    out.push({ pid, data });
  }
  return out;
}

/**
 * The PIDs an answer body (after 0x41) holds, in order, without decoding them and without throwing:
 * what a recording says an ECU answered. Split as `splitPids` splits (a PID byte, then its data of
 * the table's length; trailing padding ignored), but where `splitPids` refuses the answer this one
 * stops: a PID the table does not know, or whose value is cut short, is the last one listed (its byte
 * stands where a PID starts, so the ECU did answer it; what follows cannot be placed).
 */
export function answeredPids(body: ArrayLike<number>, opts: SplitOptions = {}): number[] {
  const lengthOf = opts.pidLength ?? ((pid: number) => PIDS.get(pid)?.bytes);
  return [...pidPlaces(body, opts.perPidPrefix ?? 0, lengthOf)].map((p) => p.pid);
}

/**
 * The data of `pid` in an answer body (after 0x41) that may hold several PIDs, placed as
 * `splitPids` places them; undefined when the body does not hold it whole (not there, after a PID
 * the table does not know, or cut short).
 */
export function pidDataIn(
  body: ArrayLike<number>,
  pid: number,
  opts: SplitOptions = {},
): Uint8Array | undefined {
  const lengthOf = opts.pidLength ?? ((p: number) => PIDS.get(p)?.bytes);
  for (const place of pidPlaces(body, opts.perPidPrefix ?? 0, lengthOf)) {
    if (place.pid !== pid) continue;
    if (place.length === undefined || place.start + place.length > body.length) return undefined;
    return Uint8Array.from({ length: place.length }, (_, k) => body[place.start + k]!);
  }
  return undefined;
}

/** PIDs announced by a support PID (0x00, 0x20 …) from its 4-byte bitmap. */
export function supportedFromBitmap(base: number, bitmap: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < 32; i++) {
    if (bitmap[i >> 3] & (0x80 >> (i & 7))) out.push(base + i + 1);
  }
  return out;
}

/** The 4-byte bitmap announcing `pids` for the support PID `base` (the simulator's side). */
export function bitmapFromSupported(base: number, pids: Iterable<number>): Uint8Array {
  const out = new Uint8Array(4);
  for (const p of pids) {
    const i = p - base - 1;
    if (i >= 0 && i < 32) out[i >> 3] |= 0x80 >> (i & 7);
  }
  return out;
}
