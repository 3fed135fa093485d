import {
  type DiagnosticLink,
  decodeDtcList,
  decodePid,
  type EcuResponse,
  FUNCTIONAL,
  LinkError,
  PIDS,
  type PidValue,
  physical,
  pidUnit,
  splitPids,
  supportedFromBitmap,
  type Target,
} from '@atelier/obd';

/**
 * What `atelier obd read` gathers from a vehicle over any DiagnosticLink: ECUs, VIN, DTCs,
 * readiness and every supported mode 01 PID once. A failed question is recorded in `errors` and
 * its answer left null, never reported as empty.
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
  /** Supported monitors only: complete or not. */
  monitors: Record<string, 'complete' | 'incomplete'>;
}

export interface VehicleReport {
  adapter: { kind: string; version?: string; protocol?: string };
  ecus: string[];
  vin: string | null;
  dtcs: { stored: DtcEntry[] | null; pending: DtcEntry[] | null; permanent: DtcEntry[] | null };
  readiness: Record<string, Readiness>;
  pids: Record<string, Record<string, PidReading>>;
  /** What could not be asked, by question: `vin`, `dtcs.stored`, `pids.7E8.0C` … */
  errors: Record<string, string>;
}

/** `7E8`, `18DAF110`, or `10` for a legacy-bus node address. */
export const ecuName = (ecu: number, extended: boolean): string =>
  ecu
    .toString(16)
    .toUpperCase()
    .padStart(extended ? 8 : ecu <= 0xff ? 2 : 3, '0');

/** The physical request address of an ECU known by its response address (ISO 15765-4). */
export function requestAddressOf(ecu: number, extended: boolean): Target {
  if (!extended) return physical(ecu - 8);
  const node = ecu & 0xff;
  return physical((0x18da00f1 | (node << 8)) >>> 0);
}

const hex2 = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');

function describe(err: unknown): string {
  const e = err as Error;
  return `${e.name}: ${e.message}`;
}

/** Spark-ignition and compression-ignition monitor names of PID 01 bytes C/D (SAE J1979). */
const SPARK = [
  'catalyst',
  'heatedCatalyst',
  'evapSystem',
  'secondaryAir',
  'acRefrigerant',
  'oxygenSensor',
  'oxygenSensorHeater',
  'egrSystem',
];
const COMPRESSION = [
  'nmhcCatalyst',
  'noxAftertreatment',
  '',
  'boostPressure',
  '',
  'exhaustGasSensor',
  'pmFilter',
  'egrVvtSystem',
];
const CONTINUOUS = ['misfire', 'fuelSystem', 'components'];

/** Readiness from PID 01's four bytes. */
export function readinessOf(bytes: Uint8Array): Readiness {
  const [a, b, c, d] = [bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!];
  const ignition = b & 0x08 ? 'compression' : 'spark';
  const monitors: Record<string, 'complete' | 'incomplete'> = {};
  CONTINUOUS.forEach((name, i) => {
    if (b & (1 << i)) monitors[name] = b & (1 << (i + 4)) ? 'incomplete' : 'complete';
  });
  (ignition === 'spark' ? SPARK : COMPRESSION).forEach((name, i) => {
    if (name && c & (1 << i)) monitors[name] = d & (1 << i) ? 'incomplete' : 'complete';
  });
  return { mil: (a & 0x80) !== 0, dtcCount: a & 0x7f, ignition, monitors };
}

/** Asks a question; a link error is recorded under `where` and gives undefined. */
async function ask(
  link: DiagnosticLink,
  target: Target,
  data: number[],
  errors: Record<string, string>,
  where: string,
) {
  try {
    return await link.request({ target, data: Uint8Array.from(data) });
  } catch (err) {
    if (!(err instanceof LinkError)) throw err;
    errors[where] = describe(err);
    return undefined;
  }
}

/** The mode 01 PIDs each ECU supports, following the 00/20/40… chain. */
export async function supportedPids(
  link: DiagnosticLink,
  errors: Record<string, string>,
): Promise<Map<number, { extended: boolean; pids: number[] }>> {
  const out = new Map<number, { extended: boolean; pids: number[] }>();
  let base = 0;
  let asking: Target = FUNCTIONAL;
  for (;;) {
    const answers = await ask(link, asking, [0x01, base], errors, `pids.support.${hex2(base)}`);
    if (!answers) break;
    let more = false;
    for (const a of answers) {
      if (a.data[0] !== 0x41 || a.data[1] !== base || a.data.length < 6) continue;
      const entry = out.get(a.ecu) ?? { extended: a.extended, pids: [] };
      out.set(a.ecu, entry);
      const pids = supportedFromBitmap(base, a.data.slice(2, 6));
      entry.pids.push(...pids);
      if (pids.includes(base + 0x20)) more = true;
    }
    if (!more || base >= 0xe0) break;
    base += 0x20;
    asking = FUNCTIONAL;
  }
  return out;
}

async function readDtcs(
  link: DiagnosticLink,
  service: number,
  errors: Record<string, string>,
  where: string,
): Promise<DtcEntry[] | null> {
  const answers = await ask(link, FUNCTIONAL, [service], errors, where);
  if (!answers) return null;
  const out: DtcEntry[] = [];
  for (const a of answers) {
    if (a.data[0] !== service + 0x40) continue;
    for (const code of decodeDtcList(a.data.slice(2))) out.push({ code, ecu: ecuName(a.ecu, a.extended) });
  }
  return out;
}

export async function readDtcSet(
  link: DiagnosticLink,
  errors: Record<string, string>,
): Promise<VehicleReport['dtcs']> {
  return {
    stored: await readDtcs(link, 0x03, errors, 'dtcs.stored'),
    pending: await readDtcs(link, 0x07, errors, 'dtcs.pending'),
    permanent: await readDtcs(link, 0x0a, errors, 'dtcs.permanent'),
  };
}

function vinFrom(answers: EcuResponse[]): string | null {
  for (const a of answers) {
    if (a.data[0] !== 0x49 || a.data[1] !== 0x02) continue;
    const text = String.fromCharCode(...a.data.slice(3)).replace(/[^\x21-\x7e]/g, '');
    if (text.length > 0) return text;
  }
  return null;
}

/** Reads every supported PID once, up to `perRequest` PIDs a request, ECU by ECU. */
export async function readAllPids(
  link: DiagnosticLink,
  supported: Map<number, { extended: boolean; pids: number[] }>,
  errors: Record<string, string>,
  perRequest = 6,
): Promise<VehicleReport['pids']> {
  const out: VehicleReport['pids'] = {};
  for (const [ecu, { extended, pids }] of [...supported].sort((x, y) => x[0] - y[0])) {
    const name = ecuName(ecu, extended);
    const readings: Record<string, PidReading> = {};
    out[name] = readings;
    const wanted = pids.filter((p) => p % 0x20 !== 0 && PIDS.has(p));
    const target = requestAddressOf(ecu, extended);
    for (let i = 0; i < wanted.length; i += perRequest) {
      const batch = wanted.slice(i, i + perRequest);
      const answers = await ask(
        link,
        target,
        [0x01, ...batch],
        errors,
        `pids.${name}.${batch.map(hex2).join(',')}`,
      );
      const answer = answers?.find((a) => a.ecu === ecu && a.data[0] === 0x41);
      if (!answer) continue;
      try {
        for (const slice of splitPids(answer.data.slice(1))) {
          const def = PIDS.get(slice.pid)!;
          readings[hex2(slice.pid)] = { key: def.key, value: decodePid(def, slice.data), unit: pidUnit(def) };
        }
      } catch (err) {
        errors[`pids.${name}.${batch.map(hex2).join(',')}`] = describe(err);
      }
    }
  }
  return out;
}

export async function readVehicle(
  link: DiagnosticLink,
  opts: { perRequest?: number } = {},
): Promise<VehicleReport> {
  const errors: Record<string, string> = {};
  const supported = await supportedPids(link, errors);
  const ecus = [...supported].sort((x, y) => x[0] - y[0]).map(([ecu, s]) => ecuName(ecu, s.extended));
  const vinAnswers = await ask(link, FUNCTIONAL, [0x09, 0x02], errors, 'vin');
  const vin = vinAnswers ? vinFrom(vinAnswers) : null;
  const dtcs = await readDtcSet(link, errors);
  const readiness: Record<string, Readiness> = {};
  const status = await ask(link, FUNCTIONAL, [0x01, 0x01], errors, 'readiness');
  for (const a of status ?? []) {
    if (a.data[0] === 0x41 && a.data[1] === 0x01 && a.data.length >= 6)
      readiness[ecuName(a.ecu, a.extended)] = readinessOf(a.data.slice(2, 6));
  }
  const pids = await readAllPids(link, supported, errors, opts.perRequest);
  return {
    adapter: { kind: link.info.kind, version: link.info.version, protocol: link.info.protocol },
    ecus,
    vin,
    dtcs,
    readiness,
    pids,
    errors,
  };
}
