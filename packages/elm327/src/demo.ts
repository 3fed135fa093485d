import {
  bitmapFromSupported,
  encodeDtc,
  encodePid,
  type PidValue,
  type Responder,
  type ResponderAnswer,
  requestAddressOf,
  type Target,
} from '@atelier/obd';

/**
 * A small demo car for the emulator until simulated vehicles exist: an engine ECU (7E8) and a
 * gearbox ECU (7E9) on 11-bit CAN, a VIN, two stored DTCs, one pending, one permanent, readiness,
 * and a handful of mode 01 PIDs whose values move with time (an engine idling and blipping).
 */
export interface DemoCarOptions {
  vin?: string;
  /** Stored DTCs of the engine ECU (`P0301` …). */
  stored?: string[];
  pending?: string[];
  permanent?: string[];
}

interface Ecu {
  request: number;
  response: number;
  name: string;
  /** Physical value of each supported mode 01 PID at a time (ms), encoded with the J1979 table. */
  pids: Map<number, (t: number) => PidValue>;
}

export class DemoCar implements Responder {
  private ecuList: Ecu[];
  private stored: string[];
  private pending: string[];
  private permanent: string[];
  readonly vin: string;

  constructor(opts: DemoCarOptions = {}) {
    this.vin = opts.vin ?? 'VF1RFB00X64123456';
    this.stored = opts.stored ?? ['P0301', 'P0171'];
    this.pending = opts.pending ?? ['P0420'];
    this.permanent = opts.permanent ?? ['P0301'];
    // Engine speed idles at ~800 rpm with a blip every 10 s; load, airflow and throttle follow it,
    // the coolant warms up over the first minutes.
    const rpm = (t: number) =>
      800 + 1500 * Math.max(0, Math.sin((t / 10_000) * 2 * Math.PI)) ** 4 + 25 * Math.sin(t / 300);
    const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));
    const engine: Ecu = {
      request: 0x7e0,
      response: 0x7e8,
      name: 'ECM',
      pids: new Map<number, (t: number) => PidValue>([
        // MIL with the stored DTCs; spark ignition; catalyst, evap, O2 sensor, heater, EGR supported and complete.
        [
          0x01,
          () => ({
            mil: this.stored.length > 0 ? 1 : 0,
            dtcCount: this.stored.length,
            byteB: 0x07,
            byteC: 0xe5,
            byteD: 0x00,
          }),
        ],
        [0x04, (t) => clamp(20 + rpm(t) / 100, 0, 100)],
        [0x05, (t) => clamp(20 + t / 6000, -40, 90)],
        [0x0b, (t) => clamp(30 + rpm(t) / 50, 0, 255)],
        [0x0c, (t) => rpm(t)],
        [0x0d, () => 0],
        [0x0f, () => 24],
        [0x10, (t) => (rpm(t) / 800) * 3.5],
        [0x11, (t) => clamp((rpm(t) - 700) / 30, 0, 100)],
        [0x1c, () => 6],
        [0x1f, (t) => Math.floor(t / 1000) % 65_536],
        [0x2f, () => 62],
        [0x42, () => 14.1],
        [0x46, () => 18],
      ]),
    };
    const gearbox: Ecu = {
      request: 0x7e1,
      response: 0x7e9,
      name: 'TCM',
      pids: new Map<number, (t: number) => PidValue>([
        [0x01, () => ({ mil: 0, dtcCount: 0, byteB: 0, byteC: 0, byteD: 0 })],
        [0x0d, () => 0],
      ]),
    };
    this.ecuList = [engine, gearbox];
  }

  /** ECU addresses: 7E0/7E8 … on 11-bit CAN, 18DA10F1/18DAF110 … (ISO 15765-4 normal fixed) on 29-bit. */
  private address(ecu: Ecu, extended: boolean): { request: number; response: number } {
    if (!extended) return { request: ecu.request, response: ecu.response };
    // Node addresses 0x10, 0x11 … (SAE J2178 engine controllers), answering the tester 0xF1.
    const response = (0x18daf100 | (0x10 + (ecu.response - 0x7e8))) >>> 0;
    return { request: requestAddressOf(response, true), response };
  }

  ecus() {
    return this.ecuList.map((e) => ({
      request: e.request,
      response: e.response,
      extended: false,
      name: e.name,
    }));
  }

  respond(req: { target: Target; data: Uint8Array; extended: boolean; nowMs: number }): ResponderAnswer[] {
    const out: ResponderAnswer[] = [];
    for (const [i, ecu] of this.ecuList.entries()) {
      const addr = this.address(ecu, req.extended);
      if (req.target.kind === 'physical' && req.target.address !== addr.request) continue;
      const data = this.answer(ecu, req.data, req.nowMs, req.target.kind === 'functional');
      // The gearbox answers a little after the engine, as on a real bus.
      if (data) out.push({ ecu: addr.response, data: Uint8Array.from(data), delayMs: i * 3 });
    }
    return out;
  }

  private answer(ecu: Ecu, req: Uint8Array, t: number, functional: boolean): number[] | undefined {
    const sid = req[0]!;
    const isEngine = ecu.response === 0x7e8;
    const negative = (nrc: number) => (functional ? undefined : [0x7f, sid, nrc]);
    switch (sid) {
      case 0x01: {
        const pids = [...req.slice(1)];
        if (pids.length < 1 || pids.length > 6) return negative(0x13);
        const body: number[] = [];
        for (const pid of pids) {
          if (pid % 0x20 === 0) {
            // A support PID answers when its block was announced (PID 00 always); its last bit
            // announces the next block.
            const keys = [...ecu.pids.keys()];
            if (pid === 0 || keys.some((p) => p > pid)) {
              const bitmap = bitmapFromSupported(pid, keys);
              if (keys.some((p) => p > pid + 0x20)) bitmap[3]! |= 0x01;
              body.push(pid, ...bitmap);
            }
          } else {
            const f = ecu.pids.get(pid);
            if (f) body.push(pid, ...encodePid(pid, f(t)));
          }
        }
        return body.length ? [0x41, ...body] : negative(0x31);
      }
      case 0x03:
        return [0x43, ...(isEngine ? dtcs(this.stored) : [0])];
      case 0x07:
        return [0x47, ...(isEngine ? dtcs(this.pending) : [0])];
      case 0x0a:
        return [0x4a, ...(isEngine ? dtcs(this.permanent) : [0])];
      case 0x04:
        if (isEngine) {
          this.stored = [];
          this.pending = [];
        }
        return [0x44];
      case 0x09: {
        const pid = req[1];
        if (pid === 0x00)
          return [0x49, 0x00, ...(isEngine ? [0x54, 0x40, 0x00, 0x00] : [0x40, 0x00, 0x00, 0x00])];
        if (pid === 0x02 && isEngine)
          return [0x49, 0x02, 0x01, ...Array.from(this.vin, (c) => c.charCodeAt(0))];
        if (pid === 0x0a)
          return [
            0x49,
            0x0a,
            0x01,
            ...Array.from((isEngine ? 'ECM-EngineControl' : 'TCM-TransmisCtrl').padEnd(20, '\0'), (c) =>
              c.charCodeAt(0),
            ),
          ];
        return negative(0x12);
      }
      default:
        return negative(0x11);
    }
  }
}

function dtcs(codes: string[]): number[] {
  return [codes.length, ...codes.flatMap((c) => encodeDtc(c))];
}
