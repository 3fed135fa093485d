import {
  ACTIVE_REGEN,
  type ActiveRegen,
  FORCED_REGEN,
  type ForcedRegen,
  type RegenReason,
  regenRefusal,
  sootBurnGs,
  sootFromPressure,
} from './dpf.js';
import { type DrivePhase, Driver, DriveSchedule } from './drive.js';
import { effectsAt, type FaultEffects, type FaultSpec } from './faults.js';
import { TractionPack } from './pack.js';
import {
  alternatorCapacityA,
  battery12,
  batteryOcv,
  batteryRint,
  CHARGING_WIRE_OHM,
  chargerPoint,
  chargingPoint,
  crankingCurrentA,
  DCDC_RATED_A,
  FUEL_RAIL,
  fuelFlowLh,
  hashUnit,
  MIN_CRANK_V,
  MIN_READY_12V,
  RUNNING_LOAD_A,
  railPressureBar,
  TONE_RING_TEETH,
  WORKSHOP_CHARGER,
} from './parts.js';
import { Prng } from './prng.js';
import type { VehicleProfile } from './profiles.js';

/** Simulation step, s. Fixed, so that the state at a given time does not depend on when it is read. */
export const STEP_S = 0.1;
const STEP_MS = 100;
const RHO_AIR = 1.184; // g/l at 25 °C
const STOICH = 14.7;
/** Time constant of an engine out of gear following a new speed (throttle blip, return to idle), s. */
const FREE_RPM_LAG_S = 0.4;

export interface ModelOptions {
  seed: number;
  ambientC: number;
  faults: FaultSpec[];
  drive: DrivePhase[];
  odometerKm: number;
  fuelPct: number;
  socPct: number;
}

export type WheelSignal = 'ok' | 'none' | 'open' | 'erratic';

/** Teeth (or magnetic poles) missing on a damaged tone ring. */
export function toneRingDamagedTeeth(severity: number): number {
  return Math.round(2 + 10 * severity);
}

/** Narrow-band O2 sensor output: 0.03 V lean to 0.87 V rich around its 0.45 V switch point. */
const O2_MID_V = 0.45;
const O2_HALF_SWING_V = 0.42;
/** The 300 mV and 600 mV points of a lean-to-rich step, as fractions of the sensor's swing (a scope's response-time markers). */
export const O2_RESPONSE_FRACTIONS = [0.3, 0.6].map(
  (v) => (v - (O2_MID_V - O2_HALF_SWING_V)) / (2 * O2_HALF_SWING_V),
) as [number, number];

/** Why a start attempt fails. */
export type StartBlock = 'starter' | 'battery' | 'immobilizer' | 'fuel' | 'low_12v';

/** How long a driver keeps the key on start before letting go, s, and how many times they try. */
export const START_ATTEMPT_S = 8;
export const START_TRIES = 3;

/** Rail pressure below which the injectors cannot spray fuel that fires, bar. */
export const MIN_START_RAIL_BAR = 1.5;

/** Starter current, A: a worn starter draws more; a solenoid that does not engage, only its pull-in coil. */
export function crankingA(p: VehicleProfile, e: FaultEffects): number {
  if (e.starterWear >= 0.7) return 8;
  return crankingCurrentA(p) * (1 + 1.5 * e.starterWear);
}

/** Battery terminal voltage while cranking, V. */
export function crankingVoltage(p: VehicleProfile, e: FaultEffects, soc: number): number {
  return batteryOcv(soc, e.batteryHealth) - crankingA(p, e) * batteryRint(p, e.batteryHealth);
}

/**
 * Why the engine (or, on a hybrid or an EV, READY) cannot start now, or undefined: the starter does
 * not turn it, the battery collapses while cranking, the immobiliser refuses the key, the injectors
 * get no fuel pressure, or the 12 V cannot close the high-voltage contactors.
 */
export function startProblem(
  p: VehicleProfile,
  e: FaultEffects,
  soc: number,
  opts: { immobilizerRefused?: boolean } = {},
): StartBlock | undefined {
  if (e.immobilizer >= 0.6 || opts.immobilizerRefused) return 'immobilizer';
  // Closing the contactors draws ≈ 60 A from the 12 V for a moment.
  if (p.traction)
    return batteryOcv(soc, e.batteryHealth) - 60 * batteryRint(p, e.batteryHealth) < MIN_READY_12V
      ? 'low_12v'
      : undefined;
  if (e.starterWear >= 0.7) return 'starter';
  if (crankingVoltage(p, e, soc) < MIN_CRANK_V) return 'battery';
  if (p.engine.kind === 'spark' && railPressureBar(0.5, e.fuelPumpWear, e.regulatorHigh) < MIN_START_RAIL_BAR)
    return 'fuel';
  return undefined;
}

/** Events the model emits for the ECUs (operation cycles) and monitors. */
export interface ModelListener {
  cycleStart?(m: VehicleModel): void;
  cycleEnd?(m: VehicleModel, warmUp: boolean): void;
  step?(m: VehicleModel): void;
}

/** Closed-loop fuel status, J1979 PID 0x03 bit values. */
export const FUEL_OL_COLD = 1;
export const FUEL_CL = 2;
export const FUEL_OL_LOAD = 4;
export const FUEL_OL_FAULT = 8;

/**
 * The physics of one vehicle, advanced in fixed steps on simulated time. Every value is what the car
 * really does; ECUs read sensor values from it (`coolantSensorC`, `mafGs`, `o2Up` …) which faults
 * may make differ from the truth.
 */
export class VehicleModel {
  private driveSchedule: DriveSchedule;
  private readonly driver: Driver;
  private readonly rng: Prng;
  /** Simulated time, s; advanced in steps of STEP_S (integer milliseconds to avoid drift). */
  private tMs = 0;
  effects: FaultEffects;
  listeners: ModelListener[] = [];

  // Driver and powertrain
  phase: DrivePhase = { phase: 'off' };
  /** When the current phase began, s. */
  private phaseSinceS = 0;
  keyOn = false;
  /** Engine running (ICE) or READY (EV / hybrid system). */
  running = false;
  engineOn = false;
  crankingS = 0;
  /** Why the current or last start attempt cannot succeed (undefined: it starts). */
  startBlock?: StartBlock;
  startAttempts = 0;
  /** Start attempts in the current wish to run, and when the next may come. */
  private startTries = 0;
  private nextTryS = 0;
  runTimeS = 0;
  speedKmh = 0;
  targetKmh = 0;
  accelKmhS = 0;
  gear = 0;
  rpm = 0;
  /** Engine speed before combustion roughness: what the pedal, the idle controller or the gearbox set. */
  private steadyRpm = 0;
  throttlePct = 0;
  mapKpa = 101;
  baroKpa = 101;
  /** Air actually entering the cylinders, g/s. */
  airGs = 0;
  /** What the MAF sensor reports, g/s. */
  mafGs = 0;
  loadPct = 0;
  absLoadPct = 0;
  timingDeg = 0;
  // Temperatures
  ambientC: number;
  iatC: number;
  coolantC: number;
  oilC: number;
  coolantAtStartC = 0;
  /** What the ECU's coolant sensor read at engine start. */
  coolantSensorAtStartC = 0;
  maxCoolantThisCycleC = 0;
  // Fuelling, per bank
  fuelStatus = 0;
  stft: number[];
  /** Long-term trim cells per bank: idle, part load, high load. */
  ltftCells: number[][];
  ltftCell = 0;
  lambda: number[];
  o2Up: number[];
  o2Down: number[];
  private o2UpLag: number[];
  private lambdaHistory: number[][];
  catStore: number[];
  misfiresThisWindow: number[];
  revsThisWindow = 0;
  lastMisfireRates: number[];
  commandedLambda = 1;
  // EGR, EVAP, DPF
  egrCmdPct = 0;
  /** EGR valve position, % (what its position sensor reports). */
  egrPct = 0;
  /** Exhaust gas actually recirculated, % of the intake (valve position × what the passages let through). */
  egrFlowPct = 0;
  evapPa = 0;
  dpfSootG = 8;
  dpfDeltaKpa = 0;
  /** The forced (stationary) DPF regeneration the engine ECU runs on a scan tool's request. */
  dpfRegen: ForcedRegen = { status: 'none' };
  /** The regeneration the engine ECU starts by itself while driving. */
  dpfActive: ActiveRegen = {
    requested: false,
    running: false,
    heldS: 0,
    stoppedS: 0,
    completed: 0,
    interrupted: 0,
  };
  /** The engine ECU's soot estimate, g (`dpfSootEstimateG`). */
  private sootEstimateG = 8;
  exhaustTempC: number;
  // Electrical
  batteryV = 12.6;
  battery12Soc = 0.92;
  /**
   * The workshop charger's last (or current) charge, as its display shows it: since when (the
   * phase's start, s), the charge it gave (Ah), the current it gives now (A), whether it has ended
   * (the battery takes less than `WORKSHOP_CHARGER.doneA`) and the minutes it took.
   */
  charger?: { sinceS: number; ah: number; amps: number; done: boolean; minutes: number };
  crankMinV?: number;
  socPct: number;
  hvV = 0;
  hvA = 0;
  cellV: number[];
  /** The traction battery's cells and modules (hybrid, EV). */
  readonly pack?: TractionPack;
  isolationKohm = 5000;
  hvFault = false;
  // Chassis
  wheelKmh = [0, 0, 0, 0];
  /** What each wheel's sensor signal looks like to the ABS ECU. */
  wheelSignal: WheelSignal[] = ['ok', 'ok', 'ok', 'ok'];
  // Counters
  odometerKm: number;
  fuelPct: number;
  distanceMilKm = 0;
  timeMilMin = 0;
  distanceSinceClearKm = 0;
  timeSinceClearMin = 0;
  warmUpsSinceClear = 0;
  /** Set by the ECUs each step: whether any ECU commands the MIL. */
  milOn = false;

  constructor(
    readonly profile: VehicleProfile,
    readonly options: ModelOptions,
  ) {
    this.driveSchedule = new DriveSchedule(options.drive);
    this.driver = new Driver(options.seed);
    this.rng = new Prng(options.seed);
    this.ambientC = options.ambientC;
    this.iatC = this.coolantC = this.oilC = this.exhaustTempC = options.ambientC;
    const banks = profile.engine.banks;
    this.stft = new Array(banks).fill(0);
    this.ltftCells = Array.from({ length: banks }, () => [0, 0, 0]);
    this.lambda = new Array(banks).fill(1);
    this.o2Up = new Array(banks).fill(0.1);
    this.o2UpLag = new Array(banks).fill(0.1);
    this.o2Down = new Array(banks).fill(0.1);
    this.lambdaHistory = Array.from({ length: banks }, () => new Array(12).fill(1));
    this.catStore = new Array(banks).fill(0.5);
    this.misfiresThisWindow = new Array(profile.engine.cylinders).fill(0);
    this.lastMisfireRates = new Array(profile.engine.cylinders).fill(0);
    this.odometerKm = options.odometerKm;
    this.fuelPct = options.fuelPct;
    this.socPct = options.socPct;
    const cells = profile.traction?.cells ?? 0;
    // The cells' spread comes from the noise stream as it always has (one draw per cell), so the
    // draws that follow are the same.
    const spread = Array.from({ length: cells }, () => this.rng.gauss(0.004));
    if (profile.traction)
      this.pack = new TractionPack(profile.traction, {
        seed: options.seed,
        ambientC: options.ambientC,
        socPct: options.socPct,
        odometerKm: options.odometerKm,
        spread,
      });
    this.cellV = this.pack?.cellV ?? [];
    this.effects = this.effectsNow();
    this.updateTraction(0);
  }

  /** Simulated time, s. */
  get t(): number {
    return this.tMs / 1000;
  }

  /** What the driver or technician does, over simulated time. */
  get schedule(): DriveSchedule {
    return this.driveSchedule;
  }

  /**
   * From the current simulated time on, the driver or technician does `phase` instead of what the
   * schedule said. Only the future changes: the steps already taken stay as they were, so the same
   * changes at the same times give the same car.
   */
  replaceDriveFromNow(phases: DrivePhase | DrivePhase[]): void {
    this.driveSchedule = this.driveSchedule.replacedFrom(this.t, phases);
    // The technician's own start is a fresh try, whatever the driver's attempts were.
    this.startTries = 0;
    this.nextTryS = 0;
  }

  get ltft(): number[] {
    return this.ltftCells.map((c) => c[this.ltftCell]);
  }

  /** Fraction of firings of cylinder `c` (0-based) that misfire now: ignition faults, or a starved injector under load. */
  misfireRate(c: number): number {
    const e = this.effects;
    if (!this.engineOn) return 0;
    const starved = e.injectorFlow[c] < 0.75 && this.loadPct > 40 ? 0.1 : 0;
    // A cylinder that loses its charge fires badly when it is filled little (idle), less under load.
    const leaky = Math.max(0, e.compressionLoss[c] - 0.25) * (this.loadPct < 35 ? 1.4 : 0.7);
    // A mixture leaner than the flame can cross misfires at random on the whole bank.
    const lambda = this.lambda[c % this.profile.engine.banks] ?? 1;
    const lean = Math.min(0.5, Math.max(0, lambda - 1.2) * 2.5);
    // A dribbling injector floods its cylinder at idle.
    const flooded = e.injectorLeak[c] >= 0.5 && this.speedKmh < 4 ? 0.08 * e.injectorLeak[c] : 0;
    return Math.min(1, e.misfireRate[c] + starved + leaky + lean + flooded);
  }

  /**
   * What the ECU's coolant sensor reads: −40 °C (its end stop) when open; colder than the coolant
   * when drifted; low and unsteady when low coolant uncovers its pocket (steam and air around it),
   * until the engine is hot enough that the steam is as hot as the water.
   */
  get coolantSensorC(): number {
    const e = this.effects;
    if (e.ectOpen) return -40;
    const loss = e.coolantLoss;
    const uncovered =
      this.engineOn && loss > 0.4
        ? (loss < 0.8 ? (loss - 0.4) * 60 : 24 * (1 - (loss - 0.8) / 0.2)) *
          (0.9 + 0.1 * Math.sin(this.t / 7))
        : 0;
    return Math.max(-39, this.coolantC - e.ectColdC - uncovered);
  }

  /** Fuel rail pressure now, bar (petrol): what the pump holds at the flow the engine burns. */
  get railBar(): number {
    const e = this.effects;
    return railPressureBar(this.engineOn ? fuelFlowLh(this.airGs) : 0, e.fuelPumpWear, e.regulatorHigh);
  }

  get closedLoop(): boolean {
    return this.fuelStatus === FUEL_CL;
  }

  /** The faults' effects at the current time and in the car's current state (intermittent faults). */
  private effectsNow(): FaultEffects {
    return effectsAt(this.options.faults, this.t, this.profile, {
      seed: this.options.seed,
      coolantC: this.coolantC,
      loadPct: this.loadPct,
      speedKmh: this.speedKmh,
      engineOn: this.engineOn,
    });
  }

  /** Advances to simulated time `t` seconds in fixed steps. */
  advanceTo(t: number): void {
    const target = Math.round(t * 1000);
    while (this.tMs + STEP_MS <= target) this.step();
  }

  private step(): void {
    this.tMs += STEP_MS;
    const dt = STEP_S;
    const p = this.profile;
    this.effects = this.effectsNow();
    const at = this.schedule.at(this.t);
    this.phase = at.phase;
    this.phaseSinceS = at.since;
    const wantKey = this.phase.phase !== 'off';
    const wantRun = this.phase.phase !== 'off' && this.phase.phase !== 'key_on';

    // Key and start/stop: the operation cycle runs from engine start to key off.
    if (!wantKey && this.keyOn) {
      const wasRunningCycle = this.running || this.runTimeS > 0;
      this.keyOn = false;
      this.running = this.engineOn = false;
      this.crankingS = 0;
      if (wasRunningCycle) this.endCycle();
    } else if (wantKey && !this.keyOn) {
      this.keyOn = true;
    }
    if (!wantRun) this.startTries = 0;
    const mayTry = this.startTries < START_TRIES && this.t >= this.nextTryS;
    if (wantRun && !this.running && this.crankingS === 0 && mayTry && !(this.hvFault && p.traction)) {
      // A start attempt: whether it can succeed is settled as the key turns (an immobiliser that
      // recognises the key only sometimes decides per attempt).
      this.crankingS = dt;
      this.startAttempts++;
      this.startTries++;
      const e = this.effects;
      const flaky = e.immobilizer > 0 && e.immobilizer < 0.6;
      const refused = flaky && hashUnit(this.options.seed, 3000, this.startAttempts) < e.immobilizer / 0.6;
      this.startBlock = startProblem(p, e, this.battery12Soc, { immobilizerRefused: refused });
    }
    if (!wantRun && this.running) {
      this.running = this.engineOn = false;
      this.endCycle();
    }
    if (this.crankingS > 0) {
      this.crankingS += dt;
      if (this.startBlock) {
        // The driver lets go after a few seconds and tries again a little later, three times in
        // all; then the car waits, key on, until asked again.
        if (this.crankingS >= START_ATTEMPT_S) {
          this.crankingS = 0;
          this.nextTryS = this.t + 5;
        }
      } else if (this.crankingS >= (p.engine.kind === 'none' ? 0.3 : 1.0)) {
        this.crankingS = 0;
        this.startTries = 0;
        this.running = true;
        this.engineOn = p.engine.kind !== 'none';
        this.runTimeS = 0;
        this.coolantAtStartC = this.coolantC;
        this.coolantSensorAtStartC = this.coolantSensorC;
        this.maxCoolantThisCycleC = this.coolantC;
        for (const l of this.listeners) l.cycleStart?.(this);
      }
    }

    this.driveStep(dt);
    this.electricalStep(dt);
    if (p.engine.kind !== 'none') {
      this.airStep(dt);
      this.thermalStep(dt);
      this.fuelStep(dt);
      this.exhaustStep(dt);
    } else {
      this.thermalStep(dt);
    }
    this.countersStep(dt);
    for (const l of this.listeners) l.step?.(this);
  }

  /**
   * What the ABS ECU gets from one wheel's active sensor: a current it can see (0 mA: open circuit)
   * and pulses it counts (none from a dead sensor; missing ones from a damaged tone ring).
   */
  private wheelStep(i: number): void {
    const trueKmh = this.speedKmh * (1 + (i < 2 ? 0.002 : -0.001));
    const f = this.effects.wheelFaults[i];
    let signal: WheelSignal = 'ok';
    let kmh = trueKmh;
    if (f?.mode === 'sensor') {
      // A failing sensor element loses its signal below a speed that rises with severity (at 1, always).
      if (trueKmh < 5 + 120 * f.severity) {
        signal = 'none';
        kmh = 0;
      }
    } else if (f?.mode === 'harness') {
      // Broken strands: open for good when severe, otherwise when the wheel arch flexes (moving).
      const open =
        f.severity >= 0.7 ||
        (trueKmh > 5 && hashUnit(this.options.seed, 2000 + i, Math.floor(this.t * 2)) < f.severity / 0.7);
      if (open) {
        signal = 'open';
        kmh = 0;
      }
    } else if (f?.mode === 'tone_ring' && trueKmh > 0) {
      // Missing teeth: the ECU counts fewer pulses on part of each turn; the speed it computes dips.
      const missing = toneRingDamagedTeeth(f.severity) / TONE_RING_TEETH;
      kmh = trueKmh * (1 - 2 * missing * this.rng.next());
      signal = 'erratic';
    }
    this.wheelKmh[i] = kmh;
    this.wheelSignal[i] = signal;
  }

  private endCycle(): void {
    // J1979 warm-up cycle: coolant rose by at least 22 °C and reached at least 70 °C (60 °C diesel).
    const reach = this.profile.engine.kind === 'compression' ? 60 : 70;
    const warmUp =
      this.maxCoolantThisCycleC - this.coolantAtStartC >= 22 && this.maxCoolantThisCycleC >= reach;
    if (warmUp) this.warmUpsSinceClear = Math.min(255, this.warmUpsSinceClear + 1);
    this.runTimeS = 0;
    for (const l of this.listeners) l.cycleEnd?.(this, warmUp);
  }

  private driveStep(dt: number): void {
    const p = this.profile;
    const kind = this.phase.phase;
    const canMove = this.running && !(this.hvFault && p.traction);
    this.targetKmh = canMove ? this.driver.targetSpeed(kind, this.t) : 0;
    const dv = this.targetKmh - this.speedKmh;
    const accel = Math.max(-9, Math.min(5.4, dv / 1.5));
    this.accelKmhS = accel;
    this.speedKmh = Math.max(0, this.speedKmh + accel * dt);
    if (this.speedKmh < 0.3 && this.targetKmh === 0) this.speedKmh = 0;
    for (let i = 0; i < 4; i++) this.wheelStep(i);
    this.odometerKm += (this.speedKmh * dt) / 3600;

    // Hybrid: the engine runs to warm the catalyst, to charge, or when the driver asks for power.
    if (p.traction && p.engine.kind === 'spark' && this.running) {
      const want = this.coolantC < 40 || this.socPct < 50 || this.speedKmh > 48 || this.accelKmhS > 4;
      const keep = this.engineOn && (this.socPct < 58 || this.speedKmh > 42);
      this.engineOn = want || keep;
    }

    // Engine speed: idle, a held rpm, or road speed through the gearbox.
    if (!this.engineOn) {
      const cranking = this.crankingS > 0 && p.engine.kind !== 'none' && !p.traction;
      const crankRpm = cranking ? this.crankingRpm() : 0;
      this.rpm = crankRpm > 0 ? crankRpm + this.rng.gauss(15) : 0;
      this.steadyRpm = crankRpm;
      this.gear = 0;
      return;
    }
    // Cold idle-up follows what the ECU believes the coolant temperature is.
    const sensed = this.coolantSensorC;
    const coldIdle = p.engine.idleRpm + (sensed < 40 ? 250 * (1 - Math.max(0, sensed) / 40) : 0);
    // A forced DPF regeneration raises the idle (more exhaust heat and flow through the filter).
    const idle = this.dpfRegen.status === 'running' ? Math.max(coldIdle, FORCED_REGEN.idleRpm) : coldIdle;
    let rpm: number;
    if (kind === 'hold') {
      rpm = this.phase.rpm ?? 2500;
      this.gear = 0;
    } else if (this.speedKmh < 4) {
      rpm = idle;
      this.gear = 0;
    } else if (p.gears.length === 1) {
      rpm = Math.max(idle, 1000 + this.speedKmh * 14);
      this.gear = 1;
    } else {
      if (this.gear === 0) this.gear = 1;
      while (this.gear < p.gears.length && this.speedKmh * p.gears[this.gear - 1] > p.upshiftRpm) this.gear++;
      while (this.gear > 1 && this.speedKmh * p.gears[this.gear - 1] < 1250) this.gear--;
      rpm = Math.max(idle + 150, this.speedKmh * p.gears[this.gear - 1]);
    }
    // In gear the wheels set the engine speed. Out of gear nothing does: the technician's foot or the
    // idle controller brings the engine to its new speed in about a second, so a scan tool sees it
    // climb to a held speed and fall back to idle rather than jump.
    if (this.gear === 0) this.steadyRpm += (rpm - this.steadyRpm) * Math.min(1, dt / FREE_RPM_LAG_S);
    else this.steadyRpm = rpm;
    const rough =
      this.effects.misfireRate.reduce((a, _, c) => a + this.misfireRate(c), 0) * 120 +
      (this.egrFlowPct > 15 && kind === 'idle' ? 40 : 0);
    this.rpm = Math.max(0, this.steadyRpm + this.rng.gauss(6 + rough));
  }

  private airStep(dt: number): void {
    const p = this.profile;
    const e = this.effects;
    if (!this.engineOn) {
      this.airGs = this.mafGs = this.loadPct = this.absLoadPct = 0;
      this.mapKpa = this.baroKpa;
      this.throttlePct = 0;
      this.egrCmdPct = this.egrPct = this.egrFlowPct = 0;
      return;
    }
    const v = this.speedKmh;
    const rpm = this.rpm;
    const kind = this.phase.phase;
    // Throttle the driver (or the idle controller) opens: road load plus acceleration.
    let thr: number;
    if (kind === 'hold') thr = 1.5 + rpm / 420;
    else if (v < 4) thr = 3;
    else thr = 4 + 0.0013 * v * v + 0.06 * v + Math.max(0, this.accelKmhS) * 4;
    thr = Math.min(100, thr);
    // EGR: commanded at warm part load (and at idle on a diesel); the valve follows unless stuck.
    const warm = this.coolantC > 60;
    let cmd = 0;
    if (p.engine.egr && warm) {
      if (p.engine.kind === 'compression') cmd = v < 4 ? 35 : thr < 40 ? 25 : 0;
      else cmd = v > 30 && thr < 35 ? 12 : 0;
    }
    this.egrCmdPct = cmd;
    const target = egrValveTarget(e, cmd);
    // An open or resistive motor circuit moves the valve slowly, if at all.
    const tau = 0.5 * (1 + 10 * Math.min(0.7, e.egrCircuit));
    this.egrPct += (target - this.egrPct) * Math.min(1, dt / tau);
    // Carbon in the passages lets less gas through the same valve opening.
    this.egrFlowPct = this.egrPct * e.egrPassage;

    const air = engineAirflow(p, {
      rpm,
      throttlePct: thr,
      idleControl: v < 4 && kind !== 'hold',
      egrFlowPct: this.egrFlowPct,
      vacuumLeakGs: e.vacuumLeakGs,
      mafUnderRead: e.mafUnderRead,
      baroKpa: this.baroKpa,
    });
    this.mapKpa = air.mapKpa;
    this.airGs = air.airGs;
    this.mafGs = air.mafGs;
    this.loadPct = air.loadPct;
    this.absLoadPct = air.absLoadPct;
    this.throttlePct = air.throttlePct;
    this.mafGs = Math.max(0, this.mafGs * (1 + this.rng.gauss(0.004)));
    this.mapKpa += this.rng.gauss(0.15);
    this.timingDeg = this.profile.engine.kind === 'compression' ? 0 : 10 + rpm / 250 - this.loadPct / 8;
  }

  private thermalStep(dt: number): void {
    const p = this.profile;
    const e = this.effects;
    const amb = this.ambientC;
    if (this.engineOn) {
      // Warm-up toward the thermostat's regulating temperature, faster under load; a stuck-open
      // thermostat keeps the radiator in circuit, so the engine settles lower, more so at speed.
      // Too little coolant to carry the heat away: the engine runs hotter, more so under load.
      const overheat =
        e.coolantLoss > 0.8 ? ((e.coolantLoss - 0.8) / 0.2) * 45 * (0.4 + this.loadPct / 100) : 0;
      const eq = p.engine.thermostatC - e.thermostatOpen * (20 + 0.15 * this.speedKmh) + overheat;
      const tau = 300 / (1 + (2 * this.loadPct) / 100);
      this.coolantC += ((eq - this.coolantC) * dt) / tau;
      this.oilC += ((this.coolantC + 5 - this.oilC) * dt) / (tau * 1.5);
    } else if (p.engine.kind === 'none' && this.running) {
      this.coolantC += ((30 - this.coolantC) * dt) / 600;
      this.oilC = this.coolantC;
    } else {
      this.coolantC += ((amb - this.coolantC) * dt) / 2400;
      this.oilC += ((amb - this.oilC) * dt) / 3000;
    }
    this.maxCoolantThisCycleC = Math.max(this.maxCoolantThisCycleC, this.coolantC);
    const soak = this.engineOn ? (this.speedKmh < 10 ? 12 : 4) : 0;
    this.iatC += ((amb + soak - this.iatC) * dt) / 60;
  }

  private fuelStep(dt: number): void {
    const p = this.profile;
    const e = this.effects;
    const banks = p.engine.banks;
    const cyl = p.engine.cylinders;
    if (!this.engineOn) {
      this.fuelStatus = 0;
      for (let b = 0; b < banks; b++) {
        this.stft[b] = 0;
        this.lambda[b] = 1;
        this.o2Up[b] += (0.05 - this.o2Up[b]) * Math.min(1, dt / 5);
        this.o2UpLag[b] = this.o2Up[b];
        this.o2Down[b] += (0.05 - this.o2Down[b]) * Math.min(1, dt / 5);
      }
      return;
    }
    // Burnt fuel: fuel rate from the air the engine uses.
    this.fuelPct = Math.max(0, this.fuelPct - ((this.airGs / STOICH / 745) * dt * 100) / p.tankL);
    if (p.engine.kind === 'compression') {
      this.fuelStatus = 0;
      return;
    }
    // Open loop until the sensors are warm, under heavy load, or when the ECU distrusts its coolant reading.
    // The O2 sensor is usable once its heater has warmed it; a weak or open heater leaves it to the
    // exhaust, which takes minutes.
    const heater = e.o2Heater.upstream;
    const o2Ready = this.runTimeS > 25 + (heater >= 0.6 ? 180 : 120 * heater);
    if (e.ectOpen) this.fuelStatus = FUEL_OL_FAULT;
    else if (!o2Ready || this.coolantSensorC < 35) this.fuelStatus = FUEL_OL_COLD;
    else if (this.loadPct > 85) this.fuelStatus = FUEL_OL_LOAD;
    else this.fuelStatus = FUEL_CL;
    this.commandedLambda =
      this.fuelStatus === FUEL_OL_LOAD ? 0.88 : this.fuelStatus === FUEL_OL_COLD ? 0.95 : 1;

    const idleCell = this.speedKmh < 4 && this.phase.phase !== 'hold';
    this.ltftCell = idleCell ? 0 : this.loadPct < 60 ? 1 : 2;
    const leakFrac = this.mafGs > 0 ? this.airGs / this.mafGs : 1;
    const flow = Math.max(1, this.airGs);
    // The injectors meter for the regulated pressure: fuel flows as the square root of what the rail has.
    const rail = Math.sqrt(this.railBar / FUEL_RAIL.regulatedBar);
    // Fuel the ECU does not meter: a dribbling injector (as the root of the rail pressure) and
    // canister vapour through a purge valve stuck open (drawn by manifold vacuum), as a share of
    // each cylinder's metered fuel.
    const cylFuelGs = Math.max(0.01, this.airGs / STOICH / cyl);
    const idleCylFuelGs = ((p.engine.idleRpm / 120) * p.engine.displacementL * RHO_AIR * 0.27) / STOICH / cyl;
    const vacuum = Math.max(0, 1 - this.mapKpa / this.baroKpa);
    const vapour = (0.06 * e.purgeStuck * vacuum) / cyl / cylFuelGs;
    // Outside air drawn in by exhaust pulses through a leak, as a share of the exhaust (more at low flow).
    const airIn = 0.2 * e.exhaustLeakUp * Math.min(1, 3 / flow);
    const pulses = 0.25 * e.exhaustLeakDown * Math.min(1, 10 / flow);
    // Loop delay from injection to the sensor: engine cycles plus gas transport, shorter at high flow.
    const delaySteps = Math.max(1, Math.min(10, Math.round((0.15 + 1.2 / flow) / dt)));
    for (let b = 0; b < banks; b++) {
      const cyls = Array.from({ length: cyl / banks }, (_, i) => b + i * banks);
      const inj =
        cyls.reduce(
          (s, c) => s + e.injectorFlow[c] * rail + (e.injectorLeak[c] * idleCylFuelGs * rail) / cylFuelGs,
          0,
        ) /
          cyls.length +
        vapour;
      const mis = cyls.reduce((s, c) => s + this.misfireRate(c), 0) / cyls.length;
      const trim =
        this.fuelStatus === FUEL_CL || this.fuelStatus === FUEL_OL_LOAD
          ? this.stft[b] + this.ltftCells[b][this.ltftCell]
          : this.ltftCells[b][this.ltftCell];
      const fuelRatio = (inj * (1 + trim)) / this.commandedLambda;
      this.lambda[b] = leakFrac / Math.max(0.3, fuelRatio);
      // Unburnt charge from misfiring cylinders carries oxygen past the sensor.
      const seen = this.lambda[b] + mis * 0.35 + airIn + this.rng.gauss(0.002);
      const hist = this.lambdaHistory[b];
      hist.push(seen);
      hist.shift();
      const delayed = hist[hist.length - delaySteps];
      const raw = O2_MID_V - O2_HALF_SWING_V * Math.tanh((delayed - 1) * 80);
      const lag = 0.05 + (b === 0 ? e.o2ExtraLagS : 0);
      this.o2UpLag[b] += (raw - this.o2UpLag[b]) * Math.min(1, dt / lag);
      this.o2Up[b] = Math.max(0, Math.min(1.1, this.o2UpLag[b] + this.rng.gauss(0.005)));

      // Catalyst oxygen storage: a healthy one absorbs the switching, a dead one lets it through.
      const capacityG = 0.6 * e.catCapacity * Math.sqrt(p.engine.displacementL / 1.2);
      const o2Flux = (this.lambda[b] - 1 + mis * 0.35) * (this.airGs / banks) * 0.23;
      this.catStore[b] = Math.max(0, Math.min(1, this.catStore[b] + (o2Flux * dt) / capacityG));
      this.catStore[b] += (0.5 - this.catStore[b]) * dt * 0.05; // the rear-sensor trim re-centres storage
      const cs = this.catStore[b];
      const stored = cs > 0.92 ? 0.1 : cs < 0.08 ? 0.8 : 0.62 - (cs - 0.5) * 0.3;
      // Below 30 % of its storage the converter no longer damps the front oscillation.
      const through = Math.max(0, Math.min(1, (0.3 - e.catCapacity) / 0.2));
      let down = (1 - through) * stored + through * raw;
      // A leak between the converter and the rear sensor: gulps of outside air read lean.
      if (pulses > 0 && this.rng.next() < pulses) down = 0.1;
      // A contaminated rear sensor is lazy and biased lean, stuck low when severe.
      const d = b === 0 ? e.o2DownDamage : 0;
      down = (1 - d) * down + d * 0.06;
      this.o2Down[b] += (down - this.o2Down[b]) * Math.min(1, dt / (0.15 * (1 + 10 * d)));

      if (this.fuelStatus === FUEL_CL) {
        // PI limit cycle on a narrow-band sensor: jump on each switch, then ramp.
        const rich = this.o2Up[b] > 0.45;
        const wasRich = (this.stftDir[b] ?? 0) < 0;
        if (rich !== wasRich) this.stft[b] += rich ? -0.004 : 0.004;
        this.stft[b] += (rich ? -0.04 : 0.04) * dt;
        this.stftDir[b] = rich ? -1 : 1;
        this.stft[b] = Math.max(-0.25, Math.min(0.25, this.stft[b]));
        // Long-term trim learns the mean short-term correction, cell by cell.
        const cell = this.ltftCells[b];
        cell[this.ltftCell] = Math.max(-0.25, Math.min(0.25, cell[this.ltftCell] + (this.stft[b] * dt) / 12));
      } else {
        this.stft[b] = 0;
      }
    }
  }
  private stftDir: number[] = [];

  private exhaustStep(dt: number): void {
    const p = this.profile;
    const e = this.effects;
    const regenerating = this.dpfRegen.status === 'running';
    let gasTarget = this.engineOn ? exhaustGasTempC(this.loadPct, this.rpm) : this.ambientC;
    // Post-injection burnt in the oxidation catalyst heats the filter to the regeneration's set point.
    if ((regenerating || this.dpfActive.running) && this.engineOn)
      gasTarget = Math.max(gasTarget, FORCED_REGEN.targetC);
    this.exhaustTempC += ((gasTarget - this.exhaustTempC) * dt) / 30;
    if (!p.engine.dpf) return;
    // Soot builds with load and burns with the exhaust's heat (NO₂ from about 350 °C on a fast road,
    // oxygen above about 550 °C: a regeneration). A dribbling injector and exhaust gas recirculated
    // beyond the command make more of it.
    if (this.engineOn) {
      const leak = e.injectorLeak.reduce((a, b) => a + b, 0);
      const extraEgr = Math.max(0, this.egrFlowPct - this.egrCmdPct) / 30;
      this.dpfSootG += (0.0015 + this.loadPct * 0.00004) * (1 + 8 * leak + 2 * extraEgr) * dt;
      this.dpfSootG -= sootBurnGs(this.dpfSootG, this.exhaustTempC, e.dpfBlock) * dt;
      this.dpfSootG = Math.max(2, this.dpfSootG);
    }
    this.estimateSoot(dt);
    if (regenerating) this.superviseRegen();
    this.activeRegenStep(dt);
    this.dpfDeltaKpa = this.engineOn
      ? dpfDeltaKpa(this.airGs * 1.03, this.dpfSootG, e.dpfBlock, this.exhaustTempC)
      : 0;
  }

  /**
   * The engine ECU's estimate of the soot in its filter, g: its soot model, corrected by the pressure
   * drop its sensor reports — so that ash no regeneration burns, and a sensor's offset, read as soot
   * (as on a real car).
   */
  get dpfSootEstimateG(): number {
    return this.sootEstimateG;
  }

  /**
   * The ECU's soot model runs on what it knows — the soot an engine of this kind makes at its load,
   * less what burns at the exhaust temperature it measures (it cannot know of a dripping injector) —
   * and, whenever the flow makes the pressure drop readable (warm, above 12 g/s), is pulled toward
   * the soot the drop says with a two-minute time constant — during a regeneration too, so that ash
   * (or an offset) keeps a regeneration from ever reading clean: it then ends on its time limit.
   */
  private estimateSoot(dt: number): void {
    if (!this.engineOn) return;
    const model = this.sootEstimateG;
    this.sootEstimateG = Math.max(
      0,
      model + (0.0015 + this.loadPct * 0.00004) * dt - sootBurnGs(model, this.exhaustTempC, 0) * dt,
    );
    if (this.airGs > 12 && this.coolantC > 60) {
      const fromPressure = sootFromPressure(this.dpfSensorKpa, this.airGs * 1.03, this.exhaustTempC);
      this.sootEstimateG += (fromPressure - this.sootEstimateG) * Math.min(1, dt / 120);
    }
  }

  /** The ECU asking for, starting, watching and ending its own regeneration while driving (`ACTIVE_REGEN`). */
  private activeRegenStep(dt: number): void {
    const a = this.dpfActive;
    const est = this.sootEstimateG;
    if (!a.running) {
      if (est >= ACTIVE_REGEN.requestSootG) a.requested = true;
      const allowed =
        a.requested &&
        this.engineOn &&
        this.dpfRegen.status !== 'running' &&
        this.speedKmh >= ACTIVE_REGEN.minSpeedKmh &&
        this.coolantC >= ACTIVE_REGEN.minCoolantC &&
        this.exhaustTempC >= ACTIVE_REGEN.minExhaustC;
      a.heldS = allowed ? a.heldS + dt : 0;
      if (a.heldS >= ACTIVE_REGEN.holdS) {
        a.running = true;
        a.stoppedS = 0;
        a.startedS = this.t;
        a.sootAtStartG = est;
        a.endedS = undefined;
        a.ended = undefined;
      }
      return;
    }
    a.stoppedS = this.speedKmh < 3 ? a.stoppedS + dt : 0;
    if (!this.engineOn || a.stoppedS >= ACTIVE_REGEN.stopS) this.endActiveRegen('interrupted');
    else if (est <= ACTIVE_REGEN.doneSootG) this.endActiveRegen('done');
    else if (this.t - (a.startedS ?? this.t) >= ACTIVE_REGEN.maxS) this.endActiveRegen('time_limit');
  }

  private endActiveRegen(how: 'done' | 'interrupted' | 'time_limit'): void {
    const a = this.dpfActive;
    a.running = false;
    a.heldS = 0;
    a.endedS = this.t;
    a.ended = how;
    if (how === 'done') {
      a.requested = false;
      a.completed++;
    } else a.interrupted++;
  }

  /** Starts a forced DPF regeneration, or says why the ECU refuses (then recorded as aborted). */
  startForcedRegen(): RegenReason | undefined {
    const sootAtStartG = this.dpfSootEstimateG;
    const refused = regenRefusal({
      engineOn: this.engineOn,
      speedKmh: this.speedKmh,
      coolantC: this.coolantC,
      sootEstimateG: sootAtStartG,
    });
    this.dpfRegen = refused
      ? { status: 'aborted', reason: refused, startedS: this.t, endedS: this.t, sootAtStartG }
      : { status: 'running', startedS: this.t, sootAtStartG };
    return refused;
  }

  /** Ends a running forced regeneration on the tester's request. */
  stopForcedRegen(): void {
    this.endRegen('stopped_by_tester');
  }

  private endRegen(reason?: RegenReason): void {
    const r = this.dpfRegen;
    if (r.status !== 'running') return;
    this.dpfRegen = reason
      ? { status: 'aborted', reason, startedS: r.startedS, endedS: this.t, sootAtStartG: r.sootAtStartG }
      : { status: 'done', startedS: r.startedS, endedS: this.t, sootAtStartG: r.sootAtStartG };
  }

  /** The ECU watching its regeneration: it stops when the conditions go, when clean, or on its time limit. */
  private superviseRegen(): void {
    const r = this.dpfRegen;
    if (r.status !== 'running') return;
    if (!this.engineOn) this.endRegen('engine_off');
    else if (this.speedKmh > 3) this.endRegen('vehicle_moving');
    else if (this.dpfSootEstimateG <= FORCED_REGEN.doneSootG) this.endRegen();
    else if (this.t - r.startedS >= FORCED_REGEN.maxS) this.endRegen('time_limit');
  }

  /** What the DPF differential pressure sensor reports, kPa: the pressure drop plus its offset. */
  get dpfSensorKpa(): number {
    return this.dpfDeltaKpa + this.effects.dpOffsetKpa;
  }

  private electricalStep(dt: number): void {
    const p = this.profile;
    const e = this.effects;
    const health = e.batteryHealth;
    const ah = battery12(p).ah;
    const ocv = batteryOcv(this.battery12Soc, health);
    const rInt = batteryRint(p, health);
    if (this.crankingS > 0 && p.engine.kind !== 'none' && !p.traction) {
      const v = ocv - this.crankingA() * rInt;
      this.crankMinV = this.crankingS <= STEP_S * 1.5 ? v : Math.min(this.crankMinV ?? v, v);
      this.batteryV = v + this.rng.gauss(0.03);
      return;
    }
    const source = this.running
      ? chargingSourceA(p, e, this.engineOn ? this.rpm : 0, RUNNING_LOAD_A)
      : undefined;
    if (source !== undefined) {
      const point = chargingPoint({
        availableA: source,
        loadA: RUNNING_LOAD_A,
        soc: this.battery12Soc,
        ocv,
        wireOhm: CHARGING_WIRE_OHM + e.chargingWireOhm,
      });
      this.battery12Soc = Math.max(
        0.05,
        Math.min(1, this.battery12Soc + (point.batteryA * dt) / (3600 * ah * health)),
      );
      this.batteryV = point.batteryV;
    } else if (this.phase.chargerA !== undefined && !this.keyOn && !this.chargeDone()) {
      // A workshop charger on the terminals: the battery takes what its state of charge accepts.
      const c = this.charger!;
      const point = chargerPoint({ amps: this.phase.chargerA, soc: this.battery12Soc, ocv, health });
      const intoBattery = point.batteryA - 0.03;
      this.battery12Soc = Math.min(1, this.battery12Soc + (intoBattery * dt) / (3600 * ah * health));
      this.batteryV = point.batteryV;
      c.ah += (point.batteryA * dt) / 3600;
      c.amps = point.batteryA;
      c.minutes = (this.t - c.sinceS) / 60;
      if (point.batteryA < WORKSHOP_CHARGER.doneA) c.done = true;
    } else {
      const drawA = this.keyOn ? 6 : 0.03;
      this.battery12Soc = Math.max(0.05, this.battery12Soc - (drawA * dt) / (3600 * ah * health));
      this.batteryV = ocv - drawA * rInt;
    }
    this.batteryV += this.rng.gauss(0.01);
    this.updateTraction(dt);
  }

  /** Whether the charger of this phase has ended (starts a new charge's record when the phase is new). */
  private chargeDone(): boolean {
    if (this.charger?.sinceS !== this.phaseSinceS)
      this.charger = { sinceS: this.phaseSinceS, ah: 0, amps: 0, done: false, minutes: 0 };
    return this.charger.done;
  }

  /** Starter current now, A: a worn starter draws more; a solenoid that does not engage, almost none. */
  crankingA(): number {
    return crankingA(this.profile, this.effects);
  }

  /** Cranking speed, rpm: 180 on a healthy battery, slower as the voltage sags; 0 when the starter does not turn. */
  crankingRpm(): number {
    if (this.effects.starterWear >= 0.7) return 0;
    const v = crankingVoltage(this.profile, this.effects, this.battery12Soc);
    return Math.max(0, 180 * Math.min(1, (v - 4) / 6.5) * (1 - 0.4 * this.effects.starterWear));
  }

  private updateTraction(dt: number): void {
    const tr = this.profile.traction;
    if (!tr) return;
    const iso = this.effects.isolationKohm;
    this.isolationKohm = iso ?? 5000;
    let kw = 0;
    if (this.running && !this.hvFault) {
      const v = this.speedKmh;
      kw = 0.5 + v * (0.12 + 0.0000055 * v * v) + Math.max(0, this.accelKmhS) * v * 0.02;
      if (this.accelKmhS < -1) kw -= Math.min(kw + 15, -this.accelKmhS * v * 0.02);
      // With the engine on, it drives the wheels and the generator charges the pack.
      if (this.engineOn) kw = this.socPct < 60 ? -4 : 0.5;
    }
    const pack = this.pack!;
    pack.weaken(this.effects.weakCells);
    pack.ageing = this.effects.packAgeing;
    pack.unbalance(this.effects.moduleSocDeficit);
    pack.step(dt, kw * 1000, this.ambientC, this.running && !this.hvFault);
    this.socPct = Math.max(1, Math.min(99, pack.socPct));
    this.hvA = pack.current;
    this.hvV = this.hvFault ? 0 : pack.packV;
  }

  private countersStep(dt: number): void {
    if (this.running) this.runTimeS += dt;
    const km = (this.speedKmh * dt) / 3600;
    this.distanceSinceClearKm += km;
    if (this.keyOn) this.timeSinceClearMin += dt / 60;
    if (this.milOn) {
      this.distanceMilKm += km;
      if (this.running) this.timeMilMin += dt / 60;
    }
  }

  /** Mode 04 / UDS 0x14 on the engine ECU: counters since clear restart. */
  resetSinceClear(): void {
    this.distanceSinceClearKm = 0;
    this.timeSinceClearMin = 0;
    this.warmUpsSinceClear = 0;
    this.distanceMilKm = 0;
    this.timeMilMin = 0;
    for (const cells of this.ltftCells) cells.fill(0);
    // Mode 04 also resets the misfire counters: a repair verified after clearing starts from zero.
    this.misfiresThisWindow.fill(0);
    this.revsThisWindow = 0;
  }
}

/** The EGR valve position the ECU's command leads to, given a stuck valve or a failing circuit. */
export function egrValveTarget(e: FaultEffects, commandPct: number): number {
  const stuck = e.egrStuck;
  if (stuck)
    // Stuck closed: carbon lets it open only part of the way, (1 − severity)² of the command (none
    // at all at severity 1); stuck open:
    // it stays open by an amount that grows with severity.
    return stuck.position === 'closed' ? commandPct * (1 - stuck.severity) ** 2 : 15 + 30 * stuck.severity;
  if (e.egrCircuit >= 0.7) return 0; // no current: the spring holds it shut
  return commandPct * (1 - 0.5 * e.egrCircuit);
}

/** Volumetric efficiency against engine speed (a broad torque peak mid-range). */
export function volumetricEfficiency(rpm: number): number {
  return 0.82 + 0.08 * Math.sin(Math.min(1, rpm / 6000) * Math.PI);
}

/** The throttle a stationary engine needs: idle (the idle controller), or held at `rpm` by the pedal. */
export function stationaryThrottlePct(rpm: number, held: boolean): number {
  return held ? 1.5 + rpm / 420 : 3;
}

/**
 * Air through the engine at one operating point: manifold pressure from the balance of throttle
 * flow and what the cylinders swallow (petrol), or boost from fuel demand (diesel); what the MAF
 * meters of it (a leak enters downstream of it; a contaminated film under-reads at high flow).
 */
export function engineAirflow(
  p: VehicleProfile,
  x: {
    rpm: number;
    throttlePct: number;
    idleControl: boolean;
    egrFlowPct: number;
    vacuumLeakGs: number;
    mafUnderRead: number;
    baroKpa: number;
  },
): {
  mapKpa: number;
  airGs: number;
  mafGs: number;
  loadPct: number;
  absLoadPct: number;
  throttlePct: number;
} {
  const disp = p.engine.displacementL;
  const { rpm, baroKpa } = x;
  let thr = x.throttlePct;
  const swept = (rpm / 120) * disp * RHO_AIR * volumetricEfficiency(rpm); // g/s at manifold pressure = ambient
  if (p.engine.kind === 'compression') {
    // Diesel: unthrottled; the turbo raises manifold pressure with fuel demand, EGR displaces fresh air.
    const demand = Math.min(1, thr / 60);
    const boost = demand * Math.min(1, rpm / 2000) * 110;
    const mapKpa = baroKpa + boost;
    const airGs = swept * (mapKpa / baroKpa) * (1 - x.egrFlowPct / 100);
    const loadPct = Math.min(100, 12 + 88 * demand);
    return {
      mapKpa,
      airGs,
      mafGs: airGs,
      loadPct,
      absLoadPct: loadPct,
      throttlePct: 100 - x.egrFlowPct * 0.6,
    };
  }
  // The idle controller trims the throttle to hold idle air; a leak is compensated by closing it.
  if (x.idleControl) thr = Math.max(0.5, thr - (x.vacuumLeakGs / Math.max(0.5, swept * 0.3)) * 3);
  const area = 1 + thr + 0.05 * thr * thr;
  const pr = area / (area + (11.8 * rpm) / 1000);
  const leakAir = x.vacuumLeakGs * Math.min(1, (1 - pr) / 0.47);
  const freshPr = Math.min(0.98, pr + leakAir / Math.max(1, swept));
  const mapKpa = baroKpa * Math.min(0.99, freshPr * (1 + x.egrFlowPct / 100));
  const airGs = swept * freshPr;
  const metered = Math.max(0, airGs - leakAir);
  const mafGs = metered * (1 - x.mafUnderRead * Math.min(1, metered / 15));
  const peak = (rpm / 120) * disp * RHO_AIR * 0.9;
  return {
    mapKpa,
    airGs,
    mafGs,
    loadPct: Math.min(100, (100 * airGs) / Math.max(1, peak)),
    absLoadPct: Math.min(400, (100 * airGs) / Math.max(1, (rpm / 120) * disp * RHO_AIR)),
    throttlePct: thr,
  };
}

/**
 * What the 12 V charging source can give now, A: the alternator at this engine speed (minus its
 * fault and what a slipping belt loses, more so the harder it is loaded), or the DC-DC converter of
 * a hybrid or EV that is READY; undefined when nothing charges (engine stopped, not READY).
 */
export function chargingSourceA(
  p: VehicleProfile,
  e: FaultEffects,
  engineRpm: number,
  loadA: number,
): number | undefined {
  if (p.traction) return DCDC_RATED_A * e.dcdc;
  if (engineRpm <= 0) return undefined;
  const capacity = alternatorCapacityA(p, engineRpm) * e.alternator;
  const slip = Math.min(0.9, e.beltSlip * (0.2 + loadA / 80));
  return capacity * (1 - slip);
}

/** Exhaust gas temperature an engine settles at for a load and speed, °C. */
export function exhaustGasTempC(loadPct: number, rpm: number): number {
  return 180 + loadPct * 4 + rpm / 30;
}

/** Pressure drop across a DPF, kPa: exhaust flow through the substrate, its soot and ash, hotter gas being thinner. */
export function dpfDeltaKpa(exhaustGs: number, sootG: number, block: number, exhaustTempC: number): number {
  const restriction = 0.06 + sootG / 250 + 0.9 * block;
  return exhaustGs * restriction * (1 + (exhaustTempC - 20) / 600);
}
