/**
 * Dates typed in the forms: French (JJ/MM/AAAA, 9h30) and ISO both read, the calendar checked,
 * Paris time with its summer change; and, through inject(), every page that asks for a date takes
 * the French form and answers a bad date with the message beside its field, not a dead-end page.
 * Expected instants are written out by hand in UTC (Paris: UTC+1 in winter, UTC+2 in summer, the
 * change on the last Sunday of March and October).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, isoWeek, mondayOf, parisDay, parisTime } from '../services/calendar.js';
import { makeTestApp, type TestApp } from '../testing.js';
import { parseDateTime, parseDay, parseTimeOfDay } from './dates.js';

describe('reading a typed date', () => {
  it('reads a day written the French way or in ISO 8601, and refuses what is not a day', () => {
    expect(parseDay('07/12/2026')).toBe('2026-12-07');
    expect(parseDay(' 7/3/2026 ')).toBe('2026-03-07');
    expect(parseDay('07.12.2026')).toBe('2026-12-07');
    expect(parseDay('2026-12-07')).toBe('2026-12-07');
    expect(parseDay('29/02/2028')).toBe('2028-02-29');
    for (const bad of [
      '31/02/2026',
      '29/02/2026',
      '00/01/2026',
      '12/13/2026',
      '2026-02-30',
      '12/07/26',
      'demain',
      '',
    ])
      expect(parseDay(bad), bad).toBeNull();
  });

  it('reads a time of day as a French workshop writes it', () => {
    expect(parseTimeOfDay('09:30')).toBe(570);
    expect(parseTimeOfDay('9h30')).toBe(570);
    expect(parseTimeOfDay('9h')).toBe(540);
    expect(parseTimeOfDay('14 h 05')).toBe(845);
    expect(parseTimeOfDay('9')).toBe(540);
    for (const bad of ['24:00', '9:75', '9h3', 'midi']) expect(parseTimeOfDay(bad), bad).toBeNull();
  });

  it('reads a date and time as Paris time, across the change to summer time', () => {
    expect(parseDateTime('07/12/2026 09:30')).toBe(Date.parse('2026-12-07T08:30:00Z'));
    expect(parseDateTime('07/12/2026 à 9h30')).toBe(Date.parse('2026-12-07T08:30:00Z'));
    expect(parseDateTime('2026-12-07T09:30')).toBe(Date.parse('2026-12-07T08:30:00Z'));
    expect(parseDateTime('2026-07-01 09:30')).toBe(Date.parse('2026-07-01T07:30:00Z'));
    // 28 March 2026 is still winter, 29 March from 03:00 summer
    expect(parseDateTime('28/03/2026 12:00')).toBe(Date.parse('2026-03-28T11:00:00Z'));
    expect(parseDateTime('29/03/2026 12:00')).toBe(Date.parse('2026-03-29T10:00:00Z'));
    expect(parseDateTime('2026-12-07T09:30:00Z')).toBe(Date.parse('2026-12-07T09:30:00Z'));
    expect(parseDateTime('2026-12-07T09:30:00+01:00')).toBe(Date.parse('2026-12-07T08:30:00Z'));
    for (const bad of ['31/02/2026 09:00', '07/12/2026', '07/12/2026 25:00', 'lundi'])
      expect(parseDateTime(bad), bad).toBeNull();
  });

  it('counts weeks from Monday, midnight in Paris, and numbers them as ISO 8601 does', () => {
    expect(mondayOf('2026-03-10')).toBe('2026-03-09');
    expect(mondayOf('2026-03-15')).toBe('2026-03-09');
    expect(mondayOf('2026-03-16')).toBe('2026-03-16');
    expect(addDays('2026-12-28', 7)).toBe('2027-01-04');
    // 1 January 2026 is a Thursday: week 1 runs 29 December 2025 – 4 January 2026
    expect(isoWeek('2025-12-29')).toBe(1);
    expect(isoWeek('2026-03-10')).toBe(11);
    expect(isoWeek('2026-12-31')).toBe(53);
    expect(isoWeek('2027-01-04')).toBe(1);
    expect(parisTime('2026-03-30')).toBe(Date.parse('2026-03-29T22:00:00Z'));
    expect(parisTime('2026-03-23')).toBe(Date.parse('2026-03-22T23:00:00Z'));
    expect(parisDay(Date.parse('2026-03-29T22:30:00Z'))).toBe('2026-03-30');
    expect(parisDay(Date.parse('2026-12-06T23:30:00Z'))).toBe('2026-12-07');
  });
});

describe('the pages that ask for a date', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp();
  });
  afterAll(() => t.close());

  const form = (login: string, url: string, back: string, fields: Record<string, string>) =>
    t.form(login, url, fields, back);
  const fieldError = (name: string) =>
    new RegExp(
      `<input[^>]*aria-invalid="true"[^>]*name="${name}"[^>]*><span class="field-error"[^>]*>(date invalide|date et heure invalides)`,
    );

  it('show text fields with the expected format beside them, no browser date field', async () => {
    const karim = t.demo.users.karim!.id;
    for (const url of [`/people/${karim}`, '/kpi', '/clock', '/orders/new', '/planning']) {
      const page = await t.inject('chef', { method: 'GET', url });
      expect(page.statusCode, url).toBe(200);
      expect(page.body, url).not.toMatch(/type="(date|datetime-local|time)"/);
      expect(page.body, url).toMatch(
        /placeholder="JJ\/MM\/AAAA( HH:MM)?"[^>]*> <small class="format">JJ\/MM\/AAAA/,
      );
    }
    const en = await t.inject('chef', { method: 'GET', url: '/kpi?lang=en' });
    expect(en.body).toMatch(/<small class="format">DD\/MM\/YYYY<\/small>/);
    expect(en.body).toContain('value="10/03/2026"'); // the period's last day (today), in the page's format
  });

  it('grant a habilitation dated the French way, and answer 30/02 beside the field', async () => {
    const leo = t.demo.users.leo!.id;
    const ok = await form('chef', '/people/habilitations', `/people/${leo}`, {
      userId: String(leo),
      symbol: 'B1L',
      issuedOn: '15/01/2026',
      renewalOn: '',
    });
    expect(ok.statusCode).toBe(303);
    const habs = (await t.inject('chef', { method: 'GET', url: '/api/habilitations' })).json();
    expect(habs).toContainEqual(
      expect.objectContaining({
        user_id: leo,
        symbol: 'B1L',
        issued_on: '2026-01-15',
        renewal_on: '2029-01-15',
      }),
    );
    const bad = await form('chef', '/people/habilitations', `/people/${leo}`, {
      userId: String(leo),
      symbol: 'B1L',
      issuedOn: '30/02/2026',
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toMatch(fieldError('issuedOn'));
    expect(bad.body).toContain('value="30/02/2026"');
  });

  it('read the KPI period in French; a bad day is a message by its field (page) or a 400 naming it (API)', async () => {
    const fr = (
      await t.inject('chef', { method: 'GET', url: '/api/kpi?from=01%2F03%2F2026&to=07%2F03%2F2026' })
    ).json();
    const iso = (
      await t.inject('chef', { method: 'GET', url: '/api/kpi?from=2026-03-01&to=2026-03-07' })
    ).json();
    expect(fr.period).toEqual(iso.period);
    expect(fr.period).toEqual({
      from: Date.parse('2026-03-01T00:00:00Z'),
      to: Date.parse('2026-03-08T00:00:00Z'),
    });
    const page = await t.inject('chef', { method: 'GET', url: '/kpi?from=31%2F02%2F2026' });
    expect(page.statusCode).toBe(422);
    expect(page.body).toMatch(
      /name="from"[^>]*> <small class="format">JJ\/MM\/AAAA<\/small><span class="field-error" role="alert">date invalide/,
    );
    expect(page.body).toContain('value="31/02/2026"');
    const api = await t.inject('chef', { method: 'GET', url: '/api/kpi?to=2026-02-31' });
    expect(api.statusCode).toBe(400);
    expect(api.json()).toMatchObject({ field: 'to' });
  });

  it('correct a clocking entry typed the French way, and refuse a bad one beside its field', async () => {
    const list = () =>
      t.inject('chef', { method: 'GET', url: `/api/clock/entries?userId=${t.demo.users.ines!.id}&from=0` });
    const entries = (await list()).json();
    const e =
      entries.find(
        (x: { end_at: number | null; kind: string }) => x.end_at !== null && x.kind === 'attendance',
      ) ?? entries[0];
    const start = new Date(e.start_at);
    // the same day, at 07:45 Paris time (winter: 06:45 UTC)
    const day = parisDay(e.start_at);
    const [y, m, d] = day.split('-');
    const res = await form('chef', `/clock/entries/${e.id}/correction`, '/clock', {
      startAt: `${d}/${m}/${y} 07:45`,
      reason: 'badge oublié à l’arrivée',
    });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(303);
    const after = (await list()).json();
    expect(after.find((x: { id: number }) => x.id === e.id).start_at).toBe(parisTime(day, 7 * 60 + 45));
    expect(start.getTime()).not.toBe(parisTime(day, 7 * 60 + 45));
    const bad = await form('chef', `/clock/entries/${e.id}/correction`, '/clock', {
      endAt: '32/01/2026 17:00',
      reason: 'oubli de pointage',
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toMatch(fieldError('endAt'));
  });
});
