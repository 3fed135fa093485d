import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { analyze, readMef } from '@atelier/fault-tree';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFtaRelease, type FtaRelease } from '../../../../scripts/build-fta.js';

// The release form of `atelier fta` (one bundle, a V8 startup snapshot, a launcher), built as a
// release would build it and run as a user would: the same answers as the engine in process.
const MODEL = `<?xml version="1.0"?>
<opsa-mef>
  <define-fault-tree name="Pumps">
    <define-gate name="TOP"><and><gate name="TrainOne"/><gate name="TrainTwo"/></and></define-gate>
    <define-gate name="TrainOne"><or><basic-event name="ValveOne"/><basic-event name="PumpOne"/></or></define-gate>
    <define-gate name="TrainTwo"><or><basic-event name="ValveTwo"/><basic-event name="PumpTwo"/></or></define-gate>
    <define-basic-event name="ValveOne"><float value="0.05"/></define-basic-event>
    <define-basic-event name="ValveTwo"><float value="0.05"/></define-basic-event>
    <define-basic-event name="PumpOne"><float value="0.1"/></define-basic-event>
    <define-basic-event name="PumpTwo"><float value="0.1"/></define-basic-event>
  </define-fault-tree>
</opsa-mef>
`;

let dir: string;
let release: FtaRelease;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'atelier-fta-release-'));
  writeFileSync(join(dir, 'pumps.xml'), MODEL);
  // an element never closed, on line 3
  writeFileSync(join(dir, 'broken.xml'), '<?xml version="1.0"?>\n<opsa-mef>\n<define-fault-tree name="T">\n');
  release = await buildFtaRelease(join(dir, 'dist'));
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(cmd, args, { cwd: dir });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('atelier fta as released (bundle and startup snapshot)', () => {
  it('gives the in-process analysis, from the bundle and from the snapshot', async () => {
    const { seconds: _, ...expected } = analyze(readMef(MODEL, 'pumps.xml'), { importance: true });
    for (const [cmd, args] of [
      [process.execPath, [release.bundle]],
      [release.launcher, []],
    ] as const) {
      const r = await run(cmd, [...args, 'analyze', 'pumps.xml', '--importance', '--json']);
      expect(r.code, r.stderr).toBe(0);
      const { seconds, ...got } = JSON.parse(r.stdout);
      expect(seconds).toBeGreaterThan(0);
      expect(got.products).toBe(4);
      expect(got.probability).toBe(expected.probability);
      // the CLI prints SCRAM's five factors
      for (const [event, f] of Object.entries(expected.importance!))
        expect(got.importance[event]).toEqual({ mif: f.mif, cif: f.cif, dif: f.dif, raw: f.raw, rrw: f.rrw });
      expect(got.distribution).toEqual(expected.distribution);
    }
  });

  it('reads its options and language like the full CLI, and reports a bad file by name and line', async () => {
    const help = await run(release.launcher, ['--lang', 'en', 'analyze', '--help']);
    expect(help.stdout).toMatch(/^Usage: atelier fta analyze FILE\.xml/);
    const fr = await run(release.launcher, ['posterior', 'pumps.xml', '--evidence', 'TOP=true,PumpOne=ok']);
    expect(fr.code).toBe(0);
    expect(fr.stdout).toMatch(/a posteriori/);
    const bad = await run(release.launcher, ['analyze', 'broken.xml']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^atelier fta: .*broken\.xml.*line \d/);
    const usage = await run(release.launcher, ['analyze']);
    expect(usage.code).toBe(2);
  });
});
