/**
 * Who the workshop is on its documents — the mentions a quote, a repair order and an invoice must
 * carry (name, legal form, SIRET, VAT number, register, address; Code de commerce R123-237 and
 * L441-9, CGI art. 242 nonies A) — and the hourly labour rates it posts (arrêté du 2 mars 1990:
 * rates displayed TTC per category of work, and how time is billed).
 */
import { parseDecimal } from '@atelier/facturx';
import type { Text } from '../i18n.js';
import type { Db } from '../store/store.js';
import { NotFoundError, ValidationError } from './errors.js';

export const TIME_BILLING = ['schedule', 'actual'] as const;
export type TimeBilling = (typeof TIME_BILLING)[number];
export const TIME_BILLING_LABEL: Record<TimeBilling, Text> = {
  schedule: {
    fr: 'au temps barémé (temps forfaitaires du constructeur)',
    en: "by scheduled time (the manufacturer's flat times)",
  },
  actual: { fr: 'au temps réellement passé', en: 'by the time actually spent' },
};

export interface WorkshopProfile {
  legal_name: string;
  trading_name: string;
  legal_form: string;
  siret: string;
  vat_id: string;
  register: string;
  address_line1: string;
  address_line2: string;
  postcode: string;
  city: string;
  country: string;
  phone: string;
  email: string;
  iban: string;
  bic: string;
  /** 0: payable on receipt. */
  payment_days: number;
  quote_validity_days: number;
  /** 0: the quote is free. */
  quote_fee_cents: number;
  time_billing: TimeBilling;
  /** The consumer mediator the customer may refer a dispute to (Code de la consommation L612-1). */
  mediator: string;
  updated_at: number | null;
}

const TEXT_FIELDS = [
  'legal_name',
  'trading_name',
  'legal_form',
  'siret',
  'vat_id',
  'register',
  'address_line1',
  'address_line2',
  'postcode',
  'city',
  'country',
  'phone',
  'email',
  'iban',
  'bic',
  'mediator',
] as const;

/** What a site shows before its identity is first saved: nothing filled in (documents refuse to go out). */
const BLANK_PROFILE: WorkshopProfile = {
  legal_name: '',
  trading_name: '',
  legal_form: '',
  siret: '',
  vat_id: '',
  register: '',
  address_line1: '',
  address_line2: '',
  postcode: '',
  city: '',
  country: 'FR',
  phone: '',
  email: '',
  iban: '',
  bic: '',
  payment_days: 0,
  quote_validity_days: 30,
  quote_fee_cents: 0,
  time_billing: 'schedule',
  mediator: '',
  updated_at: null,
};

/**
 * The identity of `site` on its documents: each site of a group is an establishment with its own
 * SIRET, address and terms. A site whose identity was never saved has a blank one.
 */
export async function getProfile(db: Db, site: number): Promise<WorkshopProfile> {
  const p = await db.get<WorkshopProfile>(
    `SELECT legal_name, trading_name, legal_form, siret, vat_id, register, address_line1, address_line2, postcode,
            city, country, phone, email, iban, bic, payment_days, quote_validity_days, quote_fee_cents,
            time_billing, mediator, updated_at
     FROM workshop_profile WHERE site_id = ?`,
    [site],
  );
  return p ?? { ...BLANK_PROFILE };
}

/** SIRET: 14 digits whose Luhn sum is a multiple of 10 (La Poste's establishments excepted by INSEE). */
export function isSiret(s: string): boolean {
  if (!/^\d{14}$/.test(s)) return false;
  if (s.startsWith('356000000')) return [...s].reduce((a, c) => a + Number(c), 0) % 5 === 0;
  let sum = 0;
  for (let i = 0; i < 14; i++) {
    let d = Number(s[13 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** French intra-community VAT number: FR, a 2-digit key, the SIREN; the key is (12 + 3 × (SIREN mod 97)) mod 97. */
export function isFrenchVatId(vat: string, siren?: string): boolean {
  const m = /^FR(\d{2})(\d{9})$/.exec(vat);
  if (!m) return false;
  if (siren && m[2] !== siren) return false;
  return Number(m[1]) === (12 + 3 * (Number(m[2]) % 97)) % 97;
}

/** What the documents would lack: each missing mention named, in both languages. */
export function profileProblems(p: WorkshopProfile): Text[] {
  const out: Text[] = [];
  const need = (ok: boolean, text: Text) => ok || out.push(text);
  need(!!p.legal_name.trim(), { fr: 'raison sociale', en: 'legal name' });
  need(!!p.legal_form.trim(), { fr: 'forme juridique et capital', en: 'legal form and share capital' });
  need(isSiret(p.siret), { fr: 'SIRET valide (14 chiffres)', en: 'valid SIRET (14 digits)' });
  need(isFrenchVatId(p.vat_id, p.siret.slice(0, 9)), {
    fr: 'numéro de TVA intracommunautaire (FR + clé + SIREN)',
    en: 'intra-community VAT number (FR + key + SIREN)',
  });
  need(!!p.register.trim(), { fr: 'immatriculation RCS ou RM', en: 'trade (RCS) or crafts (RM) register' });
  need(!!(p.address_line1.trim() && p.postcode.trim() && p.city.trim()), { fr: 'adresse', en: 'address' });
  return out;
}

export function profileInput(body: Record<string, unknown>): Partial<WorkshopProfile> {
  const out: Partial<WorkshopProfile> = {};
  for (const f of TEXT_FIELDS)
    if (typeof body[f] === 'string') (out as Record<string, unknown>)[f] = (body[f] as string).trim();
  for (const f of ['payment_days', 'quote_validity_days'] as const)
    if (body[f] !== undefined && body[f] !== '') out[f] = Number(body[f]);
  if (typeof body.quote_fee === 'string' || typeof body.quote_fee === 'number') {
    const cents = parseDecimal(String(body.quote_fee), 100);
    if (cents === null || cents < 0)
      throw new ValidationError({ fr: 'prix du devis invalide', en: 'invalid quote fee' }, 'quote_fee');
    out.quote_fee_cents = cents;
  }
  if (typeof body.time_billing === 'string') out.time_billing = body.time_billing as TimeBilling;
  return out;
}

export async function updateProfile(
  db: Db,
  site: number,
  patch: Partial<WorkshopProfile>,
  byUser: number,
  now: number,
): Promise<WorkshopProfile> {
  if (patch.siret !== undefined) patch.siret = patch.siret.replace(/\s+/g, '');
  if (patch.vat_id !== undefined) patch.vat_id = patch.vat_id.replace(/\s+/g, '').toUpperCase();
  if (patch.country !== undefined) patch.country = patch.country.toUpperCase();
  if (patch.siret && !isSiret(patch.siret))
    throw new ValidationError(
      { fr: 'SIRET invalide (14 chiffres, clé de Luhn)', en: 'invalid SIRET (14 digits, Luhn key)' },
      'siret',
    );
  if (patch.vat_id && patch.country === 'FR' && !isFrenchVatId(patch.vat_id))
    throw new ValidationError(
      { fr: 'numéro de TVA invalide (FR + clé + SIREN)', en: 'invalid VAT number (FR + key + SIREN)' },
      'vat_id',
    );
  if (patch.country !== undefined && !/^[A-Z]{2}$/.test(patch.country))
    throw new ValidationError(
      { fr: 'pays : code à deux lettres (FR)', en: 'country: two-letter code (FR)' },
      'country',
    );
  if (patch.time_billing !== undefined && !TIME_BILLING.includes(patch.time_billing))
    throw new ValidationError(
      { fr: 'mode de facturation du temps inconnu', en: 'unknown time billing' },
      'time_billing',
    );
  for (const [f, max] of [
    ['payment_days', 60],
    ['quote_validity_days', 365],
  ] as const) {
    const v = patch[f];
    if (v !== undefined && !(Number.isInteger(v) && v >= 0 && v <= max))
      throw new ValidationError(
        { fr: `${f} : entier de 0 à ${max}`, en: `${f}: an integer from 0 to ${max}` },
        f,
      );
  }
  const fields = Object.keys(patch).filter((k) =>
    [...TEXT_FIELDS, 'payment_days', 'quote_validity_days', 'quote_fee_cents', 'time_billing'].includes(k),
  ) as (keyof WorkshopProfile)[];
  if (fields.length) {
    await db.run('INSERT INTO workshop_profile (site_id) VALUES (?) ON CONFLICT (site_id) DO NOTHING', [
      site,
    ]);
    await db.run(
      `UPDATE workshop_profile SET ${fields.map((f) => `${f} = ?`).join(', ')}, updated_by = ?, updated_at = ? WHERE site_id = ?`,
      [...fields.map((f) => patch[f] as string | number), byUser, now, site],
    );
  }
  return getProfile(db, site);
}

export interface LabourRate {
  id: number;
  code: string;
  label_fr: string;
  label_en: string;
  /** Excluding VAT, per hour. */
  rate_cents: number;
  vat_rate_bp: number;
  active: number;
}

/** The rates `site` posts (each site of a group posts its own). */
export function listRates(db: Db, site: number, activeOnly = false): Promise<LabourRate[]> {
  return db.all<LabourRate>(
    `SELECT * FROM labour_rates WHERE site_id = ? ${activeOnly ? 'AND active = 1' : ''} ORDER BY code`,
    [site],
  );
}

/** A rate of `site`: another site's is not found. */
export async function getRate(db: Db, site: number, id: number): Promise<LabourRate> {
  const r = await db.get<LabourRate>('SELECT * FROM labour_rates WHERE id = ? AND site_id = ?', [id, site]);
  if (!r) throw new NotFoundError({ fr: 'Taux horaire', en: 'Hourly rate' }, id);
  return r;
}

/** Creates or updates (by code) a posted hourly rate. Lines already priced keep their price. */
export async function saveRate(
  db: Db,
  site: number,
  input: {
    code: string;
    labelFr: string;
    labelEn?: string;
    rateCents: number;
    vatRateBp?: number;
    active?: boolean;
  },
): Promise<LabourRate> {
  const code = input.code.trim().toUpperCase();
  if (!/^[A-Z0-9_-]{1,12}$/.test(code))
    throw new ValidationError(
      { fr: 'code : 1 à 12 lettres ou chiffres', en: 'code: 1 to 12 letters or digits' },
      'code',
    );
  if (!input.labelFr.trim())
    throw new ValidationError({ fr: 'libellé obligatoire', en: 'label required' }, 'labelFr');
  if (!Number.isSafeInteger(input.rateCents) || input.rateCents < 0 || input.rateCents > 100_000_00)
    throw new ValidationError({ fr: 'taux horaire invalide', en: 'invalid hourly rate' }, 'rate');
  const vat = input.vatRateBp ?? 2000;
  const existing = await db.get<LabourRate>('SELECT * FROM labour_rates WHERE code = ? AND site_id = ?', [
    code,
    site,
  ]);
  const values = [
    input.labelFr.trim(),
    (input.labelEn ?? input.labelFr).trim(),
    input.rateCents,
    vat,
    input.active === false ? 0 : 1,
  ];
  if (existing) {
    await db.run(
      'UPDATE labour_rates SET label_fr = ?, label_en = ?, rate_cents = ?, vat_rate_bp = ?, active = ? WHERE id = ?',
      [...values, existing.id],
    );
    return getRate(db, site, existing.id);
  }
  return (await db.get<LabourRate>(
    'INSERT INTO labour_rates (label_fr, label_en, rate_cents, vat_rate_bp, active, code, site_id) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *',
    [...values, code, site],
  ))!;
}
