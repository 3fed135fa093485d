import { readFileSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { itWithPythonCan, pythonCanRead } from './formats/python-can.test-support.js';
import {
  type Frame,
  type LogFormat,
  markOriginFile,
  readLog,
  readOrigin,
  readOriginFile,
  writeLog,
} from './index.js';

const FIXTURES = join(import.meta.dirname, '../../../tests/fixtures/can');
const SIM = { source: 'atelier-simulator', scenario: 'kona-battery' } as const;

const frames: Frame[] = [
  {
    timestamp: 1000.5,
    id: 0x7e4,
    extended: false,
    data: Uint8Array.from([0x03, 0x22, 0x01, 0x01, 0, 0, 0, 0]),
    channel: 'can0',
  },
  {
    timestamp: 1000.51,
    id: 0x7ec,
    extended: false,
    data: Uint8Array.from([0x10, 0x3e, 0x62, 0x01, 0x01, 0xff, 0xf7, 0xe7]),
    channel: 'can0',
    direction: 'rx',
  },
  { timestamp: 1000.6, id: 0x18daf110, extended: true, data: Uint8Array.from([1, 2, 3]), channel: 'can0' },
];

async function readAll(path: string, format?: LogFormat): Promise<Frame[]> {
  const out: Frame[] = [];
  for await (const f of readLog(path, { format })) out.push(f);
  return out;
}

describe('recording origin', () => {
  for (const [format, ext] of [
    ['candump', 'log'],
    ['asc', 'asc'],
    ['trc', 'trc'],
    ['canhacker', 'trc'],
    ['mf4', 'mf4'],
    ['blf', 'blf'],
    ['pcapng', 'pcapng'],
  ] as const) {
    it(`${format}: a simulated recording says so in the file, and reads as the same frames`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'atelier-origin-'));
      const path = join(dir, `sim.${ext}`);
      await writeLog(path, frames, format);
      const before = await readAll(path);
      expect(readOriginFile(path, format)).toBeUndefined();
      expect(await markOriginFile(path, format, SIM)).toBe(true);
      expect(readOriginFile(path, format)).toEqual(SIM);
      expect(readOrigin(await readFile(path), format)).toEqual(SIM);
      expect(await readAll(path)).toEqual(before);
    });
  }

  it('a person reading the text file sees the sentence, in the format’s comment syntax', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atelier-origin-'));
    for (const [format, ext, prefix] of [
      ['candump', 'log', '# '],
      ['asc', 'asc', '// '],
      ['trc', 'trc', '; '],
    ] as const) {
      const path = join(dir, `s.${ext}`);
      await writeLog(path, frames, format);
      await markOriginFile(path, format, SIM);
      const line = readFileSync(path, 'latin1')
        .split('\n')
        .find((l) => l.includes('origin='));
      expect(line?.startsWith(`${prefix}origin=atelier-simulator scenario=kona-battery`)).toBe(true);
      expect(line).toContain('not from a real car');
    }
  });

  it('MF4: the mark is the HD block comment, an <HDcomment> with common_properties', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atelier-origin-'));
    const path = join(dir, 's.mf4');
    await writeLog(path, frames, 'mf4');
    await markOriginFile(path, 'mf4', SIM);
    const b = readFileSync(path);
    const at = Number(b.readBigUInt64LE(64 + 24 + 5 * 8));
    expect(b.subarray(at, at + 4).toString('latin1')).toBe('##MD');
    expect(at % 8).toBe(0);
    expect(b.subarray(at).toString('utf8')).toMatch(
      /^##MD[\s\S]*<HDcomment><TX>origin=atelier-simulator[\s\S]*<e name="origin">atelier-simulator<\/e>/,
    );
  });

  itWithPythonCan(
    'BLF: python-can reads the marked file as the same frames (the APP_TEXT is skipped)',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'atelier-origin-'));
      const plain = join(dir, 'plain.blf');
      const marked = join(dir, 'marked.blf');
      await writeLog(plain, frames, 'blf');
      await writeLog(marked, frames, 'blf');
      await markOriginFile(marked, 'blf', SIM);
      const a = pythonCanRead('blf', plain);
      expect(a).toHaveLength(frames.length);
      expect(pythonCanRead('blf', marked)).toEqual(a);
    },
  );

  it('CANHacker: the mark is in the comment column of the first frame, where CANHacker keeps free text', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atelier-origin-'));
    const path = join(dir, 's.trc');
    await writeLog(path, frames, 'canhacker');
    expect(await markOriginFile(path, 'canhacker', SIM)).toBe(true);
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines[1]).toBe(
      "40.500 7E4      8 03 22 01 01 00 00 00 00 origin=atelier-simulator scenario=kona-battery — simulated vehicle: recorded from Atelier's vehicle simulator, not from a real car",
    );
    // Found only in the comment column: the same words among a line's data cells are not a mark.
    expect(readOrigin(Buffer.from('Time\n01.000 123      1 AA\n'), 'canhacker')).toBeUndefined();
    expect(
      readOrigin(Buffer.from('Time\n01.000 123      8 origin=atelier-simulator 00 00\n'), 'canhacker'),
    ).toBeUndefined();
  });

  it('SavvyCAN CSV has no place for it: not marked, origin unknown', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atelier-origin-'));
    const path = join(dir, 's.csv');
    await writeLog(path, frames, 'csv');
    expect(await markOriginFile(path, 'csv', SIM)).toBe(false);
    expect(readOriginFile(path, 'csv')).toBeUndefined();
  });

  it('real recordings (CANedge MF4, candump) say nothing: origin unknown', () => {
    expect(readOriginFile(join(FIXTURES, 'nissan_leaf_uds_2022-01-06.MF4'), 'mf4')).toBeUndefined();
    expect(
      readOriginFile(join(FIXTURES, 'canedge_2F6913DB_00001089_00000001-63BEF5CD.MF4'), 'mf4'),
    ).toBeUndefined();
    expect(readOriginFile(join(FIXTURES, 'nissan_leaf_uds_2022-01-06.log'), 'candump')).toBeUndefined();
    expect(readOriginFile(join(FIXTURES, 'savvycan_example_candump.log'), 'candump')).toBeUndefined();
  });

  it('a damaged MF4 or BLF header gives no origin (the reader reports the damage), never a crash', () => {
    const mf4 = Buffer.alloc(200);
    mf4.write('MDF     ', 0, 'latin1');
    mf4.write('##HD', 64, 'latin1');
    mf4.writeBigUInt64LE(10_000n, 128);
    expect(readOrigin(mf4, 'mf4')).toBeUndefined();
    const blf = Buffer.alloc(200);
    blf.write('LOGG', 0, 'latin1');
    blf.writeUInt32LE(144, 4);
    blf.write('LOBJ', 144, 'latin1');
    blf.writeUInt32LE(5000, 152);
    expect(readOrigin(blf, 'blf')).toBeUndefined();
    expect(readOrigin(Buffer.from('MDF'), 'mf4')).toBeUndefined();
  });

  it('a comment that merely mentions the simulator elsewhere than a comment line is not a mark', () => {
    const text = '(1.000000) can0 123#11\n';
    expect(readOrigin(Buffer.from(text), 'candump')).toBeUndefined();
    expect(
      readOrigin(Buffer.from('# origin=somebody-else\n(1.000000) can0 123#11\n'), 'candump'),
    ).toBeUndefined();
  });
});
