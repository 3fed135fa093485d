import type { Text } from './text.js';

/**
 * Readiness from PID 01 (since DTCs were cleared) and PID 41 (this drive cycle), SAE J1979: MIL,
 * DTC count, ignition type and each monitor's supported / complete bits. Byte B carries the three
 * continuous monitors; bytes C and D the non-continuous ones, whose meaning depends on ignition type.
 * In D a set bit means "not complete".
 */

export type Ignition = 'spark' | 'compression';

export interface MonitorState {
  key: string;
  name: Text;
  continuous: boolean;
  /** PID 01: the vehicle has this monitor; PID 41: it is enabled this drive cycle. */
  supported: boolean;
  /** Meaningful only when supported. */
  complete: boolean;
}

export interface Readiness {
  mil: boolean;
  dtcCount: number;
  ignition: Ignition;
  monitors: MonitorState[];
  /** Every supported monitor is complete: what an inspection station checks. */
  ready: boolean;
}

const CONTINUOUS: [string, Text][] = [
  ['misfire', { fr: 'ratés de combustion', en: 'misfire' }],
  ['fuelSystem', { fr: "système d'alimentation", en: 'fuel system' }],
  ['components', { fr: 'composants', en: 'comprehensive components' }],
];

const SPARK: ([string, Text] | undefined)[] = [
  ['catalyst', { fr: 'catalyseur', en: 'catalyst' }],
  ['heatedCatalyst', { fr: 'catalyseur chauffé', en: 'heated catalyst' }],
  ['evapSystem', { fr: 'système EVAP', en: 'evaporative system' }],
  ['secondaryAir', { fr: 'air secondaire', en: 'secondary air system' }],
  ['acRefrigerant', { fr: 'fluide de climatisation', en: 'A/C refrigerant' }],
  ['oxygenSensor', { fr: 'sondes à oxygène', en: 'oxygen sensor' }],
  ['oxygenSensorHeater', { fr: 'chauffage des sondes à oxygène', en: 'oxygen sensor heater' }],
  ['egrVvt', { fr: 'EGR et/ou distribution variable', en: 'EGR and/or VVT system' }],
];

const COMPRESSION: ([string, Text] | undefined)[] = [
  ['nmhcCatalyst', { fr: 'catalyseur NMHC', en: 'NMHC catalyst' }],
  ['noxScr', { fr: 'post-traitement NOx / SCR', en: 'NOx / SCR aftertreatment' }],
  undefined,
  ['boostPressure', { fr: 'pression de suralimentation', en: 'boost pressure' }],
  undefined,
  ['exhaustGasSensor', { fr: "capteur de gaz d'échappement", en: 'exhaust gas sensor' }],
  ['pmFilter', { fr: 'filtre à particules', en: 'PM filter' }],
  ['egrVvt', { fr: 'EGR et/ou distribution variable', en: 'EGR and/or VVT system' }],
];

/** Every monitor readiness can report (continuous, spark and compression ignition) by key, with its name. */
export const MONITORS: ReadonlyMap<string, Text> = new Map(
  [...CONTINUOUS, ...SPARK, ...COMPRESSION].flatMap((e) => (e ? [e] : [])),
);

/** A readiness payload that is not four bytes. */
export class ReadinessError extends Error {
  override name = 'ReadinessError';
}

/**
 * Decodes the four data bytes of PID 01 or 41. PID 41 does not carry the ignition type reliably;
 * pass the one read from PID 01.
 */
export function decodeReadiness(bytes: ArrayLike<number>, ignition?: Ignition): Readiness {
  if (bytes.length !== 4) throw new ReadinessError(`readiness needs 4 bytes (A B C D), got ${bytes.length}`);
  const [a, b, c, d] = [bytes[0], bytes[1], bytes[2], bytes[3]];
  const kind: Ignition = ignition ?? (b & 0x08 ? 'compression' : 'spark');
  const monitors: MonitorState[] = [];
  CONTINUOUS.forEach(([key, name], i) => {
    monitors.push({
      key,
      name,
      continuous: true,
      supported: ((b >> i) & 1) === 1,
      complete: ((b >> (i + 4)) & 1) === 0,
    });
  });
  const table = kind === 'spark' ? SPARK : COMPRESSION;
  table.forEach((entry, i) => {
    if (!entry) return;
    monitors.push({
      key: entry[0],
      name: entry[1],
      continuous: false,
      supported: ((c >> i) & 1) === 1,
      complete: ((d >> i) & 1) === 0,
    });
  });
  return {
    mil: (a & 0x80) !== 0,
    dtcCount: a & 0x7f,
    ignition: kind,
    monitors,
    ready: monitors.every((m) => !m.supported || m.complete),
  };
}

/** The four bytes for a readiness state (the simulator's side). Unsupported monitors encode as complete. */
export function encodeReadiness(r: {
  mil: boolean;
  dtcCount: number;
  ignition: Ignition;
  monitors: Pick<MonitorState, 'key' | 'supported' | 'complete'>[];
}): Uint8Array {
  const a = (r.mil ? 0x80 : 0) | Math.min(0x7f, Math.max(0, r.dtcCount));
  let b = r.ignition === 'compression' ? 0x08 : 0;
  let c = 0;
  let d = 0;
  const byKey = new Map(r.monitors.map((m) => [m.key, m]));
  CONTINUOUS.forEach(([key], i) => {
    const m = byKey.get(key);
    if (m?.supported) {
      b |= 1 << i;
      if (!m.complete) b |= 1 << (i + 4);
    }
  });
  (r.ignition === 'spark' ? SPARK : COMPRESSION).forEach((entry, i) => {
    const m = entry && byKey.get(entry[0]);
    if (m?.supported) {
      c |= 1 << i;
      if (!m.complete) d |= 1 << i;
    }
  });
  return Uint8Array.of(a, b, c, d);
}
