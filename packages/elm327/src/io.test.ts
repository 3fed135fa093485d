import { VirtualClock } from '@atelier/clock';
import { DisconnectedError, LinkError, MalformedResponseError } from '@atelier/obd';
import { describe, expect, it } from 'vitest';
import { ElmDataError, ElmFloodError, MAX_QUOTE } from './errors.js';
import { AdapterIO, DEFAULT_LIMITS } from './io.js';
import { duplexPair } from './pair.js';
import { parseAnswer } from './parse.js';
import { protocolById } from './protocols.js';
import { Transcript } from './transcript.js';

/**
 * What an adapter (or anything answering on its address) can send must cost linear time and bounded
 * memory, and must never throw out of the stream's event handlers (issue 15: a 5 KB reply of `>`
 * overflowed the stack from a socket handler; a prompt-less flood was rescanned on every chunk).
 */
function line(transcript?: Transcript) {
  const clock = new VirtualClock();
  const [client, adapter] = duplexPair();
  const io = new AdapterIO(client, clock, transcript);
  return { clock, client, adapter, io };
}

describe('AdapterIO under hostile input', () => {
  it('5,000 prompts in one chunk: no recursion, the waiting command gets its answer, the rest is stray', async () => {
    const { clock, adapter, io } = line();
    const answer = io.command('ATI', 1_000, { force: true });
    adapter.write(`ELM327 v1.5\r\r${'>'.repeat(5_000)}`);
    await expect(clock.run(answer)).resolves.toBe('ELM327 v1.5\r\r');
    expect(io.strayPrompts).toBe(4_999);
    expect(io.closed).toBe(false);
    // 50,000 more in one chunk, nothing waiting: still nothing thrown, still usable.
    adapter.write('>'.repeat(50_000));
    await clock.advance(1);
    const next = io.command('ATRV', 1_000);
    adapter.write('12.3V\r\r>');
    await expect(clock.run(next)).resolves.toBe('12.3V\r\r');
  });

  it('a prompt-less flood in 7-byte chunks is an ElmFloodError once 256 KiB arrived, in linear time', async () => {
    const { clock, adapter, io } = line();
    const answer = io.command('0100', 60_000, { force: true });
    answer.catch(() => {});
    const chunk = '410000\r';
    const started = performance.now();
    let sent = 0;
    // 400 KB, as in issue 15 (77 s of blocked event loop before).
    while (sent < 400_000 && !adapter.destroyed) {
      adapter.write(chunk);
      sent += 7;
      if (sent % 70_000 === 0) await clock.advance(0);
    }
    const err = await clock.run(answer).catch((e) => e);
    const ms = performance.now() - started;
    expect(err).toBeInstanceOf(ElmFloodError);
    expect(err).toBeInstanceOf(DisconnectedError);
    expect(err.message).toMatch(/262144 bytes without a prompt/);
    // Nothing more is kept, and the line was dropped so the flood stops costing anything.
    expect(io.takeBuffer()).toBe('');
    expect(adapter.destroyed).toBe(true);
    expect(io.received).toBeLessThanOrEqual(DEFAULT_LIMITS.maxAnswerBytes + 7);
    // Generous for a loaded machine: a quadratic rescan took minutes here.
    expect(ms).toBeLessThan(10_000);
  });

  it('a line longer than 1 KiB without CR is a flood at once', async () => {
    const { clock, adapter, io } = line();
    const answer = io.command('ATZ', 60_000, { force: true });
    adapter.write('A'.repeat(2_000));
    const err = await clock.run(answer).catch((e) => e);
    expect(err).toBeInstanceOf(ElmFloodError);
    expect(err.message).toMatch(/line longer than 1024 bytes/);
  });

  it('an error raised while handling data reaches the command as a typed error, not the process', async () => {
    // A transcript whose sink throws (a full disk, a bug): the data handler must not throw.
    const transcript = new Transcript(new VirtualClock(), (e) => {
      if (e.dir === 'rx') throw new Error('disk full');
    });
    const { clock, adapter, io } = line(transcript);
    const answer = io.command('ATI', 1_000, { force: true });
    expect(() => adapter.write('ELM327 v1.5\r\r>')).not.toThrow();
    const err = await clock.run(answer).catch((e) => e);
    expect(err).toBeInstanceOf(LinkError);
    expect(err.message).toMatch(/reading the adapter failed: disk full/);
  });

  it('noise bytes are dropped and counted, in one pass', async () => {
    const { clock, adapter, io } = line();
    const answer = io.command('ATI', 1_000, { force: true });
    adapter.write(Buffer.from([0xff, 0x45, 0x00, 0x4c, 0x80, 0x4d, 0x0d, 0x3e]));
    await expect(clock.run(answer)).resolves.toBe('ELM\r');
    expect(io.noise).toBe(3);
  });
});

describe('error messages stay short', () => {
  it('an unreadable 450 KB line gives an ElmDataError of a few hundred characters', () => {
    const bad = `7E8 ${'ZZ '.repeat(150_000)}`;
    const err = (() => {
      try {
        parseAnswer(bad, { protocol: protocolById('6')!, headers: true, command: '0100' });
      } catch (e) {
        return e as ElmDataError;
      }
    })();
    expect(err).toBeInstanceOf(ElmDataError);
    expect(err).toBeInstanceOf(MalformedResponseError);
    expect(err!.message.length).toBeLessThan(MAX_QUOTE + 200);
    expect(err!.message).toMatch(/\(4500\d\d characters\)/);
    expect(err!.detail.elm.length).toBeLessThan(MAX_QUOTE + 40);
  });

  it('a status line that is not one is clipped too', () => {
    const err = (() => {
      try {
        parseAnswer(`SEARCHING...\r${'?'.repeat(10)}\r`, { protocol: protocolById('6')!, headers: true });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err!.message.length).toBeLessThan(400);
  });
});

describe('parsing stays linear on long answers', () => {
  it('20,000 single-frame lines from one ECU, some of them response-pending, parse at once', () => {
    const lines: string[] = [];
    for (let i = 0; i < 20_000; i++) lines.push(i % 2 ? '7E8 03 7F 22 78' : '7E8 03 62 F1 90');
    const t0 = performance.now();
    const parsed = parseAnswer(lines.join('\r'), { protocol: protocolById('6')!, headers: true });
    expect(parsed.responses.length).toBeGreaterThan(9_000);
    // Generous for a loaded machine: the quadratic pending filter took tens of seconds.
    expect(performance.now() - t0).toBeLessThan(5_000);
  });
});
