import type { Clock } from '@atelier/clock';
import {
  DisconnectedError,
  type DtcKind,
  type KnownEcu,
  LinkError,
  linkReason,
  NegativeResponseError,
  type ObdClient,
  type PidReading,
  physical,
  type ScanItem,
  type ScanOptions,
  type ScanStatus,
  scanItemError,
  scanVehicle,
  UdsClient,
} from '@atelier/obd';
import type { BatteryFacts } from './battery-figures.js';
import type { VehicleType } from './kb/types.js';
import type { Localized } from './text.js';

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
 * What became of a question asked of the car: the scan's status (`read`, `not-supported`, `no-answer`,
 * `refused`, `link-error`), or `not-read` when it was never asked. Only `read` is evidence.
 */
export type ReadStatus = ScanStatus | 'not-read';

/** The status of each part of the reading a session starts from, over every ECU asked. */
export interface FactsRead {
  /** Per DTC memory: `read` when at least one ECU gave that memory (an empty list is "no code"). */
  dtcs: Record<DtcKind, ReadStatus>;
  readiness: ReadStatus;
  /** `read` when an ECU said which code stored its freeze frame, or that it stored none. */
  freezeFrame: ReadStatus;
  live: ReadStatus;
  /** The UDS fault memories of the ECUs OBD-II does not reach. */
  uds: ReadStatus;
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
  /**
   * What became of each question (read, not supported by the car, no answer, refused, link error, not
   * asked). Absent in facts made before statuses were kept: then codes count as read when
   * `dtcMemories` is there or a code was listed, and every other field as read when present.
   */
  read?: FactsRead;
  /** The ECUs that answered the scan (response addresses in hex: 7E8, 7EC, 768…): the car's architecture. */
  ecus?: string[];
  /**
   * The traction battery's figures as its BMS reported them when the session started (a battery
   * report, `batteryFacts`); absent when no battery report was read (a sign on them is then unknown).
   */
  battery?: BatteryFacts;
  /**
   * What became of the battery read, in words shown with the session: the BMS read and where its
   * figures come from, or why no figure was read (no BMS Atelier knows answered). Absent when no
   * read was tried.
   */
  batteryRead?: { read: boolean; text: Localized };
}

/**
 * The part of a battery report (`@atelier/ev`'s `BatteryReport`, which this package does not import:
 * the caller reads it and hands it in) that the signs read.
 */
export interface BatteryReportFigures {
  cells?: { spread: number; min: number; mean: number };
  soh?: { value: number };
  temperatures?: { min: number; max: number };
  packCurrent?: { value: number };
}

/** A battery report's figures as session facts: only what the report gave. */
export function batteryFacts(report: BatteryReportFigures): BatteryFacts {
  const out: BatteryFacts = {};
  if (report.cells) {
    out.cell_spread = report.cells.spread;
    out.lowest_cell_below_mean = report.cells.mean - report.cells.min;
  }
  if (report.soh) out.soh = report.soh.value;
  if (report.temperatures) {
    out.module_temp_min = report.temperatures.min;
    out.module_temp_max = report.temperatures.max;
  }
  if (report.packCurrent) out.pack_current = report.packCurrent.value;
  return out;
}

/**
 * Whether the codes of a memory were read (any ECU gave them), or why not. Older facts without
 * statuses count codes as read when their memories were kept or a code was listed.
 */
export function codesStatus(facts: SessionFacts, memory: DtcKind): ReadStatus {
  if (facts.read) return facts.read.dtcs[memory];
  if (facts.dtcMemories) return 'read';
  return facts.dtcs.length ? 'read' : 'not-read';
}

/** The status of a question over every ECU asked: read when one gave it; otherwise why not. */
export function combinedStatus(items: readonly Pick<ScanItem, 'status'>[]): ReadStatus {
  if (!items.length) return 'not-read';
  if (items.some((i) => i.status === 'read')) return 'read';
  // The car says it has no such thing only when every ECU says so; otherwise the first failure counts.
  if (items.every((i) => i.status === 'not-supported')) return 'not-supported';
  return items.find((i) => i.status !== 'not-supported')!.status;
}

/** The status of every part of a scan's reading. */
export function readStatusOf(items: readonly ScanItem[]): FactsRead {
  const of = (kind: ScanItem['kind'], memory?: DtcKind) =>
    combinedStatus(
      items.filter((i) => i.kind === kind && (!memory || (i.kind === 'dtcs' && i.memory === memory))),
    );
  return {
    dtcs: {
      stored: of('dtcs', 'stored'),
      pending: of('dtcs', 'pending'),
      permanent: of('dtcs', 'permanent'),
    },
    readiness: of('readiness'),
    freezeFrame: of('freeze-frame'),
    live: of('live-pid'),
    uds: of('uds-dtcs'),
  };
}

/** An ECU reached by UDS, by its physical request and response addresses. */
export type UdsEcu = KnownEcu;

export interface ReadFactsOptions {
  /**
   * ECUs whose UDS fault memory is read too (0x19 0x02, every status): the ECUs a manufacturer tool
   * scans. OBD-II has no way to list them, so they come from the vehicle's description (the
   * simulator's `vehicle.ecus()`, an adapter profile); none by default.
   */
  udsEcus?: UdsEcu[];
  /** Clock for the UDS client's timers (virtual in tests). */
  clock?: Clock;
  /** Each item of the scan as it is read (to show or keep it while the reading goes on). */
  onItem?: ScanOptions['onItem'];
}

/** Status bits of ISO 14229-1 that make a UDS code count as read: failing, pending or confirmed. */
const UDS_TEST_FAILED = 0x01;
const UDS_PENDING = 0x04;
const UDS_CONFIRMED = 0x08;
const UDS_ACTIVE = UDS_TEST_FAILED | UDS_PENDING | UDS_CONFIRMED;

/** Numbers of a reading: a single-value PID as its key, a multi-value one as `KEY.field`. */
function flatten(r: PidReading, into: Record<string, number>): void {
  if (typeof r.value === 'number') into[r.key] = r.value;
  else if (r.value && typeof r.value === 'object')
    for (const [k, v] of Object.entries(r.value)) if (typeof v === 'number') into[`${r.key}.${k}`] = v;
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

/** Readiness of every ECU that answered, supported monitors only. */
function readinessOf(items: readonly ScanItem[]): ReadinessFacts | undefined {
  const perEcu: ReadinessFacts[] = [];
  for (const i of items) {
    if (i.kind !== 'readiness' || i.status !== 'read' || !i.readiness) continue;
    const monitors: ReadinessFacts['monitors'] = {};
    for (const m of i.readiness.monitors)
      if (m.supported) monitors[m.key] = m.complete ? 'complete' : 'incomplete';
    perEcu.push({ mil: i.readiness.mil, monitors });
  }
  return engineReadiness(perEcu);
}

/** Codes of the UDS fault memories read that are failing, pending or confirmed; undefined when none was read. */
function udsDtcsOf(items: readonly ScanItem[]): UdsDtcFact[] | undefined {
  let answered = false;
  const out: UdsDtcFact[] = [];
  for (const i of items) {
    if (i.kind !== 'uds-dtcs' || i.status !== 'read' || !i.ecu) continue;
    answered = true;
    for (const d of i.dtcs ?? []) {
      const status = d.status?.byte ?? 0;
      if (status & UDS_ACTIVE)
        out.push({ ecu: i.ecu.label, code: d.code, failureType: d.failureType, status });
    }
  }
  return answered ? out : undefined;
}

/** The freeze frame of the first ECU (by address) that stored one, with every PID read from it. */
function freezeFrameOf(items: readonly ScanItem[]): FreezeFrameFacts | undefined {
  const stored = items
    .filter((i) => i.kind === 'freeze-frame' && i.status === 'read' && i.dtc && i.ecu)
    .sort((a, b) => a.ecu!.address - b.ecu!.address)[0];
  if (stored?.kind !== 'freeze-frame' || !stored.dtc) return undefined;
  const frame: FreezeFrameFacts = { dtc: stored.dtc, values: {} };
  for (const i of items)
    if (i.kind === 'freeze-pid' && i.status === 'read' && i.reading && i.ecu === stored.ecu)
      flatten(i.reading, frame.values);
  return frame;
}

/** The live snapshot of the engine ECU: the one answering on the lowest address (0x7E8, 0x18DAF110). */
function liveOf(items: readonly ScanItem[]): Record<string, number> | undefined {
  const live = items.filter((i) => i.kind === 'live-pid' && i.status === 'read' && i.reading && i.ecu);
  if (!live.length) return undefined;
  const engine = Math.min(...live.map((i) => i.ecu!.address));
  const out: Record<string, number> = {};
  for (const i of live) if (i.kind === 'live-pid' && i.ecu!.address === engine) flatten(i.reading!, out);
  return out;
}

/**
 * The facts of a session from the items of a scan: codes per memory (with the UDS codes in the memory
 * their status names), readiness of the engine ECU, the freeze frame, the engine ECU's live snapshot,
 * the UDS fault memories. An item that was not read gives no evidence: its field is left out.
 */
export function factsFromScan(
  items: readonly ScanItem[],
  base: { vehicle: VehicleType; complaint?: string },
): SessionFacts {
  const dtcMemories: Record<string, DtcKind[]> = {};
  const remember = (code: string, kind: DtcKind) => {
    dtcMemories[code] ??= [];
    if (!dtcMemories[code].includes(kind)) dtcMemories[code].push(kind);
  };
  for (const i of items)
    if (i.kind === 'dtcs' && i.status === 'read') for (const c of i.codes ?? []) remember(c, i.memory);
  const facts: SessionFacts = { vehicle: base.vehicle, dtcs: [] };
  if (items.some((i) => i.kind === 'dtcs' && i.status === 'read')) facts.dtcMemories = dtcMemories;
  if (base.complaint) facts.complaint = base.complaint;
  const readiness = readinessOf(items);
  if (readiness) facts.readiness = readiness;
  const freezeFrame = freezeFrameOf(items);
  if (freezeFrame) facts.freezeFrame = freezeFrame;
  const live = liveOf(items);
  if (live) facts.live = live;
  const uds = udsDtcsOf(items);
  if (uds) {
    facts.udsDtcs = uds;
    // A UDS code joins the codes read, in the memory its status names (confirmed → stored).
    for (const d of uds) {
      if (d.status & UDS_CONFIRMED) remember(d.code, 'stored');
      if (d.status & UDS_PENDING) remember(d.code, 'pending');
    }
    if (Object.keys(dtcMemories).length) facts.dtcMemories = dtcMemories;
  }
  facts.dtcs = Object.keys(dtcMemories).sort();
  facts.read = readStatusOf(items);
  const ecus = new Set<string>();
  for (const i of items) if (i.ecu && i.status === 'read') ecus.add(i.ecu.label);
  if (ecus.size) facts.ecus = [...ecus].sort();
  return facts;
}

/**
 * The codes must have been asked: stored and pending codes read from at least one ECU each. Throws
 * the typed error of the first ECU that could not give them otherwise ("could not ask" is not "no
 * codes").
 */
export function requireCodes(
  items: readonly ScanItem[],
  memories: readonly DtcKind[] = ['stored', 'pending'],
): void {
  for (const memory of memories) {
    const asked = items.filter((i) => i.kind === 'dtcs' && i.memory === memory);
    if (asked.some((i) => i.status === 'read')) continue;
    const failed = asked[0] ?? items.find((i) => i.kind === 'supported' && i.status !== 'read');
    throw failed
      ? scanItemError(failed)
      : new LinkError(linkReason('no-ecu-gave-codes', { memory }), 'no-response');
  }
}

/**
 * Reads what a guided session starts from, through the one vehicle scan: the DTCs per memory,
 * readiness, the freeze frame, a live-data snapshot and, for the ECUs given, the UDS fault memory.
 * DTCs must be read (a link error is thrown, never taken for "no codes"); the other readings are left
 * out when the car does not give them, so they give no evidence. An unplugged adapter stops the
 * reading with its DisconnectedError.
 */
export async function readSessionFacts(
  obd: ObdClient,
  base: { vehicle: VehicleType; complaint?: string },
  options: ReadFactsOptions = {},
): Promise<SessionFacts> {
  const scan = await scanVehicle(obd, {
    udsEcus: options.udsEcus ?? [],
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.onItem ? { onItem: options.onItem } : {}),
  });
  requireCodes(scan.items);
  return factsFromScan(scan.items, base);
}

/**
 * What the verification after a repair reads from a scan: the stored and pending codes (OBD-II, and the
 * UDS codes failing, pending or confirmed) and the monitors of the engine ECU's readiness (absent when
 * readiness was not read).
 */
export function verificationFromScan(items: readonly ScanItem[]): {
  dtcsAfter: string[];
  monitors?: Record<string, 'complete' | 'incomplete'>;
} {
  const codes = new Set<string>();
  for (const i of items)
    if (i.kind === 'dtcs' && i.status === 'read' && i.memory !== 'permanent')
      for (const c of i.codes ?? []) codes.add(c);
  for (const d of udsDtcsOf(items) ?? []) codes.add(d.code);
  const monitors = readinessOf(items)?.monitors;
  return { dtcsAfter: [...codes].sort(), ...(monitors ? { monitors } : {}) };
}

/**
 * The verification read after the road test: stored and pending codes (which must be read), readiness,
 * and the UDS fault memories of the ECUs given. Permanent codes stay until the monitor passes again
 * (J1979), so they are not asked.
 */
export async function readVerification(
  obd: ObdClient,
  options: ReadFactsOptions = {},
): Promise<{ dtcsAfter: string[]; monitors?: Record<string, 'complete' | 'incomplete'> }> {
  const scan = await scanVehicle(obd, {
    parts: ['dtcs', 'readiness', 'uds'],
    memories: ['stored', 'pending'],
    udsEcus: options.udsEcus ?? [],
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.onItem ? { onItem: options.onItem } : {}),
  });
  requireCodes(scan.items);
  return verificationFromScan(scan.items);
}

/**
 * An ECU that refuses or stays silent is skipped; an unplugged adapter stops everything.
 */
function unavailable(err: unknown): boolean {
  if (err instanceof DisconnectedError) return false;
  return err instanceof LinkError || err instanceof NegativeResponseError;
}

/**
 * Clears the UDS fault memory of each ECU listed (0x14 FFFFFF, all groups) after a repair, as a
 * manufacturer tool does; OBD-II's service 04 only reaches the emission ECUs. Returns how many
 * accepted; an ECU that refuses or stays silent is skipped.
 */
export async function clearUdsFaultMemories(obd: ObdClient, ecus: UdsEcu[], clock?: Clock): Promise<number> {
  let done = 0;
  for (const ecu of ecus) {
    const uds = new UdsClient(obd.link, physical(ecu.request), clock ? { clock } : {});
    try {
      await uds.clearDtcs();
      done++;
    } catch (err) {
      if (!unavailable(err)) throw err;
    } finally {
      uds.close();
    }
  }
  return done;
}

/**
 * The reading after the road test, in one scan: the verification (stored and pending codes, which
 * must be read, and readiness) and the facts of the car as it is now (live data included), so that
 * whether the symptom is gone is read from the car, not assumed.
 */
export async function readAfterRoadTest(
  obd: ObdClient,
  base: { vehicle: VehicleType; complaint?: string },
  options: ReadFactsOptions = {},
): Promise<{
  dtcsAfter: string[];
  monitors?: Record<string, 'complete' | 'incomplete'>;
  facts: SessionFacts;
}> {
  const scan = await scanVehicle(obd, {
    parts: ['dtcs', 'readiness', 'live', 'uds'],
    memories: ['stored', 'pending'],
    udsEcus: options.udsEcus ?? [],
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.onItem ? { onItem: options.onItem } : {}),
  });
  requireCodes(scan.items);
  return { ...verificationFromScan(scan.items), facts: factsFromScan(scan.items, base) };
}

/**
 * The vehicle type a car states in its J1979 fuel type (service 01 PID 0x51, SAE J1979 table A7):
 * electric → `ev`; hybrids (and a bifuel running electricity) → `hybrid`; diesel → `diesel`; every
 * spark-ignition fuel (petrol, alcohols, LPG, CNG, propane) → `petrol`. Undefined for 0 ("not
 * available") or a code the table does not list: the caller then asks or assumes, and says so.
 */
export function vehicleFromFuelType(code: number | undefined): VehicleType | undefined {
  if (code === undefined || !Number.isInteger(code)) return undefined;
  if (code === 8) return 'ev';
  if (code >= 15 && code <= 22) return 'hybrid';
  if (code === 4 || code === 23) return 'diesel';
  if ((code >= 1 && code <= 3) || (code >= 5 && code <= 7) || (code >= 9 && code <= 14)) return 'petrol';
  return undefined;
}
