import { describe, expect, it } from 'vitest';
import {
  DTC_STATUS_BITS,
  DtcFormatError,
  decodeDtc,
  decodeDtcList,
  decodeDtcStatus,
  decodeUdsDtc,
  describeDtc,
  dtcTitle,
  encodeDtc,
  encodeDtcStatus,
  encodeUdsDtc,
} from './dtc.js';
import { DTC_TITLES } from './dtc-titles.js';

describe('DTC codec', () => {
  it('round-trips all 65,536 two-byte values, each to a distinct code', () => {
    const seen = new Set<string>();
    for (let b0 = 0; b0 < 256; b0++) {
      for (let b1 = 0; b1 < 256; b1++) {
        const code = decodeDtc(b0, b1);
        expect(code).toMatch(/^[PCBU][0-3][0-9A-F]{3}$/);
        seen.add(code);
        const [c0, c1] = encodeDtc(code);
        if (c0 !== b0 || c1 !== b1) throw new Error(`${b0}/${b1} → ${code} → ${c0}/${c1}`);
      }
    }
    expect(seen.size).toBe(65536);
  });

  it('decodes the J2012 examples worked by hand', () => {
    expect(decodeDtc(0x03, 0x01)).toBe('P0301');
    expect(decodeDtc(0x01, 0x33)).toBe('P0133');
    expect(decodeDtc(0x41, 0x23)).toBe('C0123');
    expect(decodeDtc(0x9a, 0xbc)).toBe('B1ABC');
    expect(decodeDtc(0xc1, 0x00)).toBe('U0100');
    expect(decodeDtc(0xff, 0xff)).toBe('U3FFF');
    expect(encodeDtc('p0a80')).toEqual([0x0a, 0x80]);
  });

  it('refuses strings that are not DTCs, saying where', () => {
    expect(() => encodeDtc('X0301')).toThrow(DtcFormatError);
    expect(() => encodeDtc('P4301')).toThrow(/character 2/);
    expect(() => encodeDtc('P03G1')).toThrow(/character 4/);
    expect(() => encodeDtc('P030')).toThrow(DtcFormatError);
  });

  it('reads a service 03 list and skips 00 00 padding', () => {
    expect(decodeDtcList([0x03, 0x01, 0x01, 0x71, 0x00, 0x00])).toEqual(['P0301', 'P0171']);
    expect(decodeDtcList([])).toEqual([]);
  });
});

describe('UDS DTC and status byte', () => {
  it('names every status bit', () => {
    const s = decodeDtcStatus(0x2f);
    expect(s.testFailed && s.testFailedThisOperationCycle && s.pendingDTC && s.confirmedDTC).toBe(true);
    expect(s.testNotCompletedSinceLastClear).toBe(false);
    expect(s.testFailedSinceLastClear).toBe(true);
    expect(s.warningIndicatorRequested).toBe(false);
    for (let b = 0; b < 256; b++) expect(encodeDtcStatus(decodeDtcStatus(b))).toBe(b);
    expect(DTC_STATUS_BITS.map((b) => b.bit)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('decodes the 3-byte form with failure type', () => {
    const d = decodeUdsDtc(0x03, 0x01, 0x16, 0x09);
    expect(d.code).toBe('P0301');
    expect(d.full).toBe('P0301-16');
    expect(d.number).toBe(0x030116);
    expect(d.status?.confirmedDTC).toBe(true);
    expect(encodeUdsDtc('U0100', 0x87)).toEqual([0xc1, 0x00, 0x87]);
  });
});

describe('DTC titles', () => {
  it('has at least 400 titled generic codes across P00xx–P09xx, P2xxx and U0xxx, in both languages', () => {
    expect(DTC_TITLES.size).toBeGreaterThanOrEqual(400);
    const groups = new Set([...DTC_TITLES.keys()].map((c) => c.slice(0, 3)));
    for (const g of ['P00', 'P01', 'P02', 'P03', 'P04', 'P05', 'P06', 'P07', 'P08', 'P20', 'P21', 'U01'])
      expect(groups.has(g), g).toBe(true);
    for (const [code, t] of DTC_TITLES) {
      expect(code).toMatch(/^[PU][0-3][0-9A-F]{3}$/);
      expect(t.fr.length, code).toBeGreaterThan(8);
      expect(t.en.length, code).toBeGreaterThan(8);
      expect(describeDtc(code).origin, code).toBe('generic');
    }
  });

  it('titles a common code in French and English', () => {
    expect(dtcTitle('P0301', 'fr')).toBe('Ratés de combustion détectés sur le cylindre 1');
    expect(dtcTitle('P0301', 'en')).toBe('Cylinder 1 misfire detected');
    expect(dtcTitle('p0420', 'en')).toMatch(/Catalyst.*bank 1/);
    expect(dtcTitle('P0141', 'en')).toBe('O2 sensor bank 1 sensor 2: heater circuit malfunction');
    expect(dtcTitle('U0100', 'fr')).toMatch(/Perte de communication/);
  });

  it('describes every other code by its structure', () => {
    expect(dtcTitle('P1234', 'en')).toBe(
      'Powertrain, manufacturer-specific code — fuel and air metering (injector circuit)',
    );
    expect(dtcTitle('C0035', 'fr')).toBe('Châssis, code générique');
    expect(dtcTitle('B1A00', 'en')).toBe('Body, manufacturer-specific code');
    expect(describeDtc('P3400').origin).toBe('generic');
    expect(describeDtc('P3000').origin).toBe('manufacturer');
    expect(describeDtc('U0400').group?.en).toBe('invalid data received');
    for (let i = 0; i < 65536; i += 97)
      expect(dtcTitle(decodeDtc(i >> 8, i & 0xff), 'en').length).toBeGreaterThan(4);
  });
});
