import { ftReason } from './error-texts.js';
import { ModelError, type Where } from './errors.js';
import type { Random } from './random.js';

/**
 * A probability expression as the MEF defines it. Deviates evaluate to their mean for point
 * estimates (as SCRAM does) and are sampled in uncertainty analysis.
 */
export type Expression =
  | { kind: 'const'; value: number; where?: Where }
  | { kind: 'param'; name: string; where?: Where }
  | { kind: 'mission-time'; where?: Where }
  | { kind: 'fn'; fn: FunctionName; args: Expression[]; where?: Where };

export const FUNCTIONS = {
  // arithmetic
  neg: [1, 1],
  add: [1, Infinity],
  sub: [1, Infinity],
  mul: [1, Infinity],
  div: [1, Infinity],
  exp: [1, 1],
  log: [1, 1],
  sqrt: [1, 1],
  pow: [2, 2],
  min: [1, Infinity],
  max: [1, Infinity],
  // built-ins
  exponential: [2, 2],
  GLM: [4, 4],
  Weibull: [4, 4],
  'periodic-test': [4, 4],
  // deviates
  'uniform-deviate': [2, 2],
  'normal-deviate': [2, 2],
  'lognormal-deviate': [2, 3],
  'gamma-deviate': [2, 2],
  'beta-deviate': [2, 2],
} as const satisfies Record<string, readonly [number, number]>;
export type FunctionName = keyof typeof FUNCTIONS;

export const isFunctionName = (s: string): s is FunctionName => Object.hasOwn(FUNCTIONS, s);

export interface EvalContext {
  missionTime: number;
  parameter(name: string, where?: Where): number;
  /** When given, deviates are sampled instead of taking their mean. */
  random?: Random;
}

export const constant = (value: number): Expression => ({ kind: 'const', value });
export const exponential = (rate: number, time?: number): Expression => ({
  kind: 'fn',
  fn: 'exponential',
  args: [constant(rate), time === undefined ? { kind: 'mission-time' } : constant(time)],
});

export function evaluate(e: Expression, ctx: EvalContext): number {
  switch (e.kind) {
    case 'const':
      return e.value;
    case 'mission-time':
      return ctx.missionTime;
    case 'param':
      return ctx.parameter(e.name, e.where);
    case 'fn': {
      const a = e.args.map((x) => evaluate(x, ctx));
      return apply(e.fn, a, ctx.random, e.where);
    }
  }
}

/** Lognormal parameters from the mean and the error factor at a confidence level (MEF 0.9 default ⇒ z=1.645). */
function lognormalMuSigma(mean: number, ef: number, level: number): [number, number] {
  const z = normalQuantile((1 + level) / 2);
  const sigma = Math.log(ef) / z;
  const mu = Math.log(mean) - (sigma * sigma) / 2;
  return [mu, sigma];
}

function apply(fn: FunctionName, a: number[], random: Random | undefined, where?: Where): number {
  switch (fn) {
    case 'neg':
      return -a[0];
    case 'add':
      return a.reduce((x, y) => x + y, 0);
    case 'sub':
      return a.slice(1).reduce((x, y) => x - y, a[0]);
    case 'mul':
      return a.reduce((x, y) => x * y, 1);
    case 'div': {
      let r = a[0];
      for (const d of a.slice(1)) {
        if (d === 0) throw new ModelError(ftReason('division-by-zero'), where);
        r /= d;
      }
      return r;
    }
    case 'exp':
      return Math.exp(a[0]);
    case 'log':
      return Math.log(a[0]);
    case 'sqrt':
      return Math.sqrt(a[0]);
    case 'pow':
      return a[0] ** a[1];
    case 'min':
      return Math.min(...a);
    case 'max':
      return Math.max(...a);
    case 'exponential':
      return 1 - Math.exp(-a[0] * a[1]);
    case 'GLM': {
      // gamma (failure on demand), lambda (failure rate), mu (repair rate), t
      const [g, l, m, t] = a;
      const s = l + m;
      if (s === 0) return g;
      return (l - (l - s * g) * Math.exp(-s * t)) / s;
    }
    case 'Weibull': {
      // alpha (scale), beta (shape), t0 (time shift), t
      const [alpha, beta, t0, t] = a;
      return t <= t0 ? 0 : 1 - Math.exp(-(((t - t0) / alpha) ** beta));
    }
    case 'periodic-test': {
      // lambda, tau (test interval), theta (first test), t: unavailability since the last test
      const [lambda, tau, theta, t] = a;
      if (t <= theta) return 1 - Math.exp(-lambda * t);
      return 1 - Math.exp(-lambda * ((t - theta) % tau));
    }
    case 'uniform-deviate':
      return random ? a[0] + (a[1] - a[0]) * random.next() : (a[0] + a[1]) / 2;
    case 'normal-deviate':
      return random ? a[0] + a[1] * random.normal() : a[0];
    case 'lognormal-deviate': {
      if (!random) return a[0];
      const [mu, sigma] = lognormalMuSigma(a[0], a[1], a[2] ?? 0.9);
      return Math.exp(mu + sigma * random.normal());
    }
    case 'gamma-deviate':
      return random ? random.gamma(a[0]) * a[1] : a[0] * a[1];
    case 'beta-deviate': {
      if (!random) return a[0] / (a[0] + a[1]);
      const x = random.gamma(a[0]);
      const y = random.gamma(a[1]);
      return x / (x + y);
    }
  }
}

/** Whether an expression contains a deviate (so uncertainty analysis has something to sample). */
export function isUncertain(
  e: Expression,
  param: (name: string) => Expression | undefined,
  seen = new Set<string>(),
): boolean {
  if (e.kind === 'fn') return e.fn.endsWith('-deviate') || e.args.some((x) => isUncertain(x, param, seen));
  if (e.kind === 'param') {
    if (seen.has(e.name)) return false;
    seen.add(e.name);
    const p = param(e.name);
    return p ? isUncertain(p, param, seen) : false;
  }
  return false;
}

/** Acklam's rational approximation of the standard normal quantile (relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155211769,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    );
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  );
}
