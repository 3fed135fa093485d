import { type LinkReason, lineRefusalFr, reasonOf } from '@atelier/obd';

/**
 * Why an exchange with an ELM327 failed, as a reason code with its values: the English text is the
 * error's `message` word for word as it always was, the French one is what the workshop reads. The
 * adapter's own words (`NO DATA`, `CAN ERROR`, `?`, what it printed) are quoted as they are: they
 * are the chip's words, the ones the datasheet, the forums and the apprentice's screen all show.
 *
 * `command` is the command the adapter answered (`03`, `0100`), empty when unknown; `elm` the
 * adapter's line; `address` where the adapter is (`tcp://…`, `/dev/ttyUSB0`), empty when unknown.
 */

type Said = { command: string };
type SaidLine = Said & { elm: string };
type Where = { address: string };

/** `to 03 ` in English, as the parser always wrote it. */
const to = (v: Said) => (v.command ? `to ${v.command} ` : '');
/** `à 03` / `pour 03` in French, with its leading space. */
const fr = (word: string, v: Said) => (v.command ? ` ${word} ${v.command}` : '');
const chip = (elm: string) => `l'adaptateur dit « ${elm} »`;
/** The subject of a sentence about what answers on the line. */
const enWho = (v: Where) => (v.address ? `${v.address}: ` : 'the adapter ');
const frWho = (v: Where) => (v.address ? `l'appareil en ${v.address}` : "l'adaptateur");

const ELM_TEXTS = {
  'no-data': {
    en: (v: Said) => `no ECU answered ${to(v)}(NO DATA)`,
    fr: (v: Said) => `aucun calculateur n'a répondu${fr('à', v)} — ${chip('NO DATA')}`,
  },
  'no-data-line': {
    en: (v: Said) => `the adapter answered ${v.command || 'the request'} with no data line`,
    fr: (v: Said) => `l'adaptateur a répondu à ${v.command || 'la requête'} sans aucune ligne de données`,
  },
  'unable-to-connect': {
    en: (v: Said) => `the adapter found no vehicle protocol ${to(v)}(UNABLE TO CONNECT)`,
    fr: (v: Said) =>
      `l'adaptateur n'a trouvé aucun protocole véhicule${fr('pour', v)} — ${chip('UNABLE TO CONNECT')}`,
  },
  'bus-init': {
    en: (v: SaidLine) => `the legacy bus did not initialise ${to(v)}(${v.elm})`,
    fr: (v: SaidLine) => `la ligne K ne s'est pas initialisée${fr('pour', v)} — ${chip(v.elm)}`,
  },
  'can-error': {
    en: (v: Said) => `CAN bus fault ${to(v)}(CAN ERROR)`,
    fr: (v: Said) => `défaut du bus CAN${fr('en envoyant', v)} — ${chip('CAN ERROR')}`,
  },
  'bus-busy': {
    en: (v: Said) => `the bus is too busy to send ${to(v)}(BUS BUSY)`,
    fr: (v: Said) =>
      `le bus est trop occupé pour envoyer${v.command ? ` ${v.command}` : ' la requête'} — ${chip('BUS BUSY')}`,
  },
  'bus-error': {
    en: (v: Said) => `bus error ${to(v)}(BUS ERROR)`,
    fr: (v: Said) => `erreur du bus${fr('en réponse à', v)} — ${chip('BUS ERROR')}`,
  },
  'fb-error': {
    en: (v: Said) => `the adapter's output did not read back what it sent ${to(v)}(FB ERROR)`,
    fr: (v: Said) =>
      `l'adaptateur n'a pas relu sur le bus ce qu'il envoyait${fr('pour', v)} — ${chip('FB ERROR')}`,
  },
  'buffer-full': {
    en: (v: Said) => `the adapter's buffer overflowed ${to(v)}(BUFFER FULL)`,
    fr: (v: Said) => `la mémoire de l'adaptateur a débordé${fr('en réponse à', v)} — ${chip('BUFFER FULL')}`,
  },
  stopped: {
    en: (v: Said) => `the adapter was interrupted ${to(v)}(STOPPED)`,
    fr: (v: Said) => `l'adaptateur a été interrompu${fr('pendant', v)} — ${chip('STOPPED')}`,
  },
  'unknown-command': {
    en: (v: Said) => `the adapter did not understand ${to(v)}(?)`,
    fr: (v: Said) =>
      `l'adaptateur n'a pas compris${v.command ? ` ${v.command}` : ' la commande'} — ${chip('?')}`,
  },
  'lv-reset': {
    en: (v: Said) => `the adapter reset on low voltage ${to(v)}(LV RESET)`,
    fr: (v: Said) => `l'adaptateur a redémarré, tension trop basse${fr('pendant', v)} — ${chip('LV RESET')}`,
  },
  restarted: {
    en: (v: SaidLine) => `the adapter restarted ${to(v)}(${v.elm})`,
    fr: (v: SaidLine) => `l'adaptateur a redémarré${fr('pendant', v)} — ${chip(v.elm)}`,
  },
  'activity-alert': {
    en: (v: SaidLine) => `the adapter is about to sleep ${to(v)}(${v.elm})`,
    fr: (v: SaidLine) => `l'adaptateur va se mettre en veille${fr('pendant', v)} — ${chip(v.elm)}`,
  },
  internal: {
    en: (v: SaidLine) => `adapter internal error ${to(v)}(${v.elm})`,
    fr: (v: SaidLine) => `erreur interne de l'adaptateur${fr('pendant', v)} — ${chip(v.elm)}`,
  },
  corrupt: {
    en: (v: SaidLine) => `corrupt answer ${to(v)}(${v.elm})`,
    fr: (v: SaidLine) => `réponse abîmée${fr('à', v)} — ${chip(v.elm)}`,
  },
  'bad-data-line': {
    en: (v: Said & { what: string; whatFr: string; line: number; text: string }) =>
      `${v.what} in line ${v.line} «${v.text}»${v.command ? ` answering ${v.command}` : ''}`,
    fr: (v: Said & { what: string; whatFr: string; line: number; text: string }) =>
      `${v.whatFr}, ligne ${v.line} « ${v.text} »${v.command ? ` de la réponse à ${v.command}` : ''}`,
  },
  stale: {
    en: (v: Said & { heard: string }) =>
      `the adapter answered ${v.command} with an answer to another request («${v.heard}»)`,
    fr: (v: Said & { heard: string }) =>
      `l'adaptateur a répondu à ${v.command} par la réponse à une autre requête (« ${v.heard} »)`,
  },
  'no-prompt-answer': {
    en: (v: Where & { heard: string }) =>
      `${enWho(v)}answers «${v.heard}» but never prints the > prompt: this is not an ELM327 (a modem or another serial device?)`,
    fr: (v: Where & { heard: string }) =>
      `${frWho(v)} répond « ${v.heard} » mais n'affiche jamais l'invite > : ce n'est pas un ELM327 (un modem ou un autre appareil série ?)`,
  },
  'unreadable-bytes': {
    en: (v: Where & { count: number }) =>
      `${enWho(v)}sends only unreadable bytes (${v.count}): not an ELM327 at this speed (wrong baud rate?)`,
    fr: (v: Where & { count: number }) =>
      `${frWho(v)} n'envoie que des octets illisibles (${v.count}) : pas un ELM327 à cette vitesse (mauvais débit ?)`,
  },
  'prompts-only': {
    en: (v: Where & { count: number }) =>
      `${enWho(v)}prints prompts (${v.count}) but answers nothing, even to ATZ: not an ELM327`,
    fr: (v: Where & { count: number }) =>
      `${frWho(v)} affiche des invites (${v.count}) mais ne répond rien, même à ATZ : pas un ELM327`,
  },
  silent: {
    en: (v: Where) => `${enWho(v)}says nothing, even to ATZ: no ELM327 answers on this line`,
    fr: (v: Where) => `${frWho(v)} ne dit rien, même à ATZ : aucun ELM327 ne répond sur cette ligne`,
  },
  'no-identity': {
    en: (v: Where & { atz: string; ati: string }) =>
      `${enWho(v)}prompts but does not say what it is (ATZ: «${v.atz}», ATI: «${v.ati}»): not an ELM327`,
    fr: (v: Where & { atz: string; ati: string }) =>
      `${frWho(v)} affiche l'invite mais ne dit pas ce qu'il est (ATZ : « ${v.atz} », ATI : « ${v.ati} ») : pas un ELM327`,
  },
  'refuses-atsp0': {
    en: (v: Where) => `${enWho(v)}refuses ATSP0 (automatic protocol search): not an ELM327`,
    fr: (v: Where) => `${frWho(v)} refuse ATSP0 (recherche automatique du protocole) : pas un ELM327`,
  },
  'no-protocol': {
    en: (v: { tried: string }) => `no vehicle protocol answered (tried ${v.tried}): is the ignition on?`,
    fr: (v: { tried: string }) =>
      `aucun protocole véhicule n'a répondu (essayés : ${v.tried}) : le contact est-il mis ?`,
  },
  'resync-failed': {
    en: (_: Record<string, never>) =>
      'the adapter does not answer any more (no prompt after three resync attempts)',
    fr: (_: Record<string, never>) =>
      "l'adaptateur ne répond plus (pas d'invite après trois tentatives de resynchronisation)",
  },
  'no-prompt-before': {
    en: (v: { ms: number; command: string }) =>
      `no prompt from the adapter within ${v.ms} ms before sending ${v.command}`,
    fr: (v: { ms: number; command: string }) =>
      `pas d'invite de l'adaptateur en ${v.ms} ms avant d'envoyer ${v.command}`,
  },
  'no-prompt-after': {
    en: (v: { ms: number; command: string }) =>
      `no prompt from the adapter within ${v.ms} ms after ${v.command}`,
    fr: (v: { ms: number; command: string }) =>
      `pas d'invite de l'adaptateur en ${v.ms} ms après ${v.command} : il ne répond pas`,
  },
  'no-further-answer': {
    en: (v: { ms: number }) => `no further answer from the adapter within ${v.ms} ms`,
    fr: (v: { ms: number }) => `pas d'autre réponse de l'adaptateur en ${v.ms} ms`,
  },
  'connection-lost': {
    en: (v: { why: string; how: string }) => `adapter connection lost: ${v.why}`,
    fr: (v: { why: string; how: string }) =>
      `liaison avec l'adaptateur perdue : ${v.how === 'ended' ? "l'adaptateur a fermé la ligne" : v.how === 'closed' ? 'la ligne a été fermée' : v.why}`,
  },
  flood: {
    en: (v: { what: string; bytes: number }) =>
      `the adapter sent ${v.what}: not an ELM327 answer, the line is dropped`,
    fr: (v: { what: string; bytes: number }) =>
      `l'adaptateur a envoyé un flot de données (${v.bytes} octets) qu'aucune réponse d'ELM327 ne contient : la liaison est coupée`,
  },
  aborted: {
    en: (_: Record<string, never>) => 'stopped by the user',
    fr: (_: Record<string, never>) => "arrêté par l'utilisateur",
  },
  closed: {
    en: (_: Record<string, never>) => 'the link was closed',
    fr: (_: Record<string, never>) => 'la liaison a été fermée',
  },
  'not-connected': {
    en: (v: { hint: string }) => `the adapter is not connected${v.hint ? ` (${v.hint})` : ''}`,
    fr: (_: { hint: string }) => "l'adaptateur n'est pas connecté",
  },
  'setting-refused': {
    en: (v: Where & { command: string; purpose: string; answer: string; id: string }) =>
      `${enWho(v)}refuses ${v.command} (${v.purpose}), answering «${v.answer}»: it cannot read an ECU answering on ${v.id || 'this id'} (an adapter with AT CRA and AT FC SH/SD/SM, ELM327 v1.3 or later, can)`,
    fr: (v: Where & { command: string; purpose: string; answer: string; id: string }) =>
      `${frWho(v)} refuse ${v.command} (${SETTING_FR[v.purpose] ?? v.purpose}) et répond « ${v.answer} » : il ne peut pas lire un calculateur qui répond sur ${v.id || 'cet identifiant'} (un adaptateur avec AT CRA et AT FC SH/SD/SM, ELM327 v1.3 ou plus récent, le peut)`,
  },
  'caf-refused': {
    en: (v: Where & { command: string; on: string; answer: string; consequence: string }) =>
      `${enWho(v)}refuses ${v.command} (CAN auto formatting ${v.on}), answering «${v.answer}»: ${v.consequence}`,
    fr: (v: Where & { command: string; on: string; answer: string; consequence: string }) =>
      `${frWho(v)} refuse ${v.command} (mise en forme CAN automatique ${v.on === 'on' ? 'activée' : 'désactivée'}) et répond « ${v.answer} » : ${CONSEQUENCE_FR[v.consequence] ?? v.consequence}`,
  },
  'fc-wait-limit': {
    en: (v: { ecu: string; limit: number; frame: string }) =>
      `the ECU ${v.ecu} asked to wait (FC.WAIT) more than ${v.limit} times after the ${v.frame}`,
    fr: (v: { ecu: string; limit: number; frame: string }) =>
      `le calculateur ${v.ecu} a demandé d'attendre (FC.WAIT) plus de ${v.limit} fois après ${frameFr(v.frame)}`,
  },
  'fc-overflow': {
    en: (v: { ecu: string; frame: string; line: string }) =>
      `the ECU ${v.ecu} refused the request after the ${v.frame}: too long for its buffer (FC.OVFLW «${v.line}»)`,
    fr: (v: { ecu: string; frame: string; line: string }) =>
      `le calculateur ${v.ecu} a refusé la requête après ${frameFr(v.frame)} : trop longue pour sa mémoire (FC.OVFLW « ${v.line} »)`,
  },
  'fc-invalid': {
    en: (v: { ecu: string; frame: string; fs: number; line: string }) =>
      `the ECU ${v.ecu} answered the ${v.frame} with an invalid flow status ${v.fs} («${v.line}»)`,
    fr: (v: { ecu: string; frame: string; fs: number; line: string }) =>
      `le calculateur ${v.ecu} a répondu à ${frameFr(v.frame)} par un état de contrôle de flux invalide ${v.fs} (« ${v.line} »)`,
  },
  'fc-timeout': {
    en: (v: { ecu: string; frame: string; waits: number; heard: string }) =>
      `no flow control from the ECU ${v.ecu} after the ${v.frame}${v.waits ? ` (only ${v.waits} FC.WAIT)` : ''}: the adapter printed «${v.heard}»`,
    fr: (v: { ecu: string; frame: string; waits: number; heard: string }) =>
      `pas de contrôle de flux du calculateur ${v.ecu} après ${frameFr(v.frame)}${v.waits ? ` (seulement ${v.waits} FC.WAIT)` : ''} : ${chip(v.heard)}`,
  },
  'no-connection': {
    en: (v: { address: string; ms: number }) => `${v.address}: no connection within ${v.ms} ms`,
    fr: (v: { address: string; ms: number }) =>
      `${v.address} : pas de connexion en ${v.ms} ms (adaptateur éteint, hors de portée ou mauvaise adresse ?)`,
  },
  'line-failed': {
    en: (v: { address: string; why: string; os: string }) => `${v.address}: ${v.why}`,
    fr: (v: { address: string; why: string; os: string }) =>
      `${v.address} : ${lineRefusalFr(v.os) ?? v.why}${lineRefusalFr(v.os) ? ` [${v.os}]` : ''}`,
  },
  'no-baud': {
    en: (v: { tried: string; triedFr: string }) => `no ELM327 prompt at any baud rate (tried ${v.tried})`,
    fr: (v: { tried: string; triedFr: string }) =>
      `aucune invite d'ELM327 à aucun débit (essayés : ${v.triedFr}) : adaptateur éteint, ou pas un ELM327 ?`,
  },
  'no-device': {
    en: (v: { path: string }) =>
      `${v.path}: no such device (is the adapter plugged in, or paired and bound?)`,
    fr: (v: { path: string }) =>
      `${v.path} : aucun périphérique de ce nom (adaptateur branché ? en Bluetooth, appairé et lié par rfcomm bind ?)`,
  },
} satisfies Record<string, { en: (v: never) => string; fr: (v: never) => string }>;

/** What a setting is for, in French (the English purpose is the client's words). */
const SETTING_FR: Record<string, string> = {
  'receive address': 'adresse de réception',
  'automatic receive': 'réception automatique',
  'flow control header': 'en-tête du contrôle de flux',
  'flow control data': 'données du contrôle de flux',
  'flow control mode': 'mode du contrôle de flux',
  'CAN extended address off': 'adressage CAN étendu désactivé',
  'CAN extended address': 'adressage CAN étendu',
};

/** What a refused AT CAF means for the requests, in French. */
const CONSEQUENCE_FR: Record<string, string> = {
  'it would send this request unformatted': 'il enverrait cette requête sans mise en forme',
  'it would send the next requests unformatted': 'il enverrait les requêtes suivantes sans mise en forme',
};

/** `first frame` / `consecutive frame 3` in French. */
function frameFr(frame: string): string {
  if (frame === 'first frame') return 'la première trame';
  const n = /^consecutive frame (\d+)$/.exec(frame);
  return n ? `la trame consécutive ${n[1]}` : frame;
}

export type ElmReasonCode = keyof typeof ELM_TEXTS;

/**
 * What became of one protocol the start-up tried (`adapter check` prints them): found, refused by
 * the adapter, no answer, an answer on a protocol nobody names, a CAN protocol forced where only NO
 * DATA came back; `failed` is a failure with its own reason (the error's words in both languages).
 */
const OUTCOME_TEXTS = {
  found: {
    en: (v: { name: string }) => `found ${v.name}`,
    fr: (v: { name: string }) => `${v.name} trouvé`,
  },
  'found-no-data': {
    en: (v: { name: string }) => `found ${v.name} (NO DATA: no OBD-II ECU answered)`,
    fr: (v: { name: string }) => `${v.name} trouvé (NO DATA : aucun calculateur OBD-II n'a répondu)`,
  },
  'atsp-refused': {
    en: (_: Record<string, never>) => '? (ATSP refused)',
    fr: (_: Record<string, never>) => "ATSP refusé (l'adaptateur dit « ? »)",
  },
  'no-answer': {
    en: (_: Record<string, never>) => 'no answer',
    fr: (_: Record<string, never>) => 'pas de réponse',
  },
  'no-protocol-named': {
    en: (_: Record<string, never>) =>
      'answered, but neither ATDPN, ATDP nor the answer says on which protocol',
    fr: (_: Record<string, never>) =>
      'a répondu, mais ni ATDPN, ni ATDP, ni la réponse ne disent sur quel protocole',
  },
  failed: {
    en: (v: { en: string; fr: string }) => v.en,
    fr: (v: { en: string; fr: string }) => v.fr,
  },
} satisfies Record<string, { en: (v: never) => string; fr: (v: never) => string }>;

export type ProtocolOutcomeCode = keyof typeof OUTCOME_TEXTS;

/** One protocol tried at start-up: `outcome` in English as it always was, `code`, and the French. */
export interface ProtocolTried {
  /** The ELM327 protocol number (`0` is the automatic search). */
  protocol: string;
  code: ProtocolOutcomeCode;
  outcome: string;
  outcomeFr: string;
}

export function protocolTried<K extends ProtocolOutcomeCode>(
  protocol: string,
  code: K,
  values: Parameters<(typeof OUTCOME_TEXTS)[K]['en']>[0],
): ProtocolTried {
  const r = reasonOf(OUTCOME_TEXTS, code, values as never);
  return { protocol, code, outcome: r.text.en, outcomeFr: r.text.fr };
}

/** A failed attempt: the error's words, in French when it can say them. */
export function protocolFailed(protocol: string, err: unknown): ProtocolTried {
  const e = err as Error & { messageIn?: (lang: 'fr' | 'en') => string };
  const fr = typeof e.messageIn === 'function' ? e.messageIn('fr') : e.message;
  return protocolTried(protocol, 'failed', { en: e.message, fr });
}

/** A reason of the ELM327 catalogue, for the errors of this package. */
export const elmReason = <K extends ElmReasonCode>(
  code: K,
  values: Parameters<(typeof ELM_TEXTS)[K]['en']>[0],
): LinkReason => reasonOf(ELM_TEXTS, code, values as never);
