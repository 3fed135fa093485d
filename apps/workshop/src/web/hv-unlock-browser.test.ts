/**
 * The HV lock-out lifted after the repair, looked at in headless Chromium: on the simulated hybrid
 * whose DC-DC converter fails, once Emma (given BCL and B2VL) has locked out and replaced it, the
 * verify state shows the unlock step first with her standing, and the clear-codes, road-test and
 * verification buttons disabled with the reason; after her click they are enabled. Screenshots go to
 * test-artifacts/workshop-hv-gate/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { grantHabilitationNow, isoDate } from '../services/habilitations.js';
import { appPageAs, haveChromium, launchChromium } from '../test-support/browser.js';
import { sessionHelpers } from '../test-support/diagnostics.js';
import { makeTestApp } from '../testing.js';

const HAVE_CHROMIUM = haveChromium();
const ARTIFACTS = fileURLToPath(new URL('../../../../test-artifacts/workshop-hv-gate/', import.meta.url));
mkdirSync(ARTIFACTS, { recursive: true });

describe('the HV lock-out lifted after the repair, in the browser', () => {
  it.skipIf(!HAVE_CHROMIUM)(
    'shows the unlock step with the BCL note, the steps that power the car disabled until it is done',
    async () => {
      const t = await makeTestApp();
      const browser = await launchChromium();
      try {
        const h = sessionHelpers(t);
        const { sessionId: id } = await h.startAssignment('dcdc-converter', 'emma');
        const emma = t.demo.users.emma!;
        for (const symbol of ['BCL', 'B2VL'])
          await grantHabilitationNow(t.store, emma.site_id, {
            userId: emma.id,
            symbol,
            issuedOn: isoDate(t.clock.now()),
          });
        for (const step of ['connect', 'read'])
          expect((await h.post('emma', `/diagnostics/${id}/${step}`)).statusCode).toBe(303);
        const steps: [string, Record<string, string>][] = [
          ['guided/start', { treeId: 'charging' }],
          ['guided/measure', { testId: 'dcdc_output_test' }],
          ['guided/safety', { id: 'hv_lockout' }],
          ['guided/safety', { id: 'habilitation_B2VL' }],
          ['guided/repair', { causeId: 'dcdc_converter_fault' }],
        ];
        for (const [route, fields] of steps) {
          const res = await h.post('emma', `/diagnostics/${id}/${route}`, fields);
          expect(res.statusCode, `${route} ${res.body}`).toBe(303);
        }
        const { page, url, errors, close } = await appPageAs(t, browser, 'emma');
        await page.goto(`${url}/diagnostics/${id}?lang=fr#guided`);
        expect(await page.locator('.hv-unlock h3').innerText()).toBe(
          'Déconsignation avant la remise sous tension',
        );
        expect(await page.locator('.hv-unlock [data-safety-for="hv_unlock"]').innerText()).toMatch(
          /^✔ Vous détenez BCL, valide jusqu’au \d\d\/\d\d\/\d{4} \(BCL : chargé de consignation\)\.$/,
        );
        expect(await page.locator('.hv-unlock [data-safety="hv_unlock"]').innerText()).toBe(
          '⚠ Déconsignation haute tension (fin de travaux, remise sous tension) par le chargé de consignation (habilitation NF C18-550 BCL) — vérifiée au registre du personnel — fait',
        );
        for (const button of ['#guided-clear', '#guided-road-test', '#guided-verify'])
          expect(await page.locator(button).isDisabled(), button).toBe(true);
        await page.locator('#guided').screenshot({ path: join(ARTIFACTS, 'guided-hv-unlock-fr.png') });
        await Promise.all([
          page.waitForNavigation({ waitUntil: 'load' }),
          page.click('.hv-unlock [data-safety="hv_unlock"]'),
        ]);
        expect(await page.locator('.hv-unlock').count()).toBe(0);
        for (const button of ['#guided-clear', '#guided-road-test', '#guided-verify'])
          expect(await page.locator(button).isDisabled(), button).toBe(false);
        await page.locator('#guided').screenshot({ path: join(ARTIFACTS, 'guided-hv-unlocked-fr.png') });
        expect(errors).toEqual([]);
        await close();
      } finally {
        await browser.close();
        await t.close();
      }
    },
    180_000,
  );
});
