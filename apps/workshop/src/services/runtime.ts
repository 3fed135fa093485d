/**
 * One DiagnosticsRuntime per store: the diagnostics, training and report plugins are encapsulated
 * Fastify scopes, and an open adapter must be shared by all of them (an apprentice starts a session
 * from an assignment, the session page polls it). Keyed by the store so two apps in one process
 * (tests) never share adapters.
 */
import type { Store } from '../store/store.js';
import type { WallClock } from '../web/types.js';
import { DiagnosticsRuntime } from './live.js';

const runtimes = new WeakMap<Store, DiagnosticsRuntime>();

export function runtimeFor(store: Store, clock: WallClock): DiagnosticsRuntime {
  let r = runtimes.get(store);
  if (!r) {
    r = new DiagnosticsRuntime(store, clock);
    runtimes.set(store, r);
  }
  return r;
}

/** Closes every adapter of the store's runtime (on app close). */
export async function closeRuntime(store: Store): Promise<void> {
  const r = runtimes.get(store);
  if (!r) return;
  runtimes.delete(store);
  await r.closeAll();
}
