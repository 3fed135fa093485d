/**
 * What only PostgreSQL has to show: placeholders numbered, read-modify-writes of two pools (two
 * processes) that lose no update, migrations taken once by processes that start together, and the
 * same schema as SQLite's; every committed change announced on `atelier_changed`, whoever wrote it,
 * and a lost listening connection said and replaced; issued invoices kept by PL/pgSQL triggers. The `Store` contract itself is store-contract.test.ts, on both stores.
 */
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase, dropDatabase, withDatabase } from '../test-support/pg-server.js';
import { createPgDatabase, type OpenedStore, STORE_KINDS } from '../test-support/stores.js';
import { migrations } from './migrations.js';
import { toDollarParams } from './placeholders.js';
import { openPostgresStore, type PostgresStore } from './postgres-store.js';
import { CHANGED_CHANNEL } from './store.js';

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

  it('keeps an issued invoice: UPDATE, DELETE and TRUNCATE refused by PL/pgSQL triggers', async () => {
    const [a] = await pgFresh();
    const user = (await a.get<{ id: number }>(
      "INSERT INTO users (login, name, role, password_hash, created_at) VALUES ('u', 'U', 'manager', 'x', 1) RETURNING id",
    ))!.id;
    const vehicle = (await a.get<{ id: number }>(
      "INSERT INTO vehicles (site_id, vin, energy, created_at) VALUES (1, 'VF1RJA00165432101', 'petrol', 1) RETURNING id",
    ))!.id;
    const ro = (await a.get<{ id: number }>(
      "INSERT INTO repair_orders (site_id, number, vehicle_id, state, created_at, state_since) VALUES (1, 'OR-2026-00001', ?, 'ready', 1, 1) RETURNING id",
      [vehicle],
    ))!.id;
    const inv = (await a.get<{ id: number }>(
      `INSERT INTO invoices (site_id, number, kind, ro_id, issue_date, issued_at, issued_by, buyer_name, ht_cents,
         tva_cents, ttc_cents, document, xml, pdf, pdf_sha256)
       VALUES (1, 'FA-2026-000001', 'invoice', ?, '2026-03-02', 1, ?, 'C', 100, 20, 120, '{}', '', '', '') RETURNING id`,
      [ro, user],
    ))!.id;
    await expect(a.run('UPDATE invoices SET ttc_cents = 1 WHERE id = ?', [inv])).rejects.toThrow(
      /cannot be changed: a credit note corrects it/,
    );
    await expect(a.run('DELETE FROM invoices WHERE id = ?', [inv])).rejects.toThrow(/10 years/);
    await expect(a.run('TRUNCATE invoices CASCADE')).rejects.toThrow(/10 years/);
    expect(await a.get('SELECT ttc_cents FROM invoices WHERE id = ?', [inv])).toEqual({ ttc_cents: 120 });
    // The same number on another site is another invoice (one sequence per site); not twice on one.
    const lyon = (await a.get<{ id: number }>(
      "INSERT INTO sites (code, name, created_at) VALUES ('lyon', 'Lyon', 1) RETURNING id",
    ))!.id;
    await expect(
      a.run(
        `INSERT INTO invoices (site_id, number, kind, ro_id, issue_date, issued_at, issued_by, buyer_name, ht_cents,
           tva_cents, ttc_cents, document, xml, pdf, pdf_sha256)
         VALUES (1, 'FA-2026-000001', 'invoice', ?, '2026-03-02', 1, ?, 'C', 1, 0, 1, '{}', '', '', '')`,
        [ro, user],
      ),
    ).rejects.toThrow(/invoices_site_number/);
    // A second site's identity gets an id past the first site's row 1 (written with its id).
    await a.run('INSERT INTO workshop_profile (site_id, legal_name) VALUES (?, ?)', [lyon, 'Lyon SARL']);
    expect(await a.all('SELECT id, site_id FROM workshop_profile ORDER BY id')).toEqual([
      { id: 1, site_id: 1 },
      { id: 2, site_id: lyon },
    ]);
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

  /** Collects what `store` hears on `channel`. */
  const hear = async (store: PostgresStore, channel: string) => {
    const heard: string[] = [];
    await store.listen(channel, (p) => heard.push(p));
    return heard;
  };
  // (15 s of real time at most: a notification takes milliseconds, a loaded CI machine longer)
  const until = async (what: () => boolean, ms = 15_000) => {
    const deadline = Date.now() + ms;
    while (!what() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    return what();
  };

  it('announces every committed change to any table, whoever writes it; nothing rolled back', async () => {
    const [a, b] = await pgFresh();
    const heard = await hear(a, CHANGED_CHANNEL);
    // A program that is not the app (psql, a script): a bare connection of its own.
    const outsider = new pg.Client({ connectionString: a.url });
    await outsider.connect();
    try {
      await outsider.query("UPDATE sites SET name = 'Renommé' WHERE id = 1");
      expect(await until(() => heard.includes('sites'))).toBe(true);
      await b.transaction(async (tx) => {
        await tx.run(
          "INSERT INTO customers (site_id, name, phone, created_at, last_activity_at) VALUES (1, 'x', '0', 1, 1)",
        );
        await tx.run("UPDATE customers SET phone = '1'");
      });
      expect(await until(() => heard.includes('customers'))).toBe(true);
      // One notification for the table in one transaction (PostgreSQL folds identical ones).
      expect(heard.filter((t) => t === 'customers')).toHaveLength(1);
      await expect(
        b.transaction(async (tx) => {
          await tx.run("UPDATE vehicles SET plate = 'X'");
          throw new Error('abandoned');
        }),
      ).rejects.toThrow('abandoned');
      await outsider.query('DELETE FROM number_counters');
      expect(await until(() => heard.includes('number_counters'))).toBe(true);
      expect(heard).not.toContain('vehicles');
      // Every table but the migrations' record carries the trigger, so none can change unheard.
      const silent = await a.all<{ t: string }>(
        `SELECT c.relname AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname <> 'schema_migrations'
           AND NOT EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid AND g.tgname = 'atelier_changed')`,
      );
      expect(silent).toEqual([]);
    } finally {
      await outsider.end();
    }
  });

  it('gives a table a later migration adds its announcement too', async () => {
    const db = await createPgDatabase();
    const later = [
      ...migrations,
      { version: 999, name: 'later', sql: ['CREATE TABLE later_things (id INTEGER PRIMARY KEY)'] },
    ];
    const s = await openPostgresStore(db.url, { migrations: later });
    try {
      const heard = await hear(s, CHANGED_CHANNEL);
      await s.run('INSERT INTO later_things (id) VALUES (1)');
      expect(await until(() => heard.includes('later_things'))).toBe(true);
    } finally {
      await s.close();
      await db.drop();
    }
  });

  it('says when its listening connection is lost, listens again on every channel, and says so', async () => {
    const [a, b] = await pgFresh();
    const heard = await hear(a, 'atelier_test');
    const states: boolean[] = [];
    a.onListening((listening) => states.push(listening));
    await b.notify('atelier_test', 'before');
    expect(await until(() => heard.includes('before'))).toBe(true);
    // An administrator (or a server restart) ends the listening connection.
    const killed = await b.all<{ ok: boolean }>(
      `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
       WHERE datname = current_database() AND query LIKE 'LISTEN%'`,
    );
    expect(killed.length).toBe(1);
    expect(await until(() => states.length >= 2)).toBe(true);
    expect(states).toEqual([false, true]);
    await b.notify('atelier_test', 'after');
    expect(await until(() => heard.includes('after'))).toBe(true);
  });
});
