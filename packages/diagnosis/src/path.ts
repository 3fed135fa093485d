/**
 * What happened in a diagnostic session, step by step. Both the guided session and a hand-written
 * apprentice path use it, so an instructor can score one against the other on the same evidence.
 */
export type PathStep =
  /** Reading the car: DTCs, freeze frame, readiness, live data — confirming the complaint. */
  | { kind: 'read'; what: 'dtc' | 'freeze_frame' | 'readiness' | 'live' | 'complaint' }
  /** A workshop test and its outcome. */
  | { kind: 'test'; id: string; outcome: 'good' | 'bad'; cost: number; minutes: number }
  /** A safety prerequisite done (lock-out, habilitation check, PPE). */
  | { kind: 'safety'; id: string }
  /** A part replaced or a repair made, for a cause. */
  | { kind: 'repair'; cause: string; cost: number; minutes: number }
  /** After the repair, before the road test: the codes cleared (service 04), or the attempt refused. */
  | { kind: 'clear'; ok: boolean }
  /** After the repair: codes cleared, re-read, readiness checked. */
  | ({ kind: 'verify' } & VerifyResult);

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
