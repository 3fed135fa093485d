/**
 * Quotes, agreements, quality control, invoices and credit notes, and the process that checks
 * itself — on the services, with a real store, the Factur-X file read back by Debian's tools.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GuidedSession, loadKnowledgeBase } from '@atelier/diagnosis';
import { checkEn16931 } from '@atelier/facturx';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../store/open.js';
import { nextInSequence } from './counters.js';
import { eraseCustomer, exportCustomer } from './customers.js';
import { ConflictError, type ValidationError } from './errors.js';
import {
  clockWork,
  type Fixture,
  finishOrder,
  fixture,
  H,
  T0,
  withCustomer,
} from './fixtures.test-support.js';
import { grantHabilitation } from './habilitations.js';
import { getInvoice, invoicePdf, issueCreditNote, issueInvoice, listInvoices } from './invoices.js';
import { orderDiagnosis, proposeRepairLines } from './order-diagnosis.js';
import {
  approveQuote,
  assignOrder,
  createOrder,
  getOrder,
  receiveVehicle,
  setDiagnosisNotes,
  transitionOrder,
} from './orders.js';
import { qualityStatus, recordQualityChecks } from './quality.js';
import { addLine, deleteLine, linesOf, updateLine } from './quotes.js';
import { isFrenchVatId, isSiret, listRates, saveRate, updateProfile } from './workshop-profile.js';

let f: Fixture;
beforeEach(async () => {
  f = await fixture();
});
afterEach(() => f.close());

/** A tiny PNG (1×1, as a canvas would give) for a signature drawn on the tablet. */
const PNG_1x1 =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

async function orderAtDiagnosis(vehicleId = f.petrol, kind: 'diagnostic' | 'service' = 'diagnostic') {
  const { boss, tech } = f.users;
  const ro = await createOrder(f.store, 1, { vehicleId, complaint: 'bruit au freinage', kind }, boss, T0);
  await receiveVehicle(
    f.store,
    1,
    ro.id,
    { complaint: 'bruit au freinage', odometerKm: 42_000, condition: '' },
    boss,
    T0,
  );
  await assignOrder(f.store, 1, ro.id, tech.id, boss, T0);
  await transitionOrder(f.store, 1, ro.id, 'diagnosis', tech, T0 + H);
  return ro;
}

async function quoted(vehicleId = f.petrol) {
  const ro = await orderAtDiagnosis(vehicleId);
  const labour = await addLine(f.store, 1, ro.id, {
    kind: 'labour',
    description: 'Remplacement plaquettes avant',
    rateId: f.rate,
    hours: 1.5,
    timeBasis: 'schedule',
    scheduleRef: 'BAR-4471',
  });
  const part = await addLine(f.store, 1, ro.id, {
    kind: 'part',
    description: 'Jeu de plaquettes avant',
    partRef: 'BP-4471',
    quantity: 1,
    unitPriceCents: 4890,
    origin: 'new',
  });
  await setDiagnosisNotes(f.store, 1, ro.id, 'plaquettes avant usées au témoin');
  await transitionOrder(f.store, 1, ro.id, 'quote', f.users.tech, T0 + 2 * H);
  return { ro, labour, part };
}

describe('quote lines', () => {
  it('prices labour at the posted rate and parts by quantity, with totals HT, TVA, TTC', async () => {
    const { ro, labour, part } = await quoted();
    expect([labour.unit, labour.quantity_milli, labour.unit_price_cents, labour.price_cents]).toEqual([
      'hour',
      1500,
      6500,
      9750,
    ]);
    expect([part.part_ref, part.price_cents, part.part_origin]).toEqual(['BP-4471', 4890, 'new']);
    // 97.50 + 48.90 = 146.40 HT; 20 % = 29.28; TTC 175.68
    expect((await getOrder(f.store, 1, ro.id)).totals).toEqual({ ht: 146.4, tva: 29.28, ttc: 175.68 });
  });

  it('edits and deletes lines until the quote goes to the customer, then refuses and says why', async () => {
    const { ro, labour, part } = await quoted();
    const edited = await updateLine(f.store, 1, ro.id, labour.id, {
      kind: 'labour',
      description: 'Remplacement plaquettes et disques avant',
      rateId: f.rate,
      hours: 2,
    });
    expect([edited.description, edited.price_cents, edited.sold_hours]).toEqual([
      'Remplacement plaquettes et disques avant',
      13000,
      2,
    ]);
    await deleteLine(f.store, 1, ro.id, part.id);
    expect((await getOrder(f.store, 1, ro.id)).lines.map((l) => l.id)).toEqual([labour.id]);
    await transitionOrder(f.store, 1, ro.id, 'awaiting_approval', f.users.boss, T0 + 3 * H);
    const err = await deleteLine(f.store, 1, ro.id, labour.id).catch((e) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.text.fr).toContain('repassez l’ordre en « Devis »');
    // sent back to quote: editable again
    await transitionOrder(f.store, 1, ro.id, 'quote', f.users.boss, T0 + 4 * H);
    await updateLine(f.store, 1, ro.id, labour.id, {
      kind: 'labour',
      description: 'x',
      rateId: f.rate,
      hours: 1,
    });
  });

  it('refuses lines a document could not carry, naming the field', async () => {
    const ro = await orderAtDiagnosis();
    const field = (p: Promise<unknown>) => p.catch((e: ValidationError) => e.field);
    expect(await field(addLine(f.store, 1, ro.id, { kind: 'labour', description: 'x', hours: 1 }))).toBe(
      'rateId',
    );
    expect(
      await field(
        addLine(f.store, 1, ro.id, { kind: 'labour', description: 'x', rateId: f.rate, hours: 1.2345 }),
      ),
    ).toBe('hours');
    expect(await field(addLine(f.store, 1, ro.id, { kind: 'part', description: 'x' }))).toBe('unitPrice');
    expect(
      await field(
        addLine(f.store, 1, ro.id, { kind: 'part', description: 'x', unitPriceCents: 100, vatRateBp: 1900 }),
      ),
    ).toBe('vatRate');
    expect(
      await field(
        addLine(f.store, 1, ro.id, { kind: 'part', description: 'x', unitPriceCents: 100, origin: 'used' }),
      ),
    ).toBe('origin');
    expect(
      await field(addLine(f.store, 1, ro.id, { kind: 'part', description: ' ', unitPriceCents: 100 })),
    ).toBe('description');
  });

  it('derives the HV requirement from the energy and the operations, never from a choice', async () => {
    const ro = await orderAtDiagnosis(f.hybrid).catch(() => null);
    // a hybrid asks B0L of whoever is assigned: the technician has none
    expect(ro).toBeNull();
    await grantHabilitation(
      f.store,
      1,
      { userId: f.users.tech.id, symbol: 'B0L', issuedOn: '2025-01-01' },
      3,
    );
    const o = await orderAtDiagnosis(f.hybrid);
    expect((await getOrder(f.store, 1, o.id)).hv_requirement).toBe('B0L');
    await addLine(f.store, 1, o.id, {
      kind: 'labour',
      description: 'Consignation',
      rateId: f.rate,
      hours: 0.5,
      hvWork: 'hv_lockout',
    });
    const repl = await addLine(f.store, 1, o.id, {
      kind: 'labour',
      description: 'Remplacement du câble HT',
      rateId: f.rate,
      hours: 2,
      hvWork: 'hv_deenergised',
    });
    // B0L is implied by the others; consignation (BCL) and work on the locked-out system (B1L) remain
    expect((await getOrder(f.store, 1, o.id)).hv_requirement).toBe('B1L BCL');
    await deleteLine(f.store, 1, o.id, repl.id);
    expect((await getOrder(f.store, 1, o.id)).hv_requirement).toBe('BCL');
    // moving on to repair re-checks the assignee against what the quote now asks
    await setDiagnosisNotes(f.store, 1, o.id, 'câble HT abîmé');
    await transitionOrder(f.store, 1, o.id, 'quote', f.users.tech, T0 + 2 * H);
    await transitionOrder(f.store, 1, o.id, 'awaiting_approval', f.users.boss, T0 + 2 * H);
    const lines = (await getOrder(f.store, 1, o.id)).lines.map((l) => l.id);
    await approveQuote(
      f.store,
      1,
      o.id,
      { approvedLineIds: lines, method: 'signature', signerName: 'C. Client', signature: PNG_1x1 },
      f.users.boss,
      T0 + 3 * H,
    );
    await expect(transitionOrder(f.store, 1, o.id, 'repair', f.users.boss, T0 + 3 * H)).rejects.toThrow(
      /BCL/,
    );
    await grantHabilitation(
      f.store,
      1,
      { userId: f.users.tech.id, symbol: 'BCL', issuedOn: '2025-01-01' },
      3,
    );
    await transitionOrder(f.store, 1, o.id, 'repair', f.users.boss, T0 + 3 * H);
  });
});

describe('the process checks itself', () => {
  it('wants a diagnosis before the quote on a diagnostic order; a service order is quoted at reception', async () => {
    const ro = await orderAtDiagnosis();
    await expect(transitionOrder(f.store, 1, ro.id, 'quote', f.users.tech, T0 + H)).rejects.toMatchObject({
      field: 'diagnosis',
    });
    const svc = await createOrder(
      f.store,
      1,
      { vehicleId: f.petrol, complaint: 'Vidange', kind: 'service' },
      f.users.boss,
      T0,
    );
    await receiveVehicle(
      f.store,
      1,
      svc.id,
      { complaint: 'Vidange', odometerKm: 42_100, condition: '' },
      f.users.boss,
      T0,
    );
    await transitionOrder(f.store, 1, svc.id, 'quote', f.users.boss, T0);
    const diag = await createOrder(f.store, 1, { vehicleId: f.petrol, complaint: 'bruit' }, f.users.boss, T0);
    await receiveVehicle(
      f.store,
      1,
      diag.id,
      { complaint: 'bruit', odometerKm: 42_200, condition: '' },
      f.users.boss,
      T0,
    );
    await expect(transitionOrder(f.store, 1, diag.id, 'quote', f.users.boss, T0)).rejects.toThrow(
      /diagnostic/,
    );
  });

  it('sends no quote without the workshop’s mentions, and dates its validity', async () => {
    const { ro } = await quoted();
    await updateProfile(f.store, 1, { siret: '' }, f.users.boss.id, T0);
    await expect(
      transitionOrder(f.store, 1, ro.id, 'awaiting_approval', f.users.boss, T0 + 3 * H),
    ).rejects.toThrow(/SIRET/);
    await updateProfile(f.store, 1, { siret: '12345678200028' }, f.users.boss.id, T0);
    await transitionOrder(f.store, 1, ro.id, 'awaiting_approval', f.users.boss, T0 + 3 * H);
    const o = await getOrder(f.store, 1, ro.id);
    expect([o.quote_sent_at, o.quote_valid_until]).toEqual([T0 + 3 * H, '2026-04-01']);
  });

  it('records how and when the customer agreed; refuses an agreement that says too little', async () => {
    const { ro, labour, part } = await quoted();
    await transitionOrder(f.store, 1, ro.id, 'awaiting_approval', f.users.boss, T0 + 3 * H);
    const base = { approvedLineIds: [labour.id, part.id], signerName: 'Camille Client' };
    const field = (p: Promise<unknown>) => p.catch((e: ValidationError) => e.field);
    expect(
      await field(approveQuote(f.store, 1, ro.id, { ...base, method: 'fax' }, f.users.boss, T0 + 4 * H)),
    ).toBe('method');
    expect(
      await field(
        approveQuote(f.store, 1, ro.id, { ...base, method: 'signature' }, f.users.boss, T0 + 4 * H),
      ),
    ).toBe('signature');
    expect(
      await field(
        approveQuote(
          f.store,
          1,
          ro.id,
          { ...base, method: 'signature', signature: 'data:image/png;base64,AAAA' },
          f.users.boss,
          T0 + 4 * H,
        ),
      ),
    ).toBe('signature');
    expect(
      await field(approveQuote(f.store, 1, ro.id, { ...base, method: 'phone' }, f.users.boss, T0 + 4 * H)),
    ).toBe('reference');
    expect(
      await field(
        approveQuote(
          f.store,
          1,
          ro.id,
          { ...base, method: 'email', reference: 'mail du 2/3' },
          f.users.boss,
          T0 + 4 * H,
        ),
      ),
    ).toBe('piecChoice');
    expect(
      await field(
        approveQuote(
          f.store,
          1,
          ro.id,
          { ...base, method: 'email', reference: 'x', piecChoice: 'piec', agreedAt: T0 + 5 * H },
          f.users.boss,
          T0 + 4 * H,
        ),
      ),
    ).toBe('agreedAt');
    expect((await getOrder(f.store, 1, ro.id)).state).toBe('awaiting_approval');
    await approveQuote(
      f.store,
      1,
      ro.id,
      { ...base, method: 'signature', signature: PNG_1x1, piecChoice: 'piec' },
      f.users.boss,
      T0 + 4 * H,
    );
    const a = await f.store.get<Record<string, unknown>>('SELECT * FROM ro_agreements WHERE ro_id = ?', [
      ro.id,
    ]);
    expect(a).toMatchObject({
      method: 'signature',
      signer_name: 'Camille Client',
      signature: PNG_1x1,
      amount_ttc_cents: 17568,
      piec_choice: 'piec',
      recorded_by: f.users.boss.id,
      agreed_at: T0 + 4 * H,
    });
    expect((await getOrder(f.store, 1, ro.id)).piec_choice).toBe('piec');
  });

  it('refuses an agreement on an expired quote', async () => {
    const { ro, labour } = await quoted();
    await transitionOrder(f.store, 1, ro.id, 'awaiting_approval', f.users.boss, T0 + 3 * H);
    const later = T0 + 40 * 24 * H;
    await expect(
      approveQuote(
        f.store,
        1,
        ro.id,
        { approvedLineIds: [labour.id], method: 'phone', signerName: 'C', reference: '06' },
        f.users.boss,
        later,
      ),
    ).rejects.toMatchObject({
      text: {
        fr: expect.stringMatching(/devis expiré le 01\/04\/2026/),
        en: expect.stringMatching(/quote expired on 01\/04\/2026/),
      },
    });
  });

  it('wants work clocked before QC, the whole checklist before ready, the invoice before delivery', async () => {
    await withCustomer(f);
    const { ro, labour, part } = await quoted();
    await transitionOrder(f.store, 1, ro.id, 'awaiting_approval', f.users.boss, T0 + 3 * H);
    await approveQuote(
      f.store,
      1,
      ro.id,
      {
        approvedLineIds: [labour.id, part.id],
        method: 'phone',
        signerName: 'C',
        reference: '06 11',
        piecChoice: 'new',
      },
      f.users.boss,
      T0 + 4 * H,
    );
    await transitionOrder(f.store, 1, ro.id, 'repair', f.users.tech, T0 + 5 * H);
    await expect(
      transitionOrder(f.store, 1, ro.id, 'quality_control', f.users.tech, T0 + 6 * H),
    ).rejects.toMatchObject({ field: 'clocking' });
    await f.store.run(
      "INSERT INTO clock_entries (site_id, user_id, kind, ro_id, start_at) VALUES (1, ?, 'operation', ?, ?)",
      [f.users.tech.id, ro.id, T0 + 5 * H],
    );
    await expect(
      transitionOrder(f.store, 1, ro.id, 'quality_control', f.users.tech, T0 + 6 * H),
    ).rejects.toMatchObject({
      text: { fr: expect.stringMatching(/TECH est encore pointé/) },
    });
    await f.store.run('UPDATE clock_entries SET end_at = ? WHERE ro_id = ?', [T0 + 6 * H, ro.id]);
    await transitionOrder(f.store, 1, ro.id, 'quality_control', f.users.tech, T0 + 6 * H);
    const qc = await qualityStatus(f.store, 1, ro.id);
    // a diagnostic order checks the codes again; a petrol car has no HV item
    expect(qc.items.map((i) => i.id)).toContain('codes_after');
    expect(qc.items.map((i) => i.id)).not.toContain('hv_restored');
    await expect(transitionOrder(f.store, 1, ro.id, 'ready', f.users.boss, T0 + 7 * H)).rejects.toThrow(
      /incomplete/,
    );
    await expect(
      recordQualityChecks(f.store, 1, ro.id, [{ item: 'road_test', result: 'na' }], f.users.boss, T0 + 7 * H),
    ).rejects.toMatchObject({ field: 'note_road_test' });
    await recordQualityChecks(
      f.store,
      1,
      ro.id,
      qc.items.map((i) =>
        i.id === 'torques'
          ? { item: i.id, result: 'fail', note: 'étrier desserré' }
          : { item: i.id, result: 'ok' },
      ),
      f.users.boss,
      T0 + 7 * H,
    );
    await expect(transitionOrder(f.store, 1, ro.id, 'ready', f.users.boss, T0 + 7 * H)).rejects.toThrow(
      /quality control failed/,
    );
    await recordQualityChecks(
      f.store,
      1,
      ro.id,
      [{ item: 'torques', result: 'ok' }],
      f.users.boss,
      T0 + 8 * H,
    );
    await transitionOrder(f.store, 1, ro.id, 'ready', f.users.boss, T0 + 8 * H);
    await expect(
      transitionOrder(f.store, 1, ro.id, 'delivered', f.users.boss, T0 + 9 * H),
    ).rejects.toMatchObject({ field: 'invoice' });
    await issueInvoice(f.store, 1, ro.id, f.users.boss, T0 + 9 * H);
    await transitionOrder(f.store, 1, ro.id, 'delivered', f.users.boss, T0 + 9 * H);
    const o = await getOrder(f.store, 1, ro.id);
    expect(o.state).toBe('delivered');
    expect(o.events.find((e) => e.note.startsWith('invoice: '))).toMatchObject({
      user_name: 'BOSS',
      at: T0 + 9 * H,
    });
  });
});

/** An order ready to invoice (quote of 146.40 € HT, customer with an address). */
async function readyOrder(business = false) {
  await withCustomer(f, business);
  const { ro, labour, part } = await quoted();
  await transitionOrder(f.store, 1, ro.id, 'awaiting_approval', f.users.boss, T0 + 3 * H);
  await approveQuote(
    f.store,
    1,
    ro.id,
    {
      approvedLineIds: [labour.id, part.id],
      method: 'email',
      signerName: 'C',
      reference: 'mail 2/3',
      piecChoice: 'new',
    },
    f.users.boss,
    T0 + 4 * H,
  );
  await transitionOrder(f.store, 1, ro.id, 'repair', f.users.tech, T0 + 5 * H);
  await finishOrder(f, ro.id, T0 + 6 * H, 'ready');
  return ro;
}

const dir = mkdtempSync(join(tmpdir(), 'atelier-invoices-'));
const tool = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8' });
const HAVE_POPPLER = !tool('pdfinfo', ['-v']).error;

describe('invoices', () => {
  it('issues FA-2026-000001 from the approved lines, as a Factur-X file whose XML passes the EN 16931 rules', async () => {
    const ro = await readyOrder();
    const inv = await issueInvoice(f.store, 1, ro.id, f.users.boss, T0 + 9 * H);
    expect([inv.number, inv.kind, inv.issue_date, inv.due_date]).toEqual([
      'FA-2026-000001',
      'invoice',
      '2026-03-02',
      '2026-03-02',
    ]);
    expect([inv.ht_cents, inv.tva_cents, inv.ttc_cents]).toEqual([14640, 2928, 17568]);
    expect((await getOrder(f.store, 1, ro.id)).invoice).toMatchObject({
      number: 'FA-2026-000001',
      totals: { ht: 146.4, tva: 29.28, ttc: 175.68 },
    });
    const { pdf } = await invoicePdf(f.store, 1, inv.id);
    expect(pdf.subarray(0, 8).toString('latin1')).toBe('%PDF-1.7');
    const doc = inv.issued.doc;
    expect(doc.seller).toMatchObject({
      name: 'Garage Test SARL',
      siret: '12345678200028',
      vatId: 'FR11123456782',
    });
    expect(doc.buyer.address).toMatchObject({ line1: '3 place Bellecour', postcode: '69002', city: 'Lyon' });
    expect(doc.lines.map((l) => [l.name, l.quantityMilli, l.unitCode, l.sellerRef])).toEqual([
      ['Remplacement plaquettes avant', 1500, 'HUR', undefined],
      ['Jeu de plaquettes avant', 1000, 'C62', 'BP-4471'],
    ]);
    expect(doc.lines[0]!.note).toContain('temps barémé');
    expect(doc.lines[0]!.note).toContain('barème BAR-4471');
    expect(inv.issued.details.find(([k]) => k === 'Kilométrage')?.[1].replace(/\s/g, ' ')).toBe('42 000 km');
    // a consumer: no late-payment indemnity, but the discount mention and the posted rates
    expect(doc.notes.map((n) => n.subject)).toEqual(['AAB']);
    expect(inv.issued.mentions.join(' ')).toMatch(/T1 Mécanique 78,00/);
    if (HAVE_POPPLER) {
      const file = join(dir, 'inv.pdf');
      writeFileSync(file, pdf);
      expect(tool('pdfdetach', ['-list', file]).stdout).toContain('factur-x.xml');
      tool('pdfdetach', ['-save', '1', '-o', join(dir, 'inv.xml'), file]);
      expect(checkEn16931(readFileSync(join(dir, 'inv.xml'), 'utf8'))).toEqual([]);
      const text = tool('pdftotext', ['-layout', file, '-']).stdout;
      expect(text).toContain('FA-2026-000001');
      expect(text).toContain('Camille Client');
      expect(text).toContain('BB-222-BB');
    }
  });

  it('prints the penalties and the 40 € indemnity for a business customer, with its SIRET and VAT number', async () => {
    const ro = await readyOrder(true);
    const inv = await issueInvoice(f.store, 1, ro.id, f.users.boss, T0 + 9 * H);
    expect(inv.issued.doc.notes.map((n) => n.subject)).toEqual(['AAB', 'PMD', 'PMT']);
    expect(inv.issued.doc.notes.find((n) => n.subject === 'PMT')!.text).toContain('40 €');
    expect(inv.issued.doc.buyer).toMatchObject({ siret: '12345678200028', vatId: 'FR11123456782' });
  });

  it('refuses to invoice before quality control, twice, or without the customer’s address', async () => {
    const { ro } = await quoted();
    await expect(issueInvoice(f.store, 1, ro.id, f.users.boss, T0)).rejects.toMatchObject({ field: 'state' });
    const r = await readyOrder();
    await f.store.run("UPDATE customers SET city = ''");
    await expect(issueInvoice(f.store, 1, r.id, f.users.boss, T0 + 9 * H)).rejects.toMatchObject({
      field: 'customer',
    });
    await f.store.run("UPDATE customers SET city = 'Lyon'");
    await issueInvoice(f.store, 1, r.id, f.users.boss, T0 + 9 * H);
    await expect(issueInvoice(f.store, 1, r.id, f.users.boss, T0 + 9 * H)).rejects.toMatchObject({
      field: 'invoice',
    });
  });

  it('numbers invoices in one unbroken sequence; a failed issue gives its number back', async () => {
    const a = await readyOrder();
    const b = await readyOrder();
    // a transaction that took a number and then failed: rolled back with it
    await f.store
      .transaction(async (tx) => {
        await nextInSequence(tx, 'invoice:1:2026');
        throw new Error('the PDF could not be made');
      })
      .catch(() => {});
    const ia = await issueInvoice(f.store, 1, a.id, f.users.boss, T0 + 9 * H);
    const ib = await issueInvoice(f.store, 1, b.id, f.users.boss, T0 + 9 * H);
    expect([ia.number, ib.number]).toEqual(['FA-2026-000001', 'FA-2026-000002']);
    // several at once (SQLite serialises writers; the counter row is taken in each transaction)
    // the orders made one after the other (the fixture's plain UPDATEs of the cars' orders would
    // deadlock with each other on PostgreSQL), the invoices issued at once
    const more = [];
    for (let i = 0; i < 3; i++) more.push(await readyOrder());
    const issued = await Promise.all(
      more.map((o) => issueInvoice(f.store, 1, o.id, f.users.boss, T0 + 10 * H)),
    );
    expect(issued.map((i) => i.number).sort()).toEqual([
      'FA-2026-000003',
      'FA-2026-000004',
      'FA-2026-000005',
    ]);
  });

  it('numbers invoices issued at once from two processes on one database in one unbroken sequence', async () => {
    // Another app process: its own connections to the same database (a file, or a PostgreSQL URL).
    const other = await openStore(f.location);
    try {
      const orders = [];
      for (let i = 0; i < 6; i++) orders.push(await readyOrder());
      const issued = await Promise.all(
        orders.map((o, i) => issueInvoice(i % 2 ? other : f.store, 1, o.id, f.users.boss, T0 + 10 * H)),
      );
      expect(issued.map((i) => i.number).sort()).toEqual(
        [1, 2, 3, 4, 5, 6].map((n) => `FA-2026-${String(n).padStart(6, '0')}`),
      );
      expect(
        await f.store.get('SELECT last FROM number_counters WHERE scope = ?', ['invoice:1:2026']),
      ).toEqual({
        last: 6,
      });
    } finally {
      await other.close();
    }
  });

  it('keeps an issued invoice as issued: the database refuses a change or a deletion', async () => {
    const ro = await readyOrder();
    const inv = await issueInvoice(f.store, 1, ro.id, f.users.boss, T0 + 9 * H);
    await expect(f.store.run('UPDATE invoices SET ttc_cents = 1 WHERE id = ?', [inv.id])).rejects.toThrow(
      /credit note/,
    );
    await expect(f.store.run('DELETE FROM invoices WHERE id = ?', [inv.id])).rejects.toThrow(/10 years/);
    expect((await getInvoice(f.store, 1, inv.id)).ttc_cents).toBe(17568);
  });

  it('corrects an invoice by a credit note naming it; the order can then be invoiced again', async () => {
    const ro = await readyOrder();
    const inv = await issueInvoice(f.store, 1, ro.id, f.users.boss, T0 + 9 * H);
    await expect(issueCreditNote(f.store, 1, inv.id, ' ', f.users.boss, T0 + 10 * H)).rejects.toMatchObject({
      field: 'reason',
    });
    const credit = await issueCreditNote(
      f.store,
      1,
      inv.id,
      'adresse du client erronée',
      f.users.boss,
      T0 + 10 * H,
    );
    expect([credit.number, credit.kind, credit.corrects_number, credit.ttc_cents]).toEqual([
      'AV-2026-000001',
      'credit_note',
      'FA-2026-000001',
      17568,
    ]);
    expect(credit.issued.doc.preceding).toEqual({ number: 'FA-2026-000001', issueDate: '2026-03-02' });
    expect((await getInvoice(f.store, 1, inv.id)).corrected_by?.number).toBe('AV-2026-000001');
    await expect(
      issueCreditNote(f.store, 1, inv.id, 'encore', f.users.boss, T0 + 10 * H),
    ).rejects.toBeInstanceOf(ConflictError);
    expect((await getOrder(f.store, 1, ro.id)).invoice).toBeNull();
    const again = await issueInvoice(f.store, 1, ro.id, f.users.boss, T0 + 11 * H);
    expect(again.number).toBe('FA-2026-000002');
    expect((await listInvoices(f.store, 1)).map((i) => i.number)).toEqual([
      'FA-2026-000002',
      'AV-2026-000001',
      'FA-2026-000001',
    ]);
    const { pdf } = await invoicePdf(f.store, 1, credit.id);
    if (HAVE_POPPLER) {
      const file = join(dir, 'credit.pdf');
      writeFileSync(file, pdf);
      const text = tool('pdftotext', ['-layout', file, '-']).stdout;
      expect(text).toContain('AVOIR');
      expect(text).toContain('Avoir sur la facture FA-2026-000001');
    }
  });

  it('keeps invoices through a GDPR erasure: the law keeps them ten years, the export lists them', async () => {
    const ro = await readyOrder();
    const inv = await issueInvoice(f.store, 1, ro.id, f.users.boss, T0 + 9 * H);
    const customer = (await getOrder(f.store, 1, ro.id)).customer_id!;
    expect(((await exportCustomer(f.store, 1, customer)).invoices as unknown[]).length).toBe(1);
    await eraseCustomer(f.store, 1, customer, f.users.boss.id, T0 + 10 * H);
    const kept = await getInvoice(f.store, 1, inv.id);
    expect(kept.buyer_name).toBe('Camille Client');
    expect(kept.issued.doc.buyer.address.line1).toBe('3 place Bellecour');
    const c = await f.store.get<{ name: string; address_line1: string }>(
      'SELECT name, address_line1 FROM customers WHERE id = ?',
      [customer],
    );
    expect(c).toEqual({ name: '—', address_line1: '' });
  });
});

describe('the order and its diagnosis', () => {
  /** A guided session on the order that concluded on `cause` (the expert path, answered truthfully). */
  async function concludedSession(roId: number, cause: string, tree: string) {
    const kb = loadKnowledgeBase();
    const session = GuidedSession.start(
      kb,
      { vehicle: 'petrol', dtcs: ['P0420'], complaint: 'voyant moteur' },
      { treeId: tree },
    );
    // the expert path until an inspection finds the cause: the session then waits for its repair
    for (let i = 0; i < 30 && session.state === 'diagnose'; i++) {
      const next = session.next();
      if (!next) break;
      for (const s of next.safety) session.recordSafety(s);
      session.record(next.test.id, next.kind === 'inspection' && next.cause.id === cause ? 'bad' : 'good');
    }
    expect(session.pendingRepair?.id).toBe(cause);
    const s = await f.store.get<{ id: number }>(
      `INSERT INTO diag_sessions (site_id, ro_id, user_id, adapter_kind, adapter_spec, state, guided, started_at)
       VALUES (1, ?, ?, 'tcp', '127.0.0.1:35000', 'closed', ?, ?) RETURNING id`,
      [roId, f.users.tech.id, JSON.stringify(session.toJSON()), T0 + H],
    );
    for (const [item, codes] of [
      ['stored', ['P0420']],
      ['pending', []],
      ['after.stored', []],
    ] as const)
      await f.store.run(
        "INSERT INTO diag_readings (session_id, kind, ecu, item, value, at) VALUES (?, 'dtcs', '7E8', ?, ?, ?)",
        [s!.id, item, JSON.stringify(codes), T0 + H],
      );
    await f.store.run(
      "INSERT INTO diag_readings (session_id, kind, ecu, item, value, at) VALUES (?, 'freeze', '7E8', '0C', ?, ?)",
      [s!.id, JSON.stringify(1850.5), T0 + H],
    );
    return s!.id;
  }

  it('takes its diagnosis from the session run on it and proposes the repair lines of the quote', async () => {
    const ro = await orderAtDiagnosis();
    expect(await orderDiagnosis(f.store, 1, ro.id)).toBeNull();
    await expect(proposeRepairLines(f.store, 1, ro.id)).rejects.toMatchObject({ field: 'diagnosis' });
    const sid = await concludedSession(ro.id, 'o2_downstream_faulty', 'catalyst');
    const d = (await orderDiagnosis(f.store, 1, ro.id))!;
    expect(d.session.id).toBe(sid);
    expect(d.conclusion).toMatchObject({
      status: 'found',
      cause: 'o2_downstream_faulty',
      name: { fr: 'Sonde lambda aval défaillante' },
    });
    expect(d.conclusion!.probability).toBeGreaterThan(0.5);
    expect(d.codesBefore).toEqual([{ code: 'P0420', memory: 'stored', ecu: '7E8' }]);
    expect(d.codesAfter).toEqual([]);
    expect(d.freezeFrame).toEqual([{ ecu: '7E8', pid: '0C', value: 1850.5 }]);
    expect(d.tests.length).toBeGreaterThan(0);
    // the cause found is the order's diagnosis: the quote may follow without notes
    const lines = await proposeRepairLines(f.store, 1, ro.id);
    // the knowledge base's repair: 0.5 h scheduled at the first posted rate, 85 € of parts
    expect(
      lines.map((l) => [l.kind, l.description, l.quantity_milli, l.unit_price_cents, l.time_basis]),
    ).toEqual([
      ['labour', 'Remplacer la sonde aval', 500, 6500, 'schedule'],
      ['part', 'Pièces : remplacer la sonde aval', 1000, 8500, null],
    ]);
    await expect(proposeRepairLines(f.store, 1, ro.id)).rejects.toThrow(/already on the quote/);
    expect((await getOrder(f.store, 1, ro.id)).diagnosis_session_id).toBe(sid);
    await transitionOrder(f.store, 1, ro.id, 'quote', f.users.tech, T0 + 2 * H);
  });

  it('bills the proposed labour at the posted rate the mechanic chooses, and refuses one not posted', async () => {
    const ro = await orderAtDiagnosis();
    await concludedSession(ro.id, 'o2_downstream_faulty', 'catalyst');
    const t3 = (await listRates(f.store, 1)).find((r) => r.code === 'T3')!;
    await expect(proposeRepairLines(f.store, 1, ro.id, 9999)).rejects.toMatchObject({ field: 'rateId' });
    await saveRate(f.store, 1, { code: 'OLD', labelFr: 'Ancien taux', rateCents: 5000, active: false });
    const old = (await listRates(f.store, 1)).find((r) => r.code === 'OLD')!;
    await expect(proposeRepairLines(f.store, 1, ro.id, old.id)).rejects.toMatchObject({ field: 'rateId' });
    expect(await linesOf(f.store, ro.id)).toEqual([]);
    const [labour] = await proposeRepairLines(f.store, 1, ro.id, t3.id);
    expect([labour!.labour_rate_id, labour!.quantity_milli, labour!.unit_price_cents]).toEqual([
      t3.id,
      500,
      9000,
    ]);
  });
});

describe('identity checks', () => {
  it('checks a SIRET by its Luhn key and a French VAT number by its key and SIREN', () => {
    expect(isSiret('12345678200028')).toBe(true);
    expect(isSiret('12345678200029')).toBe(false);
    expect(isSiret('1234567820002')).toBe(false);
    // La Poste's establishments: the INSEE rule (sum of digits multiple of 5)
    expect(isSiret('35600000000001')).toBe(true); // digits add up to 15
    expect(isSiret('35600000000002')).toBe(false);
    expect(isFrenchVatId('FR11123456782', '123456782')).toBe(true);
    expect(isFrenchVatId('FR12123456782')).toBe(false);
    expect(isFrenchVatId('FR11123456782', '999999999')).toBe(false);
  });
});

it('clockWork is what the clocking page records (used by the fixtures)', async () => {
  const ro = await orderAtDiagnosis();
  await clockWork(f, ro.id, f.users.tech.id, T0, T0 + H);
  const e = await f.store.get<{ kind: string; end_at: number }>(
    'SELECT kind, end_at FROM clock_entries WHERE ro_id = ?',
    [ro.id],
  );
  expect(e).toEqual({ kind: 'operation', end_at: T0 + H });
});
