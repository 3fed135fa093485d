import type { FastifyInstance } from 'fastify';
import { formatDateTime, formatKm } from '../i18n.js';
import {
  createCustomer,
  createVehicle,
  eraseCustomer,
  exportCustomer,
  getCustomer,
  getVehicle,
  listCustomers,
  listVehicles,
  odometerHistory,
  recordOdometer,
} from '../services/customers.js';
import { ENERGIES, ENERGY_LABEL, STATE_LABEL, type State } from '../services/domain.js';
import { decodeVinForWorkshop } from '../services/vin.js';
import { html } from '../web/html.js';
import { csrfField, renderPage, sendPage, T } from '../web/layout.js';
import { csrfProp, errorSchema, idParams, okSchema } from '../web/schemas.js';
import { FRONT_DESK, MANAGERS, STAFF, type WorkshopDeps } from '../web/types.js';

const customerBody = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    phone: { type: 'string', maxLength: 40, default: '' },
    email: { type: 'string', maxLength: 200, default: '' },
    ...csrfProp,
  },
} as const;
const customerSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    phone: { type: 'string' },
    email: { type: 'string' },
    created_at: { type: 'integer' },
    last_activity_at: { type: 'integer' },
  },
} as const;
const vehicleBody = {
  type: 'object',
  required: ['vin', 'energy'],
  properties: {
    vin: { type: 'string', minLength: 1, maxLength: 40 },
    plate: { type: 'string', maxLength: 20, default: '' },
    model: { type: 'string', maxLength: 100, default: '' },
    energy: { type: 'string', enum: ENERGIES },
    customerId: { type: 'integer', minimum: 0, default: 0 },
    odometerKm: { type: 'integer', minimum: 0, maximum: 2000000 },
    ...csrfProp,
  },
} as const;
const vehicleSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    vin: { type: 'string' },
    plate: { type: 'string' },
    maker: { type: 'string' },
    model: { type: 'string' },
    model_year: { type: ['integer', 'null'] },
    energy: { type: 'string' },
    customer_id: { type: ['integer', 'null'] },
    customer_name: { type: ['string', 'null'] },
  },
} as const;
const odometerBody = {
  type: 'object',
  required: ['km'],
  properties: { km: { type: 'integer', minimum: 0, maximum: 2000000 }, ...csrfProp },
} as const;

type Id = { id: number };

export async function customersPlugin(app: FastifyInstance, { store, clock }: WorkshopDeps): Promise<void> {
  app.get('/customers', {
    config: { access: FRONT_DESK },
    schema: { tags: ['customers'] },
    handler: async (req, reply) => {
      const list = await listCustomers(store);
      const body = html`<table><thead><tr><th>${T(req, { fr: 'Nom', en: 'Name' })}</th><th>${T(req, { fr: 'Téléphone', en: 'Phone' })}</th><th>E-mail</th></tr></thead>
<tbody>${list.map((c) => html`<tr><td><a href="/customers/${c.id}">${c.name}</a></td><td>${c.phone}</td><td>${c.email}</td></tr>`)}</tbody></table>
<form method="post" action="/customers" class="card">${csrfField(req)}<h2>${T(req, { fr: 'Nouveau client', en: 'New customer' })}</h2>
  <label>${T(req, { fr: 'Nom', en: 'Name' })} <input name="name" required maxlength="200"></label>
  <label>${T(req, { fr: 'Téléphone', en: 'Phone' })} <input name="phone" maxlength="40"></label>
  <label>E-mail <input name="email" type="email" maxlength="200"></label>
  <p class="muted">${T(req, { fr: 'Données minimales (RGPD) : effacées après la durée de conservation sans activité.', en: 'Minimal data (GDPR): erased after the retention period without activity.' })}</p>
  <button type="submit">${T(req, { fr: 'Créer', en: 'Create' })}</button></form>`;
      return sendPage(reply, renderPage(req, { fr: 'Clients', en: 'Customers' }, body));
    },
  });
  app.post('/customers', {
    config: { access: FRONT_DESK },
    schema: { tags: ['customers'], body: customerBody },
    handler: async (req, reply) => {
      const c = await createCustomer(store, req.body as { name: string }, clock.now());
      return reply.redirect(`/customers/${c.id}`, 303);
    },
  });
  app.get('/customers/:id', {
    config: { access: FRONT_DESK },
    schema: { tags: ['customers'], params: idParams },
    handler: async (req, reply) => {
      const c = await getCustomer(store, (req.params as Id).id);
      const data = await exportCustomer(store, c.id);
      const vehicles = data.vehicles as { id: number; plate: string; vin: string; maker: string }[];
      const orders = data.repairOrders as { id: number; number: string; state: State }[];
      const isManager = MANAGERS.includes(req.user!.role);
      const body = html`<dl class="facts"><dt>${T(req, { fr: 'Nom', en: 'Name' })}</dt><dd>${c.name}</dd>
<dt>${T(req, { fr: 'Téléphone', en: 'Phone' })}</dt><dd>${c.phone}</dd><dt>E-mail</dt><dd>${c.email}</dd>
<dt>${T(req, { fr: 'Dernière activité', en: 'Last activity' })}</dt><dd>${formatDateTime(req.lang, c.last_activity_at)}</dd>
${c.erased_at ? html`<dt>${T(req, { fr: 'Effacé le', en: 'Erased on' })}</dt><dd>${formatDateTime(req.lang, c.erased_at)}</dd>` : ''}</dl>
<h2>${T(req, { fr: 'Véhicules', en: 'Vehicles' })}</h2><ul>${vehicles.map((v) => html`<li><a href="/vehicles/${v.id}">${v.plate || v.vin}</a> ${v.maker}</li>`)}</ul>
<h2>${T(req, { fr: 'Ordres de réparation', en: 'Repair orders' })}</h2><ul>${orders.map((o) => html`<li><a href="/orders/${o.id}">${o.number}</a> ${T(req, STATE_LABEL[o.state])}</li>`)}</ul>
${
  isManager && !c.erased_at
    ? html`<div class="card"><h2>RGPD / GDPR</h2><p><a href="/api/customers/${c.id}/export" download>${T(req, { fr: 'Exporter toutes ses données (JSON)', en: 'Export all their data (JSON)' })}</a></p>
<form method="post" action="/customers/${c.id}/erase" data-confirm="${T(req, { fr: 'Effacer définitivement les données personnelles de ce client ?', en: "Erase this customer's personal data for good?" })}">${csrfField(req)}
<button type="submit" class="danger">${T(req, { fr: 'Effacer ses données personnelles', en: 'Erase their personal data' })}</button></form></div>`
    : ''
}`;
      return sendPage(reply, renderPage(req, { fr: 'Client', en: 'Customer' }, body));
    },
  });
  app.post('/customers/:id/erase', {
    config: { access: MANAGERS },
    schema: { tags: ['customers'], params: idParams, body: { type: 'object', properties: csrfProp } },
    handler: async (req, reply) => {
      const { id } = req.params as Id;
      await eraseCustomer(store, id, req.user!.id, clock.now());
      return reply.redirect(`/customers/${id}`, 303);
    },
  });

  app.get('/vehicles', {
    config: { access: STAFF },
    schema: { tags: ['vehicles'] },
    handler: async (req, reply) => {
      const list = await listVehicles(store);
      const customers = FRONT_DESK.includes(req.user!.role) ? await listCustomers(store) : null;
      const body = html`<table><thead><tr><th>${T(req, { fr: 'Immatriculation', en: 'Plate' })}</th><th>VIN</th><th>${T(req, { fr: 'Marque', en: 'Maker' })}</th><th>${T(req, { fr: 'Modèle', en: 'Model' })}</th><th>${T(req, { fr: 'Année', en: 'Year' })}</th><th>${T(req, { fr: 'Énergie', en: 'Energy' })}</th><th>${T(req, { fr: 'Client', en: 'Customer' })}</th></tr></thead>
<tbody>${list.map((v) => html`<tr><td><a href="/vehicles/${v.id}">${v.plate || '—'}</a></td><td><code>${v.vin}</code></td><td>${v.maker}</td><td>${v.model}</td><td>${v.model_year ?? ''}</td><td>${T(req, ENERGY_LABEL[v.energy])}</td><td>${v.customer_name ?? ''}</td></tr>`)}</tbody></table>
${
  customers
    ? html`<form method="post" action="/vehicles" class="card">${csrfField(req)}<h2>${T(req, { fr: 'Nouveau véhicule', en: 'New vehicle' })}</h2>
<label>VIN <input name="vin" required maxlength="17" minlength="17" pattern="[A-HJ-NPR-Za-hj-npr-z0-9]{17}"></label>
<label>${T(req, { fr: 'Immatriculation', en: 'Plate' })} <input name="plate" maxlength="20"></label>
<label>${T(req, { fr: 'Modèle', en: 'Model' })} <input name="model" maxlength="100"></label>
<label>${T(req, { fr: 'Énergie', en: 'Energy' })} <select name="energy">${ENERGIES.map((e) => html`<option value="${e}">${T(req, ENERGY_LABEL[e])}</option>`)}</select></label>
<label>${T(req, { fr: 'Client', en: 'Customer' })} <select name="customerId"><option value="0">—</option>${customers.map((c) => html`<option value="${c.id}">${c.name}</option>`)}</select></label>
<label>${T(req, { fr: 'Kilométrage', en: 'Odometer (km)' })} <input name="odometerKm" type="number" min="0"></label>
<button type="submit">${T(req, { fr: 'Enregistrer', en: 'Register' })}</button></form>`
    : ''
}`;
      return sendPage(reply, renderPage(req, { fr: 'Véhicules', en: 'Vehicles' }, body));
    },
  });
  app.post('/vehicles', {
    config: { access: FRONT_DESK },
    schema: { tags: ['vehicles'], body: vehicleBody },
    handler: async (req, reply) => {
      const b = req.body as {
        vin: string;
        plate: string;
        model: string;
        energy: string;
        customerId: number;
        odometerKm?: number;
      };
      const v = await createVehicle(store, { ...b, customerId: b.customerId || null }, clock.now());
      return reply.redirect(`/vehicles/${v.id}`, 303);
    },
  });
  app.get('/vehicles/:id', {
    config: { access: STAFF },
    schema: { tags: ['vehicles'], params: idParams },
    handler: async (req, reply) => {
      const v = await getVehicle(store, (req.params as Id).id);
      const history = await odometerHistory(store, v.id);
      const body = html`<dl class="facts"><dt>VIN</dt><dd><code>${v.vin}</code></dd>
<dt>${T(req, { fr: 'Immatriculation', en: 'Plate' })}</dt><dd>${v.plate}</dd>
<dt>${T(req, { fr: 'Constructeur (décodé du VIN)', en: 'Maker (decoded from the VIN)' })}</dt><dd>${v.maker || '—'}</dd>
<dt>${T(req, { fr: 'Modèle', en: 'Model' })}</dt><dd>${v.model || '—'}</dd>
<dt>${T(req, { fr: 'Année modèle (décodée)', en: 'Model year (decoded)' })}</dt><dd>${v.model_year ?? '—'}</dd>
<dt>${T(req, { fr: 'Énergie', en: 'Energy' })}</dt><dd>${T(req, ENERGY_LABEL[v.energy])}</dd></dl>
<h2>${T(req, { fr: 'Historique kilométrique', en: 'Odometer history' })}</h2>
<table><tbody>${history.map((h) => html`<tr><td>${formatDateTime(req.lang, h.read_at)}</td><td>${formatKm(req.lang, h.km)}</td><td>${h.source}</td></tr>`)}</tbody></table>
${
  FRONT_DESK.includes(req.user!.role)
    ? html`<form method="post" action="/vehicles/${v.id}/odometer" class="card">${csrfField(req)}
<label>${T(req, { fr: 'Nouveau relevé (km)', en: 'New reading (km)' })} <input name="km" type="number" min="0" required></label>
<button type="submit">${T(req, { fr: 'Enregistrer', en: 'Save' })}</button></form>`
    : ''
}`;
      return sendPage(
        reply,
        renderPage(req, { fr: `Véhicule ${v.plate || v.vin}`, en: `Vehicle ${v.plate || v.vin}` }, body),
      );
    },
  });
  app.post('/vehicles/:id/odometer', {
    config: { access: FRONT_DESK },
    schema: { tags: ['vehicles'], params: idParams, body: odometerBody },
    handler: async (req, reply) => {
      const { id } = req.params as Id;
      await getVehicle(store, id);
      await recordOdometer(store, id, (req.body as { km: number }).km, clock.now(), 'manual');
      return reply.redirect(`/vehicles/${id}`, 303);
    },
  });

  const errs = { 400: errorSchema, 403: errorSchema, 404: errorSchema };
  app.get('/api/customers', {
    config: { access: FRONT_DESK },
    schema: { tags: ['customers'], response: { 200: { type: 'array', items: customerSchema } } },
    handler: async () => listCustomers(store),
  });
  app.post('/api/customers', {
    config: { access: FRONT_DESK },
    schema: { tags: ['customers'], body: customerBody, response: { 201: customerSchema, ...errs } },
    handler: async (req, reply) =>
      reply.code(201).send(await createCustomer(store, req.body as { name: string }, clock.now())),
  });
  app.get('/api/customers/:id/export', {
    config: { access: MANAGERS },
    schema: {
      tags: ['customers'],
      params: idParams,
      response: { 200: { type: 'object', additionalProperties: true }, ...errs },
    },
    handler: async (req, reply) => {
      const { id } = req.params as Id;
      const data = await exportCustomer(store, id);
      return reply.header('content-disposition', `attachment; filename="customer-${id}.json"`).send(data);
    },
  });
  app.post('/api/customers/:id/erase', {
    config: { access: MANAGERS },
    schema: { tags: ['customers'], params: idParams, response: { 200: okSchema, ...errs } },
    handler: async (req) => {
      await eraseCustomer(store, (req.params as Id).id, req.user!.id, clock.now());
      return { ok: true };
    },
  });
  app.get('/api/vehicles', {
    config: { access: STAFF },
    schema: { tags: ['vehicles'], response: { 200: { type: 'array', items: vehicleSchema } } },
    handler: async () => listVehicles(store),
  });
  app.post('/api/vehicles', {
    config: { access: FRONT_DESK },
    schema: { tags: ['vehicles'], body: vehicleBody, response: { 201: vehicleSchema, ...errs } },
    handler: async (req, reply) => {
      const b = req.body as { vin: string; energy: string; customerId: number };
      return reply
        .code(201)
        .send(await createVehicle(store, { ...b, customerId: b.customerId || null }, clock.now()));
    },
  });
  app.get('/api/vehicles/:id', {
    config: { access: STAFF },
    schema: {
      tags: ['vehicles'],
      params: idParams,
      response: {
        200: {
          type: 'object',
          properties: {
            ...vehicleSchema.properties,
            odometer: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  km: { type: 'integer' },
                  read_at: { type: 'integer' },
                  source: { type: 'string' },
                },
              },
            },
          },
        },
        ...errs,
      },
    },
    handler: async (req) => {
      const v = await getVehicle(store, (req.params as Id).id);
      return { ...v, odometer: await odometerHistory(store, v.id) };
    },
  });
  app.get('/api/vin/:vin', {
    config: { access: STAFF },
    schema: {
      tags: ['vehicles'],
      params: { type: 'object', required: ['vin'], properties: { vin: { type: 'string', maxLength: 40 } } },
      response: {
        200: {
          type: 'object',
          properties: {
            vin: { type: 'string' },
            wmi: { type: 'string' },
            manufacturer: { type: 'string' },
            country: { type: 'string' },
            modelYear: { type: 'integer' },
            checkDigitValid: { type: 'boolean' },
          },
        },
        400: errorSchema,
      },
    },
    handler: async (req, reply) => {
      const d = decodeVinForWorkshop(
        (req.params as { vin: string }).vin,
        new Date(clock.now()).getUTCFullYear(),
      );
      if (!d)
        return reply
          .code(400)
          .send({ error: T(req, { fr: 'VIN invalide', en: 'invalid VIN' }), field: 'vin' });
      return d;
    },
  });
}
