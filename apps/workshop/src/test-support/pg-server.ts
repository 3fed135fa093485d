/**
 * A private PostgreSQL server for tests and benchmarks: `initdb` into a temporary directory, then
 * the server listening only on a unix socket in that directory (no TCP port to collide with other
 * runs on the machine; the port number only names the socket). PostgreSQL refuses to run as root:
 * under root the directory is given to the `postgres` system user (created by Debian's package) and
 * the programs run through `runuser`.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { findPgProgram } from '../store/pg-tools.js';

const exec = promisify(execFile);

export const PG_SUPERUSER = 'atelier';

export interface PgServer {
  /** The directory holding the data directory, the socket and the log. */
  dir: string;
  port: number;
  /** A connection URL for `database` on this server. */
  url(database: string): string;
  stop(): Promise<void>;
  /** The same, synchronously: for a process that is being interrupted and cannot wait. */
  stopSync(): void;
}

/** Why no private server can be started here, or null when it can. */
export function pgServerUnavailable(): string | null {
  for (const p of ['initdb', 'pg_ctl', 'postgres'])
    if (!findPgProgram(p))
      return `PostgreSQL's ${p} not found (Debian: apt-get install postgresql; or set ATELIER_PG_BIN)`;
  if (process.getuid?.() === 0 && !systemUser('postgres'))
    return 'running as root and there is no postgres system user to run the server as';
  return null;
}

function systemUser(name: string): { uid: number; gid: number } | null {
  try {
    const line = readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${name}:`));
    if (!line) return null;
    const [, , uid, gid] = line.split(':');
    return { uid: Number(uid), gid: Number(gid) };
  } catch {
    return null;
  }
}

export function pgUrl(dir: string, port: number, database: string, user = PG_SUPERUSER): string {
  return `postgresql://${user}@/${encodeURIComponent(database)}?host=${encodeURIComponent(dir)}&port=${port}`;
}

export async function startPgServer(
  options: { port?: number; settings?: Record<string, string> } = {},
): Promise<PgServer> {
  const why = pgServerUnavailable();
  if (why) throw new Error(why);
  const port = options.port ?? 5433;
  const dir = mkdtempSync(join(tmpdir(), 'atelier-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? systemUser('postgres')! : null;
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const runPg = (program: string, args: string[]) => {
    const path = findPgProgram(program)!;
    return asRoot
      ? exec('runuser', ['-u', 'postgres', '--', path, ...args], { cwd: dir })
      : exec(path, args, { cwd: dir });
  };
  const settings: Record<string, string> = {
    listen_addresses: "''",
    unix_socket_directories: `'${dir}'`,
    port: String(port),
    max_connections: '300',
    // A test server: the data is thrown away, so the disk need not be flushed.
    fsync: 'off',
    full_page_writes: 'off',
    ...options.settings,
  };
  try {
    await runPg('initdb', [
      '-D',
      data,
      '-U',
      PG_SUPERUSER,
      '--auth=trust',
      '--encoding=UTF8',
      '--locale=C',
      '--no-sync',
    ]);
    const opts = Object.entries(settings)
      .map(([k, v]) => `-c ${k}=${v}`)
      .join(' ');
    await runPg('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', opts, '-w', '-t', '60', 'start']);
  } catch (err) {
    let log = '';
    try {
      log = readFileSync(join(dir, 'server.log'), 'utf8').slice(-2000);
    } catch {}
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`cannot start PostgreSQL in ${dir}: ${(err as Error).message}\n${log}`);
  }
  let stopped = false;
  return {
    dir,
    port,
    url: (database) => pgUrl(dir, port, database),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await runPg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
    stopSync: () => {
      if (stopped) return;
      stopped = true;
      const ctl = findPgProgram('pg_ctl')!;
      const args = ['-D', data, '-m', 'immediate', '-w', 'stop'];
      try {
        if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', ctl, ...args], { stdio: 'ignore' });
        else execFileSync(ctl, args, { stdio: 'ignore' });
      } catch {
        // Already stopped.
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs statements that cannot run in a transaction (CREATE/DROP DATABASE) on the `postgres` database. */
export async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The same server's URL for another database. */
export function withDatabase(url: string, database: string): string {
  const m = /^(postgres(?:ql)?:\/\/[^/?]*)(\/[^?]*)?(\?.*)?$/.exec(url);
  if (!m) throw new Error(`not a PostgreSQL URL: ${url}`);
  return `${m[1]}/${encodeURIComponent(database)}${m[3] ?? ''}`;
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

export function createDatabase(adminUrl: string, name: string, template?: string): Promise<void> {
  return adminQuery(
    adminUrl,
    `CREATE DATABASE ${quoteIdent(name)}${template ? ` TEMPLATE ${quoteIdent(template)}` : ''}`,
  );
}

export function dropDatabase(adminUrl: string, name: string): Promise<void> {
  return adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
}
