// Whole-process time and peak memory of `atelier fta analyze` against `scram` on the models SCRAM
// ships (Debian scram 0.16.2). Median of N runs (default 5), ratio per model.
//
//   node --import tsx bench/fta-vs-scram.bench.ts [--runs N] [--importance] [--only NAME[,NAME…]]
//        [--no-modules | --modules-compare] [--keep-env]
//
// atelier is timed three ways, its runs interleaved with SCRAM's so that a change in the machine's
// load falls on all: as a release ships it (scripts/build-fta.ts, built into a temp dir: the launcher
// running Node from a V8 startup snapshot of the bundled command), the same bundle run by plain node
// (no snapshot), and through tsx as in development (`pnpm atelier`).
// `--no-modules` passes the flag to atelier (one BDD for the whole tree). `--modules-compare` runs
// only the bundle, modules on and off in alternation, and reports whole-process time, peak memory
// and the `seconds` atelier prints in its JSON (time inside the command: reading and analysis).
//
// Every process runs without NODE_EXTRA_CA_CERTS unless `--keep-env`: this machine points it at a
// CA bundle for its proxy, and Node 20 parses that file at every start (~37 ms, before any code of
// ours runs). An offline analysis needs no certificate; the figure with it is printed too.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { buildFtaRelease } from '../scripts/build-fta.js';

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
    'keep-env': { type: 'boolean' },
  },
});
const env = { ...process.env };
if (!values['keep-env']) delete env.NODE_EXTRA_CA_CERTS;
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
    // Its own process group, so that the time limit kills the measured program, not only GNU time.
    const p = spawn('/usr/bin/time', ['-f', '%U %S %M', cmd, ...args], {
      cwd: INPUT,
      env,
      detached: true,
      stdio: ['ignore', keepOutput ? 'pipe' : 'ignore', 'pipe'],
    });
    let err = '';
    let out = '';
    p.stderr?.on('data', (d) => (err += d));
    p.stdout?.on('data', (d) => (out += d));
    const timer = setTimeout(() => process.kill(-p.pid!, 'SIGKILL'), limitS * 1000);
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
      await compareModules((await buildFtaRelease(dir)).bundle);
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
    const release = await buildFtaRelease(dir);
    // the processes run in the models' directory, where `tsx` does not resolve by name
    const tsxLoader = pathToFileURL(createRequire(join(root, 'package.json')).resolve('tsx')).href;
    const imp = [
      ...(values.importance ? ['--importance'] : []),
      ...(values['no-modules'] ? ['--no-modules'] : []),
    ];
    // What Node costs before any code runs, with and without the machine's CA bundle.
    const bare: Measure[] = [];
    const withCa: Measure[] = [];
    for (let i = 0; i < Math.max(runs, 5); i++) {
      bare.push(await measure(process.execPath, ['-e', '0'], 60));
      withCa.push(
        await measure(
          '/usr/bin/env',
          [`NODE_EXTRA_CA_CERTS=${process.env.NODE_EXTRA_CA_CERTS ?? ''}`, process.execPath, '-e', '0'],
          60,
        ),
      );
    }
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
      const fta = ['analyze', ...m.files, '--json', ...imp];
      const ways: [string, string[]][] = [
        [release.launcher, fta],
        [process.execPath, [release.bundle, ...fta]],
        [process.execPath, ['--import', tsxLoader, join(root, 'apps/cli/src/main.ts'), 'fta', ...fta]],
      ];
      const s: Measure[] = [];
      const a: Measure[][] = ways.map(() => []);
      let scramOk = true;
      for (let i = 0; i < runs; i++) {
        // SCRAM gets one try when it cannot finish: more would only repeat the timeout
        if (scramOk) {
          s.push(await measure('/usr/bin/scram', scramArgs, SCRAM_LIMIT_S));
          scramOk = s[s.length - 1].ok;
        }
        for (const [k, [cmd, args]] of ways.entries()) a[k].push(await measure(cmd, args, 600));
      }
      if (!a.flat().every((x) => x.ok)) throw new Error(`atelier failed on ${m.id}`);
      await rm(out, { force: true });
      const ms = scramOk ? median(s.map((x) => x.seconds)) : Number.NaN;
      const f = (x: number) => (Number.isNaN(x) ? `> ${SCRAM_LIMIT_S} s (killed)` : `${x.toFixed(3)} s`);
      const mem = (xs: Measure[]) => `${(median(xs.map((x) => x.kb)) / 1024).toFixed(0)} MB`;
      const cells = a.map((xs) => {
        const t = median(xs.map((x) => x.seconds));
        return `${f(t)} | ${mem(xs)} | ${scramOk ? (ms / t).toFixed(2) : '∞'}`;
      });
      rows.push(`| ${m.id} | ${f(ms)} | ${scramOk ? mem(s) : '—'} | ${cells.join(' | ')} |`);
      console.log(rows[rows.length - 1]);
    }
    console.log(
      `\nmedian of ${runs}; ratio = SCRAM time / atelier time (> 1: atelier faster)${values.importance ? '; with importance' : ''}${values['no-modules'] ? '; atelier --no-modules' : ''}` +
        `; ${values['keep-env'] ? 'machine environment' : 'NODE_EXTRA_CA_CERTS unset'}` +
        `\nnode -e 0: ${median(bare.map((x) => x.seconds)).toFixed(3)} s${values['keep-env'] ? '' : ` (with this machine's NODE_EXTRA_CA_CERTS: ${median(withCa.map((x) => x.seconds)).toFixed(3)} s)`}`,
    );
    console.log(
      '| model | scram | RSS | atelier release (snapshot) | RSS | ratio | atelier bundle | RSS | ratio | atelier via tsx | RSS | ratio |',
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const r of rows) console.log(r);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
