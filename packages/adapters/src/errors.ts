/** What is wrong with an adapter name, for a caller that words it (the dashboard) or tests. */
export type AdapterSpecReason =
  /** The name does not have the scheme's form (`elm327:ttyUSB0`, `tcp://host`). */
  | 'syntax'
  /** No registered scheme has that prefix. */
  | 'unknown-scheme'
  /** An option after `?` that the scheme does not take. */
  | 'unknown-option'
  /** A known option with a value it cannot take (`baud=fast`). */
  | 'bad-option'
  /** `profile=` names no adapter profile. */
  | 'unknown-profile'
  /** `sim:NAME` names no scenario. */
  | 'unknown-scenario'
  /** The scenario file (or the recording it names) cannot be read or is invalid. */
  | 'bad-scenario';

/**
 * A bad adapter name: found before anything is opened, so nothing needs closing. Everything that
 * goes wrong once the name is good is a `LinkError` from `@atelier/obd`, with its code.
 */
export class AdapterSpecError extends Error {
  override name = 'AdapterSpecError';
  constructor(
    /** The name as given. */
    readonly spec: string,
    readonly reason: AdapterSpecReason,
    /** What is wrong, in a few words (English; the reason is what callers branch on). */
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`adapter '${spec}': ${detail}`, options);
  }
}
