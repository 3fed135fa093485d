// Whole-process time and peak memory of `atelier fta analyze` against `scram` on the models SCRAM
// ships (Debian scram 0.16.2). Median of N runs (default 5), ratio per model.
//
//   node --import tsx bench/fta-vs-scram.bench.ts [--runs N] [--importance] [--only NAME[,NAME…]]
//        [--no-modules | --modules-compare]
//
// Two ways of running atelier are timed: through tsx as in development (`pnpm atelier`), and as a
// single esbuild bundle run by plain node (how a release would ship; bundled once into a temp dir).
// `--no-modules` passes the flag to atelier (one BDD for the whole tree). `--modules-compare` runs
// only the bundle, modules on and off in alternation, and reports whole-process time, peak memory
// and the `seconds` atelier prints in its JSON (time inside the command: reading and analysis).
// Unset NODE_EXTRA_CA_CERTS when timing: Node 20 pays ~37 ms at start-up reading it.
import { spawn } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const INPUT = '/usr/share/scram/input';
const SCRAM_LIMIT_S = 120;

const { values } = parseArgs({
  options: {
    runs: { type: 'string' },
    importance: { type: 'boolean' },
    only: { type: 'string' },
    'no-modules': { type: 'boolean' },
    'modules-compare': { type: 'boolean' },
  },
});
const runs = Number(values.runs ?? 5);
const only = values.only?.split(',');

const MODELS: { id: string; files: string[] }[] = [
  { id: 'BSCU', files: ['BSCU/BSCU.xml'] },
  { id: 'Baobab1', files: ['Baobab/baobab1.xml', 'Baobab/baobab1-basic-events.xml'] },
  { id: 'Baobab2', files: ['Baobab/baobab2.xml', 'Baobab/baobab2-basic-events.xml'] },
  { id: 'CEA9601', files: ['CEA9601/CEA9601.xml', 'CEA9601/CEA9601-basic-events.xml'] },
  { id: 'Chinese', files: ['Chinese/chinese.xml', 'Chinese/chinese-basic-events.xml'] },
  { id: 'HIPPS', files: ['HIPPS/HIPPS.xml'] },
  { id: 'Lift', files: ['Lift/lift.xml'] },
  { id: 'SmallTree', files: ['SmallTree/SmallTree.xml'] },
  { id: 'Theatre', files: ['Theatre/theatre.xml'] },
  { id: 'ThreeMotor', files: ['ThreeMotor/three_motor.xml'] },
  { id: 'TwoTrain', files: ['TwoTrain/two_train.xml'] },
  { id: 'TwoTrain CCF', files: ['TwoTrain/common_cause.xml'] },
  { id: 'ne574', files: ['ne574/ne574.xml'] },
];

interface Measure {
  seconds: number;
  kb: number;
  ok: boolean;
  /** user + system CPU seconds (steadier than wall time on a shared machine) */
  cpu: number;
  /** what the process printed (kept when asked for) */
  out: string;
}

/** Runs under GNU time for the peak resident set; wall time measured here. */
function measure(cmd: string, args: string[], limitS: number, keepOutput = false): Promise<Measure> {
  return new Promise((resolve) => {
    const start = performance.now();
    const p = spawn('/usr/bin/time', ['-f', '%U %S %M', cmd, ...args], {
      cwd: INPUT,
      stdio: ['ignore', keepOutput ? 'pipe' : 'ignore', 'pipe'],
    });
    let err = '';
    let out = '';
    p.stderr?.on('data', (d) => (err += d));
    p.stdout?.on('data', (d) => (out += d));
    const timer = setTimeout(() => p.kill('SIGKILL'), limitS * 1000);
    p.on('close', (code) => {
      clearTimeout(timer);
      const seconds = (performance.now() - start) / 1000;
      const m = /([\d.]+) ([\d.]+) (\d+)\s*$/.exec(err.trim());
      const kb = Number(m?.[3] ?? Number.NaN);
      const cpu = Number(m?.[1] ?? Number.NaN) + Number(m?.[2] ?? Number.NaN);
      resolve({ seconds, kb, cpu, ok: code === 0 && seconds < limitS, out });
    });
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

async function bundle(dir: string): Promise<string> {
  // esbuild comes with tsx (pnpm keeps it beside tsx, not at the root)
  const require = createRequire(realpathSync(join(root, 'node_modules/tsx/package.json')));
  const esbuild = require('esbuild') as { build(options: Record<string, unknown>): Promise<unknown> };
  const out = join(dir, 'atelier.mjs');
  await esbuild.build({
    entryPoints: [join(root, 'bench/fta-entry.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: out,
    logLevel: 'error',
    // CommonJS dependencies (yaml) call require() on node built-ins
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
  });
  return out;
}

/**
 * Modules on against off, bundle only, alternating on and off run by run so that a change in the
 * machine's load falls on both.
 */
async function compareModules(bundled: string) {
  const imp = values.importance ? ['--importance'] : [];
  const rows: string[] = [];
  for (const m of MODELS) {
    if (only && !only.includes(m.id)) continue;
    const on: Measure[] = [];
    const off: Measure[] = [];
    for (let i = 0; i < runs; i++) {
      on.push(await measure(process.execPath, [bundled, 'analyze', ...m.files, '--json', ...imp], 600, true));
      off.push(
        await measure(
          process.execPath,
          [bundled, 'analyze', ...m.files, '--json', '--no-modules', ...imp],
          600,
          true,
        ),
      );
    }
    if (![...on, ...off].every((x) => x.ok)) throw new Error(`atelier failed on ${m.id}`);
    const inside = (xs: Measure[]) => median(xs.map((x) => JSON.parse(x.out).seconds as number));
    const products = JSON.parse(on[0].out).products;
    if (JSON.parse(off[0].out).products !== products) throw new Error(`${m.id}: modules change the products`);
    const wOn = median(on.map((x) => x.seconds));
    const wOff = median(off.map((x) => x.seconds));
    const cOn = median(on.map((x) => x.cpu));
    const cOff = median(off.map((x) => x.cpu));
    const mem = (xs: Measure[]) => `${(median(xs.map((x) => x.kb)) / 1024).toFixed(0)} MB`;
    const pair = (a: number, b: number) => `${a.toFixed(3)} s | ${b.toFixed(3)} s | ${(b / a).toFixed(2)}`;
    rows.push(
      `| ${m.id} | ${pair(wOn, wOff)} | ${pair(cOn, cOff)} | ${pair(inside(on), inside(off))} | ${mem(on)} | ${mem(off)} |`,
    );
    console.log(rows[rows.length - 1]);
  }
  console.log(
    `\nmedian of ${runs}, bundle run by node; speed-up = off / on (> 1: modules faster)${values.importance ? '; with importance' : ''}`,
  );
  console.log(
    '| model | wall, modules on | off | speed-up | CPU, on | off | speed-up | JSON seconds, on | off | speed-up | RSS on | RSS off |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) console.log(r);
}

async function main() {
  if (values['modules-compare']) {
    const dir = await mkdtemp(join(tmpdir(), 'fta-bench-'));
    try {
      await compareModules(await bundle(dir));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    return;
  }
  if (!existsSync('/usr/bin/scram') || !existsSync(INPUT)) {
    console.log('scram is not installed (apt-get install scram): nothing to compare');
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'fta-bench-'));
  try {
    const bundled = await bundle(dir);
    // the processes run in the models' directory, where `tsx` does not resolve by name
    const tsxLoader = pathToFileURL(createRequire(join(root, 'package.json')).resolve('tsx')).href;
    const imp = [
      ...(values.importance ? ['--importance'] : []),
      ...(values['no-modules'] ? ['--no-modules'] : []),
    ];
    const rows: string[] = [];
    for (const m of MODELS) {
      if (only && !only.includes(m.id)) continue;
      const out = join(dir, 'report.xml');
      const scramArgs = [
        '--probability',
        '1',
        '--ccf',
        '1',
        ...(values.importance ? ['--importance', '1'] : []),
        '-o',
        out,
        ...m.files,
      ];
      const tsxArgs = [
        '--import',
        tsxLoader,
        join(root, 'apps/cli/src/main.ts'),
        'fta',
        'analyze',
        ...m.files,
        '--json',
        ...imp,
      ];
      const bundleArgs = [bundled, 'analyze', ...m.files, '--json', ...imp];
      const s: Measure[] = [];
      const t: Measure[] = [];
      const b: Measure[] = [];
      // SCRAM gets one try when it cannot finish: more would only repeat the timeout
      for (let i = 0; i < runs; i++) {
        s.push(await measure('/usr/bin/scram', scramArgs, SCRAM_LIMIT_S));
        if (!s[s.length - 1].ok) break;
      }
      for (let i = 0; i < runs; i++) b.push(await measure(process.execPath, bundleArgs, 600));
      for (let i = 0; i < runs; i++) t.push(await measure(process.execPath, tsxArgs, 600));
      if (![...b, ...t].every((x) => x.ok)) throw new Error(`atelier failed on ${m.id}`);
      await rm(out, { force: true });
      const scramOk = s.every((x) => x.ok);
      const ms = scramOk ? median(s.map((x) => x.seconds)) : Number.NaN;
      const mb = median(b.map((x) => x.seconds));
      const mt = median(t.map((x) => x.seconds));
      const f = (x: number) => (Number.isNaN(x) ? `> ${SCRAM_LIMIT_S} s (killed)` : `${x.toFixed(3)} s`);
      const mem = (xs: Measure[]) => `${(median(xs.map((x) => x.kb)) / 1024).toFixed(0)} MB`;
      rows.push(
        `| ${m.id} | ${f(ms)} | ${scramOk ? mem(s) : '—'} | ${f(mb)} | ${mem(b)} | ${scramOk ? (ms / mb).toFixed(2) : '∞'} | ${f(mt)} | ${mem(t)} | ${scramOk ? (ms / mt).toFixed(2) : '∞'} |`,
      );
      console.log(rows[rows.length - 1]);
    }
    console.log(
      `\nmedian of ${runs}; ratio = SCRAM time / atelier time (> 1: atelier faster)${values.importance ? '; with importance' : ''}${values['no-modules'] ? '; atelier --no-modules' : ''}`,
    );
    console.log(
      '| model | scram | scram RSS | atelier (bundle) | RSS | ratio | atelier (tsx) | RSS | ratio |',
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const r of rows) console.log(r);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
