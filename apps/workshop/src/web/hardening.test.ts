/**
 * Issue 15's doors on the dashboard side, each as a user or an attacker would try it: anonymous
 * visitors and the sessions table, the login form's CSRF without a stored row, expired sessions
 * purged while running, the login page's rate limit, caching of what a logged-in person sees, the
 * password policy, a class with an unknown member, upload names with bidirectional characters, and
 * the adapters page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../seed.js';
import { SESSION_TTL_MS } from '../services/sessions.js';
import { multipart } from '../test-support/diagnostics.js';
import { makeTestApp, type TestApp } from '../testing.js';
import { LOGIN_COOKIE, SESSION_COOKIE } from './types.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp({
    sessionPurgeMs: 10 * 60_000,
    loginPageRateLimit: { max: 10_000, timeWindowMs: 60_000 },
  });
});
afterAll(() => t.close());

const sessionRows = async () => (await t.store.get<{ n: number }>('SELECT COUNT(*) AS n FROM sessions'))!.n;
const cookieOf = (res: { headers: Record<string, unknown> }, name: string) =>
  ([] as string[])
    .concat((res.headers['set-cookie'] as string | string[] | undefined) ?? [])
    .find((c) => c.startsWith(`${name}=`))
    ?.split(';')[0];

async function loginForm() {
  const res = await t.app.inject({ method: 'GET', url: '/login' });
  return { cookie: cookieOf(res, LOGIN_COOKIE)!, csrf: /name="_csrf" value="([^"]+)"/.exec(res.body)![1]! };
}

const postLogin = (cookie: string, csrf: string) =>
  t.app.inject({
    method: 'POST',
    url: '/login',
    headers: { cookie, accept: 'application/json' },
    payload: { login: 'chef', password: DEMO_PASSWORD, _csrf: csrf },
  });

describe('the login page and anonymous visitors', () => {
  it('stores nothing for an anonymous visitor: 2,000 visits of /login add no session row', async () => {
    const before = await sessionRows();
    for (let i = 0; i < 2000; i++) {
      const res = await t.app.inject({ method: 'GET', url: '/login' });
      expect(res.statusCode).toBe(200);
      expect(cookieOf(res, SESSION_COOKIE)).toBeUndefined();
    }
    expect(await sessionRows()).toBe(before);
  });

  it('logs in with the form signed for its cookie, and only with it', async () => {
    const a = await loginForm();
    const b = await loginForm();
    // Another browser's token, a forged one, none: refused before the password is looked at.
    for (const [cookie, csrf] of [
      [a.cookie, b.csrf],
      [a.cookie, `${b.csrf.split('.')[0]}.${'A'.repeat(43)}`],
      [a.cookie, ''],
      [`${LOGIN_COOKIE}=${'x'.repeat(24)}`, a.csrf],
    ] as const)
      expect((await postLogin(cookie, csrf)).statusCode).toBe(403);
    const ok = await postLogin(a.cookie, a.csrf);
    expect(ok.statusCode).toBe(200);
    expect(cookieOf(ok, SESSION_COOKIE)).toBeDefined();
  });

  it('refuses a login form older than two hours', async () => {
    const a = await loginForm();
    await t.clock.advance(2 * 3600_000 + 1000);
    expect((await postLogin(a.cookie, a.csrf)).statusCode).toBe(403);
    const b = await loginForm();
    expect((await postLogin(b.cookie, b.csrf)).statusCode).toBe(200);
  });

  it('rate-limits the login page per client', async () => {
    const limited = await makeTestApp({ loginPageRateLimit: { max: 5, timeWindowMs: 60_000 } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 7; i++)
        codes.push((await limited.app.inject({ method: 'GET', url: '/login' })).statusCode);
      expect(codes).toEqual([200, 200, 200, 200, 200, 429, 429]);
    } finally {
      await limited.close();
    }
  }, 120_000); // a second app of its own: seconds to build alone, more in CI
});

describe('sessions', () => {
  it('purges expired sessions while the server runs, on its clock', async () => {
    await t.as('chef');
    await t.as('leo');
    const now = t.clock.now();
    const expired = async () =>
      (await t.store.get<{ n: number }>('SELECT COUNT(*) AS n FROM sessions WHERE expires_at <= ?', [
        now + SESSION_TTL_MS,
      ]))!.n;
    expect(await expired()).toBeGreaterThanOrEqual(2);
    await t.clock.advance(SESSION_TTL_MS + 11 * 60_000);
    // (the last purge's DELETE runs on the store's connection: give it a moment — up to 10 s of real
    // time, not 50 polls, which a loaded CI machine can use up before the DELETE's turn comes)
    const deadline = Date.now() + 10_000;
    while ((await expired()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(await expired()).toBe(0);
  });
});

describe('caching', () => {
  it('marks every authenticated page, API answer and GDPR export no-store; public files stay cacheable', async () => {
    const customer = (await t.store.get<{ id: number }>('SELECT id FROM customers ORDER BY id LIMIT 1'))!;
    for (const url of [
      '/board',
      '/api/orders',
      '/diagnostics',
      `/api/customers/${customer.id}/export`,
      '/api/me',
    ]) {
      const res = await t.inject('chef', { method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['cache-control'], url).toBe('no-store');
    }
    // An API answer refused for lack of login holds nothing worth caching either way; the login
    // page holds a signed token: no-store.
    expect((await t.app.inject({ method: 'GET', url: '/login' })).headers['cache-control']).toBe('no-store');
    const css = await t.app.inject({ method: 'GET', url: '/static/app.css' });
    expect(css.headers['cache-control']).not.toBe('no-store');
  });

  it('sends HSTS only over HTTPS, and marks cookies Secure only then', async () => {
    const proxied = await makeTestApp({ trustProxy: true });
    try {
      const https = await proxied.app.inject({
        method: 'GET',
        url: '/login',
        headers: { 'x-forwarded-proto': 'https' },
      });
      expect(https.headers['strict-transport-security']).toBe('max-age=15552000; includeSubDomains');
      expect(String(https.headers['set-cookie'])).toMatch(/Secure/);
      const http = await proxied.app.inject({ method: 'GET', url: '/login' });
      expect(http.headers['strict-transport-security']).toBeUndefined();
      expect(String(http.headers['set-cookie'])).not.toMatch(/Secure/);
    } finally {
      await proxied.close();
    }
    // Not behind a trusted proxy: a client's X-Forwarded-Proto changes nothing.
    const direct = await t.app.inject({
      method: 'GET',
      url: '/login',
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(direct.headers['strict-transport-security']).toBeUndefined();
    expect(String(direct.headers['set-cookie'])).not.toMatch(/Secure/);
  });
});

describe('the password policy', () => {
  const create = (login: string, name: string, password: string) =>
    t.inject('admin', {
      method: 'POST',
      url: '/api/users',
      payload: { login, name, role: 'apprentice', password },
    });

  it('refuses short, common, repetitive and personal passwords, in French and English', async () => {
    for (const [password, fr] of [
      ['password', /12/],
      ['password1234', /trop courant/],
      ['Azerty2024!!', /trop courant/],
      ['motdepasse123', /trop courant/],
      ['abababababab', /trop répétitif/],
      ['nathalie.dupont!', /ni votre identifiant ni votre nom/],
      ['Dupont-atelier-2026', /ni votre identifiant ni votre nom/],
    ] as const) {
      const res = await create('ndupont', 'Nathalie Dupont', password);
      expect(res.statusCode, password).toBe(400);
      expect(res.json().error, password).toMatch(fr);
      expect(res.json().field).toBe('password');
    }
    const en = await t.inject('admin', {
      method: 'POST',
      url: '/api/users?lang=en',
      payload: { login: 'ndupont', name: 'Nathalie Dupont', role: 'apprentice', password: 'qwertyuiop12' },
    });
    expect(en.json().error).toMatch(/too common/);
    expect((await create('ndupont', 'Nathalie Dupont', 'joint-de-culasse-rouge')).statusCode).toBe(201);
  });

  it('applies on a password change too', async () => {
    const a = await t.as('lucas');
    const res = await t.app.inject({
      method: 'POST',
      url: '/account/password',
      headers: a.headers,
      payload: { current: DEMO_PASSWORD, next: 'azertyuiop123' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/trop courant/);
  });
});

describe('multi-row writes', () => {
  it('creates no class when a member is unknown (400, not 500), and says which', async () => {
    const count = async () => (await t.store.get<{ n: number }>('SELECT COUNT(*) AS n FROM classes'))!.n;
    const before = await count();
    const leo = t.demo.users.leo!.id;
    const res = await t.inject('formateur', {
      method: 'POST',
      url: '/training/classes',
      headers: { accept: 'application/json' },
      payload: { name: 'CAP 2e année', userIds: [leo, 999_999] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('utilisateur 999999');
    expect(await count()).toBe(before);
    const dup = await t.inject('formateur', {
      method: 'POST',
      url: '/training/classes',
      payload: {
        name: (await t.store.get<{ name: string }>('SELECT name FROM classes LIMIT 1'))!.name,
        userIds: [leo],
      },
    });
    expect(dup.statusCode).toBe(409);
    expect(await count()).toBe(before);
  });
});

describe('upload names', () => {
  it('refuses bidirectional overrides, invisible format characters and controls, showing each', async () => {
    const log = '(1641469561.949700) can0 7DF#02010C\n';
    for (const [name, shown] of [
      ['releve\u202Egol.txt', '<U+202E>'],
      ['releve\u2066.log', '<U+2066>'],
      ['rel\u200Beve.log', '<U+200B>'],
      ['rel\u0007eve.log', '<U+0007>'],
      ['rel\u2028eve.log', '<U+2028>'],
    ]) {
      const a = await t.as('formateur');
      const body = multipart({ _csrf: a.csrf }, { name: name!, content: log });
      const res = await t.app.inject({
        method: 'POST',
        url: '/training/recordings',
        headers: { cookie: a.cookie, accept: 'application/json', ...body.headers },
        payload: body.payload,
      });
      expect(res.statusCode, JSON.stringify(name)).toBe(400);
      expect(res.body).toContain(shown!.replace('<', '&lt;').replace('>', '&gt;'));
    }
  });
});
