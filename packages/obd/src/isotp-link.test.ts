import { type Frame, makeFrame, readLog, VirtualBus } from '@atelier/can';
import { VirtualClock } from '@atelier/clock';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../../tests/support/index.js';
import { IsoTpLink } from './isotp-link.js';
import { LinkTimeoutError, physical } from './link.js';

const LOG = fixturePath('can/nissan_leaf_uds_2022-01-06.log');

interface Exchange {
  request: number[];
  requestAt: number;
  /** Frames from the ECU before the tester's flow control (the first frame). */
  first: Frame[];
  /** Frames after it (consecutive frames), with their times. */
  rest: Frame[];
  flowControlAt?: number;
}

/** The recorded request/answer exchanges between the tester (0x79B) and the battery ECU (0x7BB). */
async function recordedExchanges(): Promise<Exchange[]> {
  const out: Exchange[] = [];
  for await (const f of readLog(LOG)) {
    if (f.channel !== 'can0') continue;
    if (f.id === 0x79b && f.data[0] >> 4 === 0) {
      out.push({
        request: Array.from(f.data.subarray(1, 1 + (f.data[0] & 0x0f))),
        requestAt: f.timestamp,
        first: [],
        rest: [],
      });
    } else if (f.id === 0x79b && f.data[0] >> 4 === 3 && out.length) {
      out[out.length - 1].flowControlAt = f.timestamp;
    } else if (f.id === 0x7bb && out.length) {
      const ex = out[out.length - 1];
      (ex.flowControlAt === undefined ? ex.first : ex.rest).push(f);
    }
  }
  return out;
}

/** ISO-TP reassembly done by hand from the recorded frames, independently of the endpoint code. */
function expectedPayload(ex: Exchange): number[] | undefined {
  const ff = ex.first[0];
  if (!ff || ff.data[0] >> 4 !== 1) return undefined;
  const length = ((ff.data[0] & 0x0f) << 8) | ff.data[1];
  const bytes = [...ff.data.subarray(2)];
  for (const cf of ex.rest) bytes.push(...cf.data.subarray(1));
  return bytes.length >= length ? bytes.slice(0, length) : undefined;
}

describe('IsoTpLink on a real recording', () => {
  it('reads every recorded Nissan Leaf battery answer (KWP 0x21, multi-frame, 0xFF padding) as the tester did', async () => {
    const exchanges = await recordedExchanges();
    expect(exchanges.length).toBe(26);
    const clock = new VirtualClock();
    const ch = 'isotp-link-leaf';
    const ecuBus = new VirtualBus(ch, { clock });
    const link = new IsoTpLink(new VirtualBus(ch, { clock }), {
      clock,
      responseIds: [],
      ecus: [{ request: 0x79b, response: 0x7bb }],
      timeoutMs: 200,
    });
    // Plays the ECU side of the recording: the first frame after the recorded delay, the
    // consecutive frames after the tester's flow control with their recorded spacing.
    let i = -1;
    ecuBus.subscribe(
      (f) => {
        const ex = exchanges[i + (f.data[0] >> 4 === 0 ? 1 : 0)];
        if (f.data[0] >> 4 === 0) {
          i++;
          expect(Array.from(f.data.subarray(1, 1 + (f.data[0] & 0x0f)))).toEqual(ex.request);
          for (const r of ex.first)
            clock.setTimeout(
              () => void ecuBus.send(makeFrame({ id: r.id, data: r.data })),
              (r.timestamp - ex.requestAt) * 1000,
            );
        } else if (f.data[0] >> 4 === 3 && ex.flowControlAt !== undefined) {
          for (const r of ex.rest)
            clock.setTimeout(
              () => void ecuBus.send(makeFrame({ id: r.id, data: r.data })),
              (r.timestamp - ex.flowControlAt!) * 1000,
            );
        }
      },
      [{ id: 0x79b, mask: 0x7ff }],
    );
    let checked = 0;
    for (const ex of exchanges) {
      const want = expectedPayload(ex);
      const run = clock.run(link.request({ target: physical(0x79b), data: Uint8Array.from(ex.request) }));
      if (!want) {
        await expect(run).rejects.toThrow();
        continue;
      }
      const [answer] = await run;
      expect(answer.ecu).toBe(0x7bb);
      expect(Array.from(answer.data)).toEqual(want);
      expect(answer.data[0]).toBe(0x61);
      expect(answer.data[1]).toBe(ex.request[1]);
      checked++;
    }
    expect(checked).toBe(26);
    await link.close();
  });
});

describe('IsoTpLink and extended addressing', () => {
  it('refuses a request with an extended address (it would go out without its address byte) and sends nothing', async () => {
    const clock = new VirtualClock();
    const ch = 'isotp-link-cea';
    const watch = new VirtualBus(ch, { clock });
    const sent: Frame[] = [];
    watch.subscribe((f) => sent.push(f), [{ id: 0, mask: 0, extended: false }]);
    const link = new IsoTpLink(new VirtualBus(ch, { clock }), { clock, responseIds: [], timeoutMs: 50 });
    const err = await link
      .request({
        target: physical(0x6f1),
        responseId: 0x612,
        addressExtension: 0x12,
        data: Uint8Array.of(0x22, 0xf1, 0x90),
      })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'unavailable' });
    expect((err as Error).message).toMatch(
      /extended addressing \(address 0x12\) is not supported on this link/,
    );
    expect(sent).toEqual([]);
  });
});

describe('IsoTpLink failures in French', () => {
  it('an ECU that stops after its first frame: N_Cr, said in French with the frame due and the bytes received, the English unchanged', async () => {
    const clock = new VirtualClock();
    const ch = 'isotp-link-ncr';
    const ecuBus = new VirtualBus(ch, { clock });
    // The engine ECU starts a 20-byte answer (first frame) and sends nothing more.
    ecuBus.subscribe(
      (f) => {
        if (f.data[0] >> 4 === 0)
          void ecuBus.send(makeFrame({ id: 0x7e8, data: [0x10, 0x14, 0x49, 0x02, 0x01, 0x56, 0x46, 0x31] }));
      },
      [{ id: 0x7e0, mask: 0x7ff }],
    );
    const link = new IsoTpLink(new VirtualBus(ch, { clock }), { clock, timeoutMs: 200 });
    const err = (await clock
      .run(link.request({ target: physical(0x7e0), data: Uint8Array.of(0x09, 0x02) }))
      .catch((e: unknown) => e)) as LinkTimeoutError;
    expect(err).toBeInstanceOf(LinkTimeoutError);
    expect(err.message).toMatch(/^ECU 7E8: answer did not complete \(.+\)$/);
    expect(err.messageIn('fr')).toBe(
      "la réponse du calculateur 7E8 ne s'est pas terminée : sur 0x7E8, la trame consécutive n° 1 n'est pas arrivée en 1000 ms, après 6 octets sur 20 (N_Cr)",
    );
    await link.close();
  });
});
