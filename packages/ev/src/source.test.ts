/**
 * Where a battery report's figures come from: a recording (its file, what the file says of its
 * origin, the span of the answers used), a live car (adapter, protocol) or Atelier's simulated
 * vehicle. The expected spans and dates come from the recordings' own frames and file names, not
 * from the report.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type Frame, markOriginFile, openLogWriter, readLog, readLogOrigin } from '@atelier/can';
import { afterAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../../../tests/support/index.js';
import { describeSource, formatBatteryReport } from './format.js';
import { adapterSource, batteryReportFromFrames } from './report.js';

const LEAF_LOG = fixturePath('can/nissan_leaf_uds_2022-01-06.log');
const LEAF_MF4 = fixturePath('can/nissan_leaf_uds_2022-01-06.MF4');
const SIM_KONA = fixturePath('ev/sim_kona_weak_cell_battery.log');
const dir = mkdtempSync(join(tmpdir(), 'atelier-ev-source-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function frames(path: string): Promise<Frame[]> {
  const out: Frame[] = [];
  for await (const f of readLog(path)) out.push(f);
  return out;
}

describe('the report of a recording says which file, what it is and which part of it was used', () => {
  it('the real Leaf (candump and MF4 alike): a recording of unknown origin, the span of the LBC’s answers, the date of its first frame', async () => {
    for (const file of [LEAF_LOG, LEAF_MF4]) {
      const f = await frames(file);
      const r = batteryReportFromFrames(f, { name: 'leaf', origin: readLogOrigin(file) });
      // The battery ECU's answers in the file itself: first and last frame on 0x7BB.
      const t0 = f[0].timestamp;
      const lbc = f.filter((x) => x.id === 0x7bb);
      expect(r.source.kind).toBe('recording');
      expect(r.source.origin).toBe('unknown');
      expect(r.source.span!.from).toBeCloseTo(lbc[0].timestamp - t0, 3);
      // The last answer's time is its first frame's; it ends with the last frame on 0x7BB.
      expect(r.source.span!.to).toBeLessThanOrEqual(lbc.at(-1)!.timestamp - t0);
      expect(r.source.span!.to).toBeGreaterThan(lbc.at(-1)!.timestamp - t0 - 0.2);
      // The file name says 2022-01-06; candump's first time stamp is 1641469561.949700.
      expect(r.source.span!.start).toBe('2022-01-06T11:46:01.949Z');
      expect(r.source.description!.fr).toBe(
        "fichier « leaf » (enregistrement) ; réponses utilisées de 0 s à 62 s de l'enregistrement, débutant le 2022-01-06 11:46:01 UTC",
      );
      expect(r.source.description!.en).toBe(
        'file “leaf” (recording); answers used from 0 s to 62 s into the recording, which starts 2022-01-06 11:46:01 UTC',
      );
      // Nothing in the report calls it a real car or a simulated one.
      expect(formatBatteryReport(r, 'fr')).not.toMatch(/simulé|réel/);
    }
  });

  it('the simulated Kona’s recording: "enregistrement d’un véhicule simulé (Atelier)", its scenario, no date (its clock starts at 0)', async () => {
    const f = await frames(SIM_KONA);
    const r = batteryReportFromFrames(f, {
      name: 'sim_kona_weak_cell_battery.log',
      origin: readLogOrigin(SIM_KONA),
    });
    expect(r.source).toMatchObject({
      kind: 'recording',
      origin: 'atelier-simulator',
      scenario: 'kona-weak-cell',
    });
    // The BMS's 22 01 0x answers (a first frame 1L LL 62 …); 0x7EC answers OBD-II requests too.
    const bms = f.filter((x) => x.id === 0x7ec && x.data[0] >> 4 === 1 && x.data[2] === 0x62);
    expect(r.source.span!.from).toBeCloseTo(bms[0].timestamp - f[0].timestamp, 3);
    expect(r.source.span!.start).toBeUndefined();
    const text = { fr: formatBatteryReport(r, 'fr'), en: formatBatteryReport(r, 'en') };
    expect(text.fr).toContain(
      "Source : fichier « sim_kona_weak_cell_battery.log » (enregistrement d'un véhicule simulé (Atelier), scénario kona-weak-cell) ; réponses utilisées de 1,2 s à 111,6 s de l'enregistrement (60 réponse(s) décodée(s))",
    );
    expect(text.en).toContain(
      'Source: file “sim_kona_weak_cell_battery.log” (recording of a simulated vehicle (Atelier), scenario kona-weak-cell); answers used from 1.2 s to 111.6 s into the recording (60 answer(s) decoded)',
    );
  });

  it('the mark is found in a gzip-compressed log and in an MF4 (its HD comment), compressed or not', async () => {
    const logGz = join(dir, 'kona.log.gz');
    writeFileSync(logGz, gzipSync(readFileSync(SIM_KONA)));
    expect(readLogOrigin(logGz)).toEqual({ source: 'atelier-simulator', scenario: 'kona-weak-cell' });
    const mf4 = join(dir, 'kona.MF4');
    const w = openLogWriter(mf4, 'mf4');
    for (const f of await frames(SIM_KONA)) await w.write(f);
    await w.close();
    expect(readLogOrigin(mf4)).toBeUndefined();
    expect(
      await markOriginFile(mf4, 'mf4', { source: 'atelier-simulator', scenario: 'kona-weak-cell' }),
    ).toBe(true);
    expect(readLogOrigin(mf4)).toEqual({ source: 'atelier-simulator', scenario: 'kona-weak-cell' });
    const mf4Gz = join(dir, 'kona.MF4.gz');
    writeFileSync(mf4Gz, gzipSync(readFileSync(mf4)));
    expect(readLogOrigin(mf4Gz)).toEqual({ source: 'atelier-simulator', scenario: 'kona-weak-cell' });
    // The real Leaf says nothing: unknown, in every form.
    expect(readLogOrigin(LEAF_MF4)).toBeUndefined();
  });
});

describe('the report of a live read says the adapter and protocol, or that the car is simulated', () => {
  it('an ELM327 on a car: live, the adapter, its version and the protocol', () => {
    const s = adapterSource({
      spec: 'elm327:/dev/ttyUSB0',
      scheme: 'elm327',
      version: 'ELM327 v1.5',
      protocol: 'ISO 15765-4 CAN (11 bit ID, 500 kbaud)',
    });
    expect(s).toMatchObject({ kind: 'live', adapter: 'elm327:/dev/ttyUSB0', adapterVersion: 'ELM327 v1.5' });
    expect(describeSource(s)).toEqual({
      fr: 'session en direct, adaptateur elm327:/dev/ttyUSB0 (ELM327 v1.5), protocole ISO 15765-4 CAN (11 bit ID, 500 kbaud)',
      en: 'live session, adapter elm327:/dev/ttyUSB0 (ELM327 v1.5), protocol ISO 15765-4 CAN (11 bit ID, 500 kbaud)',
    });
  });

  it('sim: a simulated car is the simulator, behind the ELM327 emulator too; a scenario playing a recording is that recording', () => {
    const sim = adapterSource({
      spec: 'sim:kona-weak-cell?via=elm327',
      scheme: 'sim',
      scenario: 'kona-weak-cell',
      version: 'ELM327 v1.5',
    });
    expect(sim).toMatchObject({ kind: 'simulator', scenario: 'kona-weak-cell' });
    expect(sim.adapterVersion).toBeUndefined();
    expect(describeSource(sim).fr).toMatch(
      /^véhicule simulé \(Atelier\), scénario kona-weak-cell : lu en direct par sim:kona-weak-cell\?via=elm327 — pas une voiture réelle$/,
    );
    const played = adapterSource({
      spec: 'sim:leaf.yaml',
      scheme: 'sim',
      scenario: 'leaf.yaml',
      recording: LEAF_MF4,
    });
    expect(played).toMatchObject({
      kind: 'recording',
      name: 'nissan_leaf_uds_2022-01-06.MF4',
      origin: 'unknown',
      via: 'sim:leaf.yaml',
    });
    expect(describeSource(played).en).toBe(
      'session “sim:leaf.yaml” replaying the file “nissan_leaf_uds_2022-01-06.MF4” (recording)',
    );
    const simPlayed = adapterSource({
      spec: 'sim:k.yaml',
      scheme: 'sim',
      scenario: 'k.yaml',
      recording: SIM_KONA,
    });
    expect(describeSource(simPlayed).fr).toBe(
      "session « sim:k.yaml » rejouant le fichier « sim_kona_weak_cell_battery.log » (enregistrement d'un véhicule simulé (Atelier), scénario kona-weak-cell)",
    );
  });
});
