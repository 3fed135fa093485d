import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameBatch } from '../batch.js';
import { FD_LENGTHS, type Frame, makeFrame, sameFrame } from '../frame.js';
import type { LogFormat } from '../log.js';
import { AscParser, ascFormatter } from './asc.js';
import { CandumpParser, candumpLine } from './candump.js';
import { canHackerFormatter } from './canhacker.js';
import { savvyCsvFormatter } from './csv.js';
import { readLogText, writeLog } from './index.js';
import { trcFormatter } from './trc.js';
import type { LineFormatter } from './writer.js';

/** Random frames of the kinds `format` can express, in time order, microsecond timestamps. */
function framesFor(format: LogFormat) {
  const id11 = fc.integer({ min: 0, max: 0x7ff }).map((id) => ({ id, extended: false }));
  const id29 = fc.integer({ min: 0, max: 0x1fffffff }).map((id) => ({ id, extended: true }));
  const id = fc.oneof(id11, id29);
  const direction = fc.constantFrom<'rx' | 'tx'>('rx', 'tx');
  const data = fc
    .record({ id, bytes: fc.uint8Array({ maxLength: 8 }), direction })
    .map((r) => makeFrame({ id: r.id.id, extended: r.id.extended, data: r.bytes, direction: r.direction }));
  const remote = fc
    .record({ id, dlc: fc.integer({ min: 0, max: 8 }), direction })
    .map((r) =>
      makeFrame({ id: r.id.id, extended: r.id.extended, remote: true, dlc: r.dlc, direction: r.direction }),
    );
  const fd = fc
    .record({ id, n: fc.constantFrom(...FD_LENGTHS), brs: fc.boolean(), esi: fc.boolean(), direction })
    .chain((r) =>
      fc.uint8Array({ minLength: r.n, maxLength: r.n }).map((bytes) =>
        makeFrame({
          id: r.id.id,
          extended: r.id.extended,
          fd: true,
          brs: r.brs,
          esi: r.esi,
          data: bytes,
          direction: r.direction,
        }),
      ),
    );
  const kinds = format === 'csv' ? [data] : [data, data, remote, fd];
  return fc
    .tuple(
      // Epoch seconds up to 2033 and a millisecond: the precision real recordings need.
      fc
        .tuple(fc.integer({ min: 0, max: 2_000_000_000 }), fc.integer({ min: 0, max: 999 }))
        .map(([s, ms]) => s * 1000 + ms),
      fc.array(fc.tuple(fc.oneof(...kinds), fc.integer({ min: 0, max: 5_000_000 })), {
        minLength: 1,
        maxLength: 40,
      }),
    )
    .map(([startMs, items]) => {
      let us = startMs * 1000;
      return items.map(([f, step]) => {
        us += step;
        return { ...f, timestamp: us / 1e6 } as Frame;
      });
    });
}

const FORMATTERS: Record<string, () => LineFormatter> = {
  candump: () => ({ line: (f) => `${candumpLine(f)}\n` }),
  asc: ascFormatter,
  trc: trcFormatter,
  csv: savvyCsvFormatter,
  canhacker: canHackerFormatter,
};

function render(format: LogFormat, frames: Frame[]): string {
  const f = FORMATTERS[format]();
  let text = f.header ? f.header(frames[0]) : '';
  for (const frame of frames) text += f.line(frame);
  return text + (f.trailer ? f.trailer() : '');
}

async function read(text: string, name: string): Promise<Frame[]> {
  const out: Frame[] = [];
  for await (const f of readLogText(text, name)) out.push(f);
  return out;
}

describe('property: write then read gives the same frames', () => {
  it.each([
    ['candump', 'p.log'],
    ['asc', 'p.asc'],
    ['trc', 'p.trc'],
    ['csv', 'p.csv'],
  ] as const)('%s', async (format, name) => {
    await fc.assert(
      fc.asyncProperty(framesFor(format), async (frames) => {
        const back = await read(render(format, frames), name);
        expect(back).toHaveLength(frames.length);
        for (let i = 0; i < frames.length; i++) {
          expect(sameFrame(back[i], frames[i])).toBe(true);
          expect(back[i].direction).toBe(frames[i].direction);
          if (frames[i].remote) expect(back[i].dlc ?? 0).toBe(frames[i].dlc ?? 0);
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('property: a CANHacker trace written then read gives the same frames', () => {
  // What the format holds: one bus, classic data and remote frames, no direction, the adapter's
  // millisecond clock that wraps at 60 s (so a gap is less than a minute).
  const id = fc.oneof(
    fc.integer({ min: 0, max: 0x7ff }).map((id) => ({ id, extended: false })),
    fc.integer({ min: 0, max: 0x1fffffff }).map((id) => ({ id, extended: true })),
  );
  const data = fc
    .record({ id, bytes: fc.uint8Array({ maxLength: 8 }) })
    .map((r) => makeFrame({ id: r.id.id, extended: r.id.extended, data: r.bytes }));
  const remote = fc
    .record({ id, dlc: fc.integer({ min: 0, max: 8 }) })
    .map((r) => makeFrame({ id: r.id.id, extended: r.id.extended, remote: true, dlc: r.dlc }));
  const frames = fc
    .tuple(
      fc.integer({ min: 0, max: 59_999 }),
      fc.array(fc.tuple(fc.oneof(data, data, remote), fc.integer({ min: 0, max: 59_999 })), {
        minLength: 1,
        maxLength: 40,
      }),
    )
    .map(([startMs, items]) => {
      let ms = startMs;
      return items.map(([f, step], k) => {
        if (k > 0) ms += step;
        return { ...f, timestamp: ms / 1000 } as Frame;
      });
    });

  it.each(['p.trc', 'p.txt'])('%s', async (name) => {
    await fc.assert(
      fc.asyncProperty(frames, async (written) => {
        const reader = readLogText(render('canhacker', written), name);
        const back = await read(render('canhacker', written), name);
        expect(reader.format).toBe('canhacker');
        expect(back).toHaveLength(written.length);
        for (let i = 0; i < written.length; i++) {
          expect(sameFrame(back[i], written[i])).toBe(true);
          expect(back[i].channel).toBe('can0');
          if (written[i].remote) expect(back[i].dlc).toBe(written[i].dlc);
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('property: the ASC one-pass path agrees with the full parser', () => {
  it('on data lines, whatever the spacing', () => {
    const line = fc.record({
      time: fc.integer({ min: 0, max: 99_999_999_999 }),
      channel: fc.integer({ min: 1, max: 16 }),
      id: fc.integer({ min: 0, max: 0x1fffffff }),
      extended: fc.boolean(),
      tx: fc.boolean(),
      bytes: fc.uint8Array({ maxLength: 8 }),
      gaps: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 6, maxLength: 6 }),
      trailer: fc.constantFrom('', '  Length = 231 BitCount = 118 ID = 1947'),
    });
    fc.assert(
      fc.property(line, (l) => {
        const id = l.extended ? l.id : l.id & 0x7ff;
        const sp = (k: number) => ' '.repeat(l.gaps[k]);
        const time = `${Math.floor(l.time / 1e6)}.${String(l.time % 1e6).padStart(6, '0')}`;
        const hex = Array.from(l.bytes, (b) => b.toString(16).toUpperCase().padStart(2, '0'));
        const text = `   ${time}${sp(0)}${l.channel}${sp(1)}${id.toString(16)}${l.extended ? 'x' : ''}${sp(2)}${l.tx ? 'Tx' : 'Rx'}${sp(3)}d ${l.bytes.length}${hex.map((h) => ` ${h}`).join('')}${l.trailer}`;
        const buf = Buffer.from(text, 'latin1');
        const start = text.length - text.trimStart().length;
        const fast = new AscParser() as unknown as {
          dataFrame(b: Uint8Array, i: number, e: number): Frame | undefined;
        };
        const full = new AscParser() as unknown as {
          event(b: Uint8Array, s: number, i: number, e: number): Frame | undefined;
        };
        const a = fast.dataFrame(buf, start, buf.length);
        const b = full.event(buf, 0, start, buf.length);
        expect(b).toBeDefined();
        expect(a).toBeDefined();
        expect(sameFrame(a!, b!)).toBe(true);
        expect([a!.channel, a!.direction]).toEqual([b!.channel, b!.direction]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('property: the candump one-pass path agrees with the full parser', () => {
  it('on data lines with and without direction, LF or CRLF', () => {
    const line = fc.record({
      sec: fc.integer({ min: 0, max: 2_000_000_000 }),
      frac: fc.integer({ min: 0, max: 999_999 }),
      fracDigits: fc.integer({ min: 1, max: 6 }),
      channel: fc.constantFrom('can0', 'vcan12', 'slcan0'),
      id: fc.integer({ min: 0, max: 0x1fffffff }),
      extended: fc.boolean(),
      bytes: fc.uint8Array({ maxLength: 8 }),
      dir: fc.constantFrom('', ' R', ' T'),
      lower: fc.boolean(),
      crlf: fc.boolean(),
      // candump's own layout: `(%010lu.%06lu)`
      candumpWidth: fc.boolean(),
    });
    fc.assert(
      fc.property(line, (l) => {
        const id = l.extended
          ? l.id.toString(16).padStart(8, '0')
          : (l.id & 0x7ff).toString(16).padStart(3, '0');
        const frac = String(l.frac)
          .padStart(6, '0')
          .slice(0, l.candumpWidth ? 6 : l.fracDigits);
        let data = Array.from(l.bytes, (b) => b.toString(16).padStart(2, '0')).join('');
        if (!l.lower) data = data.toUpperCase();
        const sec = l.candumpWidth ? String(l.sec).padStart(10, '0') : String(l.sec);
        const text = `(${sec}.${frac}) ${l.channel} ${id}#${data}${l.dir}`;
        const buf = Buffer.from(`${text}${l.crlf ? '\r\n' : '\n'}`, 'latin1');
        const p = new CandumpParser();
        const batch = new FrameBatch(4);
        expect(p.parseLinesInto(buf, 0, buf.length, batch)).toBe(buf.length);
        expect(batch.length).toBe(1);
        const a = batch.frame(0);
        const b = p.parse(buf, 0, text.length);
        expect(a).toBeDefined();
        expect(b).toBeDefined();
        expect(a!.timestamp).toBe(Number(`${l.sec}.${frac}`));
        expect(sameFrame(a!, b!)).toBe(true);
        expect([a!.channel, a!.direction]).toEqual([b!.channel, b!.direction]);
      }),
      { numRuns: 300 },
    );
  });

  it('takes a damaged line only when the full parser reads it as the same frame', () => {
    const base = [
      '(1641469561.949700) can0 79B#022101FFFFFFFFFF T',
      '(0000000001.000001) vcan0 18DAF110#0102 R',
      '(12.5) can1 7E8#',
    ];
    const alphabet = '0123456789abcdefABCDEFGHRTxX#(). _\t\r-';
    const damage = fc.record({
      line: fc.constantFrom(...base),
      at: fc.nat(),
      kind: fc.constantFrom('replace', 'insert', 'delete'),
      char: fc.constantFrom(...alphabet),
    });
    fc.assert(
      fc.property(fc.array(damage, { minLength: 1, maxLength: 3 }), (edits) => {
        let text = edits[0].line;
        for (const e of edits) {
          const at = e.at % (text.length + 1);
          if (e.kind === 'insert') text = text.slice(0, at) + e.char + text.slice(at);
          else if (e.kind === 'replace') text = text.slice(0, at) + e.char + text.slice(at + 1);
          else text = text.slice(0, at) + text.slice(at + 1);
        }
        const buf = Buffer.from(`${text}\n`, 'latin1');
        const p = new CandumpParser();
        const batch = new FrameBatch(4);
        const taken = p.parseLinesInto(buf, 0, buf.length, batch) === buf.length;
        let full: Frame | undefined;
        let failed = false;
        try {
          full = p.parse(buf, 0, text.length - (text.endsWith('\r') ? 1 : 0));
        } catch {
          failed = true;
        }
        if (!taken) return;
        expect(failed, text).toBe(false);
        const a = batch.frame(0);
        expect(sameFrame(a, full!), text).toBe(true);
        expect([a.channel, a.direction]).toEqual([full!.channel, full!.direction]);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('property: pcapng written then read gives the same frames, channels and directions', () => {
  it('on random frames of every kind over two interfaces', async () => {
    await fc.assert(
      fc.asyncProperty(
        framesFor('candump'),
        fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
        async (frames, bus) => {
          const written = frames.map((f, i) => ({ ...f, channel: bus[i] ? 'vcan1' : 'can0' }));
          const out = new PassThrough();
          const chunks: Buffer[] = [];
          out.on('data', (c: Buffer) => chunks.push(c));
          const ended = new Promise((resolve) => out.on('end', resolve));
          await writeLog(out, written, 'pcapng');
          out.end();
          await ended;
          const back: Frame[] = [];
          for await (const f of readLogText(Buffer.concat(chunks), 'p.pcapng')) back.push(f);
          expect(back).toHaveLength(written.length);
          for (let i = 0; i < written.length; i++) {
            expect(sameFrame(back[i], written[i])).toBe(true);
            expect(back[i].direction).toBe(written[i].direction);
            expect(back[i].channel).toBe(written[i].channel);
            if (written[i].remote) expect(back[i].dlc ?? 0).toBe(written[i].dlc ?? 0);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
