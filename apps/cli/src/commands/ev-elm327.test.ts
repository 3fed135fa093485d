/**
 * Live battery reads through an ELM327 (issue 18): the Leaf's battery controller answers on 0x7BB,
 * outside the 7E8–7EF an ELM327 shows by default, and its multi-frame answers need the adapter's
 * flow control sent to 0x79B. The car is the real Leaf recording served by the recorded responder
 * through the ELM327 emulator, which filters answers and models flow control as the datasheet
 * describes (AT CRA, AT FC SH/SD/SM); the adapter link is reached over TCP and over a pseudo-terminal
 * made by socat. The figures are checked against the report read from the recording itself. The
 * recording holds no OBD-II traffic, so the protocol is forced (`protocol=6`): the adapter's search
 * needs an answer to 01 00, which no ECU of the recording gives.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Frame, readLog } from '@atelier/can';
import { Elm327Emulator, GENUINE, servePty, serveTcp } from '@atelier/elm327';
import { batteryReportFromFrames } from '@atelier/ev';
import { RecordedResponder } from '@atelier/obd';
import { afterAll, describe, expect, it } from 'vitest';
import { fixturePath, programRuns, requireOracle } from '../../../../tests/support/index.js';
import { cliContext } from '../testing.js';
import { evCommand } from './ev.js';

const LEAF = fixturePath('can/nissan_leaf_uds_2022-01-06.log');
const dir = mkdtempSync(join(tmpdir(), 'atelier-cli-ev-elm327-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const socat = requireOracle('socat', programRuns('socat', ['-V']));

async function run(spec: string, vehicle: string) {
  const { ctx, out, err } = cliContext('en', dir);
  const code = await evCommand.run(['report', '--adapter', spec, '--vehicle', vehicle, '--json'], ctx);
  return { code, out: out(), err: err() };
}

/** The report read from the recording: the first of each recorded answer is what a live read gets first. */
async function fromRecording() {
  const frames: Frame[] = [];
  for await (const f of readLog(LEAF)) frames.push(f);
  return batteryReportFromFrames(frames, { name: 'leaf' });
}

async function expectLeafAsRecorded(spec: string) {
  const { code, out, err } = await run(spec, 'nissan-leaf');
  expect(code, err).toBe(0);
  const live = JSON.parse(out);
  const rec = await fromRecording();
  expect(live.vehicle.id).toBe('nissan-leaf');
  expect(live.answers).toBe(2); // 21 01 and 21 04: the recording holds no 21 02
  expect(live.soc.value).toBe(rec.series.soc[0]![1]);
  expect(live.packVoltage.value).toBe(rec.series.packVoltage[0]![1]);
  expect(live.temperatures.values).toHaveLength(4);
}

async function leafEmulator(profile = GENUINE) {
  const leaf = await RecordedResponder.fromCanLog(LEAF, { pace: 'turn' });
  return new Elm327Emulator({ responder: leaf, baud: 0, latencyMs: 2, profile });
}

describe('ev report through an ELM327 (the emulator serving the real Leaf recording)', () => {
  it('over TCP: 0x79B → 0x7BB with ATCRA and flow control to 0x79B, as read from the recording', async () => {
    const tcp = await serveTcp(await leafEmulator(), { port: 0 });
    try {
      await expectLeafAsRecorded(`elm327:tcp://127.0.0.1:${tcp.port}?protocol=6`);
    } finally {
      await tcp.close();
    }
  }, 60_000);

  it.skipIf(!!socat.missing)(
    `over a pseudo-terminal made by socat${socat.skipNote}`,
    async () => {
      const pty = await servePty(await leafEmulator());
      try {
        await expectLeafAsRecorded(`elm327:${pty.path}?protocol=6`);
      } finally {
        await pty.close();
      }
    },
    60_000,
  );

  it('a clone that answers ? to AT FC: each request fails with the adapter’s answer, named', async () => {
    const clone = { ...GENUINE, quirks: { ...GENUINE.quirks, flowControl: false } };
    const tcp = await serveTcp(await leafEmulator(clone), { port: 0 });
    try {
      const { out, err } = await run(`elm327:tcp://127.0.0.1:${tcp.port}?protocol=6`, 'nissan-leaf');
      expect(`${out}${err}`).toMatch(/refuses ATFCSH79B \(flow control header\), answering «\?»/);
    } finally {
      await tcp.close();
    }
  }, 60_000);
});

describe('ev report through an ELM327 on the simulated Kona (sim:…?via=elm327)', () => {
  it('22 01 01…05 on 0x7E4 → 0x7EC: no filter or flow-control change needed, 98 cells', async () => {
    const { code, out, err } = await run('sim:kona-weak-cell?via=elm327', 'hyundai-kona-ioniq');
    expect(code, err).toBe(0);
    const r = JSON.parse(out);
    expect(r.answers).toBe(5);
    expect(r.cells.voltages.filter((v: number | null) => v !== null)).toHaveLength(98);
    expect(r.cells.minCell).toBe(37);
  }, 60_000);
});
