import type { Writable } from 'node:stream';
import type { Bus } from '@atelier/can';
import type { Clock } from '@atelier/clock';
import type { AdapterProfile } from '@atelier/elm327';
import type { DiagnosticLink, Responder } from '@atelier/obd';
import type { AdapterName } from './name.js';
import type { OpenScope } from './scope.js';

/** How the traffic of an adapter is written: the ELM327 dialogue, or the CAN frames. */
export type TrafficFormat = 'elm327-transcript' | 'candump';

/**
 * Where the traffic goes as it happens: whole lines, each ending with `\n`. A stream is written to
 * and left open (the caller ends it, after `close()`).
 */
export type TrafficSink = ((text: string) => void) | Writable;

export interface OpenAdapterOptions {
  /** Receives the traffic, line by line, in the format the adapter's `trafficFormat` names. */
  traffic?: TrafficSink;
  /** Gives up the opening: what was already acquired is released and the promise rejects (`closed`). */
  signal?: AbortSignal;
  /** Time for links, timeouts, the simulator and traffic timestamps (the system clock by default). */
  clock?: Clock;
  /** Folder that relative scenario paths (`sim:cars/clio.yaml`) are resolved against; the process's by default. */
  cwd?: string;
  /** Adapter profiles the ELM327 client recognises and `profile=` names; hardware/elm327/profiles by default. */
  profiles?: AdapterProfile[];
  /**
   * The vehicle that answers for `sim:NAME`: how an application serves scenarios of its own (the
   * dashboard's, from its database). The built-in scenarios and scenario files when absent.
   */
  resolveScenario?: (name: string) => Responder | Promise<Responder>;
  /**
   * ELM327 adapters: extra commands asked during start-up, answers in the link's
   * `adapter.identified` (`atelier adapter check`).
   */
  identify?: readonly string[];
  /** Opens one endpoint on a CAN interface: SocketCAN by default (tests pass a virtual bus). */
  openBus?: (iface: string) => Promise<Bus>;
}

/** What was opened, for the user and the session record. */
export interface AdapterInfo {
  /** The name it was opened by. */
  spec: string;
  scheme: string;
  /** What carries the dialogue: `serial`, `bluetooth` (an rfcomm line), `tcp`, `socketcan`, `virtual-can`. */
  transport: string;
  /** The device, address or interface: `/dev/ttyUSB0`, `tcp://192.168.0.10:35000`, `can0`, a scenario. */
  address: string;
  /** The adapter's identification (ATI, or STI on an STN chip), when it is an adapter. */
  version?: string;
  /** The vehicle protocol in use, as the link names it. */
  protocol?: string;
  /** Whether the ECUs use 29-bit identifiers. */
  extended?: boolean;
  /** Whether the protocol was found on the vehicle (false: assumed, nobody answered the detection). */
  detected?: boolean;
  /** ELM327: the adapter profile in use, recognised from ATI/STI or forced with `profile=`. */
  profile?: string;
  /** Serial lines: the baud rate, and whether it was found by probing rather than given. */
  baud?: number;
  baudProbed?: boolean;
  /** `sim:`: the scenario, and how the simulated car is reached. */
  scenario?: string;
  via?: 'isotp' | 'elm327';
  /** `sim:` on a scenario that plays a recording (not a simulated car): the recording's file. */
  recording?: string;
}

/** One opened adapter: the link, what it records, what it is, and how to release it all. */
export interface OpenedAdapter {
  readonly link: DiagnosticLink;
  readonly trafficFormat: TrafficFormat;
  readonly info: AdapterInfo;
  /** Closes the link and releases everything the opening acquired (ports, servers, emulators, buses). */
  close(): Promise<void>;
  /**
   * Simulated adapters only: the car goes away as if the adapter were pulled from its socket (behind
   * the ELM327 emulator the line drops; on the virtual bus the ECUs fall silent). `close()` still
   * releases the rest.
   */
  unplug?(): Promise<void>;
}

/** What a scheme hands back; the registry adds the name, the scheme and `close()`. */
export interface SchemeOpened {
  link: DiagnosticLink;
  trafficFormat: TrafficFormat;
  info: Omit<AdapterInfo, 'spec' | 'scheme'>;
  unplug?(): Promise<void>;
}

/** What a scheme's `open` works with. */
export interface SchemeContext {
  options: OpenAdapterOptions;
  clock: Clock;
  /** Owns what the opening acquires, so that `close()` and a failure or abort release it. */
  scope: OpenScope;
  /** Writes one line of traffic (without its newline) to the caller's sink. */
  traffic(line: string): void;
}

/**
 * One kind of adapter. `parse` checks a name without opening anything, so a bad name is refused
 * before any port is touched; `open` opens what `parse` returned.
 */
export interface AdapterScheme<Parsed = unknown> {
  scheme: string;
  /** Forms shown in usage text and in the error for an unknown scheme. */
  examples: string[];
  parse(name: AdapterName): Parsed;
  open(parsed: Parsed, ctx: SchemeContext): Promise<SchemeOpened>;
}
