import type { Frame } from '../frame.js';
import type { BinarySink, FrameEncoder } from './binary-writer.js';
import { LINKTYPE_CAN_SOCKETCAN } from './pcap.js';
import {
  CAN_EFF_FLAG,
  CAN_ERR_FLAG,
  CAN_MTU,
  CAN_RTR_FLAG,
  CANFD_BRS,
  CANFD_ESI,
  CANFD_FDF,
  CANFD_MTU,
  SOCKETCAN_HEADER,
} from './socketcan-packet.js';

/**
 * Writes pcapng with LINKTYPE_CAN_SOCKETCAN, what Wireshark saves and reads first: one section
 * (its length left unspecified, so nothing is patched and a stream works), an interface
 * description block per channel (`if_name` is the channel, `if_tsresol` microseconds, as a
 * frame's time is kept) written when the channel first appears, and an enhanced packet block per
 * frame, its `epb_flags` saying the direction when the frame has one. Frames are laid out as the
 * kernel hands them to tcpdump: 16 bytes for CAN (`len8_dlc` for a DLC of 9–15), 72 for CAN FD
 * with CANFD_FDF set, so readers that go by the flag and older ones that go by the size agree.
 * Little-endian, as the machines that capture CAN are; the CAN id word is big-endian, as the
 * link type says.
 */

const SHB = 0x0a0d0d0a;
const IDB = 1;
const EPB = 6;
const IF_NAME = 2;
const IF_TSRESOL = 9;
const EPB_FLAGS = 2;
/** Blocks gathered before a write: one call per many frames. */
const FLUSH_AT = 64 * 1024;

export function pcapngEncoder(sink: BinarySink): FrameEncoder {
  const interfaces = new Map<string, number>();
  let parts: Buffer[] = [];
  let pending = 0;
  let started = false;

  const push = (b: Buffer) => {
    parts.push(b);
    pending += b.length;
  };
  const flush = (): void | Promise<void> => {
    if (pending === 0) return;
    const bytes = parts.length === 1 ? parts[0] : Buffer.concat(parts, pending);
    parts = [];
    pending = 0;
    return sink.write(bytes);
  };

  const interfaceOf = (channel: string): number => {
    let id = interfaces.get(channel);
    if (id === undefined) {
      id = interfaces.size;
      interfaces.set(channel, id);
      push(interfaceBlock(channel));
    }
    return id;
  };

  return {
    add(frame: Frame) {
      if (!started) {
        push(sectionHeader());
        started = true;
      }
      const id = interfaceOf(frame.channel ?? 'can0');
      push(packetBlock(frame, id));
      if (pending >= FLUSH_AT) return flush();
    },
    async finish() {
      if (!started) push(sectionHeader());
      await flush();
    },
  };
}

function sectionHeader(): Buffer {
  const b = Buffer.alloc(28);
  b.writeUInt32LE(SHB, 0);
  b.writeUInt32LE(28, 4);
  b.writeUInt32LE(0x1a2b3c4d, 8);
  b.writeUInt16LE(1, 12);
  b.writeUInt16LE(0, 14);
  // Section length -1: not given (the file is written front to back, never patched).
  b.writeInt32LE(-1, 16);
  b.writeInt32LE(-1, 20);
  b.writeUInt32LE(28, 24);
  return b;
}

function interfaceBlock(name: string): Buffer {
  const nameBytes = Buffer.from(name, 'utf8');
  const nameOpt = 4 + pad4(nameBytes.length);
  const length = 8 + 8 + nameOpt + 8 + 4 + 4;
  const b = Buffer.alloc(length);
  b.writeUInt32LE(IDB, 0);
  b.writeUInt32LE(length, 4);
  b.writeUInt16LE(LINKTYPE_CAN_SOCKETCAN, 8);
  b.writeUInt32LE(0, 12); // snaplen 0: no limit
  let q = 16;
  b.writeUInt16LE(IF_NAME, q);
  b.writeUInt16LE(nameBytes.length, q + 2);
  nameBytes.copy(b, q + 4);
  q += nameOpt;
  b.writeUInt16LE(IF_TSRESOL, q);
  b.writeUInt16LE(1, q + 2);
  b[q + 4] = 6; // 10^-6 s
  q += 8;
  // opt_endofopt: four zero bytes, already there.
  b.writeUInt32LE(length, length - 4);
  return b;
}

function packetBlock(frame: Frame, iface: number): Buffer {
  const fd = !!frame.fd;
  const size = fd ? CANFD_MTU : CAN_MTU;
  const flagsOpt = frame.direction ? 8 : 0;
  const length = 28 + size + flagsOpt + (flagsOpt ? 4 : 0) + 4;
  const b = Buffer.alloc(length);
  b.writeUInt32LE(EPB, 0);
  b.writeUInt32LE(length, 4);
  b.writeUInt32LE(iface, 8);
  // Microseconds since 1970 as a 64-bit count: exact for any time a log holds.
  const us = Math.round(frame.timestamp * 1e6);
  const hi = Math.floor(us / 2 ** 32);
  b.writeUInt32LE(hi, 12);
  b.writeUInt32LE(us - hi * 2 ** 32, 16);
  b.writeUInt32LE(size, 20);
  b.writeUInt32LE(size, 24);
  const q = 28;
  let word = frame.id;
  if (frame.error) word = (CAN_ERR_FLAG | frame.id) >>> 0;
  else {
    if (frame.extended) word = (word | CAN_EFF_FLAG) >>> 0;
    if (frame.remote) word = (word | CAN_RTR_FLAG) >>> 0;
  }
  b.writeUInt32BE(word, q);
  if (frame.remote) {
    // A remote frame's length field is its DLC.
    b[q + 4] = frame.dlc ?? 0;
  } else {
    b[q + 4] = frame.data.length;
    if (fd) b[q + 5] = CANFD_FDF | (frame.brs ? CANFD_BRS : 0) | (frame.esi ? CANFD_ESI : 0);
    else if (frame.data.length === 8 && frame.dlc !== undefined && frame.dlc > 8) b[q + 7] = frame.dlc;
    b.set(frame.data, q + SOCKETCAN_HEADER);
  }
  if (flagsOpt) {
    const o = q + size;
    b.writeUInt16LE(EPB_FLAGS, o);
    b.writeUInt16LE(4, o + 2);
    b.writeUInt32LE(frame.direction === 'rx' ? 1 : 2, o + 4);
    // opt_endofopt follows as zeros.
  }
  b.writeUInt32LE(length, length - 4);
  return b;
}

const pad4 = (n: number) => (n + 3) & ~3;
