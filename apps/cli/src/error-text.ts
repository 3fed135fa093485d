import { type Lang, speaksLang } from '@atelier/command';

/**
 * An error as a command prints it inside its own output (a line of a report, a warning on stderr):
 * in French its own words when it can say them, never its class name; in English its name and
 * message as they always were, for whoever greps them.
 */
export function errorText(err: unknown, lang: Lang): string {
  if (lang !== 'en' && speaksLang(err)) return err.messageIn(lang);
  const e = err as Error;
  return e?.name && e.name !== 'Error' ? `${e.name}: ${e.message}` : String(e?.message ?? err);
}
