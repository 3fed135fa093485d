// Wireshark's own tools (Debian's tshark, editcap, mergecap, text2pcap) as the independent oracle:
// tshark reads what Atelier writes as the frames written; Atelier reads what Wireshark's tools
// write (conversions to classic pcap in µs and ns, pcapng rewritten by Wireshark, merged captures,
// captures made by text2pcap from hex dumps written here by hand) as tshark reads them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allOf, programRuns, requireOracle } from '../../../../tests/support/index.js';
import type { Frame } from '../frame.js';
import { markOriginFile, readOriginFile } from '../origin.js';
import { LEAF_LOG } from './formats.test-support.js';
import { readLog, writeLog } from './index.js';

const tshark = requireOracle(
  'tshark',
  allOf(
    programRuns('tshark', ['-v']),
    programRuns('editcap', ['-v']),
    programRuns('mergecap', ['-v']),
    programRuns('text2pcap', ['-v']),
    programRuns('capinfos', ['-v']),
  ),
);
const itWithTshark = (name: string, fn: () => Promise<void>) =>
  it.skipIf(tshark.missing)(`${name}${tshark.skipNote}`, fn, 60_000);

const dir = mkdtempSync(join(tmpdir(), 'atelier-tshark-'));

function run(program: string, args: string[], input?: string): string {
  const r = spawnSync(program, args, { encoding: 'utf8', input, maxBuffer: 64 * 2 ** 20 });
  if (r.status !== 0) throw new Error(`${program} ${args.join(' ')} failed: ${r.stderr || r.error?.message}`);
  return r.stdout;
}

/** A frame as both sides can say it: time in µs, channel, direction, id, flags, length, data. */
interface Seen {
  us: number;
  channel: string;
  direction: string;
  id: number;
  ext: boolean;
  rtr: boolean;
  err: boolean;
  fd: boolean;
  brs: boolean;
  esi: boolean;
  len: number;
  data: string;
}

/** SocketCAN's error classes (linux/can/error.h) in the order of tshark's fields below. */
const ERROR_CLASS_FIELDS = [
  'can.err.tx_timeout',
  'can.err.lostarb',
  'can.err.ctrl',
  'can.err.prot',
  'can.err.trx',
  'can.err.ack',
  'can.err.busoff',
  'can.err.buserror',
  'can.err.restarted',
];

const FIELDS = [
  'frame.time_epoch',
  'frame.interface_name',
  'frame.packet_flags_direction',
  'sll.pkttype',
  'can.id',
  'can.flags.xtd',
  'can.flags.rtr',
  'can.flags.err',
  'can.len',
  'canfd.flags.brs',
  'canfd.flags.esi',
  'data.data',
  ...ERROR_CLASS_FIELDS,
];

/** The time stamp tshark prints (seconds, nine decimals) in whole microseconds, rounded. */
function epochMicros(text: string): number {
  const [s, f = ''] = text.split('.');
  const ns = BigInt(s) * 1_000_000_000n + BigInt(f.padEnd(9, '0').slice(0, 9));
  return Number((ns + 500n) / 1000n);
}

/** tshark's reading of a capture, one Seen per packet it dissects as CAN or CAN FD. */
function tsharkReads(file: string): Seen[] {
  const out = run('tshark', [
    '-r',
    file,
    '-T',
    'fields',
    '-E',
    'separator=|',
    ...FIELDS.flatMap((f) => ['-e', f]),
  ]);
  const yes = (v: string) => v === '1' || v === 'True';
  return out
    .trimEnd()
    .split('\n')
    .filter((l) => l !== '')
    .map((line) => {
      const v = line.split('|');
      const at = (name: string) => v[FIELDS.indexOf(name)] ?? '';
      const err = yes(at('can.flags.err'));
      const rtr = yes(at('can.flags.rtr'));
      // An error frame's class comes as one flag per bit (tshark shows no id for it).
      const id = err
        ? ERROR_CLASS_FIELDS.reduce((acc, f, bit) => acc | (yes(at(f)) ? 1 << bit : 0), 0)
        : Number(at('can.id'));
      const flags = at('frame.packet_flags_direction');
      const pkttype = at('sll.pkttype');
      const direction =
        flags !== ''
          ? ['', 'rx', 'tx', ''][Number(flags) & 3]
          : pkttype !== ''
            ? Number(pkttype) === 4
              ? 'tx'
              : 'rx'
            : '';
      return {
        us: epochMicros(at('frame.time_epoch')),
        channel: at('frame.interface_name'),
        direction,
        id,
        ext: yes(at('can.flags.xtd')),
        rtr,
        err,
        // tshark names both `can`; only a frame it dissects as CAN FD has the FD flag fields.
        fd: at('canfd.flags.brs') !== '',
        brs: yes(at('canfd.flags.brs')),
        esi: yes(at('canfd.flags.esi')),
        len: Number(at('can.len')),
        // tshark 4.0 shows a remote frame's DLC worth of padding as data, and an error frame's
        // bytes as error fields: the data of those two kinds is compared through their length.
        data: rtr || err ? '' : at('data.data').replace(/:/g, ''),
      };
    });
}

function seenOf(f: Frame, channelOfFile: (f: Frame) => string): Seen {
  return {
    us: Math.round(f.timestamp * 1e6),
    channel: channelOfFile(f),
    direction: f.direction ?? '',
    id: f.id,
    ext: f.extended,
    rtr: !!f.remote,
    err: !!f.error,
    fd: !!f.fd,
    brs: !!f.brs,
    esi: !!f.esi,
    len: f.remote ? (f.dlc ?? 0) : f.data.length,
    data: f.remote || f.error ? '' : Buffer.from(f.data).toString('hex'),
  };
}

async function atelierReads(
  file: string,
  channel: (f: Frame) => string = (f) => f.channel ?? '',
): Promise<Seen[]> {
  const out: Seen[] = [];
  for await (const f of readLog(file)) out.push(seenOf(f, channel));
  return out;
}

/** Written for this test: every kind of frame, two channels, both directions and none. */
const MIXED: Frame[] = [
  {
    id: 0x123,
    extended: false,
    data: Uint8Array.of(0x11, 0x22, 0x33),
    timestamp: 1700000000.0001,
    channel: 'can0',
    direction: 'rx',
  },
  {
    id: 0x12345678,
    extended: true,
    data: Uint8Array.of(0xde, 0xad, 0xbe, 0xef),
    timestamp: 1700000000.0002,
    channel: 'can0',
    direction: 'tx',
  },
  {
    id: 0x7df,
    extended: false,
    data: new Uint8Array(0),
    timestamp: 1700000000.0003,
    remote: true,
    channel: 'can1',
  },
  {
    id: 0x7e8,
    extended: false,
    data: new Uint8Array(0),
    timestamp: 1700000000.0004,
    remote: true,
    dlc: 3,
    channel: 'can1',
  },
  {
    id: 0x123,
    extended: false,
    data: Uint8Array.of(0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc),
    timestamp: 1700000000.0005,
    fd: true,
    brs: true,
    channel: 'can0',
  },
  {
    id: 0x1abcdef0,
    extended: true,
    data: Uint8Array.from({ length: 64 }, (_, i) => i),
    timestamp: 1700000000.0006,
    fd: true,
    brs: true,
    esi: true,
    channel: 'can0',
    direction: 'rx',
  },
  {
    id: 0x080,
    extended: false,
    data: new Uint8Array(8),
    timestamp: 1700000000.0007,
    error: true,
    channel: 'can0',
  },
  {
    id: 0x024,
    extended: false,
    data: Uint8Array.of(0, 0, 0x08, 0, 0, 0, 0, 0),
    timestamp: 1700000000.0008,
    error: true,
    channel: 'can1',
  },
  {
    id: 0x456,
    extended: false,
    data: new Uint8Array(0),
    timestamp: 1700000000.0009,
    fd: true,
    esi: true,
    channel: 'can1',
    direction: 'tx',
  },
  { id: 0x000, extended: false, data: new Uint8Array(0), timestamp: 1700000001.999999, channel: 'can0' },
];

describe('pcapng checked against Wireshark (tshark)', () => {
  itWithTshark('tshark reads what Atelier writes as the frames written, frame by frame', async () => {
    const file = join(dir, 'mixed.pcapng');
    await writeLog(file, MIXED, 'pcapng');
    const expected = MIXED.map((f) => seenOf(f, (x) => x.channel ?? 'can0'));
    expect(tsharkReads(file)).toEqual(expected);
  });

  itWithTshark('tshark reads the real Leaf recording written as pcapng as its candump log says', async () => {
    const frames: Frame[] = [];
    for await (const f of readLog(LEAF_LOG)) frames.push(f);
    const file = join(dir, 'leaf.pcapng');
    await writeLog(file, frames, 'pcapng');
    const seen = tsharkReads(file);
    expect(seen).toHaveLength(5588);
    expect(seen).toEqual(frames.map((f) => seenOf(f, (x) => x.channel ?? 'can0')));
  });

  itWithTshark(
    'Atelier reads editcap conversions (classic pcap in µs and ns, pcapng rewritten) as tshark does',
    async () => {
      const source = join(dir, 'source.pcapng');
      await writeLog(source, MIXED, 'pcapng');
      for (const [type, name] of [
        ['pcap', 'classic.pcap'],
        ['nsecpcap', 'nano.pcap'],
        ['pcapng', 'rewritten.pcapng'],
      ]) {
        const file = join(dir, name);
        run('editcap', ['-F', type, source, file]);
        const theirs = tsharkReads(file);
        expect(theirs, name).toHaveLength(MIXED.length);
        // Classic pcap has no interface names: tshark says none, Atelier gives no channel.
        expect(await atelierReads(file), name).toEqual(theirs);
      }
    },
  );

  itWithTshark(
    'Atelier reads a mergecap merge of two captures (two interfaces, interleaved) as tshark does',
    async () => {
      const a = join(dir, 'a.pcapng');
      const b = join(dir, 'b.pcapng');
      await writeLog(
        a,
        MIXED.filter((f) => f.channel === 'can0'),
        'pcapng',
      );
      await writeLog(
        b,
        MIXED.filter((f) => f.channel === 'can1').map((f) => ({ ...f, channel: 'vcan9' })),
        'pcapng',
      );
      const merged = join(dir, 'merged.pcapng');
      run('mergecap', ['-w', merged, a, b]);
      const theirs = tsharkReads(merged);
      expect(theirs).toHaveLength(MIXED.length);
      expect(new Set(theirs.map((s) => s.channel))).toEqual(new Set(['can0', 'vcan9']));
      expect(await atelierReads(merged)).toEqual(theirs);
    },
  );

  /**
   * Hex dumps written by hand from the LINKTYPE_CAN_SOCKETCAN layout: id word big-endian (flags
   * EFF 0x80000000, RTR 0x40000000, ERR 0x20000000), length, FD flags (BRS 1, ESI 2, FDF 4),
   * reserved, len8_dlc, data padded to 16 or 72 bytes.
   */
  const HAND_227 = [
    'I 1700000100.000001',
    // 0x7E8, 3 bytes
    '0000  00 00 07 e8 03 00 00 00 41 0c 1a 00 00 00 00 00',
    'O 1700000100.000002',
    // 29-bit 0x18DAF110 (EFF set), 8 bytes
    '0000  98 da f1 10 08 00 00 00 10 14 62 f1 90 57 44 42',
    'I 1700000100.000003',
    // remote frame 0x7DF, DLC 2
    '0000  40 00 07 df 02 00 00 00 00 00 00 00 00 00 00 00',
    'I 1700000100.000004',
    // error frame, class 0x04 (controller), detail byte 1 = 0x04 (RX warning)
    '0000  20 00 00 04 08 00 00 00 00 04 00 00 00 00 00 00',
    'I 1700000100.000005',
    // CAN FD 0x123, 12 bytes, BRS set, FDF not set (an older capture): told by its 72 bytes
    `0000  00 00 01 23 0c 01 00 00 00 01 02 03 04 05 06 07\n0010  08 09 0a 0b${' 00'.repeat(12)}\n0020 ${' 00'.repeat(16)}\n0030 ${' 00'.repeat(16)}\n0040 ${' 00'.repeat(8)}`,
  ].join('\n');

  itWithTshark(
    'Atelier reads text2pcap captures of hand-written SocketCAN frames (pcapng and pcap) as tshark does',
    async () => {
      const dump = join(dir, 'hand227.txt');
      writeFileSync(dump, `${HAND_227}\n`);
      const ng = join(dir, 'hand227.pcapng');
      run('text2pcap', ['-q', '-D', '-t', '%s.%f', '-l', '227', '-N', 'can2', dump, ng]);
      const theirs = tsharkReads(ng);
      expect(theirs.map((s) => [s.id, s.ext, s.rtr, s.err, s.fd, s.len, s.direction])).toEqual([
        [0x7e8, false, false, false, false, 3, 'rx'],
        [0x18daf110, true, false, false, false, 8, 'tx'],
        [0x7df, false, true, false, false, 2, 'rx'],
        [0x04, false, false, true, false, 8, 'rx'],
        // Wireshark 4.0 goes by CANFD_FDF alone: a 72-byte frame without it is "classic" with 12 bytes.
        [0x123, false, false, false, false, 12, 'rx'],
      ]);
      /**
       * The one known difference: tcpdump.org's rule (no FDF and 72 bytes: CAN FD, as captures of
       * kernels before FDF are) makes that frame CAN FD here; a classic frame cannot carry 12 bytes.
       */
      const sameButFd = (ours: Seen[], theirs: Seen[]) => {
        expect(ours.slice(0, 4)).toEqual(theirs.slice(0, 4));
        expect(ours[4].fd).toBe(true);
        expect(ours[4].brs).toBe(true);
        expect({ ...ours[4], fd: false, brs: false }).toEqual(theirs[4]);
      };
      sameButFd(await atelierReads(ng), theirs);
      // The same dump as classic pcap: no direction, no interface name.
      const classic = join(dir, 'hand227.pcap');
      writeFileSync(dump, `${HAND_227.replace(/^[IO] /gm, '')}\n`);
      run('text2pcap', ['-q', '-F', 'pcap', '-t', '%s.%f', '-l', '227', dump, classic]);
      sameButFd(await atelierReads(classic), tsharkReads(classic));
    },
  );

  itWithTshark(
    'Atelier reads cooked captures (LINUX_SLL, LINUX_SLL2) made by text2pcap as tshark does',
    async () => {
      // Cooked captures keep the CAN id in the capturing host's byte order: little-endian here, as
      // text2pcap writes the file in this (x86 or ARM) machine's order and tshark reads it so.
      const sllHeader = (pkttype: number, protocol: number) =>
        `00 ${pkttype.toString(16).padStart(2, '0')} 01 18 00 00 00 00 00 00 00 00 00 00 00 ${protocol.toString(16).padStart(2, '0')}`;
      const dumpV1 = [
        '1700000200.000001',
        `0000  ${sllHeader(0, 0x0c)}\n0010  e8 07 00 00 03 00 00 00 41 0c 1a 00 00 00 00 00`,
        '1700000200.000002',
        `0000  ${sllHeader(4, 0x0c)}\n0010  10 f1 da 98 02 00 00 00 3e 00 00 00 00 00 00 00`,
        '1700000200.000003',
        // CAN FD by the protocol (0x000D): 0x100, 2 bytes, BRS
        `0000  ${sllHeader(4, 0x0d)}\n0010  00 01 00 00 02 01 00 00 aa bb${' 00'.repeat(6)}`,
      ].join('\n');
      const v1 = join(dir, 'sll.pcap');
      writeFileSync(join(dir, 'sll.txt'), `${dumpV1}\n`);
      run('text2pcap', ['-q', '-F', 'pcap', '-t', '%s.%f', '-l', '113', join(dir, 'sll.txt'), v1]);
      const theirs = tsharkReads(v1);
      expect(theirs.map((s) => [s.id, s.ext, s.fd, s.brs, s.direction, s.data])).toEqual([
        [0x7e8, false, false, false, 'rx', '410c1a'],
        [0x18daf110, true, false, false, 'tx', '3e00'],
        [0x100, false, true, true, 'tx', 'aabb'],
      ]);
      expect(await atelierReads(v1)).toEqual(theirs);

      // LINUX_SLL2: protocol, reserved, interface index 7, ARPHRD_CAN, packet type, address length, address.
      const dumpV2 = [
        '1700000300.5',
        `0000  00 0c 00 00 00 00 00 07 01 18 00 00 00 00 00 00\n0010  00 00 00 00 23 01 00 00 01 00 00 00 ff 00 00 00\n0020  00 00 00 00`,
      ].join('\n');
      const v2 = join(dir, 'sll2.pcap');
      writeFileSync(join(dir, 'sll2.txt'), `${dumpV2}\n`);
      run('text2pcap', ['-q', '-F', 'pcap', '-t', '%s.%f', '-l', '276', join(dir, 'sll2.txt'), v2]);
      const theirs2 = tsharkReads(v2);
      expect(theirs2.map((s) => [s.id, s.data, s.direction])).toEqual([[0x123, 'ff', 'rx']]);
      // tshark has no interface name for a classic pcap; Atelier names the bus by the SLL2 index.
      const ours2 = await atelierReads(v2, (f) => (f.channel === '7' ? '' : `unexpected ${f.channel}`));
      expect(ours2).toEqual(theirs2);
    },
  );

  itWithTshark(
    'a simulated recording marked in pcapng: Wireshark shows the capture comment and reads the same frames',
    async () => {
      const file = join(dir, 'sim.pcapng');
      await writeLog(file, MIXED, 'pcapng');
      const before = tsharkReads(file);
      expect(
        await markOriginFile(file, 'pcapng', { source: 'atelier-simulator', scenario: 'kona-battery' }),
      ).toBe(true);
      expect(run('capinfos', ['-k', file])).toMatch(
        /Capture comment:\s+origin=atelier-simulator scenario=kona-battery — simulated vehicle/,
      );
      expect(tsharkReads(file)).toEqual(before);
      expect(readOriginFile(file, 'pcapng')).toEqual({
        source: 'atelier-simulator',
        scenario: 'kona-battery',
      });
      // Rewritten by Wireshark's editcap, the comment stays and Atelier still finds it.
      const again = join(dir, 'sim-editcap.pcapng');
      run('editcap', ['-F', 'pcapng', file, again]);
      expect(readOriginFile(again, 'pcapng')).toEqual({
        source: 'atelier-simulator',
        scenario: 'kona-battery',
      });
    },
  );
});
