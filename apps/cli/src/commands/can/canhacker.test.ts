import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../../../../../tests/support/index.js';
import { cliContext } from '../../testing.js';
import { catSubcommand } from './cat.js';
import { convertSubcommand } from './convert.js';
import { decodeSubcommand } from './decode.js';
import { statsSubcommand } from './stats.js';

// A CANHacker trace (.trc, like PEAK's) goes through every `atelier can` command that reads a log.
const TRACE = fixturePath('can/nissan_leaf_uds_2022-01-06_canhacker.trc');
const FRENCH = fixturePath('can/canhacker_fr_obd.trc');
const LEAF = fixturePath('can/nissan_leaf_uds_2022-01-06.log');
const LEAF_DBC = fixturePath('can/css_tp_uds_nissan_leaf.dbc');
const dir = mkdtempSync(join(tmpdir(), 'atelier-cli-canhacker-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The oracle: the candump -l original of the trace (its can0 frames), read by the candump reader. */
function leafCan0(): string {
  const file = join(dir, 'leaf-can0.log');
  const lines = readFileSync(LEAF, 'utf8')
    .split('\n')
    .filter((l) => l.includes(' can0 '));
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

async function run(command: typeof catSubcommand, args: string[]) {
  const { ctx, out, err } = cliContext('en', dir);
  const code = await command.run(args, ctx);
  return { code, out: out(), err: err() };
}

const withoutTime = (line: string) => line.replace(/^\{"t":[^,]+,/, '{');

describe('CANHacker traces in atelier can', () => {
  it('cat: the frames, as candump -l or JSON', async () => {
    const json = await run(catSubcommand, [TRACE, '--json']);
    expect(json.code).toBe(0);
    const lines = json.out.trimEnd().split('\n');
    expect(lines).toHaveLength(221);
    expect(lines[0]).toBe('{"t":1.95,"id":1947,"ext":false,"data":"022101ffffffffff","ch":"can0"}');
    const original = (await run(catSubcommand, [leafCan0(), '--json'])).out.trimEnd().split('\n');
    // The same frames as the original without its direction; times are the adapter's clock.
    expect(lines.map(withoutTime)).toEqual(original.map((l) => withoutTime(l).replace(/,"dir":"\w+"/, '')));
    const text = await run(catSubcommand, [FRENCH]);
    expect(text.out.split('\n').slice(0, 2)).toEqual([
      '(0000000058.912000) can0 7DF#02010C0000000000',
      '(0000000058.926000) can0 7E8#04410C1AF8AAAAAA',
    ]);
  });

  it('convert: from CANHacker to candump, and back with --to canhacker', async () => {
    const log = join(dir, 'trace.log');
    const to = await run(convertSubcommand, [TRACE, log]);
    expect(to.code).toBe(0);
    expect(to.err).toMatch(/221 frame\(s\) converted from canhacker to candump/);
    const back = join(dir, 'back.trc');
    const fro = await run(convertSubcommand, [log, back, '--to', 'canhacker']);
    expect(fro.code).toBe(0);
    expect(readFileSync(back, 'latin1')).toBe(readFileSync(TRACE, 'latin1').replaceAll('\r\n', '\n'));
    // The written trace is read as CANHacker under its .trc name.
    expect((await run(catSubcommand, [back])).out).toBe((await run(catSubcommand, [TRACE])).out);
  });

  it('convert: a log of two buses stops at the first frame of the second, and leaves no file', async () => {
    const out = join(dir, 'two-buses.trc');
    await expect(run(convertSubcommand, [LEAF, out, '--to', 'canhacker'])).rejects.toThrow(
      /canhacker writer, frame #\d+: a CANHacker trace holds one bus: frame on can1 after frames on can0/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('stats: the same ids, counts and byte changes as the candump original', async () => {
    const trace = JSON.parse((await run(statsSubcommand, [TRACE, '--json'])).out);
    const original = JSON.parse((await run(statsSubcommand, [leafCan0(), '--json'])).out);
    expect(trace.frames).toBe(221);
    const pick = (ids: { id: number; count: number; dlcs: number[]; byteChanges: number[] }[]) =>
      ids.map(({ id, count, dlcs, byteChanges }) => ({ id, count, dlcs, byteChanges }));
    expect(pick(trace.ids)).toEqual(pick(original.ids));
    expect(Math.abs(trace.duration - original.duration)).toBeLessThan(0.001);
  });

  it('decode: the Leaf battery payloads decode as from the candump original', async () => {
    const args = [
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
    const trace = (await run(decodeSubcommand, [TRACE, ...args])).out.trimEnd().split('\n');
    const original = (await run(decodeSubcommand, [leafCan0(), ...args])).out.trimEnd().split('\n');
    expect(trace.length).toBeGreaterThan(10);
    expect(trace.map(withoutTime)).toEqual(original.map(withoutTime));
  });
});
