/**
 * The group's sites: the sites a person works on and the switch between them, the group
 * administrator's new sites and memberships, and the after-sales director's view of every site's
 * board and KPIs side by side.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { formatDateTime, formatHours, formatPercent } from '../i18n.js';
import { ROLE_LABEL, SITE_ROLES, STATE_LABEL, STATES } from '../services/domain.js';
import { ForbiddenError } from '../services/errors.js';
import { isoDate } from '../services/habilitations.js';
import { invoiceSeries, setInvoicePrefix } from '../services/invoice-series.js';
import { kpiPeriod } from '../services/kpi.js';
import { membershipAudit } from '../services/membership-audit.js';
import { peopleNotOn, setMembership, siteMembers, withdrawMembership } from '../services/memberships.js';
import { switchSite } from '../services/sessions.js';
import { createSite, getSite, groupOverview, listSites } from '../services/sites.js';
import { sitesOf } from '../services/users.js';
import { html } from '../web/html.js';
import { csrfField, renderPage, sendPage, T } from '../web/layout.js';
import { twin, typed } from '../web/routes.js';
import { apiErrors, csrfProp, formResponses, okSchema, pageResponses, userSchema } from '../web/schemas.js';

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
      const isGroupAdmin = req.user!.group_role === 'admin';
      const counts = [];
      if (isGroupAdmin)
        for (const site of await listSites(store))
          counts.push({ site, n: (await siteMembers(store, site.id)).length });
      const body = html`<ul class="sites">${mine.map(
        (s) =>
          html`<li>${s.id === req.user!.site_id ? html`<strong>${s.name}</strong> (${T(req, { fr: 'site actuel', en: 'current site' })})` : html`<form method="post" action="/site" class="inline">${csrfField(req)}<input type="hidden" name="siteId" value="${s.id}"><button type="submit">${s.name}</button></form>`} <code>${s.code}</code></li>`,
      )}</ul>
${
  isGroupAdmin
    ? html`<h2>${T(req, { fr: 'Membres de chaque site', en: 'Members of each site' })}</h2>
<ul class="site-members">${counts.map(({ site, n }) => html`<li><a href="/sites/${site.id}" data-site="${site.code}">${site.name}</a> — ${T(req, { fr: '{n} membre(s)', en: '{n} member(s)' }, { n: String(n) })}</li>`)}</ul>
<form method="post" action="/sites" class="card">${csrfField(req)}<h2>${T(req, { fr: 'Nouveau site', en: 'New site' })}</h2>
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

  // Members of a site. The group administrator manages every site's; a site's own administrator
  // reads their site's list (and keeps the JSON role change on their own site they had before).
  const siteParams = {
    type: 'object',
    required: ['siteId'],
    properties: { siteId: { type: 'integer', minimum: 1 } },
  } as const;
  const memberParams = {
    type: 'object',
    required: ['siteId', 'userId'],
    properties: { siteId: { type: 'integer', minimum: 1 }, userId: { type: 'integer', minimum: 1 } },
  } as const;
  const membershipSchema = {
    type: 'object',
    additionalProperties: false,
    properties: {
      userId: { type: 'integer' },
      siteId: { type: 'integer' },
      role: { type: 'string' },
      before: { type: ['string', 'null'] },
    },
  } as const;
  const roleProp = { role: { type: 'string', enum: [...SITE_ROLES] } } as const;
  const ownSiteOrGroup = (req: FastifyRequest, siteId: number) => {
    if (siteId !== req.user!.site_id) groupAdmin(req);
  };

  twin(app, 'GET', {
    access: ['admin'],
    tags: ['sites'],
    schema: { params: siteParams },
    handler: async (req) => {
      ownSiteOrGroup(req, req.params.siteId);
      const site = await getSite(store, req.params.siteId);
      const members = await siteMembers(store, site.id);
      const others = req.user!.group_role === 'admin' ? await peopleNotOn(store, site.id) : [];
      const series = await invoiceSeries(store, site.id, isoDate(clock.now()).slice(0, 4));
      return { site, members, others, series };
    },
    page: {
      url: '/sites/:siteId',
      render: async ({ site, members, others, series }, req, reply) => {
        const manage = req.user!.group_role === 'admin';
        const roleSelect = (selected: string, id: string, label = '') =>
          html`<select name="role" id="${id}"${label ? html` aria-label="${label}"` : ''}>${SITE_ROLES.map((r) => html`<option value="${r}"${r === selected ? html` selected` : ''}>${T(req, ROLE_LABEL[r])}</option>`)}</select>`;
        const admins = members.filter((m) => m.role === 'admin' && m.active).length;
        type Member = (typeof members)[number];
        const withdrawConfirm = (m: Member) =>
          m.sites <= 1
            ? T(
                req,
                {
                  fr: '{n} n’a pas d’autre site : {n} perdra l’accès à Atelier. Retirer {n} de {s} ?',
                  en: '{n} has no other site: {n} will lose access to Atelier. Withdraw {n} from {s}?',
                },
                { n: m.name, s: site.name },
              )
            : T(
                req,
                { fr: 'Retirer {n} de {s} ?', en: 'Withdraw {n} from {s}?' },
                { n: m.name, s: site.name },
              );
        const row = (m: Member) =>
          html`<tr data-user="${m.login}"><td>${m.name} <small class="muted" data-sites="${m.sites}">${T(req, m.sites > 1 ? { fr: '{n} sites', en: '{n} sites' } : { fr: 'ce site seul', en: 'this site only' }, { n: String(m.sites) })}</small>${m.active ? '' : html` <small class="badge">${T(req, { fr: 'désactivé', en: 'disabled' })}</small>`}</td><td>${
            manage
              ? html`<form method="post" action="/sites/${site.id}/members" class="inline">${csrfField(req)}<input type="hidden" name="userId" value="${m.id}">${roleSelect(m.role, `role-${m.id}`, T(req, { fr: 'Rôle de {n}', en: '{n}’s role' }, { n: m.name }))} <button type="submit">${T(req, { fr: 'Changer', en: 'Change' })}</button></form>`
              : T(req, ROLE_LABEL[m.role])
          }</td>${
            manage
              ? html`<td>${
                  m.role === 'admin' && m.active && admins <= 1
                    ? html`<small class="muted">${T(req, { fr: 'dernier administrateur du site', en: 'the site’s last administrator' })}</small>`
                    : html`<form method="post" action="/sites/${site.id}/members/${m.id}/withdraw" class="inline" data-confirm="${withdrawConfirm(m)}">${csrfField(req)}<button type="submit" class="danger">${T(req, { fr: 'Retirer', en: 'Withdraw' })}</button></form>`
                }</td>`
              : ''
          }</tr>`;
        const body = html`<p><a href="/sites">${T(req, { fr: '← Sites du groupe', en: '← The group’s sites' })}</a> <code>${site.code}</code> · <a href="/sites/${site.id}/audit">${T(req, { fr: 'Journal des membres', en: 'Membership log' })}</a></p>
${
  members.length
    ? html`<div class="table-wrap"><table class="members"><thead><tr><th>${T(req, { fr: 'Nom', en: 'Name' })}</th><th>${T(req, { fr: 'Rôle sur ce site', en: 'Role on this site' })}</th>${manage ? html`<th></th>` : ''}</tr></thead><tbody>${members.map(row)}</tbody></table></div>`
    : html`<p class="muted">${T(req, { fr: 'Personne n’appartient encore à ce site.', en: 'Nobody belongs to this site yet.' })}</p>`
}
<section class="card invoice-series"><h2>${T(req, { fr: 'Numérotation des factures', en: 'Invoice numbering' })}</h2>
<p>${T(req, { fr: 'Une séquence par site, sans rupture : prochaine facture {i}, prochain avoir {a}.', en: 'One unbroken sequence per site: next invoice {i}, next credit note {a}.' }, { i: series.next_invoice, a: series.next_credit_note })}</p>
${
  series.issued
    ? html`<p class="muted">${T(req, { fr: 'Préfixe « {p} » : fixé, le site a déjà émis {n} facture(s) ou avoir(s).', en: 'Prefix “{p}”: fixed, the site has already issued {n} invoice(s) or credit note(s).' }, { p: series.prefix || '—', n: series.issued })}</p>`
    : html`<form method="post" action="/sites/${site.id}/invoice-prefix" class="inline">${csrfField(req)}<label>${T(req, { fr: 'Préfixe du site', en: 'Site prefix' })} <input type="text" name="prefix" value="${series.prefix}" maxlength="21" size="10" required></label> <button type="submit">${T(req, { fr: 'Enregistrer', en: 'Save' })}</button></form>`
}</section>
<p class="muted">${T(req, { fr: 'Le directeur après-vente et l’administrateur du groupe sont sur chaque site par leur rôle de groupe.', en: 'The after-sales director and the group administrator are on every site through their group role.' })}</p>
${
  manage
    ? others.length
      ? html`<form method="post" action="/sites/${site.id}/members" class="card">${csrfField(req)}<h2>${T(req, { fr: 'Ajouter une personne du groupe', en: 'Add a person of the group' })}</h2>
<label>${T(req, { fr: 'Personne', en: 'Person' })} <select name="userId" required>${others.map((p) => html`<option value="${p.id}">${p.name} (${p.login})</option>`)}</select></label>
<label>${T(req, { fr: 'Rôle', en: 'Role' })} ${roleSelect('technician', 'new-role')}</label>
<button type="submit">${T(req, { fr: 'Ajouter', en: 'Add' })}</button></form>`
      : html`<p class="muted">${T(req, { fr: 'Toutes les personnes du groupe appartiennent déjà à ce site.', en: 'Everyone in the group already belongs to this site.' })}</p>`
    : ''
}`;
        return sendPage(
          reply,
          renderPage(req, { fr: `Membres du site ${site.name}`, en: `Members of ${site.name}` }, body),
        );
      },
    },
    api: {
      url: '/api/sites/:siteId/members',
      response: {
        type: 'object',
        additionalProperties: false,
        properties: {
          site: siteSchema,
          members: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              // A person as everywhere (id, login, name, role here), with their account's state and sites.
              properties: {
                ...userSchema.properties,
                active: { type: 'boolean' },
                sites: { type: 'integer' },
              },
            },
          },
        },
      },
      json: ({ site, members }) => ({
        site: { id: site.id, code: site.code, name: site.name },
        members: members.map((m) => ({ ...m, active: Boolean(m.active) })),
      }),
    },
  });

  // Add a person to a site, or change their role there: the group administrator's forms.
  twin(app, 'POST', {
    access: ['admin'],
    tags: ['sites'],
    schema: {
      params: siteParams,
      body: {
        type: 'object',
        required: ['userId', 'role'],
        properties: { userId: { type: 'integer', minimum: 1 }, ...roleProp, ...csrfProp },
      },
    },
    handler: async (req) => {
      groupAdmin(req);
      return setMembership(
        store,
        req.params.siteId,
        req.body.userId,
        req.body.role,
        req.user!.id,
        clock.now(),
      );
    },
    page: { url: '/sites/:siteId/members', redirect: (m) => `/sites/${m.siteId}` },
    api: { url: '/api/sites/:siteId/members', response: membershipSchema },
  });

  // Who was added to the site, with which role, by whom, when: from the audit log (services/membership-audit.ts).
  twin(app, 'GET', {
    access: ['admin'],
    tags: ['sites'],
    schema: { params: siteParams },
    handler: async (req) => {
      ownSiteOrGroup(req, req.params.siteId);
      return {
        site: await getSite(store, req.params.siteId),
        events: await membershipAudit(store, req.params.siteId),
      };
    },
    page: {
      url: '/sites/:siteId/audit',
      render: async ({ site, events }, req, reply) => {
        const role = (r: string | null) =>
          r && r in ROLE_LABEL ? T(req, ROLE_LABEL[r as keyof typeof ROLE_LABEL]) : (r ?? '—');
        const what = (e: (typeof events)[number]) => {
          switch (e.action) {
            case 'member.add':
              return T(
                req,
                { fr: 'ajouté·e au site comme {r}', en: 'added to the site as {r}' },
                { r: role(e.to_role) },
              );
            case 'member.role':
            case 'user.update':
              return T(
                req,
                { fr: 'rôle changé : {a} → {b}', en: 'role changed: {a} → {b}' },
                { a: role(e.from_role), b: role(e.to_role) },
              );
            case 'member.withdraw':
              return T(
                req,
                e.last_site
                  ? {
                      fr: 'retiré·e du site ({a}) — plus aucun site',
                      en: 'withdrawn from the site ({a}) — no site left',
                    }
                  : { fr: 'retiré·e du site ({a})', en: 'withdrawn from the site ({a})' },
                { a: role(e.from_role) },
              );
            case 'user.enable':
              return T(req, { fr: 'compte réactivé', en: 'account enabled' });
            case 'user.disable':
              return T(req, { fr: 'compte désactivé', en: 'account disabled' });
            default:
              return T(
                req,
                {
                  fr: 'compte créé, membre comme {r} (ajout non journalisé)',
                  en: 'account created, member as {r} (addition not logged)',
                },
                { r: role(e.to_role) },
              );
          }
        };
        const body = html`<p><a href="/sites/${site.id}">← ${site.name}</a></p>
${
  events.length
    ? html`<div class="table-wrap"><table class="audit"><thead><tr><th>${T(req, { fr: 'Quand', en: 'When' })}</th><th>${T(req, { fr: 'Personne', en: 'Person' })}</th><th>${T(req, { fr: 'Quoi', en: 'What' })}</th><th>${T(req, { fr: 'Par', en: 'By' })}</th></tr></thead><tbody>${events.map(
        (e) =>
          html`<tr data-action="${e.action}"><td><time datetime="${new Date(e.at).toISOString()}">${formatDateTime(req.lang, e.at)}</time></td><td>${e.user_name ?? '—'}</td><td>${what(e)}</td><td>${e.by_name ?? T(req, { fr: 'non enregistré', en: 'not recorded' })}</td></tr>`,
      )}</tbody></table></div>`
    : html`<p class="muted">${T(req, { fr: 'Rien d’enregistré.', en: 'Nothing recorded.' })}</p>`
}`;
        return sendPage(
          reply,
          renderPage(
            req,
            { fr: `Journal des membres — ${site.name}`, en: `Membership log — ${site.name}` },
            body,
          ),
        );
      },
    },
    api: {
      url: '/api/sites/:siteId/audit',
      response: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          properties: {
            at: { type: 'integer' },
            action: { type: 'string' },
            user_id: { type: ['integer', 'null'] },
            user_name: { type: ['string', 'null'] },
            from_role: { type: ['string', 'null'] },
            to_role: { type: ['string', 'null'] },
            by_name: { type: ['string', 'null'] },
            last_site: { type: 'boolean' },
          },
        },
      },
      json: (r) => r.events,
    },
  });

  // One invoice sequence per site: its prefix, chosen before its first invoice (services/invoice-series.ts).
  twin(app, 'POST', {
    access: ['admin'],
    tags: ['sites'],
    schema: {
      params: siteParams,
      body: {
        type: 'object',
        required: ['prefix'],
        properties: { prefix: { type: 'string', maxLength: 21 }, ...csrfProp },
      },
    },
    handler: async (req) => {
      ownSiteOrGroup(req, req.params.siteId);
      await getSite(store, req.params.siteId);
      await setInvoicePrefix(store, req.params.siteId, req.body.prefix);
      return {
        siteId: req.params.siteId,
        ...(await invoiceSeries(store, req.params.siteId, isoDate(clock.now()).slice(0, 4))),
      };
    },
    page: { url: '/sites/:siteId/invoice-prefix', redirect: (r) => `/sites/${r.siteId}` },
    api: {
      method: 'PUT',
      url: '/api/sites/:siteId/invoice-prefix',
      response: {
        type: 'object',
        additionalProperties: false,
        properties: {
          siteId: { type: 'integer' },
          prefix: { type: 'string' },
          issued: { type: 'integer' },
          next_invoice: { type: 'string' },
          next_credit_note: { type: 'string' },
        },
      },
    },
  });

  app.put('/api/sites/:siteId/members/:userId', {
    config: { access: ['admin'] },
    schema: {
      tags: ['sites'],
      params: memberParams,
      body: { type: 'object', required: ['role'], properties: { ...roleProp, ...csrfProp } },
      response: { 200: okSchema, ...apiErrors },
    },
    // A site's administrator gives roles on their own site; the group administrator on any.
    handler: async (req) => {
      ownSiteOrGroup(req, req.params.siteId);
      await setMembership(
        store,
        req.params.siteId,
        req.params.userId,
        req.body.role,
        req.user!.id,
        clock.now(),
      );
      return { ok: true };
    },
  });

  // Withdraw a membership (confirmed on the page, which says when it is the person's last site).
  twin(app, 'POST', {
    access: ['admin'],
    tags: ['sites'],
    schema: { params: memberParams, body: { type: 'object', properties: csrfProp } },
    handler: async (req) => {
      groupAdmin(req);
      return withdrawMembership(store, req.params.siteId, req.params.userId, req.user!.id, clock.now());
    },
    page: { url: '/sites/:siteId/members/:userId/withdraw', redirect: (w) => `/sites/${w.siteId}` },
    api: {
      method: 'DELETE',
      url: '/api/sites/:siteId/members/:userId',
      noBody: true,
      response: {
        type: 'object',
        additionalProperties: false,
        properties: {
          userId: { type: 'integer' },
          siteId: { type: 'integer' },
          losesAccess: { type: 'boolean' },
        },
      },
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
