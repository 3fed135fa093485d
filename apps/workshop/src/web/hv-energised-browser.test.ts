/**
 * A test made with the car READY while the HV system is locked out, looked at in headless Chromium:
 * on the simulated hybrid whose DC-DC converter fails, once Emma (BCL) has locked out, the proposed
 * test's buttons are disabled with the reason read out beside them, the READY tests of the list are
 * greyed, and the unlock is offered first; after her click the buttons work again. Screenshots go
 * to test-artifacts/workshop-hv-gate/.
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

describe('a READY test while the HV system is locked out, in the browser', () => {
  it.skipIf(!HAVE_CHROMIUM)(
    'disables its buttons with the reason and offers the unlock first, then lets the test be made',
    async () => {
      const t = await makeTestApp();
      const browser = await launchChromium();
      try {
        const h = sessionHelpers(t);
        const { sessionId: id } = await h.startAssignment('dcdc-converter', 'emma');
        const emma = t.demo.users.emma!;
        await grantHabilitationNow(t.store, emma.site_id, {
          userId: emma.id,
          symbol: 'BCL',
          issuedOn: isoDate(t.clock.now()),
        });
        for (const step of ['connect', 'read'])
          expect((await h.post('emma', `/diagnostics/${id}/${step}`)).statusCode).toBe(303);
        for (const [route, fields] of [
          ['guided/start', { treeId: 'charging' }],
          ['guided/safety', { id: 'hv_lockout' }],
        ] as const) {
          const res = await h.post('emma', `/diagnostics/${id}/${route}`, fields);
          expect(res.statusCode, `${route} ${res.body}`).toBe(303);
        }
        const { page, url, errors, close } = await appPageAs(t, browser, 'emma');
        await page.goto(`${url}/diagnostics/${id}?lang=fr#guided`);
        const reason = page.locator('#hv-energised-reason');
        expect(await reason.isVisible()).toBe(true);
        expect(await reason.innerText()).toMatch(/^Ce test se fait véhicule sous tension \(READY/);
        for (const button of ['#outcome-good', '#outcome-bad', '#guided-measure']) {
          expect(await page.locator(button).isDisabled(), button).toBe(true);
          expect(await page.locator(button).getAttribute('aria-describedby'), button).toBe(
            'hv-energised-reason',
          );
        }
        const proposed = await page.locator('.next-test').getAttribute('data-test');
        expect(await page.locator(`option[value="${proposed}"]`).isDisabled()).toBe(true);
        // The select still shows the proposed test, greyed: not an empty box.
        expect(await page.locator('select[name="testId"]').inputValue()).toBe(proposed);
        await page.locator('#guided').screenshot({ path: join(ARTIFACTS, 'guided-ready-locked-fr.png') });
        await Promise.all([
          page.waitForNavigation({ waitUntil: 'load' }),
          page.click('[data-safety="hv_unlock"]'),
        ]);
        expect(await page.locator('#hv-energised-reason').count()).toBe(0);
        for (const button of ['#outcome-good', '#outcome-bad', '#guided-measure'])
          expect(await page.locator(button).isDisabled(), button).toBe(false);
        await page.locator('#guided').screenshot({ path: join(ARTIFACTS, 'guided-ready-unlocked-fr.png') });
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
