import { readFileSync } from 'node:fs';
import { VirtualClock } from '@atelier/clock';
import {
  FUNCTIONAL,
  type LinkError,
  NegativeResponseError,
  ObdClient,
  physical,
  type Responder,
} from '@atelier/obd';
import { describe, expect, it } from 'vitest';
import { Elm327Link } from './client.js';
import { DemoCar } from './demo.js';
import { FakeAdapter, parseDialogue } from './dialogue.js';
import { Elm327Emulator } from './emulator.js';
import {
  ElmAdapterError,
  ElmBusError,
  ElmDataError,
  ElmNoDataError,
  NotElm327Error,
  UnableToConnectError,
} from './errors.js';
import { duplexPair } from './pair.js';
import { parseAnswer } from './parse.js';
import { loadProfiles } from './profile.js';
import { protocolById } from './protocols.js';

const profiles = loadProfiles();

/**
 * The link errors a user meets, got from real exchanges (a recorded-style dialogue served by the
 * fake adapter, the emulator): their English message word for word as it always was, their French
 * as the workshop reads it, written here by hand (never built from the catalogue under test).
 */

/** The mode 03 fixture (CAN ERROR, NO DATA, then lists), with the three answers to 03 replaced. */
function dialogueAnswering03(answers: [string, string, string]): string {
  const text = readFileSync(new URL('./fixtures/mode03-errors.transcript', import.meta.url), 'utf8');
  const swapped = text
    .replace('"CAN ERROR\\r\\r>"', JSON.stringify(`${answers[0]}\r\r>`))
    .replace('"NO DATA\\r\\r>"', JSON.stringify(`${answers[1]}\r\r>`))
    .replace('"7E80643020301017100\\r7E9024300\\r\\r>"', JSON.stringify(`${answers[2]}\r\r>`));
  expect(swapped).not.toBe(text);
  return swapped;
}

async function served(dialogueText: string, options: { address?: string } = {}) {
  const clock = new VirtualClock();
  const fake = new FakeAdapter(parseDialogue(dialogueText, 'test'), { clock });
  const link = new Elm327Link({
    clock,
    profiles,
    ...options,
    open: async () => {
      const [a, b] = duplexPair();
      fake.attach(b);
      return a;
    },
  });
  return { clock, link, fake };
}

/** Asks for the stored codes, which these dialogues refuse: the error (a test failure if none). */
const ask03 = async (s: Awaited<ReturnType<typeof served>>): Promise<LinkError> => {
  const got = await s.clock
    .run(s.link.request({ target: FUNCTIONAL, data: Uint8Array.of(0x03) }))
    .catch((e) => e as LinkError);
  if (Array.isArray(got)) throw new Error('03 was answered');
  return got;
};

describe('ELM327 errors in French, from real exchanges', () => {
  it('CAN ERROR and NO DATA: the chip’s words quoted as they are, the English unchanged', async () => {
    const text = readFileSync(new URL('./fixtures/mode03-errors.transcript', import.meta.url), 'utf8');
    const s = await served(text);
    await s.clock.run(s.link.start());
    const canError = await ask03(s);
    expect(canError).toBeInstanceOf(ElmBusError);
    expect(canError.message).toBe('CAN bus fault to 03 (CAN ERROR)');
    expect(canError.messageIn('en')).toBe('CAN bus fault to 03 (CAN ERROR)');
    expect(canError.messageIn('fr')).toBe(
      "défaut du bus CAN en envoyant 03 — l'adaptateur dit « CAN ERROR »",
    );
    expect(canError.why?.code).toBe('can-error');
    const noData = await ask03(s);
    expect(noData).toBeInstanceOf(ElmNoDataError);
    expect(noData.message).toBe('no ECU answered to 03 (NO DATA)');
    expect(noData.messageIn('fr')).toBe("aucun calculateur n'a répondu à 03 — l'adaptateur dit « NO DATA »");
    expect(noData.why).toMatchObject({ code: 'no-data', values: { command: '03' } });
    await s.clock.run(s.link.close());
  });

  it('`?`, UNABLE TO CONNECT and BUS BUSY to a request', async () => {
    const s = await served(dialogueAnswering03(['?', 'UNABLE TO CONNECT', 'BUS BUSY']));
    await s.clock.run(s.link.start());
    const refused = await ask03(s);
    expect(refused).toBeInstanceOf(ElmAdapterError);
    expect(refused.message).toBe('the adapter did not understand to 03 (?)');
    expect(refused.messageIn('fr')).toBe("l'adaptateur n'a pas compris 03 — l'adaptateur dit « ? »");
    const unable = await ask03(s);
    expect(unable).toBeInstanceOf(UnableToConnectError);
    expect(unable.message).toBe('the adapter found no vehicle protocol to 03 (UNABLE TO CONNECT)');
    expect(unable.messageIn('fr')).toBe(
      "l'adaptateur n'a trouvé aucun protocole véhicule pour 03 — l'adaptateur dit « UNABLE TO CONNECT »",
    );
    const busy = await ask03(s);
    expect(busy).toBeInstanceOf(ElmBusError);
    expect(busy.message).toBe('the bus is too busy to send to 03 (BUS BUSY)');
    expect(busy.messageIn('fr')).toBe(
      "le bus est trop occupé pour envoyer 03 — l'adaptateur dit « BUS BUSY »",
    );
    await s.clock.run(s.link.close());
  });

  it('a modem is not an ELM327: said in French, naming where it is', async () => {
    const text = readFileSync(
      new URL('../../../tests/fixtures/elm327/datasheet-modem-not-elm327.dialogue', import.meta.url),
      'utf8',
    );
    const s = await served(text, { address: '/dev/ttyUSB0' });
    const err = (await s.clock.run(s.link.start()).catch((e) => e)) as LinkError;
    expect(err).toBeInstanceOf(NotElm327Error);
    expect(err.message).toMatch(
      /^\/dev\/ttyUSB0: answers «.*OK.*» but never prints the > prompt: this is not an ELM327 \(a modem or another serial device\?\)$/,
    );
    expect(err.messageIn('fr')).toMatch(
      /^l'appareil en \/dev\/ttyUSB0 répond « .*OK.* » mais n'affiche jamais l'invite > : ce n'est pas un ELM327 \(un modem ou un autre appareil série \?\)$/,
    );
  });

  it('no car at all: each protocol tried has a code, its English outcome and its French', async () => {
    const silent: Responder = { respond: () => [], ecus: () => [] };
    const clock = new VirtualClock();
    const emu = new Elm327Emulator({ responder: silent, clock, baud: 0, latencyMs: 1 });
    const link = new Elm327Link({
      clock,
      fallback: ['6'],
      open: async () => {
        const [a, b] = duplexPair();
        emu.attach(b);
        return a;
      },
    });
    const err = (await clock.run(link.start()).catch((e) => e)) as LinkError;
    expect(err).toBeInstanceOf(UnableToConnectError);
    expect(err.message).toBe('no vehicle protocol answered (tried auto, 6): is the ignition on?');
    expect(err.messageIn('fr')).toBe(
      "aucun protocole véhicule n'a répondu (essayés : auto, 6) : le contact est-il mis ?",
    );
    const tried = (err as UnableToConnectError).adapter?.tried as {
      protocol: string;
      code: string;
      outcome: string;
      outcomeFr: string;
    }[];
    expect(tried.map((t) => t.protocol)).toEqual(['0', '6']);
    // The genuine chip searching a silent bus prints NO DATA, for the search and for protocol 6.
    expect(tried[0]).toMatchObject({
      code: 'failed',
      outcome: 'no ECU answered to 0100 (NO DATA)',
      outcomeFr: "aucun calculateur n'a répondu à 0100 — l'adaptateur dit « NO DATA »",
    });
    expect(tried[1]).toMatchObject({
      code: 'failed',
      outcome: 'no ECU answered to 0100 (NO DATA)',
      outcomeFr: "aucun calculateur n'a répondu à 0100 — l'adaptateur dit « NO DATA »",
    });
  });

  it('an ECU refusing a DID (7F 22 31) through the emulator: the NRC said in French, its ISO name kept', async () => {
    const car = new DemoCar();
    const refusing: Responder = {
      ecus: () => car.ecus(),
      respond: (req) =>
        req.data[0] === 0x22 ? [{ ecu: 0x7e8, data: Uint8Array.of(0x7f, 0x22, 0x31) }] : car.respond(req),
    };
    const clock = new VirtualClock();
    const emu = new Elm327Emulator({ responder: refusing, clock, baud: 0, latencyMs: 1 });
    const link = new Elm327Link({
      clock,
      open: async () => {
        const [a, b] = duplexPair();
        emu.attach(b);
        return a;
      },
    });
    await clock.run(link.start());
    const ex = await clock.run(new ObdClient(link).exchange([0x22, 0xf1, 0x90], physical(0x7e0)));
    const [refusal] = ex.refusals;
    expect(refusal).toBeInstanceOf(NegativeResponseError);
    expect(refusal!.message).toBe('ECU 7E8 refused service 22: NRC 31 requestOutOfRange');
    expect(refusal!.messageIn('fr')).toBe(
      'le calculateur 7E8 a refusé le service 22 : requête hors limites, identifiant ou paramètre inconnu (NRC 31 requestOutOfRange)',
    );
    await clock.run(link.close());
  });

  it('a multi-frame answer whose frames come out of order: the line quoted, said in French', () => {
    const raw = ['7E8 10 14 49 02 01 57 30 4C', '7E8 22 42 35 34 31 33 32 36'].join('\r');
    let err: ElmDataError | undefined;
    try {
      parseAnswer(raw, { protocol: protocolById('6')!, headers: true, command: '0902' });
    } catch (e) {
      err = e as ElmDataError;
    }
    expect(err).toBeInstanceOf(ElmDataError);
    expect(err!.message).toBe(
      'consecutive frame 2 from 7E8 where 1 was due in line 2 «7E8 22 42 35 34 31 33 32 36» answering 0902',
    );
    expect(err!.messageIn('fr')).toBe(
      'trame consécutive 2 de 7E8 au lieu de 1, ligne 2 « 7E8 22 42 35 34 31 33 32 36 » de la réponse à 0902',
    );
  });
});
