import { Prng } from './prng.js';

/**
 * What the driver does. `off`: key out. `key_on`: ignition on, engine stopped. `idle`: engine running,
 * stationary. `urban`: stop-and-go up to 50 km/h. `motorway`: steady 110–130 km/h. `hold`: stationary,
 * engine held at `rpm` (the workshop "2,500 rpm" test).
 */
export type PhaseKind = 'off' | 'key_on' | 'idle' | 'urban' | 'motorway' | 'hold';
export const PHASE_KINDS: PhaseKind[] = ['off', 'key_on', 'idle', 'urban', 'motorway', 'hold'];

export interface DrivePhase {
  phase: PhaseKind;
  /** Seconds; absent on the last phase means "until the end". */
  duration?: number;
  rpm?: number;
  /**
   * A workshop charger on the 12 V battery's terminals during this phase (key out), its current
   * limit in A (`WORKSHOP_CHARGER`): it charges until the battery is full, then stands by.
   */
  chargerA?: number;
}

/** A drive profile resolved onto simulated time. */
export class DriveSchedule {
  private readonly starts: number[] = [];
  readonly end: number;

  constructor(readonly phases: DrivePhase[]) {
    let t = 0;
    for (const p of phases) {
      this.starts.push(t);
      t += p.duration ?? Number.POSITIVE_INFINITY;
    }
    this.end = t;
  }

  /** The phase at time t; after the last finite phase the vehicle stands with the key on (parked at the workshop). */
  at(t: number): { phase: DrivePhase; since: number } {
    for (let i = this.phases.length - 1; i >= 0; i--) {
      if (t >= this.starts[i]) {
        const p = this.phases[i];
        if (p.duration !== undefined && t >= this.starts[i] + p.duration)
          return { phase: { phase: 'key_on' }, since: this.end };
        return { phase: p, since: this.starts[i] };
      }
    }
    return { phase: { phase: 'key_on' }, since: 0 };
  }

  /**
   * The same history up to `t`, then `phases` (the last one for good): the phase in progress at `t`
   * is cut there, and the time a finite schedule had left the car parked (key on) before `t` is
   * written out, so that every instant before `t` reads the same phase in both schedules.
   */
  replacedFrom(t: number, phases: DrivePhase | DrivePhase[]): DriveSchedule {
    const kept: DrivePhase[] = [];
    let start = 0;
    for (const p of this.phases) {
      if (start >= t) break;
      const duration = Math.min(p.duration ?? Number.POSITIVE_INFINITY, t - start);
      kept.push({ ...p, duration });
      start += duration;
    }
    if (start < t) kept.push({ phase: 'key_on', duration: t - start });
    const list = Array.isArray(phases) ? phases : [phases];
    const next = list.map((p, i): DrivePhase => {
      const out: DrivePhase = { phase: p.phase };
      if (p.rpm !== undefined) out.rpm = p.rpm;
      if (p.chargerA !== undefined) out.chargerA = p.chargerA;
      // every phase but the last keeps its length; the last lasts until the next change
      if (i < list.length - 1 && p.duration !== undefined) out.duration = p.duration;
      return out;
    });
    return new DriveSchedule([...kept, ...next]);
  }

  /** Where the open-ended last phase begins, or the end of the last finite one. */
  get sessionStart(): number {
    const last = this.phases[this.phases.length - 1];
    if (last && last.duration === undefined) return this.starts[this.starts.length - 1];
    return this.end;
  }
}

/**
 * Target speed for the moving phases. Urban driving is a chain of stop, accelerate, cruise,
 * brake segments whose lengths come from the driver's own seeded generator, so that sensor noise
 * draws do not change the route.
 */
export class Driver {
  private readonly rng: Prng;
  private segEnd = 0;
  private target = 0;
  private kind: PhaseKind = 'off';

  constructor(seed: number) {
    this.rng = new Prng(seed ^ 0x5eed0d71);
  }

  targetSpeed(kind: PhaseKind, t: number): number {
    if (kind !== this.kind) {
      this.kind = kind;
      this.segEnd = t;
      this.target = 0;
    }
    if (kind === 'urban') {
      if (t >= this.segEnd) {
        if (this.target > 0) {
          this.target = 0;
          this.segEnd = t + this.rng.range(12, 30);
        } else {
          this.target = Math.round(this.rng.range(30, 52));
          this.segEnd = t + this.rng.range(25, 60);
        }
      }
      return this.target;
    }
    if (kind === 'motorway') {
      if (t >= this.segEnd) {
        this.target = Math.round(this.rng.range(110, 131));
        this.segEnd = t + this.rng.range(60, 180);
      }
      return this.target;
    }
    return 0;
  }
}
