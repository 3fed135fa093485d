/**
 * CANHacker traces (`.trc`, the extension PEAK uses too) uploaded in the dashboard as an instructor
 * does it, in headless Chromium: a French Windows trace (decimal commas) and the Leaf's bus in
 * CANHacker's layout. Both are listed as CANHacker logs; the French one replays frame by frame, the
 * Leaf's gives its battery report. Screenshots in test-artifacts/workshop-recordings-canhacker/.
 */
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../../../tests/support/index.js';
import { demoInChromium, haveChromium, login, screenshots, submit } from '../test-support/browser.js';

const HAVE_CHROMIUM = haveChromium();
const { shot } = screenshots('workshop-recordings-canhacker');
const env = demoInChromium('atelier-canhacker-browser-');

describe('CANHacker traces in the dashboard', () => {
  it.skipIf(!HAVE_CHROMIUM)(
    'an instructor uploads two CANHacker .trc files: listed, the French one replays, the Leaf one gives its battery report',
    async () => {
      const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await login(page, env.server.url, 'formateur', 'fr');
      await page.goto(`${env.server.url}/training`);
      for (const file of ['can/canhacker_fr_obd.trc', 'can/nissan_leaf_uds_2022-01-06_canhacker.trc']) {
        await page.setInputFiles('form.upload input[type=file]', fixturePath(file));
        await submit(page, '#upload');
        expect(await page.locator('.error, [role=alert].error').count(), await page.content()).toBe(0);
      }
      await page.goto(`${env.server.url}/training`);
      const item = (name: string) => page.locator(`ul.recordings > li:has(strong:text-is("${name}"))`);
      const french = item('canhacker_fr_obd.trc');
      const leaf = item('nissan_leaf_uds_2022-01-06_canhacker.trc');
      expect(await french.count()).toBe(1);
      expect(await leaf.count()).toBe(1);
      expect(await french.innerText()).toMatch(/canhacker/);
      expect(await leaf.locator('li.battery-read').innerText()).toMatch(/nissan-leaf, 26/);
      await shot(page, '1-recordings-list');

      // The French trace replays: its 9 frames, the clock read across the minute.
      await submit(page, 'ul.recordings > li:has(strong:text-is("canhacker_fr_obd.trc")) a');
      await page.selectOption('#replay-speed', '10');
      await page.click('#replay-play');
      await expect.poll(() => page.locator('#replay-rows tr').count(), { timeout: 15_000 }).toBe(9);
      await shot(page, '2-french-trace-replay');

      // The Leaf's battery report, from the CANHacker trace.
      await page.goto(`${env.server.url}/training`);
      await submit(
        page,
        'ul.recordings > li:has(strong:text-is("nissan_leaf_uds_2022-01-06_canhacker.trc")) a.battery-report',
      );
      expect(await page.locator('tr[data-quantity="soc"] td').innerText()).toBe('89,1 %');
      await shot(page, '3-leaf-trace-battery-report');
      expect(errors).toEqual([]);
      await context.close();
    },
    120_000,
  );
});
