import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import { pythonImports, requireOracle } from '../../../../tests/support/index.js';

/**
 * Debian's python-can (python3-can, run with /usr/bin/python3 and TZ=UTC, so that the dates BLF
 * and ASC keep without a zone mean the same to both sides) as an independent oracle for the tests,
 * checked by the repository's one rule for oracles (`requireOracle`): where it is missing, a test
 * that needs it is skipped with the reason; under CI=true the test file fails with the reason, so a
 * CI run never passes without the oracle.
 */
export const PYTHON = '/usr/bin/python3';

const oracle = requireOracle('python-can', pythonImports(PYTHON, 'can'));
export const pythonCan = { available: !oracle.missing, reason: oracle.missing ?? '' };

/** `it`, for a test that needs python-can: skipped with the reason when it is missing. */
export function itWithPythonCan(name: string, fn: () => Promise<void> | void, timeout?: number): void {
  it.skipIf(!pythonCan.available)(`${name}${oracle.skipNote}`, fn, timeout);
}

/** Runs a Python script (text) with arguments; returns its stdout, throws with its stderr. */
export function runPython(script: string, ...args: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'atelier-pycan-'));
  const file = join(dir, 'oracle.py');
  writeFileSync(file, script);
  const r = spawnSync(PYTHON, [file, ...args], {
    encoding: 'utf8',
    maxBuffer: 256 * 2 ** 20,
    env: { ...process.env, TZ: 'UTC' },
  });
  if (r.status !== 0) throw new Error(`python-can failed: ${r.stderr || r.error?.message}`);
  return r.stdout;
}

/**
 * python-can's side of the comparisons: `read FORMAT FILE` prints one JSON line per message;
 * `write FORMAT FILE SOURCE` writes the messages of a JSON list (or of a candump `.log`, read by
 * python-can itself) with python-can's writer.
 */
const SCRIPT = `
import json, sys, can
mode, fmt, path = sys.argv[1], sys.argv[2], sys.argv[3]
readers = {'candump': can.CanutilsLogReader, 'asc': can.ASCReader, 'trc': can.TRCReader, 'blf': can.BLFReader,
    'python-can-csv': can.CSVReader}
writers = {'candump': can.CanutilsLogWriter, 'asc': can.ASCWriter, 'trc': can.TRCWriter, 'blf': can.BLFWriter,
    'python-can-csv': can.CSVWriter}
if mode == 'read':
    for m in readers[fmt](path):
        print(json.dumps({'t': m.timestamp, 'id': m.arbitration_id, 'ext': m.is_extended_id,
            'rtr': m.is_remote_frame, 'err': m.is_error_frame, 'fd': m.is_fd, 'brs': m.bitrate_switch,
            'esi': m.error_state_indicator, 'dlc': m.dlc, 'data': bytes(m.data or b'').hex(), 'rx': m.is_rx,
            'ch': m.channel}))
else:
    src = sys.argv[4]
    if src.endswith('.log'):
        messages = can.CanutilsLogReader(src)
    else:
        messages = [can.Message(timestamp=s['t'], arbitration_id=s['id'], is_extended_id=s['ext'],
            is_remote_frame=s['rtr'], is_error_frame=s['err'], is_fd=s['fd'], bitrate_switch=s['brs'],
            error_state_indicator=s['esi'], dlc=s['dlc'], data=bytes.fromhex(s['data']), is_rx=s['rx'],
            channel=s.get('ch', 0)) for s in json.load(open(src))]
    w = writers[fmt](path)
    for m in messages:
        w.on_message_received(m)
    w.stop()
`;

/** A message as python-can states it (channels from 0, as python-can numbers them). */
export interface PyMessage {
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
  ch?: number | string | null;
}

/** The messages python-can reads from a file of `format`. */
export function pythonCanRead(format: string, file: string): PyMessage[] {
  const out = runPython(SCRIPT, 'read', format, file).trimEnd();
  return out === '' ? [] : out.split('\n').map((l) => JSON.parse(l) as PyMessage);
}

/** Writes `file` with python-can's writer of `format`, from a JSON file of PyMessage or a candump log. */
export function pythonCanWrite(format: string, file: string, source: string): void {
  runPython(SCRIPT, 'write', format, file, source);
}
