import type { Localized } from '../text.js';

export type VehicleType = 'petrol' | 'diesel' | 'hybrid' | 'ev';
export const VEHICLE_TYPES: readonly VehicleType[] = ['petrol', 'diesel', 'hybrid', 'ev'];

/** How well a test separates one cause: P(bad | cause) and P(good | no cause). */
export interface TestCheck {
  sensitivity: number;
  specificity: number;
}

/** How the simulated apprentice obtains a test's outcome from the simulated car. */
export type SimMethod =
  | { method: 'fault' }
  | { method: 'live'; reading: string; badAbove?: number; badBelow?: number };

export interface WorkshopTest {
  id: string;
  /** An observation reads the car and speaks about several causes; an inspection confirms one part. */
  kind: 'observation' | 'inspection';
  name: Localized;
  instructions: Localized;
  tools: string[];
  minutes: number;
  /** Cost in euros (labour at the workshop rate plus consumables). */
  cost: number;
  expected: { good: Localized; bad: Localized };
  /** Safety prerequisites that must be done before the test (e.g. `hv_lockout`, `habilitation_B2VL`). */
  safety: string[];
  checks: Record<string, TestCheck>;
  sim: SimMethod;
}

export interface Repair extends Localized {
  hours: number;
  /** Parts cost in euros. */
  parts: number;
}

export interface Cause {
  id: string;
  name: Localized;
  /** Prior probability that this component is faulty on a car of the tree's vehicle types. */
  prior: number;
  /** The inspection test that confirms the cause before the repair. */
  inspect: string;
  repair: Repair;
  /** Simulator fault types (packages/vehicle-sim) that this cause stands for, for training and tests. */
  simFaults: string[];
  /**
   * The vehicle types that have this component (the tree's by default): an EV or a full hybrid has
   * no alternator nor accessory belt (its 12 V comes from a DC-DC converter).
   */
  vehicles: VehicleType[];
}

/** A bound on a number: the condition holds above `above` and/or below `below`. */
export interface ValueBound {
  above?: number;
  below?: number;
  /**
   * Width of the doubt around a threshold: a reading this close to it counts with less certainty
   * (0.5 at the threshold itself, full certainty `margin` away from it). Absent: a hard threshold.
   */
  margin?: number;
}

/** What a sign reads, and when it holds. */
export type SignCondition =
  /**
   * At least `min` of the codes were read, in one of the memories named. With `status` or
   * `failureTypes`, only codes read from a UDS fault memory count, and they must carry those ISO
   * 14229 status bits and one of those failure-type bytes.
   */
  | {
      source: 'dtc';
      codes: string[];
      memories: DtcMemoryKind[];
      min: number;
      status?: Partial<Record<UdsStatusBit, boolean>>;
      failureTypes?: number[];
    }
  /**
   * The freeze frame (stored with `frozenBy`'s codes, or any) has these values; `requires` is context
   * that must hold for the sign to mean anything (else it is unknown).
   */
  | {
      source: 'freeze_frame';
      values: Record<string, ValueBound>;
      requires: Record<string, ValueBound>;
      frozenBy: string[];
    }
  /** The live data read at the start of the session has these values (`requires`: the context). */
  | { source: 'live'; values: Record<string, ValueBound>; requires: Record<string, ValueBound> }
  /** A readiness monitor in this state, or the MIL on or off. */
  | { source: 'readiness'; monitor?: string; status?: 'complete' | 'incomplete'; mil?: boolean }
  /** The customer's complaint mentions one of the keywords. */
  | { source: 'complaint'; keywords: string[] };

export type DtcMemoryKind = 'stored' | 'pending' | 'permanent';

/** The ISO 14229-1 DTC status bits a sign can ask for, by their standard names. */
export const UDS_STATUS_BITS = {
  testFailed: 0,
  testFailedThisOperationCycle: 1,
  pendingDTC: 2,
  confirmedDTC: 3,
  testNotCompletedSinceLastClear: 4,
  testFailedSinceLastClear: 5,
  testNotCompletedThisOperationCycle: 6,
  warningIndicatorRequested: 7,
} as const;
export type UdsStatusBit = keyof typeof UDS_STATUS_BITS;

/**
 * A sign: something the session reads from the car or the complaint, without a workshop test, that
 * speaks about causes — a noisy-OR finding with the same sensitivity/specificity per cause as a test.
 */
export interface Sign {
  id: string;
  name: Localized;
  when: SignCondition;
  checks: Record<string, TestCheck>;
  /**
   * Whether the sign not holding is evidence too. A code that did not set says something about the
   * monitor that would set it; a complaint that does not mention a word says nothing.
   */
  absentIsEvidence: boolean;
}

export interface FaultTreeEntry {
  id: string;
  file: string;
  title: Localized;
  symptom: Localized;
  applies: { dtcs: string[]; complaintKeywords: string[] };
  vehicles: VehicleType[];
  safety?: Localized;
  causes: Cause[];
  /** Observation tests worth proposing for this tree, besides each cause's inspection. */
  observations: string[];
  /** What the car and the complaint already say, read without a workshop test. */
  signs: Sign[];
  /** Readiness monitors that must complete again before the repair counts as validated. */
  monitors: string[];
  /**
   * Prior of a cause outside this tree (the `unexplained` event beside the causes): where the
   * probability goes when every cause of the tree has been tested good. 10 % of the causes' priors
   * by default (`unexplained_prior`).
   */
  unexplained: number;
  /** What to do next when no cause is confirmed (escalation), besides the general advice. */
  escalate: Localized[];
}

export interface KnowledgeBase {
  trees: FaultTreeEntry[];
  tests: Map<string, WorkshopTest>;
}
