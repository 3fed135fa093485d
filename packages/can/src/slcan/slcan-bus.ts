import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { type Clock, systemClock, type TimerHandle } from '@atelier/clock';
import {
  type Bus,
  BusClosedError,
  BusError,
  type FrameFilter,
  type FrameListener,
  FrameRefusedError,
  matchesFilters,
} from '../bus.js';
import { lineErrorFr, slcanCommandFr, slcanGoneFr, slcanLineReasonFr } from '../bus-texts.js';
import { type Frame, validateFrame } from '../frame.js';
import { SlcanLineSplitter } from './lines.js';
import {
  bitrateCommand,
  CAN_ERR,
  decodeErrorLine,
  decodeFrame,
  decodeStateLine,
  decodeStatus,
  encodeFrame,
  hex32,
  printable,
  SlcanBitrateError,
  SlcanProtocolError,
  type SlcanStatus,
  TimestampUnwrapper,
} from './protocol.js';

/** The adapter answered a command with BELL: it refused it (wrong state, bad argument, unknown). */
export class SlcanRefusedError extends BusError {
  override name = 'SlcanRefusedError';
  constructor(
    readonly bus: string,
    readonly command: string,
  ) {
    super(`${bus}: the adapter refused '${printable(command)}' (BELL)`);
  }

  /** Why, without the bus's name (an open error names the adapter itself). */
  reasonIn(lang: 'fr' | 'en'): string {
    if (lang === 'en') return this.message.slice(this.bus.length + 2);
    return `l'adaptateur a refusé ${slcanCommandFr(printable(this.command))} : réponse BELL`;
  }

  messageIn(lang: 'fr' | 'en'): string {
    return lang === 'en' ? this.message : `${this.bus} : ${this.reasonIn(lang)}`;
  }
}

/** No answer to a command within the timeout: not an SLCAN adapter, the wrong baud rate, or a firmware that stalled. */
export class SlcanTimeoutError extends BusError {
  override name = 'SlcanTimeoutError';
  constructor(
    readonly bus: string,
    readonly command: string,
    readonly timeoutMs: number,
    readonly lastProblem?: Error,
  ) {
    super(
      `${bus}: no answer to '${printable(command)}' within ${timeoutMs} ms` +
        (lastProblem ? ` (last problem on the line: ${lastProblem.message})` : ''),
    );
  }

  /** Why, without the bus's name; a garbled line seen meanwhile is said too, it is the usual clue. */
  reasonIn(lang: 'fr' | 'en'): string {
    if (lang === 'en') return this.message.slice(this.bus.length + 2);
    const last = this.lastProblem;
    const clue =
      last instanceof SlcanProtocolError
        ? ` ; dernière ligne reçue : « ${printable(last.line)} » (${slcanLineReasonFr(last.reason)})`
        : last
          ? ` ; dernier problème sur la ligne : « ${last.message} »`
          : '';
    return `pas de réponse en ${this.timeoutMs} ms à ${slcanCommandFr(printable(this.command))}${clue}`;
  }

  messageIn(lang: 'fr' | 'en'): string {
    return lang === 'en' ? this.message : `${this.bus} : ${this.reasonIn(lang)}`;
  }
}

/** The serial line or socket went away (adapter unplugged, pseudo-terminal closed). */
export class SlcanDisconnectedError extends BusError {
  override name = 'SlcanDisconnectedError';
  constructor(
    readonly bus: string,
    readonly reason: string,
  ) {
    super(`${bus}: the adapter went away (${reason})`);
  }

  /** Why, without the bus's name. */
  reasonIn(lang: 'fr' | 'en'): string {
    if (lang === 'en') return this.message.slice(this.bus.length + 2);
    return `l'adaptateur n'est plus là : ${slcanGoneFr(this.reason)}`;
  }

  messageIn(lang: 'fr' | 'en'): string {
    return lang === 'en' ? this.message : `${this.bus} : ${this.reasonIn(lang)}`;
  }
}

/** The port could not be opened, or the adapter would not take the bit rate or open the channel. */
export class SlcanOpenError extends BusError {
  override name = 'SlcanOpenError';
  /** The reason in French; the English one when none was given. */
  private readonly reasonFr: string;
  constructor(
    readonly target: string,
    reason: string,
    options?: { cause?: unknown; fr?: string },
  ) {
    super(`cannot open SLCAN adapter ${target}: ${reason}`, options);
    this.reasonFr = options?.fr ?? reason;
  }

  messageIn(lang: 'fr' | 'en'): string {
    if (lang === 'en') return this.message;
    return `impossible d'ouvrir l'adaptateur SLCAN ${this.target} : ${this.reasonFr}`;
  }
}

/**
 * Why setting the adapter up failed, in French: a refusal, a silence (with the usual causes of
 * silence on a line that opened: not an SLCAN adapter, or the wrong serial speed), the line lost,
 * a bit rate SLCAN has no code for. Another error keeps its English words.
 */
function setUpFailureFr(err: unknown): string {
  if (err instanceof SlcanTimeoutError)
    return (
      `${err.reasonIn('fr')}. Ce n'est sans doute pas un adaptateur SLCAN, ou la ligne série ` +
      `n'est pas à son débit (option baud=)`
    );
  if (err instanceof SlcanRefusedError || err instanceof SlcanDisconnectedError) return err.reasonIn('fr');
  if (err instanceof SlcanBitrateError) return err.messageIn('fr');
  return `« ${(err as Error).message} »`;
}

export interface SlcanBusOptions {
  /** CAN bit rate, one of the `S0`–`S8` rates (500,000 by default). */
  bitrate?: number;
  /**
   * The controller's bit-timing registers as hex (`s` command: BTR0 BTR1 for an SJA1000 at 16 MHz on
   * Lawicel adapters, `031C` is 125 kbit/s), for a rate without an `Sn` code. Replaces `bitrate`.
   */
  btr?: string;
  /** Open with `L` (listen only: the adapter never acknowledges nor sends) instead of `O`. */
  listenOnly?: boolean;
  /** Ask for the adapter's millisecond timestamps (`Z1`) and stamp frames with them. */
  timestamps?: boolean;
  /** Raw acceptance registers for `M`/`m` (8 hex digits each, the firmware's layout); all frames when absent. */
  acceptance?: { code: number; mask: number };
  /** Software filters applied to every frame before any subscriber (subscribers may filter more). */
  filters?: FrameFilter[];
  /** Deliver error frames from the adapter's `e`/`s` lines and non-zero status reads (default true). */
  errorFrames?: boolean;
  /** Clock for stamps and timeouts; epoch milliseconds from Date.now() for stamps when absent. */
  clock?: Clock;
  /** How long a command may wait for its answer, ms (default 1000). */
  commandTimeoutMs?: number;
  /** Serial baud rate of the line to a USB-serial or RS-232 adapter (default 115,200; CDC-ACM adapters ignore it). */
  baudRate?: number;
  /** Longest line kept from the adapter (64 by default). */
  maxLine?: number;
  /** The channel name frames carry (`slcan0` by default, the name `slcand` gives the interface). */
  channel?: string;
}

/** What the adapter said about itself and how it was set up. */
export interface SlcanInfo {
  /** `V` answer without its letter (`1013`: hardware 10, software 13), when the adapter gave one. */
  version?: string;
  /** `N` answer without its letter, when the adapter gave one. */
  serial?: string;
  bitrate?: number;
  btr?: string;
  listenOnly: boolean;
  /** Whether the adapter took `Z1` (frames then carry its timestamps). */
  timestamps: boolean;
  /** Whether acceptance registers were set in the adapter. */
  acceptance: boolean;
}

type Expect = 'ack' | 'tx' | 'V' | 'N' | 'F';

interface PendingCommand {
  command: string;
  expect: Expect;
  resolve(answer: string): void;
  reject(err: Error): void;
  timer: TimerHandle;
}

interface Subscription {
  listener: FrameListener;
  filters?: FrameFilter[];
}

/**
 * A CAN bus through an adapter speaking Lawicel's SLCAN ASCII protocol (CANable and candleLight in
 * slcan firmware, USBtin, CANUSB, CAN232…) over a serial line or a TCP socket. Commands are written
 * at once and their answers (CR, `z`/`Z`, `V…`, `N…`, `F..`, BELL for an error) taken in order
 * between the received frames, so sends pipeline without waiting for one another.
 */
export class SlcanBus implements Bus {
  readonly name: string;
  readonly info: SlcanInfo = { listenOnly: false, timestamps: false, acceptance: false };
  private readonly subs = new Set<Subscription>();
  private readonly monitors = new Set<Subscription>();
  private readonly closeListeners = new Set<() => void>();
  private readonly problemListeners = new Set<(err: Error) => void>();
  private readonly pending: PendingCommand[] = [];
  private readonly splitter: SlcanLineSplitter;
  private readonly unwrapper = new TimestampUnwrapper();
  private readonly clock: Clock;
  private readonly stampNow: () => number;
  private readonly timeoutMs: number;
  private readonly channel: string;
  private isClosed = false;
  private lostReason: SlcanDisconnectedError | undefined;
  private lastProblem: Error | undefined;
  private problemCount = 0;

  /** Opens a serial adapter (`/dev/ttyACM0`) through the `serialport` package and sets it up. */
  static async open(path: string, options: SlcanBusOptions = {}): Promise<SlcanBus> {
    let stream: Duplex;
    try {
      const { SerialPort } = await import('serialport');
      stream = await new Promise<Duplex>((resolve, reject) => {
        const port = new SerialPort({ path, baudRate: options.baudRate ?? 115_200, autoOpen: false });
        port.open((err) => (err ? reject(err) : resolve(port)));
      });
    } catch (err) {
      throw new SlcanOpenError(path, (err as Error).message, { cause: err, fr: lineErrorFr(err as Error) });
    }
    return SlcanBus.start(stream, `slcan:${path}`, path, options);
  }

  /** Connects to an SLCAN adapter on TCP (WiFi CAN bridges that serve SLCAN on a port, the emulator). */
  static async connect(host: string, port: number, options: SlcanBusOptions = {}): Promise<SlcanBus> {
    const target = `tcp://${host}:${port}`;
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = new Socket();
      s.once('error', (err) =>
        reject(new SlcanOpenError(target, err.message, { cause: err, fr: lineErrorFr(err) })),
      );
      s.connect(port, host, () => {
        s.removeAllListeners('error');
        s.setNoDelay(true);
        resolve(s);
      });
    });
    return SlcanBus.start(socket, `slcan:${target}`, target, options);
  }

  /** Sets up an adapter on an already-open stream; closes the stream when the adapter will not open. */
  static async start(
    stream: Duplex,
    name: string,
    target: string,
    options: SlcanBusOptions = {},
  ): Promise<SlcanBus> {
    const bus = new SlcanBus(stream, name, options);
    try {
      await bus.setUp(options);
    } catch (err) {
      await bus.close().catch(() => {});
      if (err instanceof SlcanOpenError) throw err;
      const message = (err as Error).message;
      const reason = message.startsWith(`${name}: `) ? message.slice(name.length + 2) : message;
      throw new SlcanOpenError(target, reason, { cause: err, fr: setUpFailureFr(err) });
    }
    return bus;
  }

  /** Wraps a stream without talking to the adapter; `open`, `connect` and `start` are the usual entry points. */
  constructor(
    private readonly stream: Duplex,
    name: string,
    private readonly options: SlcanBusOptions = {},
  ) {
    this.name = name;
    this.clock = options.clock ?? systemClock;
    this.stampNow = options.clock ? () => options.clock!.now() : () => Date.now();
    this.timeoutMs = options.commandTimeoutMs ?? 1_000;
    this.channel = options.channel ?? 'slcan0';
    this.splitter = new SlcanLineSplitter(
      {
        line: (text) => this.onLine(text),
        bell: () => this.onAnswer('\x07'),
        overflow: (err) => this.problem(err),
      },
      name,
      options.maxLine,
    );
    stream.on('data', (chunk: Buffer) => {
      if (!this.isClosed) this.splitter.push(chunk);
    });
    stream.on('error', (err: Error) => this.lost(err.message));
    stream.on('end', () => this.lost('the line was closed'));
    stream.on('close', () => this.lost('the line was closed'));
  }

  private async setUp(o: SlcanBusOptions): Promise<void> {
    // A CR ends whatever a previous program left half-typed in the adapter: one answer, CR or BELL,
    // taken in turn like any other so that a late one cannot be mistaken for the next command's.
    await this.command('').catch(refusedIsFine);
    await this.command('C').catch(refusedIsFine); // already closed: BELL
    this.info.version = await this.command('V', 'V').then(
      (a) => (a[0] === 'V' ? a.slice(1) : a),
      () => undefined,
    );
    this.info.serial = await this.command('N', 'N').then(
      (a) => (a[0] === 'N' ? a.slice(1) : a),
      () => undefined,
    );
    if (o.btr !== undefined) {
      if (!/^[0-9A-Fa-f]{4,6}$/.test(o.btr))
        throw new SlcanOpenError(this.name, `btr '${o.btr}' is not 4 or 6 hex digits`, {
          fr: `btr « ${o.btr} » : 4 ou 6 chiffres hexadécimaux attendus (les registres de cadencement du contrôleur)`,
        });
      await this.command(`s${o.btr.toUpperCase()}`);
      this.info.btr = o.btr.toUpperCase();
    } else {
      const bitrate = o.bitrate ?? 500_000;
      await this.command(bitrateCommand(bitrate));
      this.info.bitrate = bitrate;
    }
    if (o.timestamps) {
      this.info.timestamps = await this.command('Z1').then(
        () => true,
        (err) => refusedIsFine(err) ?? false,
      );
    } else await this.command('Z0').catch(refusedIsFine);
    if (o.acceptance) {
      await this.command(`M${hex32(o.acceptance.code)}`);
      await this.command(`m${hex32(o.acceptance.mask)}`);
      this.info.acceptance = true;
    }
    this.info.listenOnly = !!o.listenOnly;
    await this.command(o.listenOnly ? 'L' : 'O');
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Why the bus closed by itself (the line went away); undefined while open or after `close()`. */
  get lostError(): SlcanDisconnectedError | undefined {
    return this.lostReason;
  }

  /** Lines that made no sense and runs too long for a line, counted since the bus opened. */
  get problems(): number {
    return this.problemCount;
  }

  /** Calls `listener` for each line the bus could not use (garbage, an overlong run, an unknown answer). */
  onProblem(listener: (err: Error) => void): () => void {
    this.problemListeners.add(listener);
    return () => {
      this.problemListeners.delete(listener);
    };
  }

  private problem(err: Error): void {
    this.problemCount++;
    this.lastProblem = err;
    for (const l of [...this.problemListeners]) l(err);
  }

  private write(text: string): void {
    if (this.isClosed) throw this.lostReason ?? new BusClosedError(this.name);
    this.stream.write(Buffer.from(text, 'latin1'));
  }

  /** Sends a command and waits for its answer; BELL rejects with SlcanRefusedError. */
  private command(command: string, expect: Expect = 'ack'): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      if (this.isClosed) {
        reject(this.lostReason ?? new BusClosedError(this.name));
        return;
      }
      const entry: PendingCommand = {
        command,
        expect,
        resolve,
        reject,
        timer: this.clock.setTimeout(() => {
          const i = this.pending.indexOf(entry);
          if (i >= 0) this.pending.splice(i, 1);
          reject(new SlcanTimeoutError(this.name, command, this.timeoutMs, this.lastProblem));
        }, this.timeoutMs),
      };
      this.pending.push(entry);
      try {
        this.write(`${command}\r`);
      } catch (err) {
        this.pending.splice(this.pending.indexOf(entry), 1);
        this.clock.clearTimeout(entry.timer);
        reject(err);
      }
    });
  }

  private onLine(text: string): void {
    const c = text[0];
    if (c === 't' || c === 'T' || c === 'r' || c === 'R') {
      let decoded: ReturnType<typeof decodeFrame>;
      try {
        decoded = decodeFrame(text);
      } catch (err) {
        this.problem(err as Error);
        return;
      }
      const now = this.stampNow();
      const ms =
        decoded.timestampMs !== undefined && this.info.timestamps
          ? this.unwrapper.unwrap(decoded.timestampMs, now)
          : now;
      this.deliver({ ...decoded.frame, timestamp: ms / 1000, channel: this.channel, direction: 'rx' });
      return;
    }
    if (c === 'e' || (c === 's' && text.length === 8)) {
      const err = c === 'e' ? decodeErrorLine(text) : decodeStateLine(text)?.frame;
      if (!err) this.problem(new SlcanProtocolError(text, 'not an error or state line'));
      else if (this.options.errorFrames !== false)
        this.deliver({ ...err, timestamp: this.stampNow() / 1000, channel: this.channel });
      return;
    }
    this.onAnswer(text);
  }

  /** An answer line (or '\x07' for BELL): it belongs to the oldest command waiting. */
  private onAnswer(text: string): void {
    const head = this.pending[0];
    if (!head) {
      // Acknowledgements nobody waits for (a command that timed out, or a transmit after close).
      if (text !== '' && text !== 'z' && text !== 'Z' && text !== '\x07')
        this.problem(new SlcanProtocolError(text, 'an answer nobody asked for'));
      return;
    }
    // Each command gets one answer: a line that could be an answer is the oldest command's, even
    // when it is not the kind that command expects (that command then fails), so that the answers
    // of the commands behind it stay theirs. Anything else is garbage and is only reported.
    // CANable's firmware answers V with its git version alone, without the letter: for V and N any
    // line is the answer.
    const query = head.expect === 'V' || head.expect === 'N';
    const couldAnswer =
      text === '\x07' || text === '' || text === 'z' || text === 'Z' || /^[VNF]/.test(text) || query;
    if (!couldAnswer) {
      this.problem(new SlcanProtocolError(text, `not an answer to '${printable(head.command)}'`));
      return;
    }
    this.pending.shift();
    this.clock.clearTimeout(head.timer);
    const fits =
      (head.expect === 'ack' && text === '') ||
      (head.expect === 'tx' && (text === '' || text === 'z' || text === 'Z')) ||
      (query && text !== '') ||
      (head.expect === 'F' && text[0] === 'F');
    if (text === '\x07') head.reject(new SlcanRefusedError(this.name, head.command));
    else if (!fits)
      head.reject(new SlcanProtocolError(text, `not an answer to '${printable(head.command)}'`));
    else head.resolve(text);
  }

  private deliver(frame: Frame): void {
    if (this.options.filters && !matchesFilters(frame, this.options.filters)) return;
    for (const s of this.subs) if (matchesFilters(frame, s.filters)) s.listener(frame);
    for (const s of this.monitors) if (matchesFilters(frame, s.filters)) s.listener(frame);
  }

  async send(frame: Frame): Promise<void> {
    if (this.isClosed) throw this.lostReason ?? new BusClosedError(this.name);
    const problem = validateFrame(frame);
    if (problem) throw new FrameRefusedError(this.name, { kind: 'invalid', problem });
    if (frame.fd) throw new FrameRefusedError(this.name, { kind: 'fd-on-slcan' });
    if (frame.error) throw new FrameRefusedError(this.name, { kind: 'error-frame' });
    if (this.info.listenOnly) throw new FrameRefusedError(this.name, { kind: 'listen-only' });
    const line = encodeFrame(frame);
    const sent = this.command(line, 'tx');
    if (this.monitors.size > 0) {
      const copy: Frame = {
        ...frame,
        timestamp: this.stampNow() / 1000,
        channel: this.channel,
        direction: 'tx',
      };
      for (const s of this.monitors) if (matchesFilters(copy, s.filters)) s.listener(copy);
    }
    await sent;
  }

  /** Reads and decodes the status flags (`F`); a non-zero status is also delivered as an error frame. */
  async readStatus(): Promise<SlcanStatus> {
    const answer = await this.command('F', 'F');
    const raw = Number.parseInt(answer.slice(1, 3), 16);
    if (answer.length !== 3 || Number.isNaN(raw))
      throw new SlcanProtocolError(answer, 'a status is F and two hex digits');
    const status = decodeStatus(raw);
    if (raw !== 0 && this.options.errorFrames !== false)
      this.deliver(statusFrame(status, this.stampNow() / 1000, this.channel));
    return status;
  }

  subscribe(listener: FrameListener, filters?: FrameFilter[]): () => void {
    const sub: Subscription = { listener, filters };
    this.subs.add(sub);
    return () => {
      this.subs.delete(sub);
    };
  }

  /**
   * A second endpoint on the same adapter, as a second socket on a SocketCAN interface would be: it
   * hears every received frame and every frame this bus sends (direction `tx`), for recording. Its
   * `send` goes through this bus; closing it only detaches it.
   */
  tap(): Bus {
    const owner = this;
    const mine = new Set<Subscription>();
    let tapClosed = false;
    return {
      name: `${this.name}#tap`,
      get closed() {
        return tapClosed || owner.isClosed;
      },
      send: (frame) => owner.send(frame),
      subscribe: (listener, filters) => {
        const sub: Subscription = { listener, filters };
        mine.add(sub);
        owner.monitors.add(sub);
        return () => {
          mine.delete(sub);
          owner.monitors.delete(sub);
        };
      },
      onClose: (listener) => owner.onClose(listener),
      close: async () => {
        tapClosed = true;
        for (const s of mine) owner.monitors.delete(s);
        mine.clear();
      },
    };
  }

  onClose(listener: () => void): () => void {
    this.closeListeners.add(listener);
    return () => {
      this.closeListeners.delete(listener);
    };
  }

  private lost(reason: string): void {
    if (this.isClosed) return;
    this.lostReason = new SlcanDisconnectedError(this.name, reason);
    this.markClosed(this.lostReason);
  }

  private markClosed(reason: Error): void {
    this.isClosed = true;
    for (const p of this.pending.splice(0)) {
      this.clock.clearTimeout(p.timer);
      p.reject(reason);
    }
    this.subs.clear();
    this.monitors.clear();
    for (const l of [...this.closeListeners]) l();
    this.closeListeners.clear();
  }

  /** Closes the channel (`C`, its answer waited for CLOSE_ANSWER_MS at most) and the line. */
  close(): Promise<void> {
    if (this.isClosed) return Promise.resolve();
    this.closing ??= this.closeNow();
    return this.closing;
  }

  private closing: Promise<void> | undefined;

  private async closeNow(): Promise<void> {
    // The adapter stops putting frames on the line, and its answer to that is read here: left
    // unread in the line, it was the first thing the next program to open the adapter read, one
    // answer ahead of its own commands (3 reopenings of 60 failed so, right after a close). A dead
    // or silent adapter holds the close up for CLOSE_ANSWER_MS at most. Nobody hears frames meanwhile.
    this.subs.clear();
    this.monitors.clear();
    let timer: TimerHandle | undefined;
    await Promise.race([
      this.command('C').catch(() => undefined),
      new Promise<void>((resolve) => {
        timer = this.clock.setTimeout(resolve, CLOSE_ANSWER_MS);
      }),
    ]);
    if (timer !== undefined) this.clock.clearTimeout(timer);
    if (!this.isClosed) this.markClosed(new BusClosedError(this.name));
    await releaseLine(this.stream);
  }
}

/** How long `close()` waits for the adapter's answer to `C`. */
const CLOSE_ANSWER_MS = 250;

function refusedIsFine(err: unknown): undefined {
  if (err instanceof SlcanRefusedError || err instanceof SlcanTimeoutError) return undefined;
  throw err;
}

/** A status byte as a SocketCAN error frame: overruns and FIFO losses, warning and passive states, lost arbitration, bus error. */
export function statusFrame(s: SlcanStatus, timestamp: number, channel?: string): Frame {
  const data = new Uint8Array(8);
  let id = 0;
  if (s.rxFifoFull || s.dataOverrun) {
    id |= CAN_ERR.CRTL;
    data[1] |= 0x01;
  }
  if (s.txFifoFull) {
    id |= CAN_ERR.CRTL;
    data[1] |= 0x02;
  }
  if (s.errorWarning) {
    id |= CAN_ERR.CRTL;
    data[1] |= 0x04 | 0x08;
  }
  if (s.errorPassive) {
    id |= CAN_ERR.CRTL;
    data[1] |= 0x10 | 0x20;
  }
  if (s.arbitrationLost) id |= CAN_ERR.LOSTARB;
  if (s.busError) id |= CAN_ERR.BUSERROR;
  const frame: Frame = { id, extended: false, error: true, data, timestamp, dlc: 8 };
  if (channel) frame.channel = channel;
  return frame;
}

/** Closes a line for good: a serialport must be closed (destroy alone keeps its descriptor), a socket destroyed. */
function releaseLine(stream: Duplex): Promise<void> {
  const port = stream as Duplex & { isOpen?: boolean; close?: (cb: (err?: Error | null) => void) => void };
  return new Promise<void>((resolve) => {
    const done = () => {
      if (!stream.destroyed) stream.destroy();
      resolve();
    };
    if (port.isOpen && typeof port.close === 'function') port.close(() => done());
    else if (stream.writableLength > 0 && !stream.destroyed) stream.end(() => done());
    else done();
  });
}
