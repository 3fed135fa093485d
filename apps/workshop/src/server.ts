import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type AppOptions, buildApp } from './app.js';
import { seedDemo } from './seed.js';
import { applyRetention } from './services/customers.js';
import { purgeExpiredSessions } from './services/sessions.js';
import { getSettings } from './services/settings.js';
import { createUser, setGroupRole } from './services/users.js';
import { isPostgresUrl, openStore } from './store/open.js';
import { redact } from './store/postgres-store.js';
import type { Store } from './store/store.js';
import type { WallClock } from './web/types.js';

export interface ServeOptions extends AppOptions {
  port?: number;
  host?: string;
  /**
   * Database: a SQLite file, or a PostgreSQL URL (`postgres://user@host/db`) shared by the
   * processes of a dealer group. With `demo` and none, a fresh temporary SQLite file.
   */
  db?: string;
  demo?: boolean;
  clock?: WallClock;
  /** Told once, when a first admin account is created on an empty database. */
  onFirstAdmin?: (login: string, password: string) => void;
}

export interface RunningServer {
  app: FastifyInstance;
  store: Store;
  url: string;
  /** The database: a SQLite file or a PostgreSQL URL (password hidden). */
  dbFile: string;
  close(): Promise<void>;
}

export async function startServer(options: ServeOptions = {}): Promise<RunningServer> {
  const clock = options.clock ?? { now: () => Date.now() };
  // A demo without a file gets a throw-away directory, removed when the server closes.
  const tempDir = !options.db && options.demo ? mkdtempSync(join(tmpdir(), 'atelier-demo-')) : null;
  const dbFile = options.db ?? (tempDir ? join(tempDir, 'workshop.sqlite') : 'atelier.sqlite');
  const store = await openStore(dbFile);
  try {
    const users = await store.get<{ n: number }>('SELECT COUNT(*) AS n FROM users');
    if (!users?.n) {
      if (options.demo) await seedDemo(store, clock.now());
      else {
        const password = randomBytes(12).toString('base64url');
        // In one transaction with the emptiness check: of several processes starting together
        // on one new PostgreSQL database, one creates the account and the others find it.
        const created = await store.transaction(async (tx) => {
          if ((await tx.get<{ n: number }>('SELECT COUNT(*) AS n FROM users'))?.n) return false;
          // The first account administers the group (it can add sites and people to them).
          const admin = await createUser(
            tx,
            { login: 'admin', name: 'Administrateur', role: 'admin', password },
            clock.now(),
            1,
          );
          await setGroupRole(tx, admin.id, 'admin');
          return true;
        });
        if (created) options.onFirstAdmin?.('admin', password);
      }
    }
    await purgeExpiredSessions(store, clock.now());
    // GDPR retention is applied at every start, so a workshop need not remember to run it.
    await applyRetention(store, (await getSettings(store)).customerRetentionMonths, clock.now());
    const app = await buildApp({ store, clock }, { readCacheMs: 1000, ...options });
    const address = await app.listen({ port: options.port ?? 8080, host: options.host ?? '127.0.0.1' });
    return {
      app,
      store,
      url: address,
      dbFile: isPostgresUrl(dbFile) ? redact(dbFile) : dbFile,
      close: async () => {
        await app.close();
        await store.close();
        if (tempDir) rmSync(tempDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await store.close();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    throw err;
  }
}
