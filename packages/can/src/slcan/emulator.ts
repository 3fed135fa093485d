import type { Duplex } from 'node:stream';
import { type Clock, systemClock } from '@atelier/clock';
import type { Frame } from '../frame.js';
import { VirtualBus } from '../virtual-bus.js';
import { SlcanLineSplitter } from './lines.js';
import {
  decodeFrame,
  encodeFrame,
  hex32,
  passesAcceptance,
  SLCAN_CODE_BITRATES,
  TIMESTAMP_WRAP_MS,
} from './protocol.js';

export interface SlcanEmulatorOptions {
  /** The virtual CAN channel the emulated adapter is plugged into (`new VirtualBus(channel)` reaches it). */
  channel: string;
  /** Time for the Z1 timestamps (the system clock by default). */
  clock?: Clock;
  /** `V` answer digits: hardware and software version (Lawicel's form, `1013`). */
  version?: string;
  /** `N` answer: four characters. */
  serial?: string;
  /**
   * How a transmit is acknowledged: `z` (Lawicel CANUSB/CAN232 and USBtin: `z` for `t`/`r`, `Z` for
   * `T`/`R`) or `cr` (a bare CR, as some firmware does).
   */
  transmitAck?: 'z' | 'cr';
  /** Longest command line taken; longer is answered with one BELL and skipped (Lawicel's buffer). */
  maxLine?: number;
  /**
   * Whose command set: `lawicel` (CANUSB/CAN232, the default) or `canable` (CANable's original slcan
   * firmware: `V` answers its git version without the letter, no `N`, `Z` nor `F`, `M`/`m` set the
   * silent mode instead of acceptance registers, transmits acknowledged with a bare CR).
   */
  firmware?: 'lawicel' | 'canable';
}

const OK = '\r';
const BELL_ANSWER = '\x07';

/** One powered-up adapter on one line: its own state, as a real one has after being plugged in. */
class EmulatedAdapter {
  private bitrate: number | undefined;
  private mode: 'closed' | 'open' | 'listen' = 'closed';
  private timestamps = false;
  private code = 0;
  private mask = 0xffffffff;
  private status = 0;
  private endpoint: VirtualBus | undefined;
  private readonly splitter: SlcanLineSplitter;

  constructor(
    private readonly emu: SlcanEmulator,
    private readonly stream: Duplex,
    private readonly opts: SlcanEmulatorOptions,
    private readonly clock: Clock,
  ) {
    this.splitter = new SlcanLineSplitter(
      {
        line: (text) => this.onCommand(text),
        bell: () => this.answer('\x07'),
        overflow: () => this.answer('\x07'),
      },
      'slcan emulator',
      opts.maxLine ?? 32,
    );
    stream.on('data', (d: Buffer) => this.splitter.push(d));
    const gone = () => this.powerOff();
    stream.on('close', gone);
    stream.on('end', gone);
    stream.on('error', gone);
  }

  get isOpen(): boolean {
    return this.mode !== 'closed';
  }

  private answer(text: string): void {
    if (!this.stream.destroyed && this.stream.writable) this.stream.write(Buffer.from(text, 'latin1'));
  }

  raise(flags: number): void {
    this.status |= flags & 0xff;
  }

  report(line: string): void {
    if (this.isOpen) this.answer(`${line}\r`);
  }

  private onCommand(line: string): void {
    this.answer(this.reply(line));
  }

  /** The answer to one command line: CR (OK), BELL (error), or a line of its own. */
  private reply(line: string): string {
    if (line === '') return OK;
    const c = line[0]!;
    const arg = line.slice(1);
    if (this.opts.firmware === 'canable') {
      if (c === 'V' || c === 'v')
        return `${this.opts.version ?? 'b3e9c1d github.com/normaldotcom/canable-fw.git'}\r`;
      if (c === 'N' || c === 'Z' || c === 'F') return BELL_ANSWER;
      if (c === 'M' || c === 'm') return OK; // the silent mode: this emulator stays in normal mode
    }
    switch (c) {
      case 'S': {
        const n = Number(arg);
        if (this.isOpen || arg.length !== 1 || !(n >= 0 && n < SLCAN_CODE_BITRATES.length))
          return BELL_ANSWER;
        this.bitrate = SLCAN_CODE_BITRATES[n];
        return OK;
      }
      case 's':
        if (this.isOpen || !/^[0-9A-Fa-f]{4}$/.test(arg)) return BELL_ANSWER;
        this.bitrate = -1; // set from timing registers
        return OK;
      case 'O':
      case 'L':
        if (arg !== '' || this.isOpen || this.bitrate === undefined) return BELL_ANSWER;
        this.mode = c === 'O' ? 'open' : 'listen';
        this.endpoint = new VirtualBus(this.opts.channel, { clock: this.clock });
        this.endpoint.subscribe((f) => this.onBusFrame(f));
        return OK;
      case 'C':
        if (arg !== '' || !this.isOpen) return BELL_ANSWER;
        this.close();
        return OK;
      case 't':
      case 'T':
      case 'r':
      case 'R': {
        if (this.mode !== 'open') return BELL_ANSWER;
        let frame: Frame;
        try {
          frame = decodeFrame(line).frame;
        } catch {
          return BELL_ANSWER;
        }
        // A transmit line carries no timestamp: a decoded one means the line was too long.
        if (line.length !== encodeFrame(frame).length) return BELL_ANSWER;
        frame.timestamp = this.clock.now() / 1000;
        // The frame goes on the bus first: answers it provokes may reach the line before the ack.
        this.endpoint!.sendSync(frame);
        if (this.opts.transmitAck === 'cr' || this.opts.firmware === 'canable') return OK;
        return c === 't' || c === 'r' ? 'z\r' : 'Z\r';
      }
      case 'F':
        if (arg !== '' || !this.isOpen) return BELL_ANSWER;
        {
          const answer = `F${this.status.toString(16).toUpperCase().padStart(2, '0')}\r`;
          this.status = 0;
          return answer;
        }
      case 'V':
        if (arg !== '') return BELL_ANSWER;
        return `V${this.opts.version ?? '1013'}\r`;
      case 'N':
        if (arg !== '') return BELL_ANSWER;
        return `N${this.opts.serial ?? 'AT01'}\r`;
      case 'Z':
        if (this.isOpen || (arg !== '0' && arg !== '1')) return BELL_ANSWER;
        this.timestamps = arg === '1';
        return OK;
      case 'M':
      case 'm': {
        if (this.isOpen || !/^[0-9A-Fa-f]{8}$/.test(arg)) return BELL_ANSWER;
        const v = Number.parseInt(arg, 16) >>> 0;
        if (c === 'M') this.code = v;
        else this.mask = v;
        return OK;
      }
      default:
        return BELL_ANSWER;
    }
  }

  private onBusFrame(f: Frame): void {
    if (f.error || f.fd) return;
    if (!passesAcceptance(f, this.code, this.mask)) return;
    const stamp = this.timestamps ? Math.floor(this.clock.now()) % TIMESTAMP_WRAP_MS : undefined;
    this.answer(`${encodeFrame(f, stamp)}\r`);
  }

  private close(): void {
    this.mode = 'closed';
    void this.endpoint?.close();
    this.endpoint = undefined;
  }

  powerOff(): void {
    this.close();
    this.emu.detach(this);
  }

  describe(): string {
    return `${this.mode} at ${this.bitrate ?? 'no'} bit/s, acceptance ${hex32(this.code)}/${hex32(this.mask)}`;
  }
}

/**
 * An SLCAN adapter in software (Lawicel CANUSB command set), plugged into a virtual CAN channel:
 * whatever a client sends with `t`/`T`/`r`/`R` goes on the channel, and every frame on the channel
 * passing the acceptance registers comes back as a line (with a Z1 timestamp when asked). Each line
 * attached (`attach`) is a freshly powered adapter: closed, no bit rate, no timestamps.
 */
export class SlcanEmulator {
  private readonly adapters = new Set<EmulatedAdapter>();
  private readonly clock: Clock;

  constructor(readonly options: SlcanEmulatorOptions) {
    this.clock = options.clock ?? systemClock;
  }

  /** Serves one line (a socket, a pseudo-terminal's bridge) until it closes. */
  attach(stream: Duplex): void {
    this.adapters.add(new EmulatedAdapter(this, stream, this.options, this.clock));
  }

  /** @internal */
  detach(adapter: EmulatedAdapter): void {
    this.adapters.delete(adapter);
  }

  /** Sets status bits (`F`, Lawicel's layout) on every attached adapter until they are read. */
  raiseStatus(flags: number): void {
    for (const a of this.adapters) a.raise(flags);
  }

  /** Sends an error or state line (`e1a`, `sb256256`, Linux slcan's forms) from every open adapter. */
  report(line: string): void {
    for (const a of this.adapters) a.report(line);
  }

  /** How many lines are attached, and how many of them have their CAN channel open. */
  get sessions(): { attached: number; open: number } {
    let open = 0;
    for (const a of this.adapters) if (a.isOpen) open++;
    return { attached: this.adapters.size, open };
  }

  /** Powers every adapter off (their channels close; the lines stay with whoever owns them). */
  close(): void {
    for (const a of [...this.adapters]) a.powerOff();
  }
}
