import { yamlReasonFr } from '@atelier/obd';

/**
 * Why an adapter profile file (`hardware/elm327/profiles/*.yaml`, or one a user wrote for the
 * clone on their bench) is refused, as a code with its values, in English and French. The English
 * is the ProfileError's `message` after the file name, word for word as before; the French is what
 * the workshop reads.
 */
const TEXTS = {
  mapping: {
    en: () => 'a profile is a mapping',
    fr: () =>
      'un profil décrit un adaptateur par des champs « clé: valeur » (name, description, version, match, quirks)',
  },
  'string-field': {
    en: (v: { field: string }) => `field '${v.field}' must be a non-empty string`,
    fr: (v: { field: string }) => `le champ ${v.field} doit être un texte non vide`,
  },
  'bad-match': {
    en: (v: { why: string }) => `field 'match' is not a regular expression (${v.why})`,
    fr: (v: { why: string }) => `le champ match n'est pas une expression régulière valide (« ${v.why} »)`,
  },
  'quirks-mapping': {
    en: () => "field 'quirks' must be a mapping",
    fr: () => 'le champ quirks doit contenir des champs « clé: valeur »',
  },
  'unknown-quirk': {
    en: (v: { quirk: string; known: string }) => `unknown quirk 'quirks.${v.quirk}'`,
    fr: (v: { quirk: string; known: string }) =>
      `particularité inconnue : quirks.${v.quirk} (connues : ${v.known})`,
  },
  'quirk-type': {
    en: (v: { quirk: string; type: string }) =>
      `quirk 'quirks.${v.quirk}' must be a ${v.type === 'number' ? 'non-negative number' : 'boolean'}`,
    fr: (v: { quirk: string; type: string }) =>
      `quirks.${v.quirk} doit être ${v.type === 'number' ? 'un nombre positif ou nul' : 'true ou false'}`,
  },
  'max-pids': {
    en: () => "quirk 'quirks.maxPids' must be 1 to 6",
    fr: () => 'quirks.maxPids doit aller de 1 à 6 (J1979 permet six PID par requête sur CAN)',
  },
  'stn-version': {
    en: () => "field 'stnVersion' must be a string",
    fr: () => 'le champ stnVersion doit être un texte',
  },
  yaml: {
    en: (v: { message: string; code: string; column: number }) => v.message,
    fr: (v: { message: string; code: string; column: number }) =>
      `YAML invalide${v.column ? `, colonne ${v.column}` : ''} : ${yamlReasonFr({ code: v.code || undefined, message: v.message })}`,
  },
  'unknown-profile': {
    en: (v: { name: string; known: string }) => `unknown adapter profile '${v.name}' (known: ${v.known})`,
    fr: (v: { name: string; known: string }) =>
      `profil d'adaptateur inconnu : « ${v.name} » (connus : ${v.known})`,
  },
} satisfies Record<string, { en: (v: never) => string; fr: (v: never) => string }>;

export type ProfileReasonCode = keyof typeof TEXTS;

/** A reason of the catalogue: its code and values. */
export interface ProfileReason {
  readonly code: ProfileReasonCode;
  readonly values: Readonly<Record<string, string | number>>;
}

export const profileReason = <C extends ProfileReasonCode>(
  code: C,
  ...values: Parameters<(typeof TEXTS)[C]['en']> extends [] ? [] : [Parameters<(typeof TEXTS)[C]['en']>[0]]
): ProfileReason => ({ code, values: (values[0] ?? {}) as Record<string, string | number> });

/** The reason in `lang`. */
export function sayProfileReason(r: ProfileReason, lang: 'fr' | 'en'): string {
  return (TEXTS[r.code][lang] as (v: typeof r.values) => string)(r.values);
}
