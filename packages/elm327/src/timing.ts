/**
 * Response times the client measured, used to set its own read timeout and the adapter's ATST:
 * a timeout that follows the real ECU rather than a fixed worst case keeps polling fast without
 * cutting slow ECUs short.
 */
export class ResponseTimes {
  private samples: number[] = [];

  constructor(
    private readonly size = 32,
    /** Never wait less than this for an answer, ms. */
    readonly floorMs = 100,
    /** Never wait more than this, ms. */
    readonly ceilingMs = 5_000,
  ) {}

  add(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    this.samples.push(ms);
    if (this.samples.length > this.size) this.samples.shift();
  }

  get count(): number {
    return this.samples.length;
  }

  /** The given quantile (0..1) of recent samples; undefined before any sample. */
  quantile(q: number): number | undefined {
    if (this.samples.length === 0) return undefined;
    const sorted = [...this.samples].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  }

  /**
   * How long the client waits for a prompt: three times the 95th percentile of the measured
   * round trips, within the floor and ceiling; `fallback` before enough samples exist.
   */
  readTimeout(fallback: number): number {
    const p95 = this.count >= 4 ? this.quantile(0.95) : undefined;
    if (p95 === undefined) return fallback;
    return Math.min(this.ceilingMs, Math.max(this.floorMs, Math.ceil(p95 * 3)));
  }

  /**
   * The ATST value (units of 4 ms) for ECU answers: twice the slowest recent answer, never below
   * 50 ms (J1979's P2 max for CAN is 50 ms) nor above the datasheet default of 200 ms + margin.
   */
  atst(): number | undefined {
    if (this.count < 4) return undefined;
    const max = this.quantile(1)!;
    const ms = Math.min(1020, Math.max(52, max * 2));
    return Math.ceil(ms / 4);
  }
}
