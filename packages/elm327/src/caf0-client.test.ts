import { readFileSync } from 'node:fs';
import { type Clock, systemClock, VirtualClock } from '@atelier/clock';
import { FUNCTIONAL, LinkTimeoutError, physical } from '@atelier/obd';
import { describe, expect, it } from 'vitest';
import { NEW_VIN, vinEcu, vinEmulator } from './caf0.fixture.js';
import { Elm327Link } from './client.js';
import { FakeAdapter, parseDialogue } from './dialogue.js';
import type { EcuFlowControl } from './emulator.js';
import { type BusFrame, Elm327Emulator } from './emulator.js';
import { ElmBusError, ElmFlowControlRefusedError, ElmFlowControlTimeoutError } from './errors.js';
import { readFlowControl } from './framing.js';
import { duplexPair } from './pair.js';
import { GENUINE } from './profile.js';
import { lineOverTcp, onLine } from './terminal.test-support.js';
import { Transcript } from './transcript.js';

/**
 * `Elm327Link` sending requests longer than one CAN frame by manual framing (AT CAF0). The frames
 * are compared with ISO 15765-2's layout written out by hand (never with this package's segmenter),
 * against the emulator; the corpus dialogue `datasheet-caf0-vin-write` checks the same against a
 * fake adapter that only answers the exact bytes written there.
 */

const VIN_BYTES = [...NEW_VIN].map((c) => c.charCodeAt(0));
/** UDS WriteDataByIdentifier F190 (VIN): 3 + 17 = 20 bytes. */
const WRITE_VIN = Uint8Array.of(0x2e, 0xf1, 0x90, ...VIN_BYTES);
const ENGINE = physical(0x7e0);

/** By hand: FF (PCI 1, length 0x014, 6 bytes), CF SN 1 (7 bytes), CF SN 2 (the last 7). */
const HAND_FRAMES = ['10142EF190564631', '2141423030303132', '2233343536373839'];

async function connect(flow?: EcuFlowControl, clock: Clock = new VirtualClock()) {
  const { ecu, emu, frames } = vinEmulator(clock, { flow, baud: 38_400 });
  const transcript = new Transcript(clock);
  const link = new Elm327Link({
    clock,
    transcript,
    open: async () => {
      const [a, b] = duplexPair();
      emu.attach(b);
      return a;
    },
  });
  const run = <T>(p: Promise<T>) => (clock instanceof VirtualClock ? clock.run(p) : p);
  await run(link.start());
  /** The commands written since the last call. */
  const sent = () =>
    transcript.entries
      .splice(0)
      .filter((e) => e.dir === 'tx')
      .map((e) => e.data.trim());
  sent();
  frames.length = 0;
  return { clock, ecu, emu, frames, link, run, sent };
}

const hex = (d: ArrayLike<number>) =>
  Array.from(d, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join('');

describe('Elm327Link: a request longer than one frame, framed under AT CAF0', () => {
  it('writes the VIN (2E F1 90, 20 bytes): the frames on the wire and on the bus are ISO 15765-2’s', async () => {
    const { ecu, frames, link, run, sent } = await connect();
    const answers = await run(link.request({ target: ENGINE, data: WRITE_VIN }));
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({ ecu: 0x7e8 });
    expect(hex(answers[0]!.data)).toBe('6EF190');
    expect(ecu.vin).toBe(NEW_VIN);
    expect(sent()).toEqual(['ATSH7E0', 'ATCAF0', ...HAND_FRAMES, 'ATCAF1']);
    // On the bus: each frame padded to 8 bytes with 00 by the chip; the ECU's flow control between.
    expect(frames.map((f) => `${f.id.toString(16).toUpperCase()} ${hex(f.data)}`)).toEqual([
      '7E0 10142EF190564631',
      '7E8 300000AAAAAAAAAA',
      '7E0 2141423030303132',
      '7E0 2233343536373839',
      '7E8 036EF190AAAAAAAA',
    ]);
    // Formatting is back on: the next request is formatted by the chip, the VIN read back.
    const [read] = await run(link.request({ target: ENGINE, data: Uint8Array.of(0x22, 0xf1, 0x90) }));
    expect(hex(read!.data)).toBe(`62F190${hex(VIN_BYTES)}`);
    expect(sent()).toEqual(['22F190']);
  });

  it('honours BS and STmin: BS 1 → a flow control after each consecutive frame; STmin 127 ms between frames', async () => {
    const { ecu, frames, link, run, sent } = await connect({ bs: 1, stMin: 0x7f });
    await run(link.request({ target: ENGINE, data: WRITE_VIN }));
    expect(ecu.vin).toBe(NEW_VIN);
    expect(sent()).toEqual(['ATSH7E0', 'ATCAF0', ...HAND_FRAMES, 'ATCAF1']);
    const kinds = frames.map((f) => `${f.from === 'ecu' ? 'ECU' : 'tester'} ${hex(f.data.slice(0, 3))}`);
    expect(kinds).toEqual([
      'tester 10142E',
      'ECU 30017F',
      'tester 214142',
      'ECU 30017F',
      'tester 223334',
      'ECU 036EF1',
    ]);
    const cf = frames.filter((f) => f.from === 'adapter' && f.data[0]! >> 4 === 2);
    expect(cf[1]!.t - cf[0]!.t).toBeGreaterThanOrEqual(127);
  });

  it('FC.WAIT twice, then clear to send: the request goes through', async () => {
    const { ecu, link, run } = await connect({ waits: 2 });
    const [a] = await run(link.request({ target: ENGINE, data: WRITE_VIN }));
    expect(hex(a!.data)).toBe('6EF190');
    expect(ecu.vin).toBe(NEW_VIN);
  });

  it('FC.OVFLW: a typed refusal naming the first frame; no consecutive frame sent; CAF1 restored', async () => {
    const { ecu, link, run, sent } = await connect({ maxLength: 16 });
    const err = await run(link.request({ target: ENGINE, data: WRITE_VIN })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ElmFlowControlRefusedError);
    expect(err).toMatchObject({ reason: 'overflow', detail: { frame: 'first frame', ecu: 0x7e8 } });
    expect((err as Error).message).toMatch(/first frame.*FC\.OVFLW/);
    expect(sent()).toEqual(['ATSH7E0', 'ATCAF0', HAND_FRAMES[0], 'ATCAF1']);
    expect(ecu.writes).toHaveLength(0);
    const [read] = await run(link.request({ target: ENGINE, data: Uint8Array.of(0x22, 0xf1, 0x90) }));
    expect(read!.data[0]).toBe(0x62);
  });

  it('no flow control at all: a timeout error saying the first frame got none (ISO 15765-2 N_Bs)', async () => {
    const { link, run, sent } = await connect({ silent: true });
    const err = await run(link.request({ target: ENGINE, data: WRITE_VIN })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ElmFlowControlTimeoutError);
    expect(err).toBeInstanceOf(LinkTimeoutError);
    expect(err).toMatchObject({ reason: 'timeout-bs', detail: { frame: 'first frame' } });
    expect((err as Error).message).toMatch(/no flow control from the ECU 7E8 after the first frame.*NO DATA/);
    expect(sent()).toEqual(['ATSH7E0', 'ATCAF0', HAND_FRAMES[0], 'ATCAF1']);
  });

  it('a clone that ignores ATH1 (frames printed without their id): the same VIN write', async () => {
    const clock = new VirtualClock();
    const ecu = vinEcu();
    const emu = new Elm327Emulator({
      responder: ecu,
      clock,
      latencyMs: 10,
      profile: { ...GENUINE, quirks: { ...GENUINE.quirks, headersIgnored: true } },
      ecuFlowControl: { bs: 1, stMin: 0 },
    });
    const link = new Elm327Link({
      clock,
      open: async () => {
        const [a, b] = duplexPair();
        emu.attach(b);
        return a;
      },
    });
    await clock.run(link.start());
    const [a] = await clock.run(link.request({ target: ENGINE, data: WRITE_VIN }));
    expect(a).toMatchObject({ ecu: 0x7e8 });
    expect(hex(a!.data)).toBe('6EF190');
    expect(ecu.vin).toBe(NEW_VIN);
  });

  it('extended addressing (AT CEA 12, a BMW-style ECU behind 6F1): the chip puts 12 first, so 6 bytes a frame', async () => {
    const clock = new VirtualClock();
    const frames: BusFrame[] = [];
    let written: Uint8Array | undefined;
    const emu = new Elm327Emulator({
      responder: {
        ecus: () => [
          { request: 0x6f1, response: 0x612, extended: false },
          { request: 0x7e0, response: 0x7e8, extended: false },
        ],
        respond(req) {
          // The OBD engine ECU answers the protocol search.
          if (req.data[0] === 0x01 && req.addressExtension === undefined)
            return [{ ecu: 0x7e8, data: Uint8Array.of(0x41, 0x00, 0x98, 0x18, 0x00, 0x01) }];
          if (req.addressExtension !== 0x12 || req.data[0] !== 0x2e) return [];
          written = req.data;
          return [{ ecu: 0x612, data: Uint8Array.of(0x6e, 0xf1, 0x90), addressExtension: 0xf1 }];
        },
      },
      clock,
      latencyMs: 10,
      padding: 0xaa,
      onBusFrame: (f) => frames.push(f),
    });
    const transcript = new Transcript(clock);
    const link = new Elm327Link({
      clock,
      transcript,
      open: async () => {
        const [a, b] = duplexPair();
        emu.attach(b);
        return a;
      },
    });
    await clock.run(link.start());
    transcript.entries.splice(0);
    frames.length = 0;
    const [a] = await clock.run(
      link.request({ target: physical(0x6f1), responseId: 0x612, addressExtension: 0x12, data: WRITE_VIN }),
    );
    expect(a).toMatchObject({ ecu: 0x612 });
    expect(hex(a!.data)).toBe('6EF190');
    expect(written && hex(written)).toBe(hex(WRITE_VIN));
    const sent = transcript.entries.filter((e) => e.dir === 'tx').map((e) => e.data.trim());
    // By hand: FF 10 14 + 5 bytes, CFs 21/22 with 6 bytes, 23 with the last 3 (padded by the client
    // to the 7 bytes a frame holds after the address byte).
    expect(sent.slice(sent.indexOf('ATCAF0'))).toEqual([
      'ATCAF0',
      '10142EF1905646',
      '21314142303030',
      '22313233343536',
      '23373839000000',
      'ATCAF1',
    ]);
    // On the bus every frame of the tester starts with the ECU's address 12; the ECU's with F1.
    expect(frames.map((f) => `${f.id.toString(16).toUpperCase()} ${hex(f.data.slice(0, 3))}`)).toEqual([
      '6F1 121014',
      '612 F13000',
      '6F1 122131',
      '6F1 122231',
      '6F1 122337',
      '612 F1036E',
    ]);
  });

  it('a negative response to the reassembled request comes back as an answer', async () => {
    const { link, run } = await connect();
    // 2E F1 90 with 18 bytes: ISO 14229 incorrectMessageLength (13).
    const [a] = await run(link.request({ target: ENGINE, data: Uint8Array.of(...WRITE_VIN, 0x30) }));
    expect(hex(a!.data)).toBe('7F2E13');
  });

  it('refuses a multi-frame request to the functional id (ISO 15765-2: single frames only)', async () => {
    const { link, run } = await connect();
    await expect(run(link.request({ target: FUNCTIONAL, data: WRITE_VIN }))).rejects.toThrow(RangeError);
  });

  it('over TCP, in real time', { timeout: 20_000 }, async () => {
    const { ecu, emu } = vinEmulator(systemClock, { flow: { bs: 2, stMin: 0x0a } });
    await onLine(emu, lineOverTcp, async (stream) => {
      const link = new Elm327Link({ clock: systemClock, open: async () => stream });
      await link.start();
      const [a] = await link.request({ target: ENGINE, data: WRITE_VIN });
      expect(hex(a!.data)).toBe('6EF190');
      expect(ecu.vin).toBe(NEW_VIN);
      await link.close();
    });
  });
});

describe('against the hand-written dialogue (a fake adapter answering only the bytes written there)', () => {
  const text = readFileSync(
    new URL('../../../tests/fixtures/elm327/datasheet-caf0-vin-write.dialogue', import.meta.url),
    'utf8',
  );
  async function linkTo(dialogueText: string) {
    const clock = new VirtualClock();
    const fake = new FakeAdapter(parseDialogue(dialogueText, 'caf0'), { clock });
    const link = new Elm327Link({
      clock,
      open: async () => {
        const [a, b] = duplexPair();
        fake.attach(b);
        return a;
      },
    });
    const run = <T>(p: Promise<T>) => clock.run(p);
    await run(link.start());
    return { fake, link, run };
  }

  it('block size 1 and no flow control after the first consecutive frame: the error names that frame; ATCAF1 follows', async () => {
    // The ECU asks for a flow control after every frame (30 01 00), then stays silent after CF 1.
    const { fake, link, run } = await linkTo(text.replace('7E8300000AAAAAAAAAA', '7E8300100AAAAAAAAAA'));
    const err = await run(link.request({ target: ENGINE, data: WRITE_VIN })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ElmFlowControlTimeoutError);
    expect(err).toMatchObject({ reason: 'timeout-bs', detail: { frame: 'consecutive frame 1', ecu: 0x7e8 } });
    expect((err as Error).message).toMatch(/after the consecutive frame 1/);
    expect(fake.received.slice(-4)).toEqual(['ATCAF0', HAND_FRAMES[0], HAND_FRAMES[1], 'ATCAF1']);
    expect(fake.unknown).toEqual([]);
  });

  it('an adapter that does not say OK to ATCAF1: the next request asks again before anything else', async () => {
    // The first ATCAF1 is refused (a glitch), the next one accepted.
    const refusedOnce = text.replace(
      '1178.000\ttx\t"ATCAF1\\r"\n1183.000\trx\t"OK\\r\\r>"',
      '1178.000\ttx\t"ATCAF1\\r"\n1183.000\trx\t"?\\r\\r>"\n1183.500\ttx\t"ATCAF1\\r"\n1183.900\trx\t"OK\\r\\r>"',
    );
    expect(refusedOnce).not.toBe(text);
    const { fake, link, run } = await linkTo(refusedOnce);
    const [w] = await run(link.request({ target: ENGINE, data: WRITE_VIN }));
    expect(hex(w!.data)).toBe('6EF190');
    const [r] = await run(link.request({ target: ENGINE, data: Uint8Array.of(0x22, 0xf1, 0x90) }));
    expect(r!.data[0]).toBe(0x62);
    expect(fake.received.slice(-3)).toEqual(['ATCAF1', 'ATCAF1', '22F190']);
    expect(fake.unknown).toEqual([]);
  });
});

describe('readFlowControl: the flow control in what the chip printed (formatting off, headers on)', () => {
  const opts = { command: '10142EF190564631', ecu: 0x7e8, extended: false, frame: 'first frame' };
  const read = (raw: string, o: Partial<Parameters<typeof readFlowControl>[1]> = {}) =>
    readFlowControl(raw, { ...opts, ...o });
  const fail = (raw: string, o: Partial<Parameters<typeof readFlowControl>[1]> = {}) => {
    try {
      read(raw, o);
    } catch (e) {
      return e as Error & { reason?: string; detail?: { frame: string } };
    }
    throw new Error('no error');
  };

  it('clear to send: BS and STmin (ms, and the F1–F9 100 µs codes)', () => {
    expect(read('7E8 30 08 14 AA AA AA AA AA \r')).toEqual({ bs: 8, stMinMs: 20, waits: 0 });
    expect(read('7E83000F3AAAAAAAAAA')).toEqual({ bs: 0, stMinMs: 0.3, waits: 0 });
    // Another ECU's frame is not ours; waits are counted.
    expect(read('7E9 30 00 00\r7E8 31 00 00\r7E8 31 00 00\r7E8 30 02 00')).toEqual({
      bs: 2,
      stMinMs: 0,
      waits: 2,
    });
    // 29-bit ids; with AT CEA the tester address comes first.
    expect(read('18DAF110300000', { ecu: 0x18daf110, extended: true })).toMatchObject({ bs: 0 });
    expect(read('612 F1 30 04 00', { ecu: 0x612, addressExtension: true })).toMatchObject({ bs: 4 });
  });

  it('refusals and timeouts, naming the frame', () => {
    expect(fail('7E8 32 00 00')).toMatchObject({ reason: 'overflow' });
    expect(fail('7E8 35 00 00')).toMatchObject({ reason: 'invalid-fs' });
    expect(fail('NO DATA', { frame: 'consecutive frame 2' })).toMatchObject({
      reason: 'timeout-bs',
      detail: { frame: 'consecutive frame 2' },
    });
    expect(fail('NO DATA', { frame: 'consecutive frame 2' }).message).toMatch(
      /after the consecutive frame 2/,
    );
    // Waits, then the chip's timeout ended the listening: still no clear to send.
    expect(fail('7E8 31 00 00\r7E8 31 00 00')).toMatchObject({ reason: 'timeout-bs' });
    expect(fail(Array(11).fill('7E8 31 00 00').join('\r'))).toMatchObject({ reason: 'wait-limit' });
    expect(fail('CAN ERROR')).toBeInstanceOf(ElmBusError);
  });
});
