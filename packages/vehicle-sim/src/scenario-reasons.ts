import { type ReasonLang, saySystemError, yamlReasonFr } from '@atelier/can';

/**
 * Why a scenario file is refused, in English and French: a code and its values, said in the
 * reader's language where the error is shown (a page, a command). The same mechanism as the can
 * package's reasons and the elm327 transcript's (a text per code in both languages, `messageIn(lang)`
 * on the error); the catalogue sits beside ScenarioError because these reasons belong to scenario
 * files. English is the error's `message`, unchanged from before the codes; French is the
 * workshop's: « champ », « valeur attendue », the fault and field names as written in the file.
 */
export type ScenarioLang = ReasonLang;

export type ScenarioParam = string | number | ScenarioReason;
type Say = (x: ScenarioParam) => string;
interface Text<P> {
  en: (p: P, say: Say) => string;
  fr: (p: P, say: Say) => string;
}
const text = <P = Record<string, never>>(
  en: (p: P, say: Say) => string,
  fr: (p: P, say: Say) => string,
): Text<P> => ({ en, fr });

export const SCENARIO_TEXTS = {
  // ── Reading the file ───────────────────────────────────────────────────────────────────────
  /** `code`: the system's (`ENOENT`), said in French by @atelier/can's system-error-texts. */
  'cannot-read': text<{ detail: string; code: string }>(
    (p) => `cannot read: ${p.detail}`,
    (p) => `lecture impossible : ${saySystemError({ code: p.code, message: p.detail }, 'fr')}`,
  ),
  'not-text': text<{ detail: string; offset: number }>(
    (p) => p.detail,
    (p) => `contenu binaire (octet ${p.offset}) : un fichier de scénario est un texte YAML`,
  ),
  'no-builtin': text<{ known: string }>(
    (p) => `no built-in scenario of that name (known: ${p.known})`,
    (p) => `aucun scénario intégré de ce nom (connus : ${p.known})`,
  ),
  'yaml-too-deep': text(
    () => 'YAML nested too deeply to read',
    () => 'YAML trop imbriqué pour être lu',
  ),
  /**
   * What the YAML library found wrong: English its own words (`detail`, its message's first line),
   * French from its code (see @atelier/can's yaml-error-texts), after the column (the line is
   * the error's). An error of the library without a code (an alias without its anchor) is quoted.
   */
  yaml: text<{ detail: string; code?: string; column?: number }>(
    (p) => `YAML: ${p.detail}`,
    (p) =>
      `YAML invalide${p.column ? `, colonne ${p.column}` : ''} : ${yamlReasonFr({ code: p.code, message: p.detail })}`,
  ),
  'not-a-mapping': text(
    () => 'a scenario is a mapping (name:, vehicle:, faults: …)',
    () => 'un scénario est un ensemble de champs (name:, vehicle:, faults: …)',
  ),
  // ── Any field ──────────────────────────────────────────────────────────────────────────────
  'unknown-field': text<{ expected: string }>(
    (p) => `unknown field (expected one of ${p.expected})`,
    (p) => `champ inconnu (champs possibles : ${p.expected})`,
  ),
  /** The same, for a short list (vehicle, intermittent, drive phase), which English says without "one of". */
  'unknown-field-of': text<{ expected: string }>(
    (p) => `unknown field (expected ${p.expected})`,
    (p) => `champ inconnu (champs possibles : ${p.expected})`,
  ),
  required: text(
    () => 'is required',
    () => 'champ obligatoire',
  ),
  'non-empty-string': text(
    () => 'must be a non-empty string',
    () => 'valeur attendue : un texte non vide',
  ),
  'not-a-number': text<{ got: string }>(
    (p) => `must be a number (got ${p.got})`,
    (p) => `valeur attendue : un nombre (trouvé ${p.got})`,
  ),
  'not-a-number-or-percent': text<{ got: string }>(
    (p) => `must be a number or a percentage (got ${p.got})`,
    (p) => `valeur attendue : un nombre ou un pourcentage (trouvé ${p.got})`,
  ),
  'out-of-range': text<{ lo: number; hi: number; got: string }>(
    (p) => `must be between ${p.lo} and ${p.hi} (got ${p.got})`,
    (p) => `valeur attendue entre ${p.lo} et ${p.hi} (trouvé ${p.got})`,
  ),
  'not-a-duration': text<{ got: string }>(
    (p) => `must be seconds or a duration like "90s", "15min", "2h", "1h30" (got ${p.got})`,
    (p) =>
      `valeur attendue : des secondes ou une durée comme « 90s », « 15min », « 2h », « 1h30 » (trouvé ${p.got})`,
  ),
  'not-an-integer': text(
    () => 'must be an integer',
    () => 'valeur attendue : un nombre entier',
  ),
  'one-of': text<{ values: string }>(
    (p) => `must be one of ${p.values}`,
    (p) => `valeur attendue parmi : ${p.values}`,
  ),
  'not-a-list': text(
    () => 'must be a list',
    () => 'valeur attendue : une liste',
  ),
  // ── name, vehicle, complaint ───────────────────────────────────────────────────────────────
  'bad-name': text(
    () => 'must be lower-case letters, digits and dashes',
    () => 'valeur attendue : lettres minuscules, chiffres et tirets',
  ),
  'unknown-profile': text<{ got: string; expected: string }>(
    (p) => `unknown vehicle profile ${p.got} (expected one of ${p.expected})`,
    (p) => `profil de véhicule inconnu ${p.got} (profils possibles : ${p.expected})`,
  ),
  'bad-vin': text(
    () => 'must be 17 characters, digits and capitals without I, O, Q',
    () => 'valeur attendue : 17 caractères, chiffres et majuscules sans I, O ni Q',
  ),
  'bad-protocol': text(
    () => 'must be can11 or can29',
    () => 'valeur attendue : can11 ou can29',
  ),
  'complaint-required': text(
    () => "is required: the customer's words, as text or as { fr: …, en: … }",
    () => 'champ obligatoire : les mots du client, en texte ou en { fr: …, en: … }',
  ),
  'unknown-language': text(
    () => 'unknown language (expected fr, en)',
    () => 'langue inconnue (langues possibles : fr, en)',
  ),
  // ── faults ─────────────────────────────────────────────────────────────────────────────────
  'fault-not-a-mapping': text(
    () => 'must be a mapping with type, severity, onset',
    () => 'valeur attendue : un ensemble de champs type, severity, onset',
  ),
  'unknown-fault': text<{ got: string; expected: string }>(
    (p) => `unknown fault ${p.got} (expected one of ${p.expected})`,
    (p) => `défaut inconnu ${p.got} (défauts possibles : ${p.expected})`,
  ),
  'severity-zero': text(
    () => 'must be above 0 (a fault of severity 0 is no fault)',
    () => 'valeur attendue au-dessus de 0 (un défaut de gravité 0 n’est pas un défaut)',
  ),
  'cell-not-whole': text(
    () => 'must be a whole cell number',
    () => 'valeur attendue : un numéro de cellule entier',
  ),
  'module-not-whole': text(
    () => 'must be a whole module number',
    () => 'valeur attendue : un numéro de module entier',
  ),
  'bad-position': text(
    () => 'must be open or closed',
    () => 'valeur attendue : open (ouvert) ou closed (fermé)',
  ),
  'no-parts': text<{ fault: string }>(
    (p) => `${p.fault} has no parts to choose from`,
    (p) => `${p.fault} n’a pas de pièces au choix`,
  ),
  'bad-part': text<{ values: string; got: string }>(
    (p) => `must be one of ${p.values} (got ${p.got})`,
    (p) => `valeur attendue parmi : ${p.values} (trouvé ${p.got})`,
  ),
  'intermittent-not-a-mapping': text(
    () => 'must be a mapping { when: hot|cold|load|moving|idle, duty: 0..1, episode: 30s }',
    () =>
      'valeur attendue : un ensemble de champs { when: hot|cold|load|moving|idle, duty: 0..1, episode: 30s }',
  ),
  'intermittent-needs': text(
    () => 'needs `when`, `duty` or both',
    () => 'il faut `when`, `duty` ou les deux',
  ),
  'duty-range': text(
    () => 'must be between 0 and 1, exclusive (the share of the time the fault shows)',
    () => 'valeur attendue entre 0 et 1, bornes exclues (la part du temps où le défaut se manifeste)',
  ),
  'episode-needs-duty': text(
    () => 'only a random (duty) intermittent fault takes episode',
    () => 'seul un défaut intermittent aléatoire (duty) prend episode',
  ),
  'episode-too-short': text(
    () => 'must be at least 1 s',
    () => 'valeur attendue : 1 s au moins',
  ),
  /** A fault the vehicle cannot have: `why` is one of the reasons below. */
  'not-on-vehicle': text<{ fault: string; vehicle: string; why: ScenarioReason }>(
    (p, say) => `${p.fault} on ${p.vehicle}: ${say(p.why)}`,
    (p, say) => `${p.fault} sur ${p.vehicle} : ${say(p.why)}`,
  ),
  'needs-field': text<{ field: string }>(
    (p) => `needs \`${p.field}\``,
    (p) => `il faut \`${p.field}\``,
  ),
  'cylinder-range': text<{ n: number }>(
    (p) => `cylinder must be 1..${p.n}`,
    (p) => `le cylindre doit être entre 1 et ${p.n}`,
  ),
  'needs-index': text<{ what: 'cell' | 'module' }>(
    (p) => `needs \`${p.what}\` (the number of the ${p.what}, from 1)`,
    (p) =>
      `il faut \`${p.what}\` (le numéro ${p.what === 'cell' ? 'de la cellule' : 'du module'}, à partir de 1)`,
  ),
  'index-too-high': text<{ what: 'cell' | 'module'; count: number; n: number }>(
    (p) => `this battery has ${p.count} ${p.what}s (${p.what} ${p.n} asked)`,
    (p) =>
      `cette batterie a ${p.count} ${p.what === 'cell' ? 'cellules' : 'modules'} (${p.what === 'cell' ? 'cellule' : 'module'} ${p.n} demandé${p.what === 'cell' ? 'e' : ''})`,
  ),
  'needs-li-ion': text(
    () => 'needs the lithium-ion traction battery of an EV',
    () => 'il faut la batterie de traction lithium-ion d’un véhicule électrique',
  ),
  'ev-no-engine': text(
    () => 'a battery EV has no engine',
    () => 'un véhicule électrique à batterie n’a pas de moteur thermique',
  ),
  'needs-spark': text(
    () => 'needs a petrol (spark ignition) engine',
    () => 'il faut un moteur essence (allumage commandé)',
  ),
  'ev-no-alternator': text(
    () => 'a battery EV has no alternator: its 12 V comes from a DC-DC converter (dcdc_converter)',
    () =>
      'un véhicule électrique à batterie n’a pas d’alternateur : son 12 V vient d’un convertisseur DC-DC (dcdc_converter)',
  ),
  'hybrid-no-alternator': text(
    () =>
      'a hybrid has no alternator: its 12 V comes from a DC-DC converter off the traction battery (dcdc_converter)',
    () =>
      'un hybride n’a pas d’alternateur : son 12 V vient d’un convertisseur DC-DC sur la batterie de traction (dcdc_converter)',
  ),
  'no-such-ecu': text<{ ecu: string; has: string }>(
    (p) => `this vehicle has no ${p.ecu} ECU (it has ${p.has})`,
    (p) => `ce véhicule n’a pas de calculateur ${p.ecu} (il a : ${p.has})`,
  ),
  'needs-wheel': text(
    () => 'needs `wheel` (fl, fr, rl, rr)',
    () => 'il faut `wheel` (fl, fr, rl, rr)',
  ),
  'no-abs': text(
    () => 'no ABS ECU',
    () => 'pas de calculateur ABS',
  ),
  'no-evap': text(
    () => 'this vehicle has no EVAP system',
    () => 'ce véhicule n’a pas de système EVAP (recyclage des vapeurs d’essence)',
  ),
  'no-egr': text(
    () => 'this engine has no EGR valve',
    () => 'ce moteur n’a pas de vanne EGR',
  ),
  'dpf-fault-only': text(
    () => 'only a diesel with a DPF has this fault',
    () => 'seul un diesel équipé d’un FAP a ce défaut',
  ),
  'dpf-sensor-only': text(
    () => 'only a diesel with a DPF has this sensor',
    () => 'seul un diesel équipé d’un FAP a ce capteur',
  ),
  'dcdc-only': text(
    () => 'only a hybrid or an EV charges its 12 V through a DC-DC converter',
    () => 'seuls un hybride ou un véhicule électrique chargent leur 12 V par un convertisseur DC-DC',
  ),
  'ev-no-starter': text(
    () => 'a battery EV has no starter',
    () => 'un véhicule électrique à batterie n’a pas de démarreur',
  ),
  'hybrid-no-starter': text(
    () => 'a hybrid starts its engine with the traction motor-generator: it has no 12 V starter',
    () => 'un hybride démarre son moteur par le moteur-générateur de traction : il n’a pas de démarreur 12 V',
  ),
  'needs-traction': text(
    () => 'needs a hybrid or electric vehicle',
    () => 'il faut un véhicule hybride ou électrique',
  ),
  // ── recording, drive, session ──────────────────────────────────────────────────────────────
  'recording-with-faults': text(
    () => 'a recorded scenario replays the car as it was: faults cannot be injected into it',
    () =>
      'un scénario enregistré rejoue la voiture telle qu’elle était : on ne peut pas y injecter de défauts',
  ),
  'drive-required': text(
    () => 'is required: a list of phases like { phase: urban, duration: 15min }',
    () => 'champ obligatoire : une liste de phases comme { phase: urban, duration: 15min }',
  ),
  'phase-not-a-mapping': text(
    () => 'must be a mapping { phase, duration }',
    () => 'valeur attendue : un ensemble de champs { phase, duration }',
  ),
  'unknown-phase': text<{ got: string; expected: string }>(
    (p) => `unknown phase ${p.got} (expected one of ${p.expected})`,
    (p) => `phase inconnue ${p.got} (phases possibles : ${p.expected})`,
  ),
  'duration-required': text(
    () => 'is required except on the last phase',
    () => 'champ obligatoire, sauf sur la dernière phase',
  ),
  'rpm-not-hold': text(
    () => 'only a hold phase takes rpm',
    () => 'seule une phase hold prend rpm',
  ),
  'ev-no-hold': text(
    () => 'an EV has no engine speed to hold',
    () => 'un véhicule électrique n’a pas de régime moteur à tenir',
  ),
  'session-after-end': text<{ total: number }>(
    (p) => `is after the end of the drive profile (${p.total} s)`,
    (p) => `valeur postérieure à la fin du profil de conduite (${p.total} s)`,
  ),
} as const;

export type ScenarioReasonCode = keyof typeof SCENARIO_TEXTS;
type ParamsOf<C extends ScenarioReasonCode> = (typeof SCENARIO_TEXTS)[C] extends Text<infer P> ? P : never;

/** Why a scenario file is refused, as data: a code of the catalogue and its values. */
export interface ScenarioReason {
  readonly code: ScenarioReasonCode;
  readonly params: Readonly<Record<string, ScenarioParam>>;
}

/** A reason of the catalogue; the values are checked against the code's texts. */
export function scenarioReason<C extends ScenarioReasonCode>(
  code: C,
  ...params: Record<never, never> extends ParamsOf<C> ? [ParamsOf<C>?] : [ParamsOf<C>]
): ScenarioReason {
  return { code, params: (params[0] ?? {}) as ScenarioReason['params'] };
}

/** The reason in `lang`, a nested reason in the same language. */
export function sayScenarioReason(r: ScenarioReason, lang: ScenarioLang): string {
  const t = SCENARIO_TEXTS[r.code] as Text<ScenarioReason['params']>;
  return t[lang](r.params, (x) => (typeof x === 'object' ? sayScenarioReason(x, lang) : String(x)));
}
