/**
 * The membership log of a site (/sites/:id/audit), through inject(): additions, role changes and
 * withdrawals as the audit log recorded them — who, which role, by whom, when — newest first; the
 * demo's people, whose addition was never logged, listed from their account's creation with no
 * author; the log for the site's administrator (and the group's), not a manager.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../testing.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

const api = (login: string, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
  t.inject(login, { method, url, ...(payload ? { payload } : {}) });

describe('the membership log', () => {
  it('shows who was added to a site, with which role, by whom and when, then changed and withdrawn', async () => {
    const site = (await api('admin', 'POST', '/api/sites', { code: 'gap', name: 'Gap' })).json();
    const ines = t.demo.users.ines!.id;
    expect(
      (await api('admin', 'POST', `/api/sites/${site.id}/members`, { userId: ines, role: 'technician' }))
        .statusCode,
    ).toBe(200);
    await t.clock.advance(60_000);
    expect(
      (await api('admin', 'POST', `/api/sites/${site.id}/members`, { userId: ines, role: 'manager' }))
        .statusCode,
    ).toBe(200);
    await t.clock.advance(60_000);
    expect((await api('admin', 'DELETE', `/api/sites/${site.id}/members/${ines}`)).statusCode).toBe(200);
    const log = (await api('admin', 'GET', `/api/sites/${site.id}/audit`)).json();
    expect(log).toEqual([
      expect.objectContaining({
        action: 'member.withdraw',
        user_name: 'Inès Moreau',
        from_role: 'manager',
        by_name: 'Alice Admin',
        last_site: false,
        at: t.clock.now(),
      }),
      expect.objectContaining({
        action: 'member.role',
        from_role: 'technician',
        to_role: 'manager',
        by_name: 'Alice Admin',
        at: t.clock.now() - 60_000,
      }),
      expect.objectContaining({
        action: 'member.add',
        to_role: 'technician',
        by_name: 'Alice Admin',
        at: t.clock.now() - 120_000,
      }),
    ]);
    const page = (await api('admin', 'GET', `/sites/${site.id}/audit`)).body;
    expect(page).toContain('ajouté·e au site comme Technicien');
    expect(page).toContain('rôle changé : Technicien → Chef d&#39;atelier');
    const en = (await api('admin', 'GET', `/sites/${site.id}/audit?lang=en`)).body;
    expect(en).toContain('withdrawn from the site (Workshop manager)');
  });

  it('lists the demo’s people from their account, their author not recorded, and is refused to a manager', async () => {
    const log = (await api('admin', 'GET', '/api/sites/1/audit')).json() as {
      action: string;
      user_name: string;
      by_name: string | null;
    }[];
    const karim = log.find((e) => e.user_name === 'Karim Haddad');
    expect(karim).toMatchObject({ action: 'account', by_name: null });
    expect((await api('admin', 'GET', '/sites/1')).body).toContain('href="/sites/1/audit"');
    expect((await api('chef', 'GET', '/api/sites/1/audit')).statusCode).toBe(403);
  });
});
