import { DbcParseError } from './dbc/model.js';
import { LogParseError } from './log.js';
import type { ReasonLang } from './reason.js';

/**
 * What a person reads when a log or a DBC cannot be read, in their language: the place (file,
 * line and column, or byte offset) and the reason. Any other error gives its own message, so a
 * page or a command can show whatever a read threw through this one function.
 */
export function parseErrorMessage(err: unknown, lang: ReasonLang): string {
  if (err instanceof LogParseError || err instanceof DbcParseError) return err.messageIn(lang);
  return err instanceof Error ? err.message : String(err);
}
