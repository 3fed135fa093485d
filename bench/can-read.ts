/**
 * The workload of the CAN log read benchmark: a generated log (fixed seed, so every run and every
 * reader sees the same file) and one timed read of it. `can-read.bench.ts` runs this module in
 * fresh processes: `node --import tsx bench/can-read.ts read FILE` prints one JSON result line.
 */
import { writeFileSync } from 'node:fs';
import process from 'node:process';
import { type Frame, frameBatches, makeFrame, openLogWriter, readLog } from '../packages/can/src/index.js';

/** Mulberry32: a tiny seeded PRNG, enough to make the same log every time. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` frames: 70 % 11-bit, 30 % 29-bit ids from a pool of 200, 0–8 bytes, 1 ms apart on average. */
export function* generateFrames(count: number, seed = 20220106): Generator<Frame> {
  const rnd = prng(seed);
  const pool = Array.from({ length: 200 }, () =>
    rnd() < 0.7
      ? { id: Math.floor(rnd() * 0x800), extended: false }
      : { id: Math.floor(rnd() * 0x20000000), extended: true },
  );
  let t = 1_700_000_000;
  for (let i = 0; i < count; i++) {
    const { id, extended } = pool[Math.floor(rnd() * pool.length)];
    const n = Math.floor(rnd() * 9);
    const data = new Uint8Array(n);
    for (let k = 0; k < n; k++) data[k] = Math.floor(rnd() * 256);
    t += Math.round(rnd() * 2000) / 1e6;
    yield makeFrame({
      id,
      extended,
      data,
      timestamp: t,
      channel: 'can0',
      direction: rnd() < 0.5 ? 'rx' : 'tx',
    });
  }
}

export async function generateLog(path: string, format: 'candump' | 'asc', count: number): Promise<void> {
  const writer = openLogWriter(path, format);
  for (const f of generateFrames(count)) {
    const wait = writer.write(f);
    if (wait) await wait;
  }
  await writer.close();
}

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
  const [cmd, file, format, count] = process.argv.slice(2);
  if (cmd === 'generate') {
    await generateLog(file, format as 'candump' | 'asc', Number(count));
  } else if (cmd === 'read' || cmd === 'read-batches') {
    console.log(JSON.stringify(await timeRead(file, cmd === 'read' ? 'frames' : 'batches')));
  } else {
    writeFileSync(2, 'usage: can-read.ts generate FILE candump|asc COUNT | read FILE | read-batches FILE\n');
    process.exit(2);
  }
}
