import type { EcuResponse } from '@atelier/obd';
import {
  AdapterError,
  BusFaultError,
  LinkError,
  MalformedResponseError,
  NoResponseError,
} from '@atelier/obd';

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
    message: string,
    readonly detail: ElmErrorDetail,
  ) {
    super(message);
  }
}

/** `UNABLE TO CONNECT`: no protocol could be found (ignition off, wrong protocol forced). */
export class UnableToConnectError extends LinkError {
  override name = 'UnableToConnectError';
  constructor(
    message: string,
    readonly detail: ElmErrorDetail,
  ) {
    super(message, 'protocol-error');
  }
}

/** `CAN ERROR`, `BUS BUSY`, `BUS ERROR`, `BUS INIT: ...ERROR`, `FB ERROR`: the vehicle bus is at fault. */
export class ElmBusError extends BusFaultError {
  override name = 'ElmBusError';
  constructor(
    message: string,
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
    message: string,
    readonly kind: 'unknown-command' | 'buffer-full' | 'stopped' | 'reset' | 'activity-alert' | 'internal',
    readonly detail: ElmErrorDetail,
  ) {
    super(message);
  }
}

/** `DATA ERROR`, `<DATA ERROR`, `<RX ERROR`, a bad checksum or an unreadable line. */
export class ElmDataError extends MalformedResponseError {
  override name = 'ElmDataError';
  constructor(
    message: string,
    readonly detail: ElmErrorDetail & { line?: number },
  ) {
    super(message);
  }
}
