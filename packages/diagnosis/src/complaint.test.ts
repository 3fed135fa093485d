import { describe, expect, it } from 'vitest';
import { mentionedIn, mentions } from './complaint.js';

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
  it('never finds a keyword that begins inside another word', () => {
    // "egr" is in "dégradé" and "ans" in "dans" letter for letter: neither is said.
    expect(mentions('la voiture se met en mode dégradé', 'egr')).toBe(false);
    expect(mentions('un bruit dans le moteur', 'ans')).toBe(false);
    expect(mentions('la vanne EGR colle', 'egr')).toBe(true);
    expect(mentions('depuis deux ans', 'ans')).toBe(true);
  });
});

describe('mentionedIn: the customer’s own words that matched', () => {
  it('gives back what the customer wrote, from the first matched word to the last', () => {
    expect(mentionedIn('Le témoin rouge de la batterie s’allume en roulant', 'voyant batterie')).toBe(
      'témoin rouge de la batterie',
    );
    expect(mentionedIn('Les phares faiblissent la nuit', 'phares faibles')).toBe('phares faiblissent');
    expect(mentionedIn('Je consomme deux litres de plus', 'consommation')).toBe('consomme');
  });

  it('keeps the case and accents as written, and widens a keyword inside a word to the whole word', () => {
    expect(mentionedIn('Ralenti INSTABLE le matin', 'ralenti instable')).toBe('Ralenti INSTABLE');
    expect(mentionedIn('Les batteries sont neuves', 'batterie')).toBe('batteries');
    // An accent written as a separate combining mark is the customer's text too.
    expect(mentionedIn('Le te\u0301moin de la batterie', 'voyant batterie')).toBe(
      'te\u0301moin de la batterie',
    );
  });

  it('is undefined when the complaint does not mention it', () => {
    expect(mentionedIn('batterie neuve, voyant éteint', 'voyant batterie')).toBeUndefined();
    expect(mentionedIn('', 'voyant batterie')).toBeUndefined();
  });
});
