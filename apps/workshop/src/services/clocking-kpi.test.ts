import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  clockIn,
  clockOut,
  clockStatus,
  correctEntry,
  listCorrections,
  listEntries,
  startActivity,
  stopActivity,
} from './clocking.js';
import { ConflictError } from './errors.js';
import { type Fixture, finishOrder, fixture, H, T0, withCustomer } from './fixtures.test-support.js';
import { computeKpis } from './kpi.js';
import {
  approveQuote,
  assignOrder,
  createOrder,
  openComeback,
  receiveVehicle,
  setDiagnosisNotes,
  transitionOrder,
} from './orders.js';
import { addLine } from './quotes.js';

let f: Fixture;
beforeEach(async () => {
  f = await fixture();
});
afterEach(() => f.close());

/** An order taken to repair with approved labour of `sold` hours, assigned to `tech`. */
async function orderInRepair(sold: number[], at: number) {
  const { boss, tech } = f.users;
  // a service order (known work): quoted without a diagnosis step that would need a finding
  const ro = await createOrder(f.store, 1, { vehicleId: f.petrol, kind: 'service' }, boss, at);
  await receiveVehicle(
    f.store,
    1,
    ro.id,
    { complaint: 'x', odometerKm: Math.floor(at / 1e9), condition: '' },
    boss,
    at,
  );
  await assignOrder(f.store, 1, ro.id, tech.id, boss, at);
  await transitionOrder(f.store, 1, ro.id, 'diagnosis', tech, at);
  const ids = [];
  for (const h of sold)
    ids.push(
      (await addLine(f.store, 1, ro.id, { kind: 'labour', description: 'op', rateId: f.rate, hours: h })).id,
    );
  await transitionOrder(f.store, 1, ro.id, 'quote', tech, at);
  await transitionOrder(f.store, 1, ro.id, 'awaiting_approval', boss, at);
  await approveQuote(
    f.store,
    1,
    ro.id,
    { approvedLineIds: ids, method: 'phone', signerName: 'Client', reference: '06 00 00 00 00' },
    boss,
    at,
  );
  await transitionOrder(f.store, 1, ro.id, 'repair', tech, at);
  return ro;
}

describe('clocking', () => {
  it('needs attendance before an activity; one activity at a time; clocking out closes it', async () => {
    const { tech } = f.users;
    const ro = await orderInRepair([2], T0);
    await expect(startActivity(f.store, 1, tech, { roId: ro.id }, T0)).rejects.toBeInstanceOf(ConflictError);
    await clockIn(f.store, 1, tech.id, T0);
    await expect(clockIn(f.store, 1, tech.id, T0)).rejects.toBeInstanceOf(ConflictError);
    await startActivity(f.store, 1, tech, { roId: ro.id }, T0 + H);
    await startActivity(f.store, 1, tech, { code: 'cleaning' }, T0 + 2 * H); // stops the operation
    const s = await clockStatus(f.store, tech.id);
    expect(s.activity?.kind).toBe('nonprod');
    await clockOut(f.store, tech.id, T0 + 3 * H);
    expect(await clockStatus(f.store, tech.id)).toEqual({ attendance: null, activity: null });
    const entries = await listEntries(f.store, 1, tech.id, T0 - H, T0 + 4 * H);
    expect(entries.map((e) => [e.kind, (e.end_at! - e.start_at) / H]).sort()).toEqual([
      ['attendance', 3],
      ['nonprod', 1],
      ['operation', 1],
    ]);
    await expect(stopActivity(f.store, tech.id, T0 + 4 * H)).rejects.toBeInstanceOf(ConflictError);
    await expect(startActivity(f.store, 1, tech, { code: 'napping' }, T0)).rejects.toBeInstanceOf(
      ConflictError,
    );
  });

  it('audits corrections: old value, new value, who, why', async () => {
    const { tech, boss } = f.users;
    const e = await clockIn(f.store, 1, tech.id, T0);
    await clockOut(f.store, tech.id, T0 + 8 * H);
    await expect(
      correctEntry(f.store, 1, e.id, { startAt: T0 - H, reason: '' }, boss.id, T0 + 9 * H),
    ).rejects.toMatchObject({ field: 'reason' });
    await expect(
      correctEntry(f.store, 1, e.id, { endAt: T0 - 2 * H, reason: 'oops' }, boss.id, T0 + 9 * H),
    ).rejects.toMatchObject({ field: 'endAt' });
    await correctEntry(f.store, 1, e.id, { startAt: T0 - H, reason: 'badge oublié' }, boss.id, T0 + 9 * H);
    expect(await listCorrections(f.store, 1, e.id)).toEqual([
      {
        field: 'start_at',
        old_value: T0,
        new_value: T0 - H,
        reason: 'badge oublié',
        by_name: 'BOSS',
        at: T0 + 9 * H,
      },
    ]);
  });

  it('refuses clocking on HV work without the habilitation, whoever clocks', async () => {
    const { boss, tech } = f.users;
    const ro = await createOrder(f.store, 1, { vehicleId: f.hybrid }, boss, T0);
    await receiveVehicle(f.store, 1, ro.id, { complaint: 'x', odometerKm: 1200, condition: '' }, boss, T0);
    // work near energised HV parts: B1VL, derived from the quote line
    await addLine(f.store, 1, ro.id, {
      kind: 'labour',
      description: 'dépose du convertisseur',
      rateId: f.rate,
      hours: 1,
      hvWork: 'hv_vicinity',
    });
    await f.store.run("UPDATE repair_orders SET state = 'repair' WHERE id = ?", [ro.id]);
    await clockIn(f.store, 1, tech.id, T0);
    await expect(startActivity(f.store, 1, tech, { roId: ro.id }, T0)).rejects.toThrow(/B1VL/);
  });
});

describe('KPIs', () => {
  it('computes efficiency, productivity and proficiency from clocked, attended and sold hours', async () => {
    const { tech, other } = f.users;
    const ro = await orderInRepair([3, 1], T0);
    await clockIn(f.store, 1, tech.id, T0);
    await startActivity(f.store, 1, tech, { roId: ro.id }, T0 + 1 * H);
    await stopActivity(f.store, tech.id, T0 + 3 * H); // 2 h on the order
    await clockOut(f.store, tech.id, T0 + 8 * H); // 8 h attended
    // Someone else works 2 h on the same order: the 4 sold hours are shared 2:2.
    await clockIn(f.store, 1, other.id, T0);
    await startActivity(f.store, 1, other, { roId: ro.id }, T0 + 4 * H);
    await clockOut(f.store, other.id, T0 + 6 * H);
    const period = { from: T0 - 8 * H, to: T0 + 16 * H };
    const k = await computeKpis(f.store, 1, period, tech.id, T0 + 20 * H);
    expect([k.attendedHours, k.clockedHours, k.soldHours]).toEqual([8, 2, 2]);
    expect(k.efficiency).toBeCloseTo(2 / 2);
    expect(k.productivity).toBeCloseTo(2 / 8);
    expect(k.proficiency).toBeCloseTo(2 / 8);
    const all = await computeKpis(f.store, 1, period, null, T0 + 20 * H);
    expect([all.attendedHours, all.clockedHours, all.soldHours]).toEqual([14, 4, 4]);
    expect(all.daily.clocked.reduce((a, b) => a + b, 0)).toBeCloseTo(4);
    // Nothing clocked in another period: ratios are undefined (null), not 0 or NaN.
    const empty = await computeKpis(f.store, 1, { from: T0 + 30 * H, to: T0 + 40 * H }, tech.id, T0 + 50 * H);
    expect([empty.efficiency, empty.productivity, empty.comebackRate]).toEqual([null, null, null]);
  });

  it('changes when a clock entry is corrected', async () => {
    const { tech, boss } = f.users;
    const e = await clockIn(f.store, 1, tech.id, T0);
    await clockOut(f.store, tech.id, T0 + 4 * H);
    const period = { from: T0 - 8 * H, to: T0 + 16 * H };
    expect((await computeKpis(f.store, 1, period, tech.id, T0 + 5 * H)).attendedHours).toBe(4);
    await correctEntry(
      f.store,
      1,
      e.id,
      { endAt: T0 + 6 * H, reason: 'oubli de pointage' },
      boss.id,
      T0 + 7 * H,
    );
    expect((await computeKpis(f.store, 1, period, tech.id, T0 + 7 * H)).attendedHours).toBe(6);
  });

  it('counts comebacks over delivered orders, and the mean time in diagnosis', async () => {
    const { boss, tech } = f.users;
    await withCustomer(f);
    const a = await orderInRepair([1], T0); // diagnosis entered and left at T0: 0 h
    const b = await orderInRepair([1], T0 + H);
    for (const ro of [a, b]) await finishOrder(f, ro.id, T0 + 10 * H);
    await openComeback(f.store, 1, a.id, 'revient', boss, T0 + 30 * H);
    // A third order spends 3 h in diagnosis.
    const c = await createOrder(f.store, 1, { vehicleId: f.petrol }, boss, T0);
    await receiveVehicle(f.store, 1, c.id, { complaint: 'x', odometerKm: 99_999, condition: '' }, boss, T0);
    await assignOrder(f.store, 1, c.id, tech.id, boss, T0);
    await transitionOrder(f.store, 1, c.id, 'diagnosis', tech, T0 + 2 * H);
    await addLine(f.store, 1, c.id, { kind: 'labour', description: 'x', rateId: f.rate, hours: 1 });
    await setDiagnosisNotes(f.store, 1, c.id, 'bougie n°3 encrassée');
    await transitionOrder(f.store, 1, c.id, 'quote', tech, T0 + 5 * H);
    const k = await computeKpis(f.store, 1, { from: T0 - H, to: T0 + 48 * H }, tech.id, T0 + 48 * H);
    expect([k.delivered, k.comebacks]).toEqual([2, 1]);
    expect(k.comebackRate).toBeCloseTo(0.5);
    expect(k.avgDiagnosisHours).toBeCloseTo((0 + 0 + 3) / 3);
    expect(k.avgHoursInState.quality_control).toBeCloseTo(0);
  });
});
