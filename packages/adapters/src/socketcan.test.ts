/**
 * The socketcan: scheme on virtual buses standing for the interface (the scheme's own code, the
 * kernel aside), its 11/29-bit detection and its typed failures; then on a real vcan0 where the
 * kernel has the module (skipped with the reason elsewhere — CI machines lack it too).
 */
import {
  type Bus,
  readLogText,
  SocketCanBus,
  SocketCanOpenError,
  SocketCanUnavailableError,
  VirtualBus,
} from '@atelier/can';
import { DisconnectedError, FUNCTIONAL, LinkUnavailableError } from '@atelier/obd';
import { loadScenario, serveOnBus, Vehicle } from '@atelier/vehicle-sim';
import { describe, expect, it } from 'vitest';
import { requireOracle } from '../../../tests/support/index.js';
import { vcanInterface } from '../../../tests/support/vcan.js';
import { expectReleased, resources } from './handles.test-support.js';
import { openAdapter } from './index.js';

let buses = 0;

/** A car served on a fresh virtual "interface"; `open` stands for SocketCAN on it. */
function carOn(protocol: 'can11' | 'can29' | 'none') {
  const iface = `vcan-test-${++buses}`;
  const bus = new VirtualBus(iface);
  const served =
    protocol === 'none'
      ? undefined
      : serveOnBus(bus, Vehicle.fromScenario({ ...loadScenario('vacuum-leak'), protocol }));
  return {
    iface,
    openBus: async (name: string): Promise<Bus> => new VirtualBus(name === 'can0' ? iface : name),
    close: async () => {
      served?.close();
      await bus.close();
    },
  };
}

describe('socketcan: (on a virtual bus)', () => {
  it('detects 11-bit identifiers, reads through ISO-TP, records every frame as candump', async () => {
    const car = carOn('can11');
    const before = resources();
    let log = '';
    const adapter = await openAdapter('socketcan:can0', {
      openBus: car.openBus,
      traffic: (t) => {
        log += t;
      },
    });
    expect(adapter.trafficFormat).toBe('candump');
    expect(adapter.info).toMatchObject({
      scheme: 'socketcan',
      transport: 'socketcan',
      address: 'can0',
      extended: false,
      detected: true,
    });
    const [vin] = await adapter.link.request({ target: FUNCTIONAL, data: Uint8Array.of(0x09, 0x02) });
    expect(Buffer.from(vin!.data.subarray(3)).toString('latin1')).toBe(loadScenario('vacuum-leak').vin);
    await adapter.close();
    await expectReleased(before);
    await car.close();
    const frames = [];
    for await (const f of readLogText(log, 'can0.log')) frames.push(f);
    // The detection request, then the VIN exchange, flow control included; every line names can0.
    expect(frames[0]).toMatchObject({ id: 0x7df, channel: 'can0' });
    expect([...frames[0]!.data.subarray(0, 3)]).toEqual([0x02, 0x01, 0x00]);
    expect(frames.some((f) => f.id === 0x7e0 && f.data[0]! >> 4 === 3)).toBe(true);
  });

  it('detects a 29-bit car', async () => {
    const car = carOn('can29');
    const adapter = await openAdapter('socketcan:can0', { openBus: car.openBus });
    try {
      expect(adapter.info).toMatchObject({ extended: true, detected: true });
      expect(adapter.link.info.extended).toBe(true);
      const [vin] = await adapter.link.request({ target: FUNCTIONAL, data: Uint8Array.of(0x09, 0x02) });
      expect(vin!.ecu).toBe(0x18daf110);
    } finally {
      await adapter.close();
      await car.close();
    }
  });

  it('with nobody answering, assumes 11-bit and says it was not detected; extended=1 forces 29-bit', async () => {
    const quiet = carOn('none');
    const assumed = await openAdapter('socketcan:can0', { openBus: quiet.openBus });
    expect(assumed.info).toMatchObject({ extended: false, detected: false });
    await assumed.close();
    const forced = await openAdapter('socketcan:can0?extended=1', { openBus: quiet.openBus });
    expect(forced.info.extended).toBe(true);
    expect(forced.info.detected).toBeUndefined();
    await forced.close();
    await quiet.close();
  });

  it('a machine without SocketCAN, or without the interface, is a typed LinkError', async () => {
    const unavailable = async () => {
      throw new SocketCanUnavailableError(new Error("Cannot find package 'socketcan'"));
    };
    await expect(openAdapter('socketcan:can0', { openBus: unavailable })).rejects.toMatchObject({
      name: 'LinkUnavailableError',
      code: 'unavailable',
    });
    await expect(openAdapter('socketcan:can0', { openBus: unavailable })).rejects.toBeInstanceOf(
      LinkUnavailableError,
    );
    const absent = async (iface: string) => {
      throw new SocketCanOpenError(iface, new Error('No such device'));
    };
    const err = await openAdapter('socketcan:can9', { openBus: absent }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DisconnectedError);
    expect((err as Error).message).toMatch(/^can9: .*can9/);
  });
});

// A kernel without the vcan module is a property of the machine (CI runners included), not a missing
// oracle: the test is skipped with its reason, printed, under CI=true as elsewhere.
const vcan = await vcanInterface('vcan-adapters');
requireOracle('a vcan interface', () => vcan.skip, { ciSkip: 'CI machines have no vcan kernel module' });

describe('socketcan: on a vcan interface (the kernel)', () => {
  it.skipIf(!!vcan.skip)(
    `opens it, detects the car served on it, reads, and releases both sockets${vcan.skip ? ` (skipped: ${vcan.skip})` : ''}`,
    async () => {
      const carBus = await SocketCanBus.open(vcan.iface!);
      const served = serveOnBus(
        carBus,
        Vehicle.fromScenario({ ...loadScenario('vacuum-leak'), protocol: 'can29' }),
      );
      try {
        const before = resources();
        const adapter = await openAdapter(`socketcan:${vcan.iface}`);
        expect(adapter.info).toMatchObject({ extended: true, detected: true });
        const [vin] = await adapter.link.request({ target: FUNCTIONAL, data: Uint8Array.of(0x09, 0x02) });
        expect(vin!.ecu).toBe(0x18daf110);
        await adapter.close();
        await expectReleased(before);
      } finally {
        served.close();
        await carBus.close();
      }
    },
  );
});
