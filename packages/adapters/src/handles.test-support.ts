import { readdirSync, readlinkSync } from 'node:fs';
import { expect } from 'vitest';
import { programRuns, requireOracle } from '../../../tests/support/index.js';

/** The handles and requests this process holds, counted by kind (TCPSocketWrap, Timeout, …). */
export function resources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of process.getActiveResourcesInfo()) counts.set(r, (counts.get(r) ?? 0) + 1);
  return counts;
}

/**
 * Waits (up to `ms`) for the process to hold no more handles of any kind than in `before`: what a
 * closed adapter leaves behind (a socket, a server, a timer, a child process) shows up here.
 */
export async function expectReleased(before: Map<string, number>, ms = 2_000): Promise<void> {
  const extra = () =>
    [...resources()]
      .filter(([kind, n]) => n > (before.get(kind) ?? 0))
      .map(([kind, n]) => `${kind} +${n - (before.get(kind) ?? 0)}`);
  const until = Date.now() + ms;
  while (extra().length > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  expect(extra()).toEqual([]);
}

/**
 * Terminals this process has open (a serial port on a pseudo-terminal holds one; serialport's file
 * descriptor does not show in the handle list). -1 where /proc cannot say.
 */
export function openTerminals(): number {
  try {
    return readdirSync('/proc/self/fd').filter((fd) => {
      try {
        return /^\/dev\/(pts\/|tty)/.test(readlinkSync(`/proc/self/fd/${fd}`));
      } catch {
        return false;
      }
    }).length;
  } catch {
    return -1;
  }
}

/**
 * socat makes the pseudo-terminals the serial tests open. Missing, those tests are skipped with the
 * reason printed — except under CI=true, where scripts/setup.sh installs it: there its absence
 * fails the run rather than letting it go green.
 */
export const hasSocat = !requireOracle('socat', programRuns('socat', ['-V'])).missing;
