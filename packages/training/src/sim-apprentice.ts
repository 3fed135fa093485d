import { type Clock, VirtualClock } from '@atelier/clock';
import {
  type Cause,
  clearUdsFaultMemories,
  EngineControlError,
  type EngineControls,
  exhaustiveBestOrder,
  type FollowUpRoutine,
  followRecommendations,
  GuidedSession,
  type KnowledgeBase,
  type Lang,
  liveReading,
  type MeasuredReading,
  measurementsFor,
  type RoutineRun,
  readAfterRoadTest,
  readSessionFacts,
  routineTarget,
  runFollowUpRoutine,
  type SessionOutcome,
  selectTrees,
  symptomShows,
  type TestAnswer,
  type VehicleType,
  type Workshop,
  type WorkshopTest,
} from '@atelier/diagnosis';
import { CLEAR_CONFIRMATION, ObdClient } from '@atelier/obd';
import {
  chargeBatteryFully,
  faultNamedBy,
  type Operation,
  OperationError,
  ResponderLink,
  type Scenario,
  Vehicle,
} from '@atelier/vehicle-sim';
import { readBatteryFacts } from './battery-read.js';
import { measureOnCar, refusalText } from './measure-car.js';

/** Minutes of town driving after a repair: enough for the simulated monitors to run again. */
const ROAD_TEST_MIN = 20;

export interface SimRunResult {
  scenario: string;
  /** The knowledge-base cause the injected faults stand for, in the tree the session used. */
  true_cause: string | null;
  conclusion: string | null;
  /** The conclusion's probability when it went to repair (null without a conclusion). */
  confidence: number | null;
  /** How the session ended: a cause verified on the car, no cause confirmed, or still verifying. */
  outcome: SessionOutcome['kind'] | 'unfinished' | 'no-tree';
  tree: string | null;
  dtcs: string[];
  /** The signs read from the car and the complaint that counted as evidence, and how sure each was. */
  signs: { id: string; value: boolean; certainty: number }[];
  steps: { kind: 'test' | 'repair'; id: string; outcome: string; cost: number }[];
  cost: number;
  /** Expected cost of the best inspection order found by exhaustive search on the same evidence. */
  best_cost: number;
}

export interface SimRunOptions {
  seed?: number;
  vehicle?: VehicleType;
  complaint?: string;
  treeId?: string;
  lang?: Lang;
}

export function vehicleTypeOfProfile(name: string, engineKind: string): VehicleType {
  if (name.startsWith('hybrid')) return 'hybrid';
  if (engineKind === 'none') return 'ev';
  if (engineKind === 'compression') return 'diesel';
  return 'petrol';
}

/**
 * The technician's hands on a simulated car: each control operates the vehicle at the clock's time,
 * and a car that cannot do it (an EV, a hybrid) refuses with an EngineControlError.
 */
export function simulatedEngineControls(vehicle: Vehicle, clock: Clock): EngineControls {
  const operate = async (op: Operation) => {
    try {
      vehicle.operate(clock.now(), op);
    } catch (err) {
      if (err instanceof OperationError) throw new EngineControlError(err.message, { cause: err });
      throw err;
    }
  };
  return { holdRpm: (rpm) => operate({ action: 'hold', rpm }), idle: () => operate({ action: 'idle' }) };
}

/** What the apprentice works on: the car, the scan tool's client on it, the clock, their hands. */
export interface CarAtHand {
  vehicle: Vehicle;
  obd: ObdClient;
  clock: VirtualClock;
  controls?: EngineControls;
  vehicleType: VehicleType;
}

/**
 * A test answered from the car: every measurement of the test this car can have — through the link
 * for a live reading (holding the engine when the test needs it), by the instrument on the part
 * otherwise. Values only: the session has the knowledge base read them. Nothing here looks at the
 * test's sensitivities or at the faults in the car.
 */
export async function answerOnCar(car: CarAtHand, test: WorkshopTest): Promise<TestAnswer> {
  const measured: MeasuredReading[] = [];
  for (const { spec, index } of measurementsFor(test, car.vehicleType)) {
    if (!spec.live) continue;
    const value = await car.clock.run(liveReading(car.obd, car.clock, spec.live, car.controls));
    if (value !== undefined) measured.push({ spec: index, value, unit: spec.unit, source: 'simulated' });
  }
  const onCar = measureOnCar(car.vehicle, test, car.vehicleType, car.clock.now());
  measured.push(...onCar.readings);
  return measured.length ? { measured } : { unable: refusalText(test, onCar.refused) };
}

/**
 * The road test after a repair: twenty minutes of town driving and two of idle. A car left stopped
 * (an EV that would not go READY before the repair) is started first, as a technician would; false
 * when it still cannot be driven.
 */
export async function roadTestCar(
  vehicle: Vehicle,
  clock: VirtualClock,
  drive_: { road: 'urban' | 'motorway'; minutes: number } = { road: 'urban', minutes: ROAD_TEST_MIN },
): Promise<boolean> {
  const drive = () => vehicle.roadTest(clock.now(), drive_);
  try {
    try {
      drive();
    } catch (err) {
      if (!(err instanceof OperationError) || err.code !== 'engine-stopped') throw err;
      vehicle.operate(clock.now(), { action: 'start' });
      await clock.advance(5_000);
      drive();
    }
  } catch (err) {
    if (err instanceof OperationError) return false;
    throw err;
  }
  await clock.advance((drive_.minutes + 2) * 60_000);
  return true;
}

/**
 * A follow-up routine run as a technician runs it: through the scan tool on the engine ECU, in
 * virtual time, polled every minute. When the ECU refuses, the technician reads its reason and acts
 * on it once — starts a stopped engine, lets a cold one warm up at idle — then runs it again.
 */
export async function runRoutineOnCar(
  vehicle: Vehicle,
  obd: ObdClient,
  clock: VirtualClock,
  routine: FollowUpRoutine,
): Promise<RoutineRun> {
  const target = routineTarget(routine, vehicle.ecus(), vehicle.extended);
  const run = () =>
    clock.run(
      runFollowUpRoutine(obd.link, target, routine, { clock, wait: (ms) => clock.sleep(ms) }),
      3 * 3_600_000,
    );
  const first = await run();
  // What the technician does on the ECU's reason: start the engine, or let it warm up at idle.
  if (first.status !== 'refused') return first;
  try {
    if (first.reasonId === 'engine_off') {
      vehicle.operate(clock.now(), { action: 'start' });
      await clock.advance(10_000);
    } else if (first.reasonId === 'coolant_cold') {
      vehicle.operate(clock.now(), { action: 'idle' });
      await clock.advance(15 * 60_000);
    } else return first;
  } catch (err) {
    if (err instanceof OperationError) return first;
    throw err;
  }
  return run();
}

/**
 * The simulated apprentice: reads the simulated car through the real client stack (ObdClient over a
 * responder link, in virtual time), follows the guided session, answers each test truthfully from
 * the car (a live reading is measured, holding the engine through `Vehicle.operate` when the test
 * needs it; a physical check finds the fault that is really there), repairs by removing the fault
 * from the car, and verifies by clearing the codes (OBD and UDS), road-testing twenty simulated
 * minutes and re-reading codes and readiness.
 */
export async function runSimulatedApprentice(
  kb: KnowledgeBase,
  scenario: Scenario,
  options: SimRunOptions = {},
): Promise<{ result: SimRunResult; session?: GuidedSession }> {
  if (scenario.recording)
    throw new Error(
      `scenario ${scenario.name} is a recording: the simulated apprentice needs a simulated vehicle`,
    );
  const s: Scenario = {
    ...scenario,
    faults: scenario.faults.map((f) => ({ ...f })),
    seed: options.seed ?? scenario.seed,
  };
  const clock = new VirtualClock();
  const vehicle = Vehicle.fromScenario(s, { startMs: 0 });
  const link = new ResponderLink(vehicle, { clock, extended: s.protocol === 'can29' });
  const obd = new ObdClient(link);
  try {
    // What a technician reads before any test: codes per memory, readiness, freeze frame, live data,
    // and the UDS fault memory of every ECU of the car (a manufacturer tool's full scan).
    const udsEcus = vehicle.ecus();
    const read = await clock.run(
      readSessionFacts(
        obd,
        {
          vehicle: options.vehicle ?? vehicleTypeOfProfile(s.profile.name, s.profile.engine.kind),
          complaint: options.complaint ?? s.complaint[options.lang ?? 'fr'],
        },
        { udsEcus, clock },
      ),
    );
    // On a car with a traction battery, its BMS is read too (the battery report's figures).
    const traction = read.vehicle === 'ev' || read.vehicle === 'hybrid';
    const battery = traction ? await readBatteryFacts(link, clock) : undefined;
    const facts = battery ? { ...read, battery } : read;
    const dtcs = facts.dtcs;
    if (!options.treeId && selectTrees(kb, facts).length === 0) {
      return {
        result: {
          scenario: s.name,
          true_cause: null,
          conclusion: null,
          confidence: null,
          outcome: 'no-tree',
          tree: null,
          dtcs,
          signs: [],
          steps: [],
          cost: 0,
          best_cost: 0,
        },
      };
    }
    const session = GuidedSession.start(kb, facts, { treeId: options.treeId });
    const controls = simulatedEngineControls(vehicle, clock);
    // The answer key, for the result only (the apprentice never reads it): the cause of the
    // session's tree that the scenario's faults stand for.
    const trueCause = session.tree.causes.find((c) => s.faults.some((f) => faultNamedBy(c.simFaults, f)));
    const best = exhaustiveBestOrder(kb, session.tree, session.evidence(), (c) => session.repairCost(c));
    const workshop: Workshop = {
      outcome: (test: WorkshopTest) =>
        answerOnCar({ vehicle, obd, clock, controls, vehicleType: facts.vehicle }, test),
      async repair(cause: Cause) {
        vehicle.repair(cause.simFaults);
      },
      // A charging repair is verified on a charged battery: the one the fault drained goes on the
      // simulated workshop charger first (the road test that follows starts the engine again).
      async chargeBattery() {
        const c = await chargeBatteryFully(
          vehicle,
          () => clock.now(),
          (ms) => clock.advance(ms),
        );
        return { done: c.done, ah: c.ah, minutes: c.minutes, batteryV: c.batteryV, simulated: true };
      },
      async verify() {
        // A repair that calls for a routine before verifying (a forced DPF regeneration after an
        // injector) gets it first, through the scan tool: started on the ECU, its results polled to
        // the end; then the codes it leaves behind are cleared with the others.
        const routine = session.followUp()?.routine;
        if (routine)
          session.recordFollowUp(await runRoutineOnCar(vehicle, obd, clock, routine), { simulated: true });
        const cleared = await clock.run(obd.clearDtcs(CLEAR_CONFIRMATION)).then(
          () => true,
          () => false,
        );
        // Service 04 reaches the emission ECUs only: the others are cleared through UDS.
        await clock.run(clearUdsFaultMemories(obd, udsEcus, clock));
        // The drive cycle that lets the monitors run again, then a few minutes' idle; a car that
        // cannot be driven (engine stopped) idles ten minutes instead, and that is no road test.
        // When the routine could not be done, the drive the follow-up states instead (a sustained
        // fast road that lets the filter burn its soot).
        const drive = session.verificationDrive(ROAD_TEST_MIN);
        const roadTest = await roadTestCar(vehicle, clock, drive);
        if (roadTest) session.recordRoadTest({ ...drive, simulated: true });
        else await clock.advance(10 * 60_000);
        // The car read again as it is now (J1979: permanent codes stay until their monitor passes
        // again, so stored and pending tell whether the fault came back; readiness whether the
        // monitors have run since): the symptom is gone when the car no longer shows it.
        const after = await clock.run(readAfterRoadTest(obd, { vehicle: facts.vehicle }, { udsEcus, clock }));
        const batteryAfter = traction ? await readBatteryFacts(link, clock) : undefined;
        const afterFacts = batteryAfter ? { ...after.facts, battery: batteryAfter } : after.facts;
        return {
          cleared,
          dtcsAfter: after.dtcsAfter,
          symptomGone: !symptomShows(session.tree, afterFacts),
          roadTest,
          ...(after.monitors ? { monitors: after.monitors } : {}),
        };
      },
    };
    await followRecommendations(session, workshop);
    const steps: SimRunResult['steps'] = [];
    for (const x of session.path().steps) {
      if (x.kind === 'test') steps.push({ kind: 'test', id: x.id, outcome: x.outcome, cost: x.cost });
      if (x.kind === 'repair') steps.push({ kind: 'repair', id: x.cause, outcome: 'done', cost: x.cost });
    }
    const cost = Math.round(steps.reduce((a, x) => a + x.cost, 0) * 100) / 100;
    return {
      result: {
        scenario: s.name,
        true_cause: trueCause?.id ?? null,
        conclusion: session.conclusion ?? null,
        confidence: session.outcome?.kind === 'cause' ? session.outcome.confidence : null,
        outcome: session.outcome?.kind ?? 'unfinished',
        tree: session.tree.id,
        dtcs,
        signs: session
          .signs()
          .filter((r) => r.counts)
          .map((r) => ({ id: r.sign.id, value: r.value === true, certainty: r.certainty })),
        steps,
        cost,
        best_cost: Math.round(best.bestCost * 100) / 100,
      },
      session,
    };
  } finally {
    await link.close();
  }
}
