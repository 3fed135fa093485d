/**
 * The site's calendar: France's public holidays against published dates (written out by hand from
 * the official calendars, not computed), appointments laid over the hours with the lunch break and
 * the evening carried to the next opening, and refusals of closed days, hours outside the opening
 * and absent technicians — on both stores. Instants are written in UTC by hand (Paris is UTC+1 in
 * winter, UTC+2 from 29 March 2026).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAbsence, listAbsences } from './absences.js';
import { checkSlot } from './appointment-slot.js';
import { ValidationError } from './errors.js';
import { type Fixture, fixture, T0 } from './fixtures.test-support.js';
import {
  addClosedDay,
  easterSunday,
  FRENCH_GARAGE_HOURS,
  frenchHolidays,
  OpeningCalendar,
  openingCalendar,
  openingHours,
  saveOpeningHours,
} from './opening-hours.js';

const Z = (iso: string) => Date.parse(iso);
const FIELDS = { day: 'bookedDay', time: 'bookedTime' };
const defaults = new OpeningCalendar(FRENCH_GARAGE_HOURS, new Map());
const spanOf = (cal: OpeningCalendar, start: string, minutes: number) =>
  cal.span(Z(start), minutes, FIELDS).map(([a, b]) => [new Date(a).toISOString(), new Date(b).toISOString()]);
const refusal = (fn: () => unknown): { field?: string; fr: string; en: string } => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return { field: e.field, ...e.text };
    throw e;
  }
  throw new Error('not refused');
};

describe('public holidays of France', () => {
  it('puts Easter on its published dates (Gregorian), the earliest and latest included', () => {
    const published: [number, string][] = [
      [1818, '1818-03-22'],
      [1943, '1943-04-25'],
      [2000, '2000-04-23'],
      [2008, '2008-03-23'],
      [2011, '2011-04-24'],
      [2019, '2019-04-21'],
      [2024, '2024-03-31'],
      [2025, '2025-04-20'],
      [2026, '2026-04-05'],
      [2027, '2027-03-28'],
      [2038, '2038-04-25'],
      [2285, '2285-03-22'],
    ];
    for (const [year, day] of published) expect(easterSunday(year), String(year)).toBe(day);
  });

  it('lists the eleven days of 2026 and 2027 as the official calendar gives them', () => {
    expect(frenchHolidays(2026).map((h) => h.day)).toEqual([
      '2026-01-01',
      '2026-04-06', // Easter Monday
      '2026-05-01',
      '2026-05-08',
      '2026-05-14', // Ascension
      '2026-05-25', // Whit Monday
      '2026-07-14',
      '2026-08-15',
      '2026-11-01',
      '2026-11-11',
      '2026-12-25',
    ]);
    const y2027 = frenchHolidays(2027);
    expect(y2027.find((h) => h.name.en === 'Easter Monday')?.day).toBe('2027-03-29');
    expect(y2027.find((h) => h.name.fr === 'Ascension')?.day).toBe('2027-05-06');
    expect(y2027.find((h) => h.name.fr === 'Lundi de Pentecôte')?.day).toBe('2027-05-17');
  });
});

describe('an appointment laid over the opening hours (French garage defaults)', () => {
  it('stays in its half-day when it fits', () => {
    expect(spanOf(defaults, '2026-03-09T07:00:00Z', 120)).toEqual([
      ['2026-03-09T07:00:00.000Z', '2026-03-09T09:00:00.000Z'],
    ]);
  });

  it('goes on after the lunch break (12:00–13:30) when it overruns the morning', () => {
    // Monday 9 March 11:00 Paris, 2 h: 11:00–12:00 then 13:30–14:30
    expect(spanOf(defaults, '2026-03-09T10:00:00Z', 120)).toEqual([
      ['2026-03-09T10:00:00.000Z', '2026-03-09T11:00:00.000Z'],
      ['2026-03-09T12:30:00.000Z', '2026-03-09T13:30:00.000Z'],
    ]);
  });

  it('goes on the next open morning when it overruns the evening, over Sunday and Easter Monday', () => {
    // Friday 13 March 17:00, 3 h: 17:00–18:00, Saturday 08:00–10:00
    expect(spanOf(defaults, '2026-03-13T16:00:00Z', 180)).toEqual([
      ['2026-03-13T16:00:00.000Z', '2026-03-13T17:00:00.000Z'],
      ['2026-03-14T07:00:00.000Z', '2026-03-14T09:00:00.000Z'],
    ]);
    // Saturday 4 April 11:30 (summer time), 1 h 30: 11:30–12:00, then Tuesday 7 April 08:00–09:00
    expect(spanOf(defaults, '2026-04-04T09:30:00Z', 90)).toEqual([
      ['2026-04-04T09:30:00.000Z', '2026-04-04T10:00:00.000Z'],
      ['2026-04-07T06:00:00.000Z', '2026-04-07T07:00:00.000Z'],
    ]);
  });

  it('refuses the hours the garage is shut, naming the field and the hours', () => {
    const lunch = refusal(() => defaults.span(Z('2026-03-09T11:45:00Z'), 60, FIELDS));
    expect(lunch.field).toBe('bookedTime');
    expect(lunch.fr).toBe(
      'hors des heures d’ouverture : le lundi, le garage est ouvert 08:00–12:00 et 13:30–18:00',
    );
    expect(lunch.en).toBe(
      'outside opening hours: on Mondays the workshop is open 08:00–12:00 and 13:30–18:00',
    );
    // 22:00 on a weekday, 07:30, 18:00 exactly (the closing time), Saturday afternoon
    for (const at of ['2026-03-10T21:00:00Z', '2026-03-10T06:30:00Z', '2026-03-10T17:00:00Z'])
      expect(refusal(() => defaults.span(Z(at), 30, FIELDS)).field, at).toBe('bookedTime');
    expect(refusal(() => defaults.span(Z('2026-03-14T13:00:00Z'), 30, FIELDS)).fr).toContain(
      'le samedi, le garage est ouvert 08:00–12:00',
    );
  });

  it('refuses a Sunday and a public holiday on the day field, saying why', () => {
    const sunday = refusal(() => defaults.span(Z('2026-03-15T09:00:00Z'), 60, FIELDS));
    expect(sunday).toEqual({
      field: 'bookedDay',
      fr: 'le garage est fermé le dimanche',
      en: 'the workshop is closed on Sundays',
    });
    const easter = refusal(() => defaults.span(Z('2026-04-06T07:00:00Z'), 60, FIELDS));
    expect(easter).toEqual({
      field: 'bookedDay',
      fr: 'le garage est fermé le 6 avril 2026 (Lundi de Pâques)',
      en: 'the workshop is closed on 6 April 2026 (Easter Monday)',
    });
  });
});

describe('a site’s own hours, closed days and absences (stored)', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture();
  });
  afterAll(() => f.close());

  it('keeps the French defaults until the administrator changes them, then uses the new hours', async () => {
    expect(await openingHours(f.store, 1)).toEqual(FRENCH_GARAGE_HOURS);
    const week = FRENCH_GARAGE_HOURS.map((d) => ({ ...d }));
    // open on Saturday afternoon too, closed on Wednesday morning
    week[5] = { morning: [480, 720], afternoon: [840, 1020] };
    week[2] = { morning: null, afternoon: [810, 1080] };
    await saveOpeningHours(f.store, 1, week, f.users.boss, T0);
    expect(await openingHours(f.store, 1)).toEqual(week);
    const cal = await openingCalendar(f.store, 1);
    expect(spanOf(cal, '2026-03-14T13:00:00Z', 60)).toEqual([
      ['2026-03-14T13:00:00.000Z', '2026-03-14T14:00:00.000Z'],
    ]);
    expect(refusal(() => cal.span(Z('2026-03-11T08:00:00Z'), 60, FIELDS)).fr).toBe(
      'hors des heures d’ouverture : le mercredi, le garage est ouvert 13:30–18:00',
    );
    // an afternoon that starts before the morning ends is refused, naming that afternoon
    week[0] = { morning: [480, 780], afternoon: [720, 1080] };
    await expect(saveOpeningHours(f.store, 1, week, f.users.boss, T0)).rejects.toMatchObject({
      field: 'd1pm',
    });
    await saveOpeningHours(f.store, 1, FRENCH_GARAGE_HOURS.slice(), f.users.boss, T0);
  });

  it('refuses a day the site closed, and carries an appointment over it', async () => {
    await addClosedDay(f.store, 1, { day: '2026-03-16', label: 'Inventaire' }, f.users.boss, T0);
    await expect(
      addClosedDay(f.store, 1, { day: '2026-03-16', label: 'encore' }, f.users.boss, T0),
    ).rejects.toMatchObject({ field: 'closedDay' });
    const cal = await openingCalendar(f.store, 1);
    expect(refusal(() => cal.span(Z('2026-03-16T08:00:00Z'), 60, FIELDS))).toMatchObject({
      field: 'bookedDay',
      fr: 'le garage est fermé le 16 mars 2026 (Inventaire)',
    });
    // Saturday 14 March 11:00, 2 h: Saturday 11:00–12:00, Monday closed, Tuesday 08:00–09:00
    expect(spanOf(cal, '2026-03-14T10:00:00Z', 120)).toEqual([
      ['2026-03-14T10:00:00.000Z', '2026-03-14T11:00:00.000Z'],
      ['2026-03-17T07:00:00.000Z', '2026-03-17T08:00:00.000Z'],
    ]);
  });

  it('refuses an appointment on a day its technician is away, even one it is carried to', async () => {
    await addAbsence(
      f.store,
      1,
      { userId: f.users.tech.id, kind: 'training', fromDay: '2026-03-18', toDay: '2026-03-19', note: 'B2VL' },
      f.users.boss,
      T0,
    );
    expect((await listAbsences(f.store, 1, '2026-03-01')).map((a) => [a.user_name, a.kind])).toEqual([
      ['TECH', 'training'],
    ]);
    const fields = { ...FIELDS, technician: 'userId' };
    await expect(
      checkSlot(f.store, 1, Z('2026-03-18T08:00:00Z'), 60, f.users.tech.id, fields),
    ).rejects.toMatchObject({
      field: 'userId',
      text: {
        fr: 'TECH est absent·e (formation) du 18 mars 2026 au 19 mars 2026',
        en: 'TECH is away (training) from 18 March 2026 to 19 March 2026',
      },
    });
    // Tuesday 17 March 17:00 for 2 h runs into Wednesday morning: refused too
    await expect(
      checkSlot(f.store, 1, Z('2026-03-17T16:00:00Z'), 120, f.users.tech.id, fields),
    ).rejects.toMatchObject({
      field: 'userId',
    });
    // one hour that evening ends at 18:00 sharp: accepted; another technician on the Wednesday too
    expect(await checkSlot(f.store, 1, Z('2026-03-17T16:00:00Z'), 60, f.users.tech.id, fields)).toBe(
      Z('2026-03-17T17:00:00Z'),
    );
    expect(await checkSlot(f.store, 1, Z('2026-03-18T08:00:00Z'), 60, f.users.other.id, fields)).toBe(
      Z('2026-03-18T09:00:00Z'),
    );
    await expect(
      addAbsence(
        f.store,
        1,
        { userId: f.users.tech.id, kind: 'leave', fromDay: '2026-03-20', toDay: '2026-03-19' },
        f.users.boss,
        T0,
      ),
    ).rejects.toMatchObject({ field: 'toDay' });
  });

  it('refuses only the half-day an absence covers, split at that day’s lunch break', async () => {
    // Thursday 26 March 2026 afternoon only (Paris is UTC+1): 09:00 taken, 14:00 refused
    await addAbsence(
      f.store,
      1,
      {
        userId: f.users.tech.id,
        kind: 'other',
        fromDay: '2026-03-26',
        fromHalf: 'afternoon',
        toDay: '2026-03-26',
      },
      f.users.boss,
      T0,
    );
    const fields = { ...FIELDS, technician: 'userId' };
    expect(await checkSlot(f.store, 1, Z('2026-03-26T08:00:00Z'), 180, f.users.tech.id, fields)).toBe(
      Z('2026-03-26T11:00:00Z'),
    );
    await expect(
      checkSlot(f.store, 1, Z('2026-03-26T13:00:00Z'), 60, f.users.tech.id, fields),
    ).rejects.toMatchObject({
      field: 'userId',
      text: {
        fr: 'TECH est absent·e (absence) le 26 mars 2026 après-midi',
        en: 'TECH is away (absence) on 26 March 2026 (afternoon)',
      },
    });
    // 10:00 for 3 h: 10:00–12:00 then 13:30–14:30, carried into the absence
    await expect(
      checkSlot(f.store, 1, Z('2026-03-26T09:00:00Z'), 180, f.users.tech.id, fields),
    ).rejects.toMatchObject({ field: 'userId' });
    // Saturday has no afternoon: its lunch is its closing time, noon
    expect(defaults.lunchOf('2026-03-28')).toBe(12 * 60);
    expect(defaults.lunchOf('2026-03-26')).toBe(12 * 60);
    await expect(
      addAbsence(
        f.store,
        1,
        {
          userId: f.users.tech.id,
          kind: 'leave',
          fromDay: '2026-03-27',
          toDay: '2026-03-27',
          fromHalf: 'afternoon',
          toHalf: 'morning',
        },
        f.users.boss,
        T0,
      ),
    ).rejects.toMatchObject({ field: 'toHalf' });
  });
});
