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

export class IsoTpError extends Error {
  override name = 'IsoTpError';
  constructor(
    readonly code: IsoTpErrorCode,
    message: string,
    /** Arbitration id of the channel the error happened on (rx id for receptions, tx id for transmissions). */
    readonly id?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A bad address or option given to an endpoint: a programming error, not a bus condition. */
export class IsoTpConfigError extends Error {
  override name = 'IsoTpConfigError';
}
