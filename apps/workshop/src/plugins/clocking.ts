import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { formatDateTime, formatHours } from '../i18n.js';
import {
  clockIn,
  clockOut,
  clockStatus,
  correctEntry,
  listCorrections,
  listEntries,
  startActivity,
  stopActivity,
  whoIsIn,
} from '../services/clocking.js';
import { NONPROD_CODES, NONPROD_LABEL, type NonProdCode, STATE_LABEL } from '../services/domain.js';
import { ordersToClockOn } from '../services/orders.js';
import { dateTimeInput, dateTimeValue } from '../web/dates.js';
import { html } from '../web/html.js';
import { csrfField, renderPage, sendPage, T } from '../web/layout.js';
import { type Req, twin, typed } from '../web/routes.js';
import { apiErrors, csrfOnly, csrfProp, idParams, okSchema, pageResponses } from '../web/schemas.js';
import { MANAGERS, STAFF } from '../web/types.js';

/** Everyone who clocks attendance; instructors are not on the workshop's time. */
const CLOCKERS = ['apprentice', 'technician', 'manager', 'admin'] as const;
const DAY = 86_400_000;

const startBody = {
  type: 'object',
  properties: {
    roId: { type: 'integer', minimum: 0, default: 0 },
    lineId: { type: 'integer', minimum: 0, default: 0 },
    code: { type: 'string', enum: [...NONPROD_CODES, ''], default: '' },
    ...csrfProp,
  },
} as const;
const correctionBody = {
  type: 'object',
  required: ['reason'],
  properties: {
    startAt: { type: 'string', maxLength: 30 },
    endAt: { type: 'string', maxLength: 30 },
    reason: { type: 'string', minLength: 3, maxLength: 500 },
    ...csrfProp,
  },
} as const;
const entrySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    id: { type: 'integer' },
    user_id: { type: 'integer' },
    user_name: { type: 'string' },
    kind: { type: 'string' },
    ro_id: { type: ['integer', 'null'] },
    ro_number: { type: ['string', 'null'] },
    line_id: { type: ['integer', 'null'] },
    code: { type: ['string', 'null'] },
    start_at: { type: 'integer' },
    end_at: { type: ['integer', 'null'] },
    corrections: { type: 'integer' },
  },
} as const;
const statusSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    attendance: { anyOf: [entrySchema, { type: 'null' }] },
    activity: { anyOf: [entrySchema, { type: 'null' }] },
  },
} as const;

/** A correction's time: epoch ms, or a date-time as typed (web/dates.ts: ISO 8601 or 07/12/2026 09:30, Paris time). */
function correctionTime(v: string | undefined, field: 'startAt' | 'endAt'): number | undefined {
  if (v !== undefined && /^\d+$/.test(v)) return Number(v);
  return dateTimeValue(v, field);
}

async function clocking(scope: FastifyInstance): Promise<void> {
  const app = typed(scope);
  const { store, clock } = app.deps;
  const me = (req: FastifyRequest) => req.user!;

  app.get('/clock', {
    config: { access: STAFF },
    schema: { tags: ['clocking'], response: pageResponses },
    handler: async (req, reply) => {
      const user = me(req);
      const now = clock.now();
      const status = await clockStatus(store, user.id);
      const isManager = MANAGERS.includes(user.role);
      const entries = await listEntries(store, isManager ? null : user.id, now - 7 * DAY, now + 1);
      const myOrders = await ordersToClockOn(store, user.id, isManager);
      const kindLabel = (e: { kind: string; code: string | null; ro_number: string | null }) =>
        e.kind === 'attendance'
          ? T(req, { fr: 'Présence', en: 'Attendance' })
          : e.kind === 'nonprod'
            ? T(req, NONPROD_LABEL[e.code as NonProdCode] ?? { fr: e.code ?? '', en: e.code ?? '' })
            : `${T(req, { fr: 'OR', en: 'RO' })} ${e.ro_number}`;
      const canClock = (CLOCKERS as readonly string[]).includes(user.role);
      const present = isManager || user.role === 'instructor' ? await whoIsIn(store) : null;
      const body = html`<div class="clock-status card" data-since="${status.activity?.start_at ?? status.attendance?.start_at ?? ''}">
<p class="status">${status.attendance ? T(req, { fr: 'Présent depuis {t}', en: 'Clocked in since {t}' }, { t: formatDateTime(req.lang, status.attendance.start_at) }) : T(req, { fr: 'Non pointé', en: 'Not clocked in' })}</p>
${status.activity ? html`<p class="activity">${T(req, { fr: 'En cours :', en: 'Running:' })} <strong>${kindLabel(status.activity)}</strong> <span class="elapsed"></span></p>` : ''}
${
  canClock
    ? html`<div class="buttons">
${
  status.attendance
    ? html`<form method="post" action="/clock/out" class="inline">${csrfField(req)}<button type="submit" id="clock-out">${T(req, { fr: 'Pointer la sortie', en: 'Clock out' })}</button></form>`
    : html`<form method="post" action="/clock/in" class="inline">${csrfField(req)}<button type="submit" id="clock-in">${T(req, { fr: "Pointer l'entrée", en: 'Clock in' })}</button></form>`
}
${status.activity ? html`<form method="post" action="/clock/stop" class="inline">${csrfField(req)}<button type="submit" id="stop-activity">${T(req, { fr: "Arrêter l'activité", en: 'Stop activity' })}</button></form>` : ''}
</div>
${
  status.attendance
    ? html`<form method="post" action="/clock/start" class="card">${csrfField(req)}<h2>${T(req, { fr: 'Commencer une opération', en: 'Start an operation' })}</h2>
<label>${T(req, { fr: 'Ordre de réparation', en: 'Repair order' })} <select name="roId">${myOrders.map((o) => html`<option value="${o.id}">${o.number} — ${o.plate} (${T(req, STATE_LABEL[o.state])})</option>`)}</select></label>
<button type="submit" id="start-operation" ${myOrders.length ? '' : html`disabled`}>${T(req, { fr: 'Commencer', en: 'Start' })}</button></form>
<form method="post" action="/clock/start" class="card">${csrfField(req)}<h2>${T(req, { fr: 'Temps improductif', en: 'Non-productive time' })}</h2>
<label>${T(req, { fr: 'Code', en: 'Code' })} <select name="code">${NONPROD_CODES.map((c) => html`<option value="${c}">${T(req, NONPROD_LABEL[c])}</option>`)}</select></label>
<button type="submit">${T(req, { fr: 'Commencer', en: 'Start' })}</button></form>`
    : ''
}`
    : ''
}
</div>
${
  present
    ? html`<section class="card present"><h2>${T(req, { fr: 'Présents maintenant', en: 'Clocked in now' })} <span class="count">${present.length}</span></h2>
${
  present.length
    ? html`<ul>${present.map((p) => html`<li><strong>${p.user_name}</strong> — ${T(req, { fr: 'depuis {t}', en: 'since {t}' }, { t: formatDateTime(req.lang, p.since) })}${p.kind ? html` · ${kindLabel({ kind: p.kind, code: p.code, ro_number: p.ro_number })}` : html` · <span class="muted">${T(req, { fr: 'sans activité en cours', en: 'no running activity' })}</span>`}</li>`)}</ul>`
    : html`<p class="muted">${T(req, { fr: 'Personne n’est pointé.', en: 'Nobody is clocked in.' })}</p>`
}</section>`
    : ''
}
<h2>${T(req, { fr: 'Pointages des 7 derniers jours', en: 'Clock entries, last 7 days' })}</h2>
${isManager || user.role === 'instructor' ? html`<p><a href="/clock.csv" download>${T(req, { fr: 'Exporter les pointages des 30 derniers jours (CSV)', en: 'Export the last 30 days of clocking (CSV)' })}</a></p>` : ''}
<table class="entries"><thead><tr>${isManager ? html`<th>${T(req, { fr: 'Personne', en: 'Person' })}</th>` : ''}<th>${T(req, { fr: 'Activité', en: 'Activity' })}</th><th>${T(req, { fr: 'Début', en: 'Start' })}</th><th>${T(req, { fr: 'Fin', en: 'End' })}</th><th>${T(req, { fr: 'Durée (h)', en: 'Duration (h)' })}</th>${isManager ? html`<th>${T(req, { fr: 'Correction', en: 'Correction' })}</th>` : ''}</tr></thead>
<tbody>${entries.map(
        (
          e,
        ) => html`<tr>${isManager ? html`<td>${e.user_name}</td>` : ''}<td>${kindLabel(e)}</td><td>${formatDateTime(req.lang, e.start_at)}</td><td>${formatDateTime(req.lang, e.end_at)}</td><td>${formatHours(req.lang, ((e.end_at ?? now) - e.start_at) / 3600_000)}${e.corrections ? html` <span class="tag" title="${T(req, { fr: 'corrigé', en: 'corrected' })}">✎${e.corrections}</span>` : ''}</td>
${
  isManager
    ? html`<td><details><summary>${T(req, { fr: 'Corriger', en: 'Correct' })}</summary><form method="post" action="/clock/entries/${e.id}/correction" class="correction">${csrfField(req)}
${dateTimeInput(req, 'startAt', null, { ariaLabel: T(req, { fr: 'Début', en: 'Start' }) })} ${dateTimeInput(req, 'endAt', null, { ariaLabel: T(req, { fr: 'Fin', en: 'End' }) })}
<input name="reason" required minlength="3" placeholder="${T(req, { fr: 'motif', en: 'reason' })}"><button type="submit">${T(req, { fr: 'Corriger', en: 'Correct' })}</button></form></details></td>`
    : ''
}</tr>`,
      )}</tbody></table>`;
      return sendPage(reply, renderPage(req, { fr: 'Pointage', en: 'Clocking' }, body));
    },
  });

  const back = () => '/clock';
  const status = (req: FastifyRequest) => clockStatus(store, me(req).id);
  const ok = () => ({ ok: true });

  /** A clocking action: the form goes back to /clock, the API answers the new status or ok. */
  const action = (
    name: 'in' | 'out' | 'stop',
    fn: (req: FastifyRequest) => Promise<unknown>,
    answer: 'status' | 'ok',
  ) =>
    twin(app, 'POST', {
      access: CLOCKERS,
      tags: ['clocking'],
      schema: { body: csrfOnly },
      handler: async (req) => {
        await fn(req);
        return answer === 'status' ? status(req) : ok();
      },
      page: { url: `/clock/${name}`, redirect: back },
      api: {
        url: `/api/clock/${name}`,
        noBody: true,
        response: answer === 'status' ? statusSchema : okSchema,
      },
    });
  action('in', (req) => clockIn(store, me(req).id, clock.now()), 'status');
  action('out', (req) => clockOut(store, me(req).id, clock.now()), 'ok');
  action('stop', (req) => stopActivity(store, me(req).id, clock.now()), 'ok');
  twin(app, 'POST', {
    access: CLOCKERS,
    tags: ['clocking'],
    schema: { body: startBody },
    handler: async (req) => {
      await startActivity(store, me(req), req.body, clock.now());
      return status(req);
    },
    page: { url: '/clock/start', redirect: back },
    api: { url: '/api/clock/start', response: statusSchema },
  });

  const correction = { params: idParams, body: correctionBody } as const;
  const correct = async (req: Req<typeof correction>) => {
    const b = req.body;
    const startAt = correctionTime(b.startAt, 'startAt');
    const endAt = correctionTime(b.endAt, 'endAt');
    return correctEntry(store, req.params.id, { startAt, endAt, reason: b.reason }, me(req).id, clock.now());
  };
  twin(app, 'POST', {
    access: MANAGERS,
    tags: ['clocking'],
    schema: correction,
    handler: correct,
    page: { url: '/clock/entries/:id/correction', redirect: back },
    api: { url: '/api/clock/entries/:id/correction', response: entrySchema },
  });

  app.get('/api/clock/status', {
    config: { access: STAFF },
    schema: { tags: ['clocking'], response: { 200: statusSchema, ...apiErrors } },
    handler: async (req) => status(req),
  });
  app.get('/api/clock/entries', {
    config: { access: STAFF },
    schema: {
      tags: ['clocking'],
      querystring: {
        type: 'object',
        properties: {
          from: { type: 'integer' },
          to: { type: 'integer' },
          userId: { type: 'integer', minimum: 1 },
          lang: { type: 'string' },
        },
      },
      response: { 200: { type: 'array', items: entrySchema }, ...apiErrors },
    },
    handler: async (req) => {
      const q = req.query;
      const now = clock.now();
      // Only managers read other people's time.
      const userId = MANAGERS.includes(me(req).role) ? (q.userId ?? null) : me(req).id;
      return listEntries(store, userId, q.from ?? now - 7 * DAY, q.to ?? now + 1);
    },
  });
  app.get('/api/clock/entries/:id/corrections', {
    config: { access: MANAGERS },
    schema: {
      tags: ['clocking'],
      params: idParams,
      response: {
        200: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            properties: {
              field: { type: 'string' },
              old_value: { type: ['integer', 'null'] },
              new_value: { type: ['integer', 'null'] },
              reason: { type: 'string' },
              by_name: { type: 'string' },
              at: { type: 'integer' },
            },
          },
        },
        ...apiErrors,
      },
    },
    handler: async (req) => listCorrections(store, req.params.id),
  });
}

/** Attendance and activities, managers' corrections. */
export const clockingPlugin = fp(clocking, {
  name: 'atelier-clocking',
  encapsulate: true,
  dependencies: ['atelier-core'],
  decorators: { fastify: ['deps'] },
});
