/**
 * The order and its diagnosis as one record: the diagnostic sessions run on an order give it its
 * diagnosis — the conclusion (cause, probability, repair), the codes read before and after the
 * repair, the values measured (freeze frame, tests done) — and propose the quote's repair lines
 * from the knowledge base (the cause's repair, its scheduled hours and parts estimate).
 */
import { GuidedSession } from '@atelier/diagnosis';
import type { Text } from '../i18n.js';
import type { Db, Store } from '../store/store.js';
import {
  type DiagSession,
  guidedOf,
  latestReadings,
  readingsOf,
  type StoredReading,
  sessionsOfOrder,
} from './diagnostics.js';
import { ConflictError, NotFoundError, ValidationError } from './errors.js';
import { knowledgeBase, testName } from './knowledge.js';
import { addLine, linesOf, type QuoteLine } from './quotes.js';
import { listRates } from './workshop-profile.js';

export interface CodeRead {
  code: string;
  /** stored / pending / permanent, or a UDS memory. */
  memory: string;
  ecu: string;
}

export interface OrderDiagnosis {
  session: Pick<
    DiagSession,
    'id' | 'user_id' | 'user_name' | 'started_at' | 'ended_at' | 'vin' | 'vin_check'
  >;
  tree: { id: string; title: Text } | null;
  /**
   * The cause: found by an inspection and awaiting its repair (what the quote is made from),
   * repaired and awaiting the verification, or confirmed by the verification after the repair.
   */
  conclusion: {
    status: 'found' | 'repaired' | 'confirmed';
    cause: string;
    name: Text;
    /** The cause's probability when the session concluded, from its own analysis. */
    probability: number | null;
    repair: (Text & { hours: number; parts: number }) | null;
  } | null;
  /** Codes read before any clearing, per memory and ECU. */
  codesBefore: CodeRead[];
  /** Codes read by the verification after the repair; null when that read was not made. */
  codesAfter: CodeRead[] | null;
  /** Freeze-frame values (PID hex → value as read) of the ECU that stored one. */
  freezeFrame: { ecu: string; pid: string; value: unknown }[];
  /** Workshop tests done, with their outcome (and measured value when the session recorded one). */
  tests: { id: string; name: Text; outcome: string; value?: unknown; unit?: string }[];
  verified: { symptomGone: boolean; cleared: boolean } | null;
}

function codes(readings: StoredReading[], after: boolean): CodeRead[] {
  return readings
    .filter((r) => r.kind === 'dtcs' && r.item.startsWith('after') === after)
    .flatMap((r) =>
      (Array.isArray(r.value) ? (r.value as string[]) : []).map((code) => ({
        code,
        memory: after ? r.item.replace(/^after\.?/, '') : r.item,
        ecu: r.ecu,
      })),
    );
}

/** A session's diagnosis as the order shows it. */
export async function diagnosisOf(db: Db, s: DiagSession): Promise<OrderDiagnosis> {
  const readings = latestReadings(await readingsOf(db, s.id));
  const guided = guidedOf(s);
  const kb = knowledgeBase();
  const tree = guided ? kb.trees.find((t) => t.id === guided.treeId) : undefined;
  let conclusion: OrderDiagnosis['conclusion'] = null;
  const lastRepair = guided?.steps.filter((x) => x.kind === 'repair').at(-1);
  const found = guided?.conclusion
    ? { cause: guided.conclusion, status: 'confirmed' as const }
    : guided?.pendingRepair
      ? { cause: guided.pendingRepair, status: 'found' as const }
      : guided?.state === 'verify' && lastRepair?.kind === 'repair'
        ? { cause: lastRepair.cause, status: 'repaired' as const }
        : undefined;
  if (guided && found) {
    const cause = tree?.causes.find((c) => c.id === found.cause);
    let probability: number | null = null;
    try {
      probability =
        GuidedSession.fromJSON(kb, guided)
          .analysis()
          .posteriors.find((p) => p.cause === found.cause)?.probability ?? null;
    } catch {
      // a session saved by an older knowledge base: the cause stands, its probability is unknown
      probability = null;
    }
    conclusion = {
      status: found.status,
      cause: found.cause,
      name: cause?.name ?? { fr: found.cause, en: found.cause },
      probability,
      repair: cause?.repair ?? null,
    };
  }
  const after = readings.some((r) => r.kind === 'dtcs' && r.item.startsWith('after'));
  const verify = guided?.steps.filter((x) => x.kind === 'verify').at(-1);
  return {
    session: {
      id: s.id,
      user_id: s.user_id,
      user_name: s.user_name,
      started_at: s.started_at,
      ended_at: s.ended_at,
      vin: s.vin,
      vin_check: s.vin_check,
    },
    tree: tree ? { id: tree.id, title: tree.title } : null,
    conclusion,
    codesBefore: codes(readings, false),
    codesAfter: after ? codes(readings, true) : null,
    freezeFrame: readings
      .filter((r) => r.kind === 'freeze' && r.item !== 'dtc')
      .map((r) => ({ ecu: r.ecu, pid: r.item, value: r.value })),
    tests: (guided?.steps ?? []).flatMap((step) => {
      if (step.kind !== 'test') return [];
      const measured = step as unknown as {
        value?: unknown;
        measured?: { value?: unknown; unit?: string };
        unit?: string;
      };
      return [
        {
          id: step.id,
          name: testName(step.id),
          outcome: step.outcome,
          value: measured.measured?.value ?? measured.value,
          unit: measured.measured?.unit ?? measured.unit,
        },
      ];
    }),
    verified:
      verify?.kind === 'verify'
        ? {
            symptomGone: !!(verify as { symptomGone?: boolean }).symptomGone,
            cleared: !!(verify as { cleared?: boolean }).cleared,
          }
        : null,
  };
}

/**
 * The order's diagnosis: from its latest session that found a cause, else its latest session;
 * null when none ran.
 */
export async function orderDiagnosis(db: Db, site: number, roId: number): Promise<OrderDiagnosis | null> {
  const sessions = await sessionsOfOrder(db, site, roId);
  if (!sessions.length) return null;
  const found = (s: DiagSession) => {
    const g = guidedOf(s);
    return !!(g?.conclusion || g?.pendingRepair || g?.steps.some((x) => x.kind === 'repair'));
  };
  const chosen = [...sessions].reverse().find(found) ?? sessions.at(-1)!;
  return diagnosisOf(db, chosen);
}

/**
 * Adds to the quote the repair the diagnosis concluded on: a labour line at the workshop's first
 * posted rate for the cause's scheduled hours, and a parts line at the knowledge base's estimate
 * (the reference and price to be confirmed). Proposed once per session and cause.
 */
export async function proposeRepairLines(
  store: Store,
  site: number,
  roId: number,
  /** The posted rate the labour is billed at (the mechanic chooses it); the first posted rate when absent. */
  rateId?: number,
): Promise<QuoteLine[]> {
  if (!(await store.get('SELECT id FROM repair_orders WHERE id = ? AND site_id = ?', [roId, site])))
    throw new NotFoundError({ fr: 'Ordre de réparation', en: 'Repair order' }, roId);
  const d = await orderDiagnosis(store, site, roId);
  if (!d?.conclusion)
    throw new ConflictError(
      {
        fr: 'aucune cause trouvée par un diagnostic sur cet ordre : rien à proposer',
        en: 'no cause found by a diagnosis on this order: nothing to propose',
      },
      'diagnosis',
    );
  const source = `diagnosis:${d.session.id}:${d.conclusion.cause}`;
  if ((await linesOf(store, roId)).some((l) => l.source === source))
    throw new ConflictError(
      {
        fr: 'les lignes de ce diagnostic sont déjà au devis',
        en: 'the lines of this diagnosis are already on the quote',
      },
      'diagnosis',
    );
  const repair = d.conclusion.repair;
  const name = repair ? repair.fr : d.conclusion.name.fr;
  const posted = await listRates(store, site, true);
  const rate = rateId === undefined ? posted[0] : posted.find((r) => r.id === rateId);
  if (rateId !== undefined && !rate)
    throw new ValidationError(
      { fr: 'taux horaire inconnu ou retiré', en: 'unknown or withdrawn hourly rate' },
      'rateId',
    );
  if (!rate)
    throw new ConflictError(
      {
        fr: 'aucun taux horaire affiché : renseignez-les (Paramètres › Atelier)',
        en: 'no posted hourly rate: set them (Settings › Workshop)',
      },
      'rateId',
    );
  const out: QuoteLine[] = [];
  out.push(
    await addLine(store, site, roId, {
      kind: 'labour',
      description: name,
      rateId: rate.id,
      hours: repair?.hours && repair.hours > 0 ? repair.hours : 1,
      timeBasis: 'schedule',
      source,
    }),
  );
  if (repair?.parts && repair.parts > 0)
    out.push(
      await addLine(store, site, roId, {
        kind: 'part',
        description: `Pièces : ${name.toLowerCase()}`,
        quantity: 1,
        unitPriceCents: Math.round(repair.parts * 100),
        origin: 'new',
        source,
      }),
    );
  await store.run('UPDATE repair_orders SET diagnosis_session_id = ? WHERE id = ?', [d.session.id, roId]);
  return out;
}
