import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CI_SEED } from './fast-check-seed.js';

describe("property tests' seed", () => {
  it('is FC_SEED when given, the fixed CI seed under CI=true, and drawn per run otherwise', () => {
    const seed = fc.readConfigureGlobal().seed;
    if (process.env.FC_SEED) expect(seed).toBe(Number(process.env.FC_SEED));
    else if (process.env.CI) expect(seed).toBe(CI_SEED);
    else expect(seed).toBeUndefined();
  });
  it('replays the same inputs for the same seed', () => {
    const draw = (seed: number) => fc.sample(fc.string(), { seed, numRuns: 5 });
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });
});
