import type { Duplex } from 'node:stream';
import { systemClock, VirtualClock } from '@atelier/clock';
import { physical, type Responder, type ResponderAnswer } from '@atelier/obd';
import { describe, expect, it } from 'vitest';
import { programRuns, requireOracle } from '../../../tests/support/index.js';
import { Elm327Link } from './client.js';
import { type BusFrame, Elm327Emulator } from './emulator.js';
import { duplexPair } from './pair.js';
import { GENUINE } from './profile.js';
import { servePty, serveTcp } from './server.js';
import { Transcript } from './transcript.js';
import { openSerial, openTcp } from './transport.js';

/**
 * ISO 15765-2 extended addressing, the way BMW reaches its ECUs: every frame on 0x6F1 starts with
 * the target ECU's address (0x12, the engine), every frame of the ECU's answer on 0x612 with the
 * tester's (0xF1), the PCI byte after it. The ELM327 does it with AT CEA hh (datasheet v2.3: the
 * byte inserted first in every CAN message it sends, flow controls included; received messages pass
 * only with the tester address, AT TA, first). The oracle for the frames is the standard's byte
 * layout written out by hand below, not the emulator's segmentation.
 */

/** "WBA3A5C51CF256651" as UDS 22 F1 90 answers it: 20 bytes, a first frame and three consecutive. */
const VIN = 'WBA3A5C51CF256651';
const VIN_ANSWER = Uint8Array.from([0x62, 0xf1, 0x90, ...Buffer.from(VIN, 'latin1')]);

/** A BMW-style engine ECU (0x12 behind 0x6F1, answering on 0x612) and an OBD engine ECU on 7E0/7E8. */
function bmw(): Responder {
  return {
    ecus: () => [
      { request: 0x6f1, response: 0x612, extended: false },
      { request: 0x7e0, response: 0x7e8, extended: false },
    ],
    respond(req): ResponderAnswer[] {
      const at = (a: number) => req.target.kind === 'physical' && req.target.address === a;
      const hex = Buffer.from(req.data).toString('hex');
      // The gateway on 0x6F1 reads the first byte as the target's address: without one, nobody.
      if (at(0x6f1) && req.addressExtension === 0x12) {
        if (hex === '22f190') return [{ ecu: 0x612, data: VIN_ANSWER, addressExtension: 0xf1 }];
        if (hex === '1003')
          return [
            { ecu: 0x612, data: Uint8Array.of(0x50, 0x03, 0x00, 0x32, 0x01, 0xf4), addressExtension: 0xf1 },
          ];
      }
      if (
        req.addressExtension === undefined &&
        (at(0x7e0) || req.target.kind === 'functional') &&
        hex === '0100'
      )
        return [{ ecu: 0x7e8, data: Uint8Array.of(0x41, 0x00, 0xbe, 0x3f, 0xb8, 0x13) }];
      return [];
    },
  };
}

/** The bytes of a frame as ISO 15765-2 lays them out (hex, spaces ignored), padded with 00 to 8. */
const frame = (hex: string) => {
  const b = Buffer.from(hex.replace(/ /g, ''), 'hex');
  return Uint8Array.from([...b, ...new Array(8 - b.length).fill(0)]);
};

function rig(profile = GENUINE) {
  const clock = new VirtualClock();
  const frames: BusFrame[] = [];
  const emu = new Elm327Emulator({
    responder: bmw(),
    profile,
    clock,
    baud: 0,
    latencyMs: 10,
    onBusFrame: (f) => frames.push(f),
  });
  const [term, port] = duplexPair();
  emu.attach(port);
  let buf = '';
  term.on('data', (d: Buffer) => {
    buf += d.toString('latin1');
  });
  const send = async (cmd: string): Promise<string> => {
    const since = clock.now();
    while (!buf.includes('>')) {
      if (clock.now() - since > 10_000) throw new Error(`no prompt: ${JSON.stringify(buf)}`);
      await clock.advance(1);
    }
    buf = '';
    term.write(`${cmd}\r`);
    const start = clock.now();
    while (!buf.includes('>')) {
      if (clock.now() - start > 10_000) throw new Error(`no prompt after ${cmd}: ${JSON.stringify(buf)}`);
      await clock.advance(1);
    }
    return buf
      .slice(0, buf.indexOf('>'))
      .split('\r')
      .map((l) => l.trim())
      .filter((l) => l && l !== cmd)
      .join('\n');
  };
  return { send, frames };
}

describe('AT CEA hh: the emulator puts the extended address in every frame it sends and filters on the tester address', () => {
  it('22 F1 90 to the BMW engine ECU: the frames on the bus are ISO 15765-2 extended addressing, byte for byte', async () => {
    const { send, frames } = rig();
    for (const c of ['ATE0', 'ATH1', 'ATSP6', 'ATSH6F1', 'ATCRA612']) expect(await send(c)).toBe('OK');
    // Without the extended address the gateway sees no target: nobody answers.
    expect(await send('22F190')).toBe('NO DATA');
    // Flow controls to 0x6F1 (mode 0 would send them to 0x612 − 8 = 0x60A).
    for (const c of ['ATFCSH6F1', 'ATFCSD300000', 'ATFCSM1', 'ATCEA12']) expect(await send(c)).toBe('OK');
    frames.length = 0;
    expect(await send('22F190')).toBe(
      [
        '612 F1 10 14 62 F1 90 57 42',
        '612 F1 21 41 33 41 35 43 35',
        '612 F1 22 31 43 46 32 35 36',
        '612 F1 23 36 35 31 00 00 00',
      ].join('\n'),
    );
    expect(frames.map((f) => [f.id.toString(16), [...f.data]])).toEqual(
      [
        [0x6f1, '12 03 22 F1 90'], // the request: target address, single frame of 3
        [0x612, 'F1 10 14 62 F1 90 57 42'], // first frame: tester address, 0x014 = 20 bytes, 5 of them
        [0x6f1, '12 30 00 00'], // the adapter's flow control, the target address first
        [0x612, 'F1 21 41 33 41 35 43 35'], // consecutive frames: 6 bytes each
        [0x612, 'F1 22 31 43 46 32 35 36'],
        [0x612, 'F1 23 36 35 31'],
      ].map(([id, hex]) => [(id as number).toString(16), [...frame(hex as string)]]),
    );
  });

  it('headers off: the address byte goes with the PCI; a single frame holds 6 bytes, a request of 7 is refused', async () => {
    const { send } = rig();
    for (const c of [
      'ATE0',
      'ATH0',
      'ATSP6',
      'ATSH6F1',
      'ATCRA612',
      'ATFCSH6F1',
      'ATFCSD300000',
      'ATFCSM1',
      'ATCEA12',
    ])
      expect(await send(c)).toBe('OK');
    expect(await send('1003')).toBe('50 03 00 32 01 F4');
    expect(await send('22F190')).toBe(
      // The last frame's padding printed, as the chip prints it without extended addressing.
      [
        '014',
        '0: 62 F1 90 57 42',
        '1: 41 33 41 35 43 35',
        '2: 31 43 46 32 35 36',
        '3: 36 35 31 00 00 00',
      ].join('\n'),
    );
    expect(await send('22F19001020304')).toBe('?');
  });

  it('mode 0 flow control goes to 0x612 − 8 = 0x60A: the ECU never gets it and sends its first frame alone', async () => {
    const { send, frames } = rig();
    for (const c of ['ATE0', 'ATH1', 'ATSP6', 'ATSH6F1', 'ATCRA612', 'ATCEA12']) await send(c);
    frames.length = 0;
    expect(await send('22F190')).toBe('612 F1 10 14 62 F1 90 57 42');
    expect(frames.filter((f) => f.from === 'ecu').map((f) => f.data[1]! >> 4)).toEqual([1]);
  });

  it('the tester address filters (AT TA), AT CEA turns it off, AT D resets it; an answer in extended addressing without CEA is no answer', async () => {
    const { send } = rig();
    for (const c of ['ATE0', 'ATH1', 'ATSP6', 'ATSH6F1', 'ATCRA612', 'ATCEA12']) await send(c);
    expect(await send('1003')).toBe('612 F1 06 50 03 00 32 01 F4');
    // Answers addressed to F1 are not for tester F2.
    expect(await send('ATTAF2')).toBe('OK');
    expect(await send('1003')).toBe('NO DATA');
    expect(await send('ATTAF1')).toBe('OK');
    expect(await send('ATCEA')).toBe('OK');
    expect(await send('1003')).toBe('NO DATA');
    await send('ATCEA12');
    expect(await send('ATD')).toBe('OK');
    for (const c of ['ATE0', 'ATH1', 'ATSP6', 'ATSH6F1', 'ATCRA612']) await send(c);
    expect(await send('1003')).toBe('NO DATA');
  });

  it('an adapter older than v1.4 answers ? to AT CEA and AT CSM; a v2 chip accepts AT CSM0/1', async () => {
    const { send } = rig();
    await send('ATE0');
    expect(await send('ATCSM0')).toBe('OK');
    expect(await send('ATCSM1')).toBe('OK');
    const old = rig({ ...GENUINE, quirks: { ...GENUINE.quirks, atLevel: 1.3 } });
    await old.send('ATE0');
    for (const c of ['ATCEA12', 'ATCEA', 'ATCSM1']) expect(await old.send(c)).toBe('?');
  });
});

/** The client reading the BMW ECU through AT CEA, on each way to the emulator. */
describe('Elm327Link with LinkRequest.addressExtension (BMW-style ECU)', () => {
  const DME = { target: physical(0x6f1), responseId: 0x612, addressExtension: 0x12 };

  async function readVin(
    open: (emu: Elm327Emulator) => Promise<{ stream: Duplex; close(): Promise<void> }>,
    real: boolean,
  ) {
    const clock = real ? systemClock : new VirtualClock();
    const frames: BusFrame[] = [];
    const emu = new Elm327Emulator({
      responder: bmw(),
      clock,
      baud: real ? 0 : 38_400,
      latencyMs: 5,
      onBusFrame: (f) => frames.push(f),
    });
    const { stream, close } = await open(emu);
    const transcript = new Transcript(clock);
    const link = new Elm327Link({ clock, transcript, open: async () => stream });
    const run = <T>(p: Promise<T>) => (clock instanceof VirtualClock ? clock.run(p) : p);
    try {
      await run(link.start());
      const sent = () =>
        transcript.entries
          .splice(0)
          .filter((e) => e.dir === 'tx')
          .map((e) => e.data.trim());
      sent();
      frames.length = 0;
      const [vin] = await run(link.request({ ...DME, data: Uint8Array.of(0x22, 0xf1, 0x90) }));
      expect(vin).toMatchObject({ ecu: 0x612, data: VIN_ANSWER });
      expect(Buffer.from(vin!.data.slice(3)).toString('latin1')).toBe(VIN);
      expect(sent()).toEqual([
        'ATSH6F1',
        'ATCRA612',
        'ATFCSH6F1',
        'ATFCSD300000',
        'ATFCSM1',
        'ATCEA12',
        '22F190',
      ]);
      // The request and the flow control on the bus carry the ECU's address first.
      expect([...frames[0]!.data.slice(0, 5)]).toEqual([0x12, 0x03, 0x22, 0xf1, 0x90]);
      expect([...frames.find((f) => f.from === 'adapter' && f.data[1] === 0x30)!.data.slice(0, 4)]).toEqual([
        0x12, 0x30, 0x00, 0x00,
      ]);
      // The same ECU again: nothing to set.
      const [session] = await run(link.request({ ...DME, data: Uint8Array.of(0x10, 0x03) }));
      expect(session!.data).toEqual(Uint8Array.of(0x50, 0x03, 0x00, 0x32, 0x01, 0xf4));
      expect(sent()).toEqual(['1003']);
      // Back to OBD on 7E0: extended addressing off, the defaults restored.
      const [obd] = await run(link.request({ target: physical(0x7e0), data: Uint8Array.of(0x01, 0x00) }));
      expect(obd!.ecu).toBe(0x7e8);
      expect(sent()).toEqual(['ATSH7E0', 'ATAR', 'ATFCSM0', 'ATCEA', '0100']);
    } finally {
      await run(link.close()).catch(() => {});
      stream.destroy();
      await close();
      emu.close();
    }
  }

  it('in-memory line, virtual time', async () => {
    await readVin(async (emu) => {
      const [a, b] = duplexPair();
      emu.attach(b);
      return { stream: a, close: async () => {} };
    }, false);
  });

  it('over TCP', { timeout: 30_000 }, async () => {
    await readVin(async (emu) => {
      const tcp = await serveTcp(emu, { port: 0 });
      return { stream: await openTcp('127.0.0.1', tcp.port), close: () => tcp.close() };
    }, true);
  });

  const socat = requireOracle('socat', programRuns('socat', ['-V']));
  it.skipIf(socat.missing)(`over a socat pseudo-terminal${socat.skipNote}`, { timeout: 30_000 }, async () => {
    await readVin(async (emu) => {
      const pty = await servePty(emu);
      return { stream: await openSerial(pty.path, 38_400), close: () => pty.close() };
    }, true);
  });
});
