import { VirtualClock } from '@atelier/clock';
import { describe, expect, it } from 'vitest';
import type { Bus, FrameListener } from '../bus.js';
import { type Frame, makeFrame, toHex } from '../frame.js';
import { VirtualBus } from '../virtual-bus.js';
import { normalFixedId, parseNormalFixedId } from './address.js';
import { type IsoTpAddress, IsoTpEndpoint, IsoTpError, type IsoTpOptions } from './index.js';

let channelSeq = 0;

/** Two endpoints facing each other on a fresh virtual channel, plus a tap that sees every frame. */
function pair(a: IsoTpAddress, b: IsoTpAddress, optA: IsoTpOptions = {}, optB: IsoTpOptions = {}) {
  const clock = new VirtualClock();
  const ch = `isotp-${channelSeq++}`;
  // The tap joins first so that it sees each frame before the endpoint it provokes answers it.
  const tapBus = new VirtualBus(ch, { clock });
  const busA = new VirtualBus(ch, { clock });
  const busB = new VirtualBus(ch, { clock });
  const frames: Frame[] = [];
  tapBus.subscribe((f) => frames.push({ ...f, timestamp: clock.now() }));
  const epA = new IsoTpEndpoint(busA, a, { clock, ...optA });
  const epB = new IsoTpEndpoint(busB, b, { clock, ...optB });
  return { clock, epA, epB, frames, busA, busB };
}

function payload(n: number, seed = 0): Uint8Array {
  const p = new Uint8Array(n);
  for (let i = 0; i < n; i++) p[i] = (i * 7 + seed * 13 + (i >> 8)) & 0xff;
  return p;
}

const MODES: { name: string; tester: IsoTpAddress; ecu: IsoTpAddress }[] = [
  { name: 'normal 11-bit', tester: { txId: 0x7e0, rxId: 0x7e8 }, ecu: { txId: 0x7e8, rxId: 0x7e0 } },
  {
    name: 'normal fixed 29-bit',
    tester: { mode: 'normal-fixed', txId: normalFixedId(0x10, 0xf1), rxId: normalFixedId(0xf1, 0x10) },
    ecu: { mode: 'normal-fixed', txId: normalFixedId(0xf1, 0x10), rxId: normalFixedId(0x10, 0xf1) },
  },
  {
    name: 'extended',
    tester: { mode: 'extended', txId: 0x6f1, rxId: 0x612, txAddress: 0x12, rxAddress: 0xf1 },
    ecu: { mode: 'extended', txId: 0x612, rxId: 0x6f1, txAddress: 0xf1, rxAddress: 0x12 },
  },
];

describe('IsoTpEndpoint against itself', () => {
  for (const mode of MODES) {
    it(`${mode.name}: every length 1–4095 arrives intact, length 0 is refused`, async () => {
      const { clock, epA, epB, frames } = pair(mode.tester, mode.ecu);
      const off = mode.tester.mode === 'extended' ? 1 : 0;
      const extended = mode.tester.mode === 'normal-fixed';
      await expect(epA.send(new Uint8Array(0))).rejects.toMatchObject({ code: 'invalid-length' });
      for (let n = 1; n <= 4095; n++) {
        // Lets the virtual clock drop the cancelled N_As/N_Cr timers now and then (memory stays flat).
        if (n % 256 === 0) await clock.advance(0);
        const p = payload(n, n);
        frames.length = 0;
        const got = epB.receive();
        await epA.send(p);
        const m = await got;
        if (m.data.length !== n || toHex(m.data) !== toHex(p))
          throw new Error(`length ${n} corrupted: ${toHex(m.data).slice(0, 40)}`);
        // Frames on the wire: a single frame, or FF + CFs + one flow control; all padded to 8 bytes.
        const sf = 7 - off;
        const expected = n <= sf ? 1 : 2 + Math.ceil((n - (6 - off)) / (7 - off));
        if (frames.length !== expected)
          throw new Error(`length ${n}: ${frames.length} frames, expected ${expected}`);
        for (const f of frames) {
          if (
            f.data.length !== 8 ||
            !(f.id === mode.tester.txId || f.id === mode.ecu.txId) ||
            f.extended !== extended
          ) {
            throw new Error(`length ${n}: bad frame ${f.id.toString(16)}#${toHex(f.data)}`);
          }
          if (off && f.data[0] !== (f.id === mode.tester.txId ? 0x12 : 0xf1))
            throw new Error(`length ${n}: wrong address byte`);
        }
      }
      epA.close();
      epB.close();
    }, 120_000);
  }

  it('both directions at once (full duplex)', async () => {
    const { epA, epB } = pair(MODES[0].tester, MODES[0].ecu);
    const [ra, rb] = [epA.receive(), epB.receive()];
    await Promise.all([epA.send(payload(300, 1)), epB.send(payload(500, 2))]);
    expect(toHex((await rb).data)).toBe(toHex(payload(300, 1)));
    expect(toHex((await ra).data)).toBe(toHex(payload(500, 2)));
  });

  it('CAN FD: escape single frames, 64-byte frames, and the 32-bit length escape above 4095', async () => {
    const { epA, epB, frames } = pair(
      MODES[0].tester,
      MODES[0].ecu,
      { fd: true },
      { fd: true, maxLength: 100_000 },
    );
    for (const n of [1, 7, 8, 20, 62, 63, 64, 125, 4095, 4096, 70_000]) {
      const got = epB.receive();
      await epA.send(payload(n, 3));
      expect(toHex((await got).data)).toBe(toHex(payload(n, 3)));
    }
    expect(frames.every((f) => f.fd && [8, 12, 16, 20, 24, 32, 48, 64].includes(f.data.length))).toBe(true);
    // The 4096-byte message starts with 10 00 00 00 10 00 (escape FF_DL).
    const escaped = frames.find((f) => f.data[0] === 0x10 && f.data[1] === 0);
    expect(toHex(escaped!.data.subarray(0, 6))).toBe('100000001000');
    // 62 bytes fit one escaped single frame: 00 3E …
    expect(frames.some((f) => f.data[0] === 0 && f.data[1] === 62 && f.data.length === 64)).toBe(true);
  });

  const STMINS: [number, number][] = [
    [0, 0],
    [5, 5],
    [0xf1, 0.1],
    [0xf9, 0.9],
    [0x7f, 127],
  ];
  for (const bs of [0, 1, 2, 7, 15]) {
    for (const [code, ms] of STMINS) {
      it(`receiver asks block size ${bs}, STmin 0x${code.toString(16)}: sender honours both`, async () => {
        const { clock, epA, epB, frames } = pair(
          MODES[0].tester,
          MODES[0].ecu,
          {},
          { blockSize: bs, stMin: code },
        );
        for (const n of [8, 27, 100, 300]) {
          frames.length = 0;
          const got = epB.receive();
          const start = clock.now();
          await clock.run(epA.send(payload(n, bs)));
          const m = await got;
          expect(toHex(m.data)).toBe(toHex(payload(n, bs)));
          const cfs = frames.filter((f) => f.id === 0x7e0 && f.data[0] >> 4 === 2);
          const fcs = frames.filter((f) => f.id === 0x7e8);
          expect(cfs.length).toBe(Math.ceil((n - 6) / 7));
          // One FC after the FF, then one after every full block that is not the last.
          const expectedFcs = bs === 0 ? 1 : 1 + Math.floor((cfs.length - 1) / bs);
          expect(fcs.length).toBe(expectedFcs);
          for (const fc of fcs)
            expect(toHex(fc.data.subarray(0, 3))).toBe(
              `30${bs.toString(16).padStart(2, '0')}${code.toString(16).padStart(2, '0')}`,
            );
          // Within a block consecutive frames are at least STmin apart; blocks restart after each FC.
          for (let i = 1; i < cfs.length; i++) {
            const blockStart = bs !== 0 && i % bs === 0;
            if (!blockStart)
              expect(cfs[i].timestamp - cfs[i - 1].timestamp).toBeGreaterThanOrEqual(ms - 1e-9);
          }
          const gaps = bs === 0 ? cfs.length - 1 : cfs.length - Math.ceil(cfs.length / bs);
          expect(clock.now() - start).toBeCloseTo(gaps * ms, 6);
        }
      });
    }
  }

  it('frame layout: SF, FF, CF sequence numbers wrap 15 → 0, padding 0xCC by default', async () => {
    const { epA, epB, frames } = pair(MODES[0].tester, MODES[0].ecu);
    const got = epB.receive();
    await epA.send(Uint8Array.from([0x01, 0x0c]));
    await got;
    expect(toHex(frames[0].data)).toBe('02010ccccccccccc');
    frames.length = 0;
    const got2 = epB.receive();
    await epA.send(payload(200));
    await got2;
    expect(toHex(frames[0].data)).toBe(`10c8${toHex(payload(200).subarray(0, 6))}`);
    expect(toHex(frames[1].data)).toBe('3000000000000000'.replace(/0{10}$/, 'cccccccccc'));
    const sns = frames.filter((f) => f.id === 0x7e0 && f.data[0] >> 4 === 2).map((f) => f.data[0] & 0xf);
    expect(sns.slice(0, 17)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1]);
    // Last CF: (200 - 6) % 7 = 5 payload bytes, then padding.
    expect(toHex(frames.at(-1)!.data.subarray(6))).toBe('cccc');
  });

  it('padding: a chosen byte, or none (frames only as long as needed)', async () => {
    const a = pair(MODES[0].tester, MODES[0].ecu, { padding: 0x55 });
    const got = a.epB.receive();
    await a.epA.send(Uint8Array.from([0x09, 0x02]));
    await got;
    expect(toHex(a.frames[0].data)).toBe('0209025555555555');
    const b = pair(MODES[0].tester, MODES[0].ecu, { padding: null }, { padding: null });
    const got2 = b.epB.receive();
    await b.epA.send(payload(20));
    expect(toHex((await got2).data)).toBe(toHex(payload(20)));
    expect(b.frames.map((f) => f.data.length)).toEqual([8, 3, 8, 8]);
    expect(() => new IsoTpEndpoint(new VirtualBus('x'), MODES[0].tester, { padding: 300 })).toThrow(
      /padding/,
    );
  });

  it('functional request: one single frame on 0x7DF, no flow control; too long is refused', async () => {
    const { epA, epB, frames } = pair(
      { ...MODES[0].tester, functionalId: 0x7df },
      { txId: 0x7e8, rxId: 0x7df },
    );
    const got = epB.receive();
    await epA.sendFunctional(Uint8Array.from([0x01, 0x00]));
    expect(toHex((await got).data)).toBe('0100');
    expect(frames.map((f) => f.id)).toEqual([0x7df]);
    await expect(epA.sendFunctional(payload(8))).rejects.toMatchObject({ code: 'invalid-length' });
    // The ECU answers physically, from an endpoint on its own request id so it gets our flow control.
    const ecu = new IsoTpEndpoint(epB.bus, MODES[0].ecu);
    const reply = epA.receive();
    await ecu.send(payload(40));
    expect(toHex((await reply).data)).toBe(toHex(payload(40)));
  });

  it('onMessage listeners get every message; receive() times out with code timeout', async () => {
    const { clock, epA, epB } = pair(MODES[0].tester, MODES[0].ecu);
    const seen: number[] = [];
    const off = epB.onMessage((m) => seen.push(m.data.length));
    await epA.send(payload(3));
    await epA.send(payload(30));
    off();
    expect(seen).toEqual([3, 30]);
    const err = await clock.run(epB.receive(50)).catch((e) => e);
    expect(err).toBeInstanceOf(IsoTpError);
    expect(err.code).toBe('timeout');
    expect(clock.now()).toBe(50);
  });

  it('close() fails a pending receive and later sends with code closed', async () => {
    const { epA, epB } = pair(MODES[0].tester, MODES[0].ecu);
    const pending = epB.receive();
    epB.close();
    await expect(pending).rejects.toMatchObject({ code: 'closed' });
    epA.close();
    await expect(epA.send(payload(3))).rejects.toMatchObject({ code: 'closed' });
  });
});

/** A peer driven frame by frame by the test. */
function scripted(txId = 0x7e8) {
  const clock = new VirtualClock();
  const ch = `isotp-script-${channelSeq++}`;
  const bus = new VirtualBus(ch, { clock });
  const peer = new VirtualBus(ch, { clock });
  const got: Frame[] = [];
  const reactions: ((f: Frame) => void)[] = [];
  peer.subscribe((f) => {
    got.push(f);
    reactions.shift()?.(f);
  });
  const send = (hex: string) => peer.sendSync(makeFrame({ id: txId, data: Buffer.from(hex, 'hex') }));
  return { clock, bus, peer, got, reactions, send };
}

describe('IsoTpEndpoint against scripted peers', () => {
  it('flow-control WAITs are waited through, each restarting N_Bs', async () => {
    const s = scripted();
    const ep = new IsoTpEndpoint(s.bus, MODES[0].tester, { clock: s.clock, maxWait: 3 });
    s.reactions.push(() => {
      s.clock.setTimeout(() => s.send('3100000000000000'), 900);
      s.clock.setTimeout(() => s.send('3100000000000000'), 1800);
      s.clock.setTimeout(() => s.send('3000000000000000'), 2700);
    });
    await s.clock.run(ep.send(payload(20)));
    expect(s.got.map((f) => f.data[0])).toEqual([0x10, 0x21, 0x22]);
    expect(s.clock.now()).toBe(2700);
  });

  it('more WAITs than maxWait → wait-limit', async () => {
    const s = scripted();
    const ep = new IsoTpEndpoint(s.bus, MODES[0].tester, { clock: s.clock, maxWait: 2 });
    s.reactions.push(() => {
      for (let i = 1; i <= 3; i++) s.clock.setTimeout(() => s.send('3100000000000000'), i * 10);
    });
    const err = await s.clock.run(ep.send(payload(20))).catch((e) => e);
    expect(err).toBeInstanceOf(IsoTpError);
    expect(err.code).toBe('wait-limit');
  });

  it('OVERFLOW → overflow; unknown flow status → invalid-fs', async () => {
    const s = scripted();
    const ep = new IsoTpEndpoint(s.bus, MODES[0].tester, { clock: s.clock });
    s.reactions.push(() => s.send('32000000'));
    await expect(s.clock.run(ep.send(payload(20)))).rejects.toMatchObject({ code: 'overflow' });
    s.reactions.push(() => s.send('3700000000000000'));
    await expect(s.clock.run(ep.send(payload(20)))).rejects.toMatchObject({ code: 'invalid-fs' });
  });

  it('silence after the first frame → timeout-bs after N_Bs; after a block too', async () => {
    const s = scripted();
    const ep = new IsoTpEndpoint(s.bus, MODES[0].tester, { clock: s.clock, timeouts: { nBs: 150 } });
    const err = await s.clock.run(ep.send(payload(20))).catch((e) => e);
    expect(err.code).toBe('timeout-bs');
    expect(s.clock.now()).toBe(150);
    s.reactions.push(() => s.send('3002000000000000'));
    const err2 = await s.clock.run(ep.send(payload(40))).catch((e) => e);
    expect(err2.code).toBe('timeout-bs');
    // FF, then exactly one block of 2 CFs.
    expect(s.got.slice(1).map((f) => f.data[0])).toEqual([0x10, 0x21, 0x22]);
  });

  it('a frame the bus does not take within N_As → timeout-as', async () => {
    const clock = new VirtualClock();
    const stuck: Bus = {
      name: 'stuck',
      closed: false,
      send: () => new Promise<void>(() => {}),
      subscribe: (_l: FrameListener) => () => {},
      close: async () => {},
    };
    const ep = new IsoTpEndpoint(stuck, MODES[0].tester, { clock, timeouts: { nAs: 70 } });
    const err = await clock.run(ep.send(payload(3))).catch((e) => e);
    expect(err.code).toBe('timeout-as');
    expect(clock.now()).toBe(70);
  });

  it('receiving: our flow control carries our block size and STmin; a silent sender → timeout-cr', async () => {
    const s = scripted();
    const ep = new IsoTpEndpoint(s.bus, MODES[0].ecu, {
      clock: s.clock,
      blockSize: 4,
      stMin: 0xf3,
      timeouts: { nCr: 200 },
    });
    const got = ep.receive();
    s.peer.sendSync(makeFrame({ id: 0x7e0, data: Buffer.from('101462010203040a', 'hex') }));
    expect(toHex(s.got[0].data)).toBe('3004f3cccccccccc');
    expect(s.got[0].id).toBe(0x7e8);
    s.clock.setTimeout(
      () => s.peer.sendSync(makeFrame({ id: 0x7e0, data: Buffer.from('2105060708090a0b', 'hex') })),
      150,
    );
    const err = await s.clock.run(got).catch((e) => e);
    expect(err.code).toBe('timeout-cr');
    expect(s.clock.now()).toBe(350);
  });

  it('receiving: wrong sequence number → wrong-sn; a new first frame → interrupted, and the new one completes', async () => {
    const s = scripted();
    const ep = new IsoTpEndpoint(s.bus, MODES[0].ecu, { clock: s.clock });
    const errors: string[] = [];
    ep.onError((e) => errors.push(e.code));
    const messages: string[] = [];
    ep.onMessage((m) => messages.push(toHex(m.data)));
    const tx = (hex: string) => s.peer.sendSync(makeFrame({ id: 0x7e0, data: Buffer.from(hex, 'hex') }));
    tx('1010000102030405');
    tx('2206070809101112');
    expect(errors).toEqual(['wrong-sn']);
    tx('1010000102030405');
    tx('1009aabbccddeeff');
    expect(errors).toEqual(['wrong-sn', 'interrupted']);
    tx('2111223344556677');
    expect(messages).toEqual(['aabbccddeeff112233']);
    // A consecutive frame with no reception open is ignored, as the standard says.
    tx('2111223344556677');
    expect(errors).toEqual(['wrong-sn', 'interrupted']);
    await s.clock.advance(5000);
    expect(errors).toEqual(['wrong-sn', 'interrupted']);
  });

  it('receiving: a first frame longer than maxLength gets an OVERFLOW flow control', async () => {
    const s = scripted();
    const ep = new IsoTpEndpoint(s.bus, MODES[0].ecu, { clock: s.clock, maxLength: 100 });
    s.peer.sendSync(makeFrame({ id: 0x7e0, data: Buffer.from('1065000102030405', 'hex') }));
    expect(toHex(s.got[0].data)).toBe('320000cccccccccc');
    ep.close();
  });

  it('invalid frames are ignored: SF_DL 0, a short first frame, other ids', async () => {
    const s = scripted();
    const ep = new IsoTpEndpoint(s.bus, MODES[0].ecu, { clock: s.clock });
    const seen: string[] = [];
    ep.onMessage((m) => seen.push(toHex(m.data)));
    const tx = (id: number, hex: string) => s.peer.sendSync(makeFrame({ id, data: Buffer.from(hex, 'hex') }));
    tx(0x7e0, '00aabbcc');
    tx(0x7e0, '1005aabbccddeeff');
    tx(0x7e1, '03aabbcc');
    tx(0x7e0, '03aabbcc');
    expect(seen).toEqual(['aabbcc']);
    expect(s.got).toEqual([]);
  });
});

describe('normal fixed addressing ids', () => {
  it('builds 0x18DA/0x18DB ids and reads them back', () => {
    expect(normalFixedId(0x33, 0xf1, true)).toBe(0x18db33f1);
    expect(normalFixedId(0x10, 0xf1)).toBe(0x18da10f1);
    expect(normalFixedId(0xf1, 0x10)).toBe(0x18daf110);
    expect(parseNormalFixedId(0x18daf110)).toEqual({ target: 0xf1, source: 0x10, functional: false });
    expect(parseNormalFixedId(0x7e8)).toBeUndefined();
    expect(() => normalFixedId(256, 0)).toThrow(/target/);
  });

  it('refuses ids that do not fit and extended addressing without addresses', () => {
    expect(
      () =>
        new IsoTpEndpoint(new VirtualBus('y'), {
          txId: 0x7e0,
          rxId: 0x7e8,
          extendedIds: false,
          functionalId: 0x800,
        }),
    ).toThrow(/functionalId/);
    expect(
      () => new IsoTpEndpoint(new VirtualBus('y'), { mode: 'extended', txId: 0x7e0, rxId: 0x7e8 }),
    ).toThrow(/txAddress/);
    expect(
      () =>
        new IsoTpEndpoint(new VirtualBus('y'), {
          mode: 'normal-fixed',
          txId: 0x7e0,
          rxId: 0x7e8,
          extendedIds: false,
        }),
    ).toThrow(/29-bit/);
  });
});

describe('IsoTpEndpoint: more of the standard', () => {
  it('reserved STmin values count as 127 ms (0x80–0xF0, 0xFA–0xFF)', async () => {
    const { stMinToMs } = await import('./pci.js');
    expect([0, 0x7f, 0x80, 0xf0, 0xf1, 0xf5, 0xf9, 0xfa, 0xff].map(stMinToMs)).toEqual([
      0, 127, 127, 127, 0.1, 0.5, 0.9, 127, 127,
    ]);
    const s = scripted();
    const ep = new IsoTpEndpoint(s.bus, MODES[0].tester, { clock: s.clock });
    s.reactions.push(() => s.send('3000fa'));
    await s.clock.run(ep.send(payload(20)));
    // FF, then CF1 at once, CF2 127 ms later.
    expect(s.clock.now()).toBe(127);
    expect(() => new IsoTpEndpoint(s.bus, MODES[0].tester, { stMin: 0x80 })).toThrow(/stMin/);
  });

  it('our flow control that the bus does not take within N_Ar → timeout-ar', async () => {
    const clock = new VirtualClock();
    let deliver: ((f: Frame) => void) | undefined;
    const stuck: Bus = {
      name: 'stuck-rx',
      closed: false,
      send: () => new Promise<void>(() => {}),
      subscribe: (l: FrameListener) => {
        deliver = l;
        return () => {};
      },
      close: async () => {},
    };
    const ep = new IsoTpEndpoint(stuck, MODES[0].ecu, { clock, timeouts: { nAr: 30 } });
    const got = ep.receive();
    deliver!(makeFrame({ id: 0x7e0, data: Buffer.from('1014010203040506', 'hex') }));
    const err = await clock.run(got).catch((e) => e);
    expect(err.code).toBe('timeout-ar');
    expect(clock.now()).toBe(30);
  });

  it('29-bit functional request on 0x18DB33F1, answer from 0x18DAF110 with flow control to 0x18DA10F1', async () => {
    const tester = {
      mode: 'normal-fixed' as const,
      txId: normalFixedId(0x10, 0xf1),
      rxId: normalFixedId(0xf1, 0x10),
      functionalId: normalFixedId(0x33, 0xf1, true),
    };
    const ecuFunctional = {
      mode: 'normal-fixed' as const,
      txId: normalFixedId(0xf1, 0x10),
      rxId: 0x18db33f1,
    };
    const { epA, epB, frames } = pair(tester, ecuFunctional);
    const ecu = new IsoTpEndpoint(epB.bus, MODES[1].ecu);
    const req = epB.receive();
    await epA.sendFunctional(Uint8Array.from([0x09, 0x02]));
    expect(toHex((await req).data)).toBe('0902');
    const answer = epA.receive();
    await ecu.send(payload(20));
    expect(toHex((await answer).data)).toBe(toHex(payload(20)));
    expect(frames.map((f) => f.id.toString(16))).toEqual([
      '18db33f1',
      '18daf110',
      '18da10f1',
      '18daf110',
      '18daf110',
    ]);
    expect(frames.every((f) => f.extended)).toBe(true);
  });

  it('CAN FD without padding: frames keep valid FD lengths, short frames stay short', async () => {
    const { epA, epB, frames } = pair(
      MODES[0].tester,
      MODES[0].ecu,
      { fd: true, padding: null },
      { fd: true, padding: null },
    );
    const got = epB.receive();
    await epA.send(payload(3));
    expect(toHex((await got).data)).toBe(toHex(payload(3)));
    expect(frames[0].data.length).toBe(4);
    frames.length = 0;
    const got2 = epB.receive();
    await epA.send(payload(100));
    expect(toHex((await got2).data)).toBe(toHex(payload(100)));
    // FF 64 bytes (62 payload), FC 3 bytes, CF with 38 bytes + PCI = 39 → padded to 48.
    expect(frames.map((f) => f.data.length)).toEqual([64, 3, 48]);
    expect(frames[2].data.subarray(39).every((b) => b === 0xcc)).toBe(true);
  });
});
