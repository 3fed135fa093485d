/**
 * The quote (devis) of a repair order as a document: priced lines — labour at a posted hourly rate
 * (scheduled or actual time) or flat, parts with their reference, quantity and origin (new or from
 * the circular economy, PIEC) — a VAT rate per line, totals by @atelier/facturx's rule, editable
 * until the customer agrees; then the customer's agreement: how (signature drawn on the tablet, by
 * phone, by e-mail), when, by whom recorded, for which lines and amount, with their PIEC choice.
 */
import { computeTotals, lineNet, type Totals } from '@atelier/facturx';
import type { Text } from '../i18n.js';
import type { Db, Store } from '../store/store.js';
import { type Energy, STATE_LABEL, type State } from './domain.js';
import { ConflictError, NotFoundError, ValidationError } from './errors.js';
import { isoDate } from './habilitations.js';
import { formatRequirement, type HvWork, hvRequirement, isHvWork } from './hv.js';
import { getProfile, getRate, profileProblems } from './workshop-profile.js';

export const LINE_UNITS = ['hour', 'unit', 'litre', 'flat'] as const;
export type LineUnit = (typeof LINE_UNITS)[number];
export const UNIT_LABEL: Record<LineUnit, Text> = {
  hour: { fr: 'h', en: 'h' },
  unit: { fr: 'u.', en: 'pc' },
  litre: { fr: 'L', en: 'L' },
  flat: { fr: 'forfait', en: 'flat rate' },
};
/** UN/ECE Recommendation 20 codes for the invoice's XML. */
export const UNIT_CODE: Record<LineUnit, string> = { hour: 'HUR', unit: 'C62', litre: 'LTR', flat: 'C62' };

export const TIME_BASES = ['schedule', 'actual', 'flat'] as const;
export type TimeBasis = (typeof TIME_BASES)[number];
export const TIME_BASIS_LABEL: Record<TimeBasis, Text> = {
  schedule: { fr: 'temps barémé', en: 'scheduled time' },
  actual: { fr: 'temps passé', en: 'time spent' },
  flat: { fr: 'forfait', en: 'flat rate' },
};

/** Pièces issues de l'économie circulaire (Code de la consommation L224-67, R224-22 ff.). */
export const PART_ORIGINS = ['new', 'reuse', 'exchange'] as const;
export type PartOrigin = (typeof PART_ORIGINS)[number];
export const PART_ORIGIN_LABEL: Record<PartOrigin, Text> = {
  new: { fr: 'neuve', en: 'new' },
  reuse: { fr: 'réemploi (PIEC)', en: 'reused (circular economy)' },
  exchange: { fr: 'échange standard (PIEC)', en: 'standard exchange (circular economy)' },
};

export const PIEC_CHOICES = ['piec', 'new'] as const;
export type PiecChoice = (typeof PIEC_CHOICES)[number];
export const PIEC_CHOICE_LABEL: Record<PiecChoice, Text> = {
  piec: {
    fr: 'le client accepte des pièces issues de l’économie circulaire quand elles existent',
    en: 'the customer accepts circular-economy parts where available',
  },
  new: { fr: 'le client veut des pièces neuves', en: 'the customer wants new parts' },
};

export const AGREEMENT_METHODS = ['signature', 'phone', 'email'] as const;
export type AgreementMethod = (typeof AGREEMENT_METHODS)[number];
export const AGREEMENT_LABEL: Record<AgreementMethod, Text> = {
  signature: { fr: 'signature sur la tablette', en: 'signature on the tablet' },
  phone: { fr: 'par téléphone', en: 'by phone' },
  email: { fr: 'par e-mail', en: 'by e-mail' },
};

/** French VAT rates a garage meets (standard, intermediate, reduced, super-reduced), basis points. */
export const VAT_RATES = [2000, 1000, 550, 210, 0] as const;

export interface QuoteLine {
  id: number;
  ro_id: number;
  kind: 'labour' | 'part';
  description: string;
  /** Hours sold: for the KPIs (efficiency), whatever the pricing. */
  sold_hours: number;
  /** The line's net amount excluding VAT (quantity × unit price, rounded). */
  price_cents: number;
  status: 'proposed' | 'approved' | 'declined';
  followup_on: string | null;
  quantity_milli: number;
  unit: LineUnit;
  unit_price_cents: number;
  vat_rate_bp: number;
  part_ref: string;
  part_origin: PartOrigin | null;
  labour_rate_id: number | null;
  time_basis: TimeBasis | null;
  schedule_ref: string;
  hv_work: HvWork;
  source: string;
}

export interface LineInput {
  kind: string;
  description: string;
  /** Labour: the posted rate the hours are billed at. */
  rateId?: number;
  /** Labour: hours (scheduled or spent), or hours sold within a flat rate. */
  hours?: number;
  timeBasis?: string;
  scheduleRef?: string;
  hvWork?: string;
  /** Parts: quantity (decimal), unit and reference. */
  quantity?: number;
  unit?: string;
  partRef?: string;
  origin?: string;
  /** Parts, and flat-rate labour: the unit price excluding VAT, in cents. */
  unitPriceCents?: number;
  vatRateBp?: number;
  source?: string;
}

/** The states in which the quote can change: before the customer has it, or sent back to be redone. */
export const EDITABLE_STATES: readonly State[] = ['reception', 'diagnosis', 'quote'];

const LINE = { fr: 'Ligne de devis', en: 'Quote line' };

const milli = (x: number, field: string): number => {
  const m = Math.round(x * 1000);
  if (!Number.isFinite(x) || Math.abs(x * 1000 - m) > 1e-6 || m <= 0 || m > 1_000_000)
    throw new ValidationError(
      {
        fr: 'quantité invalide (positive, 3 décimales au plus)',
        en: 'invalid quantity (positive, at most 3 decimals)',
      },
      field,
    );
  return m;
};

/** The stored columns of a line from what was typed, checked; the rate read for labour. */
async function lineColumns(db: Db, site: number, input: LineInput) {
  const description = input.description.trim();
  if (!description)
    throw new ValidationError({ fr: 'libellé obligatoire', en: 'description required' }, 'description');
  if (description.length > 500)
    throw new ValidationError(
      { fr: 'libellé trop long (500 caractères)', en: 'description too long (500 characters)' },
      'description',
    );
  const vat = input.vatRateBp;
  if (vat !== undefined && !(VAT_RATES as readonly number[]).includes(vat))
    throw new ValidationError({ fr: 'taux de TVA inconnu', en: 'unknown VAT rate' }, 'vatRate');
  const hvWork = input.hvWork ?? 'none';
  if (!isHvWork(hvWork))
    throw new ValidationError(
      { fr: 'opération haute tension inconnue', en: 'unknown high-voltage operation' },
      'hvWork',
    );
  const price = input.unitPriceCents;
  if (price !== undefined && !(Number.isSafeInteger(price) && price >= 0 && price <= 100_000_000))
    throw new ValidationError({ fr: 'prix unitaire invalide', en: 'invalid unit price' }, 'unitPrice');
  if (input.kind === 'labour') {
    const basis =
      input.timeBasis ?? (input.rateId || input.unitPriceCents === undefined ? 'schedule' : 'flat');
    if (!(TIME_BASES as readonly string[]).includes(basis))
      throw new ValidationError(
        { fr: 'mode de facturation du temps inconnu', en: 'unknown time basis' },
        'timeBasis',
      );
    const hours = input.hours ?? 0;
    if (!(hours >= 0 && hours <= 100))
      throw new ValidationError(
        { fr: 'temps invalide (0 à 100 h)', en: 'invalid time (0 to 100 h)' },
        'hours',
      );
    if (basis === 'flat') {
      if (price === undefined)
        throw new ValidationError(
          { fr: 'prix du forfait obligatoire', en: 'flat-rate price required' },
          'unitPrice',
        );
      return {
        kind: 'labour' as const,
        description,
        quantity_milli: 1000,
        unit: 'flat' as LineUnit,
        unit_price_cents: price,
        vat_rate_bp: vat ?? 2000,
        sold_hours: hours,
        part_ref: '',
        part_origin: null,
        labour_rate_id: input.rateId ?? null,
        time_basis: basis as TimeBasis,
        schedule_ref: (input.scheduleRef ?? '').trim(),
        hv_work: hvWork,
      };
    }
    if (!input.rateId)
      throw new ValidationError(
        {
          fr: 'choisissez le taux horaire affiché qui s’applique',
          en: 'choose the posted hourly rate that applies',
        },
        'rateId',
      );
    const rate = await getRate(db, site, input.rateId);
    if (!rate.active)
      throw new ValidationError(
        { fr: 'ce taux horaire n’est plus affiché', en: 'this hourly rate is no longer posted' },
        'rateId',
      );
    return {
      kind: 'labour' as const,
      description,
      quantity_milli: milli(hours, 'hours'),
      unit: 'hour' as LineUnit,
      unit_price_cents: rate.rate_cents,
      vat_rate_bp: vat ?? rate.vat_rate_bp,
      sold_hours: hours,
      part_ref: '',
      part_origin: null,
      labour_rate_id: rate.id,
      time_basis: basis as TimeBasis,
      schedule_ref: (input.scheduleRef ?? '').trim(),
      hv_work: hvWork,
    };
  }
  if (input.kind !== 'part')
    throw new ValidationError(
      { fr: 'type de ligne : main-d’œuvre ou pièce', en: 'line kind: labour or part' },
      'kind',
    );
  const unit = input.unit ?? 'unit';
  if (unit !== 'unit' && unit !== 'litre')
    throw new ValidationError({ fr: 'unité : pièce ou litre', en: 'unit: piece or litre' }, 'unit');
  const origin = input.origin ?? 'new';
  if (!(PART_ORIGINS as readonly string[]).includes(origin))
    throw new ValidationError({ fr: 'origine de la pièce inconnue', en: 'unknown part origin' }, 'origin');
  if (price === undefined)
    throw new ValidationError({ fr: 'prix unitaire obligatoire', en: 'unit price required' }, 'unitPrice');
  return {
    kind: 'part' as const,
    description,
    quantity_milli: milli(input.quantity ?? 1, 'quantity'),
    unit: unit as LineUnit,
    unit_price_cents: price,
    vat_rate_bp: vat ?? 2000,
    sold_hours: 0,
    part_ref: (input.partRef ?? '').trim().slice(0, 60),
    part_origin: origin as PartOrigin,
    labour_rate_id: null,
    time_basis: null,
    schedule_ref: '',
    hv_work: hvWork,
  };
}

interface OrderHead {
  id: number;
  state: State;
  vehicle_id: number;
}

/** An order of `site` whose quote may change (another site's order is not found). */
async function editableOrder(db: Db, site: number, roId: number): Promise<OrderHead> {
  const ro = await db.get<OrderHead>(
    'SELECT id, state, vehicle_id FROM repair_orders WHERE id = ? AND site_id = ?',
    [roId, site],
  );
  if (!ro) throw new NotFoundError({ fr: 'Ordre de réparation', en: 'Repair order' }, roId);
  if (!EDITABLE_STATES.includes(ro.state))
    throw new ConflictError(
      {
        fr: `le devis ne se modifie plus à l’étape « ${STATE_LABEL[ro.state].fr} » : ${ro.state === 'awaiting_approval' ? 'repassez l’ordre en « Devis » pour le refaire' : 'le client a donné son accord'}`,
        en: `the quote can no longer change at '${STATE_LABEL[ro.state].en}': ${ro.state === 'awaiting_approval' ? "move the order back to 'Quote' to redo it" : 'the customer has agreed'}`,
      },
      'state',
    );
  return ro;
}

/** The order's HV requirement from its vehicle and the lines not declined, written back on the order. */
export async function refreshHvRequirement(db: Db, roId: number): Promise<string | null> {
  const v = await db.get<{ energy: Energy }>(
    'SELECT v.energy FROM repair_orders r JOIN vehicles v ON v.id = r.vehicle_id WHERE r.id = ?',
    [roId],
  );
  const works = await db.all<{ hv_work: string }>(
    "SELECT hv_work FROM ro_lines WHERE ro_id = ? AND status <> 'declined'",
    [roId],
  );
  const req = formatRequirement(hvRequirement(v!.energy, works.map((w) => w.hv_work).filter(isHvWork)));
  await db.run('UPDATE repair_orders SET hv_requirement = ? WHERE id = ?', [req, roId]);
  return req;
}

export function linesOf(db: Db, roId: number): Promise<QuoteLine[]> {
  return db.all<QuoteLine>('SELECT * FROM ro_lines WHERE ro_id = ? ORDER BY id', [roId]);
}

export async function addLine(
  store: Store,
  site: number,
  roId: number,
  input: LineInput,
): Promise<QuoteLine> {
  return store.transaction(async (tx) => {
    await editableOrder(tx, site, roId);
    const c = await lineColumns(tx, site, input);
    const line = await tx.get<QuoteLine>(
      `INSERT INTO ro_lines (ro_id, kind, description, sold_hours, price_cents, status, quantity_milli, unit, unit_price_cents,
         vat_rate_bp, part_ref, part_origin, labour_rate_id, time_basis, schedule_ref, hv_work, source)
       VALUES (?, ?, ?, ?, ?, 'proposed', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      [
        roId,
        c.kind,
        c.description,
        c.sold_hours,
        lineNet(c.quantity_milli, c.unit_price_cents),
        c.quantity_milli,
        c.unit,
        c.unit_price_cents,
        c.vat_rate_bp,
        c.part_ref,
        c.part_origin,
        c.labour_rate_id,
        c.time_basis,
        c.schedule_ref,
        c.hv_work,
        input.source ?? '',
      ],
    );
    await refreshHvRequirement(tx, roId);
    return line!;
  });
}

async function lineOf(db: Db, roId: number, lineId: number): Promise<QuoteLine> {
  const l = await db.get<QuoteLine>('SELECT * FROM ro_lines WHERE id = ? AND ro_id = ?', [lineId, roId]);
  if (!l) throw new NotFoundError(LINE, lineId);
  return l;
}

/** Changes a line (every field as typed again) while the quote is editable. */
export async function updateLine(
  store: Store,
  site: number,
  roId: number,
  lineId: number,
  input: LineInput,
): Promise<QuoteLine> {
  return store.transaction(async (tx) => {
    await editableOrder(tx, site, roId);
    const old = await lineOf(tx, roId, lineId);
    const c = await lineColumns(tx, site, { ...input, kind: input.kind || old.kind });
    await tx.run(
      `UPDATE ro_lines SET kind = ?, description = ?, sold_hours = ?, price_cents = ?, quantity_milli = ?, unit = ?,
         unit_price_cents = ?, vat_rate_bp = ?, part_ref = ?, part_origin = ?, labour_rate_id = ?, time_basis = ?,
         schedule_ref = ?, hv_work = ? WHERE id = ?`,
      [
        c.kind,
        c.description,
        c.sold_hours,
        lineNet(c.quantity_milli, c.unit_price_cents),
        c.quantity_milli,
        c.unit,
        c.unit_price_cents,
        c.vat_rate_bp,
        c.part_ref,
        c.part_origin,
        c.labour_rate_id,
        c.time_basis,
        c.schedule_ref,
        c.hv_work,
        lineId,
      ],
    );
    await refreshHvRequirement(tx, roId);
    return lineOf(tx, roId, lineId);
  });
}

/** Removes a line while the quote is editable (a clocking entry on it keeps its time, unlinked from the line). */
export async function deleteLine(store: Store, site: number, roId: number, lineId: number): Promise<void> {
  await store.transaction(async (tx) => {
    await editableOrder(tx, site, roId);
    await lineOf(tx, roId, lineId);
    await tx.run('UPDATE clock_entries SET line_id = NULL WHERE line_id = ?', [lineId]);
    await tx.run('DELETE FROM ro_lines WHERE id = ? AND ro_id = ?', [lineId, roId]);
    await refreshHvRequirement(tx, roId);
  });
}

/** Totals of the lines that count: all proposed ones before agreement, the approved ones after. */
export function quoteTotals(lines: readonly QuoteLine[]): Totals {
  return computeTotals(
    lines
      .filter((l) => l.status !== 'declined')
      .map((l) => ({
        quantityMilli: l.quantity_milli,
        unitPriceCents: l.unit_price_cents,
        vatRateBp: l.vat_rate_bp,
      })),
  );
}

/** Totals in euros as the API gives them. */
export const euros = (t: Totals) => ({ ht: t.ht / 100, tva: t.tva / 100, ttc: t.ttc / 100 });

/**
 * Checks run when the quote goes to the customer (quote → awaiting approval): at least one line,
 * the workshop's identity complete (a quote is a document with the legal mentions). Sets the date
 * sent and the validity.
 */
export async function sendQuote(db: Db, site: number, roId: number, now: number): Promise<void> {
  const lines = await linesOf(db, roId);
  if (!lines.length)
    throw new ConflictError({ fr: 'le devis n’a aucune ligne', en: 'the quote has no lines' }, 'lines');
  const profile = await getProfile(db, site);
  const missing = profileProblems(profile);
  if (missing.length)
    throw new ConflictError(
      {
        fr: `le devis ne peut partir sans les mentions de l’atelier : ${missing.map((m) => m.fr).join(', ')} (Paramètres › Atelier)`,
        en: `the quote cannot go out without the workshop's mentions: ${missing.map((m) => m.en).join(', ')} (Settings › Workshop)`,
      },
      'profile',
    );
  await db.run('UPDATE repair_orders SET quote_sent_at = ?, quote_valid_until = ? WHERE id = ?', [
    now,
    isoDate(now + profile.quote_validity_days * 86_400_000),
    roId,
  ]);
}

export interface Agreement {
  id: number;
  ro_id: number;
  method: AgreementMethod;
  agreed_at: number;
  signer_name: string;
  reference: string;
  signature: string | null;
  amount_ttc_cents: number;
  approved_lines: string;
  piec_choice: PiecChoice | null;
  recorded_by: number;
  recorded_by_name?: string | null;
  recorded_at: number;
}

export interface AgreementInput {
  approvedLineIds: number[];
  followupOn?: string;
  method: string;
  signerName: string;
  /** Phone: the number called and who answered; e-mail: the message (date, subject). */
  reference?: string;
  /** A PNG drawn on the tablet, as a data URL. */
  signature?: string;
  /** When the customer agreed (a phone call earlier in the day); now when absent. */
  agreedAt?: number;
  piecChoice?: string;
}

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** The largest signature image kept (a drawn signature is a few kilobytes). */
export const MAX_SIGNATURE_BYTES = 200_000;

/** A drawn signature: a PNG data URL, a real PNG, of reasonable size; refused otherwise. */
export function checkSignature(dataUrl: string | undefined): string {
  const m = /^data:image\/png;base64,([A-Za-z0-9+/=]+)$/.exec(dataUrl ?? '');
  const bytes = m ? Buffer.from(m[1]!, 'base64') : null;
  if (!bytes || bytes.length < 60 || !bytes.subarray(0, 8).equals(PNG))
    throw new ValidationError(
      {
        fr: 'signature absente : faites signer le client sur la tablette',
        en: 'no signature: have the customer sign on the tablet',
      },
      'signature',
    );
  if (bytes.length > MAX_SIGNATURE_BYTES)
    throw new ValidationError(
      { fr: 'image de signature trop grande', en: 'signature image too large' },
      'signature',
    );
  return dataUrl!;
}

/** Validates the agreement's own fields and returns them ready to store (lines checked by the caller). */
export function agreementFields(input: AgreementInput, sentAt: number | null, now: number) {
  if (!(AGREEMENT_METHODS as readonly string[]).includes(input.method))
    throw new ValidationError(
      { fr: 'dites comment le client a donné son accord', en: 'say how the customer agreed' },
      'method',
    );
  const method = input.method as AgreementMethod;
  const signerName = input.signerName.trim();
  if (!signerName)
    throw new ValidationError(
      { fr: 'nom de la personne qui accepte obligatoire', en: 'name of the person agreeing required' },
      'signerName',
    );
  const reference = (input.reference ?? '').trim();
  if (method !== 'signature' && !reference)
    throw new ValidationError(
      method === 'phone'
        ? { fr: 'notez le numéro appelé et l’interlocuteur', en: 'note the number called and who answered' }
        : { fr: 'notez l’e-mail du client (date, objet)', en: "note the customer's e-mail (date, subject)" },
      'reference',
    );
  const signature = method === 'signature' ? checkSignature(input.signature) : null;
  const agreedAt = input.agreedAt ?? now;
  if (agreedAt > now)
    throw new ValidationError(
      { fr: 'un accord ne peut pas être daté du futur', en: 'an agreement cannot be dated in the future' },
      'agreedAt',
    );
  if (sentAt !== null && agreedAt < sentAt)
    throw new ValidationError(
      {
        fr: 'l’accord ne peut précéder l’envoi du devis',
        en: 'the agreement cannot come before the quote was sent',
      },
      'agreedAt',
    );
  return { method, signerName, reference, signature, agreedAt };
}

export async function agreementsOf(db: Db, roId: number): Promise<Agreement[]> {
  return db.all<Agreement>(
    `SELECT a.*, u.name AS recorded_by_name FROM ro_agreements a LEFT JOIN users u ON u.id = a.recorded_by
     WHERE a.ro_id = ? ORDER BY a.id`,
    [roId],
  );
}
