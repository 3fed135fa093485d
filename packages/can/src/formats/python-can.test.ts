import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturePath, pythonImports, requireOracle } from '../../../../tests/support/index.js';
import { type Frame, makeFrame, toHex } from '../frame.js';
import type { LogFormat } from '../log.js';
import { readLog, writeLog } from './index.js';

/**
 * Debian's python-can (python3-can, run with /usr/bin/python3) as an independent oracle: it reads
 * the files Atelier writes, and writes files Atelier reads. python-can 4.1 has no SavvyCAN CSV
 * (its CSV is a different layout), and its TRC reader and writer handle only classic data frames,
 * so those cases are left out of the comparison on purpose.
 */
const PYTHON = '/usr/bin/python3';
const pythonCan = requireOracle('python-can', pythonImports(PYTHON, 'can'));

const SCRIPT = `
import json, sys, can
mode, fmt, path = sys.argv[1], sys.argv[2], sys.argv[3]
readers = {'candump': can.CanutilsLogReader, 'asc': can.ASCReader, 'trc': can.TRCReader}
writers = {'candump': can.CanutilsLogWriter, 'asc': can.ASCWriter, 'trc': can.TRCWriter}
if mode == 'read':
    for m in readers[fmt](path):
        print(json.dumps({'t': m.timestamp, 'id': m.arbitration_id, 'ext': m.is_extended_id,
            'rtr': m.is_remote_frame, 'err': m.is_error_frame, 'fd': m.is_fd, 'brs': m.bitrate_switch,
            'esi': m.error_state_indicator, 'dlc': m.dlc, 'data': bytes(m.data or b'').hex(), 'rx': m.is_rx}))
else:
    spec = json.load(open(sys.argv[4]))
    w = writers[fmt](path)
    for s in spec:
        w.on_message_received(can.Message(timestamp=s['t'], arbitration_id=s['id'], is_extended_id=s['ext'],
            is_remote_frame=s['rtr'], is_error_frame=s['err'], is_fd=s['fd'], bitrate_switch=s['brs'],
            error_state_indicator=s['esi'], dlc=s['dlc'], data=bytes.fromhex(s['data']), is_rx=s['rx'], channel=0))
    w.stop()
`;

interface PyMessage {
  t: number;
  id: number;
  ext: boolean;
  rtr: boolean;
  err: boolean;
  fd: boolean;
  brs: boolean;
  esi: boolean;
  dlc: number;
  data: string;
  rx: boolean;
}

function python(...args: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'atelier-pycan-'));
  const script = join(dir, 'oracle.py');
  writeFileSync(script, SCRIPT);
  const r = spawnSync(PYTHON, [script, ...args], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  if (r.status !== 0) throw new Error(`python-can failed: ${r.stderr}`);
  return r.stdout;
}

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
  return messages.map((m) => ({ ...m, t: Math.round((m.t - base) * 1e6) + 0, ext: m.err ? false : m.ext }));
}

describe('cross-check with python-can', () => {
  it.skipIf(!!pythonCan.missing).each(SETS)(
    `python-can reads the %s files Atelier writes as the same frames${pythonCan.skipNote}`,
    async (format, ext, frames) => {
      const file = join(mkdtempSync(join(tmpdir(), 'atelier-pycan-')), `ours.${ext}`);
      await writeLog(file, frames, format);
      const theirs = python('read', format, file)
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as PyMessage);
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

  it.skipIf(!!pythonCan.missing).each(SETS)(
    `Atelier reads the %s files python-can writes${pythonCan.skipNote}`,
    async (format, ext, frames) => {
      const dir = mkdtempSync(join(tmpdir(), 'atelier-pycan-'));
      const file = join(dir, `theirs.${ext}`);
      const spec = join(dir, 'spec.json');
      writeFileSync(spec, JSON.stringify(frames.map((f) => toPy(f, f.timestamp))));
      python('write', format, file, spec);
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
  it.skipIf(!!pythonCan.missing).each(['nissan_leaf_uds_2022-01-06.log', 'savvycan_example_candump.log'])(
    `%s: same frames as python-can${pythonCan.skipNote}`,
    async (name) => {
      const file = fixturePath(`can/${name}`);
      const theirs = python('read', 'candump', file)
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as PyMessage);
      const ours: PyMessage[] = [];
      for await (const f of readLog(file)) ours.push(toPy(f, f.timestamp));
      expect(ours.length).toBe(theirs.length);
      expect(comparable(ours, 0)).toEqual(comparable(theirs, 0));
    },
  );
});
