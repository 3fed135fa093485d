// Builds the release form of the whole `atelier` command: an npm package in dist/atelier whose
// `bin/atelier.js` runs bundled JavaScript (no TypeScript loader), one chunk per command loaded on
// dispatch, so `atelier --help` and small commands start at about Node's own start-up cost.
//
//   node --import tsx scripts/build-cli.ts [OUT_DIR] [--no-link]    (default dist/atelier; `pnpm build:cli`)
//
// Native add-ons (sqlite3, serialport's bindings, the optional socketcan) are not bundled: they are
// the package's dependencies, which npm installs and builds for the machine (`npm pack` in OUT_DIR
// gives a tarball that installs anywhere with Node 20). Unless --no-link, OUT_DIR/node_modules links
// them to the workspace's installed copies, so the release also runs in place (setup.sh, `pnpm start`).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, cp, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type EsbuildPlugin, esbuild, ROOT } from './bundler.js';

const ENTRY = 'apps/cli/src/main.ts';

/**
 * Installed with the package rather than bundled, each with the workspace package whose manifest
 * gives its version: native add-ons, uplot, whose files the dashboard serves from its folder, and the
 * DejaVu fonts the invoice PDF embeds.
 */
const INSTALLED: { name: string; from: string; optional?: boolean }[] = [
  { name: 'sqlite3', from: 'apps/workshop' },
  { name: 'serialport', from: 'packages/elm327' },
  { name: 'uplot', from: 'apps/workshop' },
  // the invoice PDF's fonts, read from the package's folder (packages/facturx)
  { name: 'dejavu-fonts-ttf', from: 'packages/facturx' },
  { name: 'socketcan', from: 'packages/can', optional: true },
];

/**
 * Files the code reads beside its own sources at run time: the diagnosis knowledge base, scenario
 * files, adapter profiles and the dashboard's static files. They are copied under `files/` at their
 * repository paths, and every bundled module that locates files from `import.meta.url` is given the
 * URL its source has there (see `sourceUrls`), so those relative paths hold in the release.
 */
const DATA = [
  'packages/diagnosis/kb',
  'packages/ev/definitions',
  'packages/vehicle-sim/scenarios',
  'hardware/elm327/profiles',
  'apps/workshop/src/static',
  // the password policy's list of common passwords (apps/workshop/src/services/password-policy.ts)
  'apps/workshop/src/services/common-passwords.txt',
  // `atelier --version` reads the command's own manifest beside its sources (apps/cli/src/main.ts)
  'apps/cli/package.json',
];

export interface CliRelease {
  /** The package directory (`npm pack` there gives the tarball). */
  dir: string;
  /** `node BIN args…`, or BIN itself (it is executable). */
  bin: string;
  /**
   * Each output file (relative to `dir`): its size, the files it imports statically (loaded with it)
   * and dynamically (loaded on demand), and the sources it holds (relative to the repository).
   */
  outputs: Record<string, { bytes: number; imports: string[]; dynamicImports: string[]; sources: string[] }>;
}

/** An output file and everything it loads with it (its static imports, transitively). */
export function loadedWith(release: CliRelease, file: string): string[] {
  const seen = new Set<string>();
  const visit = (f: string) => {
    if (seen.has(f)) return;
    seen.add(f);
    for (const i of release.outputs[f]?.imports ?? []) visit(i);
  };
  visit(file);
  return [...seen];
}

/** Rewrites `import.meta.url` in the repository's modules to the URL of their source under files/. */
function sourceUrls(): EsbuildPlugin {
  return {
    name: 'atelier-source-urls',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, async ({ path }) => {
        if (path.includes(`${sep}node_modules${sep}`)) return undefined;
        const text = await readFile(path, 'utf8');
        if (/import\.meta\.(dirname|filename)/.test(text))
          throw new Error(
            `${relative(ROOT, path)}: use import.meta.url (the release maps it), not dirname/filename`,
          );
        if (!text.includes('import.meta.url')) return undefined;
        // Chunks live in lib/, so lib/../files/<repository path> is where the source's files are.
        const url = `new URL(${JSON.stringify(`../files/${relative(ROOT, path).split(sep).join('/')}`)}, import.meta.url).href`;
        return { contents: text.replaceAll('import.meta.url', url), loader: 'ts' };
      });
    },
  };
}

function manifest(dir: string): {
  name: string;
  version: string;
  license?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  engines?: Record<string, string>;
} {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
}

/** Where a workspace package's dependency is installed. */
function installedDir(name: string, from: string): string {
  return dirname(createRequire(join(ROOT, from, 'package.json')).resolve(`${name}/package.json`));
}

/** The licence of every third-party package in the bundle, as the packages state it. */
function thirdPartyLicences(inputs: string[]): string {
  const roots = new Set<string>();
  for (const input of inputs) {
    const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input.split(sep).join('/'));
    if (m) roots.add(m[1]);
  }
  const parts: string[] = [
    '# Third-party software in this package\n',
    'The bundle in `lib/` includes the following packages, under their own licences (reproduced from',
    'each package). The native add-ons and uplot are installed by npm with their own files.\n',
  ];
  const seen = new Set<string>();
  for (const root of [...roots].sort()) {
    const pkg = manifest(resolve(ROOT, root));
    const key = `${pkg.name}@${pkg.version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const file = readdirSync(resolve(ROOT, root)).find((f) => /^(licen[cs]e|copying)/i.test(f));
    const text = file
      ? readFileSync(resolve(ROOT, root, file), 'utf8').trim()
      : `(no licence file; package.json says ${pkg.license})`;
    parts.push(`## ${key} — ${pkg.license ?? 'see text'}\n`, '```', text, '```\n');
  }
  return parts.join('\n');
}

export async function buildCliRelease(outDir: string, options: { link?: boolean } = {}): Promise<CliRelease> {
  await rm(outDir, { recursive: true, force: true });
  const lib = join(outDir, 'lib');
  await mkdir(lib, { recursive: true });
  const result = await esbuild().build({
    entryPoints: { main: join(ROOT, ENTRY) },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outdir: lib,
    chunkNames: 'chunk-[hash]',
    external: INSTALLED.map((d) => d.name),
    // Bundled CommonJS code calls require() for Node's built-ins: give ESM chunks one.
    banner: {
      js: "import { createRequire as __atelierRequire } from 'node:module';\nconst require = __atelierRequire(import.meta.url);",
    },
    plugins: [sourceUrls()],
    metafile: true,
    logLevel: 'error',
    legalComments: 'none',
  });
  const inOut = (file: string) => relative(outDir, resolve(ROOT, file));
  const outputs: CliRelease['outputs'] = {};
  for (const [file, o] of Object.entries(result.metafile!.outputs)) {
    const local = o.imports.filter((i) => !i.external);
    outputs[inOut(file)] = {
      bytes: o.bytes,
      imports: local.filter((i) => i.kind === 'import-statement').map((i) => inOut(i.path)),
      dynamicImports: local.filter((i) => i.kind === 'dynamic-import').map((i) => inOut(i.path)),
      sources: Object.keys(o.inputs).map((i) => relative(ROOT, resolve(ROOT, i))),
    };
  }
  for (const dir of DATA) await cp(join(ROOT, dir), join(outDir, 'files', dir), { recursive: true });

  const bin = join(outDir, 'bin', 'atelier.js');
  await mkdir(dirname(bin), { recursive: true });
  await writeFile(
    bin,
    "#!/usr/bin/env node\n// The atelier command, as released: bundled JavaScript, one chunk per command.\nimport '../lib/main.js';\n",
  );
  await chmod(bin, 0o755);

  const cli = manifest(join(ROOT, 'apps/cli'));
  const root = manifest(ROOT);
  const versionOf = (d: (typeof INSTALLED)[number]) => {
    const m = manifest(join(ROOT, d.from));
    const v = (d.optional ? m.optionalDependencies : m.dependencies)?.[d.name];
    if (!v) throw new Error(`${d.from}/package.json does not declare ${d.name}`);
    return v;
  };
  const pkg = {
    name: 'atelier',
    version: cli.version,
    description:
      'Atelier — vehicle-diagnostics workshop toolkit: the atelier command (CAN, ELM327, OBD-II/UDS, fault-tree diagnosis, workshop dashboard)',
    private: true,
    type: 'module',
    bin: { atelier: 'bin/atelier.js' },
    files: ['bin', 'lib', 'files', 'README.md', 'THIRD_PARTY_LICENSES.md'],
    engines: root.engines,
    dependencies: Object.fromEntries(INSTALLED.filter((d) => !d.optional).map((d) => [d.name, versionOf(d)])),
    optionalDependencies: Object.fromEntries(
      INSTALLED.filter((d) => d.optional).map((d) => [d.name, versionOf(d)]),
    ),
  };
  await writeFile(join(outDir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  await writeFile(
    join(outDir, 'README.md'),
    [
      '# atelier',
      '',
      '```sh',
      'npm install -g ./atelier-*.tgz     # or: npm install ./atelier-*.tgz && npx atelier --help',
      'atelier --help',
      'atelier obd decode "7E8 04 41 0C 1A F8"',
      'atelier serve --demo',
      '```',
      '',
      "The release form of Atelier's command line, built from the repository by `pnpm build:cli`",
      '(scripts/build-cli.ts). Node 20.19 or later; npm builds the native add-ons (sqlite3, serialport,',
      'the optional socketcan) on install.',
      '',
    ].join('\n'),
  );
  await writeFile(
    join(outDir, 'THIRD_PARTY_LICENSES.md'),
    thirdPartyLicences(Object.keys(result.metafile!.inputs)),
  );

  if (options.link !== false) {
    const modules = join(outDir, 'node_modules');
    await mkdir(modules, { recursive: true });
    for (const d of INSTALLED) {
      let target: string;
      try {
        target = installedDir(d.name, d.from);
      } catch (err) {
        if (d.optional) continue;
        throw err;
      }
      await mkdir(dirname(join(modules, d.name)), { recursive: true });
      await symlink(target, join(modules, d.name), 'dir');
    }
  }
  return { dir: outDir, bin, outputs };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const out = resolve(args.find((a) => !a.startsWith('--')) ?? join(ROOT, 'dist/atelier'));
  const r = await buildCliRelease(out, { link: !args.includes('--no-link') });
  const total = Object.values(r.outputs).reduce((a, o) => a + o.bytes, 0);
  console.log(
    `atelier ${r.bin} (${Object.keys(r.outputs).length} files, ${(total / 2 ** 20).toFixed(1)} MiB)`,
  );
  if (!existsSync(join(out, 'node_modules')))
    console.log(`not linked: run npm install in ${out}, or npm pack it`);
}
