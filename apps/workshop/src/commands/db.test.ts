import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { type CliContext, UsageError } from '@atelier/command';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../store/sqlite-store.js';
import { dbCommand } from './db.js';

const dir = mkdtempSync(join(tmpdir(), 'atelier-cli-db-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function ctx(): CliContext & { out: () => string } {
  const stdout = new PassThrough();
  const chunks: string[] = [];
  stdout.on('data', (c) => chunks.push(String(c)));
  return {
    stdout,
    stderr: new PassThrough(),
    lang: 'en',
    cwd: dir,
    signal: new AbortController().signal,
    stderrIsTTY: false,
    out: () => chunks.join(''),
  };
}

describe('atelier db', () => {
  it('backs up a live database into a checked copy holding the same rows', async () => {
    const file = join(dir, 'live.sqlite');
    const store = await openSqliteStore(file);
    for (let i = 0; i < 50; i++)
      await store.run('INSERT INTO customers (name, created_at, last_activity_at) VALUES (?, 1, 1)', [
        `c${i}`,
      ]);
    // The source stays open (as a running server would keep it) during the backup.
    const c = ctx();
    expect(await dbCommand.run(['backup', '--db', file, 'copy.sqlite'], c)).toBe(0);
    expect(c.out()).toContain('Backup written and checked');
    await store.close();
    const copy = await openSqliteStore(join(dir, 'copy.sqlite'));
    expect((await copy.get<{ n: number }>('SELECT COUNT(*) AS n FROM customers'))?.n).toBe(50);
    await copy.close();
    const check = ctx();
    expect(await dbCommand.run(['check', '--db', 'copy.sqlite'], check)).toBe(0);
    expect(check.out()).toBe('ok\n');
  });

  it('refuses to overwrite, a missing database, and unknown subcommands', async () => {
    await expect(dbCommand.run(['backup', '--db', 'live.sqlite', 'copy.sqlite'], ctx())).rejects.toThrow(
      /already exists/,
    );
    await expect(dbCommand.run(['backup', '--db', 'nope.sqlite', 'x.sqlite'], ctx())).rejects.toBeInstanceOf(
      UsageError,
    );
    await expect(dbCommand.run(['vacuum', '--db', 'live.sqlite'], ctx())).rejects.toThrow(
      /unknown subcommand 'vacuum'/,
    );
    await expect(dbCommand.run(['backup', '--db', 'live.sqlite'], ctx())).rejects.toThrow(
      /DESTINATION missing/,
    );
  });
});
