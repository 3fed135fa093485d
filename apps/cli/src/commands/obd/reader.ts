import {
  answeringEcus,
  CLEAR_CONFIRMATION,
  type DiagnosticLink,
  DisconnectedError,
  type DtcKind,
  ecuLabel,
  hex2,
  type KnownEcu,
  LinkError,
  ObdClient,
  type Readiness as ObdReadiness,
  type PidValue,
  type ScanItem,
  type ScanPart,
  type ScanStatus,
  scanQuestion,
  scanVehicle,
} from '@atelier/obd';

/**
 * What `atelier obd read` (and `obd dtc`) report from the one vehicle scan of @atelier/obd: ECUs,
 * VIN, DTCs, readiness, freeze frames, every supported mode 01 PID once, the UDS fault memories of
 * the ECUs the adapter knows, and the status of every item. Formatting only: what could not be read
 * is null (or absent) in the report, its status says why, and `errors` gives the error's words.
 */
export interface DtcEntry {
  code: string;
  ecu: string;
}

export interface PidReading {
  key: string;
  value: PidValue;
  unit: string | Record<string, string>;
}

export interface Readiness {
  mil: boolean;
  dtcCount: number;
  ignition: 'spark' | 'compression';
  /** Every supported monitor complete (what an inspection checks). */
  ready: boolean;
  /** Supported monitors only: complete or not. */
  monitors: Record<string, 'complete' | 'incomplete'>;
}

export interface UdsEntry {
  code: string;
  /** `C0035-31`: code and failure type as scan tools print them. */
  full: string;
  failureType: number;
  /** ISO 14229-1 status byte. */
  status: number;
}

export interface VehicleReport {
  adapter: { kind: string; version?: string; protocol?: string };
  ecus: string[];
  vin: string | null;
  /** Codes per memory from every ECU that gave them; null when no ECU did. */
  dtcs: { stored: DtcEntry[] | null; pending: DtcEntry[] | null; permanent: DtcEntry[] | null };
  readiness: Record<string, Readiness>;
  /** Per ECU that answered service 02: the code that stored its freeze frame (null: none) and its values. */
  freezeFrame: Record<string, { dtc: string | null; values: Record<string, PidReading> }>;
  pids: Record<string, Record<string, PidReading>>;
  /** UDS fault memory (0x19 0x02) per ECU read, every code with its status byte. */
  uds: Record<string, UdsEntry[]>;
  /**
   * The status of every item, by where it goes in this report: `vin`, `ecus.7E8`, `dtcs.stored.7E8`,
   * `readiness.7E8`, `freezeFrame.7E8.0C`, `pids.7E8.0C`, `uds.768` (a question no ECU could be found
   * for has no ECU part: `dtcs.stored`).
   */
  status: Record<string, ScanStatus>;
  /**
   * What could not be asked (no answer, refused, link error), with the error's words; what the car
   * does not have is only in `status`. The same keys as `status`, except that a question
   * every ECU failed the same way is given once, without the ECU (`dtcs.stored`); `adapter` when the
   * adapter went away during the reading.
   */
  errors: Record<string, string>;
  /**
   * The same errors in French, for the screen: the error's own French words, without its class
   * name. Not printed in JSON, where `errors` keeps the English scripts read.
   */
  errorsFr: Record<string, string>;
}

/** The words of the report's errors in `lang`. */
export const errorsIn = (report: VehicleReport, lang: 'fr' | 'en'): Record<string, string> =>
  lang === 'fr' ? report.errorsFr : report.errors;

/** The compact readiness the CLI prints: supported monitors only. */
export function compactReadiness(r: ObdReadiness): Readiness {
  const monitors: Record<string, 'complete' | 'incomplete'> = {};
  for (const m of r.monitors) if (m.supported) monitors[m.key] = m.complete ? 'complete' : 'incomplete';
  return { mil: r.mil, dtcCount: r.dtcCount, ignition: r.ignition, ready: r.ready, monitors };
}

/** The report's section of a scan question's head (`supported` is `ecus`, `live` is `pids` …). */
const SECTION: Record<string, string> = { supported: 'ecus', freeze: 'freezeFrame', live: 'pids' };

/** Where an item goes in the report: its question, without the ECU (`dtcs.stored`, `pids`, `freezeFrame`). */
function questionKey(item: ScanItem): string {
  const q = scanQuestion(item);
  const head = q.split('.')[0];
  return head === 'dtcs' ? q : (SECTION[head] ?? head);
}

/** The status key of an item: its place in the report, ECU and PID included. */
function statusKey(item: ScanItem): string {
  const q = scanQuestion(item);
  const parts = [questionKey(item)];
  if (item.kind !== 'vin' && item.ecu) parts.push(item.ecu.label);
  if (item.kind === 'freeze-frame' || item.kind === 'freeze-pid' || item.kind === 'live-pid')
    parts.push(q.slice(q.indexOf('.') + 1));
  return parts.join('.');
}

/** Builds the report from the items of a scan (in the order they were read). */
export function reportOf(link: DiagnosticLink, items: readonly ScanItem[]): VehicleReport {
  const report: VehicleReport = {
    adapter: { kind: link.info.kind, version: link.info.version, protocol: link.info.protocol },
    ecus: [],
    vin: null,
    dtcs: { stored: null, pending: null, permanent: null },
    readiness: {},
    freezeFrame: {},
    pids: {},
    uds: {},
    status: {},
    errors: {},
    errorsFr: {},
  };
  const failed = new Map<string, { key: string; message: string; fr: string }[]>();
  const asked = new Map<string, number>();
  for (const item of items) {
    const key = statusKey(item);
    const question = questionKey(item);
    report.status[key] = item.status;
    asked.set(question, (asked.get(question) ?? 0) + 1);
    if (item.status === 'not-supported') continue; // an answer: the car does not have it
    if (item.status !== 'read') {
      const list = failed.get(question) ?? [];
      const message = item.problem?.message ?? item.status;
      list.push({ key, message, fr: item.problem?.fr ?? message });
      failed.set(question, list);
      continue;
    }
    const ecu = item.ecu?.label ?? '';
    switch (item.kind) {
      case 'supported':
        break; // the ECUs are listed below, with those that answered without a bitmap
      case 'vin':
        report.vin = item.vin ?? null;
        break;
      case 'dtcs': {
        report.dtcs[item.memory] ??= [];
        for (const code of item.codes ?? []) report.dtcs[item.memory]!.push({ code, ecu });
        break;
      }
      case 'readiness':
        if (item.readiness) report.readiness[ecu] = compactReadiness(item.readiness);
        break;
      case 'freeze-frame':
        report.freezeFrame[ecu] = { dtc: item.dtc ?? null, values: {} };
        break;
      case 'freeze-pid':
        if (item.reading && report.freezeFrame[ecu])
          report.freezeFrame[ecu].values[hex2(item.pid)] = {
            key: item.reading.key,
            value: item.reading.value,
            unit: item.reading.unit,
          };
        break;
      case 'live-pid':
        report.pids[ecu] ??= {};
        if (item.reading)
          report.pids[ecu][hex2(item.pid)] = {
            key: item.reading.key,
            value: item.reading.value,
            unit: item.reading.unit,
          };
        break;
      case 'uds-dtcs':
        report.uds[ecu] = (item.dtcs ?? []).map((d) => ({
          code: d.code,
          full: d.full,
          failureType: d.failureType,
          status: d.status?.byte ?? 0,
        }));
        break;
    }
  }
  // An ECU that answered anything was reached, even when it left 01 00 unanswered (a recording made
  // by a tool that never asked it): the obd package says which.
  report.ecus = answeringEcus(items).map((e) => e.label);
  // An ECU found gets a PID table even when none of its PIDs could be read.
  for (const ecu of report.ecus) report.pids[ecu] ??= {};
  for (const [question, list] of failed) {
    const same = list.every((f) => f.message === list[0].message);
    if (same && list.length === asked.get(question)) {
      report.errors[question] = list[0].message;
      report.errorsFr[question] = list[0].fr;
    } else
      for (const f of list) {
        report.errors[f.key] = f.message;
        report.errorsFr[f.key] = f.fr;
      }
  }
  return report;
}

export interface ReadOptions {
  /** PIDs per service 01 request (the adapter's limit). */
  perRequest?: number;
  /** What to read beyond the ECUs (everything by default). */
  parts?: readonly ScanPart[];
  memories?: readonly DtcKind[];
  /** ECUs whose UDS fault memory is read; the adapter's known ECUs by default (a simulated car's). */
  udsEcus?: readonly KnownEcu[];
}

/**
 * Reads the vehicle through the scan and reports it. An adapter that goes away stops the reading:
 * what was read before is reported, with the disconnection under `errors.adapter`.
 */
export async function readVehicle(link: DiagnosticLink, opts: ReadOptions = {}): Promise<VehicleReport> {
  const items: ScanItem[] = [];
  let stopped: LinkError | undefined;
  try {
    await scanVehicle(new ObdClient(link), {
      onItem: (item) => {
        items.push(item);
      },
      ...(opts.perRequest ? { pidsPerRequest: opts.perRequest } : {}),
      ...(opts.parts ? { parts: opts.parts } : {}),
      ...(opts.memories ? { memories: opts.memories } : {}),
      ...(opts.udsEcus ? { udsEcus: opts.udsEcus } : {}),
    });
  } catch (err) {
    if (!(err instanceof DisconnectedError || (err instanceof LinkError && err.code === 'closed'))) throw err;
    stopped = err;
  }
  const report = reportOf(link, items);
  if (stopped) {
    report.errors.adapter = `${stopped.name}: ${stopped.message}`;
    report.errorsFr.adapter = stopped.messageIn('fr');
  }
  return report;
}

/**
 * Whether a reading is complete enough to trust for DTCs: every ECU found gave each memory, or said
 * it does not have it (an old ECU without permanent codes); silence, a refusal or a link error makes it
 * incomplete, and so does a car where no ECU was found.
 */
export function dtcsComplete(report: VehicleReport): boolean {
  if (report.ecus.length === 0 || report.errors.adapter) return false;
  return Object.entries(report.status).every(
    ([key, status]) => !key.startsWith('dtcs.') || status === 'read' || status === 'not-supported',
  );
}

/** Clears DTCs everywhere (service 04); returns the ECUs that confirmed. */
export async function clearAll(client: ObdClient, extended: boolean): Promise<string[]> {
  return (await client.clearDtcs(CLEAR_CONFIRMATION)).map((ecu) => ecuLabel(ecu, extended));
}
