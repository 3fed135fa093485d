import { type FileHandle, open } from 'node:fs/promises';
import { FrameBatch } from '../batch.js';
import type { Frame } from '../frame.js';
import {
  BinaryLogError,
  type LogFormat,
  type LogParseError,
  type LogReader,
  type ReadOptions,
} from '../log.js';
import { type Reason, reason } from '../reason.js';

/**
 * Random access to the bytes of a binary log (MF4 links point anywhere in the file; BLF is read
 * front to back but in pieces of known size). A file is read through one handle; bytes already in
 * memory (an upload) are served as views.
 */
export interface RandomSource {
  readonly file: string;
  size(): Promise<number>;
  /**
   * `length` bytes at `position`, fewer only where the source ends. The buffer is the caller's.
   * With `into` (at least `length` bytes), a source that copies bytes copies them there and
   * returns a view of it, so a reader can reuse its buffers; a source whose bytes are already in
   * memory returns its own view instead.
   */
  read(position: number, length: number, into?: Buffer): Promise<Buffer>;
  close(): Promise<void>;
}

export function fileRandomSource(path: string): RandomSource {
  let opening: Promise<FileHandle> | undefined;
  let closed = false;
  let known: number | undefined;
  const handle = () => {
    if (closed) throw new Error(`${path}: read after close`);
    opening ??= open(path, 'r');
    return opening;
  };
  return {
    file: path,
    async size() {
      known ??= (await (await handle()).stat()).size;
      return known;
    },
    async read(position, length, into) {
      const h = await handle();
      const buf = into !== undefined && into.length >= length ? into : Buffer.allocUnsafe(length);
      let got = 0;
      // A positional read may return fewer bytes than asked before the end of the file.
      while (got < length) {
        const { bytesRead } = await h.read(buf, got, length - got, position + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return got === buf.length ? buf : buf.subarray(0, got);
    },
    async close() {
      closed = true;
      const h = opening ? await opening.catch(() => undefined) : undefined;
      opening = undefined;
      await h?.close();
    },
  };
}

export function memoryRandomSource(bytes: Uint8Array, name: string): RandomSource {
  const all = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    file: name,
    async size() {
      return all.length;
    },
    async read(position, length) {
      const start = Math.min(position, all.length);
      return all.subarray(start, Math.min(all.length, start + length));
    },
    async close() {},
  };
}

/** Reads exactly `length` bytes or throws a BinaryLogError saying what was cut short. */
export async function readExactly(
  source: RandomSource,
  position: number,
  length: number,
  what: Reason,
  into?: Buffer,
): Promise<Buffer> {
  const buf = await source.read(position, length, into);
  if (buf.length < length) {
    throw new BinaryLogError(
      source.file,
      position,
      reason('truncated-needs', { what, needs: length, left: buf.length }),
    );
  }
  return buf;
}

/** An unsigned 64-bit little-endian value as a number (exact up to 2^53, which any file offset is). */
export function u64(buf: Uint8Array, at: number): number {
  const lo = (buf[at] | (buf[at + 1] << 8) | (buf[at + 2] << 16)) + buf[at + 3] * 0x1000000;
  const hi = (buf[at + 4] | (buf[at + 5] << 8) | (buf[at + 6] << 16)) + buf[at + 7] * 0x1000000;
  return hi * 0x100000000 + lo;
}

export function u32(buf: Uint8Array, at: number): number {
  return (buf[at] | (buf[at + 1] << 8) | (buf[at + 2] << 16)) + buf[at + 3] * 0x1000000;
}

export function u16(buf: Uint8Array, at: number): number {
  return buf[at] | (buf[at + 1] << 8);
}

/** Writes a number below 2^53 as an unsigned 64-bit little-endian value. */
export function putU64(buf: Buffer, at: number, value: number): void {
  const hi = Math.floor(value / 0x100000000);
  buf.writeUInt32LE(value - hi * 0x100000000, at);
  buf.writeUInt32LE(hi, at + 4);
}

/** Printable bytes for error messages: `'LOGG'`, or hex when they are not text. */
export function printable(buf: Uint8Array, at: number, n: number): Reason {
  const bytes = Array.from(buf.subarray(at, at + n));
  if (bytes.length === 0) return reason('found-nothing');
  return bytes.every((b) => b >= 0x20 && b < 0x7f)
    ? reason('found-text', { text: String.fromCharCode(...bytes) })
    : reason('found-hex', { hex: bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ') });
}

/** What a binary format's iteration reports besides frames. */
export interface BinaryIterator extends AsyncIterator<Frame> {
  readonly bytesRead: number;
  readonly late?: number;
  readonly otherPackets?: number;
}

/**
 * The iteration of a binary reader. Frame by frame and in columns are one path: frames handed out
 * one by one come from a small batch filled as `batches()` fills one (the format's loop that
 * decodes runs of records straight into columns), then made objects with `frame(k)` — no await
 * per frame, and no second decoder per format that could disagree with the first. More bytes are
 * loaded only when needed. An error ends the iteration and closes the source; the frames read
 * before it are handed out first.
 */
export abstract class BinaryCursor implements BinaryIterator {
  abstract readonly bytesRead: number;
  readonly late?: number;
  readonly otherPackets?: number;
  private started = false;
  private finished = false;
  /** The batch frames are handed out from, one by one, and the next one to hand out. */
  private own: FrameBatch | undefined;
  private at = 0;

  constructor(protected readonly source: RandomSource) {}

  /** Reads what the format needs before the first frame (headers, metadata). */
  protected abstract open(): Promise<void>;
  /** As many frames as the bytes at hand give, into the batch's columns, until it is full. */
  protected abstract takeInto(batch: FrameBatch): void;
  /** Loads more bytes; false when there are no more. */
  protected abstract load(): Promise<boolean>;
  /** Checks at the end (what was left unfinished); may throw. */
  protected abstract end(): void;
  /** Drops what the iteration holds. */
  protected abstract release(): Promise<void>;

  next(): Promise<IteratorResult<Frame>> {
    const b = this.own;
    if (b !== undefined && this.at < b.length)
      return Promise.resolve({ value: b.frame(this.at++), done: false });
    return this.refill();
  }

  async return(): Promise<IteratorResult<Frame>> {
    await this.stop();
    return { value: undefined, done: true };
  }

  /**
   * Refills the batch with the next frames; false at the end. A problem met after some frames
   * waits: those frames are handed out first, the problem is thrown by the next fill.
   */
  async fillBatch(batch: FrameBatch): Promise<boolean> {
    batch.clear();
    if (this.pending !== undefined) {
      const err = this.pending;
      this.pending = undefined;
      return this.fail(err);
    }
    try {
      if (this.finished) return false;
      if (!this.started) {
        await this.open();
        this.started = true;
      }
      for (;;) {
        this.takeInto(batch);
        if (batch.full) return true;
        if (!(await this.load())) break;
      }
      this.end();
    } catch (err) {
      if (batch.length === 0) return this.fail(err);
      this.pending = err;
      return true;
    }
    await this.stop();
    return batch.length > 0;
  }

  private pending: unknown;

  private async fail(err: unknown): Promise<never> {
    await this.stop();
    throw err;
  }

  private async stop(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    await this.release();
    await this.source.close();
  }

  private async refill(): Promise<IteratorResult<Frame>> {
    // Small enough that a consumer who stops early has not paid for much, large enough that the
    // fill's awaits are few (one per thousand frames).
    this.own ??= new FrameBatch(FRAMES_AT_ONCE);
    const b = this.own;
    this.at = 0;
    if (!(await this.fillBatch(b))) return { value: undefined, done: true };
    this.at = 1;
    return { value: b.frame(0), done: false };
  }
}

/** Frames decoded at once for a reader handing them out one by one. */
const FRAMES_AT_ONCE = 1024;

/**
 * The LogReader of a binary format over a random-access source: each iteration opens the source
 * and runs the format's iterator; problems skipped in lenient mode land in `skipped`.
 */
export class BinaryLogReader implements LogReader {
  readonly skipped: LogParseError[] = [];
  private current: BinaryCursor | undefined;

  constructor(
    readonly file: string,
    readonly format: LogFormat,
    private readonly openSource: () => RandomSource,
    private readonly options: ReadOptions,
    private readonly makeIterator: (
      file: string,
      source: RandomSource,
      options: ReadOptions,
      skipped: LogParseError[],
    ) => BinaryCursor,
  ) {}

  get bytesRead(): number {
    return this.current?.bytesRead ?? 0;
  }

  get late(): number | undefined {
    return this.current?.late;
  }

  get otherPackets(): number | undefined {
    return this.current?.otherPackets;
  }

  [Symbol.asyncIterator](): AsyncIterator<Frame> {
    this.skipped.length = 0;
    this.current = this.makeIterator(this.file, this.openSource(), this.options, this.skipped);
    return this.current;
  }

  /** The frames in columns, `capacity` at most per batch; the same batch comes back each turn. */
  batches(capacity = 4096): AsyncIterable<FrameBatch> {
    return {
      [Symbol.asyncIterator]: (): AsyncIterator<FrameBatch> => {
        this.skipped.length = 0;
        const cursor = this.makeIterator(this.file, this.openSource(), this.options, this.skipped);
        this.current = cursor;
        const batch = new FrameBatch(capacity);
        return {
          next: async () =>
            (await cursor.fillBatch(batch))
              ? { value: batch, done: false }
              : { value: undefined, done: true },
          return: async () => {
            batch.clear();
            await cursor.return?.();
            return { value: undefined, done: true };
          },
        };
      },
    };
  }
}
