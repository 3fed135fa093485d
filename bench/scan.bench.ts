/**
 * One whole-car scan (`scanVehicle` of @atelier/obd: ECUs, VIN, DTCs of three memories, readiness,
 * freeze frames, a live snapshot of every supported PID, UDS fault memories) of a simulated car behind
 * the ELM327 emulator, at 38400 baud with a realistic ECU latency: requests, items and time, for a
 * genuine adapter and for a clone that takes one PID per request (the scan falls back to single PIDs).
 *
 *   node --import tsx bench/scan.bench.ts [RUNS=3] [LATENCY_MS=15] [BAUD=38400]
 *
 * Virtual time gives the emulator's timing model alone (exact, repeatable); real time runs the same
 * over a TCP socket (plus Node timers, sockets and the client's work). Medians of RUNS runs.
 */
import type { Duplex } from 'node:stream';
import { type Clock, systemClock, VirtualClock } from '../packages/clock/src/index.js';
import {
  type AdapterProfile,
  duplexPair,
  Elm327Emulator,
  Elm327Link,
  GENUINE,
  openTcp,
  serveTcp,
} from '../packages/elm327/src/index.js';
import { ObdClient, type ScanItem, scanVehicle } from '../packages/obd/src/index.js';
import { loadScenario, Vehicle } from '../packages/vehicle-sim/src/index.js';

const [runs = 3, latencyMs = 15, baud = 38_400] = process.argv.slice(2).map(Number);

const PROFILES: Record<string, AdapterProfile> = {
  genuine: GENUINE,
  'one PID per request': { ...GENUINE, name: 'one-pid', quirks: { ...GENUINE.quirks, maxPids: 1 } },
};

interface Result {
  seconds: number;
  requests: number;
  items: ScanItem[];
}

async function once(scenario: string, profile: AdapterProfile, virtual: boolean): Promise<Result> {
  const clock: Clock = virtual ? new VirtualClock() : systemClock;
  const s = loadScenario(scenario);
  const car = Vehicle.fromScenario(s);
  const emu = new Elm327Emulator({
    responder: car,
    clock,
    baud,
    latencyMs,
    profile,
    vehicleProtocol: s.protocol === 'can29' ? '7' : '6',
  });
  let close = async () => {};
  let open: () => Promise<Duplex>;
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
  const link = new Elm327Link({ open, clock, profile });
  const vc = clock instanceof VirtualClock ? clock : undefined;
  const drive = <T>(p: Promise<T>) => (vc ? vc.run(p) : p);
  await drive(link.start());
  let requests = 0;
  const request = link.request.bind(link);
  link.request = (req) => {
    requests++;
    return request(req);
  };
  const t0 = clock.now();
  const scan = await drive(
    scanVehicle(new ObdClient(link), { udsEcus: car.ecus(), clock, pidsPerRequest: link.maxPidsPerRequest }),
  );
  const seconds = (clock.now() - t0) / 1000;
  await drive(link.close());
  emu.close();
  await close();
  return { seconds, requests, items: scan.items };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log(
  `Whole-car scan through the ELM327 emulator — ${baud} baud, ECU latency ${latencyMs} ms, median of ${runs}\n`,
);
console.log(
  '| scenario | adapter | requests | items read | items not read | virtual time s | real time (TCP) s |',
);
console.log('|---|---|---|---|---|---|---|');
for (const scenario of ['vacuum-leak', 'wheel-speed-sensor', 'hv-isolation']) {
  for (const [label, profile] of Object.entries(PROFILES)) {
    const v: Result[] = [];
    const r: Result[] = [];
    for (let i = 0; i < runs; i++) v.push(await once(scenario, profile, true));
    for (let i = 0; i < runs; i++) r.push(await once(scenario, profile, false));
    const items = v[0].items;
    const read = items.filter((i) => i.status === 'read').length;
    console.log(
      `| ${scenario} | ${label} | ${v[0].requests} | ${read} | ${items.length - read} | ${median(v.map((x) => x.seconds)).toFixed(2)} | ${median(r.map((x) => x.seconds)).toFixed(2)} |`,
    );
  }
}
