import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { formatDay, type Text } from '../i18n.js';
import { applyRetention } from '../services/customers.js';
import { ROLE_LABEL, ROLES } from '../services/domain.js';
import {
  getHabilitation,
  grantHabilitationNow,
  type Habilitation,
  type HabStatus,
  type HabSymbol,
  habilitationAlerts,
  habilitationStatus,
  isoDate,
  listHabilitations,
  revokeHabilitation,
  SYMBOL_INFO,
  SYMBOL_LABEL,
  SYMBOLS,
  updateHabilitation,
} from '../services/habilitations.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../services/password-policy.js';
import { getSettings, saveSettings } from '../services/settings.js';
import {
  createUser,
  getUser,
  listUsers,
  resetPassword,
  setUserActive,
  type User,
  updateUser,
} from '../services/users.js';
import { DAY_PATTERN, dayInput, dayValue, OPTIONAL_DAY_PATTERN } from '../web/dates.js';
import { type Html, html } from '../web/html.js';
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
    /** YYYY-MM-DD or JJ/MM/AAAA (web/dates.ts). */
    issuedOn: { type: 'string', pattern: DAY_PATTERN },
    renewalOn: { type: 'string', pattern: OPTIONAL_DAY_PATTERN, default: '' },
    issuedBy: { type: 'string', maxLength: 200, default: '' },
    ...csrfProp,
  },
} as const;
/** A habilitation's correction: its dates and training body (the symbol is what it is). */
/** A habilitation body with its dates as typed (ISO or French) read into `YYYY-MM-DD`; a field error otherwise. */
function withDays<B extends { issuedOn: string; renewalOn?: string }>(b: B): B {
  return { ...b, issuedOn: dayValue(b.issuedOn, 'issuedOn'), renewalOn: dayValue(b.renewalOn, 'renewalOn') };
}
const habEditBody = {
  type: 'object',
  required: ['issuedOn'],
  properties: {
    issuedOn: habBody.properties.issuedOn,
    renewalOn: habBody.properties.renewalOn,
    issuedBy: habBody.properties.issuedBy,
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
      const L = req.lang;
      const body = html`
${
  alerts.length
    ? html`<div class="card alerts" role="status"><h2>${T(req, { fr: 'Habilitations à renouveler', en: 'Habilitations due for renewal' })}</h2><ul>${alerts.map(
        (a) =>
          html`<li class="${a.expired ? 'expired' : 'soon'}"><a href="/people/${a.user_id}">${a.user_name} — ${a.symbol} : ${a.expired ? T(req, { fr: 'expirée depuis le {d}', en: 'expired since {d}' }, { d: formatDay(L, a.renewal_on) }) : T(req, { fr: 'recyclage avant le {d} ({n} j)', en: 'renew before {d} ({n} days)' }, { d: formatDay(L, a.renewal_on), n: a.days_left })}</a></li>`,
      )}</ul></div>`
    : ''
}
<div class="table-wrap"><table class="people"><thead><tr><th>${T(req, { fr: 'Nom', en: 'Name' })}</th><th>${T(req, { fr: 'Rôle', en: 'Role' })}</th><th>${T(req, { fr: 'Habilitations NF C18-550', en: 'NF C18-550 habilitations' })}</th></tr></thead>
<tbody>${users.map(
        (u) =>
          html`<tr data-user="${u.login}" class="${u.active ? '' : 'inactive'}"><td><a href="/people/${u.id}">${u.name}</a>${u.active ? '' : html` <small class="badge">${T(req, { fr: 'désactivé', en: 'disabled' })}</small>`}</td><td>${T(req, ROLE_LABEL[u.role])}</td><td>${habs
            .filter((h) => h.user_id === u.id)
            .map((h) => html`${habBadge(req, h, today(), settings.habilitationAlertDays)} `)}</td></tr>`,
      )}</tbody></table></div>
${canGrant ? grantForm(req, users, settings.habilitationRenewalYears, today()) : ''}
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
}
<details class="card"><summary>${T(req, { fr: 'Les symboles NF C18-550 (véhicules)', en: 'NF C18-550 symbols (vehicles)' })}</summary>${symbolTable(req, SYMBOLS)}</details>`;
      return sendPage(
        reply,
        renderPage(req, { fr: 'Équipe et habilitations', en: 'Team and habilitations' }, body),
      );
    },
  });

  app.get('/people/:id', {
    config: { access: TEAM_VIEWERS },
    schema: { tags: ['people'], params: idParams, response: pageResponses },
    handler: async (req, reply) => {
      const person = await getUser(store, req.params.id);
      const settings = await getSettings(store);
      const habs = await listHabilitations(store, person.id);
      const role = req.user!.role;
      const canGrant = MANAGERS.includes(role);
      const isAdmin = role === 'admin';
      const L = req.lang;
      const state = person.active
        ? T(req, { fr: 'actif', en: 'active' })
        : T(req, { fr: 'désactivé (ne peut plus se connecter)', en: 'disabled (cannot log in)' });
      const body = html`<p><a href="/people">← ${T(req, { fr: 'Équipe', en: 'Team' })}</a></p>
<dl class="facts"><dt>${T(req, { fr: 'Identifiant', en: 'Login' })}</dt><dd>${person.login}</dd><dt>${T(req, { fr: 'Rôle', en: 'Role' })}</dt><dd>${T(req, ROLE_LABEL[person.role])}</dd><dt>${T(req, { fr: 'Compte', en: 'Account' })}</dt><dd>${state}</dd></dl>
<h2>${T(req, { fr: 'Habilitations NF C18-550', en: 'NF C18-550 habilitations' })}</h2>
${
  habs.length
    ? html`<div class="table-wrap"><table class="habs"><thead><tr><th>${T(req, { fr: 'Symbole', en: 'Symbol' })}</th><th>${T(req, { fr: 'Ce qu’il permet', en: 'What it allows' })}</th><th>${T(req, { fr: 'Validité', en: 'Validity' })}</th>${canGrant ? html`<th>${T(req, { fr: 'Modifier', en: 'Change' })}</th>` : ''}</tr></thead><tbody>${habs.map(
        (
          h,
        ) => html`<tr data-symbol="${h.symbol}"><td>${habBadge(req, h, today(), settings.habilitationAlertDays)}</td><td><strong>${T(req, SYMBOL_INFO[h.symbol].role)}</strong><br><small>${T(req, SYMBOL_INFO[h.symbol].allows)}</small></td>
<td>${formatDay(L, h.issued_on)} → ${formatDay(L, h.renewal_on)}${h.issued_by ? html`<br><small>${h.issued_by}</small>` : ''}</td>
${
  canGrant
    ? html`<td><form method="post" action="/people/habilitations/${h.id}" class="compact">${csrfField(req)}
<label>${T(req, { fr: 'Délivrée le', en: 'Issued on' })} ${dayInput(req, 'issuedOn', h.issued_on, { required: true })}</label>
<label>${T(req, { fr: 'Recyclage le', en: 'Refresher by' })} ${dayInput(req, 'renewalOn', h.renewal_on)}</label>
<label>${T(req, { fr: 'Formation / organisme', en: 'Training body' })} <input name="issuedBy" maxlength="200" value="${h.issued_by}"></label>
<button type="submit">${T(req, { fr: 'Enregistrer', en: 'Save' })}</button></form>
<form method="post" action="/people/habilitations/${h.id}/revoke" class="inline" data-confirm="${T(req, { fr: 'Retirer l’habilitation {s} de {n} ?', en: 'Withdraw {n}’s {s} habilitation?' }, { s: h.symbol, n: person.name })}">${csrfField(req)}<button type="submit" class="danger">${T(req, { fr: 'Retirer', en: 'Withdraw' })}</button></form></td>`
    : ''
}</tr>`,
      )}</tbody></table></div>
<p><a class="button" href="/people/${person.id}/title">${T(req, { fr: 'Titre d’habilitation imprimable', en: 'Printable habilitation title' })}</a></p>`
    : html`<p>${T(req, { fr: 'Aucune habilitation.', en: 'No habilitation.' })}</p>`
}
${canGrant ? grantForm(req, [person], settings.habilitationRenewalYears, today()) : ''}
${
  isAdmin
    ? html`<form method="post" action="/people/${person.id}" class="card">${csrfField(req)}<h2>${T(req, { fr: 'Modifier le compte', en: 'Edit the account' })}</h2>
<label>${T(req, { fr: 'Nom', en: 'Name' })} <input name="name" required maxlength="200" value="${person.name}"></label>
<label>${T(req, { fr: 'Rôle', en: 'Role' })} <select name="role">${ROLES.map((r) => html`<option value="${r}"${r === person.role ? ' selected' : ''}>${T(req, ROLE_LABEL[r])}</option>`)}</select></label>
<button type="submit">${T(req, { fr: 'Enregistrer', en: 'Save' })}</button></form>
<form method="post" action="/people/${person.id}/password" class="card">${csrfField(req)}<h2>${T(req, { fr: 'Réinitialiser le mot de passe', en: 'Reset the password' })}</h2>
<p>${T(req, { fr: 'Ses sessions ouvertes se ferment ; communiquez-lui le nouveau mot de passe, qu’il changera dans « Mon compte ».', en: 'Their open sessions end; give them the new password, which they change in “My account”.' })}</p>
<label>${T(req, { fr: 'Nouveau mot de passe ({n} caractères min., ni courant, ni le nom)', en: 'New password ({n} characters min., not a common one, not the name)' }, { n: MIN_PASSWORD_LENGTH })} <input name="password" type="password" minlength="${MIN_PASSWORD_LENGTH}" required autocomplete="new-password"></label>
<button type="submit">${T(req, { fr: 'Réinitialiser', en: 'Reset' })}</button></form>
<form method="post" action="/people/${person.id}/active" class="card" data-confirm="${person.active ? T(req, { fr: 'Désactiver le compte de {n} ?', en: 'Disable {n}’s account?' }, { n: person.name }) : T(req, { fr: 'Réactiver le compte de {n} ?', en: 'Enable {n}’s account again?' }, { n: person.name })}">${csrfField(req)}<input type="hidden" name="active" value="${person.active ? 'false' : 'true'}">
<h2>${person.active ? T(req, { fr: 'Désactiver le compte', en: 'Disable the account' }) : T(req, { fr: 'Réactiver le compte', en: 'Enable the account' })}</h2>
<p>${T(req, { fr: 'Un compte désactivé ne peut plus se connecter ; son historique (pointages, ordres, habilitations) est conservé.', en: 'A disabled account cannot log in; its history (clocking, orders, habilitations) is kept.' })}</p>
<button type="submit" class="${person.active ? 'danger' : ''}">${person.active ? T(req, { fr: 'Désactiver', en: 'Disable' }) : T(req, { fr: 'Réactiver', en: 'Enable' })}</button></form>`
    : ''
}`;
      return sendPage(reply, renderPage(req, { fr: person.name, en: person.name }, body));
    },
  });

  app.get('/people/:id/title', {
    config: { access: TEAM_VIEWERS },
    schema: { tags: ['people'], params: idParams, response: pageResponses },
    handler: async (req, reply) => {
      const person = await getUser(store, req.params.id);
      const habs = (await listHabilitations(store, person.id)).filter((h) => h.renewal_on >= today());
      const L = req.lang;
      const body = html`<div class="printable hab-title">
<p class="muted">${T(req, { fr: 'Norme NF C18-550 — opérations sur véhicules et engins à motorisation thermique, électrique ou hybride ayant une source d’énergie électrique embarquée', en: 'Standard NF C18-550 — operations on vehicles and machines with thermal, electric or hybrid propulsion and an on-board electrical energy source' })}</p>
<dl class="facts"><dt>${T(req, { fr: 'Titulaire', en: 'Holder' })}</dt><dd>${person.name}</dd>
<dt>${T(req, { fr: 'Fonction', en: 'Position' })}</dt><dd>${T(req, ROLE_LABEL[person.role])}</dd>
<dt>${T(req, { fr: 'Domaine', en: 'Domain' })}</dt><dd>${T(req, { fr: 'Véhicules et engins à énergie électrique embarquée (batterie de traction basse tension : jusqu’à 1 500 V en courant continu)', en: 'Vehicles and machines with on-board electrical energy (low-voltage traction battery: up to 1,500 V DC)' })}</dd></dl>
${
  habs.length
    ? html`<table class="habs"><thead><tr><th>${T(req, { fr: 'Symbole', en: 'Symbol' })}</th><th>${T(req, { fr: 'Champ d’application', en: 'Scope' })}</th><th>${T(req, { fr: 'Délivrée le', en: 'Issued on' })}</th><th>${T(req, { fr: 'Valable jusqu’au (recyclage)', en: 'Valid until (refresher)' })}</th></tr></thead><tbody>${habs.map(
        (h) =>
          html`<tr><td><strong>${h.symbol}</strong></td><td>${T(req, SYMBOL_INFO[h.symbol].role)} — ${T(req, SYMBOL_INFO[h.symbol].allows)}${h.issued_by ? html`<br><small>${T(req, { fr: 'Formation : {b}', en: 'Training: {b}' }, { b: h.issued_by })}</small>` : ''}</td><td>${formatDay(L, h.issued_on)}</td><td>${formatDay(L, h.renewal_on)}</td></tr>`,
      )}</tbody></table>`
    : html`<p class="error">${T(req, { fr: 'Aucune habilitation en cours de validité.', en: 'No habilitation currently valid.' })}</p>`
}
<p>${T(req, { fr: 'Le titulaire ne peut effectuer que les opérations correspondant aux symboles ci-dessus, dans les limites fixées par l’employeur, et après consignation du véhicule lorsque l’opération l’exige.', en: 'The holder may only do the operations of the symbols above, within the limits the employer sets, and after the vehicle is locked out when the operation requires it.' })}</p>
<div class="signatures">
<div>${T(req, { fr: 'L’employeur — nom, qualité, date et signature', en: 'The employer — name, position, date and signature' })}</div>
<div>${T(req, { fr: 'Le titulaire — date et signature', en: 'The holder — date and signature' })}</div>
</div></div>`;
      return sendPage(
        reply,
        renderPage(req, { fr: 'Titre d’habilitation', en: 'Habilitation title' }, body, { print: true }),
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
      await grantHabilitationNow(store, withDays(req.body));
      return reply.redirect(`/people/${req.body.userId}`, 303);
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
      reply
        .code(201)
        .send(await grantHabilitationNow(store, withDays({ ...req.body, userId: req.params.id }))),
  });
  twin(app, 'POST', {
    access: ADMIN,
    tags: ['people'],
    schema: { body: settingsBody },
    handler: async (req) => saveSettings(store, req.body),
    page: { url: '/settings', redirect: () => '/people' },
    api: { method: 'PUT', url: '/api/settings', response: settingsSchema },
  });

  const personBody = {
    type: 'object',
    required: ['name', 'role'],
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 200 },
      role: { type: 'string', enum: [...ROLES] },
      ...csrfProp,
    },
  } as const;
  twin(app, 'POST', {
    access: ADMIN,
    tags: ['people'],
    schema: { params: idParams, body: personBody },
    handler: async (req) => updateUser(store, req.params.id, req.body, req.user!.id, clock.now()),
    page: { url: '/people/:id', redirect: (u) => `/people/${u.id}` },
    api: { method: 'PUT', url: '/api/users/:id', response: accountSchema },
  });
  twin(app, 'POST', {
    access: ADMIN,
    tags: ['people'],
    schema: {
      params: idParams,
      body: {
        type: 'object',
        required: ['active'],
        properties: { active: { type: 'boolean' }, ...csrfProp },
      },
    },
    handler: async (req) => setUserActive(store, req.params.id, req.body.active, req.user!.id, clock.now()),
    page: { url: '/people/:id/active', redirect: (u) => `/people/${u.id}` },
    api: { method: 'PUT', url: '/api/users/:id/active', response: accountSchema },
  });
  twin(app, 'POST', {
    access: ADMIN,
    tags: ['people'],
    schema: {
      params: idParams,
      body: {
        type: 'object',
        required: ['password'],
        properties: { password: { type: 'string', maxLength: 200 }, ...csrfProp },
      },
    },
    handler: async (req) => {
      await resetPassword(store, req.params.id, req.body.password, req.user!.id, clock.now());
      return { id: req.params.id };
    },
    page: { url: '/people/:id/password', redirect: (r) => `/people/${r.id}` },
    api: {
      method: 'PUT',
      url: '/api/users/:id/password',
      response: { type: 'object', additionalProperties: false, properties: { id: { type: 'integer' } } },
    },
  });
  twin(app, 'POST', {
    access: MANAGERS,
    tags: ['people'],
    schema: {
      params: idParams,
      body: habEditBody,
    },
    handler: async (req) =>
      updateHabilitation(store, req.params.id, withDays(req.body), req.user!.id, clock.now()),
    page: { url: '/people/habilitations/:id', redirect: (h) => `/people/${h.user_id}` },
    api: { method: 'PUT', url: '/api/habilitations/:id', response: habSchema },
  });
  twin(app, 'POST', {
    access: MANAGERS,
    tags: ['people'],
    schema: { params: idParams, body: { type: 'object', properties: csrfProp } },
    handler: async (req) => {
      const h = await getHabilitation(store, req.params.id);
      await revokeHabilitation(store, h.id, req.user!.id, clock.now());
      return h;
    },
    page: { url: '/people/habilitations/:id/revoke', redirect: (h) => `/people/${h.user_id}` },
    api: { url: '/api/habilitations/:id/revoke', response: habSchema, noBody: true },
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

const STATUS_TEXT: Record<HabStatus, Text> = {
  valid: { fr: 'valide', en: 'valid' },
  due: { fr: 'recyclage à prévoir', en: 'refresher due' },
  expired: { fr: 'expirée', en: 'expired' },
  'not-yet': { fr: 'pas encore valide', en: 'not yet valid' },
};

/** A symbol with its validity: green while valid, amber within the alert window, red once expired. */
function habBadge(req: FastifyRequest, h: Habilitation, today: string, alertDays: number): Html {
  const { status, daysLeft } = habilitationStatus(h, today, alertDays);
  const when =
    status === 'due'
      ? T(
          req,
          { fr: 'recyclage avant le {d} ({n} j)', en: 'refresher before {d} ({n} days)' },
          { d: formatDay(req.lang, h.renewal_on), n: daysLeft },
        )
      : status === 'expired'
        ? T(
            req,
            { fr: 'expirée depuis le {d}', en: 'expired since {d}' },
            { d: formatDay(req.lang, h.renewal_on) },
          )
        : T(req, { fr: 'jusqu’au {d}', en: 'until {d}' }, { d: formatDay(req.lang, h.renewal_on) });
  return html`<span class="hab ${status}" title="${T(req, SYMBOL_LABEL[h.symbol])} — ${T(req, STATUS_TEXT[status])}">${h.symbol} <small>${when}</small></span>`;
}

function grantForm(req: FastifyRequest, users: User[], renewalYears: number, today: string): Html {
  const one = users.length === 1 ? users[0] : undefined;
  return html`<form method="post" action="/people/habilitations" class="card">${csrfField(req)}<h2>${T(req, { fr: 'Délivrer une habilitation', en: 'Grant a habilitation' })}</h2>
${one ? html`<input type="hidden" name="userId" value="${one.id}">` : html`<label>${T(req, { fr: 'Personne', en: 'Person' })} <select name="userId">${users.filter((u) => u.active).map((u) => html`<option value="${u.id}">${u.name}</option>`)}</select></label>`}
<label>${T(req, { fr: 'Symbole', en: 'Symbol' })} <select name="symbol">${SYMBOLS.map((s) => html`<option value="${s}">${s} — ${T(req, SYMBOL_LABEL[s])}</option>`)}</select></label>
<label>${T(req, { fr: 'Délivrée le', en: 'Issued on' })} ${dayInput(req, 'issuedOn', today, { required: true })}</label>
<label>${T(req, { fr: 'Recyclage le (par défaut +{n} ans)', en: 'Refresher by (default +{n} years)' }, { n: renewalYears })} ${dayInput(req, 'renewalOn', null)}</label>
<label>${T(req, { fr: 'Formation / organisme', en: 'Training body' })} <input name="issuedBy" maxlength="200"></label>
<button type="submit">${T(req, { fr: 'Délivrer', en: 'Grant' })}</button></form>`;
}

function symbolTable(req: FastifyRequest, symbols: readonly HabSymbol[]): Html {
  return html`<div class="table-wrap"><table class="symbols"><thead><tr><th>${T(req, { fr: 'Symbole', en: 'Symbol' })}</th><th>${T(req, { fr: 'Titulaire', en: 'Holder' })}</th><th>${T(req, { fr: 'Ce qu’il permet', en: 'What it allows' })}</th></tr></thead><tbody>${symbols.map(
    (s) =>
      html`<tr><td><strong>${s}</strong></td><td>${T(req, SYMBOL_INFO[s].role)}</td><td>${T(req, SYMBOL_INFO[s].allows)}</td></tr>`,
  )}</tbody></table></div>`;
}

/** The team, habilitations NF C18-550, accounts and settings. */
export const peoplePlugin = fp(people, {
  name: 'atelier-people',
  encapsulate: true,
  dependencies: ['atelier-core'],
  decorators: { fastify: ['deps'] },
});
