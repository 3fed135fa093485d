import { makeFrame, VirtualBus } from '@atelier/can';
import { VirtualClock } from '@atelier/clock';
import { describe, expect, it } from 'vitest';
import { encodeDtc } from './dtc.js';
import { IsoTpLink } from './isotp-link.js';
import { FUNCTIONAL, LinkTimeoutError, MalformedResponseError, NoResponseError, physical } from './link.js';
import { NegativeResponseError } from './nrc.js';
import { CLEAR_CONFIRMATION, ObdClient } from './obd-client.js';
import { bitmapFromSupported, encodePid } from './pids.js';
import { encodeReadiness } from './readiness.js';
import { type EcuScript, ScriptedEcu } from './scripted-ecu.js';

let seq = 0;

function rig(extended = false) {
  const clock = new VirtualClock();
  const ch = `obd-client-${seq++}`;
  const testerBus = new VirtualBus(ch, { clock });
  const ecuBus = new VirtualBus(ch, { clock });
  const link = new IsoTpLink(testerBus, { clock, extended });
  const obd = new ObdClient(link);
  const ecu = (request: number, response: number, script: EcuScript) =>
    new ScriptedEcu(ecuBus, { request, response, clock }, script);
  return { clock, link, obd, ecu, ecuBus };
}

const VIN = 'VF1RFB00X56123456';
const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));

/** An engine ECU that knows a few PIDs, two stored DTCs, a VIN and a test result. */
function engine(values: Record<number, number | Record<string, number>>): EcuScript {
  const supported = [...Object.keys(values).map(Number), 0x20, 0x40];
  return (req) => {
    const [sid, ...args] = req;
    if (sid === 0x01) {
      if (args[0] % 0x20 === 0) {
        const base = args[0];
        if (base > 0x40) return undefined;
        return [
          0x41,
          base,
          ...bitmapFromSupported(
            base,
            supported.filter((p) => p !== base),
          ),
        ];
      }
      const out = [0x41];
      for (const pid of args) if (values[pid] !== undefined) out.push(pid, ...encodePid(pid, values[pid]));
      return out.length > 1 ? out : [0x7f, 0x01, 0x31];
    }
    if (sid === 0x02) return [0x42, args[0], args[1], ...encodePid(args[0], values[args[0]])];
    if (sid === 0x03) return [0x43, 3, ...encodeDtc('P0301'), ...encodeDtc('P0171'), ...encodeDtc('U0100')];
    if (sid === 0x07) return [0x47, 0];
    if (sid === 0x04) return [0x44];
    if (sid === 0x06)
      return [
        0x46, 0x01, 0x01, 0x0a, 0x0e, 0x10, 0x05, 0xdc, 0x1c, 0x20, 0x01, 0x05, 0x10, 0x10, 0x00, 0x00, 0x64,
        0x00, 0xc8,
      ];
    if (sid === 0x09 && args[0] === 0x02) return [0x49, 0x02, 0x01, ...ascii(VIN)];
    if (sid === 0x09 && args[0] === 0x04)
      return [0x49, 0x04, 0x02, ...ascii('CAL-ENGINE-0001\0'), ...ascii('CAL-EMIS-0002\0\0\0')];
    if (sid === 0x09 && args[0] === 0x06)
      return [0x49, 0x06, 0x02, 0x12, 0x34, 0xab, 0xcd, 0x00, 0x00, 0x0f, 0xf0];
    if (sid === 0x09 && args[0] === 0x0a) return [0x49, 0x0a, 0x01, ...ascii('ECM\0-EngineControl\0\0')];
    if (sid === 0x09 && args[0] === 0x08)
      return [0x49, 0x08, 0x04, 0x00, 0x10, 0x00, 0x20, 0x00, 0x03, 0x00, 0x05];
    return [0x7f, sid, 0x11];
  };
}

/** A transmission ECU that only knows speed and has no DTC. */
const gearbox: EcuScript = (req) => {
  if (req[0] === 0x01 && req[1] === 0x00) return [0x41, 0x00, ...bitmapFromSupported(0, [0x0d])];
  if (req[0] === 0x01 && req.includes(0x0d)) return [0x41, 0x0d, 42];
  if (req[0] === 0x03) return [0x43, 0];
  return undefined;
};

describe('ObdClient over IsoTpLink, 11-bit', () => {
  it('collects the answers of several ECUs to one functional request and splits six PIDs per ECU', async () => {
    const { clock, obd, ecu } = rig();
    ecu(0x7e0, 0x7e8, engine({ 12: 1726, 13: 42, 5: 83, 4: 50.2, 17: 12.5, 15: 20 }));
    ecu(0x7e1, 0x7e9, gearbox);
    const readings = await clock.run(obd.readPids([0x0c, 0x0d, 0x05, 0x04, 0x11, 0x0f]));
    const engineReadings = readings.filter((r) => r.ecu === 0x7e8);
    expect(engineReadings.map((r) => r.key)).toEqual([
      'ENGINE_RPM',
      'VEHICLE_SPEED',
      'COOLANT_TEMP',
      'ENGINE_LOAD',
      'THROTTLE_POSITION',
      'INTAKE_TEMP',
    ]);
    expect(engineReadings[0].value).toBe(1726);
    expect(engineReadings[0].unit).toBe('rpm');
    expect(engineReadings[2].value).toBe(83);
    expect(readings.filter((r) => r.ecu === 0x7e9)).toEqual([
      { ecu: 0x7e9, pid: 0x0d, key: 'VEHICLE_SPEED', value: 42, unit: 'km/h' },
    ]);
  });

  it('follows each ECU’s chain of supported PIDs', async () => {
    const { clock, obd, ecu } = rig();
    const tester = ecu(0x7e0, 0x7e8, engine({ 12: 800, 13: 0, 47: 50, 66: 14 }));
    ecu(0x7e1, 0x7e9, gearbox);
    const sup = await clock.run(obd.supported());
    expect(sup.get(0x7e8)).toEqual([0x0c, 0x0d, 0x20, 0x2f, 0x40, 0x42]);
    expect(sup.get(0x7e9)).toEqual([0x0d]);
    expect(tester.requests.map((r) => r.data[1])).toEqual([0x00, 0x20, 0x40]);
  });

  it('reads a multi-frame VIN, calibration ids, CVNs, ECU name and in-use counters', async () => {
    const { clock, obd, ecu } = rig();
    ecu(0x7e0, 0x7e8, engine({}));
    expect(await clock.run(obd.readVin())).toEqual([{ ecu: 0x7e8, vin: VIN }]);
    expect(await clock.run(obd.calibrationIds())).toEqual([
      { ecu: 0x7e8, ids: ['CAL-ENGINE-0001', 'CAL-EMIS-0002'] },
    ]);
    expect(await clock.run(obd.cvns())).toEqual([{ ecu: 0x7e8, cvns: ['1234ABCD', '00000FF0'] }]);
    expect(await clock.run(obd.ecuName())).toEqual([{ ecu: 0x7e8, name: 'ECM-EngineControl' }]);
    expect(await clock.run(obd.inUsePerformance('spark'))).toEqual([
      { ecu: 0x7e8, counters: { OBDCOND: 16, IGNCNTR: 32, CATCOMP1: 3, CATCOND1: 5 } },
    ]);
  });

  it('reads DTC lists per ECU: codes, an empty list, and a silent ECU is an error not "no DTCs"', async () => {
    const { clock, obd, ecu } = rig();
    ecu(0x7e0, 0x7e8, engine({}));
    ecu(0x7e1, 0x7e9, gearbox);
    const stored = await clock.run(obd.readDtcs('stored'));
    expect(stored).toEqual([
      { ecu: 0x7e8, dtcs: ['P0301', 'P0171', 'U0100'] },
      { ecu: 0x7e9, dtcs: [] },
    ]);
    // Only the engine answers service 07, with no code.
    expect(await clock.run(obd.readDtcs('pending'))).toEqual([{ ecu: 0x7e8, dtcs: [] }]);
    // Nobody answers service 0A.
    await expect(clock.run(obd.readDtcs('permanent', physical(0x7e1)))).rejects.toBeInstanceOf(
      NoResponseError,
    );
  });

  it('a bus with no ECU gives NoResponseError, never an empty list', async () => {
    const { clock, obd } = rig();
    await expect(clock.run(obd.readDtcs())).rejects.toBeInstanceOf(NoResponseError);
    await expect(clock.run(obd.readPid(0x0c))).rejects.toBeInstanceOf(NoResponseError);
  });

  it('turns an ECU refusal into a NegativeResponseError naming the NRC', async () => {
    const { clock, obd, ecu } = rig();
    ecu(0x7e0, 0x7e8, engine({ 12: 800 }));
    const err = await clock.run(obd.readPid(0x0d)).catch((e) => e);
    expect(err).toBeInstanceOf(NegativeResponseError);
    expect(err.nrcName).toBe('requestOutOfRange');
    expect(err.ecu).toBe(0x7e8);
  });

  it('turns a malformed answer into MalformedResponseError', async () => {
    const { clock, obd, ecu } = rig();
    ecu(0x7e0, 0x7e8, (req) =>
      req[0] === 0x01 ? [0x41, 0x0c, 0x1a] : req[0] === 0x03 ? [0x43, 2, 0x03, 0x01] : [0x50, 0x01],
    );
    await expect(clock.run(obd.readPid(0x0c))).rejects.toThrow(MalformedResponseError);
    await expect(clock.run(obd.readDtcs())).rejects.toThrow(/announces 2 code\(s\) but carries 1/);
    await expect(clock.run(obd.readVin())).rejects.toThrow(/should start with 49/);
  });

  it('reports a multi-frame answer that stops half-way as a timeout, not as a result', async () => {
    const { clock, obd, ecuBus } = rig();
    // The ECU sends a first frame of a 20-byte VIN answer and never the consecutive frames.
    ecuBus.subscribe(
      (f) => {
        if (f.data[1] === 0x09)
          void ecuBus.send(
            makeFrame({ id: 0x7e8, data: Uint8Array.of(0x10, 20, 0x49, 0x02, 0x01, 0x56, 0x46, 0x31) }),
          );
      },
      [{ id: 0x7df, mask: 0x7ff }],
    );
    await expect(clock.run(obd.readVin())).rejects.toBeInstanceOf(LinkTimeoutError);
  });

  it('reads readiness, a freeze frame, service 06 results and clears only with the confirmation', async () => {
    const { clock, obd, ecu } = rig();
    const r = encodeReadiness({
      mil: true,
      dtcCount: 3,
      ignition: 'spark',
      monitors: [
        { key: 'misfire', supported: true, complete: true },
        { key: 'catalyst', supported: true, complete: false },
        { key: 'oxygenSensor', supported: true, complete: true },
      ],
    });
    const values = { 12: 2500, 5: 95 };
    const script = engine(values);
    ecu(0x7e0, 0x7e8, (req, f) => (req[0] === 0x01 && req[1] === 0x01 ? [0x41, 0x01, ...r] : script(req, f)));
    const ready = (await clock.run(obd.readiness())).get(0x7e8)!;
    expect(ready.mil).toBe(true);
    expect(ready.dtcCount).toBe(3);
    expect(ready.ready).toBe(false);
    expect(ready.monitors.find((m) => m.key === 'catalyst')).toMatchObject({
      supported: true,
      complete: false,
    });
    const ff = await clock.run(obd.freezeFrame([0x0c]));
    expect(ff).toEqual([{ ecu: 0x7e8, pid: 0x0c, key: 'ENGINE_RPM', value: 2500, unit: 'rpm', frame: 0 }]);
    const tests = await clock.run(obd.monitorTests(0x01));
    expect(tests).toHaveLength(2);
    // UASID 0x0A: 0.122 mV per bit. 0x0E10 = 3600 → 439.2 mV, limits 0x05DC = 1500 → 183 mV and 0x1C20 = 7200 → 878.4 mV.
    expect(tests[0]).toMatchObject({
      tid: 0x01,
      unit: 'mV',
      value: 439.2,
      min: 183,
      max: 878.4,
      passed: true,
    });
    // UASID 0x10: ms. 0x1000 = 4096 ms against 100–200 ms: fails.
    expect(tests[1]).toMatchObject({ tid: 0x05, unit: 'ms', value: 4096, min: 100, max: 200, passed: false });
    // @ts-expect-error the confirmation constant is required
    await expect(obd.clearDtcs('yes')).rejects.toThrow(/confirmation/);
    expect(await clock.run(obd.clearDtcs(CLEAR_CONFIRMATION))).toEqual([0x7e8]);
  });
});

describe('ObdClient over IsoTpLink, 29-bit', () => {
  it('asks on 0x18DB33F1 and reads answers on 0x18DAF1xx, multi-frame included', async () => {
    const { clock, obd, ecu } = rig(true);
    const e = ecu(0x18da10f1, 0x18daf110, engine({ 12: 3000 }));
    ecu(0x18da18f1, 0x18daf118, gearbox);
    expect(await clock.run(obd.readVin())).toEqual([{ ecu: 0x18daf110, vin: VIN }]);
    const rpm = await clock.run(obd.readPids([0x0c, 0x0d]));
    expect(rpm).toEqual([
      { ecu: 0x18daf110, pid: 0x0c, key: 'ENGINE_RPM', value: 3000, unit: 'rpm' },
      { ecu: 0x18daf118, pid: 0x0d, key: 'VEHICLE_SPEED', value: 42, unit: 'km/h' },
    ]);
    const dtcs = await clock.run(obd.readDtcs('stored', physical(0x18da10f1)));
    expect(dtcs).toEqual([{ ecu: 0x18daf110, dtcs: ['P0301', 'P0171', 'U0100'] }]);
    expect(e.requests.at(-1)).toEqual({ data: Uint8Array.of(0x03), functional: false });
  });
});

describe('IsoTpLink', () => {
  it('refuses a functional request longer than one frame and requests after close', async () => {
    const { link } = rig();
    await expect(link.request({ target: FUNCTIONAL, data: new Uint8Array(8) })).rejects.toThrow(
      /one CAN frame/,
    );
    await link.close();
    await expect(link.request({ target: FUNCTIONAL, data: Uint8Array.of(1, 0) })).rejects.toMatchObject({
      code: 'closed',
    });
  });

  it('waits for an ECU that answers 0x78 "response pending", up to P2*', async () => {
    const { clock, link, ecu } = rig();
    ecu(0x7e0, 0x7e8, (req) => [
      { data: [0x7f, req[0], 0x78], delayMs: 10 },
      { data: [0x7f, req[0], 0x78], delayMs: 2000 },
      { data: [0x71, 0x01, 0xff, 0x00], delayMs: 2000 },
    ]);
    const t0 = clock.now();
    const answers = await clock.run(
      link.request({ target: physical(0x7e0), data: Uint8Array.of(0x31, 0x01, 0xff, 0x00) }),
    );
    expect(answers.map((a) => Array.from(a.data))).toEqual([[0x71, 0x01, 0xff, 0x00]]);
    expect(clock.now() - t0).toBe(4010);
    // An ECU that stays pending past P2* is a timeout.
    const { clock: c2, link: l2, ecu: e2 } = rig();
    e2(0x7e0, 0x7e8, (req) => [{ data: [0x7f, req[0], 0x78], delayMs: 10 }]);
    await expect(
      c2.run(
        l2.request({
          target: physical(0x7e0),
          data: Uint8Array.of(0x31, 0x01, 0xff, 0x00),
          pendingTimeoutMs: 1000,
        }),
      ),
    ).rejects.toThrow(/P2\*/);
  });

  it('stops waiting once the expected number of ECUs answered', async () => {
    const { clock, link, ecu } = rig();
    ecu(0x7e0, 0x7e8, () => [0x41, 0x0d, 0]);
    ecu(0x7e1, 0x7e9, () => [{ data: [0x41, 0x0d, 0], delayMs: 30 }]);
    const t0 = clock.now();
    const one = await clock.run(
      link.request({ target: FUNCTIONAL, data: Uint8Array.of(1, 0x0d), expectedResponses: 1 }),
    );
    expect(one).toHaveLength(1);
    expect(clock.now() - t0).toBe(0);
    const both = await clock.run(link.request({ target: FUNCTIONAL, data: Uint8Array.of(1, 0x0d) }));
    expect(both.map((a) => a.ecu)).toEqual([0x7e8, 0x7e9]);
  });
});

describe('ObdClient over a pre-CAN link', () => {
  it('reads DTC pairs without a count byte when the protocol is not CAN', async () => {
    const link = {
      info: { kind: 'elm327', protocol: 'ISO 14230-4 KWP (fast init, 10.4 kbaud)' },
      request: async () => [
        {
          ecu: 0x10,
          extended: false,
          data: Uint8Array.of(0x43, 0x03, 0x01, 0x01, 0x71, 0x00, 0x00),
          timestamp: 0,
        },
      ],
      close: async () => {},
    };
    expect(await new ObdClient(link).readDtcs()).toEqual([{ ecu: 0x10, dtcs: ['P0301', 'P0171'] }]);
  });
});
