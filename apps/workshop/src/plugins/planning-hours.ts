import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { formatDay } from '../i18n.js';
import {
  ABSENCE_KINDS,
  ABSENCE_LABEL,
  type Absence,
  absenceWhen,
  addAbsence,
  HALVES,
  listAbsences,
  removeAbsence,
} from '../services/absences.js';
import { parisDay, parisWall } from '../services/calendar.js';
import { ValidationError } from '../services/errors.js';
import { type SiteMember, siteMembers } from '../services/memberships.js';
import {
  addClosedDay,
  type ClosedDay,
  type DayHours,
  frenchHolidays,
  type Holiday,
  openingHours,
  type Period,
  removeClosedDay,
  saveOpeningHours,
  siteClosedDays,
  WEEKDAY_NAME,
} from '../services/opening-hours.js';
import { type AbsentAppointment, appointmentsInAbsences } from '../services/planning.js';
import {
  clockText,
  DAY_PATTERN,
  dayInput,
  dayValue,
  formatAppointment,
  parseTimeOfDay,
} from '../web/dates.js';
import { type Html, html } from '../web/html.js';
import { csrfField, renderPage, sendPage, T } from '../web/layout.js';
import { twin, typed } from '../web/routes.js';
import { absenceClashSchema, csrfProp } from '../web/schemas.js';
import { MANAGERS, STAFF } from '../web/types.js';

/**
 * When the site works: its opening hours per weekday (the administrator sets them), its closed days
 * (public holidays computed, days the administrator adds) and staff absences (managers enter them).
 * Appointments are checked against all three (services/appointment-slot.ts).
 */

const DAYS = [1, 2, 3, 4, 5, 6, 7] as const;
/** A half-day's hours as typed: `08:00-12:00`, `8h–12h`, `13h30 - 18h`; empty: closed. */
const PERIOD_PATTERN =
  '^\\s*(\\d{1,2}\\s*[:hH]?\\s*\\d{0,2}\\s*[-–à]\\s*\\d{1,2}\\s*[:hH]?\\s*\\d{0,2})?\\s*$';

function periodValue(text: string | undefined, field: string): Period | null {
  const t = (text ?? '').trim();
  if (!t) return null;
  const [a, b] = t.split(/\s*[-–à]\s*/);
  const from = parseTimeOfDay(a ?? '');
  const to = parseTimeOfDay(b ?? '');
  if (from === null || to === null || to <= from)
    throw new ValidationError(
      {
        fr: 'horaires invalides : écrivez-les HH:MM-HH:MM (par exemple 08:00-12:00), vide si fermé',
        en: 'invalid hours: write them HH:MM-HH:MM (for example 08:00-12:00), empty when closed',
      },
      field,
    );
  return [from, to];
}
const periodText = (p: Period | null) => (p ? `${clockText(p[0])}-${clockText(p[1])}` : '');

const hoursBody = {
  type: 'object',
  properties: {
    ...Object.fromEntries(
      DAYS.flatMap((d) => [
        [`d${d}am`, { type: 'string', pattern: PERIOD_PATTERN }],
        [`d${d}pm`, { type: 'string', pattern: PERIOD_PATTERN }],
      ]),
    ),
    ...csrfProp,
  },
} as const;

const closedBody = {
  type: 'object',
  required: ['closedDay'],
  properties: {
    closedDay: { type: 'string', pattern: DAY_PATTERN },
    label: { type: 'string', maxLength: 120 },
    ...csrfProp,
  },
} as const;

const absenceBody = {
  type: 'object',
  required: ['userId', 'kind', 'fromDay', 'toDay'],
  properties: {
    userId: { type: 'integer' },
    kind: { type: 'string', enum: [...ABSENCE_KINDS] },
    fromDay: { type: 'string', pattern: DAY_PATTERN },
    /** The half of the first day it starts with: `morning` (default) or `afternoon`. */
    fromHalf: { type: 'string', enum: [...HALVES] },
    toDay: { type: 'string', pattern: DAY_PATTERN },
    /** The half of the last day it ends with: `afternoon` (default: the whole day) or `morning` (until lunch). */
    toHalf: { type: 'string', enum: [...HALVES] },
    note: { type: 'string', maxLength: 200 },
    ...csrfProp,
  },
} as const;

const nullablePeriod = {
  type: ['array', 'null'],
  items: { type: 'integer' },
  minItems: 2,
  maxItems: 2,
} as const;
const hoursSchema = {
  type: 'array',
  description: 'Monday first; periods in minutes after midnight (Paris), null when closed',
  items: {
    type: 'object',
    additionalProperties: false,
    properties: { weekday: { type: 'integer' }, morning: nullablePeriod, afternoon: nullablePeriod },
  },
} as const;
const absenceSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...absenceClashSchema.properties,
    note: { type: 'string' },
    created_by_name: { type: ['string', 'null'] },
    created_at: { type: 'integer' },
    /** The appointments, cars not yet received, of this technician that the absence falls in: move or reassign them. */
    appointments: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          id: { type: 'integer' },
          number: { type: 'string' },
          booked_for: { type: 'integer' },
          ends_at: { type: 'integer' },
          duration_minutes: { type: 'integer' },
          plate: { type: 'string' },
          maker: { type: 'string' },
          model: { type: 'string' },
          customer_name: { type: ['string', 'null'] },
        },
      },
    },
  },
} as const;
const calendarSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    hours: hoursSchema,
    holidays: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          day: { type: 'string' },
          name: {
            type: 'object',
            additionalProperties: false,
            properties: { fr: { type: 'string' }, en: { type: 'string' } },
          },
        },
      },
    },
    closed_days: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          day: { type: 'string' },
          label: { type: 'string' },
          created_at: { type: 'integer' },
          created_by_name: { type: ['string', 'null'] },
        },
      },
    },
    absences: { type: 'array', items: absenceSchema },
  },
} as const;

interface WorkCalendar {
  hours: (DayHours & { weekday: number })[];
  holidays: Holiday[];
  closed_days: ClosedDay[];
  absences: AbsenceWithAppointments[];
  members: SiteMember[];
  /** The absence just entered, whose appointments the page lists beside the form. */
  entered: AbsenceWithAppointments | null;
}

type AbsenceWithAppointments = Absence & { appointments: AbsentAppointment[] };

/** The appointments an absence falls in, in words: order, day and time, customer, car; links to move them. */
function clashList(req: FastifyRequest, list: AbsentAppointment[]): Html {
  return html`<ul class="absence-clash">${list.map(
    (a) =>
      html`<li><a href="/orders/${a.id}">${a.number}</a> — ${formatAppointment(req.lang, a.booked_for)}–${clockText(parisWall(a.ends_at).minutes)}, ${a.customer_name ?? '—'}, ${a.plate} ${a.maker} ${a.model}</li>`,
  )}</ul>`;
}

function hoursForm(req: FastifyRequest, c: WorkCalendar): Html {
  const admin = req.user!.role === 'admin';
  const field = (name: string, p: Period | null, label: string) =>
    admin
      ? html`<input type="text" name="${name}" value="${periodText(p)}" size="11" maxlength="20" placeholder="${T(req, { fr: 'fermé', en: 'closed' })}" aria-label="${label}">`
      : html`${periodText(p).replace('-', '–') || T(req, { fr: 'fermé', en: 'closed' })}`;
  const table = html`<table class="hours-table"><thead><tr><th>${T(req, { fr: 'Jour', en: 'Day' })}</th><th>${T(req, { fr: 'Matin', en: 'Morning' })}</th><th>${T(req, { fr: 'Après-midi', en: 'Afternoon' })}</th></tr></thead><tbody>${c.hours.map(
    (d) => {
      const name = T(req, WEEKDAY_NAME[d.weekday - 1]!);
      return html`<tr><th scope="row">${name}</th><td>${field(`d${d.weekday}am`, d.morning, `${name} ${T(req, { fr: 'matin', en: 'morning' })}`)}</td><td>${field(`d${d.weekday}pm`, d.afternoon, `${name} ${T(req, { fr: 'après-midi', en: 'afternoon' })}`)}</td></tr>`;
    },
  )}</tbody></table>`;
  return admin
    ? html`<form method="post" action="/planning/hours" class="card">${csrfField(req)}<h2>${T(req, { fr: 'Heures d’ouverture', en: 'Opening hours' })}</h2>${table}
<small class="muted">${T(req, { fr: 'HH:MM-HH:MM ; vide : fermé.', en: 'HH:MM-HH:MM; empty: closed.' })}</small>
<button type="submit">${T(req, { fr: 'Enregistrer les horaires', en: 'Save the hours' })}</button></form>`
    : html`<section class="card"><h2>${T(req, { fr: 'Heures d’ouverture', en: 'Opening hours' })}</h2>${table}</section>`;
}

function closedDaysCard(req: FastifyRequest, c: WorkCalendar): Html {
  const admin = req.user!.role === 'admin';
  const rows = [
    ...c.holidays.map((h) => ({ day: h.day, label: T(req, h.name), own: false })),
    ...c.closed_days.map((d) => ({ day: d.day, label: d.label, own: true })),
  ].sort((a, b) => a.day.localeCompare(b.day));
  return html`<section class="card closed-days"><h2>${T(req, { fr: 'Jours de fermeture', en: 'Closed days' })}</h2>
<ul>${rows.map(
    (r) =>
      html`<li data-day="${r.day}">${formatDay(req.lang, r.day, 'long')} — ${r.label}${r.own ? '' : html` <small class="muted">(${T(req, { fr: 'jour férié', en: 'public holiday' })})</small>`}${
        r.own && admin
          ? html` <form method="post" action="/planning/closed-days/${r.day}/delete" class="inline">${csrfField(req)}<button type="submit" class="secondary">${T(req, { fr: 'Retirer', en: 'Remove' })}</button></form>`
          : ''
      }</li>`,
  )}</ul>
${
  admin
    ? html`<form method="post" action="/planning/closed-days" class="inline">${csrfField(req)}<label>${T(req, { fr: 'Jour', en: 'Day' })} ${dayInput(req, 'closedDay', null, { required: true })}</label>
<label>${T(req, { fr: 'Motif', en: 'Reason' })} <input type="text" name="label" maxlength="120" placeholder="${T(req, { fr: 'pont, inventaire…', en: 'bridge day, stocktaking…' })}"></label>
<button type="submit">${T(req, { fr: 'Fermer ce jour', en: 'Close this day' })}</button></form>`
    : ''
}</section>`;
}

function absencesCard(req: FastifyRequest, c: WorkCalendar): Html {
  const manager = MANAGERS.includes(req.user!.role);
  const e = c.entered;
  const notice = e
    ? e.appointments.length
      ? html`<div class="alerts absence-entered" role="status"><strong>${T(req, { fr: 'Absence enregistrée. Elle tombe sur {n} rendez-vous déjà donnés à {who} : à déplacer ou réaffecter.', en: 'Absence saved. It falls on {n} appointment(s) already given to {who}: move or reassign them.' }, { n: e.appointments.length, who: e.user_name })}</strong>${clashList(req, e.appointments)}</div>`
      : html`<p class="absence-entered ok" role="status">${T(req, { fr: 'Absence enregistrée ; aucun rendez-vous de {who} n’y tombe.', en: 'Absence saved; no appointment of {who} falls in it.' }, { who: e.user_name })}</p>`
    : '';
  return html`<section class="card absences" id="absences"><h2>${T(req, { fr: 'Absences du personnel', en: 'Staff absences' })}</h2>
${
  c.absences.length
    ? html`<ul>${c.absences.map(
        (a) =>
          html`<li data-absence="${a.id}"><strong>${a.user_name}</strong> — ${T(req, ABSENCE_LABEL[a.kind])}, ${absenceWhen(req.lang, a)}${a.note ? html` <small>(${a.note})</small>` : ''}${
            manager
              ? html` <form method="post" action="/planning/absences/${a.id}/delete" class="inline">${csrfField(req)}<button type="submit" class="secondary">${T(req, { fr: 'Retirer', en: 'Remove' })}</button></form>`
              : ''
          }${a.appointments.length ? html`<br><small class="absence-clash-title">⚠ ${T(req, { fr: 'tombe sur {n} rendez-vous à déplacer ou réaffecter :', en: 'falls on {n} appointment(s) to move or reassign:' }, { n: a.appointments.length })}</small>${clashList(req, a.appointments)}` : ''}</li>`,
      )}</ul>`
    : html`<p class="muted">${T(req, { fr: 'Aucune absence à venir.', en: 'No coming absence.' })}</p>`
}
${
  manager
    ? html`<form method="post" action="/planning/absences" class="absence-form">${csrfField(req)}
<label>${T(req, { fr: 'Personne', en: 'Person' })} <select name="userId" required>${c.members.filter((m) => m.active).map((m) => html`<option value="${m.id}">${m.name}</option>`)}</select></label>
<label>${T(req, { fr: 'Motif', en: 'Reason' })} <select name="kind">${ABSENCE_KINDS.map((k) => html`<option value="${k}">${T(req, ABSENCE_LABEL[k])}</option>`)}</select></label>
<label>${T(req, { fr: 'Du', en: 'From' })} ${dayInput(req, 'fromDay', null, { required: true })}</label>
<label>${T(req, { fr: 'à partir du', en: 'starting' })} <select name="fromHalf"><option value="morning">${T(req, { fr: 'matin', en: 'in the morning' })}</option><option value="afternoon">${T(req, { fr: 'début d’après-midi', en: 'after lunch' })}</option></select></label>
<label>${T(req, { fr: 'Au', en: 'To' })} ${dayInput(req, 'toDay', null, { required: true })}</label>
<label>${T(req, { fr: 'jusqu’au', en: 'until' })} <select name="toHalf"><option value="afternoon">${T(req, { fr: 'soir', en: 'the evening' })}</option><option value="morning">${T(req, { fr: 'midi (matin seulement)', en: 'lunch (morning only)' })}</option></select></label>
<label>${T(req, { fr: 'Note', en: 'Note' })} <input type="text" name="note" maxlength="200"></label>
<button type="submit">${T(req, { fr: 'Enregistrer l’absence', en: 'Save the absence' })}</button></form>`
    : ''
}
${notice}</section>`;
}

async function planningHours(scope: FastifyInstance): Promise<void> {
  const app = typed(scope);
  const { store, clock } = app.deps;

  const workCalendar = async (site: number, entered?: number): Promise<WorkCalendar> => {
    const today = parisDay(clock.now());
    const year = Number(today.slice(0, 4));
    const absences = await listAbsences(store, site, today);
    const clashes = await appointmentsInAbsences(store, site, absences);
    const withAppointments = absences.map((a) => ({ ...a, appointments: clashes.get(a.id) ?? [] }));
    return {
      hours: (await openingHours(store, site)).map((d, i) => ({ weekday: i + 1, ...d })),
      holidays: [...frenchHolidays(year), ...frenchHolidays(year + 1)].filter((h) => h.day >= today),
      closed_days: await siteClosedDays(store, site, today),
      absences: withAppointments,
      members: await siteMembers(store, site),
      entered: withAppointments.find((a) => a.id === entered) ?? null,
    };
  };

  twin(app, 'GET', {
    access: STAFF,
    tags: ['planning'],
    schema: {
      querystring: {
        type: 'object',
        properties: {
          /** The absence just entered: the page says which appointments it falls in, beside the form. */
          absence: { type: 'integer', minimum: 1 },
          lang: { type: 'string' },
        },
      },
    },
    handler: async (req) => workCalendar(req.user!.site_id, req.query.absence),
    page: {
      url: '/planning/hours',
      render: async (c, req, reply) =>
        sendPage(
          reply,
          renderPage(
            req,
            { fr: 'Horaires, fermetures et absences', en: 'Hours, closures and absences' },
            html`<p><a href="/planning">← ${T(req, { fr: 'Planning', en: 'Schedule' })}</a></p>
${hoursForm(req, c)}${closedDaysCard(req, c)}${absencesCard(req, c)}`,
            { scripts: ['/static/planning.css'] },
          ),
        ),
    },
    api: {
      url: '/api/planning/hours',
      response: calendarSchema,
      json: ({ members: _, entered: __, ...c }) => c,
    },
  });

  twin(app, 'POST', {
    access: ['admin'],
    tags: ['planning'],
    schema: { body: hoursBody },
    handler: async (req) => {
      const b = req.body as Record<string, string | undefined>;
      const week = DAYS.map((d) => ({
        morning: periodValue(b[`d${d}am`], `d${d}am`),
        afternoon: periodValue(b[`d${d}pm`], `d${d}pm`),
      }));
      await saveOpeningHours(store, req.user!.site_id, week, req.user!, clock.now());
      return (await openingHours(store, req.user!.site_id)).map((d, i) => ({ weekday: i + 1, ...d }));
    },
    page: { url: '/planning/hours', redirect: () => '/planning/hours' },
    api: { method: 'PUT', url: '/api/planning/hours', response: hoursSchema },
  });

  twin(app, 'POST', {
    access: ['admin'],
    tags: ['planning'],
    schema: { body: closedBody },
    handler: async (req) => {
      const day = dayValue(req.body.closedDay, 'closedDay');
      await addClosedDay(
        store,
        req.user!.site_id,
        { day, label: req.body.label ?? '' },
        req.user!,
        clock.now(),
      );
      return { day };
    },
    page: { url: '/planning/closed-days', redirect: () => '/planning/hours' },
    api: {
      url: '/api/planning/closed-days',
      status: 201,
      response: { type: 'object', properties: { day: { type: 'string' } } },
    },
  });

  const dayParams = {
    type: 'object',
    required: ['day'],
    properties: { day: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } },
  } as const;
  twin(app, 'POST', {
    access: ['admin'],
    tags: ['planning'],
    schema: { params: dayParams, body: { type: 'object', properties: csrfProp } },
    handler: async (req) => {
      await removeClosedDay(store, req.user!.site_id, req.params.day);
      return { day: req.params.day };
    },
    page: { url: '/planning/closed-days/:day/delete', redirect: () => '/planning/hours' },
    api: {
      method: 'DELETE',
      url: '/api/planning/closed-days/:day',
      response: { type: 'object', properties: { day: { type: 'string' } } },
      noBody: true,
    },
  });

  twin(app, 'POST', {
    access: MANAGERS,
    tags: ['planning'],
    schema: { body: absenceBody },
    handler: async (req) => {
      const b = req.body;
      const absence = await addAbsence(
        store,
        req.user!.site_id,
        {
          userId: b.userId,
          kind: b.kind,
          fromDay: dayValue(b.fromDay, 'fromDay'),
          fromHalf: b.fromHalf,
          toDay: dayValue(b.toDay, 'toDay'),
          toHalf: b.toHalf,
          note: b.note ?? '',
        },
        req.user!,
        clock.now(),
      );
      // Accepted even when it falls on appointments already given: the answer names them.
      const clashes = await appointmentsInAbsences(store, req.user!.site_id, [absence]);
      return { ...absence, appointments: clashes.get(absence.id) ?? [] };
    },
    page: { url: '/planning/absences', redirect: (a) => `/planning/hours?absence=${a.id}#absences` },
    api: { url: '/api/planning/absences', status: 201, response: absenceSchema },
  });

  const idParam = {
    type: 'object',
    required: ['id'],
    properties: { id: { type: 'integer', minimum: 1 } },
  } as const;
  twin(app, 'POST', {
    access: MANAGERS,
    tags: ['planning'],
    schema: { params: idParam, body: { type: 'object', properties: csrfProp } },
    handler: async (req) => {
      await removeAbsence(store, req.user!.site_id, req.params.id);
      return { id: req.params.id };
    },
    page: { url: '/planning/absences/:id/delete', redirect: () => '/planning/hours' },
    api: {
      method: 'DELETE',
      url: '/api/planning/absences/:id',
      response: { type: 'object', properties: { id: { type: 'integer' } } },
      noBody: true,
    },
  });
}

/** Opening hours, closed days and staff absences: what appointments are checked against. */
export const planningHoursPlugin = fp(planningHours, {
  name: 'atelier-planning-hours',
  encapsulate: true,
  dependencies: ['atelier-core'],
  decorators: { fastify: ['deps'] },
});
