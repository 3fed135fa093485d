/**
 * Time is injected so that replay, timeouts and simulation run in virtual time under test.
 * Times are milliseconds; `now()` is monotonic within one clock.
 */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  sleep(ms: number): Promise<void>;
}

export type TimerHandle = { readonly __timer: unique symbol } | object;

/** The real clock: performance.now() and Node timers. */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, Math.max(0, ms)) as unknown as TimerHandle,
  clearTimeout: (h) => clearTimeout(h as unknown as NodeJS.Timeout),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

interface VirtualTimer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * A clock that only moves when told to. `advance(ms)` fires every timer due in order, letting
 * promise continuations run between timers so that async code scheduled by one timer can set the
 * next before time moves on.
 */
export class VirtualClock implements Clock {
  private t: number;
  private seq = 0;
  private timers: VirtualTimer[] = [];

  constructor(startMs = 0) {
    this.t = startMs;
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: VirtualTimer = { at: this.t + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.timers.push(timer);
    return timer;
  }

  clearTimeout(handle: TimerHandle): void {
    (handle as VirtualTimer).cancelled = true;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, ms));
  }

  /** Number of timers still waiting. */
  get pending(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  private next(): VirtualTimer | undefined {
    this.timers = this.timers.filter((t) => !t.cancelled);
    let best: VirtualTimer | undefined;
    for (const t of this.timers)
      if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    return best;
  }

  /**
   * Fires the timers due up to `end` in order, letting continuations run between them, until `stop`
   * says so or none is due.
   */
  private async fire(end: number, stop: () => boolean = () => false): Promise<void> {
    await flushMicrotasks();
    while (!stop()) {
      const timer = this.next();
      if (!timer || timer.at > end) break;
      this.timers.splice(this.timers.indexOf(timer), 1);
      this.t = Math.max(this.t, timer.at);
      timer.fn();
      await flushMicrotasks();
    }
  }

  /** Moves time forward by `ms`, firing due timers in order. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    await this.fire(end);
    this.t = end;
  }

  /** Runs timers until none is left (or `limitMs` of virtual time passes), for code that ends by itself. */
  async runAll(limitMs = 3_600_000): Promise<void> {
    await this.fire(this.t + limitMs);
  }

  /**
   * Awaits a promise while advancing virtual time as long as timers are pending: the usual way to
   * run a timed operation to completion in a test.
   */
  async run<T>(promise: Promise<T>, limitMs = 3_600_000): Promise<T> {
    let settled = false;
    const p = promise.finally(() => {
      settled = true;
    });
    p.catch(() => {});
    await this.fire(this.t + limitMs, () => settled);
    return p;
  }
}

/** Lets queued promise continuations (and setImmediate callbacks) run. */
export async function flushMicrotasks(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}
