/**
 * Training scenarios: made from a recording or a built-in simulated vehicle, with complaint and
 * true cause; the responder that plays one (the simulator, or the recording answering as the car
 * did), and what the workshop does to a simulated car (repair, road test).
 */

import { responderFromTranscript, Transcript } from '@atelier/elm327';
import { RecordedResponder, type Responder } from '@atelier/obd';
import {
  listScenarios,
  loadScenario,
  OperationError,
  type Scenario,
  scenarioNames,
  Vehicle,
} from '@atelier/vehicle-sim';
import type { Db } from '../store/store.js';
import { NotFoundError, ValidationError } from './errors.js';
import { causeChoices, knowledgeBase } from './knowledge.js';
import { recordingContent, storedLogName } from './recordings.js';
import type { User } from './users.js';

export interface TrainingScenario {
  id: number;
  title: string;
  source: 'sim' | 'recording';
  sim_name: string | null;
  recording_id: number | null;
  vehicle_type: 'petrol' | 'diesel' | 'hybrid' | 'ev';
  vin: string;
  complaint: string;
  true_cause: string;
  notes: string;
  created_at: number;
}

/** The knowledge-base cause a simulator scenario's first fault stands for. */
export function causeOfSim(s: Scenario): string | undefined {
  const fault = s.faults[0]?.type;
  if (!fault) return undefined;
  return causeChoices().find((c) =>
    knowledgeBase().trees.some((t) => t.causes.some((x) => x.id === c.id && x.simFaults.includes(fault))),
  )?.id;
}

export function simScenarios(): Scenario[] {
  return listScenarios();
}

const VEHICLE_OF_PROFILE: Record<string, TrainingScenario['vehicle_type']> = {
  petrol: 'petrol',
  'petrol-v6': 'petrol',
  diesel: 'diesel',
  hybrid: 'hybrid',
  ev: 'ev',
  'ev-kona': 'ev',
};

export async function createScenario(
  db: Db,
  input: {
    title: string;
    source: 'sim' | 'recording';
    simName?: string;
    recordingId?: number;
    vehicleType?: string;
    complaint?: string;
    trueCause?: string;
    notes?: string;
  },
  user: User,
  now: number,
): Promise<TrainingScenario> {
  let vehicle = input.vehicleType ?? '';
  let complaint = input.complaint?.trim() ?? '';
  let trueCause = input.trueCause?.trim() ?? '';
  let vin = '';
  if (input.source === 'sim') {
    if (!input.simName || !scenarioNames().includes(input.simName))
      throw new ValidationError(
        { fr: 'scénario simulé inconnu', en: 'unknown simulated scenario' },
        'simName',
      );
    const s = loadScenario(input.simName);
    vehicle ||= VEHICLE_OF_PROFILE[s.vehicle] ?? 'petrol';
    complaint ||= s.complaint.fr;
    trueCause ||= causeOfSim(s) ?? '';
    vin = s.vin;
  } else {
    if (!input.recordingId)
      throw new ValidationError(
        { fr: 'choisissez un enregistrement', en: 'choose a recording' },
        'recordingId',
      );
    await recordingContent(db, input.recordingId);
  }
  if (!['petrol', 'diesel', 'hybrid', 'ev'].includes(vehicle))
    throw new ValidationError(
      {
        fr: 'type de véhicule attendu : essence, diesel, hybride ou électrique',
        en: 'vehicle type expected: petrol, diesel, hybrid or ev',
      },
      'vehicleType',
    );
  if (!causeChoices().some((c) => c.id === trueCause))
    throw new ValidationError(
      {
        fr: 'vraie cause inconnue de la base de connaissances',
        en: 'true cause unknown to the knowledge base',
      },
      'trueCause',
    );
  const title = input.title.trim();
  if (!title)
    throw new ValidationError(
      { fr: 'le scénario a besoin d’un titre', en: 'the scenario needs a title' },
      'title',
    );
  return (await db.get<TrainingScenario>(
    `INSERT INTO training_scenarios (title, source, sim_name, recording_id, vehicle_type, vin, complaint, true_cause, notes, created_by, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    [
      title,
      input.source,
      input.source === 'sim' ? input.simName! : null,
      input.source === 'recording' ? input.recordingId! : null,
      vehicle,
      vin,
      complaint,
      trueCause,
      input.notes ?? '',
      user.id,
      now,
    ],
  ))!;
}

export async function getScenario(db: Db, id: number): Promise<TrainingScenario> {
  const s = await db.get<TrainingScenario>('SELECT * FROM training_scenarios WHERE id = ?', [id]);
  if (!s) throw new NotFoundError({ fr: 'Scénario', en: 'Scenario' }, id);
  return s;
}

export async function listTrainingScenarios(db: Db): Promise<TrainingScenario[]> {
  return db.all<TrainingScenario>('SELECT * FROM training_scenarios ORDER BY id DESC');
}

/** The vehicle that plays a scenario: the simulator, or the recording answering as the car did. */
export async function responderFor(db: Db, scenario: TrainingScenario): Promise<Responder> {
  if (scenario.source === 'sim') return Vehicle.fromScenario(loadScenario(scenario.sim_name!));
  const r = await recordingContent(db, scenario.recording_id!);
  return r.kind === 'elm327'
    ? responderFromTranscript(Transcript.parse(r.content, r.name), r.name, { pace: 'time' })
    : RecordedResponder.fromCanLogText(r.content, storedLogName(r));
}

/**
 * Repairs a simulated car the way the workshop would: the faults the knowledge-base cause stands
 * for (`simFaults`) are taken out of the car, so the verification read and the live data show
 * whether the repair cured it. A repair of the wrong cause changes nothing. Recordings cannot be
 * repaired (they answer what was recorded).
 */
export function repairSimulated(responder: Responder, causeId: string): boolean {
  if (!(responder instanceof Vehicle)) return false;
  const cause = knowledgeBase()
    .trees.flatMap((t) => t.causes)
    .find((c) => c.id === causeId);
  if (!cause) return false;
  return responder.repair(cause.simFaults).length > 0;
}

/** Minutes of town driving of the simulated road test, and the idle after it before the re-read. */
export const SIM_ROAD_TEST_MIN = 20;

/** A simulated car (not a recording): one that can be repaired and road-tested. */
export const isSimulatedCar = (responder: Responder | undefined): boolean => responder instanceof Vehicle;

/**
 * The road test after a repair, on a simulated car served in real time: twenty minutes of town
 * driving and two of idle pass at once (the physics run every step), so that the monitors can run
 * again before the verification read. False when the car is not simulated or cannot be driven.
 */
export function roadTestSimulated(responder: Responder, nowMs: number): boolean {
  if (!(responder instanceof Vehicle)) return false;
  try {
    responder.roadTest(nowMs, { minutes: SIM_ROAD_TEST_MIN, idleMinutes: 2, fastForward: true });
  } catch (err) {
    if (err instanceof OperationError) return false;
    throw err;
  }
  return true;
}
