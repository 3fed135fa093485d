import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { checkReferences, DEFAULT_KB_DIR, KbError, parseTests, parseTree } from './kb/load.js';
import type { FaultTreeEntry, WorkshopTest } from './kb/types.js';
import { checkTreesInEngine } from './model.js';

export interface LintReport {
  trees: number;
  tests: number;
  problems: { file: string; line?: number; path: string; message: string }[];
}

/**
 * Checks the whole knowledge base and reports every problem rather than the first: YAML and schema
 * errors per file (French and English text, probabilities in [0, 1]), cross references between
 * trees and tests, and that every tree loads into the fault-tree engine.
 */
export function lintKnowledgeBase(dir = DEFAULT_KB_DIR): LintReport {
  const problems: LintReport['problems'] = [];
  const push = (e: unknown, file: string) => {
    if (e instanceof KbError) problems.push({ file: e.file, line: e.line, path: e.path, message: e.reason });
    else problems.push({ file, path: '', message: (e as Error).message });
  };
  let tests: WorkshopTest[] = [];
  const testsFile = join(dir, 'tests.yaml');
  const rel = (f: string) => relative(process.cwd(), f);
  if (!existsSync(testsFile))
    problems.push({ file: rel(testsFile), path: '', message: 'missing test catalogue' });
  else {
    try {
      tests = parseTests(readFileSync(testsFile, 'utf8'), rel(testsFile));
    } catch (e) {
      push(e, rel(testsFile));
    }
  }
  const trees: FaultTreeEntry[] = [];
  const treeDir = join(dir, 'trees');
  const files = existsSync(treeDir)
    ? readdirSync(treeDir)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
    : [];
  if (!files.length) problems.push({ file: rel(treeDir), path: '', message: 'no fault tree' });
  for (const f of files) {
    const file = join(treeDir, f);
    try {
      trees.push(parseTree(readFileSync(file, 'utf8'), rel(file)));
    } catch (e) {
      push(e, rel(file));
    }
  }
  const kb = { trees, tests: new Map(tests.map((t) => [t.id, t])) };
  for (const e of checkReferences(kb)) push(e, e.file);
  for (const c of checkTreesInEngine(kb)) {
    if (!c.ok) {
      const tree = trees.find((t) => t.id === c.tree)!;
      problems.push({ file: tree.file, path: '', message: `fault-tree engine: ${c.error}` });
    }
  }
  return { trees: trees.length, tests: tests.length, problems };
}
