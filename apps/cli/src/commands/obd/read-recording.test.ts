import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliContext } from '../../testing.js';
import { READ_EXIT, readSubcommand } from './read.js';

/**
 * `atelier obd read` on a recorded car whose logger polled PIDs one by one and never asked 01 00 (as
 * CSS Electronics' OBD2 sample recordings do): the ECU that gave the VIN, the codes, the readiness
 * and the PIDs was reached, and its PIDs are read, although it never gave a support bitmap.
 */
const POLLING_LOG = [
  '(1700000000.000000) can0 7E0#0209020000000000',
  '(1700000000.010000) can0 7E8#1014490201544D42',
  '(1700000000.011000) can0 7E0#3000000000000000',
  '(1700000000.020000) can0 7E8#214A50374E58354E',
  '(1700000000.030000) can0 7E8#2259303834393233',
  '(1700000000.200000) can0 7E0#0103000000000000',
  '(1700000000.210000) can0 7E8#0243000000000000',
  '(1700000000.400000) can0 7E0#0201010000000000',
  '(1700000000.410000) can0 7E8#0641010007650000',
  ...[1, 2, 3].flatMap((k) => [
    `(170000000${k}.000000) can0 7E0#02010C0000000000`,
    `(170000000${k}.010000) can0 7E8#04410C1AF8000000`,
    `(170000000${k}.100000) can0 7E0#02010D0000000000`,
    `(170000000${k}.110000) can0 7E8#03410D3200000000`,
  ]),
].join('\n');

function scenario(): string {
  const dir = mkdtempSync(join(tmpdir(), 'atelier-obd-recording-'));
  writeFileSync(join(dir, 'polling.log'), `${POLLING_LOG}\n`);
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
