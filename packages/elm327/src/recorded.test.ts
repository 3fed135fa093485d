import { readFileSync } from 'node:fs';
import { VirtualClock } from '@atelier/clock';
import type { Responder } from '@atelier/obd';
import { FUNCTIONAL, NoResponseError, physical, RecordedResponder, RecordingError } from '@atelier/obd';
import { describe, expect, it } from 'vitest';
import { Elm327Link } from './client.js';
import { DemoCar } from './demo.js';
import { Elm327Emulator } from './emulator.js';
import { duplexPair } from './pair.js';
import { responderFromTranscript } from './recorded.js';
import { Transcript } from './transcript.js';

async function session(responder: Responder, vehicleProtocol = '6', transcript?: Transcript) {
  const clock = new VirtualClock();
  const emu = new Elm327Emulator({ responder, clock, vehicleProtocol, latencyMs: 10 });
  const link = new Elm327Link({
    clock,
    transcript: transcript ? transcript : undefined,
    open: async () => {
      const [a, b] = duplexPair();
      emu.attach(b);
      return a;
    },
  });
  await clock.run(link.start());
  const ask = (target: Parameters<typeof physical>[0] | 'f', ...data: number[]) =>
    clock.run(
      link.request({ target: target === 'f' ? FUNCTIONAL : physical(target), data: Uint8Array.from(data) }),
    );
  return { link, clock, ask };
}

describe('recorded sessions as responders', () => {
  it('serves a recorded car back: same VIN, same DTCs, live values in the recorded order', async () => {
    const clock = new VirtualClock();
    const transcript = new Transcript(clock);
    const rec = await session(new DemoCar(), '7', transcript);
    const vin = await rec.ask('f', 0x09, 0x02);
    const dtcs = await rec.ask('f', 0x03);
    const rpms: number[][] = [];
    for (let i = 0; i < 3; i++) {
      await rec.clock.advance(700);
      rpms.push(Array.from((await rec.ask(0x18da10f1, 0x01, 0x0c))[0]!.data));
    }
    const nothing = await rec.ask('f', 0x01, 0x55).catch((e) => e);
    expect(nothing).toBeInstanceOf(NoResponseError);

    const responder = responderFromTranscript(Transcript.parse(transcript.toString()));
    expect(responder.protocol).toBe('7');
    const replay = await session(responder, responder.protocol);
    expect(replay.link.adapter?.ecus).toEqual([0x18daf110, 0x18daf111]);
    expect((await replay.ask('f', 0x09, 0x02)).map((r) => Array.from(r.data))).toEqual(
      vin.map((r) => Array.from(r.data)),
    );
    expect((await replay.ask('f', 0x03)).map((r) => [r.ecu, Array.from(r.data)])).toEqual(
      dtcs.map((r) => [r.ecu, Array.from(r.data)]),
    );
    for (const want of rpms)
      expect(Array.from((await replay.ask(0x18da10f1, 0x01, 0x0c))[0]!.data)).toEqual(want);
    // The recording goes round again.
    expect(Array.from((await replay.ask(0x18da10f1, 0x01, 0x0c))[0]!.data)).toEqual(rpms[0]);
    await expect(replay.ask('f', 0x01, 0x55)).rejects.toBeInstanceOf(NoResponseError);
  });

  it('reads a clone transcript fixture', () => {
    const text = readFileSync(
      new URL('./fixtures/clone-v1.5-echo-searching.transcript', import.meta.url),
      'utf8',
    );
    const r = responderFromTranscript(Transcript.parse(text));
    expect(r.size).toBe(2);
    expect(r.respond({ target: physical(0x7e0), data: Uint8Array.of(0x01, 0x0c) })[0]!.ecu).toBe(0x7e8);
    expect(r.respond({ target: FUNCTIONAL, data: Uint8Array.of(0x01, 0x00) })).toHaveLength(1);
  });

  it('refuses a transcript with no exchange', () => {
    expect(() =>
      responderFromTranscript(Transcript.parse('0.000\trx\t"ELM327 v1.5\\r\\r>"\n'), 'empty.transcript'),
    ).toThrow(RecordingError);
    expect(new RecordedResponder([]).size).toBe(0);
    // Said in the reader's language: the instructor who uploads it reads French.
    const err = (() => {
      try {
        responderFromTranscript(Transcript.parse('0.000\trx\t"ELM327 v1.5\\r\\r>"\n'), 'empty.transcript');
      } catch (e) {
        return e as RecordingError;
      }
    })()!;
    expect(err.message).toBe('empty.transcript: no OBD/UDS exchange with an answer in the transcript');
    expect(err.messageIn('fr')).toBe(
      'empty.transcript : aucun échange OBD/UDS avec une réponse dans le transcript : rien à rejouer',
    );
  });
});
