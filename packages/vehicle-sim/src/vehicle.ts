import type { Responder, ResponderAnswer, Target } from '@atelier/obd';
import type { BatteryChargeReport } from './charge.js';
import { DtcMemory } from './dtc-memory.js';
import { type EcuHost, SimEcu } from './ecu.js';
import { type FaultRef, faultNamedBy } from './fault-ref.js';
import { FAULTS, type FaultSpec } from './faults.js';
import { type CatalogueEntry, instrumentsFor, type Measurement, type MeasureRequest } from './instruments.js';
import { measure } from './measure.js';
import { type ModelOptions, VehicleModel } from './model.js';
import { Monitors } from './monitors.js';
import { type Operation, OperationError, phaseForOperation } from './operate.js';
import { Prng } from './prng.js';
import { type EcuRole, ecuAddresses, FUNCTIONAL_11, FUNCTIONAL_29, type VehicleProfile } from './profiles.js';
import type { Scenario } from './scenario.js';

export interface VehicleOptions extends Partial<ModelOptions> {
  /** 29-bit identifiers (ISO 15765-4 CAN 29 bit); 11-bit by default. */
  extended?: boolean;
  vin?: string;
  /**
   * Serving-clock time (ms) at which the workshop session starts, i.e. when simulated time equals
   * `sessionStartS`. Defaults to the time of the first request.
   */
  startMs?: number;
  /** Simulated time (s) the session starts at; the drive history before it is simulated up front. */
  sessionStartS?: number;
}

/** Per-role ECU processing time, ms: fixed so that recordings are deterministic. */
const PROCESSING_MS: Record<EcuRole, number> = { engine: 4, transmission: 7, battery: 9, abs: 11, body: 13 };

/**
 * A simulated vehicle: its physics (VehicleModel), the ECUs' monitors and fault memories, and the ECUs
 * answering diagnostic requests. It is a Responder, so the ELM327 emulator and the ISO-TP server
 * serve it like any other.
 */
export class Vehicle implements Responder, EcuHost {
  readonly model: VehicleModel;
  readonly monitors: Monitors;
  readonly ecuList: SimEcu[];
  readonly vin: string;
  readonly extended: boolean;
  readonly sessionStartS: number;
  private startMs?: number;
  /** Simulated seconds skipped ahead of the serving clock (`fastForward`). */
  private skippedS = 0;
  /** The instruments' noise: a stream of its own, so that measuring never changes what the ECUs report. */
  private readonly instrumentNoise: Prng;

  constructor(
    readonly profile: VehicleProfile,
    options: VehicleOptions = {},
  ) {
    this.extended = options.extended ?? false;
    this.vin = options.vin ?? profile.vin;
    const model = new VehicleModel(profile, {
      seed: options.seed ?? 1,
      ambientC: options.ambientC ?? 15,
      faults: options.faults ?? [],
      drive: options.drive ?? [{ phase: 'idle' }],
      odometerKm: options.odometerKm ?? 84_250,
      fuelPct: options.fuelPct ?? 55,
      socPct: options.socPct ?? (profile.engine.kind === 'none' ? 72 : 60),
    });
    this.model = model;
    this.instrumentNoise = new Prng(((options.seed ?? 1) ^ 0x6a09e667) >>> 0);
    const memories = new Map<EcuRole, DtcMemory>();
    for (const e of profile.ecus) memories.set(e.role, new DtcMemory(supportedCodes(profile, e.role)));
    this.ecuList = profile.ecus.map((spec) => {
      const a = ecuAddresses(spec.role, this.extended);
      return new SimEcu(spec, a.request, a.response, memories.get(spec.role)!, this);
    });
    this.monitors = new Monitors(model, {
      memory: (role) => memories.get(role),
      snapshot: (role) => this.ecu(role)?.snapshot() ?? new Map(),
    });
    model.listeners.push(this.monitors, {
      step: (m) => {
        m.milOn = this.ecuList.some((e) => e.memory.mil);
      },
    });
    this.sessionStartS = options.sessionStartS ?? model.schedule.sessionStart;
    if (!Number.isFinite(this.sessionStartS)) this.sessionStartS = 0;
    // At least one step, so that a vehicle whose session starts at 0 has already turned its key.
    this.sessionStartS = Math.max(this.sessionStartS, 0.1);
    model.advanceTo(this.sessionStartS);
    this.startMs = options.startMs;
  }

  static fromScenario(s: Scenario, options: Pick<VehicleOptions, 'startMs'> = {}): Vehicle {
    return new Vehicle(s.profile, {
      extended: s.protocol === 'can29',
      vin: s.vin,
      seed: s.seed,
      ambientC: s.ambientC,
      faults: s.faults,
      drive: s.drive,
      odometerKm: s.odometerKm,
      fuelPct: s.fuelPct,
      socPct: s.socPct,
      sessionStartS: s.sessionStart,
      startMs: options.startMs,
    });
  }

  ecu(role: EcuRole): SimEcu | undefined {
    return this.ecuList.find((e) => e.role === role);
  }

  /** Simulated seconds at serving-clock time `nowMs`. */
  simTime(nowMs: number): number {
    if (this.startMs === undefined) this.startMs = nowMs;
    return this.sessionStartS + this.skippedS + Math.max(0, nowMs - this.startMs) / 1000;
  }

  /**
   * Lets `seconds` of simulated time pass at once at serving-clock time `nowMs`: a road test run on
   * a car served in real time (a class connected through the ELM327 emulator) takes a moment
   * instead of twenty minutes. The physics run every step as usual, so the car is the same as if
   * the time had passed; the serving clock simply reads later simulated times from now on.
   */
  fastForward(nowMs: number, seconds: number): void {
    if (!(seconds >= 0) || !Number.isFinite(seconds))
      throw new RangeError(`fast-forward takes a finite number of seconds ≥ 0, not ${seconds}`);
    this.advance(nowMs);
    this.skippedS += seconds;
    this.advance(nowMs);
  }

  /** Brings the physics up to serving-clock time `nowMs`. */
  advance(nowMs: number): void {
    this.model.advanceTo(this.simTime(nowMs));
  }

  /**
   * The technician acts on the car at serving-clock time `nowMs`: the physics are brought up to that
   * time, then what the driver does from there on is replaced by the operation. Throws an
   * OperationError, leaving the car as it was, when the car cannot do it or `nowMs` is before the
   * car's present.
   */
  operate(nowMs: number, op: Operation): void {
    const t = this.simTime(nowMs);
    // Compared in whole milliseconds, as the model rounds the times it advances to.
    if (Math.round(t * 1000) < Math.round(this.model.t * 1000))
      throw new OperationError(
        'in-the-past',
        op,
        `cannot ${op.action} at ${t.toFixed(3)} s: the car is already at ${this.model.t.toFixed(3)} s`,
      );
    this.model.advanceTo(t);
    this.model.replaceDriveFromNow(phaseForOperation(this.model, t, op));
  }

  /** Faults still in the car. */
  get faults(): readonly FaultSpec[] {
    return this.model.options.faults;
  }

  /**
   * A repair: the faults these references name (a type, or a type at one part: `hv_isolation:inverter`)
   * are taken out of the car from now on, so the next answers and
   * the road test show whether it was the right one. What the ECUs stored stays stored until cleared,
   * as on a real car. Returns the faults removed (none when the repair was of the wrong part).
   */
  repair(faults_: readonly FaultRef[]): FaultSpec[] {
    // The model reads its fault list at every step: removing from it is the repair.
    const faults = this.model.options.faults;
    const removed: FaultSpec[] = [];
    for (let i = faults.length - 1; i >= 0; i--)
      if (faultNamedBy(faults_, faults[i])) removed.unshift(...faults.splice(i, 1));
    return removed;
  }

  /**
   * The road test after a repair, from serving-clock time `nowMs`: `minutes` of driving (town by
   * default) then idle, so that the monitors can run again before the verification read. With
   * `fastForward`, the drive and `idleMinutes` of idle after it pass at once (a car served in real
   * time to a class); otherwise they pass with the serving clock (virtual time in tests). Throws an
   * OperationError, leaving the car as it was, when it cannot be driven (engine stopped, a recording).
   */
  roadTest(
    nowMs: number,
    options: { minutes: number; road?: 'urban' | 'motorway'; fastForward?: boolean; idleMinutes?: number },
  ): void {
    this.operate(nowMs, {
      action: 'road_test',
      minutes: options.minutes,
      ...(options.road ? { road: options.road } : {}),
    });
    if (options.fastForward) this.fastForward(nowMs, (options.minutes + (options.idleMinutes ?? 0)) * 60);
  }

  /**
   * A workshop charger on the 12 V battery from serving-clock time `nowMs`, key out, for up to
   * `minutes` (it stops by itself once the battery takes less than `WORKSHOP_CHARGER.doneA`). With
   * `fastForward` that time passes at once (a car served in real time); otherwise with the serving
   * clock. Throws an OperationError, leaving the car as it was, when the engine runs. What the
   * charger did is `batteryCharge()`.
   */
  chargeBattery(nowMs: number, options: { minutes: number; amps?: number; fastForward?: boolean }): void {
    this.operate(nowMs, {
      action: 'charge_battery',
      minutes: options.minutes,
      ...(options.amps !== undefined ? { amps: options.amps } : {}),
    });
    if (options.fastForward) this.fastForward(nowMs, options.minutes * 60);
  }

  /**
   * The charger's display at serving-clock time `nowMs` for the last charge: charge given (Ah),
   * current now (A), minutes, whether it has ended, and the battery's voltage; undefined before any.
   */
  batteryCharge(nowMs: number): BatteryChargeReport | undefined {
    this.advance(nowMs);
    const c = this.model.charger;
    return c && { ah: c.ah, amps: c.amps, minutes: c.minutes, done: c.done, batteryV: this.model.batteryV };
  }

  /**
   * A workshop instrument applied to a component at serving-clock time `nowMs`: the value the car's
   * physical state gives under the stated conditions, with the instrument's noise. The car is not
   * operated by it (its schedule and signals are unchanged); time does not pass. Throws a
   * MeasurementError saying why when the car cannot be measured so.
   */
  measure(nowMs: number, request: MeasureRequest): Measurement {
    this.advance(nowMs);
    return measure(
      {
        model: this.model,
        faults: this.model.options.faults,
        seed: this.model.options.seed,
        noise: this.instrumentNoise,
      },
      request,
    );
  }

  /** What this car can be measured for: instrument × component × quantity, with units and conditions. */
  instruments(): CatalogueEntry[] {
    return instrumentsFor(this.profile);
  }

  cleared(role: EcuRole): void {
    if (role !== 'engine') return;
    this.monitors.clear();
    this.model.resetSinceClear();
  }

  ecus(): { request: number; response: number; extended: boolean; name?: string }[] {
    return this.ecuList.map((e) => ({
      request: e.request,
      response: e.response,
      extended: this.extended,
      name: e.role,
    }));
  }

  respond(req: { target: Target; data: Uint8Array; extended: boolean; nowMs: number }): ResponderAnswer[] {
    if (req.extended !== this.extended) return [];
    this.advance(req.nowMs);
    const m = this.model;
    // Asleep with the key out; an ECU that lost its bus connection answers nothing.
    if (!m.keyOn) return [];
    const functional = req.target.kind === 'functional';
    const out: ResponderAnswer[] = [];
    for (const ecu of this.ecuList) {
      if (m.effects.lostEcus.has(ecu.role)) continue;
      if (!functional && req.target.kind === 'physical' && req.target.address !== ecu.request) continue;
      const data = ecu.handle(req.data, functional, req.nowMs);
      if (data) out.push({ ecu: ecu.response, data, delayMs: PROCESSING_MS[ecu.role] });
    }
    return out;
  }

  /** The functional request address for this vehicle's protocol. */
  get functionalAddress(): number {
    return this.extended ? FUNCTIONAL_29 : FUNCTIONAL_11;
  }
}

/** Every DTC an ECU of this profile can set, for UDS 0x19 0x0A. */
function supportedCodes(
  p: VehicleProfile,
  role: EcuRole,
): { code: string; emission: boolean; ftb?: number }[] {
  const e = p.engine;
  const out: { code: string; emission: boolean; ftb?: number }[] = [];
  const add = (code: string, emission = true, ftb?: number) => out.push({ code, emission, ftb });
  const roles = p.ecus.map((x) => x.role);
  if (role === 'engine' && e.kind !== 'none') {
    for (let c = 1; c <= e.cylinders; c++) add(`P030${c}`);
    add('P0300');
    for (const c of ['P0118', 'P0119', 'P0125', 'P0128', 'P0217', 'P0513', 'P0562']) add(c);
    if (!p.traction) add('P0620');
    if (e.kind === 'spark') {
      add('P0101');
      add('P0171');
      add('P0172');
      if (e.banks === 2) for (const c of ['P0174', 'P0175', 'P0430', 'P0153']) add(c);
      add('P0420');
      for (const c of ['P0133', 'P0135', 'P0137', 'P0141']) add(c);
      if (e.evap) for (const c of ['P0442', 'P0455', 'P0456', 'P0496']) add(c);
    }
    if (e.egr) for (const c of ['P0401', 'P0403', 'P0404']) add(c);
    if (e.dpf) for (const c of ['P2002', 'P2453', 'P2463']) add(c);
  }
  if (role === 'engine' && e.kind === 'none') for (const c of ['P0513', 'P0562']) add(c);
  if (role === 'engine' && p.traction) add('P0A94');
  if (role === 'engine') {
    if (roles.includes('transmission')) add('U0101');
    if (roles.includes('battery')) add('U0111');
    if (roles.includes('abs')) add('U0121', false);
    if (roles.includes('body')) add('U0140', false);
  }
  if (role === 'transmission') add('U0100');
  if (role === 'battery') add('P0AA6');
  if (role === 'battery' && p.traction && p.traction.chemistry !== 'NiMH') add('P0A7F');
  if (role === 'abs') for (const c of ['C0035', 'C0040', 'C0045', 'C0050']) add(c, false, 0x31);
  void FAULTS;
  return out;
}
