/**
 * Who was given which role on a site, by whom and when — read from what is already recorded: the
 * audit log's membership rows (`member.add`, `member.role`, `member.withdraw`, written by
 * services/memberships.ts) and role changes, enabling and disabling of accounts (`user.*`), under
 * the site they concern. People who belong to the site with no such row (accounts made before
 * memberships were logged, or by the set-up) are listed from their account's creation date, their
 * author unknown: nothing is invented.
 */
import type { Db } from '../store/store.js';

export interface MembershipEvent {
  at: number;
  action:
    | 'member.add'
    | 'member.role'
    | 'member.withdraw'
    | 'user.update'
    | 'user.enable'
    | 'user.disable'
    | 'account';
  user_id: number | null;
  user_name: string | null;
  /** The role before and after (`null` when the row does not say). */
  from_role: string | null;
  to_role: string | null;
  /** Who did it; null when not recorded. */
  by_name: string | null;
  /** The withdrawal left the person without any site. */
  last_site: boolean;
}

const ACTIONS = [
  'member.add',
  'member.role',
  'member.withdraw',
  'user.update',
  'user.enable',
  'user.disable',
];

/** The site's membership history, newest first. */
export async function membershipAudit(db: Db, site: number): Promise<MembershipEvent[]> {
  const rows = await db.all<{ at: number; action: string; subject: string; by_name: string | null }>(
    `SELECT a.at, a.action, a.subject, u.name AS by_name FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
     WHERE a.site_id = ? AND a.action IN (${ACTIONS.map(() => '?').join(', ')}) ORDER BY a.at DESC, a.id DESC`,
    [site, ...ACTIONS],
  );
  const names = new Map(
    (await db.all<{ id: number; name: string }>('SELECT id, name FROM users')).map((u) => [
      Number(u.id),
      u.name,
    ]),
  );
  const events: MembershipEvent[] = rows.map((r) => {
    // subjects: `user:12 technician→manager`, `user:12 —→technician`, `user:12 manager last-site`, `user:12`
    const m = /^user:(\d+)(?: (\S+?)(?:→(\S+))?)?( last-site)?$/.exec(r.subject);
    const id = m ? Number(m[1]) : null;
    const withdraw = r.action === 'member.withdraw';
    const from = m?.[2] && m[2] !== '—' ? m[2] : null;
    return {
      at: Number(r.at),
      action: r.action as MembershipEvent['action'],
      user_id: id,
      user_name: id === null ? null : (names.get(id) ?? null),
      from_role: from,
      to_role: withdraw ? null : (m?.[3] ?? null),
      by_name: r.by_name,
      last_site: !!m?.[4],
    };
  });
  const logged = new Set(events.filter((e) => e.action === 'member.add').map((e) => e.user_id));
  const members = await db.all<{ id: number; name: string; role: string; created_at: number }>(
    `SELECT u.id, u.name, m.role, u.created_at FROM site_members m JOIN users u ON u.id = m.user_id
     WHERE m.site_id = ? ORDER BY u.created_at DESC, u.id DESC`,
    [site],
  );
  for (const p of members)
    if (!logged.has(Number(p.id)))
      events.push({
        at: Number(p.created_at),
        action: 'account',
        user_id: Number(p.id),
        user_name: p.name,
        from_role: null,
        to_role: p.role,
        by_name: null,
        last_site: false,
      });
  return events.sort((a, b) => b.at - a.at);
}
