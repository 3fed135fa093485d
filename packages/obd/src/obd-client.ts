import {
  ascii,
  carriesDtcCount,
  decodeDtcAnswer,
  decodeInfoAnswer,
  decodePidAnswer,
  decodeReadinessAnswer,
  decodeSupportAnswer,
  decodeVinAnswer,
  type PidReading,
} from './answers.js';
import {
  type DiagnosticLink,
  type EcuResponse,
  FUNCTIONAL,
  MalformedResponseError,
  NoResponseError,
  type Target,
} from './link.js';
import { linkReason } from './link-reasons.js';
import { decodeMonitorTests, type MonitorTest } from './mode06.js';
import { NegativeResponseError } from './nrc.js';
import { PIDS, PidError } from './pids.js';
import type { Ignition, Readiness } from './readiness.js';
import { hex2, hexBytes, hexQuote } from './text.js';

export type { PidReading } from './answers.js';

/**
 * SAE J1979 (OBD-II) services over any DiagnosticLink. Every method answers per ECU, and never
 * turns "could not ask" into "nothing to report": a link failure or silence is the link's typed
 * error, an ECU's refusal is a NegativeResponseError, and an answer that does not fit the request
 * is a MalformedResponseError.
 */

export interface EcuDtcs {
  ecu: number;
  dtcs: string[];
}

export type DtcKind = 'stored' | 'pending' | 'permanent';
const DTC_SERVICE: Record<DtcKind, number> = { stored: 0x03, pending: 0x07, permanent: 0x0a };

/** What `clearDtcs` must be given, so that clearing is never an accident. */
export const CLEAR_CONFIRMATION = 'CLEAR-DTCS-AND-FREEZE-FRAMES' as const;

/** Mode 09 in-use performance tracking counters, named as J1979 names them. */
const IPT_SPARK = [
  'OBDCOND',
  'IGNCNTR',
  'CATCOMP1',
  'CATCOND1',
  'CATCOMP2',
  'CATCOND2',
  'O2SCOMP1',
  'O2SCOND1',
  'O2SCOMP2',
  'O2SCOND2',
  'EGRCOMP',
  'EGRCOND',
  'AIRCOMP',
  'AIRCOND',
  'EVAPCOMP',
  'EVAPCOND',
  'SO2SCOMP1',
  'SO2SCOND1',
  'SO2SCOMP2',
  'SO2SCOND2',
];
const IPT_COMPRESSION = [
  'OBDCOND',
  'IGNCNTR',
  'HCCATCOMP',
  'HCCATCOND',
  'NCATCOMP',
  'NCATCOND',
  'NADSCOMP',
  'NADSCOND',
  'PMCOMP',
  'PMCOND',
  'EGSCOMP',
  'EGSCOND',
  'EGRCOMP',
  'EGRCOND',
  'BPCOMP',
  'BPCOND',
  'FUELCOMP',
  'FUELCOND',
];

/** Every ECU's answer to one request, sorted. */
export interface Exchange {
  /** Positive answers (response SID = request SID + 0x40). */
  answers: EcuResponse[];
  /** ECUs that refused (0x7F), with the NRC. */
  refusals: NegativeResponseError[];
  /** Answers that fit neither, with the ECU that sent them. */
  malformed: { ecu: number; extended: boolean; error: MalformedResponseError }[];
}

/**
 * Sorts the answers to a request: positive ones (response SID = request SID + 0x40), refusals (0x7F
 * with the request's SID) as NegativeResponseError, and answers that fit neither.
 */
export function sortAnswers(data: readonly number[], answers: readonly EcuResponse[]): Exchange {
  const sid = data[0];
  const out: Exchange = { answers: [], refusals: [], malformed: [] };
  for (const a of answers) {
    if (a.data[0] === 0x7f) {
      if (a.data.length < 3 || a.data[1] !== sid) {
        out.malformed.push({
          ecu: a.ecu,
          extended: a.extended,
          error: new MalformedResponseError(
            `ECU ${a.ecu.toString(16)}: negative answer '${hexQuote(a.data)}' does not match service ${hex2(sid)}`,
          ),
        });
      } else out.refusals.push(new NegativeResponseError(sid, a.data[2], a.ecu));
      continue;
    }
    if (a.data[0] !== sid + 0x40) {
      out.malformed.push({
        ecu: a.ecu,
        extended: a.extended,
        error: new MalformedResponseError(
          `ECU ${a.ecu.toString(16)}: answer '${hexQuote(a.data)}' to service ${hex2(sid)} should start with ${hex2(sid + 0x40)}`,
        ),
      });
      continue;
    }
    out.answers.push(a);
  }
  return out;
}

export interface ObdClientOptions {
  /** Response window per request, ms (the link's default when absent). */
  timeoutMs?: number;
}

export class ObdClient {
  constructor(
    readonly link: DiagnosticLink,
    private readonly options: ObdClientOptions = {},
  ) {}

  /**
   * Sends a request and sorts every ECU's answer: positive ones (response SID = request SID + 0x40),
   * refusals (0x7F) as NegativeResponseError, and answers that fit neither. Throws only when nothing
   * came back (NoResponseError) or the link failed (a LinkError).
   */
  async exchange(data: number[], target: Target = FUNCTIONAL): Promise<Exchange> {
    const answers = await this.link.request({
      target,
      data: Uint8Array.from(data),
      ...(this.options.timeoutMs ? { timeoutMs: this.options.timeoutMs } : {}),
    });
    if (answers.length === 0)
      throw new NoResponseError(linkReason('no-ecu-answered', { request: hexBytes(data) }));
    return sortAnswers(data, answers);
  }

  /**
   * Sends a request and keeps the positive answers. Negative answers from some ECUs of a functional
   * request are dropped (an ECU may refuse what another supports); when every ECU refused, the
   * first refusal is thrown. An answer that fits neither is a MalformedResponseError.
   */
  async request(data: number[], target: Target = FUNCTIONAL): Promise<EcuResponse[]> {
    const { answers, refusals, malformed } = await this.exchange(data, target);
    if (malformed.length) throw malformed[0].error;
    if (answers.length === 0 && refusals.length) throw refusals[0];
    return answers;
  }

  // ---- service 01 ----

  /**
   * Supported PIDs per ECU, following each ECU's chain of support PIDs (0x00, 0x20 …) as far as it
   * announces the next one. Works for service 01 and the same scheme in services 06 (MIDs) and 09.
   */
  async supported(service = 0x01, target: Target = FUNCTIONAL): Promise<Map<number, number[]>> {
    const result = new Map<number, number[]>();
    let base = 0x00;
    let askers: Set<number> | undefined;
    while (base <= 0xe0) {
      const answers = await this.request([service, base], target);
      const next = new Set<number>();
      for (const a of answers) {
        if (askers && !askers.has(a.ecu)) continue;
        const pids = decodeSupportAnswer(a, base);
        result.set(a.ecu, [...(result.get(a.ecu) ?? []), ...pids]);
        if (pids.includes(base + 0x20)) next.add(a.ecu);
      }
      if (next.size === 0) break;
      askers = next;
      base += 0x20;
    }
    return result;
  }

  /**
   * Reads one to six PIDs in one request; the answer of each ECU is split back per PID. A PID an
   * ECU did not return is absent from its readings (it does not support it).
   */
  async readPids(pids: number[], target: Target = FUNCTIONAL): Promise<PidReading[]> {
    if (pids.length < 1 || pids.length > 6)
      throw new RangeError(`service 01 takes 1 to 6 PIDs per request, got ${pids.length}`);
    for (const p of pids)
      if (!PIDS.has(p)) throw new PidError(`PID ${hex2(p)} is not in the SAE J1979 table`, p);
    const answers = await this.request([0x01, ...pids], target);
    return answers.flatMap((a) => decodePidAnswer(a, pids));
  }

  async readPid(pid: number, target: Target = FUNCTIONAL): Promise<PidReading[]> {
    return this.readPids([pid], target);
  }

  /** Readiness per ECU from PID 01 (since clear) or 41 (this drive cycle). */
  async readiness(
    which: 'sinceClear' | 'thisCycle' = 'sinceClear',
    target: Target = FUNCTIONAL,
  ): Promise<Map<number, Readiness>> {
    const out = new Map<number, Readiness>();
    let ignition: Map<number, Ignition> | undefined;
    if (which === 'thisCycle') {
      ignition = new Map();
      for (const r of await this.readiness('sinceClear', target)) ignition.set(r[0], r[1].ignition);
    }
    const pid = which === 'sinceClear' ? 0x01 : 0x41;
    const answers = await this.request([0x01, pid], target);
    for (const a of answers) out.set(a.ecu, decodeReadinessAnswer(a, pid, ignition?.get(a.ecu)));
    return out;
  }

  // ---- service 02 ----

  /** Freeze-frame values (service 02) of up to three PIDs for one frame; PID 02 gives the DTC that froze it. */
  async freezeFrame(
    pids: number[],
    frame = 0,
    target: Target = FUNCTIONAL,
  ): Promise<(PidReading & { frame: number })[]> {
    if (pids.length < 1 || pids.length > 3)
      throw new RangeError(`service 02 takes 1 to 3 PID/frame pairs, got ${pids.length}`);
    const answers = await this.request([0x02, ...pids.flatMap((p) => [p, frame])], target);
    return answers.flatMap((a) => decodePidAnswer(a, pids, frame).map((r) => ({ ...r, frame })));
  }

  // ---- services 03, 07, 0A, 04 ----

  /**
   * Stored (03), pending (07) or permanent (0A) DTCs of every ECU that answered. An ECU with no
   * code answers with a count of zero and gets an empty list; silence is NoResponseError.
   */
  async readDtcs(kind: DtcKind = 'stored', target: Target = FUNCTIONAL): Promise<EcuDtcs[]> {
    const answers = await this.request([DTC_SERVICE[kind]], target);
    const withCount = carriesDtcCount(this.link.info);
    return answers.map((a) => ({ ecu: a.ecu, dtcs: decodeDtcAnswer(a, withCount) }));
  }

  /**
   * Service 04: clears DTCs, freeze frames, readiness and monitor results. Requires the explicit
   * confirmation constant — clearing loses evidence an apprentice may still need.
   */
  async clearDtcs(confirmation: typeof CLEAR_CONFIRMATION, target: Target = FUNCTIONAL): Promise<number[]> {
    if (confirmation !== CLEAR_CONFIRMATION)
      throw new Error(`clearDtcs needs the confirmation '${CLEAR_CONFIRMATION}'`);
    const answers = await this.request([0x04], target);
    return answers.map((a) => a.ecu);
  }

  // ---- service 06 ----

  async monitorTests(mid: number, target: Target = FUNCTIONAL): Promise<(MonitorTest & { ecu: number })[]> {
    const answers = await this.request([0x06, mid], target);
    const out: (MonitorTest & { ecu: number })[] = [];
    for (const a of answers) {
      const tests = decodeMonitorTests(a.data.subarray(1));
      for (const t of tests) {
        if (t.mid !== mid)
          throw new MalformedResponseError(
            `ECU ${a.ecu.toString(16)} answered MID ${hex2(t.mid)} to a request for ${hex2(mid)}`,
          );
        out.push({ ...t, ecu: a.ecu });
      }
    }
    return out;
  }

  // ---- service 09 ----

  /** Raw data items of an info type per ECU, after the echo and the item count. */
  async vehicleInfo(
    infoType: number,
    target: Target = FUNCTIONAL,
  ): Promise<{ ecu: number; count: number; data: Uint8Array }[]> {
    const answers = await this.request([0x09, infoType], target);
    return answers.map((a) => ({ ecu: a.ecu, ...decodeInfoAnswer(a, infoType) }));
  }

  async readVin(target: Target = FUNCTIONAL): Promise<{ ecu: number; vin: string }[]> {
    const answers = await this.request([0x09, 0x02], target);
    return answers.map((a) => ({ ecu: a.ecu, vin: decodeVinAnswer(a) }));
  }

  async calibrationIds(target: Target = FUNCTIONAL): Promise<{ ecu: number; ids: string[] }[]> {
    return (await this.vehicleInfo(0x04, target)).map(({ ecu, count, data }) => {
      if (data.length !== count * 16)
        throw new MalformedResponseError(
          `ECU ${ecu.toString(16)}: ${count} calibration id(s) need ${count * 16} bytes, got ${data.length}`,
        );
      const ids: string[] = [];
      for (let i = 0; i < count; i++) ids.push(ascii(data.subarray(i * 16, i * 16 + 16)));
      return { ecu, ids };
    });
  }

  async cvns(target: Target = FUNCTIONAL): Promise<{ ecu: number; cvns: string[] }[]> {
    return (await this.vehicleInfo(0x06, target)).map(({ ecu, count, data }) => {
      if (data.length !== count * 4)
        throw new MalformedResponseError(
          `ECU ${ecu.toString(16)}: ${count} CVN(s) need ${count * 4} bytes, got ${data.length}`,
        );
      const cvns: string[] = [];
      for (let i = 0; i < count; i++) cvns.push(hexBytes(data.subarray(i * 4, i * 4 + 4)).replace(/ /g, ''));
      return { ecu, cvns };
    });
  }

  async ecuName(target: Target = FUNCTIONAL): Promise<{ ecu: number; name: string }[]> {
    return (await this.vehicleInfo(0x0a, target)).map(({ ecu, data }) => {
      if (data.length !== 20)
        throw new MalformedResponseError(
          `ECU ${ecu.toString(16)}: ECU name has 20 bytes, got ${data.length}`,
        );
      // Four characters of abbreviation, '-', fifteen of name, each zero-padded.
      return {
        ecu,
        name: `${ascii(data.subarray(0, 4)).replace(/\0/g, '')}-${ascii(data.subarray(5)).replace(/\0/g, '')}`,
      };
    });
  }

  /** In-use performance tracking (info type 08 for spark ignition, 0B for compression). */
  async inUsePerformance(
    ignition: Ignition = 'spark',
    target: Target = FUNCTIONAL,
  ): Promise<{ ecu: number; counters: Record<string, number> }[]> {
    const names = ignition === 'spark' ? IPT_SPARK : IPT_COMPRESSION;
    return (await this.vehicleInfo(ignition === 'spark' ? 0x08 : 0x0b, target)).map(
      ({ ecu, count, data }) => {
        if (data.length !== count * 2)
          throw new MalformedResponseError(
            `ECU ${ecu.toString(16)}: ${count} counter(s) need ${count * 2} bytes, got ${data.length}`,
          );
        const counters: Record<string, number> = {};
        for (let i = 0; i < count; i++)
          counters[names[i] ?? `COUNTER${i + 1}`] = data[i * 2] * 256 + data[i * 2 + 1];
        return { ecu, counters };
      },
    );
  }
}
