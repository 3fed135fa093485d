/**
 * The dashboard's adapters go through the shared registry. A training scenario is served behind the
 * ELM327 emulator and its protocol is found by the adapter's search, never forced: an instructor's
 * CAN recording of a 29-bit car is read like any other (before the registry, protocol 6 was forced
 * and a 29-bit car never answered). Problems are classified by type and code, not by message text.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { DisconnectedError, LinkError, LinkUnavailableError, NoResponseError } from '@atelier/obd';
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
