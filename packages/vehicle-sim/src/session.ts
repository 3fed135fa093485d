import { readFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { type Frame, openLogWriter, VirtualBus } from '@atelier/can';
import { type Clock, VirtualClock } from '@atelier/clock';
import {
  type DiagnosticLink,
  decodeDtc,
  IsoTpLink,
  LinkError,
  NegativeResponseError,
  ObdClient,
  physical,
  type Responder,
  requestAddressOf,
  UdsClient,
} from '@atelier/obd';
import { RecordingError, RecordingResponder } from './recording.js';
import type { Scenario } from './scenario.js';
import { serveOnBus } from './serve.js';
import { Vehicle } from './vehicle.js';

/** What the scripted workshop session found, as a scan tool reports it. */
export interface SessionReport {
  vin?: string;
  ecus: { address: number; name?: string }[];
  mil: boolean;
  confirmed: string[];
  pending: string[];
  permanent: string[];
  /** DTC that stored the freeze frame, and engine speed / road speed / coolant in it. */
  freezeFrame?: { dtc: string; rpm?: number; speedKmh?: number; coolantC?: number };
  /** Non-continuous monitors: supported / complete counts from PID 0x01. */
  readiness: { supported: number; complete: number };
  /** UDS DTCs (0x19 0x02) per ECU request address. */
  uds: Record<string, { code: string; status: number }[]>;
  /** Live data samples taken (01 0C 0D 05 04 0B 10 every 500 ms) and the last values. */
  live: { samples: number; rpm?: number; speedKmh?: number; coolantC?: number };
  /** Requests that got no answer or a link error. */
  unanswered: number;
}

/**
 * The scripted workshop session, as a scan tool runs it through ObdClient and UdsClient: VIN, ECUs,
 * MIL and readiness, DTCs (03/07/0A), freeze frame, UDS fault memory of every ECU, then live data
 * every 500 ms until `durationS` has passed. Runs over any DiagnosticLink on the given clock; a step
 * the vehicle does not answer is counted in `unanswered`, never reported as "nothing found".
 */
export async function runWorkshopSession(
  link: DiagnosticLink,
  options: { clock: Clock; durationS: number; ecus?: { request: number; name?: string }[] },
): Promise<SessionReport> {
  const { clock } = options;
  const start = clock.now();
  const obd = new ObdClient(link);
  const report: SessionReport = {
    ecus: [],
    mil: false,
    confirmed: [],
    pending: [],
    permanent: [],
    readiness: { supported: 0, complete: 0 },
    uds: {},
    live: { samples: 0 },
    unanswered: 0,
  };
  const step = async <T>(fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof LinkError) && !(err instanceof NegativeResponseError)) throw err;
      report.unanswered++;
      return undefined;
    }
  };

  const supported = await step(() => obd.supported(0x01));
  report.ecus = [...(supported?.keys() ?? [])].sort((a, b) => a - b).map((address) => ({ address }));
  const vin = await step(() => obd.readVin());
  if (vin?.[0]) report.vin = vin[0].vin;
  const readiness = await step(() => obd.readiness());
  const engine = report.ecus[0]?.address;
  for (const [ecu, r] of readiness ?? []) {
    if (r.mil) report.mil = true;
    if (ecu === engine) {
      const nonContinuous = r.monitors.filter((m) => !m.continuous && m.supported);
      report.readiness = {
        supported: nonContinuous.length,
        complete: nonContinuous.filter((m) => m.complete).length,
      };
    }
  }
  const dtcList = async (kind: 'stored' | 'pending' | 'permanent') =>
    ((await step(() => obd.readDtcs(kind))) ?? []).flatMap((e) => e.dtcs).sort();
  report.confirmed = await dtcList('stored');
  report.pending = await dtcList('pending');
  report.permanent = await dtcList('permanent');
  const engineTarget =
    engine === undefined ? undefined : physical(requestAddressOf(engine, link.info.extended ?? false));
  if (engineTarget) {
    const ff = (await step(() => obd.freezeFrame([0x02, 0x0c, 0x0d], 0, engineTarget))) ?? [];
    const dtc = ff.find((r) => r.pid === 0x02)?.value;
    if (typeof dtc === 'number' && dtc !== 0) {
      report.freezeFrame = { dtc: decodeDtc(dtc >> 8, dtc & 0xff) };
      const num = (pid: number) => ff.find((r) => r.pid === pid)?.value as number | undefined;
      report.freezeFrame.rpm = num(0x0c);
      report.freezeFrame.speedKmh = num(0x0d);
      const ect = (await step(() => obd.freezeFrame([0x05], 0, engineTarget))) ?? [];
      report.freezeFrame.coolantC = ect.find((r) => r.pid === 0x05)?.value as number | undefined;
    }
  }
  for (const e of options.ecus ??
    report.ecus.map((x) => ({ request: requestAddressOf(x.address, link.info.extended ?? false) }))) {
    const uds = new UdsClient(link, physical(e.request), { clock });
    const r = await step(() => uds.readDtcsByStatus(0xff));
    if (r)
      report.uds[e.request.toString(16)] = r.dtcs.map((d) => ({ code: d.code, status: d.status?.byte ?? 0 }));
  }
  // Live data until the session's time is up.
  while (engineTarget && clock.now() - start < options.durationS * 1000) {
    const r = await step(() => obd.readPids([0x0c, 0x0d, 0x05, 0x04, 0x0b, 0x10], engineTarget));
    if (r) {
      report.live.samples++;
      const num = (pid: number) => r.find((x) => x.pid === pid)?.value as number | undefined;
      report.live.rpm = num(0x0c);
      report.live.speedKmh = num(0x0d);
      report.live.coolantC = num(0x05);
    }
    await clock.sleep(500);
  }
  return report;
}

let simChannel = 0;

export interface SimulateOptions {
  durationS: number;
  /** Writes every frame on the bus as a candump log to this path or stream. */
  record?: string | Writable;
  /** Channel name written in the log. */
  channel?: string;
}

/**
 * `atelier sim run`: the scenario's vehicle served on a virtual CAN bus, the scripted workshop
 * session against it through ISO-TP, every frame recorded. All in virtual time, so the same scenario
 * and seed always give the same bytes.
 */
export async function simulateSession(
  scenario: Scenario,
  options: SimulateOptions,
): Promise<{ report: SessionReport; frames: number }> {
  return simulateWith(await openScenarioResponder(scenario, { startMs: 0 }), options);
}

/** The same session against any Responder (a simulated vehicle, a recording) served on a virtual bus. */
export async function simulateWith(
  responder: Responder,
  options: SimulateOptions,
): Promise<{ report: SessionReport; frames: number }> {
  const clock = new VirtualClock();
  const name = `sim-run-${process.pid}-${simChannel++}`;
  const carBus = new VirtualBus(name, { clock });
  const testerBus = new VirtualBus(name, { clock });
  const tap = new VirtualBus(name, { clock });
  const writer = options.record ? openLogWriter(options.record, 'candump') : undefined;
  let frames = 0;
  const channel = options.channel ?? 'vcan0';
  tap.subscribe((f: Frame) => {
    frames++;
    writer?.write({ ...f, timestamp: clock.now() / 1000, channel });
  });
  const ecus = responder.ecus();
  const served = serveOnBus(carBus, responder, { clock });
  // A recording's broadcast frames play alongside, as the rest of the car's bus did.
  const player =
    responder instanceof RecordingResponder && responder.broadcast.length
      ? responder.playBroadcast(carBus, { clock })
      : undefined;
  const playing = player?.play().catch(() => undefined);
  const link = new IsoTpLink(testerBus, {
    clock,
    extended: ecus.some((e) => e.extended),
    responseIds: ecus.map((e) => e.response),
  });
  try {
    const report = await clock.run(runWorkshopSession(link, { clock, durationS: options.durationS, ecus }));
    return { report, frames };
  } finally {
    player?.stop();
    await playing;
    await link.close();
    served.close();
    await writer?.close();
    await Promise.all([carBus.close(), testerBus.close(), tap.close()]);
  }
}

/** The responder behind a scenario: its recording when it has one, else its simulated vehicle. */
export async function openScenarioResponder(
  s: Scenario,
  options: { startMs?: number } = {},
): Promise<Responder> {
  if (!s.recording) return Vehicle.fromScenario(s, options);
  if (/\.(transcript|txt)$/i.test(s.recording)) {
    let text: string;
    try {
      text = await readFile(s.recording, 'utf8');
    } catch (err) {
      throw new RecordingError(s.recording, `cannot read: ${(err as Error).message}`);
    }
    return RecordingResponder.fromTranscript(text, s.recording, options);
  }
  return RecordingResponder.fromCanLog(s.recording, options);
}
