/**
 * Hostile "adapters" against a running dashboard (issue 15, items 1 and 2): a server process (the
 * demo, on its own database), a Wi-Fi adapter declared by the admin that is in fact a TCP service
 * replying 5,000 prompts in one chunk, or flooding lines without ever printing a prompt, and an
 * apprentice who opens a session on it. The server must stay up, `/healthz` stay fast, its memory
 * stay bounded, the session end with a typed problem shown on its page, and the stored traffic stay
 * within the workshop's limit.
 *
 * It rests on the ELM327 client's input guard (linear parsing, `ElmFloodError`, branch i16-elm327):
 * until that lands, the 5,000-prompt reply kills the server process, and this test says it is
 * waiting for it instead of running.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as elm327 from '@atelier/elm327';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginOverHttp, startServerProcess } from '../test-support/server-process.js';

const GUARDED = 'ElmFloodError' in elm327;
if (!GUARDED)
  console.warn(
    'adapter-attack.test: skipped — @atelier/elm327 has no input guard yet (ElmFloodError, branch i16-elm327); it runs as soon as that lands',
  );

const LIMIT_KB = 64;

/** The problem each hostile adapter's session must end with, and whether its recording fills up. */
const EXPECTED: Record<string, { problem: string; truncated: boolean }> = {
  prompts: { problem: 'not-elm327', truncated: false },
  flood: { problem: 'flooding', truncated: true },
  endless: { problem: 'flooding', truncated: false },
};

/** What each hostile adapter does once the dashboard has said something to it. */
const HOSTILE: Record<string, (socket: Socket) => void> = {
  // Issue 15 item 1: about 5,000 prompts in one TCP chunk overflowed the parser's stack.
  prompts: (socket) => {
    socket.write('>'.repeat(5000));
  },
  // Issue 15 item 2: answer lines, never a prompt, as fast as the socket takes them (2 MB at most).
  flood: (socket) => {
    const line = '41 0C 1A F8 41 0D 32\r';
    const chunk = line.repeat(Math.floor(4096 / line.length));
    let sent = 0;
    const pump = () => {
      while (!socket.destroyed && sent < 2_000_000) {
        sent += chunk.length;
        if (!socket.write(chunk)) return void socket.once('drain', pump);
      }
    };
    pump();
  },
  // A "line" that never ends: 400 KB without a CR or a prompt, in small pieces.
  endless: (socket) => {
    let sent = 0;
    const pump = () => {
      if (socket.destroyed || sent >= 400_000) return;
      sent += 7;
      socket.write('AAAAAAA', () => setImmediate(pump));
    };
    pump();
  },
};

let child: ChildProcess | undefined;
let url = '';
const servers: Server[] = [];
const dir = mkdtempSync(join(tmpdir(), 'atelier-attack-'));

afterAll(async () => {
  child?.kill('SIGKILL');
  for (const s of servers) s.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A hostile TCP "adapter" on a loopback port. */
function hostile(kind: string): Promise<number> {
  const server = createServer((socket) => {
    socket.on('error', () => {});
    socket.once('data', () => HOSTILE[kind]!(socket));
  });
  servers.push(server);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
}

type Who = { cookie: string; csrf: string };
const login = (name: string): Promise<Who> => loginOverHttp(url, name);

const call = (who: Who, method: string, path: string, body?: unknown) =>
  fetch(`${url}${path}`, {
    method,
    redirect: 'manual',
    headers: {
      cookie: who.cookie,
      'x-csrf-token': who.csrf,
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

/** Resident memory of the server process, MB. */
const rssMb = () =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child!.pid}/status`, 'utf8'))![1]) / 1024;

describe.runIf(GUARDED)('hostile adapters against a running dashboard', () => {
  let admin: Who;
  let leo: Who;
  let roId: number;

  beforeAll(async () => {
    ({ child, url } = await startServerProcess(join(dir, 'workshop.sqlite')));
    admin = await login('admin');
    leo = await login('leo');
    const settings = (await (await call(admin, 'GET', '/api/settings')).json()) as Record<string, number>;
    const put = await call(admin, 'PUT', '/api/settings', { ...settings, trafficLimitKb: LIMIT_KB });
    expect(put.status, await put.clone().text()).toBe(200);
    const orders = (await (await call(leo, 'GET', '/api/orders?state=diagnosis')).json()) as { id: number }[];
    roId = orders[0]!.id;
  }, 60_000);

  it.each(Object.keys(HOSTILE))(
    '%s: the server stays up and responsive, memory bounded, the session ends with a typed problem, traffic capped',
    async (kind) => {
      const port = await hostile(kind);
      const declared = await call(admin, 'POST', '/api/adapters/tcp', {
        name: `Adaptateur ${kind}`,
        host: '127.0.0.1',
        port,
      });
      expect(declared.status).toBe(201);
      const adapterId = ((await declared.json()) as { id: number }).id;
      const made = await fetch(`${url}/diagnostics`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: leo.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: leo.csrf, roId: String(roId), adapter: `tcp:${adapterId}` }),
      });
      expect(made.status).toBe(303);
      const id = Number(/(\d+)$/.exec(made.headers.get('location')!)![1]);

      const rssBefore = rssMb();
      // /healthz polled all along the connection attempt: the event loop must keep answering.
      let polling = true;
      let slowest = 0;
      const poll = (async () => {
        while (polling) {
          const t0 = performance.now();
          const res = await fetch(`${url}/healthz`);
          expect(res.status).toBe(200);
          slowest = Math.max(slowest, performance.now() - t0);
          await new Promise((r) => setTimeout(r, 50));
        }
      })();
      const connect = await call(leo, 'POST', `/api/diagnostics/${id}/connect`);
      polling = false;
      await poll;
      const answer = (await connect.json()) as { problem?: string; error?: string };
      expect(connect.status, JSON.stringify(answer)).toBe(502);
      // A typed problem, in plain words, not "unexpected".
      expect(answer.problem, JSON.stringify(answer)).toBe(EXPECTED[kind]!.problem);
      expect(answer.error!.length).toBeLessThan(1000);

      expect(child!.exitCode).toBeNull();
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      // Generous for a loaded machine: the unguarded parser blocked the loop for tens of seconds.
      expect(slowest).toBeLessThan(2000);
      expect(rssMb() - rssBefore).toBeLessThan(150);

      const page = await (
        await fetch(`${url}/diagnostics/${id}`, { headers: { cookie: leo.cookie } })
      ).text();
      expect(page).toContain(`data-problem="${answer.problem}"`);
      const traffic = await call(leo, 'GET', `/diagnostics/${id}/traffic`);
      expect(traffic.status).toBe(200);
      const body = await traffic.text();
      const stored = Buffer.byteLength(body);
      expect(stored).toBeLessThanOrEqual(LIMIT_KB * 1024);
      if (EXPECTED[kind]!.truncated) {
        // Whole transcript lines only (one per chunk received: the one that crossed the limit is
        // left out), and the cut said on the page and in the download.
        expect(body.endsWith('\n')).toBe(true);
        expect(traffic.headers.get('x-atelier-traffic-truncated-at')).toBe(String(LIMIT_KB * 1024));
        expect(page).toContain(`enregistrement tronqué à ${LIMIT_KB} Ko`);
      } else expect(page).not.toContain('enregistrement tronqué');
      // Another apprentice cannot download it.
      const emma = await login('emma');
      expect((await call(emma, 'GET', `/diagnostics/${id}/traffic`)).status).toBe(403);
    },
    120_000,
  );
});
