/**
 * Dragging appointments in the planning week, in headless Chromium with a real mouse (button down
 * on the card, moved in steps, released over the target: the browser's own HTML drag and drop):
 * to another slot (accepted: the page shows it there), to a lunch-time slot and onto another
 * appointment of the same technician (refused: the reason shows in the cell it was dropped on, the
 * card stays), onto a technician (given to them). Without JavaScript nothing of it shows and the
 * cards stay links to the order's form; keyboard users open the card and find that form. French and
 * English; screenshots at 1,366 px in test-artifacts/planning-drag/.
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Lang } from '../i18n.js';
import { addDays, mondayOf, parisDay, parisTime, weekday } from '../services/calendar.js';
import { frenchHolidays } from '../services/opening-hours.js';
import { demoInChromium, haveChromium, login, measure, screenshots } from '../test-support/browser.js';

const RUN = haveChromium();
const SHOTS = screenshots('planning-drag');
const env = demoInChromium('atelier-planning-drag-browser-');

const TEXT = {
  fr: {
    lunch: 'hors des heures d’ouverture',
    overlap: 'les deux se chevaucheraient',
    move: 'Déplacer le rendez-vous',
  },
  en: { lunch: 'outside opening hours', overlap: 'the two would overlap', move: 'Move the appointment' },
} as const;

/** A full-page screenshot from the top (the days' titles are sticky: scrolled, they would sit mid-page). */
const shot = async (page: Page, name: string) => {
  await page.evaluate('window.scrollTo(0, 0)');
  await SHOTS.shot(page, name);
};

/** A week far enough ahead to hold none of the demo's appointments or absences, its workdays. */
function emptyWeek(weeksAhead: number): string[] {
  const today = parisDay(Date.now());
  const monday = addDays(mondayOf(today), 7 * weeksAhead);
  const holidays = new Set(
    [0, 1].flatMap((k) => frenchHolidays(Number(monday.slice(0, 4)) + k).map((h) => h.day)),
  );
  return Array.from({ length: 6 }, (_, i) => addDays(monday, i)).filter(
    (d) => weekday(d) <= 5 && !holidays.has(d),
  );
}

/** Calls the JSON API from the page, as the logged-in user (session cookie, CSRF token of the page). */
async function apiCall(
  page: Page,
  method: string,
  url: string,
  body?: object,
): Promise<{ status: number; json: Record<string, unknown> & unknown[] }> {
  return page.evaluate(
    `(async () => {
      const csrf = document.querySelector('meta[name="csrf-token"]').getAttribute('content');
      const res = await fetch(${JSON.stringify(url)}, {
        method: ${JSON.stringify(method)},
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
        ${body ? `body: ${JSON.stringify(JSON.stringify(body))},` : ''}
      });
      return { status: res.status, json: await res.json() };
    })()`,
  );
}

/** A real drag with the mouse: pressed on the card, moved in steps, released over `to` at (x, y) in it. */
async function drag(page: Page, card: Locator, to: Locator, at: { x: number; y: number }): Promise<void> {
  await card.scrollIntoViewIfNeeded();
  const from = (await card.boundingBox())!;
  await page.mouse.move(from.x + from.width / 2, from.y + 10);
  await page.mouse.down();
  await page.mouse.move(from.x + from.width / 2 + 12, from.y + 18, { steps: 4 });
  await to.scrollIntoViewIfNeeded();
  const box = (await to.boundingBox())!;
  await page.mouse.move(box.x + at.x, box.y + at.y, { steps: 12 });
  await page.mouse.up();
}

describe.each([
  ['fr', 3],
  ['en', 4],
] as [Lang, number][])('dragging appointments in the planning, in %s', (lang, weeksAhead) => {
  it.skipIf(!RUN)(
    'moves a card to another slot and onto a technician, and says where it fell why a drop is refused',
    async () => {
      const t = TEXT[lang];
      const [mon, tue, wed] = emptyWeek(weeksAhead) as [string, string, string];
      // tall enough for the technicians and the week's last hours to be in view at once
      const context = await env.browser.newContext({ viewport: { width: 1366, height: 1400 } });
      const page = await context.newPage();
      await login(page, env.server.url, 'chef', lang);
      // the technicians' ids, from the names to drop a card on
      await page.goto(`${env.server.url}/planning?lang=${lang}`);
      const chips = await page
        .locator('.tech-drop [data-tech]')
        .evaluateAll((els) => els.map((e) => [e.textContent, Number(e.getAttribute('data-tech'))] as const));
      const names: Record<string, string> = { lucas: 'Lucas Bernard', karim: 'Karim Haddad' };
      const id = (login: string) => chips.find(([name]) => name === names[login])![1];
      const vehicle = ((await apiCall(page, 'GET', '/api/vehicles')).json as unknown as { id: number }[])[0]!
        .id;
      const given = async (at: string, tech: string, duration = '') => {
        const o = await apiCall(page, 'POST', '/api/orders', { vehicleId: vehicle, bookedFor: at, duration });
        expect(o.status, JSON.stringify(o.json)).toBe(201);
        const a = await apiCall(page, 'POST', `/api/orders/${o.json.id}/assign`, { userId: id(tech) });
        expect(a.status, JSON.stringify(a.json)).toBe(200);
        return o.json as unknown as { id: number; number: string };
      };
      const a = await given(`${mon}T09:00`, 'lucas');
      const b = await given(`${tue}T10:00`, 'lucas');
      const c = await given(`${tue}T14:00`, 'karim', '2h');

      await page.goto(`${env.server.url}/planning?week=${mon}&lang=${lang}`);
      // the script shows what dragging needs
      expect(await page.locator('.drag-hint').isVisible()).toBe(true);
      expect(await page.locator('.tech-drop').isVisible()).toBe(true);
      const cardOf = (o: { id: number }) => page.locator(`a.appt[data-id="${o.id}"]`);
      const slot = (day: string, hour: number) =>
        page.locator(`section.day[data-day="${day}"] .cell.slot[data-hour="${hour}"]`);
      expect(await cardOf(a).getAttribute('draggable')).toBe('true');
      const m = await measure(page);
      expect(m.overflow, m.offenders.join(', ')).toBeLessThanOrEqual(1);
      await shot(page, `${lang}-1-week`);

      // 1. to Wednesday, bottom half of the 11:00 cell: 11:30 (one hour: until noon, then 13:30–14:00)
      await Promise.all([
        page.waitForEvent('load'),
        drag(page, cardOf(a), slot(wed, 11), { x: 30, y: (await slot(wed, 11).boundingBox())!.height - 6 }),
      ]);
      expect(await slot(wed, 11).locator(`a.appt[data-id="${a.id}"]`).count()).toBe(1);
      expect(await cardOf(a).locator('time').textContent()).toMatch(/^11:30–14:00/); // half an hour before lunch, half an hour after
      await shot(page, `${lang}-2-moved`);

      // 2. onto 12:00 (lunch): refused, the reason in that cell, the card where it was
      await drag(page, cardOf(b), slot(mon, 12), { x: 30, y: 6 });
      const lunch = slot(mon, 12).locator('.drop-error[role="alert"]');
      await lunch.waitFor();
      expect(await lunch.textContent()).toContain(t.lunch);
      expect(await slot(tue, 10).locator(`a.appt[data-id="${b.id}"]`).count()).toBe(1);
      await shot(page, `${lang}-3-refused-lunch`);

      // 3. Karim's two hours given to Lucas by dropping the card on his name
      await Promise.all([
        page.waitForEvent('load'),
        drag(page, cardOf(c), page.locator(`.tech-drop [data-tech="${id('lucas')}"]`), { x: 20, y: 8 }),
      ]);
      expect(await cardOf(c).locator('.tech').textContent()).toBe('Lucas Bernard');

      // 4. Lucas's 10:00 onto his own 14:00–16:00: refused where it fell, naming the other order
      await drag(page, cardOf(b), slot(tue, 15), { x: 30, y: 6 });
      const clash = slot(tue, 15).locator('.drop-error[role="alert"]');
      await clash.waitFor();
      expect(await clash.textContent()).toContain(t.overlap);
      expect(await clash.textContent()).toContain(c.number);
      await shot(page, `${lang}-4-refused-overlap`);
      const check = (await apiCall(page, 'GET', `/api/orders/${b.id}`)).json as unknown as {
        booked_for: number;
      };
      expect(check.booked_for).toBe(parisTime(tue, 10 * 60));

      // an absence entered afterwards over Lucas's Tuesday: accepted, his two cards flagged
      const away = await apiCall(page, 'POST', '/api/planning/absences', {
        userId: id('lucas'),
        kind: 'sick',
        fromDay: tue,
        toDay: tue,
      });
      expect(away.status).toBe(201);
      expect((away.json.appointments as unknown as { id: number }[]).map((x) => x.id).sort()).toEqual(
        [b.id, c.id].sort(),
      );
      await page.reload();
      expect(await cardOf(b).locator('.absence-note').isVisible()).toBe(true);
      expect(await page.locator('.absences-clash li').count()).toBe(2);
      const fit = await measure(page);
      expect(fit.overflow, fit.offenders.join(', ')).toBeLessThanOrEqual(1);
      await shot(page, `${lang}-5-absence-flagged`);

      // keyboard: the card is a link; Enter opens the order and its form
      await cardOf(b).focus();
      await Promise.all([page.waitForURL(new RegExp(`/orders/${b.id}$`)), page.keyboard.press('Enter')]);
      expect(await page.locator('form.appointment-move h2').textContent()).toBe(t.move);
      await context.close();

      // without JavaScript: nothing to drag, no hint or technicians, the cards still links to the form
      const plain = await env.browser.newContext({
        viewport: { width: 1366, height: 900 },
        javaScriptEnabled: false,
      });
      const p2 = await plain.newPage();
      await login(p2, env.server.url, 'chef', lang);
      await p2.goto(`${env.server.url}/planning?week=${mon}&lang=${lang}`);
      expect(await p2.locator('.tech-drop').isVisible()).toBe(false);
      expect(await p2.locator('.drag-hint').isVisible()).toBe(false);
      expect(await p2.locator(`a.appt[data-id="${b.id}"]`).getAttribute('draggable')).toBeNull();
      expect(await p2.locator(`a.appt[data-id="${b.id}"]`).getAttribute('href')).toBe(`/orders/${b.id}`);
      await shot(p2, `${lang}-6-no-script`);
      await plain.close();
    },
    180_000,
  );
});
