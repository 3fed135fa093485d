import { DbcParseError } from './dbc/model.js';
import { LogParseError } from './log.js';
import type { ReasonLang } from './reason.js';
import { saySystemError } from './system-error-texts.js';

/**
 * What a person reads when a log or a DBC cannot be read, in their language: the place (file,
 * line and column, or byte offset) and the reason. A file the system would not open or read says
 * so in French too (its path, then the system's reason); any other error gives its own message,
 * so a page or a command can show whatever a read threw through this one function.
 */
export function parseErrorMessage(err: unknown, lang: ReasonLang): string {
  if (err instanceof LogParseError || err instanceof DbcParseError) return err.messageIn(lang);
  const sys = err as NodeJS.ErrnoException;
  if (
    lang === 'fr' &&
    err instanceof Error &&
    typeof sys.code === 'string' &&
    typeof sys.syscall === 'string'
  )
    return `${sys.path !== undefined ? `${sys.path} : ` : ''}${saySystemError(sys, lang)}`;
  return err instanceof Error ? err.message : String(err);
}
