/**
 * Rules on the source that a reader can check by grep, checked here: services and plugins take
 * time from the injected clock (no `Date.now()`, no argument-less `new Date()`), and SQL lives in
 * the services only — no SQL string and no statement call in a plugin.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('./', import.meta.url));

function sources(dir: string): { file: string; text: string }[] {
  return readdirSync(join(SRC, dir)).flatMap((name) => {
    const path = join(SRC, dir, name);
    if (statSync(path).isDirectory()) return sources(relative(SRC, path));
    if (!name.endsWith('.ts') || name.includes('.test.')) return [];
    return [{ file: relative(SRC, path), text: readFileSync(path, 'utf8') }];
  });
}

const READS_THE_CLOCK = /\bDate\.now\s*\(|\bnew Date\s*\(\s*\)|\bperformance\.now\s*\(/;
/** A statement in a string: SELECT … FROM, INSERT INTO, UPDATE … SET, DELETE FROM. */
const SQL = /(['`])\s*(?:SELECT\b[^'`]*\bFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b[^'`]*\1/i;
const STATEMENT = /\b(?:store|db|tx)\s*\.\s*(?:get|all|run)\s*[<(]/;

describe('time comes from the injected clock', () => {
  const files = [...sources('services'), ...sources('plugins')];
  it('reads the source it is meant to check', () => {
    expect(files.map((f) => f.file)).toEqual(
      expect.arrayContaining(['services/live.ts', 'plugins/diagnostics/sessions.ts', 'plugins/core.ts']),
    );
  });
  it('no service or plugin reads the system clock', () => {
    expect(files.filter((f) => READS_THE_CLOCK.test(f.text)).map((f) => f.file)).toEqual([]);
  });
  it('would notice one that does', () => {
    for (const bad of ['const t = Date.now();', 'new Date()', 'performance.now()'])
      expect(READS_THE_CLOCK.test(bad)).toBe(true);
    expect(READS_THE_CLOCK.test('new Date(clock.now())')).toBe(false);
  });
});

describe('SQL only in services', () => {
  it('no plugin holds SQL or runs a statement', () => {
    const plugins = sources('plugins');
    expect(plugins.length).toBeGreaterThan(10);
    expect(plugins.filter((f) => SQL.test(f.text) || STATEMENT.test(f.text)).map((f) => f.file)).toEqual([]);
  });
  it('the services do (the check can see SQL)', () => {
    const services = sources('services');
    expect(services.filter((f) => SQL.test(f.text) && STATEMENT.test(f.text)).length).toBeGreaterThan(10);
    expect(SQL.test("await store.get('SELECT id FROM users')")).toBe(true);
    expect(SQL.test("new Set(['POST', 'DELETE'])")).toBe(false);
    expect(STATEMENT.test('await store.run(`UPDATE x SET y = 1`)')).toBe(true);
  });
});
