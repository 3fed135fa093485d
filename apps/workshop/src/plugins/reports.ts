import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { formatDateTime } from '../i18n.js';
import {
  guidedOf,
  latestReadings,
  readingsOf,
  sessionForRead,
  sessionsOfOrder,
} from '../services/diagnostics.js';
import { getOrder } from '../services/orders.js';
import { getProfile } from '../services/workshop-profile.js';
import { html } from '../web/html.js';
import { renderPage, sendPage, T } from '../web/layout.js';
import { typed } from '../web/routes.js';
import { idParams, pageResponses } from '../web/schemas.js';
import { STAFF } from '../web/types.js';
import { reportBody } from './diagnostics/report-body.js';
import { pathList } from './diagnostics/views.js';
import { reportHeader } from './document-views.js';

async function reports(scope: FastifyInstance): Promise<void> {
  const app = typed(scope);
  const { store, clock } = app.deps;
  app.get('/diagnostics/:id/report', {
    config: { access: STAFF },
    schema: { tags: ['reports'], params: idParams, response: pageResponses },
    handler: async (req, reply) => {
      const s = await sessionForRead(store, req.params.id, req.user!);
      const readings = latestReadings(await readingsOf(store, s.id));
      const order = s.ro_id ? await getOrder(store, req.user!.site_id, s.ro_id) : null;
      const guided = guidedOf(s);
      const body = html`<article class="report">
<p class="no-print"><button type="button" data-print id="print">${T(req, { fr: 'Imprimer / PDF', en: 'Print / PDF' })}</button></p>
${reportHeader(req, { session: s, order, profile: await getProfile(store, req.user!.site_id), now: clock.now() })}
${reportBody(req, guided, readings)}
<h2>${T(req, { fr: 'Étapes du diagnostic', en: 'Diagnostic steps' })}</h2>
${guided ? pathList(req, guided) : html`<p>—</p>`}
<div class="signature"><div>${T(req, { fr: 'Le technicien', en: 'The technician' })}</div><div>${T(req, { fr: "Cachet de l'atelier", en: 'Workshop stamp' })}</div></div>
</article>`;
      return sendPage(
        reply,
        renderPage(req, { fr: 'Rapport de diagnostic', en: 'Diagnostic report' }, body, {
          print: true,
          scripts: ['/static/diagnostics.css', '/static/documents.css', '/static/report.js'],
        }),
      );
    },
  });

  app.get('/orders/:id/diagnostics', {
    config: { access: STAFF },
    schema: { tags: ['reports'], params: idParams, response: pageResponses },
    handler: async (req, reply) => {
      const o = await getOrder(store, req.user!.site_id, req.params.id);
      const sessions = await sessionsOfOrder(store, req.user!.site_id, o.id, req.user!);
      const body = html`<p><a href="/orders/${o.id}">${o.number}</a> — ${o.vehicle.plate} ${o.vehicle.maker} ${o.vehicle.model}</p>
<p><a href="/diagnostics?roId=${o.id}">${T(req, { fr: 'Nouvelle session de diagnostic', en: 'New diagnostic session' })}</a></p>
${sessions.length ? '' : html`<p class="muted">${T(req, { fr: 'Aucune session de diagnostic.', en: 'No diagnostic session.' })}</p>`}
${sessions.map(
  (
    s,
  ) => html`<section class="card" data-session="${s.id}"><h2><a href="/diagnostics/${s.id}">#${s.id}</a> — ${formatDateTime(req.lang, s.started_at)} — ${s.user_name ?? ''}</h2>
${pathList(req, guidedOf(s))}
<p><a href="/diagnostics/${s.id}/report">${T(req, { fr: 'Rapport client', en: 'Customer report' })}</a></p></section>`,
)}`;
      return sendPage(
        reply,
        renderPage(
          req,
          { fr: `Diagnostics de l'OR ${o.number}`, en: `Diagnostics of RO ${o.number}` },
          body,
          { scripts: ['/static/diagnostics.css'] },
        ),
      );
    },
  });
}

/** The customer report and an order's diagnostic sessions. */
export const reportsPlugin = fp(reports, {
  name: 'atelier-reports',
  encapsulate: true,
  dependencies: ['atelier-core'],
  decorators: { fastify: ['deps'] },
});
