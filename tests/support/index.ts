/**
 * What tests across the workspace share: the path of a fixture, and one rule for the independent
 * oracles and peers a test needs (scram, python-can, chromium, socat…).
 *
 * The rule: a test that needs something absent says why. Under `CI=true` a missing oracle fails the
 * run with that reason (the CI machine is set up by scripts/setup.sh, so a missing oracle there is
 * a broken setup, not a reason to go green); elsewhere the tests that need it are skipped and the
 * reason is printed. The one exception is declared with `ciSkip`: SocketCAN on vcan needs a kernel
 * module that CI containers do not have, so it stays a skip with its reason even under `CI=true`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root (this file is tests/support/index.ts). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The absolute path of a file under tests/fixtures (`fixturePath('can/savvycan_example_candump.log')`). */
export function fixturePath(relative: string): string {
  return join(REPO_ROOT, 'tests', 'fixtures', relative);
}

/** Returns why the oracle cannot be used, or undefined when it can. */
export type OracleCheck = () => string | undefined;

export interface Oracle {
  name: string;
  /** Why it is missing; undefined when it is there. */
  missing: string | undefined;
  /** For test titles: '' when present, ` (skipped: REASON)` when missing. */
  skipNote: string;
}

export interface OracleOptions {
  /**
   * Why a missing oracle is still only a skip under CI=true. Reserved for what a CI machine cannot
   * have (a kernel module), never for what setup.sh installs.
   */
  ciSkip?: string;
  /** The environment to read CI from (the process's by default). */
  env?: NodeJS.ProcessEnv;
}

/** Thrown at a test module's load under CI=true, so the run fails and names the missing oracle. */
export class MissingOracleError extends Error {
  override name = 'MissingOracleError';
}

/** Whether this run is CI's (`CI=true`, or `1`). */
export const underCi = (env: NodeJS.ProcessEnv = process.env) => env.CI === 'true' || env.CI === '1';

/**
 * Checks an oracle once, where a test module loads. Present: returns it. Missing: under CI=true
 * throws MissingOracleError (the test file fails with the reason), elsewhere prints the reason and
 * returns it with `missing` set, for `it.skipIf(oracle.missing)`.
 */
export function requireOracle(name: string, check: OracleCheck, options: OracleOptions = {}): Oracle {
  const missing = check();
  if (missing === undefined) return { name, missing, skipNote: '' };
  const ci = underCi(options.env ?? process.env);
  if (ci && options.ciSkip === undefined)
    throw new MissingOracleError(
      `${name} is required under CI=true but is missing: ${missing} (bash scripts/setup.sh installs it)`,
    );
  const why = options.ciSkip && ci ? `${missing}; ${options.ciSkip}` : missing;
  console.warn(`[oracle] tests needing ${name} are skipped: ${why}`);
  return { name, missing: why, skipNote: ` (skipped: ${why})` };
}

/** Checks: a file or directory exists. */
export const fileExists =
  (path: string, hint = ''): OracleCheck =>
  () =>
    existsSync(path) ? undefined : `${path} not found${hint ? ` (${hint})` : ''}`;

/** Checks: a program runs and exits 0 with these arguments (`socat -V`). */
export const programRuns =
  (program: string, args: string[]): OracleCheck =>
  () => {
    const r = spawnSync(program, args, { stdio: 'pipe', encoding: 'utf8', timeout: 10_000 });
    if (r.error) return `${program} cannot run: ${r.error.message}`;
    if (r.status !== 0)
      return `${program} ${args.join(' ')} exited with ${r.status}: ${(r.stderr || r.stdout).trim().split('\n').at(-1)}`;
    return undefined;
  };

/** Checks: a Python interpreter imports a module (`/usr/bin/python3 -c 'import can'`). */
export const pythonImports = (python: string, module: string): OracleCheck => {
  const check = programRuns(python, ['-c', `import ${module}`]);
  return () => {
    const why = check();
    return why && `${python} cannot import ${module}: ${why}`;
  };
};

/** Checks: every check passes; the first reason otherwise. */
export const allOf =
  (...checks: OracleCheck[]): OracleCheck =>
  () => {
    for (const check of checks) {
      const why = check();
      if (why !== undefined) return why;
    }
    return undefined;
  };
