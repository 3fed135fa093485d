import { describe, expect, it } from 'vitest';
import { BusError, receive } from './bus.js';
import { makeFrame } from './frame.js';
import { BusSpecError, openBus, parseBusSpec, UnknownBusSchemeError } from './open-bus.js';
import { SlcanEmulator } from './slcan/emulator.js';
import { serveSlcan } from './slcan/serve.js';
import { SlcanBus } from './slcan/slcan-bus.js';
import { type NativeCanMessage, type RawCanChannel, SocketCanBus } from './socketcan-bus.js';
import { VirtualBus } from './virtual-bus.js';

describe('openBus', () => {
  it('opens virtual endpoints that share a channel by name', async () => {
    const a = await openBus('virtual:open-bus-test');
    const b = await openBus('virtual:open-bus-test');
    expect(a).toBeInstanceOf(VirtualBus);
    expect(a.name).toBe('virtual:open-bus-test');
    const got: number[] = [];
    b.subscribe((f) => got.push(f.id));
    await a.send(makeFrame({ id: 0x7df, data: [2, 1, 0] }));
    expect(got).toEqual([0x7df]);
    await a.close();
    await b.close();
  });

  it('opens socketcan:IFACE through the channel factory', async () => {
    const sent: NativeCanMessage[] = [];
    let opened = '';
    const channel: RawCanChannel = {
      addListener() {},
      start() {},
      stop() {},
      send: (m) => sent.push(m),
      sendFD: (m) => sent.push(m),
      setRxFilters() {},
      setErrorFilters() {},
    };
    const bus = await openBus('socketcan:can1', {
      channelFactory: (iface) => {
        opened = iface;
        return channel;
      },
    });
    expect(bus).toBeInstanceOf(SocketCanBus);
    expect(bus.name).toBe('socketcan:can1');
    expect(opened).toBe('can1');
    await bus.send(makeFrame({ id: 0x123, data: [1, 2] }));
    expect(sent).toHaveLength(1);
    await bus.close();
  });

  it('refuses unknown schemes with a typed error listing the known ones', async () => {
    const err = await openBus('pcan:usb1').catch((e) => e);
    expect(err).toBeInstanceOf(UnknownBusSchemeError);
    expect(err).toBeInstanceOf(BusError);
    expect(err.scheme).toBe('pcan');
    expect(err.message).toMatch(/virtual:NAME, socketcan:NAME, slcan:NAME/);
  });

  it.each([
    ['can0', /expected SCHEME:NAME/],
    ['virtual:', /empty/],
    ['socketcan:', /empty/],
    ['socketcan:../etc/passwd', /not a network interface name/],
    ['socketcan:averyveryverylongname', /not a network interface name/],
    ['slcan:ttyACM0', /not a serial device path or tcp/],
    ['slcan:/dev/ttyACM0?speed=1', /unknown option 'speed'/],
    ['slcan:/dev/ttyACM0?listen=yes', /listen 'yes' is not 1 or 0/],
    ['slcan:/dev/ttyACM0?bitrate=fast', /bitrate 'fast'/],
  ])('refuses %s with BusSpecError', async (spec, message) => {
    const err = await openBus(spec).catch((e) => e);
    expect(err).toBeInstanceOf(BusSpecError);
    expect(err.message).toMatch(message);
    expect(err.spec).toBe(spec);
  });

  it('ends a receive() loop when the bus closes while it waits', async () => {
    const bus = await openBus('virtual:open-bus-close');
    const other = await openBus('virtual:open-bus-close');
    const frames = receive(bus);
    const first = frames.next();
    await other.send(makeFrame({ id: 1, data: [1] }));
    expect((await first).value?.id).toBe(1);
    const second = frames.next();
    setTimeout(() => void bus.close(), 5);
    expect(await second).toEqual({ done: true, value: undefined });
    await other.close();
  });

  it('opens slcan:tcp://… against the SLCAN emulator, with its options', async () => {
    const emu = new SlcanEmulator({ channel: 'open-bus-slcan' });
    const service = await serveSlcan(emu);
    const car = await openBus('virtual:open-bus-slcan');
    const bus = await openBus(`slcan:tcp://127.0.0.1:${service.port}?bitrate=250000&timestamps=1`);
    expect(bus).toBeInstanceOf(SlcanBus);
    expect((bus as SlcanBus).info).toMatchObject({ bitrate: 250_000, timestamps: true, listenOnly: false });
    const frames = receive(bus);
    const first = frames.next();
    await car.send(makeFrame({ id: 0x7e8, data: [2, 0x41, 0] }));
    expect((await first).value?.id).toBe(0x7e8);
    await frames.return(undefined);
    await bus.close();
    await car.close();
    await service.close();
  });

  it('keeps colons after the scheme in the name', () => {
    expect(parseBusSpec('virtual:lab:bench-2')).toEqual({ scheme: 'virtual', target: 'lab:bench-2' });
  });
});
