import { closeSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { type FrameBatch, frameBatches } from '../batch.js';
import type { Frame } from '../frame.js';
import {
  type LogFormat,
  type LogParseError,
  type LogReader,
  type LogWriter,
  namingFile,
  type ReadOptions,
} from '../log.js';
import { AscParser, ascFormatter } from './asc.js';
import { fileRandomSource, memoryRandomSource, type RandomSource } from './binary-source.js';
import { BinaryLogWriter, type BinarySink, type FrameEncoder, openSink } from './binary-writer.js';
import { blfEncoder, blfReader } from './blf.js';
import { CandumpParser, candumpLine } from './candump.js';
import { CandumpScreenParser } from './candump-screen.js';
import { CanHackerParser, canHackerFormatter } from './canhacker.js';
import { SavvyCsvParser, savvyCsvFormatter } from './csv.js';
import { detectFormat } from './detect.js';
import { gunzipAll, gunzipFile, gunzipHead, gunzipSource, innerName, isGzip } from './gzip.js';
import { type ByteSource, fileSource, LineLogReader, type LineParser, memorySource } from './line-reader.js';
import { mf4Reader } from './mf4/reader.js';
import { type Mf4WriteOptions, mf4Encoder } from './mf4/writer.js';
import { pcapReader } from './pcap.js';
import { pcapngEncoder } from './pcapng-writer.js';
import { PythonCanCsvParser, pythonCanCsvFormatter } from './python-can-csv.js';
import { TrcParser, trcFormatter } from './trc.js';
import { type LineFormatter, LogWriteError, openStream, TextLogWriter } from './writer.js';

export { AscParser, ascFormatter, formatAscDate, parseAscDate } from './asc.js';
export { CAN_ERR_FLAG, CandumpParser, candumpBody, candumpLine } from './candump.js';
export { CandumpScreenParser } from './candump-screen.js';
export { CanHackerParser, canHackerFormatter } from './canhacker.js';
export { SavvyCsvParser, savvyCsvFormatter } from './csv.js';
export { binaryMagic, detectFormat, formatFromExtension, logMagic, sniffFormat } from './detect.js';
export { gunzipAll, innerName, isGzip } from './gzip.js';
export type { LineParser } from './line-reader.js';
export type { Mf4Compression } from './mf4/writer.js';
export { pcapMagic } from './pcap.js';
export { PYTHON_CAN_CSV_HEADER, PythonCanCsvParser, pythonCanCsvFormatter } from './python-can-csv.js';
export { TrcParser, trcFormatter } from './trc.js';
export { type LineFormatter, LogWriteError } from './writer.js';

export interface WriteOptions extends Mf4WriteOptions {
  /** Channel for frames that name none (else candump writes `can0`, ASC/TRC/BLF/MF4 bus 1, CSV bus 0). */
  defaultChannel?: string;
}

type TextFormat = Exclude<LogFormat, 'mf4' | 'blf' | 'pcap' | 'pcapng'>;

const PARSERS: Record<TextFormat, (o: ReadOptions) => LineParser> = {
  candump: () => new CandumpParser(),
  'candump-screen': () => new CandumpScreenParser(),
  asc: (o) => new AscParser(o),
  trc: (o) => new TrcParser(o),
  canhacker: () => new CanHackerParser(),
  csv: () => new SavvyCsvParser(),
  'python-can-csv': () => new PythonCanCsvParser(),
};

const FORMATTERS: Record<TextFormat, (() => LineFormatter) | undefined> = {
  candump: () => ({ line: (f) => `${candumpLine(f)}\n` }),
  'candump-screen': undefined,
  asc: () => ascFormatter(),
  trc: () => trcFormatter(),
  canhacker: () => canHackerFormatter(),
  csv: () => savvyCsvFormatter(),
  'python-can-csv': () => pythonCanCsvFormatter(),
};

const ENCODERS: Record<'mf4' | 'blf' | 'pcapng', (sink: BinarySink, options: WriteOptions) => FrameEncoder> =
  {
    mf4: (sink, options) => mf4Encoder(sink, options),
    blf: (sink) => blfEncoder(sink),
    pcapng: (sink) => pcapngEncoder(sink),
  };

function parserFor(file: string, format: TextFormat, options: ReadOptions): () => LineParser {
  const make = PARSERS[format];
  if (!make) throw new TypeError(`${file}: unknown log format '${format}'`);
  return () => make(options);
}

/** The reader of one format over a source: binary formats read at random, text formats line by line. */
function formatReader(
  file: string,
  format: LogFormat,
  options: ReadOptions,
  random: () => RandomSource,
  stream: () => ByteSource,
): LogReader & { readonly bytesRead: number } {
  if (format === 'mf4') return mf4Reader(file, random, options);
  if (format === 'blf') return blfReader(file, random, options);
  if (format === 'pcap' || format === 'pcapng') return pcapReader(file, format, random, options);
  return new LineLogReader(file, format, stream, parserFor(file, format, options), !!options.lenient);
}

/**
 * A file reader that detects the format on first use: at the first `next()`, or synchronously when
 * `format` is asked before that. Delegates straight to the line reader, adding no per-frame cost.
 */
class FileLogReader implements LogReader {
  private inner: (LogReader & { readonly bytesRead: number }) | undefined;
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

  get late(): number | undefined {
    return this.inner?.late;
  }

  get otherPackets(): number | undefined {
    return this.inner?.otherPackets;
  }

  private reader(format: LogFormat): LogReader {
    if (this.inner === undefined) {
      const gz = fileIsGzip(this.file);
      this.inner = formatReader(
        this.file,
        format,
        this.options,
        gz ? () => memoryRandomSource(gunzipFile(this.file), this.file) : () => fileRandomSource(this.file),
        gz ? () => gunzipSource(this.file) : () => fileSource(this.file),
      );
    }
    return this.inner;
  }

  [Symbol.asyncIterator](): AsyncIterator<Frame> {
    return this.detectThen((r) => r[Symbol.asyncIterator]());
  }

  /** In columns: the line formats fill them as they parse, the binary ones through `frameBatches`. */
  batches(capacity?: number): AsyncIterable<FrameBatch> {
    return {
      [Symbol.asyncIterator]: () => this.detectThen((r) => frameBatches(r, capacity)[Symbol.asyncIterator]()),
    };
  }

  /** An iterator that detects the format at its first `next()`, then is the format reader's. */
  private detectThen<T>(open: (reader: LogReader) => AsyncIterator<T>): AsyncIterator<T> {
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

/** The head of a file (64 KiB: enough of a gzip file to give 4 KiB of the log inside). */
function fileHead(file: string): Uint8Array {
  const fd = openSync(file, 'r');
  try {
    const head = new Uint8Array(1 << 16);
    const n = readSync(fd, head, 0, head.length, 0);
    return head.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

function fileIsGzip(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = new Uint8Array(3);
    return isGzip(head.subarray(0, readSync(fd, head, 0, 3, 0)));
  } catch (err) {
    throw namingFile(file, err);
  } finally {
    closeSync(fd);
  }
}

/** The format from the name and the first bytes; of the log inside for a gzip file. */
function detectFromHead(file: string, head: Uint8Array): LogFormat {
  if (isGzip(head)) {
    const inner = gunzipHead(head);
    // Nothing inflated from a gzip head: an empty log, or deflate data damaged from the start, which
    // is said as zlib's reason (the whole head inflated again, to get it) rather than as an empty log.
    if (inner.length === 0) gunzipAll(head, file);
    return detectFormat(innerName(file), inner.subarray(0, 4096));
  }
  return detectFormat(file, head.subarray(0, 4096));
}

function detectFileFormatSync(file: string): LogFormat {
  try {
    return detectFromHead(file, fileHead(file));
  } catch (err) {
    throw namingFile(file, err);
  }
}

async function detectFileFormat(file: string): Promise<LogFormat> {
  const handle = await open(file, 'r');
  try {
    const head = new Uint8Array(1 << 16);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return detectFromHead(file, head.subarray(0, bytesRead));
  } catch (err) {
    throw namingFile(file, err);
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
  let bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  // An upload of a gzip-compressed log: the log inside, named as the upload.
  if (typeof text !== 'string' && isGzip(bytes)) bytes = gunzipAll(bytes, name);
  const format = options.format ?? detectFormat(innerName(name), bytes.subarray(0, 4096));
  return formatReader(
    name,
    format,
    options,
    () => memoryRandomSource(bytes, name),
    () => memorySource(bytes),
  );
}

/** A writer of `format` to a file path (created or truncated) or to any writable stream. */
export function openLogWriter(
  pathOrWritable: string | Writable,
  format: LogFormat,
  options: WriteOptions = {},
): LogWriter {
  if (format === 'pcap')
    // Classic pcap has no interface names and no direction: pcapng keeps both (README).
    throw new LogWriteError(
      format,
      0,
      'writing pcap is not supported: write pcapng (.pcapng), which keeps channels and directions',
    );
  if (format === 'mf4' || format === 'blf' || format === 'pcapng') {
    const encoder = ENCODERS[format];
    const channel = options.defaultChannel;
    return new BinaryLogWriter(format, openSink(pathOrWritable), (sink) => {
      const inner = encoder(sink, options);
      if (channel === undefined) return inner;
      return {
        add: (f) => inner.add(f.channel === undefined ? { ...f, channel } : f),
        finish: () => inner.finish(),
      };
    });
  }
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
