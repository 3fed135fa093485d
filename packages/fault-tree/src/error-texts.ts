/**
 * Why a model file (Open-PSA MEF XML or the YAML form) cannot be read or is not valid, as a code
 * with its values, in English and French. The English is the error's `detail` and `message` word
 * for word as before (scripts and tests grep them); the French is what the workshop reads. This
 * package is layer 0 (it imports no other Atelier package), so its catalogue lives in it, the
 * French of YAML's own error codes included. The words stay generic: no automotive terms here.
 */

type V = Readonly<Record<string, string | number>>;
const t = <P extends V = Record<string, never>>(en: (p: P) => string, fr: (p: P) => string) => ({ en, fr });

/** What an arity requirement is, in French, by its English words. */
const ARITY_FR: Record<string, string> = {
  'exactly one argument': 'exactement un argument',
  'at least two arguments': 'au moins deux arguments',
  'exactly two arguments': 'exactement deux arguments',
  'at least one argument': 'au moins un argument',
};

/** The kinds of reference a formula makes, in French. */
const KIND_FR: Record<string, string> = {
  event: 'événement',
  gate: 'porte',
  'basic-event': 'événement de base',
  'house-event': 'événement maison',
  parameter: 'paramètre',
};

/**
 * The `yaml` library's error codes (stable, unlike its messages) in French; a code not listed keeps
 * the library's English words, quoted.
 */
const YAML_FR: Record<string, string> = {
  TAB_AS_INDENT: 'tabulation en début de ligne : YAML n’accepte que des espaces pour indenter',
  DUPLICATE_KEY: 'clé en double : une clé ne peut figurer qu’une fois au même niveau',
  BAD_INDENT: 'indentation incorrecte : les éléments d’un même niveau doivent commencer à la même colonne',
  MISSING_CHAR: 'caractère manquant (guillemet, crochet ou accolade fermant ?)',
  BLOCK_AS_IMPLICIT_KEY: 'deux « : » sur la même ligne : une valeur contenant « : » s’écrit entre guillemets',
  MULTILINE_IMPLICIT_KEY: 'une clé doit tenir sur une ligne : il manque sans doute un « : »',
  UNEXPECTED_TOKEN: 'élément inattendu à cet endroit (indentation ou « - », « : » mal placés ?)',
  BAD_SCALAR_START: 'valeur commençant par un caractère réservé : écrivez-la entre guillemets',
  MULTIPLE_DOCS: 'plusieurs documents (« --- ») dans le fichier : un seul est attendu',
};

/**
 * What the XML parser (saxes) says of a file that is not well-formed, in French. saxes gives no
 * codes, only English sentences: they are matched whole, and one not listed (or reworded by a later
 * saxes) keeps the parser's words, quoted, as before.
 */
const XML_FR: readonly [RegExp, (m: RegExpExecArray) => string][] = [
  [/^undefined entity\.$/, () => 'entité inconnue (un « & » seul s’écrit &amp;)'],
  [
    /^(?:unquoted attribute value|value must be quoted)\.$/,
    () => 'valeur d’attribut sans guillemets (nom="valeur")',
  ],
  [/^attribute without value\.$/, () => 'attribut sans valeur (nom="valeur")'],
  [/^duplicate attribute: (.+)\.$/, (m) => `attribut « ${m[1]} » en double`],
  [/^no whitespace between attributes\.$/, () => 'il manque une espace entre deux attributs'],
  [/^disallowed character in attribute name\.$/, () => 'caractère interdit dans un nom d’attribut'],
  [/^disallowed character in tag name\.?$/, () => 'caractère interdit dans un nom de balise'],
  [/^disallowed character in closing tag\.$/, () => 'caractère interdit dans une balise fermante'],
  [/^disallowed character\.$/, () => 'caractère interdit'],
  [
    /^unexpected close tag\.$/,
    () => 'balise fermante inattendue : elle ne ferme pas la dernière balise ouverte',
  ],
  [/^unmatched closing tag: (.+)\.$/, (m) => `balise fermante </${m[1]}> sans balise ouvrante`],
  [/^documents may contain only one root\.$/, () => 'un second élément racine : un document n’en a qu’un'],
  [/^document must contain a root element\.$/, () => 'le document n’a pas d’élément racine'],
  [/^text data outside of root node\.$/, () => 'du texte hors de l’élément racine'],
  [/^malformed comment\.$/, () => 'commentaire mal formé (« -- » est interdit dans un commentaire)'],
  [/^malformed character entity\.$/, () => 'référence de caractère mal formée (&#123; ou &#x7B;)'],
];

/** The parser's words in French when they are listed; quoted as they are otherwise. */
function xmlFr(message: string): string {
  for (const [pattern, say] of XML_FR) {
    const m = pattern.exec(message);
    if (m) return say(m);
  }
  return `« ${message} »`;
}

export const FT_TEXTS = {
  // ── YAML form ───────────────────────────────────────────────────────────────────────────────
  'malformed-yaml': t<{ message: string; code: string }>(
    (p) => `malformed YAML: ${p.message}`,
    (p) => `YAML invalide : ${YAML_FR[p.code] ?? `« ${p.message} »`}`,
  ),
  'yaml-unreadable': t<{ message: string }>(
    (p) => `YAML: ${p.message}`,
    (p) => `YAML illisible (un alias * sans son ancre & ?) : « ${p.message} »`,
  ),
  'yaml-not-mapping': t(
    () => 'the document must be a mapping with gates and basic-events',
    () => 'le document doit être une table avec gates et basic-events',
  ),
  'unknown-key': t<{ key: string; expected: string }>(
    (p) => `unknown key '${p.key}' (expected ${p.expected})`,
    (p) => `clé inconnue « ${p.key} » (attendues : ${p.expected})`,
  ),
  'mission-time': t(
    () => 'mission-time must be a non-negative number of hours',
    () => 'mission-time doit être un nombre d’heures positif ou nul',
  ),
  'section-mapping': t<{ key: string }>(
    (p) => `'${p.key}' must be a mapping of names`,
    (p) => `« ${p.key} » doit être une table de noms`,
  ),
  'expression-keys': t<{ keys: string }>(
    (p) => `an expression is { function: [arguments] }, found keys ${p.keys}`,
    (p) => `une expression s’écrit { fonction: [arguments] }, trouvé les clés ${p.keys}`,
  ),
  'unknown-function': t<{ fn: string }>(
    (p) => `unknown function '${p.fn}'`,
    (p) => `fonction inconnue « ${p.fn} »`,
  ),
  'function-arity': t<{ fn: string; expects: string; found: number }>(
    (p) => `${p.fn} expects ${p.expects} arguments, found ${p.found}`,
    (p) => `${p.fn} attend ${p.expects.replace('..', ' à ')} arguments, trouvé ${p.found}`,
  ),
  'expected-expression': t(
    () => 'expected a number, a parameter name, mission-time or { function: [arguments] }',
    () => 'un nombre, un nom de paramètre, mission-time ou { fonction: [arguments] } attendu',
  ),
  'formula-too-deep': t<{ max: number }>(
    (p) => `formula nested deeper than ${p.max}`,
    (p) => `formule imbriquée sur plus de ${p.max} niveaux`,
  ),
  'expected-formula': t(
    () => 'expected an event name, true/false or { connective: [arguments] }',
    () => 'un nom d’événement, true/false ou { connecteur: [arguments] } attendu',
  ),
  'no-connective': t<{ keys: string; expected: string }>(
    (p) => `no connective among keys ${p.keys} (expected one of ${p.expected})`,
    (p) => `aucun connecteur parmi les clés ${p.keys} (attendu l’un de : ${p.expected})`,
  ),
  'atleast-integer': t(
    () => 'atleast needs an integer: { atleast: 2, of: [A, B, C] }',
    () => 'atleast demande un nombre entier : { atleast: 2, of: [A, B, C] }',
  ),
  'cardinality-bounds': t(
    () => 'cardinality needs [min, max]',
    () => 'cardinality demande [min, max]',
  ),
  'unexpected-key-in': t<{ key: string; op: string }>(
    (p) => `unexpected key '${p.key}' in ${p.op}`,
    (p) => `clé inattendue « ${p.key} » dans ${p.op}`,
  ),
  'unexpected-key-beside': t<{ key: string; op: string }>(
    (p) => `unexpected key '${p.key}' beside ${p.op}`,
    (p) => `clé inattendue « ${p.key} » à côté de ${p.op}`,
  ),
  'takes-list': t<{ op: string }>(
    (p) => `${p.op} takes a list of arguments`,
    (p) => `${p.op} prend une liste d’arguments`,
  ),
  'unexpected-key': t<{ key: string }>(
    (p) => `unexpected key '${p.key}'`,
    (p) => `clé inattendue « ${p.key} » (probability et label seulement)`,
  ),
  'house-event-boolean': t(
    () => 'a house event is true or false',
    () => 'un événement maison vaut true ou false',
  ),
  'ccf-shape': t(
    () => 'a CCF group is { model, members, distribution, factors }',
    () => 'un groupe de défaillances de cause commune s’écrit { model, members, distribution, factors }',
  ),
  'ccf-model': t<{ models: string }>(
    (p) => `model must be one of ${p.models}`,
    (p) => `model doit être l’un de : ${p.models}`,
  ),
  'ccf-members': t(
    () => 'members is a list of names',
    () => 'members est une liste de noms',
  ),
  'ccf-factors': t(
    () => 'factors is a mapping level: value',
    () => 'factors est une table niveau: valeur',
  ),

  // ── XML ─────────────────────────────────────────────────────────────────────────────────────
  'malformed-xml': t<{ message: string }>(
    (p) => `malformed XML: ${p.message}`,
    (p) => `XML mal formé : ${xmlFr(p.message)}`,
  ),
  'unclosed-tag': t<{ name: string; line: number }>(
    (p) => `malformed XML: unclosed tag: ${p.name} (opened on line ${p.line})`,
    (p) =>
      `XML mal formé : la balise <${p.name}> ouverte ligne ${p.line} n’est jamais fermée (fichier tronqué ?)`,
  ),
  'too-many-elements': t<{ max: number }>(
    (p) => `more than ${p.max} elements`,
    (p) => `plus de ${p.max} éléments`,
  ),
  'nesting-too-deep': t<{ max: number }>(
    (p) => `nesting deeper than ${p.max}`,
    (p) => `éléments imbriqués sur plus de ${p.max} niveaux`,
  ),
  'empty-document': t(
    () => 'empty document',
    () => 'document vide',
  ),

  // ── MEF elements ────────────────────────────────────────────────────────────────────────────
  'missing-name': t(
    () => 'missing name attribute',
    () => 'attribut name manquant',
  ),
  'root-element': t(
    () => 'the root element must be <opsa-mef>',
    () => 'l’élément racine doit être <opsa-mef>',
  ),
  unsupported: t(
    () => 'event trees, substitutions and extern functions are not supported (fault trees only)',
    () =>
      'arbres d’événements, substitutions et fonctions externes ne sont pas pris en charge (arbres de défaillance seulement)',
  ),
  'gates-in-model-data': t(
    () => 'gates belong in a fault tree, not in model-data',
    () => 'les portes se définissent dans un arbre de défaillance, pas dans model-data',
  ),
  'gates-outside-tree': t(
    () => 'gates belong in a fault tree',
    () => 'les portes se définissent dans un arbre de défaillance',
  ),
  'unknown-element': t(
    () => 'unknown element here',
    () => 'élément inconnu à cet endroit',
  ),
  duplicate: t<{ name: string }>(
    (p) => `duplicate definition of '${p.name}'`,
    (p) => `« ${p.name} » est défini deux fois`,
  ),
  'gate-one-formula': t<{ found: number }>(
    (p) => `a gate holds exactly one formula, found ${p.found}`,
    (p) => `une porte contient exactement une formule, trouvé ${p.found}`,
  ),
  'reference-content': t(
    () => 'a reference has no content',
    () => 'une référence n’a pas de contenu',
  ),
  'true-or-false': t<{ value: string }>(
    (p) => `value must be true or false, not '${p.value}'`,
    (p) => `value doit valoir true ou false, pas « ${p.value} »`,
  ),
  'unknown-formula-element': t(
    () => 'unknown formula element',
    () => 'élément de formule inconnu',
  ),
  'attribute-integer': t<{ attr: string; value: string }>(
    (p) => `attribute ${p.attr} must be a non-negative integer, not '${p.value}'`,
    (p) => `l’attribut ${p.attr} doit être un entier positif ou nul, pas « ${p.value} »`,
  ),
  'basic-event-expression': t(
    () => 'a basic event holds at most one expression',
    () => 'un événement de base contient au plus une expression',
  ),
  'house-event-constant': t(
    () => 'a house event holds at most one constant',
    () => 'un événement maison contient au plus une constante',
  ),
  'house-event-state': t(
    () => 'a house event state is <constant value="true|false"/>',
    () => 'l’état d’un événement maison s’écrit <constant value="true|false"/>',
  ),
  'parameter-expression': t<{ found: number }>(
    (p) => `a parameter holds exactly one expression, found ${p.found}`,
    (p) => `un paramètre contient exactement une expression, trouvé ${p.found}`,
  ),
  'number-value': t<{ value: string }>(
    (p) => `value must be a number, not '${p.value}'`,
    (p) => `value doit être un nombre, pas « ${p.value} »`,
  ),
  'unknown-expression-element': t(
    () => 'unknown expression element',
    () => 'élément d’expression inconnu',
  ),
  'element-arity': t<{ expects: string; found: number }>(
    (p) => `expects ${p.expects} arguments, found ${p.found}`,
    (p) =>
      `attend ${p.expects.replace(' to any', ' ou plus').replace(' to ', ' à ')} arguments, trouvé ${p.found}`,
  ),
  'ccf-model-attribute': t<{ models: string; value: string }>(
    (p) => `model must be one of ${p.models}, not '${p.value}'`,
    (p) => `model doit être l’un de : ${p.models}, pas « ${p.value} »`,
  ),
  'expected-factor': t(
    () => 'expected <factor>',
    () => '<factor> attendu',
  ),
  'factor-expression': t(
    () => 'a factor holds exactly one expression',
    () => 'un facteur contient exactement une expression',
  ),
  'ccf-member-element': t(
    () => 'CCF members are <basic-event name="…"/>',
    () => 'les membres d’un groupe s’écrivent <basic-event name="…"/>',
  ),
  'distribution-expression': t(
    () => 'a distribution holds exactly one expression',
    () => 'une distribution contient exactement une expression',
  ),
  'unknown-ccf-element': t(
    () => 'unknown element in a CCF group',
    () => 'élément inconnu dans un groupe de défaillances de cause commune',
  ),
  'missing-element': t<{ element: string }>(
    (p) => `missing <${p.element}>`,
    (p) => `<${p.element}> manquant`,
  ),

  // ── Validation ──────────────────────────────────────────────────────────────────────────────
  'undefined-parameter': t<{ name: string }>(
    (p) => `undefined parameter '${p.name}'`,
    (p) => `paramètre « ${p.name} » non défini`,
  ),
  'parameter-cycle': t<{ name: string }>(
    (p) => `parameter '${p.name}' depends on itself`,
    (p) => `le paramètre « ${p.name} » dépend de lui-même`,
  ),
  arity: t<{ op: string; what: string; found: number }>(
    (p) => `<${p.op}> takes ${p.what}, found ${p.found}`,
    (p) => `<${p.op}> prend ${ARITY_FR[p.what] ?? p.what}, trouvé ${p.found}`,
  ),
  'atleast-min': t<{ min: string; n: number }>(
    (p) => `<atleast min="${p.min}"> needs 1 ≤ min ≤ ${p.n} arguments`,
    (p) => `<atleast min="${p.min}"> demande 1 ≤ min ≤ ${p.n} (le nombre d’arguments)`,
  ),
  'cardinality-min-max': t<{ min: string; max: string; n: number }>(
    (p) => `<cardinality min="${p.min}" max="${p.max}"> needs 0 ≤ min ≤ max ≤ ${p.n}`,
    (p) => `<cardinality min="${p.min}" max="${p.max}"> demande 0 ≤ min ≤ max ≤ ${p.n}`,
  ),
  'basic-and-other': t<{ name: string }>(
    (p) => `'${p.name}' is defined both as a basic event and as another event`,
    (p) => `« ${p.name} » est défini à la fois comme événement de base et comme autre événement`,
  ),
  'house-and-gate': t<{ name: string }>(
    (p) => `'${p.name}' is defined both as a house event and as a gate`,
    (p) => `« ${p.name} » est défini à la fois comme événement maison et comme porte`,
  ),
  'undefined-reference': t<{ kind: string; name: string }>(
    (p) => `undefined ${p.kind} '${p.name}'`,
    (p) => `${KIND_FR[p.kind] ?? p.kind} « ${p.name} » non défini`,
  ),
  'wrong-kind': t<{ kind: string; name: string }>(
    (p) => `'${p.name}' is not a ${p.kind}`,
    (p) => `« ${p.name} » n’est pas un(e) ${KIND_FR[p.kind] ?? p.kind}`,
  ),
  'probability-range': t<{ p: number }>(
    (p) => `probability ${p.p} outside [0, 1]`,
    (p) => `probabilité ${p.p} hors de [0, 1]`,
  ),
  'distribution-range': t<{ q: number }>(
    (p) => `distribution ${p.q} outside [0, 1]`,
    (p) => `distribution ${p.q} hors de [0, 1]`,
  ),
  cycle: t<{ path: string }>(
    (p) => `cycle through gates ${p.path}`,
    (p) => `les portes forment une boucle : ${p.path}`,
  ),
  'factor-range': t<{ level: number; value: number }>(
    (p) => `factor at level ${p.level} is ${p.value}, outside [0, 1]`,
    (p) => `le facteur de niveau ${p.level} vaut ${p.value}, hors de [0, 1]`,
  ),
  'factor-level': t<{ level: number; n: number }>(
    (p) => `factor level ${p.level} outside 1..${p.n}`,
    (p) => `niveau de facteur ${p.level} hors de 1 à ${p.n}`,
  ),
  'alpha-zero': t(
    () => 'alpha factors are all zero',
    () => 'les facteurs alpha sont tous nuls',
  ),
  'ccf-two-members': t(
    () => 'a CCF group needs at least two members',
    () => 'un groupe de défaillances de cause commune demande au moins deux membres',
  ),
  'ccf-member-twice': t(
    () => 'a CCF group lists a member twice',
    () => 'un groupe de défaillances de cause commune cite un membre deux fois',
  ),
  'ccf-member-elsewhere': t<{ name: string }>(
    (p) => `CCF member '${p.name}' is also defined elsewhere; the group defines it`,
    (p) =>
      `le membre « ${p.name} » est aussi défini ailleurs : c’est son groupe de cause commune qui le définit`,
  ),
  'top-not-gate': t<{ name: string }>(
    (p) => `top event '${p.name}' is not a gate of the model`,
    (p) => `l’événement sommet « ${p.name} » n’est pas une porte du modèle`,
  ),
  'order-not-basic': t<{ name: string }>(
    (p) => `variable order names '${p.name}', not a basic event`,
    (p) => `l’ordre des variables cite « ${p.name} », qui n’est pas un événement de base`,
  ),
  'several-tops': t<{ tops: string; more: number }>(
    (p) =>
      `several top gates (${p.tops}${p.more ? ', …' : ''}); choose one (option top, --top on the command line)`,
    (p) =>
      `plusieurs portes sommets (${p.tops}${p.more ? `, et ${p.more} autre${p.more > 1 ? 's' : ''}` : ''}) : ` +
      'choisissez-en une (option top, --top en ligne de commande)',
  ),
  'no-gate': t(
    () => 'the model has no gate',
    () => 'le modèle n’a aucune porte',
  ),
  'no-probability': t(
    () => 'basic event has no probability',
    () => 'l’événement de base n’a pas de probabilité',
  ),
  'no-value': t<{ name: string }>(
    (p) => `no value for '${p.name}'`,
    (p) => `aucune valeur pour « ${p.name} »`,
  ),
  'modular-all': t(
    () => 'modular compilation covers the tree under the top only; use compile (one BDD) with all: true',
    () =>
      'la compilation par modules ne couvre que l’arbre sous le sommet ; utilisez compile (un seul diagramme) avec all: true',
  ),
  'diagnosis-one-bdd': t(
    () => 'diagnosis needs one BDD for the whole model: pass the model or compile(model, { all: true })',
    () =>
      'le diagnostic demande un seul diagramme de décision pour tout le modèle : donnez le modèle, ou compile(model, { all: true })',
  ),
  // ── Limits and internal errors: the analysis gave up, or this package has a bug ───────────────
  'bdd-limit': t<{ max: number }>(
    (p) => `decision diagram exceeds ${p.max} nodes`,
    (p) =>
      `le diagramme de décision dépasse ${p.max} nœuds : le modèle est trop grand pour être analysé avec cet ordre des variables`,
  ),
  'internal-not-built': t<{ name: string }>(
    (p) => `internal: '${p.name}' not built`,
    (p) => `erreur interne : « ${p.name} » n’a pas été construit (à signaler, avec le modèle)`,
  ),
  'internal-neither': t<{ name: string }>(
    (p) => `internal: '${p.name}' is neither a gate nor an event`,
    (p) => `erreur interne : « ${p.name} » n’est ni une porte ni un événement (à signaler, avec le modèle)`,
  ),
  'internal-module-twice': t<{ variable: number }>(
    (p) => `internal: module variable ${p.variable} found in two modules`,
    (p) =>
      `erreur interne : la variable de module ${p.variable} figure dans deux modules (à signaler, avec le modèle)`,
  ),
  'sampled-not-number': t(
    () => 'sampled probability is not a number',
    () => 'la probabilité tirée n’est pas un nombre',
  ),
  // ── Evidence (observations, tests, findings given to a diagnosis) ─────────────────────────────
  'evidence-range': t<{ what: string; whatFr: string; p: number }>(
    (p) => `${p.what} must be in [0, 1], not ${p.p}`,
    (p) => `${p.whatFr} doit être dans [0, 1], pas ${p.p}`,
  ),
  'unknown-event': t<{ name: string; top: string }>(
    (p) => `unknown event '${p.name}' (not a gate, basic event, test or finding of ${p.top})`,
    (p) =>
      `événement inconnu « ${p.name} » (ni porte, ni événement de base, ni test, ni constat de ${p.top})`,
  ),
  'already-defined': t<{ name: string }>(
    (p) => `'${p.name}' is already defined`,
    (p) => `« ${p.name} » est déjà défini`,
  ),
  'impossible-evidence': t(
    () => 'the evidence is impossible (probability 0)',
    () => 'les observations sont impossibles ensemble (probabilité 0) : l’une d’elles contredit les autres',
  ),
  'not-a-basic-event-of': t<{ name: string; top: string }>(
    (p) => `'${p.name}' is not a basic event of ${p.top}`,
    (p) => `« ${p.name} » n’est pas un événement de base de ${p.top}`,
  ),
  'inspection-cost': t<{ event: string; cost: number }>(
    (p) => `inspection cost of '${p.event}' must be positive, not ${p.cost}`,
    (p) => `le coût d’inspection de « ${p.event} » doit être positif, pas ${p.cost}`,
  ),
  'division-by-zero': t(
    () => 'division by zero',
    () => 'division par zéro',
  ),
} as const;

export type FtReasonCode = keyof typeof FT_TEXTS;
type ParamsOf<C extends FtReasonCode> = Parameters<(typeof FT_TEXTS)[C]['en']>[0];

/** Why a model is refused: a code of the catalogue and its values. */
export interface FtReason {
  readonly code: FtReasonCode;
  readonly values: V;
}

/** A reason of the catalogue; the values are checked against the code's texts. */
export function ftReason<C extends FtReasonCode>(
  code: C,
  ...values: Record<never, never> extends ParamsOf<C> ? [ParamsOf<C>?] : [ParamsOf<C>]
): FtReason {
  return { code, values: (values[0] ?? {}) as V };
}

export type FtLang = 'fr' | 'en';

/** The reason in `lang`. */
export function sayFtReason(r: FtReason, lang: FtLang): string {
  return (FT_TEXTS[r.code][lang] as (p: V) => string)(r.values);
}
