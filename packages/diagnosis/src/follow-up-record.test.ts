/**
 * A car whose ECU answers the regeneration routine's results with a record this routine cannot
 * read (another maker's layout): the run says so in both languages and stops the routine it
 * started, rather than throwing a RangeError out of the session and leaving a regeneration running
 * that nobody watches. The car is a stub link answering UDS as ISO 14229 writes it.
 */
import { type DiagnosticLink, type EcuResponse, type LinkRequest, physical } from '@atelier/obd';
import { describe, expect, it } from 'vitest';
import { RoutineRecordError, runFollowUpRoutine } from './follow-up.js';
import type { FollowUpRoutine } from './kb/types.js';

const routine = { id: 0x0205, maxMinutes: 30 } as unknown as FollowUpRoutine;

/** An engine ECU: sessions accepted, the routine started and stopped, its results 2 bytes long. */
function car(options: { stopRefused?: boolean } = {}) {
  const asked: string[] = [];
  const answer = (data: number[]): EcuResponse[] => [
    { ecu: 0x7e8, extended: false, data: Uint8Array.from(data), timestamp: 0 },
  ];
  const link: DiagnosticLink = {
    info: { kind: 'stub' },
    async request(req: LinkRequest) {
      const d = [...req.data];
      asked.push(Buffer.from(req.data).toString('hex'));
      if (d[0] === 0x10) return answer([0x50, d[1]!, 0x00, 0x32, 0x01, 0xf4]);
      if (d[0] === 0x3e) return answer([0x7e, 0x00]);
      if (d[0] === 0x31 && d[1] === 0x02 && options.stopRefused) return answer([0x7f, 0x31, 0x22]);
      // Results: status "running", then nothing the routine knows.
      if (d[0] === 0x31 && d[1] === 0x03) return answer([0x71, 0x03, d[2]!, d[3]!, 0x01, 0x00]);
      if (d[0] === 0x31) return answer([0x71, d[1]!, d[2]!, d[3]!]);
      return answer([0x7f, d[0]!, 0x11]);
    },
    async close() {},
  };
  return { link, asked };
}

describe('a routine results record the routine cannot read', () => {
  it('is said in both languages and the started routine is stopped', async () => {
    const { link, asked } = car();
    const run = await runFollowUpRoutine(link, physical(0x7e0), routine, { wait: async () => {} });
    expect(run).toEqual({
      status: 'unavailable',
      reason: {
        fr: "résultats illisibles : l'enregistrement de régénération du FAP renvoyé par le calculateur a 2 octets (6 attendus) ; routine arrêtée",
        en: "unreadable results: the ECU's DPF regeneration record has 2 bytes (6 expected); routine stopped",
      },
    });
    // Started (31 01 0205), results asked (31 03 0205), stopped (31 02 0205), default session again.
    expect(asked).toEqual(['1003', '31010205', '31030205', '31020205', '1001']);
  });

  it('says so when the ECU refuses to stop it: the engine is to be stopped', async () => {
    const { link } = car({ stopRefused: true });
    const run = await runFollowUpRoutine(link, physical(0x7e0), routine, { wait: async () => {} });
    expect(run.reason?.fr).toMatch(/; arrêt de la routine refusé : arrêtez le moteur$/);
    expect(run.reason?.en).toMatch(/; stopping the routine was refused: stop the engine$/);
  });

  it('is a typed error with its French', () => {
    const e = new RoutineRecordError(3);
    expect(e.message).toBe("the ECU's DPF regeneration record has 3 bytes (6 expected)");
    expect(e.messageIn('fr')).toBe(
      "l'enregistrement de régénération du FAP renvoyé par le calculateur a 3 octets (6 attendus)",
    );
  });
});
