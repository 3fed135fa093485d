import { type Clock, systemClock } from '@atelier/clock';
import { type Bus, type FrameFilter, matchesFilters } from '../bus.js';
import type { Frame } from '../frame.js';
import { type TimingError, TimingErrorMeter } from './timing.js';

/** Frames to play: a log reader, an array, a generator… */
export type FrameSource = AsyncIterable<Frame> | Iterable<Frame>;
/** Opens the source afresh; needed to loop or seek backwards over a one-shot stream. */
export type FrameSourceFactory = () => FrameSource | Promise<FrameSource>;

export const MIN_SPEED = 0.1;
export const MAX_SPEED = 1000;

export class ReplayError extends Error {
  override name = 'ReplayError';
}

/** An option out of range, naming the option. */
export class ReplayOptionError extends ReplayError {
  override name = 'ReplayOptionError';
  constructor(
    readonly option: string,
    reason: string,
  ) {
    super(`replay option '${option}': ${reason}`);
  }
}

/** The source cannot be read again (a consumed generator) but looping or seeking back needs it. */
export class ReplaySourceError extends ReplayError {
  override name = 'ReplaySourceError';
}

export interface ReplayOptions {
  /** Clock that schedules the frames (default: the system clock). Tests pass a VirtualClock. */
  clock?: Clock;
  /** Playback speed factor, 0.1 to 1000 (default 1). */
  speed?: number;
  /** Send as fast as possible, ignoring the recorded timing. */
  maxSpeed?: boolean;
  /** `true` plays forever; a number plays that many passes in total. */
  loop?: boolean | number;
  /** Seconds from the log's first frame: frames before `start` or after `end` are not played. */
  start?: number;
  end?: number;
  /** Only frames passing one of these filters are sent (the others still take their time slot). */
  filters?: FrameFilter[];
  /** Error frames in the log are skipped (default) or sent; real controllers cannot send them. */
  errorFrames?: 'skip' | 'send';
  /** Stops the replay when aborted. */
  signal?: AbortSignal;
  /** At full speed, let other tasks run every this many frames (default 256). */
  yieldEvery?: number;
  /**
   * The last this-many ms before a frame is due are waited by polling the clock between event-loop
   * turns instead of a timer, whose granularity is 1 ms or worse. Costs CPU while waiting. Default 1
   * on the system clock, 0 on any other (virtual time needs no help).
   */
  spinMs?: number;
}

export type PlayerState = 'idle' | 'playing' | 'paused' | 'stopped' | 'finished';

export interface ReplayProgress {
  state: PlayerState;
  /** Frames put on the bus. */
  sent: number;
  /** Frames the id filters left out. */
  filtered: number;
  /** Error frames not sent. */
  skippedErrorFrames: number;
  /** Passes completed. */
  passes: number;
  /** Log offset (s from the first frame) of the last frame sent. */
  position: number;
  /** Scheduled vs actual send time; count 0 at full speed. */
  timing: TimingError;
}

export interface ReplayReport extends ReplayProgress {
  /** Clock time the replay took, ms (pauses included). */
  elapsedMs: number;
}

type Wait = 'go' | 'stop' | 'seek';
type PassEnd = 'end' | 'stop' | 'reopen';

interface Anchor {
  /** Log offset (s) that plays at `clockMs`. */
  offset: number;
  clockMs: number;
}

/**
 * Plays frames onto a bus with their recorded timing. The schedule is anchored (log offset, clock
 * time) at the first frame of each pass and after each seek, so lateness never accumulates; pausing
 * shifts the anchor by the pause and a speed change re-anchors at the current position. The source is
 * streamed: only the next frame is held in memory.
 */
export class Player {
  private readonly clock: Clock;
  private speed: number;
  private readonly maxSpeed: boolean;
  private readonly passesWanted: number;
  private readonly start: number;
  private readonly end: number | undefined;
  private readonly filters: FrameFilter[] | undefined;
  private readonly sendErrors: boolean;
  private readonly yieldEvery: number;
  private readonly spinMs: number;
  private readonly factory: () => Promise<AsyncIterator<Frame>>;

  private currentState: PlayerState = 'idle';
  private anchor: Anchor | undefined;
  private pausedAt: number | undefined;
  private pendingSeek: number | undefined;
  private wake: (() => void) | undefined;
  private t0: number | undefined;
  private sent = 0;
  private filtered = 0;
  private skippedErrors = 0;
  private passes = 0;
  private position = 0;
  private readonly meter = new TimingErrorMeter();
  private running: Promise<ReplayReport> | undefined;

  constructor(
    private readonly bus: Bus,
    source: FrameSource | FrameSourceFactory,
    options: ReplayOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.speed = checkSpeed(options.speed ?? 1);
    this.maxSpeed = options.maxSpeed ?? false;
    const loop = options.loop ?? false;
    if (typeof loop === 'number' && (!Number.isInteger(loop) || loop < 1)) {
      throw new ReplayOptionError('loop', `${loop} is not a whole number of passes ≥ 1`);
    }
    this.passesWanted = loop === true ? Number.POSITIVE_INFINITY : loop === false ? 1 : loop;
    this.start = options.start ?? 0;
    this.end = options.end;
    if (!Number.isFinite(this.start) || this.start < 0) {
      throw new ReplayOptionError('start', `${this.start} is not a non-negative number of seconds`);
    }
    if (this.end !== undefined && (!Number.isFinite(this.end) || this.end < this.start)) {
      throw new ReplayOptionError('end', `${this.end} must be a number of seconds ≥ start (${this.start})`);
    }
    this.filters = options.filters;
    this.sendErrors = options.errorFrames === 'send';
    this.yieldEvery = Math.max(1, options.yieldEvery ?? 256);
    this.spinMs = Math.max(0, options.spinMs ?? (this.clock === systemClock ? 1 : 0));
    this.factory = sourceOpener(source);
    const signal = options.signal;
    if (signal) {
      if (signal.aborted) this.currentState = 'stopped';
      else signal.addEventListener('abort', () => this.stop(), { once: true });
    }
  }

  get state(): PlayerState {
    return this.currentState;
  }

  progress(): ReplayProgress {
    return {
      state: this.currentState,
      sent: this.sent,
      filtered: this.filtered,
      skippedErrorFrames: this.skippedErrors,
      passes: this.passes,
      position: this.position,
      timing: this.meter.snapshot(),
    };
  }

  /** Plays to the end (of the last pass) or until stopped; resolves with the report. */
  play(): Promise<ReplayReport> {
    this.running ??= this.run();
    return this.running;
  }

  pause(): void {
    if (this.currentState !== 'playing') return;
    this.currentState = 'paused';
    this.pausedAt = this.clock.now();
    this.interrupt();
  }

  resume(): void {
    if (this.currentState !== 'paused') return;
    this.currentState = 'playing';
    // Shift the schedule by the time spent paused so the frame due next keeps its remaining gap.
    if (this.anchor && this.pausedAt !== undefined) this.anchor.clockMs += this.clock.now() - this.pausedAt;
    this.pausedAt = undefined;
    this.interrupt();
  }

  /** Continues from log offset `seconds` (from the log's first frame); playing or paused state is kept. */
  seek(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < 0) {
      throw new ReplayOptionError('seek', `${seconds} is not a non-negative number of seconds`);
    }
    if (this.currentState === 'stopped' || this.currentState === 'finished') return;
    this.pendingSeek = seconds;
    this.interrupt();
  }

  /** Changes the speed factor from now on. */
  setSpeed(speed: number): void {
    checkSpeed(speed);
    if (this.anchor) {
      const now = this.pausedAt ?? this.clock.now();
      const offset = this.anchor.offset + ((now - this.anchor.clockMs) * this.speed) / 1000;
      this.anchor = { offset, clockMs: now };
    }
    this.speed = speed;
    this.interrupt();
  }

  /** Stops after the frame being sent, if any; `play()` then resolves. */
  stop(): void {
    if (this.currentState === 'finished') return;
    this.currentState = 'stopped';
    this.interrupt();
  }

  private interrupt(): void {
    this.wake?.();
  }

  private async run(): Promise<ReplayReport> {
    const startedAt = this.clock.now();
    if (this.currentState === 'idle') this.currentState = 'playing';
    let iterator: AsyncIterator<Frame> | undefined;
    try {
      let reopen = true;
      while (this.currentState !== 'stopped') {
        if (reopen) {
          await iterator?.return?.();
          iterator = await this.factory();
        }
        const sentBefore = this.sent;
        const outcome = await this.playPass(iterator!);
        if (outcome === 'stop') break;
        if (outcome === 'reopen') {
          reopen = true;
          continue;
        }
        this.passes++;
        // A pass that sent nothing would loop forever without ever waiting.
        if (this.passes >= this.passesWanted || this.sent === sentBefore) break;
        reopen = true;
      }
    } catch (err) {
      // A failed replay (bus error, unreadable source) does not claim to be still playing.
      this.currentState = 'stopped';
      throw err;
    } finally {
      await iterator?.return?.();
    }
    if (this.currentState !== 'stopped') this.currentState = 'finished';
    return { ...this.progress(), elapsedMs: this.clock.now() - startedAt };
  }

  private async playPass(iterator: AsyncIterator<Frame>): Promise<PassEnd> {
    let skipBefore = this.pendingSeek ?? this.start;
    this.pendingSeek = undefined;
    this.anchor = undefined;
    // Offsets of the last two frames read: a seek back past them needs the source reopened.
    let lastRead = Number.NEGATIVE_INFINITY;
    let beforeLastRead = Number.NEGATIVE_INFINITY;
    let held: Frame | undefined;
    let sinceYield = 0;
    for (;;) {
      if (this.currentState === 'stopped') return 'stop';
      if (this.pendingSeek !== undefined) {
        const target = this.pendingSeek;
        this.pendingSeek = undefined;
        // Re-anchored at the first frame sent after the seek: playback resumes at once.
        this.anchor = undefined;
        if (target <= (held ? beforeLastRead : lastRead)) {
          this.pendingSeek = target;
          return 'reopen';
        }
        skipBefore = target;
      }
      let frame: Frame;
      if (held) {
        frame = held;
        held = undefined;
      } else {
        const next = await iterator.next();
        if (next.done) return 'end';
        frame = next.value;
        this.t0 ??= frame.timestamp;
        beforeLastRead = lastRead;
        lastRead = offsetOf(frame, this.t0);
      }
      const offset = offsetOf(frame, this.t0!);
      if (offset < skipBefore) continue;
      if (this.end !== undefined && offset > this.end) return 'end';
      if (frame.error && !this.sendErrors) {
        this.skippedErrors++;
        continue;
      }
      if (!matchesFilters(frame, this.filters)) {
        this.filtered++;
        continue;
      }
      const wait = await this.waitFor(offset);
      if (wait === 'stop') return 'stop';
      if (wait === 'seek') {
        // Decide again about this frame once the seek is applied.
        held = frame;
        continue;
      }
      this.anchor ??= { offset, clockMs: this.clock.now() };
      const scheduled = this.anchor.clockMs + ((offset - this.anchor.offset) * 1000) / this.speed;
      if (!this.maxSpeed) this.meter.add(this.clock.now() - scheduled);
      await this.bus.send(frame);
      this.sent++;
      this.position = offset;
      if (this.maxSpeed && ++sinceYield >= this.yieldEvery) {
        sinceYield = 0;
        await new Promise<void>((r) => setImmediate(r));
      }
    }
  }

  /** Waits until the frame at `offset` is due, while honouring pause, stop and seek requests. */
  private async waitFor(offset: number): Promise<Wait> {
    for (;;) {
      if (this.currentState === 'stopped') return 'stop';
      if (this.pendingSeek !== undefined) return 'seek';
      if (this.currentState === 'paused') {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        this.wake = undefined;
        continue;
      }
      if (this.maxSpeed || !this.anchor) return 'go';
      const due = this.anchor.clockMs + ((offset - this.anchor.offset) * 1000) / this.speed;
      const delay = due - this.clock.now();
      if (delay <= 0) return 'go';
      if (delay <= this.spinMs) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        continue;
      }
      await new Promise<void>((resolve) => {
        const handle = this.clock.setTimeout(resolve, delay - this.spinMs);
        this.wake = () => {
          this.clock.clearTimeout(handle);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }
}

/**
 * Seconds from the log's first frame, rounded to the microsecond the timestamps carry: epoch seconds
 * as doubles are off by a fraction of a microsecond, which would otherwise leak into the schedule.
 */
function offsetOf(frame: Frame, t0: number): number {
  return Math.round((frame.timestamp - t0) * 1e6) / 1e6;
}

function checkSpeed(speed: number): number {
  if (!Number.isFinite(speed) || speed < MIN_SPEED || speed > MAX_SPEED) {
    throw new ReplayOptionError('speed', `${speed} is outside ${MIN_SPEED}–${MAX_SPEED}`);
  }
  return speed;
}

/** Turns any accepted source into a function that opens it, refusing to re-read a one-shot stream. */
function sourceOpener(source: FrameSource | FrameSourceFactory): () => Promise<AsyncIterator<Frame>> {
  if (typeof source === 'function') {
    return async () => iteratorOf(await source()).iterator;
  }
  let opened = 0;
  return async () => {
    const { iterator, oneShot } = iteratorOf(source);
    // Generators return themselves: a second pass would find them exhausted.
    if (opened++ > 0 && oneShot) {
      throw new ReplaySourceError(
        'this source can be read only once: pass a factory (() => readLog(file)) to loop or seek back',
      );
    }
    return iterator;
  };
}

function iteratorOf(source: FrameSource): { iterator: AsyncIterator<Frame>; oneShot: boolean } {
  if (Symbol.asyncIterator in source) {
    const iterator = (source as AsyncIterable<Frame>)[Symbol.asyncIterator]();
    return { iterator, oneShot: (iterator as unknown) === source };
  }
  const sync = (source as Iterable<Frame>)[Symbol.iterator]();
  const iterator: AsyncIterator<Frame> = {
    next: async () => sync.next(),
    return: async (value?: unknown) => {
      sync.return?.(value);
      return { done: true, value: undefined };
    },
  };
  return { iterator, oneShot: (sync as unknown) === source };
}
