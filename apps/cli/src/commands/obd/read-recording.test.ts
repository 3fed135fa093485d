import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLog } from '@atelier/can';
import { PIDS } from '@atelier/obd';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../../../../tests/support/index.js';
import { cliContext } from '../../testing.js';
import { liveSubcommand } from './live.js';
import { READ_EXIT, readSubcommand } from './read.js';

/**
 * `atelier obd read` on a recorded car whose logger polled PIDs one by one and never asked 01 00 (as
 * CSS Electronics' OBD2 sample recordings do): the ECU that gave the VIN, the codes, the readiness
 * and the PIDs was reached, and its PIDs are read, although it never gave a support bitmap.
 */
const POLLING = fixturePath('can/obd_polling_without_0100.log');

function scenario(): string {
  const dir = mkdtempSync(join(tmpdir(), 'atelier-obd-recording-'));
  copyFileSync(POLLING, join(dir, 'polling.log'));
  writeFileSync(
    join(dir, 'polling.yaml'),
    [
      'name: polling',
      'vehicle: petrol',
      'complaint:',
      '  fr: Contrôle de routine',
      '  en: Routine check',
      'true_cause: none',
      'recording: polling.log',
      '',
    ].join('\n'),
  );
  return join(dir, 'polling.yaml');
}

describe('atelier obd read on a recording without 01 00', () => {
  it('the ECU that answered is reached, and the PIDs the recording holds are read', async () => {
    const c = cliContext('en', process.cwd());
    const code = await readSubcommand.run(['--adapter', `sim:${scenario()}`, '--json'], c.ctx);
    const r = JSON.parse(c.out());
    // Pending and permanent codes were never recorded: the reading is incomplete, the car reached.
    expect(code).toBe(READ_EXIT.incomplete);
    expect(r.verdict).toMatchObject({ verdict: 'car-reached' });
    expect(r.ecus).toEqual(['7E8']);
    expect(r.vin).toBe('TMBJP7NX5NY084923');
    expect(r.dtcs.stored).toEqual([]);
    expect(r.pids['7E8']['0C']).toMatchObject({ key: 'ENGINE_RPM', value: 1726, unit: 'rpm' });
    expect(r.pids['7E8']['0D']).toMatchObject({ key: 'VEHICLE_SPEED', value: 50, unit: 'km/h' });
    // 01 00 itself stays an unanswered question, said as such.
    expect(r.errors.ecus).toMatch(/01 00/);
  }, 60_000);
});

describe('atelier obd read on a real CANedge OBD2 recording (CSS Electronics, no 01 00 in it)', () => {
  const REAL = fixturePath('can/canedge_7512BE4D_00000427_00000001.MF4');

  /** What the raw frames say, read by hand: the PIDs the logger polled on 7E0, and the VIN 7E8 sent. */
  async function byHand(): Promise<{ pids: string[]; vin: string }> {
    const pids = new Set<string>();
    const vin: number[] = [];
    let inVin = false;
    for await (const f of readLog(REAL)) {
      const d = f.data;
      if (f.id === 0x7e0 && d[0] === 0x02 && d[1] === 0x01 && d[2] % 0x20 !== 0)
        pids.add(d[2].toString(16).toUpperCase().padStart(2, '0'));
      if (f.id === 0x7e0 && d[0] === 0x02 && d[1] === 0x09 && d[2] === 0x02) inVin = true;
      // First frame: length, 49 02 01, then three characters; consecutive frames: seven each.
      if (inVin && f.id === 0x7e8 && d[0] >> 4 === 1) vin.push(...d.subarray(5));
      else if (inVin && f.id === 0x7e8 && d[0] >> 4 === 2) vin.push(...d.subarray(1));
      if (vin.length >= 17) inVin = false;
    }
    return { pids: [...pids].sort(), vin: String.fromCharCode(...vin.slice(0, 17)) };
  }

  const canedgeScenario = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'atelier-obd-recording-'));
    const yaml = join(dir, 'canedge.yaml');
    writeFileSync(
      yaml,
      [
        'name: canedge',
        'vehicle: petrol',
        'complaint:',
        '  fr: Relevé OBD2',
        '  en: OBD2 log',
        'true_cause: none',
        `recording: ${REAL}`,
        '',
      ].join('\n'),
    );
    return yaml;
  };

  it('reaches the ECU, reads the VIN and every PID the logger polled', async () => {
    const yaml = canedgeScenario();
    const want = await byHand();
    expect(want.pids.length).toBeGreaterThan(20);
    const c = cliContext('en', process.cwd());
    await readSubcommand.run(['--adapter', `sim:${yaml}`, '--json'], c.ctx);
    const r = JSON.parse(c.out());
    expect(r.verdict).toMatchObject({ verdict: 'car-reached' });
    expect(r.ecus).toEqual(['7E8']);
    expect(r.vin).toBe(want.vin);
    // Every polled PID Atelier knows is read (01 is the readiness, shown there too).
    const known = want.pids.filter((p) => PIDS.has(Number.parseInt(p, 16)));
    expect(Object.keys(r.pids['7E8']).sort()).toEqual(known);
  }, 120_000);

  it('gives live values of PIDs the logger polled one by one, although live data asks them in groups', async () => {
    // The poller asks up to six PIDs per request (01 0C 0D 05); the logger asked each alone. Before,
    // every group went unanswered: « aucun calculateur n'a répondu à 01 0C 0D 05 ».
    const ac = new AbortController();
    const c = cliContext('en', process.cwd(), ac.signal);
    const run = liveSubcommand.run(
      ['--adapter', `sim:${canedgeScenario()}`, 'ENGINE_RPM', 'VEHICLE_SPEED', 'COOLANT_TEMP', '--json'],
      c.ctx,
    );
    const deadline = Date.now() + 20_000;
    while (c.out().split('\n').length < 10 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    ac.abort();
    expect(await run).toBe(0);
    const lines = c
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.length, c.err()).toBeGreaterThanOrEqual(9);
    expect(new Set(lines.map((l) => `${l.ecu}/${l.pid}`))).toEqual(new Set(['7E8/0C', '7E8/0D', '7E8/05']));
    expect(c.err()).not.toMatch(/no ECU answered/);
  }, 60_000);
});
