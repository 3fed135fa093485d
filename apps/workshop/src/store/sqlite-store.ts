import sqlite3 from 'sqlite3';
import { migrations as defaultMigrations, type Migration, migrationSql } from './migrations.js';
import { type Db, type RunResult, type SqlValue, type Store, StoreError } from './store.js';

type Conn = sqlite3.Database;

function open(file: string, mode: number): Promise<Conn> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, mode, (err) =>
      err
        ? reject(
            new StoreError(`cannot open ${file}: ${err.message}`, '', (err as NodeJS.ErrnoException).code),
          )
        : resolve(db),
    );
  });
}

function wrap(err: Error & { code?: string }, sql: string): StoreError {
  return new StoreError(err.message, sql, err.code);
}

function connDb(conn: Conn): Db {
  return {
    all: <T>(sql: string, params: SqlValue[] = []) =>
      new Promise<T[]>((resolve, reject) =>
        conn.all(sql, params, (err: Error | null, rows: T[]) =>
          err ? reject(wrap(err, sql)) : resolve(rows),
        ),
      ),
    get: <T>(sql: string, params: SqlValue[] = []) =>
      new Promise<T | undefined>((resolve, reject) =>
        conn.get(sql, params, (err: Error | null, row: T) => (err ? reject(wrap(err, sql)) : resolve(row))),
      ),
    run: (sql: string, params: SqlValue[] = []) =>
      new Promise<RunResult>((resolve, reject) =>
        conn.run(sql, params, function (this: sqlite3.RunResult, err: Error | null) {
          if (err) reject(wrap(err, sql));
          else resolve({ changes: this.changes });
        }),
      ),
  };
}

const isRead = (sql: string) => /^\s*(SELECT|WITH)\b/i.test(sql);

/** A FIFO lock: one writer statement or transaction at a time on the single write connection. */
class Mutex {
  private tail: Promise<void> = Promise.resolve();
  lock<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

interface SqliteBackup {
  step(pages: number, cb: (err: Error | null) => void): void;
  finish(cb?: () => void): void;
}

export interface SqliteStoreOptions {
  migrations?: Migration[];
}

/**
 * SQLite store: one file, WAL, foreign keys, migrations at open. Writes go through one connection
 * behind a lock — a transaction on a shared connection would otherwise swallow other requests'
 * statements — while reads use a second connection, which WAL lets run alongside the writer.
 */
export class SqliteStore implements Store {
  readonly dialect = 'sqlite' as const;
  private readonly writer: Db;
  private readonly reader: Db;
  private readonly mutex = new Mutex();
  private closed = false;

  private constructor(
    readonly file: string,
    private readonly wconn: Conn,
    private readonly rconn: Conn,
  ) {
    this.writer = connDb(wconn);
    this.reader = connDb(rconn);
  }

  static async open(file: string, options: SqliteStoreOptions = {}): Promise<SqliteStore> {
    const memory = file === ':memory:' || file === '';
    const wconn = await open(file, sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE | sqlite3.OPEN_FULLMUTEX);
    const w = connDb(wconn);
    wconn.configure('busyTimeout', 5000);
    if (!memory) {
      const mode = await w.get<{ journal_mode: string }>('PRAGMA journal_mode = WAL');
      if (mode?.journal_mode !== 'wal')
        throw new StoreError(`${file}: WAL mode refused (${mode?.journal_mode})`, 'PRAGMA journal_mode');
    }
    // NORMAL in WAL mode loses nothing on a process crash (only on power loss, the last commits).
    await w.run('PRAGMA synchronous = NORMAL');
    await w.run('PRAGMA foreign_keys = ON');
    // An in-memory database exists only on its own connection, so there reads share the writer.
    const rconn = memory ? wconn : await open(file, sqlite3.OPEN_READONLY | sqlite3.OPEN_FULLMUTEX);
    if (!memory) rconn.configure('busyTimeout', 5000);
    const store = new SqliteStore(file, wconn, rconn);
    await store.migrate(options.migrations ?? defaultMigrations);
    return store;
  }

  private async migrate(list: Migration[]): Promise<void> {
    await this.writer.run(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
    );
    const current = await this.schemaVersion();
    const pending = [...list].sort((a, b) => a.version - b.version).filter((m) => m.version > current);
    if (!pending.length) return;
    // SQLite's procedure for schema changes: foreign keys off (a rebuilt table is dropped and
    // renamed; a new column may reference another table), checked before each commit, on again after.
    await this.writer.run('PRAGMA foreign_keys = OFF');
    try {
      for (const m of pending)
        await this.transaction(async (tx) => {
          for (const sql of migrationSql(m, 'sqlite')) await tx.run(sql);
          const broken = await tx.all<Record<string, unknown>>('PRAGMA foreign_key_check');
          if (broken.length)
            throw new StoreError(
              `migration ${m.version} leaves ${broken.length} broken foreign key(s): ${JSON.stringify(broken[0])}`,
              'PRAGMA foreign_key_check',
            );
          await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
            m.version,
            m.name,
            Date.now(),
          ]);
        });
    } finally {
      await this.writer.run('PRAGMA foreign_keys = ON');
    }
  }

  async schemaVersion(): Promise<number> {
    const row = await this.writer.get<{ v: number | null }>(
      'SELECT MAX(version) AS v FROM schema_migrations',
    );
    return row?.v ?? 0;
  }

  // `INSERT … RETURNING` reads rows back, so it is routed by what it does, not by the method used.
  all<T = Record<string, unknown>>(sql: string, params?: SqlValue[]): Promise<T[]> {
    return isRead(sql)
      ? this.reader.all<T>(sql, params)
      : this.mutex.lock(() => this.writer.all<T>(sql, params));
  }
  get<T = Record<string, unknown>>(sql: string, params?: SqlValue[]): Promise<T | undefined> {
    return isRead(sql)
      ? this.reader.get<T>(sql, params)
      : this.mutex.lock(() => this.writer.get<T>(sql, params));
  }
  run(sql: string, params?: SqlValue[]): Promise<RunResult> {
    return this.mutex.lock(() => this.writer.run(sql, params));
  }

  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    return this.mutex.lock(async () => {
      // IMMEDIATE takes the write lock at once, so a backup or another process cannot wedge us mid-way.
      await this.writer.run('BEGIN IMMEDIATE');
      try {
        const result = await fn(this.writer);
        await this.writer.run('COMMIT');
        return result;
      } catch (err) {
        await this.writer.run('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  }

  backup(dest: string): Promise<void> {
    return new Promise((resolve, reject) => {
      // The typings of sqlite3 lack Database#backup; the native binding has it (sqlite3_backup_*).
      const conn = this.wconn as unknown as {
        backup(dest: string, cb: (err: Error | null) => void): SqliteBackup;
      };
      const b = conn.backup(dest, (err: Error | null) => {
        if (err) return reject(new StoreError(`backup to ${dest}: ${err.message}`, 'backup'));
        // -1 copies every page in one step; the source stays readable and writable meanwhile.
        b.step(-1, (stepErr: Error | null) => {
          b.finish(() => {
            if (stepErr) reject(new StoreError(`backup to ${dest}: ${stepErr.message}`, 'backup'));
            else resolve();
          });
        });
      });
    });
  }

  async integrityCheck(): Promise<string[]> {
    const rows = await this.writer.all<{ integrity_check: string }>('PRAGMA integrity_check');
    const problems = rows.map((r) => r.integrity_check).filter((r) => r !== 'ok');
    const fk = await this.writer.all<Record<string, unknown>>('PRAGMA foreign_key_check');
    for (const r of fk) problems.push(`foreign key: ${JSON.stringify(r)}`);
    return problems;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const closeConn = (c: Conn) => new Promise<void>((resolve) => c.close(() => resolve()));
    if (this.rconn !== this.wconn) await closeConn(this.rconn);
    await this.mutex.lock(() => closeConn(this.wconn));
  }
}

export function openSqliteStore(file: string, options?: SqliteStoreOptions): Promise<SqliteStore> {
  return SqliteStore.open(file, options);
}
