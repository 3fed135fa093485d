/** ISO 14229-1 negative response codes the simulated ECUs use. */
export const NRC = {
  generalReject: 0x10,
  serviceNotSupported: 0x11,
  subFunctionNotSupported: 0x12,
  incorrectMessageLength: 0x13,
  responseTooLong: 0x14,
  conditionsNotCorrect: 0x22,
  requestSequenceError: 0x24,
  requestOutOfRange: 0x31,
  subFunctionNotSupportedInActiveSession: 0x7e,
  serviceNotSupportedInActiveSession: 0x7f,
} as const;

/** NRCs an ECU keeps to itself when the request was functional (ISO 14229-1 §7.5). */
export const SUPPRESSED_ON_FUNCTIONAL = new Set<number>([0x11, 0x12, 0x31, 0x7e, 0x7f]);

export const negative = (sid: number, nrc: number): Uint8Array => Uint8Array.of(0x7f, sid, nrc);
