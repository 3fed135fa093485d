/**
 * The one seam between transports and diagnostics. A link sends a request to one ECU or to all of
 * them (functional), and returns every answer that arrived within the response window, or throws a
 * typed LinkError. An empty answer list is never returned: no answer at all is NoResponseError.
 */

import { fallbackLinkText, type LinkReason, linkReason } from './link-reasons.js';
import type { Lang } from './text.js';

/** Who a request goes to: every ECU (functional broadcast) or one ECU by its request address. */
export type Target = { kind: 'functional' } | { kind: 'physical'; address: number };

export const FUNCTIONAL: Target = { kind: 'functional' };
export const physical = (address: number): Target => ({ kind: 'physical', address });

export interface LinkRequest {
  target: Target;
  /** Service id followed by its parameters, e.g. [0x01, 0x0C]. */
  data: Uint8Array;
  /** How long to wait for answers, ms (the link's default when absent). */
  timeoutMs?: number;
  /** Stop waiting once this many ECUs answered (the ELM327 "response count" speed-up). */
  expectedResponses?: number;
  /**
   * How long an ECU that answered 0x7F <sid> 0x78 "response pending" may take for its final answer,
   * ms (ISO 14229 P2*; the link's default, 5000, when absent). Links absorb pending answers.
   */
  pendingTimeoutMs?: number;
  /**
   * The id the ECU answers on, for a physical request to an ECU outside the OBD id scheme (the
   * Leaf's battery controller: 0x79B → 0x7BB), where the request id does not give it. A bus link
   * listens on it (its filters) and sends its flow control to `target.address`; links that know
   * every ECU's ids (an adapter that filters by itself, a simulated car) may ignore it.
   */
  responseId?: number;
  /**
   * ISO 15765-2 extended addressing (BMW and others): the target address (N_TA) sent as the first
   * data byte of every frame of the request and of the tester's flow controls (the ECU's address,
   * 0x12 for a BMW engine ECU reached on 0x6F1); the ECU's frames carry the tester's address there
   * (0xF1). Absent: normal addressing. An ELM327 sets it with AT CEA hh.
   */
  addressExtension?: number;
}

export interface EcuResponse {
  /** The ECU's response address: 0x7E8 for an 11-bit engine ECU, 0x18DAF110 for a 29-bit one. */
  ecu: number;
  /** Whether `ecu` is a 29-bit identifier. */
  extended: boolean;
  /** The whole response, starting with the response service id (request SID + 0x40, or 0x7F). */
  data: Uint8Array;
  /** Seconds on the link's clock when the (last frame of the) answer arrived. */
  timestamp: number;
}

export interface LinkInfo {
  kind: 'isotp' | 'elm327' | 'sim' | string;
  /** Human-readable protocol, e.g. "ISO 15765-4 CAN (11 bit ID, 500 kbaud)". */
  protocol?: string;
  /** Whether ECUs use 29-bit identifiers. */
  extended?: boolean;
  /** Adapter version string for adapter links. */
  version?: string;
}

/**
 * An ECU known by its addresses rather than found by asking: OBD-II has no way to list the ECUs a
 * manufacturer tool reaches (ABS, body…), so they come from the vehicle's description.
 */
export interface KnownEcu {
  /** Physical request address (0x7E0, 0x18DA28F1 …). */
  request: number;
  /** Response address (0x7E8, 0x18DAF128 …). */
  response: number;
  extended?: boolean;
  /** A name the description gives it (`abs`, `engine` …). */
  name?: string;
}

export interface DiagnosticLink {
  readonly info: LinkInfo;
  request(req: LinkRequest): Promise<EcuResponse[]>;
  close(): Promise<void>;
  /**
   * The ECUs this link knows of beyond what OBD-II discovers (a simulated vehicle, an adapter
   * profile that describes the car); absent when it knows none.
   */
  knownEcus?(): KnownEcu[];
  /**
   * Answers the link already got to the OBD detection request (`01 00`) while it found the vehicle
   * (the ELM327's protocol search): ECUs met while connecting, which a scan keeps even when the
   * adapter refuses to ask again. Absent or empty when the link asked nothing.
   */
  detected?(): EcuResponse[];
  /**
   * Service 01 PIDs the link knows an ECU answers without that ECU's support bitmap: a recorded car
   * whose logger polled PIDs and never asked 01 00. A scan reads them from such an ECU; a real car's
   * link has none (without the bitmap, only the car knows).
   */
  recordedPids?(): RecordedPids[];
}

/** The service 01 PIDs one ECU answered in a recording, by its response address. */
export interface RecordedPids {
  ecu: number;
  extended: boolean;
  pids: number[];
}

/** What a link error is built from: its English message as it always was, or a reason that says it in both languages. */
export type LinkErrorText = string | LinkReason;

export interface LinkErrorOptions {
  cause?: unknown;
}

/**
 * Base class of every link failure: the caller could not ask, which is never "no data". Built from
 * a reason (a code, its values, its texts), it says itself in French too (`messageIn`); built from a
 * bare message, the French names the kind of failure and keeps the English words after it.
 */
export class LinkError extends Error {
  override name = 'LinkError';
  /** Why, as a code with its values; absent for an error built from a bare message. */
  readonly why?: LinkReason;
  constructor(
    text: LinkErrorText,
    readonly code: LinkErrorCode,
    options?: LinkErrorOptions,
  ) {
    super(typeof text === 'string' ? text : text.text.en, options);
    if (typeof text !== 'string') this.why = text;
  }

  /** The message in `lang`: English is `message`; French never shows the class name. */
  messageIn(lang: Lang): string {
    if (lang === 'en') return this.message;
    return this.why?.text.fr ?? fallbackLinkText(this.code, this.message, lang);
  }
}

export type LinkErrorCode =
  | 'timeout'
  | 'no-response'
  | 'bus-error'
  | 'adapter-error'
  | 'disconnected'
  | 'protocol-error'
  | 'malformed-response'
  | 'closed'
  | 'unavailable';

/** No ECU answered within the window (ELM327 `NO DATA`, or silence on the bus). */
export class NoResponseError extends LinkError {
  override name = 'NoResponseError';
  constructor(text: LinkErrorText = linkReason('nobody-answered', {}), options?: LinkErrorOptions) {
    super(text, 'no-response', options);
  }
}

/** A transfer started but did not complete in time (ISO-TP N_Bs/N_Cr, adapter without prompt). */
export class LinkTimeoutError extends LinkError {
  override name = 'LinkTimeoutError';
  constructor(text: LinkErrorText, options?: LinkErrorOptions) {
    super(text, 'timeout', options);
  }
}

/** The bus itself reported a fault (CAN ERROR, bus off, BUS BUSY …). */
export class BusFaultError extends LinkError {
  override name = 'BusFaultError';
  constructor(text: LinkErrorText, options?: LinkErrorOptions) {
    super(text, 'bus-error', options);
  }
}

/** The adapter refused or garbled the exchange (`?`, BUFFER FULL, STOPPED, an unknown reply). */
export class AdapterError extends LinkError {
  override name = 'AdapterError';
  constructor(text: LinkErrorText, options?: LinkErrorOptions) {
    super(text, 'adapter-error', options);
  }
}

/** The transport went away (adapter unplugged, socket closed). */
export class DisconnectedError extends LinkError {
  override name = 'DisconnectedError';
  constructor(text: LinkErrorText, options?: LinkErrorOptions) {
    super(text, 'disconnected', options);
  }
}

/**
 * This kind of link cannot be used on this machine at all (SocketCAN without its kernel support or
 * native module): choosing another adapter, not retrying, is the way out.
 */
export class LinkUnavailableError extends LinkError {
  override name = 'LinkUnavailableError';
  constructor(text: LinkErrorText, options?: LinkErrorOptions) {
    super(text, 'unavailable', options);
  }
}

/** An answer arrived but cannot be what the request asked for. */
export class MalformedResponseError extends LinkError {
  override name = 'MalformedResponseError';
  constructor(text: LinkErrorText, options?: LinkErrorOptions) {
    super(text, 'malformed-response', options);
  }
}

/**
 * The server side of a link: what a simulated vehicle, a recorded session or a table implements so
 * that the ELM327 emulator or an ISO-TP server can answer requests with it.
 */
export interface Responder {
  /**
   * Answers one request. Returns every ECU's answer (possibly none, which the serving side turns
   * into silence / NO DATA). `nowMs` is the serving clock's time, for time-dependent signals.
   */
  respond(req: {
    target: Target;
    data: Uint8Array;
    extended: boolean;
    nowMs: number;
    /** The request's extended address (N_TA, the first data byte of its frames), when it has one. */
    addressExtension?: number;
  }): ResponderAnswer[] | Promise<ResponderAnswer[]>;
  /** ECUs this responder holds, by request and response address. */
  ecus(): (KnownEcu & { extended: boolean })[];
}

export interface ResponderAnswer {
  /** Response address (0x7E8, 0x18DAF110 …). */
  ecu: number;
  data: Uint8Array;
  /** Extra ECU processing delay before this answer, ms (0 when absent). */
  delayMs?: number;
  /**
   * Extended addressing: the address byte the ECU's frames start with (the tester's, 0xF1). An
   * adapter without a matching AT CEA reads it as a PCI byte, which is invalid: no answer.
   */
  addressExtension?: number;
}
