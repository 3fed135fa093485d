import { describe, expect, it } from 'vitest';
import { type Frame, makeFrame } from '../frame.js';
import { type ReassemblyEvent, reassemble } from './reassemble.js';
import { REASSEMBLY_ERROR_TEXTS, sayReassemblyFacts } from './reassembly-texts.js';

/**
 * What passive reassembly finds wrong in a log, said in French with its numbers; the English
 * `detail` word for word as before. Frames are written by hand (ISO 15765-2 PCI bytes); every
 * expected text too.
 */

const f = (t: number, id: number, hex: string): Frame =>
  makeFrame({ id, data: Uint8Array.from(hex.match(/../g)!, (b) => Number.parseInt(b, 16)), timestamp: t });

async function errors(frames: Frame[], options: { maxGapMs?: number; maxLength?: number } = {}) {
  const out: Extract<ReassemblyEvent, { type: 'error' }>[] = [];
  for await (const e of reassemble(frames, { rxId: 0x7e8, txId: 0x7e0, ...options }))
    if (e.type === 'error') out.push(e);
  return out.map((e) => ({
    code: e.error,
    en: e.detail,
    fr: sayReassemblyFacts(e.facts, 'fr'),
    enAgain: sayReassemblyFacts(e.facts, 'en'),
  }));
}

// A first frame of a 20-byte answer (VIN), then its consecutive frames SN 1 and 2.
const FF = '1014490201314A46';
const CF1 = '2148433130303030';
const CF2 = '2230303030303031';

describe('reassembly anomalies in French', () => {
  it('a wrong sequence number, then a consecutive frame without its first frame', async () => {
    const got = await errors([f(1, 0x7e8, FF), f(1.01, 0x7e8, CF2), f(1.02, 0x7e8, CF1)]);
    expect(got).toEqual([
      {
        code: 'wrong-sn',
        en: 'consecutive frame SN 2, expected 1',
        fr: 'trame consécutive de numéro 2, 1 attendu',
        enAgain: 'consecutive frame SN 2, expected 1',
      },
      {
        code: 'unexpected-cf',
        en: 'consecutive frame SN 1 without a first frame',
        fr: 'trame consécutive de numéro 1 sans première trame',
        enAgain: 'consecutive frame SN 1 without a first frame',
      },
    ]);
  });

  it('a silence longer than --max-gap, with the decimal comma', async () => {
    const got = await errors([f(1, 0x7e8, FF), f(1.2505, 0x7e8, CF1)], { maxGapMs: 100 });
    expect(got[0]).toMatchObject({
      code: 'incomplete',
      en: '6 of 20 bytes, then 250.5 ms of silence',
      fr: '6 octets sur 20, puis 250,5 ms de silence',
    });
  });

  it('a single frame or a new first frame in the middle of a message', async () => {
    const single = await errors([f(1, 0x7e8, FF), f(1.01, 0x7e8, '0341057B00000000')]);
    expect(single[0]).toMatchObject({
      code: 'interrupted',
      en: 'single frame after 6 of 20 bytes',
      fr: 'trame unique après 6 octets sur 20',
    });
    const first = await errors([f(1, 0x7e8, FF), f(1.01, 0x7e8, FF)]);
    expect(first[0]).toMatchObject({
      code: 'interrupted',
      en: 'new first frame after 6 of 20 bytes',
      fr: 'nouvelle première trame après 6 octets sur 20',
    });
  });

  it('a first frame longer than accepted, and one the receiver refused (flow control OVERFLOW)', async () => {
    const long = await errors([f(1, 0x7e8, FF)], { maxLength: 10 });
    expect(long[0]).toMatchObject({
      code: 'overflow',
      en: 'first frame announces 20 bytes, more than the 10 accepted',
      fr: 'la première trame annonce 20 octets, plus que les 10 acceptés',
    });
    const refused = await errors([f(1, 0x7e8, FF), f(1.01, 0x7e0, '3200000000000000')]);
    expect(refused[0]).toMatchObject({
      code: 'overflow',
      en: 'receiver answered the first frame with flow control OVERFLOW',
      fr: 'le récepteur a répondu à la première trame par un contrôle de flux OVERFLOW',
    });
  });

  it('a log that ends in the middle of a message', async () => {
    const got = await errors([f(1, 0x7e8, FF), f(1.01, 0x7e8, CF1)]);
    expect(got).toEqual([
      {
        code: 'incomplete',
        en: 'log ended after 13 of 20 bytes',
        fr: "le journal s'arrête après 13 octets sur 20",
        enAgain: 'log ended after 13 of 20 bytes',
      },
    ]);
  });

  it('names every anomaly code in both languages', () => {
    expect(REASSEMBLY_ERROR_TEXTS.fr['wrong-sn']).toBe('numéro de séquence erroné');
    expect(REASSEMBLY_ERROR_TEXTS.en.incomplete).toBe('incomplete message');
  });
});
