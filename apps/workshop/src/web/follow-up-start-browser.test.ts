/**
 * The start button of a stopped simulated engine, looked at in headless Chromium: after the leaking
 * diesel injector is replaced, the apprentice has switched the engine off; the guided session's
 * follow-up says the engine is stopped and offers to start it (the simulated car only), then the
 * forced regeneration runs. The app runs in this process (its car reachable, as the technician's
 * hands); screenshots go to test-artifacts/workshop-follow-up/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemClock } from '@atelier/clock';
import { describe, expect, it } from 'vitest';
import { appPageAs, haveChromium, launchChromium } from '../test-support/browser.js';
import { sessionHelpers } from '../test-support/diagnostics.js';
import { makeTestApp } from '../testing.js';

const HAVE_CHROMIUM = haveChromium();
const ARTIFACTS = fileURLToPath(new URL('../../../../test-artifacts/workshop-follow-up/', import.meta.url));
mkdirSync(ARTIFACTS, { recursive: true });

describe('starting a stopped simulated engine for the DPF routine, in the browser', () => {
  it.skipIf(!HAVE_CHROMIUM)(
    'shows the stopped engine and its start button (French), starts it, then runs the regeneration',
    async () => {
      const t = await makeTestApp();
      const browser = await launchChromium();
      try {
        const h = sessionHelpers(t);
        const { sessionId: id } = await h.startAssignment('diesel-injector-leak', 'leo');
        for (const step of ['connect', 'read', 'guided/start'])
          expect((await h.post('leo', `/diagnostics/${id}/${step}`)).statusCode).toBe(303);
        expect(
          (await h.post('leo', `/diagnostics/${id}/guided/repair`, { causeId: 'injector_fault' })).statusCode,
        ).toBe(303);
        const car = t.app.diagnostics.simulatedCar(id)!;
        car.operate(systemClock.now(), { action: 'key_on' });
        car.fastForward(systemClock.now(), 5); // a few seconds later: the engine has stopped
        const { page, url, errors, close } = await appPageAs(t, browser, 'leo');
        await page.goto(`${url}/diagnostics/${id}?lang=fr#guided`);
        const start = page.locator('#guided-start-engine');
        expect(await start.innerText()).toBe('Démarrer le moteur (véhicule simulé)');
        expect(await page.locator('.engine-stopped').innerText()).toBe(
          'moteur arrêté : la routine le demande en marche',
        );
        await page.locator('li.follow-up').screenshot({ path: join(ARTIFACTS, 'engine-stopped-fr.png') });
        await page.screenshot({ path: join(ARTIFACTS, 'guided-engine-stopped-fr.png'), fullPage: true });
        await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), start.click()]);
        expect(await page.locator('#guided-start-engine').count()).toBe(0);
        await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#guided-follow-up')]);
        expect(await page.locator('li.follow-up .tag').innerText()).toMatch(
          /^Régénération forcée du FAP : terminée \(suies \d+ → \d+ g, \d+ min\)/,
        );
        await page.locator('li.follow-up').screenshot({ path: join(ARTIFACTS, 'regenerated-fr.png') });
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
