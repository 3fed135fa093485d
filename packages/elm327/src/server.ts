import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, realpathSync, renameSync, unlinkSync } from 'node:fs';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { duplexPair } from './pair.js';

/**
 * What can be served on a line: the emulator, or a fake adapter replaying a dialogue. `attach`
 * serves one connection; `baud` is the rate it speaks at (for `servePty`'s `strictBaud`).
 */
export interface LineServer {
  attach(stream: Duplex): unknown;
  readonly baud?: number;
}

/** Serves the emulator (or any LineServer) on TCP, one fresh adapter session per connection, like a WiFi adapter. */
export interface TcpService {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

export function serveTcp(emu: LineServer, opts: { port?: number; host?: string } = {}): Promise<TcpService> {
  return listen(emu, opts, (socket) => socket);
}

function listen(
  emu: LineServer,
  opts: { port?: number; host?: string },
  line: (socket: Socket) => Duplex,
): Promise<TcpService> {
  const host = opts.host ?? '127.0.0.1';
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    emu.attach(line(socket));
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

export interface PtyOptions {
  /** Where the terminal appears (a symlink); a fresh name under the temporary directory by default. */
  path?: string;
  /** The socat program. */
  socat?: string;
  /**
   * Speak only at the emulator's baud rate, like a real adapter's UART: a client whose terminal is
   * set to another rate reads garbage and is heard as garbage, so baud probing has something to find.
   * The rate is read from the terminal (`stty`) before each chunk. Off by default.
   */
  strictBaud?: boolean;
}

/**
 * Makes pseudo-terminals with socat and bridges them to the emulator's TCP service. `path` always
 * names a terminal nobody has opened yet: socat waits for a program to open it (`wait-slave`) before
 * it connects, so each opening gets a freshly powered adapter, and as soon as one is opened the next
 * socat is started and `path` is moved onto its terminal (an atomic rename). A program that reopens
 * the port right after closing it (a baud probe, a script run twice) therefore never lands on a
 * terminal whose socat is still going away.
 */
export async function servePty(emu: LineServer, opts: PtyOptions = {}): Promise<PtyService> {
  const path = opts.path ?? join(tmpdir(), `atelier-elm327-${process.pid}-${Date.now().toString(36)}`);
  const socat = opts.socat ?? 'socat';
  const children = new Set<ChildProcess>();
  let stopping = false;
  let spawned = 0;
  /** The terminal `path` names now, waiting for its program. */
  let waiting: string | undefined;
  const tcp = await listen(emu, { port: 0 }, (socket) => {
    // This connection is the waiting socat's: its terminal was just opened. Offer the next one.
    const tty = waiting;
    waiting = undefined;
    if (!stopping) void offer().catch(() => {});
    return opts.strictBaud && emu.baud && tty ? baudGate(socket, tty, emu.baud) : socket;
  });
  const offer = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const link = `${path}.${++spawned}`;
      // socat looks for the terminal being opened every pty-interval (1 s by default).
      const pty = `PTY,link=${link},raw,echo=0,wait-slave,pty-interval=0.02`;
      const c = spawn(socat, [pty, `TCP:127.0.0.1:${tcp.port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
      children.add(c);
      let err = '';
      c.stderr?.on('data', (d) => {
        err += d.toString();
      });
      c.once('error', (e) =>
        reject(new PtyError(`cannot run socat (${e.message}); install it: apt-get install socat`)),
      );
      c.once('exit', (code) => {
        children.delete(c);
        if (code !== 0 && !stopping && err) reject(new PtyError(`socat failed: ${err.trim()}`));
      });
      const wait = (tries: number) => {
        if (stopping) resolve();
        else if (existsSync(link)) {
          try {
            const tty = realpathSync(link);
            renameSync(link, path);
            waiting = tty;
            resolve();
          } catch (e) {
            reject(new PtyError(`cannot offer ${path}: ${(e as Error).message}`));
          }
        } else if (tries <= 0)
          reject(new PtyError(`socat did not create ${link}${err ? `: ${err.trim()}` : ''}`));
        else setTimeout(() => wait(tries - 1), 10);
      };
      wait(500);
    });
  try {
    await offer();
  } catch (err) {
    stopping = true;
    for (const c of children) c.kill('SIGTERM');
    await tcp.close();
    throw err;
  }
  return {
    path,
    close: async () => {
      stopping = true;
      await Promise.all(
        [...children].map(
          (c) =>
            new Promise<void>((r) => {
              if (c.exitCode !== null || c.signalCode !== null) return r();
              c.once('exit', () => r());
              c.kill('SIGTERM');
            }),
        ),
      );
      try {
        unlinkSync(path);
      } catch {
        // already gone
      }
      await tcp.close();
    },
  };
}

/**
 * The serial line between a client's terminal and the emulator at `baud`: each chunk, in order, goes
 * through only when the terminal `tty` (/dev/pts/N) is set to that rate (the kernel keeps the rate a
 * program sets on a pty, though no bits are timed). At another rate the adapter hears noise and
 * answers `?`, and everything it says reaches the client as noise: bytes with the high bit set,
 * never a prompt.
 */
function baudGate(socket: Socket, tty: string, baud: number): Duplex {
  const [emulatorSide, lineSide] = duplexPair();
  let queue = Promise.resolve();
  const atRate = () =>
    new Promise<boolean>((resolve) => {
      execFile('stty', ['-F', tty, 'speed'], (err, out) => resolve(!err && Number(out.trim()) === baud));
    });
  const inOrder = (fn: (ok: boolean) => void) => {
    queue = queue.then(atRate).then(fn);
  };
  const toClient = (bytes: Buffer) => {
    if (!socket.destroyed) socket.write(bytes);
  };
  socket.on('data', (d: Buffer) =>
    inOrder((ok) => {
      if (ok) {
        if (!lineSide.destroyed) lineSide.write(d);
      } else toClient(noise(Buffer.from('?\r\r>', 'latin1')));
    }),
  );
  lineSide.on('data', (d: Buffer) => inOrder((ok) => toClient(ok ? d : noise(d))));
  lineSide.on('end', () => inOrder(() => socket.end()));
  socket.on('close', () => lineSide.destroy());
  return emulatorSide;
}

/** What bytes sent at one rate look like when read at another: never text, never a prompt. */
function noise(bytes: Buffer): Buffer {
  return Buffer.from(bytes.map((b) => 0x80 | ((b * 37 + 11) & 0x7f)));
}
