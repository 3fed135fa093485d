import {
  type Bus,
  bitrateCommand,
  FrameError,
  SlcanBitrateError,
  SlcanBus,
  type SlcanBusOptions,
} from '@atelier/can';
import {
  type DiagnosticLink,
  DisconnectedError,
  type EcuResponse,
  IsoTpLink,
  LinkError,
  type LinkRequest,
} from '@atelier/obd';
import { AdapterSpecError } from '../errors.js';
import { type AdapterName, checkOptions, flagOption } from '../name.js';
import { busOpenReason } from '../open-reason.js';
import { specDetail } from '../spec-texts.js';
import { recordCandump } from '../traffic.js';
import type { AdapterScheme } from '../types.js';
import { detectAddressing } from './socketcan.js';

export interface SlcanTarget {
  /** A serial device (`/dev/ttyACM0`), or a TCP bridge. */
  path?: string;
  host?: string;
  port?: number;
  bitrate?: number;
  btr?: string;
  listenOnly: boolean;
  timestamps: boolean;
  extended?: boolean;
  baud?: number;
  /** The ISO-TP response window, ms. */
  timeoutMs?: number;
}

const OPTIONS = ['bitrate', 'btr', 'listen', 'timestamps', 'extended', 'baud', 'timeout'] as const;

function intOption(name: AdapterName, key: string, min: number, max: number): number | undefined {
  const v = name.params.get(key);
  if (v === null) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < min || n > max)
    throw new AdapterSpecError(
      name.spec,
      'bad-option',
      specDetail('slcan.whole-number', { key, value: v, min, max }),
    );
  return n;
}

export function parseSlcanSpec(name: AdapterName): SlcanTarget {
  checkOptions(name, OPTIONS);
  const t = name.target;
  const target: SlcanTarget = {
    listenOnly: flagOption(name, 'listen') ?? false,
    timestamps: flagOption(name, 'timestamps') ?? false,
    extended: flagOption(name, 'extended'),
    baud: intOption(name, 'baud', 300, 4_000_000),
    timeoutMs: intOption(name, 'timeout', 1, 60_000),
  };
  const tcp = /^tcp:\/\/([^:/?]+):(\d{1,5})$/.exec(t);
  if (tcp) {
    target.host = tcp[1];
    target.port = Number(tcp[2]);
    if (target.port < 1 || target.port > 65_535)
      throw new AdapterSpecError(name.spec, 'syntax', specDetail('slcan.port', { port: tcp[2]! }));
  } else if (t.startsWith('/')) target.path = t;
  else throw new AdapterSpecError(name.spec, 'syntax', specDetail('slcan.target'));
  target.bitrate = intOption(name, 'bitrate', 1, 1_000_000);
  const btr = name.params.get('btr');
  if (btr !== null) {
    if (target.bitrate !== undefined)
      throw new AdapterSpecError(name.spec, 'bad-option', specDetail('slcan.bitrate-and-btr'));
    if (!/^[0-9A-Fa-f]{4,6}$/.test(btr))
      throw new AdapterSpecError(name.spec, 'bad-option', specDetail('slcan.btr', { btr }));
    target.btr = btr;
  } else {
    target.bitrate ??= 500_000;
    try {
      bitrateCommand(target.bitrate);
    } catch (err) {
      if (!(err instanceof FrameError)) throw err;
      const fr = err instanceof SlcanBitrateError ? err.messageIn('fr') : err.message;
      throw new AdapterSpecError(
        name.spec,
        'bad-option',
        specDetail('slcan.bitrate', { en: err.message, fr }),
      );
    }
  }
  if (target.listenOnly && target.extended !== undefined)
    throw new AdapterSpecError(name.spec, 'bad-option', specDetail('slcan.listen-extended'));
  return target;
}

/** An SLCAN opening that failed, as the registry's LinkError. */
function openError(address: string, err: unknown): unknown {
  if (err instanceof LinkError) return err;
  if (err instanceof Error && /^Slcan/.test(err.name))
    return new DisconnectedError(busOpenReason(address, err), { cause: err });
  return err;
}

/**
 * The ISO-TP link with the adapter's going away made plain: a request under way or made after the
 * line closed by itself (the adapter pulled out) fails with DisconnectedError at once, rather than
 * as a bus fault or after the response window.
 */
export class SlcanLink implements DiagnosticLink {
  readonly info;

  constructor(
    private readonly link: IsoTpLink,
    private readonly bus: SlcanBus,
    version?: string,
  ) {
    this.info = { ...link.info, kind: 'slcan', ...(version ? { version } : {}) };
  }

  private lost(): DisconnectedError | undefined {
    const why = this.bus.lostError;
    return why && new DisconnectedError(why.message, { cause: why });
  }

  async request(req: LinkRequest): Promise<EcuResponse[]> {
    const gone = this.lost();
    if (gone) throw gone;
    let off: (() => void) | undefined;
    const unplugged = new Promise<never>((_, reject) => {
      off = this.bus.onClose(() => {
        const err = this.lost();
        if (err) reject(err);
      });
    });
    try {
      return await Promise.race([this.link.request(req), unplugged]);
    } catch (err) {
      throw this.lost() ?? err;
    } finally {
      off?.();
      unplugged.catch(() => {});
    }
  }

  close(): Promise<void> {
    return this.link.close();
  }
}

export const slcanScheme: AdapterScheme<SlcanTarget> = {
  scheme: 'slcan',
  examples: ['slcan:/dev/ttyACM0[?bitrate=500000&listen=1&timestamps=1]'],
  parse: parseSlcanSpec,
  async open(t, ctx) {
    const { scope, clock } = ctx;
    const address = t.path ?? `tcp://${t.host}:${t.port}`;
    const options: SlcanBusOptions = {
      bitrate: t.bitrate,
      btr: t.btr,
      listenOnly: t.listenOnly,
      timestamps: t.timestamps,
      baudRate: t.baud,
      clock,
    };
    const opening = (async () => {
      try {
        return t.path
          ? await SlcanBus.open(t.path, options)
          : await SlcanBus.connect(t.host!, t.port!, options);
      } catch (err) {
        throw openError(address, err);
      }
    })();
    const bus = await scope.hold(opening, (b) => b.close());
    // The tap hears the frames this bus sends and receives: the traffic, as on a SocketCAN interface.
    const tap: Bus = scope.own(bus.tap(), (b) => b.close());
    scope.own(recordCandump(tap, 'slcan0', ctx.traffic, clock), (r) => r.stop());
    const found =
      t.listenOnly || t.extended !== undefined
        ? { extended: t.extended ?? false, detected: false }
        : await scope.step(detectAddressing(bus, clock, t.timeoutMs));
    const isotp = new IsoTpLink(bus, {
      clock,
      extended: found.extended,
      timeoutMs: t.timeoutMs,
      protocol: `ISO 15765-4 CAN (${found.extended ? 29 : 11} bit ID, ${t.bitrate ? `${t.bitrate / 1000} kbaud` : `BTR ${t.btr}`}) over SLCAN`,
    });
    const version = [bus.info.version && `V${bus.info.version}`, bus.info.serial && `N${bus.info.serial}`]
      .filter(Boolean)
      .join(' ');
    const link = scope.own(new SlcanLink(isotp, bus, version ? `SLCAN ${version}` : 'SLCAN'), (l) =>
      l.close(),
    );
    return {
      link,
      trafficFormat: 'candump',
      info: {
        transport: t.path ? 'serial' : 'tcp',
        address,
        ...(version ? { version: `SLCAN ${version}` } : {}),
        protocol: link.info.protocol,
        extended: found.extended,
        detected: t.listenOnly || t.extended !== undefined ? undefined : found.detected,
        ...(t.path ? { baud: t.baud ?? 115_200, baudProbed: false } : {}),
      },
    };
  },
};
