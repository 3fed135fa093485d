/**
 * The group's sites: the sites a person works on and the switch between them, the group
 * administrator's new sites and memberships, and the after-sales director's view of every site's
 * board and KPIs side by side.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { formatHours, formatPercent } from '../i18n.js';
import { SITE_ROLES, STATE_LABEL, STATES } from '../services/domain.js';
import { ForbiddenError } from '../services/errors.js';
import { isoDate } from '../services/habilitations.js';
import { kpiPeriod } from '../services/kpi.js';
import { switchSite } from '../services/sessions.js';
import { createSite, groupOverview } from '../services/sites.js';
import { setMembership, sitesOf } from '../services/users.js';
import { html } from '../web/html.js';
import { csrfField, renderPage, sendPage, T } from '../web/layout.js';
import { twin, typed } from '../web/routes.js';
import { apiErrors, csrfProp, formResponses, okSchema, pageResponses } from '../web/schemas.js';

const DAY = 86_400_000;
const GROUP_VIEWERS = ['director', 'admin'] as const;

const siteSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { id: { type: 'integer' }, code: { type: 'string' }, name: { type: 'string' } },
} as const;

const overviewSchema = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    properties: {
      site: siteSchema,
      open: { type: 'integer' },
      board: { type: 'object', additionalProperties: { type: 'integer' } },
      kpis: {
        type: 'object',
        additionalProperties: false,
        properties: {
          attendedHours: { type: 'number' },
          clockedHours: { type: 'number' },
          soldHours: { type: 'number' },
          efficiency: { type: ['number', 'null'] },
          productivity: { type: ['number', 'null'] },
          proficiency: { type: ['number', 'null'] },
          delivered: { type: 'integer' },
          comebacks: { type: 'integer' },
          comebackRate: { type: ['number', 'null'] },
          avgDiagnosisHours: { type: ['number', 'null'] },
        },
      },
    },
  },
} as const;

/** Only a group administrator (not a site's own administrator) works across sites. */
function groupAdmin(req: FastifyRequest): void {
  if (req.user!.group_role !== 'admin')
    throw new ForbiddenError({
      fr: 'réservé à l’administrateur du groupe',
      en: 'for the group administrator only',
    });
}

async function sites(scope: FastifyInstance): Promise<void> {
  const app = typed(scope);
  const { store, clock } = app.deps;

  app.get('/sites', {
    config: { access: 'authenticated' },
    schema: { tags: ['sites'], response: pageResponses },
    handler: async (req, reply) => {
      const mine = await sitesOf(store, req.user!.id);
      const body = html`<ul class="sites">${mine.map(
        (s) =>
          html`<li>${s.id === req.user!.site_id ? html`<strong>${s.name}</strong> (${T(req, { fr: 'site actuel', en: 'current site' })})` : html`<form method="post" action="/site" class="inline">${csrfField(req)}<input type="hidden" name="siteId" value="${s.id}"><button type="submit">${s.name}</button></form>`} <code>${s.code}</code></li>`,
      )}</ul>
${
  req.user!.group_role === 'admin'
    ? html`<form method="post" action="/sites" class="card">${csrfField(req)}<h2>${T(req, { fr: 'Nouveau site', en: 'New site' })}</h2>
<label>${T(req, { fr: 'Code', en: 'Code' })} <input name="code" required maxlength="30" pattern="[a-z0-9-]{2,30}"></label>
<label>${T(req, { fr: 'Nom', en: 'Name' })} <input name="name" required maxlength="200"></label>
<button type="submit">${T(req, { fr: 'Créer', en: 'Create' })}</button></form>`
    : ''
}`;
      return sendPage(reply, renderPage(req, { fr: 'Sites du groupe', en: "The group's sites" }, body));
    },
  });

  app.post('/site', {
    config: { access: 'authenticated' },
    schema: {
      tags: ['sites'],
      body: {
        type: 'object',
        required: ['siteId'],
        properties: { siteId: { type: 'integer', minimum: 1 }, ...csrfProp },
      },
      response: formResponses('/board'),
    },
    handler: async (req, reply) => {
      await switchSite(store, req.session!.id, req.user!.id, req.body.siteId);
      return reply.redirect(req.user!.role === 'director' ? '/group' : '/board', 303);
    },
  });

  const siteBody = {
    type: 'object',
    required: ['code', 'name'],
    properties: {
      code: { type: 'string', maxLength: 30 },
      name: { type: 'string', maxLength: 200 },
      ...csrfProp,
    },
  } as const;

  // The group administrator's form on /sites.
  app.post('/sites', {
    config: { access: ['admin'] },
    schema: { tags: ['sites'], body: siteBody, response: formResponses('/sites') },
    handler: async (req, reply) => {
      groupAdmin(req);
      await createSite(store, req.body, clock.now());
      return reply.redirect('/sites', 303);
    },
  });

  app.get('/api/sites', {
    config: { access: 'authenticated' },
    schema: { tags: ['sites'], response: { 200: { type: 'array', items: siteSchema }, ...apiErrors } },
    handler: async (req) => sitesOf(store, req.user!.id),
  });

  app.post('/api/sites', {
    config: { access: ['admin'] },
    schema: {
      tags: ['sites'],
      body: siteBody,
      response: { 201: siteSchema, ...apiErrors },
    },
    handler: async (req, reply) => {
      groupAdmin(req);
      reply.code(201);
      return createSite(store, req.body, clock.now());
    },
  });

  app.put('/api/sites/:siteId/members/:userId', {
    config: { access: ['admin'] },
    schema: {
      tags: ['sites'],
      params: {
        type: 'object',
        required: ['siteId', 'userId'],
        properties: { siteId: { type: 'integer', minimum: 1 }, userId: { type: 'integer', minimum: 1 } },
      },
      body: {
        type: 'object',
        required: ['role'],
        properties: { role: { type: 'string', enum: [...SITE_ROLES] }, ...csrfProp },
      },
      response: { 200: okSchema, ...apiErrors },
    },
    // A site's administrator gives roles on their own site; the group administrator on any.
    handler: async (req) => {
      if (req.params.siteId !== req.user!.site_id) groupAdmin(req);
      await setMembership(store, req.params.userId, req.params.siteId, req.body.role);
      return { ok: true };
    },
  });

  // The after-sales director's view: every site's board and KPIs, side by side.
  twin(app, 'GET', {
    access: GROUP_VIEWERS,
    tags: ['sites'],
    schema: {
      querystring: {
        type: 'object',
        properties: {
          from: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
          to: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
          lang: { type: 'string' },
        },
      },
    },
    handler: async (req) => {
      if (req.user!.role === 'admin') groupAdmin(req);
      const now = clock.now();
      const period = kpiPeriod(req.query, now);
      return { period, sites: await groupOverview(store, period, now) };
    },
    page: {
      url: '/group',
      render: async ({ period, sites: all }, req, reply) => {
        const cell = (v: string) => html`<td>${v}</td>`;
        const row = (label: string, f: (s: (typeof all)[number]) => string) =>
          html`<tr><th>${label}</th>${all.map((s) => cell(f(s)))}</tr>`;
        const body = html`<p class="muted">${T(req, { fr: 'Période du {a} au {b}', en: 'Period {a} to {b}' }, { a: isoDate(period.from), b: isoDate(period.to - DAY) })}</p>
<table class="group"><thead><tr><th></th>${all.map((s) => html`<th data-site="${s.site.code}">${s.site.name}</th>`)}</tr></thead><tbody>
${row(T(req, { fr: 'Ordres ouverts', en: 'Open orders' }), (s) => String(s.open))}
${STATES.map((st) => row(T(req, STATE_LABEL[st]), (s) => String(s.board[st] ?? 0)))}
${row(T(req, { fr: 'Efficacité', en: 'Efficiency' }), (s) => formatPercent(req.lang, s.kpis.efficiency))}
${row(T(req, { fr: 'Productivité', en: 'Productivity' }), (s) => formatPercent(req.lang, s.kpis.productivity))}
${row(T(req, { fr: 'Rendement', en: 'Proficiency' }), (s) => formatPercent(req.lang, s.kpis.proficiency))}
${row(T(req, { fr: 'Taux de retour', en: 'Comeback rate' }), (s) => formatPercent(req.lang, s.kpis.comebackRate))}
${row(T(req, { fr: 'Diagnostic moyen', en: 'Average diagnosis' }), (s) => (s.kpis.avgDiagnosisHours === null ? '—' : `${formatHours(req.lang, s.kpis.avgDiagnosisHours)} h`))}
${row(T(req, { fr: 'Heures vendues', en: 'Sold hours' }), (s) => formatHours(req.lang, s.kpis.soldHours))}
</tbody></table>`;
        return sendPage(
          reply,
          renderPage(req, { fr: 'Le groupe, site par site', en: 'The group, site by site' }, body),
        );
      },
    },
    api: {
      url: '/api/group',
      response: overviewSchema,
      json: ({ sites: all }) =>
        all.map((s) => ({ ...s, site: { id: s.site.id, code: s.site.code, name: s.site.name } })),
    },
  });
}

/** Sites of the group, the switch between them, and the director's side-by-side view. */
export const sitesPlugin = fp(sites, {
  name: 'atelier-sites',
  encapsulate: true,
  dependencies: ['atelier-core'],
  decorators: { fastify: ['deps'] },
});
