import type { Clock } from '@atelier/clock';
import { EcuAddressError, ecuLabel, ecuName, requestAddressOf } from './address.js';
import {
  carriesDtcCount,
  decodeDtcAnswer,
  decodePidAnswer,
  decodeReadinessAnswer,
  decodeSupportAnswer,
  decodeVinAnswer,
  type PidReading,
} from './answers.js';
import { decodeDtc, type UdsDtc } from './dtc.js';
import {
  AdapterError,
  BusFaultError,
  DisconnectedError,
  type EcuResponse,
  FUNCTIONAL,
  type KnownEcu,
  LinkError,
  type LinkErrorCode,
  LinkTimeoutError,
  MalformedResponseError,
  NoResponseError,
  physical,
  type Target,
} from './link.js';
import { type LinkReason, linkReason } from './link-reasons.js';
import { NegativeResponseError } from './nrc.js';
import { type DtcKind, type Exchange, type ObdClient, sortAnswers } from './obd-client.js';
import { PIDS } from './pids.js';
import type { Readiness } from './readiness.js';
import { hex2, hexBytes, type Text } from './text.js';
import { UdsClient } from './uds-client.js';

/**
 * One scan of a vehicle: every question a scan tool asks, each answer with its status, streamed item
 * by item as it is read. The CLI's `obd read`, the workshop dashboard and the diagnosis' session
 * facts are layers over it (formatting, persistence, interpretation).
 */

/**
 * What became of one question:
 * - `read`: the answer is in the item (an empty DTC list is an answer: "no code");
 * - `not-supported`: the car says it does not have it (its support bitmap, or a refusal with NRC 0x11
 *   serviceNotSupported, 0x12 subFunctionNotSupported or 0x31 requestOutOfRange);
 * - `no-answer`: the ECU stayed silent (an ECU that answered 0100 but is silent on mode 03 is this,
 *   never "no DTCs");
 * - `refused`: the adapter refused the request (`?`, BUFFER FULL, STOPPED…), or the ECU refused it for
 *   another reason than not having it (0x22 conditionsNotCorrect…);
 * - `link-error`: the link failed otherwise (timeout, bus error, an answer that does not fit), with
 *   the LinkError code.
 */
export type ScanStatus = 'read' | 'not-supported' | 'no-answer' | 'refused' | 'link-error';

export const SCAN_STATUSES: readonly ScanStatus[] = [
  'read',
  'not-supported',
  'no-answer',
  'refused',
  'link-error',
];

/** An ECU the scan met, by its response address. */
export interface ScanEcu {
  address: number;
  extended: boolean;
  /** `7E8`, `18DAF110`, `10` (see `ecuLabel`). */
  label: string;
  /** The standard's name for this address, when it has one. */
  name?: Text;
}

/** Why an item was not read. */
export interface ScanProblem {
  /**
   * The LinkError code (`no-response` for silence, `adapter-error`, `timeout` …), `negative-response`
   * for an ECU's refusal, `not-announced` when the ECU's support bitmap leaves the item out.
   */
  code: LinkErrorCode | 'negative-response' | 'not-announced';
  /** The error's name and message, as a caller of the client would have seen them. */
  message: string;
  /**
   * The same in French, as the workshop shows it (without the class name): the error's
   * `messageIn('fr')`. Absent from items stored before it existed; `message` is then all there is.
   */
  fr?: string;
  /** The request's service id and the ECU's negative response code, for a refusal. */
  sid?: number;
  nrc?: number;
}

interface ItemBase {
  status: ScanStatus;
  /** The ECU the item is about; absent for a question that no ECU answered at all. */
  ecu?: ScanEcu;
  /** Why it was not read; absent when read. */
  problem?: ScanProblem;
}

export type ScanItem =
  /** The service 01 PIDs an ECU supports (its 00/20/40… bitmaps): the ECU was found. */
  | (ItemBase & { kind: 'supported'; pids?: number[] })
  | (ItemBase & { kind: 'vin'; vin?: string })
  | (ItemBase & { kind: 'dtcs'; memory: DtcKind; codes?: string[] })
  | (ItemBase & { kind: 'readiness'; readiness?: Readiness })
  /** The code that stored the ECU's freeze frame (service 02 PID 02), null when it stored none. */
  | (ItemBase & { kind: 'freeze-frame'; dtc?: string | null })
  | (ItemBase & { kind: 'freeze-pid'; pid: number; reading?: PidReading })
  | (ItemBase & { kind: 'live-pid'; pid: number; reading?: PidReading })
  /** The ECU's UDS fault memory (0x19 0x02, every status bit asked). */
  | (ItemBase & { kind: 'uds-dtcs'; dtcs?: UdsDtc[] });

export type ScanItemKind = ScanItem['kind'];

export type ScanPart = 'vin' | 'dtcs' | 'readiness' | 'freezeFrame' | 'live' | 'uds';
export const SCAN_PARTS: readonly ScanPart[] = ['vin', 'dtcs', 'readiness', 'freezeFrame', 'live', 'uds'];

export interface ScanOptions {
  /**
   * Called with each item as soon as it is read, and awaited before the next question: a caller that
   * persists here loses nothing already read when the adapter drops.
   */
  onItem?: (item: ScanItem) => void | Promise<void>;
  /** The parts to read (every part by default); the ECUs are always found first. */
  parts?: readonly ScanPart[];
  /** The DTC memories to read; all three by default. */
  memories?: readonly DtcKind[];
  /** Restricts the live snapshot to these PIDs (every supported PID by default). */
  livePids?: readonly number[];
  /**
   * ECUs whose UDS fault memory is read (0x19 0x02): the simulated vehicle's `ecus()`, an adapter
   * profile. The link's `knownEcus()` when absent; none when the link knows none.
   */
  udsEcus?: readonly KnownEcu[];
  /** Clock for the UDS client's timers (virtual in tests). */
  clock?: Clock;
  /** PIDs per service 01 request, 1–6 (6 by default; clones take fewer). */
  pidsPerRequest?: number;
}

export interface VehicleScan {
  /** Every ECU met, by address: found by service 01, or answering later, or read through UDS. */
  ecus: ScanEcu[];
  /** Every item, in the order read. */
  items: ScanItem[];
}

/** Freeze-frame PIDs read when an ECU does not say which it stored (no service 02 support bitmap). */
export const FREEZE_FRAME_PIDS = [
  0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x1f, 0x21, 0x2f,
  0x33, 0x42, 0x46,
];

const DTC_SERVICE: Record<DtcKind, number> = { stored: 0x03, pending: 0x07, permanent: 0x0a };
/** NRCs by which an ECU says it does not have what was asked. */
const NOT_SUPPORTED_NRCS = new Set([0x11, 0x12, 0x31]);

type Outcome = { status: ScanStatus; problem: ScanProblem };
type EcuOutcome = { ecu: ScanEcu; answer: EcuResponse } | ({ ecu: ScanEcu } & Outcome);

/** A disconnection (or a closed link) ends the scan: nothing more can be asked. */
function ends(err: unknown): boolean {
  return err instanceof DisconnectedError || (err instanceof LinkError && err.code === 'closed');
}

/** A problem the scan states itself (no error was thrown), from a reason of the link catalogue. */
function stated(code: ScanProblem['code'], reason: LinkReason, name = 'NoResponseError'): ScanProblem {
  return { code, message: name ? `${name}: ${reason.text.en}` : reason.text.en, fr: reason.text.fr };
}

function refusal(err: NegativeResponseError): Outcome {
  return {
    status: NOT_SUPPORTED_NRCS.has(err.nrc) ? 'not-supported' : 'refused',
    problem: {
      code: 'negative-response',
      message: `${err.name}: ${err.message}`,
      fr: err.messageIn('fr'),
      sid: err.sid,
      nrc: err.nrc,
    },
  };
}

/** The status of a failed question; rethrows what ends the scan and what is a bug, not a failure. */
function classify(err: unknown): Outcome {
  if (ends(err)) throw err;
  if (err instanceof NegativeResponseError) return refusal(err);
  if (err instanceof LinkError) {
    const status: ScanStatus =
      err.code === 'no-response' ? 'no-answer' : err.code === 'adapter-error' ? 'refused' : 'link-error';
    return {
      status,
      problem: { code: err.code, message: `${err.name}: ${err.message}`, fr: err.messageIn('fr') },
    };
  }
  throw err;
}

/**
 * Reads a vehicle: finds the ECUs (service 01 support bitmaps), then the VIN, the DTCs of every
 * memory per ECU, readiness per ECU, the freeze frame of each ECU that stored one (every PID it
 * stored), a snapshot of every supported PID per ECU, and the UDS fault memory of the ECUs whose
 * addresses are known. Every item carries its status and goes to `onItem` as soon as it is read. A
 * question that fails is an item with that status and the scan goes on; a disconnection stops it,
 * after everything read has been delivered, by rethrowing the DisconnectedError.
 */
export async function scanVehicle(obd: ObdClient, options: ScanOptions = {}): Promise<VehicleScan> {
  return new Scan(obd, options).run();
}

class Scan {
  private readonly ecus = new Map<string, ScanEcu>();
  /** ECUs found by service 01, with the PIDs each supports. */
  private readonly found = new Map<ScanEcu, number[]>();
  private readonly items: ScanItem[] = [];
  private readonly parts: Set<ScanPart>;
  private readonly perRequest: number;

  constructor(
    private readonly obd: ObdClient,
    private readonly options: ScanOptions,
  ) {
    this.parts = new Set(options.parts ?? SCAN_PARTS);
    this.perRequest = Math.max(1, Math.min(6, Math.floor(options.pidsPerRequest ?? 6)));
  }

  async run(): Promise<VehicleScan> {
    await this.detect();
    if (this.parts.has('vin')) await this.vin();
    if (this.parts.has('dtcs'))
      for (const memory of this.options.memories ?? ['stored', 'pending', 'permanent'])
        await this.dtcs(memory);
    if (this.parts.has('readiness')) await this.readiness();
    if (this.parts.has('freezeFrame')) for (const ecu of this.obdEcus()) await this.freezeFrame(ecu);
    if (this.parts.has('live')) {
      for (const ecu of this.obdEcus()) await this.live(ecu);
      await this.recordedLive();
    }
    if (this.parts.has('uds')) await this.uds();
    return {
      ecus: [...this.ecus.values()].sort((a, b) => a.address - b.address),
      items: this.items,
    };
  }

  private async emit(item: ScanItem): Promise<void> {
    this.items.push(item);
    await this.options.onItem?.(item);
  }

  private ecu(address: number, extended: boolean): ScanEcu {
    const key = `${extended ? 'x' : 's'}${address}`;
    let e = this.ecus.get(key);
    if (!e) {
      const name = ecuName(address, extended);
      e = { address, extended, label: ecuLabel(address, extended), ...(name ? { name } : {}) };
      this.ecus.set(key, e);
    }
    return e;
  }

  private extendedOf(address: number): boolean {
    return this.obd.link.info.extended ?? address > 0x7ff;
  }

  private obdEcus(): ScanEcu[] {
    return [...this.found.keys()].sort((a, b) => a.address - b.address);
  }

  /** The physical target of an ECU, or undefined when its address gives none (ask it functionally). */
  private targetOf(ecu: ScanEcu): Target | undefined {
    try {
      return physical(requestAddressOf(ecu.address, ecu.extended));
    } catch (err) {
      if (err instanceof EcuAddressError) return undefined;
      throw err;
    }
  }

  /**
   * Asks and says per ECU what came back. The `expected` ECUs that stayed silent while others answered
   * are `no-answer`; unexpected ECUs that answered a functional request are met here. A request that
   * failed as a whole gives one outcome for every ECU (or a bare one when none is expected).
   */
  private async outcomes(
    data: number[],
    target: Target,
    expected: ScanEcu[],
  ): Promise<EcuOutcome[] | Outcome> {
    let ex: Exchange;
    try {
      ex = await this.obd.exchange(data, target);
    } catch (err) {
      const o = classify(err);
      return expected.length ? expected.map((ecu) => ({ ecu, ...o })) : o;
    }
    const only = target.kind === 'physical' ? new Set(expected) : undefined;
    const out = new Map<ScanEcu, EcuOutcome>();
    const add = (o: EcuOutcome) => {
      if (only && !only.has(o.ecu)) return; // another ECU on a bus without physical addressing
      if (!out.has(o.ecu)) out.set(o.ecu, o);
    };
    for (const a of ex.answers) add({ ecu: this.ecu(a.ecu, a.extended), answer: a });
    for (const r of ex.refusals) add({ ecu: this.ecu(r.ecu, this.extendedOf(r.ecu)), ...refusal(r) });
    for (const m of ex.malformed) add({ ecu: this.ecu(m.ecu, m.extended), ...classify(m.error) });
    for (const ecu of expected)
      if (!out.has(ecu))
        out.set(ecu, {
          ecu,
          status: 'no-answer',
          problem: stated(
            'no-response',
            linkReason('ecu-did-not-answer', { ecu: ecu.label, request: hexBytes(data) }),
          ),
        });
    return [...out.values()].sort((a, b) => a.ecu.address - b.ecu.address);
  }

  /** Decodes an ECU's answer; an answer that does not fit is that ECU's link error. */
  private decode<T>(o: EcuOutcome, fn: (a: EcuResponse) => T): { value: T } | Outcome {
    if (!('answer' in o)) return o;
    try {
      return { value: fn(o.answer) };
    } catch (err) {
      if (err instanceof MalformedResponseError) return classify(err);
      throw err;
    }
  }

  // ---- ECUs ----

  private async detect(): Promise<void> {
    const problems = new Map<ScanEcu, Outcome>();
    let askers: Set<ScanEcu> | undefined;
    // What the link heard while it found the vehicle (the ELM327's protocol search asks 01 00):
    // ECUs that answered then are kept when the same question fails now (a clone refusing with `?`).
    const early = this.obd.link.detected?.() ?? [];
    for (let base = 0; base <= 0xe0; base += 0x20) {
      let ex: Exchange;
      try {
        ex = await this.obd.exchange([0x01, base], FUNCTIONAL);
      } catch (err) {
        const o = classify(err);
        if (base === 0 && early.length === 0) return this.emit({ kind: 'supported', ...o });
        if (base === 0) ex = sortAnswers([0x01, 0x00], early);
        // An ECU that announced more than it answers: its list ends where its answers do.
        else break;
      }
      if (base === 0) {
        // ECUs that answered during detection but not now are still there.
        const now = new Set(ex.answers.map((a) => a.ecu));
        const kept = sortAnswers([0x01, 0x00], early).answers.filter((a) => !now.has(a.ecu));
        if (kept.length) ex = { ...ex, answers: [...ex.answers, ...kept] };
      }
      const next = new Set<ScanEcu>();
      for (const a of ex.answers) {
        const ecu = this.ecu(a.ecu, a.extended);
        if (askers && !askers.has(ecu)) continue;
        let pids: number[];
        try {
          pids = decodeSupportAnswer(a, base);
        } catch (err) {
          if (!(err instanceof MalformedResponseError)) throw err;
          if (base === 0) problems.set(ecu, classify(err));
          continue;
        }
        this.found.set(ecu, [...(this.found.get(ecu) ?? []), ...pids]);
        if (pids.includes(base + 0x20)) next.add(ecu);
      }
      if (base === 0) {
        for (const r of ex.refusals) problems.set(this.ecu(r.ecu, this.extendedOf(r.ecu)), refusal(r));
        for (const m of ex.malformed) problems.set(this.ecu(m.ecu, m.extended), classify(m.error));
        if (!this.found.size && !problems.size)
          return this.emit({
            kind: 'supported',
            status: 'no-answer',
            problem: stated('no-response', linkReason('no-ecu-answered', { request: '01 00' })),
          });
      }
      if (next.size === 0) break;
      askers = next;
    }
    const all = [...this.found.keys(), ...problems.keys()].sort((a, b) => a.address - b.address);
    for (const ecu of all) {
      const pids = this.found.get(ecu);
      await this.emit(
        pids
          ? { kind: 'supported', ecu, status: 'read', pids }
          : { kind: 'supported', ecu, ...problems.get(ecu)! },
      );
    }
  }

  // ---- VIN ----

  private async vin(): Promise<void> {
    const got = await this.outcomes([0x09, 0x02], FUNCTIONAL, []);
    if (!Array.isArray(got)) return this.emit({ kind: 'vin', ...got });
    let first: ({ ecu: ScanEcu } & Outcome) | undefined;
    for (const o of got) {
      const d = this.decode(o, decodeVinAnswer);
      if ('value' in d) return this.emit({ kind: 'vin', ecu: o.ecu, status: 'read', vin: d.value });
      first ??= { ecu: o.ecu, ...d };
    }
    if (first) await this.emit({ kind: 'vin', ...first });
  }

  // ---- DTCs ----

  private async dtcs(memory: DtcKind): Promise<void> {
    const got = await this.outcomes([DTC_SERVICE[memory]], FUNCTIONAL, this.obdEcus());
    if (!Array.isArray(got)) return this.emit({ kind: 'dtcs', memory, ...got });
    const withCount = carriesDtcCount(this.obd.link.info);
    for (const o of got) {
      const d = this.decode(o, (a) => decodeDtcAnswer(a, withCount));
      await this.emit(
        'value' in d
          ? { kind: 'dtcs', memory, ecu: o.ecu, status: 'read', codes: d.value }
          : { kind: 'dtcs', memory, ecu: o.ecu, ...d },
      );
    }
  }

  // ---- readiness ----

  /** ECUs whose bitmap leaves `pid` out get `not-supported` without being asked; the others are asked. */
  private async unannounced(ecus: ScanEcu[], pid: number, emit: (ecu: ScanEcu, o: Outcome) => Promise<void>) {
    const asked: ScanEcu[] = [];
    for (const ecu of ecus) {
      if (this.found.get(ecu)?.includes(pid)) asked.push(ecu);
      else
        await emit(ecu, {
          status: 'not-supported',
          problem: stated(
            'not-announced',
            linkReason('not-announced', { ecu: ecu.label, pid: hex2(pid) }),
            '',
          ),
        });
    }
    return asked;
  }

  private async readiness(): Promise<void> {
    const ecus = this.obdEcus();
    const asked = await this.unannounced(ecus, 0x01, (ecu, o) => this.emit({ kind: 'readiness', ecu, ...o }));
    if (ecus.length && !asked.length) return;
    const got = await this.outcomes([0x01, 0x01], FUNCTIONAL, asked);
    if (!Array.isArray(got)) return this.emit({ kind: 'readiness', ...got });
    for (const o of got) {
      const d = this.decode(o, (a) => decodeReadinessAnswer(a, 0x01));
      await this.emit(
        'value' in d
          ? { kind: 'readiness', ecu: o.ecu, status: 'read', readiness: d.value }
          : { kind: 'readiness', ecu: o.ecu, ...d },
      );
    }
  }

  // ---- PIDs, one ECU at a time ----

  /** Asks an ECU for one group of PIDs (service 01, or 02 with frame 0); what it returned, by PID. */
  private async askPids(
    ecu: ScanEcu,
    target: Target,
    service: 0x01 | 0x02,
    pids: number[],
  ): Promise<Map<number, PidReading> | Outcome> {
    const data = service === 0x01 ? [0x01, ...pids] : [0x02, ...pids.flatMap((p) => [p, 0])];
    const got = await this.outcomes(data, target, [ecu]);
    const o = Array.isArray(got) ? got.find((x) => x.ecu === ecu) : got;
    if (!o) return { status: 'no-answer', problem: stated('no-response', linkReason('no-answer', {})) };
    const d = this.decode(o as EcuOutcome, (a) => decodePidAnswer(a, pids, service === 0x02 ? 0 : undefined));
    if (!('value' in d)) return d;
    return new Map(d.value.filter((r) => r.ecu === ecu.address).map((r) => [r.pid, r]));
  }

  /**
   * Reads PIDs of one ECU in groups; a group that fails, or whose answer leaves PIDs out, is asked
   * again one PID at a time (ECUs and clones that take fewer PIDs per request than the standard).
   */
  private async readPids(
    ecu: ScanEcu,
    target: Target,
    service: 0x01 | 0x02,
    pids: number[],
    perRequest: number,
    emit: (pid: number, r: { reading: PidReading } | Outcome) => Promise<void>,
  ): Promise<void> {
    for (let i = 0; i < pids.length; i += perRequest) {
      const group = pids.slice(i, i + perRequest);
      const got = await this.askPids(ecu, target, service, group);
      for (const pid of group) {
        let r: Map<number, PidReading> | Outcome = got;
        if (!(r instanceof Map) || !r.has(pid))
          r = group.length > 1 ? await this.askPids(ecu, target, service, [pid]) : r;
        if (r instanceof Map) {
          const reading = r.get(pid);
          await emit(
            pid,
            reading
              ? { reading }
              : {
                  status: 'no-answer',
                  problem: stated(
                    'no-response',
                    linkReason('answered-without-pid', { ecu: ecu.label, pid: hex2(pid) }),
                  ),
                },
          );
        } else await emit(pid, r);
      }
    }
  }

  // ---- freeze frame ----

  /** The PIDs an ECU's freeze frame holds, from its service 02 support bitmaps; undefined when it gives none. */
  private async freezeSupport(ecu: ScanEcu, target: Target): Promise<number[] | undefined> {
    const out: number[] = [];
    for (let base = 0; base <= 0xe0; base += 0x20) {
      const got = await this.askPids(ecu, target, 0x02, [base]);
      if (!(got instanceof Map)) return base === 0 ? undefined : out;
      const bitmap = got.get(base)?.value;
      if (typeof bitmap !== 'number') return base === 0 ? undefined : out;
      const pids: number[] = [];
      for (let i = 0; i < 32; i++) if (Math.floor(bitmap / 2 ** (31 - i)) % 2 === 1) pids.push(base + i + 1);
      out.push(...pids);
      if (!pids.includes(base + 0x20)) break;
    }
    return out;
  }

  private async freezeFrame(ecu: ScanEcu): Promise<void> {
    const target = this.targetOf(ecu) ?? FUNCTIONAL;
    const cause = await this.askPids(ecu, target, 0x02, [0x02]);
    if (!(cause instanceof Map)) return this.emit({ kind: 'freeze-frame', ecu, ...cause });
    const raw = cause.get(0x02)?.value;
    if (typeof raw !== 'number')
      return this.emit({
        kind: 'freeze-frame',
        ecu,
        status: 'no-answer',
        problem: stated('no-response', linkReason('freeze-without-pid-02', { ecu: ecu.label })),
      });
    // PID 02 of frame 0 is the code that stored it; 0000 means no frame is stored.
    const dtc = raw === 0 ? null : decodeDtc(raw >> 8, raw & 0xff);
    await this.emit({ kind: 'freeze-frame', ecu, status: 'read', dtc });
    if (dtc === null) return;
    const announced = await this.freezeSupport(ecu, target);
    const supported = this.found.get(ecu) ?? [];
    const pids = (announced ?? FREEZE_FRAME_PIDS.filter((p) => supported.includes(p))).filter(
      (p) => p !== 0x02 && p % 0x20 !== 0 && PIDS.has(p),
    );
    await this.readPids(ecu, target, 0x02, pids, 3, (pid, r) =>
      this.emit({
        kind: 'freeze-pid',
        ecu,
        pid,
        ...('reading' in r ? { status: 'read', reading: r.reading } : r),
      }),
    );
  }

  // ---- live snapshot ----

  private async live(ecu: ScanEcu): Promise<void> {
    const wanted = this.options.livePids;
    const pids = (this.found.get(ecu) ?? []).filter(
      (p) => p % 0x20 !== 0 && PIDS.has(p) && (!wanted || wanted.includes(p)),
    );
    const target = this.targetOf(ecu) ?? FUNCTIONAL;
    await this.readPids(ecu, target, 0x01, pids, this.perRequest, (pid, r) =>
      this.emit({
        kind: 'live-pid',
        ecu,
        pid,
        ...('reading' in r ? { status: 'read', reading: r.reading } : r),
      }),
    );
  }

  /**
   * A recorded car's ECUs that left 01 00 unanswered (their logger never asked it) but answered
   * PIDs: those PIDs, one per request as a logger asks them, so the recording's live data is read.
   */
  private async recordedLive(): Promise<void> {
    const wanted = this.options.livePids;
    for (const r of this.obd.link.recordedPids?.() ?? []) {
      const ecu = this.ecu(r.ecu, r.extended);
      if (this.found.has(ecu)) continue;
      const pids = r.pids.filter((p) => p % 0x20 !== 0 && PIDS.has(p) && (!wanted || wanted.includes(p)));
      const target = this.targetOf(ecu) ?? FUNCTIONAL;
      await this.readPids(ecu, target, 0x01, pids, 1, (pid, got) =>
        this.emit({
          kind: 'live-pid',
          ecu,
          pid,
          ...('reading' in got ? { status: 'read', reading: got.reading } : got),
        }),
      );
    }
  }

  // ---- UDS fault memory ----

  private async uds(): Promise<void> {
    const known = this.options.udsEcus ?? this.obd.link.knownEcus?.() ?? [];
    for (const k of known) {
      const extended = k.extended ?? this.extendedOf(k.response);
      const ecu = this.ecu(k.response, extended);
      const uds = new UdsClient(
        this.obd.link,
        physical(k.request),
        this.options.clock ? { clock: this.options.clock } : {},
      );
      try {
        const { dtcs } = await uds.readDtcsByStatus(0xff);
        await this.emit({ kind: 'uds-dtcs', ecu, status: 'read', dtcs });
      } catch (err) {
        await this.emit({ kind: 'uds-dtcs', ecu, ...classify(err) });
      } finally {
        uds.close();
      }
    }
  }
}

/** The question an item answers, as a key: `vin`, `dtcs.stored`, `freeze.0C`, `live.0C`, `uds` … */
export function scanQuestion(item: ScanItem): string {
  switch (item.kind) {
    case 'supported':
      return 'supported';
    case 'vin':
      return 'vin';
    case 'dtcs':
      return `dtcs.${item.memory}`;
    case 'readiness':
      return 'readiness';
    case 'freeze-frame':
      return 'freeze.02';
    case 'freeze-pid':
      return `freeze.${hex2(item.pid)}`;
    case 'live-pid':
      return `live.${hex2(item.pid)}`;
    case 'uds-dtcs':
      return 'uds';
  }
}

/**
 * The typed error behind an item that was not read, for a caller that must fail where the scan went
 * on (the diagnosis cannot start without codes): the LinkError subclass of its code, or the ECU's
 * NegativeResponseError.
 */
export function scanItemError(item: ScanItem): Error {
  const p = item.problem;
  if (!p) return new Error(`${scanQuestion(item)} was read`);
  const english = p.message.replace(/^\w+: /, '');
  // The French the scan recorded goes on with the rebuilt error (its reason is the item's problem).
  const bare: string | LinkReason =
    p.fr === undefined ? english : { code: p.code, values: {}, text: { en: english, fr: p.fr } };
  if (p.code === 'negative-response' && p.sid !== undefined && p.nrc !== undefined)
    return new NegativeResponseError(p.sid, p.nrc, item.ecu?.address ?? 0);
  switch (p.code) {
    case 'no-response':
      return new NoResponseError(bare);
    case 'timeout':
      return new LinkTimeoutError(bare);
    case 'bus-error':
      return new BusFaultError(bare);
    case 'adapter-error':
      return new AdapterError(bare);
    case 'malformed-response':
      return new MalformedResponseError(bare);
    case 'not-announced':
    case 'negative-response':
      return new LinkError(bare, 'protocol-error');
    default:
      return new LinkError(bare, p.code);
  }
}
