/**
 * The `Store` contract, on the test project's store (vitest.config.ts: SQLite in `main`,
 * PostgreSQL in `postgres`): migrations, numbers parsed as numbers, placeholders, all-or-nothing
 * transactions kept apart from other statements, typed errors that name the statement, unbroken
 * numbering under concurrency, and an online backup that restores into a sound store.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nextInSequence } from '../services/counters.js';
import {
  createPgDatabase,
  type OpenedStore,
  openPgDatabase,
  projectStoreKind,
} from '../test-support/stores.js';
import { migrations } from './migrations.js';
import { findPgProgram } from './pg-tools.js';
import { openPostgresStore } from './postgres-store.js';
import { StoreError } from './store.js';

const dir = mkdtempSync(join(tmpdir(), 'atelier-stores-'));
const opened: OpenedStore[] = [];
afterAll(async () => {
  for (const o of opened.splice(0)) await o.destroy();
  rmSync(dir, { recursive: true, force: true });
});

const LATEST = Math.max(...migrations.map((m) => m.version));

const kind = projectStoreKind();

describe(`the Store contract on ${kind.name}`, () => {
  const fresh = async () => {
    const o = await kind.create();
    opened.push(o);
    return o.store;
  };

  it('is migrated to the latest version, each migration recorded once', async () => {
    const s = await fresh();
    expect(await s.schemaVersion()).toBe(LATEST);
    expect(await s.all('SELECT version FROM schema_migrations')).toHaveLength(migrations.length);
  });

  it('returns counts, sums and big integers as numbers', async () => {
    const s = await fresh();
    for (const [i, t] of [1_773_136_800_000, 1_773_136_800_001].entries())
      await s.run('INSERT INTO customers (site_id, name, created_at, last_activity_at) VALUES (1, ?, ?, ?)', [
        `c${i}`,
        t,
        t,
      ]);
    const row = await s.get<{ n: number; total: number; latest: number }>(
      'SELECT COUNT(*) AS n, SUM(created_at) AS total, MAX(last_activity_at) AS latest FROM customers',
    );
    expect(row).toEqual({ n: 2, total: 3_546_273_600_001, latest: 1_773_136_800_001 });
    expect(row!.n + 1).toBe(3);
    const avg = await s.get<{ a: number }>('SELECT AVG(created_at) AS a FROM customers');
    expect(avg!.a).toBeCloseTo(1_773_136_800_000.5, 1);
  });

  it('leaves a ? inside a string literal alone', async () => {
    const s = await fresh();
    await s.run(
      "INSERT INTO customers (site_id, name, phone, created_at, last_activity_at) VALUES (1, 'what?', ?, 1, 1)",
      ['?'],
    );
    expect(
      await s.get("SELECT name, phone FROM customers WHERE name = 'what?' AND phone = ?", ['?']),
    ).toEqual({
      name: 'what?',
      phone: '?',
    });
  });

  it('rolls a transaction back whole when it throws', async () => {
    const s = await fresh();
    await expect(
      s.transaction(async (tx) => {
        await tx.run(
          "INSERT INTO customers (site_id, name, created_at, last_activity_at) VALUES (1, 'kept?', 1, 1)",
        );
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await s.all("SELECT id FROM customers WHERE name = 'kept?'")).toHaveLength(0);
  });

  it('keeps concurrent statements out of another transaction', async () => {
    const s = await fresh();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const tx = s
      .transaction(async (t) => {
        await t.run(
          "INSERT INTO customers (site_id, name, created_at, last_activity_at) VALUES (1, 'in-tx', 1, 1)",
        );
        await gate;
        throw new Error('rollback');
      })
      .catch(() => 'rolled back');
    const outside = s.run(
      "INSERT INTO customers (site_id, name, created_at, last_activity_at) VALUES (1, 'outside', 1, 1)",
    );
    release();
    expect(await tx).toBe('rolled back');
    await outside;
    expect((await s.all<{ name: string }>('SELECT name FROM customers')).map((r) => r.name)).toEqual([
      'outside',
    ]);
  });

  it('names the statement, never the parameters, in its errors', async () => {
    const s = await fresh();
    const err = await s.run('INSERT INTO nowhere VALUES (?)', ['secret-value']).catch((e) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect(err.message).toMatch(/nowhere.*\(in: INSERT INTO nowhere/);
    expect(err.message).not.toContain('secret-value');
  });

  it('gives unbroken numbers to concurrent transactions', async () => {
    const s = await fresh();
    const got = await Promise.all(
      Array.from({ length: 40 }, () => s.transaction((tx) => nextInSequence(tx, 'test:2026'))),
    );
    expect([...got].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it('backs up online while writes continue, and the copy is sound', async () => {
    const s = await fresh();
    for (let i = 0; i < 200; i++)
      await s.run('INSERT INTO customers (site_id, name, created_at, last_activity_at) VALUES (1, ?, 1, 1)', [
        `c${i}`,
      ]);
    const writes = Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        s.run('INSERT INTO customers (site_id, name, created_at, last_activity_at) VALUES (1, ?, 2, 2)', [
          `w${i}`,
        ]),
      ),
    );
    const dest = join(dir, `copy-${kind.name}-${Date.now()}`);
    await s.backup(dest);
    await writes;
    expect(await s.integrityCheck()).toEqual([]);
    // The copy, opened as a store of its own kind, holds the 200 rows written before and passes the check.
    const copy = await restoreCopy(kind.name, dest);
    const n = (await copy.store.get<{ n: number }>('SELECT COUNT(*) AS n FROM customers'))!.n;
    expect(n).toBeGreaterThanOrEqual(200);
    expect(n).toBeLessThanOrEqual(250);
    expect(await copy.store.integrityCheck()).toEqual([]);
    await copy.destroy();
  });
});

/** A backup made into a store again: a SQLite file opens as it is; a pg_dump archive is restored with pg_restore. */
async function restoreCopy(kind: 'sqlite' | 'postgres', dest: string): Promise<OpenedStore> {
  if (kind === 'sqlite') {
    const { openSqliteStore } = await import('./sqlite-store.js');
    const store = await openSqliteStore(dest);
    return { store, location: dest, destroy: () => store.close() };
  }
  const db = await createPgDatabase();
  // The template is already migrated: restore data only, into its tables.
  await emptyTables(db.url);
  execFileSync(findPgProgram('pg_restore')!, [
    '--data-only',
    '--disable-triggers',
    `--dbname=${db.url}`,
    dest,
  ]);
  return openPgDatabase(db);
}

async function emptyTables(url: string): Promise<void> {
  const s = await openPostgresStore(url);
  const tables = await s.all<{ t: string }>(
    'SELECT tablename AS t FROM pg_tables WHERE schemaname = current_schema()',
  );
  // The invoices' keeping trigger refuses TRUNCATE: set aside for this session (superuser), as
  // pg_restore --disable-triggers does for the data it writes.
  await s.transaction(async (tx) => {
    await tx.run('SET LOCAL session_replication_role = replica');
    await tx.run(`TRUNCATE ${tables.map((r) => r.t).join(', ')} RESTART IDENTITY CASCADE`);
  });
  await s.close();
}
