import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../../tests/support/index.js';
import { type DiagnosticLink, FUNCTIONAL, NoResponseError, physical } from './link.js';
import { ObdClient } from './obd-client.js';
import { RecordedResponder, RecordingError } from './recorded.js';
import { scanVehicle } from './scan.js';

const LEAF = fixturePath('can/nissan_leaf_uds_2022-01-06.log');
const SAVVY = fixturePath('can/savvycan_example_candump.log');

describe('recorded CAN logs as responders', () => {
  it('the Nissan Leaf log (real, KWP 0x21 on 0x79B/0x7BB) answers its own requests', async () => {
    const r = await RecordedResponder.fromCanLog(LEAF);
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
    await expect(RecordedResponder.fromCanLog(SAVVY)).rejects.toThrow(RecordingError);
    const err = (await RecordedResponder.fromCanLog(SAVVY).catch((e) => e)) as RecordingError;
    expect(err.message).toBe(`${SAVVY}: no diagnostic request with an answer in it`);
    expect(err.messageIn('fr')).toBe(
      `${SAVVY} : aucune requête de diagnostic n’y reçoit de réponse : rien à rejouer`,
    );
  });

  it('answers in time: the exchange recorded nearest to the same offset from the first request', async () => {
    const log = [
      '(100.000000) can0 7DF#02010D0000000000',
      '(100.010000) can0 7E8#03410D0A00000000',
      '(110.000000) can0 7DF#02010D0000000000',
      '(110.012000) can0 7E8#03410D3200000000',
      '(110.500000) can0 123#1122',
    ].join('\n');
    const r = await RecordedResponder.fromCanLogText(log, 'mem.log');
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

describe('a recording with a broken transfer', () => {
  it('says which message could not be reassembled, typed, and replays the rest', async () => {
    const log = [
      '(100.000000) can0 7DF#0209020000000000',
      // The VIN's first frame, then a consecutive frame out of sequence: the transfer is broken.
      '(100.010000) can0 7E8#1014490201564631',
      '(100.011000) can0 7E0#3000000000000000',
      '(100.020000) can0 7E8#2335524252303735',
      '(101.000000) can0 7DF#02010D0000000000',
      '(101.010000) can0 7E8#03410D3200000000',
    ].join('\n');
    const r = await RecordedResponder.fromCanLogText(log, 'broken.log');
    expect(r.problems).toEqual([
      {
        id: 0x7e8,
        extended: false,
        t: expect.closeTo(0.02, 6),
        error: 'wrong-sn',
        detail: 'consecutive frame SN 3, expected 1',
      },
    ]);
    expect([
      ...r.respond({ target: FUNCTIONAL, data: Uint8Array.of(0x01, 0x0d), extended: false, nowMs: 0 })[0]
        .data,
    ]).toEqual([0x41, 0x0d, 0x32]);
    expect(
      r.respond({ target: FUNCTIONAL, data: Uint8Array.of(0x09, 0x02), extended: false, nowMs: 0 }),
    ).toEqual([]);
    expect(() => new RecordedResponder([]).size).not.toThrow();
    await expect(RecordedResponder.fromCanLogText('(1.000000) can0 123#11\n', 'x.log')).rejects.toThrow(
      RecordingError,
    );
  });
});

/**
 * A logger's recording as CSS Electronics' OBD2 samples hold them: PIDs polled on 7E0 one at a time,
 * the VIN and the stored codes asked once, and never 01 00 (written for the tests, frame by frame).
 */
const POLLING = fixturePath('can/obd_polling_without_0100.log');

/** A link straight over a responder, as a scan sees a recorded car (no bus, no adapter). */
function linkOver(r: RecordedResponder, tellsPids: boolean): DiagnosticLink {
  return {
    info: { kind: 'test', protocol: 'recorded' },
    async request(req) {
      const answers = await r.respond({ target: req.target, data: req.data, extended: false, nowMs: 0 });
      if (!answers.length) throw new NoResponseError();
      return answers.map((a) => ({ ecu: a.ecu, extended: false, data: a.data, timestamp: 0 }));
    },
    async close() {},
    ...(tellsPids ? { recordedPids: () => r.recordedPids() } : {}),
  };
}

describe('a recording whose logger never asked 01 00', () => {
  it('says which service 01 PIDs each ECU answered, bitmaps left out', async () => {
    const r = await RecordedResponder.fromCanLog(POLLING);
    expect(r.recordedPids()).toEqual([{ ecu: 0x7e8, extended: false, pids: [0x01, 0x05, 0x0c, 0x0d] }]);
  });

  it('reads a multi-PID answer as J1979 lays it out: a data byte equal to a PID asked is data', async () => {
    // Written byte by byte (single frames: the PCI byte, then the message).
    const log = [
      // 01 0C 0D asked; 7E8 answers 0C only, with 1A 0D as its data (0x1A0D / 4 = 1667 rpm).
      '(10.000000) can0 7DF#03010C0D00000000',
      '(10.010000) can0 7E8#04410C1A0D000000',
      // 01 0C 0D 05 asked; 7E9 answers 0C (data 0D 05) and 0D (data 32), not 05.
      '(11.000000) can0 7DF#04010C0D05000000',
      '(11.010000) can0 7E9#06410C0D050D3200',
      // 01 0D EE 05 asked; 7EA answers 0D (32), then EE, which SAE J1979 does not define here:
      // its length is unknown, so 05 after it cannot be placed.
      '(12.000000) can0 7DF#04010DEE05000000',
      '(12.010000) can0 7EA#07410D32EE01057B',
    ].join('\n');
    const r = await RecordedResponder.fromCanLogText(log, 'multi.log');
    expect(r.recordedPids()).toEqual([
      { ecu: 0x7e8, extended: false, pids: [0x0c] },
      { ecu: 0x7e9, extended: false, pids: [0x0c, 0x0d] },
      { ecu: 0x7ea, extended: false, pids: [0x0d, 0xee] },
    ]);
  });

  it("answers one PID it only recorded among others, with that PID's part of the recorded answer", async () => {
    const log = [
      // 01 0C 0D asked at 10 s and 20 s; 7E8 answers 0C (1A F8, then 0F A0) and 0D (32, then 50).
      '(10.000000) can0 7DF#03010C0D00000000',
      '(10.010000) can0 7E8#06410C1AF80D3200',
      '(20.000000) can0 7DF#03010C0D00000000',
      '(20.010000) can0 7E8#06410C0FA00D5000',
      // 01 0D EE 05 asked of 7E1; 7E9 answers 0D (28), then EE, unknown here: its 05 cannot be placed.
      '(12.000000) can0 7E1#04010DEE05000000',
      '(12.010000) can0 7E9#07410D28EE01057B',
    ].join('\n');
    const r = await RecordedResponder.fromCanLogText(log, 'groups.log');
    const ask = async (data: number[], nowMs: number, target = FUNCTIONAL) =>
      (await r.respond({ target, data: Uint8Array.from(data), extended: false, nowMs })).map((a) => [
        a.ecu,
        [...a.data],
      ]);
    // The first request starts the replay's clock at the recording's first request (10 s).
    expect(await ask([0x01, 0x0c], 0)).toEqual([[0x7e8, [0x41, 0x0c, 0x1a, 0xf8]]]);
    expect(await ask([0x01, 0x0d], 9_500)).toEqual([
      [0x7e8, [0x41, 0x0d, 0x50]],
      [0x7e9, [0x41, 0x0d, 0x28]],
    ]);
    expect(await ask([0x01, 0x0d], 9_600, physical(0x7e1))).toEqual([[0x7e9, [0x41, 0x0d, 0x28]]]);
    // 05 was asked of 7E9 but stands after a PID of unknown length; nobody was asked 0x11.
    expect(await ask([0x01, 0x05], 9_700)).toEqual([]);
    expect(await ask([0x01, 0x11], 9_800)).toEqual([]);
  });

  it('answers several PIDs it recorded one by one, each ECU with the ones it answered', async () => {
    const log = [
      // Polled singly, as a CANedge logger does; answers padded with AA or 00 after their data.
      '(10.000000) can0 7DF#02010C0000000000',
      '(10.010000) can0 7E8#04410C1AF8AAAAAA',
      '(10.020000) can0 7E9#04410C0FA0AAAAAA',
      '(10.100000) can0 7DF#02010D0000000000',
      '(10.110000) can0 7E8#03410D3200000000',
      '(10.200000) can0 7DF#0201050000000000',
      '(10.210000) can0 7E8#0341057B00000000',
    ].join('\n');
    const r = await RecordedResponder.fromCanLogText(log, 'singles.log');
    const answers = await r.respond({
      target: FUNCTIONAL,
      data: Uint8Array.of(0x01, 0x0c, 0x0d, 0x05, 0x11),
      extended: false,
      nowMs: 0,
    });
    // 7E8: 0C 1A F8, 0D 32, 05 7B (11 was never asked); 7E9 answered 0C only.
    expect(answers.map((a) => [a.ecu, [...a.data]])).toEqual([
      [0x7e8, [0x41, 0x0c, 0x1a, 0xf8, 0x0d, 0x32, 0x05, 0x7b]],
      [0x7e9, [0x41, 0x0c, 0x0f, 0xa0]],
    ]);
    expect(
      await r.respond({
        target: FUNCTIONAL,
        data: Uint8Array.of(0x01, 0x11, 0x1f),
        extended: false,
        nowMs: 10,
      }),
    ).toEqual([]);
  });

  it('single-PID answers padded after their data (00, AA, 55) or cut short keep their PID', () => {
    const asked = (pid: number, ...answer: number[]) => ({
      t: 0,
      target: FUNCTIONAL,
      extended: false,
      request: Uint8Array.of(0x01, pid),
      responses: [{ ecu: 0x7e8, data: Uint8Array.from(answer), delayMs: 10 }],
    });
    const r = new RecordedResponder([
      asked(0x0c, 0x41, 0x0c, 0x1a, 0xf8, 0xaa, 0xaa, 0xaa),
      // 55 is also a PID (two data bytes): padding all the same, it was not asked.
      asked(0x0d, 0x41, 0x0d, 0x32, 0x55, 0x55, 0x55, 0x55),
      // 00 is the bitmap PID, and the four zeros after it would fit its length.
      asked(0x05, 0x41, 0x05, 0x7b, 0x00, 0x00, 0x00, 0x00),
      // Answered, its value missing: a scan that asks it gets the malformed answer, said as such.
      asked(0x0f, 0x41, 0x0f),
      // Not an answer to the PID asked.
      asked(0x11, 0x41, 0x0d, 0x32),
    ]);
    expect(r.recordedPids()).toEqual([{ ecu: 0x7e8, extended: false, pids: [0x05, 0x0c, 0x0d, 0x0f] }]);
  });

  it('a scan reads those PIDs from the ECU: without them it reads none, the car having no bitmap', async () => {
    const r = await RecordedResponder.fromCanLog(POLLING, { pace: 'turn' });
    const live = async (tellsPids: boolean) =>
      (await scanVehicle(new ObdClient(linkOver(r, tellsPids)), { parts: ['vin', 'live'] })).items.filter(
        (i) => i.kind === 'live-pid',
      );
    expect(await live(false)).toEqual([]);
    const read = await live(true);
    expect(
      read.map((i) => [i.ecu?.label, i.status, i.kind === 'live-pid' ? i.reading?.value : undefined]),
    ).toEqual([
      ['7E8', 'read', { mil: 0, dtcCount: 0, byteB: 7, byteC: 101, byteD: 0 }],
      ['7E8', 'read', 83],
      ['7E8', 'read', 1726],
      ['7E8', 'read', 50],
    ]);
  });
});
