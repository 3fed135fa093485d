import type { Cause, WorkshopTest } from './kb/types.js';
import type { MeasuredReading } from './measure.js';
import type { PathStep, VerifyResult } from './path.js';
import { UNLOCK_STEP } from './safety.js';
import { type GuidedSession, type Recommendation, SessionError } from './session.js';
import type { Localized } from './text.js';

/**
 * A test's answer: an outcome given by hand, values measured on the car (which the knowledge base
 * reads), or that it cannot be done on this car.
 */
export type TestAnswer = 'good' | 'bad' | { measured: MeasuredReading[] } | { unable: Localized };

/**
 * Whoever answers the session's questions: a person at a prompt, or the simulated car. Outcomes come
 * from the car (a physical check, a live-data reading); the repair changes the car; the verification
 * re-reads it.
 */
export interface Workshop {
  outcome(test: WorkshopTest, recommendation: Recommendation): Promise<TestAnswer>;
  repair(cause: Cause): Promise<void>;
  verify(): Promise<VerifyResult>;
  /**
   * Safety prerequisites are done when asked (lock-out, habilitation check), before a test or before
   * the repair of `cause` (`for` says which); and the lock-out lifted (`hv_unlock`, `unlock`) once the
   * work on the HV system is over, before the car is powered again — or before a test made with the
   * car energised (`unlock` with that `test`) while it is locked out. A workshop that cannot do a step
   * throws: the session records nothing of it.
   */
  safety?(
    id: string,
    forStep?: { kind: 'test' } | { kind: 'repair'; cause: Cause } | { kind: 'unlock'; test?: WorkshopTest },
  ): Promise<void>;
  /**
   * The battery charged on the workshop charger when the repair calls for it before the
   * verification (`batteryChargeDue`), and what the charger showed. A workshop without it leaves
   * the verification incomplete.
   */
  chargeBattery?(): Promise<BatteryCharge>;
}

/** What a workshop charger showed of its charge (the `battery_charge` step's figures). */
export type BatteryCharge = Omit<Extract<PathStep, { kind: 'battery_charge' }>, 'kind'>;

export interface AutopilotOptions {
  /** Bound on the steps, in case a workshop answers inconsistently forever. */
  maxSteps?: number;
  /**
   * Verifications in a row that may come out incomplete (no road test, monitors not run) before the
   * autopilot stops, leaving the session in verification with what is missing (3 by default).
   */
  maxIncomplete?: number;
  onStep?: (session: GuidedSession, recommendation?: Recommendation) => void;
}

/** Follows the session's recommendations until it closes: the expert path on this evidence. */
export async function followRecommendations(
  session: GuidedSession,
  workshop: Workshop,
  options: AutopilotOptions = {},
): Promise<void> {
  const max = options.maxSteps ?? 100;
  let incomplete = 0;
  // The lock-out lifted by its BCL once the work on the HV system is over (after the repair, or when
  // the session ends on no cause): nothing powers the car before it.
  const unlockIfDue = async () => {
    if (!session.unlockDue()) return;
    await workshop.safety?.(UNLOCK_STEP, { kind: 'unlock' });
    session.recordSafety(UNLOCK_STEP);
  };
  for (let i = 0; i < max && session.state !== 'done'; i++) {
    if (session.state === 'repair') {
      const cause = session.pendingRepair!;
      // The repair's own safety steps first, as a test's (the lock-out, the habilitation for the work).
      for (const s of session.repairSafety(cause.id)) {
        await workshop.safety?.(s, { kind: 'repair', cause });
        session.recordSafety(s);
      }
      await workshop.repair(cause);
      session.repair(cause.id);
      options.onStep?.(session);
      continue;
    }
    if (session.state === 'verify') {
      await unlockIfDue();
      if (session.batteryChargeDue() && workshop.chargeBattery)
        session.recordBatteryCharge(await workshop.chargeBattery());
      const outcome = session.verify(await workshop.verify());
      options.onStep?.(session);
      if (outcome === 'incomplete' && ++incomplete >= (options.maxIncomplete ?? 3)) break;
      continue;
    }
    const next = session.next();
    if (!next) break;
    // The test's steps, the lock-out lifted first when the test needs the car energised (READY).
    for (const s of next.safety) {
      const lifts = s === UNLOCK_STEP && session.energisingBlocked(next.test);
      await workshop.safety?.(s, lifts ? { kind: 'unlock', test: next.test } : { kind: 'test' });
      session.recordSafety(s);
    }
    const answer = await workshop.outcome(next.test, next);
    if (typeof answer === 'string') session.record(next.test.id, answer);
    else if ('unable' in answer) session.recordUnable(next.test.id, answer.unable);
    else {
      try {
        session.recordMeasurement(next.test.id, answer.measured);
      } catch (err) {
        if (!(err instanceof SessionError)) throw err;
        session.recordUnable(next.test.id, {
          fr: 'aucune valeur mesurée lisible',
          en: 'no readable value measured',
        });
      }
    }
    options.onStep?.(session, next);
  }
  await unlockIfDue();
}
