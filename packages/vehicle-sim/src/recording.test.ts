import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '@atelier/clock';
import { duplexPair, Elm327Emulator, Elm327Link, responderFromTranscript, Transcript } from '@atelier/elm327';
import { FUNCTIONAL, physical, type Responder } from '@atelier/obd';
import { describe, expect, it } from 'vitest';
import { loadScenario, readScenarioFile } from './scenario.js';
import { openScenarioResponder } from './session.js';
import { Vehicle } from './vehicle.js';

describe('an ELM327 transcript of a simulated session, turned back into a responder', () => {
  it('answers the same requests with the same responses', async () => {
    const clock = new VirtualClock();
    const vehicle = Vehicle.fromScenario(loadScenario('misfire-cyl2'));
    const transcript = new Transcript(clock);
    const original = await sessionWithTranscript(vehicle, transcript, clock);
    expect(original.some((a) => a.startsWith('7e8:4302'))).toBe(true);
    const replayed = await sessionWithTranscript(
      responderFromTranscript(Transcript.parse(transcript.toString()), 'transcript', { pace: 'time' }),
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
