/**
 * Assessment of an apprentice's diagnostic path against the expert path on the same evidence, and
 * the anonymised training export of a session.
 */
import {
  type Assessment,
  assessPath,
  type DiagnosticPath,
  followRecommendations,
  GuidedSession,
  type KnowledgeBase,
  type SessionData,
  type Workshop,
} from '@atelier/diagnosis';
import type { Db } from '../store/store.js';
import { type AssignmentRow, getAssignment } from './classes.js';
import { getDiagSession, guidedOf, latestReadings, marksOf, readingsOf, samplesOf } from './diagnostics.js';
import { knowledgeBase } from './knowledge.js';
import { getScenario, NO_FAULT, type TrainingScenario } from './scenarios.js';
import { trafficOf } from './traffic.js';

/**
 * The expert path on the same evidence: follow the recommendations, answering truthfully for the
 * true cause (null: a car with no fault, every test good), charging the battery when the repair
 * calls for it, road-testing and reading readiness after the repair.
 */
export async function expertPath(
  kb: KnowledgeBase,
  facts: SessionData['facts'],
  trueCause: string | null,
  treeId?: string,
): Promise<DiagnosticPath> {
  const fits = (t: KnowledgeBase['trees'][number]) =>
    t.vehicles.includes(facts.vehicle) && (trueCause === null || t.causes.some((c) => c.id === trueCause));
  const tree =
    kb.trees.find((t) => t.id === treeId && fits(t)) ?? kb.trees.find((t) => trueCause !== null && fits(t));
  const session = GuidedSession.start(kb, facts, tree ? { treeId: tree.id } : {});
  const workshop: Workshop = {
    outcome: async (test) =>
      trueCause && test.checks[trueCause] && test.checks[trueCause]!.sensitivity > 0.5 ? 'bad' : 'good',
    repair: async () => {},
    // The expert charges the battery a charging repair calls to charge before verifying.
    chargeBattery: async () => ({ done: true }),
    verify: async () => {
      const cured = session.steps.filter((s) => s.kind === 'repair').at(-1);
      const ok = cured?.kind === 'repair' && cured.cause === trueCause;
      // The expert clears, road-tests and reads readiness: the tree's monitors complete when cured.
      session.recordRoadTest({ minutes: 20 });
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
  /**
   * A battery-report scenario (a recording of battery reads, no knowledge-base cause): assessed on
   * the report read in the session, when and what it showed; absent for a diagnosis scenario.
   */
  battery?: { read: boolean; at: number | null; value: unknown };
}

export async function assessAssignment(
  db: Db,
  site: number,
  assignmentId: number,
): Promise<AssessedAssignment> {
  const assignment = await getAssignment(db, site, assignmentId);
  const scenario = await getScenario(db, site, assignment.scenario_id);
  const row = assignment.session_id
    ? await db.get<{ guided: string | null; started_at: number; ended_at: number | null }>(
        'SELECT guided, started_at, ended_at FROM diag_sessions WHERE id = ?',
        [assignment.session_id],
      )
    : undefined;
  if (!scenario.true_cause) {
    const reads = assignment.session_id
      ? (await readingsOf(db, assignment.session_id)).filter(
          // a read no known BMS answered is not a report read
          (r) => r.kind === 'battery' && (r.value as { answers?: number } | null)?.answers !== 0,
        )
      : [];
    const last = reads.at(-1);
    const battery = { read: !!last, at: last?.at ?? null, value: last?.value ?? null };
    return { assignment, scenario, assessment: null, apprentice: null, expert: null, minutes: null, battery };
  }
  if (!row?.guided)
    return { assignment, scenario, assessment: null, apprentice: null, expert: null, minutes: null };
  const data = JSON.parse(row.guided) as SessionData;
  const apprentice: DiagnosticPath = { treeId: data.treeId, steps: data.steps, conclusion: data.conclusion };
  const kb = knowledgeBase();
  const trueCause = scenario.true_cause === NO_FAULT ? null : scenario.true_cause;
  // The expert works on the tree the apprentice's session chose when it holds the true cause.
  const expert = await expertPath(kb, data.facts, trueCause, data.treeId);
  const minutes =
    assignment.finished_at && assignment.started_at
      ? Math.round((assignment.finished_at - assignment.started_at) / 60_000)
      : null;
  return {
    assignment,
    scenario,
    assessment: assessPath(kb, apprentice, expert, trueCause),
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

/**
 * A session's data for training, without the customer: no name, the VIN truncated to its first
 * 11 characters (maker, model, year) in the session, the vehicle and the readings, and the VIN
 * answer removed from the transcript.
 */
export async function trainingExport(db: Db, site: number, sessionId: number) {
  const s = await getDiagSession(db, site, sessionId);
  const readings = latestReadings(await readingsOf(db, s.id)).map((r) =>
    r.kind === 'vin' ? { ...r, value: truncateVin(r.value as string | null) } : r,
  );
  const vehicle = s.ro_id
    ? await db.get<{ maker: string; model: string; model_year: number | null; energy: string; vin: string }>(
        'SELECT v.maker, v.model, v.model_year, v.energy, v.vin FROM repair_orders o JOIN vehicles v ON v.id = o.vehicle_id WHERE o.id = ?',
        [s.ro_id],
      )
    : undefined;
  const traffic = await trafficOf(db, s.id);
  return {
    session: { id: s.id, adapter: s.adapter_kind, started_at: s.started_at, ended_at: s.ended_at },
    vehicle: vehicle
      ? {
          maker: vehicle.maker,
          model: vehicle.model,
          model_year: vehicle.model_year,
          energy: vehicle.energy,
          vin: truncateVin(vehicle.vin),
        }
      : null,
    vin: truncateVin(s.vin),
    readings,
    samples: await samplesOf(db, s.id),
    marks: await marksOf(db, s.id),
    path: guidedOf(s),
    traffic: { format: traffic.format, text: maskTranscriptVin(traffic.text) },
  };
}
