import type { Db, Store } from '../store/store.js';
import { ENERGIES, type Energy } from './domain.js';
import { NotFoundError, ValidationError } from './errors.js';
import { decodeVinForWorkshop, normaliseVin } from './vin.js';

export interface Customer {
  id: number;
  site_id: number;
  name: string;
  phone: string;
  email: string;
  created_at: number;
  last_activity_at: number;
  erased_at: number | null;
  /** Billing address: an invoice names the customer and their address (CGI art. 242 nonies A). */
  address_line1: string;
  address_line2: string;
  postcode: string;
  city: string;
  country: string;
  /** A business customer: late-payment penalties and the 40 € indemnity are due, its SIRET and VAT number printed. */
  is_business: number;
  siret: string;
  vat_id: string;
}

export interface CustomerInput {
  name: string;
  phone?: string;
  email?: string;
  addressLine1?: string;
  addressLine2?: string;
  postcode?: string;
  city?: string;
  country?: string;
  isBusiness?: boolean;
  siret?: string;
  vatId?: string;
}

/** The columns of a customer from what was typed, checked. */
function customerColumns(input: CustomerInput) {
  const name = input.name.trim();
  if (!name)
    throw new ValidationError({ fr: 'nom du client obligatoire', en: 'customer name required' }, 'name');
  const email = (input.email ?? '').trim();
  if (email && !/^[^\s@]+@[^\s@]+$/.test(email))
    throw new ValidationError({ fr: 'adresse e-mail invalide', en: 'invalid e-mail address' }, 'email');
  const country = (input.country || 'FR').trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(country))
    throw new ValidationError(
      { fr: 'pays : code à deux lettres (FR)', en: 'country: two-letter code (FR)' },
      'country',
    );
  const siret = (input.siret ?? '').replace(/\s+/g, '');
  if (siret && !/^\d{9}(\d{5})?$/.test(siret))
    throw new ValidationError(
      { fr: 'SIREN (9 chiffres) ou SIRET (14)', en: 'SIREN (9 digits) or SIRET (14)' },
      'siret',
    );
  const vatId = (input.vatId ?? '').replace(/\s+/g, '').toUpperCase();
  if (vatId && !/^[A-Z]{2}[0-9A-Z]{2,13}$/.test(vatId))
    throw new ValidationError({ fr: 'numéro de TVA invalide', en: 'invalid VAT number' }, 'vatId');
  return {
    name,
    phone: (input.phone ?? '').trim(),
    email,
    address_line1: (input.addressLine1 ?? '').trim(),
    address_line2: (input.addressLine2 ?? '').trim(),
    postcode: (input.postcode ?? '').trim(),
    city: (input.city ?? '').trim(),
    country,
    is_business: input.isBusiness ? 1 : 0,
    siret,
    vat_id: vatId,
  };
}

export interface Vehicle {
  id: number;
  site_id: number;
  vin: string;
  plate: string;
  maker: string;
  model: string;
  model_year: number | null;
  energy: Energy;
  customer_id: number | null;
  created_at: number;
}

export interface OdometerReading {
  id: number;
  vehicle_id: number;
  km: number;
  read_at: number;
  source: string;
}

const CUSTOMER = { fr: 'Client', en: 'Customer' };
const VEHICLE = { fr: 'Véhicule', en: 'Vehicle' };

export async function createCustomer(
  db: Db,
  site: number,
  input: CustomerInput,
  now: number,
): Promise<Customer> {
  const c = customerColumns(input);
  const row = await db.get<Customer>(
    `INSERT INTO customers (site_id, name, phone, email, address_line1, address_line2, postcode, city, country, is_business, siret,
       vat_id, created_at, last_activity_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    [
      site,
      c.name,
      c.phone,
      c.email,
      c.address_line1,
      c.address_line2,
      c.postcode,
      c.city,
      c.country,
      c.is_business,
      c.siret,
      c.vat_id,
      now,
      now,
    ],
  );
  return row!;
}

/** A LIKE pattern matching `q` anywhere, its own % and _ taken literally (portable: ESCAPE '!'). */
function contains(q: string): string {
  return `%${q
    .trim()
    .toLowerCase()
    .replace(/[!%_]/g, (c) => `!${c}`)}%`;
}

/** Customers of `site` (erased ones left out), or those whose name, phone or e-mail contains `q`. */
export function listCustomers(db: Db, site: number, q = ''): Promise<Customer[]> {
  if (!q.trim())
    return db.all<Customer>('SELECT * FROM customers WHERE site_id = ? AND erased_at IS NULL ORDER BY name', [
      site,
    ]);
  const like = contains(q);
  const digits = q.replace(/\D/g, '');
  return db.all<Customer>(
    `SELECT * FROM customers WHERE site_id = ? AND erased_at IS NULL
       AND (LOWER(name) LIKE ? ESCAPE '!' OR LOWER(email) LIKE ? ESCAPE '!'
            OR (CAST(? AS TEXT) <> '' AND REPLACE(REPLACE(REPLACE(phone, ' ', ''), '.', ''), '-', '') LIKE ?))
     ORDER BY name`,
    [site, like, like, digits, `%${digits}%`],
  );
}

/** Corrects a customer's details (an erased customer stays erased). */
export async function updateCustomer(
  db: Db,
  site: number,
  id: number,
  input: CustomerInput,
  now: number,
): Promise<Customer> {
  const existing = await getCustomer(db, site, id);
  if (existing.erased_at)
    throw new ValidationError({ fr: 'client effacé (RGPD)', en: 'customer erased (GDPR)' }, 'name');
  const c = customerColumns(input);
  await db.run(
    `UPDATE customers SET name = ?, phone = ?, email = ?, address_line1 = ?, address_line2 = ?, postcode = ?, city = ?,
       country = ?, is_business = ?, siret = ?, vat_id = ?, last_activity_at = ? WHERE id = ? AND site_id = ?`,
    [
      c.name,
      c.phone,
      c.email,
      c.address_line1,
      c.address_line2,
      c.postcode,
      c.city,
      c.country,
      c.is_business,
      c.siret,
      c.vat_id,
      now,
      id,
      site,
    ],
  );
  return getCustomer(db, site, id);
}

/** A customer of `site`: another site's customer is not found, as if it did not exist. */
export async function getCustomer(db: Db, site: number, id: number): Promise<Customer> {
  const c = await db.get<Customer>('SELECT * FROM customers WHERE id = ? AND site_id = ?', [id, site]);
  if (!c) throw new NotFoundError(CUSTOMER, id);
  return c;
}

/** Everything held about a customer (GDPR right of access / portability), as plain JSON. */
export async function exportCustomer(db: Db, site: number, id: number): Promise<Record<string, unknown>> {
  const customer = await getCustomer(db, site, id);
  const vehicles = await db.all<Vehicle>('SELECT * FROM vehicles WHERE customer_id = ? ORDER BY id', [id]);
  const orders = await db.all<Record<string, unknown>>(
    'SELECT id, number, state, complaint, odometer_km, condition_notes, created_at FROM repair_orders WHERE customer_id = ? ORDER BY id',
    [id],
  );
  const odometer: OdometerReading[] = [];
  for (const v of vehicles)
    odometer.push(
      ...(await db.all<OdometerReading>(
        'SELECT * FROM odometer_readings WHERE vehicle_id = ? ORDER BY read_at',
        [v.id],
      )),
    );
  // Invoices name the customer as issued: part of what is held about them.
  const invoices = await db.all<Record<string, unknown>>(
    `SELECT i.number, i.kind, i.issue_date, i.buyer_name, i.ht_cents, i.tva_cents, i.ttc_cents, r.number AS order_number
     FROM invoices i JOIN repair_orders r ON r.id = i.ro_id WHERE r.customer_id = ? ORDER BY i.id`,
    [id],
  );
  return { customer, vehicles, odometer, repairOrders: orders, invoices };
}

/**
 * GDPR erasure: the person's identity goes, and every link from vehicles and repair orders to them.
 * The repair history of the vehicle stays (warranty and safety recalls are a legitimate interest),
 * but no longer points at anyone. Recorded in the audit log by id only. Invoices issued to them
 * stay as issued, name and address included: the law requires them kept ten years (Code de
 * commerce L123-22; GDPR art. 17(3)(b), a legal obligation) and nothing may change an issued invoice.
 */
export async function eraseCustomer(
  store: Store,
  site: number,
  id: number,
  byUser: number | null,
  now: number,
): Promise<void> {
  await store.transaction(async (tx) => {
    await getCustomer(tx, site, id);
    await tx.run(
      `UPDATE customers SET name = '—', phone = '', email = '', address_line1 = '', address_line2 = '', postcode = '',
         city = '', siret = '', vat_id = '', erased_at = ? WHERE id = ?`,
      [now, id],
    );
    await tx.run("UPDATE vehicles SET customer_id = NULL, plate = '' WHERE customer_id = ?", [id]);
    await tx.run('UPDATE repair_orders SET customer_id = NULL WHERE customer_id = ?', [id]);
    await tx.run('INSERT INTO audit_log (site_id, at, user_id, action, subject) VALUES (?, ?, ?, ?, ?)', [
      site,
      now,
      byUser,
      'customer.erase',
      `customer:${id}`,
    ]);
  });
}

/** Erases every customer of every site inactive for longer than the retention period; returns how many. */
export async function applyRetention(store: Store, retentionMonths: number, now: number): Promise<number> {
  const cutoff = new Date(now);
  cutoff.setUTCMonth(cutoff.getUTCMonth() - retentionMonths);
  const stale = await store.all<{ id: number; site_id: number }>(
    'SELECT id, site_id FROM customers WHERE erased_at IS NULL AND last_activity_at < ?',
    [cutoff.getTime()],
  );
  for (const c of stale) await eraseCustomer(store, c.site_id, c.id, null, now);
  return stale.length;
}

export async function createVehicle(
  store: Store,
  site: number,
  input: {
    vin: string;
    plate?: string;
    model?: string;
    energy: string;
    customerId?: number | null;
    odometerKm?: number | null;
  },
  now: number,
): Promise<Vehicle> {
  const decoded = decodeVinForWorkshop(input.vin, new Date(now).getUTCFullYear());
  if (!decoded)
    throw new ValidationError(
      {
        fr: `VIN invalide « ${normaliseVin(input.vin)} » : 17 caractères, sans I, O ni Q`,
        en: `invalid VIN '${normaliseVin(input.vin)}': 17 characters, no I, O or Q`,
      },
      'vin',
    );
  if (!(ENERGIES as string[]).includes(input.energy))
    throw new ValidationError(
      { fr: `énergie inconnue « ${input.energy} »`, en: `unknown energy '${input.energy}'` },
      'energy',
    );
  return store.transaction(async (tx) => {
    if (await tx.get('SELECT id FROM vehicles WHERE vin = ? AND site_id = ?', [decoded.vin, site]))
      throw new ValidationError(
        { fr: `le VIN ${decoded.vin} est déjà enregistré`, en: `VIN ${decoded.vin} is already registered` },
        'vin',
      );
    if (input.customerId) {
      await getCustomer(tx, site, input.customerId);
      await tx.run('UPDATE customers SET last_activity_at = ? WHERE id = ?', [now, input.customerId]);
    }
    const v = await tx.get<Vehicle>(
      `INSERT INTO vehicles (site_id, vin, plate, maker, model, model_year, energy, customer_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      [
        site,
        decoded.vin,
        (input.plate ?? '').trim().toUpperCase(),
        decoded.manufacturer ?? '',
        (input.model ?? '').trim(),
        decoded.modelYear ?? null,
        input.energy,
        input.customerId ?? null,
        now,
      ],
    );
    if (input.odometerKm !== undefined && input.odometerKm !== null)
      await recordOdometer(tx, v!.id, input.odometerKm, now, 'registration');
    return v!;
  });
}

/** A vehicle of `site`: another site's is not found. */
export async function getVehicle(db: Db, site: number, id: number): Promise<Vehicle> {
  const v = await db.get<Vehicle>('SELECT * FROM vehicles WHERE id = ? AND site_id = ?', [id, site]);
  if (!v) throw new NotFoundError(VEHICLE, id);
  return v;
}

/**
 * Vehicles of `site` with their owner, or those whose plate (with or without its dashes), VIN,
 * maker, model or owner's name contains `q`.
 */
export function listVehicles(
  db: Db,
  site: number,
  q = '',
): Promise<(Vehicle & { customer_name: string | null })[]> {
  if (!q.trim())
    return db.all(
      'SELECT v.*, c.name AS customer_name FROM vehicles v LEFT JOIN customers c ON c.id = v.customer_id WHERE v.site_id = ? ORDER BY v.id',
      [site],
    );
  const like = contains(q);
  const plate = contains(q.replace(/[\s-]/g, ''));
  return db.all(
    `SELECT v.*, c.name AS customer_name FROM vehicles v LEFT JOIN customers c ON c.id = v.customer_id
     WHERE v.site_id = ? AND (LOWER(REPLACE(REPLACE(v.plate, '-', ''), ' ', '')) LIKE ? ESCAPE '!'
        OR LOWER(v.vin) LIKE ? ESCAPE '!' OR LOWER(v.maker) LIKE ? ESCAPE '!'
        OR LOWER(v.model) LIKE ? ESCAPE '!' OR LOWER(c.name) LIKE ? ESCAPE '!')
     ORDER BY v.id`,
    [site, plate, like, like, like, like],
  );
}

/** A vehicle's service history: its repair orders, newest first. */
export interface VehicleVisit {
  id: number;
  number: string;
  state: string;
  created_at: number;
  odometer_km: number | null;
  complaint: string;
}
export function vehicleHistory(db: Db, site: number, vehicleId: number): Promise<VehicleVisit[]> {
  return db.all<VehicleVisit>(
    `SELECT id, number, state, created_at, odometer_km, complaint FROM repair_orders
     WHERE vehicle_id = ? AND site_id = ? ORDER BY created_at DESC, id DESC`,
    [vehicleId, site],
  );
}

export function odometerHistory(db: Db, vehicleId: number): Promise<OdometerReading[]> {
  return db.all<OdometerReading>(
    'SELECT * FROM odometer_readings WHERE vehicle_id = ? ORDER BY read_at, id',
    [vehicleId],
  );
}

/** An odometer reading; one lower than the last known is refused (a rollback needs a manual note, not a silent entry). */
export async function recordOdometer(
  db: Db,
  vehicleId: number,
  km: number,
  now: number,
  source: string,
): Promise<OdometerReading> {
  if (!Number.isInteger(km) || km < 0 || km > 2_000_000)
    throw new ValidationError({ fr: 'kilométrage invalide', en: 'invalid odometer reading' }, 'odometerKm');
  const last = await db.get<{ km: number }>(
    'SELECT km FROM odometer_readings WHERE vehicle_id = ? ORDER BY read_at DESC, id DESC',
    [vehicleId],
  );
  if (last && km < last.km)
    throw new ValidationError(
      {
        fr: `kilométrage ${km} inférieur au dernier relevé (${last.km} km)`,
        en: `odometer ${km} is below the last reading (${last.km} km)`,
      },
      'odometerKm',
    );
  const row = await db.get<OdometerReading>(
    'INSERT INTO odometer_readings (vehicle_id, km, read_at, source) VALUES (?, ?, ?, ?) RETURNING *',
    [vehicleId, km, now, source],
  );
  return row!;
}
