import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { formatDay } from '../i18n.js';
import { ABSENCE_LABEL, absenceWhen } from '../services/absences.js';
import { type AbsenceClash, checkSlot, DEFAULT_SLOT_MINUTES } from '../services/appointment-slot.js';
import { addDays, isoWeek, parisDay, parisTime, parisWall } from '../services/calendar.js';
import { isHighVoltage, STATE_LABEL } from '../services/domain.js';
import { ForbiddenError, ValidationError } from '../services/errors.js';
import { parseRequirement } from '../services/hv.js';
import type { RepairOrder } from '../services/orders.js';
import { getOrder, promiseDelivery } from '../services/orders.js';
import {
  type Appointment,
  checkAppointment,
  MOVABLE_STATES,
  moveAppointment,
  type PlanningWeek,
  planningWeek,
  rescheduleOrder,
} from '../services/planning.js';
import { listMechanics } from '../services/users.js';
import type { Db } from '../store/store.js';
import {
  clockText,
  dateTimeValue,
  dayInput,
  dayValue,
  durationInput,
  durationText,
  durationValue,
  formatAppointment,
  OPTIONAL_DAY_PATTERN,
  queryDay,
  queryDayInput,
  timeInput,
  timeValue,
} from '../web/dates.js';
import { type Html, html } from '../web/html.js';
import { csrfField, renderPage, sendPage, T } from '../web/layout.js';
import { twin, typed } from '../web/routes.js';
import { absenceClashSchema, apiErrors, csrfProp, idParams, orderDetailSchema } from '../web/schemas.js';
import { FRONT_DESK, MANAGERS, STAFF } from '../web/types.js';

/**
 * An appointment in a body: `bookedFor` (ISO 8601 — without a zone, Paris time — or 07/12/2026 09:30),
 * or the form's two fields, the day and the time; and its `duration` (1h30, 90 min; a bare number is
 * minutes; empty: from the quote).
 */
export const appointmentProps = {
  bookedFor: { type: 'string', maxLength: 40 },
  bookedDay: { type: 'string', pattern: OPTIONAL_DAY_PATTERN },
  bookedTime: { type: 'string', maxLength: 12 },
  duration: { type: 'string', maxLength: 16 },
} as const;

type AppointmentBody = { bookedFor?: string; bookedDay?: string; bookedTime?: string; duration?: string };

/** What a body asks of an appointment, and which fields a refusal of its day or time is about. */
export interface AppointmentRequest {
  /** Epoch ms, null for none. */
  at: number | null;
  /** Minutes; null: from the quote; undefined: not sent. */
  minutes: number | null | undefined;
  fields: { day: string; time: string };
}

/** The appointment a body asks for; a field error when a part is wrong or missing. */
export function appointmentRequest(b: AppointmentBody, now: number): AppointmentRequest {
  const minutes = durationValue(b.duration, 'duration');
  if (b.bookedFor?.trim()) {
    const ms = dateTimeValue(b.bookedFor, 'bookedFor')!;
    checkAppointment(ms, now, 'bookedFor');
    return { at: ms, minutes, fields: { day: 'bookedFor', time: 'bookedFor' } };
  }
  const fields = { day: 'bookedDay', time: 'bookedTime' };
  const dayText = b.bookedDay?.trim() ?? '';
  const timeText = b.bookedTime?.trim() ?? '';
  if (!dayText && !timeText) return { at: null, minutes, fields };
  const day = dayValue(dayText, 'bookedDay');
  if (!day)
    throw new ValidationError(
      { fr: 'indiquez le jour du rendez-vous', en: 'give the day of the appointment' },
      'bookedDay',
    );
  if (!timeText)
    throw new ValidationError(
      { fr: 'indiquez l’heure du rendez-vous', en: 'give the time of the appointment' },
      'bookedTime',
    );
  const ms = parisTime(day, timeValue(timeText, 'bookedTime'));
  checkAppointment(ms, now, 'bookedDay');
  return { at: ms, minutes, fields };
}

/**
 * A new order's appointment, checked against the site's hours and closed days (no technician yet:
 * assigning one checks the absences); null when the car comes without one.
 */
export async function newAppointment(
  db: Db,
  site: number,
  b: AppointmentBody,
  now: number,
): Promise<{ bookedFor: number | null; bookedMinutes: number | null }> {
  const r = appointmentRequest(b, now);
  if (r.at === null) return { bookedFor: null, bookedMinutes: null };
  await checkSlot(db, site, r.at, r.minutes ?? DEFAULT_SLOT_MINUTES, null, r.fields);
  return { bookedFor: r.at, bookedMinutes: r.minutes ?? null };
}

/** The new-order form's appointment fields. */
export function appointmentFields(
  req: FastifyRequest,
  at: number | null = null,
  minutes: number | null = null,
): Html {
  const w = at === null ? null : parisWall(at);
  return html`<fieldset class="appointment"><legend>${T(req, { fr: 'Rendez-vous', en: 'Appointment' })}</legend>
<label>${T(req, { fr: 'Jour', en: 'Day' })} ${dayInput(req, 'bookedDay', w?.day ?? null)}</label>
<label>${T(req, { fr: 'Heure', en: 'Time' })} ${timeInput(req, 'bookedTime', w?.minutes ?? null)}</label>
<label>${T(req, { fr: 'Durée', en: 'Duration' })} ${durationInput(req, 'duration', minutes)}</label>
<small class="muted">${T(req, { fr: 'Laissez vide pour un véhicule venu sans rendez-vous. Durée vide : celle du devis, une heure sans devis. Un rendez-vous qui dépasse la pause de midi ou le soir se poursuit à la réouverture.', en: "Leave empty for a car that came without an appointment. Empty duration: the quote's, one hour without a quote. An appointment that runs past the lunch break or the evening goes on when the workshop reopens." })}</small></fieldset>`;
}

/** The order page's appointment (when, how long, a link to its week) and promised delivery. */
export function appointmentFact(req: FastifyRequest, o: RepairOrder): Html {
  return html`<dt>${T(req, { fr: 'Rendez-vous', en: 'Appointment' })}</dt><dd class="booked-for">${
    o.booked_for === null
      ? T(req, { fr: 'sans rendez-vous', en: 'no appointment' })
      : html`<a href="/planning?week=${parisDay(o.booked_for)}">${formatAppointment(req.lang, o.booked_for)}</a>${o.booked_minutes ? html` · ${durationText(o.booked_minutes)}` : ''}`
  }</dd>
<dt>${T(req, { fr: 'Restitution promise', en: 'Promised delivery' })}</dt><dd class="promised-for">${
    o.promised_for === null ? '—' : formatAppointment(req.lang, o.promised_for)
  }</dd>`;
}

/** The front desk's form that sets when the car is promised back, until it is delivered. */
export function promiseForm(req: FastifyRequest, o: RepairOrder): Html | '' {
  if (!FRONT_DESK.includes(req.user!.role) || o.state === 'delivered') return '';
  const w = o.promised_for === null ? null : parisWall(o.promised_for);
  return html`<form method="post" action="/orders/${o.id}/promise" class="card promise">${csrfField(req)}
<h2>${T(req, { fr: 'Restitution promise au client', en: 'Delivery promised to the customer' })}</h2>
<label>${T(req, { fr: 'Jour', en: 'Day' })} ${dayInput(req, 'promisedDay', w?.day ?? null)}</label>
<label>${T(req, { fr: 'Heure', en: 'Time' })} ${timeInput(req, 'promisedTime', w?.minutes ?? null)}</label>
<button type="submit">${T(req, { fr: 'Enregistrer', en: 'Save' })}</button></form>`;
}

export function appointmentForm(req: FastifyRequest, o: RepairOrder): Html | '' {
  if (!FRONT_DESK.includes(req.user!.role) || !MOVABLE_STATES.includes(o.state)) return '';
  return html`<form method="post" action="/orders/${o.id}/appointment" class="card appointment-move">${csrfField(req)}
<h2>${T(req, o.booked_for === null ? { fr: 'Prendre rendez-vous', en: 'Book an appointment' } : { fr: 'Déplacer le rendez-vous', en: 'Move the appointment' })}</h2>
${appointmentFields(req, o.booked_for, o.booked_minutes)}
<button type="submit">${T(req, { fr: 'Enregistrer le rendez-vous', en: 'Save the appointment' })}</button>
</form>`;
}

/** Rows of the week: 07:00 to 19:00; earlier appointments show in the first row, later in the last. */
const FIRST_HOUR = 7;
const LAST_HOUR = 19;
const HOURS = Array.from({ length: LAST_HOUR - FIRST_HOUR + 1 }, (_, i) => FIRST_HOUR + i);
const rowOf = (a: Appointment) =>
  Math.min(LAST_HOUR, Math.max(FIRST_HOUR, Math.floor(parisWall(a.booked_for).minutes / 60)));

const dayName = (req: FastifyRequest, day: string) =>
  new Date(parisTime(day, 12 * 60)).toLocaleDateString(req.lang === 'fr' ? 'fr-FR' : 'en-GB', {
    timeZone: 'Europe/Paris',
    weekday: 'long',
    day: 'numeric',
    month: 'short',
  });

const DURATION_SOURCE = {
  set: { fr: 'durée saisie', en: 'duration as typed' },
  quote: { fr: 'durée du devis (main-d’œuvre)', en: "the quote's labour time" },
  default: { fr: 'durée par défaut : une heure sans devis', en: 'default: one hour without a quote' },
} as const;

/** What the planning and the board say of an appointment an absence now falls in. */
export function absenceNote(req: FastifyRequest, c: AbsenceClash): Html {
  return html`<span class="absence-note">⚠ ${T(
    req,
    {
      fr: '{who} absent·e ({kind}) {when} : à déplacer ou réaffecter',
      en: '{who} away ({kind}) {when}: move or reassign it',
    },
    { who: c.user_name, kind: T(req, ABSENCE_LABEL[c.kind]), when: absenceWhen(req.lang, c) },
  )}</span>`;
}

function card(req: FastifyRequest, a: Appointment, movable: boolean): Html {
  const hv = a.hv_requirement && isHighVoltage(a.energy) ? parseRequirement(a.hv_requirement) : [];
  return html`<a class="appt state-${a.state}${a.overlaps.length ? ' overlap' : ''}${a.absence ? ' absent' : ''}${hv.length ? ' hv' : ''}" href="/orders/${a.id}" data-number="${a.number}" data-id="${a.id}"${movable && MOVABLE_STATES.includes(a.state) ? html` data-movable="1"` : ''}>
<time datetime="${new Date(a.booked_for).toISOString()}">${clockText(parisWall(a.booked_for).minutes)}–${clockText(parisWall(a.ends_at).minutes)}${parisDay(a.ends_at) !== parisDay(a.booked_for) ? html` <small>(${dayName(req, parisDay(a.ends_at))})</small>` : ''}</time>
<span class="duration" title="${T(req, DURATION_SOURCE[a.duration_source])}">${durationText(a.duration_minutes)}${a.duration_source === 'set' ? '' : '*'}</span>
<strong>${a.plate || a.number}</strong> <span class="vehicle">${a.maker} ${a.model}</span>
<span class="customer">${a.customer_name ?? '—'}</span>
<span class="complaint">${a.complaint ? a.complaint.slice(0, 70) : '—'}</span>
${hv.length ? html`<span class="hv-need">⚡ ${hv.join(' + ')}</span>` : ''}
<span class="tech">${a.assignee_name ?? T(req, { fr: 'non affecté', en: 'unassigned' })}</span>
<span class="state state-${a.state}">${T(req, STATE_LABEL[a.state])}</span>
${a.overlaps.length ? html`<span class="overlap-note">⚠ ${T(req, { fr: 'chevauche {n}', en: 'overlaps {n}' }, { n: a.overlaps.join(', ') })}</span>` : ''}
${a.absence ? absenceNote(req, a.absence) : ''}
</a>`;
}

/**
 * What dragging needs beside the week: the technicians to drop a card on (managers, who assign)
 * and a hint. Both are `hidden` until the script runs: without JavaScript nothing here shows, and
 * the order page's form moves the appointment as before (keyboard users keep that form too).
 */
function dragHelp(req: FastifyRequest, technicians: { id: number; name: string }[]): Html | '' {
  if (!FRONT_DESK.includes(req.user!.role)) return '';
  const assign = MANAGERS.includes(req.user!.role);
  return html`<p class="drag-hint muted" hidden>${T(req, assign ? { fr: 'Glissez un rendez-vous vers un autre créneau (heure pile en haut de la case, la demie en bas) ou sur un technicien pour le lui confier. Au clavier : ouvrez l’ordre, formulaire « Déplacer le rendez-vous ».', en: 'Drag an appointment to another slot (on the hour in the top of a cell, half past in the bottom) or onto a technician to give it to them. With the keyboard: open the order, « Move the appointment » form.' } : { fr: 'Glissez un rendez-vous vers un autre créneau (heure pile en haut de la case, la demie en bas). Au clavier : ouvrez l’ordre, formulaire « Déplacer le rendez-vous ».', en: 'Drag an appointment to another slot (on the hour in the top of a cell, half past in the bottom). With the keyboard: open the order, « Move the appointment » form.' })}</p>${
    assign && technicians.length
      ? html`<ul class="tech-drop" hidden aria-label="${T(req, { fr: 'Techniciens', en: 'Technicians' })}">${technicians.map(
          (m) => html`<li data-tech="${m.id}">${m.name}</li>`,
        )}</ul>`
      : ''
  }`;
}

function planningPage(
  req: FastifyRequest,
  p: PlanningWeek,
  error: string | null,
  asTyped: string,
  technicians: { id: number; name: string }[],
): Html {
  const movable = FRONT_DESK.includes(req.user!.role);
  // Sunday when it holds an appointment, or is today
  const shown = p.days.filter((d, i) => i < 6 || d.appointments.length || d.day === p.today);
  const last = p.days[6]!.day;
  const link = (day: string) => `/planning?week=${day}`;
  const overlaps = p.overlaps.length
    ? html`<div class="card alerts overlaps" role="status"><strong>${T(req, { fr: '{n} chevauchement(s) dans le temps d’un technicien', en: "{n} overlap(s) in a technician's time" }, { n: p.overlaps.length })}</strong><ul>${p.overlaps.map(
        (o) =>
          html`<li>${o.technician} — ${dayName(req, o.day)} : ${o.first} ${T(req, { fr: 'et', en: 'and' })} ${o.second}</li>`,
      )}</ul></div>`
    : '';
  const absent = p.days.flatMap((d) => d.appointments).filter((a) => a.absence);
  const absences = absent.length
    ? html`<div class="card alerts absences-clash" role="status"><strong>${T(req, { fr: '{n} rendez-vous sur une absence de leur technicien : à déplacer ou réaffecter', en: "{n} appointment(s) on their technician's absence: move or reassign them" }, { n: absent.length })}</strong><ul>${absent.map(
        (a) =>
          html`<li><a href="/orders/${a.id}">${a.number}</a> — ${dayName(req, parisDay(a.booked_for))} ${clockText(parisWall(a.booked_for).minutes)}, ${a.customer_name ?? '—'} (${a.plate}) : ${a.absence!.user_name}, ${T(req, ABSENCE_LABEL[a.absence!.kind])} ${absenceWhen(req.lang, a.absence!)}</li>`,
      )}</ul></div>`
    : '';
  return html`<p class="muted">${T(req, { fr: 'Semaine {w}, du {from} au {to}', en: 'Week {w}, {from} to {to}' }, { w: isoWeek(p.week), from: formatDay(req.lang, p.week, 'long'), to: formatDay(req.lang, last, 'long') })}</p>
<nav class="week-nav" aria-label="${T(req, { fr: 'Semaines', en: 'Weeks' })}"><a href="${link(addDays(p.week, -7))}" rel="prev">← ${T(req, { fr: 'Semaine précédente', en: 'Previous week' })}</a>
<a href="/planning">${T(req, { fr: 'Cette semaine', en: 'This week' })}</a>${shown.some((d) => d.day === p.today) ? html`<a class="to-today" href="#today">↓ ${T(req, { fr: 'Aujourd’hui', en: 'Today' })}</a>` : ''}
<a href="${link(addDays(p.week, 7))}" rel="next">${T(req, { fr: 'Semaine suivante', en: 'Next week' })} →</a>
<form method="get" action="/planning" class="inline"><label>${T(req, { fr: 'Semaine du', en: 'Week of' })} ${queryDayInput(req, 'week', null, asTyped, error)}</label><button type="submit">${T(req, { fr: 'Afficher', en: 'Show' })}</button></form></nav>
${overlaps}${absences}
<p class="muted">${T(req, { fr: 'Durée : celle saisie sur l’ordre ; sinon (*) les heures de main-d’œuvre du devis, une heure tant qu’il n’y a pas de devis. Un rendez-vous qui dépasse midi ou le soir reprend à la réouverture.', en: "Length: the one typed on the order; otherwise (*) the quote's labour hours, one hour while there is no quote. An appointment that runs past noon or the evening resumes at the next opening." })} <a href="/planning/hours">${T(req, { fr: 'Horaires, fermetures et absences', en: 'Hours, closures and absences' })}</a></p>
${dragHelp(req, technicians)}
<div class="planning days-${shown.length}"${movable ? html` data-move="1"` : ''}>
<div class="hours" aria-hidden="true"><span class="cell head"></span>${HOURS.map((h) => html`<span class="cell hour">${clockText(h * 60)}</span>`)}</div>
${shown.map(
  (
    d,
  ) => html`<section class="day${d.day === p.today ? ' today' : ''}${d.closed ? ' closed' : ''}" data-day="${d.day}"${d.day === p.today ? html` id="today" aria-current="date"` : ''}>
<h2 class="cell head">${dayName(req, d.day)}${d.day === p.today ? html` <span class="badge today-badge">${T(req, { fr: 'Aujourd’hui', en: 'Today' })}</span>` : ''}${d.closed ? html` <small class="closed-day">${T(req, { fr: 'fermé', en: 'closed' })} : ${T(req, d.closed)}</small>` : d.appointments.length ? '' : html` <small class="none">${T(req, { fr: 'aucun rendez-vous', en: 'no appointment' })}</small>`}</h2>
${HOURS.map((h) => html`<div class="cell slot" data-hour="${h}">${d.appointments.filter((a) => rowOf(a) === h).map((a) => card(req, a, movable))}</div>`)}
</section>`,
)}
</div>`;
}

const weekQuery = {
  type: 'object',
  properties: {
    /** Any day of the week to show: YYYY-MM-DD or JJ/MM/AAAA; this week by default. */
    week: { type: 'string', maxLength: 20 },
    lang: { type: 'string' },
  },
} as const;

const nullableInt = { type: ['integer', 'null'] } as const;
const appointmentSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    id: { type: 'integer' },
    number: { type: 'string' },
    state: { type: 'string' },
    kind: { type: 'string' },
    booked_for: { type: 'integer' },
    /** Working minutes the appointment takes, and where that comes from (set, quote, default). */
    duration_minutes: { type: 'integer' },
    duration_source: { type: 'string', enum: ['set', 'quote', 'default'] },
    /** The end once laid over the opening hours (after the lunch break, the next open day). */
    ends_at: { type: 'integer' },
    complaint: { type: 'string' },
    hv_requirement: { type: ['string', 'null'] },
    plate: { type: 'string' },
    maker: { type: 'string' },
    model: { type: 'string' },
    energy: { type: 'string' },
    customer_name: { type: ['string', 'null'] },
    assigned_to: nullableInt,
    assignee_name: { type: ['string', 'null'] },
    overlaps: { type: 'array', items: { type: 'string' } },
    /** The technician's absence that falls in it, entered after it was given: move or reassign it. */
    absence: absenceClashSchema,
  },
} as const;
const planningSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    week: { type: 'string' },
    today: { type: 'string' },
    days: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          day: { type: 'string' },
          appointments: { type: 'array', items: appointmentSchema },
          /** Why the site is closed that day (public holiday, closed day, no hours), or null. */
          closed: {
            type: ['object', 'null'],
            additionalProperties: false,
            properties: { fr: { type: 'string' }, en: { type: 'string' } },
          },
        },
      },
    },
    overlaps: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          technician: { type: 'string' },
          first: { type: 'string' },
          second: { type: 'string' },
          day: { type: 'string' },
        },
      },
    },
  },
} as const;

/** When the car is promised back: `promisedFor` (as `bookedFor`), or the day and time (18:00 when only the day); empty clears it. */
const promiseBody = {
  type: 'object',
  properties: {
    promisedFor: { type: 'string', maxLength: 40 },
    promisedDay: { type: 'string', pattern: OPTIONAL_DAY_PATTERN },
    promisedTime: { type: 'string', maxLength: 12 },
    ...csrfProp,
  },
} as const;

const appointmentBody = { type: 'object', properties: { ...appointmentProps, ...csrfProp } } as const;

async function planning(scope: FastifyInstance): Promise<void> {
  const app = typed(scope);
  const { store, clock } = app.deps;
  await planningMove(scope);

  twin(app, 'GET', {
    access: STAFF,
    tags: ['planning'],
    schema: { querystring: weekQuery },
    handler: async (req) => {
      const now = clock.now();
      const text = req.query.week ?? '';
      const { day, error } = queryDay(req, text, 'week');
      const site = req.user!.site_id;
      const week = await planningWeek(store, site, day || parisDay(now), now);
      const technicians = MANAGERS.includes(req.user!.role) ? await listMechanics(store, site) : [];
      return { week, error, text, technicians: technicians.map((m) => ({ id: m.id, name: m.name })) };
    },
    page: {
      url: '/planning',
      render: async (r, req, reply) =>
        sendPage(
          reply,
          renderPage(
            req,
            { fr: 'Planning des rendez-vous', en: 'Appointment schedule' },
            planningPage(req, r.week, r.error, r.text, r.technicians),
            { scripts: ['/static/planning.css', '/static/planning-move.js'] },
          ),
          r.error ? 422 : 200,
        ),
    },
    api: { url: '/api/planning', response: planningSchema, json: (r) => r.week },
  });

  twin(app, 'POST', {
    access: FRONT_DESK,
    tags: ['planning'],
    schema: { params: idParams, body: promiseBody },
    handler: async (req) => {
      const b = req.body;
      let at: number | null = null;
      if (b.promisedFor?.trim()) at = dateTimeValue(b.promisedFor, 'promisedFor')!;
      else if (b.promisedDay?.trim())
        at = parisTime(
          dayValue(b.promisedDay, 'promisedDay'),
          b.promisedTime?.trim() ? timeValue(b.promisedTime, 'promisedTime') : 18 * 60,
        );
      await promiseDelivery(store, req.user!.site_id, req.params.id, at, req.user!, clock.now());
      return req.params.id;
    },
    page: { url: '/orders/:id/promise', redirect: (id) => `/orders/${id}` },
    api: {
      url: '/api/orders/:id/promise',
      response: orderDetailSchema,
      json: (id, req) => getOrder(store, req.user!.site_id, id),
    },
  });

  twin(app, 'POST', {
    access: FRONT_DESK,
    tags: ['planning'],
    schema: { params: idParams, body: appointmentBody },
    handler: async (req) => {
      const now = clock.now();
      const r = appointmentRequest(req.body, now);
      await rescheduleOrder(
        store,
        req.user!.site_id,
        req.params.id,
        r.at,
        req.user!,
        now,
        r.minutes,
        r.fields,
      );
      return req.params.id;
    },
    page: { url: '/orders/:id/appointment', redirect: (id) => `/orders/${id}` },
    api: {
      url: '/api/orders/:id/appointment',
      response: orderDetailSchema,
      json: (id, req) => getOrder(store, req.user!.site_id, id),
    },
  });
}

/** Where a card was dropped: a time (`bookedFor`, ISO or French; Paris time), a technician, or both. */
const moveBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    bookedFor: { type: 'string', maxLength: 40 },
    userId: { type: 'integer', minimum: 1 },
  },
} as const;

/**
 * The planning's drag and drop: `POST /api/orders/:id/move`. JSON only — the page's script calls
 * it; without the script the order page's forms do the same. Refusals are the forms' (400/409 with
 * `error` and `field`), in the page's language (`?lang=`).
 */
async function planningMove(scope: FastifyInstance): Promise<void> {
  const app = typed(scope);
  const { store, clock } = app.deps;
  app.route({
    method: 'POST',
    url: '/api/orders/:id/move',
    config: { access: FRONT_DESK },
    schema: {
      tags: ['planning'],
      params: idParams,
      body: moveBody,
      response: { 200: orderDetailSchema, ...apiErrors },
    },
    handler: async (req) => {
      const b = req.body;
      if (b.userId !== undefined && !MANAGERS.includes(req.user!.role))
        throw new ForbiddenError(
          {
            fr: 'seuls le chef d’atelier et l’administrateur affectent un technicien',
            en: 'only the workshop manager and the administrator assign a technician',
          },
          'userId',
        );
      const site = req.user!.site_id;
      const at = dateTimeValue(b.bookedFor, 'bookedFor');
      await moveAppointment(store, site, req.params.id, { at, technician: b.userId }, req.user!, clock.now());
      return getOrder(store, site, req.params.id);
    },
  });
}

/** The planning: the week's appointments by day and hour, and moving an order's appointment. */
export const planningPlugin = fp(planning, {
  name: 'atelier-planning',
  encapsulate: true,
  dependencies: ['atelier-core'],
  decorators: { fastify: ['deps'] },
});
