import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { applyRetention } from '../services/customers.js';
import { ROLE_LABEL, ROLES } from '../services/domain.js';
import {
  grantHabilitationNow,
  habilitationAlerts,
  isoDate,
  listHabilitations,
  SYMBOL_LABEL,
  SYMBOLS,
} from '../services/habilitations.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../services/password-policy.js';
import { getSettings, saveSettings } from '../services/settings.js';
import { createUser, listUsers } from '../services/users.js';
import { html } from '../web/html.js';
import { csrfField, renderPage, sendPage, T } from '../web/layout.js';
import { twin, typed } from '../web/routes.js';
import { apiErrors, csrfProp, formResponses, idParams, pageResponses, userSchema } from '../web/schemas.js';
import { MANAGERS } from '../web/types.js';

const TEAM_VIEWERS = ['manager', 'admin', 'instructor'] as const;
const ADMIN = ['admin'] as const;

const userBody = {
  type: 'object',
  required: ['login', 'name', 'role', 'password'],
  properties: {
    login: { type: 'string', maxLength: 40 },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    role: { type: 'string', enum: [...ROLES] },
    password: { type: 'string', minLength: MIN_PASSWORD_LENGTH, maxLength: MAX_PASSWORD_LENGTH },
    ...csrfProp,
  },
} as const;
const habBody = {
  type: 'object',
  required: ['symbol', 'issuedOn'],
  properties: {
    symbol: { type: 'string', enum: [...SYMBOLS] },
    issuedOn: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
    renewalOn: { type: 'string', pattern: '^(\\d{4}-\\d{2}-\\d{2})?$', default: '' },
    issuedBy: { type: 'string', maxLength: 200, default: '' },
    ...csrfProp,
  },
} as const;
const settingsBody = {
  type: 'object',
  properties: {
    habilitationRenewalYears: { type: 'integer', minimum: 1, maximum: 10 },
    habilitationAlertDays: { type: 'integer', minimum: 1, maximum: 365 },
    customerRetentionMonths: { type: 'integer', minimum: 1, maximum: 240 },
    trafficLimitKb: { type: 'integer', minimum: 64, maximum: 65_536 },
    ...csrfProp,
  },
} as const;
const settingsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    habilitationRenewalYears: { type: 'integer' },
    habilitationAlertDays: { type: 'integer' },
    customerRetentionMonths: { type: 'integer' },
    trafficLimitKb: { type: 'integer' },
  },
} as const;
const habSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    id: { type: 'integer' },
    user_id: { type: 'integer' },
    symbol: { type: 'string' },
    issued_on: { type: 'string' },
    renewal_on: { type: 'string' },
    issued_by: { type: 'string' },
    user_name: { type: 'string' },
    days_left: { type: 'integer' },
    expired: { type: 'boolean' },
  },
} as const;

/** An account as the team pages list it: who, and whether it may log in. */
const accountSchema = {
  ...userSchema,
  properties: { ...userSchema.properties, active: { type: 'integer' } },
} as const;

async function people(scope: FastifyInstance): Promise<void> {
  const app = typed(scope);
  const { store, clock } = app.deps;
  const today = () => isoDate(clock.now());

  app.get('/people', {
    config: { access: TEAM_VIEWERS },
    schema: { tags: ['people'], response: pageResponses },
    handler: async (req, reply) => {
      const settings = await getSettings(store);
      const users = await listUsers(store);
      const habs = await listHabilitations(store);
      const alerts = await habilitationAlerts(store, today(), settings.habilitationAlertDays);
      const role = req.user!.role;
      const canGrant = MANAGERS.includes(role);
      const isAdmin = role === 'admin';
      const body = html`
${
  alerts.length
    ? html`<div class="card alerts" role="status"><h2>${T(req, { fr: 'Habilitations à renouveler', en: 'Habilitations due for renewal' })}</h2><ul>${alerts.map(
        (a) =>
          html`<li class="${a.expired ? 'expired' : 'soon'}">${a.user_name} — ${a.symbol} : ${a.expired ? T(req, { fr: 'expirée depuis le {d}', en: 'expired since {d}' }, { d: a.renewal_on }) : T(req, { fr: 'recyclage avant le {d} ({n} j)', en: 'renew before {d} ({n} days)' }, { d: a.renewal_on, n: a.days_left })}</li>`,
      )}</ul></div>`
    : ''
}
<table class="people"><thead><tr><th>${T(req, { fr: 'Nom', en: 'Name' })}</th><th>${T(req, { fr: 'Rôle', en: 'Role' })}</th><th>${T(req, { fr: 'Habilitations NF C18-550', en: 'NF C18-550 habilitations' })}</th></tr></thead>
<tbody>${users.map(
        (u) =>
          html`<tr data-user="${u.login}"><td>${u.name}</td><td>${T(req, ROLE_LABEL[u.role])}</td><td>${habs
            .filter((h) => h.user_id === u.id)
            .map(
              (h) =>
                html`<span class="hab ${h.renewal_on < today() ? 'expired' : ''}" title="${T(req, SYMBOL_LABEL[h.symbol])}">${h.symbol} <small>${h.issued_on} → ${h.renewal_on}</small></span> `,
            )}</td></tr>`,
      )}</tbody></table>
${
  canGrant
    ? html`<form method="post" action="/people/habilitations" class="card">${csrfField(req)}<h2>${T(req, { fr: 'Délivrer une habilitation', en: 'Grant a habilitation' })}</h2>
<label>${T(req, { fr: 'Personne', en: 'Person' })} <select name="userId">${users.map((u) => html`<option value="${u.id}">${u.name}</option>`)}</select></label>
<label>${T(req, { fr: 'Symbole', en: 'Symbol' })} <select name="symbol">${SYMBOLS.map((s) => html`<option value="${s}">${s} — ${T(req, SYMBOL_LABEL[s])}</option>`)}</select></label>
<label>${T(req, { fr: 'Délivrée le', en: 'Issued on' })} <input type="date" name="issuedOn" required value="${today()}"></label>
<label>${T(req, { fr: 'Recyclage le (par défaut +{n} ans)', en: 'Renewal on (default +{n} years)' }, { n: settings.habilitationRenewalYears })} <input type="date" name="renewalOn"></label>
<label>${T(req, { fr: 'Organisme / employeur', en: 'Issued by' })} <input name="issuedBy" maxlength="200"></label>
<button type="submit">${T(req, { fr: 'Délivrer', en: 'Grant' })}</button></form>`
    : ''
}
${
  isAdmin
    ? html`<form method="post" action="/people" class="card">${csrfField(req)}<h2>${T(req, { fr: 'Nouvel utilisateur', en: 'New user' })}</h2>
<label>${T(req, { fr: 'Identifiant', en: 'Login' })} <input name="login" required maxlength="40"></label>
<label>${T(req, { fr: 'Nom', en: 'Name' })} <input name="name" required maxlength="200"></label>
<label>${T(req, { fr: 'Rôle', en: 'Role' })} <select name="role">${ROLES.map((r) => html`<option value="${r}">${T(req, ROLE_LABEL[r])}</option>`)}</select></label>
<label>${T(req, { fr: 'Mot de passe ({n} caractères min., ni courant, ni le nom)', en: 'Password ({n} characters min., not a common one, not the name)' }, { n: MIN_PASSWORD_LENGTH })} <input name="password" type="password" minlength="${MIN_PASSWORD_LENGTH}" autocomplete="new-password" required></label>
<button type="submit">${T(req, { fr: 'Créer', en: 'Create' })}</button></form>
<form method="post" action="/settings" class="card">${csrfField(req)}<h2>${T(req, { fr: 'Réglages', en: 'Settings' })}</h2>
<label>${T(req, { fr: 'Recyclage des habilitations (années)', en: 'Habilitation renewal (years)' })} <input name="habilitationRenewalYears" type="number" min="1" max="10" value="${settings.habilitationRenewalYears}"></label>
<label>${T(req, { fr: "Alerte avant l'échéance (jours)", en: 'Alert before the due date (days)' })} <input name="habilitationAlertDays" type="number" min="1" max="365" value="${settings.habilitationAlertDays}"></label>
<label>${T(req, { fr: 'Conservation des données client sans activité (mois, RGPD)', en: 'Customer data retention without activity (months, GDPR)' })} <input name="customerRetentionMonths" type="number" min="1" max="240" value="${settings.customerRetentionMonths}"></label>
<label>${T(req, { fr: 'Trafic brut enregistré par session de diagnostic (Ko)', en: 'Raw traffic recorded per diagnostic session (KB)' })} <input name="trafficLimitKb" type="number" min="64" max="65536" value="${settings.trafficLimitKb}"></label>
<button type="submit">${T(req, { fr: 'Enregistrer', en: 'Save' })}</button></form>`
    : ''
}`;
      return sendPage(
        reply,
        renderPage(req, { fr: 'Équipe et habilitations', en: 'Team and habilitations' }, body),
      );
    },
  });
  twin(app, 'POST', {
    access: ADMIN,
    tags: ['people'],
    schema: { body: userBody },
    handler: async (req) => createUser(store, req.body, clock.now()),
    page: { url: '/people', redirect: () => '/people' },
    api: { url: '/api/users', status: 201, response: accountSchema },
  });
  app.post('/people/habilitations', {
    config: { access: MANAGERS },
    schema: {
      tags: ['people'],
      body: {
        ...habBody,
        required: [...habBody.required, 'userId'],
        properties: { ...habBody.properties, userId: { type: 'integer', minimum: 1 } },
      },
      response: formResponses('/people'),
    },
    handler: async (req, reply) => {
      await grantHabilitationNow(store, req.body);
      return reply.redirect('/people', 303);
    },
  });
  app.post('/api/users/:id/habilitations', {
    config: { access: MANAGERS },
    schema: {
      tags: ['people'],
      params: idParams,
      body: habBody,
      response: { 201: habSchema, ...apiErrors },
    },
    handler: async (req, reply) =>
      reply.code(201).send(await grantHabilitationNow(store, { ...req.body, userId: req.params.id })),
  });
  twin(app, 'POST', {
    access: ADMIN,
    tags: ['people'],
    schema: { body: settingsBody },
    handler: async (req) => saveSettings(store, req.body),
    page: { url: '/settings', redirect: () => '/people' },
    api: { method: 'PUT', url: '/api/settings', response: settingsSchema },
  });

  app.get('/api/users', {
    config: { access: TEAM_VIEWERS },
    schema: { tags: ['people'], response: { 200: { type: 'array', items: accountSchema }, ...apiErrors } },
    handler: async () => listUsers(store),
  });
  app.get('/api/habilitations', {
    config: { access: TEAM_VIEWERS },
    schema: { tags: ['people'], response: { 200: { type: 'array', items: habSchema }, ...apiErrors } },
    handler: async () => listHabilitations(store),
  });
  app.get('/api/habilitations/alerts', {
    config: { access: TEAM_VIEWERS },
    schema: { tags: ['people'], response: { 200: { type: 'array', items: habSchema }, ...apiErrors } },
    handler: async () => habilitationAlerts(store, today(), (await getSettings(store)).habilitationAlertDays),
  });
  app.get('/api/settings', {
    config: { access: ADMIN },
    schema: { tags: ['people'], response: { 200: settingsSchema, ...apiErrors } },
    handler: async () => getSettings(store),
  });
  app.post('/api/gdpr/retention', {
    config: { access: ADMIN },
    schema: {
      tags: ['customers'],
      response: {
        200: {
          type: 'object',
          additionalProperties: false,
          properties: { erased: { type: 'integer' } },
        },
        ...apiErrors,
      },
    },
    handler: async () => ({
      erased: await applyRetention(store, (await getSettings(store)).customerRetentionMonths, clock.now()),
    }),
  });
}

/** The team, habilitations NF C18-550, accounts and settings. */
export const peoplePlugin = fp(people, {
  name: 'atelier-people',
  encapsulate: true,
  dependencies: ['atelier-core'],
  decorators: { fastify: ['deps'] },
});
