import type { Duplex } from 'node:stream';
import { type Clock, systemClock } from '@atelier/clock';
import {
  type DiagnosticLink,
  DisconnectedError,
  EcuAddressError,
  type EcuResponse,
  functionalAddressOf,
  LinkError,
  type LinkInfo,
  type LinkRequest,
  LinkTimeoutError,
  responseAddressOf,
  type Target,
} from '@atelier/obd';
import { elmReason, type ProtocolTried, protocolFailed, protocolTried } from './elm-reasons.js';
import {
  clip,
  ElmAbortedError,
  ElmAdapterError,
  ElmNoDataError,
  ElmSettingRefusedError,
  NotElm327Error,
  UnableToConnectError,
} from './errors.js';
import { manualFrames, readFlowControl, withEcuHeader } from './framing.js';
import { AdapterIO, type AdapterLimits } from './io.js';
import { answerLines, classifyLine, type ParsedResponse, parseAnswer } from './parse.js';
import { type AdapterProfile, GENUINE, matchProfile } from './profile.js';
import {
  type ElmProtocol,
  FALLBACK_ORDER,
  parseDpn,
  protocolById,
  protocolFromAnswer,
  protocolFromName,
} from './protocols.js';
import { ResponseTimes } from './timing.js';
import type { Transcript } from './transcript.js';

export interface Elm327Options {
  /** Opens (and on reconnect re-opens) the byte stream to the adapter. */
  open: () => Promise<Duplex>;
  clock?: Clock;
  /** Adapter profiles to recognise the adapter by (hardware/elm327/profiles); genuine only by default. */
  profiles?: AdapterProfile[];
  /** Forces a profile instead of recognising one. */
  profile?: AdapterProfile;
  /** Records every byte both ways. */
  transcript?: Transcript;
  /** ELM protocol to force (`6`); auto-detection with fallback when absent. */
  protocol?: string;
  /** Protocols tried one by one when automatic search fails. */
  fallback?: readonly string[];
  /** How long a protocol search may take, ms (clones print SEARCHING... for seconds). */
  searchTimeoutMs?: number;
  /** Read timeout before response times were measured, ms. */
  commandTimeoutMs?: number;
  /** Describes the transport in LinkInfo and errors (`tcp://…`, `/dev/ttyUSB0`). */
  address?: string;
  /**
   * Gives up: a connection attempt (reset, protocol search) or a request stops at once with
   * ElmAbortedError, and the line is released. Ctrl-C in the command line.
   */
  signal?: AbortSignal;
  /** What the adapter may send between prompts and in one line (see AdapterIO). */
  limits?: Partial<AdapterLimits>;
  /**
   * Extra commands sent during start-up, before the protocol search, their answers kept in
   * `adapter.identified` (`atelier adapter check` asks AT@1, ATPPS …); the answers reach the caller
   * even when no car answers (UnableToConnectError.adapter).
   */
  identify?: readonly string[];
}

export interface AdapterDetails {
  version: string;
  stn?: string;
  /** STDI: the STN product name. */
  device?: string;
  voltage?: number;
  profile: string;
  protocol: ElmProtocol;
  /** Protocol found by the adapter's automatic search (rather than forced or by fallback). */
  auto: boolean;
  /** ECUs that answered the detection request, by response address. */
  ecus: number[];
  /** Commands the adapter answered with `?` during start-up (ATI, STI, ATAT1 … on clones). */
  refused: string[];
  /** Protocols tried and what became of each (`0` is the automatic search). */
  tried: ProtocolTried[];
  /** Answers to the `identify` commands, by command. */
  identified: Record<string, string>;
}

/** What an adapter prints to say what it is: `ELM327 v1.5`, `STN2120 v5.6.19`, `OBDII v1.5` … */
const IDENT = /ELM\s*327|STN\d{4}|OBD|v\d+\.\d/i;

/**
 * A DiagnosticLink through an ELM327-compatible adapter. `connect()` runs the start-up sequence;
 * `request()` sends one OBD/UDS request and returns every ECU's answer or a typed error;
 * `reconnect()` reopens the transport after a DisconnectedError and starts again.
 */
export class Elm327Link implements DiagnosticLink {
  readonly clock: Clock;
  private io: AdapterIO | undefined;
  private profile: AdapterProfile;
  private header: string | undefined;
  private priority = 0x18;
  /** ATCRA in force (hex); undefined: automatic receive, the adapter's default. */
  private receive: string | undefined;
  /** ATFCSH in force with flow-control mode 1; undefined: mode 0, the adapter's default. */
  private flowHeader: string | undefined;
  /** ATFCSD was sent since the last reset (mode 1 needs it once). */
  private flowData = false;
  /** AT CEA hh in force (ISO 15765-2 extended addressing); undefined: off, the adapter's default. */
  private cea: number | undefined;
  /** AT CAF0 may be in force (a framed request whose ATCAF1 did not come back OK). */
  private cafOff = false;
  private atst: number | undefined;
  /** Lines the last complete answer to each request had (for the response-count digit). */
  private learned = new Map<string, number>();
  private details: AdapterDetails | undefined;
  private closing = false;
  private queue: Promise<unknown> = Promise.resolve();
  /** Answers the detection request got, for the scan when the adapter refuses to say it again. */
  private detection: EcuResponse[] = [];
  private refused: string[] = [];
  /** Counted requests answered NO DATA that were answered without the count. */
  private countFailures = 0;
  private countBroken = false;
  /** Every round trip, for the client's own read timeout. */
  readonly times = new ResponseTimes();
  /**
   * Round trips of requests sent with a response count: they end with the last answer rather than
   * with the adapter's timeout, so they measure the ECUs and are what ATST is set from.
   */
  readonly ecuTimes = new ResponseTimes();
  /** Requests answered, errors met, resyncs done: for the CLI's status line and tests. */
  readonly stats = { requests: 0, errors: 0, resyncs: 0, stopped: 0, reconnects: 0, stale: 0 };

  constructor(readonly options: Elm327Options) {
    this.clock = options.clock ?? systemClock;
    this.profile = options.profile ?? GENUINE;
  }

  static async connect(options: Elm327Options): Promise<Elm327Link> {
    const link = new Elm327Link(options);
    await link.start();
    return link;
  }

  get info(): LinkInfo {
    return {
      kind: 'elm327',
      protocol: this.details?.protocol.name,
      extended: this.details?.protocol.extended,
      version: this.details ? (this.details.stn ?? this.details.version) : undefined,
    };
  }

  get adapter(): AdapterDetails | undefined {
    return this.details;
  }

  get adapterProfile(): AdapterProfile {
    return this.profile;
  }

  /**
   * How many mode 01 PIDs one request may carry: J1979 allows up to six on CAN only, one on the
   * legacy buses, and the adapter's profile may allow fewer.
   */
  get maxPidsPerRequest(): number {
    const can = (this.details?.protocol.family ?? 'can') === 'can';
    return can ? this.profile.quirks.maxPids : 1;
  }

  /** Opens the transport and runs the start-up sequence. */
  async start(): Promise<AdapterDetails> {
    const signal = this.options.signal;
    if (signal?.aborted) throw new ElmAbortedError();
    const stream = await abortable(this.options.open(), signal);
    this.io = new AdapterIO(stream, this.clock, this.options.transcript, this.options.limits, signal);
    this.header = undefined;
    this.priority = 0x18;
    this.atst = undefined;
    this.learned.clear();
    try {
      return await this.initialise(this.io);
    } catch (err) {
      // A failed start-up leaves nothing open: the caller gets the error, not a half-open line.
      if (err instanceof NotElm327Error || err instanceof ElmAbortedError) await this.io.close();
      throw err;
    }
  }

  /** After a DisconnectedError: opens the transport again and re-runs the start-up sequence. */
  async reconnect(): Promise<AdapterDetails> {
    if (this.closing) throw new LinkError(elmReason('closed', {}), 'closed');
    await this.io?.close();
    this.stats.reconnects++;
    this.options.transcript?.record('note', 'reconnect');
    return this.start();
  }

  /**
   * Sends one AT or ST command in turn with the requests and returns what the adapter answered
   * (lines joined by `\n`, echo removed); `?` for a command it does not know.
   */
  command(cmd: string, timeoutMs = 2_000): Promise<string> {
    const run = this.queue.then(() => {
      if (this.closing) throw new LinkError(elmReason('closed', {}), 'closed');
      if (!this.io || this.io.closed)
        throw this.io?.error ?? new DisconnectedError(elmReason('not-connected', { hint: '' }));
      return this.at(this.io, cmd, timeoutMs);
    });
    this.queue = run.catch(() => {});
    return run;
  }

  /** Answers the protocol detection request (`01 00`) got: the ECUs found while connecting. */
  detected(): EcuResponse[] {
    return this.detection;
  }

  private async at(io: AdapterIO, cmd: string, timeoutMs = 2_000): Promise<string> {
    const lines = answerLines(await io.command(cmd, timeoutMs), cmd);
    const answer = lines.join('\n');
    if (/^\?$/m.test(answer) && !this.refused.includes(cmd)) this.refused.push(cmd);
    return answer;
  }

  /** An AT command whose `?` is tolerated (a clone without the feature); returns whether it was taken. */
  private async optional(io: AdapterIO, cmd: string): Promise<boolean> {
    const answer = await this.at(io, cmd);
    return !/^\?$/m.test(answer);
  }

  /**
   * Resets the adapter and returns its banner. Nothing is waited for first: an adapter that prints
   * nothing on connect (most serial ones, Ircama's emulator) is spoken to at once, and no bare CR is
   * ever sent (an ELM327 repeats its last command on one, which could be a former session's `04`).
   * `ATZ` goes out even without a prompt; a busy adapter answers its first byte with `STOPPED`, and
   * the reset is sent again once the line is quiet. What never prints a prompt is not an ELM327.
   */
  private async reset(io: AdapterIO): Promise<string> {
    // A banner printed on connect (WiFi adapters, the emulator) is taken if it comes at once.
    await io.waitPrompt(300);
    let heard = '';
    for (let attempt = 0; attempt < 3; attempt++) {
      let answer: string;
      try {
        answer = await io.command('ATZ', 4_000, { force: true });
      } catch (err) {
        if (!(err instanceof LinkTimeoutError)) throw err;
        const left = io.takeBuffer();
        heard += left;
        if (IDENT.test(left)) {
          // An ELM327 whose prompt got lost: it did reset.
          await this.resync(io);
          return left;
        }
        const said = answerLines(left, 'ATZ').join(' | ');
        if (said !== '')
          throw new NotElm327Error(
            elmReason('no-prompt-answer', { ...this.place(), heard: clip(said, 60) }),
            'no-prompt',
            clip(said),
          );
        if (attempt >= 1) break;
        continue;
      }
      if (IDENT.test(answer)) return answer;
      heard += answer;
      // STOPPED (it was busy), `?`, or a former answer: let the line settle and reset again.
      await io.settle(100, 1_500);
    }
    const said = answerLines(heard, 'ATZ').join(' | ');
    if (said === '') {
      if (io.noise > 0)
        throw new NotElm327Error(
          elmReason('unreadable-bytes', { ...this.place(), count: io.noise }),
          'not-elm327',
          '',
        );
      if (io.strayPrompts > 0)
        throw new NotElm327Error(
          elmReason('prompts-only', { ...this.place(), count: io.strayPrompts }),
          'not-elm327',
          '>',
        );
      throw new NotElm327Error(elmReason('silent', this.place()), 'silent', '');
    }
    // Prompts come but the reset printed no identification: ATI decides below.
    return said;
  }

  /** Where the adapter is, for the reasons that name it (empty: "the adapter"). */
  private place(): { address: string } {
    return { address: this.options.address ?? '' };
  }

  private async initialise(io: AdapterIO): Promise<AdapterDetails> {
    // ATZ below resets the receive filter and flow control (datasheet: AT D, AT WS, AT Z).
    this.receive = undefined;
    this.flowHeader = undefined;
    this.flowData = false;
    this.cea = undefined;
    this.cafOff = false;
    this.refused = [];
    this.detection = [];
    const banner = await this.reset(io);
    await this.at(io, 'ATE0');
    await this.at(io, 'ATL0');
    await this.at(io, 'ATS0');
    await this.at(io, 'ATH1');
    const ati = await this.at(io, 'ATI');
    const bannerLine = answerLines(banner, 'ATZ').find((l) => IDENT.test(l));
    const version = (IDENT.test(ati) ? ati.split('\n').find((l) => IDENT.test(l)) : undefined) ?? bannerLine;
    if (!version)
      throw new NotElm327Error(
        elmReason('no-identity', {
          ...this.place(),
          atz: clip(answerLines(banner, 'ATZ').join(' | '), 40),
          ati: clip(ati, 40),
        }),
        'not-elm327',
        clip(`${banner} ${ati}`),
      );
    let stn: string | undefined;
    // STI identifies STN chips; every other adapter answers `?`, which is the expected answer here.
    const sti = await this.at(io, 'STI');
    if (sti && !/^\?$/m.test(sti) && /STN|v\d/i.test(sti)) stn = sti.split('\n')[0];
    const profiles = this.options.profiles ?? [GENUINE];
    this.profile = this.options.profile ?? matchProfile(stn ?? version, profiles);
    let device: string | undefined;
    if (stn) {
      // STN chips name the product (OBDLink SX, MX …) and time answers reliably with the
      // aggressive adaptive timing, which saves a few ms per request.
      const di = await this.at(io, 'STDI');
      if (di && !/^\?$/m.test(di)) device = di.split('\n')[0];
    }
    if (this.profile.quirks.adaptiveTiming) await this.optional(io, stn ? 'ATAT2' : 'ATAT1');
    const rv = await this.at(io, 'ATRV');
    const volts = /(\d+(?:\.\d+)?)\s*V/i.exec(rv);
    const identified: Record<string, string> = {};
    for (const cmd of this.options.identify ?? []) identified[cmd] = await this.at(io, cmd);
    const tried: AdapterDetails['tried'] = [];
    const base = {
      version,
      stn,
      device,
      voltage: volts ? Number(volts[1]) : undefined,
      profile: this.profile.name,
      refused: this.refused,
      tried,
      identified,
    };
    let found: Awaited<ReturnType<Elm327Link['detectProtocol']>>;
    try {
      found = await this.detectProtocol(io, tried);
    } catch (err) {
      if (err instanceof UnableToConnectError) err.adapter = base;
      throw err;
    }
    const { protocol, auto, ecus } = found;
    this.details = { ...base, protocol, auto, ecus };
    this.options.transcript?.record(
      'note',
      `ready: ${this.details.version}${stn ? ` / ${stn}` : ''}, ${protocol.name}, profile ${this.profile.name}`,
    );
    return this.details;
  }

  private async detectProtocol(
    io: AdapterIO,
    tried: AdapterDetails['tried'],
  ): Promise<{ protocol: ElmProtocol; auto: boolean; ecus: number[] }> {
    const searchMs = this.options.searchTimeoutMs ?? Math.max(10_000, this.profile.quirks.searchMs * 3);
    const attempt = async (sp: string): Promise<{ protocol: ElmProtocol; ecus: number[] } | undefined> => {
      const set = await this.at(io, `ATSP${sp}`);
      if (/^\?$/m.test(set)) {
        tried.push(protocolTried(sp, 'atsp-refused', {}));
        return undefined;
      }
      let raw: string;
      try {
        raw = await io.command('0100', searchMs);
      } catch (err) {
        if (io.closed) throw err;
        if (err instanceof LinkTimeoutError) await this.resync(io);
        tried.push(protocolFailed(sp, err));
        this.options.transcript?.record('note', `protocol ${sp}: ${(err as Error).message}`);
        return undefined;
      }
      const lines = answerLines(raw, '0100');
      // A CAN protocol forced by the user answered NO DATA: frames went out and were acknowledged (else CAN
      // ERROR), so the bus is there and only no OBD ECU answered, as on a car whose diagnostics live
      // outside OBD-II (an ECU read by its own ids, a recording of one). The protocol is kept.
      // Only a protocol the user forced: the fallback order tries each one, and there NO DATA means
      // this is not the car's protocol.
      const forcedCan = this.options.protocol === sp ? protocolById(sp) : undefined;
      if (forcedCan?.family === 'can' && lines.includes('NO DATA') && lines.every((l) => classifyLine(l))) {
        tried.push(protocolTried(sp, 'found-no-data', { name: forcedCan.name }));
        this.detection = [];
        return { protocol: forcedCan, ecus: [] };
      }
      // Nothing but status lines (UNABLE TO CONNECT, BUS INIT: ...ERROR, NO DATA): no protocol here.
      if (!lines.some((l) => !classifyLine(l))) {
        let why = protocolTried(sp, 'no-answer', {});
        try {
          parseAnswer(raw, {
            protocol: protocolById(sp === '0' ? '6' : sp)!,
            headers: true,
            command: '0100',
          });
        } catch (err) {
          why = protocolFailed(sp, err);
        }
        tried.push(why);
        this.options.transcript?.record('note', `protocol ${sp}: ${why.outcome}`);
        return undefined;
      }
      // Which protocol answered: ATDPN, else ATDP's name, else the answer's own form.
      const dpn = parseDpn(await this.at(io, 'ATDPN'));
      let protocol = dpn?.protocol ?? (sp === '0' ? undefined : protocolById(sp));
      if (!protocol) protocol = protocolFromName(await this.at(io, 'ATDP'));
      protocol ??= protocolFromAnswer(raw);
      if (!protocol) {
        tried.push(protocolTried(sp, 'no-protocol-named', {}));
        return undefined;
      }
      let parsed: ParsedResponse[];
      try {
        parsed = parseAnswer(raw, { protocol, headers: true, command: '0100' }).responses;
      } catch (err) {
        // Some ECUs answered before an error line (BUS INIT then NO DATA from one ECU …): they count.
        const partial = (err as { detail?: { partial?: EcuResponse[] } }).detail?.partial ?? [];
        tried.push(protocolFailed(sp, err));
        this.options.transcript?.record('note', `protocol ${sp}: ${(err as Error).message}`);
        if (partial.length === 0) return undefined;
        parsed = partial.map((r) => ({ ...r, ecu: r.ecu < 0 ? undefined : r.ecu }));
      }
      tried.push(protocolTried(sp, 'found', { name: protocol.name }));
      const stamp = this.clock.now() / 1000;
      this.detection = parsed.map((r) => ({
        ecu: r.ecu ?? defaultEcu(FUNCTIONAL_TARGET, protocol),
        extended: r.extended,
        data: r.data,
        timestamp: stamp,
      }));
      return { protocol, ecus: [...new Set(this.detection.map((r) => r.ecu))] };
    };
    const forced = this.options.protocol;
    const order = forced ? [forced] : ['0', ...(this.options.fallback ?? FALLBACK_ORDER)];
    for (const sp of order) {
      const found = await attempt(sp);
      if (found) return { ...found, auto: sp === '0' };
      if (sp === '0' && tried.length === 1 && tried[0]!.code === 'atsp-refused')
        throw new NotElm327Error(elmReason('refuses-atsp0', this.place()), 'not-elm327', '?');
    }
    throw new UnableToConnectError(
      elmReason('no-protocol', { tried: order.map((p) => (p === '0' ? 'auto' : p)).join(', ') }),
      { elm: 'UNABLE TO CONNECT' },
    );
  }

  /**
   * Brings the dialogue back to a known point after garbage or a lost prompt, without a bare CR
   * (which would make the adapter repeat the last command): let the line go quiet (a late answer and
   * its prompt arrive and are dropped), then `ATI`, whose answer is known; anything else is a stale
   * answer, and the one after it is awaited. Up to three times.
   */
  private async resync(io: AdapterIO): Promise<void> {
    this.stats.resyncs++;
    this.options.transcript?.record('note', 'resync');
    const known = this.details?.version;
    const ours = (text: string) => {
      const lines = answerLines(text, 'ATI');
      return lines.some((l) => (known ? l === known : IDENT.test(l)) || l === '?');
    };
    for (let i = 0; i < 3; i++) {
      await io.settle(150, 3_000);
      try {
        if (ours(await io.command('ATI', 1_500, { force: !io.ready }))) return;
        // A stale answer, or STOPPED (our bytes interrupted it): ATI's own answer may follow.
        if (ours(await io.next(1_000))) return;
      } catch (err) {
        if (io.closed) throw err;
      }
    }
    throw new LinkTimeoutError(elmReason('resync-failed', {}));
  }

  private headerFor(target: Target, protocol: ElmProtocol): { sh?: string; cp?: number } {
    if (protocol.family !== 'can') return {};
    if (!protocol.extended) {
      const id = target.kind === 'functional' ? functionalAddressOf(false) : target.address;
      return { sh: id.toString(16).toUpperCase().padStart(3, '0') };
    }
    const id = target.kind === 'functional' ? functionalAddressOf(true) : target.address;
    return { sh: (id & 0xffffff).toString(16).toUpperCase().padStart(6, '0'), cp: (id >>> 24) & 0x1f };
  }

  /**
   * Sets the receive filter and flow control a physical request needs, sending only what differs
   * from what is in force. An ELM327 left at its defaults shows 11-bit answers from 7E8–7EF and
   * 29-bit ones addressed to the tester (18DAF1xx), and sends its flow control to the answer's id
   * − 8 (29-bit: the two address bytes swapped): an ECU answering elsewhere (the Leaf's battery
   * controller, 0x79B → 0x7BB) needs ATCRA and ATFCSH/ATFCSD/ATFCSM1. Back to an OBD request, ATAR
   * and ATFCSM0 restore the defaults. A refusal (`?`) is an ElmSettingRefusedError.
   */
  private async route(io: AdapterIO, req: LinkRequest, protocol: ElmProtocol): Promise<void> {
    const want = routeFor(req, protocol);
    const set = async (cmd: string, purpose: string) => {
      const answer = await this.at(io, cmd);
      if (/^\?$/m.test(answer) || !/OK/.test(answer))
        throw new ElmSettingRefusedError(
          elmReason('setting-refused', {
            ...this.place(),
            command: cmd,
            purpose,
            answer: clip(answer.replace(/\n/g, ' | '), 40),
            id: want.responseText ?? '',
          }),
          cmd,
          answer,
        );
    };
    if (want.receive !== this.receive) {
      if (want.receive) await set(`ATCRA${want.receive}`, 'receive address');
      else await set('ATAR', 'automatic receive');
      this.receive = want.receive;
    }
    if (want.flowHeader !== this.flowHeader) {
      if (want.flowHeader) {
        await set(`ATFCSH${want.flowHeader}`, 'flow control header');
        if (!this.flowData) {
          // Clear to send, no block limit, no separation time: what the ECU would get from 7E0.
          await set('ATFCSD300000', 'flow control data');
          this.flowData = true;
        }
        if (this.flowHeader === undefined) await set('ATFCSM1', 'flow control mode');
      } else await set('ATFCSM0', 'flow control mode');
      this.flowHeader = want.flowHeader;
    }
    // Extended addressing (BMW-style): the ECU's address first in every frame the adapter sends;
    // its answers carry the tester's address (F1) there, which the adapter checks.
    const cea =
      protocol.family === 'can' && req.target.kind === 'physical' ? req.addressExtension : undefined;
    if (cea !== this.cea) {
      if (cea === undefined) await set('ATCEA', 'CAN extended address off');
      else await set(`ATCEA${hexId(cea & 0xff, 2)}`, 'CAN extended address');
      this.cea = cea;
    }
  }

  request(req: LinkRequest): Promise<EcuResponse[]> {
    // One request on the line at a time, in call order.
    const run = this.queue.then(() => this.exchange(req));
    this.queue = run.catch(() => {});
    return run;
  }

  private async exchange(req: LinkRequest): Promise<EcuResponse[]> {
    if (this.closing) throw new LinkError(elmReason('closed', {}), 'closed');
    const io = this.io;
    const details = this.details;
    if (!io || !details)
      throw new DisconnectedError(elmReason('not-connected', { hint: 'call reconnect()' }));
    if (io.error)
      throw io.error instanceof DisconnectedError || io.error.code === 'closed'
        ? io.error
        : new DisconnectedError(io.error.why ?? io.error.message);
    if (req.data.length === 0) throw new RangeError('a request needs at least a service id');
    const protocol = details.protocol;
    const { sh, cp } = this.headerFor(req.target, protocol);
    if (cp !== undefined && cp !== this.priority) {
      await this.at(io, `ATCP${cp.toString(16).toUpperCase().padStart(2, '0')}`);
      this.priority = cp;
    }
    if (sh && sh !== this.header) {
      await this.at(io, `ATSH${sh}`);
      this.header = sh;
    }
    if (this.cafOff) await this.setCaf(io, true, 'it would send this request unformatted');
    await this.route(io, req, protocol);
    const wantAtst = this.ecuTimes.atst();
    if (wantAtst !== undefined && wantAtst !== this.atst && !this.profile.quirks.adaptiveTiming) {
      await this.at(io, `ATST${wantAtst.toString(16).toUpperCase().padStart(2, '0')}`);
      this.atst = wantAtst;
    }
    // Longer than one single frame: the chip cannot segment it, the client frames it (AT CAF0).
    if (protocol.family === 'can' && req.data.length > (this.cea === undefined ? 7 : 6))
      return this.sendFramed(io, req, protocol);
    const hex = Array.from(req.data, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join('');
    const key = `${this.priority}:${this.header ?? ''}:${hex}`;
    let count = this.responseCount(req, key);
    let cmd = count ? hex + count.toString(16).toUpperCase() : hex;
    const timeout = req.timeoutMs ?? this.times.readTimeout(this.options.commandTimeoutMs ?? 5_000);
    for (let attempt = 0; ; attempt++) {
      const t0 = this.clock.now();
      let raw: string;
      try {
        raw = await io.command(cmd, timeout);
      } catch (err) {
        this.stats.errors++;
        if (err instanceof LinkTimeoutError) {
          // A lost prompt: the answer may be complete without it. Keep it if it parses.
          const left = io.takeBuffer();
          await this.resync(io);
          let kept: EcuResponse[];
          try {
            kept = this.finish(left, cmd, req, protocol, t0);
          } catch {
            throw err;
          }
          if (isStale(kept, req.data)) throw err;
          return kept;
        }
        throw err;
      }
      try {
        let out = this.finish(raw, cmd, req, protocol, t0);
        if (isStale(out, req.data)) {
          // One answer behind (a late answer to an earlier request, then its prompt): ours follows.
          this.stats.stale++;
          try {
            raw = await io.next(timeout);
          } catch (err) {
            if (io.closed) throw err;
            await this.resync(io);
            throw new ElmAdapterError(
              elmReason('stale', { command: cmd, heard: clip(answerLines(raw, cmd).join(' | '), 60) }),
              'stale',
              { elm: clip(raw), command: cmd },
            );
          }
          out = this.finish(raw, cmd, req, protocol, t0);
        }
        if (count !== undefined) this.ecuTimes.add(this.clock.now() - t0);
        this.learn(key, raw, cmd, count !== undefined);
        return out;
      } catch (err) {
        this.stats.errors++;
        // NO DATA to a counted request that was answered without the count: some adapters (ESP32
        // ELM327 emulations, some clones) break on the digit now and then. Ask again without it, and
        // after three such answers stop sending it to this adapter.
        if (err instanceof ElmNoDataError && count !== undefined && attempt === 0) {
          this.learned.delete(key);
          if (++this.countFailures >= 3) this.countBroken = true;
          count = undefined;
          cmd = hex;
          continue;
        }
        // STOPPED means our bytes reached the adapter while it worked: ask once more.
        if (err instanceof ElmAdapterError && err.kind === 'stopped' && attempt === 0) {
          this.stats.stopped++;
          continue;
        }
        if (err instanceof ElmAdapterError && err.kind === 'reset') {
          // The adapter restarted (LV RESET, power dip): its settings are gone, set them again.
          this.details = undefined;
          await this.initialise(io).catch(() => {});
        }
        throw err;
      }
    }
  }

  /**
   * Sends a request longer than one CAN frame by manual framing (see framing.ts): `ATCAF0`, the
   * first frame, the ECU's flow control read from what the chip prints, the consecutive frames
   * (BS at a time, STmin apart, each block's flow control read the same way), then `ATCAF1` —
   * always, even after a failure. The answer to the last frame is parsed as any answer (with
   * headers on the chip prints frames the same way with formatting off or on). A consecutive frame
   * inside a block gets no answer, so the chip prints `NO DATA` after its timeout; an answer there
   * (a negative response) ends the request early and is returned.
   */
  private async sendFramed(io: AdapterIO, req: LinkRequest, protocol: ElmProtocol): Promise<EcuResponse[]> {
    if (req.target.kind !== 'physical')
      throw new RangeError(
        `a request of ${req.data.length} bytes needs several CAN frames, which ISO 15765-2 sends to one ECU (physical address), never to the functional id`,
      );
    if (req.data.length > 0xfff)
      throw new RangeError(
        `a request of ${req.data.length} bytes is beyond ISO 15765-2's 4095 on classic CAN`,
      );
    const ecu = req.responseId ?? responseAddressOf(req.target.address, protocol.extended);
    const frames = manualFrames(req.data, this.cea);
    const timeout = req.timeoutMs ?? this.times.readTimeout(this.options.commandTimeoutMs ?? 5_000);
    const t0 = this.clock.now();
    await this.setCaf(
      io,
      false,
      `it cannot send a request of ${req.data.length} bytes, longer than one CAN frame`,
    );
    try {
      const flow = (raw: string, command: string, frame: string) =>
        readFlowControl(raw, {
          command,
          ecu,
          extended: protocol.extended,
          frame,
          addressExtension: this.cea !== undefined,
        });
      // What the chip printed, each frame with its id even from a clone that ignores ATH1.
      const send = async (cmd: string) =>
        withEcuHeader(await io.command(cmd, timeout), ecu, protocol.extended, cmd);
      let cts = flow(await send(frames[0]!), frames[0]!, 'first frame');
      let inBlock = 0;
      let sentAt = this.clock.now();
      for (let i = 1; i < frames.length; i++) {
        // STmin runs from the previous frame; the chip's timeout after it is usually longer.
        const gap = cts.stMinMs - (this.clock.now() - sentAt);
        if (i > 1 && gap > 0) await this.clock.sleep(gap);
        const cmd = frames[i]!;
        const raw = await send(cmd);
        sentAt = this.clock.now();
        inBlock++;
        if (i === frames.length - 1) return this.finish(raw, cmd, req, protocol, t0);
        if (cts.bs > 0 && inBlock === cts.bs) {
          cts = flow(raw, cmd, `consecutive frame ${i}`);
          inBlock = 0;
          continue;
        }
        const early = answerLines(raw, cmd).filter((l) => !classifyLine(l));
        if (early.length > 0) return this.finish(raw, cmd, req, protocol, t0);
      }
      throw new Error('unreachable: a framed request has a last frame');
    } finally {
      // Back to auto formatting; if the adapter does not say OK, the next request asks again.
      await this.setCaf(io, true, 'it would send the next requests unformatted').catch(() => {});
    }
  }

  /** AT CAF0 / CAF1, remembered in `cafOff` so that a failed restore is retried before the next request. */
  private async setCaf(io: AdapterIO, on: boolean, consequence: string): Promise<void> {
    const cmd = on ? 'ATCAF1' : 'ATCAF0';
    if (!on) this.cafOff = true;
    const answer = await this.at(io, cmd);
    if (!/OK/.test(answer))
      throw new ElmSettingRefusedError(
        elmReason('caf-refused', {
          ...this.place(),
          command: cmd,
          on: on ? 'on' : 'off',
          answer: clip(answer.replace(/\n/g, ' | '), 40),
          consequence,
        }),
        cmd,
        answer,
      );
    if (on) this.cafOff = false;
  }

  private finish(
    raw: string,
    cmd: string,
    req: LinkRequest,
    protocol: ElmProtocol,
    t0: number,
  ): EcuResponse[] {
    const parsed = parseAnswer(raw, {
      protocol,
      headers: true,
      command: cmd,
      // AT CEA in force: each frame printed with its header starts with the tester address.
      ...(this.cea !== undefined ? { addressExtension: TESTER_ADDRESS } : {}),
    });
    const elapsed = this.clock.now() - t0;
    this.times.add(elapsed);
    this.stats.requests++;
    const timestamp = this.clock.now() / 1000;
    return parsed.responses.map((r) => ({
      ecu: r.ecu ?? defaultEcu(req.target, protocol),
      extended: r.extended,
      data: r.data,
      timestamp,
    }));
  }

  /**
   * The response-count digit. The ELM327 counts *lines* (CAN frames, legacy messages), so the
   * client learns, per request, how many lines the last complete answer had and sends that next
   * time (J1979 modes 01 and 09 only: their answers keep their size; a DTC list does not). Before
   * anything is learned, a caller's `expectedResponses` is used when each answer fits on one line
   * (a single-PID mode 01 request). Never for UDS, where a "response pending" line would count.
   */
  private responseCount(req: LinkRequest, key: string): number | undefined {
    if (!this.profile.quirks.responseCount || this.countBroken) return undefined;
    const sid = req.data[0]!;
    if (sid !== 0x01 && sid !== 0x09) return undefined;
    let n = this.learned.get(key);
    if (n === undefined && sid === 0x01 && req.data.length === 2) n = req.expectedResponses;
    return n && n >= 1 && n <= 15 ? n : undefined;
  }

  /** Remembers how many data lines a complete answer (one that waited for the timeout) had. */
  private learn(key: string, raw: string, cmd: string, counted: boolean): void {
    if (counted) return;
    const lines = answerLines(raw, cmd).filter((l) => !classifyLine(l)).length;
    if (lines > 0) this.learned.set(key, lines);
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const io = this.io;
    if (io && !io.closed) {
      // Leave the adapter idle and its protocol closed, then drop the line.
      await this.queue;
      await io.command('ATPC', 500).catch(() => {});
      await io.close();
    }
  }
}

const FUNCTIONAL_TARGET: Target = { kind: 'functional' };

/** The ELM327's tester address (AT TA), never changed by this client: F1, the datasheet's default. */
const TESTER_ADDRESS = 0xf1;

const hexId = (id: number, digits: number) => id.toString(16).toUpperCase().padStart(digits, '0');

/**
 * The receive address and flow-control header a request needs beyond the adapter's defaults
 * (undefined where the default does): see `Elm327Link.route`.
 */
export function routeFor(
  req: LinkRequest,
  protocol: ElmProtocol,
): { receive?: string; flowHeader?: string; responseText?: string } {
  if (protocol.family !== 'can' || req.target.kind !== 'physical') return {};
  const request = req.target.address;
  let response = req.responseId;
  if (response === undefined) {
    try {
      response = responseAddressOf(request, protocol.extended);
    } catch (err) {
      if (!(err instanceof EcuAddressError)) throw err;
      return {};
    }
  }
  if (!protocol.extended) {
    const receive = response >= 0x7e8 && response <= 0x7ef ? undefined : hexId(response, 3);
    const flowHeader = response - 8 === request ? undefined : hexId(request, 3);
    return { receive, flowHeader, responseText: hexId(response, 3) };
  }
  const receive = ((response >>> 8) & 0xffff) === 0xdaf1 ? undefined : hexId(response >>> 0, 8);
  const swapped = ((response & 0xffff0000) | ((response & 0xff) << 8) | ((response >>> 8) & 0xff)) >>> 0;
  const flowHeader = swapped === request >>> 0 ? undefined : hexId(request >>> 0, 8);
  return { receive, flowHeader, responseText: hexId(response >>> 0, 8) };
}

function defaultEcu(target: Target, protocol: ElmProtocol): number {
  // Legacy buses name an ECU by its source address; without a header, the engine's (0x10).
  if (protocol.family !== 'can') return 0x10;
  if (target.kind === 'physical') {
    try {
      return responseAddressOf(target.address, protocol.extended);
    } catch (err) {
      // A 29-bit id outside normal fixed addressing: nothing says who answers; the engine's address.
      if (!(err instanceof EcuAddressError)) throw err;
    }
  }
  // Without a header nothing says who answered: the engine ECU, which answers every OBD request.
  return protocol.extended ? 0x18daf110 : 0x7e8;
}

/**
 * Whether every answer is to another request than `sid` (neither its positive response nor a
 * negative response to it): what an adapter one answer behind prints.
 */
function isStale(answers: EcuResponse[], request: Uint8Array): boolean {
  const sid = request[0]!;
  // Services 01, 02 and 09 echo the PID (info type) asked: an answer about another one is not ours.
  const pids =
    sid === 0x01 || sid === 0x09
      ? new Set(request.subarray(1))
      : sid === 0x02
        ? new Set([request[1]])
        : undefined;
  const ours = (a: EcuResponse) =>
    (a.data[0] === 0x7f && a.data[1] === sid) ||
    (a.data[0] === ((sid + 0x40) & 0xff) && (!pids || a.data.length < 2 || pids.has(a.data[1]!)));
  return answers.length > 0 && !answers.some(ours);
}

/** A promise that rejects with ElmAbortedError as soon as `signal` aborts. */
function abortable<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      reject(new ElmAbortedError());
      // What the opening still brings is released when it comes.
      p.then(
        (v) => (v as { destroy?: () => void })?.destroy?.(),
        () => {},
      );
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
