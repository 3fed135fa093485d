import { describe, expect, it } from 'vitest';
import type { ReasonParam, ReasonText } from './reason.js';
import { reasonTexts, TERMS } from './reason-texts.js';

const REASON_TEXTS = reasonTexts();

/**
 * Parameters for any text: a string for any name, except the few a text looks into (a term, the
 * frame kind, the alternatives of a block id, a flag).
 */
const anyParams = new Proxy(
  {},
  {
    get: (_, key) =>
      ({ term: 'an object', kind: 'remote', ids: '##TX|##MD', more: 1, type: 1 })[key as string] ??
      `«${String(key)}»`,
  },
) as Record<string, ReasonParam>;
const say = (x: ReasonParam) => String(x);

/** Texts the same in both languages on purpose: bytes shown as hex. */
const SAME_IN_BOTH = new Set(['found-hex']);

describe('the reason catalogue', () => {
  const codes = Object.keys(REASON_TEXTS) as (keyof typeof REASON_TEXTS)[];

  it('has an English and a French text for every code, and they differ', () => {
    expect(codes.length).toBeGreaterThan(150);
    const untranslated: string[] = [];
    for (const code of codes) {
      const text = REASON_TEXTS[code] as ReasonText<Record<string, ReasonParam>>;
      const params = code === 'list' ? { 0: 'a', 1: 'b' } : anyParams;
      const en = text.en(params, say);
      const fr = text.fr(params, say);
      for (const s of [en, fr]) {
        expect(s, code).not.toMatch(/\[object|NaN/);
        expect(s.trim().length, code).toBeGreaterThan(0);
      }
      // A table lookup that missed (a term, a frame kind) shows as "undefined" (English has
      // "undefined attribute" of its own).
      expect(fr, code).not.toMatch(/undefined/);
      if (en === fr && !SAME_IN_BOTH.has(code)) untranslated.push(code);
    }
    expect(untranslated).toEqual([]);
  });

  it('French texts use French typography and words, not English ones', () => {
    for (const code of codes) {
      const text = REASON_TEXTS[code] as ReasonText<Record<string, ReasonParam>>;
      // The parameters (quoted «name» here) aside.
      const fr = text.fr(code === 'list' ? { 0: 'a', 1: 'b' } : anyParams, say).replace(/«[^»]*»/g, '');
      // A colon is preceded by a space in French.
      expect(fr, code).not.toMatch(/[a-zé)]: /);
      expect(fr, code).not.toMatch(/\b(expected|found|bytes|truncated|file|line|unknown)\b/);
    }
  });

  it('names every part of a file in French; only words French shares with English stay', () => {
    const same = Object.entries(TERMS)
      .filter(([en, fr]) => en === fr)
      .map(([en]) => en);
    expect(same.sort()).toEqual(['maximum', 'minimum', 'version']);
  });
});
