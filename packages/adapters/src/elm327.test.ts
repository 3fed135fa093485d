/**
 * The elm327: scheme against the ELM327 emulator over real transports: TCP, and a pseudo-terminal
 * made by socat opened through serialport, with baud probing on a line that speaks only at its rate.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '@atelier/clock';
import {
  DemoCar,
  Elm327Emulator,
  loadProfiles,
  profileByName,
  servePty,
  serveTcp,
  Transcript,
} from '@atelier/elm327';
import { DisconnectedError, FUNCTIONAL, LinkError } from '@atelier/obd';
import { afterEach, describe, expect, it } from 'vitest';
import { AdapterSpecError } from './errors.js';
import { expectReleased, hasSocat, openTerminals, resources } from './handles.test-support.js';
import { openAdapter } from './index.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function emulator(options: Partial<ConstructorParameters<typeof Elm327Emulator>[0]> = {}): Elm327Emulator {
  const emu = new Elm327Emulator({ responder: new DemoCar(), baud: 0, latencyMs: 1, ...options });
  cleanups.push(() => emu.close());
  return emu;
}

async function pty(emu: Elm327Emulator, path?: string): Promise<string> {
  const served = await servePty(emu, { strictBaud: true, path });
  cleanups.push(served.close);
  return served.path;
}

/** A TCP port nothing listens on: taken from the system, then freed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

const vin = async (adapter: { link: { request: (r: never) => Promise<{ data: Uint8Array }[]> } }) => {
  const [answer] = await adapter.link.request({
    target: FUNCTIONAL,
    data: Uint8Array.of(0x09, 0x02),
  } as never);
  return Buffer.from(answer!.data.subarray(3)).toString('latin1');
};

describe('elm327:tcp://HOST:PORT', () => {
  it('opens the emulator, records the dialogue as a transcript, and releases everything on close', async () => {
    const tcp = await serveTcp(emulator(), { port: 0 });
    cleanups.push(tcp.close);
    const before = resources();
    let text = '';
    const adapter = await openAdapter(`elm327:tcp://127.0.0.1:${tcp.port}`, {
      traffic: (t) => {
        text += t;
      },
    });
    expect(adapter.trafficFormat).toBe('elm327-transcript');
    expect(adapter.info).toEqual({
      spec: `elm327:tcp://127.0.0.1:${tcp.port}`,
      scheme: 'elm327',
      transport: 'tcp',
      address: `tcp://127.0.0.1:${tcp.port}`,
      version: 'ELM327 v2.3',
      protocol: 'ISO 15765-4 (CAN 11/500)',
      extended: false,
      profile: 'genuine',
    });
    expect(await vin(adapter)).toBe('VF1RFB00X64123456');
    await adapter.close();
    await expectReleased(before);
    // Whole lines, in the transcript format, replayable: ATZ first, the VIN request, ATPC at the close.
    expect(text.endsWith('\n')).toBe(true);
    const entries = Transcript.parse(text);
    const sent = entries.filter((e) => e.dir === 'tx').map((e) => e.data.trim());
    expect(sent[0]).toBe('ATZ');
    expect(sent).toContain('0902');
    expect(sent.at(-1)).toBe('ATPC');
    // …and the adapter got it: its OK came back before the line was dropped.
    const atpc = entries.findIndex((e) => e.dir === 'tx' && e.data.trim() === 'ATPC');
    expect(entries.slice(atpc + 1).some((e) => e.dir === 'rx' && /OK/.test(e.data))).toBe(true);
  });

  it('recognises an adapter by its identification and takes a forced profile by name', async () => {
    const obdlink = profileByName('obdlink', loadProfiles());
    const stn = await serveTcp(emulator({ profile: obdlink }), { port: 0 });
    cleanups.push(stn.close);
    const seen = await openAdapter(`elm327:tcp://127.0.0.1:${stn.port}`);
    cleanups.push(seen.close);
    expect(seen.info).toMatchObject({ profile: 'obdlink', version: obdlink.stnVersion });
    const tcp = await serveTcp(emulator(), { port: 0 });
    cleanups.push(tcp.close);
    const forced = await openAdapter(`elm327:tcp://127.0.0.1:${tcp.port}?profile=clone-v1.5`);
    cleanups.push(forced.close);
    expect(forced.info).toMatchObject({ profile: 'clone-v1.5', version: 'ELM327 v2.3' });
    await expect(openAdapter(`elm327:tcp://127.0.0.1:${tcp.port}?profile=nope`)).rejects.toMatchObject({
      name: 'AdapterSpecError',
      reason: 'unknown-profile',
      message: expect.stringMatching(/known: clone-v1\.5, fake-v2\.1, genuine, obdlink/),
    });
  });

  it('a refused connection is a typed LinkError naming the address, with nothing left open', async () => {
    const port = await closedPort();
    const before = resources();
    const err = await openAdapter(`elm327:tcp://127.0.0.1:${port}`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DisconnectedError);
    expect(err).toMatchObject({ code: 'disconnected' });
    expect((err as Error).message).toContain(`tcp://127.0.0.1:${port}`);
    expect((err as Error).message).toMatch(/ECONNREFUSED/);
    await expectReleased(before);
  });
});

describe('elm327:/dev/… (serial)', () => {
  it('a missing device is a typed LinkError naming the path, at once', async () => {
    // "At once" on the adapter's clock, which stands still here: the error cannot come from a probe,
    // a retry or a timeout (each waits on that clock, and would never end). Wall-clock time is only
    // a backstop: loading the serial-port module alone can take a second on a loaded CI machine.
    const clock = new VirtualClock();
    const t0 = Date.now();
    const err = await openAdapter('elm327:/dev/ttyUSB-atelier-absent', { clock }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DisconnectedError);
    expect(err).toMatchObject({ code: 'disconnected' });
    expect((err as Error).message).toMatch(/^\/dev\/ttyUSB-atelier-absent: no such device/);
    expect((err as DisconnectedError).messageIn('fr')).toBe(
      '/dev/ttyUSB-atelier-absent : aucun périphérique de ce nom (adaptateur branché ? en Bluetooth, appairé et lié par rfcomm bind ?)',
    );
    expect(clock.now()).toBe(0);
    expect(clock.pending).toBe(0);
    expect(Date.now() - t0).toBeLessThan(15_000);
  });

  it('a file that is not a serial port (/dev/null) is refused once, saying so, not probed at six rates', async () => {
    // serialport says "Inappropriate ioctl for device setting custom baud rate of 38400" with no code:
    // the port itself is refused (ENOTTY), whatever the rate.
    const err = await openAdapter('elm327:/dev/null').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DisconnectedError);
    expect((err as Error).message).toMatch(/^\/dev\/null: .*Inappropriate ioctl/);
    expect((err as Error).message).not.toMatch(/9600|115200/);
    expect((err as DisconnectedError).messageIn('fr')).toBe("/dev/null : ce n'est pas un port série [ENOTTY]");
  });

  it('a bad name is refused before the port is touched', async () => {
    await expect(openAdapter('elm327:/dev/ttyUSB0?baud=fast')).rejects.toBeInstanceOf(AdapterSpecError);
  });

  it.skipIf(!hasSocat)(
    'opens the emulator on a socat pseudo-terminal through serialport, probing 38,400 first (skipped without socat)',
    async () => {
      const path = await pty(emulator({ baud: 38_400 }));
      const before = resources();
      const terminals = openTerminals();
      const adapter = await openAdapter(`elm327:${path}`);
      expect(adapter.info).toMatchObject({
        transport: 'serial',
        address: path,
        baud: 38_400,
        baudProbed: true,
        version: 'ELM327 v2.3',
      });
      expect(await vin(adapter)).toBe('VF1RFB00X64123456');
      await adapter.close();
      await expectReleased(before);
      expect(openTerminals()).toBe(terminals);
    },
  );

  it.skipIf(!hasSocat)(
    'the baud probe finds an adapter that speaks only at 115,200 (skipped without socat)',
    async () => {
      const path = await pty(emulator({ baud: 115_200 }));
      const terminals = openTerminals();
      let text = '';
      const adapter = await openAdapter(`elm327:${path}`, {
        traffic: (t) => {
          text += t;
        },
      });
      expect(adapter.info).toMatchObject({ baud: 115_200, baudProbed: true });
      expect(await vin(adapter)).toBe('VF1RFB00X64123456');
      await adapter.close();
      expect(openTerminals()).toBe(terminals);
      // Only the chosen line's dialogue is the session's transcript.
      expect(Transcript.parse(text).some((e) => e.dir === 'rx' && /[\x80-\xff]/.test(e.data))).toBe(false);
      // Given the rate, nothing is probed.
      const given = await openAdapter(`elm327:${path}?baud=115200`);
      expect(given.info).toMatchObject({ baud: 115_200, baudProbed: false });
      await given.close();
    },
  );

  it.skipIf(!hasSocat)(
    'an rfcomm line is Bluetooth serial; an abort while probing releases the port at once (skipped without socat)',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'atelier-bt-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      const path = await pty(emulator({ baud: 115_200 }), join(dir, 'rfcomm0'));
      const bt = await openAdapter(`elm327:${path}?baud=115200`);
      expect(bt.info).toMatchObject({ transport: 'bluetooth', address: path });
      await bt.close();
      const before = resources();
      const terminals = openTerminals();
      const abort = new AbortController();
      setTimeout(() => abort.abort(), 300);
      const t0 = Date.now();
      const err = await openAdapter(`elm327:${path}`, { signal: abort.signal }).catch((e: unknown) => e);
      expect(Date.now() - t0).toBeLessThan(800);
      expect(err).toBeInstanceOf(LinkError);
      expect(err).toMatchObject({ code: 'closed', message: expect.stringMatching(/aborted/) });
      // The rate being tried when the abort came finishes its wait (≤ 1 s), then its port closes.
      await expectReleased(before, 3_000);
      const until = Date.now() + 3_000;
      while (openTerminals() > terminals && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      expect(openTerminals()).toBe(terminals);
    },
  );
});
