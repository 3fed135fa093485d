import { saySystemError, yamlReasonFr } from '@atelier/can';

/**
 * Why a knowledge-base file is refused, or what `atelier kb lint` finds wrong in it, in English and
 * French: a code and its values, said in the reader's language where the problem is shown (the
 * same mechanism as @atelier/can's reasons and the scenario files'). English is the text `KbError`
 * and the lint report always carried (tests and programs read it, word for word); French is the
 * workshop's: arbre de défaillance, cause, test, mesure, habilitation, consignation, NF C18-550.
 * YAML field names and ids stay as written in the file, so the instructor finds them there.
 */
export type KbLang = 'fr' | 'en';

/** A value a text is given: a number, an id or text from the file, a list, or another reason. */
export type KbParam = string | number | readonly string[] | KbReason;
type Say = (x: KbParam) => string;
interface KbText<P> {
  en: (p: P, say: Say) => string;
  fr: (p: P, say: Say) => string;
}
const text = <P = Record<string, never>>(
  en: (p: P, say: Say) => string,
  fr: (p: P, say: Say) => string,
): KbText<P> => ({ en, fr });

/** A list in French prose: `a, b ou c`. */
const orFr = (xs: readonly string[]) =>
  xs.length < 2 ? xs.join('') : `${xs.slice(0, -1).join(', ')} ou ${xs[xs.length - 1]}`;

/** What checks a cause: a test of the catalogue or a sign of a tree. */
type Checker = { what: 'test' | 'sign' };
const CHECKER_FR = { test: 'le test', sign: 'l’indice' };
const A_CHECKER_FR = { test: 'un test', sign: 'un indice' };

export const KB_TEXTS = {
  // ── Reading the YAML ───────────────────────────────────────────────────────────────────────
  /**
   * The YAML library's error: English its message's first line, French from its code (see
   * @atelier/can's yaml-error-texts), after the column (the line is the error's).
   */
  'yaml-syntax': text<{ detail: string; code: string; column: number }>(
    (p) => `YAML syntax: ${p.detail.split('\n')[0]}`,
    (p) =>
      `syntaxe YAML invalide${p.column ? `, colonne ${p.column}` : ''} : ${yamlReasonFr({ code: p.code || undefined, message: p.detail })}`,
  ),
  /** An alias without its anchor (`*a`): it parses, and fails when the document is built. */
  'yaml-build': text<{ detail: string }>(
    (p) => `YAML: ${p.detail}`,
    (p) => `YAML invalide : ${yamlReasonFr({ message: p.detail })}`,
  ),
  /** `*name` with no `&name` before it: the library's English, the French says what to write. */
  'yaml-unresolved-alias': text<{ detail: string; alias: string }>(
    (p) => `YAML: ${p.detail}`,
    (p) =>
      `YAML invalide : l’alias *${p.alias} renvoie à une ancre qui n’existe pas : écrivez &${p.alias} avant lui (ou mettez le texte entre guillemets)`,
  ),
  'yaml-too-deep': text(
    () => 'YAML nested too deeply to read',
    () => 'YAML trop imbriqué pour être lu',
  ),
  /** A file the system would not read (a folder named `x.yaml`, no permission). */
  'cannot-read': text<{ detail: string; code: string }>(
    (p) => p.detail,
    (p) => `lecture impossible : ${saySystemError({ code: p.code || undefined, message: p.detail }, 'fr')}`,
  ),
  'no-test-catalogue': text(
    () => 'missing test catalogue',
    () => 'catalogue des tests absent (tests.yaml)',
  ),
  'no-fault-tree': text(
    () => 'no fault tree',
    () => 'aucun arbre de défaillance (fichiers .yaml du dossier trees/)',
  ),

  // ── Any field ──────────────────────────────────────────────────────────────────────────────
  'expected-mapping': text(
    () => 'expected a mapping',
    () => 'valeur attendue : des champs (clé: valeur)',
  ),
  'expected-string': text(
    () => 'expected a non-empty string',
    () => 'valeur attendue : un texte non vide',
  ),
  'not-an-id': text<{ value: string }>(
    (p) => `"${p.value}" is not an identifier (lower case, digits, _)`,
    (p) => `« ${p.value} » n’est pas un identifiant (minuscules, chiffres, _)`,
  ),
  'expected-number': text(
    () => 'expected a number',
    () => 'valeur attendue : un nombre',
  ),
  /** A limit may be open (`[-Infinity, 1]`): French names only the limits there are. */
  'out-of-range': text<{ value: number; min: number; max: number }>(
    (p) => `${p.value} is outside [${p.min}, ${p.max}]`,
    (p) => {
      const limits = [
        ...(Number.isFinite(p.min) ? [`au moins ${p.min}`] : []),
        ...(Number.isFinite(p.max) ? [`au plus ${p.max}`] : []),
      ];
      return `${p.value} est hors des limites : ${limits.join(', ')}`;
    },
  ),
  'expected-boolean': text(
    () => 'expected true or false',
    () => 'valeur attendue : true ou false',
  ),
  'expected-list': text(
    () => 'expected a list',
    () => 'valeur attendue : une liste',
  ),
  /** One of two words the field takes (`observation` or `inspection`). */
  'expected-either': text<{ a: string; b: string }>(
    (p) => `expected "${p.a}" or "${p.b}"`,
    (p) => `valeur attendue : « ${p.a} » ou « ${p.b} »`,
  ),
  'expected-one-of': text<{ values: readonly string[] }>(
    (p) => `expected one of ${p.values.join(', ')}`,
    (p) => `valeur attendue : ${orFr(p.values)}`,
  ),
  'unknown-field': text<{ known: readonly string[] }>(
    (p) => `unknown field (${p.known.join(', ')})`,
    (p) => `champ inconnu (champs possibles : ${p.known.join(', ')})`,
  ),
  'unknown-vehicle': text<{ value: string; known: readonly string[] }>(
    (p) => `unknown vehicle type "${p.value}" (${p.known.join(', ')})`,
    (p) => `type de véhicule inconnu « ${p.value} » (types : ${p.known.join(', ')})`,
  ),

  // ── Tests and signs: what they say about the causes ────────────────────────────────────────
  'check-says-nothing': text<Checker>(
    (p) => `sensitivity + specificity must exceed 1, or the ${p.what} says nothing about this cause`,
    (p) =>
      `sensitivity + specificity doit dépasser 1, sinon ${CHECKER_FR[p.what]} ne dit rien de cette cause`,
  ),
  'checks-no-cause': text<Checker>(
    (p) => `a ${p.what} must check at least one cause`,
    (p) => `${A_CHECKER_FR[p.what]} doit vérifier au moins une cause`,
  ),
  'test-sim-replaced': text(
    () => 'tests are measured on the car: `measure` (instrument or live reading) replaces `sim`',
    () => 'les tests se mesurent sur la voiture : `measure` (instrument ou lecture en direct) remplace `sim`',
  ),
  'duplicate-test': text<{ id: string }>(
    (p) => `duplicate test id "${p.id}"`,
    (p) => `deux tests portent l’identifiant « ${p.id} »`,
  ),

  // ── A test's measurements, as written ──────────────────────────────────────────────────────
  'live-names-no-instrument': text(
    () => 'a live reading names no instrument',
    () => 'une lecture en direct (live) ne nomme pas d’instrument',
  ),
  'expected-name-or-number': text(
    () => 'expected a name or a number',
    () => 'valeur attendue : un nom ou un nombre',
  ),
  'expected-value': text(
    () => 'expected a value',
    () => 'valeur attendue : un nom, un nombre, true ou false',
  ),
  'range-needs-bound': text(
    () => 'a healthy range needs above or below',
    () => 'une plage saine (good) demande above ou below',
  ),
  'reading-unsaid': text(
    () => 'say how the value reads: good (a range), spread, or good_words and bad_words',
    () => 'dites comment la mesure se lit : good (une plage), spread, ou good_words et bad_words',
  ),
  'words-need-both': text(
    () => 'a reading in words lists both good_words and bad_words',
    () => 'une mesure lue en mots donne good_words et bad_words',
  ),
  'spread-needs-each': text(
    () => 'a spread compares parts: it needs each',
    () => 'un écart (spread) compare des pièces entre elles : il demande each',
  ),

  // ── A repair's follow-up ───────────────────────────────────────────────────────────────────
  'unknown-road': text<{ value: string }>(
    (p) => `unknown road "${p.value}" (urban, motorway)`,
    (p) => `type de route inconnu « ${p.value} » (urban, motorway)`,
  ),
  'unknown-ecu': text<{ value: string }>(
    (p) => `unknown ECU "${p.value}" (engine)`,
    (p) => `calculateur inconnu « ${p.value} » (engine)`,
  ),
  'not-a-routine-id': text<{ value: string }>(
    (p) => `"${p.value}" is not a routine identifier (4 hex digits)`,
    (p) => `« ${p.value} » n’est pas un identifiant de routine (4 chiffres hexadécimaux)`,
  ),
  'unknown-results-record': text<{ value: string }>(
    (p) => `unknown results record "${p.value}" (dpf_regeneration)`,
    (p) => `relevé de résultats inconnu « ${p.value} » (dpf_regeneration)`,
  ),

  // ── Codes, values and signs ────────────────────────────────────────────────────────────────
  'not-a-sim-fault': text<{ value: string }>(
    (p) => `"${p.value}" is not a simulator fault (type, or type:part)`,
    (p) => `« ${p.value} » n’est pas un défaut du simulateur (type, ou type:pièce)`,
  ),
  'not-a-dtc': text<{ value: string }>(
    (p) => `"${p.value}" is not a DTC code`,
    (p) => `« ${p.value} » n’est pas un code défaut (DTC, par exemple P0171)`,
  ),
  'not-a-battery-figure': text<{ key: string; known: readonly string[] }>(
    (p) => `"${p.key}" is not a battery report figure (${p.known.join(', ')})`,
    (p) => `« ${p.key} » n’est pas une valeur du rapport batterie (${p.known.join(', ')})`,
  ),
  'not-a-pid-key': text<{ key: string }>(
    (p) => `"${p.key}" is not a PID key of the SAE J1979 table (e.g. LONG_FUEL_TRIM_1)`,
    (p) => `« ${p.key} » n’est pas une clé PID de la table SAE J1979 (par exemple LONG_FUEL_TRIM_1)`,
  ),
  'pid-field-unnamed': text<{ pid: string; fields: readonly string[] }>(
    (p) => `${p.pid} has fields ${p.fields.join(', ')}: name one as ${p.pid}.field`,
    (p) => `${p.pid} a plusieurs champs (${p.fields.join(', ')}) : nommez-en un, ${p.pid}.champ`,
  ),
  'bound-needs-side': text(
    () => 'a bound needs above or below',
    () => 'une limite demande above ou below',
  ),
  'bound-order': text<{ above: number; below: number }>(
    (p) => `above (${p.above}) must be less than below (${p.below})`,
    (p) => `above (${p.above}) doit être inférieur à below (${p.below})`,
  ),
  'bound-field': text(
    () => 'expected above, below or margin',
    () => 'champ inconnu : une limite prend above, below ou margin',
  ),
  'sign-one-source': text<{ sources: readonly string[]; found: readonly string[] }>(
    (p) => `a sign reads exactly one of ${p.sources.join(', ')} (found ${p.found.join(', ') || 'none'})`,
    (p) =>
      `un indice lit une seule source parmi ${p.sources.join(', ')} (ici : ${p.found.join(', ') || 'aucune'})`,
  ),
  'name-a-code': text(
    () => 'name at least one code',
    () => 'nommez au moins un code défaut',
  ),
  'not-a-status-bit': text<{ known: readonly string[] }>(
    (p) => `not an ISO 14229 status bit (${p.known.join(', ')})`,
    (p) => `ce n’est pas un bit d’état ISO 14229 (${p.known.join(', ')})`,
  ),
  'name-a-value': text(
    () => 'name at least one value',
    () => 'nommez au moins une valeur',
  ),
  'unknown-monitor': text<{ value: string; known: readonly string[] }>(
    (p) => `unknown monitor "${p.value}" (${p.known.join(', ')})`,
    (p) => `moniteur inconnu « ${p.value} » (${p.known.join(', ')})`,
  ),
  'describes-complaint-only': text(
    () => 'only a complaint sign takes describes: symptom',
    () => 'seul un indice tiré de la plainte du client (complaint) prend describes: symptom',
  ),

  // ── A fault tree and its causes ────────────────────────────────────────────────────────────
  'reserved-cause': text<{ id: string }>(
    (p) => `"${p.id}" is reserved for a cause outside the tree`,
    (p) => `« ${p.id} » est réservé à la cause hors de l’arbre`,
  ),
  'not-a-tree-vehicle': text<{ value: string; known: readonly string[] }>(
    (p) => `"${p.value}" is not one of the tree's vehicles (${p.known.join(', ')})`,
    (p) => `« ${p.value} » n’est pas un des véhicules de l’arbre (${p.known.join(', ')})`,
  ),
  'unknown-hv-part': text<{ value: string; known: readonly string[] }>(
    (p) => `unknown high-voltage part "${p.value}" (${p.known.join(', ')})`,
    (p) => `pièce haute tension inconnue « ${p.value} » (${p.known.join(', ')})`,
  ),
  'too-few-causes': text(
    () => 'a tree needs at least two causes to diagnose between',
    () => 'un arbre de défaillance demande au moins deux causes entre lesquelles choisir',
  ),
  'prior-certain': text(
    () => 'a prior of 0 or 1 leaves nothing to diagnose',
    () => 'une probabilité a priori de 0 ou 1 ne laisse rien à diagnostiquer',
  ),
  'vehicle-too-few-causes': text<{ vehicle: string }>(
    (p) => `a ${p.vehicle} vehicle keeps fewer than two causes of this tree`,
    (p) => `il reste moins de deux causes de cet arbre à un véhicule ${p.vehicle}`,
  ),
  'unexplained-prior': text(
    () => 'a cause outside the tree is possible: its prior is in (0, 1)',
    () => 'une cause hors de l’arbre reste possible : sa probabilité a priori est strictement entre 0 et 1',
  ),

  // ── References between files ──────────────────────────────────────────────────────────────
  'duplicate-tree': text<{ id: string }>(
    (p) => `duplicate tree id "${p.id}"`,
    (p) => `deux arbres portent l’identifiant « ${p.id} »`,
  ),
  'unknown-test': text<{ id: string }>(
    (p) => `unknown test "${p.id}"`,
    (p) => `test inconnu « ${p.id} » (absent de tests.yaml)`,
  ),
  'test-skips-cause': text<{ test: string; cause: string }>(
    (p) => `test "${p.test}" does not check "${p.cause}"`,
    (p) => `le test « ${p.test} » ne vérifie pas la cause « ${p.cause} »`,
  ),
  'not-a-tree-cause': text<{ cause: string }>(
    (p) => `"${p.cause}" is not a cause of this tree`,
    (p) => `« ${p.cause} » n’est pas une cause de cet arbre`,
  ),
  'test-checks-no-tree-cause': text<{ test: string }>(
    (p) => `test "${p.test}" checks none of this tree's causes`,
    (p) => `le test « ${p.test} » ne vérifie aucune cause de cet arbre`,
  ),
  'no-tree-has-cause': text<{ cause: string }>(
    (p) => `no tree has a cause "${p.cause}"`,
    (p) => `aucun arbre de défaillance n’a de cause « ${p.cause} »`,
  ),
  /** The fault-tree engine's own error, in each language as the engine says it. */
  'fault-tree-engine': text<{ en: string; fr: string }>(
    (p) => `fault-tree engine: ${p.en}`,
    (p) => `moteur d’arbres de défaillance : ${p.fr}`,
  ),

  // ── A test's measurements against the instrument catalogue ─────────────────────────────────
  'unknown-live-reading': text<{ value: string; known: readonly string[] }>(
    (p) => `unknown live reading "${p.value}" (${p.known.join(', ')})`,
    (p) => `lecture en direct inconnue « ${p.value} » (${p.known.join(', ')})`,
  ),
  'instrument-does-not-measure': text<{ instrument: string; quantity: string; component: string }>(
    (p) => `${p.instrument} does not measure ${p.quantity} on ${p.component}`,
    (p) => `${p.instrument} ne mesure pas ${p.quantity} sur ${p.component}`,
  ),
  'wrong-unit': text<{ quantity: string; unit: string; written: string }>(
    (p) => `${p.quantity} reads in "${p.unit}", not "${p.written}"`,
    (p) => `${p.quantity} se lit en « ${p.unit} », pas en « ${p.written} »`,
  ),
  'reads-in-words': text<{ quantity: string; words: readonly string[] }>(
    (p) => `${p.quantity} reads in words (${p.words.join(', ')}): say which are good and bad`,
    (p) =>
      `${p.quantity} se lit en mots (${p.words.join(', ')}) : dites lesquels sont bons et mauvais (good_words, bad_words)`,
  ),
  'reads-as-number': text<{ quantity: string }>(
    (p) => `${p.quantity} reads as a number: give a healthy range`,
    (p) => `${p.quantity} se lit en nombre : donnez une plage saine (good)`,
  ),
  'word-unclassified': text<{ word: string; quantity: string }>(
    (p) => `the word "${p.word}" of ${p.quantity} is neither good nor bad`,
    (p) => `le mot « ${p.word} » de ${p.quantity} n’est classé ni bon ni mauvais`,
  ),
  'word-never-read': text<{ word: string; quantity: string }>(
    (p) => `${p.quantity} never reads "${p.word}"`,
    (p) => `${p.quantity} n’affiche jamais « ${p.word} »`,
  ),
  'needs-position': text<{ component: string }>(
    (p) => `${p.component} needs its position (at: { position, bank })`,
    (p) => `${p.component} demande sa position (at: { position, bank })`,
  ),
  'measured-per': text<{ component: string; index: string }>(
    (p) => `${p.component} is measured per ${p.index}: each: ${p.index}`,
    (p) => `${p.component} se mesure pour chaque ${p.index} : each: ${p.index}`,
  ),
  'nothing-to-each': text<{ component: string; each: string }>(
    (p) => `${p.component} has no ${p.each} to measure each of`,
    (p) => `${p.component} n’a pas de ${p.each} à mesurer un par un`,
  ),
  'engine-state': text<{ quantity: string; states: readonly string[]; state: string }>(
    (p) => `${p.quantity} is measured with the engine ${p.states.join(' or ')}, not ${p.state}`,
    (p) => `${p.quantity} se mesure avec engine: ${orFr(p.states)}, pas ${p.state}`,
  ),
  'condition-does-not-apply': text<{ condition: string; quantity: string }>(
    (p) => `condition ${p.condition} does not apply to ${p.quantity}`,
    (p) => `la condition ${p.condition} ne s’applique pas à ${p.quantity}`,
  ),

  // ── Safety: habilitation and consignation (NF C18-550) ─────────────────────────────────────
  'hv-measure-safety': text<{ steps: readonly string[] }>(
    (p) => `high-voltage work: safety must include ${p.steps.join(', ')} (NF C18-550)`,
    (p) =>
      `travail sur la haute tension : safety doit inclure ${p.steps.join(', ')} (consignation et habilitation, NF C18-550)`,
  ),
  'pack-opened-safety': text(
    () =>
      'opening the traction battery: safety must include habilitation_B1XL or habilitation_B2XL (NF C18-550, battery option)',
    () =>
      'ouverture de la batterie de traction : safety doit inclure habilitation_B1XL ou habilitation_B2XL (NF C18-550, habilitation batterie XL)',
  ),
  'needs-lockout': text<{ why: KbReason; step: string; bcl: string }>(
    (p, say) =>
      `needs the lock-out (${say(p.why)}): safety must include ${p.step}, done by a ${p.bcl} (NF C18-550)`,
    (p, say) =>
      `demande la consignation (${say(p.why)}) : safety doit inclure ${p.step}, faite par un ${p.bcl} (chargé de consignation, NF C18-550)`,
  ),
  'lockout-habilitation': text<{ steps: readonly string[] }>(
    (p) => `its habilitation (${p.steps.join(', ')}) is for work on the locked-out HV system`,
    (p) =>
      `son habilitation (${p.steps.join(', ')}) est celle d’un travail sur le système haute tension consigné`,
  ),
  'lockout-kit': text(
    () => 'it uses the lock-out kit',
    () => 'il utilise le kit de consignation',
  ),
  'lockout-instructions': text(
    () => 'its instructions say the HV system is locked out',
    () => 'ses instructions disent que le système haute tension est consigné',
  ),
  'lockout-unnamed': text<{ bcl: string }>(
    (p) => `speaks of the lock-out without naming who does it: ${p.bcl} (chargé de consignation, NF C18-550)`,
    (p) => `parle de consignation sans dire qui la fait : un ${p.bcl} (chargé de consignation, NF C18-550)`,
  ),
  'unknown-safety-step': text<{
    step: string;
    lockout: string;
    unlock: string;
    prefix: string;
    symbols: readonly string[];
  }>(
    (p) =>
      `unknown safety step "${p.step}": a step is ${p.lockout}, ${p.unlock} or ${p.prefix}SYMBOL with an NF C18-550 symbol (${p.symbols.join(', ')})`,
    (p) =>
      `étape de sécurité inconnue « ${p.step} » : une étape est ${p.lockout}, ${p.unlock} ou ${p.prefix}SYMBOLE avec un symbole d’habilitation NF C18-550 (${p.symbols.join(', ')})`,
  ),
  'energised-and-lockout': text<{ step: string }>(
    (p) =>
      `a test made energised (the car READY, the engine running) cannot need ${p.step} too: the HV system is either locked out or energised`,
    (p) =>
      `un test sous tension (voiture READY, moteur tournant) ne peut pas demander aussi ${p.step} : le système haute tension est soit consigné, soit sous tension`,
  ),
  'energised-unmarked': text<{ state: string; tree: string }>(
    (p) =>
      `measured with engine: ${p.state} in the high-voltage tree ${p.tree}: mark it energised: true (the lock-out is lifted before it)`,
    (p) =>
      `mesuré avec engine: ${p.state} dans l’arbre haute tension ${p.tree} : marquez-le energised: true (la consignation est levée avant lui)`,
  ),
  'repair-needs-lockout': text<{ parts: readonly string[]; step: string; bcl: string }>(
    (p) =>
      `works on ${p.parts.join(', ')} (high voltage): safety must include ${p.step}, done by a ${p.bcl} (NF C18-550)`,
    (p) =>
      `intervient sur ${p.parts.join(', ')} (haute tension) : safety doit inclure ${p.step}, faite par un ${p.bcl} (chargé de consignation, NF C18-550)`,
  ),
  'repair-in-pack': text<{ parts: readonly string[] }>(
    (p) =>
      `works inside the traction battery (${p.parts.join(', ')}): safety must include habilitation_B1XL or habilitation_B2XL (NF C18-550, battery option)`,
    (p) =>
      `intervient dans la batterie de traction (${p.parts.join(', ')}) : safety doit inclure habilitation_B1XL ou habilitation_B2XL (NF C18-550, habilitation batterie XL)`,
  ),
  'repair-needs-habilitation': text<{ parts: readonly string[]; steps: readonly string[] }>(
    (p) =>
      `works on ${p.parts.join(', ')} (high voltage): safety must include a habilitation for work on the locked-out system (${p.steps.join(', ')})`,
    (p) =>
      `intervient sur ${p.parts.join(', ')} (haute tension) : safety doit inclure une habilitation pour travailler sur le système consigné (${p.steps.join(', ')})`,
  ),
  'repair-names-no-hv-part': text<{ why: KbReason; known: readonly string[] }>(
    (p, say) =>
      `${say(p.why)}: hv_parts must name the high-voltage parts it works on (${p.known.join(', ')}), and safety its steps`,
    (p, say) =>
      `${say(p.why)} : hv_parts doit nommer les pièces haute tension de l’intervention (${p.known.join(', ')}), et safety ses étapes`,
  ),
  'inspection-locks-out': text<{ test: string }>(
    (p) => `its inspection (${p.test}) needs the lock-out`,
    (p) => `son test d’inspection (${p.test}) demande la consignation`,
  ),
  'text-says-hv': text(
    () => 'its text says it is high-voltage work',
    () => 'son texte dit que c’est un travail sur la haute tension',
  ),
  'repair-lockout-not-gated': text<{ step: string }>(
    (p) => `its text speaks of the lock-out: safety must include ${p.step} (said is not gated)`,
    (p) =>
      `son texte parle de consignation : safety doit inclure ${p.step} (l’écrire ne suffit pas, l’étape doit être contrôlée)`,
  ),

  // ── Simulated faults of the causes ─────────────────────────────────────────────────────────
  'unknown-sim-fault': text<{ type: string }>(
    (p) => `the simulator has no fault "${p.type}"`,
    (p) => `le simulateur n’a pas de défaut « ${p.type} »`,
  ),
  'sim-fault-part': text<{ type: string; parts: readonly string[]; part: string }>(
    (p) => `the simulator's ${p.type} is at ${p.parts.join(', ')}, not "${p.part}"`,
    (p) => `le défaut ${p.type} du simulateur se place sur ${orFr(p.parts)}, pas sur « ${p.part} »`,
  ),
  'sim-fault-no-parts': text<{ type: string; part: string }>(
    (p) => `the simulator's ${p.type} has no parts to name ("${p.part}")`,
    (p) => `le défaut ${p.type} du simulateur ne se place sur aucune pièce (« ${p.part} » en trop)`,
  ),
};

type KbTexts = typeof KB_TEXTS;
export type KbReasonCode = keyof KbTexts;
type ParamsOf<C extends KbReasonCode> = KbTexts[C] extends KbText<infer P> ? P : never;

/** Why, as data: a code of the catalogue and its values; said in a language by `sayKbReason`. */
export interface KbReason {
  readonly code: KbReasonCode;
  readonly params: Readonly<Record<string, KbParam>>;
}

/** A reason of the catalogue; the values are checked against the code's texts. */
export function kbReason<C extends KbReasonCode>(
  code: C,
  ...params: Record<never, never> extends ParamsOf<C> ? [ParamsOf<C>?] : [ParamsOf<C>]
): KbReason {
  return { code, params: (params[0] ?? {}) as KbReason['params'] };
}

/** The reason in `lang`, a nested reason in the same language. */
export function sayKbReason(r: KbReason, lang: KbLang): string {
  const t = KB_TEXTS[r.code] as KbText<KbReason['params']>;
  const say: Say = (x) =>
    typeof x === 'string' || typeof x === 'number'
      ? String(x)
      : Array.isArray(x)
        ? x.join(', ')
        : sayKbReason(x as KbReason, lang);
  return t[lang](r.params, say);
}
