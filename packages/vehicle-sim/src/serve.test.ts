import { type Frame, IsoTpEndpoint, makeFrame, VirtualBus } from '@atelier/can';
import { VirtualClock } from '@atelier/clock';
import { describe, expect, it } from 'vitest';
import { loadScenario } from './scenario.js';
import { serveOnBus } from './serve.js';
import { Vehicle } from './vehicle.js';

let channel = 0;

describe('a simulated vehicle on a virtual CAN bus', () => {
  it('answers ISO-TP requests per ECU: single frames, multi-frame answers with flow control, functional broadcasts', async () => {
    const clock = new VirtualClock();
    const name = `sim-serve-${channel++}`;
    const carBus = new VirtualBus(name, { clock });
    const testerBus = new VirtualBus(name, { clock });
    const vehicle = Vehicle.fromScenario(loadScenario('misfire-cyl2'), { startMs: 0 });
    const served = serveOnBus(carBus, vehicle, { clock });
    const monitor = new VirtualBus(name, { clock });
    const frames: Frame[] = [];
    monitor.subscribe((f) => frames.push({ ...f, timestamp: clock.now() / 1000 }));
    const tester = new IsoTpEndpoint(testerBus, { txId: 0x7e0, rxId: 0x7e8, functionalId: 0x7df }, { clock });

    // VIN: 20 bytes, so first frame, flow control from the tester, consecutive frames.
    await clock.run(tester.send(Uint8Array.of(0x09, 0x02)));
    const vin = await clock.run(tester.receive(1000));
    expect(Buffer.from(vin.data.slice(3)).toString('latin1')).toBe(vehicle.vin);
    expect(frames.filter((f) => f.id === 0x7e8).map((f) => f.data[0] >> 4)).toEqual([1, 2, 2]);
    expect(frames.every((f) => f.data.length === 8)).toBe(true); // padded

    // Functional mode 03: the engine answers on 0x7E8 (the gearbox on 0x7E9, which this endpoint does not hear).
    frames.length = 0;
    await clock.run(tester.sendFunctional(Uint8Array.of(0x03)));
    const dtcs = await clock.run(tester.receive(1000));
    expect([...dtcs.data]).toEqual([0x43, 0x02, 0x03, 0x00, 0x03, 0x02]);
    await clock.advance(50);
    expect(frames.some((f) => f.id === 0x7e9)).toBe(true);
    expect(frames.find((f) => f.id === 0x7df)).toBeDefined();
    // ECU processing time: the engine answers 4 ms after the request.
    const req = frames.find((f) => f.id === 0x7df)!;
    const ans = frames.find((f) => f.id === 0x7e8)!;
    expect(Math.round((ans.timestamp - req.timestamp) * 1000)).toBe(4);

    // A single-frame broadcast that is not ISO-TP is ignored.
    testerBus.sendSync(makeFrame({ id: 0x7df, data: [0x30, 0, 0], timestamp: testerBus.timestamp() }));
    served.close();
    tester.close();
    await carBus.close();
    await testerBus.close();
    await monitor.close();
  });
});
