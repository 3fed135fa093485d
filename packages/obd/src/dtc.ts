import { clip } from '@atelier/can';
import { DTC_TITLES } from './dtc-titles.js';
import { hex2, type Lang, type Text } from './text.js';

/**
 * Diagnostic trouble codes, SAE J2012 / ISO 15031-6: two bytes ↔ `P0301`. The first two bits pick
 * the system (P powertrain, C chassis, B body, U network), the next two the first digit, then three
 * hex digits. Every one of the 65,536 two-byte values has exactly one code and back.
 */

export type DtcSystem = 'P' | 'C' | 'B' | 'U';
const SYSTEMS: DtcSystem[] = ['P', 'C', 'B', 'U'];

/** A string that is not a DTC, with the position of the first wrong character. */
export class DtcFormatError extends Error {
  override name = 'DtcFormatError';
  constructor(
    message: string,
    readonly input: string,
    readonly position: number,
  ) {
    super(message);
  }
}

export function decodeDtc(b0: number, b1: number): string {
  const system = SYSTEMS[(b0 >> 6) & 3];
  const d1 = (b0 >> 4) & 3;
  return `${system}${d1}${(b0 & 0x0f).toString(16)}${hex2(b1 & 0xff)}`.toUpperCase();
}

const DTC_RE = /^([PCBU])([0-3])([0-9A-F])([0-9A-F])([0-9A-F])$/i;

export function parseDtc(code: string): { system: DtcSystem; b0: number; b1: number } {
  const m = DTC_RE.exec(code.trim());
  if (!m) {
    const s = code.trim();
    let pos = 0;
    if (!/^[PCBU]/i.test(s)) pos = 0;
    else if (!/^.[0-3]/.test(s)) pos = 1;
    else {
      pos = 2;
      while (pos < s.length && /[0-9A-F]/i.test(s[pos])) pos++;
    }
    throw new DtcFormatError(
      `'${clip(code)}' is not a DTC (expected a letter P/C/B/U, a digit 0–3 and three hex digits, like P0301); wrong at character ${pos + 1}`,
      code,
      pos,
    );
  }
  const system = m[1].toUpperCase() as DtcSystem;
  const b0 = (SYSTEMS.indexOf(system) << 6) | (Number(m[2]) << 4) | Number.parseInt(m[3], 16);
  const b1 = Number.parseInt(m[4] + m[5], 16);
  return { system, b0, b1 };
}

/** `P0301` → [0x03, 0x01]. */
export function encodeDtc(code: string): [number, number] {
  const { b0, b1 } = parseDtc(code);
  return [b0, b1];
}

export function normalizeDtc(code: string): string {
  const [b0, b1] = encodeDtc(code);
  return decodeDtc(b0, b1);
}

/**
 * Decodes a DTC list as services 03/07/0A return it on CAN (after the count byte): pairs of bytes,
 * where 00 00 is padding, not a code.
 */
export function decodeDtcList(bytes: ArrayLike<number>): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    if (bytes[i] === 0 && bytes[i + 1] === 0) continue;
    out.push(decodeDtc(bytes[i], bytes[i + 1]));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// UDS (ISO 14229-1) 3-byte DTC with its status byte.

/** The eight status bits of ISO 14229-1 annex D, bit 0 first. */
export const DTC_STATUS_BITS = [
  { bit: 0, key: 'testFailed', name: { fr: 'test en échec', en: 'test failed' } },
  {
    bit: 1,
    key: 'testFailedThisOperationCycle',
    name: { fr: 'en échec pendant ce cycle', en: 'test failed this operation cycle' },
  },
  { bit: 2, key: 'pendingDTC', name: { fr: 'code en attente', en: 'pending DTC' } },
  { bit: 3, key: 'confirmedDTC', name: { fr: 'code confirmé', en: 'confirmed DTC' } },
  {
    bit: 4,
    key: 'testNotCompletedSinceLastClear',
    name: { fr: 'test non terminé depuis effacement', en: 'test not completed since last clear' },
  },
  {
    bit: 5,
    key: 'testFailedSinceLastClear',
    name: { fr: 'en échec depuis effacement', en: 'test failed since last clear' },
  },
  {
    bit: 6,
    key: 'testNotCompletedThisOperationCycle',
    name: { fr: 'test non terminé ce cycle', en: 'test not completed this operation cycle' },
  },
  {
    bit: 7,
    key: 'warningIndicatorRequested',
    name: { fr: 'voyant demandé', en: 'warning indicator requested' },
  },
] as const;

export type DtcStatusKey = (typeof DTC_STATUS_BITS)[number]['key'];
export type DtcStatus = Record<DtcStatusKey, boolean> & { byte: number };

export function decodeDtcStatus(byte: number): DtcStatus {
  const s = { byte } as DtcStatus;
  for (const b of DTC_STATUS_BITS) s[b.key] = ((byte >> b.bit) & 1) === 1;
  return s;
}

export function encodeDtcStatus(status: Partial<Record<DtcStatusKey, boolean>>): number {
  let byte = 0;
  for (const b of DTC_STATUS_BITS) if (status[b.key]) byte |= 1 << b.bit;
  return byte;
}

export interface UdsDtc {
  /** The two-byte part as a J2012 code, e.g. `P0301`. */
  code: string;
  /** Failure type byte (SAE J2012-DA), e.g. 0x16 circuit voltage below threshold. */
  failureType: number;
  /** `P0301-16`: code and failure type as scan tools print them. */
  full: string;
  /** The 24-bit DTC number as UDS carries it. */
  number: number;
  status?: DtcStatus;
}

export function decodeUdsDtc(b0: number, b1: number, b2: number, status?: number): UdsDtc {
  const code = decodeDtc(b0, b1);
  return {
    code,
    failureType: b2,
    full: `${code}-${hex2(b2)}`,
    number: (b0 << 16) | (b1 << 8) | b2,
    ...(status === undefined ? {} : { status: decodeDtcStatus(status) }),
  };
}

export function encodeUdsDtc(code: string, failureType = 0): [number, number, number] {
  const [b0, b1] = encodeDtc(code);
  return [b0, b1, failureType & 0xff];
}

// ---------------------------------------------------------------------------------------------
// Titles and structure.

const SYSTEM_NAMES: Record<DtcSystem, Text> = {
  P: { fr: 'groupe motopropulseur', en: 'powertrain' },
  C: { fr: 'châssis', en: 'chassis' },
  B: { fr: 'carrosserie', en: 'body' },
  U: { fr: 'réseau et communication', en: 'network and communication' },
};

const P_GROUPS: Record<string, Text> = {
  '0': {
    fr: 'dosage air/carburant et dépollution auxiliaire',
    en: 'fuel and air metering, auxiliary emission controls',
  },
  '1': { fr: 'dosage air/carburant', en: 'fuel and air metering' },
  '2': { fr: 'dosage air/carburant (circuit injecteurs)', en: 'fuel and air metering (injector circuit)' },
  '3': { fr: "système d'allumage ou ratés", en: 'ignition system or misfire' },
  '4': { fr: 'dépollution auxiliaire', en: 'auxiliary emission controls' },
  '5': {
    fr: 'vitesse véhicule, régulation de ralenti, entrées auxiliaires',
    en: 'vehicle speed, idle control, auxiliary inputs',
  },
  '6': { fr: 'calculateur et sorties auxiliaires', en: 'computer and auxiliary outputs' },
  '7': { fr: 'transmission', en: 'transmission' },
  '8': { fr: 'transmission', en: 'transmission' },
  '9': { fr: 'transmission', en: 'transmission' },
  A: { fr: 'propulsion hybride', en: 'hybrid propulsion' },
  B: { fr: 'propulsion hybride', en: 'hybrid propulsion' },
  C: { fr: 'propulsion hybride', en: 'hybrid propulsion' },
  D: { fr: 'réservé', en: 'reserved' },
  E: { fr: 'réservé', en: 'reserved' },
  F: { fr: 'réservé', en: 'reserved' },
};

const U_GROUPS: Record<string, Text> = {
  '0': { fr: 'électrique du réseau', en: 'network electrical' },
  '1': { fr: 'perte de communication', en: 'lost communication' },
  '2': { fr: 'perte de communication', en: 'lost communication' },
  '3': { fr: 'incompatibilité logicielle', en: 'software incompatibility' },
  '4': { fr: 'données reçues invalides', en: 'invalid data received' },
  '5': { fr: 'données reçues invalides', en: 'invalid data received' },
  '6': { fr: 'données reçues invalides', en: 'invalid data received' },
};

export interface DtcDescription {
  code: string;
  system: DtcSystem;
  systemName: Text;
  /** Defined by SAE/ISO for every maker (generic) or left to the manufacturer. */
  origin: 'generic' | 'manufacturer';
  group?: Text;
  /** The project's own title when the code is in its table. */
  title?: Text;
}

function originOf(system: DtcSystem, d1: number, d2: number): 'generic' | 'manufacturer' {
  if (system === 'P') {
    if (d1 === 0 || d1 === 2) return 'generic';
    if (d1 === 1) return 'manufacturer';
    // P3: P30–P33 manufacturer, P34–P39 generic.
    return d2 <= 3 ? 'manufacturer' : 'generic';
  }
  return d1 === 0 || d1 === 3 ? 'generic' : 'manufacturer';
}

/** Everything known about a code: structure for all, a title for the codes the table holds. */
export function describeDtc(code: string): DtcDescription {
  const norm = normalizeDtc(code);
  const system = norm[0] as DtcSystem;
  const d1 = Number(norm[1]);
  const d2 = Number.parseInt(norm[2], 16);
  const origin = originOf(system, d1, d2);
  let group: Text | undefined;
  if (system === 'P' && d1 !== 3) group = P_GROUPS[norm[2]];
  if (system === 'U') group = U_GROUPS[norm[2]];
  const title = DTC_TITLES.get(norm);
  return {
    code: norm,
    system,
    systemName: SYSTEM_NAMES[system],
    origin,
    ...(group ? { group } : {}),
    ...(title ? { title } : {}),
  };
}

/**
 * The title of a code in one language: the project's own wording for generic codes in its table,
 * otherwise a structural description (system, generic or manufacturer, group).
 */
export function dtcTitle(code: string, lang: Lang = 'fr'): string {
  const d = describeDtc(code);
  if (d.title) return d.title[lang];
  const origin =
    d.origin === 'generic'
      ? { fr: 'code générique', en: 'generic code' }[lang]
      : { fr: 'code spécifique constructeur', en: 'manufacturer-specific code' }[lang];
  const group = d.group ? ` — ${d.group[lang]}` : '';
  return `${d.systemName[lang]}, ${origin}${group}`.replace(/^./, (c) => c.toUpperCase());
}
