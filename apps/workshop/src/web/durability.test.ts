/**
 * Durability: a server process killed with SIGKILL in the middle of a write load loses no write it
 * acknowledged, leaves no half-done transaction, and its database passes the integrity check.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../seed.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import { LOGIN_COOKIE, SESSION_COOKIE } from './types.js';

const CHILD = fileURLToPath(new URL('../test-support/durability-server.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'atelier-durability-'));
let child: ChildProcess | undefined;
afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function startChild(file: string): Promise<string> {
  child = spawn(process.execPath, ['--import', 'tsx', CHILD, file], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child!.stdout!.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line).url);
    });
    child!.stderr!.on('data', (d) => (err += d));
    child!.on('exit', (code) => reject(new Error(`server exited (${code}) before listening: ${err}`)));
  });
}

async function login(url: string): Promise<{ cookie: string; csrf: string }> {
  const page = await fetch(`${url}/login`);
  const pre = page.headers
    .getSetCookie()
    .find((c) => c.startsWith(LOGIN_COOKIE))!
    .split(';')[0]!;
  const formCsrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  const res = await fetch(`${url}/login`, {
    method: 'POST',
    headers: { cookie: pre, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ login: 'chef', password: DEMO_PASSWORD, _csrf: formCsrf }),
  });
  const cookie = res.headers
    .getSetCookie()
    .find((c) => c.startsWith(SESSION_COOKIE))!
    .split(';')[0]!;
  return { cookie, csrf: ((await res.json()) as { csrf: string }).csrf };
}

describe('durability', () => {
  it('keeps every acknowledged write across a SIGKILL during a write load', async () => {
    const file = join(dir, 'workshop.sqlite');
    const url = await startChild(file);
    const { cookie, csrf } = await login(url);
    const headers = { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' };
    const ackedCustomers: string[] = [];
    const ackedOrders: number[] = [];
    let stop = false;
    let seq = 0;
    const worker = async () => {
      while (!stop) {
        const n = seq++;
        try {
          if (n % 3 === 0) {
            // A multi-row transaction: order + its first event + the customer's activity date.
            const r = await fetch(`${url}/api/orders`, {
              method: 'POST',
              headers,
              body: JSON.stringify({ vehicleId: 1 + (n % 7), complaint: `load ${n}` }),
            });
            if (r.status === 201) ackedOrders.push(((await r.json()) as { id: number }).id);
          } else {
            const name = `load-${n}`;
            const r = await fetch(`${url}/api/customers`, {
              method: 'POST',
              headers,
              body: JSON.stringify({ name }),
            });
            if (r.status === 201) ackedCustomers.push(name);
          }
        } catch {
          // The connection died with the server: this write was never acknowledged.
        }
      }
    };
    const workers = Array.from({ length: 16 }, worker);
    // Kill once the load is well under way.
    while (ackedCustomers.length + ackedOrders.length < 300) await new Promise((r) => setTimeout(r, 20));
    const exited = new Promise((r) => child!.once('exit', r));
    child!.kill('SIGKILL');
    await exited;
    stop = true;
    await Promise.all(workers);

    const store = await openSqliteStore(file);
    try {
      expect(await store.integrityCheck()).toEqual([]);
      const names = new Set(
        (await store.all<{ name: string }>("SELECT name FROM customers WHERE name LIKE 'load-%'")).map(
          (r) => r.name,
        ),
      );
      const lost = ackedCustomers.filter((n) => !names.has(n));
      expect(lost).toEqual([]);
      const orders = new Set(
        (await store.all<{ id: number }>('SELECT id FROM repair_orders')).map((r) => r.id),
      );
      expect(ackedOrders.filter((id) => !orders.has(id))).toEqual([]);
      // No half transaction: every order has its creation event.
      const orphans = await store.all(
        'SELECT r.id FROM repair_orders r WHERE NOT EXISTS (SELECT 1 FROM ro_events e WHERE e.ro_id = r.id)',
      );
      expect(orphans).toEqual([]);
      expect(ackedCustomers.length).toBeGreaterThan(100);
    } finally {
      await store.close();
    }
  }, 120_000);
});
