import { VirtualClock } from '@atelier/clock';
import { physical, UdsClient } from '@atelier/obd';
import { describe, expect, it } from 'vitest';
import { NMC_OCV, ocv, TractionPack } from './pack.js';
import { PROFILES } from './profiles.js';
import { ResponderLink } from './responder-link.js';
import { loadScenario } from './scenario.js';
import { Vehicle } from './vehicle.js';

/** The Kona pack (98 NMC cells, 64 kWh) at 25 °C, no spread: what physics says, checked against physics. */
const kona = PROFILES['ev-kona'].traction!;
const pack = (o: { socPct?: number; ambientC?: number; spread?: number[] } = {}) =>
  new TractionPack(kona, {
    seed: 1,
    ambientC: o.ambientC ?? 25,
    socPct: o.socPct ?? 80,
    odometerKm: 0,
    spread: o.spread ?? new Array(98).fill(0),
  });
const run = (p: TractionPack, seconds: number, powerW: number, ambientC = 25) => {
  for (let t = 0; t < seconds; t += 1) p.step(1, powerW, ambientC, true);
};

describe('the traction pack', () => {
  it('NMC open-circuit voltage rises with SoC within the chemistry’s window', () => {
    const points = Array.from({ length: 101 }, (_, i) => ocv(NMC_OCV, i / 100));
    for (let i = 1; i < points.length; i++) expect(points[i]).toBeGreaterThan(points[i - 1]);
    expect(points[0]).toBeGreaterThanOrEqual(3.0);
    expect(points[100]).toBeLessThanOrEqual(4.2);
  });

  it('gives the charge it holds: 10 kW for an hour takes ≈ 10 kWh / 64 kWh of SoC (coulomb count at the pack voltage)', () => {
    const p = pack({ socPct: 80 });
    run(p, 3600, 10_000);
    // 10 kWh is 26–28 Ah at the 3.7–4.0 V an NMC cell holds between 65 and 80 %: 14.2–15.3 % of
    // the 180 Ah (64 kWh / 356 V) string.
    const ah = (64_000 / 356) * 1;
    expect(80 - p.socPct).toBeGreaterThan((100 * 10_000) / (4.0 * 98) / ah);
    expect(80 - p.socPct).toBeLessThan((100 * 10_000) / (3.7 * 98) / ah);
  });

  it('sags under load by the current times its resistance, and the voltage is the sum of its cells', () => {
    const p = pack();
    const rest = p.packV;
    p.step(0.001, 36_000, 25, true);
    expect(p.current).toBeCloseTo(36_000 / rest, 0);
    // 98 cells of ≈ 0.7 mΩ: ≈ 70 mΩ, as a Kona pack measures at 25 °C.
    expect(p.resistancePack).toBeGreaterThan(0.05);
    expect(p.resistancePack).toBeLessThan(0.1);
    expect(rest - p.packV).toBeCloseTo(p.current * p.resistancePack, 1);
    expect(p.cellV.reduce((a, b) => a + b, 0)).toBeCloseTo(p.packV, 9);
  });

  it('resistance triples at 0 °C against 25 °C (Arrhenius, as Li-ion cells measure)', () => {
    const ratio = pack({ ambientC: 0 }).resistancePack / pack({ ambientC: 25 }).resistancePack;
    expect(ratio).toBeGreaterThan(2.3);
    expect(ratio).toBeLessThan(3.5);
  });

  it('warms with I²R against its thermal mass, and cools back toward the ambient when parked', () => {
    const p = pack({ ambientC: 20 });
    // 150 A for half an hour; the heat is I²R of the string, step by step.
    let heatJ = 0;
    for (let t = 0; t < 1800; t++) {
      p.step(1, 150 * p.packV, 20, true);
      heatJ += p.current ** 2 * p.resistancePack;
    }
    const rise = p.moduleC.reduce((a, b) => a + b, 0) / p.modules - 20;
    // Adiabatic bound: the heat over the pack's thermal mass (≈ 7 kg/kWh × 1 kJ/(kg·K)); a little
    // goes to the ambient.
    const adiabatic = heatJ / (64 * 7 * 1000);
    expect(rise).toBeGreaterThan(0.8 * adiabatic);
    expect(rise).toBeLessThan(adiabatic);
    for (let t = 0; t < 6 * 3600; t += 10) p.step(10, 0, 20, false);
    expect(Math.max(...p.moduleC) - 20).toBeLessThan(0.25 * rise);
  });

  it('a weak cell falls below the others as the pack discharges, further under load; SoH is the weakest cell', () => {
    const p = pack({ socPct: 90 });
    p.weak = new Map([[36, 0.7]]);
    const spreadAt = () => p.extreme('max')[0] - p.extreme('min')[0];
    run(p, 60, 5_000);
    const early = spreadAt();
    run(p, 3 * 3600, 8_000);
    expect(p.extreme('min')[1]).toBe(37);
    const late = spreadAt();
    expect(late).toBeGreaterThan(early + 0.05);
    p.step(0.001, 60_000, 25, true);
    expect(spreadAt()).toBeGreaterThan(late);
    // Capacity × (1 − 0.6 × 0.7) = 58 % of nominal.
    expect(p.sohPct).toBeCloseTo(58, 0);
  });

  it('a module behind in charge keeps the same spread at rest and under load; a balancing run brings it back', () => {
    const p = pack({ socPct: 70 });
    // Module 3 (0-based 2) holds 20 % of its cells' charge less than the others.
    p.unbalance(new Map([[2, 0.2]]));
    const inModule = (i: number) => p.moduleOf(i) === 2;
    const others = p.soc.filter((_, i) => !inModule(i));
    const behind = p.soc.filter((_, i) => inModule(i));
    expect(Math.max(...behind)).toBeCloseTo(Math.min(...others) - 0.2, 6);
    // The gap at rest is the OCV curve's drop over 20 % of SoC between 50 and 70 % (3.70 → 3.87 V).
    const rest = p.extreme('max')[0] - p.extreme('min')[0];
    expect(rest).toBeGreaterThan(0.15);
    expect(rest).toBeLessThan(0.19);
    // Under 150 A every cell sags by I × its own (healthy) resistance: ±5 % of ≈ 0.72 mΩ × 150 A.
    const load = p.cellVoltagesAt(150);
    const loadSpread = Math.max(...load) - Math.min(...load);
    expect(Math.abs(loadSpread - rest)).toBeLessThan(150 * p.r25 * 0.12);
    // Discharging does not close the gap: the same current leaves the same charge apart.
    run(p, 1800, 10_000);
    expect(p.soc.filter((_, i) => inModule(i))[0]).toBeLessThan(
      Math.min(...p.soc.filter((_, i) => !inModule(i))),
    );
    // Balanced (the fault repaired): the module's cells join the others' mean; no charge is made.
    const total = p.soc.reduce((a, b) => a + b, 0);
    p.unbalance(new Map());
    expect(p.extreme('max')[0] - p.extreme('min')[0]).toBeLessThan(0.03);
    expect(p.soc.reduce((a, b) => a + b, 0)).toBeGreaterThan(total);
  });

  it('an aged pack loses capacity in every cell alike: SoH low, spread as a healthy pack’s, a coulomb count that goes faster', () => {
    const fresh = pack({ socPct: 80 });
    const aged = pack({ socPct: 80 });
    aged.ageing = 0.7;
    run(fresh, 3600, 10_000);
    run(aged, 3600, 10_000);
    // Every cell holds 1 − 0.4 × 0.7 = 72 % of its charge: the same energy takes 1 / 0.72 as much SoC
    // (within the few % the lower voltage of the aged, more resistive pack adds).
    const ratio = (80 - aged.socPct) / (80 - fresh.socPct);
    expect(ratio).toBeGreaterThan(1 / 0.72);
    expect(ratio).toBeLessThan(1.05 / 0.72);
    expect(aged.sohPct).toBeCloseTo(72, 0);
    const spread = (q: TractionPack) => q.extreme('max')[0] - q.extreme('min')[0];
    expect(spread(aged)).toBeLessThan(0.02);
  });

  it('a weak cell replaced (its fault repaired) comes balanced to the others', () => {
    const p = pack({ socPct: 90 });
    p.weaken(new Map([[36, 0.7]]));
    run(p, 3 * 3600, 8_000);
    expect(p.extreme('max')[0] - p.extreme('min')[0]).toBeGreaterThan(0.1);
    p.weaken(new Map());
    expect(p.extreme('max')[0] - p.extreme('min')[0]).toBeLessThan(0.03);
  });
});

describe('the Kona profile’s BMS', () => {
  it('answers 22 01 01…05 with the lengths of the real car (62, 39, 39, 39, 46 bytes)', async () => {
    const clock = new VirtualClock();
    const vehicle = Vehicle.fromScenario(loadScenario('healthy-kona'), { startMs: 0 });
    const bms = new UdsClient(new ResponderLink(vehicle, { clock }), physical(0x7e4), { clock });
    const lengths = [];
    for (const did of [1, 2, 3, 4, 5]) lengths.push((await clock.run(bms.request([0x22, 0x01, did]))).length);
    expect(lengths).toEqual([62, 39, 39, 39, 46]);
  });

  it('the generic EV keeps its own DIDs (0x0110: every cell in mV)', async () => {
    const clock = new VirtualClock();
    const vehicle = Vehicle.fromScenario(loadScenario('healthy-ev-range'), { startMs: 0 });
    const bms = new UdsClient(new ResponderLink(vehicle, { clock }), physical(0x7e4), { clock });
    expect((await clock.run(bms.request([0x22, 0x01, 0x10]))).length).toBe(3 + 96 * 2);
  });
});
