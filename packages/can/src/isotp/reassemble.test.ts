import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../../../tests/support/index.js';
import { type Frame, fromHex, makeFrame, toHex } from '../frame.js';
import { type ReassemblyEvent, reassemble } from './reassemble.js';

const LEAF = fixturePath('can/nissan_leaf_uds_2022-01-06.log');

/** Minimal candump -l reader for this test, independent of the log-format module under test elsewhere. */
function candump(path: string): Frame[] {
  const out: Frame[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^\((\d+\.\d+)\) (\S+) ([0-9A-F]+)#([0-9A-F]*)/.exec(line);
    if (!m) continue;
    out.push(
      makeFrame({
        id: Number.parseInt(m[3], 16),
        extended: m[3].length > 3,
        data: fromHex(m[4])!,
        timestamp: Number(m[1]),
        channel: m[2],
      }),
    );
  }
  return out;
}

async function collect(it: AsyncIterable<ReassemblyEvent>): Promise<ReassemblyEvent[]> {
  const out: ReassemblyEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

const f = (id: number, hex: string, t: number) => makeFrame({ id, data: fromHex(hex)!, timestamp: t });

describe('reassemble', () => {
  it('the Nissan Leaf recording: 26 payloads of 53 or 31 bytes starting 6101/6104, no errors', async () => {
    const frames = candump(LEAF);
    expect(frames.length).toBe(5588);
    const events = await collect(reassemble(frames, { rxId: 0x7bb, txId: 0x79b }));
    const errors = events.filter((e) => e.type === 'error');
    expect(errors).toEqual([]);
    const messages = events.flatMap((e) => (e.type === 'message' ? [e] : []));
    expect(messages.length).toBe(26);
    for (const m of messages) {
      const hex = toHex(m.data);
      expect(hex.startsWith('6101') ? 53 : hex.startsWith('6104') ? 31 : -1).toBe(m.data.length);
      expect(m.id).toBe(0x7bb);
    }
    // The first answer, by hand from the log: FF 10 35 then CFs 21..27, timestamp of CF 27.
    expect(toHex(messages[0].data)).toBe(
      [
        '6101fffff3cc', // first frame 10 35 …
        '02afffffeba6ff',
        'ffd96d03e830d4',
        '9876395f038c00',
        '0170002910000d',
        '9d7e0010ad7980',
        '0005ffffeba6ff',
        'ffec3b01ad', // CF 27, two padding bytes dropped (0x35 = 53 bytes)
      ].join(''),
    );
    expect(messages[0].timestamp).toBe(1641469562.0645);
    expect(messages[0].frames).toBe(8);
  });

  it('CSS layout: first frame bytes 1.. and each consecutive frame bytes 1.., untrimmed', async () => {
    const events = await collect(reassemble(candump(LEAF), { rxId: 0x7bb, layout: 'css' }));
    const first = events[0];
    if (first.type !== 'message') throw new Error('expected a message');
    expect(first.data.length).toBe(7 + 7 * 7);
    expect(toHex(first.data.subarray(0, 8))).toBe('356101fffff3cc02');
    expect(toHex(first.data.subarray(-3))).toBe('adffff');
  });

  it('reports interrupted, unexpected-cf, wrong-sn and incomplete, and carries on', async () => {
    const frames = [
      f(0x7bb, '2101020304050607', 1), // CF with no FF
      f(0x7bb, '100a010203040506', 2),
      f(0x7bb, '100a111213141516', 3), // interrupts the first
      f(0x7bb, '2117181920cccccc', 4), // completes the second
      f(0x7bb, '0331323300000000', 5), // single frame
      f(0x7bb, '1010010203040506', 6),
      f(0x7bb, '2307080910111213', 7), // SN 3 instead of 1
      f(0x7bb, '1010a1a2a3a4a5a6', 8),
      f(0x7bb, '21a7a8a9aaabacad', 9), // log ends before the last CF
    ];
    const events = await collect(reassemble(frames, { rxId: 0x7bb }));
    expect(
      events.map((e) =>
        e.type === 'message' ? `${e.timestamp} ${toHex(e.data)}` : `${e.timestamp} ${e.error}`,
      ),
    ).toEqual([
      '1 unexpected-cf',
      '3 interrupted',
      '4 11121314151617181920',
      '5 313233',
      '7 wrong-sn',
      '9 incomplete',
    ]);
  });

  it('watches the flow control of the other side: OVERFLOW closes the reception', async () => {
    const frames = [
      f(0x7bb, '1fff010203040506', 1),
      f(0x79b, '3200000000000000', 2),
      f(0x7bb, '2101020304050607', 3),
    ];
    const events = await collect(reassemble(frames, { rxId: 0x7bb, txId: 0x79b }));
    expect(events.map((e) => (e.type === 'error' ? e.error : 'message'))).toEqual([
      'overflow',
      'unexpected-cf',
    ]);
  });

  it('a first frame announcing 4 GiB is refused as overflow without allocating it', async () => {
    // Issue 15: the escape length (FF_DL 0 then 32 bits) made the reassembler allocate whatever a
    // log line declared, zero-filled, each time.
    const frames = [
      f(0x7bb, '1000fffffff00102', 1),
      f(0x7bb, '2103040506070809', 2),
      f(0x7bb, '1000fffffff00102', 3),
      f(0x7bb, '0462f19001000000', 4),
    ];
    const before = process.memoryUsage().arrayBuffers;
    const events = await collect(reassemble(frames, { rxId: 0x7bb }));
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
    expect(events.map((e) => (e.type === 'error' ? e.error : 'message'))).toEqual([
      'overflow',
      'unexpected-cf',
      'overflow',
      'message',
    ]);
    const first = events[0]!;
    expect(first.type === 'error' && first.detail).toMatch(/announces 4294967280 bytes, more than the 4095/);
    // On CAN FD up to 65,535 bytes by default, and a caller can allow more (or less).
    const fd = await collect(
      reassemble(
        [makeFrame({ id: 0x7bb, fd: true, data: fromHex(`10000001000${'0'.repeat(117)}`)!, timestamp: 1 })],
        {
          rxId: 0x7bb,
          maxLength: 1000,
        },
      ),
    );
    expect(fd.map((e) => (e.type === 'error' ? e.error : 'message'))).toEqual(['overflow']);
  });

  it('a gap longer than maxGapMs ends a message as incomplete', async () => {
    const frames = [f(0x7bb, '100a010203040506', 1), f(0x7bb, '2107080910cccccc', 1.5)];
    const events = await collect(reassemble(frames, { rxId: 0x7bb, maxGapMs: 200 }));
    expect(events.map((e) => (e.type === 'error' ? `${e.error}@${e.timestamp}` : 'message'))).toEqual([
      'incomplete@1',
      'unexpected-cf@1.5',
    ]);
  });

  it('extended addressing and other channels', async () => {
    const frames = [
      { ...f(0x6f1, 'f10362010200', 1), channel: 'can1' },
      { ...f(0x6f1, '120362010200', 2), channel: 'can0' },
      { ...f(0x6f1, 'f10362aabb00', 3), channel: 'can0' },
    ];
    const events = await collect(reassemble(frames, { rxId: 0x6f1, rxAddress: 0xf1, channel: 'can0' }));
    expect(events.map((e) => (e.type === 'message' ? toHex(e.data) : e.error))).toEqual(['62aabb']);
  });
});

describe('reassemble what an endpoint sends', () => {
  it('property: any payload, classic or FD, any addressing, block size and padding comes back whole', async () => {
    const { default: fc } = await import('fast-check');
    const { VirtualBus } = await import('../virtual-bus.js');
    const { VirtualClock } = await import('@atelier/clock');
    const { IsoTpEndpoint } = await import('./endpoint.js');
    let ch = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 5000 }),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 0, max: 8 }),
        fc.constantFrom(0xcc, 0x55, null),
        async (data, fd, extendedAddressing, blockSize, padding) => {
          const clock = new VirtualClock();
          const name = `reassemble-prop-${ch++}`;
          const tap = new VirtualBus(name, { clock });
          const frames: Frame[] = [];
          tap.subscribe((f) => frames.push(f));
          const addr = extendedAddressing
            ? { mode: 'extended' as const, txAddress: 0x22, rxAddress: 0x11 }
            : { mode: 'normal' as const };
          const a = new IsoTpEndpoint(
            new VirtualBus(name, { clock }),
            { ...addr, txId: 0x6a0, rxId: 0x6b0 },
            { clock, fd, padding },
          );
          const b = new IsoTpEndpoint(
            new VirtualBus(name, { clock }),
            { ...addr, txId: 0x6b0, rxId: 0x6a0, txAddress: 0x11, rxAddress: 0x22 },
            { clock, fd, padding, blockSize, maxLength: 5000 },
          );
          const got = b.receive();
          await clock.run(a.send(data));
          await got;
          a.close();
          b.close();
          const events = await collect(
            reassemble(frames, {
              rxId: 0x6a0,
              txId: 0x6b0,
              rxAddress: extendedAddressing ? 0x22 : undefined,
            }),
          );
          expect(events.length).toBe(1);
          const e = events[0];
          if (e.type !== 'message') throw new Error(`error ${e.error}: ${e.detail}`);
          expect(toHex(e.data)).toBe(toHex(data));
        },
      ),
      { numRuns: 150 },
    );
  });
});
