import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  applyRetention,
  createCustomer,
  createVehicle,
  eraseCustomer,
  exportCustomer,
  getCustomer,
  getVehicle,
  listCustomers,
  odometerHistory,
  recordOdometer,
} from './customers.js';
import { ValidationError } from './errors.js';
import { type Fixture, fixture, H, T0 } from './fixtures.test-support.js';
import { createOrder, getOrder } from './orders.js';
import { decodeVinForWorkshop } from './vin.js';

let f: Fixture;
beforeEach(async () => {
  f = await fixture();
});
afterEach(() => f.close());

describe('customers and GDPR', () => {
  it('exports everything held about a customer, then erases the person but keeps the vehicle history', async () => {
    const c = await createCustomer(
      f.store,
      1,
      { name: 'Jeanne Lefèvre', phone: '06 12 34 56 78', email: 'j@example.fr' },
      T0,
    );
    const v = await createVehicle(
      f.store,
      1,
      { vin: 'VF3LBYHZPKS123456', plate: 'ek-456-lm', energy: 'diesel', customerId: c.id, odometerKm: 1200 },
      T0,
    );
    const ro = await createOrder(
      f.store,
      1,
      { vehicleId: v.id, complaint: 'vibrations' },
      f.users.boss,
      T0 + H,
    );
    const data = await exportCustomer(f.store, 1, c.id);
    expect((data.customer as { email: string }).email).toBe('j@example.fr');
    expect((data.vehicles as { plate: string }[]).map((x) => x.plate)).toEqual(['EK-456-LM']);
    expect((data.odometer as { km: number }[]).map((x) => x.km)).toEqual([1200]);
    expect((data.repairOrders as { number: string }[]).map((x) => x.number)).toEqual([ro.number]);

    await eraseCustomer(f.store, 1, c.id, f.users.boss.id, T0 + 2 * H);
    const erased = await getCustomer(f.store, 1, c.id);
    expect([erased.name, erased.phone, erased.email, erased.erased_at]).toEqual(['—', '', '', T0 + 2 * H]);
    expect(JSON.stringify(await exportCustomer(f.store, 1, c.id))).not.toMatch(
      /Jeanne|06 12|example\.fr|EK-456/,
    );
    expect((await getVehicle(f.store, 1, v.id)).customer_id).toBeNull();
    const o = await getOrder(f.store, 1, ro.id);
    expect([o.customer_id, o.complaint]).toEqual([null, 'vibrations']);
    expect(await listCustomers(f.store, 1)).toEqual([]);
    const audit = await f.store.all('SELECT action, subject FROM audit_log');
    expect(audit).toEqual([{ action: 'customer.erase', subject: `customer:${c.id}` }]);
  });

  it('erases customers inactive beyond the retention period, and only those', async () => {
    const old = await createCustomer(f.store, 1, { name: 'Ancien' }, T0 - 40 * 30 * 24 * H);
    const recent = await createCustomer(f.store, 1, { name: 'Récent' }, T0 - 30 * 24 * H);
    expect(await applyRetention(f.store, 36, T0)).toBe(1);
    expect((await getCustomer(f.store, 1, old.id)).erased_at).toBe(T0);
    expect((await getCustomer(f.store, 1, recent.id)).erased_at).toBeNull();
  });

  it('refuses bad input, naming the field', async () => {
    await expect(createCustomer(f.store, 1, { name: ' ' }, T0)).rejects.toMatchObject({ field: 'name' });
    await expect(createCustomer(f.store, 1, { name: 'a', email: 'not-an-email' }, T0)).rejects.toMatchObject({
      field: 'email',
    });
    await expect(
      createVehicle(f.store, 1, { vin: 'VF3LBYHZPKS12345O', energy: 'diesel' }, T0),
    ).rejects.toMatchObject({ field: 'vin' });
    await expect(
      createVehicle(f.store, 1, { vin: 'VNKKTUD3X0A123457', energy: 'diesel' }, T0),
    ).rejects.toThrow(/already registered/);
    await expect(
      createVehicle(f.store, 1, { vin: 'VF3LBYHZPKS123456', energy: 'steam' }, T0),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('vehicles', () => {
  it('decodes maker and model year from the VIN at registration', async () => {
    const v = await getVehicle(f.store, 1, f.hybrid);
    expect([v.maker, v.energy]).toEqual(['Toyota (France)', 'hybrid']); // VNK: the Valenciennes plant
    // Position 10 "0" is no year code; a Tesla with "N" there is a 2022 model.
    expect(v.model_year).toBeNull();
    expect(decodeVinForWorkshop('5YJ3E7EB2NF123459', 2026)).toMatchObject({
      manufacturer: 'Tesla',
      modelYear: 2022,
      wmi: '5YJ',
    });
    expect(decodeVinForWorkshop('vf1rja00165432101', 2026)).toMatchObject({
      vin: 'VF1RJA00165432101',
      manufacturer: 'Renault',
    });
    expect(decodeVinForWorkshop('TOO-SHORT', 2026)).toBeNull();
  });

  it('checks the position 9 check digit (ISO 3779 North American rule)', () => {
    // 1M8GDM9AXKP042788 is the classic worked example: check digit X.
    expect(decodeVinForWorkshop('1M8GDM9AXKP042788', 2026)?.checkDigitValid).toBe(true);
    expect(decodeVinForWorkshop('1M8GDM9A1KP042788', 2026)?.checkDigitValid).toBe(false);
  });

  it('keeps an odometer history that never goes backwards', async () => {
    await recordOdometer(f.store, f.hybrid, 1500, T0 + H, 'manual');
    await expect(recordOdometer(f.store, f.hybrid, 1400, T0 + 2 * H, 'manual')).rejects.toMatchObject({
      field: 'odometerKm',
    });
    expect((await odometerHistory(f.store, f.hybrid)).map((r) => r.km)).toEqual([1000, 1500]);
  });
});
