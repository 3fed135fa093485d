/**
 * The traction battery and the HV gate of a guided session, looked at in headless Chromium: on the
 * simulated Kona with a weak cell, the guided card says the battery was read (cells, spread, SoH,
 * source); the cell capacity test (pack opened) asks for the lock-out and NF C18-550's battery
 * option; Emma, an apprentice without it in the people register, presses it and is refused with the
 * symbol and who on the site holds it. Screenshots go to test-artifacts/workshop-hv-gate/.
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
        await page.locator('#guided').screenshot({ path: join(ARTIFACTS, 'guided-battery-gate-fr.png') });
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
