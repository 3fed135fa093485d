/**
 * The slcan: scheme end to end: a simulated car on a virtual CAN channel, the SLCAN emulator plugged
 * into that channel and served on a pseudo-terminal made by socat, and `slcan:/dev/pts…` opened by
 * name through serialport — OBD, UDS and the candump recording exactly as over SocketCAN; then the
 * adapter pulled out mid-session, names refused before anything is touched, and a 29-bit car over
 * the TCP form.
 */
import { readLogText, SlcanEmulator, serveSlcan, VirtualBus } from '@atelier/can';
import { DisconnectedError, FUNCTIONAL, ObdClient, physical, UdsClient } from '@atelier/obd';
import { loadScenario, serveOnBus, Vehicle } from '@atelier/vehicle-sim';
import { describe, expect, it } from 'vitest';
import { expectReleased, hasSocat, openTerminals, resources } from './handles.test-support.js';
import { AdapterSpecError, checkAdapterName, openAdapter } from './index.js';

let n = 0;

/** A car on its own virtual channel with an SLCAN adapter plugged into it, on a pty (and TCP). */
async function carBehindSlcan(protocol: 'can11' | 'can29', pty: boolean) {
  const channel = `slcan-car-${++n}`;
  const carBus = new VirtualBus(channel);
  const served = serveOnBus(carBus, Vehicle.fromScenario({ ...loadScenario('misfire-cyl2'), protocol }));
  const emu = new SlcanEmulator({ channel, version: '1013', serial: 'CA01' });
  const service = await serveSlcan(emu, { pty });
  return {
    service,
    close: async () => {
      served.close();
      await carBus.close();
      await service.close();
    },
  };
}

describe('slcan: names', () => {
  it('checks a name without touching anything', () => {
    expect(checkAdapterName('slcan:/dev/ttyACM0?bitrate=500000&listen=1&timestamps=1').scheme).toBe('slcan');
    expect(checkAdapterName('slcan:tcp://192.168.4.1:3333?bitrate=250000').target).toBe(
      'tcp://192.168.4.1:3333',
    );
    expect(checkAdapterName('slcan:/dev/ttyUSB0?btr=031C').scheme).toBe('slcan');
    for (const [name, reason, why] of [
      ['slcan:ttyACM0', 'syntax', /serial device such as \/dev\/ttyACM0/],
      ['slcan:/dev/ttyACM0?bitrate=83333', 'bad-option', /not a standard SLCAN rate/],
      ['slcan:/dev/ttyACM0?bitrate=fast', 'bad-option', /bitrate 'fast'/],
      ['slcan:/dev/ttyACM0?btr=12', 'bad-option', /btr '12'/],
      ['slcan:/dev/ttyACM0?bitrate=500000&btr=031C', 'bad-option', /not both/],
      ['slcan:/dev/ttyACM0?listen=maybe', 'bad-option', /listen 'maybe'/],
      ['slcan:/dev/ttyACM0?speed=1', 'unknown-option', /unknown option 'speed' \(bitrate, btr, listen/],
      ['slcan:tcp://host:99999', 'syntax', /port 99999/],
    ] as const) {
      let err: unknown;
      try {
        checkAdapterName(name);
      } catch (e) {
        err = e;
      }
      expect(err, name).toBeInstanceOf(AdapterSpecError);
      expect(err, name).toMatchObject({ reason });
      expect((err as Error).message, name).toMatch(why);
    }
  });

  it('a device that is not there is a DisconnectedError naming it', async () => {
    const err = await openAdapter('slcan:/dev/ttyACM-absent').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DisconnectedError);
    expect((err as Error).message).toMatch(/^\/dev\/ttyACM-absent: /);
  });
});

describe(`slcan: on a pseudo-terminal (socat, serialport)${hasSocat ? '' : ' (skipped: no socat)'}`, () => {
  it.skipIf(!hasSocat)(
    'reads the car through OBD and UDS, records every frame as candump, releases everything',
    async () => {
      const car = await carBehindSlcan('can11', true);
      const before = resources();
      const terminals = openTerminals();
      let log = '';
      const adapter = await openAdapter(`slcan:${car.service.path}?bitrate=500000&timeout=500`, {
        traffic: (t) => {
          log += t;
        },
      });
      try {
        expect(adapter.trafficFormat).toBe('candump');
        expect(adapter.info).toMatchObject({
          scheme: 'slcan',
          transport: 'serial',
          address: car.service.path,
          version: 'SLCAN V1013 NCA01',
          extended: false,
          detected: true,
          baud: 115_200,
        });
        expect(adapter.info.protocol).toMatch(/11 bit ID, 500 kbaud\) over SLCAN/);
        const obd = new ObdClient(adapter.link);
        const [vin] = await obd.readVin();
        expect(vin!.vin).toBe(loadScenario('misfire-cyl2').vin);
        const dtcs = await obd.readDtcs('stored');
        expect(dtcs.flatMap((d) => d.dtcs)).toEqual(expect.arrayContaining(['P0302']));
        // UDS on the engine ECU: an extended session (10 03), then its DTCs by status (19 02), multi-frame.
        const uds = new UdsClient(adapter.link, physical(0x7e0));
        const session = await uds.startSession(0x03);
        expect(session.p2Ms).toBeGreaterThan(0);
        const byStatus = await uds.readDtcsByStatus();
        expect(byStatus.dtcs.length).toBeGreaterThan(0);
      } finally {
        await adapter.close();
      }
      await expectReleased(before);
      expect(openTerminals()).toBe(terminals);
      await car.close();
      const frames = [];
      for await (const f of readLogText(log, 'slcan0.log')) frames.push(f);
      // Both directions, in order: the detection request goes out first, answers come back.
      expect(frames[0]).toMatchObject({ id: 0x7df, channel: 'slcan0' });
      expect([...frames[0]!.data.subarray(0, 3)]).toEqual([0x02, 0x01, 0x00]);
      expect(frames.some((f) => f.id === 0x7e8)).toBe(true);
      // The VIN is 20 bytes: a first frame, our flow control, consecutive frames.
      expect(frames.some((f) => f.id === 0x7e0 && f.data[0]! >> 4 === 3)).toBe(true);
    },
    30_000,
  );

  it.skipIf(!hasSocat)(
    'pulled out mid-session: DisconnectedError, and what was recorded before stays',
    async () => {
      const car = await carBehindSlcan('can11', true);
      const lines: string[] = [];
      const adapter = await openAdapter(`slcan:${car.service.path}?timeout=500`, {
        traffic: (t) => lines.push(t),
      });
      try {
        const obd = new ObdClient(adapter.link);
        await obd.readVin();
        const recorded = lines.length;
        expect(recorded).toBeGreaterThan(3);
        await car.service.unplug();
        const err = await adapter.link
          .request({ target: FUNCTIONAL, data: Uint8Array.of(0x01, 0x0c) })
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(DisconnectedError);
        expect((err as Error).message).toMatch(/went away/);
        expect(lines.length).toBeGreaterThanOrEqual(recorded);
        expect(lines.slice(0, recorded).join('')).toMatch(/slcan0 7E8#/);
      } finally {
        await adapter.close();
        await car.close();
      }
    },
    30_000,
  );
});

describe('slcan: over TCP (a network bridge)', () => {
  it('detects a 29-bit car and reads it', async () => {
    const car = await carBehindSlcan('can29', false);
    const adapter = await openAdapter(`slcan:tcp://127.0.0.1:${car.service.port}?bitrate=250000&timeout=500`);
    try {
      expect(adapter.info).toMatchObject({ transport: 'tcp', extended: true, detected: true });
      expect(adapter.info.protocol).toMatch(/29 bit ID, 250 kbaud/);
      const [vin] = await new ObdClient(adapter.link).readVin();
      expect(vin!.ecu).toBe(0x18daf110);
    } finally {
      await adapter.close();
      await car.close();
    }
  });

  it('listen=1 opens without a word on the bus: nothing to detect, sending refused', async () => {
    const car = await carBehindSlcan('can11', false);
    const adapter = await openAdapter(`slcan:tcp://127.0.0.1:${car.service.port}?listen=1`);
    try {
      expect(adapter.info.detected).toBeUndefined();
      await expect(
        adapter.link.request({ target: FUNCTIONAL, data: Uint8Array.of(0x01, 0x00) }),
      ).rejects.toThrow(/listen-only/);
    } finally {
      await adapter.close();
      await car.close();
    }
  });
});
