/**
 * Training: recordings an instructor uploads (checked before anything is stored), scenarios made
 * from a recording or a simulated vehicle, classes, assignments with due dates, the responder that
 * plays a scenario, the assessment of each apprentice's path against the expert path, and the
 * anonymised training export.
 */
import {
  collectStats,
  DbcDecoder,
  detectFormat,
  type Frame,
  LogParseError,
  parseDbc,
  readLogText,
} from '@atelier/can';
import {
  type Assessment,
  assessPath,
  type DiagnosticPath,
  followRecommendations,
  GuidedSession,
  type KnowledgeBase,
  loadKnowledgeBase,
  type SessionData,
  type Workshop,
} from '@atelier/diagnosis';
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
import type { Text } from '../i18n.js';
import type { Db, Store } from '../store/store.js';
import { DomainError, NotFoundError, ValidationError } from './errors.js';
import type { User } from './users.js';

/** Largest recording accepted, bytes: a few minutes of a busy bus as candump text. */
export const MAX_RECORDING_BYTES = 4 * 1024 * 1024;

/** An upload refused before anything was stored; `status` 413 for oversize, else 400. */
export class UploadRefused extends DomainError {
  override name = 'UploadRefused';
  override readonly status: number;
  constructor(text: Text, status = 400) {
    super(text, 'file');
    this.status = status;
  }
}

let kbCache: KnowledgeBase | undefined;
export function knowledgeBase(): KnowledgeBase {
  kbCache ??= loadKnowledgeBase();
  return kbCache;
}

export interface CheckedRecording {
  name: string;
  kind: 'can' | 'elm327';
  format: string;
  size: number;
  text: string;
  summary: Record<string, unknown>;
}

const isControl = (c: string) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f;
const hasControl = (s: string) => [...s].some(isControl);
const showControls = (s: string) => [...s].map((c) => (isControl(c) ? '?' : c)).join('');

/**
 * Refuses names that try to be paths (`../x`, `/etc/x`, `a\b`), hidden or device-like names and
 * control characters. The name is only ever a label — never a path on disk — but a name that tries
 * is a sign of a forged request and is refused, not quietly cleaned.
 */
export function checkRecordingName(name: string): string {
  const n = name.normalize('NFC');
  if (!n || n.length > 120)
    throw new UploadRefused({
      fr: 'nom de fichier vide ou trop long (120 caractères au plus)',
      en: 'file name empty or too long (120 characters at most)',
    });
  if (/[/\\]/.test(n) || n.includes('..') || n.startsWith('.') || hasControl(n) || /^[A-Za-z]:/.test(n))
    throw new UploadRefused({
      fr: `nom de fichier refusé « ${showControls(n)} » : pas de chemin (/, \\, ..), pas de nom caché ni de caractère de contrôle`,
      en: `file name refused '${showControls(n)}': no path (/, \\, ..), no hidden name, no control character`,
    });
  return n;
}

/** Checks an uploaded recording fully (every line parsed) and summarises it. */
export async function checkRecording(name: string, bytes: Uint8Array): Promise<CheckedRecording> {
  const label = checkRecordingName(name);
  if (bytes.length > MAX_RECORDING_BYTES)
    throw new UploadRefused(
      {
        fr: `fichier trop volumineux : ${Math.ceil(bytes.length / 1024)} Kio (limite ${MAX_RECORDING_BYTES / 1024} Kio)`,
        en: `file too large: ${Math.ceil(bytes.length / 1024)} KiB (limit ${MAX_RECORDING_BYTES / 1024} KiB)`,
      },
      413,
    );
  if (bytes.length === 0) throw new UploadRefused({ fr: 'fichier vide', en: 'empty file' });
  const nul = bytes.indexOf(0);
  let text: string;
  try {
    if (nul >= 0) throw new Error('nul');
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UploadRefused({
      fr: `contenu binaire${nul >= 0 ? ` (octet nul à la position ${nul})` : ' (UTF-8 invalide)'} : un journal CAN ou un transcript ELM327 est un fichier texte`,
      en: `binary content${nul >= 0 ? ` (NUL byte at offset ${nul})` : ' (invalid UTF-8)'}: a CAN log or an ELM327 transcript is a text file`,
    });
  }
  // An ELM327 transcript (the elm327 package's format): `<ms>\t<tx|rx|note>\t"<json>"` lines.
  const firstLine = text.split('\n').find((l) => l.trim() && !l.startsWith('#')) ?? '';
  if (/^\d+(\.\d+)?\t(tx|rx|note)\t"/.test(firstLine)) {
    try {
      const entries = Transcript.parse(text, label);
      const requests = entries.filter((e) => e.dir === 'tx').length;
      // Building the responder proves the transcript holds answered diagnostic requests.
      responderFromTranscript(entries, label);
      return {
        name: label,
        kind: 'elm327',
        format: 'elm327-transcript',
        size: bytes.length,
        text,
        summary: { entries: entries.length, requests },
      };
    } catch (err) {
      throw new UploadRefused({
        fr: `transcript ELM327 illisible : ${(err as Error).message}`,
        en: `unreadable ELM327 transcript: ${(err as Error).message}`,
      });
    }
  }
  let format: string;
  try {
    format = detectFormat(label, bytes.subarray(0, 4096));
  } catch (err) {
    throw new UploadRefused({
      fr: `format non reconnu (${(err as Error).message}) : attendu candump, ASC, TRC, CSV SavvyCAN ou transcript ELM327`,
      en: `unknown format (${(err as Error).message}): expected candump, ASC, TRC, SavvyCAN CSV or an ELM327 transcript`,
    });
  }
  try {
    const frames: Frame[] = [];
    for await (const f of readLogText(bytes, label)) frames.push(f);
    if (!frames.length) throw new LogParseError(label, 1, 'no frame in the file');
    const stats = await collectStats(frames);
    return {
      name: label,
      kind: 'can',
      format,
      size: bytes.length,
      text,
      summary: { frames: stats.frames, ids: stats.ids.length, duration: stats.duration },
    };
  } catch (err) {
    if (err instanceof DomainError) throw err;
    throw new UploadRefused({
      fr: `journal ${format} invalide : ${(err as Error).message}`,
      en: `invalid ${format} log: ${(err as Error).message}`,
    });
  }
}

export interface RecordingRow {
  id: number;
  name: string;
  kind: 'can' | 'elm327';
  format: string;
  size: number;
  summary: string;
  uploaded_at: number;
}

export async function saveRecording(
  db: Db,
  r: CheckedRecording,
  user: User,
  now: number,
): Promise<RecordingRow> {
  return (await db.get<RecordingRow>(
    'INSERT INTO recordings (name, kind, format, size, content, summary, uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id, name, kind, format, size, summary, uploaded_at',
    [r.name, r.kind, r.format, r.size, r.text, JSON.stringify(r.summary), user.id, now],
  ))!;
}

export async function listRecordings(db: Db): Promise<RecordingRow[]> {
  return db.all<RecordingRow>(
    'SELECT id, name, kind, format, size, summary, uploaded_at FROM recordings ORDER BY id DESC',
  );
}

export async function recordingContent(db: Db, id: number): Promise<RecordingRow & { content: string }> {
  const r = await db.get<RecordingRow & { content: string }>('SELECT * FROM recordings WHERE id = ?', [id]);
  if (!r) throw new NotFoundError({ fr: 'Enregistrement', en: 'Recording' }, id);
  return r;
}

/** Frames and per-id statistics of a CAN recording, for the replay page (first `limit` frames). */
export async function replayData(db: Db, id: number, limit = 5000) {
  const r = await recordingContent(db, id);
  if (r.kind !== 'can')
    throw new ValidationError({
      fr: 'seul un journal CAN se rejoue trame par trame',
      en: 'only a CAN log replays frame by frame',
    });
  const frames: Frame[] = [];
  for await (const f of readLogText(r.content, r.name)) frames.push(f);
  const stats = await collectStats(frames);
  const t0 = frames[0]?.timestamp ?? 0;
  return {
    name: r.name,
    stats,
    frames: frames.slice(0, limit).map((f) => ({
      t: Math.round((f.timestamp - t0) * 1e6) / 1e6,
      id: f.id
        .toString(16)
        .toUpperCase()
        .padStart(f.extended ? 8 : 3, '0'),
      data: Buffer.from(f.data).toString('hex').toUpperCase(),
    })),
    truncated: frames.length > limit,
  };
}

// ——— Scenarios ———

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

/** Every cause of the knowledge base, for the true-cause choice: id, tree and names. */
export function causeChoices(): { id: string; tree: string; name: Text; treeTitle: Text }[] {
  const out = new Map<string, { id: string; tree: string; name: Text; treeTitle: Text }>();
  for (const t of knowledgeBase().trees)
    for (const c of t.causes)
      if (!out.has(c.id)) out.set(c.id, { id: c.id, tree: t.id, name: c.name, treeTitle: t.title });
  return [...out.values()];
}

/**
 * A cause's name. Cause ids repeat across trees with names that fit each tree ("exhaust_leak" is
 * before the upstream sensor in the lean tree, between catalyst and downstream sensor in the catalyst
 * tree): give the tree when it is known.
 */
export function causeName(id: string, treeId?: string): Text {
  const tree = treeId ? knowledgeBase().trees.find((t) => t.id === treeId) : undefined;
  const inTree = tree?.causes.find((c) => c.id === id)?.name;
  return inTree ?? causeChoices().find((c) => c.id === id)?.name ?? { fr: id, en: id };
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
    : RecordedResponder.fromCanLogText(r.content, r.name);
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

// ——— Classes and assignments ———

export async function createClass(
  db: Db,
  name: string,
  memberIds: number[],
  now: number,
): Promise<{ id: number }> {
  const n = name.trim();
  if (!n)
    throw new ValidationError({ fr: 'la classe a besoin d’un nom', en: 'the class needs a name' }, 'name');
  const c = (await db.get<{ id: number }>(
    'INSERT INTO classes (name, created_at) VALUES (?, ?) RETURNING id',
    [n, now],
  ))!;
  for (const u of memberIds)
    await db.run('INSERT INTO class_members (class_id, user_id) VALUES (?, ?)', [c.id, u]);
  return c;
}

export async function listClasses(
  db: Db,
): Promise<{ id: number; name: string; members: { id: number; name: string }[] }[]> {
  const classes = await db.all<{ id: number; name: string }>('SELECT id, name FROM classes ORDER BY name');
  const out = [];
  for (const c of classes)
    out.push({
      ...c,
      members: await db.all<{ id: number; name: string }>(
        'SELECT u.id, u.name FROM class_members m JOIN users u ON u.id = m.user_id WHERE m.class_id = ? ORDER BY u.name',
        [c.id],
      ),
    });
  return out;
}

export async function listApprentices(db: Db): Promise<{ id: number; name: string }[]> {
  return db.all("SELECT id, name FROM users WHERE role = 'apprentice' AND active = 1 ORDER BY name");
}

/** Assigns a scenario to apprentices and/or every member of a class; an existing assignment keeps its progress. */
export async function assignScenario(
  store: Store,
  input: { scenarioId: number; userIds: number[]; classId?: number | null; dueOn: string },
  by: User,
  now: number,
): Promise<number> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.dueOn) || Number.isNaN(Date.parse(input.dueOn)))
    throw new ValidationError(
      { fr: 'date limite attendue (AAAA-MM-JJ)', en: 'due date expected (YYYY-MM-DD)' },
      'dueOn',
    );
  await getScenario(store, input.scenarioId);
  return store.transaction(async (tx) => {
    const ids = new Set(input.userIds);
    if (input.classId)
      for (const m of await tx.all<{ user_id: number }>(
        'SELECT user_id FROM class_members WHERE class_id = ?',
        [input.classId],
      ))
        ids.add(m.user_id);
    if (!ids.size)
      throw new ValidationError(
        { fr: 'choisissez des apprentis ou une classe', en: 'choose apprentices or a class' },
        'userIds',
      );
    let n = 0;
    for (const u of ids) {
      const role = await tx.get<{ role: string }>('SELECT role FROM users WHERE id = ?', [u]);
      if (!role) throw new NotFoundError({ fr: 'Utilisateur', en: 'User' }, u);
      const existing = await tx.get<{ id: number }>(
        'SELECT id FROM training_assignments WHERE scenario_id = ? AND user_id = ?',
        [input.scenarioId, u],
      );
      if (existing)
        await tx.run('UPDATE training_assignments SET due_on = ? WHERE id = ?', [input.dueOn, existing.id]);
      else
        await tx.run(
          'INSERT INTO training_assignments (scenario_id, user_id, class_id, due_on, assigned_by, assigned_at) VALUES (?, ?, ?, ?, ?, ?)',
          [input.scenarioId, u, input.classId ?? null, input.dueOn, by.id, now],
        );
      n++;
    }
    return n;
  });
}

export interface AssignmentRow {
  id: number;
  scenario_id: number;
  title: string;
  user_id: number;
  user_name: string;
  class_id: number | null;
  class_name: string | null;
  due_on: string;
  started_at: number | null;
  finished_at: number | null;
  session_id: number | null;
}

const ASSIGNMENTS_SQL = `SELECT a.id, a.scenario_id, s.title, a.user_id, u.name AS user_name, a.class_id, c.name AS class_name, a.due_on,
  a.started_at, a.finished_at, (SELECT MAX(d.id) FROM diag_sessions d WHERE d.assignment_id = a.id) AS session_id
  FROM training_assignments a JOIN training_scenarios s ON s.id = a.scenario_id JOIN users u ON u.id = a.user_id LEFT JOIN classes c ON c.id = a.class_id`;

export async function assignmentsOf(
  db: Db,
  filter: { userId?: number; scenarioId?: number; classId?: number } = {},
): Promise<AssignmentRow[]> {
  const where: string[] = [];
  const params: number[] = [];
  if (filter.userId) where.push('a.user_id = ?') && params.push(filter.userId);
  if (filter.scenarioId) where.push('a.scenario_id = ?') && params.push(filter.scenarioId);
  if (filter.classId) where.push('a.class_id = ?') && params.push(filter.classId);
  return db.all<AssignmentRow>(
    `${ASSIGNMENTS_SQL}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY a.due_on, u.name`,
    params,
  );
}

export async function getAssignment(db: Db, id: number): Promise<AssignmentRow> {
  const a = await db.get<AssignmentRow>(`${ASSIGNMENTS_SQL} WHERE a.id = ?`, [id]);
  if (!a) throw new NotFoundError({ fr: 'Affectation', en: 'Assignment' }, id);
  return a;
}

export async function markStarted(db: Db, assignmentId: number, now: number): Promise<void> {
  await db.run('UPDATE training_assignments SET started_at = COALESCE(started_at, ?) WHERE id = ?', [
    now,
    assignmentId,
  ]);
}

export async function markFinished(db: Db, assignmentId: number, now: number): Promise<void> {
  await db.run('UPDATE training_assignments SET finished_at = COALESCE(finished_at, ?) WHERE id = ?', [
    now,
    assignmentId,
  ]);
}

// ——— Assessment ———

/** The expert path on the same evidence: follow the recommendations, answering truthfully for the true cause. */
export async function expertPath(
  kb: KnowledgeBase,
  facts: SessionData['facts'],
  trueCause: string,
): Promise<DiagnosticPath> {
  const tree = kb.trees.find((t) => t.causes.some((c) => c.id === trueCause));
  const session = GuidedSession.start(kb, facts, tree ? { treeId: tree.id } : {});
  const workshop: Workshop = {
    outcome: async (test) =>
      test.checks[trueCause] && test.checks[trueCause]!.sensitivity > 0.5 ? 'bad' : 'good',
    repair: async () => {},
    verify: async () => {
      const cured = session.steps.filter((s) => s.kind === 'repair').at(-1);
      const ok = cured?.kind === 'repair' && cured.cause === trueCause;
      // The expert clears, road-tests and reads readiness: the tree's monitors complete when cured.
      const monitors = Object.fromEntries(
        session.tree.monitors.map((m) => [m, ok ? ('complete' as const) : ('incomplete' as const)]),
      );
      return { cleared: true, dtcsAfter: ok ? [] : facts.dtcs, symptomGone: ok, monitors };
    },
  };
  await followRecommendations(session, workshop);
  return session.path();
}

export interface AssessedAssignment {
  assignment: AssignmentRow;
  scenario: TrainingScenario;
  /** Null while the apprentice has no guided path yet. */
  assessment: Assessment | null;
  apprentice: DiagnosticPath | null;
  expert: DiagnosticPath | null;
  minutes: number | null;
}

export async function assessAssignment(db: Db, assignmentId: number): Promise<AssessedAssignment> {
  const assignment = await getAssignment(db, assignmentId);
  const scenario = await getScenario(db, assignment.scenario_id);
  const row = assignment.session_id
    ? await db.get<{ guided: string | null; started_at: number; ended_at: number | null }>(
        'SELECT guided, started_at, ended_at FROM diag_sessions WHERE id = ?',
        [assignment.session_id],
      )
    : undefined;
  if (!row?.guided)
    return { assignment, scenario, assessment: null, apprentice: null, expert: null, minutes: null };
  const data = JSON.parse(row.guided) as SessionData;
  const apprentice: DiagnosticPath = { treeId: data.treeId, steps: data.steps, conclusion: data.conclusion };
  const kb = knowledgeBase();
  const expert = await expertPath(kb, data.facts, scenario.true_cause);
  const minutes =
    assignment.finished_at && assignment.started_at
      ? Math.round((assignment.finished_at - assignment.started_at) / 60_000)
      : null;
  return {
    assignment,
    scenario,
    assessment: assessPath(kb, apprentice, expert, scenario.true_cause),
    apprentice,
    expert,
    minutes,
  };
}

// ——— Anonymised training export ———

/** Keeps the VIN's maker, model and year part (the first 11 characters), masks the serial number. */
export function truncateVin(vin: string | null | undefined): string | null {
  if (!vin) return vin ?? null;
  return vin.length > 11 ? `${vin.slice(0, 11)}${'*'.repeat(vin.length - 11)}` : vin;
}

/**
 * Hides the VIN answer in an ELM327 transcript: the adapter's reply to a `0902` request carries
 * the VIN as hex, so every rx entry up to the next prompt after it is replaced by a note.
 */
export function maskTranscriptVin(text: string): string {
  const out: string[] = [];
  let masking = false;
  for (const line of text.split('\n')) {
    const m = /^(\d+(?:\.\d+)?)\t(tx|rx|note)\t(".*")$/.exec(line);
    if (!m) {
      out.push(line);
      continue;
    }
    const data = JSON.parse(m[3]!) as string;
    if (m[2] === 'tx') masking = /^\s*0902/i.test(data.replace(/\s+/g, ''));
    if (m[2] === 'rx' && masking) {
      out.push(`${m[1]}\tnote\t${JSON.stringify('VIN answer removed for training export')}`);
      if (data.includes('>')) masking = false;
      continue;
    }
    out.push(line);
  }
  return out.join('\n');
}

// ——— DBC signals of a replay ———

export interface DbcSeries {
  file: string;
  decoded: number;
  /** `Message.Signal` → [seconds from the first frame, value] points. */
  series: Record<string, [number, number][]>;
}

/** Signals plotted at most, and points per signal: enough to read a replay, small enough for a page. */
const MAX_SIGNALS = 8;
const MAX_POINTS = 5000;

/** Decodes a CAN recording with a DBC given as an upload; a bad DBC is refused naming its line. */
export async function dbcSeries(
  db: Db,
  recordingId: number,
  name: string,
  bytes: Uint8Array,
): Promise<DbcSeries> {
  const file = checkRecordingName(name);
  if (bytes.indexOf(0) >= 0)
    throw new UploadRefused({
      fr: 'contenu binaire : un DBC est un fichier texte',
      en: 'binary content: a DBC is a text file',
    });
  let dbc: ReturnType<typeof parseDbc>;
  try {
    dbc = parseDbc(Buffer.from(bytes).toString('utf8'), file);
  } catch (err) {
    throw new UploadRefused({
      fr: `DBC illisible : ${(err as Error).message}`,
      en: `unreadable DBC: ${(err as Error).message}`,
    });
  }
  if (!dbc.messages.length)
    throw new UploadRefused({ fr: 'ce DBC ne décrit aucun message', en: 'this DBC describes no message' });
  const r = await recordingContent(db, recordingId);
  if (r.kind !== 'can')
    throw new ValidationError({
      fr: 'seul un journal CAN se décode avec un DBC',
      en: 'only a CAN log decodes with a DBC',
    });
  const decoder = new DbcDecoder(dbc);
  const series: Record<string, [number, number][]> = {};
  let decoded = 0;
  let t0: number | undefined;
  for await (const f of readLogText(r.content, r.name)) {
    t0 ??= f.timestamp;
    const d = decoder.decode(f);
    if (!d) continue;
    decoded++;
    for (const [sig, value] of Object.entries(d.signals)) {
      if (typeof value !== 'number') continue;
      const key = `${d.name}.${sig}`;
      let points = series[key];
      if (!points) {
        if (Object.keys(series).length >= MAX_SIGNALS) continue;
        points = series[key] = [];
      }
      if (points.length < MAX_POINTS) points.push([Math.round((f.timestamp - t0) * 1e6) / 1e6, value]);
    }
  }
  return { file, decoded, series };
}
