export type Lang = 'fr' | 'en';

/** Every user-facing string of the knowledge base exists in French and English. */
export interface Localized {
  fr: string;
  en: string;
}

export const say = (text: Localized, lang: Lang): string => text[lang];
