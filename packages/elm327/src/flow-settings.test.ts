import { VirtualClock } from '@atelier/clock';
import { physical, type Responder, type ResponderAnswer } from '@atelier/obd';
import { describe, expect, it } from 'vitest';
import { Elm327Link } from './client.js';
import { type BusFrame, Elm327Emulator } from './emulator.js';
import { duplexPair } from './pair.js';
import { GENUINE } from './profile.js';
import { terminal } from './terminal.test-support.js';
import { Transcript } from './transcript.js';

/**
 * The flow-control settings as the ELM327 datasheet (v2.3, "Altering Flow Control Messages" and the
 * AT command list) gives them, checked on what the emulated bus carries:
 *
 * - `AT FC SH` takes 3 hex digits (11-bit: the right-most 11 bits) or 8 (29-bit: the right-most
 *   29 bits) — AT SH's 6-digit form is not one of them; it is used in mode 1 only.
 * - `AT FC SD` takes 1 to 5 bytes, sent as given (no PCI added), the rest of the frame filled.
 * - `AT FC SM 0` the chip's id and data (30 00 00), `1` the user's id and data (both must be set
 *   first, else `?`), `2` the user's data with the chip's id (data must be set first).
 * - The commands exist from v1.1.
 * - The chip's AT ST timer restarts at each frame it receives; an STmin longer than it ends the
 *   answer early.
 *
 * Expected ids and bytes are written out by hand from ISO 15765-2's layout, not computed.
 */

/** A 20-byte answer: first frame (10 14 + 6 bytes) and two consecutive frames (21, 22). */
const ANSWER = Uint8Array.from([0x62, 0x02, 0x8c, ...Array.from({ length: 17 }, (_, i) => 0xa0 + i)]);
/** A 62-byte answer: first frame and eight consecutive frames (21 … 28). */
const LONG = Uint8Array.from({ length: 62 }, (_, i) => (i === 0 ? 0x62 : i === 1 || i === 2 ? 0x01 : i));

/**
 * 11-bit: the engine (7E0 → 7E8). 29-bit: the engine (18DA10F1 → 18DAF110) and a battery
 * controller on VW-style ids outside OBD addressing (17FC007B → 17FE007B).
 */
function car(extended: boolean): Responder {
  const ecus = extended
    ? [
        { request: 0x18da10f1, response: 0x18daf110, extended },
        { request: 0x17fc007b, response: 0x17fe007b, extended },
      ]
    : [{ request: 0x7e0, response: 0x7e8, extended }];
  return {
    ecus: () => ecus,
    async respond(req): Promise<ResponderAnswer[]> {
      const to = ecus.filter((e) =>
        req.target.kind === 'functional' ? e === ecus[0] : req.target.address === e.request,
      );
      return to.map((e) => {
        if (req.data[0] === 0x01)
          return { ecu: e.response, data: Uint8Array.of(0x41, 0x00, 0xbe, 0x3f, 0xb8, 0x13) };
        if (req.data[0] === 0x22 && req.data[1] === 0x01) return { ecu: e.response, data: LONG };
        return { ecu: e.response, data: ANSWER };
      });
    },
  };
}

/** An emulator on an in-memory line, echo off, and the bus frames it reports. */
async function rig(opts: { extended?: boolean; padding?: number; atLevel?: number } = {}) {
  const clock = new VirtualClock();
  const frames: BusFrame[] = [];
  const profile =
    opts.atLevel === undefined
      ? GENUINE
      : { ...GENUINE, quirks: { ...GENUINE.quirks, atLevel: opts.atLevel } };
  const emu = new Elm327Emulator({
    responder: car(opts.extended ?? false),
    clock,
    baud: 0,
    latencyMs: 10,
    profile,
    vehicleProtocol: opts.extended ? '7' : '6',
    onBusFrame: (f) => frames.push(f),
    ...(opts.padding !== undefined ? { padding: opts.padding } : {}),
  });
  const [term, port] = duplexPair();
  emu.attach(port);
  const send = terminal(term, clock);
  const sendAll = async (...cmds: string[]) => {
    for (const c of cmds) expect((await send(c)).text, c).toBe('OK');
  };
  // Echo on (the power-up default) repeats each command before its answer.
  expect((await send('ATE0')).text).toBe('ATE0\rOK');
  return { send, sendAll, frames };
}

/** A bus frame as `ID: bytes`, the way the tests below write the expected frames. */
const show = (f: BusFrame) =>
  `${f.id.toString(16).toUpperCase()}: ${[...f.data].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ')}`;
/** What the chip printed, line by line (it ends a line with a space after its last byte: dropped). */
const lines = (text: string) => text.split('\r').map((l) => l.trimEnd());
const adapterFrames = (frames: BusFrame[]) => frames.filter((f) => f.from === 'adapter').map(show);

describe('AT FC SH / SD / SM: what the emulator accepts and refuses (datasheet command list)', () => {
  it('FC SH takes 3 or 8 digits, not 6 (AT SH has a 6-digit form, FC SH has not); FC SD 1–5 bytes', async () => {
    const { send } = await rig();
    expect((await send('ATFCSH7E0')).text).toBe('OK');
    expect((await send('AT FC SH 18 DA 10 F1')).text).toBe('OK');
    for (const bad of ['ATFCSHDA10F1', 'ATFCSH7E', 'ATFCSH18DA10F', 'ATFCSHXYZ'])
      expect((await send(bad)).text, bad).toBe('?');
    expect((await send('ATFCSD30')).text).toBe('OK');
    expect((await send('ATFCSD3000000000')).text).toBe('OK');
    expect((await send('ATFCSD300000000000')).text).toBe('?'); // six bytes
    expect((await send('ATFCSD3')).text).toBe('?'); // half a byte
    expect((await send('ATFCSM3')).text).toBe('?');
  });

  it('mode 1 needs a header and data first, mode 2 data; AT D forgets them', async () => {
    const { send } = await rig();
    expect((await send('ATFCSM2')).text).toBe('?');
    expect((await send('ATFCSM1')).text).toBe('?');
    expect((await send('ATFCSD300000')).text).toBe('OK');
    expect((await send('ATFCSM2')).text).toBe('OK');
    expect((await send('ATFCSM1')).text).toBe('?'); // data, but no header yet
    expect((await send('ATFCSH7E0')).text).toBe('OK');
    expect((await send('ATFCSM1')).text).toBe('OK');
    expect((await send('ATFCSM0')).text).toBe('OK');
    expect((await send('ATD')).text).toBe('OK');
    // AT D also turns the echo back on.
    expect((await send('ATFCSM2')).text).toBe('ATFCSM2\r?');
  });

  it('a chip older than v1.1 (the AT FC commands came with it) answers ? to every one', async () => {
    const { send } = await rig({ atLevel: 1.0 });
    for (const c of ['ATFCSH7E0', 'ATFCSD300000', 'ATFCSM0']) expect((await send(c)).text, c).toBe('?');
  });
});

describe('the flow control frames on the bus, mode by mode', () => {
  it('11-bit, the ECUs padding with AA: the chip pads its request and its flow control with 00', async () => {
    const { send, sendAll, frames } = await rig({ padding: 0xaa });
    await sendAll('ATH1', 'ATSP6', 'ATSH7E0');
    const r = await send('22028C');
    expect(lines(r.text)).toEqual([
      '7E8 10 14 62 02 8C A0 A1 A2',
      '7E8 21 A3 A4 A5 A6 A7 A8 A9',
      '7E8 22 AA AB AC AD AE AF B0',
    ]);
    expect(adapterFrames(frames)).toEqual(['7E0: 03 22 02 8C 00 00 00 00', '7E0: 30 00 00 00 00 00 00 00']);
    // The ECU's own frames keep its padding: its last frame is full, so look at a short answer.
    frames.length = 0;
    await send('0100');
    expect(frames.filter((f) => f.from === 'ecu').map(show)).toEqual(['7E8: 06 41 00 BE 3F B8 13 AA']);
  });

  it('mode 1 sends FC SD exactly as given (the datasheet example 00 11 22), which is no clear to send', async () => {
    const { send, sendAll, frames } = await rig({ padding: 0x55 });
    await sendAll('ATH1', 'ATSP6', 'ATSH7E0', 'ATFCSH7E0', 'ATFCSD001122', 'ATFCSM1');
    const r = await send('22028C');
    // Not 30 …: the ECU is not cleared to send, so the chip shows the first frame alone.
    expect(r.text).toBe('7E8 10 14 62 02 8C A0 A1 A2');
    expect(adapterFrames(frames)).toEqual(['7E0: 03 22 02 8C 00 00 00 00', '7E0: 00 11 22 00 00 00 00 00']);
  });

  it('29-bit mode 1: the three top bits of FC SH are ignored (F8DA10F1 is 18DA10F1), so the ECU is reached', async () => {
    const { send, sendAll, frames } = await rig({ extended: true });
    await sendAll('ATH1', 'ATS0', 'ATSP7', 'ATCP18', 'ATSHDA10F1');
    await sendAll('ATFCSHF8DA10F1', 'ATFCSD300000', 'ATFCSM1');
    const r = await send('22028C');
    expect(lines(r.text)).toEqual([
      '18DAF110101462028CA0A1A2',
      '18DAF11021A3A4A5A6A7A8A9',
      '18DAF11022AAABACADAEAFB0',
    ]);
    expect(adapterFrames(frames)).toEqual([
      '18DA10F1: 03 22 02 8C 00 00 00 00',
      '18DA10F1: 30 00 00 00 00 00 00 00',
    ]);
  });

  it('29-bit mode 2: the user data, the chip id (the answer id with its two address bytes swapped)', async () => {
    const { send, sendAll, frames } = await rig({ extended: true });
    await sendAll('ATH1', 'ATS0', 'ATSP7', 'ATCP18', 'ATSHDA10F1');
    // FC SH is set but mode 2 ignores it: the flow control still goes to 18DA10F1.
    await sendAll('ATFCSH17FC007B', 'ATFCSD300102', 'ATFCSM2');
    expect(lines((await send('22028C')).text)).toHaveLength(3);
    expect(adapterFrames(frames)).toEqual([
      '18DA10F1: 03 22 02 8C 00 00 00 00',
      '18DA10F1: 30 01 02 00 00 00 00 00',
      '18DA10F1: 30 01 02 00 00 00 00 00',
    ]);
  });

  it('decided where the datasheet is silent: a 3-digit FC SH on 29-bit CAN is the id 000007E0 (right-justified, as AT CF)', async () => {
    const { send, sendAll, frames } = await rig({ extended: true });
    await sendAll('ATH1', 'ATS0', 'ATSP7', 'ATCP18', 'ATSHDA10F1');
    await sendAll('ATFCSH7E0', 'ATFCSD300000', 'ATFCSM1');
    // The flow control misses the ECU (it listens on 18DA10F1): the first frame alone.
    expect((await send('22028C')).text).toBe('18DAF110101462028CA0A1A2');
    expect(adapterFrames(frames)[1]).toBe('7E0: 30 00 00 00 00 00 00 00');
  });
});

describe('the chip’s AT ST timer between consecutive frames (an STmin longer than the timeout)', () => {
  /** The ECU's consecutive frames' sequence numbers as they crossed the bus. */
  const sequence = (frames: BusFrame[]) =>
    frames.filter((f) => f.from === 'ecu' && f.data[0]! >> 4 === 2).map((f) => f.data[0]! & 0x0f);

  it('ATST05 (20 ms), STmin 25 ms: the chip takes the first frame and one consecutive frame, then stops listening', async () => {
    const { send, sendAll, frames } = await rig();
    await sendAll('ATH1', 'ATSP6', 'ATAT0', 'ATSH7E0', 'ATST05');
    await sendAll('ATFCSH7E0', 'ATFCSD300019', 'ATFCSM1');
    const r = await send('220101');
    expect(lines(r.text)).toEqual(['7E8 10 3E 62 01 01 03 04 05', '7E8 21 06 07 08 09 0A 0B 0C']);
    // The ECU does not know: it sends its whole block (BS 0: everything), 25 ms apart.
    expect(sequence(frames)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // 10 ms latency + two frames (0.25 ms each) + the 20 ms timer: about 30.5 ms, not 8 × 25.
    expect(r.ms).toBeGreaterThanOrEqual(30);
    expect(r.ms).toBeLessThan(35);
  });

  it('headers off: the length line and the frames taken, numbered', async () => {
    const { send, sendAll } = await rig();
    await sendAll('ATH0', 'ATSP6', 'ATAT0', 'ATSH7E0', 'ATST05');
    await sendAll('ATFCSH7E0', 'ATFCSD300019', 'ATFCSM1');
    expect(lines((await send('220101')).text)).toEqual([
      '03E',
      '0: 62 01 01 03 04 05',
      '1: 06 07 08 09 0A 0B 0C',
    ]);
  });

  it('BS 2: the ECU ends its block, and the chip, no longer listening, sends no flow control after it', async () => {
    const { send, sendAll, frames } = await rig();
    await sendAll('ATH1', 'ATSP6', 'ATAT0', 'ATSH7E0', 'ATST05');
    await sendAll('ATFCSH7E0', 'ATFCSD300219', 'ATFCSM1');
    expect(lines((await send('220101')).text)).toHaveLength(2);
    expect(sequence(frames)).toEqual([1, 2]);
    expect(adapterFrames(frames).filter((f) => f.startsWith('7E0: 30'))).toHaveLength(1);
  });

  it('STmin 19 ms under the same 20 ms timer, or the timer at 100 ms: the whole answer', async () => {
    const { send, sendAll } = await rig();
    await sendAll('ATH1', 'ATSP6', 'ATAT0', 'ATSH7E0', 'ATST05');
    await sendAll('ATFCSH7E0', 'ATFCSD300013', 'ATFCSM1');
    expect(lines((await send('220101')).text)).toHaveLength(9);
    await sendAll('ATFCSD300019', 'ATST19');
    expect(lines((await send('220101')).text)).toHaveLength(9);
  });

  it('adaptive timing (AT1, the default) does not shorten the wait between frames: STmin 127 ms under ATST 200 ms', async () => {
    const { send, sendAll } = await rig();
    await sendAll('ATH1', 'ATSP6', 'ATSH7E0');
    await send('0100'); // a quick answer, which shrinks the adaptive wait for the next request
    await sendAll('ATFCSH7E0', 'ATFCSD30007F', 'ATFCSM1');
    expect(lines((await send('220101')).text)).toHaveLength(9);
  });
});

describe('the client through FC SH with 8 digits: an ECU on 29-bit ids outside OBD addressing', () => {
  it('sets CRA, FC SH/SD/SM1 for the battery controller (17FC007B → 17FE007B) and reads its three frames', async () => {
    const clock = new VirtualClock();
    const frames: BusFrame[] = [];
    const emu = new Elm327Emulator({
      responder: car(true),
      clock,
      baud: 38_400,
      latencyMs: 15,
      vehicleProtocol: '7',
      onBusFrame: (f) => frames.push(f),
    });
    const transcript = new Transcript(clock);
    const link = new Elm327Link({
      clock,
      profile: GENUINE,
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
    const [answer] = await clock.run(
      link.request({
        target: physical(0x17fc007b),
        responseId: 0x17fe007b,
        data: Uint8Array.of(0x22, 0x02, 0x8c),
      }),
    );
    expect(answer).toMatchObject({ ecu: 0x17fe007b, data: ANSWER });
    const sent = transcript.entries.filter((e) => e.dir === 'tx').map((e) => e.data.trim());
    expect(sent).toEqual(
      expect.arrayContaining(['ATCRA17FE007B', 'ATFCSH17FC007B', 'ATFCSD300000', 'ATFCSM1']),
    );
    // The flow control went where the ECU listens, with the client's data.
    expect(adapterFrames(frames)).toContain('17FC007B: 30 00 00 00 00 00 00 00');
    await clock.run(link.close());
  });
});
