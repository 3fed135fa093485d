import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type Lang, UsageError } from '@atelier/command';
import { Elm327Emulator, serveTcp } from '@atelier/elm327';
import { batteryDefinition, readBatteryReport } from '@atelier/ev';
import { loadScenario, ResponderLink, Vehicle } from '@atelier/vehicle-sim';
import { afterAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../../../../tests/support/index.js';
import { cliContext } from '../testing.js';
import { evCommand } from './ev.js';

const LEAF_MF4 = fixturePath('can/nissan_leaf_uds_2022-01-06.MF4');
const SAVVY = fixturePath('can/savvycan_example_candump.log');
const SIM_KONA = fixturePath('ev/sim_kona_weak_cell_battery.log');
const dir = mkdtempSync(join(tmpdir(), 'atelier-cli-ev-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const context = (lang: Lang = 'fr') => cliContext(lang, dir);

describe('atelier ev report', () => {
  it('LOG: the Leaf MF4 gives its battery report, in French with the NF C18-550 note', async () => {
    const { ctx, out } = context();
    expect(await evCommand.run(['report', LEAF_MF4], ctx)).toBe(0);
    expect(out()).toMatch(/^Nissan Leaf \(contrôleur batterie LBC\) — KWP2000 0x79B → 0x7BB\n/);
    // Shown as a technician reads it (one decimal of %, 0.01 A); the JSON keeps the 0.0001 % the LBC gives.
    expect(out()).toMatch(/État de charge \(SoC\)\s+89,1 %/);
    expect(out()).toMatch(/Courant du pack\s+-17,7 A\n/);
    expect(out()).toContain("Tensions des cellules : la requête 21 02 n'est pas dans l'enregistrement");
    expect(out()).toContain('NF C18-550');
    // Where the figures come from: the file, what it is, the answers used and the recording's date.
    expect(out()).toContain(
      `Source : fichier « ${LEAF_MF4} » (enregistrement) ; réponses utilisées de 0 s à 62 s de l'enregistrement, débutant le 2022-01-06 11:46:01 UTC (26 réponse(s) décodée(s))`,
    );
  });

  it('LOG made by the simulator (the mark in the file, gzip-compressed too): said so, in French and English', async () => {
    const gz = join(dir, 'kona.log.gz');
    writeFileSync(gz, gzipSync(readFileSync(SIM_KONA)));
    for (const [lang, text] of [
      ['fr', "(enregistrement d'un véhicule simulé (Atelier), scénario kona-weak-cell)"],
      ['en', '(recording of a simulated vehicle (Atelier), scenario kona-weak-cell)'],
    ] as const) {
      const { ctx, out } = context(lang);
      expect(await evCommand.run(['report', gz], ctx)).toBe(0);
      expect(out().split('\n')[1]).toContain(text);
      // The drive, apart from the battery: the simulated car stood READY, motor still.
      expect(out()).toMatch(
        lang === 'fr'
          ? /\nMoteur et onduleur \(tels que le calculateur batterie les donne\) :\n {2}Onduleur : tension du bus continu \(condensateur\) +3\d\d V\n {2}Moteur de traction : régime +0 tr\/min\n/
          : /\nDrive motor and inverter \(as the battery ECU reports them\):\n {2}Inverter: DC-link \(capacitor\) voltage +3\d\d V\n {2}Drive motor: speed +0 rpm\n/,
      );
    }
  });

  it('--json: one object with the series for the charts', async () => {
    const { ctx, out } = context('en');
    expect(await evCommand.run(['report', LEAF_MF4, '--json'], ctx)).toBe(0);
    const r = JSON.parse(out());
    expect(r.vehicle.id).toBe('nissan-leaf');
    expect(r.source).toMatchObject({
      kind: 'recording',
      origin: 'unknown',
      span: { start: '2022-01-06T11:46:01.949Z' },
    });
    expect(r.source.description.en).toMatch(
      /^file “.*nissan_leaf_uds_2022-01-06\.MF4” \(recording\); answers used from 0 s to 62 s/,
    );
    expect(r.series.soc).toHaveLength(13);
    // At the definition's resolution, not rounded for display.
    expect(r.soc.value).toBe(89.1029);
    expect(r.temperatures.values).toEqual([2, 1, null, 1]);
  });

  it('a log without battery reads: exit 1 and the reason; no source or two sources: usage error', async () => {
    const { ctx, err } = context('en');
    expect(await evCommand.run(['report', SAVVY], ctx)).toBe(1);
    expect(err()).toMatch(/no known traction-battery read in the recording/);
    const saved = process.env.ATELIER_ADAPTER;
    delete process.env.ATELIER_ADAPTER;
    try {
      await expect(evCommand.run(['report'], context().ctx)).rejects.toBeInstanceOf(UsageError);
      await expect(
        evCommand.run(['report', LEAF_MF4, '--adapter', 'sim:x'], context().ctx),
      ).rejects.toBeInstanceOf(UsageError);
      await expect(
        evCommand.run(['report', LEAF_MF4, '--vehicle', 'zoe'], context().ctx),
      ).rejects.toBeInstanceOf(UsageError);
    } finally {
      if (saved !== undefined) process.env.ATELIER_ADAPTER = saved;
    }
  });

  it('--adapter: a live session on the recorded Leaf (the recorded responder answers 21 01 and 21 04)', async () => {
    const scenario = join(dir, 'leaf.yaml');
    writeFileSync(
      scenario,
      `name: leaf-recorded\nvehicle: ev\ncomplaint: { fr: lecture batterie, en: battery read }\ntrue_cause: none\nrecording: ${LEAF_MF4}\n`,
    );
    const { ctx, out } = context('en');
    expect(
      await evCommand.run(
        ['report', '--adapter', `sim:${scenario}`, '--vehicle', 'nissan-leaf', '--json'],
        ctx,
      ),
    ).toBe(0);
    const r = JSON.parse(out());
    // The figures are the recording's, replayed by the simulator: said so, not a live car.
    expect(r.source).toMatchObject({
      kind: 'recording',
      name: 'nissan_leaf_uds_2022-01-06.MF4',
      origin: 'unknown',
      via: `sim:${scenario}`,
    });
    expect(r.answers).toBe(2);
    expect(r.soc.value).toBeGreaterThan(89);
    expect(r.missing.find((m: { quantity: string }) => m.quantity === 'cellVoltages').reason.en).toMatch(
      /^21 02: /,
    );
  }, 60_000);
});

/**
 * The simulated Kona read as a user reads it, on each way to the car, against the pack's physical
 * state (the same scenario's car at the same simulated time): the encoding is vehicle-sim's, the
 * decoding packages/ev's definition, so a wrong byte on either side shows.
 */
describe('atelier ev report on the simulated Kona (sim:healthy-kona, sim:kona-weak-cell)', () => {
  /** The car's pack at its session start: the car stands READY, so it barely moves in a few seconds. */
  const physicalState = (scenario: string) => {
    const car = Vehicle.fromScenario(loadScenario(scenario), { startMs: 0 });
    const pack = car.model.pack!;
    return {
      packV: car.model.hvV,
      socPct: car.model.socPct,
      cells: [...pack.cellV],
      modules: [...pack.moduleC],
      sohPct: pack.sohPct,
    };
  };
  const report = async (spec: string) => {
    const { ctx, out } = context('en');
    expect(
      await evCommand.run(['report', '--adapter', spec, '--vehicle', 'hyundai-kona-ioniq', '--json'], ctx),
    ).toBe(0);
    return JSON.parse(out());
  };
  const agrees = (r: ReturnType<typeof JSON.parse>, truth: ReturnType<typeof physicalState>) => {
    expect(r.answers).toBe(5);
    expect(r.missing).toEqual([]);
    // Within the encoding's resolution (0.1 V, 0.5 %, 0.02 V, 1 °C, 0.1 %), plus a few seconds of READY.
    expect(Math.abs(r.packVoltage.value - truth.packV)).toBeLessThan(0.3);
    expect(Math.abs(r.soc.value - truth.socPct)).toBeLessThanOrEqual(0.3);
    expect(Math.abs(r.soh.value - truth.sohPct)).toBeLessThanOrEqual(0.05);
    expect(r.cells.voltages).toHaveLength(98);
    r.cells.voltages.forEach((v: number, i: number) => {
      expect(Math.abs(v - truth.cells[i]), `cell ${i + 1}`).toBeLessThanOrEqual(0.0101);
    });
    const sum = truth.cells.reduce((a, b) => a + b, 0);
    expect(Math.abs(sum - truth.packV)).toBeLessThan(1e-6);
    r.temperatures.values.forEach((t: number, m: number) => {
      expect(Math.abs(t - truth.modules[m]), `module ${m + 1}`).toBeLessThanOrEqual(0.51);
    });
    expect(r.checks.filter((c: { ok: boolean }) => !c.ok)).toEqual([]);
    // The drive as the BMS reports it: the car stands READY, relays closed — motor still, the
    // inverter's DC link at the pack's voltage (1 V resolution).
    const drive = (q: string) => r.drive.find((e: { quantity: string }) => e.quantity === q)?.value;
    expect(drive('motorSpeed')).toBe(0);
    expect(Math.abs(drive('inverterCapacitorVoltage') - truth.packV)).toBeLessThanOrEqual(0.8);
    expect(r.checks.find((c: { check: string }) => c.check === 'dc-link')?.ok).toBe(true);
  };

  it('driving: the motor turns as the wheels do through the Kona’s reduction, the DC link at the pack’s voltage; key off then on without READY: discharged', async () => {
    const kona = batteryDefinition('hyundai-kona-ioniq')!;
    const car = Vehicle.fromScenario(loadScenario('healthy-kona'), { startMs: 0 });
    // A serving clock held at one instant: the five reads see the car in one state.
    let now = 0;
    const clock = {
      now: () => now,
      sleep: async () => {},
      setTimeout: (fn: () => void) => {
        fn();
        return {};
      },
      clearTimeout: () => {},
    };
    const link = new ResponderLink(car, { clock });
    car.operate(1000, { action: 'road_test', minutes: 10, road: 'motorway' });
    now = 300_000;
    const r = await readBatteryReport(link, kona);
    const drive = (rep: typeof r, q: string) => rep.drive.find((e) => e.quantity === q)!.value;
    const speed = car.model.speedKmh;
    expect(speed).toBeGreaterThan(60);
    // Hyundai's published figures, not the simulator's: a 7.981 reduction, 215/55 R17 tyres.
    const tyre = Math.PI * (17 * 0.0254 + 2 * 0.55 * 0.215);
    const motorRpm = ((speed * 1000) / 60 / tyre) * 7.981;
    expect(Math.abs(drive(r, 'motorSpeed') - motorRpm) / motorRpm).toBeLessThan(0.01);
    expect(Math.abs(drive(r, 'inverterCapacitorVoltage') - car.model.hvV)).toBeLessThanOrEqual(0.8);
    expect(r.checks.find((c) => c.check === 'dc-link')?.ok).toBe(true);
    // Parked, key off (the ECUs asleep), then ignition on without READY: the BMS answers, the
    // relays stay open, the link is discharged; the pack keeps its voltage.
    now = 20 * 60_000;
    car.operate(now, { action: 'key_off' });
    now += 60_000;
    car.operate(now, { action: 'key_on' });
    now += 5_000;
    const on = await readBatteryReport(link, kona);
    expect(car.model.running).toBe(false);
    expect(on.answers).toBe(5);
    expect(drive(on, 'motorSpeed')).toBe(0);
    expect(drive(on, 'inverterCapacitorVoltage')).toBeLessThan(60);
    expect(on.packVoltage!.value).toBeGreaterThan(98 * 3);
    expect(on.checks.find((c) => c.check === 'dc-link')?.detail.en).toMatch(
      /below 60 V: relays open, capacitors discharged/,
    );
  }, 60_000);

  it('sim: (ISO-TP on a virtual bus): the healthy pack as physics has it', async () => {
    agrees(await report('sim:healthy-kona'), physicalState('healthy-kona'));
  }, 60_000);

  it('sim:?via=elm327 (the ELM327 emulator): the weak cell 37 is the lowest, the spread and SoH show it', async () => {
    const r = await report('sim:kona-weak-cell?via=elm327');
    agrees(r, physicalState('kona-weak-cell'));
    // The simulator, behind the emulator: said to be a simulated car, never a live one.
    expect(r.source).toMatchObject({ kind: 'simulator', scenario: 'kona-weak-cell' });
    expect(r.source.description.en).toMatch(
      /^simulated vehicle \(Atelier\), scenario kona-weak-cell: read live through sim:kona-weak-cell\?via=elm327, protocol .+ — not a real car$/,
    );
    expect(r.cells.minCell).toBe(37);
    expect(r.cells.spread).toBeGreaterThan(0.1);
    expect(r.soh.value).toBeLessThan(70);
  }, 60_000);

  it('elm327:tcp:// (a scan tool on the emulator serving the car over TCP)', async () => {
    const car = Vehicle.fromScenario(loadScenario('healthy-kona'));
    const tcp = await serveTcp(new Elm327Emulator({ responder: car, baud: 0, latencyMs: 1 }), { port: 0 });
    try {
      const r = await report(`elm327:tcp://127.0.0.1:${tcp.port}`);
      agrees(r, physicalState('healthy-kona'));
      // An adapter on TCP is a live session, with the version and protocol the adapter gave.
      expect(r.source).toMatchObject({ kind: 'live', adapter: `elm327:tcp://127.0.0.1:${tcp.port}` });
      expect(r.source.adapterVersion).toMatch(/ELM327/);
      expect(r.source.protocol).toMatch(/15765-4/);
    } finally {
      await tcp.close();
    }
  }, 60_000);

  it('the generic simulated EV answers 22 01 01 in its own layout: not read as a Kona, the reason says so', async () => {
    const r = await report('sim:healthy-ev-range');
    expect(r.answers).toBe(0);
    expect(r.missing.find((m: { quantity: string }) => m.quantity === 'soc').reason.en).toBe(
      "22 01 01: a 5-byte answer where 62 are expected: another layout than this vehicle's",
    );
  }, 60_000);
});
