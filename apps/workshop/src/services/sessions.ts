import { randomBytes } from 'node:crypto';
import type { Db } from '../store/store.js';
import { NotFoundError } from './errors.js';
import { sitesOf, type User } from './users.js';

/** Server-side sessions: the cookie holds only a random id; the CSRF synchronizer token lives here. */
export interface Session {
  id: string;
  user_id: number | null;
  csrf: string;
  expires_at: number;
  /** The site this session works on (the user's first site at login; switched with /site). */
  site_id: number;
  site_name?: string;
}

export const SESSION_TTL_MS = 12 * 3600_000;

const token = () => randomBytes(24).toString('base64url');

/**
 * A new session; a logged-in one works on `site`, or on the user's first site when not given (a
 * person with no site and no group role cannot log in: null).
 */
export async function createSession(
  db: Db,
  userId: number | null,
  now: number,
  site?: number,
): Promise<Session> {
  let siteId = site;
  if (siteId === undefined) {
    const first = userId === null ? undefined : (await sitesOf(db, userId))[0];
    siteId = first?.id ?? (await db.get<{ id: number }>('SELECT MIN(id) AS id FROM sites'))!.id;
  }
  const s: Session = {
    id: token(),
    user_id: userId,
    csrf: token(),
    expires_at: now + SESSION_TTL_MS,
    site_id: siteId,
  };
  await db.run(
    'INSERT INTO sessions (id, user_id, csrf, created_at, expires_at, site_id) VALUES (?, ?, ?, ?, ?, ?)',
    [s.id, userId, s.csrf, now, s.expires_at, s.site_id],
  );
  return s;
}

/** Moves a session to another site of the user's (refused when they have no role there). */
export async function switchSite(db: Db, sessionId: string, userId: number, site: number): Promise<void> {
  if (!(await sitesOf(db, userId)).some((s) => s.id === site))
    throw new NotFoundError({ fr: 'Site', en: 'Site' }, site);
  await db.run('UPDATE sessions SET site_id = ? WHERE id = ? AND user_id = ?', [site, sessionId, userId]);
}

export async function loadSession(
  db: Db,
  id: string,
  now: number,
): Promise<{ session: Session; user: User | null } | null> {
  const row = await db.get<
    Session & {
      login: string | null;
      name: string | null;
      role: User['role'] | null;
      group_role: User['group_role'];
      active: number | null;
      created_at: number;
    }
  >(
    `SELECT s.id, s.user_id, s.csrf, s.expires_at, s.site_id, st.name AS site_name, u.login, u.name, u.active, u.created_at, u.group_role,
       CASE WHEN u.group_role = 'admin' THEN 'admin' WHEN u.group_role = 'director' THEN 'director' ELSE m.role END AS role
     FROM sessions s JOIN sites st ON st.id = s.site_id LEFT JOIN users u ON u.id = s.user_id
     LEFT JOIN site_members m ON m.user_id = s.user_id AND m.site_id = s.site_id WHERE s.id = ?`,
    [id],
  );
  if (!row || row.expires_at < now) return null;
  const session: Session = {
    id: row.id,
    user_id: row.user_id,
    csrf: row.csrf,
    expires_at: row.expires_at,
    site_id: row.site_id,
    site_name: row.site_name,
  };
  // A person whose role on the session's site was taken away is logged out of it.
  const user =
    row.user_id !== null && row.active === 1 && row.role
      ? {
          id: row.user_id,
          login: row.login!,
          name: row.name!,
          role: row.role,
          active: 1,
          created_at: row.created_at,
          site_id: row.site_id,
          group_role: row.group_role,
        }
      : null;
  return { session, user };
}

export async function destroySession(db: Db, id: string): Promise<void> {
  await db.run('DELETE FROM sessions WHERE id = ?', [id]);
}

export async function purgeExpiredSessions(db: Db, now: number): Promise<number> {
  return (await db.run('DELETE FROM sessions WHERE expires_at < ?', [now])).changes;
}
