/**
 * What only PostgreSQL has to show: placeholders numbered, read-modify-writes of two pools (two
 * processes) that lose no update, migrations taken once by processes that start together, and the
 * same schema as SQLite's. The `Store` contract itself is store-contract.test.ts, on both stores.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase, dropDatabase, withDatabase } from '../test-support/pg-server.js';
import { createPgDatabase, type OpenedStore, STORE_KINDS } from '../test-support/stores.js';
import { migrations } from './migrations.js';
import { toDollarParams } from './placeholders.js';
import { openPostgresStore, type PostgresStore } from './postgres-store.js';

const opened: OpenedStore[] = [];
afterAll(async () => {
  for (const o of opened.splice(0)) await o.destroy();
});

describe('PostgreSQL only', () => {
  const pgFresh = async () => {
    const db = await createPgDatabase();
    const a = await openPostgresStore(db.url);
    const b = await openPostgresStore(db.url);
    opened.push({
      store: a,
      location: db.url,
      destroy: async () => {
        await a.close();
        await b.close();
        await db.drop();
      },
    });
    return [a, b] as const;
  };

  it('numbers every ? outside quotes and comments as $n', () => {
    expect(toDollarParams("SELECT ? , '?', \"a?\" -- ?\n, ? /* ? */ , 'it''s ?', ?")).toBe(
      "SELECT $1 , '?', \"a?\" -- ?\n, $2 /* ? */ , 'it''s ?', $3",
    );
  });

  it('keeps the read-modify-write of two processes from losing an update', async () => {
    // Two pools are two processes as far as the server knows. Each transaction reads a value and
    // writes it back plus one — the pattern a lost update comes from under READ COMMITTED.
    const [a, b] = await pgFresh();
    const id = (await a.get<{ id: number }>(
      "INSERT INTO customers (site_id, name, phone, created_at, last_activity_at) VALUES (1, 'n', '0', 1, 1) RETURNING id",
    ))!.id;
    const bump = (s: PostgresStore) =>
      s.transaction(async (tx) => {
        const row = await tx.get<{ phone: string }>('SELECT phone FROM customers WHERE id = ?', [id]);
        await new Promise((r) => setTimeout(r, 1));
        await tx.run('UPDATE customers SET phone = ? WHERE id = ?', [String(Number(row!.phone) + 1), id]);
      });
    await Promise.all(Array.from({ length: 30 }, (_, i) => bump(i % 2 ? a : b)));
    expect((await a.get<{ phone: string }>('SELECT phone FROM customers WHERE id = ?', [id]))!.phone).toBe(
      '30',
    );
  });

  it('migrates once when processes start together on an empty database', async () => {
    const db = await createPgDatabase();
    // An empty database (not the template): drop and create it bare.
    const admin = withDatabase(db.url, 'postgres');
    const name = decodeURIComponent(/\/([^/?]+)\?/.exec(db.url)![1]!);
    await dropDatabase(admin, name);
    await createDatabase(admin, name);
    const stores = await Promise.all([1, 2, 3].map(() => openPostgresStore(db.url)));
    expect(await stores[0]!.all('SELECT version FROM schema_migrations')).toHaveLength(migrations.length);
    for (const s of stores) await s.close();
    await db.drop();
  });

  it('has the same tables, columns and NOT NULL constraints as SQLite', async () => {
    const sqlite = await STORE_KINDS[0]!.create();
    const pg = await STORE_KINDS[1]!.create();
    opened.push(sqlite, pg);
    const tables = await sqlite.store.all<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    );
    const fromSqlite: string[] = [];
    for (const { name } of tables)
      for (const c of await sqlite.store.all<{ name: string; notnull: number; pk: number }>(
        `PRAGMA table_info(${name})`,
      ))
        fromSqlite.push(`${name}.${c.name}${c.notnull || c.pk ? ' NOT NULL' : ''}`);
    const fromPg = (
      await pg.store.all<{ t: string; c: string; nullable: string }>(
        `SELECT table_name AS t, column_name AS c, is_nullable AS nullable FROM information_schema.columns
         WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`,
      )
    ).map((r) => `${r.t}.${r.c}${r.nullable === 'NO' ? ' NOT NULL' : ''}`);
    expect(fromPg.sort()).toEqual(fromSqlite.sort());
  });
});
