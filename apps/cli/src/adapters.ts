import { createWriteStream } from 'node:fs';
import type { Duplex } from 'node:stream';
import { openBus } from '@atelier/can';
import type { CliContext } from '@atelier/command';
import {
  COMMON_BAUDS,
  Elm327Link,
  loadProfiles,
  openSerial,
  openTcp,
  probeBaud,
  profileByName,
  Transcript,
} from '@atelier/elm327';
import { type DiagnosticLink, IsoTpLink } from '@atelier/obd';

/**
 * How the CLI reaches a vehicle: `elm327:/dev/ttyUSB0[?baud=38400]`, `elm327:tcp://HOST:PORT`,
 * `socketcan:can0`. Each scheme is one entry of a small registry, so that other areas add their
 * own (`sim:SCENARIO`) without touching this file's callers.
 */
export interface AdapterScheme {
  scheme: string;
  /** Forms shown in usage and errors. */
  examples: string[];
  open(rest: string, ctx: CliContext, options: OpenAdapterOptions): Promise<DiagnosticLink>;
}

export interface OpenAdapterOptions {
  /** Writes the adapter dialogue (or bus traffic) to this file as it happens. */
  transcriptPath?: string;
}

export class AdapterSpecError extends Error {
  override name = 'AdapterSpecError';
  constructor(
    readonly spec: string,
    reason: string,
  ) {
    super(`adapter '${spec}': ${reason}`);
  }
}

export const adapterSchemes: AdapterScheme[] = [];

export function registerAdapterScheme(scheme: AdapterScheme): void {
  const i = adapterSchemes.findIndex((s) => s.scheme === scheme.scheme);
  if (i >= 0) adapterSchemes[i] = scheme;
  else adapterSchemes.push(scheme);
}

export function adapterExamples(): string[] {
  return adapterSchemes.flatMap((s) => s.examples);
}

/** Opens a diagnostic link from an adapter name. */
export async function openAdapter(
  spec: string,
  ctx: CliContext,
  options: OpenAdapterOptions = {},
): Promise<DiagnosticLink> {
  const colon = spec.indexOf(':');
  const name = colon > 0 ? spec.slice(0, colon) : '';
  const scheme = adapterSchemes.find((s) => s.scheme === name);
  if (!scheme) {
    const known = adapterExamples().join(', ');
    throw new AdapterSpecError(
      spec,
      ctx.lang === 'fr'
        ? `type d'adaptateur inconnu (connus : ${known})`
        : `unknown adapter kind (known: ${known})`,
    );
  }
  return scheme.open(spec.slice(colon + 1), ctx, options);
}

function transcriptFor(options: OpenAdapterOptions): Transcript | undefined {
  if (!options.transcriptPath) return undefined;
  const out = createWriteStream(options.transcriptPath, { flags: 'a' });
  return new Transcript(undefined, (_entry, line) => out.write(`${line}\n`));
}

/** `elm327:/dev/ttyUSB0?baud=38400&profile=clone-v1.5&protocol=6`, `elm327:tcp://192.168.0.10:35000`. */
export function parseElmSpec(rest: string): {
  tcp?: { host: string; port: number };
  path?: string;
  baud?: number;
  profile?: string;
  protocol?: string;
} {
  const spec = `elm327:${rest}`;
  const [where, query = ''] = rest.split('?', 2) as [string, string?];
  const params = new URLSearchParams(query);
  for (const key of params.keys()) {
    if (!['baud', 'profile', 'protocol'].includes(key))
      throw new AdapterSpecError(spec, `unknown option '${key}' (baud, profile, protocol)`);
  }
  const out: ReturnType<typeof parseElmSpec> = {};
  if (params.has('baud')) {
    const baud = Number(params.get('baud'));
    if (!Number.isInteger(baud) || baud < 300 || baud > 4_000_000)
      throw new AdapterSpecError(spec, `baud '${params.get('baud')}' is not a baud rate`);
    out.baud = baud;
  }
  if (params.has('profile')) out.profile = params.get('profile')!;
  if (params.has('protocol')) {
    const p = params.get('protocol')!.toUpperCase();
    if (!/^[1-9A]$/.test(p))
      throw new AdapterSpecError(spec, `protocol '${p}' is not an ELM327 protocol number (1–9, A)`);
    out.protocol = p;
  }
  const m = /^tcp:\/\/([^:/]+|\[[^\]]+\]):(\d+)\/?$/.exec(where);
  if (m) {
    const port = Number(m[2]);
    if (port < 1 || port > 65_535) throw new AdapterSpecError(spec, `port ${port} out of range`);
    out.tcp = { host: m[1]!.replace(/^\[|\]$/g, ''), port };
  } else if (where.startsWith('tcp:')) {
    throw new AdapterSpecError(spec, 'expected tcp://HOST:PORT');
  } else if (where.startsWith('/')) {
    out.path = where;
  } else {
    throw new AdapterSpecError(
      spec,
      'expected a device path (/dev/ttyUSB0, /dev/rfcomm0) or tcp://HOST:PORT',
    );
  }
  return out;
}

registerAdapterScheme({
  scheme: 'elm327',
  examples: ['elm327:/dev/ttyUSB0[?baud=38400]', 'elm327:tcp://HOST:PORT'],
  async open(rest, _ctx, options) {
    const spec = parseElmSpec(rest);
    const profiles = loadProfiles();
    const profile = spec.profile ? profileByName(spec.profile, profiles) : undefined;
    let open: () => Promise<Duplex>;
    let address: string;
    if (spec.tcp) {
      const { host, port } = spec.tcp;
      address = `tcp://${host}:${port}`;
      open = () => openTcp(host, port);
    } else {
      const path = spec.path!;
      address = path;
      // Without ?baud= the rate is probed once; reconnections reuse what was found.
      let baud = spec.baud;
      let first: Duplex | undefined;
      if (baud === undefined) {
        const found = await probeBaud((b) => openSerial(path, b), COMMON_BAUDS);
        baud = found.baud;
        first = found.stream;
      }
      open = async () => {
        const s = first ?? (await openSerial(path, baud!));
        first = undefined;
        return s;
      };
    }
    return Elm327Link.connect({
      open,
      profiles,
      profile,
      protocol: spec.protocol,
      address,
      transcript: transcriptFor(options),
    });
  },
});

registerAdapterScheme({
  scheme: 'socketcan',
  examples: ['socketcan:can0[?extended=1]'],
  async open(rest) {
    const spec = `socketcan:${rest}`;
    const [iface, query = ''] = rest.split('?', 2) as [string, string?];
    if (!/^[A-Za-z0-9_.-]{1,15}$/.test(iface))
      throw new AdapterSpecError(spec, 'expected an interface name such as can0');
    const params = new URLSearchParams(query);
    for (const key of params.keys())
      if (key !== 'extended') throw new AdapterSpecError(spec, `unknown option '${key}' (extended)`);
    const extended = ['1', 'true', 'yes'].includes(params.get('extended') ?? '');
    const bus = await openBus(`socketcan:${iface}`);
    return new IsoTpLink(bus, { extended });
  },
});

registerAdapterScheme({
  scheme: 'sim',
  examples: ['sim:SCENARIO', 'sim:FILE.yaml'],
  async open(rest, ctx) {
    // A simulated vehicle in process (`atelier sim list` names the scenarios); loaded on demand.
    const sim = await import('@atelier/vehicle-sim');
    const path = await import('node:path');
    const file = /[/\\]|\.ya?ml$/.test(rest);
    const scenario = sim.loadScenario(file && !path.isAbsolute(rest) ? path.resolve(ctx.cwd, rest) : rest);
    // A recorded scenario answers from its recording, a simulated one from its vehicle.
    return new sim.ResponderLink(await sim.openScenarioResponder(scenario), {
      extended: scenario.protocol === 'can29',
    });
  },
});
