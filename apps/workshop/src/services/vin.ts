import { decodeVin, VinError } from '@atelier/obd';

/**
 * VIN decoding for the workshop, over @atelier/obd's `decodeVin` (ISO 3779/3780, WMI table, model
 * year, check digit). This one function is the workshop's only use of it, reduced to what the
 * vehicle record keeps.
 */
export interface DecodedVin {
  vin: string;
  wmi: string;
  manufacturer?: string;
  country?: string;
  modelYear?: number;
  /** Position 9 check digit: only North American VINs must carry it; elsewhere it is informative. */
  checkDigitValid: boolean;
}

export function normaliseVin(vin: string): string {
  return vin.trim().toUpperCase();
}

/** The decoded VIN, or null when it is not a VIN at all (length, I/O/Q, other characters). */
export function decodeVinForWorkshop(raw: string, nowYear: number): DecodedVin | null {
  let info: ReturnType<typeof decodeVin>;
  try {
    info = decodeVin(raw);
  } catch (err) {
    if (err instanceof VinError) return null;
    throw err;
  }
  // The year code repeats every 30 years; when the standard cannot settle it, the latest cycle
  // not beyond next year's models is the one a workshop meets.
  const year = info.modelYear.resolved ?? info.modelYear.candidates.filter((y) => y <= nowYear + 1).at(-1);
  return {
    vin: info.vin,
    wmi: info.wmi,
    manufacturer: info.manufacturer,
    country: info.country,
    modelYear: year,
    checkDigitValid: info.checkDigit.valid,
  };
}
