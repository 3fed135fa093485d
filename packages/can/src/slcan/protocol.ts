/**
 * The Lawicel SLCAN (serial line CAN) ASCII protocol: what goes on the wire, both ways, as pure
 * functions. Sources, each command checked against at least two of them (README of this folder):
 * the Lawicel CANUSB and CAN232 manuals, the USBtin firmware notes, the CANable slcan firmware
 * documentation, and Linux's slcan driver documentation (for the `e`/`s` error and state lines).
 */
import { type Frame, FrameError, MAX_EXT_ID, MAX_STD_ID } from '../frame.js';

/** Every reply and frame line ends with CR; an error is a lone BELL (no CR). */
export const CR = 0x0d;
export const BELL = 0x07;

/**
 * The standard bit rates `S0`–`S8` select (Lawicel CANUSB/CAN232). S7 is 800 kbit/s in Lawicel's
 * manuals and 750 kbit/s in CANable's firmware: both names select it.
 */
export const SLCAN_BITRATES: ReadonlyMap<number, number> = new Map([
  [10_000, 0],
  [20_000, 1],
  [50_000, 2],
  [100_000, 3],
  [125_000, 4],
  [250_000, 5],
  [500_000, 6],
  [800_000, 7],
  [750_000, 7],
  [1_000_000, 8],
]);

/** The bit rate each `Sn` code stands for (Lawicel's table; CANable's S7 is 750 kbit/s). */
export const SLCAN_CODE_BITRATES = [
  10_000, 20_000, 50_000, 100_000, 125_000, 250_000, 500_000, 800_000, 1_000_000,
];

/** The Z1 timestamp: milliseconds counting 0..59,999 then wrapping (Lawicel: 0x0000–0xEA5F). */
export const TIMESTAMP_WRAP_MS = 60_000;

/** A line the adapter sent that cannot be what the protocol allows. */
export class SlcanProtocolError extends Error {
  override name = 'SlcanProtocolError';
  constructor(
    readonly line: string,
    /** The parser's English words for what is wrong, kept so that the line can be said in French. */
    readonly reason: string,
  ) {
    super(`SLCAN line '${printable(line)}': ${reason}`);
  }
}

/** A line with control bytes shown, for error messages. */
export function printable(line: string): string {
  const shown = line.length > 40 ? `${line.slice(0, 40)}...` : line;
  let out = '';
  for (const c of shown) {
    const code = c.charCodeAt(0);
    out += code < 0x20 || code > 0x7e ? `\\x${code.toString(16).padStart(2, '0')}` : c;
  }
  return out;
}

/** The bit-rate command for a standard rate: `S6` for 500,000. Throws for a rate SLCAN has no code for. */
export function bitrateCommand(bitrate: number): string {
  const code = SLCAN_BITRATES.get(bitrate);
  if (code === undefined) throw new SlcanBitrateError(bitrate);
  return `S${code}`;
}

/** A bit rate SLCAN has no `Sn` code for: the timing registers (`btr=`) are the way to ask for it. */
export class SlcanBitrateError extends FrameError {
  // The name it was shown under before it had a class of its own: English output stays word for word.
  override name = 'FrameError';
  constructor(readonly bitrate: number) {
    super(
      `${bitrate} bit/s is not a standard SLCAN rate (${[...SLCAN_BITRATES.keys()].join(', ')}); give the controller's timing registers instead (btr=)`,
    );
  }

  /** In `lang`, without the class name: the French for the command line's user. */
  messageIn(lang: 'fr' | 'en'): string {
    if (lang === 'en') return this.message;
    const rates = [...SLCAN_BITRATES.keys()].join(', ');
    return (
      `${this.bitrate} bit/s n'est pas un débit SLCAN standard (${rates}) ; ` +
      'donnez plutôt les registres de cadencement du contrôleur (btr=)'
    );
  }
}

const HEX_UPPER = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'));

/**
 * The transmit line for a frame, without its CR: `t` / `T` (11/29-bit data), `r` / `R` (remote),
 * id in upper-case hex (3 or 8 digits), one DLC digit, the data bytes; with `timestampMs`, the
 * four-digit Z1 timestamp the adapter appends to received frames (the emulator uses it).
 */
export function encodeFrame(frame: Frame, timestampMs?: number): string {
  if (frame.fd) throw new FrameError('SLCAN carries classic CAN frames only (no CAN FD)');
  if (frame.error) throw new FrameError('an error frame is raised by a controller, not sent');
  const max = frame.extended ? MAX_EXT_ID : MAX_STD_ID;
  if (!Number.isInteger(frame.id) || frame.id < 0 || frame.id > max)
    throw new FrameError(
      `id 0x${frame.id.toString(16)} out of range for a ${frame.extended ? 29 : 11}-bit frame`,
    );
  const id = frame.id
    .toString(16)
    .toUpperCase()
    .padStart(frame.extended ? 8 : 3, '0');
  let line: string;
  if (frame.remote) {
    const dlc = frame.dlc ?? 0;
    if (dlc > 8) throw new FrameError(`remote frame DLC ${dlc} is over 8`);
    line = `${frame.extended ? 'R' : 'r'}${id}${dlc}`;
  } else {
    if (frame.data.length > 8) throw new FrameError(`payload of ${frame.data.length} bytes is over 8`);
    line = `${frame.extended ? 'T' : 't'}${id}${frame.data.length}`;
    for (const b of frame.data) line += HEX_UPPER[b];
  }
  if (timestampMs !== undefined)
    line += (timestampMs % TIMESTAMP_WRAP_MS).toString(16).toUpperCase().padStart(4, '0');
  return line;
}

/** A frame line as received: the frame (timestamp 0, for the caller to set) and the Z1 stamp when present. */
export interface SlcanFrameLine {
  frame: Frame;
  /** The adapter's 0..59,999 ms counter, when timestamps are on (`Z1`). */
  timestampMs?: number;
}

function hexValue(s: string, from: number, to: number): number {
  let v = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    let d: number;
    if (c >= 0x30 && c <= 0x39) d = c - 0x30;
    else if (c >= 0x41 && c <= 0x46) d = c - 0x37;
    else if (c >= 0x61 && c <= 0x66) d = c - 0x57;
    else return -1;
    v = v * 16 + d;
  }
  return v;
}

/**
 * Decodes a `t`/`T`/`r`/`R` line (without its CR). The length tells whether a Z1 timestamp follows
 * the data, so a firmware that keeps `Z1` from an earlier session is still read right.
 */
export function decodeFrame(line: string): SlcanFrameLine {
  const kind = line[0];
  const extended = kind === 'T' || kind === 'R';
  const remote = kind === 'r' || kind === 'R';
  if (kind !== 't' && kind !== 'T' && kind !== 'r' && kind !== 'R')
    throw new SlcanProtocolError(line, 'not a frame (t, T, r or R)');
  const idLen = extended ? 8 : 3;
  if (line.length < 1 + idLen + 1) throw new SlcanProtocolError(line, 'too short for a frame');
  const id = hexValue(line, 1, 1 + idLen);
  if (id < 0) throw new SlcanProtocolError(line, 'the identifier is not hexadecimal');
  if (id > (extended ? MAX_EXT_ID : MAX_STD_ID))
    throw new SlcanProtocolError(line, `identifier 0x${id.toString(16)} out of range`);
  const dlc = line.charCodeAt(1 + idLen) - 0x30;
  if (!(dlc >= 0 && dlc <= 8)) throw new SlcanProtocolError(line, `DLC '${line[1 + idLen]}' is not 0–8`);
  const dataStart = 2 + idLen;
  const dataLen = remote ? 0 : dlc * 2;
  const rest = line.length - dataStart - dataLen;
  if (rest !== 0 && rest !== 4)
    throw new SlcanProtocolError(
      line,
      `${line.length} characters: a DLC of ${dlc} needs ${dataStart + dataLen} (or 4 more with a timestamp)`,
    );
  const data = new Uint8Array(remote ? 0 : dlc);
  for (let i = 0; i < data.length; i++) {
    const b = hexValue(line, dataStart + 2 * i, dataStart + 2 * i + 2);
    if (b < 0) throw new SlcanProtocolError(line, `data byte ${i} is not hexadecimal`);
    data[i] = b;
  }
  const frame: Frame = { id, extended, data, timestamp: 0 };
  if (remote) {
    frame.remote = true;
    frame.dlc = dlc;
  }
  if (rest === 0) return { frame };
  const ts = hexValue(line, line.length - 4, line.length);
  if (ts < 0 || ts >= TIMESTAMP_WRAP_MS)
    throw new SlcanProtocolError(line, 'the timestamp is not a 0..59999 ms hexadecimal counter');
  return { frame, timestampMs: ts };
}

/** The status byte `F` returns (Lawicel CANUSB/CAN232; the SJA1000's interrupt flags). */
export interface SlcanStatus {
  /** The byte as read. */
  raw: number;
  /** Bit 0: the adapter's receive FIFO was full — frames were lost. */
  rxFifoFull: boolean;
  /** Bit 1: the transmit FIFO was full — frames were not sent. */
  txFifoFull: boolean;
  /** Bit 2: error warning (an error counter reached 96). */
  errorWarning: boolean;
  /** Bit 3: data overrun in the controller. */
  dataOverrun: boolean;
  /** Bit 5: error passive (an error counter over 127). */
  errorPassive: boolean;
  /** Bit 6: arbitration lost. */
  arbitrationLost: boolean;
  /** Bit 7: bus error. */
  busError: boolean;
}

export function decodeStatus(raw: number): SlcanStatus {
  return {
    raw,
    rxFifoFull: (raw & 0x01) !== 0,
    txFifoFull: (raw & 0x02) !== 0,
    errorWarning: (raw & 0x04) !== 0,
    dataOverrun: (raw & 0x08) !== 0,
    errorPassive: (raw & 0x20) !== 0,
    arbitrationLost: (raw & 0x40) !== 0,
    busError: (raw & 0x80) !== 0,
  };
}

/** The flags that are set, by name, for messages and traffic (`errorPassive, dataOverrun`). */
export function statusNames(s: SlcanStatus): string[] {
  return (Object.keys(s) as (keyof SlcanStatus)[]).filter((k) => k !== 'raw' && s[k] === true);
}

// Linux <linux/can/error.h>: error classes carried in the id of an error frame, and the data bytes.
export const CAN_ERR = {
  LOSTARB: 0x2,
  CRTL: 0x4,
  PROT: 0x8,
  ACK: 0x20,
  BUSOFF: 0x40,
  BUSERROR: 0x80,
  CNT: 0x200,
} as const;
const CRTL_RX_OVERFLOW = 0x01;
const CRTL_TX_OVERFLOW = 0x02;
const CRTL_RX_WARNING = 0x04;
const CRTL_TX_WARNING = 0x08;
const CRTL_RX_PASSIVE = 0x10;
const CRTL_TX_PASSIVE = 0x20;
const PROT_BIT = 0x01;
const PROT_FORM = 0x02;
const PROT_STUFF = 0x04;
const PROT_BIT0 = 0x08;
const PROT_BIT1 = 0x10;
const PROT_LOC_CRC_SEQ = 0x08;
const PROT_LOC_ACK = 0x19;

/** An error frame in SocketCAN's layout (class bits in the id, details in the 8 data bytes). */
function errorFrame(id: number, data: Uint8Array): Frame {
  return { id, extended: false, error: true, data, timestamp: 0, dlc: 8 };
}

/**
 * Linux's slcan error line `e<n><codes>` (`e1a`: an ACK error; codes a ACK, b/B bit 0/1, c CRC,
 * f form, o/O receive/transmit overrun, s stuff) as a SocketCAN error frame. Undefined for a line
 * that is not one.
 */
export function decodeErrorLine(line: string): Frame | undefined {
  const n = line.charCodeAt(1) - 0x30;
  if (line[0] !== 'e' || !(n >= 1 && n <= 8) || line.length !== 2 + n) return undefined;
  let id = CAN_ERR.PROT | CAN_ERR.BUSERROR;
  const data = new Uint8Array(8);
  for (const code of line.slice(2)) {
    switch (code) {
      case 'a':
        id |= CAN_ERR.ACK;
        data[3] = PROT_LOC_ACK;
        break;
      case 'b':
        data[2] |= PROT_BIT0;
        break;
      case 'B':
        data[2] |= PROT_BIT1;
        break;
      case 'c':
        data[2] |= PROT_BIT;
        data[3] = PROT_LOC_CRC_SEQ;
        break;
      case 'f':
        data[2] |= PROT_FORM;
        break;
      case 'o':
        id |= CAN_ERR.CRTL;
        data[1] |= CRTL_RX_OVERFLOW;
        break;
      case 'O':
        id |= CAN_ERR.CRTL;
        data[1] |= CRTL_TX_OVERFLOW;
        break;
      case 's':
        data[2] |= PROT_STUFF;
        break;
      default:
        return undefined;
    }
  }
  return errorFrame(id, data);
}

export type ControllerState = 'error-active' | 'error-warning' | 'error-passive' | 'bus-off';
const STATES: Record<string, ControllerState> = {
  a: 'error-active',
  w: 'error-warning',
  p: 'error-passive',
  b: 'bus-off',
};

/**
 * Linux's slcan state line `s<state><rx:3><tx:3>` (`sb256256`: bus-off, both counters 256) as the
 * state and an error frame carrying it with the counters. Undefined for a line that is not one.
 */
export function decodeStateLine(
  line: string,
): { state: ControllerState; rxErrors: number; txErrors: number; frame: Frame } | undefined {
  const state = STATES[line[1] ?? ''];
  if (line[0] !== 's' || !state || line.length !== 8 || !/^\d{6}$/.test(line.slice(2))) return undefined;
  const rxErrors = Number(line.slice(2, 5));
  const txErrors = Number(line.slice(5, 8));
  const data = new Uint8Array(8);
  let id = CAN_ERR.CNT;
  if (state === 'bus-off') id |= CAN_ERR.BUSOFF;
  else if (state !== 'error-active') {
    id |= CAN_ERR.CRTL;
    const warn = state === 'error-warning';
    if (rxErrors >= txErrors) data[1] |= warn ? CRTL_RX_WARNING : CRTL_RX_PASSIVE;
    if (txErrors >= rxErrors) data[1] |= warn ? CRTL_TX_WARNING : CRTL_TX_PASSIVE;
  }
  data[6] = Math.min(txErrors, 255);
  data[7] = Math.min(rxErrors, 255);
  return { state, rxErrors, txErrors, frame: errorFrame(id, data) };
}

/**
 * The SJA1000 acceptance registers (`M`/`m`, 8 hex digits each: ACR0..3 and AMR0..3, a 1 in the
 * mask meaning "don't care") for one filter, in the controller's single-filter layout: an 11-bit id
 * in ACR0 and the top 3 bits of ACR1, a 29-bit id in the top 29 bits of ACR0..3. The remote bit and,
 * for 11-bit frames, the first two data bytes are left as don't-care.
 */
export function acceptanceRegisters(filter: { id: number; mask: number; extended: boolean }): {
  code: number;
  mask: number;
} {
  if (filter.extended) {
    const code = ((filter.id & MAX_EXT_ID) << 3) >>> 0;
    const mask = (((~(filter.mask & MAX_EXT_ID) & MAX_EXT_ID) << 3) | 0x7) >>> 0;
    return { code, mask };
  }
  const code = ((filter.id & MAX_STD_ID) << 21) >>> 0;
  const mask = (((~(filter.mask & MAX_STD_ID) & MAX_STD_ID) << 21) | 0x1fffff) >>> 0;
  return { code, mask };
}

/** Whether a frame passes SJA1000 single-filter acceptance registers (what the emulator applies). */
export function passesAcceptance(frame: Frame, code: number, mask: number): boolean {
  let bits: number;
  if (frame.extended) bits = ((frame.id << 3) | (frame.remote ? 0x4 : 0)) >>> 0;
  else
    bits =
      ((frame.id << 21) |
        (frame.remote ? 1 << 20 : 0) |
        ((frame.data[0] ?? 0) << 8) |
        (frame.data[1] ?? 0)) >>>
      0;
  return ((bits ^ code) & ~mask) >>> 0 === 0;
}

/** Hex for M/m: 8 upper-case digits. */
export function hex32(v: number): string {
  return (v >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

/**
 * Unwraps the adapter's Z1 millisecond counter into a continuous time on the host's clock. The first
 * stamped frame anchors the counter's zero at `hostMs - counter`; each later frame takes the lap
 * (multiple of 60,000 ms) that puts it nearest its arrival time, so silences longer than a lap are
 * counted from the clock rather than assumed away, and frames keep the adapter's own spacing.
 */
export class TimestampUnwrapper {
  private base: number | undefined;

  /** `hostMs`: the clock's time when the frame arrived; returns the frame's time on that clock, ms. */
  unwrap(counterMs: number, hostMs: number): number {
    if (this.base === undefined) this.base = hostMs - counterMs;
    const laps = Math.round((hostMs - this.base - counterMs) / TIMESTAMP_WRAP_MS);
    return this.base + laps * TIMESTAMP_WRAP_MS + counterMs;
  }

  reset(): void {
    this.base = undefined;
  }
}
