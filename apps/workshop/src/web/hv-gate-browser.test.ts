/**
 * The traction battery and the HV gate of a guided session, looked at in headless Chromium: on the
 * simulated Kona with a weak cell, the guided card says the battery was read (cells, spread, SoH,
 * source); the cell capacity test (pack opened) asks for the lock-out (the BCL's) and NF C18-550's
 * battery option, and says before the click that Emma, an apprentice, holds neither and who on the
 * site does; she presses the lock-out and is refused naming BCL and its holder; once the register
 * gives her BCL the page says she holds it, the lock-out goes through, and the battery option is
 * refused as before. Screenshots go to test-artifacts/workshop-hv-gate/.
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

describe('the HV gate of a guided session, in the browser', () => {
  it.skipIf(!HAVE_CHROMIUM)(
    'shows the battery read, then refuses the battery option to an apprentice who does not hold it',
    async () => {
      const t = await makeTestApp();
      const browser = await launchChromium();
      try {
        const h = sessionHelpers(t);
        const { sessionId: id } = await h.startAssignment('kona-weak-cell', 'emma');
        for (const step of ['connect', 'read', 'guided/start'])
          expect((await h.post('emma', `/diagnostics/${id}/${step}`)).statusCode).toBe(303);
        // The modules compared at rest (measured on the car): the pack-opened test comes next.
        expect(
          (await h.post('emma', `/diagnostics/${id}/guided/measure`, { testId: 'hv_module_balance_read' }))
            .statusCode,
        ).toBe(303);
        const { page, url, errors, close } = await appPageAs(t, browser, 'emma');
        await page.goto(`${url}/diagnostics/${id}?lang=fr#guided`);
        expect(await page.locator('.battery-read-note').innerText()).toMatch(
          /^Batterie de traction lue : 98 cellules, écart 0,\d+ V \(cellule 37 la plus basse\)/,
        );
        expect(await page.locator('.next-test').getAttribute('data-test')).toBe('hv_cell_capacity_test');
        expect(await page.locator('[data-safety="habilitation_B1XL"]').innerText()).toBe(
          '⚠ Habilitation NF C18-550 B1XL (option batterie : opérations sur la batterie de traction, ouverture du pack ; B2XL la couvre) — vérifiée au registre du personnel — fait',
        );
        // Before any click: what Emma holds, per step, and who on the site holds it.
        expect(await page.locator('[data-safety-for="hv_lockout"]').innerText()).toMatch(
          /^✘ Habilitation BCL requise, non détenue \(chargé de consignation\) : Emma Roux n'a aucune habilitation couvrant BCL \(acceptées : BCL\).*\. Sur ce site, la détiennent : Lucas Bernard \(BCL\)\.$/,
        );
        expect(await page.locator('[data-safety-for="habilitation_B1XL"]').innerText()).toMatch(
          /^✘ Habilitation B1XL requise, non détenue \(exécutant d’opérations spécifiques\) : .*Sur ce site, la détiennent : Lucas Bernard \(B2XL\)\.$/,
        );
        await page.locator('#guided').screenshot({ path: join(ARTIFACTS, 'guided-battery-gate-fr.png') });
        const [lockRefused] = await Promise.all([
          page.waitForNavigation({ waitUntil: 'load' }),
          page.click('[data-safety="hv_lockout"]'),
        ]);
        expect(lockRefused?.status()).toBe(403);
        expect(await page.locator('body').innerText()).toContain(
          "Emma Roux n'a aucune habilitation couvrant BCL (acceptées : BCL)",
        );
        // The register gives her BCL: said before the click, and the lock-out goes through.
        const emma = t.demo.users.emma!;
        await grantHabilitationNow(t.store, emma.site_id, {
          userId: emma.id,
          symbol: 'BCL',
          issuedOn: isoDate(t.clock.now()),
        });
        await page.goto(`${url}/diagnostics/${id}?lang=fr#guided`);
        expect(await page.locator('[data-safety-for="hv_lockout"]').innerText()).toMatch(
          /^✔ Vous détenez BCL, valide jusqu’au \d\d\/\d\d\/\d{4} \(BCL : chargé de consignation\)\.$/,
        );
        await page.locator('#guided').screenshot({ path: join(ARTIFACTS, 'guided-bcl-held-fr.png') });
        await Promise.all([
          page.waitForNavigation({ waitUntil: 'load' }),
          page.click('[data-safety="hv_lockout"]'),
        ]);
        const [refused] = await Promise.all([
          page.waitForNavigation({ waitUntil: 'load' }),
          page.click('[data-safety="habilitation_B1XL"]'),
        ]);
        expect(refused?.status()).toBe(403);
        const body = await page.locator('body').innerText();
        expect(body).toContain("Emma Roux n'a aucune habilitation couvrant B1XL (acceptées : B1XL, B2XL)");
        expect(body).toContain('Sur ce site, la détiennent : Lucas Bernard (B2XL)');
        await page.screenshot({ path: join(ARTIFACTS, 'hv-gate-refused-fr.png'), fullPage: true });
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
