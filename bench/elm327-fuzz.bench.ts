/**
 * Fuzzing the ELM327 link (issue 15): what anything answering on an adapter's address can send,
 * against the whole client (AdapterIO, start-up, protocol search, requests), in virtual time. The
 * longer run of `src/link.property.test.ts`: inputs tried, outcomes by error type (every failure must
 * be a typed LinkError), and the slowest input per KB of what was sent.
 *
 *   node --import tsx bench/elm327-fuzz.bench.ts [INPUTS=3000] [SEED=16]
 */

import fc from 'fast-check';
import { VirtualClock } from '../packages/clock/src/index.js';
import { duplexPair, Elm327Link } from '../packages/elm327/src/index.js';
import { FUNCTIONAL, LinkError } from '../packages/obd/src/index.js';
import { markdownTable } from './table.js';

const [inputs = 3000, seed = 16] = process.argv.slice(2).map(Number);

/** Pieces an adapter prints, so that random answers get past the first checks now and then. */
const TOKENS = [
  'ELM327 v1.5',
  'ELM327 v2.3',
  'STN1110 v4.0.1',
  'OK',
  '?',
  '>',
  '>>',
  '\r',
  '\r\n',
  '\n',
  ' ',
  'SEARCHING...',
  'BUS INIT: ',
  '...',
  'OK',
  'ERROR',
  'NO DATA',
  'UNABLE TO CONNECT',
  'CAN ERROR',
  'BUFFER FULL',
  'STOPPED',
  'LV RESET',
  '<DATA ERROR',
  '12.6V',
  'A6',
  '7E8 06 41 00 BE 3F A8 13 00',
  '7E8 10 14 49 02 01 57 44 58',
  '7E8 21 2D 53 49 4D 30 30 31',
  '48 6B 10 41 00 BE 1F B8 11 AD',
  '014',
  '0: 49 02 01 31 44 34',
  '7F 01 11',
];

type Input = { kind: string; chunks: Uint8Array[]; onConnect: boolean };

const bytesOf = (s: string) => Uint8Array.from(Buffer.from(s, 'latin1'));

const random: fc.Arbitrary<Input> = fc
  .record({
    chunks: fc.array(fc.uint8Array({ maxLength: 128 }), { maxLength: 32 }),
    onConnect: fc.boolean(),
  })
  .map((r) => ({ kind: 'random bytes', ...r }));

const elmLike: fc.Arbitrary<Input> = fc
  .record({
    chunks: fc.array(
      fc.array(fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 6 })), { maxLength: 12 }),
      { maxLength: 40 },
    ),
    onConnect: fc.boolean(),
  })
  .map((r) => ({
    kind: 'ELM-like tokens',
    onConnect: r.onConnect,
    chunks: r.chunks.map((c) => bytesOf(c.join(''))),
  }));

const flood: fc.Arbitrary<Input> = fc
  .record({
    token: fc.constantFrom('>', '410000\r', 'A', '\r', 'OK\r>', 'SEARCHING...\r'),
    kb: fc.integer({ min: 1, max: 600 }),
    at: fc.integer({ min: 0, max: 12 }),
  })
  .map(({ token, kb, at }) => {
    const big = bytesOf(token.repeat(Math.ceil((kb * 1024) / token.length)));
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < at; i++) chunks.push(bytesOf(i === 0 ? 'ELM327 v2.3\r\r>' : 'OK\r\r>'));
    chunks.push(big);
    return { kind: 'floods', onConnect: false, chunks };
  });

interface Outcome {
  kind: string;
  result: string;
  ms: number;
  bytes: number;
}

/** One input: garbage on connect (maybe), then one chunk per line the client writes. */
async function runOne(input: Input): Promise<Outcome> {
  const clock = new VirtualClock();
  const [client, adapter] = duplexPair();
  let next = 0;
  let bytes = 0;
  const say = () => {
    const c = input.chunks[next++];
    if (c && !adapter.destroyed) {
      bytes += c.length;
      adapter.write(Buffer.from(c));
    }
  };
  if (input.onConnect) say();
  adapter.on('data', (d: Buffer) => {
    for (const ch of d.toString('latin1')) if (ch === '\r') say();
  });
  const link = new Elm327Link({ clock, open: async () => client });
  const t0 = performance.now();
  let result = 'connected';
  try {
    await clock.run(link.start(), 900_000);
    for (const data of [[0x01, 0x0c], [0x03], [0x09, 0x02]])
      await clock
        .run(link.request({ target: FUNCTIONAL, data: Uint8Array.from(data) }), 120_000)
        .catch((e: unknown) => {
          if (!(e instanceof LinkError)) throw e;
        });
  } catch (err) {
    result = err instanceof LinkError ? err.name : `UNTYPED ${(err as Error)?.name ?? typeof err}`;
  }
  await clock.run(link.close()).catch(() => {});
  return { kind: input.kind, result, ms: performance.now() - t0, bytes };
}

const per = Math.ceil(inputs / 3);
const all = [
  ...fc.sample(random, { numRuns: per, seed }),
  ...fc.sample(elmLike, { numRuns: per, seed: seed + 1 }),
  ...fc.sample(flood, { numRuns: Math.max(1, Math.ceil(per / 10)), seed: seed + 2 }),
];
let crashed = 0;
process.on('uncaughtException', (err) => {
  crashed++;
  process.stderr.write(`uncaught: ${err.stack}\n`);
});
// Warm-up (JIT), not counted: the first inputs would otherwise be the slowest per KB.
for (const input of fc.sample(elmLike, { numRuns: 50, seed: seed + 3 })) await runOne(input);
const started = performance.now();
const outcomes: Outcome[] = [];
for (const input of all) outcomes.push(await runOne(input));
const totalS = (performance.now() - started) / 1000;

console.log(`ELM327 link fuzz — ${outcomes.length} inputs, seed ${seed}, ${totalS.toFixed(1)} s\n`);
const kinds = [...new Set(outcomes.map((o) => o.kind))];
const results = [...new Set(outcomes.map((o) => o.result))].sort();
console.log(
  markdownTable(
    ['outcome', ...kinds],
    results.map((r) => [
      r,
      ...kinds.map((k) => String(outcomes.filter((o) => o.kind === k && o.result === r).length)),
    ]),
  ),
);
const rows = kinds.map((k) => {
  const os = outcomes.filter((o) => o.kind === k);
  const slowest = os.reduce((a, b) =>
    b.ms / Math.max(1, b.bytes / 1024) > a.ms / Math.max(1, a.bytes / 1024) ? b : a,
  );
  const worst = os.reduce((a, b) => (b.ms > a.ms ? b : a));
  const kb = os.reduce((n, o) => n + o.bytes, 0) / 1024;
  const ms = os.map((o) => o.ms).sort((a, b) => a - b);
  return [
    k,
    String(os.length),
    kb.toFixed(0),
    ms[Math.floor(ms.length / 2)]!.toFixed(2),
    ms[Math.floor(ms.length * 0.99)]!.toFixed(1),
    (slowest.ms / Math.max(1, slowest.bytes / 1024)).toFixed(2),
    `${worst.ms.toFixed(1)} (${(worst.bytes / 1024).toFixed(0)} KB)`,
  ];
});
console.log(
  `\n${markdownTable(['inputs', 'count', 'KB sent', 'median ms', 'p99 ms', 'slowest ms per KB', 'slowest input ms'], rows)}`,
);
const untyped = outcomes.filter((o) => o.result.startsWith('UNTYPED')).length;
console.log(`\nuntyped errors: ${untyped}; uncaught exceptions: ${crashed}`);
if (untyped || crashed) process.exit(1);
