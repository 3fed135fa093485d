import { VirtualClock } from '@atelier/clock';
import { describe, expect, it } from 'vitest';
import type { DiagnosticLink, EcuResponse, LinkRequest } from './link.js';
import { MalformedResponseError, NoResponseError, physical } from './link.js';
import { PidError, splitPids } from './pids.js';
import { PidPoller } from './poller.js';

const LEN: Record<number, number> = { 4: 1, 5: 1, 12: 2, 13: 1, 15: 1, 16: 2, 17: 1 };
const pidLength = (pid: number) => LEN[pid];

/** A link that answers every PID with zeros and takes `costMs` per request plus `perPidMs` per PID. */
function fakeLink(clock: VirtualClock, costMs: number, perPidMs = 0) {
  const requests: number[][] = [];
  const link: DiagnosticLink = {
    info: { kind: 'fake' },
    async request(req: LinkRequest): Promise<EcuResponse[]> {
      const pids = [...req.data.slice(1)];
      requests.push(pids);
      await clock.sleep(costMs + perPidMs * pids.length);
      if (pids.includes(0x0f)) throw new NoResponseError('no answer');
      const body = pids.flatMap((p) => [p, ...new Array(LEN[p]).fill(0)]);
      return [{ ecu: 0x7e8, extended: false, data: Uint8Array.from([0x41, ...body]), timestamp: 0 }];
    },
    async close() {},
  };
  return { link, requests };
}

describe("splitPids with a length function (the poller's split)", () => {
  it('splits several PIDs by their lengths', () => {
    const m = splitPids(Uint8Array.of(0x0c, 0x1a, 0xf8, 0x0d, 0x32, 0x05, 0x7b), { pidLength });
    expect(m.map((s) => [s.pid, Array.from(s.data)])).toEqual([
      [0x0c, [0x1a, 0xf8]],
      [0x0d, [0x32]],
      [0x05, [0x7b]],
    ]);
  });
  it('names where it lost track', () => {
    expect(() => splitPids(Uint8Array.of(0x0c, 0x1a), { pidLength })).toThrow(/needs 2 byte\(s\) .* 1 left/);
    expect(() => splitPids(Uint8Array.of(0x0c, 0x1a, 0xf8, 0x99, 1), { pidLength })).toThrow(PidError);
  });
});

describe('PidPoller', () => {
  it('packs up to six due PIDs per request', async () => {
    const clock = new VirtualClock();
    const { link, requests } = fakeLink(clock, 20);
    const pids = [0x04, 0x05, 0x0c, 0x0d, 0x10, 0x11];
    const poller = new PidPoller(
      link,
      pids.map((pid) => ({ pid, periodMs: 100 })),
      { clock, pidLength, onSample: () => {} },
    );
    const ac = new AbortController();
    const run = poller.run(ac.signal);
    await clock.advance(1000);
    ac.abort();
    await clock.run(run);
    expect(requests[0]).toHaveLength(6);
    expect(poller.counts.samples).toBeGreaterThanOrEqual(6 * 9);
  });

  it('keeps each PID near its own rate when the line has room', async () => {
    const clock = new VirtualClock();
    const { link } = fakeLink(clock, 15);
    const seen = new Map<number, number>();
    const poller = new PidPoller(
      link,
      [
        { pid: 0x0c, periodMs: 100 },
        { pid: 0x05, periodMs: 1000 },
      ],
      { clock, pidLength, maxPerRequest: 1, onSample: (s) => seen.set(s.pid, (seen.get(s.pid) ?? 0) + 1) },
    );
    const ac = new AbortController();
    const run = poller.run(ac.signal);
    await clock.advance(10_000);
    ac.abort();
    await clock.run(run);
    expect(seen.get(0x0c)).toBeGreaterThanOrEqual(95);
    expect(seen.get(0x0c)).toBeLessThanOrEqual(102);
    expect(seen.get(0x05)).toBeGreaterThanOrEqual(9);
    expect(seen.get(0x05)).toBeLessThanOrEqual(11);
  });

  it('under saturation every PID keeps at least the common share of its rate (no starvation)', async () => {
    const clock = new VirtualClock();
    // One PID per request (a fake clone) at 40 ms each: 25 requests/s for a demand of 31/s.
    const { link } = fakeLink(clock, 40);
    const seen = new Map<number, number>();
    const items = [
      { pid: 0x0c, periodMs: 100 },
      { pid: 0x0d, periodMs: 100 },
      { pid: 0x10, periodMs: 100 },
      { pid: 0x05, periodMs: 1000 },
    ];
    const poller = new PidPoller(link, items, {
      clock,
      pidLength,
      maxPerRequest: 1,
      onSample: (s) => seen.set(s.pid, (seen.get(s.pid) ?? 0) + 1),
    });
    const ac = new AbortController();
    const run = poller.run(ac.signal);
    await clock.advance(60_000);
    ac.abort();
    await clock.run(run);
    const ratio = (pid: number, period: number) => (seen.get(pid)! * period) / 60_000;
    const ratios = items.map((i) => ratio(i.pid, i.periodMs));
    // The line gives 25 requests/s for 31 wanted: the common share is 25/31 of each PID's rate.
    // Every PID gets at least that share (within 5 %), none gets more than it asked for.
    const share = 25 / 31;
    for (const r of ratios) {
      expect(r).toBeGreaterThan(share * 0.95);
      expect(r).toBeLessThanOrEqual(1);
    }
  });

  it('splits with the SAE J1979 table when no length function is given', async () => {
    const clock = new VirtualClock();
    const { link } = fakeLink(clock, 10);
    const seen: [number, number][] = [];
    const poller = new PidPoller(
      link,
      [
        { pid: 0x0c, periodMs: 100 },
        { pid: 0x10, periodMs: 100 },
        { pid: 0x0d, periodMs: 100 },
      ],
      {
        clock,
        onSample: (s) => seen.push([s.pid, s.bytes.length]),
      },
    );
    const ac = new AbortController();
    const run = poller.run(ac.signal);
    await clock.advance(50);
    ac.abort();
    await clock.run(run);
    expect(seen.slice(0, 3)).toEqual([
      [0x0c, 2],
      [0x10, 2],
      [0x0d, 1],
    ]);
  });

  it('reports link errors and goes on; different targets are never mixed in one request', async () => {
    const clock = new VirtualClock();
    const { link, requests } = fakeLink(clock, 10);
    const errors: number[][] = [];
    const poller = new PidPoller(
      link,
      [
        { pid: 0x0f, periodMs: 100 },
        { pid: 0x0c, periodMs: 100, target: physical(0x7e0) },
      ],
      { clock, pidLength, onSample: () => {}, onError: (_e, pids) => errors.push(pids) },
    );
    const ac = new AbortController();
    const run = poller.run(ac.signal);
    await clock.advance(500);
    ac.abort();
    await clock.run(run);
    expect(errors.length).toBeGreaterThanOrEqual(4);
    expect(requests.every((r) => r.length === 1)).toBe(true);
  });
});

describe('PidPoller on garbage', () => {
  it('reports an answer that does not split as a malformed response and goes on polling', async () => {
    const clock = new VirtualClock();
    let asked = 0;
    const link: DiagnosticLink = {
      info: { kind: 'fake' },
      async request(): Promise<EcuResponse[]> {
        asked++;
        await clock.sleep(10);
        // RPM needs two bytes: one arrives.
        return [{ ecu: 0x7e8, extended: false, data: Uint8Array.of(0x41, 0x0c, 0x1a), timestamp: 0 }];
      },
      async close() {},
    };
    const errors: unknown[] = [];
    const poller = new PidPoller(link, [{ pid: 0x0c, periodMs: 100 }], {
      clock,
      onSample: () => {},
      onError: (e) => errors.push(e),
    });
    const ac = new AbortController();
    const run = poller.run(ac.signal);
    await clock.advance(350);
    ac.abort();
    await clock.run(run);
    expect(asked).toBeGreaterThanOrEqual(3);
    expect(errors.length).toBe(asked);
    expect(errors[0]).toBeInstanceOf(MalformedResponseError);
    expect((errors[0] as Error).message).toMatch(/ECU 7E8: PID 0C \(ENGINE_RPM\) needs 2 byte/);
  });
});
