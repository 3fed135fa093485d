/**
 * Reads a car through the one vehicle scan of @atelier/obd and hands every item to `save` as a
 * reading as soon as it is read: the caller persists it, so an adapter that drops halfway loses
 * nothing already read. This module is persistence form only: an item read becomes a reading of its
 * kind, an item not read becomes an `error` reading carrying its status (an ECU silent on mode 03 is
 * "no answer", never an empty list), and stored readings turn back into scan items for the facts.
 */
import { type ReadinessFacts, requireCodes, verificationFromScan } from '@atelier/diagnosis';
import {
  answeringEcus,
  type DiagnosticLink,
  type DtcKind,
  decodeReadiness,
  decodeUdsDtc,
  encodeReadiness,
  encodeUdsDtc,
  hex2,
  type KnownEcu,
  ObdClient,
  PIDS,
  type PidValue,
  parseEcuLabel,
  pidUnit,
  type Readiness,
  type ScanEcu,
  type ScanItem,
  type ScanOptions,
  type ScanStatus,
  scanQuestion,
  scanVehicle,
} from '@atelier/obd';

export type ReadingKind =
  | 'vin'
  | 'dtcs'
  | 'readiness'
  | 'freeze'
  | 'live'
  | 'uds'
  | 'supported'
  | 'cleared'
  | 'battery'
  | 'error';

export interface Reading {
  kind: ReadingKind;
  /** ECU response address in hex (7E8, 18DAF110), '' for whole-vehicle readings. */
  ecu: string;
  /**
   * What within the kind: `stored`/`pending`/`permanent` for DTCs (`after.stored` … for the
   * verification read), a PID hex for freeze frames and live values, the question for an error
   * (`dtcs.stored`, `freeze.0C`, `uds` …).
   */
  item: string;
  value: unknown;
}

export type SaveReading = (r: Reading) => Promise<void>;

export interface ReadinessValue {
  mil: boolean;
  dtcCount: number;
  ignition: 'spark' | 'compression';
  /** Supported monitors only, by their @atelier/obd key. */
  monitors: Record<string, 'complete' | 'incomplete'>;
}

/** A UDS code as stored: the code, its failure type and the ISO 14229-1 status byte. */
export interface UdsCodeValue {
  code: string;
  failureType: number;
  status: number;
}

/** Why an item was not read, as stored in an `error` reading. */
export interface ErrorValue {
  /** The LinkError code (`no-response` …), `negative-response` or `not-announced`. */
  code: string;
  /** The error's name and English message, as scripts have always read them. */
  message: string;
  /** The same in French, without the class name, as the page shows it (absent from older readings). */
  fr?: string;
  status: Exclude<ScanStatus, 'read'>;
  nrc?: number;
}

export interface ReadSummary {
  ecus: string[];
  /** Mode 01 PIDs each ECU supports (hex), for the live-data choice. */
  supported: Record<string, string[]>;
  vin: string | null;
}

/** The reading stored for a scan item; undefined for what is not worth a row (no freeze frame stored). */
export function readingOf(item: ScanItem): Reading | undefined {
  const ecu = item.ecu?.label ?? '';
  if (item.status !== 'read') {
    const p = item.problem;
    const value: ErrorValue = {
      code: p?.code ?? item.status,
      message: p?.message ?? item.status,
      ...(p?.fr !== undefined ? { fr: p.fr } : {}),
      status: item.status,
      ...(p?.nrc !== undefined ? { nrc: p.nrc } : {}),
    };
    return { kind: 'error', ecu, item: scanQuestion(item), value };
  }
  switch (item.kind) {
    case 'supported':
      return {
        kind: 'supported',
        ecu,
        item: '',
        value: (item.pids ?? []).filter((p) => p % 0x20 !== 0 && PIDS.has(p)).map(hex2),
      };
    case 'vin':
      return { kind: 'vin', ecu: '', item: '', value: item.vin ?? null };
    case 'dtcs':
      return { kind: 'dtcs', ecu, item: item.memory, value: item.codes ?? [] };
    case 'readiness': {
      const r = item.readiness!;
      const monitors: ReadinessValue['monitors'] = {};
      for (const m of r.monitors) if (m.supported) monitors[m.key] = m.complete ? 'complete' : 'incomplete';
      const value: ReadinessValue = { mil: r.mil, dtcCount: r.dtcCount, ignition: r.ignition, monitors };
      return { kind: 'readiness', ecu, item: '', value };
    }
    case 'freeze-frame':
      // null: the ECU said it stored no freeze frame — an answer, kept so the facts know it was asked.
      return { kind: 'freeze', ecu, item: 'dtc', value: item.dtc ?? null };
    case 'freeze-pid':
      return { kind: 'freeze', ecu, item: hex2(item.pid), value: item.reading?.value ?? null };
    case 'live-pid':
      return { kind: 'live', ecu, item: hex2(item.pid), value: item.reading?.value ?? null };
    case 'uds-dtcs': {
      const value: UdsCodeValue[] = (item.dtcs ?? []).map((d) => ({
        code: d.code,
        failureType: d.failureType,
        status: d.status?.byte ?? 0,
      }));
      return { kind: 'uds', ecu, item: '', value };
    }
  }
}

const MEMORIES: readonly DtcKind[] = ['stored', 'pending', 'permanent'];

/**
 * The scan item an `error` reading stands for: the question (`dtcs.stored`, `freeze.0C`, `live.0C`,
 * `readiness`, `uds` …) and its status, so that "not supported", "no answer" and "not read" reach the
 * diagnosis as the scan gave them. Undefined for a question the facts do not use, or an error of the
 * verification read (`after.…`).
 */
function errorItemOf(r: Reading, ecu: ScanEcu | undefined): ScanItem | undefined {
  const v = r.value as Partial<ErrorValue> | null;
  const status = v?.status;
  if (!status) return undefined;
  const base = {
    status,
    ...(ecu ? { ecu } : {}),
    problem: {
      code: (v?.code ?? status) as never,
      message: v?.message ?? status,
      ...(v?.fr !== undefined ? { fr: v.fr } : {}),
    },
  };
  const [question, arg] = r.item.split('.');
  switch (question) {
    case 'supported':
      return { kind: 'supported', ...base };
    case 'vin':
      return { kind: 'vin', ...base };
    case 'dtcs':
      return MEMORIES.includes(arg as DtcKind)
        ? { kind: 'dtcs', memory: arg as DtcKind, ...base }
        : undefined;
    case 'readiness':
      return { kind: 'readiness', ...base };
    case 'freeze':
      return arg === '02'
        ? { kind: 'freeze-frame', ...base }
        : { kind: 'freeze-pid', pid: Number.parseInt(arg ?? '', 16), ...base };
    case 'live':
      return { kind: 'live-pid', pid: Number.parseInt(arg ?? '', 16), ...base };
    case 'uds':
      return { kind: 'uds-dtcs', ...base };
    default:
      return undefined;
  }
}

/**
 * Stored readings back into the scan items they were made from — the items read, and those not read
 * with their status — so that the facts of a session come from the same code as the CLI's.
 */
export function scanItemsOf(readings: readonly Reading[]): ScanItem[] {
  const ecus = new Map<string, ScanEcu>();
  const ecuOf = (label: string): ScanEcu | undefined => {
    const parsed = parseEcuLabel(label);
    if (!parsed) return undefined;
    const e = ecus.get(label) ?? { ...parsed, label };
    ecus.set(label, e);
    return e;
  };
  const pidReading = (ecu: ScanEcu, hex: string, value: unknown) => {
    const def = PIDS.get(Number.parseInt(hex, 16));
    if (!def || value === null || value === undefined) return undefined;
    return { ecu: ecu.address, pid: def.pid, key: def.key, value: value as PidValue, unit: pidUnit(def) };
  };
  const out: ScanItem[] = [];
  for (const r of readings) {
    if (r.kind === 'vin' && typeof r.value === 'string') {
      out.push({ kind: 'vin', status: 'read', vin: r.value });
      continue;
    }
    const ecu = ecuOf(r.ecu);
    if (r.kind === 'error') {
      const item = errorItemOf(r, ecu);
      if (item) out.push(item);
      continue;
    }
    if (!ecu) continue;
    switch (r.kind) {
      case 'supported':
        out.push({
          kind: 'supported',
          ecu,
          status: 'read',
          pids: (r.value as string[]).map((h) => Number.parseInt(h, 16)),
        });
        break;
      case 'dtcs':
        if (MEMORIES.includes(r.item as DtcKind))
          out.push({
            kind: 'dtcs',
            ecu,
            status: 'read',
            memory: r.item as DtcKind,
            codes: r.value as string[],
          });
        break;
      case 'readiness':
        out.push({
          kind: 'readiness',
          ecu,
          status: 'read',
          readiness: readinessOf(r.value as ReadinessValue),
        });
        break;
      case 'freeze':
        if (r.item === 'dtc')
          out.push({ kind: 'freeze-frame', ecu, status: 'read', dtc: (r.value as string | null) ?? null });
        else {
          const reading = pidReading(ecu, r.item, r.value);
          if (reading) out.push({ kind: 'freeze-pid', ecu, status: 'read', pid: reading.pid, reading });
        }
        break;
      case 'live': {
        const reading = pidReading(ecu, r.item, r.value);
        if (reading) out.push({ kind: 'live-pid', ecu, status: 'read', pid: reading.pid, reading });
        break;
      }
      case 'uds':
        out.push({
          kind: 'uds-dtcs',
          ecu,
          status: 'read',
          dtcs: (r.value as UdsCodeValue[]).map((d) =>
            decodeUdsDtc(...encodeUdsDtc(d.code, d.failureType), d.status),
          ),
        });
        break;
    }
  }
  return out;
}

/**
 * The readiness a stored value stands for, through the standard's four bytes (the stored form keeps
 * the supported monitors only). Values stored without their ignition type take the one under which
 * every stored monitor exists.
 */
function readinessOf(v: Partial<ReadinessValue> & Pick<ReadinessValue, 'mil' | 'monitors'>): Readiness {
  const monitors = Object.entries(v.monitors).map(([key, state]) => ({
    key: monitorKey(key),
    supported: true,
    complete: state === 'complete',
  }));
  let r: Readiness | undefined;
  for (const ignition of v.ignition ? [v.ignition] : (['spark', 'compression'] as const)) {
    const bytes = encodeReadiness({ mil: v.mil, dtcCount: v.dtcCount ?? 0, ignition, monitors });
    r = decodeReadiness(bytes, ignition);
    const kept = new Set(r.monitors.filter((m) => m.supported).map((m) => m.key));
    if (monitors.every((m) => kept.has(m.key))) break;
  }
  return r!;
}

/** Monitor names this dashboard stored before it used the names of @atelier/obd. */
const LEGACY_MONITOR: Record<string, string> = {
  egrSystem: 'egrVvt',
  egrVvtSystem: 'egrVvt',
  noxAftertreatment: 'noxScr',
};
export const monitorKey = (name: string): string => LEGACY_MONITOR[name] ?? name;

export interface ReadVehicleOptions {
  /**
   * ECUs whose UDS fault memory is read: the simulated car's `ecus()`, an adapter profile; the
   * link's known ECUs when absent.
   */
  udsEcus?: readonly KnownEcu[];
}

function scanOptions(
  save: SaveReading,
  options: ReadVehicleOptions,
  rename = (r: Reading) => r,
): ScanOptions {
  return {
    onItem: async (item) => {
      const r = readingOf(item);
      if (r) await save(rename(r));
    },
    ...(options.udsEcus ? { udsEcus: options.udsEcus } : {}),
  };
}

/**
 * Reads the whole car (ECUs, VIN, DTCs per memory and ECU, readiness, freeze frames, a live snapshot,
 * UDS fault memories), saving each item as it is read. A DisconnectedError stops the reading and is
 * rethrown after what was read has been saved.
 */
export async function readVehicle(
  link: DiagnosticLink,
  save: SaveReading,
  options: ReadVehicleOptions = {},
): Promise<ReadSummary> {
  const scan = await scanVehicle(new ObdClient(link), scanOptions(save, options));
  // An ECU that answered anything was reached, even one that left 01 00 unanswered (a recording whose
  // logger polled PIDs without asking it): the obd package says which.
  const ecus = answeringEcus(scan.items).map((e) => e.label);
  const summary: ReadSummary = { ecus, supported: {}, vin: null };
  for (const item of scan.items) {
    if (item.kind === 'supported' && item.status === 'read' && item.ecu) {
      summary.supported[item.ecu.label] = (item.pids ?? [])
        .filter((p) => p % 0x20 !== 0 && PIDS.has(p))
        .map(hex2);
    }
    if (item.kind === 'vin' && item.status === 'read') summary.vin = item.vin ?? null;
  }
  // An ECU reached without a support bitmap: the PIDs it answered in the live snapshot are its
  // choice for live data, having no bitmap to give one.
  const withBitmap = new Set(Object.keys(summary.supported));
  for (const item of scan.items)
    if (item.kind === 'live-pid' && item.status === 'read' && item.ecu && !withBitmap.has(item.ecu.label)) {
      summary.supported[item.ecu.label] ??= [];
      summary.supported[item.ecu.label].push(hex2(item.pid));
    }
  return summary;
}

/**
 * The verification read after the road test: stored and pending codes (which must be read: a link
 * error is thrown, never taken for "cured"), readiness and the UDS fault memories, saved as they are
 * read, the codes under `after.*` so that the codes the diagnosis started from stay as they were.
 */
export async function readVerification(
  link: DiagnosticLink,
  save: SaveReading,
  options: ReadVehicleOptions = {},
): Promise<{ dtcsAfter: string[]; monitors?: ReadinessFacts['monitors'] }> {
  const scan = await scanVehicle(new ObdClient(link), {
    // Codes and what could not be read go under `after.…`: the reading the diagnosis started from
    // stays as it was.
    ...scanOptions(save, options, (r) =>
      r.kind === 'dtcs' || r.kind === 'uds' || r.kind === 'error'
        ? { ...r, item: r.item ? `after.${r.item}` : 'after' }
        : r,
    ),
    parts: ['dtcs', 'readiness', 'uds'],
    memories: ['stored', 'pending'],
  });
  requireCodes(scan.items);
  return verificationFromScan(scan.items);
}
