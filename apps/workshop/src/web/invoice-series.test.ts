/**
 * A site's invoice sequence in its settings (/sites/:id), through inject(): the demo workshop's
 * next numbers continue what it issued and its prefix is fixed; a new site of the group gets its
 * code as prefix, which its administrator may change before the first invoice (a bad one comes back
 * beside the field); a manager may not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../testing.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

describe('a site’s invoice numbering', () => {
  it('continues the demo workshop’s sequence, its prefix fixed by what it issued', async () => {
    const last = await t.store.get<{ number: string }>(
      "SELECT number FROM invoices WHERE site_id = 1 AND kind = 'invoice' ORDER BY id DESC LIMIT 1",
    );
    const n = Number(last!.number.slice(-6));
    const page = (await t.inject('admin', { method: 'GET', url: '/sites/1' })).body;
    expect(page).toContain(`prochaine facture FA-2026-${String(n + 1).padStart(6, '0')}`);
    expect(page).toMatch(/Préfixe « — » : fixé, le site a déjà émis \d+ facture/);
    expect(page).not.toContain('action="/sites/1/invoice-prefix"');
    const refused = await t.inject('admin', {
      method: 'PUT',
      url: '/api/sites/1/invoice-prefix',
      payload: { prefix: 'AT' },
    });
    expect(refused.statusCode).toBe(409);
  });

  it('gives a new site its code as prefix, changed by its administrator before its first invoice', async () => {
    const site = (
      await t.inject('admin', {
        method: 'POST',
        url: '/api/sites',
        payload: { code: 'lyon-est', name: 'Lyon Est' },
      })
    ).json();
    const page = (await t.inject('admin', { method: 'GET', url: `/sites/${site.id}` })).body;
    expect(page).toContain(
      'prochaine facture FA-LYON-EST-2026-000001, prochain avoir AV-LYON-EST-2026-000001',
    );
    const bad = await t.form(
      'admin',
      `/sites/${site.id}/invoice-prefix`,
      { prefix: 'Lyon Est!' },
      `/sites/${site.id}`,
    );
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toMatch(/name="prefix"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*name="prefix"/);
    expect(bad.body).toContain('préfixe : 1 à 10 lettres ou chiffres');
    expect(
      (
        await t.inject('chef', {
          method: 'PUT',
          url: `/api/sites/${site.id}/invoice-prefix`,
          payload: { prefix: 'LE' },
        })
      ).statusCode,
    ).toBe(403);
    const ok = await t.inject('admin', {
      method: 'PUT',
      url: `/api/sites/${site.id}/invoice-prefix`,
      payload: { prefix: 'le' },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toEqual({
      siteId: site.id,
      prefix: 'LE',
      issued: 0,
      next_invoice: 'FA-LE-2026-000001',
      next_credit_note: 'AV-LE-2026-000001',
    });
  });
});
