import { VirtualClock } from '@atelier/clock';
import { describe, expect, it } from 'vitest';
import { type Bus, type FrameListener, FrameRefusedError } from '../bus.js';
import { makeFrame } from '../frame.js';
import { VirtualBus } from '../virtual-bus.js';
import { IsoTpEndpoint, IsoTpError } from './index.js';

/**
 * Live ISO-TP failures, provoked on a virtual bus by a peer the test drives frame by frame: the
 * English `message` word for word as it was before the errors said themselves in French (scripts
 * grep it), and the French naming the ids and what was expected.
 */

let seq = 0;
const TESTER = { txId: 0x7e0, rxId: 0x7e8 };
const ECU = { txId: 0x7e8, rxId: 0x7e0 };

/** An endpoint's bus and a peer on the same channel; `reactions` answer the endpoint's frames in turn. */
function scripted() {
  const clock = new VirtualClock();
  const ch = `isotp-texts-${seq++}`;
  const bus = new VirtualBus(ch, { clock });
  const peer = new VirtualBus(ch, { clock });
  const reactions: (() => void)[] = [];
  peer.subscribe(() => reactions.shift()?.());
  const send = (id: number, hex: string) => peer.sendSync(makeFrame({ id, data: Buffer.from(hex, 'hex') }));
  return { clock, bus, reactions, send };
}

const twenty = () => new Uint8Array(20).fill(0x11);

function said(err: unknown): { en: string; fr: string } {
  expect(err).toBeInstanceOf(IsoTpError);
  const e = err as IsoTpError;
  expect(e.messageIn('en')).toBe(e.message);
  return { en: e.message, fr: e.messageIn('fr') };
}

describe('IsoTpError, sending: what the peer said or did not say', () => {
  it('too many WAITs (N_WFT_OVRN)', async () => {
    const s = scripted();
    const ep = new IsoTpEndpoint(s.bus, TESTER, { clock: s.clock, maxWait: 2 });
    s.reactions.push(() => {
      for (let i = 1; i <= 3; i++) s.clock.setTimeout(() => s.send(0x7e8, '3100000000000000'), i * 10);
    });
    expect(said(await s.clock.run(ep.send(twenty())).catch((e: unknown) => e))).toEqual({
      en: 'peer sent 3 flow-control WAITs in a row (maximum 2)',
      fr: "le destinataire a demandé d'attendre (FC.WAIT sur 0x7E8) 3 fois de suite, 2 au plus sont acceptées (N_WFT_OVRN)",
    });
  });

  it('OVERFLOW, and an unknown flow status', async () => {
    const s = scripted();
    const ep = new IsoTpEndpoint(s.bus, TESTER, { clock: s.clock });
    s.reactions.push(() => s.send(0x7e8, '32000000'));
    expect(said(await s.clock.run(ep.send(twenty())).catch((e: unknown) => e))).toEqual({
      en: 'peer cannot take a 20-byte message (flow control OVERFLOW)',
      fr: 'le destinataire ne peut pas recevoir un message de 20 octets : contrôle de flux OVERFLOW sur 0x7E8 (N_BUFFER_OVFLW)',
    });
    s.reactions.push(() => s.send(0x7e8, '3700000000000000'));
    expect(said(await s.clock.run(ep.send(twenty())).catch((e: unknown) => e))).toEqual({
      en: 'flow control with unknown flow status 7',
      fr: 'contrôle de flux sur 0x7E8 avec un état inconnu 7 (attendu 0 : continuer, 1 : attendre ou 2 : débordement) (N_INVALID_FS)',
    });
  });

  it('no flow control (N_Bs): after the first frame, after a block, after a WAIT', async () => {
    const s = scripted();
    const ep = new IsoTpEndpoint(s.bus, TESTER, { clock: s.clock, timeouts: { nBs: 150 } });
    const first = said(await s.clock.run(ep.send(twenty())).catch((e: unknown) => e));
    expect(first).toEqual({
      en: 'no flow control on 0x7e8 within 150 ms (N_Bs)',
      fr: 'pas de contrôle de flux sur 0x7E8 en 150 ms après notre première trame (N_Bs)',
    });
    // Blocks of one consecutive frame: the second flow control never comes.
    s.reactions.push(() => s.send(0x7e8, '3001000000000000'));
    const block = said(await s.clock.run(ep.send(twenty())).catch((e: unknown) => e));
    expect(block.en).toBe('no flow control on 0x7e8 within 150 ms (N_Bs)');
    expect(block.fr).toBe(
      'pas de contrôle de flux sur 0x7E8 en 150 ms après notre dernier bloc de trames (N_Bs)',
    );
    s.reactions.push(() => s.send(0x7e8, '3100000000000000'));
    const wait = said(await s.clock.run(ep.send(twenty())).catch((e: unknown) => e));
    expect(wait.fr).toBe(
      "pas de contrôle de flux sur 0x7E8 en 150 ms après sa demande d'attente (FC.WAIT) (N_Bs)",
    );
  });

  it('a frame the bus does not take (N_As), and a frame the bus refuses (its own French)', async () => {
    const clock = new VirtualClock();
    const stuck: Bus = {
      name: 'stuck',
      closed: false,
      send: () => new Promise<void>(() => {}),
      subscribe: (_l: FrameListener) => () => {},
      close: async () => {},
    };
    const ep = new IsoTpEndpoint(stuck, TESTER, { clock, timeouts: { nAs: 70 } });
    expect(said(await clock.run(ep.send(Uint8Array.of(1, 2))).catch((e: unknown) => e))).toEqual({
      en: 'frame on 0x7e0 not sent within 70 ms (N_As)',
      fr: "la trame sur 0x7E0 n'est pas partie en 70 ms (N_As : le bus ne l'a pas émise)",
    });
    const listenOnly: Bus = {
      ...stuck,
      send: () => Promise.reject(new FrameRefusedError('slcan:/dev/ttyACM0', { kind: 'listen-only' })),
    };
    const ep2 = new IsoTpEndpoint(listenOnly, TESTER, { clock });
    expect(said(await clock.run(ep2.send(Uint8Array.of(1, 2))).catch((e: unknown) => e))).toEqual({
      en: 'sending on 0x7e0: slcan:/dev/ttyACM0: refused frame: the adapter was opened listen-only',
      fr: "envoi sur 0x7E0 impossible : slcan:/dev/ttyACM0 : trame refusée : l'adaptateur est ouvert en écoute seule (listen=1)",
    });
  });

  it('a bus closed under the endpoint: the bus says it in French', async () => {
    const s = scripted();
    const ep = new IsoTpEndpoint(s.bus, TESTER, { clock: s.clock });
    await s.bus.close();
    expect(said(await ep.send(Uint8Array.of(1, 2)).catch((e: unknown) => e))).toEqual({
      en: `sending on 0x7e0: bus ${s.bus.name} is closed`,
      fr: `envoi sur 0x7E0 impossible : le bus ${s.bus.name} est fermé`,
    });
  });

  it('what ISO-TP cannot carry, and a closed channel', async () => {
    const s = scripted();
    const ep = new IsoTpEndpoint(s.bus, { ...TESTER, functionalId: 0x7df }, { clock: s.clock });
    expect(said(await ep.send(new Uint8Array(0)).catch((e: unknown) => e))).toEqual({
      en: 'ISO-TP cannot carry an empty message',
      fr: 'ISO-TP ne transporte pas de message vide (il faut au moins un octet)',
    });
    expect(said(await ep.sendFunctional(new Uint8Array(9)).catch((e: unknown) => e))).toEqual({
      en: 'functional request of 9 bytes does not fit one frame (7)',
      fr: 'une requête fonctionnelle sur 0x7DF tient dans une seule trame : 9 octets, 7 au plus',
    });
    ep.close();
    expect(said(await ep.send(Uint8Array.of(1)).catch((e: unknown) => e))).toEqual({
      en: 'ISO-TP endpoint is closed',
      fr: 'le canal ISO-TP est fermé',
    });
  });
});

describe('IsoTpError, receiving: the channel it happened on, and what was due', () => {
  it('the next consecutive frame never comes (N_Cr)', async () => {
    const s = scripted();
    const ep = new IsoTpEndpoint(s.bus, ECU, { clock: s.clock, timeouts: { nCr: 200 } });
    const got = ep.receive();
    // A 20-byte message: 6 bytes in the first frame, 7 in consecutive frame 1, then silence.
    s.send(0x7e0, '1014620102030405');
    s.send(0x7e0, '2106070809101112');
    expect(said(await s.clock.run(got).catch((e: unknown) => e))).toEqual({
      en: '0x7e0: no consecutive frame within 200 ms (N_Cr)',
      fr: "sur 0x7E0, la trame consécutive n° 2 n'est pas arrivée en 200 ms, après 13 octets sur 20 (N_Cr)",
    });
  });

  it('a wrong sequence number, a new first frame in the middle, no message at all', async () => {
    const s = scripted();
    const ep = new IsoTpEndpoint(s.bus, ECU, { clock: s.clock });
    const errors: IsoTpError[] = [];
    ep.onError((e) => errors.push(e));
    s.send(0x7e0, '1010000102030405');
    s.send(0x7e0, '2206070809101112');
    s.send(0x7e0, '1010000102030405');
    s.send(0x7e0, '1009aabbccddeeff');
    expect(errors.map(said)).toEqual([
      {
        en: '0x7e0: consecutive frame with SN 2, expected 1',
        fr: 'sur 0x7E0, trame consécutive n° 2 alors que la n° 1 était attendue (N_WRONG_SN)',
      },
      {
        en: '0x7e0: new first frame arrived during a multi-frame reception',
        fr: "sur 0x7E0, une nouvelle première trame est arrivée pendant la réception d'un message en plusieurs trames (6 octets sur 16) : ce message est abandonné",
      },
    ]);
    s.send(0x7e0, '03aabbcc');
    expect(errors).toHaveLength(3);
    expect(said(errors[2]).en).toBe('0x7e0: single frame arrived during a multi-frame reception');
    expect(said(errors[2]).fr).toBe(
      "sur 0x7E0, une trame unique est arrivée pendant la réception d'un message en plusieurs trames (6 octets sur 9) : ce message est abandonné",
    );
    const tester = new IsoTpEndpoint(s.bus, TESTER, { clock: s.clock });
    expect(said(await s.clock.run(tester.receive(50)).catch((e: unknown) => e))).toEqual({
      en: 'no ISO-TP message on 0x7e8 within 50 ms',
      fr: 'aucun message ISO-TP sur 0x7E8 en 50 ms',
    });
  });
});
