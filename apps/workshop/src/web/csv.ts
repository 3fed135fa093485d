/**
 * CSV for spreadsheets (RFC 4180: fields quoted when they hold the separator, a quote or a line
 * break, quotes doubled, CRLF between records), written for the reader's Excel:
 *
 * - a UTF-8 byte-order mark, so Excel reads accents as UTF-8 rather than the ANSI code page;
 * - in French, `;` between fields and a decimal comma — what Excel uses in a French locale, where a
 *   comma is the decimal separator, so a double-clicked file opens in columns with numbers as
 *   numbers; in English, `,` and a decimal point;
 * - formula-injection-safe: a text cell beginning with `=`, `+`, `-`, `@`, a tab or a carriage
 *   return is prefixed with `'`, so a customer's name cannot become a formula (OWASP's advice);
 *   numbers are written as numbers (a negative number is a number, not a formula);
 * - dates as ISO 8601 (`2026-03-10 11:00`, Paris time), which both locales' Excel read as dates.
 */
import type { Lang } from '../i18n.js';

export type CsvCell = string | number | null | undefined;

const FORMULA = /^[=+\-@\t\r]/;

export function csvCell(value: CsvCell, lang: Lang): string {
  const sep = lang === 'fr' ? ';' : ',';
  if (value === null || value === undefined) return '';
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return '';
    text = String(Math.round(value * 10_000) / 10_000);
    if (lang === 'fr') text = text.replace('.', ',');
  } else {
    text = FORMULA.test(value) ? `'${value}` : value;
  }
  return text.includes(sep) || /["\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The whole file: BOM, header row, records, CRLF line ends. */
export function toCsv(header: string[], rows: CsvCell[][], lang: Lang): string {
  const sep = lang === 'fr' ? ';' : ',';
  const line = (cells: CsvCell[]) => cells.map((c) => csvCell(c, lang)).join(sep);
  return `\uFEFF${[line(header), ...rows.map(line)].join('\r\n')}\r\n`;
}

/** A moment as `YYYY-MM-DD HH:MM`, Paris time (the workshop's), for a spreadsheet cell. */
export function csvDateTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '';
  const parts = new Intl.DateTimeFormat('sv-SE', {
    timeZone: 'Europe/Paris',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(ms);
  return parts.replace(',', '');
}
