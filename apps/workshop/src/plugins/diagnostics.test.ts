/**
 * Diagnostic sessions through the routes (inject): a training scenario served by the ELM327
 * emulator, read, live data, guided diagnosis to the verification, the assessment; an order's
 * session on a Wi-Fi-style adapter with the VIN check; the adapter dropping mid-session; adapter
 * problems in plain words.
 */
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readingsOf, samplesOf, setDiagState, setStatusMessage } from '../services/diagnostics.js';
import { knowledgeBase } from '../services/knowledge.js';
import {
  declareAdapter,
  emulatedCar,
  form,
  multipart,
  offering,
  type SessionHelpers,
  sessionHelpers,
  until,
} from '../test-support/diagnostics.js';
import { makeTestApp, type TestApp } from '../testing.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
}, 60_000);
afterAll(() => t?.close());

let post: SessionHelpers['post'];
let startAssignment: SessionHelpers['startAssignment'];
beforeAll(() => {
  ({ post, startAssignment } = sessionHelpers(t));
});

describe('a training session on a simulated scenario', () => {
  it('connects through the ELM327 emulator, reads, records live data, follows the guided diagnosis to the verification, and is assessed', async () => {
    const { sessionId: id, assignmentId, scenarioId } = await startAssignment('vacuum-leak', 'leo');
    expect(
      (await t.store.get<{ started_at: number | null }>(
        'SELECT started_at FROM training_assignments WHERE id = ?',
        [assignmentId],
      ))!.started_at,
    ).not.toBeNull();

    expect((await post('leo', `/diagnostics/${id}/connect`)).statusCode).toBe(303);
    expect(t.app.diagnostics.isConnected(id)).toBe(true);
    expect((await post('leo', `/diagnostics/${id}/read`)).statusCode).toBe(303);

    const readings = await readingsOf(t.store, id);
    const vin = readings.find((r) => r.kind === 'vin')!;
    expect(vin.value).toMatch(/^[A-HJ-NPR-Z0-9]{17}$/);
    const stored = readings
      .filter((r) => r.kind === 'dtcs' && r.item === 'stored')
      .flatMap((r) => r.value as string[]);
    expect(stored).toContain('P0171');
    expect(readings.some((r) => r.kind === 'readiness')).toBe(true);

    // The page shows the codes with their titles, French then English.
    let page = await t.inject('leo', { method: 'GET', url: `/diagnostics/${id}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-code="P0171"');
    expect(page.body).toMatch(/pauvre/i);
    page = await t.inject('leo', { method: 'GET', url: `/diagnostics/${id}?lang=en` });
    expect(page.body).toMatch(/lean/i);

    // Live data: engine speed and vehicle speed until at least 10 samples are stored.
    expect(
      (await post('leo', `/diagnostics/${id}/live`, { pids: ['0C', '0D'], periodMs: '100' })).statusCode,
    ).toBe(303);
    let seen = 0;
    const off = t.app.diagnostics.hub.subscribe(`session:${id}`, (chunk) => {
      if (chunk.startsWith('event: sample')) seen++;
    });
    await until('live samples', async () => seen >= 10);
    off();
    expect(
      (await post('leo', `/diagnostics/${id}/marks`, { label: 'accélération 3000 tr/min' })).statusCode,
    ).toBe(303);
    expect((await post('leo', `/diagnostics/${id}/live/stop`)).statusCode).toBe(303);
    const samples = await samplesOf(t.store, id);
    expect(samples.length).toBeGreaterThanOrEqual(10);
    const rpm = samples.filter((s) => s.pid === '0C');
    expect(rpm.length).toBeGreaterThan(0);
    expect(rpm.every((s) => s.value > 300 && s.value < 8000)).toBe(true);

    // Guided diagnosis: answer every step truthfully for the scenario's true cause.
    expect((await post('leo', `/diagnostics/${id}/guided/start`)).statusCode).toBe(303);
    const trueCause = (await t.store.get<{ true_cause: string }>(
      'SELECT true_cause FROM training_scenarios WHERE id = ?',
      [scenarioId],
    ))!.true_cause;
    expect(trueCause).toBe('vacuum_leak');
    // What was read before the guided diagnosis is its evidence: the codes per memory, the freeze
    // frame stored at idle and the readiness, shown as signs with the cause each one moves.
    const started = (await t.inject('leo', { method: 'GET', url: `/api/diagnostics/${id}` })).json().guided;
    expect(started.facts.dtcMemories.P0171).toEqual(['stored', 'pending', 'permanent']);
    expect(started.facts.freezeFrame.dtc).toBe('P0171');
    expect(started.facts.readiness.mil).toBe(true);
    expect(started.facts.live.ENGINE_RPM).toBeGreaterThan(300);
    expect(started.steps.map((s: { what?: string }) => s.what)).toEqual(
      expect.arrayContaining(['dtc', 'freeze_frame', 'readiness', 'live', 'complaint']),
    );
    page = await t.inject('leo', { method: 'GET', url: `/diagnostics/${id}` });
    expect(page.body).toMatch(/<li class="present" data-sign="frozen_at_idle">/);
    expect(page.body).toMatch(/<li class="absent" data-sign="maf_code">/);
    expect(page.body).toContain('Indices lus sur le véhicule');
    const kb = knowledgeBase();
    for (let i = 0; i < 20; i++) {
      const api = await t.inject('leo', { method: 'GET', url: `/api/diagnostics/${id}` });
      const g = api.json().guided as { state: string; steps: { kind: string; id?: string }[] };
      if (g.state !== 'diagnose') break;
      page = await t.inject('leo', { method: 'GET', url: `/diagnostics/${id}` });
      const testId = /class="next-test" data-test="([^"]+)"/.exec(page.body)![1]!;
      for (const m of page.body.matchAll(/data-safety="([^"]+)"/g))
        await post('leo', `/diagnostics/${id}/guided/safety`, { id: m[1]! });
      const test = kb.tests.get(testId)!;
      const outcome = test.checks[trueCause] && test.checks[trueCause]!.sensitivity > 0.5 ? 'bad' : 'good';
      expect((await post('leo', `/diagnostics/${id}/guided/record`, { testId, outcome })).statusCode).toBe(
        303,
      );
    }
    page = await t.inject('leo', { method: 'GET', url: `/diagnostics/${id}` });
    expect(page.body).toContain('data-state="repair"');
    // The repair's time and parts as French writes numbers ("0,5 h", never "0.5 h").
    expect(page.body).toMatch(/\(\d+(,\d+)? h, \d[\d\u202f]*(,\d+)? €\)<\/p>/);
    expect(page.body).not.toMatch(/\d\.\d+ h,/);
    expect((await post('leo', `/diagnostics/${id}/guided/repair`, { causeId: trueCause })).statusCode).toBe(
      303,
    );
    // Verification: clear the codes, road-test (simulated: 20 min fast-forwarded), re-read codes and readiness.
    expect((await post('leo', `/diagnostics/${id}/guided/clear`)).statusCode).toBe(303);
    expect((await post('leo', `/diagnostics/${id}/guided/road-test`)).statusCode).toBe(303);
    expect((await post('leo', `/diagnostics/${id}/guided/verify`, { symptomGone: 'true' })).statusCode).toBe(
      303,
    );
    const done = (await t.inject('leo', { method: 'GET', url: `/api/diagnostics/${id}` })).json();
    expect(done.guided.state).toBe('done');
    expect(done.guided.conclusion).toBe('vacuum_leak');
    const verify = done.guided.steps.find((s: { kind: string }) => s.kind === 'verify');
    expect(verify.cleared).toBe(true);
    // The repair took the fault out of the simulated car: after clearing, no stored or pending code comes back.
    expect(verify.dtcsAfter).toEqual([]);
    // The road test let the fuel-system monitor run again since the clear: the repair is proven.
    expect(verify.monitors).toEqual({ fuelSystem: 'complete' });
    expect(done.guided.steps.some((s: { kind: string; ok?: boolean }) => s.kind === 'clear' && s.ok)).toBe(
      true,
    );
    // The verification read went through the adapter: its re-read codes are stored.
    expect((await readingsOf(t.store, id)).some((r) => r.kind === 'dtcs' && r.item === 'after.stored')).toBe(
      true,
    );

    // The raw traffic is attached: the ELM327 dialogue, with the VIN request in it.
    const traffic = await t.inject('leo', { method: 'GET', url: `/diagnostics/${id}/traffic` });
    expect(traffic.body).toMatch(/\ttx\t"0902/);
    expect(traffic.body).toMatch(/\trx\t/);
    // The car was simulated: the download says so first, as a `#` comment of the transcript, and
    // the file uploaded again as a recording is labelled a simulated vehicle's.
    expect(traffic.body.split('\n')[0]).toMatch(
      /^# origin=atelier-simulator scenario=vacuum-leak — simulated vehicle: recorded from Atelier's vehicle simulator/,
    );
    const instructor = await t.as('formateur');
    const body = multipart({ _csrf: instructor.csrf }, { name: 'session.elm327.txt', content: traffic.body });
    const upload = await t.app.inject({
      method: 'POST',
      url: '/training/recordings',
      headers: { cookie: instructor.cookie, accept: 'application/json', ...body.headers },
      payload: body.payload,
    });
    expect(upload.statusCode, upload.body).toBe(201);
    expect(JSON.parse(upload.json().summary).origin).toEqual({
      source: 'atelier-simulator',
      scenario: 'vacuum-leak',
    });

    // Finished: the assignment is done, and the instructor reads a mark.
    expect((await post('leo', `/diagnostics/${id}/finish`)).statusCode).toBe(303);
    expect(
      (await t.store.get<{ finished_at: number | null }>(
        'SELECT finished_at FROM training_assignments WHERE id = ?',
        [assignmentId],
      ))!.finished_at,
    ).not.toBeNull();
    const assessed = (
      await t.inject('formateur', { method: 'GET', url: `/api/training/scenarios/${scenarioId}/assessments` })
    ).json();
    expect(assessed).toHaveLength(1);
    expect(assessed[0].assessment.rightCause).toBe(true);
    expect(assessed[0].assessment.skippedSafety).toEqual([]);
    expect(assessed[0].assessment.mark).toBeGreaterThanOrEqual(14);
    const report = await t.inject('formateur', {
      method: 'GET',
      url: `/training/assignments/${assignmentId}`,
    });
    expect(report.body).toContain('class="mark"');
    // The customer report shows the conclusion.
    const customer = await t.inject('leo', { method: 'GET', url: `/diagnostics/${id}/report` });
    expect(customer.body).toContain('class="conclusion"');
    expect(customer.body).toContain('Prise d&#39;air');
    // The training export truncates the VIN, in the readings and in the transcript.
    const exp = (
      await t.inject('formateur', { method: 'GET', url: `/api/training/sessions/${id}/export` })
    ).json();
    expect(exp.vin).toMatch(/^.{11}\*{6}$/);
    expect(exp.readings.find((r: { kind: string }) => r.kind === 'vin').value).toMatch(/\*{6}$/);
    expect(exp.traffic.text).toContain('VIN answer removed');
  }, 60_000);

  it("shows a problem that leaves the link up with the failing layer's words, and forgets them once it is over", async () => {
    const { sessionId: id } = await startAssignment('misfire-cyl2', 'emma');
    await post('emma', `/diagnostics/${id}/connect`);
    // What the route stores for an ISO-TP timeout on a read (services/adapters.test.ts makes one).
    await setStatusMessage(t.store, id, 'timeout', {
      fr: 'la réponse du calculateur 7E8 ne s’est pas terminée',
      en: 'ECU 7E8: answer did not complete',
    });
    const fr = await t.inject('emma', { method: 'GET', url: `/diagnostics/${id}` });
    expect(fr.body).toContain('data-problem="timeout"');
    expect(fr.body).toContain(
      '<small class="problem-detail">la réponse du calculateur 7E8 ne s’est pas terminée</small>',
    );
    const en = await t.inject('emma', { method: 'GET', url: `/diagnostics/${id}?lang=en` });
    expect(en.body).toContain('<small class="problem-detail">ECU 7E8: answer did not complete</small>');
    // Connected again without a problem: neither the code nor its words stay.
    await setDiagState(t.store, id, 'connected', '', Date.now());
    const after = await t.inject('emma', { method: 'GET', url: `/api/diagnostics/${id}` });
    expect(after.json()).toMatchObject({ status_message: '', status_detail: '' });
    expect((await t.inject('emma', { method: 'GET', url: `/diagnostics/${id}` })).body).not.toContain(
      'problem-detail',
    );
    // Words without a problem are not kept.
    await setStatusMessage(t.store, id, '', { fr: 'x', en: 'x' });
    expect(
      (await t.inject('emma', { method: 'GET', url: `/api/diagnostics/${id}` })).json().status_detail,
    ).toBe('');
    await post('emma', `/diagnostics/${id}/disconnect`);
  }, 60_000);

  it('keeps every value when the adapter drops mid-session, says so in plain words, and the page stays usable', async () => {
    const { sessionId: id } = await startAssignment('misfire-cyl2', 'emma');
    await post('emma', `/diagnostics/${id}/connect`);
    await post('emma', `/diagnostics/${id}/read`);
    const before = await readingsOf(t.store, id);
    expect(before.some((r) => r.kind === 'dtcs')).toBe(true);
    await post('emma', `/diagnostics/${id}/live`, { pids: ['0C', '05'], periodMs: '50' });
    const runtime = t.app.diagnostics;
    let seen = 0;
    let status = '';
    const off = runtime.hub.subscribe(`session:${id}`, (chunk) => {
      if (chunk.startsWith('event: sample')) seen++;
      if (chunk.startsWith('event: status')) status = chunk;
    });
    await until('live samples', () => seen >= 6);
    // Unplug: the emulator behind the adapter stops.
    await runtime.adapterOf(id)!.unplug!();
    await until('the drop to be told to the browsers', () => status.includes('"disconnected"'));
    expect(runtime.isConnected(id)).toBe(false);
    off();
    expect(status).toContain('"disconnected"');
    const row = await t.store.get<{ state: string; status_message: string }>(
      'SELECT state, status_message FROM diag_sessions WHERE id = ?',
      [id],
    );
    expect(row).toEqual({ state: 'disconnected', status_message: 'disconnected' });
    // Every sample the browsers were sent is stored, and nothing read before is lost.
    expect((await samplesOf(t.store, id)).length).toBeGreaterThanOrEqual(seen);
    expect((await readingsOf(t.store, id)).length).toBeGreaterThanOrEqual(before.length);
    const page = await t.inject('emma', { method: 'GET', url: `/diagnostics/${id}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-problem="disconnected"');
    expect(page.body).toContain('tout ce qui a déjà été lu est conservé');
    // Under the plain words, what the ELM327 client itself said, in the reader's language.
    expect(/class="problem-detail">([^<]*)</.exec(page.body)?.[1]).toBe(
      'liaison avec l&#39;adaptateur perdue : l&#39;adaptateur a fermé la ligne',
    );
    const json = await t.inject('emma', { method: 'GET', url: `/api/diagnostics/${id}?lang=en` });
    expect(json.json().status_detail).toBe('adapter connection lost: the adapter closed the line');
    expect(page.body).toContain('id="connect"');
    expect(page.body).toContain('data-code=');
    // Reading again without an adapter is refused with words, not a crash.
    const again = await post('emma', `/diagnostics/${id}/read`);
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('l&#39;adaptateur n&#39;est pas connecté');
  }, 60_000);

  it('compares live data with a stored reference run', async () => {
    const withSamples = await t.store.all<{ session_id: number; user: string }>(
      'SELECT DISTINCT s.session_id, u.login AS user FROM diag_samples s JOIN diag_sessions d ON d.id = s.session_id JOIN users u ON u.id = d.user_id ORDER BY s.session_id',
    );
    const leoRun = withSamples.find((x) => x.user === 'leo')!;
    const emmaRun = withSamples.find((x) => x.user === 'emma')!;
    // Both are training runs: an apprentice may not compare with another apprentice's (issue 17) —
    // refused, 403, on the reference form and on the samples the chart reads.
    expect(
      (
        await post('emma', `/diagnostics/${emmaRun.session_id}/reference`, {
          referenceId: String(leoRun.session_id),
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (await t.inject('emma', { method: 'GET', url: `/api/diagnostics/${leoRun.session_id}/samples` }))
        .statusCode,
    ).toBe(403);
    const page = await t.inject('emma', { method: 'GET', url: `/diagnostics/${emmaRun.session_id}` });
    expect(page.body).not.toContain(`<option value="${leoRun.session_id}"`);
    // The workshop's manager, who reads every session, sets it for her.
    expect(
      (
        await post('chef', `/diagnostics/${emmaRun.session_id}/reference`, {
          referenceId: String(leoRun.session_id),
        })
      ).statusCode,
    ).toBe(303);
    const data = (
      await t.inject('chef', { method: 'GET', url: `/api/diagnostics/${emmaRun.session_id}/samples` })
    ).json();
    expect(data.reference.id).toBe(leoRun.session_id);
    expect(data.reference.samples).toEqual(await samplesOf(t.store, leoRun.session_id));
    expect(data.samples.length).toBeGreaterThan(0);
    // Emma's own chart leaves out a reference she may not read.
    const hers = (
      await t.inject('emma', { method: 'GET', url: `/api/diagnostics/${emmaRun.session_id}/samples` })
    ).json();
    expect(hers.reference).toBeNull();
    expect(hers.samples).toEqual(data.samples);
    // A session is not its own reference.
    expect(
      (
        await post('emma', `/diagnostics/${emmaRun.session_id}/reference`, {
          referenceId: String(emmaRun.session_id),
        })
      ).statusCode,
    ).toBe(400);
  });

  it("refuses another learner's actions on a session", async () => {
    const s = await t.store.get<{ id: number }>(
      "SELECT d.id FROM diag_sessions d JOIN users u ON u.id = d.user_id WHERE u.login = 'leo' LIMIT 1",
    );
    const res = await post('emma', `/diagnostics/${s!.id}/marks`, { label: 'x' });
    // Someone else's session: forbidden (403), not a conflict of state (issue 15).
    expect(res.statusCode).toBe(403);
  });
});

describe('a session on a repair order through an ELM327 on TCP', () => {
  it('checks the VIN read against the order’s vehicle', async () => {
    const ro = t.demo.orderIds.diag!;
    const order = (await t.inject('ines', { method: 'GET', url: `/api/orders/${ro}` })).json();
    for (const [vin, expected] of [
      [order.vehicle.vin, 'match'],
      ['VF1RJA00199999999', 'mismatch'],
    ] as const) {
      const car = await emulatedCar('vacuum-leak', { vin });
      try {
        const res = await post('ines', '/diagnostics', {
          roId: String(ro),
          adapter: await declareAdapter(t, car.spec, `ELM327 ${vin}`),
        });
        expect(res.statusCode, res.body).toBe(303);
        const id = Number(/(\d+)$/.exec(res.headers.location as string)![1]);
        await post('ines', `/diagnostics/${id}/connect`);
        await post('ines', `/diagnostics/${id}/read`);
        const s = (await t.inject('ines', { method: 'GET', url: `/api/diagnostics/${id}` })).json();
        expect(s.vin).toBe(vin);
        expect(s.vin_check).toBe(expected);
        const page = await t.inject('ines', { method: 'GET', url: `/diagnostics/${id}` });
        expect(page.body).toContain(`class="vin-${expected}"`);
        await post('ines', `/diagnostics/${id}/disconnect`);
        // The order lists its sessions.
        const list = await t.inject('ines', { method: 'GET', url: `/orders/${ro}/diagnostics` });
        expect(list.body).toContain(`data-session="${id}"`);
      } finally {
        await car.close();
      }
    }
  }, 60_000);

  it('says what to check when the adapter cannot be reached', async () => {
    const ro = t.demo.orderIds.diag!;
    // A declared Wi-Fi adapter that is switched off, and a serial port found (a USB adapter's
    // device node) that goes away before the session connects.
    const dev = mkdtempSync(join(tmpdir(), 'atelier-dev-'));
    symlinkSync('/nonexistent/ttyUSB97', join(dev, 'ttyUSB97'));
    t.app.diagnostics.discovery = offering({ serial: [join(dev, 'ttyUSB97')] });
    try {
      for (const adapter of [
        await declareAdapter(t, '127.0.0.1:1', 'ELM327 éteint'),
        `serial:${join(dev, 'ttyUSB97')}`,
      ]) {
        const res = await post('ines', '/diagnostics', { roId: String(ro), adapter });
        expect(res.statusCode, res.body).toBe(303);
        const id = Number(/(\d+)$/.exec(res.headers.location as string)![1]);
        const c = await post('ines', `/diagnostics/${id}/connect`);
        expect(c.statusCode).toBe(303);
        const page = await t.inject('ines', { method: 'GET', url: `/diagnostics/${id}` });
        expect(page.body).toContain('data-problem="unreachable"');
        expect(page.body).toContain('Vérifiez qu&#39;il est branché');
      }
    } finally {
      t.app.diagnostics.discovery = offering({});
      rmSync(dev, { recursive: true, force: true });
    }
  }, 30_000);

  it('refuses an adapter that is not offered, whatever the form sends, with the field named', async () => {
    const a = await t.as('ines');
    for (const adapter of [
      'serial:/dev/../etc/passwd',
      'serial:/dev/ttyUSB0',
      'tcp:127.0.0.1:22',
      'tcp:99999',
      '127.0.0.1:22',
      'socketcan:can0',
    ]) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/diagnostics',
        headers: { cookie: a.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: form(a.csrf, { roId: String(t.demo.orderIds.diag), adapter }),
      });
      expect(res.statusCode, adapter).toBe(400);
      expect(res.body, adapter).toContain('adaptateur inconnu');
    }
  });
});
