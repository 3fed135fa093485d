/**
 * The board shows the day: each card's appointment and its duration, its promised delivery, in the
 * page's locale, and what is late — an appointment passed with the car not received, a promised
 * delivery passed with the car not delivered — flagged as the (virtual) clock moves past them.
 * TEST_NOW is Tuesday 10 March 2026, 10:00 UTC (11:00 Paris); expected texts written by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../testing.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

const api = (login: string, method: 'GET' | 'POST', url: string, payload?: object) =>
  t.inject(login, { method, url, ...(payload ? { payload } : {}) });
interface Card {
  id: number;
  number: string;
  state: string;
  booked_for: number | null;
  duration_minutes: number | null;
  promised_for: number | null;
  late_appointment: boolean;
  late_delivery: boolean;
}
const board = async (): Promise<Card[]> => (await api('chef', 'GET', '/api/board')).json();
/** The card of order `number` on the board page. */
const cardOf = (page: string, number: string) =>
  new RegExp(`<a class="ro-card[^"]*" href="[^"]+" data-number="${number}">([\\s\\S]*?)</a>`).exec(
    page,
  )?.[0] ?? '';

describe('the board', () => {
  it('flags the demo’s late orders: a passed appointment not received, promised deliveries passed', async () => {
    const cards = await board();
    const late = cards.filter((c) => c.late_appointment);
    expect(late.length).toBeGreaterThanOrEqual(1);
    for (const c of late) {
      expect(c.booked_for!).toBeLessThan(t.clock.now());
      expect(['booked', 'comeback']).toContain(c.state);
    }
    const overdue = cards.filter((c) => c.late_delivery);
    expect(overdue.length).toBeGreaterThanOrEqual(2);
    for (const c of overdue) {
      expect(c.promised_for!).toBeLessThan(t.clock.now());
      expect(c.state).not.toBe('delivered');
    }
    // promised later: not late
    expect(
      cards.some((c) => c.promised_for !== null && c.promised_for > t.clock.now() && !c.late_delivery),
    ).toBe(true);
    const page = (await api('chef', 'GET', '/board')).body;
    expect(page).toMatch(/class="card alerts late-summary" role="status">⚠ \d+ ordre\(s\) en retard/);
    expect(cardOf(page, overdue[0]!.number)).toContain('restitution promise dépassée');
    expect(cardOf(page, late[0]!.number)).toContain('RDV passé, non réceptionné');
    // the board shows the day: the appointments of the following days are folded, in time order
    const booked = /<section class="column" data-state="booked">([\s\S]*?)<\/section>/.exec(page)![1]!;
    const [open, folded] = booked.split('<details class="later">') as [string, string];
    const coming = cards.filter(
      (c) => c.state === 'booked' && c.booked_for! >= Date.parse('2026-03-10T23:00:00Z'),
    );
    expect(coming.length).toBeGreaterThan(5);
    expect(folded).toMatch(new RegExp(`^<summary>${coming.length} rendez-vous les jours suivants</summary>`));
    for (const c of coming) expect(open).not.toContain(`data-number="${c.number}"`);
    const times = [...folded.matchAll(/<time datetime="([^"]+)"/g)].map((m) => Date.parse(m[1]!));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(open).toContain(`data-number="${late[0]!.number}"`);
  });

  it('shows an appointment’s time and duration in the page’s locale, and flags it once passed', async () => {
    const o = (
      await api('chef', 'POST', '/api/orders', {
        vehicleId: t.demo.vehicleIds[5],
        bookedFor: '2026-03-10T14:00',
        duration: '1h30',
        complaint: 'Pneus à monter',
      })
    ).json();
    let card = (await board()).find((c) => c.id === o.id)!;
    expect(card).toMatchObject({
      booked_for: Date.parse('2026-03-10T13:00:00Z'),
      duration_minutes: 90,
      late_appointment: false,
    });
    const fr = cardOf((await api('chef', 'GET', '/board')).body, o.number);
    expect(fr).toContain(
      'RDV <time datetime="2026-03-10T13:00:00.000Z">mar. 10 mars, 14:00</time> · 1\u00a0h\u00a030',
    );
    expect(fr).not.toContain('late-flag');
    const en = cardOf((await api('chef', 'GET', '/board?lang=en')).body, o.number);
    expect(en).toContain(
      'Appt. <time datetime="2026-03-10T13:00:00.000Z">Tue 10 Mar, 14:00</time> · 1\u00a0h\u00a030',
    );
    // 14:05 Paris: the car has not come
    await t.clock.advance(Date.parse('2026-03-10T13:05:00Z') - t.clock.now());
    card = (await board()).find((c) => c.id === o.id)!;
    expect(card.late_appointment).toBe(true);
    const late = cardOf((await api('chef', 'GET', '/board?lang=en')).body, o.number);
    expect(late).toMatch(/^<a class="ro-card late"/);
    expect(late).toContain('⚠ appointment passed, not received');
    // received: no longer late
    const received = await api('chef', 'POST', `/api/orders/${o.id}/reception`, {
      complaint: 'Pneus',
      odometerKm: 180_000,
    });
    expect(received.statusCode, received.body).toBe(200);
    card = (await board()).find((c) => c.id === o.id)!;
    expect(card.late_appointment).toBe(false);
  });

  it('shows the delivery promised on the order page’s form, late once passed', async () => {
    const o = (await api('chef', 'POST', '/api/orders', { vehicleId: t.demo.vehicleIds[1] })).json();
    const set = await t.form(
      'chef',
      `/orders/${o.id}/promise`,
      { promisedDay: '11/03/2026', promisedTime: '17h30' },
      `/orders/${o.id}`,
    );
    expect(set.statusCode, set.body.slice(0, 200)).toBe(303);
    expect((await api('chef', 'GET', `/api/orders/${o.id}`)).json().promised_for).toBe(
      Date.parse('2026-03-11T16:30:00Z'),
    );
    const page = (await api('chef', 'GET', `/orders/${o.id}`)).body;
    expect(page).toContain('mercredi 11 mars 2026 à 17:30');
    // the order's history says it in words, not as the stored code
    expect(page).toContain('restitution promise pour le mercredi 11 mars 2026 à 17:30');
    expect(page).not.toContain('promised: ');
    expect(cardOf((await api('chef', 'GET', '/board')).body, o.number)).toContain(
      'Promis pour <time datetime="2026-03-11T16:30:00.000Z">mer. 11 mars, 17:30</time>',
    );
    const bad = await t.form(
      'chef',
      `/orders/${o.id}/promise`,
      { promisedDay: '32/03/2026' },
      `/orders/${o.id}`,
    );
    expect(bad.statusCode).toBe(422);
    expect(
      (await api('leo', 'POST', `/api/orders/${o.id}/promise`, { promisedFor: '2026-03-12T10:00' }))
        .statusCode,
    ).toBe(403);
    await t.clock.advance(Date.parse('2026-03-11T16:31:00Z') - t.clock.now());
    expect((await board()).find((c) => c.id === o.id)!.late_delivery).toBe(true);
  });
});
