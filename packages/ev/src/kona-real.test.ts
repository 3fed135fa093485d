import { readFileSync } from 'node:fs';
import { type Frame, readLog } from '@atelier/can';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fixturePath } from '../../../tests/support/index.js';
import { batteryDefinition } from './definition.js';
import { batteryReportFromFrames } from './report.js';

/**
 * The Kona definition against real cars: answers of two Hyundai Kona Electric BMSs as ELM327
 * adapters printed them (OBDb, CC BY-SA 4.0), decoded by Atelier's pairing and definition, compared
 * with the values OBDb's own, independent decoding expects of the same bytes.
 */
interface Case {
  model_year: number;
  request: string;
  response: string[];
  expected: Record<string, number>;
}
const FIXTURE = parse(readFileSync(fixturePath('ev/hyundai-kona-electric-obdb.yaml'), 'utf8')) as {
  cases: Case[];
};

/** A recording of one car's reads: each request (single frame, padded), flow control, the answer. */
function recording(year: number): Frame[] {
  const frames: Frame[] = [];
  let t = 0;
  const frame = (id: number, bytes: number[]) => {
    t += 0.01;
    frames.push({ id, extended: false, data: Uint8Array.from(bytes), timestamp: t });
  };
  for (const c of FIXTURE.cases.filter((x) => x.model_year === year)) {
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
});
