import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { frameBatches } from '../batch.js';
import type { Frame } from '../frame.js';
import { BinaryLogError } from '../log.js';
import { blfOf } from './formats.test-support.js';
import { readLogText } from './index.js';

/**
 * Classic CAN messages in BLF are read two ways: one object at a time (frame by frame, and in
 * columns for anything unusual) and by a loop that decodes runs of CAN_MESSAGE / CAN_MESSAGE2
 * straight into a batch's columns, without branching on the fields that change frame to frame.
 * Random objects, built here byte by byte from the format's published layout, must read the same
 * both ways and as the layout says: whatever the id's width, the direction nibble, the RTR bit,
 * the DLC (0–15 and beyond), the time unit, an object not on a 4-byte boundary (the loop's byte
 * form), or an 11-bit id out of range (the object is refused where it stands).
 */

interface Msg {
  type: 1 | 86; // CAN_MESSAGE, CAN_MESSAGE2
  channel: number;
  flags: number; // bits 0–3 direction (0 = received), bit 7 RTR
  dlc: number;
  idWord: number; // bit 31: 29-bit id
  data: number[];
  units: number; // time since the start, in the object's unit
  tenMicros: boolean; // header flag 1: 10 µs units, else ns
  pad: number; // bytes after the fields (moves every later object off a 4-byte boundary)
}

/** One object: a v1 object header (32 bytes), then channel, flags, DLC, id and 8 data bytes. */
function object(m: Msg): Buffer {
  const body = m.type === 86 ? 24 : 16;
  const o = Buffer.alloc(32 + body + m.pad);
  o.write('LOBJ', 0, 'latin1');
  o.writeUInt16LE(32, 4);
  o.writeUInt16LE(1, 6);
  o.writeUInt32LE(o.length, 8);
  o.writeUInt32LE(m.type, 12);
  o.writeUInt32LE(m.tenMicros ? 1 : 2, 16);
  o.writeBigUInt64LE(BigInt(m.units), 24);
  o.writeUInt16LE(m.channel, 32);
  o[34] = m.flags;
  o[35] = m.dlc;
  o.writeUInt32LE(m.idWord >>> 0, 36);
  Buffer.from(m.data).copy(o, 40);
  return o;
}

/** What the layout says a message is (times relative to the file's start). */
function expected(m: Msg) {
  const remote = (m.flags & 0x80) !== 0;
  const classicDlc = remote ? m.dlc > 0 : m.dlc > 8;
  return {
    id: m.idWord & 0x1fffffff,
    extended: m.idWord >>> 31 === 1,
    remote,
    dlc: classicDlc ? m.dlc & 0x0f : undefined,
    direction: (m.flags & 0x0f) !== 0 ? 'tx' : 'rx',
    channel: String(m.channel),
    data: remote ? '' : Buffer.from(m.data.slice(0, Math.min(m.dlc, 8))).toString('hex'),
    us: m.tenMicros ? m.units * 10 : Math.round(m.units / 1000),
  };
}

function seen(f: Frame) {
  return {
    id: f.id,
    extended: f.extended,
    remote: f.remote === true,
    dlc: f.dlc,
    direction: f.direction,
    channel: f.channel,
    data: Buffer.from(f.data).toString('hex'),
    us: Math.round(f.timestamp * 1e6),
  };
}

const msg: fc.Arbitrary<Msg> = fc.record({
  type: fc.constantFrom(1 as const, 86 as const),
  channel: fc.constantFrom(1, 1, 1, 2, 300),
  flags: fc.oneof(fc.constantFrom(0, 1, 2, 0x80, 0x81), fc.integer({ min: 0, max: 255 })),
  dlc: fc.oneof(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 9, max: 255 })),
  idWord: fc.oneof(
    fc.integer({ min: 0, max: 0x7ff }),
    fc.integer({ min: 0, max: 0x1fffffff }).map((id) => (id | 0x80000000) >>> 0),
  ),
  data: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 8, maxLength: 8 }),
  units: fc.integer({ min: 0, max: 2 ** 40 }),
  tenMicros: fc.boolean(),
  pad: fc.constantFrom(0, 0, 0, 0, 0, 1, 2, 3, 4),
});

const BASE: Msg = {
  type: 86,
  channel: 1,
  flags: 0,
  dlc: 2,
  idWord: 0x123,
  data: [1, 2, 3, 4, 5, 6, 7, 8],
  units: 5,
  tenMicros: false,
  pad: 0,
};

async function columns(bytes: Buffer, capacity: number, lenient = false): Promise<Frame[]> {
  const out: Frame[] = [];
  for await (const b of frameBatches(readLogText(bytes, 'm.blf', { relativeTime: true, lenient }), capacity))
    for (let k = 0; k < b.length; k++) out.push(b.frame(k));
  return out;
}

async function oneByOne(bytes: Buffer, lenient = false): Promise<Frame[]> {
  const out: Frame[] = [];
  for await (const f of readLogText(bytes, 'm.blf', { relativeTime: true, lenient })) out.push(f);
  return out;
}

describe('BLF classic messages: the column loop reads what the layout says, as the object-by-object path does', () => {
  it('random runs of CAN_MESSAGE / CAN_MESSAGE2', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(msg, { minLength: 1, maxLength: 60 }),
        fc.constantFrom(1, 5, 4096),
        async (ms, cap) => {
          const bytes = blfOf(ms.map(object));
          const want = ms.map(expected);
          expect((await oneByOne(bytes)).map(seen)).toEqual(want);
          expect((await columns(bytes, cap)).map(seen)).toEqual(want);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('an 11-bit id out of range is refused at its object, in columns too; lenient skips just it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(msg, { minLength: 0, maxLength: 20 }),
        fc.integer({ min: 0x800, max: 0x7fffffff }),
        fc.array(msg, { minLength: 0, maxLength: 20 }),
        async (before, badId, after) => {
          const whole: Msg = { ...(before[0] ?? after[0] ?? BASE), idWord: badId };
          const objects = [...before, whole, ...after].map(object);
          const bytes = blfOf(objects);
          const at = objects.slice(0, before.length).reduce((n, o) => n + o.length, 0);
          for (const read of [() => oneByOne(bytes), () => columns(bytes, 7)]) {
            const err = await read().catch((e) => e);
            expect(err).toBeInstanceOf(BinaryLogError);
            expect(String(err.message)).toMatch(/out of range for an 11-bit identifier/);
            expect(String(err.message)).toContain(`object at byte ${at} of`);
          }
          const want = [...before, ...after].map(expected);
          expect((await oneByOne(bytes, true)).map(seen)).toEqual(want);
          expect((await columns(bytes, 7, true)).map(seen)).toEqual(want);
        },
      ),
      { numRuns: 150 },
    );
  });
});
