import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  answeredPids,
  bitmapFromSupported,
  decodePid,
  encodePid,
  PIDS,
  PidError,
  pidByKey,
  splitPids,
  supportedFromBitmap,
} from './pids.js';

const hex = (s: string) =>
  Uint8Array.from(
    s
      .trim()
      .split(/\s+/)
      .map((b) => Number.parseInt(b, 16)),
  );
type Expect = number | Record<string, number>;

// Values worked out by hand from the SAE J1979 formulas: range ends and a middle value per PID.
const P = 100 / 255; // one step of a 0–100 % byte
const HALF = 128 * P; // 0x80 as a percentage
const TOP16 = 65535 * (2 / 65536); // 0xFFFF as an equivalence ratio
const HAND: Record<number, [string, Expect][]> = {
  0: [
    ['BE 1F A8 13', 0xbe1fa813],
    ['00 00 00 00', 0],
    ['FF FF FF FF', 4294967295],
  ],
  1: [
    ['81 07 65 04', { mil: 1, dtcCount: 1, byteB: 7, byteC: 101, byteD: 4 }],
    ['00 00 00 00', { mil: 0, dtcCount: 0, byteB: 0, byteC: 0, byteD: 0 }],
    ['FF FF FF FF', { mil: 1, dtcCount: 127, byteB: 255, byteC: 255, byteD: 255 }],
  ],
  2: [
    ['01 33', 307],
    ['00 00', 0],
    ['FF FF', 65535],
  ],
  3: [
    ['02 00', { system1: 2, system2: 0 }],
    ['08 10', { system1: 8, system2: 16 }],
  ],
  4: [
    ['00', 0],
    ['FF', 100],
    ['80', HALF],
  ],
  5: [
    ['00', -40],
    ['FF', 215],
    ['7B', 83],
  ],
  6: [
    ['00', -100],
    ['FF', 99.21875],
    ['80', 0],
  ],
  7: [
    ['00', -100],
    ['FF', 99.21875],
    ['A0', 25],
  ],
  8: [
    ['00', -100],
    ['FF', 99.21875],
    ['60', -25],
  ],
  9: [
    ['00', -100],
    ['FF', 99.21875],
    ['80', 0],
  ],
  10: [
    ['00', 0],
    ['FF', 765],
    ['64', 300],
  ],
  11: [
    ['00', 0],
    ['FF', 255],
    ['65', 101],
  ],
  12: [
    ['1A F8', 1726],
    ['00 00', 0],
    ['FF FF', 16383.75],
  ],
  13: [
    ['00', 0],
    ['FF', 255],
    ['32', 50],
  ],
  14: [
    ['00', -64],
    ['FF', 63.5],
    ['80', 0],
  ],
  15: [
    ['00', -40],
    ['FF', 215],
    ['3C', 20],
  ],
  16: [
    ['00 00', 0],
    ['FF FF', 655.35],
    ['01 F4', 5],
  ],
  17: [
    ['00', 0],
    ['FF', 100],
    ['80', HALF],
  ],
  18: [
    ['01', 1],
    ['04', 4],
  ],
  19: [
    ['33', 0x33],
    ['00', 0],
    ['FF', 255],
  ],
  28: [
    ['06', 6],
    ['01', 1],
  ],
  29: [['03', 3]],
  30: [
    ['01', 1],
    ['00', 0],
    ['FE', 0],
  ],
  31: [
    ['00 00', 0],
    ['FF FF', 65535],
    ['01 2C', 300],
  ],
  33: [
    ['00 0A', 10],
    ['FF FF', 65535],
  ],
  34: [
    ['00 00', 0],
    ['FF FF', 5177.265],
    ['03 E8', 79],
  ],
  35: [
    ['00 00', 0],
    ['FF FF', 655350],
    ['01 00', 2560],
  ],
  44: [
    ['00', 0],
    ['FF', 100],
    ['80', HALF],
  ],
  45: [
    ['00', -100],
    ['FF', 99.21875],
    ['80', 0],
  ],
  46: [
    ['00', 0],
    ['FF', 100],
  ],
  47: [
    ['00', 0],
    ['FF', 100],
    ['80', HALF],
  ],
  48: [
    ['00', 0],
    ['FF', 255],
    ['05', 5],
  ],
  49: [
    ['00 00', 0],
    ['FF FF', 65535],
    ['04 D2', 1234],
  ],
  50: [
    ['80 00', -8192],
    ['7F FF', 8191.75],
    ['00 04', 1],
    ['FF FC', -1],
  ],
  51: [
    ['00', 0],
    ['FF', 255],
    ['64', 100],
  ],
  60: [
    ['00 00', -40],
    ['FF FF', 6513.5],
    ['11 94', 410],
  ],
  61: [
    ['00 00', -40],
    ['FF FF', 6513.5],
    ['01 90', 0],
  ],
  62: [
    ['00 00', -40],
    ['FF FF', 6513.5],
  ],
  63: [
    ['00 00', -40],
    ['FF FF', 6513.5],
  ],
  65: [['00 07 E5 00', { mil: 0, dtcCount: 0, byteB: 7, byteC: 0xe5, byteD: 0 }]],
  66: [
    ['00 00', 0],
    ['FF FF', 65.535],
    ['36 B0', 14],
  ],
  67: [
    ['00 00', 0],
    ['FF FF', 25700],
    ['00 FF', 100],
  ],
  68: [
    ['00 00', 0],
    ['80 00', 1],
    ['FF FF', TOP16],
  ],
  69: [
    ['00', 0],
    ['FF', 100],
  ],
  70: [
    ['00', -40],
    ['FF', 215],
    ['28', 0],
  ],
  71: [
    ['00', 0],
    ['FF', 100],
  ],
  72: [
    ['00', 0],
    ['FF', 100],
  ],
  73: [
    ['00', 0],
    ['FF', 100],
    ['33', 20],
  ],
  74: [
    ['00', 0],
    ['FF', 100],
  ],
  75: [
    ['00', 0],
    ['FF', 100],
  ],
  76: [
    ['00', 0],
    ['FF', 100],
  ],
  77: [
    ['00 00', 0],
    ['FF FF', 65535],
  ],
  78: [
    ['00 00', 0],
    ['FF FF', 65535],
    ['00 3C', 60],
  ],
  79: [
    ['01 02 03 04', { equivRatio: 1, o2Voltage: 2, o2Current: 3, intakePressure: 40 }],
    ['FF FF FF FF', { equivRatio: 255, o2Voltage: 255, o2Current: 255, intakePressure: 2550 }],
  ],
  80: [
    ['FF 00 00 00', 2550],
    ['0A 00 00 00', 100],
  ],
  81: [
    ['04', 4],
    ['01', 1],
  ],
  82: [
    ['00', 0],
    ['FF', 100],
  ],
  83: [
    ['00 00', 0],
    ['FF FF', 327.675],
    ['4E 20', 100],
  ],
  84: [
    ['80 00', -32768],
    ['7F FF', 32767],
    ['FF FF', -1],
  ],
  85: [
    ['80 FF', { bank1: 0, bank3: 99.21875 }],
    ['00 80', { bank1: -100, bank3: 0 }],
  ],
  86: [['80 FF', { bank1: 0, bank3: 99.21875 }]],
  87: [['80 FF', { bank2: 0, bank4: 99.21875 }]],
  88: [['00 80', { bank2: -100, bank4: 0 }]],
  89: [
    ['00 00', 0],
    ['FF FF', 655350],
    ['27 10', 100000],
  ],
  90: [
    ['00', 0],
    ['FF', 100],
  ],
  91: [
    ['00', 0],
    ['FF', 100],
  ],
  92: [
    ['00', -40],
    ['FF', 215],
    ['78', 80],
  ],
  93: [
    ['00 00', -210],
    ['FF FF', 301.9921875],
    ['69 00', 0],
  ],
  94: [
    ['00 00', 0],
    ['FF FF', 3276.75],
    ['00 64', 5],
  ],
  95: [['0E', 14]],
  97: [
    ['00', -125],
    ['FF', 130],
    ['7D', 0],
  ],
  98: [
    ['00', -125],
    ['FF', 130],
    ['91', 20],
  ],
  99: [
    ['00 00', 0],
    ['FF FF', 65535],
    ['01 90', 400],
  ],
  100: [['7D 00 FF 80 81', { idle: 0, point1: -125, point2: 130, point3: 3, point4: 4 }]],
  101: [['03 01', { supported: 3, status: 1 }]],
  102: [['03 00 20 FF FF', { supported: 3, sensorA: 1, sensorB: 2047.96875 }]],
  103: [['03 00 FF', { supported: 3, sensor1: -40, sensor2: 215 }]],
  104: [
    [
      '3F 00 28 FF 50 64 7B',
      {
        supported: 63,
        bank1Sensor1: -40,
        bank1Sensor2: 0,
        bank1Sensor3: 215,
        bank2Sensor1: 40,
        bank2Sensor2: 60,
        bank2Sensor3: 83,
      },
    ],
  ],
  105: [
    [
      '3F 00 FF 80 FF 00 00',
      { supported: 63, commandedA: 0, actualA: 100, errorA: 0, commandedB: 100, actualB: 0, errorB: -100 },
    ],
  ],
  106: [['0F 00 FF 00 FF', { supported: 15, commandedA: 0, positionA: 100, commandedB: 0, positionB: 100 }]],
  107: [
    [
      '0F 00 28 FF 50',
      { supported: 15, bank1Sensor1: -40, bank1Sensor2: 0, bank2Sensor1: 215, bank2Sensor2: 40 },
    ],
  ],
  108: [['0F FF 00 80 00', { supported: 15, commandedA: 100, positionA: 0, commandedB: HALF, positionB: 0 }]],
  109: [
    [
      '3F 00 01 FF FF 3C 00 00 00 00 FF',
      {
        supported: 63,
        commandedRailPressureA: 10,
        railPressureA: 655350,
        railTempA: 20,
        commandedRailPressureB: 0,
        railPressureB: 0,
        railTempB: 215,
      },
    ],
  ],
  110: [
    [
      '0F 00 01 00 02 FF FF 00 00',
      { supported: 15, commandedA: 10, actualA: 20, commandedB: 655350, actualB: 0 },
    ],
  ],
  111: [['03 65 FF', { supported: 3, sensorA: 101, sensorB: 255 }]],
  112: [
    [
      '0F 0C 80 FF FF 00 00 00 20 05',
      { supported: 15, commandedA: 100, actualA: 2047.96875, commandedB: 0, actualB: 1, status: 5 },
    ],
  ],
  113: [
    [
      '0F 00 FF 80 00 01',
      { supported: 15, commandedA: 0, positionA: 100, commandedB: HALF, positionB: 0, status: 1 },
    ],
  ],
  114: [['0F 00 FF 00 FF', { supported: 15, commandedA: 0, positionA: 100, commandedB: 0, positionB: 100 }]],
  115: [['03 27 10 FF FF', { supported: 3, bank1: 100, bank2: 655.35 }]],
  116: [['03 13 88 FF FF', { supported: 3, turboA: 50000, turboB: 655350 }]],
  117: [
    [
      '0F 00 FF 00 00 FF FF',
      {
        supported: 15,
        compressorInlet: -40,
        compressorOutlet: 215,
        turbineInlet: -40,
        turbineOutlet: 6513.5,
      },
    ],
  ],
  118: [
    [
      '0F 28 50 11 94 01 90',
      { supported: 15, compressorInlet: 0, compressorOutlet: 40, turbineInlet: 410, turbineOutlet: 0 },
    ],
  ],
  119: [
    [
      '0F 00 28 FF 50',
      { supported: 15, bank1Sensor1: -40, bank1Sensor2: 0, bank2Sensor1: 215, bank2Sensor2: 40 },
    ],
  ],
  122: [
    [
      '07 80 00 27 10 FF FF',
      { supported: 7, deltaPressure: -327.68, inletPressure: 100, outletPressure: 655.35 },
    ],
  ],
  123: [
    ['07 7F FF 00 00 00 01', { supported: 7, deltaPressure: 327.67, inletPressure: 0, outletPressure: 0.01 }],
  ],
  124: [
    [
      '0F 00 00 11 94 FF FF 01 90',
      { supported: 15, bank1Inlet: -40, bank1Outlet: 410, bank2Inlet: 6513.5, bank2Outlet: 0 },
    ],
  ],
  125: [['05', 5]],
  126: [['02', 2]],
  127: [['07 00 00 0E 10 FF FF FF FF 00 00 00 00', { supported: 7, total: 3600, idle: 4294967295, pto: 0 }]],
  131: [['03 01 F4 FF FF', { supported: 3, bank1Sensor1: 500, bank2Sensor1: 65535 }]],
  132: [
    ['00', -40],
    ['FF', 215],
  ],
  133: [
    [
      '0F 00 C8 FF FF 80 00 00 0E 10',
      { supported: 15, averageConsumption: 1, demandedConsumption: 327.675, tankLevel: HALF, nwiTime: 3600 },
    ],
  ],
  134: [['03 00 50 FF FF', { supported: 3, bank1Sensor1: 1, bank2Sensor1: 819.1875 }]],
  135: [['03 0C 80 FF FF', { supported: 3, sensorA: 100, sensorB: 2047.96875 }]],
  136: [
    [
      '01 00 01 00 02 00 03 00 04 00 05 FF FF',
      { status: 1, counter1: 1, counter2: 2, counter3: 3, counter4: 4, counter5: 5, counter6: 65535 },
    ],
  ],
  139: [
    [
      '07 01 80 00 3C 01 F4',
      {
        supported: 7,
        status: 1,
        regenTrigger: HALF,
        averageTimeBetweenRegens: 60,
        averageDistanceBetweenRegens: 500,
      },
    ],
  ],
  141: [
    ['00', 0],
    ['FF', 100],
  ],
  142: [
    ['00', -125],
    ['FF', 130],
  ],
  143: [['03 01 00 50 FF FF 00', { supported: 3, status: 1, bank1: 1, bank2: 819.1875, reserved: 0 }]],
  144: [['01 02 03', { byteA: 1, byteB: 2, byteC: 3 }]],
  145: [['01 00 0A FF FF', { byteA: 1, activatedTime: 10, counter: 65535 }]],
  146: [['01 02', { supported: 1, status: 2 }]],
  147: [['01 00 64', { supported: 1, milActivatedTime: 100 }]],
  148: [
    [
      '01 00 01 00 02 00 03 00 04 FF FF 00',
      { status: 1, counter1: 1, counter2: 2, counter3: 3, counter4: 4, counter5: 65535, reserved: 0 },
    ],
  ],
  154: [['01 02 5A 00 FF 9C', { supported: 1, chargingState: 2, voltage: 360, current: -10 }]],
  155: [['0F 82 28 FF', { supported: 15, concentration: 32.5, tankTemp: 0, tankLevel: 100 }]],
  157: [['00 32 FF FF', { engine: 1, vehicle: 1310.7 }]],
  158: [
    ['00 00', 0],
    ['FF FF', 13107],
    ['00 05', 1],
  ],
  159: [
    [
      'FF 00 FF 80 00 FF 00 00 FF',
      {
        supported: 255,
        fuel1Bank1: 0,
        fuel1Bank2: 100,
        fuel2Bank1: HALF,
        fuel2Bank2: 0,
        fuel3Bank1: 100,
        fuel3Bank2: 0,
        fuel4Bank1: 0,
        fuel4Bank2: 100,
      },
    ],
  ],
  161: [
    [
      '0F 00 64 00 C8 FF FF 00 00',
      { supported: 15, bank1Sensor1: 100, bank1Sensor2: 200, bank2Sensor1: 65535, bank2Sensor2: 0 },
    ],
  ],
  162: [
    ['00 00', 0],
    ['FF FF', 2047.96875],
    ['00 20', 1],
  ],
  163: [
    [
      '0F 80 00 7F FF 00 04 FF FF',
      { supported: 15, pressureA: -8192, pressureAWide: 65534, pressureB: 1, pressureBWide: -2 },
    ],
  ],
  164: [['01 30 0E 74', { supported: 1, gear: 3, ratio: 3.7 }]],
  165: [['01 FF 00 02', { supported: 1, dosing: 127.5, usage: 0.001 }]],
  166: [
    ['00 01 E2 40', 12345.6],
    ['00 00 00 00', 0],
    ['FF FF FF FF', 429496729.5],
  ],
  167: [['03 01 F4 FF FF', { supported: 3, sensor3: 500, sensor4: 65535 }]],
  168: [['03 00 00 00 01', { supported: 3, sensor3: 0, sensor4: 1 }]],
  169: [
    ['01 01', { supported: 1, disabled: 1 }],
    ['01 00', { supported: 1, disabled: 0 }],
  ],
};
// Support PIDs: a bitmap read as one 32-bit number.
for (const p of [0x20, 0x40, 0x60, 0x80, 0xa0, 0xc0])
  HAND[p] = [
    ['80 00 00 01', 0x80000001],
    ['00 00 00 00', 0],
  ];
// Families the table builds per sensor: the same hand-computed bytes apply to each member.
for (let i = 0; i < 8; i++) {
  HAND[0x14 + i] = [
    ['80 80', { voltage: 0.64, shortTermFuelTrim: 0 }],
    ['FF FF', { voltage: 1.275, shortTermFuelTrim: 99.21875 }],
    ['00 00', { voltage: 0, shortTermFuelTrim: -100 }],
  ];
  HAND[0x24 + i] = [
    ['80 00 80 00', { lambda: 1, voltage: 4 }],
    ['FF FF FF FF', { lambda: TOP16, voltage: 7.9998779296875 }],
    ['00 00 00 00', { lambda: 0, voltage: 0 }],
  ];
  HAND[0x34 + i] = [
    ['80 00 80 00', { lambda: 1, current: 0 }],
    ['00 00 00 00', { lambda: 0, current: -128 }],
    ['FF FF FF FF', { lambda: TOP16, current: 127.99609375 }],
  ];
}
for (const p of [0x78, 0x79, 0x98, 0x99]) {
  HAND[p] = [
    [
      '0F 00 00 11 94 FF FF 01 90',
      { supported: 15, sensor1: -40, sensor2: 410, sensor3: 6513.5, sensor4: 0 },
    ],
  ];
}
for (const p of [0x8c, 0x9c]) {
  HAND[p] = [
    [
      'FF 80 00 80 00 80 00 80 00 80 00 80 00 80 00 FF FF',
      { supported: 255, b1s1: 1, b1s2: 1, b1s3: 1, b1s4: 1, b2s1: 1, b2s2: 1, b2s3: 1, b2s4: TOP16 },
    ],
  ];
}
HAND[0x81] = [
  [
    '1F 00 00 00 3C FF FF FF FF 00 00 00 00 00 00 00 00 00 00 00 01',
    { supported: 31, aecd1: 60, aecd2: 4294967295, aecd3: 0, aecd4: 0, aecd5: 1 },
  ],
];
HAND[0x82] = [
  [
    '1F 00 00 00 3C FF FF FF FF 00 00 00 00 00 00 00 00 00 00 00 01',
    { supported: 31, aecd6: 60, aecd7: 4294967295, aecd8: 0, aecd9: 0, aecd10: 1 },
  ],
];
for (const [p, first] of [
  [0x89, 11],
  [0x8a, 16],
] as const) {
  const bytes = ['1F'];
  const want: Record<string, number> = { supported: 31 };
  for (let i = 0; i < 10; i++) {
    bytes.push('00', '00', '00', (i + 1).toString(16).padStart(2, '0'));
    want[`aecd${first + (i >> 1)}Timer${(i & 1) + 1}`] = i + 1;
  }
  HAND[p] = [[bytes.join(' '), want]];
}

function expectClose(actual: unknown, want: Expect) {
  if (typeof want === 'number') {
    expect(typeof actual).toBe('number');
    expect(actual as number).toBeCloseTo(want, 9);
    return;
  }
  expect(Object.keys(actual as object).sort()).toEqual(Object.keys(want).sort());
  for (const [k, v] of Object.entries(want))
    expect((actual as Record<string, number>)[k], k).toBeCloseTo(v, 9);
}

describe('PID table', () => {
  it('holds every SAE J1979 service 01 PID from 0x00 to 0xA6 (except 0x95–0x97, unassigned)', () => {
    for (let p = 0; p <= 0xa6; p++) {
      if (p >= 0x95 && p <= 0x97) continue;
      expect(PIDS.has(p), `PID ${p.toString(16)}`).toBe(true);
    }
  });

  it('gives every PID a unique key, both names, units and a layout that fits its length', () => {
    const keys = new Set<string>();
    for (const def of PIDS.values()) {
      expect(keys.has(def.key), def.key).toBe(false);
      keys.add(def.key);
      expect(def.key).toMatch(/^[A-Z0-9_]+$/);
      expect(def.name.fr.length).toBeGreaterThan(2);
      expect(def.name.en.length).toBeGreaterThan(2);
      for (const f of def.fields) {
        expect(f.offset + f.length, `${def.key}.${f.key}`).toBeLessThanOrEqual(def.bytes);
        expect(f.min).toBeLessThanOrEqual(f.max);
      }
      expect(pidByKey(def.key)).toBe(def);
    }
  });

  it('has hand-computed cases for every PID', () => {
    const missing = [...PIDS.keys()].filter((p) => !HAND[p]);
    expect(missing.map((p) => p.toString(16))).toEqual([]);
  });

  for (const [pidText, cases] of Object.entries(HAND)) {
    const pid = Number(pidText);
    const def = PIDS.get(pid);
    it(`decodes PID ${pid.toString(16).toUpperCase().padStart(2, '0')} ${def?.key ?? '?'} from hand-computed bytes`, () => {
      for (const [bytes, want] of cases) expectClose(decodePid(pid, hex(bytes)), want);
    });
  }

  it('encodes the range ends and middle of every field and decodes them back', () => {
    for (const def of PIDS.values()) {
      for (const f of def.fields) {
        for (const v of [f.min, f.max, (f.min + f.max) / 2]) {
          const value = def.fields.length === 1 ? v : { [f.key]: v };
          const back = decodePid(def, encodePid(def, value));
          const got = typeof back === 'number' ? back : back[f.key];
          // Within half a raw step: the middle of the range may fall between two steps.
          expect(Math.abs(got - v), `${def.key}.${f.key} = ${v}`).toBeLessThanOrEqual(
            f.scale / 2 + 1e-9 * Math.max(1, Math.abs(v)),
          );
        }
      }
    }
  });

  it('re-encodes any decoded bytes to the same bytes (every PID, random data)', () => {
    for (const def of PIDS.values()) {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: def.bytes, maxLength: def.bytes }), (bytes) => {
          const value = decodePid(def, bytes);
          const again = encodePid(def, value);
          // Bits no field covers (reserved) are encoded as zero.
          expect(decodePid(def, again)).toEqual(value);
        }),
        { numRuns: 40 },
      );
    }
  });

  it('encodes RPM 1726 as 1A F8 and refuses values out of range with the field named', () => {
    expect(Array.from(encodePid(0x0c, 1726))).toEqual([0x1a, 0xf8]);
    expect(() => encodePid(0x0c, 20000)).toThrow(PidError);
    expect(() => encodePid(0x05, -41)).toThrow(/COOLANT_TEMP.value: -41 °C is outside -40…215/);
    expect(() => encodePid(0x14, 0.5)).toThrow(/pass an object/);
    expect(() => encodePid(0x14, { volts: 1 })).toThrow(/no value named 'volts'/);
  });

  it('saturates a value beyond the range when asked (a sensor reading at its end), else refuses it', () => {
    expect(Array.from(encodePid(0x05, 300, { saturate: true }))).toEqual([0xff]); // 215 °C
    expect(Array.from(encodePid(0x05, -60, { saturate: true }))).toEqual([0x00]); // −40 °C
    expect(Array.from(encodePid(0x0c, 20000, { saturate: true }))).toEqual([0xff, 0xff]);
    expect(() => encodePid(0x05, Number.NaN, { saturate: true })).toThrow(PidError);
    expect(() => encodePid(0x05, 300)).toThrow(PidError);
  });

  it('structured PIDs: O2 sensor voltage and trim (0xFF: not used for trim), DPF delta pressure', () => {
    const o2 = decodePid(0x14, encodePid(0x14, { voltage: 0.455, shortTermFuelTrim: 3.1 })) as Record<
      string,
      number
    >;
    expect(o2.voltage).toBeCloseTo(0.455, 2);
    expect(o2.shortTermFuelTrim).toBeCloseTo(3.1, 0);
    expect(Array.from(encodePid(0x14, { voltage: 0.5, shortTermFuelTrim: 99.21875 }))[1]).toBe(0xff);
    const dpf = decodePid(0x7a, encodePid(0x7a, { supported: 1, deltaPressure: -12.34 })) as Record<
      string,
      number
    >;
    expect(dpf.deltaPressure).toBeCloseTo(-12.34, 2);
    expect(dpf.supported).toBe(1);
  });

  it('refuses bytes of the wrong length and unknown PIDs with a typed error', () => {
    expect(() => decodePid(0x0c, hex('1A'))).toThrow(/carries 2 byte\(s\), got 1/);
    expect(() => decodePid(0xee, hex('00'))).toThrow(PidError);
  });
});

describe('multi-PID responses', () => {
  it('splits a six-PID answer back per PID', () => {
    const body = hex('0C 1A F8 0D 32 05 7B 04 80 11 FF 0F 3C');
    const slices = splitPids(body);
    expect(slices.map((s) => s.pid)).toEqual([0x0c, 0x0d, 0x05, 0x04, 0x11, 0x0f]);
    const values = slices.map((s) => decodePid(s.pid, s.data));
    for (const [i, want] of [1726, 50, 83, HALF, 100, 20].entries()) expectClose(values[i], want);
  });

  it('ignores CAN padding after the last PID but not an unknown PID in the middle', () => {
    expect(splitPids(hex('0D 32 00 00')).map((s) => s.pid)).toEqual([0x0d]);
    expect(() => splitPids(hex('0D 32 EE 01 0C 1A F8'))).toThrow(/unknown PID EE at byte 2/);
    expect(() => splitPids(hex('0D 32 0C 1A'))).toThrow(/needs 2 byte\(s\)/);
  });

  it('says which PIDs an answer holds without refusing it: an unknown or cut-short PID is the last', () => {
    // 0C carries 0D 05 as data, then 0D carries 32: two PIDs, whatever bytes 0D and 05 look like.
    expect(answeredPids(hex('0C 0D 05 0D 32'))).toEqual([0x0c, 0x0d]);
    expect(answeredPids(hex('0D 32 00 00'))).toEqual([0x0d]);
    expect(answeredPids(hex('0C 1A F8 AA AA AA'))).toEqual([0x0c]);
    // EE is not a J1979 PID: its length is unknown, so 05 after it cannot be found.
    expect(answeredPids(hex('0D 32 EE 01 05 7B'))).toEqual([0x0d, 0xee]);
    expect(answeredPids(hex('0D 32 0C 1A'))).toEqual([0x0d, 0x0c]);
    expect(answeredPids(hex('0F'))).toEqual([0x0f]);
    expect(answeredPids(Uint8Array.of())).toEqual([]);
    // Service 02: the frame number between each PID and its data.
    expect(answeredPids(hex('0C 00 1A F8 0D 00 32'), { perPidPrefix: 1 })).toEqual([0x0c, 0x0d]);
  });

  it('splits a 32 KB answer in linear time, and an error in it quotes 32 bytes, not 32 KB', () => {
    // Issue 15: a mode 01 answer of 32 KB (an adapter flooding) took 22.7 s to split, and its
    // error message carried the whole body.
    const body = new Uint8Array(32 * 1024);
    for (let i = 0; i < body.length; i += 2) body.set([0x0d, 0x10], i);
    const t0 = performance.now();
    expect(splitPids(body)).toHaveLength(16 * 1024);
    // Generous for a loaded machine; the copying splitter took seconds.
    expect(performance.now() - t0).toBeLessThan(2_000);
    body[body.length - 2] = 0xee;
    const err = (() => {
      try {
        splitPids(body);
      } catch (e) {
        return e as PidError;
      }
    })();
    expect(err).toBeInstanceOf(PidError);
    expect(err!.message).toMatch(/unknown PID EE at byte 32766 of 0D 10 0D 10 .* … \(32768 bytes\)/);
    expect(err!.message.length).toBeLessThan(200);
  });

  it('reads and writes support bitmaps', () => {
    const pids = supportedFromBitmap(0x00, hex('BE 1F A8 13'));
    expect(pids).toEqual([
      0x01, 0x03, 0x04, 0x05, 0x06, 0x07, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x13, 0x15, 0x1c, 0x1f, 0x20,
    ]);
    expect(Array.from(bitmapFromSupported(0x00, pids))).toEqual([0xbe, 0x1f, 0xa8, 0x13]);
  });
});
