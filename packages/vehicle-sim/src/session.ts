import { readFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import {
  type Bus,
  type Clock,
  type Frame,
  IsoTpEndpoint,
  openLogWriter,
  VirtualBus,
  VirtualClock,
} from '@atelier/can';
import {
  type DiagnosticLink,
  type EcuResponse,
  FUNCTIONAL,
  LinkError,
  type LinkInfo,
  type LinkRequest,
  NoResponseError,
  physical,
  type Responder,
  type Target,
} from '@atelier/obd';
import { dtcText } from './pid-codec.js';
import { FUNCTIONAL_11, FUNCTIONAL_29 } from './profiles.js';
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
 * The scripted workshop session: VIN, ECUs, MIL and readiness, DTCs (03/07/0A), freeze frame, UDS
 * fault memory of every ECU, then live data every 500 ms until `durationS` has passed. Runs over any
 * DiagnosticLink on the given clock.
 */
export async function runWorkshopSession(
  link: DiagnosticLink,
  options: { clock: Clock; durationS: number; ecus?: { request: number; name?: string }[] },
): Promise<SessionReport> {
  const { clock } = options;
  const start = clock.now();
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
  const ask = async (data: number[], target: Target = FUNCTIONAL): Promise<EcuResponse[]> => {
    try {
      return await link.request({ target, data: Uint8Array.from(data) });
    } catch (err) {
      if (!(err instanceof LinkError)) throw err;
      report.unanswered++;
      return [];
    }
  };
  const positive = (rs: EcuResponse[], sid: number) => rs.filter((r) => r.data[0] === sid + 0x40);

  const detected = positive(await ask([0x01, 0x00]), 0x01);
  report.ecus = detected.map((r) => ({ address: r.ecu })).sort((a, b) => a.address - b.address);
  const vin = positive(await ask([0x09, 0x02]), 0x09)[0];
  if (vin) report.vin = Buffer.from(vin.data.subarray(3)).toString('latin1').replace(/\0/g, '');
  for (const r of positive(await ask([0x01, 0x01]), 0x01)) {
    const [a, , c, d] = r.data.subarray(2);
    if (a & 0x80) report.mil = true;
    if (r.ecu === report.ecus[0]?.address) {
      report.readiness = { supported: popcount(c), complete: popcount(c & ~d) };
    }
  }
  const dtcList = async (mode: number) => {
    const out: string[] = [];
    for (const r of positive(await ask([mode]), mode)) {
      for (let i = 0; i < r.data[1]; i++) out.push(dtcText(r.data[2 + 2 * i], r.data[3 + 2 * i]));
    }
    return out.sort();
  };
  report.confirmed = await dtcList(0x03);
  report.pending = await dtcList(0x07);
  report.permanent = await dtcList(0x0a);
  const engine = report.ecus[0]?.address;
  const engineRequest = engine === undefined ? undefined : requestAddressOf(engine);
  if (engineRequest !== undefined) {
    const ff = positive(
      await ask([0x02, 0x02, 0x00, 0x0c, 0x00, 0x0d, 0x00], physical(engineRequest)),
      0x02,
    )[0];
    if (ff) {
      const v = splitFreeze(ff.data);
      const dtc = v.get(0x02);
      if (dtc && (dtc[0] | dtc[1]) !== 0) {
        report.freezeFrame = { dtc: dtcText(dtc[0], dtc[1]) };
        const rpm = v.get(0x0c);
        if (rpm) report.freezeFrame.rpm = ((rpm[0] << 8) | rpm[1]) / 4;
        const speed = v.get(0x0d);
        if (speed) report.freezeFrame.speedKmh = speed[0];
        const ect = positive(await ask([0x02, 0x05, 0x00], physical(engineRequest)), 0x02)[0];
        if (ect && ect.data.length >= 4) report.freezeFrame.coolantC = ect.data[3] - 40;
      }
    }
  }
  for (const e of options.ecus ?? report.ecus.map((x) => ({ request: requestAddressOf(x.address) }))) {
    const r = (await ask([0x19, 0x02, 0xff], physical(e.request)))[0];
    if (r?.data[0] !== 0x59) continue;
    const list: { code: string; status: number }[] = [];
    for (let i = 3; i + 3 < r.data.length; i += 4)
      list.push({ code: dtcText(r.data[i], r.data[i + 1]), status: r.data[i + 3] });
    report.uds[e.request.toString(16)] = list;
  }
  // Live data until the session's time is up.
  while (engineRequest !== undefined && clock.now() - start < options.durationS * 1000) {
    const r = positive(
      await ask([0x01, 0x0c, 0x0d, 0x05, 0x04, 0x0b, 0x10], physical(engineRequest)),
      0x01,
    )[0];
    if (r) {
      report.live.samples++;
      const v = splitPids(r.data);
      const rpm = v.get(0x0c);
      if (rpm) report.live.rpm = ((rpm[0] << 8) | rpm[1]) / 4;
      const speed = v.get(0x0d);
      if (speed) report.live.speedKmh = speed[0];
      const ect = v.get(0x05);
      if (ect) report.live.coolantC = ect[0] - 40;
    }
    await clock.sleep(500);
  }
  return report;
}

const popcount = (x: number) => {
  let n = 0;
  for (let v = x & 0xff; v; v >>= 1) n += v & 1;
  return n;
};

/** Physical request address of an OBD response address (0x7E8 → 0x7E0, 0x18DAF110 → 0x18DA10F1). */
function requestAddressOf(response: number): number {
  if (response > 0x7ff) return 0x18da00f1 | ((response & 0xff) << 8);
  return response - 8;
}

/** Data bytes per PID of a mode 01 answer with several PIDs (lengths from the simulator's own table). */
const PID_LENGTHS: Record<number, number> = { 2: 2, 4: 1, 5: 1, 11: 1, 12: 2, 13: 1, 16: 2 };
function splitPids(data: Uint8Array): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>();
  for (let i = 1; i < data.length; ) {
    const pid = data[i];
    const n = PID_LENGTHS[pid];
    if (n === undefined) break;
    out.set(pid, data.subarray(i + 1, i + 1 + n));
    i += 1 + n;
  }
  return out;
}
function splitFreeze(data: Uint8Array): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>();
  for (let i = 1; i < data.length; ) {
    const pid = data[i];
    const n = PID_LENGTHS[pid];
    if (n === undefined) break;
    out.set(pid, data.subarray(i + 2, i + 2 + n));
    i += 2 + n;
  }
  return out;
}

/**
 * A tester-side DiagnosticLink over ISO-TP on a bus, for the simulator's own session: one
 * IsoTpEndpoint per ECU pair, functional requests as single frames on 0x7DF/0x18DB33F1, answers
 * collected for `timeoutMs` (P2 50 ms plus margin). @atelier/obd's IsoTpLink, once it exists, is
 * preferred by `simulateSession` (see `pickLink`).
 */
export class BusTesterLink implements DiagnosticLink {
  readonly info: LinkInfo;
  private readonly endpoints = new Map<number, IsoTpEndpoint>();

  constructor(
    readonly bus: Bus,
    ecus: { request: number; response: number; extended: boolean }[],
    private readonly options: { clock: Clock; timeoutMs?: number; extended?: boolean },
  ) {
    const extended = options.extended ?? ecus.some((e) => e.extended);
    this.info = {
      kind: 'isotp',
      extended,
      protocol: `ISO 15765-4 CAN (${extended ? 29 : 11} bit ID, 500 kbaud)`,
    };
    for (const e of ecus) {
      this.endpoints.set(
        e.request,
        new IsoTpEndpoint(
          bus,
          {
            txId: e.request,
            rxId: e.response,
            extendedIds: e.extended,
            functionalId: e.extended ? FUNCTIONAL_29 : FUNCTIONAL_11,
          },
          { clock: options.clock },
        ),
      );
    }
  }

  async request(req: LinkRequest): Promise<EcuResponse[]> {
    const timeout = req.timeoutMs ?? this.options.timeoutMs ?? 100;
    const eps =
      req.target.kind === 'functional'
        ? [...this.endpoints.values()]
        : [this.endpoints.get(req.target.address)];
    if (eps.some((e) => !e))
      throw new NoResponseError(`no ECU at 0x${(req.target as { address: number }).address.toString(16)}`);
    const got: EcuResponse[] = [];
    const unsubs = (eps as IsoTpEndpoint[]).map((ep) =>
      ep.onMessage((m) => {
        got.push({ ecu: m.id, extended: !!this.info.extended, data: m.data, timestamp: m.timestamp });
      }),
    );
    try {
      if (req.target.kind === 'functional') await eps[0]!.sendFunctional(req.data);
      else await eps[0]!.send(req.data);
      await this.options.clock.sleep(timeout);
      // Multi-frame answers still in progress get their time too.
      for (let i = 0; i < 20 && got.length === 0 && req.target.kind === 'physical'; i++)
        await this.options.clock.sleep(timeout);
    } finally {
      for (const u of unsubs) u();
    }
    if (got.length === 0)
      throw new NoResponseError(`no ECU answered ${Buffer.from(req.data).toString('hex')}`);
    return got.sort((a, b) => a.ecu - b.ecu);
  }

  async close(): Promise<void> {
    for (const ep of this.endpoints.values()) ep.close();
  }
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
  const link = new BusTesterLink(testerBus, ecus, { clock });
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
