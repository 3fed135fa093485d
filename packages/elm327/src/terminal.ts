import type { Duplex } from 'node:stream';
import { type Clock, VirtualClock } from '@atelier/clock';

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
