/**
 * SlcanBus against the SLCAN emulator: over TCP (in process), then over a real pseudo-terminal made
 * by socat and opened through serialport, as a CANable on /dev/ttyACM0 is. A peer on the emulator's
 * virtual CAN channel stands for the car.
 */
import { once } from 'node:events';
import { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { programRuns, requireOracle } from '../../../../tests/support/index.js';
import { type Frame, makeFrame } from '../frame.js';
import { IsoTpEndpoint } from '../isotp/index.js';
import { VirtualBus } from '../virtual-bus.js';
import { SlcanEmulator } from './emulator.js';
import { acceptanceRegisters } from './protocol.js';
import { serveSlcan } from './serve.js';
import {
  SlcanBus,
  SlcanDisconnectedError,
  SlcanOpenError,
  SlcanRefusedError,
  SlcanTimeoutError,
} from './slcan-bus.js';

let channels = 0;

async function rig(
  options: ConstructorParameters<typeof SlcanEmulator>[0] extends infer O ? Partial<O> : never = {},
) {
  const channel = `slcan-test-${++channels}`;
  const emu = new SlcanEmulator({ channel, ...options });
  const service = await serveSlcan(emu);
  const car = new VirtualBus(channel);
  const heard: Frame[] = [];
  car.subscribe((f) => heard.push(f));
  return {
    emu,
    service,
    car,
    heard,
    close: async () => {
      await car.close();
      await service.close();
    },
  };
}

// Generous: frames cross a real pseudo-terminal and socat, which a loaded CI machine can hold up for
// seconds; a frame that never comes still fails the test.
const until = async (what: () => boolean, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('the emulator, spoken to byte by byte', () => {
  it('answers BELL to an unknown command, a frame on a closed channel, a bit rate while open, and once to an overlong line', async () => {
    const r = await rig();
    const socket = new Socket();
    await new Promise<void>((res) => socket.connect(r.service.port, '127.0.0.1', () => res()));
    let heard = '';
    socket.on('data', (d: Buffer) => {
      heard += d.toString('latin1');
    });
    const say = async (text: string, expected: string) => {
      heard = '';
      socket.write(text);
      await until(() => heard.length >= expected.length);
      expect(JSON.stringify(heard)).toBe(JSON.stringify(expected));
    };
    await say('X\r', '\x07'); // unknown
    await say('t1230\r', '\x07'); // channel closed
    await say('O\r', '\x07'); // no bit rate yet
    await say('S9\r', '\x07'); // no such rate code
    await say('S6\rO\r', '\r\r');
    await say('S4\r', '\x07'); // bit rate while open
    await say(`t123${'A'.repeat(40)}\r`, '\x07'); // over the command buffer: one BELL for the whole line
    await say('t12345\r', '\x07'); // a DLC of 4 with no data
    await say('t123100\r', 'z\r');
    await say('V\rN\rF\r', 'V1013\rNAT01\rF00\r');
    expect(r.heard.map((f) => f.id)).toEqual([0x123]);
    socket.destroy();
    await r.close();
  });
});

describe('SlcanBus over TCP against the emulator', () => {
  it('opens (V, N, S6, O), sends 11/29-bit data and remote frames, receives the car’s, closes', async () => {
    const r = await rig({ version: '1013', serial: 'A7X2' });
    const bus = await SlcanBus.connect('127.0.0.1', r.service.port, { bitrate: 500_000 });
    try {
      expect(bus.info).toMatchObject({
        version: '1013',
        serial: 'A7X2',
        bitrate: 500_000,
        listenOnly: false,
      });
      expect(r.emu.sessions).toEqual({ attached: 1, open: 1 });
      const got: Frame[] = [];
      bus.subscribe((f) => got.push(f));
      await bus.send(makeFrame({ id: 0x7df, data: [0x02, 0x01, 0x00] }));
      await bus.send(makeFrame({ id: 0x18db33f1, extended: true, data: [0x02, 0x01, 0x0c] }));
      await bus.send(makeFrame({ id: 0x123, remote: true, dlc: 4 }));
      expect(r.heard.map((f) => [f.id, f.extended, !!f.remote, f.dlc, [...f.data]])).toEqual([
        [0x7df, false, false, undefined, [2, 1, 0]],
        [0x18db33f1, true, false, undefined, [2, 1, 0x0c]],
        [0x123, false, true, 4, []],
      ]);
      r.car.sendSync(makeFrame({ id: 0x7e8, data: [6, 0x41, 0, 0xbe, 0x3f, 0xa8, 0x13] }));
      r.car.sendSync(makeFrame({ id: 0x18daf110, extended: true, data: [] }));
      r.car.sendSync(makeFrame({ id: 0x7ff, remote: true, dlc: 8 }));
      await until(() => got.length === 3);
      expect(got[0]).toMatchObject({ id: 0x7e8, extended: false, direction: 'rx', channel: 'slcan0' });
      expect([...got[0]!.data]).toEqual([6, 0x41, 0, 0xbe, 0x3f, 0xa8, 0x13]);
      expect(got[1]).toMatchObject({ id: 0x18daf110, extended: true });
      expect(got[2]).toMatchObject({ id: 0x7ff, remote: true, dlc: 8 });
      // Host-clock stamps (no Z1): epoch seconds, now.
      expect(Math.abs(got[0]!.timestamp - Date.now() / 1000)).toBeLessThan(5);
    } finally {
      await bus.close();
    }
    await until(() => r.emu.sessions.attached === 0);
    await r.close();
  });

  it('CANable’s firmware: a bare git version, no serial nor timestamps nor status, CR for a transmit', async () => {
    const r = await rig({ firmware: 'canable' });
    const bus = await SlcanBus.connect('127.0.0.1', r.service.port, { timestamps: true });
    expect(bus.info).toMatchObject({
      version: 'b3e9c1d github.com/normaldotcom/canable-fw.git',
      serial: undefined,
      timestamps: false,
    });
    const got: Frame[] = [];
    bus.subscribe((f) => got.push(f));
    await bus.send(makeFrame({ id: 0x7e0, data: [2, 0x3e, 0] }));
    expect(r.heard.at(-1)?.id).toBe(0x7e0);
    r.car.sendSync(makeFrame({ id: 0x7e8, data: [2, 0x7e, 0] }));
    await until(() => got.length === 1);
    await expect(bus.readStatus()).rejects.toBeInstanceOf(SlcanRefusedError);
    await bus.close();
    await r.close();
  });

  it('pipelines sends: a hundred frames written at once arrive in order, each acknowledged', async () => {
    const r = await rig({ transmitAck: 'cr' });
    const bus = await SlcanBus.connect('127.0.0.1', r.service.port);
    await Promise.all(
      Array.from({ length: 100 }, (_, i) => bus.send(makeFrame({ id: 0x100 + i, data: [i] }))),
    );
    expect(r.heard.map((f) => f.id)).toEqual(Array.from({ length: 100 }, (_, i) => 0x100 + i));
    await bus.close();
    await r.close();
  });

  it('ISO-TP runs over it: a 20-byte answer in consecutive frames, flow control sent through the adapter', async () => {
    const r = await rig();
    const bus = await SlcanBus.connect('127.0.0.1', r.service.port);
    const ecu = new IsoTpEndpoint(r.car, { txId: 0x7e8, rxId: 0x7e0 });
    ecu.onMessage((m) => {
      if (m.data[0] === 0x09)
        void ecu.send(Uint8Array.from([0x49, 0x02, 0x01, ...Buffer.from('VF1RFB00X56789012')]));
    });
    const tester = new IsoTpEndpoint(bus, { txId: 0x7e0, rxId: 0x7e8 });
    const answer = new Promise<Uint8Array>((resolve) => tester.onMessage((m) => resolve(m.data)));
    await tester.send(Uint8Array.of(0x09, 0x02));
    const data = await answer;
    expect(Buffer.from(data.subarray(3)).toString('latin1')).toBe('VF1RFB00X56789012');
    // The flow control frame went from the tester, through the adapter, onto the car's bus.
    expect(r.heard.some((f) => f.id === 0x7e0 && f.data[0] === 0x30)).toBe(true);
    tester.close();
    ecu.close();
    await bus.close();
    await r.close();
  });

  it('timestamps: Z1 frames carry the adapter’s counter, unwrapped onto the host clock', async () => {
    const r = await rig();
    const bus = await SlcanBus.connect('127.0.0.1', r.service.port, { timestamps: true });
    expect(bus.info.timestamps).toBe(true);
    const got: Frame[] = [];
    bus.subscribe((f) => got.push(f));
    r.car.sendSync(makeFrame({ id: 0x100, data: [1] }));
    await new Promise((res) => setTimeout(res, 120));
    r.car.sendSync(makeFrame({ id: 0x101, data: [2] }));
    await until(() => got.length === 2);
    // The adapter's spacing (its own milliseconds) is kept: about 120 ms apart, whatever the line did.
    const gap = got[1]!.timestamp - got[0]!.timestamp;
    expect(gap).toBeGreaterThan(0.1);
    expect(gap).toBeLessThan(0.5);
    await bus.close();
    await r.close();
  });

  it('listen-only (L): frames are heard, sending is refused before it reaches the adapter', async () => {
    const r = await rig();
    const bus = await SlcanBus.connect('127.0.0.1', r.service.port, { listenOnly: true });
    expect(bus.info.listenOnly).toBe(true);
    await expect(bus.send(makeFrame({ id: 0x100 }))).rejects.toThrow(/listen-only/);
    const got: Frame[] = [];
    bus.subscribe((f) => got.push(f));
    r.car.sendSync(makeFrame({ id: 0x321, data: [9] }));
    await until(() => got.length === 1);
    expect(r.heard).toEqual([]);
    await bus.close();
    await r.close();
  });

  it('acceptance registers (M/m) make the adapter pass only the ECU’s id; software filters apply too', async () => {
    const r = await rig();
    const bus = await SlcanBus.connect('127.0.0.1', r.service.port, {
      acceptance: acceptanceRegisters({ id: 0x7e8, mask: 0x7ff, extended: false }),
    });
    expect(bus.info.acceptance).toBe(true);
    const got: number[] = [];
    bus.subscribe((f) => got.push(f.id));
    for (const id of [0x7e9, 0x7e8, 0x100, 0x7e8]) r.car.sendSync(makeFrame({ id, data: [id & 0xff] }));
    await until(() => got.length === 2);
    await new Promise((res) => setTimeout(res, 50));
    expect(got).toEqual([0x7e8, 0x7e8]);
    await bus.close();
    const soft = await SlcanBus.connect('127.0.0.1', r.service.port, {
      filters: [{ id: 0x100, mask: 0x700, extended: false }],
    });
    const ids: number[] = [];
    soft.subscribe((f) => ids.push(f.id));
    for (const id of [0x7e8, 0x1ab, 0x123]) r.car.sendSync(makeFrame({ id }));
    await until(() => ids.length === 2);
    expect(ids).toEqual([0x1ab, 0x123]);
    await soft.close();
    await r.close();
  });

  it('status flags (F) are decoded and delivered as an error frame; e/s lines become error frames', async () => {
    const r = await rig();
    const bus = await SlcanBus.connect('127.0.0.1', r.service.port);
    const got: Frame[] = [];
    bus.subscribe((f) => got.push(f));
    expect((await bus.readStatus()).raw).toBe(0);
    r.emu.raiseStatus(0x28);
    const s = await bus.readStatus();
    expect(s).toMatchObject({ dataOverrun: true, errorPassive: true, busError: false });
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ error: true, id: 0x04 });
    r.emu.report('sb256256');
    r.emu.report('e1a');
    await until(() => got.length === 3);
    expect(got[1]!.id & 0x40).toBe(0x40); // bus-off
    expect(got[2]!.id & 0x20).toBe(0x20); // ACK error
    await bus.close();
    await r.close();
  });

  it('refusals: BELL is a typed error naming the command, a bad rate is refused before the line is touched', async () => {
    const r = await rig();
    await expect(SlcanBus.connect('127.0.0.1', r.service.port, { bitrate: 83_333 })).rejects.toThrow(
      SlcanOpenError,
    );
    await expect(SlcanBus.connect('127.0.0.1', r.service.port, { btr: 'zz' })).rejects.toThrow(/btr 'zz'/);
    const bus = await SlcanBus.connect('127.0.0.1', r.service.port);
    // A bit rate while the channel is open: Lawicel's adapters (and the emulator) answer BELL.
    const refused = await (bus as unknown as { command(c: string): Promise<string> })
      .command('S6')
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SlcanRefusedError);
    expect((refused as Error).message).toMatch(/refused 'S6' \(BELL\)/);
    // The bus is still usable after a refusal.
    await bus.send(makeFrame({ id: 0x42, data: [1] }));
    expect(r.heard.at(-1)?.id).toBe(0x42);
    await bus.close();
    await r.close();
  });

  it('bad input from the adapter: garbage and an overlong flood are counted and reported, the bus carries on', async () => {
    // A fake adapter on TCP that says OK to everything and floods when told.
    const { createServer } = await import('node:net');
    let line: Socket | undefined;
    const server = createServer((s) => {
      line = s;
      s.on('data', (d: Buffer) => {
        for (const b of d) if (b === 0x0d) s.write(d.includes(0x56) && d.length < 4 ? 'V0101\r' : '\r');
      });
    });
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
    const port = (server.address() as { port: number }).port;
    const bus = await SlcanBus.connect('127.0.0.1', port, { commandTimeoutMs: 300 });
    const problems: Error[] = [];
    bus.onProblem((e) => problems.push(e));
    const got: Frame[] = [];
    bus.subscribe((f) => got.push(f));
    line!.write(Buffer.alloc(1 << 20, 0x55));
    line!.write('\rt1001\xff\rQ?\rt7E8104\r');
    await until(() => got.length === 1);
    expect(got[0]).toMatchObject({ id: 0x7e8 });
    expect(problems.map((p) => p.name)).toEqual([
      'SlcanLineTooLongError',
      'SlcanProtocolError',
      'SlcanProtocolError',
    ]);
    expect(bus.problems).toBe(3);
    expect(bus.closed).toBe(false);
    // A firmware that stops answering: a typed timeout that names the command.
    line!.removeAllListeners('data');
    const late = await bus.send(makeFrame({ id: 0x1 })).catch((e: unknown) => e);
    expect(late).toBeInstanceOf(SlcanTimeoutError);
    await bus.close();
    line!.destroy();
    await new Promise<void>((res) => server.close(() => res()));
  });

  it('a line that goes away: pending sends fail with SlcanDisconnectedError, the bus closes, waiters wake', async () => {
    const r = await rig();
    const bus = await SlcanBus.connect('127.0.0.1', r.service.port);
    const closed = new Promise<void>((res) => bus.onClose(() => res()));
    await r.service.unplug();
    await closed;
    expect(bus.closed).toBe(true);
    expect(bus.lostError).toBeInstanceOf(SlcanDisconnectedError);
    await expect(bus.send(makeFrame({ id: 0x1 }))).rejects.toBeInstanceOf(SlcanDisconnectedError);
    await bus.close();
    await r.close();
  });

  it('something that is not an SLCAN adapter: the opening fails with a typed error and releases the line', async () => {
    const { createServer } = await import('node:net');
    let released!: Promise<unknown>;
    const server = createServer((s) => {
      released = once(s, 'close');
      s.resume(); // reads and drops everything, never answers
    });
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
    const port = (server.address() as { port: number }).port;
    const err = await SlcanBus.connect('127.0.0.1', port, { commandTimeoutMs: 150 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SlcanOpenError);
    expect((err as Error).message).toMatch(
      /^cannot open SLCAN adapter tcp:\/\/127\.0\.0\.1:\d+: no answer to 'S6' within 150 ms/,
    );
    await released;
    server.close();
  });
});

const socat = requireOracle('socat', programRuns('socat', ['-V']));

/**
 * A scripted adapter on an in-memory line: answers each command as the Lawicel protocol says
 * (CR, or BELL for C on a closed channel), the closing C after `closeDelayMs` (never, with
 * `silentOnClose`). `events` tells the order in which the C was answered and the line released.
 */
function scriptedAdapter(opts: { closeDelayMs: number; silentOnClose?: boolean }) {
  const events: string[] = [];
  let open = false;
  let text = '';
  const line: Duplex = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString('latin1');
      for (let i = text.indexOf('\r'); i >= 0; i = text.indexOf('\r')) {
        const cmd = text.slice(0, i);
        text = text.slice(i + 1);
        if (cmd === 'C' && open) {
          open = false;
          if (opts.silentOnClose) continue;
          setTimeout(() => {
            events.push('C answered');
            line.push('\r');
          }, opts.closeDelayMs);
        } else if (cmd === 'C') line.push('\x07');
        else if (cmd === 'V') line.push('V1013\r');
        else if (cmd === 'N') line.push('NA123\r');
        else {
          if (cmd === 'O') open = true;
          line.push('\r');
        }
      }
      done();
    },
    destroy(err, cb) {
      events.push('released');
      cb(err);
    },
  });
  return { line, events };
}

describe('SlcanBus.close on a scripted line', () => {
  it('reads the answer to its closing C before it lets the line go: the next program starts clean', async () => {
    const { line, events } = scriptedAdapter({ closeDelayMs: 40 });
    const bus = await SlcanBus.start(line, 'slcan:scripted', 'scripted');
    await bus.close();
    expect(events).toEqual(['C answered', 'released']);
    expect(bus.closed).toBe(true);
  });

  it('an adapter that never answers the C does not hold the close up', async () => {
    const { line, events } = scriptedAdapter({ closeDelayMs: 0, silentOnClose: true });
    // A command's own timeout of a minute: a close that waited for it would outlast the test's.
    const bus = await SlcanBus.start(line, 'slcan:scripted', 'scripted', { commandTimeoutMs: 60_000 });
    await bus.close();
    expect(events).toEqual(['released']);
  });
});

describe(`SlcanBus on a pseudo-terminal through serialport${socat.skipNote}`, () => {
  it.skipIf(socat.missing)(
    'opens the pty as a serial adapter, exchanges frames, and reports the unplug',
    async () => {
      const channel = `slcan-pty-${++channels}`;
      const emu = new SlcanEmulator({ channel });
      const service = await serveSlcan(emu, { pty: true });
      const car = new VirtualBus(channel);
      const heard: Frame[] = [];
      car.subscribe((f) => heard.push(f));
      const bus = await SlcanBus.open(service.path!, { bitrate: 250_000 });
      try {
        expect(bus.name).toBe(`slcan:${service.path}`);
        expect(bus.info).toMatchObject({ version: '1013', bitrate: 250_000 });
        const got: Frame[] = [];
        bus.subscribe((f) => got.push(f));
        await bus.send(makeFrame({ id: 0x18da10f1, extended: true, data: [2, 0x10, 0x03] }));
        expect(heard.at(-1)).toMatchObject({ id: 0x18da10f1, extended: true });
        car.sendSync(makeFrame({ id: 0x18daf110, extended: true, data: [6, 0x50, 0x03, 0, 0x32, 1, 0xf4] }));
        await until(() => got.length === 1);
        expect([...got[0]!.data]).toEqual([6, 0x50, 0x03, 0, 0x32, 1, 0xf4]);
        const closed = new Promise<void>((res) => bus.onClose(() => res()));
        await service.unplug();
        await closed;
        expect(bus.lostError).toBeInstanceOf(SlcanDisconnectedError);
      } finally {
        await bus.close();
        await car.close();
        await service.close();
      }
    },
  );

  it.skipIf(socat.missing)(
    'the terminal opens again after a program closed it, as a plugged adapter does',
    async () => {
      const channel = `slcan-pty-${++channels}`;
      const service = await serveSlcan(new SlcanEmulator({ channel }), { pty: true });
      const car = new VirtualBus(channel);
      const heard: number[] = [];
      car.subscribe((f) => heard.push(f.id));
      try {
        for (const id of [0x101, 0x102, 0x103]) {
          const bus = await SlcanBus.open(service.path!);
          await bus.send(makeFrame({ id, data: [1] }));
          await bus.close();
        }
        expect(heard).toEqual([0x101, 0x102, 0x103]);
      } finally {
        await car.close();
        await service.close();
      }
    },
  );

  it.skipIf(socat.missing)(
    'closed and opened again at once, thirty times: every open succeeds and every frame goes out',
    async () => {
      // The answer to the closing C used to be left in the line, and the next program read it as
      // the answer to its own first command, one answer behind from then on (3 reopenings in 60).
      const channel = `slcan-pty-${++channels}`;
      const service = await serveSlcan(new SlcanEmulator({ channel }), { pty: true });
      const car = new VirtualBus(channel);
      const heard: number[] = [];
      car.subscribe((f) => heard.push(f.id));
      const ids = Array.from({ length: 30 }, (_, i) => 0x200 + i);
      try {
        for (const id of ids) {
          const bus = await SlcanBus.open(service.path!);
          await bus.send(makeFrame({ id, data: [2] }));
          await bus.close();
        }
        expect(heard).toEqual(ids);
      } finally {
        await car.close();
        await service.close();
      }
    },
    120_000,
  );

  it.skipIf(socat.missing)('a device that is not there is a typed SlcanOpenError naming it', async () => {
    const err = await SlcanBus.open('/dev/ttyACM-not-there').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SlcanOpenError);
    expect((err as Error).message).toMatch(/\/dev\/ttyACM-not-there/);
  });
});
