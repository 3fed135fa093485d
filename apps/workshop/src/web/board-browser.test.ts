/**
 * The board in headless Chromium, as the workshop reads it in the morning: each card's appointment
 * and duration and its promised delivery in the page's language, the late ones outlined and
 * flagged, the following days' appointments folded — at 1,366 px and on a phone (390 px), neither
 * scrolling sideways (the columns scroll in their own box). Screenshots in test-artifacts/board/,
 * the board's box scrolled to the late cards too.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Lang } from '../i18n.js';
import { demoInChromium, haveChromium, login, measure } from '../test-support/browser.js';

const RUN = haveChromium();
const SHOTS = fileURLToPath(new URL('../../../../test-artifacts/board/', import.meta.url));
mkdirSync(SHOTS, { recursive: true });
const env = demoInChromium('atelier-board-browser-');

const TEXT = {
  fr: {
    appt: /^RDV \S+\. \d{1,2} \S+\.?, \d\d:\d\d · \d/,
    late: 'restitution promise dépassée',
    later: 'rendez-vous les jours suivants',
  },
  en: {
    appt: /^Appt\. [A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2,3}, \d\d:\d\d · \d/,
    late: 'promised delivery passed',
    later: 'appointments on the following days',
  },
} as const;

async function fits(page: Page, width: number): Promise<void> {
  const m = await measure(page);
  expect(m.overflow, m.offenders.join(', ')).toBeLessThanOrEqual(1);
  if (width === 1366) expect(m.navLines).toBe(1);
}

describe.each(['fr', 'en'] as Lang[])('the board in %s', (lang) => {
  it.skipIf(!RUN)(
    'shows appointment times, durations and promised deliveries, flags the late ones, fits a laptop and a phone',
    async () => {
      const t = TEXT[lang];
      const context = await env.browser.newContext({ viewport: { width: 1366, height: 900 }, locale: lang });
      const page = await context.newPage();
      await login(page, env.server.url, 'chef', lang);
      const times = await page.locator('.ro-card .appt-time').allTextContents();
      expect(times.length).toBeGreaterThanOrEqual(5);
      for (const text of times) expect(text.trim()).toMatch(t.appt);
      const late = page.locator('.ro-card.late');
      expect(await late.count()).toBeGreaterThanOrEqual(2);
      expect(
        await page.locator('.ro-card.late .late-flag', { hasText: t.late }).count(),
      ).toBeGreaterThanOrEqual(2);
      // the late cards are outlined in the workshop's danger red
      const outline = (el: unknown) =>
        (
          globalThis as unknown as { getComputedStyle(e: unknown): { outlineColor: string } }
        ).getComputedStyle(el).outlineColor;
      expect(await late.first().evaluate(outline)).toBe('rgb(179, 38, 30)');
      expect(await page.locator('details.later summary').textContent()).toContain(t.later);
      await fits(page, 1366);
      await page.screenshot({ path: join(SHOTS, `${lang}-board-1366.png`), fullPage: true });
      // the board's own box scrolled to the cards of the repair steps
      await page
        .locator('.ro-card.late .promised.is-late')
        .first()
        .evaluate((el) =>
          (el as unknown as { scrollIntoView(o: object): void }).scrollIntoView({
            inline: 'center',
            block: 'center',
          }),
        );
      await page.screenshot({ path: join(SHOTS, `${lang}-board-1366-late.png`) });

      await page.setViewportSize({ width: 390, height: 844 });
      await page.reload();
      await fits(page, 390);
      await page.screenshot({ path: join(SHOTS, `${lang}-board-390.png`), fullPage: true });
      await context.close();
    },
    120_000,
  );
});
