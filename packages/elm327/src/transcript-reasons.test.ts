/**
 * Transcripts refused in the reader's language: real bad transcripts (a line that is not an entry,
 * data that is not JSON, a command without its CR, a bad `# otherwise:`, a client that diverges on
 * replay), said in French and in English with the texts written out here; every reason of the
 * catalogue written in both languages.
 */
import { VirtualClock } from '@atelier/clock';
import { describe, expect, it } from 'vitest';
import { FakeAdapter, parseDialogue } from './dialogue.js';
import { replayTranscript, Transcript, TranscriptError } from './transcript.js';
import { sayTranscriptReason, TRANSCRIPT_TEXTS, type TranscriptReasonCode } from './transcript-reasons.js';

function refusal(run: () => unknown): TranscriptError {
  try {
    run();
  } catch (err) {
    if (err instanceof TranscriptError) return err;
    throw err;
  }
  throw new Error('expected a TranscriptError');
}

describe('a refused transcript says where and why in French and in English', () => {
  it.each([
    [
      'a line that is not an entry',
      () => Transcript.parse('0.000\ttx\t"ATZ\\r"\n12\trx\tnot json\n', 'session.txt'),
      `session.txt:2: expected '<ms>\\t<tx|rx|note>\\t"<json string>"'`,
      'session.txt, ligne 2 : ligne illisible : format attendu « <ms>\\t<tx|rx|note>\\t"<texte JSON>" » (temps en ms, sens, données)',
    ],
    [
      'data that is not a JSON string',
      () => Transcript.parse('# a comment\n0.000\ttx\t"AT\\x"\n', 'session.txt'),
      'session.txt:2: the data is not a JSON string',
      'session.txt, ligne 2 : les données ne sont pas un texte JSON (entre guillemets, caractères spéciaux échappés)',
    ],
    [
      'a command without its CR',
      () => parseDialogue('0.000\ttx\t"ATZ"\n', 's.txt'),
      's.txt: a tx entry must end with CR ("ATZ")',
      's.txt : une commande envoyée (tx) doit finir par un retour chariot \\r : "ATZ"',
    ],
    [
      "an '# otherwise:' that is not JSON",
      () =>
        new FakeAdapter(
          parseDialogue('# otherwise: NO DATA\n0.000\ttx\t"ATZ\\r"\n1\trx\t"OK\\r>"\n', 'o.txt'),
        ),
      "o.txt: '# otherwise:' must be a JSON string",
      'o.txt : « # otherwise: » doit être suivi d’un texte JSON (entre guillemets)',
    ],
  ])('%s', (_what, run, en, fr) => {
    const err = refusal(run);
    expect(err.message).toBe(en);
    expect(err.messageIn('en')).toBe(en);
    expect(err.messageIn('fr')).toBe(fr);
  });

  it('a client that writes something else on replay', async () => {
    const clock = new VirtualClock();
    const entries = Transcript.parse('0.000\ttx\t"ATZ\\r"\n5.000\trx\t"ELM327 v1.5\\r>"\n');
    const stream = replayTranscript(entries, { clock, source: 'r.txt' });
    const failed = new Promise<TranscriptError>((resolve) => stream.once('error', resolve));
    stream.write('ATI\r');
    const err = await failed;
    expect(err).toBeInstanceOf(TranscriptError);
    expect(err.message).toBe('r.txt: entry 1 expected "ATZ\\r", client wrote "ATI\\r"');
    expect(err.messageIn('fr')).toBe(
      'r.txt : entrée 1 : le transcript attendait "ATZ\\r", le client a écrit "ATI\\r"',
    );
  });

  it('keeps its source and line for programs', () => {
    const err = refusal(() => Transcript.parse('\n\n1\tzz\t"x"\n', 'a.transcript'));
    expect([err.source, err.line, err.detail.code]).toEqual(['a.transcript', 3, 'bad-line']);
  });
});

describe('the catalogue', () => {
  const anyParams = new Proxy({}, { get: (_t, k) => (typeof k === 'string' ? `«${k}»` : undefined) });
  it.each(Object.keys(TRANSCRIPT_TEXTS) as TranscriptReasonCode[])(
    '%s is written in French and English',
    (code) => {
      const en = sayTranscriptReason({ code, params: anyParams }, 'en');
      const fr = sayTranscriptReason({ code, params: anyParams }, 'fr');
      expect(en.trim()).not.toBe('');
      expect(fr.trim()).not.toBe('');
      expect(fr).not.toMatch(/undefined|\[object/);
      expect(fr).not.toBe(en);
    },
  );
});
