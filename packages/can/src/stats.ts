import type { Frame } from './frame.js';

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

interface Accumulator {
  id: number;
  extended: boolean;
  count: number;
  remote: number;
  first: number;
  last: number;
  minGap: number;
  maxGap: number;
  dlcs: Set<number>;
  changes: number[];
  previous: Uint8Array | undefined;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * Collects per-id statistics one frame at a time, so logs of any size go through in constant memory
 * (it keeps one previous payload per id).
 */
export class StatsCollector {
  private readonly byKey = new Map<number, Accumulator>();
  private frames = 0;
  private errorFrames = 0;
  private first: number | undefined;
  private last: number | undefined;

  add(frame: Frame): void {
    this.frames++;
    if (this.first === undefined || frame.timestamp < this.first) this.first = frame.timestamp;
    if (this.last === undefined || frame.timestamp > this.last) this.last = frame.timestamp;
    if (frame.error) {
      this.errorFrames++;
      return;
    }
    // Standard and extended ids live in separate spaces: 0x100 and 0x00000100 are different messages.
    const key = frame.extended ? frame.id + 0x800 : frame.id;
    let acc = this.byKey.get(key);
    if (!acc) {
      acc = {
        id: frame.id,
        extended: frame.extended,
        count: 0,
        remote: 0,
        first: frame.timestamp,
        last: frame.timestamp,
        minGap: Number.POSITIVE_INFINITY,
        maxGap: Number.NEGATIVE_INFINITY,
        dlcs: new Set(),
        changes: [],
        previous: undefined,
      };
      this.byKey.set(key, acc);
    } else {
      const gap = frame.timestamp - acc.last;
      if (gap < acc.minGap) acc.minGap = gap;
      if (gap > acc.maxGap) acc.maxGap = gap;
      acc.last = frame.timestamp;
    }
    acc.count++;
    if (frame.remote) {
      acc.remote++;
      acc.dlcs.add(frame.dlc ?? 0);
      return;
    }
    const data = frame.data;
    acc.dlcs.add(data.length);
    while (acc.changes.length < data.length) acc.changes.push(0);
    const prev = acc.previous;
    if (prev) {
      const n = Math.min(prev.length, data.length);
      for (let i = 0; i < n; i++) if (prev[i] !== data[i]) acc.changes[i]++;
    }
    // Readers may reuse buffers; keep a copy.
    acc.previous = data.slice();
  }

  result(): LogStats {
    const ids: IdStats[] = [];
    const keys = [...this.byKey.keys()].sort((a, b) => a - b);
    for (const key of keys) {
      const a = this.byKey.get(key)!;
      ids.push({
        id: a.id,
        extended: a.extended,
        count: a.count,
        remote: a.remote,
        firstTimestamp: a.first,
        lastTimestamp: a.last,
        period:
          a.count >= 2
            ? { mean: (a.last - a.first) / (a.count - 1), min: a.minGap, max: a.maxGap }
            : undefined,
        dlcs: [...a.dlcs].sort((x, y) => x - y),
        byteChanges: [...a.changes],
        changingBytes: a.changes.flatMap((c, i) => (c > 0 ? [i] : [])),
        lastData: a.previous ? Array.from(a.previous, (b) => HEX[b]).join('') : '',
      });
    }
    return {
      frames: this.frames,
      errorFrames: this.errorFrames,
      firstTimestamp: this.first,
      lastTimestamp: this.last,
      duration: this.first === undefined || this.last === undefined ? 0 : this.last - this.first,
      ids,
    };
  }
}

/** Reads a frame stream to the end and returns its statistics. */
export async function collectStats(frames: AsyncIterable<Frame> | Iterable<Frame>): Promise<LogStats> {
  const collector = new StatsCollector();
  for await (const frame of frames) collector.add(frame);
  return collector.result();
}
