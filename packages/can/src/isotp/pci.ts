import { FD_LENGTHS } from '../frame.js';
import { IsoTpConfigError } from './errors.js';

/**
 * N_PDU layout (ISO 15765-2:2016 §9.6). `offset` is 1 under extended addressing (the address byte
 * comes first), else 0. Lengths are payload bytes; `dl` is the CAN frame data length the sender uses
 * (TX_DL: 8 for classic CAN, up to 64 on CAN FD).
 */

export const PCI_SF = 0x0;
export const PCI_FF = 0x1;
export const PCI_CF = 0x2;
export const PCI_FC = 0x3;

export const FS_CTS = 0;
export const FS_WAIT = 1;
export const FS_OVFLW = 2;

/** Largest FF_DL the 12-bit field holds; longer messages use the 32-bit escape. */
export const MAX_FF_DL_12 = 0xfff;
export const MAX_FF_DL_32 = 0xffffffff;

/** Payload bytes a single frame carries for a given TX_DL. */
export function singleFrameCapacity(dl: number, offset: number): number {
  // 4-bit SF_DL up to CAN_DL 8, the 0x00 + length escape above (§9.6.2.1).
  return dl <= 8 ? dl - 1 - offset : dl - 2 - offset;
}

/** Payload bytes in a first frame. */
export function firstFrameCapacity(dl: number, offset: number, length: number): number {
  return dl - offset - (length > MAX_FF_DL_12 ? 6 : 2);
}

/** Payload bytes in a consecutive frame. */
export function consecutiveFrameCapacity(dl: number, offset: number): number {
  return dl - 1 - offset;
}

/** Smallest valid CAN FD data length holding `n` bytes. */
export function fdLength(n: number): number {
  for (const l of FD_LENGTHS) if (l >= n) return l;
  return 64;
}

export type Pdu =
  | { type: 'sf'; data: Uint8Array }
  | { type: 'ff'; length: number; data: Uint8Array }
  | { type: 'cf'; sn: number; data: Uint8Array }
  | { type: 'fc'; fs: number; bs: number; stMin: number };

/**
 * Reads one N_PDU from a frame's data, or returns a reason it is not a valid one (the standard says
 * to ignore such frames). `data` slices are views into the frame, not copies.
 */
export function parsePdu(frame: Uint8Array, offset: number): Pdu | string {
  const n = frame.length;
  if (n <= offset) return 'frame too short for a PCI';
  const pci = frame[offset];
  const type = pci >> 4;
  switch (type) {
    case PCI_SF: {
      let len = pci & 0x0f;
      let start = offset + 1;
      if (len === 0) {
        // Escape SF only exists on frames longer than 8 bytes.
        if (n <= 8) return 'single frame with SF_DL 0';
        if (n < offset + 2) return 'escape single frame too short';
        len = frame[offset + 1];
        start = offset + 2;
        if (len === 0) return 'single frame with SF_DL 0';
        if (len <= 7 - offset) return `escape single frame with SF_DL ${len} that fits a 4-bit SF_DL`;
      } else if (n > 8) {
        return 'CAN FD single frame must use the SF_DL escape';
      }
      if (start + len > n) return `single frame announces ${len} bytes but carries ${n - start}`;
      return { type: 'sf', data: frame.subarray(start, start + len) };
    }
    case PCI_FF: {
      if (n < offset + 2) return 'first frame too short';
      let length = ((pci & 0x0f) << 8) | frame[offset + 1];
      let start = offset + 2;
      if (length === 0) {
        if (n < offset + 6) return 'escape first frame too short';
        length =
          ((frame[offset + 2] << 24) |
            (frame[offset + 3] << 16) |
            (frame[offset + 4] << 8) |
            frame[offset + 5]) >>>
          0;
        start = offset + 6;
        if (length <= MAX_FF_DL_12) return `escape first frame with FF_DL ${length} that fits 12 bits`;
      }
      // A first frame must be a full frame and announce more than a single frame of that size holds.
      if (n < 8) return `first frame of ${n} bytes (must be at least 8)`;
      if (length <= singleFrameCapacity(n, offset))
        return `first frame announces ${length} bytes, a single frame would do`;
      return { type: 'ff', length, data: frame.subarray(start, n) };
    }
    case PCI_CF:
      return { type: 'cf', sn: pci & 0x0f, data: frame.subarray(offset + 1, n) };
    case PCI_FC:
      if (n < offset + 3) return 'flow control too short';
      return { type: 'fc', fs: pci & 0x0f, bs: frame[offset + 1], stMin: frame[offset + 2] };
    default:
      return `unknown PCI type 0x${type.toString(16)}`;
  }
}

/** STmin byte → milliseconds. Reserved values count as 127 ms, as §9.6.5.4 requires. */
export function stMinToMs(code: number): number {
  if (code <= 0x7f) return code;
  if (code >= 0xf1 && code <= 0xf9) return (code - 0xf0) / 10;
  return 0x7f;
}

/** Checks an STmin option: 0–0x7F ms or 0xF1–0xF9 (100–900 µs). */
export function checkStMin(code: number): number {
  if (Number.isInteger(code) && ((code >= 0 && code <= 0x7f) || (code >= 0xf1 && code <= 0xf9))) return code;
  throw new IsoTpConfigError(`stMin ${code} is neither 0–127 ms nor a 0xF1–0xF9 microsecond code`);
}

/** Builds frames for one side of an endpoint: address byte, padding and frame lengths. */
export class PduWriter {
  constructor(
    /** TX_DL: 8 for classic CAN, 12–64 on CAN FD. */
    readonly dl: number,
    readonly offset: number,
    readonly address: number | undefined,
    readonly padding: number | null,
    readonly fd: boolean,
  ) {}

  private frame(used: number): Uint8Array {
    // Classic CAN: pad to 8 when padding is on, else the bytes used. CAN FD: a valid FD length,
    // padded (mandatory above 8 bytes, §9.4.2.2; 0xCC when padding is off).
    let size = used;
    if (this.fd) size = fdLength(this.padding === null ? used : Math.max(used, 8));
    else if (this.padding !== null) size = 8;
    const out = new Uint8Array(size);
    if (size > used) out.fill(this.padding ?? 0xcc, used);
    if (this.address !== undefined) out[0] = this.address;
    return out;
  }

  singleFrame(payload: Uint8Array): Uint8Array {
    const o = this.offset;
    if (payload.length <= 7 - o) {
      const out = this.frame(o + 1 + payload.length);
      out[o] = payload.length;
      out.set(payload, o + 1);
      return out;
    }
    const out = this.frame(o + 2 + payload.length);
    out[o] = 0;
    out[o + 1] = payload.length;
    out.set(payload, o + 2);
    return out;
  }

  firstFrame(payload: Uint8Array): { frame: Uint8Array; sent: number } {
    const o = this.offset;
    const len = payload.length;
    const out = this.frame(this.dl);
    let start: number;
    if (len > MAX_FF_DL_12) {
      out[o] = 0x10;
      out[o + 1] = 0;
      out[o + 2] = len >>> 24;
      out[o + 3] = (len >>> 16) & 0xff;
      out[o + 4] = (len >>> 8) & 0xff;
      out[o + 5] = len & 0xff;
      start = o + 6;
    } else {
      out[o] = 0x10 | (len >> 8);
      out[o + 1] = len & 0xff;
      start = o + 2;
    }
    const sent = this.dl - start;
    out.set(payload.subarray(0, sent), start);
    return { frame: out, sent };
  }

  consecutiveFrame(sn: number, chunk: Uint8Array): Uint8Array {
    const o = this.offset;
    const out = this.frame(o + 1 + chunk.length);
    out[o] = 0x20 | (sn & 0x0f);
    out.set(chunk, o + 1);
    return out;
  }

  flowControl(fs: number, bs: number, stMin: number): Uint8Array {
    const o = this.offset;
    const out = this.frame(o + 3);
    out[o] = 0x30 | fs;
    out[o + 1] = bs;
    out[o + 2] = stMin;
    return out;
  }
}
