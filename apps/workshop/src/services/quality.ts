/**
 * Quality control before the car goes back: a checklist whose items depend on the order (codes read
 * again after a diagnosis, the high-voltage system put back into service after HV work), recorded
 * item by item with who and when. The order leaves quality control for "ready" only when every item
 * is checked good or not applicable (with a reason); a failed item sends it back to repair.
 */
import type { Text } from '../i18n.js';
import type { Db, Store } from '../store/store.js';
import { STATE_LABEL, type State } from './domain.js';
import { ConflictError, NotFoundError, ValidationError } from './errors.js';
import { parseRequirement } from './hv.js';

export interface QcItem {
  id: string;
  text: Text;
}

const ITEMS: (QcItem & { when?: (o: QcContext) => boolean })[] = [
  {
    id: 'work_done',
    text: {
      fr: 'Travaux accordés réalisés, pièces posées conformes au devis',
      en: 'Approved work done, parts fitted as quoted',
    },
  },
  { id: 'torques', text: { fr: 'Serrages au couple contrôlés', en: 'Tightening torques checked' } },
  {
    id: 'fluids',
    text: {
      fr: 'Niveaux contrôlés (huile, refroidissement, frein, lave-glace)',
      en: 'Levels checked (oil, coolant, brake fluid, washer fluid)',
    },
  },
  {
    id: 'codes_after',
    text: {
      fr: 'Codes défaut effacés puis relus après essai : aucun code présent',
      en: 'Trouble codes cleared, then read again after the road test: none present',
    },
    when: (o) => o.kind === 'diagnostic',
  },
  {
    id: 'road_test',
    text: { fr: 'Essai routier réalisé, symptôme disparu', en: 'Road test done, symptom gone' },
  },
  {
    id: 'hv_restored',
    text: {
      fr: 'Système haute tension déconsigné, isolement vérifié, véhicule remis en service',
      en: 'High-voltage system released from lockout, insulation checked, vehicle back in service',
    },
    when: (o) => parseRequirement(o.hv_requirement).some((s) => s !== 'B0L'),
  },
  {
    id: 'old_parts',
    text: {
      fr: 'Pièces remplacées tenues à la disposition du client',
      en: 'Replaced parts kept for the customer',
    },
  },
  { id: 'clean', text: { fr: 'Véhicule propre, protections retirées', en: 'Vehicle clean, covers removed' } },
];

export interface QcContext {
  kind: string;
  hv_requirement: string | null;
}

export const QC_RESULTS = ['ok', 'na', 'fail'] as const;
export type QcResult = (typeof QC_RESULTS)[number];
export const QC_RESULT_LABEL: Record<QcResult, Text> = {
  ok: { fr: 'conforme', en: 'good' },
  na: { fr: 'sans objet', en: 'not applicable' },
  fail: { fr: 'non conforme', en: 'failed' },
};

/** The items this order's checklist asks for. */
export function qcItems(o: QcContext): QcItem[] {
  return ITEMS.filter((i) => !i.when || i.when(o)).map(({ id, text }) => ({ id, text }));
}

export interface QcRecord {
  id: number;
  ro_id: number;
  item: string;
  result: QcResult;
  note: string;
  checked_by: number;
  checked_by_name: string | null;
  checked_at: number;
}

export interface QcStatus {
  items: (QcItem & { last: QcRecord | null })[];
  complete: boolean;
  failed: string[];
  missing: string[];
}

/** The checklist of an order of `site` (another site's order is not found). */
export async function qualityStatus(db: Db, site: number, roId: number): Promise<QcStatus> {
  const o = await db.get<QcContext>(
    'SELECT kind, hv_requirement FROM repair_orders WHERE id = ? AND site_id = ?',
    [roId, site],
  );
  if (!o) throw new NotFoundError({ fr: 'Ordre de réparation', en: 'Repair order' }, roId);
  const records = await db.all<QcRecord>(
    `SELECT q.*, u.name AS checked_by_name FROM ro_quality_checks q LEFT JOIN users u ON u.id = q.checked_by
     WHERE q.ro_id = ? ORDER BY q.id`,
    [roId],
  );
  const items = qcItems(o).map((i) => ({
    ...i,
    last: records.filter((r) => r.item === i.id).at(-1) ?? null,
  }));
  const failed = items.filter((i) => i.last?.result === 'fail').map((i) => i.id);
  const missing = items.filter((i) => !i.last).map((i) => i.id);
  return { items, complete: !failed.length && !missing.length, failed, missing };
}

/** Records checklist results during quality control; "not applicable" and "failed" need a note. */
export async function recordQualityChecks(
  store: Store,
  site: number,
  roId: number,
  results: { item: string; result: string; note?: string }[],
  actor: { id: number },
  now: number,
): Promise<QcStatus> {
  return store.transaction(async (tx) => {
    const o = await tx.get<QcContext & { state: State }>(
      'SELECT state, kind, hv_requirement FROM repair_orders WHERE id = ? AND site_id = ?',
      [roId, site],
    );
    if (!o) throw new NotFoundError({ fr: 'Ordre de réparation', en: 'Repair order' }, roId);
    if (o.state !== 'quality_control')
      throw new ConflictError(
        {
          fr: `le contrôle qualité se fait à l’étape « ${STATE_LABEL.quality_control.fr} », pas « ${STATE_LABEL[o.state].fr} »`,
          en: `quality control is done at '${STATE_LABEL.quality_control.en}', not '${STATE_LABEL[o.state].en}'`,
        },
        'state',
      );
    const known = qcItems(o).map((i) => i.id);
    if (!results.length)
      throw new ValidationError(
        { fr: 'aucun point de contrôle renseigné', en: 'no checklist item filled in' },
        'items',
      );
    for (const r of results) {
      if (!known.includes(r.item))
        throw new ValidationError(
          { fr: `point de contrôle inconnu « ${r.item} »`, en: `unknown checklist item '${r.item}'` },
          'item',
        );
      if (!(QC_RESULTS as readonly string[]).includes(r.result))
        throw new ValidationError(
          {
            fr: 'résultat : conforme, sans objet ou non conforme',
            en: 'result: good, not applicable or failed',
          },
          r.item,
        );
      if (r.result !== 'ok' && !(r.note ?? '').trim())
        throw new ValidationError(
          { fr: 'dites pourquoi (sans objet ou non conforme)', en: 'say why (not applicable or failed)' },
          `note_${r.item}`,
        );
    }
    for (const r of results)
      await tx.run(
        'INSERT INTO ro_quality_checks (ro_id, item, result, note, checked_by, checked_at) VALUES (?, ?, ?, ?, ?, ?)',
        [roId, r.item, r.result, (r.note ?? '').trim().slice(0, 500), actor.id, now],
      );
    return qualityStatus(tx, site, roId);
  });
}
