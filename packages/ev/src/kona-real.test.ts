import { readFileSync } from 'node:fs';
import { type Frame, readLog } from '@atelier/can';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fixturePath } from '../../../tests/support/index.js';
import { batteryDefinition } from './definition.js';
import { batteryReportFromFrames, plausibility } from './report.js';

/**
 * The Kona definition against real cars: answers of two Hyundai Kona Electric BMSs as ELM327
 * adapters printed them (OBDb, CC BY-SA 4.0), decoded by Atelier's pairing and definition, compared
 * with the values OBDb's own, independent decoding expects of the same bytes.
 */
interface Case {
  model_year: number;
  /** The test case in OBDb's file (0-based). */
  case: number;
  request: string;
  response: string[];
  expected: Record<string, number>;
}
const FIXTURE = parse(readFileSync(fixturePath('ev/hyundai-kona-electric-obdb.yaml'), 'utf8')) as {
  cases: Case[];
  /** 0101 answers of first-generation cars chosen for the drive motor and inverter bytes. */
  drive: Case[];
};

/** A recording of one car's reads: each request (single frame, padded), flow control, the answer. */
function recording(year: number): Frame[] {
  return framesOf(FIXTURE.cases.filter((x) => x.model_year === year));
}

function framesOf(cases: Case[]): Frame[] {
  const frames: Frame[] = [];
  let t = 0;
  const frame = (id: number, bytes: number[]) => {
    t += 0.01;
    frames.push({ id, extended: false, data: Uint8Array.from(bytes), timestamp: t });
  };
  for (const c of cases) {
    const req = c.request.split(' ').map((b) => Number.parseInt(b, 16));
    frame(0x7e4, [req.length, ...req, ...new Array(7 - req.length).fill(0xaa)]);
    c.response.forEach((line, i) => {
      const [id, ...bytes] = line.split(' ').map((b) => Number.parseInt(b, 16));
      frame(id, bytes);
      if (i === 0) frame(0x7e4, [0x30, 0, 0, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa]);
    });
    t += 1;
  }
  return frames;
}

const expected = (year: number) =>
  Object.assign({}, ...FIXTURE.cases.filter((c) => c.model_year === year).map((c) => c.expected)) as Record<
    string,
    number
  >;
const cell = (n: number) => `KONAEV_HVBAT_CMU${String(n).padStart(3, '0')}_VOLT`;

describe('the Kona/Ioniq definition on real Kona Electric answers (OBDb)', () => {
  const kona = batteryDefinition('hyundai-kona-ioniq')!;

  it.each([2020, 2024])(
    'model year %i: SoC, pack voltage and current, module temperatures, SoH agree',
    (year) => {
      const r = batteryReportFromFrames(recording(year), { name: `kona-${year}`, definitions: [kona] });
      const e = expected(year);
      expect(r.answers).toBe(5);
      // Real cars' answers: a recording whose origin the data does not say, never a simulated car.
      expect(r.source).toMatchObject({ kind: 'recording', name: `kona-${year}`, origin: 'unknown' });
      expect(r.source.description?.fr).toMatch(
        new RegExp(
          `^fichier « kona-${year} » \\(enregistrement\\) ; réponses utilisées de 0 s à 4,\\d s de l'enregistrement$`,
        ),
      );
      expect(r.soc?.value).toBe(e.KONAEV_HVBAT_SOC);
      expect(r.packVoltage?.value).toBe(e.KONAEV_HVBAT_VDC);
      expect(r.packCurrent?.value).toBe(e.KONAEV_HVBAT_CURR);
      expect(r.soh?.value).toBe(e.KONAEV_HVBAT_SOH);
      expect(r.temperatures?.values).toEqual([1, 2, 3, 4].map((m) => e[`KONAEV_HVBAT_MOD${m}_T`]));
    },
  );

  it('model year 2020 (98 cells): every cell as OBDb reads it, the sum near the pack voltage, all checks pass', () => {
    const r = batteryReportFromFrames(recording(2020), { definitions: [kona] });
    const e = expected(2020);
    expect(r.cells?.voltages).toEqual(Array.from({ length: 98 }, (_, i) => e[cell(i + 1)]));
    expect(r.cells?.max).toBe(e.KONAEV_C_V_MAX);
    expect(r.cells?.min).toBe(e.KONAEV_C_V_MIN);
    expect(r.checks.filter((c) => !c.ok)).toEqual([]);
    expect(r.checks.map((c) => c.check)).toContain('pack-vs-cells');
  });

  it('model year 2024: cells 1–96 as OBDb reads them; 97–98 answered 00 are missing, not 0 V', () => {
    const r = batteryReportFromFrames(recording(2024), { definitions: [kona] });
    const e = expected(2024);
    expect(r.cells?.voltages.slice(0, 96)).toEqual(Array.from({ length: 96 }, (_, i) => e[cell(i + 1)]));
    expect(r.cells?.voltages.slice(96)).toEqual([null, null]);
    expect(r.missing.find((m) => m.quantity === 'cellVoltages')?.reason.en).toBe('2 of 98 cells not read');
  });
});

/**
 * The rest of 0101, read from the same real answers. OBDb's test cases carry no expected value for
 * these signals, so the oracle is the bytes themselves, decoded by hand here from the published
 * layout (OBDb's signal set: bit offsets from the first byte after `62 01 01`, i.e. index − 3):
 *
 *   2020: … 32:7E | 33–36: 00 00 DB 54 | 37–40: 00 00 D9 15 | 41–44: 00 00 52 59 | 45–48: 00 00 4F 57 |
 *         49–52: 00 7B 02 13 | 60–61: 0B B8; 25: 07; 26–29: B4 02 B4 01; 30–31: 00 00; 8–11: 00 00 00 00
 *   2024: … 32:8C | 33–36: 00 02 50 A8 | 37–40: 00 02 4E A2 | 41–44: 00 00 FC 93 | 45–48: 00 00 F5 6C |
 *         49–52: 00 B8 B7 20 | 60–61: 0B B8; 25: 2E; 26–29: B0 05 AF 4D; 30–31: 00 00; 8–11: 00 00 00 00
 */
describe('the whole 0101 answer of the real Konas', () => {
  const kona = batteryDefinition('hyundai-kona-ioniq')!;
  const extras = (year: number) =>
    Object.fromEntries(
      batteryReportFromFrames(recording(year), { definitions: [kona] }).extras.map((e) => [
        e.quantity,
        `${e.value} ${e.unit}`.trim(),
      ]),
    );

  it('model year 2020 (parked): 12 V battery, cumulative energy and charge, operating time, isolation, inlet, fan, the BMS’s cells', () => {
    expect(extras(2020)).toEqual({
      availableChargePower: '0 kW',
      availableDischargePower: '0 kW',
      inletTemperature: '7 °C',
      cellMaxReported: '3.6 V',
      cellMaxReportedNumber: '2',
      cellMinReported: '3.6 V',
      cellMinReportedNumber: '1',
      fanStatus: '0',
      fanFeedback: '0 Hz',
      auxBatteryVoltage: '12.6 V',
      cumulativeChargeAh: '5614.8 Ah', // 0x0000DB54 = 56148
      cumulativeDischargeAh: '5557.3 Ah', // 0x0000D915 = 55573
      cumulativeChargeKwh: '2108.1 kWh', // 0x00005259 = 21081
      cumulativeDischargeKwh: '2031.1 kWh', // 0x00004F57 = 20311
      operatingTime: '2239.2942 h', // 0x007B0213 = 8,061,459 s
      isolationResistance: '3000 kΩ', // 0x0BB8
    });
  });

  it('model year 2024 (driving): the same fields, as that car reports them', () => {
    expect(extras(2024)).toMatchObject({
      inletTemperature: '46 °C',
      cellMaxReported: '3.52 V',
      cellMaxReportedNumber: '5',
      cellMinReported: '3.5 V',
      cellMinReportedNumber: '77',
      auxBatteryVoltage: '14 V', // 0x8C: the DC-DC converter charging it while driving
      cumulativeChargeAh: '15172 Ah', // 0x000250A8 = 151720
      cumulativeDischargeAh: '15120.2 Ah', // 0x00024EA2 = 151202
      cumulativeChargeKwh: '6465.9 kWh', // 0x0000FC93 = 64659
      cumulativeDischargeKwh: '6282.8 kWh', // 0x0000F56C = 62828
      operatingTime: '3362.64 h', // 0x00B8B720 = 12,105,504 s
      isolationResistance: '3000 kΩ',
    });
  });

  it('the BMS’s own highest/lowest cell agree with the cell list (check reported-cells), and a wrong one fails', () => {
    const r2020 = batteryReportFromFrames(recording(2020), { definitions: [kona] });
    const check = (r: typeof r2020) => r.checks.find((c) => c.check === 'reported-cells');
    // Parked: the BMS's cells are the list's, exactly (all cells 3.6 V; #2 and #1 read 3.6 V).
    expect(check(r2020)?.ok).toBe(true);
    expect(r2020.cells?.voltages[1]).toBe(3.6);
    expect(r2020.cells?.voltages[0]).toBe(3.6);
    // Driving: the 0101 answer was read under 30.7 A, the cells after it — 0.04 V apart, allowed.
    const r2024 = batteryReportFromFrames(recording(2024), { definitions: [kona] });
    expect(check(r2024)?.ok).toBe(true);
    expect(r2024.cells?.voltages[4]).toBe(3.56);
    expect(r2024.cells?.voltages[76]).toBe(3.54);
    expect(check(r2024)?.detail.en).toBe(
      'the BMS gives the highest as #5 at 3.52 V (list: 3.56 V) and the lowest as #77 at 3.5 V (list: 3.54 V); list from 3.54 to 3.56 V, 0.05 V allowed',
    );
    // A BMS naming a cell 0.1 V off the list fails the check.
    const bad = {
      ...r2020,
      extras: r2020.extras.map((e) => (e.quantity === 'cellMaxReported' ? { ...e, value: 3.7 } : e)),
    };
    expect(plausibility(kona, bad).find((c) => c.check === 'reported-cells')?.ok).toBe(false);
  });
});

describe('the simulated Kona recording (tests/fixtures/ev, made by `atelier sim run --battery`)', () => {
  it('gives the report of the weak-cell car: 98 cells, cell 37 the lowest, the spread and SoH it makes, a series over the two minutes', async () => {
    const frames: Frame[] = [];
    for await (const f of readLog(fixturePath('ev/sim_kona_weak_cell_battery.log'))) frames.push(f);
    const r = batteryReportFromFrames(frames, { name: 'sim_kona_weak_cell_battery.log' });
    expect(r.vehicle.id).toBe('hyundai-kona-ioniq');
    expect(r.answers).toBe(60);
    expect(r.series.soc).toHaveLength(12);
    expect(r.cells?.voltages.filter((v) => v !== null)).toHaveLength(98);
    expect(r.cells?.minCell).toBe(37);
    expect(r.cells?.spread).toBeGreaterThan(0.1);
    // Severity 0.7: the cell keeps 1 − 0.6 × 0.7 = 58 % of its capacity, less the fade of 84,250 km.
    expect(r.soh?.value).toBeGreaterThan(54);
    expect(r.soh?.value).toBeLessThan(58);
    expect(r.checks.filter((c) => !c.ok)).toEqual([]);
  });

  it('the rest of 0101 comes from the simulated pack’s physics, as a reader of a car would expect it', async () => {
    const frames: Frame[] = [];
    for await (const f of readLog(fixturePath('ev/sim_kona_weak_cell_battery.log'))) frames.push(f);
    const r = batteryReportFromFrames(frames, { name: 'sim' });
    const x = (q: string) => r.extras.find((e) => e.quantity === q)!.value;
    // Energy over charge is the mean pack voltage it moved at: inside the 98 cells' 3.0–4.2 V window.
    for (const [kwh, ah] of [
      ['cumulativeChargeKwh', 'cumulativeChargeAh'],
      ['cumulativeDischargeKwh', 'cumulativeDischargeAh'],
    ]) {
      const meanV = (x(kwh) * 1000) / x(ah);
      expect(meanV).toBeGreaterThan(98 * 3.0);
      expect(meanV).toBeLessThan(98 * 4.2);
    }
    // More energy goes in than comes out (losses), and the real 2020 car says the same.
    expect(x('cumulativeChargeKwh')).toBeGreaterThan(x('cumulativeDischargeKwh'));
    // Isolation above UN ECE R100's 100 Ω/V for DC at the pack's voltage; a 12 V battery a
    // DC-DC converter keeps between rest and charge voltage.
    expect(x('isolationResistance') * 1000).toBeGreaterThan(100 * r.packVoltage!.value);
    expect(x('auxBatteryVoltage')).toBeGreaterThanOrEqual(11.8);
    expect(x('auxBatteryVoltage')).toBeLessThanOrEqual(14.8);
    // The BMS's own weakest cell is the weak cell of the scenario, as in the list.
    expect(x('cellMinReportedNumber')).toBe(37);
    expect(x('cellMinReported')).toBe(r.cells!.min);
    expect(x('operatingTime')).toBeGreaterThan(0);
  });
});

/**
 * The drive as the BMS reports it in 0101 (bytes 54–55 inverter DC-link voltage, 56–57 motor speed),
 * against OBDb's own decoding of the same real answers (KONAEV_INVRT_CV, KONAEV_RPM) and its
 * ignition bit (KONAEV_IGN, byte 53): an oracle that is not Atelier's definition.
 */
describe('the drive motor and inverter in the real Konas’ 0101 answers', () => {
  const kona = batteryDefinition('hyundai-kona-ioniq')!;
  const drive = (r: ReturnType<typeof batteryReportFromFrames>, q: string) =>
    r.drive.find((e) => e.quantity === q)?.value;
  /** OBDb reads 16-bit values unsigned; the same bytes as two's complement (what the car means). */
  const signed16 = (v: number) => (v >= 0x8000 ? v - 0x10000 : v);

  it.each([2020, 2024])('model year %i: the DC link and the motor speed as OBDb reads them', (year) => {
    const r = batteryReportFromFrames(recording(year), { definitions: [kona] });
    const e = expected(year);
    expect(drive(r, 'inverterCapacitorVoltage')).toBe(e.KONAEV_INVRT_CV);
    expect(drive(r, 'motorSpeed')).toBe(e.KONAEV_RPM);
    // Not the battery's: apart from its extras.
    expect(r.extras.map((x) => x.quantity)).not.toContain('motorSpeed');
  });

  it('first-generation cars, turning, rolling back and parked: the same bytes, signed as the current is', () => {
    expect(FIXTURE.drive).toHaveLength(8);
    for (const c of FIXTURE.drive) {
      const r = batteryReportFromFrames(framesOf([c]), { definitions: [kona] });
      const where = `${c.model_year} case ${c.case}`;
      expect(drive(r, 'inverterCapacitorVoltage'), where).toBe(c.expected.KONAEV_INVRT_CV);
      expect(drive(r, 'motorSpeed'), where).toBe(signed16(c.expected.KONAEV_RPM));
      // OBDb's unsigned current is the same convention: 6552.4 A is −1.2 A.
      expect(r.packCurrent?.value, where).toBeCloseTo(
        signed16(Math.round(c.expected.KONAEV_HVBAT_CURR * 10)) / 10,
        5,
      );
    }
    // Rolling back: FF 4C is −180 rpm, not 65,356 rpm (above any traction motor's speed).
    const back = FIXTURE.drive.find((c) => c.model_year === 2022 && c.case === 2)!;
    expect(drive(batteryReportFromFrames(framesOf([back]), { definitions: [kona] }), 'motorSpeed')).toBe(
      -180,
    );
  });

  it('check dc-link: at the pack’s voltage whenever OBDb’s ignition bit is on; discharged, or said to be neither, when off', () => {
    for (const c of [...FIXTURE.drive, ...FIXTURE.cases.filter((x) => x.request === '22 01 01')]) {
      const r = batteryReportFromFrames(framesOf([c]), { definitions: [kona] });
      const check = r.checks.find((k) => k.check === 'dc-link')!;
      const where = `${c.model_year} case ${c.case}: ${check.detail.en}`;
      const cv = c.expected.KONAEV_INVRT_CV;
      if (c.expected.KONAEV_IGN === 1) expect(check.ok, where).toBe(true);
      if (cv < 60) expect(check.ok, where).toBe(true);
      // Relays open and the link still above 60 V (286 V, 120 V): discharging, flagged.
      if (c.expected.KONAEV_IGN === 0 && cv >= 60) {
        expect(check.ok, where).toBe(false);
        expect(check.detail.fr).toMatch(/précharge ou décharge en cours/);
      }
    }
    const r2024 = batteryReportFromFrames(recording(2024), { definitions: [kona] });
    expect(r2024.checks.find((k) => k.check === 'dc-link')?.detail.fr).toBe(
      "bus continu de l'onduleur à 381 V, pack 380,4 V (écart 0,2 %, 3 % admis) : contacteurs fermés",
    );
    const r2020 = batteryReportFromFrames(recording(2020), { definitions: [kona] });
    expect(r2020.checks.find((k) => k.check === 'dc-link')?.detail.en).toBe(
      'inverter DC link at 0 V, below 60 V: relays open, capacitors discharged (pack 354.5 V)',
    );
  });
});
