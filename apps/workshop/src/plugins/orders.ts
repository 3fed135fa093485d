import { parseDecimal } from '@atelier/facturx';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { formatDateTime, formatKm } from '../i18n.js';
import { type AdapterOption, adapterOptions } from '../services/adapter-offer.js';
import { parisDay } from '../services/calendar.js';
import { getCustomer, listVehicles } from '../services/customers.js';
import {
  ENERGY_LABEL,
  isHighVoltage,
  type Role,
  STATE_LABEL,
  STATES,
  type State,
  TRANSITIONS,
} from '../services/domain.js';
import { ValidationError } from '../services/errors.js';
import { habilitationAlerts, isoDate } from '../services/habilitations.js';
import { invoicesOfOrder } from '../services/invoices.js';
import { type OrderDiagnosis, orderDiagnosis } from '../services/order-diagnosis.js';
import {
  approveQuote,
  assignOrder,
  type BoardCard,
  boardCards,
  createOrder,
  deferredWork,
  getOrder,
  listOrders,
  type OrderDetail,
  openComeback,
  receiveVehicle,
  setDiagnosisNotes,
  transitionOrder,
} from '../services/orders.js';
import { ORDER_KIND_LABEL, ORDER_KINDS } from '../services/process.js';
import { type QcStatus, qualityStatus } from '../services/quality.js';
import { type Agreement, addLine, agreementsOf, type LineInput } from '../services/quotes.js';
import { getSettings } from '../services/settings.js';
import { listMechanics } from '../services/users.js';
import {
  getProfile,
  type LabourRate,
  listRates,
  profileProblems,
  type WorkshopProfile,
} from '../services/workshop-profile.js';
import {
  dateTimeValue,
  dayValue,
  durationText,
  formatAppointment,
  formatWhenShort,
  OPTIONAL_DAY_PATTERN,
} from '../web/dates.js';
import { type Html, html } from '../web/html.js';
import { csrfField, isApi, renderPage, sendPage, T } from '../web/layout.js';
import { type Req, twin, typed } from '../web/routes.js';
import {
  apiErrors,
  boardCardSchema,
  csrfProp,
  idParams,
  lineSchema,
  okSchema,
  orderDetailSchema,
  orderSchema,
  pageResponses,
} from '../web/schemas.js';
import { DIAG_WORKERS, FRONT_DESK, MANAGERS, STAFF } from '../web/types.js';
import { adapterFields } from './diagnostics/views.js';
import {
  agreementSection,
  diagnosisSection,
  hvText,
  invoiceSection,
  kindLabel,
  qualitySection,
  quoteSection,
  repairOrderDocument,
} from './document-views.js';
import {
  absenceNote,
  appointmentFact,
  appointmentFields,
  appointmentForm,
  appointmentProps,
  newAppointment,
  promiseForm,
} from './planning.js';

/** Who moves an order along: everyone in the workshop except instructors, who only watch. */
const WORKERS = ['apprentice', 'technician', 'manager', 'admin'] as const;

const createBody = {
  type: 'object',
  required: ['vehicleId'],
  properties: {
    vehicleId: { type: 'integer', minimum: 1 },
    complaint: { type: 'string', maxLength: 4000 },
    /** A diagnostic order (a fault to find) is diagnosed before its quote; a service order is not. */
    kind: { type: 'string', enum: [...ORDER_KINDS], default: 'diagnostic' },
    ...appointmentProps,
    ...csrfProp,
  },
} as const;
const receptionBody = {
  type: 'object',
  required: ['complaint', 'odometerKm'],
  properties: {
    complaint: { type: 'string', minLength: 1, maxLength: 4000 },
    odometerKm: { type: 'integer', minimum: 0, maximum: 2000000 },
    condition: { type: 'string', maxLength: 4000, default: '' },
    ...csrfProp,
  },
} as const;
const confirmProp = {
  /** Final or destructive actions from a page carry it (a checked box); the API's call is its own confirmation. */
  confirm: { type: 'string', enum: ['yes', ''] },
} as const;
const transitionBody = {
  type: 'object',
  required: ['to'],
  properties: {
    to: { type: 'string', enum: [...STATES] },
    note: { type: 'string', maxLength: 1000, default: '' },
    ...confirmProp,
    ...csrfProp,
  },
} as const;
/** A quote line as typed: money and quantities as decimals (French comma accepted), checked exactly. */
export const lineBody = {
  type: 'object',
  required: ['kind', 'description'],
  properties: {
    kind: { type: 'string', enum: ['labour', 'part'] },
    description: { type: 'string', minLength: 1, maxLength: 500 },
    rateId: { type: 'integer', minimum: 1 },
    hours: { type: 'number', minimum: 0, maximum: 100 },
    timeBasis: { type: 'string', enum: ['schedule', 'actual', 'flat'] },
    scheduleRef: { type: 'string', maxLength: 60 },
    hvWork: { type: 'string', maxLength: 30 },
    quantity: { type: 'number', exclusiveMinimum: 0, maximum: 1000 },
    unit: { type: 'string', enum: ['unit', 'litre'] },
    partRef: { type: 'string', maxLength: 60 },
    origin: { type: 'string', enum: ['new', 'reuse', 'exchange'] },
    /** Euros excluding VAT, e.g. "48.90" or "48,90". */
    unitPrice: { type: ['string', 'number'], maxLength: 20 },
    /** Basis points: 2000 = 20 %. */
    vatRate: { type: 'integer', enum: [2000, 1000, 550, 210, 0] },
    ...csrfProp,
  },
} as const;
const approvalBody = {
  type: 'object',
  required: ['method', 'signerName'],
  properties: {
    approve: { type: 'array', items: { type: 'integer', minimum: 1 }, maxItems: 200, default: [] },
    followupOn: { type: 'string', pattern: OPTIONAL_DAY_PATTERN, default: '' },
    method: { type: 'string', enum: ['signature', 'phone', 'email'] },
    signerName: { type: 'string', minLength: 1, maxLength: 200 },
    reference: { type: 'string', maxLength: 500, default: '' },
    /** The signature drawn on the tablet: a PNG data URL. */
    signature: { type: 'string', maxLength: 300_000, default: '' },
    /** When the customer agreed, if earlier than now: ISO 8601 (without a zone, Paris time) or 07/12/2026 09:30. */
    agreedAt: { type: 'string', maxLength: 40, default: '' },
    piecChoice: { type: 'string', enum: ['piec', 'new', ''], default: '' },
    ...csrfProp,
  },
} as const;

/** A line as the service takes it, from the form or the JSON body. */
export function lineInput(b: {
  kind: string;
  description: string;
  rateId?: number;
  hours?: number;
  timeBasis?: string;
  scheduleRef?: string;
  hvWork?: string;
  quantity?: number;
  unit?: string;
  partRef?: string;
  origin?: string;
  unitPrice?: string | number;
  vatRate?: number;
}): LineInput {
  let unitPriceCents: number | undefined;
  if (b.unitPrice !== undefined && String(b.unitPrice).trim() !== '') {
    const cents = parseDecimal(String(b.unitPrice), 100);
    if (cents === null || cents < 0)
      throw new ValidationError(
        {
          fr: 'prix invalide (euros, deux décimales au plus)',
          en: 'invalid price (euros, at most two decimals)',
        },
        'unitPrice',
      );
    unitPriceCents = cents;
  }
  return {
    kind: b.kind,
    description: b.description,
    rateId: b.timeBasis === 'flat' ? undefined : b.rateId,
    hours: b.hours,
    timeBasis: b.timeBasis,
    scheduleRef: b.scheduleRef,
    hvWork: b.hvWork,
    quantity: b.quantity,
    unit: b.unit,
    partRef: b.partRef,
    origin: b.origin,
    unitPriceCents: b.kind === 'labour' && b.timeBasis !== 'flat' ? undefined : unitPriceCents,
    vatRateBp: b.vatRate,
  };
}

/** When the customer agreed, as typed (web/dates.ts: ISO 8601, or 07/12/2026 09:30 in Paris time). */
export function parseAgreedAt(text: string): number | undefined {
  return dateTimeValue(text, 'agreedAt');
}

/** Refuses a page's final or destructive action whose confirmation box was not checked. */
export function needConfirmation(req: FastifyRequest, body: { confirm?: string }): void {
  if (!isApi(req) && body.confirm !== 'yes')
    throw new ValidationError(
      {
        fr: 'cochez la case de confirmation : cette action est définitive',
        en: 'tick the confirmation box: this action is final',
      },
      'confirm',
    );
}
const assignBody = {
  type: 'object',
  required: ['userId'],
  properties: { userId: { type: 'integer', minimum: 1 }, ...csrfProp },
} as const;
const notesBody = {
  type: 'object',
  required: ['notes'],
  properties: { notes: { type: 'string', maxLength: 8000 }, ...csrfProp },
} as const;
const comebackBody = {
  type: 'object',
  required: ['complaint'],
  properties: { complaint: { type: 'string', minLength: 1, maxLength: 4000 }, ...csrfProp },
} as const;

function stateBadge(req: FastifyRequest, s: State): Html {
  return html`<span class="state state-${s}">${T(req, STATE_LABEL[s])}</span>`;
}

interface OrderPageData {
  /** The adapters a session may be opened on (serial ports found, declared Wi-Fi adapters, CAN). */
  adapters: AdapterOption[];
  mechanics: { id: number; name: string }[];
  diagnosis: OrderDiagnosis | null;
  agreements: Agreement[];
  qc: QcStatus | null;
  invoices: Awaited<ReturnType<typeof invoicesOfOrder>>;
  rates: LabourRate[];
  profile: WorkshopProfile;
  customerProblem: string | null;
}

/** States in which a diagnostic session can start from the order. */
const DIAGNOSABLE = ['reception', 'diagnosis', 'comeback', 'repair', 'quality_control'];

function orderPage(req: FastifyRequest, o: OrderDetail, d: OrderPageData): Html {
  const role = req.user!.role;
  const canWork = (WORKERS as readonly string[]).includes(role);
  const canDesk = FRONT_DESK.includes(role);
  const hv = isHighVoltage(o.vehicle.energy);
  const actions: Html[] = [];
  const move = appointmentForm(req, o);
  if (move) actions.push(move);
  const promise = promiseForm(req, o);
  if (promise) actions.push(promise);
  if ((o.state === 'booked' || o.state === 'comeback') && canDesk)
    actions.push(html`<form method="post" action="/orders/${o.id}/reception" class="card">
  <h2>${T(req, STATE_LABEL.reception)}</h2>${csrfField(req)}
  <label>${T(req, { fr: 'Demande du client (ses propres mots)', en: "Customer's complaint (in their own words)" })}
    <textarea name="complaint" required>${o.complaint}</textarea></label>
  <label>${T(req, { fr: 'Kilométrage', en: 'Odometer (km)' })} <input name="odometerKm" type="number" min="0" required></label>
  <label>${T(req, { fr: 'État du véhicule (rayures, niveau carburant…)', en: 'Vehicle condition (scratches, fuel level…)' })}
    <textarea name="condition"></textarea></label>
  <button type="submit" name="action" value="reception">${T(req, { fr: 'Enregistrer la réception', en: 'Record reception' })}</button>
</form>`);
  if (MANAGERS.includes(role) && o.state !== 'delivered')
    actions.push(html`<form method="post" action="/orders/${o.id}/assign" class="card">
  <h2>${T(req, { fr: 'Affectation', en: 'Assignment' })}</h2>${csrfField(req)}
  <label>${T(req, { fr: 'Technicien', en: 'Technician' })} <select name="userId">${d.mechanics.map(
    (m) => html`<option value="${m.id}" ${m.id === o.assigned_to ? html`selected` : ''}>${m.name}</option>`,
  )}</select></label>
  <button type="submit">${T(req, { fr: 'Affecter', en: 'Assign' })}</button>
</form>`);
  if (o.state === 'diagnosis' && canWork)
    actions.push(html`<form method="post" action="/orders/${o.id}/notes" class="card">
  <h2>${T(req, { fr: 'Notes de diagnostic', en: 'Diagnosis notes' })}</h2>${csrfField(req)}
  <textarea name="notes">${o.diagnosis_notes}</textarea>
  <button type="submit">${T(req, { fr: 'Enregistrer', en: 'Save' })}</button>
</form>`);
  const moves = TRANSITIONS[o.state].filter(
    (s) =>
      s !== 'reception' &&
      s !== 'approved' &&
      !(s === 'quote' && o.state === 'reception' && o.kind === 'diagnostic'),
  );
  if (moves.length && canWork)
    actions.push(
      html`<div class="card moves"><h2>${T(req, { fr: 'Étape suivante', en: 'Next step' })}</h2>${moves.map(
        (to) => html`<form method="post" action="/orders/${o.id}/transition" class="inline">${csrfField(req)}
  <input type="hidden" name="to" value="${to}">${
    to === 'delivered'
      ? html`<label class="check confirm"><input type="checkbox" name="confirm" value="yes" required> ${T(req, { fr: 'Je confirme la restitution du véhicule au client', en: 'I confirm handing the car back to the customer' })}</label>`
      : ''
  }<button type="submit" data-to="${to}">→ ${T(req, STATE_LABEL[to])}</button></form>`,
      )}</div>`,
    );
  if (o.state === 'delivered' && canDesk)
    actions.push(html`<form method="post" action="/orders/${o.id}/comeback" class="card">
  <h2>${T(req, { fr: 'Retour atelier', en: 'Comeback' })}</h2>${csrfField(req)}
  <label>${T(req, { fr: 'Nouvelle plainte du client', en: "Customer's new complaint" })} <textarea name="complaint" required></textarea></label>
  <button type="submit">${T(req, { fr: 'Ouvrir un retour', en: 'Open a comeback' })}</button>
</form>`);
  const startForm =
    DIAGNOSABLE.includes(o.state) && (DIAG_WORKERS as readonly string[]).includes(role)
      ? html`<form method="post" action="/diagnostics" class="card new-session">${csrfField(req)}
<h3>${T(req, { fr: 'Démarrer un diagnostic sur cet ordre', en: 'Start a diagnosis on this order' })}</h3>
<input type="hidden" name="roId" value="${o.id}">${adapterFields(req, d.adapters)}
<button type="submit"${d.adapters.length ? '' : html` disabled`}>${T(req, { fr: 'Ouvrir la session', en: 'Open the session' })}</button></form>`
      : '';
  const invoiceProblems = [
    ...profileProblems(d.profile).map((p) => T(req, p)),
    ...(d.customerProblem ? [d.customerProblem] : []),
  ];
  return html`<section class="order">
<p>${stateBadge(req, o.state)} <span class="kind-tag">${kindLabel(req, o.kind)}</span> <a href="/orders/${o.id}/print">${T(req, { fr: 'Ordre de réparation imprimable', en: 'Printable repair order' })}</a> · <a href="/orders/${o.id}/quote">${T(req, { fr: 'Devis', en: 'Quote' })}</a>${o.invoice ? html` · <a href="/invoices/${o.invoice.id}">${T(req, { fr: 'Facture', en: 'Invoice' })} ${o.invoice.number}</a>` : ''}</p>
<dl class="facts">
  <dt>${T(req, { fr: 'Véhicule', en: 'Vehicle' })}</dt><dd>${o.vehicle.plate} — ${o.vehicle.maker} ${o.vehicle.model} ${o.vehicle.model_year ?? ''} (${T(req, ENERGY_LABEL[o.vehicle.energy])})<br><code>${o.vehicle.vin}</code></dd>
  <dt>${T(req, { fr: 'Client', en: 'Customer' })}</dt><dd>${
    o.customer_id
      ? // The customer's file is the front desk's: others see the name, not a link they cannot follow.
        canDesk
        ? html`<a href="/customers/${o.customer_id}">${o.customer_name ?? '—'}</a>`
        : (o.customer_name ?? '—')
      : '—'
  }</dd>
  ${appointmentFact(req, o)}
  <dt>${T(req, { fr: 'Technicien', en: 'Technician' })}</dt><dd class="assignee">${o.assignee_name ?? '—'}</dd>
  ${hv ? html`<dt>${T(req, { fr: 'Habilitation requise', en: 'Habilitation required' })}</dt><dd class="hv">${hvText(req, o)}</dd>` : ''}
  ${o.comeback_of ? html`<dt>${T(req, { fr: 'Retour de', en: 'Comeback of' })}</dt><dd><a href="/orders/${o.comeback_of}">${o.comeback_number}</a></dd>` : ''}
  <dt>${T(req, { fr: 'Demande du client', en: "Customer's complaint" })}</dt><dd class="complaint">${o.complaint || '—'}</dd>
  <dt>${T(req, { fr: 'Kilométrage', en: 'Odometer' })}</dt><dd>${formatKm(req.lang, o.odometer_km)}</dd>
  <dt>${T(req, { fr: 'État constaté', en: 'Condition' })}</dt><dd>${o.condition_notes || '—'}</dd>
  <dt>${T(req, { fr: 'Notes de diagnostic', en: 'Diagnosis notes' })}</dt><dd>${o.diagnosis_notes || '—'}</dd>
</dl>
${diagnosisSection(req, o, d.diagnosis, { canWork, startForm, rates: d.rates.filter((r) => r.active) })}
${quoteSection(req, o, d.rates, canWork)}
${agreementSection(req, o, d.agreements, canDesk)}
${qualitySection(req, o, d.qc, canDesk)}
${invoiceSection(req, o, d.invoices, MANAGERS.includes(role), invoiceProblems)}
<div class="actions">${actions}</div>
<h2>${T(req, { fr: 'Historique', en: 'History' })}</h2>
<ol class="events">${o.events.map(
    (e) =>
      html`<li><time>${formatDateTime(req.lang, e.at)}</time> ${e.from_state && e.from_state !== e.to_state ? html`${T(req, STATE_LABEL[e.from_state])} → ` : ''}<strong>${T(req, STATE_LABEL[e.to_state])}</strong> — ${e.user_name ?? '—'}${e.note ? html` <em>${noteText(req, e.note)}</em>` : ''}</li>`,
  )}</ol>
</section>`;
}

/**
 * Event notes written by the services are stored as neutral codes ("assigned: NAME", "partial: N
 * declined", "whole") and shown in the reader's language; free notes typed by people pass through.
 */
function noteText(req: FastifyRequest, note: string): string {
  let m = /^assigned: (.*)$/.exec(note);
  if (m) return T(req, { fr: 'affecté à {who}', en: 'assigned to {who}' }, { who: m[1]! });
  m = /^partial: (\d+) declined$/.exec(note);
  if (m)
    return T(
      req,
      { fr: 'accord partiel : {n} ligne(s) refusée(s)', en: 'partial approval: {n} line(s) declined' },
      { n: m[1]! },
    );
  if (note === 'whole') return T(req, { fr: 'accord total', en: 'approved in full' });
  m = /^appointment: (\d+|none)$/.exec(note);
  if (m)
    return m[1] === 'none'
      ? T(req, { fr: 'rendez-vous annulé', en: 'appointment cancelled' })
      : T(
          req,
          { fr: 'rendez-vous fixé au {at}', en: 'appointment set for {at}' },
          { at: formatAppointment(req.lang, Number(m[1])) },
        );
  m = /^promised: (\d+|none)$/.exec(note);
  if (m)
    return m[1] === 'none'
      ? T(req, { fr: 'restitution promise retirée', en: 'promised delivery withdrawn' })
      : T(
          req,
          { fr: 'restitution promise pour le {at}', en: 'delivery promised for {at}' },
          { at: formatAppointment(req.lang, Number(m[1])) },
        );
  m = /^invoice: (.*)$/.exec(note);
  if (m) return T(req, { fr: 'facture {n} émise', en: 'invoice {n} issued' }, { n: m[1]! });
  m = /^credit note: (\S+) \((.*)\)$/.exec(note);
  if (m)
    return T(
      req,
      { fr: 'avoir {c} sur la facture {n}', en: 'credit note {c} on invoice {n}' },
      { c: m[1]!, n: m[2]! },
    );
  return note;
}

async function orders(scope: FastifyInstance): Promise<void> {
  const app = typed(scope);
  const { store, clock } = app.deps;
  const runtime = app.diagnostics;
  const actor = (req: FastifyRequest) => req.user!;
  const toOrder = (id: number) => `/orders/${id}`;

  // The board: the page of columns, and the cards as JSON.
  twin(app, 'GET', {
    // The group's after-sales director reads any site's board (and the side-by-side view at /group).
    access: [...STAFF, 'director'],
    tags: ['orders'],
    schema: {},
    handler: async (req) => {
      const site = req.user!.site_id;
      const cache = app.readCache;
      return cache
        ? cache.get(`board:${site}`, () => boardCards(store, site, clock.now()))
        : boardCards(store, site, clock.now());
    },
    page: {
      url: '/board',
      render: async (cards, req, reply) => {
        const columns = STATES.map((s) => ({ s, cards: cards.filter((c) => c.state === s) }));
        const late = cards.filter((c) => c.late_appointment || c.late_delivery);
        const absent = cards.filter((c) => c.absence);
        // Managers see habilitation renewals due here too, not only on the team page.
        const alerts = MANAGERS.includes(req.user!.role)
          ? await habilitationAlerts(
              store,
              req.user!.site_id,
              isoDate(clock.now()),
              (await getSettings(store)).habilitationAlertDays,
            )
          : [];
        const body = html`${
          alerts.length
            ? html`<p class="card alerts" role="status"><a href="/people">${T(req, { fr: '{n} habilitation(s) NF C18-550 à renouveler ou expirée(s)', en: '{n} NF C18-550 habilitation(s) due for renewal or expired' }, { n: alerts.length })}</a></p>`
            : ''
        }${
          late.length
            ? html`<p class="card alerts late-summary" role="status">⚠ ${T(req, { fr: '{n} ordre(s) en retard : rendez-vous passé sans réception ou restitution promise dépassée', en: '{n} order(s) late: appointment passed without reception, or promised delivery passed' }, { n: late.length })}</p>`
            : ''
        }${
          absent.length
            ? html`<p class="card alerts absence-summary" role="status">⚠ ${T(req, { fr: '{n} rendez-vous sur une absence de leur technicien : à déplacer ou réaffecter', en: "{n} appointment(s) on their technician's absence: move or reassign them" }, { n: absent.length })} ${canOpenOrders(req) ? html` — <a href="/planning">${T(req, { fr: 'planning', en: 'schedule' })}</a>` : ''}</p>`
            : ''
        }${req.user!.role === 'apprentice' ? '' : html`<p class="tools"><a href="/orders.csv" download>${T(req, { fr: 'Exporter les ordres (CSV)', en: 'Export the orders (CSV)' })}</a></p>`}<div class="board" data-refresh="60">${columns.map(
          (
            col,
          ) => html`<section class="column" data-state="${col.s}"><h2>${T(req, STATE_LABEL[col.s])} <span class="count">${col.cards.length}</span></h2>
${columnCards(req, col.s, col.cards, parisDay(clock.now()))}</section>`,
        )}</div>`;
        return sendPage(
          reply,
          renderPage(req, { fr: 'Tableau des ordres de réparation', en: 'Repair order board' }, body),
        );
      },
    },
    api: {
      url: '/api/board',
      response: { type: 'array', items: boardCardSchema },
      // Tablets poll the board: with the read cache on, its JSON is written once per change, not
      // once per request (the cards are exactly the schema's fields).
      json: (cards, req, reply) => {
        const cache = app.readCache;
        if (!cache) return cards;
        reply.type('application/json; charset=utf-8');
        return cache.get(`board-json:${req.user!.site_id}`, async () => JSON.stringify(cards));
      },
    },
  });

  app.get('/orders/new', {
    config: { access: FRONT_DESK },
    schema: { tags: ['orders'], response: pageResponses },
    handler: async (req, reply) => {
      const vehicles = await listVehicles(store, req.user!.site_id);
      const body = html`<form method="post" action="/orders" class="card">${csrfField(req)}
  <label>${T(req, { fr: 'Véhicule', en: 'Vehicle' })} <select name="vehicleId" required>${vehicles.map(
    (v) =>
      html`<option value="${v.id}">${v.plate || v.vin} — ${v.maker} ${v.model} (${T(req, ENERGY_LABEL[v.energy])})${v.customer_name ? ` — ${v.customer_name}` : ''}</option>`,
  )}</select></label>
  <label>${T(req, { fr: 'Demande du client', en: "Customer's complaint" })} <textarea name="complaint" maxlength="4000"></textarea></label>
  ${appointmentFields(req)}
  <fieldset><legend>${T(req, { fr: 'Type d’ordre', en: 'Kind of order' })}</legend>${ORDER_KINDS.map(
    (k, i) =>
      html`<label class="check"><input type="radio" name="kind" value="${k}" ${i === 0 ? html`checked` : ''}> ${T(req, ORDER_KIND_LABEL[k])}</label>`,
  )}</fieldset>
  <p class="muted">${T(req, { fr: 'L’habilitation haute tension requise se déduit de l’énergie du véhicule et des opérations du devis.', en: "The high-voltage habilitation required follows from the vehicle's energy and the quote's operations." })}</p>
  <button type="submit">${T(req, { fr: "Créer l'ordre", en: 'Create order' })}</button>
</form>
<p><a href="/vehicles">${T(req, { fr: 'Véhicule absent ? Enregistrez-le', en: 'Vehicle missing? Register it' })}</a></p>`;
      return sendPage(
        reply,
        renderPage(req, { fr: 'Nouvel ordre de réparation', en: 'New repair order' }, body, {
          scripts: ['/static/planning.css'],
        }),
      );
    },
  });

  /** The customer of an order, for a document's address block (null when none or erased). */
  const customerOf = async (o: OrderDetail) => {
    if (!o.customer_id) return null;
    const c = await getCustomer(store, o.site_id, o.customer_id);
    return c.erased_at ? null : c;
  };

  app.get('/orders/:id/print', {
    config: { access: STAFF },
    schema: { tags: ['orders'], params: idParams, response: pageResponses },
    handler: async (req, reply) => {
      const o = await getOrder(store, req.user!.site_id, req.params.id);
      const body = repairOrderDocument(
        req,
        o,
        await getProfile(store, o.site_id),
        await listRates(store, o.site_id),
        await customerOf(o),
        clock.now(),
      );
      return sendPage(
        reply,
        renderPage(req, { fr: `Ordre de réparation ${o.number}`, en: `Repair order ${o.number}` }, body, {
          print: true,
          scripts: ['/static/documents.css', '/static/documents.js'],
        }),
      );
    },
  });

  twin(app, 'POST', {
    access: FRONT_DESK,
    tags: ['orders'],
    schema: { body: createBody },
    handler: async (req) => {
      const now = clock.now();
      const { vehicleId, complaint, kind } = req.body;
      const site = req.user!.site_id;
      return createOrder(
        store,
        site,
        { vehicleId, complaint, kind, ...(await newAppointment(store, site, req.body, now)) },
        actor(req),
        now,
      );
    },
    page: { url: '/orders', redirect: (ro) => toOrder(ro.id) },
    api: { url: '/api/orders', status: 201, response: orderSchema },
  });

  twin(app, 'GET', {
    access: STAFF,
    tags: ['orders'],
    schema: { params: idParams },
    handler: async (req) => getOrder(store, req.user!.site_id, req.params.id),
    page: {
      url: '/orders/:id',
      render: async (o, req, reply) =>
        sendPage(
          reply,
          renderPage(
            req,
            { fr: `Ordre de réparation ${o.number}`, en: `Repair order ${o.number}` },
            orderPage(req, o, await orderPageData(o)),
            { scripts: ['/static/documents.css', '/static/planning.css', '/static/documents.js'] },
          ),
        ),
    },
    api: { url: '/api/orders/:id', response: orderDetailSchema },
  });

  async function orderPageData(o: OrderDetail): Promise<OrderPageData> {
    const customer = await customerOf(o);
    return {
      adapters: await adapterOptions(store, o.site_id, runtime.discovery),
      mechanics: await listMechanics(store, o.site_id),
      diagnosis: await orderDiagnosis(store, o.site_id, o.id),
      agreements: await agreementsOf(store, o.id),
      qc: ['quality_control', 'ready', 'delivered'].includes(o.state)
        ? await qualityStatus(store, o.site_id, o.id)
        : null,
      invoices: await invoicesOfOrder(store, o.id),
      rates: await listRates(store, o.site_id),
      profile: await getProfile(store, o.site_id),
      customerProblem: !customer
        ? 'client'
        : customer.address_line1 && customer.postcode && customer.city
          ? null
          : 'adresse du client',
    };
  }

  /** A change to an order: the form goes back to the order, the API answers the order as it now is. */
  const change = <const B extends object>(
    page: string,
    api: string,
    access: readonly Role[],
    body: B,
    fn: (req: Req<{ params: typeof idParams; body: B }>) => Promise<unknown>,
  ) =>
    twin(app, 'POST', {
      access,
      tags: ['orders'],
      schema: { params: idParams, body },
      handler: async (req) => {
        await fn(req);
        return req.params.id;
      },
      page: { url: page, redirect: toOrder },
      api: {
        url: api,
        response: orderDetailSchema,
        json: (id, req) => getOrder(store, req.user!.site_id, id),
      },
    });
  change('/orders/:id/reception', '/api/orders/:id/reception', FRONT_DESK, receptionBody, (req) =>
    receiveVehicle(store, req.user!.site_id, req.params.id, req.body, actor(req), clock.now()),
  );
  change('/orders/:id/transition', '/api/orders/:id/transitions', WORKERS, transitionBody, async (req) => {
    // handing the car back is final: the page asks for it to be confirmed
    if (req.body.to === 'delivered') needConfirmation(req, req.body);
    await transitionOrder(
      store,
      req.user!.site_id,
      req.params.id,
      req.body.to,
      actor(req),
      clock.now(),
      req.body.note,
    );
  });
  change('/orders/:id/approval', '/api/orders/:id/approval', FRONT_DESK, approvalBody, (req) => {
    const b = req.body;
    return approveQuote(
      store,
      req.user!.site_id,
      req.params.id,
      {
        approvedLineIds: b.approve,
        followupOn: dayValue(b.followupOn, 'followupOn'),
        method: b.method,
        signerName: b.signerName,
        reference: b.reference,
        signature: b.signature || undefined,
        agreedAt: parseAgreedAt(b.agreedAt),
        piecChoice: b.piecChoice || undefined,
      },
      actor(req),
      clock.now(),
    );
  });

  twin(app, 'POST', {
    access: WORKERS,
    tags: ['orders'],
    schema: { params: idParams, body: lineBody },
    handler: async (req) => addLine(store, req.user!.site_id, req.params.id, lineInput(req.body)),
    page: { url: '/orders/:id/lines', redirect: (_line, req) => toOrder(req.params.id) },
    api: { url: '/api/orders/:id/lines', status: 201, response: lineSchema },
  });

  twin(app, 'POST', {
    access: MANAGERS,
    tags: ['orders'],
    schema: { params: idParams, body: assignBody },
    handler: async (req) => {
      await assignOrder(store, req.user!.site_id, req.params.id, req.body.userId, actor(req), clock.now());
      return { ok: true };
    },
    page: { url: '/orders/:id/assign', redirect: (_ok, req) => toOrder(req.params.id) },
    api: { url: '/api/orders/:id/assign', response: okSchema },
  });

  twin(app, 'POST', {
    access: FRONT_DESK,
    tags: ['orders'],
    schema: { params: idParams, body: comebackBody },
    handler: async (req) =>
      openComeback(store, req.user!.site_id, req.params.id, req.body.complaint, actor(req), clock.now()),
    page: { url: '/orders/:id/comeback', redirect: (ro) => toOrder(ro.id) },
    api: { url: '/api/orders/:id/comeback', status: 201, response: orderSchema },
  });

  change('/orders/:id/notes', '/api/orders/:id/notes', WORKERS, notesBody, (req) =>
    setDiagnosisNotes(store, req.user!.site_id, req.params.id, req.body.notes),
  );

  app.get('/api/orders', {
    config: { access: STAFF },
    schema: {
      tags: ['orders'],
      querystring: {
        type: 'object',
        properties: { state: { type: 'string', enum: [...STATES] }, lang: { type: 'string' } },
      },
      response: { 200: { type: 'array', items: orderSchema }, ...apiErrors },
    },
    handler: async (req) => listOrders(store, req.user!.site_id, req.query.state),
  });
  app.get('/api/deferred-work', {
    config: { access: FRONT_DESK },
    schema: {
      tags: ['orders'],
      querystring: {
        type: 'object',
        properties: { until: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } },
      },
      response: {
        200: {
          type: 'array',
          items: {
            ...lineSchema,
            properties: { ...lineSchema.properties, number: { type: 'string' }, plate: { type: 'string' } },
          },
        },
        ...apiErrors,
      },
    },
    handler: async (req) =>
      deferredWork(store, req.user!.site_id, req.query.until ?? isoDate(clock.now() + 365 * 86_400_000)),
  });
}

function boardCard(req: FastifyRequest, c: BoardCard): Html {
  const classes = `ro-card${c.hv_requirement && isHighVoltage(c.energy) ? ' hv' : ''}${c.late_appointment || c.late_delivery ? ' late' : ''}${c.absence ? ' absent' : ''}`;
  const inside = html`<strong>${c.number}</strong> ${c.comeback_of ? html`<span class="tag">${T(req, STATE_LABEL.comeback)}</span>` : ''}
  <span>${c.plate} · ${c.maker} ${c.model}</span>
  ${boardTimes(req, c)}
  <span class="muted">${c.assignee_name ?? T(req, { fr: 'non affecté', en: 'unassigned' })}</span>
  <span class="complaint">${c.complaint.slice(0, 80)}</span>`;
  // The group's director follows the boards, not the orders: a card is no link for them.
  return canOpenOrders(req)
    ? html`<a class="${classes}" href="/orders/${c.id}" data-number="${c.number}">
  ${inside}
</a>`
    : html`<div class="${classes}" data-number="${c.number}">
  ${inside}
</div>`;
}

function canOpenOrders(req: FastifyRequest): boolean {
  return STAFF.includes(req.user!.role);
}

/**
 * A column's cards. The board shows the day: appointments are in time order, those of the days
 * after today folded (the planning shows them by day), and the week's deliveries folded too.
 */
function columnCards(req: FastifyRequest, state: State, cards: BoardCard[], today: string): Html | '' {
  if (state === 'delivered')
    return cards.length
      ? html`<details class="delivered"><summary>${T(req, { fr: '{n} livré(s) ces 7 derniers jours', en: '{n} delivered in the last 7 days' }, { n: cards.length })}</summary>${cards.map((c) => boardCard(req, c))}</details>`
      : '';
  if (state !== 'booked') return html`${cards.map((c) => boardCard(req, c))}`;
  const sorted = [...cards].sort((a, b) => (a.booked_for ?? 0) - (b.booked_for ?? 0));
  const later = sorted.filter((c) => c.booked_for !== null && parisDay(c.booked_for) > today);
  const now = sorted.filter((c) => !later.includes(c));
  return html`${now.map((c) => boardCard(req, c))}${
    later.length
      ? html`<details class="later"><summary>${T(req, { fr: '{n} rendez-vous les jours suivants', en: '{n} appointments on the following days' }, { n: later.length })}</summary>${later.map((c) => boardCard(req, c))}${canOpenOrders(req) ? html`<a class="to-planning" href="/planning">${T(req, { fr: 'Voir le planning', en: 'See the schedule' })} →</a>` : ''}</details>`
      : ''
  }`;
}

/**
 * A card's times on the board, in the page's locale: the appointment and its duration, the
 * promised delivery, and what is late (an appointment passed with the car not received, a promised
 * delivery passed with the car not delivered).
 */
function boardTimes(req: FastifyRequest, c: BoardCard): Html {
  const when = (ms: number) =>
    html`<time datetime="${new Date(ms).toISOString()}">${formatWhenShort(req.lang, ms)}</time>`;
  return html`${
    c.booked_for !== null
      ? html`<span class="appt-time${c.late_appointment ? ' is-late' : ''}">${T(req, { fr: 'RDV', en: 'Appt.' })} ${when(c.booked_for)} · ${durationText(c.duration_minutes ?? 60)}</span>`
      : ''
  }${
    c.promised_for !== null && c.state !== 'delivered'
      ? html`<span class="promised${c.late_delivery ? ' is-late' : ''}">${T(req, { fr: 'Promis pour', en: 'Promised for' })} ${when(c.promised_for)}</span>`
      : ''
  }${
    c.late_appointment
      ? html`<span class="late-flag">⚠ ${T(req, { fr: 'RDV passé, non réceptionné', en: 'appointment passed, not received' })}</span>`
      : ''
  }${
    c.late_delivery
      ? html`<span class="late-flag">⚠ ${T(req, { fr: 'restitution promise dépassée', en: 'promised delivery passed' })}</span>`
      : ''
  }${c.absence ? absenceNote(req, c.absence) : ''}`;
}

/** Repair orders: board, order pages and forms, and their JSON API. */
export const ordersPlugin = fp(orders, {
  name: 'atelier-orders',
  encapsulate: true,
  // the order page offers the adapters a diagnosis can be started on
  dependencies: ['atelier-core', 'atelier-diagnostics-runtime'],
  decorators: { fastify: ['deps', 'diagnostics'] },
});
