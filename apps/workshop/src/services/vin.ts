/**
 * VIN decoding for the workshop. The full decoder belongs to @atelier/obd (`decodeVin`); until it
 * lands, this one function is the only place that decodes, so switching is a one-line change.
 * Structure per ISO 3779/3780: WMI (1–3), VDS (4–9), VIS (10–17), model year at position 10.
 */
export interface DecodedVin {
  vin: string;
  wmi: string;
  manufacturer?: string;
  modelYear?: number;
  /** Position 9 check digit: only North American VINs must carry it; elsewhere it is informative. */
  checkDigitValid: boolean;
}

const WMI: Record<string, string> = {
  VF1: 'Renault',
  VF3: 'Peugeot',
  VF7: 'Citroën',
  VR1: 'DS Automobiles',
  VR3: 'Peugeot',
  VR7: 'Citroën',
  UU1: 'Dacia',
  VNK: 'Toyota',
  JTD: 'Toyota',
  JTN: 'Toyota',
  SB1: 'Toyota',
  WVW: 'Volkswagen',
  WV2: 'Volkswagen',
  WAU: 'Audi',
  WBA: 'BMW',
  WDD: 'Mercedes-Benz',
  W0L: 'Opel',
  ZFA: 'Fiat',
  TMB: 'Škoda',
  VSS: 'SEAT',
  KNA: 'Kia',
  KMH: 'Hyundai',
  SJN: 'Nissan',
  '5YJ': 'Tesla',
  XP7: 'Tesla',
  LRW: 'Tesla',
};

const YEAR_CODES = 'ABCDEFGHJKLMNPRSTVWXY123456789';
/** ISO 3779 transliteration of letters for the check digit (I, O and Q never occur). */
const TRANSLIT: Record<string, number> = Object.fromEntries([
  ...[...'ABCDEFGH'].map((c, i) => [c, i + 1]),
  ...[...'JKLMN'].map((c, i) => [c, i + 1]),
  ['P', 7],
  ['R', 9],
  ...[...'STUVWXYZ'].map((c, i) => [c, i + 2]),
]);
const WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

export const VIN_PATTERN = /^[A-HJ-NPR-Z0-9]{17}$/;

export function normaliseVin(vin: string): string {
  return vin.trim().toUpperCase();
}

export function decodeVinForWorkshop(raw: string, nowYear: number): DecodedVin | null {
  const vin = normaliseVin(raw);
  if (!VIN_PATTERN.test(vin)) return null;
  const wmi = vin.slice(0, 3);
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const c = vin[i]!;
    sum += (/\d/.test(c) ? Number(c) : TRANSLIT[c]!) * WEIGHTS[i]!;
  }
  const check = sum % 11 === 10 ? 'X' : String(sum % 11);
  const code = YEAR_CODES.indexOf(vin[9]!);
  // The year letter repeats every 30 years: take the latest cycle not beyond next year's models.
  let modelYear: number | undefined;
  if (code >= 0) {
    modelYear = 1980 + code;
    while (modelYear + 30 <= nowYear + 1) modelYear += 30;
  }
  return { vin, wmi, manufacturer: WMI[wmi], modelYear, checkDigitValid: vin[8] === check };
}
