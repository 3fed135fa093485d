/** French first: every user-facing text is a pair, and the type makes a missing language a compile error. */
export type Lang = 'fr' | 'en';
export type Text = { fr: string; en: string };

export const LANGS: Lang[] = ['fr', 'en'];

export function isLang(v: unknown): v is Lang {
  return v === 'fr' || v === 'en';
}

/** Picks the text and fills `{name}` placeholders. */
export function tr(lang: Lang, text: Text, vars: Record<string, string | number> = {}): string {
  return text[lang].replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}

export function formatDateTime(lang: Lang, ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  return new Date(ms).toLocaleString(lang === 'fr' ? 'fr-FR' : 'en-GB', {
    timeZone: 'Europe/Paris',
    dateStyle: 'short',
    timeStyle: 'short',
  });
}

export function formatHours(lang: Lang, hours: number): string {
  return hours.toLocaleString(lang === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: 2 });
}

export function formatPercent(lang: Lang, ratio: number | null): string {
  if (ratio === null || !Number.isFinite(ratio)) return '—';
  return (ratio * 100).toLocaleString(lang === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: 1 }) + ' %';
}

export function formatMoney(lang: Lang, cents: number): string {
  return (cents / 100).toLocaleString(lang === 'fr' ? 'fr-FR' : 'en-GB', {
    style: 'currency',
    currency: 'EUR',
  });
}

export function formatKm(lang: Lang, km: number | null | undefined): string {
  if (km === null || km === undefined) return '—';
  return `${km.toLocaleString(lang === 'fr' ? 'fr-FR' : 'en-GB')} km`;
}

/** A calendar day stored as `YYYY-MM-DD`, in the page's locale (15/01/2026, 15 Jan 2026 in long form). */
export function formatDay(
  lang: Lang,
  iso: string | null | undefined,
  style: 'short' | 'long' = 'short',
): string {
  if (!iso) return '—';
  const ms = Date.parse(`${iso}T12:00:00Z`);
  if (Number.isNaN(ms)) return iso;
  return new Date(ms).toLocaleDateString(lang === 'fr' ? 'fr-FR' : 'en-GB', {
    timeZone: 'UTC',
    dateStyle: style === 'long' ? 'long' : 'short',
  });
}

/** A plain number in the page's locale (decimal comma and narrow no-break space in French). */
export function formatNumber(lang: Lang, n: number | null | undefined, maxDigits = 2): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return n.toLocaleString(lang === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: maxDigits });
}
