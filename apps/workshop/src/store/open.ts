import { openPostgresStore } from './postgres-store.js';
import { openSqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';

/** Whether `location` names a PostgreSQL database (a `postgres://` or `postgresql://` URL). */
export const isPostgresUrl = (location: string): boolean => /^postgres(ql)?:\/\//i.test(location);

/**
 * The store a location names: a PostgreSQL URL (a dealer group's shared database) or a SQLite
 * file (one workshop's embedded database, the default).
 */
export function openStore(location: string): Promise<Store> {
  return isPostgresUrl(location) ? openPostgresStore(location) : openSqliteStore(location);
}
