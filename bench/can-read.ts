/**
 * The workload of the CAN log read benchmark: one timed read of a log (bench/can-log-gen.ts makes
 * it). `can-read.bench.ts` runs this module in
 * fresh processes: `node --import tsx bench/can-read.ts read FILE` prints one JSON result line.
 */
import { writeFileSync } from 'node:fs';
import process from 'node:process';
import { frameBatches, readLog } from '../packages/can/src/index.js';

// The generated log lives in bench/can-log-gen.ts: the timed process bundles what a reading
// program holds (the readers), not the writers that made its file (2.5 ms of start-up).

/** Reads the file once through the public API; returns frames/s and peak memory. */
export async function timeRead(
  path: string,
  how: 'frames' | 'batches' = 'frames',
): Promise<{
  frames: number;
  seconds: number;
  cpuSeconds: number;
  rssMiB: number;
  heapMiB: number;
  rssStartMiB: number;
}> {
  const rssStart = process.memoryUsage.rss();
  let peakRss = process.memoryUsage.rss();
  let peakHeap = process.memoryUsage().heapUsed;
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  let frames = 0;
  let bytes = 0;
  const reader = readLog(path);
  if (how === 'frames') {
    for await (const f of reader) {
      frames++;
      bytes += f.data.length;
      // Sampling every 64 Ki frames keeps the probe out of the measurement.
      if ((frames & 0xffff) === 0) {
        peakRss = Math.max(peakRss, process.memoryUsage.rss());
        peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
      }
    }
  } else {
    // The columnar path (`atelier can stats` reads this way): every frame's payload touched too.
    let turns = 0;
    for await (const b of frameBatches(reader)) {
      for (let k = 0; k < b.length; k++) bytes += b.start[k + 1] - b.start[k];
      frames += b.length;
      // Every 16 batches (64 Ki frames at the default capacity), as the frame-by-frame probe.
      if ((++turns & 15) === 0) peakRss = Math.max(peakRss, process.memoryUsage.rss());
    }
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  if (bytes < 0) console.log(bytes);
  return {
    frames,
    seconds,
    cpuSeconds,
    rssMiB: peakRss / 2 ** 20,
    heapMiB: peakHeap / 2 ** 20,
    rssStartMiB: rssStart / 2 ** 20,
  };
}

if (/can-read\.(ts|mjs)$/.test(process.argv[1] ?? '')) {
  const [cmd, file] = process.argv.slice(2);
  if (cmd === 'read' || cmd === 'read-batches') {
    console.log(JSON.stringify(await timeRead(file, cmd === 'read' ? 'frames' : 'batches')));
  } else {
    writeFileSync(2, 'usage: can-read.ts read FILE | read-batches FILE\n');
    process.exit(2);
  }
}
