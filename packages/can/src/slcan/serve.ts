import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, unlinkSync } from 'node:fs';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SlcanEmulator } from './emulator.js';

export class SlcanServeError extends Error {
  override name = 'SlcanServeError';
}

/** The emulator reachable on a loopback TCP port and, with `pty`, on a pseudo-terminal. */
export interface SlcanService {
  /** `tcp://127.0.0.1:PORT`: each connection is a freshly powered adapter. */
  url: string;
  port: number;
  /** The terminal to open as a serial adapter (a symlink to /dev/pts/N), with `pty`. */
  path?: string;
  /** Pulls the adapter out: the terminal's other side and every connection close at once. */
  unplug(): Promise<void>;
  /** Stops everything: socat, the connections, the server. */
  close(): Promise<void>;
}

export interface ServeSlcanOptions {
  /**
   * Also make a pseudo-terminal with socat, bridged to the TCP port. When the program that opened it
   * closes it, a fresh one is offered at the same path (a freshly powered adapter) until `unplug()`.
   */
  pty?: boolean;
  /** Where the terminal appears; a fresh name under the temporary directory by default. */
  path?: string;
  /** The socat program. */
  socat?: string;
}

/**
 * Serves an SLCAN emulator on TCP and, with `pty`, on a pseudo-terminal made by socat
 * (`PTY,link=PATH,raw,echo=0` ↔ the TCP port), so serial tools — serialport, python-can's `slcan`
 * interface, `slcand` — open it as they open /dev/ttyACM0.
 */
export async function serveSlcan(emu: SlcanEmulator, opts: ServeSlcanOptions = {}): Promise<SlcanService> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted++;
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    emu.attach(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let child: ChildProcess | undefined;
  let path: string | undefined;
  const stopChild = () =>
    new Promise<void>((resolve) => {
      const c = child;
      child = undefined;
      if (!c || c.exitCode !== null || c.signalCode !== null) return resolve();
      c.once('exit', () => resolve());
      c.kill('SIGTERM');
    });
  const dropSockets = () => {
    for (const s of sockets) s.destroy();
  };
  const stopServer = () => new Promise<void>((r) => server.close(() => r()));

  let plugged = !!opts.pty;
  const spawnSocat = async (): Promise<void> => {
    const c = spawn(opts.socat ?? 'socat', [`PTY,link=${path},raw,echo=0`, `TCP:127.0.0.1:${port}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child = c;
    let err = '';
    c.stderr?.on('data', (d) => {
      err += d.toString();
    });
    const connections = accepted;
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      c.once('error', (e) => {
        settled = true;
        reject(new SlcanServeError(`cannot run socat (${e.message}); install it: apt-get install socat`));
      });
      c.once('exit', (code) => {
        if (child === c) child = undefined;
        if (!settled) {
          settled = true;
          reject(new SlcanServeError(`socat exited (${code})${err ? `: ${err.trim()}` : ''}`));
        } else if (plugged) {
          // The program that had the terminal closed it (socat ends then): offer a fresh one at the
          // same path, as an adapter left plugged in is there to be opened again.
          void spawnSocat().catch(() => {});
        }
      });
      // socat connects to the port as soon as it has made the terminal: the connection says it is ready.
      const until = Date.now() + 5_000;
      const wait = () => {
        if (settled) return;
        if (accepted > connections && existsSync(path!)) {
          settled = true;
          resolve();
        } else if (Date.now() > until) {
          settled = true;
          reject(new SlcanServeError(`socat did not create ${path}${err ? `: ${err.trim()}` : ''}`));
        } else setTimeout(wait, 10);
      };
      wait();
    });
  };

  if (opts.pty) {
    path = opts.path ?? join(tmpdir(), `atelier-slcan-${process.pid}-${Date.now().toString(36)}`);
    try {
      await spawnSocat();
    } catch (e) {
      plugged = false;
      await stopChild();
      dropSockets();
      await stopServer();
      throw e;
    }
  }
  return {
    url: `tcp://127.0.0.1:${port}`,
    port,
    ...(path ? { path } : {}),
    unplug: async () => {
      plugged = false;
      await stopChild();
      dropSockets();
    },
    close: async () => {
      plugged = false;
      await stopChild();
      dropSockets();
      emu.close();
      if (path) {
        try {
          unlinkSync(path);
        } catch {
          // socat removed it
        }
      }
      await stopServer();
    },
  };
}
