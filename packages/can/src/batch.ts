import { EMPTY } from './formats/bytes.js';
import type { Frame } from './frame.js';

/** Bits of `FrameBatch.flags`. */
export const FrameFlag = {
  EXTENDED: 1,
  REMOTE: 2,
  ERROR: 4,
  FD: 8,
  BRS: 16,
  ESI: 32,
  /** Direction received (`direction: 'rx'`). */
  RX: 64,
  /** Direction transmitted (`direction: 'tx'`). */
  TX: 128,
} as const;

/** The longest payload a frame can carry (CAN FD). */
const MAX_PAYLOAD = 64;
/** Flags a frame object carries as properties of their own. */
const RARE = FrameFlag.REMOTE | FrameFlag.ERROR | FrameFlag.FD | FrameFlag.BRS | FrameFlag.ESI;

function withoutChannel(
  id: number,
  extended: boolean,
  data: Uint8Array,
  timestamp: number,
  flags: number,
): Frame {
  const frame: Frame = { id, extended, data, timestamp };
  if (flags & FrameFlag.RX) frame.direction = 'rx';
  else if (flags & FrameFlag.TX) frame.direction = 'tx';
  return frame;
}

/**
 * Frames in columns, the way a reader fills them and a whole-log consumer (statistics, decoding,
 * plotting) scans them: typed arrays, no object per frame. Frame `k` has `id[k]`, `timestamp[k]`,
 * `flags[k]` (FrameFlag bits), `dlc[k]` (-1 when the payload length says it), `channel[k]`, and its
 * payload at `data[start[k]]` up to `data[start[k + 1]]`. A batch is reused: the reader clears it
 * and fills it again, so a consumer copies what it keeps. `frame(k)` gives frame `k` as a plain
 * `Frame` (with its own copy of the payload) for code that wants objects.
 *
 * The model is a record batch of a columnar format (Apache Arrow, asammdf's channel arrays): the
 * per-frame object and its allocation are what dominates reading a large log, not the parse.
 */
export class FrameBatch {
  /** Frames held. */
  length = 0;
  readonly id: Uint32Array;
  readonly timestamp: Float64Array;
  readonly flags: Uint8Array;
  readonly dlc: Int8Array;
  readonly channel: (string | undefined)[];
  /** Payload bytes of every frame, one after the other. */
  readonly data: Uint8Array;
  /** `start[k]`: where frame k's payload begins in `data`; `start[k + 1]`: where it ends. */
  readonly start: Uint32Array;
  /** The Frame a reader already had as an object (given back by `frame(k)`), else undefined. */
  private readonly objects: (Frame | undefined)[];
  /** Whether `objects` holds any since the last clear (columnar readers never set one). */
  private holdsObjects = false;

  constructor(readonly capacity = 4096) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`batch capacity ${capacity}`);
    this.id = new Uint32Array(capacity);
    this.timestamp = new Float64Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.dlc = new Int8Array(capacity);
    this.channel = new Array(capacity).fill(undefined);
    this.objects = new Array(capacity).fill(undefined);
    // Room for every frame at the classic 8 bytes, and always for one more of the longest.
    this.data = new Uint8Array(capacity * 8 + MAX_PAYLOAD);
    this.start = new Uint32Array(capacity + 1);
  }

  /** True when one more frame of any length may not fit. */
  get full(): boolean {
    return this.length >= this.capacity || this.start[this.length] + MAX_PAYLOAD > this.data.length;
  }

  clear(): void {
    // Only the objects hold references worth dropping: they would keep frames alive.
    if (this.holdsObjects) {
      for (let k = 0; k < this.length; k++) this.objects[k] = undefined;
      this.holdsObjects = false;
    }
    this.length = 0;
  }

  /** Payload length of frame k. */
  size(k: number): number {
    return this.start[k + 1] - this.start[k];
  }

  /**
   * Appends a frame (its fields are copied; `frame(k)` gives this same object back). Throws when it
   * does not fit: fill while `!full`.
   */
  push(f: Frame): void {
    const k = this.length;
    const n = f.data.length;
    if (n > MAX_PAYLOAD) throw new RangeError(`payload of ${n} bytes exceeds ${MAX_PAYLOAD}`);
    if (k >= this.capacity || this.start[k] + n > this.data.length)
      throw new RangeError('FrameBatch is full');
    this.id[k] = f.id;
    this.timestamp[k] = f.timestamp;
    this.flags[k] =
      (f.extended ? FrameFlag.EXTENDED : 0) |
      (f.remote ? FrameFlag.REMOTE : 0) |
      (f.error ? FrameFlag.ERROR : 0) |
      (f.fd ? FrameFlag.FD : 0) |
      (f.brs ? FrameFlag.BRS : 0) |
      (f.esi ? FrameFlag.ESI : 0) |
      (f.direction === 'rx' ? FrameFlag.RX : f.direction === 'tx' ? FrameFlag.TX : 0);
    this.dlc[k] = f.dlc ?? -1;
    this.channel[k] = f.channel;
    const s = this.start[k];
    this.data.set(f.data, s);
    this.start[k + 1] = s + n;
    this.objects[k] = f;
    this.holdsObjects = true;
    this.length = k + 1;
  }

  /**
   * Appends a frame as the object only, its columns left unset: for a batch that is only ever read
   * through `frame(k)` (a reader handing out frames one by one), where copying the fields in and
   * nobody reading them cost a tenth of reading an ASC file.
   */
  keep(f: Frame): void {
    const k = this.length;
    if (k >= this.capacity) throw new RangeError('FrameBatch is full');
    this.start[k + 1] = this.start[k];
    this.objects[k] = f;
    this.holdsObjects = true;
    this.length = k + 1;
  }

  /** Frame k as a plain Frame, with its own payload. */
  frame(k: number): Frame {
    const kept = this.objects[k];
    if (kept !== undefined) return kept;
    const s = this.start[k];
    const e = this.start[k + 1];
    let data = EMPTY;
    if (e > s) {
      // A loop beats slice() on payloads this short (slice goes through the species protocol).
      data = new Uint8Array(e - s);
      const from = this.data;
      for (let i = s; i < e; i++) data[i - s] = from[i];
    }
    const flags = this.flags[k];
    const id = this.id[k];
    const extended = (flags & FrameFlag.EXTENDED) !== 0;
    const timestamp = this.timestamp[k];
    const channel = this.channel[k];
    // One literal per common shape keeps consumers' property accesses monomorphic.
    const frame: Frame =
      channel === undefined
        ? withoutChannel(id, extended, data, timestamp, flags)
        : flags & FrameFlag.RX
          ? { id, extended, data, timestamp, channel, direction: 'rx' }
          : flags & FrameFlag.TX
            ? { id, extended, data, timestamp, channel, direction: 'tx' }
            : { id, extended, data, timestamp, channel };
    if (flags & RARE) {
      if (flags & FrameFlag.REMOTE) frame.remote = true;
      if (flags & FrameFlag.ERROR) frame.error = true;
      if (flags & FrameFlag.FD) frame.fd = true;
      if (flags & FrameFlag.BRS) frame.brs = true;
      if (flags & FrameFlag.ESI) frame.esi = true;
    }
    const dlc = this.dlc[k];
    if (dlc >= 0) frame.dlc = dlc;
    return frame;
  }

  /** The frames held, as objects. */
  *frames(): IterableIterator<Frame> {
    for (let k = 0; k < this.length; k++) yield this.frame(k);
  }
}

/**
 * The frames of any source in batches: the reader's own columnar path when it has one (the line
 * formats do), else its frames copied into a batch. The batch is reused between turns.
 */
export async function* frameBatches(
  source: AsyncIterable<Frame> | Iterable<Frame> | { batches(capacity?: number): AsyncIterable<FrameBatch> },
  capacity = 4096,
): AsyncGenerator<FrameBatch> {
  if ('batches' in source && typeof source.batches === 'function') {
    yield* source.batches(capacity);
    return;
  }
  const batch = new FrameBatch(capacity);
  for await (const f of source as AsyncIterable<Frame>) {
    batch.push(f);
    if (batch.full) {
      yield batch;
      batch.clear();
    }
  }
  if (batch.length > 0) yield batch;
}
