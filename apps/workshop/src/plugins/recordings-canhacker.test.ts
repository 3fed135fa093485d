/**
 * CANHacker traces (`.trc`, the extension PEAK's traces use too) uploaded to the dashboard through
 * the routes (inject): recognised by their content, summarised, replayed as the frames they hold.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../../../../tests/support/index.js';
import { uploadRecording } from '../test-support/diagnostics.js';
import { makeTestApp, type TestApp } from '../testing.js';

const LEAF_TRACE = fixturePath('can/nissan_leaf_uds_2022-01-06_canhacker.trc');
const FRENCH_TRACE = fixturePath('can/canhacker_fr_obd.trc');
const LEAF = fixturePath('can/nissan_leaf_uds_2022-01-06.log');

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
}, 60_000);
afterAll(() => t?.close());

const upload = (name: string, content: Buffer | string) => uploadRecording(t, name, content);

async function replay(id: number) {
  const a = await t.as('formateur');
  const res = await t.app.inject({
    method: 'GET',
    url: `/api/training/recordings/${id}/replay`,
    headers: { cookie: a.cookie },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().frames as { t: number; id: string; data: string }[];
}

describe('CANHacker trace uploads', () => {
  it("the Leaf trace uploads as CANHacker, is summarised as its candump original's bus, and replays its frames", async () => {
    const res = await upload('leaf-canhacker.trc', readFileSync(LEAF_TRACE));
    expect(res.statusCode, res.body).toBe(201);
    const rec = res.json();
    expect(rec.format).toBe('canhacker');
    const summary = JSON.parse(rec.summary);
    expect(summary.frames).toBe(221);
    // The same diagnostic exchange as the original recording (all of it is on can0).
    const original = JSON.parse((await upload('leaf.log', readFileSync(LEAF, 'utf8'))).json().summary);
    expect(summary.ecus).toEqual(original.ecus);
    expect(summary.battery).toEqual(original.battery);
    const frames = await replay(rec.id);
    expect(frames).toHaveLength(221);
    expect(frames[0]).toMatchObject({ t: 0, id: '79B' });
  });

  it('a French Windows trace (decimal commas, Windows-1252 comments) uploads and shows the OBD exchange', async () => {
    const res = await upload('trace-fr.trc', readFileSync(FRENCH_TRACE));
    expect(res.statusCode, res.body).toBe(201);
    const rec = res.json();
    expect(rec.format).toBe('canhacker');
    const summary = JSON.parse(rec.summary);
    expect(summary.frames).toBe(9);
    expect(summary.obd.services).toContain('01');
    expect(summary.obd.pids).toEqual(expect.arrayContaining(['0C', '0D']));
    expect(await replay(rec.id)).toHaveLength(9);
  });

  it('a PEAK .trc still uploads as PEAK', async () => {
    let peak = ';$FILEVERSION=1.1\r\n;$STARTTIME=44567.5\r\n';
    for (let n = 1; n <= 20; n++)
      peak += `${String(n).padStart(6)})  ${String(n * 100).padStart(10)}.0  Rx         0123  2  00 ${String(n).padStart(2, '0')}\r\n`;
    const res = await upload('peak.trc', peak);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().format).toBe('trc');
  });
});
