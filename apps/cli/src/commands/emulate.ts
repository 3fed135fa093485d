import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type CliContext, type Command, UsageError } from '@atelier/command';
import {
  DemoCar,
  Elm327Emulator,
  loadProfiles,
  profileByName,
  protocolById,
  readProfile,
  responderFromTranscript,
  servePty,
  serveTcp,
  Transcript,
} from '@atelier/elm327';
import type { Responder } from '@atelier/obd';

const USAGE = {
  fr: `Usage : atelier emulate [--tcp PORT] [--pty] [--baud N] [--latency MS] [options]

Démarre un émulateur ELM327 qui répond avec une voiture de démonstration (deux calculateurs,
VIN, codes défaut, PID qui bougent). Les outils externes (python-OBD, Torque, autres
scanners) s'y connectent comme à un vrai adaptateur. La première ligne sur stdout dit où il
écoute ; Ctrl-C l'arrête proprement.

  --tcp PORT       écoute en TCP sur 127.0.0.1:PORT (35000 par défaut si --pty est absent)
  --host ADRESSE   adresse d'écoute TCP (127.0.0.1 par défaut)
  --pty            crée un pseudo-terminal (socat) à ouvrir comme /dev/ttyUSB0
  --baud N         vitesse série simulée, bit/s (38400 par défaut ; 0 : sans délai)
  --latency MS     temps de réponse des calculateurs, ms (15 par défaut)
  --scenario S     répond avec le véhicule simulé d'un scénario (nom ou fichier YAML,
                   voir « atelier sim list ») au lieu de la voiture de démonstration
  --profile P      comportement d'adaptateur : genuine, clone-v1.5, fake-v2.1, obdlink, ou
                   un fichier de profil (.yaml) écrit pour un autre adaptateur
  --protocol N     protocole du véhicule (numéro ELM327 : 6 CAN 11/500, 7 CAN 29/500,
                   8 CAN 11/250, 9 CAN 29/250, 3 ISO 9141-2 …)
  --replay F       répond comme le véhicule enregistré dans la transcription F
                   (atelier obd … --transcript F) au lieu de la voiture de démonstration`,
  en: `Usage: atelier emulate [--tcp PORT] [--pty] [--baud N] [--latency MS] [options]

Starts an ELM327 emulator answering with a demo car (two ECUs, VIN, DTCs, moving PIDs). External
tools (python-OBD, Torque, other scanners) connect to it as to a real adapter. The first stdout
line says where it listens; Ctrl-C stops it cleanly.

  --tcp PORT       listen on TCP 127.0.0.1:PORT (35000 by default when --pty is absent)
  --host ADDRESS   TCP listen address (127.0.0.1 by default)
  --pty            make a pseudo-terminal (socat) to open like /dev/ttyUSB0
  --baud N         simulated serial speed, bit/s (default 38400; 0: no delay)
  --latency MS     ECU response time, ms (default 15)
  --scenario S     answer with a scenario's simulated vehicle (name or YAML file, see
                   'atelier sim list') instead of the demo car
  --profile P      adapter behaviour: genuine, clone-v1.5, fake-v2.1, obdlink, or a profile
                   file (.yaml) written for another adapter
  --protocol N     vehicle protocol (ELM327 number: 6 CAN 11/500, 7 CAN 29/500, 8 CAN 11/250,
                   9 CAN 29/250, 3 ISO 9141-2 …)
  --replay F       answer as the vehicle recorded in transcript F (atelier obd … --transcript F)
                   instead of the demo car`,
};

/** A profile by name, or from a file the user wrote (a path, or a name ending in .yaml). */
function chosenProfile(value: string, ctx: CliContext) {
  if (/\.ya?ml$/i.test(value) || value.includes('/')) return readProfile(resolve(ctx.cwd, value), value);
  return profileByName(value, loadProfiles());
}

function number(
  text: string | undefined,
  name: string,
  min: number,
  max: number,
  ctx: CliContext,
): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new UsageError(
      ctx.lang === 'fr'
        ? `${name} : « ${text} » doit être un nombre de ${min} à ${max}`
        : `${name}: '${text}' must be a number from ${min} to ${max}`,
      USAGE[ctx.lang],
    );
  }
  return n;
}

/** Builds the responder the emulator answers from: the demo car for now. */
export function demoResponder(): Responder {
  return new DemoCar();
}

/** A scenario's simulated vehicle (`--scenario NAME|FILE`), loaded on demand. */
async function scenarioResponder(spec: string, ctx: CliContext): Promise<Responder> {
  const sim = await import('@atelier/vehicle-sim');
  const path = await import('node:path');
  const file = /[/\\]|\.ya?ml$/.test(spec);
  return sim.openScenarioResponder(
    sim.loadScenario(file && !path.isAbsolute(spec) ? path.resolve(ctx.cwd, spec) : spec),
  );
}

export const emulateCommand: Command = {
  name: 'emulate',
  async run(args, ctx) {
    let values: Record<string, string | boolean | undefined>;
    try {
      ({ values } = parseArgs({
        args,
        options: {
          tcp: { type: 'string' },
          host: { type: 'string' },
          pty: { type: 'boolean' },
          baud: { type: 'string' },
          latency: { type: 'string' },
          profile: { type: 'string' },
          protocol: { type: 'string' },
          scenario: { type: 'string' },
          replay: { type: 'string' },
          help: { type: 'boolean', short: 'h' },
        },
        strict: true,
      }));
    } catch (err) {
      throw new UsageError((err as Error).message, USAGE[ctx.lang]);
    }
    if (values.help) {
      ctx.stdout.write(`${USAGE[ctx.lang]}\n`);
      return 0;
    }
    const port =
      number(values.tcp as string | undefined, '--tcp', 0, 65_535, ctx) ?? (values.pty ? undefined : 35_000);
    const baud = number(values.baud as string | undefined, '--baud', 0, 4_000_000, ctx) ?? 38_400;
    const latencyMs = number(values.latency as string | undefined, '--latency', 0, 10_000, ctx) ?? 15;
    if (values.replay && values.scenario) {
      throw new UsageError(
        ctx.lang === 'fr'
          ? '--replay et --scenario ne vont pas ensemble'
          : '--replay and --scenario exclude each other',
        USAGE[ctx.lang],
      );
    }
    let responder: Responder | undefined;
    let recordedProtocol: string | undefined;
    if (values.replay) {
      const file = resolve(ctx.cwd, values.replay as string);
      const recorded = responderFromTranscript(Transcript.parse(await readFile(file, 'utf8'), file), file);
      responder = recorded;
      recordedProtocol = recorded.protocol;
    }
    const protocol = ((values.protocol as string | undefined) ?? recordedProtocol ?? '6').toUpperCase();
    if (!protocolById(protocol)) {
      throw new UsageError(
        ctx.lang === 'fr'
          ? `--protocol : « ${protocol} » inconnu (1–9, A)`
          : `--protocol: unknown '${protocol}' (1–9, A)`,
        USAGE[ctx.lang],
      );
    }
    const profile = values.profile ? chosenProfile(values.profile as string, ctx) : undefined;
    responder ??= values.scenario ? await scenarioResponder(values.scenario as string, ctx) : demoResponder();
    const emu = new Elm327Emulator({
      responder,
      baud,
      latencyMs,
      profile,
      vehicleProtocol: protocol,
    });
    const stops: (() => Promise<void>)[] = [];
    try {
      if (port !== undefined) {
        const tcp = await serveTcp(emu, { port, host: (values.host as string | undefined) ?? '127.0.0.1' });
        stops.push(tcp.close);
        ctx.stdout.write(`${tcp.url}\n`);
      }
      if (values.pty) {
        const pty = await servePty(emu);
        stops.push(pty.close);
        ctx.stdout.write(`${pty.path}\n`);
      }
      ctx.stderr.write(
        ctx.lang === 'fr'
          ? `émulateur ELM327 prêt (${emu.profile.version}, profil ${emu.profile.name}, ${baud} bit/s, latence ${latencyMs} ms) ; Ctrl-C pour arrêter\n`
          : `ELM327 emulator ready (${emu.profile.version}, profile ${emu.profile.name}, ${baud} bit/s, latency ${latencyMs} ms); Ctrl-C to stop\n`,
      );
      if (!ctx.signal.aborted)
        await new Promise<void>((resolve) =>
          ctx.signal.addEventListener('abort', () => resolve(), { once: true }),
        );
    } finally {
      emu.close();
      for (const stop of stops.reverse()) await stop();
    }
    return 0;
  },
};
