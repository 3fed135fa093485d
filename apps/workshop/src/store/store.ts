/**
 * The storage seam. Services speak only this interface and only portable SQL (`?` placeholders,
 * `RETURNING`, no SQLite pragmas or `INSERT OR …`), so a PostgreSQL store can be added for a dealer
 * group by writing a second implementation and its migrations.
 */
export type SqlValue = string | number | null;

export interface RunResult {
  changes: number;
}

/** The statements a service may issue; inside a transaction it is bound to that transaction. */
export interface Db {
  all<T = Record<string, unknown>>(sql: string, params?: SqlValue[]): Promise<T[]>;
  get<T = Record<string, unknown>>(sql: string, params?: SqlValue[]): Promise<T | undefined>;
  run(sql: string, params?: SqlValue[]): Promise<RunResult>;
}

export interface Store extends Db {
  readonly dialect: 'sqlite' | 'postgres';
  /** Runs `fn` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /** Online copy of the whole database into `dest` while the store stays in use. */
  backup(dest: string): Promise<void>;
  /** Problems found by the engine's own consistency check; empty when the file is sound. */
  integrityCheck(): Promise<string[]>;
  schemaVersion(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Messages between the processes that share one database (PostgreSQL LISTEN/NOTIFY). A SQLite
 * store is one process's file and has none: there, every browser is on the process that publishes.
 */
export interface StoreChannels {
  /** Calls `fn` with every payload sent on `channel` by any process, this one included. */
  listen(channel: string, fn: (payload: string) => void): Promise<() => Promise<void>>;
  /** Sends `payload` (at most 8000 bytes) to every listener of `channel`. */
  notify(channel: string, payload: string): Promise<void>;
  /**
   * Calls `fn(false)` when the listening connection is lost — whatever is sent until it is back is
   * missed — and `fn(true)` once it listens again on every channel. Returns what stops the calls.
   */
  onListening(fn: (listening: boolean) => void): () => void;
}

/**
 * The channel on which every committed change to any table of the database is announced (by a
 * statement trigger the PostgreSQL store installs on each table; the payload is the table's name),
 * whoever made it: any app process of the group, a command-line tool, `psql`.
 */
export const CHANGED_CHANNEL = 'atelier_changed';

export const hasChannels = (s: Store): s is Store & StoreChannels =>
  typeof (s as Partial<StoreChannels>).listen === 'function' &&
  typeof (s as Partial<StoreChannels>).notify === 'function';

/** A statement the store refused, with the SQL it was running (never the parameters: they may be personal data). */
export class StoreError extends Error {
  override name = 'StoreError';
  constructor(
    message: string,
    readonly sql: string,
    readonly code?: string,
  ) {
    // No statement (opening the file failed): nothing to quote.
    const statement = sql.replace(/\s+/g, ' ').trim().slice(0, 120);
    super(statement ? `${message} (in: ${statement})` : message);
  }
}
