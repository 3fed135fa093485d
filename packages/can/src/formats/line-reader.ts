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
  /** The next bytes, at most `length` of them, in a buffer nobody else writes; empty at the end. */
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
  return {
    async read(length) {
      if (closed) return Buffer.alloc(0);
      opening ??= open(path, 'r');
      const handle = await opening;
      const buf = Buffer.allocUnsafe(length);
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

class LineIterator implements AsyncIterator<Frame> {
  /** Bytes of an unfinished line, waiting for the rest from the next chunk. */
  private carry: Buffer = Buffer.allocUnsafe(1024);
  private carryLength = 0;
  /** The next chunk, read while the current one is parsed. */
  private pending: Promise<Buffer> | undefined;
  private batch: Frame[] = [];
  private at = 0;
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
    if (this.at < this.batch.length) return Promise.resolve({ value: this.batch[this.at++], done: false });
    return this.refill();
  }

  async return(): Promise<IteratorResult<Frame>> {
    this.done = true;
    this.batch.length = 0;
    await this.stop();
    return { value: undefined, done: true };
  }

  private async stop(): Promise<void> {
    const pending = this.pending;
    this.pending = undefined;
    await pending?.catch(() => undefined);
    await this.source.close();
  }

  private async refill(): Promise<IteratorResult<Frame>> {
    this.batch.length = 0;
    this.at = 0;
    try {
      while (!this.done && this.batch.length === 0) await this.fill();
    } catch (err) {
      this.done = true;
      await this.stop();
      throw err;
    }
    if (this.batch.length > 0) return { value: this.batch[this.at++], done: false };
    await this.stop();
    return { value: undefined, done: true };
  }

  /** Takes one chunk (and asks for the next) and parses its complete lines into `batch`. */
  private async fill(): Promise<void> {
    const chunk = await (this.pending ?? this.source.read(CHUNK));
    const n = chunk.length;
    this.pending = n > 0 ? this.source.read(CHUNK) : undefined;
    // Nobody awaits a prefetch when iteration stops on an error: keep its failure from going unhandled.
    this.pending?.catch(() => undefined);
    if (this.total === 0 && n > 0) this.checkText(chunk);
    this.total += n;
    if (n === 0) {
      this.done = true;
      if (this.total === 0) throw new LogParseError(this.file, 1, 'empty file: no frames');
      // The last line may lack its newline.
      if (this.carryLength > 0) this.parseLine(this.carry, 0, this.carryLength);
      this.carryLength = 0;
      return;
    }
    let s = 0;
    if (this.carryLength > 0) {
      const first = chunk.indexOf(LF);
      this.keep(chunk, 0, first < 0 ? n : first);
      if (first < 0) return;
      this.parseLine(this.carry, 0, this.carryLength);
      this.carryLength = 0;
      s = first + 1;
    }
    const last = chunk.lastIndexOf(LF);
    while (s <= last) {
      // `last` holds an LF, so the search stops inside the chunk.
      const e = chunk.indexOf(LF, s);
      this.parseLine(chunk, s, e);
      s = e + 1;
    }
    if (s < n) this.keep(chunk, s, n);
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

  private parseLine(buf: Uint8Array, s: number, e: number): void {
    this.line++;
    if (e > s && buf[e - 1] === CR) e--;
    if (e === s) return;
    try {
      const frame = this.parser.parse(buf, s, e);
      if (frame !== undefined) this.batch.push(frame);
    } catch (err) {
      if (!(err instanceof LineError)) throw err;
      const problem = new LogParseError(this.file, this.line, err.reason, err.column);
      if (!this.lenient) throw problem;
      this.skipped.push(problem);
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
