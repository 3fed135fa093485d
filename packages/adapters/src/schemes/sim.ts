import { isAbsolute, resolve } from 'node:path';
import { type Bus, VirtualBus } from '@atelier/can';
import { Elm327Emulator, loadProfiles, openTcp, protocolById, serveTcp } from '@atelier/elm327';
import {
  type DiagnosticLink,
  IsoTpLink,
  type KnownEcu,
  RecordedResponder,
  RecordingError,
  type Responder,
} from '@atelier/obd';
import { AdapterSpecError } from '../errors.js';
import { type AdapterName, checkOptions } from '../name.js';
import { specDetail } from '../spec-texts.js';
import { recordCandump } from '../traffic.js';
import type { AdapterScheme, SchemeContext, SchemeOpened } from '../types.js';
import { connectElm, elmInfo, profileNamed } from './elm327.js';

interface SimTarget {
  spec: string;
  scenario: string;
  via: 'isotp' | 'elm327';
  profile?: string;
}

/** A built-in scenario's name, or a scenario file (a path, or a name ending in .yaml). */
const isScenarioFile = (name: string) => /[/\\]|\.ya?ml$/.test(name);

function parseSim(name: AdapterName): SimTarget {
  checkOptions(name, ['via', 'profile']);
  const via = name.params.get('via') ?? 'isotp';
  if (via !== 'isotp' && via !== 'elm327')
    throw new AdapterSpecError(name.spec, 'bad-option', specDetail('sim.bad-via', { via }));
  const profile = name.params.get('profile') ?? undefined;
  if (profile !== undefined && via !== 'elm327')
    throw new AdapterSpecError(name.spec, 'bad-option', specDetail('sim.profile-needs-elm327'));
  return { spec: name.spec, scenario: name.target, via, profile };
}

/** The vehicle behind a built-in scenario or a scenario file: its simulated car, or its recording. */
async function builtInScenario(
  t: SimTarget,
  cwd: string,
): Promise<{ responder: Responder; recording?: string }> {
  const sim = await import('@atelier/vehicle-sim');
  const file = isScenarioFile(t.scenario);
  if (!file && !sim.scenarioNames().includes(t.scenario))
    throw new AdapterSpecError(
      t.spec,
      'unknown-scenario',
      specDetail('sim.no-scenario', { name: t.scenario, known: sim.scenarioNames() }),
    );
  try {
    const scenario = sim.loadScenario(
      file && !isAbsolute(t.scenario) ? resolve(cwd, t.scenario) : t.scenario,
    );
    const responder = await sim.openScenarioResponder(scenario);
    return scenario.recording ? { responder, recording: scenario.recording } : { responder };
  } catch (err) {
    if (err instanceof sim.ScenarioError || err instanceof RecordingError)
      throw new AdapterSpecError(t.spec, 'bad-scenario', err.message, { cause: err });
    throw err;
  }
}

let channels = 0;

/**
 * The car on a virtual CAN bus of its own, each ECU an ISO-TP server on its identifiers (a recorded
 * car also plays back its broadcast frames), and the tester's ISO-TP link on the same bus: the path
 * a SocketCAN adapter takes, with no kernel in between.
 */
async function onVirtualBus(t: SimTarget, responder: Responder, ctx: SchemeContext): Promise<SchemeOpened> {
  const { scope, clock } = ctx;
  const { serveOnBus } = await import('@atelier/vehicle-sim');
  const channel = `sim-${process.pid}-${++channels}`;
  const endpoint = () => scope.own<Bus>(new VirtualBus(channel, { clock }), (b) => b.close());
  const carBus = endpoint();
  const testerBus = endpoint();
  const tap = endpoint();
  // Logged as vcan0, the channel `atelier sim run` writes, so that logs of the same car compare.
  scope.own(recordCandump(tap, 'vcan0', ctx.traffic, clock), (r) => r.stop());
  let served: { close(): void } | undefined = serveOnBus(carBus, responder, { clock });
  const player =
    responder instanceof RecordedResponder && responder.broadcast.length > 0
      ? responder.playBroadcast(carBus, { clock, loop: true })
      : undefined;
  const playing = player?.play().catch(() => {});
  const unplug = async () => {
    served?.close();
    served = undefined;
    player?.stop();
    await playing;
  };
  scope.own(unplug, (u) => u());
  const ecus = responder.ecus();
  const extended = ecus.some((e) => e.extended);
  const link = scope.own(
    new IsoTpLink(testerBus, {
      clock,
      extended,
      // ECUs outside the OBD identifier ranges (an ABS on 0x760, a battery ECU on 0x79B) too.
      ecus: ecus
        .filter((e) => e.extended === extended)
        .map(({ request, response }) => ({ request, response })),
      protocol: `ISO 15765-4 CAN (${extended ? 29 : 11} bit ID, 500 kbaud), simulated`,
    }),
    (l) => l.close(),
  );
  return {
    link: knowing(link, ecus, responder),
    trafficFormat: 'candump',
    info: { transport: 'virtual-can', address: t.scenario, protocol: link.info.protocol, extended },
    unplug,
  };
}

/**
 * The ELM327 protocol number the emulated adapter finds the car on: the recording's own when it
 * says (a transcript made on a K-line car), else ISO 15765-4 CAN at 500 kbaud with the scenario's
 * identifiers (6: 11-bit, 7: 29-bit). The client still searches for it.
 */
function vehicleProtocolOf(responder: Responder): string {
  const own = responder instanceof RecordedResponder ? responder.protocol : undefined;
  if (own && protocolById(own)) return own;
  return responder.ecus().some((e) => e.extended) ? '7' : '6';
}

/**
 * The link, telling the scan which ECUs the simulated car has: OBD-II cannot list an ABS or a body
 * ECU, a simulated car can (`knownEcus`, as a real car's description would), so their UDS fault
 * memories are read on every path.
 */
function knowing<L extends DiagnosticLink>(link: L, ecus: KnownEcu[], responder?: Responder): L {
  const known = Object.assign(link, { knownEcus: (): KnownEcu[] => ecus.map((e) => ({ ...e })) });
  // A recorded car also says which PIDs its recording answers: a logger that polled PIDs without
  // asking 01 00 left no support bitmap, and a scan would otherwise read no live data from it.
  if (responder instanceof RecordedResponder) {
    const pids = responder.recordedPids();
    return Object.assign(known, { recordedPids: () => pids.map((p) => ({ ...p, pids: [...p.pids] })) });
  }
  return known;
}

/**
 * The car behind the ELM327 emulator served on a local TCP port, reached by the ELM327 client like
 * a WiFi adapter: the path a real adapter takes, byte for byte, so a training session exercises
 * exactly the code a car would.
 */
async function behindEmulator(t: SimTarget, responder: Responder, ctx: SchemeContext): Promise<SchemeOpened> {
  const { scope, clock } = ctx;
  const profiles = ctx.options.profiles ?? loadProfiles();
  const profile = t.profile ? profileNamed(t.spec, t.profile, profiles) : undefined;
  const emulator = scope.own(
    new Elm327Emulator({
      responder,
      clock,
      baud: 0,
      latencyMs: 2,
      profile,
      vehicleProtocol: vehicleProtocolOf(responder),
    }),
    (e) => e.close(),
  );
  const tcp = await scope.hold(serveTcp(emulator, { port: 0, host: '127.0.0.1' }), (s) => s.close());
  let stopped: Promise<void> | undefined;
  const unplug = () => {
    stopped ??= (async () => {
      emulator.close();
      await tcp.close();
    })();
    return stopped;
  };
  scope.own(unplug, (u) => u());
  const address = `tcp://127.0.0.1:${tcp.port}`;
  const link = await connectElm(ctx, () => openTcp('127.0.0.1', tcp.port, 2_000), {
    profiles,
    address: `${t.scenario} (${address})`,
    commandTimeoutMs: 1_000,
  });
  return {
    link: knowing(link, responder.ecus(), responder),
    trafficFormat: 'elm327-transcript',
    info: { transport: 'tcp', address: t.scenario, ...elmInfo(link) },
    unplug,
  };
}

export const simScheme: AdapterScheme<SimTarget> = {
  scheme: 'sim',
  examples: ['sim:SCENARIO[?via=elm327]', 'sim:FILE.yaml'],
  parse: parseSim,
  async open(t, ctx) {
    const resolveScenario = ctx.options.resolveScenario;
    const { responder, recording } = await ctx.scope.step(
      resolveScenario
        ? Promise.resolve({ responder: await resolveScenario(t.scenario) } as {
            responder: Responder;
            recording?: string;
          })
        : builtInScenario(t, ctx.options.cwd ?? process.cwd()),
    );
    const opened =
      t.via === 'elm327' ? await behindEmulator(t, responder, ctx) : await onVirtualBus(t, responder, ctx);
    return {
      ...opened,
      info: { ...opened.info, scenario: t.scenario, via: t.via, ...(recording ? { recording } : {}) },
    };
  },
};
