import { deflateSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { Inflater, ThreadedInflater } from './inflate.js';

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

describe('the known stream of the self-test', () => {
  it('on Node 20, proves the thread pool path: streams are not inflated on the main thread', async () => {
    const inflater = new ThreadedInflater(3);
    try {
      const raw = records(1000, 3);
      const r = await inflater.inflate(deflateSync(raw), raw.length, undefined);
      expect('bytes' in r && Buffer.compare(r.bytes, raw)).toBe(0);
      // Another Node is never tried (its native init may abort on arguments it does not expect).
      expect(inflater.onThreadPool).toBe(process.versions.node.startsWith('20.'));
    } finally {
      inflater.close();
    }
  });
});

describe.each([
  ['native contexts on the thread pool', true],
  ['its synchronous fallback', false],
])('ThreadedInflater through %s', (_name, usable) => {
  it('gives what zlib gives with three streams in flight, each into its own buffer', async () => {
    const inflater = new ThreadedInflater(3, usable);
    try {
      const sizes = [131_072, 5, 0, 200_000, 131_072, 77_777, 131_072, 1, 64_000];
      const raws = sizes.map((n, i) => records(n, 10 + i));
      // Started three at a time, as the BLF reader does, before any is awaited.
      const results: Buffer[] = [];
      for (let at = 0; at < raws.length; at += 3) {
        const batch = raws.slice(at, at + 3);
        const done = await Promise.all(
          batch.map((raw) => inflater.inflate(deflateSync(raw), raw.length, undefined)),
        );
        for (const r of done) {
          if (!('bytes' in r)) throw new Error(JSON.stringify(r));
          results.push(r.bytes);
        }
      }
      // The oracle: Node's documented one-shot inflate of each stream.
      for (const [i, raw] of raws.entries())
        expect(Buffer.compare(results[i]!, inflateSync(deflateSync(raw))), `stream ${i}`).toBe(0);
    } finally {
      inflater.close();
    }
  });

  it('copies its input: the caller may reuse its read buffer as soon as the call returns', async () => {
    const inflater = new ThreadedInflater(3, usable);
    try {
      const raw = records(131_072, 21);
      const z = deflateSync(raw);
      const window = Buffer.from(z);
      const pending = inflater.inflate(window, raw.length, undefined);
      window.fill(0xee); // the reader's next file window read into the same buffer
      const r = await pending;
      expect('bytes' in r && Buffer.compare(r.bytes, raw)).toBe(0);
    } finally {
      inflater.close();
    }
  });

  it('says when a stream is corrupt, cut, shorter or longer than expected, and goes on after', async () => {
    const inflater = new ThreadedInflater(3, usable);
    try {
      const raw = records(10_000, 7);
      const z = deflateSync(raw);
      const corrupt = Buffer.from(z);
      corrupt[0] = 0x00;
      const [bad, cut, short, long, ok] = await Promise.all([
        inflater.inflate(corrupt, raw.length, undefined),
        inflater.inflate(z.subarray(0, z.length >> 1), raw.length, undefined),
        inflater.inflate(z, raw.length + 10, undefined),
      ]).then(async (first) => [
        ...first,
        await inflater.inflate(z, raw.length - 10, undefined),
        await inflater.inflate(z, raw.length, undefined),
      ]);
      // zlib's words and Node's code for them, as the synchronous Inflater gives them.
      expect(bad).toEqual({ zlibError: 'incorrect header check', zlibCode: 'Z_DATA_ERROR' });
      expect(cut).toEqual({ zlibError: 'unexpected end of file', zlibCode: 'Z_BUF_ERROR' });
      expect(short).toEqual({ length: raw.length, more: false });
      expect(long).toMatchObject({ more: true });
      expect('bytes' in ok! && Buffer.compare(ok.bytes, raw)).toBe(0);
      // The lanes that failed were replaced: a full round of streams still inflates.
      const again = await Promise.all([1, 2, 3].map(() => inflater.inflate(z, raw.length, undefined)));
      for (const r of again) expect('bytes' in r && Buffer.compare(r.bytes, raw)).toBe(0);
    } finally {
      inflater.close();
    }
  });
});
