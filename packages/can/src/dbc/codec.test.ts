import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../frame.js';
import { CompiledMessage, DbcDecoder, DbcEncodeError } from './codec.js';
import { signalBitPositions } from './layout.js';
import type { ByteOrder, DbcMessage, DbcSignal, SignalValueType } from './model.js';
import { parseDbc } from './parser.js';

function signal(
  init: Partial<DbcSignal> & { startBit: number; length: number; byteOrder: ByteOrder },
  name = 'S',
): DbcSignal {
  return {
    name,
    signed: false,
    valueType: 'integer',
    factor: 1,
    offset: 0,
    minimum: 0,
    maximum: 0,
    unit: '',
    receivers: [],
    isMultiplexer: false,
    attributes: {},
    line: 1,
    ...init,
  };
}

function message(signals: DbcSignal[], length = 8): CompiledMessage {
  const m: DbcMessage = {
    id: 0x123,
    extended: false,
    fd: false,
    name: 'M',
    length,
    sender: '',
    transmitters: [],
    signals,
    attributes: {},
    line: 1,
  };
  return new CompiledMessage(m);
}

const raw = (data: string, s: Parameters<typeof signal>[0]) =>
  message([signal(s)]).decodeRaw(fromHex(data)!).S;
const phys = (data: string, s: Parameters<typeof signal>[0]) =>
  message([signal(s)]).decode(fromHex(data)!).signals.S;

const DATA = '123456789abcdef0';

describe('bit layouts, hand-computed', () => {
  it('Intel (little-endian, start bit = LSB)', () => {
    const intel = (startBit: number, length: number) =>
      raw(DATA, { startBit, length, byteOrder: 'little-endian' });
    expect(intel(0, 8)).toBe(0x12);
    expect(intel(3, 5)).toBe(2); // 0x12 = 0001 0010, bits 3..7 = 00010
    expect(intel(7, 1)).toBe(0);
    expect(intel(1, 1)).toBe(1);
    expect(intel(9, 12)).toBe(2842); // 0x34 >> 1 = 0x1A, plus (0x56 & 0x1F) << 7 = 0xB00
    expect(intel(60, 4)).toBe(0xf);
    expect(intel(0, 64)).toBe(0xf0debc9a78563412n);
    expect(intel(4, 53)).toBe(0x0debc9a7856341n); // bits 4..56
  });

  it('Motorola (big-endian, start bit = MSB in sawtooth numbering)', () => {
    const moto = (startBit: number, length: number) =>
      raw(DATA, { startBit, length, byteOrder: 'big-endian' });
    expect(moto(7, 8)).toBe(0x12);
    expect(moto(3, 8)).toBe(0x23); // low nibble of 0x12, high nibble of 0x34
    expect(moto(12, 10)).toBe(650); // 0x34 bits 4..0 = 10100, 0x56 bits 7..3 = 01010
    expect(moto(0, 1)).toBe(0);
    expect(moto(1, 1)).toBe(1);
    expect(moto(63, 1)).toBe(1);
    expect(moto(7, 64)).toBe(0x123456789abcdef0n);
    expect(moto(5, 3)).toBe(0b010); // 0x12 bits 5..3
  });

  it('signed values, both orders', () => {
    expect(raw(DATA, { startBit: 32, length: 8, byteOrder: 'little-endian', signed: true })).toBe(-102); // 0x9A
    expect(raw(DATA, { startBit: 39, length: 8, byteOrder: 'big-endian', signed: true })).toBe(-102);
    expect(raw(DATA, { startBit: 36, length: 12, byteOrder: 'little-endian', signed: true })).toBe(
      0xbc9 - 4096,
    ); // -1079
    expect(raw(DATA, { startBit: 39, length: 12, byteOrder: 'big-endian', signed: true })).toBe(0x9ab - 4096); // -1621
    expect(raw(DATA, { startBit: 7, length: 8, byteOrder: 'big-endian', signed: true })).toBe(0x12);
    expect(
      raw('ffffffffffffffff', { startBit: 0, length: 64, byteOrder: 'little-endian', signed: true }),
    ).toBe(-1n);
    expect(raw('8000000000000000', { startBit: 7, length: 64, byteOrder: 'big-endian', signed: true })).toBe(
      -(2n ** 63n),
    );
    expect(raw('01', { startBit: 0, length: 1, byteOrder: 'little-endian', signed: true })).toBe(-1);
  });

  it('IEEE float and double (SIG_VALTYPE_ 1 and 2), at odd start bits too', () => {
    const f = (data: string, startBit: number, byteOrder: ByteOrder, valueType: SignalValueType) =>
      raw(data, { startBit, length: valueType === 'float32' ? 32 : 64, byteOrder, valueType });
    expect(f('0000c03f', 0, 'little-endian', 'float32')).toBe(1.5);
    expect(f('3fc00000', 7, 'big-endian', 'float32')).toBe(1.5);
    expect(f('000010c0', 0, 'little-endian', 'float32')).toBe(-2.25); // 0xC0100000 little-endian
    expect(f('000000fe01', 3, 'little-endian', 'float32')).toBe(1.5); // 0x3FC00000 << 3
    expect(f('00000000000002c0', 0, 'little-endian', 'float64')).toBe(-2.25);
    expect(f('c002000000000000', 7, 'big-endian', 'float64')).toBe(-2.25);
    // Motorola double starting at bit 3: 0xC002… shifted right by 4 bits across 9 bytes.
    expect(f('0c00200000000000' + '00', 3, 'big-endian', 'float64')).toBe(-2.25);
  });

  it('factor and offset in any notation; min/max are not clamped', () => {
    expect(phys(DATA, { startBit: 0, length: 8, byteOrder: 'little-endian', factor: 0.5, offset: -40 })).toBe(
      -31,
    );
    expect(phys(DATA, { startBit: 0, length: 8, byteOrder: 'little-endian', factor: 5e-6 })).toBe(0.00009);
    expect(
      phys(DATA, { startBit: 0, length: 8, byteOrder: 'little-endian', factor: 0.1, minimum: 0, maximum: 1 }),
    ).toBe(1.8);
    expect(phys('0d9d7e', { startBit: 7, length: 24, byteOrder: 'big-endian', factor: 0.0001 })).toBe(
      89.2286,
    );
  });

  it('every Intel and Motorola layout in 8 bytes matches a shift-and-mask of the 64-bit integer', () => {
    const bytes = fromHex('a55a3cc30ff01e87')!;
    const le = bytes.reduceRight((acc, b) => (acc << 8n) | BigInt(b), 0n);
    const be = bytes.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
    let checked = 0;
    for (let startBit = 0; startBit < 64; startBit++) {
      for (let length = 1; length <= 64; length++) {
        const mask = (1n << BigInt(length)) - 1n;
        if (startBit + length <= 64) {
          const got = message([signal({ startBit, length, byteOrder: 'little-endian' })]).decodeRaw(bytes).S;
          const want = (le >> BigInt(startBit)) & mask;
          if (BigInt(got) !== want) throw new Error(`Intel ${startBit}|${length}: ${got} != ${want}`);
          checked++;
        }
        // Motorola: the MSB sits at big-endian bit index (byte*8 + 7 - bit) from the left.
        const msb = (startBit >> 3) * 8 + (7 - (startBit & 7));
        if (msb + length <= 64) {
          const got = message([signal({ startBit, length, byteOrder: 'big-endian' })]).decodeRaw(bytes).S;
          const want = (be >> BigInt(64 - msb - length)) & mask;
          if (BigInt(got) !== want) throw new Error(`Motorola ${startBit}|${length}: ${got} != ${want}`);
          checked++;
        }
      }
    }
    expect(checked).toBe(2 * 2080);
  });
});

describe('multiplexing', () => {
  const dbc = parseDbc(`
BO_ 100 Mux: 8 ECU
 SG_ Sel M : 0|8@1+ (1,0) [0|0] "" X
 SG_ A m1 : 8|16@1+ (1,0) [0|0] "" X
 SG_ B m2 : 8|8@1- (1,0) [0|0] "" X
 SG_ Always : 56|8@1+ (1,0) [0|0] "" X
BO_ 200 Ext: 8 ECU
 SG_ Service M : 0|8@1+ (1,0) [0|0] "" X
 SG_ Sub m97M : 8|8@1+ (1,0) [0|0] "" X
 SG_ Deep m1 : 16|8@1+ (1,0) [0|0] "" X
 SG_ Ranged m0 : 24|8@1+ (1,0) [0|0] "" X
SG_MUL_VAL_ 200 Sub Service 97-97;
SG_MUL_VAL_ 200 Deep Sub 1-1;
SG_MUL_VAL_ 200 Ranged Service 1-3, 5-6;
`);
  const dec = new DbcDecoder(dbc);
  const d = (id: number, hex: string) =>
    dec.decode({ id, extended: false, data: fromHex(hex)!, timestamp: 0 })?.signals;

  it('simple: only the signals the multiplexer selects', () => {
    expect(d(100, '01341200000000aa')).toEqual({ Sel: 1, A: 0x1234, Always: 0xaa });
    expect(d(100, '02ff0000000000aa')).toEqual({ Sel: 2, B: -1, Always: 0xaa });
    expect(d(100, '03ff0000000000aa')).toEqual({ Sel: 3, Always: 0xaa });
  });

  it('extended (SG_MUL_VAL_): chains of multiplexers and value ranges', () => {
    expect(d(200, '6101070800000000')).toEqual({ Service: 0x61, Sub: 1, Deep: 7 });
    expect(d(200, '6102070800000000')).toEqual({ Service: 0x61, Sub: 2 });
    expect(d(200, '0201070800000000')).toEqual({ Service: 2, Ranged: 8 });
    expect(d(200, '0401070800000000')).toEqual({ Service: 4 });
    expect(d(200, '0601070800000000')).toEqual({ Service: 6, Ranged: 8 });
  });

  it('encoding writes only selected signals and refuses the others', () => {
    const m = dec.byName('Ext')!;
    expect(Buffer.from(m.encode({ Service: 0x61, Sub: 1, Deep: 9 })).toString('hex')).toBe(
      '6101090000000000',
    );
    expect(() => m.encode({ Service: 0x61, Sub: 2, Deep: 9 })).toThrow(DbcEncodeError);
    expect(() => m.encode({ Service: 2, Deep: 9 })).toThrow(/Deep: not selected/);
  });
});

describe('encoder', () => {
  it('labels, rounding to the factor, range errors, unknown names', () => {
    const dbc = parseDbc(`
BO_ 291 Gear: 4 ECU
 SG_ Pos : 0|3@1+ (1,0) [0|7] "" X
 SG_ Temp : 15|12@0- (0.1,-40) [-40|100] "degC" X
VAL_ 291 Pos 0 "P" 1 "R" 2 "N" 3 "D" ;
`);
    const m = new DbcDecoder(dbc).byName('Gear')!;
    const data = m.encode({ Pos: 'D', Temp: 21.46 });
    // Temp raw = round((21.46 + 40) / 0.1) = 615 = 0x267, Motorola from bit 15: bytes 1–2 = 26 7x.
    expect(Buffer.from(data).toString('hex')).toBe('03267000');
    expect(m.decode(data)).toEqual({ signals: { Pos: 3, Temp: 21.5 }, labels: { Pos: 'D' } });
    expect(() => m.encode({ Pos: 8 })).toThrow(/Pos: raw value 8 does not fit 3 unsigned bits/);
    expect(() => m.encode({ Temp: -300 })).toThrow(/Temp: raw value -2600 does not fit 12 signed bits/);
    expect(() => m.encode({ Pos: 'X' })).toThrow(/no value-table entry 'X'/);
    expect(() => m.encode({ Nope: 1 })).toThrow(/Nope: no such signal/);
  });

  it('signals beyond a short payload are left out of the decode', () => {
    const m = message([
      signal({ startBit: 0, length: 8, byteOrder: 'little-endian' }, 'A'),
      signal({ startBit: 56, length: 8, byteOrder: 'little-endian' }, 'B'),
    ]);
    expect(m.decode(fromHex('0102')!).signals).toEqual({ A: 1 });
  });
});

/** A random signal that fits 8 bytes. */
const arbSignal = fc
  .record({
    byteOrder: fc.constantFrom<ByteOrder>('little-endian', 'big-endian'),
    length: fc.integer({ min: 1, max: 64 }),
    startBit: fc.integer({ min: 0, max: 63 }),
    signed: fc.boolean(),
    factor: fc.constantFrom(1, 0.1, 0.25, 5e-6, 3, -0.5, 0.001),
    offset: fc.constantFrom(0, -40, 100.5, 1e-3),
  })
  .filter((s) => Math.max(...signalBitPositions(s.startBit, s.length, s.byteOrder)) < 64);

describe('property: encode → decode', () => {
  it('returns the value within the signal resolution, for random layouts and values', () => {
    fc.assert(
      fc.property(arbSignal, fc.double({ min: 0, max: 0.999, noNaN: true }), (s, t) => {
        const sig = signal(s);
        const m = message([sig]);
        const lo = s.signed ? -(2 ** (s.length - 1)) : 0;
        const hi = s.signed ? 2 ** (s.length - 1) - 1 : 2 ** s.length - 1;
        const rawValue = Math.floor(lo + t * (hi - lo));
        const value = rawValue * s.factor + s.offset;
        const decoded = m.decode(m.encode({ S: value })).signals.S;
        const tolerance = Math.abs(s.factor) / 2 + Math.abs(value) * 4e-16 + 1e-12;
        if (!(Math.abs(decoded - value) <= tolerance))
          throw new Error(`${JSON.stringify(s)}: ${value} → ${decoded}`);
      }),
      { numRuns: 3000 },
    );
  });

  it('raw integers round-trip exactly, wide ones as bigint', () => {
    fc.assert(
      fc.property(arbSignal, fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (s, r) => {
        const m = message([signal({ ...s, factor: 1, offset: 0 })]);
        const bits = BigInt(s.length);
        const u = r & ((1n << bits) - 1n);
        const v = s.signed ? BigInt.asIntN(s.length, u) : u;
        const data = m.encode({ S: v });
        const back = m.decodeRaw(data).S;
        expect(BigInt(back)).toBe(v);
      }),
      { numRuns: 3000 },
    );
  });

  it('several signals in one frame do not disturb each other', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(arbSignal, fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })), {
          minLength: 1,
          maxLength: 8,
        }),
        (list) => {
          const used = new Set<number>();
          const sigs: DbcSignal[] = [];
          const want: Record<string, bigint> = {};
          for (const [s, r] of list) {
            const pos = signalBitPositions(s.startBit, s.length, s.byteOrder);
            if (pos.some((p) => used.has(p))) continue;
            for (const p of pos) used.add(p);
            const name = `S${sigs.length}`;
            sigs.push(signal({ ...s, factor: 1, offset: 0 }, name));
            const u = r & ((1n << BigInt(s.length)) - 1n);
            want[name] = s.signed ? BigInt.asIntN(s.length, u) : u;
          }
          const m = message(sigs);
          const back = m.decodeRaw(m.encode(want));
          for (const [name, v] of Object.entries(want)) expect(BigInt(back[name])).toBe(v);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('floats and doubles round-trip bit for bit', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<ByteOrder>('little-endian', 'big-endian'),
        fc.integer({ min: 0, max: 7 }),
        fc.double(),
        fc.float(),
        (order, shift, d, f) => {
          const start = order === 'little-endian' ? shift : 7 - shift + 0;
          const m32 = message(
            [signal({ startBit: start, length: 32, byteOrder: order, valueType: 'float32' })],
            16,
          );
          const m64 = message(
            [signal({ startBit: start, length: 64, byteOrder: order, valueType: 'float64' })],
            16,
          );
          expect(Object.is(m32.decode(m32.encode({ S: f })).signals.S, f)).toBe(true);
          expect(Object.is(m64.decode(m64.encode({ S: d })).signals.S, d)).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
