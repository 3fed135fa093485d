/**
 * No page offers a link its reader is refused: every role walks the demo workshop from the home
 * page, following each link of each page it sees (one page per kind of address: `/orders/16` and
 * `/orders/17` are one kind), and every page it reaches must answer, not 403 or 404. A refusal
 * behind a link is a dead end for the person who followed it; the access table (access.test.ts)
 * says who may open what, this says the pages agree with it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ROLES } from '../services/domain.js';
import { LOGIN_OF_ROLE, makeTestApp } from '../testing.js';

const t = await makeTestApp();
afterAll(() => t.close());

/** Links that are not pages to read: downloads, the language switch, leaving. */
const NOT_A_PAGE =
  /^\/(static|vendor)\/|\.(csv|pdf|json|xml|png)(\?|$)|[?&]lang=|\/export\b|\/logout\b|\/api\//;

function linksOf(body: string): string[] {
  return [...body.matchAll(/<a [^>]*href="(\/[^"#]*)"/g)].map((m) => m[1].replaceAll('&amp;', '&'));
}

describe('every link a page shows can be followed by its reader', () => {
  it.each(ROLES.map((role) => [role, LOGIN_OF_ROLE[role]]))('%s (%s)', async (_role, login) => {
    const seen = new Set<string>();
    const queue = ['/'];
    const from = new Map<string, string>();
    const dead: string[] = [];
    let pages = 0;
    while (queue.length > 0 && pages < 150) {
      const url = queue.shift()!;
      pages++;
      const res = await t.inject(login, { method: 'GET', url });
      if (res.statusCode >= 300 && res.statusCode < 400) {
        const to = String(res.headers.location ?? '');
        if (to.startsWith('/') && !seen.has(to)) {
          seen.add(to);
          queue.push(to);
        }
        continue;
      }
      if (res.statusCode >= 400) {
        dead.push(`${url} → ${res.statusCode} (linked from ${from.get(url) ?? 'nowhere'})`);
        continue;
      }
      if (!String(res.headers['content-type'] ?? '').startsWith('text/html')) continue;
      for (const link of linksOf(res.body)) {
        const kind = link.replace(/\d+/g, 'N');
        if (NOT_A_PAGE.test(link) || seen.has(kind)) continue;
        seen.add(kind);
        from.set(link, url);
        queue.push(link);
      }
    }
    expect(dead, `pages reached: ${pages}`).toEqual([]);
    expect(pages).toBeGreaterThan(5);
  });
});
