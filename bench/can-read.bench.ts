/**
 * CAN log read throughput: Atelier's readers against python-can, on the same generated files.
 *
 *   pnpm bench can-read [-- --frames 1000000 --runs 5 --no-python]
 *
 * Generates a log of --frames frames (fixed seed: 11/29-bit mix, 0–8 bytes) as candump -l and as
 * Vector ASC in a temporary directory, then reads each file --runs times, every run in a fresh
 * process (no JIT or cache warmth carried over): `node --import tsx bench/can-read.ts read FILE`
 * for Atelier, `/usr/bin/python3 bench/python_can_read.py FILE FORMAT` for python-can. Prints the
 * median frames/s and peak memory of each, and the ratio. Frames/s are given per wall-clock second
 * and per CPU second of the reading process: on a shared machine the wall-clock figure mostly
 * measures the other processes, the CPU figure the reader.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateLog } from './can-log-gen.js';
import { markdownTable } from './table.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    frames: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '5' },
    'no-python': { type: 'boolean', default: false },
  },
});
const frames = Number(values.frames);
const runs = Number(values.runs);

interface Run {
  frames: number;
  seconds: number;
  cpuSeconds: number;
  rssMiB: number;
  heapMiB?: number;
  rssStartMiB?: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function measure(cmd: string, args: string[]): Run[] {
  const out: Run[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
    const run = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Run;
    if (run.frames !== frames)
      throw new Error(`${args.join(' ')} read ${run.frames} frames, expected ${frames}`);
    out.push(run);
  }
  return out;
}

const hasPython =
  !values['no-python'] &&
  spawnSync('/usr/bin/python3', ['-c', 'import can'], { encoding: 'utf8' }).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'atelier-bench-can-'));
try {
  console.log(
    `${cpus().length} CPUs (${cpus()[0]?.model}), Node ${process.version}, load ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  console.log(`${frames} frames, median of ${runs} runs, each in a fresh process\n`);
  const rows: string[][] = [];
  for (const format of ['candump', 'asc'] as const) {
    const file = join(dir, format === 'candump' ? 'bench.log' : 'bench.asc');
    await generateLog(file, format, frames);
    const size = statSync(file).size;
    const ours = measure(process.execPath, ['--import', 'tsx', join(here, 'can-read.ts'), 'read', file]);
    const oursRate = median(ours.map((r) => r.frames / r.seconds));
    const oursCpuRate = median(ours.map((r) => r.frames / r.cpuSeconds));
    let pyRate = Number.NaN;
    let pyCpuRate = Number.NaN;
    let pyRss = Number.NaN;
    if (hasPython) {
      const py = measure('/usr/bin/python3', [join(here, 'python_can_read.py'), file, format]);
      pyRate = median(py.map((r) => r.frames / r.seconds));
      pyCpuRate = median(py.map((r) => r.frames / r.cpuSeconds));
      pyRss = median(py.map((r) => r.rssMiB));
    }
    rows.push([
      format,
      `${(size / 2 ** 20).toFixed(1)} MiB`,
      `${(oursRate / 1e6).toFixed(2)} M/s`,
      `${(oursCpuRate / 1e6).toFixed(2)} M/s`,
      `${median(ours.map((r) => r.rssMiB)).toFixed(0)} MiB (${median(ours.map((r) => r.rssStartMiB ?? 0)).toFixed(0)} at start)`,
      `${median(ours.map((r) => r.heapMiB ?? 0)).toFixed(0)} MiB`,
      hasPython ? `${(pyRate / 1e3).toFixed(0)} k/s` : 'n/a',
      hasPython ? `${(pyCpuRate / 1e3).toFixed(0)} k/s` : 'n/a',
      hasPython ? `${pyRss.toFixed(0)} MiB` : 'n/a',
      hasPython ? `${(oursRate / pyRate).toFixed(1)}× / ${(oursCpuRate / pyCpuRate).toFixed(1)}×` : 'n/a',
    ]);
    console.log(
      `${format}: Atelier runs ${ours.map((r) => (r.frames / r.seconds / 1e6).toFixed(2)).join(', ')} M frames/s`,
    );
  }
  const head = [
    'format',
    'file',
    'Atelier (wall)',
    'Atelier (CPU)',
    'peak RSS',
    'peak heap',
    'python-can (wall)',
    'python-can (CPU)',
    'py peak RSS',
    'ratio wall / CPU',
  ];
  console.log(`\n${markdownTable(head, rows)}`);
  console.log(
    `\nload after: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
