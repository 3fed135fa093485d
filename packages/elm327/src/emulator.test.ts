import type { Duplex } from 'node:stream';
import { VirtualClock } from '@atelier/clock';
import { physical, type Responder } from '@atelier/obd';
import { describe, expect, it } from 'vitest';
import { Elm327Link } from './client.js';
import { DemoCar } from './demo.js';
import { Elm327Emulator, serialMs } from './emulator.js';
import { ElmSettingRefusedError } from './errors.js';
import { duplexPair } from './pair.js';
import { parseAnswer } from './parse.js';
import { GENUINE, loadProfiles, profileByName } from './profile.js';
import { protocolById } from './protocols.js';
import { Transcript } from './transcript.js';

/** A terminal on one end of the emulator: types commands and reads until the prompt, in virtual time. */
function rig(opts: Partial<ConstructorParameters<typeof Elm327Emulator>[0]> = {}) {
  const clock = new VirtualClock();
  const emu = new Elm327Emulator({ responder: new DemoCar(), clock, ...opts });
  const [term, port] = duplexPair();
  emu.attach(port);
  let buf = '';
  term.on('data', (d: Buffer) => {
    buf += d.toString('latin1');
  });
  const read = () => {
    const out = buf;
    buf = '';
    return out;
  };
  /** Sends a command and runs the clock until a prompt arrives; returns the text and the time taken. */
  async function send(cmd: string, limitMs = 60_000): Promise<{ text: string; ms: number }> {
    const t0 = clock.now();
    term.write(`${cmd}\r`);
    while (!buf.includes('>') && clock.now() - t0 < limitMs) await clock.advance(1);
    const text = read();
    return { text, ms: clock.now() - t0 };
  }
  return { clock, emu, term: term as Duplex, send, read };
}

async function ready(r: ReturnType<typeof rig>) {
  await r.clock.advance(50);
  expect(r.read()).toContain(r.emu.profile.version);
  for (const c of ['ATE0', 'ATL0', 'ATS0', 'ATH1']) expect((await r.send(c)).text).toMatch(/OK/);
}

describe('emulator AT dialogue', () => {
  it('greets, echoes by default, and obeys E0/L1/H1/S0', async () => {
    const r = rig({ baud: 0 });
    await r.clock.advance(1);
    expect(r.read()).toBe('\r\rELM327 v2.3\r\r>');
    expect((await r.send('ATI')).text).toBe('ATI\rELM327 v2.3\r\r>');
    expect((await r.send('ate0')).text).toBe('ate0\rOK\r\r>');
    expect((await r.send('ATL1')).text).toBe('OK\r\n\r\n>');
    expect((await r.send('AT L0')).text).toBe('OK\r\r>');
    expect((await r.send('ATRV')).text).toBe('12.6V\r\r>');
    expect((await r.send('ATXYZ')).text).toBe('?\r\r>');
    expect((await r.send('STI')).text).toBe('?\r\r>');
    expect((await r.send('hello')).text).toBe('?\r\r>');
  });

  it('searches in auto mode, then reports the protocol with ATDP/ATDPN', async () => {
    const r = rig({ baud: 0 });
    await ready(r);
    expect((await r.send('ATDPN')).text).toBe('0\r\r>');
    const first = await r.send('0100');
    expect(first.text.startsWith('SEARCHING...\r7E8')).toBe(true);
    expect(first.ms).toBeGreaterThanOrEqual(GENUINE.quirks.searchMs);
    expect((await r.send('ATDPN')).text).toBe('A6\r\r>');
    expect((await r.send('ATDP')).text).toBe('AUTO, ISO 15765-4 (CAN 11/500)\r\r>');
  });

  it('answers a forced wrong protocol with CAN ERROR / BUS INIT ERROR', async () => {
    const r = rig({ baud: 0 });
    await ready(r);
    await r.send('ATSP7');
    expect((await r.send('0100')).text).toBe('CAN ERROR\r\r>');
    await r.send('ATSP3');
    expect((await r.send('0100')).text).toBe('BUS INIT: ...ERROR\r\r>');
  });

  it('formats multi-ECU, multi-frame and 29-bit answers that parse back', async () => {
    const r = rig({ baud: 0, vehicleProtocol: '7' });
    await ready(r);
    const a = await r.send('0100');
    const parsed = parseAnswer(a.text.replace('>', ''), { protocol: protocolById('7')!, headers: true });
    expect(parsed.responses.map((x) => x.ecu)).toEqual([0x18daf110, 0x18daf111]);
    const vin = await r.send('0902');
    const v = parseAnswer(vin.text.replace('>', ''), { protocol: protocolById('7')!, headers: true });
    expect(String.fromCharCode(...v.responses[0]!.data.slice(3))).toBe('VF1RFB00X64123456');
  });

  it('answers a physical request only from the addressed ECU', async () => {
    const r = rig({ baud: 0 });
    await ready(r);
    await r.send('ATSH7E1');
    const a = await r.send('010D');
    expect(a.text).toMatch(/^SEARCHING\.\.\.\r7E9/);
    expect(a.text).not.toContain('7E8');
  });

  it('speaks ISO 9141-2 with header, checksum and BUS INIT', async () => {
    const r = rig({ baud: 0, vehicleProtocol: '3' });
    await ready(r);
    const a = await r.send('03');
    expect(a.text).toMatch(/SEARCHING...\rBUS INIT: ...OK\r486B1[01]43/);
    const parsed = parseAnswer(a.text.replace('>', ''), { protocol: protocolById('3')!, headers: true });
    expect(parsed.responses.map((x) => x.ecu).sort()).toEqual([0x10, 0x11]);
    expect(Array.from(parsed.responses.find((x) => x.ecu === 0x10)!.data)).toEqual([
      0x43, 2, 0x03, 0x01, 0x01, 0x71,
    ]);
  });

  it('on the K-line, waits P3 (55 ms) after an answer before the next request goes on the bus', async () => {
    const r = rig({ baud: 0, vehicleProtocol: '5', latencyMs: 10 });
    await ready(r);
    await r.send('010D1');
    // 010D: 6 bytes on the bus (2.9 ms at 10.4 kbit/s); answer: 25 ms P2 + 8 bytes (5.8 ms)
    // + 10 ms latency; then P3 before the next request. Counted (1): no end-of-answer wait.
    const first = await r.send('010D1');
    expect(first.text).toMatch(/^83F110410D/);
    expect(first.ms).toBeGreaterThanOrEqual(55 + 10 + 25);
    await r.clock.advance(100);
    const later = await r.send('010D1');
    expect(later.ms).toBeLessThan(first.ms - 50);
  });

  it('prints headers-off multi-frame answers with numbered lines', async () => {
    const r = rig({ baud: 0 });
    await r.clock.advance(1);
    r.read();
    await r.send('ATE0');
    const a = await r.send('0902');
    expect(a.text).toContain('014\r0: 49 02 01 56 46 31 \r1: ');
  });

  it('stops a request when a character arrives before the answer', async () => {
    const r = rig({ baud: 38400, latencyMs: 50 });
    await ready(r);
    await r.send('0100');
    r.term.write('010C\r');
    await r.clock.advance(10);
    r.term.write('X');
    await r.clock.advance(20);
    expect(r.read()).toBe('STOPPED\r\r>');
  });
});

describe('emulator timing model', () => {
  it('waits for the adapter timeout unless the response count is given', async () => {
    const r = rig({ baud: 38400, latencyMs: 20 });
    await ready(r);
    await r.send('ATAT0');
    await r.send('0100');
    const waited = await r.send('010C');
    const counted = await r.send('010C1');
    // Without the count: latency + ATST (0x32 × 4 = 200 ms) + serial time.
    expect(waited.ms).toBeGreaterThanOrEqual(20 + 200);
    expect(counted.ms).toBeLessThan(20 + 20);
    const serial = serialMs('010C1\r'.length + counted.text.length, 38400);
    expect(counted.ms).toBeGreaterThanOrEqual(20 + serial - 1);
  });

  it('the response count counts lines (frames), as the datasheet says, not ECUs', async () => {
    const r = rig({ baud: 0, latencyMs: 20 });
    await ready(r);
    await r.send('ATAT0');
    await r.send('0100');
    const vin = await r.send('09023');
    expect(vin.text.split('\r').filter((l) => l.startsWith('7E8'))).toHaveLength(3);
    expect(vin.ms).toBeLessThan(40);
    const cut = await r.send('09022');
    expect(cut.text.split('\r').filter((l) => l.startsWith('7E8'))).toHaveLength(2);
    const both = await r.send('01002');
    expect(both.text).toMatch(/7E8.*\r7E9/);
    expect(both.ms).toBeLessThan(40);
  });

  it('adaptive timing shrinks the wait towards the ECU latency', async () => {
    const r = rig({ baud: 38400, latencyMs: 20 });
    await ready(r);
    await r.send('0100');
    const adaptive = await r.send('010C');
    expect(adaptive.ms).toBeLessThan(100);
    await r.send('ATST19');
    await r.send('ATAT0');
    expect((await r.send('010C')).ms).toBeGreaterThanOrEqual(100);
  });

  it('NO DATA after the full timeout when nobody answers', async () => {
    const r = rig({ baud: 0 });
    await ready(r);
    await r.send('0100');
    const a = await r.send('0155');
    expect(a.text).toBe('NO DATA\r\r>');
  });

  it('takes serial time at the baud rate: a slower line takes proportionally longer', async () => {
    const fast = rig({ baud: 115200, latencyMs: 10 });
    const slow = rig({ baud: 9600, latencyMs: 10 });
    const times: number[] = [];
    for (const r of [fast, slow]) {
      await ready(r);
      await r.send('0100');
      times.push((await r.send('0902')).ms);
    }
    expect(times[1]! - times[0]!).toBeGreaterThan(50);
  });
});

describe('adapter quirks from the profiles', () => {
  it('loads every profile in hardware/elm327/profiles', () => {
    const names = loadProfiles().map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['genuine', 'clone-v1.5', 'fake-v2.1', 'obdlink']));
  });

  it('a v1.5 clone keeps echoing after ATE0', async () => {
    const r = rig({ baud: 0, profile: profileByName('clone-v1.5') });
    await r.clock.advance(1);
    r.read();
    await r.send('ATE0');
    expect((await r.send('ATI')).text).toBe('ATI\rELM327 v1.5\r\r>');
  });

  it('a fake v2.1 refuses the response-count digit and fills its buffer', async () => {
    const fake = profileByName('fake-v2.1');
    const r = rig({ baud: 0, profile: { ...fake, quirks: { ...fake.quirks, bufferBytes: 64 } } });
    await r.clock.advance(1);
    r.read();
    expect((await r.send('010C1')).text).toContain('?');
    await r.send('ATH1');
    await r.send('ATS0');
    const a = await r.send('0902');
    expect(a.text).toContain('7E8');
    await r.send('ATS1');
    await r.send('ATL1');
    const b = await r.send('0902');
    expect(b.text).toContain('BUFFER FULL');
  });

  it('OBDLink answers STI', async () => {
    const r = rig({ baud: 0, profile: profileByName('obdlink') });
    await r.clock.advance(1);
    r.read();
    expect((await r.send('STI')).text).toContain('STN2120');
  });
});

/**
 * The Leaf's battery controller (LBC) beside the demo car: it answers 21 01 on 0x7BB with an 11-byte
 * (two-frame) message and 21 02 with a single frame, and only when asked on 0x79B.
 */
function withLbc(car: Responder = new DemoCar()): Responder {
  return {
    ecus: () => [...car.ecus(), { request: 0x79b, response: 0x7bb, extended: false }],
    respond(req) {
      if (req.target.kind !== 'physical' || req.target.address !== 0x79b) return car.respond(req);
      const [sid, group] = req.data;
      if (sid === 0x21 && group === 0x01)
        return [{ ecu: 0x7bb, data: Uint8Array.of(0x61, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 9) }];
      if (sid === 0x21 && group === 0x02) return [{ ecu: 0x7bb, data: Uint8Array.of(0x61, 0x02, 0x55) }];
      return [{ ecu: 0x7bb, data: Uint8Array.of(0x7f, sid ?? 0, 0x11) }];
    },
  };
}

describe('emulator receive filter and flow control (datasheet: AT CRA, AT AR, AT FC SH/SD/SM)', () => {
  it('shows only what the filter lets through, and a multi-frame answer only with flow control to 0x79B', async () => {
    const r = rig({ baud: 0, responder: withLbc() });
    await ready(r);
    expect((await r.send('ATSH79B')).text).toBe('OK\r\r>');
    // Automatic receive: 11-bit answers from 7E8–7EF only; the LBC's 0x7BB is not shown.
    expect((await r.send('2102')).text).toMatch(/SEARCHING\.\.\.\rNO DATA\r\r>$/);
    expect((await r.send('ATCRA7BB')).text).toBe('OK\r\r>');
    // ISO 15765-2 single frame: PCI 03, then 61 02 55.
    expect((await r.send('2102')).text).toMatch(/^7BB03610255/);
    // A first frame (10 0B = 11 bytes): its flow control goes to 0x7BB − 8 = 0x7B3, which the LBC
    // does not listen to, so no consecutive frame follows.
    expect((await r.send('2101')).text).toBe('7BB100B610101020304\r\r>');
    expect((await r.send('ATFCSM1')).text).toBe('?\r\r>'); // mode 1 needs a header and data first
    expect((await r.send('ATFCSH79B')).text).toBe('OK\r\r>');
    expect((await r.send('ATFCSD300000')).text).toBe('OK\r\r>');
    expect((await r.send('ATFCSM1')).text).toBe('OK\r\r>');
    expect((await r.send('2101')).text).toMatch(/^7BB100B610101020304\r7BB2105060708090{0,1}[0-9A-F]*\r\r>$/);
    // A wait frame (31) as flow control holds the ECU back.
    expect((await r.send('ATFCSD310000')).text).toBe('OK\r\r>');
    expect((await r.send('2101')).text).toBe('7BB100B610101020304\r\r>');
    // AT AR (and AT CRA alone) go back to automatic receive; AT D resets flow control too.
    expect((await r.send('ATAR')).text).toBe('OK\r\r>');
    expect((await r.send('2102')).text).toBe('NO DATA\r\r>');
    expect((await r.send('ATCRA7BX')).text).toBe('OK\r\r>');
    expect((await r.send('2102')).text).toMatch(/^7BB03610255/);
    expect((await r.send('ATD')).text).toBe('OK\r\r>');
  });

  it('AT D and AT Z restore the defaults: no filter, flow control mode 0', async () => {
    const r = rig({ baud: 0, responder: withLbc() });
    await ready(r);
    for (const c of ['ATCRA7BB', 'ATFCSH79B', 'ATFCSD300000', 'ATFCSM1', 'ATSH79B'])
      expect((await r.send(c)).text).toBe('OK\r\r>');
    expect((await r.send('2101')).text).toMatch(/\r7BB21/);
    for (const reset of ['ATD', 'ATZ']) {
      await r.send(reset);
      for (const c of ['ATE0', 'ATH1', 'ATS0', 'ATSH79B']) await r.send(c);
      expect((await r.send('2101')).text).toMatch(/NO DATA\r\r>$/);
      await r.send('ATCRA7BB');
      expect((await r.send('2101')).text).toMatch(/7BB100B610101020304\r\r>$/);
      expect((await r.send('ATFCSM1')).text).toBe('?\r\r>');
    }
  });

  it('a profile without flow-control commands answers ? to AT FC', async () => {
    const clone = { ...GENUINE, quirks: { ...GENUINE.quirks, flowControl: false } };
    const r = rig({ baud: 0, responder: withLbc(), profile: clone });
    await ready(r);
    expect((await r.send('ATCRA7BB')).text).toBe('OK\r\r>');
    for (const c of ['ATFCSH79B', 'ATFCSD300000', 'ATFCSM1']) expect((await r.send(c)).text).toBe('?\r\r>');
  });
});

describe('client: receive filter and flow control for ECUs outside the OBD ids', () => {
  async function link(profile = GENUINE) {
    const clock = new VirtualClock();
    const emu = new Elm327Emulator({ responder: withLbc(), clock, baud: 38_400, latencyMs: 15, profile });
    const transcript = new Transcript(clock);
    const l = new Elm327Link({
      clock,
      profile,
      transcript,
      open: async () => {
        const [a, b] = duplexPair();
        emu.attach(b);
        return a;
      },
    });
    await clock.run(l.start());
    const sent = () =>
      transcript.entries
        .splice(0)
        .filter((e) => e.dir === 'tx')
        .map((e) => e.data.trim());
    sent();
    return { clock, link: l, sent };
  }
  const LBC = { target: physical(0x79b), responseId: 0x7bb, data: Uint8Array.of(0x21, 0x01) };

  it('sets ATCRA and flow control once, reads the two-frame answer, and restores the defaults for OBD', async () => {
    const { clock, link: l, sent } = await link();
    const [a] = await clock.run(l.request(LBC));
    expect(a).toMatchObject({ ecu: 0x7bb, data: Uint8Array.of(0x61, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 9) });
    expect(sent()).toEqual(['ATSH79B', 'ATCRA7BB', 'ATFCSH79B', 'ATFCSD300000', 'ATFCSM1', '2101']);
    // Nothing to change for the same ECU again.
    await clock.run(l.request({ ...LBC, data: Uint8Array.of(0x21, 0x02) }));
    expect(sent()).toEqual(['2102']);
    // An OBD request to the engine: automatic receive and flow control mode 0 again.
    const [rpm] = await clock.run(l.request({ target: physical(0x7e0), data: Uint8Array.of(0x01, 0x0c) }));
    expect(rpm!.ecu).toBe(0x7e8);
    expect(sent()).toEqual(['ATSH7E0', 'ATAR', 'ATFCSM0', '010C']);
    // Back to the LBC: the flow-control data is still set, only the mode and header change.
    await clock.run(l.request(LBC));
    expect(sent()).toEqual(['ATSH79B', 'ATCRA7BB', 'ATFCSH79B', 'ATFCSM1', '2101']);
  });

  it('a clone answering ? to AT FC: ElmSettingRefusedError with the command and its answer', async () => {
    const clone = { ...GENUINE, quirks: { ...GENUINE.quirks, flowControl: false } };
    const { clock, link: l } = await link(clone);
    const err = await clock.run(l.request(LBC)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ElmSettingRefusedError);
    expect(err).toMatchObject({ command: 'ATFCSH79B', answer: '?', code: 'adapter-error' });
    expect((err as Error).message).toMatch(/refuses ATFCSH79B \(flow control header\), answering «\?»/);
  });
});
