import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../../../tests/support/index.js';
import { readLog } from '../formats/index.js';
import type { Frame } from '../frame.js';
import { DbcDecoder } from './codec.js';
import { decodeLog, describesPayload, isoTpChannels, isoTpLayoutOf } from './over-isotp.js';
import { parseDbc, readDbc } from './parser.js';

const LEAF = fixturePath('can/nissan_leaf_uds_2022-01-06.log');
const LEAF_MF4 = fixturePath('can/nissan_leaf_uds_2022-01-06.MF4');
const LEAF_DBC = fixturePath('can/css_tp_uds_nissan_leaf.dbc');

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('decodeLog: a DBC that describes diagnostic payloads is never applied to raw frames', () => {
  it('the CSS Leaf DBC is recognised as tp_uds (extended multiplexing over the service byte)', async () => {
    const dbc = await readDbc(LEAF_DBC);
    const msg = dbc.messages.find((m) => m.name === 'SoC_Temp')!;
    expect(isoTpLayoutOf(msg)).toBe('css');
    expect(describesPayload(msg)).toBe(true);
    expect(isoTpChannels(new DbcDecoder(dbc))).toEqual([
      { rxId: 0x7bb, txId: -1, extended: false, layout: 'css' },
    ]);
  });

  it('without any option, the Leaf log decodes over reassembled payloads: 26 messages, SoC and temperatures', async () => {
    const decoder = new DbcDecoder(await readDbc(LEAF_DBC));
    const out = await collect(decodeLog(readLog(LEAF), decoder));
    expect(out).toHaveLength(26);
    expect(out.every((d) => d.via === 'isotp' && d.name === 'SoC_Temp')).toBe(true);
    // The values `atelier can decode --isotp-rx 7BB --isotp-layout css` gives (its test pins them).
    expect(out[0].signals).toEqual({ service: 0x61, response: 1, SoC: 89.2286 });
    expect(out[1].signals).toEqual({
      service: 0x61,
      response: 4,
      BatPackTemp1: 2,
      BatPackTemp2: 1,
      BatPackTemp4: 0,
    });
    // Applied to the raw frames, the same DBC gives the "sawtooth" of the issue: every frame of 0x7BB.
    let raw = 0;
    for await (const f of readLog(LEAF)) if (decoder.decode(f)) raw++;
    expect(raw).toBeGreaterThan(out.length * 4);
  });

  it('the MF4 original decodes to the same payload signals as its candump conversion', async () => {
    const decoder = new DbcDecoder(await readDbc(LEAF_DBC));
    const a = await collect(decodeLog(readLog(LEAF), decoder, { isotp: [{ rxId: 0x7bb, txId: 0x79b }] }));
    const b = await collect(decodeLog(readLog(LEAF_MF4), decoder, { isotp: [{ rxId: 0x7bb, txId: 0x79b }] }));
    expect(b.map((d) => d.signals)).toEqual(a.map((d) => d.signals));
  });

  it('a classic DBC still decodes frame by frame; an explicit channel with payload layout reads service id first', async () => {
    const dbc = parseDbc(
      [
        'BO_ 534 WheelData: 8 ABS',
        ' SG_ Speed : 0|8@1+ (1,0) [0|255] "km/h" X',
        'BO_ 2024 Answer: 8 ECU',
        ' SG_ Sid : 0|8@1+ (1,0) [0|255] "" X',
        ' SG_ Rpm : 23|16@0+ (0.25,0) [0|16383] "rpm" X',
        '',
      ].join('\n'),
    );
    const frames: Frame[] = [
      { id: 534, extended: false, data: Uint8Array.from([50, 0, 0, 0, 0, 0, 0, 0]), timestamp: 1 },
      {
        id: 0x7e8,
        extended: false,
        data: Uint8Array.from([4, 0x41, 0x0c, 0x1a, 0xf8, 0, 0, 0]),
        timestamp: 2,
      },
    ];
    const decoder = new DbcDecoder(dbc);
    const plain = await collect(decodeLog(frames, decoder));
    expect(plain.map((d) => [d.name, d.via])).toEqual([
      ['WheelData', 'frame'],
      ['Answer', 'frame'],
    ]);
    const over = await collect(decodeLog(frames, decoder, { isotp: [{ rxId: 0x7e8, txId: 0x7e0 }] }));
    expect(over[1]).toMatchObject({ name: 'Answer', via: 'isotp', signals: { Sid: 0x41, Rpm: 0x1af8 / 4 } });
  });

  it('reassembly errors on a channel are reported, not decoded', async () => {
    const decoder = new DbcDecoder(await readDbc(LEAF_DBC));
    const frames: Frame[] = [
      {
        id: 0x7bb,
        extended: false,
        data: Uint8Array.from([0x10, 0x35, 0x61, 0x01, 1, 2, 3, 4]),
        timestamp: 1,
      },
    ];
    const errors: string[] = [];
    const out = await collect(decodeLog(frames, decoder, { onError: (e) => errors.push(e.error) }));
    expect(out).toEqual([]);
    expect(errors).toEqual(['incomplete']);
  });
});
