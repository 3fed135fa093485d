/**
 * CSV exports for the office and the accountant's spreadsheet: repair orders, clocking entries and
 * KPIs per technician. The format (separator, decimal mark, BOM, formula safety) is in `web/csv.ts`.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import type { Lang } from '../i18n.js';
import { tr } from '../i18n.js';
import { listEntries } from '../services/clocking.js';
import {
  ENERGY_LABEL,
  type Energy,
  NONPROD_LABEL,
  type NonProdCode,
  STATE_LABEL,
  type State,
} from '../services/domain.js';
import { ordersForExport } from '../services/exports.js';
import { isoDate } from '../services/habilitations.js';
import { computeKpis, kpiPeriod } from '../services/kpi.js';
import { listMechanics } from '../services/users.js';
import { type CsvCell, csvDateTime, toCsv } from '../web/csv.js';
import { typed } from '../web/routes.js';
import { apiErrors } from '../web/schemas.js';

const ORDER_READERS = ['technician', 'manager', 'instructor', 'admin'] as const;
const TEAM_READERS = ['manager', 'instructor', 'admin'] as const;
const HOUR = 3600_000;

const csvResponse = {
  200: {
    description:
      'CSV (RFC 4180, UTF-8 with BOM; `;` and decimal comma in French, `,` and decimal point in English)',
    content: { 'text/csv': { schema: { type: 'string' } } },
  },
  ...apiErrors,
} as const;
const periodQuery = {
  type: 'object',
  properties: {
    from: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
    to: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
    lang: { type: 'string' },
  },
} as const;

function sendCsv(reply: FastifyReply, name: string, header: string[], rows: CsvCell[][], lang: Lang) {
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}.csv"`)
    .send(toCsv(header, rows, lang));
}

async function exportsArea(scope: FastifyInstance): Promise<void> {
  const app = typed(scope);
  const { store, clock } = app.deps;

  app.get('/orders.csv', {
    config: { access: ORDER_READERS },
    schema: {
      tags: ['orders'],
      querystring: { type: 'object', properties: { lang: { type: 'string' } } },
      response: csvResponse,
    },
    handler: async (req, reply) => {
      const L = req.lang;
      const rows = (await ordersForExport(store, req.user!.site_id)).map((o) => [
        o.number,
        tr(L, STATE_LABEL[o.state as State] ?? { fr: o.state, en: o.state }),
        csvDateTime(o.created_at),
        csvDateTime(o.booked_for),
        csvDateTime(o.state_since),
        o.plate,
        o.vin,
        `${o.maker} ${o.model}`.trim(),
        tr(L, ENERGY_LABEL[o.energy as Energy] ?? { fr: o.energy, en: o.energy }),
        o.customer_name ?? '',
        o.odometer_km,
        o.hv_requirement ?? '',
        o.assignee_name ?? '',
        o.complaint,
      ]);
      const header =
        L === 'fr'
          ? [
              'N° OR',
              'État',
              'Créé le',
              'Rendez-vous',
              'Dans cet état depuis',
              'Immatriculation',
              'VIN',
              'Véhicule',
              'Énergie',
              'Client',
              'Kilométrage',
              'Habilitation requise',
              'Technicien',
              'Demande du client',
            ]
          : [
              'RO number',
              'State',
              'Created',
              'Appointment',
              'In this state since',
              'Registration',
              'VIN',
              'Vehicle',
              'Energy',
              'Customer',
              'Odometer (km)',
              'Habilitation required',
              'Technician',
              'Customer request',
            ];
      return sendCsv(reply, L === 'fr' ? 'ordres-de-reparation' : 'repair-orders', header, rows, L);
    },
  });

  app.get('/clock.csv', {
    config: { access: TEAM_READERS },
    schema: { tags: ['clocking'], querystring: periodQuery, response: csvResponse },
    handler: async (req, reply) => {
      const L = req.lang;
      const now = clock.now();
      const p = kpiPeriod(req.query, now);
      // Oldest first, as a spreadsheet reads.
      const entries = (await listEntries(store, req.user!.site_id, null, p.from, p.to)).reverse();
      const kind = (e: (typeof entries)[number]) =>
        e.kind === 'attendance'
          ? tr(L, { fr: 'Présence', en: 'Attendance' })
          : e.kind === 'nonprod'
            ? tr(L, NONPROD_LABEL[e.code as NonProdCode] ?? { fr: e.code ?? '', en: e.code ?? '' })
            : tr(L, { fr: 'Opération', en: 'Operation' });
      const rows = entries.map((e) => [
        e.user_name,
        kind(e),
        e.ro_number ?? '',
        csvDateTime(e.start_at),
        csvDateTime(e.end_at),
        e.end_at === null ? null : (e.end_at - e.start_at) / HOUR,
        e.corrections,
      ]);
      const header =
        L === 'fr'
          ? ['Personne', 'Activité', 'N° OR', 'Début', 'Fin', 'Durée (h)', 'Corrections']
          : ['Person', 'Activity', 'RO number', 'Start', 'End', 'Duration (h)', 'Corrections'];
      return sendCsv(reply, `${L === 'fr' ? 'pointages' : 'clocking'}-${isoDate(p.from)}`, header, rows, L);
    },
  });

  app.get('/kpi.csv', {
    config: { access: TEAM_READERS },
    schema: { tags: ['kpi'], querystring: periodQuery, response: csvResponse },
    handler: async (req, reply) => {
      const L = req.lang;
      const now = clock.now();
      const p = kpiPeriod(req.query, now);
      const people: { id: number | null; name: string }[] = [
        ...(await listMechanics(store, req.user!.site_id)),
        { id: null, name: tr(L, { fr: 'Atelier', en: 'Workshop' }) },
      ];
      const rows: CsvCell[][] = [];
      for (const person of people) {
        const k = await computeKpis(store, req.user!.site_id, p, person.id, now);
        rows.push([
          person.name,
          isoDate(p.from),
          isoDate(p.to - 86_400_000),
          k.attendedHours,
          k.clockedHours,
          k.nonProductiveHours,
          k.soldHours,
          k.efficiency,
          k.productivity,
          k.proficiency,
          k.delivered,
          k.comebacks,
          k.comebackRate,
          k.avgDiagnosisHours,
        ]);
      }
      const header =
        L === 'fr'
          ? [
              'Personne',
              'Du',
              'Au',
              'Heures de présence',
              'Heures pointées',
              'Heures improductives',
              'Heures vendues',
              'Efficacité (vendues ÷ pointées)',
              'Productivité (pointées ÷ présence)',
              'Rendement (vendues ÷ présence)',
              'OR livrés',
              'Retours atelier',
              'Taux de retour',
              'Temps moyen de diagnostic (h)',
            ]
          : [
              'Person',
              'From',
              'To',
              'Attended hours',
              'Clocked hours',
              'Non-productive hours',
              'Sold hours',
              'Efficiency (sold ÷ clocked)',
              'Productivity (clocked ÷ attended)',
              'Proficiency (sold ÷ attended)',
              'Orders delivered',
              'Comebacks',
              'Comeback rate',
              'Average diagnosis time (h)',
            ];
      return sendCsv(reply, `${L === 'fr' ? 'indicateurs' : 'kpis'}-${isoDate(p.from)}`, header, rows, L);
    },
  });
}

/** CSV exports of orders, clocking and KPIs. */
export const exportsPlugin = fp(exportsArea, {
  name: 'atelier-exports',
  encapsulate: true,
  dependencies: ['atelier-core'],
  decorators: { fastify: ['deps'] },
});
