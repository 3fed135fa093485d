import { afterEach, describe, expect, it, vi } from 'vitest';
import { allOf, fileExists, MissingOracleError, programRuns, pythonImports, requireOracle } from './index.js';

const absent = fileExists('/no/such/oracle', 'apt-get install it');
const ci = { CI: 'true' };
const local = {};

afterEach(() => vi.restoreAllMocks());

describe('requireOracle', () => {
  it('returns a present oracle with no skip note, whatever CI says', () => {
    for (const env of [ci, local]) {
      expect(requireOracle('node', programRuns(process.execPath, ['-e', '0']), { env })).toEqual({
        name: 'node',
        missing: undefined,
        skipNote: '',
      });
    }
  });

  it('under CI=true, fails on a missing oracle with its name and reason', () => {
    expect(() => requireOracle('thing', absent, { env: ci })).toThrow(MissingOracleError);
    expect(() => requireOracle('thing', absent, { env: ci })).toThrow(
      /^thing is required under CI=true but is missing: \/no\/such\/oracle not found \(apt-get install it\)/,
    );
  });

  it('elsewhere, skips with the reason printed and in the title note', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const o = requireOracle('thing', absent, { env: local });
    expect(o.missing).toBe('/no/such/oracle not found (apt-get install it)');
    expect(o.skipNote).toBe(' (skipped: /no/such/oracle not found (apt-get install it))');
    expect(warn).toHaveBeenCalledWith(
      '[oracle] tests needing thing are skipped: /no/such/oracle not found (apt-get install it)',
    );
  });

  it('a declared CI exception (vcan) stays a skip under CI=true, saying why', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const o = requireOracle('vcan0', () => 'no vcan0', {
      env: ci,
      ciSkip: 'CI machines have no vcan module',
    });
    expect(o.missing).toBe('no vcan0; CI machines have no vcan module');
  });
});

describe('checks', () => {
  it('report why a program fails, a Python module is missing, and the first failing of several', () => {
    expect(programRuns('/no/such/program', [])()).toMatch(/^\/no\/such\/program cannot run: .*ENOENT/);
    expect(programRuns(process.execPath, ['-e', 'process.exit(3)'])()).toMatch(/exited with 3/);
    expect(pythonImports('/no/such/python3', 'can')()).toMatch(/^\/no\/such\/python3 cannot import can: /);
    expect(allOf(programRuns(process.execPath, ['-e', '0']), absent, () => 'later')()).toMatch(
      /\/no\/such\/oracle not found/,
    );
    expect(allOf()()).toBeUndefined();
  });
});
