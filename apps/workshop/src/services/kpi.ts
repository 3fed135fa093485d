import type { Db } from '../store/store.js';
import { STATES, type State } from './domain.js';

/**
 * Workshop KPIs, computed from clocking entries and repair-order events (never stored, so a
 * correction shows at once). Hours are decimal hours.
 *
 * - sold hours: an order's approved labour time, credited to each person in proportion to their
 *   share of all operation time clocked on that order, in the period where it was clocked;
 * - efficiency = sold ÷ clocked; productivity = clocked ÷ attended; proficiency = sold ÷ attended
 *   (so proficiency = efficiency × productivity);
 * - comeback rate = orders delivered in the period that later got a comeback ÷ orders delivered;
 * - average diagnosis time: mean stay in the diagnosis state, over stays that ended in the period;
 * - average time in each state: the same for every state.
 */
export interface KpiPeriod {
  from: number;
  to: number;
}

export interface Kpis {
  userId: number | null;
  period: KpiPeriod;
  attendedHours: number;
  clockedHours: number;
  nonProductiveHours: number;
  soldHours: number;
  efficiency: number | null;
  productivity: number | null;
  proficiency: number | null;
  delivered: number;
  comebacks: number;
  comebackRate: number | null;
  avgDiagnosisHours: number | null;
  avgHoursInState: Partial<Record<State, number>>;
  /** One point per day of the period: attended, clocked and sold hours. */
  daily: { day: number[]; attended: number[]; clocked: number[]; sold: number[] };
}

const HOUR = 3600_000;
const DAY = 86_400_000;

/** The period a KPI query names: whole UTC days `from`–`to` (inclusive), the last 30 days by default. */
export function kpiPeriod(q: { from?: string; to?: string }, now: number): KpiPeriod {
  const to = q.to
    ? Date.parse(`${q.to}T00:00:00Z`) + DAY
    : Date.parse(`${new Date(now).toISOString().slice(0, 10)}T00:00:00Z`) + DAY;
  const from = q.from ? Date.parse(`${q.from}T00:00:00Z`) : to - 30 * DAY;
  return { from: Math.min(from, to - DAY), to };
}

interface EntryRow {
  user_id: number;
  kind: string;
  ro_id: number | null;
  start_at: number;
  end_at: number | null;
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

export async function computeKpis(
  db: Db,
  site: number,
  period: KpiPeriod,
  userId: number | null,
  now: number,
): Promise<Kpis> {
  const { from, to } = period;
  const end = (e: EntryRow) => Math.min(e.end_at ?? now, now);
  const clip = (e: EntryRow, a = from, b = to) => Math.max(0, Math.min(end(e), b) - Math.max(e.start_at, a));

  const entries = await db.all<EntryRow>(
    `SELECT user_id, kind, ro_id, start_at, end_at FROM clock_entries
     WHERE site_id = ? AND start_at < ? AND (end_at IS NULL OR end_at > ?) AND (CAST(? AS BIGINT) IS NULL OR user_id = ?)`,
    [site, to, from, userId, userId],
  );
  // Sold time is shared over everyone's operation time on an order, whenever it was clocked.
  const roIds = [
    ...new Set(entries.filter((e) => e.kind === 'operation' && e.ro_id !== null).map((e) => e.ro_id!)),
  ];
  const roTotals = new Map<number, { clocked: number; sold: number }>();
  for (const id of roIds) {
    const all = await db.all<EntryRow>(
      "SELECT user_id, kind, ro_id, start_at, end_at FROM clock_entries WHERE kind = 'operation' AND ro_id = ?",
      [id],
    );
    const sold = await db.get<{ h: number | null }>(
      "SELECT SUM(sold_hours) AS h FROM ro_lines WHERE ro_id = ? AND kind = 'labour' AND status = 'approved'",
      [id],
    );
    roTotals.set(id, {
      clocked: all.reduce((s, e) => s + Math.max(0, end(e) - e.start_at), 0),
      sold: sold?.h ?? 0,
    });
  }
  const soldMs = (e: EntryRow, a?: number, b?: number) => {
    const t = e.ro_id !== null ? roTotals.get(e.ro_id) : undefined;
    return t && t.clocked > 0 ? (t.sold * HOUR * clip(e, a, b)) / t.clocked : 0;
  };

  let attended = 0;
  let clocked = 0;
  let nonprod = 0;
  let sold = 0;
  for (const e of entries) {
    if (e.kind === 'attendance') attended += clip(e);
    else if (e.kind === 'nonprod') nonprod += clip(e);
    else {
      clocked += clip(e);
      sold += soldMs(e);
    }
  }

  const days = Math.min(366, Math.max(1, Math.ceil((to - from) / DAY)));
  const daily: Kpis['daily'] = { day: [], attended: [], clocked: [], sold: [] };
  for (let d = 0; d < days; d++) {
    const a = from + d * DAY;
    const b = Math.min(to, a + DAY);
    let at = 0;
    let cl = 0;
    let so = 0;
    for (const e of entries) {
      if (e.kind === 'attendance') at += clip(e, a, b);
      else if (e.kind === 'operation') {
        cl += clip(e, a, b);
        so += soldMs(e, a, b);
      }
    }
    daily.day.push(Math.floor(a / 1000));
    daily.attended.push(at / HOUR);
    daily.clocked.push(cl / HOUR);
    daily.sold.push(so / HOUR);
  }

  // Orders delivered in the period (by this person when filtered), and their comebacks.
  const delivered = await db.all<{ id: number }>(
    `SELECT DISTINCT r.id FROM repair_orders r JOIN ro_events e ON e.ro_id = r.id
     WHERE r.site_id = ? AND e.to_state = 'delivered' AND e.from_state <> 'delivered' AND e.at >= ? AND e.at < ? AND (CAST(? AS BIGINT) IS NULL OR r.assigned_to = ?)`,
    [site, from, to, userId, userId],
  );
  let comebacks = 0;
  for (const d of delivered)
    if (await db.get('SELECT id FROM repair_orders WHERE comeback_of = ?', [d.id])) comebacks++;

  // Stays in each state: consecutive state-changing events of an order.
  const events = await db.all<{ ro_id: number; from_state: State | null; to_state: State; at: number }>(
    `SELECT e.ro_id, e.from_state, e.to_state, e.at FROM ro_events e JOIN repair_orders r ON r.id = e.ro_id
     WHERE r.site_id = ? AND (e.from_state IS NULL OR e.from_state <> e.to_state) AND (CAST(? AS BIGINT) IS NULL OR r.assigned_to = ?)
     ORDER BY e.ro_id, e.at, e.id`,
    [site, userId, userId],
  );
  const stays = new Map<State, number[]>();
  for (let i = 1; i < events.length; i++) {
    const prev = events[i - 1]!;
    const cur = events[i]!;
    if (prev.ro_id !== cur.ro_id || cur.at < from || cur.at >= to) continue;
    const list = stays.get(prev.to_state) ?? [];
    list.push((cur.at - prev.at) / HOUR);
    stays.set(prev.to_state, list);
  }
  const mean = (xs: number[] | undefined) => (xs?.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null);
  const avgHoursInState: Partial<Record<State, number>> = {};
  for (const s of STATES) {
    const m = mean(stays.get(s));
    if (m !== null) avgHoursInState[s] = m;
  }

  const attendedHours = attended / HOUR;
  const clockedHours = clocked / HOUR;
  const soldHours = sold / HOUR;
  return {
    userId,
    period,
    attendedHours,
    clockedHours,
    nonProductiveHours: nonprod / HOUR,
    soldHours,
    efficiency: ratio(soldHours, clockedHours),
    productivity: ratio(clockedHours, attendedHours),
    proficiency: ratio(soldHours, attendedHours),
    delivered: delivered.length,
    comebacks,
    comebackRate: ratio(comebacks, delivered.length),
    avgDiagnosisHours: mean(stays.get('diagnosis')),
    avgHoursInState,
    daily,
  };
}
