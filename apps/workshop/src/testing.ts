/** Test support: a seeded app on a temporary database in virtual time, and sessions per role. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '@atelier/clock';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { type AppOptions, buildApp } from './app.js';
import { type DemoData, seedDemo } from './seed.js';
import type { Role } from './services/domain.js';
import { createSession } from './services/sessions.js';
import { openSqliteStore } from './store/sqlite-store.js';
import type { Store } from './store/store.js';
import { SESSION_COOKIE } from './web/types.js';

/** A demo login of each role, for tests that go through every role. */
export const LOGIN_OF_ROLE: Record<Role, string> = {
  apprentice: 'leo',
  technician: 'ines',
  manager: 'chef',
  instructor: 'formateur',
  admin: 'admin',
};

/** Tuesday 2026-03-10 10:00 UTC: a fixed "now" so dates in assertions are stable. */
export const TEST_NOW = Date.parse('2026-03-10T10:00:00Z');

export interface TestApp {
  app: FastifyInstance;
  store: Store;
  clock: VirtualClock;
  demo: DemoData;
  dir: string;
  /** Cookie and CSRF token of a fresh session for a demo login. */
  as(login: string): Promise<{ cookie: string; csrf: string; headers: Record<string, string> }>;
  inject(login: string | null, opts: InjectOptions): Promise<LightMyRequestResponse>;
  /** A page's form as a browser posts it: urlencoded, with the session's CSRF token and `_back`. */
  form(
    login: string,
    url: string,
    fields: Record<string, string | string[]>,
    back?: string,
  ): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function makeTestApp(options: AppOptions = {}): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'atelier-workshop-test-'));
  const store = await openSqliteStore(join(dir, 'test.sqlite'));
  const clock = new VirtualClock(TEST_NOW);
  const demo = await seedDemo(store, clock.now());
  const app = await buildApp(
    { store, clock },
    {
      loginRateLimit: { max: 1000, timeWindowMs: 60_000 },
      loginPageRateLimit: { max: 1000, timeWindowMs: 60_000 },
      ...options,
    },
  );
  const as = async (login: string) => {
    const user = demo.users[login];
    if (!user) throw new Error(`no demo user ${login}`);
    const s = await createSession(store, user.id, clock.now());
    const cookie = `${SESSION_COOKIE}=${s.id}`;
    return { cookie, csrf: s.csrf, headers: { cookie, 'x-csrf-token': s.csrf } };
  };
  return {
    app,
    store,
    clock,
    demo,
    dir,
    as,
    inject: async (login, opts) => {
      const headers = {
        ...(login ? (await as(login)).headers : {}),
        ...((opts.headers as Record<string, string>) ?? {}),
      };
      return app.inject({ ...opts, headers });
    },
    form: async (login, url, fields, back = url) => {
      const s = await as(login);
      const body = new URLSearchParams({ _csrf: s.csrf, _back: back });
      for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one);
      return app.inject({
        method: 'POST',
        url,
        headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: body.toString(),
      });
    },
    close: async () => {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
