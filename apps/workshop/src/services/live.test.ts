/**
 * The reading and live-data services below the routes: "could not ask" is never "no code", a drop
 * mid-read keeps what was read, SocketCAN sessions speak ISO-TP and record the CAN frames as a
 * candump log, and the SSE hub fans out each event once.
 */
import { readLogText, VirtualBus } from '@atelier/can';
import { type DiagnosticLink, DisconnectedError, type LinkRequest, NoResponseError } from '@atelier/obd';
import { loadScenario, ResponderLink, serveOnBus, Vehicle } from '@atelier/vehicle-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offering } from '../test-support/diagnostics.js';
import { makeTestApp, type TestApp } from '../testing.js';
import { createDiagSession, readingsOf } from './diagnostics.js';
import { DiagnosticsRuntime, LiveHub } from './live.js';
import { repairSimulated } from './scenarios.js';
import { trafficOf } from './traffic.js';
import { type Reading, readVehicle } from './vehicle-read.js';

const car = () => Vehicle.fromScenario(loadScenario('vacuum-leak'));

/** A link to the simulated car that fails chosen services the way a real link does. */
function failing(fail: (req: LinkRequest) => Error | undefined): DiagnosticLink {
  const inner = new ResponderLink(car());
  return {
    info: inner.info,
    request: async (req) => {
      const err = fail(req);
      if (err) throw err;
      return inner.request(req);
    },
    close: () => inner.close(),
  };
}

describe('readVehicle', () => {
  it('reads VIN, codes per ECU, readiness and freeze frame from the simulated car', async () => {
    const got: Reading[] = [];
    const summary = await readVehicle(new ResponderLink(car()), async (r) => {
      got.push(r);
    });
    expect(summary.vin).toBe(loadScenario('vacuum-leak').vin);
    expect(got.find((r) => r.kind === 'dtcs' && r.item === 'stored' && r.ecu === '7E8')?.value).toContain(
      'P0171',
    );
    expect(got.some((r) => r.kind === 'readiness' && r.ecu === '7E8')).toBe(true);
    expect(got.find((r) => r.kind === 'freeze' && r.item === 'dtc')?.value).toBe('P0171');
    const rpm = got.find((r) => r.kind === 'freeze' && r.item === '0C');
    expect(typeof rpm?.value).toBe('number');
    expect(got.filter((r) => r.kind === 'error')).toEqual([]);
  });

  it('records a question nobody answered as not read, never as an empty list', async () => {
    const got: Reading[] = [];
    await readVehicle(
      failing((req) => (req.data[0] === 0x03 ? new NoResponseError('NO DATA') : undefined)),
      async (r) => {
        got.push(r);
      },
    );
    expect(got.some((r) => r.kind === 'dtcs' && r.item === 'stored')).toBe(false);
    expect(got.find((r) => r.kind === 'error' && r.item === 'dtcs.stored')?.value).toEqual({
      code: 'no-response',
      message: 'NoResponseError: NO DATA',
      // The French the page shows: an error built from a bare message names its kind, keeps its words.
      fr: 'pas de réponse (NO DATA)',
      status: 'no-answer',
    });
    // The other questions were still asked.
    expect(got.some((r) => r.kind === 'dtcs' && r.item === 'pending')).toBe(true);
  });

  it('saves an ECU silent on mode 03 as "no answer" while the other ECU\'s codes are saved', async () => {
    const v = car();
    const got: Reading[] = [];
    await readVehicle(
      new ResponderLink({
        ecus: () => v.ecus(),
        respond: (req) => {
          const answers = v.respond(req);
          return req.data[0] === 0x03 ? answers.filter((a) => a.ecu !== 0x7e9) : answers;
        },
      }),
      async (r) => {
        got.push(r);
      },
    );
    expect(got.find((r) => r.kind === 'dtcs' && r.item === 'stored' && r.ecu === '7E8')?.value).toEqual([
      'P0171',
    ]);
    expect(got.some((r) => r.kind === 'dtcs' && r.item === 'stored' && r.ecu === '7E9')).toBe(false);
    expect(got.find((r) => r.kind === 'error' && r.item === 'dtcs.stored')).toMatchObject({
      ecu: '7E9',
      value: { code: 'no-response', status: 'no-answer' },
    });
    expect(got.find((r) => r.kind === 'dtcs' && r.item === 'pending' && r.ecu === '7E9')?.value).toEqual([]);
  });

  it('reads the full freeze frame, a live snapshot and the UDS fault memory of every ECU of the car', async () => {
    const got: Reading[] = [];
    await readVehicle(new ResponderLink(car()), async (r) => {
      got.push(r);
    });
    const frozen = got.filter((r) => r.kind === 'freeze' && r.ecu === '7E8').map((r) => r.item);
    // The PIDs the engine ECU stored (its service 02 support bitmaps), beyond the first block.
    expect(frozen).toEqual(expect.arrayContaining(['dtc', '04', '05', '06', '07', '0C', '0D', '11', '42']));
    expect(got.some((r) => r.kind === 'live' && r.ecu === '7E8' && r.item === '0C')).toBe(true);
    const uds = got.filter((r) => r.kind === 'uds').map((r) => r.ecu);
    expect(uds).toEqual(['7E8', '7E9', '768', '748']);
    expect(got.find((r) => r.kind === 'uds' && r.ecu === '7E8')?.value).toEqual([
      { code: 'P0171', failureType: 0, status: expect.any(Number) },
    ]);
  });

  it('stops at a disconnection, after saving everything read before it', async () => {
    const got: Reading[] = [];
    await expect(
      readVehicle(
        failing((req) => (req.data[0] === 0x07 ? new DisconnectedError('socket closed') : undefined)),
        async (r) => {
          got.push(r);
        },
      ),
    ).rejects.toThrow(DisconnectedError);
    expect(got.some((r) => r.kind === 'vin')).toBe(true);
    expect(got.some((r) => r.kind === 'dtcs' && r.item === 'stored')).toBe(true);
    expect(got.some((r) => r.kind === 'readiness')).toBe(false);
  });
});

describe('LiveHub', () => {
  it('sends each event to every subscriber of its topic, drops a failing one, and unsubscribes', () => {
    const hub = new LiveHub();
    const a: string[] = [];
    const b: string[] = [];
    const offA = hub.subscribe('session:1', (c) => a.push(c));
    hub.subscribe('session:1', (c) => b.push(c));
    hub.subscribe('session:1', () => {
      throw new Error('socket gone');
    });
    hub.subscribe('session:2', () => {
      throw new Error('must not be called');
    });
    expect(hub.publish('session:1', 'sample', { t: 1, pid: '0C', value: 800 })).toBe(2);
    expect(a).toEqual(['event: sample\ndata: {"t":1,"pid":"0C","value":800}\n\n']);
    expect(b).toEqual(a);
    offA();
    expect(hub.publish('session:1', 'mark', { label: 'x' })).toBe(1);
    expect(a).toHaveLength(1);
    expect(hub.subscribers('session:1')).toBe(1);
  });
});

describe('a SocketCAN session (on a virtual bus)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp();
  }, 60_000);
  afterAll(() => t?.close());

  it('reads the car through ISO-TP and records every frame as a candump log', async () => {
    const served = serveOnBus(new VirtualBus('workshop-test'), car());
    const runtime = new DiagnosticsRuntime(t.store, t.clock, { discovery: offering({ can: ['vcan7'] }) });
    runtime.openBus = async (name) => new VirtualBus(name === 'vcan7' ? 'workshop-test' : name);
    try {
      const s = await createDiagSession(
        t.store,
        { roId: t.demo.orderIds.diag!, adapter: { kind: 'socketcan', spec: 'vcan7' } },
        t.demo.users.ines!,
        t.clock.now(),
      );
      await runtime.connect(s.id, { kind: 'socketcan', spec: 'vcan7' });
      await runtime.read(s.id);
      await runtime.disconnect(s.id);
      const readings = await readingsOf(t.store, s.id);
      expect(
        readings.find((r) => r.kind === 'dtcs' && r.item === 'stored' && r.ecu === '7E8')?.value,
      ).toContain('P0171');
      const traffic = await trafficOf(t.store, s.id);
      expect(traffic.format).toBe('candump');
      const frames = [];
      for await (const f of readLogText(traffic.text, 'session.log')) frames.push(f);
      // The functional requests and the engine ECU's answers (multi-frame VIN with flow control included).
      expect(frames.some((f) => f.id === 0x7df && f.data[1] === 0x09 && f.data[2] === 0x02)).toBe(true);
      expect(frames.some((f) => f.id === 0x7e8 && f.data[0]! >> 4 === 1)).toBe(true);
      expect(frames.some((f) => f.id === 0x7e0 && f.data[0]! >> 4 === 3)).toBe(true);
    } finally {
      served.close();
      await runtime.closeAll();
    }
  }, 30_000);
});

describe('repairing a simulated car', () => {
  it('takes out the faults of the repaired cause only', () => {
    const v = car();
    expect(v.faults.map((f) => f.type)).toEqual(['vacuum_leak']);
    expect(repairSimulated(v, 'maf_contaminated')).toBe(false);
    expect(v.faults).toHaveLength(1);
    expect(repairSimulated(v, 'vacuum_leak')).toBe(true);
    expect(v.faults).toHaveLength(0);
  });
});

describe('an adapter nobody watches', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp();
  }, 60_000);
  afterAll(() => t?.close());

  it('stores every sample it sent once live data is stopped, even while a slow write is still under way', async () => {
    const served = serveOnBus(new VirtualBus('slow-store-test'), car());
    // A store whose writes take a while (a PostgreSQL server under load): the timer's flush is still
    // writing when live data stops.
    const slow = new Proxy(t.store, {
      get(target, prop) {
        if (prop === 'transaction')
          return async (fn: Parameters<typeof target.transaction>[0]) => {
            await new Promise((r) => setTimeout(r, 150));
            return target.transaction(fn);
          };
        const v = Reflect.get(target, prop);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    const runtime = new DiagnosticsRuntime(slow, t.clock, {
      flushMs: 20,
      discovery: offering({ can: ['vcan9'] }),
    });
    runtime.openBus = async () => new VirtualBus('slow-store-test');
    try {
      const s = await createDiagSession(
        t.store,
        { roId: t.demo.orderIds.diag!, adapter: { kind: 'socketcan', spec: 'vcan9' } },
        t.demo.users.ines!,
        t.clock.now(),
      );
      await runtime.connect(s.id, { kind: 'socketcan', spec: 'vcan9' });
      let sent = 0;
      const off = runtime.hub.subscribe(`session:${s.id}`, (chunk) => {
        if (chunk.startsWith('event: sample')) sent++;
      });
      // One sample every 400 ms; stopped 80 ms after the second, when the timer (every 20 ms) has
      // taken it and is still writing it (150 ms): the stop's own flush finds the buffer empty.
      await runtime.startLive(s.id, [0x0c], 400);
      const end = Date.now() + 20_000;
      while (sent < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, 80));
      await runtime.stopLive(s.id);
      off();
      const stored = await t.store.get<{ n: number }>(
        'SELECT COUNT(*) AS n FROM diag_samples WHERE session_id = ?',
        [s.id],
      );
      expect(sent).toBeGreaterThanOrEqual(2);
      expect(stored!.n).toBe(sent);
    } finally {
      served.close();
      await runtime.closeAll();
    }
  }, 30_000);

  it('is closed after the idle time, keeping what was recorded, and stays open while a browser watches', async () => {
    const served = serveOnBus(new VirtualBus('idle-test'), car());
    const runtime = new DiagnosticsRuntime(t.store, t.clock, {
      flushMs: 20,
      idleMs: 300,
      discovery: offering({ can: ['vcan8'] }),
    });
    runtime.openBus = async () => new VirtualBus('idle-test');
    try {
      const s = await createDiagSession(
        t.store,
        { roId: t.demo.orderIds.diag!, adapter: { kind: 'socketcan', spec: 'vcan8' } },
        t.demo.users.ines!,
        t.clock.now(),
      );
      await runtime.connect(s.id, { kind: 'socketcan', spec: 'vcan8' });
      const off = runtime.hub.subscribe(`session:${s.id}`, () => {});
      await runtime.startLive(s.id, [0x0c], 50);
      // Idle time is measured on the app's clock: 700 ms pass on it while a browser watches.
      await t.clock.advance(700);
      await new Promise((r) => setTimeout(r, 300));
      expect(runtime.isConnected(s.id)).toBe(true);
      off();
      // Nobody watches, but no time passes on the app's clock: the adapter stays open.
      await new Promise((r) => setTimeout(r, 600));
      expect(runtime.isConnected(s.id)).toBe(true);
      await t.clock.advance(400);
      // (real time for the close to run, generous for a loaded CI machine)
      const end = Date.now() + 20_000;
      while (runtime.isConnected(s.id) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      expect(runtime.isConnected(s.id)).toBe(false);
      const samples = await t.store.get<{ n: number }>(
        'SELECT COUNT(*) AS n FROM diag_samples WHERE session_id = ?',
        [s.id],
      );
      expect(samples!.n).toBeGreaterThan(3);
      expect(
        (await t.store.get<{ state: string }>('SELECT state FROM diag_sessions WHERE id = ?', [s.id]))!.state,
      ).toBe('new');
    } finally {
      served.close();
      await runtime.closeAll();
    }
  }, 30_000);
});
