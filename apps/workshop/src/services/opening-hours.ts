/**
 * When a site is open: its hours per weekday (a morning and an afternoon, so a lunch break), the
 * public holidays of France (computed from the year: Easter's date moves three of them), and the
 * days the site closes on top of them. `OpeningCalendar.span` lays an appointment's duration over
 * those hours: one that overruns the lunch break or the evening goes on at the next opening.
 */
import { formatDay, type Text } from '../i18n.js';
import type { Db, Store } from '../store/store.js';
import { addDays, parisTime, parisWall, weekday } from './calendar.js';
import { NotFoundError, ValidationError } from './errors.js';

/** [from, to) in minutes after midnight, Paris time. */
export type Period = readonly [number, number];

export interface DayHours {
  morning: Period | null;
  afternoon: Period | null;
}

const h = (hours: number, minutes = 0) => hours * 60 + minutes;
const WEEKDAY_HOURS: DayHours = { morning: [h(8), h(12)], afternoon: [h(13, 30), h(18)] };

/**
 * A French garage's usual hours, used for a weekday the site has not set: Monday to Friday
 * 8:00–12:00 and 13:30–18:00, Saturday morning, closed on Sunday. Index 0 is Monday.
 */
export const FRENCH_GARAGE_HOURS: readonly DayHours[] = [
  WEEKDAY_HOURS,
  WEEKDAY_HOURS,
  WEEKDAY_HOURS,
  WEEKDAY_HOURS,
  WEEKDAY_HOURS,
  { morning: [h(8), h(12)], afternoon: null },
  { morning: null, afternoon: null },
];

export const WEEKDAY_NAME: readonly Text[] = [
  { fr: 'lundi', en: 'Monday' },
  { fr: 'mardi', en: 'Tuesday' },
  { fr: 'mercredi', en: 'Wednesday' },
  { fr: 'jeudi', en: 'Thursday' },
  { fr: 'vendredi', en: 'Friday' },
  { fr: 'samedi', en: 'Saturday' },
  { fr: 'dimanche', en: 'Sunday' },
];

interface HoursRow {
  weekday: number;
  morning_from: number | null;
  morning_to: number | null;
  afternoon_from: number | null;
  afternoon_to: number | null;
}

const period = (from: number | null, to: number | null): Period | null =>
  from === null || to === null ? null : [from, to];

/** The site's hours, Monday first; a weekday it never set keeps the French default. */
export async function openingHours(db: Db, site: number): Promise<DayHours[]> {
  const rows = await db.all<HoursRow>(
    'SELECT weekday, morning_from, morning_to, afternoon_from, afternoon_to FROM site_opening_hours WHERE site_id = ?',
    [site],
  );
  const week = FRENCH_GARAGE_HOURS.map((d) => ({ ...d }));
  for (const r of rows)
    week[r.weekday - 1] = {
      morning: period(r.morning_from, r.morning_to),
      afternoon: period(r.afternoon_from, r.afternoon_to),
    };
  return week;
}

/** Checks one day's hours: each period in order, the afternoon after the morning. */
export function checkDayHours(d: DayHours, field: string): void {
  for (const p of [d.morning, d.afternoon])
    if (p && !(p[0] >= 0 && p[1] <= 24 * 60 && p[0] < p[1]))
      throw new ValidationError(
        {
          fr: 'horaires invalides : l’heure de fermeture doit suivre celle d’ouverture',
          en: 'invalid hours: closing must come after opening',
        },
        field,
      );
  if (d.morning && d.afternoon && d.afternoon[0] < d.morning[1])
    throw new ValidationError(
      {
        fr: 'l’après-midi commence avant la fin de la matinée',
        en: 'the afternoon starts before the morning ends',
      },
      field,
    );
}

/** Saves the whole week (index 0 = Monday), each day checked; the site's administrator does it. */
export async function saveOpeningHours(
  store: Store,
  site: number,
  week: DayHours[],
  actor: { id: number },
  now: number,
): Promise<void> {
  week.forEach((d, i) => {
    checkDayHours(d, `d${i + 1}pm`);
  });
  await store.transaction(async (tx) => {
    await tx.run('DELETE FROM site_opening_hours WHERE site_id = ?', [site]);
    for (const [i, d] of week.entries())
      await tx.run(
        `INSERT INTO site_opening_hours (site_id, weekday, morning_from, morning_to, afternoon_from, afternoon_to, updated_by, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          site,
          i + 1,
          d.morning?.[0] ?? null,
          d.morning?.[1] ?? null,
          d.afternoon?.[0] ?? null,
          d.afternoon?.[1] ?? null,
          actor.id,
          now,
        ],
      );
  });
}

/**
 * Easter Sunday of `year` (Gregorian calendar), by the arithmetic of the anonymous Gregorian
 * computus (Meeus–Jones–Butcher), `YYYY-MM-DD`.
 */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const hh = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - hh - k) % 7;
  const m = Math.floor((a + 11 * hh + 22 * l) / 451);
  const month = Math.floor((hh + l - 7 * m + 114) / 31);
  const day = ((hh + l - 7 * m + 114) % 31) + 1;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export interface Holiday {
  day: string;
  name: Text;
}

/**
 * The eleven public holidays of France (Code du travail, art. L3133-1) in `year`. Alsace-Moselle's
 * two more (Good Friday, 26 December) are not included: a site there enters them as closed days.
 */
export function frenchHolidays(year: number): Holiday[] {
  const easter = easterSunday(year);
  const fixed = (md: string, fr: string, en: string): Holiday => ({ day: `${year}-${md}`, name: { fr, en } });
  return [
    fixed('01-01', 'Jour de l’an', 'New Year’s Day'),
    { day: addDays(easter, 1), name: { fr: 'Lundi de Pâques', en: 'Easter Monday' } },
    fixed('05-01', 'Fête du Travail', 'Labour Day'),
    fixed('05-08', 'Victoire 1945', 'Victory in Europe Day'),
    { day: addDays(easter, 39), name: { fr: 'Ascension', en: 'Ascension Day' } },
    { day: addDays(easter, 50), name: { fr: 'Lundi de Pentecôte', en: 'Whit Monday' } },
    fixed('07-14', 'Fête nationale', 'Bastille Day'),
    fixed('08-15', 'Assomption', 'Assumption Day'),
    fixed('11-01', 'Toussaint', 'All Saints’ Day'),
    fixed('11-11', 'Armistice 1918', 'Armistice Day'),
    fixed('12-25', 'Noël', 'Christmas Day'),
  ].sort((x, y) => x.day.localeCompare(y.day));
}

export interface ClosedDay {
  day: string;
  label: string;
  created_at: number;
  created_by_name: string | null;
}

/** The days the site entered as closed (beyond the public holidays), from `from` on, in order. */
export async function siteClosedDays(db: Db, site: number, from = '0000-00-00'): Promise<ClosedDay[]> {
  return db.all<ClosedDay>(
    `SELECT d.day, d.label, d.created_at, u.name AS created_by_name FROM site_closed_days d
     LEFT JOIN users u ON u.id = d.created_by WHERE d.site_id = ? AND d.day >= ? ORDER BY d.day`,
    [site, from],
  );
}

export async function addClosedDay(
  store: Store,
  site: number,
  input: { day: string; label: string },
  actor: { id: number },
  now: number,
): Promise<void> {
  const label = input.label.trim().slice(0, 120);
  await store.transaction(async (tx) => {
    const taken = await tx.get('SELECT 1 AS x FROM site_closed_days WHERE site_id = ? AND day = ?', [
      site,
      input.day,
    ]);
    if (taken)
      throw new ValidationError(
        { fr: 'ce jour est déjà fermé', en: 'this day is already closed' },
        'closedDay',
      );
    await tx.run(
      'INSERT INTO site_closed_days (site_id, day, label, created_by, created_at) VALUES (?, ?, ?, ?, ?)',
      [site, input.day, label, actor.id, now],
    );
  });
}

export async function removeClosedDay(store: Store, site: number, day: string): Promise<void> {
  const r = await store.run('DELETE FROM site_closed_days WHERE site_id = ? AND day = ?', [site, day]);
  if (!r.changes) throw new NotFoundError({ fr: 'Jour de fermeture', en: 'Closed day' }, day);
}

/** Which input a refusal is about: the day (a closed day) or the time (outside the hours). */
export interface SlotFields {
  day: string;
  time: string;
}

const clock = (m: number) =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const hoursText = (d: DayHours, and: string) =>
  [d.morning, d.afternoon]
    .filter((p): p is Period => p !== null)
    .map((p) => `${clock(p[0])}–${clock(p[1])}`)
    .join(and);

/** The site's open periods day by day, and an appointment laid over them. */
export class OpeningCalendar {
  private readonly holidays = new Map<string, Text>();

  constructor(
    readonly week: readonly DayHours[],
    private readonly closed: ReadonlyMap<string, string>,
  ) {}

  /** Why the site is closed all of `day` (a public holiday, a closed day, no hours), or null. */
  closure(day: string): Text | null {
    const year = Number(day.slice(0, 4));
    if (!this.holidays.has(`${year}`)) {
      this.holidays.set(`${year}`, { fr: '', en: '' });
      for (const hol of frenchHolidays(year)) this.holidays.set(hol.day, hol.name);
    }
    const holiday = this.holidays.get(day);
    if (holiday) return holiday;
    const label = this.closed.get(day);
    if (label !== undefined) return { fr: label || 'fermeture', en: label || 'closed' };
    if (this.periods(day, true).length === 0) return WEEKDAY_NAME[weekday(day) - 1]!;
    return null;
  }

  /** The open periods of `day` (none on a closed day). */
  periods(day: string, hoursOnly = false): Period[] {
    if (!hoursOnly && this.closure(day)) return [];
    const d = this.week[weekday(day) - 1]!;
    return [d.morning, d.afternoon].filter((p): p is Period => p !== null);
  }

  /**
   * The stretches of open time an appointment at `start` lasting `minutes` occupies: from its start
   * to the end of that period, then the next periods (after lunch, the next open day) until its
   * duration is used. Refused when it starts on a closed day or outside the hours.
   */
  span(start: number, minutes: number, fields: SlotFields): [number, number][] {
    const { day, minutes: at } = parisWall(start);
    const shut = this.closure(day);
    if (shut) {
      const when = { fr: formatDay('fr', day, 'long'), en: formatDay('en', day, 'long') };
      throw new ValidationError(
        this.closed.has(day) || this.holidays.has(day)
          ? {
              fr: `le garage est fermé le ${when.fr} (${shut.fr})`,
              en: `the workshop is closed on ${when.en} (${shut.en})`,
            }
          : { fr: `le garage est fermé le ${shut.fr}`, en: `the workshop is closed on ${shut.en}s` },
        fields.day,
      );
    }
    const periods = this.periods(day);
    if (!periods.some(([from, to]) => at >= from && at < to)) {
      const d = this.week[weekday(day) - 1]!;
      const name = WEEKDAY_NAME[weekday(day) - 1]!;
      throw new ValidationError(
        {
          fr: `hors des heures d’ouverture : le ${name.fr}, le garage est ouvert ${hoursText(d, ' et ')}`,
          en: `outside opening hours: on ${name.en}s the workshop is open ${hoursText(d, ' and ')}`,
        },
        fields.time,
      );
    }
    return this.lay(start, minutes)!;
  }

  /** Where an appointment ends once laid over the hours; a contiguous block when it starts outside them (old data). */
  endOf(start: number, minutes: number): number {
    const segments = this.segments(start, minutes);
    return segments[segments.length - 1]![1];
  }

  /** The stretches an appointment occupies, unchecked; one contiguous block when it starts outside the hours (old data). */
  segments(start: number, minutes: number): [number, number][] {
    return this.lay(start, minutes) ?? [[start, start + minutes * 60_000]];
  }

  /**
   * Where `day` splits into its morning and its afternoon (minutes after midnight): the end of its
   * morning hours (the lunch break), else the start of its afternoon hours, else noon.
   */
  lunchOf(day: string): number {
    const d = this.week[weekday(day) - 1]!;
    return d.morning?.[1] ?? d.afternoon?.[0] ?? 12 * 60;
  }

  private lay(start: number, minutes: number): [number, number][] | null {
    const { day: first, minutes: at } = parisWall(start);
    const out: [number, number][] = [];
    let left = minutes;
    let day = first;
    let from = at;
    let started = false;
    // A year of days at most: a site open a few hours a week still places a two-week job.
    for (let n = 0; n < 366 && left > 0; n++, day = addDays(day, 1), from = 0) {
      for (const [a, b] of this.periods(day)) {
        if (!started && !(from >= a && from < b)) continue;
        const begin = started ? a : from;
        started = true;
        const used = Math.min(left, b - begin);
        out.push([parisTime(day, begin), parisTime(day, begin + used)]);
        left -= used;
        if (left <= 0) break;
      }
      if (!started) return null;
    }
    return out;
  }
}

/** The site's calendar: its hours and closed days as stored now. */
export async function openingCalendar(db: Db, site: number): Promise<OpeningCalendar> {
  const closed = await db.all<{ day: string; label: string }>(
    'SELECT day, label FROM site_closed_days WHERE site_id = ?',
    [site],
  );
  return new OpeningCalendar(await openingHours(db, site), new Map(closed.map((c) => [c.day, c.label])));
}
