/**
 * The demo's coming appointments: booked orders from now over the next working days (this week's
 * and the next), most assigned, one electric car and one hybrid among them, and one technician
 * booked twice at the same hour so the planning shows an overlap. Dates come from `now`.
 */
import type { Store } from '../store/store.js';
import { addDays, parisDay, parisTime, weekday } from './calendar.js';
import { assignOrder, createOrder } from './orders.js';
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
      { vehicleId: vehicleIds[t.v]!, complaint: t.complaint, kind: t.kind, bookedFor: at },
      manager,
      bookedAt,
    );
    if (t.tech) await assignOrder(store, ro.id, users[t.tech]!.id, manager, bookedAt);
    ids.push(ro.id);
  };
  const soon = now + HOUR / 2;
  const today = parisDay(now);
  const days = Array.from({ length: 10 }, (_, i) => addDays(today, i)).filter((d) => weekday(d) !== 7);
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
      // two or three a day, never the hour of the overlap already booked
      if (at <= soon || (day === overlapDay && minutes < 10 * 60) || (i + weekday(day)) % 4 === 0) continue;
      await book(TEMPLATES[n++ % TEMPLATES.length]!, at);
    }
  return ids;
}
