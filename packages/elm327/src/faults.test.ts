import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { VirtualClock } from '@atelier/clock';
import { DisconnectedError, physical } from '@atelier/obd';
import { describe, expect, it } from 'vitest';
import { Elm327Link } from './client.js';
import { DemoCar } from './demo.js';
import { Elm327Emulator } from './emulator.js';
import { ElmDataError } from './errors.js';
import { duplexPair } from './pair.js';
import { serveTcp } from './server.js';
import { Transcript } from './transcript.js';
import { openTcp } from './transport.js';

const rpm = { target: physical(0x7e0), data: Uint8Array.of(0x01, 0x0c) };

/** A client on an in-memory line whose adapter end the test can pull out or spoil. */
async function rig() {
  const clock = new VirtualClock();
  const emu = new Elm327Emulator({ responder: new DemoCar(), clock, baud: 38_400, latencyMs: 40 });
  const transcript = new Transcript(clock);
  const lines: { client: Duplex; adapter: Duplex }[] = [];
  const link = new Elm327Link({
    clock,
    transcript,
    open: async () => {
      const [client, adapter] = duplexPair();
      emu.attach(adapter);
      lines.push({ client, adapter });
      return client;
    },
  });
  await clock.run(link.start());
  return { clock, link, transcript, lines };
}

describe('faults', () => {
  it('unplugged mid-request: DisconnectedError, the transcript keeps everything, reconnect works', async () => {
    const { clock, link, transcript, lines } = await rig();
    const before = await clock.run(link.request(rpm));
    const pending = link.request(rpm);
    pending.catch(() => {});
    await clock.advance(10);
    const recorded = transcript.entries.length;
    lines[0]!.adapter.destroy();
    const err = await clock.run(pending).catch((e) => e);
    expect(err).toBeInstanceOf(DisconnectedError);
    // Nothing recorded is lost: every earlier entry is still there, plus the disconnection note.
    expect(transcript.entries.length).toBeGreaterThan(recorded);
    expect(transcript.entries.some((e) => e.dir === 'note' && /disconnected/.test(e.data))).toBe(true);
    expect(transcript.entries.some((e) => e.dir === 'tx' && e.data === '010C1\r')).toBe(true);
    expect(before[0]!.data[1]).toBe(0x0c);
    // Further requests fail fast with the same typed error until reconnect() is called.
    await expect(clock.run(link.request(rpm))).rejects.toBeInstanceOf(DisconnectedError);
    await clock.run(link.reconnect());
    const after = await clock.run(link.request(rpm));
    expect(after[0]!.data[1]).toBe(0x0c);
    expect(link.stats.reconnects).toBe(1);
    expect(lines).toHaveLength(2);
  });

  it('noise bytes on the line are dropped and the answer still reads', async () => {
    const { clock, link, lines } = await rig();
    const pending = link.request(rpm);
    await clock.advance(5);
    lines[0]!.client.push(Buffer.from([0xff, 0x00, 0xfe, 0x80]));
    const [r] = await clock.run(pending);
    expect(r!.data[1]).toBe(0x0c);
  });

  it('a garbled answer is a typed error naming the line, and the next request works', async () => {
    const { clock, link, lines } = await rig();
    // Hold the adapter's real answer back and put a garbled one in its place.
    const adapter = lines[0]!.adapter;
    const realWrite = adapter.write.bind(adapter);
    let swallow = true;
    (adapter as { write: unknown }).write = (chunk: Buffer) => {
      if (swallow && chunk.toString().includes('7E8')) {
        swallow = false;
        return realWrite(Buffer.from('7E8 04 41 0C @@ ##\r'));
      }
      return realWrite(chunk);
    };
    const err = await clock.run(link.request(rpm)).catch((e) => e);
    expect(err).toBeInstanceOf(ElmDataError);
    expect(err.message).toMatch(/line 1 «7E8 04 41 0C @@ ##»/);
    const [r] = await clock.run(link.request(rpm));
    expect(r!.data[1]).toBe(0x0c);
  });
});

describe('socket reset over TCP', () => {
  it('gives DisconnectedError, and reconnect() opens a new connection', async () => {
    const emu = new Elm327Emulator({ responder: new DemoCar(), baud: 0, latencyMs: 200 });
    const tcp = await serveTcp(emu, { port: 0 });
    const sockets: Socket[] = [];
    tcp.server.on('connection', (s) => sockets.push(s));
    try {
      const link = await Elm327Link.connect({ open: () => openTcp('127.0.0.1', tcp.port) });
      const pending = link.request(rpm);
      pending.catch(() => {});
      await new Promise((r) => setTimeout(r, 50));
      sockets[0]!.resetAndDestroy();
      await expect(pending).rejects.toBeInstanceOf(DisconnectedError);
      await link.reconnect();
      const [r] = await link.request(rpm);
      expect(r!.data[1]).toBe(0x0c);
      expect(sockets).toHaveLength(2);
      await link.close();
    } finally {
      await tcp.close();
    }
  });
});

describe('a fake v2.1 that loses a prompt every 25 answers', () => {
  it('keeps answering 120 requests in a row, resynchronising when a prompt goes missing', async () => {
    const { loadProfiles, profileByName } = await import('./profile.js');
    const clock = new VirtualClock();
    const profile = profileByName('fake-v2.1', loadProfiles());
    const emu = new Elm327Emulator({ responder: new DemoCar(), clock, baud: 38_400, latencyMs: 20, profile });
    const link = new Elm327Link({
      clock,
      profiles: loadProfiles(),
      open: async () => {
        const [a, b] = duplexPair();
        emu.attach(b);
        return a;
      },
    });
    await clock.run(link.start());
    let ok = 0;
    for (let i = 0; i < 120; i++) {
      const [r] = await clock.run(link.request(rpm));
      if (r!.data[1] === 0x0c) ok++;
    }
    expect(ok).toBe(120);
    expect(link.stats.resyncs).toBeGreaterThanOrEqual(3);
  });
});
