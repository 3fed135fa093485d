import { readFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import {
  type Frame,
  markOriginFile,
  openLogWriter,
  originCommentLine,
  type RecordingOrigin,
  systemErrorOf,
  VirtualBus,
} from '@atelier/can';
import { type Clock, VirtualClock } from '@atelier/clock';
import { responderFromTranscript, Transcript } from '@atelier/elm327';
import {
  type DiagnosticLink,
  IsoTpLink,
  type KnownEcu,
  LinkError,
  NegativeResponseError,
  ObdClient,
  physical,
  RecordedResponder,
  RecordingError,
  type Responder,
  requestAddressOf,
  scanVehicle,
} from '@atelier/obd';
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
  /** Periodic reads (`reads`) sent and answered positively. */
  reads?: { sent: number; answered: number };
}

/**
 * Requests a session also sends every `everyS` seconds of its live phase (the first at its start):
 * what a tester reading a battery ECU's manufacturer identifiers does, so that the recording holds
 * those exchanges.
 */
export interface PeriodicReads {
  everyS: number;
  requests: { target: number; data: Uint8Array }[];
}

/**
 * The scripted workshop session, as a scan tool runs it: the one vehicle scan of @atelier/obd (ECUs,
 * VIN, DTCs 03/07/0A, readiness, freeze frame, UDS fault memory of the ECUs given, or of the ECUs the
 * link knows), then live data every 500 ms until `durationS` has passed. Runs over any DiagnosticLink
 * on the given clock; an item the vehicle does not give is counted in `unanswered`, never reported as
 * "nothing found".
 */
export async function runWorkshopSession(
  link: DiagnosticLink,
  options: { clock: Clock; durationS: number; ecus?: KnownEcu[]; reads?: PeriodicReads },
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
  const { items } = await scanVehicle(obd, {
    parts: ['vin', 'dtcs', 'readiness', 'freezeFrame', 'uds'],
    clock,
    ...(options.ecus ? { udsEcus: options.ecus } : {}),
  });
  const requestOf = new Map((options.ecus ?? link.knownEcus?.() ?? []).map((e) => [e.response, e.request]));
  const memory = { stored: report.confirmed, pending: report.pending, permanent: report.permanent };
  for (const i of items) {
    if (i.status !== 'read') {
      report.unanswered++;
      continue;
    }
    if (i.kind === 'supported' && i.ecu) report.ecus.push({ address: i.ecu.address });
    if (i.kind === 'vin' && i.vin) report.vin = i.vin;
    if (i.kind === 'dtcs') memory[i.memory].push(...(i.codes ?? []));
    if (i.kind === 'uds-dtcs' && i.ecu) {
      const request = requestOf.get(i.ecu.address) ?? requestAddressOf(i.ecu.address, i.ecu.extended);
      report.uds[request.toString(16)] = (i.dtcs ?? []).map((d) => ({
        code: d.code,
        status: d.status?.byte ?? 0,
      }));
    }
  }
  for (const list of Object.values(memory)) list.sort();
  const engine = report.ecus[0]?.address;
  for (const i of items) {
    if (i.status !== 'read' || i.ecu?.address !== engine) continue;
    if (i.kind === 'readiness' && i.readiness) {
      const nonContinuous = i.readiness.monitors.filter((m) => !m.continuous && m.supported);
      report.readiness = {
        supported: nonContinuous.length,
        complete: nonContinuous.filter((m) => m.complete).length,
      };
    }
    if (i.kind === 'freeze-frame' && i.dtc) report.freezeFrame = { dtc: i.dtc };
    if (i.kind === 'freeze-pid' && report.freezeFrame && typeof i.reading?.value === 'number') {
      if (i.pid === 0x0c) report.freezeFrame.rpm = i.reading.value;
      if (i.pid === 0x0d) report.freezeFrame.speedKmh = i.reading.value;
      if (i.pid === 0x05) report.freezeFrame.coolantC = i.reading.value;
    }
  }
  report.mil = items.some((i) => i.kind === 'readiness' && i.status === 'read' && i.readiness?.mil);
  // Live data until the session's time is up.
  const engineTarget =
    engine === undefined ? undefined : physical(requestAddressOf(engine, link.info.extended ?? false));
  const reads = options.reads;
  if (reads) report.reads = { sent: 0, answered: 0 };
  let nextRead = clock.now();
  while (engineTarget && clock.now() - start < options.durationS * 1000) {
    if (reads && report.reads && clock.now() >= nextRead) {
      nextRead += reads.everyS * 1000;
      for (const r of reads.requests) {
        report.reads.sent++;
        try {
          const answers = await link.request({ target: physical(r.target), data: r.data, timeoutMs: 1000 });
          if (answers.some((a) => a.data[0] === r.data[0] + 0x40)) report.reads.answered++;
          else report.unanswered++;
        } catch (err) {
          if (!(err instanceof LinkError)) throw err;
          report.unanswered++;
        }
      }
    }
    try {
      const r = await obd.readPids([0x0c, 0x0d, 0x05, 0x04, 0x0b, 0x10], engineTarget);
      report.live.samples++;
      const num = (pid: number) => r.find((x) => x.pid === pid)?.value as number | undefined;
      report.live.rpm = num(0x0c);
      report.live.speedKmh = num(0x0d);
      report.live.coolantC = num(0x05);
    } catch (err) {
      if (!(err instanceof LinkError) && !(err instanceof NegativeResponseError)) throw err;
      report.unanswered++;
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
  /** Requests also sent periodically during the live phase (a battery read). */
  reads?: PeriodicReads;
  /**
   * Written in the log's header (a `#` comment): set by `simulateSession` when the vehicle is
   * simulated, so the recording never passes for a real car's. A recording's replay has none.
   */
  origin?: RecordingOrigin;
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
  const responder = await openScenarioResponder(scenario, { startMs: 0 });
  const origin: RecordingOrigin | undefined =
    responder instanceof Vehicle ? { source: 'atelier-simulator', scenario: scenario.name } : undefined;
  return simulateWith(responder, { origin, ...options });
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
  const { record, origin } = options;
  // To a stream the mark goes first; a file is marked once written.
  if (record && origin && typeof record !== 'string') record.write(originCommentLine('candump', origin));
  const writer = record ? openLogWriter(record, 'candump') : undefined;
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
    responder instanceof RecordedResponder && responder.broadcast.length
      ? responder.playBroadcast(carBus, { clock })
      : undefined;
  const playing = player?.play().catch(() => undefined);
  const link = new IsoTpLink(testerBus, {
    clock,
    extended: ecus.some((e) => e.extended),
    responseIds: ecus.map((e) => e.response),
  });
  try {
    const report = await clock.run(
      runWorkshopSession(link, { clock, durationS: options.durationS, ecus, reads: options.reads }),
    );
    return { report, frames };
  } finally {
    player?.stop();
    await playing;
    await link.close();
    served.close();
    await writer?.close();
    if (typeof record === 'string' && origin) await markOriginFile(record, 'candump', origin);
    await Promise.all([carBus.close(), testerBus.close(), tap.close()]);
  }
}

/**
 * The responder behind a scenario: its recording when it has one (replayed in time), else its
 * simulated vehicle.
 */
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
      const { code, message } = systemErrorOf(err);
      throw new RecordingError(s.recording, { code: 'cannot-read', why: message, systemCode: code });
    }
    return responderFromTranscript(Transcript.parse(text, s.recording), s.recording, {
      ...options,
      pace: 'time',
    });
  }
  return RecordedResponder.fromCanLog(s.recording, options);
}
