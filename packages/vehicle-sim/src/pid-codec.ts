/**
 * SAE J1979 scaling for the PIDs the simulator serves: physical value → data bytes. Kept to the
 * PIDs we serve; structured PIDs (0x01, 0x03, 0x13, 0x14–0x1B, 0x41, 0x7A) are built by the ECU.
 */
const u8 = (x: number) => Math.max(0, Math.min(255, Math.round(x)));
const u16 = (x: number) => {
  const v = Math.max(0, Math.min(65535, Math.round(x)));
  return [v >> 8, v & 0xff];
};
const pct = (x: number) => [u8((x * 255) / 100)];
const temp = (x: number) => [u8(x + 40)];
const trim = (x: number) => [u8((x * 128) / 100 + 128)];

/** Encoders for scalar PIDs, physical value in the unit J1979 names. */
export const SCALAR_PIDS: Record<number, (v: number) => number[]> = {
  4: pct, // calculated load, %
  5: temp, // coolant, °C
  6: trim, // STFT bank 1, %
  7: trim, // LTFT bank 1, %
  8: trim,
  9: trim,
  11: (v) => [u8(v)], // MAP, kPa
  12: (v) => u16(v * 4), // rpm
  13: (v) => [u8(v)], // km/h
  14: (v) => [u8((v + 64) * 2)], // timing advance, ° before TDC
  15: temp, // intake air, °C
  16: (v) => u16(v * 100), // MAF, g/s
  17: pct, // throttle, %
  28: (v) => [u8(v)], // OBD standard
  31: (v) => u16(v), // run time, s
  33: (v) => u16(v), // distance with MIL on, km
  44: pct, // commanded EGR, %
  45: trim, // EGR error, %
  47: pct, // fuel level, %
  48: (v) => [u8(v)], // warm-ups since codes cleared
  49: (v) => u16(v), // distance since codes cleared, km
  50: (v) => {
    // EVAP vapour pressure, Pa, signed two's complement in 1/4 Pa
    const r = Math.max(-32768, Math.min(32767, Math.round(v * 4))) & 0xffff;
    return [r >> 8, r & 0xff];
  },
  51: (v) => [u8(v)], // barometric pressure, kPa
  66: (v) => u16(v * 1000), // control module voltage, V
  67: (v) => u16((v * 255) / 100), // absolute load, %
  68: (v) => u16(v * 32768), // commanded equivalence ratio
  69: pct, // relative throttle, %
  70: temp, // ambient, °C
  73: pct, // accelerator pedal D, %
  76: pct, // commanded throttle actuator, %
  77: (v) => u16(v), // time run with MIL on, min
  78: (v) => u16(v), // time since codes cleared, min
  81: (v) => [u8(v)], // fuel type
  91: pct, // hybrid/EV battery pack remaining life, %
  92: temp, // oil temperature, °C
  94: (v) => u16(v * 20), // engine fuel rate, l/h
  166: (v) => {
    // odometer, 0.1 km, 4 bytes
    const r = Math.max(0, Math.min(0xffffffff, Math.round(v * 10)));
    return [(r >>> 24) & 0xff, (r >>> 16) & 0xff, (r >>> 8) & 0xff, r & 0xff];
  },
};

/** O2 sensor PIDs 0x14–0x1B: voltage (0.005 V) and the short-term trim it drives (0xFF when none). */
export function o2Bytes(volts: number, trimPct?: number): number[] {
  return [u8(volts / 0.005), trimPct === undefined ? 0xff : trim(trimPct)[0]];
}

/** PID 0x7A (DPF bank 1): support bits, delta pressure (signed, 0.01 kPa), inlet, outlet. */
export function dpfBytes(deltaKpa: number): number[] {
  const d = Math.max(-32768, Math.min(32767, Math.round(deltaKpa * 100))) & 0xffff;
  return [0x01, d >> 8, d & 0xff, 0, 0, 0, 0];
}

/** Bitmap of supported PIDs in the range (base+1 .. base+0x20), as PID `base` returns it. */
export function supportBitmap(base: number, supported: number[]): number[] {
  const out = [0, 0, 0, 0];
  for (const pid of supported) {
    const off = pid - base - 1;
    if (off >= 0 && off < 32) out[off >> 3] |= 0x80 >> (off & 7);
  }
  // The last bit says the next range has something.
  if (supported.some((p) => p > base + 0x20)) out[3] |= 0x01;
  return out;
}

/** J2012 two-byte DTC from its text ("P0171" → 0x01 0x71). */
export function dtcBytes(code: string): [number, number] {
  const letter = 'PCBU'.indexOf(code[0]);
  const n = Number.parseInt(code.slice(1), 16);
  return [(letter << 6) | (n >> 8), n & 0xff];
}

export function dtcText(hi: number, lo: number): string {
  return 'PCBU'[hi >> 6] + (((hi & 0x3f) << 8) | lo).toString(16).toUpperCase().padStart(4, '0');
}
