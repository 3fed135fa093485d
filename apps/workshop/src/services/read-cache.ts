/**
 * A short-lived cache of what every tablet reads again and again — who a session cookie belongs
 * to, a site's board — so that a workshop full of tablets polling the board does not cost two
 * queries a request. It is emptied whenever anything changes:
 *
 * - by every change request this process answers, before the answer leaves (whoever made the
 *   change sees it at once);
 * - on PostgreSQL, by every change committed to the database by anyone — another app process of
 *   the group, a command-line tool, `psql` — announced on `CHANGED_CHANNEL` by the tables' own
 *   triggers (store/postgres-store.ts), so another process's write is hidden here no longer than
 *   the notification takes to arrive (milliseconds);
 * - while the listening connection is down (and so notifications could be missed) nothing is
 *   cached at all; the cache starts empty again once it listens anew.
 *
 * `ttlMs` bounds what no notification reports: on SQLite, a write from another program on the
 * same file (the command line), and a time-dependent read (the board keeps a delivered order seven
 * days); on PostgreSQL, a connection cut silently (until keep-alive notices). A load in progress is
 * shared by the requests that need it; an entry is dropped when its load fails, and a load begun
 * before a change is dropped by that change, never kept.
 */
import { CHANGED_CHANNEL, hasChannels, type Store } from '../store/store.js';
import type { WallClock } from '../web/types.js';

export class ReadCache {
  private entries = new Map<string, { at: number; value: Promise<unknown> }>();
  /** False while changes made elsewhere could go unseen (PostgreSQL's listening connection is down). */
  private trusted = true;
  private stop: (() => Promise<void>) | null = null;

  constructor(
    private readonly store: Store,
    private readonly clock: WallClock,
    readonly ttlMs: number,
  ) {}

  /** On PostgreSQL, empties this cache on every change committed to the database by anyone. */
  async connect(): Promise<void> {
    const store = this.store;
    if (!hasChannels(store)) return;
    const offListening = store.onListening((listening) => {
      this.entries.clear();
      this.trusted = listening;
    });
    const unlisten = await store.listen(CHANGED_CHANNEL, () => this.entries.clear());
    this.stop = async () => {
      offListening();
      await unlisten();
    };
  }

  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    if (!this.trusted) return load();
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

  /**
   * Something changed through this process: forget everything now (the database's own
   * notification reaches this process too, a moment after the answer may have left).
   */
  changed(): void {
    this.entries.clear();
  }

  async close(): Promise<void> {
    this.entries.clear();
    await this.stop?.();
  }
}
