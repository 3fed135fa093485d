/**
 * Quotes, invoices and the workshop's identity: quote lines changed or removed while the quote is
 * editable, repair lines proposed from the order's diagnosis, the quality-control checklist, the
 * invoice issued (Factur-X) and corrected by a credit note, the printable quote and invoice, the
 * invoice journal, and the identity and posted rates every document carries.
 */

import { parseDecimal } from '@atelier/facturx';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { formatDay, formatMoney } from '../i18n.js';
import { getCustomer } from '../services/customers.js';
import { ValidationError } from '../services/errors.js';
import {
  currentInvoice,
  getInvoice,
  type Invoice,
  invoicePdf,
  invoiceXml,
  issueCreditNote,
  issueInvoice,
  listInvoices,
} from '../services/invoices.js';
import { orderDiagnosis, proposeRepairLines } from '../services/order-diagnosis.js';
import { getOrder } from '../services/orders.js';
import { type QcResult, qualityStatus, recordQualityChecks } from '../services/quality.js';
import { agreementsOf, deleteLine, updateLine } from '../services/quotes.js';
import {
  getProfile,
  listRates,
  profileInput,
  profileProblems,
  saveRate,
  TIME_BILLING,
  TIME_BILLING_LABEL,
  updateProfile,
  type WorkshopProfile,
} from '../services/workshop-profile.js';
import { type Html, html } from '../web/html.js';
import { csrfField, renderPage, sendPage, T } from '../web/layout.js';
import { twin, typed } from '../web/routes.js';
import {
  apiErrors,
  csrfProp,
  idParams,
  orderDetailSchema,
  pageErrors,
  pageResponses,
  totalsSchema,
} from '../web/schemas.js';
import { FRONT_DESK, MANAGERS, STAFF } from '../web/types.js';
import { invoiceDocument, quoteDocument } from './document-views.js';
import { lineBody, lineInput, needConfirmation } from './orders.js';

const WORKERS = ['apprentice', 'technician', 'manager', 'admin'] as const;
const DOC_ASSETS = ['/static/documents.css', '/static/documents.js'];

const lineParams = {
  type: 'object',
  required: ['id', 'lineId'],
  properties: { id: { type: 'integer', minimum: 1 }, lineId: { type: 'integer', minimum: 1 } },
} as const;
const confirmBody = {
  type: 'object',
  properties: { confirm: { type: 'string', enum: ['yes', ''] }, ...csrfProp },
} as const;
const creditBody = {
  type: 'object',
  required: ['reason'],
  properties: {
    reason: { type: 'string', minLength: 1, maxLength: 500 },
    confirm: { type: 'string', enum: ['yes', ''] },
    ...csrfProp,
  },
} as const;
/** The checklist as a form sends it: result_<item> and note_<item>; the API sends the same fields. */
const qualityBody = {
  type: 'object',
  additionalProperties: { type: 'string', maxLength: 500 },
  properties: { ...csrfProp },
} as const;
const profileBody = {
  type: 'object',
  properties: {
    legal_name: { type: 'string', maxLength: 200 },
    trading_name: { type: 'string', maxLength: 200 },
    legal_form: { type: 'string', maxLength: 200 },
    siret: { type: 'string', maxLength: 20 },
    vat_id: { type: 'string', maxLength: 20 },
    register: { type: 'string', maxLength: 200 },
    address_line1: { type: 'string', maxLength: 200 },
    address_line2: { type: 'string', maxLength: 200 },
    postcode: { type: 'string', maxLength: 20 },
    city: { type: 'string', maxLength: 100 },
    country: { type: 'string', maxLength: 2 },
    phone: { type: 'string', maxLength: 40 },
    email: { type: 'string', maxLength: 200 },
    iban: { type: 'string', maxLength: 40 },
    bic: { type: 'string', maxLength: 11 },
    mediator: { type: 'string', maxLength: 300 },
    payment_days: { type: 'integer', minimum: 0, maximum: 60 },
    quote_validity_days: { type: 'integer', minimum: 0, maximum: 365 },
    quote_fee: { type: 'string', maxLength: 20 },
    time_billing: { type: 'string', enum: [...TIME_BILLING] },
    ...csrfProp,
  },
} as const;
const rateBody = {
  type: 'object',
  required: ['code', 'labelFr', 'rate'],
  properties: {
    code: { type: 'string', minLength: 1, maxLength: 12 },
    labelFr: { type: 'string', minLength: 1, maxLength: 100 },
    labelEn: { type: 'string', maxLength: 100, default: '' },
    /** Euros per hour, excluding VAT. */
    rate: { type: ['string', 'number'], maxLength: 20 },
    vatRate: { type: 'integer', enum: [2000, 1000, 550, 210, 0], default: 2000 },
    active: { type: 'string', enum: ['yes', 'no', ''], default: 'yes' },
    ...csrfProp,
  },
} as const;

const profileSchema = {
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(
    [
      ...Object.keys(profileBody.properties).filter((k) => k !== '_csrf' && k !== 'quote_fee'),
      'quote_fee_cents',
      'updated_at',
    ].map((k) => [
      k,
      k.endsWith('_days') || k.endsWith('_cents') || k === 'updated_at'
        ? { type: ['integer', 'null'] }
        : { type: 'string' },
    ]),
  ),
} as const;
const rateSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    id: { type: 'integer' },
    code: { type: 'string' },
    label_fr: { type: 'string' },
    label_en: { type: 'string' },
    rate_cents: { type: 'integer' },
    vat_rate_bp: { type: 'integer' },
    active: { type: 'integer' },
  },
} as const;
const invoiceSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    id: { type: 'integer' },
    number: { type: 'string' },
    kind: { type: 'string', enum: ['invoice', 'credit_note'] },
    ro_id: { type: 'integer' },
    order_number: { type: 'string' },
    corrects_number: { type: ['string', 'null'] },
    corrected_by: {
      type: ['object', 'null'],
      additionalProperties: false,
      properties: { id: { type: 'integer' }, number: { type: 'string' } },
    },
    issue_date: { type: 'string' },
    due_date: { type: ['string', 'null'] },
    issued_at: { type: 'integer' },
    issued_by_name: { type: ['string', 'null'] },
    buyer_name: { type: 'string' },
    totals: totalsSchema,
    /** The document as issued (EN 16931 terms: parties, lines in cents and thousandths, notes). */
    document: { description: 'InvoiceDocument of @atelier/facturx, as issued' },
    pdf: { type: 'string', description: 'URL of the Factur-X PDF' },
  },
} as const;

const toJson = (i: Invoice) => ({
  id: i.id,
  number: i.number,
  kind: i.kind,
  ro_id: i.ro_id,
  order_number: i.order_number,
  corrects_number: i.corrects_number,
  corrected_by: i.corrected_by,
  issue_date: i.issue_date,
  due_date: i.due_date,
  issued_at: i.issued_at,
  issued_by_name: i.issued_by_name,
  buyer_name: i.buyer_name,
  totals: { ht: i.ht_cents / 100, tva: i.tva_cents / 100, ttc: i.ttc_cents / 100 },
  document: i.issued.doc,
  pdf: `/invoices/${i.id}/pdf`,
});

function sendPdf(reply: FastifyReply, number: string, pdf: Buffer): FastifyReply {
  return reply
    .code(200)
    .type('application/pdf')
    .header('content-disposition', `inline; filename="${number}.pdf"`)
    .header('cache-control', 'private, no-store')
    .send(pdf);
}

const pdfResponses = {
  200: {
    description: 'PDF/A-3 Factur-X (factur-x.xml attaché) / Factur-X PDF/A-3 (factur-x.xml attached)',
    content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
  },
  ...apiErrors,
} as const;

function profileForm(req: FastifyRequest, p: WorkshopProfile): Html {
  const field = (name: keyof WorkshopProfile, label: { fr: string; en: string }) =>
    html`<label>${T(req, label)} <input name="${name}" value="${String(p[name] ?? '')}"></label>`;
  const problems = profileProblems(p);
  return html`${problems.length ? html`<p class="error" role="alert">${T(req, { fr: 'Mentions manquantes sur les documents', en: 'Mentions missing from the documents' })} : ${problems.map((x) => T(req, x)).join(', ')}</p>` : ''}
<form method="post" action="/settings/workshop" class="card workshop-profile">${csrfField(req)}
<h2>${T(req, { fr: 'Identité sur les documents', en: 'Identity on the documents' })}</h2>
${field('legal_name', { fr: 'Raison sociale', en: 'Legal name' })}
${field('trading_name', { fr: 'Nom commercial', en: 'Trading name' })}
${field('legal_form', { fr: 'Forme juridique et capital', en: 'Legal form and share capital' })}
${field('siret', { fr: 'SIRET', en: 'SIRET' })}
${field('vat_id', { fr: 'N° de TVA intracommunautaire', en: 'VAT number' })}
${field('register', { fr: 'Immatriculation (RCS / RM)', en: 'Register (RCS / RM)' })}
${field('address_line1', { fr: 'Adresse', en: 'Address' })}
${field('address_line2', { fr: 'Complément', en: 'Address (continued)' })}
${field('postcode', { fr: 'Code postal', en: 'Postcode' })}
${field('city', { fr: 'Ville', en: 'City' })}
${field('country', { fr: 'Pays (code)', en: 'Country (code)' })}
${field('phone', { fr: 'Téléphone', en: 'Phone' })}
${field('email', { fr: 'E-mail', en: 'E-mail' })}
${field('iban', { fr: 'IBAN', en: 'IBAN' })}
${field('bic', { fr: 'BIC', en: 'BIC' })}
${field('mediator', { fr: 'Médiateur de la consommation', en: 'Consumer mediator' })}
<label>${T(req, { fr: 'Paiement à (jours, 0 = à réception)', en: 'Payment within (days, 0 = on receipt)' })} <input name="payment_days" type="number" min="0" max="60" value="${p.payment_days}"></label>
<label>${T(req, { fr: 'Validité des devis (jours)', en: 'Quote validity (days)' })} <input name="quote_validity_days" type="number" min="0" max="365" value="${p.quote_validity_days}"></label>
<label>${T(req, { fr: 'Prix du devis TTC (€, 0 = gratuit)', en: 'Quote fee incl. VAT (€, 0 = free)' })} <input name="quote_fee" inputmode="decimal" value="${String(p.quote_fee_cents / 100)}"></label>
<label>${T(req, { fr: 'Le temps est facturé', en: 'Time is billed' })} <select name="time_billing">${TIME_BILLING.map((b) => html`<option value="${b}" ${b === p.time_billing ? html`selected` : ''}>${T(req, TIME_BILLING_LABEL[b])}</option>`)}</select></label>
<button type="submit">${T(req, { fr: 'Enregistrer', en: 'Save' })}</button></form>`;
}

async function documents(scope: FastifyInstance): Promise<void> {
  const app = typed(scope);
  const { store, clock } = app.deps;
  const toOrder = (id: number) => `/orders/${id}`;
  const orderJson = {
    response: orderDetailSchema,
    json: (id: number, req: FastifyRequest) => getOrder(store, req.user!.site_id, id),
  };

  // ——— Quote lines ———
  twin(app, 'POST', {
    access: WORKERS,
    tags: ['quotes'],
    schema: { params: lineParams, body: lineBody },
    handler: async (req) => {
      await updateLine(store, req.user!.site_id, req.params.id, req.params.lineId, lineInput(req.body));
      return req.params.id;
    },
    page: { url: '/orders/:id/lines/:lineId', redirect: (id) => `${toOrder(id)}#quote` },
    api: { method: 'PUT', url: '/api/orders/:id/lines/:lineId', ...orderJson },
  });
  twin(app, 'POST', {
    access: WORKERS,
    tags: ['quotes'],
    schema: { params: lineParams, body: confirmBody },
    handler: async (req) => {
      needConfirmation(req, req.body ?? {});
      await deleteLine(store, req.user!.site_id, req.params.id, req.params.lineId);
      return req.params.id;
    },
    page: { url: '/orders/:id/lines/:lineId/delete', redirect: (id) => `${toOrder(id)}#quote` },
    api: { method: 'DELETE', url: '/api/orders/:id/lines/:lineId', noBody: true, ...orderJson },
  });
  twin(app, 'POST', {
    access: WORKERS,
    tags: ['quotes'],
    schema: {
      params: idParams,
      body: {
        type: 'object',
        // the posted rate the proposed labour is billed at; the API's default is the first posted rate
        properties: { rateId: { type: 'integer', minimum: 1 }, ...csrfProp },
        additionalProperties: false,
      },
    },
    handler: async (req) => {
      await proposeRepairLines(store, req.user!.site_id, req.params.id, req.body?.rateId);
      return req.params.id;
    },
    page: { url: '/orders/:id/propose-lines', redirect: (id) => `${toOrder(id)}#quote` },
    api: { url: '/api/orders/:id/propose-lines', ...orderJson },
  });

  // ——— The order's diagnosis as data ———
  app.get('/api/orders/:id/diagnosis', {
    config: { access: STAFF },
    schema: {
      tags: ['orders'],
      params: idParams,
      response: {
        200: { description: 'OrderDiagnosis, or null when no session ran on the order' },
        ...apiErrors,
      },
    },
    handler: async (req) => {
      await getOrder(store, req.user!.site_id, req.params.id);
      return orderDiagnosis(store, req.user!.site_id, req.params.id);
    },
  });

  // ——— Quality control ———
  twin(app, 'POST', {
    access: FRONT_DESK,
    tags: ['orders'],
    schema: { params: idParams, body: qualityBody },
    handler: async (req) => {
      const body = req.body as Record<string, string>;
      const results = Object.entries(body)
        .filter(([k, v]) => k.startsWith('result_') && v)
        .map(([k, v]) => ({
          item: k.slice(7),
          result: v as QcResult,
          note: body[`note_${k.slice(7)}`] ?? '',
        }));
      await recordQualityChecks(store, req.user!.site_id, req.params.id, results, req.user!, clock.now());
      return req.params.id;
    },
    page: { url: '/orders/:id/quality', redirect: (id) => `${toOrder(id)}#quality` },
    api: { url: '/api/orders/:id/quality', ...orderJson },
  });
  app.get('/api/orders/:id/quality', {
    config: { access: STAFF },
    schema: {
      tags: ['orders'],
      params: idParams,
      response: { 200: { description: 'QcStatus' }, ...apiErrors },
    },
    handler: async (req) => qualityStatus(store, req.user!.site_id, req.params.id),
  });

  // ——— Invoices ———
  twin(app, 'POST', {
    access: MANAGERS,
    tags: ['invoices'],
    schema: { params: idParams, body: confirmBody },
    handler: async (req) => {
      needConfirmation(req, req.body ?? {});
      return issueInvoice(store, req.user!.site_id, req.params.id, req.user!, clock.now());
    },
    page: { url: '/orders/:id/invoice', redirect: (inv) => `/invoices/${inv.id}` },
    api: { url: '/api/orders/:id/invoice', status: 201, noBody: true, response: invoiceSchema, json: toJson },
  });
  app.get('/api/orders/:id/invoice.pdf', {
    config: { access: STAFF },
    schema: { tags: ['invoices'], params: idParams, response: pdfResponses },
    handler: async (req, reply) => {
      await getOrder(store, req.user!.site_id, req.params.id);
      const inv = await currentInvoice(store, req.user!.site_id, req.params.id);
      if (!inv)
        return reply.code(404).send({
          error: T(req, { fr: 'cet ordre n’a pas de facture', en: 'this order has no invoice' }),
        });
      const { number, pdf } = await invoicePdf(store, req.user!.site_id, inv.id);
      return sendPdf(reply, number, pdf);
    },
  });
  twin(app, 'GET', {
    access: MANAGERS,
    tags: ['invoices'],
    schema: {},
    handler: async (req) => listInvoices(store, req.user!.site_id),
    page: {
      url: '/invoices',
      render: async (list, req, reply) => {
        const problems = profileProblems(await getProfile(store, req.user!.site_id));
        const body = html`<p><a href="/settings/workshop">${T(req, { fr: 'Identité de l’atelier et taux horaires', en: 'Workshop identity and hourly rates' })}</a>${problems.length ? html` — <span class="error">${T(req, { fr: '{n} mention(s) manquante(s)', en: '{n} mention(s) missing' }, { n: problems.length })}</span>` : ''}</p>
<table class="journal"><thead><tr><th>${T(req, { fr: 'Numéro', en: 'Number' })}</th><th>${T(req, { fr: 'Date', en: 'Date' })}</th><th>${T(req, { fr: 'Client', en: 'Customer' })}</th><th>${T(req, { fr: 'Ordre', en: 'Order' })}</th><th class="num">HT</th><th class="num">TVA</th><th class="num">TTC</th></tr></thead>
<tbody>${list.map(
          (i) =>
            html`<tr class="${i.kind}"><td><a href="/invoices/${i.id}">${i.number}</a></td><td>${formatDay(req.lang, i.issue_date)}</td><td>${i.buyer_name}</td><td><a href="/orders/${i.ro_id}">${i.order_number}</a></td><td class="num">${formatMoney(req.lang, i.ht_cents)}</td><td class="num">${formatMoney(req.lang, i.tva_cents)}</td><td class="num">${formatMoney(req.lang, i.ttc_cents)}</td></tr>`,
        )}</tbody></table>`;
        return sendPage(
          reply,
          renderPage(
            req,
            { fr: 'Journal des factures et avoirs', en: 'Invoice and credit-note journal' },
            body,
            { scripts: DOC_ASSETS },
          ),
        );
      },
    },
    api: {
      url: '/api/invoices',
      response: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            id: { type: 'integer' },
            number: { type: 'string' },
            kind: { type: 'string' },
            ro_id: { type: 'integer' },
            order_number: { type: 'string' },
            issue_date: { type: 'string' },
            buyer_name: { type: 'string' },
            ht_cents: { type: 'integer' },
            tva_cents: { type: 'integer' },
            ttc_cents: { type: 'integer' },
          },
        },
      },
    },
  });
  twin(app, 'GET', {
    access: STAFF,
    tags: ['invoices'],
    schema: { params: idParams },
    handler: async (req) => getInvoice(store, req.user!.site_id, req.params.id),
    page: {
      url: '/invoices/:id',
      render: async (inv, req, reply) => {
        const credit = MANAGERS.includes(req.user!.role) && inv.kind === 'invoice' && !inv.corrected_by;
        const body = html`<p class="no-print"><button type="button" data-print>${T(req, { fr: 'Imprimer', en: 'Print' })}</button> <a href="/invoices/${inv.id}/pdf">PDF Factur-X</a> · <a href="/invoices/${inv.id}/factur-x.xml">factur-x.xml</a> · <a href="/orders/${inv.ro_id}">${inv.order_number}</a>${inv.corrected_by ? html` · <strong>${T(req, { fr: 'annulée par l’avoir', en: 'cancelled by credit note' })} <a href="/invoices/${inv.corrected_by.id}">${inv.corrected_by.number}</a></strong>` : ''}</p>
${req.lang === 'en' ? html`<p class="muted no-print">The invoice is issued in French, the language of the legal document; this page shows its labels in English.</p>` : ''}
${invoiceDocument(req, inv)}
${
  credit
    ? html`<form method="post" action="/invoices/${inv.id}/credit-note" class="card no-print">${csrfField(req)}
<h2>${T(req, { fr: 'Corriger par un avoir', en: 'Correct with a credit note' })}</h2>
<label>${T(req, { fr: 'Motif', en: 'Reason' })} <input name="reason" required maxlength="500"></label>
<label class="check confirm"><input type="checkbox" name="confirm" value="yes" required> ${T(req, { fr: 'Je confirme l’émission d’un avoir qui annule cette facture', en: 'I confirm issuing a credit note cancelling this invoice' })}</label>
<button type="submit">${T(req, { fr: 'Émettre l’avoir', en: 'Issue the credit note' })}</button></form>`
    : ''
}`;
        const title =
          inv.kind === 'invoice'
            ? { fr: `Facture ${inv.number}`, en: `Invoice ${inv.number}` }
            : { fr: `Avoir ${inv.number}`, en: `Credit note ${inv.number}` };
        return sendPage(reply, renderPage(req, title, body, { print: true, scripts: DOC_ASSETS }));
      },
    },
    api: { url: '/api/invoices/:id', response: invoiceSchema, json: toJson },
  });
  app.get('/invoices/:id/pdf', {
    config: { access: STAFF },
    schema: { tags: ['invoices'], params: idParams, response: { 200: pdfResponses[200], ...pageErrors } },
    handler: async (req, reply) => {
      const { number, pdf } = await invoicePdf(store, req.user!.site_id, req.params.id);
      return sendPdf(reply, number, pdf);
    },
  });
  app.get('/invoices/:id/factur-x.xml', {
    config: { access: STAFF },
    schema: {
      tags: ['invoices'],
      params: idParams,
      response: {
        200: {
          description: 'CII D16B, EN 16931',
          content: { 'application/xml': { schema: { type: 'string' } } },
        },
        ...pageErrors,
      },
    },
    handler: async (req, reply) => {
      const { number, xml } = await invoiceXml(store, req.user!.site_id, req.params.id);
      return reply
        .type('application/xml; charset=utf-8')
        .header('content-disposition', `inline; filename="${number}-factur-x.xml"`)
        .send(xml);
    },
  });
  twin(app, 'POST', {
    access: MANAGERS,
    tags: ['invoices'],
    schema: { params: idParams, body: creditBody },
    handler: async (req) => {
      needConfirmation(req, req.body);
      return issueCreditNote(
        store,
        req.user!.site_id,
        req.params.id,
        req.body.reason,
        req.user!,
        clock.now(),
      );
    },
    page: { url: '/invoices/:id/credit-note', redirect: (c) => `/invoices/${c.id}` },
    api: { url: '/api/invoices/:id/credit-note', status: 201, response: invoiceSchema, json: toJson },
  });

  // ——— The printable quote ———
  app.get('/orders/:id/quote', {
    config: { access: STAFF },
    schema: { tags: ['quotes'], params: idParams, response: pageResponses },
    handler: async (req, reply) => {
      const o = await getOrder(store, req.user!.site_id, req.params.id);
      const c = o.customer_id ? await getCustomer(store, req.user!.site_id, o.customer_id) : null;
      const body = html`<p class="no-print"><button type="button" data-print>${T(req, { fr: 'Imprimer / PDF', en: 'Print / PDF' })}</button> <a href="/orders/${o.id}">${o.number}</a></p>
${quoteDocument(req, o, await getProfile(store, o.site_id), await listRates(store, o.site_id), c && !c.erased_at ? c : null, await agreementsOf(store, o.id), clock.now())}`;
      return sendPage(
        reply,
        renderPage(req, { fr: `Devis ${o.number}`, en: `Quote ${o.number}` }, body, {
          print: true,
          scripts: DOC_ASSETS,
        }),
      );
    },
  });

  // ——— The workshop's identity and posted rates ———
  twin(app, 'GET', {
    access: MANAGERS,
    tags: ['settings'],
    schema: {},
    handler: async (req) => ({
      profile: await getProfile(store, req.user!.site_id),
      rates: await listRates(store, req.user!.site_id),
    }),
    page: {
      url: '/settings/workshop',
      render: async ({ profile, rates }, req, reply) => {
        const body = html`${profileForm(req, profile)}
<section class="card"><h2>${T(req, { fr: 'Taux horaires affichés (HT)', en: 'Posted hourly rates (excl. VAT)' })}</h2>
<table class="rates"><thead><tr><th>Code</th><th>${T(req, { fr: 'Libellé', en: 'Label' })}</th><th class="num">HT</th><th class="num">TVA</th><th></th></tr></thead><tbody>${rates.map(
          (r) =>
            html`<tr><td>${r.code}</td><td>${req.lang === 'fr' ? r.label_fr : r.label_en}</td><td class="num">${formatMoney(req.lang, r.rate_cents)}</td><td class="num">${r.vat_rate_bp / 100} %</td><td>${r.active ? '' : T(req, { fr: 'retiré', en: 'withdrawn' })}</td></tr>`,
        )}</tbody></table>
<form method="post" action="/settings/workshop/rates">${csrfField(req)}
<label>Code <input name="code" required maxlength="12"></label>
<label>${T(req, { fr: 'Libellé (français)', en: 'Label (French)' })} <input name="labelFr" required maxlength="100"></label>
<label>${T(req, { fr: 'Libellé (anglais)', en: 'Label (English)' })} <input name="labelEn" maxlength="100"></label>
<label>${T(req, { fr: 'Taux horaire HT (€)', en: 'Hourly rate excl. VAT (€)' })} <input name="rate" inputmode="decimal" required></label>
<label>${T(req, { fr: 'Affiché', en: 'Posted' })} <select name="active"><option value="yes">${T(req, { fr: 'oui', en: 'yes' })}</option><option value="no">${T(req, { fr: 'non (retiré)', en: 'no (withdrawn)' })}</option></select></label>
<button type="submit">${T(req, { fr: 'Enregistrer le taux', en: 'Save the rate' })}</button></form></section>`;
        return sendPage(
          reply,
          renderPage(req, { fr: 'Atelier : identité et taux', en: 'Workshop: identity and rates' }, body),
        );
      },
    },
    api: {
      url: '/api/workshop',
      response: {
        type: 'object',
        additionalProperties: false,
        properties: { profile: profileSchema, rates: { type: 'array', items: rateSchema } },
      },
    },
  });
  twin(app, 'POST', {
    access: MANAGERS,
    tags: ['settings'],
    schema: { body: profileBody },
    handler: async (req) =>
      updateProfile(
        store,
        req.user!.site_id,
        profileInput(req.body as Record<string, unknown>),
        req.user!.id,
        clock.now(),
      ),
    page: { url: '/settings/workshop', redirect: () => '/settings/workshop' },
    api: { method: 'PUT', url: '/api/workshop', response: profileSchema },
  });
  twin(app, 'POST', {
    access: MANAGERS,
    tags: ['settings'],
    schema: { body: rateBody },
    handler: async (req) => {
      const cents = parseDecimal(String(req.body.rate), 100);
      if (cents === null)
        throw new ValidationError(
          { fr: 'taux horaire invalide (euros)', en: 'invalid hourly rate (euros)' },
          'rate',
        );
      return saveRate(store, req.user!.site_id, {
        code: req.body.code,
        labelFr: req.body.labelFr,
        labelEn: req.body.labelEn || undefined,
        rateCents: cents,
        vatRateBp: req.body.vatRate,
        active: req.body.active !== 'no',
      });
    },
    page: { url: '/settings/workshop/rates', redirect: () => '/settings/workshop' },
    api: { url: '/api/workshop/rates', status: 201, response: rateSchema },
  });
}

/** Quotes, quality control, invoices and credit notes, the workshop's identity: pages and API. */
export const documentsPlugin = fp(documents, {
  name: 'atelier-documents',
  encapsulate: true,
  dependencies: ['atelier-core'],
  decorators: { fastify: ['deps'] },
});
