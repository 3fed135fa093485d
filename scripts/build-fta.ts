// Builds the release form of `atelier fta`: one CommonJS bundle (no tsx), a V8 startup snapshot of
// it for this Node binary, and a launcher that uses the snapshot.
//
//   node --import tsx scripts/build-fta.ts [OUT_DIR]     (default dist/fta; also `pnpm build:fta`)
//
// The snapshot is tied to the Node binary that built it (V8 refuses another), so it is built where it
// runs: at install or first use, like native add-ons. `node --build-snapshot` is experimental in
// Node 20; the bundle alone is the fallback and needs nothing but Node.
import { execFile } from 'node:child_process';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { esbuild, ROOT } from './bundler.js';

export interface FtaRelease {
  /** The bundle: `node BUNDLE fta-args…` */
  bundle: string;
  /** The startup snapshot: `node --snapshot-blob SNAPSHOT -- fta-args…` (`--`: the arguments are not Node's) */
  snapshot: string;
  /** `LAUNCHER fta-args…`: node with the snapshot. */
  launcher: string;
}

export async function buildFtaRelease(outDir: string): Promise<FtaRelease> {
  await mkdir(outDir, { recursive: true });
  const bundle = join(outDir, 'atelier-fta.cjs');
  await esbuild().build({
    entryPoints: [join(ROOT, 'apps/cli/src/release/fta.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: bundle,
    logLevel: 'error',
    legalComments: 'inline',
  });
  const snapshot = join(outDir, 'atelier-fta.blob');
  await promisify(execFile)(process.execPath, ['--snapshot-blob', snapshot, '--build-snapshot', bundle], {
    cwd: outDir,
  });
  const launcher = join(outDir, 'atelier-fta');
  await writeFile(
    launcher,
    `#!/bin/sh\n# atelier fta from its startup snapshot (built for ${process.version})\nexec node --snapshot-blob "$(dirname "$0")/atelier-fta.blob" -- "$@"\n`,
  );
  await chmod(launcher, 0o755);
  return { bundle, snapshot, launcher };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = resolve(process.argv[2] ?? join(ROOT, 'dist/fta'));
  const r = await buildFtaRelease(out);
  console.log(`bundle   ${r.bundle}\nsnapshot ${r.snapshot}\nlauncher ${r.launcher}`);
}
