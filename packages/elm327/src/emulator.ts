import type { Duplex } from 'node:stream';
import { type Clock, systemClock } from '@atelier/clock';
import { functionalAddressOf, type Responder, stMinToMs, type Target } from '@atelier/obd';
import { formatAnswer, formatCanFrame, segment } from './format.js';
import { targetOfHeader } from './header.js';
import { stripControls } from './parse.js';
import { type AdapterProfile, GENUINE } from './profile.js';
import { type ElmProtocol, protocolById } from './protocols.js';

/**
 * An ELM327 in software. It speaks the AT dialogue a client needs, answers OBD/UDS requests from
 * any Responder, and keeps the time a real adapter takes (see the timing model in the README):
 * serial time at the baud rate, ECU latency, and the wait for late answers until the timeout unless
 * the response count was given. Everything runs on an injected clock.
 */
export interface EmulatorOptions {
  responder: Responder;
  clock?: Clock;
  /** Serial line speed the timing model uses, bit/s (10 bits per byte). 0: no serial delay. */
  baud?: number;
  /** ECU processing time before an answer, ms. */
  latencyMs?: number;
  /** The protocol the simulated vehicle speaks (an ELM protocol number), `6` by default. */
  vehicleProtocol?: string;
  /** Adapter behaviour, quirks included; the genuine datasheet adapter by default. */
  profile?: AdapterProfile;
  /** Battery voltage ATRV reports, volts. */
  voltage?: number;
  /** CAN padding byte of the simulated ECUs. */
  padding?: number;
  /** The adapter's automatic search misses the vehicle (UNABLE TO CONNECT); only a forced protocol works. */
  searchFails?: boolean;
  /**
   * Every CAN frame of a request's exchange as it would cross the vehicle bus (CAN protocols): the
   * ECUs' single, first and consecutive frames and the flow controls the adapter sends, with their
   * end times on the emulator's clock. For tests and traces; the adapter prints none of it.
   */
  onBusFrame?: (frame: BusFrame) => void;
  /**
   * How the simulated ECUs answer a first frame a tester framed itself (AT CAF0): the flow control
   * they send back (ISO 15765-2). Clear to send with block size 0 and STmin 0 by default.
   */
  ecuFlowControl?: EcuFlowControl;
}

/** The flow control a simulated ECU answers a tester's first frame (or block) with. */
export interface EcuFlowControl {
  /** BS: consecutive frames the tester may send before the next flow control (0: all). */
  bs?: number;
  /** STmin as its ISO 15765-2 byte (00–7F ms, F1–F9 100–900 µs). */
  stMin?: number;
  /** FC.WAIT frames (`31 00 00`) sent before the clear-to-send one, `waitGapMs` apart (10 ms). */
  waits?: number;
  waitGapMs?: number;
  /** Requests longer than this many bytes are refused with FC.OVFLW (`32 00 00`). */
  maxLength?: number;
  /** The ECU sends no flow control at all (a tester must time out, ISO 15765-2 N_Bs). */
  silent?: boolean;
}

/** ISO 15765-2 N_Cr: how long the ECU waits for the tester's next consecutive frame, ms. */
const N_CR_MS = 1000;

/** A request the simulated ECU is receiving frame by frame from a tester (AT CAF0). */
interface Inbound {
  target: number;
  ecu: number;
  length: number;
  data: number[];
  /** Sequence number the next consecutive frame must carry. */
  sn: number;
  /** Consecutive frames received in the current block. */
  inBlock: number;
  deadline: number;
}

/** What one raw frame from the tester led to: a whole request, flow controls to print, or nothing. */
type TesterFrameOutcome =
  | { kind: 'request'; data: Uint8Array }
  | { kind: 'flow'; ecu: number; frames: { at: number; data: Uint8Array }[] }
  | { kind: 'none' };

/** A CAN frame on the vehicle bus during an exchange (see `EmulatorOptions.onBusFrame`). */
export interface BusFrame {
  /** When the frame's last bit left, ms on the emulator's clock. */
  t: number;
  id: number;
  data: Uint8Array;
  /** `adapter`: the request and the flow controls the chip sends; `ecu`: an answer's frames. */
  from: 'adapter' | 'ecu';
}

interface Settings {
  echo: boolean;
  linefeeds: boolean;
  headers: boolean;
  spaces: boolean;
  /** ATSP value: `0` auto, `A6` auto starting with 6, `6` forced. */
  sp: string;
  /** Protocol in use once a search succeeded or one was forced. */
  active?: ElmProtocol;
  autoFound: boolean;
  /** ATST in units of 4 ms. */
  st: number;
  adaptive: 0 | 1 | 2;
  /** ATSH as given, hex; undefined: the protocol's default functional header. */
  header?: string;
  /** ATCP priority byte for 29-bit headers. */
  priority: number;
  caf: boolean;
  /**
   * AT CF / AT CM (and AT CRA, which sets both): the acceptance filter and mask, one storage for
   * 11- and 29-bit ids, right-justified (`CF 7E8` is `CF 00 00 07 E8`). Both undefined: automatic
   * receive (AT AR), where an 11-bit answer passes from 7E8–7EF and a 29-bit one addressed to the
   * tester (F1). One set alone: the other keeps automatic receive's value for the protocol.
   */
  filter?: number;
  mask?: number;
  /** AT CFC1 (default) / CFC0: whether the adapter sends flow controls at all. */
  flowControls: boolean;
  /**
   * ATFCSH: the flow-control id mode 1 uses, right-justified as given (3 digits: the right-most 11
   * bits; 8 digits: the right-most 29), as AT CF/CM store theirs.
   */
  fcHeader?: number;
  /** ATFCSD: the flow-control data bytes modes 1 and 2 use. */
  fcData?: Uint8Array;
  /** ATFCSM: 0 automatic (header from the answer's id, data 30 00 00), 1 user header and data, 2 user data. */
  fcMode: 0 | 1 | 2;
  /**
   * AT CEA hh: the CAN extended address, put first in every frame the adapter sends (requests and
   * flow controls); received frames pass only with the tester address (AT TA) first. AT CEA: off.
   */
  cea?: number;
  /** AT TA hh: the tester address (F1 by default), which extended-address answers must carry. */
  testerAddress: number;
  /**
   * AT V1: a frame the tester writes with formatting off goes out with as many bytes as written;
   * AT V0 (default): padded to 8 with 00, as ISO 15765-4 wants (Application Note AN07).
   */
  variableDlc: boolean;
}

const defaults = (): Settings => ({
  echo: true,
  linefeeds: false,
  headers: false,
  spaces: true,
  sp: '0',
  autoFound: false,
  st: 0x32,
  adaptive: 1,
  priority: 0x18,
  caf: true,
  fcMode: 0,
  flowControls: true,
  testerAddress: 0xf1,
  variableDlc: false,
});

export class Elm327Emulator {
  readonly clock: Clock;
  readonly baud: number;
  readonly latencyMs: number;
  readonly profile: AdapterProfile;
  readonly vehicleProtocol: ElmProtocol;
  private sessions = new Set<EmulatorSession>();

  constructor(readonly options: EmulatorOptions) {
    this.clock = options.clock ?? systemClock;
    this.baud = options.baud ?? 38_400;
    this.latencyMs = options.latencyMs ?? 15;
    this.profile = options.profile ?? GENUINE;
    const vp = protocolById(options.vehicleProtocol ?? '6');
    if (!vp)
      throw new RangeError(`unknown vehicle protocol '${options.vehicleProtocol}' (ELM327 numbers 1–A)`);
    this.vehicleProtocol = vp;
  }

  /** Serves one adapter connection on a byte stream (a TCP socket, a pty, an in-memory pair). */
  attach(stream: Duplex): EmulatorSession {
    const session = new EmulatorSession(this, stream);
    this.sessions.add(session);
    stream.once('close', () => this.sessions.delete(session));
    return session;
  }

  /** Ends every connection. */
  close(): void {
    for (const s of this.sessions) s.end();
    this.sessions.clear();
  }
}

/** Time to move `bytes` over the serial line, ms. */
export function serialMs(bytes: number, baud: number): number {
  return baud > 0 ? (bytes * 10 * 1000) / baud : 0;
}

export class EmulatorSession {
  private s: Settings = defaults();
  private input = '';
  private last = '';
  /** Bumped to abandon the command being processed (interrupt, reset, end). */
  private generation = 0;
  private busy = false;
  private answers = 0;
  /** ECU latency seen last, for the adaptive-timing model. */
  private seenLatency = 0;
  /** When the vehicle bus last fell quiet (end of the last answer), for the K-line P3 wait. */
  private busFreeAt = Number.NEGATIVE_INFINITY;
  private out: { text: string; at: number }[] = [];
  private outTimer: unknown;
  private lineFreeAt = 0;
  private ended = false;
  /** The request the simulated ECU is receiving from a tester framing it itself (AT CAF0). */
  private inbound?: Inbound;

  constructor(
    private emu: Elm327Emulator,
    private io: Duplex,
  ) {
    io.on('data', (chunk: Buffer | string) => this.receive(chunk.toString('latin1')));
    io.on('error', () => this.end());
    io.on('close', () => this.end());
    // A powered-up ELM327 greets with its banner and a prompt.
    this.emit(`\r\r${this.emu.profile.version}\r\r>`);
  }

  end(): void {
    this.ended = true;
    this.generation++;
    if (this.outTimer) this.emu.clock.clearTimeout(this.outTimer);
    if (!this.io.destroyed) this.io.end();
  }

  private get eol(): string {
    return this.s.linefeeds ? '\r\n' : '\r';
  }

  private receive(text: string): void {
    for (const ch of text) {
      if (ch === '\n' || ch === '\0') continue;
      if (this.busy) {
        // Any character while a request is being processed stops it, as on the real chip.
        this.busy = false;
        this.generation++;
        this.emit(`STOPPED${this.eol}${this.eol}>`);
        if (ch === '\r') continue;
      }
      if (ch === '\r') {
        const line = this.input;
        this.input = '';
        void this.execute(line);
      } else this.input += ch;
    }
  }

  /** Queues output at the serial line's pace: each chunk leaves once its last byte would have. */
  private emit(text: string): void {
    if (this.ended || text === '') return;
    const now = this.emu.clock.now();
    const start = Math.max(now, this.lineFreeAt);
    this.lineFreeAt = start + serialMs(text.length, this.emu.baud);
    this.out.push({ text, at: this.lineFreeAt });
    if (!this.outTimer) this.schedule();
  }

  private schedule(): void {
    const next = this.out[0];
    if (!next) {
      this.outTimer = undefined;
      return;
    }
    this.outTimer = this.emu.clock.setTimeout(
      () => {
        const now = this.emu.clock.now();
        let text = '';
        while (this.out.length > 0 && this.out[0]!.at <= now + 0.001) text += this.out.shift()!.text;
        if (text && !this.io.destroyed && !this.ended) this.io.write(Buffer.from(text, 'latin1'));
        this.schedule();
      },
      Math.max(0, next.at - this.emu.clock.now()),
    );
  }

  private async execute(raw: string): Promise<void> {
    const gen = ++this.generation;
    const echo = this.s.echo || this.emu.profile.quirks.echoOffIgnored;
    if (echo) this.emit(`${raw}\r`);
    let line = stripControls(raw).replace(/\s/g, '').toUpperCase();
    if (line === '') line = this.last;
    if (line === '') {
      this.emit('>');
      return;
    }
    this.busy = true;
    // The command's own bytes took their serial time to arrive.
    await this.emu.clock.sleep(serialMs(raw.length + 1, this.emu.baud));
    if (gen !== this.generation) return;
    let reply: string[] | undefined;
    if (line.startsWith('AT')) reply = await this.at(line.slice(2), gen);
    else if (line.startsWith('ST')) reply = this.st(line.slice(2));
    else if (/^[0-9A-F]+$/.test(line) && line.length >= 2) reply = await this.obd(line, gen);
    else reply = ['?'];
    if (gen !== this.generation || reply === undefined) return;
    this.last = line;
    this.busy = false;
    for (const l of reply) this.emit(l + this.eol);
    this.answers++;
    const lose = this.emu.profile.quirks.promptLossEvery;
    if (lose > 0 && this.answers % lose === 0) return;
    this.emit(`${this.eol}>`);
  }

  private st(cmd: string): string[] {
    const p = this.emu.profile;
    if (!p.quirks.stn) return ['?'];
    if (cmd === 'I') return [p.stnVersion ?? 'STN1110 v4.0.1'];
    if (cmd === 'DI') return [`OBDLink (${p.name})`];
    if (cmd === 'SN') return ['110012345678'];
    return ['?'];
  }

  private async at(cmd: string, gen: number): Promise<string[] | undefined> {
    const s = this.s;
    const q = this.emu.profile.quirks;
    const flag = (name: string): boolean | undefined => {
      const m = new RegExp(`^${name}([01])$`).exec(cmd);
      return m ? m[1] === '1' : undefined;
    };
    if (cmd === 'Z' || cmd === 'WS' || cmd === 'D') {
      if (cmd !== 'D') {
        await this.emu.clock.sleep(cmd === 'Z' ? q.resetMs : q.resetMs / 4);
        if (gen !== this.generation) return undefined;
      }
      this.s = defaults();
      this.inbound = undefined;
      return cmd === 'D' ? ['OK'] : ['', '', this.emu.profile.version];
    }
    if (cmd === 'I') return [this.emu.profile.version];
    if (cmd === '@1') return ['OBDII to RS232 Interpreter'];
    // Read-only commands of later firmware versions: a clone's firmware does not have them.
    const since: Record<string, number> = { PPS: 1.1, IGN: 1.4, AMC: 2.0 };
    if (since[cmd] !== undefined) {
      if (q.atLevel < since[cmd]!) return ['?'];
      if (cmd === 'PPS') return ['00:FF F  01:FF F  02:FF F  03:32 F', '04:01 F  05:FF F  06:F1 F  07:09 F'];
      return [cmd === 'IGN' ? 'ON' : '00'];
    }
    if (cmd === 'RV') return [`${(this.emu.options.voltage ?? 12.6).toFixed(1)}V`];
    if (cmd === 'DP') {
      const p = s.active ?? protocolById(s.sp.replace('A', '')) ?? undefined;
      if (!p) return ['AUTO'];
      return [s.sp.startsWith('A') || s.sp === '0' ? `AUTO, ${p.name}` : p.name];
    }
    if (cmd === 'DPN') {
      if (!s.active) return [s.sp === '0' ? '0' : s.sp];
      return [`${s.autoFound ? 'A' : ''}${s.active.id}`];
    }
    for (const [name, key] of [
      ['E', 'echo'],
      ['L', 'linefeeds'],
      ['H', 'headers'],
      ['S', 'spaces'],
      ['CAF', 'caf'],
      ['V', 'variableDlc'],
    ] as const) {
      const v = flag(name);
      if (v !== undefined) {
        s[key] = v;
        return ['OK'];
      }
    }
    const at = /^AT([012])$/.exec(cmd);
    if (at) {
      if (!q.adaptiveTiming && at[1] !== '0') return ['?'];
      s.adaptive = Number(at[1]) as 0 | 1 | 2;
      return ['OK'];
    }
    let m = /^ST([0-9A-F]{2})$/.exec(cmd);
    if (m) {
      s.st = Number.parseInt(m[1]!, 16) || 0x32;
      return ['OK'];
    }
    m = /^(SP|TP)(A?)([0-9A-C])$/.exec(cmd);
    if (m) {
      const id = m[3]!;
      if (id !== '0' && !protocolById(id)) return ['?'];
      s.sp = id === '0' ? '0' : `${m[2]}${id}`;
      s.active = undefined;
      s.autoFound = false;
      return ['OK'];
    }
    if (cmd === 'PC') {
      s.active = undefined;
      return ['OK'];
    }
    m = /^SH([0-9A-F]{3}|[0-9A-F]{6}|[0-9A-F]{8})$/.exec(cmd);
    if (m) {
      s.header = m[1];
      return ['OK'];
    }
    m = /^CP([0-9A-F]{2})$/.exec(cmd);
    if (m) {
      s.priority = Number.parseInt(m[1]!, 16);
      return ['OK'];
    }
    if (cmd === 'AR' || cmd === 'CRA') {
      // Back to automatic receive: whatever CRA, CF or CM set is forgotten.
      s.filter = undefined;
      s.mask = undefined;
      return ['OK'];
    }
    m = /^CRA([0-9A-FX]{3}|[0-9A-FX]{8})$/.exec(cmd);
    if (m) {
      // A shortcut for CF and CM: each digit must match, an X matches anything.
      const width = m[1]!.length === 3 ? ID_11 : ID_29;
      s.filter = Number.parseInt(m[1]!.replace(/X/g, '0'), 16) & width;
      s.mask = Number.parseInt(m[1]!.replace(/[0-9A-F]/g, 'F').replace(/X/g, '0'), 16) & width;
      return ['OK'];
    }
    m = /^C([FM])([0-9A-F]{3}|[0-9A-F]{8})$/.exec(cmd);
    if (m) {
      // Three digits give an 11-bit value (the first digit's top bit ignored), eight a 29-bit one
      // (the first digit's three top bits ignored), into the same storage.
      const v = Number.parseInt(m[2]!, 16) & (m[2]!.length === 3 ? ID_11 : ID_29);
      if (m[1] === 'F') s.filter = v;
      else s.mask = v;
      return ['OK'];
    }
    const cfc = flag('CFC');
    if (cfc !== undefined) {
      s.flowControls = cfc;
      return ['OK'];
    }
    if (cmd.startsWith('FC')) return this.flowControl(cmd.slice(2));
    // AT CEA / CEA hh (datasheet v2.3, from v1.4): effective at once, kept until AT CEA, D, Z, WS.
    m = /^CEA([0-9A-F]{2})?$/.exec(cmd);
    if (m) {
      if (q.atLevel < 1.4) return ['?'];
      s.cea = m[1] === undefined ? undefined : Number.parseInt(m[1], 16);
      return ['OK'];
    }
    m = /^TA([0-9A-F]{2})$/.exec(cmd);
    if (m) {
      s.testerAddress = Number.parseInt(m[1]!, 16);
      return ['OK'];
    }
    // AT CSM0/1 (CAN silent monitoring: whether the chip acknowledges frames while monitoring):
    // accepted; this emulator does not monitor the bus, so it changes nothing here.
    if (/^CSM[01]$/.test(cmd)) return q.atLevel >= 1.4 ? ['OK'] : ['?'];
    // Commands accepted without effect on this model (memory, DLC display, wake-up ...).
    if (/^(M[01]|D[01]|R[01]|AL|NL|FE|KW[01]|IB.*|SI|SS|BI|SW.*|WM.*|LP)$/.test(cmd)) return ['OK'];
    return ['?'];
  }

  /**
   * AT FC SH / SD / SM (datasheet v2.3, "Altering Flow Control Messages"): mode 1 needs a header
   * and data set first, mode 2 data; an adapter profile without flow-control commands answers `?`.
   */
  private flowControl(cmd: string): string[] {
    const s = this.s;
    // The AT FC commands came with v1.1; a clone's firmware may lack them whatever it claims.
    if (!this.emu.profile.quirks.flowControl || this.emu.profile.quirks.atLevel < 1.1) return ['?'];
    // FC SH takes 3 digits (11-bit) or 8 (29-bit), never AT SH's 6: the datasheet's two forms.
    let m = /^SH([0-9A-F]{3}|[0-9A-F]{8})$/.exec(cmd);
    if (m) {
      s.fcHeader = Number.parseInt(m[1]!, 16) & (m[1]!.length === 3 ? ID_11 : ID_29);
      return ['OK'];
    }
    m = /^SD((?:[0-9A-F]{2}){1,5})$/.exec(cmd);
    if (m) {
      s.fcData = Uint8Array.from(m[1]!.match(/../g)!.map((b) => Number.parseInt(b, 16)));
      return ['OK'];
    }
    m = /^SM([012])$/.exec(cmd);
    if (m) {
      const mode = Number(m[1]) as 0 | 1 | 2;
      if (mode === 1 && (s.fcHeader === undefined || !s.fcData)) return ['?'];
      if (mode === 2 && !s.fcData) return ['?'];
      s.fcMode = mode;
      return ['OK'];
    }
    return ['?'];
  }

  /**
   * Whether the acceptance filter lets an answer from `ecu` through (CAN only): the id's bits where
   * the mask has a 1 must equal the filter's (datasheet, "Using the CAN Mask and Filter").
   */
  private passes(ecu: number, protocol: ElmProtocol): boolean {
    if (protocol.family !== 'can') return true;
    const { filter, mask } = this.s;
    if (filter === undefined && mask === undefined) {
      if (!protocol.extended) return ecu >= 0x7e8 && ecu <= 0x7ef;
      return ((ecu >>> 8) & 0xffff) === 0xdaf1;
    }
    const width = protocol.extended ? ID_29 : ID_11;
    const m = (mask ?? (protocol.extended ? AUTO_MASK_29 : AUTO_MASK_11)) & width;
    const f = (filter ?? (protocol.extended ? AUTO_FILTER_29 : AUTO_FILTER_11)) & width;
    return (ecu & m) === (f & m);
  }

  /**
   * Block size and STmin of the adapter's flow controls: mode 0 sends 30 00 00 (everything at
   * once, no gap); modes 1 and 2 send AT FC SD's bytes, the same after every block.
   */
  private flowParams(): { bs: number; stMinMs: number } {
    const data = this.s.fcMode === 0 ? undefined : this.s.fcData;
    return { bs: data?.[1] ?? 0, stMinMs: stMinToMs(data?.[2] ?? 0) };
  }

  /**
   * The frames of one answer on the bus from its first bit at `t0` (ms), the adapter's flow controls
   * among them, and when its last frame ends. Single frame: one. Multi-frame: first frame, the flow
   * control the adapter sends back (its bus time is in the ECU latency, as it always was in this
   * model), then the consecutive frames, STmin apart within a block; after each block of BS frames
   * the ECU waits for the next flow control, which the adapter sends at once (one frame's time).
   * Without a flow control reaching the ECU as a clear to send, the first frame alone — and on the
   * bus the flow control the chip sent anyway (to another id, or with other data), unless AT CFC0.
   *
   * The chip's AT ST timer restarts at every frame it receives: when the next consecutive frame
   * is further away than that (an STmin the tester asked for above the timeout), the chip stops
   * listening at the timer's end and ends the answer with the frames it has (`received`, set only
   * when the chip took part of a multi-frame answer; `end`: its last frame). The ECU, which cannot
   * know, still sends the rest of its block; no flow control follows.
   */
  private answerFrames(
    ecu: number,
    data: Uint8Array,
    t0: number,
    protocol: ElmProtocol,
    flows: boolean,
  ): { frames: BusFrame[]; end: number; received?: number } {
    const frameMs = busMs(1, protocol);
    const segs = segment(
      data,
      this.emu.options.padding ?? 0,
      this.s.cea === undefined ? undefined : this.s.testerAddress,
    );
    const frames: BusFrame[] = [];
    let t = t0 + frameMs;
    frames.push({ t, id: ecu, data: segs[0]!, from: 'ecu' });
    if (segs.length === 1) return { frames, end: t };
    const fc = this.flowControlFrame();
    const fcId = this.flowControlTo(ecu, protocol);
    if (this.s.flowControls) frames.push({ t, id: fcId, data: fc, from: 'adapter' });
    if (!flows) return { frames, end: t, received: 1 };
    const { bs, stMinMs } = this.flowParams();
    // The chip's timer between two frames: AT ST's whole value (see the README for why not the
    // adaptive one).
    const limit = this.s.st * 4;
    let received = 1;
    let end = t;
    for (let i = 1; i < segs.length; i++) {
      const inBlock = bs === 0 ? i - 1 : (i - 1) % bs;
      if (i > 1 && inBlock === 0) {
        // A block ended: the chip sends the next flow control only if it is still listening.
        if (received < i) break;
        t += frameMs;
        frames.push({ t, id: fcId, data: fc, from: 'adapter' });
      } else if (inBlock > 0) t += stMinMs;
      t += frameMs;
      frames.push({ t, id: ecu, data: segs[i]!, from: 'ecu' });
      if (received === i && t - end <= limit) {
        received++;
        end = t;
      }
    }
    // Cut short, the answer ends with the last frame the chip took; its timer runs out after it.
    if (received < segs.length) return { frames, end, received };
    return { frames, end: t };
  }

  /**
   * The flow control frame the adapter sends: 30 00 00 in mode 0, else AT FC SD's bytes as given
   * (no PCI added), padded to 8 with the chip's own filler, 00 — not the ECUs' padding, which is
   * theirs (a published bus trace of an ELM327's flow control: `30 00 00 00 00 00 00 00`).
   */
  private flowControlFrame(): Uint8Array {
    const data = this.s.fcMode === 0 || !this.s.fcData ? Uint8Array.of(0x30, 0, 0) : this.s.fcData;
    const out = new Uint8Array(8).fill(ADAPTER_FILLER);
    // AT CEA hh: the extended address goes first in every frame the adapter sends, flow controls too.
    if (this.s.cea !== undefined) {
      out[0] = this.s.cea;
      out.set(data.slice(0, 7), 1);
    } else out.set(data);
    return out;
  }

  /**
   * The id the adapter's flow control frame goes to after the first frame from `ecu`: mode 0 takes
   * it from the answer's id (11-bit: id − 8; 29-bit: target and source bytes swapped), and so does
   * mode 2 (user data, the chip's id); mode 1 from ATFCSH.
   */
  private flowControlTo(ecu: number, protocol: ElmProtocol): number {
    const s = this.s;
    // Mode 1: the id as stored, cut to the protocol's width (an 8-digit header on 11-bit CAN keeps
    // its low 11 bits, a 3-digit one on 29-bit CAN is 0000 0hhh: one right-justified storage).
    if (s.fcMode === 1 && s.fcHeader !== undefined) return s.fcHeader & (protocol.extended ? ID_29 : ID_11);
    if (!protocol.extended) return ecu - 8;
    return ((ecu & 0xffff0000) | ((ecu & 0xff) << 8) | ((ecu >>> 8) & 0xff)) >>> 0;
  }

  /**
   * Extended addressing (CAN): with AT CEA hh only answers whose first byte is the tester address
   * pass (datasheet: "one more filtering step"); without it, an answer in extended addressing has
   * that byte where the PCI should be — an invalid PCI, which CAN auto formatting ignores.
   */
  private addressedToTester(a: { addressExtension?: number }, protocol: ElmProtocol): boolean {
    if (protocol.family !== 'can') return true;
    if (this.s.cea === undefined) return a.addressExtension === undefined;
    return a.addressExtension === this.s.testerAddress;
  }

  /** Whether the adapter's flow control for an answer from `ecu` reaches that ECU and lets it go on. */
  private flowReaches(ecu: number, protocol: ElmProtocol, requestOf: Map<number, number>): boolean {
    // AT CFC0: the adapter sends no flow control at all.
    if (!this.s.flowControls) return false;
    const request = requestOf.get(ecu);
    if (request === undefined) return true;
    return this.flowControlTo(ecu, protocol) === request && this.flowControlClears();
  }

  /** Whether the flow control data lets the ECU send its consecutive frames (a CTS frame, 30 …). */
  private flowControlClears(): boolean {
    const data = this.s.fcMode === 0 ? undefined : this.s.fcData;
    // Only "continue to send" (30): a wait (31) or overflow (32) frame holds the ECU back.
    return !data || data[0] === 0x30;
  }

  /** The ECU target that the current header addresses. */
  private target(protocol: ElmProtocol): Target {
    return targetOfHeader(this.s.header, this.s.priority, protocol);
  }

  /**
   * One frame a tester wrote with CAN auto formatting off (AT CAF0): sent as written (padded to 8
   * bytes with 00 unless AT V1; the AT CEA byte first), then taken by the addressed ECU's ISO 15765-2
   * receiver. A single frame is a request; a first frame opens a reception the ECU answers with
   * its flow control; consecutive frames fill it (a flow control after each block of BS), the last
   * one completes the request. What ISO 15765-2 tells a receiver to ignore is ignored: a first
   * frame to the functional id or shorter than 8 bytes, a consecutive frame out of sequence (which
   * also ends the reception) or after N_Cr. Undefined: the chip refuses the line (`?`).
   */
  private testerFrame(written: Uint8Array, protocol: ElmProtocol): TesterFrameOutcome | undefined {
    const s = this.s;
    const ext = s.cea === undefined ? [] : [s.cea];
    if (written.length + ext.length > 8) return undefined;
    const frame = [...ext, ...written];
    while (!s.variableDlc && frame.length < 8) frame.push(0x00);
    const now = this.emu.clock.now();
    const target = this.target(protocol);
    const id = target.kind === 'physical' ? target.address : functionalAddressOf(protocol.extended);
    this.emu.options.onBusFrame?.({ t: now, id, data: Uint8Array.from(frame), from: 'adapter' });
    const p = frame.slice(ext.length);
    const pci = (p[0] ?? 0xff) >> 4;
    if (pci === 0) {
      const n = p[0]! & 0x0f;
      if (n === 0 || n > p.length - 1) return { kind: 'none' };
      // A single frame during a reception ends it and is taken as a new request (ISO 15765-2).
      this.inbound = undefined;
      return { kind: 'request', data: Uint8Array.from(p.slice(1, 1 + n)) };
    }
    const fc = this.emu.options.ecuFlowControl ?? {};
    if (pci === 1) {
      const ecu = this.emu.options.responder
        .ecus()
        .find((e) => e.request === id && target.kind === 'physical');
      const length = ((p[0]! & 0x0f) << 8) | (p[1] ?? 0);
      if (!ecu || frame.length < 8 || length <= 7 - ext.length) return { kind: 'none' };
      this.inbound = undefined;
      if (fc.silent) return { kind: 'none' };
      const frames: { at: number; data: Uint8Array }[] = [];
      const gap = fc.waitGapMs ?? 10;
      for (let i = 0; i < (fc.waits ?? 0); i++) frames.push({ at: i * gap, data: Uint8Array.of(0x31, 0, 0) });
      const at = (fc.waits ?? 0) * gap;
      if (fc.maxLength !== undefined && length > fc.maxLength) {
        frames.push({ at, data: Uint8Array.of(0x32, 0, 0) });
        return { kind: 'flow', ecu: ecu.response, frames };
      }
      this.inbound = {
        target: id,
        ecu: ecu.response,
        length,
        data: p.slice(2, 2 + length),
        sn: 1,
        inBlock: 0,
        deadline: now + (fc.waits ?? 0) * gap + N_CR_MS,
      };
      frames.push({ at, data: Uint8Array.of(0x30, fc.bs ?? 0, fc.stMin ?? 0) });
      return { kind: 'flow', ecu: ecu.response, frames };
    }
    if (pci === 2) {
      const rx = this.inbound;
      if (!rx || rx.target !== id) return { kind: 'none' };
      if (now > rx.deadline || (p[0]! & 0x0f) !== rx.sn) {
        // N_Cr expired or a sequence number out of order: the ECU abandons the reception.
        this.inbound = undefined;
        return { kind: 'none' };
      }
      rx.data.push(...p.slice(1, 1 + rx.length - rx.data.length));
      rx.sn = (rx.sn + 1) & 0x0f;
      rx.inBlock++;
      rx.deadline = now + N_CR_MS;
      if (rx.data.length >= rx.length) {
        this.inbound = undefined;
        return { kind: 'request', data: Uint8Array.from(rx.data) };
      }
      const bs = fc.bs ?? 0;
      if (bs > 0 && rx.inBlock >= bs) {
        rx.inBlock = 0;
        return {
          kind: 'flow',
          ecu: rx.ecu,
          frames: [{ at: 0, data: Uint8Array.of(0x30, bs, fc.stMin ?? 0) }],
        };
      }
    }
    // A flow control from the tester, or a frame type the ECU ignores: nothing answers.
    return { kind: 'none' };
  }

  /**
   * Prints the flow controls an ECU sent back to a tester's frame, as received (formatting off),
   * then waits like any request: up to the response count, else the timeout; none: `NO DATA`.
   */
  private async printFlow(
    outcome: Exclude<TesterFrameOutcome, { kind: 'request' }>,
    protocol: ElmProtocol,
    count: number | undefined,
    gen: number,
  ): Promise<string[] | undefined> {
    const lines: string[] = [];
    const opts = {
      protocol,
      headers: this.s.headers && !this.emu.profile.quirks.headersIgnored,
      spaces: this.s.spaces,
      padding: this.emu.options.padding,
    };
    const started = this.emu.clock.now();
    let elapsed = 0;
    if (outcome.kind === 'flow') {
      const frameMs = busMs(1, protocol);
      const ext = this.s.cea === undefined ? [] : [this.s.testerAddress];
      for (const f of outcome.frames) {
        const at = this.emu.latencyMs + f.at + frameMs;
        await this.emu.clock.sleep(at - elapsed);
        if (gen !== this.generation) return undefined;
        elapsed = at;
        const frame = new Uint8Array(8).fill(this.emu.options.padding ?? 0);
        frame.set([...ext, ...f.data]);
        this.emu.options.onBusFrame?.({ t: started + at, id: outcome.ecu, data: frame, from: 'ecu' });
        if (!this.passes(outcome.ecu, protocol)) continue;
        lines.push(formatCanFrame(outcome.ecu, frame, opts));
        if (count && lines.length >= count) return lines;
      }
    }
    await this.emu.clock.sleep(this.timeoutMs());
    if (gen !== this.generation) return undefined;
    if (lines.length === 0) lines.push('NO DATA');
    return lines;
  }

  private timeoutMs(): number {
    const st = this.s.st * 4;
    if (this.s.adaptive === 0 || !this.emu.profile.quirks.adaptiveTiming) return st;
    // Adaptive timing: the wait shrinks towards the ECU response time seen, never below a floor.
    const factor = this.s.adaptive === 2 ? 1.5 : 2;
    const floor = this.s.adaptive === 2 ? 8 : 20;
    return Math.min(st, Math.max(floor, Math.ceil(this.seenLatency * factor)));
  }

  private async obd(line: string, gen: number): Promise<string[] | undefined> {
    const q = this.emu.profile.quirks;
    let hex = line;
    let count: number | undefined;
    if (hex.length % 2 === 1) {
      if (!q.responseCount) return ['?'];
      count = Number.parseInt(hex.slice(-1), 16);
      hex = hex.slice(0, -1);
      if (count === 0) count = undefined;
    }
    const data = Uint8Array.from(hex.match(/../g)!.map((b) => Number.parseInt(b, 16)));
    const lines: string[] = [];
    const vehicle = this.emu.vehicleProtocol;
    if (!this.s.active) {
      const auto = this.s.sp === '0' || this.s.sp.startsWith('A');
      const wanted = protocolById(this.s.sp.replace('A', ''));
      if (auto) {
        lines.push('SEARCHING...');
        await this.emu.clock.sleep(q.searchMs);
        if (gen !== this.generation) return undefined;
        if (this.emu.options.searchFails) return [...lines, 'UNABLE TO CONNECT'];
        this.s.active = vehicle;
        this.s.autoFound = true;
      } else if (wanted && wanted.id === vehicle.id) {
        this.s.active = wanted;
      } else {
        await this.emu.clock.sleep(this.s.st * 4);
        if (gen !== this.generation) return undefined;
        if (wanted?.family === 'can') return ['CAN ERROR'];
        return ['BUS INIT: ...ERROR'];
      }
      if (vehicle.family === 'iso9141' || vehicle.family === 'kwp') {
        // Slow (5-baud) or fast initialisation of the K-line before the first request.
        await this.emu.clock.sleep(vehicle.id === '5' ? 100 : 2600);
        if (gen !== this.generation) return undefined;
        lines.push('BUS INIT: ...OK');
      }
    }
    const protocol = this.s.active!;
    // AT CAF0 on CAN: the line is one frame, PCI included, which the ECU's ISO-TP receiver takes.
    const rawCan = protocol.family === 'can' && !this.s.caf;
    let request: Uint8Array = data;
    if (rawCan) {
      const outcome = this.testerFrame(data, protocol);
      if (outcome === undefined) return [...lines, '?'];
      if (outcome.kind !== 'request') {
        const printed = await this.printFlow(outcome, protocol, count, gen);
        return printed && [...lines, ...printed];
      }
      request = outcome.data;
    }
    if (request[0] === 0x01 && request.length - 1 > q.maxPids) return [...lines, 'NO DATA'];
    if (protocol.family !== 'can') {
      // K-line: a tester may speak only P3 (55 ms) after the last answer ended (ISO 9141-2,
      // ISO 14230-2); on every legacy bus the request itself takes bus time (header + checksum).
      const legacyWait = this.busFreeAt + (protocol.family === 'j1850' ? 0 : P3_MS) - this.emu.clock.now();
      await this.emu.clock.sleep(Math.max(0, legacyWait) + requestBusMs(data.length, protocol));
      if (gen !== this.generation) return undefined;
    }
    const cea = protocol.family === 'can' ? this.s.cea : undefined;
    // With auto formatting the chip sends one single frame: 7 bytes, 6 after an extended address;
    // longer requests need AT CAF0 and the tester's own framing.
    if (protocol.family === 'can' && !rawCan && request.length > (cea === undefined ? 7 : 6))
      return [...lines, '?'];
    const started = this.emu.clock.now();
    const target = this.target(protocol);
    const answers = await this.emu.options.responder.respond({
      target,
      data: request,
      extended: protocol.extended,
      nowMs: started,
      ...(cea !== undefined ? { addressExtension: cea } : {}),
    });
    if (gen !== this.generation) return undefined;
    // The ECU's request id, which its flow control frame must reach for a multi-frame answer.
    const requestOf = new Map(this.emu.options.responder.ecus().map((e) => [e.response, e.request]));
    // Each answer arrives after the ECU's latency plus the time its frames take on the bus (on CAN,
    // with the flow controls of its blocks and the STmin gaps they ask for).
    const onBus = this.emu.options.onBusFrame;
    if (onBus && protocol.family === 'can' && !rawCan) {
      const reqId = target.kind === 'physical' ? target.address : functionalAddressOf(protocol.extended);
      // The chip's request is padded with its own filler (00), as its flow controls are.
      for (const f of segment(data, ADAPTER_FILLER, cea).slice(0, 1))
        onBus({ t: started, id: reqId, data: f, from: 'adapter' });
    }
    const timed = answers
      .filter((a) => this.passes(a.ecu, protocol) && this.addressedToTester(a, protocol))
      .map((a) => {
        const t0 = this.emu.latencyMs + (a.delayMs ?? 0);
        if (protocol.family !== 'can') return { a, at: t0 + busMs(a.data.length, protocol) };
        const flows = this.flowReaches(a.ecu, protocol, requestOf);
        const { frames, end, received } = this.answerFrames(a.ecu, a.data, t0, protocol, flows);
        if (onBus) for (const f of frames) onBus({ ...f, t: started + f.t });
        return { a, at: end, ...(received !== undefined ? { received } : {}) };
      })
      .sort((x, y) => x.at - y.at);
    let elapsed = 0;
    const opts = {
      protocol,
      headers: this.s.headers && !this.emu.profile.quirks.headersIgnored,
      spaces: this.s.spaces,
      padding: this.emu.options.padding,
      raw: protocol.family === 'can' && !this.s.caf,
    };
    let bytes = 0;
    // The response count counts lines (CAN frames, legacy messages), as the datasheet says: a
    // VIN over J1850 is `09 02 5`. The adapter returns as soon as that many lines arrived.
    let received = 0;
    for (const { a, at, received: took } of timed) {
      await this.emu.clock.sleep(at - elapsed);
      if (gen !== this.generation) return undefined;
      elapsed = at;
      this.seenLatency = at;
      let text = formatAnswer(
        {
          ecu: a.ecu,
          data: a.data,
          ...(a.addressExtension !== undefined ? { addressExtension: a.addressExtension } : {}),
        },
        opts,
      );
      if (took !== undefined) {
        // A multi-frame answer the chip took only part of: the ECU's first frame alone when no flow
        // control reached it (ISO 15765-2 N_Bs then ends the transfer on the ECU side), or the
        // frames before the chip's timer ran out. Headers off, the length line comes first.
        text = text.slice(0, opts.headers || opts.raw ? took : took + 1);
      }
      if (count) text = text.slice(0, count - received);
      received += text.length;
      bytes += text.reduce((n, l) => n + l.length + this.eol.length, 0);
      if (q.bufferBytes > 0 && bytes > q.bufferBytes) {
        lines.push('BUFFER FULL');
        return lines;
      }
      lines.push(...text);
      this.busFreeAt = this.emu.clock.now();
      if (count && received >= count) break;
    }
    if (!count || received < count) {
      // Without a response count the adapter cannot know no one else will answer: it waits.
      await this.emu.clock.sleep(this.timeoutMs());
      if (gen !== this.generation) return undefined;
    }
    if (received === 0) lines.push('NO DATA');
    return lines;
  }
}

/** The bits of an 11-bit and of a 29-bit CAN id. */
const ID_11 = 0x7ff;
const ID_29 = 0x1fffffff;
/** Automatic receive as a filter and mask (11-bit: 7E8–7EF; 29-bit: 18 DA F1 xx). */
const AUTO_FILTER_11 = 0x7e8;
const AUTO_MASK_11 = 0x7f8;
const AUTO_FILTER_29 = 0x18daf100;
const AUTO_MASK_29 = 0x1fffff00;

/** The byte the chip pads its own CAN frames with (requests, flow controls): 00 (AT V0, AN07). */
const ADAPTER_FILLER = 0x00;

/** ISO 9141-2 / ISO 14230-2 P3 minimum: from the end of the ECU's answer to the next request, ms. */
const P3_MS = 55;

/** Time a legacy-bus request of `n` data bytes takes on the bus (3 header bytes and a checksum), ms. */
function requestBusMs(n: number, protocol: ElmProtocol): number {
  return ((n + 4) * 10 * 1000) / protocol.bitrate;
}

/** Time an answer of `n` bytes takes on the vehicle bus, ms. */
function busMs(n: number, protocol: ElmProtocol): number {
  if (protocol.family === 'can') {
    // ~125 bits per classic frame with stuffing; consecutive frames follow without separation time.
    const frames = n <= 7 ? 1 : 1 + Math.ceil((n - 6) / 7);
    return (frames * 125 * 1000) / protocol.bitrate;
  }
  // K-line / J1850: 10 bits per byte plus P2 inter-message gap (25 ms) per 7-byte message.
  const messages = Math.max(1, Math.ceil(n / 7));
  return messages * (25 + ((n / messages + 4) * 10 * 1000) / protocol.bitrate);
}
