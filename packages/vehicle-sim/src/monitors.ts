import { sootFromPressure } from './dpf.js';
import type { DtcMemory, FailOptions } from './dtc-memory.js';
import { FUEL_CL, type ModelListener, type VehicleModel } from './model.js';
import type { EcuRole } from './profiles.js';

/** J1979 readiness monitors. Continuous ones are always complete; the others complete when they run. */
export type MonitorName =
  | 'misfire'
  | 'fuel'
  | 'components'
  | 'catalyst'
  | 'evap'
  | 'o2'
  | 'o2heater'
  | 'egr'
  | 'nmhc'
  | 'boost'
  | 'exhaust'
  | 'pm';

/** The key @atelier/obd's readiness (PID 01/41) gives each monitor; its encoder places the bits. */
export const OBD_MONITOR_KEY: Record<MonitorName, string> = {
  misfire: 'misfire',
  fuel: 'fuelSystem',
  components: 'components',
  catalyst: 'catalyst',
  evap: 'evapSystem',
  o2: 'oxygenSensor',
  o2heater: 'oxygenSensorHeater',
  egr: 'egrVvt',
  nmhc: 'nmhcCatalyst',
  boost: 'boostPressure',
  exhaust: 'exhaustGasSensor',
  pm: 'pmFilter',
};

const LOST_CODE: Record<EcuRole, { code: string; by: EcuRole; emission: boolean }> = {
  engine: { code: 'U0100', by: 'transmission', emission: true },
  transmission: { code: 'U0101', by: 'engine', emission: true },
  battery: { code: 'U0111', by: 'engine', emission: true },
  abs: { code: 'U0121', by: 'engine', emission: false },
  body: { code: 'U0140', by: 'engine', emission: false },
};
const WHEEL_CODES = ['C0035', 'C0040', 'C0045', 'C0050'];

export interface MonitorHost {
  memory(role: EcuRole): DtcMemory | undefined;
  snapshot(role: EcuRole): Map<number, Uint8Array>;
}

/**
 * The ECUs' on-board monitors. They watch sensor values (never the injected faults themselves) and
 * report pass or fail to the fault memory of the ECU that owns them; readiness follows.
 */
/** Cell voltage deviation above which the BMS reports pack deterioration (P0A7F), V. */
export const CELL_SPREAD_LIMIT_V = 0.15;

export class Monitors implements ModelListener {
  /** Non-continuous monitors supported by this vehicle. */
  readonly supported: MonitorName[];
  /** Completed since the last clear (readiness, PID 0x01). */
  readonly complete = new Set<MonitorName>();
  /** Completed in this driving cycle (PID 0x41). */
  readonly completeThisCycle = new Set<MonitorName>();
  /**
   * Service 06 test results of the last completed tests, by MID: TID, UASID and raw value/limits
   * (SAE J1979 records). Cleared by mode 04.
   */
  readonly testResults = new Map<
    number,
    { tid: number; uasid: number; value: number; min: number; max: number }[]
  >();
  /** Misfire counts per cylinder: this driving cycle, and the EWMA over the last ten cycles. */
  private misfireThisCycle: number[] = [];
  private misfireEwma: number[] = [];
  private acc: Record<string, number> = {};
  private done = new Set<string>();
  private lastUp: boolean[] = [];
  private lastDown: boolean[] = [];

  constructor(
    private readonly m: VehicleModel,
    private readonly host: MonitorHost,
  ) {
    const e = m.profile.engine;
    if (e.kind === 'spark') {
      this.supported = ['catalyst', 'o2', 'o2heater'];
      if (e.evap) this.supported.push('evap');
      if (e.egr) this.supported.push('egr');
    } else if (e.kind === 'compression') {
      this.supported = ['nmhc', 'boost', 'exhaust', 'pm', 'egr'];
    } else this.supported = [];
  }

  get continuous(): MonitorName[] {
    return this.m.profile.engine.kind === 'none' ? ['components'] : ['misfire', 'fuel', 'components'];
  }

  /** Mode 04: monitors start over. */
  clear(): void {
    this.complete.clear();
    this.completeThisCycle.clear();
    // Clearing restarts every monitor's evaluation (J1979 service 04): what a test already decided
    // this cycle is decided again, so a fault that is still there is found again.
    this.acc = {};
    this.done.clear();
    this.testResults.clear();
    this.misfireThisCycle = [];
    this.misfireEwma = [];
  }

  private record(
    mid: number,
    tests: { tid: number; uasid: number; value: number; min: number; max: number }[],
  ): void {
    const raw = (x: number) => Math.max(0, Math.min(0xffff, Math.round(x)));
    this.testResults.set(
      mid,
      tests.map((t) => ({ ...t, value: raw(t.value), min: raw(t.min), max: raw(t.max) })),
    );
  }

  /** Misfire MIDs 0xA1 (all cylinders) and 0xA2+ (per cylinder): TID 0x0B EWMA over ten cycles, 0x0C this cycle. */
  private recordMisfire(): void {
    const n = this.m.profile.engine.cylinders;
    const counts = Array.from({ length: n }, (_, c) => Math.round(this.misfireThisCycle[c] ?? 0));
    const ewma = counts.map((x, c) =>
      this.misfireEwma[c] === undefined ? x : this.misfireEwma[c] * 0.9 + x * 0.1,
    );
    const tests = (ew: number, cur: number) => [
      { tid: 0x0b, uasid: 0x24, value: ew, min: 0, max: 0xffff },
      { tid: 0x0c, uasid: 0x24, value: cur, min: 0, max: 0xffff },
    ];
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    this.record(0xa1, tests(sum(ewma), sum(counts)));
    for (let c = 0; c < n; c++) this.record(0xa2 + c, tests(ewma[c], counts[c]));
  }

  cycleStart(m: VehicleModel): void {
    // Each driving cycle counts its own misfires: what the last one left in the window does not
    // carry over into the first evaluation of this one.
    m.misfiresThisWindow.fill(0);
    m.revsThisWindow = 0;
    this.acc = {};
    this.done.clear();
    this.completeThisCycle.clear();
  }

  cycleEnd(m: VehicleModel, warmUp: boolean): void {
    if (this.misfireThisCycle.length) {
      const counts = this.misfireThisCycle.map((x) => Math.round(x));
      this.misfireEwma = counts.map((x, c) =>
        this.misfireEwma[c] === undefined ? x : this.misfireEwma[c] * 0.9 + x * 0.1,
      );
      this.misfireThisCycle = [];
    }
    for (const role of m.profile.ecus.map((e) => e.role)) this.host.memory(role)?.endCycle(warmUp);
  }

  private fail(role: EcuRole, code: string, opt: FailOptions): void {
    this.host.memory(role)?.fail(code, this.m.t, () => this.host.snapshot(role), opt);
  }

  private pass(role: EcuRole, code: string): void {
    this.host.memory(role)?.pass(code);
  }

  private finish(name: MonitorName): void {
    this.complete.add(name);
    this.completeThisCycle.add(name);
  }

  /** Adds dt to accumulator `key` while `cond` holds and returns the total. */
  private add(key: string, cond: boolean, dt: number): number {
    if (cond) this.acc[key] = (this.acc[key] ?? 0) + dt;
    return this.acc[key] ?? 0;
  }

  /** Runs `fn` once per driving cycle. */
  private once(key: string, fn: () => void): void {
    if (this.done.has(key)) return;
    this.done.add(key);
    fn();
  }

  step(m: VehicleModel): void {
    const dt = 0.1;
    const e = m.profile.engine;
    const E = m.effects;
    if (m.keyOn) this.networkAndChassis(m, dt);
    if (!m.running) return;
    if (m.engineOn) {
      this.misfire(m, dt);
      if (e.kind === 'spark') {
        this.fuelSystem(m, dt);
        this.catalystAndO2(m, dt);
        if (e.evap) this.evap(m, dt);
      }
      if (e.egr) this.egr(m, dt);
      if (e.kind === 'compression') this.diesel(m, dt);
      this.coolant(m, dt);
      if (this.add('alt-circuit', E.alternatorCircuit, dt) >= 5)
        this.once(`P0620-fail`, () => this.fail('engine', 'P0620', { emission: true }));
      else if (this.add('alt-ok', !E.alternatorCircuit, dt) >= 10)
        this.once(`P0620-pass`, () => this.pass('engine', 'P0620'));
      if (this.add('components', true, dt) >= 30) this.finish('components');
    } else if (m.profile.engine.kind === 'none' && this.add('components', true, dt) >= 30)
      this.finish('components');
    if (m.engineOn || m.profile.traction) this.systemVoltage(m, dt);
    if (m.profile.traction) this.traction(m, dt);
  }

  /** How long `cond` has held without a break, s (0 when it does not hold now). */
  private held(key: string, cond: boolean, dt: number): number {
    this.acc[key] = cond ? (this.acc[key] ?? 0) + dt : 0;
    return this.acc[key];
  }

  private coolant(m: VehicleModel, dt: number): void {
    const e = m.profile.engine;
    const sensed = m.coolantSensorC;
    const open = sensed <= -39.5;
    // Circuit high: the open circuit's −40 °C end stop for 3 s without a break (P0118); a reading
    // that keeps dropping to it and back is erratic (P0119, circuit intermittent).
    if (this.held('ect-open', open, dt) >= 3)
      this.once('P0118-fail', () => this.fail('engine', 'P0118', { emission: true }));
    else if (this.add('ect-ok', !open, dt) >= 10) this.once('P0118-pass', () => this.pass('engine', 'P0118'));
    if (open && !this.acc.ectWasOpen) this.acc.ectDrops = (this.acc.ectDrops ?? 0) + 1;
    this.acc.ectWasOpen = open ? 1 : 0;
    const drops = this.acc.ectDrops ?? 0;
    if (drops >= 3) this.once('P0119-fail', () => this.fail('engine', 'P0119', { emission: true }));
    else if (this.add('ect-steady', true, dt) >= 600 && drops === 0)
      this.once('P0119-pass', () => this.pass('engine', 'P0119'));
    if (open) return;
    // Closed loop needs 35 °C within 5 min of a cold start (P0125); the regulating temperature
    // (thermostat − 15 °C) within 15 min (P0128) — both as the sensor reads it.
    const engineTime = this.add('engine-on', true, dt);
    if (sensed >= 35) this.once('P0125', () => this.pass('engine', 'P0125'));
    else if (engineTime >= 300 && m.coolantSensorAtStartC < 25)
      this.once('P0125', () => this.fail('engine', 'P0125', { emission: true }));
    const reach = e.thermostatC - 15;
    if (sensed >= reach) this.once('P0128', () => this.pass('engine', 'P0128'));
    else if (engineTime >= 900 && m.coolantSensorAtStartC < reach - 10)
      this.once('P0128', () => this.fail('engine', 'P0128', { emission: true }));
    // Engine over temperature.
    if (this.held('overheat', sensed > 110, dt) >= 5)
      this.once('P0217', () => this.fail('engine', 'P0217', { emission: true }));
    else if (this.add('temp-ok', sensed <= 105, dt) >= 120)
      this.once('P0217-pass', () => this.pass('engine', 'P0217'));
  }

  /** The 12 V system voltage while the engine runs (or a hybrid or EV is READY), and the DC-DC converter. */
  private systemVoltage(m: VehicleModel, dt: number): void {
    const low = this.add('volt-low', m.batteryV < 12.0, dt);
    if (low >= 20) this.once('P0562-fail', () => this.fail('engine', 'P0562', { emission: true }));
    else if (this.add('volt-ok', m.batteryV >= 12.5, dt) >= 60)
      this.once('P0562-pass', () => this.pass('engine', 'P0562'));
    if (!m.profile.traction) return;
    // The converter reports its own performance: output below its set point while at its current limit.
    const limited = m.effects.dcdc < 1 && m.batteryV < 13.2;
    if (this.held('dcdc-low', limited, dt) >= 10)
      this.once('P0A94', () => this.fail('engine', 'P0A94', { emission: true }));
    else if (this.add('dcdc-ok', m.batteryV >= 13.5, dt) >= 30)
      this.once('P0A94', () => this.pass('engine', 'P0A94'));
  }

  private networkAndChassis(m: VehicleModel, dt: number): void {
    const E = m.effects;
    const awake = this.add('key-on', true, dt) >= 3;
    if (awake) {
      for (const ecu of m.profile.ecus) {
        const lost = LOST_CODE[ecu.role];
        if (!m.profile.ecus.some((x) => x.role === lost.by)) continue;
        // No message from it for a second (a dozen missed periodic frames).
        if (this.held(`lost-${ecu.role}`, E.lostEcus.has(ecu.role), dt) >= 1)
          this.once(`${lost.code}-fail`, () => this.fail(lost.by, lost.code, { emission: lost.emission }));
        else if (!E.lostEcus.has(ecu.role))
          this.once(`${lost.code}-pass`, () => this.pass(lost.by, lost.code));
      }
    }
    // The immobiliser refused the key during a start attempt.
    if (m.crankingS > 0.5 && m.startBlock === 'immobilizer')
      this.once('P0513', () =>
        this.fail('engine', 'P0513', { emission: true, oneTrip: true, warning: false }),
      );
    // DPF pressure sensor with no exhaust flow (key on, engine not yet running): it must read zero.
    if (m.profile.engine.dpf && !m.engineOn) {
      const off = Math.abs(m.dpfSensorKpa) > 1.0;
      if (this.held('dp-offset', off, dt) >= 0.5)
        this.once('P2453', () => this.fail('engine', 'P2453', { emission: true }));
      else if (this.held('dp-zero', !off, dt) >= 0.5) this.once('P2453', () => this.pass('engine', 'P2453'));
    }
    // ABS: each active sensor's current (0 mA: open circuit, at any speed), its pulses while the
    // car moves (none: no signal) and their plausibility against the other wheels (erratic).
    if (m.profile.ecus.some((x) => x.role === 'abs')) {
      for (let w = 0; w < 4; w++) {
        const sig = m.wheelSignal[w];
        const moving = m.speedKmh > 15;
        const others = m.wheelKmh.filter((_, i) => i !== w).sort((a, b) => a - b)[1];
        const erratic = m.speedKmh > 20 && Math.abs(m.wheelKmh[w] - others) > 0.1 * others;
        const code = WHEEL_CODES[w];
        const chassis = (ftb: number) => () =>
          this.fail('abs', code, { emission: false, oneTrip: true, ftb });
        if (this.add(`wheel-open-${w}`, sig === 'open', dt) >= 1) this.once(`${code}-fail`, chassis(0x13));
        else if (this.add(`wheel-bad-${w}`, moving && sig === 'none', dt) >= 2)
          this.once(`${code}-fail`, chassis(0x31));
        else if (this.add(`wheel-erratic-${w}`, erratic, dt) >= 3) this.once(`${code}-fail`, chassis(0x2f));
        else if (this.add(`wheel-ok-${w}`, moving && sig === 'ok' && !erratic, dt) >= 20)
          this.once(`${code}-pass`, () => this.pass('abs', code));
        // The current monitoring runs standing still too: a circuit that was open and is closed
        // again passes its test (the code stays confirmed: an intermittent fault).
        else if (
          this.held(`wheel-closed-${w}`, sig !== 'open', dt) >= 2 &&
          this.host.memory('abs')?.get(code)?.ftb === 0x13
        )
          this.once(`${code}-circuit-pass`, () => this.pass('abs', code));
      }
    }
  }

  private traction(m: VehicleModel, dt: number): void {
    const tr = m.profile.traction!;
    // UN ECE R100: at least 500 Ω per volt on the DC side.
    const limitKohm = (500 * tr.nominalV) / 1000;
    if (this.add('iso-low', m.isolationKohm < limitKohm, dt) >= 1) {
      m.hvFault = true;
      this.once(`P0AA6-fail`, () => this.fail('battery', 'P0AA6', { emission: true, oneTrip: true }));
    } else if (this.add('iso-ok', m.isolationKohm >= limitKohm, dt) >= 5)
      this.once(`P0AA6-pass`, () => this.pass('battery', 'P0AA6'));
    // Cell deviation: the BMS sets P0A7F (pack deterioration) when its lowest and highest cells stay
    // more than 0.15 V apart for 10 s with the contactors closed (a Li-ion pack balances within tens of mV).
    const pack = m.pack;
    if (pack && tr.chemistry !== 'NiMH' && m.running) {
      const spread = pack.extreme('max')[0] - pack.extreme('min')[0];
      if (this.add('cell-spread', spread > CELL_SPREAD_LIMIT_V, dt) >= 10)
        this.once('P0A7F-fail', () => this.fail('battery', 'P0A7F', { emission: true, oneTrip: true }));
    }
  }

  private misfire(m: VehicleModel, dt: number): void {
    const n = m.profile.engine.cylinders;
    if (m.runTimeS < 5) return;
    m.revsThisWindow += (m.rpm / 60) * dt;
    for (let c = 0; c < n; c++) {
      const events = m.misfireRate(c) * (m.rpm / 120) * dt;
      m.misfiresThisWindow[c] += events;
      this.misfireThisCycle[c] = (this.misfireThisCycle[c] ?? 0) + events;
    }
    if (m.revsThisWindow < 1000) return;
    this.recordMisfire();
    const firings = m.revsThisWindow / 2;
    const rates = m.misfiresThisWindow.map((x) => x / firings);
    m.lastMisfireRates = rates;
    m.revsThisWindow = 0;
    m.misfiresThisWindow.fill(0);
    let any = false;
    for (let c = 0; c < n; c++) {
      const code = `P030${c + 1}`;
      if (rates[c] > 0.02) {
        any = true;
        // Above ~20 % the misfire overheats the catalyst: confirmed at once (J1979 "type A").
        this.fail('engine', code, { emission: true, oneTrip: rates[c] >= 0.2 });
      } else this.pass('engine', code);
    }
    if (any) this.fail('engine', 'P0300', { emission: true, oneTrip: rates.some((r) => r >= 0.2) });
    else this.pass('engine', 'P0300');
  }

  private fuelSystem(m: VehicleModel, dt: number): void {
    const cl = m.fuelStatus === FUEL_CL;
    for (let b = 0; b < m.profile.engine.banks; b++) {
      const total = m.stft[b] + m.ltft[b];
      const [lean, rich] = b === 0 ? ['P0171', 'P0172'] : ['P0174', 'P0175'];
      if (this.add(`lean${b}`, cl && total > 0.2, dt) >= 8)
        this.once(lean, () => this.fail('engine', lean, { emission: true }));
      if (this.add(`rich${b}`, cl && total < -0.2, dt) >= 8)
        this.once(rich, () => this.fail('engine', rich, { emission: true }));
      if (this.add(`fuel-ok${b}`, cl && Math.abs(total) <= 0.2, dt) >= 120) {
        this.once(`${lean}-pass`, () => {
          if (!this.done.has(lean)) this.pass('engine', lean);
          if (!this.done.has(rich)) this.pass('engine', rich);
        });
      }
    }
    // MAF plausibility against the speed-density estimate, where a vacuum leak no longer matters.
    if (m.airGs > 10) {
      const ve = 0.82 + 0.08 * Math.sin(Math.min(1, m.rpm / 6000) * Math.PI);
      const est = (m.rpm / 120) * m.profile.engine.displacementL * 1.184 * ve * (m.mapKpa / m.baroKpa);
      const dev = (est - m.mafGs) / est;
      if (this.add('maf-bad', Math.abs(dev) > 0.18, dt) >= 5)
        this.once('P0101', () => this.fail('engine', 'P0101', { emission: true }));
      else if (this.add('maf-ok', Math.abs(dev) <= 0.18, dt) >= 60)
        this.once('P0101', () => this.pass('engine', 'P0101'));
    }
    if (this.add('fuel-done', cl, dt) >= 30) {
      this.finish('fuel');
      this.finish('misfire');
    }
  }

  private catalystAndO2(m: VehicleModel, dt: number): void {
    const banks = m.profile.engine.banks;
    const cruise = m.speedKmh > 20 || m.phase.phase === 'hold';
    const steady =
      m.fuelStatus === FUEL_CL && m.coolantC > 70 && m.runTimeS > 60 && cruise && Math.abs(m.accelKmhS) < 2;
    if (m.runTimeS > 60)
      this.once('o2heater', () => {
        // Heater current against what the heater should draw: below 45 % (a burnt or open element,
        // a resistive connection) is a circuit fault.
        const H = m.effects.o2Heater;
        for (const [h, code] of [
          [H.upstream, 'P0135'],
          [H.downstream, 'P0141'],
        ] as const) {
          const current = h >= 0.6 ? 0 : 1 / (1 + 8 * h);
          if (current < 0.45) this.fail('engine', code, { emission: true });
          else this.pass('engine', code);
        }
        this.finish('o2heater');
      });
    for (let b = 0; b < banks; b++) {
      const up = m.o2Up[b] > 0.45;
      const down = m.o2Down[b] > 0.45;
      if (steady) {
        if (this.lastUp[b] !== undefined && up !== this.lastUp[b])
          this.acc[`up${b}`] = (this.acc[`up${b}`] ?? 0) + 1;
        if (this.lastDown[b] !== undefined && down !== this.lastDown[b])
          this.acc[`down${b}`] = (this.acc[`down${b}`] ?? 0) + 1;
      }
      this.lastUp[b] = up;
      this.lastDown[b] = down;
      if (steady && b === 0) {
        this.acc.downMax = Math.max(this.acc.downMax ?? 0, m.o2Down[0]);
      }
    }
    const time = this.add('cat-time', steady, dt);
    if (time >= 60) {
      this.once('catalyst', () => {
        for (let b = 0; b < banks; b++) {
          const ups = this.acc[`up${b}`] ?? 0;
          const downs = this.acc[`down${b}`] ?? 0;
          const cat = b === 0 ? 'P0420' : 'P0430';
          const o2 = b === 0 ? 'P0133' : 'P0153';
          // Catalyst: the rear sensor copies the front one when oxygen storage is gone.
          // Service 06: switch ratio (UASID 0x20, 1/256) against the 0.5 limit; mean time between
          // upstream transitions (TID 0x09, ms) against the 1 s the O2 monitor allows.
          this.record(b === 0 ? 0x21 : 0x22, [
            { tid: 0x80, uasid: 0x20, value: (downs / Math.max(1, ups)) * 256, min: 0, max: 128 },
          ]);
          this.record(b === 0 ? 0x01 : 0x05, [
            { tid: 0x09, uasid: 0x10, value: 60000 / Math.max(1, ups), min: 0, max: 1000 },
          ]);
          if (ups >= 10 && downs / ups > 0.5) this.fail('engine', cat, { emission: true });
          else this.pass('engine', cat);
          // Front sensor response: too few switches per minute in closed loop means a slow sensor.
          if (ups < 60) this.fail('engine', o2, { emission: true });
          else this.pass('engine', o2);
        }
        // Rear sensor: behind a working converter at stoichiometry it must sit on the rich side of
        // its range (P0137, circuit low voltage, when it never gets there).
        if ((this.acc.downMax ?? 0) < 0.3) this.fail('engine', 'P0137', { emission: true });
        else this.pass('engine', 'P0137');
        this.finish('catalyst');
        this.finish('o2');
      });
    }
  }

  private evap(m: VehicleModel, dt: number): void {
    if (this.done.has('evap')) return;
    const ok = m.coolantC > 60 && m.fuelPct > 15 && m.fuelPct < 85 && m.runTimeS > 180;
    const t = this.add('evap-time', ok, dt);
    if (t <= 0) return;
    const leak = m.effects.evapLeakMm;
    const leakRate = (p: number) => 0.45 * leak * leak * Math.sqrt(Math.max(0, -p));
    if (!this.acc.evapReached) {
      if (t <= 20) {
        // Purge open, vent closed: the engine pulls the tank down toward −1.5 kPa.
        m.evapPa += (-150 + leakRate(m.evapPa) + 3) * dt;
        if (m.evapPa <= -1500) {
          this.acc.evapReached = 1;
          this.acc.evapStart = m.evapPa;
          this.acc.evapHold = t;
        }
        return;
      }
      // Cannot pull a vacuum at all: a gross leak (cap off, split hose).
      this.once('evap', () => this.fail('engine', 'P0455', { emission: true }));
    } else {
      // Sealed: the vacuum decays by fuel vapour alone; a leak lets air in faster; a purge valve
      // that does not close keeps the engine pulling on the tank.
      m.evapPa += (leakRate(m.evapPa) + 3 - 150 * m.effects.purgeStuck) * dt;
      if (t - this.acc.evapHold < 20) return;
      const decay = m.evapPa - this.acc.evapStart;
      this.once('evap', () => {
        if (decay < -200) this.fail('engine', 'P0496', { emission: true });
        else this.pass('engine', 'P0496');
        if (decay > 350) this.fail('engine', 'P0442', { emission: true });
        else if (decay > 120) this.fail('engine', 'P0456', { emission: true });
        else for (const c of ['P0455', 'P0442', 'P0456']) this.pass('engine', c);
      });
    }
    this.finish('evap');
    m.evapPa = 0;
  }

  private egr(m: VehicleModel, dt: number): void {
    const flowT = this.add('egr-flow', m.egrCmdPct > 10, dt);
    if (m.egrCmdPct > 10) {
      this.acc.egrCmd = (this.acc.egrCmd ?? 0) + m.egrCmdPct * dt;
      this.acc.egrAct = (this.acc.egrAct ?? 0) + m.egrFlowPct * dt;
    }
    if (flowT >= 20) {
      this.once('P0401', () => {
        if (this.acc.egrAct / this.acc.egrCmd < 0.4) this.fail('engine', 'P0401', { emission: true });
        else this.pass('engine', 'P0401');
        this.finish('egr');
      });
    }
    // The driver stage sees no current through an open motor circuit.
    const circuitOpen = m.effects.egrCircuit >= 0.7;
    if (this.held('egr-open-circuit', m.egrCmdPct > 0 && circuitOpen, dt) >= 2)
      this.once('P0403', () => this.fail('engine', 'P0403', { emission: true }));
    else if (this.add('egr-circuit-ok', m.egrCmdPct > 0 && !circuitOpen, dt) >= 10)
      this.once('P0403', () => this.pass('engine', 'P0403'));
    const closedT = this.add('egr-closed', m.egrCmdPct === 0 && m.coolantC > 60, dt);
    if (this.add('egr-open-bad', m.egrCmdPct === 0 && m.coolantC > 60 && m.egrPct > 8, dt) >= 10)
      this.once('P0404', () => this.fail('engine', 'P0404', { emission: true }));
    else if (closedT >= 30) this.once('P0404', () => this.pass('engine', 'P0404'));
  }

  private diesel(m: VehicleModel, dt: number): void {
    const warm = m.coolantC > 60;
    if (this.add('boost', m.loadPct > 40, dt) >= 20) this.once('boost', () => this.finish('boost'));
    if (this.add('exhaust', warm, dt) >= 120) this.once('exhaust', () => this.finish('exhaust'));
    if (this.add('nmhc', warm && m.exhaustTempC > 250, dt) >= 180)
      this.once('nmhc', () => this.finish('nmhc'));
    // DPF: soot load estimated from the pressure drop at a flow where it is measurable — not while a
    // forced regeneration burns it (the ECU suspends the monitor: the load is changing by design).
    if (m.airGs > 12 && warm && m.dpfRegen.status !== 'running' && !m.dpfActive.running) {
      const est = sootFromPressure(m.dpfSensorKpa, m.airGs * 1.03, m.exhaustTempC);
      this.acc.sootSum = (this.acc.sootSum ?? 0) + est * dt;
      const t = this.add('dpf', true, dt);
      if (t >= 20) {
        this.once('pm', () => {
          const soot = this.acc.sootSum / t;
          // Blocked beyond regeneration: soot accumulation, and (as VAG-group ECUs report a blocked
          // filter) efficiency below threshold once the pressure model is out of range.
          if (soot > 45) this.fail('engine', 'P2463', { emission: true });
          else this.pass('engine', 'P2463');
          if (soot > 120) this.fail('engine', 'P2002', { emission: true });
          else this.pass('engine', 'P2002');
          this.finish('pm');
        });
      }
    }
  }
}
