import { type FileHandle, open } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Frame } from '../frame.js';
import type { LogFormat, LogWriter } from '../log.js';
import { encodeChecked, LogWriteError } from './writer.js';

/**
 * Where a binary writer puts its bytes. A file can be patched afterwards (block lengths, counts,
 * totals in headers); a stream cannot, so the formats write a layout that needs no patching there.
 */
export interface BinarySink {
  readonly seekable: boolean;
  /** Appends bytes; a promise when the caller should wait before writing more. */
  write(bytes: Uint8Array): void | Promise<void>;
  /** Overwrites bytes already written (seekable sinks only). */
  patch(position: number, bytes: Uint8Array): Promise<void>;
  /** Flushes and, when the sink owns it, closes the file or ends the stream. */
  end(): Promise<void>;
}

/** Turns frames into a format's bytes. `add` throws a string when the format cannot hold the frame. */
export interface FrameEncoder {
  add(frame: Frame): void | Promise<void>;
  finish(): Promise<void>;
}

export function fileSink(path: string): BinarySink {
  const opening: Promise<FileHandle> = open(path, 'w');
  // Keep an open failure from going unhandled before the first write awaits it.
  opening.catch(() => undefined);
  let position = 0;
  let last: Promise<unknown> = Promise.resolve();
  return {
    seekable: true,
    write(bytes) {
      const at = position;
      position += bytes.length;
      // Writes are chained so they land in order; the caller waits for each (containers and blocks are large).
      const done = last.then(async () => {
        const h = await opening;
        let off = 0;
        while (off < bytes.length) {
          const { bytesWritten } = await h.write(bytes, off, bytes.length - off, at + off);
          off += bytesWritten;
        }
      });
      last = done;
      return done;
    },
    async patch(at, bytes) {
      await last;
      const h = await opening;
      await h.write(bytes, 0, bytes.length, at);
    },
    async end() {
      await last.catch(() => undefined);
      const h = await opening;
      await last;
      await h.close();
    },
  };
}

export function streamSink(out: Writable, owns: boolean): BinarySink {
  let failure: Error | undefined;
  const onError = (err: Error) => {
    failure ??= err;
  };
  out.on('error', onError);
  return {
    seekable: false,
    write(bytes) {
      if (failure) throw failure;
      if (out.write(bytes)) return;
      return new Promise((resolve, reject) => {
        const done = (err?: Error) => {
          out.off('drain', done);
          out.off('error', done);
          if (err) reject(err);
          else resolve();
        };
        out.once('drain', done);
        out.once('error', done);
      });
    },
    async patch() {
      throw new Error('a stream cannot be patched');
    },
    async end() {
      if (owns) {
        if (!failure) out.end();
        await finished(out).catch((err: Error) => {
          failure ??= err;
        });
      }
      out.off('error', onError);
      if (failure) throw failure;
    },
  };
}

export function openSink(pathOrWritable: string | Writable): BinarySink {
  return typeof pathOrWritable === 'string' ? fileSink(pathOrWritable) : streamSink(pathOrWritable, false);
}

/** A LogWriter around an encoder: checks each frame, names the frame a format refuses. */
export class BinaryLogWriter implements LogWriter {
  private count = 0;
  private closed = false;
  private readonly encoder: FrameEncoder;

  constructor(
    readonly format: LogFormat,
    private readonly sink: BinarySink,
    makeEncoder: (sink: BinarySink) => FrameEncoder,
  ) {
    this.encoder = makeEncoder(sink);
  }

  write(frame: Frame): void | Promise<void> {
    if (this.closed) throw new LogWriteError(this.format, this.count, 'writer is closed');
    const wait = encodeChecked(this.format, this.count, frame, (f) => this.encoder.add(f));
    this.count++;
    return wait;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.encoder.finish();
    } finally {
      await this.sink.end();
    }
  }
}
