import { type Clock, systemClock } from '@atelier/clock';
import {
  type Bus,
  BusClosedError,
  BusError,
  type FrameFilter,
  type FrameListener,
  matchesFilters,
} from './bus.js';
import { type Frame, validateFrame } from './frame.js';

interface Subscription {
  listener: FrameListener;
  filters?: FrameFilter[];
}

/** The shared medium that virtual endpoints with the same channel name attach to. */
class VirtualChannel {
  readonly endpoints = new Set<VirtualBus>();
}

const channels = new Map<string, VirtualChannel>();

export interface VirtualBusOptions {
  /** Clock used to stamp frames that arrive without a timestamp. */
  clock?: Clock;
  /** Also deliver this endpoint's own frames to its listeners (like CAN_RAW_RECV_OWN_MSGS). */
  receiveOwn?: boolean;
  /** Accept CAN FD frames. */
  fd?: boolean;
}

/**
 * An in-process bus. Every `new VirtualBus('x')` is one endpoint on channel `x`; a frame sent by one
 * endpoint reaches every other endpoint of that channel synchronously, in send order.
 */
export class VirtualBus implements Bus {
  readonly name: string;
  private readonly channel: VirtualChannel;
  private readonly subs = new Set<Subscription>();
  private readonly closeListeners = new Set<() => void>();
  private readonly clock: Clock;
  private readonly receiveOwn: boolean;
  private readonly fd: boolean;
  private isClosed = false;

  constructor(channel = 'default', options: VirtualBusOptions = {}) {
    this.name = `virtual:${channel}`;
    let ch = channels.get(channel);
    if (!ch) {
      ch = new VirtualChannel();
      channels.set(channel, ch);
    }
    this.channel = ch;
    ch.endpoints.add(this);
    this.clock = options.clock ?? systemClock;
    this.receiveOwn = options.receiveOwn ?? false;
    this.fd = options.fd ?? true;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  async send(frame: Frame): Promise<void> {
    this.sendSync(frame);
  }

  /** Synchronous send, for code that must not yield between frames (simulators, replay at full speed). */
  sendSync(frame: Frame): void {
    if (this.isClosed) throw new BusClosedError(this.name);
    const problem = validateFrame(frame);
    if (problem) throw new BusError(`${this.name}: refused frame: ${problem}`);
    if (frame.fd && !this.fd) throw new BusError(`${this.name}: CAN FD frames are not enabled on this bus`);
    for (const ep of this.channel.endpoints) {
      if (ep === this && !this.receiveOwn) continue;
      ep.deliver(frame);
    }
  }

  private deliver(frame: Frame): void {
    for (const s of this.subs) {
      if (matchesFilters(frame, s.filters)) s.listener(frame);
    }
  }

  subscribe(listener: FrameListener, filters?: FrameFilter[]): () => void {
    const sub: Subscription = { listener, filters };
    this.subs.add(sub);
    return () => {
      this.subs.delete(sub);
    };
  }

  /** Current time in seconds on this bus's clock, for stamping generated frames. */
  timestamp(): number {
    return this.clock.now() / 1000;
  }

  onClose(listener: () => void): () => void {
    this.closeListeners.add(listener);
    return () => {
      this.closeListeners.delete(listener);
    };
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    this.subs.clear();
    this.channel.endpoints.delete(this);
    for (const listener of [...this.closeListeners]) listener();
    this.closeListeners.clear();
  }
}
