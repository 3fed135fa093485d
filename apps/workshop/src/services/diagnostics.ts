/**
 * Diagnostic sessions in the store: the session row, every value read (one row each, written as it
 * arrives), live-data samples, marked moments and the guided-diagnosis path; who may read and act on
 * one. The raw traffic lives beside it (`traffic.ts`).
 */
import type { DiagnosticPath, SessionData } from '@atelier/diagnosis';
import type { Text } from '../i18n.js';
import type { Db, Store } from '../store/store.js';
import type { AdapterChoice } from './adapters.js';
import { type AssignmentRow, getAssignment } from './classes.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from './errors.js';
import { getOrder, type OrderDetail } from './orders.js';
import type { RecordingAnalysis } from './recordings.js';
import { getScenario, type TrainingScenario } from './scenarios.js';
import { type TrafficSummary, trafficSummary } from './traffic.js';
import type { User } from './users.js';
import type { Reading } from './vehicle-read.js';

export type DiagState = 'new' | 'connected' | 'disconnected' | 'closed';

export interface DiagSession {
  id: number;
  site_id: number;
  ro_id: number | null;
  assignment_id: number | null;
  user_id: number;
  user_name?: string;
  adapter_kind: AdapterChoice['kind'];
  adapter_spec: string;
  state: DiagState;
  status_message: string;
  /** The problem's own words as JSON `{ fr, en }` (see `problemDetail`), or ''. */
  status_detail: string;
  vin: string | null;
  /** 'match', 'mismatch' or 'unread' against the repair order's vehicle; null without an order. */
  vin_check: string | null;
  guided: string | null;
  /** Bumped by every saved step of the guided diagnosis: a write based on an older one is refused. */
  guided_version: number;
  reference_id: number | null;
  started_at: number;
  ended_at: number | null;
}

export interface StoredReading extends Reading {
  id: number;
  at: number;
}

const SESSION = { fr: 'Session de diagnostic', en: 'Diagnostic session' };

/** Who may act on a session: the mechanic who runs it, and the workshop's managers. */
export function canAct(user: Pick<User, 'id' | 'role'>, s: Pick<DiagSession, 'user_id'>): boolean {
  return s.user_id === user.id || user.role === 'manager' || user.role === 'admin';
}

/**
 * Who may read a session (its page, JSON, report, traffic, events, samples): everyone who works in
 * the workshop, except that an apprentice reads only their own — another apprentice's path and
 * conclusion on the same assigned scenario would give the answer away. Instructors and managers
 * keep their reads.
 */
export function mayRead(user: Pick<User, 'id' | 'role'>, s: Pick<DiagSession, 'user_id'>): boolean {
  return user.role !== 'apprentice' || s.user_id === user.id;
}

const NOT_YOURS = {
  fr: "cette session de diagnostic est celle de quelqu'un d'autre",
  en: "this diagnostic session is someone else's",
};

/** The session `user` is about to read: 403 when it is another apprentice's. */
export async function sessionForRead(
  db: Db,
  id: number,
  user: Pick<User, 'id' | 'role' | 'site_id'>,
): Promise<DiagSession> {
  const s = await getDiagSession(db, user.site_id, id);
  if (!mayRead(user, s)) throw new ForbiddenError(NOT_YOURS);
  return s;
}

/** The session `user` is about to act on: 403 when it is someone else's, 409 when it is finished. */
export async function sessionForAction(db: Db, id: number, user: User): Promise<DiagSession> {
  const s = await getDiagSession(db, user.site_id, id);
  if (!canAct(user, s)) throw new ForbiddenError(NOT_YOURS);
  if (s.state === 'closed')
    throw new ConflictError({ fr: 'la session est terminée', en: 'the session is finished' });
  return s;
}

export async function createDiagSession(
  db: Db,
  input: { roId: number | null; assignmentId?: number | null; adapter: AdapterChoice },
  user: User,
  now: number,
): Promise<DiagSession> {
  if (input.roId !== null) {
    const ro = await db.get<{ state: string }>(
      'SELECT state FROM repair_orders WHERE id = ? AND site_id = ?',
      [input.roId, user.site_id],
    );
    if (!ro) throw new NotFoundError({ fr: 'Ordre de réparation', en: 'Repair order' }, input.roId);
    if (ro.state === 'delivered')
      throw new ConflictError({
        fr: 'ordre déjà livré : ouvrez un retour atelier',
        en: 'order already delivered: open a comeback',
      });
  }
  const row = await db.get<DiagSession>(
    `INSERT INTO diag_sessions (site_id, ro_id, assignment_id, user_id, adapter_kind, adapter_spec, state, started_at)
     VALUES (?, ?, ?, ?, ?, ?, 'new', ?) RETURNING *`,
    [
      user.site_id,
      input.roId,
      input.assignmentId ?? null,
      user.id,
      input.adapter.kind,
      input.adapter.spec,
      now,
    ],
  );
  return row!;
}

/** A session of `site`: another site's is not found. */
export async function getDiagSession(db: Db, site: number, id: number): Promise<DiagSession> {
  const s = await db.get<DiagSession>(
    'SELECT d.*, u.name AS user_name FROM diag_sessions d JOIN users u ON u.id = d.user_id WHERE d.id = ? AND d.site_id = ?',
    [id, site],
  );
  if (!s) throw new NotFoundError(SESSION, id);
  return s;
}

/** The sessions an apprentice may read are their own; everyone else's list is unfiltered. */
const readableBy = (viewer: Pick<User, 'id' | 'role'> | undefined): { sql: string; params: number[] } =>
  viewer && viewer.role === 'apprentice'
    ? { sql: ' AND d.user_id = ?', params: [viewer.id] }
    : { sql: '', params: [] };

export async function sessionsOfOrder(
  db: Db,
  site: number,
  roId: number,
  viewer?: Pick<User, 'id' | 'role'>,
): Promise<DiagSession[]> {
  const only = readableBy(viewer);
  return db.all<DiagSession>(
    `SELECT d.*, u.name AS user_name FROM diag_sessions d JOIN users u ON u.id = d.user_id WHERE d.ro_id = ? AND d.site_id = ?${only.sql} ORDER BY d.id`,
    [roId, site, ...only.params],
  );
}

/** The latest sessions of `site`, newest first: those `viewer` may read (an apprentice's own). */
export async function recentSessions(
  db: Db,
  site: number,
  limit = 50,
  viewer?: Pick<User, 'id' | 'role'>,
): Promise<DiagSession[]> {
  const only = readableBy(viewer);
  return db.all<DiagSession>(
    `SELECT d.*, u.name AS user_name FROM diag_sessions d JOIN users u ON u.id = d.user_id WHERE d.site_id = ?${only.sql} ORDER BY d.id DESC LIMIT ?`,
    [site, ...only.params, limit],
  );
}

export async function setDiagState(
  db: Db,
  id: number,
  state: DiagState,
  message: string,
  now: number,
  detail?: Text,
): Promise<void> {
  await db.run(
    'UPDATE diag_sessions SET state = ?, status_message = ?, status_detail = ?, ended_at = ? WHERE id = ?',
    [state, message, detailColumn(message, detail), state === 'closed' ? now : null, id],
  );
}

/** The detail column: the words only with a problem to go with them. */
const detailColumn = (message: string, detail: Text | undefined): string =>
  message && detail ? JSON.stringify({ fr: detail.fr, en: detail.en }) : '';

/** The stored detail of a session's problem, or undefined (none, or a row written before it existed). */
export function problemDetail(s: Pick<DiagSession, 'status_detail'>): Text | undefined {
  if (!s.status_detail) return undefined;
  try {
    const d = JSON.parse(s.status_detail) as Partial<Text>;
    return typeof d.fr === 'string' && typeof d.en === 'string' ? { fr: d.fr, en: d.en } : undefined;
  } catch {
    return undefined;
  }
}

/** Stores one value read from the car; the VIN is also checked against the order's vehicle. */
export async function saveReading(db: Db, sessionId: number, r: Reading, now: number): Promise<void> {
  await db.run(
    'INSERT INTO diag_readings (session_id, kind, ecu, item, value, at) VALUES (?, ?, ?, ?, ?, ?)',
    [sessionId, r.kind, r.ecu, r.item, JSON.stringify(r.value ?? null), now],
  );
  if (r.kind === 'vin') {
    const expected = await db.get<{ vin: string }>(
      'SELECT v.vin FROM diag_sessions d JOIN repair_orders o ON o.id = d.ro_id JOIN vehicles v ON v.id = o.vehicle_id WHERE d.id = ?',
      [sessionId],
    );
    const vin = typeof r.value === 'string' ? r.value : null;
    const check = expected
      ? vin === null
        ? 'unread'
        : vin.toUpperCase() === expected.vin.toUpperCase()
          ? 'match'
          : 'mismatch'
      : null;
    await db.run('UPDATE diag_sessions SET vin = ?, vin_check = ? WHERE id = ?', [vin, check, sessionId]);
  }
}

/** An adapter problem that did not end the link (no answer, timeout), shown on the session's page. */
export async function setStatusMessage(db: Db, id: number, code: string, detail?: Text): Promise<void> {
  await db.run('UPDATE diag_sessions SET status_message = ?, status_detail = ? WHERE id = ?', [
    code,
    detailColumn(code, detail),
    id,
  ]);
}

export async function readingsOf(db: Db, sessionId: number): Promise<StoredReading[]> {
  const rows = await db.all<{
    id: number;
    kind: Reading['kind'];
    ecu: string;
    item: string;
    value: string;
    at: number;
  }>('SELECT id, kind, ecu, item, value, at FROM diag_readings WHERE session_id = ? ORDER BY id', [
    sessionId,
  ]);
  return rows.map((r) => ({ ...r, value: JSON.parse(r.value) }));
}

/** The latest value of each (kind, ecu, item): a re-read replaces what an earlier read showed. */
export function latestReadings(rows: StoredReading[]): StoredReading[] {
  const by = new Map<string, StoredReading>();
  for (const r of rows) {
    if (r.kind === 'error') continue;
    by.set(`${r.kind}|${r.ecu}|${r.item}`, r);
  }
  // Errors are shown only when no later value answered the same question.
  const out = [...by.values()];
  for (const r of rows) if (r.kind === 'error') out.push(r);
  return out.sort((a, b) => a.id - b.id);
}

export interface Sample {
  t: number;
  pid: string;
  value: number;
}

export async function saveSamples(store: Store, sessionId: number, samples: Sample[]): Promise<void> {
  if (!samples.length) return;
  await store.transaction(async (tx) => {
    for (const s of samples)
      await tx.run('INSERT INTO diag_samples (session_id, t, pid, value) VALUES (?, ?, ?, ?)', [
        sessionId,
        s.t,
        s.pid,
        s.value,
      ]);
  });
}

export async function samplesOf(db: Db, sessionId: number): Promise<Sample[]> {
  return db.all<Sample>('SELECT t, pid, value FROM diag_samples WHERE session_id = ? ORDER BY t, pid', [
    sessionId,
  ]);
}

/** The PIDs that have live samples stored for the session. */
export async function recordedPids(db: Db, sessionId: number): Promise<string[]> {
  const rows = await db.all<{ pid: string }>(
    'SELECT DISTINCT pid FROM diag_samples WHERE session_id = ? ORDER BY pid',
    [sessionId],
  );
  return rows.map((r) => r.pid);
}

export async function addMark(db: Db, sessionId: number, t: number, label: string): Promise<{ id: number }> {
  const text = label.trim();
  if (!text)
    throw new ValidationError({ fr: 'le repère a besoin d’un libellé', en: 'a mark needs a label' }, 'label');
  return (await db.get<{ id: number }>(
    'INSERT INTO diag_marks (session_id, t, label) VALUES (?, ?, ?) RETURNING id',
    [sessionId, t, text],
  ))!;
}

export async function marksOf(
  db: Db,
  sessionId: number,
): Promise<{ id: number; t: number; label: string }[]> {
  return db.all('SELECT id, t, label FROM diag_marks WHERE session_id = ? ORDER BY t', [sessionId]);
}

export async function setReference(
  db: Db,
  site: number,
  sessionId: number,
  referenceId: number | null,
  user?: Pick<User, 'id' | 'role'>,
): Promise<void> {
  if (referenceId !== null) {
    if (referenceId === sessionId)
      throw new ValidationError(
        {
          fr: 'une session ne peut pas être sa propre référence',
          en: 'a session cannot be its own reference',
        },
        'referenceId',
      );
    const other = await getDiagSession(db, site, referenceId);
    // Comparing is reading: an apprentice compares only with their own sessions.
    if (user && !mayRead(user, other)) throw new ForbiddenError(NOT_YOURS, 'referenceId');
  }
  await db.run('UPDATE diag_sessions SET reference_id = ? WHERE id = ? AND site_id = ?', [
    referenceId,
    sessionId,
    site,
  ]);
}

export function guidedOf(s: DiagSession): SessionData | null {
  return s.guided ? (JSON.parse(s.guided) as SessionData) : null;
}

export function pathOf(s: DiagSession): DiagnosticPath | null {
  const g = guidedOf(s);
  return g ? { treeId: g.treeId, steps: g.steps, conclusion: g.conclusion } : null;
}

/** What a session's page shows besides the session: its readings and where it comes from. */
export interface SessionOverview {
  /** The latest value of each reading (errors only where no later value answered). */
  readings: StoredReading[];
  /** PIDs with live samples stored. */
  recordedPids: string[];
  /** Other sessions that can serve as a reference run (those the viewer may read). */
  others: DiagSession[];
  order: OrderDetail | null;
  scenario: TrainingScenario | null;
  /** The raw traffic stored: its size, and the limit that cut it (0 when it was not cut). */
  traffic: TrafficSummary;
  /** The training assignment the session plays (its instructor's choices), or null. */
  assignment: AssignmentRow | null;
  /** What the scenario's recording can answer (its upload analysis), when it plays a recording. */
  recording: { name: string; analysis: Partial<RecordingAnalysis> } | null;
}

export async function sessionOverview(
  db: Db,
  s: DiagSession,
  viewer?: Pick<User, 'id' | 'role'>,
): Promise<SessionOverview> {
  const assignment = s.assignment_id ? await getAssignment(db, s.site_id, s.assignment_id) : null;
  const scenario = assignment ? await getScenario(db, s.site_id, assignment.scenario_id) : null;
  return {
    readings: latestReadings(await readingsOf(db, s.id)),
    recordedPids: await recordedPids(db, s.id),
    others:
      s.ro_id || s.assignment_id
        ? (await recentSessions(db, s.site_id, 100, viewer)).filter((x) => x.id !== s.id && x.state !== 'new')
        : [],
    order: s.ro_id ? await getOrder(db, s.site_id, s.ro_id) : null,
    scenario,
    assignment,
    traffic: await trafficSummary(db, s.id),
    recording: scenario?.recording_id ? await recordingAnalysis(db, scenario.recording_id) : null,
  };
}

/**
 * Whether the causes' probabilities are shown to `viewer` on this session: always, except to the
 * learner of a training assignment whose instructor hid them.
 */
export function probabilitiesShown(
  s: Pick<DiagSession, 'user_id'>,
  assignment: Pick<AssignmentRow, 'show_probabilities'> | null,
  viewer: Pick<User, 'id'>,
): boolean {
  return !assignment || assignment.show_probabilities === 1 || viewer.id !== s.user_id;
}

async function recordingAnalysis(
  db: Db,
  id: number,
): Promise<{ name: string; analysis: Partial<RecordingAnalysis> } | null> {
  const r = await db.get<{ name: string; summary: string }>(
    'SELECT name, summary FROM recordings WHERE id = ?',
    [id],
  );
  if (!r) return null;
  try {
    return { name: r.name, analysis: JSON.parse(r.summary) };
  } catch {
    return { name: r.name, analysis: {} };
  }
}
