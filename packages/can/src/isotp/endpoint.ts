import { type Clock, systemClock, type TimerHandle } from '@atelier/clock';
import type { Bus } from '../bus.js';
import { FD_LENGTHS, type Frame, makeFrame } from '../frame.js';
import { type IsoTpAddress, type ResolvedAddress, resolveAddress } from './address.js';
import { Deadline } from './deadline.js';
import type { IsoTpFacts } from './endpoint-texts.js';
import { IsoTpConfigError, IsoTpError } from './errors.js';
import {
  checkStMin,
  consecutiveFrameCapacity,
  FS_CTS,
  FS_OVFLW,
  FS_WAIT,
  MAX_FF_DL_12,
  MAX_FF_DL_32,
  PduWriter,
  parsePdu,
  singleFrameCapacity,
  stMinToMs,
} from './pci.js';

export interface IsoTpTimeouts {
  /** Time for one of our frames to leave (bus.send to settle), ms. */
  nAs?: number;
  /** Time for our flow control to leave when receiving, ms. */
  nAr?: number;
  /** Time we wait for the peer's flow control after a first frame, a block or a WAIT, ms. */
  nBs?: number;
  /** Time we wait for the peer's next consecutive frame, ms. */
  nCr?: number;
}

export interface IsoTpOptions {
  /** Timers (timeouts, STmin); virtual in tests. Default: the system clock. */
  clock?: Clock;
  /**
   * Byte frames are padded with, up to 8 bytes on classic CAN (to the next valid length on CAN FD).
   * Default 0xCC, the value ISO 15765-2:2016 recommends; `null` sends frames only as long as needed
   * (CAN FD frames are still padded with 0xCC to a valid length, as the standard requires).
   */
  padding?: number | null;
  /** Block size we ask the sender for when receiving (0 = all frames without further flow control). */
  blockSize?: number;
  /** STmin we ask the sender for when receiving: 0–127 ms, or 0xF1–0xF9 for 100–900 µs. */
  stMin?: number;
  timeouts?: IsoTpTimeouts;
  /** How many flow-control WAITs in a row we accept before giving up (N_WFTmax). Default 10. */
  maxWait?: number;
  /** Send CAN FD frames (TX_DL `fdDataLength`, default 64). Reception accepts both kinds either way. */
  fd?: boolean;
  /** TX_DL on CAN FD: one of 12, 16, 20, 24, 32, 48, 64. */
  fdDataLength?: number;
  /** Longest message we accept; a longer first frame gets an OVERFLOW flow control. Default 4095 (classic), 65535 (FD). */
  maxLength?: number;
}

export interface IsoTpMessage {
  data: Uint8Array;
  /** Timestamp of the last frame of the message (seconds, as the bus stamped it). */
  timestamp: number;
  /** CAN id the message arrived on. */
  id: number;
}

/** ISO 15765-2 defaults: every N_ timeout is 1000 ms. */
const DEFAULT_TIMEOUT = 1000;
const QUEUE_LIMIT = 1024;

interface Reception {
  buffer: Uint8Array;
  received: number;
  nextSn: number;
  blockCount: number;
}

interface Waiter {
  resolve(m: IsoTpMessage): void;
  reject(e: IsoTpError): void;
  timer: TimerHandle | undefined;
}

interface FlowControl {
  fs: number;
  bs: number;
  stMin: number;
}

type Queued = { message: IsoTpMessage } | { error: IsoTpError };

/**
 * One end of an ISO-TP channel (ISO 15765-2) on any bus: sends messages of 1–4095 bytes (more with
 * the 32-bit escape) with flow control, and reassembles the peer's messages, answering its first
 * frames with our flow control. Transmissions are serialized; reception runs alongside (full duplex).
 *
 * Received messages go to `onMessage` listeners and to `receive()` callers; when nobody listens they
 * wait in a queue (bounded, oldest dropped) for the next `receive()`. Reception errors (N_Cr
 * timeout, wrong sequence number, interrupted message) reject a pending `receive()` and go to
 * `onError` listeners.
 */
export class IsoTpEndpoint {
  readonly address: ResolvedAddress;
  private readonly clock: Clock;
  private readonly writer: PduWriter;
  private readonly blockSize: number;
  private readonly stMin: number;
  private readonly nAs: number;
  private readonly nAr: number;
  private readonly nBs: number;
  private readonly nCr: number;
  private readonly maxWait: number;
  private readonly maxLength: number;
  private readonly fd: boolean;
  private readonly unsubscribe: () => void;
  private rx: Reception | undefined;
  private fcWaiter: ((fc: FlowControl) => void) | undefined;
  // On a synchronous bus the peer's flow control can arrive while our frame is still being sent:
  // it is kept here until the transmission asks for it.
  private expectFc = false;
  private fcMailbox: FlowControl | undefined;
  private sending: Promise<void> = Promise.resolve();
  private abortTx: ((e: IsoTpError) => void) | undefined;
  private readonly queue: Queued[] = [];
  private readonly waiters: Waiter[] = [];
  private readonly listeners = new Set<(m: IsoTpMessage) => void>();
  private readonly errorListeners = new Set<(e: IsoTpError) => void>();
  private isClosed = false;
  /** N_As for our data frames, N_Cr for the peer's consecutive frames. */
  private readonly asDeadline: Deadline;
  private readonly crDeadline: Deadline;
  private failTxFrame: ((e: IsoTpError) => void) | undefined;

  constructor(
    readonly bus: Bus,
    address: IsoTpAddress,
    options: IsoTpOptions = {},
  ) {
    this.address = resolveAddress(address);
    this.clock = options.clock ?? systemClock;
    const padding = options.padding === undefined ? 0xcc : options.padding;
    if (padding !== null && !(Number.isInteger(padding) && padding >= 0 && padding <= 0xff)) {
      throw new IsoTpConfigError(`padding ${padding} is not a byte (or null)`);
    }
    this.fd = options.fd ?? false;
    const dl = this.fd ? (options.fdDataLength ?? 64) : 8;
    if (this.fd && (dl <= 8 || !(FD_LENGTHS as readonly number[]).includes(dl))) {
      throw new IsoTpConfigError(`fdDataLength ${dl} is not a CAN FD length above 8`);
    }
    this.writer = new PduWriter(dl, this.address.offset, this.address.txAddress, padding, this.fd);
    this.blockSize = options.blockSize ?? 0;
    if (!Number.isInteger(this.blockSize) || this.blockSize < 0 || this.blockSize > 0xff) {
      throw new IsoTpConfigError(`blockSize ${this.blockSize} outside 0–255`);
    }
    this.stMin = checkStMin(options.stMin ?? 0);
    const t = options.timeouts ?? {};
    this.nAs = t.nAs ?? DEFAULT_TIMEOUT;
    this.nAr = t.nAr ?? DEFAULT_TIMEOUT;
    this.nBs = t.nBs ?? DEFAULT_TIMEOUT;
    this.nCr = t.nCr ?? DEFAULT_TIMEOUT;
    this.maxWait = options.maxWait ?? 10;
    this.maxLength = options.maxLength ?? (this.fd ? 0xffff : MAX_FF_DL_12);
    this.asDeadline = new Deadline(this.clock, () => {
      const id = this.address.txId;
      this.failTxFrame?.(
        new IsoTpError('timeout-as', { kind: 'frame-not-sent', id, ms: this.nAs, timer: 'N_As' }, id),
      );
    });
    this.crDeadline = new Deadline(this.clock, () => {
      const rx = this.rx;
      if (rx)
        this.abortReception('timeout-cr', {
          kind: 'no-consecutive',
          ms: this.nCr,
          sn: rx.nextSn,
          received: rx.received,
          length: rx.buffer.length,
        });
    });
    const a = this.address;
    this.unsubscribe = bus.subscribe(
      (f) => this.onFrame(f),
      [{ id: a.rxId, mask: a.extendedIds ? 0x1fffffff : 0x7ff, extended: a.extendedIds }],
    );
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Largest payload one single frame carries with this endpoint's settings. */
  get singleFrameCapacity(): number {
    return singleFrameCapacity(this.writer.dl, this.address.offset);
  }

  /**
   * Sends one message, waiting for the peer's flow control when it needs more than one frame.
   * Resolves once the last frame is on the bus; rejects with an IsoTpError (timeout-as, timeout-bs,
   * overflow, wait-limit, invalid-fs, invalid-length, closed).
   */
  send(payload: Uint8Array): Promise<void> {
    const run = this.sending.then(() => this.transmit(payload));
    this.sending = run.catch(() => {});
    return run;
  }

  /**
   * Sends a payload as one single frame on the functional id (0x7DF, 0x18DB33F1): a broadcast gets
   * no flow control, so it must fit one frame. Answers arrive on this endpoint's rx id as usual;
   * ECUs other than the one at rxId answer on their own ids (open one endpoint per responder).
   */
  sendFunctional(payload: Uint8Array): Promise<void> {
    const id = this.address.functionalId;
    if (id === undefined)
      return Promise.reject(new IsoTpConfigError('no functionalId in this endpoint address'));
    const run = this.sending.then(() => this.transmitSingle(payload, id));
    this.sending = run.catch(() => {});
    return run;
  }

  /**
   * Next received message. Rejects with the reception error if one happens first, with code
   * `timeout` when `timeoutMs` passes, or `closed`.
   */
  receive(timeoutMs?: number): Promise<IsoTpMessage> {
    const queued = this.queue.shift();
    if (queued) return 'message' in queued ? Promise.resolve(queued.message) : Promise.reject(queued.error);
    if (this.isClosed) return Promise.reject(this.closedError());
    return new Promise<IsoTpMessage>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, timer: undefined };
      if (timeoutMs !== undefined) {
        waiter.timer = this.clock.setTimeout(() => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(
            new IsoTpError(
              'timeout',
              { kind: 'no-message', id: this.address.rxId, ms: timeoutMs },
              this.address.rxId,
            ),
          );
        }, timeoutMs);
      }
      this.waiters.push(waiter);
    });
  }

  /** Calls `listener` for every message received from now on. Returns an unsubscribe function. */
  onMessage(listener: (m: IsoTpMessage) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Calls `listener` for every reception error (timeout-cr, wrong-sn, interrupted, timeout-ar). */
  onError(listener: (e: IsoTpError) => void): () => void {
    this.errorListeners.add(listener);
    return () => {
      this.errorListeners.delete(listener);
    };
  }

  /** Stops listening; pending receive() calls and a transmission in progress fail with `closed`. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.unsubscribe();
    this.crDeadline.cancel();
    this.asDeadline.cancel();
    this.rx = undefined;
    this.abortTx?.(this.closedError());
    this.failTxFrame?.(this.closedError());
    for (const w of this.waiters.splice(0)) {
      if (w.timer) this.clock.clearTimeout(w.timer);
      w.reject(this.closedError());
    }
  }

  private closedError(): IsoTpError {
    return new IsoTpError('closed', { kind: 'closed' }, this.address.rxId);
  }

  // ---- transmission ----

  private frame(id: number, data: Uint8Array): Frame {
    return makeFrame({
      id,
      extended: this.address.extendedIds,
      data,
      timestamp: this.clock.now() / 1000,
      ...(this.fd ? { fd: true } : {}),
    });
  }

  /** Puts our flow control on the bus within N_Ar (rare enough for a timer of its own). */
  private sendFlowControlFrame(
    id: number,
    data: Uint8Array,
    limit: number,
    code: 'timeout-ar',
  ): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        reject(new IsoTpError(code, { kind: 'frame-not-sent', id, ms: limit, timer: 'N_Ar' }, id));
      }, limit);
      let sent: Promise<void>;
      try {
        sent = this.bus.send(this.frame(id, data));
      } catch (err) {
        sent = Promise.reject(err);
      }
      sent.then(
        () => {
          this.clock.clearTimeout(timer);
          resolve();
        },
        (err) => {
          this.clock.clearTimeout(timer);
          reject(new IsoTpError('bus-error', sendFailed(id, err), id, { cause: err }));
        },
      );
    });
  }

  /** Sends one of our data frames under N_As (transmissions are serialized: one at a time). */
  private sendDataFrame(id: number, data: Uint8Array): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.failTxFrame = reject;
      this.asDeadline.start(this.nAs);
      let sent: Promise<void>;
      try {
        sent = this.bus.send(this.frame(id, data));
      } catch (err) {
        sent = Promise.reject(err);
      }
      sent.then(
        () => {
          this.asDeadline.pause();
          this.failTxFrame = undefined;
          resolve();
        },
        (err) => {
          this.asDeadline.pause();
          this.failTxFrame = undefined;
          reject(new IsoTpError('bus-error', sendFailed(id, err), id, { cause: err }));
        },
      );
    });
  }

  private checkLength(payload: Uint8Array): void {
    if (payload.length === 0) {
      // SF_DL 0 is reserved (ISO 15765-2 §9.6.2.1): there is no empty ISO-TP message.
      throw new IsoTpError('invalid-length', { kind: 'empty' }, this.address.txId);
    }
    if (payload.length > MAX_FF_DL_32) {
      throw new IsoTpError('invalid-length', { kind: 'too-long', bytes: payload.length }, this.address.txId);
    }
  }

  private async transmitSingle(payload: Uint8Array, id: number): Promise<void> {
    if (this.isClosed) throw this.closedError();
    this.checkLength(payload);
    if (payload.length > this.singleFrameCapacity) {
      throw new IsoTpError(
        'invalid-length',
        { kind: 'functional-too-long', id, bytes: payload.length, capacity: this.singleFrameCapacity },
        id,
      );
    }
    try {
      await this.sendDataFrame(id, this.writer.singleFrame(payload));
    } finally {
      this.asDeadline.cancel();
    }
  }

  private async transmit(payload: Uint8Array): Promise<void> {
    if (this.isClosed) throw this.closedError();
    this.checkLength(payload);
    const id = this.address.txId;
    if (payload.length <= this.singleFrameCapacity) {
      try {
        await this.sendDataFrame(id, this.writer.singleFrame(payload));
      } finally {
        this.asDeadline.cancel();
      }
      return;
    }
    const aborted = new Promise<never>((_, reject) => {
      this.abortTx = reject;
    });
    aborted.catch(() => {});
    const race = <T>(p: Promise<T>) => Promise.race([p, aborted]);
    try {
      const ff = this.writer.firstFrame(payload);
      this.expectFlowControl();
      await race(this.sendDataFrame(id, ff.frame));
      let offset = ff.sent;
      let sn = 1;
      const cfCapacity = consecutiveFrameCapacity(this.writer.dl, this.address.offset);
      let waits = 0;
      // What the flow control awaited answers: the French of an N_Bs timeout says it.
      let after: 'first' | 'block' | 'wait' = 'first';
      const rx = this.address.rxId;
      while (offset < payload.length) {
        const fc = await race(this.waitFlowControl(id, after));
        if (fc.fs === FS_WAIT) {
          this.expectFlowControl();
          waits++;
          after = 'wait';
          if (waits > this.maxWait) {
            throw new IsoTpError('wait-limit', { kind: 'wait-limit', rx, waits, max: this.maxWait }, id);
          }
          continue;
        }
        if (fc.fs === FS_OVFLW) {
          throw new IsoTpError('overflow', { kind: 'overflow', rx, bytes: payload.length }, id);
        }
        if (fc.fs !== FS_CTS) throw new IsoTpError('invalid-fs', { kind: 'invalid-fs', rx, fs: fc.fs }, id);
        waits = 0;
        after = 'block';
        const gap = stMinToMs(fc.stMin);
        let inBlock = 0;
        while (offset < payload.length && (fc.bs === 0 || inBlock < fc.bs)) {
          if (inBlock > 0 && gap > 0) await race(this.clock.sleep(gap));
          const chunk = payload.subarray(offset, offset + cfCapacity);
          const last = offset + chunk.length >= payload.length;
          if (!last && fc.bs !== 0 && inBlock + 1 === fc.bs) this.expectFlowControl();
          await race(this.sendDataFrame(id, this.writer.consecutiveFrame(sn, chunk)));
          offset += chunk.length;
          sn = (sn + 1) & 0x0f;
          inBlock++;
        }
      }
    } finally {
      this.asDeadline.cancel();
      this.abortTx = undefined;
      this.fcWaiter = undefined;
      this.expectFc = false;
      this.fcMailbox = undefined;
    }
  }

  private expectFlowControl(): void {
    this.expectFc = true;
    this.fcMailbox = undefined;
  }

  private waitFlowControl(id: number, after: 'first' | 'block' | 'wait'): Promise<FlowControl> {
    const early = this.fcMailbox;
    if (early) {
      this.fcMailbox = undefined;
      this.expectFc = false;
      return Promise.resolve(early);
    }
    return new Promise<FlowControl>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        this.fcWaiter = undefined;
        reject(
          new IsoTpError(
            'timeout-bs',
            { kind: 'no-flow-control', rx: this.address.rxId, ms: this.nBs, after },
            id,
          ),
        );
      }, this.nBs);
      this.fcWaiter = (fc) => {
        this.clock.clearTimeout(timer);
        this.fcWaiter = undefined;
        this.expectFc = false;
        resolve(fc);
      };
    });
  }

  // ---- reception ----

  private onFrame(frame: Frame): void {
    if (this.isClosed || frame.remote || frame.error) return;
    const a = this.address;
    const data = frame.data;
    if (a.rxAddress !== undefined && (data.length === 0 || data[0] !== a.rxAddress)) return;
    const pdu = parsePdu(data, a.offset);
    // Frames that are not valid N_PDUs are ignored, as ISO 15765-2 asks.
    if (typeof pdu === 'string') return;
    switch (pdu.type) {
      case 'fc':
        // A flow control nobody waits for is ignored (§9.8.3).
        if (!this.expectFc) return;
        if (this.fcWaiter) this.fcWaiter({ fs: pdu.fs, bs: pdu.bs, stMin: pdu.stMin });
        else this.fcMailbox = { fs: pdu.fs, bs: pdu.bs, stMin: pdu.stMin };
        return;
      case 'sf':
        if (this.rx) this.abortReception('interrupted', this.interruptedBy('single', this.rx));
        this.deliver({ message: { data: pdu.data.slice(), timestamp: frame.timestamp, id: frame.id } });
        return;
      case 'ff': {
        if (this.rx) this.abortReception('interrupted', this.interruptedBy('first', this.rx));
        if (pdu.length > this.maxLength) {
          this.sendFlowControl(FS_OVFLW);
          return;
        }
        const buffer = new Uint8Array(pdu.length);
        buffer.set(pdu.data.subarray(0, pdu.length));
        this.rx = { buffer, received: Math.min(pdu.data.length, pdu.length), nextSn: 1, blockCount: 0 };
        this.armCr();
        this.sendFlowControl(FS_CTS);
        return;
      }
      case 'cf': {
        const rx = this.rx;
        // A consecutive frame outside a reception is ignored (§9.8.3).
        if (!rx) return;
        if (pdu.sn !== rx.nextSn) {
          this.abortReception('wrong-sn', { kind: 'wrong-sn', sn: pdu.sn, expected: rx.nextSn });
          return;
        }
        const take = Math.min(pdu.data.length, rx.buffer.length - rx.received);
        rx.buffer.set(pdu.data.subarray(0, take), rx.received);
        rx.received += take;
        rx.nextSn = (rx.nextSn + 1) & 0x0f;
        if (rx.received >= rx.buffer.length) {
          this.crDeadline.cancel();
          this.rx = undefined;
          this.deliver({ message: { data: rx.buffer, timestamp: frame.timestamp, id: frame.id } });
          return;
        }
        rx.blockCount++;
        this.armCr();
        if (this.blockSize > 0 && rx.blockCount >= this.blockSize) {
          rx.blockCount = 0;
          this.sendFlowControl(FS_CTS);
        }
        return;
      }
    }
  }

  private armCr(): void {
    this.crDeadline.start(this.nCr);
  }

  private sendFlowControl(fs: number): void {
    const data = this.writer.flowControl(
      fs,
      fs === FS_CTS ? this.blockSize : 0,
      fs === FS_CTS ? this.stMin : 0,
    );
    this.sendFlowControlFrame(this.address.txId, data, this.nAr, 'timeout-ar').catch((err: IsoTpError) => {
      if (this.rx) this.abortReception(err.code, err.facts);
      else this.deliver({ error: err });
    });
  }

  private interruptedBy(by: 'single' | 'first', rx: Reception): IsoTpFacts {
    return { kind: 'interrupted', by, received: rx.received, length: rx.buffer.length };
  }

  private abortReception(code: IsoTpError['code'], facts: IsoTpFacts): void {
    this.crDeadline.cancel();
    this.rx = undefined;
    const rx = this.address.rxId;
    this.deliver({ error: new IsoTpError(code, { kind: 'receiving', rx, facts }, rx) });
  }

  private deliver(item: Queued): void {
    const waiter = this.waiters.shift();
    if (waiter?.timer) this.clock.clearTimeout(waiter.timer);
    if ('message' in item) {
      waiter?.resolve(item.message);
      for (const l of this.listeners) l(item.message);
      if (!waiter && this.listeners.size === 0) this.enqueue(item);
    } else {
      waiter?.reject(item.error);
      for (const l of this.errorListeners) l(item.error);
      if (!waiter && this.errorListeners.size === 0 && this.listeners.size === 0) this.enqueue(item);
    }
  }

  private enqueue(item: Queued): void {
    this.queue.push(item);
    if (this.queue.length > QUEUE_LIMIT) this.queue.shift();
  }
}

/** The bus's failure to send a frame on `id`: its words, and its French when it says itself in French. */
function sendFailed(id: number, err: unknown): IsoTpFacts {
  const e = err as { message?: unknown; messageIn?: (lang: 'fr' | 'en') => string } | undefined;
  const why = typeof e?.message === 'string' ? e.message : String(err);
  const whyFr = typeof e?.messageIn === 'function' ? e.messageIn('fr') : '';
  return { kind: 'send-failed', id, why, whyFr };
}
