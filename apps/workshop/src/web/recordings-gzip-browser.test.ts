/**
 * Gzip-compressed recordings uploaded in the dashboard as an instructor does it, in headless
 * Chromium: a Vector ASC and a CANedge MF4, each `.gz` as archives keep them. Each is kept as the
 * log inside, the uploaded file named beside it, replays, and the Leaf's gives its battery report,
 * whose source line says which file it comes from, on screen and in print.
 * Screenshots in test-artifacts/workshop-recordings-gzip/.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { openLogWriter, readLog } from '@atelier/can';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../../../tests/support/index.js';
import { demoInChromium, haveChromium, login, submit } from '../test-support/browser.js';

const HAVE_CHROMIUM = haveChromium();
const ARTIFACTS = fileURLToPath(
  new URL('../../../../test-artifacts/workshop-recordings-gzip/', import.meta.url),
);
mkdirSync(ARTIFACTS, { recursive: true });
const env = demoInChromium('atelier-gzip-browser-');

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

describe('gzip-compressed recordings in the dashboard', () => {
  it.skipIf(!HAVE_CHROMIUM)(
    'an instructor uploads trace.asc.gz, the Leaf .MF4.gz and the simulated Kona .log.gz: listed as the logs inside with the uploaded file named, the ASC replays, the battery reports say their source, on screen and in print',
    async () => {
      // An ASC made from the SavvyCAN candump sample (the same frames), then gzip-compressed; the
      // Leaf's MF4 as CANedge wrote it, gzip-compressed.
      const asc = join(env.dir, 'trace.asc');
      const w = openLogWriter(asc, 'asc');
      for await (const f of readLog(fixturePath('can/savvycan_example_candump.log'))) await w.write(f);
      await w.close();
      const ascGz = join(env.dir, 'trace.asc.gz');
      writeFileSync(ascGz, gzipSync(readFileSync(asc)));
      const mf4Gz = join(env.dir, 'nissan_leaf_uds_2022-01-06.MF4.gz');
      writeFileSync(mf4Gz, gzipSync(readFileSync(fixturePath('can/nissan_leaf_uds_2022-01-06.MF4'))));

      const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await login(page, env.server.url, 'formateur', 'fr');
      await page.goto(`${env.server.url}/training`);
      for (const file of [ascGz, mf4Gz]) {
        await page.setInputFiles('form.upload input[type=file]', file);
        await submit(page, '#upload');
        expect(await page.locator('.error, [role=alert].error').count(), await page.content()).toBe(0);
      }
      await page.goto(`${env.server.url}/training`);
      // Kept as the logs inside, under their names, with the file as uploaded named beside them.
      const ascItem = page.locator('ul.recordings > li:has(strong:text-is("trace.asc"))');
      const leafItem = page.locator(
        'ul.recordings > li:has(strong:text-is("nissan_leaf_uds_2022-01-06.MF4"))',
      );
      expect(await ascItem.count()).toBe(1);
      expect(await leafItem.count()).toBe(1);
      const kib = (p: string) => Math.ceil(readFileSync(p).length / 1024);
      expect(await ascItem.locator('.compressed').innerText()).toBe(
        `(téléversé compressé : trace.asc.gz, ${kib(ascGz)} Kio)`,
      );
      expect(await leafItem.locator('.compressed').innerText()).toBe(
        `(téléversé compressé : nissan_leaf_uds_2022-01-06.MF4.gz, ${kib(mf4Gz)} Kio)`,
      );
      // Read as the logs inside: the ASC's broadcast ids, the Leaf's battery reads (26 answers).
      expect(await ascItem.innerText()).toMatch(/\d+ identifiant\(s\) diffusé\(s\)/);
      expect(await leafItem.locator('li.battery-read').innerText()).toMatch(/nissan-leaf, 26/);
      expect(await leafItem.locator('li.origin').innerText()).toBe('Origine : enregistrement');
      await shot(page, '1-recordings-list');

      // The ASC replays frame by frame.
      await shot(page, '1-recordings-list');
      await submit(page, 'ul.recordings > li:has(strong:text-is("trace.asc")) a');
      await page.selectOption('#replay-speed', '10');
      await page.click('#replay-play');
      // 60 s: the replay runs in real time (×10) in Chromium beside the server, far slower at CI's load
      await expect
        .poll(() => page.locator('#replay-rows tr').count(), { timeout: 60_000 })
        .toBeGreaterThan(10);
      await shot(page, '2-asc-gz-replay');

      // The Leaf's battery report: figures, and where they come from.
      await page.goto(`${env.server.url}/training`);
      await submit(
        page,
        'ul.recordings > li:has(strong:text-is("nissan_leaf_uds_2022-01-06.MF4")) a.battery-report',
      );
      expect(await page.locator('tr[data-quantity="soc"] td').innerText()).toBe('89,1 %');
      const source = page.locator('#battery-source');
      expect(await source.innerText()).toBe(
        "Source des valeurs : fichier « nissan_leaf_uds_2022-01-06.MF4 » (enregistrement) ; réponses utilisées de 0 s à 62 s de l'enregistrement, débutant le 2022-01-06 11:46:01 UTC",
      );
      await shot(page, '3-leaf-gz-battery-report');
      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('header').first().isVisible()).toBe(false);
      expect(await source.isVisible()).toBe(true);
      await shot(page, '4-leaf-gz-battery-report-print');
      await page.pdf({ path: join(ARTIFACTS, '4-leaf-gz-battery-report.pdf'), format: 'A4' });
      await page.emulateMedia({ media: 'screen' });

      // The simulated Kona's recording, gzip-compressed too: its mark read inside, the drive apart.
      const konaGz = join(env.dir, 'sim_kona_weak_cell_battery.log.gz');
      writeFileSync(konaGz, gzipSync(readFileSync(fixturePath('ev/sim_kona_weak_cell_battery.log'))));
      await page.goto(`${env.server.url}/training?lang=en`);
      await page.setInputFiles('form.upload input[type=file]', konaGz);
      await submit(page, '#upload');
      const kona = page.locator('ul.recordings > li:has(strong:text-is("sim_kona_weak_cell_battery.log"))');
      expect(await kona.locator('li.origin').innerText()).toBe(
        'Origin: recording of a simulated vehicle (Atelier)',
      );
      await submit(
        page,
        'ul.recordings > li:has(strong:text-is("sim_kona_weak_cell_battery.log")) a.battery-report',
      );
      expect(await page.locator('#battery-source').getAttribute('data-origin')).toBe('atelier-simulator');
      expect(await page.locator('#battery-source').innerText()).toMatch(
        /^Where the figures come from: file “sim_kona_weak_cell_battery\.log” \(recording of a simulated vehicle \(Atelier\), scenario kona-weak-cell\)/,
      );
      expect(await page.locator('#battery-drive tr[data-quantity="motorSpeed"] td').innerText()).toBe(
        '0 rpm',
      );
      expect(await page.locator('#battery-cells svg rect.cell-min').count()).toBe(1);
      expect(await page.locator('tr[data-quantity="cells"] td').innerText()).toMatch(
        /^min 3\.6 V \(#37\), max/,
      );
      await shot(page, '5-kona-gz-battery-report-en');
      expect(errors).toEqual([]);
      await context.close();
    },
    120_000,
  );
});
