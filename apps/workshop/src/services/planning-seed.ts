/** The demo's site keeps the French garage hours: its appointments are placed in them. */
const HOURS = new OpeningCalendar(FRENCH_GARAGE_HOURS, new Map());

/**
 * The appointments of the demo's past orders: on open weekdays (no Saturday, Sunday or public
 * holiday), at or before the moment the car came in, and never two for one technician on one day —
 * so the planning of past weeks shows no overlap (each job fits in the day it starts: the longest
 * quote of the demo is 6 h 12, the day from 09:00 holds 7 h 30).
 */
export class PastAppointments {
  private readonly taken = new Set<string>();

  private free(tech: string, day: string, at: number, cameIn: number): boolean {
    return at <= cameIn && weekday(day) <= 5 && !HOURS.closure(day) && !this.taken.has(`${tech} ${day}`);
  }

  /** `minutes` after midnight on the latest such day at or before `cameIn`. */
  morning(tech: string, cameIn: number, minutes: number): number {
    let day = parisDay(cameIn);
    for (let n = 0; n < 60; n++, day = addDays(day, -1)) {
      const at = parisTime(day, minutes);
      if (!this.free(tech, day, at, cameIn)) continue;
      this.taken.add(`${tech} ${day}`);
      return at;
    }
    throw new Error(`seed: no free day for ${tech} before ${new Date(cameIn).toISOString()}`);
  }

  /** 14:00 on the day the car came in if the technician has that day free; null otherwise (it came without one). */
  afternoon(tech: string, cameIn: number): number | null {
    const day = parisDay(cameIn);
    const at = parisTime(day, 14 * 60);
    if (!this.free(tech, day, at, cameIn)) return null;
    this.taken.add(`${tech} ${day}`);
    return at;
  }
}

/**
 * The demo's coming appointments: booked orders from now over the next working days (this week's
 * and the next), most assigned, one electric car and one hybrid among them, and one technician
 * booked twice at the same hour so the planning shows an overlap. Dates come from `now`.
 */
import type { Store } from '../store/store.js';
import { addAbsence } from './absences.js';
import { addDays, parisDay, parisTime, weekday } from './calendar.js';
import { FRENCH_GARAGE_HOURS, OpeningCalendar } from './opening-hours.js';
import { assignOrder, createOrder, promiseDelivery } from './orders.js';
import type { User } from './users.js';

const HOUR = 3_600_000;

interface Template {
  v: number;
  tech: string | null;
  complaint: string;
  kind: 'diagnostic' | 'service';
}

/** Vehicle indexes of the demo: 0 Clio, 1 308 SW, 2 hybrid, 3 Zoe, 4 Model 3, 5 Sandero. */
const TEMPLATES: Template[] = [
  { v: 1, tech: 'ines', complaint: 'Bruit de frottement au freinage, à l’avant', kind: 'diagnostic' },
  { v: 0, tech: 'karim', complaint: 'Révision des 60 000 km', kind: 'service' },
  { v: 5, tech: null, complaint: 'Pneus hiver à monter (fournis par le client)', kind: 'service' },
  { v: 4, tech: 'leo', complaint: 'Contrôle du circuit de refroidissement de la batterie', kind: 'service' },
  { v: 0, tech: 'emma', complaint: 'La climatisation ne refroidit plus', kind: 'diagnostic' },
  { v: 1, tech: 'karim', complaint: 'Remplacement de la courroie de distribution', kind: 'service' },
];
const TIMES = [8 * 60 + 30, 11 * 60, 14 * 60, 16 * 60];

export async function seedAppointments(
  store: Store,
  users: Record<string, User>,
  vehicleIds: number[],
  now: number,
): Promise<number[]> {
  const manager = users.chef!;
  const ids: number[] = [];
  let k = 0;
  const book = async (t: Template, at: number) => {
    const bookedAt = now - 2 * 24 * HOUR + k++ * 10 * 60_000;
    const ro = await createOrder(
      store,
      manager.site_id,
      { vehicleId: vehicleIds[t.v]!, complaint: t.complaint, kind: t.kind, bookedFor: at },
      manager,
      bookedAt,
    );
    if (t.tech) await assignOrder(store, manager.site_id, ro.id, users[t.tech]!.id, manager, bookedAt);
    ids.push(ro.id);
  };
  const soon = now + HOUR / 2;
  const today = parisDay(now);
  const days = Array.from({ length: 10 }, (_, i) => addDays(today, i)).filter((d) => !HOURS.closure(d));
  // Lucas booked for an EV at 09:00 and a hybrid at 09:30: the planning marks the overlap.
  const overlapDay = days.find((d) => parisTime(d, 9 * 60) > soon)!;
  await book(
    { v: 3, tech: 'lucas', complaint: 'Voyant batterie allumé, autonomie réduite', kind: 'diagnostic' },
    parisTime(overlapDay, 9 * 60),
  );
  await book(
    {
      v: 2,
      tech: 'lucas',
      complaint: 'Le moteur thermique ne démarre plus en mode hybride',
      kind: 'diagnostic',
    },
    parisTime(overlapDay, 9 * 60 + 30),
  );
  let n = 0;
  for (const day of days.slice(0, 7))
    for (const [i, minutes] of TIMES.entries()) {
      const at = parisTime(day, minutes);
      // two or three a day, in the opening hours, never the hour of the overlap already booked
      if (
        at <= soon ||
        !HOURS.periods(day).some(([a, b]) => minutes >= a && minutes + 60 <= b) ||
        (day === overlapDay && minutes < 10 * 60) ||
        (i + weekday(day)) % 4 === 0
      )
        continue;
      await book(TEMPLATES[n++ % TEMPLATES.length]!, at);
    }
  // Absences after those days: Inès on leave, Karim in training (the planning refuses them then).
  await addAbsence(
    store,
    manager.site_id,
    { userId: users.ines!.id, kind: 'leave', fromDay: addDays(today, 12), toDay: addDays(today, 16) },
    manager,
    now - 3 * 24 * HOUR,
  );
  await addAbsence(
    store,
    manager.site_id,
    {
      userId: users.karim!.id,
      kind: 'training',
      fromDay: addDays(today, 11),
      toDay: addDays(today, 11),
      note: 'Habilitation B2VL (recyclage)',
    },
    manager,
    now - 3 * 24 * HOUR,
  );
  return ids;
}

/**
 * Promised deliveries of the cars in the workshop, at 18:00 on open days around today: the first
 * two on the open days before today (passed: the board flags them), the others today and after.
 */
export async function seedPromises(store: Store, manager: User, ids: number[], now: number): Promise<void> {
  const today = parisDay(now);
  const open = (from: string, step: number) => {
    const out: string[] = [];
    for (let d = addDays(from, step); out.length < 4; d = addDays(d, step))
      if (weekday(d) <= 5 && !HOURS.closure(d)) out.push(d);
    return out;
  };
  const before = open(today, -1);
  const after = [today, ...open(today, 1)];
  const days = [before[1]!, before[0]!, ...after];
  for (const [i, id] of ids.entries()) {
    const at = parisTime(days[i]!, 18 * 60);
    // promised some hours before the day (once the quote was agreed), never after the time itself
    await promiseDelivery(store, manager.site_id, id, at, manager, Math.min(now, at) - 2 * HOUR);
  }
}
