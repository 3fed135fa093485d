import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { DisconnectedError, LinkError, lineErrorCode } from '@atelier/obd';
import { elmReason } from './elm-reasons.js';
import { releaseStream } from './io.js';

/**
 * A line that would not open: Node's or serialport's words in English, the system's error code for
 * the French (serialport puts strerror's words in its message and no code: `lineErrorCode` reads
 * them).
 */
const lineFailed = (address: string, err: Error) =>
  elmReason('line-failed', {
    address,
    why: err.message,
    os: lineErrorCode(err) || (/\b(E[A-Z]{3,})\b/.exec(err.message)?.[1] ?? ''),
  });

/**
 * Refusals of the port itself, whatever the rate: not there, not ours, taken, or not a serial port.
 * Probing the other rates would only say it six times.
 */
const PORT_REFUSED = new Set(['ENOENT', 'ENXIO', 'ENODEV', 'EACCES', 'EPERM', 'EBUSY', 'ENOTTY']);
const portRefused = (err: unknown): boolean =>
  err instanceof LinkError && PORT_REFUSED.has(String(err.why?.values.os ?? ''));

/** Opens a TCP connection to a WiFi adapter (usually 192.168.0.10:35000) or an emulator. */
export function openTcp(host: string, port: number, timeoutMs = 5_000): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new DisconnectedError(
          elmReason('no-connection', { address: `tcp://${host}:${port}`, ms: timeoutMs }),
        ),
      );
    }, timeoutMs);
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(new DisconnectedError(lineFailed(`tcp://${host}:${port}`, err), { cause: err }));
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

/**
 * Baud rates ELM327 adapters ship with, most common first: 38,400 (genuine, most clones), 9,600
 * (early v1.0 and a jumper on some clones), 115,200 (OBDLink, vLinker, many Bluetooth clones), 230,400
 * and 500,000 (fast USB clones after ATBRD); 57,600 last (rare).
 */
export const COMMON_BAUDS = [38_400, 9_600, 115_200, 230_400, 500_000, 57_600] as const;

/**
 * Opens a serial port (USB, or Bluetooth through /dev/rfcommN) with serialport. A port that is
 * briefly locked or absent (just closed by us, probed by ModemManager, a pty being re-created) is
 * tried again for `retryMs`.
 */
export async function openSerial(path: string, baudRate: number, retryMs = 3_000): Promise<Duplex> {
  const { SerialPort } = await import('serialport');
  const deadline = Date.now() + retryMs;
  for (;;) {
    try {
      return await new Promise<Duplex>((resolve, reject) => {
        const port = new SerialPort({ path, baudRate, autoOpen: false });
        port.open((err) => (err ? reject(err) : resolve(port)));
      });
    } catch (err) {
      const msg = (err as Error).message;
      const transient = /lock|temporarily|ENOENT|No such file|busy/i.test(msg);
      if (!transient || Date.now() >= deadline)
        throw new DisconnectedError(lineFailed(path, err as Error), { cause: err });
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * Finds the baud rate an adapter on a serial line speaks: at each rate, `ATI` must bring back a `>`
 * prompt within `waitMs` (at a wrong rate only garbage comes). Never a bare CR: an ELM327 repeats its
 * last command on one, and a serial adapter keeps a former session's (which could be `04`, clear codes). Returns the first rate that works
 * and the stream, still open, so that the adapter is not closed and reopened right away. A rate
 * whose line fails or closes while it is tried (EIO: a USB adapter resetting, a pseudo-terminal whose
 * other side was still closing from the rate before) is tried again, up to twice, rather than skipped.
 */
export async function probeBaud(
  open: (baud: number) => Promise<Duplex>,
  bauds: readonly number[] = COMMON_BAUDS,
  waitMs = 1_000,
): Promise<{ baud: number; stream: Duplex }> {
  const tried: string[] = [];
  const triedFr: string[] = [];
  for (const baud of bauds) {
    for (let attempt = 0; attempt < 3; attempt++) {
      let stream: Duplex | undefined;
      let outcome: 'prompt' | 'silent' | Error;
      try {
        stream = await open(baud);
        outcome = await awaitPrompt(stream, waitMs);
      } catch (err) {
        // The port did not open (openSerial already waited for a transient failure to pass).
        if (portRefused(err)) throw err;
        tried.push(`${baud} (${(err as Error).message})`);
        triedFr.push(`${baud} (${err instanceof LinkError ? err.messageIn('fr') : (err as Error).message})`);
        if (stream) await releaseStream(stream);
        break;
      }
      if (outcome === 'prompt') return { baud, stream };
      await releaseStream(stream);
      tried.push(`${baud} (${outcome === 'silent' ? 'no prompt' : outcome.message})`);
      triedFr.push(
        `${baud} (${outcome === 'silent' ? "pas d'invite" : outcome instanceof LinkError ? outcome.messageIn('fr') : outcome.message})`,
      );
      if (outcome === 'silent') break;
    }
  }
  throw new DisconnectedError(elmReason('no-baud', { tried: tried.join(', '), triedFr: triedFr.join(', ') }));
}

/**
 * Sends `ATI` and waits for a prompt. On a prompt the stream is handed back paused and without
 * listeners, so that the client's reader, attached later, sees every byte; an error on the line
 * ends the wait with that error rather than reaching the process.
 */
function awaitPrompt(s: Duplex, waitMs: number): Promise<'prompt' | 'silent' | Error> {
  return new Promise((resolve) => {
    let text = '';
    const done = (outcome: 'prompt' | 'silent' | Error) => {
      clearTimeout(timer);
      s.off('data', onData);
      s.off('close', onClose);
      if (outcome === 'prompt') {
        s.off('error', onError);
        s.pause();
      }
      // Otherwise the error listener stays: the stream is released next and may still report.
      resolve(outcome);
    };
    const onData = (d: Buffer) => {
      text += d.toString('latin1');
      if (/(^|[\r\n])>$/.test(text) || /[\r\n]>/.test(text) || text === '>') done('prompt');
    };
    const onError = (err: Error) => done(err);
    const onClose = () => done(new Error('the line closed'));
    const timer = setTimeout(() => done('silent'), waitMs);
    s.on('error', onError);
    s.on('close', onClose);
    s.on('data', onData);
    s.write('ATI\r');
  });
}
