/**
 * What a repair calls for before its verification, on the dashboard: after the leaking diesel
 * injector is replaced, the guided session says to regenerate the DPF (French first) and offers to
 * run the forced regeneration on the simulated car, through the adapter and the engine ECU's
 * routine; the ECU's answer is a step of the path, and the verification then finds the car cured.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SessionHelpers, sessionHelpers } from '../../test-support/diagnostics.js';
import { makeTestApp, type TestApp } from '../../testing.js';

let t: TestApp;
let post: SessionHelpers['post'];
let id: number;

interface Guided {
  state: string;
  steps: { kind: string; status?: string; road?: string; sootBeforeG?: number; sootAfterG?: number }[];
  outcome?: { kind: string; cause?: string };
}
const session = async () =>
  (await t.inject('leo', { method: 'GET', url: `/api/diagnostics/${id}` })).json() as { guided: Guided };
const page = async (lang = 'fr') =>
  (await t.inject('leo', { method: 'GET', url: `/diagnostics/${id}?lang=${lang}` })).body;

beforeAll(async () => {
  t = await makeTestApp();
  const h = sessionHelpers(t);
  post = h.post;
  ({ sessionId: id } = await h.startAssignment('diesel-injector-leak', 'leo'));
  expect((await post('leo', `/diagnostics/${id}/connect`)).statusCode).toBe(303);
  expect((await post('leo', `/diagnostics/${id}/read`)).statusCode).toBe(303);
  expect((await post('leo', `/diagnostics/${id}/guided/start`)).statusCode).toBe(303);
}, 60_000);
afterAll(() => t?.close());

describe('the repair follow-up on the guided session', () => {
  it('is refused before a repair that calls for it', async () => {
    const r = await post('leo', `/diagnostics/${id}/guided/follow-up`);
    expect(r.statusCode).toBe(409);
    expect(r.body).toContain('ne demande pas de routine');
  });

  it('shows the regeneration after the injector, with a button that runs it on the simulated car', async () => {
    expect(
      (await post('leo', `/diagnostics/${id}/guided/repair`, { causeId: 'injector_fault' })).statusCode,
    ).toBe(303);
    const fr = await page();
    expect(fr).toContain('Après la réparation');
    expect(fr).toContain('Puis régénérer le FAP');
    expect(fr).toContain('id="guided-follow-up"');
    expect(fr).toContain('Régénération forcée du FAP sur le véhicule simulé');
    // Not done yet: the road test offered is the follow-up's fast road.
    expect(fr).toMatch(/Essai routier simulé \(20 min sur voie rapide en accéléré\)/);
    expect(await page('en')).toContain('Forced DPF regeneration on the simulated car');

    expect((await post('leo', `/diagnostics/${id}/guided/follow-up`)).statusCode).toBe(303);
    const run = (await session()).guided.steps.findLast((s) => s.kind === 'follow_up');
    expect(run?.status).toBe('done');
    expect(run!.sootAfterG!).toBeLessThan(run!.sootBeforeG! / 2);
    const after = await page();
    expect(after).toMatch(/Régénération forcée du FAP : terminée \(suies \d+ → \d+ g, \d+ min\)/);
    expect(after).toMatch(/Essai routier simulé \(20 min en accéléré\)/);
  }, 60_000);

  it('then the verification finds the car cured and the session ends on the injector', async () => {
    expect((await post('leo', `/diagnostics/${id}/guided/clear`)).statusCode).toBe(303);
    expect((await post('leo', `/diagnostics/${id}/guided/road-test`)).statusCode).toBe(303);
    expect((await post('leo', `/diagnostics/${id}/guided/verify`, { symptomGone: 'true' })).statusCode).toBe(
      303,
    );
    const g = (await session()).guided;
    expect(g.steps.findLast((s) => s.kind === 'road_test')?.road).toBeUndefined(); // the ordinary town drive
    expect(g.state).toBe('done');
    expect(g.outcome).toMatchObject({ kind: 'cause', cause: 'injector_fault' });
  }, 60_000);
});
