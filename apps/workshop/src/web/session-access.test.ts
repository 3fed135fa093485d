/**
 * Who reads and who acts on whose diagnostic session (issue 15, item 5): the object rule on top of
 * the route × role table (`access.test.ts`). An apprentice reads only their own sessions — another
 * apprentice's path and conclusion on the same assigned scenario would give the answer away — while
 * technicians, managers, instructors and the admin keep their reads; acting on someone else's
 * session is 403 for everyone but managers and the admin.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { makeTestApp } from '../testing.js';

const t = await makeTestApp();
afterAll(() => t.close());

const sessionOf = async (login: string) =>
  (await t.store.get<{ id: number; ro_id: number | null }>(
    'SELECT d.id, d.ro_id FROM diag_sessions d JOIN users u ON u.id = d.user_id WHERE u.login = ? ORDER BY d.id LIMIT 1',
    [login],
  ))!;
const leo = await sessionOf('leo');
const ines = await sessionOf('ines');

/** Every route that reads one session (pages, JSON, report, raw traffic, its event stream). */
const READS = [
  '/diagnostics/:id',
  '/api/diagnostics/:id',
  '/api/diagnostics/:id/samples',
  '/diagnostics/:id/report',
  '/diagnostics/:id/traffic',
  '/diagnostics/:id/events',
];

describe("reading another person's diagnostic session", () => {
  it.each(READS)(
    '%s: refused (403) to another apprentice, on a training or a repair-order session',
    async (route) => {
      for (const id of [leo.id, ines.id]) {
        const res = await t.inject('emma', { method: 'GET', url: route.replace(':id', String(id)) });
        expect(res.statusCode, `${route} #${id}`).toBe(403);
        expect(res.body).not.toContain('accès refusé pour votre rôle');
      }
    },
  );

  it.each(READS)(
    '%s: read by its apprentice, and by technicians, managers, instructors and the admin',
    async (route) => {
      for (const login of ['leo', 'ines', 'chef', 'formateur', 'admin']) {
        const res = await t.inject(login, { method: 'GET', url: route.replace(':id', String(leo.id)) });
        // (a finished session's event stream answers 204: nothing more will come)
        expect([200, 204], `${route} as ${login}: ${res.body.slice(0, 200)}`).toContain(res.statusCode);
      }
    },
  );

  it("lists only an apprentice's own sessions, on /diagnostics and on an order's page", async () => {
    const ids = (body: string) => [...body.matchAll(/href="\/diagnostics\/(\d+)"/g)].map((m) => Number(m[1]));
    const mine = ids((await t.inject('leo', { method: 'GET', url: '/diagnostics' })).body);
    expect(mine).toContain(leo.id);
    expect(mine).not.toContain(ines.id);
    const all = ids((await t.inject('formateur', { method: 'GET', url: '/diagnostics' })).body);
    expect(all).toEqual(expect.arrayContaining([leo.id, ines.id]));
    const order = (await t.inject('leo', { method: 'GET', url: `/orders/${ines.ro_id}/diagnostics` })).body;
    expect(ids(order)).not.toContain(ines.id);
    expect(
      ids((await t.inject('chef', { method: 'GET', url: `/orders/${ines.ro_id}/diagnostics` })).body),
    ).toContain(ines.id);
  });
});

describe("acting on another person's diagnostic session", () => {
  const post = async (login: string, url: string, payload: Record<string, string> = {}) => {
    const a = await t.as(login);
    return t.app.inject({ method: 'POST', url, headers: a.headers, payload });
  };

  it('is refused with 403 (not 409) to another apprentice and to a technician; managers may', async () => {
    for (const [login, status] of [
      ['emma', 403],
      ['ines', 403],
    ] as const) {
      for (const [action, body] of [
        ['marks', { label: 'x' }],
        ['finish', {}],
        ['connect', {}],
        ['reference', { referenceId: '0' }],
      ] as const)
        expect(
          (await post(login, `/diagnostics/${leo.id}/${action}`, body)).statusCode,
          `${login} ${action}`,
        ).toBe(status);
    }
    // Léo's session is finished: the manager is not refused as a person, only by its state.
    expect((await post('chef', `/diagnostics/${leo.id}/marks`, { label: 'x' })).statusCode).not.toBe(403);
  });
});
