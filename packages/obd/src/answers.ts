import { decodeDtcList } from './dtc.js';
import { type EcuResponse, type LinkInfo, MalformedResponseError } from './link.js';
import { decodePid, PIDS, type PidDef, PidError, type PidValue, pidUnit, splitPids } from './pids.js';
import { decodeReadiness, type Ignition, type Readiness } from './readiness.js';
import { hex2, hexQuote } from './text.js';

/**
 * One ECU's positive answer to a SAE J1979 request, decoded. Each decoder reads the answer of one
 * ECU and throws MalformedResponseError naming the ECU when it does not fit the request: the OBD
 * client applies them to every answer of a request, the scan to each ECU separately (so one ECU's
 * garbage does not hide another ECU's answer).
 */

export interface PidReading {
  ecu: number;
  pid: number;
  key: string;
  value: PidValue;
  unit: string | Record<string, string>;
}

const ecuHex = (a: EcuResponse) => a.ecu.toString(16);

/** An answer that cannot be what was asked: English as it always was, French for the workshop. */
function malformed(a: EcuResponse, what: string, fr: string, cause?: unknown): MalformedResponseError {
  const reason = {
    code: 'malformed-answer',
    values: { ecu: ecuHex(a) },
    text: {
      en: `ECU ${ecuHex(a)}: ${what}`,
      fr: `réponse inattendue du calculateur ${ecuHex(a).toUpperCase()} : ${fr}`,
    },
  };
  return new MalformedResponseError(reason, cause ? { cause } : undefined);
}

const pidMalformed = (a: EcuResponse, err: PidError) => malformed(a, err.message, err.messageIn('fr'), err);

export function pidReading(ecu: number, def: PidDef, data: Uint8Array): PidReading {
  return { ecu, pid: def.pid, key: def.key, value: decodePid(def, data), unit: pidUnit(def) };
}

/** A support answer (service 01/02/06/09, PID 00/20/40 …): the PIDs its bitmap announces. */
export function decodeSupportAnswer(a: EcuResponse, base: number): number[] {
  const body = a.data.subarray(1);
  if (body[0] !== base || body.length < 5)
    throw malformed(
      a,
      `support answer '${hexQuote(a.data)}' is not ${hex2(base)} + 4 bytes`,
      `la réponse de prise en charge « ${hexQuote(a.data)} » n'est pas ${hex2(base)} + 4 octets`,
    );
  // Service 09 support answers carry a data-item count before the bitmap on some ECUs: take the last four bytes.
  const bitmap = body.subarray(body.length - 4);
  const out: number[] = [];
  for (let i = 0; i < 32; i++) if (bitmap[i >> 3] & (0x80 >> (i & 7))) out.push(base + i + 1);
  return out;
}

/**
 * A service 01 (or, with `frame`, service 02) answer split back per PID. A PID that was not asked is
 * malformed; a PID asked but absent is simply not in the result.
 */
export function decodePidAnswer(a: EcuResponse, asked: readonly number[], frame?: number): PidReading[] {
  let slices: ReturnType<typeof splitPids>;
  try {
    slices = splitPids(a.data.subarray(1), { perPidPrefix: frame === undefined ? 0 : 1 });
  } catch (err) {
    if (err instanceof PidError) throw pidMalformed(a, err);
    throw err;
  }
  const out: PidReading[] = [];
  for (const s of slices) {
    if (!asked.includes(s.pid))
      throw malformed(
        a,
        `answered PID ${hex2(s.pid)}, which was not asked`,
        `il a donné le PID ${hex2(s.pid)}, qui n'était pas demandé`,
      );
    try {
      out.push(pidReading(a.ecu, PIDS.get(s.pid)!, s.data));
    } catch (err) {
      if (err instanceof PidError) throw pidMalformed(a, err);
      throw err;
    }
  }
  return out;
}

/** A readiness answer (service 01 PID 01 or 41). */
export function decodeReadinessAnswer(a: EcuResponse, pid: number, ignition?: Ignition): Readiness {
  if (a.data[1] !== pid || a.data.length < 6)
    throw malformed(
      a,
      `readiness answer '${hexQuote(a.data)}' is not ${hex2(pid)} + 4 bytes`,
      `la réponse d'état des moniteurs « ${hexQuote(a.data)} » n'est pas ${hex2(pid)} + 4 octets`,
    );
  return decodeReadiness(a.data.subarray(2, 6), ignition);
}

/** Whether DTC answers on this link carry the CAN count byte (pre-CAN protocols send bare pairs). */
export function carriesDtcCount(info: LinkInfo): boolean {
  return info.kind === 'isotp' || /15765|CAN/i.test(info.protocol ?? '') || info.protocol === undefined;
}

/** A DTC answer (service 03, 07 or 0A): the codes, in the order the ECU gave them. */
export function decodeDtcAnswer(a: EcuResponse, withCount: boolean): string[] {
  if (!withCount && a.data.length % 2 === 1) return decodeDtcList(a.data.subarray(1));
  const count = a.data[1];
  const pairs = a.data.subarray(2);
  if (count === undefined || pairs.length < count * 2)
    throw malformed(
      a,
      `DTC answer '${hexQuote(a.data)}' announces ${count ?? '?'} code(s) but carries ${Math.floor(pairs.length / 2)}`,
      `la réponse de codes défaut « ${hexQuote(a.data)} » annonce ${count ?? '?'} code(s) mais en porte ${Math.floor(pairs.length / 2)}`,
    );
  return decodeDtcList(pairs.subarray(0, count * 2));
}

/** A service 09 answer: the data items after the echo and the item count. */
export function decodeInfoAnswer(a: EcuResponse, infoType: number): { count: number; data: Uint8Array } {
  if (a.data[1] !== infoType || a.data.length < 3)
    throw malformed(
      a,
      `answer '${hexQuote(a.data)}' is not info type ${hex2(infoType)}`,
      `la réponse « ${hexQuote(a.data)} » n'est pas l'information ${hex2(infoType)}`,
    );
  return { count: a.data[2], data: a.data.subarray(3) };
}

/** Printable ASCII of a fixed-length field, without its zero padding. */
export function ascii(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes).replace(/\0+$/, '');
}

/** A VIN answer (service 09 info type 02). */
export function decodeVinAnswer(a: EcuResponse): string {
  // Some ECUs pad the VIN with leading zero bytes to a whole number of legacy messages.
  const text = ascii(decodeInfoAnswer(a, 0x02).data).replace(/^\0+/, '');
  if (text.length !== 17)
    throw malformed(a, `VIN '${text}' is not 17 characters`, `le VIN « ${text} » n'a pas 17 caractères`);
  return text;
}
