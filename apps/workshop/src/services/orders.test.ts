import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { odometerHistory } from './customers.js';
import { STATES, TRANSITIONS } from './domain.js';
import { ConflictError, ValidationError } from './errors.js';
import { clockWork, type Fixture, fixture, H, T0, withCustomer } from './fixtures.test-support.js';
import { issueInvoice } from './invoices.js';
import {
  approveQuote,
  assignOrder,
  boardCards,
  createOrder,
  deferredWork,
  getOrder,
  openComeback,
  receiveVehicle,
  setDiagnosisNotes,
  transitionOrder,
} from './orders.js';
import { qualityStatus, recordQualityChecks } from './quality.js';
import { addLine } from './quotes.js';

let f: Fixture;
beforeEach(async () => {
  f = await fixture();
});
afterEach(() => f.close());

describe('repair orders through the workshop process', () => {
  it('goes booked → … → delivered, recording who and when for every transition', async () => {
    const { boss, tech } = f.users;
    await withCustomer(f);
    const ro = await createOrder(f.store, 1, { vehicleId: f.petrol, complaint: 'bruit' }, boss, T0);
    expect(ro.number).toBe('OR-2026-00001');
    await receiveVehicle(
      f.store,
      1,
      ro.id,
      {
        complaint: '« Ça claque à droite quand je tourne »',
        odometerKm: 54_321,
        condition: 'rayure aile AV',
      },
      boss,
      T0 + 1 * H,
    );
    await assignOrder(f.store, 1, ro.id, tech.id, boss, T0 + 1 * H);
    await transitionOrder(f.store, 1, ro.id, 'diagnosis', tech, T0 + 2 * H);
    const l1 = await addLine(f.store, 1, ro.id, {
      kind: 'labour',
      description: 'Cardan droit',
      rateId: f.rate,
      hours: 1.5,
    });
    const l2 = await addLine(f.store, 1, ro.id, {
      kind: 'labour',
      description: 'Parallélisme',
      rateId: f.rate,
      hours: 0.8,
    });
    await setDiagnosisNotes(f.store, 1, ro.id, 'soufflet de cardan déchiré, jeu au cardan droit');
    await transitionOrder(f.store, 1, ro.id, 'quote', tech, T0 + 3 * H);
    await transitionOrder(f.store, 1, ro.id, 'awaiting_approval', boss, T0 + 4 * H);
    await approveQuote(
      f.store,
      1,
      ro.id,
      {
        approvedLineIds: [l1.id],
        followupOn: '2026-04-01',
        method: 'phone',
        signerName: 'M. Client',
        reference: '06 12 34 56 78, le client lui-même',
      },
      boss,
      T0 + 5 * H,
    );
    const path = [
      'parts',
      'waiting_parts',
      'parts',
      'repair',
      'quality_control',
      'repair',
      'quality_control',
      'ready',
      'delivered',
    ] as const;
    for (const [i, s] of path.entries()) {
      const at = T0 + (6 + i) * H;
      // what each move needs: work clocked before QC, the checklist before ready, the invoice before delivery
      if (s === 'quality_control') await clockWork(f, ro.id, tech.id, at - H / 2, at);
      if (s === 'ready') {
        const qc = await qualityStatus(f.store, 1, ro.id);
        await recordQualityChecks(
          f.store,
          1,
          ro.id,
          qc.items.map((it) => ({ item: it.id, result: 'ok' })),
          boss,
          at,
        );
      }
      if (s === 'delivered') await issueInvoice(f.store, 1, ro.id, boss, at);
      await transitionOrder(f.store, 1, ro.id, s, s === 'delivered' ? boss : tech, at);
    }
    const o = await getOrder(f.store, 1, ro.id);
    expect(o.state).toBe('delivered');
    expect(o.complaint).toBe('« Ça claque à droite quand je tourne »');
    expect(o.odometer_km).toBe(54_321);
    const moves = o.events.filter((e) => e.from_state !== e.to_state);
    expect(moves.map((e) => e.to_state)).toEqual([
      'booked',
      'reception',
      'diagnosis',
      'quote',
      'awaiting_approval',
      'approved',
      ...path,
    ]);
    expect(moves.every((e) => e.user_id !== null && e.at >= T0)).toBe(true);
    expect(moves.find((e) => e.to_state === 'diagnosis')?.user_name).toBe('TECH');
    expect(moves.find((e) => e.to_state === 'approved')?.note).toBe('partial: 1 declined');
    // Partial approval: the declined line stays as deferred work with its follow-up date.
    expect(o.lines.map((l) => [l.id, l.status, l.followup_on])).toEqual([
      [l1.id, 'approved', null],
      [l2.id, 'declined', '2026-04-01'],
    ]);
    expect((await deferredWork(f.store, 1, '2026-04-01')).map((l) => l.id)).toEqual([l2.id]);
    expect((await deferredWork(f.store, 1, '2026-03-31')).map((l) => l.id)).toEqual([]);
    // The reception reading went into the vehicle's odometer history.
    expect((await odometerHistory(f.store, f.petrol)).map((r) => r.km)).toEqual([54_321]);
  });

  it('refuses every move the process does not allow', async () => {
    const ro = await createOrder(f.store, 1, { vehicleId: f.petrol }, f.users.boss, T0);
    for (const to of STATES) {
      if (TRANSITIONS.booked.includes(to)) continue;
      await expect(transitionOrder(f.store, 1, ro.id, to, f.users.boss, T0)).rejects.toBeInstanceOf(
        ConflictError,
      );
    }
    expect((await getOrder(f.store, 1, ro.id)).state).toBe('booked');
  });

  it('needs the complaint at reception, an assignee for diagnosis, lines before approval', async () => {
    const ro = await createOrder(f.store, 1, { vehicleId: f.petrol }, f.users.boss, T0);
    await expect(
      receiveVehicle(f.store, 1, ro.id, { complaint: '  ', odometerKm: 1, condition: '' }, f.users.boss, T0),
    ).rejects.toBeInstanceOf(ValidationError);
    await receiveVehicle(
      f.store,
      1,
      ro.id,
      { complaint: 'x', odometerKm: 1, condition: '' },
      f.users.boss,
      T0,
    );
    await expect(transitionOrder(f.store, 1, ro.id, 'diagnosis', f.users.boss, T0)).rejects.toMatchObject({
      field: 'assignedTo',
    });
    await assignOrder(f.store, 1, ro.id, f.users.appr.id, f.users.boss, T0);
    await transitionOrder(f.store, 1, ro.id, 'diagnosis', f.users.appr, T0);
    // a diagnostic order is quoted on a diagnosis
    await expect(transitionOrder(f.store, 1, ro.id, 'quote', f.users.appr, T0)).rejects.toMatchObject({
      field: 'diagnosis',
    });
    await setDiagnosisNotes(f.store, 1, ro.id, 'démarreur HS');
    await transitionOrder(f.store, 1, ro.id, 'quote', f.users.appr, T0);
    await expect(
      transitionOrder(f.store, 1, ro.id, 'awaiting_approval', f.users.boss, T0),
    ).rejects.toMatchObject({ field: 'lines' });
  });

  it('refuses an odometer reading below the last one', async () => {
    const ro = await createOrder(f.store, 1, { vehicleId: f.hybrid }, f.users.boss, T0);
    await expect(
      receiveVehicle(f.store, 1, ro.id, { complaint: 'x', odometerKm: 999, condition: '' }, f.users.boss, T0),
    ).rejects.toMatchObject({
      field: 'odometerKm',
    });
    // The failed reception left the order as it was (one transaction).
    expect((await getOrder(f.store, 1, ro.id)).state).toBe('booked');
  });

  it('opens a comeback only on a delivered order, linked to it', async () => {
    const ro = await createOrder(f.store, 1, { vehicleId: f.petrol }, f.users.boss, T0);
    await expect(openComeback(f.store, 1, ro.id, 'revient', f.users.boss, T0)).rejects.toBeInstanceOf(
      ConflictError,
    );
    await f.store.run("UPDATE repair_orders SET state = 'delivered' WHERE id = ?", [ro.id]);
    const cb = await openComeback(f.store, 1, ro.id, 'Le bruit est revenu', f.users.boss, T0 + 24 * H);
    const o = await getOrder(f.store, 1, cb.id);
    expect([o.state, o.comeback_of, o.comeback_number, o.complaint]).toEqual([
      'comeback',
      ro.id,
      ro.number,
      'Le bruit est revenu',
    ]);
    expect((await boardCards(f.store, 1, T0 + 24 * H)).find((c) => c.id === cb.id)?.comeback_of).toBe(ro.id);
  });

  it('lets only one of two concurrent identical moves succeed', async () => {
    const ro = await createOrder(f.store, 1, { vehicleId: f.petrol }, f.users.boss, T0);
    await receiveVehicle(
      f.store,
      1,
      ro.id,
      { complaint: 'x', odometerKm: 10, condition: '' },
      f.users.boss,
      T0,
    );
    await assignOrder(f.store, 1, ro.id, f.users.tech.id, f.users.boss, T0);
    const results = await Promise.allSettled([
      transitionOrder(f.store, 1, ro.id, 'diagnosis', f.users.tech, T0 + H),
      transitionOrder(f.store, 1, ro.id, 'diagnosis', f.users.tech, T0 + H),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(
      (await getOrder(f.store, 1, ro.id)).events.filter(
        (e) => e.to_state === 'diagnosis' && e.from_state === 'reception',
      ),
    ).toHaveLength(1);
  });
});
