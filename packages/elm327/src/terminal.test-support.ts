import type { Duplex } from 'node:stream';
import { type Clock, VirtualClock } from '@atelier/clock';
import type { Elm327Emulator } from './emulator.js';
import { servePty, serveTcp } from './server.js';
import { openSerial, openTcp } from './transport.js';

/**
 * A bare terminal on an adapter's line, for tests that speak to the emulator as a person at a
 * serial console would: write a command, read until the prompt. On a `VirtualClock` it advances
 * time itself; on the system clock it polls. Returns the text before the prompt and the time taken.
 */
export function terminal(stream: Duplex, clock: Clock) {
  let buf = '';
  stream.on('data', (d: Buffer) => {
    buf += d.toString('latin1');
  });
  const prompt = async (since: number, limitMs: number, what: string) => {
    while (!buf.includes('>')) {
      if (clock.now() - since > limitMs) throw new Error(`no prompt after ${what}: ${JSON.stringify(buf)}`);
      if (clock instanceof VirtualClock) await clock.advance(1);
      else await new Promise((r) => setTimeout(r, 2));
    }
  };
  let greeted = false;
  return async (cmd: string, limitMs = 20_000): Promise<{ text: string; ms: number }> => {
    if (!greeted) {
      // The power-up banner ends with its own prompt.
      await prompt(clock.now(), 5_000, 'power-up');
      greeted = true;
    }
    const t0 = clock.now();
    buf = '';
    stream.write(`${cmd}\r`);
    await prompt(t0, limitMs, cmd);
    return { text: buf.replace(/\r?>$/, '').trim(), ms: clock.now() - t0 };
  };
}

/** An emulator served on a line for a test: the client's end of it and how to close the server. */
export interface ServedLine {
  stream: Duplex;
  close(): Promise<void>;
}

/** Serves the emulator on TCP (an ephemeral port) and connects to it. */
export async function lineOverTcp(emu: Elm327Emulator): Promise<ServedLine> {
  const tcp = await serveTcp(emu, { port: 0 });
  return { stream: await openTcp('127.0.0.1', tcp.port), close: () => tcp.close() };
}

/** Serves the emulator on a socat pseudo-terminal and opens it through serialport. */
export async function lineOverPty(emu: Elm327Emulator): Promise<ServedLine> {
  const pty = await servePty(emu);
  return { stream: await openSerial(pty.path, 38_400), close: () => pty.close() };
}

/** Runs `fn` on the emulator served over `open`, then ends the line, the server and the emulator. */
export async function onLine(
  emu: Elm327Emulator,
  open: (emu: Elm327Emulator) => Promise<ServedLine>,
  fn: (stream: Duplex) => Promise<void>,
): Promise<void> {
  const { stream, close } = await open(emu);
  try {
    await fn(stream);
  } finally {
    stream.destroy();
    await close();
    emu.close();
  }
}
