import { VirtualBus } from '@atelier/can';
import { VirtualClock } from '@atelier/clock';
import { describe, expect, it } from 'vitest';
import { encodeUdsDtc } from './dtc.js';
import { IsoTpLink } from './isotp-link.js';
import { MalformedResponseError, NoResponseError, physical } from './link.js';
import { NegativeResponseError } from './nrc.js';
import { type EcuScript, ScriptedEcu } from './scripted-ecu.js';
import { SESSIONS, UdsClient } from './uds-client.js';

let seq = 0;
const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));

function rig(script: EcuScript, extended = false) {
  const clock = new VirtualClock();
  const ch = `uds-client-${seq++}`;
  const link = new IsoTpLink(new VirtualBus(ch, { clock }), { clock, extended });
  const [req, resp] = extended ? [0x18da10f1, 0x18daf110] : [0x7e0, 0x7e8];
  const ecu = new ScriptedEcu(new VirtualBus(ch, { clock }), { request: req, response: resp, clock }, script);
  const uds = new UdsClient(link, physical(req), { clock });
  return { clock, link, ecu, uds };
}

/** A body-computer-like ECU: sessions, identification DIDs, a DTC memory, a routine that takes time. */
function ecuScript(): EcuScript {
  let busy = 2;
  return (req) => {
    const [sid, sub] = req;
    switch (sid) {
      case 0x10:
        // P2 = 50 ms, P2* = 500 × 10 ms.
        return [0x50, sub, 0x00, 0x32, 0x01, 0xf4];
      case 0x11:
        return [0x51, sub];
      case 0x3e:
        return [0x7e, 0x00];
      case 0x22: {
        const out = [0x62];
        for (let i = 1; i + 1 < req.length; i += 2) {
          const did = req[i] * 256 + req[i + 1];
          out.push(req[i], req[i + 1]);
          if (did === 0xf190) out.push(...ascii('WVWZZZ1KZAW000001'));
          else if (did === 0xf187) out.push(...ascii('5Q0907530AB'));
          else if (did === 0xf18c) out.push(...ascii('SN12345678'));
          else if (did === 0xf186) out.push(0x03);
          else return [0x7f, 0x22, 0x31];
        }
        return out;
      }
      case 0x19: {
        const records = [
          [...encodeUdsDtc('P0301', 0x00), 0x2f],
          [...encodeUdsDtc('U0100', 0x87), 0x09],
          [...encodeUdsDtc('B1A00', 0x16), 0x50],
        ];
        if (sub === 0x01) return [0x59, 0x01, 0xff, 0x01, 0x00, 0x03];
        if (sub === 0x02) return [0x59, 0x02, 0xff, ...records.filter((r) => r[3] & req[2]).flat()];
        if (sub === 0x0a) return [0x59, 0x0a, 0xff, ...records.flat()];
        if (sub === 0x04)
          return [0x59, 0x04, req[2], req[3], req[4], 0x2f, 0x01, 0x01, 0xf4, 0x0c, 0x1a, 0xf8];
        if (sub === 0x06) return [0x59, 0x06, req[2], req[3], req[4], 0x2f, 0x01, 0x05];
        return [0x7f, 0x19, 0x12];
      }
      case 0x14:
        // Busy twice, then done: the client must repeat.
        if (busy-- > 0) return [0x7f, 0x14, 0x21];
        return [0x54];
      case 0x31:
        if (req[2] === 0xff && req[3] === 0x00) {
          return [
            { data: [0x7f, 0x31, 0x78], delayMs: 20 },
            { data: [0x71, sub, 0xff, 0x00, 0x00], delayMs: 3000 },
          ];
        }
        return [0x7f, 0x31, 0x22];
      default:
        return [0x7f, sid, 0x11];
    }
  };
}

describe('UdsClient over IsoTpLink', () => {
  it('opens a session, keeps it alive with TesterPresent on the clock, and stops in the default session', async () => {
    const { clock, ecu, uds } = rig(ecuScript());
    expect(await clock.run(uds.startSession(SESSIONS.extended))).toEqual({ p2Ms: 50, p2StarMs: 5000 });
    expect(uds.session).toBe(3);
    await clock.advance(6500);
    expect(ecu.requests.filter((r) => r.data[0] === 0x3e)).toHaveLength(3);
    await clock.run(uds.startSession(SESSIONS.default));
    await clock.advance(10000);
    expect(ecu.requests.filter((r) => r.data[0] === 0x3e)).toHaveLength(3);
    await clock.run(uds.startSession(SESSIONS.extended));
    await clock.run(uds.ecuReset());
    await clock.advance(10000);
    expect(ecu.requests.filter((r) => r.data[0] === 0x3e)).toHaveLength(3);
    uds.close();
  });

  it('reads several DIDs in one multi-frame request, with standard names', async () => {
    const { clock, uds } = rig(ecuScript());
    const values = await clock.run(uds.readDids([0xf190, 0xf187, 0xf18c, 0xf186]));
    expect(values.map((v) => [v.did, v.text ?? Array.from(v.data)])).toEqual([
      [0xf190, 'WVWZZZ1KZAW000001'],
      [0xf187, '5Q0907530AB'],
      [0xf18c, 'SN12345678'],
      [0xf186, [3]],
    ]);
    expect(values[0].name?.en).toBe('vehicle identification number (VIN)');
    expect(values[3].name?.fr).toBe('session de diagnostic active');
  });

  it('reads DTC information (0x19 01, 02, 04, 06, 0A) with status bits named', async () => {
    const { clock, uds } = rig(ecuScript());
    expect(await clock.run(uds.readDtcCount())).toEqual({ availabilityMask: 0xff, format: 1, count: 3 });
    const confirmed = await clock.run(uds.readDtcsByStatus(0x08));
    expect(confirmed.dtcs.map((d) => d.full)).toEqual(['P0301-00', 'U0100-87']);
    expect(confirmed.dtcs[0].status?.testFailed).toBe(true);
    expect(confirmed.dtcs[1].status?.testFailed).toBe(true);
    expect(confirmed.dtcs[1].status?.pendingDTC).toBe(false);
    const all = await clock.run(uds.readSupportedDtcs());
    expect(all.dtcs.map((d) => d.code)).toEqual(['P0301', 'U0100', 'B1A00']);
    expect(all.dtcs[2].status?.testNotCompletedSinceLastClear).toBe(true);
    const snap = await clock.run(uds.readSnapshot(0x030100, 0x01));
    expect(snap.dtc.code).toBe('P0301');
    expect(Array.from(snap.records)).toEqual([0x01, 0x01, 0xf4, 0x0c, 0x1a, 0xf8]);
    const ext = await clock.run(uds.readExtendedData(0x030100, 0x01));
    expect(Array.from(ext.records)).toEqual([0x01, 0x05]);
  });

  it('repeats a request the ECU answered 0x21 busy, then succeeds', async () => {
    const { clock, ecu, uds } = rig(ecuScript());
    await clock.run(uds.clearDtcs());
    expect(ecu.requests.filter((r) => r.data[0] === 0x14)).toHaveLength(3);
  });

  it('waits through 0x78 response pending for a routine (P2* from the session)', async () => {
    const { clock, uds } = rig(ecuScript());
    await clock.run(uds.startSession(SESSIONS.extended));
    const t0 = clock.now();
    expect(Array.from(await clock.run(uds.routine('start', 0xff00)))).toEqual([0x00]);
    expect(clock.now() - t0).toBe(3020);
    uds.close();
  });

  it('turns negative responses into typed errors with the NRC named', async () => {
    const { clock, uds } = rig(ecuScript());
    const err = await clock.run(uds.routine('start', 0x0203)).catch((e) => e);
    expect(err).toBeInstanceOf(NegativeResponseError);
    expect(err.nrc).toBe(0x22);
    expect(err.nrcName).toBe('conditionsNotCorrect');
    await expect(clock.run(uds.readDids([0x1234]))).rejects.toThrow(/requestOutOfRange/);
    await expect(clock.run(uds.request([0x27, 0x01]))).rejects.toThrow(/serviceNotSupported/);
  });

  it('a silent ECU is NoResponseError; a malformed answer is MalformedResponseError', async () => {
    const silent = rig(() => undefined);
    await expect(silent.clock.run(silent.uds.testerPresent())).rejects.toBeInstanceOf(NoResponseError);
    const broken = rig((req) =>
      req[0] === 0x22 ? [0x62, 0xf1, 0x87, 0x41] : req[0] === 0x19 ? [0x59, 0x02, 0xff, 0x03, 0x01] : [0x50],
    );
    await expect(broken.clock.run(broken.uds.readDids([0xf190]))).rejects.toThrow(/expected DID F190/);
    await expect(broken.clock.run(broken.uds.readDtcsByStatus())).rejects.toThrow(MalformedResponseError);
    await expect(broken.clock.run(broken.uds.startSession(3))).rejects.toThrow(MalformedResponseError);
  });

  it('works with 29-bit normal fixed addressing', async () => {
    const { clock, uds } = rig(ecuScript(), true);
    const [vin] = await clock.run(uds.readDids([0xf190]));
    expect(vin.text).toBe('WVWZZZ1KZAW000001');
    const all = await clock.run(uds.readSupportedDtcs());
    expect(all.dtcs).toHaveLength(3);
  });
});
