import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { type CliContext, UsageError } from '@atelier/command';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TWO_TRAINS_MEF } from './fta.fixture.js';
import { ftaCommand, parseEvidence } from './fta.js';

const MODEL = TWO_TRAINS_MEF;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fta-cli-'));
  await writeFile(join(dir, 'two.xml'), MODEL);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function run(args: string[], lang: 'fr' | 'en' = 'en'): Promise<{ code: number; out: string }> {
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (d) => {
    out += d;
  });
  const ctx: CliContext = {
    stdout,
    stderr: new PassThrough(),
    lang,
    cwd: dir,
    signal: new AbortController().signal,
    stderrIsTTY: false,
  };
  const code = await ftaCommand.run(args, ctx);
  return { code, out };
}

describe('atelier fta', () => {
  it('analyze --json prints exactly the documented object', async () => {
    const { code, out } = await run(['analyze', 'two.xml', '--json', '--importance']);
    expect(code).toBe(0);
    const r = JSON.parse(out);
    expect(Object.keys(r)).toEqual([
      'top',
      'basic_events',
      'gates',
      'products',
      'distribution',
      'probability',
      'approximation',
      'importance',
      'seconds',
    ]);
    expect(r).toMatchObject({
      top: 'TopEvent',
      basic_events: 4,
      gates: 3,
      products: 4,
      distribution: [0, 4],
      approximation: 'exact',
    });
    // (1 − 0.5·0.3)² = 0.7225
    expect(r.probability).toBeCloseTo(0.7225, 14);
    expect(Object.keys(r.importance.PumpOne)).toEqual(['mif', 'cif', 'dif', 'raw', 'rrw']);
  });

  it('analyze approximations and limit-order', async () => {
    const rare = JSON.parse((await run(['analyze', 'two.xml', '--json', '--approx', 'rare-event'])).out);
    expect(rare.probability).toBe(1); // 0.25 + 0.35 + 0.35 + 0.49 capped at 1
    const none = JSON.parse((await run(['analyze', 'two.xml', '--json', '--limit-order', '1'])).out);
    expect(none.products).toBe(0);
    await expect(run(['analyze', 'two.xml', '--approx', 'guess'])).rejects.toBeInstanceOf(UsageError);
  });

  it('analyze --no-modules: one BDD, same answer; the flag is in both helps', async () => {
    const on = JSON.parse((await run(['analyze', 'two.xml', '--json', '--importance'])).out);
    const off = JSON.parse((await run(['analyze', 'two.xml', '--json', '--importance', '--no-modules'])).out);
    expect({ ...off, seconds: 0 }).toEqual({ ...on, seconds: 0 });
    for (const lang of ['en', 'fr'] as const)
      expect((await run(['analyze', '--help'], lang)).out).toMatch(/--no-modules\s+(one BDD|un seul BDD)/);
  });

  it('posterior with evidence, in French', async () => {
    const { out } = await run(['posterior', 'two.xml', '--evidence', 'TopEvent=true,PumpOne=ok'], 'fr');
    expect(out).toMatch(/P\(observations\) = 0\.127500/);
    expect(out).toMatch(/ValveOne\s+0\.500000\s+1\.00000/);
    const j = JSON.parse((await run(['posterior', 'two.xml', '--evidence', 'TopEvent=true', '--json'])).out);
    // P(PumpTwo | top) = 0.7 · P(TrainOne) / P(top) = 0.7 · 0.85 / 0.7225
    expect(j.posteriors.PumpTwo.posterior).toBeCloseTo((0.7 * 0.85) / 0.7225, 12);
  });

  it('convert MEF → YAML → MEF keeps the result', async () => {
    expect((await run(['convert', 'two.xml', 'two.yaml'])).code).toBe(0);
    expect(await readFile(join(dir, 'two.yaml'), 'utf8')).toContain(
      'TopEvent: { and: [ TrainOne, TrainTwo ] }',
    );
    expect((await run(['convert', 'two.yaml', 'back.xml'])).code).toBe(0);
    const r = JSON.parse((await run(['analyze', 'back.xml', '--json'])).out);
    expect(r.probability).toBeCloseTo(0.7225, 14);
  });

  it('bad evidence and unknown subcommands are usage errors', async () => {
    expect(() => parseEvidence('TopEvent=maybe', 'en')).toThrow(/unreadable observation 'TopEvent=maybe'/);
    expect(parseEvidence('A=ok, B=faulty,C=vrai', 'fr')).toEqual([
      ['A', false],
      ['B', true],
      ['C', true],
    ]);
    await expect(run(['frobnicate'])).rejects.toBeInstanceOf(UsageError);
    await expect(run(['analyze'])).rejects.toBeInstanceOf(UsageError);
  });
});
