import { VirtualClock } from '@atelier/clock';
import { FUNCTIONAL, NoResponseError, physical, type Responder } from '@atelier/obd';
import { describe, expect, it } from 'vitest';
import { Elm327Link } from './client.js';
import { DemoCar } from './demo.js';
import { Elm327Emulator, type EmulatorOptions } from './emulator.js';
import { ElmNoDataError, UnableToConnectError } from './errors.js';
import { duplexPair } from './pair.js';
import { loadProfiles, profileByName } from './profile.js';
import { Transcript } from './transcript.js';

const profiles = loadProfiles();

/** A client connected to an emulator through an in-memory line, all in virtual time. */
async function connect(opts: Partial<EmulatorOptions> = {}, client: { protocol?: string } = {}) {
  const clock = new VirtualClock();
  const emu = new Elm327Emulator({ responder: new DemoCar(), clock, baud: 38_400, latencyMs: 15, ...opts });
  const transcript = new Transcript(clock);
  const link = new Elm327Link({
    clock,
    profiles,
    transcript,
    protocol: client.protocol,
    open: async () => {
      const [a, b] = duplexPair();
      emu.attach(b);
      return a;
    },
  });
  await clock.run(link.start());
  return { clock, emu, link, transcript };
}

/** Every command the client wrote went out after a prompt (never into a working adapter). */
function sentOnlyAfterPrompt(t: Transcript): boolean {
  let prompt = false;
  for (const e of t.entries) {
    if (e.dir === 'rx') prompt = e.data.endsWith('>');
    if (e.dir === 'tx') {
      if (!prompt) return false;
      prompt = false;
    }
  }
  return true;
}

describe('start-up against the emulator', () => {
  it('resets, configures, identifies the adapter and finds the protocol and ECUs', async () => {
    const { link, transcript } = await connect();
    expect(link.adapter).toMatchObject({
      version: 'ELM327 v2.3',
      voltage: 12.6,
      profile: 'genuine',
      auto: true,
      ecus: [0x7e8, 0x7e9],
    });
    expect(link.info).toMatchObject({
      kind: 'elm327',
      protocol: 'ISO 15765-4 (CAN 11/500)',
      extended: false,
    });
    const sent = transcript.entries.filter((e) => e.dir === 'tx').map((e) => e.data.trim());
    expect(sent.slice(0, 8)).toEqual(['ATZ', 'ATE0', 'ATL0', 'ATS0', 'ATH1', 'ATI', 'STI', 'ATAT1']);
    expect(sentOnlyAfterPrompt(transcript)).toBe(true);
  });

  it('recognises an OBDLink by STI and a v1.5 clone by ATI', async () => {
    const stn = await connect({ profile: profileByName('obdlink', profiles) });
    expect(stn.link.adapter?.stn).toBe('STN2120 v5.6.19');
    expect(stn.link.adapter?.profile).toBe('obdlink');
    expect(stn.link.adapter?.device).toBe('OBDLink (obdlink)');
    const stnSent = stn.transcript.entries.filter((e) => e.dir === 'tx').map((e) => e.data.trim());
    expect(stnSent).toEqual(expect.arrayContaining(['STDI', 'ATAT2']));
    const clone = await connect({ profile: profileByName('clone-v1.5', profiles) });
    expect(clone.link.adapter?.profile).toBe('clone-v1.5');
    // The clone never stopped echoing; answers are still read correctly.
    const [r] = await clone.clock.run(
      clone.link.request({ target: physical(0x7e0), data: Uint8Array.of(0x01, 0x0d) }),
    );
    expect(Array.from(r!.data)).toEqual([0x41, 0x0d, 0x00]);
  });

  it('falls back protocol by protocol when the automatic search fails', async () => {
    const { link, transcript } = await connect({ vehicleProtocol: '3', searchFails: true });
    expect(link.adapter?.protocol.id).toBe('3');
    expect(link.adapter?.auto).toBe(false);
    // J1979: several PIDs per request on CAN only.
    expect(link.maxPidsPerRequest).toBe(1);
    expect(
      transcript.entries.filter((e) => e.dir === 'tx' && /^ATSP/.test(e.data)).map((e) => e.data.trim()),
    ).toEqual(['ATSP0', 'ATSP6', 'ATSP8', 'ATSP7', 'ATSP9', 'ATSP5', 'ATSP4', 'ATSP3']);
    const [r] = await (link.clock as VirtualClock).run(
      link.request({ target: FUNCTIONAL, data: Uint8Array.of(0x09, 0x02) }),
    );
    expect(r!.ecu).toBe(0x10);
    expect(String.fromCharCode(...r!.data.slice(3))).toBe('VF1RFB00X64123456');
  });

  it('gives UnableToConnectError when nothing answers', async () => {
    const clock = new VirtualClock();
    const silent: Responder = { respond: () => [], ecus: () => [] };
    const emu = new Elm327Emulator({ responder: silent, clock, searchFails: true });
    const link = new Elm327Link({
      clock,
      fallback: ['6', '3'],
      open: async () => {
        const [a, b] = duplexPair();
        emu.attach(b);
        return a;
      },
    });
    await expect(clock.run(link.start())).rejects.toBeInstanceOf(UnableToConnectError);
  });
});

describe('requests', () => {
  it('reads one PID from every ECU and a multi-frame VIN', async () => {
    const { link, clock } = await connect();
    const all = await clock.run(link.request({ target: FUNCTIONAL, data: Uint8Array.of(0x01, 0x0d) }));
    expect(all.map((r) => r.ecu)).toEqual([0x7e8, 0x7e9]);
    const [vin] = await clock.run(link.request({ target: FUNCTIONAL, data: Uint8Array.of(0x09, 0x02) }));
    expect(String.fromCharCode(...vin!.data.slice(3))).toBe('VF1RFB00X64123456');
  });

  it('learns how many lines an answer has and sends that count: later answers skip the timeout wait', async () => {
    const { link, clock, transcript } = await connect({ profile: profileByName('clone-v1.5', profiles) });
    // This clone has no adaptive timing: without the count each request waits the full 200 ms.
    const timed = async (data: Uint8Array, target = physical(0x7e0)) => {
      const t0 = clock.now();
      const answers = await clock.run(link.request({ target, data }));
      return { ms: clock.now() - t0, answers };
    };
    expect((await timed(Uint8Array.of(0x01, 0x0c))).ms).toBeGreaterThanOrEqual(200);
    expect((await timed(Uint8Array.of(0x01, 0x0c))).ms).toBeLessThan(60);
    // Six PIDs come back in two CAN frames: the count is 2 lines, not 1 ECU.
    const six = Uint8Array.of(0x01, 0x04, 0x05, 0x0c, 0x0d, 0x0f, 0x11);
    await timed(six);
    const fast = await timed(six);
    expect(fast.ms).toBeLessThan(80);
    expect(fast.answers[0]!.data.length).toBe(1 + 6 + 7);
    // Functional: two ECUs answer 01 0D, two lines.
    await timed(Uint8Array.of(0x01, 0x0d), FUNCTIONAL);
    const both = await timed(Uint8Array.of(0x01, 0x0d), FUNCTIONAL);
    expect(both.answers.map((a) => a.ecu)).toEqual([0x7e8, 0x7e9]);
    const sent = transcript.entries.filter((e) => e.dir === 'tx').map((e) => e.data.trim());
    expect(sent).toEqual(expect.arrayContaining(['010C', '010C1', '0104050C0D0F113', '010D2']));
    // ATST follows the ECUs (counted round trips), not the adapter's own timeout wait.
    const atst = sent.filter((c) => c.startsWith('ATST')).map((c) => Number.parseInt(c.slice(4), 16) * 4);
    for (const ms of atst) expect(ms).toBeLessThan(200);
  });

  it('uses the caller expectedResponses for a single-PID request before anything is learned', async () => {
    const { link, clock, transcript } = await connect();
    await clock.run(
      link.request({ target: physical(0x7e0), data: Uint8Array.of(0x01, 0x05), expectedResponses: 1 }),
    );
    expect(transcript.entries.some((e) => e.dir === 'tx' && e.data === '01051\r')).toBe(true);
  });

  it('does not send the count digit to an adapter that breaks on it', async () => {
    const { link, clock, transcript } = await connect({ profile: profileByName('fake-v2.1', profiles) });
    await clock.run(link.request({ target: physical(0x7e0), data: Uint8Array.of(0x01, 0x0c) }));
    expect(transcript.entries.some((e) => e.dir === 'tx' && e.data === '010C\r')).toBe(true);
  });

  it('reads six PIDs in one request', async () => {
    const { link, clock } = await connect();
    const [r] = await clock.run(
      link.request({
        target: physical(0x7e0),
        data: Uint8Array.of(0x01, 0x04, 0x05, 0x0c, 0x0d, 0x0f, 0x11),
      }),
    );
    expect(r!.data[0]).toBe(0x41);
    expect([r!.data[1], r!.data[3], r!.data[5]]).toEqual([0x04, 0x05, 0x0c]);
  });

  it('addresses ECUs on 29-bit CAN with ATCP/ATSH', async () => {
    const { link, clock, transcript } = await connect({ vehicleProtocol: '7' });
    expect(link.adapter?.ecus).toEqual([0x18daf110, 0x18daf111]);
    const [r] = await clock.run(
      link.request({ target: physical(0x18da11f1), data: Uint8Array.of(0x01, 0x0d) }),
    );
    expect(r!.ecu).toBe(0x18daf111);
    expect(transcript.entries.filter((e) => e.dir === 'tx').map((e) => e.data.trim())).toContain(
      'ATSHDA11F1',
    );
  });

  it('mode 03 with NO DATA is an error, never "no DTCs"', async () => {
    const car = new DemoCar();
    const mute: Responder = {
      ecus: () => car.ecus(),
      respond: (req) => (req.data[0] === 0x03 ? [] : car.respond(req)),
    };
    const { link, clock } = await connect({ responder: mute });
    const err = await clock
      .run(link.request({ target: FUNCTIONAL, data: Uint8Array.of(0x03) }))
      .catch((e) => e);
    expect(err).toBeInstanceOf(ElmNoDataError);
    expect(err).toBeInstanceOf(NoResponseError);
  });

  it('measures response times and tightens its read timeout', async () => {
    const { link, clock } = await connect();
    for (let i = 0; i < 6; i++)
      await clock.run(link.request({ target: physical(0x7e0), data: Uint8Array.of(0x01, 0x0c) }));
    expect(link.times.count).toBeGreaterThanOrEqual(6);
    expect(link.times.readTimeout(5000)).toBeLessThan(1000);
  });

  it('never gives up on an answer before the adapter does: NO DATA after fast answers is NO DATA, not a timeout', async () => {
    const { link, clock } = await connect();
    // Enough fast counted answers that the start-up's slow ones leave the measured window.
    for (let i = 0; i < 40; i++)
      await clock.run(link.request({ target: physical(0x7e0), data: Uint8Array.of(0x01, 0x0c) }));
    expect(link.times.readTimeout(5000)).toBeLessThan(200);
    // Nobody answers 01 E0 asked of all ECUs (a physical request would get a refusal): the adapter waits its own timeout (ATST, 200 ms by default) first.
    const err = await clock
      .run(link.request({ target: FUNCTIONAL, data: Uint8Array.of(0x01, 0xe0) }))
      .catch((e) => e);
    expect(err).toBeInstanceOf(ElmNoDataError);
    expect(link.stats.resyncs ?? 0).toBe(0);
  });
});
