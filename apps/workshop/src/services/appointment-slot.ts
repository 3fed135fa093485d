/**
 * Whether an appointment may be taken: on an open day, inside the site's hours, and not on a day
 * its technician is away. Its duration is the one typed on the order, else the quote's labour
 * hours (lines not declined), else the one-hour slot of a reception and a first look.
 */
import type { Db } from '../store/store.js';
import { type Absence, absenceOver, absenceRefusal, absencesBetween } from './absences.js';
import { parisDay } from './calendar.js';
import { type OpeningCalendar, openingCalendar, type SlotFields } from './opening-hours.js';

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
