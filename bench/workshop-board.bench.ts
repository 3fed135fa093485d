// The JSON board API on each store, beside a Fastify hello-world measured in the same run: autocannon
// on loopback, 64 connections, one server process at a time (the demo workshop, logged in as the
// manager), the three servers interleaved run after run so that the machine's other load touches
// them alike; medians of the runs and the ratio of each to the hello-world.
//   node --import tsx bench/workshop-board.bench.ts [SECONDS=20] [CONNECTIONS=64] [RUNS=3]
// The PostgreSQL server is a private one (initdb in a temporary directory, unix socket only), the
// same as the tests start, with Debian's default durability settings (fsync on).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SELF = fileURLToPath(import.meta.url);

if (process.argv[2] === '--hello') {
  // Child: Fastify's hello-world, the ceiling of what one Node process serves on this machine.
  const Fastify = createRequire(new URL('../apps/workshop/package.json', import.meta.url))('fastify') as (
    opts?: object,
  ) => {
    get(path: string, handler: () => Promise<unknown>): void;
    listen(o: { port: number; host: string }): Promise<string>;
  };
  const app = Fastify();
  app.get('/', async () => ({ hello: 'world' }));
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  process.stdout.write(`${JSON.stringify({ url: address })}\n`);
} else if (process.argv[2] === '--serve') {
  // Child: the workshop on a store, with the demo; a session cookie for the manager.
  const { startServer } = await import('../apps/workshop/src/server.js');
  const { createSession } = await import('../apps/workshop/src/services/sessions.js');
  const server = await startServer({ db: process.argv[3], demo: true, port: 0 });
  const chef = (await server.store.get<{ id: number }>("SELECT id FROM users WHERE login = 'chef'"))!;
  const s = await createSession(server.store, chef.id, Date.now());
  process.stdout.write(`${JSON.stringify({ url: server.url, cookie: `atelier_sid=${s.id}` })}\n`);
} else {
  interface Result {
    requests: { average: number };
    latency: { p50: number; p99: number };
    non2xx: number;
    errors: number;
    timeouts: number;
  }
  const autocannon = createRequire(new URL('../apps/workshop/package.json', import.meta.url))(
    'autocannon',
  ) as (o: {
    url: string;
    connections: number;
    duration: number;
    headers: Record<string, string>;
  }) => Promise<Result>;
  const { startPgServer, createDatabase } = await import('../apps/workshop/src/test-support/pg-server.js');
  const [seconds = 20, connections = 64, runs = 3] = process.argv.slice(2).map(Number);
  const dir = mkdtempSync(join(tmpdir(), 'atelier-bench-board-'));
  const pg = await startPgServer({ settings: { fsync: 'on', full_page_writes: 'on' } });
  await createDatabase(pg.url('postgres'), 'bench');

  const start = (args: string[]): Promise<{ child: ChildProcess; url: string; cookie?: string }> => {
    const child = spawn(process.execPath, ['--import', 'tsx', SELF, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    return new Promise((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d) => {
        out += d;
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve({ child, ...JSON.parse(line) });
      });
      child.once('exit', (code) => reject(new Error(`server ${args[0]} exited (${code})`)));
    });
  };
  const stop = async (c: ChildProcess) => {
    c.kill('SIGKILL');
    await new Promise((r) => c.once('exit', r));
  };
  const targets = [
    { name: 'Fastify hello-world', args: ['--hello'], path: '/' },
    { name: 'GET /api/board, SQLite', args: ['--serve', join(dir, 'w.sqlite')], path: '/api/board' },
    { name: 'GET /api/board, PostgreSQL', args: ['--serve', pg.url('bench')], path: '/api/board' },
  ];
  const results = new Map<string, Result[]>(targets.map((t) => [t.name, []]));
  try {
    for (let run = 0; run < runs; run++)
      for (const t of targets) {
        const s = await start(t.args);
        try {
          const headers: Record<string, string> = s.cookie ? { cookie: s.cookie } : {};
          const check = await fetch(`${s.url}${t.path}`, { headers });
          if (check.status !== 200) throw new Error(`${t.name}: ${check.status} ${await check.text()}`);
          // A short warm-up (JIT, connection pool), then the measured run.
          await autocannon({ url: `${s.url}${t.path}`, connections, duration: 2, headers });
          results
            .get(t.name)!
            .push(await autocannon({ url: `${s.url}${t.path}`, connections, duration: seconds, headers }));
        } finally {
          await stop(s.child);
        }
      }
  } finally {
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const hello = median(results.get(targets[0]!.name)!.map((r) => r.requests.average));
  console.log(
    `${seconds} s × ${connections} connections × ${runs} runs (medians); load average now ${(await import('node:os')).loadavg()[0]!.toFixed(1)}`,
  );
  console.log('| server | req/s | ratio to hello-world | p50 ms | p99 ms | non-2xx | errors |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const t of targets) {
    const rs = results.get(t.name)!;
    const rps = median(rs.map((r) => r.requests.average));
    console.log(
      `| ${t.name} | ${rps.toFixed(0)} | ${(rps / hello).toFixed(2)} | ${median(rs.map((r) => r.latency.p50))} | ${median(rs.map((r) => r.latency.p99))} | ${rs.reduce((s, r) => s + r.non2xx, 0)} | ${rs.reduce((s, r) => s + r.errors + r.timeouts, 0)} |`,
    );
  }
}
