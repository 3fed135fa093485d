import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../../../tests/support/index.js';
import { type Frame, makeFrame, toHex } from '../frame.js';
import { type LogFormat, LogParseError } from '../log.js';
import { readUntilError } from './formats.test-support.js';
import { readLog, writeLog } from './index.js';
import {
  itWithPythonCan,
  type PyMessage,
  pythonCan,
  pythonCanRead,
  pythonCanWrite,
} from './python-can.test-support.js';

/**
 * Debian's python-can (python3-can, run with /usr/bin/python3) as an independent oracle: it reads
 * the files Atelier writes, and writes files Atelier reads. python-can 4.1 has no SavvyCAN CSV
 * (its CSV is a different layout), and its TRC reader and writer handle only classic data frames,
 * so those cases are left out of the comparison on purpose. Without python-can the tests are
 * skipped with the reason, except under CI=true where the file fails with it.
 */
const hasPythonCan = pythonCan.available;

const T0 = 1641469561.9497;
const classic = [
  makeFrame({ id: 0x7df, data: [2, 1, 0x0c], timestamp: T0, direction: 'tx' }),
  makeFrame({
    id: 0x18daf110,
    extended: true,
    data: [0x10, 0x14, 0x49, 2, 1, 0x57, 0x30, 0x4c],
    timestamp: T0 + 0.000123,
    direction: 'rx',
  }),
  makeFrame({ id: 0, data: [], timestamp: T0 + 1.5, direction: 'rx' }),
  makeFrame({ id: 0x7ff, data: [0xff, 0], timestamp: T0 + 2.000001, direction: 'tx' }),
];
const remote = [makeFrame({ id: 0x123, remote: true, dlc: 4, timestamp: T0 + 3, direction: 'rx' })];
const fd = [
  makeFrame({
    id: 0x100,
    fd: true,
    brs: true,
    data: new Uint8Array(12).map((_, i) => i),
    timestamp: T0 + 4,
    direction: 'rx',
  }),
  makeFrame({
    id: 0x1fffffff,
    extended: true,
    fd: true,
    esi: true,
    data: new Uint8Array(64).fill(0x5a),
    timestamp: T0 + 4.25,
    direction: 'tx',
  }),
];
/** Error class 0x80 (bus error): the class python-can recognises as an error frame. */
const candumpError = makeFrame({ id: 0x80, error: true, data: [], timestamp: T0 + 5 });
const ascError = makeFrame({ id: 0, error: true, data: [], timestamp: T0 + 5 });

const SETS: [LogFormat, string, Frame[]][] = [
  ['candump', 'log', [...classic, ...remote, ...fd, candumpError]],
  ['asc', 'asc', [...classic, ...remote, ...fd, ascError]],
  ['trc', 'trc', classic],
];

function toPy(f: Frame, t: number): PyMessage {
  return {
    t,
    id: f.error ? 0 : f.id,
    ext: f.extended,
    rtr: !!f.remote,
    err: !!f.error,
    fd: !!f.fd,
    brs: !!f.brs,
    esi: !!f.esi,
    dlc: f.remote ? (f.dlc ?? 0) : f.data.length,
    data: toHex(f.data),
    rx: f.direction !== 'tx',
  };
}

/** Times compared to the microsecond; ASC and TRC give offsets from the first frame's millisecond. */
function comparable(messages: PyMessage[], base: number): PyMessage[] {
  // An error frame has no identifier, so its extended flag means nothing (python-can says true).
  // Channels are compared where the format keeps them (the BLF tests); not here.
  return messages.map((m) => ({
    ...m,
    t: Math.round((m.t - base) * 1e6) + 0,
    ext: m.err ? false : m.ext,
    ch: undefined,
  }));
}

describe('cross-check with python-can', () => {
  it.skipIf(!hasPythonCan).each(SETS)(
    'python-can reads the %s files Atelier writes as the same frames (skipped when /usr/bin/python3 lacks python-can)',
    async (format, ext, frames) => {
      const file = join(mkdtempSync(join(tmpdir(), 'atelier-pycan-')), `ours.${ext}`);
      await writeLog(file, frames, format);
      const theirs = pythonCanRead(format, file);
      // python-can reads ASC and TRC times relative to the start of measurement.
      const startMs = Math.floor(Math.round(T0 * 1e6) / 1000) / 1000;
      const base = format === 'candump' ? 0 : startMs;
      const expected = frames.map((f) => toPy(f, f.timestamp));
      const theirsFixed = theirs.map((m) => ({ ...m, t: m.t + base }));
      // python-can reports no direction for error frames.
      for (const [i, f] of frames.entries()) if (f.error) theirsFixed[i].rx = expected[i].rx;
      expect(comparable(theirsFixed, T0)).toEqual(comparable(expected, T0));
    },
  );

  it.skipIf(!hasPythonCan).each(SETS)(
    'Atelier reads the %s files python-can writes (skipped when /usr/bin/python3 lacks python-can)',
    async (format, ext, frames) => {
      const dir = mkdtempSync(join(tmpdir(), 'atelier-pycan-'));
      const file = join(dir, `theirs.${ext}`);
      const spec = join(dir, 'spec.json');
      writeFileSync(spec, JSON.stringify(frames.map((f) => toPy(f, f.timestamp))));
      pythonCanWrite(format, file, spec);
      const ours: Frame[] = [];
      for await (const f of readLog(file, { relativeTime: true })) ours.push(f);
      const expected = frames.map((f) => toPy(f, f.timestamp));
      const got = ours.map((f) => toPy(f, f.timestamp));
      for (const [i, f] of frames.entries()) {
        // python-can writes error frames without a direction, and candump remote frames without their DLC.
        if (f.error) got[i].rx = expected[i].rx;
        if (f.remote && format === 'candump') expected[i].dlc = 0;
      }
      // candump keeps epoch times; python-can writes ASC and TRC times from its first message.
      const base = format === 'candump' ? T0 : got[0].t;
      expect(comparable(got, base)).toEqual(comparable(expected, T0));
    },
  );
});

describe('the real recordings, read by both', () => {
  it.skipIf(!hasPythonCan).each(['nissan_leaf_uds_2022-01-06.log', 'savvycan_example_candump.log'])(
    '%s: same frames as python-can (skipped when /usr/bin/python3 lacks python-can)',
    async (name) => {
      const file = fixturePath(`can/${name}`);
      const theirs = pythonCanRead('candump', file);
      const ours: PyMessage[] = [];
      for await (const f of readLog(file)) ours.push(toPy(f, f.timestamp));
      expect(ours.length).toBe(theirs.length);
      expect(comparable(ours, 0)).toEqual(comparable(theirs, 0));
    },
  );
});

describe('ASC lines python-can reads and Atelier refused before (issue 18)', () => {
  // Written for this test in the forms Vector tools produce: a remote frame followed by the
  // Length/BitCount/ID fields, and a CANFD line whose flags column is 0 with DLC 15 and 64 bytes.
  const bytes64 = Array.from({ length: 64 }, (_, i) => i.toString(16).padStart(2, '0')).join(' ');
  const text = [
    'date Sat Sep 30 03:06:13.191 pm 2017',
    'base hex  timestamps absolute',
    'internal events logged',
    '// version 9.0.0',
    'Begin Triggerblock Sat Sep 30 03:06:13.191 pm 2017',
    '   0.000000 Start of measurement',
    '   2.510001 2  100             Rx   r',
    '   2.520002 2  200             Tx   r Length = 1704000 BitCount = 145 ID = 88888888x',
    '   2.584921 2  300             Rx   r 8 Length = 1704000 BitCount = 145 ID = 88888888x',
    `  30.506898 CANFD   4 Rx        4EE                                   0 0 f 64 ${bytes64}   1331984 1283        0        0        0        0        0        0`,
    'End TriggerBlock',
  ].join('\n');

  itWithPythonCan('reads them as python-can does', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'atelier-pycan-')), 'vector.asc');
    writeFileSync(file, text);
    const theirs = pythonCanRead('asc', file);
    const ours: Frame[] = [];
    for await (const f of readLog(file, { relativeTime: true })) ours.push(f);
    expect(ours).toHaveLength(4);
    expect(theirs).toHaveLength(4);
    const asTheirs = (f: Frame) => ({
      t: Math.round(f.timestamp * 1e6),
      id: f.id,
      ext: f.extended,
      rtr: !!f.remote,
      fd: !!f.fd,
      dlc: f.remote ? (f.dlc ?? 0) : f.data.length,
      data: toHex(f.data),
      rx: f.direction !== 'tx',
    });
    expect(ours.map(asTheirs)).toEqual(
      theirs.map((m) => ({
        t: Math.round(m.t * 1e6),
        id: m.id,
        ext: m.ext,
        rtr: m.rtr,
        fd: m.fd,
        dlc: m.dlc,
        data: m.data,
        rx: m.rx,
      })),
    );
    expect(ours[1]).toMatchObject({ id: 0x200, remote: true, direction: 'tx' });
    expect(ours[3]).toMatchObject({ id: 0x4ee, fd: true });
    expect(ours[3].data).toHaveLength(64);
  });

  // python-can's ASC writer puts a message of more than 8 bytes that is not marked CAN FD on a
  // classic line, its payload length where the DLC goes (`d 40` in base hex: 64 bytes) — and its
  // own reader (4.1, Debian's) keeps only the first 8 bytes of it.
  const fdOnClassicLines = [
    'date Sat Sep 30 03:06:13.191 pm 2017',
    'base hex  timestamps absolute',
    'Begin Triggerblock Sat Sep 30 03:06:13.191 pm 2017',
    '   0.000000 Start of measurement',
    `   0.001000 1  18DAF110x       Rx   d 40 ${bytes64}`,
    `   0.002000 1  7E8             Rx   d 10 ${bytes64.slice(0, 16 * 3 - 1)}`,
    '   0.003000 1  7E8             Rx   d 8 01 02 03 04 05 06 07 08',
    'End TriggerBlock',
  ].join('\n');

  itWithPythonCan(
    'messages of more than 8 bytes python-can wrote on classic lines: every byte, as CAN FD',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'atelier-pycan-'));
      const hex = (n: number) => Array.from({ length: n }, (_, i) => (0xc0 + i) & 0xff);
      const messages: PyMessage[] = [64, 16, 8].map((n, k) => ({
        t: 1_700_000_000.25 + k / 1000, // python-can 4.1 fails on a whole-second first time
        id: 0x7e8,
        ext: false,
        rtr: false,
        err: false,
        fd: false,
        brs: false,
        esi: false,
        dlc: n,
        data: toHex(Uint8Array.from(hex(n))),
        rx: true,
      }));
      writeFileSync(join(dir, 'in.json'), JSON.stringify(messages));
      const file = join(dir, 'written-by-python-can.asc');
      pythonCanWrite('asc', file, join(dir, 'in.json'));
      // The form python-can writes: the payload length in hex where the DLC goes.
      expect(readFileSync(file, 'latin1')).toMatch(/ d 40 C0 C1 /);
      expect(readFileSync(file, 'latin1')).toMatch(/ d 10 C0 C1 /);
      const ours: Frame[] = [];
      for await (const f of readLog(file)) ours.push(f);
      expect(ours.map((f) => [f.id, [...f.data], !!f.fd])).toEqual([
        [0x7e8, hex(64), true],
        [0x7e8, hex(16), true],
        [0x7e8, hex(8), false],
      ]);
    },
  );

  it('the same form written by hand reads the same; a classic DLC stays classic', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'atelier-pycan-')), 'fd-classic.asc');
    writeFileSync(file, fdOnClassicLines);
    const ours: Frame[] = [];
    for await (const f of readLog(file)) ours.push(f);
    const all64 = bytes64.replaceAll(' ', '');
    expect(ours.map((f) => [f.id, f.extended, toHex(f.data), !!f.fd])).toEqual([
      [0x18daf110, true, all64, true],
      [0x7e8, false, all64.slice(0, 32), true],
      [0x7e8, false, '0102030405060708', false],
    ]);
  });

  it('a length that no CAN FD frame has is still a bad DLC, with its place', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'atelier-pycan-')), 'bad-length.asc');
    writeFileSync(file, fdOnClassicLines.replace('d 10 ', 'd 11 '));
    const { frames, error } = await readUntilError(readLog(file));
    expect(frames).toHaveLength(1);
    expect(error).toBeInstanceOf(LogParseError);
    expect(String(error)).toMatch(/bad-length\.asc/);
    expect((error as LogParseError).line).toBe(6);
    expect(String(error)).toMatch(/bad DLC '11'/);
  });
});

describe("python-can's CSV (can.CSVWriter / can.CSVReader), both ways", () => {
  // The format keeps no channel and no direction: the frames compared carry neither.
  const frames = [...classic, ...remote, candumpError].map((f) => {
    const { direction: _d, ...rest } = f;
    return rest as Frame;
  });
  const asPy = (f: Frame) => ({ ...toPy(f, f.timestamp), rx: true });

  it.skipIf(!hasPythonCan)(
    'python-can reads the CSV Atelier writes as the same messages (skipped when /usr/bin/python3 lacks python-can)',
    async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'atelier-pycan-')), 'ours.csv');
      await writeLog(file, frames, 'python-can-csv');
      expect(readFileSync(file, 'latin1').split('\n')[0]).toBe(
        'timestamp,arbitration_id,extended,remote,error,dlc,data',
      );
      const theirs = pythonCanRead('python-can-csv', file).map((m) => ({ ...m, rx: true }));
      // python-can's CSV reader gives the error frame's id as written; toPy states it as 0.
      const expected = frames.map(asPy);
      for (const [i, f] of frames.entries()) if (f.error) expected[i]!.id = f.id;
      expect(comparable(theirs, T0)).toEqual(comparable(expected, T0));
    },
  );

  it.skipIf(!hasPythonCan)(
    'Atelier reads the CSV python-can writes, a CAN FD message as CAN FD (skipped when /usr/bin/python3 lacks python-can)',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'atelier-pycan-'));
      const file = join(dir, 'theirs.csv');
      const spec = join(dir, 'spec.json');
      // python-can writes a CAN FD message's bytes but not its flags: it comes back as FD, no BRS/ESI.
      const sent = [...frames, { ...fd[0]!, brs: false, direction: undefined }];
      writeFileSync(spec, JSON.stringify(sent.map((f) => toPy(f, f.timestamp))));
      pythonCanWrite('python-can-csv', file, spec);
      const reader = readLog(file);
      const ours: Frame[] = [];
      for await (const f of reader) ours.push(f);
      expect(reader.format).toBe('python-can-csv');
      // (The spec states an error frame's id as 0, as python-can does; it is written and read as 0x0.)
      const expected = sent.map(asPy);
      const got = ours.map(asPy);
      expect(comparable(got, T0)).toEqual(comparable(expected, T0));
      expect(ours.at(-1)).toMatchObject({ fd: true, data: fd[0]!.data });
    },
  );
});
