import { type Lang, type Text, tr } from '../i18n.js';

/** One JSON Schema validation failure as Ajv reports it (the part we read). */
export interface SchemaFailure {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
}

/**
 * Turns Ajv's failures into a sentence in the user's language naming the field, e.g.
 * « name » : 200 caractères au plus. Ajv's own messages are English only.
 */
export function describeValidation(
  lang: Lang,
  failures: SchemaFailure[],
  context: string,
): { message: string; field?: string; rule?: string } {
  const f = failures[0];
  if (!f) return { message: tr(lang, { fr: 'données invalides', en: 'invalid input' }) };
  const fromPath = f.instancePath.split('/').filter(Boolean).join('.');
  const field = (f.keyword === 'required' ? String(f.params.missingProperty) : fromPath) || context;
  const p = f.params;
  const texts: Record<string, Text> = {
    required: { fr: 'obligatoire', en: 'required' },
    maxLength: { fr: '{limit} caractères au plus', en: 'at most {limit} characters' },
    minLength: { fr: '{limit} caractère(s) au moins', en: 'at least {limit} character(s)' },
    maximum: { fr: 'au plus {limit}', en: 'at most {limit}' },
    minimum: { fr: 'au moins {limit}', en: 'at least {limit}' },
    type: { fr: 'doit être de type {type}', en: 'must be of type {type}' },
    enum: { fr: 'valeur non prévue (admises : {allowed})', en: 'unexpected value (allowed: {allowed})' },
    pattern: { fr: 'format invalide', en: 'invalid format' },
    maxItems: { fr: '{limit} éléments au plus', en: 'at most {limit} items' },
  };
  const text = texts[f.keyword] ?? { fr: 'valeur invalide', en: 'invalid value' };
  const vars = {
    limit: String(p.limit ?? ''),
    type: String(p.type ?? ''),
    allowed: Array.isArray(p.allowedValues) ? p.allowedValues.filter((v) => v !== '').join(', ') : '',
  };
  const label = lang === 'fr' ? `« ${field} »` : `'${field}'`;
  return {
    rule: tr(lang, text, vars),
    message:
      `${tr(lang, { fr: 'données invalides', en: 'invalid input' })} — ${label} : ${tr(lang, text, vars)}`.replace(
        ' : ',
        lang === 'fr' ? ' : ' : ': ',
      ),
    field,
  };
}
