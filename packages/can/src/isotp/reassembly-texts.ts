import type { ReasonLang } from '../reason.js';
import type { ReassemblyErrorCode } from './reassemble.js';

/**
 * What passive reassembly found wrong in a log, as facts (numbers), and their words in English and
 * French. The English detail is the event's `detail`, word for word as it always was (scripts read
 * `can isotp` output); the French is what `atelier can isotp|decode` print for a French reader.
 */
export type ReassemblyFacts =
  | { kind: 'refused-overflow' }
  | { kind: 'silence'; received: number; length: number; ms: number }
  | { kind: 'single-after'; received: number; length: number }
  | { kind: 'first-after'; received: number; length: number }
  | { kind: 'announces'; announced: number; max: number }
  | { kind: 'cf-without-ff'; sn: number }
  | { kind: 'sn'; sn: number; expected: number }
  | { kind: 'log-ended'; received: number; length: number };

/** A duration in ms with one decimal, its decimal mark in the reader's language. */
const ms = (v: number, lang: ReasonLang) => (lang === 'fr' ? v.toFixed(1).replace('.', ',') : v.toFixed(1));

/** The facts in `lang`. */
export function sayReassemblyFacts(f: ReassemblyFacts, lang: ReasonLang): string {
  const fr = lang === 'fr';
  switch (f.kind) {
    case 'refused-overflow':
      return fr
        ? 'le récepteur a répondu à la première trame par un contrôle de flux OVERFLOW'
        : 'receiver answered the first frame with flow control OVERFLOW';
    case 'silence':
      return fr
        ? `${f.received} octets sur ${f.length}, puis ${ms(f.ms, lang)} ms de silence`
        : `${f.received} of ${f.length} bytes, then ${ms(f.ms, lang)} ms of silence`;
    case 'single-after':
      return fr
        ? `trame unique après ${f.received} octets sur ${f.length}`
        : `single frame after ${f.received} of ${f.length} bytes`;
    case 'first-after':
      return fr
        ? `nouvelle première trame après ${f.received} octets sur ${f.length}`
        : `new first frame after ${f.received} of ${f.length} bytes`;
    case 'announces':
      return fr
        ? `la première trame annonce ${f.announced} octets, plus que les ${f.max} acceptés`
        : `first frame announces ${f.announced} bytes, more than the ${f.max} accepted`;
    case 'cf-without-ff':
      return fr
        ? `trame consécutive de numéro ${f.sn} sans première trame`
        : `consecutive frame SN ${f.sn} without a first frame`;
    case 'sn':
      return fr
        ? `trame consécutive de numéro ${f.sn}, ${f.expected} attendu`
        : `consecutive frame SN ${f.sn}, expected ${f.expected}`;
    case 'log-ended':
      return fr
        ? `le journal s'arrête après ${f.received} octets sur ${f.length}`
        : `log ended after ${f.received} of ${f.length} bytes`;
  }
}

/** What each reassembly anomaly is, in both languages (`atelier can isotp` prints it after the code). */
export const REASSEMBLY_ERROR_TEXTS: Readonly<
  Record<ReasonLang, Readonly<Record<ReassemblyErrorCode, string>>>
> = {
  fr: {
    interrupted: 'message interrompu par une nouvelle trame',
    'unexpected-cf': 'trame consécutive sans première trame',
    'wrong-sn': 'numéro de séquence erroné',
    incomplete: 'message incomplet',
    overflow: 'refusé par le récepteur (OVERFLOW)',
  },
  en: {
    interrupted: 'message interrupted by a new frame',
    'unexpected-cf': 'consecutive frame without a first frame',
    'wrong-sn': 'wrong sequence number',
    incomplete: 'incomplete message',
    overflow: 'refused by the receiver (OVERFLOW)',
  },
};
