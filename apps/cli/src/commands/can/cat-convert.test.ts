import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import type { CliContext } from '@atelier/command';
import { describe, expect, it, vi } from 'vitest';
import { startProgress } from './cat.js';

const ROOT = resolve(import.meta.dirname, '../../../../..');
// Relative to the repository root, as the README tour names them.
const LEAF = 'tests/fixtures/can/nissan_leaf_uds_2022-01-06.log';
const SAVVY = 'tests/fixtures/can/savvycan_example_candump.log';

/** Runs the real CLI from the repository root, as a user would. */
function atelier(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'apps/cli/src/main.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
    env: { ...process.env, ATELIER_LANG: 'fr' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tmp = () => mkdtempSync(join(tmpdir(), 'atelier-cli-cat-'));

// Each case spawns the CLI (Node + tsx start-up, ~0.5–2 s on a loaded machine).
describe('atelier can cat', { timeout: 120_000 }, () => {
  it('prints the Leaf recording as 5588 JSON lines with the exact shape', () => {
    const r = atelier('can', 'cat', LEAF, '--json');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(5588);
    expect(lines[0]).toBe(
      '{"t":1641469561.9497,"id":1947,"ext":false,"data":"022101ffffffffff","dir":"tx","ch":"can0"}',
    );
    expect(lines[1]).toBe(
      '{"t":1641469561.95665,"id":1979,"ext":false,"data":"10356101fffff3cc","dir":"rx","ch":"can0"}',
    );
    const parsed = lines.map((l) => JSON.parse(l));
    expect(new Set(parsed.map((p) => p.ch))).toEqual(new Set(['can0', 'can1']));
    for (const p of parsed) expect(Object.keys(p).slice(0, 4)).toEqual(['t', 'id', 'ext', 'data']);
    expect(r.stderr).toBe('');
  });

  it('prints candump -l lines identical to a candump -l source', () => {
    const r = atelier('can', 'cat', LEAF);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(resolve(ROOT, LEAF), 'utf8'));
  });

  it('adds rtr, err and fd only when they apply', () => {
    const dir = tmp();
    const file = join(dir, 'kinds.log');
    writeFileSync(
      file,
      '(1.000000) can0 123#R2\n(2.500000) can0 20000004#0000000000000000\n(3.000000) can0 12345678##1AABB\n',
    );
    const r = atelier('can', 'cat', file, '--json');
    expect(r.stdout.trimEnd().split('\n')).toEqual([
      '{"t":1,"id":291,"ext":false,"data":"","rtr":true,"ch":"can0"}',
      '{"t":2.5,"id":4,"ext":false,"data":"0000000000000000","err":true,"ch":"can0"}',
      '{"t":3,"id":305419896,"ext":true,"data":"aabb","fd":true,"ch":"can0"}',
    ]);
  });

  it('stops on a bad line with the file and line, or skips it with --lenient and reports on stderr', () => {
    const dir = tmp();
    const file = join(dir, 'bad.log');
    writeFileSync(file, '(1.0) can0 123#00\n(2.0) can0 123#0\n(3.0) can0 124#01\n');
    const strict = atelier('can', 'cat', file);
    expect(strict.code).toBe(1);
    // In French, the user's language: the place spelled out, the reason translated.
    expect(strict.stderr).toBe(
      `atelier can: ${file}, ligne 2, colonne 17 : nombre impair de chiffres hexadécimaux (1) dans les données\n`,
    );
    const lenient = atelier('can', 'cat', file, '--lenient', '--json');
    expect(lenient.code).toBe(0);
    expect(lenient.stdout.trimEnd().split('\n')).toHaveLength(2);
    expect(lenient.stderr).toBe(
      `1 ligne(s) illisible(s) sautée(s) :\n  ${file}, ligne 2, colonne 17 : nombre impair de chiffres hexadécimaux (1) dans les données\n`,
    );
    // In English, as it always was (class name, then file:line:column).
    const english = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'apps/cli/src/main.ts', 'can', 'cat', file],
      {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, ATELIER_LANG: 'en' },
      },
    );
    expect(english.stderr).toBe(
      `atelier can: LogParseError: ${file}:2:17: odd number of hex digits (1) in the data\n`,
    );
  });

  it('reports a missing file and a usage error without a stack trace', () => {
    const missing = atelier('can', 'cat', 'nope.log');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^atelier can: introuvable : (.*\/)?nope\.log \[ENOENT\]\n$/);
    // A directory opens on Linux and fails at its first read, where Node names no file.
    const folder = atelier('can', 'cat', tmp());
    expect(folder.code).toBe(1);
    expect(folder.stderr).toMatch(/^atelier can: \/.+ est un dossier : un fichier est attendu \[EISDIR\]\n$/);
    const english = atelier('can', 'cat', tmp(), '--format', 'blf', '--lang', 'en');
    expect(english.stderr).toMatch(/^atelier can: \/.+ is a directory: a file is expected \[EISDIR\]\n$/);
    const usage = atelier('can', 'cat');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/un journal attendu/);
  });

  it('has help in French and English', () => {
    expect(atelier('can', 'cat', '--help').stdout).toMatch(/^Usage : atelier can cat JOURNAL/);
    expect(atelier('--lang', 'en', 'can', 'cat', '--help').stdout).toMatch(/^Usage: atelier can cat LOG/);
    expect(atelier('--lang', 'en', 'can', 'convert', '--help').stdout).toMatch(
      /^Usage: atelier can convert IN OUT/,
    );
  });
});

describe('atelier can convert', { timeout: 120_000 }, () => {
  it('converts through every format and back to the same frames', () => {
    const dir = tmp();
    const direct = atelier('can', 'cat', SAVVY, '--json').stdout.trimEnd().split('\n');
    expect(direct).toHaveLength(12974);
    let previous = SAVVY;
    for (const ext of ['asc', 'trc', 'csv', 'log']) {
      const out = join(dir, `savvy.${ext}`);
      const r = atelier('can', 'convert', previous, out);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/^12974 trame\(s\) converties de \w+ en \w+/);
      previous = out;
    }
    const back = atelier('can', 'cat', previous, '--json').stdout.trimEnd().split('\n');
    // Channel names and directions change on the way (ASC/TRC number the channels, they name a direction).
    const strip = (l: string) => l.replace(/,"dir":"\w+"/, '').replace(/,"ch":"[^"]*"/, '');
    expect(back.map(strip)).toEqual(direct.map(strip));
  });

  it('stops on a frame the output format cannot hold, names it, and leaves no half-written file', () => {
    const dir = tmp();
    const input = join(dir, 'remote.log');
    writeFileSync(input, '(1.000000) can0 123#11\n(2.000000) can0 124#R\n');
    const out = join(dir, 'out.csv');
    const r = atelier('can', 'convert', input, out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /LogWriteError: csv writer, frame #1: SavvyCAN CSV cannot express remote frames/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('reports an output that cannot be created, without a stack trace', () => {
    const r = atelier('can', 'convert', LEAF, join(tmp(), 'missing-dir', 'out.asc'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^atelier can: introuvable : .*missing-dir\/out\.asc \[ENOENT\]\n$/);
    expect(r.stderr).not.toMatch(/node:events|at .*\.ts:\d+/);
  });

  it('refuses an output without a known extension and an output that is the input', () => {
    expect(atelier('can', 'convert', LEAF, join(tmp(), 'out.bin')).code).toBe(2);
    expect(atelier('can', 'convert', LEAF, LEAF).code).toBe(2);
  });
});

describe('progress bar', () => {
  function fakeCtx(tty: boolean) {
    const out = { stdout: '', stderr: '' };
    const sink = (key: 'stdout' | 'stderr') =>
      new Writable({
        write(chunk, _enc, done) {
          out[key] += String(chunk);
          done();
        },
      });
    const ctx: CliContext = {
      stdout: sink('stdout'),
      stderr: sink('stderr'),
      lang: 'fr',
      cwd: ROOT,
      signal: new AbortController().signal,
      stderrIsTTY: tty,
    };
    return { ctx, out };
  }

  it('draws on stderr only, for a large file, only when stderr is a terminal', () => {
    vi.useFakeTimers();
    try {
      const big = join(tmp(), 'big.log');
      writeFileSync(big, '');
      truncateSync(big, 32 * 2 ** 20);
      const reader = {
        file: big,
        format: 'candump' as const,
        skipped: [],
        bytesRead: 8 * 2 ** 20,
        [Symbol.asyncIterator]: undefined as never,
      };
      const tty = fakeCtx(true);
      const bar = startProgress(tty.ctx, reader, big);
      vi.advanceTimersByTime(450);
      bar.stop();
      expect(tty.out.stderr).toMatch(/\[#{8}\.{22}\] {2}25 %/);
      expect(tty.out.stdout).toBe('');
      const pipe = fakeCtx(false);
      startProgress(pipe.ctx, reader, big).stop();
      vi.advanceTimersByTime(450);
      expect(pipe.out.stderr).toBe('');
      const small = fakeCtx(true);
      startProgress(small.ctx, reader, resolve(ROOT, LEAF)).stop();
      vi.advanceTimersByTime(450);
      expect(small.out.stderr).toBe('');
    } finally {
      vi.useRealTimers();
    }
  });
});
