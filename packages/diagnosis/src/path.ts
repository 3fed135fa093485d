import type { Localized } from './text.js';

/**
 * What happened in a diagnostic session, step by step. Both the guided session and a hand-written
 * apprentice path use it, so an instructor can score one against the other on the same evidence.
 */
export type PathStep =
  /** Reading the car: DTCs, freeze frame, readiness, live data — confirming the complaint. */
  | { kind: 'read'; what: 'dtc' | 'freeze_frame' | 'readiness' | 'live' | 'complaint' }
  /**
   * A workshop test and its outcome. A measured test keeps what was measured (`measured`) and how
   * sure the reading is (`certainty` below 1 near a threshold).
   */
  | {
      kind: 'test';
      id: string;
      outcome: 'good' | 'bad';
      cost: number;
      minutes: number;
      certainty?: number;
      measured?: MeasuredValue;
    }
  /** A test that could not be done on this car (no such part, a state it cannot reach): no evidence. */
  | { kind: 'unable'; id: string; why: Localized }
  /** A safety prerequisite done (lock-out, habilitation check, PPE). */
  | { kind: 'safety'; id: string }
  /**
   * A part replaced or a repair made, for a cause, with the cause's probability when it was repaired
   * (the confidence of the conclusion it leads to).
   */
  | { kind: 'repair'; cause: string; cost: number; minutes: number; probability?: number }
  /** After the repair, before the road test: the codes cleared (service 04), or the attempt refused. */
  | { kind: 'clear'; ok: boolean }
  /**
   * After the repair, before the road test: the follow-up routine the repair calls for (a forced DPF
   * regeneration) run on the car, and how it ended (the ECU's reason when it refused or aborted).
   */
  | {
      kind: 'follow_up';
      routine: Localized;
      status: 'done' | 'aborted' | 'refused' | 'unavailable' | 'timeout';
      reason?: Localized;
      sootBeforeG?: number;
      sootAfterG?: number;
      minutes?: number;
      simulated?: boolean;
    }
  /**
   * After the repair, before the verification: the 12 V battery charged on a workshop charger (the
   * fault drained it), as the charger showed it — ended (battery full for what it can take) or not,
   * the charge it gave, how long, and the battery's voltage at the end.
   */
  | {
      kind: 'battery_charge';
      done: boolean;
      ah?: number;
      minutes?: number;
      batteryV?: number;
      simulated?: boolean;
    }
  /** The road test after the repair (a drive cycle, so that the monitors run again). */
  | { kind: 'road_test'; minutes?: number; simulated?: boolean; road?: 'urban' | 'motorway' }
  /** After the repair: codes cleared, re-read, readiness checked. */
  | ({ kind: 'verify' } & VerifyStep);

/** A value measured on the car by a workshop instrument, as the test's reading names it. */
export interface MeasuredValue {
  /** A number in `unit`, or a word (`smoke`, `OL`). */
  value: number | string;
  /** The unit of the value (Ω, kΩ, V, kPa, %, MΩ…). */
  unit: string;
  /** Which of the test's measurements it is (index in its `measure` list): the page names it by its label. */
  spec?: number;
  /** The part it was measured on (cylinder 2, wheel `fl`), when the test measures each in turn. */
  index?: string | number;
  /** The measurement's standard deviation, when the instrument says it. */
  noiseSd?: number;
  /** Where it came from: a simulated car's instrument, or typed by the technician from a real one. */
  source: 'simulated' | 'typed';
  /** Conditions it was taken in (engine warm, 20 °C …), in words. */
  conditions?: Record<string, number | string | boolean>;
}

/**
 * What the verification found: `cured` (road-tested, no code of the tree came back, the symptom is
 * gone, the tree's monitors have run since the clear); `not-cured` (a code of the tree came back, or
 * the symptom is still there after the road test); `incomplete` (the road test not done, readiness
 * not read, monitors not run yet, or the battery a charging repair calls to charge not charged:
 * nothing is proven either way).
 */
export type VerifyOutcome = 'cured' | 'not-cured' | 'incomplete';

/** What an incomplete verification lacks. */
export interface VerifyMissing {
  roadTest: boolean;
  /** Readiness was not read after the road test. */
  readiness: boolean;
  /** The tree's monitors still incomplete. */
  monitors: string[];
  /**
   * The repair calls for the battery to be charged before verifying (`after.charge_battery`) and
   * no finished charge was recorded since it: the voltage read says nothing yet.
   */
  batteryCharge?: boolean;
}

/** What the verification after a repair found. */
export interface VerifyResult {
  /** The codes were cleared (service 04) after the repair. */
  cleared: boolean;
  /** Stored and pending codes read again after the road test. */
  dtcsAfter: string[];
  /** The customer's symptom is gone on the road test. */
  symptomGone: boolean;
  /**
   * The tree's readiness monitors as read after the road test; absent when readiness was not read.
   * A monitor still incomplete has not run since the codes were cleared: the repair is not proven yet.
   */
  monitors?: Record<string, 'complete' | 'incomplete'>;
  /** A road test was done since the repair (the session knows it from its road-test step when not said). */
  roadTest?: boolean;
}

/** A verification step as the path keeps it: what was read, and what it means. */
export interface VerifyStep extends Omit<VerifyResult, 'roadTest'> {
  /** Absent in paths recorded before verifications told incomplete from failed: `symptomGone` decides. */
  result?: VerifyOutcome;
  missing?: VerifyMissing;
  /** Whether a road test had been done since the repair. */
  roadTest?: boolean;
}

export interface DiagnosticPath {
  treeId: string;
  steps: PathStep[];
  /** The cause the apprentice (or the engine) concluded on; undefined when none. */
  conclusion?: string;
}

export function pathCost(path: DiagnosticPath): number {
  let sum = 0;
  for (const s of path.steps) if (s.kind === 'test' || s.kind === 'repair') sum += s.cost;
  return sum;
}

export function pathMinutes(path: DiagnosticPath): number {
  let sum = 0;
  for (const s of path.steps) if (s.kind === 'test' || s.kind === 'repair') sum += s.minutes;
  return sum;
}

/** The outcome of a verification step (older paths: the symptom's answer decides). */
export function verifyOutcome(s: VerifyStep): VerifyOutcome {
  return s.result ?? (s.symptomGone ? 'cured' : 'not-cured');
}
