/**
 * Browser tests in headless Chromium (Debian's package, driven by playwright-core) of the
 * diagnostic and training areas: an apprentice runs a whole session on a simulated scenario through
 * the ELM327 emulator (connect, read, live chart updating, guided steps, conclusion, report); an
 * instructor uploads a recording, makes it a scenario and assigns it, the apprentice works on it —
 * the adapter drops mid-session and the page says so and keeps everything — and the instructor
 * reads the assessment. Screenshots go to test-artifacts/workshop-diagnostics/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../../../tests/support/index.js';
import { DEMO_PASSWORD } from '../seed.js';
import { knowledgeBase } from '../services/knowledge.js';
import { demoInChromium, haveChromium } from '../test-support/browser.js';
import { recordTranscript } from '../test-support/diagnostics.js';

const HAVE_CHROMIUM = haveChromium();

const ARTIFACTS = fileURLToPath(new URL('../../../../test-artifacts/workshop-diagnostics/', import.meta.url));
mkdirSync(ARTIFACTS, { recursive: true });
const env = demoInChromium('atelier-diag-browser-');

async function login(page: Page, who: string) {
  await page.goto(`${env.server.url}/login?lang=fr`);
  await page.fill('input[name=login]', who);
  await page.fill('input[name=password]', DEMO_PASSWORD);
  await Promise.all([page.waitForURL(/\/board/), page.click('form[action="/login"] button[type=submit]')]);
}

/** Clicks a button that submits a form and waits for the page it leads to (not the one already loaded). */
async function click(page: Page, selector: string) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]);
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

/** Follows the guided diagnosis in the page, answering each step truthfully for `trueCause`, to the conclusion. */
async function followGuided(page: Page, trueCause: string) {
  const kb = knowledgeBase();
  await click(page, '#guided-start');
  for (let i = 0; i < 20; i++) {
    const state = await page.locator('#guided').getAttribute('data-state');
    if (state !== 'diagnose') break;
    // The ranked causes with their probabilities are on the page at every step.
    expect(await page.locator('table.causes tr[data-cause]').count()).toBeGreaterThan(1);
    for (const b of await page.locator('[data-safety]').all())
      await click(page, `[data-safety="${await b.getAttribute('data-safety')}"]`);
    const testId = (await page.locator('.next-test').getAttribute('data-test'))!;
    expect((await page.locator('.next-step .reason').innerText()).length).toBeGreaterThan(10);
    const test = kb.tests.get(testId)!;
    const bad = test.checks[trueCause] && test.checks[trueCause]!.sensitivity > 0.5;
    await click(page, bad ? '#outcome-bad' : '#outcome-good');
  }
  expect(await page.locator('#guided').getAttribute('data-state')).toBe('repair');
  await click(page, '#guided-repair');
  // The verification as a workshop does it: clear, road test (a simulated car: fast-forwarded; a
  // recording cannot drive), re-read.
  await click(page, '#guided-clear');
  const simulated = (await page.locator('#guided-road-test').count()) > 0;
  if (simulated) await click(page, '#guided-road-test');
  await page.check('input[name=symptomGone]');
  await click(page, '#guided-verify');
  expect(await page.locator('#guided').getAttribute('data-state')).toBe('done');
  expect(await page.locator('li.step-clear').count()).toBe(1);
  if (simulated) expect(await page.locator('li.step-verify').textContent()).toMatch(/✔/);
}

describe('diagnostic sessions in the browser', () => {
  it.skipIf(!HAVE_CHROMIUM)(
    'an apprentice runs a whole session on a simulated scenario: connect, read, live chart, guided steps, conclusion, report',
    async () => {
      const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await login(page, 'emma');
      await page.goto(`${env.server.url}/training`);
      await click(page, 'button.start-assignment');
      expect(page.url()).toMatch(/\/diagnostics\/\d+$/);
      const sessionUrl = page.url();
      await click(page, '#connect');
      expect(await page.locator('#adapter-status').innerText()).toBe('connecté');
      await click(page, '#read');
      expect(await page.locator('tr.dtc[data-code="P0171"]').first().innerText()).toMatch(/pauvre/i);
      expect(await page.locator('.vin code').innerText()).toMatch(/^[A-HJ-NPR-Z0-9]{17}$/);
      expect(await page.locator('p.readiness').count()).toBeGreaterThan(0);

      // Live data: engine speed and coolant temperature; the chart fills as samples arrive.
      await page.uncheck('input[name=pids][value="0D"]').catch(() => {});
      await page.check('input[name=pids][value="0C"]');
      await page.check('input[name=pids][value="05"]');
      await page.fill('input[name=periodMs]', '100');
      await click(page, '#live-start');
      await page.waitForSelector('#live-chart canvas');
      const first = Number(await page.locator('#live-chart').getAttribute('data-samples'));
      // 30 s: live samples arrive every 100 ms on an idle machine, far slower at load 20
      await expect
        .poll(async () => Number(await page.locator('#live-chart').getAttribute('data-samples')), {
          timeout: 30_000,
        })
        .toBeGreaterThan(first + 10);
      await page.fill('form.mark input[name=label]', 'coup de gaz 3000 tr/min');
      await click(page, '#mark');
      await page.waitForSelector('#live-chart canvas');
      await shot(page, '1-live-chart');
      await click(page, '#live-pause');

      await followGuided(page, 'vacuum_leak');
      expect(await page.locator('#guided .conclusion').innerText()).toContain("Prise d'air à l'admission");
      await shot(page, '2-guided-done');

      await click(page, '#report-link');
      expect(await page.locator('h1').innerText()).toBe('Rapport de diagnostic');
      expect(await page.locator('#report-conclusion').innerText()).toContain("Prise d'air");
      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('header').isVisible()).toBe(false);
      await shot(page, '3-report-print');
      await page.pdf({ path: join(ARTIFACTS, '3-report.pdf'), format: 'A4' });
      // The same session in English.
      await page.emulateMedia({ media: 'screen' });
      await page.goto(`${sessionUrl}?lang=en`);
      expect(await page.locator('#adapter-status').innerText()).toMatch(/^(connected|not connected)$/);
      expect(await page.locator('tr.dtc[data-code="P0171"]').first().innerText()).toMatch(/lean/i);
      expect(await page.locator('#guided .conclusion').innerText()).toContain('Intake vacuum leak');
      await shot(page, '3b-session-en');
      expect(errors).toEqual([]);
      await context.close();
    },
    120_000,
  );

  it.skipIf(!HAVE_CHROMIUM)(
    'an instructor uploads a recording, makes it a scenario and assigns it; the adapter drops mid-session; the instructor reads the assessment',
    async () => {
      const transcriptFile = join(env.dir, 'clio-ralenti.elm327.txt');
      writeFileSync(transcriptFile, await recordTranscript('vacuum-leak'));
      const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await login(page, 'formateur');
      await page.goto(`${env.server.url}/training`);
      // A refusal first: a binary file.
      const junk = join(env.dir, 'junk.log');
      writeFileSync(junk, Buffer.from([0x00, 0x01, 0x02, 0xff]));
      await page.setInputFiles('form.upload input[type=file]', junk);
      await click(page, '#upload');
      expect(await page.locator('p.error').innerText()).toMatch(/contenu binaire/);
      await page.goto(`${env.server.url}/training`);
      await page.setInputFiles('form.upload input[type=file]', transcriptFile);
      await click(page, '#upload');
      await expect
        .poll(() => page.locator('ul.recordings li', { hasText: 'clio-ralenti.elm327.txt' }).count())
        .toBe(1);

      await page.fill('#new-scenario input[name=title]', 'Clio : ralenti instable (enregistrement)');
      await page.selectOption('#new-scenario select[name=source]', 'recording');
      await page.selectOption('#new-scenario select[name=recordingId]', { label: 'clio-ralenti.elm327.txt' });
      await page.selectOption('#new-scenario select[name=vehicleType]', 'petrol');
      await page.fill('#new-scenario textarea[name=complaint]', 'Ralenti instable, voyant moteur allumé.');
      await page.selectOption('#new-scenario select[name=trueCause]', 'vacuum_leak');
      await page.fill('#new-scenario textarea[name=notes]', 'Insister sur la confirmation de la plainte.');
      await click(page, '#create-scenario');
      const scenarioUrl = page.url();
      expect(scenarioUrl).toMatch(/\/training\/scenarios\/\d+$/);
      await page.goto(`${env.server.url}/training`);
      await page.selectOption('form.assign select[name=scenarioId]', {
        label: 'Clio : ralenti instable (enregistrement)',
      });
      await page.check('form.assign input[name=userIds] >> nth=0');
      const who = (await page.locator('form.assign label.check').first().innerText()).trim();
      await page.fill('form.assign input[name=dueOn]', '2030-06-30');
      await click(page, '#assign');
      expect(await page.locator(`tr[data-user="${who}"] .progress`).innerText()).toBe('pas commencé');
      await shot(page, '4-scenario-assigned');

      // The apprentice works on it; the adapter drops while live data runs.
      const learner = who === 'Léo Petit' ? 'leo' : 'emma';
      const apprentice = await (
        await env.browser.newContext({ viewport: { width: 1280, height: 900 } })
      ).newPage();
      await login(apprentice, learner);
      await apprentice.goto(`${env.server.url}/training`);
      await click(apprentice, 'tr:has-text("Clio : ralenti instable") button.start-assignment');
      const sessionId = Number(/\/diagnostics\/(\d+)$/.exec(apprentice.url())![1]);
      await click(apprentice, '#connect');
      await click(apprentice, '#read');
      expect(await apprentice.locator('tr.dtc[data-code="P0171"]').count()).toBeGreaterThan(0);
      // The recording answers the requests it holds: engine speed alone.
      const values = await apprentice
        .locator('input[name=pids]')
        .evaluateAll((boxes) => boxes.map((b) => (b as unknown as { value: string }).value));
      for (const v of values) await apprentice.uncheck(`input[name=pids][value="${v}"]`);
      await apprentice.check('input[name=pids][value="0C"]');
      await click(apprentice, '#live-start');
      await expect
        .poll(async () => Number(await apprentice.locator('#live-chart').getAttribute('data-samples')), {
          timeout: 30_000,
        })
        .toBeGreaterThan(5);
      await env.server.app.diagnostics.adapterOf(sessionId)!.unplug!();
      // Without reloading: the status turns, the message says what to check, the values stay.
      await apprentice.waitForSelector('#problem .problem[data-problem="disconnected"]', { timeout: 30_000 });
      expect(await apprentice.locator('#adapter-status').innerText()).toBe('liaison perdue');
      expect(await apprentice.locator('#read').isDisabled()).toBe(true);
      expect(await apprentice.locator('#problem').innerText()).toContain(
        'tout ce qui a déjà été lu est conservé',
      );
      // The client's own words, in French, under them (from the status event, without a reload).
      expect(await apprentice.locator('#problem .problem-detail').innerText()).toBe(
        "liaison avec l'adaptateur perdue : l'adaptateur a fermé la ligne",
      );
      expect(await apprentice.locator('tr.dtc[data-code="P0171"]').count()).toBeGreaterThan(0);
      await shot(apprentice, '5-adapter-dropped');
      const shown = Number(await apprentice.locator('#live-chart').getAttribute('data-samples'));
      await apprentice.reload();
      // After a reload every value is still there (read from the store), and the page offers to reconnect.
      await apprentice.waitForSelector('#live-chart canvas');
      expect(
        Number(await apprentice.locator('#live-chart').getAttribute('data-samples')),
      ).toBeGreaterThanOrEqual(shown);
      expect(await apprentice.locator('#connect').innerText()).toBe('Reconnecter');
      await click(apprentice, '#connect');
      expect(await apprentice.locator('#adapter-status').innerText()).toBe('connecté');
      await followGuided(apprentice, 'vacuum_leak');
      await click(apprentice, '#finish');

      // The instructor follows progress and reads the assessment.
      await page.goto(scenarioUrl);
      expect(await page.locator(`tr[data-user="${who}"] .progress`).innerText()).toMatch(/^terminé le/);
      const mark = Number(await page.locator(`tr[data-user="${who}"] .mark`).innerText());
      expect(mark).toBeGreaterThanOrEqual(14);
      await click(page, `tr[data-user="${who}"] a`);
      expect(await page.locator('.assessment .right-cause').innerText()).toMatch(/^Bonne cause trouvée/);
      expect(await page.locator('table.skills tr').count()).toBe(4);
      await shot(page, '6-assessment');
      await context.close();
    },
    180_000,
  );
  it.skipIf(!HAVE_CHROMIUM)(
    'an instructor replays a real CAN log at ×10 with per-id counts, and plots DBC signals',
    async () => {
      const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await login(page, 'formateur');
      await page.goto(`${env.server.url}/training`);
      await page.setInputFiles(
        'form.upload input[type=file]',
        fixturePath('can/savvycan_example_candump.log'),
      );
      await click(page, '#upload');
      await click(page, 'ul.recordings li:has-text("savvycan_example_candump.log") a');
      await page.selectOption('#replay-speed', '10');
      await page.click('#replay-play');
      // 60 s: the replay runs in real time (×10) in Chromium beside the server, far slower at CI's load
      await expect
        .poll(async () => Number(await page.locator('body').getAttribute('data-replayed')), {
          timeout: 60_000,
        })
        .toBeGreaterThan(200);
      expect(Number(await page.locator('tr[data-id="102"] .replayed').innerText())).toBeGreaterThan(0);
      expect(await page.locator('#replay-rows tr').count()).toBeGreaterThan(10);
      await shot(page, '7-replay');
      const dbc = join(env.dir, 'bench.dbc');
      writeFileSync(
        dbc,
        'VERSION ""\nBU_: A\nBO_ 258 Msg102: 6 A\n SG_ Counter : 0|8@1+ (1,0) [0|255] "" A\n SG_ Word : 8|16@1+ (0.5,0) [0|32767.5] "" A\n',
      );
      await page.setInputFiles('form.dbc input[type=file]', dbc);
      await click(page, '#dbc-plot');
      await page.waitForSelector('#dbc-chart canvas');
      expect(await page.locator('#dbc-chart').getAttribute('data-signals')).toBe('2');
      await shot(page, '8-dbc-signals');
      expect(errors).toEqual([]);
      await context.close();
    },
    120_000,
  );
  it.skipIf(!HAVE_CHROMIUM)(
    'an instructor uploads the Leaf MF4 and makes it a scenario; the apprentice reads the traction-battery report',
    async () => {
      const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await login(page, 'formateur');
      await page.goto(`${env.server.url}/training`);
      await page.setInputFiles(
        'form.upload input[type=file]',
        fixturePath('can/nissan_leaf_uds_2022-01-06.MF4'),
      );
      await click(page, '#upload');
      const item = page.locator('ul.recordings li', { hasText: 'nissan_leaf_uds_2022-01-06.MF4' });
      expect(await item.locator('li.ecu').innerText()).toBe('79B → 7BB : 21 01, 21 04 (26)');
      expect(await item.locator('a.battery-report').count()).toBe(1);
      await shot(page, '9-leaf-mf4-uploaded');
      await click(page, 'ul.recordings li:has-text("nissan_leaf_uds_2022-01-06.MF4") a.battery-report');
      expect(await page.locator('#battery-series svg.series-chart').count()).toBe(3);
      await shot(page, '9b-leaf-recording-battery-report');
      await page.goto(`${env.server.url}/training`);
      await page.fill('#new-scenario input[name=title]', 'Leaf : batterie de traction');
      await page.selectOption('#new-scenario select[name=source]', 'recording');
      await page.selectOption('#new-scenario select[name=recordingId]', {
        label: 'nissan_leaf_uds_2022-01-06.MF4',
      });
      await page.selectOption('#new-scenario select[name=vehicleType]', 'ev');
      await page.fill(
        '#new-scenario textarea[name=complaint]',
        'Autonomie en baisse : état de la batterie ?',
      );
      await page.selectOption('#new-scenario select[name=trueCause]', 'battery_weak');
      await click(page, '#create-scenario');
      await page.goto(`${env.server.url}/training`);
      await page.selectOption('form.assign select[name=scenarioId]', {
        label: 'Leaf : batterie de traction',
      });
      await page.check('form.assign input[name=userIds] >> nth=0');
      const who = (await page.locator('form.assign label.check').first().innerText()).trim();
      await page.fill('form.assign input[name=dueOn]', '2030-06-30');
      await click(page, '#assign');
      const learner = who === 'Léo Petit' ? 'leo' : 'emma';
      const apprentice = await (
        await env.browser.newContext({ viewport: { width: 1280, height: 900 } })
      ).newPage();
      await login(apprentice, learner);
      await apprentice.goto(`${env.server.url}/training`);
      await click(apprentice, 'tr:has-text("Leaf : batterie de traction") button.start-assignment');
      expect(await apprentice.locator('.adapter').innerText()).toContain(
        'Scénario de formation (enregistrement)',
      );
      expect(await apprentice.locator('body').innerText()).not.toMatch(/véhicule simulé|réel/);
      await click(apprentice, '#connect');
      await shot(apprentice, '10-leaf-session');
      await click(apprentice, '#battery-report');
      expect(await apprentice.locator('#hv-note').innerText()).toContain('NF C18-550');
      expect(await apprentice.locator('tr[data-quantity="soc"] td').innerText()).toMatch(/^89,\d+ %$/);
      expect(await apprentice.locator('tr[data-quantity="packVoltage"] td').innerText()).toMatch(
        /^390,\d+ V$/,
      );
      expect(await apprentice.locator('li[data-missing="cellVoltages"]').innerText()).toContain('21 02');
      await shot(apprentice, '11-leaf-battery-report');
      await apprentice.context().close();
      await context.close();
    },
    120_000,
  );
});
