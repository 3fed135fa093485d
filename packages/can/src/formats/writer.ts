import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { type Frame, validateFrame } from '../frame.js';
import type { LogFormat, LogWriter } from '../log.js';

/** A frame a writer cannot put in its format (or an invalid frame); names the frame's position. */
export class LogWriteError extends Error {
  override name = 'LogWriteError';
  constructor(
    readonly format: LogFormat,
    readonly frameIndex: number,
    readonly reason: string,
  ) {
    super(`${format} writer, frame #${frameIndex}: ${reason}`);
  }
}

/**
 * Checks a frame and hands it to a format's encoder; a frame the frame rules refuse, or the encoder
 * refuses (it throws a string saying why), becomes a LogWriteError naming the frame's position.
 */
export function encodeChecked<T>(format: LogFormat, index: number, frame: Frame, encode: (f: Frame) => T): T {
  const problem = validateFrame(frame);
  if (problem) throw new LogWriteError(format, index, problem);
  try {
    return encode(frame);
  } catch (err) {
    throw new LogWriteError(format, index, typeof err === 'string' ? err : (err as Error).message);
  }
}

/** How one format turns frames into text. `header` sees the first frame (undefined for an empty log). */
export interface LineFormatter {
  header?(first: Frame | undefined): string;
  /** The frame's line(s), each ending with a newline; throws a string naming why it cannot. */
  line(frame: Frame): string;
  trailer?(): string;
}

const FLUSH_AT = 1 << 16;

/**
 * Buffers formatted lines and writes them in 64 KiB pieces; `write` returns a promise only when the
 * stream asks to wait (backpressure), so a fast producer keeps memory flat.
 */
export class TextLogWriter implements LogWriter {
  private pending = '';
  private count = 0;
  private started = false;
  private closed = false;
  /** The stream's first error (e.g. the file cannot be created): thrown by the next write or close. */
  private failure: Error | undefined;
  private readonly onError = (err: Error) => {
    this.failure ??= err;
  };

  constructor(
    readonly format: LogFormat,
    private readonly out: Writable,
    private readonly formatter: LineFormatter,
    private readonly ownsStream: boolean,
  ) {
    // An 'error' event without a listener would kill the process.
    out.on('error', this.onError);
  }

  write(frame: Frame): void | Promise<void> {
    if (this.failure) throw this.failure;
    if (this.closed) throw new LogWriteError(this.format, this.count, 'writer is closed');
    const text = encodeChecked(this.format, this.count, frame, (f) => {
      // The header comes first: a formatter may learn its time base from it.
      if (!this.started) {
        this.started = true;
        if (this.formatter.header) this.pending += this.formatter.header(f);
      }
      return this.formatter.line(f);
    });
    this.count++;
    this.pending += text;
    if (this.pending.length >= FLUSH_AT) return this.flush();
  }

  private flush(): void | Promise<void> {
    const chunk = this.pending;
    this.pending = '';
    if (chunk.length === 0) return;
    if (!this.out.write(chunk)) {
      return new Promise((resolve, reject) => {
        const done = (err?: Error) => {
          this.out.off('drain', done);
          this.out.off('error', done);
          if (err) reject(err);
          else resolve();
        };
        this.out.once('drain', done);
        this.out.once('error', done);
      });
    }
  }

  async close(): Promise<void> {
    if (this.closed) {
      if (this.failure) throw this.failure;
      return;
    }
    this.closed = true;
    if (!this.started && this.formatter.header) this.pending += this.formatter.header(undefined);
    if (this.formatter.trailer) this.pending += this.formatter.trailer();
    if (!this.failure) await this.flush();
    if (this.ownsStream) {
      if (!this.failure) this.out.end();
      await finished(this.out).catch((err: Error) => {
        this.failure ??= err;
      });
    }
    if (!this.ownsStream) this.out.off('error', this.onError);
    if (this.failure) throw this.failure;
  }
}

export function openStream(pathOrWritable: string | Writable): { stream: Writable; owns: boolean } {
  if (typeof pathOrWritable === 'string') return { stream: createWriteStream(pathOrWritable), owns: true };
  return { stream: pathOrWritable, owns: false };
}
