import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { migrations as defaultMigrations, type Migration, migrationSql } from './migrations.js';
import { findPgProgram } from './pg-tools.js';
import { toDollarParams } from './placeholders.js';
import {
  CHANGED_CHANNEL,
  type Db,
  type RunResult,
  type SqlValue,
  type Store,
  type StoreChannels,
  StoreError,
} from './store.js';

const run = promisify(execFile);

/** PostgreSQL type ids whose text the driver would hand over as strings. */
const INT8 = 20;
const NUMERIC = 1700;

/**
 * `COUNT(*)`, `SUM` of integers and every BIGINT column (ids, epoch milliseconds) come back as
 * numbers, as they do from SQLite: the driver's default is a string, and `n + 1` would concatenate.
 * A value beyond 2^53 cannot be a JavaScript number: that is an error, never a silent rounding.
 */
function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`integer ${text} is beyond JavaScript's safe range`);
  return n;
}

const TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8) return parseInt8;
    if (oid === NUMERIC) return (text: string) => Number(text);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/** SQLSTATEs after which a transaction is worth running again from the start. */
const SERIALIZATION_FAILURE = '40001';
const DEADLOCK = '40P01';
/**
 * Attempts before a serialization failure reaches the caller. Small tables are read by sequential
 * scans, which PostgreSQL's serializable isolation must lock whole: unrelated transactions on them
 * then conflict too, and a busy moment needs several attempts.
 */
const RETRIES = 25;

type Queryable = Pick<pg.PoolClient, 'query'>;

function wrap(err: unknown, sql: string): StoreError {
  if (err instanceof StoreError) return err;
  const e = err as Error & { code?: string };
  return new StoreError(e.message, sql, e.code);
}

function queryDb(q: Queryable): Db {
  const query = async (sql: string, params: SqlValue[] = []) => {
    try {
      return await q.query(toDollarParams(sql), params);
    } catch (err) {
      throw wrap(err, sql);
    }
  };
  return {
    all: async <T>(sql: string, params?: SqlValue[]) => (await query(sql, params)).rows as T[],
    get: async <T>(sql: string, params?: SqlValue[]) => (await query(sql, params)).rows[0] as T | undefined,
    run: async (sql: string, params?: SqlValue[]): Promise<RunResult> => ({
      changes: (await query(sql, params)).rowCount ?? 0,
    }),
  };
}

export interface PostgresStoreOptions {
  migrations?: Migration[];
  /** Connections in the pool (10 by default). */
  poolSize?: number;
}

/** A message on a PostgreSQL channel (LISTEN/NOTIFY), for every process connected to the database. */
export type ChannelListener = (payload: string) => void;

/**
 * PostgreSQL store for a dealer group: one database that several app processes share. Pooled
 * connections; `?` placeholders numbered `$n`; BIGINT and NUMERIC parsed as numbers; transactions
 * SERIALIZABLE and run again on a serialization failure or a deadlock, so a service's transaction
 * sees the same all-or-nothing, one-at-a-time world as on SQLite (whose writers are serialised),
 * whatever the number of processes. Migrations are taken under an advisory lock, so processes
 * starting together apply each one once.
 */
export class PostgresStore implements Store, StoreChannels {
  readonly dialect = 'postgres' as const;
  private readonly db: Db;
  private closed = false;
  private listener: pg.Client | null = null;
  private connecting: Promise<pg.Client> | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private readonly channels = new Map<string, Set<ChannelListener>>();
  private readonly listeningFns = new Set<(listening: boolean) => void>();

  private constructor(
    readonly url: string,
    private readonly pool: pg.Pool,
  ) {
    this.db = queryDb(pool);
  }

  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10, types: TYPES });
    // An idle connection that the server drops (restart, network) must not take the process down.
    pool.on('error', () => undefined);
    const store = new PostgresStore(url, pool);
    try {
      await store.migrate(options.migrations ?? defaultMigrations);
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw err instanceof StoreError
        ? err
        : new StoreError(
            `cannot open ${redact(url)}: ${(err as Error).message}`,
            '',
            (err as { code?: string }).code,
          );
    }
    return store;
  }

  private async migrate(list: Migration[]): Promise<void> {
    const client = await this.pool.connect().catch((err: Error & { code?: string }) => {
      throw new StoreError(`cannot connect to ${redact(this.url)}: ${err.message}`, '', err.code);
    });
    const db = queryDb(client);
    try {
      // One process migrates at a time; the others wait, then find nothing left to do.
      await db.run('SELECT pg_advisory_lock(20260310)');
      await db.run(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
      );
      const row = await db.get<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations');
      const current = row?.v ?? 0;
      for (const m of [...list].sort((a, b) => a.version - b.version)) {
        if (m.version <= current) continue;
        await db.run('BEGIN');
        try {
          for (const sql of migrationSql(m, 'postgres')) await db.run(sql);
          await db.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
            m.version,
            m.name,
            Date.now(),
          ]);
          await db.run('COMMIT');
        } catch (err) {
          await db.run('ROLLBACK').catch(() => undefined);
          throw err;
        }
      }
      await announceChanges(db);
    } finally {
      await db.run('SELECT pg_advisory_unlock(20260310)').catch(() => undefined);
      client.release();
    }
  }

  async schemaVersion(): Promise<number> {
    const row = await this.db.get<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations');
    return row?.v ?? 0;
  }

  all<T = Record<string, unknown>>(sql: string, params?: SqlValue[]): Promise<T[]> {
    return this.db.all<T>(sql, params);
  }
  get<T = Record<string, unknown>>(sql: string, params?: SqlValue[]): Promise<T | undefined> {
    return this.db.get<T>(sql, params);
  }
  run(sql: string, params?: SqlValue[]): Promise<RunResult> {
    return this.db.run(sql, params);
  }

  async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
        const result = await fn(queryDb(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true;
        }
        const code = err instanceof StoreError || err instanceof pg.DatabaseError ? err.code : undefined;
        if ((code === SERIALIZATION_FAILURE || code === DEADLOCK) && attempt < RETRIES) {
          // Another transaction won the race: run this one again on what it committed, after a
          // random pause that grows with each attempt (so the contenders spread out).
          await new Promise((r) => setTimeout(r, Math.random() * Math.min(250, 2 ** attempt)));
          continue;
        }
        throw err instanceof pg.DatabaseError ? wrap(err, 'COMMIT') : err;
      } finally {
        client.release(broken);
      }
    }
  }

  /**
   * Online copy with `pg_dump` (custom format, one consistent snapshot while writes go on), then
   * checked by reading the archive's table of contents back with `pg_restore --list`.
   */
  async backup(dest: string): Promise<void> {
    const dump = findPgProgram('pg_dump');
    const restore = findPgProgram('pg_restore');
    if (!dump || !restore)
      throw new StoreError('pg_dump not found: install the postgresql-client package', 'backup');
    try {
      await run(dump, ['--format=custom', '--no-owner', `--file=${dest}`, `--dbname=${this.url}`], {
        maxBuffer: 16 * 1024 * 1024,
      });
      const { stdout } = await run(restore, ['--list', dest], { maxBuffer: 64 * 1024 * 1024 });
      if (!/TABLE DATA public schema_migrations/.test(stdout))
        throw new Error('the archive holds no schema_migrations data');
    } catch (err) {
      throw new StoreError(`backup to ${dest}: ${(err as Error).message.split('\n')[0]}`, 'backup');
    }
  }

  /**
   * What PostgreSQL can check online: every foreign key and check constraint validated, B-tree
   * indexes and table pages sound (`amcheck`, when the role may create the extension), and every
   * row of a child table pointing at an existing parent.
   */
  async integrityCheck(): Promise<string[]> {
    const problems: string[] = [];
    const invalid = await this.db.all<{ conname: string; tbl: string }>(
      `SELECT c.conname, c.conrelid::regclass::text AS tbl FROM pg_constraint c
       JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = current_schema() AND NOT c.convalidated`,
    );
    for (const c of invalid) problems.push(`constraint ${c.conname} on ${c.tbl} not validated`);
    const fks = await this.db.all<{ tbl: string; col: string; ref: string; refcol: string }>(
      `SELECT c.conrelid::regclass::text AS tbl, a.attname AS col, c.confrelid::regclass::text AS ref, ra.attname AS refcol
       FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
       JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = c.confkey[1]
       WHERE c.contype = 'f' AND n.nspname = current_schema() AND array_length(c.conkey, 1) = 1`,
    );
    for (const fk of fks) {
      const orphans = await this.db.get<{ n: number }>(
        `SELECT COUNT(*) AS n FROM ${ident(fk.tbl)} c WHERE c.${ident(fk.col)} IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM ${ident(fk.ref)} p WHERE p.${ident(fk.refcol)} = c.${ident(fk.col)})`,
      );
      if (orphans?.n)
        problems.push(`foreign key: ${orphans.n} row(s) of ${fk.tbl}.${fk.col} point at no ${fk.ref}`);
    }
    if (await this.amcheckAvailable()) {
      const indexes = await this.db.all<{ idx: string }>(
        `SELECT i.indexrelid::regclass::text AS idx FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am am ON am.oid = c.relam
         WHERE n.nspname = current_schema() AND am.amname = 'btree'`,
      );
      for (const { idx } of indexes) {
        try {
          await this.db.run('SELECT bt_index_check(?::regclass, true)', [idx]);
        } catch (err) {
          problems.push(`index ${idx}: ${(err as Error).message}`);
        }
      }
      const tables = await this.db.all<{ tbl: string }>(
        `SELECT c.oid::regclass::text AS tbl FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = current_schema() AND c.relkind = 'r'`,
      );
      for (const { tbl } of tables) {
        const bad = await this.db.all<{ blkno: number; msg: string }>(
          'SELECT blkno, msg FROM verify_heapam(?::regclass)',
          [tbl],
        );
        for (const b of bad) problems.push(`table ${tbl} page ${b.blkno}: ${b.msg}`);
      }
    }
    return problems;
  }

  private async amcheckAvailable(): Promise<boolean> {
    try {
      await this.db.run('CREATE EXTENSION IF NOT EXISTS amcheck');
      return true;
    } catch {
      return false; // Not a superuser, or contrib not installed: the other checks still run.
    }
  }

  /** Calls `fn` with every payload sent on `channel` by any process (PostgreSQL LISTEN). */
  async listen(channel: string, fn: ChannelListener): Promise<() => Promise<void>> {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new StoreError(`bad channel name ${channel}`, 'LISTEN');
    const client = await this.listenerClient();
    let set = this.channels.get(channel);
    if (!set) {
      set = new Set();
      this.channels.set(channel, set);
      await client.query(`LISTEN ${channel}`);
    }
    set.add(fn);
    return async () => {
      const s = this.channels.get(channel);
      if (!s?.delete(fn) || s.size) return;
      this.channels.delete(channel);
      if (!this.closed) await client.query(`UNLISTEN ${channel}`).catch(() => undefined);
    };
  }

  /** Sends `payload` (up to 8000 bytes) to every listener of `channel`, in every process. */
  async notify(channel: string, payload: string): Promise<void> {
    await this.db.run('SELECT pg_notify(?, ?)', [channel, payload]);
  }

  onListening(fn: (listening: boolean) => void): () => void {
    this.listeningFns.add(fn);
    return () => {
      this.listeningFns.delete(fn);
    };
  }

  private listenerClient(): Promise<pg.Client> {
    if (this.listener) return Promise.resolve(this.listener);
    this.connecting ??= this.connectListener().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  /** A connection of its own that listens on every channel someone listens to (LISTEN is per connection). */
  private async connectListener(): Promise<pg.Client> {
    // Keep-alive probes: a peer gone without a word (network cut) is noticed, not waited for forever.
    const client = new pg.Client({ connectionString: this.url, types: TYPES, keepAlive: true });
    client.on('notification', (msg) => {
      for (const fn of this.channels.get(msg.channel) ?? []) fn(msg.payload ?? '');
    });
    // Lost (server restart, network, an administrator's pg_terminate_backend): said, then replaced.
    client.on('error', () => this.listenerLost(client));
    client.on('end', () => this.listenerLost(client));
    try {
      await client.connect();
      for (const channel of this.channels.keys()) await client.query(`LISTEN ${channel}`);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    this.listener = client;
    return client;
  }

  private listenerLost(client: pg.Client): void {
    if (this.listener !== client) return; // Not yet in use, or already replaced.
    this.listener = null;
    client.end().catch(() => undefined);
    if (this.closed) return;
    for (const fn of this.listeningFns) fn(false);
    this.reconnect(1);
  }

  /** Tries again after 0.1, 0.2, 0.4… up to 5 s, until listening again on every channel. */
  private reconnect(attempt: number): void {
    this.reconnectTimer = setTimeout(
      async () => {
        this.reconnectTimer = null;
        if (this.closed) return;
        try {
          await this.listenerClient();
        } catch {
          if (!this.closed) this.reconnect(attempt + 1);
          return;
        }
        if (!this.closed) for (const fn of this.listeningFns) fn(true);
      },
      Math.min(5000, 100 * 2 ** (attempt - 1)),
    );
    this.reconnectTimer.unref();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    await this.connecting?.catch(() => undefined);
    await this.listener?.end().catch(() => undefined);
    await this.pool.end();
  }
}

/**
 * Every table announces its committed changes on `CHANGED_CHANNEL` (a statement trigger: a
 * notification is sent when, and only if, the transaction commits; PostgreSQL sends one per table
 * and transaction). Installed where missing after the migrations, so a table a later migration
 * adds — whichever branch wrote it — announces its changes too. What reads the database through a
 * cache (services/read-cache.ts) learns of every write, whoever made it.
 */
async function announceChanges(db: Db): Promise<void> {
  const fn = await db.get<{ f: string | null }>(
    "SELECT to_regprocedure('atelier_announce_change()')::text AS f",
  );
  if (!fn?.f)
    await db.run(`CREATE FUNCTION atelier_announce_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN PERFORM pg_notify('${CHANGED_CHANNEL}', TG_TABLE_NAME); RETURN NULL; END $$`);
  const silent = await db.all<{ tbl: string }>(
    `SELECT c.relname AS tbl FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = current_schema() AND c.relkind = 'r' AND NOT c.relispartition
       AND c.relname <> 'schema_migrations'
       AND NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = 'atelier_changed')`,
  );
  for (const { tbl } of silent)
    await db.run(
      `CREATE TRIGGER atelier_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${ident(tbl)}
       FOR EACH STATEMENT EXECUTE FUNCTION atelier_announce_change()`,
    );
}

/** A table or column name from the catalogue, quoted when it needs to be. */
function ident(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]+):[^@/]*@/, '$1:***@');
}

export function openPostgresStore(url: string, options?: PostgresStoreOptions): Promise<PostgresStore> {
  return PostgresStore.open(url, options);
}
