/**
 * Appointments against the site's time through inject(): a duration typed on the order (and carried
 * over the lunch break and the evening), refusals outside the hours, on a Sunday, a public holiday,
 * a day the site closed and a technician's absence — each beside its field with the form filled in
 * (pages) or a 400 naming the field (API) — and who may change the hours, the closed days and the
 * absences. TEST_NOW is Tuesday 10 March 2026, 10:00 UTC (11:00 Paris); instants in UTC by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../testing.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

const api = (login: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
  t.inject(login, { method, url, ...(payload ? { payload } : {}) });
const vehicle = () => t.demo.vehicleIds[5]!;
const book = (bookedFor: string, extra: object = {}) =>
  api('chef', 'POST', '/api/orders', { vehicleId: vehicle(), bookedFor, ...extra });
/** The field marked invalid, its message right after it. */
const invalid = (name: string, message: string) =>
  new RegExp(
    `<input[^>]*aria-invalid="true"[^>]*name="${name}"[^>]*>(?: <small class="format">[^<]*</small>)?<span class="field-error"[^>]*>${message}`,
  );
const appointment = async (id: number, week: string) =>
  (await api('chef', 'GET', `/api/planning?week=${week}`))
    .json()
    .days.flatMap((d: { appointments: { id: number }[] }) => d.appointments)
    .find((a: { id: number }) => a.id === id);

describe('the duration of an appointment', () => {
  it('is typed on the order, kept, and laid over the hours: after lunch, then the next morning', async () => {
    // Thursday 12 March 11:00 Paris, 2 h 30: 11:00–12:00 and 13:30–15:00
    const o = (await book('2026-03-12T11:00', { duration: '2h30' })).json();
    expect(o.booked_minutes).toBe(150);
    const a = await appointment(o.id, '2026-03-12');
    expect(a).toMatchObject({
      duration_minutes: 150,
      duration_source: 'set',
      ends_at: Date.parse('2026-03-12T14:00:00Z'),
    });
    // moved to Friday 17:00 for 3 h: 17:00–18:00, then Saturday 08:00–10:00
    const moved = await api('chef', 'POST', `/api/orders/${o.id}/appointment`, {
      bookedFor: '13/03/2026 17:00',
      duration: '180',
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().booked_minutes).toBe(180);
    expect((await appointment(o.id, '2026-03-13')).ends_at).toBe(Date.parse('2026-03-14T09:00:00Z'));
    const page = (await api('chef', 'GET', '/planning?week=2026-03-13')).body;
    expect(page).toMatch(
      /17:00–10:00 <small>\(samedi 14 mars\)<\/small><\/time>\s*<span class="duration"[^>]*>3\u00a0h</,
    );
  });

  it('defaults to the quote’s labour, one hour without a quote, when left empty', async () => {
    const o = (await book('2026-03-12T08:00')).json();
    expect(o.booked_minutes).toBeNull();
    expect(await appointment(o.id, '2026-03-12')).toMatchObject({
      duration_minutes: 60,
      duration_source: 'default',
    });
  });

  it('refuses a duration it cannot read, beside the field', async () => {
    const res = await t.form(
      'chef',
      '/orders',
      {
        vehicleId: String(vehicle()),
        bookedDay: '12/03/2026',
        bookedTime: '09:00',
        duration: 'trois jours',
      },
      '/orders/new',
    );
    expect(res.statusCode, res.body.replace(/[\s\S]*<main/, '').slice(0, 300)).toBe(422);
    expect(res.body).toMatch(invalid('duration', 'durée invalide'));
    expect(res.body).toContain('value="trois jours"');
    expect((await book('2026-03-12T09:00', { duration: '0' })).json()).toMatchObject({ field: 'duration' });
  });
});

describe('an appointment outside the site’s time', () => {
  it('is refused outside the hours, beside the time, the form filled in', async () => {
    const res = await t.form(
      'ines',
      '/orders',
      {
        vehicleId: String(vehicle()),
        complaint: 'Bruit au freinage',
        bookedDay: '12/03/2026',
        bookedTime: '22:00',
      },
      '/orders/new',
    );
    expect(res.statusCode).toBe(422);
    expect(res.body).toMatch(
      invalid(
        'bookedTime',
        'hors des heures d’ouverture : le jeudi, le garage est ouvert 08:00–12:00 et 13:30–18:00',
      ),
    );
    expect(res.body).toContain('value="12/03/2026"');
    expect(res.body).toContain('Bruit au freinage');
    const lunch = await book('2026-03-12T12:30');
    expect(lunch.statusCode).toBe(400);
    expect(lunch.json()).toMatchObject({ field: 'bookedFor' });
    const en = await t.inject('chef', {
      method: 'POST',
      url: '/api/orders?lang=en',
      payload: { vehicleId: vehicle(), bookedFor: '2026-03-14T15:00' },
    });
    expect(en.json().error ?? en.body).toContain(
      'outside opening hours: on Saturdays the workshop is open 08:00–12:00',
    );
  });

  it('is refused on a Sunday and on a public holiday (Easter Monday), beside the day', async () => {
    const res = await t.form(
      'chef',
      '/orders',
      {
        vehicleId: String(vehicle()),
        bookedDay: '15/03/2026',
        bookedTime: '10:00',
      },
      '/orders/new',
    );
    expect(res.statusCode).toBe(422);
    expect(res.body).toMatch(invalid('bookedDay', 'le garage est fermé le dimanche'));
    const easter = await book('2026-04-06T10:00');
    expect(easter.statusCode).toBe(400);
    expect(easter.body).toContain('le garage est fermé le 6 avril 2026 (Lundi de Pâques)');
  });

  it('is refused on a day the administrator closed, which only the administrator can close or reopen', async () => {
    const byManager = await api('chef', 'POST', '/api/planning/closed-days', { closedDay: '2026-03-27' });
    expect(byManager.statusCode).toBe(403);
    const closed = await api('admin', 'POST', '/api/planning/closed-days', {
      closedDay: '27/03/2026',
      label: 'Inventaire',
    });
    expect(closed.statusCode, closed.body).toBe(201);
    const refused = await book('2026-03-27T09:00');
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('le garage est fermé le 27 mars 2026 (Inventaire)');
    const page = (await api('leo', 'GET', '/planning/hours')).body;
    expect(page).toMatch(/<li data-day="2026-03-27">27 mars 2026 — Inventaire/);
    expect(page).toMatch(/<li data-day="2026-04-06">6 avril 2026 — Lundi de Pâques <small/);
    expect(page).not.toContain('action="/planning/closed-days"');
    // The planning's week shows the closed day and the holiday on their column, page and API.
    const week = await api('chef', 'GET', '/planning?week=2026-03-23');
    expect(week.body).toMatch(
      /data-day="2026-03-27"[^>]*>\s*<h2[^>]*>[^<]*<small class="closed-day">fermé : Inventaire<\/small>/,
    );
    expect(week.body).toMatch(/<section class="day closed" data-day="2026-03-27"/);
    const holiday = (await api('chef', 'GET', '/api/planning?week=2026-04-06')).json();
    expect(
      holiday.days.map((d: { closed: { en: string } | null }) => d.closed?.en ?? null).slice(0, 6),
    ).toEqual(['Easter Monday', null, null, null, null, null]);
    expect((await api('admin', 'DELETE', '/api/planning/closed-days/2026-03-27')).statusCode).toBe(200);
    expect((await book('2026-03-27T09:00')).statusCode).toBe(201);
  });

  it('follows the hours the administrator sets (a Saturday afternoon opened), refused to a manager', async () => {
    const hours = {
      d1am: '08:00-12:00',
      d1pm: '13:30-18:00',
      d2am: '08:00-12:00',
      d2pm: '13:30-18:00',
      d3am: '08:00-12:00',
      d3pm: '13:30-18:00',
      d4am: '08:00-12:00',
      d4pm: '13:30-18:00',
      d5am: '08:00-12:00',
      d5pm: '13:30-18:00',
      d6am: '8h-12h',
      d6pm: '14h - 17h',
      d7am: '',
      d7pm: '',
    };
    expect((await api('chef', 'PUT', '/api/planning/hours', hours)).statusCode).toBe(403);
    const bad = await t.form('admin', '/planning/hours', { ...hours, d6pm: '17h-14h' }, '/planning/hours');
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toMatch(
      /name="d6pm" value="17h-14h"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*name="d6pm"/,
    );
    const saved = await api('admin', 'PUT', '/api/planning/hours', hours);
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()[5]).toEqual({ weekday: 6, morning: [480, 720], afternoon: [840, 1020] });
    expect((await book('2026-03-14T15:00')).statusCode).toBe(201);
    const back = await api('admin', 'PUT', '/api/planning/hours', {
      ...hours,
      d6am: '08:00-12:00',
      d6pm: '',
    });
    expect(back.json()[5]).toEqual({ weekday: 6, morning: [480, 720], afternoon: null });
    expect((await book('2026-03-14T15:00')).statusCode).toBe(400);
  });
});

describe('a technician’s absence', () => {
  let absence: number;
  beforeAll(async () => {
    const res = await api('chef', 'POST', '/api/planning/absences', {
      userId: t.demo.users.karim!.id,
      kind: 'leave',
      fromDay: '23/03/2026',
      toDay: '2026-03-25',
      note: 'Congés de printemps',
    });
    expect(res.statusCode, res.body).toBe(201);
    absence = res.json().id;
  });

  it('is entered by managers only, and shown to the staff', async () => {
    for (const login of ['lucas', 'leo'])
      expect(
        (
          await api(login, 'POST', '/api/planning/absences', {
            userId: t.demo.users.karim!.id,
            kind: 'leave',
            fromDay: '2026-04-01',
            toDay: '2026-04-02',
          })
        ).statusCode,
      ).toBe(403);
    const page = (await api('leo', 'GET', '/planning/hours')).body;
    expect(page).toContain('<strong>Karim Haddad</strong> — congés, du 23 mars 2026 au 25 mars 2026');
    expect(page).not.toContain('action="/planning/absences"');
    const list = (await api('leo', 'GET', '/api/planning/hours')).json().absences;
    expect(list).toContainEqual(
      expect.objectContaining({ id: absence, kind: 'leave', from_day: '2026-03-23' }),
    );
  });

  it('refuses to assign the technician to an appointment on those days', async () => {
    const o = (await book('2026-03-24T09:00')).json();
    const res = await api('chef', 'POST', `/api/orders/${o.id}/assign`, { userId: t.demo.users.karim!.id });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ field: 'userId' });
    expect(res.body).toContain('Karim Haddad est absent·e (congés) du 23 mars 2026 au 25 mars 2026');
    // Inès is on the demo's leave from 22 March: Lucas takes it
    const lucas = await api('chef', 'POST', `/api/orders/${o.id}/assign`, { userId: t.demo.users.lucas!.id });
    expect(lucas.statusCode, lucas.body).toBe(200);
  });

  it('refuses to move the technician’s appointment onto those days, even carried there', async () => {
    const o = (await book('2026-03-19T09:00')).json();
    expect(
      (await api('chef', 'POST', `/api/orders/${o.id}/assign`, { userId: t.demo.users.karim!.id }))
        .statusCode,
    ).toBe(200);
    const res = await t.form(
      'chef',
      `/orders/${o.id}/appointment`,
      { bookedDay: '24/03/2026', bookedTime: '10:00', duration: '' },
      `/orders/${o.id}`,
    );
    expect(res.statusCode).toBe(422);
    expect(res.body).toMatch(invalid('bookedDay', 'Karim Haddad est absent·e'));
    expect(res.body).toContain('value="24/03/2026"');
    // Friday 20 March 17:00 for 9 h runs over Saturday morning to Monday 23: refused
    const carried = await api('chef', 'POST', `/api/orders/${o.id}/appointment`, {
      bookedFor: '2026-03-20T17:00',
      duration: '9h',
    });
    expect(carried.statusCode).toBe(400);
    expect((await api('chef', 'GET', `/api/orders/${o.id}`)).json().booked_for).toBe(
      Date.parse('2026-03-19T08:00:00Z'),
    );
    // once the absence is removed, the move goes through
    expect((await api('chef', 'DELETE', `/api/planning/absences/${absence}`)).statusCode).toBe(200);
    expect(
      (await api('chef', 'POST', `/api/orders/${o.id}/appointment`, { bookedFor: '2026-03-24T10:00' }))
        .statusCode,
    ).toBe(200);
  });
});

describe('a half-day absence', () => {
  const lucas = () => t.demo.users.lucas!.id;
  const assign = (id: number) => api('chef', 'POST', `/api/orders/${id}/assign`, { userId: lucas() });
  const absent = (body: object) =>
    api('chef', 'POST', '/api/planning/absences', { userId: lucas(), kind: 'training', ...body });

  it('is typed by its halves, shown in words, and refused when it ends before it starts', async () => {
    const pm = await absent({ fromDay: '02/04/2026', fromHalf: 'afternoon', toDay: '02/04/2026' });
    expect(pm.statusCode, pm.body).toBe(201);
    expect(pm.json()).toMatchObject({ from_half: 'afternoon', to_day: '2026-04-02', to_half: 'afternoon' });
    const whole = await absent({ fromDay: '2026-04-20', toDay: '2026-04-20' });
    expect(whole.json()).toMatchObject({ from_half: 'morning', to_half: 'afternoon' });
    const backwards = await absent({
      fromDay: '2026-04-03',
      fromHalf: 'afternoon',
      toDay: '2026-04-03',
      toHalf: 'morning',
    });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json()).toMatchObject({ field: 'toHalf' });
    expect((await absent({ fromDay: '2026-04-03', toDay: '2026-04-03', toHalf: 'evening' })).statusCode).toBe(
      400,
    );
    const page = (await api('chef', 'GET', '/planning/hours')).body;
    expect(page).toContain('<strong>Lucas Bernard</strong> — formation, le 2 avril 2026 après-midi');
    expect(page).toContain('<strong>Lucas Bernard</strong> — formation, le 20 avril 2026 <form');
    expect(page).toMatch(/<select name="fromHalf"><option value="morning">matin<\/option>/);
    expect(page).toMatch(/<select name="toHalf"><option value="afternoon">soir<\/option>/);
    expect((await api('chef', 'DELETE', `/api/planning/absences/${whole.json().id}`)).statusCode).toBe(200);
  });

  it('refuses the afternoon it covers and accepts the morning, even an appointment carried over lunch', async () => {
    const morning = (await book('2026-04-02T09:00')).json();
    expect((await assign(morning.id)).statusCode).toBe(200);
    const afternoon = (await book('2026-04-02T14:00')).json();
    const refused = await assign(afternoon.id);
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('Lucas Bernard est absent·e (formation) le 2 avril 2026 après-midi');
    // 11:00 for 2 h runs 11:00–12:00 then 13:30–14:30: into the absence
    const carried = await api('chef', 'POST', `/api/orders/${morning.id}/appointment`, {
      bookedFor: '2026-04-02T11:00',
      duration: '2h',
    });
    expect(carried.statusCode).toBe(400);
    expect(carried.json()).toMatchObject({ field: 'bookedFor' });
    const fits = await api('chef', 'POST', `/api/orders/${morning.id}/appointment`, {
      bookedFor: '2026-04-02T10:00',
      duration: '2h',
    });
    expect(fits.statusCode, fits.body).toBe(200);
  });

  it('spans days from an afternoon to a morning: the evening before and the afternoon after stay open', async () => {
    const res = await absent({
      fromDay: '2026-04-08',
      fromHalf: 'afternoon',
      toDay: '2026-04-09',
      toHalf: 'morning',
    });
    expect(res.statusCode, res.body).toBe(201);
    const tried = async (at: string) => {
      const o = (await book(at)).json();
      return (await assign(o.id)).statusCode;
    };
    expect(await tried('2026-04-08T10:00')).toBe(200);
    expect(await tried('2026-04-08T15:00')).toBe(400);
    expect(await tried('2026-04-09T08:30')).toBe(400);
    expect(await tried('2026-04-09T14:00')).toBe(200);
    const en = await t.inject('chef', {
      method: 'POST',
      url: `/api/orders/${(await book('2026-04-09T09:00')).json().id}/assign?lang=en`,
      payload: { userId: lucas() },
    });
    expect(en.body).toContain(
      'Lucas Bernard is away (training) from 8 April 2026 afternoon to 9 April 2026 morning',
    );
  });

  it('splits at the site’s own lunch break', async () => {
    // Fridays 07:30–11:00 and 11:45–16:30 at this site: a morning absence ends at 11:00
    const hours = (fri: [string, string]) => ({
      ...Object.fromEntries(
        [1, 2, 3, 4].flatMap((d) => [
          [`d${d}am`, '08:00-12:00'],
          [`d${d}pm`, '13:30-18:00'],
        ]),
      ),
      d5am: fri[0],
      d5pm: fri[1],
      d6am: '08:00-12:00',
      d6pm: '',
      d7am: '',
      d7pm: '',
    });
    expect(
      (await api('admin', 'PUT', '/api/planning/hours', hours(['07:30-11:00', '11:45-16:30']))).statusCode,
    ).toBe(200);
    const friday = await absent({ fromDay: '2026-04-10', toDay: '2026-04-10', toHalf: 'morning' });
    try {
      expect(friday.statusCode).toBe(201);
      const o1 = (await book('2026-04-10T10:30')).json();
      expect((await assign(o1.id)).statusCode).toBe(400);
      const o2 = (await book('2026-04-10T11:45')).json();
      expect((await assign(o2.id)).statusCode).toBe(200);
    } finally {
      await api('admin', 'PUT', '/api/planning/hours', hours(['08:00-12:00', '13:30-18:00']));
      // back to a noon lunch, 11:45 would be in the morning absence: removed, so later tests start clean
      await api('chef', 'DELETE', `/api/planning/absences/${friday.json().id}`);
    }
  });
});

describe('an absence entered over appointments already given', () => {
  const karim = () => t.demo.users.karim!.id;
  const given = async (at: string, userId: number) => {
    const o = (await book(at)).json();
    const res = await api('chef', 'POST', `/api/orders/${o.id}/assign`, { userId });
    expect(res.statusCode, res.body).toBe(200);
    return o as { id: number; number: string };
  };
  let morning: { id: number; number: string };
  let afternoon: { id: number; number: string };
  let nextDay: { id: number; number: string };
  let other: { id: number; number: string };
  let absenceId: number;
  beforeAll(async () => {
    morning = await given('2026-04-14T09:00', karim());
    afternoon = await given('2026-04-14T16:00', karim());
    nextDay = await given('2026-04-15T10:00', karim());
    other = await given('2026-04-14T09:00', t.demo.users.lucas!.id);
  });

  it('is accepted, and the page says beside the form which appointments it falls on', async () => {
    const res = await t.form(
      'chef',
      '/planning/absences',
      { userId: String(karim()), kind: 'sick', fromDay: '14/04/2026', toDay: '14/04/2026' },
      '/planning/hours',
    );
    expect(res.statusCode, res.body.slice(0, 300)).toBe(303);
    const to = res.headers.location as string;
    expect(to).toMatch(/^\/planning\/hours\?absence=\d+#absences$/);
    absenceId = Number(/absence=(\d+)/.exec(to)![1]);
    const page = (await api('chef', 'GET', to.replace(/#.*/, ''))).body;
    const notice =
      /<div class="alerts absence-entered" role="status">([\s\S]*?)<\/div>/.exec(page)?.[1] ?? '';
    expect(notice).toContain('Elle tombe sur 2 rendez-vous déjà donnés à Karim Haddad');
    // the demo's Sandero is Jeanne Lefèvre's
    expect(notice).toContain(
      `>${morning.number}</a> — mardi 14 avril 2026 à 09:00–10:00, Jeanne Lefèvre, DZ-987-UV Dacia Sandero</li>`,
    );
    expect(notice).toContain(`>${afternoon.number}</a> — mardi 14 avril 2026 à 16:00–17:00`);
    expect(notice).not.toContain(nextDay.number);
    expect(notice).not.toContain(other.number);
    // the notice sits in the absences card, right after the form
    expect(page).toMatch(/Enregistrer l’absence<\/button><\/form>\s*<div class="alerts absence-entered"/);
  });

  it('names them in the API too, on the absence and on each appointment', async () => {
    const again = await api('chef', 'POST', '/api/planning/absences', {
      userId: karim(),
      kind: 'other',
      fromDay: '2026-04-15',
      fromHalf: 'afternoon',
      toDay: '2026-04-15',
    });
    expect(again.statusCode).toBe(201);
    expect(again.json().appointments).toEqual([]);
    expect((await api('chef', 'DELETE', `/api/planning/absences/${again.json().id}`)).statusCode).toBe(200);
    const listed = (await api('leo', 'GET', '/api/planning/hours')).json().absences;
    const mine = listed.find((a: { id: number }) => a.id === absenceId);
    expect(mine.appointments.map((a: { number: string }) => a.number)).toEqual([
      morning.number,
      afternoon.number,
    ]);
    expect(mine.appointments[0]).toMatchObject({
      booked_for: Date.parse('2026-04-14T07:00:00Z'),
      ends_at: Date.parse('2026-04-14T08:00:00Z'),
      customer_name: 'Jeanne Lefèvre',
    });
    const week = (await api('leo', 'GET', '/api/planning?week=2026-04-14')).json();
    const all = week.days.flatMap((d: { appointments: object[] }) => d.appointments);
    const of = (id: number) => all.find((a: { id: number }) => a.id === id);
    expect(of(morning.id).absence).toMatchObject({
      id: absenceId,
      user_name: 'Karim Haddad',
      kind: 'sick',
      from_day: '2026-04-14',
      from_half: 'morning',
      to_half: 'afternoon',
    });
    expect(of(afternoon.id).absence).toMatchObject({ id: absenceId });
    expect(of(nextDay.id).absence).toBeNull();
    expect(of(other.id).absence).toBeNull();
    const board = (await api('leo', 'GET', '/api/board')).json();
    const card = (id: number) => board.find((c: { id: number }) => c.id === id);
    expect(card(morning.id).absence).toMatchObject({ id: absenceId, user_id: karim() });
    expect(card(nextDay.id).absence).toBeNull();
  });

  it('is flagged on the planning and the board, in French and English', async () => {
    const fr = (await api('leo', 'GET', '/planning?week=2026-04-14')).body;
    expect(fr).toMatch(
      new RegExp(
        `<a class="appt state-booked absent" href="/orders/${morning.id}"[\\s\\S]*?<span class="absence-note">⚠ Karim Haddad absent·e \\(arrêt maladie\\) le 14 avril 2026 : à déplacer ou réaffecter</span>`,
      ),
    );
    expect(fr).toContain('2 rendez-vous sur une absence de leur technicien : à déplacer ou réaffecter');
    const en = (await api('leo', 'GET', '/planning?week=2026-04-14&lang=en')).body;
    expect(en).toContain('Karim Haddad away (sick leave) on 14 April 2026: move or reassign it');
    const board = (await api('chef', 'GET', '/board')).body;
    expect(board).toContain('2 rendez-vous sur une absence de leur technicien');
    expect(board).toMatch(new RegExp(`class="ro-card[^"]* absent" href="/orders/${afternoon.id}"`));
  });

  it('stops flagging an appointment once it is moved or reassigned', async () => {
    const moved = await api('chef', 'POST', `/api/orders/${morning.id}/appointment`, {
      bookedFor: '2026-04-16T09:00',
    });
    expect(moved.statusCode, moved.body).toBe(200);
    const reassigned = await api('chef', 'POST', `/api/orders/${afternoon.id}/assign`, {
      userId: t.demo.users.leo!.id,
    });
    expect(reassigned.statusCode, reassigned.body).toBe(200);
    const listed = (await api('chef', 'GET', '/api/planning/hours')).json().absences;
    expect(listed.find((a: { id: number }) => a.id === absenceId).appointments).toEqual([]);
    const board = (await api('chef', 'GET', '/api/board')).json();
    for (const id of [morning.id, afternoon.id])
      expect(board.find((c: { id: number }) => c.id === id).absence).toBeNull();
    expect((await api('chef', 'GET', '/board')).body).not.toContain('absence-summary');
  });
});
