import { describe, expect, it } from 'vitest';
import { compile } from './compile.js';
import { Diagnosis } from './diagnosis.js';
import { LimitError, ModelError } from './errors.js';
import { parseModel } from './load.js';
import { compileModular } from './modular.js';
import { evaluateGate } from './truth.js';

/**
 * What the analysis refuses after a model was read (several tops, a diagram too big, an API call
 * out of place) in French; the English word for word as before. Every text is written here by hand.
 */

const model = (text: string) => parseModel(text, 'arbre.yaml');

function thrown(f: () => unknown): Error & { messageIn(lang: 'fr' | 'en'): string } {
  try {
    f();
  } catch (err) {
    return err as Error & { messageIn(lang: 'fr' | 'en'): string };
  }
  return expect.fail('nothing was thrown');
}

describe('the analysis refuses, in French', () => {
  it('several top gates: which, and how to choose', () => {
    const two = model(
      'gates:\n  G1: { or: [A, B] }\n  G2: { and: [A, B] }\nbasic-events: { A: 0.1, B: 0.2 }\n',
    );
    const err = thrown(() => compile(two));
    expect(err).toBeInstanceOf(ModelError);
    expect(err.message).toBe(
      'several top gates (G1, G2); choose one (option top, --top on the command line)',
    );
    expect(err.messageIn('fr')).toBe(
      'plusieurs portes sommets (G1, G2) : choisissez-en une (option top, --top en ligne de commande)',
    );
    const gates = Array.from({ length: 7 }, (_, i) => `  T${i}: { or: [A, B] }`).join('\n');
    const seven = thrown(() => compile(model(`gates:\n${gates}\nbasic-events: { A: 0.1, B: 0.2 }\n`)));
    expect(seven.message).toBe(
      'several top gates (T0, T1, T2, T3, T4, …); choose one (option top, --top on the command line)',
    );
    expect(seven.messageIn('fr')).toBe(
      'plusieurs portes sommets (T0, T1, T2, T3, T4, et 2 autres) : choisissez-en une (option top, --top en ligne de commande)',
    );
  });

  it('a decision diagram over its node limit: a LimitError in French', () => {
    // (X1 ∧ Y1) ∨ … ∨ (X14 ∧ Y14) with every X ordered before every Y: 2^14 nodes, over the cap
    // of 4096 (the node table's first size, so the cap is met when the table would grow).
    const n = 14;
    const pairs = Array.from({ length: n }, (_, i) => `  G${i}: { and: [X${i}, Y${i}] }`).join('\n');
    const events = Array.from({ length: n }, (_, i) => `X${i}: 0.1, Y${i}: 0.2`).join(', ');
    const or = Array.from({ length: n }, (_, i) => `G${i}`).join(', ');
    const m = model(`gates:\n  Top: { or: [${or}] }\n${pairs}\nbasic-events: { ${events} }\n`);
    const order = [
      ...Array.from({ length: n }, (_, i) => `X${i}`),
      ...Array.from({ length: n }, (_, i) => `Y${i}`),
    ];
    const err = thrown(() => compile(m, { maxNodes: 4096, variableOrder: order }));
    expect(err).toBeInstanceOf(LimitError);
    expect(err.message).toBe('decision diagram exceeds 4096 nodes');
    expect(err.messageIn('fr')).toBe(
      'le diagramme de décision dépasse 4096 nœuds : le modèle est trop grand pour être analysé avec cet ordre des variables',
    );
    expect(err.messageIn('en')).toBe(err.message);
    // The same model in its natural order fits: the limit is the diagram's, not the model's.
    expect(() => compile(m, { maxNodes: 4096 })).not.toThrow();
  });

  it('a diagnosis on a modular compilation, a modular compilation of everything', () => {
    const m = model('gates:\n  Top: { or: [A, B] }\nbasic-events: { A: 0.1, B: 0.2 }\n');
    const all = thrown(() => compileModular(m, { all: true }));
    expect(all.message).toBe(
      'modular compilation covers the tree under the top only; use compile (one BDD) with all: true',
    );
    expect(all.messageIn('fr')).toBe(
      'la compilation par modules ne couvre que l’arbre sous le sommet ; utilisez compile (un seul diagramme) avec all: true',
    );
    // The types refuse it; the check is for JavaScript callers and casts.
    const diag = thrown(() => new Diagnosis(compileModular(m) as never));
    expect(diag.message).toBe(
      'diagnosis needs one BDD for the whole model: pass the model or compile(model, { all: true })',
    );
    expect(diag.messageIn('fr')).toBe(
      'le diagnostic demande un seul diagramme de décision pour tout le modèle : donnez le modèle, ou compile(model, { all: true })',
    );
  });

  it('a gate evaluated without a value for one of its events', () => {
    const m = model('gates:\n  Top: { or: [A, B] }\nbasic-events: { A: 0.1, B: 0.2 }\n');
    const err = thrown(() => evaluateGate(m, 'Top', new Map([['A', false]])));
    expect(err.message).toMatch(/: no value for 'B'$/);
    expect(err.messageIn('fr')).toMatch(/ : aucune valeur pour « B »$/);
  });
});
