/**
 * The sites of a dealer group: each workshop's customers, vehicles, orders, sessions, clocking and
 * training are its own (every query of the services is scoped to one site); people belong to one
 * or more sites with a role on each; the after-sales director sees every site side by side.
 */
import type { Db } from '../store/store.js';
import type { State } from './domain.js';
import { ConflictError, NotFoundError, ValidationError } from './errors.js';
import { computeKpis, type KpiPeriod, type Kpis } from './kpi.js';
import { boardCards } from './orders.js';

export interface Site {
  id: number;
  code: string;
  name: string;
  created_at: number;
}

export function listSites(db: Db): Promise<Site[]> {
  return db.all<Site>('SELECT id, code, name, created_at FROM sites ORDER BY id');
}

export async function getSite(db: Db, id: number): Promise<Site> {
  const s = await db.get<Site>('SELECT id, code, name, created_at FROM sites WHERE id = ?', [id]);
  if (!s) throw new NotFoundError({ fr: 'Site', en: 'Site' }, id);
  return s;
}

export async function createSite(db: Db, input: { code: string; name: string }, now: number): Promise<Site> {
  const code = input.code.trim().toLowerCase();
  if (!/^[a-z0-9-]{2,30}$/.test(code))
    throw new ValidationError(
      { fr: 'code du site : 2 à 30 caractères a-z, 0-9, -', en: 'site code: 2 to 30 characters a-z, 0-9, -' },
      'code',
    );
  const name = input.name.trim();
  if (!name) throw new ValidationError({ fr: 'nom du site obligatoire', en: 'site name required' }, 'name');
  if (await db.get('SELECT id FROM sites WHERE code = ?', [code]))
    throw new ConflictError(
      { fr: `le site « ${code} » existe déjà`, en: `site '${code}' already exists` },
      'code',
    );
  // Its invoices' prefix would be its code in capitals: not one another site has chosen.
  if (await db.get('SELECT id FROM sites WHERE invoice_prefix = ?', [code.toUpperCase()]))
    throw new ConflictError(
      {
        fr: `le préfixe de factures ${code.toUpperCase()} est déjà celui d’un autre site : choisissez un autre code`,
        en: `invoice prefix ${code.toUpperCase()} is already another site's: choose another code`,
      },
      'code',
    );
  return (await db.get<Site>(
    'INSERT INTO sites (code, name, created_at) VALUES (?, ?, ?) RETURNING id, code, name, created_at',
    [code, name, now],
  ))!;
}

export interface SiteOverview {
  site: Site;
  /** Open orders (and the last week's deliveries) per state. */
  board: Partial<Record<State, number>>;
  open: number;
  kpis: Kpis;
}

/** Every site's board counts and workshop KPIs for one period, side by side. */
export async function groupOverview(db: Db, period: KpiPeriod, now: number): Promise<SiteOverview[]> {
  const out: SiteOverview[] = [];
  for (const site of await listSites(db)) {
    const cards = await boardCards(db, site.id, now);
    const board: Partial<Record<State, number>> = {};
    for (const c of cards) board[c.state] = (board[c.state] ?? 0) + 1;
    out.push({
      site,
      board,
      open: cards.filter((c) => c.state !== 'delivered').length,
      kpis: await computeKpis(db, site.id, period, null, now),
    });
  }
  return out;
}
