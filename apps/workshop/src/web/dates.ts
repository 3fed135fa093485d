/**
 * Dates and times typed in the pages' forms. A browser's own date field shows its own locale's
 * format (mm/dd/yyyy in an American Chromium, on a French page), so the forms use text fields that
 * read what a French workshop writes — 07/12/2026, 9h30, 07/12/2026 14:30 — with the expected format
 * written beside them; the server accepts that and ISO 8601 (what scripts and the JSON API send,
 * and what a native date field sends). A date that is not a day of the calendar is a field error.
 */
import type { FastifyRequest } from 'fastify';
import { formatDay, type Text } from '../i18n.js';
import { isCalendarDay, parisTime, parisWall } from '../services/calendar.js';
import { ValidationError } from '../services/errors.js';
import { type Html, html } from './html.js';
import { isApi, T } from './layout.js';

/** What a day field's schema admits (the calendar is checked after): `2026-12-07` or `07/12/2026`. */
export const DAY_PATTERN = '^(\\d{4}-\\d{1,2}-\\d{1,2}|\\d{1,2}[/.-]\\d{1,2}[/.-]\\d{4})$';
/** The same, or empty (an optional day). */
export const OPTIONAL_DAY_PATTERN = '^(\\d{4}-\\d{1,2}-\\d{1,2}|\\d{1,2}[/.-]\\d{1,2}[/.-]\\d{4})?$';

const pad = (n: number) => String(n).padStart(2, '0');

/** A day as typed: `2026-12-07` or `07/12/2026` (also `7/12/2026`, `07.12.2026`, `07-12-2026`); null if not a day. */
export function parseDay(text: string): string | null {
  const t = text.trim();
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  const fr = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(t);
  const [y, mo, d] = iso ? [+iso[1]!, +iso[2]!, +iso[3]!] : fr ? [+fr[3]!, +fr[2]!, +fr[1]!] : [0, 0, 0];
  return isCalendarDay(y, mo, d) ? `${y}-${pad(mo)}-${pad(d)}` : null;
}

/** A time of day as typed: `09:30`, `9:30`, `9h30`, `9h`, `14 h 05`; minutes after midnight, or null. */
export function parseTimeOfDay(text: string): number | null {
  const m = /^(\d{1,2})\s*(?:[:hH]\s*(\d{2})?)?(?::\d{2})?$/.exec(text.trim());
  if (!m) return null;
  const h = +m[1]!;
  const min = m[2] === undefined ? 0 : +m[2];
  return h < 24 && min < 60 ? h * 60 + min : null;
}

/**
 * A date and time as typed or sent: an ISO instant with its zone (`2026-12-07T08:30:00Z`), or a
 * Paris wall-clock time — `2026-12-07T09:30`, `2026-12-07 09:30`, `07/12/2026 09:30`,
 * `07/12/2026 à 9h30`. Epoch ms or null when it is not one.
 */
export function parseDateTime(text: string): number | null {
  const t = text.trim();
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(t)) {
    const ms = Date.parse(t);
    return Number.isNaN(ms) ? null : ms;
  }
  const m = /^(\S+?)(?:\s+(?:à|at)\s+|\s*[T ,]\s*)(\S.*)$/i.exec(t);
  if (!m) return null;
  const day = parseDay(m[1]!);
  const minutes = parseTimeOfDay(m[2]!);
  return day === null || minutes === null ? null : parisTime(day, minutes);
}

/**
 * A duration as typed: `1h30`, `1 h 30`, `2h`, `1,5 h`, `1.5h`, `90`, `90 min`, `2:15`; minutes, or
 * null when it is not one. A bare number is minutes (what the JSON API sends).
 */
export function parseDuration(text: string): number | null {
  const t = text
    .trim()
    .toLowerCase()
    .replace(',', '.')
    .replace(/\u00a0/g, ' ');
  let m = /^(\d{1,3})\s*(?:min|mn|m)?$/.exec(t);
  if (m) return +m[1]!;
  m = /^(\d{1,3})\s*(?:h|:)\s*(\d{1,2})?\s*(?:min|mn)?$/.exec(t);
  if (m) return +m[2]! >= 60 ? null : +m[1]! * 60 + (m[2] ? +m[2] : 0);
  m = /^(\d{1,3}\.\d{1,2})\s*h$/.exec(t);
  if (m) return Math.round(+m[1]! * 60);
  return null;
}

/** A duration for a page: `45 min`, `2 h`, `1 h 30` (no-break spaces: it never wraps inside). */
export function durationText(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h === 0 ? `${m}\u00a0min` : m === 0 ? `${h}\u00a0h` : `${h}\u00a0h\u00a0${pad(m)}`;
}

/** The appointment's duration a body asks for: minutes; null when left empty; undefined when not sent. */
export function durationValue(text: string | undefined, field: string): number | null | undefined {
  if (text === undefined) return undefined;
  if (!text.trim()) return null;
  const minutes = parseDuration(text);
  if (minutes === null || minutes < 5 || minutes > 6000)
    throw new ValidationError(
      {
        fr: 'durée invalide : écrivez-la en heures et minutes (1h30) ou en minutes (90), de 5 min à 100 h',
        en: 'invalid duration: write it in hours and minutes (1h30) or minutes (90), from 5 min to 100 h',
      },
      field,
    );
  return minutes;
}

const DAY_FORMAT: Text = { fr: 'JJ/MM/AAAA', en: 'DD/MM/YYYY' };
const TIME_FORMAT: Text = { fr: 'HH:MM', en: 'HH:MM' };
const DURATION_FORMAT: Text = { fr: 'ex. 1h30', en: 'e.g. 1h30' };
const DATE_TIME_FORMAT: Text = { fr: 'JJ/MM/AAAA HH:MM', en: 'DD/MM/YYYY HH:MM' };

const badDay = (field: string) =>
  new ValidationError(
    {
      fr: 'date invalide : écrivez-la JJ/MM/AAAA (par exemple 07/12/2026)',
      en: 'invalid date: write it DD/MM/YYYY (for example 07/12/2026)',
    },
    field,
  );

/** A day field's value as the service takes it (`YYYY-MM-DD`), '' when left empty; a field error otherwise. */
export function dayValue(text: string | undefined, field: string): string {
  if (!text?.trim()) return '';
  const day = parseDay(text);
  if (day === null) throw badDay(field);
  return day;
}

/** A date-time field's value (epoch ms), undefined when left empty; a field error otherwise. */
export function dateTimeValue(text: string | undefined, field: string): number | undefined {
  if (!text?.trim()) return undefined;
  const ms = parseDateTime(text);
  if (ms === null)
    throw new ValidationError(
      {
        fr: 'date et heure invalides : écrivez-les JJ/MM/AAAA HH:MM (par exemple 07/12/2026 09:30)',
        en: 'invalid date and time: write them DD/MM/YYYY HH:MM (for example 07/12/2026 09:30)',
      },
      field,
    );
  return ms;
}

/** A time-of-day field's value (minutes after midnight); a field error when not a time. */
export function timeValue(text: string, field: string): number {
  const minutes = parseTimeOfDay(text);
  if (minutes === null)
    throw new ValidationError(
      {
        fr: 'heure invalide : écrivez-la HH:MM (par exemple 09:30)',
        en: 'invalid time: write it HH:MM (for example 09:30)',
      },
      field,
    );
  return minutes;
}

/** A date-time at Paris, as its form field shows it: `07/12/2026 09:30`. */
export function dateTimeText(lang: 'fr' | 'en', ms: number): string {
  const w = parisWall(ms);
  return `${formatDay(lang, w.day)} ${pad(Math.floor(w.minutes / 60))}:${pad(w.minutes % 60)}`;
}

/** Minutes after midnight as `09:30`. */
export function clockText(minutes: number): string {
  return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

interface FieldOptions {
  required?: boolean;
  /** Extra attributes' worth of meaning: the field's accessible name when it has no visible label. */
  ariaLabel?: string;
  /** What was typed, shown as it was (a refused value), instead of the formatted value. */
  text?: string;
  invalid?: boolean;
}

function textField(
  req: FastifyRequest,
  name: string,
  value: string,
  format: Text,
  size: number,
  o: FieldOptions,
): Html {
  const f = T(req, format);
  return html`<input type="text" name="${name}" value="${o.text ?? value}"${o.invalid ? html` aria-invalid="true"` : ''} placeholder="${f}" inputmode="numeric" autocomplete="off" size="${size}" maxlength="${size + 8}"${o.required ? html` required` : ''}${o.ariaLabel ? html` aria-label="${o.ariaLabel}"` : ''}> <small class="format">${f}</small>`;
}

/** A day field that reads French dates (JJ/MM/AAAA) with its format beside it; `value` is `YYYY-MM-DD`. */
export function dayInput(
  req: FastifyRequest,
  name: string,
  value: string | null,
  o: FieldOptions = {},
): Html {
  return textField(req, name, value ? formatDay(req.lang, value) : '', DAY_FORMAT, 10, o);
}

/** A time-of-day field (HH:MM, 9h30 accepted) with its format beside it. */
export function timeInput(
  req: FastifyRequest,
  name: string,
  minutes: number | null,
  o: FieldOptions = {},
): Html {
  return textField(req, name, minutes === null ? '' : clockText(minutes), TIME_FORMAT, 5, o);
}

/** A duration field (1h30, 90 min) with its format beside it. */
export function durationInput(
  req: FastifyRequest,
  name: string,
  minutes: number | null,
  o: FieldOptions = {},
): Html {
  return textField(req, name, minutes === null ? '' : durationText(minutes), DURATION_FORMAT, 6, o);
}

/** A date-and-time field (JJ/MM/AAAA HH:MM) with its format beside it. */
export function dateTimeInput(
  req: FastifyRequest,
  name: string,
  ms: number | null,
  o: FieldOptions = {},
): Html {
  return textField(req, name, ms === null ? '' : dateTimeText(req.lang, ms), DATE_TIME_FORMAT, 16, o);
}

/** An appointment as a sentence's date: « lundi 7 décembre 2026 à 09:30 », "Monday 7 December 2026 at 09:30". */
const SHORT_WHEN = {
  fr: new Intl.DateTimeFormat('fr-FR', {
    timeZone: 'Europe/Paris',
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  }),
  en: new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Paris',
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  }),
};

/** A moment for a small card, in the page's locale, Paris time: `mar. 10 mars, 09:30` / `Tue 10 Mar, 09:30`. */
export function formatWhenShort(lang: 'fr' | 'en', ms: number): string {
  return SHORT_WHEN[lang].format(ms);
}

export function formatAppointment(lang: 'fr' | 'en', ms: number): string {
  return new Date(ms).toLocaleString(lang === 'fr' ? 'fr-FR' : 'en-GB', {
    timeZone: 'Europe/Paris',
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/**
 * A day in a page's query (a GET form: no refill): `YYYY-MM-DD`, '' when absent. A bad one is a
 * 400 naming the field on the JSON API; on a page it is left out and its message comes back, for
 * the page to show beside the field with what was typed.
 */
export function queryDay(
  req: FastifyRequest,
  text: string | undefined,
  field: string,
): { day: string; error: string | null } {
  try {
    return { day: dayValue(text, field), error: null };
  } catch (e) {
    if (isApi(req) || !(e instanceof ValidationError)) throw e;
    return { day: '', error: T(req, e.text) };
  }
}

/** A day field of a GET form, with the message of a refused value beside it. */
export function queryDayInput(
  req: FastifyRequest,
  name: string,
  value: string | null,
  typed: string | undefined,
  error: string | null,
): Html {
  return html`${dayInput(req, name, value, error ? { text: typed ?? '', invalid: true } : {})}${error ? html`<span class="field-error" role="alert">${error}</span>` : ''}`;
}
