/**
 * Test helpers: a tester that talks to a Responder with encoded requests and decodes the answers from
 * bytes (SAE J1979 scaling), so tests judge what a scan tool would see, never the simulator's fields.
 */
import { FUNCTIONAL, physical, type Responder, type Target } from '@atelier/obd';
import { dtcText } from './pid-codec.js';

export class Tester {
  nowMs: number;
  constructor(
    readonly responder: Responder,
    readonly extended = false,
    startMs = 0,
  ) {
    this.nowMs = startMs;
  }

  wait(seconds: number): void {
    this.nowMs += seconds * 1000;
  }

  async ask(data: number[], target: Target = FUNCTIONAL): Promise<{ ecu: number; data: number[] }[]> {
    const out = await this.responder.respond({
      target,
      data: Uint8Array.from(data),
      extended: this.extended,
      nowMs: this.nowMs,
    });
    return out.map((a) => ({ ecu: a.ecu, data: [...a.data] }));
  }

  async one(data: number[], address: number): Promise<number[] | undefined> {
    const a = await this.ask(data, physical(address));
    return a[0]?.data;
  }

  /** Mode 01 value of one PID from the engine ECU (0x7E0), raw bytes after the PID. */
  async pidBytes(pid: number, address = 0x7e0): Promise<number[]> {
    const r = await this.one([0x01, pid], address);
    if (r?.[0] !== 0x41 || r[1] !== pid)
      throw new Error(`no answer to 01 ${pid.toString(16)}: ${JSON.stringify(r)}`);
    return r.slice(2);
  }

  async pid(pid: number, address = 0x7e0): Promise<number> {
    return decodePid(pid, await this.pidBytes(pid, address));
  }

  /** DTCs of an OBD mode (03, 07, 0A) from every ECU that answered, as text. */
  async dtcs(mode: 0x03 | 0x07 | 0x0a, target: Target = FUNCTIONAL): Promise<string[]> {
    const out: string[] = [];
    for (const a of await this.ask([mode], target)) {
      if (a.data[0] !== mode + 0x40) continue;
      const n = a.data[1];
      for (let i = 0; i < n; i++) out.push(dtcText(a.data[2 + 2 * i], a.data[3 + 2 * i]));
    }
    return out.sort();
  }

  /** UDS 0x19 0x02 with a status mask: DTC text and status byte. */
  async udsDtcs(address: number, mask = 0xff): Promise<{ code: string; ftb: number; status: number }[]> {
    const r = await this.one([0x19, 0x02, mask], address);
    if (r?.[0] !== 0x59) throw new Error(`no 19 02 answer: ${JSON.stringify(r)}`);
    const out = [];
    for (let i = 3; i + 3 < r.length; i += 4)
      out.push({ code: dtcText(r[i], r[i + 1]), ftb: r[i + 2], status: r[i + 3] });
    return out;
  }

  /** Samples `pid` every `periodS` for `seconds`. */
  async sample(pid: number, seconds: number, periodS = 0.1, address = 0x7e0): Promise<number[]> {
    const out: number[] = [];
    for (let t = 0; t < seconds; t += periodS) {
      out.push(await this.pid(pid, address));
      this.wait(periodS);
    }
    return out;
  }
}

/** J1979 decoding of the PIDs the tests read. */
export function decodePid(pid: number, b: number[]): number {
  const [A, B] = b;
  switch (pid) {
    case 0x04:
    case 0x11:
    case 0x2c:
    case 0x2f:
    case 0x45:
    case 0x5b:
      return (A * 100) / 255;
    case 0x05:
    case 0x0f:
    case 0x46:
    case 0x5c:
      return A - 40;
    case 0x06:
    case 0x07:
    case 0x08:
    case 0x09:
    case 0x2d:
      return ((A - 128) * 100) / 128;
    case 0x0b:
    case 0x0d:
    case 0x33:
    case 0x30:
      return A;
    case 0x0c:
      return (A * 256 + B) / 4;
    case 0x10:
      return (A * 256 + B) / 100;
    case 0x14:
    case 0x15:
    case 0x18:
    case 0x19:
      return A * 0.005;
    case 0x1f:
    case 0x21:
    case 0x31:
    case 0x4d:
    case 0x4e:
      return A * 256 + B;
    case 0x32: {
      const v = (A << 8) | B;
      return (v >= 0x8000 ? v - 0x10000 : v) / 4;
    }
    case 0x42:
      return (A * 256 + B) / 1000;
    case 0x7a: {
      const v = (b[1] << 8) | b[2];
      return (v >= 0x8000 ? v - 0x10000 : v) / 100;
    }
    case 0xa6:
      return (b[0] * 2 ** 24 + b[1] * 2 ** 16 + b[2] * 256 + b[3]) / 10;
    default:
      throw new Error(`decodePid: PID ${pid.toString(16)} not handled in tests`);
  }
}

/** Number of times a sampled voltage crosses 0.45 V. */
export function switches(volts: number[]): number {
  let n = 0;
  for (let i = 1; i < volts.length; i++) if (volts[i] > 0.45 !== volts[i - 1] > 0.45) n++;
  return n;
}
