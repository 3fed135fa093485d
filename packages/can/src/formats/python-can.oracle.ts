import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';

/**
 * Debian's python-can (python3-can, run with /usr/bin/python3 and TZ=UTC, so that the dates BLF
 * and ASC keep without a zone mean the same to both sides) as an independent oracle for the tests.
 * Where it is missing, a test that needs it is skipped with the reason; under CI=true it fails
 * with the reason instead, so a CI run never passes without the oracle.
 */
export const PYTHON = '/usr/bin/python3';

const probe = spawnSync(PYTHON, ['-c', 'import can; print(can.__version__)'], { encoding: 'utf8' });
export const pythonCan = {
  available: probe.status === 0,
  version: probe.stdout?.trim() ?? '',
  reason:
    probe.status === 0
      ? ''
      : `python-can is not importable by ${PYTHON} (${(probe.error?.message ?? probe.stderr ?? '').trim().split('\n').at(-1)}): install Debian's python3-can (scripts/setup.sh)`,
};

/** `it`, for a test that needs python-can: skipped with the reason when missing, failed under CI=true. */
export function itWithPythonCan(name: string, fn: () => Promise<void> | void, timeout?: number): void {
  if (pythonCan.available) it(name, fn, timeout);
  else if (process.env.CI === 'true') {
    it(name, () => {
      throw new Error(pythonCan.reason);
    });
  } else it.skip(`${name} — skipped: ${pythonCan.reason}`, fn);
}

/** Runs a Python script (text) with arguments; returns its stdout, throws with its stderr. */
export function runPython(script: string, ...args: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'atelier-pycan-'));
  const file = join(dir, 'oracle.py');
  writeFileSync(file, script);
  const r = spawnSync(PYTHON, [file, ...args], {
    encoding: 'utf8',
    maxBuffer: 256 * 2 ** 20,
    env: { ...process.env, TZ: 'UTC' },
  });
  if (r.status !== 0) throw new Error(`python-can failed: ${r.stderr || r.error?.message}`);
  return r.stdout;
}
