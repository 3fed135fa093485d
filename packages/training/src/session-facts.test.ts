import { VirtualClock } from '@atelier/clock';
import { loadKnowledgeBase, readSessionFacts, readSigns } from '@atelier/diagnosis';
import { type DiagnosticLink, DisconnectedError, ObdClient, type Responder } from '@atelier/obd';
import { loadScenario, ResponderLink, Vehicle } from '@atelier/vehicle-sim';
import { describe, expect, it } from 'vitest';

const kb = loadKnowledgeBase();

/** Reads a training scenario's car through the real client stack, as a technician would. */
async function factsOf(name: string, filter?: (data: Uint8Array) => boolean, uds = false) {
  const s = loadScenario(name);
  const clock = new VirtualClock();
  const vehicle = Vehicle.fromScenario(s, { startMs: 0 });
  // A car that does not answer some services: the filter silences them.
  const responder: Responder = filter
    ? { ecus: () => vehicle.ecus(), respond: (req) => (filter(req.data) ? vehicle.respond(req) : []) }
    : vehicle;
  const link = new ResponderLink(responder, { clock });
  try {
    return await clock.run(
      readSessionFacts(
        new ObdClient(link),
        { vehicle: 'petrol', complaint: 'x' },
        uds ? { udsEcus: vehicle.ecus(), clock } : {},
      ),
    );
  } finally {
    await link.close();
  }
}

const signsOf = async (scenario: string, tree: string) => {
  const facts = await factsOf(scenario);
  return Object.fromEntries(
    readSigns(kb.trees.find((t) => t.id === tree)!, facts).map((r) => [r.sign.id, r.value]),
  );
};

describe('readSessionFacts', () => {
  it('reads codes per memory, readiness, the freeze frame and live data from a simulated car', async () => {
    const f = await factsOf('vacuum-leak');
    expect(f.dtcs).toEqual(['P0171']);
    expect(f.dtcMemories).toEqual({ P0171: ['stored', 'pending', 'permanent'] });
    expect(f.readiness?.mil).toBe(true);
    expect(f.readiness?.monitors.catalyst).toBe('complete');
    expect(f.freezeFrame?.dtc).toBe('P0171');
    expect(f.freezeFrame?.values.ENGINE_RPM).toBeLessThan(1000);
    expect(f.freezeFrame?.values.LONG_FUEL_TRIM_1).toBeGreaterThan(10);
    expect(f.live?.ENGINE_RPM).toBeGreaterThan(600);
    expect(f.live?.LONG_FUEL_TRIM_1).toBeGreaterThan(10);
    expect(f.complaint).toBe('x');
  });

  it('a healthy car: no codes, no freeze frame, every monitor complete', async () => {
    const f = await factsOf('healthy-petrol');
    expect(f.dtcs).toEqual([]);
    expect(f.freezeFrame).toBeUndefined();
    expect(f.readiness?.mil).toBe(false);
    expect(Object.values(f.readiness!.monitors).every((m) => m === 'complete')).toBe(true);
  });

  it('leaves out what the car does not give, and reads the rest', async () => {
    // no service 02, no service 0A, no readiness PID
    const f = await factsOf(
      'vacuum-leak',
      (d) => d[0] !== 0x02 && d[0] !== 0x0a && !(d[0] === 0x01 && d[1] === 0x01),
    );
    expect(f.dtcs).toEqual(['P0171']);
    expect(f.dtcMemories).toEqual({ P0171: ['stored', 'pending'] });
    expect(f.freezeFrame).toBeUndefined();
    expect(f.readiness).toBeUndefined();
    expect(f.live?.LONG_FUEL_TRIM_1).toBeGreaterThan(10);
  });

  it('reads the UDS fault memory of the ECUs OBD-II does not reach, with failure type and status', async () => {
    // OBD-II alone does not see an ABS code
    expect((await factsOf('wheel-speed-sensor')).dtcs).toEqual([]);
    const f = await factsOf('wheel-speed-sensor', undefined, true);
    expect(f.dtcs).toEqual(['C0035']);
    expect(f.dtcMemories?.C0035).toEqual(['stored', 'pending']);
    const [abs] = f.udsDtcs!.filter((d) => d.code === 'C0035');
    expect(abs).toMatchObject({ ecu: '768', failureType: 0x31 });
    expect(abs.status & 0x01).toBe(1); // testFailed: failing right now
    const wheel = Object.fromEntries(
      readSigns(kb.trees.find((t) => t.id === 'wheel_speed')!, f).map((r) => [r.sign.id, r.value]),
    );
    expect(wheel).toMatchObject({ no_signal_now: true, erratic_signal: false, intermittent_code: false });
    // an ECU that does not answer UDS is skipped, not an error
    const noUds = await factsOf('wheel-speed-sensor', (d) => d[0] !== 0x19, true);
    expect(noUds.udsDtcs).toBeUndefined();
  });

  it('a car that cannot be asked for its codes is an error, never "no codes"', async () => {
    await expect(factsOf('vacuum-leak', (d) => d[0] !== 0x03)).rejects.toThrow(/answered 03/);
  });

  it('an adapter unplugged halfway stops the reading', async () => {
    const clock = new VirtualClock();
    const inner = new ResponderLink(Vehicle.fromScenario(loadScenario('vacuum-leak'), { startMs: 0 }), {
      clock,
    });
    let requests = 0;
    // The codes come through, then the adapter goes: the readings after them must not pass for "not given".
    const link: DiagnosticLink = {
      info: inner.info,
      request: (req) => {
        if (++requests > 3) return Promise.reject(new DisconnectedError('adapter unplugged'));
        return inner.request(req);
      },
      close: () => inner.close(),
    };
    await expect(clock.run(readSessionFacts(new ObdClient(link), { vehicle: 'petrol' }))).rejects.toThrow(
      DisconnectedError,
    );
    expect(requests).toBe(4);
  });

  it('the signs read on the simulated faults point where the fault is', async () => {
    // vacuum leak: rich correction at idle, code stored at idle
    expect(await signsOf('vacuum-leak', 'lean')).toMatchObject({
      lean_at_warm_idle: true,
      frozen_at_idle: true,
      frozen_under_load: false,
      maf_code: false,
      hissing_or_rough_idle: false, // the complaint here is 'x' (and its silence does not count)
    });
    // contaminated MAF: its own code, stored under load, little correction at idle
    expect(await signsOf('maf-contaminated', 'lean')).toMatchObject({
      maf_code: true,
      frozen_under_load: true,
      lean_at_warm_idle: false,
    });
    // V6 vacuum leak: both banks lean
    expect((await signsOf('vacuum-leak-v6', 'lean')).both_banks_lean).toBe(true);
    // open coolant sensor: −40 °C and the fuel system in open loop
    expect(await signsOf('coolant-sensor-open', 'coolant')).toMatchObject({
      ect_circuit_code: true,
      ect_reads_minus_40: true,
      open_loop: true,
      warmup_code: false,
    });
    expect(await signsOf('thermostat-stuck-open', 'coolant')).toMatchObject({
      ect_circuit_code: false,
      ect_reads_minus_40: false,
      warmup_code: true,
    });
    // a clogged injector: the cylinder named and the bank corrected rich at idle
    expect(await signsOf('injector-clogged', 'misfire')).toMatchObject({
      one_cylinder: true,
      lean_at_warm_idle: true,
    });
    expect((await signsOf('misfire-cyl2', 'misfire')).lean_at_warm_idle).toBe(false);
    // charging: codes and a low running voltage; a weak battery charges normally
    expect(await signsOf('charging-fault', 'charging')).toMatchObject({
      charging_code: true,
      generator_control_code: true,
      low_running_voltage: true,
    });
    expect(await signsOf('weak-battery', 'charging')).toMatchObject({
      charging_code: false,
      low_running_voltage: false,
    });
  }, 120_000); // a dozen cars read through the whole client stack: generous under a shared machine's load
});
