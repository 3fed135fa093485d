import { type Bus, type Frame, Player, readLog, readLogText, toHex } from '@atelier/can';
import type { Clock } from '@atelier/clock';
import { parseAnswer, protocolById, Transcript } from '@atelier/elm327';
import { FUNCTIONAL, physical, type Responder, type ResponderAnswer, type Target } from '@atelier/obd';
import { FUNCTIONAL_11, FUNCTIONAL_29 } from './profiles.js';

/** One request seen in a recording and what every ECU answered. */
export interface RecordedExchange {
  /** Seconds from the start of the recording. */
  t: number;
  target: Target;
  extended: boolean;
  request: Uint8Array;
  responses: { ecu: number; data: Uint8Array; delayMs: number }[];
}

/** A recording that cannot be used: names the source and why. */
export class RecordingError extends Error {
  override name = 'RecordingError';
  constructor(
    readonly source: string,
    reason: string,
  ) {
    super(`${source}: ${reason}`);
  }
}

/** An ISO-TP message reassembled from a log (normal addressing), with the time of its last frame. */
export interface IsoTpMessage {
  id: number;
  extended: boolean;
  data: Uint8Array;
  t: number;
  /** Time of the message's first frame. */
  tFirst: number;
}

/**
 * Reassembles ISO 15765-2 messages from frames as a passive listener: single frames, first frame +
 * consecutive frames, flow control noted. Returns the messages and the ids that carried ISO-TP.
 */
export function isoTpMessages(frames: Iterable<Frame>): {
  messages: IsoTpMessage[];
  flowControlIds: Set<number>;
} {
  const open = new Map<number, { expected: number; next: number; data: number[]; t: number }>();
  const messages: IsoTpMessage[] = [];
  const flowControlIds = new Set<number>();
  for (const f of frames) {
    if (f.remote || f.error || f.data.length === 0) continue;
    const d = f.data;
    const key = f.id + (f.extended ? 0x100000000 : 0);
    const type = d[0] >> 4;
    if (type === 0) {
      let len = d[0] & 0x0f;
      let start = 1;
      if (len === 0 && d.length > 8) {
        len = d[1];
        start = 2;
      }
      if (len === 0 || len > d.length - start) continue;
      messages.push({
        id: f.id,
        extended: f.extended,
        data: d.slice(start, start + len),
        t: f.timestamp,
        tFirst: f.timestamp,
      });
    } else if (type === 1) {
      const len = ((d[0] & 0x0f) << 8) | d[1];
      if (len < 8 || d.length < 8) continue;
      open.set(key, { expected: len, next: 1, data: [...d.subarray(2)], t: f.timestamp });
    } else if (type === 2) {
      const a = open.get(key);
      if (!a) continue;
      if ((d[0] & 0x0f) !== a.next) {
        open.delete(key);
        continue;
      }
      a.next = (a.next + 1) & 0x0f;
      a.data.push(...d.subarray(1));
      if (a.data.length >= a.expected) {
        messages.push({
          id: f.id,
          extended: f.extended,
          data: Uint8Array.from(a.data.slice(0, a.expected)),
          t: f.timestamp,
          tFirst: a.t,
        });
        open.delete(key);
      }
    } else if (type === 3 && d.length >= 3) {
      flowControlIds.add(key);
    }
  }
  return { messages, flowControlIds };
}

const isResponseTo = (resp: Uint8Array, req: Uint8Array) =>
  resp[0] === req[0] + 0x40 || (resp[0] === 0x7f && resp[1] === req[0]);

/** Request service ids a tester sends (OBD modes, KWP2000 and UDS services). */
const REQUEST_SIDS = new Set([
  0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x10, 0x11, 0x14, 0x17, 0x18, 0x19, 0x1a, 0x21,
  0x22, 0x23, 0x27, 0x28, 0x2c, 0x2e, 0x2f, 0x30, 0x31, 0x34, 0x35, 0x36, 0x37, 0x3b, 0x3e, 0x85,
]);

const targetOf = (id: number, extended: boolean): Target =>
  (extended ? id === FUNCTIONAL_29 : id === FUNCTIONAL_11) ? FUNCTIONAL : physical(id);

/**
 * Pairs requests and responses from a recorded bus: a message whose first byte is a request SID,
 * answered by messages on other ids carrying SID + 0x40 (or 0x7F SID) within 2 s.
 * Only ids where carmakers put diagnostics are considered: 0x600–0x7FF, and 29-bit 0x18DA/0x18DB.
 * Frames on ids that never took part in that traffic are the recording's broadcast frames.
 */
export function exchangesFromFrames(frames: Frame[]): { exchanges: RecordedExchange[]; broadcast: Frame[] } {
  const t0 = frames.length ? frames[0].timestamp : 0;
  const { messages } = isoTpMessages(frames);
  const exchanges: RecordedExchange[] = [];
  const diagIds = new Set<string>();
  const key = (id: number, ext: boolean) => `${ext ? 'x' : 's'}${id}`;
  // Open requests, latest last. Other traffic may come between a request and its answer (another
  // ECU's broadcast that happens to look like a single frame), so answers are matched by service
  // id to the latest open request on another id, within 2 s.
  const open: { ex: RecordedExchange; id: number; at: number }[] = [];
  for (const m of messages) {
    if (!isDiagnosticId(m.id, m.extended)) continue;
    let owner: (typeof open)[number] | undefined;
    for (let i = open.length - 1; i >= 0 && !owner; i--) {
      const p = open[i];
      if (m.t - p.at > 2) break;
      if (m.id !== p.id && m.extended === p.ex.extended && isResponseTo(m.data, p.ex.request)) owner = p;
    }
    if (owner) {
      // A 0x78 "response pending" is not the answer; the real one follows.
      if (m.data[0] === 0x7f && m.data[2] === 0x78) continue;
      // The ECU's latency is the time to its first frame; the transfer itself is the link's business.
      owner.ex.responses.push({ ecu: m.id, data: m.data, delayMs: Math.round((m.tFirst - owner.at) * 1000) });
      diagIds.add(key(m.id, m.extended)).add(key(owner.id, m.extended));
      continue;
    }
    if (REQUEST_SIDS.has(m.data[0])) {
      const ex: RecordedExchange = {
        t: m.t - t0,
        target: targetOf(m.id, m.extended),
        extended: m.extended,
        request: m.data,
        responses: [],
      };
      exchanges.push(ex);
      // A new request from the same tester address supersedes the previous one (one at a time per id).
      const same = open.findIndex((p) => p.id === m.id && p.ex.extended === m.extended);
      if (same >= 0) open.splice(same, 1);
      open.push({ ex, id: m.id, at: m.t });
    }
  }
  // Requests on the OBD request ids count as diagnostic traffic even when no ECU answered (an ECU
  // that had lost communication): replayed, they get the same silence.
  for (const e of exchanges) {
    if (e.target.kind === 'functional' || isObdRequestId(e.target.address, e.extended)) {
      diagIds.add(
        key(
          e.target.kind === 'functional' ? (e.extended ? FUNCTIONAL_29 : FUNCTIONAL_11) : e.target.address,
          e.extended,
        ),
      );
    }
  }
  const answered = exchanges.filter(
    (e) => e.responses.length > 0 || diagIds.has(key(idOf(e.target), e.extended)),
  );
  const broadcast = frames.filter((f) => !diagIds.has(key(f.id, f.extended)));
  return { exchanges: answered, broadcast };
}

const idOf = (t: Target) => (t.kind === 'physical' ? t.address : -1);

/** Diagnostic CAN ids by convention: 11-bit 0x600–0x7FF (OBD 0x7DF/0x7E0–0x7EF among them), 29-bit normal fixed 0x18DA/0x18DB. */
const isDiagnosticId = (id: number, extended: boolean) =>
  extended ? id >>> 16 === 0x18da || id >>> 16 === 0x18db : id >= 0x600;

/** ISO 15765-4 physical request ids: 0x7E0–0x7E7, 0x18DAxxF1. */
const isObdRequestId = (id: number, extended: boolean) =>
  extended ? (id & 0xffff00ff) === 0x18da00f1 : id >= 0x7e0 && id <= 0x7e7;

/**
 * A recorded session as a Responder: answers each request with what the recorded vehicle answered
 * to the same bytes, taking the recorded exchange nearest in time to the same offset from the
 * first request, so that live values move as they did in the car. Its broadcast frames
 * can be played alongside on a bus.
 */
export class RecordingResponder implements Responder {
  private readonly byRequest = new Map<string, RecordedExchange[]>();
  private startMs?: number;
  private readonly origin: number;

  constructor(
    readonly exchanges: RecordedExchange[],
    readonly broadcast: Frame[] = [],
    readonly source = 'recording',
    options: { startMs?: number } = {},
  ) {
    if (!exchanges.some((e) => e.responses.length > 0))
      throw new RecordingError(source, 'no diagnostic request with an answer in it');
    for (const e of exchanges) {
      const k = this.key(e.target, e.extended, e.request);
      const list = this.byRequest.get(k) ?? [];
      list.push(e);
      this.byRequest.set(k, list);
    }
    this.startMs = options.startMs;
    this.origin = Math.min(...exchanges.map((e) => e.t));
  }

  /** From a CAN log (any format @atelier/can reads) holding ISO-TP diagnostic traffic. */
  static async fromCanLog(path: string, options: { startMs?: number } = {}): Promise<RecordingResponder> {
    const frames: Frame[] = [];
    for await (const f of readLog(path)) frames.push(f);
    const { exchanges, broadcast } = exchangesFromFrames(frames);
    return new RecordingResponder(exchanges, rebase(broadcast, frames), path, options);
  }

  static async fromCanLogText(
    text: string,
    name = 'log',
    options: { startMs?: number } = {},
  ): Promise<RecordingResponder> {
    const frames: Frame[] = [];
    for await (const f of readLogText(text, name)) frames.push(f);
    const { exchanges, broadcast } = exchangesFromFrames(frames);
    return new RecordingResponder(exchanges, rebase(broadcast, frames), name, options);
  }

  /**
   * From an ELM327 transcript (the elm327 package's format): each hex command and the answer the
   * adapter printed, with ATSH (header) and ATSP (protocol) followed along the way.
   */
  static fromTranscript(
    text: string,
    source = 'transcript',
    options: { startMs?: number } = {},
  ): RecordingResponder {
    const entries = Transcript.parse(text, source);
    const exchanges: RecordedExchange[] = [];
    let protocol = protocolById('6')!;
    let header: number | undefined;
    let headers = false;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i];
      if (e.dir !== 'tx') continue;
      const cmd = e.data
        .replace(/[\r\n]/g, '')
        .trim()
        .toUpperCase();
      let rx = '';
      for (let j = i + 1; j < entries.length && entries[j].dir !== 'tx'; j++) {
        if (entries[j].dir === 'rx') {
          rx += entries[j].data;
        }
      }
      if (cmd.startsWith('AT')) {
        const c = cmd.slice(2).replace(/\s+/g, '');
        if (/^SP[0-9A-C]$|^TP[0-9A-C]$/.test(c) || /^SPA[0-9A-C]$/.test(c))
          protocol = protocolById(c.slice(-1)) ?? protocol;
        else if (c.startsWith('SH')) header = Number.parseInt(c.slice(2), 16);
        else if (c === 'H1') headers = true;
        else if (c === 'H0') headers = false;
        else if (c === 'Z' || c === 'D') {
          header = undefined;
          headers = false;
        }
        continue;
      }
      const hex = cmd.replace(/\s+/g, '');
      if (!/^([0-9A-F]{2})+[0-9]?$/.test(hex)) continue;
      const request = Uint8Array.from(
        hex
          .slice(0, hex.length - (hex.length % 2))
          .match(/../g)!
          .map((b) => Number.parseInt(b, 16)),
      );
      let responses: RecordedExchange['responses'] = [];
      try {
        const parsed = parseAnswer(rx.replace(/>/g, ''), { protocol, headers, command: cmd });
        responses = parsed.responses.map((r) => ({
          ecu: r.ecu ?? (protocol.extended ? 0x18daf110 : 0x7e8),
          data: r.data,
          // The transcript shows the adapter's whole round trip, not the ECU's latency: the serving
          // adapter (emulator) adds its own timing, so none is added here.
          delayMs: 0,
        }));
      } catch {
        // NO DATA and adapter errors: the vehicle did not answer this one.
      }
      const extended = protocol.extended;
      const functionalHeader = extended ? FUNCTIONAL_29 : FUNCTIONAL_11;
      const target = header === undefined || header === functionalHeader ? FUNCTIONAL : physical(header);
      exchanges.push({ t: e.t / 1000, target, extended, request, responses });
    }
    return new RecordingResponder(exchanges, [], source, options);
  }

  private key(target: Target, extended: boolean, request: Uint8Array): string {
    return `${extended ? 'x' : 's'}|${target.kind === 'functional' ? 'F' : target.address.toString(16)}|${toHex(request)}`;
  }

  /** Recorded exchanges for these bytes, functional and physical, in time order. */
  private candidates(extended: boolean, request: Uint8Array): RecordedExchange[] {
    const hex = toHex(request);
    const out: RecordedExchange[] = [];
    for (const [k, list] of this.byRequest)
      if (k.startsWith(extended ? 'x|' : 's|') && k.endsWith(`|${hex}`)) out.push(...list);
    return out.sort((a, b) => a.t - b.t);
  }

  respond(req: { target: Target; data: Uint8Array; extended: boolean; nowMs: number }): ResponderAnswer[] {
    if (this.startMs === undefined) this.startMs = req.nowMs;
    // Time is aligned on the first recorded request: the replayed session's first request is its start.
    const elapsed = (req.nowMs - this.startMs) / 1000 + this.origin + 0.001;
    // The nearest recorded exchange in time, so a replay that runs a little early or late still
    // lands on the same sample.
    const pick = (list: RecordedExchange[]) => {
      let best = list[0];
      for (const e of list) if (Math.abs(e.t - elapsed) < Math.abs(best.t - elapsed)) best = e;
      return best;
    };
    const exact = this.byRequest.get(this.key(req.target, req.extended, req.data));
    if (exact) return pick(exact).responses.map((r) => ({ ecu: r.ecu, data: r.data, delayMs: r.delayMs }));
    // The same bytes were asked the other way (functional vs physical): answer per ECU.
    const all = this.candidates(req.extended, req.data);
    if (all.length === 0) return [];
    const perEcu = new Map<number, ResponderAnswer>();
    for (const e of all) {
      if (e.t > elapsed && perEcu.size > 0) break;
      for (const r of e.responses) {
        if (
          req.target.kind === 'physical' &&
          this.requestAddressOf(r.ecu, req.extended) !== req.target.address
        )
          continue;
        perEcu.set(r.ecu, { ecu: r.ecu, data: r.data, delayMs: r.delayMs });
      }
    }
    return [...perEcu.values()];
  }

  private requestAddressOf(response: number, extended: boolean): number {
    for (const e of this.exchanges) {
      if (
        e.target.kind === 'physical' &&
        e.extended === extended &&
        e.responses.some((r) => r.ecu === response)
      )
        return e.target.address;
    }
    if (extended) return 0x18da00f1 | ((response & 0xff) << 8);
    return response - 8;
  }

  ecus(): { request: number; response: number; extended: boolean; name?: string }[] {
    const seen = new Map<string, { request: number; response: number; extended: boolean }>();
    for (const e of this.exchanges) {
      // A physical address that was asked but never answered is still an ECU of the car (a silent one).
      if (e.responses.length === 0 && e.target.kind === 'physical') {
        const a = e.target.address;
        const response = e.extended ? 0x18daf100 | ((a >> 8) & 0xff) : a + 8;
        const k = `${e.extended}|${response}`;
        if (!seen.has(k)) seen.set(k, { request: a, response, extended: e.extended });
      }
      for (const r of e.responses) {
        const request =
          e.target.kind === 'physical' ? e.target.address : this.requestAddressOf(r.ecu, e.extended);
        seen.set(`${e.extended}|${r.ecu}`, { request, response: r.ecu, extended: e.extended });
      }
    }
    return [...seen.values()];
  }

  /** Plays the recording's broadcast frames on `bus`, at their recorded times from now. */
  playBroadcast(bus: Bus, options: { clock?: Clock; loop?: boolean; signal?: AbortSignal } = {}): Player {
    const player = new Player(bus, this.broadcast, {
      clock: options.clock,
      loop: options.loop,
      signal: options.signal,
    });
    return player;
  }
}

/** Broadcast frames with timestamps from the start of the recording (for Player and for reading). */
function rebase(broadcast: Frame[], all: Frame[]): Frame[] {
  const t0 = all.length ? all[0].timestamp : 0;
  return broadcast.map((f) => ({ ...f, timestamp: f.timestamp - t0 }));
}
