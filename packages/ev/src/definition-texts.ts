import { type YamlErrorLike, yamlReasonFr } from '@atelier/can';

/**
 * Why a battery definition file is refused, as a code with its values, in English and French. The
 * English is the DefinitionError's `reason` and `message` word for word as before (tests and
 * scripts read them); the French is what an instructor writing a definition for a new car reads.
 * A value the file gave is quoted as JSON in both (`got "12"` is a string, `got 12` a number).
 */
/** A value the file gave, as JSON; a field left out is `undefined` in the English, "rien" in French. */
const found = (got: string) => (got === 'undefined' ? 'rien (le champ manque)' : got);

const TEXTS = {
  texts: {
    en: () => 'expected { fr, en } texts',
    fr: () => 'un texte en deux langues attendu : { fr: "…", en: "…" }',
  },
  integer: {
    en: (v: { min: number; max: number; got: string }) =>
      `expected an integer ${v.min}–${v.max}, got ${v.got}`,
    fr: (v: { min: number; max: number; got: string }) =>
      `un nombre entier de ${v.min} à ${v.max} attendu, trouvé ${found(v.got)}`,
  },
  number: {
    en: (v: { got: string }) => `expected a number, got ${v.got}`,
    fr: (v: { got: string }) => `un nombre attendu, trouvé ${found(v.got)}`,
  },
  field: {
    en: () => 'expected a field',
    fr: () => 'une grandeur attendue : { quantity, at, bytes, scale, unit }',
  },
  name: {
    en: () => 'expected a name',
    fr: () => 'un nom attendu (une lettre, puis lettres, chiffres ou « _ »)',
  },
  unit: {
    en: () => 'expected a unit',
    fr: () => 'une unité attendue (V, A, %, °C…)',
  },
  group: {
    en: () => 'expected drive',
    fr: () => 'seule la valeur drive est possible',
  },
  'extra-label': {
    en: (v: { quantity: string }) => `an extra quantity (${v.quantity}) needs a label`,
    fr: (v: { quantity: string }) =>
      `une grandeur supplémentaire (${v.quantity}) a besoin d'un libellé (label: { fr, en })`,
  },
  hex: {
    en: () => 'expected spaced hex bytes ("21 01")',
    fr: () => 'des octets en hexadécimal séparés par des espaces attendus ("21 01")',
  },
  mapping: {
    en: () => 'expected a mapping',
    fr: () => 'le fichier doit décrire une définition (des champs « clé: valeur »)',
  },
  id: {
    en: () => 'expected a lower-case id',
    fr: () => 'un identifiant en minuscules attendu (lettres, chiffres et « - »)',
  },
  protocol: {
    en: () => 'expected kwp2000 or uds',
    fr: () => 'kwp2000 ou uds attendu',
  },
  ecu: {
    en: () => 'expected { request, response }',
    fr: () => 'les identifiants du calculateur attendus : { request, response }',
  },
  requests: {
    en: () => 'expected a list of requests',
    fr: () => 'une liste de requêtes attendue',
  },
  request: {
    en: () => 'expected a request',
    fr: () => 'une requête attendue : { request, label, fields }',
  },
  'list-quantity': {
    en: () => 'expected cellVoltages or temperatures',
    fr: () => 'cellVoltages ou temperatures attendu',
  },
  'nothing-to-read': {
    en: () => 'a request with nothing to read',
    fr: () => 'une requête sans rien à lire (ni fields, ni list)',
  },
  yaml: {
    en: (v: { message: string; code: string; column: number }) => v.message,
    fr: (v: { message: string; code: string; column: number }) =>
      `YAML invalide${v.column ? `, colonne ${v.column}` : ''} : ${yamlReasonFr({ code: v.code || undefined, message: v.message } as YamlErrorLike)}`,
  },
} satisfies Record<string, { en: (v: never) => string; fr: (v: never) => string }>;

export type DefinitionReasonCode = keyof typeof TEXTS;

/** A reason of the catalogue: its code and values. */
export interface DefinitionReason {
  readonly code: DefinitionReasonCode;
  readonly values: Readonly<Record<string, string | number>>;
}

export const definitionReason = <C extends DefinitionReasonCode>(
  code: C,
  ...values: Parameters<(typeof TEXTS)[C]['en']> extends [] ? [] : [Parameters<(typeof TEXTS)[C]['en']>[0]]
): DefinitionReason => ({ code, values: (values[0] ?? {}) as Record<string, string | number> });

/** The reason in `lang`. */
export function sayDefinitionReason(r: DefinitionReason, lang: 'fr' | 'en'): string {
  return (TEXTS[r.code][lang] as (v: typeof r.values) => string)(r.values);
}
