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
  /** After the repair: codes cleared, re-read, readiness checked. */
  | { kind: 'verify'; cleared: boolean; dtcsAfter: string[]; symptomGone: boolean };

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
