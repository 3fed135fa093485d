import { VirtualClock } from '@atelier/clock';
import { FUNCTIONAL, LinkError } from '@atelier/obd';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Elm327Link } from './client.js';
import { duplexPair } from './pair.js';

/**
 * Properties of the whole link (AdapterIO + start-up + requests) over a scripted fake adapter
 * (issue 15): however an ELM327 cuts, echoes and ends its lines, the client reads the same thing; and
 * whatever bytes something on the line sends, the client ends with a typed LinkError in bounded
 * virtual time, never with a crash or a hang.
 */

/** What a datasheet ELM327 answers, commands normalised (no spaces, upper case). */
const SCRIPT: Record<string, string> = {
  ATZ: 'ELM327 v2.3',
  ATI: 'ELM327 v2.3',
  STI: '?',
  ATRV: '12.5V',
  ATDPN: 'A6',
  '0100': '7E8 06 41 00 BE 3F A8 13 00',
  '010C': '7E8 04 41 0C 1A F8 00 00 00',
};

interface Style {
  /** A clone that keeps echoing after ATE0. */
  echo: boolean;
  eol: '\r' | '\r\n';
  spaces: boolean;
  /** A second prompt after some answers (every n-th, 0: never). */
  doubledEvery: number;
  /** Sizes the output is cut into, used in turn. */
  cuts: number[];
  /** Lower-case hex digits (some clones). */
  lower: boolean;
}

function answerFor(command: string, style: Style): string {
  let text = SCRIPT[command];
  if (text === undefined) {
    const counted = /^([0-9A-F]+)[1-9A-F]$/.exec(command);
    if (counted && command.length % 2 === 1) text = SCRIPT[counted[1]!];
  }
  if (text === undefined) text = /^(AT|ST)/.test(command) ? 'OK' : 'NO DATA';
  if (!style.spaces && /^[0-9A-F ]+$/.test(text)) text = text.replace(/ /g, '');
  if (style.lower && /^[0-9A-F ]+$/.test(text)) text = text.toLowerCase();
  return text;
}

/** A fake adapter on one end of an in-memory line, printing in `style`. */
function scripted(style: Style) {
  const [client, adapter] = duplexPair();
  let pending = '';
  let cut = 0;
  let answered = 0;
  const send = (text: string) => {
    let i = 0;
    while (i < text.length) {
      const n = style.cuts[cut++ % style.cuts.length]!;
      adapter.write(text.slice(i, i + n));
      i += n;
    }
  };
  adapter.on('data', (d: Buffer) => {
    pending += d.toString('latin1');
    let cr = pending.indexOf('\r');
    while (cr >= 0) {
      const raw = pending.slice(0, cr);
      pending = pending.slice(cr + 1);
      const command = raw.replace(/\s+/g, '').toUpperCase();
      const echo = style.echo ? `${raw}${style.eol}` : '';
      answered++;
      const doubled = style.doubledEvery > 0 && answered % style.doubledEvery === 0 ? '>' : '';
      const body = answerFor(command, style).split('\r').join(style.eol);
      send(`${echo}${body}${style.eol}${style.eol}>${doubled}`);
      cr = pending.indexOf('\r');
    }
  });
  return client;
}

const style = fc.record({
  echo: fc.boolean(),
  eol: fc.constantFrom<'\r' | '\r\n'>('\r', '\r\n'),
  spaces: fc.boolean(),
  doubledEvery: fc.constantFrom(0, 2, 3, 5),
  cuts: fc.array(fc.integer({ min: 1, max: 24 }), { minLength: 1, maxLength: 8 }),
  lower: fc.boolean(),
});

describe('the ELM327 link, for any way an adapter prints', () => {
  it('connects to the same adapter and reads the same answer', async () => {
    await fc.assert(
      fc.asyncProperty(style, async (s) => {
        const clock = new VirtualClock();
        const link = new Elm327Link({ clock, open: async () => scripted(s) });
        try {
          const details = await clock.run(link.start(), 600_000);
          expect(details).toMatchObject({ version: 'ELM327 v2.3', ecus: [0x7e8], voltage: 12.5 });
          expect(details.protocol.id).toBe('6');
          const rpm = await clock.run(link.request({ target: FUNCTIONAL, data: Uint8Array.of(0x01, 0x0c) }));
          expect(rpm.map((r) => [r.ecu, Array.from(r.data)])).toEqual([[0x7e8, [0x41, 0x0c, 0x1a, 0xf8]]]);
        } finally {
          await clock.run(link.close());
        }
      }),
      { numRuns: 60 },
    );
  }, 60_000);
});

describe('the ELM327 link, for any bytes on the line', () => {
  it('ends with a typed LinkError in bounded virtual time, never a crash or a hang', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ minLength: 0, maxLength: 96 }), { minLength: 0, maxLength: 24 }),
        fc.boolean(),
        async (chunks, onConnect) => {
          const clock = new VirtualClock();
          const [client, adapter] = duplexPair();
          let next = 0;
          const say = () => {
            const c = chunks[next++];
            if (c && !adapter.destroyed) adapter.write(Buffer.from(c));
          };
          // Garbage on connect, then one chunk per line the client writes.
          if (onConnect) say();
          adapter.on('data', (d: Buffer) => {
            for (const ch of d.toString('latin1')) if (ch === '\r') say();
          });
          const link = new Elm327Link({ clock, open: async () => client });
          const t0 = clock.now();
          const outcome = await clock.run(link.start(), 900_000).then(
            (details) => details,
            (err: unknown) => err,
          );
          if (outcome instanceof Error) {
            expect(outcome, String(outcome)).toBeInstanceOf(LinkError);
            expect(outcome.message.length).toBeLessThan(600);
          }
          // The search with fallbacks is bounded; the start-up never waits forever.
          expect(clock.now() - t0).toBeLessThan(900_000);
          await clock.run(link.close());
        },
      ),
      { numRuns: 80 },
    );
  }, 60_000);
});
