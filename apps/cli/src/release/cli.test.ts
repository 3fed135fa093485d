import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCliRelease, type CliRelease, loadedWith } from '../../../../scripts/build-cli.js';
import { fixturePath, programRuns, requireOracle, underCi } from '../../../../tests/support/index.js';
import { runCli, runProgram } from '../testing.js';

// The release form of the whole `atelier` command (scripts/build-cli.ts), built as a release builds
// it and run as a user runs it: the same answers as the development command, each command loading
// only its own part, its data files found, the dashboard served with its static files.

let dir: string;
let release: CliRelease;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'atelier-cli-release-'));
  release = await buildCliRelease(join(dir, 'atelier'));
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LEAF = fixturePath('can/nissan_leaf_uds_2022-01-06.log');
const released = (args: string[]) => runProgram(process.execPath, [release.bin, ...args], { cwd: dir });

/** Which source files an output file brings in with it, statically. */
const sourcesLoadedWith = (file: string) =>
  loadedWith(release, file).flatMap((f) => release.outputs[f].sources);

describe('atelier as released', { timeout: 120_000 }, () => {
  it.each([
    [['--help']],
    [['--version']],
    [['--lang', 'en', 'obd', 'decode', '7E8 04 41 0C 1A F8', '41 05 7B', '--json']],
    [['can', 'stats', LEAF, '--json']],
    [['can', 'isotp', LEAF, '--rx', '7BB', '--tx', '79B', '--json']],
    [['kb', 'lint']],
    [['sim', 'list']],
    [['dtc', 'explain', 'P0301', '--lang', 'en']],
    [['can', 'stats', 'no-such.log']],
    // The error lists the adapter profiles the release found in its files.
    [['emulate', '--profile', 'nope', '--lang', 'en']],
  ])('answers %j as the development command does', async (args) => {
    const [ours, dev] = await Promise.all([released(args), runCli(args, { cwd: dir })]);
    expect(ours.code, ours.stderr).toBe(dev.code);
    expect(ours.stdout).toBe(dev.stdout);
    expect(ours.stderr).toBe(dev.stderr);
  });

  it('--version prints the version of the package it runs from', async () => {
    const { version } = JSON.parse(readFileSync(join(release.dir, 'package.json'), 'utf8')) as {
      version: string;
    };
    const out = await released(['--version']);
    expect(out.code).toBe(0);
    expect(out.stdout).toBe(`atelier ${version}\n`);
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('reads a simulated car as the development command does (live values move with the clock)', async () => {
    const args = ['obd', 'read', '--adapter', 'sim:vacuum-leak', '--json'];
    const [ours, dev] = await Promise.all([released(args), runCli(args, { cwd: dir })]);
    expect(ours.code, ours.stderr).toBe(0);
    expect(dev.code, dev.stderr).toBe(0);
    const [a, b] = [JSON.parse(ours.stdout), JSON.parse(dev.stdout)];
    for (const key of ['adapter', 'ecus', 'vin', 'dtcs', 'readiness']) expect(a[key], key).toEqual(b[key]);
    for (const ecu of Object.keys(b.pids))
      expect(Object.keys(a.pids[ecu]).sort()).toEqual(Object.keys(b.pids[ecu]).sort());
  });

  it('lists every command without loading any: help brings only the list and the command contract', () => {
    const sources = sourcesLoadedWith('lib/main.js');
    expect(sources.filter((s) => s.startsWith('apps/cli/src/commands/') && !s.endsWith('/index.ts'))).toEqual(
      [],
    );
    expect(sources.every((s) => s.startsWith('apps/cli/src/') || s.startsWith('packages/command/'))).toBe(
      true,
    );
    // One chunk per command, loaded on dispatch.
    expect(release.outputs['lib/main.js'].dynamicImports.length).toBeGreaterThanOrEqual(10);
  });

  it('a small command does not load the workshop, Fastify, sqlite3 or the fault-tree engine', () => {
    const main = release.outputs['lib/main.js'];
    const obd = main.dynamicImports.find((f) =>
      release.outputs[f].sources.includes('apps/cli/src/commands/obd/index.ts'),
    );
    expect(obd).toBeDefined();
    const sources = sourcesLoadedWith(obd!);
    expect(sources.some((s) => s.startsWith('packages/obd/'))).toBe(true);
    for (const heavy of [
      'apps/workshop/',
      'packages/fault-tree/',
      'packages/diagnosis/',
      '/fastify/',
      '/sqlite3/',
    ])
      expect(sources.filter((s) => s.includes(heavy))).toEqual([]);
  });

  it('serves the demo dashboard with its static files, and stops on SIGINT removing its temporary database', async () => {
    const child = spawn(process.execPath, [release.bin, 'serve', '--demo', '--port', '0'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const [, url, db] = await firstMatch(child, /écoute sur (http:\/\/[\d.:]+) \(base (\S+)\)/);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      for (const path of ['/static/app.css', '/static/app.js', '/vendor/uplot/uPlot.min.css']) {
        const res = await fetch(`${url}${path}`);
        expect(res.status, path).toBe(200);
        expect((await res.text()).length, path).toBeGreaterThan(100);
      }
      expect(existsSync(db)).toBe(true);
      child.kill('SIGINT');
      expect(await exited(child)).toBe(0);
      expect(existsSync(dirname(db))).toBe(false);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

/** Resolves with the first match of `re` in the child's stdout. */
function firstMatch(child: ChildProcess, re: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr?.on('data', (d) => (err += d));
    child.stdout?.on('data', (d) => {
      out += d;
      const m = re.exec(out);
      if (m) resolve(m);
    });
    child.on('exit', (code) => reject(new Error(`exited with ${code} before ${re}: ${out}${err}`)));
  });
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) =>
    child.exitCode !== null ? resolve(child.exitCode) : child.on('exit', (code) => resolve(code)),
  );

/**
 * The tarball `npm pack` makes, installed by npm into an empty directory with nothing from the
 * workspace (npm fetches the dependencies and builds sqlite3 and serialport's bindings), then run.
 * It takes minutes (sqlite3 builds from source where no prebuilt binary can be fetched), so it runs
 * under CI=true, or locally with ATELIER_TEST_PACK=1.
 */
const wanted = underCi() || process.env.ATELIER_TEST_PACK === '1';
const packSkip = wanted
  ? requireOracle('npm and its registry', programRuns('npm', ['ping'])).missing
  : 'it builds sqlite3 with npm for minutes: set ATELIER_TEST_PACK=1, or CI=true';
if (!wanted) console.warn(`[release] npm pack install test skipped: ${packSkip}`);

describe('npm pack of the release', () => {
  it.skipIf(!!packSkip)(
    `installs into an empty directory and runs there${packSkip ? ` (skipped: ${packSkip})` : ''}`,
    async () => {
      const packed = await runProgram('npm', ['pack', '--silent'], { cwd: release.dir });
      expect(packed.code, packed.stderr).toBe(0);
      const tarball = join(release.dir, packed.stdout.trim().split('\n').at(-1)!);
      const clean = mkdtempSync(join(tmpdir(), 'atelier-npm-install-'));
      try {
        const install = await runProgram('npm', ['install', '--no-audit', '--no-fund', tarball], {
          cwd: clean,
        });
        expect(install.code, install.stderr).toBe(0);
        expect(readdirSync(join(clean, 'node_modules'))).toEqual(
          expect.arrayContaining(['atelier', 'sqlite3']),
        );
        const atelier = join(clean, 'node_modules', '.bin', 'atelier');
        const run = (args: string[]) => runProgram(atelier, args, { cwd: clean });
        const help = await run(['--help', '--lang', 'en']);
        expect(help.code).toBe(0);
        expect(help.stdout).toMatch(/^atelier — vehicle-diagnostics workshop toolkit/);
        const decode = await run(['obd', 'decode', '7E8 04 41 0C 1A F8', '--json']);
        expect(JSON.parse(decode.stdout)).toMatchObject({ key: 'ENGINE_RPM', value: 1726, unit: 'rpm' });
        // sqlite3, as npm built it: a database made by the server, checked by `db check`.
        const child = spawn(atelier, ['serve', '--demo', '--port', '0', '--db', join(clean, 'w.sqlite')], {
          cwd: clean,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        try {
          const [, url] = await firstMatch(child, /écoute sur (http:\/\/[\d.:]+)/);
          expect((await fetch(`${url}/static/app.css`)).status).toBe(200);
          child.kill('SIGINT');
          expect(await exited(child)).toBe(0);
        } finally {
          child.kill('SIGKILL');
        }
        const check = await run(['db', 'check', '--db', 'w.sqlite']);
        expect([check.code, check.stdout]).toEqual([0, 'ok\n']);
      } finally {
        rmSync(clean, { recursive: true, force: true });
      }
    },
    900_000,
  );
});
