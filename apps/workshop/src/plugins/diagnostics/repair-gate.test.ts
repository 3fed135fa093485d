/**
 * A repair on high-voltage parts takes its safety steps as a test does (issue 17): replacing the
 * DC-DC converter needs the lock-out (BCL) and the work beside live parts (B2VL). Recording the
 * repair is refused (403) while the person who records it does not hold the work's habilitation in
 * the people register — naming it and who on the site holds it — and nothing is recorded; an
 * expired one is refused too; the page and the session's JSON say where the reader stands before
 * the click. The same in a workshop session on a repair order and in a training session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addYears, grantHabilitationNow, isoDate } from '../../services/habilitations.js';
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
const repairs = async (login: string, id: number) =>
  (await json(login, id)).guided.steps.filter((s: { kind: string }) => s.kind === 'repair');

/** Starts the charging tree and finds the DC-DC converter by its inspection, typed by hand. */
async function toDcdcRepair(login: string, id: number): Promise<void> {
  expect((await post(login, `/diagnostics/${id}/connect`)).statusCode).toBe(303);
  expect((await post(login, `/diagnostics/${id}/read`)).statusCode).toBe(303);
  let res = await post(login, `/diagnostics/${id}/guided/start`, { treeId: 'charging' });
  expect(res.statusCode, res.body).toBe(303);
  res = await post(login, `/diagnostics/${id}/guided/record`, { testId: 'dcdc_output_test', outcome: 'bad' });
  expect(res.statusCode, res.body).toBe(303);
  const g = (await json(login, id)).guided;
  expect(g.state).toBe('repair');
  expect(g.pendingRepair).toBe('dcdc_converter_fault');
}

describe('a repair on high-voltage parts is gated on the people register', () => {
  it('a workshop session on an EV order: refused without B2VL, refused expired, recorded once held and the steps done', async () => {
    const ines = t.demo.users.ines!;
    const car = await emulatedCar('dcdc-converter');
    try {
      // The Zoe's order (an EV): Inès holds B1VL only (executant in the vicinity, not in charge).
      const res = await post('ines', '/diagnostics', {
        roId: String(t.demo.orderIds.booked),
        adapter: await declareAdapter(t, car.spec, 'ELM327 Zoe'),
      });
      expect(res.statusCode, res.body).toBe(303);
      const id = Number(/(\d+)$/.exec(res.headers.location as string)![1]);
      await toDcdcRepair('ines', id);

      // Before the click: the page lists the repair's steps, each with where Inès stands.
      const before = guided(await page('ines', id));
      expect(before).toContain('Sécurité avant la réparation');
      expect(before).toMatch(
        /<p class="hab-standing" data-safety-for="hv_lockout" data-held="false" role="note">✘ <strong>Habilitation BCL requise, non détenue<\/strong> \(chargé de consignation\) : Inès Moreau n&#39;a aucune habilitation couvrant BCL \(acceptées : BCL\)[^<]*\. Sur ce site, la détiennent : Lucas Bernard \(BCL\)\.<\/p>/,
      );
      expect(before).toMatch(
        /data-safety-for="habilitation_B2VL" data-held="false" role="note">✘ <strong>Habilitation B2VL requise, non détenue<\/strong>[^<]*<\/p>/,
      );
      expect(before).toContain('data-safety="hv_lockout"');
      expect(before).toContain('data-safety="habilitation_B2VL"');

      // Pressed anyway: 403 naming B2VL and its holder; nothing recorded, the session still repairing.
      const refused = await post('ines', `/diagnostics/${id}/guided/repair`, {
        causeId: 'dcdc_converter_fault',
      });
      expect(refused.statusCode).toBe(403);
      expect(refused.body).toContain(
        'Inès Moreau n&#39;a aucune habilitation couvrant B2VL (acceptées : B2VL)',
      );
      expect(refused.body).toContain('Sur ce site, la détiennent : Lucas Bernard (B2VL)');
      expect(await repairs('ines', id)).toEqual([]);
      expect((await json('ines', id)).guided.state).toBe('repair');

      // An expired B2VL is refused too, with its renewal date.
      const today = isoDate(t.clock.now());
      await grantHabilitationNow(t.store, ines.site_id, {
        userId: ines.id,
        symbol: 'B2VL',
        issuedOn: addYears(today, -4),
        renewalOn: addYears(today, -1),
      });
      const expired = await post('ines', `/diagnostics/${id}/guided/repair`, {
        causeId: 'dcdc_converter_fault',
      });
      expect(expired.statusCode).toBe(403);
      expect(expired.body).toMatch(
        /couvrant B2VL n&#39;est plus valide \(recyclage dépassé : B2VL \d\d\/\d\d\/\d{4}\)/,
      );
      expect(await repairs('ines', id)).toEqual([]);

      // Held, but the lock-out not done: the session refuses the repair (its steps first), still nothing.
      await grantHabilitationNow(t.store, ines.site_id, { userId: ines.id, symbol: 'B2VL', issuedOn: today });
      const unsafe = await post('ines', `/diagnostics/${id}/guided/repair`, {
        causeId: 'dcdc_converter_fault',
      });
      expect(unsafe.statusCode).toBe(409);
      expect(unsafe.body).toMatch(
        /la réparation de dcdc_converter_fault demande d’abord : Consignation haute tension[^;]*; Habilitation NF C18-550 B2VL/,
      );
      expect(await repairs('ines', id)).toEqual([]);
      // The lock-out is the BCL's: refused at its click until she holds it.
      expect((await post('ines', `/diagnostics/${id}/guided/safety`, { id: 'hv_lockout' })).statusCode).toBe(
        403,
      );
      await grantHabilitationNow(t.store, ines.site_id, { userId: ines.id, symbol: 'BCL', issuedOn: today });
      for (const step of ['hv_lockout', 'habilitation_B2VL'])
        expect((await post('ines', `/diagnostics/${id}/guided/safety`, { id: step })).statusCode).toBe(303);
      const done = await post('ines', `/diagnostics/${id}/guided/repair`, {
        causeId: 'dcdc_converter_fault',
      });
      expect(done.statusCode, done.body).toBe(303);
      expect(await repairs('ines', id)).toMatchObject([{ kind: 'repair', cause: 'dcdc_converter_fault' }]);
    } finally {
      await car.close();
    }
  }, 120_000);

  it('a training session: the apprentice is refused, nothing recorded; the JSON carries the gates', async () => {
    const { sessionId: id } = await startAssignment('dcdc-converter', 'emma');
    await toDcdcRepair('emma', id);

    // Said in the JSON before the click: per step of the repair, the level, held or not, and holders.
    const gates = (await json('emma', id, 'en')).safety_gates;
    expect(gates).toHaveLength(2);
    expect(gates[0]).toMatchObject({
      for: 'repair',
      target: 'dcdc_converter_fault',
      step: 'hv_lockout',
      symbol: 'BCL',
      done: false,
      checked_at_repair: false,
      held: false,
      held_as: null,
      valid_until: null,
    });
    // (Lucas holds it from the demo; Inès too once the test before has given it to her.)
    expect(gates[0].holders).toContainEqual(
      expect.objectContaining({ name: 'Lucas Bernard', symbol: 'BCL' }),
    );
    expect(gates[0].reason).toMatch(/^Emma Roux holds no habilitation covering BCL \(accepted: BCL\)/);
    expect(gates[1]).toMatchObject({
      step: 'habilitation_B2VL',
      symbol: 'B2VL',
      checked_at_repair: true,
      held: false,
    });
    const lucas = gates[1].holders.find((h: { name: string }) => h.name === 'Lucas Bernard');
    expect(lucas).toMatchObject({ symbol: 'B2VL', valid_until: expect.stringMatching(/^\d{4}-\d\d-\d\d$/) });

    const refused = await post('emma', `/diagnostics/${id}/guided/repair`, {
      causeId: 'dcdc_converter_fault',
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('Emma Roux n&#39;a aucune habilitation couvrant B2VL (acceptées : B2VL)');
    expect(refused.body).toMatch(/Sur ce site, la détiennent : [^<]*Lucas Bernard \(B2VL\)/);
    expect(await repairs('emma', id)).toEqual([]);

    // Once the register gives her both titles, the JSON says she holds them, until when.
    const emma = t.demo.users.emma!;
    const today = isoDate(t.clock.now());
    for (const symbol of ['BCL', 'B2VL'])
      await grantHabilitationNow(t.store, emma.site_id, { userId: emma.id, symbol, issuedOn: today });
    const held = (await json('emma', id)).safety_gates;
    expect(held.map((g: { held: boolean; valid_until: string | null }) => [g.held, g.valid_until])).toEqual([
      [true, addYears(today, 3)],
      [true, addYears(today, 3)],
    ]);
    for (const step of ['hv_lockout', 'habilitation_B2VL'])
      expect((await post('emma', `/diagnostics/${id}/guided/safety`, { id: step })).statusCode).toBe(303);
    expect((await json('emma', id)).safety_gates.map((g: { done: boolean }) => g.done)).toEqual([true, true]);
    const done = await post('emma', `/diagnostics/${id}/guided/repair`, { causeId: 'dcdc_converter_fault' });
    expect(done.statusCode, done.body).toBe(303);
    expect(await repairs('emma', id)).toMatchObject([{ cause: 'dcdc_converter_fault' }]);
    // Past the repair, only the lock-out to lift is asked for (before the car is powered again);
    // once lifted, nothing.
    expect((await json('emma', id)).safety_gates).toMatchObject([
      { for: 'unlock', step: 'hv_unlock', symbol: 'BCL', done: false, held: true },
    ]);
    expect((await post('emma', `/diagnostics/${id}/guided/safety`, { id: 'hv_unlock' })).statusCode).toBe(
      303,
    );
    expect((await json('emma', id)).safety_gates).toEqual([]);
  }, 120_000);
});
