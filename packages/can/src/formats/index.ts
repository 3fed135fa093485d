import { closeSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import type { FrameBatch } from '../batch.js';
import type { Frame } from '../frame.js';
import type { LogFormat, LogParseError, LogReader, LogWriter, ReadOptions } from '../log.js';
import { AscParser, ascFormatter } from './asc.js';
import { CandumpParser, candumpLine } from './candump.js';
import { CandumpScreenParser } from './candump-screen.js';
import { SavvyCsvParser, savvyCsvFormatter } from './csv.js';
import { detectFormat } from './detect.js';
import { type ByteSource, fileSource, LineLogReader, type LineParser, memorySource } from './line-reader.js';
import { TrcParser, trcFormatter } from './trc.js';
import { type LineFormatter, LogWriteError, openStream, TextLogWriter } from './writer.js';

export { AscParser, ascFormatter, formatAscDate, parseAscDate } from './asc.js';
export { CAN_ERR_FLAG, CandumpParser, candumpBody, candumpLine } from './candump.js';
export { CandumpScreenParser } from './candump-screen.js';
export { SavvyCsvParser, savvyCsvFormatter } from './csv.js';
export { detectFormat, formatFromExtension, sniffFormat } from './detect.js';
export type { LineParser } from './line-reader.js';
export { TrcParser, trcFormatter } from './trc.js';
export { type LineFormatter, LogWriteError } from './writer.js';

export interface WriteOptions {
  /** Channel for frames that name none (else candump writes `can0`, ASC/TRC bus 1, CSV bus 0). */
  defaultChannel?: string;
}

const PARSERS: Record<LogFormat, (o: ReadOptions) => LineParser> = {
  candump: () => new CandumpParser(),
  'candump-screen': () => new CandumpScreenParser(),
  asc: (o) => new AscParser(o),
  trc: (o) => new TrcParser(o),
  csv: () => new SavvyCsvParser(),
};

const FORMATTERS: Record<LogFormat, (() => LineFormatter) | undefined> = {
  candump: () => ({ line: (f) => `${candumpLine(f)}\n` }),
  'candump-screen': undefined,
  asc: () => ascFormatter(),
  trc: () => trcFormatter(),
  csv: () => savvyCsvFormatter(),
};

function parserFor(file: string, format: LogFormat, options: ReadOptions): () => LineParser {
  const make = PARSERS[format];
  if (!make) throw new TypeError(`${file}: unknown log format '${format}'`);
  return () => make(options);
}

/**
 * A file reader that detects the format on first use: at the first `next()`, or synchronously when
 * `format` is asked before that. Delegates straight to the line reader, adding no per-frame cost.
 */
class FileLogReader implements LogReader {
  private inner: LineLogReader | undefined;
  private detected: LogFormat | undefined;

  constructor(
    readonly file: string,
    private readonly options: ReadOptions,
  ) {
    this.detected = options.format;
  }

  get format(): LogFormat {
    this.detected ??= detectFileFormatSync(this.file);
    return this.detected;
  }

  get skipped(): LogParseError[] {
    return this.inner?.skipped ?? [];
  }

  get bytesRead(): number {
    return this.inner?.bytesRead ?? 0;
  }

  private reader(format: LogFormat): LineLogReader {
    this.inner ??= new LineLogReader(
      this.file,
      format,
      () => fileSource(this.file),
      parserFor(this.file, format, this.options),
      !!this.options.lenient,
    );
    return this.inner;
  }

  [Symbol.asyncIterator](): AsyncIterator<Frame> {
    return this.detectThen((r) => r[Symbol.asyncIterator]());
  }

  batches(capacity?: number): AsyncIterable<FrameBatch> {
    return {
      [Symbol.asyncIterator]: () => this.detectThen((r) => r.batches(capacity)[Symbol.asyncIterator]()),
    };
  }

  /** An iterator that detects the format at its first `next()`, then is the line reader's. */
  private detectThen<T>(open: (reader: LineLogReader) => AsyncIterator<T>): AsyncIterator<T> {
    let it: AsyncIterator<T> | undefined;
    const start = async (): Promise<AsyncIterator<T>> => {
      this.detected ??= await detectFileFormat(this.file);
      it = open(this.reader(this.detected));
      return it;
    };
    return {
      next: () => (it ? it.next() : start().then((i) => i.next())),
      return: async () => (it?.return ? it.return() : { value: undefined, done: true }),
    };
  }
}

function detectFileFormatSync(file: string): LogFormat {
  const fd = openSync(file, 'r');
  try {
    const head = new Uint8Array(4096);
    const n = readSync(fd, head, 0, head.length, 0);
    return detectFormat(file, head.subarray(0, n));
  } finally {
    closeSync(fd);
  }
}

async function detectFileFormat(file: string): Promise<LogFormat> {
  const handle = await open(file, 'r');
  try {
    const head = new Uint8Array(4096);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return detectFormat(file, head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

/**
 * Streams the frames of a log file. The format comes from `options.format`, else the extension,
 * else the content. Bad lines throw LogParseError (file, line, reason), or with `lenient` are
 * skipped and listed in `reader.skipped`.
 */
export function readLog(path: string, options: ReadOptions = {}): LogReader {
  return new FileLogReader(path, options);
}

/** As readLog, over text already in memory; `name` stands for the file in errors. */
export function readLogText(text: string | Uint8Array, name: string, options: ReadOptions = {}): LogReader {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const format = options.format ?? detectFormat(name, bytes.subarray(0, 4096));
  const source = (): ByteSource => memorySource(bytes);
  return new LineLogReader(name, format, source, parserFor(name, format, options), !!options.lenient);
}

/** A writer of `format` to a file path (created or truncated) or to any writable stream. */
export function openLogWriter(
  pathOrWritable: string | Writable,
  format: LogFormat,
  options: WriteOptions = {},
): LogWriter {
  const make = FORMATTERS[format];
  if (!make) throw new LogWriteError(format, 0, `writing ${format} logs is not supported`);
  const { stream, owns } = openStream(pathOrWritable);
  const formatter = make();
  const channel = options.defaultChannel;
  if (channel !== undefined) {
    const line = formatter.line;
    formatter.line = (f) => line(f.channel === undefined ? { ...f, channel } : f);
  }
  return new TextLogWriter(format, stream, formatter, owns);
}

/** Writes all frames of an iterable to a file and closes it. */
export async function writeLog(
  path: string | Writable,
  frames: Iterable<Frame> | AsyncIterable<Frame>,
  format: LogFormat,
  options: WriteOptions = {},
): Promise<number> {
  const writer = openLogWriter(path, format, options);
  let n = 0;
  try {
    for await (const f of frames) {
      const wait = writer.write(f);
      if (wait) await wait;
      n++;
    }
  } finally {
    await writer.close();
  }
  return n;
}
