import type { ByteOrder } from './model.js';

/** Largest payload a DBC message can describe here (CAN FD frame or reassembled ISO-TP payload up to 4095 bytes). */
export const MAX_MESSAGE_BYTES = 4095;

/**
 * Positions of a signal's bits, LSB first, as `byte * 8 + bit` (bit 0 = least significant bit of
 * the byte). Intel signals run upwards from their start bit; Motorola signals start at their MSB
 * and run down through each byte, then on to the next byte's bit 7 (DBC's "sawtooth" numbering).
 */
export function signalBitPositions(startBit: number, length: number, order: ByteOrder): number[] {
  const out = new Array<number>(length);
  if (order === 'little-endian') {
    for (let k = 0; k < length; k++) out[k] = startBit + k;
    return out;
  }
  let p = startBit;
  for (let k = length - 1; k >= 0; k--) {
    out[k] = p;
    p = p % 8 === 0 ? p + 15 : p - 1;
  }
  return out;
}

/** One run of a signal's bits inside one byte. */
export interface BitSegment {
  byte: number;
  /** Lowest bit of the run within the byte. */
  shift: number;
  width: number;
  /** Mask of `width` ones (not shifted). */
  mask: number;
  /** Weight of the run's lowest bit in the signal value (bit index, LSB = 0). */
  dst: number;
}

/** Groups bit positions into per-byte runs: at most one segment per byte touched. */
export function bitSegments(positions: number[]): BitSegment[] {
  const out: BitSegment[] = [];
  let k = 0;
  while (k < positions.length) {
    const byte = positions[k] >> 3;
    const shift = positions[k] & 7;
    let width = 1;
    while (
      k + width < positions.length &&
      positions[k + width] === positions[k] + width &&
      positions[k + width] >> 3 === byte
    )
      width++;
    out.push({ byte, shift, width, mask: width === 32 ? 0xffffffff : (1 << width) - 1, dst: k });
    k += width;
  }
  return out;
}
