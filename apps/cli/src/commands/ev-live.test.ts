/**
 * Live battery reads on bus adapters (SocketCAN, SLCAN): the battery ECU of a Leaf answers on 0x7BB,
 * outside the OBD ids an ISO-TP link listens to by default; `readBatteryReport` names that id with
 * each request, so the link listens on it and sends its flow control to 0x79B. The car is the real
 * Leaf recording served by the recorded responder on a CAN bus; the adapter is the SLCAN emulator
 * plugged into that bus (over TCP), or a vcan interface where the kernel has one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Bus, SlcanEmulator, SocketCanBus, serveSlcan, VirtualBus } from '@atelier/can';
import { RecordedResponder } from '@atelier/obd';
import { loadScenario, serveOnBus, Vehicle } from '@atelier/vehicle-sim';
import { afterAll, describe, expect, it } from 'vitest';
import { fixturePath, requireOracle } from '../../../../tests/support/index.js';
import { vcanInterface } from '../../../../tests/support/vcan.js';
import { cliContext } from '../testing.js';
import { evCommand } from './ev.js';

const LEAF = fixturePath('can/nissan_leaf_uds_2022-01-06.log');
const dir = mkdtempSync(join(tmpdir(), 'atelier-cli-ev-live-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function report(spec: string, vehicle: string) {
  const { ctx, out, err } = cliContext('en', dir);
  const code = await evCommand.run(['report', '--adapter', spec, '--vehicle', vehicle, '--json'], ctx);
  expect(code, err()).toBe(0);
  return JSON.parse(out());
}

/** The Leaf's recorded answers: 21 01 and 21 04 (the recording holds no 21 02). */
function expectLeaf(r: ReturnType<typeof JSON.parse>) {
  expect(r.vehicle.id).toBe('nissan-leaf');
  expect(r.answers).toBe(2);
  expect(r.soc.value).toBeGreaterThan(89);
  expect(r.packVoltage.value / 96).toBeGreaterThan(3.7);
  expect(r.temperatures.values).toHaveLength(4);
}

/** A car served on `bus`, with an SLCAN adapter plugged into the same channel, on TCP. */
async function behindSlcan(channel: string, serve: (bus: Bus) => { close(): void }) {
  const carBus = new VirtualBus(channel);
  const served = serve(carBus);
  const service = await serveSlcan(new SlcanEmulator({ channel, version: '1013', serial: 'EV01' }));
  return {
    spec: `slcan:${service.url}?bitrate=500000&timeout=300`,
    close: async () => {
      served.close();
      await carBus.close();
      await service.close();
    },
  };
}

describe('ev report on an SLCAN adapter (the emulator, over TCP)', () => {
  it('the Leaf: 0x79B → 0x7BB read live, although 0x7BB is no OBD id', async () => {
    const leaf = await RecordedResponder.fromCanLog(LEAF);
    const car = await behindSlcan('ev-live-leaf', (bus) => serveOnBus(bus, leaf));
    try {
      expectLeaf(await report(car.spec, 'nissan-leaf'));
    } finally {
      await car.close();
    }
  }, 60_000);

  it('the simulated Kona: 22 01 01…05 on 0x7E4 → 0x7EC, 98 cells', async () => {
    const kona = Vehicle.fromScenario(loadScenario('kona-weak-cell'));
    const car = await behindSlcan('ev-live-kona', (bus) => serveOnBus(bus, kona));
    try {
      const r = await report(car.spec, 'hyundai-kona-ioniq');
      expect(r.answers).toBe(5);
      expect(r.cells.voltages.filter((v: number | null) => v !== null)).toHaveLength(98);
      expect(r.cells.minCell).toBe(37);
    } finally {
      await car.close();
    }
  }, 60_000);
});

// A kernel without the vcan module is a property of the machine (CI runners included), not a missing
// oracle: the test is skipped with its reason, printed, under CI=true as elsewhere.
const vcan = await vcanInterface('vcan-ev');
requireOracle('a vcan interface', () => vcan.skip, { ciSkip: 'CI machines have no vcan kernel module' });

describe('ev report on SocketCAN (a vcan interface)', () => {
  it.skipIf(!!vcan.skip)(
    `the Leaf served on the interface, read through socketcan:${vcan.skip ? ` (skipped: ${vcan.skip})` : ''}`,
    async () => {
      const carBus = await SocketCanBus.open(vcan.iface!);
      const served = serveOnBus(carBus, await RecordedResponder.fromCanLog(LEAF));
      try {
        expectLeaf(await report(`socketcan:${vcan.iface}`, 'nissan-leaf'));
      } finally {
        served.close();
        await carBus.close();
      }
    },
    60_000,
  );
});
