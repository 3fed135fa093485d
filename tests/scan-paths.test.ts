import { VirtualClock } from '@atelier/clock';
import type { SessionFacts } from '@atelier/diagnosis';
import { loadScenario, ResponderLink, Vehicle } from '@atelier/vehicle-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCarFacts } from '../apps/cli/src/commands/diagnose.js';
import {
  createDiagSession,
  latestReadings,
  readingsOf,
  samplesOf,
  saveReading,
} from '../apps/workshop/src/services/diagnostics.js';
import { DiagnosticsRuntime } from '../apps/workshop/src/services/live.js';
import { factsFromReadings } from '../apps/workshop/src/services/session-facts.js';
import { type Reading, readVehicle } from '../apps/workshop/src/services/vehicle-read.js';
import { makeTestApp, type TestApp } from '../apps/workshop/src/testing.js';

// One car, two roads: the command line (`atelier diagnose`: the session facts of the scan) and the
// dashboard (the scan saved reading by reading in the store, the facts rebuilt from what was stored).
// Both must give the guided diagnosis the same facts.

const BASE = { vehicle: 'petrol' as const, complaint: 'ralenti instable' };

/** A scenario's car from the start of its session, in virtual time, with the scan tool's link to it. */
function bay(scenario: string) {
  const clock = new VirtualClock();
  const link = new ResponderLink(Vehicle.fromScenario(loadScenario(scenario), { startMs: 0 }), { clock });
  return { clock, link };
}

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
}, 60_000);
afterAll(() => t?.close());

async function newSession(kind: 'serial' | 'scenario' = 'serial', spec = '/dev/ttyUSB0') {
  return createDiagSession(
    t.store,
    { roId: null, adapter: { kind, spec } },
    t.demo.users.ines!,
    t.clock.now(),
  );
}

describe('the CLI and the dashboard read the same facts from one simulated car', () => {
  it.each(['vacuum-leak', 'wheel-speed-sensor', 'misfire-cyl2'])(
    '%s: identical facts, value for value, in virtual time',
    async (scenario) => {
      const cli = bay(scenario);
      const fromCli = await cli.clock.run(readCarFacts(cli.link, BASE));

      const dash = bay(scenario);
      const s = await newSession();
      // Read in virtual time (the store's writes are real I/O, which virtual time does not wait for),
      // then stored in the order read, as the dashboard stores them.
      const read: Reading[] = [];
      await dash.clock.run(
        readVehicle(dash.link, async (r) => void read.push(r), { udsEcus: dash.link.knownEcus() }),
      );
      for (const r of read) await saveReading(t.store, s.id, r, t.clock.now());
      const stored = latestReadings(await readingsOf(t.store, s.id));
      const fromDashboard = factsFromReadings(stored, await samplesOf(t.store, s.id), BASE);

      expect(fromDashboard).toEqual(fromCli);
      // Something was read on both roads: codes, readiness, a live snapshot.
      expect(fromCli.dtcs.length).toBeGreaterThan(0);
      expect(fromCli.readiness).toBeDefined();
      expect(Object.keys(fromCli.live ?? {}).length).toBeGreaterThan(10);
    },
  );

  it("the dashboard runtime over the ELM327 emulator gives the facts of the CLI's simulated adapter", async () => {
    const scenario = 'wheel-speed-sensor';
    const cli = new ResponderLink(Vehicle.fromScenario(loadScenario(scenario)));
    let fromCli: SessionFacts;
    try {
      fromCli = await readCarFacts(cli, BASE);
    } finally {
      await cli.close();
    }

    const runtime = new DiagnosticsRuntime(t.store, t.clock);
    const s = await newSession('scenario', '1');
    try {
      await runtime.connect(s.id, { kind: 'scenario', spec: '1' }, async () =>
        Vehicle.fromScenario(loadScenario(scenario)),
      );
      await runtime.read(s.id);
    } finally {
      await runtime.closeAll();
    }
    const stored = latestReadings(await readingsOf(t.store, s.id));
    const fromDashboard = factsFromReadings(stored, await samplesOf(t.store, s.id), BASE);
    // The cars run in real time on both roads, so live values may move by a few milliseconds'
    // worth; everything else is the same, the UDS codes of the ABS included.
    const { live: liveDash, ...restDash } = fromDashboard;
    const { live: liveCli, ...restCli } = fromCli;
    expect(restDash).toEqual(restCli);
    expect(Object.keys(liveDash ?? {}).sort()).toEqual(Object.keys(liveCli ?? {}).sort());
    expect(restCli.udsDtcs?.some((d) => d.code === 'C0035')).toBe(true);
    expect(restCli.dtcs).toContain('C0035');
  }, 60_000);
});

describe('the dashboard shows a silent ECU as "no answer", never "no code"', () => {
  it('an ECU found by service 01 but silent on mode 03: its codes are "pas de réponse", the other ECU\'s read', async () => {
    const { clock } = bay('vacuum-leak');
    const car = Vehicle.fromScenario(loadScenario('vacuum-leak'), { startMs: 0 });
    const link = new ResponderLink(
      {
        ecus: () => car.ecus(),
        // The gearbox (7E9) keeps quiet on service 03.
        respond: (req) => car.respond(req).filter((a) => !(req.data[0] === 0x03 && a.ecu === 0x7e9)),
      },
      { clock },
    );
    const read: Reading[] = [];
    await clock.run(readVehicle(link, async (r) => void read.push(r)));
    const s = await newSession();
    for (const r of read) await saveReading(t.store, s.id, r, t.clock.now());
    const page = await t.inject('ines', { method: 'GET', url: `/diagnostics/${s.id}?lang=fr` });
    expect(page.statusCode).toBe(200);
    const readings = page.body.slice(page.body.indexOf('id="readings"'));
    // The ECU by its name and its address (`Boîte (TCM) · 7E9`, @atelier/obd's ecuName).
    expect(readings).toMatch(/class="error no-answer">Pas de réponse : [^<]+ · 7E9 \(mémorisé\)/);
    expect(readings).toContain('data-code="P0171"');
    expect(readings).not.toContain('Aucun code défaut');
    // The UDS fault memories of the car's ECUs, with their status byte.
    expect(readings).toMatch(/<code>P0171-00<\/code>.*UDS \(état 0x[0-9A-F]{2}\)/s);
    const en = await t.inject('ines', { method: 'GET', url: `/diagnostics/${s.id}?lang=en` });
    expect(en.body).toMatch(/No answer : [^<]+ · 7E9 \(stored\)/);
  });
});
