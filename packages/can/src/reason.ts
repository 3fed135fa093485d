import { type ReasonTexts, reasonTexts, type Term } from './reason-texts.js';
import { systemErrorOf } from './system-error-texts.js';

/** The languages a reason is written in: French first, as everywhere in Atelier. */
export type ReasonLang = 'fr' | 'en';

/** What a reason text is given: numbers, quoted bits of the file, and other reasons (said in the same language). */
export type ReasonParam = string | number | Reason;
export type ReasonParams = Readonly<Record<string, ReasonParam>>;

/** One text of the catalogue, in both languages; `say` renders a nested reason in the same language. */
export interface ReasonText<P> {
  en: (p: P, say: (x: ReasonParam) => string) => string;
  fr: (p: P, say: (x: ReasonParam) => string) => string;
}

export type ReasonCode = keyof ReasonTexts;
type ParamsOf<C extends ReasonCode> = ReasonTexts[C] extends ReasonText<infer P> ? P : never;

/**
 * Why a file could not be read, as data: a code of the catalogue and its parameters (the id, the
 * offset, the expected and found values). Said in a language by `sayReason`; errors keep it so the
 * reader's language can be chosen where the error is shown, not where it is found.
 */
export interface Reason {
  readonly code: ReasonCode;
  readonly params: ReasonParams;
}

/** A reason of the catalogue; the parameters are checked against the code's texts. */
export function reason<C extends ReasonCode>(
  code: C,
  ...params: Record<never, never> extends ParamsOf<C> ? [ParamsOf<C>?] : [ParamsOf<C>]
): Reason {
  return { code, params: (params[0] ?? {}) as ReasonParams };
}

/**
 * A name for a part of a file (`an object header`, `message id`) that reasons quote: parsers pass
 * the English words they always passed, the catalogue says them in French.
 */
export type { Term };
export const term = (t: Term): Reason => reason('term', { term: t });

/**
 * The reasons that say the file ends too early: once one is reported, the BLF reader does not
 * report the object cut at the end again.
 */
const TRUNCATIONS: ReadonlySet<ReasonCode> = new Set<ReasonCode>([
  'truncated-needs',
  'truncated-short',
  'blf.last-object-cut',
  'blf.bytes-after-last',
  'blf.object-past-end',
  'blf.header-truncated',
]);
export const isTruncation = (r: Reason): boolean => TRUNCATIONS.has(r.code);

/** zlib's error (a BLF container, an MF4 DZ block, a `.gz` file) as a reason: see zlib-texts.ts. */
export const zlibReason = (err: { message: string; code?: string }): Reason =>
  reason('zlib', { message: err.message, code: err.code ?? '' });

/** A failed file call (open, read) as a reason: Node's English message, French from system-error-texts.ts. */
export const systemReason = (err: unknown): Reason => {
  const e = systemErrorOf(err);
  return reason('system-error', { message: e.message, code: e.code ?? '' });
};

/** Several reasons said one after the other (`a; b`). */
export const reasonList = (rs: readonly Reason[]): Reason =>
  reason('list', Object.fromEntries(rs.map((r, i) => [String(i), r])));

/** The reason in `lang`, nested reasons in the same language. */
export function sayReason(r: Reason, lang: ReasonLang): string {
  const text = reasonTexts()[r.code] as ReasonText<ReasonParams>;
  const say = (x: ReasonParam): string => (typeof x === 'object' ? sayReason(x, lang) : String(x));
  return text[lang](r.params, say);
}

/**
 * Where in a text file (log or DBC), then why. The English form is the error's `message`, unchanged
 * from before reasons were codes (`file:line:column: reason`) because logs and programs read it; the
 * French form spells the place out for the person reading it.
 */
export function sayAtLine(
  file: string,
  line: number,
  column: number | undefined,
  why: Reason,
  lang: ReasonLang,
): string {
  if (lang === 'en') return `${file}:${line}${column ? `:${column}` : ''}: ${sayReason(why, lang)}`;
  return `${file}, ligne ${line}${column ? `, colonne ${column}` : ''} : ${sayReason(why, lang)}`;
}

/** Where in a binary file (a byte offset, also in hex as hex viewers show it), then why. */
export function sayAtByte(file: string, offset: number, why: Reason, lang: ReasonLang): string {
  const hex = offset.toString(16);
  if (lang === 'en') return `${file}: byte ${offset} (0x${hex}): ${sayReason(why, lang)}`;
  return `${file}, octet ${offset} (0x${hex}) : ${sayReason(why, lang)}`;
}
