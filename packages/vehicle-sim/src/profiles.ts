import { functionalAddressOf, requestAddressOf } from '@atelier/obd';
import { withCheckDigit } from './vin.js';

export type Text = { fr: string; en: string };
export type EcuRole = 'engine' | 'transmission' | 'battery' | 'abs' | 'body';
export type EngineKind = 'spark' | 'compression' | 'none';

/** One ECU of a profile. Addresses are derived from the protocol (11-bit or 29-bit) by `ecuAddresses`. */
export interface EcuSpec {
  role: EcuRole;
  /** Emissions-related: answers OBD-II (J1979) services, including functional requests. */
  obd: boolean;
  label: Text;
  partNumber: string;
  hardware: string;
  software: string;
  supplier: string;
}

export interface VehicleProfile {
  name: ProfileName;
  label: Text;
  vin: string;
  year: number;
  engine: {
    kind: EngineKind;
    displacementL: number;
    cylinders: number;
    banks: 1 | 2;
    idleRpm: number;
    thermostatC: number;
    egr: boolean;
    dpf: boolean;
    evap: boolean;
    /** J1979 PID 0x51 fuel type code. */
    fuelType: number;
  };
  /**
   * Traction battery (hybrid or EV): cells in series, `modules` temperature sensors (4 by default),
   * and how its battery ECU lays out its manufacturer DIDs: `generic` (Atelier's 0x0101–0x0110) or
   * `hyundai` (the Kona/Ioniq BMS's 0x0101–0x0105, `bms-hyundai.ts`).
   */
  traction?: {
    cells: number;
    nominalV: number;
    capacityKwh: number;
    chemistry: 'NiMH' | 'Li-ion' | 'NMC';
    modules?: number;
    bms?: 'generic' | 'hyundai';
  };
  /** Upshift rpm when driving; gears as rpm per km/h. */
  gears: number[];
  upshiftRpm: number;
  tankL: number;
  ecus: EcuSpec[];
}

export type ProfileName = 'petrol' | 'petrol-v6' | 'diesel' | 'hybrid' | 'ev' | 'ev-kona';

const ecu = (role: EcuRole, obd: boolean, fr: string, en: string, n: string): EcuSpec => ({
  role,
  obd,
  label: { fr, en },
  partNumber: `23710-${n}`,
  hardware: `HW${n}A`,
  software: `SW${n}.04`,
  supplier: role === 'engine' ? 'CONTINENTAL' : role === 'abs' ? 'BOSCH' : 'VALEO',
});

const engineEcu = ecu('engine', true, 'calculateur moteur', 'engine control module', '1001');
const gearboxEcu = ecu(
  'transmission',
  true,
  'calculateur de boîte de vitesses',
  'transmission control module',
  '2001',
);
const absEcu = ecu('abs', false, 'calculateur ABS/ESP', 'ABS/ESC module', '3001');
const bodyEcu = ecu('body', false, 'boîtier de servitude intelligent', 'body control module', '4001');
const batteryEcu = ecu(
  'battery',
  true,
  'calculateur de batterie de traction',
  'traction battery ECU',
  '5001',
);

/** A battery EV's: no engine (J1979 fuel type 0x08, electric). */
const NO_ENGINE: VehicleProfile['engine'] = {
  kind: 'none',
  displacementL: 0,
  cylinders: 0,
  banks: 1,
  idleRpm: 0,
  thermostatC: 40,
  egr: false,
  dpf: false,
  evap: false,
  fuelType: 0x08,
};
const evControlUnit: EcuSpec = {
  ...engineEcu,
  label: { fr: 'calculateur de véhicule électrique', en: 'EV control unit' },
};

const MANUAL_6 = [118, 66, 44, 33, 27, 22.5];

export const PROFILES: Record<ProfileName, VehicleProfile> = {
  petrol: {
    name: 'petrol',
    label: { fr: 'citadine essence 1,2 l 4 cylindres', en: '1.2 l four-cylinder petrol city car' },
    vin: withCheckDigit('VF15RBJ0G52671438'),
    year: 2016,
    engine: {
      kind: 'spark',
      displacementL: 1.2,
      cylinders: 4,
      banks: 1,
      idleRpm: 780,
      thermostatC: 89,
      egr: false,
      dpf: false,
      evap: true,
      fuelType: 0x01,
    },
    gears: [120, 68, 45, 34, 28],
    upshiftRpm: 2500,
    tankL: 45,
    ecus: [engineEcu, gearboxEcu, absEcu, bodyEcu],
  },
  'petrol-v6': {
    name: 'petrol-v6',
    label: { fr: 'berline essence V6 3,0 l (deux bancs)', en: '3.0 l V6 petrol saloon (two banks)' },
    vin: withCheckDigit('VF36DXFV081203375'),
    year: 2008,
    engine: {
      kind: 'spark',
      displacementL: 3.0,
      cylinders: 6,
      banks: 2,
      idleRpm: 700,
      thermostatC: 92,
      egr: true,
      dpf: false,
      evap: true,
      fuelType: 0x01,
    },
    gears: MANUAL_6,
    upshiftRpm: 2300,
    tankL: 66,
    ecus: [engineEcu, gearboxEcu, absEcu, bodyEcu],
  },
  diesel: {
    name: 'diesel',
    label: { fr: 'compacte diesel 1,6 l avec FAP', en: '1.6 l diesel compact with DPF' },
    vin: withCheckDigit('VF3LBBHZ0HS104592'),
    year: 2017,
    engine: {
      kind: 'compression',
      displacementL: 1.6,
      cylinders: 4,
      banks: 1,
      idleRpm: 820,
      thermostatC: 88,
      egr: true,
      dpf: true,
      evap: false,
      fuelType: 0x04,
    },
    gears: MANUAL_6,
    upshiftRpm: 2000,
    tankL: 53,
    ecus: [engineEcu, gearboxEcu, absEcu, bodyEcu],
  },
  hybrid: {
    name: 'hybrid',
    label: { fr: 'compacte hybride essence (NiMH)', en: 'petrol hybrid compact (NiMH)' },
    vin: withCheckDigit('SB1ZS3JE80E174028'),
    year: 2015,
    engine: {
      kind: 'spark',
      displacementL: 1.8,
      cylinders: 4,
      banks: 1,
      idleRpm: 1000,
      thermostatC: 90,
      egr: true,
      dpf: false,
      evap: true,
      fuelType: 0x11,
    },
    traction: { cells: 168, nominalV: 201.6, capacityKwh: 1.3, chemistry: 'NiMH' },
    gears: [32],
    upshiftRpm: 9999,
    tankL: 45,
    ecus: [engineEcu, gearboxEcu, batteryEcu, absEcu, bodyEcu],
  },
  ev: {
    name: 'ev',
    label: { fr: 'citadine électrique 41 kWh', en: '41 kWh electric city car' },
    vin: withCheckDigit('VF1AG000K63019856'),
    year: 2019,
    engine: NO_ENGINE,
    traction: { cells: 96, nominalV: 350, capacityKwh: 41, chemistry: 'Li-ion' },
    gears: [75],
    upshiftRpm: 99999,
    tankL: 0,
    ecus: [evControlUnit, batteryEcu, absEcu, bodyEcu],
  },
  // A Hyundai Kona electric 64 kWh (2020): 98 NMC cells in series (356 V nominal), four module
  // temperature sensors; its BMS answers the Kona/Ioniq DIDs 0x0101–0x0105 on 0x7E4/0x7EC.
  'ev-kona': {
    name: 'ev-kona',
    label: { fr: 'Hyundai Kona électrique 64 kWh', en: 'Hyundai Kona electric 64 kWh' },
    vin: withCheckDigit('KMHK581GFLU062417'),
    year: 2020,
    engine: NO_ENGINE,
    traction: { cells: 98, nominalV: 356, capacityKwh: 64, chemistry: 'NMC', modules: 4, bms: 'hyundai' },
    // The motor's speed per km/h: Hyundai's single reduction of 7.981 on 215/55 R17 tyres (2.10 m
    // round): 7.94 wheel turns a minute per km/h, 63.4 at the motor (what its BMS reports in 0101).
    gears: [63.4],
    upshiftRpm: 99999,
    tankL: 0,
    ecus: [
      evControlUnit,
      { ...batteryEcu, label: { fr: 'BMS (batterie de traction)', en: 'BMS (traction battery)' } },
      absEcu,
      bodyEcu,
    ],
  },
};

export const PROFILE_NAMES = Object.keys(PROFILES) as ProfileName[];

/** ISO 15765-4 addressing: 0x7E0+n/0x7E8+n for 11-bit, 0x18DAxxF1/0x18DAF1xx for 29-bit. */
const NODE: Record<EcuRole, { std: [number, number]; ext: number }> = {
  engine: { std: [0x7e0, 0x7e8], ext: 0x10 },
  transmission: { std: [0x7e1, 0x7e9], ext: 0x18 },
  battery: { std: [0x7e4, 0x7ec], ext: 0x1e },
  abs: { std: [0x760, 0x768], ext: 0x28 },
  body: { std: [0x740, 0x748], ext: 0x40 },
};

export function ecuAddresses(role: EcuRole, extended: boolean): { request: number; response: number } {
  const n = NODE[role];
  if (!extended) return { request: n.std[0], response: n.std[1] };
  const response = (0x18daf100 | n.ext) >>> 0;
  return { request: requestAddressOf(response, true), response };
}

export const FUNCTIONAL_11 = functionalAddressOf(false);
export const FUNCTIONAL_29 = functionalAddressOf(true);
