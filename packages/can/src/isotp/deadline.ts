import type { Clock, TimerHandle } from '@atelier/clock';

/**
 * A restartable timeout that does not create a timer per restart: ISO-TP restarts N_As and N_Cr on
 * every frame, and one clock timer per frame is the main cost of a long transfer. The timer is armed
 * once; when it fires before the current due time it re-arms itself for the remainder.
 */
export class Deadline {
  private timer: TimerHandle | undefined;
  private fireAt = Number.POSITIVE_INFINITY;
  private due = Number.POSITIVE_INFINITY;

  constructor(
    private readonly clock: Clock,
    private readonly onExpire: () => void,
  ) {}

  /** (Re)starts the countdown: expires `ms` from now unless restarted, paused or cancelled. */
  start(ms: number): void {
    this.due = this.clock.now() + ms;
    if (this.timer !== undefined && this.fireAt <= this.due) return;
    this.arm(ms);
  }

  /** Stops counting but keeps the timer for the next start (cheap between frames). */
  pause(): void {
    this.due = Number.POSITIVE_INFINITY;
  }

  /** Stops counting and releases the timer (so a real clock lets the process exit). */
  cancel(): void {
    this.due = Number.POSITIVE_INFINITY;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.fireAt = Number.POSITIVE_INFINITY;
  }

  private arm(ms: number): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.fireAt = this.clock.now() + ms;
    this.timer = this.clock.setTimeout(this.check, ms);
  }

  private readonly check = (): void => {
    this.timer = undefined;
    this.fireAt = Number.POSITIVE_INFINITY;
    if (this.due === Number.POSITIVE_INFINITY) return;
    const left = this.due - this.clock.now();
    if (left > 0) {
      this.arm(left);
      return;
    }
    this.due = Number.POSITIVE_INFINITY;
    this.onExpire();
  };
}
