import { existsSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import {
  type AdapterProfile,
  COMMON_BAUDS,
  Elm327Link,
  type Elm327Options,
  elmReason,
  loadProfiles,
  openSerial,
  openTcp,
  probeBaud,
  releaseStream,
  Transcript,
} from '@atelier/elm327';
import { DisconnectedError } from '@atelier/obd';
import { AdapterSpecError } from '../errors.js';
import { type AdapterName, checkOptions, splitAdapterName } from '../name.js';
import { specDetail } from '../spec-texts.js';
import type { AdapterScheme, SchemeContext, SchemeOpened } from '../types.js';

export interface ElmTarget {
  tcp?: { host: string; port: number };
  path?: string;
  baud?: number;
  profile?: string;
  protocol?: string;
}

/**
 * `elm327:/dev/ttyUSB0?baud=38400&profile=clone-v1.5&protocol=6`, `elm327:/dev/rfcomm0` (Bluetooth
 * serial), `elm327:tcp://192.168.0.10:35000`. `rest` is what follows `elm327:`.
 */
export function parseElmSpec(rest: string): ElmTarget {
  return parseElm(splitAdapterName(`elm327:${rest}`));
}

function parseElm(name: AdapterName): ElmTarget {
  const { spec, target: where, params } = name;
  checkOptions(name, ['baud', 'profile', 'protocol']);
  const out: ElmTarget = {};
  if (params.has('baud')) {
    const baud = Number(params.get('baud'));
    if (!Number.isInteger(baud) || baud < 300 || baud > 4_000_000)
      throw new AdapterSpecError(
        spec,
        'bad-option',
        specDetail('elm327.bad-baud', { value: params.get('baud')! }),
      );
    out.baud = baud;
  }
  if (params.has('profile')) out.profile = params.get('profile')!;
  if (params.has('protocol')) {
    const p = params.get('protocol')!.toUpperCase();
    if (!/^[1-9A]$/.test(p))
      throw new AdapterSpecError(spec, 'bad-option', specDetail('elm327.bad-protocol', { value: p }));
    out.protocol = p;
  }
  const m = /^tcp:\/\/([^:/[\]]+|\[[^\]]+\]):(\d+)\/?$/.exec(where);
  if (m) {
    const port = Number(m[2]);
    if (port < 1 || port > 65_535)
      throw new AdapterSpecError(spec, 'syntax', specDetail('elm327.port-range', { port }));
    if (out.baud !== undefined)
      throw new AdapterSpecError(spec, 'bad-option', specDetail('elm327.baud-on-tcp'));
    out.tcp = { host: m[1]!.replace(/^\[|\]$/g, ''), port };
  } else if (where.startsWith('tcp:')) {
    throw new AdapterSpecError(spec, 'syntax', specDetail('elm327.expected-tcp'));
  } else if (where.startsWith('/')) {
    out.path = where;
  } else {
    throw new AdapterSpecError(spec, 'syntax', specDetail('elm327.expected-target'));
  }
  return out;
}

/** A profile by name from the ones given, or AdapterSpecError naming the known ones. */
export function profileNamed(spec: string, name: string, profiles: AdapterProfile[]): AdapterProfile {
  const found = profiles.find((p) => p.name === name);
  if (!found)
    throw new AdapterSpecError(
      spec,
      'unknown-profile',
      specDetail('elm327.unknown-profile', { name, known: profiles.map((p) => p.name) }),
    );
  return found;
}

/**
 * Connects an ELM327 over `open` and runs its start-up sequence (profile recognition, protocol
 * detection), recording the dialogue to the caller's sink. Streams opened while the opening runs are
 * owned by the scope, so that an abort or a failed start-up closes the line; later reconnections
 * belong to the link.
 */
export async function connectElm(
  ctx: SchemeContext,
  open: () => Promise<Duplex>,
  options: Omit<Elm327Options, 'open' | 'clock' | 'transcript'>,
): Promise<Elm327Link> {
  let opening = true;
  // The caller's signal stops the start-up itself at once (a protocol search takes up to a minute
  // and a half on a car that answers nothing); once open, the link is the caller's to close.
  const stop = new AbortController();
  const signal = ctx.options.signal;
  const onAbort = () => stop.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  const link = new Elm327Link({
    ...options,
    clock: ctx.clock,
    signal: stop.signal,
    identify: ctx.options.identify,
    transcript: new Transcript(ctx.clock, (_entry, line) => ctx.traffic(line)),
    open: async () => {
      const stream = await open();
      return opening ? ctx.scope.own(stream, releaseStream) : stream;
    },
  });
  try {
    await ctx.scope.step(link.start());
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  opening = false;
  // Owned after its line, so released before it: the link says ATPC on a line still open.
  return ctx.scope.own(link, (l) => l.close());
}

/** What an Elm327Link found, for `info`. */
export function elmInfo(link: Elm327Link): Partial<SchemeOpened['info']> {
  const a = link.adapter!;
  return {
    version: a.stn ?? a.version,
    protocol: a.protocol.name,
    extended: a.protocol.extended,
    profile: a.profile,
  };
}

export const elm327Scheme: AdapterScheme<ElmTarget & { spec: string }> = {
  scheme: 'elm327',
  examples: [
    'elm327:/dev/ttyUSB0[?baud=38400&profile=NAME&protocol=6]',
    'elm327:/dev/rfcomm0',
    'elm327:tcp://HOST:PORT',
  ],
  parse: (name) => ({ ...parseElm(name), spec: name.spec }),
  async open(t, ctx) {
    const profiles = ctx.options.profiles ?? loadProfiles();
    const profile = t.profile ? profileNamed(t.spec, t.profile, profiles) : undefined;
    const common = { profiles, profile, protocol: t.protocol };
    if (t.tcp) {
      const { host, port } = t.tcp;
      const address = `tcp://${host.includes(':') ? `[${host}]` : host}:${port}`;
      const link = await connectElm(ctx, () => openTcp(host, port), { ...common, address });
      return {
        link,
        trafficFormat: 'elm327-transcript',
        info: { transport: 'tcp', address, ...elmInfo(link) },
      };
    }
    const path = t.path!;
    // Checked first: probing would otherwise try every rate on a port that is not there.
    if (!existsSync(path)) throw new DisconnectedError(elmReason('no-device', { path }));
    // Without ?baud= the rate is probed once; reconnections reuse what was found.
    let baud = t.baud;
    let first: Duplex | undefined;
    if (baud === undefined) {
      const found = await ctx.scope.hold(
        probeBaud((b) => {
          ctx.scope.check();
          return openSerial(path, b);
        }, COMMON_BAUDS),
        (f) => releaseStream(f.stream),
      );
      baud = found.baud;
      first = found.stream;
    }
    const rate = baud;
    const link = await connectElm(
      ctx,
      async () => {
        const s = first ?? (await openSerial(path, rate));
        first = undefined;
        return s;
      },
      { ...common, address: path },
    );
    return {
      link,
      trafficFormat: 'elm327-transcript',
      info: {
        transport: /\/rfcomm\d+$/.test(path) ? 'bluetooth' : 'serial',
        address: path,
        ...elmInfo(link),
        baud,
        baudProbed: t.baud === undefined,
      },
    };
  },
};
