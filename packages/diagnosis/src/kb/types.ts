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
}

export interface KnowledgeBase {
  trees: FaultTreeEntry[];
  tests: Map<string, WorkshopTest>;
}
