/**
 * The workshop's planning: repair orders by their appointment (`repair_orders.booked_for`), a week
 * at a time, and where a technician's appointments overlap. An appointment lasts the duration typed
 * on it, else the labour hours of its quote (lines not declined), else one hour (the usual slot for
 * a reception and a first look); it is laid over the site's opening hours, so one that overruns
 * the lunch break or the evening ends after the next opening.
 */

import type { Text } from '../i18n.js';
import type { Db, Store } from '../store/store.js';
import { type Absence, absenceOver, absenceSpan } from './absences.js';
import {
  type AbsenceClash,
  absenceClashes,
  checkSlot,
  DEFAULT_SLOT_MINUTES,
  MOVABLE_STATES,
  orderMinutes,
} from './appointment-slot.js';
import { addDays, DAY_MS, mondayOf, parisDay, parisTime, parisWall } from './calendar.js';
import type { Energy, State } from './domain.js';
import { ConflictError, ValidationError } from './errors.js';
import { openingCalendar } from './opening-hours.js';
import { checkAssignee, getOrderRow, insertEvent, type RepairOrder } from './orders.js';
import type { OrderKind } from './process.js';
import type { User } from './users.js';

export { DEFAULT_SLOT_MINUTES, MOVABLE_STATES };

/** An appointment is taken at most this far ahead (a year typed 2062 for 2026 is refused). */
const LATEST_AHEAD_MS = 2 * 366 * DAY_MS;

export interface Appointment {
  id: number;
  number: string;
  state: State;
  kind: OrderKind;
  booked_for: number;
  /** Its duration in working minutes, and where it comes from: typed, the quote's labour, the default hour. */
  duration_minutes: number;
  duration_source: 'set' | 'quote' | 'default';
  /** End once the duration is laid over the opening hours (after lunch, the next morning). */
  ends_at: number;
  complaint: string;
  hv_requirement: string | null;
  plate: string;
  maker: string;
  model: string;
  energy: Energy;
  customer_name: string | null;
  assigned_to: number | null;
  assignee_name: string | null;
  /** Numbers of the same technician's appointments that overlap this one. */
  overlaps: string[];
  /** The technician's absence that falls in it (entered after it was given), until it is moved or reassigned. */
  absence: AbsenceClash | null;
}

export interface PlanningDay {
  day: string;
  appointments: Appointment[];
  /** Why the site is closed that day (a public holiday, a closed day the site entered, no hours), or null. */
  closed: Text | null;
}

export interface PlanningWeek {
  /** The Monday, `YYYY-MM-DD`. */
  week: string;
  /** Today in Paris, to mark it. */
  today: string;
  days: PlanningDay[];
  /** Pairs of one technician's appointments that overlap. */
  overlaps: { technician: string; first: string; second: string; day: string }[];
}

type Row = Omit<Appointment, 'ends_at' | 'overlaps' | 'absence' | 'duration_minutes' | 'duration_source'> & {
  labour_hours: number | null;
  booked_minutes: number | null;
};

/** Orders of `site` with an appointment in [from, to), with what the planning shows of each. */
export async function appointmentsBetween(
  db: Db,
  site: number,
  from: number,
  to: number,
  /** Only the appointments of cars not yet received (they can still move). */
  movableOnly = false,
): Promise<Appointment[]> {
  const rows = await db.all<Row>(
    `SELECT r.id, r.number, r.state, r.kind, r.booked_for, r.booked_minutes, r.complaint, r.hv_requirement, v.plate, v.maker, v.model,
            v.energy, c.name AS customer_name, r.assigned_to, u.name AS assignee_name,
            (SELECT SUM(l.sold_hours) FROM ro_lines l WHERE l.ro_id = r.id AND l.kind = 'labour' AND l.status <> 'declined') AS labour_hours
     FROM repair_orders r JOIN vehicles v ON v.id = r.vehicle_id LEFT JOIN customers c ON c.id = r.customer_id
     LEFT JOIN users u ON u.id = r.assigned_to
     WHERE r.site_id = ? AND r.booked_for >= ? AND r.booked_for < ?${movableOnly ? ` AND r.state IN (${MOVABLE_STATES.map((m) => `'${m}'`).join(', ')})` : ''}
     ORDER BY r.booked_for, r.number`,
    [site, from, to],
  );
  const cal = await openingCalendar(db, site);
  const list: Appointment[] = rows.map(({ labour_hours, booked_minutes, ...r }) => {
    const [duration_minutes, duration_source]: [number, Appointment['duration_source']] = booked_minutes
      ? [booked_minutes, 'set']
      : labour_hours && labour_hours > 0
        ? [Math.round(labour_hours * 60), 'quote']
        : [DEFAULT_SLOT_MINUTES, 'default'];
    return {
      ...r,
      duration_minutes,
      duration_source,
      ends_at: cal.endOf(r.booked_for, duration_minutes),
      overlaps: [],
      absence: null,
    };
  });
  markOverlaps(list);
  const clashes = await absenceClashes(
    db,
    site,
    list.map((a) => ({ ...a, minutes: a.duration_minutes })),
    cal,
  );
  list.forEach((a, i) => {
    a.absence = clashes[i]!;
  });
  return list;
}

/** What an absence's notice says of each appointment it falls in. */
export type AbsentAppointment = Pick<
  Appointment,
  | 'id'
  | 'number'
  | 'booked_for'
  | 'ends_at'
  | 'duration_minutes'
  | 'plate'
  | 'maker'
  | 'model'
  | 'customer_name'
>;

/**
 * The appointments, not yet received, of each absence's technician that the absence falls in
 * (by absence id): what must be moved or reassigned. One pass over the cars not yet received.
 */
export async function appointmentsInAbsences(
  db: Db,
  site: number,
  absences: readonly Absence[],
): Promise<Map<number, AbsentAppointment[]>> {
  const out = new Map<number, AbsentAppointment[]>(absences.map((a) => [a.id, []]));
  if (!absences.length) return out;
  const cal = await openingCalendar(db, site);
  const to = Math.max(...absences.map((a) => absenceSpan(a, cal)[1]));
  // From 0: an appointment may start long before an absence and be carried into it; only cars not
  // yet received are read, and they are few.
  const list = await appointmentsBetween(db, site, 0, to, true);
  for (const abs of absences)
    out.set(
      abs.id,
      list
        .filter(
          (a) =>
            a.assigned_to === abs.user_id &&
            absenceOver([abs], cal.segments(a.booked_for, a.duration_minutes), cal) !== undefined,
        )
        .map(({ id, number, booked_for, ends_at, duration_minutes, plate, maker, model, customer_name }) => ({
          id,
          number,
          booked_for,
          ends_at,
          duration_minutes,
          plate,
          maker,
          model,
          customer_name,
        })),
    );
  return out;
}

/** Marks, on each appointment, the same technician's appointments whose time crosses its own. */
export function markOverlaps(list: Appointment[]): void {
  const byTech = new Map<number, Appointment[]>();
  for (const a of list)
    if (a.assigned_to !== null) byTech.set(a.assigned_to, [...(byTech.get(a.assigned_to) ?? []), a]);
  for (const own of byTech.values()) {
    own.sort((a, b) => a.booked_for - b.booked_for);
    for (let i = 0; i < own.length; i++)
      for (let j = i + 1; j < own.length && own[j]!.booked_for < own[i]!.ends_at; j++) {
        own[i]!.overlaps.push(own[j]!.number);
        own[j]!.overlaps.push(own[i]!.number);
      }
  }
}

/** The week of `site` holding `day` (Monday to Sunday, Paris time), its appointments day by day. */
export async function planningWeek(db: Db, site: number, day: string, now: number): Promise<PlanningWeek> {
  const week = mondayOf(day);
  const days = Array.from({ length: 7 }, (_, i) => addDays(week, i));
  const list = await appointmentsBetween(db, site, parisTime(week), parisTime(addDays(week, 7)));
  const pairs = overlapPairs(list);
  const dayOf = list.map((a) => parisDay(a.booked_for));
  const calendar = await openingCalendar(db, site);
  return {
    week,
    today: parisDay(now),
    days: days.map((d) => ({
      day: d,
      appointments: list.filter((_, i) => dayOf[i] === d),
      closed: calendar.closure(d),
    })),
    overlaps: pairs.map((p) => ({
      technician: p.first.assignee_name ?? '',
      first: p.first.number,
      second: p.second.number,
      day: parisDay(p.second.booked_for),
    })),
  };
}

/** The overlapping pairs of an already marked list (each pair once, in time order). */
function overlapPairs(list: Appointment[]): { first: Appointment; second: Appointment }[] {
  const pairs: { first: Appointment; second: Appointment }[] = [];
  for (const a of list)
    for (const n of a.overlaps) {
      const b = list.find((x) => x.number === n)!;
      if (a.booked_for < b.booked_for || (a.booked_for === b.booked_for && a.number < b.number))
        pairs.push({ first: a, second: b });
    }
  return pairs;
}

/** Refuses an appointment before today (Paris) or absurdly far ahead. */
export function checkAppointment(bookedFor: number, now: number, field = 'bookedFor'): void {
  if (bookedFor < parisTime(parisDay(now)))
    throw new ValidationError(
      { fr: 'ce rendez-vous est dans le passé', en: 'this appointment is in the past' },
      field,
    );
  if (bookedFor > now + LATEST_AHEAD_MS)
    throw new ValidationError(
      {
        fr: 'rendez-vous à plus de deux ans : vérifiez l’année',
        en: 'appointment more than two years ahead: check the year',
      },
      field,
    );
}

/** The order whose appointment is to move: refused once the car is received (its appointment is history). */
async function movableOrder(db: Db, site: number, id: number): Promise<RepairOrder> {
  const ro = await getOrderRow(db, site, id);
  if (!MOVABLE_STATES.includes(ro.state))
    throw new ConflictError(
      {
        fr: 'le véhicule est déjà réceptionné : son rendez-vous ne se déplace plus',
        en: 'the car has already been received: its appointment no longer moves',
      },
      'bookedFor',
    );
  return ro;
}

/**
 * Moves an order's appointment (or removes it: `null`), before the car is received, and sets its
 * duration (`minutes`; null: from the quote; undefined: unchanged). The new time must fall in the
 * site's hours, on an open day, with the assigned technician present. The move is kept in the
 * order's history (who, when, the new time).
 */
export async function rescheduleOrder(
  store: Store,
  site: number,
  id: number,
  bookedFor: number | null,
  actor: Pick<User, 'id' | 'name'>,
  now: number,
  minutes?: number | null,
  fields: { day: string; time: string } = { day: 'bookedFor', time: 'bookedFor' },
): Promise<void> {
  if (bookedFor !== null) checkAppointment(bookedFor, now, fields.day);
  await store.transaction(async (tx) => {
    const ro = await movableOrder(tx, site, id);
    const own = minutes === undefined ? ro.booked_minutes : minutes;
    if (bookedFor !== null) {
      const duration = await orderMinutes(tx, { id: ro.id, booked_minutes: own });
      const end = await checkSlot(tx, site, bookedFor, duration.minutes, ro.assigned_to, fields);
      if (ro.assigned_to !== null)
        await checkTechnicianFree(tx, site, ro.id, ro.assigned_to, bookedFor, end, fields.day);
    }
    await tx.run('UPDATE repair_orders SET booked_for = ?, booked_minutes = ? WHERE id = ?', [
      bookedFor,
      bookedFor === null ? null : own,
      id,
    ]);
    await insertEvent(tx, id, ro.state, ro.state, actor, now, `appointment: ${bookedFor ?? 'none'}`);
  });
}

/** How far back an appointment may start and still run into another (carried over days). */
const OVERLAP_LOOKBACK_MS = 31 * DAY_MS;

/**
 * Refuses to put an appointment [start, end) on a technician who already has another one crossing
 * it (whatever its state: a car already in the workshop holds its technician too). The planning
 * still lists overlaps made before this refusal existed, or by an assignment from the order page.
 */
export async function checkTechnicianFree(
  db: Db,
  site: number,
  orderId: number,
  technician: number,
  start: number,
  end: number,
  field: string,
): Promise<void> {
  const around = await appointmentsBetween(db, site, start - OVERLAP_LOOKBACK_MS, end);
  const other = around.find(
    (a) => a.id !== orderId && a.assigned_to === technician && a.booked_for < end && a.ends_at > start,
  );
  if (!other) return;
  const from = clockAt(other.booked_for);
  const to = clockAt(other.ends_at);
  const who = other.assignee_name ?? '';
  const what = `${other.number} (${other.customer_name ?? other.plate})`;
  throw new ValidationError(
    {
      fr: `${who} a déjà le rendez-vous ${what} de ${from} à ${to} : les deux se chevaucheraient`,
      en: `${who} already has appointment ${what} from ${from} to ${to}: the two would overlap`,
    },
    field,
  );
}

const clockAt = (ms: number) => {
  const w = parisWall(ms);
  const [y, m, d] = w.day.split('-');
  return `${d}/${m}/${y} ${String(Math.floor(w.minutes / 60)).padStart(2, '0')}:${String(w.minutes % 60).padStart(2, '0')}`;
};

/** Where a card is dropped: another time, another technician, or both (undefined: unchanged). */
export interface AppointmentMove {
  at?: number;
  technician?: number;
}

/**
 * Moves an appointment as the planning's drag and drop asks — to another time, another technician,
 * or both — in one transaction, with the forms' refusals: a car already received, a time in the
 * past, outside the hours or on a closed day, the technician away, not a technician (or without
 * the habilitation the car needs), or another of their appointments overlapping. Its duration is
 * kept. The move and the new technician are kept in the order's history, as the forms keep them.
 */
export async function moveAppointment(
  store: Store,
  site: number,
  id: number,
  move: AppointmentMove,
  actor: Pick<User, 'id' | 'name'>,
  now: number,
): Promise<void> {
  if (move.at !== undefined) checkAppointment(move.at, now, 'bookedFor');
  await store.transaction(async (tx) => {
    const ro = await movableOrder(tx, site, id);
    const at = move.at ?? ro.booked_for;
    if (at === null)
      throw new ValidationError(
        { fr: 'cet ordre n’a pas de rendez-vous à déplacer', en: 'this order has no appointment to move' },
        'bookedFor',
      );
    const newTech = move.technician !== undefined && move.technician !== ro.assigned_to;
    const tech = move.technician ?? ro.assigned_to;
    if (newTech) await checkAssignee(tx, ro, move.technician!, now);
    // A refusal names what was dropped: the time when the card changed slot, else the technician.
    const field = move.at !== undefined && move.at !== ro.booked_for ? 'bookedFor' : 'userId';
    const { minutes } = await orderMinutes(tx, ro);
    const end = await checkSlot(tx, site, at, minutes, tech, { day: field, time: field, technician: field });
    if (tech !== null) await checkTechnicianFree(tx, site, id, tech, at, end, field);
    await tx.run('UPDATE repair_orders SET booked_for = ?, assigned_to = ? WHERE id = ?', [at, tech, id]);
    if (at !== ro.booked_for) await insertEvent(tx, id, ro.state, ro.state, actor, now, `appointment: ${at}`);
    if (newTech) {
      const name = await tx.get<{ name: string }>('SELECT name FROM users WHERE id = ?', [tech]);
      await insertEvent(tx, id, ro.state, ro.state, actor, now, `assigned: ${name?.name ?? tech}`);
    }
  });
}

/** Minutes after Paris midnight of an appointment, for its row in the week. */
export const minutesOf = (ms: number): number => parisWall(ms).minutes;
