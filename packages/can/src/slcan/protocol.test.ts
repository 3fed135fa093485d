/**
 * The SLCAN wire format against the examples the sources print (Lawicel's CANUSB/CAN232 manuals,
 * Linux's slcan driver documentation), the line splitter's bounds, and the Z1 counter's unwrapping.
 */
import { describe, expect, it } from 'vitest';
import { makeFrame } from '../frame.js';
import { SlcanLineSplitter, type SlcanLineTooLongError } from './lines.js';
import {
  acceptanceRegisters,
  bitrateCommand,
  decodeErrorLine,
  decodeFrame,
  decodeStateLine,
  decodeStatus,
  encodeFrame,
  passesAcceptance,
  SlcanProtocolError,
  statusNames,
  TimestampUnwrapper,
} from './protocol.js';

describe('SLCAN frame lines', () => {
  // Each line below is printed in a source's text, with the frame it stands for.
  const examples: [string, Parameters<typeof makeFrame>[0]][] = [
    // Lawicel CANUSB manual, `t` command: "t10021133" is id 0x100 with two bytes 0x11 0x33.
    ['t10021133', { id: 0x100, data: [0x11, 0x33] }],
    // Lawicel, `T` command: "T0000010021133" is extended id 0x100 with the same bytes.
    ['T0000010021133', { id: 0x100, extended: true, data: [0x11, 0x33] }],
    // Linux slcan documentation.
    ['t1230', { id: 0x123, data: [] }],
    ['t4563112233', { id: 0x456, data: [0x11, 0x22, 0x33] }],
    ['T12ABCDEF2AA55', { id: 0x12abcdef, extended: true, data: [0xaa, 0x55] }],
    ['r1230', { id: 0x123, remote: true, dlc: 0 }],
    // Lawicel, `r`/`R`: a remote request for 8 bytes.
    ['r1008', { id: 0x100, remote: true, dlc: 8 }],
    ['R000001008', { id: 0x100, extended: true, remote: true, dlc: 8 }],
  ];

  it.each(examples)('%s', (line, init) => {
    const frame = makeFrame({ ...init, timestamp: 0 });
    expect(encodeFrame(frame)).toBe(line);
    const decoded = decodeFrame(line);
    expect(decoded.timestampMs).toBeUndefined();
    expect(decoded.frame).toEqual(frame);
  });

  it('reads the four-digit Z1 timestamp after the data (Lawicel: 0x0000–0xEA5F ms)', () => {
    expect(decodeFrame('t10021133EA5F')).toMatchObject({ timestampMs: 59_999, frame: { id: 0x100 } });
    expect(decodeFrame('r12300010')).toMatchObject({ timestampMs: 0x10, frame: { remote: true, dlc: 0 } });
    expect(encodeFrame(makeFrame({ id: 0x7e8, data: [1] }), 61_234)).toBe('t7E810104D2');
    expect(() => decodeFrame('t10021133EA60')).toThrow(/0\.\.59999/);
  });

  it('refuses what an adapter cannot have meant, saying what is wrong', () => {
    for (const [line, why] of [
      ['t1002113', /needs 9/],
      ['t10G0', /not hexadecimal/],
      ['t1009', /DLC '9'/],
      ['T2000000000', /out of range/],
      ['t1002113G', /data byte 1/],
      ['x', /not a frame/],
      ['t12', /too short/],
    ] as const) {
      expect(() => decodeFrame(line), line).toThrow(SlcanProtocolError);
      expect(() => decodeFrame(line), line).toThrow(why);
    }
  });

  it('refuses frames SLCAN cannot carry', () => {
    expect(() => encodeFrame(makeFrame({ id: 1, fd: true, data: new Uint8Array(12) }))).toThrow(/CAN FD/);
    expect(() => encodeFrame({ id: 0x800, extended: false, data: new Uint8Array(0), timestamp: 0 })).toThrow(
      /out of range/,
    );
  });

  it('bit rates: S0–S8 from Lawicel’s table, S7 under both of its names', () => {
    expect(bitrateCommand(10_000)).toBe('S0');
    expect(bitrateCommand(125_000)).toBe('S4');
    expect(bitrateCommand(500_000)).toBe('S6');
    expect(bitrateCommand(800_000)).toBe('S7');
    expect(bitrateCommand(750_000)).toBe('S7');
    expect(bitrateCommand(1_000_000)).toBe('S8');
    expect(() => bitrateCommand(83_333)).toThrow(/btr=/);
  });
});

describe('status, error and state lines', () => {
  it('decodes F’s byte bit by bit (Lawicel: bit 3 data overrun, bit 5 error passive, bit 7 bus error)', () => {
    expect(statusNames(decodeStatus(0x00))).toEqual([]);
    expect(statusNames(decodeStatus(0x28))).toEqual(['dataOverrun', 'errorPassive']);
    expect(statusNames(decodeStatus(0xff))).toEqual([
      'rxFifoFull',
      'txFifoFull',
      'errorWarning',
      'dataOverrun',
      'errorPassive',
      'arbitrationLost',
      'busError',
    ]);
  });

  it('turns Linux slcan’s e/s lines into SocketCAN error frames', () => {
    // e1a: an ACK error. <linux/can/error.h>: PROT|BUSERROR|ACK, location ACK slot (0x19).
    const ack = decodeErrorLine('e1a')!;
    expect(ack).toMatchObject({ error: true, id: 0x08 | 0x80 | 0x20 });
    expect(ack.data[3]).toBe(0x19);
    // e3bcO: bit-0 error, CRC error, transmit overrun.
    const three = decodeErrorLine('e3bcO')!;
    expect(three.id & 0x04).toBe(0x04);
    expect(three.data[1]).toBe(0x02);
    expect(three.data[2]).toBe(0x08 | 0x01);
    expect(decodeErrorLine('e2a')).toBeUndefined();
    expect(decodeErrorLine('e1z')).toBeUndefined();
    // sb256256: bus-off, both counters 256 (saturated in the frame's bytes).
    const off = decodeStateLine('sb256256')!;
    expect(off.state).toBe('bus-off');
    expect(off.frame.id & 0x40).toBe(0x40);
    const passive = decodeStateLine('sp057133')!;
    expect(passive).toMatchObject({ state: 'error-passive', rxErrors: 57, txErrors: 133 });
    expect(passive.frame.data[1]).toBe(0x20);
    expect([passive.frame.data[6], passive.frame.data[7]]).toEqual([133, 57]);
    expect(decodeStateLine('sx000000')).toBeUndefined();
  });
});

describe('acceptance registers (SJA1000 single filter: a 1 in the mask is "don’t care")', () => {
  it('one 11-bit id passes, its neighbours do not; the default mask passes all', () => {
    const { code, mask } = acceptanceRegisters({ id: 0x7e8, mask: 0x7ff, extended: false });
    expect(code).toBe(0xfd000000);
    expect(mask).toBe(0x001fffff);
    expect(passesAcceptance(makeFrame({ id: 0x7e8, data: [1, 2] }), code, mask)).toBe(true);
    expect(passesAcceptance(makeFrame({ id: 0x7e9, data: [1, 2] }), code, mask)).toBe(false);
    expect(passesAcceptance(makeFrame({ id: 0x123 }), 0, 0xffffffff)).toBe(true);
  });

  it('a range of 29-bit ids', () => {
    const r = acceptanceRegisters({ id: 0x18daf100, mask: 0x1fffff00, extended: true });
    expect(passesAcceptance(makeFrame({ id: 0x18daf110, extended: true }), r.code, r.mask)).toBe(true);
    expect(passesAcceptance(makeFrame({ id: 0x18db33f1, extended: true }), r.code, r.mask)).toBe(false);
  });
});

describe('SlcanLineSplitter', () => {
  const collect = (maxLine?: number) => {
    const out: string[] = [];
    const errors: SlcanLineTooLongError[] = [];
    const s = new SlcanLineSplitter(
      { line: (t) => out.push(t), bell: () => out.push('BELL'), overflow: (e) => errors.push(e) },
      'test',
      maxLine,
    );
    return { s, out, errors };
  };

  it('splits at CR and BELL, in any chunking, ignoring LF', () => {
    const { s, out } = collect();
    const bytes = Buffer.from('V1013\rz\r\x07t1230\r\n\rF0', 'latin1');
    for (const b of bytes) s.push(Uint8Array.of(b));
    s.push(Buffer.from('8\r'));
    expect(out).toEqual(['V1013', 'z', 'BELL', 't1230', '', 'F08']);
  });

  it('an adapter flooding without CR: one typed error, bounded memory, and the next line is read', () => {
    const { s, out, errors } = collect(64);
    const flood = Buffer.alloc(4 << 20, 0x41);
    for (let i = 0; i < flood.length; i += 65_536) s.push(flood.subarray(i, i + 65_536));
    expect(s.pending).toBe(0);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/more than 64 bytes without a CR or BELL .*'AAAA/);
    s.push(Buffer.from('\rt1230\r'));
    expect(out).toEqual(['t1230']);
  });
});

describe('TimestampUnwrapper', () => {
  it('keeps the adapter’s spacing across wraps and counts silences longer than a lap from the clock', () => {
    const u = new TimestampUnwrapper();
    // First frame at host 1,000,000 ms with counter 59,990: the counter's zero is at 940,010.
    expect(u.unwrap(59_990, 1_000_000)).toBe(1_000_000);
    // 20 ms later the counter wrapped to 10; the host saw it 3 ms late.
    expect(u.unwrap(10, 1_000_023)).toBe(1_000_020);
    // 150 s of silence (two and a half laps): counter 30,010 means 1,150,020, not a lap earlier.
    expect(u.unwrap(30_010, 1_150_025)).toBe(1_150_020);
  });
});
