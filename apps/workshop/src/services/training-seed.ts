/**
 * Demo data for the diagnostic and training areas: a class of the demo apprentices, a simulated
 * scenario assigned to it, Léo's finished session on it with his guided path (one needless test on
 * the way, so his assessment is not a copy of the expert's), and Inès's finished session on the
 * order in diagnosis with the codes she read, on the workshop's declared Wi-Fi adapter.
 */
import { GuidedSession } from '@atelier/diagnosis';
import type { Store } from '../store/store.js';
import { declareTcpAdapter, tcpSpec } from './adapter-offer.js';
import { expertPath } from './assessment.js';
import { assignScenario, createClass, markFinished, markStarted } from './classes.js';
import { createDiagSession, saveReading, setDiagState } from './diagnostics.js';
import { saveGuidedStep } from './guided.js';
import { knowledgeBase } from './knowledge.js';
import { createScenario } from './scenarios.js';
import type { User } from './users.js';

const MINUTE = 60_000;

export interface DemoTraining {
  classId: number;
  scenarioId: number;
  sessionIds: { training: number; order?: number };
}

export async function seedTraining(
  store: Store,
  users: Record<string, User>,
  orderIds: Record<string, number>,
  now: number,
): Promise<DemoTraining> {
  const apprentices = Object.values(users).filter((u) => u.role === 'apprentice');
  const instructor = Object.values(users).find((u) => u.role === 'instructor')!;
  const cls = await createClass(
    store,
    instructor.site_id,
    'BTS MV — 1re année',
    apprentices.map((u) => u.id),
    now - 14 * 24 * 60 * MINUTE,
  );
  const scenario = await createScenario(
    store,
    {
      title: 'Ralenti instable et sifflement',
      source: 'sim',
      simName: 'vacuum-leak',
      notes: 'Faire confirmer la plainte avant tout test.',
    },
    instructor,
    now - 10 * 24 * 60 * MINUTE,
  );
  const due = new Date(now + 7 * 24 * 60 * MINUTE).toISOString().slice(0, 10);
  await assignScenario(
    store,
    { scenarioId: scenario.id, userIds: [], classId: cls.id, dueOn: due },
    instructor,
    now - 10 * 24 * 60 * MINUTE,
  );

  // Léo's session, three days ago: codes read, then the guided diagnosis with one extra test.
  const leo = users.leo ?? apprentices[0]!;
  const assignment = (await store.get<{ id: number }>(
    'SELECT id FROM training_assignments WHERE scenario_id = ? AND user_id = ?',
    [scenario.id, leo.id],
  ))!;
  const t0 = now - 3 * 24 * 60 * MINUTE;
  const session = await createDiagSession(
    store,
    { roId: null, assignmentId: assignment.id, adapter: { kind: 'scenario', spec: String(scenario.id) } },
    leo,
    t0,
  );
  await markStarted(store, assignment.id, t0);
  await saveReading(store, session.id, { kind: 'vin', ecu: '', item: '', value: scenario.vin }, t0 + MINUTE);
  await saveReading(
    store,
    session.id,
    { kind: 'dtcs', ecu: '7E8', item: 'stored', value: ['P0171'] },
    t0 + MINUTE,
  );
  await saveReading(store, session.id, { kind: 'dtcs', ecu: '7E8', item: 'pending', value: [] }, t0 + MINUTE);
  const kb = knowledgeBase();
  const facts = { vehicle: scenario.vehicle_type, dtcs: ['P0171'], complaint: scenario.complaint };
  const g = GuidedSession.start(kb, facts);
  const expert = await expertPath(kb, facts, scenario.true_cause);
  const firstTest = expert.steps.find((s) => s.kind === 'test');
  // A test the expert path does not need, answered truthfully (good), before following it.
  const extra = g.tree.causes
    .map((c) => c.inspect)
    .find(
      (id) =>
        id !== (firstTest?.kind === 'test' ? firstTest.id : '') &&
        !kb.tests.get(id)?.checks[scenario.true_cause],
    );
  if (extra) g.record(extra, 'good');
  for (const s of expert.steps) {
    if (g.state === 'done') break;
    if (
      s.kind === 'test' &&
      !g.steps.some((x) => x.kind === 'test' && x.id === s.id) &&
      g.state === 'diagnose'
    )
      g.record(s.id, s.outcome);
    else if (s.kind === 'safety') g.recordSafety(s.id);
    else if (s.kind === 'repair' && g.state === 'repair') g.repair(s.cause);
    else if (s.kind === 'road_test' && g.state === 'verify') g.recordRoadTest({ minutes: s.minutes });
    else if (s.kind === 'verify' && g.state === 'verify')
      g.verify({
        cleared: s.cleared,
        dtcsAfter: s.dtcsAfter,
        symptomGone: s.symptomGone,
        ...(s.monitors ? { monitors: s.monitors } : {}),
      });
  }
  await saveGuidedStep(store, session, g.toJSON(), t0 + 55 * MINUTE);
  await setDiagState(store, session.id, 'closed', '', t0 + 55 * MINUTE);
  await markFinished(store, assignment.id, t0 + 55 * MINUTE);

  // Inès's session on the order in diagnosis: read, codes stored, not finished yet.
  let orderSession: number | undefined;
  const ines = users.ines;
  if (orderIds.diag && ines) {
    // The workshop's Wi-Fi ELM327, as the admin declared it (sessions may open only declared adapters).
    const wifi = await declareTcpAdapter(
      store,
      ines.site_id,
      { name: 'ELM327 Wi-Fi de l’atelier', host: '192.168.0.10', port: 35000 },
      (users.admin ?? ines).id,
      now - 30 * 24 * 60 * MINUTE,
    );
    const s = await createDiagSession(
      store,
      { roId: orderIds.diag, adapter: { kind: 'tcp', spec: tcpSpec(wifi) } },
      ines,
      now - 90 * MINUTE,
    );
    const vin = await store.get<{ vin: string }>(
      'SELECT v.vin FROM repair_orders o JOIN vehicles v ON v.id = o.vehicle_id WHERE o.id = ?',
      [orderIds.diag],
    );
    await saveReading(
      store,
      s.id,
      { kind: 'vin', ecu: '', item: '', value: vin?.vin ?? null },
      now - 88 * MINUTE,
    );
    await saveReading(
      store,
      s.id,
      { kind: 'dtcs', ecu: '7E8', item: 'stored', value: ['P0128'] },
      now - 88 * MINUTE,
    );
    await saveReading(
      store,
      s.id,
      {
        kind: 'readiness',
        ecu: '7E8',
        item: '',
        value: {
          mil: true,
          dtcCount: 1,
          ignition: 'spark',
          monitors: { misfire: 'complete', catalyst: 'incomplete' },
        },
      },
      now - 88 * MINUTE,
    );
    orderSession = s.id;
  }
  return {
    classId: cls.id,
    scenarioId: scenario.id,
    sessionIds: { training: session.id, order: orderSession },
  };
}
