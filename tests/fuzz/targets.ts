/**
 * Fuzz targets: every parser that takes outside input (except the ELM327 link and its response
 * parsers, fuzzed in packages/elm327), each with the typed errors it may answer bad input with.
 * Anything else thrown — a TypeError, a RangeError, a stack overflow — is a bug. How long the typed
 * errors' messages get (a parser that quotes the whole bad input) is measured by the bench.
 *
 * Shared by the bounded property test (`fuzz.property.test.ts`, in `pnpm test`) and the long run
 * (`bench/fuzz.bench.ts`): one list, so the bench measures what the test checks.
 *
 * Inputs are real examples of each format (the repository's own fixtures and scenario/knowledge-base
 * files, or small samples written here) damaged by byte edits — replace, insert, delete, truncate,
 * and repeat a slice many times (long lines, deep nesting, big inputs) — plus, for the decoders of
 * raw answers, arbitrary bytes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import {
  DbcParseError,
  type Frame,
  LogParseError,
  makeFrame,
  parseDbc,
  readLogText,
  reassembleAll,
  writeLog,
} from '../../packages/can/src/index.js';
import { DEFAULT_KB_DIR, KbError, parseTests, parseTree } from '../../packages/diagnosis/src/index.js';
import { MefParseError, ModelError, readMef } from '../../packages/fault-tree/src/index.js';
import {
  DtcFormatError,
  decodeDtcList,
  decodeMonitorTests,
  decodePid,
  decodeReadiness,
  decodeResponseLine,
  decodeUdsDtc,
  decodeVin,
  MalformedResponseError,
  normalizeDtc,
  PidError,
  ReadinessError,
  ResponseLineError,
  splitPids,
  VinError,
} from '../../packages/obd/src/index.js';
import { parseScenario, SCENARIO_DIR, ScenarioError } from '../../packages/vehicle-sim/src/index.js';
import { fixturePath } from '../support/index.js';

type ErrorClass = abstract new (...args: never[]) => Error;

export interface FuzzTarget {
  name: string;
  /** The typed errors bad input may give; anything else thrown is a bug. */
  typed: ErrorClass[];
  input: fc.Arbitrary<Uint8Array>;
  /** Inputs in `pnpm test` when not the default (the YAML parsers are slow per input). */
  testRuns?: number;
  /** Feeds one input to the parser; returns when it has been read whole (or throws). */
  run(input: Uint8Array): Promise<void> | void;
}

const text = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');
const latin1 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

// --- Mutation of real examples ------------------------------------------------------------------

type Edit =
  | { kind: 'replace' | 'insert'; at: number; byte: number }
  | { kind: 'delete' | 'truncate'; at: number }
  | { kind: 'repeat'; at: number; len: number; times: number };

/** Bytes that mean something in the text formats (separators, signs, digits, quotes, brackets). */
const MEANINGFUL = [
  0x09, 0x0a, 0x0d, 0x20, 0x22, 0x23, 0x27, 0x2c, 0x2d, 0x2e, 0x30, 0x31, 0x39, 0x3a, 0x3b, 0x3c, 0x3e, 0x41,
  0x46, 0x5b, 0x5d, 0x78, 0x7b, 0x7d, 0x7c, 0xff,
];

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), byte: fc.constantFrom(...MEANINGFUL) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('repeat' as const),
    at: fc.nat(),
    len: fc.integer({ min: 1, max: 64 }),
    times: fc.integer({ min: 2, max: 2000 }),
  }),
);

/** Applies edits to a copy of `seed` (positions taken modulo its current length). */
export function mutate(seed: Uint8Array, edits: Edit[]): Uint8Array {
  let b = Buffer.from(seed);
  for (const e of edits) {
    const n = b.length;
    const at = n ? e.at % (n + (e.kind === 'insert' ? 1 : 0)) : 0;
    switch (e.kind) {
      case 'replace':
        if (n) b[at] = e.byte;
        break;
      case 'insert':
        b = Buffer.concat([b.subarray(0, at), Buffer.of(e.byte), b.subarray(at)]);
        break;
      case 'delete':
        if (n) b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1)]);
        break;
      case 'truncate':
        b = b.subarray(0, at);
        break;
      case 'repeat': {
        const slice = b.subarray(at, at + e.len);
        // Bounded: at most 256 KiB added per edit.
        const times = Math.min(e.times, Math.floor((256 * 1024) / Math.max(1, slice.length)));
        b = Buffer.concat([b.subarray(0, at), ...Array(times).fill(slice), b.subarray(at)]);
        break;
      }
    }
  }
  return new Uint8Array(b);
}

/** One of `seeds`, damaged by one to five edits. */
const damaged = (seeds: Uint8Array[]): fc.Arbitrary<Uint8Array> =>
  fc
    .tuple(fc.integer({ min: 0, max: seeds.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 5 }))
    .map(([i, edits]) => mutate(seeds[i]!, edits));

/** Damaged examples, or (one time in five) arbitrary bytes. */
const inputs = (seeds: Uint8Array[], maxRandom = 512) =>
  fc.oneof(
    { weight: 4, arbitrary: damaged(seeds) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: maxRandom, size: 'large' }) },
  );

// --- Examples -----------------------------------------------------------------------------------

const CANDUMP = `(1641469561.949700) can0 7DF#02010C
(1641469561.951000) can0 7E8#04410C1AF8
(1641469562.000000) can0 18DAF110#100A62F19056463152
(1641469562.001000) can0 18DA10F1#300000
(1641469562.002000) can0 18DAF110#214A413030313635
(1641469563.000000) can0 123#R
(1641469564.000000) can1 100##1001122334455667788990A0B
`;

const ASC = `date Thu Jan 6 12:26:01.949 pm 2022
base hex  timestamps absolute
internal events logged
Begin Triggerblock Thu Jan 6 12:26:01.949 pm 2022
   0.000000 Start of measurement
   0.012345 1  7DF             Tx   d 8 02 01 0C 00 00 00 00 00
   0.013000 1  7E8             Rx   d 8 04 41 0C 1A F8 00 00 00
   0.020000 1  18DAF110x       Rx   d 8 10 0A 62 F1 90 56 46 31
   0.030000 1  123             Rx   r
End TriggerBlock
`;

const TRC = `;$FILEVERSION=1.1
;$STARTTIME=44567.5180781944
;
;   Message Number
;   |         Time Offset (ms)
;   |         |        Type
;   |         |        |        ID (hex)
;   |         |        |        |     Data Length Code
;   |         |        |        |     |   Data Bytes (hex) ...
;   |         |        |        |     |   |
;---+--   ----+----  --+--  ----+---  +  -+ -- -- -- -- -- -- --
     1)         0.0  Tx         07DF  8  02 01 0C 00 00 00 00 00
     2)         1.3  Rx         07E8  8  04 41 0C 1A F8 00 00 00
     3)         2.0  Rx     18DAF110  8  10 0A 62 F1 90 56 46 31
`;

const CSV = `Time Stamp,ID,Extended,Dir,Bus,LEN,D1,D2,D3,D4,D5,D6,D7,D8
1641469561949700,000007DF,false,Tx,0,8,02,01,0C,00,00,00,00,00
1641469561951000,000007E8,false,Rx,0,8,04,41,0C,1A,F8,00,00,00
1641469562000000,18DAF110,true,Rx,0,8,10,0A,62,F1,90,56,46,31
`;

const PYTHON_CAN_CSV = `timestamp,arbitration_id,extended,remote,error,dlc,data
1641469561.9497,0x7df,0,0,0,8,AgEMAAAAAAA=
1641469561.951,0x7e8,0,0,0,8,BEEMGvgAAAA=
1641469562.0,0x18daf110,1,0,0,8,EApi8ZBWRjE=
1641469563.0,0x123,0,1,0,4,
`;

/** A small Open-PSA MEF model written for these tests: OR, AND, at-least and NOT gates, CCF-free. */
const MEF = `<?xml version="1.0"?>
<opsa-mef>
  <define-fault-tree name="NoStart">
    <define-gate name="Top"><or><gate name="NoCrank"/><gate name="NoFuel"/><gate name="Ignition"/></or></define-gate>
    <define-gate name="NoCrank"><and><basic-event name="Battery"/><basic-event name="Starter"/></and></define-gate>
    <define-gate name="NoFuel"><or><basic-event name="Pump"/><not><basic-event name="Relay"/></not></or></define-gate>
    <define-gate name="Ignition"><atleast min="2"><basic-event name="Coil1"/><basic-event name="Coil2"/><basic-event name="Coil3"/></atleast></define-gate>
  </define-fault-tree>
  <model-data>
    <define-basic-event name="Battery"><float value="0.02"/></define-basic-event>
    <define-basic-event name="Starter"><float value="0.005"/></define-basic-event>
    <define-basic-event name="Pump"><float value="1e-3"/></define-basic-event>
    <define-basic-event name="Relay"><float value="0.999"/></define-basic-event>
    <define-basic-event name="Coil1"><float value="0.01"/></define-basic-event>
    <define-basic-event name="Coil2"><float value="0.01"/></define-basic-event>
    <define-basic-event name="Coil3"><float value="0.01"/></define-basic-event>
  </model-data>
</opsa-mef>
`;

const yamlFiles = (dir: string) =>
  readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => new Uint8Array(readFileSync(join(dir, f))));

/** Examples are read once, when first asked for. */
const lazy = <T>(make: () => T) => {
  let v: T | undefined;
  return () => (v ??= make());
};
const scenarioSeeds = lazy(() => yamlFiles(SCENARIO_DIR));
const treeSeeds = lazy(() => yamlFiles(join(DEFAULT_KB_DIR, 'trees')));
const testsSeed = lazy(() => new Uint8Array(readFileSync(join(DEFAULT_KB_DIR, 'tests.yaml'))));
const dbcSeed = lazy(() => new Uint8Array(readFileSync(fixturePath('can/css_tp_uds_nissan_leaf.dbc'))));

const mf4Seed = lazy(() => new Uint8Array(readFileSync(fixturePath('can/nissan_leaf_uds_2022-01-06.MF4'))));
let blf: Uint8Array | undefined;
let pcapng: Uint8Array | undefined;

/** Makes the examples that take async work (a BLF and a pcapng file written by the project's writers). */
export async function prepareTargets(): Promise<void> {
  if (blf && pcapng) return;
  const frames = Array.from({ length: 64 }, (_, i) =>
    makeFrame({
      id: i % 5 ? 0x7e0 + (i % 8) : 0x18daf110,
      data: new Uint8Array(i % 9).map((_, k) => (i * 7 + k) & 255),
      timestamp: 1641469561.9497 + i / 100,
      channel: i % 2 ? 'can0' : 'can1',
      direction: i % 3 ? 'rx' : 'tx',
    }),
  );
  const written = async (format: 'blf' | 'pcapng') => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    await writeLog(out, frames, format);
    return new Uint8Array(Buffer.concat(chunks));
  };
  blf = await written('blf');
  pcapng = await written('pcapng');
}

/** Reads a whole log, lenient and strict: every frame is read or the reader says which line failed. */
async function readWholeLog(input: Uint8Array, name: string): Promise<void> {
  for (const lenient of [true, false]) {
    const reader = readLogText(input, name, { lenient });
    let n = 0;
    for await (const f of reader) {
      if (!Number.isFinite(f.timestamp))
        throw new Error(`frame ${n} read with a timestamp of ${f.timestamp}`);
      if (++n > 10_000_000) throw new Error('more frames than the input can hold');
    }
  }
}

/** Data lengths a CAN FD frame may have. */
const FD_LENGTHS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 20, 24, 32, 48, 64];

/**
 * CAN frames from bytes (ISO-TP reassembly input): a head byte picks the id (three channels), classic
 * or FD, and the length; the data follow.
 */
function framesOf(input: Uint8Array): Frame[] {
  const ids = [0x7e8, 0x7e9, 0x18daf110, 0x7e8];
  const frames: Frame[] = [];
  let i = 0;
  let t = 0;
  while (i < input.length) {
    const head = input[i++]!;
    const fd = (head & 0x80) !== 0;
    const wanted = fd ? FD_LENGTHS[(head >> 2) & 0x0f]! : ((head >> 2) & 0x0f) % 9;
    if (i + wanted > input.length) break;
    t += 0.001;
    frames.push(makeFrame({ id: ids[head & 3]!, fd, data: input.subarray(i, i + wanted), timestamp: t }));
    i += wanted;
  }
  return frames;
}

export const TARGETS: FuzzTarget[] = [
  ...(
    [
      ['candump log', 'f.log', CANDUMP],
      ['Vector ASC log', 'f.asc', ASC],
      ['PEAK TRC log', 'f.trc', TRC],
      ['SavvyCAN CSV log', 'f.csv', CSV],
      ["python-can's CSV log", 'f.csv', PYTHON_CAN_CSV],
    ] as const
  ).map(([name, file, sample]) => ({
    name,
    typed: [LogParseError],
    input: inputs([bytes(sample)]),
    run: (b: Uint8Array) => readWholeLog(b, file),
  })),
  {
    name: 'MF4 log (a real CANedge file)',
    typed: [LogParseError],
    testRuns: 10,
    input: fc.constant(null).chain(() => damaged([mf4Seed()])),
    run: (b: Uint8Array) => readWholeLog(b, 'f.mf4'),
  },
  {
    name: 'BLF log',
    typed: [LogParseError],
    testRuns: 20,
    input: fc.constant(null).chain(() => {
      if (!blf) throw new Error('prepareTargets() first');
      return damaged([blf]);
    }),
    run: (b: Uint8Array) => readWholeLog(b, 'f.blf'),
  },
  {
    name: 'pcapng capture',
    typed: [LogParseError],
    testRuns: 20,
    input: fc.constant(null).chain(() => {
      if (!pcapng) throw new Error('prepareTargets() first');
      return damaged([pcapng]);
    }),
    run: (b: Uint8Array) => readWholeLog(b, 'f.pcapng'),
  },
  {
    name: 'DBC file',
    typed: [DbcParseError],
    input: fc.constant(null).chain(() => inputs([dbcSeed()])),
    run: (b) => void parseDbc(latin1(b), 'fuzz.dbc'),
  },
  {
    name: 'ISO-TP passive reassembly',
    typed: [],
    input: fc.uint8Array({ maxLength: 2048, size: 'large' }),
    run: (b) => {
      const events = reassembleAll(framesOf(b));
      if (events.length > b.length + 3) throw new Error(`${events.length} events from ${b.length} bytes`);
    },
  },
  {
    name: 'OBD mode 01 answer (split and decode each PID)',
    typed: [PidError],
    input: fc.uint8Array({ maxLength: 4096, size: 'large' }),
    run: (b) => {
      for (const s of splitPids(b)) decodePid(s.pid, s.data);
    },
  },
  {
    name: 'OBD PID decoders',
    typed: [PidError],
    input: fc.uint8Array({ minLength: 1, maxLength: 64, size: 'large' }),
    run: (b) => void decodePid(b[0]!, b.subarray(1)),
  },
  {
    name: 'DTC lists (modes 03/07/0A) and UDS DTC records',
    typed: [DtcFormatError],
    input: fc.uint8Array({ maxLength: 1024, size: 'large' }),
    run: (b) => {
      decodeDtcList(b);
      for (let i = 0; i + 3 < b.length; i += 4) decodeUdsDtc(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]);
    },
  },
  {
    name: 'DTC codes typed by a person',
    typed: [DtcFormatError],
    input: fc.oneof(
      fc.string({ maxLength: 12 }).map(bytes),
      damaged(['P0301', 'U0100', 'B1A2B', 'c0035', ' p0420 '].map(bytes)),
    ),
    run: (b) => void normalizeDtc(text(b)),
  },
  {
    name: 'readiness (PID 01) and mode 06 monitor tests',
    typed: [ReadinessError, PidError, MalformedResponseError],
    input: fc.uint8Array({ maxLength: 512, size: 'large' }),
    run: (b) => {
      decodeReadiness(b.subarray(0, 4));
      decodeMonitorTests(b);
    },
  },
  {
    name: 'OBD response lines (text, with headers)',
    typed: [ResponseLineError],
    input: inputs(
      ['7E8 06 41 00 BE 3E B8 11', '18DAF110 10 14 49 02 01 57 50 30', '7E8 03 7F 01 12'].map(bytes),
      256,
    ),
    run: (b) => void decodeResponseLine(latin1(b)),
  },
  {
    name: 'VIN',
    typed: [VinError],
    input: fc.oneof(
      fc.string({ maxLength: 40 }).map(bytes),
      damaged(['VF1RJA00165432101', 'WVWZZZ1KZ6W000001', '1HGCM82633A004352'].map(bytes)),
    ),
    run: (b) => void decodeVin(text(b)),
  },
  {
    name: 'scenario YAML',
    testRuns: 40,
    typed: [ScenarioError],
    input: fc.constant(null).chain(() => inputs(scenarioSeeds())),
    run: (b) => void parseScenario(text(b), 'fuzz.yaml'),
  },
  {
    name: 'knowledge-base tree YAML',
    testRuns: 40,
    typed: [KbError],
    input: fc.constant(null).chain(() => inputs(treeSeeds())),
    run: (b) => void parseTree(text(b), 'fuzz.yaml'),
  },
  {
    name: 'knowledge-base tests YAML',
    testRuns: 40,
    typed: [KbError],
    input: fc.constant(null).chain(() => inputs([testsSeed()])),
    run: (b) => void parseTests(text(b), 'fuzz.yaml'),
  },
  {
    name: 'Open-PSA MEF XML',
    typed: [MefParseError, ModelError],
    input: inputs([bytes(MEF)]),
    run: (b) => void readMef(text(b), 'fuzz.xml'),
  },
];

/** What one input gave: the typed error's class name (null when it was read) and its message length. */
export interface Outcome {
  error: string | null;
  messageLength: number;
}

/**
 * Runs one input: resolves to its outcome when it was read or refused with a typed error, rejects
 * with the input's bug otherwise (an untyped error: a TypeError, a RangeError, a stack overflow).
 */
export async function tryInput(target: FuzzTarget, input: Uint8Array): Promise<Outcome> {
  try {
    await target.run(input);
    return { error: null, messageLength: 0 };
  } catch (err) {
    if (!target.typed.some((c) => err instanceof c)) throw err;
    return { error: (err as Error).name, messageLength: (err as Error).message.length };
  }
}
