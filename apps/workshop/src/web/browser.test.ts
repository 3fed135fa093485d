/**
 * Browser tests in headless Chromium (Debian's package, driven by playwright-core): log in, create
 * a repair order, move it through the process, clock on and off, see the KPI page change — in
 * French and in English. The server's clock is real time plus an offset the test moves forward,
 * so 90 minutes of work take no time.
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Lang } from '../i18n.js';
import { DEMO_PASSWORD } from '../seed.js';
import { demoInChromium, haveChromium } from '../test-support/browser.js';

const HAVE_CHROMIUM = haveChromium();

let offset = 0;
const env = demoInChromium('atelier-browser-', {
  clock: { now: () => Date.now() + offset },
});

const TEXT = {
  fr: {
    board: 'Tableau des ordres de réparation',
    booked: 'Rendez-vous',
    reception: 'Réception',
    delivered: 'Livré / facturé',
    kpi: 'Indicateurs atelier',
    clockedIn: 'Présent depuis',
    efficiency: 'heures vendues ÷ heures pointées',
  },
  en: {
    board: 'Repair order board',
    booked: 'Booked',
    reception: 'Reception',
    delivered: 'Delivered / invoiced',
    kpi: 'Workshop KPIs',
    clockedIn: 'Clocked in since',
    efficiency: 'sold hours ÷ clocked hours',
  },
} as const;

/** The element's text, trimmed (textContent: what the server sent, not how CSS lays it out). */
const text = async (l: Locator): Promise<string> => ((await l.textContent()) ?? '').trim();

async function login(page: Page, who: string, lang: Lang) {
  await page.goto(`${env.server.url}/login?lang=${lang}`);
  await page.fill('input[name=login]', who);
  await page.fill('input[name=password]', DEMO_PASSWORD);
  await Promise.all([page.waitForURL(/\/board/), page.click('form[action="/login"] button[type=submit]')]);
}

async function logout(page: Page) {
  await Promise.all([page.waitForURL(/\/login/), page.click('form[action="/logout"] button')]);
}

async function move(page: Page, to: string) {
  await Promise.all([page.waitForLoadState('load'), page.click(`button[data-to="${to}"]`)]);
  await expect.poll(() => page.locator('.state').first().getAttribute('class')).toContain(`state-${to}`);
}

/** Hours clocked as shown on the KPI page's hours row, as a number. */
async function clockedHours(page: Page, lang: Lang): Promise<number> {
  await page.goto(`${env.server.url}/kpi`);
  const row = await text(page.locator('tr.hours td'));
  const m = (lang === 'fr' ? /pointées ([\d\s ,]+) h/ : /clocked ([\d,.]+) h/).exec(row)!;
  return Number(m[1]!.replace(/[\s  ]/g, '').replace(lang === 'fr' ? ',' : /,/g, lang === 'fr' ? '.' : ''));
}

describe.each(['fr', 'en'] as const)('in the browser (%s)', (lang) => {
  it.skipIf(!HAVE_CHROMIUM)(
    'logs in, creates an order, moves it through the process, clocks on and off, and the KPIs change',
    async () => {
      const context = await env.browser.newContext();
      const page = await context.newPage();
      // CSP violations and script errors show up here: there must be none.
      const consoleErrors: string[] = [];
      page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
      page.on('pageerror', (e) => consoleErrors.push(e.message));
      const t = TEXT[lang];
      await login(page, 'chef', lang);
      expect(await text(page.locator('h1'))).toBe(t.board);

      // Create a repair order on the 308 (diesel: no habilitation needed).
      await page.goto(`${env.server.url}/orders/new`);
      await page.selectOption('select[name=vehicleId]', {
        label: (await text(page.locator('select[name=vehicleId] option', { hasText: 'EK-456-LM' }))).trim(),
      });
      const complaint = lang === 'fr' ? 'Ça broute au démarrage <b>à froid</b>' : 'Judders when <b>cold</b>';
      await page.fill('textarea[name=complaint]', complaint);
      await Promise.all([
        page.waitForURL(/\/orders\/\d+$/),
        page.click('form[action="/orders"] button[type=submit]'),
      ]);
      const orderUrl = page.url();
      expect(await text(page.locator('.state'))).toBe(t.booked);
      // Stored markup comes back as text.
      expect(await text(page.locator('.complaint'))).toBe(complaint);

      // Reception, then assignment to Inès.
      await page.fill('form[action$="/reception"] input[name=odometerKm]', '250000');
      await page.fill(
        'form[action$="/reception"] textarea[name=condition]',
        lang === 'fr' ? 'rayure pare-choc' : 'scratched bumper',
      );
      await Promise.all([page.waitForLoadState('load'), page.click('form[action$="/reception"] button')]);
      expect(await text(page.locator('.state'))).toBe(t.reception);
      await page.selectOption('form[action$="/assign"] select', { label: 'Inès Moreau' });
      await Promise.all([page.waitForLoadState('load'), page.click('form[action$="/assign"] button')]);
      expect(await text(page.locator('.assignee'))).toBe('Inès Moreau');

      await move(page, 'diagnosis');
      await page.fill(
        'form.add-labour input[name=description]',
        lang === 'fr' ? 'Remplacement injecteur' : 'Replace injector',
      );
      await page.fill('form.add-labour input[name=hours]', '2');
      await Promise.all([page.waitForLoadState('load'), page.click('form.add-labour button[type=submit]')]);
      // a diagnostic order is quoted on a diagnosis: the notes say what was found
      await page.fill(
        'form[action$="/notes"] textarea',
        lang === 'fr' ? 'injecteur n°2 qui fuit' : 'injector 2 leaking',
      );
      await Promise.all([page.waitForLoadState('load'), page.click('form[action$="/notes"] button')]);
      await move(page, 'quote');
      await move(page, 'awaiting_approval');
      await page.check('form[action$="/approval"] input[name=method][value=phone]');
      await page.fill('form[action$="/approval"] input[name=reference]', '06 98 76 54 32');
      await Promise.all([
        page.waitForLoadState('load'),
        page.click('form[action$="/approval"] button[type=submit]'),
      ]);
      expect(await page.locator('.state').getAttribute('class')).toContain('state-approved');
      await move(page, 'repair');
      await logout(page);

      // Inès clocks in, works 90 minutes on the order, clocks out: her KPIs move.
      await login(page, 'ines', lang);
      const before = await clockedHours(page, lang);
      expect(await text(page.locator('h1'))).toBe(t.kpi);
      expect(await text(page.locator('tr.efficiency .formula'))).toContain(t.efficiency);
      // uPlot drew the chart from the page's data block.
      expect(await page.locator('#kpi-chart canvas').count()).toBe(1);
      await page.goto(`${env.server.url}/clock`);
      await Promise.all([page.waitForLoadState('load'), page.click('#clock-in')]);
      expect(await text(page.locator('.clock-status .status'))).toContain(t.clockedIn);
      const option = page
        .locator('form[action="/clock/start"] select[name=roId] option', { hasText: 'EK-456-LM' })
        .first();
      await page.selectOption(
        'form[action="/clock/start"] select[name=roId]',
        (await option.getAttribute('value'))!,
      );
      await Promise.all([page.waitForLoadState('load'), page.click('#start-operation')]);
      offset += 90 * 60_000;
      await Promise.all([page.waitForLoadState('load'), page.click('#clock-out')]);
      const after = await clockedHours(page, lang);
      expect(after - before).toBeCloseTo(1.5, 1);

      await page.goto(orderUrl);
      await move(page, 'quality_control');
      for (const ok of await page.locator('form[action$="/quality"] input[type=radio][value=ok]').all())
        await ok.check();
      await Promise.all([
        page.waitForLoadState('load'),
        page.click('form[action$="/quality"] button[type=submit]'),
      ]);
      await move(page, 'ready');
      await logout(page);
      await login(page, 'chef', lang);
      await page.goto(orderUrl);
      // the invoice before delivery, both confirmed
      await page.check('form[action$="/invoice"] input[name=confirm]');
      await Promise.all([
        page.waitForURL(/\/invoices\/\d+$/),
        page.click('form[action$="/invoice"] button[type=submit]'),
      ]);
      await page.goto(orderUrl);
      await page.check('form:has(button[data-to="delivered"]) input[name=confirm]');
      await move(page, 'delivered');
      expect(await text(page.locator('.state'))).toBe(t.delivered);
      // Ten states (booked … delivered), the assignment and the invoice, each with who and when.
      expect(await page.locator('.events li').count()).toBe(12);
      expect(consoleErrors).toEqual([]);
      await context.close();
    },
    120_000,
  );
});
