import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../testing.js';

/**
 * ISO-TP anomalies in a recording, as a French user reads them from `atelier can decode --isotp`
 * (stderr) and `atelier can isotp` (its listing): the numbers said in French; the English lines as
 * they always were. Run as a user runs them; the log and every expected line written by hand.
 */

const ROOT = resolve(import.meta.dirname, '../../../../..');
const DBC = join(ROOT, 'tests/fixtures/can/css_tp_uds_nissan_leaf.dbc');

// The tester asks 21 01 on 79B; the battery ECU's first frame on 7BB announces 41 bytes, the flow
// control lets it go on, and its next frame has sequence number 2 where 1 was due.
const LOG = `(1.000000) can0 79B#0221010000000000
(1.010000) can0 7BB#1029610100000000
(1.020000) can0 79B#3000000000000000
(1.030000) can0 7BB#2200000000000000
`;

describe('ISO-TP anomalies through the commands, in French', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-isotp-fr-'));
  writeFileSync(join(dir, 'leaf.log'), LOG);

  it('can decode --isotp: the wrong sequence number on stderr', async () => {
    const args = ['can', 'decode', 'leaf.log', '--dbc', DBC, '--isotp', '7BB:79B'];
    const fr = await runCli(args, { cwd: dir, env: { ATELIER_LANG: 'fr' } });
    expect(fr.stderr.split('\n')[0]).toBe(
      '1.03 : ISO-TP 0x7bb : numéro de séquence erroné (trame consécutive de numéro 2, 1 attendu)',
    );
    const en = await runCli(args, { cwd: dir, env: { ATELIER_LANG: 'en' } });
    expect(en.stderr.split('\n')[0]).toBe(
      '1.03: ISO-TP 0x7bb: wrong-sn (consecutive frame SN 2, expected 1)',
    );
  });

  it('can isotp: the anomaly line (the count goes to stderr)', async () => {
    const args = ['can', 'isotp', 'leaf.log', '--rx', '7BB', '--tx', '79B'];
    const fr = await runCli(args, { cwd: dir, env: { ATELIER_LANG: 'fr' } });
    expect(fr.stdout).toBe(
      '1.030000  7BB  erreur wrong-sn : numéro de séquence erroné (trame consécutive de numéro 2, 1 attendu)\n',
    );
    expect(fr.stderr).toBe('0 message(s), 1 anomalie(s)\n');
    const en = await runCli(args, { cwd: dir, env: { ATELIER_LANG: 'en' } });
    expect(en.stdout).toBe(
      '1.030000  7BB  error wrong-sn : wrong sequence number (consecutive frame SN 2, expected 1)\n',
    );
  });
});
