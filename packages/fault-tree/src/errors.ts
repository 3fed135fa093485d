import { type FtLang, type FtReason, sayFtReason } from './error-texts.js';

/** Where something was found: the file, the line (and column) and the element (MEF tag or YAML key). */
export interface Where {
  file?: string;
  line?: number;
  /** 1-based, when the reader knows it (malformed XML). */
  column?: number;
  /**
   * The reader ran out of file (a truncated file, a tag never closed): said instead of a line and
   * column, which would only be the count of lines and a column 0 past the last newline.
   */
  end?: boolean;
  element?: string;
  name?: string;
}

/**
 * Longest piece of a model file an error quotes (a name, an attribute value, a tag): a hostile or
 * garbled file must not turn one error into a message of hundreds of kilobytes. Where it is stays
 * said beside the quote (file, line, column). The same rule and length as @atelier/can's `clip`
 * for logs (this package sits below it and cannot import it).
 */
export const MAX_QUOTE = 120;

/** Outside text cut to MAX_QUOTE characters, with its length said. */
export function quote(text: string): string {
  return text.length <= MAX_QUOTE ? text : `${text.slice(0, MAX_QUOTE)}… (${text.length} characters)`;
}

/** Every `'…'` quote in a message, cut to MAX_QUOTE: messages quote names and values that way. */
const clipQuotes = (message: string) =>
  message.replace(new RegExp(`'([^']{${MAX_QUOTE + 1},})'`, 'g'), (_, q: string) => `'${quote(q)}'`);

/** The place in `lang`: `file.yaml, line 5, column 3, <basic-event name="B">`, `file.xml, end of file`. */
function describePlace(where: Where, lang: FtLang): string {
  const fr = lang === 'fr';
  const parts: string[] = [];
  if (where.file) parts.push(quote(where.file));
  if (where.end) parts.push(fr ? 'en fin de fichier' : 'end of file');
  else if (where.line !== undefined) {
    const column = where.column !== undefined ? `, ${fr ? 'colonne' : 'column'} ${where.column}` : '';
    parts.push(`${fr ? 'ligne' : 'line'} ${where.line}${column}`);
  }
  const name = where.name === undefined ? undefined : quote(where.name);
  if (where.element) parts.push(`<${quote(where.element)}${name ? ` name="${name}"` : ''}>`);
  else if (name) parts.push(`'${name}'`);
  return parts.join(', ');
}

export function describeWhere(where: Where): string {
  return describePlace(where, 'en');
}

/** The place in French: `fichier.yaml, ligne 5, colonne 3, <basic-event name="B">`. */
export function describeWhereFr(where: Where): string {
  return describePlace(where, 'fr');
}

/**
 * A model that cannot be read or is not valid: always names the element (and line when known).
 * Built from a reason of the catalogue (`error-texts.ts`), it says itself in French too
 * (`messageIn`); `detail` and `message` stay the English they always were.
 */
export class ModelError extends Error {
  override name = 'ModelError';
  readonly detail: string;
  /** Why, as a code with its values; absent for an error built from bare English words. */
  readonly reason?: FtReason;
  constructor(
    detail: string | FtReason,
    readonly where: Where = {},
  ) {
    const en = typeof detail === 'string' ? detail : sayFtReason(detail, 'en');
    const at = describeWhere(where);
    super(at ? `${at}: ${clipQuotes(en)}` : clipQuotes(en));
    this.detail = en;
    if (typeof detail !== 'string') this.reason = detail;
  }

  /** The message in `lang`: English is `message`; French names the place, then why. */
  messageIn(lang: FtLang): string {
    if (lang === 'en') return this.message;
    const why = this.reason
      ? sayFtReason({ code: this.reason.code, values: mapValues(this.reason.values, clipFr) }, 'fr')
      : `« ${quote(this.detail)} »`;
    const at = describeWhereFr(this.where);
    return at ? `${at} : ${why}` : why;
  }
}

/** Bad XML (not well-formed) or a MEF element out of place. */
export class MefParseError extends ModelError {
  override name = 'MefParseError';
}

/** A structural problem found after reading: cycles, undefined or duplicate names, arity, probabilities. */
export class ValidationError extends ModelError {
  override name = 'ValidationError';
}

/** Evidence that names an unknown event or contradicts itself (probability zero). */
export class EvidenceError extends Error {
  override name = 'EvidenceError';
  /** Why, as a code with its values; absent for an error built from bare English words. */
  readonly reason?: FtReason;
  constructor(message: string | FtReason) {
    super(clipQuotes(typeof message === 'string' ? message : sayFtReason(message, 'en')));
    if (typeof message !== 'string') this.reason = message;
  }

  /** The message in `lang`: English is `message`. */
  messageIn(lang: FtLang): string {
    if (lang === 'en' || !this.reason) return this.message;
    return sayFtReason({ code: this.reason.code, values: mapValues(this.reason.values, clipFr) }, 'fr');
  }
}

/** A computation asked for more than the configured limits allow (nodes, products). */
export class LimitError extends Error {
  override name = 'LimitError';
  constructor(readonly reason: FtReason) {
    super(sayFtReason(reason, 'en'));
  }

  /** The message in `lang`: English is `message`. */
  messageIn(lang: FtLang): string {
    return lang === 'en' ? this.message : sayFtReason(this.reason, 'fr');
  }
}

const mapValues = <T, U>(o: Readonly<Record<string, T>>, f: (v: T) => U): Record<string, U> =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));

/**
 * A value quoted from a file, cut in French as `quote` cuts it in English: a garbled file's name of
 * megabytes must not become the message.
 */
const clipFr = (v: string | number) =>
  typeof v === 'string' && v.length > MAX_QUOTE ? `${v.slice(0, MAX_QUOTE)}… (${v.length} caractères)` : v;
