import { deflateSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { Inflater } from './inflate.js';

/** Bytes that compress like CAN records: repeated structure, some noise. */
function records(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = i % 24 < 12 ? i % 24 : x >>> 24;
  }
  return b;
}

describe.each([
  ['the reused zlib context', {}],
  ['the documented inflateSync', { documentedOnly: true }],
])('Inflater through %s', (_name, options) => {
  it('gives what zlib gives, stream after stream, into the same buffer', () => {
    const inflater = new Inflater(options);
    let out: Buffer | undefined;
    for (const [n, seed] of [
      [131_072, 1],
      [5, 2],
      [0, 3],
      [200_000, 4],
      [131_072, 5],
    ]) {
      const raw = records(n, seed);
      const r = inflater.inflate(deflateSync(raw), n, out);
      if (!('bytes' in r)) throw new Error(JSON.stringify(r));
      // The oracle: Node's documented one-shot inflate of the same stream.
      expect(Buffer.compare(r.bytes, inflateSync(deflateSync(raw)))).toBe(0);
      out = r.out;
    }
  });

  it('says when a stream is corrupt, cut, shorter or longer than expected, and goes on after', () => {
    const inflater = new Inflater(options);
    const raw = records(10_000, 7);
    const z = deflateSync(raw);
    const corrupt = Buffer.from(z);
    corrupt[0] = 0x00;
    // zlib's words and Node's code for them, which the French catalogue reads (zlib-texts.ts).
    expect(inflater.inflate(corrupt, raw.length, undefined)).toEqual({
      zlibError: 'incorrect header check',
      zlibCode: 'Z_DATA_ERROR',
    });
    expect(inflater.inflate(z.subarray(0, z.length >> 1), raw.length, undefined)).toEqual({
      zlibError: 'unexpected end of file',
      zlibCode: 'Z_BUF_ERROR',
    });
    expect(inflater.inflate(z, raw.length + 10, undefined)).toEqual({ length: raw.length, more: false });
    expect(inflater.inflate(z, raw.length - 10, undefined)).toMatchObject({ more: true });
    const ok = inflater.inflate(z, raw.length, undefined);
    expect('bytes' in ok && Buffer.compare(ok.bytes, raw)).toBe(0);
  });
});
