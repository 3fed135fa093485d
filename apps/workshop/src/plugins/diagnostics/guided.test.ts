/**
 * Guided-diagnosis steps under concurrency: two clicks sent from the same page (or two devices)
 * are never both applied to the state they saw — the second is refused with a 409 in French or
 * English and nothing recorded is lost; a form from an older page is refused the same way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { knowledgeBase } from '../../services/knowledge.js';
import { type SessionHelpers, sessionHelpers } from '../../test-support/diagnostics.js';
import { makeTestApp, type TestApp } from '../../testing.js';

let t: TestApp;
let post: SessionHelpers['post'];
let id: number;

interface Guided {
  state: string;
  steps: { kind: string; id?: string; outcome?: string }[];
}
const session = async () =>
  (await t.inject('leo', { method: 'GET', url: `/api/diagnostics/${id}` })).json() as {
    guided_version: number;
    guided: Guided;
  };
const tests = (g: Guided) => g.steps.filter((s) => s.kind === 'test');

beforeAll(async () => {
  t = await makeTestApp();
  const h = sessionHelpers(t);
  post = h.post;
  ({ sessionId: id } = await h.startAssignment('vacuum-leak', 'leo'));
  expect((await post('leo', `/diagnostics/${id}/connect`)).statusCode).toBe(303);
  expect((await post('leo', `/diagnostics/${id}/read`)).statusCode).toBe(303);
  expect((await post('leo', `/diagnostics/${id}/guided/start`)).statusCode).toBe(303);
}, 60_000);
afterAll(() => t?.close());

/** Two tests the session proposes, to record from one page. */
async function twoChoices(): Promise<[string, string]> {
  const page = await t.inject('leo', { method: 'GET', url: `/diagnostics/${id}` });
  const choices = [...page.body.matchAll(/<option value="([^"]+)">/g)].map((m) => m[1]!);
  const known = choices.filter((c) => knowledgeBase().tests.has(c));
  expect(known.length).toBeGreaterThanOrEqual(2);
  return [known[0]!, known[1]!];
}

describe('two concurrent steps from the same page', () => {
  it('without a version, concurrent steps are each applied or refused — never silently lost', async () => {
    const before = await session();
    const [a, b] = await twoChoices();
    const res = await Promise.all([
      post('leo', `/diagnostics/${id}/guided/record`, { testId: a, outcome: 'good' }),
      post('leo', `/diagnostics/${id}/guided/record`, { testId: b, outcome: 'good' }),
    ]);
    for (const r of res) expect([303, 409]).toContain(r.statusCode);
    const accepted = res.filter((r) => r.statusCode === 303).length;
    expect(accepted).toBeGreaterThanOrEqual(1);
    const after = await session();
    expect(tests(after.guided).length).toBe(tests(before.guided).length + accepted);
    expect(after.guided_version).toBe(before.guided_version + accepted);
  });

  it('applies one, refuses the other in words, and loses nothing', async () => {
    const before = await session();
    const v = before.guided_version;
    const [a, b] = await twoChoices();
    const [ra, rb] = await Promise.all([
      post('leo', `/diagnostics/${id}/guided/record`, { testId: a, outcome: 'good', version: String(v) }),
      post('leo', `/diagnostics/${id}/guided/record`, { testId: b, outcome: 'good', version: String(v) }),
    ]);
    expect([ra.statusCode, rb.statusCode].sort()).toEqual([303, 409]);
    const refused = ra.statusCode === 409 ? ra : rb;
    expect(refused.body).toContain('le diagnostic guidé a avancé depuis l’affichage de cette page');
    expect(refused.body).toContain('rien n’est perdu');
    const after = await session();
    expect(after.guided_version).toBe(v + 1);
    // Exactly the accepted step was added: the refused one is not there, nothing earlier went.
    const applied = ra.statusCode === 303 ? a : b;
    expect(tests(after.guided).map((s) => s.id)).toEqual([...tests(before.guided).map((s) => s.id), applied]);
    expect(after.guided.steps.slice(0, before.guided.steps.length)).toEqual(before.guided.steps);
  });

  it('refuses a form from an older page, in English too', async () => {
    const { guided_version: v } = await session();
    const [a] = await twoChoices();
    expect(
      (
        await post('leo', `/diagnostics/${id}/guided/record`, {
          testId: a,
          outcome: 'bad',
          version: String(v),
        })
      ).statusCode,
    ).toBe(303);
    const stale = await post('leo', `/diagnostics/${id}/guided/record?lang=en`, {
      testId: a,
      outcome: 'good',
      version: String(v),
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('the guided diagnosis moved on since this page was shown');
    expect((await session()).guided_version).toBe(v + 1);
  });
});
