import type { ReasonLang } from '../reason.js';

/**
 * What went wrong on a live ISO-TP channel, as facts: the ids, the numbers, what was expected. The
 * English is the IsoTpError's `message`, word for word as it always was (tests and scripts grep it,
 * and @atelier/obd quotes it in its link errors); the French is what a workshop reads, and says a
 * little more where the facts allow (the consecutive frame that was due, the bytes received so far).
 */
export type IsoTpFacts =
  /** One of our frames did not leave within N_As (a data frame) or N_Ar (our flow control). */
  | { kind: 'frame-not-sent'; id: number; ms: number; timer: 'N_As' | 'N_Ar' }
  /** The peer's next consecutive frame did not come within N_Cr. */
  | { kind: 'no-consecutive'; ms: number; sn: number; received: number; length: number }
  /** No message at all within a receive() wait. */
  | { kind: 'no-message'; id: number; ms: number }
  | { kind: 'closed' }
  /** The bus refused or failed one of our frames; `whyFr` is its French when it has one. */
  | { kind: 'send-failed'; id: number; why: string; whyFr: string }
  | { kind: 'empty' }
  | { kind: 'too-long'; bytes: number }
  | { kind: 'functional-too-long'; id: number; bytes: number; capacity: number }
  /** The peer's flow control, on `rx`, asked to wait more often than we accept (N_WFT_OVRN). */
  | { kind: 'wait-limit'; rx: number; waits: number; max: number }
  /** The peer's flow control said OVERFLOW: our message is too long for it (N_BUFFER_OVFLW). */
  | { kind: 'overflow'; rx: number; bytes: number }
  /** A flow status other than 0, 1, 2 (N_INVALID_FS). */
  | { kind: 'invalid-fs'; rx: number; fs: number }
  /** No flow control within N_Bs after our first frame, a block, or a WAIT. */
  | { kind: 'no-flow-control'; rx: number; ms: number; after: 'first' | 'block' | 'wait' }
  /** A single or first frame came while a multi-frame message was being received. */
  | { kind: 'interrupted'; by: 'single' | 'first'; received: number; length: number }
  /** A consecutive frame out of sequence (N_WRONG_SN). */
  | { kind: 'wrong-sn'; sn: number; expected: number }
  /** A reception failure: the channel it happened on (`rx`), then what happened. */
  | { kind: 'receiving'; rx: number; facts: IsoTpFacts };

/** An id as the English always wrote it (`0x7e8`). */
const en = (id: number) => `0x${id.toString(16)}`;
/** An id in French, as workshop tools print CAN ids (`0x7E8`). */
const fr = (id: number) => `0x${id.toString(16).toUpperCase()}`;

/** The facts in `lang`. */
export function sayIsoTpFacts(f: IsoTpFacts, lang: ReasonLang): string {
  return lang === 'fr' ? french(f) : english(f);
}

function english(f: IsoTpFacts): string {
  switch (f.kind) {
    case 'frame-not-sent':
      return `frame on ${en(f.id)} not sent within ${f.ms} ms (${f.timer})`;
    case 'no-consecutive':
      return `no consecutive frame within ${f.ms} ms (N_Cr)`;
    case 'no-message':
      return `no ISO-TP message on ${en(f.id)} within ${f.ms} ms`;
    case 'closed':
      return 'ISO-TP endpoint is closed';
    case 'send-failed':
      return `sending on ${en(f.id)}: ${f.why}`;
    case 'empty':
      return 'ISO-TP cannot carry an empty message';
    case 'too-long':
      return `message of ${f.bytes} bytes exceeds 2^32-1`;
    case 'functional-too-long':
      return `functional request of ${f.bytes} bytes does not fit one frame (${f.capacity})`;
    case 'wait-limit':
      return `peer sent ${f.waits} flow-control WAITs in a row (maximum ${f.max})`;
    case 'overflow':
      return `peer cannot take a ${f.bytes}-byte message (flow control OVERFLOW)`;
    case 'invalid-fs':
      return `flow control with unknown flow status ${f.fs}`;
    case 'no-flow-control':
      return `no flow control on ${en(f.rx)} within ${f.ms} ms (N_Bs)`;
    case 'interrupted':
      return `${f.by === 'single' ? 'single' : 'new first'} frame arrived during a multi-frame reception`;
    case 'wrong-sn':
      return `consecutive frame with SN ${f.sn}, expected ${f.expected}`;
    case 'receiving':
      return `${en(f.rx)}: ${english(f.facts)}`;
  }
}

const AFTER_FR = {
  first: 'après notre première trame',
  block: 'après notre dernier bloc de trames',
  wait: "après sa demande d'attente (FC.WAIT)",
} as const;

function french(f: IsoTpFacts): string {
  switch (f.kind) {
    case 'frame-not-sent':
      return f.timer === 'N_As'
        ? `la trame sur ${fr(f.id)} n'est pas partie en ${f.ms} ms (N_As : le bus ne l'a pas émise)`
        : `notre contrôle de flux sur ${fr(f.id)} n'est pas parti en ${f.ms} ms (N_Ar : le bus ne l'a pas émis)`;
    case 'no-consecutive':
      return (
        `la trame consécutive n° ${f.sn} n'est pas arrivée en ${f.ms} ms, ` +
        `après ${f.received} octets sur ${f.length} (N_Cr)`
      );
    case 'no-message':
      return `aucun message ISO-TP sur ${fr(f.id)} en ${f.ms} ms`;
    case 'closed':
      return 'le canal ISO-TP est fermé';
    case 'send-failed':
      return `envoi sur ${fr(f.id)} impossible : ${f.whyFr || `« ${f.why} »`}`;
    case 'empty':
      return 'ISO-TP ne transporte pas de message vide (il faut au moins un octet)';
    case 'too-long':
      return `un message de ${f.bytes} octets dépasse le maximum d'ISO-TP (2^32-1 octets)`;
    case 'functional-too-long':
      return (
        `une requête fonctionnelle sur ${fr(f.id)} tient dans une seule trame : ` +
        `${f.bytes} octets, ${f.capacity} au plus`
      );
    case 'wait-limit':
      return (
        `le destinataire a demandé d'attendre (FC.WAIT sur ${fr(f.rx)}) ${f.waits} fois de suite, ` +
        `${f.max} au plus sont acceptées (N_WFT_OVRN)`
      );
    case 'overflow':
      return (
        `le destinataire ne peut pas recevoir un message de ${f.bytes} octets : ` +
        `contrôle de flux OVERFLOW sur ${fr(f.rx)} (N_BUFFER_OVFLW)`
      );
    case 'invalid-fs':
      return (
        `contrôle de flux sur ${fr(f.rx)} avec un état inconnu ${f.fs} ` +
        '(attendu 0 : continuer, 1 : attendre ou 2 : débordement) (N_INVALID_FS)'
      );
    case 'no-flow-control':
      return `pas de contrôle de flux sur ${fr(f.rx)} en ${f.ms} ms ${AFTER_FR[f.after]} (N_Bs)`;
    case 'interrupted':
      return (
        `${f.by === 'single' ? 'une trame unique' : 'une nouvelle première trame'} est arrivée ` +
        `pendant la réception d'un message en plusieurs trames (${f.received} octets sur ${f.length}) : ` +
        'ce message est abandonné'
      );
    case 'wrong-sn':
      return `trame consécutive n° ${f.sn} alors que la n° ${f.expected} était attendue (N_WRONG_SN)`;
    case 'receiving':
      return `sur ${fr(f.rx)}, ${french(f.facts)}`;
  }
}
