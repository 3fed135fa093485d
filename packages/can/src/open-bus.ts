import type { Clock } from '@atelier/clock';
import { type Bus, BusError, type FrameFilter } from './bus.js';
import { SlcanBus } from './slcan/slcan-bus.js';
import { type RawChannelFactory, SocketCanBus } from './socketcan-bus.js';
import { VirtualBus } from './virtual-bus.js';

/** The schemes `openBus` understands, in the order error messages list them. */
export const BUS_SCHEMES = ['virtual', 'socketcan', 'slcan'] as const;
export type BusScheme = (typeof BUS_SCHEMES)[number];

/** A bus name that does not parse, or names a scheme nobody implements. */
export class BusSpecError extends BusError {
  override name = 'BusSpecError';
  constructor(
    readonly spec: string,
    reason: string,
    /** The reason in French; the English one is kept when none is given. */
    private readonly reasonFr = reason,
  ) {
    super(`bus '${spec}': ${reason}`);
  }

  messageIn(lang: 'fr' | 'en'): string {
    return lang === 'en' ? this.message : `bus « ${this.spec} » : ${this.reasonFr}`;
  }
}

export class UnknownBusSchemeError extends BusSpecError {
  override name = 'UnknownBusSchemeError';
  constructor(
    spec: string,
    readonly scheme: string,
  ) {
    super(
      spec,
      `unknown scheme '${scheme}' (known: ${BUS_SCHEMES.map((s) => `${s}:NAME`).join(', ')})`,
      `type de bus inconnu « ${scheme} » (connus : ${BUS_SCHEMES.map((s) => `${s}:NOM`).join(', ')})`,
    );
  }
}

export interface OpenBusOptions {
  /** Clock for timestamps stamped by the bus itself. */
  clock?: Clock;
  /** Accept CAN FD frames. Virtual buses accept them unless this is false; SocketCAN only when true. */
  fd?: boolean;
  /** Virtual bus: also deliver this endpoint's own frames to its listeners. */
  receiveOwn?: boolean;
  /** SocketCAN: kernel filters; SLCAN: filters applied as frames arrive. */
  filters?: FrameFilter[];
  /** SocketCAN, SLCAN: deliver error frames (default true). */
  errorFrames?: boolean;
  /** SocketCAN: channel factory (tests). */
  channelFactory?: RawChannelFactory;
}

/** Splits `scheme:name`, checking both parts; the name keeps any further colons. */
export function parseBusSpec(spec: string): { scheme: BusScheme; target: string } {
  const i = spec.indexOf(':');
  if (i < 0)
    throw new BusSpecError(
      spec,
      `expected SCHEME:NAME, e.g. virtual:lab or socketcan:can0`,
      'attendu TYPE:NOM, par exemple virtual:labo, socketcan:can0 ou slcan:/dev/ttyACM0',
    );
  const scheme = spec.slice(0, i);
  const target = spec.slice(i + 1);
  if (!(BUS_SCHEMES as readonly string[]).includes(scheme)) throw new UnknownBusSchemeError(spec, scheme);
  if (target.length === 0)
    throw new BusSpecError(spec, 'the name after the colon is empty', 'rien après les deux-points');
  // Linux interface names are at most 15 characters, without slashes or spaces.
  if (scheme === 'socketcan' && !/^[A-Za-z0-9_.-]{1,15}$/.test(target)) {
    throw new BusSpecError(
      spec,
      `'${target}' is not a network interface name`,
      `« ${target} » n'est pas un nom d'interface réseau (can0, vcan0 : 15 caractères au plus, sans espace ni barre oblique)`,
    );
  }
  if (scheme === 'slcan') parseSlcanTarget(spec, target);
  return { scheme: scheme as BusScheme, target };
}

/** An SLCAN bus name: `/dev/ttyACM0` or `tcp://HOST:PORT`, then `?bitrate=&btr=&listen=&timestamps=&baud=`. */
export function parseSlcanTarget(
  spec: string,
  target: string,
): {
  path?: string;
  host?: string;
  port?: number;
  bitrate?: number;
  btr?: string;
  listenOnly: boolean;
  timestamps: boolean;
  baudRate?: number;
} {
  const q = target.indexOf('?');
  const where = q < 0 ? target : target.slice(0, q);
  const params = new URLSearchParams(q < 0 ? '' : target.slice(q + 1));
  const flag = (key: string) => {
    const v = params.get(key);
    if (v === null || v === '0' || v === 'false') return false;
    if (v === '1' || v === 'true') return true;
    throw new BusSpecError(spec, `${key} '${v}' is not 1 or 0`, `${key} « ${v} » : 1 ou 0 attendu`);
  };
  const int = (key: string) => {
    const v = params.get(key);
    if (v === null) return undefined;
    if (!/^\d+$/.test(v))
      throw new BusSpecError(
        spec,
        `${key} '${v}' is not a whole number`,
        `${key} « ${v} » : nombre entier attendu`,
      );
    return Number(v);
  };
  for (const key of params.keys())
    if (!['bitrate', 'btr', 'listen', 'timestamps', 'baud'].includes(key))
      throw new BusSpecError(
        spec,
        `unknown option '${key}' (bitrate, btr, listen, timestamps, baud)`,
        `option inconnue « ${key} » (options possibles : bitrate, btr, listen, timestamps, baud)`,
      );
  const out = {
    bitrate: int('bitrate'),
    btr: params.get('btr') ?? undefined,
    listenOnly: flag('listen'),
    timestamps: flag('timestamps'),
    baudRate: int('baud'),
  };
  const tcp = /^tcp:\/\/([^:/]+):(\d{1,5})$/.exec(where);
  if (tcp) return { ...out, host: tcp[1], port: Number(tcp[2]) };
  if (!where.startsWith('/'))
    throw new BusSpecError(
      spec,
      `'${where}' is not a serial device path or tcp://HOST:PORT`,
      `« ${where} » n'est ni un port série (/dev/ttyACM0) ni une adresse tcp://HÔTE:PORT`,
    );
  return { ...out, path: where };
}

/**
 * Opens a bus by name: `virtual:NAME` (in-process), `socketcan:IFACE` (Linux) or
 * `slcan:/dev/ttyACM0?bitrate=500000` / `slcan:tcp://HOST:PORT` (an SLCAN adapter).
 */
export async function openBus(spec: string, options: OpenBusOptions = {}): Promise<Bus> {
  const { scheme, target } = parseBusSpec(spec);
  switch (scheme) {
    case 'virtual':
      return new VirtualBus(target, { clock: options.clock, receiveOwn: options.receiveOwn, fd: options.fd });
    case 'slcan': {
      const t = parseSlcanTarget(spec, target);
      const o = { ...t, clock: options.clock, filters: options.filters, errorFrames: options.errorFrames };
      return t.path ? SlcanBus.open(t.path, o) : SlcanBus.connect(t.host!, t.port!, o);
    }
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
