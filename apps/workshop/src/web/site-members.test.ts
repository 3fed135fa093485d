/**
 * Members of a site, managed by the group administrator from a page (issue 20, item 3): each site's
 * people with their role there, adding a person of the group with a role, changing it, withdrawing
 * it — never a site's last administrator, and a person's last site said to lose access. HTML forms
 * and their JSON twins, refused forms coming back filled in, audit rows under the site, and what
 * every other role may (not) do. Runs on both stores.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSite } from '../services/sites.js';
import { createUser } from '../services/users.js';
import { makeTestApp, type TestApp } from '../testing.js';

let t: TestApp;
let lyon: number;
let ids: Record<string, number>;

const members = async (site: number) =>
  t.store.all<{ login: string; role: string }>(
    `SELECT u.login, m.role FROM site_members m JOIN users u ON u.id = m.user_id
      WHERE m.site_id = ? AND u.group_role IS NULL ORDER BY u.login`,
    [site],
  );
const auditOf = (action: string) =>
  t.store.all<{ site_id: number; user_id: number; subject: string }>(
    'SELECT site_id, user_id, subject FROM audit_log WHERE action = ? ORDER BY id',
    [action],
  );

beforeAll(async () => {
  t = await makeTestApp();
  lyon = (await createSite(t.store, { code: 'lyon', name: 'Lyon Est' }, t.clock.now())).id;
  // Lyon's own administrator: not a group role, an admin membership of Lyon only.
  await createUser(
    t.store,
    { login: 'nadia', name: 'Nadia Lyon', role: 'admin', password: 'Garage-Rhone-cle-2026!' },
    t.clock.now(),
    lyon,
  );
  ids = Object.fromEntries(
    (await t.store.all<{ id: number; login: string }>('SELECT id, login FROM users')).map((u) => [
      u.login,
      u.id,
    ]),
  );
}, 60_000);
afterAll(() => t?.close());

describe('the group administrator, from the site’s page', () => {
  it('sees each site with its number of members on /sites, and a site’s members with their role', async () => {
    const sites = await t.inject('admin', { method: 'GET', url: '/sites' });
    expect(sites.statusCode).toBe(200);
    expect(sites.body).toContain(`href="/sites/${lyon}"`);
    expect(sites.body).toMatch(/Lyon Est<\/a> — 1 membre\(s\)/);
    const page = await t.inject('admin', { method: 'GET', url: '/sites/1' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Membres du site');
    // Inès is a technician on the first site: her row's role select has that role chosen.
    expect(page.body).toMatch(/data-user="ines">[\s\S]*?<option value="technician" selected>/);
    // Group roles are not memberships: the director is not listed, nor offered.
    expect(page.body).not.toContain('data-user="directeur"');
    const api = await t.inject('admin', { method: 'GET', url: `/api/sites/${lyon}/members` });
    expect(api.statusCode, api.body).toBe(200);
    expect(api.json()).toEqual({
      site: { id: lyon, code: 'lyon', name: 'Lyon Est' },
      members: [{ id: ids.nadia, login: 'nadia', name: 'Nadia Lyon', role: 'admin', active: true, sites: 1 }],
    });
    const en = await t.inject('admin', { method: 'GET', url: `/sites/${lyon}?lang=en` });
    expect(en.body).toContain('Members of Lyon Est');
    expect(en.body).toContain('Add a person of the group');
  });

  it('adds a person of the group to a site with a role, then changes it; each change is audited under the site', async () => {
    const page = await t.inject('admin', { method: 'GET', url: `/sites/${lyon}` });
    // The add form offers the first site's people, not the site's own nor the group roles.
    const offered = /<select name="userId"[^>]*>([\s\S]*?)<\/select>/.exec(page.body)![1]!;
    expect(offered).toContain(`value="${ids.ines}"`);
    expect(offered).not.toContain(`value="${ids.nadia}"`);
    expect(offered).not.toContain(`value="${ids.directeur}"`);
    expect(offered).not.toContain(`value="${ids.admin}"`);
    let res = await t.form('admin', `/sites/${lyon}/members`, { userId: String(ids.ines), role: 'manager' });
    expect(res.statusCode, res.body).toBe(303);
    expect(res.headers.location).toBe(`/sites/${lyon}`);
    expect(await members(lyon)).toEqual([
      { login: 'ines', role: 'manager' },
      { login: 'nadia', role: 'admin' },
    ]);
    // Her role on the first site is untouched.
    expect((await members(1)).find((m) => m.login === 'ines')!.role).toBe('technician');
    res = await t.inject('admin', {
      method: 'POST',
      url: `/api/sites/${lyon}/members`,
      payload: { userId: ids.ines, role: 'technician' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ userId: ids.ines, siteId: lyon, role: 'technician', before: 'manager' });
    expect((await members(lyon)).find((m) => m.login === 'ines')!.role).toBe('technician');
    const added = await auditOf('member.add');
    expect(added.at(-1)).toEqual({
      site_id: lyon,
      user_id: ids.admin,
      subject: `user:${ids.ines} —→manager`,
    });
    const changed = await auditOf('member.role');
    expect(changed.at(-1)).toEqual({
      site_id: lyon,
      user_id: ids.admin,
      subject: `user:${ids.ines} manager→technician`,
    });
    // She now works on both sites, and the page counts them.
    const after = await t.inject('admin', { method: 'GET', url: `/api/sites/${lyon}/members` });
    expect(after.json().members.find((m: { login: string }) => m.login === 'ines').sites).toBe(2);
    const sites = await t.inject('ines', { method: 'GET', url: '/api/sites' });
    expect(sites.json().map((s: { code: string }) => s.code)).toEqual(['atelier', 'lyon']);
  });

  it('never takes a site’s last administrator away: the refused form comes back with its message', async () => {
    const before = await members(lyon);
    const res = await t.form(
      'admin',
      `/sites/${lyon}/members`,
      { userId: String(ids.nadia), role: 'technician' },
      `/sites/${lyon}`,
    );
    // A refused form: its page again (422), filled in, the message beside the field.
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('Lyon Est doit garder au moins un administrateur actif');
    // The row form that was sent is the one marked, with Nadia's id in it.
    expect(res.body).toMatch(
      new RegExp(`name="userId" value="${ids.nadia}"[^]*?<select[^>]*aria-invalid="true"`),
    );
    const del = await t.inject('admin', { method: 'DELETE', url: `/api/sites/${lyon}/members/${ids.nadia}` });
    expect(del.statusCode).toBe(400);
    expect(del.json().error ?? del.body).toMatch(/administrateur actif/);
    const withdraw = await t.form(
      'admin',
      `/sites/${lyon}/members/${ids.nadia}/withdraw`,
      {},
      `/sites/${lyon}`,
    );
    // The page offers no withdraw form for her (a stale page posted it): the refusal page says why.
    expect(withdraw.statusCode).toBe(400);
    expect(withdraw.body).toContain('Lyon Est doit garder au moins un administrateur actif');
    expect(await members(lyon)).toEqual(before);
    // The page does not offer to withdraw her.
    const page = await t.inject('admin', { method: 'GET', url: `/sites/${lyon}` });
    expect(page.body).not.toContain(`/sites/${lyon}/members/${ids.nadia}/withdraw`);
    expect(page.body).toContain('dernier administrateur du site');
    // With a second administrator, the first may go back to another role.
    await t.inject('admin', {
      method: 'PUT',
      url: `/api/sites/${lyon}/members/${ids.ines}`,
      payload: { role: 'admin' },
    });
    const ok = await t.form('admin', `/sites/${lyon}/members`, {
      userId: String(ids.nadia),
      role: 'manager',
    });
    expect(ok.statusCode, ok.body).toBe(303);
    const last = await t.form(
      'admin',
      `/sites/${lyon}/members`,
      { userId: String(ids.ines), role: 'manager' },
      `/sites/${lyon}`,
    );
    expect(last.statusCode).toBe(422);
    await t.form('admin', `/sites/${lyon}/members`, { userId: String(ids.nadia), role: 'admin' });
    await t.form('admin', `/sites/${lyon}/members`, { userId: String(ids.ines), role: 'technician' });
    expect(await members(lyon)).toEqual([
      { login: 'ines', role: 'technician' },
      { login: 'nadia', role: 'admin' },
    ]);
  });

  it('withdraws a membership; withdrawing a person’s last site says they lose access, and ends their sessions', async () => {
    let page = await t.inject('admin', { method: 'GET', url: `/sites/${lyon}` });
    // Inès keeps the first site: a plain confirmation.
    expect(page.body).toContain('data-confirm="Retirer Inès Moreau de Lyon Est ?"');
    let res = await t.form('admin', `/sites/${lyon}/members/${ids.ines}/withdraw`, {});
    expect(res.statusCode, res.body).toBe(303);
    expect((await members(lyon)).map((m) => m.login)).toEqual(['nadia']);
    expect((await auditOf('member.withdraw')).at(-1)).toEqual({
      site_id: lyon,
      user_id: ids.admin,
      subject: `user:${ids.ines} technician`,
    });
    // Emma belongs to the first site only: the confirmation says she loses access.
    page = await t.inject('admin', { method: 'GET', url: '/sites/1' });
    expect(page.body).toContain(
      'Emma Roux n’a pas d’autre site : Emma Roux perdra l’accès à Atelier. Retirer Emma Roux de ',
    );
    const emma = await t.as('emma');
    expect((await t.app.inject({ method: 'GET', url: '/api/me', headers: emma.headers })).statusCode).toBe(
      200,
    );
    res = await t.inject('admin', { method: 'DELETE', url: `/api/sites/1/members/${ids.emma}` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ userId: ids.emma, siteId: 1, losesAccess: true });
    expect((await t.app.inject({ method: 'GET', url: '/api/me', headers: emma.headers })).statusCode).toBe(
      401,
    );
    const login = await t.app.inject({
      method: 'POST',
      url: '/login',
      headers: { accept: 'application/json' },
      payload: { login: 'emma', password: 'x' },
    });
    expect(login.statusCode).not.toBe(200);
    expect((await auditOf('member.withdraw')).at(-1)!.subject).toBe(`user:${ids.emma} apprentice last-site`);
    // Given a site again, she is back.
    res = await t.form('admin', '/sites/1/members', { userId: String(ids.emma), role: 'apprentice' });
    expect(res.statusCode).toBe(303);
    expect(
      (
        await t.app.inject({ method: 'GET', url: '/api/sites', headers: (await t.as('emma')).headers })
      ).json(),
    ).toHaveLength(1);
  });

  it('refuses what makes no sense, with a clear message', async () => {
    const director = await t.form(
      'admin',
      `/sites/${lyon}/members`,
      { userId: String(ids.directeur), role: 'manager' },
      `/sites/${lyon}`,
    );
    expect(director.statusCode).toBe(422);
    expect(director.body).toContain('a un rôle de groupe');
    const nobody = await t.inject('admin', {
      method: 'POST',
      url: `/api/sites/${lyon}/members`,
      payload: { userId: 99_999, role: 'manager' },
    });
    expect(nobody.statusCode).toBe(404);
    const noSite = await t.inject('admin', {
      method: 'POST',
      url: '/api/sites/999/members',
      payload: { userId: ids.ines, role: 'manager' },
    });
    expect(noSite.statusCode).toBe(404);
    const badRole = await t.inject('admin', {
      method: 'POST',
      url: `/api/sites/${lyon}/members`,
      payload: { userId: ids.ines, role: 'director' },
    });
    expect(badRole.statusCode).toBe(400);
    const notMember = await t.inject('admin', {
      method: 'DELETE',
      url: `/api/sites/${lyon}/members/${ids.lucas}`,
    });
    expect(notMember.statusCode).toBe(404);
    expect(await t.inject('admin', { method: 'GET', url: '/sites/999' }).then((r) => r.statusCode)).toBe(404);
  });
});

describe('every other role', () => {
  it('a site’s own administrator reads their site’s members, without forms, and changes nothing elsewhere', async () => {
    const before = await t.store.all('SELECT * FROM site_members ORDER BY user_id, site_id');
    const own = await t.inject('nadia', { method: 'GET', url: `/sites/${lyon}` });
    expect(own.statusCode).toBe(200);
    expect(own.body).toContain('data-user="nadia"');
    expect(own.body).not.toContain(`action="/sites/${lyon}/members"`);
    expect(own.body).not.toContain('/withdraw');
    expect((await t.inject('nadia', { method: 'GET', url: `/api/sites/${lyon}/members` })).statusCode).toBe(
      200,
    );
    for (const [method, url, payload] of [
      ['GET', '/api/sites/1/members', undefined],
      ['GET', '/sites/1', undefined],
      ['POST', `/api/sites/${lyon}/members`, { userId: ids.lucas, role: 'technician' }],
      ['POST', '/api/sites/1/members', { userId: ids.lucas, role: 'technician' }],
      ['DELETE', `/api/sites/${lyon}/members/${ids.nadia}`, undefined],
      ['DELETE', `/api/sites/1/members/${ids.lucas}`, undefined],
      ['PUT', `/api/sites/1/members/${ids.lucas}`, { role: 'admin' }],
    ] as const) {
      const res = await t.inject('nadia', { method, url, payload });
      expect(res.statusCode, `${method} ${url}`).toBe(403);
    }
    expect(await t.store.all('SELECT * FROM site_members ORDER BY user_id, site_id')).toEqual(before);
  });

  it('the other roles and the director are refused every members route', async () => {
    const before = await t.store.all('SELECT * FROM site_members ORDER BY user_id, site_id');
    for (const login of ['leo', 'ines', 'chef', 'formateur', 'directeur'])
      for (const [method, url, payload] of [
        ['GET', '/sites/1', undefined],
        ['GET', '/api/sites/1/members', undefined],
        ['POST', '/api/sites/1/members', { userId: ids.lucas, role: 'admin' }],
        ['DELETE', `/api/sites/1/members/${ids.lucas}`, undefined],
        ['PUT', `/api/sites/1/members/${ids.lucas}`, { role: 'admin' }],
      ] as const) {
        const res = await t.inject(login, { method, url, payload });
        expect(res.statusCode, `${login} ${method} ${url}`).toBe(403);
      }
    // And /sites shows them no members list.
    expect((await t.inject('chef', { method: 'GET', url: '/sites' })).body).not.toContain('membre(s)');
    expect(await t.store.all('SELECT * FROM site_members ORDER BY user_id, site_id')).toEqual(before);
  });
});
