/** Where something was found: the file, the line and the element (MEF tag or YAML key). */
export interface Where {
  file?: string;
  line?: number;
  element?: string;
  name?: string;
}

export function describeWhere(where: Where): string {
  const parts: string[] = [];
  if (where.file) parts.push(where.file);
  if (where.line !== undefined) parts.push(`line ${where.line}`);
  if (where.element) parts.push(`<${where.element}${where.name ? ` name="${where.name}"` : ''}>`);
  else if (where.name) parts.push(`'${where.name}'`);
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
    super(at ? `${at}: ${detail}` : detail);
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
}

/** A computation asked for more than the configured limits allow (nodes, products). */
export class LimitError extends Error {
  override name = 'LimitError';
}
