/**
 * Replay timing error on the real clock: plays a generated log (frames every PERIOD ms, with a 29-bit
 * id every fourth frame) onto a virtual bus at 1× and reports the player's scheduled-vs-actual send
 * error. Median of RUNS runs.
 *
 *   node --import tsx bench/replay-timing.ts [frames=2000] [periodMs=1] [runs=5] [speed=1] [spinMs=1]
 */
import { makeFrame, Player, VirtualBus } from '../packages/can/src/index.js';

const [frames = 2000, periodMs = 1, runs = 5, speed = 1, spinMs = 1] = process.argv.slice(2).map(Number);

function* log() {
  for (let i = 0; i < frames; i++) {
    yield makeFrame({
      id: i % 4 === 3 ? 0x18daf110 : 0x100 + (i % 7),
      extended: i % 4 === 3,
      data: [i & 0xff, 1, 2, 3, 4, 5, 6, 7],
      timestamp: 1_700_000_000 + (i * periodMs) / 1000,
    });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results: { mean: number; max: number; over1: number; elapsed: number }[] = [];
for (let r = 0; r < runs; r++) {
  const bus = new VirtualBus(`bench-replay-${r}`);
  const sink = new VirtualBus(`bench-replay-${r}`);
  let received = 0;
  sink.subscribe(() => received++);
  const report = await new Player(bus, () => log(), { speed, spinMs }).play();
  if (received !== frames) throw new Error(`received ${received} of ${frames}`);
  results.push({
    mean: report.timing.meanMs,
    max: report.timing.maxMs,
    over1: report.timing.lateOver1ms,
    elapsed: report.elapsedMs,
  });
  await bus.close();
  await sink.close();
}
const expected = ((frames - 1) * periodMs) / speed;
console.log(
  `replay ${frames} frames every ${periodMs} ms at ${speed}×, spinMs ${spinMs}, ${runs} runs (median): ` +
    `mean error ${median(results.map((x) => x.mean)).toFixed(3)} ms, ` +
    `max error ${median(results.map((x) => x.max)).toFixed(3)} ms, ` +
    `frames off by >1 ms ${median(results.map((x) => x.over1))}, ` +
    `elapsed ${median(results.map((x) => x.elapsed)).toFixed(1)} ms (log ${expected.toFixed(1)} ms)`,
);
