import { hashUnit } from './parts.js';
import type { VehicleProfile } from './profiles.js';

/**
 * The traction battery as physics: cells in series, each with its own capacity, state of charge and
 * internal resistance, grouped in modules that warm with the current and cool toward the ambient.
 * What a BMS reports (pack voltage, SoC, SoH, cell voltages, module temperatures) is read from this
 * state; no figure is set directly.
 *
 * - Cell voltage = open-circuit voltage at the cell's own SoC − current × the cell's resistance at its
 *   module's temperature (positive current discharges). The pack voltage is the sum of the cells.
 * - Every cell carries the same current (series string): a cell of smaller capacity moves further in
 *   SoC for the same charge, so it is the lowest cell at the end of a discharge and the spread grows
 *   with depth of discharge; a cell of higher resistance sags more under load.
 * - Resistance follows Arrhenius with temperature (×≈3 at 0 °C against 25 °C).
 * - Module temperature: heat I²R of its cells against a conductance to the ambient (a passive pack,
 *   no liquid loop is simulated), with the pack's thermal mass.
 * - SoH = the capacity of the weakest cell (which limits a series string) against the nominal
 *   capacity; capacity fades with the distance driven.
 */

/** Open-circuit voltage against SoC, piecewise linear through [soc, volts] points. */
export type OcvCurve = readonly (readonly [number, number])[];

/**
 * NMC (LiNiMnCoO2 / graphite) cell at 25 °C: the shape of published OCV curves of NMC pouch cells,
 * placed on the rest points of real Kona Electric answers (tests/fixtures/ev: 36.5 % → 3.62 V per
 * cell; 65 % → ≈3.82 V).
 */
export const NMC_OCV: OcvCurve = [
  [0, 3.3],
  [0.05, 3.43],
  [0.1, 3.49],
  [0.2, 3.55],
  [0.3, 3.59],
  [0.4, 3.64],
  [0.5, 3.7],
  [0.6, 3.78],
  [0.7, 3.87],
  [0.8, 3.96],
  [0.9, 4.06],
  [1, 4.16],
];
/** The generic cells the other profiles have always had: straight lines. */
const LINEAR_LI_ION: OcvCurve = [
  [0, 3.3],
  [1, 4.2],
];
const NIMH: OcvCurve = [
  [0, 1.15],
  [1, 1.32],
];

export function ocv(curve: OcvCurve, soc: number): number {
  const s = Math.max(0, Math.min(1, soc));
  for (let i = 1; i < curve.length; i++) {
    const [s1, v1] = curve[i];
    if (s <= s1) {
      const [s0, v0] = curve[i - 1];
      return v0 + ((v1 - v0) * (s - s0)) / (s1 - s0);
    }
  }
  return curve[curve.length - 1][1];
}

/** Activation temperature of the cells' resistance, K (Ea / R). */
const ARRHENIUS_K = 3500;
const resistanceFactor = (tempC: number) => Math.exp(ARRHENIUS_K * (1 / (tempC + 273.15) - 1 / 298.15));

/** A weak cell as a fault makes it: capacity lost and resistance gained with severity. */
export const weakCellCapacity = (severity: number) => 1 - 0.6 * severity;
export const weakCellResistance = (severity: number) => 1 + 5 * severity;

/** An aged pack as a fault makes it: every cell's capacity and resistance, beyond the distance's fade. */
export const agedCapacity = (severity: number) => 1 - 0.4 * severity;
export const agedResistance = (severity: number) => 1 + 1.5 * severity;

/** Capacity left after `km` (square root of the throughput): 96.8 % at 84,000 km. */
export const fadeWithDistance = (km: number) => 1 - 0.035 * Math.sqrt(Math.max(0, km) / 100_000);

export interface PackOptions {
  seed: number;
  ambientC: number;
  socPct: number;
  odometerKm: number;
  /** Per-cell relative spread drawn by the model (kept from the model's PRNG stream). */
  spread: number[];
}

export class TractionPack {
  readonly cells: number;
  readonly modules: number;
  /** Nominal capacity of one cell (of each parallel group), Ah. */
  readonly nominalAh: number;
  readonly curve: OcvCurve;
  /** Cell resistance at 25 °C, Ω. */
  readonly r25: number;
  /** Thermal mass per module, J/K; conductance to the ambient per module, W/K. */
  readonly heatCapacity: number;
  readonly conductance: number[];
  /** Per cell: SoC 0..1, capacity (Ah, before faults), resistance factor (before faults). */
  readonly soc: number[];
  private readonly baseAh: number[];
  private readonly baseR: number[];
  /** The weak-cell faults: severity by cell index (0-based); set through `weaken`. */
  weak: ReadonlyMap<number, number> = new Map();
  /** Whole-pack ageing fault, 0..1. */
  ageing = 0;
  /** SoC deficits already taken out of each module's cells (0-based module → fraction). */
  private readonly deficits = new Map<number, number>();
  moduleC: number[];
  /** Pack current, A (positive discharging); cell voltages, V; pack voltage, V. */
  current = 0;
  cellV: number[];
  packV = 0;
  /** Lifetime counters the BMS keeps: Ah and kWh in and out, operating seconds. */
  ahIn = 0;
  ahOut = 0;
  kwhIn = 0;
  kwhOut = 0;
  operatingS = 0;

  constructor(
    readonly tr: NonNullable<VehicleProfile['traction']>,
    o: PackOptions,
  ) {
    this.cells = tr.cells;
    this.modules = tr.modules ?? 4;
    this.nominalAh = (tr.capacityKwh * 1000) / tr.nominalV;
    this.curve = tr.chemistry === 'NiMH' ? NIMH : tr.chemistry === 'NMC' ? NMC_OCV : LINEAR_LI_ION;
    // ≈ 0.7 mΩ for the 180 Ah cell group of a Kona (≈ 70 mΩ for its pack at 25 °C), more for smaller cells.
    this.r25 = tr.chemistry === 'NiMH' ? 0.0012 : 0.13 / this.nominalAh;
    // ≈ 7 kg per kWh of pack, 1 kJ/(kg·K); cooling time constant ≈ 3 h (a parked pack).
    this.heatCapacity = (tr.capacityKwh * 7 * 1000) / this.modules;
    this.conductance = Array.from(
      { length: this.modules },
      (_, m) => (this.heatCapacity / (3 * 3600)) * (0.85 + 0.3 * hashUnit(o.seed, 4100, m)),
    );
    const fade = fadeWithDistance(o.odometerKm);
    this.baseAh = o.spread.map((d) => this.nominalAh * fade * (1 + 2.5 * d));
    this.baseR = Array.from({ length: this.cells }, (_, i) => 1 + 0.1 * (hashUnit(o.seed, 4200, i) - 0.5));
    this.soc = new Array(this.cells).fill(o.socPct / 100);
    this.moduleC = new Array(this.modules).fill(o.ambientC);
    this.cellV = new Array(this.cells).fill(0);
    this.settle();
    // A car keeps its counters from new: as many kWh as the distance took (≈ 0.15 kWh/km).
    this.kwhOut = o.odometerKm * 0.15;
    this.kwhIn = this.kwhOut * 1.02;
    this.ahOut = (this.kwhOut * 1000) / tr.nominalV;
    this.ahIn = (this.kwhIn * 1000) / tr.nominalV;
    this.operatingS = (o.odometerKm / 40) * 3600;
  }

  moduleOf(cell: number): number {
    return Math.min(this.modules - 1, Math.floor((cell * this.modules) / this.cells));
  }

  capacity(cell: number): number {
    return this.baseAh[cell] * weakCellCapacity(this.weak.get(cell) ?? 0) * agedCapacity(this.ageing);
  }

  /**
   * The weak cells now. A cell no longer weak was replaced (its module, by a repair): the new cells
   * come balanced to the others, at the mean SoC of the cells that stayed.
   */
  weaken(weak: ReadonlyMap<number, number>): void {
    const replaced = [...this.weak.keys()].filter((i) => !weak.has(i));
    this.weak = weak;
    if (!replaced.length) return;
    const stayed = this.soc.filter((_, i) => !replaced.includes(i));
    const mean = stayed.reduce((a, b) => a + b, 0) / stayed.length;
    for (const i of replaced) this.soc[i] = mean;
    this.settle();
  }

  /**
   * Modules the balancing left behind: a deficit not yet taken out of a module's cells is taken
   * (charge they do not hold); a module no longer listed was balanced (a repair): its cells are
   * brought to the mean of the others, as a balancing run does by moving charge between cells.
   */
  unbalance(deficits: ReadonlyMap<number, number>): void {
    for (const [m, d] of deficits) {
      const done = this.deficits.get(m) ?? 0;
      if (d <= done) continue;
      for (let i = 0; i < this.cells; i++)
        if (this.moduleOf(i) === m) this.soc[i] = Math.max(0, this.soc[i] - (d - done));
      this.deficits.set(m, d);
    }
    for (const m of [...this.deficits.keys()]) {
      if (deficits.has(m)) continue;
      let sum = 0;
      let n = 0;
      for (let i = 0; i < this.cells; i++)
        if (!this.deficits.has(this.moduleOf(i))) {
          sum += this.soc[i];
          n++;
        }
      const mean = n ? sum / n : this.socPct / 100;
      for (let i = 0; i < this.cells; i++) if (this.moduleOf(i) === m) this.soc[i] = mean;
      this.deficits.delete(m);
    }
    this.settle();
  }

  /** Cell voltages at rest (no current) and under a current of `amps`, at the modules' temperatures. */
  cellVoltagesAt(amps: number): number[] {
    return Array.from(
      { length: this.cells },
      (_, i) => ocv(this.curve, this.soc[i]) - amps * this.resistance(i),
    );
  }

  resistance(cell: number): number {
    return (
      this.r25 *
      this.baseR[cell] *
      weakCellResistance(this.weak.get(cell) ?? 0) *
      agedResistance(this.ageing) *
      resistanceFactor(this.moduleC[this.moduleOf(cell)])
    );
  }

  /** The string's resistance at its modules' temperatures, Ω. */
  get resistancePack(): number {
    let r = 0;
    for (let i = 0; i < this.cells; i++) r += this.resistance(i);
    return r;
  }

  /** Open-circuit voltage of the whole pack at its cells' present SoC, V. */
  get ocvPack(): number {
    let v = 0;
    for (let i = 0; i < this.cells; i++) v += ocv(this.curve, this.soc[i]);
    return v;
  }

  /** The BMS's SoC, %: the mean of its cells'. */
  get socPct(): number {
    return (100 * this.soc.reduce((a, b) => a + b, 0)) / this.cells;
  }

  /** State of health, %: the weakest cell's capacity against the nominal. */
  get sohPct(): number {
    let min = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.cells; i++) min = Math.min(min, this.capacity(i));
    return (100 * min) / this.nominalAh;
  }

  /** Inlet (coolant or air) temperature: the ambient the modules cool toward. */
  inletC = 15;

  /**
   * One step of `dt` s drawing `powerW` from the pack (negative: charging, regeneration), at
   * `ambientC`. The current is the power over the pack's voltage.
   */
  step(dt: number, powerW: number, ambientC: number, connected: boolean): void {
    this.inletC = ambientC;
    const v = this.packV > 0 ? this.packV : this.ocvPack;
    this.current = connected ? powerW / v : 0;
    const dAh = (this.current * dt) / 3600;
    for (let i = 0; i < this.cells; i++)
      this.soc[i] = Math.max(0, Math.min(1, this.soc[i] - dAh / this.capacity(i)));
    if (dAh > 0) {
      this.ahOut += dAh;
      this.kwhOut += (dAh * v) / 1000;
    } else {
      this.ahIn -= dAh;
      this.kwhIn -= (dAh * v) / 1000;
    }
    if (connected) this.operatingS += dt;
    const heat = new Array(this.modules).fill(0);
    for (let i = 0; i < this.cells; i++) heat[this.moduleOf(i)] += this.current ** 2 * this.resistance(i);
    for (let m = 0; m < this.modules; m++)
      this.moduleC[m] +=
        ((heat[m] - this.conductance[m] * (this.moduleC[m] - ambientC)) * dt) / this.heatCapacity;
    this.settle();
  }

  private settle(): void {
    const v = this.cellVoltagesAt(this.current);
    let sum = 0;
    for (let i = 0; i < this.cells; i++) {
      this.cellV[i] = v[i];
      sum += v[i];
    }
    this.packV = sum;
  }

  /** Lowest and highest cell: [volts, 1-based number]. */
  extreme(pick: 'min' | 'max'): [number, number] {
    let best = 0;
    for (let i = 1; i < this.cells; i++)
      if (pick === 'min' ? this.cellV[i] < this.cellV[best] : this.cellV[i] > this.cellV[best]) best = i;
    return [this.cellV[best], best + 1];
  }
}
