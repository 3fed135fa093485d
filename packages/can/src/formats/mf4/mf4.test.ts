import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type Frame, makeFrame, sameFrame, toHex } from '../../frame.js';
import { BinaryLogError, LogParseError } from '../../log.js';
import {
  all,
  allFromBatches,
  asBinaryKeepsIt,
  EVERY_KIND,
  FIXTURES,
  LEAF_LOG,
  LEAF_MF4,
  readUntilError,
} from '../formats.test-support.js';
import { openLogWriter, readLog, readLogText, writeLog } from '../index.js';

const NEWER = join(FIXTURES, 'canedge_2F6913DB_00001089_00000001-63BEF5CD.MF4');
const FINALISED = join(FIXTURES, 'canedge_3BA199E2_00000164_00000005-60FEB5A8.MF4');
const tmp = () => mkdtempSync(join(tmpdir(), 'atelier-mf4-'));

/** MF4 block helpers for the tests that damage or rearrange files: link i of the block at `at`. */
const link = (buf: Buffer, at: number, i: number) => Number(buf.readBigUInt64LE(at + 24 + 8 * i));
const setLink = (buf: Buffer, at: number, i: number, v: number) =>
  buf.writeBigUInt64LE(BigInt(v), at + 24 + 8 * i);
const blockId = (buf: Buffer, at: number) => buf.toString('latin1', at, at + 4);
const blockLength = (buf: Buffer, at: number) => Number(buf.readBigUInt64LE(at + 8));

/** The GNSS epoch of a CANedge `gnss_time` message (gnss.dbc: bits 8–47, 1 ms, offset 1577840400 s). */
function gnssEpoch(data: Uint8Array): number {
  let raw = 0;
  for (let i = 5; i >= 1; i--) raw = raw * 256 + data[i];
  return raw * 0.001 + 1577840400;
}

describe('MF4: real CANedge recordings', () => {
  it('the Leaf MF4 (unfinalised, older firmware layout) reads as the same 5,588 frames as its candump conversion', async () => {
    const reader = readLog(LEAF_MF4);
    const fromMf4 = await all(reader);
    const fromLog = await all(readLog(LEAF_LOG));
    expect(reader.format).toBe('mf4');
    expect(reader.skipped).toEqual([]);
    expect(fromMf4).toHaveLength(5588);
    expect(fromLog).toHaveLength(5588);
    fromLog.forEach((expected, i) => {
      const f = fromMf4[i];
      if (!sameFrame(f, expected))
        expect({ ...f, data: toHex(f.data) }).toEqual({ ...expected, data: toHex(expected.data) });
      expect(f.direction).toBe(expected.direction);
      // MF4 numbers buses from 1; the candump conversion named bus N can(N-1).
      expect(`can${Number(f.channel) - 1}`).toBe(expected.channel);
    });
  });

  it('batches(): the same frames in columns, for the real files and the ones Atelier writes', async () => {
    for (const file of [LEAF_MF4, NEWER, FINALISED]) {
      const reader = readLog(file);
      expect(reader.batches).toBeTypeOf('function');
      const columns = await allFromBatches(reader, 700);
      expect(columns.map(asBinaryKeepsIt)).toEqual((await all(readLog(file))).map(asBinaryKeepsIt));
    }
    const written = join(tmp(), 'kinds.mf4');
    await writeLog(written, [...EVERY_KIND], 'mf4');
    expect((await allFromBatches(readLog(written), 3)).map(asBinaryKeepsIt)).toEqual(
      EVERY_KIND.map(asBinaryKeepsIt),
    );
  });

  it('detects MF4 by its magic under any name, and by its extension in any case', async () => {
    const dir = tmp();
    const renamed = join(dir, 'recording.dat');
    copyFileSync(LEAF_MF4, renamed);
    expect(readLog(renamed).format).toBe('mf4');
    expect(readLog(LEAF_MF4).format).toBe('mf4');
    const inMemory = readLogText(readFileSync(LEAF_MF4), 'upload.MF4');
    expect(inMemory.format).toBe('mf4');
    expect(await all(inMemory)).toHaveLength(5588);
  });

  it('newer firmware layout (virtual bus, direction and id type; 48-bit µs time): requests, answers and GNSS time agree', async () => {
    const frames = await all(readLog(NEWER));
    expect(frames).toHaveLength(4024);
    for (let i = 1; i < frames.length; i++)
      expect(frames[i].timestamp).toBeGreaterThanOrEqual(frames[i - 1].timestamp);
    const ids = (channel: string, direction: string) =>
      [
        ...new Set(frames.filter((f) => f.channel === channel && f.direction === direction).map((f) => f.id)),
      ].sort((a, b) => a - b);
    // Bus 1: diagnostic requests sent by the logger, answered on request id + 8 (ISO 15765-4 pairs).
    expect(ids('1', 'tx')).toEqual([0x7a0, 0x7b3, 0x7e4]);
    expect(ids('1', 'rx')).toEqual([0x7a8, 0x7bb, 0x7ec]);
    // Bus 2: the logger's GNSS messages, each with the length gnss.dbc gives it.
    const lengths: Record<number, number> = { 17: 1, 18: 6, 19: 8, 20: 4, 21: 8, 22: 8, 23: 5, 24: 2, 25: 8 };
    expect(ids('2', 'rx')).toEqual(Object.keys(lengths).map(Number));
    for (const f of frames.filter((x) => x.channel === '2')) expect(f.data.length).toBe(lengths[f.id]);
    // The GNSS epoch in each gnss_time message keeps a constant distance to the frame's time stamp
    // (the logger's clock offset) over the whole recording: the time scale is right.
    const times = frames.filter((f) => f.id === 0x12);
    expect(times.length).toBeGreaterThan(100);
    const offsets = times.map((f) => f.timestamp - gnssEpoch(f.data));
    expect(times.at(-1)!.timestamp - times[0].timestamp).toBeGreaterThan(100);
    expect(Math.max(...offsets) - Math.min(...offsets)).toBeLessThan(1);
    expect(Math.abs(offsets[0])).toBeLessThan(60);
  });

  it('a file finalised and sorted by another tool: its cycle count and SD signal data', async () => {
    const buf = readFileSync(FINALISED);
    expect(buf.toString('latin1', 0, 8)).toBe('MDF     ');
    const frames = await all(readLog(FINALISED));
    // 5,477: the cycle count CSS's finaliser wrote in the CAN_DataFrame channel group.
    expect(frames).toHaveLength(5477);
    for (let i = 1; i < frames.length; i++)
      expect(frames[i].timestamp).toBeGreaterThanOrEqual(frames[i - 1].timestamp);
    const times = frames.filter((f) => f.channel === '2' && f.id === 0x2);
    expect(times.length).toBe(41);
    const offsets = times.map((f) => f.timestamp - gnssEpoch(f.data));
    expect(Math.max(...offsets) - Math.min(...offsets)).toBeLessThan(1);
    expect(new Set(frames.filter((f) => f.channel === '1').map((f) => f.id))).toEqual(
      new Set([0x7e8, 0x17f00010]),
    );
  });
});

// Every kind of frame, and one with neither bus nor direction (MF4 marks them invalid).
const synthetic: Frame[] = [
  ...EVERY_KIND,
  makeFrame({ id: 0x55, data: [1], timestamp: EVERY_KIND[0].timestamp + 6 }),
];

function expectIdentical(actual: Frame[], expected: Frame[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((f, i) => {
    expect(asBinaryKeepsIt(f)).toEqual(asBinaryKeepsIt(expected[i]));
  });
}

describe('MF4 writer: what Atelier writes, Atelier reads back identically', () => {
  const variants = [
    ['sorted, DT blocks', {}],
    ['sorted, deflated DZ', { mf4Compression: 'deflate' }],
    ['sorted, transposed DZ', { mf4Compression: 'transposed' }],
    ['unsorted (record ids)', { mf4Layout: 'unsorted' }],
    ['unsorted, deflated DZ', { mf4Layout: 'unsorted', mf4Compression: 'deflate' }],
  ] as const;

  it.each(variants)('%s: frames of every kind', async (_name, options) => {
    const file = join(tmp(), 'synthetic.mf4');
    expect(await writeLog(file, synthetic, 'mf4', options)).toBe(synthetic.length);
    const buf = readFileSync(file);
    expect(buf.toString('latin1', 0, 8)).toBe('MDF     ');
    expectIdentical(await all(readLog(file)), synthetic);
  });

  it.each(variants)('%s: the Leaf recording', async (_name, options) => {
    const leaf = await all(readLog(LEAF_LOG));
    const file = join(tmp(), 'leaf.mf4');
    await writeLog(file, leaf, 'mf4', options);
    expectIdentical(await all(readLog(file)), leaf);
  });

  it('to a stream (no seeking): an unfinalised file as a logger writes it, read back identically', async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    await writeLog(out, synthetic, 'mf4');
    out.end();
    const bytes = Buffer.concat(chunks);
    expect(bytes.toString('latin1', 0, 8)).toBe('UnFinMF ');
    expectIdentical(await all(readLogText(bytes, 'stream.mf4')), synthetic);
  });

  it('many blocks under a DL list, and the same list under an HL block', async () => {
    const frames: Frame[] = [];
    for (let i = 0; i < 200_000; i++) {
      frames.push({
        id: i % 0x7ff,
        extended: false,
        data: Uint8Array.of(i & 255, i >> 8, i >> 16),
        timestamp: 1e9 + i / 1000,
        channel: '1',
        direction: 'rx',
      });
    }
    const file = join(tmp(), 'big.mf4');
    await writeLog(file, frames, 'mf4');
    const buf = readFileSync(file);
    const dg = link(buf, 64, 0);
    const data = link(buf, dg, 2);
    expect(blockId(buf, data)).toBe('##DL');
    expect(link(buf, data, 2)).toBeGreaterThan(0);
    expectIdentical(await all(readLog(file)), frames);
    // An HL block in front of the DL list, appended at the end and linked from the data group.
    const hl = Buffer.alloc(40);
    hl.write('##HL', 0, 'latin1');
    hl.writeBigUInt64LE(40n, 8);
    hl.writeBigUInt64LE(1n, 16);
    hl.writeBigUInt64LE(BigInt(data), 24);
    hl.writeUInt16LE(1, 32);
    const withHl = Buffer.concat([buf, hl]);
    setLink(withHl, dg, 2, buf.length);
    expectIdentical(await all(readLogText(withHl, 'hl.mf4')), frames);
    // 200,000 frames: the writer's DT blocks fill only past that (20 s on a machine at load 20)
  }, 120_000);

  it('unfinalised as loggers leave them: DT length never written, cycle counts zero, DL links not filled in', async () => {
    const frames = (await all(readLog(LEAF_LOG))).slice(0, 3000);
    const file = join(tmp(), 'fin.mf4');
    await writeLog(file, frames, 'mf4', { mf4Layout: 'unsorted' });
    const buf = readFileSync(file);
    const dg = link(buf, 64, 0);
    const dt = link(buf, dg, 2);
    expect(blockId(buf, dt)).toBe('##DT');
    // Unfinalise: id, flags (cycle counts, DT length), DT length back to its header, counts to 0.
    buf.write('UnFinMF ', 0, 'latin1');
    buf.writeUInt16LE(1 | 4, 60);
    buf.writeBigUInt64LE(24n, dt + 8);
    for (let cg = link(buf, dg, 1); cg !== 0; cg = link(buf, cg, 0))
      buf.writeBigUInt64LE(0n, cg + 24 + 48 + 8);
    expectIdentical(await all(readLogText(buf, 'unfinished.mf4')), frames);

    // A DL list whose last links were never written: the blocks that follow the last linked one.
    const many: Frame[] = [];
    for (let i = 0; i < 400_000; i++)
      many.push({ id: 0x100, extended: false, data: Uint8Array.of(i & 255), timestamp: 2e9 + i / 1e4 });
    const big = join(tmp(), 'dl.mf4');
    await writeLog(big, many, 'mf4', { mf4Layout: 'unsorted' });
    const b2 = readFileSync(big);
    const dl = link(b2, link(b2, 64, 0), 2);
    expect(blockId(b2, dl)).toBe('##DL');
    const links = Number(b2.readBigUInt64LE(dl + 16));
    const count = b2.readUInt32LE(dl + 24 + 8 * links + 4);
    expect(count).toBeGreaterThanOrEqual(2);
    expect(blockId(b2, link(b2, dl, count))).toBe('##DT');
    // The last data link (link 0 is the next DL) was never written.
    setLink(b2, dl, count, 0);
    b2.write('UnFinMF ', 0, 'latin1');
    b2.writeUInt16LE(16, 60);
    expectIdentical(await all(readLogText(b2, 'dl-unfinished.mf4')), many);
    // Without the flag, the missing link is missing data: fewer frames.
    b2.writeUInt16LE(0, 60);
    expect((await all(readLogText(b2, 'dl-missing.mf4'))).length).toBeLessThan(many.length);
  }, 120_000); // 400,000 frames to make a DL list (22 s at load 20)

  it('puts frames out of time order in order, within the reorder window; counts those beyond it', async () => {
    const frames: Frame[] = [];
    for (let i = 0; i < 5000; i++)
      frames.push({
        id: i % 100,
        extended: false,
        data: Uint8Array.of(i & 255),
        timestamp: 1e9 + i / 1000,
        channel: '1',
        direction: 'rx',
      });
    const shuffled = [...frames];
    // Neighbours swapped, and one frame written 1,000 records late.
    for (let i = 0; i + 1 < 4000; i += 7) [shuffled[i], shuffled[i + 1]] = [shuffled[i + 1], shuffled[i]];
    const [lateOne] = shuffled.splice(100, 1);
    shuffled.splice(1100, 0, lateOne);
    for (const layout of ['sorted', 'unsorted'] as const) {
      const file = join(tmp(), `${layout}.mf4`);
      await writeLog(file, shuffled, 'mf4', { mf4Layout: layout });
      const reader = readLog(file);
      expectIdentical(await all(reader), frames);
      expect(reader.late).toBe(0);
      const small = readLog(file, { reorderWindow: 10 });
      const got = await all(small);
      expect(got).toHaveLength(frames.length);
      expect(small.late).toBeGreaterThan(0);
    }
  });

  it('merges the groups of a sorted file by time (data, remote, FD and error frames interleaved)', async () => {
    const frames: Frame[] = [];
    for (let i = 0; i < 2000; i++)
      frames.push(
        synthetic[i % synthetic.length].fd
          ? { ...synthetic[i % synthetic.length], timestamp: 1e9 + i / 100 }
          : { ...synthetic[i % synthetic.length], timestamp: 1e9 + i / 100 },
      );
    const file = join(tmp(), 'merge.mf4');
    await writeLog(file, frames, 'mf4');
    expectIdentical(await all(readLog(file)), frames);
  });

  it('times relative to the start of measurement on request', async () => {
    const file = join(tmp(), 'rel.mf4');
    await writeLog(file, synthetic, 'mf4');
    const rel = await all(readLog(file, { relativeTime: true }));
    // The header's start is the first frame's second.
    expect(rel[0].timestamp).toBeCloseTo(0.9497, 9);
    expect(rel[1].timestamp).toBeCloseTo(0.949823, 9);
  });

  it('refuses a frame it cannot hold, naming it', async () => {
    const err = await writeLog(join(tmp(), 'x.mf4'), [{ ...synthetic[0], channel: '300' }], 'mf4').catch(
      (e) => e,
    );
    expect(err.message).toMatch(/mf4 writer, frame #0: channel 300 does not fit/);
    expect(() => openLogWriter(new PassThrough(), 'mf4', { mf4Compression: 'deflate' })).toThrow(/stream/);
  });
});

describe('MF4: bad files give a typed error with the file and the byte offset', () => {
  async function written(options = {}): Promise<Buffer> {
    const file = join(tmp(), 'w.mf4');
    await writeLog(file, (await all(readLog(LEAF_LOG))).slice(0, 2000), 'mf4', options);
    return readFileSync(file);
  }

  it('wrong magic, MDF 3, empty', async () => {
    const cases: [Buffer, RegExp][] = [
      [
        Buffer.from('hello, this is not an MDF file at all; it is text that goes on and on and on'),
        /not an MF4 file/,
      ],
      [
        Buffer.concat([
          Buffer.from('MDF     3.30    '),
          Buffer.alloc(12),
          Buffer.from([0x4a, 0x01]),
          Buffer.alloc(34),
        ]),
        /MDF version 330/,
      ],
    ];
    // An empty file is refused when its format is looked for.
    expect(() => readLogText(Buffer.alloc(0), 'empty.mf4')).toThrow(/empty\.mf4:.*empty file/);
    const emptyFile = join(tmp(), 'empty.mf4');
    writeFileSync(emptyFile, '');
    const empty = await readUntilError(readLog(emptyFile));
    expect(empty.error).toBeInstanceOf(LogParseError);
    expect((empty.error as Error).message).toMatch(/empty file/);
    for (const [bytes, reason] of cases) {
      const { error } = await readUntilError(readLogText(bytes, 'bad.mf4'));
      expect(error).toBeInstanceOf(BinaryLogError);
      expect(error).toBeInstanceOf(LogParseError);
      expect((error as BinaryLogError).message).toMatch(reason);
      expect((error as BinaryLogError).file).toBe('bad.mf4');
    }
  });

  it('a file cut in its data keeps the frames before the cut; a file cut in its metadata says which link', async () => {
    const buf = await written({ mf4Layout: 'unsorted' });
    const dg = link(buf, 64, 0);
    const dt = link(buf, dg, 2);
    // Unsorted classic frames: 26-byte records (id, 16 header bytes, 8 data bytes, invalidation byte).
    const cut = buf.subarray(0, dt + 24 + 26 * 1000 + 7);
    const { frames, error } = await readUntilError(readLogText(cut, 'cut.mf4'));
    // Strict: the truncation is found at the block's header, before any of its records.
    expect(frames).toEqual([]);
    expect(error).toBeInstanceOf(BinaryLogError);
    expect((error as BinaryLogError).message).toMatch(/truncated file: ##DT block/);
    expect((error as BinaryLogError).offset).toBe(dt);
    // Lenient: the data block is read as far as it goes.
    const lenient = readLogText(cut, 'cut.mf4', { lenient: true });
    const kept = await all(lenient);
    expect(kept.length).toBe(1000);
    expect(lenient.skipped.map((e) => e.message)).toEqual([
      expect.stringMatching(/cut\.mf4: byte \d+ .*truncated file: ##DT block/),
      expect.stringMatching(/cut\.mf4: byte \d+ .*7 bytes .* do not make a whole record/),
    ]);

    const short = await readUntilError(readLogText(buf.subarray(0, 700), 'meta.mf4'));
    expect(short.error).toBeInstanceOf(BinaryLogError);
    expect((short.error as Error).message).toMatch(/meta\.mf4: byte \d+ .*(outside the file|truncated)/);
  });

  it('a link outside the file, a corrupt DZ block, a DZ length beyond reason, an unknown record id', async () => {
    const buf = await written();
    const outside = Buffer.from(buf);
    setLink(outside, 64, 0, 2 ** 40);
    const a = await readUntilError(readLogText(outside, 'link.mf4'));
    expect((a.error as BinaryLogError).offset).toBe(64);
    expect((a.error as Error).message).toMatch(/points to byte 1099511627776, outside the file/);

    const dz = await written({ mf4Compression: 'deflate' });
    const dzAt = link(dz, link(dz, 64, 0), 2);
    expect(blockId(dz, dzAt)).toBe('##DZ');
    const corrupt = Buffer.from(dz);
    corrupt.fill(0x55, dzAt + 60, dzAt + 200);
    const b = await readUntilError(readLogText(corrupt, 'dz.mf4'));
    expect((b.error as BinaryLogError).offset).toBe(dzAt);
    expect((b.error as Error).message).toMatch(/corrupt DZ block \(zlib/);
    // zlib's English words stay in the message; French says what they mean (zlib-texts.ts).
    const at = `${dzAt} (0x${dzAt.toString(16)})`;
    expect((b.error as Error).message).toBe(
      `dz.mf4: byte ${at}: corrupt DZ block (zlib: invalid literal/lengths set)`,
    );
    expect((b.error as BinaryLogError).messageIn('fr')).toBe(
      `dz.mf4, octet ${at} : bloc DZ corrompu (zlib : table des littéraux et longueurs invalide)`,
    );

    const huge = Buffer.from(dz);
    huge.writeBigUInt64LE(2n ** 40n, dzAt + 32);
    const before = process.memoryUsage.rss();
    const c = await readUntilError(readLogText(huge, 'huge.mf4'));
    expect((c.error as Error).message).toMatch(/DZ block claims 1099511627776 bytes/);
    expect(process.memoryUsage.rss() - before).toBeLessThan(64 * 2 ** 20);

    const unsorted = await written({ mf4Layout: 'unsorted' });
    const dt = link(unsorted, link(unsorted, 64, 0), 2);
    unsorted[dt + 24 + 26 * 10] = 0x77;
    const d = await readUntilError(readLogText(unsorted, 'id.mf4'));
    // The frames before the bad record are handed out first.
    expect(d.frames).toHaveLength(10);
    expect((d.error as BinaryLogError).offset).toBe(dt + 24 + 26 * 10);
    expect((d.error as Error).message).toMatch(/unknown record id 119/);
  });

  it('a block length that points past the end of the file', async () => {
    const buf = await written();
    const dt = link(buf, link(buf, 64, 0), 2);
    const bad = Buffer.from(buf);
    bad.writeBigUInt64LE(BigInt(blockLength(buf, dt)) + 10n ** 12n, dt + 8);
    const { error } = await readUntilError(readLogText(bad, 'len.mf4'));
    expect((error as BinaryLogError).offset).toBe(dt);
    expect((error as Error).message).toMatch(/goes past the end/);
  });

  it('an MF4 without CAN bus logging says so', async () => {
    const buf = await written();
    // Rename the composed channels: no CAN_DataFrame group any more.
    const text = buf.toString('latin1').replaceAll('CAN_', 'XYZ_');
    const { error } = await readUntilError(readLogText(Buffer.from(text, 'latin1'), 'signals.mf4'));
    expect((error as Error).message).toMatch(/no CAN bus-logging channel group/);
  });

  it('a file written as garbage after a valid start is not a crash', async () => {
    const buf = await written();
    const noise = Buffer.from(buf);
    for (let i = 200; i < noise.length; i += 13) noise[i] ^= 0xa5;
    const { error } = await readUntilError(readLogText(noise, 'noise.mf4'));
    expect(error).toBeInstanceOf(LogParseError);
  });
});
