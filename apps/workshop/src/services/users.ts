import type { Db, Store } from '../store/store.js';
import { type GroupRole, type Role, SITE_ROLES, type SiteRole } from './domain.js';
import { NotFoundError, ValidationError } from './errors.js';
import { hashPassword, verifyPassword } from './password.js';
import { checkPasswordPolicy } from './password-policy.js';

/**
 * A person as seen on one site: `role` is their role there (or `director` for the group's
 * after-sales director, `admin` for a group administrator, on every site), `site_id` that site.
 * Logins are unique in the group: a technician who works on two sites has one account and a
 * role on each.
 */
export interface User {
  id: number;
  login: string;
  name: string;
  role: Role;
  active: number;
  created_at: number;
  site_id: number;
  group_role: GroupRole | null;
}

/** A person's role on one site, from their membership or their group role. */
const SITE_USER = `SELECT u.id, u.login, u.name, u.active, u.created_at, u.group_role, s.id AS site_id,
    CASE WHEN u.group_role = 'admin' THEN 'admin' WHEN u.group_role = 'director' THEN 'director' ELSE m.role END AS role
  FROM users u CROSS JOIN sites s LEFT JOIN site_members m ON m.user_id = u.id AND m.site_id = s.id
  WHERE s.id = ? AND (m.role IS NOT NULL OR u.group_role IS NOT NULL)`;

export const isSiteRole = (r: unknown): r is SiteRole =>
  typeof r === 'string' && (SITE_ROLES as readonly string[]).includes(r);

export async function createUser(
  db: Db,
  input: { login: string; name: string; role: string; password: string },
  now: number,
  site: number,
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
  if (!isSiteRole(input.role))
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
  // users.role is the role on the site the account was made on (kept for older backups);
  // what a person may do on each site is their membership's role.
  const row = await db.get<{ id: number }>(
    'INSERT INTO users (login, name, role, password_hash, active, created_at) VALUES (?, ?, ?, ?, 1, ?) RETURNING id',
    [login, input.name.trim(), input.role, hash, now],
  );
  await db.run('INSERT INTO site_members (user_id, site_id, role) VALUES (?, ?, ?)', [
    row!.id,
    site,
    input.role,
  ]);
  return getUser(db, row!.id, site);
}

/** Sets or clears a person's group role (after-sales director, group administrator). */
export async function setGroupRole(db: Db, userId: number, role: GroupRole | null): Promise<void> {
  const r = await db.run('UPDATE users SET group_role = ? WHERE id = ?', [role, userId]);
  if (r.changes !== 1) throw new NotFoundError({ fr: 'Utilisateur', en: 'User' }, userId);
}

/** The sites a person may work on (every site for a group role), first the lowest id. */
export async function sitesOf(db: Db, userId: number): Promise<{ id: number; code: string; name: string }[]> {
  return db.all(
    `SELECT s.id, s.code, s.name FROM sites s JOIN users u ON u.id = ?
     WHERE u.group_role IS NOT NULL OR EXISTS (SELECT 1 FROM site_members m WHERE m.user_id = u.id AND m.site_id = s.id)
     ORDER BY s.id`,
    [userId],
  );
}

/** The user for these credentials, or null; the same work is done for an unknown login to not leak which exist. */
export async function authenticate(
  db: Db,
  login: string,
  password: string,
): Promise<{ id: number; name: string } | null> {
  const row = await db.get<{ id: number; name: string; password_hash: string }>(
    'SELECT id, name, password_hash FROM users WHERE login = ? AND active = 1',
    [login.trim().toLowerCase()],
  );
  const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
  if (!row || !ok) return null;
  return { id: row.id, name: row.name };
}

const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

/** A person as seen on `site`; not found when they have no role there. */
export async function getUser(db: Db, id: number, site: number): Promise<User> {
  const row = await db.get<User>(`${SITE_USER} AND u.id = ?`, [site, id]);
  if (!row) throw new NotFoundError({ fr: 'Utilisateur', en: 'User' }, id);
  return row;
}

/** Everyone with a role on `site` (group roles included). */
export function listUsers(db: Db, site: number): Promise<User[]> {
  return db.all<User>(`${SITE_USER} ORDER BY u.name`, [site]);
}

/** People of `site` who clock and take repair orders. */
export function listMechanics(db: Db, site: number): Promise<User[]> {
  return db.all<User>(
    `${SITE_USER} AND u.active = 1 AND m.role IN ('apprentice','technician') AND u.group_role IS NULL ORDER BY u.name`,
    [site],
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

/**
 * Changes a person's name and their role on `site` (an admin of that site); their open sessions
 * take the new role at once. A group role (director, group administrator) is not changed here.
 */
export async function updateUser(
  store: Store,
  site: number,
  id: number,
  input: { name: string; role: string },
  byUser: number,
  now: number,
): Promise<User> {
  if (!isSiteRole(input.role))
    throw new ValidationError(
      { fr: `rôle inconnu « ${input.role} »`, en: `unknown role '${input.role}'` },
      'role',
    );
  if (!input.name.trim()) throw new ValidationError({ fr: 'nom obligatoire', en: 'name required' }, 'name');
  return store.transaction(async (tx) => {
    const before = await getUser(tx, id, site);
    if (before.role === 'admin' && input.role !== 'admin') await keepOneAdmin(tx, site, id);
    await tx.run('UPDATE users SET name = ? WHERE id = ?', [input.name.trim(), id]);
    await tx.run('DELETE FROM site_members WHERE user_id = ? AND site_id = ?', [id, site]);
    await tx.run('INSERT INTO site_members (user_id, site_id, role) VALUES (?, ?, ?)', [
      id,
      site,
      input.role,
    ]);
    await audit(tx, site, now, byUser, 'user.update', `user:${id} ${before.role}→${input.role}`);
    return getUser(tx, id, site);
  });
}

/**
 * Disables (or enables again) an account of `site`'s people. A disabled person cannot log in and
 * their sessions end; their history (clocking, orders, habilitations) stays. An admin cannot disable
 * themselves, and the site's last active admin cannot be disabled (nobody could manage it any more).
 */
export async function setUserActive(
  store: Store,
  site: number,
  id: number,
  active: boolean,
  byUser: number,
  now: number,
): Promise<User> {
  return store.transaction(async (tx) => {
    const user = await getUser(tx, id, site);
    if (!active && id === byUser)
      throw new ValidationError(
        {
          fr: 'vous ne pouvez pas désactiver votre propre compte',
          en: 'you cannot disable your own account',
        },
        'active',
      );
    if (!active && user.role === 'admin') await keepOneAdmin(tx, site, id);
    await tx.run('UPDATE users SET active = ? WHERE id = ?', [active ? 1 : 0, id]);
    if (!active) await tx.run('DELETE FROM sessions WHERE user_id = ?', [id]);
    await audit(tx, site, now, byUser, active ? 'user.enable' : 'user.disable', `user:${id}`);
    return getUser(tx, id, site);
  });
}

/** Sets a new password chosen by the admin (a forgotten one); every session of that person ends. */
export async function resetPassword(
  store: Store,
  site: number,
  id: number,
  password: string,
  byUser: number,
  now: number,
): Promise<void> {
  const user = await getUser(store, id, site);
  checkPasswordPolicy(password, { login: user.login, name: user.name }, 'password');
  const hash = await hashPassword(password);
  await store.transaction(async (tx) => {
    await getUser(tx, id, site);
    await tx.run('UPDATE users SET password_hash = ? WHERE id = ?', [hash, id]);
    await tx.run('DELETE FROM sessions WHERE user_id = ?', [id]);
    await audit(tx, site, now, byUser, 'user.password-reset', `user:${id}`);
  });
}

/** Refuses to leave `site` without an active admin (its own, or a group administrator). */
async function keepOneAdmin(db: Db, site: number, leaving: number): Promise<void> {
  const others = await db.get<{ n: number }>(
    `SELECT COUNT(*) AS n FROM users u WHERE u.active = 1 AND u.id <> ?
       AND (u.group_role = 'admin'
            OR EXISTS (SELECT 1 FROM site_members m WHERE m.user_id = u.id AND m.site_id = ? AND m.role = 'admin'))`,
    [leaving, site],
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

/** An audit row under the site it concerns. */
export function audit(
  db: Db,
  site: number,
  at: number,
  userId: number,
  action: string,
  subject: string,
): Promise<unknown> {
  return db.run('INSERT INTO audit_log (site_id, at, user_id, action, subject) VALUES (?, ?, ?, ?, ?)', [
    site,
    at,
    userId,
    action,
    subject,
  ]);
}
