import { type FileHandle, open } from 'node:fs/promises';
import { FrameBatch } from '../batch.js';
import type { Frame } from '../frame.js';
import { type LogFormat, LogParseError, type LogReader } from '../log.js';
import { reason } from '../reason.js';
import { CR, LF, LineError } from './bytes.js';

/**
 * One format's line grammar. `parse` gets one line without its end-of-line bytes and returns the
 * frame it holds, or undefined for a line that holds none (header, comment, event); a bad line
 * throws LineError. A parser instance reads one file, so it may keep header state.
 */
export interface LineParser {
  parse(buf: Uint8Array, start: number, end: number): Frame | undefined;
  /**
   * A format's bulk fast path, optional: parses the common lines from `pos` straight into `batch`
   * (one frame per line, no object), and stops at the first line it does not take (left to
   * `parse`, which also reports mistakes precisely), at `limit` (one past an LF) or when the batch
   * is full. Returns the position after the last line it took.
   */
  parseLinesInto?(buf: Uint8Array, pos: number, limit: number, batch: FrameBatch): number;
}

/** Where bytes come from: a file read in chunks, or bytes already in memory. */
export interface ByteSource {
  /**
   * The next bytes, at most `length` of them; empty at the end. The buffer stays valid until the
   * read after next (a file source alternates two buffers, so reading ahead is safe).
   */
  read(length: number): Promise<Buffer>;
  close(): Promise<void>;
}

/** 256 KiB reads: few enough round trips to the I/O thread, small enough to stay in cache. */
const CHUNK = 1 << 18;
/** A line longer than this is not a log line: the file is binary or corrupt. */
export const MAX_LINE = 1 << 20;

export function fileSource(path: string): ByteSource {
  let opening: Promise<FileHandle> | undefined;
  let closed = false;
  // Two buffers in turn: a fresh 256 KiB buffer per read is external memory the GC must chase.
  const buffers: Buffer[] = [];
  let turn = 0;
  return {
    async read(length) {
      if (closed) return Buffer.alloc(0);
      opening ??= open(path, 'r');
      const handle = await opening;
      turn ^= 1;
      let buf = buffers[turn];
      if (!buf || buf.length < length) buf = buffers[turn] = Buffer.allocUnsafe(length);
      const { bytesRead } = await handle.read(buf, 0, length, null);
      return buf.subarray(0, bytesRead);
    },
    async close() {
      closed = true;
      const h = opening ? await opening.catch(() => undefined) : undefined;
      opening = undefined;
      await h?.close();
    },
  };
}

export function memorySource(bytes: Uint8Array): ByteSource {
  const all = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  return {
    async read(length) {
      const n = Math.min(length, all.length - pos);
      pos += n;
      return all.subarray(pos - n, pos);
    },
    async close() {},
  };
}

/**
 * A LogReader over lines: reads the source in 256 KiB chunks, cuts lines on LF (a CR before it is
 * dropped) and parses them into a reused `FrameBatch`, so memory stays flat whatever the file size.
 * Iterated for frames, it hands out the batch's frames one by one; `batches()` hands out the batch
 * itself for whole-log consumers. Each iteration reads the source from the start.
 */
export class LineLogReader implements LogReader {
  readonly skipped: LogParseError[] = [];
  private current: LineCursor | undefined;

  get bytesRead(): number {
    return this.current?.total ?? 0;
  }

  constructor(
    readonly file: string,
    readonly format: LogFormat,
    private readonly openSource: () => ByteSource,
    private readonly makeParser: () => LineParser,
    private readonly lenient: boolean,
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<Frame> {
    return new FrameIterator(this.start(false), new FrameBatch(FRAMES_PER_TURN));
  }

  /** The frames in columns, `capacity` at most per batch; the same batch object comes back each turn. */
  batches(capacity = 4096): AsyncIterable<FrameBatch> {
    return { [Symbol.asyncIterator]: () => new BatchIterator(this.start(true), new FrameBatch(capacity)) };
  }

  /** `columns`: every frame's fields in the batch's columns, not only the object a parser returned. */
  private start(columns: boolean): LineCursor {
    this.skipped.length = 0;
    this.current = new LineCursor(
      this.file,
      this.openSource(),
      this.makeParser(),
      this.lenient,
      this.skipped,
      columns,
    );
    return this.current;
  }
}

/**
 * Frames parsed ahead when iterating frame by frame: enough to make the per-turn work vanish, few
 * enough that the frames a parser returns as objects (kept by the batch until handed out) never
 * survive a young-generation collection in numbers (a whole chunk's worth did, and cost more in GC
 * than the parse).
 */
const FRAMES_PER_TURN = 64;

const NO_BYTES = Buffer.alloc(0);

/** Hands out a batch's frames one at a time. */
class FrameIterator implements AsyncIterator<Frame> {
  private k = 0;

  constructor(
    private readonly cursor: LineCursor,
    private readonly batch: FrameBatch,
  ) {}

  next(): Promise<IteratorResult<Frame>> {
    if (this.k < this.batch.length)
      return Promise.resolve({ value: this.batch.frame(this.k++), done: false });
    return this.refill();
  }

  private async refill(): Promise<IteratorResult<Frame>> {
    this.k = 0;
    if (!(await this.cursor.fill(this.batch))) return { value: undefined, done: true };
    return { value: this.batch.frame(this.k++), done: false };
  }

  async return(): Promise<IteratorResult<Frame>> {
    this.batch.clear();
    await this.cursor.close();
    return { value: undefined, done: true };
  }
}

/** Hands out the batch itself, refilled each turn. */
class BatchIterator implements AsyncIterator<FrameBatch> {
  constructor(
    private readonly cursor: LineCursor,
    private readonly batch: FrameBatch,
  ) {}

  async next(): Promise<IteratorResult<FrameBatch>> {
    return (await this.cursor.fill(this.batch))
      ? { value: this.batch, done: false }
      : { value: undefined, done: true };
  }

  async return(): Promise<IteratorResult<FrameBatch>> {
    this.batch.clear();
    await this.cursor.close();
    return { value: undefined, done: true };
  }
}

/**
 * Walks the lines of a source into batches. A bad line stops the batch where it is: the frames
 * before it are handed out first, then the error is thrown (or, lenient, recorded and skipped).
 */
class LineCursor {
  /** Bytes of an unfinished line, waiting for the rest from the next chunk. */
  private carry: Buffer = Buffer.allocUnsafe(1024);
  private carryLength = 0;
  /** The carry holds a complete line, to parse before the chunk's lines. */
  private carryReady = false;
  private chunk: Buffer = NO_BYTES;
  /** Start of the next line in `chunk`, and the last LF in it. */
  private pos = 0;
  private last = -1;
  /** The next chunk, read while the current one is parsed. */
  private pending: Promise<Buffer> | undefined;
  private line = 0;
  /** Bytes taken from the source so far. */
  total = 0;
  private done = false;
  /** The error met by the last fill, thrown once the frames before it are handed out. */
  private error: unknown;
  private hasError = false;

  constructor(
    private readonly file: string,
    private readonly source: ByteSource,
    private readonly parser: LineParser,
    private readonly lenient: boolean,
    private readonly skipped: LogParseError[],
    private readonly columns: boolean,
  ) {}

  /** Clears the batch and fills it; false at the end of the source (the source is then closed). */
  async fill(batch: FrameBatch): Promise<boolean> {
    batch.clear();
    try {
      for (;;) {
        this.take(batch);
        if (batch.length > 0) return true;
        if (this.hasError) throw this.error;
        if (this.done && !this.carryReady) {
          await this.stop();
          return false;
        }
        await this.load();
      }
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  async close(): Promise<void> {
    this.done = true;
    this.chunk = NO_BYTES;
    this.last = -1;
    this.carryReady = false;
    await this.stop();
  }

  private async stop(): Promise<void> {
    const pending = this.pending;
    this.pending = undefined;
    await pending?.catch(() => undefined);
    await this.source.close();
  }

  /** Parses the bytes at hand into the batch until they are used up, the batch is full or a line fails. */
  private take(batch: FrameBatch): void {
    if (this.hasError) return;
    if (this.carryReady) {
      this.carryReady = false;
      const n = this.carryLength;
      this.carryLength = 0;
      this.parseLine(this.carry, 0, n, batch);
    }
    const chunk = this.chunk;
    const last = this.last;
    const parser = this.parser;
    while (this.pos <= last && !this.hasError && !batch.full) {
      if (parser.parseLinesInto !== undefined) {
        const before = batch.length;
        this.pos = parser.parseLinesInto(chunk, this.pos, last + 1, batch);
        this.line += batch.length - before;
        if (this.pos > last || batch.full) return;
      }
      const s = this.pos;
      // `last` holds an LF, so the search stops inside the chunk.
      const e = chunk.indexOf(LF, s);
      this.pos = e + 1;
      this.parseLine(chunk, s, e, batch);
    }
  }

  /** Keeps the unfinished end of the current chunk, takes the next one and asks for the one after. */
  private async load(): Promise<void> {
    if (this.pos < this.chunk.length) this.keep(this.chunk, this.pos, this.chunk.length);
    this.chunk = NO_BYTES;
    this.pos = 0;
    this.last = -1;
    const chunk = await (this.pending ?? this.source.read(CHUNK));
    const n = chunk.length;
    this.pending = n > 0 ? this.source.read(CHUNK) : undefined;
    // Nobody awaits a read-ahead when iteration stops on an error: keep its failure from going unhandled.
    this.pending?.catch(() => undefined);
    if (this.total === 0 && n > 0) this.checkText(chunk);
    this.total += n;
    if (n === 0) {
      this.done = true;
      if (this.total === 0) throw new LogParseError(this.file, 1, reason('empty-file'));
      // The last line may lack its newline.
      if (this.carryLength > 0) this.carryReady = true;
      return;
    }
    let s = 0;
    if (this.carryLength > 0) {
      const first = chunk.indexOf(LF);
      if (first < 0) {
        this.keep(chunk, 0, n);
        return;
      }
      this.keep(chunk, 0, first);
      this.carryReady = true;
      s = first + 1;
    }
    this.chunk = chunk;
    this.pos = s;
    this.last = chunk.lastIndexOf(LF);
  }

  /** Appends bytes of an unfinished line to `carry`. */
  private keep(chunk: Buffer, s: number, e: number): void {
    const need = this.carryLength + e - s;
    if (need > MAX_LINE) {
      throw new LogParseError(this.file, this.line + 1, reason('line-too-long', { max: MAX_LINE }));
    }
    if (need > this.carry.length) {
      const bigger = Buffer.allocUnsafe(Math.max(need, this.carry.length * 2));
      this.carry.copy(bigger, 0, 0, this.carryLength);
      this.carry = bigger;
    }
    chunk.copy(this.carry, this.carryLength, s, e);
    this.carryLength = need;
  }

  /** One line through the format's full parser: a frame into the batch, nothing, or an error noted. */
  private parseLine(buf: Uint8Array, s: number, e: number, batch: FrameBatch): void {
    this.line++;
    if (e > s && buf[e - 1] === CR) e--;
    if (e === s) return;
    try {
      const frame = this.parser.parse(buf, s, e);
      if (frame !== undefined) {
        if (this.columns) batch.push(frame);
        else batch.keep(frame);
      }
    } catch (err) {
      this.hasError = true;
      if (!(err instanceof LineError)) {
        this.error = err;
        return;
      }
      const problem = new LogParseError(this.file, this.line, err.detail, err.column);
      if (!this.lenient) {
        this.error = problem;
        return;
      }
      this.hasError = false;
      this.skipped.push(problem);
    }
  }

  /** A NUL byte in the first chunk means a binary file, whatever the extension says. */
  private checkText(buf: Uint8Array): void {
    const nul = buf.indexOf(0);
    if (nul < 0) return;
    let line = 1;
    for (let i = 0; i < nul; i++) if (buf[i] === LF) line++;
    throw new LogParseError(this.file, line, reason('binary-content', { offset: nul }));
  }
}
