/**
 * A CAN frame as plain data. Readers produce it, writers and buses consume it; nothing in it is
 * format-specific, so a frame read from an ASC file can be written as candump without loss.
 */
export interface Frame {
  /** Arbitration id: 0..0x7FF for base frames, 0..0x1FFFFFFF for extended ones. */
  id: number;
  /** 29-bit identifier. */
  extended: boolean;
  /** Payload: 0–8 bytes for classic CAN, 0–64 bytes (a valid FD length) for CAN FD. Empty for remote frames. */
  data: Uint8Array;
  /** Seconds (epoch or relative, as the source says) with microsecond precision. */
  timestamp: number;
  /** Remote transmission request. */
  remote?: boolean;
  /** Declared DLC where it differs from data.length (remote frames, DLC 9–15 on classic CAN). */
  dlc?: number;
  /** Error frame; for candump-style sources the id carries the error class bits. */
  error?: boolean;
  /** CAN FD frame, with its bit-rate-switch and error-state-indicator flags. */
  fd?: boolean;
  brs?: boolean;
  esi?: boolean;
  /** Interface or channel name as the source gives it (`can0`, `1`, …). */
  channel?: string;
  /** Direction when the source says it: received or transmitted by the logger. */
  direction?: 'rx' | 'tx';
}

export const MAX_STD_ID = 0x7ff;
export const MAX_EXT_ID = 0x1fffffff;

/** Valid CAN FD payload lengths (DLC 0–15). */
export const FD_LENGTHS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 20, 24, 32, 48, 64] as const;

export class FrameError extends Error {
  override name = 'FrameError';
}

export type FrameInit = Partial<Omit<Frame, 'id' | 'data'>> & {
  id: number;
  data?: Uint8Array | ArrayLike<number>;
};

/** Builds a frame and checks what a bus would refuse: id range, payload length, FD lengths. */
export function makeFrame(init: FrameInit): Frame {
  const data = init.data instanceof Uint8Array ? init.data : Uint8Array.from(init.data ?? []);
  const extended = init.extended ?? init.id > MAX_STD_ID;
  const frame: Frame = { id: init.id, extended, data, timestamp: init.timestamp ?? 0 };
  for (const key of ['remote', 'dlc', 'error', 'fd', 'brs', 'esi', 'channel', 'direction'] as const) {
    if (init[key] !== undefined) (frame as unknown as Record<string, unknown>)[key] = init[key];
  }
  const problem = validateFrame(frame);
  if (problem) throw new FrameError(problem);
  return frame;
}

/** Returns why a frame is invalid, or undefined when it is valid. */
export function validateFrame(frame: Frame): string | undefined {
  if (!Number.isInteger(frame.id) || frame.id < 0) return `id ${frame.id} is not a non-negative integer`;
  if (!frame.error) {
    const max = frame.extended ? MAX_EXT_ID : MAX_STD_ID;
    if (frame.id > max)
      return `id 0x${frame.id.toString(16)} out of range for a ${frame.extended ? '29' : '11'}-bit identifier`;
  }
  const n = frame.data.length;
  if (frame.fd) {
    if (!(FD_LENGTHS as readonly number[]).includes(n))
      return `CAN FD payload of ${n} bytes is not a valid FD length`;
    if (frame.remote) return 'CAN FD has no remote frames';
  } else if (n > 8) {
    return `classic CAN payload of ${n} bytes exceeds 8`;
  }
  if (frame.remote && n > 0) return 'a remote frame carries no data';
  if (frame.dlc !== undefined && (!Number.isInteger(frame.dlc) || frame.dlc < 0 || frame.dlc > 15)) {
    return `DLC ${frame.dlc} outside 0..15`;
  }
  return undefined;
}

/** DLC code for a payload length (CAN FD lengths map to 9–15). */
export function lengthToDlc(length: number): number {
  if (length <= 8) return length;
  const i = FD_LENGTHS.indexOf(length as (typeof FD_LENGTHS)[number]);
  if (i < 0) throw new FrameError(`${length} is not a valid CAN FD length`);
  return i;
}

/** Payload length for a DLC code; classic CAN caps at 8. */
export function dlcToLength(dlc: number, fd = false): number {
  if (dlc < 0 || dlc > 15) throw new FrameError(`DLC ${dlc} outside 0..15`);
  return fd ? FD_LENGTHS[dlc] : Math.min(dlc, 8);
}

/** Two frames carry the same content (timestamps compared to the microsecond). */
export function sameFrame(a: Frame, b: Frame): boolean {
  if (a.id !== b.id || a.extended !== b.extended || a.data.length !== b.data.length) return false;
  if (Math.round(a.timestamp * 1e6) !== Math.round(b.timestamp * 1e6)) return false;
  if (!!a.remote !== !!b.remote || !!a.error !== !!b.error || !!a.fd !== !!b.fd) return false;
  if (!!a.brs !== !!b.brs || !!a.esi !== !!b.esi) return false;
  for (let i = 0; i < a.data.length; i++) if (a.data[i] !== b.data[i]) return false;
  return true;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lower-case hex without separators. */
export function toHex(data: Uint8Array): string {
  let s = '';
  for (let i = 0; i < data.length; i++) s += HEX[data[i]];
  return s;
}

/** Parses hex (spaces allowed); returns undefined on odd length or a non-hex digit. */
export function fromHex(text: string): Uint8Array | undefined {
  const s = text.replace(/\s+/g, '');
  if (s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) return undefined;
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(s.substr(i * 2, 2), 16);
  return out;
}
