import { deflateSync } from 'node:zlib';
import { type FrameBatch, FrameFlag } from '../batch.js';
import { dlcToLength, FD_LENGTHS, type Frame } from '../frame.js';
import { BinaryLogError, type LogParseError, type ReadOptions } from '../log.js';
import { isTruncation, type Reason, reason, type Term, term, zlibReason } from '../reason.js';
import {
  BinaryCursor,
  BinaryLogReader,
  printable,
  putU64,
  type RandomSource,
  readExactly,
  u16,
  u32,
} from './binary-source.js';
import type { BinarySink, FrameEncoder } from './binary-writer.js';
import { channelNumber } from './channels.js';
import { newFrameRow, rowInto } from './frame-row.js';
import { ThreadedInflater } from './inflate.js';

/**
 * Vector BLF (binary logging format of CANoe/CANalyzer and many loggers). Facts used, from the
 * public object definitions: a file header (`LOGG`, header size, statistics, start and stop time
 * as Windows SYSTEMTIME); then objects, each with a 16-byte base header (`LOBJ`, header size,
 * header version, object size, object type) and, for events, a 16-byte (version 1) or 24-byte
 * (version 2) header with flags, object version and a 64-bit time stamp in 10 µs or 1 ns units
 * from the start time. CAN objects are normally packed into LOG_CONTAINER objects whose payload is
 * zlib-deflated; an object may start in one container and end in the next. Objects are followed
 * by `size % 4` padding bytes.
 */

const LOBJ = 0x4a424f4c; // 'LOBJ' read as a little-endian u32
const LOGG = 0x47474f4c; // 'LOGG'

const CAN_MESSAGE = 1;
const CAN_ERROR = 2;
const LOG_CONTAINER = 10;
const CAN_ERROR_EXT = 73;
const CAN_MESSAGE2 = 86;
const CAN_FD_MESSAGE = 100;
const CAN_FD_MESSAGE_64 = 101;
const CAN_FD_ERROR_64 = 104;

const TIME_TEN_MICS = 1;
const EXTENDED_ID = 0x80000000;
const MSG_RTR = 0x80;
/** Whether 32-bit words read from a Uint32Array are little-endian, as BLF's fields are. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const FD_EDL = 0x1;
const FD_BRS = 0x2;
const FD_ESI = 0x4;
const FD64_RTR = 0x0010;
const FD64_EDL = 0x1000;
const FD64_BRS = 0x2000;
const FD64_ESI = 0x4000;
/** CAN_ERROR_EXT flagsExt: bit 5 says received; bits 12–13 the extended direction (2 RX, 3 TX). */
const ERR_EXT_RX = 0x20;
const ERR_EXT_DIR_RX = 2 << 12;
const ERR_EXT_DIR_TX = 3 << 12;

/** The file header as written (Vector writes 144 bytes; the header says its own size). */
const FILE_HEADER_SIZE = 144;
const FILE_HEADER_MIN = 72;
const OBJECT_HEADER_V1 = 32;
const CONTAINER_HEADER = 32;
/** Uncompressed bytes per container: what CANoe and python-can write. */
const CONTAINER_PAYLOAD = 128 * 1024;
/**
 * A container's inflated size is bounded: Vector writes 128 KiB, and deflate cannot expand more
 * than about 1032:1, so a length field cannot make the reader allocate more than this.
 */
const MAX_CONTAINER_PAYLOAD = 64 * 2 ** 20;
/** File bytes read at a time: many containers per read, few round trips to the I/O thread. */
const READ_CHUNK = 1 << 20;
/**
 * Containers in flight ahead of the one being parsed: inflated on the thread pool while this
 * thread decodes (see ThreadedInflater in ./inflate.ts). Six rather than three: each stream handed
 * back costs a round trip through the event loop (tens of microseconds on a loaded 2-vCPU machine)
 * during which a lane with nothing queued behind it stands idle; with six queued on libuv's four
 * threads none waits. Measured on the million-frame bench (2 vCPUs): the read in columns took
 * 103 ms against 111 with three, 121 with two; eight and twelve gained nothing more. The output
 * ring grows to eight buffers of a container each (1 MiB). Where the thread pool path is not
 * used they are inflated here, in turn.
 */
const INFLATE_AHEAD = 6;

/** Milliseconds since the epoch of a SYSTEMTIME (read as UTC, like ASC dates), or 0 when unset. */
export function systemTimeToMs(buf: Uint8Array, at: number): number {
  const year = u16(buf, at);
  const month = u16(buf, at + 2);
  const day = u16(buf, at + 6);
  if (year < 1601 || month < 1 || month > 12 || day < 1 || day > 31) return 0;
  return Date.UTC(
    year,
    month - 1,
    day,
    u16(buf, at + 8),
    u16(buf, at + 10),
    u16(buf, at + 12),
    u16(buf, at + 14),
  );
}

function putSystemTime(buf: Buffer, at: number, ms: number): void {
  const d = new Date(ms);
  const fields = [
    d.getUTCFullYear(),
    d.getUTCMonth() + 1,
    d.getUTCDay(),
    d.getUTCDate(),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
    d.getUTCMilliseconds(),
  ];
  for (let i = 0; i < 8; i++) buf.writeUInt16LE(fields[i], at + 2 * i);
}

/** Reads the CAN frames of a BLF file (or bytes). */
export function blfReader(
  file: string,
  openSource: () => RandomSource,
  options: ReadOptions,
): BinaryLogReader {
  return new BinaryLogReader(
    file,
    'blf',
    openSource,
    options,
    (f, source, o, skipped) => new BlfIterator(f, source, o, skipped),
  );
}

interface Payload {
  /** Where the bytes came from, for error messages: the container's file offset. */
  origin: number;
  bytes: Buffer;
  /** A container before this one was dropped (lenient): this one starts somewhere in an object. */
  gap?: boolean;
}

/**
 * What a job in flight gives: a payload, or a container that could not be inflated, whose
 * problem is recorded only when its turn comes (so problems keep the file's order).
 */
type Prepared = Payload | { origin: number; problem: Reason } | undefined;

/**
 * Reads top-level objects front to back through a 1 MiB window (the next one read ahead), inflates
 * each container into reused buffers, and decodes its objects into batches (see BinaryCursor).
 */
class BlfIterator extends BinaryCursor {
  bytesRead = 0;
  private size = -1;
  private startUs = 0;
  /** Next top-level object in the file. */
  private pos = 0;
  private window: Buffer = Buffer.alloc(0);
  /** The two read buffers, the one holding the window, and the read of the next window. */
  private readonly readBuffers: (Buffer | undefined)[] = [undefined, undefined];
  private windowSlot = 0;
  private readAhead: { at: number; slot: number; bytes: Promise<Buffer> } | undefined;
  private windowStart = 0;
  private readonly ahead: Promise<Prepared>[] = [];
  private readonly inflater = new ThreadedInflater(INFLATE_AHEAD);
  /**
   * The buffers containers are inflated into, in turn: those in flight, the one being parsed
   * (load() still reads its cut object while the next is started), and one spare.
   */
  private readonly outs: (Buffer | undefined)[] = Array.from({ length: INFLATE_AHEAD + 2 });
  private outTurn = 0;
  private fileDone = false;
  /** Current payload (with the unfinished object of the previous one in front), and the parse position. */
  private buf: Buffer = Buffer.alloc(0);
  private p = 0;
  private origin = 0;
  /** After a container was dropped (lenient), the next payload starts mid-object: look for `LOBJ`. */
  private resync = false;
  /** The file ended inside an object (already reported). */
  private truncated = false;
  private readonly channels: string[] = [];

  constructor(
    private readonly file: string,
    source: RandomSource,
    private readonly options: ReadOptions,
    private readonly skipped: LogParseError[],
  ) {
    super(source);
  }

  protected async release(): Promise<void> {
    this.buf = Buffer.alloc(0);
    this.after = undefined;
    this.p = 0;
    // The source closes after this: let a read ahead finish first.
    await this.readAhead?.bytes.catch(() => undefined);
    this.readAhead = undefined;
    for (const a of this.ahead.splice(0)) await a.catch(() => undefined);
    this.inflater.close();
  }

  protected takeInto(batch: FrameBatch): void {
    while (!batch.full) {
      // Classic CAN messages straight into the columns; anything else (FD, errors, other objects,
      // a cut object, a problem to report) through pull() and a row.
      if (this.after === undefined && !this.resync) this.messagesInto(batch);
      if (batch.full) return;
      if (!this.pull()) return;
      rowInto(this.row, this.rowTime[0], batch);
    }
  }

  /**
   * The run of CAN_MESSAGE / CAN_MESSAGE2 objects at `p`, decoded into the batch as pullFrom
   * would decode them, in one loop: a call and a row per frame cost as much as the parse. Stops
   * at the first object it does not take plainly (pullFrom decides that one), or when the batch
   * is full.
   */
  private messagesInto(batch: FrameBatch): void {
    const buf = this.buf;
    const end = buf.length;
    const startUs = this.startUs;
    const ids = batch.id;
    const times = batch.timestamp;
    const flagsOut = batch.flags;
    const dlcs = batch.dlc;
    const channels = batch.channel;
    const starts = batch.start;
    const data = batch.data;
    // Room for 8 bytes per frame: the loop needs no other check than the count.
    const capacity = Math.min(batch.capacity, ((data.length - starts[batch.length]) >> 3) + batch.length - 1);
    let k = batch.length;
    let p = this.p;
    let lastChannel = -1;
    let channelName = '';
    let at = starts[k];
    // Objects on 4-byte boundaries of a buffer on one (as CAN messages of both versions are: 48
    // and 56 bytes, in containers of 128 KiB): their fields read as 32-bit words, a quarter of the
    // loads. The byte loop below takes over at the first object that is not.
    if (LITTLE_ENDIAN && (buf.byteOffset & 3) === 0 && (p & 3) === 0) {
      const w = new Uint32Array(buf.buffer, buf.byteOffset, end >> 2);
      while (k < capacity && p + 16 <= end) {
        const p4 = p >> 2;
        if (w[p4] !== LOBJ) break;
        const size = w[p4 + 2];
        if (size < 16 || p + size > end || (size & 3) !== 0) break;
        const type = w[p4 + 3];
        if (type !== CAN_MESSAGE && type !== CAN_MESSAGE2) break;
        const h = w[p4 + 1] & 0xffff;
        const q = p + h;
        if (h < OBJECT_HEADER_V1 || (h & 3) !== 0 || q + 16 > p + size) break;
        const head = w[q >> 2];
        const flags = (head >>> 16) & 0xff;
        const dlc = head >>> 24;
        const idw = w[(q >> 2) + 1];
        // Logs mix 11- and 29-bit ids and both directions frame to frame: a branch on either is
        // mispredicted often, so the check and the flags are computed without one. An 11-bit id
        // (bit 31 clear) with any of bits 11–30 set is out of range.
        const high = ((idw & 0x7ffff800) + 0x7fffffff) >>> 31;
        if ((high & ~(idw >>> 31)) !== 0) break;
        const remote = (flags & MSG_RTR) !== 0;
        ids[k] = idw & 0x1fffffff;
        // EXTENDED is bit 0 (the id's bit 31); RX (64) shifted once is TX (128) when any of the
        // direction bits is set; REMOTE (2) is the RTR bit (0x80) moved down.
        flagsOut[k] = (idw >>> 31) | (FrameFlag.RX << (((flags & 0x0f) + 0x0f) >> 4)) | ((flags >> 6) & 2);
        dlcs[k] = (remote ? dlc > 0 : dlc > 8) ? dlc & 0x0f : -1;
        const ch = head & 0xffff;
        if (ch !== lastChannel) {
          channelName = this.channel(ch);
          lastChannel = ch;
        }
        channels[k] = channelName;
        // All eight data bytes are stored whatever the length (the batch has room for eight and the
        // object holds eight): two word loads and no branch on the length, which is random frame to
        // frame; the cursor then moves by the real length.
        const d0 = w[(q >> 2) + 2];
        const d1 = w[(q >> 2) + 3];
        data[at] = d0;
        data[at + 1] = d0 >>> 8;
        data[at + 2] = d0 >>> 16;
        data[at + 3] = d0 >>> 24;
        data[at + 4] = d1;
        data[at + 5] = d1 >>> 8;
        data[at + 6] = d1 >>> 16;
        data[at + 7] = d1 >>> 24;
        // min(dlc, 8), and 0 for a remote frame, without a branch on the random length.
        const over = dlc - 8;
        at += (8 + (over & (over >> 31))) & ~((flags << 24) >> 31);
        starts[k + 1] = at;
        const units = w[p4 + 7] * 0x100000000 + w[p4 + 6];
        const us = (w[p4 + 4] & TIME_TEN_MICS) !== 0 ? units * 10 : Math.round(units / 1000);
        times[k] = (startUs + us) / 1e6;
        k++;
        p += size;
      }
    }
    while (k < capacity && p + 16 <= end) {
      if (buf[p] !== 0x4c || buf[p + 1] !== 0x4f || buf[p + 2] !== 0x42 || buf[p + 3] !== 0x4a) break;
      const size = u32(buf, p + 8);
      if (size < 16 || p + size > end) break;
      const type = u32(buf, p + 12);
      if (type !== CAN_MESSAGE && type !== CAN_MESSAGE2) break;
      const h = buf[p + 4] | (buf[p + 5] << 8);
      const q = p + h;
      if (h < OBJECT_HEADER_V1 || q + 16 > p + size) break;
      const flags = buf[q + 2];
      const dlc = buf[q + 3];
      const idw = u32(buf, q + 4);
      // As in the word loop above: no branch on the id's width or the direction.
      const high = ((idw & 0x7ffff800) + 0x7fffffff) >>> 31;
      if ((high & ~(idw >>> 31)) !== 0) break;
      const remote = (flags & MSG_RTR) !== 0;
      ids[k] = idw & 0x1fffffff;
      flagsOut[k] = (idw >>> 31) | (FrameFlag.RX << (((flags & 0x0f) + 0x0f) >> 4)) | ((flags >> 6) & 2);
      dlcs[k] = (remote ? dlc > 0 : dlc > 8) ? dlc & 0x0f : -1;
      const ch = buf[q] | (buf[q + 1] << 8);
      if (ch !== lastChannel) {
        channelName = this.channel(ch);
        lastChannel = ch;
      }
      channels[k] = channelName;
      const n = remote ? 0 : Math.min(dlc, 8);
      for (let i = q + 8, e = q + 8 + n; i < e; i++) data[at++] = buf[i];
      starts[k + 1] = at;
      const units = u32(buf, p + 28) * 0x100000000 + u32(buf, p + 24);
      const us = (buf[p + 16] & TIME_TEN_MICS) !== 0 ? units * 10 : Math.round(units / 1000);
      times[k] = (startUs + us) / 1e6;
      k++;
      p += size;
    }
    batch.length = k;
    this.p = p;
  }

  /** The frame being handed out, and its time in seconds. */
  private readonly row = newFrameRow();
  /**
   * The time is written here, not returned: a number that is not a small integer returned from a
   * call that is not inlined is a heap object, one per frame for the collector.
   */
  private readonly rowTime = new Float64Array(1);

  /** The next container's payload, after the unfinished object of the current one. */
  protected async load(): Promise<boolean> {
    const next = await this.nextPayload();
    if (next === undefined) return false;
    if (next.gap) {
      // The object cut across the dropped container is lost: look for the next one.
      this.p = this.buf.length;
      this.resync = true;
    }
    const rest = this.buf.length - this.p;
    this.origin = next.origin;
    if (rest === 0) {
      this.buf = next.bytes;
      this.p = 0;
      return true;
    }
    // An object cut across two containers: copy just that object, then go on in the new payload
    // (copying the whole payload behind it for every container costs as much as inflating it).
    const head =
      rest >= 16
        ? this.buf.subarray(this.p, this.p + 16)
        : Buffer.concat([this.buf.subarray(this.p), next.bytes.subarray(0, 16 - rest)]);
    const size = head.length >= 16 && u32(head, 0) === LOBJ ? u32(head, 8) : 0;
    if (size > rest && size - rest <= next.bytes.length) {
      this.buf = Buffer.concat([this.buf.subarray(this.p), next.bytes.subarray(0, size - rest)]);
      this.after = next.bytes;
      this.afterAt = size - rest;
    } else {
      this.buf = Buffer.concat([this.buf.subarray(this.p), next.bytes]);
    }
    this.p = 0;
    return true;
  }

  /** The payload to go on with once the object cut across containers (in `buf`) is parsed. */
  private after: Buffer | undefined;
  private afterAt = 0;

  protected end(): void {
    const left = this.buf.length - this.p;
    if (left > 0 && !this.resync && !this.truncated && !this.isPadding(this.buf, this.p)) {
      this.problem(this.origin, reason('blf.last-object-cut', { bytes: left }));
    }
  }

  /**
   * Whether what is left after the last object is only its padding: Vector pads an object with
   * `size % 4` zero bytes, and its converter writes that padding inside the container, so a file
   * whose last object's size is not a multiple of 4 (a comment, a system variable, an Ethernet
   * frame) ends with one to three zero bytes that belong to no object.
   */
  private isPadding(buf: Buffer, p: number): boolean {
    return buf.length - p < 4 && this.isZero(buf.subarray(p));
  }

  /** Reads the file header: signature, its size, the start time. */
  protected async open(): Promise<void> {
    this.size = await this.source.size();
    if (this.size === 0) throw new BinaryLogError(this.file, 0, reason('empty-file'));
    const head = await this.source.read(0, Math.min(this.size, FILE_HEADER_SIZE));
    if (head.length < 4 || u32(head, 0) !== LOGG) {
      throw new BinaryLogError(this.file, 0, reason('blf.not-blf', { found: printable(head, 0, 4) }));
    }
    if (head.length < FILE_HEADER_MIN) {
      throw new BinaryLogError(this.file, 0, reason('blf.header-truncated', { needs: FILE_HEADER_MIN }));
    }
    const headerSize = u32(head, 4);
    if (headerSize < FILE_HEADER_MIN || headerSize > this.size) {
      throw new BinaryLogError(this.file, 4, reason('blf.bad-header-size', { size: headerSize }));
    }
    this.startUs = this.options.relativeTime ? 0 : systemTimeToMs(head, 40) * 1000;
    this.pos = headerSize;
    this.bytesRead = headerSize;
  }

  /** The next container's payload, keeping INFLATE_AHEAD of them in flight. */
  private async nextPayload(): Promise<Payload | undefined> {
    let gap = false;
    for (;;) {
      while (this.ahead.length < INFLATE_AHEAD && !this.fileDone) {
        let next: { job: Promise<Prepared> } | undefined;
        try {
          next = await this.nextObject();
        } catch (err) {
          // A problem further on waits its turn: the containers before it are handed out first.
          this.fileDone = true;
          next = { job: Promise.reject(err) };
        }
        if (next === undefined) break;
        next.job.catch(() => undefined);
        this.ahead.push(next.job);
      }
      const job = this.ahead.shift();
      if (job === undefined) return undefined;
      const prepared = await job;
      const payload =
        prepared !== undefined && 'problem' in prepared
          ? this.dropped(prepared.origin, prepared.problem)
          : prepared;
      // A dropped container (lenient) gives undefined: go on with the next one.
      if (payload !== undefined) {
        if (gap) payload.gap = true;
        return payload;
      }
      gap = true;
    }
  }

  /** `length` bytes of read buffer `slot` (grown when too small). */
  private readBuffer(slot: number, length: number): Buffer {
    let b = this.readBuffers[slot];
    if (b === undefined || b.length < length)
      b = this.readBuffers[slot] = Buffer.allocUnsafe(Math.max(length, READ_CHUNK));
    return b.subarray(0, length);
  }

  /** Bytes [at, at + n) of the file, through the read window. */
  private async bytes(at: number, n: number, what: Term): Promise<Buffer> {
    if (at < this.windowStart || at + n > this.windowStart + this.window.length) {
      const length = Math.max(Math.min(this.size - at, Math.max(n, READ_CHUNK)), 0);
      // The window read ahead, when it starts here and holds what is asked; else a read now. Two
      // buffers in turn: what a window held was used before the next one is needed (containers
      // inflated, other objects copied), and a fresh buffer per read is fresh pages.
      const ahead = this.readAhead;
      this.readAhead = undefined;
      let window: Buffer | undefined;
      if (ahead !== undefined) {
        const got = await ahead.bytes.catch(() => undefined);
        if (got !== undefined && ahead.at === at && got.length >= Math.min(n, this.size - at)) {
          window = got;
          this.windowSlot = ahead.slot;
        }
      }
      if (window === undefined) {
        const slot = this.windowSlot ^ 1;
        window = await readExactly(this.source, at, length, term(what), this.readBuffer(slot, length));
        this.windowSlot = slot;
      }
      this.window = window;
      this.windowStart = at;
      // The next window, read on the thread pool while this one is parsed.
      const next = at + window.length;
      if (next < this.size) {
        const slot = this.windowSlot ^ 1;
        const len = Math.min(this.size - next, READ_CHUNK);
        const bytes = this.source.read(next, len, this.readBuffer(slot, len));
        bytes.catch(() => undefined);
        this.readAhead = { at: next, slot, bytes };
      }
    }
    if (n > this.window.length - (at - this.windowStart)) {
      throw new BinaryLogError(this.file, at, reason('truncated-short', { what: term(what), needs: n }));
    }
    return this.window.subarray(at - this.windowStart, at - this.windowStart + n);
  }

  /**
   * Reads the next top-level object and returns the job that yields its payload: a container's
   * inflated bytes, or the object itself when it stands outside any container.
   */
  private async nextObject(): Promise<{ job: Promise<Prepared> } | undefined> {
    for (;;) {
      if (this.pos + 16 > this.size) {
        this.fileDone = true;
        if (
          this.pos < this.size &&
          !this.isZero(await this.bytes(this.pos, this.size - this.pos, 'padding'))
        ) {
          this.problem(this.pos, reason('blf.bytes-after-last', { bytes: this.size - this.pos }));
        }
        return undefined;
      }
      let at = this.pos;
      let head = await this.bytes(at, 16, 'an object header');
      if (u32(head, 0) !== LOBJ) {
        // Padding: Vector pads an object with `size % 4` bytes, other writers to 4; look a few bytes on.
        const found = await this.findSignature(at);
        if (found < 0) {
          this.fileDone = true;
          throw new BinaryLogError(
            this.file,
            at,
            reason('blf.expected-lobj', { found: printable(head, 0, 4) }),
          );
        }
        at = found;
        head = await this.bytes(at, 16, 'an object header');
      }
      const objectSize = u32(head, 8);
      const type = u32(head, 12);
      const headerSize = u16(head, 4);
      if (objectSize < 16 || headerSize < 16 || headerSize > objectSize) {
        this.fileDone = true;
        throw new BinaryLogError(this.file, at, reason('blf.bad-object', { size: objectSize, headerSize }));
      }
      if (at + objectSize > this.size) {
        this.fileDone = true;
        this.pos = this.size;
        this.problem(at, reason('blf.object-past-end', { size: objectSize, left: this.size - at }));
        return undefined;
      }
      this.pos = at + objectSize;
      this.bytesRead = this.pos;
      if (type !== LOG_CONTAINER) {
        // An object outside any container (old files): parse it as a payload of its own.
        const bytes = Buffer.from(await this.bytes(at, objectSize, 'an object'));
        return { job: Promise.resolve({ origin: at, bytes }) };
      }
      if (objectSize < headerSize + 16) {
        throw new BinaryLogError(this.file, at, reason('blf.container-no-header', { size: objectSize }));
      }
      const obj = await this.bytes(at, objectSize, 'a log container');
      const method = u16(obj, headerSize);
      const expected = u32(obj, headerSize + 8);
      const data = obj.subarray(headerSize + 16);
      if (method === 0) return { job: Promise.resolve({ origin: at, bytes: Buffer.from(data) }) };
      if (method !== 2) {
        return { job: Promise.resolve({ origin: at, problem: reason('blf.container-method', { method }) }) };
      }
      if (expected > MAX_CONTAINER_PAYLOAD || expected > data.length * 1100 + 1024) {
        throw new BinaryLogError(
          this.file,
          at + headerSize + 8,
          reason('blf.container-claims', {
            expected,
            stored: data.length,
            limit: MAX_CONTAINER_PAYLOAD >> 20,
          }),
        );
      }
      // Into the next buffer of the ring (see `outs`): none of the others is in use by then.
      const slot = this.outTurn;
      this.outTurn = (slot + 1) % this.outs.length;
      const job = this.inflater.inflate(data, expected, this.outs[slot]).then((r): Prepared => {
        if ('bytes' in r) {
          this.outs[slot] = r.out;
          return { origin: at, bytes: r.bytes };
        }
        if ('zlibError' in r) {
          const detail = zlibReason({ message: r.zlibError, code: r.zlibCode });
          return { origin: at, problem: reason('blf.container-zlib', { detail }) };
        }
        return {
          origin: at,
          problem: reason('blf.container-inflates', { length: r.length, expected, more: r.more ? 1 : 0 }),
        };
      });
      return { job };
    }
  }

  /** A container that cannot be read: an error, or in lenient mode a skip (the reader resynchronises). */
  private dropped(at: number, why: Reason): undefined {
    this.problem(at, why);
    return undefined;
  }

  private problem(at: number, why: Reason): void {
    if (isTruncation(why)) this.truncated = true;
    const err = new BinaryLogError(this.file, at, why);
    if (!this.options.lenient) throw err;
    this.skipped.push(err);
  }

  private async findSignature(at: number): Promise<number> {
    const n = Math.min(8, this.size - at - 16);
    if (n <= 0) return -1;
    const look = await this.bytes(at, n + 16, 'an object header');
    for (let k = 1; k <= n; k++) if (u32(look, k) === LOBJ) return at + k;
    return -1;
  }

  private isZero(b: Uint8Array): boolean {
    for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
    return true;
  }

  private channel(n: number): string {
    let s = this.channels[n];
    if (s === undefined) {
      s = String(n);
      if (n < 4096) this.channels[n] = s;
    }
    return s;
  }

  /**
   * Decodes the next frame of the payload at hand into `this.row` and its time into `rowTime`;
   * false when it needs the next payload.
   */
  private pull(): boolean {
    const t = this.pullFrom();
    if (t || this.after === undefined) return t;
    // The cut object is done: the rest of the new payload (with anything left unparsed in front).
    const rest = this.buf.length - this.p;
    this.buf =
      rest > 0 ? Buffer.concat([this.buf.subarray(this.p), this.after.subarray(this.afterAt)]) : this.after;
    this.p = rest > 0 ? 0 : this.afterAt;
    this.after = undefined;
    return this.pullFrom();
  }

  private pullFrom(): boolean {
    const buf = this.buf;
    const end = buf.length;
    const row = this.row;
    let p = this.p;
    while (p + 16 <= end) {
      if (buf[p] !== 0x4c || u32(buf, p) !== LOBJ) {
        const k = this.findObject(buf, p, end);
        if (k < 0) {
          // Wait for more bytes unless there are plenty: then the stream is corrupt.
          if (end - p < 24) break;
          throw new BinaryLogError(this.file, this.origin, reason('blf.container-stream', { at: p }));
        }
        p = k;
        if (p + 16 > end) break;
      }
      const size = u32(buf, p + 8);
      if (size < 16) {
        throw new BinaryLogError(this.file, this.origin, reason('blf.object-too-small', { size, at: p }));
      }
      if (p + size > end) break;
      const start = p;
      p += size;
      const type = u32(buf, start + 12);
      if (type === CAN_MESSAGE || type === CAN_MESSAGE2) {
        const h = u16(buf, start + 4);
        const q = start + h;
        if (h < OBJECT_HEADER_V1 || q + 16 > p) continue;
        const flags = buf[q + 2];
        const dlc = buf[q + 3];
        const idw = u32(buf, q + 4);
        if (idw < EXTENDED_ID && idw > 0x7ff) {
          this.badObject(start, reason('id-over-11-bit', { id: idw.toString(16) }));
          continue;
        }
        const remote = (flags & MSG_RTR) !== 0;
        row.id = idw & 0x1fffffff;
        row.flags =
          (idw >= EXTENDED_ID ? FrameFlag.EXTENDED : 0) |
          ((flags & 0x0f) !== 0 ? FrameFlag.TX : FrameFlag.RX) |
          (remote ? FrameFlag.REMOTE : 0);
        row.dlc = (remote ? dlc > 0 : dlc > 8) ? dlc & 0x0f : -1;
        row.channel = this.channel(u16(buf, q));
        row.src = buf;
        row.at = q + 8;
        row.length = remote ? 0 : Math.min(dlc, 8);
        this.p = p;
        this.time(buf, start);
        return true;
      }
      if (type === CAN_FD_MESSAGE_64 || type === CAN_FD_MESSAGE) {
        if (this.fdRow(buf, start, p, type)) {
          this.p = p;
          this.time(buf, start);
          return true;
        }
        continue;
      }
      if (type === CAN_ERROR_EXT || type === CAN_ERROR || type === CAN_FD_ERROR_64) {
        if (this.errorRow(buf, start, p, type)) {
          this.p = p;
          this.time(buf, start);
          return true;
        }
      }
      // Other objects (statistics, markers, LIN, Ethernet, …) carry no CAN frame.
    }
    this.p = p;
    return false;
  }

  /** Past a dropped container, or past padding: the next `LOBJ` (-1 when none in sight). */
  private findObject(buf: Buffer, p: number, end: number): number {
    if (this.resync) {
      const k = buf.indexOf('LOBJ', p, 'latin1');
      if (k >= 0) this.resync = false;
      return k;
    }
    for (let k = p + 1; k < p + 8 && k + 4 <= end; k++) if (u32(buf, k) === LOBJ) return k;
    return -1;
  }

  /** The absolute time of the object at `start` in seconds, exact to the microsecond, into `rowTime`. */
  private time(buf: Buffer, start: number): void {
    const units = u32(buf, start + 28) * 0x100000000 + u32(buf, start + 24);
    const us = (u32(buf, start + 16) & TIME_TEN_MICS) !== 0 ? units * 10 : Math.round(units / 1000);
    this.rowTime[0] = (this.startUs + us) / 1e6;
  }

  /** CAN_FD_MESSAGE and CAN_FD_MESSAGE_64 into the row; false for an object that holds no frame. */
  /** A CAN FD payload completed with zeros (see fdRow). */
  private readonly padded = Buffer.alloc(64);

  private fdRow(buf: Buffer, start: number, end: number, type: number): boolean {
    const q = start + u16(buf, start + 4);
    let channel: number;
    let dlc: number;
    let valid: number;
    let idw: number;
    let fd: boolean;
    let brs: boolean;
    let esi: boolean;
    let remote: boolean;
    let tx: boolean;
    let at: number;
    if (type === CAN_FD_MESSAGE_64) {
      if (q + 40 > end)
        return this.badObject(start, reason('blf.object-short', { object: 'CAN_FD_MESSAGE_64' }));
      channel = buf[q];
      dlc = buf[q + 1] & 0x0f;
      valid = buf[q + 2];
      idw = u32(buf, q + 4);
      const flags = u32(buf, q + 12);
      fd = (flags & FD64_EDL) !== 0;
      brs = (flags & FD64_BRS) !== 0;
      esi = (flags & FD64_ESI) !== 0;
      remote = (flags & FD64_RTR) !== 0;
      tx = buf[q + 34] !== 0;
      at = q + 40;
      // The data field ends where the extended data begins (its offset from the object's start,
      // 0 when there is none) or with the object. Writers may announce more valid bytes than they
      // store (python-can issue 1905, a real file): CANoe and Vector's binlog give the missing
      // bytes as zeros, and so does this reader.
      const ext = buf[q + 35];
      const stored = Math.max(0, Math.min(valid, (ext > 0 ? start + ext : end) - at));
      if (stored < valid && valid <= 64) {
        const pad = this.padded;
        pad.fill(0);
        for (let i = 0; i < stored; i++) pad[i] = buf[at + i];
        buf = pad;
        at = 0;
        end = valid;
      }
    } else {
      if (q + 20 + 64 > end)
        return this.badObject(start, reason('blf.object-short', { object: 'CAN_FD_MESSAGE' }));
      channel = u16(buf, q);
      const flags = buf[q + 2];
      dlc = buf[q + 3] & 0x0f;
      idw = u32(buf, q + 4);
      const fdFlags = buf[q + 13];
      valid = buf[q + 14];
      fd = (fdFlags & FD_EDL) !== 0;
      brs = (fdFlags & FD_BRS) !== 0;
      esi = (fdFlags & FD_ESI) !== 0;
      remote = (flags & MSG_RTR) !== 0;
      tx = (flags & 0x0f) !== 0;
      at = q + 20;
    }
    if (remote) valid = 0;
    if (idw < EXTENDED_ID && idw > 0x7ff)
      return this.badObject(start, reason('id-over-11-bit', { id: idw.toString(16) }));
    if (valid > 64 || at + valid > end) {
      return this.badObject(
        start,
        reason('blf.data-announced', { announced: valid, holds: Math.max(0, end - at) }),
      );
    }
    const n = fd ? valid : Math.min(valid, 8, dlcToLength(dlc));
    if (fd && !(FD_LENGTHS as readonly number[]).includes(n)) {
      return this.badObject(start, reason('fd-bad-length', { n }));
    }
    const row = this.row;
    row.id = idw & 0x1fffffff;
    let flags = (idw >= EXTENDED_ID ? FrameFlag.EXTENDED : 0) | (tx ? FrameFlag.TX : FrameFlag.RX);
    row.dlc = -1;
    if (fd) flags |= FrameFlag.FD | (brs ? FrameFlag.BRS : 0) | (esi ? FrameFlag.ESI : 0);
    else if (remote) {
      flags |= FrameFlag.REMOTE;
      if (dlc > 0) row.dlc = dlc;
    } else if (dlc > 8) row.dlc = dlc;
    row.flags = flags;
    row.channel = this.channel(channel);
    row.src = buf;
    row.at = at;
    row.length = n;
    return true;
  }

  /** CAN_ERROR, CAN_ERROR_EXT and CAN_FD_ERROR_64 into the row. */
  private errorRow(buf: Buffer, start: number, end: number, type: number): boolean {
    const q = start + u16(buf, start + 4);
    const row = this.row;
    row.id = 0;
    row.flags = FrameFlag.ERROR;
    row.dlc = -1;
    row.src = buf;
    row.at = 0;
    row.length = 0;
    if (type === CAN_ERROR) {
      if (q + 2 > end) return this.badObject(start, reason('blf.object-short', { object: 'CAN_ERROR' }));
      row.channel = this.channel(u16(buf, q));
      return true;
    }
    let idw: number;
    if (type === CAN_FD_ERROR_64) {
      if (q + 16 > end)
        return this.badObject(start, reason('blf.object-short', { object: 'CAN_FD_ERROR_64' }));
      row.channel = this.channel(buf[q]);
      idw = u32(buf, q + 12);
    } else {
      if (q + 32 > end) return this.badObject(start, reason('blf.object-short', { object: 'CAN_ERROR_EXT' }));
      row.channel = this.channel(u16(buf, q));
      idw = u32(buf, q + 16);
      row.at = q + 24;
      row.length = Math.min(buf[q + 10] & 0x0f, 8);
      const ext = u16(buf, q + 20);
      if (ext !== 0) {
        const dir = (ext >> 12) & 3;
        const tx = dir === 3 || dir === 1 || (dir === 0 && (ext & ERR_EXT_RX) === 0);
        row.flags |= tx ? FrameFlag.TX : FrameFlag.RX;
      }
    }
    row.id = idw & 0x1fffffff;
    if (idw >= EXTENDED_ID) row.flags |= FrameFlag.EXTENDED;
    return true;
  }

  private badObject(start: number, why: Reason): false {
    this.problem(this.origin, reason('blf.in-container', { inner: why, start }));
    return false;
  }
}

/** Frames to BLF objects, packed into deflated 128 KiB containers (objects split across them). */
class BlfEncoder {
  private startMs = -1;
  private lastMs = 0;
  private count = 0;
  private uncompressed = FILE_HEADER_SIZE;
  private readonly seen = new Map<string, number>();
  /** Objects waiting for their container. */
  private parts: Buffer[] = [];
  private partsLength = 0;

  /** The file header (with the totals once the file is complete). */
  header(fileSize: number): Buffer {
    const h = Buffer.alloc(FILE_HEADER_SIZE);
    h.writeUInt32LE(LOGG, 0);
    h.writeUInt32LE(FILE_HEADER_SIZE, 4);
    // Application 0 (unknown) 0.0.0; BLF version 4.7.0.0.
    h.set([0, 0, 0, 0, 4, 7, 0, 0], 8);
    putU64(h, 16, fileSize);
    putU64(h, 24, this.uncompressed);
    h.writeUInt32LE(this.count, 32);
    if (this.startMs >= 0) {
      putSystemTime(h, 40, this.startMs);
      putSystemTime(h, 56, this.lastMs);
    }
    return h;
  }

  /** Adds one frame; returns the containers that became full. Throws a string for a frame BLF cannot hold. */
  add(frame: Frame): Buffer[] {
    const us = Math.round(frame.timestamp * 1e6);
    if (this.startMs < 0) this.startMs = Math.floor(us / 1000);
    const offsetUs = us - this.startMs * 1000;
    if (offsetUs < 0) throw 'timestamp before the first frame: BLF times cannot be negative';
    this.lastMs = Math.max(this.lastMs, Math.floor(us / 1000));
    const channel = channelNumber(frame.channel, this.seen);
    const idw = (frame.extended ? EXTENDED_ID : 0) + (frame.id & 0x1fffffff);
    const q = OBJECT_HEADER_V1;
    let obj: Buffer;
    if (frame.error) {
      if (channel > 0xffff) throw `channel ${channel} does not fit BLF's 16-bit channel`;
      obj = this.object(CAN_ERROR_EXT, 32, offsetUs);
      obj.writeUInt16LE(channel, q);
      const n = Math.min(frame.data.length, 8);
      obj[q + 10] = n;
      obj.writeUInt32LE(idw, q + 16);
      if (frame.direction !== undefined) {
        obj.writeUInt16LE(frame.direction === 'rx' ? ERR_EXT_RX | ERR_EXT_DIR_RX : ERR_EXT_DIR_TX, q + 20);
      }
      obj.set(frame.data.subarray(0, n), q + 24);
    } else if (frame.fd) {
      if (channel > 0xff) throw `channel ${channel} does not fit CAN_FD_MESSAGE_64's 8-bit channel`;
      const n = frame.data.length;
      obj = this.object(CAN_FD_MESSAGE_64, 40 + n, offsetUs);
      obj[q] = channel;
      obj[q + 1] = (FD_LENGTHS as readonly number[]).indexOf(n);
      obj[q + 2] = n;
      obj.writeUInt32LE(idw, q + 4);
      obj.writeUInt32LE(FD64_EDL | (frame.brs ? FD64_BRS : 0) | (frame.esi ? FD64_ESI : 0), q + 12);
      obj[q + 34] = frame.direction === 'tx' ? 1 : 0;
      obj.set(frame.data, q + 40);
    } else {
      if (channel > 0xffff) throw `channel ${channel} does not fit BLF's 16-bit channel`;
      obj = this.object(CAN_MESSAGE2, 24, offsetUs);
      obj.writeUInt16LE(channel, q);
      obj[q + 2] = (frame.remote ? MSG_RTR : 0) | (frame.direction === 'tx' ? 1 : 0);
      obj[q + 3] = frame.remote
        ? (frame.dlc ?? 0)
        : frame.dlc !== undefined && frame.dlc > 8
          ? frame.dlc
          : frame.data.length;
      obj.writeUInt32LE(idw, q + 4);
      obj.set(frame.data, q + 8);
    }
    this.count++;
    this.parts.push(obj);
    this.partsLength += obj.length;
    const full: Buffer[] = [];
    while (this.partsLength >= CONTAINER_PAYLOAD) full.push(this.container(CONTAINER_PAYLOAD));
    return full;
  }

  /** What is left, as a last container (none when nothing is left). */
  flush(): Buffer[] {
    return this.partsLength > 0 ? [this.container(this.partsLength)] : [];
  }

  /** A new object with a version 1 header (1 ns time stamps) and its padding, body zeroed. */
  private object(type: number, bodySize: number, offsetUs: number): Buffer {
    const size = OBJECT_HEADER_V1 + bodySize;
    const obj = Buffer.alloc(size + (size % 4));
    obj.writeUInt32LE(LOBJ, 0);
    obj.writeUInt16LE(OBJECT_HEADER_V1, 4);
    obj.writeUInt16LE(1, 6);
    obj.writeUInt32LE(size, 8);
    obj.writeUInt32LE(type, 12);
    obj.writeUInt32LE(2, 16); // 1 ns time stamps
    putU64(obj, 24, offsetUs * 1000);
    return obj;
  }

  /** Takes `n` bytes of pending objects (splitting the last one if needed) into a deflated container. */
  private container(n: number): Buffer {
    const all = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.partsLength);
    const payload = all.subarray(0, n);
    const rest = all.subarray(n);
    this.parts = rest.length > 0 ? [Buffer.from(rest)] : [];
    this.partsLength = rest.length;
    const packed = deflateSync(payload);
    const size = CONTAINER_HEADER + packed.length;
    const out = Buffer.alloc(size + (size % 4));
    out.writeUInt32LE(LOBJ, 0);
    out.writeUInt16LE(16, 4);
    out.writeUInt16LE(1, 6);
    out.writeUInt32LE(size, 8);
    out.writeUInt32LE(LOG_CONTAINER, 12);
    out.writeUInt16LE(2, 16); // zlib deflate
    out.writeUInt32LE(payload.length, 24);
    packed.copy(out, CONTAINER_HEADER);
    this.uncompressed += size - packed.length + payload.length;
    return out;
  }
}

/**
 * The BLF writer: header first (its totals rewritten at the end when the sink is a file), then
 * containers as they fill. Classic and remote frames become CAN_MESSAGE2, CAN FD frames
 * CAN_FD_MESSAGE_64, error frames CAN_ERROR_EXT; times in 1 ns units from the first frame's
 * millisecond, so every microsecond is kept.
 */
export function blfEncoder(sink: BinarySink): FrameEncoder {
  const encoder = new BlfEncoder();
  let written = 0;
  const put = (bytes: Buffer): void | Promise<void> => {
    written += bytes.length;
    return sink.write(bytes);
  };
  return {
    add(frame) {
      const first = written === 0;
      const containers = encoder.add(frame);
      // The header holds the start time, known from the first frame. Writes land in order: waiting
      // for the last one is waiting for all.
      let wait = first ? put(encoder.header(0)) : undefined;
      for (const c of containers) wait = put(c);
      return wait;
    },
    async finish() {
      if (written === 0) await put(encoder.header(0));
      for (const c of encoder.flush()) await put(c);
      if (sink.seekable) await sink.patch(0, encoder.header(written));
    },
  };
}
