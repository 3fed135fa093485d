/**
 * How a diagnostic session reaches a car: an ELM327 on a serial port or on TCP, a SocketCAN
 * interface, or a training scenario served behind the ELM327 emulator (so that the apprentice's
 * session goes through exactly the code a real adapter would). Every opened link records its raw
 * traffic (the ELM327 transcript) through `onTraffic`, so the session can attach it.
 */
import { readdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { type Bus, openBus, openLogWriter, record } from '@atelier/can';
import {
  Elm327Emulator,
  Elm327Link,
  openSerial,
  openTcp,
  serveTcp,
  type TcpService,
  Transcript,
} from '@atelier/elm327';
import { type DiagnosticLink, IsoTpLink, LinkError, type Responder } from '@atelier/obd';
import type { Text } from '../i18n.js';
import { ValidationError } from './errors.js';

export type AdapterKind = 'serial' | 'tcp' | 'socketcan' | 'scenario';
export const ADAPTER_KINDS: readonly AdapterKind[] = ['serial', 'tcp', 'socketcan', 'scenario'];

export interface SerialPortEntry {
  path: string;
  /** Stable name from /dev/serial/by-id when the system has one (udev), else the device name. */
  label: string;
}

/**
 * Serial ports by reading /dev directly: USB adapters (ttyUSB, ttyACM), Bluetooth bindings (rfcomm)
 * and their udev by-id names when present. No udev tool is run, so a container or a minimal system
 * without udevadm lists what it has (possibly nothing) instead of failing.
 */
export function listSerialPorts(devDir = '/dev'): SerialPortEntry[] {
  let names: string[];
  try {
    names = readdirSync(devDir);
  } catch {
    return [];
  }
  const byId = new Map<string, string>();
  try {
    for (const n of readdirSync(join(devDir, 'serial', 'by-id'))) {
      try {
        byId.set(realpathSync(join(devDir, 'serial', 'by-id', n)), n);
      } catch {
        // a dangling udev link: the device went away while listing
      }
    }
  } catch {
    // no udev: no by-id names
  }
  return names
    .filter((n) => /^(ttyUSB\d+|ttyACM\d+|rfcomm\d+)$/.test(n))
    .sort()
    .map((n) => {
      const path = join(devDir, n);
      return { path, label: byId.get(path) ?? n };
    });
}

/** A checked adapter choice, as stored with the session. */
export interface AdapterChoice {
  kind: AdapterKind;
  /** `/dev/ttyUSB0`, `HOST:PORT`, `can0` or a scenario id. */
  spec: string;
}

export function parseAdapterChoice(kind: string, spec: string): AdapterChoice {
  const s = spec.trim();
  const bad = (fr: string, en: string) => new ValidationError({ fr, en }, 'spec');
  switch (kind) {
    case 'serial':
      if (!/^\/dev\/[A-Za-z0-9_./-]+$/.test(s) || s.includes('..'))
        throw bad(
          'port série attendu, par exemple /dev/ttyUSB0',
          'expected a serial port such as /dev/ttyUSB0',
        );
      return { kind, spec: s };
    case 'tcp': {
      const m = /^([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(s);
      if (!m || Number(m[2]) < 1 || Number(m[2]) > 65_535)
        throw bad(
          'adresse attendue sous la forme HÔTE:PORT (par exemple 192.168.0.10:35000)',
          'expected HOST:PORT (e.g. 192.168.0.10:35000)',
        );
      return { kind, spec: s };
    }
    case 'socketcan':
      if (!/^[A-Za-z0-9_.-]{1,15}$/.test(s))
        throw bad('interface CAN attendue, par exemple can0', 'expected a CAN interface such as can0');
      return { kind, spec: s };
    case 'scenario':
      if (!/^\d+$/.test(s)) throw bad('scénario inconnu', 'unknown scenario');
      return { kind, spec: s };
    default:
      throw new ValidationError(
        { fr: `type d'adaptateur inconnu « ${kind} »`, en: `unknown adapter kind '${kind}'` },
        'kind',
      );
  }
}

/** An open link and what must be closed with it. */
export interface OpenedAdapter {
  link: DiagnosticLink;
  /** Raw traffic format: the ELM327 transcript, or CAN frames as a candump log. */
  trafficFormat: 'elm327-transcript' | 'candump';
  /** Stops the link and, for scenarios, the emulator behind it. */
  close(): Promise<void>;
  /** For scenarios: stops the emulator only (the adapter drops as if unplugged). */
  stopEmulator?(): Promise<void>;
}

export interface OpenOptions {
  onTraffic: (line: string) => void;
  /** For scenarios: the responder that plays the vehicle. */
  responder?: () => Promise<Responder>;
  /** Opens a CAN bus endpoint by interface name (SocketCAN by default; a virtual bus in tests). */
  openBus?: (name: string) => Promise<Bus>;
}

/** Opens an adapter choice. Errors come out as AdapterProblem with words for the user. */
export async function openAdapterChoice(choice: AdapterChoice, opts: OpenOptions): Promise<OpenedAdapter> {
  const transcript = new Transcript(undefined, (_e, line) => opts.onTraffic(line));
  try {
    if (choice.kind === 'scenario') {
      if (!opts.responder) throw new Error('no responder for a scenario');
      const responder = await opts.responder();
      const emulator = new Elm327Emulator({ responder, baud: 0, latencyMs: 2 });
      let tcp: TcpService | undefined = await serveTcp(emulator, { port: 0, host: '127.0.0.1' });
      const port = tcp.port;
      const stopEmulator = async () => {
        emulator.close();
        await tcp?.close();
        tcp = undefined;
      };
      try {
        const link = await Elm327Link.connect({
          open: () => openTcp('127.0.0.1', port, 2_000),
          address: `scenario (tcp://127.0.0.1:${port})`,
          transcript,
          protocol: '6',
          commandTimeoutMs: 1_000,
        });
        return {
          link,
          trafficFormat: 'elm327-transcript',
          close: async () => {
            await link.close().catch(() => {});
            await stopEmulator();
          },
          stopEmulator,
        };
      } catch (err) {
        await stopEmulator();
        throw err;
      }
    }
    if (choice.kind === 'tcp') {
      const i = choice.spec.lastIndexOf(':');
      const host = choice.spec.slice(0, i).replace(/^\[|\]$/g, '');
      const port = Number(choice.spec.slice(i + 1));
      const link = await Elm327Link.connect({
        open: () => openTcp(host, port, 5_000),
        address: `tcp://${choice.spec}`,
        transcript,
      });
      return { link, trafficFormat: 'elm327-transcript', close: () => link.close().catch(() => {}) };
    }
    if (choice.kind === 'serial') {
      const link = await Elm327Link.connect({
        open: () => openSerial(choice.spec, 38_400),
        address: choice.spec,
        transcript,
      });
      return { link, trafficFormat: 'elm327-transcript', close: () => link.close().catch(() => {}) };
    }
    // SocketCAN: ISO-TP over the bus, and a second endpoint on the same interface recording every
    // frame (ours and the ECUs') as a candump log, the raw traffic of the session.
    const open = opts.openBus ?? ((name: string) => openBus(`socketcan:${name}`));
    const bus = await open(choice.spec);
    const tap = await open(choice.spec);
    const sink = new Writable({
      write(chunk, _enc, done) {
        opts.onTraffic(String(chunk));
        done();
      },
    });
    const recorder = record(tap, openLogWriter(sink, 'candump', { defaultChannel: choice.spec }));
    const link = new IsoTpLink(bus);
    return {
      link,
      trafficFormat: 'candump',
      close: async () => {
        await link.close().catch(() => {});
        await recorder.stop().catch(() => {});
        await tap.close();
        await bus.close();
      },
    };
  } catch (err) {
    // While opening, a transport that goes away means it could not be reached at all.
    const p = AdapterProblem.from(err, `${choice.kind}:${choice.spec}`);
    throw p.code === 'disconnected' ? new AdapterProblem('unreachable', p.where, p.detail) : p;
  }
}

export type ProblemCode =
  | 'unreachable'
  | 'no-vehicle'
  | 'adapter'
  | 'timeout'
  | 'disconnected'
  | 'unsupported'
  | 'unknown';

/** What went wrong with the adapter, in plain words, with what to check. */
export const PROBLEM_TEXT: Record<ProblemCode, { what: Text; check: Text }> = {
  unreachable: {
    what: { fr: "L'adaptateur ne répond pas.", en: 'The adapter does not answer.' },
    check: {
      fr: "Vérifiez qu'il est branché sur la prise OBD et alimenté (voyant allumé), le port série ou l'adresse Wi-Fi, et qu'aucun autre logiciel ne l'utilise.",
      en: 'Check that it is plugged into the OBD socket and powered (light on), the serial port or Wi-Fi address, and that no other program is using it.',
    },
  },
  'no-vehicle': {
    what: {
      fr: "L'adaptateur répond, mais aucun calculateur du véhicule.",
      en: 'The adapter answers, but no vehicle ECU does.',
    },
    check: {
      fr: 'Mettez le contact (position II), vérifiez la prise OBD et réessayez.',
      en: 'Turn the ignition on (position II), check the OBD socket and try again.',
    },
  },
  adapter: {
    what: {
      fr: "L'adaptateur a refusé ou mal compris la demande.",
      en: 'The adapter refused or garbled the request.',
    },
    check: {
      fr: "Débranchez-le et rebranchez-le ; avec un clone, essayez un autre profil ou un adaptateur d'origine.",
      en: 'Unplug and replug it; with a clone, try another profile or a genuine adapter.',
    },
  },
  timeout: {
    what: { fr: 'Le véhicule a mis trop de temps à répondre.', en: 'The vehicle took too long to answer.' },
    check: {
      fr: 'Vérifiez la batterie (tension > 12 V) et réessayez, moteur au ralenti si possible.',
      en: 'Check the battery (voltage > 12 V) and try again, engine idling if possible.',
    },
  },
  disconnected: {
    what: { fr: "La liaison avec l'adaptateur a été coupée.", en: 'The link to the adapter was lost.' },
    check: {
      fr: 'Vérifiez le câble ou le Bluetooth/Wi-Fi, puis reconnectez : tout ce qui a déjà été lu est conservé.',
      en: 'Check the cable or Bluetooth/Wi-Fi, then reconnect: everything already read is kept.',
    },
  },
  unsupported: {
    what: {
      fr: "Ce type d'adaptateur n'est pas disponible sur ce poste.",
      en: 'This adapter kind is not available on this machine.',
    },
    check: {
      fr: "Choisissez un adaptateur ELM327 (série ou Wi-Fi) ou demandez l'installation de SocketCAN.",
      en: 'Choose an ELM327 adapter (serial or Wi-Fi) or ask for SocketCAN to be set up.',
    },
  },
  unknown: {
    what: { fr: "Problème inattendu avec l'adaptateur.", en: 'Unexpected adapter problem.' },
    check: {
      fr: "Reconnectez ; si cela se reproduit, signalez-le avec l'heure.",
      en: 'Reconnect; if it happens again, report it with the time.',
    },
  },
};

/** A failure to open or use an adapter, classified for the user; `detail` keeps the technical text. */
export class AdapterProblem extends Error {
  override name = 'AdapterProblem';
  constructor(
    readonly code: ProblemCode,
    readonly where: string,
    readonly detail = '',
  ) {
    super(`${where}: ${PROBLEM_TEXT[code].what.en}${detail ? ` (${detail})` : ''}`);
  }

  static from(err: unknown, where: string): AdapterProblem {
    if (err instanceof AdapterProblem) return err;
    const e = err as Error & { code?: string };
    const detail = `${e?.name ?? 'Error'}: ${e?.message ?? String(err)}`;
    if (err instanceof LinkError) {
      const map: Partial<Record<string, ProblemCode>> = {
        'no-response': 'no-vehicle',
        timeout: 'timeout',
        disconnected: 'disconnected',
        closed: 'disconnected',
        'adapter-error': 'adapter',
        'bus-error': 'no-vehicle',
        'protocol-error': 'no-vehicle',
        'malformed-response': 'adapter',
      };
      return new AdapterProblem(map[err.code] ?? 'unknown', where, detail);
    }
    if (e?.name === 'UnableToConnectError') return new AdapterProblem('no-vehicle', where, detail);
    if (
      /ECONNREFUSED|ENOENT|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|EACCES|No such file|cannot open|connect/i.test(
        detail,
      )
    )
      return new AdapterProblem('unreachable', where, detail);
    if (/ECONNRESET|EPIPE|closed|ended/i.test(detail))
      return new AdapterProblem('disconnected', where, detail);
    return new AdapterProblem('unknown', where, detail);
  }
}
