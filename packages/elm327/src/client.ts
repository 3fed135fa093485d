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
import { ElmAdapterError, UnableToConnectError } from './errors.js';
import { AdapterIO } from './io.js';
import { answerLines, classifyLine, parseAnswer } from './parse.js';
import { type AdapterProfile, GENUINE, matchProfile } from './profile.js';
import { type ElmProtocol, FALLBACK_ORDER, parseDpn, protocolById } from './protocols.js';
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
}

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
  private atst: number | undefined;
  /** Lines the last complete answer to each request had (for the response-count digit). */
  private learned = new Map<string, number>();
  private details: AdapterDetails | undefined;
  private closing = false;
  private queue: Promise<unknown> = Promise.resolve();
  /** Every round trip, for the client's own read timeout. */
  readonly times = new ResponseTimes();
  /**
   * Round trips of requests sent with a response count: they end with the last answer rather than
   * with the adapter's timeout, so they measure the ECUs and are what ATST is set from.
   */
  readonly ecuTimes = new ResponseTimes();
  /** Requests answered, errors met, resyncs done: for the CLI's status line and tests. */
  readonly stats = { requests: 0, errors: 0, resyncs: 0, stopped: 0, reconnects: 0 };

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
    const stream = await this.options.open();
    this.io = new AdapterIO(stream, this.clock, this.options.transcript);
    this.header = undefined;
    this.atst = undefined;
    this.learned.clear();
    return this.initialise(this.io);
  }

  /** After a DisconnectedError: opens the transport again and re-runs the start-up sequence. */
  async reconnect(): Promise<AdapterDetails> {
    if (this.closing) throw new LinkError('the link was closed', 'closed');
    await this.io?.close();
    this.stats.reconnects++;
    this.options.transcript?.record('note', 'reconnect');
    return this.start();
  }

  private async at(io: AdapterIO, cmd: string, timeoutMs = 2_000): Promise<string> {
    const lines = answerLines(await io.command(cmd, timeoutMs), cmd);
    return lines.join('\n');
  }

  /** An AT command whose `?` is tolerated (a clone without the feature); returns whether it was taken. */
  private async optional(io: AdapterIO, cmd: string): Promise<boolean> {
    const answer = await this.at(io, cmd);
    return !/^\?$/m.test(answer);
  }

  private async initialise(io: AdapterIO): Promise<AdapterDetails> {
    // Wake: an adapter may still be printing its banner, or be mid-command from a former session.
    if (!(await io.waitPrompt(1_500))) {
      io.writeRaw('\r');
      if (!(await io.waitPrompt(1_500))) await this.resync(io);
    }
    const bannerTimeout = 5_000;
    const banner = await this.at(io, 'ATZ', bannerTimeout);
    await this.at(io, 'ATE0');
    await this.at(io, 'ATL0');
    await this.at(io, 'ATS0');
    await this.at(io, 'ATH1');
    const version = (await this.at(io, 'ATI')) || banner.trim();
    let stn: string | undefined;
    // STI identifies STN chips; every other adapter answers `?`, which is the expected answer here.
    const sti = await this.at(io, 'STI');
    if (sti && !/^\?$/m.test(sti)) stn = sti.split('\n')[0];
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
    const { protocol, auto, ecus } = await this.detectProtocol(io);
    this.details = {
      version: version.split('\n')[0]!,
      stn,
      device,
      voltage: volts ? Number(volts[1]) : undefined,
      profile: this.profile.name,
      protocol,
      auto,
      ecus,
    };
    this.options.transcript?.record(
      'note',
      `ready: ${this.details.version}${stn ? ` / ${stn}` : ''}, ${protocol.name}, profile ${this.profile.name}`,
    );
    return this.details;
  }

  private async detectProtocol(
    io: AdapterIO,
  ): Promise<{ protocol: ElmProtocol; auto: boolean; ecus: number[] }> {
    const searchMs = this.options.searchTimeoutMs ?? Math.max(10_000, this.profile.quirks.searchMs * 3);
    const attempt = async (sp: string): Promise<{ protocol: ElmProtocol; ecus: number[] } | undefined> => {
      await this.at(io, `ATSP${sp}`);
      try {
        const raw = await io.command('0100', searchMs);
        const dpn = parseDpn(await this.at(io, 'ATDPN'));
        const protocol = dpn?.protocol ?? protocolById(sp);
        if (!protocol) return undefined;
        const parsed = parseAnswer(raw, { protocol, headers: true, command: '0100' });
        return {
          protocol,
          ecus: [...new Set(parsed.responses.map((r) => r.ecu ?? -1))].filter((e) => e >= 0),
        };
      } catch (err) {
        if (err instanceof DisconnectedError) throw err;
        if (err instanceof LinkTimeoutError) await this.resync(io);
        this.options.transcript?.record('note', `protocol ${sp}: ${(err as Error).message}`);
        return undefined;
      }
    };
    const forced = this.options.protocol;
    const order = forced ? [forced] : ['0', ...(this.options.fallback ?? FALLBACK_ORDER)];
    for (const sp of order) {
      const found = await attempt(sp);
      if (found) return { ...found, auto: sp === '0' };
    }
    throw new UnableToConnectError(
      `no vehicle protocol answered (tried ${order.map((p) => (p === '0' ? 'auto' : p)).join(', ')})`,
      {
        elm: 'UNABLE TO CONNECT',
      },
    );
  }

  /**
   * Brings the dialogue back to a known point after garbage or a lost prompt: wake the adapter with
   * a CR, wait for a prompt, then check it answers ATI, up to three times.
   */
  private async resync(io: AdapterIO): Promise<void> {
    this.stats.resyncs++;
    this.options.transcript?.record('note', 'resync');
    for (let i = 0; i < 3; i++) {
      io.takeBuffer();
      io.writeRaw('\r');
      await io.waitPrompt(1_000);
      try {
        const answer = await this.at(io, 'ATI', 1_500);
        if (/ELM|STN|OBD/i.test(answer)) {
          io.takeBuffer();
          return;
        }
      } catch (err) {
        if (err instanceof DisconnectedError) throw err;
      }
    }
    throw new LinkTimeoutError(
      'the adapter does not answer any more (no prompt after three resync attempts)',
    );
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

  request(req: LinkRequest): Promise<EcuResponse[]> {
    // One request on the line at a time, in call order.
    const run = this.queue.then(() => this.exchange(req));
    this.queue = run.catch(() => {});
    return run;
  }

  private async exchange(req: LinkRequest): Promise<EcuResponse[]> {
    if (this.closing) throw new LinkError('the link was closed', 'closed');
    const io = this.io;
    const details = this.details;
    if (!io || !details) throw new DisconnectedError('the adapter is not connected (call reconnect())');
    if (io.error)
      throw io.error instanceof DisconnectedError ? io.error : new DisconnectedError(io.error.message);
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
    const wantAtst = this.ecuTimes.atst();
    if (wantAtst !== undefined && wantAtst !== this.atst && !this.profile.quirks.adaptiveTiming) {
      await this.at(io, `ATST${wantAtst.toString(16).toUpperCase().padStart(2, '0')}`);
      this.atst = wantAtst;
    }
    const hex = Array.from(req.data, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join('');
    const key = `${this.priority}:${this.header ?? ''}:${hex}`;
    const count = this.responseCount(req, key);
    const cmd = count ? hex + count.toString(16).toUpperCase() : hex;
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
          try {
            return this.finish(left, cmd, req, protocol, t0);
          } catch {
            throw err;
          }
        }
        throw err;
      }
      try {
        const out = this.finish(raw, cmd, req, protocol, t0);
        if (count !== undefined) this.ecuTimes.add(this.clock.now() - t0);
        this.learn(key, raw, cmd, count !== undefined);
        return out;
      } catch (err) {
        this.stats.errors++;
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

  private finish(
    raw: string,
    cmd: string,
    req: LinkRequest,
    protocol: ElmProtocol,
    t0: number,
  ): EcuResponse[] {
    const parsed = parseAnswer(raw, { protocol, headers: true, command: cmd });
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
    if (!this.profile.quirks.responseCount) return undefined;
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

function defaultEcu(target: Target, protocol: ElmProtocol): number {
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
