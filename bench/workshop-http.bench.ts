// Workshop dashboard under load: requests/s and p99 latency of the board page (server-rendered HTML)
// and a JSON API route, autocannon on loopback against `atelier serve --demo` in its own process.
//   node --import tsx bench/workshop-http.bench.ts [SECONDS=60] [CONNECTIONS=64] [RUNS=1]
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (opts: {
  url: string;
  connections: number;
  duration: number;
  headers: Record<string, string>;
}) => Promise<AutocannonResult>;

// autocannon is a dev dependency of the workshop app, so it is resolved from there.
const autocannon = createRequire(new URL('../apps/workshop/package.json', import.meta.url))(
  'autocannon',
) as Autocannon;

const [seconds = 60, connections = 64, runs = 1] = process.argv.slice(2).map(Number);
const CLI = fileURLToPath(new URL('../apps/cli/src/main.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'atelier-bench-http-'));

function startServer(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CLI, 'serve', '--demo', '--port', '0', '--db', join(dir, 'w.sqlite'), '--lang', 'en'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/[\d.:]+)/.exec(out);
      if (m) resolve({ child, url: m[1]! });
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code})`)));
  });
}

async function login(url: string): Promise<string> {
  const page = await fetch(`${url}/login`);
  // The login form's cookie (a signed double-submit CSRF nonce; no session before login).
  const pre = page.headers
    .getSetCookie()
    .find((c) => c.startsWith('atelier_login='))!
    .split(';')[0]!;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  const res = await fetch(`${url}/login`, {
    method: 'POST',
    headers: { cookie: pre, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ login: 'chef', password: 'atelier-demo', _csrf: csrf }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status}`);
  return res.headers
    .getSetCookie()
    .find((c) => c.startsWith('atelier_sid='))!
    .split(';')[0]!;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const { child, url } = await startServer();
try {
  const cookie = await login(url);
  const board = await fetch(`${url}/board`, { headers: { cookie } });
  const cards = (await board.text()).match(/class="ro-card/g)?.length ?? 0;
  console.log(
    `server ${url}; board has ${cards} repair orders; ${seconds} s × ${connections} connections × ${runs} run(s)`,
  );
  console.log('| route | req/s (median) | p50 ms | p99 ms | non-2xx | errors |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const path of ['/board', '/api/orders/1']) {
    const results: AutocannonResult[] = [];
    for (let i = 0; i < runs; i++)
      results.push(
        await autocannon({ url: `${url}${path}`, connections, duration: seconds, headers: { cookie } }),
      );
    const rps = median(results.map((r) => r.requests.average));
    const p50 = median(results.map((r) => r.latency.p50));
    const p99 = median(results.map((r) => r.latency.p99));
    const bad = results.reduce((s, r) => s + r.non2xx, 0);
    const errors = results.reduce((s, r) => s + r.errors + r.timeouts, 0);
    console.log(`| GET ${path} | ${rps.toFixed(0)} | ${p50} | ${p99} | ${bad} | ${errors} |`);
  }
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
}
