import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze, readMef } from '@atelier/fault-tree';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFtaRelease, type FtaRelease } from '../../../../scripts/build-fta.js';
import { TWO_TRAINS_MEF } from '../commands/fta.fixture.js';
import { runProgram } from '../testing.js';

// The release form of `atelier fta` (one bundle, a V8 startup snapshot, a launcher), built as a
// release would build it and run as a user would: the same answers as the engine in process.
const MODEL = TWO_TRAINS_MEF;

let dir: string;
let release: FtaRelease;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'atelier-fta-release-'));
  writeFileSync(join(dir, 'two.xml'), MODEL);
  // an element never closed, on line 3
  writeFileSync(join(dir, 'broken.xml'), '<?xml version="1.0"?>\n<opsa-mef>\n<define-fault-tree name="T">\n');
  release = await buildFtaRelease(join(dir, 'dist'));
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (cmd: string, args: string[]) => runProgram(cmd, args, { cwd: dir });

describe('atelier fta as released (bundle and startup snapshot)', () => {
  it('gives the in-process analysis, from the bundle and from the snapshot', async () => {
    const { seconds: _, ...expected } = analyze(readMef(MODEL, 'two.xml'), { importance: true });
    for (const [cmd, args] of [
      [process.execPath, [release.bundle]],
      [release.launcher, []],
    ] as const) {
      const r = await run(cmd, [...args, 'analyze', 'two.xml', '--importance', '--json']);
      expect(r.code, r.stderr).toBe(0);
      const { seconds, ...got } = JSON.parse(r.stdout);
      expect(seconds).toBeGreaterThan(0);
      expect(got.products).toBe(expected.products);
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
    const fr = await run(release.launcher, [
      'posterior',
      'two.xml',
      '--evidence',
      'TopEvent=true,PumpOne=ok',
    ]);
    expect(fr.code).toBe(0);
    expect(fr.stdout).toMatch(/a posteriori/);
    // A bad file is said in the reader's language (French by default), by name and line: the file
    // ends with the element still open, said at its end with the line it was opened on.
    const bad = await run(release.launcher, ['analyze', 'broken.xml']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /^atelier fta: .*broken\.xml, en fin de fichier : XML mal formé : la balise <define-fault-tree> ouverte ligne 3 /,
    );
    const badEn = await run(release.launcher, ['--lang', 'en', 'analyze', 'broken.xml']);
    expect(badEn.code).toBe(1);
    expect(badEn.stderr).toMatch(
      /^atelier fta: .*broken\.xml, end of file: malformed XML: unclosed tag: define-fault-tree \(opened on line 3\)/,
    );
    const usage = await run(release.launcher, ['analyze']);
    expect(usage.code).toBe(2);
  });
});
