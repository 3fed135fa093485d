import type { FrameBatch } from '../../batch.js';
import { BinaryLogError, type LogParseError, type ReadOptions } from '../../log.js';
import { type Reason, reason, reasonList } from '../../reason.js';
import { BinaryCursor, BinaryLogReader, type RandomSource, u16, u32, u64 } from '../binary-source.js';
import { newFrameRow, rowInto } from '../frame-row.js';
import {
  BlockReader,
  CG_VLSD,
  type ChannelGroup,
  UNFIN_CYCLE_COUNTERS,
  UNFIN_VLSD_OFFSETS,
} from './blocks.js';
import {
  decodeFields,
  type GroupLayout,
  groupLayout,
  LayoutError,
  RecordError,
  rawValue,
  recordTime,
} from './bus.js';
import { type Chunk, ChunkStream, SignalData, type StreamOptions } from './data.js';
import {
  type FastColumns,
  type FastDecoder,
  type FastRun,
  type FastTime,
  fastColumns,
  fastDecoder,
  fastRun,
  fastTime,
} from './fast.js';

/**
 * Reads the CAN frames of an ASAM MDF 4.x bus-logging file (see ../README.md for what is read).
 *
 * Each data group is one stream of records (sorted: one channel group; unsorted: records of
 * several groups, each prefixed by its record id, interleaved as the logger wrote them). The
 * streams are merged by time, and passed through a reorder window: the last `reorderWindow`
 * records are held back (as positions in the data chunks, not as frames) and handed out in time
 * order, so frames out of order by fewer records than that come out in order, with memory bounded
 * by the window whatever the file size.
 */

export const DEFAULT_REORDER_WINDOW = 65_536;

/** Reads the CAN frames of an MF4 file (or bytes). */
export function mf4Reader(
  file: string,
  openSource: () => RandomSource,
  options: ReadOptions,
): BinaryLogReader {
  return new BinaryLogReader(
    file,
    'mf4',
    openSource,
    options,
    (f, source, o, skipped) => new Mf4Iterator(f, source, o, skipped),
  );
}

/** Held records `index`, `index + 1`, … of a sorted group: `count` records of `size` bytes from `pos` of chunk slot `chunk`. */
interface Run {
  chunk: number;
  pos: number;
  size: number;
  index: number;
  layout: number;
  count: number;
}

/** What a record id stands for in a data group. */
interface GroupSlot {
  /** Record bytes after the id; -1 for VLSD groups (a u32 length follows the id). */
  size: number;
  /** Index into the iterator's layouts, or -1 for groups that hold no CAN frames. */
  layout: number;
  /** VLSD group: the channel groups' VLSD values land here. */
  vlsd?: VlsdStore;
  /** Records of this group counted so far (virtual channels take the record number). */
  records: number;
  /** Sorted group of a finalised file: the cycle count ends the data. */
  cycles: number;
}

/** VLSD values of one VLSD channel group, matched to the records that point at them. */
class VlsdStore {
  /** Stream offset of the next VLSD record. */
  offset = 0;
  readonly values = new Map<number, Uint8Array>();
  readonly waiting = new Map<number, Holder>();
  /** Offsets not written by the logger (unfinalised flag): values matched in order. */
  readonly inOrder: Holder[] = [];
  orderQueue: Uint8Array[] = [];

  constructor(readonly byOrder: boolean) {}

  /** A VLSD record's value arrives. */
  put(value: Uint8Array): void {
    if (this.byOrder) {
      const h = this.inOrder.shift();
      if (h) h.data = value;
      else this.orderQueue.push(value);
    } else {
      const h = this.waiting.get(this.offset);
      if (h) {
        h.data = value;
        this.waiting.delete(this.offset);
      } else {
        this.values.set(this.offset, value);
        // Values nobody asks for (a group read elsewhere): keep a bounded few.
        if (this.values.size > 4096) this.values.delete(this.values.keys().next().value!);
      }
    }
    this.offset += 4 + value.length;
  }

  /** A record points at `offset`: its value now or later. */
  get(offset: number): Uint8Array | Holder {
    if (this.byOrder) {
      const v = this.orderQueue.shift();
      if (v) return v;
      const h: Holder = { data: undefined };
      this.inOrder.push(h);
      return h;
    }
    const v = this.values.get(offset);
    if (v) {
      this.values.delete(offset);
      return v;
    }
    const h: Holder = { data: undefined };
    this.waiting.set(offset, h);
    if (this.waiting.size > 65_536) throw new RecordError(reason('mf4.vlsd-never'));
    return h;
  }
}

interface Holder {
  data: Uint8Array | undefined;
}

/**
 * Where the bytes of a source's current buffer come from, for error offsets: an origin is a file
 * offset (raw data), or -1 - block for data inflated from a DZ block (no file offset per byte).
 */
interface Origin {
  /** Origin of byte 0. */
  base: number;
  /** Bytes from `split` on come from the next chunk (a record was cut across the two)… */
  split: number;
  /** …whose byte 0 has this origin. */
  next: number;
}

function chunkOrigin(fileAt: number, blockAt: number): number {
  return fileAt >= 0 ? fileAt : -1 - blockAt;
}

/** The origin of byte `p` of a buffer. */
function originOf(o: Origin, p: number): number {
  if (p < o.split) return o.base >= 0 ? o.base + p : o.base;
  return o.next >= 0 ? o.next + p - o.split : o.next;
}

/** One data group's record stream, parsed a chunk at a time. */
class Source {
  /** After a record cut across chunks (parsed from a copy in `buf`): the chunk to go on with, and where. */
  after: Chunk | undefined;
  afterAt = 0;
  origin: Origin = { base: 0, split: Number.POSITIVE_INFINITY, next: 0 };
  buf: Buffer = Buffer.alloc(0);
  /** The iterator's chunk slot of `buf` and `origin` (see Mf4Iterator.setBuf), -1 before the first. */
  chunk = -1;
  p = 0;
  done = false;
  /** Sorted groups: the single slot; else by record id (small ids in an array, as loggers use). */
  readonly slots = new Map<number, GroupSlot>();
  readonly byId: (GroupSlot | undefined)[] = [];
  readonly single: GroupSlot | undefined;
  /** Head record, parsed ahead (for the merge): its time, layout, position, payload. */
  headTime = 0;
  headLayout = -1;
  headIndex = 0;
  headPos = 0;
  headPayload: Uint8Array | Holder | undefined;
  hasHead = false;

  constructor(
    readonly at: number,
    readonly stream: ChunkStream,
    readonly idSize: number,
    single: GroupSlot | undefined,
  ) {
    this.single = single;
  }
}

class Mf4Iterator extends BinaryCursor {
  override late = 0;
  private blocks!: BlockReader;
  private layouts: GroupLayout[] = [];
  /** Per layout: its specialised record decoder and time reader, when it has them (see fast.ts). */
  private decoders: (FastDecoder | undefined)[] = [];
  /** The same, writing straight into a batch's columns; and as a loop over a run of records. */
  private columns: (FastColumns | undefined)[] = [];
  private runDecoders: (FastRun | undefined)[] = [];
  private readonly latest = new Float64Array(1);
  private timers: (FastTime | undefined)[] = [];
  private readonly scratch = new Float64Array(1);
  private sources: Source[] = [];
  private signalData = new Map<number, SignalData>();
  private startUs = 0;
  private unfinalised = false;
  private readonly channels: string[] = [];
  private readonly window: number;
  /** The reorder ring: parallel arrays of record positions, kept in time order. */
  private cap = 0;
  private head = 0;
  private count = 0;
  private times!: Float64Array;
  private layoutOf!: Int32Array;
  private positions!: Int32Array;
  private indexes!: Float64Array;
  /**
   * Each held record's chunk: a slot of `chunkBuf` (its bytes) and `chunkOrigin` (where they come
   * from, for error offsets: `originOf(chunkOrigin[c], positions[at])`). Slots, not the objects
   * themselves, are stored per record: writing a young object into a large old array costs a
   * write barrier, a million times per million records. `chunkRefs` counts the records (and the
   * source) holding a slot; a slot is reused once its count falls to 0.
   */
  private chunkOf!: Int32Array;
  private chunkBuf: (Buffer | undefined)[] = [];
  private chunkOrigin: (Origin | undefined)[] = [];
  /** The stream each slot's bytes come from, to give them back (ChunkStream.recycle) once free. */
  private chunkStream: (ChunkStream | undefined)[] = [];
  private chunkRefs = new Int32Array(16);
  private freeChunks: number[] = [];
  private payloads: (Uint8Array | Holder | undefined)[] = [];
  private lastOut = Number.NEGATIVE_INFINITY;
  private active: Source[] = [];
  /**
   * The newest held records of a sorted group, when they came in time order, are kept as runs —
   * consecutive records of one chunk — instead of an entry each (their times are still in `times`):
   * the ring then costs one write per record instead of five. The ring holds `count - runCount`
   * records with entries (the oldest), then the runs' records. Anything that needs entries (a
   * record out of order, the general path, frame-by-frame reading) turns runs into entries first.
   */
  private runs: Run[] = [];
  private runHead = 0;
  private runCount = 0;

  constructor(
    private readonly file: string,
    source: RandomSource,
    private readonly options: ReadOptions,
    private readonly skipped: LogParseError[],
  ) {
    super(source);
    const w = options.reorderWindow ?? DEFAULT_REORDER_WINDOW;
    if (!Number.isInteger(w) || w < 0)
      throw new TypeError(`reorderWindow must be a non-negative integer, got ${w}`);
    this.window = w;
  }

  get bytesRead(): number {
    let n = 0;
    for (const s of this.sources) n += s.stream.bytesRead;
    return n;
  }

  protected async release(): Promise<void> {
    this.count = 0;
    this.runs = [];
    this.runHead = 0;
    this.runCount = 0;
    this.chunkBuf = [];
    this.chunkOrigin = [];
    this.chunkStream = [];
    this.freeChunks = [];
    this.payloads = [];
  }

  protected takeInto(batch: FrameBatch): void {
    const { payloads, columns, layoutOf, chunkOf, chunkBuf, positions, times, cap, channels } = this;
    const starts = batch.start;
    const room = batch.data.length - 64;
    for (;;) {
      const held = this.active.length === 0 ? this.count : this.count - this.window;
      if (held <= 0 || batch.full) return;
      // The earliest records, while their layout's specialised decoder takes them: straight into
      // the batch's columns (not through pop() and a row: one copy of each field, and no time
      // returned from a call — a double that crosses a call not inlined is a heap object).
      const n = Math.min(held, batch.capacity - batch.length);
      const startUs = this.startUs;
      const withEntries = this.count - this.runCount;
      if (withEntries === 0) {
        this.takeRun(batch, n);
        continue;
      }
      let at = this.head;
      let lastOut = this.lastOut;
      let chunk = -1;
      let refs = 0;
      let i = 0;
      for (const m = Math.min(n, withEntries); i < m; i++) {
        if (starts[batch.length] > room || payloads[at] !== undefined) break;
        const fast = columns[layoutOf[at]];
        const c = chunkOf[at];
        if (fast === undefined || !fast(chunkBuf[c]!, positions[at], channels, batch, times, at, startUs))
          break;
        if (c !== chunk) {
          if (refs > 0) this.unref(chunk, refs);
          chunk = c;
          refs = 0;
        }
        refs++;
        const time = times[at];
        if (time > lastOut) lastOut = time;
        if (++at === cap) at = 0;
      }
      if (refs > 0) this.unref(chunk, refs);
      this.head = at;
      this.count -= i;
      this.lastOut = lastOut;
      if (i < Math.min(n, withEntries) && !batch.full) {
        // A record the specialised decoder does not take: the general path.
        const t = this.pop();
        if (Number.isNaN(t)) return;
        rowInto(this.row, t, batch);
      }
    }
  }

  /** Up to n records of the first run straight into the batch (the general path for one it refuses). */
  private takeRun(batch: FrameBatch, n: number): void {
    const run = this.runs[this.runHead];
    const fast = this.columns[run.layout];
    const buf = this.chunkBuf[run.chunk]!;
    const { times, cap, channels, startUs } = this;
    const starts = batch.start;
    const room = batch.data.length - 64;
    const size = run.size;
    const m = Math.min(n, run.count);
    let pos = run.pos;
    let at = this.head;
    let lastOut = this.lastOut;
    let j = 0;
    const decode = this.runDecoders[run.layout];
    if (decode !== undefined) {
      this.latest[0] = lastOut;
      j = decode(buf, pos, size, m, channels, batch, times, at, cap, startUs, this.latest);
      lastOut = this.latest[0];
      pos += j * size;
      at += j;
      if (at >= cap) at -= cap;
    } else if (fast !== undefined) {
      for (; j < m; j++) {
        if (starts[batch.length] > room || !fast(buf, pos, channels, batch, times, at, startUs)) break;
        const time = times[at];
        if (time > lastOut) lastOut = time;
        pos += size;
        if (++at === cap) at = 0;
      }
    }
    this.head = at;
    this.lastOut = lastOut;
    this.count -= j;
    this.runCount -= j;
    run.pos = pos;
    run.index += j;
    run.count -= j;
    if (j > 0) this.unref(run.chunk, j);
    if (run.count === 0) this.dropRun();
    if (j < m && !batch.full) {
      // A record the specialised decoder does not take: the general path, from an entry.
      const t = this.pop();
      if (!Number.isNaN(t)) rowInto(this.row, t, batch);
    }
  }

  /** The first run is used up. */
  private dropRun(): void {
    this.runHead++;
    if (this.runHead === this.runs.length) {
      this.runs.length = 0;
      this.runHead = 0;
    } else if (this.runHead > 256) {
      this.runs = this.runs.slice(this.runHead);
      this.runHead = 0;
    }
  }

  /** The runs' records as entries of their own (before anything that needs entries). */
  private materialize(): void {
    if (this.runCount === 0) return;
    let at = this.wrap(this.head + (this.count - this.runCount));
    for (let r = this.runHead; r < this.runs.length; r++) {
      const run = this.runs[r];
      for (let k = 0; k < run.count; k++) {
        this.layoutOf[at] = run.layout;
        this.positions[at] = run.pos + k * run.size;
        this.indexes[at] = run.index + k;
        this.chunkOf[at] = run.chunk;
        this.payloads[at] = undefined;
        if (++at === this.cap) at = 0;
      }
    }
    this.runs = [];
    this.runHead = 0;
    this.runCount = 0;
  }

  /** The earliest held record, when it is in a run, as an entry of its own (for pop()). */
  private materializeHead(): void {
    const run = this.runs[this.runHead];
    const at = this.head;
    this.layoutOf[at] = run.layout;
    this.positions[at] = run.pos;
    this.indexes[at] = run.index;
    this.chunkOf[at] = run.chunk;
    this.payloads[at] = undefined;
    run.pos += run.size;
    run.index++;
    run.count--;
    this.runCount--;
    if (run.count === 0) this.dropRun();
  }

  /** `n` held records of chunk slot `c` have left the ring. */
  private unref(c: number, n: number): void {
    this.chunkRefs[c] -= n;
    if (this.chunkRefs[c] === 0) this.freeChunk(c);
  }

  /** The record being handed out. */
  private readonly row = newFrameRow();

  protected async load(): Promise<boolean> {
    if (this.active.length === 0) return false;
    await this.fill();
    return true;
  }

  protected end(): void {
    if (this.pendingError !== undefined) throw this.pendingError;
  }

  // ---------------------------------------------------------------- metadata

  protected async open(): Promise<void> {
    const size = await this.source.size();
    this.blocks = new BlockReader(this.source, size);
    const id = await this.blocks.identification();
    this.unfinalised = !id.finalised;
    const hd = await this.blocks.header64();
    if (!this.options.relativeTime) this.startUs = Number(hd.startNs / 1000n);
    const streamOptions: StreamOptions = { unfinalised: this.unfinalised, unfinFlags: id.unfinFlags };
    if (this.options.lenient) streamOptions.lenient = (problem) => this.skipped.push(problem);
    const trustCycles = id.finalised || !(id.unfinFlags & UNFIN_CYCLE_COUNTERS);
    const byOrder = this.unfinalised && (id.unfinFlags & UNFIN_VLSD_OFFSETS) !== 0;
    let dgAt = hd.firstDataGroup;
    let from = 64;
    const seen = new Set<number>();
    let canGroups = 0;
    const problems: Reason[] = [];
    // Read all metadata first: an unfinished data block ends at the next known block.
    const groups: {
      dg: Awaited<ReturnType<BlockReader['dataGroup']>>;
      cgs: ChannelGroup[];
      layouts: (GroupLayout | undefined)[];
    }[] = [];
    while (dgAt !== 0) {
      if (seen.has(dgAt)) throw this.blocks.error(from, reason('mf4.dg-loop', { at: dgAt }));
      seen.add(dgAt);
      const dg = await this.blocks.dataGroup(dgAt, from);
      const cgs: ChannelGroup[] = [];
      const layouts: (GroupLayout | undefined)[] = [];
      let cgAt = dg.firstChannelGroup;
      let cgFrom = dgAt;
      while (cgAt !== 0) {
        if (seen.has(cgAt)) throw this.blocks.error(cgFrom, reason('mf4.cg-loop', { at: cgAt }));
        seen.add(cgAt);
        const cg = await this.blocks.channelGroup(cgAt, cgFrom);
        cgs.push(cg);
        let layout: GroupLayout | undefined;
        if (!(cg.flags & CG_VLSD)) {
          try {
            layout = await groupLayout(this.blocks, cg);
          } catch (err) {
            if (!(err instanceof LayoutError)) throw err;
            problems.push(err.detail);
            if (!this.options.lenient) throw this.blocks.error(cg.at, err.detail);
          }
        }
        if (layout) canGroups++;
        layouts.push(layout);
        cgFrom = cgAt;
        cgAt = cg.next;
      }
      groups.push({ dg, cgs, layouts });
      from = dgAt;
      dgAt = dg.next;
    }
    if (canGroups === 0) {
      throw this.blocks.error(
        64,
        problems.length
          ? reason('mf4.no-readable-can-group', { problems: reasonList(problems) })
          : reason('mf4.no-can-group'),
      );
    }
    for (const p of problems)
      this.skipped.push(new BinaryLogError(this.file, 64, reason('mf4.cg-skipped', { inner: p })));
    for (const { dg, cgs, layouts } of groups) {
      if (!layouts.some((l) => l !== undefined) || dg.data === 0) continue;
      const slots = new Map<number, GroupSlot>();
      const vlsdByAt = new Map<number, VlsdStore>();
      for (const cg of cgs) {
        if (cg.flags & CG_VLSD) vlsdByAt.set(cg.at, new VlsdStore(byOrder));
      }
      let single: GroupSlot | undefined;
      for (const [i, cg] of cgs.entries()) {
        const layout = layouts[i];
        let layoutIndex = -1;
        if (layout) {
          layoutIndex = this.layouts.length;
          this.layouts.push(layout);
          this.decoders.push(this.options.fastPath === false ? undefined : fastDecoder(layout));
          this.columns.push(this.options.fastPath === false ? undefined : fastColumns(layout));
          this.runDecoders.push(this.options.fastPath === false ? undefined : fastRun(layout));
          this.timers.push(this.options.fastPath === false ? undefined : fastTime(layout));
          const db = layout.dataBytes;
          if (db?.kind === 'vlsd' && !vlsdByAt.has(db.target) && !this.signalData.has(db.target)) {
            this.signalData.set(db.target, new SignalData(this.blocks, db.target, cg.at, streamOptions));
          }
        }
        const slot: GroupSlot = {
          size: cg.flags & CG_VLSD ? -1 : cg.dataBytes + cg.invalBytes,
          layout: layoutIndex,
          vlsd: vlsdByAt.get(cg.at),
          records: 0,
          cycles: trustCycles && dg.recordIdSize === 0 ? cg.cycleCount : -1,
        };
        if (slot.size === 0 && layout) {
          throw this.blocks.error(cg.at, reason('mf4.cg-zero-records'));
        }
        slots.set(cg.recordId, slot);
        if (dg.recordIdSize === 0) single = slot;
      }
      if (dg.recordIdSize === 0 && cgs.length !== 1) {
        throw this.blocks.error(dg.at, reason('mf4.dg-without-ids', { count: cgs.length }));
      }
      const source = new Source(
        dg.at,
        new ChunkStream(this.blocks, dg.data, dg.at, streamOptions),
        dg.recordIdSize,
        single,
      );
      for (const [k, v] of slots) {
        source.slots.set(k, v);
        if (k < 256) source.byId[k] = v;
      }
      // A layout's VLSD target may be a channel group of this data group.
      for (const l of this.layouts) {
        const db = l.dataBytes;
        if (db?.kind === 'vlsd' && vlsdByAt.has(db.target))
          this.vlsdTargets.set(db.target, vlsdByAt.get(db.target)!);
      }
      this.sources.push(source);
    }
    this.active = [...this.sources];
    this.cap = this.window + 8192;
    this.times = new Float64Array(this.cap);
    this.layoutOf = new Int32Array(this.cap);
    this.positions = new Int32Array(this.cap);
    this.indexes = new Float64Array(this.cap);
    this.chunkOf = new Int32Array(this.cap);
    this.payloads = new Array(this.cap);
  }

  private readonly vlsdTargets = new Map<number, VlsdStore>();

  // ---------------------------------------------------------------- records

  /**
   * Parses records from the streams into the window until it holds more than `window` records
   * plus a batch, or the streams end. With several streams, the one whose next record is earliest
   * goes first (a merge by time).
   */
  private async fill(): Promise<void> {
    try {
      await this.fillRecords();
      if (this.pendingSignal.length > 0) await this.resolveSignalData();
    } catch (err) {
      // Hand out the frames already read, then the error.
      this.active = [];
      this.pendingError = err;
    }
  }

  /** An error met while parsing, thrown once the records read before it have been handed out. */
  private pendingError: unknown;

  private async fillRecords(): Promise<void> {
    // The batch over the window: at most 4,096 records, so a small window stays small.
    const target = this.window + Math.min(4096, this.window + 64);
    if (this.active.length === 1) {
      const s = this.active[0];
      while (this.count < target) {
        if (!this.takeRecords(s, target)) {
          if (!(await this.loadSource(s))) {
            this.active = [];
            return;
          }
        }
      }
      return;
    }
    while (this.count < target && this.active.length > 0) {
      // Every active stream needs its next record parsed to be compared.
      let ended = false;
      for (let i = 0; i < this.active.length; i++) {
        const s = this.active[i];
        while (!s.hasHead && !s.done) {
          if (!this.parseHead(s) && !(await this.loadSource(s))) s.done = true;
        }
        if (!s.hasHead) ended = true;
      }
      if (ended) this.active = this.active.filter((s) => s.hasHead);
      if (this.active.length === 0) break;
      let best = this.active[0];
      for (let i = 1; i < this.active.length; i++)
        if (this.active[i].headTime < best.headTime) best = this.active[i];
      this.insert(best);
    }
  }

  /** Single stream: parses records straight into the window; false when the chunk is used up. */
  private takeRecords(s: Source, target: number): boolean {
    const slot = s.single;
    if (slot !== undefined && slot.layout >= 0 && slot.size > 0) {
      const timer = this.timers[slot.layout];
      if (timer !== undefined && this.layouts[slot.layout].dataBytes?.kind !== 'vlsd')
        return this.takeSorted(s, slot, timer, target);
    }
    while (this.count < target) {
      if (!this.parseHead(s)) return false;
      this.insert(s);
    }
    return true;
  }

  /**
   * A sorted group (one channel group, records of one size, no record ids) whose time the layout's
   * specialised reader takes: the loop of `parseHead` and `insert` with nothing to look up per
   * record. A record it does not take plainly (the cycle count reached, a time that is not one)
   * goes through `parseHead`, which decides.
   */
  private takeSorted(s: Source, slot: GroupSlot, timer: FastTime, target: number): boolean {
    const size = slot.size;
    const layout = slot.layout;
    const { times, layoutOf, positions, indexes, chunkOf, cap } = this;
    while (this.count < target) {
      const buf = s.buf;
      const chunk = s.chunk;
      const p0 = s.p;
      let p = p0;
      const count = this.count;
      const records = slot.records;
      let n = Math.min(target - count, Math.floor((buf.length - p) / size));
      if (slot.cycles >= 0) n = Math.min(n, slot.cycles - records);
      // Records in time order (the common case) go to the tail of the ring, in a loop over locals.
      let tail = this.head + count;
      if (tail >= cap) tail -= cap;
      let prev = count === 0 ? this.lastOut : Math.max(times[tail === 0 ? cap - 1 : tail - 1], this.lastOut);
      let i = 0;
      for (; i < n; i++) {
        timer(buf, p, times, tail);
        const time = times[tail];
        if (!(time >= prev && time <= Number.MAX_SAFE_INTEGER && time >= -Number.MAX_SAFE_INTEGER)) break;
        prev = time;
        p += size;
        if (++tail === cap) tail = 0;
      }
      if (i > 0) {
        // The records just appended, as a run (the last one grows when they follow it).
        const last = this.runCount > 0 ? this.runs[this.runs.length - 1] : undefined;
        if (
          last !== undefined &&
          last.chunk === chunk &&
          last.layout === layout &&
          last.size === size &&
          last.pos + last.count * size === p0 &&
          last.index + last.count === records
        )
          last.count += i;
        else this.runs.push({ chunk, pos: p0, size, index: records, layout, count: i });
        this.runCount += i;
        this.count = count + i;
        slot.records = records + i;
        this.chunkRefs[chunk] += i;
        s.p = p;
      }
      if (i < n) {
        // A record out of order goes where it belongs; one whose time is not a time, to parseHead.
        const time = times[tail];
        if (Math.abs(time) <= Number.MAX_SAFE_INTEGER) {
          this.materialize();
          const at = this.slotFor(time);
          layoutOf[at] = layout;
          positions[at] = p;
          indexes[at] = slot.records++;
          chunkOf[at] = chunk;
          this.payloads[at] = undefined;
          this.chunkRefs[chunk]++;
          this.count++;
          s.p = p + size;
          continue;
        }
      } else if (this.count >= target) return true;
      // The record the loop stopped at (or none left in this chunk): the general path decides.
      if (!this.parseHead(s)) return false;
      this.insert(s);
    }
    return true;
  }

  /**
   * Parses the next CAN record of the stream into its head fields (VLSD records are stored, other
   * groups skipped). False when the chunk holds no complete record: `load` must bring more bytes.
   */
  private parseHead(s: Source): boolean {
    const buf = s.buf;
    const end = buf.length;
    const idSize = s.idSize;
    for (;;) {
      let p = s.p;
      let slot = s.single;
      if (idSize > 0) {
        if (p + idSize > end) return false;
        const rid =
          idSize === 1 ? buf[p] : idSize === 2 ? u16(buf, p) : idSize === 4 ? u32(buf, p) : u64(buf, p);
        slot = rid < 256 ? s.byId[rid] : s.slots.get(rid);
        if (slot === undefined) {
          throw this.recordError(s, p, reason('mf4.unknown-record-id', { rid }));
        }
        p += idSize;
      }
      if (slot === undefined) return false;
      if (slot.cycles >= 0 && slot.records >= slot.cycles) {
        // A finalised sorted group ends with its cycle count; whatever follows is not records.
        s.p = end;
        s.done = true;
        return false;
      }
      if (slot.size < 0) {
        if (p + 4 > end) return false;
        const n = u32(buf, p);
        if (n > 1 << 20) throw this.recordError(s, p, reason('mf4.vlsd-record-corrupt', { n }));
        if (p + 4 + n > end) {
          if (end - s.p > 1 << 22) throw this.recordError(s, s.p, reason('mf4.vlsd-past-data'));
          return false;
        }
        slot.vlsd?.put(Uint8Array.from(buf.subarray(p + 4, p + 4 + n)));
        slot.records++;
        s.p = p + 4 + n;
        continue;
      }
      if (p + slot.size > end) return false;
      s.p = p + slot.size;
      const index = slot.records++;
      if (slot.layout < 0) continue;
      const layout = this.layouts[slot.layout];
      const timer = this.timers[slot.layout];
      let time: number;
      if (timer !== undefined) {
        timer(buf, p, this.scratch, 0);
        time = this.scratch[0];
      } else time = recordTime(layout.time, buf, p, index);
      if (!Number.isFinite(time) || Math.abs(time) > Number.MAX_SAFE_INTEGER) {
        const err = this.recordError(s, p, reason('mf4.bad-record-time', { time }));
        if (!this.options.lenient) throw err;
        this.skipped.push(err);
        continue;
      }
      s.headTime = time;
      s.headLayout = slot.layout;
      s.headPos = p;
      s.headIndex = index;
      s.headPayload = undefined;
      const db = layout.dataBytes;
      if (db?.kind === 'vlsd') {
        const offset = rawValue(db.offset, buf, p, index);
        if (!Number.isNaN(offset)) {
          const store = this.vlsdTargets.get(db.target);
          try {
            s.headPayload = store ? store.get(offset) : { data: undefined };
          } catch (err) {
            if (err instanceof RecordError) throw this.recordError(s, p, err.detail);
            throw err;
          }
          if (!store) this.pendingSignal.push({ holder: s.headPayload as Holder, target: db.target, offset });
        }
      }
      s.hasHead = true;
      return true;
    }
  }

  /** Values stored apart (sorted groups' signal data), read before their records leave the window. */
  private pendingSignal: { holder: Holder; target: number; offset: number }[] = [];

  private async resolveSignalData(): Promise<void> {
    const pending = this.pendingSignal;
    this.pendingSignal = [];
    for (const { holder, target, offset } of pending) {
      holder.data = await this.signalData.get(target)!.value(offset);
    }
  }

  /** Brings the stream's next chunk, keeping an unfinished record; false at the end of the stream. */
  private async loadSource(s: Source): Promise<boolean> {
    if (s.after !== undefined) {
      // The record cut across two chunks was parsed from its own copy: on with the new chunk.
      const after = s.after;
      s.after = undefined;
      if (s.p >= s.buf.length) {
        this.setBuf(s, after.bytes, {
          base: chunkOrigin(after.fileAt, after.blockAt),
          split: Number.POSITIVE_INFINITY,
          next: 0,
        });
        s.p = s.afterAt;
        return true;
      }
      return this.join(s, {
        ...after,
        bytes: after.bytes.subarray(s.afterAt),
        fileAt: after.fileAt >= 0 ? after.fileAt + s.afterAt : -1,
      });
    }
    if (s.done) return false;
    const rest = s.buf.length - s.p;
    const next = await s.stream.next();
    if (next === undefined) {
      s.done = true;
      if (rest > 0) {
        const partial = reason('mf4.partial-record', { rest });
        if (this.unfinalised) {
          // A logger that loses power cuts its last record: say so, keep the frames.
          this.skipped.push(this.recordError(s, s.p, reason('mf4.logger-stopped', { inner: partial })));
        } else if (this.options.lenient) {
          this.skipped.push(this.recordError(s, s.p, partial));
        } else {
          throw this.recordError(s, s.p, partial);
        }
      }
      return false;
    }
    if (rest === 0) {
      this.setBuf(s, next.bytes, {
        base: chunkOrigin(next.fileAt, next.blockAt),
        split: Number.POSITIVE_INFINITY,
        next: 0,
      });
      s.p = 0;
      return true;
    }
    // A record cut across two chunks: copy just that record when its length is known (copying the
    // whole chunk behind it would cost a memory copy of the file).
    const length = this.recordLength(
      s,
      Buffer.concat([s.buf.subarray(s.p, s.p + 16), next.bytes.subarray(0, 16)]),
    );
    if (length > rest && length - rest <= next.bytes.length) {
      this.setBuf(s, Buffer.concat([s.buf.subarray(s.p), next.bytes.subarray(0, length - rest)]), {
        base: originOf(s.origin, s.p),
        split: rest,
        next: chunkOrigin(next.fileAt, next.blockAt),
      });
      s.p = 0;
      s.after = next;
      s.afterAt = length - rest;
      return true;
    }
    return this.join(s, next);
  }

  /** The unfinished bytes of the current chunk in front of the next chunk. */
  private join(s: Source, next: Chunk): boolean {
    const rest = s.buf.length - s.p;
    this.setBuf(s, Buffer.concat([s.buf.subarray(s.p), next.bytes]), {
      base: originOf(s.origin, s.p),
      split: rest,
      next: chunkOrigin(next.fileAt, next.blockAt),
    });
    s.p = 0;
    return true;
  }

  /** The source goes on in new bytes: they take a chunk slot, held by the source until it moves on. */
  private setBuf(s: Source, buf: Buffer, origin: Origin): void {
    if (s.chunk >= 0 && --this.chunkRefs[s.chunk] === 0) this.freeChunk(s.chunk);
    s.buf = buf;
    s.origin = origin;
    let c = this.freeChunks.pop();
    if (c === undefined) {
      c = this.chunkBuf.length;
      this.chunkBuf.push(undefined);
      this.chunkOrigin.push(undefined);
      this.chunkStream.push(undefined);
      if (c >= this.chunkRefs.length) {
        const refs = new Int32Array(this.chunkRefs.length * 2);
        refs.set(this.chunkRefs);
        this.chunkRefs = refs;
      }
    }
    this.chunkBuf[c] = buf;
    this.chunkOrigin[c] = origin;
    this.chunkStream[c] = s.stream;
    this.chunkRefs[c] = 1;
    s.chunk = c;
  }

  private freeChunk(c: number): void {
    // Nothing points into these bytes any more (pop() decodes the record it frees before any await).
    this.chunkStream[c]?.recycle(this.chunkBuf[c]!);
    this.chunkStream[c] = undefined;
    this.chunkBuf[c] = undefined;
    this.chunkOrigin[c] = undefined;
    this.freeChunks.push(c);
  }

  /** Length of the record starting at `head[0]` (record id included), or -1 when it cannot be told. */
  private recordLength(s: Source, head: Buffer): number {
    const n = s.idSize;
    if (head.length < n) return -1;
    let slot = s.single;
    if (n > 0) {
      const rid = n === 1 ? head[0] : n === 2 ? u16(head, 0) : n === 4 ? u32(head, 0) : u64(head, 0);
      slot = rid < 256 ? s.byId[rid] : s.slots.get(rid);
    }
    if (slot === undefined) return -1;
    if (slot.size >= 0) return n + slot.size;
    return head.length >= n + 4 ? n + 4 + u32(head, n) : -1;
  }

  private recordError(s: Source, p: number, why: Reason): BinaryLogError {
    return this.errorAt(originOf(s.origin, p), why);
  }

  /** An error at a record: its file offset, or for inflated data the DZ block (encoded as -1 - block). */
  private errorAt(origin: number, why: Reason): BinaryLogError {
    if (origin >= 0) return new BinaryLogError(this.file, origin, why);
    return new BinaryLogError(this.file, -1 - origin, reason('mf4.in-dz', { inner: why }));
  }

  // ---------------------------------------------------------------- reorder window

  /** Moves the source's head record into the window, in time order. */
  private insert(s: Source): void {
    s.hasHead = false;
    if (this.runCount > 0) {
      const time = s.headTime;
      const tail = this.wrap(this.head + this.count);
      if (
        s.headPayload === undefined &&
        time >= this.lastOut &&
        time >= this.times[tail === 0 ? this.cap - 1 : tail - 1]
      ) {
        // In order after runs (a record cut across two chunks, parsed from its copy): a run of one.
        this.times[tail] = time;
        this.runs.push({
          chunk: s.chunk,
          pos: s.headPos,
          size: 0,
          index: s.headIndex,
          layout: s.headLayout,
          count: 1,
        });
        this.runCount++;
        this.chunkRefs[s.chunk]++;
        this.count++;
        return;
      }
      this.materialize();
    }
    const at = this.slotFor(s.headTime);
    this.layoutOf[at] = s.headLayout;
    this.positions[at] = s.headPos;
    this.indexes[at] = s.headIndex;
    this.chunkOf[at] = s.chunk;
    this.chunkRefs[s.chunk]++;
    this.payloads[at] = s.headPayload;
    this.count++;
  }

  /**
   * The ring position where a record of this time goes, its time written there: the tail for a
   * record in order (the common case), else after the last held record not later than it, the
   * records behind shifted up by one.
   */
  private slotFor(time: number): number {
    let k = this.count;
    if (k > 0 && time < this.times[this.wrap(this.head + k - 1)]) {
      // Out of order: find the first held record later than this one, shift the rest up.
      let lo = 0;
      let hi = k;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.times[this.wrap(this.head + mid)] <= time) lo = mid + 1;
        else hi = mid;
      }
      for (let j = k; j > lo; j--) this.move(this.wrap(this.head + j - 1), this.wrap(this.head + j));
      k = lo;
    }
    if (time < this.lastOut) this.late++;
    const at = this.wrap(this.head + k);
    this.times[at] = time;
    return at;
  }

  /** A ring position from head + k (k below the capacity): a subtraction, not a division. */
  private wrap(i: number): number {
    return i >= this.cap ? i - this.cap : i;
  }

  private move(from: number, to: number): void {
    this.times[to] = this.times[from];
    this.layoutOf[to] = this.layoutOf[from];
    this.positions[to] = this.positions[from];
    this.indexes[to] = this.indexes[from];
    this.chunkOf[to] = this.chunkOf[from];
    this.payloads[to] = this.payloads[from];
  }

  /**
   * Decodes the earliest held record into `this.row`; returns its time in seconds, or NaN when
   * the window is empty (records that cannot be frames are skipped in lenient mode).
   */
  private pop(): number {
    while (this.count > 0) {
      if (this.count === this.runCount) this.materializeHead();
      const at = this.head;
      this.head = this.wrap(this.head + 1);
      this.count--;
      const c = this.chunkOf[at];
      const buf = this.chunkBuf[c]!;
      const origin = this.chunkOrigin[c]!;
      if (--this.chunkRefs[c] === 0) this.freeChunk(c);
      let payload = this.payloads[at];
      this.payloads[at] = undefined;
      const time = this.times[at];
      if (time > this.lastOut) this.lastOut = time;
      if (payload !== undefined && !(payload instanceof Uint8Array)) {
        if (payload.data === undefined) {
          const err = this.errorAt(originOf(origin, this.positions[at]), reason('mf4.vlsd-missing'));
          if (!this.options.lenient) throw err;
          this.skipped.push(err);
          continue;
        }
        payload = payload.data;
      }
      const layout = this.layoutOf[at];
      const position = this.positions[at];
      // The layout's specialised decoder takes the plainly valid records; the general one the rest.
      const fast = payload === undefined ? this.decoders[layout] : undefined;
      if (fast?.(buf, position, this.channels, this.row)) return (this.startUs + time) / 1e6;
      try {
        decodeFields(this.layouts[layout], buf, position, this.indexes[at], this.channels, payload, this.row);
        return (this.startUs + time) / 1e6;
      } catch (err) {
        if (!(err instanceof RecordError)) throw err;
        const e = this.errorAt(originOf(origin, position), err.detail);
        if (!this.options.lenient) throw e;
        this.skipped.push(e);
      }
    }
    return Number.NaN;
  }
}
