/**
 * The workshop's calendar: days, weeks and wall-clock times in Paris, where the workshop is, turned
 * into epoch milliseconds and back. Summer time comes from the time-zone database (Intl), so a week
 * that changes hour still starts on Monday at 00:00 Paris time.
 */

export const DAY_MS = 86_400_000;
const TZ = 'Europe/Paris';

/** sv-SE writes `2026-12-07 09:30:00`: ISO order, 24-hour clock. Made once: a formatter is costly to make. */
const WALL = new Intl.DateTimeFormat('sv-SE', {
  timeZone: TZ,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** Paris's wall clock at `ms`: the day (`YYYY-MM-DD`) and the minutes since its midnight. */
export function parisWall(ms: number): { day: string; minutes: number } {
  const text = WALL.format(ms);
  const [day, time] = text.split(' ') as [string, string];
  const [h, m] = time.split(':').map(Number) as [number, number];
  return { day, minutes: (h % 24) * 60 + m };
}

/** Paris's offset from UTC at `ms`, in ms (one hour in winter, two in summer). */
function offsetAt(ms: number): number {
  const w = parisWall(ms);
  const [y, mo, d] = w.day.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, mo - 1, d) + w.minutes * 60_000;
  return wall - (ms - (((ms % 60_000) + 60_000) % 60_000));
}

/** The instant Paris's clocks show `minutes` after midnight on `day` (`YYYY-MM-DD`). */
export function parisTime(day: string, minutes = 0): number {
  const [y, mo, d] = day.split('-').map(Number) as [number, number, number];
  const asUtc = Date.UTC(y, mo - 1, d) + minutes * 60_000;
  const guess = asUtc - offsetAt(asUtc);
  return asUtc - offsetAt(guess);
}

/** The Paris day of `ms`, `YYYY-MM-DD`. */
export function parisDay(ms: number): string {
  return parisWall(ms).day;
}

/** `day` moved by `n` calendar days. */
export function addDays(day: string, n: number): string {
  const [y, mo, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, mo - 1, d + n)).toISOString().slice(0, 10);
}

/** 1 = Monday … 7 = Sunday. */
export function weekday(day: string): number {
  const [y, mo, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, mo - 1, d)).getUTCDay() || 7;
}

/** The Monday of `day`'s week (weeks run Monday to Sunday, as in France: ISO 8601). */
export function mondayOf(day: string): string {
  return addDays(day, 1 - weekday(day));
}

/** ISO 8601 week number of `day` (the week holding the year's first Thursday is week 1). */
export function isoWeek(day: string): number {
  const thursday = addDays(day, 4 - weekday(day));
  const jan1 = `${thursday.slice(0, 4)}-01-01`;
  return Math.floor((Date.parse(thursday) - Date.parse(jan1)) / DAY_MS / 7) + 1;
}

/** Whether `y-m-d` is a day of the calendar (no 31 February). */
export function isCalendarDay(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1 || y < 1900 || y > 2200) return false;
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}
