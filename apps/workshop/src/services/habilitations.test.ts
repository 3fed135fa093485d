import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AssignmentRefused } from './errors.js';
import { type Fixture, fixture, H, T0 } from './fixtures.test-support.js';
import {
  addYears,
  checkHabilitation,
  grantHabilitation,
  type Habilitation,
  type HabSymbol,
  habilitationAlerts,
  habilitationStatus,
  isoDate,
  SYMBOL_INFO,
  SYMBOLS,
} from './habilitations.js';
import { assignOrder, createOrder, getOrder, receiveVehicle } from './orders.js';
import { addLine } from './quotes.js';
import { getSettings, updateSettings } from './settings.js';

let f: Fixture;
beforeEach(async () => {
  f = await fixture();
});
afterEach(() => f.close());

const held = (symbol: string, issued: string, renewal: string) =>
  ({ id: 1, user_id: 1, symbol, issued_on: issued, renewal_on: renewal, issued_by: '' }) as Habilitation;

describe('NF C18-550 habilitations', () => {
  it('renews after 3 years by default, and after the configured years otherwise', async () => {
    const s = await getSettings(f.store);
    expect(s.habilitationRenewalYears).toBe(3);
    const h = await grantHabilitation(
      f.store,
      1,
      { userId: f.users.tech.id, symbol: 'B1VL', issuedOn: '2025-01-15' },
      s.habilitationRenewalYears,
    );
    expect(h.renewal_on).toBe('2028-01-15');
    const s2 = await updateSettings(f.store, { habilitationRenewalYears: 2 });
    const h2 = await grantHabilitation(
      f.store,
      1,
      { userId: f.users.tech.id, symbol: 'BCL', issuedOn: '2025-01-15' },
      s2.habilitationRenewalYears,
    );
    expect(h2.renewal_on).toBe(addYears('2025-01-15', 2));
    await expect(updateSettings(f.store, { habilitationRenewalYears: 0 })).rejects.toThrow(
      /habilitationRenewalYears/,
    );
  });

  it('refuses unknown symbols and bad dates, naming the field', async () => {
    await expect(
      grantHabilitation(f.store, 1, { userId: f.users.tech.id, symbol: 'B3XL', issuedOn: '2025-01-01' }, 3),
    ).rejects.toMatchObject({ field: 'symbol' });
    await expect(
      grantHabilitation(f.store, 1, { userId: f.users.tech.id, symbol: 'B1VL', issuedOn: '2025-13-45' }, 3),
    ).rejects.toMatchObject({ field: 'issuedOn' });
  });

  it('follows the hierarchy: B2VL covers B1VL work, B1VL does not cover B2VL, BCL covers only BCL', () => {
    const today = '2026-03-01';
    expect(checkHabilitation([held('B2VL', '2025-01-01', '2028-01-01')], 'B1VL', today, 'X').ok).toBe(true);
    expect(checkHabilitation([held('B1VL', '2025-01-01', '2028-01-01')], 'B2VL', today, 'X').ok).toBe(false);
    expect(checkHabilitation([held('BCL', '2025-01-01', '2028-01-01')], 'B1VL', today, 'X').ok).toBe(false);
    expect(checkHabilitation([held('B1VL', '2025-01-01', '2028-01-01')], 'B0L', today, 'X').ok).toBe(true);
  });

  it('covers B1L work by B2L and the vicinity symbols, and keeps live work and specific operations apart', () => {
    const today = '2026-03-01';
    const ok = (held_: string, required: HabSymbol) =>
      checkHabilitation([held(held_, '2025-01-01', '2028-01-01')], required, today, 'X').ok;
    expect(ok('B2L', 'B1L')).toBe(true);
    expect(ok('B1VL', 'B1L')).toBe(true);
    expect(ok('B2VL', 'B2L')).toBe(true);
    expect(ok('B1L', 'B1VL')).toBe(false);
    expect(ok('B1L', 'B2L')).toBe(false);
    expect(ok('B2TL', 'B1TL')).toBe(true);
    expect(ok('B2TL', 'B2VL')).toBe(false);
    expect(ok('B2XL', 'B1XL')).toBe(true);
    expect(ok('B2XL', 'B1L')).toBe(false);
    expect(ok('BRL', 'BCL')).toBe(false);
    // Every symbol is described in both languages, and covers itself and B0L work.
    for (const s of SYMBOLS) {
      expect(SYMBOL_INFO[s].allows.fr.length).toBeGreaterThan(20);
      expect(SYMBOL_INFO[s].allows.en.length).toBeGreaterThan(20);
      expect(ok(s, s)).toBe(true);
      expect(ok(s, 'B0L')).toBe(true);
    }
  });

  it('says where a habilitation stands: valid, refresher due within the alert window, expired', () => {
    const h = { issued_on: '2023-03-20', renewal_on: '2026-03-20' };
    expect(habilitationStatus(h, '2025-01-01', 90)).toEqual({ status: 'valid', daysLeft: 443 });
    expect(habilitationStatus(h, '2026-03-10', 90)).toEqual({ status: 'due', daysLeft: 10 });
    expect(habilitationStatus(h, '2026-03-20', 90)).toEqual({ status: 'due', daysLeft: 0 });
    expect(habilitationStatus(h, '2026-03-21', 90)).toEqual({ status: 'expired', daysLeft: -1 });
    expect(habilitationStatus(h, '2023-03-19', 90).status).toBe('not-yet');
  });

  it('says why: none held, or held but past its renewal date', () => {
    const none = checkHabilitation([], 'B1VL', '2026-03-01', 'Karim');
    expect(none.ok).toBe(false);
    if (!none.ok) {
      expect(none.reason.fr).toMatch(
        /Karim n'a aucune habilitation couvrant B1VL \(acceptées : B1VL, B2VL\)/,
      );
      expect(none.reason.en).toMatch(/Karim holds no habilitation covering B1VL/);
    }
    const expired = checkHabilitation(
      [held('B1VL', '2022-01-01', '2025-01-01')],
      'B1VL',
      '2026-03-01',
      'Karim',
    );
    expect(expired.ok).toBe(false);
    if (!expired.ok) expect(expired.reason.en).toMatch(/renewal overdue: B1VL 01\/01\/2025/);
  });

  it('alerts before expiry and for expired ones, soonest first', async () => {
    const today = isoDate(T0);
    await grantHabilitation(
      f.store,
      1,
      { userId: f.users.tech.id, symbol: 'B1VL', issuedOn: '2023-03-20' },
      3,
    ); // due 2026-03-20
    await grantHabilitation(
      f.store,
      1,
      { userId: f.users.other.id, symbol: 'B2VL', issuedOn: '2023-01-01' },
      3,
    ); // expired 2026-01-01
    await grantHabilitation(
      f.store,
      1,
      { userId: f.users.appr.id, symbol: 'B0L', issuedOn: '2025-06-01' },
      3,
    ); // far away
    const alerts = await habilitationAlerts(f.store, 1, today, 30);
    expect(alerts.map((a) => [a.user_name, a.symbol, a.expired])).toEqual([
      ['OTHER', 'B2VL', true],
      ['TECH', 'B1VL', false],
    ]);
    expect(alerts[1]!.days_left).toBe(18);
  });

  it('refuses to assign HV work on a hybrid to someone without a valid covering symbol, and says why', async () => {
    const ro = await createOrder(f.store, 1, { vehicleId: f.hybrid }, f.users.boss, T0);
    await receiveVehicle(
      f.store,
      1,
      ro.id,
      { complaint: 'x', odometerKm: 1100, condition: '' },
      f.users.boss,
      T0,
    );
    // the quote's operation near energised HV parts is what asks for B1VL (not a choice at creation)
    await addLine(f.store, 1, ro.id, {
      kind: 'labour',
      description: 'dépose près du câble orange',
      rateId: f.rate,
      hours: 1,
      hvWork: 'hv_vicinity',
    });
    expect((await getOrder(f.store, 1, ro.id)).hv_requirement).toBe('B1VL');
    const err = await assignOrder(f.store, 1, ro.id, f.users.tech.id, f.users.boss, T0 + H).catch((e) => e);
    expect(err).toBeInstanceOf(AssignmentRefused);
    expect(err.text.fr).toContain('TECH');
    expect(err.text.fr).toContain('B1VL');
    expect((await getOrder(f.store, 1, ro.id)).assigned_to).toBeNull();
    // An expired one is refused too, with the date.
    await grantHabilitation(
      f.store,
      1,
      { userId: f.users.tech.id, symbol: 'B1VL', issuedOn: '2022-01-10' },
      3,
    );
    const err2 = await assignOrder(f.store, 1, ro.id, f.users.tech.id, f.users.boss, T0 + H).catch((e) => e);
    expect(err2.text.en).toContain('10/01/2025');
    // Renewed: accepted.
    await grantHabilitation(
      f.store,
      1,
      { userId: f.users.tech.id, symbol: 'B1VL', issuedOn: '2025-01-10' },
      3,
    );
    await assignOrder(f.store, 1, ro.id, f.users.tech.id, f.users.boss, T0 + H);
    expect((await getOrder(f.store, 1, ro.id)).assignee_name).toBe('TECH');
  });

  it('asks only B0L for work off the HV system of a hybrid, and nothing on a petrol car', async () => {
    // Anyone working on a hybrid or an EV holds B0L at least (NF C18-550): derived from the energy.
    const a = await createOrder(f.store, 1, { vehicleId: f.hybrid }, f.users.boss, T0);
    expect(a.hv_requirement).toBe('B0L');
    await expect(assignOrder(f.store, 1, a.id, f.users.tech.id, f.users.boss, T0)).rejects.toThrow(/B0L/);
    await grantHabilitation(
      f.store,
      1,
      { userId: f.users.tech.id, symbol: 'B0L', issuedOn: '2025-06-01' },
      3,
    );
    await assignOrder(f.store, 1, a.id, f.users.tech.id, f.users.boss, T0);
    const b = await createOrder(f.store, 1, { vehicleId: f.petrol }, f.users.boss, T0);
    expect(b.hv_requirement).toBeNull();
    await assignOrder(f.store, 1, b.id, f.users.tech.id, f.users.boss, T0);
    // A manager is not a mechanic: refused whatever the car.
    await expect(assignOrder(f.store, 1, b.id, f.users.boss.id, f.users.boss, T0)).rejects.toBeInstanceOf(
      AssignmentRefused,
    );
  });
});
