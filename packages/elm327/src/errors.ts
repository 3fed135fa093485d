import type { EcuResponse } from '@atelier/obd';
import {
  AdapterError,
  BusFaultError,
  DisconnectedError,
  LinkError,
  type LinkErrorText,
  LinkTimeoutError,
  MalformedResponseError,
  NoResponseError,
} from '@atelier/obd';

/** Adapter text quoted in errors is clipped as every parser's quotes are (one helper, in @atelier/can). */
export { clip, MAX_QUOTE } from '@atelier/obd';

/**
 * ELM327-specific failures. Each one extends the generic LinkError subclass a caller of
 * DiagnosticLink already handles, and keeps the adapter's own words (`elm`) and, when some ECUs had
 * already answered, what arrived before the failure (`partial`), so nothing received is lost.
 */
export interface ElmErrorDetail {
  /** The adapter's line that caused the error, e.g. `CAN ERROR`. */
  elm: string;
  /** The command that was answered with it. */
  command?: string;
  /** Answers parsed before the error line. */
  partial?: EcuResponse[];
}

/** `NO DATA`: the request went out, no ECU answered within the adapter's timeout. */
export class ElmNoDataError extends NoResponseError {
  override name = 'ElmNoDataError';
  constructor(
    message: LinkErrorText,
    readonly detail: ElmErrorDetail,
  ) {
    super(message);
  }
}

/** `UNABLE TO CONNECT`: no protocol could be found (ignition off, wrong protocol forced). */
export class UnableToConnectError extends LinkError {
  override name = 'UnableToConnectError';
  /**
   * What the client learnt of the adapter before the search failed (version, STN chip, voltage,
   * refused commands, protocols tried), when the failure ended a start-up: the adapter is fine.
   */
  adapter?: Record<string, unknown>;
  constructor(
    message: LinkErrorText,
    readonly detail: ElmErrorDetail,
  ) {
    super(message, 'protocol-error');
  }
}

/** `CAN ERROR`, `BUS BUSY`, `BUS ERROR`, `BUS INIT: ...ERROR`, `FB ERROR`: the vehicle bus is at fault. */
export class ElmBusError extends BusFaultError {
  override name = 'ElmBusError';
  constructor(
    message: LinkErrorText,
    readonly detail: ElmErrorDetail,
  ) {
    super(message);
  }
}

/**
 * The adapter itself refused or interrupted the exchange: `?`, `BUFFER FULL`, `STOPPED`,
 * `LV RESET`, `ACT ALERT`, `ERRnn`. `kind` says which, so callers can retry (`stopped`),
 * re-initialise (`reset`) or give up.
 */
export class ElmAdapterError extends AdapterError {
  override name = 'ElmAdapterError';
  constructor(
    message: LinkErrorText,
    readonly kind:
      | 'unknown-command'
      | 'buffer-full'
      | 'stopped'
      | 'reset'
      | 'activity-alert'
      | 'internal'
      | 'stale',
    readonly detail: ElmErrorDetail,
  ) {
    super(message);
  }
}

/** `DATA ERROR`, `<DATA ERROR`, `<RX ERROR`, a bad checksum or an unreadable line. */
export class ElmDataError extends MalformedResponseError {
  override name = 'ElmDataError';
  constructor(
    message: LinkErrorText,
    readonly detail: ElmErrorDetail & { line?: number },
  ) {
    super(message);
  }
}

/**
 * The adapter sent more than any ELM327 answer can hold (a line or an answer beyond the limits of
 * `AdapterIO`): a flooding device, or something that is not an adapter. The line is dropped, so it
 * is a disconnection: the request in flight and every later one fail with it until `reconnect()`.
 */
export class ElmFloodError extends DisconnectedError {
  override name = 'ElmFloodError';
  constructor(
    message: LinkErrorText,
    readonly detail: { bytes: number },
  ) {
    super(message);
  }
}

/**
 * What answers on the line is not an ELM327: it never prints the `>` prompt (a modem answering
 * `OK`/`ERROR`, a GPS printing NMEA, a serial console), or prints nothing at all. `heard` is what it
 * said (clipped), `reason` which case it is.
 */
export class NotElm327Error extends AdapterError {
  override name = 'NotElm327Error';
  constructor(
    message: LinkErrorText,
    readonly reason: 'silent' | 'no-prompt' | 'not-elm327',
    readonly heard: string,
  ) {
    super(message);
  }
}

/** The caller gave up (an AbortSignal, Ctrl-C): the connection attempt or request stopped at once. */
export class ElmAbortedError extends LinkError {
  override name = 'ElmAbortedError';
  constructor(message: LinkErrorText = 'stopped by the user') {
    super(message, 'closed');
  }
}

/**
 * The adapter refused a setting a request needs (`?` to AT CRA or AT FC SH/SD/SM: a clone without
 * them): the request was not sent. `command` is what was refused, `answer` what the adapter said.
 */
export class ElmSettingRefusedError extends AdapterError {
  override name = 'ElmSettingRefusedError';
  constructor(
    message: LinkErrorText,
    readonly command: string,
    readonly answer: string,
  ) {
    super(message);
  }
}

/**
 * Which frame of a request the client framed itself (AT CAF0) went without a usable flow control,
 * and which ECU should have sent it.
 */
export interface FlowControlDetail extends ElmErrorDetail {
  /** `first frame` or `consecutive frame N` (its ISO 15765-2 sequence count from 1). */
  frame: string;
  /** The answering id the flow control was awaited from. */
  ecu: number;
}

/**
 * No clear-to-send flow control came back after a frame of a multi-frame request (ISO 15765-2
 * N_Bs, `timeout-bs`), or the ECU kept asking to wait (FC.WAIT) beyond the limit (`wait-limit`).
 * The request was not completed.
 */
export class ElmFlowControlTimeoutError extends LinkTimeoutError {
  override name = 'ElmFlowControlTimeoutError';
  constructor(
    message: LinkErrorText,
    readonly reason: 'timeout-bs' | 'wait-limit',
    readonly detail: FlowControlDetail,
  ) {
    super(message);
  }
}

/**
 * The ECU refused a multi-frame request by its flow control: FC.OVFLW (`overflow`, the request
 * is longer than its buffer) or a flow status ISO 15765-2 does not define (`invalid-fs`).
 */
export class ElmFlowControlRefusedError extends LinkError {
  override name = 'ElmFlowControlRefusedError';
  constructor(
    message: LinkErrorText,
    readonly reason: 'overflow' | 'invalid-fs',
    readonly detail: FlowControlDetail,
  ) {
    super(message, 'protocol-error');
  }
}
