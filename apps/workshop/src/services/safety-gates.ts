/**
 * The safety gates a guided session asks the reader to pass now, and where the reader stands for
 * each: the proposed test's steps while diagnosing (with the lock-out to lift first when the test is
 * made with the car READY and the HV system is locked out), the found cause's repair steps while
 * repairing, the lock-out to lift (the BCL's) once the work on the HV system is over (`unlockDue`).
 * What the guided page writes above each gated button and the session's JSON carries, from the
 * same check as the gate at the click (`habilitationStanding`).
 */
import { type GuidedSession, habilitationOf, requiredSymbolOf, UNLOCK_STEP } from '@atelier/diagnosis';
import type { Db } from '../store/store.js';
import { type HabStanding, habilitationStanding } from './habilitations.js';

export interface SafetyGate {
  /**
   * What the step is for: the proposed test, the repair of the cause found, or the lock-out lifted
   * once the HV work is over (before the car is powered again).
   */
  for: 'test' | 'repair' | 'unlock';
  /** The test's id, or the cause's whose repair it is (for the unlock: the last repair's cause, if any). */
  target: string;
  /** The safety step (`hv_lockout`, `habilitation_B1XL`). */
  step: string;
  /** Already recorded in the session. */
  done: boolean;
  /**
   * Checked against the person who records the repair itself, not only at the step's click: the
   * habilitation for the work (the lock-out may be a BCL colleague's, NF C18-550).
   */
  checkedAtRepair: boolean;
  standing: HabStanding;
}

/** The gated steps (those checked against the register) the session asks for now, with the reader's standing. */
export async function safetyGatesOf(
  db: Db,
  site: number,
  g: GuidedSession,
  user: { id: number; name: string },
  today: string,
): Promise<SafetyGate[]> {
  const wanted: { for: SafetyGate['for']; target: string; steps: string[]; missing: string[] }[] = [];
  if (g.state === 'diagnose') {
    const next = g.next();
    // A test made with the car READY while locked out: the lock-out lifted is one of its steps.
    if (next)
      wanted.push({
        for: 'test',
        target: next.test.id,
        steps: [...next.safety.filter((x) => !next.test.safety.includes(x)), ...next.test.safety],
        missing: next.safety,
      });
  } else if (g.state === 'repair' && g.pendingRepair) {
    const c = g.pendingRepair;
    wanted.push({ for: 'repair', target: c.id, steps: c.repair.safety, missing: g.repairSafety(c.id) });
  } else if (g.unlockDue()) {
    const last = g.steps.findLast((s) => s.kind === 'repair');
    wanted.push({
      for: 'unlock',
      target: last?.kind === 'repair' ? last.cause : '',
      steps: [UNLOCK_STEP],
      missing: [UNLOCK_STEP],
    });
  }
  const bySymbol = new Map<string, HabStanding>();
  const out: SafetyGate[] = [];
  for (const w of wanted)
    for (const step of w.steps) {
      const symbol = requiredSymbolOf(step);
      if (!symbol) continue;
      let standing = bySymbol.get(symbol);
      if (!standing) {
        standing = await habilitationStanding(db, site, user, symbol, today);
        bySymbol.set(symbol, standing);
      }
      out.push({
        for: w.for,
        target: w.target,
        step,
        done: !w.missing.includes(step),
        checkedAtRepair: w.for === 'repair' && habilitationOf(step) !== undefined,
        standing,
      });
    }
  return out;
}
