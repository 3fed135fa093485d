import { FrameBatch, FrameFlag, frameBatches } from './batch.js';
import { type Frame, MAX_EXT_ID } from './frame.js';

/** Time between consecutive frames of one id, in seconds. */
export interface PeriodStats {
  mean: number;
  min: number;
  max: number;
}

/** What one identifier did over a log. */
export interface IdStats {
  id: number;
  extended: boolean;
  /** Frames with this id (remote frames included). */
  count: number;
  /** Remote frames among them. */
  remote: number;
  firstTimestamp: number;
  lastTimestamp: number;
  /** Undefined with fewer than two frames. */
  period: PeriodStats | undefined;
  /** Payload lengths seen (the declared DLC for remote frames), ascending. */
  dlcs: number[];
  /**
   * `byteChanges[i]`: how many times byte i differed from the same byte of the previous data frame
   * of this id (only counted where both frames have byte i). Its length is the longest payload seen.
   */
  byteChanges: number[];
  /** Byte positions that changed at least once. */
  changingBytes: number[];
  /** Payload of the last data frame, lower-case hex. */
  lastData: string;
}

/** A whole log's statistics. Error frames are counted apart: their id is an error class, not a message. */
export interface LogStats {
  frames: number;
  errorFrames: number;
  firstTimestamp: number | undefined;
  lastTimestamp: number | undefined;
  /** Seconds between the first and last frame. */
  duration: number;
  /** One entry per identifier, standard ids first, each width in ascending order. */
  ids: IdStats[];
}

/**
 * Slots of identifiers: standard ids by a direct table, extended ids by open addressing on the id
 * (integer keys in typed arrays: a `Map` lookup per frame cost as much as the rest of the work).
 */
class SlotIndex {
  private readonly standard = new Int32Array(0x800).fill(-1);
  private keys = new Int32Array(1024).fill(-1);
  private slots = new Int32Array(1024);
  private used = 0;
  /** Ids out of range (not valid on a bus, but a hand-made frame may carry one), extended ones above 2³³. */
  private readonly odd = new Map<number, number>();

  /** The slot of an id, or -1. */
  find(id: number, extended: boolean): number {
    if (!extended) return id < 0x800 ? this.standard[id] : (this.odd.get(id) ?? -1);
    if (id > MAX_EXT_ID) return this.odd.get(id + 2 ** 33) ?? -1;
    const keys = this.keys;
    const mask = keys.length - 1;
    let h = Math.imul(id, 0x9e3779b1) & mask;
    for (;;) {
      const k = keys[h];
      if (k === id) return this.slots[h];
      if (k === -1) return -1;
      h = (h + 1) & mask;
    }
  }

  add(id: number, extended: boolean, slot: number): void {
    if (!extended) {
      if (id < 0x800) this.standard[id] = slot;
      else this.odd.set(id, slot);
      return;
    }
    if (id > MAX_EXT_ID) {
      this.odd.set(id + 2 ** 33, slot);
      return;
    }
    if (2 * (this.used + 1) > this.keys.length) this.rehash(this.keys.length * 2);
    this.put(id, slot);
    this.used++;
  }

  private put(id: number, slot: number): void {
    const mask = this.keys.length - 1;
    let h = Math.imul(id, 0x9e3779b1) & mask;
    while (this.keys[h] !== -1) h = (h + 1) & mask;
    this.keys[h] = id;
    this.slots[h] = slot;
  }

  private rehash(size: number): void {
    const { keys, slots } = this;
    this.keys = new Int32Array(size).fill(-1);
    this.slots = new Int32Array(size);
    for (let h = 0; h < keys.length; h++) if (keys[h] !== -1) this.put(keys[h], slots[h]);
  }
}

/** Grows a typed array to `n` elements, keeping its content. */
function grown<T extends Float64Array | Uint8Array | Int32Array | Int16Array | Uint32Array>(
  a: T,
  n: number,
): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * Collects per-id statistics, a batch of frames at a time (`addBatch`, the columnar path the readers
 * fill) or one frame at a time (`add`). Logs of any size go through in constant memory: it keeps one
 * previous payload per id. The running figures are columns indexed by the id's slot, so the work per
 * frame is a few typed-array loads and stores.
 */
export class StatsCollector {
  private readonly index = new SlotIndex();
  private slots = 0;
  private capacity = 64;
  /** Bytes per slot in `previous` and `changes`: 8, or 64 once a CAN FD payload is seen. */
  private stride = 8;
  private id = new Uint32Array(this.capacity);
  private extended = new Uint8Array(this.capacity);
  private count = new Float64Array(this.capacity);
  private remote = new Float64Array(this.capacity);
  private first = new Float64Array(this.capacity);
  private last = new Float64Array(this.capacity);
  private minGap = new Float64Array(this.capacity);
  private maxGap = new Float64Array(this.capacity);
  /** Payload lengths (remote frames: declared DLCs) seen below 32, one bit each; longer ones apart. */
  private seen = new Int32Array(this.capacity);
  private readonly seenLong = new Map<number, Set<number>>();
  /** Longest payload seen: how many `changes` count. */
  private longest = new Uint8Array(this.capacity);
  /** Length of the previous data frame's payload, -1 before the first one. */
  private previousLength = new Int16Array(this.capacity);
  private previous = new Uint8Array(this.capacity * 8);
  private changes = new Float64Array(this.capacity * 8);
  private frames = 0;
  private errorFrames = 0;
  private firstTime = Number.POSITIVE_INFINITY;
  private lastTime = Number.NEGATIVE_INFINITY;
  private one: FrameBatch | undefined;

  add(frame: Frame): void {
    this.one ??= new FrameBatch(1);
    this.one.push(frame);
    this.addBatch(this.one);
    this.one.clear();
  }

  addBatch(batch: FrameBatch): void {
    const n = batch.length;
    const times = batch.timestamp;
    const flags = batch.flags;
    const ids = batch.id;
    const starts = batch.start;
    const data = batch.data;
    this.frames += n;
    let firstTime = this.firstTime;
    let lastTime = this.lastTime;
    for (let k = 0; k < n; k++) {
      const t = times[k];
      if (t < firstTime) firstTime = t;
      if (t > lastTime) lastTime = t;
      const f = flags[k];
      if (f & FrameFlag.ERROR) {
        this.errorFrames++;
        continue;
      }
      const id = ids[k];
      const ext = (f & FrameFlag.EXTENDED) !== 0;
      let slot = this.index.find(id, ext);
      if (slot < 0) slot = this.open(id, ext, t);
      else {
        const gap = t - this.last[slot];
        if (gap < this.minGap[slot]) this.minGap[slot] = gap;
        if (gap > this.maxGap[slot]) this.maxGap[slot] = gap;
        this.last[slot] = t;
      }
      this.count[slot]++;
      let len: number;
      let s = 0;
      if (f & FrameFlag.REMOTE) {
        this.remote[slot]++;
        const dlc = batch.dlc[k];
        len = Math.max(dlc, 0);
      } else {
        s = starts[k];
        len = starts[k + 1] - s;
      }
      if (len < 32) this.seen[slot] |= 1 << len;
      else this.seeLong(slot, len);
      if (f & FrameFlag.REMOTE) continue;
      if (len > this.longest[slot]) {
        if (len > this.stride) this.widen();
        this.longest[slot] = len;
      }
      // Bytes both payloads have are compared; the payload is kept (readers reuse their buffers).
      const previous = this.previous;
      const changes = this.changes;
      const base = slot * this.stride;
      const had = this.previousLength[slot];
      const both = Math.min(had, len);
      let i = 0;
      for (; i < both; i++) {
        const v = data[s + i];
        if (previous[base + i] !== v) {
          changes[base + i]++;
          previous[base + i] = v;
        }
      }
      for (; i < len; i++) previous[base + i] = data[s + i];
      this.previousLength[slot] = len;
    }
    this.firstTime = firstTime;
    this.lastTime = lastTime;
  }

  /** A slot for an id seen for the first time at `t`. */
  private open(id: number, ext: boolean, t: number): number {
    if (this.slots === this.capacity) this.grow(this.capacity * 2);
    const slot = this.slots++;
    this.index.add(id, ext, slot);
    this.id[slot] = id;
    this.extended[slot] = ext ? 1 : 0;
    this.first[slot] = t;
    this.last[slot] = t;
    this.minGap[slot] = Number.POSITIVE_INFINITY;
    this.maxGap[slot] = Number.NEGATIVE_INFINITY;
    this.previousLength[slot] = -1;
    return slot;
  }

  private seeLong(slot: number, length: number): void {
    const set = this.seenLong.get(slot);
    if (set) set.add(length);
    else this.seenLong.set(slot, new Set([length]));
  }

  private grow(capacity: number): void {
    this.capacity = capacity;
    this.id = grown(this.id, capacity);
    this.extended = grown(this.extended, capacity);
    this.count = grown(this.count, capacity);
    this.remote = grown(this.remote, capacity);
    this.first = grown(this.first, capacity);
    this.last = grown(this.last, capacity);
    this.minGap = grown(this.minGap, capacity);
    this.maxGap = grown(this.maxGap, capacity);
    this.seen = grown(this.seen, capacity);
    this.longest = grown(this.longest, capacity);
    this.previousLength = grown(this.previousLength, capacity);
    this.previous = grown(this.previous, capacity * this.stride);
    this.changes = grown(this.changes, capacity * this.stride);
  }

  /** From 8 to 64 bytes per slot: the first CAN FD payload longer than 8 bytes. */
  private widen(): void {
    const wide = 64;
    const previous = new Uint8Array(this.capacity * wide);
    const changes = new Float64Array(this.capacity * wide);
    for (let slot = 0; slot < this.slots; slot++) {
      previous.set(this.previous.subarray(slot * this.stride, (slot + 1) * this.stride), slot * wide);
      changes.set(this.changes.subarray(slot * this.stride, (slot + 1) * this.stride), slot * wide);
    }
    this.previous = previous;
    this.changes = changes;
    this.stride = wide;
  }

  private lengths(slot: number): number[] {
    const out: number[] = [];
    for (let n = 0; n < 32; n++) if (this.seen[slot] & (1 << n)) out.push(n);
    const long = this.seenLong.get(slot);
    if (long) out.push(...[...long].sort((x, y) => x - y));
    return out;
  }

  result(): LogStats {
    const order = Array.from({ length: this.slots }, (_, slot) => slot).sort(
      (a, b) => this.extended[a] - this.extended[b] || this.id[a] - this.id[b],
    );
    const ids: IdStats[] = order.map((slot) => {
      const base = slot * this.stride;
      const changes = Array.from(this.changes.subarray(base, base + this.longest[slot]));
      const count = this.count[slot];
      const had = this.previousLength[slot];
      return {
        id: this.id[slot],
        extended: this.extended[slot] === 1,
        count,
        remote: this.remote[slot],
        firstTimestamp: this.first[slot],
        lastTimestamp: this.last[slot],
        period:
          count >= 2
            ? {
                mean: (this.last[slot] - this.first[slot]) / (count - 1),
                min: this.minGap[slot],
                max: this.maxGap[slot],
              }
            : undefined,
        dlcs: this.lengths(slot),
        byteChanges: changes,
        changingBytes: changes.flatMap((c, i) => (c > 0 ? [i] : [])),
        lastData: had < 0 ? '' : Array.from(this.previous.subarray(base, base + had), (b) => HEX[b]).join(''),
      };
    });
    const some = this.frames > 0;
    return {
      frames: this.frames,
      errorFrames: this.errorFrames,
      firstTimestamp: some ? this.firstTime : undefined,
      lastTimestamp: some ? this.lastTime : undefined,
      duration: some ? this.lastTime - this.firstTime : 0,
      ids,
    };
  }
}

/** Reads a frame stream to the end and returns its statistics. */
export async function collectStats(
  frames: AsyncIterable<Frame> | Iterable<Frame> | { batches(capacity?: number): AsyncIterable<FrameBatch> },
): Promise<LogStats> {
  const collector = new StatsCollector();
  for await (const batch of frameBatches(frames)) collector.addBatch(batch);
  return collector.result();
}
