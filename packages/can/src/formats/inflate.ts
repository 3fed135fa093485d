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

/** A write to a native zlib context: flush, input (buffer, offset, length), output (the same). */
type ZlibWrite = (
  flush: number,
  input: Uint8Array,
  inOff: number,
  inLen: number,
  out: Uint8Array,
  outOff: number,
  outLen: number,
) => void;

interface ZlibHandle {
  writeSync: ZlibWrite;
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

/**
 * A known stream for the self-test: bytes like records (repeats and noise), and their deflate as
 * zlib 1.3 made it once (`zlib.deflateSync(PROBE)`), written here rather than made at load: a
 * deflate context costs 0.7 ms to set up, which every process loading the package would pay.
 */
const PROBE = Buffer.from(Array.from({ length: 600 }, (_, i) => (i % 24 < 12 ? i % 24 : (i * 37) & 0xff)));
const PROBE_DEFLATED = Buffer.from(
  'eJxjYGRiZmFlY+fg5OLe85BNO6B01v4nnHrBDEjiJpF1i0+8FTKPaVx2Gll8zcVv0g6pXeuv/JRzRhZX8cybvOMuk7pP4bTdyOJzDj7jNgitmn/kJZ8xsriIZVzzirOfxG0S21Yji/dsvPZbwTWrf8vNf8rI4iyafsUz9j5i1wksm40sXrPw2GsB06j6JSffCSOLf5G0S+5Ye+m7jGNaN7J4zsRttxlUvfKn7LzHjCwO8n/F3EPPeQzDqpHFQf7/IGoV37Ly3GdkcZD/M3o3Xf+j6JaNLA7y/wNWLf+SmfseI4uD/B9Ru+j4G0GzaGRxkP8vfJWyT+lcdxlZHOR/j9xJ2+8wqnkji4P8f+Apl35I5bzDyOIg/1vENi0/81HMGlkc5P8NV3/Ju2T2bUYWB/lfw7doOij+kcVB/l9w9BU/KP6RxUH+l7BNagfFP7I4yP8Ttt76D4p/ADurmr0=',
  'base64',
);

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

/** What Node's native zlib handle takes for an inflate on the thread pool (lib/zlib.js drives it so). */
interface NativeZlib extends ZlibHandle {
  init(
    windowBits: number,
    level: number,
    memLevel: number,
    strategy: number,
    writeState: Uint32Array,
    onWritten: () => void,
    dictionary: undefined,
  ): void;
  /** The same write on the thread pool: `onWritten` (or `onerror`) says when it is done. */
  write: ZlibWrite;
  close(): void;
}

type NativeZlibClass = new (mode: number) => NativeZlib;

/** One native context: busy with one stream at a time, its input copied into its own buffer. */
interface Lane {
  handle: NativeZlib;
  state: Uint32Array;
  input: Buffer;
  settle: ((error: { message: string; code?: string } | undefined) => void) | undefined;
}

/**
 * The class of Node's native zlib handle, on the Node this was proven on. Its `init` checks its
 * arguments with a process abort, not an exception, so a Node whose internals may differ is not
 * tried at all: it gets the synchronous path.
 */
function nativeZlibClass(): NativeZlibClass | undefined {
  if (process.versions.node.split('.')[0] !== '20') return undefined;
  const handle = (new zlib.Inflate() as unknown as { _handle?: { constructor?: unknown } })._handle;
  const ctor = handle?.constructor;
  if (typeof ctor !== 'function') return undefined;
  const proto = (ctor as { prototype?: Record<string, unknown> }).prototype;
  for (const m of ['init', 'write', 'writeSync', 'reset', 'close'])
    if (typeof proto?.[m] !== 'function') return undefined;
  return ctor as NativeZlibClass;
}

/**
 * Inflates several zlib streams at once on libuv's thread pool while the main thread decodes the
 * ones before: on a million-frame BLF file inflating is about 60 % of the read, and done
 * beside the decode the read takes the longer of the two instead of their sum.
 *
 * `zlib.inflate(buf, cb)` already runs on the thread pool, but builds a stream per call and
 * was measured slower than inflating on the main thread (428 containers: 108–144 ms against
 * 79–88 ms). This drives native contexts directly, as lib/zlib.js does (`init` with a write
 * callback, `write` on the thread pool, `reset` between streams): 65–68 ms for the same work,
 * three streams in flight. Like `Inflater`, it relies on Node's internals, so it is used only
 * on Node 20, proven on a known stream first, and otherwise `Inflater` does the work.
 *
 * Each stream's input is copied into its lane's own buffer (the caller's read buffers are
 * reused while the thread pool still reads), and inflated into `out`, which the caller must not
 * touch until the promise settles.
 */
export class ThreadedInflater {
  private readonly lanes: Lane[] = [];
  private next = 0;
  private proven: Promise<boolean> | undefined;
  private ready = false;
  private readonly fallback = new Inflater();

  constructor(
    private readonly width = 3,
    private usable = true,
  ) {}

  /**
   * Inflates `input` (copied before this returns: the caller may reuse its buffer at once) into
   * `out` or a fresh buffer; the same results as `Inflater.inflate`.
   */
  inflate(input: Uint8Array, expected: number, out: Buffer | undefined): Promise<InflateResult> {
    if (!this.usable) return Promise.resolve(this.fallback.inflate(input, expected, out));
    if (!this.ready) {
      // The first stream waits for the self-test: its bytes are kept until then.
      const kept = Buffer.from(input);
      this.proven ??= this.proveItself().then((ok) => {
        if (ok) this.ready = true;
        else this.usable = false;
        return ok;
      });
      return this.proven.then(() => this.inflate(kept, expected, out));
    }
    const lane = this.lane();
    if (lane === undefined) return Promise.resolve(this.fallback.inflate(input, expected, out));
    const room = expected + 1;
    const target = out !== undefined && out.length >= room ? out : Buffer.allocUnsafe(room);
    return this.run(lane, input, target, room).then((error): InflateResult => {
      if (error !== undefined) {
        // The context is in an error state: a fresh one for this lane's next stream.
        const fresh = this.makeLane();
        const at = this.lanes.indexOf(lane);
        if (fresh !== undefined && at >= 0) this.lanes[at] = fresh;
        else if (at >= 0) this.lanes.splice(at, 1);
        lane.handle.close();
        return { zlibError: error.message, ...(error.code ? { zlibCode: error.code } : {}) };
      }
      const produced = room - lane.state[0];
      if (produced !== expected) return { length: Math.min(produced, expected), more: produced > expected };
      return { bytes: target.subarray(0, expected), out: target };
    });
  }

  /** Whether streams go to the thread pool (proven on the known stream), not the synchronous path. */
  get onThreadPool(): boolean {
    return this.usable && this.ready;
  }

  /** Frees the native contexts (those still inflating close when they are done). */
  close(): void {
    for (const lane of this.lanes.splice(0)) lane.handle.close();
  }

  /** The next lane in turn, free: the caller awaits each stream before starting the width-th after it. */
  private lane(): Lane | undefined {
    while (this.lanes.length < this.width) {
      const lane = this.makeLane();
      if (lane === undefined) return undefined;
      this.lanes.push(lane);
    }
    for (let k = 0; k < this.width; k++) {
      const lane = this.lanes[this.next];
      this.next = (this.next + 1) % this.width;
      if (lane.settle === undefined) return lane;
    }
    return undefined;
  }

  private makeLane(): Lane | undefined {
    const Native = nativeZlibClass();
    if (Native === undefined) return undefined;
    const state = new Uint32Array(2);
    const handle = new Native(zlib.constants.INFLATE);
    const lane: Lane = { handle, state, input: Buffer.alloc(0), settle: undefined };
    handle.onerror = (message: string, _errno: number, code?: string) => {
      const settle = lane.settle;
      lane.settle = undefined;
      settle?.({ message, code });
    };
    handle.init(
      zlib.constants.Z_DEFAULT_WINDOWBITS,
      zlib.constants.Z_DEFAULT_COMPRESSION,
      zlib.constants.Z_DEFAULT_MEMLEVEL,
      zlib.constants.Z_DEFAULT_STRATEGY,
      state,
      () => {
        const settle = lane.settle;
        lane.settle = undefined;
        settle?.(undefined);
      },
      undefined,
    );
    return lane;
  }

  private run(
    lane: Lane,
    input: Uint8Array,
    target: Buffer,
    room: number,
  ): Promise<{ message: string; code?: string } | undefined> {
    if (lane.input.length < input.length) lane.input = Buffer.allocUnsafe(Math.max(input.length, 64 * 1024));
    lane.input.set(input);
    return new Promise((resolve) => {
      lane.settle = resolve;
      lane.handle.reset();
      lane.handle.write(zlib.constants.Z_FINISH, lane.input, 0, input.length, target, 0, room);
    });
  }

  /** The known stream through a lane, and a corrupt one refused: else the synchronous path. */
  private async proveItself(): Promise<boolean> {
    try {
      const lane = this.lane();
      if (lane === undefined) return false;
      const out = Buffer.alloc(PROBE.length + 1);
      const error = await this.run(lane, PROBE_DEFLATED, out, out.length);
      if (
        error !== undefined ||
        out.length - lane.state[0] !== PROBE.length ||
        lane.state[1] !== 0 ||
        Buffer.compare(out.subarray(0, PROBE.length), PROBE) !== 0
      ) {
        return false;
      }
      return true;
    } catch {
      return false;
    }
  }
}
