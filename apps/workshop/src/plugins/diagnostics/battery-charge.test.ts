/**
 * A charging repair is verified on a charged battery (issue 17): after the alternator is replaced
 * the guided session says to charge the battery the fault drained (French first) and offers the
 * workshop charger on the simulated car; a verification read before it is incomplete and says why
 * (the battery holds the charging voltage down), the charge is a step of the path with what the
 * charger showed, and the verification after it judges the repair.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SessionHelpers, sessionHelpers } from '../../test-support/diagnostics.js';
import { makeTestApp, type TestApp } from '../../testing.js';

let t: TestApp;
let post: SessionHelpers['post'];
let id: number;

interface Guided {
  state: string;
  steps: {
    kind: string;
    result?: string;
    done?: boolean;
    ah?: number;
    minutes?: number;
    simulated?: boolean;
  }[];
  outcome?: { kind: string; cause?: string };
}
const guided = async () =>
  ((await t.inject('leo', { method: 'GET', url: `/api/diagnostics/${id}` })).json() as { guided: Guided })
    .guided;
const page = async (lang = 'fr') =>
  (await t.inject('leo', { method: 'GET', url: `/diagnostics/${id}?lang=${lang}` })).body;

beforeAll(async () => {
  t = await makeTestApp();
  const h = sessionHelpers(t);
  post = h.post;
  ({ sessionId: id } = await h.startAssignment('charging-fault', 'leo'));
  for (const step of ['connect', 'read', 'guided/start'])
    expect((await post('leo', `/diagnostics/${id}/${step}`)).statusCode).toBe(303);
}, 60_000);
afterAll(() => t?.close());

describe('the battery charge a charging repair calls for', () => {
  it('is refused before a repair that calls for it', async () => {
    const r = await post('leo', `/diagnostics/${id}/guided/charge-battery`);
    expect(r.statusCode).toBe(409);
    expect(r.body).toContain('ne demande pas de recharger la batterie');
  });

  it('is said after the alternator; a verification before it is incomplete and says why', async () => {
    expect(
      (await post('leo', `/diagnostics/${id}/guided/repair`, { causeId: 'alternator_fault' })).statusCode,
    ).toBe(303);
    const fr = await page();
    expect(fr).toContain('Puis recharger la batterie au chargeur d&#39;atelier (la panne l&#39;a vidée)');
    expect(fr).toMatch(
      /id="guided-charge-battery">Recharger la batterie au chargeur \(véhicule simulé, en accéléré\)</,
    );
    expect(await page('en')).toContain('Charge the battery on the charger (simulated car, fast-forwarded)');
    for (const step of ['clear', 'road-test'])
      expect((await post('leo', `/diagnostics/${id}/guided/${step}`)).statusCode).toBe(303);
    expect((await post('leo', `/diagnostics/${id}/guided/verify`, { symptomGone: 'true' })).statusCode).toBe(
      303,
    );
    const g = await guided();
    expect(g.state).toBe('verify');
    expect(g.steps.at(-1)).toMatchObject({ kind: 'verify', result: 'incomplete' });
    expect(await page()).toContain(
      'batterie non rechargée : vidée par la panne, elle retient la tension de charge — la recharger avant de juger la réparation',
    );
  }, 60_000);

  it('charges on the simulated car, keeps what the charger showed, and the verification then judges the repair', async () => {
    expect((await post('leo', `/diagnostics/${id}/guided/charge-battery`)).statusCode).toBe(303);
    const charge = (await guided()).steps.findLast((s) => s.kind === 'battery_charge');
    expect(charge).toMatchObject({ done: true, simulated: true });
    expect(charge!.ah).toBeGreaterThan(0);
    expect(await page()).toMatch(
      /Batterie rechargée au chargeur d’atelier : charge terminée \([\d,]+ Ah en \d+ min, 1[23],\d+ V en fin de charge\)/,
    );
    for (const step of ['clear', 'road-test'])
      expect((await post('leo', `/diagnostics/${id}/guided/${step}`)).statusCode).toBe(303);
    expect((await post('leo', `/diagnostics/${id}/guided/verify`, { symptomGone: 'true' })).statusCode).toBe(
      303,
    );
    const g = await guided();
    expect(g.steps.at(-1)).toMatchObject({ kind: 'verify', result: 'cured' });
    expect(g.state).toBe('done');
    expect(g.outcome).toMatchObject({ kind: 'cause', cause: 'alternator_fault' });
    // The customer report says the battery was charged, from the same record.
    const report = (await t.inject('leo', { method: 'GET', url: `/diagnostics/${id}/report?lang=fr` })).body;
    expect(report).toMatch(
      /<tr><th>Batterie rechargée<\/th><td>Batterie rechargée au chargeur d’atelier : charge terminée \([\d,]+ Ah en \d+ min/,
    );
  }, 120_000);
});
