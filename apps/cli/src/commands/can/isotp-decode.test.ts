import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DbcParseError } from '@atelier/can';
import { type Lang, UsageError } from '@atelier/command';
import { afterAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../../../../../tests/support/index.js';
import { cliContext } from '../../testing.js';
import { decodeSubcommand } from './decode.js';
import { isotpSubcommand, parseHexId } from './isotp.js';

const LEAF = fixturePath('can/nissan_leaf_uds_2022-01-06.log');
const LEAF_DBC = fixturePath('can/css_tp_uds_nissan_leaf.dbc');
const dir = mkdtempSync(join(tmpdir(), 'atelier-cli-isotp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const context = (lang: Lang = 'fr') => cliContext(lang, dir);

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('atelier can isotp', () => {
  it('--json on the Leaf recording: 26 payloads, exact first line', async () => {
    const { ctx, out } = context();
    expect(await isotpSubcommand.run([LEAF, '--rx', '7BB', '--tx', '79B', '--json'], ctx)).toBe(0);
    const lines = out().trimEnd().split('\n');
    expect(lines).toHaveLength(26);
    expect(lines[0]).toBe(
      '{"t":1641469562.0645,"id":1979,"data":"6101fffff3cc02afffffeba6ffffd96d03e830d49876395f038c000170002910000d9d7e0010ad79800005ffffeba6ffffec3b01ad"}',
    );
    for (const l of lines) {
      const { data } = JSON.parse(l);
      expect([106, 62]).toContain(data.length);
    }
  });

  it('--json errors: interrupted, unexpected-cf, wrong-sn, incomplete', async () => {
    const log = write(
      'errors.log',
      [
        '(1.000000) can0 7BB#2101020304050607',
        '(2.000000) can0 7BB#100A010203040506',
        '(3.500000) can0 7BB#100A111213141516',
        '(4.000000) can0 7BB#2117181920CCCCCC',
        '(5.000000) can0 7BB#1010010203040506',
        '(6.000000) can0 7BB#2307080910111213',
        '(7.250000) can0 7BB#1010A1A2A3A4A5A6',
        '',
      ].join('\n'),
    );
    const { ctx, out } = context();
    expect(await isotpSubcommand.run([log, '--rx', '0x7bb', '--json'], ctx)).toBe(0);
    expect(out()).toBe(
      [
        '{"t":1,"id":1979,"error":"unexpected-cf"}',
        '{"t":3.5,"id":1979,"error":"interrupted"}',
        '{"t":4,"id":1979,"data":"11121314151617181920"}',
        '{"t":6,"id":1979,"error":"wrong-sn"}',
        '{"t":7.25,"id":1979,"error":"incomplete"}',
        '',
      ].join('\n'),
    );
  });

  it('text output, French then English, with a summary on stderr', async () => {
    const fr = context('fr');
    await isotpSubcommand.run([LEAF, '--rx', '7BB'], fr.ctx);
    expect(fr.out().split('\n')[0]).toMatch(/^1641469562\.064500 {2}7BB {4}53 o {2}6101ff/);
    expect(fr.err()).toBe('26 message(s), 0 anomalie(s)\n');
    const en = context('en');
    await isotpSubcommand.run([LEAF, '--rx', '7BB'], en.ctx);
    expect(en.out().split('\n')[1]).toMatch(/ {4}31 B {2}6104/);
  });

  it('bad invocations are usage errors', async () => {
    await expect(isotpSubcommand.run([LEAF], context().ctx)).rejects.toBeInstanceOf(UsageError);
    await expect(isotpSubcommand.run([LEAF, '--rx', 'xyz'], context().ctx)).rejects.toThrow(/--rx/);
    await expect(
      isotpSubcommand.run([LEAF, '--rx', '7BB', '--layout', 'odd'], context('en').ctx),
    ).rejects.toThrow(/payload or css/);
    expect(parseHexId('18DAF110')).toBe(0x18daf110);
    expect(parseHexId('0x7df')).toBe(0x7df);
    expect(parseHexId('3FFFFFFF')).toBeUndefined();
  });
});

const WHEEL_DBC = `VERSION ""
BO_ 534 WheelData: 8 ABS
 SG_ WhlRotatFr_No_Cnt : 0|8@1+ (1,0) [0|255] "" X
 SG_ Speed : 15|16@0+ (0.01,0) [0|655.35] "km/h" X
 SG_ Mode M : 32|4@1+ (1,0) [0|15] "" X
 SG_ Torque m1 : 40|16@1- (0.5,0) [0|0] "Nm" X
 SG_ Pressure m2 : 40|8@1+ (10,0) [0|0] "kPa" X
BO_ 2566844672 Ext29: 8 X
 SG_ Level : 0|8@1+ (1,0) [0|100] "%" X
VAL_ 534 Mode 1 "Drive" 2 "Brake" ;
`;

describe('atelier can decode', () => {
  it('--json: one exact line per frame in the DBC; multiplexed signals only when selected', async () => {
    const dbc = write('wheel.dbc', WHEEL_DBC);
    const log = write(
      'wheel.log',
      [
        '(1641469561.000100) can0 216#C713880001F4FF00',
        '(1641469561.010000) can0 123#0102',
        '(1641469561.020000) can0 216#C80000000203',
        '(1641469561.030000) can0 18FEF100#2A',
        '(1641469561.040000) can0 216#C9000000',
        '',
      ].join('\n'),
    );
    const { ctx, out } = context();
    expect(await decodeSubcommand.run([log, '--dbc', dbc, '--json'], ctx)).toBe(0);
    expect(out()).toBe(
      [
        '{"t":1641469561.0001,"id":534,"name":"WheelData","signals":{"WhlRotatFr_No_Cnt":199,"Speed":50,"Mode":1,"Torque":-6}}',
        '{"t":1641469561.02,"id":534,"name":"WheelData","signals":{"WhlRotatFr_No_Cnt":200,"Speed":0,"Mode":2,"Pressure":30}}',
        '{"t":1641469561.03,"id":419361024,"name":"Ext29","signals":{"Level":42}}',
        '{"t":1641469561.04,"id":534,"name":"WheelData","signals":{"WhlRotatFr_No_Cnt":201,"Speed":0}}',
        '',
      ].join('\n'),
    );
    const withLabels = context();
    await decodeSubcommand.run([log, '--dbc', dbc, '--json', '--labels'], withLabels.ctx);
    expect(withLabels.out().split('\n')[0]).toMatch(/"signals":\{[^}]*\},"labels":\{"Mode":"Drive"\}\}$/);
    const text = context('en');
    await decodeSubcommand.run([log, '--dbc', dbc], text.ctx);
    expect(text.out().split('\n')[0]).toBe(
      '1641469561.000100  216  WheelData  WhlRotatFr_No_Cnt=199  Speed=50 km/h  Mode=1 (Drive)  Torque=-6 Nm',
    );
  });

  it('--isotp-rx 7BB --isotp-layout css decodes the Leaf payloads with the CSS DBC', async () => {
    const { ctx, out } = context();
    expect(
      await decodeSubcommand.run(
        [
          LEAF,
          '--dbc',
          LEAF_DBC,
          '--isotp-rx',
          '7BB',
          '--isotp-tx',
          '79B',
          '--isotp-layout',
          'css',
          '--json',
        ],
        ctx,
      ),
    ).toBe(0);
    const lines = out().trimEnd().split('\n');
    expect(lines).toHaveLength(26);
    expect(lines[0]).toBe(
      '{"t":1641469562.0645,"id":1979,"name":"SoC_Temp","signals":{"service":97,"response":1,"SoC":89.2286}}',
    );
    expect(lines[1]).toBe(
      '{"t":1641469564.0343,"id":1979,"name":"SoC_Temp","signals":{"service":97,"response":4,"BatPackTemp1":2,"BatPackTemp2":1,"BatPackTemp4":0}}',
    );
  });

  it('--isotp 7BB:79B is the short form: CSS layout found from the DBC, same 26 lines', async () => {
    const long = context();
    await decodeSubcommand.run(
      [LEAF, '--dbc', LEAF_DBC, '--isotp-rx', '7BB', '--isotp-tx', '79B', '--isotp-layout', 'css', '--json'],
      long.ctx,
    );
    const short = context();
    expect(
      await decodeSubcommand.run([LEAF, '--dbc', LEAF_DBC, '--isotp', '7BB:79B', '--json'], short.ctx),
    ).toBe(0);
    expect(short.out()).toBe(long.out());
    expect(short.out().trimEnd().split('\n')).toHaveLength(26);
  });

  it('without --isotp, a DBC describing diagnostic payloads is still applied to reassembled payloads, never raw frames', async () => {
    const { ctx, out } = context();
    expect(await decodeSubcommand.run([LEAF, '--dbc', LEAF_DBC, '--json'], ctx)).toBe(0);
    const lines = out().trimEnd().split('\n');
    expect(lines).toHaveLength(26);
    expect(lines[0]).toBe(
      '{"t":1641469562.0645,"id":1979,"name":"SoC_Temp","signals":{"service":97,"response":1,"SoC":89.2286}}',
    );
  });

  it('--isotp with a bad pair is a usage error', async () => {
    for (const bad of ['7BB:zz', 'xyz', '7BB:79B:1'])
      await expect(
        decodeSubcommand.run([LEAF, '--dbc', LEAF_DBC, '--isotp', bad], context().ctx),
      ).rejects.toBeInstanceOf(UsageError);
  });

  it('a malformed DBC is a DbcParseError naming file and line; missing --dbc is a usage error', async () => {
    const bad = write('bad.dbc', 'BO_ 1 A: 8 X\n SG_ B : 0|8@3+ (1,0) [0|0] "" X\n');
    await expect(decodeSubcommand.run([LEAF, '--dbc', bad], context().ctx)).rejects.toThrow(DbcParseError);
    await expect(decodeSubcommand.run([LEAF, '--dbc', bad], context().ctx)).rejects.toThrow(
      /bad\.dbc:2: byte order/,
    );
    await expect(decodeSubcommand.run([LEAF], context().ctx)).rejects.toBeInstanceOf(UsageError);
  });
});
