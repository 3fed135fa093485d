import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Frame, readLog, VirtualBus } from '@atelier/can';
import { UsageError } from '@atelier/command';
import { afterAll, describe, expect, it } from 'vitest';
import { cliContext, runCli } from '../../testing.js';
import { catSubcommand } from './cat.js';
import { convertSubcommand } from './convert.js';
import { decodeSubcommand } from './decode.js';
import { replaySubcommand } from './replay.js';
import { statsSubcommand } from './stats.js';

/** `.pcapng` (and `.pcap` read) wherever a log works: cat, convert, stats, decode, replay. */
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

  it('cat: a cooked capture on `any` prints its CAN frames and says how many other packets it passed over', async () => {
    // Classic pcap, little-endian, link type 113 (LINUX_SLL), written by hand: a CAN frame received
    // (id 0x7E8 little-endian, as the capturing host wrote it) and an IPv4 packet (protocol 0x0800).
    // magic, version 2.4, time zone, accuracy, snap length 262144, link type 113: all little-endian.
    const header = Buffer.from(
      'd4c3b2a1' + '02000400' + '00000000' + '00000000' + '00000400' + '71000000',
      'hex',
    );
    const record = (sec: number, bytes: Buffer) => {
      const r = Buffer.alloc(16);
      r.writeUInt32LE(sec, 0);
      r.writeUInt32LE(bytes.length, 8);
      r.writeUInt32LE(bytes.length, 12);
      return Buffer.concat([r, bytes]);
    };
    // packet type 0 (to us), ARPHRD_CAN (0x118), no address, then the protocol: big-endian.
    const sll = (protocol: string) => Buffer.from(`0000${'0118'}0000${'00'.repeat(8)}${protocol}`, 'hex');
    const can = Buffer.from('e807000003000000410c1a0000000000', 'hex');
    const file = join(dir, 'any.pcap');
    writeFileSync(
      file,
      Buffer.concat([
        header,
        record(1700000000, Buffer.concat([sll('000c'), can])),
        record(1700000001, Buffer.concat([sll('0800'), Buffer.alloc(20)])),
      ]),
    );
    const r = await runCli(['can', 'cat', file], { cwd: ROOT, env: { ATELIER_LANG: 'fr' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('(1700000000.000000) can0 7E8#410C1A R\n');
    expect(r.stderr).toBe(
      '1 paquet(s) sans trame CAN ni CAN FD passé(s) (CAN XL, autre protocole ou autre interface)\n',
    );
  });

  it('replay: a pcapng capture plays every frame onto a virtual bus', async () => {
    const ng = join(dir, 'replay.pcapng');
    expect(await convertSubcommand.run([LEAF_LOG, ng], context().ctx)).toBe(0);
    const frames: Frame[] = [];
    for await (const f of readLog(LEAF_LOG)) frames.push(f);
    const listener = new VirtualBus('cli-replay-pcapng');
    const got: Frame[] = [];
    listener.subscribe((f) => {
      got.push(f);
    });
    expect(
      await replaySubcommand.run([ng, '--bus', 'virtual:cli-replay-pcapng', '--max'], context().ctx),
    ).toBe(0);
    listener.close();
    expect(got.map((f) => [f.id, Buffer.from(f.data).toString('hex')])).toEqual(
      frames.map((f) => [f.id, Buffer.from(f.data).toString('hex')]),
    );
  });
});
