import zlib from 'node:zlib';

/**
 * Inflates zlib streams of known length (BLF log containers, MF4 DZ blocks) into buffers the
 * caller reuses.
 *
 * Node's `zlib.inflate(buf, cb)` builds a stream object, a native context and a fresh output
 * buffer for every call: on a million-frame BLF file (428 containers of 128 KiB) that costs more
 * CPU on the main thread than the inflation itself (measured: 103 ms in the calls, 190 ms of CPU
 * in all; a fresh output buffer is also 32 page faults). One `zlib.Inflate` context reset between
 * streams, writing into the caller's buffer, inflates the same containers in 60 ms of CPU.
 *
 * That goes through the context's `_handle.writeSync`, which is how Node's own `inflateSync`
 * drives it (lib/zlib.js, `processChunkSync`) but not a documented API; so it is feature-checked
 * once, and where it is missing or behaves otherwise (another Node) the documented `inflateSync`
 * does the work, allocating as before. Both give the same bytes and the same errors.
 */

interface ZlibHandle {
  writeSync(
    flush: number,
    input: Uint8Array,
    inOff: number,
    inLen: number,
    out: Uint8Array,
    outOff: number,
    outLen: number,
  ): void;
  reset(): void;
  onerror: (message: string, errno: number, code?: string) => void;
}

/**
 * What an inflate gives: the bytes (a view of `out`, the buffer to pass to the next call), or
 * zlib's error, or the length the stream really gives (`more`: longer than that).
 */
export type InflateResult =
  | { bytes: Buffer; out: Buffer }
  | { zlibError: string; zlibCode?: string }
  | { length: number; more: boolean };

/** A known stream for the self-test: bytes like records (repeats and noise), and their deflate. */
const PROBE = Buffer.from(Array.from({ length: 600 }, (_, i) => (i % 24 < 12 ? i % 24 : (i * 37) & 0xff)));
const PROBE_DEFLATED = zlib.deflateSync(PROBE);

export class Inflater {
  private handle: ZlibHandle | undefined;
  /** [avail_out, avail_in] after each write: where Node's context reports them. */
  private state: Uint32Array | undefined;
  private error: string | undefined;
  private errorCode: string | undefined;
  private usable: boolean;

  /** `documentedOnly`: always the documented `inflateSync` (the fallback, tested on its own). */
  constructor(options: { documentedOnly?: boolean } = {}) {
    this.usable = !options.documentedOnly;
  }

  /**
   * Inflates `input`, a whole zlib stream that should give `expected` bytes, into `out` (grown
   * when too small: the caller keeps the returned buffer's `.buffer` for the next call). The
   * result is exactly `expected` bytes, or an error saying what was wrong.
   */
  inflate(input: Uint8Array, expected: number, out: Buffer | undefined): InflateResult {
    // One byte more than expected: a stream that gives more says so.
    const room = expected + 1;
    const target = out !== undefined && out.length >= room ? out : Buffer.allocUnsafe(room);
    const h = this.usable ? this.context() : undefined;
    if (h === undefined) return this.fallback(input, expected);
    this.error = undefined;
    try {
      h.reset();
      h.writeSync(zlib.constants.Z_FINISH, input, 0, input.length, target, 0, room);
    } catch (err) {
      // Not the behaviour this relies on: the documented path from now on.
      this.usable = false;
      this.handle = undefined;
      void err;
      return this.fallback(input, expected);
    }
    if (this.error !== undefined) {
      // The context is in an error state: a fresh one for the next stream.
      this.handle = undefined;
      return { zlibError: this.error, ...(this.errorCode ? { zlibCode: this.errorCode } : {}) };
    }
    const produced = room - this.state![0];
    if (produced !== expected) return { length: Math.min(produced, expected), more: produced > expected };
    return { bytes: target.subarray(0, expected), out: target };
  }

  private context(): ZlibHandle | undefined {
    if (this.handle !== undefined) return this.handle;
    const engine = new zlib.Inflate() as unknown as { _handle?: ZlibHandle; _writeState?: unknown };
    const h = engine._handle;
    const state = engine._writeState;
    if (
      h === undefined ||
      typeof h.writeSync !== 'function' ||
      typeof h.reset !== 'function' ||
      !(state instanceof Uint32Array) ||
      state.length < 2
    ) {
      this.usable = false;
      return undefined;
    }
    // Errors come back through this callback during writeSync (the stream object never sees them).
    h.onerror = (message: string, _errno: number, code?: string) => {
      this.error = message;
      this.errorCode = code;
    };
    this.handle = h;
    this.state = state;
    // Proven once on a known stream before any file is trusted to it: a Node whose context takes
    // the same calls but reports otherwise falls back to the documented path.
    if (!this.selfTested) {
      this.selfTested = true;
      if (!this.provesItself()) {
        this.usable = false;
        this.handle = undefined;
        return undefined;
      }
    }
    return h;
  }

  private selfTested = false;

  private provesItself(): boolean {
    try {
      const out = Buffer.alloc(PROBE.length + 1);
      this.error = undefined;
      this.handle!.reset();
      this.handle!.writeSync(
        zlib.constants.Z_FINISH,
        PROBE_DEFLATED,
        0,
        PROBE_DEFLATED.length,
        out,
        0,
        out.length,
      );
      return (
        this.error === undefined &&
        out.length - this.state![0] === PROBE.length &&
        this.state![1] === 0 &&
        Buffer.compare(out.subarray(0, PROBE.length), PROBE) === 0
      );
    } catch {
      return false;
    }
  }

  private fallback(input: Uint8Array, expected: number): InflateResult {
    let bytes: Buffer;
    try {
      bytes = zlib.inflateSync(input, {
        maxOutputLength: expected + 1,
        chunkSize: Math.max(expected + 1, 64),
      });
    } catch (err) {
      // Past maxOutputLength: the stream gives more than expected (the other path says it so).
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
        return { length: expected, more: true };
      const code = (err as NodeJS.ErrnoException).code;
      return { zlibError: (err as Error).message, ...(code ? { zlibCode: code } : {}) };
    }
    if (bytes.length !== expected)
      return { length: Math.min(bytes.length, expected), more: bytes.length > expected };
    return { bytes, out: bytes };
  }
}
