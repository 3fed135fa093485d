import { FUNCTIONAL, physical } from '@atelier/obd';
import { afterEach, describe, expect, it } from 'vitest';
import { programRuns, requireOracle } from '../../../tests/support/index.js';
import { Elm327Link } from './client.js';
import { DemoCar } from './demo.js';
import { Elm327Emulator } from './emulator.js';
import { releaseStream } from './io.js';
import { loadProfiles } from './profile.js';
import { servePty, serveTcp } from './server.js';
import { openSerial, openTcp, probeBaud } from './transport.js';

/** Real sockets and a real pseudo-terminal, real time: the emulator as external tools see it. */
const socat = requireOracle('socat', programRuns('socat', ['-V']));
const hasSocat = !socat.missing;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('client and emulator over real transports', () => {
  it('over TCP: start-up, PIDs, VIN, DTCs', async () => {
    const emu = new Elm327Emulator({ responder: new DemoCar(), baud: 0, latencyMs: 2 });
    const tcp = await serveTcp(emu, { port: 0 });
    cleanups.push(tcp.close);
    const link = await Elm327Link.connect({
      open: () => openTcp('127.0.0.1', tcp.port),
      profiles: loadProfiles(),
    });
    cleanups.push(() => link.close());
    expect(link.adapter?.protocol.id).toBe('6');
    const [rpm] = await link.request({ target: physical(0x7e0), data: Uint8Array.of(0x01, 0x0c) });
    expect(rpm!.data[1]).toBe(0x0c);
    const dtcs = await link.request({ target: FUNCTIONAL, data: Uint8Array.of(0x03) });
    expect(dtcs.find((r) => r.ecu === 0x7e8)!.data[1]).toBe(2);
  });

  it.skipIf(!hasSocat)(
    `over a pseudo-terminal made by socat, through serialport${socat.skipNote}`,
    async () => {
      const emu = new Elm327Emulator({ responder: new DemoCar(), baud: 38_400, latencyMs: 5 });
      const pty = await servePty(emu);
      cleanups.push(pty.close);
      // socat polls for the terminal being opened about once a second: allow for it.
      const probe = await probeBaud((b) => openSerial(pty.path, b), [38_400], 3_000);
      expect(probe.baud).toBe(38_400);
      let first: typeof probe.stream | undefined = probe.stream;
      const open = async () => {
        const s = first ?? (await openSerial(pty.path, probe.baud));
        first = undefined;
        return s;
      };
      const link = await Elm327Link.connect({ open, profiles: loadProfiles() });
      cleanups.push(() => link.close());
      const [vin] = await link.request({ target: FUNCTIONAL, data: Uint8Array.of(0x09, 0x02) });
      expect(String.fromCharCode(...vin!.data.slice(3))).toBe('VF1RFB00X64123456');
    },
  );
});

describe('a pseudo-terminal that speaks only at the emulator baud rate', () => {
  it.skipIf(!hasSocat)(
    'answers a probe at 115,200 and only noise at the rates before it (skipped without socat)',
    async () => {
      const emu = new Elm327Emulator({ responder: new DemoCar(), baud: 115_200, latencyMs: 1 });
      const pty = await servePty(emu, { strictBaud: true });
      cleanups.push(pty.close);
      // At 38,400 the banner and the answer to a CR arrive, but as noise: no text, no prompt.
      const wrong = await openSerial(pty.path, 38_400);
      const heard: number[] = [];
      wrong.on('data', (d: Buffer) => heard.push(...d));
      wrong.write('\r');
      // (generous: socat on a loaded CI machine can take seconds; the test is about what arrives)
      const until = Date.now() + 15_000;
      while (heard.length < 20 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      await releaseStream(wrong);
      expect(heard.length).toBeGreaterThanOrEqual(20);
      expect(heard.every((b) => b >= 0x80)).toBe(true);
      const probe = await probeBaud((b) => openSerial(pty.path, b), [38_400, 9_600, 115_200], 1_000);
      cleanups.push(() => releaseStream(probe.stream));
      expect(probe.baud).toBe(115_200);
    },
  );
});
