// can-utils' own converters (Debian's can-utils: log2asc, asc2log, log2long) as independent
// programs: what they write from a candump log, Atelier reads as the same frames; what Atelier
// writes as ASC, asc2log reads back as the frames Atelier wrote.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allOf, fileExists, requireOracle } from '../../../../tests/support/index.js';
import type { Frame } from '../frame.js';
import { all, LEAF_LOG } from './formats.test-support.js';
import { readLog, writeLog } from './index.js';

const canUtils = requireOracle(
  'can-utils',
  allOf(fileExists('/usr/bin/log2asc'), fileExists('/usr/bin/asc2log'), fileExists('/usr/bin/log2long')),
);
const itWithCanUtils = (name: string, fn: () => Promise<void>) =>
  it.skipIf(canUtils.missing)(`${name}${canUtils.skipNote}`, fn, 30_000);

function run(program: string, args: string[], input?: string): string {
  // asc2log reads the date through the C library in the en_US locale, which a machine may lack:
  // it then says so on stderr and counts from now, which these tests allow for.
  const r = spawnSync(program, args, { encoding: 'utf8', input });
  if (r.status !== 0) throw new Error(`${program} failed: ${r.stderr || r.error?.message}`);
  return r.stdout;
}

const tmp = () => mkdtempSync(join(tmpdir(), 'atelier-can-utils-'));

/** Written for this test: classic, extended, remote (with and without a DLC), CAN FD with BRS/ESI, error, empty. */
const MIXED = [
  '(1700000000.000100) can0 123#1122334455667788',
  '(1700000000.000200) can0 12345678#DEADBEEF',
  '(1700000000.000300) can1 7DF#R',
  '(1700000000.000400) can1 7E8#R3',
  '(1700000000.000500) can0 123##1112233445566778899AABBCC',
  `(1700000000.000600) can0 1ABCDEF0##3${Array.from({ length: 64 }, (_, i) => i.toString(16).padStart(2, '0')).join('')}`,
  '(1700000000.000700) can0 20000080#0000000000000000',
  '(1700000000.000800) can1 456##0',
  '(1700000000.000900) can1 7FF#',
].join('\n');

/** What two readings must agree on: times from the first frame, µs; ASC numbers buses from 1. */
function comparable(frames: Frame[], bus: (channel: string | undefined) => string) {
  const t0 = frames[0].timestamp;
  return frames.map((f) => ({
    t: Math.round((f.timestamp - t0) * 1e6),
    id: f.error ? 0 : f.id,
    extended: !!f.extended && !f.error,
    remote: !!f.remote,
    dlc: f.remote ? (f.dlc ?? 0) : undefined,
    error: !!f.error,
    fd: !!f.fd,
    brs: !!f.brs,
    esi: !!f.esi,
    data: f.error ? '' : Buffer.from(f.data).toString('hex'),
    bus: bus(f.channel),
  }));
}
const candumpBus = (c: string | undefined) => String(Number(c?.replace('can', '')) + 1);
const ascBus = (c: string | undefined) => String(c);

describe('can-utils converters against Atelier', () => {
  itWithCanUtils('log2asc of the Leaf recording reads as the candump log it came from', async () => {
    const dir = tmp();
    run('/usr/bin/log2asc', ['-I', LEAF_LOG, '-O', join(dir, 'leaf.asc'), 'can0', 'can1']);
    const fromAsc = await all(readLog(join(dir, 'leaf.asc')));
    const fromLog = await all(readLog(LEAF_LOG));
    expect(fromAsc).toHaveLength(5588);
    expect(comparable(fromAsc, ascBus)).toEqual(comparable(fromLog, candumpBus));
    // log2asc keeps the logger's T/R marks as Tx/Rx.
    expect(fromAsc.map((f) => f.direction)).toEqual(fromLog.map((f) => f.direction));
  });

  for (const flags of [[], ['-f'], ['-r']]) {
    itWithCanUtils(`log2asc ${flags.join(' ') || '(no flag)'} of every kind of frame`, async () => {
      const dir = tmp();
      writeFileSync(join(dir, 'mixed.log'), `${MIXED}\n`);
      run('/usr/bin/log2asc', [
        ...flags,
        '-I',
        join(dir, 'mixed.log'),
        '-O',
        join(dir, 'mixed.asc'),
        'can0',
        'can1',
      ]);
      const fromAsc = comparable(await all(readLog(join(dir, 'mixed.asc'))), ascBus);
      const want = comparable(await all(readLog(join(dir, 'mixed.log'))), candumpBus);
      // An ASC error frame carries no class or data; `-r` writes remote frames without their DLC;
      // `-f` writes the error frame as a data frame of its class id on a CANFD line whose flags say
      // classic CAN (can-utils 2021.08).
      want[6] = flags.includes('-f')
        ? { ...want[6], id: 0x80, error: false, data: '0000000000000000' }
        : { ...want[6], id: 0, data: '' };
      if (flags.includes('-r')) want[3] = { ...want[3], dlc: 0 };
      expect(fromAsc).toEqual(want);
      expect(fromAsc[5]).toMatchObject({ fd: true, brs: true, esi: true, extended: true });
      expect(fromAsc[5].data).toHaveLength(128);
    });
  }

  itWithCanUtils('asc2log reads what Atelier writes as ASC as the frames written', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'mixed.log'), `${MIXED}\n`);
    const frames = await all(readLog(join(dir, 'mixed.log')));
    await writeLog(join(dir, 'ours.asc'), frames, 'asc');
    run('/usr/bin/asc2log', ['-I', join(dir, 'ours.asc'), '-O', join(dir, 'back.log')]);
    const back = await all(readLog(join(dir, 'back.log')));
    expect(comparable(back, candumpBus)).toEqual(comparable(frames, candumpBus));
  });

  itWithCanUtils("log2long's screen form reads as the log it came from", async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'mixed.log'), `${MIXED}\n`);
    const long = run('/usr/bin/log2long', [], `${MIXED}\n`);
    writeFileSync(join(dir, 'screen.txt'), long);
    const screen = await all(readLog(join(dir, 'screen.txt')));
    const frames = await all(readLog(join(dir, 'mixed.log')));
    // The screen form does not show CAN FD's BRS and ESI bits: everything else must agree.
    const noBits = (fs: Frame[]) => comparable(fs, candumpBus).map((f) => ({ ...f, brs: false, esi: false }));
    expect(noBits(screen)).toEqual(noBits(frames));
    expect(readFileSync(join(dir, 'screen.txt'), 'utf8')).toMatch(/can0 +123 +\[8\] +11 22 33/);
  });
});
