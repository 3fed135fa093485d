import type { ReasonLang } from '../reason.js';
import { type IsoTpFacts, sayIsoTpFacts } from './endpoint-texts.js';

/**
 * Why an ISO-TP transfer failed. The first ones map to ISO 15765-2 N_Result values
 * (N_TIMEOUT_A/Bs/Cr, N_WRONG_SN, N_BUFFER_OVFLW, N_WFT_OVRN, N_UNEXP_PDU, N_INVALID_FS); the
 * others are this implementation's (no message within a receive() wait, endpoint closed, a payload
 * the protocol cannot carry, and the passive-reassembly verdicts).
 */
export type IsoTpErrorCode =
  | 'timeout-as'
  | 'timeout-ar'
  | 'timeout-bs'
  | 'timeout-cr'
  | 'wrong-sn'
  | 'overflow'
  | 'wait-limit'
  | 'unexpected-cf'
  | 'interrupted'
  | 'invalid-fs'
  | 'incomplete'
  | 'timeout'
  | 'closed'
  | 'invalid-length'
  | 'bus-error';

/**
 * An ISO-TP transfer that failed, with what happened as facts (`facts`: ids, counts, what was
 * expected): `message` is the English as it always was, `messageIn('fr')` the French.
 */
export class IsoTpError extends Error {
  override name = 'IsoTpError';
  constructor(
    readonly code: IsoTpErrorCode,
    readonly facts: IsoTpFacts,
    /** Arbitration id of the channel the error happened on (rx id for receptions, tx id for transmissions). */
    readonly id?: number,
    options?: { cause?: unknown },
  ) {
    super(sayIsoTpFacts(facts, 'en'), options);
  }

  /** The failure in `lang`; the English is `message`. */
  messageIn(lang: ReasonLang): string {
    return sayIsoTpFacts(this.facts, lang);
  }
}

/** A bad address or option given to an endpoint: a programming error, not a bus condition. */
export class IsoTpConfigError extends Error {
  override name = 'IsoTpConfigError';
}
