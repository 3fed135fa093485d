/** Where something was found: the file, the line (and column) and the element (MEF tag or YAML key). */
export interface Where {
  file?: string;
  line?: number;
  /** 1-based, when the reader knows it (malformed XML). */
  column?: number;
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

export function describeWhere(where: Where): string {
  const parts: string[] = [];
  if (where.file) parts.push(quote(where.file));
  if (where.line !== undefined)
    parts.push(`line ${where.line}${where.column !== undefined ? `, column ${where.column}` : ''}`);
  const name = where.name === undefined ? undefined : quote(where.name);
  if (where.element) parts.push(`<${quote(where.element)}${name ? ` name="${name}"` : ''}>`);
  else if (name) parts.push(`'${name}'`);
  return parts.join(', ');
}

/** A model that cannot be read or is not valid: always names the element (and line when known). */
export class ModelError extends Error {
  override name = 'ModelError';
  constructor(
    readonly detail: string,
    readonly where: Where = {},
  ) {
    const at = describeWhere(where);
    super(at ? `${at}: ${clipQuotes(detail)}` : clipQuotes(detail));
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
  constructor(message: string) {
    super(clipQuotes(message));
  }
}

/** A computation asked for more than the configured limits allow (nodes, products). */
export class LimitError extends Error {
  override name = 'LimitError';
}
