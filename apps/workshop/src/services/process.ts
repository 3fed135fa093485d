/**
 * The workshop process checks itself: each move of an order asks for what it needs — a diagnosis
 * before the quote on a diagnostic order, a sent quote with its mentions, the customer's recorded
 * agreement before parts or repair, work clocked before quality control, a complete checklist
 * before "ready", an issued invoice before "delivered / invoiced". A refusal names what is missing.
 * (The habilitation check of the technician is in orders.ts, where the assignee is known.)
 */
import type { Db } from '../store/store.js';
import { STATE_LABEL, type State } from './domain.js';
import { ConflictError } from './errors.js';
import { qualityStatus } from './quality.js';
import { sendQuote } from './quotes.js';

export const ORDER_KINDS = ['diagnostic', 'service'] as const;
export type OrderKind = (typeof ORDER_KINDS)[number];
export const ORDER_KIND_LABEL = {
  diagnostic: { fr: 'Diagnostic (panne à trouver)', en: 'Diagnosis (a fault to find)' },
  service: { fr: 'Entretien / travaux identifiés', en: 'Service / known work' },
} as const;

/** The order's invoice that stands (issued and not cancelled by a credit note), or undefined. */
export async function currentInvoiceId(db: Db, roId: number): Promise<number | undefined> {
  const row = await db.get<{ id: number }>(
    `SELECT i.id FROM invoices i WHERE i.ro_id = ? AND i.kind = 'invoice'
       AND NOT EXISTS (SELECT 1 FROM invoices c WHERE c.corrects_id = i.id) ORDER BY i.id DESC`,
    [roId],
  );
  return row?.id;
}

/** Whether the order has a diagnosis: a guided session on it that found a cause, or diagnosis notes. */
export async function hasDiagnosis(db: Db, roId: number, notes: string): Promise<boolean> {
  if (notes.trim()) return true;
  const sessions = await db.all<{ guided: string | null }>(
    'SELECT guided FROM diag_sessions WHERE ro_id = ? AND guided IS NOT NULL',
    [roId],
  );
  return sessions.some((s) => {
    try {
      const g = JSON.parse(s.guided!) as {
        conclusion?: string;
        pendingRepair?: string;
        steps?: { kind: string }[];
      };
      return !!(g.conclusion || g.pendingRepair || g.steps?.some((x) => x.kind === 'repair'));
    } catch {
      return false;
    }
  });
}

interface OrderForCheck {
  id: number;
  site_id: number;
  state: State;
  kind: string;
  diagnosis_notes: string;
  quote_sent_at: number | null;
}

const refuse = (fr: string, en: string, field?: string) => new ConflictError({ fr, en }, field);

/** Throws a ConflictError naming what `to` still needs; runs in the transition's transaction. */
export async function checkTransition(tx: Db, ro: OrderForCheck, to: State, now: number): Promise<void> {
  const into = STATE_LABEL[to];
  if (ro.state === 'reception' && to === 'quote' && ro.kind === 'diagnostic')
    throw refuse(
      'un ordre de diagnostic passe par « Diagnostic » avant le devis',
      "a diagnostic order goes through 'Diagnosis' before the quote",
      'to',
    );
  if (
    ro.state === 'diagnosis' &&
    to === 'quote' &&
    ro.kind === 'diagnostic' &&
    !(await hasDiagnosis(tx, ro.id, ro.diagnosis_notes))
  )
    throw refuse(
      'pas de diagnostic : trouvez la cause par une session de diagnostic sur cet ordre, ou écrivez les notes de diagnostic, avant le devis',
      'no diagnosis: find the cause with a diagnostic session on this order, or write the diagnosis notes, before the quote',
      'diagnosis',
    );
  if (to === 'awaiting_approval') await sendQuote(tx, ro.site_id, ro.id, now);
  if ((to === 'parts' || to === 'repair') && ro.state === 'approved') {
    const agreed = await tx.get<{ id: number }>(
      'SELECT id FROM ro_agreements WHERE ro_id = ? AND recorded_at >= ? ORDER BY id DESC',
      [ro.id, ro.quote_sent_at ?? 0],
    );
    if (!agreed)
      throw refuse(
        `« ${into.fr} » demande l’accord enregistré du client sur le devis envoyé`,
        `'${into.en}' needs the customer's recorded agreement to the quote sent`,
        'agreement',
      );
  }
  if (ro.state === 'repair' && to === 'quality_control') {
    const open = await tx.get<{ name: string }>(
      `SELECT u.name FROM clock_entries e JOIN users u ON u.id = e.user_id
       WHERE e.ro_id = ? AND e.kind = 'operation' AND e.end_at IS NULL`,
      [ro.id],
    );
    if (open)
      throw refuse(
        `${open.name} est encore pointé(e) sur cet ordre : dépointez avant le contrôle qualité`,
        `${open.name} is still clocked on this order: clock off before quality control`,
        'clocking',
      );
    const worked = await tx.get<{ n: number }>(
      "SELECT COUNT(*) AS n FROM clock_entries WHERE ro_id = ? AND kind = 'operation' AND end_at IS NOT NULL",
      [ro.id],
    );
    if (!Number(worked?.n))
      throw refuse(
        'aucun temps pointé sur cet ordre : les travaux se pointent avant le contrôle qualité',
        'no time clocked on this order: the work is clocked before quality control',
        'clocking',
      );
  }
  if (ro.state === 'quality_control' && to === 'ready') {
    const qc = await qualityStatus(tx, ro.site_id, ro.id);
    if (!qc.complete)
      throw refuse(
        qc.failed.length
          ? `contrôle qualité non conforme (${qc.failed.length} point(s)) : repassez en réparation`
          : `contrôle qualité incomplet : ${qc.missing.length} point(s) à renseigner`,
        qc.failed.length
          ? `quality control failed (${qc.failed.length} item(s)): send it back to repair`
          : `quality control incomplete: ${qc.missing.length} item(s) to fill in`,
        'quality',
      );
  }
  if (to === 'delivered' && !(await currentInvoiceId(tx, ro.id)))
    throw refuse(
      'pas de facture : émettez la facture avant « Livré / facturé »',
      "no invoice: issue the invoice before 'Delivered / invoiced'",
      'invoice',
    );
}
