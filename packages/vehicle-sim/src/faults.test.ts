import { physical } from '@atelier/obd';
import { describe, expect, it } from 'vitest';
import { loadScenario, parseScenario } from './scenario.js';
import { switches, Tester } from './test-support.js';
import { Vehicle } from './vehicle.js';

/** Two operation cycles of driving, then the session phase(s). */
const HISTORY = `
  - { phase: idle, duration: 2min }
  - { phase: urban, duration: 12min }
  - { phase: motorway, duration: 10min }
  - { phase: off, duration: 40min }
  - { phase: urban, duration: 15min }
  - { phase: motorway, duration: 10min }
  - { phase: off, duration: 20min }`;

function scenario(vehicle: string, faults: string, session: string, seed = 7) {
  return parseScenario(
    `name: t\nvehicle: ${vehicle}\nseed: ${seed}\ncomplaint: { fr: x, en: x }\ntrue_cause: x\nfaults: ${faults}\ndrive:${HISTORY}\n${session}`,
  );
}

/** A vehicle served from the start of its session, and a tester at that instant. */
function bench(s: ReturnType<typeof parseScenario>) {
  const v = Vehicle.fromScenario(s, { startMs: 0 });
  return { v, t: new Tester(v) };
}

const ENGINE = 0x7e0;

describe('faults, read through the diagnostic services', () => {
  it('vacuum leak: LTFT above +10 % at idle, back near 0 at 2,500 rpm; P0171 confirmed', async () => {
    const s = scenario(
      'petrol',
      '[{ type: vacuum_leak, severity: 0.6, onset: 0 }]',
      '  - { phase: idle, duration: 5min }\n  - { phase: hold, rpm: 2500, duration: 5min }\n  - { phase: idle }\nsession_start: 109min',
    );
    const { t } = bench(s);
    t.wait(280);
    const idleLtft = await t.pid(0x07);
    expect(await t.pid(0x0c)).toBeLessThan(1000);
    t.wait(300);
    expect(Math.abs((await t.pid(0x0c)) - 2500)).toBeLessThan(100);
    const heldLtft = await t.pid(0x07);
    expect(idleLtft).toBeGreaterThan(10);
    expect(heldLtft).toBeLessThan(7);
    expect(heldLtft).toBeLessThan(idleLtft / 2);
    expect(await t.dtcs(0x03)).toContain('P0171');
    // A healthy car on the same drive keeps its trims near 0.
    const { t: ok } = bench(scenario('petrol', '[]', '  - { phase: idle }'));
    ok.wait(280);
    expect(Math.abs(await ok.pid(0x07))).toBeLessThan(3);
    expect(await ok.dtcs(0x03)).toEqual([]);
  });

  it('vacuum leak on a V6: both banks lean (P0171 and P0174)', async () => {
    const { t } = bench(loadScenario('vacuum-leak-v6'));
    expect(await t.dtcs(0x03)).toEqual(expect.arrayContaining(['P0171', 'P0174']));
    t.wait(200);
    expect(await t.pid(0x07)).toBeGreaterThan(10);
    expect(await t.pid(0x09)).toBeGreaterThan(10);
  });

  it('degraded catalyst: downstream O2 follows upstream; P0420 pending after one trip, confirmed after two', async () => {
    const one = parseScenario(
      `name: t\nvehicle: petrol\nseed: 3\ncomplaint: { fr: x, en: x }\ntrue_cause: x\nfaults: [{ type: catalyst_degraded, severity: 0.9, onset: 0 }]\ndrive:\n  - { phase: urban, duration: 12min }\n  - { phase: motorway, duration: 10min }\n  - { phase: off, duration: 20min }\n  - { phase: key_on }`,
    );
    const { t: t1 } = bench(one);
    expect(await t1.dtcs(0x07)).toContain('P0420');
    expect(await t1.dtcs(0x03)).not.toContain('P0420');
    const { t } = bench(
      scenario(
        'petrol',
        '[{ type: catalyst_degraded, severity: 0.9, onset: 0 }]',
        '  - { phase: hold, rpm: 2500 }',
      ),
    );
    expect(await t.dtcs(0x03)).toContain('P0420');
    t.wait(120);
    const up = await t.sample(0x14, 20);
    const down = await t.sample(0x15, 20);
    expect(switches(up)).toBeGreaterThan(20);
    expect(switches(down)).toBeGreaterThan(switches(up) / 2);
    const { t: ok } = bench(scenario('petrol', '[]', '  - { phase: hold, rpm: 2500 }'));
    ok.wait(120);
    // Service 06: the catalyst test result is out of its limits; the healthy car's is within them.
    const [cat] = await t.run(() => t.obd.monitorTests(0x21, physical(ENGINE)));
    expect(cat.passed).toBe(false);
    expect(cat.value).toBeGreaterThan(0.5);
    const [okCat] = await ok.run(() => ok.obd.monitorTests(0x21, physical(ENGINE)));
    expect(okCat.passed).toBe(true);
    const okDown = await ok.sample(0x15, 20);
    expect(switches(okDown)).toBe(0);
    expect(Math.max(...okDown) - Math.min(...okDown)).toBeLessThan(0.15);
  });

  it('misfire on cylinder 2: rough idle, P0302 and P0300, freeze frame names the DTC', async () => {
    const { t } = bench(loadScenario('misfire-cyl2'));
    expect(await t.dtcs(0x03)).toEqual(['P0300', 'P0302']);
    const ff = await t.one([0x02, 0x02, 0x00], ENGINE);
    expect(ff?.slice(0, 3)).toEqual([0x42, 0x02, 0x00]);
    expect(['P0300', 'P0302']).toContain(dtcOf(ff!.slice(3, 5)));
    // A misfiring engine idles rough: engine speed spreads far more than on a healthy one.
    const spread = (xs: number[]) => Math.max(...xs) - Math.min(...xs);
    t.wait(60);
    const rough = spread(await t.sample(0x0c, 10, 0.2));
    const { t: ok } = bench(loadScenario('healthy-petrol'));
    ok.wait(60);
    expect(rough).toBeGreaterThan(3 * spread(await ok.sample(0x0c, 10, 0.2)));
    // Service 06 misfire counts: cylinder 2 (MID 0xA3) counts misfires, cylinder 1 (0xA2) none.
    const cyl2 = await t.run(() => t.obd.monitorTests(0xa3, physical(ENGINE)));
    const cyl1 = await t.run(() => t.obd.monitorTests(0xa2, physical(ENGINE)));
    expect(cyl2.find((x) => x.tid === 0x0c)!.value).toBeGreaterThan(20);
    expect(cyl1.find((x) => x.tid === 0x0c)!.value).toBe(0);
    // The freeze frame holds the engine speed at confirmation.
    const rpm = await t.one([0x02, 0x0c, 0x00], ENGINE);
    expect(rpm?.[0]).toBe(0x42);
    expect(((rpm![3] << 8) | rpm![4]) / 4).toBeGreaterThan(500);
  });

  it('contaminated MAF: lean under load (LTFT at motorway), P0101 and P0171', async () => {
    const { t } = bench(
      scenario('petrol', '[{ type: maf_contaminated, severity: 0.8, onset: 0 }]', '  - { phase: motorway }'),
    );
    expect(await t.dtcs(0x03)).toEqual(expect.arrayContaining(['P0101', 'P0171']));
    t.wait(240);
    expect(await t.pid(0x07)).toBeGreaterThan(10);
    const { t: ok } = bench(scenario('petrol', '[]', '  - { phase: motorway }'));
    ok.wait(240);
    expect(Math.abs(await ok.pid(0x07))).toBeLessThan(3);
  });

  it('thermostat stuck open: coolant stays below the regulating temperature; P0128', async () => {
    const { t } = bench(loadScenario('thermostat-stuck-open'));
    expect(await t.dtcs(0x03)).toContain('P0128');
    t.wait(900);
    expect(await t.pid(0x05)).toBeLessThan(74);
    const { t: ok } = bench(loadScenario('healthy-petrol'));
    ok.wait(900);
    expect(await ok.pid(0x05)).toBeGreaterThan(82);
  });

  it('coolant sensor open circuit: reads −40 °C, open loop on a fault; P0118', async () => {
    const { t } = bench(loadScenario('coolant-sensor-open'));
    expect(await t.dtcs(0x03)).toContain('P0118');
    t.wait(120);
    expect(await t.pid(0x05)).toBe(-40);
    expect((await t.pidBytes(0x03))[0]).toBe(0x08);
  });

  it('slow upstream O2: fewer switches in closed loop; P0133', async () => {
    const { t } = bench(
      scenario(
        'petrol',
        '[{ type: o2_sensor_slow, severity: 0.7, onset: 0 }]',
        '  - { phase: hold, rpm: 2500 }',
      ),
    );
    expect(await t.dtcs(0x03)).toContain('P0133');
    t.wait(120);
    const slow = switches(await t.sample(0x14, 20));
    const { t: ok } = bench(scenario('petrol', '[]', '  - { phase: hold, rpm: 2500 }'));
    ok.wait(120);
    const fast = switches(await ok.sample(0x14, 20));
    expect(slow).toBeLessThan(fast * 0.6);
  });

  it('EVAP: large leak cannot hold a vacuum (PID 0x32), P0455; small leak P0442; readiness complete', async () => {
    const { t } = bench(loadScenario('evap-large-leak'));
    expect(await t.dtcs(0x03)).toContain('P0455');
    // During the EVAP test (after 3 min of running) the tank cannot be pulled down; a sealed one can.
    t.wait(100);
    const leaking = Math.min(...(await t.sample(0x32, 160, 1)));
    const { t: ok } = bench(loadScenario('healthy-petrol'));
    ok.wait(100);
    const sealed = Math.min(...(await ok.sample(0x32, 160, 1)));
    expect(sealed).toBeLessThan(-1400);
    expect(leaking).toBeGreaterThan(-1200);
    const { t: small } = bench(loadScenario('evap-small-leak'));
    expect(await small.dtcs(0x03)).toContain('P0442');
    const [, , c, d] = await small.pidBytes(0x01);
    expect(c & 0x04).toBe(0x04); // EVAP monitor supported
    expect(d & 0x04).toBe(0); // … and complete
  });

  it('clogged injector: positive trims under load, P0303', async () => {
    const { t } = bench(
      scenario(
        'petrol',
        '[{ type: injector_clogged, cylinder: 3, severity: 0.9, onset: 0 }]',
        '  - { phase: motorway }',
      ),
    );
    expect(await t.dtcs(0x03)).toEqual(expect.arrayContaining(['P0303']));
    t.wait(240);
    expect(await t.pid(0x07)).toBeGreaterThan(6);
  });

  it('EGR stuck closed (diesel): commanded but no flow, P0401', async () => {
    const { t } = bench(loadScenario('egr-stuck-closed'));
    expect(await t.dtcs(0x03)).toContain('P0401');
    t.wait(180);
    expect(await t.pid(0x2c)).toBeGreaterThan(20);
    expect(await t.pid(0x2d)).toBeLessThan(-90);
  });

  it('EGR stuck open (V6 petrol): flow with none commanded, P0404', async () => {
    const { t } = bench(
      scenario(
        'petrol-v6',
        '[{ type: egr_stuck, position: open, severity: 0.8, onset: 0 }]',
        '  - { phase: idle }',
      ),
    );
    expect(await t.dtcs(0x03)).toContain('P0404');
  });

  it('clogged DPF: high pressure drop, P2463 and P2002', async () => {
    const { t } = bench(loadScenario('dpf-clogged'));
    expect(await t.dtcs(0x03)).toEqual(expect.arrayContaining(['P2002', 'P2463']));
    t.wait(300);
    const dp = await t.pid(0x7a);
    const { t: ok } = bench(scenario('diesel', '[]', '  - { phase: idle }'));
    ok.wait(300);
    expect(dp).toBeGreaterThan(3 * (await ok.pid(0x7a)));
  });

  it('charging fault: voltage falls while running; P0562 and P0620', async () => {
    const { t } = bench(loadScenario('charging-fault'));
    expect(await t.dtcs(0x03)).toEqual(expect.arrayContaining(['P0562', 'P0620']));
    t.wait(60);
    expect(await t.pid(0x0c)).toBeGreaterThan(500);
    expect(await t.pid(0x42)).toBeLessThan(12.2);
    const { t: ok } = bench(loadScenario('healthy-petrol'));
    ok.wait(60);
    expect(await ok.pid(0x42)).toBeGreaterThan(13.5);
  });

  it('weak battery: low cranking voltage (DID 0x0201), no DTC', async () => {
    const { t } = bench(loadScenario('weak-battery'));
    t.wait(30);
    const r = await t.one([0x22, 0x02, 0x01], ENGINE);
    expect(r?.slice(0, 3)).toEqual([0x62, 0x02, 0x01]);
    const crankV = ((r![3] << 8) | r![4]) / 1000;
    expect(crankV).toBeLessThan(9.6);
    expect(await t.dtcs(0x03)).toEqual([]);
    const { t: ok } = bench(loadScenario('healthy-petrol'));
    ok.wait(30);
    const r2 = await ok.one([0x22, 0x02, 0x01], ENGINE);
    expect(((r2![3] << 8) | r2![4]) / 1000).toBeGreaterThan(10);
  });

  it('lost communication with the gearbox ECU: it stops answering, the engine ECU sets U0101', async () => {
    const { t } = bench(loadScenario('lost-comm-tcm'));
    t.wait(5);
    expect(await t.ask([0x01, 0x00], physical(0x7e1))).toEqual([]);
    const answers = await t.ask([0x01, 0x00]);
    expect(answers.map((a) => a.ecu)).toEqual([0x7e8]);
    expect(await t.dtcs(0x03)).toContain('U0101');
  });

  it('HV isolation fault (EV): P0AA6 from the battery ECU, low isolation, no READY', async () => {
    const { t } = bench(loadScenario('hv-isolation'));
    expect(await t.dtcs(0x03, physical(0x7e4))).toEqual(['P0AA6']);
    const r = await t.one([0x22, 0x01, 0x04], 0x7e4);
    expect(((r![3] << 8) | r![4]) < 175).toBe(true);
    expect(await t.pid(0x0d)).toBe(0);
  });

  it('wheel-speed sensor: ABS ECU reports C0035 through UDS, not through OBD', async () => {
    const { t } = bench(loadScenario('wheel-speed-sensor'));
    const dtcs = await t.udsDtcs(0x760);
    expect(dtcs.map((d) => d.code)).toEqual(['C0035']);
    expect(dtcs[0].status & 0x08).toBe(0x08); // confirmed
    expect(dtcs[0].status & 0x80).toBe(0x80); // warning lamp
    expect(await t.dtcs(0x03)).toEqual([]);
  });
});

function dtcOf(b: number[]): string {
  return 'PCBU'[b[0] >> 6] + (((b[0] & 0x3f) << 8) | b[1]).toString(16).toUpperCase().padStart(4, '0');
}
