import { systemClock, VirtualClock } from '@atelier/clock';
import { describe, expect, it } from 'vitest';
import { programRuns, requireOracle } from '../../../tests/support/index.js';
import { NEW_VIN, vinEmulator } from './caf0.fixture.js';
import type { BusFrame, EcuFlowControl, Elm327Emulator } from './emulator.js';
import { duplexPair } from './pair.js';
import { lineOverPty, lineOverTcp, onLine, type ServedLine, terminal } from './terminal.test-support.js';

/**
 * AT CAF0: the tester frames a request longer than one CAN frame itself (ISO 15765-2), as CanZE,
 * DDT4ALL and Car Scanner do through an ELM327. Every frame below is written out by hand from
 * ISO 15765-2's layout (PCI nibble, length, sequence number), never produced by this package's
 * segmenter, and the ELM327's printing from its datasheet: with formatting off it shows each frame
 * as received, PCI and padding included.
 */

/** The VIN write, 20 bytes (0x14), framed by hand: FF with 3 data bytes, then 7 + 7 in two CFs. */
const FF = '10 14 2E F1 90 56 46 31'; // 10 = first frame, length 0x014; 2E F1 90 'V' 'F' '1'
const CF1 = '21 41 42 30 30 30 31 32'; // 21 = consecutive frame SN 1: 'A' 'B' '0' '0' '0' '1' '2'
const CF2 = '22 33 34 35 36 37 38 39'; // 22 = SN 2: '3' '4' '5' '6' '7' '8' '9'

function rig(flow?: EcuFlowControl) {
  const clock = new VirtualClock();
  const { ecu, emu, frames } = vinEmulator(clock, { flow });
  const [term, port] = duplexPair();
  emu.attach(port);
  return { clock, ecu, emu, frames, send: terminal(term, clock) };
}

const setup = async (send: (c: string) => Promise<{ text: string }>) => {
  // ATE0's own line is still echoed.
  expect((await send('ATE0')).text).toMatch(/OK$/);
  for (const c of ['ATH1', 'ATSP6', 'ATSH7E0']) expect((await send(c)).text).toBe('OK');
};
const hex = (f: BusFrame) =>
  Array.from(f.data, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');

describe('the emulator with AT CAF0: one line, one raw frame; the ECU runs an ISO 15765-2 receiver', () => {
  it('with auto formatting a request longer than one single frame (7 bytes) is refused', async () => {
    const { send, ecu } = rig();
    await setup(send);
    expect((await send('2EF19056463141423030')).text).toBe('?');
    expect(ecu.writes).toHaveLength(0);
  });

  it('writes the VIN: FF → the ECU’s flow control shown raw, CF 1 → nothing, CF 2 → 6E F1 90', async () => {
    const { send, ecu, frames } = rig();
    await setup(send);
    expect((await send('ATCAF0')).text).toBe('OK');
    expect((await send(FF)).text).toBe('7E8 30 00 00 AA AA AA AA AA');
    // A consecutive frame that does not complete the request gets no answer: the chip times out.
    expect((await send(CF1)).text).toBe('NO DATA');
    expect((await send(CF2)).text).toBe('7E8 03 6E F1 90 AA AA AA AA');
    expect(ecu.vin).toBe(NEW_VIN);
    // On the bus: the tester's three frames exactly as written, to 7E0, and the ECU's flow control.
    expect(frames.map((f) => `${f.id.toString(16).toUpperCase()} ${hex(f)}`)).toEqual([
      `7E0 ${FF}`,
      '7E8 30 00 00 AA AA AA AA AA',
      `7E0 ${CF1}`,
      `7E0 ${CF2}`,
      '7E8 03 6E F1 90 AA AA AA AA',
    ]);
    // Read back, still with formatting off: every frame with its PCI (the chip sends the flow control).
    expect((await send('03 22 F1 90')).text.split('\r').map((l) => l.trim())).toEqual([
      '7E8 10 14 62 F1 90 56 46 31',
      '7E8 21 41 42 30 30 30 31 32',
      '7E8 22 33 34 35 36 37 38 39',
    ]);
    // Headers off: the same frames without their id, still PCI and padding included.
    await send('ATH0');
    expect((await send('0322F190')).text.split('\r').map((l) => l.trim())[0]).toBe('10 14 62 F1 90 56 46 31');
    expect((await send('0322F199')).text).toBe('03 7F 22 11 AA AA AA AA');
    // Back to CAF1: the chip formats again.
    await send('ATCAF1');
    expect((await send('22F199')).text).toBe('7F 22 11');
  });

  it('pads a short frame to 8 bytes with 00 (AT V0, the default), sends it as written with AT V1', async () => {
    const { send, frames } = rig();
    await setup(send);
    await send('ATCAF0');
    await send('0322F190');
    expect(hex(frames[0]!)).toBe('03 22 F1 90 00 00 00 00');
    frames.length = 0;
    expect((await send('ATV1')).text).toBe('OK');
    await send('0322F190');
    expect(hex(frames[0]!)).toBe('03 22 F1 90');
    // Nine bytes do not fit a CAN frame.
    expect((await send('0322F1900000000000')).text).toBe('?');
    // AT D: back to V0 and CAF1, where 03 is a service id again (the ECU refuses it: 7F 03 11).
    await send('ATD');
    await setup(send);
    expect((await send('0322F190')).text).toBe('7E8 03 7F 03 11 AA AA AA AA');
  });

  it('block size 1, STmin 10 ms: a flow control after every consecutive frame', async () => {
    const { send, ecu } = rig({ bs: 1, stMin: 0x0a });
    await setup(send);
    await send('ATCAF0');
    expect((await send(FF)).text).toBe('7E8 30 01 0A AA AA AA AA AA');
    expect((await send(CF1)).text).toBe('7E8 30 01 0A AA AA AA AA AA');
    expect((await send(CF2)).text).toBe('7E8 03 6E F1 90 AA AA AA AA');
    expect(ecu.vin).toBe(NEW_VIN);
  });

  it('FC.WAIT frames before clear to send; FC.OVFLW for a request beyond the ECU’s buffer; silence', async () => {
    let r = rig({ waits: 2 });
    await setup(r.send);
    await r.send('ATCAF0');
    expect((await r.send(FF)).text.split('\r').map((l) => l.trim())).toEqual([
      '7E8 31 00 00 AA AA AA AA AA',
      '7E8 31 00 00 AA AA AA AA AA',
      '7E8 30 00 00 AA AA AA AA AA',
    ]);
    r = rig({ maxLength: 16 });
    await setup(r.send);
    await r.send('ATCAF0');
    expect((await r.send(FF)).text).toBe('7E8 32 00 00 AA AA AA AA AA');
    // No reception was opened: the consecutive frames fall on deaf ears.
    expect((await r.send(CF1)).text).toBe('NO DATA');
    expect((await r.send(CF2)).text).toBe('NO DATA');
    expect(r.ecu.writes).toHaveLength(0);
    r = rig({ silent: true });
    await setup(r.send);
    await r.send('ATCAF0');
    expect((await r.send(FF)).text).toBe('NO DATA');
  });

  it('what ISO 15765-2 says a receiver ignores: a wrong sequence number (and what follows), a functional first frame, N_Cr', async () => {
    const { send, ecu, clock } = rig();
    await setup(send);
    await send('ATCAF0');
    await send(FF);
    // SN 2 where 1 was due: the reception is abandoned, the right frames after it too.
    expect((await send(CF2)).text).toBe('NO DATA');
    expect((await send(CF1)).text).toBe('NO DATA');
    expect(ecu.writes).toHaveLength(0);
    // A first frame to the functional id 7DF: no one answers it.
    await send('ATSH7DF');
    expect((await send(FF)).text).toBe('NO DATA');
    // More than N_Cr (1000 ms) between two consecutive frames.
    await send('ATSH7E0');
    await send(FF);
    await clock.advance(1_200);
    expect((await send(CF1)).text).toBe('NO DATA');
    expect((await send(CF2)).text).toBe('NO DATA');
    expect(ecu.writes).toHaveLength(0);
    // A first frame to the other ECU (7E1) opens no reception at 7E0's ECU.
    await send('ATSH7E1');
    expect((await send(FF)).text).toBe('7E9 30 00 00 AA AA AA AA AA');
  });

  it('a single frame written by hand reaches the ECU like a formatted request', async () => {
    const { send } = rig();
    await setup(send);
    await send('ATCAF0');
    await send('ATSH7DF');
    const lines = (await send('02 01 00')).text
      .split('\r')
      .map((l) => l.trim())
      .sort();
    expect(lines).toEqual(['7E8 06 41 00 98 18 00 01 AA', '7E9 06 41 00 98 18 00 01 AA']);
  });
});

describe('the VIN write by hand over TCP and a socat pseudo-terminal, in real time', () => {
  async function dialogue(open: (emu: Elm327Emulator) => Promise<ServedLine>) {
    const { ecu, emu } = vinEmulator(systemClock, { flow: { bs: 1, stMin: 0x14 } });
    await onLine(emu, open, async (stream) => {
      const send = terminal(stream, systemClock);
      for (const c of ['ATE0', 'ATH1', 'ATSP6', 'ATST19', 'ATSH7E0', 'ATCAF0']) await send(c);
      expect((await send(FF)).text).toBe('7E8 30 01 14 AA AA AA AA AA');
      expect((await send(CF1)).text).toBe('7E8 30 01 14 AA AA AA AA AA');
      expect((await send(CF2)).text).toBe('7E8 03 6E F1 90 AA AA AA AA');
      expect(ecu.vin).toBe(NEW_VIN);
      expect((await send('ATCAF1')).text).toBe('OK');
    });
  }

  it('over TCP', { timeout: 30_000 }, async () => {
    await dialogue(lineOverTcp);
  });

  const socat = requireOracle('socat', programRuns('socat', ['-V']));
  it.skipIf(socat.missing)(`over a socat pseudo-terminal${socat.skipNote}`, { timeout: 30_000 }, async () => {
    await dialogue(lineOverPty);
  });
});
