/**
 * Staff absences (leave, training, sickness), per site: from a day to another inclusive, each end
 * on a half-day. An absence starts in the morning or the afternoon of its first day and ends at
 * lunch or in the evening of its last one; whole days run from the first morning to the last
 * afternoon. The halves split at the site's lunch break that day (`OpeningCalendar.lunchOf`): an
 * appointment is not given to a technician during any stretch of it that falls in the absence,
 * and the other half of the day stays bookable.
 */
import { formatDay, type Lang, type Text } from '../i18n.js';
import type { Db, Store } from '../store/store.js';
import { addDays, parisTime } from './calendar.js';
import { NotFoundError, ValidationError } from './errors.js';
import type { OpeningCalendar } from './opening-hours.js';

export const ABSENCE_KINDS = ['leave', 'training', 'sick', 'other'] as const;
export type AbsenceKind = (typeof ABSENCE_KINDS)[number];

/** A half of a working day: before the lunch break, or after it. */
export const HALVES = ['morning', 'afternoon'] as const;
export type Half = (typeof HALVES)[number];

export const ABSENCE_LABEL: Record<AbsenceKind, Text> = {
  leave: { fr: 'congés', en: 'leave' },
  training: { fr: 'formation', en: 'training' },
  sick: { fr: 'arrêt maladie', en: 'sick leave' },
  other: { fr: 'absence', en: 'absence' },
};

export const HALF_LABEL: Record<Half, Text> = {
  morning: { fr: 'matin', en: 'morning' },
  afternoon: { fr: 'après-midi', en: 'afternoon' },
};

export interface Absence {
  id: number;
  user_id: number;
  user_name: string;
  kind: AbsenceKind;
  from_day: string;
  /** The half of `from_day` it starts with. */
  from_half: Half;
  to_day: string;
  /** The half of `to_day` it ends with (`afternoon`: the whole day). */
  to_half: Half;
  note: string;
  created_by_name: string | null;
  created_at: number;
}

const SELECT = `SELECT a.id, a.user_id, u.name AS user_name, a.kind, a.from_day, a.from_half, a.to_day, a.to_half,
  a.note, c.name AS created_by_name, a.created_at
  FROM staff_absences a JOIN users u ON u.id = a.user_id LEFT JOIN users c ON c.id = a.created_by`;

/** The site's absences that end on or after `from`, in date order. */
export async function listAbsences(db: Db, site: number, from = '0000-00-00'): Promise<Absence[]> {
  return db.all<Absence>(`${SELECT} WHERE a.site_id = ? AND a.to_day >= ? ORDER BY a.from_day, u.name`, [
    site,
    from,
  ]);
}

/** The site's absences touching the days [fromDay, toDay] (of `userId` when given), in date order. */
export async function absencesBetween(
  db: Db,
  site: number,
  fromDay: string,
  toDay: string,
  userId?: number,
): Promise<Absence[]> {
  return db.all<Absence>(
    `${SELECT} WHERE a.site_id = ? AND a.from_day <= ? AND a.to_day >= ?${userId === undefined ? '' : ' AND a.user_id = ?'}
     ORDER BY a.from_day, a.id`,
    userId === undefined ? [site, toDay, fromDay] : [site, toDay, fromDay, userId],
  );
}

/** The instants [from, to) an absence covers, its halves split at each end day's lunch break. */
export function absenceSpan(
  a: Pick<Absence, 'from_day' | 'from_half' | 'to_day' | 'to_half'>,
  cal: OpeningCalendar,
): [number, number] {
  const from =
    a.from_half === 'morning' ? parisTime(a.from_day) : parisTime(a.from_day, cal.lunchOf(a.from_day));
  const to =
    a.to_half === 'afternoon' ? parisTime(addDays(a.to_day, 1)) : parisTime(a.to_day, cal.lunchOf(a.to_day));
  return [from, to];
}

/** The first of `absences` crossing any of the stretches [start, end), or undefined. */
export function absenceOver(
  absences: readonly Absence[],
  segments: readonly (readonly [number, number])[],
  cal: OpeningCalendar,
): Absence | undefined {
  return absences.find((a) => {
    const [from, to] = absenceSpan(a, cal);
    return segments.some(([s, e]) => s < to && e > from);
  });
}

/** An absence's days in words: « le 24 mars 2026 après-midi », « du 23 mars 2026 après-midi au 25 mars 2026 ». */
export function absenceWhen(
  lang: Lang,
  a: Pick<Absence, 'from_day' | 'from_half' | 'to_day' | 'to_half'>,
): string {
  const half = (h: Half) => ` ${HALF_LABEL[h][lang]}`;
  const first = formatDay(lang, a.from_day, 'long') + (a.from_half === 'afternoon' ? half('afternoon') : '');
  const last = formatDay(lang, a.to_day, 'long') + (a.to_half === 'morning' ? half('morning') : '');
  if (a.from_day !== a.to_day) return lang === 'fr' ? `du ${first} au ${last}` : `from ${first} to ${last}`;
  const day = formatDay(lang, a.from_day, 'long');
  const part = a.from_half === a.to_half ? half(a.from_half) : '';
  return lang === 'fr' ? `le ${day}${part}` : `on ${day}${part ? ` (${part.trim()})` : ''}`;
}

/** The refusal an absence makes of an appointment: who, why, from when to when. */
export function absenceRefusal(a: Absence, field: string): ValidationError {
  const k = ABSENCE_LABEL[a.kind];
  return new ValidationError(
    {
      fr: `${a.user_name} est absent·e (${k.fr}) ${absenceWhen('fr', a)}`,
      en: `${a.user_name} is away (${k.en}) ${absenceWhen('en', a)}`,
    },
    field,
  );
}

export interface AbsenceInput {
  userId: number;
  kind: string;
  fromDay: string;
  toDay: string;
  /** Default: the morning (from the start of the first day). */
  fromHalf?: string;
  /** Default: the afternoon (to the end of the last day). */
  toHalf?: string;
  note?: string;
}

function halfValue(text: string | undefined, whole: Half, field: string): Half {
  if (text === undefined || text === '') return whole;
  if ((HALVES as readonly string[]).includes(text)) return text as Half;
  throw new ValidationError({ fr: 'demi-journée inconnue', en: 'unknown half-day' }, field);
}

export async function addAbsence(
  store: Store,
  site: number,
  input: AbsenceInput,
  actor: { id: number },
  now: number,
): Promise<Absence> {
  if (!(ABSENCE_KINDS as readonly string[]).includes(input.kind))
    throw new ValidationError({ fr: 'motif d’absence inconnu', en: 'unknown kind of absence' }, 'kind');
  const fromHalf = halfValue(input.fromHalf, 'morning', 'fromHalf');
  const toHalf = halfValue(input.toHalf, 'afternoon', 'toHalf');
  if (input.toDay < input.fromDay)
    throw new ValidationError(
      { fr: 'le dernier jour précède le premier', en: 'the last day comes before the first' },
      'toDay',
    );
  if (input.toDay === input.fromDay && fromHalf === 'afternoon' && toHalf === 'morning')
    throw new ValidationError(
      {
        fr: 'sur un seul jour, une absence qui commence l’après-midi ne finit pas le matin',
        en: 'on a single day, an absence that starts in the afternoon cannot end in the morning',
      },
      'toHalf',
    );
  return store.transaction(async (tx) => {
    const member = await tx.get('SELECT 1 AS x FROM site_members WHERE user_id = ? AND site_id = ?', [
      input.userId,
      site,
    ]);
    if (!member)
      throw new ValidationError(
        { fr: 'personne inconnue sur ce site', en: 'no such person on this site' },
        'userId',
      );
    const row = await tx.get<{ id: number }>(
      `INSERT INTO staff_absences (site_id, user_id, kind, from_day, from_half, to_day, to_half, note, created_by, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      [
        site,
        input.userId,
        input.kind,
        input.fromDay,
        fromHalf,
        input.toDay,
        toHalf,
        (input.note ?? '').trim().slice(0, 200),
        actor.id,
        now,
      ],
    );
    return (await tx.get<Absence>(`${SELECT} WHERE a.id = ?`, [row!.id]))!;
  });
}

export async function removeAbsence(store: Store, site: number, id: number): Promise<void> {
  const r = await store.run('DELETE FROM staff_absences WHERE id = ? AND site_id = ?', [id, site]);
  if (!r.changes) throw new NotFoundError({ fr: 'Absence', en: 'Absence' }, id);
}
