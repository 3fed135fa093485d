import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Frame, makeFrame, toHex } from '../../frame.js';
import { fileRandomSource } from '../binary-source.js';
import { EVERY_KIND, FIXTURES, LEAF_MF4, readUntilError } from '../formats.test-support.js';
import { newFrameRow } from '../frame-row.js';
import { readLog, writeLog } from '../index.js';
import { BlockReader, CG_VLSD } from './blocks.js';
import {
  decodeFields,
  type GroupLayout,
  groupLayout,
  K_INT64,
  K_SMALL,
  K_VIRTUAL,
  type NumericField,
  RecordError,
} from './bus.js';
import { fastDecoder, fastTime } from './fast.js';

/**
 * The decoders specialised per channel-group layout (fast.ts) against the general field reader
 * (bus.ts): the same frames from the same files, read both ways (`fastPath: false` turns the
 * specialised decoders off), and, record by record, the same row for any bytes and any layout of
 * the common kind.
 */

const NEWER = join(FIXTURES, 'canedge_2F6913DB_00001089_00000001-63BEF5CD.MF4');
const FINALISED = join(FIXTURES, 'canedge_3BA199E2_00000164_00000005-60FEB5A8.MF4');
const tmp = () => mkdtempSync(join(tmpdir(), 'atelier-mf4-fast-'));

/** The layouts of the CAN channel groups of a file, as the reader builds them. */
async function layoutsOf(file: string): Promise<GroupLayout[]> {
  const source = fileRandomSource(file);
  try {
    const blocks = new BlockReader(source, await source.size());
    await blocks.identification();
    const out: GroupLayout[] = [];
    let dg = (await blocks.header64()).firstDataGroup;
    while (dg !== 0) {
      const g = await blocks.dataGroup(dg, 64);
      let cg = g.firstChannelGroup;
      while (cg !== 0) {
        const c = await blocks.channelGroup(cg, dg);
        if (!(c.flags & CG_VLSD)) {
          const l = await groupLayout(blocks, c);
          if (l) out.push(l);
        }
        cg = c.next;
      }
      dg = g.next;
    }
    return out;
  } finally {
    await source.close();
  }
}

/** Frames and the problems reported, read one way; frames as comparable values. */
async function readBoth(file: string, options: { lenient?: boolean; reorderWindow?: number } = {}) {
  const read = async (fastPath: boolean) => {
    const reader = readLog(file, { ...options, fastPath });
    const { frames, error } = await readUntilError(reader);
    const inColumns = readLog(file, { ...options, fastPath });
    const batches: Frame[] = [];
    let columnsError: unknown;
    try {
      for await (const b of inColumns.batches!(777)) batches.push(...b.frames());
    } catch (err) {
      columnsError = err;
    }
    return {
      frames: frames.map((f) => ({ ...f, data: toHex(f.data) })),
      columns: batches.map((f) => ({ ...f, data: toHex(f.data) })),
      error: error === undefined ? undefined : String(error),
      columnsError: columnsError === undefined ? undefined : String(columnsError),
      skipped: reader.skipped.map(String),
      late: reader.late,
    };
  };
  return { fast: await read(true), general: await read(false) };
}

async function writeFile(frames: Frame[], options: object): Promise<string> {
  const file = join(tmp(), 'frames.mf4');
  await writeLog(file, frames, 'mf4', options);
  return file;
}

/** Classic frames of every id kind, direction and length, on two buses, some out of time order. */
function mixedFrames(n: number, shuffled: boolean): Frame[] {
  const out: Frame[] = [];
  for (let i = 0; i < n; i++) {
    const late = shuffled && i % 97 === 50 ? -0.05 : 0;
    out.push(
      makeFrame({
        id: i % 3 === 0 ? 0x18daf100 + (i % 255) : (i * 37) % 0x800,
        extended: i % 3 === 0,
        data: Uint8Array.from({ length: i % 9 }, (_, k) => (i * 7 + k) & 255),
        timestamp: 1_700_000_000 + i / 1000 + late,
        channel: i % 5 === 0 ? 'can1' : 'can0',
        ...(i % 4 === 0 ? {} : { direction: i % 2 ? ('rx' as const) : ('tx' as const) }),
      }),
    );
  }
  return out;
}

describe('MF4 specialised decoders', () => {
  it('are built for the common layouts: Atelier’s groups and the real CANedge files (older and newer firmware, finalised)', async () => {
    const file = await writeFile(EVERY_KIND, {});
    const atelier = await layoutsOf(file);
    // Data, CAN FD data, remote: specialised; error frames go through the general reader.
    expect(atelier.map((l) => [l.kind, fastDecoder(l) !== undefined, fastTime(l) !== undefined])).toEqual([
      ['data', true, true],
      ['data', true, true],
      ['remote', true, true],
      ['error', false, true],
    ]);
    for (const real of [LEAF_MF4, NEWER, FINALISED]) {
      const layouts = await layoutsOf(real);
      const frames = layouts.filter((l) => l.kind !== 'error');
      expect(frames.length, real).toBeGreaterThan(0);
      for (const l of frames) {
        // Older firmware: a 64-bit float time; newer: 48-bit µs.
        expect(fastTime(l), real).toBeTypeOf('function');
        // Data bytes stored apart (VLSD, older firmware and the newer one's CAN FD groups) stay general.
        if (l.dataBytes?.kind !== 'vlsd') expect(fastDecoder(l), real).toBeTypeOf('function');
      }
    }
    // The newer firmware's classic groups (virtual bus, direction and id type; DLC through a table).
    const newer = (await layoutsOf(NEWER)).filter((l) => l.dataBytes?.kind === 'fixed');
    expect(newer.length).toBeGreaterThanOrEqual(4);
  });

  it('read the real CANedge files as the general reader does (frame by frame and in columns)', async () => {
    for (const file of [LEAF_MF4, NEWER, FINALISED]) {
      const { fast, general } = await readBoth(file);
      expect(fast.frames.length, file).toBeGreaterThan(0);
      expect(fast, file).toEqual(general);
      expect(fast.columns, file).toEqual(fast.frames);
    }
  });

  it('read every layout Atelier writes as the general reader does: sorted DT, deflated and transposed DZ, unsorted, a stream (unfinalised), frames out of order', async () => {
    const frames = [...EVERY_KIND, ...mixedFrames(3000, true)].map((f, i) => ({
      ...f,
      timestamp: f.timestamp < 1e9 ? 1_700_000_000 + i / 1000 : f.timestamp,
    }));
    const files = [
      await writeFile(frames, {}),
      await writeFile(frames, { mf4Compression: 'deflate' }),
      await writeFile(frames, { mf4Compression: 'transposed' }),
      await writeFile(frames, { mf4Layout: 'unsorted' }),
      await writeFile(frames, { mf4Layout: 'unsorted', mf4Compression: 'deflate' }),
    ];
    // A stream cannot be patched: written unfinalised, one unsorted group, as a logger writes.
    const streamed = join(tmp(), 'stream.mf4');
    const { PassThrough } = await import('node:stream');
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    await writeLog(out, frames, 'mf4');
    writeFileSync(streamed, Buffer.concat(chunks));
    files.push(streamed);
    for (const file of files) {
      const { fast, general } = await readBoth(file);
      expect(fast.frames, file).toHaveLength(frames.length);
      expect(fast, file).toEqual(general);
      expect(fast.columns, file).toEqual(fast.frames);
      // Out of order in the file, in order when read.
      for (let i = 1; i < fast.frames.length; i++)
        expect(fast.frames[i].timestamp).toBeGreaterThanOrEqual(fast.frames[i - 1].timestamp);
      // A window too small for the late frames: the same frames passed where they are, counted late.
      const small = await readBoth(file, { reorderWindow: 8 });
      expect(small.fast.late, file).toBeGreaterThan(0);
      expect(small.fast).toEqual(small.general);
    }
  });

  it('give way to the general reader on bad records: damaged files read to the same frames and the same errors', async () => {
    const file = await writeFile(mixedFrames(400, false), {});
    const bytes = readFileSync(file);
    // The records: find the data block's records by the first frame's id bytes is fragile, so
    // damage bytes all over the data area instead (the metadata stays readable).
    const dataStart = bytes.indexOf('##DT');
    expect(dataStart).toBeGreaterThan(0);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ at: fc.nat(400 * 26), byte: fc.integer({ min: 0, max: 255 }) }), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.boolean(),
        async (edits, lenient) => {
          const damaged = Buffer.from(bytes);
          for (const e of edits) {
            const at = dataStart + 24 + e.at;
            if (at < damaged.length) damaged[at] = e.byte;
          }
          const path = join(tmp(), 'damaged.mf4');
          writeFileSync(path, damaged);
          const { fast, general } = await readBoth(path, { lenient });
          expect(fast).toEqual(general);
        },
      ),
      { numRuns: 40 },
    );
  });
});

/** A NumericField of the common kind at a bit position. */
function smallField(byte: number, bit: number, bits: number, inval = -1): NumericField {
  const span = Math.ceil((bit + bits) / 8);
  return {
    kind: K_SMALL,
    signed: false,
    little: true,
    span,
    mask: bits >= 32 ? 0xffffffff : 2 ** bits - 1,
    byte,
    bit,
    bits,
    invalByte: inval < 0 ? -1 : 40 + (inval >> 3),
    invalMask: inval < 0 ? 0 : 1 << (inval & 7),
    allInvalid: false,
    conversion: undefined,
  };
}

describe('MF4 specialised decoder, record by record', () => {
  const optional = (f: fc.Arbitrary<NumericField>) => fc.option(f, { nil: undefined });
  /** A field of `bits` bits somewhere in bytes 8–31 of a 42-byte record, maybe with an invalidation bit. */
  const bitField = (bits: number) =>
    fc
      .record({
        byte: fc.integer({ min: 8, max: 28 }),
        bit: fc.integer({ min: 0, max: 7 }),
        inval: fc.option(fc.integer({ min: 0, max: 15 }), { nil: undefined }),
      })
      .filter(({ bit }) => bit + bits <= 32)
      .map(({ byte, bit, inval }) => smallField(byte, bit, bits, inval ?? -1));
  /** Also as CANedge's newer firmware writes them: a virtual constant, a value-to-value table. */
  const field = (bits: number) =>
    fc.oneof(
      { weight: 4, arbitrary: bitField(bits) },
      fc.integer({ min: 0, max: 3 }).map(
        (c): NumericField => ({
          ...smallField(0, 0, 0),
          kind: K_VIRTUAL,
          conversion: { type: 1, values: [c, 0] },
        }),
      ),
      bitField(bits)
        .filter((f) => bits <= 8 && f.invalByte < 0)
        .map(
          (f): NumericField => ({
            ...f,
            conversion: { type: 5, values: [0, 0, 1, 1, 8, 8, 9, 12, 10, 16, 13, 32, 15, 64] },
          }),
        ),
    );
  const layout: fc.Arbitrary<GroupLayout> = fc
    .record({
      kind: fc.constantFrom('data' as const, 'remote' as const),
      idBits: fc.constantFrom(11, 29, 32),
      id: fc.constant(0),
      ide: optional(field(1)),
      dlc: optional(field(4)),
      dataLength: optional(field(7)),
      dir: optional(field(1)),
      busChannel: optional(field(8)),
      edl: optional(field(1)),
      brs: optional(field(1)),
      esi: optional(field(1)),
      idAt: fc.integer({ min: 8, max: 28 }),
      dataBytes: fc.option(
        fc.record({
          byte: fc.constant(32),
          length: fc.constantFrom(0, 8, 64),
          inval: fc.option(fc.integer({ min: 0, max: 15 }), { nil: undefined }),
        }),
        { nil: undefined },
      ),
    })
    .map((r) => {
      const { idBits, idAt, dataBytes, id: _, ...fields } = r;
      const l: GroupLayout = {
        ...fields,
        size: 42,
        time: { field: { ...smallField(0, 0, 32), kind: K_INT64, span: 8, bits: 64 }, mul: 1, div: 1 },
        id: smallField(idAt, 0, idBits),
      };
      if (dataBytes && dataBytes.length > 0) {
        const inval = dataBytes.inval ?? -1;
        l.dataBytes = {
          kind: 'fixed',
          byte: 8,
          length: Math.min(dataBytes.length, 8),
          invalByte: inval < 0 ? -1 : 40 + (inval >> 3),
          invalMask: inval < 0 ? 0 : 1 << (inval & 7),
        };
      }
      return l;
    });

  it('gives the general decoder’s row whenever it takes a record, and leaves it the rest', () => {
    let taken = 0;
    let left = 0;
    fc.assert(
      fc.property(layout, fc.uint8Array({ minLength: 42, maxLength: 42 }), (l, record) => {
        const decode = fastDecoder(l)!;
        expect(decode).toBeTypeOf('function');
        const buf = Buffer.from(record);
        const fast = newFrameRow();
        const general = newFrameRow();
        const channels: string[] = [];
        let expected: unknown;
        try {
          decodeFields(l, buf, 0, 0, [], undefined, general);
          expected = { ...general, src: general.length ? 'buf' : 'none' };
        } catch (err) {
          if (!(err instanceof RecordError)) throw err;
          expected = 'error';
        }
        if (decode(buf, 0, channels, fast)) {
          taken++;
          expect({ ...fast, src: fast.length ? 'buf' : 'none' }).toEqual(expected);
        } else {
          left++;
        }
      }),
      { numRuns: 3000 },
    );
    // Random bytes make many records bad (ids out of range, lengths over the data): both kinds seen.
    expect(taken).toBeGreaterThan(300);
    expect(left).toBeGreaterThan(30);
  });

  it('reads the time as the general reader does (64-bit, through a power of ten)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.constantFrom([1, 1], [1000, 1], [1, 1000], [1e6, 1]),
        fc.boolean(),
        ([...bytes], [mul, div], signed) => {
          const buf = Buffer.from(bytes);
          // Keep raw values below 2^53 as loggers do (µs since the start fit in far fewer bits).
          buf[7] &= 0x0f;
          const l = {
            time: { field: { ...smallField(0, 0, 32), kind: K_INT64, span: 8, bits: 64, signed }, mul, div },
          } as GroupLayout;
          const times = new Float64Array(2);
          fastTime(l)!(buf, 0, times, 1);
          const raw = Number(signed ? buf.readBigInt64LE(0) : buf.readBigUInt64LE(0));
          expect(times[1]).toBe(div === 1 ? Math.round(raw * mul) : Math.round(raw / div));
        },
      ),
    );
  });

  it('is not built for layouts outside the common kind (conversions, signed or wide fields, VLSD bytes, error frames)', () => {
    const base: GroupLayout = {
      kind: 'data',
      size: 24,
      time: { field: { ...smallField(0, 0, 32), kind: K_INT64, span: 8, bits: 64 }, mul: 1, div: 1 },
      id: smallField(8, 0, 29),
      dataBytes: { kind: 'fixed', byte: 16, length: 8, invalByte: -1, invalMask: 0 },
    };
    expect(fastDecoder(base)).toBeTypeOf('function');
    expect(fastDecoder({ ...base, kind: 'error' })).toBeUndefined();
    expect(fastDecoder({ ...base, id: { ...smallField(8, 0, 29), signed: true } })).toBeUndefined();
    // A small field through a conversion to whole numbers: a table; to fractions: the general path.
    expect(
      fastDecoder({ ...base, dlc: { ...smallField(12, 0, 4), conversion: { type: 1, values: [0, 2] } } }),
    ).toBeTypeOf('function');
    expect(
      fastDecoder({ ...base, dlc: { ...smallField(12, 0, 4), conversion: { type: 1, values: [0, 0.5] } } }),
    ).toBeUndefined();
    expect(
      fastDecoder({ ...base, id: { ...smallField(8, 0, 29), conversion: { type: 1, values: [0, 1] } } }),
    ).toBeUndefined();
    expect(fastDecoder({ ...base, id: { ...smallField(8, 0, 29), kind: K_INT64 } })).toBeUndefined();
    expect(
      fastDecoder({ ...base, dataBytes: { kind: 'vlsd', offset: smallField(16, 0, 32), target: 1 } }),
    ).toBeUndefined();
    expect(fastTime({ ...base, time: { ...base.time, mul: 0 } })).toBeUndefined();
  });
});
