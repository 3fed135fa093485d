import {
  bitmapFromSupported,
  encodeDtc,
  encodePid,
  encodeReadiness,
  encodeUdsDtc,
  PIDS,
  type PidValue,
} from '@atelier/obd';
import { hyundaiBmsDids } from './bms-hyundai.js';
import { REGEN_REASON_CODE, REGEN_STATUS_CODE } from './dpf.js';
import type { DtcMemory, DtcRecord } from './dtc-memory.js';
import { FUEL_CL, type VehicleModel } from './model.js';
import { type Monitors, OBD_MONITOR_KEY } from './monitors.js';
import { NRC, negative, SUPPRESSED_ON_FUNCTIONAL } from './nrc.js';
import type { EcuRole, EcuSpec } from './profiles.js';

/** What an ECU needs from the vehicle it sits in. */
export interface EcuHost {
  model: VehicleModel;
  monitors: Monitors;
  vin: string;
  /** Mode 04 / UDS 0x14 side effects beyond this ECU's memory (readiness, counters since clear). */
  cleared(role: EcuRole): void;
}

type PidFn = () => number[];

/** PIDs captured in the freeze frame (mode 02) and the UDS snapshot record. */
const FREEZE_PIDS = [
  0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x1f, 0x42, 0x46,
];
/**
 * A support PID's bitmap (PID `base` of services 01, 02, 06 and 09): the PIDs of its range, and its
 * last bit set when the next range has some.
 */
function supportBitmap(base: number, supported: number[]): number[] {
  const next = supported.some((p) => p > base + 0x20) ? [base + 0x20] : [];
  return [...bitmapFromSupported(base, [...supported, ...next])];
}

/** The short-term trim an O2 sensor reports when it is not used for trim (J1979: raw 0xFF). */
const O2_TRIM_NOT_USED = PIDS.get(0x14)!.fields[1].max;
const o2 = (voltage: number, trimPct?: number): PidValue => ({
  voltage,
  shortTermFuelTrim: trimPct ?? O2_TRIM_NOT_USED,
});

/**
 * A routine (UDS 0x31): `start` answers 0 or the NRC refusing it; `stop` ends it; `results` is the
 * status record. `reportsRefusal`: after a refused start, results say why (the refusal is its last run).
 */
interface Routine {
  start(): number;
  stop?(): void;
  results(): number[];
  reportsRefusal?: boolean;
}

/** ISO 14229 status availability mask: every status bit is supported. */
const AVAILABILITY = 0xff;
const S3_MS = 5000;

/**
 * One simulated ECU: answers OBD-II (SAE J1979) services when it is emissions-related, and the UDS
 * (ISO 14229) services the project uses, from the vehicle model and its own fault memory.
 */
export class SimEcu {
  readonly role: EcuRole;
  private readonly pids = new Map<number, PidFn>();
  private readonly dids = new Map<number, () => number[]>();
  private session = 1;
  private lastRequestMs = 0;
  private routines = new Map<number, Routine>();
  private routineState = new Map<number, 'running' | 'stopped'>();

  constructor(
    readonly spec: EcuSpec,
    readonly request: number,
    readonly response: number,
    readonly memory: DtcMemory,
    private readonly host: EcuHost,
  ) {
    this.role = spec.role;
    this.buildPids();
    this.buildDids();
    this.buildRoutines();
  }

  get supportedPids(): number[] {
    return [...this.pids.keys()].sort((a, b) => a - b);
  }

  /** Encoded live value of one PID, or undefined when this ECU does not support it. */
  pid(pid: number): Uint8Array | undefined {
    const fn = this.pids.get(pid);
    return fn ? Uint8Array.from(fn()) : undefined;
  }

  snapshot(): Map<number, Uint8Array> {
    const out = new Map<number, Uint8Array>();
    for (const pid of FREEZE_PIDS) {
      const v = this.pid(pid);
      if (v) out.set(pid, v);
    }
    return out;
  }

  /** Answers one request, or returns undefined to stay silent. */
  handle(data: Uint8Array, functional: boolean, nowMs: number): Uint8Array | undefined {
    if (data.length === 0) return undefined;
    if (this.session !== 1 && nowMs - this.lastRequestMs > S3_MS) this.session = 1;
    this.lastRequestMs = nowMs;
    const sid = data[0];
    const answer = this.dispatch(sid, data, functional);
    if (answer && answer[0] === 0x7f && functional && SUPPRESSED_ON_FUNCTIONAL.has(answer[2]))
      return undefined;
    return answer;
  }

  private dispatch(sid: number, d: Uint8Array, functional: boolean): Uint8Array | undefined {
    if (sid >= 0x01 && sid <= 0x0a) {
      if (!this.spec.obd) return functional ? undefined : negative(sid, NRC.serviceNotSupported);
      return this.obd(sid, d, functional);
    }
    switch (sid) {
      case 0x10:
        return this.sessionControl(d);
      case 0x11:
        return this.ecuReset(d);
      case 0x3e:
        return this.testerPresent(d);
      case 0x22:
        return this.readDids(d);
      case 0x19:
        return this.readDtcInformation(d);
      case 0x14:
        return this.clearDtcs(d);
      case 0x31:
        return this.routineControl(d);
      default:
        return negative(sid, NRC.serviceNotSupported);
    }
  }

  // ——— OBD-II (SAE J1979) ———

  private obd(sid: number, d: Uint8Array, functional: boolean): Uint8Array | undefined {
    const quiet = (nrc: number) => (functional ? undefined : negative(sid, nrc));
    switch (sid) {
      case 0x01: {
        const req = [...d.subarray(1)];
        if (req.length < 1 || req.length > 6) return quiet(NRC.incorrectMessageLength);
        const out = [0x41];
        for (const pid of req) {
          const v = pid % 0x20 === 0 ? this.bitmap(pid) : this.pid(pid);
          if (v) out.push(pid, ...v);
        }
        return out.length > 1 ? Uint8Array.from(out) : quiet(NRC.subFunctionNotSupported);
      }
      case 0x02: {
        const req = [...d.subarray(1)];
        if (req.length < 2 || req.length % 2 !== 0 || req.length > 6)
          return quiet(NRC.incorrectMessageLength);
        const ff = this.memory.freezeFrame;
        const out = [0x42];
        for (let i = 0; i < req.length; i += 2) {
          const [pid, frame] = [req[i], req[i + 1]];
          if (frame !== 0) continue;
          if (pid % 0x20 === 0) {
            const pids = ff ? [0x02, ...ff.values.keys()] : [0x02];
            // A range is reported only if the previous bitmap announced it.
            if (pid === 0 || pids.some((p) => p > pid)) out.push(pid, frame, ...supportBitmap(pid, pids));
          } else if (pid === 0x02) out.push(pid, frame, ...(ff ? encodeDtc(ff.code) : [0, 0]));
          else {
            const v = ff?.values.get(pid);
            if (v) out.push(pid, frame, ...v);
          }
        }
        return out.length > 1 ? Uint8Array.from(out) : quiet(NRC.subFunctionNotSupported);
      }
      case 0x03:
      case 0x07:
      case 0x0a: {
        if (d.length !== 1) return quiet(NRC.incorrectMessageLength);
        const codes =
          sid === 0x03
            ? this.memory.confirmedObd()
            : sid === 0x07
              ? this.memory.pendingObd()
              : this.memory.permanent();
        return Uint8Array.from([sid + 0x40, codes.length, ...codes.flatMap((c) => encodeDtc(c))]);
      }
      case 0x04:
        if (d.length !== 1) return quiet(NRC.incorrectMessageLength);
        this.clearAll();
        return Uint8Array.of(0x44);
      case 0x06: {
        if (this.role !== 'engine' || this.host.model.profile.engine.kind === 'none')
          return quiet(NRC.serviceNotSupported);
        if (d.length !== 2) return quiet(NRC.incorrectMessageLength);
        const results = this.host.monitors.testResults;
        const mid = d[1];
        if (mid % 0x20 === 0) {
          const mids = [...results.keys()];
          if (mid > 0 && !mids.some((x) => x > mid)) return quiet(NRC.subFunctionNotSupported);
          return Uint8Array.from([0x46, mid, ...supportBitmap(mid, mids)]);
        }
        const tests = results.get(mid);
        if (!tests) return quiet(NRC.subFunctionNotSupported);
        const out = [0x46];
        const w = (x: number) => [x >> 8, x & 0xff];
        for (const t of tests) out.push(mid, t.tid, t.uasid, ...w(t.value), ...w(t.min), ...w(t.max));
        return Uint8Array.from(out);
      }
      case 0x09: {
        if (d.length !== 2) return quiet(NRC.incorrectMessageLength);
        const v = this.infoType(d[1]);
        return v ? Uint8Array.from([0x49, d[1], ...v]) : quiet(NRC.subFunctionNotSupported);
      }
      default:
        return quiet(NRC.serviceNotSupported);
    }
  }

  private bitmap(base: number): number[] | undefined {
    const pids = this.supportedPids;
    // A range is reported only if the previous bitmap announced it.
    if (base > 0 && !pids.some((p) => p > base)) return undefined;
    return supportBitmap(base, pids);
  }

  private infoType(t: number): number[] | undefined {
    const name = this.spec.label.en;
    const acronym = { engine: 'ECM', transmission: 'TCM', battery: 'BECM', abs: 'ABS', body: 'BCM' }[
      this.role
    ];
    const text = (s: string, n: number) =>
      Array.from({ length: n }, (_, i) => (i < s.length ? s.charCodeAt(i) & 0x7f : 0));
    const types: Record<number, () => number[]> = {
      4: () => [0x01, ...text(`${this.spec.software}${this.spec.partNumber}`.slice(0, 16), 16)],
      6: () => [0x01, ...crcBytes(`${this.host.vin}${this.spec.software}`)],
      10: () => [
        0x01,
        ...text(
          `${acronym}-${name.replace(/(^|\s)\S/g, (c) => c.toUpperCase()).replace(/\s/g, '')}`.slice(0, 20),
          20,
        ),
      ],
    };
    if (this.role === 'engine') types[0x02] = () => [0x01, ...text(this.host.vin, 17)];
    if (t === 0x00) return supportBitmap(0, Object.keys(types).map(Number));
    return types[t]?.();
  }

  private clearAll(): void {
    this.memory.clear();
    this.host.cleared(this.role);
  }

  private buildPids(): void {
    const m = this.host.model;
    const p = m.profile;
    const e = p.engine;
    // Values in the unit J1979 names, encoded by @atelier/obd's table; a sensor beyond the PID's
    // range saturates as an ECU's would. Readiness comes as bytes from its own encoder.
    const set = (pid: number, fn: () => PidValue | number[]) =>
      this.pids.set(pid, () => {
        const v = fn();
        return Array.isArray(v) ? v : [...encodePid(pid, v, { saturate: true })];
      });
    const common = () => {
      set(0x01, () => this.monitorStatus(false));
      set(0x1c, () => 6); // EOBD
    };
    if (this.role === 'transmission') {
      common();
      set(0x0d, () => m.speedKmh);
      return;
    }
    if (this.role === 'battery') {
      common();
      set(0x42, () => m.batteryV);
      set(0x5b, () => m.socPct);
      return;
    }
    if (this.role !== 'engine') return;
    common();
    set(0x0d, () => m.speedKmh);
    set(0x1f, () => m.runTimeS);
    set(0x21, () => m.distanceMilKm);
    set(0x30, () => m.warmUpsSinceClear);
    set(0x31, () => m.distanceSinceClearKm);
    set(0x41, () => this.monitorStatus(true));
    set(0x42, () => m.batteryV);
    set(0x46, () => m.ambientC);
    set(0x4d, () => m.timeMilMin);
    set(0x4e, () => m.timeSinceClearMin);
    set(0x51, () => e.fuelType);
    set(0xa6, () => m.odometerKm);
    if (p.traction) set(0x5b, () => m.socPct);
    if (e.kind === 'none') return;
    set(0x04, () => m.loadPct);
    set(0x05, () => m.coolantSensorC);
    set(0x0b, () => m.mapKpa);
    set(0x0c, () => m.rpm);
    set(0x0f, () => m.iatC);
    set(0x10, () => m.mafGs);
    set(0x11, () => (m.engineOn ? 12 + m.throttlePct * 0.8 : 12));
    set(0x2f, () => m.fuelPct);
    set(0x33, () => m.baroKpa);
    set(0x5c, () => m.oilC);
    if (e.egr) {
      set(0x2c, () => m.egrCmdPct);
      set(0x2d, () =>
        m.egrCmdPct > 0 ? ((m.egrPct - m.egrCmdPct) / m.egrCmdPct) * 100 : m.egrPct > 2 ? 99.2 : 0,
      );
    }
    if (e.kind === 'compression') {
      // Only the delta pressure is reported (support bit 0).
      if (e.dpf) set(0x7a, () => ({ supported: 0x01, deltaPressure: m.dpfSensorKpa }));
      return;
    }
    set(0x03, () => ({ system1: m.fuelStatus, system2: e.banks === 2 ? m.fuelStatus : 0 }));
    set(0x06, () => m.stft[0] * 100);
    set(0x07, () => m.ltft[0] * 100);
    if (e.banks === 2) {
      set(0x08, () => m.stft[1] * 100);
      set(0x09, () => m.ltft[1] * 100);
    }
    set(0x0e, () => m.timingDeg);
    set(0x13, () => (e.banks === 2 ? 0x33 : 0x03));
    const cl = () => m.fuelStatus === FUEL_CL;
    set(0x14, () => o2(m.o2Up[0], cl() ? m.stft[0] * 100 : undefined));
    set(0x15, () => o2(m.o2Down[0]));
    if (e.banks === 2) {
      set(0x18, () => o2(m.o2Up[1], cl() ? m.stft[1] * 100 : undefined));
      set(0x19, () => o2(m.o2Down[1]));
    }
    if (e.evap) set(0x32, () => m.evapPa);
    set(0x43, () => m.absLoadPct);
    set(0x44, () => m.commandedLambda);
    set(0x45, () => m.throttlePct);
    set(0x49, () => Math.min(100, m.throttlePct * 1.1));
    set(0x4c, () => m.throttlePct);
  }

  /** PID 0x01 (since clear) or 0x41 (this driving cycle): byte A is reserved (zero) in PID 0x41. */
  private monitorStatus(thisCycle: boolean): number[] {
    const mil = !thisCycle && this.memory.mil;
    const dtcCount = thisCycle ? 0 : this.memory.confirmedObd().length;
    if (this.role !== 'engine')
      return [
        ...encodeReadiness({
          mil,
          dtcCount,
          ignition: 'spark',
          monitors: [{ key: 'components', supported: true, complete: true }],
        }),
      ];
    const mon = this.host.monitors;
    const done = thisCycle ? mon.completeThisCycle : mon.complete;
    const monitors = [...mon.continuous, ...mon.supported].map((name) => ({
      key: OBD_MONITOR_KEY[name],
      supported: true,
      complete: done.has(name),
    }));
    const ignition = this.host.model.profile.engine.kind === 'compression' ? 'compression' : 'spark';
    return [...encodeReadiness({ mil, dtcCount, ignition, monitors })];
  }

  // ——— UDS (ISO 14229-1) ———

  private sessionControl(d: Uint8Array): Uint8Array | undefined {
    if (d.length !== 2) return negative(0x10, NRC.incorrectMessageLength);
    const sf = d[1] & 0x7f;
    if (sf !== 1 && sf !== 2 && sf !== 3) return negative(0x10, NRC.subFunctionNotSupported);
    if (sf === 2) {
      if (this.session === 1) return negative(0x10, NRC.subFunctionNotSupportedInActiveSession);
      if (this.host.model.engineOn || this.host.model.speedKmh > 0)
        return negative(0x10, NRC.conditionsNotCorrect);
    }
    this.session = sf;
    if (d[1] & 0x80) return undefined;
    // P2 = 50 ms, P2* = 5000 ms (in units of 10 ms).
    return Uint8Array.of(0x50, sf, 0x00, 0x32, 0x01, 0xf4);
  }

  private ecuReset(d: Uint8Array): Uint8Array | undefined {
    if (d.length !== 2) return negative(0x11, NRC.incorrectMessageLength);
    const sf = d[1] & 0x7f;
    if (sf < 1 || sf > 3) return negative(0x11, NRC.subFunctionNotSupported);
    if (this.host.model.speedKmh > 0) return negative(0x11, NRC.conditionsNotCorrect);
    this.session = 1;
    this.routineState.clear();
    return d[1] & 0x80 ? undefined : Uint8Array.of(0x51, sf);
  }

  private testerPresent(d: Uint8Array): Uint8Array | undefined {
    if (d.length !== 2) return negative(0x3e, NRC.incorrectMessageLength);
    if ((d[1] & 0x7f) !== 0) return negative(0x3e, NRC.subFunctionNotSupported);
    return d[1] & 0x80 ? undefined : Uint8Array.of(0x7e, 0x00);
  }

  private buildDids(): void {
    const m = this.host.model;
    const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0) & 0x7f);
    const u16 = (v: number) => {
      const x = Math.max(0, Math.min(65535, Math.round(v)));
      return [x >> 8, x & 0xff];
    };
    const s = this.spec;
    this.dids.set(0xf186, () => [this.session]);
    this.dids.set(0xf187, () => ascii(s.partNumber));
    this.dids.set(0xf18a, () => ascii(s.supplier));
    this.dids.set(0xf18c, () => ascii(`${this.host.vin.slice(-6)}${this.role.slice(0, 2).toUpperCase()}`));
    this.dids.set(0xf190, () => ascii(this.host.vin));
    this.dids.set(0xf191, () => ascii(s.hardware));
    this.dids.set(0xf195, () => ascii(s.software));
    this.dids.set(0xf197, () => ascii(s.label.en.toUpperCase()));
    // ISO 14229 / J1979-2: DIDs 0xF400–0xF4FF carry the OBD PIDs.
    for (const pid of this.pids.keys()) this.dids.set(0xf400 | pid, () => [...this.pid(pid)!]);
    if (this.role === 'engine' && m.profile.engine.kind !== 'none') {
      this.dids.set(0x0201, () => u16((m.crankMinV ?? 0) * 1000));
      this.dids.set(0x0202, () => u16(m.batteryV * 1000));
    }
    if (this.role === 'abs') this.dids.set(0x0301, () => m.wheelKmh.flatMap((v) => u16(v * 100)));
    if (this.role === 'battery' && m.profile.traction?.bms === 'hyundai') {
      for (const [did, fn] of hyundaiBmsDids(m)) this.dids.set(did, fn);
    } else if (this.role === 'battery') {
      const cellIdx = (pick: (a: number, b: number) => boolean) => {
        let best = 0;
        m.cellV.forEach((v, i) => {
          if (pick(v, m.cellV[best])) best = i;
        });
        return best;
      };
      this.dids.set(0x0101, () => u16(m.socPct * 100));
      this.dids.set(0x0102, () => u16(m.hvV * 10));
      this.dids.set(0x0103, () => {
        const x = Math.round(m.hvA * 10) & 0xffff;
        return [x >> 8, x & 0xff];
      });
      this.dids.set(0x0104, () => u16(Math.min(65535, m.isolationKohm)));
      this.dids.set(0x0105, () => {
        const i = cellIdx((a, b) => a < b);
        return [...u16(m.cellV[i] * 1000), i + 1];
      });
      this.dids.set(0x0106, () => {
        const i = cellIdx((a, b) => a > b);
        return [...u16(m.cellV[i] * 1000), i + 1];
      });
      this.dids.set(0x0110, () => m.cellV.flatMap((v) => u16(v * 1000)));
    }
  }

  private readDids(d: Uint8Array): Uint8Array {
    if (d.length < 3 || (d.length - 1) % 2 !== 0) return negative(0x22, NRC.incorrectMessageLength);
    const out = [0x62];
    for (let i = 1; i < d.length; i += 2) {
      const did = (d[i] << 8) | d[i + 1];
      const fn = this.dids.get(did);
      if (fn) out.push(d[i], d[i + 1], ...fn());
    }
    if (out.length === 1) return negative(0x22, NRC.requestOutOfRange);
    if (out.length > 4095) return negative(0x22, NRC.responseTooLong);
    return Uint8Array.from(out);
  }

  private udsDtc(r: { code: string; ftb: number }): number[] {
    return encodeUdsDtc(r.code, r.ftb);
  }

  private findDtc(d: Uint8Array): DtcRecord | undefined {
    return this.memory.all().find((r) => {
      const [hi, lo] = encodeDtc(r.code);
      return hi === d[2] && lo === d[3] && r.ftb === d[4];
    });
  }

  private readDtcInformation(d: Uint8Array): Uint8Array {
    if (d.length < 2) return negative(0x19, NRC.incorrectMessageLength);
    const sf = d[1] & 0x7f;
    const mem = this.memory;
    const len = (n: number) => (d.length !== n ? negative(0x19, NRC.incorrectMessageLength) : undefined);
    switch (sf) {
      case 0x01: {
        const bad = len(3);
        if (bad) return bad;
        const n = mem.all().filter((r) => (mem.status(r.code) & d[2] & AVAILABILITY) !== 0).length;
        return Uint8Array.of(0x59, 0x01, AVAILABILITY, 0x00, n >> 8, n & 0xff);
      }
      case 0x02: {
        const bad = len(3);
        if (bad) return bad;
        const out = [0x59, 0x02, AVAILABILITY];
        for (const r of mem.all()) {
          const st = mem.status(r.code);
          if (st & d[2] & AVAILABILITY) out.push(...this.udsDtc(r), st);
        }
        return Uint8Array.from(out);
      }
      case 0x04: {
        const bad = len(6);
        if (bad) return bad;
        const r = this.findDtc(d);
        const rec = d[5];
        if (!r || (rec !== 0x01 && rec !== 0xff)) return negative(0x19, NRC.requestOutOfRange);
        const out = [0x59, 0x04, ...this.udsDtc(r), mem.status(r.code)];
        if (r.snapshot) {
          out.push(0x01, r.snapshot.size);
          for (const [pid, v] of r.snapshot) out.push(0xf4, pid, ...v);
        }
        return Uint8Array.from(out);
      }
      case 0x06: {
        const bad = len(6);
        if (bad) return bad;
        const r = this.findDtc(d);
        const rec = d[5];
        if (!r || !(rec === 0x01 || rec === 0x02 || rec === 0xff))
          return negative(0x19, NRC.requestOutOfRange);
        const out = [0x59, 0x06, ...this.udsDtc(r), mem.status(r.code)];
        // Record 1: occurrence counter; record 2: aging counter (warm-ups since the last failure).
        if (rec === 0x01 || rec === 0xff) out.push(0x01, Math.min(255, r.occurrences));
        if (rec === 0x02 || rec === 0xff) out.push(0x02, Math.min(255, r.agingCycles));
        return Uint8Array.from(out);
      }
      case 0x0a: {
        const bad = len(2);
        if (bad) return bad;
        const out = [0x59, 0x0a, AVAILABILITY];
        for (const s of mem.supported)
          out.push(...this.udsDtc({ code: s.code, ftb: s.ftb ?? 0 }), mem.status(s.code));
        return Uint8Array.from(out);
      }
      default:
        return negative(0x19, NRC.subFunctionNotSupported);
    }
  }

  private clearDtcs(d: Uint8Array): Uint8Array {
    if (d.length !== 4) return negative(0x14, NRC.incorrectMessageLength);
    const group = (d[1] << 16) | (d[2] << 8) | d[3];
    if (group !== 0xffffff) return negative(0x14, NRC.requestOutOfRange);
    this.clearAll();
    return Uint8Array.of(0x54);
  }

  private buildRoutines(): void {
    const m = this.host.model;
    if (this.role === 'engine' && m.profile.engine.dpf) {
      // Forced DPF regeneration (the model runs it from its physics). Results record: status
      // (01 running, 02 done, 03 aborted), reason when aborted (01 engine off, 02 coolant cold, 03 soot
      // too high for a stationary regeneration, 04 vehicle moving, 05 stopped by the tester, 06 time
      // limit), the ECU's soot estimate in g, the exhaust temperature in °C (2 bytes), and the
      // minutes since the start.
      this.routines.set(0xf001, {
        start: () => (m.startForcedRegen() ? NRC.conditionsNotCorrect : 0),
        stop: () => m.stopForcedRegen(),
        reportsRefusal: true,
        results: () => {
          const r = m.dpfRegen;
          const status = r.status === 'none' ? 0 : REGEN_STATUS_CODE[r.status];
          const reason = r.status === 'aborted' ? REGEN_REASON_CODE[r.reason] : 0;
          const t = Math.max(0, Math.min(65535, Math.round(m.exhaustTempC)));
          const since = r.status === 'none' ? 0 : (r.status === 'running' ? m.t : r.endedS) - r.startedS;
          return [
            status,
            reason,
            Math.min(255, Math.round(m.dpfSootEstimateG)),
            t >> 8,
            t & 0xff,
            Math.min(255, Math.round(since / 60)),
          ];
        },
      });
    }
    if (this.role === 'battery') {
      // Isolation measurement: result in kΩ.
      this.routines.set(0xf003, {
        start: () => 0,
        results: () => {
          const k = Math.min(65535, Math.round(m.isolationKohm));
          return [0x00, k >> 8, k & 0xff];
        },
      });
    }
  }

  private routineControl(d: Uint8Array): Uint8Array | undefined {
    if (d.length < 4) return negative(0x31, NRC.incorrectMessageLength);
    const sf = d[1] & 0x7f;
    if (sf < 1 || sf > 3) return negative(0x31, NRC.subFunctionNotSupported);
    const rid = (d[2] << 8) | d[3];
    const r = this.routines.get(rid);
    if (!r) return negative(0x31, NRC.requestOutOfRange);
    if (this.session === 1) return negative(0x31, NRC.serviceNotSupportedInActiveSession);
    let info: number[];
    if (sf === 1) {
      const nrc = r.start();
      if (nrc !== 0) {
        if (r.reportsRefusal) this.routineState.set(rid, 'stopped');
        return negative(0x31, nrc);
      }
      this.routineState.set(rid, 'running');
      info = [0x00];
    } else if (sf === 2) {
      if (this.routineState.get(rid) !== 'running') return negative(0x31, NRC.requestSequenceError);
      r.stop?.();
      this.routineState.set(rid, 'stopped');
      info = [];
    } else {
      if (!this.routineState.has(rid)) return negative(0x31, NRC.requestSequenceError);
      info = r.results();
    }
    if (d[1] & 0x80) return undefined;
    return Uint8Array.from([0x71, sf, d[2], d[3], ...info]);
  }
}

/** CVN stand-in: a CRC-32 of the calibration identity, as J1979 CVNs are checksums of the calibration. */
function crcBytes(text: string): number[] {
  let c = 0xffffffff;
  for (let i = 0; i < text.length; i++) {
    c ^= text.charCodeAt(i);
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  c = (c ^ 0xffffffff) >>> 0;
  return [c >>> 24, (c >>> 16) & 0xff, (c >>> 8) & 0xff, c & 0xff];
}
