import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Clock, systemClock } from '@atelier/clock';
import {
  type Bus,
  BusClosedError,
  BusError,
  type FrameFilter,
  type FrameListener,
  FrameRefusedError,
  matchesFilters,
} from './bus.js';
import {
  type InterfaceState,
  kernelRefusedFr,
  socketCanOpenFr,
  socketCanUnavailableFr,
} from './bus-texts.js';
import { type Frame, MAX_EXT_ID, MAX_STD_ID, validateFrame } from './frame.js';

/**
 * A message as the `socketcan` native channel exchanges it. On reception `ts_sec`/`ts_usec` are the
 * kernel's timestamp (when asked for), `err` marks an error frame whose id carries the error class.
 */
export interface NativeCanMessage {
  id: number;
  ext?: boolean;
  rtr?: boolean;
  err?: boolean;
  data: Uint8Array;
  ts_sec?: number;
  ts_usec?: number;
  /** Bit-rate switch, read by `sendFD` only. */
  fd_brs?: boolean;
}

/** A kernel filter as `setRxFilters` takes it: matches when `(can_id & mask) === (id & mask)`. */
export interface NativeCanFilter {
  id: number;
  mask: number;
  invert?: boolean;
}

/**
 * The part of the `socketcan` RawChannel the bus uses. Kept this small so that tests drive the bus
 * through a fake channel on machines without SocketCAN.
 */
export interface RawCanChannel {
  addListener(event: 'onMessage', callback: (message: NativeCanMessage) => void): void;
  addListener(event: 'onStopped', callback: () => void): void;
  start(): void;
  stop(): void;
  /** Returns the number of bytes written, or a negative number when the kernel refused the frame. */
  send(message: NativeCanMessage): number;
  sendFD(message: NativeCanMessage): number;
  setRxFilters(filters: NativeCanFilter[]): void;
  setErrorFilters(errorMask: number): void;
}

/** Opens a raw channel on a network interface; throws when the interface cannot be bound. */
export type RawChannelFactory = (iface: string, options: { timestamps: boolean }) => RawCanChannel;

export class SocketCanUnavailableError extends BusError {
  override name = 'SocketCanUnavailableError';
  constructor(override readonly cause: unknown) {
    super(
      `the optional 'socketcan' package is not available (${(cause as Error)?.message ?? cause}); ` +
        'install it on Linux with `pnpm --filter @atelier/can add socketcan` (needs a C++ toolchain)',
    );
  }

  messageIn(lang: 'fr' | 'en'): string {
    return lang === 'en'
      ? this.message
      : socketCanUnavailableFr(String((this.cause as Error)?.message ?? this.cause));
  }
}

export class SocketCanOpenError extends BusError {
  override name = 'SocketCanOpenError';
  constructor(
    readonly iface: string,
    override readonly cause: unknown,
    /**
     * What the system says of the interface, read when the open failed: the native module's own
     * words ("Error while creating channel") do not tell a missing interface from another one.
     */
    readonly state: InterfaceState = { kind: 'unknown' },
  ) {
    super(
      `cannot open SocketCAN interface '${iface}' (${(cause as Error)?.message ?? cause}); ` +
        `check that it exists and is up: ip -details link show ${iface}`,
    );
  }

  messageIn(lang: 'fr' | 'en'): string {
    if (lang === 'en') return this.message;
    return socketCanOpenFr(this.iface, this.state, String((this.cause as Error)?.message ?? this.cause));
  }
}

/**
 * The kernel kept refusing a frame for the retry time. The English is as it always was; the French
 * says what the interface's state (read when it happened) points to.
 */
export class SocketCanSendError extends BusError {
  // The name it was shown under before it had a class of its own: English output stays word for word.
  override name = 'BusError';
  constructor(
    readonly iface: string,
    readonly retryMs: number,
    readonly state: InterfaceState,
  ) {
    super(
      `socketcan:${iface}: the kernel refused the frame for ${retryMs} ms (transmit queue full, interface down or bus-off)`,
    );
  }

  messageIn(lang: 'fr' | 'en'): string {
    return lang === 'en' ? this.message : kernelRefusedFr(this.iface, this.retryMs, this.state);
  }
}

/**
 * The native module threw on a send (rather than returning the kernel's refusal): its own words,
 * English in `message` as it always was, and a French sentence around them.
 */
export class SocketCanNativeSendError extends BusError {
  // The name it was shown under before it had a class of its own: English output stays word for word.
  override name = 'BusError';
  constructor(
    readonly bus: string,
    override readonly cause: unknown,
  ) {
    super(`${bus}: send failed: ${(cause as Error)?.message ?? String(cause)}`);
  }

  messageIn(lang: 'fr' | 'en'): string {
    if (lang === 'en') return this.message;
    return `${this.bus} : l'envoi de la trame a échoué dans le module natif socketcan : ${(this.cause as Error)?.message ?? String(this.cause)}`;
  }
}

/** The Linux link type of CAN interfaces (`ARPHRD_CAN` in if_arp.h), as /sys/class/net/IF/type says it. */
const ARPHRD_CAN = 280;
/** `IFF_UP` in the interface's flags (linux/if.h): the administrator brought it up. */
const IFF_UP = 0x1;

/**
 * What /sys/class/net says of `iface`: absent, not CAN, down or up. `unknown` when /sys cannot be
 * read (not Linux, a sandbox): then nothing is claimed about the interface.
 */
export function interfaceState(iface: string, sysNetDir = '/sys/class/net'): InterfaceState {
  const read = (file: string) => readFileSync(join(sysNetDir, iface, file), 'utf8').trim();
  let type: number;
  try {
    type = Number(read('type'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return { kind: 'unknown' };
    // No /sys/class/net to look in (not Linux): nothing can be said of the interface.
    return existsSync(sysNetDir) ? { kind: 'missing' } : { kind: 'unknown' };
  }
  if (type !== ARPHRD_CAN) return { kind: 'not-can', type };
  try {
    return (Number.parseInt(read('flags'), 16) & IFF_UP) === 0 ? { kind: 'down' } : { kind: 'up' };
  } catch {
    return { kind: 'unknown' };
  }
}

// Linux <linux/can.h> flag bits carried in can_id.
const CAN_EFF_FLAG = 0x80000000;
const CAN_ERR_MASK = 0x1fffffff;

let cachedFactory: Promise<RawChannelFactory> | undefined;

/**
 * Loads the optional `socketcan` package (or `specifier`, for tests). Dynamic import keeps the rest of
 * Atelier usable on machines where the native module is not built (macOS, Windows, CI without a
 * compiler).
 */
export function loadSocketCan(specifier = 'socketcan'): Promise<RawChannelFactory> {
  if (specifier !== 'socketcan') return importFactory(specifier);
  cachedFactory ??= importFactory(specifier);
  cachedFactory.catch(() => {
    cachedFactory = undefined;
  });
  return cachedFactory;
}

async function importFactory(specifier: string): Promise<RawChannelFactory> {
  let mod: Record<string, unknown>;
  try {
    // A variable specifier also keeps TypeScript from requiring the package's types at build time.
    mod = (await import(specifier)) as Record<string, unknown>;
  } catch (err) {
    throw new SocketCanUnavailableError(err);
  }
  const api = (mod.createRawChannelWithOptions ? mod : mod.default) as {
    createRawChannelWithOptions?: (iface: string, o: object) => RawCanChannel;
  };
  const create = api?.createRawChannelWithOptions;
  if (typeof create !== 'function') {
    throw new SocketCanUnavailableError(new Error(`${specifier} has no createRawChannelWithOptions`));
  }
  // Non-blocking send: a full transmit queue must surface as an error, not freeze the event loop.
  return (iface, options) => create(iface, { timestamps: options.timestamps, non_block_send: true });
}

export interface SocketCanBusOptions {
  /** Accept CAN FD frames (the interface must be configured with `fd on`). */
  fd?: boolean;
  /**
   * Filters installed in the kernel, so that unwanted traffic never reaches Node. Per-subscription
   * filters given to `subscribe` are applied on top, in software.
   */
  filters?: FrameFilter[];
  /** Deliver error frames to listeners (default true). */
  errorFrames?: boolean;
  /**
   * Stamps received frames when the kernel gives no timestamp (epoch seconds from Date.now() when
   * absent), and times send retries.
   */
  clock?: Clock;
  /**
   * How long a refused send is retried (every millisecond) before it fails, ms; default 100. The
   * kernel refuses frames while the transmit queue is full, which a fast replay reaches easily.
   */
  sendRetryMs?: number;
  /** Channel factory; defaults to the `socketcan` package. Tests pass a fake. */
  channelFactory?: RawChannelFactory;
  /** Where the system lists network interfaces, read to say why an interface would not open (tests). */
  sysNetDir?: string;
  /**
   * Open an interface that is down anyway (a capture started before the interface is brought up:
   * its frames arrive once it is). By default a down interface is refused at open: see `open`.
   */
  allowDown?: boolean;
}

interface Subscription {
  listener: FrameListener;
  filters?: FrameFilter[];
}

/** Translates a bus filter to the kernel's: the EFF flag in the mask pins the identifier width. */
export function toNativeFilter(filter: FrameFilter): NativeCanFilter {
  if (filter.extended === true) {
    return {
      id: ((filter.id & MAX_EXT_ID) | CAN_EFF_FLAG) >>> 0,
      mask: ((filter.mask & MAX_EXT_ID) | CAN_EFF_FLAG) >>> 0,
    };
  }
  if (filter.extended === false) {
    return { id: filter.id & MAX_STD_ID, mask: ((filter.mask & MAX_STD_ID) | CAN_EFF_FLAG) >>> 0 };
  }
  return { id: (filter.id & MAX_EXT_ID) >>> 0, mask: (filter.mask & MAX_EXT_ID) >>> 0 };
}

/**
 * A Linux SocketCAN interface (`can0`, `vcan0`) as a Bus. Frames are checked before they reach the
 * native module, which would otherwise copy more than 8 bytes into a classic frame.
 */
export class SocketCanBus implements Bus {
  readonly name: string;
  readonly iface: string;
  private readonly subs = new Set<Subscription>();
  private readonly closeListeners = new Set<() => void>();
  private readonly fd: boolean;
  private readonly clock?: Clock;
  private readonly sendRetryMs: number;
  private readonly sysNetDir?: string;
  private isClosed = false;

  /**
   * Opens `iface` through the `socketcan` package (or `options.channelFactory`).
   *
   * An interface that is down is refused here, with a SocketCanOpenError that says how to start it,
   * although the kernel would bind a socket to it: a bus opened on it only receives nothing, and a
   * receive-only use (a capture, a listener) would then wait in silence, where a sender at least
   * hears of it from its first refused frame. A down interface is the usual mistake when starting
   * out (`ip link set … up` forgotten); an error at open says it once, where it applies, to every
   * caller — a warning would be said only by the callers that remember to print it. `allowDown`
   * opens it anyway.
   */
  static async open(iface: string, options: SocketCanBusOptions = {}): Promise<SocketCanBus> {
    const factory = options.channelFactory ?? (await loadSocketCan());
    if (!options.allowDown) {
      const state = interfaceState(iface, options.sysNetDir);
      if (state.kind === 'down')
        throw new SocketCanOpenError(iface, new Error('the interface is down'), state);
    }
    let channel: RawCanChannel;
    try {
      channel = factory(iface, { timestamps: true });
    } catch (err) {
      throw new SocketCanOpenError(iface, err, interfaceState(iface, options.sysNetDir));
    }
    return new SocketCanBus(iface, channel, options);
  }

  /** Wraps an already-created channel; `open()` is the usual entry point. */
  constructor(
    iface: string,
    private readonly channel: RawCanChannel,
    options: SocketCanBusOptions = {},
  ) {
    this.iface = iface;
    this.name = `socketcan:${iface}`;
    this.fd = options.fd ?? false;
    this.clock = options.clock;
    this.sendRetryMs = Math.max(0, options.sendRetryMs ?? 100);
    this.sysNetDir = options.sysNetDir;
    channel.addListener('onMessage', (m) => this.onMessage(m));
    // The native thread stops by itself when the interface goes away (POLLHUP/POLLERR).
    channel.addListener('onStopped', () => this.markClosed());
    this.setKernelFilters(options.filters);
    channel.setErrorFilters(options.errorFrames === false ? 0 : CAN_ERR_MASK);
    channel.start();
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Replaces the kernel filters; none (or an empty list) lets every frame through. */
  setKernelFilters(filters?: FrameFilter[]): void {
    if (this.isClosed) throw new BusClosedError(this.name);
    // An empty list would leave the previous filters in place in the native module: pass a match-all.
    const native = filters && filters.length > 0 ? filters.map(toNativeFilter) : [{ id: 0, mask: 0 }];
    this.channel.setRxFilters(native);
  }

  async send(frame: Frame): Promise<void> {
    if (this.isClosed) throw new BusClosedError(this.name);
    const problem = validateFrame(frame);
    if (problem) throw new FrameRefusedError(this.name, { kind: 'invalid', problem });
    if (frame.error) throw new FrameRefusedError(this.name, { kind: 'error-frame' });
    if (frame.fd && !this.fd) throw new FrameRefusedError(this.name, { kind: 'fd-disabled' });
    // A remote frame's DLC travels as a zero-filled payload of that length: the native side takes the DLC from it.
    const data = frame.remote ? new Uint8Array(Math.min(frame.dlc ?? 0, 8)) : frame.data;
    const message: NativeCanMessage = {
      id: frame.id,
      ext: frame.extended,
      rtr: !!frame.remote,
      data: Buffer.from(data.buffer, data.byteOffset, data.length),
    };
    const clock = this.clock ?? systemClock;
    const giveUpAt = clock.now() + this.sendRetryMs;
    for (;;) {
      let written: number;
      try {
        if (frame.fd) {
          message.fd_brs = !!frame.brs;
          written = this.channel.sendFD(message);
        } else {
          written = this.channel.send(message);
        }
      } catch (err) {
        throw new SocketCanNativeSendError(this.name, err);
      }
      if (written >= 0) return;
      if (this.isClosed) throw new BusClosedError(this.name);
      if (clock.now() >= giveUpAt) {
        throw new SocketCanSendError(
          this.iface,
          this.sendRetryMs,
          interfaceState(this.iface, this.sysNetDir),
        );
      }
      await clock.sleep(1);
    }
  }

  subscribe(listener: FrameListener, filters?: FrameFilter[]): () => void {
    const sub: Subscription = { listener, filters };
    this.subs.add(sub);
    return () => {
      this.subs.delete(sub);
    };
  }

  private onMessage(m: NativeCanMessage): void {
    if (this.isClosed) return;
    const frame = this.toFrame(m);
    for (const s of this.subs) if (matchesFilters(frame, s.filters)) s.listener(frame);
  }

  private toFrame(m: NativeCanMessage): Frame {
    const timestamp =
      m.ts_sec !== undefined
        ? m.ts_sec + (m.ts_usec ?? 0) / 1e6
        : this.clock
          ? this.clock.now() / 1000
          : Date.now() / 1000;
    const data = new Uint8Array(m.data.buffer, m.data.byteOffset, m.data.length);
    const frame: Frame = {
      id: m.id,
      extended: !!m.ext,
      data,
      timestamp,
      channel: this.iface,
      direction: 'rx',
    };
    if (m.err) frame.error = true;
    if (m.rtr) {
      // The native module reports a remote frame's DLC as a payload of that length.
      frame.remote = true;
      frame.dlc = data.length;
      frame.data = new Uint8Array(0);
    }
    // The native module does not say whether a frame was FD; only a payload over 8 bytes proves it.
    if (data.length > 8) frame.fd = true;
    return frame;
  }

  onClose(listener: () => void): () => void {
    this.closeListeners.add(listener);
    return () => {
      this.closeListeners.delete(listener);
    };
  }

  private markClosed(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.subs.clear();
    for (const listener of [...this.closeListeners]) listener();
    this.closeListeners.clear();
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.markClosed();
    try {
      this.channel.stop();
    } catch {
      // Already stopped by the native side (interface removed): nothing left to release.
    }
  }
}
