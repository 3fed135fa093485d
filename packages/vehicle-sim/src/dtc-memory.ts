/**
 * One ECU's fault memory, with the SAE J1979 life cycle: a failure makes a DTC pending; the same
 * failure in a later operation cycle confirms it (MIL on, freeze frame, permanent DTC); three passing
 * cycles turn the MIL off; 40 warm-up cycles without failure erase it. Clearing (mode 04, UDS 0x14)
 * wipes everything but the permanent DTCs, which only a passing monitor erases.
 */

export interface DtcRecord {
  code: string;
  /** Reported by OBD modes 03/07/0A (emissions-related); others only through UDS. */
  emission: boolean;
  /** UDS failure type byte (ISO 14229 / SAE J2012 FTB), 0 for "no sub-type information". */
  ftb: number;
  pending: boolean;
  pendingCycle: number;
  confirmed: boolean;
  warning: boolean;
  lastFailed: boolean;
  failedThisCycle: boolean;
  testedThisCycle: boolean;
  failedSinceClear: boolean;
  testedSinceClear: boolean;
  passingCycles: number;
  agingCycles: number;
  occurrences: number;
  firstFailureS: number;
  /** UDS snapshot (record 1) taken at confirmation: PID → encoded value. */
  snapshot?: Map<number, Uint8Array>;
}

export interface FailOptions {
  emission: boolean;
  /** Confirm at the first failure (catalyst-damaging misfire, safety faults, chassis faults). */
  oneTrip?: boolean;
  /** Warning lamp with the confirmation: MIL for emission codes, ABS lamp for chassis. Default true. */
  warning?: boolean;
  ftb?: number;
}

export class DtcMemory {
  /** Operation cycles since the memory was created (key-on to key-off with engine start). */
  cycle = 0;
  private readonly records = new Map<string, DtcRecord>();
  private readonly permanentCodes = new Set<string>();
  /** Codes whose test ran since the last clear (for UDS bit 4 of DTCs never stored). */
  private readonly testedSinceClear = new Set<string>();
  /** Codes tested this cycle without failing. */
  private readonly passedThisCycle = new Set<string>();
  /** The OBD freeze frame (J1979 frame 0): the DTC that stored it and the PID values. */
  freezeFrame?: { code: string; values: Map<number, Uint8Array> };

  constructor(readonly supported: { code: string; emission: boolean; ftb?: number }[] = []) {}

  fail(code: string, timeS: number, snapshot: () => Map<number, Uint8Array>, opt: FailOptions): void {
    let r = this.records.get(code);
    if (!r) {
      r = {
        code,
        emission: opt.emission,
        ftb: opt.ftb ?? 0,
        pending: false,
        pendingCycle: -1,
        confirmed: false,
        warning: false,
        lastFailed: false,
        failedThisCycle: false,
        testedThisCycle: false,
        failedSinceClear: false,
        testedSinceClear: false,
        passingCycles: 0,
        agingCycles: 0,
        occurrences: 0,
        firstFailureS: timeS,
      };
      this.records.set(code, r);
    }
    this.testedSinceClear.add(code);
    // The failure type is the latest one seen (an open circuit, then no signal, …).
    if (opt.ftb !== undefined) r.ftb = opt.ftb;
    if (!r.failedThisCycle) r.occurrences++;
    r.lastFailed = true;
    r.failedThisCycle = r.testedThisCycle = r.failedSinceClear = r.testedSinceClear = true;
    r.passingCycles = 0;
    r.agingCycles = 0;
    if (r.confirmed) {
      r.warning = opt.warning ?? true;
      if (r.emission && r.warning) this.permanentCodes.add(code);
      return;
    }
    const confirmNow = opt.oneTrip || (r.pending && r.pendingCycle < this.cycle);
    if (!r.pending) {
      r.pending = true;
      r.pendingCycle = this.cycle;
    }
    if (confirmNow) {
      r.confirmed = true;
      r.warning = opt.warning ?? true;
      const values = snapshot();
      r.snapshot = values;
      if (r.emission && r.warning) this.permanentCodes.add(code);
      if (r.emission && !this.freezeFrame) this.freezeFrame = { code, values };
    }
  }

  pass(code: string): void {
    this.testedSinceClear.add(code);
    const r = this.records.get(code);
    if (r) {
      r.lastFailed = false;
      r.testedThisCycle = r.testedSinceClear = true;
    }
    this.passedThisCycle.add(code);
  }

  /** Key off: ages the records by one operation cycle. `warmUp` says whether the cycle was a J1979 warm-up. */
  endCycle(warmUp: boolean): void {
    for (const r of [...this.records.values()]) {
      const passed = r.testedThisCycle && !r.failedThisCycle;
      if (passed) {
        if (!r.confirmed) r.pending = false;
        if (r.warning) {
          r.passingCycles++;
          if (r.passingCycles >= 3) {
            r.warning = false;
            r.pending = false;
          }
        }
      }
      if (r.confirmed && !r.warning && !r.failedThisCycle && warmUp) {
        r.agingCycles++;
        if (r.agingCycles >= 40) this.records.delete(r.code);
      }
      r.failedThisCycle = false;
      r.testedThisCycle = false;
    }
    // A permanent DTC goes once its monitor has run and passed with the MIL no longer commanded by it.
    for (const code of [...this.permanentCodes]) {
      const r = this.records.get(code);
      if (this.passedThisCycle.has(code) && !r?.warning) this.permanentCodes.delete(code);
    }
    if (this.freezeFrame && !this.records.get(this.freezeFrame.code)?.confirmed) this.freezeFrame = undefined;
    this.passedThisCycle.clear();
    this.cycle++;
  }

  /** Mode 04 / UDS 0x14: everything but permanent DTCs. */
  clear(): void {
    this.records.clear();
    this.testedSinceClear.clear();
    this.freezeFrame = undefined;
  }

  get(code: string): DtcRecord | undefined {
    return this.records.get(code);
  }

  all(): DtcRecord[] {
    return [...this.records.values()].sort(
      (a, b) => a.firstFailureS - b.firstFailureS || a.code.localeCompare(b.code),
    );
  }

  confirmedObd(): string[] {
    return this.all()
      .filter((r) => r.emission && r.confirmed)
      .map((r) => r.code);
  }

  pendingObd(): string[] {
    return this.all()
      .filter((r) => r.emission && (r.pending || r.failedThisCycle))
      .map((r) => r.code);
  }

  permanent(): string[] {
    return [...this.permanentCodes].sort();
  }

  /** MIL commanded by an emissions-related DTC. */
  get mil(): boolean {
    return this.all().some((r) => r.emission && r.warning);
  }

  /** ISO 14229-1 DTC status byte. */
  status(code: string): number {
    const r = this.records.get(code);
    if (!r) return this.testedSinceClear.has(code) ? 0x00 : 0x50;
    let s = 0;
    if (r.lastFailed) s |= 0x01;
    if (r.failedThisCycle) s |= 0x02;
    if (r.pending) s |= 0x04;
    if (r.confirmed) s |= 0x08;
    if (!r.testedSinceClear) s |= 0x10;
    if (r.failedSinceClear) s |= 0x20;
    if (!r.testedThisCycle) s |= 0x40;
    if (r.warning) s |= 0x80;
    return s;
  }
}
