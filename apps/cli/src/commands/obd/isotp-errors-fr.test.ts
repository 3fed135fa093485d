import { makeFrame, SlcanEmulator, serveSlcan, VirtualBus } from '@atelier/can';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../testing.js';

/**
 * An ISO-TP failure as a French user meets it: `atelier obd dtc` on an SLCAN adapter (the emulator,
 * over TCP) plugged into a car whose engine ECU starts a 20-byte answer (its first frame) and sends
 * nothing more. The error line names the channel, the consecutive frame that was due and the bytes
 * received; in English it is the line it always was. The French is written here by hand.
 */

const channel = 'cli-isotp-errors-fr';
let car: VirtualBus;
let service: Awaited<ReturnType<typeof serveSlcan>>;

beforeAll(async () => {
  car = new VirtualBus(channel);
  // Only requests (single frames) are answered: the tester's flow control gets nothing.
  car.subscribe(
    (f) => {
      if (f.data[0] >> 4 === 0)
        void car.send(makeFrame({ id: 0x7e8, data: [0x10, 0x14, 0x43, 0x02, 0x01, 0x56, 0x46, 0x31] }));
    },
    [
      { id: 0x7e0, mask: 0x7ff },
      { id: 0x7df, mask: 0x7ff },
    ],
  );
  service = await serveSlcan(new SlcanEmulator({ channel, version: '1013', serial: 'EV01' }));
});

afterAll(async () => {
  await service.close();
  await car.close();
});

describe('an ECU that breaks off its answer, through obd dtc', () => {
  it('says the channel, the frame due and the bytes received, in French; English unchanged', async () => {
    const adapter = `slcan:${service.url}?bitrate=500000&timeout=300`;
    const fr = await runCli(['obd', 'dtc', '--adapter', adapter], { env: { ATELIER_LANG: 'fr' } });
    expect(fr.code).toBe(1);
    expect(fr.stderr.split('\n').at(-2)).toBe(
      "atelier obd: la réponse du calculateur 7E8 ne s'est pas terminée : sur 0x7E8, la trame consécutive n° 1 n'est pas arrivée en 1000 ms, après 6 octets sur 20 (N_Cr)",
    );
    const en = await runCli(['obd', 'dtc', '--adapter', adapter], { env: { ATELIER_LANG: 'en' } });
    expect(en.code).toBe(1);
    expect(en.stderr.split('\n').at(-2)).toBe(
      'atelier obd: LinkTimeoutError: ECU 7E8: answer did not complete (0x7e8: no consecutive frame within 1000 ms (N_Cr))',
    );
  }, 60_000);
});
