import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The layering written in the root README is the one the code follows: every import in
// packages/*/src and apps/*/src goes to a package of a lower layer that the importer declares in its
// package.json, or stays inside its own package. The README is read, not copied here, so the two
// cannot drift apart.

const ROOT = resolve(import.meta.dirname, '..');

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const readJson = (path: string): Manifest => JSON.parse(readFileSync(path, 'utf8'));

/** Every workspace package: its directory, manifest and short name (`obd` for `@atelier/obd`). */
const PACKAGES = ['packages', 'apps'].flatMap((group) =>
  readdirSync(join(ROOT, group))
    .filter((d) => statSync(join(ROOT, group, d)).isDirectory())
    .map((d) => {
      const dir = join(ROOT, group, d);
      const manifest = readJson(join(dir, 'package.json'));
      return { dir, manifest, short: manifest.name.replace(/^@atelier\//, '') };
    }),
);

/** Layers from the README's layering block: `N  name · name`, lowest number lowest layer. */
function readmeLayers(): Map<string, number> {
  const text = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = /## Layering[^\n]*\n([\s\S]*?)\n## /.exec(text)?.[1];
  if (!section) throw new Error('README.md has no "## Layering" section');
  const block = /```[^\n]*\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('the README\'s "## Layering" section has no diagram block');
  const layers = new Map<string, number>();
  for (const line of block.split('\n')) {
    const m = /^\s*(\d+)\s+(.+?)\s*$/.exec(line);
    if (!m) continue;
    for (const name of m[2].split(/\s*·\s*/)) layers.set(name.trim(), Number(m[1]));
  }
  return layers;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'fixtures') out.push(...sourceFiles(path));
    } else if (/\.(ts|mts|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Module specifiers of static imports and re-exports, and of dynamic imports with a literal. */
function importsOf(source: string): string[] {
  // Comments may quote imports; strings and templates are left as they are (an import is never in one).
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const out: string[] = [];
  for (const m of code.matchAll(/(?:^|[\s;])(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g))
    out.push(m[1]);
  for (const m of code.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm)) out.push(m[1]);
  for (const m of code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(m[1]);
  return out;
}

const isTest = (file: string) =>
  /\.test\.ts$|[\\/]test-support[\\/]|\.test-support\.ts$|[\\/]testing\.ts$/.test(file);
const packageOf = (spec: string) =>
  spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];

const ROOT_DEV = Object.keys(readJson(join(ROOT, 'package.json')).devDependencies ?? {});
const BUILTINS = new Set(builtinModules);

describe('layering', () => {
  const layers = readmeLayers();

  it('the README places every workspace package in a layer, and names no other', () => {
    expect([...layers.keys()].sort()).toEqual(PACKAGES.map((p) => p.short).sort());
  });

  it('each package declares only @atelier packages of lower layers', () => {
    const wrong: string[] = [];
    for (const p of PACKAGES) {
      const declared = Object.keys({ ...p.manifest.dependencies, ...p.manifest.devDependencies });
      for (const d of declared.filter((x) => x.startsWith('@atelier/'))) {
        const short = d.slice('@atelier/'.length);
        if (!((layers.get(short) ?? Infinity) < layers.get(p.short)!))
          wrong.push(
            `${p.manifest.name} declares ${d} (layer ${layers.get(short)}, its own ${layers.get(p.short)})`,
          );
      }
    }
    expect(wrong).toEqual([]);
  });

  it('every import goes down a layer to a declared package, or stays in its own package', () => {
    const wrong: string[] = [];
    for (const p of PACKAGES) {
      const own = layers.get(p.short)!;
      const deps = new Set(Object.keys({ ...p.manifest.dependencies, ...p.manifest.optionalDependencies }));
      const devDeps = new Set([...deps, ...Object.keys(p.manifest.devDependencies ?? {}), ...ROOT_DEV]);
      for (const file of sourceFiles(join(p.dir, 'src'))) {
        const where = relative(ROOT, file);
        for (const spec of importsOf(readFileSync(file, 'utf8'))) {
          if (spec.startsWith('node:') || BUILTINS.has(spec)) continue;
          if (spec.startsWith('.')) {
            const target = resolve(dirname(file), spec);
            // A test may load the repository's build scripts it checks, and the shared test support
            // (fixtures, oracles: tests/support); nothing else leaves the package.
            const shared = [join(ROOT, 'scripts'), join(ROOT, 'tests', 'support')];
            const allowed = isTest(file) && shared.some((d) => !relative(d, target).startsWith('..'));
            if (relative(p.dir, target).startsWith('..') && !allowed)
              wrong.push(`${where}: '${spec}' leaves ${p.manifest.name}`);
            continue;
          }
          const name = packageOf(spec);
          const allowed = isTest(file) ? devDeps : deps;
          if (name === p.manifest.name) {
            wrong.push(`${where}: imports its own package by name ('${spec}')`);
            continue;
          }
          if (!allowed.has(name))
            wrong.push(`${where}: '${name}' is not declared in ${p.manifest.name}'s package.json`);
          if (name.startsWith('@atelier/')) {
            const layer = layers.get(name.slice('@atelier/'.length));
            if (layer === undefined || layer >= own)
              wrong.push(`${where}: ${name} (layer ${layer}) is not below ${p.manifest.name} (layer ${own})`);
          }
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('sees every form of import, so that a violation cannot hide', () => {
    const source = [
      "import { a } from '@atelier/obd';",
      "import type { B } from '@atelier/can';",
      "export * from './local.js';",
      "export { c } from 'yaml';",
      "import 'side-effect';",
      'import {',
      '  d,',
      "} from '@atelier/clock';",
      "const e = await import('@atelier/vehicle-sim');",
      "// import { x } from '@atelier/commented-out';",
      "/* import { y } from '@atelier/in-a-block'; */",
    ].join('\n');
    expect(importsOf(source).sort()).toEqual(
      [
        './local.js',
        '@atelier/can',
        '@atelier/clock',
        '@atelier/obd',
        '@atelier/vehicle-sim',
        'side-effect',
        'yaml',
      ].sort(),
    );
  });
});
