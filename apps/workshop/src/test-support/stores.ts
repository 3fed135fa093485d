/**
 * The stores every service and route test runs on: SQLite (a file in a temporary directory) and
 * PostgreSQL (a database of its own on the run's private server, copied from the migrated
 * template). `describeStores` declares a suite once per store; a store that cannot run here is
 * skipped with its reason in the suite's title (and fails the run under CI=true: see
 * pg-global-setup.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, inject } from 'vitest';
import { openPostgresStore } from '../store/postgres-store.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import type { Store } from '../store/store.js';
import './pg-global-setup.js';
import { createDatabase, dropDatabase, withDatabase } from './pg-server.js';

export interface OpenedStore {
  store: Store;
  /** What `atelier serve --db` would take to open the same database: a file or a URL. */
  location: string;
  /** Closes the store (if still open) and deletes the database. */
  destroy(): Promise<void>;
}

export interface StoreKind {
  name: 'sqlite' | 'postgres';
  /** Why this store cannot be tested here; null when it can. */
  unavailable: string | null;
  /** A new, migrated, empty database of this kind. */
  create(): Promise<OpenedStore>;
}

export const sqliteKind: StoreKind = {
  name: 'sqlite',
  unavailable: null,
  async create() {
    const dir = mkdtempSync(join(tmpdir(), 'atelier-test-db-'));
    const location = join(dir, 'workshop.sqlite');
    const store = await openSqliteStore(location);
    return {
      store,
      location,
      destroy: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

/** A new empty database on the run's PostgreSQL server (copied from the migrated template). */
export async function createPgDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const pg = inject('atelierPg');
  if (!pg.adminUrl) throw new Error(`PostgreSQL unavailable: ${pg.unavailable}`);
  const adminUrl = pg.adminUrl;
  const name = `t_${randomBytes(6).toString('hex')}`;
  await createDatabase(adminUrl, name, pg.template);
  return { url: withDatabase(adminUrl, name), drop: () => dropDatabase(adminUrl, name) };
}

/** The store on a database of the run's server, which `destroy` closes and drops. */
export async function openPgDatabase(db: { url: string; drop(): Promise<void> }): Promise<OpenedStore> {
  const store = await openPostgresStore(db.url);
  return {
    store,
    location: db.url,
    destroy: async () => {
      await store.close();
      await db.drop();
    },
  };
}

export const postgresKind: StoreKind = {
  name: 'postgres',
  get unavailable() {
    return inject('atelierPg').unavailable;
  },
  async create() {
    return openPgDatabase(await createPgDatabase());
  },
};

export { createDatabase, dropDatabase, withDatabase };

export const STORE_KINDS: StoreKind[] = [sqliteKind, postgresKind];

/** The store this test project runs the workshop's tests on (vitest.config.ts: `main` → SQLite, `postgres`). */
export function projectStoreKind(): StoreKind {
  return inject('atelierStore') === 'postgres' ? postgresKind : sqliteKind;
}

/** Declares `body` as a suite once per store, titled with the store's name. */
export function describeStores(title: string, body: (kind: StoreKind) => void): void {
  for (const kind of STORE_KINDS) {
    const why = kind.unavailable;
    if (why) describe.skip(`${title} [${kind.name} — skipped: ${why}]`, () => body(kind));
    else describe(`${title} [${kind.name}]`, () => body(kind));
  }
}
