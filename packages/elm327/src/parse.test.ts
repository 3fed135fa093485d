import {
  AdapterError,
  BusFaultError,
  type LinkError,
  MalformedResponseError,
  NoResponseError,
} from '@atelier/obd';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ElmAdapterError,
  ElmBusError,
  ElmDataError,
  ElmNoDataError,
  UnableToConnectError,
} from './errors.js';
import { formatAnswer } from './format.js';
import { classifyLine, hexBytes, j1850Crc, parseAnswer, sumChecksum } from './parse.js';
import { PROTOCOLS, parseDpn, protocolById } from './protocols.js';

const CAN11 = protocolById('6')!;
const CAN29 = protocolById('7')!;
const ISO9141 = protocolById('3')!;
const KWP = protocolById('5')!;
const VPW = protocolById('2')!;
const hx = (s: string) => Array.from(hexBytes(s)!);

function caught(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a throw');
}

describe('CAN answers with headers', () => {
  it('reads an 11-bit single frame and drops the padding', () => {
    const a = parseAnswer('7E8 04 41 0C 1A F8 00 00 00 \r\r', { protocol: CAN11, headers: true });
    expect(a.responses).toEqual([{ ecu: 0x7e8, extended: false, data: Uint8Array.from(hx('410C1AF8')) }]);
  });

  it('reads spaces-off lines', () => {
    const a = parseAnswer('7E806410098BE3E8111\r', { protocol: CAN11, headers: true });
    expect(a.responses[0]!.ecu).toBe(0x7e8);
    expect(Array.from(a.responses[0]!.data)).toEqual(hx('410098BE3E81'));
  });

  it('reads a 29-bit answer with spaces and without', () => {
    for (const text of ['18 DA F1 10 03 41 0D 32 AA AA AA AA', '18DAF11003410D32AAAAAAAA']) {
      const a = parseAnswer(text, { protocol: CAN29, headers: true });
      expect(a.responses).toEqual([
        { ecu: 0x18daf110, extended: true, data: Uint8Array.from([0x41, 0x0d, 0x32]) },
      ]);
    }
  });

  it('reassembles a multi-frame VIN from two ECUs interleaved, keeping both', () => {
    const text = [
      '7E8 10 14 49 02 01 57 30 4C',
      '7E9 10 14 49 02 01 57 30 4C',
      '7E8 21 30 30 30 30 34 33 4D',
      '7E9 21 30 30 30 30 34 33 4D',
      '7E8 22 42 35 34 31 33 32 36',
      '7E9 22 42 35 34 31 33 32 36',
    ].join('\r');
    const a = parseAnswer(text, { protocol: CAN11, headers: true, command: '0902' });
    expect(a.responses.map((r) => r.ecu)).toEqual([0x7e8, 0x7e9]);
    const vin = String.fromCharCode(...a.responses[0]!.data.slice(3));
    expect(vin).toBe('W0L000043MB541326');
  });

  it('keeps two answers from the same ECU (duplicates are not dropped)', () => {
    const a = parseAnswer('7E8 03 41 0D 20\r7E8 03 41 0D 21', { protocol: CAN11, headers: true });
    expect(a.responses).toHaveLength(2);
  });

  it('drops a response-pending 7F xx 78 followed by the final answer, keeps a lone one', () => {
    const both = parseAnswer('7E8 03 7F 22 78\r7E8 05 62 F1 90 01 02', { protocol: CAN11, headers: true });
    expect(both.responses.map((r) => r.data[0])).toEqual([0x62]);
    const lone = parseAnswer('7E8 03 7F 22 78', { protocol: CAN11, headers: true });
    expect(lone.responses.map((r) => r.data[0])).toEqual([0x7f]);
  });

  it('rejects a missing consecutive frame, a wrong sequence and a short single frame with line numbers', () => {
    const missing = caught(() =>
      parseAnswer('7E8 10 14 49 02 01 57 30 4C\r7E8 21 30 30 30 30 34 33 4D', {
        protocol: CAN11,
        headers: true,
      }),
    );
    expect(missing).toBeInstanceOf(ElmDataError);
    expect(missing).toBeInstanceOf(MalformedResponseError);
    expect(missing.message).toMatch(/13 of 20 bytes/);
    const seq = caught(() =>
      parseAnswer('7E8 10 0A 49 02 01 57 30 4C\r7E8 22 30 30 30 30 34 33 4D', {
        protocol: CAN11,
        headers: true,
      }),
    );
    expect(seq.message).toMatch(/line 2/);
    const short = caught(() => parseAnswer('7E8 06 41 0C', { protocol: CAN11, headers: true }));
    expect((short as ElmDataError).detail.line).toBe(1);
  });

  it('rejects a line that is not hex, naming it', () => {
    const e = caught(() =>
      parseAnswer('7E8 03 41 0D 2G', { protocol: CAN11, headers: true, command: '010D' }),
    );
    expect(e).toBeInstanceOf(ElmDataError);
    expect(e.message).toMatch(/«7E8 03 41 0D 2G».*010D/);
  });
});

describe('CAN answers without headers', () => {
  it('reads single lines and the numbered multi-frame layout', () => {
    const single = parseAnswer('41 0C 1A F8 \r', { protocol: CAN11, headers: false });
    expect(Array.from(single.responses[0]!.data)).toEqual(hx('410C1AF8'));
    expect(single.responses[0]!.ecu).toBeUndefined();
    const multi = parseAnswer('014\r0: 49 02 01 57 30 4C\r1: 30 30 30 30 34 33 4D\r2: 42 35 34 31 33 32 36', {
      protocol: CAN11,
      headers: false,
    });
    expect(String.fromCharCode(...multi.responses[0]!.data.slice(3))).toBe('W0L000043MB541326');
  });

  it('recognises the multi-frame layout even when ATH1 was ignored by a clone', () => {
    const a = parseAnswer('00A\r0:490201313233\r1:34000000000000', { protocol: CAN11, headers: true });
    expect(a.responses[0]!.data.length).toBe(10);
  });
});

describe('legacy answers', () => {
  it('checks the ISO 9141-2 checksum and takes the ECU from the source byte', () => {
    const body = [0x48, 0x6b, 0x10, 0x41, 0x0c, 0x1a, 0xf8];
    const line = [...body, sumChecksum(body)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    const a = parseAnswer(line, { protocol: ISO9141, headers: true });
    expect(a.responses).toEqual([
      { ecu: 0x10, extended: false, data: Uint8Array.from([0x41, 0x0c, 0x1a, 0xf8]) },
    ]);
    const bad = caught(() => parseAnswer(line.slice(0, -2) + '00', { protocol: ISO9141, headers: true }));
    expect(bad).toBeInstanceOf(ElmDataError);
    expect(bad.message).toMatch(/checksum 00 where/);
  });

  it('checks the J1850 CRC', () => {
    // SAE J1850 CRC check value over "123456789" is 0x4B.
    expect(j1850Crc(Array.from('123456789', (c) => c.charCodeAt(0)))).toBe(0x4b);
    const body = [0x48, 0x6b, 0x10, 0x41, 0x0d, 0x32];
    const line = [...body, j1850Crc(body)].map((b) => b.toString(16).padStart(2, '0')).join('');
    expect(parseAnswer(line, { protocol: VPW, headers: true }).responses[0]!.data[2]).toBe(0x32);
  });

  it('checks the KWP length in the format byte', () => {
    const body = [0x85, 0xf1, 0x10, 0x41, 0x0d, 0x32];
    const line = [...body, sumChecksum(body)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    expect(caught(() => parseAnswer(line, { protocol: KWP, headers: true })).message).toMatch(
      /announces 5 data bytes, 3 came/,
    );
  });

  it('joins mode 03 messages into the CAN layout with a count byte', () => {
    const msgs = [
      [0x48, 0x6b, 0x10, 0x43, 0x03, 0x01, 0x01, 0x71, 0x04, 0x20],
      [0x48, 0x6b, 0x10, 0x43, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00],
    ];
    const text = msgs
      .map((b) => [...b, sumChecksum(b)].map((x) => x.toString(16).padStart(2, '0')).join(' '))
      .join('\r');
    const a = parseAnswer(text, { protocol: ISO9141, headers: true });
    expect(a.responses).toHaveLength(1);
    expect(Array.from(a.responses[0]!.data)).toEqual([
      0x43, 4, 0x03, 0x01, 0x01, 0x71, 0x04, 0x20, 0x03, 0x00,
    ]);
  });
});

describe('status lines', () => {
  const cases: [string, new (...a: never[]) => LinkError, string][] = [
    ['NO DATA', ElmNoDataError, 'no-response'],
    ['UNABLE TO CONNECT', UnableToConnectError, 'protocol-error'],
    ['BUS INIT: ...ERROR', ElmBusError, 'bus-error'],
    ['CAN ERROR', ElmBusError, 'bus-error'],
    ['BUS BUSY', ElmBusError, 'bus-error'],
    ['BUS ERROR', ElmBusError, 'bus-error'],
    ['FB ERROR', ElmBusError, 'bus-error'],
    ['BUFFER FULL', ElmAdapterError, 'adapter-error'],
    ['STOPPED', ElmAdapterError, 'adapter-error'],
    ['?', ElmAdapterError, 'adapter-error'],
    ['LV RESET', ElmAdapterError, 'adapter-error'],
    ['ACT ALERT', ElmAdapterError, 'adapter-error'],
    ['LP ALERT', ElmAdapterError, 'adapter-error'],
    ['ERR94', ElmAdapterError, 'adapter-error'],
    ['DATA ERROR', ElmDataError, 'malformed-response'],
    ['<RX ERROR', ElmDataError, 'malformed-response'],
    ['ELM327 v1.5', ElmAdapterError, 'adapter-error'],
  ];
  for (const [line, type, code] of cases) {
    it(`${line} → ${type.name} (${code})`, () => {
      const e = caught(() => parseAnswer(`${line}\r\r`, { protocol: CAN11, headers: true, command: '0100' }));
      expect(e).toBeInstanceOf(type);
      expect((e as LinkError).code).toBe(code);
      expect(e.message).toContain('0100');
    });
  }

  it('maps to the generic link classes callers already handle', () => {
    expect(caught(() => parseAnswer('NO DATA', { protocol: CAN11, headers: true }))).toBeInstanceOf(
      NoResponseError,
    );
    expect(caught(() => parseAnswer('CAN ERROR', { protocol: CAN11, headers: true }))).toBeInstanceOf(
      BusFaultError,
    );
    expect(caught(() => parseAnswer('STOPPED', { protocol: CAN11, headers: true }))).toBeInstanceOf(
      AdapterError,
    );
  });

  it('ignores SEARCHING... and BUS INIT OK, and reports that they happened', () => {
    const a = parseAnswer('SEARCHING...\r7E8 06 41 00 BE 3F A8 13 00', { protocol: CAN11, headers: true });
    expect(a.searched).toBe(true);
    expect(a.responses).toHaveLength(1);
    const b = parseAnswer('BUS INIT: ...OK\r48 6B 10 41 0D 32 43', { protocol: ISO9141, headers: true });
    expect(b.busInit).toBe(true);
  });

  it('SEARCHING... then UNABLE TO CONNECT is an error, not an empty answer', () => {
    expect(
      caught(() => parseAnswer('SEARCHING...\rUNABLE TO CONNECT', { protocol: CAN11, headers: true })),
    ).toBeInstanceOf(UnableToConnectError);
  });

  it('keeps data that arrived before CAN ERROR in the error, never returns it as the whole answer', () => {
    const e = caught(() =>
      parseAnswer('7E8 04 43 01 03 01\rCAN ERROR', { protocol: CAN11, headers: true, command: '03' }),
    );
    expect(e).toBeInstanceOf(ElmBusError);
    expect((e as ElmBusError).detail.partial).toHaveLength(1);
    expect((e as ElmBusError).detail.partial![0]!.ecu).toBe(0x7e8);
  });

  it('a line spoiled by <DATA ERROR is an error naming the line', () => {
    const e = caught(() => parseAnswer('7E8 03 41 0D 32 <DATA ERROR', { protocol: CAN11, headers: true }));
    expect(e).toBeInstanceOf(ElmDataError);
    expect((e as ElmDataError).detail.line).toBe(1);
  });

  it('drops the echo even when the adapter keeps echoing', () => {
    const a = parseAnswer('01 0C\r7E8 04 41 0C 1A F8', { protocol: CAN11, headers: true, command: '010C' });
    expect(a.responses).toHaveLength(1);
  });

  it('an empty answer is NO DATA, never an empty list', () => {
    expect(caught(() => parseAnswer('\r\r', { protocol: CAN11, headers: true }))).toBeInstanceOf(
      ElmNoDataError,
    );
  });

  it('classifies data lines as data', () => {
    expect(classifyLine('7E8 06 41 00 BE 3F A8 13 00')).toBeUndefined();
    expect(classifyLine('searching...')?.kind).toBe('searching');
  });
});

describe('protocols', () => {
  it('reads ATDPN answers', () => {
    expect(parseDpn('A6')).toEqual({ protocol: CAN11, auto: true });
    expect(parseDpn('7')).toEqual({ protocol: CAN29, auto: false });
    expect(parseDpn('0')).toBeUndefined();
    expect(parseDpn('?')).toBeUndefined();
  });
});

describe('format and parse agree', () => {
  it('for any answers, protocol, headers and spaces settings', () => {
    const answer = fc.record({
      ecuIndex: fc.integer({ min: 0, max: 7 }),
      body: fc.uint8Array({ minLength: 1, maxLength: 60 }),
    });
    fc.assert(
      fc.property(
        fc.constantFrom(...PROTOCOLS.filter((p) => p.family === 'can')),
        fc.boolean(),
        fc.constantFrom(0x00, 0x55, 0xaa),
        fc.array(answer, { minLength: 1, maxLength: 3 }),
        (protocol, spaces, padding, answers) => {
          // Unique ECUs, and a service byte that is not a negative-response-pending one.
          const unique = [...new Map(answers.map((a) => [a.ecuIndex, a])).values()];
          const items = unique.map((a) => ({
            ecu: protocol.extended ? 0x18daf110 + a.ecuIndex : 0x7e8 + a.ecuIndex,
            data: Uint8Array.from([0x41, ...a.body]),
          }));
          const text = items
            .flatMap((it) => formatAnswer(it, { protocol, headers: true, spaces, padding }))
            .join('\r');
          const parsed = parseAnswer(text, { protocol, headers: true });
          expect(parsed.responses.map((r) => [r.ecu, Array.from(r.data)])).toEqual(
            items.map((i) => [i.ecu, Array.from(i.data)]),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('for legacy DTC lists and VINs', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 0xffff }), { maxLength: 8 }),
        fc.constantFrom(ISO9141, KWP, VPW),
        (codes, protocol) => {
          const data = Uint8Array.from([0x43, codes.length, ...codes.flatMap((c) => [c >> 8, c & 0xff])]);
          const text = formatAnswer({ ecu: 0x7e8, data }, { protocol, headers: true, spaces: true }).join(
            '\r',
          );
          const parsed = parseAnswer(text, { protocol, headers: true });
          expect(Array.from(parsed.responses[0]!.data)).toEqual(Array.from(data));
          expect(parsed.responses[0]!.ecu).toBe(0x10);
        },
      ),
    );
    const vin = Uint8Array.from([
      0x49,
      0x02,
      0x01,
      ...Array.from('VF1AB000123456789', (c) => c.charCodeAt(0)),
    ]);
    const text = formatAnswer(
      { ecu: 0x7e8, data: vin },
      { protocol: ISO9141, headers: true, spaces: false },
    ).join('\r');
    expect(text.split('\r')).toHaveLength(5);
    expect(Array.from(parseAnswer(text, { protocol: ISO9141, headers: true }).responses[0]!.data)).toEqual(
      Array.from(vin),
    );
  });
});
