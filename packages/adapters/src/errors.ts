import { type SpecDetail, saySpecDetail } from './spec-texts.js';

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
  /** What is wrong, in a few words (English; the reason is what callers branch on). */
  readonly detail: string;
  /** The detail as a code of the catalogue (spec-texts.ts), when it has one: it can then be said in French. */
  readonly said?: SpecDetail;
  constructor(
    /** The name as given. */
    readonly spec: string,
    readonly reason: AdapterSpecReason,
    /**
     * A code of the catalogue (the name's form, its options, `sim:`), or English words for the
     * details of the other schemes, which have no French yet.
     */
    detail: string | SpecDetail,
    options?: { cause?: unknown },
  ) {
    const en = typeof detail === 'string' ? detail : saySpecDetail(detail, 'en');
    super(`adapter '${spec}': ${en}`, options);
    this.detail = en;
    if (typeof detail !== 'string') this.said = detail;
  }

  /**
   * The message in `lang`. A bad scenario behind `sim:` says itself (its file, line and field);
   * a detail written in English only stays in English rather than half-translated.
   */
  messageIn(lang: 'fr' | 'en'): string {
    if (lang === 'en') return this.message;
    const cause = this.cause as { messageIn?: (lang: 'fr' | 'en') => string } | undefined;
    if (this.reason === 'bad-scenario' && typeof cause?.messageIn === 'function')
      return `adaptateur « ${this.spec} » : ${cause.messageIn(lang)}`;
    if (this.said) return `adaptateur « ${this.spec} » : ${saySpecDetail(this.said, lang)}`;
    return this.message;
  }
}
