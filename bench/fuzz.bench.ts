/**
 * The long fuzz run: every parser of outside input (`tests/fuzz/targets.ts`, the list the bounded
 * property test in `pnpm test` uses), fed damaged real examples and arbitrary bytes for a while.
 *
 *   pnpm bench fuzz [-- --seconds 10 --runs 3 --seed 15 --only VIN]
 *
 * Per parser and run (each run its own seed): inputs tried; what they gave — read, or refused with
 * which typed error; untyped errors (bugs: a TypeError, a RangeError, a stack overflow), with the first
 * one's message; the slowest input per KiB of input (inputs of 1 KiB or more: a parser that is not
 * linear shows here), the slowest input overall, and the longest typed-error message (a parser quoting
 * the whole bad input). Inputs/s is the median of the runs; counts are summed; slowest and longest
 * are the worst of the runs. Exits 1 when any run found an untyped error.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { type FuzzTarget, prepareTargets, TARGETS, tryInput } from '../tests/fuzz/targets.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    runs: { type: 'string', default: '3' },
    seed: { type: 'string', default: '15' },
    only: { type: 'string' },
  },
});
const SECONDS = Number(values.seconds);
const RUNS = Number(values.runs);
const SEED = Number(values.seed);

interface RunResult {
  inputs: number;
  seconds: number;
  outcomes: Map<string, number>;
  bugs: number;
  firstBug?: string;
  /** Worst ms per KiB among inputs of at least 1 KiB, and that input's size. */
  perKb: { msPerKb: number; bytes: number };
  slowest: { ms: number; bytes: number };
  longestMessage: number;
  largest: number;
}

async function runOnce(target: FuzzTarget, seed: number): Promise<RunResult> {
  const r: RunResult = {
    inputs: 0,
    seconds: 0,
    outcomes: new Map(),
    bugs: 0,
    perKb: { msPerKb: 0, bytes: 0 },
    slowest: { ms: 0, bytes: 0 },
    longestMessage: 0,
    largest: 0,
  };
  const start = performance.now();
  for (let batch = 0; performance.now() - start < SECONDS * 1000; batch++) {
    for (const input of fc.sample(target.input, { numRuns: 100, seed: seed * 100_003 + batch })) {
      const t0 = performance.now();
      let outcome: string;
      try {
        const o = await tryInput(target, input);
        outcome = o.error ?? 'read';
        r.longestMessage = Math.max(r.longestMessage, o.messageLength);
      } catch (err) {
        outcome = `BUG ${(err as Error)?.name ?? typeof err}`;
        r.bugs++;
        r.firstBug ??= `${(err as Error)?.name}: ${String((err as Error)?.message).slice(0, 160)} (input of ${input.length} bytes)`;
      }
      const ms = performance.now() - t0;
      r.inputs++;
      r.largest = Math.max(r.largest, input.length);
      r.outcomes.set(outcome, (r.outcomes.get(outcome) ?? 0) + 1);
      if (ms > r.slowest.ms) r.slowest = { ms, bytes: input.length };
      if (input.length >= 1024) {
        const perKb = ms / (input.length / 1024);
        if (perKb > r.perKb.msPerKb) r.perKb = { msPerKb: perKb, bytes: input.length };
      }
      if (performance.now() - start >= SECONDS * 1000) break;
    }
  }
  r.seconds = (performance.now() - start) / 1000;
  return r;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const kib = (bytes: number) => (bytes >= 1024 ? `${(bytes / 1024).toFixed(0)} KiB` : `${bytes} B`);

await prepareTargets();
const targets = TARGETS.filter(
  (t) => !values.only || t.name.toLowerCase().includes(values.only.toLowerCase()),
);
process.stdout.write(
  `fuzz: ${targets.length} parsers × ${RUNS} runs × ${SECONDS} s, seed ${SEED}, node ${process.version}, load ${loadavg()[0]!.toFixed(1)}\n\n`,
);
process.stdout.write(
  '| parser | inputs (total) | inputs/s (median) | outcomes (total) | untyped errors | slowest per KiB (≥ 1 KiB) | slowest input | longest message | largest input |\n',
);
process.stdout.write('|---|--:|--:|---|--:|--:|--:|--:|--:|\n');
let bugs = 0;
for (const target of targets) {
  const runs: RunResult[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await runOnce(target, SEED + i));
  const outcomes = new Map<string, number>();
  for (const r of runs) for (const [k, n] of r.outcomes) outcomes.set(k, (outcomes.get(k) ?? 0) + n);
  const total = runs.reduce((s, r) => s + r.inputs, 0);
  const found = runs.reduce((s, r) => s + r.bugs, 0);
  bugs += found;
  const perKb = runs.reduce((w, r) => (r.perKb.msPerKb > w.msPerKb ? r.perKb : w), runs[0]!.perKb);
  const slowest = runs.reduce((w, r) => (r.slowest.ms > w.ms ? r.slowest : w), runs[0]!.slowest);
  const share = [...outcomes]
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${((100 * n) / total).toFixed(0)} %`)
    .join(', ');
  process.stdout.write(
    `| ${target.name} | ${total} | ${median(runs.map((r) => r.inputs / r.seconds)).toFixed(0)} | ${share} | ${found} | ${
      perKb.bytes ? `${perKb.msPerKb.toFixed(2)} ms (${kib(perKb.bytes)})` : '—'
    } | ${slowest.ms.toFixed(1)} ms (${kib(slowest.bytes)}) | ${Math.max(...runs.map((r) => r.longestMessage))} | ${kib(
      Math.max(...runs.map((r) => r.largest)),
    )} |\n`,
  );
  for (const r of runs) if (r.firstBug) process.stdout.write(`  first untyped error: ${r.firstBug}\n`);
}
process.exit(bugs ? 1 : 0);
