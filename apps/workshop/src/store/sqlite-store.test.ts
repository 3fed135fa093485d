import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrations } from './migrations.js';
import { openSqliteStore, type SqliteStore } from './sqlite-store.js';
import { StoreError } from './store.js';

const dirs: string[] = [];
const stores: SqliteStore[] = [];
async function fresh(name = 'db.sqlite') {
  const dir = mkdtempSync(join(tmpdir(), 'atelier-store-'));
  dirs.push(dir);
  const s = await openSqliteStore(join(dir, name));
  stores.push(s);
  return { s, dir, file: join(dir, name) };
}
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('SqliteStore', () => {
  it('runs every migration once, in WAL mode, with foreign keys on', async () => {
    const { s, file } = await fresh();
    expect(await s.schemaVersion()).toBe(Math.max(...migrations.map((m) => m.version)));
    expect((await s.get<{ journal_mode: string }>('PRAGMA journal_mode'))?.journal_mode).toBe('wal');
    await s.close();
    const again = await openSqliteStore(file);
    stores.push(again);
    const rows = await again.all('SELECT version FROM schema_migrations');
    expect(rows).toHaveLength(migrations.length);
    // Foreign keys are enforced: an odometer reading for no vehicle is refused.
    await expect(
      again.run('INSERT INTO odometer_readings (vehicle_id, km, read_at, source) VALUES (999, 1, 1, ?)', [
        'x',
      ]),
    ).rejects.toThrow(/FOREIGN KEY/);
  });

  it('applies a later migration on an existing database', async () => {
    const { s, file } = await fresh();
    await s.close();
    const next = [
      ...migrations,
      { version: 99, name: 'test column', sql: ['ALTER TABLE customers ADD COLUMN note TEXT'] },
    ];
    const upgraded = await openSqliteStore(file, { migrations: next });
    stores.push(upgraded);
    expect(await upgraded.schemaVersion()).toBe(99);
    await upgraded.run(
      "INSERT INTO customers (name, created_at, last_activity_at, note) VALUES ('a', 1, 1, 'n')",
    );
  });

  it('rolls a transaction back whole when it throws', async () => {
    const { s } = await fresh();
    await expect(
      s.transaction(async (tx) => {
        await tx.run("INSERT INTO customers (name, created_at, last_activity_at) VALUES ('kept?', 1, 1)");
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await s.all("SELECT id FROM customers WHERE name = 'kept?'")).toHaveLength(0);
  });

  it('keeps concurrent statements out of another transaction', async () => {
    const { s } = await fresh();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const tx = s
      .transaction(async (t) => {
        await t.run("INSERT INTO customers (name, created_at, last_activity_at) VALUES ('in-tx', 1, 1)");
        await gate;
        throw new Error('rollback');
      })
      .catch(() => 'rolled back');
    // Issued while the transaction is open: must not be swallowed by its rollback.
    const outside = s.run(
      "INSERT INTO customers (name, created_at, last_activity_at) VALUES ('outside', 1, 1)",
    );
    release();
    expect(await tx).toBe('rolled back');
    await outside;
    const names = (await s.all<{ name: string }>('SELECT name FROM customers')).map((r) => r.name);
    expect(names).toEqual(['outside']);
  });

  it('names the statement in its errors', async () => {
    const { s } = await fresh();
    const err = await s.run('INSERT INTO nowhere VALUES (1)').catch((e) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect(err.message).toMatch(/no such table: nowhere.*INSERT INTO nowhere/);
  });

  it('backs up online while writes continue, and the copy passes the integrity check', async () => {
    const { s, dir } = await fresh();
    for (let i = 0; i < 200; i++)
      await s.run('INSERT INTO customers (name, created_at, last_activity_at) VALUES (?, 1, 1)', [`c${i}`]);
    const writes = Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        s.run('INSERT INTO customers (name, created_at, last_activity_at) VALUES (?, 2, 2)', [`w${i}`]),
      ),
    );
    await s.backup(join(dir, 'copy.sqlite'));
    await writes;
    const copy = await openSqliteStore(join(dir, 'copy.sqlite'));
    stores.push(copy);
    expect(await copy.integrityCheck()).toEqual([]);
    const n = (await copy.get<{ n: number }>('SELECT COUNT(*) AS n FROM customers'))!.n;
    expect(n).toBeGreaterThanOrEqual(200);
    expect(n).toBeLessThanOrEqual(250);
  });
});
