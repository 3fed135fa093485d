/**
 * Live-data rate through the ELM327 emulator: PIDs per second for 1, 6 and 12 PIDs polled as fast
 * as the line allows, at 38400 baud with a realistic ECU latency, against the serial-line bound.
 *
 *   node --import tsx bench/elm327-live.bench.ts [SECONDS=3] [RUNS=3] [LATENCY_MS=15] [BAUD=38400]
 *
 * Each configuration runs twice: in virtual time (the emulator's timing model alone, exact and
 * repeatable) and in real time over a TCP socket (the model plus Node timers, sockets and the
 * client's own work). Figures are medians of RUNS runs.
 */
import { type Clock, systemClock, VirtualClock } from '../packages/clock/src/index.js';
import {
  type AdapterProfile,
  DemoCar,
  duplexPair,
  Elm327Emulator,
  Elm327Link,
  GENUINE,
  openTcp,
  serveTcp,
  Transcript,
} from '../packages/elm327/src/index.js';
import { PidPoller, physical } from '../packages/obd/src/index.js';
import { PID_LENGTH, PID_SETS } from './live-pids.js';

const [seconds = 3, runs = 3, latencyMs = 15, baud = 38_400] = process.argv.slice(2).map(Number);

const LEN = PID_LENGTH;
const SETS = PID_SETS;

/** The client's and the emulator's behaviour: what Atelier does, and a naive one-PID, no-count client. */
const MODES: Record<string, AdapterProfile> = {
  atelier: GENUINE,
  naive: { ...GENUINE, name: 'naive', quirks: { ...GENUINE.quirks, responseCount: false, maxPids: 1 } },
};

interface Result {
  pidsPerSecond: number;
  requestsPerSecond: number;
  /** Serial bytes (both ways) per request. */
  bytesPerRequest: number;
}

async function once(pids: number[], profile: AdapterProfile, virtual: boolean): Promise<Result> {
  const clock: Clock = virtual ? new VirtualClock() : systemClock;
  const emu = new Elm327Emulator({ responder: new DemoCar(), clock, baud, latencyMs, profile });
  const transcript = new Transcript(clock);
  let close = async () => {};
  let open: () => Promise<import('node:stream').Duplex>;
  if (virtual) {
    open = async () => {
      const [a, b] = duplexPair();
      emu.attach(b);
      return a;
    };
  } else {
    const tcp = await serveTcp(emu, { port: 0 });
    close = tcp.close;
    open = () => openTcp('127.0.0.1', tcp.port);
  }
  const link = new Elm327Link({ open, clock, profile, transcript });
  const vc = clock instanceof VirtualClock ? clock : undefined;
  await (vc ? vc.run(link.start()) : link.start());
  const before = transcript.entries.length;
  const poller = new PidPoller(
    link,
    pids.map((pid) => ({ pid, periodMs: 0, target: physical(0x7e0) })),
    { clock, pidLength: (p) => LEN[p], maxPerRequest: profile.quirks.maxPids, onSample: () => {} },
  );
  const ac = new AbortController();
  const t0 = clock.now();
  const run = poller.run(ac.signal);
  if (vc) {
    await vc.advance(seconds * 1000);
    ac.abort();
    await vc.run(run);
  } else {
    await new Promise((r) => setTimeout(r, seconds * 1000));
    ac.abort();
    await run;
  }
  const elapsed = (clock.now() - t0) / 1000;
  const bytes = transcript.entries
    .slice(before)
    .reduce((n, e) => n + (e.dir === 'note' ? 0 : e.data.length), 0);
  const result = {
    pidsPerSecond: poller.counts.samples / elapsed,
    requestsPerSecond: poller.counts.requests / elapsed,
    bytesPerRequest: bytes / Math.max(1, poller.counts.requests),
  };
  await (vc ? vc.run(link.close()) : link.close());
  emu.close();
  await close();
  return result;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log(
  `ELM327 emulator live-data rate — ${baud} baud, ECU latency ${latencyMs} ms, ${seconds} s × ${runs} runs (median)\n`,
);
console.log(
  '| PIDs | client | PIDs/request | bytes/request | line bound PIDs/s | line+latency bound | virtual time PIDs/s | real time (TCP) PIDs/s |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (const [label, pids] of Object.entries(SETS)) {
  for (const [mode, profile] of Object.entries(MODES)) {
    const v: Result[] = [];
    const r: Result[] = [];
    for (let i = 0; i < runs; i++) v.push(await once(pids, profile, true));
    for (let i = 0; i < runs; i++) r.push(await once(pids, profile, false));
    const perRequest = Math.min(pids.length, profile.quirks.maxPids);
    const bytes = median(v.map((x) => x.bytesPerRequest));
    // The line bound: the serial line busy all the time with requests and answers, nothing else.
    const lineMs = (bytes * 10 * 1000) / baud;
    const lineBound = (perRequest / lineMs) * 1000;
    const latencyBound = (perRequest / (lineMs + latencyMs)) * 1000;
    console.log(
      `| ${label} | ${mode} | ${perRequest} | ${bytes.toFixed(1)} | ${lineBound.toFixed(0)} | ${latencyBound.toFixed(0)} | ${median(v.map((x) => x.pidsPerSecond)).toFixed(1)} | ${median(r.map((x) => x.pidsPerSecond)).toFixed(1)} |`,
    );
  }
}
