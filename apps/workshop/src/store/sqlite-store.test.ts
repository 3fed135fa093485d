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

  it('moves a single workshop’s documents to its site 1, the invoices still kept by their triggers', async () => {
    // A workshop file from before sites: issue 19's documents, one invoice, its counter.
    const dir = mkdtempSync(join(tmpdir(), 'atelier-store-'));
    dirs.push(dir);
    const file = join(dir, 'old.sqlite');
    const sites = migrations.find((m) => m.name.startsWith('sites'))!.version;
    const before = await openSqliteStore(file, { migrations: migrations.filter((m) => m.version < sites) });
    await before.run(
      "INSERT INTO users (id, login, name, role, password_hash, created_at) VALUES (1, 'u', 'U', 'manager', 'x', 1)",
    );
    await before.run(
      "INSERT INTO vehicles (id, vin, energy, created_at) VALUES (1, 'VF1RJA00165432101', 'petrol', 1)",
    );
    await before.run(
      "INSERT INTO repair_orders (id, number, vehicle_id, state, created_at, state_since) VALUES (1, 'OR-2026-00001', 1, 'ready', 1, 1)",
    );
    await before.run(
      "INSERT INTO labour_rates (code, label_fr, label_en, rate_cents) VALUES ('T1', 'M', 'M', 6500)",
    );
    await before.run(
      `INSERT INTO invoices (number, kind, ro_id, issue_date, issued_at, issued_by, buyer_name, ht_cents, tva_cents,
         ttc_cents, document, xml, pdf, pdf_sha256)
       VALUES ('FA-2026-000001', 'invoice', 1, '2026-03-02', 1, 1, 'C', 100, 20, 120, '{}', '', '', '')`,
    );
    await before.run(
      "INSERT INTO number_counters (scope, last) VALUES ('invoice:2026', 1), ('credit_note:2026', 0)",
    );
    await before.close();
    const after = await openSqliteStore(file);
    stores.push(after);
    expect(await after.all('SELECT site_id, number FROM invoices')).toEqual([
      { site_id: 1, number: 'FA-2026-000001' },
    ]);
    expect(await after.all('SELECT site_id, code FROM labour_rates')).toEqual([{ site_id: 1, code: 'T1' }]);
    expect(await after.all('SELECT site_id FROM workshop_profile')).toEqual([{ site_id: 1 }]);
    // Orders numbered by COUNT(*) + 1 (main after migration 5) left no counter: it is raised to them.
    expect(await after.all('SELECT scope, last FROM number_counters ORDER BY scope')).toEqual([
      { scope: 'credit_note:1:2026', last: 0 },
      { scope: 'invoice:1:2026', last: 1 },
      { scope: 'repair_order:1:2026', last: 1 },
    ]);
    await expect(after.run('UPDATE invoices SET ttc_cents = 1')).rejects.toThrow(/cannot be changed/);
    await expect(after.run('DELETE FROM invoices')).rejects.toThrow(/10 years/);
    expect(await after.all('PRAGMA foreign_key_check')).toEqual([]);
  });

  it('names the statement in its errors', async () => {
    const { s } = await fresh();
    const err = await s.run('INSERT INTO nowhere VALUES (1)').catch((e) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect(err.message).toMatch(/no such table: nowhere.*INSERT INTO nowhere/);
  });
});
