import { formatDay } from '../i18n.js';
import type { Db, Store } from '../store/store.js';
import { absenceRefusal } from './absences.js';
import {
  type AbsenceClash,
  absenceClashes,
  DEFAULT_SLOT_MINUTES,
  MOVABLE_STATES,
  orderMinutes,
  technicianAway,
} from './appointment-slot.js';
import { nextInSequence } from './counters.js';
import { recordOdometer } from './customers.js';
import { type Energy, isHighVoltage, STATE_LABEL, type State, TRANSITIONS } from './domain.js';
import { AssignmentRefused, ConflictError, NotFoundError, ValidationError } from './errors.js';
import { checkHabilitation, habilitationsOf, isoDate } from './habilitations.js';
import { formatRequirement, hvRequirement, parseRequirement } from './hv.js';
import { openingCalendar } from './opening-hours.js';
import { checkTransition, currentInvoiceId, ORDER_KINDS, type OrderKind } from './process.js';
import {
  type AgreementInput,
  agreementFields,
  euros,
  PIEC_CHOICES,
  type QuoteLine,
  quoteTotals,
  refreshHvRequirement,
} from './quotes.js';
import { getUser, type User } from './users.js';

export interface RepairOrder {
  id: number;
  site_id: number;
  number: string;
  vehicle_id: number;
  customer_id: number | null;
  state: State;
  complaint: string;
  odometer_km: number | null;
  condition_notes: string;
  diagnosis_notes: string;
  /** The NF C18-550 symbols the work needs, separated by spaces (derived: see hv.ts). */
  hv_requirement: string | null;
  assigned_to: number | null;
  comeback_of: number | null;
  booked_for: number | null;
  /** The appointment's duration as typed; null: the quote's labour hours, or one hour. */
  booked_minutes: number | null;
  /** When the car was promised back to the customer, or null. */
  promised_for: number | null;
  created_by: number | null;
  created_at: number;
  state_since: number;
  kind: OrderKind;
  quote_sent_at: number | null;
  quote_valid_until: string | null;
  piec_choice: string | null;
  diagnosis_session_id: number | null;
}

export type RoLine = QuoteLine;

export interface InvoiceSummary {
  id: number;
  number: string;
  issued_at: number;
  issue_date: string;
  totals: { ht: number; tva: number; ttc: number };
}

export interface RoEvent {
  id: number;
  ro_id: number;
  from_state: State | null;
  to_state: State;
  user_id: number | null;
  user_name: string | null;
  at: number;
  note: string;
}

export interface OrderDetail extends RepairOrder {
  vehicle: {
    vin: string;
    plate: string;
    maker: string;
    model: string;
    model_year: number | null;
    energy: Energy;
  };
  customer_name: string | null;
  assignee_name: string | null;
  comeback_number: string | null;
  lines: RoLine[];
  events: RoEvent[];
  /** The quote's totals in euros: every line not declined. */
  totals: { ht: number; tva: number; ttc: number };
  /** The invoice that stands for this order (issued, not cancelled by a credit note), or null. */
  invoice: InvoiceSummary | null;
}

export interface BoardCard {
  id: number;
  number: string;
  state: State;
  state_since: number;
  plate: string;
  maker: string;
  model: string;
  energy: Energy;
  hv_requirement: string | null;
  assignee_name: string | null;
  complaint: string;
  comeback_of: number | null;
  /** The appointment (epoch ms), its duration in minutes (typed, the quote's labour, or one hour). */
  booked_for: number | null;
  duration_minutes: number | null;
  promised_for: number | null;
  /** The appointment has passed and the car is not received. */
  late_appointment: boolean;
  /** The promised delivery has passed and the car is not delivered. */
  late_delivery: boolean;
  /** Its technician's absence falling in the appointment (car not received yet), until it is moved or reassigned. */
  absence: AbsenceClash | null;
}

const ORDER = { fr: 'Ordre de réparation', en: 'Repair order' };

type Actor = Pick<User, 'id' | 'name'>;

export async function insertEvent(
  db: Db,
  roId: number,
  from: State | null,
  to: State,
  actor: Actor | null,
  now: number,
  note = '',
) {
  await db.run(
    'INSERT INTO ro_events (ro_id, from_state, to_state, user_id, at, note) VALUES (?, ?, ?, ?, ?, ?)',
    [roId, from, to, actor?.id ?? null, now, note],
  );
}

function assertAllowed(from: State, to: State): void {
  if (!TRANSITIONS[from].includes(to))
    throw new ConflictError(
      {
        fr: `passage de « ${STATE_LABEL[from].fr} » à « ${STATE_LABEL[to].fr} » non autorisé`,
        en: `cannot move from '${STATE_LABEL[from].en}' to '${STATE_LABEL[to].en}'`,
      },
      'to',
    );
}

async function moveState(db: Db, ro: RepairOrder, to: State, actor: Actor, now: number, note = '') {
  assertAllowed(ro.state, to);
  // Compare-and-set on the state so two concurrent moves cannot both succeed.
  const r = await db.run('UPDATE repair_orders SET state = ?, state_since = ? WHERE id = ? AND state = ?', [
    to,
    now,
    ro.id,
    ro.state,
  ]);
  if (r.changes !== 1)
    throw new ConflictError({
      fr: "l'ordre a changé entre-temps, rechargez",
      en: 'the order changed meanwhile, reload',
    });
  await insertEvent(db, ro.id, ro.state, to, actor, now, note);
}

/** An order of `site`: another site's order is not found, as if it did not exist. */
export async function getOrderRow(db: Db, site: number, id: number): Promise<RepairOrder> {
  const ro = await db.get<RepairOrder>('SELECT * FROM repair_orders WHERE id = ? AND site_id = ?', [
    id,
    site,
  ]);
  if (!ro) throw new NotFoundError(ORDER, id);
  return ro;
}

/** The order, refused (409 on `field`) once delivered: nothing is assigned or promised after delivery. */
async function undeliveredOrder(db: Db, site: number, id: number, field: string): Promise<RepairOrder> {
  const ro = await getOrderRow(db, site, id);
  if (ro.state === 'delivered')
    throw new ConflictError({ fr: 'ordre déjà livré', en: 'order already delivered' }, field);
  return ro;
}

export async function createOrder(
  store: Store,
  site: number,
  input: {
    vehicleId: number;
    complaint?: string;
    bookedFor?: number | null;
    /** The appointment's duration when it is known before the quote (null: from the quote). */
    bookedMinutes?: number | null;
    kind?: string;
  },
  actor: Actor,
  now: number,
  state: 'booked' | 'comeback' = 'booked',
  comebackOf: number | null = null,
): Promise<RepairOrder> {
  const kind = input.kind || 'diagnostic';
  if (!(ORDER_KINDS as readonly string[]).includes(kind))
    throw new ValidationError({ fr: 'type d’ordre inconnu', en: 'unknown order kind' }, 'kind');
  return store.transaction(async (tx) => {
    const vehicle = await tx.get<{ id: number; customer_id: number | null; energy: Energy }>(
      'SELECT id, customer_id, energy FROM vehicles WHERE id = ? AND site_id = ?',
      [input.vehicleId, site],
    );
    if (!vehicle) throw new NotFoundError({ fr: 'Véhicule', en: 'Vehicle' }, input.vehicleId);
    // The HV requirement is derived: from the energy now, from the quote's operations later.
    const hv = formatRequirement(hvRequirement(vehicle.energy, []));
    const year = new Date(now).getUTCFullYear();
    const seq = await nextInSequence(tx, `repair_order:${site}:${year}`);
    const number = `OR-${year}-${String(seq).padStart(5, '0')}`;
    const ro = await tx.get<RepairOrder>(
      `INSERT INTO repair_orders (site_id, number, vehicle_id, customer_id, state, complaint, hv_requirement, comeback_of, booked_for, booked_minutes, created_by, created_at, state_since, kind)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      [
        site,
        number,
        vehicle.id,
        vehicle.customer_id,
        state,
        (input.complaint ?? '').trim(),
        hv,
        comebackOf,
        input.bookedFor ?? null,
        input.bookedFor == null ? null : (input.bookedMinutes ?? null),
        actor.id,
        now,
        now,
        state === 'comeback' ? 'diagnostic' : kind,
      ],
    );
    if (vehicle.customer_id !== null)
      await tx.run('UPDATE customers SET last_activity_at = ? WHERE id = ?', [now, vehicle.customer_id]);
    await insertEvent(tx, ro!.id, null, state, actor, now);
    return ro!;
  });
}

/** Reception: the complaint in the customer's own words, the odometer and the vehicle's condition. */
export async function receiveVehicle(
  store: Store,
  site: number,
  id: number,
  input: { complaint: string; odometerKm: number; condition: string },
  actor: Actor,
  now: number,
): Promise<void> {
  if (!input.complaint.trim())
    throw new ValidationError(
      { fr: 'la demande du client est obligatoire', en: "the customer's complaint is required" },
      'complaint',
    );
  await store.transaction(async (tx) => {
    const ro = await getOrderRow(tx, site, id);
    await moveState(tx, ro, 'reception', actor, now);
    await tx.run(
      'UPDATE repair_orders SET complaint = ?, odometer_km = ?, condition_notes = ? WHERE id = ?',
      [input.complaint.trim(), input.odometerKm, input.condition.trim(), id],
    );
    await recordOdometer(tx, ro.vehicle_id, input.odometerKm, now, `reception ${ro.number}`);
  });
}

/** Any plain move of the process; reception and approval carry data and have their own calls. */
export async function transitionOrder(
  store: Store,
  site: number,
  id: number,
  to: State,
  actor: Actor,
  now: number,
  note = '',
): Promise<void> {
  await store.transaction(async (tx) => {
    const ro = await getOrderRow(tx, site, id);
    if (to === 'reception' || to === 'approved')
      throw new ConflictError(
        {
          fr: `« ${STATE_LABEL[to].fr} » se fait par son formulaire`,
          en: `'${STATE_LABEL[to].en}' is done through its own form`,
        },
        'to',
      );
    assertAllowed(ro.state, to);
    if (to === 'diagnosis' || to === 'repair') {
      if (ro.assigned_to === null)
        throw new ConflictError(
          { fr: 'affectez d’abord un technicien à cet ordre', en: 'assign a technician to this order first' },
          'assignedTo',
        );
      // The habilitation may have expired, or the quote added HV work, since the assignment.
      await checkAssignee(tx, ro, ro.assigned_to, now);
    }
    await checkTransition(tx, ro, to, now);
    await moveState(tx, ro, to, actor, now, note);
  });
}

/**
 * The customer's agreement to the quote, whole or in part, and how it was given (signature on the
 * tablet, phone, e-mail) and when. Declined lines stay on the order as deferred work with a
 * follow-up date, so the workshop can call the customer back. An expired quote must be sent again.
 */
export async function approveQuote(
  store: Store,
  site: number,
  id: number,
  input: AgreementInput,
  actor: Actor,
  now: number,
): Promise<void> {
  await store.transaction(async (tx) => {
    const ro = await getOrderRow(tx, site, id);
    const lines = await tx.all<RoLine>('SELECT * FROM ro_lines WHERE ro_id = ?', [id]);
    const unknown = input.approvedLineIds.filter((l) => !lines.some((x) => x.id === l));
    if (unknown.length)
      throw new ValidationError(
        { fr: `lignes inconnues : ${unknown.join(', ')}`, en: `unknown lines: ${unknown.join(', ')}` },
        'approvedLineIds',
      );
    if (input.approvedLineIds.length === 0)
      throw new ValidationError({ fr: 'aucune ligne accordée', en: 'no line approved' }, 'approvedLineIds');
    const followup = input.followupOn || isoDate(now + 30 * 86_400_000);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(followup))
      throw new ValidationError(
        { fr: 'date de relance invalide', en: 'invalid follow-up date' },
        'followupOn',
      );
    const agreement = agreementFields(input, ro.quote_sent_at, now);
    if (ro.quote_valid_until && isoDate(agreement.agreedAt) > ro.quote_valid_until)
      throw new ConflictError(
        {
          fr: `devis expiré le ${formatDay('fr', ro.quote_valid_until)} : repassez en « Devis » et renvoyez-le`,
          en: `quote expired on ${formatDay('en', ro.quote_valid_until)}: move back to 'Quote' and send it again`,
        },
        'quote',
      );
    const approved = lines.filter((l) => input.approvedLineIds.includes(l.id));
    const piec = input.piecChoice || null;
    if (piec !== null && !(PIEC_CHOICES as readonly string[]).includes(piec))
      throw new ValidationError({ fr: 'choix PIEC inconnu', en: 'unknown PIEC choice' }, 'piecChoice');
    if (approved.some((l) => l.kind === 'part') && !piec)
      throw new ValidationError(
        {
          fr: 'notez le choix du client pour les pièces issues de l’économie circulaire (PIEC)',
          en: "record the customer's choice about circular-economy parts (PIEC)",
        },
        'piecChoice',
      );
    const declined = lines.filter((l) => !input.approvedLineIds.includes(l.id));
    await moveState(
      tx,
      ro,
      'approved',
      actor,
      now,
      declined.length ? `partial: ${declined.length} declined` : 'whole',
    );
    for (const l of lines) {
      const ok = input.approvedLineIds.includes(l.id);
      await tx.run('UPDATE ro_lines SET status = ?, followup_on = ? WHERE id = ?', [
        ok ? 'approved' : 'declined',
        ok ? null : followup,
        l.id,
      ]);
    }
    await tx.run('UPDATE repair_orders SET piec_choice = ? WHERE id = ?', [piec, id]);
    await tx.run(
      `INSERT INTO ro_agreements (ro_id, method, agreed_at, signer_name, reference, signature, amount_ttc_cents,
         approved_lines, piec_choice, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        id,
        agreement.method,
        agreement.agreedAt,
        agreement.signerName,
        agreement.reference,
        agreement.signature,
        quoteTotals(approved).ttc,
        JSON.stringify(approved.map((l) => l.id)),
        piec,
        actor.id,
        now,
      ],
    );
    await refreshHvRequirement(tx, id);
  });
}

export async function setDiagnosisNotes(
  store: Store,
  site: number,
  id: number,
  notes: string,
): Promise<void> {
  const r = await store.run('UPDATE repair_orders SET diagnosis_notes = ? WHERE id = ? AND site_id = ?', [
    notes.trim(),
    id,
    site,
  ]);
  if (r.changes !== 1) throw new NotFoundError(ORDER, id);
}

/**
 * Whether `userId` may work on this order: a technician or apprentice of the order's site and, for
 * HV work on a hybrid or EV, a valid covering habilitation.
 */
export async function checkAssignee(db: Db, ro: RepairOrder, userId: number, now: number): Promise<void> {
  const user = await getUser(db, userId, ro.site_id).catch(() => null);
  if (!user?.active) throw new NotFoundError({ fr: 'Technicien', en: 'Technician' }, userId);
  if (user.role !== 'technician' && user.role !== 'apprentice')
    throw new AssignmentRefused(
      {
        fr: `${user.name} n'est ni technicien ni apprenti`,
        en: `${user.name} is neither a technician nor an apprentice`,
      },
      'userId',
    );
  const required = parseRequirement(ro.hv_requirement);
  if (!required.length) return;
  const v = await db.get<{ energy: Energy }>('SELECT energy FROM vehicles WHERE id = ?', [ro.vehicle_id]);
  if (!v || !isHighVoltage(v.energy)) return;
  const held = await habilitationsOf(db, userId);
  for (const symbol of required) {
    const check = checkHabilitation(held, symbol, isoDate(now), user.name);
    if (!check.ok) throw new AssignmentRefused(check.reason, 'userId');
  }
}

export async function assignOrder(
  store: Store,
  site: number,
  id: number,
  userId: number,
  actor: Actor,
  now: number,
): Promise<void> {
  await store.transaction(async (tx) => {
    const ro = await undeliveredOrder(tx, site, id, 'state');
    await checkAssignee(tx, ro, userId, now);
    // Before the car comes in, its appointment must fall on days the technician is here.
    if (ro.booked_for !== null && (ro.state === 'booked' || ro.state === 'comeback')) {
      const { minutes } = await orderMinutes(tx, ro);
      const cal = await openingCalendar(tx, site);
      const away = await technicianAway(tx, site, userId, cal.segments(ro.booked_for, minutes), cal);
      if (away) throw absenceRefusal(away, 'userId');
    }
    await tx.run('UPDATE repair_orders SET assigned_to = ? WHERE id = ?', [userId, id]);
    const name = await tx.get<{ name: string }>('SELECT name FROM users WHERE id = ?', [userId]);
    await insertEvent(tx, id, ro.state, ro.state, actor, now, `assigned: ${name?.name ?? userId}`);
  });
}

/** Opens a comeback (retour atelier) order linked to a delivered one. */
export async function openComeback(
  store: Store,
  site: number,
  originalId: number,
  complaint: string,
  actor: Actor,
  now: number,
): Promise<RepairOrder> {
  const original = await getOrderRow(store, site, originalId);
  if (original.state !== 'delivered')
    throw new ConflictError(
      { fr: 'un retour atelier suit un ordre livré', en: 'a comeback follows a delivered order' },
      'comebackOf',
    );
  return createOrder(
    store,
    site,
    { vehicleId: original.vehicle_id, complaint, kind: 'diagnostic' },
    actor,
    now,
    'comeback',
    original.id,
  );
}

export async function getOrder(db: Db, site: number, id: number): Promise<OrderDetail> {
  const ro = await getOrderRow(db, site, id);
  const vehicle = await db.get<OrderDetail['vehicle']>(
    'SELECT vin, plate, maker, model, model_year, energy FROM vehicles WHERE id = ?',
    [ro.vehicle_id],
  );
  const extra = await db.get<{
    customer_name: string | null;
    assignee_name: string | null;
    comeback_number: string | null;
  }>(
    `SELECT c.name AS customer_name, u.name AS assignee_name, o.number AS comeback_number
     FROM repair_orders r LEFT JOIN customers c ON c.id = r.customer_id LEFT JOIN users u ON u.id = r.assigned_to
     LEFT JOIN repair_orders o ON o.id = r.comeback_of WHERE r.id = ?`,
    [id],
  );
  const lines = await db.all<RoLine>('SELECT * FROM ro_lines WHERE ro_id = ? ORDER BY id', [id]);
  const events = await db.all<RoEvent>(
    'SELECT e.*, u.name AS user_name FROM ro_events e LEFT JOIN users u ON u.id = e.user_id WHERE e.ro_id = ? ORDER BY e.at, e.id',
    [id],
  );
  const invoiceId = await currentInvoiceId(db, id);
  const inv = invoiceId
    ? await db.get<InvoiceSummary & { ht_cents: number; tva_cents: number; ttc_cents: number }>(
        'SELECT id, number, issued_at, issue_date, ht_cents, tva_cents, ttc_cents FROM invoices WHERE id = ?',
        [invoiceId],
      )
    : undefined;
  return {
    ...ro,
    vehicle: vehicle!,
    customer_name: null,
    assignee_name: null,
    comeback_number: null,
    ...extra,
    lines,
    events,
    totals: euros(quoteTotals(lines)),
    invoice: inv
      ? {
          id: inv.id,
          number: inv.number,
          issued_at: inv.issued_at,
          issue_date: inv.issue_date,
          totals: { ht: inv.ht_cents / 100, tva: inv.tva_cents / 100, ttc: inv.ttc_cents / 100 },
        }
      : null,
  };
}

/** Every open order, plus the ones delivered in the last `deliveredDays` days. */
export async function boardCards(db: Db, site: number, now: number, deliveredDays = 7): Promise<BoardCard[]> {
  const rows = await db.all<
    Omit<BoardCard, 'duration_minutes' | 'late_appointment' | 'late_delivery' | 'absence'> & {
      booked_minutes: number | null;
      labour_hours: number | null;
      assigned_to: number | null;
    }
  >(
    `SELECT r.id, r.number, r.state, r.state_since, v.plate, v.maker, v.model, v.energy, r.hv_requirement,
            u.name AS assignee_name, r.assigned_to, r.complaint, r.comeback_of, r.booked_for, r.booked_minutes, r.promised_for,
            CASE WHEN r.booked_for IS NULL OR r.booked_minutes IS NOT NULL THEN NULL ELSE
              (SELECT SUM(l.sold_hours) FROM ro_lines l WHERE l.ro_id = r.id AND l.kind = 'labour' AND l.status <> 'declined') END AS labour_hours
     FROM repair_orders r JOIN vehicles v ON v.id = r.vehicle_id LEFT JOIN users u ON u.id = r.assigned_to
     WHERE r.site_id = ? AND (r.state <> 'delivered' OR r.state_since >= ?) ORDER BY r.state_since`,
    [site, now - deliveredDays * 86_400_000],
  );
  const cards = rows.map(({ booked_minutes, labour_hours, assigned_to: _, ...r }) => ({
    ...r,
    duration_minutes:
      r.booked_for === null
        ? null
        : (booked_minutes ??
          (labour_hours && labour_hours > 0 ? Math.round(labour_hours * 60) : DEFAULT_SLOT_MINUTES)),
    late_appointment:
      r.booked_for !== null && r.booked_for < now && (r.state === 'booked' || r.state === 'comeback'),
    late_delivery: r.promised_for !== null && r.promised_for < now && r.state !== 'delivered',
    absence: null as AbsenceClash | null,
  }));
  // Only cars not yet received can clash with an absence: most boards read no calendar at all.
  if (rows.some((r) => r.booked_for !== null && r.assigned_to !== null && MOVABLE_STATES.includes(r.state))) {
    const clashes = await absenceClashes(
      db,
      site,
      rows.map((r, i) => ({ ...r, minutes: cards[i]!.duration_minutes ?? DEFAULT_SLOT_MINUTES })),
      await openingCalendar(db, site),
    );
    cards.forEach((c, i) => {
      c.absence = clashes[i]!;
    });
  }
  return cards;
}

/**
 * Sets (or clears: null) when the car is promised back to its customer, until it is delivered;
 * kept in the order's history.
 */
export async function promiseDelivery(
  store: Store,
  site: number,
  id: number,
  at: number | null,
  actor: Actor,
  now: number,
): Promise<void> {
  await store.transaction(async (tx) => {
    const ro = await undeliveredOrder(tx, site, id, 'promisedDay');
    if (at !== null && at < now - 86_400_000)
      throw new ValidationError(
        { fr: 'cette date de restitution est passée', en: 'this delivery date has passed' },
        'promisedDay',
      );
    await tx.run('UPDATE repair_orders SET promised_for = ? WHERE id = ?', [at, id]);
    await insertEvent(tx, id, ro.state, ro.state, actor, now, `promised: ${at ?? 'none'}`);
  });
}

export function listOrders(db: Db, site: number, state?: State): Promise<RepairOrder[]> {
  return state
    ? db.all<RepairOrder>('SELECT * FROM repair_orders WHERE site_id = ? AND state = ? ORDER BY id DESC', [
        site,
        state,
      ])
    : db.all<RepairOrder>('SELECT * FROM repair_orders WHERE site_id = ? ORDER BY id DESC', [site]);
}

/** Declined quote lines whose follow-up date has come: the workshop calls the customer back. */
export function deferredWork(db: Db, site: number, until: string) {
  return db.all<RoLine & { number: string; plate: string }>(
    `SELECT l.*, r.number, v.plate FROM ro_lines l JOIN repair_orders r ON r.id = l.ro_id JOIN vehicles v ON v.id = r.vehicle_id
     WHERE r.site_id = ? AND l.status = 'declined' AND l.followup_on <= ? ORDER BY l.followup_on`,
    [site, until],
  );
}

/** Orders someone may clock on now (assigned to them, or any for a manager), in the working states. */
export function ordersToClockOn(
  db: Db,
  site: number,
  userId: number,
  any: boolean,
): Promise<{ id: number; number: string; state: State; plate: string }[]> {
  return db.all(
    `SELECT r.id, r.number, r.state, v.plate FROM repair_orders r JOIN vehicles v ON v.id = r.vehicle_id
     WHERE r.site_id = ? AND r.state IN ('diagnosis','repair','quality_control','parts') AND (r.assigned_to = ? OR ? = 1) ORDER BY r.number`,
    [site, userId, any ? 1 : 0],
  );
}
