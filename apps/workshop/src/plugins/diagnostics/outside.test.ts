/**
 * Scenario files written outside the knowledge base (tests/fixtures/outside-scenarios/), uploaded by an
 * instructor, assigned, and diagnosed in the dashboard's guided session as a learner does it: each
 * proposed test measured on the simulated car until the session asks for a repair or ends. The
 * complaint words are the customer's (a heater that blows lukewarm air, a needle in the red, a belt
 * that squeals), not the knowledge base's.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipart, type SessionHelpers, sessionHelpers } from '../../test-support/diagnostics.js';
import { makeTestApp, type TestApp } from '../../testing.js';

const DIR = join(import.meta.dirname, '../../../../../tests/fixtures/outside-scenarios');

let t: TestApp;
let post: SessionHelpers['post'];
let assignAndStart: SessionHelpers['assignAndStart'];
beforeAll(async () => {
  t = await makeTestApp();
  ({ post, assignAndStart } = sessionHelpers(t));
}, 60_000);
afterAll(() => t?.close());

const api = async (login: string, id: number) =>
  (await t.inject(login, { method: 'GET', url: `/api/diagnostics/${id}` })).json().guided;

/** The outside file uploaded by the instructor, assigned to `learner`, started, connected and read. */
async function outsideSession(file: string, learner: string, trueCause: string): Promise<number> {
  const a = await t.as('formateur');
  const body = multipart(
    { _csrf: a.csrf, title: `Hors dépôt ${file}`, trueCause },
    { name: file, content: readFileSync(join(DIR, file)) },
  );
  const res = await t.app.inject({
    method: 'POST',
    url: '/training/scenarios/file',
    headers: { cookie: a.cookie, ...body.headers },
    payload: body.payload,
  });
  expect(res.statusCode, res.body).toBe(303);
  const scenarioId = Number(/\/training\/scenarios\/(\d+)/.exec(res.headers.location as string)![1]);
  const { sessionId: id } = await assignAndStart(scenarioId, learner);
  expect((await post(learner, `/diagnostics/${id}/connect`)).statusCode).toBe(303);
  expect((await post(learner, `/diagnostics/${id}/read`)).statusCode).toBe(303);
  return id;
}

/** Measures each proposed test on the car until the session wants a repair or ends; its state then. */
async function follow(learner: string, id: number) {
  for (let i = 0; i < 10; i++) {
    const g = await api(learner, id);
    if (g.state !== 'diagnose') return g;
    const page = (await t.inject(learner, { method: 'GET', url: `/diagnostics/${id}` })).body;
    const next = /class="next-test" data-test="([a-z0-9_]+)"/.exec(page)?.[1];
    if (!next) return g;
    expect((await post(learner, `/diagnostics/${id}/guided/measure`, { testId: next })).statusCode).toBe(303);
  }
  return api(learner, id);
}

describe('outside scenarios in the guided session', () => {
  it.each([
    ['thermostat-froid.yaml', 'thermostat_stuck_open'],
    ['liquide-refroidissement.yaml', 'coolant_low'],
    ['courroie-grince.yaml', 'belt_slipping'],
  ])(
    '%s: the session asks to repair %s',
    async (file, cause) => {
      const id = await outsideSession(file, 'emma', '');
      expect((await post('emma', `/diagnostics/${id}/guided/start`)).statusCode).toBe(303);
      const g = await follow('emma', id);
      expect(g.state).toBe('repair');
      expect(g.pendingRepair).toBe(cause);
    },
    120_000,
  );

  it('a healthy car with an ordinary complaint ends without a cause, no part replaced', async () => {
    const id = await outsideSession('sain-revision.yaml', 'leo', 'none');
    const start = await post('leo', `/diagnostics/${id}/guided/start`);
    // No tree applies (409: nothing to diagnose, nothing replaced) or the session ends without a cause.
    expect([303, 409]).toContain(start.statusCode);
    if (start.statusCode === 409) {
      expect((await api('leo', id)) ?? null).toBeNull();
      return;
    }
    const g = await follow('leo', id);
    expect(g.state).toBe('done');
    expect(g.outcome.kind).toBe('no-cause');
    expect(g.steps.some((s: { kind: string }) => s.kind === 'repair')).toBe(false);
  }, 120_000);
});
