import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Frame } from '../frame.js';
import { BinaryLogError, LogParseError } from '../log.js';
import {
  all,
  allFromBatches,
  asBinaryKeepsIt,
  blfOf,
  EVERY_KIND,
  LEAF_LOG,
  readUntilError,
} from './formats.test-support.js';
import { readLog, readLogText, writeLog } from './index.js';
import { itWithPythonCan, type PyMessage, pythonCanRead, pythonCanWrite } from './python-can.test-support.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'atelier-blf-'));
const frames = EVERY_KIND;
const comparable = asBinaryKeepsIt;

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

  it('batches(): the same frames in columns; a problem comes after the frames read before it', async () => {
    const file = join(tmp(), 'kinds.blf');
    await writeLog(file, frames, 'blf');
    expect((await allFromBatches(readLog(file), 4)).map(comparable)).toEqual(frames.map(comparable));
    const leaf = join(tmp(), 'leaf.blf');
    await writeLog(leaf, await all(readLog(LEAF_LOG)), 'blf');
    const cut = join(tmp(), 'cut.blf');
    writeFileSync(cut, readFileSync(leaf).subarray(0, 20_000));
    const got: Frame[] = [];
    const err = await (async () => {
      for await (const b of readLog(cut).batches!(1000))
        for (let k = 0; k < b.length; k++) got.push(b.frame(k));
    })().catch((e) => e);
    expect(err).toBeInstanceOf(BinaryLogError);
    expect(got).toHaveLength(2340);
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

/** A frame as python-can states it (channels from 0: BLF channel N is python-can's N - 1). */
function asPython(f: Frame): Omit<PyMessage, 't'> & { ch: number } {
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
    ch: (c.ch ?? 1) - 1,
  };
}

describe('BLF against python-can (Debian python3-can)', () => {
  itWithPythonCan('python-can reads the BLF files Atelier writes as the same frames', async () => {
    const file = join(tmp(), 'ours.blf');
    await writeLog(file, frames, 'blf');
    const theirs = pythonCanRead('blf', file);
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
    const theirs = pythonCanRead('blf', file);
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
      pythonCanWrite('blf', file, spec);
      const ours = await all(readLog(file));
      expect(ours).toHaveLength(frames.length);
      // The columnar path (messages decoded straight into the batch) reads the same frames.
      for (const capacity of [3, 1000])
        expect((await allFromBatches(readLog(file), capacity)).map(comparable)).toEqual(ours.map(comparable));
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
      pythonCanWrite('blf', file, LEAF_LOG);
      const ours = await all(readLog(file));
      const leaf = await all(readLog(LEAF_LOG));
      expect(ours).toHaveLength(5588);
      // In columns too, whatever the batch size (batches end inside runs of messages and at
      // objects cut across python-can's containers).
      for (const capacity of [7, 1000, 4096])
        expect((await allFromBatches(readLog(file), capacity)).map(comparable)).toEqual(ours.map(comparable));
      const base = ours[0].timestamp - leaf[0].timestamp;
      expect(Math.abs(base)).toBeLessThan(1e-3);
      ours.forEach((f, i) => {
        expect(Math.abs(f.timestamp - base - leaf[i].timestamp)).toBeLessThan(1e-6);
        expect({ ...comparable(f), t: 0 }).toEqual({ ...comparable(leaf[i]), t: 0 });
      });
    },
  );
});

/** A CAN_FD_MESSAGE_64 object (type 101) with `stored` data bytes of `valid` announced. */
function fd64(opts: { id: number; valid: number; stored: number; ext?: number; timeNs: number }): Buffer {
  const extra = opts.ext ? 8 : 0;
  const obj = Buffer.alloc(32 + 40 + opts.stored + extra);
  obj.write('LOBJ', 0, 'latin1');
  obj.writeUInt16LE(32, 4);
  obj.writeUInt16LE(1, 6);
  obj.writeUInt32LE(obj.length, 8);
  obj.writeUInt32LE(101, 12);
  obj.writeUInt32LE(2, 16); // flags: time in ns
  obj.writeBigUInt64LE(BigInt(opts.timeNs), 24);
  const q = 32;
  obj[q] = 1; // channel
  obj[q + 1] = 15; // DLC 15: 64 bytes
  obj[q + 2] = opts.valid;
  obj.writeUInt32LE(opts.id, q + 4);
  obj.writeUInt32LE(0x1000 | 0x2000, q + 12); // EDL, BRS
  obj[q + 34] = 0; // received
  obj[q + 35] = opts.ext ? 32 + 40 + opts.stored : 0;
  for (let i = 0; i < opts.stored; i++) obj[q + 40 + i] = 0xa0 + (i % 16);
  // Extended data after the data field (bit timing and so on): not payload.
  if (opts.ext) obj.fill(0xee, 32 + 40 + opts.stored);
  return obj;
}

describe('BLF: CAN FD payloads stored shorter than announced', () => {
  it('the bytes a writer left out are zeros, as CANoe and binlog give them; extended data is not payload', async () => {
    const file = join(tmp(), 'short-fd.blf');
    writeFileSync(
      file,
      blfOf([
        fd64({ id: 0x6a9, valid: 64, stored: 48, timeNs: 1_000_000 }),
        fd64({ id: 0x6aa, valid: 64, stored: 40, ext: 1, timeNs: 2_000_000 }),
        fd64({ id: 0x6ab, valid: 12, stored: 12, timeNs: 3_000_000 }),
      ]),
    );
    for (const frames of [await all(readLog(file)), await allFromBatches(readLog(file), 2)]) {
      expect(frames.map((f) => [f.id, f.fd, f.brs, f.data.length, f.timestamp])).toEqual([
        [0x6a9, true, true, 64, 0.001],
        [0x6aa, true, true, 64, 0.002],
        [0x6ab, true, true, 12, 0.003],
      ]);
      const pattern = (n: number) => Array.from({ length: n }, (_, i) => 0xa0 + (i % 16));
      expect([...frames[0].data]).toEqual([...pattern(48), ...new Array(16).fill(0)]);
      expect([...frames[1].data]).toEqual([...pattern(40), ...new Array(24).fill(0)]);
      expect([...frames[2].data]).toEqual(pattern(12));
    }
  });
});

/** An object with a version 1 header (time in ns) and `body` after it, unpadded. */
function object(type: number, body: Buffer, timeNs: number): Buffer {
  const obj = Buffer.alloc(32 + body.length);
  obj.write('LOBJ', 0, 'latin1');
  obj.writeUInt16LE(32, 4);
  obj.writeUInt16LE(1, 6);
  obj.writeUInt32LE(obj.length, 8);
  obj.writeUInt32LE(type, 12);
  obj.writeUInt32LE(2, 16); // flags: time in ns
  obj.writeBigUInt64LE(BigInt(timeNs), 24);
  body.copy(obj, 32);
  return obj;
}

/** CAN_MESSAGE (type 1): channel 1, received, 11-bit id, 8 data bytes. */
function canMessage(id: number, timeNs: number): Buffer {
  const body = Buffer.alloc(16);
  body.writeUInt16LE(1, 0);
  body[3] = 8;
  body.writeUInt32LE(id, 4);
  for (let i = 0; i < 8; i++) body[8 + i] = id + i;
  return object(1, body, timeNs);
}

/** EVENT_COMMENT (type 92) whose size is not a multiple of 4, as Vector's converter writes one. */
function comment(text: string, timeNs: number): Buffer {
  const body = Buffer.alloc(16 + text.length + 1);
  body.writeUInt32LE(1, 0); // comment type
  body.writeUInt32LE(text.length + 1, 4);
  body.write(text, 16, 'latin1');
  return object(92, body, timeNs);
}

describe("BLF: Vector's padding of objects whose size is not a multiple of 4", () => {
  // Vector pads each object with `size % 4` zero bytes, inside the container: a comment of 277
  // bytes (a multiple of 4 plus 1) is followed by one zero byte, even as the file's last object.
  const pad = (o: Buffer) => Buffer.concat([o, Buffer.alloc(o.length % 4)]);
  const note = comment('odd-sized comment', 3_000_000);
  const bytesOf = (id: number) => Array.from({ length: 8 }, (_, i) => (id + i) & 0xff);

  it('a padded object last in the file is not a cut object; one in the middle is skipped', async () => {
    expect(note.length % 4).not.toBe(0);
    const file = join(tmp(), 'padded.blf');
    writeFileSync(
      file,
      blfOf([canMessage(0x101, 1_000_000), pad(note), canMessage(0x102, 4_000_000), pad(note)]),
    );
    for (const frames of [await all(readLog(file)), await allFromBatches(readLog(file), 7)]) {
      expect(frames.map((f) => [f.id, f.timestamp, [...f.data]])).toEqual([
        [0x101, 0.001, bytesOf(0x101)],
        [0x102, 0.004, bytesOf(0x102)],
      ]);
    }
  });

  it('bytes after the last object that are not zero padding are still a cut object', async () => {
    const file = join(tmp(), 'cut.blf');
    writeFileSync(file, blfOf([canMessage(0x101, 1_000_000), note, Buffer.from([0x4c, 0x4f, 0x42])]));
    const { frames, error } = await readUntilError(readLog(file));
    expect(frames.map((f) => f.id)).toEqual([0x101]);
    expect(error).toBeInstanceOf(BinaryLogError);
    expect(String(error)).toMatch(/the last object is cut short \(\d bytes\)/);
  });
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
    // zlib's English words stay in the message; French says what they mean (zlib-texts.ts).
    const at = `byte ${second} (0x${second.toString(16)})`;
    expect((strict.error as Error).message).toBe(
      `zlib.blf: ${at}: corrupt log container (zlib: invalid code lengths set)`,
    );
    expect((strict.error as BinaryLogError).messageIn('fr')).toBe(
      `zlib.blf, octet ${second} (0x${second.toString(16)}) : conteneur corrompu (zlib : table des longueurs de codes invalide)`,
    );
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
