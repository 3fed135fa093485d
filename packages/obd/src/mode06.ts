import { MalformedResponseError } from './link.js';
import { hex2, hexBytes, type Text } from './text.js';

/**
 * Service 06, on-board monitoring test results (SAE J1979, CAN format): each record is
 * OBDMID, TID, UASID, then test value, minimum and maximum limit as 16-bit numbers scaled by the
 * UASID. A test passes when min ≤ value ≤ max.
 */

export interface Uasid {
  id: number;
  unit: string;
  scale: number;
  offset: number;
  signed: boolean;
}

// [id, unit, scale, offset] for unsigned ids; signed ids 0x81… reuse the scaling of id − 0x80 where J1979 does.
const U: [number, string, number, number][] = [
  [0x01, '', 1, 0],
  [0x02, '', 0.1, 0],
  [0x03, '', 0.01, 0],
  [0x04, '', 0.001, 0],
  [0x05, '', 0.0000305, 0],
  [0x06, '', 0.000305, 0],
  [0x07, 'rpm', 0.25, 0],
  [0x08, 'km/h', 0.01, 0],
  [0x09, 'km/h', 1, 0],
  [0x0a, 'mV', 0.122, 0],
  [0x0b, 'V', 0.001, 0],
  [0x0c, 'V', 0.01, 0],
  [0x0d, 'mA', 0.00390625, 0],
  [0x0e, 'A', 0.001, 0],
  [0x0f, 'A', 0.01, 0],
  [0x10, 'ms', 1, 0],
  [0x11, 'ms', 100, 0],
  [0x12, 's', 1, 0],
  [0x13, 'mΩ', 1, 0],
  [0x14, 'Ω', 1, 0],
  [0x15, 'kΩ', 1, 0],
  [0x16, '°C', 0.1, -40],
  [0x17, 'kPa', 0.01, 0],
  [0x18, 'kPa', 0.0117, 0],
  [0x19, 'kPa', 0.079, 0],
  [0x1a, 'kPa', 1, 0],
  [0x1b, 'kPa', 10, 0],
  [0x1c, '°', 0.01, 0],
  [0x1d, '°', 0.5, 0],
  [0x1e, 'ratio', 0.0000305, 0],
  [0x1f, 'ratio', 0.05, 0],
  [0x20, 'ratio', 0.0039062, 0],
  [0x21, 'mHz', 1, 0],
  [0x22, 'Hz', 1, 0],
  [0x23, 'kHz', 1, 0],
  [0x24, 'counts', 1, 0],
  [0x25, 'km', 1, 0],
  [0x26, 'mV/ms', 0.1, 0],
  [0x27, 'g/s', 0.01, 0],
  [0x28, 'g/s', 1, 0],
  [0x29, 'Pa/s', 0.25, 0],
  [0x2a, 'kg/h', 0.001, 0],
  [0x2b, 'switches', 1, 0],
  [0x2c, 'g/cyl', 0.01, 0],
  [0x2d, 'mg/stroke', 0.01, 0],
  [0x2e, 'true/false', 1, 0],
  [0x2f, '%', 0.01, 0],
  [0x30, '%', 0.001526, 0],
  [0x31, 'L', 0.001, 0],
];
const S: [number, string, number, number][] = [
  [0x81, '', 1, 0],
  [0x82, '', 0.1, 0],
  [0x83, '', 0.01, 0],
  [0x84, '', 0.001, 0],
  [0x85, '', 0.0000305, 0],
  [0x86, '', 0.000305, 0],
  [0x8a, 'mV', 0.122, 0],
  [0x8b, 'V', 0.001, 0],
  [0x8c, 'V', 0.01, 0],
  [0x8d, 'mA', 0.00390625, 0],
  [0x8e, 'A', 0.001, 0],
  [0x90, 'ms', 1, 0],
  [0x96, '°C', 0.1, 0],
  [0x9c, '°', 0.01, 0],
  [0x9d, '°', 0.5, 0],
  [0xa8, 'g/s', 1, 0],
  [0xa9, 'Pa/s', 0.25, 0],
  [0xaf, '%', 0.01, 0],
  [0xb0, '%', 0.003052, 0],
  [0xfc, 'kPa', 0.01, 0],
  [0xfd, 'kPa', 0.001, 0],
  [0xfe, 'Pa', 0.25, 0],
];

export const UASIDS: ReadonlyMap<number, Uasid> = new Map<number, Uasid>([
  ...U.map(([id, unit, scale, offset]): [number, Uasid] => [id, { id, unit, scale, offset, signed: false }]),
  ...S.map(([id, unit, scale, offset]): [number, Uasid] => [id, { id, unit, scale, offset, signed: true }]),
]);

const bankSensor = (i: number): Text => ({
  fr: `banc ${(i >> 2) + 1} capteur ${(i & 3) + 1}`,
  en: `bank ${(i >> 2) + 1} sensor ${(i & 3) + 1}`,
});

const mids = new Map<number, Text>();
for (let i = 0; i < 16; i++) {
  const bs = bankSensor(i);
  mids.set(0x01 + i, { fr: `moniteur sonde O2 ${bs.fr}`, en: `O2 sensor monitor ${bs.en}` });
  mids.set(0x41 + i, { fr: `moniteur chauffage sonde O2 ${bs.fr}`, en: `O2 sensor heater monitor ${bs.en}` });
}
for (let b = 1; b <= 4; b++) {
  mids.set(0x20 + b, { fr: `moniteur catalyseur banc ${b}`, en: `catalyst monitor bank ${b}` });
  mids.set(0x30 + b, { fr: `moniteur EGR banc ${b}`, en: `EGR monitor bank ${b}` });
  mids.set(0x34 + b, { fr: `moniteur distribution variable banc ${b}`, en: `VVT monitor bank ${b}` });
  mids.set(0x60 + b, {
    fr: `moniteur catalyseur chauffé banc ${b}`,
    en: `heated catalyst monitor bank ${b}`,
  });
  mids.set(0x70 + b, { fr: `moniteur air secondaire ${b}`, en: `secondary air monitor ${b}` });
  mids.set(0x80 + b, {
    fr: `moniteur système d'alimentation banc ${b}`,
    en: `fuel system monitor bank ${b}`,
  });
}
mids.set(0x39, { fr: 'EVAP : bouchon absent (moniteur)', en: 'EVAP monitor (cap off)' });
mids.set(0x3a, { fr: 'EVAP : fuite 0,090"', en: 'EVAP monitor (0.090")' });
mids.set(0x3b, { fr: 'EVAP : fuite 0,040"', en: 'EVAP monitor (0.040")' });
mids.set(0x3c, { fr: 'EVAP : fuite 0,020"', en: 'EVAP monitor (0.020")' });
mids.set(0x3d, { fr: 'moniteur débit de purge', en: 'purge flow monitor' });
mids.set(0x85, { fr: 'moniteur pression de suralimentation banc 1', en: 'boost pressure monitor bank 1' });
mids.set(0x86, { fr: 'moniteur pression de suralimentation banc 2', en: 'boost pressure monitor bank 2' });
mids.set(0x90, { fr: 'moniteur piège à NOx banc 1', en: 'NOx adsorber monitor bank 1' });
mids.set(0x91, { fr: 'moniteur piège à NOx banc 2', en: 'NOx adsorber monitor bank 2' });
mids.set(0x98, { fr: 'moniteur catalyseur NOx banc 1', en: 'NOx catalyst monitor bank 1' });
mids.set(0x99, { fr: 'moniteur catalyseur NOx banc 2', en: 'NOx catalyst monitor bank 2' });
mids.set(0xa1, { fr: 'moniteur ratés : données générales', en: 'misfire monitor general data' });
for (let c = 1; c <= 12; c++)
  mids.set(0xa1 + c, { fr: `ratés cylindre ${c}`, en: `misfire cylinder ${c} data` });
mids.set(0xb0, { fr: 'moniteur filtre à particules banc 1', en: 'PM filter monitor bank 1' });
mids.set(0xb1, { fr: 'moniteur filtre à particules banc 2', en: 'PM filter monitor bank 2' });
for (const base of [0x00, 0x20, 0x40, 0x60, 0x80, 0xa0, 0xc0, 0xe0]) {
  mids.set(base, {
    fr: `MID pris en charge ${hex2(base + 1)} à ${hex2(base + 0x20)}`,
    en: `MIDs supported ${hex2(base + 1)}–${hex2(base + 0x20)}`,
  });
}

/** Standard on-board monitor ids. */
export const MIDS: ReadonlyMap<number, Text> = mids;

/** Standard test ids 0x01–0x0A (O2 sensor tests); 0x80 and above are the manufacturer's. */
export const TIDS: ReadonlyMap<number, Text> = new Map([
  [0x01, { fr: 'seuil de tension riche → pauvre', en: 'rich to lean sensor threshold voltage' }],
  [0x02, { fr: 'seuil de tension pauvre → riche', en: 'lean to rich sensor threshold voltage' }],
  [
    0x03,
    {
      fr: 'tension basse pour le calcul du temps de basculement',
      en: 'low sensor voltage for switch time calculation',
    },
  ],
  [
    0x04,
    {
      fr: 'tension haute pour le calcul du temps de basculement',
      en: 'high sensor voltage for switch time calculation',
    },
  ],
  [0x05, { fr: 'temps de basculement riche → pauvre', en: 'rich to lean sensor switch time' }],
  [0x06, { fr: 'temps de basculement pauvre → riche', en: 'lean to rich sensor switch time' }],
  [0x07, { fr: 'tension minimale pendant le test', en: 'minimum sensor voltage for test cycle' }],
  [0x08, { fr: 'tension maximale pendant le test', en: 'maximum sensor voltage for test cycle' }],
  [0x09, { fr: 'temps entre transitions', en: 'time between sensor transitions' }],
  [0x0a, { fr: 'période du capteur', en: 'sensor period' }],
]);

export interface MonitorTest {
  mid: number;
  midName?: Text;
  tid: number;
  tidName?: Text;
  uasid: number;
  unit: string;
  value: number;
  min: number;
  max: number;
  passed: boolean;
  raw: { value: number; min: number; max: number };
}

function scaled(u: Uasid | undefined, raw: number): number {
  if (!u) return raw;
  const v = u.signed && raw >= 0x8000 ? raw - 0x10000 : raw;
  return Number.parseFloat((v * u.scale + u.offset).toPrecision(12));
}

/**
 * Decodes the body of a service 06 answer (after 0x46): 9-byte records. A length that is not a
 * multiple of 9 is a malformed answer. Unknown UASIDs keep the raw number and an empty unit.
 */
export function decodeMonitorTests(body: ArrayLike<number>): MonitorTest[] {
  if (body.length === 0 || body.length % 9 !== 0) {
    throw new MalformedResponseError(
      `service 06 records are 9 bytes each, got ${body.length}: ${hexBytes(body)}`,
    );
  }
  const out: MonitorTest[] = [];
  for (let i = 0; i < body.length; i += 9) {
    const [mid, tid, uasid] = [body[i], body[i + 1], body[i + 2]];
    const rv = body[i + 3] * 256 + body[i + 4];
    const rmin = body[i + 5] * 256 + body[i + 6];
    const rmax = body[i + 7] * 256 + body[i + 8];
    const u = UASIDS.get(uasid);
    const value = scaled(u, rv);
    const min = scaled(u, rmin);
    const max = scaled(u, rmax);
    const midName = MIDS.get(mid);
    const tidName = TIDS.get(tid);
    out.push({
      mid,
      ...(midName ? { midName } : {}),
      tid,
      ...(tidName ? { tidName } : {}),
      uasid,
      unit: u?.unit ?? '',
      value,
      min,
      max,
      passed: value >= min && value <= max,
      raw: { value: rv, min: rmin, max: rmax },
    });
  }
  return out;
}
