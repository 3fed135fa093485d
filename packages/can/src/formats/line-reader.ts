import { open } from 'node:fs/promises';
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

/** Where bytes come from: a file read in chunks, or text already in memory. */
export interface ByteSource {
  read(into: Uint8Array, offset: number, length: number): Promise<number>;
  close(): Promise<void>;
}

const CHUNK = 1 << 16;
/** A line longer than this is not a log line: the file is binary or corrupt. */
export const MAX_LINE = 1 << 20;

export function fileSource(path: string): ByteSource {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  let opening: Promise<Awaited<ReturnType<typeof open>>> | undefined;
  return {
    async read(into, offset, length) {
      opening ??= open(path, 'r');
      handle ??= await opening;
      const { bytesRead } = await handle.read(into, offset, length, null);
      return bytesRead;
    },
    async close() {
      const h = handle ?? (opening ? await opening.catch(() => undefined) : undefined);
      handle = undefined;
      opening = undefined;
      await h?.close();
    },
  };
}

export function memorySource(bytes: Uint8Array): ByteSource {
  let pos = 0;
  return {
    async read(into, offset, length) {
      const n = Math.min(length, bytes.length - pos);
      into.set(bytes.subarray(pos, pos + n), offset);
      pos += n;
      return n;
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

  constructor(
    readonly file: string,
    readonly format: LogFormat,
    private readonly openSource: () => ByteSource,
    private readonly makeParser: () => LineParser,
    private readonly lenient: boolean,
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<Frame> {
    this.skipped.length = 0;
    return new LineIterator(this.file, this.openSource(), this.makeParser(), this.lenient, this.skipped);
  }
}

class LineIterator implements AsyncIterator<Frame> {
  private buf: Buffer = Buffer.allocUnsafe(CHUNK * 2);
  /** Bytes of an unfinished line kept at the start of `buf`. */
  private carry = 0;
  private batch: Frame[] = [];
  private at = 0;
  private line = 0;
  private total = 0;
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
    await this.source.close();
    return { value: undefined, done: true };
  }

  private async refill(): Promise<IteratorResult<Frame>> {
    this.batch.length = 0;
    this.at = 0;
    try {
      while (!this.done && this.batch.length === 0) await this.fill();
    } catch (err) {
      this.done = true;
      await this.source.close();
      throw err;
    }
    if (this.batch.length > 0) return { value: this.batch[this.at++], done: false };
    await this.source.close();
    return { value: undefined, done: true };
  }

  /** Reads one chunk and parses its complete lines into `batch`. */
  private async fill(): Promise<void> {
    let buf = this.buf;
    if (this.carry === buf.length) {
      if (buf.length >= MAX_LINE) {
        throw new LogParseError(
          this.file,
          this.line + 1,
          `line longer than ${MAX_LINE} bytes: not a text log`,
        );
      }
      const bigger = Buffer.allocUnsafe(buf.length * 2);
      bigger.set(buf);
      this.buf = buf = bigger;
    }
    const n = await this.source.read(buf, this.carry, buf.length - this.carry);
    if (this.total === 0 && n > 0) this.checkText(buf, n);
    this.total += n;
    const end = this.carry + n;
    if (n === 0) {
      this.done = true;
      if (this.total === 0) throw new LogParseError(this.file, 1, 'empty file: no frames');
      // The last line may lack its newline.
      if (end > 0) this.parseLine(buf, 0, end);
      this.carry = 0;
      return;
    }
    const last = buf.lastIndexOf(LF, end - 1);
    if (last < 0) {
      this.carry = end;
      return;
    }
    let s = 0;
    while (s <= last) {
      // `last` holds an LF, so the search stops inside the chunk.
      const e = buf.indexOf(LF, s);
      this.parseLine(buf, s, e);
      s = e + 1;
    }
    this.carry = end - s;
    if (this.carry > 0) buf.copyWithin(0, s, end);
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
  private checkText(buf: Uint8Array, n: number): void {
    const nul = buf.subarray(0, n).indexOf(0);
    if (nul < 0) return;
    let line = 1;
    for (let i = 0; i < nul; i++) if (buf[i] === LF) line++;
    throw new LogParseError(this.file, line, `binary content (NUL byte at offset ${nul}): not a text log`);
  }
}
