import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, RouteAccessError } from '../app.js';
import { DEMO_PASSWORD } from '../seed.js';
import { makeTestApp, type TestApp } from '../testing.js';
import { LOGIN_COOKIE, SESSION_COOKIE } from './types.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

function cookieFrom(res: { headers: Record<string, unknown> }, name: string): string | undefined {
  const raw = res.headers['set-cookie'];
  const list = Array.isArray(raw) ? raw : raw ? [String(raw)] : [];
  const c = list.find((x: string) => x.startsWith(`${name}=`));
  return c?.split(';')[0];
}

async function loginPage(app: FastifyInstance) {
  const res = await app.inject({ method: 'GET', url: '/login' });
  const cookie = cookieFrom(res, LOGIN_COOKIE)!;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(res.body)![1]!;
  return { cookie, csrf };
}

describe('route declarations', () => {
  it('refuses to start when a route does not say who may use it', async () => {
    const noDeclaration = async (app: FastifyInstance) => {
      app.get('/forgotten', async () => 'oops');
    };
    await expect(buildApp({ store: t.store, clock: t.clock }, {}, [noDeclaration])).rejects.toBeInstanceOf(
      RouteAccessError,
    );
  });
});

describe('login', () => {
  it('logs in with the right password only, with a fresh session id, following only local paths', async () => {
    const { cookie, csrf } = await loginPage(t.app);
    const bad = await t.app.inject({
      method: 'POST',
      url: '/login',
      headers: { cookie },
      payload: { login: 'chef', password: 'wrong', _csrf: csrf },
    });
    expect(bad.statusCode).toBe(401);
    expect(bad.body).toContain('identifiant ou mot de passe incorrect');
    const ok = await t.app.inject({
      method: 'POST',
      url: '/login',
      headers: { cookie },
      payload: { login: 'chef', password: DEMO_PASSWORD, _csrf: csrf, next: '//evil.example/steal' },
    });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/board');
    const newCookie = cookieFrom(ok, SESSION_COOKIE)!;
    expect(newCookie).not.toBe(cookie);
    // The login form's cookie is no session: it opens nothing.
    const old = await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } });
    expect(old.statusCode).toBe(401);
    const me = await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: newCookie } });
    expect(me.json().user.login).toBe('chef');
  });

  it('changes a password after checking the current one, ending the other sessions', async () => {
    const elsewhere = await t.as('emma');
    const here = await t.as('emma');
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/account/password',
      headers: here.headers,
      payload: { current: 'nope', next: 'nouveau-secret' },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('mot de passe actuel incorrect');
    const ok = await t.app.inject({
      method: 'POST',
      url: '/account/password',
      headers: here.headers,
      payload: { current: DEMO_PASSWORD, next: 'nouveau-secret' },
    });
    expect(ok.headers.location).toBe('/account?done=1');
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: elsewhere.cookie } }))
        .statusCode,
    ).toBe(401);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: here.cookie } })).statusCode,
    ).toBe(200);
    const { cookie, csrf } = await loginPage(t.app);
    const old = await t.app.inject({
      method: 'POST',
      url: '/login',
      headers: { cookie },
      payload: { login: 'emma', password: DEMO_PASSWORD, _csrf: csrf },
    });
    expect(old.statusCode).toBe(401);
    const fresh = await t.app.inject({
      method: 'POST',
      url: '/login',
      headers: { cookie },
      payload: { login: 'emma', password: 'nouveau-secret', _csrf: csrf },
    });
    expect(fresh.statusCode).toBe(303);
  });

  it('sets session cookies HttpOnly and SameSite', async () => {
    const { cookie, csrf } = await loginPage(t.app);
    const res = await t.app.inject({
      method: 'POST',
      url: '/login',
      headers: { cookie },
      payload: { login: 'chef', password: DEMO_PASSWORD, _csrf: csrf },
    });
    const raw = String(res.headers['set-cookie']);
    expect(raw).toMatch(new RegExp(`${SESSION_COOKIE}=[^;]+;.*HttpOnly`));
    expect(raw).toMatch(/SameSite=Lax/);
  });

  it('limits login attempts per client', async () => {
    const limited = await makeTestApp({ loginRateLimit: { max: 3, timeWindowMs: 60_000 } });
    try {
      const { cookie, csrf } = await loginPage(limited.app);
      const codes = [];
      for (let i = 0; i < 5; i++)
        codes.push(
          (
            await limited.app.inject({
              method: 'POST',
              url: '/login',
              headers: { cookie },
              payload: { login: 'chef', password: 'nope', _csrf: csrf },
            })
          ).statusCode,
        );
      expect(codes).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await limited.close();
    }
  }, 120_000); // a second app of its own: seconds to build alone, more in CI
});

describe('CSRF', () => {
  it('refuses state changes without the token, or with another session’s token', async () => {
    const chef = await t.as('chef');
    const other = await t.as('admin');
    const noToken = await t.app.inject({
      method: 'POST',
      url: '/api/customers',
      headers: { cookie: chef.cookie },
      payload: { name: 'X' },
    });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json().error).toMatch(/CSRF/);
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/customers',
      headers: { cookie: chef.cookie, 'x-csrf-token': other.csrf },
      payload: { name: 'X' },
    });
    expect(wrong.statusCode).toBe(403);
    const form = await t.app.inject({
      method: 'POST',
      url: '/customers',
      headers: { cookie: chef.cookie },
      payload: { name: 'X' },
    });
    expect(form.statusCode).toBe(403);
    const loginNoToken = await t.app.inject({
      method: 'POST',
      url: '/login',
      payload: { login: 'chef', password: DEMO_PASSWORD },
    });
    expect(loginNoToken.statusCode).toBe(403);
    const before = await t.store.get<{ n: number }>("SELECT COUNT(*) AS n FROM customers WHERE name = 'X'");
    expect(before?.n).toBe(0);
    // With the token, in the header or the form field, it goes through.
    const viaHeader = await t.app.inject({
      method: 'POST',
      url: '/api/customers',
      headers: chef.headers,
      payload: { name: 'X' },
    });
    expect(viaHeader.statusCode).toBe(201);
    const viaForm = await t.app.inject({
      method: 'POST',
      url: '/customers',
      headers: { cookie: chef.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `name=Y&_csrf=${encodeURIComponent(chef.csrf)}`,
    });
    expect(viaForm.statusCode).toBe(303);
  });
});

describe('hostile input', () => {
  const XSS = `<script>alert('x')</script><img src=x onerror="alert(1)">`;

  it('shows stored HTML and script payloads escaped on every page', async () => {
    const chef = await t.as('chef');
    const cres = await t.app.inject({
      method: 'POST',
      url: '/api/customers',
      headers: chef.headers,
      payload: { name: XSS, phone: '<b>07</b>' },
    });
    expect(cres.statusCode).toBe(201);
    const c = cres.json();
    const v = (
      await t.app.inject({
        method: 'POST',
        url: '/api/vehicles',
        headers: chef.headers,
        payload: {
          vin: 'WVWZZZ1KZAW000001',
          plate: XSS.slice(0, 20),
          model: XSS.slice(0, 100),
          energy: 'petrol',
          customerId: c.id,
        },
      })
    ).json();
    const o = (
      await t.app.inject({
        method: 'POST',
        url: '/api/orders',
        headers: chef.headers,
        payload: { vehicleId: v.id, complaint: XSS },
      })
    ).json();
    for (const url of [
      '/customers',
      `/customers/${c.id}`,
      `/vehicles/${v.id}`,
      '/vehicles',
      `/orders/${o.id}`,
      `/orders/${o.id}/print`,
      '/board',
      '/orders/new',
    ]) {
      const res = await t.inject('chef', { method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).not.toMatch(/<script>alert/i);
      expect(res.body, url).not.toMatch(/<img src=x/i);
      expect(res.body, url).toMatch(/&lt;script&gt;/i);
    }
    // And the JSON API gives the text back as it was typed.
    expect((await t.inject('chef', { method: 'GET', url: `/api/orders/${o.id}` })).json().complaint).toBe(
      XSS,
    );
  });

  it('keeps SQL-injection strings as plain text everywhere', async () => {
    const chef = await t.as('chef');
    const payloads = [
      "'; DROP TABLE customers; --",
      "' OR '1'='1",
      '1; DELETE FROM users',
      'Robert"); DROP TABLE repair_orders;--',
    ];
    const count = async (table: string) =>
      (await t.store.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))!.n;
    const users = await count('users');
    const orders = await count('repair_orders');
    const vehicleId = t.demo.vehicleIds[0]!;
    for (const p of payloads) {
      const c = await t.app.inject({
        method: 'POST',
        url: '/api/customers',
        headers: chef.headers,
        payload: { name: p, phone: p },
      });
      expect(c.statusCode).toBe(201);
      expect(c.json().name).toBe(p);
      const o = await t.app.inject({
        method: 'POST',
        url: '/api/orders',
        headers: chef.headers,
        payload: { vehicleId, complaint: p },
      });
      expect(o.json().complaint).toBe(p);
      const id = o.json().id;
      const r = await t.app.inject({
        method: 'POST',
        url: `/api/orders/${id}/reception`,
        headers: chef.headers,
        payload: { complaint: p, odometerKm: 900_000, condition: p },
      });
      expect(r.json().condition_notes).toBe(p);
      const login = await loginPage(t.app);
      const l = await t.app.inject({
        method: 'POST',
        url: '/login',
        headers: { cookie: login.cookie },
        payload: { login: p, password: p, _csrf: login.csrf },
      });
      expect(l.statusCode).toBe(401);
      const l2 = await t.app.inject({
        method: 'POST',
        url: '/login',
        headers: { cookie: login.cookie },
        payload: { login: 'chef', password: p, _csrf: login.csrf },
      });
      expect(l2.statusCode).toBe(401);
      // Typed inputs refuse them outright.
      for (const url of [
        `/api/orders?state=${encodeURIComponent(p)}`,
        `/api/orders/${encodeURIComponent(p)}`,
        `/api/kpi?from=${encodeURIComponent(p)}`,
        `/api/clock/entries?userId=${encodeURIComponent(p)}`,
      ])
        expect((await t.inject('chef', { method: 'GET', url })).statusCode, url).toBe(400);
      const vin = await t.inject('chef', { method: 'GET', url: `/api/vin/${encodeURIComponent(p)}` });
      expect(vin.statusCode).toBe(400);
    }
    expect(await count('users')).toBe(users);
    expect(await count('repair_orders')).toBe(orders + payloads.length);
    expect(await t.store.integrityCheck()).toEqual([]);
  });

  it('keeps an SQL-injection string as plain text in every other text input', async () => {
    const p = "x'); DROP TABLE users; --";
    const chef = await t.as('chef');
    const admin = await t.as('admin');
    const post = (who: typeof chef, url: string, payload: object) =>
      t.app.inject({ method: 'POST', url, headers: who.headers, payload });
    const { diag, d1, ready } = t.demo.orderIds;
    const rate = await t.store.get<{ id: number }>("SELECT id FROM labour_rates WHERE code = 'T1'");
    // the ready order is invoiced first: delivery waits for its invoice
    expect((await post(chef, `/api/orders/${ready}/invoice`, {})).statusCode).toBe(201);
    const checks: [string, Awaited<ReturnType<typeof post>>, (body: Record<string, unknown>) => unknown][] = [
      [
        'line',
        await post(chef, `/api/orders/${diag}/lines`, {
          kind: 'labour',
          description: p,
          rateId: rate!.id,
          hours: 1,
        }),
        (b) => b.description,
      ],
      [
        'part reference',
        await post(chef, `/api/orders/${diag}/lines`, {
          kind: 'part',
          description: 'x',
          partRef: p,
          unitPrice: '1',
        }),
        (b) => b.part_ref,
      ],
      ['comeback', await post(chef, `/api/orders/${d1}/comeback`, { complaint: p }), (b) => b.complaint],
      [
        'transition note',
        await post(chef, `/api/orders/${ready}/transitions`, { to: 'delivered', note: p }),
        (b) => (b.events as { note: string }[]).at(-1)!.note,
      ],
      [
        'user name',
        // (the password policy refuses a password holding the name's words: another one here)
        await post(admin, '/api/users', {
          login: 'sqli.user',
          name: p,
          role: 'apprentice',
          password: 'bougie-de-prechauffage',
        }),
        (b) => b.name,
      ],
      [
        'habilitation issuer',
        await post(chef, `/api/users/${t.demo.users.emma!.id}/habilitations`, {
          symbol: 'B1VL',
          issuedOn: '2026-01-01',
          issuedBy: p,
        }),
        (b) => b.issued_by,
      ],
      [
        'vehicle plate and model',
        await post(chef, '/api/vehicles', {
          vin: 'WVWZZZ1KZAW000002',
          plate: p.slice(0, 20),
          model: p,
          energy: 'ev',
        }),
        (b) => `${b.plate}|${b.model}`,
      ],
    ];
    for (const [what, res, field] of checks) {
      expect(res.statusCode, `${what}: ${res.body}`).toBeLessThan(300);
      const expected = what === 'vehicle plate and model' ? `${p.slice(0, 20).toUpperCase()}|${p}` : p;
      expect(field(res.json()), what).toBe(expected);
    }
    // Notes through the form, and a correction reason.
    const notes = await t.app.inject({
      method: 'POST',
      url: `/orders/${diag}/notes`,
      headers: chef.headers,
      payload: { notes: p },
    });
    expect(notes.statusCode).toBe(303);
    expect(
      (await t.inject('chef', { method: 'GET', url: `/api/orders/${diag}` })).json().diagnosis_notes,
    ).toBe(p);
    const entry = (await t.inject('chef', { method: 'GET', url: '/api/clock/entries' }))
      .json()
      .find((e: { end_at: number | null }) => e.end_at);
    const fix = await post(chef, `/api/clock/entries/${entry.id}/correction`, {
      endAt: String(entry.end_at - 60_000),
      reason: p,
    });
    expect(fix.statusCode, fix.body).toBe(200);
    expect(
      (await t.inject('chef', { method: 'GET', url: `/api/clock/entries/${entry.id}/corrections` }))
        .json()
        .at(-1).reason,
    ).toBe(p);
    // A login that is not an identifier is refused by validation, not run.
    expect(
      (await post(admin, '/api/users', { login: p, name: 'n', role: 'apprentice', password: 'password1' }))
        .statusCode,
    ).toBe(400);
    // In the query string: an unknown language is ignored (French), never evaluated.
    expect(
      (await t.inject('chef', { method: 'GET', url: `/board?lang=${encodeURIComponent(p)}` })).body,
    ).toContain('<html lang="fr">');
    expect((await t.store.all('SELECT id FROM users')).length).toBeGreaterThan(8);
    expect(await t.store.integrityCheck()).toEqual([]);
  });

  it('refuses oversize bodies with 413, JSON or form', async () => {
    const chef = await t.as('chef');
    const big = 'x'.repeat(300 * 1024);
    const json = await t.app.inject({
      method: 'POST',
      url: '/api/customers',
      headers: chef.headers,
      payload: { name: big },
    });
    expect(json.statusCode).toBe(413);
    const form = await t.app.inject({
      method: 'POST',
      url: '/customers',
      headers: { cookie: chef.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `name=${big}&_csrf=${chef.csrf}`,
    });
    expect(form.statusCode).toBe(413);
    expect(form.body).toContain('requête trop volumineuse');
    // Within the body limit but beyond a field's own limit: 400, naming the problem.
    const long = await t.app.inject({
      method: 'POST',
      url: '/api/customers',
      headers: chef.headers,
      payload: { name: 'y'.repeat(5000) },
    });
    expect(long.statusCode).toBe(400);
    expect(long.json()).toEqual({
      error: 'données invalides — « name » : 200 caractères au plus',
      field: 'name',
    });
    const en = await t.app.inject({
      method: 'POST',
      url: '/api/customers?lang=en',
      headers: chef.headers,
      payload: { phone: '1' },
    });
    expect(en.json()).toEqual({ error: "invalid input — 'name': required", field: 'name' });
  });
});

describe('security headers', () => {
  it('sends a CSP without inline scripts, no framing, no sniffing', async () => {
    const res = await t.inject('chef', { method: 'GET', url: '/board' });
    expect(res.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    // No inline script on any page: only src= scripts and JSON data blocks.
    expect(res.body).not.toMatch(/<script(?![^>]*(src=|type="application\/json"))/);
  });
});
