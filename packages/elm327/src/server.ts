import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Elm327Emulator } from './emulator.js';

/** Serves the emulator on TCP, one fresh adapter session per connection, like a WiFi adapter. */
export interface TcpService {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

export function serveTcp(
  emu: Elm327Emulator,
  opts: { port?: number; host?: string } = {},
): Promise<TcpService> {
  const host = opts.host ?? '127.0.0.1';
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    emu.attach(socket);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 35_000, host, () => {
      server.off('error', reject);
      const port = (server.address() as AddressInfo).port;
      resolve({
        url: `tcp://${host}:${port}`,
        port,
        server,
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}

export class PtyError extends Error {
  override name = 'PtyError';
}

/** Serves the emulator on a pseudo-terminal so that serial tools open it as /dev/ttyUSB0. */
export interface PtyService {
  /** The path to open (a symlink to the /dev/pts/N slave). */
  path: string;
  close(): Promise<void>;
}

/**
 * Makes a pseudo-terminal with socat and bridges it to the emulator's TCP service. socat waits for
 * a program to open the terminal before it connects (`wait-slave`), so each opening gets a freshly
 * powered adapter; when that program closes it, socat exits and a new one is started.
 */
export async function servePty(
  emu: Elm327Emulator,
  opts: { path?: string; socat?: string } = {},
): Promise<PtyService> {
  const tcp = await serveTcp(emu, { port: 0 });
  const path = opts.path ?? join(tmpdir(), `atelier-elm327-${process.pid}-${Date.now().toString(36)}`);
  const socat = opts.socat ?? 'socat';
  let child: ChildProcess | undefined;
  let stopping = false;
  const start = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const c = spawn(socat, [`PTY,link=${path},raw,echo=0,wait-slave`, `TCP:127.0.0.1:${tcp.port}`], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      child = c;
      let err = '';
      c.stderr?.on('data', (d) => {
        err += d.toString();
      });
      c.once('error', (e) =>
        reject(new PtyError(`cannot run socat (${e.message}); install it: apt-get install socat`)),
      );
      c.once('exit', (code) => {
        if (stopping) return;
        if (!existsSync(path) && code !== 0 && err) {
          reject(new PtyError(`socat failed: ${err.trim()}`));
          return;
        }
        // The terminal was closed by its user: offer a fresh one on the same path.
        void start().catch(() => {});
      });
      const wait = (tries: number) => {
        if (existsSync(path)) resolve();
        else if (tries <= 0)
          reject(new PtyError(`socat did not create ${path}${err ? `: ${err.trim()}` : ''}`));
        else setTimeout(() => wait(tries - 1), 20);
      };
      wait(250);
    });
  await start();
  return {
    path,
    close: async () => {
      stopping = true;
      const c = child;
      if (c && c.exitCode === null) {
        await new Promise<void>((r) => {
          c.once('exit', () => r());
          c.kill('SIGTERM');
        });
      }
      await tcp.close();
    },
  };
}
