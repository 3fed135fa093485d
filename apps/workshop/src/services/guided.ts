/**
 * What a guided diagnosis works on and how its steps are kept: the facts it starts from (vehicle,
 * complaint, everything read from the car), the car a training scenario plays, and each step saved
 * in one transaction with a version check — two clicks computed from the same state cannot both
 * be saved, so the second is refused in words instead of silently replacing the first.
 */

import type { RecordingOrigin } from '@atelier/can';
import { GuidedSession, type SessionData, type SessionFacts } from '@atelier/diagnosis';
import type { Responder } from '@atelier/obd';
import type { Db, Store } from '../store/store.js';
import { getAssignment, markFinished } from './classes.js';
import {
  type DiagSession,
  getDiagSession,
  guidedOf,
  latestReadings,
  readingsOf,
  samplesOf,
} from './diagnostics.js';
import { ConflictError } from './errors.js';
import { knowledgeBase } from './knowledge.js';
import { getOrder } from './orders.js';
import { getScenario, repairSimulated, responderFor, type TrainingScenario } from './scenarios.js';
import { factsFromReadings } from './session-facts.js';

/** A step computed from a state of the guided diagnosis that another step has replaced since. */
export class StaleGuidedStep extends ConflictError {
  override name = 'StaleGuidedStep';
  constructor() {
    super({
      fr: 'le diagnostic guidé a avancé depuis l’affichage de cette page (un autre clic ou un autre poste) : rien n’est perdu, rechargez la page et refaites ce choix s’il y a lieu',
      en: 'the guided diagnosis moved on since this page was shown (another click or another device): nothing is lost, reload the page and make this choice again if it still applies',
    });
  }
}

/** What the guided diagnosis starts from: vehicle type, complaint and everything read from the car. */
export async function guidedFacts(db: Db, s: DiagSession): Promise<SessionFacts> {
  const readings = latestReadings(await readingsOf(db, s.id));
  const samples = await samplesOf(db, s.id);
  if (s.ro_id) {
    const o = await getOrder(db, s.site_id, s.ro_id);
    return factsFromReadings(readings, samples, {
      vehicle: o.vehicle.energy,
      complaint: o.complaint || undefined,
    });
  }
  if (s.assignment_id) {
    const sc = await getScenario(
      db,
      s.site_id,
      (await getAssignment(db, s.site_id, s.assignment_id)).scenario_id,
    );
    return factsFromReadings(readings, samples, {
      vehicle: sc.vehicle_type,
      complaint: sc.complaint || undefined,
    });
  }
  return factsFromReadings(readings, samples, { vehicle: 'petrol' });
}

/** The session's guided diagnosis, or a refusal when it has not been started. */
export function guidedSessionOf(s: DiagSession): GuidedSession {
  const data = guidedOf(s);
  if (!data)
    throw new ConflictError({
      fr: 'démarrez d’abord le diagnostic guidé',
      en: 'start the guided diagnosis first',
    });
  return GuidedSession.fromJSON(knowledgeBase(), data);
}

/** Refuses at once a request made from a page older than the session's guided state. */
export function checkGuidedVersion(s: DiagSession, seen: number | undefined): void {
  if (seen !== undefined && seen !== s.guided_version) throw new StaleGuidedStep();
}

/**
 * Saves the guided diagnosis as `s` was read plus one step: in one transaction, only if nobody
 * saved a step since `s` was read (`guided_version` unchanged), and with the training assignment
 * marked finished when the diagnosis is done. Returns the new version.
 */
export async function saveGuidedStep(
  store: Store,
  s: Pick<DiagSession, 'id' | 'guided_version' | 'assignment_id'>,
  data: SessionData,
  now: number,
): Promise<number> {
  return store.transaction(async (tx) => {
    const r = await tx.run(
      'UPDATE diag_sessions SET guided = ?, guided_version = guided_version + 1 WHERE id = ? AND guided_version = ?',
      [JSON.stringify(data), s.id, s.guided_version],
    );
    if (r.changes === 0) throw new StaleGuidedStep();
    if (data.state === 'done' && s.assignment_id) await markFinished(tx, s.assignment_id, now);
    return s.guided_version + 1;
  });
}

/** The training scenario a scenario session plays: its assignment's, or the one its adapter spec names. */
async function sessionScenario(db: Db, s: DiagSession): Promise<TrainingScenario> {
  const scenarioId = s.assignment_id
    ? (await getAssignment(db, s.site_id, s.assignment_id)).scenario_id
    : Number(s.adapter_spec);
  return getScenario(db, s.site_id, scenarioId);
}

/**
 * Where a session's traffic comes from, when Atelier knows it: a scenario session on a simulated
 * vehicle (not one playing a recording). Its traffic download starts with the mark as a `#`
 * comment (a comment in a candump log and in an ELM327 transcript alike), so that the file, uploaded
 * again as a recording, says it is simulated (@atelier/can's origin.ts).
 */
export async function sessionOrigin(db: Db, s: DiagSession): Promise<RecordingOrigin | undefined> {
  if (s.adapter_kind !== 'scenario') return undefined;
  const scenario = await sessionScenario(db, s);
  if (scenario.source !== 'sim') return undefined;
  return scenario.sim_name
    ? { source: 'atelier-simulator', scenario: scenario.sim_name }
    : { source: 'atelier-simulator' };
}

/**
 * The car a scenario session plays, found from its assignment (or its adapter spec, the scenario
 * id). A reconnection brings a fresh car: the repairs already recorded are done on it again.
 */
export async function sessionCar(db: Db, s: DiagSession): Promise<Responder> {
  const car = await responderFor(db, await sessionScenario(db, s));
  const guided = guidedOf(await getDiagSession(db, s.site_id, s.id));
  for (const step of guided?.steps ?? []) if (step.kind === 'repair') repairSimulated(car, step.cause);
  return car;
}
