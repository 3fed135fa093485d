/**
 * The services layer must stay portable to PostgreSQL: this reads every SQL string in services and
 * plugins and refuses SQLite-only syntax. Only the SQLite store and its migrations may use it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SQLITE_ONLY =
  /INSERT\s+OR\b|\bPRAGMA\b|AUTOINCREMENT|\bstrftime\s*\(|\bjulianday\s*\(|\bdatetime\s*\(|\bdate\s*\(\s*'now'|\bGLOB\b|last_insert_rowid|\bIFNULL\s*\(|group_concat|\browid\b|\bREPLACE\s+INTO\b/i;
const SQL_STRING = /(['`])((?:(?!\1)[\s\S])*?\b(?:SELECT|INSERT|UPDATE|DELETE)\b(?:(?!\1)[\s\S])*?)\1/g;

function sqlStrings(dir: string): { file: string; sql: string }[] {
  const root = fileURLToPath(new URL(`../${dir}/`, import.meta.url));
  return readdirSync(root).flatMap((f) => {
    if (statSync(root + f).isDirectory()) return sqlStrings(`${dir}/${f}`);
    if (!f.endsWith('.ts') || f.includes('.test')) return [];
    return [...readFileSync(root + f, 'utf8').matchAll(SQL_STRING)].map((m) => ({
      file: `${dir}/${f}`,
      sql: m[2]!,
    }));
  });
}

describe('portable SQL', () => {
  const all = [...sqlStrings('services'), ...sqlStrings('plugins')];
  it('finds the SQL it is meant to check', () => {
    expect(all.length).toBeGreaterThan(50);
  });
  it('uses no SQLite-only syntax in services or plugins', () => {
    expect(all.filter((s) => SQLITE_ONLY.test(s.sql)).map((s) => `${s.file}: ${s.sql.slice(0, 80)}`)).toEqual(
      [],
    );
  });
  it('types every parameter PostgreSQL cannot type from its place (a bare ? IS NULL)', () => {
    // PostgreSQL refuses `? IS NULL` ("could not determine data type of parameter"): cast it.
    const untyped = /(?:^|[^\w)])\?\s+IS\s+(?:NOT\s+)?NULL/i;
    expect(untyped.test('WHERE (? IS NULL OR user_id = ?)')).toBe(true);
    expect(untyped.test('WHERE (CAST(? AS BIGINT) IS NULL OR user_id = ?)')).toBe(false);
    expect(all.filter((s) => untyped.test(s.sql)).map((s) => `${s.file}: ${s.sql.slice(0, 80)}`)).toEqual([]);
  });
  it('would notice SQLite-only syntax', () => {
    expect(SQLITE_ONLY.test('INSERT OR IGNORE INTO x VALUES (1)')).toBe(true);
    expect(SQLITE_ONLY.test("SELECT strftime('%s', at) FROM t")).toBe(true);
    expect(SQLITE_ONLY.test('SELECT id FROM t WHERE a = ? RETURNING id')).toBe(false);
  });
});
