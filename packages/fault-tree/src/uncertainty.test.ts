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

  it('samples common-cause groups too (their events are derived from the sampled distribution)', () => {
    const m = readYamlModel(`
gates:
  TOP: { and: [P1, P2] }
ccf-groups:
  Pumps: { model: beta-factor, members: [P1, P2], distribution: { uniform-deviate: [0.01, 0.03] }, factors: { 2: 0.1 } }
`);
    const r = uncertainty(compile(m), { trials: 4000, seed: 3 });
    // P(top) = βQ + ((1−β)Q)² − βQ((1−β)Q)²; with Q uniform on [0.01, 0.03] its mean is near 0.1·0.02
    const point = compile(m);
    const p0 = point.bdd.probability(point.root, point.probabilities);
    expect(r.sd).toBeGreaterThan(0);
    expect(r.p5).toBeLessThan(p0);
    expect(r.p95).toBeGreaterThan(p0);
    expect(Math.abs(r.mean - p0)).toBeLessThan((5 * r.sd) / Math.sqrt(r.trials) + 1e-5);
  });
});
