/**
 * The HV gate of a repair, looked at in headless Chromium: on the simulated hybrid whose DC-DC
 * converter fails, once its output is measured bad the guided card lists the repair's safety steps
 * (the lock-out, the BCL's; B2VL for the work) and says before the click that Emma, an apprentice,
 * holds neither and who on the site does; she presses "Réparation faite" and is refused naming B2VL
 * and its holder. Screenshots go to test-artifacts/workshop-hv-gate/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { appPageAs, haveChromium, launchChromium } from '../test-support/browser.js';
import { sessionHelpers } from '../test-support/diagnostics.js';
import { makeTestApp } from '../testing.js';

const HAVE_CHROMIUM = haveChromium();
const ARTIFACTS = fileURLToPath(new URL('../../../../test-artifacts/workshop-hv-gate/', import.meta.url));
mkdirSync(ARTIFACTS, { recursive: true });

describe('the HV gate of a repair, in the browser', () => {
  it.skipIf(!HAVE_CHROMIUM)(
    'says before the click what the DC-DC converter repair needs, and refuses it to an apprentice',
    async () => {
      const t = await makeTestApp();
      const browser = await launchChromium();
      try {
        const h = sessionHelpers(t);
        const { sessionId: id } = await h.startAssignment('dcdc-converter', 'emma');
        for (const step of ['connect', 'read'])
          expect((await h.post('emma', `/diagnostics/${id}/${step}`)).statusCode).toBe(303);
        expect(
          (await h.post('emma', `/diagnostics/${id}/guided/start`, { treeId: 'charging' })).statusCode,
        ).toBe(303);
        // The converter's output measured on the simulated car: the cause is found, the repair is next.
        expect(
          (await h.post('emma', `/diagnostics/${id}/guided/measure`, { testId: 'dcdc_output_test' }))
            .statusCode,
        ).toBe(303);
        const { page, url, errors, close } = await appPageAs(t, browser, 'emma');
        await page.goto(`${url}/diagnostics/${id}?lang=fr#guided`);
        expect(await page.locator('.pending-cause').innerText()).toBe(
          'Convertisseur DC-DC (12 V) défaillant',
        );
        expect(await page.locator('.repair-safety h3').innerText()).toBe('Sécurité avant la réparation');
        expect(await page.locator('.repair-safety [data-safety-for="hv_lockout"]').innerText()).toMatch(
          /^✘ Habilitation BCL requise, non détenue \(chargé de consignation\) : Emma Roux n'a aucune habilitation couvrant BCL \(acceptées : BCL\).*\. Sur ce site, la détiennent : Lucas Bernard \(BCL\)\.$/,
        );
        expect(
          await page.locator('.repair-safety [data-safety-for="habilitation_B2VL"]').innerText(),
        ).toMatch(
          /^✘ Habilitation B2VL requise, non détenue \(chargé de travaux au voisinage\) : .*Sur ce site, la détiennent : Lucas Bernard \(B2VL\)\.$/,
        );
        expect(await page.locator('.repair-safety [data-safety="habilitation_B2VL"]').innerText()).toBe(
          '⚠ Habilitation NF C18-550 B2VL (chargé de travaux au voisinage de pièces haute tension sous tension) — vérifiée au registre du personnel — fait',
        );
        await page.locator('#guided').screenshot({ path: join(ARTIFACTS, 'guided-repair-gate-fr.png') });
        const [refused] = await Promise.all([
          page.waitForNavigation({ waitUntil: 'load' }),
          page.click('#guided-repair'),
        ]);
        expect(refused?.status()).toBe(403);
        const body = await page.locator('body').innerText();
        expect(body).toContain("Emma Roux n'a aucune habilitation couvrant B2VL (acceptées : B2VL)");
        expect(body).toContain('Sur ce site, la détiennent : Lucas Bernard (B2VL)');
        await page.screenshot({ path: join(ARTIFACTS, 'repair-gate-refused-fr.png'), fullPage: true });
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
