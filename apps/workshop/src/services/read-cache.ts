/**
 * A short-lived cache of what every tablet reads again and again — who a session cookie belongs
 * to, a site's board — so that a workshop full of tablets polling the board does not cost two
 * queries a request. It is emptied whenever anything changes: by every change request this process
 * answers (before the answer leaves, so whoever made the change sees it at once) and, on
 * PostgreSQL, by every change another process of the group makes (a notification on
 * `atelier_changed`). `ttlMs` bounds what could be missed otherwise (a change written outside the
 * app, a notification lost while the listening connection was down). A load in progress is shared
 * by the requests that need it; an entry is dropped when its load fails.
 */
import { randomBytes } from 'node:crypto';
import { hasChannels, type Store } from '../store/store.js';
import type { WallClock } from '../web/types.js';

export const CHANGED_CHANNEL = 'atelier_changed';

export class ReadCache {
  private entries = new Map<string, { at: number; value: Promise<unknown> }>();
  private readonly origin = randomBytes(8).toString('hex');
  private unlisten: (() => Promise<void>) | null = null;

  constructor(
    private readonly store: Store,
    private readonly clock: WallClock,
    readonly ttlMs: number,
  ) {}

  /** On PostgreSQL, empties this cache when another process changes something. */
  async connect(): Promise<void> {
    if (!hasChannels(this.store)) return;
    this.unlisten = await this.store.listen(CHANGED_CHANNEL, (origin) => {
      if (origin !== this.origin) this.entries.clear();
    });
  }

  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const now = this.clock.now();
    const hit = this.entries.get(key);
    if (hit && now - hit.at < this.ttlMs) return hit.value as Promise<T>;
    const value = load();
    const entry = { at: now, value };
    this.entries.set(key, entry);
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return value;
  }

  /** Something changed here: forget everything, and tell the other processes. */
  async changed(): Promise<void> {
    this.entries.clear();
    if (hasChannels(this.store)) await this.store.notify(CHANGED_CHANNEL, this.origin).catch(() => undefined);
  }

  async close(): Promise<void> {
    this.entries.clear();
    await this.unlisten?.();
  }
}
