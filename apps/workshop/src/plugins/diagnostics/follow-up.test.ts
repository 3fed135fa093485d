/**
 * What a repair calls for before its verification, on the dashboard: after the leaking diesel
 * injector is replaced, the guided session says to regenerate the DPF (French first) and offers to
 * run the forced regeneration on the simulated car, through the adapter and the engine ECU's
 * routine; the ECU's answer is a step of the path, and the verification then finds the car cured.
 */
import { systemClock } from '@atelier/clock';
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

describe('a follow-up routine on a stopped simulated engine', () => {
  let t2: TestApp;
  let sid: number;
  let post2: SessionHelpers['post'];
  const page2 = async (lang = 'fr') =>
    (await t2.inject('leo', { method: 'GET', url: `/diagnostics/${sid}?lang=${lang}` })).body;
  const steps2 = async () =>
    ((await t2.inject('leo', { method: 'GET', url: `/api/diagnostics/${sid}` })).json() as { guided: Guided })
      .guided.steps;

  beforeAll(async () => {
    t2 = await makeTestApp();
    const h = sessionHelpers(t2);
    post2 = h.post;
    ({ sessionId: sid } = await h.startAssignment('diesel-injector-leak', 'leo'));
    expect((await post2('leo', `/diagnostics/${sid}/connect`)).statusCode).toBe(303);
    expect((await post2('leo', `/diagnostics/${sid}/read`)).statusCode).toBe(303);
    expect((await post2('leo', `/diagnostics/${sid}/guided/start`)).statusCode).toBe(303);
    expect(
      (await post2('leo', `/diagnostics/${sid}/guided/repair`, { causeId: 'injector_fault' })).statusCode,
    ).toBe(303);
  }, 60_000);
  afterAll(() => t2?.close());

  it('is refused by the ECU with the engine off; the page then offers to start it (FR/EN), and the routine runs', async () => {
    // The apprentice stopped the engine after the repair, ignition left on (the ECU awake).
    const car = t2.app.diagnostics.simulatedCar(sid)!;
    car.operate(systemClock.now(), { action: 'key_on' }); // the emulator's clock
    car.fastForward(systemClock.now(), 5); // a few seconds later: the engine has stopped
    expect(car.model.engineOn).toBe(false);
    const fr = await page2();
    expect(fr).toContain('id="guided-start-engine"');
    expect(fr).toContain('Démarrer le moteur (véhicule simulé)');
    expect(fr).toContain('moteur arrêté : la routine le demande en marche');
    expect(await page2('en')).toContain('Start the engine (simulated car)');
    // Run as it is: the ECU refuses, and says why.
    expect((await post2('leo', `/diagnostics/${sid}/guided/follow-up`)).statusCode).toBe(303);
    expect((await steps2()).findLast((s) => s.kind === 'follow_up')?.status).toBe('refused');
    // Started from the page: the engine runs, the button goes, the routine runs to its end.
    expect((await post2('leo', `/diagnostics/${sid}/guided/start-engine`)).statusCode).toBe(303);
    expect(car.model.engineOn).toBe(true);
    expect(await page2()).not.toContain('id="guided-start-engine"');
    expect((await post2('leo', `/diagnostics/${sid}/guided/follow-up`)).statusCode).toBe(303);
    expect((await steps2()).findLast((s) => s.kind === 'follow_up')?.status).toBe('done');
  }, 120_000);

  it('is never offered, nor accepted, without a connected simulated car', async () => {
    expect((await post2('leo', `/diagnostics/${sid}/disconnect`)).statusCode).toBe(303);
    expect(await page2()).not.toContain('id="guided-start-engine"');
    const r = await post2('leo', `/diagnostics/${sid}/guided/start-engine`);
    expect(r.statusCode).toBe(409);
    expect(r.body).toContain('un véhicule réel se démarre à la clé');
  }, 60_000);
});
