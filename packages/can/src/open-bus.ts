import type { Clock } from '@atelier/clock';
import { type Bus, BusError, type FrameFilter } from './bus.js';
import { type RawChannelFactory, SocketCanBus } from './socketcan-bus.js';
import { VirtualBus } from './virtual-bus.js';

/** The schemes `openBus` understands, in the order error messages list them. */
export const BUS_SCHEMES = ['virtual', 'socketcan'] as const;
export type BusScheme = (typeof BUS_SCHEMES)[number];

/** A bus name that does not parse, or names a scheme nobody implements. */
export class BusSpecError extends BusError {
  override name = 'BusSpecError';
  constructor(
    readonly spec: string,
    reason: string,
  ) {
    super(`bus '${spec}': ${reason}`);
  }
}

export class UnknownBusSchemeError extends BusSpecError {
  override name = 'UnknownBusSchemeError';
  constructor(
    spec: string,
    readonly scheme: string,
  ) {
    super(spec, `unknown scheme '${scheme}' (known: ${BUS_SCHEMES.map((s) => `${s}:NAME`).join(', ')})`);
  }
}

export interface OpenBusOptions {
  /** Clock for timestamps stamped by the bus itself. */
  clock?: Clock;
  /** Accept CAN FD frames. Virtual buses accept them unless this is false; SocketCAN only when true. */
  fd?: boolean;
  /** Virtual bus: also deliver this endpoint's own frames to its listeners. */
  receiveOwn?: boolean;
  /** SocketCAN: kernel filters. */
  filters?: FrameFilter[];
  /** SocketCAN: deliver error frames (default true). */
  errorFrames?: boolean;
  /** SocketCAN: channel factory (tests). */
  channelFactory?: RawChannelFactory;
}

/** Splits `scheme:name`, checking both parts; the name keeps any further colons. */
export function parseBusSpec(spec: string): { scheme: BusScheme; target: string } {
  const i = spec.indexOf(':');
  if (i < 0) throw new BusSpecError(spec, `expected SCHEME:NAME, e.g. virtual:lab or socketcan:can0`);
  const scheme = spec.slice(0, i);
  const target = spec.slice(i + 1);
  if (!(BUS_SCHEMES as readonly string[]).includes(scheme)) throw new UnknownBusSchemeError(spec, scheme);
  if (target.length === 0) throw new BusSpecError(spec, 'the name after the colon is empty');
  // Linux interface names are at most 15 characters, without slashes or spaces.
  if (scheme === 'socketcan' && !/^[A-Za-z0-9_.-]{1,15}$/.test(target)) {
    throw new BusSpecError(spec, `'${target}' is not a network interface name`);
  }
  return { scheme: scheme as BusScheme, target };
}

/** Opens a bus by name: `virtual:NAME` (in-process) or `socketcan:IFACE` (Linux). */
export async function openBus(spec: string, options: OpenBusOptions = {}): Promise<Bus> {
  const { scheme, target } = parseBusSpec(spec);
  switch (scheme) {
    case 'virtual':
      return new VirtualBus(target, { clock: options.clock, receiveOwn: options.receiveOwn, fd: options.fd });
    case 'socketcan':
      return SocketCanBus.open(target, {
        fd: options.fd,
        filters: options.filters,
        errorFrames: options.errorFrames,
        clock: options.clock,
        channelFactory: options.channelFactory,
      });
  }
}
