import type { ReasonLang } from './reason.js';

/**
 * A YAML syntax error (from the `yaml` library: a scenario, a knowledge-base file, an upload) said
 * in French: the line, the column and what is wrong. The library writes English only; its error
 * codes (`TAB_AS_INDENT`, `DUPLICATE_KEY` …, listed in its `dist/errors.d.ts`) are stable, its
 * messages less so, so French is keyed on the code, made more precise for the messages people hit
 * most (a missing closing quote, a key without its value). A code not listed here gets the
 * library's English message quoted, rather than a guess. Recognised by shape (`code`, `linePos`),
 * so no package has to depend on `yaml` to show its errors; kept here, below every package that
 * reads YAML, so they all say it the same way.
 */
const YAML_CODES: Readonly<Record<string, string>> = {
  TAB_AS_INDENT: 'tabulation en début de ligne : YAML n’accepte que des espaces pour indenter',
  DUPLICATE_KEY: 'clé en double : une clé ne peut figurer qu’une fois au même niveau',
  BAD_INDENT: 'indentation incorrecte : les éléments d’un même niveau doivent commencer à la même colonne',
  MISSING_CHAR: 'caractère manquant',
  BLOCK_AS_IMPLICIT_KEY:
    'deux « : » sur la même ligne : une valeur contenant « : » s’écrit entre guillemets, un bloc commence à la ligne suivante',
  MULTILINE_IMPLICIT_KEY:
    'une clé doit tenir sur une ligne : il manque sans doute un « : » après la clé, ou une indentation',
  UNEXPECTED_TOKEN: 'élément inattendu à cet endroit (indentation ou « - », « : » mal placés ?)',
  BAD_SCALAR_START: 'valeur commençant par un caractère réservé : écrivez-la entre guillemets',
  BAD_DQ_ESCAPE: 'séquence d’échappement invalide entre guillemets doubles (un « \\ » en trop ?)',
  BAD_ALIAS: 'ancre (&) ou alias (*) invalide',
  ALIAS_PROPS: 'un alias (*) ne peut pas porter d’ancre ni d’étiquette',
  BAD_DIRECTIVE: 'directive (%) invalide',
  BAD_PROP_ORDER: 'ancre ou étiquette mal placée',
  BLOCK_IN_FLOW: 'bloc indenté à l’intérieur de crochets ou d’accolades',
  KEY_OVER_1024_CHARS: 'clé trop longue : le « : » doit venir dans les 1024 caractères',
  MULTIPLE_ANCHORS: 'plusieurs ancres (&) sur le même élément',
  MULTIPLE_TAGS: 'plusieurs étiquettes (!) sur le même élément',
  MULTIPLE_DOCS: 'plusieurs documents (« --- ») dans le fichier : un seul est attendu',
  NON_STRING_KEY: 'clé qui n’est pas un texte',
  RESOURCE_EXHAUSTION: 'trop d’alias à développer : le document deviendrait démesuré',
  TAG_RESOLVE_FAILED: 'étiquette (!) inconnue ou valeur qui ne lui correspond pas',
  BAD_COLLECTION_TYPE: 'étiquette (!) qui ne convient pas à ce type de bloc',
  IMPOSSIBLE: 'YAML que la bibliothèque ne sait pas lire',
};

/** Messages more precise than their code, by the start of the library's message. */
const YAML_MESSAGES: ReadonlyArray<readonly [RegExp, (m: RegExpExecArray) => string]> = [
  [/^Missing closing "quote/, () => 'guillemet fermant (") manquant'],
  [/^Missing closing 'quote/, () => "guillemet fermant (') manquant"],
  [/^Implicit map keys need to be followed by map values/, () => 'clé sans « : » ni valeur'],
  [/^Sequence item without - indicator/, () => 'élément de liste sans « - »'],
  [/^Missing , (or : )?between/, () => 'virgule manquante entre deux éléments entre crochets ou accolades'],
  [
    /^Comments must be separated from other tokens by white space/,
    () => 'un commentaire (#) doit être précédé d’une espace',
  ],
  [
    /^Plain value cannot start with (?:reserved character )?(.+)$/,
    (m) => `valeur commençant par ${m[1]} : écrivez-la entre guillemets`,
  ],
  [
    /^Flow (sequence|mapping|map) in block collection must be sufficiently indented and end with a ([\]}])/,
    (m) =>
      m[1] === 'sequence'
        ? `liste entre crochets non fermée (« ${m[2]} » manquant) ou pas assez indentée`
        : `ensemble entre accolades non fermé (« ${m[2]} » manquant) ou pas assez indenté`,
  ],
];

/** A YAML error as the `yaml` library gives it (the fields read here). */
export interface YamlErrorLike {
  code?: string;
  message: string;
  linePos?: readonly { line: number; col: number }[];
}

/** Whether an error is one of the `yaml` library's (a code and a place). */
export function isYamlError(err: unknown): err is YamlErrorLike & Error {
  return (
    err instanceof Error &&
    (err.name === 'YAMLParseError' || err.name === 'YAMLWarning') &&
    typeof (err as YamlErrorLike).code === 'string'
  );
}

/** The library's message without the place and the quoted source it appends ("at line 2, column 1:"). */
export function yamlMessageText(err: YamlErrorLike): string {
  return err.message
    .split('\n')[0]!
    .replace(/ at line \d+, column \d+:?\s*$/, '')
    .trim();
}

/** What is wrong, in French (from the code, or the message quoted when the code is unknown). */
export function yamlReasonFr(err: YamlErrorLike): string {
  const text = yamlMessageText(err);
  for (const [re, say] of YAML_MESSAGES) {
    const m = re.exec(text);
    if (m) return say(m);
  }
  const known = err.code ? YAML_CODES[err.code] : undefined;
  return known ?? `« ${text} »`;
}

/**
 * The whole error in `lang`: English is the library's first line as it was always shown
 * (`Tabs are not allowed as indentation at line 2, column 1:`), French names the line and column
 * first (`ligne 2, colonne 1 : tabulation en début de ligne …`).
 */
export function sayYamlError(err: YamlErrorLike, lang: ReasonLang): string {
  if (lang === 'en') return err.message.split('\n')[0]!;
  const at = err.linePos?.[0];
  return `${at ? `ligne ${at.line}, colonne ${at.col} : ` : ''}${yamlReasonFr(err)}`;
}
