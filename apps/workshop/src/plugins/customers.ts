import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { formatDateTime, formatKm, type Text } from '../i18n.js';
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
  vehicleHistory,
} from '../services/customers.js';
import { ENERGIES, ENERGY_LABEL, STATE_LABEL, type State } from '../services/domain.js';
import { decodeVinForWorkshop } from '../services/vin.js';
import { type Html, html } from '../web/html.js';
import { csrfField, renderPage, sendPage, T } from '../web/layout.js';
import { twin, typed } from '../web/routes.js';
import {
  apiErrors,
  csrfOnly,
  csrfProp,
  formResponses,
  idParams,
  okSchema,
  pageResponses,
} from '../web/schemas.js';
import { FRONT_DESK, MANAGERS, STAFF } from '../web/types.js';

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
  additionalProperties: false,
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
    // Optional: a form sends an empty field when the mileage is not known.
    odometerKm: {
      anyOf: [
        { type: 'integer', minimum: 0, maximum: 2000000 },
        { type: 'string', maxLength: 0 },
      ],
    },
    ...csrfProp,
  },
} as const;
const vehicleSchema = {
  type: 'object',
  additionalProperties: false,
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

const searchQuery = {
  type: 'object',
  properties: { q: { type: 'string', maxLength: 100, default: '' }, lang: { type: 'string' } },
} as const;

function searchForm(req: FastifyRequest, action: string, q: string | undefined, hint: Text): Html {
  return html`<form method="get" action="${action}" class="filters" role="search"><label>${T(req, { fr: 'Rechercher', en: 'Search' })} <input type="search" name="q" value="${q ?? ''}" placeholder="${T(req, hint)}"></label><button type="submit">${T(req, { fr: 'Chercher', en: 'Search' })}</button>${q ? html` <a href="${action}">${T(req, { fr: 'Tout afficher', en: 'Show all' })}</a>` : ''}</form>`;
}

/** Where an odometer reading came from, in words: registration, a reception (its order), by hand. */
function odometerSource(req: FastifyRequest, source: string): string {
  if (source === 'registration')
    return T(req, { fr: 'Enregistrement du véhicule', en: 'Vehicle registration' });
  if (source === 'manual') return T(req, { fr: 'Relevé saisi', en: 'Reading entered' });
  const reception = /^reception (.+)$/.exec(source);
  if (reception)
    return T(req, { fr: 'Réception de l’OR {n}', en: 'Reception of RO {n}' }, { n: reception[1]! });
  return source;
}

async function customers(scope: FastifyInstance): Promise<void> {
  const app = typed(scope);
  const { store, clock } = app.deps;

  twin(app, 'GET', {
    access: FRONT_DESK,
    tags: ['customers'],
    schema: { querystring: searchQuery },
    handler: async (req) => listCustomers(store, req.user!.site_id, req.query.q),
    page: {
      url: '/customers',
      render: (list, req, reply) => {
        const body = html`${searchForm(req, '/customers', req.query.q, { fr: 'Nom, téléphone ou e-mail', en: 'Name, phone or e-mail' })}
${req.query.q && !list.length ? html`<p class="muted">${T(req, { fr: 'Aucun client ne correspond.', en: 'No customer matches.' })}</p>` : ''}<table><thead><tr><th>${T(req, { fr: 'Nom', en: 'Name' })}</th><th>${T(req, { fr: 'Téléphone', en: 'Phone' })}</th><th>E-mail</th></tr></thead>
<tbody>${list.map((c) => html`<tr><td><a href="/customers/${c.id}">${c.name}</a></td><td>${c.phone}</td><td>${c.email}</td></tr>`)}</tbody></table>
<form method="post" action="/customers" class="card">${csrfField(req)}<h2>${T(req, { fr: 'Nouveau client', en: 'New customer' })}</h2>
  <label>${T(req, { fr: 'Nom', en: 'Name' })} <input name="name" required maxlength="200"></label>
  <label>${T(req, { fr: 'Téléphone', en: 'Phone' })} <input name="phone" maxlength="40"></label>
  <label>E-mail <input name="email" type="email" maxlength="200"></label>
  <p class="muted">${T(req, { fr: 'Données minimales (RGPD) : effacées après la durée de conservation sans activité.', en: 'Minimal data (GDPR): erased after the retention period without activity.' })}</p>
  <button type="submit">${T(req, { fr: 'Créer', en: 'Create' })}</button></form>`;
        return sendPage(reply, renderPage(req, { fr: 'Clients', en: 'Customers' }, body));
      },
    },
    api: { url: '/api/customers', response: { type: 'array', items: customerSchema } },
  });
  twin(app, 'POST', {
    access: FRONT_DESK,
    tags: ['customers'],
    schema: { body: customerBody },
    handler: async (req) => createCustomer(store, req.user!.site_id, req.body, clock.now()),
    page: { url: '/customers', redirect: (c) => `/customers/${c.id}` },
    api: { url: '/api/customers', status: 201, response: customerSchema },
  });
  app.get('/customers/:id', {
    config: { access: FRONT_DESK },
    schema: { tags: ['customers'], params: idParams, response: pageResponses },
    handler: async (req, reply) => {
      const c = await getCustomer(store, req.user!.site_id, req.params.id);
      const data = await exportCustomer(store, req.user!.site_id, c.id);
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
  twin(app, 'POST', {
    access: MANAGERS,
    tags: ['customers'],
    schema: { params: idParams, body: csrfOnly },
    handler: async (req) => {
      await eraseCustomer(store, req.user!.site_id, req.params.id, req.user!.id, clock.now());
      return { ok: true };
    },
    page: { url: '/customers/:id/erase', redirect: (_ok, req) => `/customers/${req.params.id}` },
    api: { url: '/api/customers/:id/erase', noBody: true, response: okSchema },
  });
  app.get('/api/customers/:id/export', {
    config: { access: MANAGERS },
    schema: {
      tags: ['customers'],
      params: idParams,
      // Everything held about the customer, as it is: serialised whole (no type, no filtering).
      response: { 200: { description: 'toutes les données du client / all data held (GDPR)' }, ...apiErrors },
    },
    handler: async (req, reply) => {
      const { id } = req.params;
      const data = await exportCustomer(store, req.user!.site_id, id);
      return reply.header('content-disposition', `attachment; filename="customer-${id}.json"`).send(data);
    },
  });

  twin(app, 'GET', {
    access: STAFF,
    tags: ['vehicles'],
    schema: { querystring: searchQuery },
    handler: async (req) => listVehicles(store, req.user!.site_id, req.query.q),
    page: {
      url: '/vehicles',
      render: async (list, req, reply) => {
        const customers = FRONT_DESK.includes(req.user!.role)
          ? await listCustomers(store, req.user!.site_id)
          : null;
        const body = html`${searchForm(req, '/vehicles', req.query.q, { fr: 'Immatriculation, VIN, modèle ou client', en: 'Plate, VIN, model or customer' })}
${req.query.q && !list.length ? html`<p class="muted">${T(req, { fr: 'Aucun véhicule ne correspond.', en: 'No vehicle matches.' })}</p>` : ''}<table><thead><tr><th>${T(req, { fr: 'Immatriculation', en: 'Plate' })}</th><th>VIN</th><th>${T(req, { fr: 'Marque', en: 'Maker' })}</th><th>${T(req, { fr: 'Modèle', en: 'Model' })}</th><th>${T(req, { fr: 'Année', en: 'Year' })}</th><th>${T(req, { fr: 'Énergie', en: 'Energy' })}</th><th>${T(req, { fr: 'Client', en: 'Customer' })}</th></tr></thead>
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
    },
    api: { url: '/api/vehicles', response: { type: 'array', items: vehicleSchema } },
  });
  twin(app, 'POST', {
    access: FRONT_DESK,
    tags: ['vehicles'],
    schema: { body: vehicleBody },
    handler: async (req) =>
      createVehicle(
        store,
        req.user!.site_id,
        {
          ...req.body,
          customerId: req.body.customerId || null,
          odometerKm: typeof req.body.odometerKm === 'number' ? req.body.odometerKm : null,
        },
        clock.now(),
      ),
    page: { url: '/vehicles', redirect: (v) => `/vehicles/${v.id}` },
    api: { url: '/api/vehicles', status: 201, response: vehicleSchema },
  });
  twin(app, 'GET', {
    access: STAFF,
    tags: ['vehicles'],
    schema: { params: idParams },
    handler: async (req) => {
      const v = await getVehicle(store, req.user!.site_id, req.params.id);
      return {
        ...v,
        odometer: await odometerHistory(store, v.id),
        visits: await vehicleHistory(store, req.user!.site_id, v.id),
      };
    },
    page: {
      url: '/vehicles/:id',
      render: (v, req, reply) => {
        const history = v.odometer;
        const body = html`<dl class="facts"><dt>VIN</dt><dd><code>${v.vin}</code></dd>
<dt>${T(req, { fr: 'Immatriculation', en: 'Plate' })}</dt><dd>${v.plate}</dd>
<dt>${T(req, { fr: 'Constructeur (décodé du VIN)', en: 'Maker (decoded from the VIN)' })}</dt><dd>${v.maker || '—'}</dd>
<dt>${T(req, { fr: 'Modèle', en: 'Model' })}</dt><dd>${v.model || '—'}</dd>
<dt>${T(req, { fr: 'Année modèle (décodée)', en: 'Model year (decoded)' })}</dt><dd>${v.model_year ?? '—'}</dd>
<dt>${T(req, { fr: 'Énergie', en: 'Energy' })}</dt><dd>${T(req, ENERGY_LABEL[v.energy])}</dd></dl>
<h2>${T(req, { fr: 'Historique d’entretien', en: 'Service history' })}</h2>
${
  v.visits.length
    ? html`<div class="table-wrap"><table class="visits"><thead><tr><th>${T(req, { fr: 'Ordre', en: 'Order' })}</th><th>${T(req, { fr: 'Date', en: 'Date' })}</th><th>${T(req, { fr: 'Kilométrage', en: 'Odometer' })}</th><th>${T(req, { fr: 'Demande du client', en: 'Customer request' })}</th><th>${T(req, { fr: 'État', en: 'State' })}</th></tr></thead>
<tbody>${v.visits.map((o) => html`<tr><td><a href="/orders/${o.id}">${o.number}</a></td><td>${formatDateTime(req.lang, o.created_at)}</td><td>${formatKm(req.lang, o.odometer_km)}</td><td>${o.complaint}</td><td>${T(req, STATE_LABEL[o.state as State] ?? { fr: o.state, en: o.state })}</td></tr>`)}</tbody></table></div>`
    : html`<p class="muted">${T(req, { fr: 'Aucun passage à l’atelier.', en: 'No visit to the workshop yet.' })}</p>`
}
<h2>${T(req, { fr: 'Historique kilométrique', en: 'Odometer history' })}</h2>
<table><tbody>${history.map((h) => html`<tr><td>${formatDateTime(req.lang, h.read_at)}</td><td>${formatKm(req.lang, h.km)}</td><td>${odometerSource(req, h.source)}</td></tr>`)}</tbody></table>
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
    },
    api: {
      url: '/api/vehicles/:id',
      response: {
        type: 'object',
        additionalProperties: false,
        properties: {
          ...vehicleSchema.properties,
          visits: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              properties: {
                id: { type: 'integer' },
                number: { type: 'string' },
                state: { type: 'string' },
                created_at: { type: 'integer' },
                odometer_km: { type: ['integer', 'null'] },
                complaint: { type: 'string' },
              },
            },
          },
          odometer: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              properties: {
                km: { type: 'integer' },
                read_at: { type: 'integer' },
                source: { type: 'string' },
              },
            },
          },
        },
      },
    },
  });
  app.post('/vehicles/:id/odometer', {
    config: { access: FRONT_DESK },
    schema: {
      tags: ['vehicles'],
      params: idParams,
      body: odometerBody,
      response: formResponses('/vehicles/:id'),
    },
    handler: async (req, reply) => {
      const { id } = req.params;
      await getVehicle(store, req.user!.site_id, id);
      await recordOdometer(store, id, req.body.km, clock.now(), 'manual');
      return reply.redirect(`/vehicles/${id}`, 303);
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
          additionalProperties: false,
          properties: {
            vin: { type: 'string' },
            wmi: { type: 'string' },
            manufacturer: { type: 'string' },
            country: { type: 'string' },
            modelYear: { type: 'integer' },
            checkDigitValid: { type: 'boolean' },
          },
        },
        ...apiErrors,
      },
    },
    handler: async (req, reply) => {
      const d = decodeVinForWorkshop(req.params.vin, new Date(clock.now()).getUTCFullYear());
      if (!d)
        return reply
          .code(400)
          .send({ error: T(req, { fr: 'VIN invalide', en: 'invalid VIN' }), field: 'vin' });
      return d;
    },
  });
}

/** Customers (GDPR export and erasure) and vehicles (VIN, odometer). */
export const customersPlugin = fp(customers, {
  name: 'atelier-customers',
  encapsulate: true,
  dependencies: ['atelier-core'],
  decorators: { fastify: ['deps'] },
});
