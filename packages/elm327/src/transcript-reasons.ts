/**
 * Why a transcript cannot be read or replayed, in English and French: a code and its values, said in
 * the reader's language where the error is shown. The shape is the can package's reason catalogue
 * (a text per code in both languages, `messageIn(lang)` on the error), kept beside the error because
 * this package does not depend on @atelier/can and must not for this. English is the error's
 * `message` and stays as it always was; French is what the workshop reads.
 */
export type TranscriptLang = 'fr' | 'en';

interface Text<P> {
  en: (p: P) => string;
  fr: (p: P) => string;
}
const text = <P = Record<string, never>>(en: (p: P) => string, fr: (p: P) => string): Text<P> => ({
  en,
  fr,
});

export const TRANSCRIPT_TEXTS = {
  'bad-line': text(
    () => `expected '<ms>\\t<tx|rx|note>\\t"<json string>"'`,
    () =>
      'ligne illisible : format attendu « <ms>\\t<tx|rx|note>\\t"<texte JSON>" » (temps en ms, sens, données)',
  ),
  'data-not-json': text(
    () => 'the data is not a JSON string',
    () => 'les données ne sont pas un texte JSON (entre guillemets, caractères spéciaux échappés)',
  ),
  'tx-without-cr': text<{ data: string }>(
    (p) => `a tx entry must end with CR (${p.data})`,
    (p) => `une commande envoyée (tx) doit finir par un retour chariot \\r : ${p.data}`,
  ),
  'otherwise-not-json': text(
    () => "'# otherwise:' must be a JSON string",
    () => '« # otherwise: » doit être suivi d’un texte JSON (entre guillemets)',
  ),
  'replay-diverged': text<{ entry: number; want: string; wrote: string }>(
    (p) => `entry ${p.entry} expected ${p.want}, client wrote ${p.wrote}`,
    (p) => `entrée ${p.entry} : le transcript attendait ${p.want}, le client a écrit ${p.wrote}`,
  ),
} as const;

export type TranscriptReasonCode = keyof typeof TRANSCRIPT_TEXTS;
type ParamsOf<C extends TranscriptReasonCode> =
  (typeof TRANSCRIPT_TEXTS)[C] extends Text<infer P> ? P : never;

/** Why, as data: a code of the catalogue and its values. */
export interface TranscriptReason {
  readonly code: TranscriptReasonCode;
  readonly params: Readonly<Record<string, string | number>>;
}

export function transcriptReason<C extends TranscriptReasonCode>(
  code: C,
  ...params: Record<never, never> extends ParamsOf<C> ? [ParamsOf<C>?] : [ParamsOf<C>]
): TranscriptReason {
  return { code, params: (params[0] ?? {}) as TranscriptReason['params'] };
}

export function sayTranscriptReason(r: TranscriptReason, lang: TranscriptLang): string {
  return (TRANSCRIPT_TEXTS[r.code] as Text<TranscriptReason['params']>)[lang](r.params);
}
