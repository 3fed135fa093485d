/**
 * Route × role × site: a dealer group with two demo sites. Every route that names an object
 * (an order, a customer, a vehicle, a session, a recording, a clock entry, a person…) is tried by
 * every role of the second site on the first site's objects: a read is not found (or refused by the
 * role), a write changes nothing of the first site. Lists show only the site's own rows; the
 * group's after-sales director sees both sites side by side, and nobody else does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoData, seedDemo } from '../seed.js';
import { SITE_ROLES } from '../services/domain.js';
import { createSite } from '../services/sites.js';
import { DOCUMENTS_ACCESS } from '../test-support/access-documents.js';
import { makeTestApp, type TestApp } from '../testing.js';

let t: TestApp;
let lyon: DemoData;
let lyonSite: number;
/** One object of each kind on the first site, by the route prefix that names it. */
const first: Record<string, number> = {};

/** Everything the first site holds, as text: a write from the other site must leave it as it was. */
const TABLES = [
  'customers',
  'vehicles',
  'repair_orders',
  'ro_lines',
  'ro_events',
  'odometer_readings',
  'clock_entries',
  'clock_corrections',
  'diag_sessions',
  'diag_readings',
  'diag_marks',
  'recordings',
  'training_scenarios',
  'training_assignments',
  'classes',
  'class_members',
  'habilitations',
  'site_members',
  'tcp_adapters',
  'diag_traffic',
  // Issue 19's documents: identity, rates, agreements, checklists, invoices.
  'workshop_profile',
  'labour_rates',
  'ro_agreements',
  'ro_quality_checks',
  'invoices',
];
async function snapshot(): Promise<string> {
  const parts: string[] = [];
  for (const table of TABLES)
    parts.push(`${table}:${JSON.stringify(await t.store.all(`SELECT * FROM ${table} ORDER BY 1, 2`))}`);
  return parts.join('\n');
}

beforeAll(async () => {
  t = await makeTestApp();
  lyonSite = (await createSite(t.store, { code: 'lyon', name: 'Lyon Est' }, t.clock.now())).id;
  lyon = await seedDemo(t.store, t.clock.now(), { site: lyonSite, loginSuffix: 'lyon' });
  const one = async (sql: string) => (await t.store.get<{ id: number }>(sql, [1]))!.id;
  first.orders = await one('SELECT MIN(id) AS id FROM repair_orders WHERE site_id = ?');
  first.customers = await one('SELECT MIN(id) AS id FROM customers WHERE site_id = ?');
  first.vehicles = await one('SELECT MIN(id) AS id FROM vehicles WHERE site_id = ?');
  first.diagnostics = await one('SELECT MIN(id) AS id FROM diag_sessions WHERE site_id = ?');
  first.recordings = (await t.store.get<{ id: number }>(
    `INSERT INTO recordings (site_id, name, kind, format, size, content, summary, uploaded_by, uploaded_at)
     VALUES (1, 'premier-site.log', 'can', 'candump', 22, '(0.000000) can0 7E8#0241', '{}', ?, ?) RETURNING id`,
    [t.demo.users.formateur!.id, t.clock.now()],
  ))!.id;
  first.scenarios = await one('SELECT MIN(id) AS id FROM training_scenarios WHERE site_id = ?');
  first.assignments = await one(
    'SELECT MIN(a.id) AS id FROM training_assignments a JOIN training_scenarios s ON s.id = a.scenario_id WHERE s.site_id = ?',
  );
  first.classes = await one('SELECT MIN(id) AS id FROM classes WHERE site_id = ?');
  first.entries = await one('SELECT MIN(id) AS id FROM clock_entries WHERE site_id = ?');
  first.users = t.demo.users.lucas!.id;
  first.sessions = first.diagnostics;
  // The first site's declared Wi-Fi adapter (`/api/adapters/tcp/:id`, `/adapters/:id/delete`).
  first.tcp = await one('SELECT MIN(id) AS id FROM tcp_adapters WHERE site_id = ?');
  first.adapters = first.tcp;
  // Documents: an order of the first site with quote lines and an invoice (the demo issues them).
  first.invoices = await one('SELECT MIN(id) AS id FROM invoices WHERE site_id = ?');
  const invoiced = (await t.store.get<{ ro_id: number }>('SELECT ro_id FROM invoices WHERE id = ?', [
    first.invoices,
  ]))!.ro_id;
  first.lines = (await t.store.get<{ id: number }>('SELECT MIN(id) AS id FROM ro_lines WHERE ro_id = ?', [
    invoiced,
  ]))!.id;
  first.documents = invoiced;
}, 120_000);
afterAll(() => t?.close());

/** The first site's object a route's `:id` names, from the words before it. */
function concrete(url: string): string | null {
  if (/:file|:vin/.test(url)) return null;
  const kind = (before: string) => {
    const words = before.split('/').filter(Boolean).reverse();
    for (const w of words) if (first[w] !== undefined) return first[w];
    return null;
  };
  let out = '';
  let rest = url;
  for (;;) {
    const m = /:(\w+)/.exec(rest);
    if (!m) return out + rest;
    const before = out + rest.slice(0, m.index);
    const id =
      m[1] === 'siteId' ? 1 : m[1] === 'userId' ? first.users : m[1] === 'id' ? kind(before) : kind(before);
    if (id === null || id === undefined) return null;
    out = before + String(id);
    rest = rest.slice(m.index + m[0].length);
  }
}

/** A body with a plausible value for every field the routes read: a refusal then comes from the site, not the schema. */
const BODY = {
  complaint: 'bruit',
  odometerKm: 1_999_999,
  condition: '',
  to: 'diagnosis',
  note: '',
  kind: 'labour',
  description: 'x',
  soldHours: 1,
  priceEuros: 1,
  approve: [1],
  followupOn: '2026-04-01',
  notes: 'x',
  reason: 'correction',
  startAt: Date.parse('2026-03-09T08:00:00Z'),
  label: 'x',
  pids: ['0C'],
  periodMs: 200,
  symbol: 'B0L',
  issuedOn: '2026-01-01',
  role: 'technician',
  name: 'x',
  km: 1_999_999,
  dueOn: '2026-04-01',
  outcome: 'good',
  causeId: 'x',
  version: 0,
};

const mutating = (m: string) => m !== 'GET';

describe('route × role × site: another site’s objects', () => {
  it('are not found by any role of the other site, and writes leave them unchanged', async () => {
    const routes = t.app.routeTable.filter(
      (r) => r.url.includes(':') && r.access !== 'public' && !r.url.endsWith('/events'),
    );
    expect(routes.length).toBeGreaterThan(40);
    const before = await snapshot();
    const leaks: string[] = [];
    let tried = 0;
    for (const r of routes) {
      const url = concrete(r.url);
      if (!url) continue;
      for (const role of SITE_ROLES) {
        const login = Object.entries(lyon.users).find(([, u]) => u.role === role)![0];
        const res = await t.inject(`${login}.lyon`, {
          method: r.method as 'GET',
          url,
          payload: mutating(r.method) ? BODY : undefined,
          headers: { accept: 'application/json' },
        });
        tried++;
        const ok = mutating(r.method)
          ? res.statusCode >= 400
          : res.statusCode === 403 || res.statusCode === 404;
        if (!ok) leaks.push(`${r.method} ${url} as ${role}: ${res.statusCode} ${res.body.slice(0, 120)}`);
      }
    }
    expect(leaks).toEqual([]);
    expect(tried).toBeGreaterThan(200);
    expect(await snapshot()).toBe(before);
  }, 300_000);
});

/**
 * The documents routes (quote lines, agreement, checklist, invoice, its PDF and Factur-X XML, credit
 * notes), each with a body its schema accepts, so the refusal can only come from the site: every
 * role of the second site gets 404 (or 403 where its role may not use the route at all).
 */
const DOCUMENT_BODIES: Record<string, object> = {
  'POST /api/orders/:id/notes': { notes: 'x' },
  'POST /orders/:id/lines/:lineId': { kind: 'labour', description: 'x', hours: 1 },
  'PUT /api/orders/:id/lines/:lineId': { kind: 'labour', description: 'x', hours: 1 },
  'POST /orders/:id/lines/:lineId/delete': { confirm: 'yes' },
  'POST /orders/:id/propose-lines': {},
  'POST /api/orders/:id/propose-lines': {},
  'POST /orders/:id/quality': { result_lights: 'ok' },
  'POST /api/orders/:id/quality': { result_lights: 'ok' },
  'POST /orders/:id/invoice': { confirm: 'yes' },
  'POST /api/orders/:id/invoice': { confirm: 'yes' },
  'POST /invoices/:id/credit-note': { reason: 'erreur', confirm: 'yes' },
  'POST /api/invoices/:id/credit-note': { reason: 'erreur', confirm: 'yes' },
  'POST /api/orders/:id/lines': { kind: 'part', description: 'x', quantity: 1, unitPrice: '10' },
  'POST /api/orders/:id/approval': { method: 'phone', signerName: 'x', reference: 'x', approve: [1] },
};

describe('route × role × site: another site’s documents', () => {
  it('are not found by any role of the other site (quote lines, agreement, checklist, invoice, PDF, XML)', async () => {
    const routes = [
      ...DOCUMENTS_ACCESS.map(([route]) => route),
      'POST /api/orders/:id/lines',
      'POST /api/orders/:id/approval',
      'GET /orders/:id/print',
    ].filter((route) => route.includes(':'));
    const before = await snapshot();
    const leaks: string[] = [];
    for (const route of routes) {
      const [method, pattern] = route.split(' ') as [string, string];
      // `/orders/:id/…` names the invoiced order (`documents`), `/invoices/:id` its invoice.
      const url = pattern
        .replace(/^\/(api\/)?orders\/:id/, (m) => m.replace(':id', String(first.documents)))
        .replace(':lineId', String(first.lines))
        .replace(/\/invoices\/:id/, `/invoices/${first.invoices}`);
      expect(url, route).not.toContain(':');
      for (const role of SITE_ROLES) {
        const login = Object.entries(lyon.users).find(([, u]) => u.role === role)![0];
        const res = await t.inject(`${login}.lyon`, {
          method: method as 'GET',
          url,
          payload: method === 'GET' || method === 'DELETE' ? undefined : DOCUMENT_BODIES[route],
          headers: { accept: 'application/json' },
        });
        if (res.statusCode !== 404 && res.statusCode !== 403)
          leaks.push(`${route} as ${role}: ${res.statusCode} ${res.body.slice(0, 160)}`);
      }
    }
    expect(leaks).toEqual([]);
    expect(await snapshot()).toBe(before);
  }, 300_000);
});

/**
 * The members of the first site (issue 20: the group administrator's page): every role of the
 * second site, its own administrator included, is refused reading them and every change to them,
 * each with a body its schema accepts so the refusal can only come from the site.
 */
describe('route × role × site: another site’s members', () => {
  it('are refused to every role of the other site, and stay as they were', async () => {
    const lucas = first.users!;
    const routes: [string, string, object | undefined][] = [
      ['GET', '/sites/1', undefined],
      ['GET', '/api/sites/1/members', undefined],
      ['POST', '/sites/1/members', { userId: lucas, role: 'admin' }],
      ['POST', '/api/sites/1/members', { userId: lucas, role: 'admin' }],
      ['PUT', `/api/sites/1/members/${lucas}`, { role: 'admin' }],
      ['POST', `/sites/1/members/${lucas}/withdraw`, {}],
      ['DELETE', `/api/sites/1/members/${lucas}`, undefined],
    ];
    for (const [method, url] of routes)
      expect(
        t.app.routeTable.some((r) => r.method === method && concrete(r.url) === url),
        url,
      ).toBe(true);
    const before = await snapshot();
    const leaks: string[] = [];
    for (const [method, url, payload] of routes)
      for (const role of SITE_ROLES) {
        const login = Object.entries(lyon.users).find(([, u]) => u.role === role)![0];
        const res = await t.inject(`${login}.lyon`, {
          method: method as 'GET',
          url,
          payload,
          headers: { accept: 'application/json' },
        });
        if (res.statusCode !== 403)
          leaks.push(`${method} ${url} as ${role}: ${res.statusCode} ${res.body.slice(0, 120)}`);
      }
    expect(leaks).toEqual([]);
    expect(await snapshot()).toBe(before);
  }, 120_000);
});

describe('lists of a site', () => {
  const ids = (rows: { id: number }[]) => rows.map((r) => r.id);
  it('hold only the site’s own rows', async () => {
    const get = async (url: string) => {
      const res = await t.inject('chef.lyon', { method: 'GET', url });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
      return res.json();
    };
    const own = async (table: string) =>
      ids(await t.store.all<{ id: number }>(`SELECT id FROM ${table} WHERE site_id = ?`, [lyonSite]));
    expect(ids(await get('/api/orders')).sort()).toEqual((await own('repair_orders')).sort());
    const customers = await own('customers');
    for (const c of await get('/api/customers')) expect(customers).toContain(c.id);
    expect(ids(await get('/api/vehicles')).sort()).toEqual((await own('vehicles')).sort());
    const orders = await own('repair_orders');
    for (const c of await get('/api/board')) expect(orders).toContain(c.id);
    // Lyon's people, and the group's roles (administrator, director), who are on every site.
    const people = Object.values(lyon.users).map((u) => u.id);
    const group = (
      await t.store.all<{ id: number }>('SELECT id FROM users WHERE group_role IS NOT NULL')
    ).map((r) => r.id);
    for (const u of await get('/api/users')) expect([...people, ...group]).toContain(u.id);
    expect((await get('/api/users')).map((u: { login: string }) => u.login)).not.toContain('lucas');
    for (const h of await get('/api/habilitations')) expect(people).toContain(h.user_id);
    const entries = await own('clock_entries');
    for (const e of await get('/api/clock/entries?from=0')) expect(entries).toContain(e.id);
    // Declared Wi-Fi adapters are the site's own: both sites' demo declared one of the same name.
    const adapters = await own('tcp_adapters');
    expect(adapters).toHaveLength(1);
    const declared = await t.inject('admin.lyon', { method: 'GET', url: '/api/adapters/tcp' });
    expect(ids(declared.json()).sort()).toEqual(adapters.sort());
    const offered = (await get('/api/adapters')) as { value: string }[];
    expect(offered.filter((o) => o.value.startsWith('tcp:')).map((o) => o.value)).toEqual(
      adapters.map((id) => `tcp:${id}`),
    );
  });

  it('hold the site’s own invoices, identity and posted rates', async () => {
    const own = async (table: string) =>
      (await t.store.all<{ id: number }>(`SELECT id FROM ${table} WHERE site_id = ?`, [lyonSite])).map(
        (r) => r.id,
      );
    const res = await t.inject('chef.lyon', { method: 'GET', url: '/api/invoices' });
    expect(res.statusCode, res.body).toBe(200);
    const invoices = (res.json() as { id: number }[]).map((i) => i.id);
    expect(invoices.length).toBeGreaterThan(0);
    expect(invoices.sort()).toEqual((await own('invoices')).sort());
    const workshop = await t.inject('chef.lyon', { method: 'GET', url: '/api/workshop' });
    expect(workshop.statusCode, workshop.body).toBe(200);
    const { rates } = workshop.json() as { rates: { id: number }[] };
    expect(rates.map((r) => r.id).sort()).toEqual((await own('labour_rates')).sort());
    // Lyon's manager renames Lyon's workshop: the first site's identity stays as it was.
    const firstProfile = await t.store.get('SELECT * FROM workshop_profile WHERE site_id = 1');
    const put = await t.inject('chef.lyon', {
      method: 'PUT',
      url: '/api/workshop',
      payload: { trading_name: 'Atelier Lyon Est' },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(await t.store.get('SELECT * FROM workshop_profile WHERE site_id = 1')).toEqual(firstProfile);
    expect(
      await t.store.get('SELECT trading_name FROM workshop_profile WHERE site_id = ?', [lyonSite]),
    ).toEqual({ trading_name: 'Atelier Lyon Est' });
  });

  it('give each site its own unbroken invoice and credit-note sequences', async () => {
    const numbers = async (site: number) =>
      (
        await t.store.all<{ number: string }>(
          'SELECT number FROM invoices WHERE site_id = ? ORDER BY number',
          [site],
        )
      ).map((r) => r.number);
    const lyonNumbers = await numbers(lyonSite);
    // the same sequences, each with its site's prefix (site 1 has none; Lyon's is its code)
    expect(lyonNumbers).toEqual((await numbers(1)).map((n) => n.replace(/^(FA|AV)-/, '$1-LYON-')));
    expect(lyonNumbers.every((n) => /^(FA|AV)-LYON-\d{4}-\d{6}$/.test(n))).toBe(true);
    const invoices = lyonNumbers.filter((n) => n.startsWith('FA-')).map((n) => Number(n.slice(-6)));
    expect(invoices).toEqual(Array.from({ length: invoices.length }, (_, i) => i + 1));
    const counters = await t.store.all<{ scope: string }>(
      "SELECT scope FROM number_counters WHERE scope LIKE 'invoice:%' ORDER BY scope",
    );
    expect(counters.map((c) => c.scope.split(':')[1]).sort()).toEqual(['1', String(lyonSite)].sort());
  });

  it('give the same order numbers to each site (numbers are per site and year)', async () => {
    const numbers = async (site: number) =>
      (
        await t.store.all<{ number: string }>(
          'SELECT number FROM repair_orders WHERE site_id = ? ORDER BY number',
          [site],
        )
      ).map((r) => r.number);
    expect(await numbers(lyonSite)).toEqual(await numbers(1));
  });
});

describe('the group’s after-sales director', () => {
  it('sees every site’s board and KPIs side by side', async () => {
    const res = await t.inject('directeur', { method: 'GET', url: '/api/group' });
    expect(res.statusCode, res.body).toBe(200);
    const sites = res.json() as { site: { code: string }; open: number; kpis: { delivered: number } }[];
    expect(sites.map((s) => s.site.code)).toEqual(['atelier', 'lyon']);
    const open = async (site: number) =>
      (await t.store.get<{ n: number }>(
        "SELECT COUNT(*) AS n FROM repair_orders WHERE site_id = ? AND state <> 'delivered'",
        [site],
      ))!.n;
    expect(sites[0]!.open).toBe(await open(1));
    expect(sites[1]!.open).toBe(await open(lyonSite));
    const page = await t.inject('directeur', { method: 'GET', url: '/group' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Lyon Est');
    expect(page.body).toContain('data-site="atelier"');
  });

  it('is the only one, with the group administrator, to see them', async () => {
    for (const login of ['chef.lyon', 'admin.lyon', 'chef', 'formateur'])
      expect((await t.inject(login, { method: 'GET', url: '/api/group' })).statusCode).toBe(403);
    expect((await t.inject('admin', { method: 'GET', url: '/api/group' })).statusCode).toBe(200);
  });

  it('changes nothing and reads no customer', async () => {
    for (const url of ['/api/customers', '/api/orders', `/api/orders/${first.orders}`, '/clock'])
      expect((await t.inject('directeur', { method: 'GET', url })).statusCode).toBe(403);
    const res = await t.inject('directeur', {
      method: 'POST',
      url: '/api/orders',
      payload: { vehicleId: 1 },
    });
    expect(res.statusCode).toBe(403);
  });
});

describe('moving between sites', () => {
  it('a person with roles on two sites works on one at a time, with the role held there', async () => {
    const ines = t.demo.users.ines!.id;
    const admin = await t.as('admin');
    // The group administrator makes Inès (technician on the first site) a manager at Lyon.
    let res = await t.app.inject({
      method: 'PUT',
      url: `/api/sites/${lyonSite}/members/${ines}`,
      headers: admin.headers,
      payload: { role: 'manager' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const me = await t.as('ines');
    const sites = await t.app.inject({ method: 'GET', url: '/api/sites', headers: me.headers });
    expect(sites.json().map((s: { code: string }) => s.code)).toEqual(['atelier', 'lyon']);
    // On the first site she is a technician: assigning is a manager's job.
    res = await t.app.inject({ method: 'GET', url: '/api/me', headers: me.headers });
    expect(res.json().user.role).toBe('technician');
    res = await t.app.inject({
      method: 'POST',
      url: '/site',
      headers: { ...me.headers, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `siteId=${lyonSite}&_csrf=${me.csrf}`,
    });
    expect(res.statusCode).toBe(303);
    res = await t.app.inject({ method: 'GET', url: '/api/me', headers: me.headers });
    expect(res.json().user.role).toBe('manager');
    const lyonOrders = await t.app.inject({ method: 'GET', url: '/api/orders', headers: me.headers });
    const lyonIds = new Set(
      (await t.store.all<{ id: number }>('SELECT id FROM repair_orders WHERE site_id = ?', [lyonSite])).map(
        (r) => r.id,
      ),
    );
    expect(lyonOrders.json().every((o: { id: number }) => lyonIds.has(o.id))).toBe(true);
  });

  it('the group administrator opens a site from /sites; a site administrator cannot', async () => {
    const form = async (login: string, code: string) => {
      const a = await t.as(login);
      return t.app.inject({
        method: 'POST',
        url: '/sites',
        headers: { ...a.headers, 'content-type': 'application/x-www-form-urlencoded' },
        payload: `code=${code}&name=Site%20${code}&_csrf=${a.csrf}`,
      });
    };
    expect((await form('admin.lyon', 'grenoble')).statusCode).toBe(403);
    const res = await form('admin', 'valence');
    expect(res.statusCode).toBe(303);
    expect(await t.store.get('SELECT name FROM sites WHERE code = ?', ['valence'])).toEqual({
      name: 'Site valence',
    });
    expect(await t.store.get('SELECT id FROM sites WHERE code = ?', ['grenoble'])).toBeUndefined();
  });

  it('a site administrator gives roles on their own site only', async () => {
    const adminLyon = await t.as('admin.lyon');
    const res = await t.app.inject({
      method: 'PUT',
      url: `/api/sites/1/members/${lyon.users.lucas!.id}`,
      headers: adminLyon.headers,
      payload: { role: 'manager' },
    });
    expect(res.statusCode).toBe(403);
    expect(
      await t.store.get('SELECT role FROM site_members WHERE user_id = ? AND site_id = 1', [
        lyon.users.lucas!.id,
      ]),
    ).toBeUndefined();
  });
});
