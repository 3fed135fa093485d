import {
  CLEAR_CONFIRMATION,
  type DiagnosticLink,
  type DtcKind,
  LinkError,
  NegativeResponseError,
  ObdClient,
  type Readiness as ObdReadiness,
  PIDS,
  PidError,
  type PidValue,
  physical,
  type Target,
} from '@atelier/obd';

/**
 * What `atelier obd read` gathers from a vehicle through @atelier/obd's ObdClient over any
 * DiagnosticLink: ECUs, VIN, DTCs, readiness and every supported mode 01 PID once. A failed question
 * is recorded in `errors` and its answer left null, never reported as empty.
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

export interface VehicleReport {
  adapter: { kind: string; version?: string; protocol?: string };
  ecus: string[];
  vin: string | null;
  dtcs: { stored: DtcEntry[] | null; pending: DtcEntry[] | null; permanent: DtcEntry[] | null };
  readiness: Record<string, Readiness>;
  pids: Record<string, Record<string, PidReading>>;
  /** What could not be asked, by question: `vin`, `dtcs.stored`, `pids.7E8.0C,0D` … */
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

/** The compact readiness the CLI prints: supported monitors only. */
export function compactReadiness(r: ObdReadiness): Readiness {
  const monitors: Record<string, 'complete' | 'incomplete'> = {};
  for (const m of r.monitors) if (m.supported) monitors[m.key] = m.complete ? 'complete' : 'incomplete';
  return { mil: r.mil, dtcCount: r.dtcCount, ignition: r.ignition, ready: r.ready, monitors };
}

/**
 * Runs one question; what means "could not ask" (a link error, a refusal, an answer that does not
 * fit) is recorded under `where` and gives undefined. Anything else is a bug and propagates.
 */
async function ask<T>(
  errors: Record<string, string>,
  where: string,
  question: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await question();
  } catch (err) {
    if (!(err instanceof LinkError || err instanceof NegativeResponseError || err instanceof PidError))
      throw err;
    errors[where] = `${err.name}: ${err.message}`;
    return undefined;
  }
}

export async function readDtcSet(
  client: ObdClient,
  extended: boolean,
  errors: Record<string, string>,
): Promise<VehicleReport['dtcs']> {
  const one = async (kind: DtcKind): Promise<DtcEntry[] | null> => {
    const per = await ask(errors, `dtcs.${kind}`, () => client.readDtcs(kind));
    if (!per) return null;
    return per.flatMap(({ ecu, dtcs }) => dtcs.map((code) => ({ code, ecu: ecuName(ecu, extended) })));
  };
  return { stored: await one('stored'), pending: await one('pending'), permanent: await one('permanent') };
}

/** Clears DTCs everywhere (service 04); returns the ECUs that confirmed. */
export async function clearAll(client: ObdClient, extended: boolean): Promise<string[]> {
  return (await client.clearDtcs(CLEAR_CONFIRMATION)).map((ecu) => ecuName(ecu, extended));
}

export async function readVehicle(
  link: DiagnosticLink,
  opts: { perRequest?: number } = {},
): Promise<VehicleReport> {
  const errors: Record<string, string> = {};
  const client = new ObdClient(link);
  const extended = link.info.extended ?? false;
  const supported =
    (await ask(errors, 'pids.supported', () => client.supported())) ?? new Map<number, number[]>();
  const ecuIds = [...supported.keys()].sort((a, b) => a - b);
  const vins = await ask(errors, 'vin', () => client.readVin());
  const dtcs = await readDtcSet(client, extended, errors);
  const readiness: Record<string, Readiness> = {};
  const states = await ask(errors, 'readiness', () => client.readiness());
  for (const [ecu, r] of states ?? []) readiness[ecuName(ecu, extended)] = compactReadiness(r);
  const pids: VehicleReport['pids'] = {};
  const perRequest = Math.max(1, Math.min(6, opts.perRequest ?? 6));
  for (const ecu of ecuIds) {
    const name = ecuName(ecu, extended);
    const readings: Record<string, PidReading> = {};
    pids[name] = readings;
    const wanted = supported.get(ecu)!.filter((p) => p % 0x20 !== 0 && PIDS.has(p));
    const target = requestAddressOf(ecu, extended);
    for (let i = 0; i < wanted.length; i += perRequest) {
      const batch = wanted.slice(i, i + perRequest);
      const got = await ask(errors, `pids.${name}.${batch.map(hex2).join(',')}`, () =>
        client.readPids(batch, target),
      );
      for (const r of got ?? [])
        if (r.ecu === ecu) readings[hex2(r.pid)] = { key: r.key, value: r.value, unit: r.unit };
    }
  }
  return {
    adapter: { kind: link.info.kind, version: link.info.version, protocol: link.info.protocol },
    ecus: ecuIds.map((e) => ecuName(e, extended)),
    vin: vins?.[0]?.vin ?? null,
    dtcs,
    readiness,
    pids,
    errors,
  };
}
