import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { DisconnectedError } from '@atelier/obd';

/** Opens a TCP connection to a WiFi adapter (usually 192.168.0.10:35000) or an emulator. */
export function openTcp(host: string, port: number, timeoutMs = 5_000): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new DisconnectedError(`tcp://${host}:${port}: no connection within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(new DisconnectedError(`tcp://${host}:${port}: ${err.message}`, { cause: err }));
    });
    socket.connect(port, host, () => {
      clearTimeout(timer);
      // Commands are a few bytes each: Nagle's algorithm would hold them back.
      socket.setNoDelay(true);
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}

/** Baud rates ELM327 adapters ship with, most common first. */
export const COMMON_BAUDS = [38_400, 9_600, 115_200, 230_400, 57_600, 500_000] as const;

/** Opens a serial port (USB, or Bluetooth through /dev/rfcommN) with serialport. */
export async function openSerial(path: string, baudRate: number): Promise<Duplex> {
  const { SerialPort } = await import('serialport');
  return new Promise((resolve, reject) => {
    const port = new SerialPort({ path, baudRate, autoOpen: false });
    port.open((err) => {
      if (err) reject(new DisconnectedError(`${path}: ${err.message}`, { cause: err }));
      else resolve(port);
    });
  });
}

/**
 * Finds the baud rate an adapter on a serial line speaks: at each rate, a CR must bring back a `>`
 * prompt within `waitMs` (at a wrong rate only garbage comes). Returns the first rate that works.
 */
export async function probeBaud(
  open: (baud: number) => Promise<Duplex>,
  bauds: readonly number[] = COMMON_BAUDS,
  waitMs = 600,
): Promise<number> {
  const tried: string[] = [];
  for (const baud of bauds) {
    let stream: Duplex | undefined;
    try {
      stream = await open(baud);
      const s = stream;
      const ok = await new Promise<boolean>((resolve) => {
        let text = '';
        const timer = setTimeout(() => resolve(false), waitMs);
        s.on('data', (d: Buffer) => {
          text += d.toString('latin1');
          if (/(^|[\r\n])>$/.test(text) || /[\r\n]>/.test(text) || text === '>') {
            clearTimeout(timer);
            resolve(true);
          }
        });
        s.write('\r');
      });
      tried.push(`${baud}${ok ? '' : ' (no prompt)'}`);
      if (ok) return baud;
    } catch (err) {
      tried.push(`${baud} (${(err as Error).message})`);
    } finally {
      if (stream) await new Promise<void>((r) => (stream!.destroyed ? r() : stream!.once('close', () => r()).destroy()));
    }
  }
  throw new DisconnectedError(`no ELM327 prompt at any baud rate (tried ${tried.join(', ')})`);
}
