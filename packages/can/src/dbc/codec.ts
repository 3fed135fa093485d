import type { Frame } from '../frame.js';
import { type BitSegment, bitSegments, signalBitPositions } from './layout.js';
import { type Dbc, type DbcMessage, type DbcSignal, INDEPENDENT_SIGNALS_MESSAGE } from './model.js';

/** A value the encoder cannot put into a frame: names the message and signal. */
export class DbcEncodeError extends Error {
  override name = 'DbcEncodeError';
  constructor(
    readonly messageName: string,
    readonly signal: string | undefined,
    reason: string,
  ) {
    super(`${messageName}${signal ? `.${signal}` : ''}: ${reason}`);
  }
}

export interface DecodedSignals {
  /** Physical values (raw × factor + offset), by signal name, for the signals present. */
  signals: Record<string, number>;
  /** Value-table labels of the signals whose raw value has one. */
  labels: Record<string, string>;
}

export interface DecodedFrame extends DecodedSignals {
  id: number;
  extended: boolean;
  name: string;
  timestamp: number;
}

const POW2 = Array.from({ length: 65 }, (_, i) => 2 ** i);
const view = new DataView(new ArrayBuffer(8));

/** How one signal is read and written, worked out once per message. */
interface SignalPlan {
  signal: DbcSignal;
  segments: BitSegment[];
  /** Bytes the frame must have for the signal to be present. */
  minBytes: number;
  /** Above 52 bits the value is assembled as two 32-bit halves (exact), BigInt only for the result. */
  wide: boolean;
  /** Index of the multiplexer plan this signal depends on, -1 when always present. */
  switchIndex: number;
  ranges: [number, number][];
  /** Multiplies then divides physical values by 10^decimals to drop binary noise (0 = keep as computed). */
  round: number;
  labels: Map<number, string> | undefined;
}

/** Decimal places a number is written with (`0.0001` → 4, `5e-06` → 6, `2.5e-3` → 4). */
export function decimalsOf(x: number): number {
  if (Number.isInteger(x)) return 0;
  const s = Math.abs(x).toString();
  const e = /^(\d+)(?:\.(\d+))?e-(\d+)$/.exec(s);
  if (e) return (e[2]?.length ?? 0) + Number(e[3]);
  return s.split('.')[1]?.length ?? 0;
}

/**
 * One message's decoder and encoder, with every signal's extraction plan precomputed: reading a
 * signal is a few masked byte reads, with no per-frame allocation beyond the result objects.
 * Multiplexed signals are only decoded when their multiplexer (itself possibly multiplexed, for
 * extended multiplexing) is present and holds a selecting value.
 */
export class CompiledMessage {
  readonly plans: SignalPlan[];
  /** Raw value of each plan in the last decode/encode; undefined when the signal was absent. */
  private readonly raws: (number | undefined)[];

  constructor(readonly message: DbcMessage) {
    // Switches before the signals they select: order by depth in the multiplexer chain.
    const byName = new Map(message.signals.map((s) => [s.name, s]));
    const depth = (s: DbcSignal): number =>
      s.multiplexer ? 1 + depth(byName.get(s.multiplexer.signal)!) : 0;
    const ordered = [...message.signals].sort((a, b) => depth(a) - depth(b));
    const index = new Map(ordered.map((s, i) => [s.name, i]));
    this.plans = ordered.map((signal) => {
      const segments = bitSegments(signalBitPositions(signal.startBit, signal.length, signal.byteOrder));
      const d = Math.max(decimalsOf(signal.factor), decimalsOf(signal.offset));
      return {
        signal,
        segments,
        minBytes: Math.max(...segments.map((g) => g.byte)) + 1,
        wide: signal.length > 52,
        switchIndex: signal.multiplexer ? index.get(signal.multiplexer.signal)! : -1,
        ranges: signal.multiplexer?.ranges ?? [],
        round: signal.valueType === 'integer' && d > 0 && d <= 15 ? 10 ** d : 0,
        labels: signal.values,
      };
    });
    this.raws = new Array(this.plans.length);
  }

  get name(): string {
    return this.message.name;
  }

  private selected(plan: SignalPlan): boolean {
    if (plan.switchIndex < 0) return true;
    const sw = this.raws[plan.switchIndex];
    if (sw === undefined) return false;
    for (const [a, b] of plan.ranges) if (sw >= a && sw <= b) return true;
    return false;
  }

  /** Decodes the signals present in `data` (signals beyond a short payload are left out). */
  decode(data: Uint8Array): DecodedSignals {
    const signals: Record<string, number> = {};
    const labels: Record<string, string> = {};
    const raws = this.raws;
    const n = data.length;
    for (let i = 0; i < this.plans.length; i++) {
      const plan = this.plans[i];
      raws[i] = undefined;
      if (plan.minBytes > n || !this.selected(plan)) continue;
      const sig = plan.signal;
      let raw: number;
      let physical: number;
      if (sig.valueType === 'float32') {
        view.setUint32(0, readNarrow(plan.segments, data));
        raw = view.getFloat32(0);
        // Adding a zero offset would turn -0 into +0.
        physical = sig.offset === 0 ? raw * sig.factor : raw * sig.factor + sig.offset;
      } else if (sig.valueType === 'float64') {
        readWide(plan.segments, data);
        raw = view.getFloat64(0);
        physical = sig.offset === 0 ? raw * sig.factor : raw * sig.factor + sig.offset;
      } else if (plan.wide) {
        readWide(plan.segments, data);
        const big = sig.signed
          ? BigInt.asIntN(sig.length, view.getBigUint64(0))
          : BigInt.asUintN(sig.length, view.getBigUint64(0));
        raw = Number(big);
        physical = raw * sig.factor + sig.offset;
      } else {
        raw = readNarrow(plan.segments, data);
        if (sig.signed && raw >= POW2[sig.length - 1]) raw -= POW2[sig.length];
        physical = raw * sig.factor + sig.offset;
        if (plan.round !== 0 && Math.abs(physical) * plan.round < 4503599627370496)
          physical = Math.round(physical * plan.round) / plan.round;
      }
      raws[i] = raw;
      signals[sig.name] = physical;
      if (plan.labels) {
        const label = plan.labels.get(raw);
        if (label !== undefined) labels[sig.name] = label;
      }
    }
    return { signals, labels };
  }

  /**
   * Raw values as they sit in the payload (integers; bigint above 52 bits so nothing is lost; the
   * IEEE value for float signals).
   */
  decodeRaw(data: Uint8Array): Record<string, number | bigint> {
    const out: Record<string, number | bigint> = {};
    const raws = this.raws;
    for (let i = 0; i < this.plans.length; i++) {
      const plan = this.plans[i];
      raws[i] = undefined;
      if (plan.minBytes > data.length || !this.selected(plan)) continue;
      const sig = plan.signal;
      let value: number | bigint;
      if (sig.valueType === 'float32') {
        view.setUint32(0, readNarrow(plan.segments, data));
        value = view.getFloat32(0);
      } else if (sig.valueType === 'float64') {
        readWide(plan.segments, data);
        value = view.getFloat64(0);
      } else if (plan.wide) {
        readWide(plan.segments, data);
        value = sig.signed
          ? BigInt.asIntN(sig.length, view.getBigUint64(0))
          : BigInt.asUintN(sig.length, view.getBigUint64(0));
      } else {
        let raw = readNarrow(plan.segments, data);
        if (sig.signed && raw >= POW2[sig.length - 1]) raw -= POW2[sig.length];
        value = raw;
      }
      raws[i] = typeof value === 'bigint' ? Number(value) : value;
      out[sig.name] = value;
    }
    return out;
  }

  /**
   * Builds a payload from physical values (or value-table labels). Signals not given are written as
   * raw 0; a multiplexed signal is written only when the values given for its multiplexers select
   * it, and giving a value for one that is not selected is an error, as is a value that does not fit
   * the signal's bits. Raw values are rounded to the nearest step of the factor.
   */
  encode(values: Record<string, number | string | bigint>, length = this.message.length): Uint8Array {
    const data = new Uint8Array(length);
    const raws = this.raws;
    const m = this.message.name;
    for (const name of Object.keys(values)) {
      if (!this.plans.some((p) => p.signal.name === name))
        throw new DbcEncodeError(m, name, 'no such signal in this message');
    }
    for (let i = 0; i < this.plans.length; i++) {
      const plan = this.plans[i];
      const sig = plan.signal;
      const given = values[sig.name];
      raws[i] = undefined;
      if (!this.selected(plan)) {
        if (given !== undefined)
          throw new DbcEncodeError(m, sig.name, 'not selected by its multiplexer for the values given');
        continue;
      }
      if (plan.minBytes > length) {
        if (given !== undefined)
          throw new DbcEncodeError(m, sig.name, `needs ${plan.minBytes} bytes, the payload has ${length}`);
        continue;
      }
      let raw: number | bigint = 0;
      if (typeof given === 'string') {
        const found = [...(plan.labels ?? [])].find(([, label]) => label === given);
        if (!found) throw new DbcEncodeError(m, sig.name, `no value-table entry '${given}'`);
        raw = found[0];
      } else if (typeof given === 'bigint') {
        raw = given;
      } else if (given !== undefined) {
        if (!Number.isFinite(given) && sig.valueType === 'integer')
          throw new DbcEncodeError(m, sig.name, `value ${given} is not finite`);
        raw = (given - sig.offset) / sig.factor;
        if (sig.valueType === 'integer') raw = Math.round(raw);
      }
      writeSignal(plan, data, raw, m);
      raws[i] = typeof raw === 'bigint' ? Number(raw) : raw;
    }
    return data;
  }
}

/** Value of a signal of at most 52 bits: exact in a double. */
function readNarrow(segments: BitSegment[], data: Uint8Array): number {
  let v = 0;
  for (let j = 0; j < segments.length; j++) {
    const g = segments[j];
    v += ((data[g.byte] >>> g.shift) & g.mask) * POW2[g.dst];
  }
  return v;
}

/** Assembles up to 64 bits as two 32-bit halves into the shared view (big-endian, bytes 0–7). */
function readWide(segments: BitSegment[], data: Uint8Array): void {
  let hi = 0;
  let lo = 0;
  for (const g of segments) {
    const v = (data[g.byte] >>> g.shift) & g.mask;
    if (g.dst >= 32) hi += v * POW2[g.dst - 32];
    else if (g.dst + g.width <= 32) lo += v * POW2[g.dst];
    else {
      const lowBits = 32 - g.dst;
      lo += (v & ((1 << lowBits) - 1)) * POW2[g.dst];
      hi += v >>> lowBits;
    }
  }
  view.setUint32(0, hi);
  view.setUint32(4, lo);
}

function writeSignal(plan: SignalPlan, data: Uint8Array, raw: number | bigint, m: string): void {
  const sig = plan.signal;
  let hi: number;
  let lo: number;
  if (sig.valueType === 'float32') {
    view.setFloat32(0, Number(raw));
    writeBits(plan.segments, data, 0, view.getUint32(0));
    return;
  }
  if (sig.valueType === 'float64') {
    view.setFloat64(0, Number(raw));
    hi = view.getUint32(0);
    lo = view.getUint32(4);
    writeBits(plan.segments, data, hi, lo);
    return;
  }
  const big = typeof raw === 'bigint' ? raw : BigInt(raw);
  const min = sig.signed ? -(1n << BigInt(sig.length - 1)) : 0n;
  const max = sig.signed ? (1n << BigInt(sig.length - 1)) - 1n : (1n << BigInt(sig.length)) - 1n;
  if (big < min || big > max) {
    throw new DbcEncodeError(
      m,
      sig.name,
      `raw value ${big} does not fit ${sig.length} ${sig.signed ? 'signed' : 'unsigned'} bits (${min}…${max})`,
    );
  }
  const u = BigInt.asUintN(64, big);
  hi = Number(u >> 32n);
  lo = Number(u & 0xffffffffn);
  writeBits(plan.segments, data, hi, lo);
}

/** Writes a value given as 32-bit halves into the signal's bit runs. */
function writeBits(segments: BitSegment[], data: Uint8Array, hi: number, lo: number): void {
  for (const g of segments) {
    let v: number;
    if (g.dst >= 32) v = Math.floor(hi / POW2[g.dst - 32]) & g.mask;
    else if (g.dst + g.width <= 32) v = Math.floor(lo / POW2[g.dst]) & g.mask;
    else {
      const lowBits = 32 - g.dst;
      v =
        ((Math.floor(lo / POW2[g.dst]) & ((1 << lowBits) - 1)) |
          ((hi & ((1 << (g.width - lowBits)) - 1)) << lowBits)) &
        g.mask;
    }
    data[g.byte] = (data[g.byte] & ~(g.mask << g.shift)) | (v << g.shift);
  }
}

/**
 * Decodes frames with a DBC: finds the message by id (and id width), then its signals. Build it
 * once per DBC; it compiles every message up front.
 */
export class DbcDecoder {
  private readonly standard: (CompiledMessage | undefined)[] = new Array(0x800);
  private readonly extended = new Map<number, CompiledMessage>();
  readonly messages: CompiledMessage[];

  constructor(readonly dbc: Dbc) {
    this.messages = dbc.messages
      .filter((m) => m.name !== INDEPENDENT_SIGNALS_MESSAGE)
      .map((m) => new CompiledMessage(m));
    for (const c of this.messages) {
      if (c.message.extended) this.extended.set(c.message.id, c);
      else this.standard[c.message.id] = c;
    }
  }

  /** The compiled message for an id, or undefined. */
  message(id: number, extended = id > 0x7ff): CompiledMessage | undefined {
    return extended ? this.extended.get(id) : this.standard[id];
  }

  /** The compiled message with that name, or undefined. */
  byName(name: string): CompiledMessage | undefined {
    return this.messages.find((m) => m.name === name);
  }

  /** Decodes a frame whose id the DBC describes; undefined for other ids, remote and error frames. */
  decode(
    frame: Pick<Frame, 'id' | 'extended' | 'data' | 'timestamp'> & { remote?: boolean; error?: boolean },
  ): DecodedFrame | undefined {
    if (frame.remote || frame.error) return undefined;
    const c = frame.extended ? this.extended.get(frame.id) : this.standard[frame.id];
    if (!c) return undefined;
    const { signals, labels } = c.decode(frame.data);
    return {
      id: frame.id,
      extended: frame.extended,
      name: c.message.name,
      timestamp: frame.timestamp,
      signals,
      labels,
    };
  }
}
