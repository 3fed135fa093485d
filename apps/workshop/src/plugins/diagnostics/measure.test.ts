/**
 * Workshop tests measured on the car, in the dashboard (issue 17 item 4): on a connected simulated
 * car the instrument measures the part and the page shows the value in French number form; on a real
 * car the technician types the value read, and the knowledge base reads it the same way; a value
 * that cannot be read is refused with words; the HV insulation test stays behind its safety steps.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiagSession } from '../../services/diagnostics.js';
import { createOrder } from '../../services/orders.js';
import { guidedPart, type SessionHelpers, sessionHelpers } from '../../test-support/diagnostics.js';
import { makeTestApp, type TestApp } from '../../testing.js';

let t: TestApp;
let post: SessionHelpers['post'];
let startAssignment: SessionHelpers['startAssignment'];
let json: SessionHelpers['sessionJson'];
beforeAll(async () => {
  t = await makeTestApp();
  ({ post, startAssignment, sessionJson: json } = sessionHelpers(t));
}, 60_000);
afterAll(() => t?.close());

const guided = guidedPart;
const api = async (login: string, id: number) => (await json(login, id)).guided;

/** A learner's simulated car, connected, read, and its guided diagnosis started. */
async function simulated(scenario: string, learner: string): Promise<number> {
  const { sessionId: id } = await startAssignment(scenario, learner);
  expect((await post(learner, `/diagnostics/${id}/connect`)).statusCode).toBe(303);
  expect((await post(learner, `/diagnostics/${id}/read`)).statusCode).toBe(303);
  expect((await post(learner, `/diagnostics/${id}/guided/start`)).statusCode).toBe(303);
  return id;
}

describe('a test measured on the simulated car', () => {
  it('the smoke machine finds the leak: the step keeps what was measured, the page says it in French', async () => {
    const id = await simulated('vacuum-leak', 'emma');
    let page = await t.inject('emma', { method: 'GET', url: `/diagnostics/${id}` });
    expect(guided(page.body)).toContain('id="guided-measure"');
    const res = await post('emma', `/diagnostics/${id}/guided/measure`, { testId: 'smoke_test_intake' });
    expect(res.statusCode).toBe(303);
    const g = await api('emma', id);
    const step = g.steps.find((s: { kind: string; id?: string }) => s.kind === 'test');
    expect(step).toMatchObject({
      id: 'smoke_test_intake',
      outcome: 'bad',
      measured: { value: 'smoke', source: 'simulated', spec: 0 },
    });
    expect(g.state).toBe('repair');
    page = await t.inject('emma', { method: 'GET', url: `/diagnostics/${id}` });
    expect(guided(page.body)).toMatch(/<span class="measured">fumée à l(&#39;|')admission : fumée<\/span>/);
  }, 60_000);

  it('a number in French form, at the part’s temperature: compression per cylinder on the misfiring car', async () => {
    const id = await simulated('misfire-cyl2', 'leo');
    expect(
      (await post('leo', `/diagnostics/${id}/guided/measure`, { testId: 'compression_test' })).statusCode,
    ).toBe(303);
    const step = (await api('leo', id)).steps.find((s: { id?: string }) => s.id === 'compression_test');
    expect(step.measured.source).toBe('simulated');
    expect(typeof step.measured.value).toBe('number');
    const page = await t.inject('leo', { method: 'GET', url: `/diagnostics/${id}` });
    // "compression par cylindre (cylindre 1) : 12,5 bar": a decimal comma, the part named.
    expect(guided(page.body)).toMatch(
      /<span class="measured">compression par cylindre \(cylindre \d\) : \d+,\d bar<\/span>/,
    );
  }, 60_000);

  it('the HV insulation test is refused before the lock-out and the habilitation check', async () => {
    const id = await simulated('hv-isolation-battery', 'emma');
    const res = await post('emma', `/diagnostics/${id}/guided/measure`, {
      testId: 'hv_battery_isolation_test',
    });
    expect(res.statusCode).toBe(409);
    // Said in French on a French page: the steps in words, not their ids (English stays in `message`).
    expect(res.body).toMatch(
      /le test hv_battery_isolation_test demande d’abord : Consignation haute tension et vérification d’absence de tension[^;]*; Habilitation NF C18-550 B2VL/,
    );
    expect(res.body).not.toMatch(/needs hv_lockout/);
    expect(
      (await api('emma', id)).steps.some((s: { id?: string }) => s.id === 'hv_battery_isolation_test'),
    ).toBe(false);
  }, 60_000);
});

describe('a value typed from a real car', () => {
  async function realSession(complaint: string) {
    const chef = t.demo.users.chef!;
    const v = await t.store.get<{ id: number }>(
      "SELECT id FROM vehicles WHERE energy = 'petrol' AND site_id = ? ORDER BY id LIMIT 1",
      [chef.site_id],
    );
    const ro = await createOrder(t.store, chef.site_id, { vehicleId: v!.id, complaint }, chef, t.clock.now());
    const s = await createDiagSession(
      t.store,
      { roId: ro.id, adapter: { kind: 'serial', spec: '/dev/ttyUSB0' } },
      t.demo.users.ines!,
      t.clock.now(),
    );
    expect((await post('ines', `/diagnostics/${s.id}/guided/start`)).statusCode).toBe(303);
    return s.id;
  }

  it('is read by the knowledge base as an instrument’s value: 45 % state of health is a bad battery', async () => {
    const id = await realSession('La voiture a du mal à démarrer le matin.');
    const page = await t.inject('ines', { method: 'GET', url: `/diagnostics/${id}` });
    expect(guided(page.body)).toContain('class="typed-values"');
    // A value that is not a number is refused with words saying which one; nothing is recorded.
    const bad = await post('ines', `/diagnostics/${id}/guided/value`, {
      testId: 'battery_load_test',
      value_0: 'beaucoup',
    });
    expect(bad.statusCode).toBe(409);
    expect(bad.body).toContain('« beaucoup » n’est pas une valeur en %');
    expect((await api('ines', id)).steps.some((s: { kind: string }) => s.kind === 'test')).toBe(false);
    // A French decimal comma reads as a number.
    const ok = await post('ines', `/diagnostics/${id}/guided/value`, {
      testId: 'battery_load_test',
      value_0: '45,5',
    });
    expect(ok.statusCode).toBe(303);
    const step = (await api('ines', id)).steps.find((s: { id?: string }) => s.id === 'battery_load_test');
    expect(step).toMatchObject({ outcome: 'bad', measured: { value: 45.5, unit: '%', source: 'typed' } });
    const after = await t.inject('ines', { method: 'GET', url: `/diagnostics/${id}` });
    expect(guided(after.body)).toContain('état de santé de la batterie : 45,5 % (valeur saisie)');
  }, 60_000);

  it('a healthy value reads good, with its certainty when near the bound', async () => {
    const id = await realSession('Démarre mal le matin.');
    await post('ines', `/diagnostics/${id}/guided/value`, { testId: 'battery_load_test', value_0: '95' });
    const far = (await api('ines', id)).steps.find((s: { id?: string }) => s.id === 'battery_load_test');
    expect(far).toMatchObject({ outcome: 'good', measured: { value: 95 } });
    expect(far.certainty).toBeUndefined();
    const id2 = await realSession('Démarre mal le matin.');
    await post('ines', `/diagnostics/${id2}/guided/value`, { testId: 'battery_load_test', value_0: '72' });
    const near = (await api('ines', id2)).steps.find((s: { id?: string }) => s.id === 'battery_load_test');
    expect(near.outcome).toBe('good');
    expect(near.certainty).toBeGreaterThan(0.5);
    expect(near.certainty).toBeLessThan(1);
  }, 60_000);
});
