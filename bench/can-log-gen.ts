/**
 * The generated log of the CAN read benchmarks: a fixed seed, so every run and every reader sees
 * the same file. Apart from bench/can-read.ts so that the timed process does not load the writers.
 */
import { type Frame, makeFrame, openLogWriter } from '../packages/can/src/index.js';

/** Mulberry32: a tiny seeded PRNG, enough to make the same log every time. */
export function prng(seed: number): () => number {
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
