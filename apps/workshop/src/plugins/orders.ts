import type { FastifyInstance, FastifyRequest } from 'fastify';
import { formatDateTime, formatHours, formatKm, formatMoney } from '../i18n.js';
import { listVehicles } from '../services/customers.js';
import {
  ENERGY_LABEL,
  isHighVoltage,
  STATE_LABEL,
  STATES,
  type State,
  TRANSITIONS,
} from '../services/domain.js';
import { habilitationAlerts, isoDate, SYMBOLS } from '../services/habilitations.js';
import {
  addLine,
  approveQuote,
  assignOrder,
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
import { getSettings } from '../services/settings.js';
import { listMechanics } from '../services/users.js';
import { type Html, html } from '../web/html.js';
import { csrfField, renderPage, sendPage, T } from '../web/layout.js';
import {
  boardCardSchema,
  csrfProp,
  errorSchema,
  idParams,
  lineSchema,
  okSchema,
  orderDetailSchema,
  orderSchema,
  symbolEnum,
} from '../web/schemas.js';
import { FRONT_DESK, MANAGERS, STAFF, type WorkshopDeps } from '../web/types.js';

/** Who moves an order along: everyone in the workshop except instructors, who only watch. */
const WORKERS = ['apprentice', 'technician', 'manager', 'admin'] as const;

const createBody = {
  type: 'object',
  required: ['vehicleId'],
  properties: {
    vehicleId: { type: 'integer', minimum: 1 },
    complaint: { type: 'string', maxLength: 4000 },
    hvRequirement: symbolEnum,
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
const transitionBody = {
  type: 'object',
  required: ['to'],
  properties: {
    to: { type: 'string', enum: [...STATES] },
    note: { type: 'string', maxLength: 1000, default: '' },
    ...csrfProp,
  },
} as const;
const lineBody = {
  type: 'object',
  required: ['kind', 'description'],
  properties: {
    kind: { type: 'string', enum: ['labour', 'part'] },
    description: { type: 'string', minLength: 1, maxLength: 500 },
    soldHours: { type: 'number', minimum: 0, maximum: 100, default: 0 },
    priceEuros: { type: 'number', minimum: 0, maximum: 1000000, default: 0 },
    ...csrfProp,
  },
} as const;
const approvalBody = {
  type: 'object',
  properties: {
    approve: { type: 'array', items: { type: 'integer', minimum: 1 }, maxItems: 200, default: [] },
    followupOn: { type: 'string', pattern: '^(\\d{4}-\\d{2}-\\d{2})?$', default: '' },
    ...csrfProp,
  },
} as const;
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

type Id = { id: number };

function stateBadge(req: FastifyRequest, s: State): Html {
  return html`<span class="state state-${s}">${T(req, STATE_LABEL[s])}</span>`;
}

function orderPage(req: FastifyRequest, o: OrderDetail, mechanics: { id: number; name: string }[]): Html {
  const role = req.user!.role;
  const canWork = (WORKERS as readonly string[]).includes(role);
  const canDesk = FRONT_DESK.includes(role);
  const hv = isHighVoltage(o.vehicle.energy);
  const actions: Html[] = [];
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
  <label>${T(req, { fr: 'Technicien', en: 'Technician' })} <select name="userId">${mechanics.map(
    (m) => html`<option value="${m.id}" ${m.id === o.assigned_to ? html`selected` : ''}>${m.name}</option>`,
  )}</select></label>
  <button type="submit">${T(req, { fr: 'Affecter', en: 'Assign' })}</button>
</form>`);
  if ((o.state === 'diagnosis' || o.state === 'quote') && canWork) {
    actions.push(html`<form method="post" action="/orders/${o.id}/lines" class="card">
  <h2>${T(req, { fr: 'Ajouter une ligne au devis', en: 'Add a quote line' })}</h2>${csrfField(req)}
  <label>${T(req, { fr: 'Type', en: 'Kind' })} <select name="kind"><option value="labour">${T(req, { fr: "Main-d'œuvre", en: 'Labour' })}</option><option value="part">${T(req, { fr: 'Pièce', en: 'Part' })}</option></select></label>
  <label>${T(req, { fr: 'Libellé', en: 'Description' })} <input name="description" required maxlength="500"></label>
  <label>${T(req, { fr: 'Temps vendu (h)', en: 'Sold time (h)' })} <input name="soldHours" type="number" step="0.1" min="0" value="0"></label>
  <label>${T(req, { fr: 'Prix HT (€)', en: 'Price excl. VAT (€)' })} <input name="priceEuros" type="number" step="0.01" min="0" value="0"></label>
  <button type="submit">${T(req, { fr: 'Ajouter', en: 'Add' })}</button>
</form>`);
  }
  if (o.state === 'diagnosis' && canWork)
    actions.push(html`<form method="post" action="/orders/${o.id}/notes" class="card">
  <h2>${T(req, { fr: 'Notes de diagnostic', en: 'Diagnosis notes' })}</h2>${csrfField(req)}
  <textarea name="notes">${o.diagnosis_notes}</textarea>
  <button type="submit">${T(req, { fr: 'Enregistrer', en: 'Save' })}</button>
</form>`);
  if (o.state === 'awaiting_approval' && canDesk)
    actions.push(html`<form method="post" action="/orders/${o.id}/approval" class="card">
  <h2>${T(req, { fr: 'Accord du client', en: 'Customer approval' })}</h2>${csrfField(req)}
  ${o.lines.map(
    (l) =>
      html`<label class="check"><input type="checkbox" name="approve" value="${l.id}" checked> ${l.description}</label>`,
  )}
  <label>${T(req, { fr: 'Relance des travaux refusés le', en: 'Follow up declined work on' })} <input type="date" name="followupOn"></label>
  <button type="submit" name="action" value="approve">${T(req, { fr: "Enregistrer l'accord", en: 'Record approval' })}</button>
</form>`);
  const moves = TRANSITIONS[o.state].filter((s) => s !== 'reception' && s !== 'approved');
  if (moves.length && canWork)
    actions.push(
      html`<div class="card moves"><h2>${T(req, { fr: 'Étape suivante', en: 'Next step' })}</h2>${moves.map(
        (to) => html`<form method="post" action="/orders/${o.id}/transition" class="inline">${csrfField(req)}
  <input type="hidden" name="to" value="${to}"><button type="submit" data-to="${to}">→ ${T(req, STATE_LABEL[to])}</button></form>`,
      )}</div>`,
    );
  if (o.state === 'delivered' && canDesk)
    actions.push(html`<form method="post" action="/orders/${o.id}/comeback" class="card">
  <h2>${T(req, { fr: 'Retour atelier', en: 'Comeback' })}</h2>${csrfField(req)}
  <label>${T(req, { fr: 'Nouvelle plainte du client', en: "Customer's new complaint" })} <textarea name="complaint" required></textarea></label>
  <button type="submit">${T(req, { fr: 'Ouvrir un retour', en: 'Open a comeback' })}</button>
</form>`);

  return html`<section class="order">
<p>${stateBadge(req, o.state)} <a href="/orders/${o.id}/print">${T(req, { fr: 'Imprimer', en: 'Print' })}</a></p>
<dl class="facts">
  <dt>${T(req, { fr: 'Véhicule', en: 'Vehicle' })}</dt><dd>${o.vehicle.plate} — ${o.vehicle.maker} ${o.vehicle.model} ${o.vehicle.model_year ?? ''} (${T(req, ENERGY_LABEL[o.vehicle.energy])})<br><code>${o.vehicle.vin}</code></dd>
  <dt>${T(req, { fr: 'Client', en: 'Customer' })}</dt><dd>${o.customer_name ?? '—'}</dd>
  <dt>${T(req, { fr: 'Technicien', en: 'Technician' })}</dt><dd class="assignee">${o.assignee_name ?? '—'}</dd>
  ${hv ? html`<dt>${T(req, { fr: 'Travaux HT', en: 'HV work' })}</dt><dd class="hv">${o.hv_requirement ? html`⚡ ${o.hv_requirement}` : T(req, { fr: 'aucun', en: 'none' })}</dd>` : ''}
  ${o.comeback_of ? html`<dt>${T(req, { fr: 'Retour de', en: 'Comeback of' })}</dt><dd><a href="/orders/${o.comeback_of}">${o.comeback_number}</a></dd>` : ''}
  <dt>${T(req, { fr: 'Demande du client', en: "Customer's complaint" })}</dt><dd class="complaint">${o.complaint || '—'}</dd>
  <dt>${T(req, { fr: 'Kilométrage', en: 'Odometer' })}</dt><dd>${formatKm(req.lang, o.odometer_km)}</dd>
  <dt>${T(req, { fr: 'État constaté', en: 'Condition' })}</dt><dd>${o.condition_notes || '—'}</dd>
  <dt>${T(req, { fr: 'Diagnostic', en: 'Diagnosis' })}</dt><dd>${o.diagnosis_notes || '—'}</dd>
</dl>
${linesTable(req, o)}
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
  return note;
}

function linesTable(req: FastifyRequest, o: OrderDetail): Html {
  if (!o.lines.length)
    return html`<p class="muted">${T(req, { fr: 'Aucune ligne de devis.', en: 'No quote line.' })}</p>`;
  const statusLabel = {
    proposed: { fr: 'proposée', en: 'proposed' },
    approved: { fr: 'accordée', en: 'approved' },
    declined: { fr: 'refusée — travaux différés', en: 'declined — deferred work' },
  };
  return html`<table class="lines"><thead><tr><th>${T(req, { fr: 'Libellé', en: 'Description' })}</th><th>${T(req, { fr: 'Temps vendu', en: 'Sold time' })}</th><th>${T(req, { fr: 'Prix HT', en: 'Price excl. VAT' })}</th><th>${T(req, { fr: 'Statut', en: 'Status' })}</th></tr></thead>
<tbody>${o.lines.map(
    (l) =>
      html`<tr class="line-${l.status}"><td>${l.description}</td><td>${l.kind === 'labour' ? `${formatHours(req.lang, l.sold_hours)} h` : ''}</td><td>${formatMoney(req.lang, l.price_cents)}</td><td>${T(req, statusLabel[l.status])}${l.followup_on ? html` (${T(req, { fr: 'relance', en: 'follow-up' })} ${l.followup_on})` : ''}</td></tr>`,
  )}</tbody></table>`;
}

export async function ordersPlugin(app: FastifyInstance, { store, clock }: WorkshopDeps): Promise<void> {
  const actor = (req: FastifyRequest) => req.user!;

  app.get('/board', {
    config: { access: STAFF },
    schema: { tags: ['orders'] },
    handler: async (req, reply) => {
      const cards = await boardCards(store, clock.now());
      const columns = STATES.map((s) => ({ s, cards: cards.filter((c) => c.state === s) }));
      // Managers see habilitation renewals due here too, not only on the team page.
      const alerts = MANAGERS.includes(req.user!.role)
        ? await habilitationAlerts(
            store,
            isoDate(clock.now()),
            (await getSettings(store)).habilitationAlertDays,
          )
        : [];
      const body = html`${
        alerts.length
          ? html`<p class="card alerts" role="status"><a href="/people">${T(req, { fr: '{n} habilitation(s) NF C18-550 à renouveler ou expirée(s)', en: '{n} NF C18-550 habilitation(s) due for renewal or expired' }, { n: alerts.length })}</a></p>`
          : ''
      }<div class="board" data-refresh="60">${columns.map(
        (
          col,
        ) => html`<section class="column" data-state="${col.s}"><h2>${T(req, STATE_LABEL[col.s])} <span class="count">${col.cards.length}</span></h2>
${col.cards.map(
  (
    c,
  ) => html`<a class="ro-card ${c.hv_requirement && isHighVoltage(c.energy) ? 'hv' : ''}" href="/orders/${c.id}" data-number="${c.number}">
  <strong>${c.number}</strong> ${c.comeback_of ? html`<span class="tag">${T(req, STATE_LABEL.comeback)}</span>` : ''}
  <span>${c.plate} · ${c.maker} ${c.model}</span>
  <span class="muted">${c.assignee_name ?? T(req, { fr: 'non affecté', en: 'unassigned' })}</span>
  <span class="complaint">${c.complaint.slice(0, 80)}</span>
</a>`,
)}</section>`,
      )}</div>`;
      return sendPage(
        reply,
        renderPage(req, { fr: 'Tableau des ordres de réparation', en: 'Repair order board' }, body),
      );
    },
  });

  app.get('/orders/new', {
    config: { access: FRONT_DESK },
    schema: { tags: ['orders'] },
    handler: async (req, reply) => {
      const vehicles = await listVehicles(store);
      const body = html`<form method="post" action="/orders" class="card">${csrfField(req)}
  <label>${T(req, { fr: 'Véhicule', en: 'Vehicle' })} <select name="vehicleId" required>${vehicles.map(
    (v) =>
      html`<option value="${v.id}">${v.plate || v.vin} — ${v.maker} ${v.model} (${T(req, ENERGY_LABEL[v.energy])})${v.customer_name ? ` — ${v.customer_name}` : ''}</option>`,
  )}</select></label>
  <label>${T(req, { fr: 'Demande du client', en: "Customer's complaint" })} <textarea name="complaint" maxlength="4000"></textarea></label>
  <label>${T(req, { fr: 'Travaux haute tension : habilitation requise (véhicules hybrides et électriques)', en: 'High-voltage work: habilitation required (hybrid and electric vehicles)' })}
    <select name="hvRequirement"><option value="">${T(req, { fr: 'aucune', en: 'none' })}</option>${SYMBOLS.map((s) => html`<option value="${s}">${s}</option>`)}</select></label>
  <button type="submit">${T(req, { fr: "Créer l'ordre", en: 'Create order' })}</button>
</form>
<p><a href="/vehicles">${T(req, { fr: 'Véhicule absent ? Enregistrez-le', en: 'Vehicle missing? Register it' })}</a></p>`;
      return sendPage(
        reply,
        renderPage(req, { fr: 'Nouvel ordre de réparation', en: 'New repair order' }, body),
      );
    },
  });

  app.post('/orders', {
    config: { access: FRONT_DESK },
    schema: { tags: ['orders'], body: createBody },
    handler: async (req, reply) => {
      const b = req.body as { vehicleId: number; complaint?: string; hvRequirement?: string };
      const ro = await createOrder(store, b, actor(req), clock.now());
      return reply.redirect(`/orders/${ro.id}`, 303);
    },
  });

  app.get('/orders/:id', {
    config: { access: STAFF },
    schema: { tags: ['orders'], params: idParams },
    handler: async (req, reply) => {
      const o = await getOrder(store, (req.params as Id).id);
      const mechanics = await listMechanics(store);
      return sendPage(
        reply,
        renderPage(
          req,
          { fr: `Ordre de réparation ${o.number}`, en: `Repair order ${o.number}` },
          orderPage(req, o, mechanics),
        ),
      );
    },
  });

  app.get('/orders/:id/print', {
    config: { access: STAFF },
    schema: { tags: ['orders'], params: idParams },
    handler: async (req, reply) => {
      const o = await getOrder(store, (req.params as Id).id);
      const body = html`<div class="printable">
<p>${stateBadge(req, o.state)} — ${formatDateTime(req.lang, clock.now())}</p>
<dl class="facts">
<dt>${T(req, { fr: 'Véhicule', en: 'Vehicle' })}</dt><dd>${o.vehicle.plate} — ${o.vehicle.maker} ${o.vehicle.model} ${o.vehicle.model_year ?? ''} — VIN ${o.vehicle.vin}</dd>
<dt>${T(req, { fr: 'Client', en: 'Customer' })}</dt><dd>${o.customer_name ?? '—'}</dd>
<dt>${T(req, { fr: 'Kilométrage', en: 'Odometer' })}</dt><dd>${formatKm(req.lang, o.odometer_km)}</dd>
<dt>${T(req, { fr: 'Demande du client', en: "Customer's complaint" })}</dt><dd>${o.complaint}</dd>
<dt>${T(req, { fr: 'État constaté', en: 'Condition' })}</dt><dd>${o.condition_notes}</dd>
<dt>${T(req, { fr: 'Diagnostic', en: 'Diagnosis' })}</dt><dd>${o.diagnosis_notes}</dd>
<dt>${T(req, { fr: 'Technicien', en: 'Technician' })}</dt><dd>${o.assignee_name ?? '—'}</dd>
</dl>
${linesTable(req, o)}
<div class="signatures"><div>${T(req, { fr: 'Signature du client', en: "Customer's signature" })}</div><div>${T(req, { fr: "Cachet de l'atelier", en: 'Workshop stamp' })}</div></div>
</div>`;
      return sendPage(
        reply,
        renderPage(req, { fr: `Ordre de réparation ${o.number}`, en: `Repair order ${o.number}` }, body, {
          print: true,
        }),
      );
    },
  });

  const redirectTo = (id: number) => `/orders/${id}`;

  app.post('/orders/:id/reception', {
    config: { access: FRONT_DESK },
    schema: { tags: ['orders'], params: idParams, body: receptionBody },
    handler: async (req, reply) => {
      const { id } = req.params as Id;
      await receiveVehicle(
        store,
        id,
        req.body as { complaint: string; odometerKm: number; condition: string },
        actor(req),
        clock.now(),
      );
      return reply.redirect(redirectTo(id), 303);
    },
  });
  app.post('/orders/:id/transition', {
    config: { access: WORKERS },
    schema: { tags: ['orders'], params: idParams, body: transitionBody },
    handler: async (req, reply) => {
      const { id } = req.params as Id;
      const b = req.body as { to: State; note: string };
      await transitionOrder(store, id, b.to, actor(req), clock.now(), b.note);
      return reply.redirect(redirectTo(id), 303);
    },
  });
  app.post('/orders/:id/lines', {
    config: { access: WORKERS },
    schema: { tags: ['orders'], params: idParams, body: lineBody },
    handler: async (req, reply) => {
      const { id } = req.params as Id;
      const b = req.body as { kind: string; description: string; soldHours: number; priceEuros: number };
      await addLine(store, id, { ...b, priceCents: Math.round(b.priceEuros * 100) });
      return reply.redirect(redirectTo(id), 303);
    },
  });
  app.post('/orders/:id/notes', {
    config: { access: WORKERS },
    schema: { tags: ['orders'], params: idParams, body: notesBody },
    handler: async (req, reply) => {
      const { id } = req.params as Id;
      await setDiagnosisNotes(store, id, (req.body as { notes: string }).notes);
      return reply.redirect(redirectTo(id), 303);
    },
  });
  app.post('/orders/:id/approval', {
    config: { access: FRONT_DESK },
    schema: { tags: ['orders'], params: idParams, body: approvalBody },
    handler: async (req, reply) => {
      const { id } = req.params as Id;
      const b = req.body as { approve: number[]; followupOn: string };
      await approveQuote(
        store,
        id,
        { approvedLineIds: b.approve, followupOn: b.followupOn },
        actor(req),
        clock.now(),
      );
      return reply.redirect(redirectTo(id), 303);
    },
  });
  app.post('/orders/:id/assign', {
    config: { access: MANAGERS },
    schema: { tags: ['orders'], params: idParams, body: assignBody },
    handler: async (req, reply) => {
      const { id } = req.params as Id;
      await assignOrder(store, id, (req.body as { userId: number }).userId, actor(req), clock.now());
      return reply.redirect(redirectTo(id), 303);
    },
  });
  app.post('/orders/:id/comeback', {
    config: { access: FRONT_DESK },
    schema: { tags: ['orders'], params: idParams, body: comebackBody },
    handler: async (req, reply) => {
      const ro = await openComeback(
        store,
        (req.params as Id).id,
        (req.body as { complaint: string }).complaint,
        actor(req),
        clock.now(),
      );
      return reply.redirect(redirectTo(ro.id), 303);
    },
  });

  // JSON API: the same services, same rules.
  const withErrors = <T extends object>(ok: T) => ({
    ...ok,
    400: errorSchema,
    403: errorSchema,
    404: errorSchema,
    409: errorSchema,
  });
  app.get('/api/board', {
    config: { access: STAFF },
    schema: { tags: ['orders'], response: { 200: { type: 'array', items: boardCardSchema } } },
    handler: async () => boardCards(store, clock.now()),
  });
  app.get('/api/orders', {
    config: { access: STAFF },
    schema: {
      tags: ['orders'],
      querystring: {
        type: 'object',
        properties: { state: { type: 'string', enum: [...STATES] }, lang: { type: 'string' } },
      },
      response: { 200: { type: 'array', items: orderSchema } },
    },
    handler: async (req) => listOrders(store, (req.query as { state?: State }).state),
  });
  app.post('/api/orders', {
    config: { access: FRONT_DESK },
    schema: { tags: ['orders'], body: createBody, response: withErrors({ 201: orderSchema }) },
    handler: async (req, reply) =>
      reply
        .code(201)
        .send(await createOrder(store, req.body as { vehicleId: number }, actor(req), clock.now())),
  });
  app.get('/api/orders/:id', {
    config: { access: STAFF },
    schema: { tags: ['orders'], params: idParams, response: withErrors({ 200: orderDetailSchema }) },
    handler: async (req) => getOrder(store, (req.params as Id).id),
  });
  app.post('/api/orders/:id/reception', {
    config: { access: FRONT_DESK },
    schema: {
      tags: ['orders'],
      params: idParams,
      body: receptionBody,
      response: withErrors({ 200: orderDetailSchema }),
    },
    handler: async (req) => {
      const { id } = req.params as Id;
      await receiveVehicle(
        store,
        id,
        req.body as { complaint: string; odometerKm: number; condition: string },
        actor(req),
        clock.now(),
      );
      return getOrder(store, id);
    },
  });
  app.post('/api/orders/:id/transitions', {
    config: { access: WORKERS },
    schema: {
      tags: ['orders'],
      params: idParams,
      body: transitionBody,
      response: withErrors({ 200: orderDetailSchema }),
    },
    handler: async (req) => {
      const { id } = req.params as Id;
      const b = req.body as { to: State; note: string };
      await transitionOrder(store, id, b.to, actor(req), clock.now(), b.note);
      return getOrder(store, id);
    },
  });
  app.post('/api/orders/:id/lines', {
    config: { access: WORKERS },
    schema: { tags: ['orders'], params: idParams, body: lineBody, response: withErrors({ 201: lineSchema }) },
    handler: async (req, reply) => {
      const b = req.body as { kind: string; description: string; soldHours: number; priceEuros: number };
      const line = await addLine(store, (req.params as Id).id, {
        ...b,
        priceCents: Math.round(b.priceEuros * 100),
      });
      return reply.code(201).send(line);
    },
  });
  app.post('/api/orders/:id/approval', {
    config: { access: FRONT_DESK },
    schema: {
      tags: ['orders'],
      params: idParams,
      body: approvalBody,
      response: withErrors({ 200: orderDetailSchema }),
    },
    handler: async (req) => {
      const { id } = req.params as Id;
      const b = req.body as { approve: number[]; followupOn: string };
      await approveQuote(
        store,
        id,
        { approvedLineIds: b.approve, followupOn: b.followupOn },
        actor(req),
        clock.now(),
      );
      return getOrder(store, id);
    },
  });
  app.post('/api/orders/:id/assign', {
    config: { access: MANAGERS },
    schema: { tags: ['orders'], params: idParams, body: assignBody, response: withErrors({ 200: okSchema }) },
    handler: async (req) => {
      await assignOrder(
        store,
        (req.params as Id).id,
        (req.body as { userId: number }).userId,
        actor(req),
        clock.now(),
      );
      return { ok: true };
    },
  });
  app.post('/api/orders/:id/comeback', {
    config: { access: FRONT_DESK },
    schema: {
      tags: ['orders'],
      params: idParams,
      body: comebackBody,
      response: withErrors({ 201: orderSchema }),
    },
    handler: async (req, reply) =>
      reply
        .code(201)
        .send(
          await openComeback(
            store,
            (req.params as Id).id,
            (req.body as { complaint: string }).complaint,
            actor(req),
            clock.now(),
          ),
        ),
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
      },
    },
    handler: async (req) =>
      deferredWork(store, (req.query as { until?: string }).until ?? isoDate(clock.now() + 365 * 86_400_000)),
  });
}
