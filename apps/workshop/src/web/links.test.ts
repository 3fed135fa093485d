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

/** The POST forms a page shows: their actions. */
function formsOf(body: string): string[] {
  return [
    ...body.matchAll(
      /<form [^>]*method="post"[^>]*action="(\/[^"#]*)"|<form [^>]*action="(\/[^"#]*)"[^>]*method="post"/g,
    ),
  ].map((m) => (m[1] ?? m[2]).replaceAll('&amp;', '&'));
}

function linksOf(body: string): string[] {
  return [...body.matchAll(/<a [^>]*href="(\/[^"#]*)"/g)].map((m) => m[1].replaceAll('&amp;', '&'));
}

describe('every link a page shows can be followed by its reader', () => {
  it.each(ROLES.map((role) => [role, LOGIN_OF_ROLE[role]]))('%s (%s)', async (_role, login) => {
    const seen = new Set<string>();
    const queue = ['/'];
    const from = new Map<string, string>();
    const forms: [string, string][] = [];
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
      for (const action of formsOf(res.body)) {
        const kind = `POST ${action.replace(/\d+/g, 'N')}`;
        if (seen.has(kind) || /\/logout\b/.test(action)) continue;
        seen.add(kind);
        forms.push([action, url]);
      }
      for (const link of linksOf(res.body)) {
        const kind = link.replace(/\d+/g, 'N');
        if (NOT_A_PAGE.test(link) || seen.has(kind)) continue;
        seen.add(kind);
        from.set(link, url);
        queue.push(link);
      }
    }
    // A form is sent empty and without its token: the role check comes first (a refusal names the
    // role); the body's validation and the token check after it stop the request before anything is done.
    for (const [action, page] of forms) {
      const res = await t.inject(login, { method: 'POST', url: action, payload: {} });
      if (res.statusCode === 403 && /votre rôle|your role/.test(res.body))
        dead.push(`POST ${action} → refused for the role (form on ${page})`);
    }
    expect(dead, `pages reached: ${pages}, forms: ${forms.length}`).toEqual([]);
    expect(pages).toBeGreaterThan(5);
  });
});

it('a form sent without its token by a role the route refuses is told so (what the walk above looks for)', async () => {
  const refused = await t.inject(LOGIN_OF_ROLE.apprentice, {
    method: 'POST',
    url: '/customers',
    payload: {},
  });
  expect(refused.statusCode).toBe(403);
  expect(refused.body).toMatch(/votre rôle/);
  // An allowed role meets the body's validation or the token check instead, before anything is done.
  const allowed = await t.inject(LOGIN_OF_ROLE.technician, {
    method: 'POST',
    url: '/customers',
    payload: {},
  });
  expect([400, 403]).toContain(allowed.statusCode);
  expect(allowed.body).not.toMatch(/votre rôle|your role/);
});
