import { describe, expect, it } from 'vitest';
import { runCli } from '../testing.js';

describe('atelier diagnose', () => {
  it('--auto --json plays the simulated apprentice and prints one object of the documented shape', async () => {
    const { code, stdout } = await runCli([
      'diagnose',
      '--adapter',
      'sim:vacuum-leak',
      '--auto',
      '--seed',
      '4',
      '--json',
    ]);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const r = JSON.parse(lines[0]);
    expect(Object.keys(r)).toEqual([
      'scenario',
      'true_cause',
      'conclusion',
      'tree',
      'dtcs',
      'signs',
      'steps',
      'cost',
      'best_cost',
    ]);
    expect(r.scenario).toBe('vacuum-leak');
    expect(r.true_cause).toBe('vacuum_leak');
    expect(r.conclusion).toBe('vacuum_leak');
    expect(r.dtcs).toContain('P0171');
    // what the car said before any test: the idle trim and the freeze frame point at a leak
    expect(r.signs).toContainEqual({ id: 'lean_at_warm_idle', value: true, certainty: 1 });
    expect(r.signs).toContainEqual({ id: 'frozen_at_idle', value: true, certainty: 1 });
    for (const s of r.steps) {
      expect(['test', 'repair']).toContain(s.kind);
      expect(typeof s.id).toBe('string');
      expect(typeof s.cost).toBe('number');
    }
    expect(r.steps.at(-1)).toMatchObject({ kind: 'repair', id: 'vacuum_leak' });
    expect(r.cost).toBeCloseTo(
      r.steps.reduce((a: number, s: { cost: number }) => a + s.cost, 0),
      6,
    );
    expect(r.best_cost).toBeGreaterThan(0);
  });

  it('reports a healthy car as no fault found, and refuses --auto on a real adapter', async () => {
    const healthy = await runCli(['diagnose', '--adapter', 'sim:healthy-petrol', '--auto', '--json']);
    expect(healthy.code).toBe(0);
    expect(JSON.parse(healthy.stdout)).toMatchObject({ conclusion: null, tree: null, steps: [] });
    const bad = await runCli(['diagnose', '--adapter', 'elm327:tcp://127.0.0.1:1', '--auto']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--auto/);
  });

  it('kb lint passes on the shipped knowledge base', async () => {
    const { code, stdout } = await runCli(['kb', 'lint', '--lang', 'en']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/14 trees, \d+ tests, 0 problem\(s\)/);
  });
});
