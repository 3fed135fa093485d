/**
 * Whether an appointment may be taken: on an open day, inside the site's hours, and not on a day
 * its technician is away. Its duration is the one typed on the order, else the quote's labour
 * hours (lines not declined), else the one-hour slot of a reception and a first look.
 */
import type { Db } from '../store/store.js';
import { type Absence, absenceOver, absenceRefusal, absencesBetween } from './absences.js';
import { parisDay } from './calendar.js';
import type { State } from './domain.js';
import { type OpeningCalendar, openingCalendar, type SlotFields } from './opening-hours.js';

/** Before reception the appointment may move; after it, it is the order's history. */
export const MOVABLE_STATES: readonly State[] = ['booked', 'comeback'];

/** How long an appointment holds its technician before anything says how long the work takes. */
export const DEFAULT_SLOT_MINUTES = 60;

/** The minutes an order's appointment lasts, and where that figure comes from. */
export async function orderMinutes(
  db: Db,
  ro: { id: number; booked_minutes: number | null },
): Promise<{ minutes: number; source: 'set' | 'quote' | 'default' }> {
  if (ro.booked_minutes) return { minutes: ro.booked_minutes, source: 'set' };
  const q = await db.get<{ hours: number | null }>(
    `SELECT SUM(sold_hours) AS hours FROM ro_lines WHERE ro_id = ? AND kind = 'labour' AND status <> 'declined'`,
    [ro.id],
  );
  return q?.hours && q.hours > 0
    ? { minutes: Math.round(q.hours * 60), source: 'quote' }
    : { minutes: DEFAULT_SLOT_MINUTES, source: 'default' };
}

/**
 * Lays the appointment over the site's hours and returns where it ends; refuses (a field error)
 * a closed day, a time outside the hours, or a technician away on a day it occupies.
 */
export async function checkSlot(
  db: Db,
  site: number,
  start: number,
  minutes: number,
  technician: number | null,
  fields: SlotFields & { technician?: string },
): Promise<number> {
  const cal = await openingCalendar(db, site);
  const segments = cal.span(start, minutes, fields);
  const end = segments[segments.length - 1]![1];
  if (technician !== null) {
    const away = await technicianAway(db, site, technician, segments, cal);
    if (away) throw absenceRefusal(away, fields.technician ?? fields.day);
  }
  return end;
}

/** The absence of `technician` that falls in one of the stretches an appointment occupies, or undefined. */
export async function technicianAway(
  db: Db,
  site: number,
  technician: number,
  segments: readonly (readonly [number, number])[],
  cal: OpeningCalendar,
): Promise<Absence | undefined> {
  const first = parisDay(segments[0]![0]);
  const last = parisDay(segments[segments.length - 1]![1] - 1);
  return absenceOver(await absencesBetween(db, site, first, last, technician), segments, cal);
}

/** An absence that falls in an appointment, as the planning, the board and the API show it. */
export type AbsenceClash = Pick<
  Absence,
  'id' | 'user_id' | 'user_name' | 'kind' | 'from_day' | 'from_half' | 'to_day' | 'to_half'
>;

const clash = (a: Absence): AbsenceClash => ({
  id: a.id,
  user_id: a.user_id,
  user_name: a.user_name,
  kind: a.kind,
  from_day: a.from_day,
  from_half: a.from_half,
  to_day: a.to_day,
  to_half: a.to_half,
});

/** What `absenceClashes` needs of an appointment. */
export interface Booked {
  booked_for: number | null;
  minutes: number;
  assigned_to: number | null;
  state: State;
}

/**
 * For each appointment not yet received and given to a technician, the first of that technician's
 * absences falling in a stretch it occupies (entered after it was given: taking or moving it there
 * is refused), else null. One query for the whole list. It lasts until the appointment is moved or
 * reassigned, the absence removed, or the car received.
 */
export async function absenceClashes(
  db: Db,
  site: number,
  list: readonly Booked[],
  cal: OpeningCalendar,
): Promise<(AbsenceClash | null)[]> {
  const spans = list.map((b) =>
    b.booked_for !== null && b.assigned_to !== null && MOVABLE_STATES.includes(b.state)
      ? cal.segments(b.booked_for, b.minutes)
      : null,
  );
  const all = spans.filter((s) => s !== null);
  if (!all.length) return list.map(() => null);
  const first = parisDay(Math.min(...all.map((s) => s[0]![0])));
  const last = parisDay(Math.max(...all.map((s) => s[s.length - 1]![1])) - 1);
  const absences = await absencesBetween(db, site, first, last);
  if (!absences.length) return list.map(() => null);
  return list.map((b, i) => {
    const segments = spans[i];
    if (!segments) return null;
    const own = absences.filter((a) => a.user_id === b.assigned_to);
    const found = own.length ? absenceOver(own, segments, cal) : undefined;
    return found ? clash(found) : null;
  });
}
