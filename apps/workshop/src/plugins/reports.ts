/**
 * What a customer and the repair order keep of a diagnosis: the printable customer report (the
 * browser's print makes the PDF; the print stylesheet drops navigation and forms) and the order's
 * diagnostic sessions with the path each took.
 */
import { dtcTitle } from '@atelier/obd';
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
import { causeName, knowledgeBase } from '../services/knowledge.js';
import { getOrder } from '../services/orders.js';
import { getProfile } from '../services/workshop-profile.js';
import { type Html, html } from '../web/html.js';
import { renderPage, sendPage, T } from '../web/layout.js';
import { typed } from '../web/routes.js';
import { idParams, pageResponses } from '../web/schemas.js';
import { STAFF } from '../web/types.js';
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
      const before = readings.filter((r) => r.kind === 'dtcs' && !r.item.startsWith('after.'));
      const after = readings.filter((r) => r.kind === 'dtcs' && r.item.startsWith('after.'));
      const codes = (list: typeof readings) => [...new Set(list.flatMap((r) => r.value as string[]))];
      const repair = guided?.steps.filter((x) => x.kind === 'repair').at(-1);
      const verify = guided?.steps.filter((x) => x.kind === 'verify').at(-1);
      // cause ids repeat across trees: the session's tree says which one is meant
      const treeCauses = knowledgeBase().trees.find((t) => t.id === guided?.treeId)?.causes ?? [];
      const cause = guided?.conclusion ? treeCauses.find((c) => c.id === guided.conclusion) : undefined;
      const codeList = (list: string[]): Html =>
        list.length
          ? html`<ul>${list.map((c) => html`<li><code>${c}</code> — ${dtcTitle(c, req.lang)}</li>`)}</ul>`
          : html`<p>${T(req, { fr: 'Aucun code défaut.', en: 'No trouble code.' })}</p>`;
      const body = html`<article class="report">
<p class="no-print"><button type="button" data-print id="print">${T(req, { fr: 'Imprimer / PDF', en: 'Print / PDF' })}</button></p>
${reportHeader(req, { session: s, order, profile: await getProfile(store, req.user!.site_id), now: clock.now() })}
<h2>${T(req, { fr: 'Codes défaut relevés', en: 'Trouble codes found' })}</h2>
${before.length ? codeList(codes(before)) : html`<p>${T(req, { fr: 'Non lus.', en: 'Not read.' })}</p>`}
<h2>${T(req, { fr: 'Diagnostic', en: 'Diagnosis' })}</h2>
${cause ? html`<p class="conclusion" id="report-conclusion">${T(req, cause.name)}</p>` : html`<p>${T(req, { fr: 'Diagnostic en cours.', en: 'Diagnosis in progress.' })}</p>`}
${
  repair?.kind === 'repair'
    ? html`<h2>${T(req, { fr: 'Intervention', en: 'Work done' })}</h2><p>${T(req, causeName(repair.cause, guided?.treeId))} — ${T(
        req,
        treeCauses.find((c) => c.id === repair.cause)?.repair ?? { fr: '', en: '' },
      )}</p>`
    : ''
}
${
  verify?.kind === 'verify'
    ? html`<h2>${T(req, { fr: 'Contrôle après intervention', en: 'Check after the work' })}</h2>
<p>${verify.symptomGone ? T(req, { fr: 'Symptôme disparu à l’essai.', en: 'Symptom gone on the road test.' }) : T(req, { fr: 'Symptôme encore présent.', en: 'Symptom still present.' })} ${verify.cleared ? T(req, { fr: 'Codes effacés et relus :', en: 'Codes cleared and read again:' }) : ''}</p>
${after.length ? codeList(codes(after)) : ''}`
    : ''
}
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
