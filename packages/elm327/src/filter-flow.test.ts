import type { Duplex } from 'node:stream';
import { systemClock, VirtualClock } from '@atelier/clock';
import type { Responder, ResponderAnswer } from '@atelier/obd';
import { describe, expect, it } from 'vitest';
import { programRuns, requireOracle } from '../../../tests/support/index.js';
import { type BusFrame, Elm327Emulator } from './emulator.js';
import { duplexPair } from './pair.js';
import { lineOverPty, lineOverTcp, terminal } from './terminal.test-support.js';

/**
 * AT CF / AT CM / AT CRA / AT AR / AT CFC and flow-control block sizes, modelled as the ELM327
 * datasheet (v2.3) describes them: the filter and mask decide which answers the chip shows, CRA sets
 * both, AR forgets them; `AT FC SD 30 BS ST` makes the ECU send BS consecutive frames STmin apart
 * and wait, and the chip sends the next flow control itself.
 */

/** A 62-byte answer: 22 01 01's size on a Kona BMS (first frame + 8 consecutive frames). */
const LONG = Uint8Array.from({ length: 62 }, (_, i) => (i === 0 ? 0x62 : i === 1 || i === 2 ? 0x01 : i));

/** Two ECUs answering 01 00 (11-bit 7E8/7E9, or 29-bit 18DAF110/18DAF118); 22 01 01 from the first. */
function car(extended = false): Responder {
  const [a, b] = extended ? [0x18daf110, 0x18daf118] : [0x7e8, 0x7e9];
  const [ra, rb] = extended ? [0x18da10f1, 0x18da18f1] : [0x7e0, 0x7e1];
  return {
    ecus: () => [
      { request: ra, response: a, extended },
      { request: rb, response: b, extended },
    ],
    async respond(req): Promise<ResponderAnswer[]> {
      const to = (ecu: number) =>
        req.target.kind === 'functional' || req.target.address === (ecu === a ? ra : rb);
      if (req.data[0] === 0x01)
        return [a, b]
          .filter(to)
          .map((ecu) => ({ ecu, data: Uint8Array.of(0x41, 0x00, 0xbe, 0x3f, 0xb8, 0x13) }));
      if (req.data[0] === 0x22 && to(a)) return [{ ecu: a, data: LONG }];
      return [];
    },
  };
}

function rig(opts: { extended?: boolean } = {}) {
  const clock = new VirtualClock();
  const frames: BusFrame[] = [];
  const emu = new Elm327Emulator({
    responder: car(opts.extended),
    clock,
    baud: 0,
    latencyMs: 10,
    vehicleProtocol: opts.extended ? '7' : '6',
    onBusFrame: (f) => frames.push(f),
  });
  const [term, port] = duplexPair();
  emu.attach(port);
  const send = terminal(term, clock);
  return { clock, emu, send, frames };
}

/** The answering ids (headers on, spaces on): `7E8 06 41 …` or `18 DA F1 10 06 41 …`. */
const ids = (text: string) =>
  [
    ...new Set(
      text
        .split('\r')
        .map((l) => /^([0-9A-F]{3}|(?:[0-9A-F]{2} ){4})/.exec(l.trim())?.[1]?.replace(/ /g, ''))
        .filter((id): id is string => id !== undefined),
    ),
  ].sort();

async function setup(send: (c: string) => Promise<{ text: string }>) {
  // Fixed timeout (no adaptive timing): the time an answer takes shows its bus time alone.
  for (const c of ['ATE0', 'ATH1', 'ATSP6', 'ATAT0']) await send(c);
}

describe('AT CF / AT CM: the acceptance filter and mask decide what the chip shows', () => {
  it('11-bit: a filter and mask pick one ECU, or a range; CRA replaces them; AR forgets them', async () => {
    const { send } = rig();
    await setup(send);
    expect(ids((await send('0100')).text)).toEqual(['7E8', '7E9']);
    // Exactly 7E9: every bit must match.
    expect((await send('ATCF7E9')).text).toBe('OK');
    expect((await send('ATCM7FF')).text).toBe('OK');
    expect(ids((await send('0100')).text)).toEqual(['7E9']);
    // 7E0–7EF: the last digit does not matter.
    expect((await send('ATCM7F0')).text).toBe('OK');
    expect(ids((await send('0100')).text)).toEqual(['7E8', '7E9']);
    // Only the even ids: bit 0 must be 0 (filter 7E8), every other bit free.
    await send('ATCF7E8');
    await send('ATCM001');
    expect(ids((await send('0100')).text)).toEqual(['7E8']);
    // Three digits are 11 bits: the first digit's top bit is ignored (FFF is 7FF).
    await send('ATCF7E9');
    await send('ATCMFFF');
    expect(ids((await send('0100')).text)).toEqual(['7E9']);
    // A filter that matches nothing.
    await send('ATCF123');
    expect((await send('0100')).text).toBe('NO DATA');
    // CRA sets filter and mask at once, replacing them.
    expect((await send('ATCRA7E8')).text).toBe('OK');
    expect(ids((await send('0100')).text)).toEqual(['7E8']);
    // CF after CRA changes the filter, the mask CRA set stays (one storage).
    await send('ATCF7E9');
    expect(ids((await send('0100')).text)).toEqual(['7E9']);
    expect((await send('ATAR')).text).toBe('OK');
    expect(ids((await send('0100')).text)).toEqual(['7E8', '7E9']);
    // A filter alone keeps automatic receive's mask (7E8–7EF).
    await send('ATCF7E9');
    expect(ids((await send('0100')).text)).toEqual(['7E8', '7E9']);
    // AT D restores the defaults.
    await send('ATCM7FF');
    expect(ids((await send('0100')).text)).toEqual(['7E9']);
    await send('ATD');
    await send('ATE0');
    await send('ATH1');
    expect(ids((await send('0100')).text)).toEqual(['7E8', '7E9']);
    // Wrong lengths and digits are refused.
    for (const bad of ['ATCF7E', 'ATCM7E9A', 'ATCFXE8', 'ATCF7G9']) expect((await send(bad)).text).toBe('?');
  });

  it('29-bit: eight digits, the three top bits ignored; 18 DA F1 xx by filter and mask', async () => {
    const { send } = rig({ extended: true });
    for (const c of ['ATE0', 'ATH1', 'ATSP7']) await send(c);
    expect(ids((await send('0100')).text)).toEqual(['18DAF110', '18DAF118']);
    await send('ATCF18DAF118');
    await send('ATCMFFFFFFFF');
    expect(ids((await send('0100')).text)).toEqual(['18DAF118']);
    // Everything addressed to the tester (F1), from any ECU.
    await send('ATCM1FFFFF00');
    expect(ids((await send('0100')).text)).toEqual(['18DAF110', '18DAF118']);
    expect((await send('ATCRA18DAF110')).text).toBe('OK');
    expect(ids((await send('0100')).text)).toEqual(['18DAF110']);
    // An 11-bit filter on 29-bit ids compares the low 11 bits only: F1 10 ≠ 7E8.
    await send('ATCRA7E8');
    expect((await send('0100')).text).toBe('NO DATA');
  });
});

describe('flow control: block size and STmin (AT FC SD 30 BS ST), the chip sending each flow control', () => {
  /** The answer's frames as the bus carried them, after the request. */
  const exchange = (frames: BusFrame[]) => frames.slice(frames.findIndex((f) => f.data[1] === 0x22) + 1);
  const kind = (f: BusFrame) =>
    f.from === 'adapter' ? `FC ${f.data[1]} ${f.data[2]}` : (f.data[0]! >> 4).toString();

  it('mode 0: one flow control 30 00 00, the 8 consecutive frames back to back', async () => {
    const { send, frames } = rig();
    await setup(send);
    await send('ATSH7E0');
    const r = await send('220101');
    expect(r.text.split('\r')).toHaveLength(9);
    const ex = exchange(frames);
    expect(ex.map(kind)).toEqual(['1', 'FC 0 0', '2', '2', '2', '2', '2', '2', '2', '2']);
    expect(ex[1]!.id).toBe(0x7e0);
  });

  it('BS 2, STmin 10 ms: two frames, a wait for the flow control the chip sends, two frames …; same text, 40 ms longer', async () => {
    const { send, frames } = rig();
    await setup(send);
    await send('ATSH7E0');
    const plain = await send('220101');
    frames.length = 0;
    for (const c of ['ATFCSH7E0', 'ATFCSD30020A', 'ATFCSM1']) expect((await send(c)).text).toBe('OK');
    const blocks = await send('220101');
    // The chip shows the same answer: blocks change the bus, not what is printed.
    expect(blocks.text).toBe(plain.text);
    const ex = exchange(frames);
    expect(ex.map(kind)).toEqual([
      ...['1', 'FC 2 10', '2', '2'],
      ...['FC 2 10', '2', '2'],
      ...['FC 2 10', '2', '2'],
      ...['FC 2 10', '2', '2'],
    ]);
    // Every flow control goes to the ECU's request id, as AT FC SH set it.
    expect(ex.filter((f) => f.from === 'adapter').every((f) => f.id === 0x7e0)).toBe(true);
    // The ISO 15765-2 sequence numbers run 1…8 across the blocks.
    expect(ex.filter((f) => f.data[0]! >> 4 === 2).map((f) => f.data[0]! & 0x0f)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8,
    ]);
    // Within a block the second frame ends STmin (10 ms) plus one frame (125 bits at 500 kbit/s =
    // 0.25 ms) after the first.
    const cf = ex.filter((f) => f.from === 'ecu' && f.data[0]! >> 4 === 2);
    for (let i = 0; i < cf.length; i += 2) expect(cf[i + 1]!.t - cf[i]!.t).toBeCloseTo(10.25, 6);
    // Four STmin gaps (one per block) and three more flow controls of 0.25 ms each: 40.75 ms more.
    expect(blocks.ms - plain.ms).toBeGreaterThanOrEqual(40);
    expect(blocks.ms - plain.ms).toBeLessThanOrEqual(42);
  });

  it('mode 2 (data only, automatic header), STmin in 100 µs steps (F5 = 0.5 ms), BS 3', async () => {
    const { send, frames } = rig();
    await setup(send);
    await send('ATSH7E0');
    for (const c of ['ATFCSD3003F5', 'ATFCSM2']) expect((await send(c)).text).toBe('OK');
    await send('220101');
    const ex = exchange(frames);
    expect(ex.map(kind)).toEqual([
      '1',
      'FC 3 245',
      '2',
      '2',
      '2',
      'FC 3 245',
      '2',
      '2',
      '2',
      'FC 3 245',
      '2',
      '2',
    ]);
    // Automatic header: 7E8 − 8.
    expect(ex[1]!.id).toBe(0x7e0);
    const cf = ex.filter((f) => f.from === 'ecu' && f.data[0]! >> 4 === 2);
    expect(cf[1]!.t - cf[0]!.t).toBeCloseTo(0.75, 6);
  });

  it('AT CFC0: no flow control, so the ECU sends its first frame alone; CFC1 restores them', async () => {
    const { send, frames } = rig();
    await setup(send);
    await send('ATSH7E0');
    expect((await send('ATCFC0')).text).toBe('OK');
    const r = await send('220101');
    expect(r.text.split('\r')).toHaveLength(1);
    expect(r.text).toMatch(/^7E8 10 3E 62 01 01/);
    expect(exchange(frames).map(kind)).toEqual(['1']);
    expect((await send('ATCFC1')).text).toBe('OK');
    expect((await send('220101')).text.split('\r')).toHaveLength(9);
  });
});

describe('filters and blocks over TCP and a socat pseudo-terminal, in real time', () => {
  async function dialogue(
    open: (emu: Elm327Emulator) => Promise<{ stream: Duplex; close(): Promise<void> }>,
  ) {
    const frames: BusFrame[] = [];
    const emu = new Elm327Emulator({
      responder: car(),
      clock: systemClock,
      baud: 0,
      latencyMs: 5,
      onBusFrame: (f) => frames.push(f),
    });
    const { stream, close } = await open(emu);
    try {
      const send = terminal(stream, systemClock);
      for (const c of ['ATE0', 'ATH1', 'ATSP6', 'ATST19']) await send(c);
      expect(ids((await send('0100')).text)).toEqual(['7E8', '7E9']);
      await send('ATCF7E9');
      await send('ATCM7FF');
      expect(ids((await send('0100')).text)).toEqual(['7E9']);
      await send('ATAR');
      await send('ATSH7E0');
      for (const c of ['ATFCSH7E0', 'ATFCSD300214', 'ATFCSM1']) expect((await send(c)).text).toBe('OK');
      frames.length = 0;
      const r = await send('220101');
      expect(r.text.split('\r')).toHaveLength(9);
      // Four blocks of two, STmin 20 ms: at least 80 ms of gaps on the bus, and on the wall clock.
      expect(frames.filter((f) => f.from === 'adapter' && f.data[0] === 0x30)).toHaveLength(4);
      expect(r.ms).toBeGreaterThanOrEqual(80);
    } finally {
      stream.destroy();
      await close();
      emu.close();
    }
  }

  it('over TCP', { timeout: 30_000 }, async () => {
    await dialogue(lineOverTcp);
  });

  const socat = requireOracle('socat', programRuns('socat', ['-V']));
  it.skipIf(socat.missing)(`over a socat pseudo-terminal${socat.skipNote}`, { timeout: 30_000 }, async () => {
    await dialogue(lineOverPty);
  });
});
