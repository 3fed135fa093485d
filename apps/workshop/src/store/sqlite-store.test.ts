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

  it('names the statement in its errors', async () => {
    const { s } = await fresh();
    const err = await s.run('INSERT INTO nowhere VALUES (1)').catch((e) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect(err.message).toMatch(/no such table: nowhere.*INSERT INTO nowhere/);
  });
});
