/**
 * Moving an appointment by dragging its card (`POST /api/orders/:id/move`, what the planning's
 * script calls) through inject(), on both stores: to another slot, to another technician (managers
 * only), with the forms' refusals — hours, closed days, absences, another appointment of the same
 * technician, a car already received — each with its field and its words in the asked language;
 * the move form refusing the same overlap; and the week's markup the script needs (present only
 * for the front desk, hidden until the script shows it). The weeks used (27–30 April 2026) hold no
 * demo appointment. Paris is UTC+2 then: instants in UTC by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../testing.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

const api = (login: string, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
  t.inject(login, { method, url, ...(payload ? { payload } : {}) });
const move = (id: number, body: object, login = 'chef', lang = 'fr') =>
  api(login, 'POST', `/api/orders/${id}/move?lang=${lang}`, body);
const given = async (at: string, tech: string | null, extra: object = {}) => {
  const o = (
    await api('chef', 'POST', '/api/orders', { vehicleId: t.demo.vehicleIds[5]!, bookedFor: at, ...extra })
  ).json() as { id: number; number: string };
  if (tech)
    expect(
      (await api('chef', 'POST', `/api/orders/${o.id}/assign`, { userId: t.demo.users[tech]!.id }))
        .statusCode,
    ).toBe(200);
  return o;
};
const order = async (id: number) => (await api('chef', 'GET', `/api/orders/${id}`)).json();

describe('dragging a card to another slot', () => {
  it('moves the appointment there, keeps its duration, and the history says so', async () => {
    const o = await given('2026-04-27T09:00', 'karim', { duration: '1h30' });
    const res = await move(o.id, { bookedFor: '2026-04-28T14:30' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ booked_for: Date.parse('2026-04-28T12:30:00Z'), booked_minutes: 90 });
    const week = (await api('chef', 'GET', '/api/planning?week=2026-04-28')).json();
    const a = week.days
      .flatMap((d: { appointments: { id: number }[] }) => d.appointments)
      .find((x: { id: number }) => x.id === o.id);
    expect(a).toMatchObject({ assignee_name: 'Karim Haddad', ends_at: Date.parse('2026-04-28T14:00:00Z') });
    const page = (await api('chef', 'GET', `/orders/${o.id}`)).body;
    expect(page).toMatch(/mardi 28 avril 2026 à 14:30/);
  });

  it('is refused outside the hours, on a closed day, in the past, for a received car — with the field and the reason', async () => {
    const o = await given('2026-04-27T10:00', 'karim');
    const lunch = await move(o.id, { bookedFor: '2026-04-27T12:30' });
    expect(lunch.statusCode).toBe(400);
    expect(lunch.json()).toMatchObject({
      field: 'bookedFor',
      error: 'hors des heures d’ouverture : le lundi, le garage est ouvert 08:00–12:00 et 13:30–18:00',
    });
    const mayDay = await move(o.id, { bookedFor: '2026-05-01T09:00' }, 'chef', 'en');
    expect(mayDay.statusCode).toBe(400);
    expect(mayDay.json().error).toBe('the workshop is closed on 1 May 2026 (Labour Day)');
    const past = await move(o.id, { bookedFor: '2026-03-02T09:00' });
    expect(past.json()).toMatchObject({ field: 'bookedFor', error: 'ce rendez-vous est dans le passé' });
    const unreadable = await move(o.id, { bookedFor: 'mardi' });
    expect(unreadable.statusCode).toBe(400);
    expect((await move(o.id, {})).statusCode).toBe(400);
    // still where it was
    expect((await order(o.id)).booked_for).toBe(Date.parse('2026-04-27T08:00:00Z'));
    const received = await given('2026-04-29T08:00', 'lucas');
    expect(
      (
        await api('chef', 'POST', `/api/orders/${received.id}/reception`, {
          complaint: 'Bruit',
          odometerKm: 150_000,
        })
      ).statusCode,
    ).toBe(200);
    const late = await move(received.id, { bookedFor: '2026-04-29T10:00' });
    expect(late.statusCode).toBe(409);
    expect(late.json().error).toContain('déjà réceptionné');
  });

  it('is refused onto the technician’s absence, the half-day only', async () => {
    const o = await given('2026-04-27T11:00', 'ines');
    const absence = await api('chef', 'POST', '/api/planning/absences', {
      userId: t.demo.users.ines!.id,
      kind: 'training',
      fromDay: '2026-04-30',
      toDay: '2026-04-30',
      toHalf: 'morning',
    });
    expect(absence.statusCode).toBe(201);
    const refused = await move(o.id, { bookedFor: '2026-04-30T09:00' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({
      field: 'bookedFor',
      error: 'Inès Moreau est absent·e (formation) le 30 avril 2026 matin',
    });
    expect((await move(o.id, { bookedFor: '2026-04-30T14:00' })).statusCode).toBe(200);
  });

  it('is refused onto another appointment of the same technician, naming it; another technician’s is no matter', async () => {
    const first = await given('2026-04-28T08:00', 'lucas', { duration: '2h' });
    const second = await given('2026-04-28T15:00', 'lucas');
    const onto = await move(second.id, { bookedFor: '2026-04-28T09:30' });
    expect(onto.statusCode).toBe(400);
    expect(onto.json()).toMatchObject({
      field: 'bookedFor',
      error: `Lucas Bernard a déjà le rendez-vous ${first.number} (Jeanne Lefèvre) de 28/04/2026 08:00 à 28/04/2026 10:00 : les deux se chevaucheraient`,
    });
    // end to end is no overlap: 10:00 right after 08:00–10:00
    expect((await move(second.id, { bookedFor: '2026-04-28T10:00' })).statusCode).toBe(200);
    const karims = await given('2026-04-28T08:30', 'karim');
    expect((await move(karims.id, { bookedFor: '2026-04-28T09:00' })).statusCode).toBe(200);
  });

  it('is refused by the move form too, beside the day field', async () => {
    const first = await given('2026-04-29T14:00', 'karim');
    const second = await given('2026-04-29T16:00', 'karim');
    const res = await t.form(
      'chef',
      `/orders/${second.id}/appointment`,
      { bookedDay: '29/04/2026', bookedTime: '14:30', duration: '' },
      `/orders/${second.id}`,
    );
    expect(res.statusCode).toBe(422);
    expect(res.body).toMatch(
      new RegExp(
        `<input[^>]*aria-invalid="true"[^>]*name="bookedDay"[^>]*>(?: <small class="format">[^<]*</small>)?<span class="field-error"[^>]*>Karim Haddad a déjà le rendez-vous ${first.number}`,
      ),
    );
  });
});

describe('dragging a card onto a technician', () => {
  it('gives the appointment to them (managers), kept in the history', async () => {
    const o = await given('2026-04-27T14:00', 'karim');
    const res = await move(o.id, { userId: t.demo.users.lucas!.id });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ assignee_name: 'Lucas Bernard' });
    const page = (await api('chef', 'GET', `/orders/${o.id}`)).body;
    expect(page).toContain('affecté à Lucas Bernard');
    // both at once: another time and another technician
    const both = await move(o.id, { bookedFor: '2026-04-29T09:00', userId: t.demo.users.karim!.id });
    expect(both.statusCode, both.body).toBe(200);
    expect(both.json()).toMatchObject({
      assignee_name: 'Karim Haddad',
      booked_for: Date.parse('2026-04-29T07:00:00Z'),
    });
  });

  it('is refused to a technician who cannot assign, and for someone absent, busy or not a technician', async () => {
    const o = await given('2026-04-30T15:00', 'karim');
    const byTech = await move(o.id, { userId: t.demo.users.lucas!.id }, 'lucas');
    expect(byTech.statusCode).toBe(403);
    // a technician may still drag to another slot
    expect((await move(o.id, { bookedFor: '2026-04-30T16:00' }, 'lucas')).statusCode).toBe(200);
    const away = await api('chef', 'POST', '/api/planning/absences', {
      userId: t.demo.users.lucas!.id,
      kind: 'sick',
      fromDay: '2026-04-30',
      fromHalf: 'afternoon',
      toDay: '2026-04-30',
    });
    expect(away.statusCode).toBe(201);
    const absent = await move(o.id, { userId: t.demo.users.lucas!.id }, 'chef', 'en');
    expect(absent.statusCode).toBe(400);
    expect(absent.json()).toMatchObject({
      field: 'userId',
      error: 'Lucas Bernard is away (sick leave) on 30 April 2026 (afternoon)',
    });
    const inesBusy = await given('2026-04-30T15:30', 'ines', { duration: '2h' });
    const busy = await move(o.id, { userId: t.demo.users.ines!.id });
    expect(busy.statusCode).toBe(400);
    expect(busy.json()).toMatchObject({ field: 'userId' });
    expect(busy.json().error).toContain(`Inès Moreau a déjà le rendez-vous ${inesBusy.number}`);
    const chef = await move(o.id, { userId: t.demo.users.chef!.id });
    expect(chef.statusCode).toBe(409);
    expect(chef.json()).toMatchObject({ field: 'userId' });
    expect((await order(o.id)).assignee_name).toBe('Karim Haddad');
  });
});

describe('the week’s markup for dragging', () => {
  it('marks the cards the front desk may move, hides the technicians and the hint until the script runs', async () => {
    const o = await given('2026-04-27T16:00', 'karim');
    const chef = (await api('chef', 'GET', '/planning?week=2026-04-27')).body;
    expect(chef).toContain('<script src="/static/planning-move.js" defer></script>');
    expect(chef).toMatch(/<div class="planning days-\d+" data-move="1">/);
    expect(chef).toMatch(
      new RegExp(`href="/orders/${o.id}" data-number="${o.number}" data-id="${o.id}" data-movable="1">`),
    );
    expect(chef).toMatch(/<ul class="tech-drop" hidden aria-label="Techniciens"><li data-tech="\d+">/);
    expect(chef).toContain('<li data-tech="' + t.demo.users.karim!.id + '">Karim Haddad</li>');
    expect(chef).not.toContain(`data-tech="${t.demo.users.chef!.id}"`);
    expect(chef).toMatch(/<p class="drag-hint muted" hidden>/);
    // a technician moves but does not assign: no technicians to drop on
    const lucas = (await api('lucas', 'GET', '/planning?week=2026-04-27')).body;
    expect(lucas).toContain('data-movable="1"');
    expect(lucas).not.toContain('class="tech-drop"');
    // an apprentice reads the planning only
    const leo = (await api('leo', 'GET', '/planning?week=2026-04-27')).body;
    expect(leo).not.toContain('data-move');
    expect(leo).not.toContain('data-movable');
    const js = await t.app.inject({ method: 'GET', url: '/static/planning-move.js' });
    expect(js.statusCode).toBe(200);
  });
});
