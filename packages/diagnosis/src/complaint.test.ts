import { describe, expect, it } from 'vitest';
import { mentions } from './complaint.js';

describe('mentions: a complaint as people write it', () => {
  it('finds a keyword written as the knowledge base writes it, accents and case aside', () => {
    expect(mentions('Ralenti INSTABLE le matin', 'ralenti instable')).toBe(true);
  });
  it('finds another form of the same word and a synonym people use', () => {
    expect(mentions('Les phares faiblissent la nuit', 'phares faibles')).toBe(true);
    expect(mentions('Le témoin rouge de la batterie s’allume', 'voyant batterie')).toBe(true);
    expect(mentions('Je consomme deux litres de plus', 'consommation')).toBe(true);
  });
  it('finds the words in order with at most two others between them', () => {
    expect(mentions("le chauffage ne souffle que de l'air tiède", 'chauffage tiède')).toBe(true);
    expect(mentions('le chauffage marche bien mais le café reste toujours tiède', 'chauffage tiède')).toBe(
      false,
    );
    expect(mentions('batterie neuve, voyant éteint', 'voyant batterie')).toBe(false);
  });
  it('does not take one word for another that only begins alike', () => {
    expect(mentions("le chauffage ne souffle que de l'air tiède", 'soufre')).toBe(false);
  });
});
