import { type Clock, systemClock } from '@atelier/clock';
import type { Bus, FrameFilter } from './bus.js';
import type { Frame } from './frame.js';
import type { LogWriter } from './log.js';

/** A write the log writer refused; recording stops at the first one. */
export class RecorderError extends Error {
  override name = 'RecorderError';
  constructor(
    readonly bus: string,
    readonly frameIndex: number,
    override readonly cause: unknown,
  ) {
    super(`recording ${bus}: writing frame #${frameIndex} failed: ${(cause as Error)?.message ?? cause}`);
  }
}

export interface RecorderOptions {
  /** Only record frames passing one of these filters. */
  filters?: FrameFilter[];
  /**
   * `receive` (default) stamps each frame with the recorder's clock when it arrives; `source` keeps
   * the timestamp the bus gave (kernel time on SocketCAN, the sender's on a virtual bus).
   */
  timestamps?: 'receive' | 'source';
  /** Clock for `receive` stamps (default: the system clock). */
  clock?: Clock;
  /**
   * Seconds added to `clock.now() / 1000` to form a stamp. Defaults to the epoch time of the system
   * clock's origin, so system-clock recordings carry wall-clock time; 0 for any other clock.
   */
  epoch?: number;
  /** Close the writer when the recording stops (default true). */
  closeWriter?: boolean;
}

/**
 * Writes every frame a bus endpoint receives to a log writer, in arrival order. Writes are chained
 * so an asynchronous writer never sees two frames at once; `stop()` waits for the chain, so nothing
 * received before it is lost.
 */
export class Recorder {
  private readonly unsubscribe: () => void;
  private queue: Frame[] = [];
  private draining: Promise<void> = Promise.resolve();
  private busy = false;
  private written = 0;
  private failure: RecorderError | undefined;
  private stopping: Promise<void> | undefined;
  private count = 0;
  private readonly clock: Clock;
  private readonly epoch: number;
  private readonly stampOnReceive: boolean;

  constructor(
    readonly bus: Bus,
    readonly writer: LogWriter,
    private readonly options: RecorderOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.epoch = options.epoch ?? (this.clock === systemClock ? performance.timeOrigin / 1000 : 0);
    this.stampOnReceive = (options.timestamps ?? 'receive') === 'receive';
    this.unsubscribe = bus.subscribe((frame) => this.take(frame), options.filters);
  }

  /** Frames received so far (written or queued). */
  get frames(): number {
    return this.count;
  }

  /** Frames the writer has accepted. */
  get framesWritten(): number {
    return this.written;
  }

  /** The first write error, if any; recording stopped there. */
  get error(): RecorderError | undefined {
    return this.failure;
  }

  get stopped(): boolean {
    return this.stopping !== undefined;
  }

  private take(received: Frame): void {
    if (this.stopping || this.failure) return;
    const frame = this.stampOnReceive
      ? { ...received, timestamp: this.epoch + this.clock.now() / 1000 }
      : received;
    this.count++;
    this.queue.push(frame);
    if (!this.busy) this.draining = this.drain();
  }

  // Runs synchronously up to the first asynchronous write, so a synchronous writer gets each frame
  // during the listener call and an asynchronous one never sees two frames at once.
  private async drain(): Promise<void> {
    this.busy = true;
    try {
      while (this.queue.length > 0 && !this.failure) {
        const batch = this.queue;
        this.queue = [];
        for (const frame of batch) {
          try {
            const pending = this.writer.write(frame);
            if (pending) await pending;
          } catch (err) {
            this.failure = new RecorderError(this.bus.name, this.written, err);
            break;
          }
          this.written++;
        }
      }
    } finally {
      this.busy = false;
    }
  }

  /** Stops listening, waits for every queued write, closes the writer; rethrows the first write error. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.unsubscribe();
      while (this.busy) await this.draining;
      if (this.options.closeWriter ?? true) await this.writer.close();
      if (this.failure) throw this.failure;
    })();
    return this.stopping;
  }
}

/** Starts recording `bus` into `writer`; call `stop()` on the result to finish the log. */
export function record(bus: Bus, writer: LogWriter, options?: RecorderOptions): Recorder {
  return new Recorder(bus, writer, options);
}
