import type { Lang, Text } from './text.js';

/**
 * Why a link failed, as a reason code with its values and the texts of the package that knows the
 * failure: the generic ones here, the ELM327's in @atelier/elm327. The English text is the error's
 * `message`, word for word as it always was (scripts and tests grep it); the French one is what the
 * workshop reads. The texts travel with the reason because a LinkError is shown far from where it
 * was thrown (a scan item, a stored reading), by code that knows none of the adapters' catalogues.
 */
export interface LinkReason {
  code: string;
  values: Readonly<Record<string, string | number>>;
  text: Text;
}

/** Builds a reason from a catalogue entry: both texts are rendered from the same values. */
export function reasonOf<C extends Record<string, { en: (v: never) => string; fr: (v: never) => string }>>(
  catalogue: C,
  code: keyof C & string,
  values: Parameters<C[keyof C & string]['en']>[0],
): LinkReason {
  const entry = catalogue[code] as unknown as {
    en: (v: typeof values) => string;
    fr: (v: typeof values) => string;
  };
  return { code, values, text: { en: entry.en(values), fr: entry.fr(values) } };
}

type Req = { request: string };
type Ecu = { ecu: string };

/**
 * The generic link failures of this package (OBD client, ISO-TP link, vehicle scan). A request is
 * its bytes as sent (`01 00`); an ECU is its response address in hex (`7E8`).
 */
const LINK_TEXTS = {
  'nobody-answered': {
    en: (_: Record<string, never>) => 'no ECU answered',
    fr: (_: Record<string, never>) => "aucun calculateur n'a répondu",
  },
  'no-ecu-answered': {
    en: (v: Req) => `no ECU answered ${v.request}`,
    fr: (v: Req) => `aucun calculateur n'a répondu à ${v.request}`,
  },
  'no-answer': {
    en: (_: Record<string, never>) => 'no answer',
    fr: (_: Record<string, never>) => 'pas de réponse',
  },
  'sim-no-answer': {
    en: (v: Req) => `no simulated ECU answered ${v.request}`,
    fr: (v: Req) => `aucun calculateur simulé n'a répondu à ${v.request}`,
  },
  'no-ecu-gave-codes': {
    en: (v: { memory: string }) => `no ECU gave its ${v.memory} codes`,
    fr: (v: { memory: string }) =>
      `aucun calculateur n'a donné ses codes ${v.memory === 'stored' ? 'mémorisés' : v.memory === 'pending' ? 'en attente' : v.memory === 'permanent' ? 'permanents' : v.memory}`,
  },
  'ecu-did-not-answer': {
    en: (v: Ecu & Req) => `ECU ${v.ecu} did not answer ${v.request}`,
    fr: (v: Ecu & Req) => `le calculateur ${v.ecu} n'a pas répondu à ${v.request}`,
  },
  'answered-without-pid': {
    en: (v: Ecu & { pid: string }) => `ECU ${v.ecu} answered without PID ${v.pid}`,
    fr: (v: Ecu & { pid: string }) => `le calculateur ${v.ecu} a répondu sans le PID ${v.pid}`,
  },
  'freeze-without-pid-02': {
    en: (v: Ecu) => `ECU ${v.ecu} answered 02 02 00 without PID 02`,
    fr: (v: Ecu) =>
      `le calculateur ${v.ecu} a répondu à 02 02 00 sans le PID 02 (le code à l'origine des données figées)`,
  },
  'not-announced': {
    en: (v: Ecu & { pid: string }) => `ECU ${v.ecu} does not announce PID ${v.pid} in its support bitmap`,
    fr: (v: Ecu & { pid: string }) =>
      `le calculateur ${v.ecu} n'annonce pas le PID ${v.pid} parmi ceux qu'il prend en charge`,
  },
  'isotp-no-answer': {
    en: (v: Req & { to: string; ms: number }) =>
      `no ECU answered ${v.request} ${v.to === '' ? 'sent functionally' : `sent to ${v.to}`} within ${v.ms} ms`,
    fr: (v: Req & { to: string; ms: number }) =>
      `aucun calculateur n'a répondu à ${v.request} ${v.to === '' ? 'envoyé à tous' : `envoyé à ${v.to}`} en ${v.ms} ms`,
  },
  'response-pending-too-long': {
    en: (v: Ecu & { ms: number }) =>
      `ECU ${v.ecu} announced "response pending" but gave no answer within ${v.ms} ms (P2*)`,
    fr: (v: Ecu & { ms: number }) =>
      `le calculateur ${v.ecu} a annoncé « réponse en attente » mais n'a rien répondu en ${v.ms} ms (P2*)`,
  },
  'link-closed': {
    en: (v: { what: string }) => `the ${v.what} link is closed`,
    fr: (v: { what: string }) => `la liaison ${v.what === 'simulated' ? 'simulée' : v.what} est fermée`,
  },
  'answer-broken-off': {
    en: (v: Ecu & IsoTp) => `ECU ${v.ecu}: answer broken off (${v.why})`,
    fr: (v: Ecu & IsoTp) => `la réponse du calculateur ${v.ecu} s'est interrompue : ${isoTpFr(v)}`,
  },
  'answer-incomplete': {
    en: (v: Ecu & IsoTp) => `ECU ${v.ecu}: answer did not complete (${v.why})`,
    fr: (v: Ecu & IsoTp) => `la réponse du calculateur ${v.ecu} ne s'est pas terminée : ${isoTpFr(v)}`,
  },
  'sending-failed': {
    en: (v: Req & IsoTp) => `sending ${v.request}: ${v.why}`,
    fr: (v: Req & IsoTp) => `envoi de ${v.request} impossible : ${isoTpFr(v)}`,
  },
  'functional-too-long': {
    en: (v: { bytes: number }) => `a functional request is one CAN frame (7 bytes at most), got ${v.bytes}`,
    fr: (v: { bytes: number }) =>
      `une requête à tous les calculateurs tient dans une trame CAN (7 octets au plus), reçu ${v.bytes}`,
  },
} satisfies Record<string, { en: (v: never) => string; fr: (v: never) => string }>;

/**
 * An ISO-TP failure: the transport's English words, its result code (the IsoTpError's, after ISO
 * 15765-2's N_Result), and its French (`IsoTpError.messageIn('fr')`: the ids and what was
 * expected), empty when the failure is no IsoTpError.
 */
type IsoTp = { why: string; iso: string; whyFr: string };

/** The ISO-TP failure in French; one without French words (a non-ISO-TP error) keeps its English, quoted. */
const isoTpFr = (v: IsoTp) => v.whyFr || `« ${v.why} »`;

export type LinkReasonCode = keyof typeof LINK_TEXTS;

/** A reason of this package's catalogue. */
export const linkReason = <K extends LinkReasonCode>(
  code: K,
  values: Parameters<(typeof LINK_TEXTS)[K]['en']>[0],
): LinkReason => reasonOf(LINK_TEXTS, code, values as never);

/**
 * What a link failure without a reason of its own is, in French, by its LinkError code: the English
 * words follow in parentheses, so that nothing the adapter or the bus said is lost.
 */
export const LINK_CODE_TEXTS: Record<string, Text> = {
  timeout: { fr: 'délai dépassé', en: 'timeout' },
  'no-response': { fr: 'pas de réponse', en: 'no response' },
  'bus-error': { fr: 'défaut du bus du véhicule', en: 'bus fault' },
  'adapter-error': { fr: "l'adaptateur a refusé ou interrompu l'échange", en: 'adapter error' },
  disconnected: { fr: "liaison perdue avec l'adaptateur", en: 'disconnected' },
  'protocol-error': { fr: 'erreur de protocole', en: 'protocol error' },
  'malformed-response': { fr: 'réponse inattendue', en: 'malformed response' },
  closed: { fr: 'liaison fermée', en: 'closed' },
  unavailable: { fr: "ce type de liaison n'est pas disponible sur ce poste", en: 'unavailable' },
};

/** A reasonless link error in `lang`: the code's words, then its English message. */
export function fallbackLinkText(code: string, message: string, lang: Lang): string {
  if (lang === 'en') return message;
  const what = LINK_CODE_TEXTS[code]?.fr ?? 'erreur de liaison';
  return message ? `${what} (${message})` : what;
}
