import type { Clock } from '@atelier/clock';
import type { Responder, ResponderAnswer } from '@atelier/obd';
import { type BusFrame, type EcuFlowControl, Elm327Emulator } from './emulator.js';

/** Test support for AT CAF0 (manual ISO 15765-2 framing): a UDS ECU whose VIN can be written. */

/** 17 characters, the VIN written: V F 1 A B 0 0 0 1 2 3 4 5 6 7 8 9. */
export const NEW_VIN = 'VF1AB000123456789';

/**
 * A UDS ECU on 7E0 → 7E8 holding a VIN (DID F190): 2E F1 90 + 17 bytes writes it (6E F1 90), any
 * other length is refused (7F 2E 13, ISO 14229 incorrectMessageLength); 22 F1 90 reads it back.
 * A second ECU (7E1 → 7E9) answers OBD only, to show a first frame reaches only its addressee.
 */
export function vinEcu(): Responder & { vin: string; writes: Uint8Array[] } {
  const ecu = {
    vin: 'WVWZZZ1JZ3W386752',
    writes: [] as Uint8Array[],
    ecus: () => [
      { request: 0x7e0, response: 0x7e8, extended: false },
      { request: 0x7e1, response: 0x7e9, extended: false },
    ],
    respond(req: Parameters<Responder['respond']>[0]): ResponderAnswer[] {
      const d = req.data;
      const to7e0 = req.target.kind === 'functional' || req.target.address === 0x7e0;
      if (d[0] === 0x01)
        return [0x7e8, 0x7e9]
          .filter((e) => req.target.kind === 'functional' || req.target.address === e - 8)
          .map((e) => ({ ecu: e, data: Uint8Array.of(0x41, 0x00, 0x98, 0x18, 0x00, 0x01) }));
      if (!to7e0) return [];
      if (d[0] === 0x2e && d[1] === 0xf1 && d[2] === 0x90) {
        ecu.writes.push(d);
        if (d.length !== 20) return [{ ecu: 0x7e8, data: Uint8Array.of(0x7f, 0x2e, 0x13) }];
        ecu.vin = String.fromCharCode(...d.slice(3));
        return [{ ecu: 0x7e8, data: Uint8Array.of(0x6e, 0xf1, 0x90) }];
      }
      if (d[0] === 0x22 && d[1] === 0xf1 && d[2] === 0x90)
        return [
          { ecu: 0x7e8, data: Uint8Array.of(0x62, 0xf1, 0x90, ...[...ecu.vin].map((c) => c.charCodeAt(0))) },
        ];
      return [{ ecu: 0x7e8, data: Uint8Array.of(0x7f, d[0]!, 0x11) }];
    },
  };
  return ecu;
}

/**
 * An emulator serving `vinEcu()` (ECU padding AA, 10 ms latency), every bus frame kept in
 * `frames`, the ECU answering first frames with `flow`.
 */
export function vinEmulator(clock: Clock, opts: { flow?: EcuFlowControl; baud?: number } = {}) {
  const frames: BusFrame[] = [];
  const ecu = vinEcu();
  const emu = new Elm327Emulator({
    responder: ecu,
    clock,
    baud: opts.baud ?? 0,
    latencyMs: 10,
    padding: 0xaa,
    onBusFrame: (f) => frames.push(f),
    ...(opts.flow ? { ecuFlowControl: opts.flow } : {}),
  });
  return { ecu, emu, frames };
}
