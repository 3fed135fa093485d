import {
  type Bus,
  type Frame,
  IsoTpEndpoint,
  IsoTpError,
  type IsoTpMessage,
  type IsoTpOptions,
  normalFixedId,
  OBD_FUNCTIONAL_ID_11,
  OBD_FUNCTIONAL_ID_29,
  OBD_TESTER_ADDRESS,
} from '@atelier/can';
import { type Clock, systemClock, type TimerHandle } from '@atelier/clock';
import { EcuAddressError, requestAddressOf, responseAddressOf } from './address.js';
import {
  BusFaultError,
  type DiagnosticLink,
  type EcuResponse,
  LinkError,
  type LinkInfo,
  type LinkRequest,
  LinkTimeoutError,
  MalformedResponseError,
  NoResponseError,
} from './link.js';
import { linkReason } from './link-reasons.js';
import { hexBytes } from './text.js';

/**
 * A DiagnosticLink over ISO-TP on any CAN bus, with ISO 15765-4 OBD addressing:
 * - 11-bit: functional requests on 0x7DF, ECUs answer on 0x7E8–0x7EF; physical requests to
 *   0x7E0–0x7E7 (response id − 8).
 * - 29-bit: functional requests on 0x18DB33F1, ECUs answer on 0x18DAF1xx; physical requests to
 *   0x18DAxxF1.
 * One ISO-TP endpoint per possible responder collects the answers of every ECU within the response
 * window; transfers still in progress at the end of the window are waited for (their own N_Cr
 * bounds them), and an ECU that answers 0x78 "response pending" is given P2* for its final answer.
 */

export interface IsoTpLinkOptions {
  clock?: Clock;
  /** 29-bit identifiers (normal fixed addressing). Default false: 11-bit. */
  extended?: boolean;
  /** Response ids to listen on. Default 0x7E8–0x7EF, or 0x18DAF100–0x18DAF1FF on 29-bit. */
  responseIds?: number[];
  /**
   * ECUs outside the OBD id scheme (a battery ECU on 0x79B → 0x7BB), by request and response id.
   * They are listened to as well, and physical requests to their request id go to them.
   */
  ecus?: { request: number; response: number }[];
  /** Response window, ms (SAE J1979 allows ECUs 50 ms; default 100 leaves margin for busy buses). */
  timeoutMs?: number;
  /** P2*: how long an ECU that answered "response pending" may take, ms. Default 5000. */
  pendingTimeoutMs?: number;
  /** ISO-TP settings of the tester's endpoints (padding, block size, STmin, N_ timeouts). */
  isotp?: Omit<IsoTpOptions, 'clock'>;
  /** Human-readable protocol for `info`, e.g. "ISO 15765-4 CAN (11 bit ID, 500 kbaud)". */
  protocol?: string;
}

interface Pending {
  sid: number;
  onlyEcu: number | undefined;
  expected: number;
  windowOver: boolean;
  answers: Map<number, EcuResponse>;
  /** ECUs that said "response pending", with the time their final answer is due. */
  waiting: Map<number, number>;
  /** ECUs whose multi-frame answer is under way. */
  busy: Set<number>;
  errors: Map<number, IsoTpError>;
  timers: TimerHandle[];
  pendingMs: number;
  check: () => void;
}

export class IsoTpLink implements DiagnosticLink {
  readonly info: LinkInfo;
  private readonly clock: Clock;
  private readonly extended: boolean;
  private readonly timeoutMs: number;
  private readonly pendingMs: number;
  private readonly endpoints = new Map<number, IsoTpEndpoint>();
  /** Non-OBD pairs: response id → request id, and back. */
  private readonly requestOf = new Map<number, number>();
  private readonly responseOf = new Map<number, number>();
  private readonly unsubscribeRaw: () => void;
  private current: Pending | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    readonly bus: Bus,
    private readonly options: IsoTpLinkOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.extended = options.extended ?? false;
    this.timeoutMs = options.timeoutMs ?? 100;
    this.pendingMs = options.pendingTimeoutMs ?? 5000;
    this.info = {
      kind: 'isotp',
      protocol: options.protocol ?? `ISO 15765-4 CAN (${this.extended ? 29 : 11} bit ID)`,
      extended: this.extended,
    };
    const ids =
      options.responseIds ??
      (this.extended
        ? Array.from({ length: 256 }, (_, i) => normalFixedId(OBD_TESTER_ADDRESS, i))
        : Array.from({ length: 8 }, (_, i) => 0x7e8 + i));
    for (const e of options.ecus ?? []) {
      this.requestOf.set(e.response, e.request);
      this.responseOf.set(e.request, e.response);
    }
    for (const id of ids) this.endpointFor(id);
    for (const e of options.ecus ?? []) this.endpointFor(e.response);
    // First frames tell us a long answer is on its way, so the window waits for it to complete.
    this.unsubscribeRaw = bus.subscribe(
      (f: Frame) => {
        const p = this.current;
        if (p && f.data.length > 0 && f.data[0] >> 4 === 1 && this.endpoints.has(f.id)) p.busy.add(f.id);
      },
      [{ id: 0, mask: 0, extended: this.extended }],
    );
  }

  /** The request id an ECU listens on, from its response id. */
  requestIdFor(responseId: number): number {
    return this.requestOf.get(responseId) ?? this.otherSide(requestAddressOf, responseId);
  }

  /** The response id of the ECU listening on a request id. */
  responseIdFor(requestId: number): number {
    return this.responseOf.get(requestId) ?? this.otherSide(responseAddressOf, requestId);
  }

  private otherSide(rule: (id: number, extended: boolean) => number, id: number): number {
    try {
      return rule(id, this.extended);
    } catch (err) {
      if (err instanceof EcuAddressError) throw new LinkError(err.message, 'protocol-error', { cause: err });
      throw err;
    }
  }

  private endpointFor(responseId: number): IsoTpEndpoint {
    let ep = this.endpoints.get(responseId);
    if (ep) return ep;
    ep = new IsoTpEndpoint(
      this.bus,
      {
        txId: this.requestIdFor(responseId),
        rxId: responseId,
        extendedIds: this.extended,
        functionalId: this.extended ? OBD_FUNCTIONAL_ID_29 : OBD_FUNCTIONAL_ID_11,
      },
      { ...this.options.isotp, clock: this.clock },
    );
    ep.onMessage((m) => this.onMessage(responseId, m));
    ep.onError((e) => this.onError(responseId, e));
    this.endpoints.set(responseId, ep);
    return ep;
  }

  request(req: LinkRequest): Promise<EcuResponse[]> {
    if (this.closed)
      return Promise.reject(new LinkError(linkReason('link-closed', { what: 'ISO-TP' }), 'closed'));
    // Normal addressing only here: a request meant for extended addressing, sent without its
    // address byte, would reach the wrong ECU or none, silently.
    if (req.addressExtension !== undefined)
      return Promise.reject(
        new LinkError(
          `ISO 15765-2 extended addressing (address 0x${req.addressExtension.toString(16).toUpperCase()}) is not supported on this link; an ELM327 does it with AT CEA`,
          'unavailable',
        ),
      );
    const run = this.queue.then(() => this.exchange(req));
    this.queue = run.catch(() => {});
    return run;
  }

  private async exchange(req: LinkRequest): Promise<EcuResponse[]> {
    if (this.closed) throw new LinkError(linkReason('link-closed', { what: 'ISO-TP' }), 'closed');
    if (req.data.length === 0) throw new LinkError('empty request', 'protocol-error');
    const functional = req.target.kind === 'functional';
    let onlyEcu: number | undefined;
    let sender: IsoTpEndpoint;
    if (req.target.kind === 'physical') {
      // An ECU outside the OBD scheme named by the request: its pair is learnt for good, so its
      // endpoint listens on its response id and addresses flow control to its request id.
      if (req.responseId !== undefined && !this.responseOf.has(req.target.address)) {
        this.requestOf.set(req.responseId, req.target.address);
        this.responseOf.set(req.target.address, req.responseId);
      }
      onlyEcu = this.responseIdFor(req.target.address);
      sender = this.endpointFor(onlyEcu);
    } else {
      if (req.data.length > 7) {
        throw new LinkError(linkReason('functional-too-long', { bytes: req.data.length }), 'protocol-error');
      }
      sender = this.endpoints.values().next().value!;
    }

    let settle!: () => void;
    const done = new Promise<void>((r) => {
      settle = r;
    });
    const p: Pending = {
      sid: req.data[0],
      onlyEcu,
      expected: req.expectedResponses ?? (functional ? Number.POSITIVE_INFINITY : 1),
      windowOver: false,
      answers: new Map(),
      waiting: new Map(),
      busy: new Set(),
      errors: new Map(),
      timers: [],
      pendingMs: req.pendingTimeoutMs ?? this.pendingMs,
      check: () => {
        if (p.answers.size >= p.expected) return settle();
        if (!p.windowOver || p.busy.size > 0) return;
        const now = this.clock.now();
        for (const due of p.waiting.values()) if (due > now) return;
        settle();
      },
    };
    this.current = p;
    try {
      try {
        await (functional ? sender.sendFunctional(req.data) : sender.send(req.data));
      } catch (err) {
        throw toLinkError(err, hexBytes(req.data));
      }
      p.timers.push(
        this.clock.setTimeout(() => {
          p.windowOver = true;
          p.check();
        }, req.timeoutMs ?? this.timeoutMs),
      );
      await done;
    } finally {
      this.current = undefined;
      for (const t of p.timers) this.clock.clearTimeout(t);
    }

    const name = (id: number) => id.toString(16).toUpperCase();
    for (const [ecu, err] of p.errors) {
      if (p.answers.has(ecu)) continue;
      if (err.code === 'wrong-sn' || err.code === 'unexpected-cf' || err.code === 'interrupted') {
        throw new MalformedResponseError(
          linkReason('answer-broken-off', {
            ecu: name(ecu),
            why: err.message,
            iso: err.code,
            whyFr: err.messageIn('fr'),
          }),
          { cause: err },
        );
      }
      throw new LinkTimeoutError(
        linkReason('answer-incomplete', {
          ecu: name(ecu),
          why: err.message,
          iso: err.code,
          whyFr: err.messageIn('fr'),
        }),
        { cause: err },
      );
    }
    for (const ecu of p.waiting.keys()) {
      if (!p.answers.has(ecu)) {
        throw new LinkTimeoutError(
          linkReason('response-pending-too-long', { ecu: name(ecu), ms: p.pendingMs }),
        );
      }
    }
    if (p.answers.size === 0) {
      throw new NoResponseError(
        linkReason('isotp-no-answer', {
          request: hexBytes(req.data),
          to: functional ? '' : name(req.target.kind === 'physical' ? req.target.address : 0),
          ms: req.timeoutMs ?? this.timeoutMs,
        }),
      );
    }
    return [...p.answers.values()].sort((a, b) => a.ecu - b.ecu);
  }

  private onMessage(ecu: number, m: IsoTpMessage): void {
    const p = this.current;
    if (!p || (p.onlyEcu !== undefined && ecu !== p.onlyEcu)) return;
    const d = m.data;
    p.busy.delete(ecu);
    if (d.length >= 3 && d[0] === 0x7f && d[1] === p.sid && d[2] === 0x78) {
      const due = this.clock.now() + p.pendingMs;
      p.waiting.set(ecu, due);
      p.timers.push(this.clock.setTimeout(() => p.check(), p.pendingMs));
      return;
    }
    p.waiting.delete(ecu);
    if (!p.answers.has(ecu))
      p.answers.set(ecu, { ecu, extended: this.extended, data: Uint8Array.from(d), timestamp: m.timestamp });
    p.check();
  }

  private onError(ecu: number, e: IsoTpError): void {
    const p = this.current;
    if (!p || (p.onlyEcu !== undefined && ecu !== p.onlyEcu)) return;
    p.busy.delete(ecu);
    p.errors.set(ecu, e);
    p.check();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribeRaw();
    for (const ep of this.endpoints.values()) ep.close();
  }
}

/** A failure to send `request` (its bytes as hex) as the LinkError of its kind. */
function toLinkError(err: unknown, request: string): LinkError {
  if (err instanceof LinkError) return err;
  const why = (iso: string, whyFr: string) =>
    linkReason('sending-failed', { request, why: (err as Error)?.message ?? String(err), iso, whyFr });
  if (err instanceof IsoTpError) {
    const reason = why(err.code, err.messageIn('fr'));
    if (err.code === 'bus-error') return new BusFaultError(reason, { cause: err });
    if (err.code === 'closed') return new LinkError(reason, 'closed', { cause: err });
    if (err.code.startsWith('timeout') || err.code === 'wait-limit')
      return new LinkTimeoutError(reason, { cause: err });
    return new LinkError(reason, 'protocol-error', { cause: err });
  }
  // A bus failure that says itself in French (a refused frame, a gone adapter) keeps its French.
  const e = err as { messageIn?: (lang: 'fr' | 'en') => string } | undefined;
  return new BusFaultError(why('', typeof e?.messageIn === 'function' ? e.messageIn('fr') : ''), {
    cause: err,
  });
}
