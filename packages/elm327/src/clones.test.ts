import { readFileSync } from 'node:fs';
import { VirtualClock } from '@atelier/clock';
import { BusFaultError, FUNCTIONAL, NoResponseError, physical } from '@atelier/obd';
import { describe, expect, it } from 'vitest';
import { Elm327Link } from './client.js';
import { ElmAdapterError, ElmBusError, ElmNoDataError } from './errors.js';
import { loadProfiles } from './profile.js';
import { replayTranscript, Transcript } from './transcript.js';

/**
 * Recorded-style dialogues of misbehaving adapters (src/fixtures/*.transcript), replayed byte for
 * byte against the client in virtual time. A client that sends anything the transcript does not
 * expect fails the test at that entry.
 */
const profiles = loadProfiles();

async function replay(name: string) {
  const file = new URL(`./fixtures/${name}`, import.meta.url);
  const entries = Transcript.parse(readFileSync(file, 'utf8'), name);
  const clock = new VirtualClock();
  const errors: Error[] = [];
  const link = new Elm327Link({
    clock,
    profiles,
    open: async () => {
      const s = replayTranscript(entries, { clock, hold: true, source: name });
      s.on('error', (e) => errors.push(e));
      return s;
    },
  });
  await clock.run(link.start());
  return { link, clock, errors };
}

describe('clone behaviour from transcripts', () => {
  it('echo that cannot be turned off, ? to STI, SEARCHING... for 4.5 s', async () => {
    const { link, clock, errors } = await replay('clone-v1.5-echo-searching.transcript');
    expect(link.adapter).toMatchObject({
      version: 'ELM327 v1.5',
      profile: 'clone-v1.5',
      stn: undefined,
      voltage: 12.3,
      auto: true,
    });
    const [r] = await clock.run(link.request({ target: physical(0x7e0), data: Uint8Array.of(0x01, 0x0c) }));
    expect(Array.from(r!.data)).toEqual([0x41, 0x0c, 0x0f, 0xa0]);
    // The second time, the learned line count goes with the request (the transcript expects it).
    const [again] = await clock.run(
      link.request({ target: physical(0x7e0), data: Uint8Array.of(0x01, 0x0c) }),
    );
    expect(Array.from(again!.data)).toEqual([0x41, 0x0c, 0x0f, 0xb4]);
    expect(errors).toEqual([]);
  });

  it('a missing prompt: resync, the answer that arrived is kept, the next request works', async () => {
    const { link, clock, errors } = await replay('clone-missing-prompt.transcript');
    const [speed] = await clock.run(
      link.request({ target: physical(0x7e0), data: Uint8Array.of(0x01, 0x0d) }),
    );
    expect(Array.from(speed!.data)).toEqual([0x41, 0x0d, 0x2a]);
    expect(link.stats.resyncs).toBe(1);
    const [rpm] = await clock.run(link.request({ target: FUNCTIONAL, data: Uint8Array.of(0x01, 0x0c) }));
    expect(rpm!.data[1]).toBe(0x0c);
    expect(errors).toEqual([]);
  });

  it('BUFFER FULL is an adapter error that keeps the frames that arrived', async () => {
    const { link, clock, errors } = await replay('fake-v2.1-buffer-full.transcript');
    expect(link.adapter?.profile).toBe('fake-v2.1');
    const err = await clock
      .run(link.request({ target: FUNCTIONAL, data: Uint8Array.of(0x09, 0x02) }))
      .catch((e) => e);
    expect(errors).toEqual([]);
    expect(err).toBeInstanceOf(ElmAdapterError);
    expect((err as ElmAdapterError).kind).toBe('buffer-full');
    const next = await clock.run(link.request({ target: FUNCTIONAL, data: Uint8Array.of(0x01, 0x0d) }));
    expect(next.map((r) => r.ecu)).toEqual([0x7e8, 0x7e9]);
    expect(errors).toEqual([]);
  });

  it('STOPPED: the request is asked again once', async () => {
    const { link, clock, errors } = await replay('clone-stopped.transcript');
    const [r] = await clock.run(link.request({ target: physical(0x7e0), data: Uint8Array.of(0x01, 0x0c) }));
    expect(r!.data[2]).toBe(0x0f);
    expect(link.stats.stopped).toBe(1);
    expect(errors).toEqual([]);
  });

  it('CAN ERROR and NO DATA on mode 03 are errors, never "no DTCs"; real lists come through', async () => {
    const { link, clock, errors } = await replay('mode03-errors.transcript');
    const ask = () => clock.run(link.request({ target: FUNCTIONAL, data: Uint8Array.of(0x03) }));
    const canError = await ask().catch((e) => e);
    expect(errors).toEqual([]);
    expect(canError).toBeInstanceOf(ElmBusError);
    expect(canError).toBeInstanceOf(BusFaultError);
    const noData = await ask().catch((e) => e);
    expect(noData).toBeInstanceOf(ElmNoDataError);
    expect(noData).toBeInstanceOf(NoResponseError);
    const lists = await ask();
    expect(lists.map((r) => [r.ecu, Array.from(r.data)])).toEqual([
      [0x7e8, [0x43, 0x02, 0x03, 0x01, 0x01, 0x71]],
      [0x7e9, [0x43, 0x00]],
    ]);
    expect(errors).toEqual([]);
  });
});
