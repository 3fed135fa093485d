/**
 * Reads a car through any DiagnosticLink, one question at a time, handing every answer to `save`
 * as soon as it arrives: the caller persists it, so an adapter that drops halfway loses nothing
 * already read. A question that could not be asked is saved as an `error` reading ("could not
 * ask"), never as an empty list ("no DTCs").
 */
import {
  type DiagnosticLink,
  DisconnectedError,
  decodeDtcList,
  decodePid,
  decodeReadiness,
  type EcuResponse,
  FUNCTIONAL,
  LinkError,
  PIDS,
  type PidValue,
  physical,
  splitPids,
  supportedFromBitmap,
  type Target,
} from '@atelier/obd';

export type ReadingKind = 'vin' | 'dtcs' | 'readiness' | 'freeze' | 'supported' | 'cleared' | 'error';

export interface Reading {
  kind: ReadingKind;
  /** ECU response address in hex (7E8, 18DAF110), '' for whole-vehicle readings. */
  ecu: string;
  /** What within the kind: `stored`/`pending`/`permanent` for DTCs, a PID hex for freeze frames. */
  item: string;
  value: unknown;
}

export type SaveReading = (r: Reading) => Promise<void>;

export const ecuName = (ecu: number, extended: boolean): string =>
  ecu
    .toString(16)
    .toUpperCase()
    .padStart(extended ? 8 : 3, '0');

const hex2 = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');

/** The physical request address of an ECU known by its response address (ISO 15765-4). */
export function requestAddressOf(ecu: number, extended: boolean): Target {
  if (!extended) return physical(ecu - 8);
  return physical((0x18da00f1 | ((ecu & 0xff) << 8)) >>> 0);
}

export interface ReadinessValue {
  mil: boolean;
  dtcCount: number;
  ignition: 'spark' | 'compression';
  /** Supported monitors only, by their @atelier/obd key. */
  monitors: Record<string, 'complete' | 'incomplete'>;
}

export function readinessOf(bytes: ArrayLike<number>): ReadinessValue {
  const r = decodeReadiness(Array.from({ length: 4 }, (_, i) => bytes[i] ?? 0));
  const monitors: ReadinessValue['monitors'] = {};
  for (const m of r.monitors) if (m.supported) monitors[m.key] = m.complete ? 'complete' : 'incomplete';
  return { mil: r.mil, dtcCount: r.dtcCount, ignition: r.ignition, monitors };
}

/** Freeze-frame PIDs worth showing a mechanic, when the ECU supports them (mode 02, frame 0). */
export const FREEZE_PIDS = [0x04, 0x05, 0x06, 0x07, 0x0b, 0x0c, 0x0d, 0x0f, 0x11];

export function vinFrom(answers: EcuResponse[]): string | null {
  for (const a of answers) {
    if (a.data[0] !== 0x49 || a.data[1] !== 0x02) continue;
    const text = String.fromCharCode(...a.data.slice(3)).replace(/[^\x21-\x7e]/g, '');
    if (text.length > 0) return text;
  }
  return null;
}

export interface ReadSummary {
  ecus: string[];
  /** Mode 01 PIDs each ECU supports (hex), for the live-data choice. */
  supported: Record<string, string[]>;
  vin: string | null;
}

/**
 * Reads VIN, DTCs (stored, pending, permanent) per ECU, readiness and freeze frame. A
 * DisconnectedError stops the reading and is rethrown after what was read has been saved.
 */
export async function readVehicle(link: DiagnosticLink, save: SaveReading): Promise<ReadSummary> {
  const ask = async (target: Target, data: number[], where: string): Promise<EcuResponse[] | undefined> => {
    try {
      return await link.request({ target, data: Uint8Array.from(data) });
    } catch (err) {
      if (err instanceof DisconnectedError || (err instanceof LinkError && err.code === 'closed')) throw err;
      if (!(err instanceof LinkError)) throw err;
      await save({
        kind: 'error',
        ecu: '',
        item: where,
        value: { code: err.code, message: `${err.name}: ${err.message}` },
      });
      return undefined;
    }
  };

  // Supported PIDs per ECU, following the 00/20/40… chain.
  const supported = new Map<number, { extended: boolean; pids: number[] }>();
  for (let base = 0; base <= 0xe0; base += 0x20) {
    // Beyond the first block, silence is an ECU that said more than it has: not a failure to report.
    const answers =
      base === 0
        ? await ask(FUNCTIONAL, [0x01, base], 'supported.00')
        : await link.request({ target: FUNCTIONAL, data: Uint8Array.of(0x01, base) }).catch((err) => {
            if (err instanceof DisconnectedError) throw err;
            return undefined;
          });
    if (!answers) break;
    let more = false;
    for (const a of answers) {
      if (a.data[0] !== 0x41 || a.data[1] !== base || a.data.length < 6) continue;
      const entry = supported.get(a.ecu) ?? { extended: a.extended, pids: [] };
      supported.set(a.ecu, entry);
      const pids = supportedFromBitmap(base, a.data.slice(2, 6));
      entry.pids.push(...pids);
      if (pids.includes(base + 0x20)) more = true;
    }
    if (!more) break;
  }
  const summary: ReadSummary = { ecus: [], supported: {}, vin: null };
  for (const [ecu, s] of [...supported].sort((x, y) => x[0] - y[0])) {
    const name = ecuName(ecu, s.extended);
    summary.ecus.push(name);
    summary.supported[name] = s.pids.filter((p) => p % 0x20 !== 0 && PIDS.has(p)).map(hex2);
    await save({ kind: 'supported', ecu: name, item: '', value: summary.supported[name] });
  }

  const vinAnswers = await ask(FUNCTIONAL, [0x09, 0x02], 'vin');
  if (vinAnswers) {
    summary.vin = vinFrom(vinAnswers);
    await save({ kind: 'vin', ecu: '', item: '', value: summary.vin });
  }

  for (const [service, item] of [
    [0x03, 'stored'],
    [0x07, 'pending'],
    [0x0a, 'permanent'],
  ] as const) {
    const answers = await ask(FUNCTIONAL, [service], `dtcs.${item}`);
    if (!answers) continue;
    const perEcu: Record<string, string[]> = {};
    for (const ecu of summary.ecus) perEcu[ecu] = [];
    for (const a of answers) {
      if (a.data[0] !== service + 0x40) continue;
      // Mode 03/07/0A on CAN: byte 1 is the DTC count, then two bytes a code (J1979 §8.3).
      perEcu[ecuName(a.ecu, a.extended)] = decodeDtcList(a.data.slice(2));
    }
    for (const [ecu, codes] of Object.entries(perEcu)) await save({ kind: 'dtcs', ecu, item, value: codes });
  }

  const status = await ask(FUNCTIONAL, [0x01, 0x01], 'readiness');
  for (const a of status ?? []) {
    if (a.data[0] === 0x41 && a.data[1] === 0x01 && a.data.length >= 6)
      await save({
        kind: 'readiness',
        ecu: ecuName(a.ecu, a.extended),
        item: '',
        value: readinessOf(a.data.slice(2, 6)),
      });
  }

  // Freeze frame 0 of each ECU that reports one (mode 02 PID 02: the DTC that stored it).
  for (const [ecu, s] of [...supported].sort((x, y) => x[0] - y[0])) {
    const name = ecuName(ecu, s.extended);
    const target = requestAddressOf(ecu, s.extended);
    const cause = await ask(target, [0x02, 0x02, 0x00], `freeze.${name}.02`);
    const answer = cause?.find((a) => a.ecu === ecu && a.data[0] === 0x42 && a.data[1] === 0x02);
    if (!answer || answer.data.length < 5) continue;
    const code = decodeDtcList(answer.data.slice(3, 5))[0];
    if (!code) continue; // 0000: no freeze frame stored
    await save({ kind: 'freeze', ecu: name, item: 'dtc', value: code });
    for (const pid of FREEZE_PIDS.filter((p) => s.pids.includes(p))) {
      const got = await ask(target, [0x02, pid, 0x00], `freeze.${name}.${hex2(pid)}`);
      const a = got?.find((x) => x.ecu === ecu && x.data[0] === 0x42 && x.data[1] === pid);
      if (!a) continue;
      const def = PIDS.get(pid)!;
      // Mode 02 answers carry the frame number after the PID: 42 PID FRAME data…
      const bytes = a.data.slice(3, 3 + def.bytes);
      let value: PidValue;
      try {
        value = decodePid(def, bytes);
      } catch (err) {
        await save({
          kind: 'error',
          ecu: name,
          item: `freeze.${hex2(pid)}`,
          value: { code: 'malformed-response', message: (err as Error).message },
        });
        continue;
      }
      await save({ kind: 'freeze', ecu: name, item: hex2(pid), value });
    }
  }
  return summary;
}

/** Decodes a mode 01 answer into PID hex → value; undefined for a PID the table does not know. */
export function decodeMode01(data: Uint8Array): Record<string, PidValue> {
  const out: Record<string, PidValue> = {};
  if (data[0] !== 0x41) return out;
  for (const slice of splitPids(data.slice(1))) {
    const def = PIDS.get(slice.pid);
    if (def) out[hex2(slice.pid)] = decodePid(def, slice.data);
  }
  return out;
}
