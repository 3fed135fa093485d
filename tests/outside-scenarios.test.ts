/**
 * The scenarios written outside the knowledge base (tests/fixtures/outside-scenarios/README.md), every
 * faulted one at severities 0.4, 0.6 and 0.9 and every healthy car once, diagnosed by the simulated
 * apprentice as `atelier diagnose --adapter sim:FILE --auto` does. The car is judged by its injected
 * faults, never by the knowledge base's words: no run may conclude a wrong cause (or any cause on a
 * healthy car), and at least RIGHT_FLOOR of the faulted runs must find the fault. Before the complaint
 * reader and the knowledge-base words of this branch, 24 of 45 faulted runs were right.
 */
import { describe, it } from 'vitest';
import { checkOutsideSet, OUTSIDE_DIR } from './support/outside-scenarios.js';

const RIGHT_FLOOR = 40;

describe('scenarios written outside the knowledge base', () => {
  it(
    'conclude no wrong cause and find at least the floor of faults',
    () => checkOutsideSet(OUTSIDE_DIR, { faulted: 30, healthy: 6, rightFloor: RIGHT_FLOOR }),
    15 * 60_000,
  );
});
