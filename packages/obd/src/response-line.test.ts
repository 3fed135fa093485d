import { describe, expect, it } from 'vitest';
import { decodeResponseLine, ResponseLineError } from './response-line.js';

describe('decodeResponseLine', () => {
  const rpm = { kind: 'pid', mode: 1, pid: 0x0c, key: 'ENGINE_RPM', value: 1726, unit: 'rpm' };

  it('reads the same answer with or without spaces and header', () => {
    for (const line of ['41 0C 1A F8', '410C1AF8', '  41 0c 1a f8 ', '>41 0C 1A F8']) {
      expect(decodeResponseLine(line)).toMatchObject([rpm]);
      expect(decodeResponseLine(line)[0]).not.toHaveProperty('ecu');
    }
    for (const line of ['7E8 04 41 0C 1A F8', '7E804410C1AF8', '7E8 04 41 0C 1A F8 55 55 55']) {
      expect(decodeResponseLine(line)).toMatchObject([{ ...rpm, ecu: '7E8' }]);
    }
    expect(decodeResponseLine('18 DA F1 10 04 41 0C 1A F8')).toMatchObject([{ ...rpm, ecu: '18DAF110' }]);
    expect(decodeResponseLine('18DAF11004410C1AF8')).toMatchObject([{ ...rpm, ecu: '18DAF110' }]);
    expect(decodeResponseLine('04 41 0C 1A F8')).toMatchObject([rpm]);
  });

  it('splits a multi-PID line and decodes multi-value PIDs to objects', () => {
    const out = decodeResponseLine('7E8 06 41 0D 32 14 80 80');
    expect(out).toMatchObject([
      { pid: 0x0d, value: 50, unit: 'km/h' },
      {
        pid: 0x14,
        key: 'O2_B1S1_VOLTAGE',
        value: { voltage: 0.64, shortTermFuelTrim: 0 },
        unit: { voltage: 'V', shortTermFuelTrim: '%' },
      },
    ]);
  });

  it('reads freeze frames and DTC lines', () => {
    expect(decodeResponseLine('42 0C 00 1A F8')).toMatchObject([
      { mode: 2, pid: 0x0c, frame: 0, value: 1726 },
    ]);
    expect(decodeResponseLine('7E8 06 43 02 03 01 01 71')).toEqual([
      { kind: 'dtc', ecu: '7E8', mode: 3, dtcs: ['P0301', 'P0171'] },
    ]);
    expect(decodeResponseLine('43 03 01 01 71 00 00')).toEqual([
      { kind: 'dtc', mode: 3, dtcs: ['P0301', 'P0171'] },
    ]);
    expect(decodeResponseLine('47 00')).toEqual([{ kind: 'dtc', mode: 7, dtcs: [] }]);
  });

  it('says what is wrong with a bad line, and where', () => {
    expect(() => decodeResponseLine('41 0C 1A FG')).toThrow(/'G' at column 11/);
    expect(() => decodeResponseLine('')).toThrow(ResponseLineError);
    expect(() => decodeResponseLine('41 0C 1A')).toThrow(/needs 2 byte/);
    expect(() => decodeResponseLine('7F 01 12')).toThrow(/negative response to service 01/);
    expect(() => decodeResponseLine('NO DATA')).toThrow(ResponseLineError);
    expect(() => decodeResponseLine('62 F1 90')).toThrow(/not one this decoder reads/);
  });
});
