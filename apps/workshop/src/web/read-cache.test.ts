/**
 * The read cache (`readCacheMs`, on in `atelier serve`): a session's identity and a site's board
 * served again without a query, and emptied by every change request, so a change shows at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../testing.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp({ readCacheMs: 60_000 });
});
afterAll(() => t?.close());

describe('the read cache', () => {
  it('serves the board as JSON, and a new order is on it at once', async () => {
    const chef = await t.as('chef');
    const get = async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/board', headers: chef.headers });
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      return res.json() as { id: number; number: string }[];
    };
    const before = await get();
    expect(before.length).toBeGreaterThan(5);
    const uncached = await t.store.all('SELECT id FROM repair_orders WHERE site_id = 1');
    expect(before.every((c) => uncached.some((u) => u.id === c.id))).toBe(true);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/orders',
      headers: chef.headers,
      payload: { vehicleId: t.demo.vehicleIds[0], complaint: 'nouveau' },
    });
    expect(created.statusCode).toBe(201);
    expect((await get()).map((c) => c.id)).toContain(created.json().id);
  });

  it('forgets a session at logout', async () => {
    const s = await t.as('lucas');
    expect((await t.app.inject({ method: 'GET', url: '/api/me', headers: s.headers })).statusCode).toBe(200);
    const out = await t.app.inject({ method: 'POST', url: '/logout', headers: s.headers, payload: {} });
    expect(out.statusCode).toBeLessThan(400);
    expect((await t.app.inject({ method: 'GET', url: '/api/me', headers: s.headers })).statusCode).toBe(401);
  });

  it('keeps a change written outside the app no longer than its time on SQLite, not at all on PostgreSQL', async () => {
    const chef = await t.as('chef');
    const ids = async () =>
      (
        (await t.app.inject({ method: 'GET', url: '/api/board', headers: chef.headers })).json() as {
          id: number;
        }[]
      ).map((c) => c.id);
    const first = (await ids())[0]!;
    await t.store.run("UPDATE repair_orders SET state = 'delivered', state_since = 0 WHERE id = ?", [first]);
    if (t.store.dialect === 'postgres') {
      // The table's trigger announces the commit: the cache is emptied as soon as it arrives
      // (milliseconds), with the virtual clock standing still well inside the minute.
      // (15 s of real time at most, for a loaded CI machine; the clock standing still is what counts)
      const deadline = Date.now() + 15_000;
      while ((await ids()).includes(first) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 10));
      expect(await ids()).not.toContain(first);
      return;
    }
    // SQLite: nothing tells the process of another program's write; the cache time bounds it.
    expect(await ids()).toContain(first);
    await t.clock.advance(60_001);
    expect(await ids()).not.toContain(first);
  });
});
