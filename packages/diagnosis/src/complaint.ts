/**
 * Does a customer's complaint mention a knowledge-base keyword? People do not write the knowledge
 * base's words: "le témoin rouge de la batterie s'allume" is the tree's "voyant batterie", "les phares
 * faiblissent" its "phares faibles". A keyword is mentioned when its text is in the complaint as
 * written (accents and case aside), or when each of its words is there in the same order — as another
 * form of the word (same stem: faible/faiblissent, consommation/consomme) or a synonym people use
 * (témoin/voyant) — with at most two other words between them ("voyant rouge de la batterie").
 */

/** Lower case without accents: "Ralenti instable" finds "ralenti instable" and "ralenti instablé". */
export const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();

/** Words that carry no meaning of their own in a complaint (articles, prepositions, pronouns, "ne"). */
const STOP = new Set(
  'le la les l un une des de du d au aux a en et ou se s qu que qui ce cet cette ne n y il elle je j me m on ca the of a an and or to my is it'.split(
    ' ',
  ),
);

/**
 * Words customers and French instructors use for the same thing, mapped onto one (folded stems).
 * Only true synonyms in a workshop's sense: a witness lamp is a warning light, whatever the word.
 */
const SYNONYMS: readonly (readonly string[])[] = [
  ['voyant', 'temoin', 'lampe', 'lumiere'],
  ['faibl', 'baiss', 'diminu'],
  ['consomm', 'bouff'],
  ['demarr', 'lanc'],
  ['puissanc', 'patate', 'pech'],
  ['grinc', 'couin'],
];

/** The stem two word forms share: the last two letters dropped, at least five kept (soufre is not souffle). */
const stem = (w: string) => (w.length <= 5 ? w : w.slice(0, Math.max(5, w.length - 2)));

function canonical(word: string): string {
  for (const group of SYNONYMS) for (const s of group) if (word.startsWith(s)) return group[0];
  return word;
}

const words = (text: string) =>
  fold(text)
    .split(/[^a-z0-9]+/)
    .filter((w) => w && !STOP.has(w))
    .map(canonical);

/**
 * The complaint folded character by character, each folded character keeping the index of the
 * written one it came from: a match in the folded text is given back in the customer's own words.
 */
function foldWithPlaces(text: string): { folded: string; from: number[] } {
  let folded = '';
  const from: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const f = fold(text[i]!);
    folded += f;
    for (let k = 0; k < f.length; k++) from.push(i);
  }
  return { folded, from };
}

/** The meaningful words of a complaint, canonical, with where each is written (start, end). */
function placedWords(text: string): { word: string; start: number; end: number }[] {
  const { folded, from } = foldWithPlaces(text);
  const out: { word: string; start: number; end: number }[] = [];
  for (const m of folded.matchAll(/[a-z0-9]+/g)) {
    if (STOP.has(m[0])) continue;
    const last = m.index + m[0].length - 1;
    out.push({ word: canonical(m[0]), start: from[m.index]!, end: from[last]! + 1 });
  }
  return out;
}

const sameWord = (said: string, keyword: string) =>
  said === keyword || (keyword.length > 3 && said.startsWith(stem(keyword)));

/** At most this many other words may stand between two words of a keyword. */
const GAP = 2;

/**
 * Where `complaint` mentions `keyword` (see the module comment), in the customer's own words — the
 * written text from the first word matched to the last ("témoin rouge de la batterie" for the
 * keyword "voyant batterie"), whole words — or undefined when it does not.
 */
export function mentionedIn(complaint: string, keyword: string): string | undefined {
  const span = mentionSpan(complaint, keyword);
  return span && complaint.slice(span.start, span.end);
}

/** Where in `complaint` (start, end: indices of the written text) `keyword` is mentioned, as `mentionedIn`. */
export function mentionSpan(complaint: string, keyword: string): { start: number; end: number } | undefined {
  const { folded, from } = foldWithPlaces(complaint);
  const key = fold(keyword);
  const at = key ? atWordStart(folded, key) : -1;
  if (at >= 0) {
    // Widened to the whole word it begins: "batteries" for the keyword "batterie".
    let start = from[at]!;
    let end = from[at + key.length - 1]! + 1;
    while (start > 0 && /[\p{L}\p{N}]/u.test(complaint[start - 1]!)) start--;
    while (end < complaint.length && /[\p{L}\p{N}]/u.test(complaint[end]!)) end++;
    return { start, end };
  }
  const said = placedWords(complaint);
  const wanted = words(keyword);
  if (wanted.length === 0) return undefined;
  for (let start = 0; start < said.length; start++) {
    if (!sameWord(said[start]!.word, wanted[0]!)) continue;
    let last = start;
    let ok = true;
    for (const w of wanted.slice(1)) {
      let found = -1;
      for (let j = last + 1; j <= Math.min(said.length - 1, last + 1 + GAP); j++)
        if (sameWord(said[j]!.word, w)) {
          found = j;
          break;
        }
      if (found < 0) {
        ok = false;
        break;
      }
      last = found;
    }
    if (ok) return { start: said[start]!.start, end: said[last]!.end };
  }
  return undefined;
}

/**
 * Where `key` is written in `folded` beginning a word: a keyword may end inside a word (a plural,
 * another ending) but never begin inside one — "egr" is not in "dégradé", nor "ans" in "dans".
 */
function atWordStart(folded: string, key: string): number {
  for (let at = folded.indexOf(key); at >= 0; at = folded.indexOf(key, at + 1))
    if (at === 0 || !/[a-z0-9]/.test(folded[at - 1]!)) return at;
  return -1;
}

/** Whether `complaint` mentions `keyword` (see the module comment). */
export function mentions(complaint: string, keyword: string): boolean {
  return mentionedIn(complaint, keyword) !== undefined;
}
