import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '@atelier/can';
import { duplexPair, Elm327Emulator, Elm327Link, Transcript } from '@atelier/elm327';
import { FUNCTIONAL, physical, type Responder } from '@atelier/obd';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../../tests/support/index.js';
import { RecordingError, RecordingResponder } from './recording.js';
import { loadScenario, readScenarioFile } from './scenario.js';
import { openScenarioResponder } from './session.js';
import { Vehicle } from './vehicle.js';

const LEAF = fixturePath('can/nissan_leaf_uds_2022-01-06.log');
const SAVVY = fixturePath('can/savvycan_example_candump.log');

describe('recorded CAN logs as responders', () => {
  it('the Nissan Leaf log (real, KWP 0x21 on 0x79B/0x7BB) answers its own requests', async () => {
    const r = await RecordingResponder.fromCanLog(LEAF);
    expect(r.ecus()).toContainEqual({ request: 0x79b, response: 0x7bb, extended: false });
    const reqs = new Set(r.exchanges.map((e) => [...e.request].map((b) => b.toString(16)).join(' ')));
    expect(reqs.has('21 1')).toBe(true);
    const a = await r.respond({
      target: physical(0x79b),
      data: Uint8Array.of(0x21, 0x01),
      extended: false,
      nowMs: 0,
    });
    expect(a).toHaveLength(1);
    expect(a[0].ecu).toBe(0x7bb);
    expect([...a[0].data.slice(0, 2)]).toEqual([0x61, 0x01]);
    expect(a[0].data.length).toBeGreaterThan(30); // multi-frame, reassembled
    // Broadcast frames (the other bus, other ids) are kept to play alongside.
    expect(r.broadcast.length).toBeGreaterThan(0);
    expect(r.broadcast.some((f) => f.id === 0x79b || f.id === 0x7bb)).toBe(false);
    // A request never recorded gets silence, like a car that does not know it.
    expect(
      await r.respond({
        target: physical(0x79b),
        data: Uint8Array.of(0x21, 0x7e),
        extended: false,
        nowMs: 1,
      }),
    ).toEqual([]);
  });

  it('a log without diagnostic traffic is refused with a clear error', async () => {
    await expect(RecordingResponder.fromCanLog(SAVVY)).rejects.toThrow(RecordingError);
  });

  it('answers in time: the exchange recorded nearest to the same offset from the first request', async () => {
    const log = [
      '(100.000000) can0 7DF#02010D0000000000',
      '(100.010000) can0 7E8#03410D0A00000000',
      '(110.000000) can0 7DF#02010D0000000000',
      '(110.012000) can0 7E8#03410D3200000000',
      '(110.500000) can0 123#1122',
    ].join('\n');
    const r = await RecordingResponder.fromCanLogText(log, 'mem.log');
    const ask = (nowMs: number, target = FUNCTIONAL) =>
      r.respond({ target, data: Uint8Array.of(0x01, 0x0d), extended: false, nowMs });
    const first = await ask(5_000);
    expect([...first[0].data]).toEqual([0x41, 0x0d, 0x0a]);
    expect(first[0].delayMs).toBe(10);
    expect([...(await ask(9_000))[0].data]).toEqual([0x41, 0x0d, 0x0a]);
    expect([...(await ask(11_000))[0].data]).toEqual([0x41, 0x0d, 0x32]);
    expect([...(await ask(15_100))[0].data]).toEqual([0x41, 0x0d, 0x32]);
    // Asked physically, the functional recording answers for that ECU.
    expect([...(await ask(15_200, physical(0x7e0)))[0].data]).toEqual([0x41, 0x0d, 0x32]);
    expect(r.broadcast.map((f) => f.id)).toEqual([0x123]);
    expect(r.broadcast[0].timestamp).toBeCloseTo(10.5, 6);
  });
});

describe('an ELM327 transcript of a simulated session, turned back into a responder', () => {
  it('answers the same requests with the same responses', async () => {
    const clock = new VirtualClock();
    const vehicle = Vehicle.fromScenario(loadScenario('misfire-cyl2'));
    const transcript = new Transcript(clock);
    const original = await sessionWithTranscript(vehicle, transcript, clock);
    expect(original.some((a) => a.startsWith('7e8:4302'))).toBe(true);
    const replayed = await sessionWithTranscript(
      RecordingResponder.fromTranscript(transcript.toString()),
      undefined,
      new VirtualClock(),
    );
    expect(replayed).toEqual(original);
    // The same transcript as a scenario file's recording.
    const dir = mkdtempSync(join(tmpdir(), 'atelier-transcript-'));
    writeFileSync(join(dir, 'car.transcript'), transcript.toString());
    writeFileSync(
      join(dir, 'car.yaml'),
      'name: car\nvehicle: petrol\ncomplaint: { fr: a, en: b }\ntrue_cause: c\nrecording: car.transcript\n',
    );
    const fromFile = await openScenarioResponder(readScenarioFile(join(dir, 'car.yaml')));
    expect(await sessionWithTranscript(fromFile, undefined, new VirtualClock())).toEqual(original);
  });
});

/** A scripted workshop session over an ELM327 link (client ↔ emulator), every answer as text. */
async function sessionWithTranscript(
  responder: Responder,
  transcript: Transcript | undefined,
  clock: VirtualClock,
) {
  const emu = new Elm327Emulator({ responder, clock, baud: 38_400, latencyMs: 15 });
  const link = new Elm327Link({
    clock,
    transcript,
    protocol: '6',
    open: async () => {
      const [a, b] = duplexPair();
      emu.attach(b);
      return a;
    },
  });
  await clock.run(link.start());
  const out: string[] = [];
  const script: [number[], number?][] = [
    [[0x09, 0x02]],
    [[0x03]],
    [[0x07]],
    [[0x01, 0x01]],
    [[0x02, 0x02, 0x00], 0x7e0],
    [[0x01, 0x0c]],
    [[0x01, 0x0d]],
    [[0x01, 0x05]],
    [[0x22, 0xf1, 0x90], 0x7e0],
  ];
  for (let round = 0; round < 3; round++) {
    for (const [data, addr] of script) {
      const answers = await clock.run(
        link.request({ target: addr ? physical(addr) : FUNCTIONAL, data: Uint8Array.from(data) }),
      );
      out.push(answers.map((a) => `${a.ecu.toString(16)}:${Buffer.from(a.data).toString('hex')}`).join(','));
    }
    await clock.advance(2_000);
  }
  await clock.run(link.close());
  return out;
}
