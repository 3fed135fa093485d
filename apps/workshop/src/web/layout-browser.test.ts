/**
 * Every page fits: headless Chromium visits every page linked from the navigation, as each role, on
 * a phone (390 px wide) and on a laptop (1,366 px), and fails when the page scrolls sideways or, on
 * the laptop, when the navigation wraps to a second line. Wide content (a table, the board) may
 * scroll inside its own box; the page itself may not. Screenshots of each page go to
 * test-artifacts/layout/ for a person to look at.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../seed.js';
import { ROLES } from '../services/domain.js';
import { demoInChromium, haveChromium, measure } from '../test-support/browser.js';
import { LOGIN_OF_ROLE } from '../testing.js';

const HAVE_CHROMIUM = haveChromium();
const SHOTS = join(process.cwd(), 'test-artifacts', 'layout');

const LOGIN = LOGIN_OF_ROLE;
const WIDTHS = [390, 1366] as const;

mkdirSync(SHOTS, { recursive: true });
const env = demoInChromium('atelier-layout-');

async function pagesOf(page: Page): Promise<string[]> {
  const hrefs = await page.$$eval('a[href^="/"]', (as) => as.map((a) => a.getAttribute('href') ?? ''));
  return hrefs.filter(
    (h) =>
      !/^\/(static|vendor|api)\//.test(h) &&
      !h.includes('lang=') &&
      !/\.(pdf|csv|json|xml|log|asc|trc)(\?|$)/.test(h) &&
      !h.startsWith('//'),
  );
}

describe.each(ROLES)('every page fits on a phone and a laptop, as %s', (role) => {
  it.skipIf(!HAVE_CHROMIUM)(
    'no sideways scrolling at 390 px and 1,366 px; one navigation line at 1,366 px',
    async () => {
      const context = await env.browser.newContext({ viewport: { width: 1366, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${env.server.url}/login?lang=fr`);
      await page.fill('input[name=login]', LOGIN[role]);
      await page.fill('input[name=password]', DEMO_PASSWORD);
      await Promise.all([
        page.waitForURL(/\/board/),
        page.click('form[action="/login"] button[type=submit]'),
      ]);

      const problems: string[] = [];
      const seen = new Set<string>();
      const perPattern = new Map<string, number>();
      const queue = ['/board'];
      while (queue.length && seen.size < 60) {
        const url = queue.shift()!;
        const pattern = url.split('?')[0]!.replace(/\/\d+/g, '/:id');
        if (seen.has(url) || (perPattern.get(pattern) ?? 0) >= 1) continue;
        seen.add(url);
        perPattern.set(pattern, 1);
        for (const width of WIDTHS) {
          await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
          // A link that downloads a file (an export, a recording) is not a page.
          const res = await page.goto(`${env.server.url}${url}`, { waitUntil: 'load' }).catch(() => null);
          if (res?.status() !== 200 || !res.headers()['content-type']?.startsWith('text/html')) break;
          const m = await measure(page);
          const name = `${role}-${width}-${pattern.replace(/[/:?=&]+/g, '_').replace(/^_|_$/g, '') || 'root'}`;
          await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
          if (m.overflow > 1)
            problems.push(`${width} px ${url}: ${m.overflow} px too wide — ${m.offenders.join(', ')}`);
          if (width === 1366 && m.navLines > 1)
            problems.push(`1366 px ${url}: the navigation wraps (${m.navLines} lines)`);
          if (width === 1366) for (const l of await pagesOf(page)) if (!seen.has(l)) queue.push(l);
        }
      }
      await context.close();
      expect(seen.size).toBeGreaterThan(3);
      expect(problems).toEqual([]);
    },
    240_000,
  );
});
