import { type FileHandle, open } from 'node:fs/promises';
import type { Frame } from '../frame.js';
import { type LogFormat, LogParseError, type LogReader } from '../log.js';
import { CR, LF, LineError } from './bytes.js';

/**
 * One format's line grammar. `parse` gets one line without its end-of-line bytes and returns the
 * frame it holds, or undefined for a line that holds none (header, comment, event); a bad line
 * throws LineError. A parser instance reads one file, so it may keep header state.
 */
export interface LineParser {
  parse(buf: Uint8Array, start: number, end: number): Frame | undefined;
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
 * A LogReader over lines: reads the source in 64 KiB chunks, cuts lines on LF (a CR before it is
 * dropped), hands each to the format's parser and serves the frames of one chunk at a time, so
 * memory stays flat whatever the file size. Each iteration reads the source from the start.
 */
export class LineLogReader implements LogReader {
  readonly skipped: LogParseError[] = [];
  private current: LineIterator | undefined;

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
    this.skipped.length = 0;
    this.current = new LineIterator(
      this.file,
      this.openSource(),
      this.makeParser(),
      this.lenient,
      this.skipped,
    );
    return this.current;
  }
}

const NO_BYTES = Buffer.alloc(0);

/**
 * Parses lazily: each `next()` parses lines of the current chunk until one holds a frame, so only
 * the frame being handed out is alive (a chunk's worth of parsed frames waiting in an array would
 * survive young-generation collections and cost far more in GC than the parse itself).
 */
class LineIterator implements AsyncIterator<Frame> {
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

  constructor(
    private readonly file: string,
    private readonly source: ByteSource,
    private readonly parser: LineParser,
    private readonly lenient: boolean,
    private readonly skipped: LogParseError[],
  ) {}

  next(): Promise<IteratorResult<Frame>> {
    let frame: Frame | undefined;
    try {
      frame = this.pull();
    } catch (err) {
      return this.fail(err);
    }
    if (frame !== undefined) return Promise.resolve({ value: frame, done: false });
    return this.refill();
  }

  async return(): Promise<IteratorResult<Frame>> {
    this.done = true;
    this.chunk = NO_BYTES;
    this.last = -1;
    this.carryReady = false;
    await this.stop();
    return { value: undefined, done: true };
  }

  private async fail(err: unknown): Promise<never> {
    this.done = true;
    this.chunk = NO_BYTES;
    this.last = -1;
    this.carryReady = false;
    await this.stop();
    throw err;
  }

  private async stop(): Promise<void> {
    const pending = this.pending;
    this.pending = undefined;
    await pending?.catch(() => undefined);
    await this.source.close();
  }

  /** The next frame from the bytes at hand, or undefined when they are used up. */
  private pull(): Frame | undefined {
    if (this.carryReady) {
      this.carryReady = false;
      const n = this.carryLength;
      this.carryLength = 0;
      const frame = this.parseLine(this.carry, 0, n);
      if (frame !== undefined) return frame;
    }
    const chunk = this.chunk;
    const last = this.last;
    while (this.pos <= last) {
      const s = this.pos;
      // `last` holds an LF, so the search stops inside the chunk.
      const e = chunk.indexOf(LF, s);
      this.pos = e + 1;
      const frame = this.parseLine(chunk, s, e);
      if (frame !== undefined) return frame;
    }
    return undefined;
  }

  private async refill(): Promise<IteratorResult<Frame>> {
    try {
      while (!this.done) {
        await this.load();
        const frame = this.pull();
        if (frame !== undefined) return { value: frame, done: false };
      }
    } catch (err) {
      return this.fail(err);
    }
    await this.stop();
    return { value: undefined, done: true };
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
      if (this.total === 0) throw new LogParseError(this.file, 1, 'empty file: no frames');
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
      throw new LogParseError(this.file, this.line + 1, `line longer than ${MAX_LINE} bytes: not a text log`);
    }
    if (need > this.carry.length) {
      const bigger = Buffer.allocUnsafe(Math.max(need, this.carry.length * 2));
      this.carry.copy(bigger, 0, 0, this.carryLength);
      this.carry = bigger;
    }
    chunk.copy(this.carry, this.carryLength, s, e);
    this.carryLength = need;
  }

  private parseLine(buf: Uint8Array, s: number, e: number): Frame | undefined {
    this.line++;
    if (e > s && buf[e - 1] === CR) e--;
    if (e === s) return undefined;
    try {
      return this.parser.parse(buf, s, e);
    } catch (err) {
      if (!(err instanceof LineError)) throw err;
      const problem = new LogParseError(this.file, this.line, err.reason, err.column);
      if (!this.lenient) throw problem;
      this.skipped.push(problem);
      return undefined;
    }
  }

  /** A NUL byte in the first chunk means a binary file, whatever the extension says. */
  private checkText(buf: Uint8Array): void {
    const nul = buf.indexOf(0);
    if (nul < 0) return;
    let line = 1;
    for (let i = 0; i < nul; i++) if (buf[i] === LF) line++;
    throw new LogParseError(this.file, line, `binary content (NUL byte at offset ${nul}): not a text log`);
  }
}
