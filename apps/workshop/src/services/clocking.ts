import type { Store } from '../store/store.js';
import { NONPROD_CODES, STATE_LABEL } from './domain.js';
import { ConflictError, NotFoundError, ValidationError } from './errors.js';
import { checkAssignee, getOrderRow } from './orders.js';

/**
 * Clocking (pointage): attendance (présence) and, within it, one activity at a time — an operation
 * on a repair order or a non-productive code. Starting an activity stops the running one.
 * Corrections never overwrite silently: each changed field is written to clock_corrections.
 */
export interface ClockEntry {
  id: number;
  site_id: number;
  user_id: number;
  kind: 'attendance' | 'operation' | 'nonprod';
  ro_id: number | null;
  line_id: number | null;
  code: string | null;
  start_at: number;
  end_at: number | null;
}

export interface ClockStatus {
  attendance: ClockEntry | null;
  activity: (ClockEntry & { ro_number: string | null }) | null;
}

const WORKABLE_STATES = ['diagnosis', 'repair', 'quality_control', 'parts'];

export async function clockStatus(store: Store, userId: number): Promise<ClockStatus> {
  const attendance =
    (await store.get<ClockEntry>(
      "SELECT * FROM clock_entries WHERE user_id = ? AND kind = 'attendance' AND end_at IS NULL",
      [userId],
    )) ?? null;
  const activity =
    (await store.get<ClockEntry & { ro_number: string | null }>(
      `SELECT e.*, r.number AS ro_number FROM clock_entries e LEFT JOIN repair_orders r ON r.id = e.ro_id
       WHERE e.user_id = ? AND e.kind <> 'attendance' AND e.end_at IS NULL`,
      [userId],
    )) ?? null;
  return { attendance, activity };
}

/** Attendance on `site`; a person present on one site cannot clock in on another at the same time. */
export async function clockIn(store: Store, site: number, userId: number, now: number): Promise<ClockEntry> {
  return store.transaction(async (tx) => {
    if (
      await tx.get(
        "SELECT id FROM clock_entries WHERE user_id = ? AND kind = 'attendance' AND end_at IS NULL",
        [userId],
      )
    )
      throw new ConflictError({ fr: 'déjà pointé présent', en: 'already clocked in' });
    const e = await tx.get<ClockEntry>(
      "INSERT INTO clock_entries (site_id, user_id, kind, start_at) VALUES (?, ?, 'attendance', ?) RETURNING *",
      [site, userId, now],
    );
    return e!;
  });
}

/** Clocking out also closes the running activity, so no operation outlives the attendance. */
export async function clockOut(store: Store, userId: number, now: number): Promise<void> {
  await store.transaction(async (tx) => {
    const r = await tx.run(
      "UPDATE clock_entries SET end_at = ? WHERE user_id = ? AND kind = 'attendance' AND end_at IS NULL",
      [now, userId],
    );
    if (r.changes === 0) throw new ConflictError({ fr: 'pas pointé présent', en: 'not clocked in' });
    await tx.run(
      "UPDATE clock_entries SET end_at = ? WHERE user_id = ? AND kind <> 'attendance' AND end_at IS NULL",
      [now, userId],
    );
  });
}

export async function startActivity(
  store: Store,
  site: number,
  user: { id: number; name: string },
  input: { roId?: number | null; lineId?: number | null; code?: string | null },
  now: number,
): Promise<ClockEntry> {
  return store.transaction(async (tx) => {
    if (
      !(await tx.get(
        "SELECT id FROM clock_entries WHERE user_id = ? AND kind = 'attendance' AND end_at IS NULL",
        [user.id],
      ))
    )
      throw new ConflictError({ fr: "pointez d'abord votre présence", en: 'clock in first' });
    let kind: 'operation' | 'nonprod';
    if (input.roId) {
      kind = 'operation';
      const ro = await getOrderRow(tx, site, input.roId);
      if (!WORKABLE_STATES.includes(ro.state))
        throw new ConflictError(
          {
            fr: `on ne pointe pas sur un ordre à l'état « ${STATE_LABEL[ro.state].fr} »`,
            en: `cannot clock on an order in state '${STATE_LABEL[ro.state].en}'`,
          },
          'roId',
        );
      // The habilitation rule applies to whoever touches the car, not only to the assignee.
      await checkAssignee(tx, ro, user.id, now);
      if (input.lineId) {
        const line = await tx.get('SELECT id FROM ro_lines WHERE id = ? AND ro_id = ?', [
          input.lineId,
          ro.id,
        ]);
        if (!line) throw new NotFoundError({ fr: 'Ligne', en: 'Line' }, input.lineId);
      }
    } else if (input.code) {
      kind = 'nonprod';
      if (!(NONPROD_CODES as readonly string[]).includes(input.code))
        throw new ValidationError(
          {
            fr: `code improductif inconnu « ${input.code} »`,
            en: `unknown non-productive code '${input.code}'`,
          },
          'code',
        );
    } else
      throw new ValidationError(
        { fr: 'choisissez un ordre ou un code', en: 'choose an order or a code' },
        'roId',
      );
    await tx.run(
      "UPDATE clock_entries SET end_at = ? WHERE user_id = ? AND kind <> 'attendance' AND end_at IS NULL",
      [now, user.id],
    );
    const e = await tx.get<ClockEntry>(
      'INSERT INTO clock_entries (site_id, user_id, kind, ro_id, line_id, code, start_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *',
      [
        site,
        user.id,
        kind,
        input.roId || null,
        input.lineId || null,
        kind === 'nonprod' ? input.code! : null,
        now,
      ],
    );
    return e!;
  });
}

export async function stopActivity(store: Store, userId: number, now: number): Promise<void> {
  const r = await store.run(
    "UPDATE clock_entries SET end_at = ? WHERE user_id = ? AND kind <> 'attendance' AND end_at IS NULL",
    [now, userId],
  );
  if (r.changes === 0) throw new ConflictError({ fr: 'aucune activité en cours', en: 'no running activity' });
}

export function listEntries(store: Store, site: number, userId: number | null, from: number, to: number) {
  return store.all<ClockEntry & { user_name: string; ro_number: string | null; corrections: number }>(
    `SELECT e.*, u.name AS user_name, r.number AS ro_number,
            (SELECT COUNT(*) FROM clock_corrections c WHERE c.entry_id = e.id) AS corrections
     FROM clock_entries e JOIN users u ON u.id = e.user_id LEFT JOIN repair_orders r ON r.id = e.ro_id
     WHERE e.site_id = ? AND (CAST(? AS BIGINT) IS NULL OR e.user_id = ?) AND e.start_at < ? AND (e.end_at IS NULL OR e.end_at >= ?)
     ORDER BY e.start_at DESC`,
    [site, userId, userId, to, from],
  );
}

/** Who is clocked in on `site` now, since when, and on what (their running activity, if any). */
export interface PresentNow {
  user_id: number;
  user_name: string;
  since: number;
  kind: string | null;
  code: string | null;
  ro_number: string | null;
  activity_since: number | null;
}
export function whoIsIn(store: Store, site: number): Promise<PresentNow[]> {
  return store.all<PresentNow>(
    `SELECT a.user_id, u.name AS user_name, a.start_at AS since, x.kind, x.code, r.number AS ro_number,
            x.start_at AS activity_since
     FROM clock_entries a JOIN users u ON u.id = a.user_id
     LEFT JOIN clock_entries x ON x.user_id = a.user_id AND x.kind <> 'attendance' AND x.end_at IS NULL
     LEFT JOIN repair_orders r ON r.id = x.ro_id
     WHERE a.kind = 'attendance' AND a.end_at IS NULL AND a.site_id = ?
     ORDER BY u.name`,
    [site],
  );
}

export async function listCorrections(store: Store, site: number, entryId: number) {
  if (!(await store.get('SELECT id FROM clock_entries WHERE id = ? AND site_id = ?', [entryId, site])))
    throw new NotFoundError({ fr: 'Pointage', en: 'Clock entry' }, entryId);
  return store.all<{
    field: string;
    old_value: number | null;
    new_value: number | null;
    reason: string;
    by_name: string;
    at: number;
  }>(
    `SELECT c.field, c.old_value, c.new_value, c.reason, u.name AS by_name, c.at FROM clock_corrections c
     JOIN users u ON u.id = c.by_user JOIN clock_entries e ON e.id = c.entry_id
     WHERE c.entry_id = ? AND e.site_id = ? ORDER BY c.at`,
    [entryId, site],
  );
}

/** A manager's correction of an entry's times; the old and new values and the reason are kept. */
export async function correctEntry(
  store: Store,
  site: number,
  entryId: number,
  input: { startAt?: number; endAt?: number | null; reason: string },
  byUser: number,
  now: number,
): Promise<ClockEntry> {
  if (input.reason.trim().length < 3)
    throw new ValidationError(
      { fr: 'motif de correction obligatoire', en: 'a reason for the correction is required' },
      'reason',
    );
  return store.transaction(async (tx) => {
    const e = await tx.get<ClockEntry>('SELECT * FROM clock_entries WHERE id = ? AND site_id = ?', [
      entryId,
      site,
    ]);
    if (!e) throw new NotFoundError({ fr: 'Pointage', en: 'Clock entry' }, entryId);
    const start = input.startAt ?? e.start_at;
    const end = input.endAt === undefined ? e.end_at : input.endAt;
    if (end !== null && end <= start)
      throw new ValidationError(
        { fr: 'la fin doit suivre le début', en: 'the end must follow the start' },
        'endAt',
      );
    if (end !== null && end > now)
      throw new ValidationError({ fr: 'fin dans le futur', en: 'end in the future' }, 'endAt');
    for (const [field, oldV, newV] of [
      ['start_at', e.start_at, start],
      ['end_at', e.end_at, end],
    ] as const) {
      if (oldV === newV) continue;
      await tx.run(
        'INSERT INTO clock_corrections (entry_id, field, old_value, new_value, reason, by_user, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [entryId, field, oldV, newV, input.reason.trim(), byUser, now],
      );
    }
    await tx.run('UPDATE clock_entries SET start_at = ?, end_at = ? WHERE id = ?', [start, end, entryId]);
    return { ...e, start_at: start, end_at: end };
  });
}
