import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type Frame, makeFrame, toHex } from '../frame.js';
import { BinaryLogError, LogParseError, type LogReader } from '../log.js';
import { readLog, readLogText, writeLog } from './index.js';
import { itWithPythonCan, runPython } from './python-can.oracle.js';

const FIXTURES = resolve(import.meta.dirname, '../../../../tests/fixtures/can');
const LEAF_LOG = join(FIXTURES, 'nissan_leaf_uds_2022-01-06.log');
const tmp = () => mkdtempSync(join(tmpdir(), 'atelier-blf-'));

async function all(it: AsyncIterable<Frame>): Promise<Frame[]> {
  const out: Frame[] = [];
  for await (const f of it) out.push(f);
  return out;
}

async function readUntilError(reader: LogReader): Promise<{ frames: Frame[]; error: unknown }> {
  const frames: Frame[] = [];
  try {
    for await (const f of reader) frames.push(f);
  } catch (error) {
    return { frames, error };
  }
  return { frames, error: undefined };
}

const T0 = 1641469561.9497;
const frames: Frame[] = [
  makeFrame({ id: 0x7df, data: [2, 1, 0x0c], timestamp: T0, channel: 'can0', direction: 'tx' }),
  makeFrame({
    id: 0x18daf110,
    extended: true,
    data: [0x10, 0x14, 0x49, 2, 1, 0x57, 0x30, 0x4c],
    timestamp: T0 + 0.000123,
    direction: 'rx',
    channel: 'can1',
  }),
  makeFrame({ id: 0, data: [], timestamp: T0 + 1.5, direction: 'rx', channel: 'can0' }),
  makeFrame({
    id: 0x123,
    data: new Uint8Array(8).fill(7),
    dlc: 12,
    timestamp: T0 + 1.75,
    direction: 'rx',
    channel: 'can0',
  }),
  makeFrame({ id: 0x124, remote: true, dlc: 4, timestamp: T0 + 3, direction: 'rx', channel: 'can0' }),
  makeFrame({
    id: 0x1abcdef,
    extended: true,
    remote: true,
    timestamp: T0 + 3.5,
    direction: 'tx',
    channel: 'can1',
  }),
  makeFrame({
    id: 0x100,
    fd: true,
    brs: true,
    data: new Uint8Array(12).map((_, i) => i),
    timestamp: T0 + 4,
    direction: 'rx',
    channel: 'can0',
  }),
  makeFrame({
    id: 0x1fffffff,
    extended: true,
    fd: true,
    esi: true,
    data: new Uint8Array(64).fill(0x5a),
    timestamp: T0 + 4.25,
    direction: 'tx',
    channel: 'can0',
  }),
  makeFrame({ id: 0x101, fd: true, data: [1, 2, 3], timestamp: T0 + 4.5, direction: 'rx', channel: 'can0' }),
  makeFrame({
    id: 0x8,
    error: true,
    data: [0, 0, 0x8, 0, 0, 0, 0, 0],
    timestamp: T0 + 5,
    direction: 'rx',
    channel: 'can0',
  }),
  makeFrame({ id: 0, error: true, data: [], timestamp: T0 + 5.5, direction: 'tx', channel: 'can1' }),
];

/** A frame as both sides can state it: BLF numbers channels from 1 (canN → N + 1), times to the µs. */
function comparable(f: Frame) {
  const m = /(\d+)$/.exec(f.channel ?? '0')!;
  return {
    t: Math.round(f.timestamp * 1e6),
    id: f.id,
    ext: f.extended,
    rtr: !!f.remote,
    err: !!f.error,
    fd: !!f.fd,
    brs: !!f.brs,
    esi: !!f.esi,
    dlc: f.dlc,
    data: toHex(f.data),
    dir: f.direction,
    ch: Number(m[1]) + (f.channel?.startsWith('can') ? 1 : 0),
  };
}

describe('BLF: what Atelier writes, Atelier reads back identically', () => {
  it('frames of every kind (CAN_MESSAGE2, CAN_FD_MESSAGE_64, CAN_ERROR_EXT)', async () => {
    const file = join(tmp(), 'all.blf');
    expect(await writeLog(file, frames, 'blf')).toBe(frames.length);
    const reader = readLog(file);
    expect(reader.format).toBe('blf');
    expect((await all(reader)).map(comparable)).toEqual(frames.map(comparable));
  });

  it('the Leaf recording: objects split across 128 KiB containers', async () => {
    const leaf = await all(readLog(LEAF_LOG));
    const file = join(tmp(), 'leaf.BLF');
    await writeLog(file, leaf, 'blf');
    const buf = readFileSync(file);
    // The header's totals were written at the end: file size and object count.
    expect(Number(buf.readBigUInt64LE(16))).toBe(buf.length);
    expect(buf.readUInt32LE(32)).toBe(5588);
    // 5,588 objects of 56 bytes fill more than two containers: some objects straddle two.
    expect(5588 * 56).toBeGreaterThan(2 * 128 * 1024);
    expect((await all(readLog(file))).map(comparable)).toEqual(leaf.map(comparable));
    expect((await all(readLogText(buf, 'upload.blf'))).length).toBe(5588);
  });

  it('to a stream: header without totals, frames all there', async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    await writeLog(out, frames, 'blf');
    const bytes = Buffer.concat(chunks);
    expect(bytes.toString('latin1', 0, 4)).toBe('LOGG');
    expect((await all(readLogText(bytes, 'stream.blf'))).map(comparable)).toEqual(frames.map(comparable));
  });

  it('times relative to the start on request; refuses a frame before the first', async () => {
    const file = join(tmp(), 'rel.blf');
    await writeLog(file, frames, 'blf');
    const rel = await all(readLog(file, { relativeTime: true }));
    // The header's start is the first frame's millisecond.
    expect(rel[0].timestamp).toBeCloseTo(0.0007, 9);
    const err = await writeLog(join(tmp(), 'x.blf'), [frames[2], frames[0]], 'blf').catch((e) => e);
    expect(err.message).toMatch(/blf writer, frame #1: timestamp before the first frame/);
  });
});

/** python-can's side: read a BLF file to JSON lines, or write one from a JSON list. */
const ORACLE = `
import json, sys, can
mode, path = sys.argv[1], sys.argv[2]
if mode == 'read':
    for m in can.BLFReader(path):
        print(json.dumps({'t': m.timestamp, 'id': m.arbitration_id, 'ext': m.is_extended_id,
            'rtr': m.is_remote_frame, 'err': m.is_error_frame, 'fd': m.is_fd, 'brs': m.bitrate_switch,
            'esi': m.error_state_indicator, 'dlc': m.dlc, 'data': bytes(m.data or b'').hex(), 'rx': m.is_rx,
            'ch': m.channel}))
else:
    w = can.BLFWriter(path)
    src = sys.argv[3]
    if src.endswith('.log'):
        msgs = can.CanutilsLogReader(src)
    else:
        msgs = [can.Message(timestamp=s['t'], arbitration_id=s['id'], is_extended_id=s['ext'],
            is_remote_frame=s['rtr'], is_error_frame=s['err'], is_fd=s['fd'], bitrate_switch=s['brs'],
            error_state_indicator=s['esi'], dlc=s['dlc'], data=bytes.fromhex(s['data']), is_rx=s['rx'],
            channel=s['ch']) for s in json.load(open(src))]
    for m in msgs:
        w.on_message_received(m)
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
  ch: number;
}

/** A frame as python-can states it (channels from 0: BLF channel N is python-can's N - 1). */
function asPython(f: Frame): Omit<PyMessage, 't'> {
  const c = comparable(f);
  return {
    id: f.id,
    ext: f.extended,
    rtr: c.rtr,
    err: c.err,
    fd: c.fd,
    brs: c.brs,
    esi: c.esi,
    dlc: f.remote ? (f.dlc ?? 0) : f.dlc !== undefined && !f.fd ? f.dlc : f.data.length,
    data: c.data,
    rx: f.direction !== 'tx',
    ch: c.ch - 1,
  };
}

describe('BLF against python-can (Debian python3-can)', () => {
  itWithPythonCan('python-can reads the BLF files Atelier writes as the same frames', async () => {
    const file = join(tmp(), 'ours.blf');
    await writeLog(file, frames, 'blf');
    const theirs = runPython(ORACLE, 'read', file)
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as PyMessage);
    expect(theirs).toHaveLength(frames.length);
    theirs.forEach((m, i) => {
      const f = frames[i];
      const { t, ...rest } = m;
      // python-can gives a remote frame DLC zero bytes of data, and no direction to error frames.
      if (m.rtr) rest.data = '';
      if (m.err) rest.rx = f.direction !== 'tx';
      expect(rest).toEqual(asPython(f));
      // Times within a microsecond (the file keeps nanoseconds from the first frame's millisecond).
      expect(Math.abs(t - f.timestamp)).toBeLessThan(1e-6);
    });
  });

  itWithPythonCan('python-can reads the Leaf recording Atelier wrote as BLF, frame for frame', async () => {
    const leaf = await all(readLog(LEAF_LOG));
    const file = join(tmp(), 'leaf.blf');
    await writeLog(file, leaf, 'blf');
    const theirs = runPython(ORACLE, 'read', file)
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as PyMessage);
    expect(theirs).toHaveLength(5588);
    theirs.forEach((m, i) => {
      const { t, ...rest } = m;
      expect(rest).toEqual(asPython(leaf[i]));
      expect(Math.abs(t - leaf[i].timestamp)).toBeLessThan(1e-6);
    });
  });

  itWithPythonCan(
    'Atelier reads the BLF files python-can writes (CAN_MESSAGE, CAN_FD_MESSAGE, CAN_ERROR_EXT)',
    async () => {
      const dir = tmp();
      const spec = join(dir, 'spec.json');
      writeFileSync(spec, JSON.stringify(frames.map((f) => ({ ...asPython(f), t: f.timestamp }))));
      const file = join(dir, 'theirs.blf');
      runPython(ORACLE, 'write', file, spec);
      const ours = await all(readLog(file));
      expect(ours).toHaveLength(frames.length);
      // python-can starts the file at the first frame's time rounded to the millisecond, and counts
      // from the exact first time: times agree relative to the first frame.
      const base = ours[0].timestamp - frames[0].timestamp;
      expect(Math.abs(base)).toBeLessThan(1e-3);
      ours.forEach((f, i) => {
        const e = frames[i];
        expect(Math.abs(f.timestamp - base - e.timestamp)).toBeLessThan(1e-6);
        const got = comparable(f);
        const want = comparable(e);
        // python-can writes error frames without a direction.
        if (e.error) want.dir = undefined;
        expect({ ...got, t: 0 }).toEqual({ ...want, t: 0 });
      });
    },
  );

  itWithPythonCan(
    'Atelier reads the Leaf recording python-can converted to BLF, frame for frame',
    async () => {
      const file = join(tmp(), 'leaf-python.blf');
      runPython(ORACLE, 'write', file, LEAF_LOG);
      const ours = await all(readLog(file));
      const leaf = await all(readLog(LEAF_LOG));
      expect(ours).toHaveLength(5588);
      const base = ours[0].timestamp - leaf[0].timestamp;
      expect(Math.abs(base)).toBeLessThan(1e-3);
      ours.forEach((f, i) => {
        expect(Math.abs(f.timestamp - base - leaf[i].timestamp)).toBeLessThan(1e-6);
        expect({ ...comparable(f), t: 0 }).toEqual({ ...comparable(leaf[i]), t: 0 });
      });
    },
  );
});

describe('BLF: bad files give a typed error with the file and the byte offset', () => {
  async function written(): Promise<Buffer> {
    const file = join(tmp(), 'w.blf');
    await writeLog(file, await all(readLog(LEAF_LOG)), 'blf');
    return readFileSync(file);
  }
  /** Offsets of the top-level objects (containers) of a BLF file. */
  function containers(buf: Buffer): number[] {
    const out: number[] = [];
    for (let at = buf.readUInt32LE(4); at + 16 <= buf.length; ) {
      out.push(at);
      const size = buf.readUInt32LE(at + 8);
      at += size + (size % 4);
    }
    return out;
  }

  it('wrong magic, a cut header', async () => {
    const a = await readUntilError(readLogText(Buffer.from('LOGX this is not a blf file'), 'bad.blf'));
    expect(a.error).toBeInstanceOf(BinaryLogError);
    expect((a.error as BinaryLogError).offset).toBe(0);
    expect((a.error as Error).message).toMatch(
      /bad\.blf: byte 0 .*not a BLF file: expected the signature 'LOGG', found 'LOGX'/,
    );
    const b = await readUntilError(readLogText(Buffer.from('LOGG\x90\0\0\0'), 'short.blf'));
    expect((b.error as Error).message).toMatch(/truncated file: the BLF file header/);
  });

  it('a file cut in a container keeps the frames of the containers before', async () => {
    const buf = await written();
    const [, second] = containers(buf);
    const cut = buf.subarray(0, second + 100);
    const { frames: before, error } = await readUntilError(readLogText(cut, 'cut.blf'));
    expect(error).toBeInstanceOf(BinaryLogError);
    expect((error as BinaryLogError).offset).toBe(second);
    expect((error as Error).message).toMatch(/truncated file: object of \d+ bytes goes past the end/);
    // Every whole object of the first container was handed out before the error.
    expect(before.length).toBe(Math.floor((128 * 1024) / 56));
    const lenient = readLogText(cut, 'cut.blf', { lenient: true });
    expect((await all(lenient)).length).toBe(before.length);
    expect(lenient.skipped.length).toBeGreaterThan(0);
  });

  it('a corrupt container: strict stops there, lenient skips it and finds the next object', async () => {
    const buf = await written();
    const [, second] = containers(buf);
    const bad = Buffer.from(buf);
    bad.fill(0x33, second + 40, second + 400);
    const strict = await readUntilError(readLogText(bad, 'zlib.blf'));
    expect((strict.error as BinaryLogError).offset).toBe(second);
    expect((strict.error as Error).message).toMatch(/corrupt log container \(zlib/);
    expect(strict.frames.length).toBe(Math.floor((128 * 1024) / 56));
    const lenient = readLogText(bad, 'zlib.blf', { lenient: true });
    const got = await all(lenient);
    expect(lenient.skipped.map((e) => e.message)).toEqual([expect.stringMatching(/corrupt log container/)]);
    // The second container's objects (and the ones cut across its ends) are lost; the rest read.
    expect(got.length).toBeLessThan(5588);
    expect(got.length).toBeGreaterThan(5588 - Math.ceil((128 * 1024) / 56) - 3);
    const leaf = await all(readLog(LEAF_LOG));
    expect(comparable(got.at(-1)!)).toEqual(comparable(leaf.at(-1)!));
  });

  it('length fields beyond reason do not allocate; an object past the end is a truncated file', async () => {
    const buf = await written();
    const [first] = containers(buf);
    const huge = Buffer.from(buf);
    huge.writeUInt32LE(0xfffffff0, first + 24);
    const before = process.memoryUsage.rss();
    const a = await readUntilError(readLogText(huge, 'huge.blf'));
    expect((a.error as Error).message).toMatch(/claims 4294967280 uncompressed bytes/);
    expect(process.memoryUsage.rss() - before).toBeLessThan(64 * 2 ** 20);
    const past = Buffer.from(buf);
    past.writeUInt32LE(0x7ffffff0, first + 8);
    const b = await readUntilError(readLogText(past, 'past.blf'));
    expect((b.error as BinaryLogError).offset).toBe(first);
    expect(b.error).toBeInstanceOf(LogParseError);
  });
});
