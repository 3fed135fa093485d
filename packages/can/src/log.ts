import type { FrameBatch } from './batch.js';
import type { Frame } from './frame.js';
import { type Reason, type ReasonLang, sayAtByte, sayAtLine, sayReason } from './reason.js';

/** The log formats Atelier reads and writes. */
export type LogFormat =
  | 'candump'
  | 'candump-screen'
  | 'asc'
  | 'trc'
  | 'canhacker'
  | 'csv'
  | 'python-can-csv'
  | 'mf4'
  | 'blf'
  | 'pcap'
  | 'pcapng';

/** The binary formats: read from a random-access source, errors name a byte offset instead of a line. */
export const BINARY_FORMATS: readonly LogFormat[] = ['mf4', 'blf', 'pcap', 'pcapng'];

/**
 * A bad line in a log: names the file and the 1-based line (and column when known). `detail` is the
 * reason as a code with its parameters, `reason` and `message` are in English; `parseErrorMessage`
 * says it in the reader's language.
 */
export class LogParseError extends Error {
  override name = 'LogParseError';
  readonly reason: string;
  constructor(
    readonly file: string,
    readonly line: number,
    readonly detail: Reason,
    readonly column?: number,
  ) {
    super(sayAtLine(file, line, column, detail, 'en'));
    this.reason = sayReason(detail, 'en');
  }

  /** The message in `lang`: the place spelled out, then the reason. */
  messageIn(lang: ReasonLang): string {
    return sayAtLine(this.file, this.line, this.column, this.detail, lang);
  }
}

/**
 * A problem in a binary log (MF4, BLF): names the file and the byte offset where it was found
 * (`line` is 0). A LogParseError, so code that handles bad text logs handles bad binary logs too.
 */
export class BinaryLogError extends LogParseError {
  override name = 'BinaryLogError';
  constructor(
    file: string,
    readonly offset: number,
    detail: Reason,
  ) {
    super(file, 0, detail);
    this.message = sayAtByte(file, offset, this.detail, 'en');
  }

  override messageIn(lang: ReasonLang): string {
    return sayAtByte(this.file, this.offset, this.detail, lang);
  }
}

export interface ReadOptions {
  /** Format; detected from the extension, else sniffed from the content, when absent. */
  format?: LogFormat;
  /** Skip bad lines instead of throwing; they are counted in `LogReader.skipped`. */
  lenient?: boolean;
  /**
   * ASC, TRC, MF4 and BLF: keep times as offsets from the start of measurement instead of adding
   * the start date of the file header (the default, which gives wall-clock times like candump's).
   */
  relativeTime?: boolean;
  /**
   * MF4: how many records the reader holds back to put frames that are out of time order in order
   * (default 65,536). A frame later than that many records is passed where it is and counted in
   * `LogReader.late`.
   */
  reorderWindow?: number;
  /**
   * MF4: decode records of the common layouts with decoders specialised to their layout (default
   * true). False reads every record through the general field reader: the same frames, slower;
   * there to check the two against each other.
   */
  fastPath?: boolean;
}

/** Streams the frames of one log. Memory does not grow with the file size. */
export interface LogReader extends AsyncIterable<Frame> {
  readonly file: string;
  readonly format: LogFormat;
  /** Bad lines skipped in lenient mode, in file order (filled while iterating). */
  readonly skipped: LogParseError[];
  /** Bytes of the source consumed so far by the current iteration (for progress), when known. */
  readonly bytesRead?: number;
  /**
   * The same frames in columns, when the reader has a columnar path (`frameBatches` gives batches
   * of any reader). The batch is reused from one turn to the next.
   */
  batches?(capacity?: number): AsyncIterable<FrameBatch>;
  /** MF4: frames found out of time order by more than the reorder window, passed where they were. */
  readonly late?: number;
  /**
   * pcap and pcapng: packets passed over because they hold no CAN or CAN FD frame (CAN XL, another
   * protocol of a cooked capture, an interface of another link type).
   */
  readonly otherPackets?: number;
}

/** Writes frames in one format; `close()` flushes and writes any trailer. */
export interface LogWriter {
  readonly format: LogFormat;
  write(frame: Frame): void | Promise<void>;
  close(): Promise<void>;
}

/**
 * Names the file in a system error that lacks it and returns the error: a read on an open descriptor
 * (a directory opens on Linux and its first read fails with EISDIR) reports no path, so the user would
 * not learn which file.
 */
export function namingFile(file: string, err: unknown): unknown {
  const e = err as NodeJS.ErrnoException;
  if (e instanceof Error && typeof e.syscall === 'string' && e.path === undefined) e.path = file;
  return err;
}
