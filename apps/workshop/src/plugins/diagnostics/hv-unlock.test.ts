/**
 * After a repair on the locked-out HV system, the lock-out is lifted (déconsignation, NF C18-550) by
 * a BCL before anything powers the car: the verify state shows the step with where the reader
 * stands, its click is checked against the people register (403 without BCL, nothing recorded), and
 * clearing the codes, the road test and the verification read are refused (409, in French) until it
 * is recorded. The same in a workshop session on an EV order and in a training session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantHabilitationNow, isoDate, revokeHabilitation } from '../../services/habilitations.js';
import {
  declareAdapter,
  emulatedCar,
  guidedPart,
  type SessionHelpers,
  sessionHelpers,
} from '../../test-support/diagnostics.js';
import { makeTestApp, type TestApp } from '../../testing.js';

let t: TestApp;
let post: SessionHelpers['post'];
let startAssignment: SessionHelpers['startAssignment'];
let page: SessionHelpers['page'];
let json: SessionHelpers['sessionJson'];
beforeAll(async () => {
  t = await makeTestApp();
  ({ post, startAssignment, page, sessionJson: json } = sessionHelpers(t));
}, 60_000);
afterAll(() => t?.close());

const guided = guidedPart;
const kinds = async (login: string, id: number): Promise<string[]> =>
  (await json(login, id)).guided.steps.map((s: { kind: string; id?: string }) =>
    s.kind === 'safety' ? s.id : s.kind,
  );

/** The DC-DC converter found by its inspection, locked out by a BCL, and replaced (B2VL). */
async function toVerifyAfterDcdc(login: string, id: number): Promise<void> {
  expect((await post(login, `/diagnostics/${id}/connect`)).statusCode).toBe(303);
  expect((await post(login, `/diagnostics/${id}/read`)).statusCode).toBe(303);
  let res = await post(login, `/diagnostics/${id}/guided/start`, { treeId: 'charging' });
  expect(res.statusCode, res.body).toBe(303);
  res = await post(login, `/diagnostics/${id}/guided/record`, { testId: 'dcdc_output_test', outcome: 'bad' });
  expect(res.statusCode, res.body).toBe(303);
  const user = t.demo.users[login]!;
  const today = isoDate(t.clock.now());
  for (const symbol of ['BCL', 'B2VL'])
    await grantHabilitationNow(t.store, user.site_id, { userId: user.id, symbol, issuedOn: today });
  for (const step of ['hv_lockout', 'habilitation_B2VL'])
    expect((await post(login, `/diagnostics/${id}/guided/safety`, { id: step })).statusCode).toBe(303);
  res = await post(login, `/diagnostics/${id}/guided/repair`, { causeId: 'dcdc_converter_fault' });
  expect(res.statusCode, res.body).toBe(303);
  expect((await json(login, id)).guided.state).toBe('verify');
}

/** The steps that power the car, refused while locked out: 409 in French, nothing recorded. */
async function refusedWhileLockedOut(login: string, id: number): Promise<void> {
  const before = await kinds(login, id);
  const road = await post(login, `/diagnostics/${id}/guided/road-test`);
  expect(road.statusCode).toBe(409);
  expect(road.body).toContain(
    'diagnostic guidé : la remise sous tension du véhicule pour l’essai routier demande d’abord : Déconsignation haute tension (fin de travaux, remise sous tension) par le chargé de consignation (habilitation NF C18-550 BCL)',
  );
  const clear = await post(login, `/diagnostics/${id}/guided/clear`);
  expect(clear.statusCode).toBe(409);
  expect(clear.body).toContain(
    'la remise sous tension du véhicule pour l’effacement des codes demande d’abord',
  );
  const verify = await post(login, `/diagnostics/${id}/guided/verify`, { symptomGone: 'true' });
  expect(verify.statusCode).toBe(409);
  expect(verify.body).toContain('la remise sous tension du véhicule pour la lecture de vérification');
  expect(await kinds(login, id)).toEqual(before);
  expect((await json(login, id)).guided.state).toBe('verify');
}

describe('the HV lock-out lifted before the car is powered again', () => {
  it('a workshop session on an EV order: the page and the JSON ask for it, 403 without BCL, 409 before it, the path goes on after it', async () => {
    const ines = t.demo.users.ines!;
    const car = await emulatedCar('dcdc-converter');
    try {
      const res = await post('ines', '/diagnostics', {
        roId: String(t.demo.orderIds.booked),
        adapter: await declareAdapter(t, car.spec, 'ELM327 Zoe'),
      });
      expect(res.statusCode, res.body).toBe(303);
      const id = Number(/(\d+)$/.exec(res.headers.location as string)![1]);
      await toVerifyAfterDcdc('ines', id);

      // Before the click: the step, with Inès's standing (she holds BCL), and the buttons disabled.
      const held = guided(await page('ines', id));
      expect(held).toContain('Déconsignation avant la remise sous tension');
      expect(held).toMatch(
        /<p class="hab-standing" data-safety-for="hv_unlock" data-held="true">✔ Vous détenez BCL/,
      );
      expect(held).toContain('data-safety="hv_unlock"');
      for (const button of ['guided-clear', 'guided-road-test', 'guided-verify'])
        expect(held).toMatch(new RegExp(`id="${button}" disabled aria-describedby="hv-unlock-reason"`));
      expect(held).toContain('Le système haute tension est toujours consigné');
      expect((await json('ines', id, 'en')).safety_gates).toMatchObject([
        {
          for: 'unlock',
          target: 'dcdc_converter_fault',
          step: 'hv_unlock',
          symbol: 'BCL',
          done: false,
          held: true,
        },
      ]);

      await refusedWhileLockedOut('ines', id);

      // Her BCL withdrawn from the register: the unlock is refused at its click, naming the level
      // and the site's holders; nothing recorded, the car still locked out.
      const bcl = await t.store.get<{ id: number }>(
        "SELECT id FROM habilitations WHERE user_id = ? AND symbol = 'BCL'",
        [ines.id],
      );
      await revokeHabilitation(t.store, ines.site_id, bcl!.id, t.demo.users.admin!.id, t.clock.now());
      const notHeld = guided(await page('ines', id));
      expect(notHeld).toMatch(
        /data-safety-for="hv_unlock" data-held="false" role="note">✘ <strong>Habilitation BCL requise, non détenue<\/strong> \(chargé de consignation\)[^<]*Lucas Bernard \(BCL\)/,
      );
      const before = await kinds('ines', id);
      const refused = await post('ines', `/diagnostics/${id}/guided/safety`, { id: 'hv_unlock' });
      expect(refused.statusCode).toBe(403);
      expect(refused.body).toContain(
        'Inès Moreau n&#39;a aucune habilitation couvrant BCL (acceptées : BCL)',
      );
      expect(refused.body).toContain('Sur ce site, la détiennent : Lucas Bernard (BCL)');
      expect(await kinds('ines', id)).toEqual(before);

      // Held again: lifted, then cleared, road-tested and read on the car.
      await grantHabilitationNow(t.store, ines.site_id, {
        userId: ines.id,
        symbol: 'BCL',
        issuedOn: isoDate(t.clock.now()),
      });
      expect((await post('ines', `/diagnostics/${id}/guided/safety`, { id: 'hv_unlock' })).statusCode).toBe(
        303,
      );
      expect((await json('ines', id)).safety_gates).toEqual([]);
      const after = guided(await page('ines', id));
      expect(after).not.toContain('data-safety="hv_unlock"');
      expect(after).not.toContain('disabled aria-describedby="hv-unlock-reason"');
      for (const route of ['clear', 'road-test']) {
        const r = await post('ines', `/diagnostics/${id}/guided/${route}`);
        expect(r.statusCode, r.body).toBe(303);
      }
      const v = await post('ines', `/diagnostics/${id}/guided/verify`, { symptomGone: 'true' });
      expect(v.statusCode, v.body).toBe(303);
      expect((await kinds('ines', id)).slice(before.length)).toEqual([
        'hv_unlock',
        'clear',
        'road_test',
        'verify',
      ]);
    } finally {
      await car.close();
    }
  }, 120_000);

  it('a session that ended with no cause while locked out shows the unlock in its done state', async () => {
    const { sessionId: id } = await startAssignment('hv-isolation-inverter', 'leo');
    const leo = t.demo.users.leo!;
    for (const symbol of ['BCL', 'B2VL'])
      await grantHabilitationNow(t.store, leo.site_id, {
        userId: leo.id,
        symbol,
        issuedOn: isoDate(t.clock.now()),
      });
    for (const step of ['connect', 'read'])
      expect((await post('leo', `/diagnostics/${id}/${step}`)).statusCode).toBe(303);
    expect((await post('leo', `/diagnostics/${id}/guided/start`)).statusCode).toBe(303);
    // Every insulation test answered good by hand (the apprentice's answers), locked out first.
    for (let i = 0; i < 10 && (await json('leo', id)).guided.state === 'diagnose'; i++) {
      const body = guided(await page('leo', id));
      const safety = /data-safety="([A-Za-z0-9_]+)"/.exec(body);
      const [route, fields] = safety
        ? ['safety', { id: safety[1]! }]
        : [
            'record',
            { testId: /name="testId"><option value="([a-z0-9_]+)"/.exec(body)![1]!, outcome: 'good' },
          ];
      const res = await post('leo', `/diagnostics/${id}/guided/${route}`, fields);
      expect(res.statusCode, res.body).toBe(303);
    }
    const ended = await json('leo', id);
    expect(ended.guided.state).toBe('done');
    expect(ended.guided.outcome.kind).toBe('no-cause');
    expect(ended.safety_gates).toMatchObject([{ for: 'unlock', step: 'hv_unlock', held: true }]);
    const body = guided(await page('leo', id));
    expect(body).toContain('le véhicule ne quitte pas l’atelier avant sa déconsignation');
    expect(body).toContain('data-safety="hv_unlock"');
    expect((await post('leo', `/diagnostics/${id}/guided/safety`, { id: 'hv_unlock' })).statusCode).toBe(303);
    expect((await json('leo', id)).safety_gates).toEqual([]);
    expect(guided(await page('leo', id))).not.toContain('data-safety="hv_unlock"');
  }, 120_000);

  it('a training session: the same gate, the simulated road test after the unlock', async () => {
    const { sessionId: id } = await startAssignment('dcdc-converter', 'emma');
    await toVerifyAfterDcdc('emma', id);
    expect(guided(await page('emma', id))).toContain('data-safety="hv_unlock"');
    await refusedWhileLockedOut('emma', id);
    // Lifting a lock-out twice: the second finds nothing locked out (409 in French), nothing recorded.
    expect((await post('emma', `/diagnostics/${id}/guided/safety`, { id: 'hv_unlock' })).statusCode).toBe(
      303,
    );
    const twice = await post('emma', `/diagnostics/${id}/guided/safety`, { id: 'hv_unlock' });
    expect(twice.statusCode).toBe(409);
    expect(twice.body).toContain(
      'rien n’est consigné : une déconsignation haute tension ne se fait qu’après une consignation',
    );
    const road = await post('emma', `/diagnostics/${id}/guided/road-test`);
    expect(road.statusCode, road.body).toBe(303);
    const v = await post('emma', `/diagnostics/${id}/guided/verify`, { symptomGone: 'true' });
    expect(v.statusCode, v.body).toBe(303);
    const steps = await kinds('emma', id);
    expect(steps.filter((k) => k === 'hv_unlock')).toHaveLength(1);
    expect(steps.slice(steps.indexOf('repair') + 1)).toEqual(['hv_unlock', 'road_test', 'verify']);
  }, 120_000);
});
