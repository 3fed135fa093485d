/**
 * Who belongs to which site of the group, with which role: the group administrator gives a person
 * of the group a role on a site, changes it, or withdraws it. Every change is written to the audit
 * log under the site it concerns. A site never loses its last administrator of its own (the group
 * administrator who makes the change does not count: a site's day-to-day — people, settings — needs
 * someone on it), and withdrawing a person's last site says they lose access (their sessions on it
 * end at their next request: sessions read the role of their site on every request).
 */
import type { Db, Store } from '../store/store.js';
import type { SiteRole } from './domain.js';
import { NotFoundError, ValidationError } from './errors.js';
import { audit, isSiteRole } from './users.js';

export interface SiteMember {
  id: number;
  login: string;
  name: string;
  role: SiteRole;
  active: number;
  /** How many sites of the group the person belongs to (this one included). */
  sites: number;
}

/** A person of the group who could be given a role on a site. */
export interface GroupPerson {
  id: number;
  login: string;
  name: string;
}

/** The people with a membership of `site`, their role there, by name (group roles are not memberships). */
export function siteMembers(db: Db, site: number): Promise<SiteMember[]> {
  return db
    .all<SiteMember>(
      `SELECT u.id, u.login, u.name, m.role, u.active,
            (SELECT COUNT(*) FROM site_members o WHERE o.user_id = u.id) AS sites
       FROM site_members m JOIN users u ON u.id = m.user_id
      WHERE m.site_id = ? AND u.group_role IS NULL ORDER BY u.name, u.id`,
      [site],
    )
    .then((rows) => rows.map((r) => ({ ...r, sites: Number(r.sites) })));
}

/** Active people of the group without a group role who do not belong to `site` yet. */
export function peopleNotOn(db: Db, site: number): Promise<GroupPerson[]> {
  return db.all<GroupPerson>(
    `SELECT u.id, u.login, u.name FROM users u
      WHERE u.active = 1 AND u.group_role IS NULL
        AND NOT EXISTS (SELECT 1 FROM site_members m WHERE m.user_id = u.id AND m.site_id = ?)
      ORDER BY u.name, u.id`,
    [site],
  );
}

async function siteName(db: Db, site: number): Promise<string> {
  const s = await db.get<{ name: string }>('SELECT name FROM sites WHERE id = ?', [site]);
  if (!s) throw new NotFoundError({ fr: 'Site', en: 'Site' }, site);
  return s.name;
}

/** Refuses to take `site`'s last active administrator of its own away from it. */
async function keepSiteAdmin(db: Db, site: number, leaving: number, siteLabel: string): Promise<void> {
  const others = await db.get<{ n: number }>(
    `SELECT COUNT(*) AS n FROM site_members m JOIN users u ON u.id = m.user_id
      WHERE m.site_id = ? AND m.role = 'admin' AND u.active = 1 AND u.group_role IS NULL AND u.id <> ?`,
    [site, leaving],
  );
  if (Number(others?.n ?? 0) === 0)
    throw new ValidationError(
      {
        fr: `${siteLabel} doit garder au moins un administrateur actif`,
        en: `${siteLabel} must keep at least one active administrator`,
      },
      'role',
    );
}

/**
 * Gives a person a role on a site, or changes the one they have there. Refused for a person with a
 * group role (they are on every site already) and for the site's last administrator.
 */
export async function setMembership(
  store: Store,
  site: number,
  userId: number,
  role: string,
  byUser: number,
  now: number,
): Promise<{ userId: number; siteId: number; role: SiteRole; before: SiteRole | null }> {
  if (!isSiteRole(role))
    throw new ValidationError({ fr: `rôle inconnu « ${role} »`, en: `unknown role '${role}'` }, 'role');
  return store.transaction(async (tx) => {
    const label = await siteName(tx, site);
    const user = await tx.get<{ id: number; name: string; group_role: string | null }>(
      'SELECT id, name, group_role FROM users WHERE id = ?',
      [userId],
    );
    if (!user) throw new NotFoundError({ fr: 'Utilisateur', en: 'User' }, userId);
    if (user.group_role)
      throw new ValidationError(
        {
          fr: `${user.name} a un rôle de groupe : il est déjà sur chaque site`,
          en: `${user.name} has a group role and is on every site already`,
        },
        'userId',
      );
    const held = await tx.get<{ role: SiteRole; active: number }>(
      'SELECT m.role, u.active FROM site_members m JOIN users u ON u.id = m.user_id WHERE m.user_id = ? AND m.site_id = ?',
      [userId, site],
    );
    const before = held?.role ?? null;
    if (before === role) return { userId, siteId: site, role, before };
    if (before === 'admin' && held?.active) await keepSiteAdmin(tx, site, userId, label);
    if (before)
      await tx.run('UPDATE site_members SET role = ? WHERE user_id = ? AND site_id = ?', [
        role,
        userId,
        site,
      ]);
    else
      await tx.run('INSERT INTO site_members (user_id, site_id, role) VALUES (?, ?, ?)', [
        userId,
        site,
        role,
      ]);
    await audit(
      tx,
      site,
      now,
      byUser,
      before ? 'member.role' : 'member.add',
      `user:${userId} ${before ?? '—'}→${role}`,
    );
    return { userId, siteId: site, role, before };
  });
}

/**
 * Withdraws a person's membership of a site. Refused for the site's last administrator;
 * `losesAccess` says it was their last site (they can no longer log in, and their sessions end).
 */
export async function withdrawMembership(
  store: Store,
  site: number,
  userId: number,
  byUser: number,
  now: number,
): Promise<{ userId: number; siteId: number; losesAccess: boolean }> {
  return store.transaction(async (tx) => {
    const label = await siteName(tx, site);
    const held = await tx.get<{ role: SiteRole; group_role: string | null; active: number }>(
      `SELECT m.role, u.group_role, u.active FROM site_members m JOIN users u ON u.id = m.user_id
        WHERE m.user_id = ? AND m.site_id = ?`,
      [userId, site],
    );
    if (!held) throw new NotFoundError({ fr: 'Membre du site', en: 'Site member' }, userId);
    if (held.role === 'admin' && held.active) await keepSiteAdmin(tx, site, userId, label);
    await tx.run('DELETE FROM site_members WHERE user_id = ? AND site_id = ?', [userId, site]);
    const left = await tx.get<{ n: number }>('SELECT COUNT(*) AS n FROM site_members WHERE user_id = ?', [
      userId,
    ]);
    const losesAccess = Number(left?.n ?? 0) === 0 && !held.group_role;
    // A person with no site left cannot log in; their open sessions end now rather than at their next click.
    if (losesAccess) await tx.run('DELETE FROM sessions WHERE user_id = ?', [userId]);
    await audit(
      tx,
      site,
      now,
      byUser,
      'member.withdraw',
      `user:${userId} ${held.role}${losesAccess ? ' last-site' : ''}`,
    );
    return { userId, siteId: site, losesAccess };
  });
}
