/**
 * The sim: scheme both ways — in process on a virtual CAN bus through ISO-TP, and behind the ELM327
 * emulator on TCP — with 11-bit and 29-bit cars, scenario files, an application's own scenarios,
 * unplugging, aborting and an injected clock.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Frame, readLogText } from '@atelier/can';
import { VirtualClock } from '@atelier/clock';
import { Transcript } from '@atelier/elm327';
import {
  DisconnectedError,
  type EcuResponse,
  FUNCTIONAL,
  LinkError,
  NoResponseError,
  physical,
} from '@atelier/obd';
import { loadScenario, SCENARIO_DIR, Vehicle } from '@atelier/vehicle-sim';
import { afterAll, describe, expect, it } from 'vitest';
import { AdapterSpecError } from './errors.js';
import { expectReleased, resources } from './handles.test-support.js';
import { type OpenedAdapter, openAdapter } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'atelier-adapters-sim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** misfire-cyl2 on 29-bit identifiers: the same car, `vehicle: { profile, protocol: can29 }`. */
const car29 = join(dir, 'misfire-cyl2-29bit.yaml');
writeFileSync(
  car29,
  readFileSync(join(SCENARIO_DIR, 'misfire-cyl2.yaml'), 'utf8')
    .replace(/^name: .*$/m, 'name: misfire-cyl2-29bit')
    .replace(/^vehicle: (\w+)$/m, 'vehicle: { profile: $1, protocol: can29 }'),
);

const text = (a: EcuResponse | undefined) => Buffer.from(a!.data.subarray(3)).toString('latin1');

async function frames(log: string): Promise<Frame[]> {
  const out: Frame[] = [];
  for await (const f of readLogText(log, 'traffic.log')) out.push(f);
  return out;
}

/** Opens, runs `use`, closes, and checks nothing the opening acquired is still held. */
async function session<T>(
  spec: string,
  use: (a: OpenedAdapter, traffic: () => string) => Promise<T>,
  options: Parameters<typeof openAdapter>[1] = {},
): Promise<T> {
  const before = resources();
  let log = '';
  const adapter = await openAdapter(spec, {
    ...options,
    traffic: (t) => {
      log += t;
    },
  });
  try {
    return await use(adapter, () => log);
  } finally {
    await adapter.close();
    await expectReleased(before);
  }
}

describe('sim:SCENARIO in process (virtual CAN bus, ISO-TP)', () => {
  it('opens a simulated vehicle, reaches every ECU, records the frames as a candump log', async () => {
    await session('sim:wheel-speed-sensor', async (adapter, traffic) => {
      const { link } = adapter;
      expect(adapter.trafficFormat).toBe('candump');
      expect(adapter.info).toMatchObject({
        scheme: 'sim',
        transport: 'virtual-can',
        scenario: 'wheel-speed-sensor',
        via: 'isotp',
        extended: false,
      });
      expect(link.info.kind).toBe('isotp');
      const answers = await link.request({ target: FUNCTIONAL, data: Uint8Array.of(0x09, 0x02) });
      expect(text(answers[0])).toMatch(/^VF1/);
      const abs = await link.request({
        target: { kind: 'physical', address: 0x760 },
        data: Uint8Array.of(0x19, 0x02, 0xff),
      });
      expect([...abs[0]!.data.subarray(3, 6)]).toEqual([0x40, 0x35, 0x31]); // C0035, FTB 0x31
      // The car's ECUs beyond what OBD-II finds, for the scan's UDS fault memories.
      expect(link.knownEcus?.()).toContainEqual(expect.objectContaining({ request: 0x760, response: 0x768 }));
      const log = await frames(traffic());
      // The functional VIN request, the engine ECU's first frame, the tester's flow control.
      expect(log.some((f) => f.id === 0x7df && f.data[1] === 0x09 && f.data[2] === 0x02)).toBe(true);
      expect(log.some((f) => f.id === 0x7e8 && f.data[0]! >> 4 === 1)).toBe(true);
      expect(log.some((f) => f.id === 0x7e0 && f.data[0]! >> 4 === 3)).toBe(true);
      expect(log.some((f) => f.id === 0x760) && log.some((f) => f.id === 0x768)).toBe(true);
    });
  });

  it('a 29-bit scenario answers on 29-bit identifiers, taken from the scenario', async () => {
    await session(`sim:${car29}`, async ({ link, info }, traffic) => {
      expect(info).toMatchObject({ extended: true, protocol: expect.stringMatching(/29 bit/) });
      const [vin] = await link.request({ target: FUNCTIONAL, data: Uint8Array.of(0x09, 0x02) });
      expect(vin!.ecu).toBe(0x18daf110);
      expect(vin!.extended).toBe(true);
      expect(text(vin)).toBe(loadScenario(car29).vin);
      const log = await frames(traffic());
      expect(log.some((f) => f.extended && f.id === 0x18db33f1)).toBe(true);
      expect(log.every((f) => f.extended)).toBe(true);
    });
  });

  it('unplugged, the ECUs fall silent: no answer, never an empty one', async () => {
    await session('sim:misfire-cyl2', async (adapter) => {
      await adapter.link.request({ target: FUNCTIONAL, data: Uint8Array.of(0x01, 0x00) });
      await adapter.unplug!();
      await expect(
        adapter.link.request({ target: FUNCTIONAL, data: Uint8Array.of(0x01, 0x00) }),
      ).rejects.toBeInstanceOf(NoResponseError);
    });
  });

  it('runs on the injected clock: traffic stamped in virtual time', async () => {
    const clock = new VirtualClock(5_000);
    const lines: string[] = [];
    const adapter = await openAdapter('sim:misfire-cyl2', { clock, traffic: (t) => lines.push(t) });
    const answers = await clock.run(
      adapter.link.request({ target: FUNCTIONAL, data: Uint8Array.of(0x01, 0x0c) }),
    );
    expect(answers[0]!.data[1]).toBe(0x0c);
    await adapter.close();
    const stamps = (await frames(lines.join(''))).map((f) => f.timestamp);
    expect(stamps.length).toBeGreaterThanOrEqual(2);
    // Virtual milliseconds since the clock's origin, not the wall clock.
    for (const t of stamps) expect(t).toBeGreaterThanOrEqual(5);
    for (const t of stamps) expect(t).toBeLessThan(6);
  });
});

describe('sim:SCENARIO?via=elm327 (behind the ELM327 emulator)', () => {
  it('goes through the ELM327 client as a real adapter would, recording the transcript', async () => {
    await session('sim:wheel-speed-sensor?via=elm327', async (adapter, traffic) => {
      expect(adapter.trafficFormat).toBe('elm327-transcript');
      expect(adapter.link.info.kind).toBe('elm327');
      expect(adapter.info).toMatchObject({
        scheme: 'sim',
        transport: 'tcp',
        via: 'elm327',
        scenario: 'wheel-speed-sensor',
        version: 'ELM327 v2.3',
        profile: 'genuine',
        extended: false,
      });
      const [vin] = await adapter.link.request({ target: FUNCTIONAL, data: Uint8Array.of(0x09, 0x02) });
      expect(text(vin)).toMatch(/^VF1/);
      const abs = await adapter.link.request({
        target: physical(0x760),
        data: Uint8Array.of(0x19, 0x02, 0xff),
      });
      expect([...abs[0]!.data.subarray(3, 6)]).toEqual([0x40, 0x35, 0x31]);
      expect(adapter.link.knownEcus?.()).toContainEqual(
        expect.objectContaining({ request: 0x760, response: 0x768 }),
      );
      const sent = Transcript.parse(traffic()).filter((e) => e.dir === 'tx');
      expect(sent.map((e) => e.data.trim())).toEqual(expect.arrayContaining(['ATZ', '0902', '1902FF']));
      // The protocol was searched for, not forced.
      expect(sent.map((e) => e.data.trim())).toContain('ATSP0');
    });
  });

  it('a 29-bit scenario is found by the adapter protocol search (ELM327 protocol 7)', async () => {
    await session(`sim:${car29}?via=elm327`, async ({ link, info }) => {
      expect(info).toMatchObject({ extended: true, protocol: 'ISO 15765-4 (CAN 29/500)' });
      const [vin] = await link.request({ target: FUNCTIONAL, data: Uint8Array.of(0x09, 0x02) });
      expect(vin!.ecu).toBe(0x18daf110);
      expect(text(vin)).toBe(loadScenario(car29).vin);
    });
  });

  it('an emulated clone profile, and unplugging drops the line', async () => {
    await session('sim:misfire-cyl2?via=elm327&profile=obdlink', async (adapter) => {
      expect(adapter.info.profile).toBe('obdlink');
      await adapter.unplug!();
      await expect(
        adapter.link.request({ target: FUNCTIONAL, data: Uint8Array.of(0x01, 0x00) }),
      ).rejects.toBeInstanceOf(DisconnectedError);
    });
  });
});

describe('which scenario', () => {
  it('resolves a relative scenario file against cwd', async () => {
    await session(
      'sim:misfire-cyl2-29bit.yaml',
      async ({ info }) => {
        expect(info.extended).toBe(true);
      },
      { cwd: dir },
    );
  });

  it('serves an application’s own scenarios through resolveScenario', async () => {
    const asked: string[] = [];
    await session(
      'sim:42?via=elm327',
      async ({ link }) => {
        const [vin] = await link.request({ target: FUNCTIONAL, data: Uint8Array.of(0x09, 0x02) });
        expect(text(vin)).toBe(loadScenario('vacuum-leak').vin);
      },
      {
        resolveScenario: (name) => {
          asked.push(name);
          return Vehicle.fromScenario(loadScenario('vacuum-leak'));
        },
      },
    );
    expect(asked).toEqual(['42']);
  });

  it('an unknown scenario or a bad file is an AdapterSpecError saying which', async () => {
    await expect(openAdapter('sim:no-such-car')).rejects.toMatchObject({
      name: 'AdapterSpecError',
      reason: 'unknown-scenario',
      message: expect.stringMatching(/no scenario 'no-such-car' \(known: .*misfire-cyl2/),
    });
    const bad = join(dir, 'bad.yaml');
    const good = readFileSync(join(SCENARIO_DIR, 'misfire-cyl2.yaml'), 'utf8');
    const line = good.split('\n').findIndex((l) => /type: misfire/.test(l)) + 1;
    writeFileSync(bad, good.replace('type: misfire', 'type: nonsense'));
    const err = await openAdapter(`sim:${bad}`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdapterSpecError);
    expect(err).toMatchObject({ reason: 'bad-scenario' });
    expect((err as Error).message).toContain(`${bad}:${line}`);
    expect((err as Error).message).toMatch(/faults\[0\]\.type/);
    await expect(openAdapter(`sim:${join(dir, 'absent.yaml')}`)).rejects.toMatchObject({
      reason: 'bad-scenario',
      message: expect.stringMatching(/cannot read/),
    });
  });

  it('a scenario whose recording cannot be read: the system’s reason in French, in English as Node says it', async () => {
    const scenario = join(dir, 'recorded.yaml');
    writeFileSync(
      scenario,
      'name: recorded\nvehicle: petrol\ncomplaint: { fr: a, en: b }\ntrue_cause: none\nrecording: gone.transcript\n',
    );
    const missing = join(dir, 'gone.transcript');
    const err = (await openAdapter(`sim:${scenario}`).catch((e: unknown) => e)) as AdapterSpecError;
    expect(err).toBeInstanceOf(AdapterSpecError);
    expect(err.message).toBe(
      `adapter 'sim:${scenario}': ${missing}: cannot read: ENOENT: no such file or directory, open '${missing}'`,
    );
    expect(err.messageIn('fr')).toBe(
      `adaptateur « sim:${scenario} » : ${missing} : lecture impossible : fichier introuvable [ENOENT]`,
    );
  });

  it('an aborted opening rejects as closed and leaves nothing behind', async () => {
    const before = resources();
    const abort = new AbortController();
    abort.abort();
    await expect(openAdapter('sim:misfire-cyl2?via=elm327', { signal: abort.signal })).rejects.toMatchObject({
      code: 'closed',
    });
    const late = new AbortController();
    const opening = openAdapter('sim:misfire-cyl2?via=elm327', { signal: late.signal });
    setTimeout(() => late.abort(), 30);
    const err = await opening.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LinkError);
    expect(err).toMatchObject({ code: 'closed' });
    await expectReleased(before);
  });
});
