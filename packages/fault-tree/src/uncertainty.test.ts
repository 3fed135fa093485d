import { describe, expect, it } from 'vitest';
import { compile } from './compile.js';
import { uncertainty } from './uncertainty.js';
import { readYamlModel } from './yaml-form.js';

const model = readYamlModel(`
gates:
  TOP: { or: [A, B] }
basic-events:
  A: { uniform-deviate: [0.1, 0.3] }
  B: { lognormal-deviate: [0.01, 3, 0.9] }
`);

describe('Monte Carlo uncertainty', () => {
  it('is reproducible from the seed and differs across seeds', () => {
    const c = compile(model);
    const a = uncertainty(c, { trials: 2000, seed: 42 });
    expect(uncertainty(c, { trials: 2000, seed: 42 })).toEqual(a);
    expect(uncertainty(c, { trials: 2000, seed: 43 }).mean).not.toBe(a.mean);
  });

  it('converges on the analytic mean of P(A ∨ B) = E[A] + E[B] − E[A]E[B]', () => {
    const r = uncertainty(compile(model), { trials: 20000, seed: 7 });
    const expected = 0.2 + 0.01 - 0.2 * 0.01;
    // standard error ≈ sd/√n; five of them is a safe bound
    expect(Math.abs(r.mean - expected)).toBeLessThan((5 * r.sd) / Math.sqrt(r.trials));
    expect(r.p5).toBeLessThan(r.median);
    expect(r.median).toBeLessThan(r.p95);
  });
});
