/**
 * The password policy, applied when an account is created and when a password is changed: at
 * least 12 characters, not one of the most common passwords (a list shipped with its provenance in
 * `common-passwords.txt`, compared in lower case and also with the digits and signs around it
 * stripped, so `Azerty2024!` is refused as `azerty`), not a word repeated, not made of fewer than
 * five different characters, and not containing the person's login or a part of their name.
 */
import { readFileSync } from 'node:fs';
import type { Text } from '../i18n.js';
import { ValidationError } from './errors.js';

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 200;

let common: Set<string> | undefined;

/** The common-password list, lower-cased, loaded once. */
export function commonPasswords(): Set<string> {
  if (!common) {
    const text = readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8');
    common = new Set(
      text
        .split('\n')
        .map((l) => l.trim().toLowerCase())
        .filter((l) => l && !l.startsWith('#')),
    );
  }
  return common;
}

/** Lower case without accents, so that `Léo` and `leo` are the same word. */
const fold = (s: string): string => s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

/** What the password is "really": without the digits, signs and spaces people add around a word. */
const core = (s: string): string => s.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');

/** `azertyazerty` → `azerty`; undefined when the text is not one unit repeated. */
const unit = (s: string): string | undefined => /^(.+?)\1+$/u.exec(s)?.[1];

export interface PasswordOwner {
  login?: string;
  name?: string;
}

/** The reason a password is refused, or null when it is acceptable. */
export function passwordProblem(password: string, owner: PasswordOwner = {}): Text | null {
  const chars = [...password.normalize('NFKC')];
  if (chars.length < MIN_PASSWORD_LENGTH)
    return {
      fr: `mot de passe : ${MIN_PASSWORD_LENGTH} caractères au moins`,
      en: `password: at least ${MIN_PASSWORD_LENGTH} characters`,
    };
  if (chars.length > MAX_PASSWORD_LENGTH)
    return {
      fr: `mot de passe : ${MAX_PASSWORD_LENGTH} caractères au plus`,
      en: `password: at most ${MAX_PASSWORD_LENGTH} characters`,
    };
  if (new Set(chars).size < 5)
    return {
      fr: 'mot de passe trop répétitif : utilisez au moins 5 caractères différents',
      en: 'password too repetitive: use at least 5 different characters',
    };
  const lower = fold(password);
  const list = commonPasswords();
  const candidates = [lower, core(lower), unit(lower), unit(core(lower))].filter((c): c is string => !!c);
  if (candidates.some((c) => list.has(c)))
    return {
      fr: 'mot de passe trop courant (il figure parmi les plus utilisés) : choisissez une phrase à vous',
      en: 'password too common (it is among the most used ones): choose a phrase of your own',
    };
  const personal = [
    owner.login ? fold(owner.login) : '',
    ...(owner.name ? fold(owner.name).split(/[^\p{L}\p{N}]+/u) : []),
  ].filter((w) => w.length >= 3);
  if (personal.some((w) => lower.includes(w)))
    return {
      fr: 'le mot de passe ne doit contenir ni votre identifiant ni votre nom',
      en: 'the password must contain neither your login nor your name',
    };
  return null;
}

/** Throws a ValidationError naming `field` when the password is refused. */
export function checkPasswordPolicy(password: string, owner: PasswordOwner, field: string): void {
  const problem = passwordProblem(password, owner);
  if (problem) throw new ValidationError(problem, field);
}
