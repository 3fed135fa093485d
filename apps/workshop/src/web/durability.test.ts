/**
 * Durability: a server process killed with SIGKILL in the middle of a write load loses no write it
 * acknowledged, leaves no half-done transaction, and its database passes the integrity check; a
 * new process then serves from it. On the test project's store: a SQLite file, or a PostgreSQL
 * database (the server survives the app process, as in a dealer group).
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../store/open.js';
import { loginOverHttp, startServerProcess } from '../test-support/server-process.js';
import { type OpenedStore, projectStoreKind } from '../test-support/stores.js';

let child: ChildProcess | undefined;
let db: OpenedStore | undefined;
afterAll(async () => {
  child?.kill('SIGKILL');
  await db?.destroy();
});

describe('durability', () => {
  it('keeps every acknowledged write across a SIGKILL during a write load', async () => {
    db = await projectStoreKind().create();
    await db.store.close(); // The child process owns the database; an empty one gets the demo.
    const file = db.location;
    const started = await startServerProcess(file);
    child = started.child;
    const { url } = started;
    const { cookie, csrf } = await loginOverHttp(url, 'chef');
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

    // A new process serves from what the killed one left.
    const again = await startServerProcess(file);
    child = again.child;
    expect(await (await fetch(`${again.url}/healthz`)).json()).toMatchObject({ ok: true });
    child!.kill('SIGKILL');
    const store = await openStore(file);
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
