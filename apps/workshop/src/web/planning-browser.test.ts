/**
 * The planning in headless Chromium, as the front desk uses it: the demo's week at 1,366 px (a grid
 * of days and hours, today marked, an overlap shown) and at 390 px (the days one under the other),
 * neither scrolling sideways; an appointment booked from the new-order form with a French date, a
 * bad date refused beside its field, the appointment moved from the order page, the next week
 * reached by its link — in French and in English. Screenshots in test-artifacts/planning/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Lang } from '../i18n.js';
import { addDays, mondayOf, parisDay, weekday } from '../services/calendar.js';
import { frenchHolidays } from '../services/opening-hours.js';
import { demoInChromium, haveChromium, login, measure, submit } from '../test-support/browser.js';

const RUN = haveChromium();
const SHOTS = fileURLToPath(new URL('../../../../test-artifacts/planning/', import.meta.url));
mkdirSync(SHOTS, { recursive: true });
const env = demoInChromium('atelier-planning-browser-');

const TEXT = {
  fr: { badDay: 'date invalide', overlap: 'chevauche', next: 'Semaine suivante', booked: 'Rendez-vous' },
  en: { badDay: 'invalid date', overlap: 'overlaps', next: 'Next week', booked: 'Booked' },
} as const;

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

async function fits(page: Page, width: number): Promise<void> {
  const m = await measure(page);
  expect(m.overflow, m.offenders.join(', ')).toBeLessThanOrEqual(1);
  if (width === 1366) expect(m.navLines).toBe(1);
}

describe.each(['fr', 'en'] as Lang[])('the planning in %s', (lang) => {
  it.skipIf(!RUN)(
    'shows the week on a laptop and a phone, books, refuses a bad date, moves an appointment',
    async () => {
      const t = TEXT[lang];
      const context = await env.browser.newContext({ viewport: { width: 1366, height: 900 } });
      const page = await context.newPage();
      await login(page, env.server.url, 'chef', lang);
      await page.click('header nav a[href="/planning"]');
      await page.waitForURL(/\/planning/);

      // the demo's week: today marked, appointments on several days, Lucas's two at once
      const today = parisDay(Date.now());
      expect(await page.locator('section.day[aria-current="date"]').getAttribute('data-day')).toBe(today);
      expect(await page.locator('a.appt').count()).toBeGreaterThanOrEqual(5);
      const hours = await page.locator('.hours .hour').allTextContents();
      expect(hours[0]).toBe('07:00');
      // columns side by side: each day's title on one row, left to right
      const heads = await page.locator('section.day h2').evaluateAll((hs) =>
        hs.map((h) => {
          const r = (
            h as unknown as { getBoundingClientRect(): { left: number; top: number } }
          ).getBoundingClientRect();
          return { left: r.left, top: r.top };
        }),
      );
      expect(new Set(heads.map((h) => Math.round(h.top))).size).toBe(1);
      expect(heads.map((h) => h.left)).toEqual([...heads.map((h) => h.left)].sort((a, b) => a - b));
      await fits(page, 1366);
      await shot(page, `${lang}-week-1366`);

      // the overlap is on the page of the week it falls in (this one, or the next on a Saturday night)
      let overlap = page.locator('a.appt.overlap');
      if (!(await overlap.count())) {
        await submit(page, '.week-nav a[rel="next"]');
        overlap = page.locator('a.appt.overlap');
      }
      expect(await overlap.count()).toBeGreaterThanOrEqual(2);
      expect(await overlap.first().textContent()).toContain(t.overlap);
      await fits(page, 1366);
      await shot(page, `${lang}-overlap-1366`);

      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`${env.server.url}/planning`);
      await fits(page, 390);
      // on a phone the days stack: each title under the previous one
      const tops = await page
        .locator('section.day h2')
        .evaluateAll((hs) =>
          hs.map(
            (h) => (h as unknown as { getBoundingClientRect(): { top: number } }).getBoundingClientRect().top,
          ),
        );
      expect(tops).toEqual([...tops].sort((a, b) => a - b));
      expect(new Set(tops.map(Math.round)).size).toBe(tops.length);
      await shot(page, `${lang}-week-390`);
      // the link down to today brings its day into view
      await page.click('.week-nav a.to-today');
      expect(await page.locator('#today h2').isVisible()).toBe(true);
      const top = await page
        .locator('#today')
        .evaluate(
          (el) => (el as unknown as { getBoundingClientRect(): { top: number } }).getBoundingClientRect().top,
        );
      expect(top).toBeGreaterThanOrEqual(-1);
      expect(top).toBeLessThan(844 - 100);
      await page.screenshot({ path: join(SHOTS, `${lang}-week-390-top.png`) });
      await page.screenshot({ path: join(SHOTS, `${lang}-week-390-end.png`) });
      await page.setViewportSize({ width: 1366, height: 900 });

      // a new order for next week, typed the French way; first a day that does not exist
      // next week's first working day and the one after (a public holiday is refused: skipped)
      const holidays = new Set(
        [0, 1].flatMap((k) => frenchHolidays(Number(today.slice(0, 4)) + k).map((h) => h.day)),
      );
      const workday = (from: string) => {
        let day = from;
        while (holidays.has(day) || weekday(day) > 5) day = addDays(day, 1);
        return day;
      };
      const monday = workday(addDays(mondayOf(today), 7));
      const tuesday = workday(addDays(monday, 1));
      const [y, m, d] = monday.split('-');
      await page.goto(`${env.server.url}/orders/new`);
      await page.fill('textarea[name=complaint]', 'Contrôle avant départ en vacances');
      await page.fill('input[name=bookedDay]', `31/02/${y}`);
      await page.fill('input[name=bookedTime]', '9h15');
      await submit(page, 'form[action="/orders"] button[type=submit]');
      const error = page.locator('input[name=bookedDay] + .field-error');
      expect(await error.textContent()).toContain(t.badDay);
      expect(await page.inputValue('textarea[name=complaint]')).toBe('Contrôle avant départ en vacances');
      await shot(page, `${lang}-bad-date`);
      await page.fill('input[name=bookedDay]', `${d}/${m}/${y}`);
      await submit(page, 'form[action="/orders"] button[type=submit]');
      expect(page.url()).toMatch(/\/orders\/\d+$/);
      const orderUrl = page.url();
      expect(await page.locator('dd.booked-for').textContent()).toContain('09:15');

      // moved to Tuesday 14:00 from the order page, then seen in next week's planning
      await page.fill('form.appointment-move input[name=bookedDay]', tuesday);
      await page.fill('form.appointment-move input[name=bookedTime]', '14:00');
      await submit(page, 'form.appointment-move button[type=submit]');
      expect(page.url()).toBe(orderUrl);
      expect(await page.locator('dd.booked-for').textContent()).toContain('14:00');
      await shot(page, `${lang}-order-moved`);
      await page.goto(`${env.server.url}/planning`);
      await submit(page, '.week-nav a[rel="next"]');
      const number = orderUrl.split('/').pop();
      const card = page.locator(
        `section.day[data-day="${tuesday}"] .slot[data-hour="14"] a.appt[href="/orders/${number}"]`,
      );
      expect(await card.count()).toBe(1);
      expect(await card.textContent()).toContain('14:00–15:00');
      expect(await card.textContent()).toContain(t.booked);
      await fits(page, 1366);
      await shot(page, `${lang}-next-week-1366`);
      await context.close();
    },
    180_000,
  );
});
