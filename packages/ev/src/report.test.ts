import { DbcDecoder, decodeLog, type Frame, readDbc, readLog } from '@atelier/can';
import { type DiagnosticLink, LinkTimeoutError, linkReason } from '@atelier/obd';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../../tests/support/index.js';
import { batteryDefinition, batteryDefinitions, DefinitionError, parseDefinition } from './definition.js';
import { formatBatteryReport, HV_NOTE } from './format.js';
import { batteryReportFromFrames, NoBatteryDataError, readBatteryReport } from './report.js';

const LEAF_LOG = fixturePath('can/nissan_leaf_uds_2022-01-06.log');
const LEAF_MF4 = fixturePath('can/nissan_leaf_uds_2022-01-06.MF4');
const LEAF_DBC = fixturePath('can/css_tp_uds_nissan_leaf.dbc');
const SAVVY = fixturePath('can/savvycan_example_candump.log');

async function frames(path: string): Promise<Frame[]> {
  const out: Frame[] = [];
  for await (const f of readLog(path)) out.push(f);
  return out;
}

describe('battery definitions', () => {
  it('ship as data and load checked: the Leaf and the Kona/Ioniq', () => {
    expect(batteryDefinitions().map((d) => d.id)).toEqual(['hyundai-kona-ioniq', 'nissan-leaf']);
    const leaf = batteryDefinition('nissan-leaf')!;
    expect(leaf.ecu).toEqual({ request: 0x79b, response: 0x7bb, extended: false });
    expect(leaf.requests.map((r) => r.hex)).toEqual(['21 01', '21 02', '21 04']);
  });

  it('a bad definition is a DefinitionError naming the file and the field', () => {
    expect(() => parseDefinition('id: x\nprotocol: can\n', 'bad.yaml')).toThrow(DefinitionError);
    expect(() =>
      parseDefinition(
        'id: x\nname: {fr: a, en: a}\nprotocol: uds\necu: {request: 0x7E4, response: 0x7EC}\ncells: 4\ncellVoltage: {min: 2, max: 4}\nrequests:\n  - request: "22 01 01"\n    label: {fr: a, en: a}\n    fields: [{quantity: soc, at: 0, bytes: 1, scale: 1, unit: "%"}]\n',
        'bad.yaml',
      ),
    ).toThrow(/bad\.yaml: requests\[0\]\.fields\[0\]\.at: expected an integer 1–4095, got 0/);
  });
});

describe('the Nissan Leaf report from the real recording', () => {
  it('candump and MF4 originals give the same report', async () => {
    const a = batteryReportFromFrames(await frames(LEAF_LOG), { name: 'leaf' });
    const b = batteryReportFromFrames(await frames(LEAF_MF4), { name: 'leaf' });
    expect(b).toEqual(a);
  });

  it('SoC and temperatures agree, answer by answer, with the CSS DBC decoded by Atelier’s DBC decoder', async () => {
    const report = batteryReportFromFrames(await frames(LEAF_LOG));
    // The independent definition: CSS Electronics' DBC (MIT), applied over the reassembled payloads.
    const decoder = new DbcDecoder(await readDbc(LEAF_DBC));
    const css = [];
    for await (const d of decodeLog(readLog(LEAF_LOG), decoder)) css.push(d.signals);
    const cssSoc = css.filter((s) => s.response === 1).map((s) => s.SoC);
    expect(cssSoc).toHaveLength(13);
    expect(report.series.soc.map(([, v]) => v)).toEqual(cssSoc);
    const lastTemps = css.filter((s) => s.response === 4).at(-1)!;
    expect(report.temperatures!.values).toEqual([
      lastTemps.BatPackTemp1,
      lastTemps.BatPackTemp2,
      null,
      lastTemps.BatPackTemp4,
    ]);
  });

  it('is plausible for a 96-cell Leaf pack, and says what the recording cannot give', async () => {
    const r = batteryReportFromFrames(await frames(LEAF_MF4), { name: 'leaf.MF4' });
    expect(r.vehicle.id).toBe('nissan-leaf');
    expect(r.answers).toBe(26);
    expect(r.series.soc).toHaveLength(13);
    expect(r.series.packVoltage).toHaveLength(13);
    // A 96-cell pack: 3.7–4.2 V a cell on average at this state of charge.
    for (const [, v] of r.series.packVoltage) {
      expect(v / 96).toBeGreaterThan(3.7);
      expect(v / 96).toBeLessThan(4.2);
    }
    for (const [, v] of r.series.soc) {
      expect(v).toBeGreaterThan(0);
      expect(v).toBeLessThanOrEqual(100);
    }
    // Discharging through the minute recorded: SoC falls, current is negative.
    expect(r.series.soc.at(-1)![1]).toBeLessThan(r.series.soc[0][1]);
    expect(r.packCurrent!.value).toBeLessThan(0);
    expect(r.checks.every((c) => c.ok)).toBe(true);
    expect(r.checks.map((c) => c.check)).toEqual(['soc-range', 'pack-per-cell', 'temperature-range']);
    // The recording reads groups 1 and 4 only: no cell voltages, said so.
    expect(r.cells).toBeUndefined();
    expect(r.missing.map((m) => [m.quantity, m.reason.en])).toEqual([
      ['soh', 'the LBC gives it in another group (21 61), not in groups 1, 2 and 4 defined here'],
      ['cellVoltages', 'request 21 02 is not in the recording'],
    ]);
    const text = formatBatteryReport(r, 'fr');
    expect(text).toContain(
      "Source : fichier « leaf.MF4 » (enregistrement) ; réponses utilisées de 0 s à 62 s de l'enregistrement, débutant le 2022-01-06 11:46:01 UTC (26 réponse(s) décodée(s))",
    );
    expect(text).toContain(HV_NOTE.fr);
    expect(text).toMatch(/Tension du pack\s+390,14 V/);
    // The plausibility lines write numbers as each language does (a French page said "4.064 V").
    const perCell = r.checks.find((c) => c.check === 'pack-per-cell')!.detail;
    expect(perCell.fr).toMatch(/^390,14 V \/ 96 cellules = 4,064 V par cellule \(2,5–4,2 V\)$/);
    expect(perCell.en).toMatch(/^390\.14 V \/ 96 cells = 4\.064 V per cell \(2\.5–4\.2 V\)$/);
  });

  it('a recording without battery reads is refused, saying what was looked for', async () => {
    const f = await frames(SAVVY);
    expect(() => batteryReportFromFrames(f, { name: 'savvy' })).toThrow(NoBatteryDataError);
    expect(() => batteryReportFromFrames(f, { name: 'savvy' })).toThrow(/21 01, 21 02, 21 04 → 0x79B/);
  });
});

describe('a live battery read that fails, in French', () => {
  it('a refusal says what its NRC means; a link failure its own French words', async () => {
    const leaf = batteryDefinition('nissan-leaf')!;
    // The LBC refuses group 1 (7F 21 12), never finishes group 2 (a link timeout), refuses group 4.
    const link: DiagnosticLink = {
      info: { kind: 'test' },
      close: async () => {},
      request: async (req) => {
        if (req.data[1] === 0x02)
          throw new LinkTimeoutError(linkReason('response-pending-too-long', { ecu: '7BB', ms: 5000 }));
        const nrc = req.data[1] === 0x01 ? 0x12 : 0x31;
        return [{ ecu: 0x7bb, extended: false, data: Uint8Array.of(0x7f, 0x21, nrc), timestamp: 0 }];
      },
    };
    const r = await readBatteryReport(link, leaf, { name: 'test' });
    const reasons = new Map(r.missing.map((m) => [m.reason.en, m.reason.fr]));
    expect(reasons.get('21 01: negative answer 0x12')).toBe(
      '21 01 : réponse négative 0x12 (sous-fonction non prise en charge)',
    );
    expect(
      reasons.get(
        '21 02: link error (timeout): ECU 7BB announced "response pending" but gave no answer within 5000 ms (P2*)',
      ),
    ).toBe(
      "21 02 : erreur de liaison : le calculateur 7BB a annoncé « réponse en attente » mais n'a rien répondu en 5000 ms (P2*)",
    );
  });
});
