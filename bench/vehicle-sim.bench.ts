// Simulator speed: simulated seconds per wall-clock second of the physics + monitors (one vehicle,
// the drive history of a built-in scenario), and the wall time of `sim run` (scripted session over
// ObdClient/UdsClient → IsoTpLink → VirtualBus → ISO-TP servers, recorded as candump), median of RUNS.
// node --import tsx bench/vehicle-sim.bench.ts [RUNS=5] [SESSION_S=60]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario, PROFILES, simulateSession, Vehicle } from '../packages/vehicle-sim/src/index.js';

const runs = Number(process.argv[2] ?? 5);
const sessionS = Number(process.argv[3] ?? 60);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// Physics: one hour of mixed driving (urban, motorway, idle) per profile.
const drive = [
  { phase: 'urban' as const, duration: 1200 },
  { phase: 'motorway' as const, duration: 1200 },
  { phase: 'idle' as const, duration: 1200 },
];
for (const name of ['petrol', 'petrol-v6', 'diesel', 'hybrid', 'ev'] as const) {
  const rates: number[] = [];
  new Vehicle(PROFILES[name], { drive, sessionStartS: 600 }); // JIT warm-up, not measured
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    new Vehicle(PROFILES[name], { drive, sessionStartS: 3600, seed: i + 1 });
    rates.push(3600 / ((performance.now() - t0) / 1000));
  }
  console.log(
    `physics ${name.padEnd(9)} ${Math.round(median(rates)).toLocaleString('en')} simulated s per s (median of ${runs})`,
  );
}

// The scripted session, with its recording.
const dir = mkdtempSync(join(tmpdir(), 'atelier-bench-sim-'));
for (const scenario of ['vacuum-leak', 'hv-isolation']) {
  const s = loadScenario(scenario);
  const times: number[] = [];
  let frames = 0;
  await simulateSession(s, { durationS: 5 }); // warm-up, not measured
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = await simulateSession(s, { durationS: sessionS, record: join(dir, `${scenario}-${i}.log`) });
    times.push(performance.now() - t0);
    frames = r.frames;
  }
  console.log(
    `sim run ${scenario.padEnd(13)} ${sessionS} s session: ${Math.round(median(times))} ms wall, ${frames} frames (median of ${runs})`,
  );
}
rmSync(dir, { recursive: true, force: true });
