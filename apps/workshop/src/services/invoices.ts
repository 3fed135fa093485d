/**
 * Invoices and credit notes (avoirs). An invoice is issued once, from the approved lines of an
 * order that passed quality control, with the next number of one unbroken sequence per site, kind
 * and year (each site of a group is an establishment issuing under its own identity; a counter row taken in the same transaction: a rollback gives the number back, so there is
 * never a gap). What was issued is kept as issued — the document as data, the CII XML and the
 * Factur-X PDF with its SHA-256 — and never changed or deleted (the database refuses both); a
 * credit note corrects it. Invoices are written in French, the language of the legal document.
 */
import { createHash } from 'node:crypto';
import {
  facturxPdf,
  formatEuros,
  type InvoiceDocument,
  type InvoiceLine,
  type InvoiceNote,
  type Party,
} from '@atelier/facturx';
import type { Text } from '../i18n.js';
import type { Db, Store } from '../store/store.js';
import { nextInSequence } from './counters.js';
import { ENERGY_LABEL, STATE_LABEL } from './domain.js';
import { ConflictError, NotFoundError, ValidationError } from './errors.js';
import { isoDate } from './habilitations.js';
import { documentNumber, sitePrefix } from './invoice-series.js';
import { getOrder, type OrderDetail } from './orders.js';
import { currentInvoiceId } from './process.js';
import { PART_ORIGIN_LABEL, type QuoteLine, TIME_BASIS_LABEL, UNIT_CODE } from './quotes.js';
import {
  getProfile,
  listRates,
  profileProblems,
  TIME_BILLING_LABEL,
  type WorkshopProfile,
} from './workshop-profile.js';

export type InvoiceKind = 'invoice' | 'credit_note';

export interface InvoiceRow {
  id: number;
  number: string;
  kind: InvoiceKind;
  ro_id: number;
  corrects_id: number | null;
  issue_date: string;
  due_date: string | null;
  issued_at: number;
  issued_by: number;
  buyer_name: string;
  ht_cents: number;
  tva_cents: number;
  ttc_cents: number;
}

/** What was issued: the document and what the PDF printed beside it. */
export interface IssuedDocument {
  doc: InvoiceDocument;
  details: [string, string][];
  mentions: string[];
}

export interface Invoice extends InvoiceRow {
  issued_by_name: string | null;
  order_number: string;
  corrects_number: string | null;
  corrected_by: { id: number; number: string } | null;
  issued: IssuedDocument;
}

const INVOICE = { fr: 'Facture', en: 'Invoice' };
const COLUMNS =
  'i.id, i.number, i.kind, i.ro_id, i.corrects_id, i.issue_date, i.due_date, i.issued_at, i.issued_by, i.buyer_name, i.ht_cents, i.tva_cents, i.ttc_cents';

/** The calendar date in Paris (an invoice issued at 00:30 in France is dated that day, not the day before in UTC). */
export function parisDate(ms: number): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Paris',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(ms));
  return parts;
}

const addDays = (iso: string, days: number) => isoDate(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000);

function sellerOf(p: WorkshopProfile): Party {
  return {
    name: p.legal_name,
    tradingName: p.trading_name || undefined,
    legalForm: p.legal_form || undefined,
    siret: p.siret,
    vatId: p.vat_id || undefined,
    register: p.register || undefined,
    address: {
      line1: p.address_line1,
      line2: p.address_line2 || undefined,
      postcode: p.postcode,
      city: p.city,
      country: p.country,
    },
    email: p.email || undefined,
    phone: p.phone || undefined,
  };
}

interface CustomerRow {
  id: number;
  name: string;
  email: string;
  phone: string;
  address_line1: string;
  address_line2: string;
  postcode: string;
  city: string;
  country: string;
  is_business: number;
  siret: string;
  vat_id: string;
  erased_at: number | null;
}

async function buyerOf(db: Db, o: OrderDetail): Promise<{ party: Party; business: boolean }> {
  const c = o.customer_id
    ? await db.get<CustomerRow>('SELECT * FROM customers WHERE id = ? AND site_id = ?', [
        o.customer_id,
        o.site_id,
      ])
    : undefined;
  if (!c || c.erased_at)
    throw new ConflictError(
      {
        fr: 'cet ordre n’a pas de client : rattachez le véhicule à un client avant de facturer',
        en: 'this order has no customer: link the vehicle to a customer before invoicing',
      },
      'customer',
    );
  if (!c.address_line1.trim() || !c.postcode.trim() || !c.city.trim())
    throw new ConflictError(
      {
        fr: `adresse du client ${c.name} incomplète (rue, code postal, ville) : complétez la fiche client`,
        en: `${c.name}'s address is incomplete (street, postcode, city): complete the customer's record`,
      },
      'customer',
    );
  return {
    business: !!c.is_business,
    party: {
      name: c.name,
      siret: c.is_business && c.siret ? c.siret : undefined,
      vatId: c.is_business && c.vat_id ? c.vat_id : undefined,
      address: {
        line1: c.address_line1,
        line2: c.address_line2 || undefined,
        postcode: c.postcode,
        city: c.city,
        country: c.country || 'FR',
      },
      email: c.email || undefined,
    },
  };
}

const fr = (t: Text) => t.fr;
const euros = (c: number) => formatEuros(c, 'fr');

/** The line as the invoice carries it: how labour time was billed, where a part comes from. */
function invoiceLine(
  l: QuoteLine,
  i: number,
  rates: Map<number, { code: string; label_fr: string }>,
): InvoiceLine {
  const notes: string[] = [];
  if (l.kind === 'labour') {
    const rate = l.labour_rate_id ? rates.get(l.labour_rate_id) : undefined;
    if (l.time_basis) notes.push(fr(TIME_BASIS_LABEL[l.time_basis]));
    if (rate && l.unit === 'hour') notes.push(`taux ${rate.code} (${rate.label_fr})`);
    if (l.unit === 'flat' && l.sold_hours > 0)
      notes.push(`${String(l.sold_hours).replace('.', ',')} h comprises`);
    if (l.schedule_ref) notes.push(`barème ${l.schedule_ref}`);
  } else if (l.part_origin) notes.push(`pièce ${fr(PART_ORIGIN_LABEL[l.part_origin])}`);
  return {
    id: String(i + 1),
    name: l.description,
    sellerRef: l.part_ref || undefined,
    quantityMilli: l.quantity_milli,
    unitCode: UNIT_CODE[l.unit],
    unitPriceCents: l.unit_price_cents,
    vatRateBp: l.vat_rate_bp,
    note: notes.join(' — ') || undefined,
  };
}

/** The mentions printed on an invoice of this workshop (arrêté du 2 mars 1990, Code de commerce, CGI). */
export function invoiceMentions(
  p: WorkshopProfile,
  rates: { code: string; label_fr: string; rate_cents: number; vat_rate_bp: number }[],
  business: boolean,
): { notes: InvoiceNote[]; mentions: string[] } {
  const notes: InvoiceNote[] = [{ subject: 'AAB', text: 'Pas d’escompte pour paiement anticipé.' }];
  if (business)
    notes.push(
      {
        subject: 'PMD',
        text: 'En cas de retard de paiement, pénalités au taux de refinancement de la BCE majoré de 10 points (art. L441-10 du Code de commerce).',
      },
      {
        subject: 'PMT',
        text: 'Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 € (art. D441-5 du Code de commerce).',
      },
    );
  const mentions = [
    `Taux horaires affichés à l’accueil (TTC) : ${rates
      .map(
        (r) =>
          `${r.code} ${r.label_fr} ${euros(Math.round((r.rate_cents * (10000 + r.vat_rate_bp)) / 10000))}`,
      )
      .join(' ; ')}. Le temps est facturé ${fr(TIME_BILLING_LABEL[p.time_billing])}.`,
    'Catégorie d’opérations : prestations de services et livraisons de biens.',
    'Les pièces remplacées sont tenues à votre disposition.',
  ];
  if (p.mediator) mentions.push(`Médiateur de la consommation : ${p.mediator}.`);
  return { notes, mentions };
}

function detailsOf(o: OrderDetail): [string, string][] {
  return [
    [
      'Véhicule',
      `${o.vehicle.maker} ${o.vehicle.model}${o.vehicle.model_year ? ` (${o.vehicle.model_year})` : ''} — ${ENERGY_LABEL[o.vehicle.energy].fr}`,
    ],
    ['Immatriculation', o.vehicle.plate || '—'],
    ['VIN', o.vehicle.vin],
    ['Kilométrage', o.odometer_km === null ? '—' : `${o.odometer_km.toLocaleString('fr-FR')} km`],
    ['Ordre de réparation', o.number],
  ];
}

async function insertInvoice(
  tx: Db,
  site: number,
  row: Omit<InvoiceRow, 'id'>,
  issued: IssuedDocument,
  xml: string,
  pdf: Uint8Array,
): Promise<number> {
  const r = await tx.get<{ id: number }>(
    `INSERT INTO invoices (site_id, number, kind, ro_id, corrects_id, issue_date, due_date, issued_at, issued_by, buyer_name,
       ht_cents, tva_cents, ttc_cents, document, xml, pdf, pdf_sha256)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    [
      site,
      row.number,
      row.kind,
      row.ro_id,
      row.corrects_id,
      row.issue_date,
      row.due_date,
      row.issued_at,
      row.issued_by,
      row.buyer_name,
      row.ht_cents,
      row.tva_cents,
      row.ttc_cents,
      JSON.stringify(issued),
      xml,
      Buffer.from(pdf).toString('base64'),
      createHash('sha256').update(pdf).digest('hex'),
    ],
  );
  return r!.id;
}

/**
 * Issues the order's invoice: the order has passed quality control ("ready"; or it was delivered
 * and its invoice cancelled by a credit note), no invoice stands, the workshop's mentions and the
 * customer's address are complete. Returns the invoice.
 */
export async function issueInvoice(
  store: Store,
  site: number,
  roId: number,
  actor: { id: number },
  now: number,
): Promise<Invoice> {
  const id = await store.transaction(async (tx) => {
    const o = await getOrder(tx, site, roId);
    if (o.state !== 'ready' && o.state !== 'delivered')
      throw new ConflictError(
        {
          fr: `on facture un ordre « ${STATE_LABEL.ready.fr} » (contrôle qualité passé), pas « ${STATE_LABEL[o.state].fr} »`,
          en: `an order is invoiced when '${STATE_LABEL.ready.en}' (quality control passed), not '${STATE_LABEL[o.state].en}'`,
        },
        'state',
      );
    if (await currentInvoiceId(tx, roId))
      throw new ConflictError(
        {
          fr: 'cet ordre a déjà une facture : un avoir l’annule avant d’en émettre une autre',
          en: 'this order already has an invoice: a credit note cancels it before another is issued',
        },
        'invoice',
      );
    const lines = o.lines.filter((l) => l.status === 'approved');
    if (!lines.length)
      throw new ConflictError(
        { fr: 'aucune ligne accordée à facturer', en: 'no approved line to invoice' },
        'lines',
      );
    const profile = await getProfile(tx, site);
    const missing = profileProblems(profile);
    if (missing.length)
      throw new ConflictError(
        {
          fr: `mentions obligatoires de l’atelier manquantes : ${missing.map((m) => m.fr).join(', ')}`,
          en: `the workshop's mandatory mentions are missing: ${missing.map((m) => m.en).join(', ')}`,
        },
        'profile',
      );
    const buyer = await buyerOf(tx, o);
    const rates = await listRates(tx, site);
    const rateMap = new Map(rates.map((r) => [r.id, r]));
    const issueDate = parisDate(now);
    const dueDate = addDays(issueDate, profile.payment_days);
    const year = issueDate.slice(0, 4);
    const number = documentNumber(
      'invoice',
      await sitePrefix(tx, site),
      year,
      await nextInSequence(tx, `invoice:${site}:${year}`),
    );
    const { notes, mentions } = invoiceMentions(
      profile,
      rates.filter((r) => r.active),
      buyer.business,
    );
    const doc: InvoiceDocument = {
      typeCode: '380',
      number,
      issueDate,
      deliveryDate: issueDate,
      dueDate,
      paymentTerms: profile.payment_days
        ? `Paiement à ${profile.payment_days} jours, le ${dueDate.split('-').reverse().join('/')}`
        : 'Payable à réception de la facture',
      currency: 'EUR',
      seller: sellerOf(profile),
      buyer: buyer.party,
      buyerReference: o.number,
      lines: lines.map((l, i) => invoiceLine(l, i, rateMap)),
      notes,
      paymentMeans: profile.iban
        ? {
            typeCode: '58',
            iban: profile.iban,
            bic: profile.bic || undefined,
            accountName: profile.legal_name,
          }
        : undefined,
    };
    const details = detailsOf(o);
    const { pdf, xml, totals } = await facturxPdf({
      doc,
      lang: 'fr',
      details,
      mentions,
      createdAt: new Date(now),
    });
    const invoiceId = await insertInvoice(
      tx,
      site,
      {
        number,
        kind: 'invoice',
        ro_id: roId,
        corrects_id: null,
        issue_date: issueDate,
        due_date: dueDate,
        issued_at: now,
        issued_by: actor.id,
        buyer_name: buyer.party.name,
        ht_cents: totals.ht,
        tva_cents: totals.tva,
        ttc_cents: totals.ttc,
      },
      { doc, details, mentions },
      xml,
      pdf,
    );
    await tx.run(
      'INSERT INTO ro_events (ro_id, from_state, to_state, user_id, at, note) VALUES (?, ?, ?, ?, ?, ?)',
      [roId, o.state, o.state, actor.id, now, `invoice: ${number}`],
    );
    return invoiceId;
  });
  return getInvoice(store, site, id);
}

/**
 * A credit note (avoir) cancelling an invoice in full: same lines and amounts, type 381, naming the
 * invoice it corrects and why. The order can then be invoiced again (a corrected address, say).
 */
export async function issueCreditNote(
  store: Store,
  site: number,
  invoiceId: number,
  reason: string,
  actor: { id: number },
  now: number,
): Promise<Invoice> {
  const why = reason.trim();
  if (!why)
    throw new ValidationError(
      { fr: 'motif de l’avoir obligatoire', en: 'reason for the credit note required' },
      'reason',
    );
  const id = await store.transaction(async (tx) => {
    const inv = await getInvoice(tx, site, invoiceId);
    if (inv.kind !== 'invoice')
      throw new ConflictError(
        {
          fr: 'un avoir ne s’annule pas par un avoir',
          en: 'a credit note is not cancelled by a credit note',
        },
        'invoice',
      );
    if (inv.corrected_by)
      throw new ConflictError(
        {
          fr: `la facture ${inv.number} est déjà annulée par l’avoir ${inv.corrected_by.number}`,
          en: `invoice ${inv.number} is already cancelled by credit note ${inv.corrected_by.number}`,
        },
        'invoice',
      );
    const issueDate = parisDate(now);
    const year = issueDate.slice(0, 4);
    const number = documentNumber(
      'credit_note',
      await sitePrefix(tx, site),
      year,
      await nextInSequence(tx, `credit_note:${site}:${year}`),
    );
    const doc: InvoiceDocument = {
      ...inv.issued.doc,
      typeCode: '381',
      number,
      issueDate,
      deliveryDate: inv.issued.doc.deliveryDate,
      dueDate: undefined,
      paymentTerms: 'Montant porté au crédit du client',
      preceding: { number: inv.number, issueDate: inv.issue_date },
      notes: [{ subject: 'AAI', text: `Motif de l’avoir : ${why}` }],
    };
    const { pdf, xml, totals } = await facturxPdf({
      doc,
      lang: 'fr',
      details: inv.issued.details,
      mentions: [],
      createdAt: new Date(now),
    });
    const creditId = await insertInvoice(
      tx,
      site,
      {
        number,
        kind: 'credit_note',
        ro_id: inv.ro_id,
        corrects_id: inv.id,
        issue_date: issueDate,
        due_date: null,
        issued_at: now,
        issued_by: actor.id,
        buyer_name: inv.buyer_name,
        ht_cents: totals.ht,
        tva_cents: totals.tva,
        ttc_cents: totals.ttc,
      },
      { doc, details: inv.issued.details, mentions: [] },
      xml,
      pdf,
    );
    const state = await tx.get<{ state: string }>('SELECT state FROM repair_orders WHERE id = ?', [
      inv.ro_id,
    ]);
    await tx.run(
      'INSERT INTO ro_events (ro_id, from_state, to_state, user_id, at, note) VALUES (?, ?, ?, ?, ?, ?)',
      [inv.ro_id, state!.state, state!.state, actor.id, now, `credit note: ${number} (${inv.number})`],
    );
    return creditId;
  });
  return getInvoice(store, site, id);
}

/** An invoice or credit note of `site`: another site's is not found. */
export async function getInvoice(db: Db, site: number, id: number): Promise<Invoice> {
  const row = await db.get<
    InvoiceRow & {
      document: string;
      issued_by_name: string | null;
      order_number: string;
      corrects_number: string | null;
    }
  >(
    `SELECT ${COLUMNS}, i.document, u.name AS issued_by_name, r.number AS order_number, c.number AS corrects_number
     FROM invoices i JOIN repair_orders r ON r.id = i.ro_id LEFT JOIN users u ON u.id = i.issued_by
     LEFT JOIN invoices c ON c.id = i.corrects_id WHERE i.id = ? AND i.site_id = ?`,
    [id, site],
  );
  if (!row) throw new NotFoundError(INVOICE, id);
  const credit = await db.get<{ id: number; number: string }>(
    'SELECT id, number FROM invoices WHERE corrects_id = ?',
    [id],
  );
  const { document, ...rest } = row;
  return { ...rest, issued: JSON.parse(document) as IssuedDocument, corrected_by: credit ?? null };
}

/** The PDF exactly as issued, and its checksum checked (a changed file would not be served as the invoice). */
export async function invoicePdf(db: Db, site: number, id: number): Promise<{ number: string; pdf: Buffer }> {
  const row = await db.get<{ number: string; pdf: string; pdf_sha256: string }>(
    'SELECT number, pdf, pdf_sha256 FROM invoices WHERE id = ? AND site_id = ?',
    [id, site],
  );
  if (!row) throw new NotFoundError(INVOICE, id);
  const pdf = Buffer.from(row.pdf, 'base64');
  if (createHash('sha256').update(pdf).digest('hex') !== row.pdf_sha256)
    throw new Error(`invoice ${row.number}: the stored PDF does not match its checksum`);
  return { number: row.number, pdf };
}

export async function invoiceXml(db: Db, site: number, id: number): Promise<{ number: string; xml: string }> {
  const row = await db.get<{ number: string; xml: string }>(
    'SELECT number, xml FROM invoices WHERE id = ? AND site_id = ?',
    [id, site],
  );
  if (!row) throw new NotFoundError(INVOICE, id);
  return row;
}

export function invoicesOfOrder(db: Db, roId: number): Promise<InvoiceRow[]> {
  return db.all<InvoiceRow>(`SELECT ${COLUMNS} FROM invoices i WHERE i.ro_id = ? ORDER BY i.id`, [roId]);
}

/** The journal: every invoice and credit note, newest first (the sequence shows any gap at a glance). */
export function listInvoices(
  db: Db,
  site: number,
  limit = 500,
): Promise<(InvoiceRow & { order_number: string })[]> {
  return db.all(
    `SELECT ${COLUMNS}, r.number AS order_number FROM invoices i JOIN repair_orders r ON r.id = i.ro_id
     WHERE i.site_id = ? ORDER BY i.issued_at DESC, i.id DESC LIMIT ?`,
    [site, limit],
  );
}

/** The current invoice of an order, for the API and the order page. */
export async function currentInvoice(db: Db, site: number, roId: number): Promise<Invoice | null> {
  const id = await currentInvoiceId(db, roId);
  return id ? getInvoice(db, site, id) : null;
}
