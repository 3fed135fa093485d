import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import { type Clock, systemClock, VirtualClock } from '@atelier/clock';
import { type EcuResponse, FUNCTIONAL, physical } from '@atelier/obd';
import { describe, expect, it } from 'vitest';
import { Elm327Link } from './client.js';
import { type Dialogue, FakeAdapter, type FakeAdapterOptions, parseDialogue } from './dialogue.js';
import { NotElm327Error, UnableToConnectError } from './errors.js';
import { duplexPair } from './pair.js';
import { loadProfiles } from './profile.js';
import { servePty, serveTcp } from './server.js';
import { Transcript } from './transcript.js';
import { openSerial, openTcp } from './transport.js';

/**
 * The corpus of adapter dialogues (tests/fixtures/elm327/*.dialogue, indexed in its README): each one
 * written from a real adapter's published log or from the ELM327/STN datasheets, with the verdict its
 * source implies in its header. Each is served by a fake adapter — in virtual time whole and byte by
 * byte, over TCP and over a socat pseudo-terminal in real time — and the client must reach that verdict,
 * answer the requests listed, never send a command the dialogue has no answer for, and never a bare CR.
 */
const DIR = new URL('../../../tests/fixtures/elm327/', import.meta.url);
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.dialogue'))
  .sort();
const corpus = files.map((f) => parseDialogue(readFileSync(new URL(f, DIR), 'utf8'), f));
const profiles = loadProfiles();

interface Expectation {
  verdict: 'connected' | 'not-elm327' | 'no-car';
  fields: Record<string, string>;
}

function expectation(d: Dialogue): Expectation {
  const [verdict, ...rest] = (d.meta.expect ?? '').split(/\s+/);
  if (verdict !== 'connected' && verdict !== 'not-elm327' && verdict !== 'no-car')
    throw new Error(`${d.source}: '# expect:' must start with connected, not-elm327 or no-car`);
  const fields: Record<string, string> = {};
  for (const part of rest.join(' ').split(';')) {
    const m = /^\s*([a-z]+)=(.*)$/.exec(part);
    if (m) fields[m[1]!] = m[2]!.trim();
  }
  return { verdict, fields };
}

interface RequestCase {
  target?: number;
  data: Uint8Array;
  answers?: string[];
  error?: string;
}

function requests(d: Dialogue): RequestCase[] {
  return (d.meta.request ?? '')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const m = /^(?:([0-9A-F]{3,8})\s+)?([0-9A-F]+)\s*->\s*(.*)$/i.exec(line.trim());
      if (!m) throw new Error(`${d.source}: bad '# request:' line «${line}»`);
      const data = Uint8Array.from(m[2]!.match(/../g)!.map((b) => Number.parseInt(b, 16)));
      const target = m[1] ? Number.parseInt(m[1], 16) : undefined;
      const want = m[3]!.trim();
      if (want.startsWith('error '))
        return { target, data, error: want.slice(6).trim() } satisfies RequestCase;
      return {
        target,
        data,
        answers: want.split('|').map((a) => a.replace(/\s+/g, '').toUpperCase()),
      } satisfies RequestCase;
    });
}

const show = (rs: EcuResponse[]) =>
  rs.map(
    (r) =>
      `${r.ecu.toString(16).toUpperCase()}:${Array.from(r.data, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join('')}`,
  );

/** Connects to a dialogue through `open`, checks the verdict and the requests. */
async function check(d: Dialogue, fake: FakeAdapter, open: () => Promise<Duplex>, clock: Clock) {
  const run = <T>(p: Promise<T>) => (clock instanceof VirtualClock ? clock.run(p) : p);
  const want = expectation(d);
  const transcript = new Transcript(clock);
  const link = new Elm327Link({ open, clock, profiles, address: d.source, transcript });
  const outcome = await run(link.start()).then(
    () => undefined,
    (e: Error) => e,
  );
  try {
    if (want.verdict === 'not-elm327') {
      expect(outcome, d.source).toBeInstanceOf(NotElm327Error);
      if (want.fields.reason) expect((outcome as NotElm327Error).reason).toBe(want.fields.reason);
    } else if (want.verdict === 'no-car') {
      expect(outcome, d.source).toBeInstanceOf(UnableToConnectError);
    } else {
      expect(outcome, `${d.source}: ${outcome?.stack}\n${transcript}`).toBeUndefined();
      const a = link.adapter!;
      if (want.fields.version) expect(a.version, d.source).toBe(want.fields.version);
      if (want.fields.protocol) expect(a.protocol.id, d.source).toBe(want.fields.protocol);
      if (want.fields.ecus)
        expect(a.ecus.map((e) => e.toString(16).toUpperCase()).sort(), d.source).toEqual(
          want.fields.ecus.split(',').sort(),
        );
      if (want.fields.stn) expect(a.stn, d.source).toBe(want.fields.stn);
      if (want.fields.profile) expect(a.profile, d.source).toBe(want.fields.profile);
      if (want.fields.voltage) expect(a.voltage, d.source).toBe(Number(want.fields.voltage));
      for (const r of requests(d)) {
        const got = await run(
          link.request({ target: r.target === undefined ? FUNCTIONAL : physical(r.target), data: r.data }),
        ).then(show, (e: Error) => e);
        if (r.error) expect((got as Error).name, `${d.source}: ${String(got)}`).toBe(r.error);
        else expect(got, `${d.source}\n${transcript}`).toEqual(r.answers);
      }
    }
    expect(fake.unknown, `${d.source}: commands the dialogue has no answer for`).toEqual([]);
    // A bare CR makes an ELM327 repeat its last command: the client never sends one.
    expect(fake.received, d.source).not.toContain('');
  } finally {
    await run(link.close());
    fake.close();
  }
}

describe('the dialogue corpus', () => {
  it('holds at least 30 dialogues, each with its source and a verdict', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(30);
    for (const d of corpus) {
      expect(d.meta.source, d.source).toMatch(
        /^(https:\/\/github\.com\/|ELM327 datasheet|STN1100 family reference)/,
      );
      expectation(d);
      requests(d);
    }
  });

  it('is indexed in its README: a row for every file, a file for every row', () => {
    const readme = readFileSync(new URL('README.md', DIR), 'utf8');
    const rows = [...readme.matchAll(/^\| `([^`]+\.dialogue)` \|/gm)].map((m) => m[1]);
    expect(rows.sort()).toEqual(files);
  });

  describe('in virtual time, as recorded', () => {
    for (const d of corpus)
      it(d.source, async () => {
        const clock = new VirtualClock();
        const fake = new FakeAdapter(d, { clock });
        await check(d, fake, async () => attach(fake), clock);
      });
  });

  describe('in virtual time, one byte at a time', () => {
    for (const d of corpus)
      it(d.source, async () => {
        const clock = new VirtualClock();
        const fake = new FakeAdapter(d, { clock, chunking: 'byte', byteGapMs: 0.3 });
        await check(d, fake, async () => attach(fake), clock);
      });
  });

  // Real time: recorded delays a quarter as long (at most 0.5 s each), so the corpus runs in
  // seconds; the client's own timeouts stay as they are.
  const realTime: FakeAdapterOptions = { clock: systemClock, timeScale: 0.25, maxDelayMs: 500 };

  describe.concurrent('over TCP, one byte at a time, in real time', () => {
    for (const d of corpus)
      it(d.source, { timeout: 60_000 }, async () => {
        const fake = new FakeAdapter(d, { ...realTime, chunking: 'byte', byteGapMs: 1 });
        const tcp = await serveTcp(fake, { port: 0 });
        try {
          await check(d, fake, () => openTcp('127.0.0.1', tcp.port), systemClock);
        } finally {
          await tcp.close();
        }
      });
  });

  const socat = hasSocat();
  describe.concurrent('over a socat pseudo-terminal, in real time', () => {
    for (const d of corpus)
      it.skipIf(!socat)(
        `${d.source}${socat ? '' : ' (skipped: socat is not installed)'}`,
        { timeout: 60_000 },
        async () => {
          const fake = new FakeAdapter(d, realTime);
          const pty = await servePty(fake);
          try {
            await check(d, fake, () => openSerial(pty.path, 38_400), systemClock);
          } finally {
            await pty.close();
          }
        },
      );
  });
});

function attach(fake: FakeAdapter): Duplex {
  const [client, adapter] = duplexPair();
  fake.attach(adapter);
  return client;
}

function hasSocat(): boolean {
  try {
    execFileSync('socat', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env.CI === 'true') throw new Error('socat is required under CI=true (apt-get install socat)');
    return false;
  }
}
