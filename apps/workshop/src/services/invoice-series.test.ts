/**
 * One invoice sequence per site, each with its own prefix, on both stores: site 1 keeps its numbers
 * (`FA-2026-…`), a second site numbers `FA-LYON-2026-…` from 1; invoices issued at once on both
 * sites, from two connections (two app processes), never share a number or skip one; the number is
 * the Factur-X XML's document ID; the migration's statement continues each sequence from what was
 * issued. Orders are put in the "ready" state by SQL: the process is tested elsewhere, the
 * numbering here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVOICE_SERIES } from '../store/migrations.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/store.js';
import { createCustomer, createVehicle } from './customers.js';
import { type Fixture, fixture, H, T0, TEST_SIRET, TEST_VAT, withCustomer } from './fixtures.test-support.js';
import { documentNumber, invoiceSeries, setInvoicePrefix, sitePrefix } from './invoice-series.js';
import { invoiceXml, issueCreditNote, issueInvoice } from './invoices.js';
import { createOrder } from './orders.js';
import { addLine } from './quotes.js';
import { createSite } from './sites.js';
import { updateProfile } from './workshop-profile.js';

let f: Fixture;
let lyon: number;
let lyonCar: number;
beforeAll(async () => {
  f = await fixture();
  await withCustomer(f);
  lyon = (await createSite(f.store, { code: 'lyon', name: 'Lyon Est' }, T0)).id;
  await updateProfile(
    f.store,
    lyon,
    {
      legal_name: 'Garage Test SARL',
      legal_form: 'SARL au capital de 10 000 €',
      siret: TEST_SIRET,
      vat_id: TEST_VAT,
      register: 'RCS Lyon 123 456 782',
      address_line1: '8 avenue de l’Est',
      postcode: '69003',
      city: 'Lyon',
    },
    f.users.boss.id,
    T0,
  );
  const customer = await createCustomer(
    f.store,
    lyon,
    { name: 'Dominique Client', addressLine1: '2 rue Est', postcode: '69003', city: 'Lyon' },
    T0,
  );
  lyonCar = (
    await createVehicle(f.store, lyon, { vin: 'VF3LBBHZ6JS123456', plate: 'CC-333-CC', energy: 'diesel' }, T0)
  ).id;
  await f.store.run('UPDATE vehicles SET customer_id = ? WHERE id = ?', [customer.id, lyonCar]);
}, 60_000);
afterAll(() => f.close());

/** An order of `site` with one approved part line, ready to invoice. */
async function ready(site: number, vehicleId: number): Promise<number> {
  const ro = await createOrder(f.store, site, { vehicleId, complaint: 'Filtre' }, f.users.boss, T0);
  await f.store.run("UPDATE repair_orders SET state = 'diagnosis' WHERE id = ?", [ro.id]);
  await addLine(f.store, site, ro.id, {
    kind: 'part',
    description: 'Filtre à huile',
    quantity: 1,
    unitPriceCents: 1500,
  });
  await f.store.run("UPDATE ro_lines SET status = 'approved' WHERE ro_id = ?", [ro.id]);
  await f.store.run("UPDATE repair_orders SET state = 'ready' WHERE id = ?", [ro.id]);
  return ro.id;
}

describe('a site’s invoice sequence', () => {
  it('is named by the site: none for the first workshop, the code for another, a chosen one', async () => {
    expect(documentNumber('invoice', '', '2026', 43)).toBe('FA-2026-000043');
    expect(documentNumber('credit_note', 'LYON', '2026', 7)).toBe('AV-LYON-2026-000007');
    expect(await sitePrefix(f.store, 1)).toBe('');
    expect(await sitePrefix(f.store, lyon)).toBe('LYON');
    await expect(setInvoicePrefix(f.store, lyon, 'lyon est')).rejects.toMatchObject({ field: 'prefix' });
    expect(await setInvoicePrefix(f.store, lyon, 'ly-e')).toBe('LY-E');
    // another site cannot take it
    const third = (await createSite(f.store, { code: 'gap', name: 'Gap' }, T0)).id;
    await expect(setInvoicePrefix(f.store, third, 'LY-E')).rejects.toMatchObject({
      field: 'prefix',
      status: 409,
    });
    // nor a new site whose code would give it
    await expect(createSite(f.store, { code: 'ly-e', name: 'Lyon Est bis' }, T0)).rejects.toMatchObject({
      field: 'code',
      status: 409,
    });
    expect(await setInvoicePrefix(f.store, lyon, 'LYON')).toBe('LYON');
    expect(await invoiceSeries(f.store, lyon, '2026')).toEqual({
      prefix: 'LYON',
      issued: 0,
      next_invoice: 'FA-LYON-2026-000001',
      next_credit_note: 'AV-LYON-2026-000001',
    });
  });

  it('numbers invoices issued at once on two sites from two processes: unique, unbroken, each its own prefix', async () => {
    const other: Store = await openStore(f.location);
    try {
      const orders: [number, number][] = [];
      for (let i = 0; i < 4; i++)
        orders.push([1, await ready(1, f.petrol)], [lyon, await ready(lyon, lyonCar)]);
      const issued = await Promise.all(
        orders.map(([site, id], i) =>
          issueInvoice(i % 3 ? other : f.store, site, id, f.users.boss, T0 + 10 * H),
        ),
      );
      const of = (site: number) =>
        issued
          .filter((_, i) => orders[i]![0] === site)
          .map((inv) => inv.number)
          .sort();
      expect(of(1)).toEqual([1, 2, 3, 4].map((n) => `FA-2026-00000${n}`));
      expect(of(lyon)).toEqual([1, 2, 3, 4].map((n) => `FA-LYON-2026-00000${n}`));
      // the Factur-X XML carries the same number as the document's ID
      for (const inv of issued) {
        const site = orders[issued.indexOf(inv)]![0];
        const { xml } = await invoiceXml(f.store, site, inv.id);
        expect(/<rsm:ExchangedDocument>\s*<ram:ID>([^<]+)<\/ram:ID>/.exec(xml)?.[1]).toBe(inv.number);
      }
      // credit notes: their own sequence, with the site's prefix
      const lyonInvoice = issued.find((inv) => inv.number === 'FA-LYON-2026-000002')!;
      const note = await issueCreditNote(
        f.store,
        lyon,
        lyonInvoice.id,
        'erreur d’adresse',
        f.users.boss,
        T0 + 11 * H,
      );
      expect(note.number).toBe('AV-LYON-2026-000001');
      // the prefix no longer changes once the site has issued
      await expect(setInvoicePrefix(f.store, lyon, 'LE')).rejects.toMatchObject({ status: 409 });
      expect((await invoiceSeries(f.store, lyon, '2026')).next_invoice).toBe('FA-LYON-2026-000005');
    } finally {
      await other.close();
    }
  }, 60_000);

  it('is continued by the migration from what each site issued', async () => {
    // counters lost (or never kept): the migration's statement raises them to the last issued
    await f.store.run(
      "DELETE FROM number_counters WHERE scope LIKE 'invoice:%' OR scope LIKE 'credit_note:%'",
    );
    await f.store.run(INVOICE_SERIES[INVOICE_SERIES.length - 1]!);
    const counters = await f.store.all<{ scope: string; last: number }>(
      "SELECT scope, last FROM number_counters WHERE scope LIKE 'invoice:%' OR scope LIKE 'credit_note:%' ORDER BY scope",
    );
    expect(counters.map((c) => [c.scope, Number(c.last)])).toEqual([
      [`credit_note:${lyon}:2026`, 1],
      ['invoice:1:2026', 4],
      [`invoice:${lyon}:2026`, 4],
    ]);
    const next = await issueInvoice(f.store, lyon, await ready(lyon, lyonCar), f.users.boss, T0 + 12 * H);
    expect(next.number).toBe('FA-LYON-2026-000005');
  });
});
