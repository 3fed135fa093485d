/**
 * French pages show French words only, English pages English words only. Every page reachable from
 * the navigation is visited as each role, in French and in English; what the workshop's own data
 * says (names, complaints typed in French, plates, codes — every text stored in the database) is
 * taken out first, so what remains is what the templates wrote. The page then fails on internal
 * identifiers (camelCase, snake_case, dotted keys such as `after.pending`), on raw values
 * (`undefined`, `NaN`, `[object Object]`), and on words of the other language.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../services/domain.js';
import { LOGIN_OF_ROLE, makeTestApp, type TestApp } from '../testing.js';
import { LANG_COOKIE } from './types.js';

const LOGIN = LOGIN_OF_ROLE;

/** English words that are not French words: in a French page they are a missed translation. */
const ENGLISH = [
  'the',
  'and',
  'with',
  'from',
  'this',
  'that',
  'which',
  'when',
  'none',
  'pending',
  'stored',
  'permanent',
  'quote',
  'repair',
  'approved',
  'delivered',
  'booked',
  'waiting',
  'error',
  'failed',
  'unknown',
  'invalid',
  'required',
  'state',
  'status',
  'order',
  'orders',
  'hours',
  'sold',
  'clocked',
  'save',
  'delete',
  'submit',
  'vehicle',
  'customer',
];
/** French words that are not English words: in an English page they are a missed translation. */
const FRENCH = [
  'le',
  'les',
  'des',
  'du',
  'une',
  'est',
  'pour',
  'avec',
  'sans',
  'aucun',
  'aucune',
  'dans',
  'sur',
  'ordre',
  'devis',
  'facture',
  'véhicule',
  'véhicules',
  'pointage',
  'heures',
  'état',
  'réparation',
  'enregistrer',
  'créer',
  'retour',
  'oui',
];
/** Identifiers and tokens that are words of both languages on these pages. */
const ALLOWED = new Set(['uPlot', 'Factur-X', 'SocketCAN', 'iOS', 'eCall']);

const RAW = /\b(undefined|NaN|null|\[object Object\])\b/;
const CAMEL = /\b[a-z]+[A-Z][A-Za-z]*\b/g;
const SNAKE = /\b[a-z]+_[a-z_]+\b/g;
const DOTTED = /\b[a-z]{2,}\.[a-z]{2,}\b/g;

function decode(text: string): string {
  return text
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** What a reader sees or hears: text, and the attributes shown or spoken. */
function visibleText(page: string): string {
  const spoken = [...page.matchAll(/\s(?:title|placeholder|aria-label|alt|data-confirm)="([^"]*)"/g)].map(
    (m) => m[1],
  );
  const text = page
    .replace(/<script\b[\s\S]*?<\/script>/g, ' ')
    .replace(/<style\b[\s\S]*?<\/style>/g, ' ')
    .replace(/<[^>]+>/g, ' ');
  return decode(`${text} ${spoken.join(' ')}`).replace(/\s+/g, ' ');
}

/** The page without the elements marked as written in the other language (a document issued in French). */
function withoutOtherLanguage(page: string, lang: 'fr' | 'en'): string {
  const other = lang === 'fr' ? 'en' : 'fr';
  return page.replace(new RegExp(`<(\\w+)\\b[^>]*\\slang="${other}"[^>]*>[\\s\\S]*?</\\1>`, 'g'), ' ');
}

export function leaks(page: string, lang: 'fr' | 'en', data: string[]): string[] {
  let text = visibleText(withoutOtherLanguage(page, lang));
  for (const d of data) text = text.split(d).join(' ');
  const found: string[] = [];
  const raw = RAW.exec(text);
  if (raw) found.push(raw[0]);
  for (const re of [CAMEL, SNAKE, DOTTED])
    for (const m of text.matchAll(re)) if (!ALLOWED.has(m[0])) found.push(m[0]);
  const words = new Set(text.toLowerCase().match(/[\p{L}]+/gu) ?? []);
  for (const w of lang === 'fr' ? ENGLISH : FRENCH) if (words.has(w)) found.push(w);
  return [...new Set(found)];
}

let t: TestApp;
let data: string[];
beforeAll(async () => {
  t = await makeTestApp();
  // Every text the database holds, longest first so a long one goes before the words inside it.
  const tables = await t.store.all<{ name: string }>(
    t.store.dialect === 'postgres'
      ? "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
      : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
  );
  const texts = new Set<string>();
  for (const { name } of tables)
    for (const row of await t.store.all<Record<string, unknown>>(`SELECT * FROM ${name}`))
      for (const v of Object.values(row))
        if (
          typeof v === 'string' &&
          v.length >= 2 &&
          v.length < 2000 &&
          !v.startsWith('{') &&
          !v.startsWith('[')
        )
          texts.add(v);
  data = [...texts].sort((a, b) => b.length - a.length);
});
afterAll(() => t.close());

/** Same-site pages linked from a page: no assets, API, downloads or language switches. */
function links(page: string): string[] {
  return [...page.matchAll(/<a\b[^>]*\shref="(\/[^"]*)"/g)]
    .map((m) => decode(m[1]!))
    .filter(
      (href) =>
        !/^\/(static|vendor|api)\//.test(href) &&
        !href.includes('lang=') &&
        !/\.(pdf|csv|json|xml|log|asc|trc)(\?|$)/.test(href) &&
        !href.startsWith('//'),
    );
}

/** One pattern per kind of page (ids folded), two pages at most of each: enough to see every template. */
const pattern = (url: string) => url.split('?')[0]!.replace(/\/\d+/g, '/:id');

async function crawl(role: Role): Promise<Map<string, string>> {
  const session = await t.as(LOGIN[role]);
  const seen = new Map<string, string>();
  const perPattern = new Map<string, number>();
  const queue = ['/board'];
  while (queue.length && seen.size < 80) {
    const url = queue.shift()!;
    if (seen.has(url)) continue;
    const p = pattern(url);
    if ((perPattern.get(p) ?? 0) >= 2) continue;
    perPattern.set(p, (perPattern.get(p) ?? 0) + 1);
    const res = await t.app.inject({
      method: 'GET',
      url,
      headers: { cookie: `${session.cookie}; ${LANG_COOKIE}=fr` },
    });
    if (res.statusCode !== 200 || !String(res.headers['content-type']).startsWith('text/html')) continue;
    seen.set(url, res.body);
    for (const l of links(res.body)) if (!seen.has(l)) queue.push(l);
  }
  return seen;
}

describe('no internal identifiers and no words of the other language', () => {
  it('finds the leaks it is meant to find', () => {
    const page = '<p>Kilométrage : odometerKm</p><p>after.pending</p><p>ordre à l’état quote</p><p>NaN h</p>';
    expect(leaks(page, 'fr', [])).toEqual(
      expect.arrayContaining(['odometerKm', 'after.pending', 'quote', 'NaN']),
    );
    expect(leaks('<p>Repair order <b>Devis</b> pour le client</p>', 'en', [])).toEqual([
      'le',
      'pour',
      'devis',
    ]);
    expect(leaks('<p>Client : Pierre Dupont — the</p>', 'fr', ['Pierre Dupont — the'])).toEqual([]);
    // a part marked as written in the other language (an invoice issued in French) is left out
    expect(leaks('<p>Invoice</p><dl lang="fr"><dt>Ordre de réparation</dt></dl>', 'en', [])).toEqual([]);
    expect(leaks('<p>Invoice</p><dl lang="en"><dt>Ordre de réparation</dt></dl>', 'en', [])).toEqual([
      'ordre',
      'réparation',
    ]);
  });

  it.each(ROLES)('every page as %s, in French and in English', async (role) => {
    const pages = await crawl(role);
    expect(pages.size).toBeGreaterThan(3);
    if (process.env.CRAWL_LOG) console.log(role, [...pages.keys()].join(' '));
    const session = await t.as(LOGIN[role]);
    const problems: string[] = [];
    for (const [url, fr] of pages) {
      const frLeaks = leaks(fr, 'fr', data);
      if (frLeaks.length) problems.push(`FR ${url}: ${frLeaks.join(', ')}`);
      const en = await t.app.inject({
        method: 'GET',
        url,
        headers: { cookie: `${session.cookie}; ${LANG_COOKIE}=en` },
      });
      const enLeaks = leaks(en.body, 'en', data);
      if (enLeaks.length) problems.push(`EN ${url}: ${enLeaks.join(', ')}`);
    }
    expect(problems).toEqual([]);
  });
});
