/**
 * Vitest global setup: one private PostgreSQL server for the whole run, shared by every test file,
 * with a template database already migrated (each file copies it with CREATE DATABASE … TEMPLATE,
 * a file copy, instead of migrating again). Torn down after the run.
 *
 * `ATELIER_TEST_PG_URL` (a superuser's URL to the `postgres` database of a running server) uses that
 * server instead of starting one. Without PostgreSQL the PostgreSQL variants of the tests are
 * skipped with the reason — except under CI=true, where the run fails with it.
 */
import type { TestProject } from 'vitest/node';
import { openPostgresStore } from '../store/postgres-store.js';
import {
  createDatabase,
  dropDatabase,
  type PgServer,
  pgServerUnavailable,
  startPgServer,
  withDatabase,
} from './pg-server.js';

export const TEMPLATE_DB = 'atelier_template';

export interface ProvidedPg {
  /** URL of the `postgres` database (for CREATE/DROP DATABASE), or null when unavailable. */
  adminUrl: string | null;
  template: string;
  /** Why PostgreSQL tests are skipped, when they are. */
  unavailable: string | null;
}

declare module 'vitest' {
  export interface ProvidedContext {
    atelierPg: ProvidedPg;
    /** The store `fixture()` and `makeTestApp()` open in this test project. */
    atelierStore: 'sqlite' | 'postgres';
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let server: PgServer | null = null;
  let adminUrl: string | null = process.env.ATELIER_TEST_PG_URL ?? null;
  let unavailable: string | null = null;
  if (!adminUrl) {
    unavailable = pgServerUnavailable();
    if (unavailable && process.env.CI) throw new Error(`PostgreSQL tests cannot run: ${unavailable}`);
    if (!unavailable) {
      const started = await startPgServer();
      server = started;
      adminUrl = started.url('postgres');
      // An interrupted run (Ctrl-C, a CI time limit) does not reach the teardown: stop the server
      // on the way out all the same, so no PostgreSQL outlives the tests.
      process.once('exit', () => started.stopSync());
      for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
        process.once(signal, () => {
          started.stopSync();
          process.kill(process.pid, signal);
        });
    }
  }
  if (adminUrl) {
    await dropDatabase(adminUrl, TEMPLATE_DB);
    await createDatabase(adminUrl, TEMPLATE_DB);
    const store = await openPostgresStore(withDatabase(adminUrl, TEMPLATE_DB));
    await store.close();
  }
  project.provide('atelierPg', { adminUrl, template: TEMPLATE_DB, unavailable });
  return async () => {
    if (server) await server.stop();
    else if (adminUrl) await dropDatabase(adminUrl, TEMPLATE_DB).catch(() => undefined);
  };
}
