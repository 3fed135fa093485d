import { describe, expect, it } from 'vitest';
import { causeName } from './knowledge.js';

describe('causeName', () => {
  it('names a cause as its tree does: ids repeat across trees with names that fit each', () => {
    // the same id, two places on the exhaust
    expect(causeName('exhaust_leak', 'lean').fr).toMatch(/avant la sonde amont/);
    expect(causeName('exhaust_leak', 'catalyst').fr).toMatch(/catalyseur/);
    // without a tree, the first tree that has it; an unknown id is shown as it is
    expect(causeName('exhaust_leak').fr.length).toBeGreaterThan(0);
    expect(causeName('no_such_cause')).toEqual({ fr: 'no_such_cause', en: 'no_such_cause' });
  });
});
