/**
 * Live-data rate through the ELM327 emulator: PIDs per second for 1, 6 and 12 PIDs polled as fast
 * as the line allows, at 38400 baud with a realistic ECU latency, against the serial-line bound; on
 * CAN (ISO 15765-4, 11/500) and on the K-line (ISO 9141-2, ISO 14230-4 fast init: one PID per request,
 * as J1979 allows there, and the bus's own P2/P3 minimum times).
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
  type ElmProtocol,
  GENUINE,
  openTcp,
  protocolById,
  serveTcp,
  Transcript,
} from '../packages/elm327/src/index.js';
import { FUNCTIONAL, PidPoller, physical, type Responder } from '../packages/obd/src/index.js';
import { PID_LENGTH, PID_SETS } from './live-pids.js';

const [seconds = 3, runs = 3, latencyMs = 15, baud = 38_400] = process.argv.slice(2).map(Number);

const LEN = PID_LENGTH;
const SETS = PID_SETS;

/** Which sets run on which bus: every set on CAN, 1 and 6 PIDs on the K-line. */
const BUSES: { protocol: ElmProtocol; sets: string[] }[] = [
  { protocol: protocolById('6')!, sets: ['1 PID', '6 PIDs', '12 PIDs'] },
  { protocol: protocolById('3')!, sets: ['1 PID', '6 PIDs'] },
  { protocol: protocolById('5')!, sets: ['1 PID', '6 PIDs'] },
];

/**
 * The shortest request cycle the serial line, the vehicle bus and the ECU allow, ms, from the
 * standards rather than from the emulator. CAN: the serial line and the ECU latency one after the
 * other (the frames themselves take 0.25 ms each at 500 kbit/s, left out as in the first table).
 * K-line: 10 bits a byte at 10.4 kbit/s for the request and the answer (3 header bytes and a checksum
 * each), P2 ≥ 25 ms before the answer, the ECU latency, and P3 ≥ 55 ms before the next request
 * (ISO 9141-2, ISO 14230-2), during which the serial line carries the answer and the next request.
 */
function cycleBoundMs(protocol: ElmProtocol, pidsPerRequest: number, answerBytes: number, lineMs: number) {
  if (protocol.family === 'can') return lineMs + latencyMs;
  const bytes = 1 + pidsPerRequest + 4 + answerBytes + 4;
  return (bytes * 10 * 1000) / protocol.bitrate + 25 + latencyMs + Math.max(55, lineMs);
}

/**
 * The demo car's engine alone: legacy OBD requests are functional (J1979), so on the K-line the
 * engine is polled alone by leaving the gearbox out, as a physical request does on CAN.
 */
function engineOnly(car: DemoCar): Responder {
  return {
    ecus: () => car.ecus().filter((e) => e.response === 0x7e8),
    respond: async (req) => (await car.respond(req)).filter((a) => a.ecu === 0x7e8),
  };
}

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
  /** Requests that failed (a late answer on a loaded machine): counted, polling goes on. */
  errors: number;
}

async function once(
  pids: number[],
  profile: AdapterProfile,
  virtual: boolean,
  protocol: ElmProtocol,
): Promise<Result> {
  const clock: Clock = virtual ? new VirtualClock() : systemClock;
  const emu = new Elm327Emulator({
    responder: protocol.family === 'can' ? new DemoCar() : engineOnly(new DemoCar()),
    clock,
    baud,
    latencyMs,
    profile,
    vehicleProtocol: protocol.id,
  });
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
  let errors = 0;
  const poller = new PidPoller(
    link,
    pids.map((pid) => ({
      pid,
      periodMs: 0,
      target: protocol.family === 'can' ? physical(0x7e0) : FUNCTIONAL,
    })),
    {
      clock,
      pidLength: (p) => LEN[p],
      maxPerRequest: link.maxPidsPerRequest,
      onSample: () => {},
      onError: () => {
        errors++;
      },
    },
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
    errors,
  };
  await (vc ? vc.run(link.close()) : link.close());
  emu.close();
  await close();
  return result;
}

const errorNote = (rs: Result[]) => {
  const n = rs.reduce((k, x) => k + x.errors, 0);
  return n ? ` (${n} failed requests)` : '';
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log(
  `ELM327 emulator live-data rate — ${baud} baud, ECU latency ${latencyMs} ms, ${seconds} s × ${runs} runs (median)\n`,
);
console.log(
  '| bus | PIDs | client | PIDs/request | bytes/request | line bound PIDs/s | line + bus + latency bound | virtual time PIDs/s | real time (TCP) PIDs/s |',
);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const { protocol, sets } of BUSES) {
  for (const label of sets) {
    const pids = SETS[label]!;
    for (const [mode, profile] of Object.entries(MODES)) {
      const v: Result[] = [];
      const r: Result[] = [];
      for (let i = 0; i < runs; i++) v.push(await once(pids, profile, true, protocol));
      for (let i = 0; i < runs; i++) r.push(await once(pids, profile, false, protocol));
      const perRequest = Math.min(pids.length, profile.quirks.maxPids, protocol.family === 'can' ? 6 : 1);
      const bytes = median(v.map((x) => x.bytesPerRequest));
      // The line bound: the serial line busy all the time with requests and answers, nothing else.
      const lineMs = (bytes * 10 * 1000) / baud;
      const lineBound = (perRequest / lineMs) * 1000;
      const answerBytes = 1 + pids.slice(0, perRequest).reduce((n, p) => n + 1 + (LEN[p] ?? 1), 0);
      const bound = (perRequest / cycleBoundMs(protocol, perRequest, answerBytes, lineMs)) * 1000;
      console.log(
        `| ${protocol.name} | ${label} | ${mode} | ${perRequest} | ${bytes.toFixed(1)} | ${lineBound.toFixed(0)} | ${bound.toFixed(1)} | ${median(v.map((x) => x.pidsPerSecond)).toFixed(1)} | ${median(r.map((x) => x.pidsPerSecond)).toFixed(1)}${errorNote([...v, ...r])} |`,
      );
    }
  }
}
