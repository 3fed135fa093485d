import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordedResponder } from '@atelier/obd';
import { describe, expect, it } from 'vitest';
import { loadScenario, readScenarioFile } from './scenario.js';
import { simulateSession, simulateWith } from './session.js';

const dir = mkdtempSync(join(tmpdir(), 'atelier-sim-'));

describe('sim run: the scripted workshop session on a virtual bus', () => {
  it('reads VIN, DTCs, freeze frame, readiness, UDS memory and live data; records every frame', async () => {
    const out = join(dir, 'misfire.log');
    const { report, frames } = await simulateSession(loadScenario('misfire-cyl2'), {
      durationS: 20,
      record: out,
    });
    expect(report.vin).toBe(loadScenario('misfire-cyl2').vin);
    expect(report.ecus.map((e) => e.address)).toEqual([0x7e8, 0x7e9]);
    expect(report.mil).toBe(true);
    expect(report.confirmed).toEqual(['P0300', 'P0302']);
    expect(report.permanent).toEqual(['P0300', 'P0302']);
    expect(['P0300', 'P0302']).toContain(report.freezeFrame?.dtc);
    expect(report.readiness.supported).toBeGreaterThan(2);
    expect(report.uds['760']).toEqual([]);
    expect(report.live.samples).toBeGreaterThanOrEqual(30);
    expect(report.live.rpm).toBeGreaterThan(500);
    const [mark, ...lines] = readFileSync(out, 'utf8').trim().split('\n');
    // The first line says the recording is simulated (a candump comment, see @atelier/can origin.ts).
    expect(mark).toMatch(/^# origin=atelier-simulator scenario=misfire-cyl2 — simulated vehicle/);
    expect(lines.length).toBe(frames);
    expect(lines[0]).toMatch(/^\(\d+\.\d{6}\) vcan0 7DF#/);
  });

  it('is deterministic: same scenario and seed, byte-identical recordings; another seed differs', async () => {
    const a = join(dir, 'a.log');
    const b = join(dir, 'b.log');
    const c = join(dir, 'c.log');
    const s = loadScenario('vacuum-leak');
    await simulateSession(s, { durationS: 10, record: a });
    await simulateSession(s, { durationS: 10, record: b });
    await simulateSession({ ...s, seed: s.seed + 1 }, { durationS: 10, record: c });
    expect(readFileSync(b, 'utf8')).toBe(readFileSync(a, 'utf8'));
    expect(readFileSync(c, 'utf8')).not.toBe(readFileSync(a, 'utf8'));
  });

  it('a recording of a simulated session, turned back into a responder, answers the same requests with the same responses', async () => {
    const first = join(dir, 'first.log');
    const { report } = await simulateSession(loadScenario('catalyst-degraded'), {
      durationS: 10,
      record: first,
    });
    const recording = await RecordedResponder.fromCanLog(first);
    // Replay the same session against the recording, served on the bus the same way.
    const second = join(dir, 'second.log');
    const replay = await simulateWith(recording, { durationS: 10, record: second });
    expect(replay.report).toEqual(report);
    // Same latencies, same ISO-TP timing: the second recording is the first, byte for byte, but for
    // the first's mark: a replayed recording is not the simulator's vehicle, its origin is not claimed.
    const [mark, ...frames] = readFileSync(first, 'utf8').split('\n');
    expect(mark).toMatch(/^# origin=atelier-simulator scenario=catalyst-degraded /);
    expect(readFileSync(second, 'utf8')).toBe(frames.join('\n'));
  });

  it('a recording turned into a scenario file replays, with its broadcast frames alongside', async () => {
    const first = join(dir, 'car.log');
    const { report } = await simulateSession(loadScenario('lost-comm-tcm'), { durationS: 8, record: first });
    // The car's other traffic: a body frame every 100 ms, merged into the recording.
    const body = Array.from(
      { length: 100 },
      (_, i) => `(${(i / 10).toFixed(6).padStart(17, '0')}) vcan0 3B4#0${i % 10}11223344556677`,
    );
    const ts = (line: string) => Number(line.slice(1, line.indexOf(')')));
    const merged = [...readFileSync(first, 'utf8').trim().split('\n'), ...body].sort((x, y) => ts(x) - ts(y));
    writeFileSync(join(dir, 'car-merged.log'), `${merged.join('\n')}\n`);
    writeFileSync(
      join(dir, 'recorded.yaml'),
      'name: recorded\nvehicle: petrol\ncomplaint: { fr: "Voyant moteur", en: "Engine light" }\ntrue_cause: "connecteur TCM"\nrecording: car-merged.log\n',
    );
    const scenario = readScenarioFile(join(dir, 'recorded.yaml'));
    const out = join(dir, 'replayed.log');
    const replay = await simulateSession(scenario, { durationS: 8, record: out });
    expect(replay.report).toEqual(report);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    // Every body frame recorded up to the end of the session came back, at its recorded time.
    const end = ts(lines[lines.length - 1]);
    expect(lines.filter((l) => l.includes(' 3B4#'))).toEqual(body.filter((l) => ts(l) <= end));
    expect(end).toBeGreaterThan(8);
  });
});
