/**
 * A dealer group's set-up: two app processes on one PostgreSQL database. Orders created from both
 * at once get unique, unbroken numbers; the same order advanced from both at once moves once (the
 * other is refused, nothing is lost); live data polled by one process reaches a browser connected
 * to the other (LISTEN/NOTIFY).
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../seed.js';
import { createDiagSession } from '../services/diagnostics.js';
import { createScenario } from '../services/scenarios.js';
import { createSession } from '../services/sessions.js';
import { getUser } from '../services/users.js';
import { openPostgresStore, type PostgresStore } from '../store/postgres-store.js';
import { startServerProcess } from '../test-support/server-process.js';
import { createPgDatabase } from '../test-support/stores.js';
import { SESSION_COOKIE } from './types.js';

const children: ChildProcess[] = [];
let store: PostgresStore;
let drop: () => Promise<void>;
let a: string;
let b: string;

/** An app process on `url`; its read cache keeps an entry a minute, so only a notification can empty it in time. */
async function startProcess(url: string): Promise<string> {
  const started = await startServerProcess(url, 60_000);
  children.push(started.child);
  return started.url;
}

async function as(login: string): Promise<Record<string, string>> {
  const user = (await store.get<{ id: number }>('SELECT id FROM users WHERE login = ?', [login]))!;
  const s = await createSession(store, user.id, Date.now());
  return { cookie: `${SESSION_COOKIE}=${s.id}`, 'x-csrf-token': s.csrf, 'content-type': 'application/json' };
}

beforeAll(async () => {
  const db = await createPgDatabase();
  drop = db.drop;
  store = await openPostgresStore(db.url);
  await seedDemo(store, Date.now());
  [a, b] = await Promise.all([startProcess(db.url), startProcess(db.url)]);
}, 60_000);

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await store?.close();
  await drop?.();
});

describe('two app processes on one PostgreSQL database', () => {
  const created: { id: number; number: string }[] = [];

  it('numbers orders created from both at once uniquely and without a gap', async () => {
    const headers = await as('chef');
    const vehicles = (await store.all<{ id: number }>('SELECT id FROM vehicles ORDER BY id')).map(
      (v) => v.id,
    );
    const worker = async (base: string, w: number) => {
      for (let i = 0; i < 8; i++) {
        const r = await fetch(`${base}/api/orders`, {
          method: 'POST',
          headers,
          body: JSON.stringify({
            vehicleId: vehicles[(w + i) % vehicles.length],
            complaint: `group ${w}.${i}`,
          }),
        });
        expect(r.status, await r.clone().text()).toBe(201);
        created.push((await r.json()) as { id: number; number: string });
      }
    };
    await Promise.all([0, 1, 2, 3, 4, 5].map((w) => worker(w % 2 ? a : b, w)));
    expect(created).toHaveLength(48);
    expect(new Set(created.map((o) => o.number)).size).toBe(48);
    const year = new Date().getUTCFullYear();
    const numbers = (
      await store.all<{ number: string }>(
        'SELECT number FROM repair_orders WHERE number LIKE ? ORDER BY number',
        [`OR-${year}-%`],
      )
    ).map((r) => r.number);
    expect(numbers).toEqual(numbers.map((_, i) => `OR-${year}-${String(i + 1).padStart(5, '0')}`));
  });

  it('moves an order once when both processes move it at the same time, and loses no event', async () => {
    const headers = await as('chef');
    const body = JSON.stringify({ complaint: 'bruit au freinage', odometerKm: 1_900_000, condition: '' });
    const statuses: number[] = await Promise.all(
      created.flatMap((o) =>
        [a, b].map(async (base) => {
          const r = await fetch(`${base}/api/orders/${o.id}/reception`, { method: 'POST', headers, body });
          await r.arrayBuffer();
          return r.status;
        }),
      ),
    );
    expect(
      statuses.filter((s) => s === 200),
      JSON.stringify(statuses),
    ).toHaveLength(created.length);
    expect(statuses.filter((s) => s === 409)).toHaveLength(created.length);
    const ids = created.map((o) => o.id);
    const events = await store.all<{ ro_id: number; n: number }>(
      `SELECT ro_id, COUNT(*) AS n FROM ro_events WHERE to_state = 'reception' AND ro_id IN (${ids.map(() => '?').join(',')}) GROUP BY ro_id`,
      ids,
    );
    expect(events).toHaveLength(created.length);
    expect(events.every((e) => e.n === 1)).toBe(true);
    const states = await store.all<{ state: string }>(
      `SELECT state FROM repair_orders WHERE id IN (${ids.map(() => '?').join(',')})`,
      ids,
    );
    expect(states.every((s) => s.state === 'reception')).toBe(true);
  });

  it('shows on one process’s board an order created on the other at once (the read cache is emptied by NOTIFY)', async () => {
    const headers = await as('chef');
    const board = async (base: string) =>
      ((await (await fetch(`${base}/api/board`, { headers })).json()) as { id: number }[]).map((c) => c.id);
    await board(a);
    await board(b); // Both boards are now in their process's cache.
    const vehicle = (await store.get<{ id: number }>('SELECT MIN(id) AS id FROM vehicles'))!.id;
    const r = await fetch(`${a}/api/orders`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ vehicleId: vehicle, complaint: 'vu de partout' }),
    });
    const { id } = (await r.json()) as { id: number };
    expect(await board(a)).toContain(id);
    // The notification crosses in milliseconds; the cache would keep the old board a minute. 10 s
    // tells the two apart, with room for a loaded CI machine.
    const deadline = Date.now() + 10_000;
    while (!(await board(b)).includes(id) && Date.now() < deadline)
      await new Promise((res) => setTimeout(res, 20));
    expect(await board(b)).toContain(id);
  });

  it('hides no change written outside the app, even while a process’s listening connection is cut', async () => {
    const headers = await as('chef');
    const board = async (base: string) =>
      ((await (await fetch(`${base}/api/board`, { headers })).json()) as { id: number }[]).map((c) => c.id);
    const gone = async (id: number) => {
      // Each process keeps its board a minute: only the database's word can empty it in time (10 s:
      // far inside the minute, generous for a loaded CI machine).
      const deadline = Date.now() + 10_000;
      for (const base of [a, b])
        while ((await board(base)).includes(id) && Date.now() < deadline)
          await new Promise((res) => setTimeout(res, 20));
      return !(await board(a)).includes(id) && !(await board(b)).includes(id);
    };
    const deliver = (id: number) =>
      store.run("UPDATE repair_orders SET state = 'delivered', state_since = 0 WHERE id = ?", [id]);
    const listeners = async () =>
      (
        await store.all<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'`,
        )
      ).map((r) => r.pid);
    const [first, second, third] = await board(a);
    await board(b);
    // A program other than the app (here the test's own connection) delivers an order.
    await deliver(first!);
    expect(await gone(first!)).toBe(true);
    // The listening connections are cut (a server restart, an administrator): what is written
    // meanwhile could not be announced, so the processes serve their boards uncached until back.
    const before = await listeners();
    expect(before).toHaveLength(2);
    await board(a);
    await board(b);
    await store.run('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = ANY(?::int[])', [
      `{${before.join(',')}}`,
    ]);
    await deliver(second!);
    expect(await gone(second!)).toBe(true);
    // Both listen again, and a change is announced and seen as before.
    const deadline = Date.now() + 10_000;
    while ((await listeners()).filter((p) => !before.includes(p)).length < 2 && Date.now() < deadline)
      await new Promise((res) => setTimeout(res, 50));
    expect((await listeners()).filter((p) => !before.includes(p))).toHaveLength(2);
    await board(a);
    await board(b);
    await deliver(third!);
    expect(await gone(third!)).toBe(true);
  }, 120_000);

  it('brings live data polled by one process to a browser connected to the other', async () => {
    const ines = await getUser(
      store,
      (await store.get<{ id: number }>("SELECT id FROM users WHERE login = 'ines'"))!.id,
      1,
    );
    const now = Date.now();
    const scenario = await createScenario(
      store,
      { title: 'groupe', source: 'sim', simName: 'vacuum-leak' },
      ines,
      now,
    );
    const s = await createDiagSession(
      store,
      { roId: null, adapter: { kind: 'scenario', spec: String(scenario.id) } },
      ines,
      now,
    );
    const headers = await as('ines');
    // The browser watches through process B…
    const abort = new AbortController();
    const events = await fetch(`${b}/diagnostics/${s.id}/events`, { headers, signal: abort.signal });
    expect(events.status).toBe(200);
    // …while the adapter is opened and polled on process A.
    let r = await fetch(`${a}/api/diagnostics/${s.id}/connect`, { method: 'POST', headers, body: '{}' });
    expect(r.status, await r.text()).toBe(200);
    r = await fetch(`${a}/diagnostics/${s.id}/live`, {
      method: 'POST',
      headers: { ...headers, accept: 'application/json' },
      body: JSON.stringify({ pids: ['0C', '0D'], periodMs: 100 }),
    });
    expect(r.status, await r.text()).toBeLessThan(400);
    const reader = events.body!.getReader();
    let text = '';
    const deadline = Date.now() + 15_000;
    while (!/event: sample\ndata: \{[^\n]*"pid"/.test(text) && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    abort.abort();
    expect(text).toMatch(/event: status\ndata: \{"state":"connected"/);
    expect(text).toMatch(/event: sample\ndata: \{[^\n]*"pid"/);
    r = await fetch(`${a}/diagnostics/${s.id}/disconnect`, {
      method: 'POST',
      headers,
      body: '{}',
      redirect: 'manual',
    });
    expect(r.status).toBe(303);
  });
});
