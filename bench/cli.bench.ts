// The released `atelier` command, whole process: how fast it starts, and `atelier can stats` over a
// large log against python-can reading the same file and against Atelier's own plain reading.
//
//   node --import tsx bench/cli.bench.ts [--runs N] [--startup-runs N] [--frames N] [--only startup|stats]
//
// Builds the release (scripts/build-cli.ts) and a bundle of bench/can-read.ts into a temp dir, so
// every Node process timed runs bundled JavaScript (no tsx), as a user's would. Every configuration
// runs once per round and the rounds repeat, so a change in the machine's load falls on all of them;
// medians. Each Node process runs twice per round: without NODE_EXTRA_CA_CERTS and with it (this
// machine points it at a CA bundle for its proxy; Node 20 parses it at every start, before any code).
// Wall time is measured here; CPU time (user + system) by GNU time, at its 10 ms resolution.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildCliRelease } from '../scripts/build-cli.js';
import { esbuild } from '../scripts/bundler.js';
import { generateLog } from './can-log-gen.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    'startup-runs': { type: 'string', default: '11' },
    frames: { type: 'string', default: '1000000' },
    only: { type: 'string' },
  },
});
const CERTS = process.env.NODE_EXTRA_CA_CERTS;
const PYTHON = '/usr/bin/python3';

interface Run {
  wall: number;
  cpu: number;
}

function measure(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const p = spawn('/usr/bin/time', ['-f', '%U %S', cmd, ...args], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => {
      const wall = (performance.now() - start) / 1000;
      const m = /([\d.]+) ([\d.]+)\s*$/.exec(err.trim());
      if (code !== 0 || !m) reject(new Error(`${cmd} ${args.join(' ')}: exit ${code}: ${err}`));
      else resolve({ wall, cpu: Number(m[1]) + Number(m[2]) });
    });
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

interface Config {
  name: string;
  cmd: string;
  args: string[];
  /** Node processes run with and without the CA bundle; others once. */
  node: boolean;
}

/** Runs every configuration once per round, `rounds` times; medians per configuration and env. */
async function rounds(configs: Config[], n: number): Promise<Map<string, { wall: number; cpu: number }>> {
  const runs = new Map<string, Run[]>();
  const envs: [string, NodeJS.ProcessEnv][] = [['', withoutCerts]];
  if (CERTS) envs.push([' +certs', process.env]);
  for (let r = 0; r < n; r++)
    for (const c of configs)
      for (const [tag, env] of c.node ? envs : envs.slice(0, 1)) {
        const key = c.name + tag;
        if (!runs.has(key)) runs.set(key, []);
        runs.get(key)!.push(await measure(c.cmd, c.args, env));
      }
  return new Map(
    [...runs].map(([k, rs]) => [
      k,
      { wall: median(rs.map((x) => x.wall)), cpu: median(rs.map((x) => x.cpu)) },
    ]),
  );
}

const withoutCerts = { ...process.env };
delete withoutCerts.NODE_EXTRA_CA_CERTS;
const ms = (s: number) => `${(s * 1000).toFixed(0)} ms`;

const dir = await mkdtemp(join(tmpdir(), 'atelier-bench-cli-'));
try {
  console.log(
    `${cpus().length} CPUs (${cpus()[0]?.model}), Node ${process.version}, load ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}${CERTS ? `, NODE_EXTRA_CA_CERTS=${CERTS}` : ''}`,
  );
  const release = await buildCliRelease(join(dir, 'atelier'));
  const node = process.execPath;
  const atelier = (...args: string[]): Config => ({
    name: `atelier ${args.map((a) => (a.startsWith(dir) ? 'LOG' : a)).join(' ')}`,
    cmd: node,
    args: [release.bin, ...args],
    node: true,
  });

  if (!values.only || values.only === 'startup') {
    const n = Number(values['startup-runs']);
    const m = await rounds(
      [
        { name: 'node -e 0', cmd: node, args: ['-e', '0'], node: true },
        atelier('--help'),
        atelier('obd', 'decode', '7E8 04 41 0C 1A F8'),
        {
          name: 'atelier --help (tsx)',
          cmd: node,
          args: ['--import', 'tsx', join(here, '../apps/cli/src/main.ts'), '--help'],
          node: true,
        },
      ],
      n,
    );
    console.log(`\nstart-up, median of ${n} rounds (wall, CPU, wall / node -e 0)`);
    for (const tag of CERTS ? ['', ' +certs'] : ['']) {
      const base = m.get(`node -e 0${tag}`)!;
      for (const [k, v] of m)
        if (k.endsWith(tag) && (tag || !k.endsWith('+certs')))
          console.log(
            `  ${k.padEnd(42)} ${ms(v.wall).padStart(7)} ${ms(v.cpu).padStart(7)}  ${(v.wall / base.wall).toFixed(2)}×`,
          );
    }
  }

  if (!values.only || values.only === 'stats') {
    const frames = Number(values.frames);
    const log = join(dir, 'bench.log');
    await generateLog(log, 'candump', frames);
    const reader = join(dir, 'can-read.mjs');
    await esbuild().build({
      entryPoints: [join(here, 'can-read.ts')],
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      outfile: reader,
      external: ['socketcan'],
      logLevel: 'error',
    });
    const n = Number(values.runs);
    const m = await rounds(
      [
        {
          name: 'python-can CanutilsLogReader',
          cmd: PYTHON,
          args: [join(here, 'python_can_read.py'), log, 'candump'],
          node: false,
        },
        atelier('can', 'stats', log, '--json'),
        { name: 'plain reading (frames)', cmd: node, args: [reader, 'read', log], node: true },
        { name: 'plain reading (batches)', cmd: node, args: [reader, 'read-batches', log], node: true },
      ],
      n,
    );
    console.log(`\n${frames} candump frames (LOG), median of ${n} rounds (wall, CPU)`);
    for (const [k, v] of m)
      console.log(`  ${k.padEnd(42)} ${ms(v.wall).padStart(7)} ${ms(v.cpu).padStart(7)}`);
    const py = m.get('python-can CanutilsLogReader')!;
    for (const tag of CERTS ? ['', ' +certs'] : ['']) {
      const stats = m.get(`atelier can stats LOG --json${tag}`)!;
      const frameRead = m.get(`plain reading (frames)${tag}`)!;
      const batchRead = m.get(`plain reading (batches)${tag}`)!;
      console.log(
        `  ratios${tag || ' (no certs)'}: python-can / stats ${(py.wall / stats.wall).toFixed(1)}× wall, ${(py.cpu / stats.cpu).toFixed(1)}× CPU; ` +
          `stats / plain reading (frames) ${(stats.wall / frameRead.wall).toFixed(2)} wall, ${(stats.cpu / frameRead.cpu).toFixed(2)} CPU; ` +
          `stats / plain reading (batches) ${(stats.wall / batchRead.wall).toFixed(2)} wall, ${(stats.cpu / batchRead.cpu).toFixed(2)} CPU`,
      );
    }
  }
  console.log(
    `\nload after: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
