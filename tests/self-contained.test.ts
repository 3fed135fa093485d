/**
 * A clone stands alone: the recordings it uses are in tests/fixtures with their provenance, and no
 * tracked file reaches outside the clone for data.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturePath, programRuns, REPO_ROOT, requireOracle } from './support/index.js';

const git = requireOracle('git', programRuns('git', ['-C', REPO_ROOT, 'rev-parse', '--git-dir']));

describe('fixtures', () => {
  it('every CAN recording is listed in the fixtures README with its licence and the hash of the copy', () => {
    const readme = readFileSync(fixturePath('can/README.md'), 'utf8');
    const files = readdirSync(fixturePath('can')).filter((f) => f !== 'README.md');
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const f of files) {
      const row = readme.split('\n').find((l) => l.startsWith(`| \`${f}\``));
      expect(row, `${f} has a row in the table`).toBeDefined();
      expect(row).toMatch(/Copyright \(c\) \d{4} .+, MIT/);
      const sha = createHash('sha256')
        .update(readFileSync(fixturePath(`can/${f}`)))
        .digest('hex');
      expect(readme, `${f}'s SHA-256 is the one listed`).toContain(`${sha}  ${f}`);
    }
    expect(readme).toContain('Permission is hereby granted, free of charge');
  });
});

describe('no path out of the clone', () => {
  it.skipIf(!!git.missing)(`no tracked file names a data folder beside the repository${git.skipNote}`, () => {
    const tracked = execFileSync('git', ['-C', REPO_ROOT, 'ls-files', '-z'], { encoding: 'utf8' })
      .split('\0')
      .filter((f) => f && !f.startsWith('tests/fixtures/') && /\.(ts|js|mjs|md|sh|json|yaml|py)$/.test(f));
    // Built from parts so that this file does not name it itself: a relative path up to a sibling
    // data folder, an absolute one, or the same path given to join() piece by piece.
    const outside = new RegExp(
      ['(\\.\\./)+', 'shared/', '|/', 'shared/data/', "|'shared',\\s*'data'"].join(''),
    );
    const offenders = tracked.filter((f) => outside.test(readFileSync(join(REPO_ROOT, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
