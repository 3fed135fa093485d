/**
 * A demo server in a child process (`durability-server.ts`) and logging in to it over HTTP, as a
 * browser or a script does: for the tests that kill it, or that must see it survive.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DEMO_PASSWORD } from '../seed.js';
import { LOGIN_COOKIE, SESSION_COOKIE } from '../web/types.js';

const CHILD = fileURLToPath(new URL('./durability-server.ts', import.meta.url));

/**
 * Starts the demo server on `dbFile` (a SQLite file or a PostgreSQL URL), with a read cache of
 * `readCacheMs` when given; resolves with the process and its URL once it listens.
 */
export function startServerProcess(
  dbFile: string,
  readCacheMs?: number,
): Promise<{ child: ChildProcess; url: string }> {
  const args = readCacheMs === undefined ? [] : [String(readCacheMs)];
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dbFile, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve({ child, url: JSON.parse(line).url });
    });
    child.stderr!.on('data', (d) => (err += d));
    child.on('exit', (code) =>
      reject(new Error(`server exited (${code}) before listening: ${err.slice(-2000)}`)),
    );
  });
}

/** Logs a demo user in through the login form's signed token; the session cookie and CSRF token. */
export async function loginOverHttp(url: string, login: string): Promise<{ cookie: string; csrf: string }> {
  const page = await fetch(`${url}/login`);
  const pre = page.headers
    .getSetCookie()
    .find((c) => c.startsWith(LOGIN_COOKIE))!
    .split(';')[0]!;
  const formCsrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  const res = await fetch(`${url}/login`, {
    method: 'POST',
    headers: { cookie: pre, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ login, password: DEMO_PASSWORD, _csrf: formCsrf }),
  });
  const cookie = res.headers
    .getSetCookie()
    .find((c) => c.startsWith(SESSION_COOKIE))!
    .split(';')[0]!;
  return { cookie, csrf: ((await res.json()) as { csrf: string }).csrf };
}
