/**
 * Binary CAN log read throughput: Atelier's MF4 and BLF readers against python-can's BLF reader,
 * on the same generated frames.
 *
 *   pnpm bench can-read-binary [-- --sizes 100000,1000000 --runs 5 --no-python]
 *
 * For each size, the frames of bench/can-read.ts (fixed seed) are written by Atelier as BLF, as
 * MF4 with plain DT blocks and as MF4 with transposed DZ blocks. Each file is then read --runs
 * times, every run a fresh process, the runs of every reader interleaved: Atelier through the
 * public API, frame by frame (`for await` over `readLog`) and in columns (`frameBatches`, what
 * `atelier can stats` reads), python-can through `can.BLFReader` on the BLF file
 * (`bench/python_can_read.py FILE blf`; python-can has no MF4 reader of its own). Atelier's
 * process runs bench/can-read.ts bundled into one JavaScript file by esbuild (as the released
 * command runs: no TypeScript loader in the timed process; `--tsx` runs it through tsx instead).
 * Two figures per run: the read itself (measured inside the process, wall and CPU), and the whole
 * process (GNU time: wall, user + system CPU, peak RSS), start-up included. Medians of the runs;
 * ratios against python-can's BLF reader. `--baseline REF` (a git ref, e.g. main) also bundles the
 * readers as they are at REF and times them in the same interleaved runs: before and after under
 * the same load.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type LogWriter, openLogWriter } from '../packages/can/src/index.js';
import { esbuild, ROOT } from '../scripts/bundler.js';
import { generateFrames } from './can-log-gen.js';
import { markdownTable } from './table.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100000,1000000' },
    runs: { type: 'string', default: '5' },
    'no-python': { type: 'boolean', default: false },
    tsx: { type: 'boolean', default: false },
    baseline: { type: 'string' },
  },
});
const sizes = values.sizes.split(',').map(Number);
const runs = Number(values.runs);

interface Run {
  /** Inside the process: the read alone. */
  frames: number;
  seconds: number;
  cpuSeconds: number;
  /** The whole process, from GNU time. */
  wall: number;
  cpu: number;
  maxRssMiB: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * The environment of the timed processes: this one's without NODE_EXTRA_CA_CERTS. Some machines
 * (this sandbox's) set it for a proxy; Node then parses that certificate bundle at start-up,
 * before any code runs (measured here: `node -e 0` 0.08 s with it, 0.03 s without). A user
 * reading a log does not have it, python never reads it, and the bench compares readers.
 */
const childEnv = { ...process.env };
delete childEnv.NODE_EXTRA_CA_CERTS;

/** One fresh process under GNU time: its JSON line and its whole-process figures. */
function measure(cmd: string, args: string[], expected: number): Run {
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S %M', cmd, ...args], {
    encoding: 'utf8',
    maxBuffer: 16 * 2 ** 20,
    env: childEnv,
  });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  const json = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Run;
  if (json.frames !== expected)
    throw new Error(`${args.join(' ')} read ${json.frames} frames, expected ${expected}`);
  const t = /TIME (\S+) (\S+) (\S+) (\S+)/.exec(r.stderr)!;
  return { ...json, wall: Number(t[1]), cpu: Number(t[2]) + Number(t[3]), maxRssMiB: Number(t[4]) / 1024 };
}

const hasPython =
  !values['no-python'] &&
  spawnSync('/usr/bin/python3', ['-c', 'import can'], { encoding: 'utf8' }).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'atelier-bench-binary-'));
/** bench/can-read.ts of the tree at `root`, bundled into one file: the argv of its process. */
async function bundled(root: string, name: string): Promise<string[]> {
  const bundle = join(dir, name);
  await esbuild().build({
    entryPoints: [join(root, 'bench', 'can-read.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: bundle,
    logLevel: 'error',
  });
  return [bundle];
}

/** The packages and bench of a git ref, beside this checkout's installed dependencies. */
function checkout(ref: string): string {
  const root = join(dir, 'baseline');
  mkdirSync(root);
  const archive = spawnSync(
    'git',
    ['-C', ROOT, 'archive', '--format=tar', ref, 'packages', 'bench', 'scripts'],
    {
      maxBuffer: 256 * 2 ** 20,
    },
  );
  if (archive.status !== 0) throw new Error(`git archive ${ref}: ${archive.stderr}`);
  const untar = spawnSync('tar', ['-x', '-C', root], { input: archive.stdout });
  if (untar.status !== 0) throw new Error(`tar: ${untar.stderr}`);
  const linkModules = (d: string) => {
    if (existsSync(join(ROOT, d, 'node_modules')) && existsSync(join(root, d)))
      symlinkSync(join(ROOT, d, 'node_modules'), join(root, d, 'node_modules'));
  };
  linkModules('.');
  for (const p of readdirSync(join(ROOT, 'packages'))) linkModules(join('packages', p));
  return root;
}

/** How Atelier's timed processes run bench/can-read.ts: this tree, and the baseline's. */
const variants: { label: string; argv: string[] }[] = [
  {
    label: '',
    argv: values.tsx ? ['--import', 'tsx', join(here, 'can-read.ts')] : await bundled(ROOT, 'can-read.mjs'),
  },
];
if (values.baseline) {
  variants.push({
    label: ` (${values.baseline})`,
    // Named can-read.mjs too: the module runs its command line only under that name.
    argv: await bundled(checkout(values.baseline), join('baseline', 'can-read.mjs')),
  });
}
const fmtRate = (r: number) => (r >= 1e6 ? `${(r / 1e6).toFixed(2)} M/s` : `${(r / 1e3).toFixed(0)} k/s`);

try {
  console.log(
    `${cpus().length} CPUs (${cpus()[0]?.model}), Node ${process.version}, load ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  console.log(`sizes ${sizes.join(', ')} frames; median of ${runs} runs, each a fresh process\n`);
  const rows: string[][] = [];
  for (const size of sizes) {
    const files = {
      blf: join(dir, `bench-${size}.blf`),
      mf4: join(dir, `bench-${size}.mf4`),
      'mf4 (DZ)': join(dir, `bench-${size}-dz.mf4`),
    };
    const apis = { frames: 'read', columns: 'read-batches' };
    const writers: LogWriter[] = [
      openLogWriter(files.blf, 'blf'),
      openLogWriter(files.mf4, 'mf4'),
      openLogWriter(files['mf4 (DZ)'], 'mf4', { mf4Compression: 'transposed' }),
    ];
    for (const f of generateFrames(size)) {
      for (const w of writers) {
        const wait = w.write(f);
        if (wait) await wait;
      }
    }
    for (const w of writers) await w.close();
    const results = new Map<string, Run[]>();
    const add = (k: string, r: Run) => results.set(k, [...(results.get(k) ?? []), r]);
    for (let i = 0; i < runs; i++) {
      for (const [name, file] of Object.entries(files)) {
        for (const [api, cmd] of Object.entries(apis))
          for (const v of variants)
            add(`${name}, ${api}${v.label}`, measure(process.execPath, [...v.argv, cmd, file], size));
      }
      if (hasPython)
        add(
          'python',
          measure('/usr/bin/python3', [join(here, 'python_can_read.py'), files.blf, 'blf'], size),
        );
    }
    const py = results.get('python');
    for (const [name, file] of Object.entries(files).flatMap(([n, f]) =>
      Object.keys(apis).flatMap((api) => variants.map((v) => [`${n}, ${api}${v.label}`, f] as const)),
    )) {
      const ours = results.get(name)!;
      const rate = median(ours.map((r) => r.frames / r.seconds));
      const cpuRate = median(ours.map((r) => r.frames / r.cpuSeconds));
      const wall = median(ours.map((r) => r.wall));
      const cpu = median(ours.map((r) => r.cpu));
      const row = [
        size.toLocaleString('en'),
        `${name} ${(statSync(file).size / 2 ** 20).toFixed(1)} MiB`,
        `${fmtRate(rate)} / ${fmtRate(cpuRate)}`,
        `${wall.toFixed(2)} s / ${cpu.toFixed(2)} s`,
        `${median(ours.map((r) => r.maxRssMiB)).toFixed(0)} MiB`,
      ];
      if (py) {
        const pyRate = median(py.map((r) => r.frames / r.seconds));
        const pyCpuRate = median(py.map((r) => r.frames / r.cpuSeconds));
        const pyWall = median(py.map((r) => r.wall));
        const pyCpu = median(py.map((r) => r.cpu));
        row.push(
          `${fmtRate(pyRate)} / ${fmtRate(pyCpuRate)}`,
          `${pyWall.toFixed(2)} s / ${pyCpu.toFixed(2)} s`,
          `${median(py.map((r) => r.maxRssMiB)).toFixed(0)} MiB`,
          `${(rate / pyRate).toFixed(1)}× / ${(cpuRate / pyCpuRate).toFixed(1)}×`,
          `${(pyWall / wall).toFixed(1)}× / ${(pyCpu / cpu).toFixed(1)}×`,
        );
      }
      rows.push(row);
      console.log(
        `${size} ${name}: Atelier whole-process runs ${ours.map((r) => r.wall.toFixed(2)).join(', ')} s`,
      );
    }
  }
  const head = [
    'frames',
    'file',
    'Atelier read (wall / CPU)',
    'Atelier process (wall / CPU)',
    'Atelier peak RSS',
  ];
  if (hasPython) {
    head.push(
      'python-can BLF read',
      'python-can process',
      'python-can peak RSS',
      'ratio read',
      'ratio process',
    );
  }
  console.log(`\n${markdownTable(head, rows)}`);
  console.log(
    `\nload after: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
