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

/** Changes a person's name and role (admin); their open sessions take the new role at once. */
export async function updateUser(
  store: Store,
  id: number,
  input: { name: string; role: string },
  byUser: number,
  now: number,
): Promise<User> {
  if (!(ROLES as readonly string[]).includes(input.role))
    throw new ValidationError(
      { fr: `rôle inconnu « ${input.role} »`, en: `unknown role '${input.role}'` },
      'role',
    );
  if (!input.name.trim()) throw new ValidationError({ fr: 'nom obligatoire', en: 'name required' }, 'name');
  return store.transaction(async (tx) => {
    const before = await getUser(tx, id);
    if (before.role === 'admin' && input.role !== 'admin') await keepOneAdmin(tx, id);
    const row = await tx.get<User>(`UPDATE users SET name = ?, role = ? WHERE id = ? RETURNING ${COLUMNS}`, [
      input.name.trim(),
      input.role,
      id,
    ]);
    await audit(tx, now, byUser, 'user.update', `user:${id} ${before.role}→${input.role}`);
    return row!;
  });
}

/**
 * Disables (or enables again) an account. A disabled person cannot log in and their sessions end;
 * their history (clocking, orders, habilitations) stays. An admin cannot disable themselves, and the
 * last active admin cannot be disabled (nobody could manage accounts any more).
 */
export async function setUserActive(
  store: Store,
  id: number,
  active: boolean,
  byUser: number,
  now: number,
): Promise<User> {
  return store.transaction(async (tx) => {
    const user = await getUser(tx, id);
    if (!active && id === byUser)
      throw new ValidationError(
        {
          fr: 'vous ne pouvez pas désactiver votre propre compte',
          en: 'you cannot disable your own account',
        },
        'active',
      );
    if (!active && user.role === 'admin') await keepOneAdmin(tx, id);
    const row = await tx.get<User>(`UPDATE users SET active = ? WHERE id = ? RETURNING ${COLUMNS}`, [
      active ? 1 : 0,
      id,
    ]);
    if (!active) await tx.run('DELETE FROM sessions WHERE user_id = ?', [id]);
    await audit(tx, now, byUser, active ? 'user.enable' : 'user.disable', `user:${id}`);
    return row!;
  });
}

/** Sets a new password chosen by the admin (a forgotten one); every session of that person ends. */
export async function resetPassword(
  store: Store,
  id: number,
  password: string,
  byUser: number,
  now: number,
): Promise<void> {
  const user = await getUser(store, id);
  checkPasswordPolicy(password, { login: user.login, name: user.name }, 'password');
  const hash = await hashPassword(password);
  await store.transaction(async (tx) => {
    await getUser(tx, id);
    await tx.run('UPDATE users SET password_hash = ? WHERE id = ?', [hash, id]);
    await tx.run('DELETE FROM sessions WHERE user_id = ?', [id]);
    await audit(tx, now, byUser, 'user.password-reset', `user:${id}`);
  });
}

async function keepOneAdmin(db: Db, leaving: number): Promise<void> {
  const others = await db.get<{ n: number }>(
    "SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND active = 1 AND id <> ?",
    [leaving],
  );
  if (!others || Number(others.n) === 0)
    throw new ValidationError(
      {
        fr: 'il doit rester au moins un administrateur actif',
        en: 'at least one active administrator must remain',
      },
      'role',
    );
}

function audit(db: Db, at: number, userId: number, action: string, subject: string): Promise<unknown> {
  return db.run('INSERT INTO audit_log (at, user_id, action, subject) VALUES (?, ?, ?, ?)', [
    at,
    userId,
    action,
    subject,
  ]);
}
