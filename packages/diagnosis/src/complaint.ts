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

const sameWord = (said: string, keyword: string) =>
  said === keyword || (keyword.length > 3 && said.startsWith(stem(keyword)));

/** At most this many other words may stand between two words of a keyword. */
const GAP = 2;

/** Whether `complaint` mentions `keyword` (see the module comment). */
export function mentions(complaint: string, keyword: string): boolean {
  const text = fold(complaint);
  if (text.includes(fold(keyword))) return true;
  const said = words(complaint);
  const wanted = words(keyword);
  if (wanted.length === 0) return false;
  for (let start = 0; start < said.length; start++) {
    if (!sameWord(said[start], wanted[0])) continue;
    let at = start;
    let ok = true;
    for (const w of wanted.slice(1)) {
      let found = -1;
      for (let j = at + 1; j <= Math.min(said.length - 1, at + 1 + GAP); j++)
        if (sameWord(said[j], w)) {
          found = j;
          break;
        }
      if (found < 0) {
        ok = false;
        break;
      }
      at = found;
    }
    if (ok) return true;
  }
  return false;
}
