/**
 * The dashboard's adapters go through the shared registry. A training scenario is served behind the
 * ELM327 emulator and its protocol is found by the adapter's search, never forced: an instructor's
 * CAN recording of a 29-bit car is read like any other (before the registry, protocol 6 was forced
 * and a 29-bit car never answered). Problems are classified by type and code, not by message text.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { makeFrame, VirtualBus } from '@atelier/can';
import {
  DisconnectedError,
  IsoTpLink,
  LinkError,
  LinkUnavailableError,
  NoResponseError,
  physical,
} from '@atelier/obd';
import { parseScenario, SCENARIO_DIR, simulateSession } from '@atelier/vehicle-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../testing.js';
import { type AdapterChoice, AdapterProblem, adapterName } from './adapters.js';
import { createDiagSession, readingsOf } from './diagnostics.js';
import { DiagnosticsRuntime } from './live.js';
import { checkRecording, saveRecording } from './recordings.js';
import { causeOfSim, createScenario, responderFor } from './scenarios.js';
import { trafficOf } from './traffic.js';

/** misfire-cyl2 on 29-bit identifiers. */
const car29 = parseScenario(
  readFileSync(join(SCENARIO_DIR, 'misfire-cyl2.yaml'), 'utf8')
    .replace(/^name: .*$/m, 'name: misfire-cyl2-29bit')
    .replace(/^vehicle: (\w+)$/m, 'vehicle: { profile: $1, protocol: can29 }'),
  'misfire-cyl2-29bit.yaml',
);

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
}, 60_000);
afterAll(() => t?.close());

describe('a 29-bit training scenario in the dashboard', () => {
  it('is opened behind the ELM327 emulator, found by the protocol search, and read', async () => {
    // The instructor's recording: a workshop session on the 29-bit car, as a candump log.
    let log = '';
    const sink = new Writable({
      write(chunk, _enc, done) {
        log += chunk;
        done();
      },
    });
    await simulateSession(car29, { durationS: 4, record: sink, channel: 'can0' });
    expect(log).toMatch(/ 18DB33F1#/);
    const instructor = t.demo.users.formateur!;
    const recording = await saveRecording(
      t.store,
      await checkRecording('clio-29bit.log', Buffer.from(log)),
      instructor,
      t.clock.now(),
    );
    const scenario = await createScenario(
      t.store,
      {
        title: 'Raté cylindre 2 (identifiants 29 bits)',
        source: 'recording',
        recordingId: recording.id,
        vehicleType: 'petrol',
        complaint: 'à-coups à l’accélération',
        trueCause: causeOfSim(car29)!,
      },
      instructor,
      t.clock.now(),
    );
    const choice: AdapterChoice = { kind: 'scenario', spec: String(scenario.id) };
    expect(adapterName(choice)).toBe(`sim:${scenario.id}?via=elm327`);
    const s = await createDiagSession(
      t.store,
      { roId: null, adapter: choice },
      t.demo.users.leo!,
      t.clock.now(),
    );
    const runtime = new DiagnosticsRuntime(t.store, t.clock);
    try {
      await runtime.connect(s.id, choice, () => responderFor(t.store, scenario));
      await runtime.read(s.id);
      await runtime.disconnect(s.id);
    } finally {
      await runtime.closeAll();
    }
    const readings = await readingsOf(t.store, s.id);
    expect(readings.find((r) => r.kind === 'vin')?.value).toBe(car29.vin);
    const stored = readings.find((r) => r.kind === 'dtcs' && r.item === 'stored' && r.ecu === '18DAF110');
    expect(stored?.value).toContain('P0302');
    // The adapter searched (ATSP0) and found ISO 15765-4 CAN 29 bit / 500 kbaud (protocol 7).
    const traffic = await trafficOf(t.store, s.id);
    expect(traffic.format).toBe('elm327-transcript');
    expect(traffic.text).toContain('"ATSP0\\r"');
    expect(traffic.text).not.toContain('"ATSP6\\r"');
    expect(traffic.text).toMatch(/ISO 15765-4 \(CAN 29\/500\)/);
  }, 60_000);
});

describe('adapter problems', () => {
  it('are classified by error type and code, whatever the message says', () => {
    const where = 'tcp:127.0.0.1:1';
    expect(AdapterProblem.from(new NoResponseError('ECONNREFUSED in the text'), where).code).toBe(
      'no-vehicle',
    );
    expect(AdapterProblem.from(new DisconnectedError('no such file'), where).code).toBe('disconnected');
    expect(AdapterProblem.opening(new DisconnectedError('connect ECONNREFUSED'), where).code).toBe(
      'unreachable',
    );
    expect(AdapterProblem.from(new LinkUnavailableError('no socketcan module'), where).code).toBe(
      'unsupported',
    );
    expect(AdapterProblem.from(new LinkError('UNABLE TO CONNECT', 'protocol-error'), where).code).toBe(
      'no-vehicle',
    );
    // Words alone classify nothing: an untyped error is unknown, even one that reads like a refusal.
    expect(AdapterProblem.from(new Error('connect ECONNREFUSED 127.0.0.1:1'), where).code).toBe('unknown');
  });
});

describe("an adapter problem keeps the failing layer's own words", () => {
  it('an ECU that breaks off its answer: the channel, the frame due and the bytes received, in both languages', async () => {
    // The engine ECU starts a 20-byte answer (its first frame) and sends nothing more.
    const channel = 'workshop-problem-said';
    const car = new VirtualBus(channel);
    car.subscribe(
      (f) => {
        if (f.data[0] >> 4 === 0)
          void car.send(makeFrame({ id: 0x7e8, data: [0x10, 0x14, 0x43, 0x02, 0x01, 0x56, 0x46, 0x31] }));
      },
      [{ id: 0x7e0, mask: 0x7ff }],
    );
    const link = new IsoTpLink(new VirtualBus(channel), { timeoutMs: 300 });
    try {
      const err = await link.request({ target: physical(0x7e0), data: Uint8Array.of(0x03) }).then(
        () => undefined,
        (e: unknown) => e,
      );
      const p = AdapterProblem.from(err, 'session 1');
      expect(p.code).toBe('timeout');
      // Written by hand from the ISO-TP facts: ECU 7E8, consecutive frame 1 due, 6 of 20 bytes.
      expect(p.said).toEqual({
        fr: "la réponse du calculateur 7E8 ne s'est pas terminée : sur 0x7E8, la trame consécutive n° 1 n'est pas arrivée en 1000 ms, après 6 octets sur 20 (N_Cr)",
        en: 'ECU 7E8: answer did not complete (0x7e8: no consecutive frame within 1000 ms (N_Cr))',
      });
      // A failure while opening keeps them too.
      expect(AdapterProblem.opening(err, 'session 1').said).toEqual(p.said);
    } finally {
      await link.close();
      await car.close();
    }
  }, 30_000);

  it('an error with no words of its own gives none; what an adapter sent is clipped', () => {
    expect(AdapterProblem.from(new Error('boom'), 'x').said).toBeUndefined();
    const long = new LinkError(`adapter answered ${'x'.repeat(5000)}`, 'adapter-error');
    const said = AdapterProblem.from(long, 'x').said!;
    expect(said.fr.length).toBeLessThanOrEqual(300);
    expect(said.en.length).toBeLessThanOrEqual(300);
  });
});
