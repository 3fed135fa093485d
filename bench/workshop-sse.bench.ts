// Live data fan-out of the workshop: one diagnostic session polls a simulated car (vacuum-leak
// scenario behind the ELM327 emulator) at 10 Hz per value, and CLIENTS browsers-worth of
// server-sent-event connections watch it. Delay = client receive time − the server's time when the
// value arrived from the adapter (same machine, same clock). The server runs in its own process;
// the clients share this one.
//   node --import tsx bench/workshop-sse.bench.ts [CLIENTS=30] [SECONDS=20] [RUNS=3]
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SELF = fileURLToPath(import.meta.url);

if (process.argv[2] === '--serve') {
  // Child: the workshop server with one live session, announced on stdout as JSON.
  const { startServer } = await import('../apps/workshop/src/server.js');
  const { createDiagSession } = await import('../apps/workshop/src/services/diagnostics.js');
  const { createSession } = await import('../apps/workshop/src/services/sessions.js');
  const { createScenario, getScenario, responderFor } = await import(
    '../apps/workshop/src/services/scenarios.js'
  );
  const clock = { now: () => Date.now() };
  const server = await startServer({ db: join(process.argv[3]!, 'w.sqlite'), demo: true, port: 0, clock });
  const { getUser } = await import('../apps/workshop/src/services/users.js');
  const ines = (await server.store.get<{ id: number }>("SELECT id FROM users WHERE login = 'ines'"))!;
  const user = await getUser(server.store, ines.id, 1);
  const scenario = await createScenario(
    server.store,
    { title: 'bench', source: 'sim', simName: 'vacuum-leak' },
    user,
    clock.now(),
  );
  const s = await createDiagSession(
    server.store,
    { roId: null, adapter: { kind: 'scenario', spec: String(scenario.id) } },
    user,
    clock.now(),
  );
  const runtime = server.app.diagnostics;
  await runtime.connect(s.id, { kind: 'scenario', spec: String(scenario.id) }, async () =>
    responderFor(server.store, await getScenario(server.store, 1, scenario.id)),
  );
  await runtime.startLive(s.id, [0x0c, 0x0d], 100);
  const web = await createSession(server.store, user.id, clock.now());
  process.stdout.write(
    `${JSON.stringify({ url: server.url, session: s.id, cookie: `atelier_sid=${web.id}` })}\n`,
  );
  process.on('SIGTERM', async () => {
    await server.close();
    process.exit(0);
  });
} else {
  const [clients = 30, seconds = 20, runs = 3] = process.argv.slice(2).map(Number);
  const p = (xs: number[], q: number) => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

  async function run(): Promise<{
    p50: number;
    p99: number;
    max: number;
    perClientHz: number;
    samples: number;
  }> {
    const dir = mkdtempSync(join(tmpdir(), 'atelier-bench-sse-'));
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', SELF, '--serve', dir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const info = await new Promise<{ url: string; session: number; cookie: string }>((resolve, reject) => {
      let buf = '';
      child.stdout!.on('data', (d: Buffer) => {
        buf += d.toString();
        const nl = buf.indexOf('\n');
        if (nl >= 0) resolve(JSON.parse(buf.slice(0, nl)));
      });
      child.once('exit', (code) => reject(new Error(`server exited (${code})`)));
    });
    const delays: number[] = [];
    const counts = new Array(clients).fill(0);
    const abort = new AbortController();
    const warmupUntil = Date.now() + 2000;
    const readers = Array.from({ length: clients }, async (_, i) => {
      const res = await fetch(`${info.url}/diagnostics/${info.session}/events`, {
        headers: { cookie: info.cookie },
        signal: abort.signal,
      });
      const decoder = new TextDecoder();
      let text = '';
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          const now = Date.now();
          text += decoder.decode(chunk, { stream: true });
          let end = text.indexOf('\n\n');
          while (end >= 0) {
            const event = text.slice(0, end);
            text = text.slice(end + 2);
            if (event.startsWith('event: sample') && now > warmupUntil) {
              const t = JSON.parse(event.slice(event.indexOf('data: ') + 6)).t as number;
              delays.push(now - t);
              counts[i]++;
            }
            end = text.indexOf('\n\n');
          }
        }
      } catch {
        // aborted at the end of the run
      }
    });
    await new Promise((r) => setTimeout(r, 2000 + seconds * 1000));
    abort.abort();
    await Promise.all(readers);
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
    delays.sort((a, b) => a - b);
    // Events (values) per second each client received.
    const perClientHz = counts.reduce((a, b) => a + b, 0) / clients / seconds;
    return {
      p50: p(delays, 0.5),
      p99: p(delays, 0.99),
      max: delays.at(-1) ?? Number.NaN,
      perClientHz,
      samples: delays.length,
    };
  }

  const results = [];
  for (let i = 0; i < runs; i++) {
    const r = await run();
    results.push(r);
    console.log(
      `run ${i + 1}: ${r.samples} samples to ${clients} clients, ${r.perClientHz.toFixed(1)} values/s per client, delay p50 ${r.p50} ms, p99 ${r.p99} ms, max ${r.max} ms`,
    );
  }
  console.log(
    `median of ${runs}: p50 ${median(results.map((r) => r.p50))} ms, p99 ${median(results.map((r) => r.p99))} ms, max ${median(results.map((r) => r.max))} ms, ${median(results.map((r) => r.perClientHz)).toFixed(1)} values/s per client`,
  );
}
