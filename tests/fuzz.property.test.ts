/**
 * Property-based fuzzing of every parser that takes outside input (`fuzz/targets.ts`): damaged real
 * examples and arbitrary bytes, a bounded number per parser so that the whole run stays within
 * seconds in `pnpm test`. A parser passes when each input is read or refused with its typed error,
 * whose message stays short. The long run, with figures, is `pnpm bench fuzz`.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { KbError, parseTree } from '../packages/diagnosis/src/index.js';
import { MefParseError } from '../packages/fault-tree/src/errors.js';
import { readYamlModel } from '../packages/fault-tree/src/index.js';
import { parseScenario, ScenarioError } from '../packages/vehicle-sim/src/index.js';
import { prepareTargets, TARGETS, tryInput } from './fuzz/targets.js';

beforeAll(prepareTargets);

/** Inputs per parser in `pnpm test` (FUZZ_RUNS to change it). */
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);

describe('fuzzing the parsers of outside input', () => {
  it.each(TARGETS.map((t) => [t.name, t] as const))(
    '%s: every input read or refused with a typed error',
    async (_name, target) => {
      await fc.assert(
        fc.asyncProperty(target.input, async (input) => {
          await tryInput(target, input);
        }),
        { numRuns: process.env.FUZZ_RUNS ? RUNS : (target.testRuns ?? RUNS) },
      );
    },
    60_000,
  );
});

describe('inputs the fuzzing found (tests/fuzz/found)', () => {
  const found = (name: string) =>
    gunzipSync(readFileSync(new URL(`./fuzz/found/${name}`, import.meta.url))).toString('utf8');

  it("a scenario nested past the YAML parser's stack is a typed error, for scenarios and knowledge-base trees", () => {
    const text = found('scenario-stack-overflow.yaml.gz');
    expect(() => parseScenario(text, 'found.yaml')).toThrow(ScenarioError);
    expect(() => parseTree(text, 'found.yaml')).toThrow(KbError);
  });

  it('an alias without its anchor (`*a`, a lone `*`) is a typed error, not a ReferenceError', () => {
    // CI run of 7 December, seed -2094183993: the bytes `*\0` as a scenario escaped as a ReferenceError.
    for (const text of ['*\u0000', '*a', 'name: x\nseed: *\n', 'faults:\n  - *fault\n']) {
      expect(() => parseScenario(text, 'alias.yaml'), JSON.stringify(text)).toThrow(ScenarioError);
      expect(() => parseScenario(text, 'alias.yaml')).toThrow(/YAML: /);
      expect(() => parseTree(text, 'alias.yaml'), JSON.stringify(text)).toThrow(KbError);
      expect(() => readYamlModel(text, 'alias.yaml'), JSON.stringify(text)).toThrow(MefParseError);
    }
  });
});
