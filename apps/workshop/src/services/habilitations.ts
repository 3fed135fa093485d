import { HABILITATION_SYMBOLS } from '@atelier/diagnosis';
import { formatDay, type Text } from '../i18n.js';
import type { Db, Store } from '../store/store.js';
import { ForbiddenError, NotFoundError, ValidationError } from './errors.js';
import { getSettings } from './settings.js';

/**
 * NF C18-550 (2015) symbols for operations on vehicles and machines with on-board electrical energy
 * (suffix L). The first character says the voltage domain (B: low voltage, the traction battery's
 * domain), the digit the position (0: non-electrician, 1: executant, 2: person in charge of the
 * work), the attribute what kind of operation (V: in the vicinity of live parts, T: live work,
 * X: specific operations such as on the traction battery, R: intervention, C: lockout).
 * `SYMBOL_INFO` is the data the pages and the printable title show, in French and English.
 */
/** The symbols the register holds: the knowledge base's list, so a safety step and a person agree. */
export const SYMBOLS = HABILITATION_SYMBOLS;
export type HabSymbol = (typeof SYMBOLS)[number];

export interface SymbolInfo {
  /** Who holds it: the position in the work. */
  role: Text;
  /** What it allows, in a sentence a manager can put on the title. */
  allows: Text;
}

export const SYMBOL_INFO: Record<HabSymbol, SymbolInfo> = {
  B0L: {
    role: {
      fr: 'Non-électricien (exécutant ou chargé de chantier)',
      en: 'Non-electrician (executant or site supervisor)',
    },
    allows: {
      fr: "Opérations d'ordre non électrique sur un véhicule à énergie électrique embarquée (entretien, pneumatiques, carrosserie, lavage), sans accès aux pièces nues sous tension.",
      en: 'Non-electrical operations on a vehicle with on-board electrical energy (servicing, tyres, bodywork, washing), with no access to bare live parts.',
    },
  },
  B1L: {
    role: { fr: 'Exécutant de travaux d’ordre électrique', en: 'Executant of electrical work' },
    allows: {
      fr: "Travaux d'ordre électrique hors tension sur le système haute tension consigné, sous la conduite d'un chargé de travaux.",
      en: 'Electrical work on the de-energised, locked-out high-voltage system, under a person in charge of the work.',
    },
  },
  B2L: {
    role: { fr: 'Chargé de travaux d’ordre électrique', en: 'Person in charge of electrical work' },
    allows: {
      fr: "Diriger et faire des travaux d'ordre électrique hors tension sur le système haute tension consigné ; couvre B1L.",
      en: 'Direct and do electrical work on the de-energised, locked-out high-voltage system; covers B1L.',
    },
  },
  B1VL: {
    role: { fr: 'Exécutant de travaux au voisinage', en: 'Executant of work in the vicinity' },
    allows: {
      fr: 'Travaux hors tension au voisinage de pièces nues sous tension (par ex. près de la batterie de traction) ; couvre B1L.',
      en: 'De-energised work in the vicinity of bare live parts (e.g. near the traction battery); covers B1L.',
    },
  },
  B2VL: {
    role: { fr: 'Chargé de travaux au voisinage', en: 'Person in charge of work in the vicinity' },
    allows: {
      fr: 'Diriger et faire des travaux hors tension au voisinage de pièces nues sous tension ; couvre B1VL, B2L et B1L.',
      en: 'Direct and do de-energised work in the vicinity of bare live parts; covers B1VL, B2L and B1L.',
    },
  },
  B1TL: {
    role: { fr: 'Exécutant de travaux sous tension', en: 'Executant of live work' },
    allows: {
      fr: 'Travaux sous tension sur le système haute tension, sous la conduite d’un chargé de travaux B2TL.',
      en: 'Live work on the high-voltage system, under a B2TL person in charge.',
    },
  },
  B2TL: {
    role: { fr: 'Chargé de travaux sous tension', en: 'Person in charge of live work' },
    allows: {
      fr: 'Diriger et faire des travaux sous tension sur le système haute tension ; couvre B1TL.',
      en: 'Direct and do live work on the high-voltage system; covers B1TL.',
    },
  },
  B1XL: {
    role: { fr: 'Exécutant d’opérations spécifiques', en: 'Executant of specific operations' },
    allows: {
      fr: 'Opérations spécifiques précisées sur le titre (batterie de traction : dépose, ouverture, réparation de modules ; essais), sous la conduite d’un B2XL.',
      en: 'Specific operations stated on the title (traction battery: removal, opening, module repair; tests), under a B2XL.',
    },
  },
  B2XL: {
    role: { fr: 'Chargé d’opérations spécifiques', en: 'Person in charge of specific operations' },
    allows: {
      fr: 'Diriger et faire les opérations spécifiques précisées sur le titre (batterie de traction, expertise, dépannage-remorquage, déconstruction) ; couvre B1XL.',
      en: 'Direct and do the specific operations stated on the title (traction battery, expert assessment, breakdown and towing, dismantling); covers B1XL.',
    },
  },
  BRL: {
    role: { fr: 'Chargé d’intervention', en: 'Person in charge of intervention' },
    allows: {
      fr: 'Interventions sur le système haute tension : mesurages, essais, vérifications, remplacement d’un élément défectueux, consignation pour son propre compte.',
      en: 'Interventions on the high-voltage system: measurements, tests, checks, replacing a faulty part, lockout for their own work.',
    },
  },
  BCL: {
    role: { fr: 'Chargé de consignation', en: 'Person in charge of lockout' },
    allows: {
      fr: 'Consigner et déconsigner le système haute tension du véhicule (mise hors tension, vérification d’absence de tension) pour d’autres.',
      en: "Lock out and restore the vehicle's high-voltage system (de-energise, verify the absence of voltage) for others.",
    },
  },
};

/** Short label of a symbol (its holder's position), for lists and select boxes. */
export const SYMBOL_LABEL: Record<HabSymbol, Text> = Object.fromEntries(
  SYMBOLS.map((s) => [s, SYMBOL_INFO[s].role]),
) as Record<HabSymbol, Text>;

/**
 * Which held symbols cover a required one, following NF C18-550's hierarchy: a person in charge (2)
 * may do an executant's (1) work of the same kind, the vicinity attribute (V) includes work away from
 * live parts, and any electrical symbol covers non-electrical work (B0L). Consignation (BCL) and
 * intervention (BRL) cover only themselves; live work (T) and specific operations (X) stand apart.
 */
export const COVERED_BY: Record<HabSymbol, HabSymbol[]> = {
  B0L: [...SYMBOLS],
  B1L: ['B1L', 'B2L', 'B1VL', 'B2VL'],
  B2L: ['B2L', 'B2VL'],
  B1VL: ['B1VL', 'B2VL'],
  B2VL: ['B2VL'],
  B1TL: ['B1TL', 'B2TL'],
  B2TL: ['B2TL'],
  B1XL: ['B1XL', 'B2XL'],
  B2XL: ['B2XL'],
  BRL: ['BRL'],
  BCL: ['BCL'],
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

/** One person's habilitations (they hold them wherever they work). */
export async function habilitationsOf(db: Db, userId: number): Promise<Habilitation[]> {
  return db.all<Habilitation>('SELECT * FROM habilitations WHERE user_id = ? ORDER BY symbol', [userId]);
}

/** The habilitations of everyone with a role on `site`. */
export async function listHabilitations(db: Db, site: number): Promise<Habilitation[]> {
  return db.all<Habilitation>(
    `SELECT h.* FROM habilitations h JOIN site_members m ON m.user_id = h.user_id AND m.site_id = ?
     ORDER BY h.user_id, h.symbol`,
    [site],
  );
}

/** The refresher date: the one given, or issue + the configured years; refused when not after the issue. */
function renewalDate(issuedOn: string, renewalOn: string | undefined, renewalYears: number): string {
  if (!DATE.test(issuedOn) || Number.isNaN(Date.parse(issuedOn)))
    throw new ValidationError(
      { fr: 'date de délivrance invalide (AAAA-MM-JJ)', en: 'invalid issue date (YYYY-MM-DD)' },
      'issuedOn',
    );
  const renewal = renewalOn || addYears(issuedOn, renewalYears);
  if (!DATE.test(renewal) || Number.isNaN(Date.parse(renewal)) || renewal <= issuedOn)
    throw new ValidationError(
      {
        fr: 'la date de recyclage doit suivre la date de délivrance',
        en: 'the renewal date must follow the issue date',
      },
      'renewalOn',
    );
  return renewal;
}

/** Grants (or renews) a symbol; the renewal date defaults to issue + the configured years. */
export async function grantHabilitation(
  db: Db,
  site: number,
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
  const renewal = renewalDate(input.issuedOn, input.renewalOn, renewalYears);
  // Granted by the site the person works on: another site's people are not found from here.
  const user = await db.get('SELECT user_id FROM site_members WHERE user_id = ? AND site_id = ?', [
    input.userId,
    site,
  ]);
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
  const expired = (lang: 'fr' | 'en') =>
    covering.map((h) => `${h.symbol} ${formatDay(lang, h.renewal_on)}`).join(', ');
  return {
    ok: false,
    reason: {
      fr: `l'habilitation de ${who} couvrant ${required} n'est plus valide (recyclage dépassé : ${expired('fr')}) — travaux haute tension refusés (NF C18-550)`,
      en: `${who}'s habilitation covering ${required} is no longer valid (renewal overdue: ${expired('en')}) — high-voltage work refused (NF C18-550)`,
    },
  };
}

export interface HabAlert extends Habilitation {
  user_name: string;
  days_left: number;
  expired: boolean;
}

/** Habilitations expiring within `alertDays` of today, or already expired; soonest first. */
export async function habilitationAlerts(
  db: Db,
  site: number,
  today: string,
  alertDays: number,
): Promise<HabAlert[]> {
  const rows = await db.all<Habilitation & { user_name: string }>(
    `SELECT h.*, u.name AS user_name FROM habilitations h JOIN users u ON u.id = h.user_id
     JOIN site_members m ON m.user_id = u.id AND m.site_id = ?
     WHERE u.active = 1 ORDER BY h.renewal_on`,
    [site],
  );
  return rows
    .map((h) => ({ ...h, days_left: daysBetween(today, h.renewal_on), expired: h.renewal_on < today }))
    .filter((h) => h.days_left <= alertDays);
}

/** Grants a habilitation, renewal date by the workshop's setting unless given, in one transaction. */
export async function grantHabilitationNow(
  store: Store,
  site: number,
  input: { userId: number; symbol: string; issuedOn: string; renewalOn?: string; issuedBy?: string },
): Promise<Habilitation> {
  const { habilitationRenewalYears } = await getSettings(store);
  return store.transaction((tx) => grantHabilitation(tx, site, input, habilitationRenewalYears));
}

/** A habilitation of someone with a role on `site` (they hold it wherever they work). */
export async function getHabilitation(db: Db, site: number, id: number): Promise<Habilitation> {
  const row = await db.get<Habilitation>(
    `SELECT h.* FROM habilitations h
     WHERE h.id = ? AND (EXISTS (SELECT 1 FROM site_members m WHERE m.user_id = h.user_id AND m.site_id = ?)
                         OR EXISTS (SELECT 1 FROM users u WHERE u.id = h.user_id AND u.group_role IS NOT NULL))`,
    [id, site],
  );
  if (!row) throw new NotFoundError({ fr: 'Habilitation', en: 'Habilitation' }, id);
  return row;
}

/** Where a habilitation stands today: valid, due for its refresher within the alert window, expired. */
export type HabStatus = 'valid' | 'due' | 'expired' | 'not-yet';
export function habilitationStatus(
  h: Pick<Habilitation, 'issued_on' | 'renewal_on'>,
  today: string,
  alertDays: number,
): { status: HabStatus; daysLeft: number } {
  const daysLeft = daysBetween(today, h.renewal_on);
  if (h.issued_on > today) return { status: 'not-yet', daysLeft };
  if (h.renewal_on < today) return { status: 'expired', daysLeft };
  return { status: daysLeft <= alertDays ? 'due' : 'valid', daysLeft };
}

/**
 * Corrects a habilitation's dates or issuer (after a refresher course, or a typing error); the
 * symbol stays (a different symbol is another habilitation). Recorded in the audit log.
 */
export async function updateHabilitation(
  store: Store,
  site: number,
  id: number,
  input: { issuedOn: string; renewalOn?: string; issuedBy?: string },
  byUser: number,
  now: number,
): Promise<Habilitation> {
  const { habilitationRenewalYears } = await getSettings(store);
  return store.transaction(async (tx) => {
    const h = await getHabilitation(tx, site, id);
    const renewal = renewalDate(input.issuedOn, input.renewalOn, habilitationRenewalYears);
    const updated = (await tx.get<Habilitation>(
      'UPDATE habilitations SET issued_on = ?, renewal_on = ?, issued_by = ? WHERE id = ? RETURNING *',
      [input.issuedOn, renewal, input.issuedBy ?? h.issued_by, id],
    ))!;
    await tx.run('INSERT INTO audit_log (site_id, at, user_id, action, subject) VALUES (?, ?, ?, ?, ?)', [
      site,
      now,
      byUser,
      'habilitation.update',
      `user:${h.user_id} ${h.symbol} ${updated.issued_on}→${updated.renewal_on}`,
    ]);
    return updated;
  });
}

/** Withdraws a habilitation (the employer's decision); the audit log keeps what it was and who withdrew it. */
export async function revokeHabilitation(
  store: Store,
  site: number,
  id: number,
  byUser: number,
  now: number,
): Promise<void> {
  await store.transaction(async (tx) => {
    const h = await getHabilitation(tx, site, id);
    await tx.run('DELETE FROM habilitations WHERE id = ?', [id]);
    await tx.run('INSERT INTO audit_log (site_id, at, user_id, action, subject) VALUES (?, ?, ?, ?, ?)', [
      site,
      now,
      byUser,
      'habilitation.revoke',
      `user:${h.user_id} ${h.symbol} ${h.issued_on}→${h.renewal_on}`,
    ]);
  });
}

/** Who on `site` (active people) holds, valid today, a habilitation covering `required`. */
export async function holdersOn(
  db: Db,
  site: number,
  required: HabSymbol,
  today: string,
): Promise<{ user_id: number; name: string; symbol: HabSymbol; renewal_on: string }[]> {
  const rows = await db.all<Habilitation & { name: string }>(
    `SELECT h.*, u.name AS name FROM habilitations h JOIN users u ON u.id = h.user_id
     JOIN site_members m ON m.user_id = u.id AND m.site_id = ?
     WHERE u.active = 1 ORDER BY u.name, h.symbol`,
    [site],
  );
  return rows
    .filter((h) => COVERED_BY[required].includes(h.symbol) && h.issued_on <= today && today <= h.renewal_on)
    .map((h) => ({ user_id: h.user_id, name: h.name, symbol: h.symbol, renewal_on: h.renewal_on }));
}

/**
 * Where a person stands for one symbol today, and who else on `site` holds a valid covering one:
 * what the gate checks at the click, and what the guided page says before it.
 */
export interface HabStanding {
  symbol: HabSymbol;
  check: HabCheck;
  /** Active people of the site, the person excepted, holding a valid covering habilitation. */
  holders: { user_id: number; name: string; symbol: HabSymbol; renewal_on: string }[];
  /** The person's own valid covering habilitation's renewal day, when they hold one. */
  renewalOn?: string;
}

export async function habilitationStanding(
  db: Db,
  site: number,
  user: { id: number; name: string },
  required: string,
  today: string,
): Promise<HabStanding> {
  if (!isSymbol(required))
    throw new ValidationError({
      fr: `symbole d'habilitation inconnu « ${required} »`,
      en: `unknown habilitation symbol '${required}'`,
    });
  const held = await habilitationsOf(db, user.id);
  const check = checkHabilitation(held, required, today, user.name);
  const holders = (await holdersOn(db, site, required, today)).filter((h) => h.user_id !== user.id);
  const own = check.ok ? held.find((h) => h.symbol === check.symbol) : undefined;
  return { symbol: required, check, holders, ...(own ? { renewalOn: own.renewal_on } : {}) };
}

/** Who on the site holds it, in words: the names and their symbols, or that nobody does and what to do. */
export function holdersText(standing: HabStanding): Text {
  const who = standing.holders.map((h) => `${h.name} (${h.symbol})`).join(', ');
  return who
    ? { fr: `Sur ce site, la détiennent : ${who}.`, en: `On this site it is held by: ${who}.` }
    : {
        fr: "Personne sur ce site ne la détient : faire appel à une personne habilitée d'un autre site ou à un spécialiste.",
        en: 'Nobody on this site holds it: call on a habilitated person from another site or a specialist.',
      };
}

/**
 * The high-voltage gate of a guided diagnosis step: the logged-in person's own habilitations in the
 * people register must cover `required` today (issued, not past renewal). Refused (403) otherwise,
 * naming the habilitation needed and who on the site holds it — never a box to tick.
 */
export async function requireHabilitation(
  db: Db,
  site: number,
  user: { id: number; name: string },
  required: string,
  today: string,
): Promise<HabSymbol> {
  const standing = await habilitationStanding(db, site, user, required, today);
  const { check, symbol } = standing;
  if (check.ok) return check.symbol;
  const who = holdersText(standing);
  throw new ForbiddenError({
    fr: `${check.reason.fr}. ${symbol} : ${SYMBOL_INFO[symbol].role.fr.toLowerCase()}. ${who.fr}`,
    en: `${check.reason.en}. ${symbol}: ${SYMBOL_INFO[symbol].role.en.toLowerCase()}. ${who.en}`,
  });
}
