/**
 * Live-data rate through an SLCAN adapter: PIDs per second polled as fast as the car answers, from
 * the simulated car's engine ECU (4 ms processing), through the SLCAN emulator on a pseudo-terminal
 * (socat, serialport: the path of a CANable on /dev/ttyACM0) and on TCP, against the same car reached
 * on an in-process virtual CAN bus (no adapter at all: the baseline).
 *
 *   node --import tsx bench/slcan-live.bench.ts [SECONDS=3] [RUNS=5]
 *
 * Figures are medians of RUNS runs of SECONDS each, real time.
 */
import { openAdapter } from '../packages/adapters/src/index.js';
import { SlcanEmulator, serveSlcan, VirtualBus } from '../packages/can/src/index.js';
import { type DiagnosticLink, IsoTpLink, PidPoller, physical } from '../packages/obd/src/index.js';
import { loadScenario, serveOnBus, Vehicle } from '../packages/vehicle-sim/src/index.js';
import { PID_LENGTH, PID_SETS } from './live-pids.js';
import { markdownTable } from './table.js';

const [seconds = 3, runs = 5] = process.argv.slice(2).map(Number);

type Path = 'virtual CAN (baseline)' | 'SLCAN on TCP' | 'SLCAN on pty';
const PATHS: Path[] = ['virtual CAN (baseline)', 'SLCAN on TCP', 'SLCAN on pty'];

let channels = 0;

async function once(
  pids: number[],
  path: Path,
): Promise<{ pidsPerSecond: number; requestsPerSecond: number }> {
  const channel = `bench-slcan-${++channels}`;
  const carBus = new VirtualBus(channel);
  const served = serveOnBus(carBus, Vehicle.fromScenario(loadScenario('misfire-cyl2')));
  let link: DiagnosticLink;
  let release: () => Promise<void>;
  if (path === 'virtual CAN (baseline)') {
    const bus = new VirtualBus(channel);
    link = new IsoTpLink(bus, { timeoutMs: 500 });
    release = async () => {
      await link.close();
      await bus.close();
    };
  } else {
    const service = await serveSlcan(new SlcanEmulator({ channel }), { pty: path === 'SLCAN on pty' });
    const target = path === 'SLCAN on pty' ? service.path! : `tcp://127.0.0.1:${service.port}`;
    const adapter = await openAdapter(`slcan:${target}?extended=0&timeout=500`);
    link = adapter.link;
    release = async () => {
      await adapter.close();
      await service.close();
    };
  }
  const poller = new PidPoller(
    link,
    pids.map((pid) => ({ pid, periodMs: 0, target: physical(0x7e0) })),
    { pidLength: (p) => PID_LENGTH[p], maxPerRequest: 6, onSample: () => {} },
  );
  const ac = new AbortController();
  const t0 = performance.now();
  const run = poller.run(ac.signal);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  ac.abort();
  await run;
  const elapsed = (performance.now() - t0) / 1000;
  await release();
  served.close();
  await carBus.close();
  return {
    pidsPerSecond: poller.counts.samples / elapsed,
    requestsPerSecond: poller.counts.requests / elapsed,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log(`SLCAN live-data rate — engine ECU (4 ms processing), ${seconds} s × ${runs} runs (median)\n`);
const rows: string[][] = [];
for (const [label, pids] of Object.entries(PID_SETS)) {
  const base: number[] = [];
  for (const path of PATHS) {
    const r: { pidsPerSecond: number; requestsPerSecond: number }[] = [];
    for (let i = 0; i < runs; i++) r.push(await once(pids, path));
    const pps = median(r.map((x) => x.pidsPerSecond));
    if (path === PATHS[0]) base.push(pps);
    rows.push([
      label,
      path,
      String(Math.min(6, pids.length)),
      median(r.map((x) => x.requestsPerSecond)).toFixed(1),
      pps.toFixed(1),
      `${((pps / base[0]!) * 100).toFixed(0)} %`,
      r.map((x) => x.pidsPerSecond.toFixed(0)).join(' '),
    ]);
  }
}
console.log(
  markdownTable(
    ['PIDs', 'path', 'PIDs/request', 'requests/s', 'PIDs/s (median)', 'vs virtual CAN', 'runs (PIDs/s)'],
    rows,
  ),
);
