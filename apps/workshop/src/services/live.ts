/**
 * The running side of diagnostic sessions: open adapters, live-data polling and the server-sent
 * event fan-out to the browsers watching a session. Everything read goes to the store as it
 * arrives (readings at once, samples and traffic in small batches) so that an adapter dropping —
 * or the server stopping — loses at most the last batch interval of live samples.
 */
import { type OpenedAdapter, openAdapter } from '@atelier/adapters';
import type { Bus } from '@atelier/can';
import { systemClock } from '@atelier/clock';
import {
  type FollowUpRoutine,
  type MeasuredReading,
  type RoutineRun,
  routineTarget,
  runFollowUpRoutine,
  type VehicleType,
  type WorkshopTest,
} from '@atelier/diagnosis';
import {
  adapterSource,
  type BatteryDefinition,
  type BatteryReport,
  type BatteryReportSource,
  NoBatteryDataError,
  readKnownBattery,
} from '@atelier/ev';
import {
  DisconnectedError,
  decodePid,
  FUNCTIONAL,
  LinkError,
  PIDS,
  PidPoller,
  type Responder,
} from '@atelier/obd';
import { measureOnCar, type RefusedMeasurement, sessionBatteryOf } from '@atelier/training';
import { type BatteryChargeReport, Vehicle } from '@atelier/vehicle-sim';
import type { Store } from '../store/store.js';
import type { WallClock } from '../web/types.js';
import { type AdapterDiscovery, ensureOffered, systemDiscovery } from './adapter-offer.js';
import { type AdapterChoice, AdapterProblem, adapterName } from './adapters.js';
import { type Sample, saveReading, saveSamples, setDiagState } from './diagnostics.js';
import { ConflictError, DomainError, ValidationError } from './errors.js';
import {
  chargeBatterySimulated,
  engineRunsSimulated,
  isSimulatedCar,
  repairSimulated,
  roadTestSimulated,
  startSimulated,
} from './scenarios.js';
import { getSettings } from './settings.js';
import { appendTraffic, TrafficRecorder, trafficSummary } from './traffic.js';
import { type ReadSummary, type ReadVehicleOptions, readVehicle, readVerification } from './vehicle-read.js';

/** One event for the browsers of a session, already in SSE wire form. */
export type SseSend = (chunk: string) => void;

export function sseEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Fan-out of events to every subscriber of a topic. Serialises each event once, whatever the number
 * of clients, and a subscriber whose write throws is dropped rather than stopping the others.
 */
export class LiveHub {
  private topics = new Map<string, Set<SseSend>>();
  /** What ends each subscriber's stream when the hub closes (the server is stopping). */
  private enders = new Map<SseSend, () => void>();
  /** The other processes sharing the database, when there are any (see live-relay.ts). */
  private relay: HubRelay | null = null;
  /** Topics a browser watches through another process, and when that process last said so. */
  private remoteWatch = new Map<string, number>();

  /** Events published here also go to `relay`; what it receives is handed to `deliver`. */
  attachRelay(relay: HubRelay | null): void {
    this.relay = relay;
  }

  subscribe(topic: string, send: SseSend, end?: () => void): () => void {
    let set = this.topics.get(topic);
    if (!set) {
      set = new Set();
      this.topics.set(topic, set);
    }
    set.add(send);
    if (end) this.enders.set(send, end);
    this.relay?.watching(topic);
    return () => {
      set!.delete(send);
      this.enders.delete(send);
      if (set!.size === 0) this.topics.delete(topic);
    };
  }

  /** Ends every subscriber's stream (each `end` unsubscribes it). */
  close(): void {
    for (const end of [...this.enders.values()]) end();
    this.enders.clear();
    this.topics.clear();
  }

  /** Sends an event to this process's subscribers and, through the relay, to the other processes'. */
  publish(topic: string, event: string, data: unknown): number {
    this.relay?.publish(topic, event, data);
    return this.deliver(topic, event, data);
  }

  /** Sends an event to this process's subscribers only (one that another process published). */
  deliver(topic: string, event: string, data: unknown): number {
    const set = this.topics.get(topic);
    if (!set) return 0;
    const chunk = sseEvent(event, data);
    for (const send of [...set]) {
      try {
        send(chunk);
      } catch {
        set.delete(send);
      }
    }
    return set.size;
  }

  subscribers(topic: string): number {
    return this.topics.get(topic)?.size ?? 0;
  }

  /** Topics with a subscriber in this process. */
  watchedTopics(): string[] {
    return [...this.topics.keys()];
  }

  /** Another process said that a browser watches `topic` through it. */
  watchedElsewhere(topic: string, at: number): void {
    this.remoteWatch.set(topic, at);
  }

  /** Whether a browser watches `topic` here, or did through another process at or after `since`. */
  isWatched(topic: string, since: number): boolean {
    return this.subscribers(topic) > 0 || (this.remoteWatch.get(topic) ?? -Infinity) >= since;
  }
}

/** What a hub needs from the processes it shares a database with. */
export interface HubRelay {
  publish(topic: string, event: string, data: unknown): void;
  /** A browser started watching `topic` here. */
  watching(topic: string): void;
}

/** How often a process tells the others which sessions its browsers watch. */
export const WATCH_HEARTBEAT_MS = 10_000;

/** A number to chart: the value itself, or the first field of a multi-field PID. */
export function chartValue(v: number | Record<string, number>): number {
  return typeof v === 'number' ? v : (Object.values(v)[0] ?? Number.NaN);
}

interface Active {
  adapter: OpenedAdapter;
  /** The car a training scenario plays (simulated or recorded), held only while its adapter is open. */
  car?: Responder;
  live?: { abort: AbortController; pids: number[]; periodMs: number; done: Promise<void> };
  samples: Sample[];
  /** The raw traffic since the last flush, bounded by the session's recording limit. */
  traffic: TrafficRecorder;
  flushTimer?: NodeJS.Timeout;
  /** The flush writing now (or the last one), which the next one waits for. */
  flushing?: Promise<void>;
  busy?: Promise<unknown>;
  closingIdle?: boolean;
  /** Last time (the injected clock) a browser watched the session or someone used the adapter. */
  watched: number;
}

export interface RuntimeOptions {
  /** How often buffered samples and traffic are written, ms. */
  flushMs?: number;
  /**
   * An adapter nobody watches (no browser on the session's events) and nobody uses for this long
   * is closed, so a tab closed mid-session does not keep a car's adapter busy polling. ms.
   */
  idleMs?: number;
  /**
   * The serial ports and CAN interfaces this machine has (the system's by default): a session
   * connects only on an adapter still offered — one of these, a TCP adapter an admin declared, or
   * its training scenario.
   */
  discovery?: AdapterDiscovery;
}

/**
 * The open adapters of a workshop's diagnostic sessions, one entry per connected session, with the
 * car a scenario plays. An entry — and with it the car — goes when the session disconnects, is
 * finished, drops, or is left idle (`idleMs` without a browser watching or anyone using it), and
 * `closeAll()` releases every one (the app's `onClose`). Idle time is measured on the injected
 * clock; the flush cadence is a plain timer (it batches writes, it measures nothing).
 */
export class DiagnosticsRuntime {
  readonly hub = new LiveHub();
  private active = new Map<number, Active>();
  private readonly flushMs: number;
  private readonly idleMs: number;
  private closed = false;
  /** Opens CAN bus endpoints for SocketCAN sessions (SocketCAN itself when unset; a virtual bus in tests). */
  openBus?: (name: string) => Promise<Bus>;
  /** What this machine offers (serial ports, CAN interfaces); tests give their own. */
  discovery: AdapterDiscovery;

  constructor(
    private readonly store: Store,
    private readonly clock: WallClock,
    options: RuntimeOptions = {},
  ) {
    this.flushMs = options.flushMs ?? 250;
    this.idleMs = options.idleMs ?? 15 * 60_000;
    this.discovery = options.discovery ?? systemDiscovery;
  }

  isConnected(sessionId: number): boolean {
    return this.active.has(sessionId);
  }

  /** Sessions with an open adapter (each holds its car, if any): what the runtime keeps in memory. */
  get openSessions(): number[] {
    return [...this.active.keys()];
  }

  /** The connected session plays a simulated car (not a recording): it can be repaired and road-tested. */
  isSimulated(sessionId: number): boolean {
    return isSimulatedCar(this.active.get(sessionId)?.car);
  }

  /**
   * Repairs the session's simulated car (the faults the cause stands for leave it), so that the
   * verification read shows whether the repair cured it. False when not connected or not simulated.
   */
  repairCar(sessionId: number, causeId: string): boolean {
    const car = this.active.get(sessionId)?.car;
    return car ? repairSimulated(car, causeId) : false;
  }

  /**
   * The simulated road test, fast-forwarded on the connected simulated car. The car lives on the
   * clock of the ELM327 emulator that serves it (adapters.ts makes the emulator with its default,
   * the system's monotonic clock), not on the workshop's wall clock: its time is read there.
   */
  roadTest(sessionId: number, drive?: { road: 'urban' | 'motorway'; minutes: number }): boolean {
    const car = this.active.get(sessionId)?.car;
    return car ? roadTestSimulated(car, systemClock.now(), drive) : false;
  }

  /**
   * The connected simulated car's battery charged on the workshop charger, fast-forwarded on the
   * emulator's clock as the road test is. Undefined when the session plays no simulated car.
   */
  async chargeBattery(sessionId: number): Promise<BatteryChargeReport | undefined> {
    const car = this.active.get(sessionId)?.car;
    return car ? chargeBatterySimulated(car, () => systemClock.now()) : undefined;
  }

  /**
   * Starts the connected simulated car's engine (for a routine that needs it running). Undefined when
   * it runs; else why not. Never a real car: the technician starts that one with its key.
   */
  startEngine(sessionId: number): { fr: string; en: string } | undefined {
    const car = this.active.get(sessionId)?.car;
    if (!car || !isSimulatedCar(car))
      return { fr: 'ce n’est pas un véhicule simulé connecté', en: 'this is not a connected simulated car' };
    return startSimulated(car, systemClock.now());
  }

  /** The connected simulated car itself (undefined for a real adapter or a recording): the technician's hands in tests. */
  simulatedCar(sessionId: number): Vehicle | undefined {
    const car = this.active.get(sessionId)?.car;
    return car instanceof Vehicle ? car : undefined;
  }

  /** Whether the connected simulated car's engine runs (undefined: no simulated car connected). */
  engineRuns(sessionId: number): boolean | undefined {
    return engineRunsSimulated(this.active.get(sessionId)?.car, systemClock.now());
  }

  /**
   * A repair's follow-up routine (a forced DPF regeneration) run on the connected simulated car
   * through the adapter, as a scan tool runs it: started on the engine ECU, its results polled every
   * simulated minute, the car fast-forwarded a minute between polls. Undefined when the session plays
   * no simulated car.
   */
  async runFollowUp(sessionId: number, routine: FollowUpRoutine): Promise<RoutineRun | undefined> {
    const car = this.active.get(sessionId)?.car;
    if (!(car instanceof Vehicle)) return undefined;
    const target = routineTarget(routine, car.ecus(), car.extended);
    try {
      return await this.exclusive(sessionId, (a) =>
        runFollowUpRoutine(a.adapter.link, target, routine, {
          wait: async (ms) => car.fastForward(systemClock.now(), ms / 1000),
        }),
      );
    } catch (err) {
      if (err instanceof DomainError) throw err;
      throw await this.dropped(sessionId, err);
    }
  }

  /**
   * A workshop test's instrument measurements taken on the connected simulated car, as it is now:
   * the car's physics answer (values, units, noise), never the knowledge base. Undefined when the
   * session plays no simulated car. Like the road test, the car's time is the emulator's clock.
   */
  measureTest(
    sessionId: number,
    test: WorkshopTest,
    vehicleType: VehicleType,
  ): { readings: MeasuredReading[]; refused: RefusedMeasurement[] } | undefined {
    const car = this.active.get(sessionId)?.car;
    if (!(car instanceof Vehicle)) return undefined;
    return measureOnCar(car, test, vehicleType, systemClock.now());
  }

  liveState(sessionId: number): { running: boolean; pids: string[] } {
    const live = this.active.get(sessionId)?.live;
    return {
      running: !!live,
      pids: (live?.pids ?? []).map((p) => p.toString(16).toUpperCase().padStart(2, '0')),
    };
  }

  /** The adapter behind a session, for tests that unplug it (stop the emulator). */
  adapterOf(sessionId: number): OpenedAdapter | undefined {
    return this.active.get(sessionId)?.adapter;
  }

  async connect(
    sessionId: number,
    choice: AdapterChoice,
    responder?: () => Promise<Responder>,
  ): Promise<void> {
    if (this.closed) throw new ConflictError({ fr: 'le serveur s’arrête', en: 'the server is stopping' });
    if (this.active.has(sessionId)) return;
    // The recording continues where the session's stored traffic stands, up to the workshop's limit.
    const stored = await trafficSummary(this.store, sessionId);
    const { trafficLimitKb } = await getSettings(this.store);
    const traffic = new TrafficRecorder(trafficLimitKb * 1024, stored.bytes, stored.truncatedAt);
    const format = choice.kind === 'socketcan' ? 'candump' : 'elm327-transcript';
    let adapter: OpenedAdapter;
    let car: Responder | undefined;
    try {
      // The session's site's declared adapters (a site never opens another's).
      const site = await this.store.get<{ site_id: number }>(
        'SELECT site_id FROM diag_sessions WHERE id = ?',
        [sessionId],
      );
      await ensureOffered(this.store, site?.site_id ?? 0, choice, this.discovery);
      adapter = await openAdapter(adapterName(choice), {
        traffic: (lines) => traffic.write(lines),
        resolveScenario: responder
          ? async () => {
              car = await responder();
              return car;
            }
          : undefined,
        openBus: this.openBus,
      });
    } catch (err) {
      const p = AdapterProblem.opening(err, `${choice.kind}:${choice.spec}`);
      const t = traffic.take();
      await appendTraffic(this.store, sessionId, format, t.text, t.truncatedAt);
      await setDiagState(this.store, sessionId, 'disconnected', p.code, this.clock.now(), p.said);
      throw p;
    }
    if (this.closed) {
      // Closed while the adapter was opening: release it at once.
      await adapter.close().catch(() => {});
      throw new ConflictError({ fr: 'le serveur s’arrête', en: 'the server is stopping' });
    }
    const a: Active = { adapter, car, samples: [], traffic, watched: this.clock.now() };
    this.active.set(sessionId, a);
    a.flushTimer = setInterval(() => void this.flush(sessionId).catch(() => {}), this.flushMs);
    await setDiagState(this.store, sessionId, 'connected', '', this.clock.now());
    this.hub.publish(topic(sessionId), 'status', { state: 'connected' });
  }

  /**
   * Writes the buffered samples and traffic, after any flush still writing: the timer's flush takes
   * the buffer at once and writes it for a while (PostgreSQL), so a flush that ran beside it (live
   * data stopped) found nothing left and returned before those samples were stored — a reader right
   * after the stop then missed them.
   */
  private flush(sessionId: number): Promise<void> {
    const a = this.active.get(sessionId);
    if (!a) return Promise.resolve();
    const next = (a.flushing ?? Promise.resolve()).then(() => this.flushNow(sessionId));
    a.flushing = next.catch(() => {});
    return next;
  }

  private async flushNow(sessionId: number): Promise<void> {
    const a = this.active.get(sessionId);
    if (!a) return;
    // A browser on another process (PostgreSQL) says so at least every WATCH_HEARTBEAT_MS.
    if (this.hub.isWatched(topic(sessionId), this.clock.now() - 3 * WATCH_HEARTBEAT_MS))
      a.watched = this.clock.now();
    else if (this.clock.now() - a.watched > this.idleMs && !a.closingIdle) {
      a.closingIdle = true;
      void this.disconnect(sessionId).catch(() => {});
      return;
    }
    const samples = a.samples.splice(0);
    const t = a.traffic.take();
    await saveSamples(this.store, sessionId, samples);
    await appendTraffic(this.store, sessionId, a.adapter.trafficFormat, t.text, t.truncatedAt);
  }

  /** Serialises the uses of one link: a read while live data polls would interleave requests. */
  private async exclusive<T>(sessionId: number, fn: (a: Active) => Promise<T>): Promise<T> {
    const a = this.active.get(sessionId);
    if (!a)
      throw new ConflictError({ fr: "l'adaptateur n'est pas connecté", en: 'the adapter is not connected' });
    a.watched = this.clock.now();
    const run = (a.busy ?? Promise.resolve()).catch(() => {}).then(() => fn(a));
    a.busy = run;
    return run;
  }

  /**
   * Reads the car through the one scan (VIN, DTCs, readiness, freeze frame, live snapshot, and the UDS
   * fault memories of a scenario car's ECUs), saving each value as it arrives.
   */
  async read(sessionId: number): Promise<ReadSummary> {
    const wasLive = this.active.get(sessionId)?.live;
    if (wasLive) await this.stopLive(sessionId);
    try {
      return await this.exclusive(sessionId, (a) =>
        readVehicle(
          a.adapter.link,
          async (r) => {
            await saveReading(this.store, sessionId, r, this.clock.now());
            this.hub.publish(topic(sessionId), 'reading', r);
          },
          udsOf(a),
        ),
      );
    } catch (err) {
      if (err instanceof DomainError) throw err;
      throw await this.dropped(sessionId, err);
    }
  }

  /**
   * Reads the traction battery through the session's link (@atelier/ev): each definition in turn
   * until a battery ECU answers; a recording answers its recorded requests through the recorded
   * responder, exactly as the car did. `source` says where the answers come from, given the
   * adapter's (a scenario session knows it plays a recording or a simulated car).
   */
  async readBattery(
    sessionId: number,
    definitions: BatteryDefinition[],
    name: string,
    source: (adapter: BatteryReportSource) => BatteryReportSource = (a) => a,
  ): Promise<BatteryReport> {
    try {
      const report = await this.exclusive(sessionId, async (a) => {
        try {
          return await readKnownBattery(a.adapter.link, {
            definitions,
            name,
            source: source(adapterSource(a.adapter.info)),
          });
        } catch (err) {
          if (err instanceof NoBatteryDataError) throw new ValidationError(err.text);
          throw err;
        }
      });
      // The read is kept with the session: a battery-report scenario is assessed on it.
      await saveReading(
        this.store,
        sessionId,
        {
          kind: 'battery',
          ecu: report.vehicle.ecu.response.toString(16).toUpperCase(),
          item: report.vehicle.id,
          value: {
            answers: report.answers,
            soc: report.soc?.value ?? null,
            soh: report.soh?.value ?? null,
            packVoltage: report.packVoltage?.value ?? null,
            minCell: report.cells?.minCell ?? null,
            spread: report.cells?.spread ?? null,
            // What a guided diagnosis reads from it (the traction-battery signs), and how it was read.
            session: sessionBatteryOf(report),
          },
        },
        this.clock.now(),
      );
      return report;
    } catch (err) {
      if (err instanceof DomainError) throw err;
      throw await this.dropped(sessionId, err);
    }
  }

  /** Clears DTCs (mode 04) and reads the stored ones again: the verification read after a repair. */
  /** Clears the codes (service 04) after a repair; false when no ECU accepted it. */
  async clearCodes(sessionId: number): Promise<boolean> {
    try {
      return await this.exclusive(sessionId, async (a) => {
        try {
          const answers = await a.adapter.link.request({ target: FUNCTIONAL, data: Uint8Array.of(0x04) });
          const ok = answers.some((x) => x.data[0] === 0x44);
          await saveReading(
            this.store,
            sessionId,
            { kind: 'cleared', ecu: '', item: '', value: ok },
            this.clock.now(),
          );
          return ok;
        } catch (err) {
          if (err instanceof DisconnectedError) throw err;
          if (!(err instanceof LinkError)) throw err;
          return false;
        }
      });
    } catch (err) {
      if (err instanceof DomainError) throw err;
      throw await this.dropped(sessionId, err);
    }
  }

  /**
   * The verification read after the road test: stored and pending codes, OBD-II and UDS (a code back
   * means not cured), and the readiness of the engine ECU (whether the monitors have run since the
   * clear). Everything read is stored, the codes under `after.*`.
   */
  async rereadAfterRepair(
    sessionId: number,
  ): Promise<{ dtcsAfter: string[]; monitors?: Record<string, 'complete' | 'incomplete'> }> {
    try {
      return await this.exclusive(sessionId, (a) =>
        readVerification(
          a.adapter.link,
          (r) => saveReading(this.store, sessionId, r, this.clock.now()),
          udsOf(a),
        ),
      );
    } catch (err) {
      if (err instanceof DomainError) throw err;
      throw await this.dropped(sessionId, err);
    }
  }

  async startLive(sessionId: number, pids: number[], periodMs: number): Promise<void> {
    const a = this.active.get(sessionId);
    if (!a)
      throw new ConflictError({ fr: "l'adaptateur n'est pas connecté", en: 'the adapter is not connected' });
    if (a.live) await this.stopLive(sessionId);
    await a.busy?.catch(() => {});
    const abort = new AbortController();
    const poller = new PidPoller(
      a.adapter.link,
      pids.map((pid) => ({ pid, periodMs })),
      {
        pidLength: (pid) => PIDS.get(pid)?.bytes,
        onSample: (s) => {
          const def = PIDS.get(s.pid);
          if (!def) return;
          let value: number;
          try {
            value = chartValue(decodePid(def, s.bytes));
          } catch {
            return;
          }
          const sample = {
            t: this.clock.now(),
            pid: s.pid.toString(16).toUpperCase().padStart(2, '0'),
            value,
          };
          a.samples.push(sample);
          this.hub.publish(topic(sessionId), 'sample', sample);
        },
        onError: (err) => {
          if (err instanceof DisconnectedError || err.code === 'closed') throw err;
        },
      },
    );
    const done = poller.run(abort.signal).catch(async (err) => {
      if (abort.signal.aborted) return;
      await this.dropped(sessionId, err);
    });
    a.live = { abort, pids, periodMs, done };
    this.hub.publish(topic(sessionId), 'status', { state: 'connected', live: true });
  }

  async stopLive(sessionId: number): Promise<void> {
    const a = this.active.get(sessionId);
    if (!a?.live) return;
    const live = a.live;
    a.live = undefined;
    live.abort.abort();
    await live.done;
    await this.flush(sessionId);
    this.hub.publish(topic(sessionId), 'status', { state: 'connected', live: false });
  }

  /**
   * The adapter went away (or failed in a way that ends the link): keep every value buffered, mark
   * the session disconnected with the problem in plain words, tell the browsers, close the link.
   */
  private async dropped(sessionId: number, err: unknown): Promise<AdapterProblem> {
    const a = this.active.get(sessionId);
    const p = AdapterProblem.from(err, `session ${sessionId}`);
    if (!a) return p;
    const ends = ['disconnected', 'unreachable', 'flooding', 'not-elm327', 'unknown'].includes(p.code);
    if (!ends) return p;
    this.active.delete(sessionId);
    if (a.flushTimer) clearInterval(a.flushTimer);
    a.live?.abort.abort();
    // A flush still writing goes first: the samples it took are older than those left.
    await a.flushing;
    await saveSamples(this.store, sessionId, a.samples.splice(0));
    const t = a.traffic.take();
    await appendTraffic(this.store, sessionId, a.adapter.trafficFormat, t.text, t.truncatedAt);
    await setDiagState(this.store, sessionId, 'disconnected', p.code, this.clock.now(), p.said);
    this.hub.publish(topic(sessionId), 'status', { state: 'disconnected', problem: p.code, said: p.said });
    await a.adapter.close().catch(() => {});
    return p;
  }

  async disconnect(sessionId: number, state: 'closed' | 'new' = 'new'): Promise<void> {
    const a = this.active.get(sessionId);
    if (a) {
      await this.stopLive(sessionId);
      await this.flush(sessionId);
      this.active.delete(sessionId);
      if (a.flushTimer) clearInterval(a.flushTimer);
      await a.adapter.close().catch(() => {});
      // Traffic written while closing (ATZ/ATPC…).
      const t = a.traffic.take();
      await appendTraffic(this.store, sessionId, a.adapter.trafficFormat, t.text, t.truncatedAt);
    }
    await setDiagState(this.store, sessionId, state === 'closed' ? 'closed' : 'new', '', this.clock.now());
    this.hub.publish(topic(sessionId), 'status', { state: state === 'closed' ? 'closed' : 'new' });
  }

  /**
   * Releases everything: every adapter link (and the emulator and TCP server behind a scenario),
   * every flush timer and live poller, every browser's event stream. Buffered samples and traffic
   * are written first. No adapter can be opened afterwards.
   */
  async closeAll(): Promise<void> {
    this.closed = true;
    for (const id of [...this.active.keys()]) await this.disconnect(id).catch(() => {});
    this.hub.close();
  }
}

export const topic = (sessionId: number): string => `session:${sessionId}`;

/** The ECUs whose UDS fault memories are read: those of the car a scenario plays (none otherwise). */
const udsOf = (a: Active): ReadVehicleOptions => (a.car ? { udsEcus: a.car.ecus() } : {});
