import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Frame } from '../frame.js';
import { BinaryLogError, type LogReader } from '../log.js';
import { parseErrorMessage } from '../parse-error-message.js';
import { binaryMagic, detectFormat, logMagic, readLog, readLogText, writeLog } from './index.js';
import {
  block,
  enhancedPacket,
  interfaceBlock,
  options,
  pcapFile,
  sectionHeader,
  simplePacket,
  sll,
  sll2,
  socketCan,
} from './pcap.test-support.js';

/** The double nearest to `sec.micros` written in decimal, as a log's text would give it. */
const dec = (sec: number, us: number) => Number(`${sec}.${String(us).padStart(6, '0')}`);
const hex = (f: Frame) => Buffer.from(f.data).toString('hex');
/** A frame as plain fields for comparison (only the ones it has). */
const view = (f: Frame) => ({ ...f, data: hex(f) });

async function all(reader: LogReader): Promise<ReturnType<typeof view>[]> {
  const out = [];
  for await (const f of reader) out.push(view(f));
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'atelier-pcap-'));

/** Every kind of SocketCAN frame, as LINKTYPE_CAN_SOCKETCAN packets (id word big-endian). */
const KINDS = [
  socketCan(0x123, [0x11, 0x22, 0x33]),
  socketCan(0x80000000 | 0x12345678, [0xde, 0xad, 0xbe, 0xef]),
  socketCan(0x40000000 | 0x7df, [], { len: 3 }),
  socketCan(0x20000000 | 0x004, [0, 0x10, 0, 0, 0, 0, 0, 0]),
  // CAN FD with FDF|BRS, and an older capture's FD frame: no FDF, told by its 72 bytes.
  socketCan(
    0x456,
    Array.from({ length: 12 }, (_, i) => i),
    { fdFlags: 0x04 | 0x01 },
  ),
  socketCan(
    0x80000000 | 0x1abcdef0,
    Array.from({ length: 16 }, (_, i) => 0xf0 + (i & 15)),
    {
      fdFlags: 0x02,
      size: 72,
    },
  ),
  socketCan(0x321, [1, 2, 3, 4, 5, 6, 7, 8], { len8: 0x0c }),
];
const KINDS_READ = [
  { id: 0x123, extended: false, data: '112233' },
  { id: 0x12345678, extended: true, data: 'deadbeef' },
  { id: 0x7df, extended: false, data: '', remote: true, dlc: 3 },
  { id: 0x004, extended: false, data: '0010000000000000', error: true },
  { id: 0x456, extended: false, data: '000102030405060708090a0b', fd: true, brs: true },
  { id: 0x1abcdef0, extended: true, data: 'f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff', fd: true, esi: true },
  { id: 0x321, extended: false, data: '0102030405060708', dlc: 12 },
];

describe('classic pcap of a SocketCAN interface', () => {
  it('reads every kind of frame, little-endian with microseconds and big-endian with nanoseconds', async () => {
    const le = pcapFile(
      'le',
      false,
      227,
      KINDS.map((bytes, i) => ({ sec: 1700000000, frac: 100 * (i + 1), bytes })),
    );
    const be = pcapFile(
      'be',
      true,
      227,
      KINDS.map((bytes, i) => ({ sec: 1700000000, frac: 100_499 * (i + 1), bytes })),
    );
    const leFrames = await all(readLogText(le, 'le.pcap'));
    expect(leFrames).toEqual(KINDS_READ.map((f, i) => ({ ...f, timestamp: dec(1700000000, 100 * (i + 1)) })));
    // Nanoseconds rounded to the microsecond a Frame keeps: 100,499 ns is 100 µs, 200,998 is 201.
    const beFrames = await all(readLogText(be, 'be.cap'));
    expect(beFrames.map((f) => f.timestamp)).toEqual(
      [100, 201, 301, 402, 502, 603, 703].map((us) => dec(1700000000, us)),
    );
    expect(beFrames.map(({ timestamp: _, ...f }) => f)).toEqual(KINDS_READ);
  });

  it('passes over CAN XL frames and counts them, never reading them as CAN', async () => {
    // A CAN XL header: priority, then the flags byte with CANXL_XLF (0x80) where CAN has its length.
    const xl = Buffer.alloc(12 + 20);
    xl.writeUInt32BE(0x123, 0);
    xl[4] = 0x80;
    const file = pcapFile('le', false, 227, [
      { sec: 1, frac: 0, bytes: KINDS[0] },
      { sec: 2, frac: 0, bytes: xl },
      { sec: 3, frac: 0, bytes: KINDS[1] },
    ]);
    const reader = readLogText(file, 'xl.pcap');
    expect((await all(reader)).map((f) => f.id)).toEqual([0x123, 0x12345678]);
    expect(reader.otherPackets).toBe(1);
  });

  it('reads cooked captures (LINUX_SLL) with the CAN id in the capturing host byte order, and the direction', async () => {
    // Little-endian file: the id word is little-endian too (libpcap: host order of the writer).
    const le = pcapFile('le', false, 113, [
      {
        sec: 10,
        frac: 1,
        bytes: Buffer.concat([
          sll(0, 0x000c),
          socketCan(0x80000000 | 0x18daf110, [0x02, 0x3e], { idOrder: 'le' }),
        ]),
      },
      {
        sec: 10,
        frac: 2,
        bytes: Buffer.concat([sll(4, 0x000c), socketCan(0x7e0, [0x02, 0x3e, 0x00], { idOrder: 'le' })]),
      },
      // CAN FD by the protocol 0x000D, even without FDF or a 72-byte size.
      {
        sec: 10,
        frac: 3,
        bytes: Buffer.concat([sll(4, 0x000d), socketCan(0x100, [9, 9], { idOrder: 'le', size: 16 })]),
      },
      // IPv4 and CAN XL on the `any` device: not CAN, counted.
      { sec: 10, frac: 4, bytes: Buffer.concat([sll(0, 0x0800), Buffer.alloc(20)]) },
      { sec: 10, frac: 5, bytes: Buffer.concat([sll(0, 0x000e), Buffer.alloc(20)]) },
    ]);
    const reader = readLogText(le, 'any.pcap');
    expect(await all(reader)).toEqual([
      { id: 0x18daf110, extended: true, data: '023e', timestamp: 10.000001, direction: 'rx' },
      { id: 0x7e0, extended: false, data: '023e00', timestamp: 10.000002, direction: 'tx' },
      { id: 0x100, extended: false, data: '0909', timestamp: 10.000003, direction: 'tx', fd: true },
    ]);
    expect(reader.otherPackets).toBe(2);
    // Big-endian file (a capture made on a big-endian host): the id word is big-endian.
    const be = pcapFile('be', false, 113, [
      { sec: 10, frac: 1, bytes: Buffer.concat([sll(0, 0x000c), socketCan(0x7e8, [1], { idOrder: 'be' })]) },
    ]);
    expect((await all(readLogText(be, 'be.pcap')))[0].id).toBe(0x7e8);
  });

  it('reads LINUX_SLL2 with the interface index as the channel', async () => {
    const file = pcapFile('le', false, 276, [
      {
        sec: 5,
        frac: 0,
        bytes: Buffer.concat([sll2(0, 0x000c, 3), socketCan(0x123, [1], { idOrder: 'le' })]),
      },
      {
        sec: 5,
        frac: 1,
        bytes: Buffer.concat([sll2(4, 0x000c, 4), socketCan(0x124, [2], { idOrder: 'le' })]),
      },
    ]);
    expect(await all(readLogText(file, 'sll2.pcap'))).toEqual([
      { id: 0x123, extended: false, data: '01', timestamp: 5, direction: 'rx', channel: '3' },
      { id: 0x124, extended: false, data: '02', timestamp: 5.000001, direction: 'tx', channel: '4' },
    ]);
  });

  it('refuses a capture of another link type, naming it and the byte', async () => {
    const file = pcapFile('le', false, 1, [{ sec: 1, frac: 0, bytes: Buffer.alloc(60) }]);
    const err = await all(readLogText(file, 'eth.pcap')).catch((e) => e);
    expect(err).toBeInstanceOf(BinaryLogError);
    expect(err.offset).toBe(20);
    expect(err.message).toMatch(/link type 1 carries no CAN frames/);
    expect(parseErrorMessage(err, 'fr')).toBe(
      'eth.pcap, octet 20 (0x14) : le type de liaison 1 ne transporte pas de trames CAN (attendu : 227 CAN_SOCKETCAN, 113 LINUX_SLL ou 276 LINUX_SLL2)',
    );
  });

  it('a cut file: the frames before the cut, then an error at the cut packet; lenient lists it', async () => {
    const whole = pcapFile(
      'le',
      false,
      227,
      KINDS.slice(0, 3).map((bytes, i) => ({ sec: 1, frac: i, bytes })),
    );
    const cut = whole.subarray(0, whole.length - 5);
    const got: Frame[] = [];
    let err: unknown;
    try {
      for await (const f of readLogText(cut, 'cut.pcap')) got.push(f);
    } catch (e) {
      err = e;
    }
    expect(got.map((f) => f.id)).toEqual([0x123, 0x12345678]);
    expect(err).toBeInstanceOf(BinaryLogError);
    // The third record starts after the 24-byte header and two records of 16 + 16 bytes.
    expect((err as BinaryLogError).offset).toBe(24 + 2 * 32);
    expect((err as Error).message).toMatch(
      /truncated file: packet of 32 bytes goes past the end of the file \(27 bytes left\)/,
    );
    const lenient = readLogText(cut, 'cut.pcap', { lenient: true });
    expect((await all(lenient)).length).toBe(2);
    expect(lenient.skipped.map((e) => (e as BinaryLogError).offset)).toEqual([88]);
  });

  it('a bad packet names its number; lenient mode skips it and goes on', async () => {
    const file = pcapFile('le', false, 227, [
      { sec: 1, frac: 0, bytes: KINDS[0] },
      // An 11-bit frame whose id has bits above 0x7FF: no bus carries it.
      { sec: 1, frac: 1, bytes: socketCan(0x1234, [1]) },
      // Announces 8 data bytes, holds 3 (cut by the snap length).
      { sec: 1, frac: 2, bytes: socketCan(0x100, [1, 2, 3, 4, 5, 6, 7, 8]).subarray(0, 11), wire: 16 },
      { sec: 1, frac: 3, bytes: KINDS[1] },
    ]);
    const err = await all(readLogText(file, 'bad.pcap')).catch((e) => e);
    expect(err.message).toBe(
      'bad.pcap: byte 56 (0x38): id 0x1234 out of range for an 11-bit identifier (packet 2)',
    );
    const reader = readLogText(file, 'bad.pcap', { lenient: true });
    expect((await all(reader)).map((f) => f.id)).toEqual([0x123, 0x12345678]);
    expect(reader.skipped.map((e) => e.message)).toEqual([
      'bad.pcap: byte 56 (0x38): id 0x1234 out of range for an 11-bit identifier (packet 2)',
      'bad.pcap: byte 88 (0x58): 8 data bytes announced, the packet holds 3 (packet 3)',
    ]);
    expect(parseErrorMessage(reader.skipped[1], 'fr')).toBe(
      'bad.pcap, octet 88 (0x58) : 8 octets de données annoncés, le paquet en contient 3 (paquet n° 3)',
    );
  });

  it('says what it found when the file is not a capture', async () => {
    const err = await all(readLogText(Buffer.from('hello world, not a capture'), 'x.pcap')).catch((e) => e);
    expect(err).toBeInstanceOf(BinaryLogError);
    expect(err.message).toMatch(/not a pcap or pcapng file: .* found 'hell'/);
  });
});

describe('pcapng', () => {
  const t = (us: number) => BigInt(us);

  it('reads several interfaces (names, resolutions), EPB directions, SPB, unknown blocks, and a second section', async () => {
    const file = Buffer.concat([
      sectionHeader('le'),
      interfaceBlock('le', 227, 'can0'),
      // Nanosecond clock on the second interface.
      interfaceBlock('le', 227, 'vcan1', 9),
      enhancedPacket('le', 0, t(1700000000_000001), KINDS[0], 1),
      enhancedPacket('le', 1, 1700000000_000002_499n, KINDS[1], 2),
      // A name resolution block and a custom block: nothing for the reader.
      block(4, Buffer.from([0, 0, 0, 0]), 'le'),
      block(0x00000bad, Buffer.from('custom'), 'le'),
      enhancedPacket('le', 0, t(1700000000_000003), KINDS[4]),
      simplePacket('le', KINDS[2]),
      // A big-endian section: its own interfaces and byte order.
      sectionHeader('be'),
      interfaceBlock('be', 227),
      enhancedPacket('be', 0, t(1700000001_000000), KINDS[6], 1),
    ]);
    const reader = readLogText(file, 'multi.pcapng');
    expect(reader.format).toBe('pcapng');
    expect(await all(reader)).toEqual([
      { ...KINDS_READ[0], timestamp: 1700000000.000001, channel: 'can0', direction: 'rx' },
      { ...KINDS_READ[1], timestamp: 1700000000.000002, channel: 'vcan1', direction: 'tx' },
      { ...KINDS_READ[4], timestamp: 1700000000.000003, channel: 'can0' },
      // A simple packet block has no time: the last one seen.
      { ...KINDS_READ[2], timestamp: 1700000000.000003, channel: 'can0' },
      // No if_name: the interface's number in its section.
      { ...KINDS_READ[6], timestamp: 1700000001, channel: '0', direction: 'rx' },
    ]);
  });

  it('reads binary time resolutions (if_tsresol 0x94: 2^-20 s) and if_tsoffset (seconds added)', async () => {
    // An IDB written out field by field: link type 227, reserved, snaplen 0, then its options:
    // if_tsresol (9) = 0x94, if_tsoffset (14) = 1,600,000,000 as a signed 64-bit little-endian value.
    const offset = Buffer.alloc(8);
    offset.writeBigInt64LE(1_600_000_000n);
    const idb = block(
      1,
      Buffer.concat([
        Buffer.from([227, 0, 0, 0, 0, 0, 0, 0]),
        options(
          [
            [9, Buffer.from([0x94])],
            [14, offset],
          ],
          'le',
        ),
      ]),
      'le',
    );
    // 100,000,000.5 s in 2^-20 s units, plus the offset: 1,700,000,000.5.
    const ts = 100_000_000n * 2n ** 20n + 2n ** 19n;
    const file = Buffer.concat([sectionHeader('le'), idb, enhancedPacket('le', 0, ts, KINDS[0])]);
    expect(await all(readLogText(file, 'bin.pcapng'))).toEqual([
      { ...KINDS_READ[0], timestamp: 1700000000.5, channel: '0' },
    ]);
  });

  it('a capture of no CAN interface is an error naming its link type, not an empty log; other interfaces are counted', async () => {
    const ethernet = Buffer.concat([
      sectionHeader('le'),
      interfaceBlock('le', 1, 'eth0'),
      enhancedPacket('le', 0, 1n, Buffer.alloc(60)),
    ]);
    const err = await all(readLogText(ethernet, 'eth.pcapng')).catch((e) => e);
    expect(err).toBeInstanceOf(BinaryLogError);
    // The IDB starts after the 28-byte SHB; its link type field 8 bytes in.
    expect(err.offset).toBe(36);
    expect(err.message).toMatch(/link type 1 carries no CAN frames/);
    const mixed = Buffer.concat([
      sectionHeader('le'),
      interfaceBlock('le', 1, 'eth0'),
      interfaceBlock('le', 227, 'can0'),
      enhancedPacket('le', 0, 1n, Buffer.alloc(60)),
      enhancedPacket('le', 1, 2n, KINDS[0]),
    ]);
    const reader = readLogText(mixed, 'mixed.pcapng');
    expect(await all(reader)).toEqual([{ ...KINDS_READ[0], timestamp: 0.000002, channel: 'can0' }]);
    expect(reader.otherPackets).toBe(1);
  });

  it('a bad block length is an error at its byte; a packet on an undescribed interface is skipped in lenient mode', async () => {
    const good = Buffer.concat([sectionHeader('le'), interfaceBlock('le', 227, 'can0')]);
    const epb = enhancedPacket('le', 0, 1n, KINDS[0]);
    const bad = Buffer.from(epb);
    bad.writeUInt32LE(epb.length + 2, 4);
    const err = await all(readLogText(Buffer.concat([good, epb, bad]), 'len.pcapng')).catch((e) => e);
    expect(err).toBeInstanceOf(BinaryLogError);
    expect(err.offset).toBe(good.length + epb.length + 4);
    expect(err.message).toMatch(`block 0x00000006 with a length of ${epb.length + 2} bytes`);

    const stray = enhancedPacket('le', 5, 2n, KINDS[1]);
    const reader = readLogText(Buffer.concat([good, epb, stray, epb]), 'if.pcapng', { lenient: true });
    expect((await all(reader)).length).toBe(2);
    expect(reader.skipped.map((e) => e.message)).toEqual([
      `if.pcapng: byte ${good.length + epb.length} (0x${(good.length + epb.length).toString(16)}): packet on interface 5, but the section describes 1 interfaces (packet 2)`,
    ]);
  });

  it('a cut file gives the frames before the cut, then says the block is cut', async () => {
    const file = Buffer.concat([
      sectionHeader('le'),
      interfaceBlock('le', 227, 'can0'),
      enhancedPacket('le', 0, 1n, KINDS[0]),
      enhancedPacket('le', 0, 2n, KINDS[1]),
    ]);
    const got: Frame[] = [];
    const err = await (async () => {
      for await (const f of readLogText(file.subarray(0, file.length - 10), 'cut.pcapng')) got.push(f);
    })().catch((e) => e);
    expect(got.length).toBe(1);
    expect(err.message).toMatch(
      /truncated file: block 0x00000006 of 48 bytes goes past the end of the file \(38 bytes left\)/,
    );
  });
});

describe('writing pcapng', () => {
  const frames: Frame[] = [
    {
      id: 0x123,
      extended: false,
      data: Uint8Array.of(1, 2, 3),
      timestamp: 1641469561.9497,
      channel: 'can0',
      direction: 'rx',
    },
    {
      id: 0x18daf110,
      extended: true,
      data: Uint8Array.of(0x10, 0x20),
      timestamp: 1641469562.000001,
      channel: 'can1',
      direction: 'tx',
    },
    {
      id: 0x7df,
      extended: false,
      data: new Uint8Array(0),
      timestamp: 1641469562.5,
      remote: true,
      dlc: 8,
      channel: 'can0',
    },
    {
      id: 0x40,
      extended: false,
      data: new Uint8Array(8),
      timestamp: 1641469563,
      error: true,
      channel: 'can0',
    },
    {
      id: 0x1abcdef0,
      extended: true,
      data: Uint8Array.from({ length: 64 }, (_, i) => i),
      timestamp: 1641469564.25,
      fd: true,
      brs: true,
      esi: true,
      channel: 'can1',
    },
    {
      id: 0x100,
      extended: false,
      data: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8),
      dlc: 15,
      timestamp: 1641469565,
      channel: 'can0',
    },
  ];

  it('lays the first frame out as the standard says: SHB, IDB with if_name, EPB with a big-endian id word', async () => {
    const path = join(dir, 'one.pcapng');
    await writeLog(path, frames.slice(0, 1), 'pcapng');
    const b = (await import('node:fs')).readFileSync(path);
    expect(b.readUInt32LE(0)).toBe(0x0a0d0d0a);
    expect(b.readUInt32LE(8)).toBe(0x1a2b3c4d);
    const idb = b.readUInt32LE(4);
    expect(b.readUInt32LE(idb)).toBe(1);
    expect(b.readUInt16LE(idb + 8)).toBe(227);
    expect(b.toString('latin1', idb + 20, idb + 24)).toBe('can0');
    const epb = idb + b.readUInt32LE(idb + 4);
    expect(b.readUInt32LE(epb)).toBe(6);
    // 1641469561.9497 s in microseconds, as two 32-bit halves.
    const us = BigInt(b.readUInt32LE(epb + 12)) * 2n ** 32n + BigInt(b.readUInt32LE(epb + 16));
    expect(us).toBe(1641469561949700n);
    expect(b.readUInt32LE(epb + 20)).toBe(16);
    expect(b.subarray(epb + 28, epb + 28 + 16).toString('hex')).toBe('00000123030000000102030000000000');
  });

  it('reads back what it writes, to a file and to a stream', async () => {
    const path = join(dir, 'all.pcapng');
    await writeLog(path, frames, 'pcapng');
    const back = await all(readLog(path));
    expect(back).toEqual(frames.map(view));
    const stream = new PassThrough();
    const chunks: Buffer[] = [];
    stream.on('data', (c) => chunks.push(c));
    const ended = new Promise((resolve) => stream.on('end', resolve));
    await writeLog(stream, frames, 'pcapng');
    stream.end();
    await ended;
    expect(await all(readLogText(Buffer.concat(chunks), 'stream.pcapng'))).toEqual(frames.map(view));
  });

  it('refuses to write classic pcap, saying why', async () => {
    await expect(writeLog(join(dir, 'x.pcap'), frames, 'pcap')).rejects.toThrow(/write pcapng/);
  });
});

describe('reading through windows', () => {
  it('a capture larger than the 1 MiB window, with a block larger than it in the middle, reads whole', async () => {
    const many: Frame[] = Array.from({ length: 60_000 }, (_, i) => ({
      id: i % 0x800,
      extended: false,
      data: Uint8Array.of(i & 255, (i >> 8) & 255, (i >> 16) & 255),
      timestamp: 1700000000 + i / 1000,
      channel: i % 3 ? 'can0' : 'can1',
    }));
    const first = join(dir, 'first.pcapng');
    await writeLog(first, many.slice(0, 30_000), 'pcapng');
    const second = join(dir, 'second.pcapng');
    await writeLog(second, many.slice(30_000), 'pcapng');
    const { readFileSync } = await import('node:fs');
    // A 1.5 MiB custom block (type 0x40000BAD) between the two sections: skipped.
    const big = block(0x40000bad, Buffer.alloc(1.5 * 2 ** 20, 0x55), 'le');
    const path = join(dir, 'big.pcapng');
    writeFileSync(path, Buffer.concat([readFileSync(first), big, readFileSync(second)]));
    const reader = readLog(path);
    let n = 0;
    for await (const f of reader) {
      const want = many[n];
      if (
        f.id !== want.id ||
        hex(f) !== hex({ ...want }) ||
        f.channel !== want.channel ||
        f.timestamp !== want.timestamp
      )
        throw new Error(`frame ${n}: ${JSON.stringify(view(f))} instead of ${JSON.stringify(view(want))}`);
      n++;
    }
    expect(n).toBe(60_000);
    expect(reader.bytesRead).toBe((await import('node:fs')).statSync(path).size);
  });

  it('reads a gzip-compressed capture as the capture inside', async () => {
    const { gzipSync } = await import('node:zlib');
    const file = pcapFile('le', false, 227, [{ sec: 7, frac: 0, bytes: KINDS[0] }]);
    const path = join(dir, 'bus.pcap.gz');
    writeFileSync(path, gzipSync(file));
    const reader = readLog(path);
    expect(await all(reader)).toEqual([{ ...KINDS_READ[0], timestamp: 7 }]);
    expect(reader.format).toBe('pcap');
  });
});

describe('detection', () => {
  const pcap = pcapFile('le', false, 227, [{ sec: 1, frac: 0, bytes: KINDS[0] }]);
  const ng = Buffer.concat([
    sectionHeader('be'),
    interfaceBlock('be', 227, 'can0'),
    enhancedPacket('be', 0, 1n, KINDS[0]),
  ]);

  it('recognises pcap and pcapng by their magic under any name', () => {
    expect(detectFormat('trace.pcap', pcap)).toBe('pcap');
    expect(detectFormat('trace.CAP', pcap)).toBe('pcap');
    expect(detectFormat('capture.txt', pcap)).toBe('pcap');
    expect(detectFormat('noext', ng)).toBe('pcapng');
    // Wireshark saves pcapng under a .pcap name too: the magic decides.
    expect(detectFormat('wireshark.pcap', ng)).toBe('pcapng');
    expect(detectFormat('x.log', ng)).toBe('pcapng');
    expect(logMagic(pcap)).toBe('pcap');
    // binaryMagic stays MF4 and BLF: the dashboard stores what it names as candump under `.log`.
    expect(binaryMagic(pcap)).toBeUndefined();
    expect(binaryMagic(ng)).toBeUndefined();
  });

  it('reads a file whose name says nothing', async () => {
    const path = join(dir, 'capture.bin');
    writeFileSync(path, ng);
    const reader = readLog(path);
    expect(await all(reader)).toEqual([{ ...KINDS_READ[0], timestamp: 0.000001, channel: 'can0' }]);
    expect(reader.format).toBe('pcapng');
  });
});
