/** `atelier db` and `atelier serve` on a PostgreSQL URL (the run's private server). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliContext } from '@atelier/command/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, seedDemo } from '../seed.js';
import { startServer } from '../server.js';
import { authenticate } from '../services/users.js';
import { findPgProgram } from '../store/pg-tools.js';
import { openPostgresStore } from '../store/postgres-store.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import { createDatabase, dropDatabase, withDatabase } from '../test-support/pg-server.js';
import { createPgDatabase } from '../test-support/stores.js';
import { dbCommand } from './db.js';
import { serveCommand } from './serve.js';

const dir = mkdtempSync(join(tmpdir(), 'atelier-cli-db-pg-'));
const drops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const d of drops) await d();
  rmSync(dir, { recursive: true, force: true });
});

function ctx(signal?: AbortSignal) {
  const { ctx: c, out, err } = cliContext('en', dir, signal);
  return { c, out, err };
}

async function database() {
  const db = await createPgDatabase();
  drops.push(db.drop);
  return db.url;
}

describe('atelier db on PostgreSQL', () => {
  it('checks a sound database, and names a broken foreign key', async () => {
    const url = await database();
    const ok = ctx();
    expect(await dbCommand.run(['check', '--db', url], ok.c)).toBe(0);
    expect(ok.out()).toBe('ok\n');
    const store = await openPostgresStore(url);
    // A row pointing at nothing, written past the constraint as a faulty restore would leave it.
    await store.transaction(async (tx) => {
      await tx.run('SET CONSTRAINTS ALL DEFERRED');
      await tx.run("SET LOCAL session_replication_role = 'replica'");
      await tx.run("INSERT INTO odometer_readings (vehicle_id, km, read_at, source) VALUES (999, 1, 1, 'x')");
    });
    await store.close();
    const bad = ctx();
    expect(await dbCommand.run(['check', '--db', url], bad.c)).toBe(1);
    expect(bad.out()).toMatch(/odometer_readings\.vehicle_id point at no vehicles/);
  });

  it('backs up a live database with pg_dump, and the archive restores with every row', async () => {
    const url = await database();
    const store = await openPostgresStore(url);
    for (let i = 0; i < 50; i++)
      await store.run(
        'INSERT INTO customers (site_id, name, created_at, last_activity_at) VALUES (1, ?, 1, 1)',
        [`c${i}`],
      );
    const c = ctx();
    expect(await dbCommand.run(['backup', '--db', url, 'group.dump'], c.c)).toBe(0);
    expect(c.out()).toContain('written and read back');
    await store.close();
    // Restored as an operator would: into a new, empty database, schema and data.
    const target = await database();
    const name = decodeURIComponent(/\/([^/?]+)\?/.exec(target)![1]!);
    const admin = withDatabase(target, 'postgres');
    await dropDatabase(admin, name);
    await createDatabase(admin, name);
    execFileSync(findPgProgram('pg_restore')!, ['--no-owner', `--dbname=${target}`, join(dir, 'group.dump')]);
    const restored = await openPostgresStore(target);
    expect((await restored.get<{ n: number }>('SELECT COUNT(*) AS n FROM customers'))?.n).toBe(50);
    await restored.close();
  });
});

describe('atelier serve --db postgres://…', () => {
  it('serves from the URL, with the password hidden from what it prints', async () => {
    const url = (await database()).replace('atelier@', 'atelier:s3cret@');
    const stop = new AbortController();
    const { c, out, err } = ctx(stop.signal);
    const running = serveCommand.run(['--port', '0', '--db', url], c);
    // Up to 60 s of real time (the server migrates a fresh database first; CI runs every package's
    // tests beside it), not 200 polls: a server that never listens fails here, naming what it printed.
    const deadline = Date.now() + 60_000;
    while (!/listening on/.test(out()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(out(), `the server never said it was listening: ${err()}`).toMatch(/listening on/);
    const [, http] = /listening on (http:\/\/[\d.:]+)/.exec(out())!;
    expect(await (await fetch(`${http}/healthz`)).json()).toMatchObject({ ok: true });
    expect(out()).toContain('atelier:***@');
    expect(out() + err()).not.toContain('s3cret');
    expect(err()).toMatch(/First administrator account created: admin \//);
    stop.abort();
    expect(await running).toBe(0);
  }, 120_000);

  it('creates one first admin when processes start together on an empty group database', async () => {
    const url = await database();
    const told: string[] = [];
    const servers = await Promise.all(
      [1, 2, 3].map(() => startServer({ db: url, port: 0, onFirstAdmin: (login) => told.push(login) })),
    );
    expect(told).toEqual(['admin']);
    expect((await servers[0]!.store.all('SELECT id FROM users')).length).toBe(1);
    for (const s of servers) await s.close();
  });
});

describe('atelier db migrate-to postgres://…', () => {
  it('moves the demo workshop into a group as a new site, counts match, and refuses a second time', async () => {
    const now = Date.parse('2026-03-10T10:00:00Z');
    const file = join(dir, 'lyon.sqlite');
    const workshop = await openSqliteStore(file);
    await seedDemo(workshop, now);
    const orders = await workshop.all<{ number: string; complaint: string; state: string }>(
      'SELECT number, complaint, state FROM repair_orders ORDER BY number',
    );
    const events = (await workshop.get<{ n: number }>('SELECT COUNT(*) AS n FROM ro_events'))!.n;
    // Issue 19's documents: invoices and a credit note naming the invoice it cancels, as issued.
    const invoices = await workshop.all(
      `SELECT i.number, i.kind, i.ttc_cents, i.pdf_sha256, c.number AS corrects, r.number AS order_number
       FROM invoices i JOIN repair_orders r ON r.id = i.ro_id LEFT JOIN invoices c ON c.id = i.corrects_id ORDER BY i.number`,
    );
    expect(invoices.some((i) => (i as { corrects: string | null }).corrects)).toBe(true);
    const invoiceCounter = (await workshop.get<{ scope: string; last: number }>(
      "SELECT scope, last FROM number_counters WHERE scope LIKE 'invoice:%'",
    ))!;
    await workshop.close();
    // A group that already runs a workshop: the same demo, so every id and every login collides.
    const url = await database();
    const group = await openPostgresStore(url);
    await seedDemo(group, now);
    await group.close();

    const refused = ctx();
    expect(await dbCommand.run(['migrate-to', url, '--db', file, '--site', 'lyon'], refused.c)).toBe(1);
    expect(refused.err()).toMatch(/logins already used in the group: .*chef.*--login-suffix/);

    const c = ctx();
    const args = [
      'migrate-to',
      url,
      '--db',
      file,
      '--site',
      'lyon',
      '--name',
      'Lyon Est',
      '--login-suffix',
      'lyon',
    ];
    expect(await dbCommand.run(args, c.c)).toBe(0);
    expect(c.out()).toMatch(/repair_orders\s+\d+ →\s+\d+/);
    expect(c.out()).toContain("as site 'lyon'");

    const moved = await openPostgresStore(url);
    const site = (await moved.get<{ id: number }>("SELECT id FROM sites WHERE code = 'lyon'"))!.id;
    expect(
      await moved.all(
        'SELECT number, complaint, state FROM repair_orders WHERE site_id = ? ORDER BY number',
        [site],
      ),
    ).toEqual(orders);
    expect(
      (await moved.get<{ n: number }>(
        'SELECT COUNT(*) AS n FROM ro_events e JOIN repair_orders r ON r.id = e.ro_id WHERE r.site_id = ?',
        [site],
      ))!.n,
    ).toBe(events);
    // Every moved order points at a vehicle of its own site, and people log in with their new login.
    expect(
      await moved.all(
        'SELECT r.id FROM repair_orders r JOIN vehicles v ON v.id = r.vehicle_id WHERE r.site_id = ? AND v.site_id <> r.site_id',
        [site],
      ),
    ).toEqual([]);
    expect(await authenticate(moved, 'chef.lyon', DEMO_PASSWORD)).not.toBeNull();
    expect(
      (await moved.get<{ role: string }>(
        "SELECT m.role FROM site_members m JOIN users u ON u.id = m.user_id WHERE u.login = 'chef.lyon' AND m.site_id = ?",
        [site],
      ))!.role,
    ).toBe('manager');
    // Numbering goes on where the workshop left it.
    const last = orders
      .map((o) => o.number)
      .sort()
      .at(-1)!;
    const counter = await moved.get<{ last: number }>('SELECT last FROM number_counters WHERE scope = ?', [
      `repair_order:${site}:2026`,
    ]);
    expect(counter!.last).toBe(Number(last.slice(-5)));
    // The invoices moved as issued (number, amount, PDF checksum, the credit note's invoice, the
    // order), counted on in the new site's own sequence; the workshop's identity and rates are the site's.
    expect(
      await moved.all(
        `SELECT i.number, i.kind, i.ttc_cents, i.pdf_sha256, c.number AS corrects, r.number AS order_number
         FROM invoices i JOIN repair_orders r ON r.id = i.ro_id AND r.site_id = i.site_id
         LEFT JOIN invoices c ON c.id = i.corrects_id AND c.site_id = i.site_id
         WHERE i.site_id = ? ORDER BY i.number`,
        [site],
      ),
    ).toEqual(invoices);
    expect(
      await moved.get('SELECT last FROM number_counters WHERE scope = ?', [
        invoiceCounter.scope.replace(/^invoice:\d+:/, `invoice:${site}:`),
      ]),
    ).toEqual({ last: invoiceCounter.last });
    expect(
      (await moved.get<{ legal_name: string }>('SELECT legal_name FROM workshop_profile WHERE site_id = ?', [
        site,
      ]))!.legal_name,
    ).toBe('Garage des Apprentis SARL');
    expect(
      await moved.all(
        'SELECT r.id FROM repair_orders r JOIN diag_sessions d ON d.id = r.diagnosis_session_id WHERE r.site_id = ? AND d.site_id <> r.site_id',
        [site],
      ),
    ).toEqual([]);
    expect(await moved.integrityCheck()).toEqual([]);
    await moved.close();

    const again = ctx();
    expect(await dbCommand.run(args, again.c)).toBe(1);
    expect(again.err()).toMatch(/already moved into a group/);
    // Into another group too: the file remembers.
    const other = await database();
    const elsewhere = ctx();
    expect(await dbCommand.run(['migrate-to', other, '--db', file, '--site', 'x'], elsewhere.c)).toBe(1);
    expect(elsewhere.err()).toMatch(/already moved/);
    // In the command's language: a French terminal reads the refusal in French.
    const fr = cliContext('fr', dir);
    expect(await dbCommand.run(['migrate-to', other, '--db', file, '--site', 'x'], fr.ctx)).toBe(1);
    expect(fr.err()).toMatch(/^cet atelier a déjà été transféré dans un groupe : \{"site":/);
    // 300 s: seeding the demo and copying it row by row takes about 60 s on a quiet 2-core machine and
    // went past 120 s while the whole suite ran beside it (a timeout, never a wrong count).
  }, 300_000);
});
