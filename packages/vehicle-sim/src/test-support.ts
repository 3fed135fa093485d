/**
 * Test helpers: a scan tool on the real client stack — ObdClient / UdsClient over IsoTpLink over a
 * VirtualBus — talking to a vehicle served by `serveOnBus`, all in virtual time. Tests judge what a
 * scan tool sees, never the simulator's fields.
 */
import { VirtualBus } from '@atelier/can';
import { VirtualClock } from '@atelier/clock';
import {
  type DiagnosticLink,
  FUNCTIONAL,
  IsoTpLink,
  LinkError,
  NegativeResponseError,
  ObdClient,
  physical,
  type Target,
  UdsClient,
} from '@atelier/obd';
import { serveOnBus } from './serve.js';
import type { Vehicle } from './vehicle.js';

let channel = 0;

export class Tester {
  readonly clock = new VirtualClock();
  readonly link: DiagnosticLink;
  readonly obd: ObdClient;
  private pendingMs = 0;

  constructor(readonly vehicle: Vehicle) {
    const name = `vehicle-sim-test-${process.pid}-${channel++}`;
    const car = new VirtualBus(name, { clock: this.clock });
    const tester = new VirtualBus(name, { clock: this.clock });
    serveOnBus(car, vehicle, { clock: this.clock });
    this.link = new IsoTpLink(tester, {
      clock: this.clock,
      extended: vehicle.extended,
      responseIds: vehicle.ecus().map((e) => e.response),
    });
    this.obd = new ObdClient(this.link);
  }

  get nowMs(): number {
    return this.clock.now() + this.pendingMs;
  }

  /** Lets `seconds` of virtual time pass before the next request. */
  wait(seconds: number): void {
    this.pendingMs += seconds * 1000;
  }

  /** Runs a client call in virtual time (after any pending wait). */
  async run<T>(p: () => Promise<T>): Promise<T> {
    if (this.pendingMs > 0) {
      const ms = this.pendingMs;
      this.pendingMs = 0;
      await this.clock.advance(ms);
    }
    return this.clock.run(p());
  }

  /** Raw request through the link; silence is an empty list here (the link itself throws NoResponseError). */
  async ask(data: number[], target: Target = FUNCTIONAL): Promise<{ ecu: number; data: number[] }[]> {
    try {
      const out = await this.run(() => this.link.request({ target, data: Uint8Array.from(data) }));
      return out.map((a) => ({ ecu: a.ecu, data: [...a.data] }));
    } catch (err) {
      if (err instanceof LinkError && err.code === 'no-response') return [];
      throw err;
    }
  }

  async one(data: number[], address: number): Promise<number[] | undefined> {
    return (await this.ask(data, physical(address)))[0]?.data;
  }

  /** Mode 01 data bytes of one PID (after the PID number). */
  async pidBytes(pid: number, address = 0x7e0): Promise<number[]> {
    const r = await this.one([0x01, pid], address);
    if (r?.[0] !== 0x41 || r[1] !== pid)
      throw new Error(`no answer to 01 ${pid.toString(16)}: ${JSON.stringify(r)}`);
    return r.slice(2);
  }

  /** A PID's physical value as ObdClient decodes it (the main value of multi-value PIDs). */
  async pid(pid: number, address = 0x7e0): Promise<number> {
    const [r] = await this.run(() => this.obd.readPid(pid, physical(address)));
    if (!r) throw new Error(`no reading of PID ${pid.toString(16)}`);
    const v = r.value;
    if (typeof v === 'number') return v;
    return v.voltage ?? v.deltaPressure ?? Object.values(v)[0];
  }

  /** DTCs of OBD mode 03 / 07 / 0A from every ECU that answered, as ObdClient reads them. */
  async dtcs(mode: 0x03 | 0x07 | 0x0a, target: Target = FUNCTIONAL): Promise<string[]> {
    const kind = mode === 0x03 ? 'stored' : mode === 0x07 ? 'pending' : 'permanent';
    try {
      const per = await this.run(() => this.obd.readDtcs(kind, target));
      return per.flatMap((e) => e.dtcs).sort();
    } catch (err) {
      if (err instanceof LinkError && err.code === 'no-response') return [];
      throw err;
    }
  }

  /** UDS 0x19 0x02 through UdsClient: DTC text, failure type byte and status byte. */
  async udsDtcs(address: number, mask = 0xff): Promise<{ code: string; ftb: number; status: number }[]> {
    const uds = new UdsClient(this.link, physical(address), { clock: this.clock });
    try {
      const r = await this.run(() => uds.readDtcsByStatus(mask));
      return r.dtcs.map((d) => ({ code: d.code, ftb: d.failureType, status: d.status?.byte ?? 0 }));
    } catch (err) {
      if (err instanceof NegativeResponseError) throw new Error(`0x19 0x02 refused: ${err.message}`);
      throw err;
    }
  }

  /** Samples `pid` every `periodS` (plus the request's own time) for `seconds`. */
  async sample(pid: number, seconds: number, periodS = 0.1, address = 0x7e0): Promise<number[]> {
    const out: number[] = [];
    const end = this.nowMs + seconds * 1000;
    while (this.nowMs < end) {
      out.push(await this.pid(pid, address));
      this.wait(periodS);
    }
    return out;
  }
}

/** Number of times a sampled voltage crosses 0.45 V. */
export function switches(volts: number[]): number {
  let n = 0;
  for (let i = 1; i < volts.length; i++) if (volts[i] > 0.45 !== volts[i - 1] > 0.45) n++;
  return n;
}

/** A valid scenario file (petrol car, one misfire, a drive): the scenario tests change one field of it. */
export const GOOD_SCENARIO = `name: demo
vehicle: petrol
seed: 5
complaint:
  fr: "Voyant moteur"
  en: "Engine light"
true_cause: "bougie"
faults:
  - { type: misfire, cylinder: 2, severity: 0.3, onset: 10min }
drive:
  - { phase: urban, duration: 15min }
  - { phase: idle }
`;
