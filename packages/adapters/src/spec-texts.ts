/**
 * What is wrong with an adapter name, in English and French, for the details every scheme shares
 * (the name's form, its options) and those of `sim:` (the simulated car a class opens most). The
 * same mechanism as the other packages' reasons: a code and its values where the problem is
 * found, the text said where the error is shown. English is the error's `message` as it always
 * was (scripts and tests read it); the names, options and values are quoted as typed.
 */

interface SpecText<P> {
  en: (p: P) => string;
  fr: (p: P) => string;
}
const text = <P = Record<string, never>>(en: (p: P) => string, fr: (p: P) => string): SpecText<P> => ({
  en,
  fr,
});

/**
 * The placeholders of the adapter names' example forms (`elm327:tcp://HOST:PORT`, `sim:SCENARIO`),
 * in French: the words the French help of the command line already uses (NOM, HÔTE, SCÉNARIO,
 * FICHIER). A placeholder is a whole upper-case word; `PORT` is the same in both languages, and the
 * rest of an example (scheme, path, option names) is typed as is, so it is never translated.
 */
const PLACEHOLDERS_FR: Readonly<Record<string, string>> = {
  NAME: 'NOM',
  HOST: 'HÔTE',
  SCENARIO: 'SCÉNARIO',
  FILE: 'FICHIER',
};

/** An example form with its placeholders in `lang` (`sim:SCÉNARIO[?via=elm327]` in French). */
export function exampleIn(example: string, lang: 'fr' | 'en'): string {
  if (lang === 'en') return example;
  return example.replace(/\b[A-Z]+\b/g, (w) => PLACEHOLDERS_FR[w] ?? w);
}

const examplesFr = (examples: readonly string[]) => examples.map((e) => exampleIn(e, 'fr')).join(', ');

export const SPEC_TEXTS = {
  'expected-scheme-target': text(
    () => 'expected SCHEME:TARGET, e.g. elm327:/dev/ttyUSB0',
    () => 'attendu TYPE:CIBLE, par exemple elm327:/dev/ttyUSB0',
  ),
  'expected-one-of': text<{ examples: readonly string[] }>(
    (p) => `expected one of ${p.examples.join(', ')}`,
    (p) => `attendu l’un de : ${examplesFr(p.examples)}`,
  ),
  'unknown-kind': text<{ scheme: string; examples: readonly string[] }>(
    (p) => `unknown adapter kind '${p.scheme}' (known: ${p.examples.join(', ')})`,
    (p) => `type d'adaptateur inconnu « ${p.scheme} » (connus : ${examplesFr(p.examples)})`,
  ),
  'nothing-after-colon': text(
    () => 'nothing after the colon',
    () => 'rien après les deux-points',
  ),
  'unknown-option': text<{ key: string; known: readonly string[] }>(
    (p) => `unknown option '${p.key}' (${p.known.length ? p.known.join(', ') : 'none taken'})`,
    (p) =>
      `option inconnue « ${p.key} » (${p.known.length ? `options possibles : ${p.known.join(', ')}` : 'aucune option acceptée'})`,
  ),
  'not-a-flag': text<{ key: string; value: string }>(
    (p) => `${p.key} '${p.value}' is not 1/0, true/false or yes/no`,
    (p) => `${p.key} « ${p.value} » : attendu 1/0, true/false ou yes/no`,
  ),
  'sim.bad-via': text<{ via: string }>(
    (p) => `via '${p.via}' is not isotp or elm327`,
    (p) => `via « ${p.via} » : attendu isotp ou elm327`,
  ),
  'sim.profile-needs-elm327': text(
    () => 'profile applies to via=elm327 (an emulated adapter)',
    () => 'profile ne s’applique qu’avec via=elm327 (un adaptateur émulé)',
  ),
  'sim.no-scenario': text<{ name: string; known: readonly string[] }>(
    (p) => `no scenario '${p.name}' (known: ${p.known.join(', ')}; or a path to a scenario .yaml)`,
    (p) =>
      `aucun scénario « ${p.name} » (connus : ${p.known.join(', ')} ; ou le chemin d’un fichier de scénario .yaml)`,
  ),
  'elm327.bad-baud': text<{ value: string }>(
    (p) => `baud '${p.value}' is not a baud rate`,
    (p) => `baud « ${p.value} » n'est pas un débit série (300 à 4 000 000, par exemple 38400)`,
  ),
  'elm327.bad-protocol': text<{ value: string }>(
    (p) => `protocol '${p.value}' is not an ELM327 protocol number (1–9, A)`,
    (p) => `protocol « ${p.value} » n'est pas un numéro de protocole ELM327 (1 à 9, A)`,
  ),
  'elm327.port-range': text<{ port: number }>(
    (p) => `port ${p.port} out of range`,
    (p) => `port ${p.port} hors limites (1 à 65535)`,
  ),
  'elm327.baud-on-tcp': text(
    () => 'baud applies to serial lines, not to TCP',
    () => 'baud ne s’applique qu’à une ligne série, pas à TCP',
  ),
  'elm327.expected-tcp': text(
    () => 'expected tcp://HOST:PORT',
    () => 'attendu tcp://HÔTE:PORT (par exemple tcp://192.168.0.10:35000)',
  ),
  'elm327.expected-target': text(
    () => 'expected a device path (/dev/ttyUSB0, /dev/rfcomm0) or tcp://HOST:PORT',
    () => 'attendu le chemin d’un périphérique (/dev/ttyUSB0, /dev/rfcomm0) ou tcp://HÔTE:PORT',
  ),
  'elm327.unknown-profile': text<{ name: string; known: readonly string[] }>(
    (p) => `unknown adapter profile '${p.name}' (known: ${p.known.join(', ')})`,
    (p) => `profil d’adaptateur inconnu « ${p.name} » (connus : ${p.known.join(', ')})`,
  ),
  'slcan.whole-number': text<{ key: string; value: string; min: number; max: number }>(
    (p) => `${p.key} '${p.value}' is not a whole number from ${p.min} to ${p.max}`,
    (p) => `${p.key} « ${p.value} » : nombre entier de ${p.min} à ${p.max} attendu`,
  ),
  'slcan.port': text<{ port: string }>(
    (p) => `port ${p.port} is not 1–65535`,
    (p) => `port ${p.port} : de 1 à 65535`,
  ),
  'slcan.target': text(
    () => 'expected a serial device such as /dev/ttyACM0 (or tcp://HOST:PORT for a network bridge)',
    () => 'attendu un port série comme /dev/ttyACM0 (ou tcp://HÔTE:PORT pour une passerelle réseau)',
  ),
  'slcan.bitrate-and-btr': text(
    () => 'give bitrate= or btr=, not both',
    () => 'donnez bitrate= ou btr=, pas les deux',
  ),
  'slcan.btr': text<{ btr: string }>(
    (p) => `btr '${p.btr}' is not 4 or 6 hex digits (the controller's timing registers)`,
    (p) =>
      `btr « ${p.btr} » : 4 ou 6 chiffres hexadécimaux attendus (les registres de cadencement du contrôleur)`,
  ),
  /** The bus package's own words for a rate SLCAN has no code for, in both languages. */
  'slcan.bitrate': text<{ en: string; fr: string }>(
    (p) => `bitrate: ${p.en}`,
    (p) => `bitrate : ${p.fr}`,
  ),
  'slcan.listen-extended': text(
    () => 'listen=1 sends nothing, so extended= has nothing to choose',
    () => "listen=1 n'envoie rien : extended= n'a rien à choisir",
  ),
  'socketcan.iface': text(
    () => 'expected an interface name such as can0',
    () => "attendu un nom d'interface comme can0",
  ),
};

export type SpecTextCode = keyof typeof SPEC_TEXTS;
type ParamsOf<C extends SpecTextCode> = (typeof SPEC_TEXTS)[C] extends SpecText<infer P> ? P : never;

/** A detail of the catalogue: its code and values, said in a language by `saySpecDetail`. */
export interface SpecDetail {
  readonly code: SpecTextCode;
  readonly params: Readonly<Record<string, unknown>>;
}

/** A detail of the catalogue; the values are checked against the code's texts. */
export function specDetail<C extends SpecTextCode>(
  code: C,
  ...params: Record<never, never> extends ParamsOf<C> ? [ParamsOf<C>?] : [ParamsOf<C>]
): SpecDetail {
  return { code, params: (params[0] ?? {}) as Record<string, unknown> };
}

export function saySpecDetail(d: SpecDetail, lang: 'fr' | 'en'): string {
  const t = SPEC_TEXTS[d.code] as SpecText<Readonly<Record<string, unknown>>>;
  return t[lang](d.params);
}
