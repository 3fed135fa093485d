/** Small, explicit fixtures for service tests: an empty store, a few people, a hybrid and a petrol car. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../store/sqlite-store.js';
import type { Store } from '../store/store.js';
import { createVehicle } from './customers.js';
import { createUser, type User } from './users.js';

export const T0 = Date.parse('2026-03-02T08:00:00Z');
export const H = 3600_000;

export interface Fixture {
  store: Store;
  users: Record<'boss' | 'tech' | 'appr' | 'other', User>;
  hybrid: number;
  petrol: number;
  close(): Promise<void>;
}

export async function fixture(): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'atelier-svc-'));
  const store = await openSqliteStore(join(dir, 'db.sqlite'));
  const mk = (login: string, role: string) =>
    createUser(store, { login, name: login.toUpperCase(), role, password: 'pompe-a-injection-7' }, T0);
  const users = {
    boss: await mk('boss', 'manager'),
    tech: await mk('tech', 'technician'),
    appr: await mk('appr', 'apprentice'),
    other: await mk('other', 'technician'),
  };
  const hybrid = (
    await createVehicle(
      store,
      { vin: 'VNKKTUD3X0A123457', plate: 'AA-111-AA', energy: 'hybrid', odometerKm: 1000 },
      T0,
    )
  ).id;
  const petrol = (
    await createVehicle(store, { vin: 'VF1RJA00165432101', plate: 'BB-222-BB', energy: 'petrol' }, T0)
  ).id;
  return {
    store,
    users,
    hybrid,
    petrol,
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
