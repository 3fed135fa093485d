/**
 * Moving a workshop into a dealer group: every row of a SQLite workshop copied into the group's
 * PostgreSQL database as a new site, in one transaction. Rows get new ids (the group already has
 * its own); every foreign key is mapped through the ids given to the rows it points at, which the
 * copy learns from each table's declared foreign keys — a table added by a later migration moves
 * too, as long as it declares them. Before committing, the rows of the new site are counted in
 * the group database, table by table, and compared with the workshop's: a difference rolls
 * everything back. The workshop file is then marked as moved, and a second run is refused (by
 * that mark, and by the site code already being taken). Ids written inside texts (the audit log's
 * `customer:12`) keep the workshop's numbering.
 */

import type { PostgresStore } from './postgres-store.js';
import type { SqliteStore } from './sqlite-store.js';
import { StoreError } from './store.js';

/**
 * Not copied: the schema's own bookkeeping, sessions (people log in again), group-wide settings and
 * server secrets (the group signs with its own).
 */
const SKIP = new Set([
  'schema_migrations',
  'sessions',
  'server_secrets',
  'sites',
  'site_members',
  'settings',
  'number_counters',
]);
const MOVED_KEY = 'moved_to_group';
/** References kept without a declared foreign key (an audit log outlives what it names). */
const UNDECLARED: Record<string, Fk[]> = { audit_log: [{ column: 'user_id', table: 'users' }] };

export interface MoveOptions {
  code: string;
  name: string;
  /** Appended to every login (`lucas` → `lucas.lyon`) when the group already uses some of them. */
  loginSuffix?: string;
  now: number;
}

export interface MoveReport {
  siteId: number;
  /** Rows per table, in the workshop and in the group's new site (equal, or nothing was committed). */
  counts: Record<string, { source: number; target: number }>;
}

/** A refusal to move: already moved, a code taken, logins in use, a workshop of several sites. */
/** Why a workshop is not moved, in the command's two languages (`message` is the English text). */
export class MoveRefused extends Error {
  override name = 'MoveRefused';
  constructor(readonly text: { fr: string; en: string }) {
    super(text.en);
  }
}

interface Fk {
  column: string;
  table: string;
  /** The column may be empty: a cycle between tables is broken by setting it once both are copied. */
  nullable?: boolean;
  /** Set in a second pass, once every row of `table` has its new id (a cycle, or a later row of its own table). */
  deferred?: boolean;
}

interface TableInfo {
  name: string;
  columns: string[];
  hasId: boolean;
  fks: Fk[];
}

async function tables(src: SqliteStore): Promise<TableInfo[]> {
  const names = await src.all<{ name: string }>(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
  );
  const out: TableInfo[] = [];
  for (const { name } of names) {
    if (SKIP.has(name)) continue;
    const cols = await src.all<{ name: string; pk: number; type: string; notnull: number }>(
      `PRAGMA table_info(${name})`,
    );
    const fks = await src.all<{ from: string; table: string }>(`PRAGMA foreign_key_list(${name})`);
    out.push({
      name,
      columns: cols.map((c) => c.name),
      hasId: cols.some((c) => c.name === 'id' && c.pk === 1 && /INT/i.test(c.type)),
      fks: [
        ...fks.map((f) => ({
          column: f.from,
          table: f.table,
          nullable: !cols.find((c) => c.name === f.from)?.notnull,
          deferred: f.table === name,
        })),
        ...(UNDECLARED[name] ?? []),
      ],
    });
  }
  // Parents before children. A table's reference to itself is set in a second pass; so is a
  // nullable reference that closes a cycle between tables (an order names the diagnostic session
  // its diagnosis came from, the session names its order).
  const sorted: TableInfo[] = [];
  const placed = new Set<string>([...SKIP]);
  const blocking = (t: TableInfo) =>
    t.fks.filter(
      (f) => !f.deferred && !placed.has(f.table) && out.some((o) => o.name === f.table && o.name !== t.name),
    );
  while (sorted.length < out.length) {
    let next = out.find((t) => !placed.has(t.name) && !blocking(t).length);
    if (!next) {
      next = out.find((t) => !placed.has(t.name) && blocking(t).every((f) => f.nullable));
      if (!next) throw new StoreError('foreign keys form a cycle between tables', 'move-to-group');
      for (const f of blocking(next)) f.deferred = true;
    }
    sorted.push(next);
    placed.add(next.name);
  }
  return sorted;
}

/**
 * A condition on `t`'s rows that holds for the rows of the new site in the group database: its
 * site, or its parent's (through the first foreign key that leads to one: required ones first,
 * people last). `?` is the
 * site; `users` are the ones this move inserted (`@users`).
 */
function scopeOf(t: TableInfo, all: Map<string, TableInfo>, seen = new Set<string>()): string | null {
  if (t.columns.includes('site_id')) return 'site_id = ?';
  if (t.name === 'users') return 'id IN (@users)';
  seen.add(t.name);
  // A reference every row has first (a line's order, not its labour rate, which parts lines lack).
  const rank = (f: Fk) => Number(f.table === 'users') * 2 + Number(f.nullable !== false);
  const fks = [...t.fks].sort((a, b) => rank(a) - rank(b));
  for (const fk of fks) {
    const parent = all.get(fk.table);
    if (!parent || seen.has(parent.name)) continue;
    const inner = scopeOf(parent, all, new Set(seen));
    if (inner) return `${fk.column} IN (SELECT id FROM ${parent.name} WHERE ${inner})`;
  }
  return null;
}

export async function moveToGroup(
  src: SqliteStore,
  dest: PostgresStore,
  options: MoveOptions,
): Promise<MoveReport> {
  const moved = await src.get<{ value: string }>('SELECT value FROM settings WHERE key = ?', [MOVED_KEY]);
  if (moved)
    throw new MoveRefused({
      fr: `cet atelier a déjà été transféré dans un groupe : ${moved.value}`,
      en: `this workshop was already moved into a group: ${moved.value}`,
    });
  const sites = await src.all<{ id: number }>('SELECT id FROM sites');
  if (sites.length !== 1)
    throw new MoveRefused({
      fr: `un atelier de ${sites.length} sites : seul un atelier unique se transfère comme un site`,
      en: `a workshop of ${sites.length} sites: only a single workshop moves as one site`,
    });
  const list = await tables(src);
  const byName = new Map(list.map((t) => [t.name, t]));
  const suffix = options.loginSuffix ? `.${options.loginSuffix}` : '';
  const logins = await src.all<{ login: string }>('SELECT login FROM users');
  const taken = await dest.all<{ login: string }>(
    `SELECT login FROM users WHERE login IN (${logins.map(() => '?').join(',') || "''"})`,
    logins.map((l) => `${l.login}${suffix}`),
  );
  if (taken.length)
    throw new MoveRefused({
      fr: `identifiants déjà utilisés dans le groupe : ${taken.map((t) => t.login).join(', ')} (donnez --login-suffix)`,
      en: `logins already used in the group: ${taken.map((t) => t.login).join(', ')} (give --login-suffix)`,
    });
  if (await dest.get('SELECT id FROM sites WHERE code = ?', [options.code]))
    throw new MoveRefused({
      fr: `le groupe a déjà un site « ${options.code} » : cet atelier a déjà été transféré, ou choisissez un autre code`,
      en: `the group already has a site '${options.code}': this workshop was moved already, or choose another code`,
    });

  const report = await dest.transaction(async (tx) => {
    const site = (await tx.get<{ id: number }>(
      'INSERT INTO sites (code, name, created_at) VALUES (?, ?, ?) RETURNING id',
      [options.code, options.name, options.now],
    ))!.id;
    const ids = new Map<string, Map<number, number>>();
    const later: { table: string; column: string; target: string; id: number; ref: number }[] = [];
    for (const t of list) {
      const map = new Map<number, number>();
      ids.set(t.name, map);
      // In id order, so a row's reference to an earlier row of its own table (a credit note to its
      // invoice, a comeback to its order) is mapped as it is written: invoices refuse any update.
      const rows = await src.all<Record<string, string | number | null>>(
        `SELECT * FROM ${t.name}${t.hasId ? ' ORDER BY id' : ''}`,
      );
      const cols = t.columns.filter((c) => !(t.hasId && c === 'id'));
      const sql = `INSERT INTO ${t.name} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})${t.hasId ? ' RETURNING id' : ''}`;
      for (const row of rows) {
        const values = cols.map((c) => {
          const v = row[c] ?? null;
          if (c === 'site_id') return site;
          if (t.name === 'users' && c === 'login') return `${v}${suffix}`;
          if (t.name === 'users' && c === 'group_role') return null;
          const fk = t.fks.find((f) => f.column === c);
          if (!fk || v === null) return v;
          const mapped = ids.get(fk.table)?.get(Number(v));
          // A reference to a row not copied yet is set once every row has its new id.
          if (fk.deferred) return mapped ?? null;
          // An undeclared reference to nothing (the audit log's user, say) stays an empty one.
          if (mapped === undefined && UNDECLARED[t.name]?.includes(fk)) return null;
          if (mapped === undefined)
            throw new StoreError(`${t.name}.${c} = ${v} points at no ${fk.table} row`, 'move-to-group');
          return mapped;
        });
        const inserted = await tx.get<{ id: number }>(sql, values);
        if (t.hasId) map.set(Number(row.id), inserted!.id);
        for (const fk of t.fks)
          if (fk.deferred && row[fk.column] !== null && !ids.get(fk.table)?.has(Number(row[fk.column])))
            later.push({
              table: t.name,
              column: fk.column,
              target: fk.table,
              id: Number(row.id),
              ref: Number(row[fk.column]),
            });
      }
    }
    for (const l of later) {
      const ref = ids.get(l.target)!.get(l.ref);
      if (ref === undefined)
        throw new StoreError(
          `${l.table}.${l.column} = ${l.ref} points at no ${l.target} row`,
          'move-to-group',
        );
      await tx.run(`UPDATE ${l.table} SET ${l.column} = ? WHERE id = ?`, [ref, ids.get(l.table)!.get(l.id)!]);
    }
    // Memberships of the single site, with their roles. Group roles do not move: a site's admin
    // stays a site's admin, and someone who had only a group role moves with no role (the group's
    // administrator gives one).
    const members = await src.all<{ user_id: number; role: string }>(
      'SELECT user_id, role FROM site_members',
    );
    for (const m of members)
      await tx.run('INSERT INTO site_members (user_id, site_id, role) VALUES (?, ?, ?)', [
        ids.get('users')!.get(m.user_id)!,
        site,
        m.role,
      ]);
    // Numbering goes on where the workshop left it.
    for (const c of await src.all<{ scope: string; last: number }>(
      'SELECT scope, last FROM number_counters',
    )) {
      const scope = c.scope.replace(/^([a-z_]+):\d+:/, `$1:${site}:`);
      await tx.run('INSERT INTO number_counters (scope, last) VALUES (?, ?)', [scope, c.last]);
    }
    // The check: the new site's rows, counted in the group database, against the workshop's.
    const counts: MoveReport['counts'] = {};
    const mismatches: string[] = [];
    for (const t of list) {
      const source = (await src.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${t.name}`))!.n;
      const found = scopeOf(t, byName);
      if (!found)
        throw new StoreError(`cannot tell which rows of ${t.name} belong to a site`, 'move-to-group');
      const movedUsers = [...ids.get('users')!.values()];
      const scope = found.replace('@users', movedUsers.length ? movedUsers.map(Number).join(', ') : 'NULL');
      const params = Array.from({ length: scope.split('?').length - 1 }, () => site);
      const target = (await tx.get<{ n: number }>(
        `SELECT COUNT(*) AS n FROM ${t.name} WHERE ${scope}`,
        params,
      ))!.n;
      counts[t.name] = { source, target };
      if (source !== target) mismatches.push(`${t.name}: ${source} in the workshop, ${target} in the group`);
    }
    if (mismatches.length) throw new StoreError(`counts differ: ${mismatches.join('; ')}`, 'move-to-group');
    return { siteId: site, counts };
  });
  await src.run('INSERT INTO settings (key, value) VALUES (?, ?)', [
    MOVED_KEY,
    JSON.stringify({ site: options.code, siteId: report.siteId, at: new Date(options.now).toISOString() }),
  ]);
  return report;
}
