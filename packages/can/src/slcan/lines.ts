import { BELL, CR, printable } from './protocol.js';

/** Longest line a listener will keep: a 29-bit frame with 8 bytes and a timestamp is 30 characters. */
export const DEFAULT_MAX_LINE = 64;

/** Bytes that ran past the longest line without a CR or BELL (a flood, the wrong baud rate). */
export class SlcanLineTooLongError extends Error {
  override name = 'SlcanLineTooLongError';
  constructor(
    readonly source: string,
    readonly maxLine: number,
    readonly start: string,
  ) {
    super(
      `${source}: more than ${maxLine} bytes without a CR or BELL (starting '${printable(start)}'); discarded up to the next one`,
    );
  }
}

export interface LineSink {
  /** A complete line, without its CR. Empty for a bare CR (the adapter's "OK"). */
  line(text: string): void;
  /** A BELL: the adapter's "error" answer. */
  bell(): void;
  /** A run of bytes longer than the limit; it is dropped up to the next terminator. */
  overflow(error: SlcanLineTooLongError): void;
}

/**
 * Splits a byte stream into SLCAN lines at CR and BELL. Each byte is looked at once and at most
 * `maxLine` bytes are held, whatever the stream sends: a line too long is reported once and skipped
 * up to the next terminator, so a flooding adapter costs neither time nor memory. LF is ignored
 * (some firmware ends lines with CR LF).
 */
export class SlcanLineSplitter {
  private readonly buf: Buffer;
  private len = 0;
  private skipping = false;

  constructor(
    private readonly sink: LineSink,
    private readonly source = 'slcan',
    readonly maxLine = DEFAULT_MAX_LINE,
  ) {
    this.buf = Buffer.alloc(maxLine);
  }

  push(chunk: Uint8Array): void {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b === CR || b === BELL) {
        if (this.skipping) this.skipping = false;
        else {
          const text = this.buf.toString('latin1', 0, this.len);
          this.len = 0;
          if (b === CR) this.sink.line(text);
          else {
            // A BELL ends whatever came before it, which is not a line anyone answers.
            this.sink.bell();
          }
        }
        this.len = 0;
      } else if (b === 0x0a) {
        // LF after CR: nothing to keep.
      } else if (!this.skipping) {
        if (this.len === this.maxLine) {
          const start = this.buf.toString('latin1', 0, Math.min(this.len, 16));
          this.len = 0;
          this.skipping = true;
          this.sink.overflow(new SlcanLineTooLongError(this.source, this.maxLine, start));
        } else this.buf[this.len++] = b;
      }
    }
  }

  /** Bytes held of an unfinished line. */
  get pending(): number {
    return this.len;
  }
}
