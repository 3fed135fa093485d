import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { UsageError } from '@atelier/command';
import { afterAll, describe, expect, it } from 'vitest';
import { cliContext, runCli } from '../../testing.js';
import { catSubcommand } from './cat.js';
import { convertSubcommand } from './convert.js';
import { decodeSubcommand } from './decode.js';
import { statsSubcommand } from './stats.js';

/** `.pcapng` (and `.pcap` read) wherever a log works: cat, convert, stats, decode. */
const ROOT = resolve(import.meta.dirname, '../../../../..');
const FIXTURES = join(ROOT, 'tests/fixtures/can');
const LEAF_MF4 = join(FIXTURES, 'nissan_leaf_uds_2022-01-06.MF4');
const LEAF_LOG = join(FIXTURES, 'nissan_leaf_uds_2022-01-06.log');
const LEAF_DBC = join(FIXTURES, 'css_tp_uds_nissan_leaf.dbc');
const dir = mkdtempSync(join(tmpdir(), 'atelier-cli-pcap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const context = (lang: 'fr' | 'en' = 'en') => cliContext(lang, dir);

async function out(run: (ctx: ReturnType<typeof context>['ctx']) => Promise<number>): Promise<string> {
  const { ctx, out } = context();
  expect(await run(ctx)).toBe(0);
  return out();
}

describe('atelier can on pcapng captures', () => {
  it('convert MF4 → pcapng → candump, candump → pcapng; cat, stats and decode of the pcapng agree with the candump log', async () => {
    const ng = join(dir, 'leaf.pcapng');
    const { ctx, err } = context();
    expect(await convertSubcommand.run([LEAF_MF4, ng], ctx)).toBe(0);
    expect(err()).toMatch(/5588 frame\(s\) converted from mf4 to pcapng/);
    expect(readFileSync(ng).readUInt32LE(0)).toBe(0x0a0d0d0a);
    // The MF4's buses (1, 2) become interfaces named `1` and `2`: the same frames on the same buses.
    expect(await out((c) => catSubcommand.run([ng, '--json'], c))).toBe(
      await out((c) => catSubcommand.run([LEAF_MF4, '--json'], c)),
    );
    const back = join(dir, 'leaf.log');
    expect(await convertSubcommand.run([ng, back], context().ctx)).toBe(0);
    expect(readFileSync(back, 'utf8').split('\n')).toHaveLength(5589);
    const fromLog = join(dir, 'from-log.pcapng');
    expect(await convertSubcommand.run([LEAF_LOG, fromLog], context().ctx)).toBe(0);
    expect(await out((c) => catSubcommand.run([fromLog, '--json'], c))).toBe(
      await out((c) => catSubcommand.run([LEAF_LOG, '--json'], c)),
    );
    expect(await out((c) => statsSubcommand.run([fromLog, '--json'], c))).toBe(
      await out((c) => statsSubcommand.run([LEAF_LOG, '--json'], c)),
    );
    const decodeArgs = [
      '--dbc',
      LEAF_DBC,
      '--isotp-rx',
      '7BB',
      '--isotp-tx',
      '79B',
      '--isotp-layout',
      'css',
      '--json',
    ];
    expect(await out((c) => decodeSubcommand.run([fromLog, ...decodeArgs], c))).toBe(
      await out((c) => decodeSubcommand.run([LEAF_LOG, ...decodeArgs], c)),
    );
  });

  it('a .pcap output is refused with the reason, in French by default', async () => {
    const { ctx } = context('fr');
    const err = await convertSubcommand.run([LEAF_LOG, join(dir, 'x.pcap')], ctx).catch((e) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toMatch(/Atelier écrit le pcapng, pas le pcap classique/);
  });

  it('a cut capture: the frames before the cut on stdout, the byte of the cut on stderr', async () => {
    const ng = join(dir, 'cut-src.pcapng');
    expect(await convertSubcommand.run([LEAF_LOG, ng], context().ctx)).toBe(0);
    const cut = join(dir, 'cut.pcapng');
    const bytes = readFileSync(ng);
    writeFileSync(cut, bytes.subarray(0, bytes.length - 30));
    const r = await runCli(['can', 'cat', cut], { cwd: ROOT, env: { ATELIER_LANG: 'fr' } });
    expect(r.code).toBe(1);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(5587);
    expect(r.stderr).toMatch(
      /cut\.pcapng, octet \d+ \(0x[0-9a-f]+\) : fichier tronqué : le bloc 0x00000006 de \d+ octets dépasse la fin du fichier/,
    );
  });
});
