import { describe, expect, it } from 'vitest';
import { vehicleFromFuelType } from './facts.js';

describe('vehicleFromFuelType (J1979 PID 0x51)', () => {
  it('reads the type a car states, and nothing from "not available" or an unlisted code', () => {
    // Codes from SAE J1979's fuel type table: 1 gasoline, 4 diesel, 5 LPG, 8 electric,
    // 0x11 hybrid gasoline, 0x13 hybrid diesel, 0x14 hybrid electric, 0x17 bifuel running diesel.
    expect(vehicleFromFuelType(1)).toBe('petrol');
    expect(vehicleFromFuelType(5)).toBe('petrol');
    expect(vehicleFromFuelType(4)).toBe('diesel');
    expect(vehicleFromFuelType(0x17)).toBe('diesel');
    expect(vehicleFromFuelType(8)).toBe('ev');
    expect(vehicleFromFuelType(0x11)).toBe('hybrid');
    expect(vehicleFromFuelType(0x13)).toBe('hybrid');
    expect(vehicleFromFuelType(0x14)).toBe('hybrid');
    expect(vehicleFromFuelType(0)).toBeUndefined();
    expect(vehicleFromFuelType(0x30)).toBeUndefined();
    expect(vehicleFromFuelType(undefined)).toBeUndefined();
  });
});
