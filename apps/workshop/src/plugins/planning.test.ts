/**
 * The planning through inject(): orders created with an appointment (form and JSON), moved by the
 * front desk only and only before reception, the week's page and API navigated, overlaps of one
 * technician's time, bad dates coming back as field errors, and the demo's week. The expected
 * instants are written out in UTC by hand (Paris is UTC+1 in March, UTC+2 from 29 March 2026).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../seed.js';
import { addDays, parisDay } from '../services/calendar.js';
import { openingCalendar } from '../services/opening-hours.js';
import { planningWeek } from '../services/planning.js';
import { addLine } from '../services/quotes.js';
import { listRates } from '../services/workshop-profile.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import { makeTestApp, type TestApp } from '../testing.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

// TEST_NOW is Tuesday 10 March 2026, 10:00 UTC (11:00 in Paris): its week is 9–15 March.
const form = (login: string, url: string, fields: Record<string, string>, back = '/orders/new') =>
  t.form(login, url, fields, back);
const api = (login: string, method: 'GET' | 'POST', url: string, payload?: object) =>
  t.inject(login, { method, url, ...(payload ? { payload } : {}) });
const vehicle = () => t.demo.vehicleIds[5]!;
/** The field marked invalid, its message right after it. */
const invalid = (name: string, message: string) =>
  new RegExp(
    `<input[^>]*aria-invalid="true"[^>]*name="${name}"[^>]*><span class="field-error"[^>]*>${message}`,
  );

describe('an order with an appointment', () => {
  it('is created from the form with a French day and time, and its page shows it', async () => {
    const res = await form('ines', '/orders', {
      vehicleId: String(vehicle()),
      complaint: 'Bruit au freinage',
      kind: 'diagnostic',
      bookedDay: '12/03/2026',
      bookedTime: '9h30',
    });
    expect(res.statusCode).toBe(303);
    const id = Number(/\/orders\/(\d+)$/.exec(String(res.headers.location))![1]);
    const o = (await api('chef', 'GET', `/api/orders/${id}`)).json();
    expect(o.booked_for).toBe(Date.parse('2026-03-12T08:30:00Z'));
    const fr = await api('chef', 'GET', `/orders/${id}`);
    expect(fr.body).toContain('jeudi 12 mars 2026 à 09:30');
    expect(fr.body).toContain('href="/planning?week=2026-03-12"');
    const en = await api('chef', 'GET', `/orders/${id}?lang=en`);
    expect(en.body).toContain('Thursday, 12 March 2026 at 09:30');
  });

  it('is created through the JSON API with ISO 8601 (Paris time without a zone) or the French form', async () => {
    const iso = await api('chef', 'POST', '/api/orders', {
      vehicleId: vehicle(),
      bookedFor: '2026-03-13T14:00',
    });
    expect(iso.statusCode).toBe(201);
    expect(iso.json().booked_for).toBe(Date.parse('2026-03-13T13:00:00Z'));
    const zoned = await api('chef', 'POST', '/api/orders', {
      vehicleId: vehicle(),
      bookedFor: '2026-03-13T08:15:00Z',
    });
    expect(zoned.json().booked_for).toBe(Date.parse('2026-03-13T08:15:00Z'));
    // after the change to summer time (29 March) Paris is UTC+2
    const summer = await api('chef', 'POST', '/api/orders', {
      vehicleId: vehicle(),
      bookedFor: '02/04/2026 08:00',
    });
    expect(summer.json().booked_for).toBe(Date.parse('2026-04-02T06:00:00Z'));
    const none = await api('chef', 'POST', '/api/orders', { vehicleId: vehicle() });
    expect(none.json().booked_for).toBeNull();
  });

  it('comes back to the form with the message beside the field on a bad date, the form filled in', async () => {
    const res = await form('chef', '/orders', {
      vehicleId: String(vehicle()),
      complaint: 'Vidange',
      bookedDay: '31/02/2026',
      bookedTime: '10:00',
    });
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    // the field, marked invalid, then its message; what was typed is still there
    expect(res.body).toMatch(invalid('bookedDay', 'date invalide : écrivez-la JJ/MM/AAAA'));
    expect(res.body).toMatch(/<input[^>]*value="31\/02\/2026"[^>]*name="bookedDay"/);
    expect(res.body).toContain('Vidange');
    const badTime = await form('chef', '/orders', {
      vehicleId: String(vehicle()),
      bookedDay: '12/03/2026',
      bookedTime: '25:00',
    });
    expect(badTime.statusCode).toBe(422);
    expect(badTime.body).toMatch(invalid('bookedTime', 'heure invalide'));
    const noTime = await form('chef', '/orders', { vehicleId: String(vehicle()), bookedDay: '12/03/2026' });
    expect(noTime.body).toMatch(invalid('bookedTime', 'indiquez l’heure du rendez-vous'));
    const past = await api('chef', 'POST', '/api/orders', {
      vehicleId: vehicle(),
      bookedFor: '2026-03-09T09:00',
    });
    expect(past.statusCode).toBe(400);
    expect(past.json()).toMatchObject({ field: 'bookedFor', error: expect.stringMatching(/passé/) });
    const typo = await api('chef', 'POST', '/api/orders', {
      vehicleId: vehicle(),
      bookedFor: '12/03/2062 09:00',
    });
    expect(typo.statusCode).toBe(400);
    const junk = await api('chef', 'POST', '/api/orders', {
      vehicleId: vehicle(),
      bookedFor: 'demain matin',
    });
    expect(junk.json()).toMatchObject({ field: 'bookedFor' });
  });
});

describe('moving an appointment', () => {
  let id: number;
  beforeAll(async () => {
    id = (
      await api('chef', 'POST', '/api/orders', { vehicleId: vehicle(), bookedFor: '2026-03-11T10:00' })
    ).json().id;
  });

  it('is done by the front desk (technician, manager, admin) and kept in the history', async () => {
    const moved = await form(
      'ines',
      `/orders/${id}/appointment`,
      { bookedDay: '2026-03-16', bookedTime: '08:00' },
      `/orders/${id}`,
    );
    expect(moved.statusCode).toBe(303);
    expect((await api('chef', 'GET', `/api/orders/${id}`)).json().booked_for).toBe(
      Date.parse('2026-03-16T07:00:00Z'),
    );
    const byApi = await api('chef', 'POST', `/api/orders/${id}/appointment`, {
      bookedFor: '17/03/2026 15:45',
    });
    expect(byApi.statusCode).toBe(200);
    expect(byApi.json().booked_for).toBe(Date.parse('2026-03-17T14:45:00Z'));
    expect(
      (await api('admin', 'POST', `/api/orders/${id}/appointment`, { bookedFor: '2026-03-17T15:00' }))
        .statusCode,
    ).toBe(200);
    const page = await api('chef', 'GET', `/orders/${id}`);
    expect(page.body).toContain('rendez-vous fixé au lundi 16 mars 2026 à 08:00');
    expect(page.body).toContain('rendez-vous fixé au mardi 17 mars 2026 à 15:45');
    expect(page.body).toContain('action="/orders/' + id + '/appointment"');
  });

  it('is refused to apprentices and instructors (403), who are not shown the form', async () => {
    for (const login of ['leo', 'formateur']) {
      const res = await api(login, 'POST', `/api/orders/${id}/appointment`, {
        bookedFor: '2026-03-18T09:00',
      });
      expect(res.statusCode).toBe(403);
      const page = await api(login, 'GET', `/orders/${id}`);
      expect(page.body).not.toContain(`action="/orders/${id}/appointment"`);
    }
    expect((await api('chef', 'GET', `/api/orders/${id}`)).json().booked_for).toBe(
      Date.parse('2026-03-17T14:00:00Z'),
    );
  });

  it('is refused once the car is received (409), and a bad date is a field error', async () => {
    const bad = await form(
      'chef',
      `/orders/${id}/appointment`,
      { bookedDay: '17/13/2026', bookedTime: '9h' },
      `/orders/${id}`,
    );
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toMatch(invalid('bookedDay', 'date invalide'));
    const received = await api('chef', 'POST', `/api/orders/${id}/reception`, {
      complaint: 'Bruit',
      odometerKm: 150_000,
    });
    expect(received.statusCode, received.body).toBe(200);
    const late = await api('chef', 'POST', `/api/orders/${id}/appointment`, {
      bookedFor: '2026-03-18T09:00',
    });
    expect(late.statusCode).toBe(409);
    expect((await api('chef', 'GET', `/orders/${id}`)).body).not.toContain(
      `action="/orders/${id}/appointment"`,
    );
  });
});

describe('the week', () => {
  it('is this week by default, with today marked, and moves week by week', async () => {
    const week = (await api('leo', 'GET', '/api/planning')).json();
    expect(week.week).toBe('2026-03-09');
    expect(week.today).toBe('2026-03-10');
    expect(week.days.map((d: { day: string }) => d.day)).toEqual([
      '2026-03-09',
      '2026-03-10',
      '2026-03-11',
      '2026-03-12',
      '2026-03-13',
      '2026-03-14',
      '2026-03-15',
    ]);
    const page = await api('leo', 'GET', '/planning');
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(
      /<section class="day today" data-day="2026-03-10" id="today" aria-current="date">/,
    );
    expect(page.body).toContain('href="#today"');
    expect(page.body).toContain('href="/planning?week=2026-03-02"');
    expect(page.body).toContain('href="/planning?week=2026-03-16"');
    expect(page.body).toContain('Semaine 11, du 9 mars 2026 au 15 mars 2026');
    const next = await api('leo', 'GET', '/planning?week=2026-03-16&lang=en');
    expect(next.body).toContain('Week 12, 16 March 2026 to 22 March 2026');
    expect(next.body).not.toContain('aria-current="date"');
    expect(next.body).not.toContain('href="#today"');
    // any day of the week, ISO or French
    for (const q of ['2026-03-19', '19/03/2026', '22/03/2026'])
      expect((await api('leo', 'GET', `/api/planning?week=${encodeURIComponent(q)}`)).json().week).toBe(
        '2026-03-16',
      );
  });

  it('shows each appointment by day and hour with vehicle, customer, complaint, HV need, technician and state', async () => {
    const { demo } = t;
    // the hybrid: an HV car; Lucas holds B2VL
    const o = (
      await api('chef', 'POST', '/api/orders', {
        vehicleId: demo.vehicleIds[2],
        bookedFor: '2026-03-16T08:15',
        complaint: 'Voyant hybride allumé',
      })
    ).json();
    await api('chef', 'POST', `/api/orders/${o.id}/assign`, { userId: demo.users.lucas!.id });
    const week = (await api('chef', 'GET', '/api/planning?week=2026-03-16')).json();
    const a = week.days[0].appointments.find((x: { id: number }) => x.id === o.id);
    expect(a).toMatchObject({
      booked_for: Date.parse('2026-03-16T07:15:00Z'),
      ends_at: Date.parse('2026-03-16T08:15:00Z'),
      assignee_name: 'Lucas Bernard',
      state: 'booked',
      hv_requirement: 'B0L',
    });
    const page = (await api('chef', 'GET', '/planning?week=2026-03-16')).body;
    const monday = /<section class="day" data-day="2026-03-16">([\s\S]*?)<\/section>/.exec(page)![1]!;
    const cell = /<div class="cell slot" data-hour="8">([\s\S]*?)<\/div>/.exec(monday)![1]!;
    for (const shown of [
      '08:15–09:15',
      'Voyant hybride allumé',
      'Lucas Bernard',
      'Rendez-vous',
      '⚡ B0L',
      o.number === undefined ? '' : `href="/orders/${o.id}"`,
    ])
      expect(cell).toContain(shown);
    expect(cell).toMatch(/class="customer">[^<]+</);
  });

  it('marks what overlaps a technician’s time, counting the quote’s labour hours', async () => {
    const { demo, store } = t;
    const ids: number[] = [];
    for (const at of ['2026-03-20T08:00', '2026-03-20T10:30', '2026-03-20T14:00'])
      ids.push(
        (
          await api('chef', 'POST', '/api/orders', {
            vehicleId: demo.vehicleIds[0],
            bookedFor: at,
            kind: 'service',
          })
        ).json().id,
      );
    for (const id of ids)
      await api('chef', 'POST', `/api/orders/${id}/assign`, { userId: demo.users.karim!.id });
    // the first is received and quoted (a service order goes from reception to its quote)
    await api('chef', 'POST', `/api/orders/${ids[0]}/reception`, {
      complaint: 'Distribution',
      odometerKm: 99_500,
    });
    expect((await api('chef', 'POST', `/api/orders/${ids[0]}/transitions`, { to: 'quote' })).statusCode).toBe(
      200,
    );
    // one hour each: no overlap yet
    let day = (await api('chef', 'GET', '/api/planning?week=2026-03-20')).json().days[4];
    expect(day.appointments.filter((a: { overlaps: string[] }) => a.overlaps.length)).toEqual([]);
    // 3 h of labour on the first: 08:00–11:00 Paris crosses 10:30; 14:00 stays clear
    const rate = (await listRates(store, 1))[0]!;
    await addLine(store, 1, ids[0]!, {
      kind: 'labour',
      description: 'Distribution',
      rateId: rate.id,
      hours: 3,
    });
    day = (await api('chef', 'GET', '/api/planning?week=2026-03-20')).json().days[4];
    const by = (id: number) => day.appointments.find((a: { id: number }) => a.id === id);
    expect(by(ids[0]!).ends_at).toBe(Date.parse('2026-03-20T10:00:00Z'));
    expect(by(ids[0]!).overlaps).toEqual([by(ids[1]!).number]);
    expect(by(ids[1]!).overlaps).toEqual([by(ids[0]!).number]);
    expect(by(ids[2]!).overlaps).toEqual([]);
    const page = (await api('chef', 'GET', '/planning?week=2026-03-20')).body;
    expect(page).toContain(
      `Karim Haddad — vendredi 20 mars : ${by(ids[0]!).number} et ${by(ids[1]!).number}`,
    );
    expect(page.match(/class="appt[^"]*overlap/g)?.length).toBeGreaterThanOrEqual(2);
  });

  it('answers a bad week with the message by the field (page) or a 400 naming the field (API)', async () => {
    const page = await api('chef', 'GET', '/planning?week=32%2F01%2F2026');
    expect(page.statusCode).toBe(422);
    expect(page.body).toMatch(
      /name="week" value="32\/01\/2026" aria-invalid="true"[\s\S]{0,300}date invalide/,
    );
    expect(page.body).toContain('aria-current="date"');
    const json = await api('chef', 'GET', '/api/planning?week=32%2F01%2F2026');
    expect(json.statusCode).toBe(400);
    expect(json.json()).toMatchObject({ field: 'week' });
  });
});

describe('the demo', () => {
  it('has appointments this week, one technician overlapping, an HV car among them', async () => {
    const week = (await api('chef', 'GET', '/api/planning')).json();
    const all = week.days.flatMap((d: { appointments: unknown[] }) => d.appointments);
    expect(all.length).toBeGreaterThanOrEqual(8);
    expect(
      week.days.filter((d: { appointments: unknown[] }) => d.appointments.length).length,
    ).toBeGreaterThanOrEqual(4);
    expect(week.overlaps).toContainEqual(expect.objectContaining({ technician: 'Lucas Bernard' }));
    expect(all.some((a: { hv_requirement: string | null }) => a.hv_requirement)).toBe(true);
    expect(all.some((a: { state: string }) => a.state === 'booked')).toBe(true);
  });

  it('fills the current week whatever day it is seeded on, past days without overlaps, all in the opening hours', async () => {
    // a Sunday night, a Monday morning, the day after Easter Monday, a summer Wednesday
    for (const now of [
      '2026-12-06T21:00:00Z',
      '2026-12-07T06:00:00Z',
      '2026-04-07T08:00:00Z',
      '2026-07-15T09:00:00Z',
    ].map(Date.parse)) {
      const { mkdtempSync, rmSync } = await import('node:fs');
      const { join } = await import('node:path');
      const { tmpdir } = await import('node:os');
      const dir = mkdtempSync(join(tmpdir(), 'atelier-planning-'));
      const store = await openSqliteStore(join(dir, 'w.sqlite'));
      try {
        await seedDemo(store, now);
        const week = await planningWeek(store, 1, new Date(now).toISOString().slice(0, 10), now);
        const n = week.days.reduce((s, d) => s + d.appointments.length, 0);
        expect(n).toBeGreaterThanOrEqual(5);
        const today = parisDay(now);
        const cal = await openingCalendar(store, 1);
        for (let w = -4; w <= 1; w++) {
          const other = await planningWeek(store, 1, addDays(today, 7 * w), now);
          // the demo's one deliberate overlap is a coming one: the past weeks have none
          expect(other.overlaps.filter((o) => o.day < today)).toEqual([]);
          for (const a of other.days.flatMap((d) => d.appointments))
            expect(
              () => cal.span(a.booked_for, a.duration_minutes, { day: 'd', time: 't' }),
              a.number,
            ).not.toThrow();
        }
      } finally {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }, 240_000);
});
