/**
 * Staff absences (leave, training, sickness): whole days, from one day to another inclusive, per
 * site. An appointment is not given to a technician who is away on any day it occupies.
 */
import { formatDay, type Text } from '../i18n.js';
import type { Db, Store } from '../store/store.js';
import { NotFoundError, ValidationError } from './errors.js';

export const ABSENCE_KINDS = ['leave', 'training', 'sick', 'other'] as const;
export type AbsenceKind = (typeof ABSENCE_KINDS)[number];

export const ABSENCE_LABEL: Record<AbsenceKind, Text> = {
  leave: { fr: 'congés', en: 'leave' },
  training: { fr: 'formation', en: 'training' },
  sick: { fr: 'arrêt maladie', en: 'sick leave' },
  other: { fr: 'absence', en: 'absence' },
};

export interface Absence {
  id: number;
  user_id: number;
  user_name: string;
  kind: AbsenceKind;
  from_day: string;
  to_day: string;
  note: string;
  created_by_name: string | null;
  created_at: number;
}

const SELECT = `SELECT a.id, a.user_id, u.name AS user_name, a.kind, a.from_day, a.to_day, a.note,
  c.name AS created_by_name, a.created_at
  FROM staff_absences a JOIN users u ON u.id = a.user_id LEFT JOIN users c ON c.id = a.created_by`;

/** The site's absences that end on or after `from`, in date order. */
export async function listAbsences(db: Db, site: number, from = '0000-00-00'): Promise<Absence[]> {
  return db.all<Absence>(`${SELECT} WHERE a.site_id = ? AND a.to_day >= ? ORDER BY a.from_day, u.name`, [
    site,
    from,
  ]);
}

/** An absence of `userId` crossing [fromDay, toDay], or undefined. */
export async function absenceDuring(
  db: Db,
  site: number,
  userId: number,
  fromDay: string,
  toDay: string,
): Promise<Absence | undefined> {
  return db.get<Absence>(
    `${SELECT} WHERE a.site_id = ? AND a.user_id = ? AND a.from_day <= ? AND a.to_day >= ? ORDER BY a.from_day`,
    [site, userId, toDay, fromDay],
  );
}

/** The refusal an absence makes of an appointment: who, why, from when to when. */
export function absenceRefusal(a: Absence, field: string): ValidationError {
  const k = ABSENCE_LABEL[a.kind];
  return new ValidationError(
    {
      fr: `${a.user_name} est absent·e (${k.fr}) du ${formatDay('fr', a.from_day, 'long')} au ${formatDay('fr', a.to_day, 'long')}`,
      en: `${a.user_name} is away (${k.en}) from ${formatDay('en', a.from_day, 'long')} to ${formatDay('en', a.to_day, 'long')}`,
    },
    field,
  );
}

export async function addAbsence(
  store: Store,
  site: number,
  input: { userId: number; kind: string; fromDay: string; toDay: string; note?: string },
  actor: { id: number },
  now: number,
): Promise<Absence> {
  if (!(ABSENCE_KINDS as readonly string[]).includes(input.kind))
    throw new ValidationError({ fr: 'motif d’absence inconnu', en: 'unknown kind of absence' }, 'kind');
  if (input.toDay < input.fromDay)
    throw new ValidationError(
      { fr: 'le dernier jour précède le premier', en: 'the last day comes before the first' },
      'toDay',
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
      `INSERT INTO staff_absences (site_id, user_id, kind, from_day, to_day, note, created_by, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      [
        site,
        input.userId,
        input.kind,
        input.fromDay,
        input.toDay,
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
