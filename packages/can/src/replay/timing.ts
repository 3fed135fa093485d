/**
 * How late frames left compared with the schedule derived from the log's timestamps, in ms of the
 * player's clock. A frame sent early counts with a negative error (it never happens with a monotonic
 * clock, but a skewed injected clock would show it).
 */
export interface TimingError {
  /** Frames measured (frames sent as fast as possible are not). */
  count: number;
  meanMs: number;
  /** Largest absolute error. */
  maxMs: number;
  /** Frames more than 1 ms off schedule. */
  lateOver1ms: number;
}

export class TimingErrorMeter {
  private n = 0;
  private sum = 0;
  private max = 0;
  private over = 0;

  add(errorMs: number): void {
    this.n++;
    this.sum += errorMs;
    const abs = Math.abs(errorMs);
    if (abs > this.max) this.max = abs;
    if (abs > 1) this.over++;
  }

  snapshot(): TimingError {
    return { count: this.n, meanMs: this.n ? this.sum / this.n : 0, maxMs: this.max, lateOver1ms: this.over };
  }
}
