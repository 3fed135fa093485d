import { ccfProbabilities } from './ccf.js';
import type { Compiled } from './compile.js';
import { ftReason } from './error-texts.js';
import { ValidationError } from './errors.js';
import { evaluate } from './expression.js';
import { isModular, type ModularCompiled, modularProbability } from './modular.js';
import { Random } from './random.js';
import { evalContext } from './validate.js';

export interface UncertaintyReport {
  trials: number;
  seed: number;
  mean: number;
  sd: number;
  p5: number;
  median: number;
  p95: number;
  /** sqrt(p95 / p5), the usual error factor of a lognormal-like result */
  error_factor: number;
}

/**
 * Monte Carlo propagation: each trial samples every deviate in the basic-event expressions (a
 * parameter is drawn once per trial, so events sharing it stay correlated) and evaluates the top
 * probability exactly on the same BDD (or the same modules, bottom-up). Reproducible from the seed.
 */
export function uncertainty(
  c: Compiled | ModularCompiled,
  options: { trials?: number; seed?: number } = {},
): UncertaintyReport {
  const trials = options.trials ?? 1000;
  const seed = options.seed ?? 1;
  if (!(Number.isInteger(trials) && trials > 0))
    throw new RangeError(`trials must be a positive integer, not ${trials}`);
  const random = new Random(seed);
  const p = new Float64Array(c.probabilities);
  const samples = new Float64Array(trials);
  const events = c.variables.map((name) => c.model.basicEvents.get(name)!);
  // common-cause events are constants after expansion: re-derive them from each group's sampled
  // distribution and factors
  const ccfIndex = c.ccfEvents
    .map((e) => ({
      v: c.index.get(e.name),
      group: c.ccfGroups.findIndex((g) => g.name === e.group),
      order: e.members.length,
    }))
    .filter((x): x is { v: number; group: number; order: number } => x.v !== undefined && x.group >= 0);
  for (let t = 0; t < trials; t++) {
    const ctx = evalContext(c.model, random);
    const groupProbs = c.ccfGroups.map((g) => ccfProbabilities(g, ctx));
    events.forEach((be, v) => {
      const x = evaluate(be.expression!, ctx);
      // a sampled value outside [0, 1] is clipped: the distribution's tail, not a model error
      if (Number.isNaN(x))
        throw new ValidationError(ftReason('sampled-not-number'), be.where ?? { name: be.name });
      p[v] = Math.min(1, Math.max(0, x));
    });
    for (const x of ccfIndex) p[x.v] = Math.min(1, Math.max(0, groupProbs[x.group][x.order - 1]));
    samples[t] = isModular(c) ? modularProbability(c, p) : c.bdd.probability(c.root, p);
  }
  const sorted = Float64Array.from(samples).sort();
  const q = (f: number) => sorted[Math.min(trials - 1, Math.max(0, Math.round(f * (trials - 1))))];
  let mean = 0;
  for (const s of samples) mean += s;
  mean /= trials;
  let v = 0;
  for (const s of samples) v += (s - mean) ** 2;
  const p5 = q(0.05);
  const p95 = q(0.95);
  return {
    trials,
    seed,
    mean,
    sd: Math.sqrt(v / Math.max(1, trials - 1)),
    p5,
    median: q(0.5),
    p95,
    error_factor: p5 > 0 ? Math.sqrt(p95 / p5) : 0,
  };
}
