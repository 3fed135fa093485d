/**
 * The adapters the workshop offers for diagnostic sessions, as its admin manages them: the Wi-Fi
 * ELM327 adapters declared by name, host and port (the only addresses a session may connect to),
 * beside the serial ports and CAN interfaces found on the server. Admin only: an apprentice chooses
 * from this list, never types an address.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { formatDateTime } from '../i18n.js';
import { declareTcpAdapter, listTcpAdapters, removeTcpAdapter, tcpSpec } from '../services/adapter-offer.js';
import { html } from '../web/html.js';
import { csrfField, renderPage, sendPage, T } from '../web/layout.js';
import { twin, typed } from '../web/routes.js';
import { apiErrors, csrfOnly, csrfProp, idParams, okSchema, pageResponses } from '../web/schemas.js';

const ADMIN = ['admin'] as const;

const tcpAdapterSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    host: { type: 'string' },
    port: { type: 'integer' },
    created_at: { type: 'integer' },
  },
} as const;

async function adapters(scope: FastifyInstance): Promise<void> {
  const app = typed(scope);
  const { store, clock } = app.deps;
  const runtime = app.diagnostics;

  app.get('/adapters', {
    config: { access: ADMIN },
    schema: { tags: ['adapters'], response: pageResponses },
    handler: async (req, reply) => {
      const declared = await listTcpAdapters(store, req.user!.site_id);
      const ports = runtime.discovery.serialPorts();
      const cans = runtime.discovery.canInterfaces();
      const body = html`<section class="card" id="tcp-adapters">
<h2>${T(req, { fr: 'Adaptateurs Wi-Fi (ELM327 sur TCP)', en: 'Wi-Fi adapters (ELM327 over TCP)' })}</h2>
<p class="muted">${T(req, { fr: "Les seules adresses qu'une session de diagnostic peut ouvrir : personne ne saisit d'adresse dans le formulaire de session.", en: 'The only addresses a diagnostic session may open: nobody types an address in the session form.' })}</p>
${
  declared.length
    ? html`<table class="tcp-adapters"><thead><tr><th>${T(req, { fr: 'Nom', en: 'Name' })}</th><th>${T(req, { fr: 'Adresse', en: 'Address' })}</th><th>${T(req, { fr: 'Déclaré le', en: 'Declared on' })}</th><th></th></tr></thead><tbody>${declared.map(
        (a) =>
          html`<tr data-adapter="${a.id}"><td>${a.name}</td><td><code>${tcpSpec(a)}</code></td><td>${formatDateTime(req.lang, a.created_at)}</td><td><form method="post" action="/adapters/${a.id}/delete" class="inline">${csrfField(req)}<button type="submit" class="secondary">${T(req, { fr: 'Retirer', en: 'Remove' })}</button></form></td></tr>`,
      )}</tbody></table>`
    : html`<p class="muted">${T(req, { fr: 'Aucun adaptateur Wi-Fi déclaré.', en: 'No Wi-Fi adapter declared.' })}</p>`
}
<form method="post" action="/adapters" class="card narrow">${csrfField(req)}
<h3>${T(req, { fr: 'Déclarer un adaptateur Wi-Fi', en: 'Declare a Wi-Fi adapter' })}</h3>
<label>${T(req, { fr: 'Nom (ex. « ELM327 Wi-Fi pont 2 »)', en: "Name (e.g. 'ELM327 Wi-Fi bay 2')" })} <input name="name" required maxlength="80"></label>
<label>${T(req, { fr: 'Hôte (adresse IP ou nom)', en: 'Host (IP address or name)' })} <input name="host" required maxlength="253" placeholder="192.168.0.10"></label>
<label>Port <input name="port" type="number" min="1" max="65535" required value="35000"></label>
<button type="submit">${T(req, { fr: 'Déclarer', en: 'Declare' })}</button></form>
</section>
<section class="card" id="found">
<h2>${T(req, { fr: 'Trouvés sur ce serveur', en: 'Found on this server' })}</h2>
<p>${T(req, { fr: 'Ports série (USB, Bluetooth)', en: 'Serial ports (USB, Bluetooth)' })} : ${ports.length ? ports.map((p) => p.label).join(', ') : T(req, { fr: 'aucun', en: 'none' })}</p>
<p>${T(req, { fr: 'Interfaces CAN (SocketCAN)', en: 'CAN interfaces (SocketCAN)' })} : ${cans.length ? cans.map((c) => c.name).join(', ') : T(req, { fr: 'aucune', en: 'none' })}</p>
</section>`;
      return sendPage(reply, renderPage(req, { fr: 'Adaptateurs', en: 'Adapters' }, body));
    },
  });

  app.get('/api/adapters/tcp', {
    config: { access: ADMIN },
    schema: {
      tags: ['adapters'],
      response: { 200: { type: 'array', items: tcpAdapterSchema }, ...apiErrors },
    },
    handler: async (req) => listTcpAdapters(store, req.user!.site_id),
  });

  twin(app, 'POST', {
    access: ADMIN,
    tags: ['adapters'],
    schema: {
      body: {
        type: 'object',
        required: ['name', 'host', 'port'],
        properties: {
          name: { type: 'string', maxLength: 80 },
          host: { type: 'string', maxLength: 255 },
          port: { type: 'integer', minimum: 1, maximum: 65_535 },
          ...csrfProp,
        },
      },
    },
    handler: async (req) => declareTcpAdapter(store, req.user!.site_id, req.body, req.user!.id, clock.now()),
    page: { url: '/adapters', redirect: () => '/adapters' },
    api: { url: '/api/adapters/tcp', status: 201, response: tcpAdapterSchema },
  });

  twin(app, 'POST', {
    access: ADMIN,
    tags: ['adapters'],
    schema: { params: idParams, body: csrfOnly },
    handler: async (req) => {
      await removeTcpAdapter(store, req.user!.site_id, req.params.id);
      return { ok: true };
    },
    page: { url: '/adapters/:id/delete', redirect: () => '/adapters' },
    api: { method: 'DELETE', url: '/api/adapters/tcp/:id', noBody: true, response: okSchema },
  });
}

/** The workshop's adapters (admin): declared Wi-Fi adapters, and what the server found. */
export const adaptersPlugin = fp(adapters, {
  name: 'atelier-adapters',
  encapsulate: true,
  dependencies: ['atelier-core', 'atelier-diagnostics-runtime'],
  decorators: { fastify: ['deps', 'diagnostics'] },
});
