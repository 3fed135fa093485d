/**
 * People and habilitations through the routes: an admin edits, disables and resets accounts; a
 * manager corrects and withdraws habilitations; the printable title lists what is valid today.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../seed.js';
import { authenticate } from '../services/users.js';
import { makeTestApp, type TestApp } from '../testing.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

const form = async (login: string, url: string, fields: Record<string, string>) => {
  const s = await t.as(login);
  return t.app.inject({
    method: 'POST',
    url,
    headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ ...fields, _csrf: s.csrf }).toString(),
  });
};

describe('accounts (admin)', () => {
  it('renames and changes the role of a person, recorded in the audit log', async () => {
    const emma = t.demo.users.emma!;
    const res = await form('admin', `/people/${emma.id}`, { name: 'Emma Petit', role: 'technician' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/people/${emma.id}`);
    const api = await t.inject('admin', { method: 'GET', url: '/api/users' });
    expect(api.json().find((u: { id: number }) => u.id === emma.id)).toMatchObject({
      name: 'Emma Petit',
      role: 'technician',
    });
    const audit = await t.store.all<{ action: string; subject: string }>(
      "SELECT action, subject FROM audit_log WHERE action = 'user.update'",
    );
    expect(audit).toContainEqual({ action: 'user.update', subject: `user:${emma.id} apprentice→technician` });
  });

  it('disables an account: its sessions end, it cannot log in, and it can be enabled again', async () => {
    const leo = t.demo.users.leo!;
    const session = await t.as('leo');
    const res = await form('admin', `/people/${leo.id}/active`, { active: 'false' });
    expect(res.statusCode).toBe(303);
    const after = await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: session.cookie } });
    expect(after.statusCode).toBe(401);
    expect(await authenticate(t.store, 'leo', DEMO_PASSWORD)).toBeNull();
    const page = await t.inject('admin', { method: 'GET', url: '/people' });
    expect(page.body).toMatch(/Léo[^<]*<\/a> <small class="badge">désactivé/);
    const admin = await t.as('admin');
    const enable = await t.app.inject({
      method: 'PUT',
      url: `/api/users/${leo.id}/active`,
      headers: admin.headers,
      payload: { active: true },
    });
    expect(enable.statusCode).toBe(200);
    expect(enable.json().active).toBe(1);
  });

  it('refuses to disable one’s own account or the last admin', async () => {
    const admin = t.demo.users.admin!;
    const self = await t.inject('admin', {
      method: 'PUT',
      url: `/api/users/${admin.id}/active`,
      payload: { active: false },
    });
    expect(self.statusCode).toBe(400);
    expect(self.json()).toMatchObject({ field: 'active' });
    const demote = await t.inject('admin', {
      method: 'PUT',
      url: `/api/users/${admin.id}`,
      payload: { name: 'Admin', role: 'manager' },
    });
    expect(demote.statusCode).toBe(400);
    expect(demote.json().error).toMatch(/au moins un administrateur actif/);
  });

  it('resets a password: the old one stops working, the new one logs in, sessions end', async () => {
    const karim = t.demo.users.karim!;
    const session = await t.as('karim');
    const res = await form('admin', `/people/${karim.id}/password`, {
      password: 'Clio-verte-du-garage-2026',
    });
    expect(res.statusCode).toBe(303);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: session.cookie } })).statusCode,
    ).toBe(401);
    expect(await authenticate(t.store, 'karim', DEMO_PASSWORD)).toBeNull();
    expect((await authenticate(t.store, 'karim', 'Clio-verte-du-garage-2026'))?.id).toBe(karim.id);
  });
});

describe('habilitations (manager)', () => {
  it('shows each symbol with its validity: amber before the refresher, red once expired', async () => {
    const page = await t.inject('chef', { method: 'GET', url: '/people' });
    expect(page.body).toMatch(
      /class="hab due"[^>]*>B1VL <small>recyclage avant le \d\d\/\d\d\/\d{4} \(\d+ j\)/,
    );
    expect(page.body).toMatch(/class="hab expired"[^>]*>B1VL <small>expirée depuis le \d\d\/\d\d\/\d{4}/);
    const en = await t.inject('chef', { method: 'GET', url: '/people?lang=en' });
    expect(en.body).toMatch(/B1VL <small>refresher before \d\d\/\d\d\/\d{4} \(\d+ days\)/);
    // Every symbol of NF C18-550 for vehicles is offered, with what it allows.
    for (const s of ['B0L', 'B1L', 'B2L', 'B1VL', 'B2VL', 'B1TL', 'B2TL', 'B1XL', 'B2XL', 'BRL', 'BCL'])
      expect(page.body).toContain(`<option value="${s}">${s} — `);
    expect(page.body).toContain('Chargé de consignation');
  });

  it('corrects a habilitation after a refresher course and withdraws another', async () => {
    const karim = t.demo.users.karim!;
    const [expired] = (await t.inject('chef', { method: 'GET', url: '/api/habilitations' }))
      .json()
      .filter((h: { user_id: number }) => h.user_id === karim.id);
    const res = await form('chef', `/people/habilitations/${expired.id}`, {
      issuedOn: '2026-03-01',
      renewalOn: '',
      issuedBy: 'Organisme de formation (recyclage)',
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/people/${karim.id}`);
    const person = await t.inject('chef', { method: 'GET', url: `/people/${karim.id}` });
    expect(person.body).toMatch(/class="hab valid"[^>]*>B1VL <small>jusqu’au 01\/03\/2029/);
    expect(person.body).toContain('Organisme de formation (recyclage)');

    const bad = await t.inject('chef', {
      method: 'PUT',
      url: `/api/habilitations/${expired.id}`,
      payload: { issuedOn: '2026-03-01', renewalOn: '2025-01-01' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('renewalOn');

    const revoke = await t.inject('chef', { method: 'POST', url: `/api/habilitations/${expired.id}/revoke` });
    expect(revoke.statusCode).toBe(200);
    expect(revoke.json().symbol).toBe('B1VL');
    const remaining = (await t.inject('chef', { method: 'GET', url: '/api/habilitations' }))
      .json()
      .filter((h: { user_id: number }) => h.user_id === karim.id);
    expect(remaining).toEqual([]);
    const audit = await t.store.all<{ action: string }>(
      "SELECT action FROM audit_log WHERE action LIKE 'habilitation.%' ORDER BY id",
    );
    expect(audit.map((a) => a.action)).toEqual(['habilitation.update', 'habilitation.revoke']);
    // The person page asks for confirmation before a withdrawal.
    const lucas = await t.inject('chef', { method: 'GET', url: `/people/${t.demo.users.lucas!.id}` });
    expect(lucas.body).toMatch(/data-confirm="Retirer l’habilitation BCL de Lucas/);
  });

  it('prints a habilitation title: holder, symbols in force, domain, validity, signature blocks', async () => {
    const lucas = t.demo.users.lucas!;
    const fr = await t.inject('chef', { method: 'GET', url: `/people/${lucas.id}/title` });
    expect(fr.statusCode).toBe(200);
    expect(fr.body).toContain('<body class="print">');
    expect(fr.body).toContain(lucas.name);
    expect(fr.body).toContain('<strong>B2VL</strong>');
    expect(fr.body).toContain('<strong>BCL</strong>');
    expect(fr.body).toContain('NF C18-550');
    expect(fr.body).toMatch(/L’employeur — nom, qualité, date et signature/);
    expect(fr.body).toMatch(/Le titulaire — date et signature/);
    const en = await t.inject('chef', { method: 'GET', url: `/people/${lucas.id}/title?lang=en` });
    expect(en.body).toContain('Valid until (refresher)');
    // An instructor reads it; a technician may not.
    expect(
      (await t.inject('formateur', { method: 'GET', url: `/people/${lucas.id}/title` })).statusCode,
    ).toBe(200);
    expect((await t.inject('ines', { method: 'GET', url: `/people/${lucas.id}/title` })).statusCode).toBe(
      403,
    );
  });
});
