/**
 * The guided diagnosis reads the traction battery (issue 17): on a simulated EV whose BMS Atelier
 * knows, starting the guided session reads the battery report through the session's link (the code
 * `atelier ev report` uses), its figures become the traction-battery signs, and the page says so;
 * a weak cell is reached and verified on the car; a healthy EV ends with no cause; an EV whose BMS
 * Atelier does not know keeps those signs unknown and says why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addYears, grantHabilitationNow, isoDate } from '../../services/habilitations.js';
import { guidedPart, type SessionHelpers, sessionHelpers } from '../../test-support/diagnostics.js';
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
const api = async (login: string, id: number) => (await json(login, id)).guided;

/** A learner's scenario session, connected and read, its guided diagnosis started (`treeId` if given). */
async function started(scenario: string, login: string, treeId?: string): Promise<number> {
  const { sessionId: id } = await startAssignment(scenario, login);
  expect((await post(login, `/diagnostics/${id}/connect`)).statusCode).toBe(303);
  expect((await post(login, `/diagnostics/${id}/read`)).statusCode).toBe(303);
  const res = await post(login, `/diagnostics/${id}/guided/start`, treeId ? { treeId } : {});
  expect(res.statusCode, res.body).toBe(303);
  return id;
}

/**
 * Opening the pack (the cell capacity test) needs NF C18-550's battery option: Emma, an apprentice
 * holding B0L, is refused with the symbol and who on the site holds it; an expired B1XL is refused
 * too; a valid one in the register lets the step through.
 */
async function habilitationGate(id: number): Promise<void> {
  const emma = t.demo.users.emma!;
  const refused = await post('emma', `/diagnostics/${id}/guided/safety`, { id: 'habilitation_B1XL' });
  expect(refused.statusCode).toBe(403);
  expect(refused.body).toContain(
    'Emma Roux n&#39;a aucune habilitation couvrant B1XL (acceptées : B1XL, B2XL)',
  );
  expect(refused.body).toContain('Sur ce site, la détiennent : Lucas Bernard (B2XL)');
  expect((await api('emma', id)).steps.some((s: { id?: string }) => s.id === 'habilitation_B1XL')).toBe(
    false,
  );
  const today = isoDate(t.clock.now());
  await grantHabilitationNow(t.store, emma.site_id, {
    userId: emma.id,
    symbol: 'B1XL',
    issuedOn: addYears(today, -4),
    renewalOn: addYears(today, -1),
  });
  const expired = await post('emma', `/diagnostics/${id}/guided/safety`, { id: 'habilitation_B1XL' });
  expect(expired.statusCode).toBe(403);
  expect(expired.body).toMatch(
    /couvrant B1XL n&#39;est plus valide \(recyclage dépassé : B1XL \d\d\/\d\d\/\d{4}\)/,
  );
  await grantHabilitationNow(t.store, emma.site_id, { userId: emma.id, symbol: 'B1XL', issuedOn: today });
}

/**
 * The lock-out before it is the BCL's (NF C18-550 chargé de consignation), checked in the register
 * as the battery option is: the page says before the click that Emma does not hold it and who
 * does; pressed anyway, refused (403) naming BCL and its holder, nothing recorded; once the register
 * gives her a valid BCL, the page says so and the step goes through.
 */
async function lockoutGate(id: number): Promise<void> {
  const emma = t.demo.users.emma!;
  const before = guided(await page('emma', id));
  expect(before).toMatch(
    /<p class="hab-standing" data-safety-for="hv_lockout" data-held="false" role="note">✘ <strong>Habilitation BCL requise, non détenue<\/strong> \(chargé de consignation\) : Emma Roux n&#39;a aucune habilitation couvrant BCL \(acceptées : BCL\)[^<]*\. Sur ce site, la détiennent : Lucas Bernard \(BCL\)\.<\/p>/,
  );
  const refused = await post('emma', `/diagnostics/${id}/guided/safety`, { id: 'hv_lockout' });
  expect(refused.statusCode).toBe(403);
  expect(refused.body).toContain('Emma Roux n&#39;a aucune habilitation couvrant BCL (acceptées : BCL)');
  expect(refused.body).toContain('Sur ce site, la détiennent : Lucas Bernard (BCL)');
  expect((await api('emma', id)).steps.some((s: { id?: string }) => s.id === 'hv_lockout')).toBe(false);
  const today = isoDate(t.clock.now());
  await grantHabilitationNow(t.store, emma.site_id, { userId: emma.id, symbol: 'BCL', issuedOn: today });
  expect(guided(await page('emma', id))).toMatch(
    /<p class="hab-standing" data-safety-for="hv_lockout" data-held="true">✔ Vous détenez BCL, valide jusqu’au \d\d\/\d\d\/\d{4} \(BCL : chargé de consignation\)\.<\/p>/,
  );
}

describe('the guided session reads the traction battery', () => {
  it('a weak cell on a simulated Kona: BMS read at start, spread and SoH as signs, the weak cell found and verified', async () => {
    const id = await started('kona-weak-cell', 'emma');
    const g = guided(await page('emma', id));
    // Said on the page: what was read, from where (the simulated scenario, not a real car).
    expect(g).toMatch(
      /<p class="battery-read-note" data-read="true">Batterie de traction lue : 98 cellules, écart 0,\d+ V \(cellule 37 la plus basse\), SoH [\d,]+ % — Hyundai Kona[^<]*véhicule simulé \(Atelier\)/,
    );
    // The battery signs are evidence now (before: "rapport de batterie de traction non lu").
    expect(g).toMatch(
      /<li class="present" data-sign="[a-z_]+">✔ Cellules écartées de plus de 50 mV au repos/,
    );
    expect(g).not.toContain('rapport de batterie de traction non lu');
    const data = await api('emma', id);
    expect(data.treeId).toBe('traction_battery');
    expect(data.facts.battery.cell_spread).toBeGreaterThan(0.05);
    // The figures are the car's: the BMS's own report through the same session says the same.
    const report = (await t.inject('emma', { method: 'GET', url: `/api/diagnostics/${id}/battery` })).json();
    expect(report.cells.minCell).toBe(37);
    expect(data.facts.battery.lowest_cell_below_mean).toBeGreaterThan(0);
    // The first cause ranked is the weak cell.
    expect(g).toMatch(/<table class="causes">.*?<tbody><tr data-cause="weak_cell">/s);

    // Each test measured on the car, the HV steps done, until the session repairs.
    let gated = false;
    let lockGated = false;
    for (let i = 0; i < 12 && (await api('emma', id)).state === 'diagnose'; i++) {
      const body = guided(await page('emma', id));
      const safety = /data-safety="([A-Za-z0-9_]+)"/.exec(body);
      if (safety) {
        if (safety[1] === 'hv_lockout' && !lockGated) {
          lockGated = true;
          await lockoutGate(id);
        }
        if (safety[1] === 'habilitation_B1XL' && !gated) {
          gated = true;
          await habilitationGate(id);
        }
        const res = await post('emma', `/diagnostics/${id}/guided/safety`, { id: safety[1]! });
        expect(res.statusCode, res.body).toBe(303);
        continue;
      }
      const testId = /name="testId" value="([a-z0-9_]+)"/.exec(body)![1]!;
      const res = await post('emma', `/diagnostics/${id}/guided/measure`, { testId });
      expect(res.statusCode, res.body).toBe(303);
    }
    expect(gated).toBe(true);
    expect(lockGated).toBe(true);
    const repair = guided(await page('emma', id));
    expect(repair).toMatch(/<strong class="pending-cause">Cellule faible/);
    expect(
      (await post('emma', `/diagnostics/${id}/guided/repair`, { causeId: 'weak_cell' })).statusCode,
    ).toBe(303);
    // The module replaced, the lock-out is lifted (by Emma, BCL since the lock-out) before the car
    // is powered again for the clear, the road test and the read.
    expect((await post('emma', `/diagnostics/${id}/guided/clear`)).statusCode).toBe(409);
    expect((await post('emma', `/diagnostics/${id}/guided/safety`, { id: 'hv_unlock' })).statusCode).toBe(
      303,
    );
    expect((await post('emma', `/diagnostics/${id}/guided/clear`)).statusCode).toBe(303);
    expect((await post('emma', `/diagnostics/${id}/guided/road-test`)).statusCode).toBe(303);
    expect((await post('emma', `/diagnostics/${id}/guided/verify`, { symptomGone: 'true' })).statusCode).toBe(
      303,
    );
    const done = await api('emma', id);
    expect(done.state).toBe('done');
    expect(done.conclusion).toBe('weak_cell');
  }, 120_000);

  it('a healthy simulated Kona ends with no cause confirmed, its battery read', async () => {
    const id = await started('healthy-kona', 'ines', 'traction_battery');
    const g = guided(await page('ines', id));
    expect(g).toMatch(/data-read="true">Batterie de traction lue : 98 cellules, écart 0,0\d+ V/);
    const data = await api('ines', id);
    // Read, and what they read says the pack is fine: balanced, healthy.
    expect(data.facts.battery.cell_spread).toBeLessThan(0.05);
    expect(data.facts.battery.soh).toBeGreaterThan(85);
    expect(data.state).toBe('done');
    expect(data.conclusion ?? null).toBeNull();
    expect(await page('ines', id)).toContain('Aucune cause confirmée');
  }, 120_000);

  it('an EV whose BMS Atelier does not know: the signs stay unknown and the page says why', async () => {
    const id = await started('healthy-ev-range', 'emma', 'traction_battery');
    const g = guided(await page('emma', id));
    expect(g).toMatch(
      /<p class="battery-read-note" data-read="false">Batterie de traction non lue : aucun calculateur de batterie de traction connu n(?:'|&#39;)a répondu \(essayé : hyundai-kona-ioniq, nissan-leaf\) — ses indices restent inconnus/,
    );
    expect((await api('emma', id)).facts.battery).toBeUndefined();
    // The battery page of the same session refuses in words, as before.
    const res = await t.inject('emma', { method: 'GET', url: `/api/diagnostics/${id}/battery` });
    expect(res.statusCode).toBe(400);
  }, 120_000);
});
