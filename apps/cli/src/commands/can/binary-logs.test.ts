import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Frame, readLog, VirtualBus } from '@atelier/can';
import type { Lang } from '@atelier/command';
import { afterAll, describe, expect, it } from 'vitest';
import { cliContext, runCli } from '../../testing.js';
import { catSubcommand } from './cat.js';
import { convertSubcommand } from './convert.js';
import { decodeSubcommand } from './decode.js';
import { replaySubcommand } from './replay.js';
import { statsSubcommand } from './stats.js';

/** `.mf4` and `.blf` wherever a log works: cat, convert, stats, replay, decode. */
const ROOT = resolve(import.meta.dirname, '../../../../..');
const FIXTURES = join(ROOT, 'tests/fixtures/can');
const LEAF_MF4 = join(FIXTURES, 'nissan_leaf_uds_2022-01-06.MF4');
const LEAF_LOG = join(FIXTURES, 'nissan_leaf_uds_2022-01-06.log');
const LEAF_DBC = join(FIXTURES, 'css_tp_uds_nissan_leaf.dbc');
const dir = mkdtempSync(join(tmpdir(), 'atelier-cli-binary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const context = (lang: Lang = 'en') => cliContext(lang, dir);

/** JSON lines of `can cat --json`, channel names as numbers (MF4/BLF buses from 1, canN → N + 1). */
async function catJson(file: string): Promise<object[]> {
  const { ctx, out } = context();
  expect(await catSubcommand.run([file, '--json'], ctx)).toBe(0);
  return out()
    .trimEnd()
    .split('\n')
    .map((l) => {
      const o = JSON.parse(l);
      if (typeof o.ch === 'string' && o.ch.startsWith('can')) o.ch = String(Number(o.ch.slice(3)) + 1);
      return o;
    });
}

describe('atelier can on MF4 and BLF files', () => {
  it('cat: the real Leaf MF4 prints the frames of its candump conversion', async () => {
    const fromMf4 = await catJson(LEAF_MF4);
    expect(fromMf4).toHaveLength(5588);
    expect(fromMf4).toEqual(await catJson(LEAF_LOG));
  });

  it('convert MF4 → BLF → MF4 (capital extension) → candump, then cat and stats agree with the original', async () => {
    const blf = join(dir, 'leaf.blf');
    const mf4 = join(dir, 'leaf.MF4');
    const log = join(dir, 'leaf.log');
    for (const [from, to, names] of [
      [LEAF_MF4, blf, /5588 frame\(s\) converted from mf4 to blf/],
      [blf, mf4, /5588 frame\(s\) converted from blf to mf4/],
      [mf4, log, /5588 frame\(s\) converted from mf4 to candump/],
    ] as const) {
      const { ctx, err } = context();
      expect(await convertSubcommand.run([from, to], ctx)).toBe(0);
      expect(err()).toMatch(names);
    }
    expect(readFileSync(mf4).toString('latin1', 0, 8)).toBe('MDF     ');
    expect(await catJson(blf)).toEqual(await catJson(LEAF_LOG));
    expect(await catJson(log)).toEqual(await catJson(LEAF_LOG));
    const stats = async (file: string) => {
      const { ctx, out } = context();
      expect(await statsSubcommand.run([file, '--json'], ctx)).toBe(0);
      return JSON.parse(out());
    };
    expect(await stats(blf)).toEqual(await stats(LEAF_LOG));
    expect(await stats(mf4)).toEqual(await stats(LEAF_LOG));
  });

  it('decode: the Leaf battery answers reassembled from the MF4 decode as from the candump log', async () => {
    const decode = async (file: string) => {
      const { ctx, out } = context();
      const args = [
        file,
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
      expect(await decodeSubcommand.run(args, ctx)).toBe(0);
      return out().trimEnd().split('\n');
    };
    const fromMf4 = await decode(LEAF_MF4);
    expect(fromMf4).toHaveLength(26);
    expect(fromMf4[0]).toBe(
      '{"t":1641469562.0645,"id":1979,"name":"SoC_Temp","signals":{"service":97,"response":1,"SoC":89.2286}}',
    );
    expect(fromMf4).toEqual(await decode(LEAF_LOG));
  });

  it('replay: a BLF file plays every frame onto a virtual bus', async () => {
    const blf = join(dir, 'replay.blf');
    const frames: Frame[] = [];
    for await (const f of readLog(LEAF_LOG)) frames.push(f);
    expect(await convertSubcommand.run([LEAF_LOG, blf], context().ctx)).toBe(0);
    const listener = new VirtualBus('cli-replay-blf');
    const got: Frame[] = [];
    listener.subscribe((f) => {
      got.push(f);
    });
    const { ctx } = context();
    expect(await replaySubcommand.run([blf, '--bus', 'virtual:cli-replay-blf', '--max'], ctx)).toBe(0);
    listener.close();
    expect(got).toHaveLength(5588);
    expect(got.map((f) => [f.id, Buffer.from(f.data).toString('hex')])).toEqual(
      frames.map((f) => [f.id, Buffer.from(f.data).toString('hex')]),
    );
  });

  it('bad files: a typed error naming the file and byte offset after the frames read before it; --lenient goes on', async () => {
    const run = async (...args: string[]) => {
      const r = await runCli(['can', 'cat', ...args], { cwd: ROOT, env: { ATELIER_LANG: 'en' } });
      return { status: r.code, stdout: r.stdout, stderr: r.stderr };
    };
    // An unfinalised CANedge file ends where the logger stopped: a cut file reads to the cut,
    // the record cut in two is reported.
    const cutMf4 = join(dir, 'cut.MF4');
    const whole = readFileSync(LEAF_MF4);
    writeFileSync(cutMf4, whole.subarray(0, whole.length - 50_000));
    const a = await run(cutMf4);
    expect(a.status).toBe(0);
    expect(a.stdout.trimEnd().split('\n').length).toBeGreaterThan(4000);
    expect(a.stderr).toMatch(
      /1 problem\(s\) in the file.*\n.*cut\.MF4: byte \d+ .*the logger stopped mid-record/,
    );
    // A BLF file cut inside its second container: the first container's frames, then the error.
    const blf = readFileSync(join(dir, 'leaf.blf'));
    const cutBlf = join(dir, 'cut.blf');
    writeFileSync(cutBlf, blf.subarray(0, 20_000));
    const b = await run(cutBlf);
    expect(b.status).toBe(1);
    expect(b.stdout.trimEnd().split('\n')).toHaveLength(2340);
    expect(b.stderr).toMatch(
      /BinaryLogError: .*cut\.blf: byte \d+ \(0x[0-9a-f]+\): truncated file: object of \d+ bytes goes past the end/,
    );
    const c = await run(cutBlf, '--lenient');
    expect(c.status).toBe(0);
    expect(c.stdout.trimEnd().split('\n')).toHaveLength(2340);
    expect(c.stderr).toMatch(/^1 problem\(s\) in the file, unreadable parts skipped:\n {2}.*cut\.blf: byte/);
    const garbage = join(dir, 'garbage.blf');
    writeFileSync(garbage, Buffer.concat([blf.subarray(0, 144), Buffer.from('not an object at all, sorry')]));
    const d = await run(garbage);
    expect(d.status).toBe(1);
    expect(d.stderr).toMatch(
      /BinaryLogError: .*garbage\.blf: byte 144 \(0x90\): expected an object \('LOBJ'\)/,
    );
  });

  it('in French, the default: a bad BLF names the byte offset and a bad DBC the line, reasons in French', async () => {
    const blf = join(dir, 'fr-leaf.blf');
    expect(await convertSubcommand.run([LEAF_LOG, blf], context().ctx)).toBe(0);
    const junk = join(dir, 'junk.blf');
    writeFileSync(
      junk,
      Buffer.concat([readFileSync(blf).subarray(0, 144), Buffer.from('pas un objet du tout, désolé')]),
    );
    const stats = await runCli(['can', 'stats', junk], { cwd: ROOT, env: { ATELIER_LANG: 'fr' } });
    expect(stats.code).toBe(1);
    expect(stats.stderr).toBe(
      `atelier can: ${junk}, octet 144 (0x90) : objet attendu (« LOBJ »), trouvé « pas  »\n`,
    );
    const dbc = join(dir, 'bad.dbc');
    writeFileSync(dbc, 'BO_ 1 A: 8 X\n SG_ B : 0|8@3+ (1,0) [0|0] "" X\n');
    const decode = await runCli(['can', 'decode', LEAF_LOG, '--dbc', dbc], {
      cwd: ROOT,
      env: { ATELIER_LANG: 'fr' },
    });
    expect(decode.code).toBe(1);
    expect(decode.stderr).toBe(
      `atelier can: ${dbc}, ligne 2 : l'ordre des octets doit être 0 (Motorola) ou 1 (Intel), trouvé « 3+ »\n`,
    );
    // A BLF whose compressed container is damaged: zlib's reason said in French, English as zlib wrote it.
    const damaged = join(dir, 'damaged.blf');
    const bytes = Buffer.from(readFileSync(blf));
    bytes.fill(0x33, 15_600, 16_000);
    writeFileSync(damaged, bytes);
    const zfr = await runCli(['can', 'stats', damaged], { cwd: ROOT, env: { ATELIER_LANG: 'fr' } });
    expect(zfr.code).toBe(1);
    expect(zfr.stderr).toBe(
      `atelier can: ${damaged}, octet 15546 (0x3cba) : conteneur corrompu (zlib : table des littéraux et longueurs invalide)\n`,
    );
    const zen = await runCli(['can', 'stats', damaged], { cwd: ROOT, env: { ATELIER_LANG: 'en' } });
    expect(zen.stderr).toBe(
      `atelier can: BinaryLogError: ${damaged}: byte 15546 (0x3cba): corrupt log container (zlib: invalid literal/lengths set)\n`,
    );
    // A DBC that reads with warnings: they are said in French too, before the decoding.
    const sloppy = join(dir, 'sloppy.dbc');
    writeFileSync(sloppy, 'BO_ 1979 Leaf: 8 X\n SG_ B : 0|8@1+ (1,0) [0|0] "" X\nCM_ BU_ Nobody "x";\n');
    const { ctx, err } = context('fr');
    expect(await decodeSubcommand.run([LEAF_LOG, '--dbc', sloppy], ctx)).toBe(0);
    expect(err()).toContain(
      `${sloppy}, ligne 3 : avertissement : CM_ désigne le nœud Nobody, qui n'est pas défini\n`,
    );
  });
});
