import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Lang, UsageError } from '@atelier/command';
import { afterAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../../../../tests/support/index.js';
import { cliContext } from '../testing.js';
import { evCommand } from './ev.js';

const LEAF_MF4 = fixturePath('can/nissan_leaf_uds_2022-01-06.MF4');
const SAVVY = fixturePath('can/savvycan_example_candump.log');
const dir = mkdtempSync(join(tmpdir(), 'atelier-cli-ev-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const context = (lang: Lang = 'fr') => cliContext(lang, dir);

describe('atelier ev report', () => {
  it('LOG: the Leaf MF4 gives its battery report, in French with the NF C18-550 note', async () => {
    const { ctx, out } = context();
    expect(await evCommand.run(['report', LEAF_MF4], ctx)).toBe(0);
    expect(out()).toMatch(/^Nissan Leaf \(contrôleur batterie LBC\) — KWP2000 0x79B → 0x7BB\n/);
    expect(out()).toMatch(/État de charge \(SoC\)\s+89,1029 %/);
    expect(out()).toContain("Tensions des cellules : la requête 21 02 n'est pas dans l'enregistrement");
    expect(out()).toContain('NF C18-550');
  });

  it('--json: one object with the series for the charts', async () => {
    const { ctx, out } = context('en');
    expect(await evCommand.run(['report', LEAF_MF4, '--json'], ctx)).toBe(0);
    const r = JSON.parse(out());
    expect(r.vehicle.id).toBe('nissan-leaf');
    expect(r.series.soc).toHaveLength(13);
    expect(r.temperatures.values).toEqual([2, 1, null, 1]);
  });

  it('a log without battery reads: exit 1 and the reason; no source or two sources: usage error', async () => {
    const { ctx, err } = context('en');
    expect(await evCommand.run(['report', SAVVY], ctx)).toBe(1);
    expect(err()).toMatch(/no known traction-battery read in the recording/);
    const saved = process.env.ATELIER_ADAPTER;
    delete process.env.ATELIER_ADAPTER;
    try {
      await expect(evCommand.run(['report'], context().ctx)).rejects.toBeInstanceOf(UsageError);
      await expect(
        evCommand.run(['report', LEAF_MF4, '--adapter', 'sim:x'], context().ctx),
      ).rejects.toBeInstanceOf(UsageError);
      await expect(
        evCommand.run(['report', LEAF_MF4, '--vehicle', 'zoe'], context().ctx),
      ).rejects.toBeInstanceOf(UsageError);
    } finally {
      if (saved !== undefined) process.env.ATELIER_ADAPTER = saved;
    }
  });

  it('--adapter: a live session on the recorded Leaf (the recorded responder answers 21 01 and 21 04)', async () => {
    const scenario = join(dir, 'leaf.yaml');
    writeFileSync(
      scenario,
      `name: leaf-recorded\nvehicle: ev\ncomplaint: { fr: lecture batterie, en: battery read }\ntrue_cause: none\nrecording: ${LEAF_MF4}\n`,
    );
    const { ctx, out } = context('en');
    expect(
      await evCommand.run(
        ['report', '--adapter', `sim:${scenario}`, '--vehicle', 'nissan-leaf', '--json'],
        ctx,
      ),
    ).toBe(0);
    const r = JSON.parse(out());
    expect(r.source.kind).toBe('live');
    expect(r.answers).toBe(2);
    expect(r.soc.value).toBeGreaterThan(89);
    expect(r.missing.find((m: { quantity: string }) => m.quantity === 'cellVoltages').reason.en).toMatch(
      /^21 02: /,
    );
  }, 60_000);
});
