import type { Localized } from '../text.js';

export type VehicleType = 'petrol' | 'diesel' | 'hybrid' | 'ev';
export const VEHICLE_TYPES: readonly VehicleType[] = ['petrol', 'diesel', 'hybrid', 'ev'];

/** How well a test separates one cause: P(bad | cause) and P(good | no cause). */
export interface TestCheck {
  sensitivity: number;
  specificity: number;
}

/** Which one of several identical parts a measurement is made on, each in turn. */
export type MeasureEach = 'cylinder' | 'wheel' | 'ecu';

/**
 * How a test is measured on the car, and how the knowledge base reads the value. Either an
 * instrument applied to a component (`instrument`, `component`, `quantity`, `conditions`: what a
 * technician does, and what a simulated car answers through `vehicle.measure`), or a reading through
 * the diagnostic link (`live`: the scan tool, measured by `liveReading`).
 */
export interface MeasurementSpec {
  /** A named reading through the diagnostic link (`running_voltage`, `trim_idle_minus_load` …). */
  live?: string;
  instrument?: string;
  /** The component's id in the instrument catalogue (`ignition_coil`, `intake`, `o2_sensor` …). */
  component?: string;
  /** Which one, when fixed: `{ position: 'upstream', bank: 1 }` for an O2 sensor. */
  at?: Record<string, string | number>;
  /** Measured on every cylinder, wheel or ECU in turn; the test is bad when one of them is. */
  each?: MeasureEach;
  quantity?: string;
  /** Another quantity of the same part subtracted from it (catalyst outlet − inlet temperature). */
  minus?: string;
  /** Operating conditions: `engine` (off, key_on, cranking, idle, rpm_2500, ready), `coolantC`, `loads`… */
  conditions: Record<string, string | number | boolean>;
  /** The vehicle types it is made on (all by default): a compression test needs an engine. */
  vehicles?: VehicleType[];
  /** The unit the value is read in (checked against the instrument catalogue). */
  unit: string;
  /** A number: the healthy range (`above`, `below`), soft within `margin` of a bound. */
  good?: ValueBound;
  /**
   * With `each`: the largest difference from the median of the parts, in %, that is still good (one
   * injector that flows clearly less than the others).
   */
  spread?: number;
  /** A reading in words: the words that are good, and those that are bad (every word is one or the other). */
  goodWords?: string[];
  badWords?: string[];
  /** What is measured, in words ("résistance secondaire de la bobine"). */
  label: Localized;
}

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
  /**
   * The test is made with the HV system energised — the car READY, or its engine cranking or running
   * (`energised: true` in the YAML; false by default). It cannot be done while the HV system is
   * locked out: the session asks for the lock-out lifted (`hv_unlock`, by a BCL) before it. Never
   * together with `hv_lockout` in `safety` (`kb lint` refuses it).
   */
  energised: boolean;
  checks: Record<string, TestCheck>;
  /**
   * How the test is measured on the car and read (none: a check done by hand, whose outcome the
   * technician gives). On a simulated car, the measurement comes from the car's physics.
   */
  measure: MeasurementSpec[];
}

export interface Repair extends Localized {
  hours: number;
  /** Parts cost in euros. */
  parts: number;
  /**
   * The high-voltage parts the repair works on (`hv_parts:`, ids of `HV_PARTS`): empty for a repair
   * away from the HV system. `kb lint` asks such a repair for its safety steps.
   */
  hvParts: string[];
  /**
   * Safety steps done before the repair is recorded, as a test's (`hv_lockout`, `habilitation_B2VL`):
   * checked against the people register where one is kept, confirmed at a prompt otherwise.
   */
  safety: string[];
  /**
   * What the technician does after the repair and before the verification, when the repair alone does
   * not take the symptom out of the car (a DPF still loaded with the soot a leaking injector made
   * needs a regeneration): said to the technician, and `road` is the verification drive it calls for.
   */
  after?: RepairFollowUp;
}

export interface RepairFollowUp extends Localized {
  /** The road the verification drive takes (town by default): `motorway` lets a DPF regenerate. */
  road: 'urban' | 'motorway';
  /** Minutes of that drive. */
  minutes: number;
  /**
   * The scan-tool routine that does it on the car (a forced DPF regeneration), when there is one: the
   * technician runs it and waits for its result; the drive is the way when it cannot run.
   */
  routine?: FollowUpRoutine;
  /**
   * The 12 V battery is charged on a workshop charger before the verification: the fault repaired
   * (an alternator that stopped charging) drained it, and a drained battery takes all a sound
   * alternator gives at idle, holding the running voltage under the "not charging" line. Until it
   * is charged, a low voltage proves nothing either way.
   */
  chargeBattery?: boolean;
}

/** A RoutineControl (ISO 14229 service 0x31) the technician runs after a repair. */
export interface FollowUpRoutine {
  /** The ECU that runs it, by role. */
  ecu: 'engine';
  /** Its routine identifier, as the maker's tool knows it. */
  id: number;
  /** How its results record reads. */
  record: 'dpf_regeneration';
  /** Longest the technician waits for it to end, minutes. */
  maxMinutes: number;
  /** What the button and the path call it. */
  name: Localized;
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
  /** The traction battery's report read at the start (`BATTERY_FIGURES` keys; `requires`: the context). */
  | { source: 'battery'; values: Record<string, ValueBound>; requires: Record<string, ValueBound> }
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
  /**
   * A complaint sign that describes the tree's symptom itself as drivers see it ("the needle went
   * into the red"), not when or how often it happens ("when braking", "now and then"): worth a test
   * without a code (`describes: symptom` in the YAML).
   */
  describesSymptom?: boolean;
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
