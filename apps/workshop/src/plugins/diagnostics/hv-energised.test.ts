/**
 * A test made with the car energised (READY: the DC-DC output, the BMS reads) while the session
 * records the HV system locked out: its buttons disabled with the reason, the lock-out lifted asked
 * first (the page and the JSON's safety_gates), 409 in French if posted anyway, nothing recorded.
 * And the dashboard's recording path through an unverified conclusion (a recorded scenario cannot
 * be re-read): refused while locked out, concluded after the unlock.
 */
import { GuidedSession } from '@atelier/diagnosis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveGuidedStep } from '../../services/guided.js';
import { grantHabilitationNow, isoDate } from '../../services/habilitations.js';
import { knowledgeBase } from '../../services/knowledge.js';
import {
  guidedPart,
  recordTranscript,
  type SessionHelpers,
  sessionHelpers,
  until,
  uploadRecording,
} from '../../test-support/diagnostics.js';
import { makeTestApp, type TestApp } from '../../testing.js';

let t: TestApp;
let h: SessionHelpers;
beforeAll(async () => {
  t = await makeTestApp();
  h = sessionHelpers(t);
}, 60_000);
afterAll(() => t?.close());

const kinds = async (login: string, id: number): Promise<string[]> =>
  (await h.sessionJson(login, id)).guided.steps.map((s: { kind: string; id?: string }) =>
    s.kind === 'safety' ? s.id : s.kind === 'test' ? `test:${s.id}` : s.kind,
  );

/** `login` holds these NF C18-550 symbols from today. */
async function grant(login: string, symbols: string[]): Promise<void> {
  const user = t.demo.users[login]!;
  for (const symbol of symbols)
    await grantHabilitationNow(t.store, user.site_id, {
      userId: user.id,
      symbol,
      issuedOn: isoDate(t.clock.now()),
    });
}

const READY_REFUSAL =
  'diagnostic guidé : la remise sous tension du véhicule pour le test « Tension de sortie du convertisseur DC-DC (véhicule en READY) » demande d’abord : Déconsignation haute tension (fin de travaux, remise sous tension) par le chargé de consignation (habilitation NF C18-550 BCL)';

describe('a test made with the car READY while the HV system is locked out', () => {
  it('its buttons wait for the unlock with the reason, the JSON asks for it, 409 in French when posted anyway', async () => {
    const { sessionId: id } = await h.startAssignment('dcdc-converter', 'emma');
    for (const step of ['connect', 'read'])
      expect((await h.post('emma', `/diagnostics/${id}/${step}`)).statusCode).toBe(303);
    let res = await h.post('emma', `/diagnostics/${id}/guided/start`, { treeId: 'charging' });
    expect(res.statusCode, res.body).toBe(303);
    // Not locked out: the proposed test (READY) is free to record.
    const free = guidedPart(await h.page('emma', id));
    expect(free).not.toContain('id="hv-energised-reason"');
    expect(free).not.toContain('data-safety="hv_unlock"');
    expect(free).toMatch(/id="outcome-good">/);

    // Locked out by Emma, a BCL (for HV work to come): the HV system is no longer energisable.
    await grant('emma', ['BCL']);
    res = await h.post('emma', `/diagnostics/${id}/guided/safety`, { id: 'hv_lockout' });
    expect(res.statusCode, res.body).toBe(303);
    const body = guidedPart(await h.page('emma', id));
    const proposed = /class="next-test" data-test="([a-z0-9_]+)"/.exec(body)![1]!;
    // The charging tree's tests on an EV are made with the car READY (or cranking): all wait.
    expect(['dcdc_output_test', 'battery_load_test', 'charging_voltage_check']).toContain(proposed);
    expect(body).toContain(
      '<p class="energised-needed" id="hv-energised-reason" role="note">Ce test se fait véhicule sous tension (READY, moteur tournant) et le système haute tension est consigné',
    );
    for (const button of ['outcome-good', 'outcome-bad', 'guided-measure'])
      expect(body).toMatch(new RegExp(`id="${button}" disabled aria-describedby="hv-energised-reason"`));
    expect(body).toMatch(
      /<option value="dcdc_output_test"(?: selected)? disabled>[^<]*\(sous tension : après déconsignation\)<\/option>/,
    );
    expect(body).toContain('data-safety="hv_unlock"');
    expect(body).toMatch(/data-safety-for="hv_unlock" data-held="true">✔ Vous détenez BCL/);
    expect((await h.sessionJson('emma', id)).safety_gates).toMatchObject([
      { for: 'test', target: proposed, step: 'hv_unlock', symbol: 'BCL', done: false, held: true },
    ]);

    // Posted anyway (an old page, a script): refused in French, nothing recorded.
    const before = await kinds('emma', id);
    for (const [route, fields] of [
      ['record', { testId: 'dcdc_output_test', outcome: 'bad' }],
      ['measure', { testId: 'dcdc_output_test' }],
      ['value', { testId: 'dcdc_output_test', value_0: '12,1' }],
    ] as const) {
      const r = await h.post('emma', `/diagnostics/${id}/guided/${route}`, fields);
      expect(r.statusCode, `${route}: ${r.body}`).toBe(409);
      expect(r.body).toContain(READY_REFUSAL);
    }
    expect(await kinds('emma', id)).toEqual(before);

    // Lifted by her: the buttons come back, and the DC-DC output is measured on the simulated car.
    res = await h.post('emma', `/diagnostics/${id}/guided/safety`, { id: 'hv_unlock' });
    expect(res.statusCode, res.body).toBe(303);
    const after = guidedPart(await h.page('emma', id));
    expect(after).not.toContain('hv-energised-reason');
    expect((await h.sessionJson('emma', id)).safety_gates).toEqual([]);
    res = await h.post('emma', `/diagnostics/${id}/guided/measure`, { testId: 'dcdc_output_test' });
    expect(res.statusCode, res.body).toBe(303);
    expect((await kinds('emma', id)).slice(before.length)).toEqual(['hv_unlock', 'test:dcdc_output_test']);
  }, 120_000);
});

describe('a recorded scenario concluded unverified after HV work', () => {
  it('is refused while locked out (409 in French, nothing recorded), and ends unverified after the unlock', async () => {
    const rec = (
      await uploadRecording(t, 'zoe-dcdc.elm327.txt', await recordTranscript('dcdc-converter'))
    ).json();
    let res = await h.post('formateur', '/training/scenarios', {
      title: 'Zoé : convertisseur DC-DC (enregistrement)',
      source: 'recording',
      recordingId: String(rec.id),
      vehicleType: 'ev',
      complaint: 'voyant batterie',
      trueCause: 'dcdc_converter_fault',
    });
    expect(res.statusCode, res.body).toBe(303);
    const scenarioId = Number(/\/training\/scenarios\/(\d+)/.exec(res.headers.location as string)![1]);
    const { sessionId: id } = await h.assignAndStart(scenarioId, 'leo');
    expect((await h.post('leo', `/diagnostics/${id}/connect`)).statusCode).toBeLessThan(400);
    await until(
      'the recorded car connected',
      async () => (await h.sessionJson('leo', id)).connected === true,
    );
    expect((await h.post('leo', `/diagnostics/${id}/read`)).statusCode).toBe(303);
    res = await h.post('leo', `/diagnostics/${id}/guided/start`, { treeId: 'charging' });
    expect(res.statusCode, res.body).toBe(303);
    // The DC-DC output read low (typed, as on a real car: a recording cannot be measured), then
    // the converter replaced under lock-out (BCL) by a B2VL.
    res = await h.post('leo', `/diagnostics/${id}/guided/value`, {
      testId: 'dcdc_output_test',
      value_0: '12,2',
    });
    expect(res.statusCode, res.body).toBe(303);
    await grant('leo', ['BCL', 'B2VL']);
    for (const step of ['hv_lockout', 'habilitation_B2VL'])
      expect((await h.post('leo', `/diagnostics/${id}/guided/safety`, { id: step })).statusCode).toBe(303);
    res = await h.post('leo', `/diagnostics/${id}/guided/repair`, { causeId: 'dcdc_converter_fault' });
    expect(res.statusCode, res.body).toBe(303);
    expect((await h.sessionJson('leo', id)).guided.state).toBe('verify');

    // The verification of a recording concludes unverified: not while the car is locked out.
    const before = await kinds('leo', id);
    const refused = await h.post('leo', `/diagnostics/${id}/guided/verify`, { symptomGone: 'true' });
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain(
      'diagnostic guidé : la remise sous tension du véhicule pour la restitution du véhicule demande d’abord : Déconsignation haute tension (fin de travaux, remise sous tension) par le chargé de consignation (habilitation NF C18-550 BCL)',
    );
    const locked = await h.sessionJson('leo', id);
    expect(await kinds('leo', id)).toEqual(before);
    expect(locked.guided.state).toBe('verify');
    expect(locked.guided.outcome).toBeUndefined();
    expect(locked.guided.conclusion).toBeUndefined();

    // Lifted by the BCL: the same click ends the session on the repair, said unverified.
    expect((await h.post('leo', `/diagnostics/${id}/guided/safety`, { id: 'hv_unlock' })).statusCode).toBe(
      303,
    );
    res = await h.post('leo', `/diagnostics/${id}/guided/verify`, { symptomGone: 'true' });
    expect(res.statusCode, res.body).toBe(303);
    const done = await h.sessionJson('leo', id);
    expect(done.guided.state).toBe('done');
    expect(done.guided.conclusion).toBe('dcdc_converter_fault');
    expect(done.guided.outcome).toMatchObject({
      kind: 'cause',
      cause: 'dcdc_converter_fault',
      verified: false,
      unverified: {
        fr: 'scénario enregistré : le véhicule ne peut être ni essayé ni relu après la réparation',
      },
    });
    expect((await kinds('leo', id)).slice(before.length)).toEqual(['hv_unlock']);
    expect(done.safety_gates).toEqual([]);
  }, 120_000);
});

describe('the assessment names a skipped safety step by its words', () => {
  it('a path that read the DC-DC output READY while locked out (kept from before the gate): the page says the steps, the JSON keeps the ids', async () => {
    const { sessionId: id, assignmentId, scenarioId } = await h.startAssignment('dcdc-converter', 'leo');
    for (const step of ['connect', 'read'])
      expect((await h.post('leo', `/diagnostics/${id}/${step}`)).statusCode).toBe(303);
    expect((await h.post('leo', `/diagnostics/${id}/guided/start`, { treeId: 'charging' })).statusCode).toBe(
      303,
    );
    // The path as a session stored before the gate could have it: locked out, then the READY test.
    const row = (await t.store.get<{
      id: number;
      guided: string;
      guided_version: number;
      assignment_id: number;
    }>('SELECT id, guided, guided_version, assignment_id FROM diag_sessions WHERE id = ?', [id]))!;
    const g = GuidedSession.fromJSON(knowledgeBase(), JSON.parse(row.guided));
    g.recordSafety('hv_lockout');
    g.record('dcdc_output_test', 'bad', { allowUnsafe: true });
    await saveGuidedStep(t.store, row, g.toJSON(), t.clock.now());

    const page = (
      await t.inject('formateur', { method: 'GET', url: `/training/assignments/${assignmentId}` })
    ).body;
    const skipped = page.slice(page.indexOf('class="error skipped-safety"'));
    expect(skipped).toContain(
      '<span class="skipped" data-test="dcdc_output_test" data-missing="hv_unlock">le test « Tension de sortie du convertisseur DC-DC (véhicule en READY) » : Déconsignation haute tension (fin de travaux, remise sous tension) par le chargé de consignation (habilitation NF C18-550 BCL)</span>',
    );
    const remarks = page.slice(
      page.indexOf('<ul class="remarks">'),
      page.indexOf('</ul>', page.indexOf('<ul class="remarks">')),
    );
    expect(remarks).toContain(
      'Prérequis de sécurité manquants avant le test « Tension de sortie du convertisseur DC-DC',
    );
    expect(remarks).not.toContain('hv_unlock');
    const api = (
      await t.inject('formateur', { method: 'GET', url: `/api/training/scenarios/${scenarioId}/assessments` })
    ).json();
    expect(api).toHaveLength(1);
    expect(api[0].assessment.skippedSafety).toEqual([{ test: 'dcdc_output_test', missing: ['hv_unlock'] }]);
  }, 120_000);
});
