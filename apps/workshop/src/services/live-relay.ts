/**
 * Live data across processes: in a dealer group several app processes share one PostgreSQL
 * database, and the browser watching a session's events may be connected to another process than
 * the one whose adapter polls the car. Every event published by a hub is sent on a PostgreSQL
 * channel (NOTIFY) and delivered by every other process's hub to its own browsers; each process
 * also says, every few seconds, which sessions its browsers watch, so the adapter's process does
 * not close it as idle. A SQLite store is one process: nothing to relay.
 *
 * Commands that need the adapter (read, live start/stop, disconnect) run on the process that
 * holds it: the reverse proxy keeps a user on one process (see the README's group set-up).
 */
import { randomBytes } from 'node:crypto';
import { hasChannels, type Store } from '../store/store.js';
import type { WallClock } from '../web/types.js';
import { type LiveHub, WATCH_HEARTBEAT_MS } from './live.js';

export const LIVE_CHANNEL = 'atelier_live';
/** PostgreSQL refuses payloads of 8000 bytes or more. */
const MAX_PAYLOAD = 7900;

interface Message {
  /** The process that sent it (its own messages come back to it too). */
  o: string;
  t: string;
  /** An event and its data, or `w`: a browser watches `t` through process `o`. */
  e?: string;
  d?: unknown;
  w?: 1;
}

/** Connects `hub` to the other processes of the store's database; returns what disconnects it. */
export async function relayLiveEvents(
  hub: LiveHub,
  store: Store,
  clock: WallClock,
): Promise<() => Promise<void>> {
  if (!hasChannels(store)) return async () => {};
  const origin = randomBytes(8).toString('hex');
  // One NOTIFY after the other: through a pool they could commit, and so arrive, out of order.
  let queue = Promise.resolve();
  const send = (m: Message) => {
    let payload = JSON.stringify(m);
    if (Buffer.byteLength(payload) > MAX_PAYLOAD)
      // Too big for a notification: the other processes' pages are told to reload what was read.
      payload = JSON.stringify({ o: m.o, t: m.t, e: 'status', d: { stale: true } } satisfies Message);
    queue = queue.then(() => store.notify(LIVE_CHANNEL, payload)).catch(() => undefined);
  };
  const unlisten = await store.listen(LIVE_CHANNEL, (payload) => {
    let m: Message;
    try {
      m = JSON.parse(payload) as Message;
    } catch {
      return; // Not ours: another program on the same channel.
    }
    if (m.o === origin || typeof m.t !== 'string') return;
    if (m.w) hub.watchedElsewhere(m.t, clock.now());
    else if (typeof m.e === 'string') hub.deliver(m.t, m.e, m.d);
  });
  hub.attachRelay({
    publish: (t, e, d) => send({ o: origin, t, e, d }),
    watching: (t) => send({ o: origin, t, w: 1 }),
  });
  const heartbeat = setInterval(() => {
    for (const t of hub.watchedTopics()) send({ o: origin, t, w: 1 });
  }, WATCH_HEARTBEAT_MS);
  heartbeat.unref();
  return async () => {
    clearInterval(heartbeat);
    hub.attachRelay(null);
    await queue;
    await unlisten();
  };
}
