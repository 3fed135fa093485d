/**
 * Training scenarios: made from a recording or a built-in simulated vehicle, with complaint and
 * true cause; the responder that plays one (the simulator, or the recording answering as the car
 * did), and what the workshop does to a simulated car (repair, road test).
 */

import { decodeText, TextEncodingError } from '@atelier/can';
import { responderFromTranscript, Transcript } from '@atelier/elm327';
import { RecordedResponder, type Responder } from '@atelier/obd';
import {
  type BatteryChargeReport,
  chargeBatteryFully,
  faultNamedBy,
  listScenarios,
  loadScenario,
  OperationError,
  parseScenario,
  type Scenario,
  ScenarioError,
  scenarioNames,
  Vehicle,
} from '@atelier/vehicle-sim';
import type { Db } from '../store/store.js';
import { NotFoundError, ValidationError } from './errors.js';
import { causeChoices, knowledgeBase } from './knowledge.js';
import { checkRecordingName, recordingContent, storedLogName, UploadRefused } from './recordings.js';
import type { User } from './users.js';

export interface TrainingScenario {
  id: number;
  site_id: number;
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
  /** A simulated scenario uploaded as a file (its YAML), played instead of a built-in one. */
  sim_file: string | null;
}

/** The true cause of a scenario whose car has no fault: the right ending is "no cause confirmed". */
export const NO_FAULT = 'none';

/** The knowledge-base causes that stand for one of a simulated scenario's faults, in the KB's order. */
export function causesOfSim(s: Scenario): string[] {
  return causeChoices()
    .map((c) => c.id)
    .filter((id) =>
      knowledgeBase().trees.some((t) =>
        t.causes.some((x) => x.id === id && s.faults.some((f) => faultNamedBy(x.simFaults, f))),
      ),
    );
}

/** The knowledge-base cause a simulator scenario's first fault stands for ("none" without a fault). */
export function causeOfSim(s: Scenario): string | undefined {
  if (!s.faults.length) return NO_FAULT;
  const first = s.faults[0]!;
  return causesOfSim({ ...s, faults: [first] }).find((id) =>
    knowledgeBase().trees.some((t) => t.causes.some((x) => x.id === id && faultNamedBy(x.simFaults, first))),
  );
}

/**
 * A simulated scenario's stated true cause must be what its faults are: "none" for a car without a
 * fault, otherwise a cause that stands for one of them. Checked when a scenario is created and when
 * its car is loaded.
 */
export function checkTrueCause(s: Scenario, trueCause: string): void {
  const faults = s.faults.map((f) => f.type).join(', ');
  if (!s.faults.length) {
    if (trueCause !== NO_FAULT)
      throw new ValidationError(
        {
          fr: `le scénario ${s.name} n’injecte aucun défaut : sa vraie cause est « aucun défaut », pas ${trueCause}`,
          en: `scenario ${s.name} injects no fault: its true cause is "no fault", not ${trueCause}`,
        },
        'trueCause',
      );
    return;
  }
  const fits = causesOfSim(s);
  if (!fits.includes(trueCause))
    throw new ValidationError(
      {
        fr: `la vraie cause ${trueCause} ne correspond à aucun défaut du scénario ${s.name} (${faults}) : ${fits.join(', ') || 'aucune cause connue'}`,
        en: `true cause ${trueCause} matches none of scenario ${s.name}'s faults (${faults}): ${fits.join(', ') || 'no known cause'}`,
      },
      'trueCause',
    );
}

/** An uploaded scenario file's name (a label, never a path) and text (UTF-8, no binary), or a refusal. */
export function checkScenarioUpload(filename: string, bytes: Uint8Array): { name: string; text: string } {
  const name = checkRecordingName(filename);
  if (!bytes.length) throw new UploadRefused({ fr: 'fichier vide', en: 'empty file' });
  try {
    // UTF-8, UTF-16 with its BOM, or Windows-1252 ("ANSI", as Notepad saves on a French Windows).
    return { name, text: decodeText(bytes).text };
  } catch (err) {
    if (!(err instanceof TextEncodingError)) throw err;
    throw new UploadRefused({
      fr: `contenu binaire (octet ${err.offset}) : un fichier de scénario est un texte YAML`,
      en: `binary content (byte ${err.offset}): a scenario file is YAML text`,
    });
  }
}

/** A scenario file as uploaded: parsed and validated, a bad file refused with its line and field. */
export function parseScenarioFile(name: string, text: string): Scenario {
  try {
    return parseScenario(text, name);
  } catch (err) {
    if (err instanceof ScenarioError)
      throw new ValidationError(
        {
          fr: `fichier de scénario refusé : ${err.messageIn('fr')}`,
          en: `scenario file refused: ${err.messageIn('en')}`,
        },
        'file',
      );
    throw err;
  }
}

/** The simulated scenario a training scenario plays: its uploaded file, or a built-in one by name. */
export function simOf(ts: Pick<TrainingScenario, 'sim_name' | 'sim_file' | 'title'>): Scenario {
  return ts.sim_file ? parseScenarioFile(ts.sim_name ?? ts.title, ts.sim_file) : loadScenario(ts.sim_name!);
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
    /** A scenario file uploaded instead of a built-in name: its name and text. */
    simFile?: { name: string; text: string };
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
  let sim: Scenario | undefined;
  let batteryRead = false;
  if (input.source === 'sim') {
    if (input.simFile) sim = parseScenarioFile(input.simFile.name, input.simFile.text);
    else if (!input.simName || !scenarioNames().includes(input.simName))
      throw new ValidationError(
        { fr: 'scénario simulé inconnu', en: 'unknown simulated scenario' },
        'simName',
      );
    else sim = loadScenario(input.simName);
    if (sim.recording)
      throw new ValidationError(
        {
          fr: 'un fichier de scénario qui renvoie à un enregistrement : téléversez l’enregistrement',
          en: 'a scenario file that points at a recording: upload the recording instead',
        },
        'file',
      );
    vehicle ||= VEHICLE_OF_PROFILE[sim.vehicle] ?? 'petrol';
    complaint ||= sim.complaint.fr;
    trueCause ||= causeOfSim(sim) ?? '';
    vin = sim.vin;
  } else {
    if (!input.recordingId)
      throw new ValidationError(
        { fr: 'choisissez un enregistrement', en: 'choose a recording' },
        'recordingId',
      );
    const recording = await recordingContent(db, user.site_id, input.recordingId);
    // A recording of traction-battery reads makes a battery session: no cause to find, the report
    // read is what is assessed (assessment.ts), so it needs no knowledge-base cause.
    batteryRead = !!(JSON.parse(recording.summary || '{}') as { battery?: unknown }).battery;
  }
  if (!['petrol', 'diesel', 'hybrid', 'ev'].includes(vehicle))
    throw new ValidationError(
      {
        fr: 'type de véhicule attendu : essence, diesel, hybride ou électrique',
        en: 'vehicle type expected: petrol, diesel, hybrid or ev',
      },
      'vehicleType',
    );
  if (sim) checkTrueCause(sim, trueCause);
  if (
    !(batteryRead && !trueCause) &&
    trueCause !== NO_FAULT &&
    !causeChoices().some((c) => c.id === trueCause)
  )
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
    `INSERT INTO training_scenarios (site_id, title, source, sim_name, recording_id, vehicle_type, vin, complaint, true_cause, notes, created_by, created_at, sim_file)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    [
      user.site_id,
      title,
      input.source,
      input.source === 'sim' ? (input.simFile?.name ?? input.simName!) : null,
      input.source === 'recording' ? input.recordingId! : null,
      vehicle,
      vin,
      complaint,
      trueCause,
      input.notes ?? '',
      user.id,
      now,
      input.source === 'sim' ? (input.simFile?.text ?? null) : null,
    ],
  ))!;
}

/** A scenario of `site`: another site's is not found. */
export async function getScenario(db: Db, site: number, id: number): Promise<TrainingScenario> {
  const s = await db.get<TrainingScenario>('SELECT * FROM training_scenarios WHERE id = ? AND site_id = ?', [
    id,
    site,
  ]);
  if (!s) throw new NotFoundError({ fr: 'Scénario', en: 'Scenario' }, id);
  return s;
}

export async function listTrainingScenarios(db: Db, site: number): Promise<TrainingScenario[]> {
  return db.all<TrainingScenario>('SELECT * FROM training_scenarios WHERE site_id = ? ORDER BY id DESC', [
    site,
  ]);
}

/** The vehicle that plays a scenario: the simulator, or the recording answering as the car did. */
export async function responderFor(db: Db, scenario: TrainingScenario): Promise<Responder> {
  if (scenario.source === 'sim') {
    const sim = simOf(scenario);
    // The answer key must still fit the car (a built-in scenario may have changed since).
    checkTrueCause(sim, scenario.true_cause);
    return Vehicle.fromScenario(sim);
  }
  const r = await recordingContent(db, scenario.site_id, scenario.recording_id!);
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

/** Why a simulated car's engine did not start, in words. */
export type StartRefusal = { fr: string; en: string };

/**
 * Starts a simulated car's engine (the technician turning the key on a car served in real time, so
 * that an ECU routine that needs it running — a forced DPF regeneration — can run): the starter, then
 * five seconds for it to settle at idle. Undefined when the engine runs (or already ran); else why
 * not. Only a simulated car: a real one is started by the technician, never through the dashboard.
 */
export function startSimulated(responder: Responder, nowMs: number): StartRefusal | undefined {
  if (!(responder instanceof Vehicle))
    return { fr: 'ce n’est pas un véhicule simulé', en: 'this is not a simulated car' };
  try {
    responder.operate(nowMs, { action: 'start' });
  } catch (err) {
    if (!(err instanceof OperationError)) throw err;
    if (err.code !== 'engine-running')
      return {
        fr:
          err.code === 'no-engine-speed'
            ? 'ce véhicule n’a pas de moteur à démarrer'
            : 'le véhicule refuse le démarrage',
        en:
          err.code === 'no-engine-speed'
            ? 'this car has no engine to start'
            : `the car refuses to start (${err.message})`,
      };
  }
  responder.fastForward(nowMs, 5);
  return responder.model.engineOn
    ? undefined
    : { fr: 'le moteur tourne au démarreur mais ne démarre pas', en: 'the engine cranks but does not start' };
}

/** Whether a simulated car's engine runs now (undefined: not a simulated car). */
export function engineRunsSimulated(responder: Responder | undefined, nowMs: number): boolean | undefined {
  if (!(responder instanceof Vehicle)) return undefined;
  responder.advance(nowMs);
  return responder.model.engineOn;
}

/** Minutes of town driving of the simulated road test, and the idle after it before the re-read. */
export const SIM_ROAD_TEST_MIN = 20;

/** A simulated car (not a recording): one that can be repaired and road-tested. */
export const isSimulatedCar = (responder: Responder | undefined): boolean => responder instanceof Vehicle;

/**
 * The road test after a repair, on a simulated car served in real time: twenty minutes of town
 * driving (or the drive a repair's follow-up calls for) and two of idle pass at once (the physics run every step), so that the monitors can run
 * again before the verification read. False when the car is not simulated or cannot be driven.
 */
/**
 * The battery of a connected simulated car charged on the workshop charger, fast-forwarded (a
 * charge takes hours): key out, charger on until it ends, ignition on again. Undefined when the
 * responder is no simulated car; an OperationError when it cannot be done.
 */
export async function chargeBatterySimulated(
  responder: Responder,
  now: () => number,
): Promise<BatteryChargeReport | undefined> {
  if (!(responder instanceof Vehicle)) return undefined;
  return chargeBatteryFully(responder, now, (ms) => responder.fastForward(now(), ms / 1000));
}

export function roadTestSimulated(
  responder: Responder,
  nowMs: number,
  route: { road: 'urban' | 'motorway'; minutes: number } = { road: 'urban', minutes: SIM_ROAD_TEST_MIN },
): boolean {
  if (!(responder instanceof Vehicle)) return false;
  const drive = () => responder.roadTest(nowMs, { ...route, idleMinutes: 2, fastForward: true });
  try {
    try {
      drive();
    } catch (err) {
      // A car left stopped (an EV that would not go READY before its repair) is started first.
      if (!(err instanceof OperationError) || err.code !== 'engine-stopped') throw err;
      responder.operate(nowMs, { action: 'start' });
      drive();
    }
  } catch (err) {
    if (err instanceof OperationError) return false;
    throw err;
  }
  return true;
}
