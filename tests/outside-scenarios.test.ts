/**
 * The scenarios written outside the knowledge base (tests/fixtures/outside-scenarios/README.md), every
 * faulted one at severities 0.4, 0.6 and 0.9 and every healthy car once, diagnosed by the simulated
 * apprentice as `atelier diagnose --adapter sim:FILE --auto` does. The car is judged by its injected
 * faults, never by the knowledge base's words: no run may conclude a wrong cause (or any cause on a
 * healthy car), and at least RIGHT_FLOOR of the faulted runs must find the fault. Before the complaint
 * reader and the knowledge-base words of this branch, 24 of 45 faulted runs were right.
 */
import { loadKnowledgeBase } from '@atelier/diagnosis';
import { describe, expect, it } from 'vitest';
import { type OutsideRun, outsideCases, runOutsideCase } from './support/outside-scenarios.js';

const RIGHT_FLOOR = 40;

describe('scenarios written outside the knowledge base', () => {
  it(
    'conclude no wrong cause and find at least the floor of faults',
    async () => {
      const kb = loadKnowledgeBase();
      const runs: OutsideRun[] = [];
      for (const c of outsideCases()) runs.push(await runOutsideCase(kb, c));
      const faulted = runs.filter((r) => r.severity !== null);
      const healthy = runs.filter((r) => r.severity === null);
      expect(faulted.length).toBeGreaterThanOrEqual(30);
      expect(healthy.length).toBeGreaterThanOrEqual(6);
      const wrong = runs
        .filter((r) => r.verdict === 'wrong')
        .map((r) => `${r.file}@${r.severity}: ${r.conclusion}`);
      expect(wrong).toEqual([]);
      expect(healthy.every((r) => r.conclusion === null)).toBe(true);
      const right = faulted.filter((r) => r.verdict === 'right').length;
      expect(
        right,
        faulted.map((r) => `${r.file}@${r.severity} ${r.verdict}`).join('\n'),
      ).toBeGreaterThanOrEqual(RIGHT_FLOOR);
    },
    15 * 60_000,
  );
});
