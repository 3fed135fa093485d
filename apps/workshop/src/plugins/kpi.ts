import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { formatHours, formatPercent, type Text } from '../i18n.js';
import { STATE_LABEL, STATES } from '../services/domain.js';
import { isoDate } from '../services/habilitations.js';
import { computeKpis, type Kpis } from '../services/kpi.js';
import { listMechanics } from '../services/users.js';
import { queryDay, queryDayInput } from '../web/dates.js';
import { type Html, html, jsonScript } from '../web/html.js';
import { renderPage, sendPage, T } from '../web/layout.js';
import { twin, typed } from '../web/routes.js';

const KPI_VIEWERS = ['technician', 'manager', 'instructor', 'admin'] as const;
const DAY = 86_400_000;

const query = {
  type: 'object',
  properties: {
    /** YYYY-MM-DD or JJ/MM/AAAA: a bad day is a field error (web/dates.ts queryDay). */
    from: { type: 'string', maxLength: 20 },
    to: { type: 'string', maxLength: 20 },
    userId: { type: 'integer', minimum: 0 },
    lang: { type: 'string' },
  },
} as const;

const ratioProps = { type: ['number', 'null'] } as const;
const kpiSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    userId: { type: ['integer', 'null'] },
    period: {
      type: 'object',
      additionalProperties: false,
      properties: { from: { type: 'integer' }, to: { type: 'integer' } },
    },
    attendedHours: { type: 'number' },
    clockedHours: { type: 'number' },
    nonProductiveHours: { type: 'number' },
    soldHours: { type: 'number' },
    efficiency: ratioProps,
    productivity: ratioProps,
    proficiency: ratioProps,
    delivered: { type: 'integer' },
    comebacks: { type: 'integer' },
    comebackRate: ratioProps,
    avgDiagnosisHours: ratioProps,
    avgHoursInState: { type: 'object', additionalProperties: { type: 'number' } },
    daily: {
      type: 'object',
      additionalProperties: false,
      properties: {
        day: { type: 'array', items: { type: 'number' } },
        attended: { type: 'array', items: { type: 'number' } },
        clocked: { type: 'array', items: { type: 'number' } },
        sold: { type: 'array', items: { type: 'number' } },
      },
    },
  },
} as const;

/** The period asked for, as [from 00:00 UTC, to + 1 day); the last 30 days by default. */
export function period(q: { from?: string; to?: string }, now: number) {
  const to = q.to ? Date.parse(`${q.to}T00:00:00Z`) + DAY : Date.parse(`${isoDate(now)}T00:00:00Z`) + DAY;
  const from = q.from ? Date.parse(`${q.from}T00:00:00Z`) : to - 30 * DAY;
  return { from: Math.min(from, to - DAY), to };
}

function formulaRow(
  req: FastifyRequest,
  name: Text,
  formula: Text,
  a: number,
  b: number,
  value: number | null,
  cls: string,
): Html {
  return html`<tr class="${cls}"><th>${T(req, name)}</th><td class="formula">${T(req, formula)} = ${formatHours(req.lang, a)} ÷ ${formatHours(req.lang, b)}</td><td class="value">${formatPercent(req.lang, value)}</td></tr>`;
}

function kpiTable(req: FastifyRequest, k: Kpis): Html {
  return html`<table class="kpi"><tbody>
${formulaRow(req, { fr: 'Efficacité', en: 'Efficiency' }, { fr: 'heures vendues ÷ heures pointées', en: 'sold hours ÷ clocked hours' }, k.soldHours, k.clockedHours, k.efficiency, 'efficiency')}
${formulaRow(req, { fr: 'Productivité', en: 'Productivity' }, { fr: 'heures pointées ÷ heures de présence', en: 'clocked hours ÷ attended hours' }, k.clockedHours, k.attendedHours, k.productivity, 'productivity')}
${formulaRow(req, { fr: 'Rendement (compétence)', en: 'Proficiency' }, { fr: 'heures vendues ÷ heures de présence', en: 'sold hours ÷ attended hours' }, k.soldHours, k.attendedHours, k.proficiency, 'proficiency')}
<tr class="comebacks"><th>${T(req, { fr: 'Taux de retours atelier', en: 'Comeback rate' })}</th><td class="formula">${T(req, { fr: 'ordres livrés revenus ÷ ordres livrés', en: 'delivered orders that came back ÷ delivered orders' })} = ${k.comebacks} ÷ ${k.delivered}</td><td class="value">${formatPercent(req.lang, k.comebackRate)}</td></tr>
<tr class="diagnosis"><th>${T(req, { fr: 'Durée moyenne de diagnostic', en: 'Average diagnosis time' })}</th><td class="formula">${T(req, { fr: 'moyenne des séjours en diagnostic terminés dans la période', en: 'mean of diagnosis stays ended in the period' })}</td><td class="value">${k.avgDiagnosisHours === null ? '—' : `${formatHours(req.lang, k.avgDiagnosisHours)} h`}</td></tr>
<tr class="hours"><th>${T(req, { fr: 'Heures', en: 'Hours' })}</th><td colspan="2">${T(req, { fr: 'présence {a} h · pointées {c} h · vendues {s} h · improductives {n} h', en: 'attended {a} h · clocked {c} h · sold {s} h · non-productive {n} h' }, { a: formatHours(req.lang, k.attendedHours), c: formatHours(req.lang, k.clockedHours), s: formatHours(req.lang, k.soldHours), n: formatHours(req.lang, k.nonProductiveHours) })}</td></tr>
</tbody></table>`;
}

async function kpi(scope: FastifyInstance): Promise<void> {
  const app = typed(scope);
  const { store, clock } = app.deps;

  // The figures of a period, for one technician or the whole workshop: a page with the formulas
  // and the chart, and the same figures as JSON.
  twin(app, 'GET', {
    access: KPI_VIEWERS,
    tags: ['kpi'],
    schema: { querystring: query },
    handler: async (req) => {
      const now = clock.now();
      const from = queryDay(req, req.query.from, 'from');
      const to = queryDay(req, req.query.to, 'to');
      const p = period({ from: from.day || undefined, to: to.day || undefined }, now);
      const typed = { from: req.query.from, to: req.query.to, fromError: from.error, toError: to.error };
      // Technicians see their own figures; managers, instructors and admins anyone's.
      const userId = req.user!.role === 'technician' ? req.user!.id : req.query.userId || null;
      return { now, p, userId, typed, k: await computeKpis(store, p, userId, now) };
    },
    page: {
      url: '/kpi',
      render: async ({ now, p, userId, typed, k }, req, reply) => {
        const mechanics = await listMechanics(store);
        const perTech =
          userId === null
            ? await Promise.all(
                mechanics.map(async (m) => ({ m, k: await computeKpis(store, p, m.id, now) })),
              )
            : [];
        const body = html`<form method="get" action="/kpi" class="filters">
<label>${T(req, { fr: 'Du', en: 'From' })} ${queryDayInput(req, 'from', isoDate(p.from), typed.from, typed.fromError)}</label>
<label>${T(req, { fr: 'Au', en: 'To' })} ${queryDayInput(req, 'to', isoDate(p.to - DAY), typed.to, typed.toError)}</label>
${req.user!.role === 'technician' ? '' : html`<label>${T(req, { fr: 'Technicien', en: 'Technician' })} <select name="userId"><option value="0">${T(req, { fr: "Tout l'atelier", en: 'Whole workshop' })}</option>${mechanics.map((m) => html`<option value="${m.id}" ${m.id === userId ? html`selected` : ''}>${m.name}</option>`)}</select></label>`}
<button type="submit">${T(req, { fr: 'Afficher', en: 'Show' })}</button>
${req.user!.role === 'technician' ? '' : html`<a href="/kpi.csv?from=${isoDate(p.from)}&amp;to=${isoDate(p.to - DAY)}" download>${T(req, { fr: 'Exporter par technicien (CSV)', en: 'Export per technician (CSV)' })}</a>`}</form>
<h2>${userId === null ? T(req, { fr: "Tout l'atelier", en: 'Whole workshop' }) : (mechanics.find((m) => m.id === userId)?.name ?? '')}</h2>
${kpiTable(req, k)}
<div id="kpi-chart" class="chart" aria-label="${T(req, { fr: 'Heures par jour', en: 'Hours per day' })}"></div>
<script type="application/json" id="kpi-data">${jsonScript({ daily: k.daily, labels: { day: T(req, { fr: 'Jour', en: 'Day' }), attended: T(req, { fr: 'Présence', en: 'Attended' }), clocked: T(req, { fr: 'Pointées', en: 'Clocked' }), sold: T(req, { fr: 'Vendues', en: 'Sold' }), hours: T(req, { fr: 'heures', en: 'hours' }) } })}</script>
${
  perTech.length
    ? html`<h2>${T(req, { fr: 'Par technicien', en: 'Per technician' })}</h2><table class="per-tech"><thead><tr><th>${T(req, { fr: 'Technicien', en: 'Technician' })}</th><th>${T(req, { fr: 'Efficacité', en: 'Efficiency' })}</th><th>${T(req, { fr: 'Productivité', en: 'Productivity' })}</th><th>${T(req, { fr: 'Rendement', en: 'Proficiency' })}</th><th>${T(req, { fr: 'Retours', en: 'Comebacks' })}</th><th>${T(req, { fr: 'Diagnostic moyen', en: 'Avg diagnosis' })}</th></tr></thead>
<tbody>${perTech.map(({ m, k: t }) => html`<tr><td><a href="/kpi?userId=${m.id}&from=${isoDate(p.from)}&to=${isoDate(p.to - DAY)}">${m.name}</a></td><td>${formatPercent(req.lang, t.efficiency)}</td><td>${formatPercent(req.lang, t.productivity)}</td><td>${formatPercent(req.lang, t.proficiency)}</td><td>${formatPercent(req.lang, t.comebackRate)}</td><td>${t.avgDiagnosisHours === null ? '—' : `${formatHours(req.lang, t.avgDiagnosisHours)} h`}</td></tr>`)}</tbody></table>`
    : ''
}
<h2>${T(req, { fr: 'Durée moyenne dans chaque état', en: 'Average time in each state' })}</h2>
<p class="muted">${T(req, { fr: "moyenne, sur les séjours terminés dans la période, de (sortie de l'état − entrée dans l'état)", en: 'mean, over stays ended in the period, of (leaving the state − entering it)' })}</p>
<table class="states"><tbody>${STATES.filter((s) => k.avgHoursInState[s] !== undefined).map((s) => html`<tr><th>${T(req, STATE_LABEL[s])}</th><td>${formatHours(req.lang, k.avgHoursInState[s]!)} h</td></tr>`)}</tbody></table>`;
        return sendPage(
          reply,
          renderPage(req, { fr: 'Indicateurs atelier', en: 'Workshop KPIs' }, body, {
            scripts: ['/vendor/uplot/uPlot.min.css', '/vendor/uplot/uPlot.iife.min.js'],
          }),
          typed.fromError || typed.toError ? 422 : 200,
        );
      },
    },
    api: { url: '/api/kpi', response: kpiSchema, json: ({ k }) => k },
  });
}

/** Workshop KPIs with their formulas and operands. */
export const kpiPlugin = fp(kpi, {
  name: 'atelier-kpi',
  encapsulate: true,
  dependencies: ['atelier-core'],
  decorators: { fastify: ['deps'] },
});
