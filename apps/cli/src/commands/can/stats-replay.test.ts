import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { type Frame, readLog, SlcanEmulator, serveSlcan, toHex, VirtualBus } from '@atelier/can';
import { type CliContext, type Lang, UsageError } from '@atelier/command';
import { afterAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../../../../../tests/support/index.js';
import { parseIdList, replaySubcommand } from './replay.js';
import { statsSubcommand } from './stats.js';

const SAVVY = fixturePath('can/savvycan_example_candump.log');
const dir = mkdtempSync(join(tmpdir(), 'atelier-cli-can-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function context(lang: Lang = 'fr', signal = new AbortController().signal) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => {
    out += c;
  });
  stderr.on('data', (c) => {
    err += c;
  });
  const ctx: CliContext = { stdout, stderr, lang, cwd: dir, signal, stderrIsTTY: false };
  return { ctx, out: () => out, err: () => err };
}

/** A candump -l log: `n` frames, 10 ms apart, ids cycling through 7DF, 7E8, 100 and one 29-bit id. */
function writeLog(name: string, n: number): string {
  const ids = ['7DF', '7E8', '100', '18DAF110'];
  const lines = Array.from({ length: n }, (_, i) => {
    const t = (1641469561 + i * 0.01).toFixed(6);
    return `(${t}) can0 ${ids[i % 4]}#02${(i & 0xff).toString(16).padStart(2, '0').toUpperCase()}`;
  });
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

describe('atelier can stats', () => {
  it('prints the JSON document for the real SavvyCAN recording', async () => {
    const { ctx, out } = context();
    expect(await statsSubcommand.run([SAVVY, '--json'], ctx)).toBe(0);
    const doc = JSON.parse(out());
    expect(doc.frames).toBe(12974);
    expect(doc.ids).toHaveLength(180);
    expect(doc.skippedLines).toBe(0);
    const id102 = doc.ids.find((i: { idHex: string }) => i.idHex === '102');
    expect(id102).toMatchObject({
      id: 0x102,
      count: 936,
      dlcs: [6],
      byteChanges: [636, 158, 782, 10, 779, 20],
    });
  });

  it('prints a table in French, then in English', async () => {
    const file = writeLog('table.log', 40);
    const fr = context('fr');
    await statsSubcommand.run([file], fr.ctx);
    const frLines = fr.out().split('\n');
    expect(frLines[0]).toMatch(/^40 trames, 4 identifiants, 0\.390 s, 0 trames d'erreur$/);
    expect(frLines[2]).toMatch(/^id\s+trames\s+période moy\. ms/);
    // 7E8 every 40 ms, byte 1 changing each time.
    expect(frLines.find((l) => l.startsWith('7E8'))).toMatch(
      /^7E8\s+10\s+40\.00\s+40\.00\s+40\.00\s+2\s+1:9$/,
    );
    expect(frLines.some((l) => l.startsWith('18DAF110'))).toBe(true);
    const en = context('en');
    await statsSubcommand.run([file], en.ctx);
    expect(en.out()).toMatch(/^40 frames, 4 ids/);
  });

  it('refuses a missing file argument with a usage error', async () => {
    const { ctx } = context();
    await expect(statsSubcommand.run([], ctx)).rejects.toBeInstanceOf(UsageError);
    await expect(statsSubcommand.run(['a', '--bogus'], ctx)).rejects.toBeInstanceOf(UsageError);
  });
});

describe('atelier can replay', () => {
  it('plays a log onto a virtual bus at full speed, keeping only the listed ids', async () => {
    const file = writeLog('replay.log', 200);
    const far = new VirtualBus('cli-replay-1');
    const got: Frame[] = [];
    far.subscribe((f) => got.push(f));
    const { ctx, err } = context('fr');
    const code = await replaySubcommand.run(
      [file, '--bus', 'virtual:cli-replay-1', '--max', '--id', '7E8,18DAF110'],
      ctx,
    );
    expect(code).toBe(0);
    expect(got).toHaveLength(100);
    expect(new Set(got.map((f) => f.id))).toEqual(new Set([0x7e8, 0x18daf110]));
    expect(err()).toMatch(/Relecture terminée : 100 trames envoyées/);
    expect(err()).toMatch(/100 écartées par --id/);
    await far.close();
  });

  it('plays the real Leaf MF4 through an SLCAN adapter (the emulator, over TCP): every frame reaches the bus', async () => {
    // The oracle is the candump conversion CSS Electronics' users made of the same MF4, read apart.
    const expected: Frame[] = [];
    for await (const f of readLog(fixturePath('can/nissan_leaf_uds_2022-01-06.log'))) expected.push(f);
    const channel = 'cli-replay-slcan';
    const far = new VirtualBus(channel);
    const got: Frame[] = [];
    far.subscribe((f) => got.push(f));
    const service = await serveSlcan(new SlcanEmulator({ channel, version: '1013', serial: 'RPL1' }));
    try {
      const { ctx, err } = context('en');
      const code = await replaySubcommand.run(
        [
          fixturePath('can/nissan_leaf_uds_2022-01-06.MF4'),
          '--bus',
          `slcan:${service.url}?bitrate=500000`,
          '--max',
        ],
        ctx,
      );
      expect(code, err()).toBe(0);
      expect(got).toHaveLength(expected.length);
      expect(got.map((f) => `${f.id.toString(16)}#${toHex(f.data)}`)).toEqual(
        expected.map((f) => `${f.id.toString(16)}#${toHex(f.data)}`),
      );
    } finally {
      await far.close();
      await service.close();
    }
  }, 60_000);

  it('plays with recorded timing at a speed factor and reports the timing error', async () => {
    const file = writeLog('timed.log', 21); // 200 ms of log
    const far = new VirtualBus('cli-replay-2');
    let count = 0;
    far.subscribe(() => count++);
    const { ctx, err } = context('en');
    const started = performance.now();
    expect(
      await replaySubcommand.run(
        [file, '--bus', 'virtual:cli-replay-2', '--speed', '4', '--start', '0.1'],
        ctx,
      ),
    ).toBe(0);
    // 100 ms of log at 4×: at least 25 ms of real time.
    expect(performance.now() - started).toBeGreaterThanOrEqual(24);
    expect(count).toBe(11);
    expect(err()).toMatch(/Replay finished: 11 frames sent/);
    expect(err()).toMatch(/timing error mean \d+\.\d{3} ms, max \d+\.\d{3} ms/);
    await far.close();
  });

  it('carries CAN FD frames and leaves error frames out, saying so', async () => {
    const file = join(dir, 'fd.log');
    writeFileSync(
      file,
      [
        '(1.000000) can0 123##1000102030405060708090A0B',
        '(1.001000) can0 20000040#0000000000000000',
        '(1.002000) can0 7E8#0641000000000000',
      ].join('\n'),
    );
    const far = new VirtualBus('cli-replay-fd');
    const got: Frame[] = [];
    far.subscribe((f) => got.push(f));
    const { ctx, err } = context('en');
    expect(await replaySubcommand.run([file, '--bus', 'virtual:cli-replay-fd', '--max', '--fd'], ctx)).toBe(
      0,
    );
    expect(got.map((f) => [f.id, !!f.fd, !!f.brs, f.data.length])).toEqual([
      [0x123, true, true, 12],
      [0x7e8, false, false, 8],
    ]);
    expect(err()).toMatch(/1 error frames not sent/);
    await far.close();
  });

  it('stops cleanly when the signal aborts (SIGINT), with exit code 130', async () => {
    const file = writeLog('long.log', 10_000); // 100 s of log
    const controller = new AbortController();
    const { ctx, err } = context('fr', controller.signal);
    const done = replaySubcommand.run([file, '--bus', 'virtual:cli-replay-3', '--loop'], ctx);
    setTimeout(() => controller.abort(), 100);
    expect(await done).toBe(130);
    expect(err()).toMatch(/Relecture interrompue/);
  });

  it.each([
    [['x.log'], /--bus/],
    [['x.log', '--bus', 'virtual:a', '--speed', '5000'], /speed/],
    [['x.log', '--bus', 'virtual:a', '--speed', '2', '--max'], /--max/],
    [['x.log', '--bus', 'virtual:a', '--start', 'soon'], /--start/],
    [['x.log', '--bus', 'virtual:a', '--id', '7G8'], /--id/],
  ])('refuses %j with a usage error', async (args, message) => {
    const { ctx } = context('en');
    const err = await replaySubcommand.run(args, ctx).catch((e) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toMatch(message);
  });

  it('names an unknown bus scheme', async () => {
    const { ctx } = context('en');
    await expect(replaySubcommand.run(['x.log', '--bus', 'pcan:usb1'], ctx)).rejects.toThrow(
      /unknown scheme 'pcan'/,
    );
  });

  it('parses id lists: three digits or less is 11-bit unless the value needs 29 bits', () => {
    expect(parseIdList('7E8, 0x7df,18DAF110,00000123', 'en')).toEqual([
      { id: 0x7e8, mask: 0x7ff, extended: false },
      { id: 0x7df, mask: 0x7ff, extended: false },
      { id: 0x18daf110, mask: 0x1fffffff, extended: true },
      { id: 0x123, mask: 0x1fffffff, extended: true },
    ]);
    expect(() => parseIdList('20000000', 'en')).toThrow(UsageError);
  });
});
