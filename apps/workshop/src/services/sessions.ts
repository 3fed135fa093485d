import { randomBytes } from 'node:crypto';
import type { Db } from '../store/store.js';
import type { User } from './users.js';

/** Server-side sessions: the cookie holds only a random id; the CSRF synchronizer token lives here. */
export interface Session {
  id: string;
  user_id: number | null;
  csrf: string;
  expires_at: number;
}

export const SESSION_TTL_MS = 12 * 3600_000;

const token = () => randomBytes(24).toString('base64url');

export async function createSession(db: Db, userId: number | null, now: number): Promise<Session> {
  const s: Session = { id: token(), user_id: userId, csrf: token(), expires_at: now + SESSION_TTL_MS };
  await db.run('INSERT INTO sessions (id, user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)', [
    s.id,
    userId,
    s.csrf,
    now,
    s.expires_at,
  ]);
  return s;
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
      active: number | null;
      created_at: number;
    }
  >(
    `SELECT s.id, s.user_id, s.csrf, s.expires_at, u.login, u.name, u.role, u.active, u.created_at
     FROM sessions s LEFT JOIN users u ON u.id = s.user_id WHERE s.id = ?`,
    [id],
  );
  if (!row || row.expires_at < now) return null;
  const session: Session = { id: row.id, user_id: row.user_id, csrf: row.csrf, expires_at: row.expires_at };
  const user =
    row.user_id !== null && row.active === 1
      ? {
          id: row.user_id,
          login: row.login!,
          name: row.name!,
          role: row.role!,
          active: 1,
          created_at: row.created_at,
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
