import { describe, expect, it } from 'vitest';
import {
  countryOf,
  decodeVin,
  likelyModelYear,
  modelYearCandidates,
  VinError,
  vinCheckDigit,
} from './vin.js';
import { WMIS } from './wmi.js';

describe('VIN check digit', () => {
  it('accepts a valid North American VIN (check digit worked by hand)', () => {
    // 1M8GDM9A_KP042788: the 49 CFR 565 worked example, check digit X.
    const v = decodeVin('1M8GDM9AXKP042788');
    expect(v.checkDigit).toEqual({ expected: 'X', actual: 'X', valid: true, required: true });
    expect(v.errors).toEqual([]);
    expect(v.region).toBe('North America');
    expect(v.country).toBe('United States');
    expect(v.manufacturer).toBe('Motor Coach Industries');
  });

  it('reports an invalid check digit as an error where it is required', () => {
    const v = decodeVin('1M8GDM9A1KP042788');
    expect(v.checkDigit.valid).toBe(false);
    expect(v.checkDigit.expected).toBe('X');
    expect(v.errors.map((e) => e.code)).toEqual(['check-digit']);
    expect(v.errors[0].position).toBe(9);
  });

  it('reports but does not require the check digit on a European VIN', () => {
    const v = decodeVin('VF1RFB00X56123456');
    expect(v.region).toBe('Europe');
    expect(v.country).toBe('France');
    expect(v.manufacturer).toBe('Renault');
    expect(v.checkDigit.required).toBe(false);
    // Hand sum: 40+42+6+45+24+6+0+0+0+45+48+7+12+15+16+15+12 = 333; 333 mod 11 = 3, position 9 holds X.
    expect(v.checkDigit).toEqual({ expected: '3', actual: 'X', valid: false, required: false });
    expect(v.errors).toEqual([]);
    expect(v.plant).toBe('6');
    expect(v.serial).toBe('123456');
    expect(v.wmi).toBe('VF1');
    expect(v.vds).toBe('RFB00X');
    expect(v.vis).toBe('56123456');
  });

  it('computes the weighted sum modulo 11', () => {
    // Sum for 11111111111111111 is 1 × (8+7+6+5+4+3+2+10+0+9+8+7+6+5+4+3+2) = 89; 89 mod 11 = 1.
    expect(vinCheckDigit('11111111111111111')).toBe('1');
    expect(vinCheckDigit('WVWZZZ1JZ3W386752')).toBe(vinCheckDigit('wvwzzz1jz3w386752'));
  });
});

describe('VIN structure', () => {
  it('rejects wrong lengths and I, O, Q with their positions', () => {
    expect(() => decodeVin('VF1RFB00X5612345')).toThrow(VinError);
    try {
      decodeVin('VF1RFB0OX5612345Q');
    } catch (e) {
      expect(e).toBeInstanceOf(VinError);
      expect((e as VinError).problems.map((p) => p.position)).toEqual([8, 17]);
    }
    expect(() => decodeVin('VF1RFB00X5612345-')).toThrow(/position 17/);
  });

  it('says what is wrong in French too, the English message unchanged', () => {
    const err = (() => {
      try {
        decodeVin('VF1RFB0OX5612345Q');
      } catch (e) {
        return e as VinError;
      }
    })()!;
    expect(err.message).toBe(
      "not a valid VIN: position 8: 'O' is not allowed in a VIN (I, O and Q are never used); position 17: 'Q' is not allowed in a VIN (I, O and Q are never used)",
    );
    expect(err.messageIn('fr')).toBe(
      "VIN invalide : position 8 : « O » est interdit dans un VIN (I, O et Q n'y figurent jamais) ; position 17 : « Q » est interdit dans un VIN (I, O et Q n'y figurent jamais)",
    );
    const short = (() => {
      try {
        decodeVin('VF1RFB00X561234');
      } catch (e) {
        return e as VinError;
      }
    })()!;
    expect(short.problems[0]!.fr).toBe('un VIN a 17 caractères, « VF1RFB00X561234 » en a 15');
  });

  it('reads small-maker WMIs from positions 1–3 and 12–14', () => {
    const v = decodeVin('ZA9SA11B0FA123456');
    expect(v.wmi).toBe('ZA9123');
    expect(v.serial).toBe('456');
  });

  it('knows at least 300 WMIs, and the main European makers', () => {
    expect(WMIS.size).toBeGreaterThanOrEqual(300);
    const expected: Record<string, string> = {
      VF3: 'Peugeot',
      VF7: 'Citroën',
      UU1: 'Dacia',
      WVW: 'Volkswagen',
      WBA: 'BMW',
      TMB: 'Škoda',
      VSS: 'SEAT',
      ZFA: 'Fiat',
      YV1: 'Volvo Cars',
      SAL: 'Land Rover',
      W0L: 'Opel',
      VR3: 'Peugeot',
    };
    for (const [wmi, maker] of Object.entries(expected)) expect(WMIS.get(wmi), wmi).toBe(maker);
  });

  it('finds the country from the first two characters (ISO 3780)', () => {
    expect(countryOf('WAU').country).toBe('Germany');
    expect(countryOf('ZAR').country).toBe('Italy');
    expect(countryOf('SAL').country).toBe('United Kingdom');
    expect(countryOf('JHM').country).toBe('Japan');
    expect(countryOf('KNA').country).toBe('South Korea');
    expect(countryOf('3VW').country).toBe('Mexico');
    expect(countryOf('9BW').country).toBe('Brazil');
    expect(countryOf('LFV').region).toBe('Asia');
  });
});

describe('model year', () => {
  it('lists the 30-year candidates of a code', () => {
    expect(modelYearCandidates('A', 2040)).toEqual([1980, 2010, 2040]);
    expect(modelYearCandidates('Y', 2039)).toEqual([2000, 2030]);
    expect(modelYearCandidates('9', 2039)).toEqual([2009, 2039]);
    expect(modelYearCandidates('U')).toEqual([]);
    expect(modelYearCandidates('0')).toEqual([]);
  });

  it('resolves the ambiguity with position 7 on North American VINs', () => {
    // Position 10 'B' is 1981 or 2011; position 7 a digit → 1981, a letter → 2011.
    const old = '1G1AB1' + '5' + '0_B1000001';
    const withDigit = decodeVin(old.replace('_', '0'));
    const digitVin = withDigit.vin.slice(0, 8) + vinCheckDigit(withDigit.vin) + withDigit.vin.slice(9);
    const a = decodeVin(digitVin);
    expect(a.modelYear.code).toBe('B');
    expect(a.modelYear.resolved).toBe(1981);
    const letterVin0 = '1G1AB1' + 'C' + '00B1000001';
    const letterVin = letterVin0.slice(0, 8) + vinCheckDigit(letterVin0) + letterVin0.slice(9);
    const b = decodeVin(letterVin);
    expect(b.modelYear.resolved).toBe(2011);
    expect(b.modelYear.rule).toMatch(/letter/);
    expect(b.errors).toEqual([]);
  });

  it('leaves a European model year unresolved, and picks the latest plausible one on request', () => {
    const v = decodeVin('VF1RFB00X56123456');
    expect(v.modelYear.code).toBe('5');
    expect(v.modelYear.resolved).toBeUndefined();
    expect(v.modelYear.candidates.slice(0, 2)).toEqual([2005, 2035]);
    expect(likelyModelYear(v, 2026)).toBe(2005);
    const g = decodeVin('WVWZZZ1KZAW000001');
    expect(g.modelYear.candidates.slice(0, 2)).toEqual([1980, 2010]);
    expect(likelyModelYear(g, 2026)).toBe(2010);
  });
});
