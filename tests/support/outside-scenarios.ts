/**
 * The scenarios written outside the knowledge base (tests/fixtures/outside-scenarios/, README there),
 * each faulted one at several severities, run through the simulated apprentice exactly as
 * `atelier diagnose --adapter sim:FILE --auto` runs them, and judged from the scenario's faults:
 * right (the cause standing for the injected fault concluded), wrong (another cause concluded, or any
 * cause on a healthy car) or no cause (no tree, or the session ended without a conclusion).
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type KnowledgeBase, loadKnowledgeBase } from '@atelier/diagnosis';
import { runSimulatedApprentice } from '@atelier/training';
import { readScenarioFile, type Scenario } from '@atelier/vehicle-sim';

export const OUTSIDE_DIR = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/outside-scenarios');
export const SEVERITIES = [0.4, 0.6, 0.9] as const;

export type Verdict = 'right' | 'wrong' | 'no-cause';
export interface OutsideRun {
  file: string;
  severity: number | null;
  verdict: Verdict;
  outcome: string;
  tree: string | null;
  trueCause: string | null;
  conclusion: string | null;
  dtcs: string[];
}

/** Every scenario of the outside set, healthy ones once, faulted ones at each severity. */
export function outsideCases(
  dir = OUTSIDE_DIR,
): { file: string; severity: number | null; scenario: Scenario }[] {
  const cases: { file: string; severity: number | null; scenario: Scenario }[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    const base = readScenarioFile(join(dir, file));
    if (base.faults.length === 0) cases.push({ file, severity: null, scenario: base });
    else
      for (const severity of SEVERITIES)
        cases.push({
          file,
          severity,
          scenario: { ...base, faults: base.faults.map((f) => ({ ...f, severity })) },
        });
  }
  return cases;
}

export async function runOutsideCase(
  kb: KnowledgeBase,
  c: { file: string; severity: number | null; scenario: Scenario },
): Promise<OutsideRun> {
  const { result } = await runSimulatedApprentice(kb, c.scenario, { lang: 'fr' });
  const healthy = c.scenario.faults.length === 0;
  const verdict: Verdict =
    result.conclusion === null
      ? healthy
        ? 'right'
        : 'no-cause'
      : !healthy && result.conclusion === result.true_cause
        ? 'right'
        : 'wrong';
  return {
    file: c.file,
    severity: c.severity,
    verdict,
    outcome: result.outcome,
    tree: result.tree,
    trueCause: result.true_cause,
    conclusion: result.conclusion,
    dtcs: result.dtcs,
  };
}

/**
 * Every run of a set (`outsideCases(dir)`), checked as the set's test asks: the numbers of faulted
 * and healthy runs, no wrong cause, no cause on a healthy car, and at least `rightFloor` faulted runs
 * right (the failing list names every run and its verdict).
 */
export async function checkOutsideSet(
  dir: string,
  expected: { faulted: number; healthy: number; rightFloor: number },
): Promise<void> {
  const { expect } = await import('vitest');
  const kb = loadKnowledgeBase();
  const runs: OutsideRun[] = [];
  for (const c of outsideCases(dir)) runs.push(await runOutsideCase(kb, c));
  const faulted = runs.filter((r) => r.severity !== null);
  const healthy = runs.filter((r) => r.severity === null);
  expect(faulted.length).toBeGreaterThanOrEqual(expected.faulted);
  expect(healthy.length).toBeGreaterThanOrEqual(expected.healthy);
  const wrong = runs
    .filter((r) => r.verdict === 'wrong')
    .map((r) => `${r.file}@${r.severity}: ${r.conclusion}`);
  expect(wrong).toEqual([]);
  expect(healthy.every((r) => r.conclusion === null)).toBe(true);
  const right = faulted.filter((r) => r.verdict === 'right').length;
  expect(right, faulted.map((r) => `${r.file}@${r.severity} ${r.verdict}`).join('\n')).toBeGreaterThanOrEqual(
    expected.rightFloor,
  );
}

// `node --import tsx tests/support/outside-scenarios.ts [--dir DIR] [FILTER]`: the table, one line a run.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const kb = loadKnowledgeBase();
  const args = process.argv.slice(2);
  const at = args.indexOf('--dir');
  const dir = at >= 0 ? args.splice(at, 2)[1] : OUTSIDE_DIR;
  const filter = args[0];
  const counts = { right: 0, wrong: 0, 'no-cause': 0 };
  for (const c of outsideCases(dir).filter((x) => !filter || x.file.includes(filter))) {
    const r = await runOutsideCase(kb, c);
    counts[r.verdict]++;
    console.log(
      [
        r.file,
        r.severity ?? '-',
        r.verdict,
        r.outcome,
        r.tree ?? '-',
        r.trueCause ?? '-',
        r.conclusion ?? '-',
        r.dtcs.join(' '),
      ].join('\t'),
    );
  }
  console.log(JSON.stringify(counts));
}
