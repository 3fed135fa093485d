import type { Clock } from '@atelier/clock';
import {
  DisconnectedError,
  type DtcKind,
  decodeDtc,
  LinkError,
  NegativeResponseError,
  type ObdClient,
  type PidReading,
  physical,
  UdsClient,
} from '@atelier/obd';
import type { VehicleType } from './kb/types.js';

/** The freeze frame an ECU stored with a confirmed code (service 02, frame 0). */
export interface FreezeFrameFacts {
  /** The code that stored it. */
  dtc: string;
  /** PID key (or `KEY.field` for a multi-value PID) → value in the PID's unit. */
  values: Record<string, number>;
}

/** Readiness (service 01 PID 01) as a diagnosis uses it: supported monitors only. */
export interface ReadinessFacts {
  mil: boolean;
  monitors: Record<string, 'complete' | 'incomplete'>;
}

/** A code read from an ECU's UDS fault memory (ISO 14229 0x19 0x02), with its failure type and status. */
export interface UdsDtcFact {
  /** The ECU's response address in hex (768, 18DAF128). */
  ecu: string;
  code: string;
  /** Failure type byte (SAE J2012-DA): 0x31 no signal, 0x29 signal invalid, 0x2F erratic, … */
  failureType: number;
  /** The ISO 14229-1 status byte: bit 0 testFailed, 2 pendingDTC, 3 confirmedDTC, … */
  status: number;
}

/**
 * What a diagnostic session knows before any workshop test. Only `vehicle` and `dtcs` are required:
 * a field left out was not read, and gives no evidence either way ("could not ask" is not "nothing").
 */
export interface SessionFacts {
  vehicle: VehicleType;
  /** DTC codes read from the car (any ECU, stored, pending or permanent). */
  dtcs: string[];
  /** The customer's complaint, in their own words, French or English. */
  complaint?: string;
  /**
   * The memories each code was read from. A code in `dtcs` without an entry here counts as stored
   * (confirmed): that is what a scan tool that only reads service 03 shows.
   */
  dtcMemories?: Record<string, DtcKind[]>;
  freezeFrame?: FreezeFrameFacts;
  readiness?: ReadinessFacts;
  /** Live data read when the session starts (engine ECU): PID key → value. */
  live?: Record<string, number>;
  /**
   * Codes of the UDS fault memories read (ABS, body… ECUs OBD-II does not reach), with failure type
   * and status; absent when none was read.
   */
  udsDtcs?: UdsDtcFact[];
}

/** An ECU reached by UDS, by its physical request and response addresses. */
export interface UdsEcu {
  request: number;
  response: number;
  extended?: boolean;
}

export interface ReadFactsOptions {
  /**
   * ECUs whose UDS fault memory is read too (0x19 0x02, every status): the ECUs a manufacturer tool
   * scans. OBD-II has no way to list them, so they come from the vehicle's description (the
   * simulator's `vehicle.ecus()`, an adapter profile); none by default.
   */
  udsEcus?: UdsEcu[];
  /** Clock for the UDS client's timers (virtual in tests). */
  clock?: Clock;
}

/** Status bits of ISO 14229-1 that make a UDS code count as read: failing, pending or confirmed. */
const UDS_TEST_FAILED = 0x01;
const UDS_PENDING = 0x04;
const UDS_CONFIRMED = 0x08;

/** Freeze-frame PIDs worth reading for a diagnosis: load, temperatures, trims, pressures, speeds. */
export const FREEZE_FRAME_PIDS = [0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0f, 0x11, 0x42];

/** Live PIDs read at the start of a session, in requests of six. */
export const LIVE_PIDS = [0x04, 0x05, 0x06, 0x07, 0x0c, 0x0d, 0x0b, 0x0f, 0x10, 0x11, 0x2f, 0x42];

/**
 * An optional reading failed in a way that means "this car does not give it" (no answer, refusal,
 * an answer that does not parse). An unplugged adapter is not one of them: it stops the session.
 */
function unavailable(err: unknown): boolean {
  if (err instanceof DisconnectedError) return false;
  return err instanceof LinkError || err instanceof NegativeResponseError;
}

/** Numbers of a reading: a single-value PID as its key, a multi-value one as `KEY.field`. */
function flatten(r: PidReading, into: Record<string, number>): void {
  if (typeof r.value === 'number') into[r.key] = r.value;
  else if (r.value && typeof r.value === 'object')
    for (const [k, v] of Object.entries(r.value)) if (typeof v === 'number') into[`${r.key}.${k}`] = v;
}

/** Every DTC of every ECU per memory. Stored and pending must answer; permanent may be refused. */
/**
 * Every DTC of every ECU per memory asked. Stored and pending must answer (a link error is thrown,
 * never taken for "no codes"); permanent may be refused.
 */
export async function readDtcMemories(
  obd: ObdClient,
  kinds: readonly DtcKind[] = ['stored', 'pending', 'permanent'],
): Promise<Record<string, DtcKind[]>> {
  const memories: Record<string, DtcKind[]> = {};
  for (const kind of kinds) {
    let answers: Awaited<ReturnType<ObdClient['readDtcs']>>;
    try {
      answers = await obd.readDtcs(kind);
    } catch (err) {
      // Service 0A is younger than the others: older ECUs refuse it or stay silent.
      if (kind === 'permanent' && unavailable(err)) continue;
      throw err;
    }
    for (const e of answers)
      for (const d of e.dtcs) {
        memories[d] ??= [];
        if (!memories[d].includes(kind)) memories[d].push(kind);
      }
  }
  return memories;
}

/** Readiness of the engine ECU (the one with the most monitors); undefined when the car does not give it. */
export async function readReadiness(obd: ObdClient): Promise<ReadinessFacts | undefined> {
  let all: Awaited<ReturnType<ObdClient['readiness']>>;
  try {
    all = await obd.readiness('sinceClear');
  } catch (err) {
    if (unavailable(err)) return undefined;
    throw err;
  }
  return engineReadiness(
    [...all.values()].map((r) => {
      const monitors: ReadinessFacts['monitors'] = {};
      for (const m of r.monitors) if (m.supported) monitors[m.key] = m.complete ? 'complete' : 'incomplete';
      return { mil: r.mil, monitors };
    }),
  );
}

/**
 * The readiness a diagnosis reads from every ECU's answer: the monitors of the engine ECU, which
 * carries the emission monitors (the one that supports the most of them), and the MIL if any ECU
 * lights it. Undefined when no ECU answered.
 */
export function engineReadiness(perEcu: ReadinessFacts[]): ReadinessFacts | undefined {
  if (!perEcu.length) return undefined;
  const engine = perEcu.reduce((a, b) =>
    Object.keys(b.monitors).length > Object.keys(a.monitors).length ? b : a,
  );
  return { mil: perEcu.some((r) => r.mil), monitors: engine.monitors };
}

async function readFreezeFrame(obd: ObdClient): Promise<FreezeFrameFacts | undefined> {
  let cause: Awaited<ReturnType<ObdClient['freezeFrame']>>;
  try {
    cause = await obd.freezeFrame([0x02], 0);
  } catch (err) {
    if (unavailable(err)) return undefined;
    throw err;
  }
  // PID 02 of frame 0 is the code that stored it; 0000 means no frame is stored.
  const stored = cause.find((r) => typeof r.value === 'number' && r.value !== 0);
  if (!stored) return undefined;
  const raw = stored.value as number;
  const frame: FreezeFrameFacts = { dtc: decodeDtc(raw >> 8, raw & 0xff), values: {} };
  for (let i = 0; i < FREEZE_FRAME_PIDS.length; i += 3) {
    try {
      const got = await obd.freezeFrame(FREEZE_FRAME_PIDS.slice(i, i + 3), 0);
      for (const r of got) if (r.ecu === stored.ecu) flatten(r, frame.values);
    } catch (err) {
      // An ECU answers only the PIDs it stored; a group it has none of is silence, not a failure.
      if (!unavailable(err)) throw err;
    }
  }
  return frame;
}

async function readLive(obd: ObdClient): Promise<Record<string, number> | undefined> {
  const byEcu = new Map<number, Record<string, number>>();
  for (let i = 0; i < LIVE_PIDS.length; i += 6) {
    try {
      for (const r of await obd.readPids(LIVE_PIDS.slice(i, i + 6))) {
        if (!byEcu.has(r.ecu)) byEcu.set(r.ecu, {});
        flatten(r, byEcu.get(r.ecu)!);
      }
    } catch (err) {
      if (!unavailable(err)) throw err;
    }
  }
  if (byEcu.size === 0) return undefined;
  // The engine ECU answers on the lowest OBD response address (0x7E8, 0x18DAF110).
  return byEcu.get(Math.min(...byEcu.keys()));
}

/**
 * Reads what a guided session starts from: the DTCs per memory, readiness, the freeze frame and a
 * live-data snapshot. DTCs must be read (a link error is thrown, never taken for "no codes"); the
 * other readings are left out when the car does not give them, so they give no evidence.
 */
export async function readSessionFacts(
  obd: ObdClient,
  base: { vehicle: VehicleType; complaint?: string },
  options: ReadFactsOptions = {},
): Promise<SessionFacts> {
  const dtcMemories = await readDtcMemories(obd);
  const facts: SessionFacts = {
    vehicle: base.vehicle,
    dtcs: Object.keys(dtcMemories).sort(),
    dtcMemories,
  };
  if (base.complaint) facts.complaint = base.complaint;
  const readiness = await readReadiness(obd);
  if (readiness) facts.readiness = readiness;
  const freezeFrame = await readFreezeFrame(obd);
  if (freezeFrame) facts.freezeFrame = freezeFrame;
  const live = await readLive(obd);
  if (live) facts.live = live;
  if (options.udsEcus?.length) {
    const uds = await readUdsFaultMemories(obd, options.udsEcus, options.clock);
    if (uds) {
      facts.udsDtcs = uds;
      // A UDS code joins the codes read, in the memory its status names (confirmed → stored).
      for (const d of uds) {
        const kinds: DtcKind[] = [];
        if (d.status & UDS_CONFIRMED) kinds.push('stored');
        if (d.status & UDS_PENDING) kinds.push('pending');
        if (!kinds.length) continue;
        dtcMemories[d.code] ??= [];
        for (const k of kinds) if (!dtcMemories[d.code].includes(k)) dtcMemories[d.code].push(k);
      }
      facts.dtcs = Object.keys(dtcMemories).sort();
    }
  }
  return facts;
}

/**
 * The UDS fault memory of each ECU listed (0x19 0x02 with every status bit asked), keeping the codes
 * that are failing, pending or confirmed. An ECU that does not answer or refuses is skipped; undefined
 * when none answered.
 */
export async function readUdsFaultMemories(
  obd: ObdClient,
  ecus: UdsEcu[],
  clock?: Clock,
): Promise<UdsDtcFact[] | undefined> {
  const out: UdsDtcFact[] = [];
  const answered = await forEachUdsEcu(obd, ecus, clock, async (uds, ecu) => {
    const { dtcs } = await uds.readDtcsByStatus(0xff);
    const name = ecu.response
      .toString(16)
      .toUpperCase()
      .padStart(ecu.extended ? 8 : 3, '0');
    for (const d of dtcs) {
      const status = d.status?.byte ?? 0;
      if (status & (UDS_TEST_FAILED | UDS_PENDING | UDS_CONFIRMED))
        out.push({ ecu: name, code: d.code, failureType: d.failureType, status });
    }
  });
  return answered ? out : undefined;
}

/**
 * Clears the UDS fault memory of each ECU listed (0x14 FFFFFF, all groups) after a repair, as a
 * manufacturer tool does; OBD-II's service 04 only reaches the emission ECUs. Returns how many
 * accepted; an ECU that refuses or stays silent is skipped.
 */
export function clearUdsFaultMemories(obd: ObdClient, ecus: UdsEcu[], clock?: Clock): Promise<number> {
  return forEachUdsEcu(obd, ecus, clock, (uds) => uds.clearDtcs());
}

/**
 * Runs `fn` with a UDS client on each ECU in turn; an ECU that is silent or refuses is skipped, an
 * unplugged adapter stops everything. Returns how many ECUs `fn` went through on.
 */
async function forEachUdsEcu(
  obd: ObdClient,
  ecus: UdsEcu[],
  clock: Clock | undefined,
  fn: (uds: UdsClient, ecu: UdsEcu) => Promise<unknown>,
): Promise<number> {
  let done = 0;
  for (const ecu of ecus) {
    const uds = new UdsClient(obd.link, physical(ecu.request), clock ? { clock } : {});
    try {
      await fn(uds, ecu);
      done++;
    } catch (err) {
      if (!unavailable(err)) throw err;
    } finally {
      uds.close();
    }
  }
  return done;
}
