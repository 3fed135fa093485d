import type { Responder, ResponderAnswer, Target } from '@atelier/obd';

/**
 * A small demo car for the emulator until simulated vehicles exist: an engine ECU (7E8) and a
 * gearbox ECU (7E9) on 11-bit CAN, a VIN, two stored DTCs, one pending, one permanent, readiness,
 * and a handful of mode 01 PIDs whose values move with time (an engine idling and blipping).
 */
export interface DemoCarOptions {
  vin?: string;
  /** Stored DTCs of the engine ECU, as two-byte J1979 codes (0x0301 = P0301). */
  stored?: number[];
  pending?: number[];
  permanent?: number[];
}

interface Ecu {
  request: number;
  response: number;
  name: string;
  pids: Map<number, (t: number) => number[]>;
}

/** Builds the J1979 "PIDs supported" bitmap for the block starting at `base`. */
function supportBitmap(pids: Iterable<number>, base: number): number[] {
  const bits = [0, 0, 0, 0];
  const list = [...pids];
  for (const pid of list) {
    if (pid > base && pid <= base + 0x20) {
      const i = pid - base - 1;
      bits[i >> 3]! |= 0x80 >> (i & 7);
    }
  }
  // The last bit says whether the next block has any supported PID.
  if (list.some((p) => p > base + 0x20)) bits[3]! |= 0x01;
  return bits;
}

const u16 = (v: number) => [(v >> 8) & 0xff, v & 0xff];
const clampByte = (v: number) => Math.max(0, Math.min(255, Math.round(v)));

export class DemoCar implements Responder {
  private ecuList: Ecu[];
  private stored: number[];
  private pending: number[];
  private permanent: number[];
  readonly vin: string;

  constructor(opts: DemoCarOptions = {}) {
    this.vin = opts.vin ?? 'VF1RFB00X64123456';
    this.stored = opts.stored ?? [0x0301, 0x0171];
    this.pending = opts.pending ?? [0x0420];
    this.permanent = opts.permanent ?? [0x0301];
    // Engine speed idles at ~800 rpm with a blip every 10 s; everything else follows it.
    const rpm = (t: number) =>
      800 + 1500 * Math.max(0, Math.sin((t / 10_000) * 2 * Math.PI)) ** 4 + 25 * Math.sin(t / 300);
    const engine: Ecu = {
      request: 0x7e0,
      response: 0x7e8,
      name: 'ECM',
      pids: new Map<number, (t: number) => number[]>([
        [0x01, () => [0x80 | this.stored.length, 0x07, 0xe5, 0x00]],
        [0x04, (t) => [clampByte(((20 + rpm(t) / 100) * 255) / 100)]],
        [0x05, (t) => [clampByte(40 + Math.min(90, 20 + t / 6000))]],
        [0x0b, (t) => [clampByte(30 + rpm(t) / 50)]],
        [0x0c, (t) => u16(Math.round(rpm(t) * 4))],
        [0x0d, () => [0]],
        [0x0f, () => [clampByte(40 + 24)]],
        [0x10, (t) => u16(Math.round(((rpm(t) / 800) * 3.5 * 100) | 0))],
        [0x11, (t) => [clampByte(((rpm(t) - 700) / 30) * 2.55)]],
        [0x1c, () => [0x06]],
        [0x1f, (t) => u16(Math.floor(t / 1000) & 0xffff)],
        [0x2f, () => [clampByte(0.62 * 255)]],
        [0x42, () => u16(14_100)],
        [0x46, () => [clampByte(40 + 18)]],
      ]),
    };
    const gearbox: Ecu = {
      request: 0x7e1,
      response: 0x7e9,
      name: 'TCM',
      pids: new Map<number, (t: number) => number[]>([
        [0x01, () => [0x00, 0x00, 0x00, 0x00]],
        [0x0d, () => [0]],
      ]),
    };
    this.ecuList = [engine, gearbox];
  }

  /** ECU addresses: 7E0/7E8 … on 11-bit CAN, 18DA10F1/18DAF110 … (ISO 15765-4 normal fixed) on 29-bit. */
  private address(ecu: Ecu, extended: boolean): { request: number; response: number } {
    if (!extended) return { request: ecu.request, response: ecu.response };
    const node = 0x10 + (ecu.response - 0x7e8);
    return { request: (0x18da00f1 | (node << 8)) >>> 0, response: (0x18daf100 | node) >>> 0 };
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
            if (pid === 0 || [...ecu.pids.keys()].some((p) => p > pid - 0x20 && p <= pid))
              body.push(pid, ...supportBitmap(ecu.pids.keys(), pid));
          } else {
            const f = ecu.pids.get(pid);
            if (f) body.push(pid, ...f(t));
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

function dtcs(codes: number[]): number[] {
  return [codes.length, ...codes.flatMap(u16)];
}
