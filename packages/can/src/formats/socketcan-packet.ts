import { FrameFlag } from '../batch.js';
import { FD_LENGTHS } from '../frame.js';
import { type Reason, reason } from '../reason.js';
import type { FrameRow } from './frame-row.js';

/**
 * The SocketCAN frame inside a captured packet, as tcpdump.org's LINKTYPE_CAN_SOCKETCAN page lays
 * it out (the kernel's `struct can_frame` / `struct canfd_frame`): a 32-bit CAN id word with the
 * EFF (0x80000000), RTR (0x40000000) and ERR (0x20000000) flags, the payload length, the FD flags
 * (BRS 0x01, ESI 0x02, FDF 0x04), a reserved byte, `len8_dlc` (a classic frame's DLC 9–15 when
 * its length is 8), then the payload and padding to 16 (CAN) or 72 (CAN FD) bytes. A CAN XL
 * frame has another header, told by bit 0x80 of the fifth byte (a CAN or CAN FD length never
 * has it).
 */

export const CAN_EFF_FLAG = 0x80000000;
export const CAN_RTR_FLAG = 0x40000000;
export const CAN_ERR_FLAG = 0x20000000;
export const CANFD_BRS = 0x01;
export const CANFD_ESI = 0x02;
export const CANFD_FDF = 0x04;
const CANXL_XLF = 0x80;
/** `sizeof(struct can_frame)` and `sizeof(struct canfd_frame)`: CAN_MTU and CANFD_MTU. */
export const CAN_MTU = 16;
export const CANFD_MTU = 72;
export const SOCKETCAN_HEADER = 8;

/** How the packet says what it carries: a LINKTYPE_CAN_SOCKETCAN packet, or a cooked capture's protocol. */
export type CanKind = 'socketcan' | 'can' | 'canfd';

/** What a packet turned out to be: a frame in the row, not a CAN or CAN FD frame, or a problem. */
export type PacketResult = 'frame' | 'other' | Reason;

/**
 * Decodes the SocketCAN frame at `at` (`length` bytes captured of `wire` on the wire) into `row`.
 * `littleEndian`: the CAN id word's byte order — network order in LINKTYPE_CAN_SOCKETCAN, the
 * capturing host's in cooked captures (see the README).
 */
export function decodeSocketCan(
  buf: Uint8Array,
  at: number,
  length: number,
  wire: number,
  kind: CanKind,
  littleEndian: boolean,
  row: FrameRow,
): PacketResult {
  if (length < SOCKETCAN_HEADER) return reason('pcap.can-short', { length });
  const len = buf[at + 4];
  const fdFlags = buf[at + 5];
  if (kind === 'socketcan' && (len & CANXL_XLF) !== 0) return 'other';
  const word = littleEndian
    ? (buf[at] | (buf[at + 1] << 8) | (buf[at + 2] << 16) | (buf[at + 3] << 24)) >>> 0
    : ((buf[at] << 24) | (buf[at + 1] << 16) | (buf[at + 2] << 8) | buf[at + 3]) >>> 0;
  // The page's rule: FDF says CAN FD; without it (older software never set it) a 72-byte frame is CAN FD.
  const fd =
    kind === 'canfd' || (kind === 'socketcan' && ((fdFlags & CANFD_FDF) !== 0 || wire === CANFD_MTU));
  const extended = (word & CAN_EFF_FLAG) !== 0;
  const error = (word & CAN_ERR_FLAG) !== 0;
  const remote = !fd && !error && (word & CAN_RTR_FLAG) !== 0;
  let id = word & 0x1fffffff;
  if (!extended && !error && id > 0x7ff)
    return reason('id-over-11-bit', { id: id.toString(16).toUpperCase() });
  let flags = 0;
  let dlc = -1;
  let n = len;
  if (error) {
    // As candump: the error class stays in the id, the detail in the 8 data bytes.
    flags = FrameFlag.ERROR;
    if (len > 8) return reason('classic-too-long', { n: len });
  } else {
    if (extended) flags |= FrameFlag.EXTENDED;
    else id &= 0x7ff;
    if (fd) {
      if (!(FD_LENGTHS as readonly number[]).includes(len)) return reason('fd-bad-length', { n: len });
      flags |= FrameFlag.FD;
      if (fdFlags & CANFD_BRS) flags |= FrameFlag.BRS;
      if (fdFlags & CANFD_ESI) flags |= FrameFlag.ESI;
    } else if (remote) {
      // A remote frame's length field is its DLC; it carries no data.
      if (len > 15) return reason('classic-too-long', { n: len });
      flags |= FrameFlag.REMOTE;
      if (len > 0) dlc = len;
      n = 0;
    } else {
      if (len > 8) return reason('classic-too-long', { n: len });
      const len8 = buf[at + 7];
      if (len === 8 && len8 > 8 && len8 <= 15 && length >= SOCKETCAN_HEADER) dlc = len8;
    }
  }
  if (SOCKETCAN_HEADER + n > length)
    return reason('pcap.data-cut', { announced: n, holds: Math.max(0, length - SOCKETCAN_HEADER) });
  row.id = id;
  row.flags = flags;
  row.dlc = dlc;
  row.src = buf;
  row.at = at + SOCKETCAN_HEADER;
  row.length = n;
  return 'frame';
}
