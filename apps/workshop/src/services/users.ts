import type { Db, Store } from '../store/store.js';
import { ROLES, type Role } from './domain.js';
import { NotFoundError, ValidationError } from './errors.js';
import { hashPassword, verifyPassword } from './password.js';
import { checkPasswordPolicy } from './password-policy.js';

export interface User {
  id: number;
  login: string;
  name: string;
  role: Role;
  active: number;
  created_at: number;
}

const COLUMNS = 'id, login, name, role, active, created_at';

export async function createUser(
  db: Db,
  input: { login: string; name: string; role: string; password: string },
  now: number,
): Promise<User> {
  const login = input.login.trim().toLowerCase();
  if (!/^[a-z0-9._-]{2,40}$/.test(login))
    throw new ValidationError(
      {
        fr: 'identifiant : 2 à 40 caractères a-z, 0-9, . _ -',
        en: 'login: 2 to 40 characters a-z, 0-9, . _ -',
      },
      'login',
    );
  if (!(ROLES as readonly string[]).includes(input.role))
    throw new ValidationError(
      { fr: `rôle inconnu « ${input.role} »`, en: `unknown role '${input.role}'` },
      'role',
    );
  if (!input.name.trim()) throw new ValidationError({ fr: 'nom obligatoire', en: 'name required' }, 'name');
  checkPasswordPolicy(input.password, { login, name: input.name }, 'password');
  if (await db.get('SELECT id FROM users WHERE login = ?', [login]))
    throw new ValidationError(
      { fr: `l'identifiant « ${login} » existe déjà`, en: `login '${login}' already exists` },
      'login',
    );
  const hash = await hashPassword(input.password);
  const row = await db.get<User>(
    `INSERT INTO users (login, name, role, password_hash, active, created_at) VALUES (?, ?, ?, ?, 1, ?) RETURNING ${COLUMNS}`,
    [login, input.name.trim(), input.role, hash, now],
  );
  return row!;
}

/** The user for these credentials, or null; the same work is done for an unknown login to not leak which exist. */
export async function authenticate(db: Db, login: string, password: string): Promise<User | null> {
  const row = await db.get<User & { password_hash: string }>(
    `SELECT ${COLUMNS}, password_hash FROM users WHERE login = ? AND active = 1`,
    [login.trim().toLowerCase()],
  );
  const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
  if (!row || !ok) return null;
  const { password_hash: _, ...user } = row;
  return user;
}

const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

export async function getUser(db: Db, id: number): Promise<User> {
  const row = await db.get<User>(`SELECT ${COLUMNS} FROM users WHERE id = ?`, [id]);
  if (!row) throw new NotFoundError({ fr: 'Utilisateur', en: 'User' }, id);
  return row;
}

export function listUsers(db: Db): Promise<User[]> {
  return db.all<User>(`SELECT ${COLUMNS} FROM users ORDER BY name`);
}

/** People who clock and take repair orders. */
export function listMechanics(db: Db): Promise<User[]> {
  return db.all<User>(
    `SELECT ${COLUMNS} FROM users WHERE active = 1 AND role IN ('apprentice','technician') ORDER BY name`,
  );
}

/** Changes a password after checking the current one; the user's other sessions end (a stolen one too). */
export async function changePassword(
  store: Store,
  userId: number,
  input: { current: string; next: string },
  keepSessionId: string | null,
): Promise<void> {
  const row = await store.get<{ password_hash: string; login: string; name: string }>(
    'SELECT password_hash, login, name FROM users WHERE id = ?',
    [userId],
  );
  if (!row) throw new NotFoundError({ fr: 'Utilisateur', en: 'User' }, userId);
  if (!(await verifyPassword(input.current, row.password_hash)))
    throw new ValidationError(
      { fr: 'mot de passe actuel incorrect', en: 'wrong current password' },
      'current',
    );
  checkPasswordPolicy(input.next, { login: row.login, name: row.name }, 'next');
  const hash = await hashPassword(input.next);
  await store.transaction(async (tx) => {
    await tx.run('UPDATE users SET password_hash = ? WHERE id = ?', [hash, userId]);
    await tx.run('DELETE FROM sessions WHERE user_id = ? AND id <> ?', [userId, keepSessionId ?? '']);
  });
}
