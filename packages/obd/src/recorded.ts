import {
  type Bus,
  type Frame,
  OBD_TESTER_ADDRESS,
  Player,
  parseNormalFixedId,
  type ReassemblyErrorCode,
  readLog,
  readLogText,
  reassembleAll,
  saySystemError,
  toHex,
} from '@atelier/can';
import type { Clock } from '@atelier/clock';
import { EcuAddressError, functionalAddressOf, requestAddressOf, responseAddressOf } from './address.js';
import {
  FUNCTIONAL,
  physical,
  type RecordedPids,
  type Responder,
  type ResponderAnswer,
  type Target,
} from './link.js';
import { answeredPids, pidDataIn } from './pids.js';

/**
 * A recorded session as a Responder: every request answered with what the recorded vehicle answered
 * to the same bytes. Built from a CAN log here, from an ELM327 transcript by @atelier/elm327; served
 * through the emulator or on a bus, it lets an instructor record a real car once and replay it to a
 * class. The one recorded responder of the project.
 */

/** One request seen in a recording and what every ECU answered. */
export interface RecordedExchange {
  /** Seconds from the start of the recording. */
  t: number;
  target: Target;
  extended: boolean;
  request: Uint8Array;
  /** Every ECU's answer, with its latency to the first frame (ms); an empty list is a recorded silence. */
  responses: { ecu: number; data: Uint8Array; delayMs: number }[];
}

/** A recording that cannot be used: names the source and why. */
export class RecordingError extends Error {
  override name = 'RecordingError';
  /** The reason in English, as `message` gives it after the source. */
  readonly reason: string;
  constructor(
    readonly source: string,
    readonly detail: RecordingReason,
  ) {
    const reason = RECORDING_TEXTS[detail.code].en(detail);
    super(`${source}: ${reason}`);
    this.reason = reason;
  }

  /** The message in `lang` (the instructor who uploaded the recording reads French). */
  messageIn(lang: 'fr' | 'en'): string {
    if (lang === 'en') return this.message;
    return `${this.source} : ${RECORDING_TEXTS[this.detail.code].fr(this.detail)}`;
  }
}

/**
 * Why a recording cannot be replayed, as a code (and the operating system's words for a file that
 * cannot be read): English is the error's message as it always was, French is what the workshop
 * shows. The same shape as the log, scenario and transcript reasons of the other packages.
 */
export interface RecordingReason {
  code: keyof typeof RECORDING_TEXTS;
  /** The operating system's message (Node's, in English) for a file that cannot be read. */
  why?: string;
  /** Its code (`ENOENT`), which says it in French (see @atelier/can's system-error-texts). */
  systemCode?: string;
}

const RECORDING_TEXTS = {
  'no-answered-request': {
    en: () => 'no diagnostic request with an answer in it',
    fr: () => 'aucune requête de diagnostic n’y reçoit de réponse : rien à rejouer',
  },
  'no-answered-exchange': {
    en: () => 'no OBD/UDS exchange with an answer in the transcript',
    fr: () => 'aucun échange OBD/UDS avec une réponse dans le transcript : rien à rejouer',
  },
  'cannot-read': {
    en: (r: RecordingReason) => `cannot read: ${r.why ?? ''}`,
    fr: (r: RecordingReason) =>
      `lecture impossible : ${saySystemError({ code: r.systemCode, message: r.why ?? '' }, 'fr')}`,
  },
} as const satisfies Record<
  string,
  { en: (r: RecordingReason) => string; fr: (r: RecordingReason) => string }
>;

/** An ISO-TP message of a diagnostic id that could not be reassembled from the log (typed, not skipped). */
export interface ReassemblyProblem {
  id: number;
  extended: boolean;
  /** Seconds from the start of the recording. */
  t: number;
  error: ReassemblyErrorCode;
  detail: string;
}

/**
 * How the same request asked again picks among its recorded answers: `time`, the exchange recorded
 * nearest to the same offset from the first request (live values move as they did in the car);
 * `turn`, the recorded answers in turn, going round (live values move request by request, whatever
 * the pace of the replay).
 */
export type ReplayPace = 'time' | 'turn';

export interface RecordedOptions {
  /** Frames of the recording that were not diagnostic traffic, to play alongside. */
  broadcast?: Frame[];
  /** Where the recording comes from, for errors. */
  source?: string;
  pace?: ReplayPace;
  /** The ELM327 protocol number the recording was made on, for the emulator that serves it. */
  protocol?: string;
  /** Serving-clock time of the replay's start (default: the first request's). */
  startMs?: number;
  /** Messages that could not be reassembled from the log. */
  problems?: ReassemblyProblem[];
}

const isResponseTo = (resp: Uint8Array, req: Uint8Array) =>
  resp[0] === req[0] + 0x40 || (resp[0] === 0x7f && resp[1] === req[0]);

/** Request service ids a tester sends (OBD modes, KWP2000 and UDS services). */
const REQUEST_SIDS = new Set([
  0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x10, 0x11, 0x14, 0x17, 0x18, 0x19, 0x1a, 0x21,
  0x22, 0x23, 0x27, 0x28, 0x2c, 0x2e, 0x2f, 0x30, 0x31, 0x34, 0x35, 0x36, 0x37, 0x3b, 0x3e, 0x85,
]);

/** Diagnostic CAN ids by convention: 11-bit 0x600–0x7FF (OBD 0x7DF/0x7E0–0x7EF among them), 29-bit normal fixed 0x18DA/0x18DB. */
const isDiagnosticId = (id: number, extended: boolean) =>
  extended ? id >>> 16 === 0x18da || id >>> 16 === 0x18db : id >= 0x600;

/** ISO 15765-4 physical request ids: 0x7E0–0x7E7, and 0x18DAxxF1 (the tester asking ECU xx). */
function isObdRequestId(id: number, extended: boolean): boolean {
  if (!extended) return id >= 0x7e0 && id <= 0x7e7;
  const parts = parseNormalFixedId(id);
  return parts !== undefined && !parts.functional && parts.source === OBD_TESTER_ADDRESS;
}

const targetOf = (id: number, extended: boolean): Target =>
  id === functionalAddressOf(extended) ? FUNCTIONAL : physical(id);

const idKey = (id: number, ext: boolean) => `${ext ? 'x' : 's'}${id}`;

/**
 * Pairs requests and responses from a recorded bus: messages on diagnostic ids reassembled with
 * @atelier/can's passive reassembler; a message whose first byte is a request SID, answered by
 * messages on other ids carrying SID + 0x40 (or 0x7F SID) within 2 s. Frames on ids that never took
 * part in that traffic are the recording's broadcast frames. A message of a diagnostic id that could
 * not be reassembled is a problem in the result, never silently dropped.
 */
export function exchangesFromFrames(frames: Frame[]): {
  exchanges: RecordedExchange[];
  broadcast: Frame[];
  problems: ReassemblyProblem[];
} {
  const t0 = frames.length ? frames[0].timestamp : 0;
  const events = reassembleAll(frames, { include: (f) => isDiagnosticId(f.id, f.extended) });
  const exchanges: RecordedExchange[] = [];
  const diagIds = new Set<string>();
  // Open requests, latest last. Other traffic may come between a request and its answer (another
  // ECU's broadcast that happens to look like a single frame), so answers are matched by service
  // id to the latest open request on another id, within 2 s.
  const open: { ex: RecordedExchange; id: number; at: number }[] = [];
  const messages = events.filter((e) => e.type === 'message').sort((a, b) => a.timestamp - b.timestamp);
  for (const m of messages) {
    let owner: (typeof open)[number] | undefined;
    for (let i = open.length - 1; i >= 0 && !owner; i--) {
      const p = open[i];
      if (m.timestamp - p.at > 2) break;
      if (m.id !== p.id && m.extended === p.ex.extended && isResponseTo(m.data, p.ex.request)) owner = p;
    }
    if (owner) {
      // A 0x78 "response pending" is not the answer; the real one follows.
      if (m.data[0] === 0x7f && m.data[2] === 0x78) continue;
      // The ECU's latency is the time to its first frame; the transfer itself is the link's business.
      owner.ex.responses.push({
        ecu: m.id,
        data: m.data,
        delayMs: Math.round((m.start - owner.at) * 1000),
      });
      diagIds.add(idKey(m.id, m.extended)).add(idKey(owner.id, m.extended));
      continue;
    }
    if (REQUEST_SIDS.has(m.data[0])) {
      const ex: RecordedExchange = {
        t: m.timestamp - t0,
        target: targetOf(m.id, m.extended),
        extended: m.extended,
        request: m.data,
        responses: [],
      };
      exchanges.push(ex);
      // A new request from the same tester address supersedes the previous one (one at a time per id).
      const same = open.findIndex((p) => p.id === m.id && p.ex.extended === m.extended);
      if (same >= 0) open.splice(same, 1);
      open.push({ ex, id: m.id, at: m.timestamp });
    }
  }
  // Requests on the OBD request ids count as diagnostic traffic even when no ECU answered (an ECU
  // that had lost communication): replayed, they get the same silence.
  for (const e of exchanges) {
    if (e.target.kind === 'functional' || isObdRequestId(e.target.address, e.extended))
      diagIds.add(
        idKey(
          e.target.kind === 'functional' ? functionalAddressOf(e.extended) : e.target.address,
          e.extended,
        ),
      );
  }
  // A silent physical request on a diagnostic id is kept (replayed as the same silence).
  const answered = exchanges.filter(
    (e) =>
      e.responses.length > 0 ||
      (e.target.kind === 'physical' && diagIds.has(idKey(e.target.address, e.extended))),
  );
  const broadcast = frames
    .filter((f) => !diagIds.has(idKey(f.id, f.extended)))
    .map((f) => ({ ...f, timestamp: f.timestamp - t0 }));
  // Anomalies on ids that carried diagnostics; other ids' frames were never ISO-TP to begin with.
  const problems: ReassemblyProblem[] = [];
  for (const e of events)
    if (e.type === 'error' && diagIds.has(idKey(e.id, e.extended)))
      problems.push({
        id: e.id,
        extended: e.extended,
        t: e.timestamp - t0,
        error: e.error,
        detail: e.detail,
      });
  return { exchanges: answered, broadcast, problems };
}

const requestKey = (target: Target, extended: boolean, request: Uint8Array) =>
  `${extended ? 'x' : 's'}|${target.kind === 'functional' ? 'F' : target.address.toString(16)}|${toHex(request)}`;

export class RecordedResponder implements Responder {
  readonly broadcast: Frame[];
  readonly source: string;
  readonly pace: ReplayPace;
  readonly protocol: string | undefined;
  readonly problems: ReassemblyProblem[];
  private readonly byRequest = new Map<string, RecordedExchange[]>();
  private readonly turns = new Map<string, number>();
  private startMs: number | undefined;
  private readonly origin: number;

  constructor(
    readonly exchanges: RecordedExchange[],
    options: RecordedOptions = {},
  ) {
    this.broadcast = options.broadcast ?? [];
    this.source = options.source ?? 'recording';
    this.pace = options.pace ?? 'time';
    this.protocol = options.protocol;
    this.problems = options.problems ?? [];
    this.startMs = options.startMs;
    for (const e of exchanges) {
      const k = requestKey(e.target, e.extended, e.request);
      const list = this.byRequest.get(k) ?? [];
      list.push(e);
      this.byRequest.set(k, list);
    }
    this.origin = exchanges.length ? Math.min(...exchanges.map((e) => e.t)) : 0;
  }

  /** A recording that holds no answer at all is refused: nothing could be replayed from it. */
  static checked(exchanges: RecordedExchange[], options: RecordedOptions = {}): RecordedResponder {
    if (!exchanges.some((e) => e.responses.length > 0))
      throw new RecordingError(options.source ?? 'recording', { code: 'no-answered-request' });
    return new RecordedResponder(exchanges, options);
  }

  /** From the frames of a recorded bus (ISO-TP diagnostic traffic, and broadcast frames beside it). */
  static fromFrames(frames: Frame[], options: RecordedOptions = {}): RecordedResponder {
    const { exchanges, broadcast, problems } = exchangesFromFrames(frames);
    return RecordedResponder.checked(exchanges, { ...options, broadcast, problems });
  }

  /** From a CAN log (any format @atelier/can reads) holding ISO-TP diagnostic traffic. */
  static async fromCanLog(path: string, options: RecordedOptions = {}): Promise<RecordedResponder> {
    const frames: Frame[] = [];
    for await (const f of readLog(path)) frames.push(f);
    return RecordedResponder.fromFrames(frames, { source: path, ...options });
  }

  static async fromCanLogText(
    text: string,
    name = 'log',
    options: RecordedOptions = {},
  ): Promise<RecordedResponder> {
    const frames: Frame[] = [];
    for await (const f of readLogText(text, name)) frames.push(f);
    return RecordedResponder.fromFrames(frames, { source: name, ...options });
  }

  /**
   * The service 01 PIDs each ECU answered in the recording (support bitmaps 00, 20, 40… left out),
   * in increasing order: what a scan can ask an ECU the recording holds no bitmap of. An answer is
   * read as SAE J1979 lays it out (41, then each PID followed by its data, of the length the
   * standard gives it; see `answeredPids`), never by looking for the PID's byte anywhere in it: a
   * data byte equal to a PID asked is data. A PID of unknown length, or cut short, is the last one
   * taken from that answer.
   */
  recordedPids(): RecordedPids[] {
    const byEcu = new Map<string, { ecu: number; extended: boolean; pids: Set<number> }>();
    for (const e of this.exchanges) {
      if (e.request[0] !== 0x01 || e.request.length < 2) continue;
      const asked = new Set(e.request.subarray(1));
      for (const r of e.responses) {
        if (r.data[0] !== 0x41) continue;
        const key = `${e.extended ? 'x' : 's'}${r.ecu}`;
        const entry = byEcu.get(key) ?? { ecu: r.ecu, extended: e.extended, pids: new Set<number>() };
        for (const pid of answeredPids(r.data.subarray(1))) {
          // A PID that was not asked means the answer went off the request here (a padding byte
          // that happens to be a PID, another request's answer): what follows is not trusted.
          if (!asked.has(pid)) break;
          if (pid % 0x20 !== 0) entry.pids.add(pid);
        }
        byEcu.set(key, entry);
      }
    }
    return [...byEcu.values()]
      .filter((e) => e.pids.size > 0)
      .map((e) => ({ ecu: e.ecu, extended: e.extended, pids: [...e.pids].sort((a, b) => a - b) }));
  }

  /** Number of distinct requests recorded. */
  get size(): number {
    return this.byRequest.size;
  }

  respond(req: { target: Target; data: Uint8Array; extended?: boolean; nowMs?: number }): ResponderAnswer[] {
    const nowMs = req.nowMs ?? 0;
    if (this.startMs === undefined) this.startMs = nowMs;
    // Time is aligned on the first recorded request: the replayed session's first request is its start.
    const elapsed = (nowMs - this.startMs) / 1000 + this.origin + 0.001;
    const widths = req.extended === undefined ? [false, true] : [req.extended];
    for (const extended of widths) {
      const key = requestKey(req.target, extended, req.data);
      const exact = this.byRequest.get(key);
      if (exact) return this.pick(key, exact, elapsed).responses.map((r) => ({ ...r }));
    }
    // The same bytes were asked the other way (functional vs physical): answer per ECU.
    for (const extended of widths) {
      const found = this.perEcu(req.target, extended, req.data, elapsed);
      if (found.length) return found;
    }
    // One PID the recording only asked among others (`01 0C 0D 05`): J1979 has an ECU answer a PID
    // alone as it answers it in a group, so its part of the recorded answer is the answer.
    if (req.data.length === 2 && req.data[0] === 0x01)
      for (const extended of widths) {
        const found = this.fromGroups(req.target, extended, req.data[1]!, elapsed);
        if (found.length) return found;
      }
    // Several PIDs the recording asked one by one (a live poller groups up to six; a logger such as
    // a CANedge polls them singly): each ECU answers the ones it answered, in the order asked.
    if (req.data.length > 2 && req.data.length <= 7 && req.data[0] === 0x01)
      return this.grouped(req, [...req.data.subarray(1)]);
    return [];
  }

  /** An answer to `01 a b c…` put together from the recording's answers to each PID. */
  private grouped(
    req: { target: Target; data: Uint8Array; extended?: boolean; nowMs?: number },
    pids: number[],
  ): ResponderAnswer[] {
    const parts = new Map<number, { bytes: number[]; delayMs: number }>();
    for (const pid of pids) {
      for (const a of this.respond({ ...req, data: Uint8Array.of(0x01, pid) })) {
        if (a.data[0] !== 0x41 || a.data[1] !== pid) continue;
        const data = pidDataIn(a.data.subarray(1), pid);
        if (!data) continue;
        const part = parts.get(a.ecu) ?? { bytes: [0x41], delayMs: 0 };
        part.bytes.push(pid, ...data);
        part.delayMs = Math.max(part.delayMs, a.delayMs ?? 0);
        parts.set(a.ecu, part);
      }
    }
    return [...parts].map(([ecu, p]) => ({ ecu, data: Uint8Array.from(p.bytes), delayMs: p.delayMs }));
  }

  /**
   * Answers to `01 pid` cut out of recorded answers to multi-PID requests that asked it: per ECU,
   * the exchange nearest in time whose answer holds the PID whole.
   */
  private fromGroups(target: Target, extended: boolean, pid: number, elapsed: number): ResponderAnswer[] {
    const best = new Map<number, { t: number; answer: ResponderAnswer }>();
    for (const e of this.exchanges) {
      if (e.extended !== extended || e.request[0] !== 0x01 || e.request.length < 3) continue;
      if (!e.request.subarray(1).includes(pid)) continue;
      for (const r of e.responses) {
        if (r.data[0] !== 0x41) continue;
        if (target.kind === 'physical' && this.requestAddressOf(r.ecu, extended) !== target.address) continue;
        const data = pidDataIn(r.data.subarray(1), pid);
        if (!data) continue;
        const seen = best.get(r.ecu);
        if (seen && Math.abs(seen.t - elapsed) <= Math.abs(e.t - elapsed)) continue;
        const answer = new Uint8Array(2 + data.length);
        answer[0] = 0x41;
        answer[1] = pid;
        answer.set(data, 2);
        best.set(r.ecu, { t: e.t, answer: { ecu: r.ecu, data: answer, delayMs: r.delayMs } });
      }
    }
    return [...best.values()].map((b) => b.answer);
  }

  private pick(key: string, list: RecordedExchange[], elapsed: number): RecordedExchange {
    if (this.pace === 'turn') {
      const i = this.turns.get(key) ?? 0;
      this.turns.set(key, i + 1);
      return list[i % list.length];
    }
    // The nearest recorded exchange in time, so a replay that runs a little early or late still
    // lands on the same sample.
    let best = list[0];
    for (const e of list) if (Math.abs(e.t - elapsed) < Math.abs(best.t - elapsed)) best = e;
    return best;
  }

  private perEcu(target: Target, extended: boolean, request: Uint8Array, elapsed: number): ResponderAnswer[] {
    const hex = `|${toHex(request)}`;
    const all: RecordedExchange[] = [];
    for (const [k, list] of this.byRequest)
      if (k.startsWith(extended ? 'x|' : 's|') && k.endsWith(hex)) all.push(...list);
    all.sort((a, b) => a.t - b.t);
    const out = new Map<number, ResponderAnswer>();
    for (const e of all) {
      if (e.t > elapsed && out.size > 0) break;
      for (const r of e.responses) {
        if (target.kind === 'physical' && this.requestAddressOf(r.ecu, extended) !== target.address) continue;
        out.set(r.ecu, { ...r });
      }
    }
    return [...out.values()];
  }

  /** The address an ECU was asked on in the recording, else the ISO 15765-4 rule. */
  private requestAddressOf(response: number, extended: boolean): number | undefined {
    for (const e of this.exchanges)
      if (
        e.target.kind === 'physical' &&
        e.extended === extended &&
        e.responses.some((r) => r.ecu === response)
      )
        return e.target.address;
    return otherSide(requestAddressOf, response, extended);
  }

  ecus(): { request: number; response: number; extended: boolean; name?: string }[] {
    const seen = new Map<string, { request: number; response: number; extended: boolean }>();
    for (const e of this.exchanges) {
      // A physical address that was asked but never answered is still an ECU of the car (a silent one).
      if (e.responses.length === 0 && e.target.kind === 'physical') {
        const a = e.target.address;
        const response = otherSide(responseAddressOf, a, e.extended);
        const k = `${e.extended}|${response}`;
        if (response !== undefined && !seen.has(k))
          seen.set(k, { request: a, response, extended: e.extended });
      }
      for (const r of e.responses) {
        const request =
          e.target.kind === 'physical' ? e.target.address : this.requestAddressOf(r.ecu, e.extended);
        if (request !== undefined)
          seen.set(`${e.extended}|${r.ecu}`, { request, response: r.ecu, extended: e.extended });
      }
    }
    return [...seen.values()];
  }

  /** Plays the recording's broadcast frames on `bus`, at their recorded times from now. */
  playBroadcast(bus: Bus, options: { clock?: Clock; loop?: boolean; signal?: AbortSignal } = {}): Player {
    return new Player(bus, this.broadcast, {
      clock: options.clock,
      loop: options.loop,
      signal: options.signal,
    });
  }
}

/** The other side of an address by the ISO 15765-4 rule, or undefined for an id outside it. */
function otherSide(rule: (id: number, extended: boolean) => number, id: number, extended: boolean) {
  try {
    return rule(id, extended);
  } catch (err) {
    if (err instanceof EcuAddressError) return undefined;
    throw err;
  }
}
