import { describe, expect, it } from 'vitest';
import {
  type DiagnosticLink,
  type EcuResponse,
  type LinkError,
  LinkTimeoutError,
  NoResponseError,
  physical,
} from './link.js';
import { ObdClient } from './obd-client.js';
import { scanItemError, scanVehicle } from './scan.js';

/** A link whose car answers `answer` (nothing: silence) to every request. */
function linkAnswering(answer: (data: Uint8Array) => EcuResponse[]): DiagnosticLink {
  return {
    info: { kind: 'test' },
    request: async (req) => {
      const got = answer(req.data);
      if (got.length === 0) throw new NoResponseError();
      return got;
    },
    close: async () => {},
  };
}

const engine = (data: number[]): EcuResponse => ({
  ecu: 0x7e8,
  extended: false,
  data: Uint8Array.from(data),
  timestamp: 0,
});

describe('link errors of the OBD layer in French', () => {
  it('an exchange nobody answered says so in both languages', async () => {
    const client = new ObdClient({ ...linkAnswering(() => []), request: async () => [] });
    const err = await client.exchange([0x01, 0x00], physical(0x7e0)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoResponseError);
    expect((err as LinkError).message).toBe('no ECU answered 01 00');
    expect((err as LinkError).messageIn('fr')).toBe("aucun calculateur n'a répondu à 01 00");
  });

  it('a scan keeps the French of each problem, and an error rebuilt from it says it again', async () => {
    // The engine ECU is found (01 00), then refuses its stored codes (7F 03 22) and is silent on 07.
    const link = linkAnswering((d) =>
      d[0] === 0x01 && d[1] === 0x00
        ? [engine([0x41, 0x00, 0x80, 0x00, 0x00, 0x00])]
        : d[0] === 0x03
          ? [engine([0x7f, 0x03, 0x22])]
          : [],
    );
    const scan = await scanVehicle(new ObdClient(link), { parts: ['dtcs'] });
    const stored = scan.items.find((i) => i.kind === 'dtcs' && i.memory === 'stored')!;
    expect(stored.problem).toMatchObject({
      code: 'negative-response',
      message: 'NegativeResponseError: ECU 7E8 refused service 03: NRC 22 conditionsNotCorrect',
      fr: 'le calculateur 7E8 a refusé le service 03 : conditions non remplies (NRC 22 conditionsNotCorrect)',
    });
    const pending = scan.items.find((i) => i.kind === 'dtcs' && i.memory === 'pending')!;
    expect(pending.problem).toMatchObject({
      code: 'no-response',
      message: 'NoResponseError: no ECU answered',
      fr: "aucun calculateur n'a répondu",
    });
    const rebuilt = scanItemError(pending) as LinkError;
    expect(rebuilt.message).toBe('no ECU answered');
    expect(rebuilt.messageIn('fr')).toBe("aucun calculateur n'a répondu");
    expect((scanItemError(stored) as LinkError).messageIn('fr')).toBe(
      'le calculateur 7E8 a refusé le service 03 : conditions non remplies (NRC 22 conditionsNotCorrect)',
    );
  });

  it('an error built from a bare message names its kind in French and keeps the words', () => {
    const err = new LinkTimeoutError('ECU 7E8: answer did not complete (N_Cr)');
    expect(err.messageIn('en')).toBe('ECU 7E8: answer did not complete (N_Cr)');
    expect(err.messageIn('fr')).toBe('délai dépassé (ECU 7E8: answer did not complete (N_Cr))');
  });
});
