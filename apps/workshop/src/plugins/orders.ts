import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { formatDateTime, formatHours, formatKm, formatMoney } from '../i18n.js';
import { listVehicles } from '../services/customers.js';
import {
  ENERGY_LABEL,
  isHighVoltage,
  type Role,
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
import { type Req, twin, typed } from '../web/routes.js';
import {
  apiErrors,
  boardCardSchema,
  csrfProp,
  formResponses,
  idParams,
  lineSchema,
  okSchema,
  orderDetailSchema,
  orderSchema,
  pageResponses,
  symbolEnum,
} from '../web/schemas.js';
import { FRONT_DESK, MANAGERS, STAFF } from '../web/types.js';

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

async function orders(scope: FastifyInstance): Promise<void> {
  const app = typed(scope);
  const { store, clock } = app.deps;
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
        }${req.user!.role === 'apprentice' ? '' : html`<p class="tools"><a href="/orders.csv" download>${T(req, { fr: 'Exporter les ordres (CSV)', en: 'Export the orders (CSV)' })}</a></p>`}<div class="board" data-refresh="60">${columns.map(
          (
            col,
          ) => html`<section class="column" data-state="${col.s}"><h2>${T(req, STATE_LABEL[col.s])} <span class="count">${col.cards.length}</span></h2>
${col.s === 'delivered' && col.cards.length ? html`<details class="delivered"><summary>${T(req, { fr: '{n} livré(s) ces 7 derniers jours', en: '{n} delivered in the last 7 days' }, { n: col.cards.length })}</summary>` : ''}
${col.cards.map(
  (
    c,
  ) => html`<a class="ro-card ${c.hv_requirement && isHighVoltage(c.energy) ? 'hv' : ''}" href="/orders/${c.id}" data-number="${c.number}">
  <strong>${c.number}</strong> ${c.comeback_of ? html`<span class="tag">${T(req, STATE_LABEL.comeback)}</span>` : ''}
  <span>${c.plate} · ${c.maker} ${c.model}</span>
  <span class="muted">${c.assignee_name ?? T(req, { fr: 'non affecté', en: 'unassigned' })}</span>
  <span class="complaint">${c.complaint.slice(0, 80)}</span>
</a>`,
)}${col.s === 'delivered' && col.cards.length ? html`</details>` : ''}</section>`,
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

  app.get('/orders/:id/print', {
    config: { access: STAFF },
    schema: { tags: ['orders'], params: idParams, response: pageResponses },
    handler: async (req, reply) => {
      const o = await getOrder(store, req.user!.site_id, req.params.id);
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

  twin(app, 'POST', {
    access: FRONT_DESK,
    tags: ['orders'],
    schema: { body: createBody },
    handler: async (req) => createOrder(store, req.user!.site_id, req.body, actor(req), clock.now()),
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
            orderPage(req, o, await listMechanics(store, req.user!.site_id)),
          ),
        ),
    },
    api: { url: '/api/orders/:id', response: orderDetailSchema },
  });

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
  change('/orders/:id/transition', '/api/orders/:id/transitions', WORKERS, transitionBody, (req) =>
    transitionOrder(
      store,
      req.user!.site_id,
      req.params.id,
      req.body.to,
      actor(req),
      clock.now(),
      req.body.note,
    ),
  );
  change('/orders/:id/approval', '/api/orders/:id/approval', FRONT_DESK, approvalBody, (req) =>
    approveQuote(
      store,
      req.user!.site_id,
      req.params.id,
      { approvedLineIds: req.body.approve, followupOn: req.body.followupOn },
      actor(req),
      clock.now(),
    ),
  );

  twin(app, 'POST', {
    access: WORKERS,
    tags: ['orders'],
    schema: { params: idParams, body: lineBody },
    handler: async (req) => {
      const b = req.body;
      return addLine(store, req.user!.site_id, req.params.id, {
        ...b,
        priceCents: Math.round(b.priceEuros * 100),
      });
    },
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

  app.post('/orders/:id/notes', {
    config: { access: WORKERS },
    schema: { tags: ['orders'], params: idParams, body: notesBody, response: formResponses('/orders/:id') },
    handler: async (req, reply) => {
      await setDiagnosisNotes(store, req.user!.site_id, req.params.id, req.body.notes);
      return reply.redirect(toOrder(req.params.id), 303);
    },
  });

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

/** Repair orders: board, order pages and forms, and their JSON API. */
export const ordersPlugin = fp(orders, {
  name: 'atelier-orders',
  encapsulate: true,
  dependencies: ['atelier-core'],
  decorators: { fastify: ['deps'] },
});
