import type { Text } from '../i18n.js';
import type { Db, Store } from '../store/store.js';
import { NotFoundError, ValidationError } from './errors.js';
import { getSettings } from './settings.js';

/**
 * NF C18-550 symbols for work on electrically powered vehicles (suffix L). Which held symbol covers
 * which required one follows the standard's hierarchy: a "chargé de travaux" (2) may also do an
 * executant's (1) work of the same domain, and any electrical habilitation covers non-electrical
 * work near the HV system (B0L). Consignation (BCL) and intervention (BRL) cover only themselves.
 */
export const SYMBOLS = [
  'B0L',
  'B1L',
  'B2L',
  'B1VL',
  'B2VL',
  'BCL',
  'BRL',
  'B1XL',
  'B2XL',
  'B1TL',
  'B2TL',
] as const;
export type HabSymbol = (typeof SYMBOLS)[number];

export const SYMBOL_LABEL: Record<HabSymbol, Text> = {
  B0L: {
    fr: 'Non-électricien, opérations d’ordre non électrique',
    en: 'Non-electrician, non-electrical operations',
  },
  B1L: { fr: 'Exécutant, travaux hors tension', en: 'Executant, de-energised work' },
  B2L: { fr: 'Chargé de travaux hors tension', en: 'Person in charge of de-energised work' },
  B1VL: { fr: 'Exécutant, travaux hors tension (voisinage)', en: 'Executant, de-energised work (vicinity)' },
  B2VL: { fr: 'Chargé de travaux hors tension', en: 'Person in charge of de-energised work' },
  BCL: { fr: 'Chargé de consignation', en: 'Person in charge of lockout (consignation)' },
  BRL: { fr: "Chargé d'intervention générale", en: 'Person in charge of general intervention' },
  B1XL: {
    fr: 'Exécutant, opérations spécifiques (batterie)',
    en: 'Executant, specific operations (battery)',
  },
  B2XL: {
    fr: 'Chargé de travaux, opérations spécifiques (batterie)',
    en: 'Person in charge, specific operations (battery)',
  },
  B1TL: { fr: 'Exécutant, travaux sous tension', en: 'Executant, live work' },
  B2TL: { fr: 'Chargé de travaux sous tension', en: 'Person in charge of live work' },
};

export const COVERED_BY: Record<HabSymbol, HabSymbol[]> = {
  B0L: ['B0L', 'B1L', 'B2L', 'B1VL', 'B2VL', 'BCL', 'BRL', 'B1XL', 'B2XL', 'B1TL', 'B2TL'],
  // an L symbol with V also works in the vicinity of live parts: it covers the same work without V
  B1L: ['B1L', 'B2L', 'B1VL', 'B2VL'],
  B2L: ['B2L', 'B2VL'],
  B1VL: ['B1VL', 'B2VL'],
  B2VL: ['B2VL'],
  BCL: ['BCL'],
  BRL: ['BRL'],
  B1XL: ['B1XL', 'B2XL'],
  B2XL: ['B2XL'],
  B1TL: ['B1TL', 'B2TL'],
  B2TL: ['B2TL'],
};

export const isSymbol = (s: unknown): s is HabSymbol =>
  typeof s === 'string' && (SYMBOLS as readonly string[]).includes(s);

export interface Habilitation {
  id: number;
  user_id: number;
  symbol: HabSymbol;
  issued_on: string;
  renewal_on: string;
  issued_by: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addYears(date: string, years: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d.toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export async function listHabilitations(db: Db, userId?: number): Promise<Habilitation[]> {
  return userId === undefined
    ? db.all<Habilitation>('SELECT * FROM habilitations ORDER BY user_id, symbol')
    : db.all<Habilitation>('SELECT * FROM habilitations WHERE user_id = ? ORDER BY symbol', [userId]);
}

/** Grants (or renews) a symbol; the renewal date defaults to issue + the configured years. */
export async function grantHabilitation(
  db: Db,
  input: { userId: number; symbol: string; issuedOn: string; renewalOn?: string; issuedBy?: string },
  renewalYears: number,
): Promise<Habilitation> {
  if (!isSymbol(input.symbol))
    throw new ValidationError(
      {
        fr: `symbole d'habilitation inconnu « ${input.symbol} »`,
        en: `unknown habilitation symbol '${input.symbol}'`,
      },
      'symbol',
    );
  if (!DATE.test(input.issuedOn) || Number.isNaN(Date.parse(input.issuedOn)))
    throw new ValidationError(
      { fr: 'date de délivrance invalide (AAAA-MM-JJ)', en: 'invalid issue date (YYYY-MM-DD)' },
      'issuedOn',
    );
  const renewal = input.renewalOn || addYears(input.issuedOn, renewalYears);
  if (!DATE.test(renewal) || renewal <= input.issuedOn)
    throw new ValidationError(
      {
        fr: 'la date de recyclage doit suivre la date de délivrance',
        en: 'the renewal date must follow the issue date',
      },
      'renewalOn',
    );
  const user = await db.get('SELECT id FROM users WHERE id = ?', [input.userId]);
  if (!user) throw new NotFoundError({ fr: 'Utilisateur', en: 'User' }, input.userId);
  await db.run('DELETE FROM habilitations WHERE user_id = ? AND symbol = ?', [input.userId, input.symbol]);
  const row = await db.get<Habilitation>(
    'INSERT INTO habilitations (user_id, symbol, issued_on, renewal_on, issued_by) VALUES (?, ?, ?, ?, ?) RETURNING *',
    [input.userId, input.symbol, input.issuedOn, renewal, input.issuedBy ?? ''],
  );
  return row!;
}

export type HabCheck = { ok: true; symbol: HabSymbol } | { ok: false; reason: Text };

/** Whether `held` covers `required` today; when not, the reason names what is missing or expired. */
export function checkHabilitation(
  held: Habilitation[],
  required: HabSymbol,
  today: string,
  who: string,
): HabCheck {
  const covering = held.filter((h) => COVERED_BY[required].includes(h.symbol));
  const valid = covering.find((h) => h.issued_on <= today && today <= h.renewal_on);
  if (valid) return { ok: true, symbol: valid.symbol };
  const accepted = COVERED_BY[required].join(', ');
  if (covering.length === 0)
    return {
      ok: false,
      reason: {
        fr: `${who} n'a aucune habilitation couvrant ${required} (acceptées : ${accepted}) — travaux haute tension refusés (NF C18-550)`,
        en: `${who} holds no habilitation covering ${required} (accepted: ${accepted}) — high-voltage work refused (NF C18-550)`,
      },
    };
  const expired = covering.map((h) => `${h.symbol} ${h.renewal_on}`).join(', ');
  return {
    ok: false,
    reason: {
      fr: `l'habilitation de ${who} couvrant ${required} n'est plus valide (recyclage dépassé : ${expired}) — travaux haute tension refusés (NF C18-550)`,
      en: `${who}'s habilitation covering ${required} is no longer valid (renewal overdue: ${expired}) — high-voltage work refused (NF C18-550)`,
    },
  };
}

export interface HabAlert extends Habilitation {
  user_name: string;
  days_left: number;
  expired: boolean;
}

/** Habilitations expiring within `alertDays` of today, or already expired; soonest first. */
export async function habilitationAlerts(db: Db, today: string, alertDays: number): Promise<HabAlert[]> {
  const rows = await db.all<Habilitation & { user_name: string }>(
    `SELECT h.*, u.name AS user_name FROM habilitations h JOIN users u ON u.id = h.user_id
     WHERE u.active = 1 ORDER BY h.renewal_on`,
  );
  return rows
    .map((h) => ({ ...h, days_left: daysBetween(today, h.renewal_on), expired: h.renewal_on < today }))
    .filter((h) => h.days_left <= alertDays);
}

/** Grants a habilitation, renewal date by the workshop's setting unless given, in one transaction. */
export async function grantHabilitationNow(
  store: Store,
  input: { userId: number; symbol: string; issuedOn: string; renewalOn?: string; issuedBy?: string },
): Promise<Habilitation> {
  const { habilitationRenewalYears } = await getSettings(store);
  return store.transaction((tx) => grantHabilitation(tx, input, habilitationRenewalYears));
}
