/**
 * The wire format checked by an implementation Atelier did not write: Debian's python-can (its
 * `slcan` interface, python3-can 4.1, through pyserial) opens the emulator's pseudo-terminal as its
 * adapter while Atelier's SlcanBus is plugged into the same virtual CAN channel through a second
 * emulated adapter. Frames python-can sends must reach Atelier intact, and the reverse: each side
 * encodes what the other decodes, with the emulator's parser and encoder in between. Under CI=true a
 * missing python-can (or socat) fails the file with its reason.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { describe, expect } from 'vitest';
import { programRuns, requireOracle } from '../../../../tests/support/index.js';
import { itWithPythonCan, PYTHON } from '../formats/python-can.test-support.js';
import { type Frame, makeFrame, toHex } from '../frame.js';
import { SlcanEmulator } from './emulator.js';
import { serveSlcan } from './serve.js';
import { SlcanBus } from './slcan-bus.js';

const socat = requireOracle('socat', programRuns('socat', ['-V']));

const PEER = `
import json, sys, time, can
path, expect, to_send = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
bus = can.interface.Bus(interface='slcan', channel=path, bitrate=500000, sleep_after_open=0)
print('READY', flush=True)
got, deadline = [], time.time() + 20
while len(got) < expect and time.time() < deadline:
    m = bus.recv(0.2)
    if m is not None:
        got.append(m)
for m in got:
    print(json.dumps({'id': m.arbitration_id, 'ext': m.is_extended_id, 'rtr': m.is_remote_frame,
        'dlc': m.dlc, 'data': bytes(m.data).hex()}), flush=True)
for s in to_send:
    bus.send(can.Message(arbitration_id=s['id'], is_extended_id=s['ext'], is_remote_frame=s['rtr'],
        dlc=s['dlc'], data=bytes.fromhex(s['data'])))
time.sleep(0.3)
bus.shutdown()
print('DONE', flush=True)
`;

interface Wire {
  id: number;
  ext: boolean;
  rtr: boolean;
  dlc: number;
  data: string;
}

const asWire = (f: Frame): Wire => ({
  id: f.id,
  ext: f.extended,
  rtr: !!f.remote,
  dlc: f.remote ? (f.dlc ?? 0) : f.data.length,
  data: toHex(f.data),
});

// Every shape SLCAN carries: 11/29-bit, 0–8 bytes, remote frames with a DLC, the extreme ids.
const fromAtelier = [
  makeFrame({ id: 0x7df, data: [2, 1, 0x0c] }),
  makeFrame({ id: 0x000, data: [] }),
  makeFrame({ id: 0x7ff, data: [0xff, 0, 0x80, 0x7f, 1, 2, 3, 4] }),
  makeFrame({ id: 0x18db33f1, extended: true, data: [2, 9, 2] }),
  makeFrame({ id: 0x1fffffff, extended: true, data: [0xde, 0xad] }),
  makeFrame({ id: 0x123, remote: true, dlc: 5 }),
  makeFrame({ id: 0x0abcdef, extended: true, remote: true, dlc: 8 }),
];
const fromPython: Wire[] = [
  { id: 0x7e8, ext: false, rtr: false, dlc: 7, data: '0641000be3fa81' },
  { id: 0x18daf110, ext: true, rtr: false, dlc: 8, data: '1014490201574630' },
  { id: 0x001, ext: false, rtr: false, dlc: 0, data: '' },
  { id: 0x7ff, ext: false, rtr: true, dlc: 3, data: '' },
  { id: 0x10000000, ext: true, rtr: true, dlc: 0, data: '' },
];

describe(`python-can's slcan interface against Atelier's, through the emulator on a pty${socat.skipNote}`, () => {
  itWithPythonCan(
    'python-can receives what SlcanBus sends, and SlcanBus what python-can sends',
    async () => {
      if (socat.missing) return;
      const emu = new SlcanEmulator({ channel: 'slcan-python-can' });
      const service = await serveSlcan(emu, { pty: true });
      const atelier = await SlcanBus.connect('127.0.0.1', service.port);
      const received: Frame[] = [];
      atelier.subscribe((f) => received.push(f));
      const py = spawn(
        PYTHON,
        ['-c', PEER, service.path!, String(fromAtelier.length), JSON.stringify(fromPython)],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stderr = '';
      py.stderr.on('data', (d) => {
        stderr += d;
      });
      const lines: string[] = [];
      const rl = createInterface({ input: py.stdout });
      const exited = new Promise<number | null>((resolve) => py.once('close', (code) => resolve(code)));
      try {
        await new Promise<void>((resolve, reject) => {
          rl.on('line', (l) => {
            lines.push(l);
            if (l === 'READY') resolve();
          });
          void exited.then((code) =>
            reject(new Error(`python-can exited (${code}) before it was ready: ${stderr}`)),
          );
        });
        // Both emulated adapters open (python-can's O may still be on its way through socat; on a
        // loaded CI machine that can take seconds, so the wait is bounded by time, not by 200 polls).
        const deadline = Date.now() + 15_000;
        while (emu.sessions.open < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
        expect(emu.sessions.open).toBe(2);
        for (const f of fromAtelier) await atelier.send(f);
        const code = await exited;
        expect(code, stderr).toBe(0);
        expect(lines.at(-1)).toBe('DONE');
        const pyGot = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Wire);
        expect(pyGot).toEqual(fromAtelier.map(asWire));
        expect(received.map(asWire)).toEqual(fromPython);
      } finally {
        if (py.exitCode === null) py.kill();
        await atelier.close();
        await service.close();
      }
    },
    40_000,
  );
});
