/** Small, explicit fixtures for service tests: an empty store, a few people, a hybrid and a petrol car. */
import type { Store } from '../store/store.js';
import { projectStoreKind, type StoreKind } from '../test-support/stores.js';
import { createCustomer, createVehicle } from './customers.js';
import type { State } from './domain.js';
import { issueInvoice } from './invoices.js';
import { transitionOrder } from './orders.js';
import { qualityStatus, recordQualityChecks } from './quality.js';
import { createUser, type User } from './users.js';
import { saveRate, updateProfile } from './workshop-profile.js';

export const T0 = Date.parse('2026-03-02T08:00:00Z');
export const H = 3600_000;

/** A SIREN, SIRET and VAT number that pass their checks (made up: Luhn and the VAT key computed). */
export const TEST_SIRET = '12345678200028';
export const TEST_VAT = 'FR11123456782';

export interface Fixture {
  store: Store;
  users: Record<'boss' | 'tech' | 'appr' | 'other', User>;
  hybrid: number;
  petrol: number;
  /** The posted hourly rate T1 (65.00 € excl. VAT). */
  rate: number;
  /** The database, as `atelier serve --db` takes it (a file or a URL): another process opens it there. */
  location: string;
  close(): Promise<void>;
}

export async function fixture(kind: StoreKind = projectStoreKind()): Promise<Fixture> {
  const db = await kind.create();
  const store = db.store;
  const mk = (login: string, role: string) =>
    createUser(store, { login, name: login.toUpperCase(), role, password: 'pompe-a-injection-7' }, T0, 1);
  const users = {
    boss: await mk('boss', 'manager'),
    tech: await mk('tech', 'technician'),
    appr: await mk('appr', 'apprentice'),
    other: await mk('other', 'technician'),
  };
  const hybrid = (
    await createVehicle(
      store,
      1,
      { vin: 'VNKKTUD3X0A123457', plate: 'AA-111-AA', energy: 'hybrid', odometerKm: 1000 },
      T0,
    )
  ).id;
  const petrol = (
    await createVehicle(store, 1, { vin: 'VF1RJA00165432101', plate: 'BB-222-BB', energy: 'petrol' }, T0)
  ).id;
  // The workshop's identity and posted rates: what every quote and invoice needs.
  await updateProfile(
    store,
    1,
    {
      legal_name: 'Garage Test SARL',
      legal_form: 'SARL au capital de 10 000 €',
      siret: TEST_SIRET,
      vat_id: TEST_VAT,
      register: 'RCS Lyon 123 456 782',
      address_line1: '1 rue du Test',
      postcode: '69007',
      city: 'Lyon',
    },
    users.boss.id,
    T0,
  );
  const rate = (
    await saveRate(store, 1, { code: 'T1', labelFr: 'Mécanique', labelEn: 'Mechanics', rateCents: 6500 })
  ).id;
  await saveRate(store, 1, {
    code: 'T3',
    labelFr: 'Haute tension',
    labelEn: 'High voltage',
    rateCents: 9000,
  });
  return {
    store,
    users,
    hybrid,
    petrol,
    rate,
    location: db.location,
    close: () => db.destroy(),
  };
}

/** A customer with a billing address, owning both cars: what an invoice needs. */
export async function withCustomer(f: Fixture, business = false): Promise<number> {
  const c = await createCustomer(
    f.store,
    1,
    {
      name: business ? 'Transports Test SAS' : 'Camille Client',
      addressLine1: '3 place Bellecour',
      postcode: '69002',
      city: 'Lyon',
      isBusiness: business,
      siret: business ? TEST_SIRET : undefined,
      vatId: business ? TEST_VAT : undefined,
    },
    T0,
  );
  await f.store.run('UPDATE vehicles SET customer_id = ? WHERE id IN (?, ?)', [c.id, f.hybrid, f.petrol]);
  await f.store.run('UPDATE repair_orders SET customer_id = ? WHERE vehicle_id IN (?, ?)', [
    c.id,
    f.hybrid,
    f.petrol,
  ]);
  return c.id;
}

/** Work clocked by `userId` on an order (an operation entry, as the clocking page records it). */
export async function clockWork(
  f: Fixture,
  roId: number,
  userId: number,
  from: number,
  to: number,
): Promise<void> {
  await f.store.run(
    "INSERT INTO clock_entries (site_id, user_id, kind, ro_id, start_at, end_at) VALUES (1, ?, 'operation', ?, ?, ?)",
    [userId, roId, from, to],
  );
}

/**
 * An order in repair taken to `to` the way the workshop does it: work clocked, the quality-control
 * checklist passed, the invoice issued before delivery (the customer needs an address: withCustomer).
 */
export async function finishOrder(
  f: Fixture,
  roId: number,
  at: number,
  to: Extract<State, 'quality_control' | 'ready' | 'delivered'> = 'delivered',
): Promise<void> {
  const { boss, tech } = f.users;
  await clockWork(f, roId, tech.id, at - H, at);
  await transitionOrder(f.store, 1, roId, 'quality_control', tech, at);
  if (to === 'quality_control') return;
  const qc = await qualityStatus(f.store, 1, roId);
  await recordQualityChecks(
    f.store,
    1,
    roId,
    qc.items.map((i) => ({ item: i.id, result: 'ok' })),
    boss,
    at,
  );
  await transitionOrder(f.store, 1, roId, 'ready', boss, at);
  if (to === 'ready') return;
  await issueInvoice(f.store, 1, roId, boss, at);
  await transitionOrder(f.store, 1, roId, 'delivered', boss, at);
}
